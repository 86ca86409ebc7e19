/* eltwise.c -- elementwise arithmetic, math functions, comparisons, logic
 * and bitwise ops, variadic reductions across inputs, and Where.
 *
 * Shapes follow numpy multidirectional broadcasting (pr_shape_broadcast);
 * known extents that are neither equal nor 1 are an error naming both
 * shapes. No operator here has MACs. FLOPs, counted per output element
 * (each +, -, x, /, remainder, shift, comparison, logical or bitwise op,
 * select and elementary function is 1):
 *
 *   binary   Add Sub Mul Div Pow Mod BitShift                          1
 *            Equal Greater Less GreaterOrEqual LessOrEqual             1
 *            And Or Xor BitwiseAnd BitwiseOr BitwiseXor                1
 *   unary    Abs Ceil Exp Floor Log Neg Not Reciprocal Sqrt Sign Round 1
 *            Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh    1
 *            IsNaN IsInf BitwiseNot                                    1
 *   variadic Sum Max Min over k inputs                     k - 1
 *            Mean over k inputs                            k  (k-1 adds + 1 divide)
 *   Where(cond, X, Y)                                      1  (a select)
 * A trigonometric or hyperbolic function counts 1, like Exp and Log: one
 * elementary-function evaluation per element, whatever the library's
 * polynomial inside costs.
 *
 * Output element types: arithmetic and unary ops take input 0's type
 * (Pow: the base's type, as in the spec since opset 12); comparisons,
 * And, Or, Xor, Not, IsNaN and IsInf give bool; Sum/Mean/Max/Min take
 * input 0's type; Where takes X's type. Element types the spec rejects are
 * an error where the meaning would change: And/Or/Xor need bool, BitShift
 * unsigned integers, Bitwise* integers, IsNaN/IsInf floats, and Mod of
 * floats needs fmod = 1. Attributes: Mod fmod (0: the remainder takes the
 * divisor's sign, as Python's %; 1: the dividend's, as C's fmod); BitShift
 * direction (LEFT or RIGHT, required); IsInf detect_negative and
 * detect_positive (no effect on shape or count).
 *
 * Opset differences: from opset 7 every binary op broadcasts as numpy does.
 * Before opset 7 (Add, Sub, Mul, Div, Pow, Equal, Greater, Less, And, Or,
 * Xor) B only broadcasts to A, and only with broadcast = 1: B is then a
 * single element, or its shape matches a contiguous run of A's dims
 * starting at `axis` (suffix matching when axis is absent), each extent
 * equal or 1 (PyTorch's old exporter wrote B = 2x1 against A = 2x3 at
 * axis 0). With broadcast = 0 the shapes must be equal. The output has A's
 * shape either way. Later opsets change only the element types allowed.
 *
 * Constant folding. When every input's values are known and the output has
 * at most PR_CONST_MAX elements, the output's values are computed so that
 * shape arithmetic exported by PyTorch (Shape -> Gather -> Div -> Mul ->
 * Concat -> Reshape) stays known:
 * - integer (and bool) outputs: int64 arithmetic with overflow checks;
 *   Div truncates toward zero; Pow needs a non-negative integral exponent.
 *   A result that overflows, does not fit the element type (a uint8 sum of
 *   300), divides by zero, or is not exact leaves the output unfolded:
 *   unknown, never wrapped.
 * - float32 and float64 outputs: double arithmetic, rounded to float for
 *   float32; a non-finite result (x/0, log 0, sqrt -1) leaves it unfolded.
 *   Round rounds halves to even. Half, bfloat16 and 8-bit float outputs are
 *   not folded (their rounding is not reproduced here); IsNaN and IsInf are
 *   not folded.
 * - comparisons compare ints when both inputs are integer or bool, doubles
 *   otherwise, and give 0/1.
 */
#include "families.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum fold_kind { FOLD_NONE, FOLD_INT, FOLD_FLOAT };

static enum fold_kind fold_kind(int dtype)
{
    if (dtype == PR_DT_BOOL || pr_dtype_is_int(dtype))
        return FOLD_INT;
    if (dtype == PR_DT_FLOAT || dtype == PR_DT_DOUBLE)
        return FOLD_FLOAT;
    return FOLD_NONE;
}

/* Whether v is representable in the integer (or bool) type dtype. uint64
 * values above INT64_MAX are not tracked (the int view saturates). */
static bool int_fits(int dtype, int64_t v)
{
    switch (dtype) {
    case PR_DT_BOOL:   return v == 0 || v == 1;
    case PR_DT_INT2:   return v >= -2 && v <= 1;
    case PR_DT_UINT2:  return v >= 0 && v <= 3;
    case PR_DT_INT4:   return v >= -8 && v <= 7;
    case PR_DT_UINT4:  return v >= 0 && v <= 15;
    case PR_DT_INT8:   return v >= INT8_MIN && v <= INT8_MAX;
    case PR_DT_UINT8:  return v >= 0 && v <= UINT8_MAX;
    case PR_DT_INT16:  return v >= INT16_MIN && v <= INT16_MAX;
    case PR_DT_UINT16: return v >= 0 && v <= UINT16_MAX;
    case PR_DT_INT32:  return v >= INT32_MIN && v <= INT32_MAX;
    case PR_DT_UINT32: return v >= 0 && v <= (int64_t)UINT32_MAX;
    case PR_DT_UINT64: return v >= 0 && v < INT64_MAX;  /* INT64_MAX: saturated */
    case PR_DT_INT64:  return true;
    default:           return false;
    }
}

/* Stores an integer result at k; false (abandon folding) if it does not fit. */
static bool put_int(struct pr_const *o, int64_t k, int dtype, int64_t v)
{
    if (!int_fits(dtype, v))
        return false;
    o->i[k] = v;
    o->f[k] = (double)v;
    return true;
}

/* Stores a float result at k; false if it is not finite. */
static bool put_float(struct pr_const *o, int64_t k, int dtype, double v)
{
    if (!isfinite(v))
        return false;
    if (dtype == PR_DT_FLOAT)
        v = (double)(float)v;
    o->f[k] = v;
    o->i[k] = pr_double_to_i64(v);
    return true;
}

/* Elements of a fully known shape, or -1 when not known or above cap. */
static int64_t small_numel(const struct pr_shape *s, int64_t cap)
{
    if (!pr_shape_known(s))
        return -1;
    int64_t n = 1;   /* of the non-zero extents: an empty tensor's others must be small too */
    bool empty = false;
    for (int d = 0; d < s->rank; d++) {
        if (s->dim[d] == 0) {
            empty = true;
            continue;
        }
        if (s->dim[d] > cap || n > cap / s->dim[d])
            return -1;
        n *= s->dim[d];
    }
    return empty ? 0 : n;
}

/* Known values that agree with the tensor's shape. */
static bool has_vals(const struct pr_tensor *t)
{
    return t && t->cval && small_numel(&t->shape, PR_CONST_MAX) == t->cval->n;
}

/* Flat index into in (right-aligned against out; extent-1 dims broadcast)
 * of the element of out with flat index k. out has no zero extent. */
static int64_t bcast_index(const struct pr_shape *out, const struct pr_shape *in, int64_t k)
{
    int64_t idx = 0, stride = 1;
    for (int d = out->rank - 1; d >= 0; d--) {
        int64_t pos = k % out->dim[d];
        k /= out->dim[d];
        int di = d - (out->rank - in->rank);
        if (di < 0)
            continue;
        if (in->dim[di] != 1)
            idx += pos * stride;
        stride *= in->dim[di];
    }
    return idx;
}

/* A fresh constant for output o when its shape is small and known; NULL
 * otherwise (nothing recorded). */
static struct pr_const *fold_target(struct pr_op_ctx *c, const struct pr_tensor *o)
{
    int64_t n = small_numel(&o->shape, PR_CONST_MAX);
    return n < 0 ? NULL : pr_const_new(c, n);
}

/* Too many inputs or outputs for the operator. */
static int check_arity(struct pr_op_ctx *c, const char *op, int max_in, int max_out)
{
    if (c->nin > max_in)
        return pr_op_error(c, "%s takes at most %d input%s but the node has %d",
                           op, max_in, max_in == 1 ? "" : "s", c->nin);
    if (c->nout > max_out)
        return pr_op_error(c, "%s has %d output%s but the node has %d",
                           op, max_out, max_out == 1 ? "" : "s", c->nout);
    return 0;
}

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* Broadcasts a and b into out, or records an error naming both shapes. */
static int broadcast2(struct pr_op_ctx *c, const struct pr_shape *a, const char *an,
                      const struct pr_shape *b, const char *bn, struct pr_shape *out)
{
    if (pr_shape_broadcast(a, b, out) == 0)
        return 0;
    char sa[160], sb[160];
    return pr_op_error(c, "cannot broadcast %s (%s) with %s (%s): each pair of aligned "
                       "extents must be equal or 1", an, pr_shape_str(a, sa, sizeof sa),
                       bn, pr_shape_str(b, sb, sizeof sb));
}

static uint64_t out_numel(struct pr_op_ctx *c)
{
    return pr_numel(c, &c->out[0]->shape);
}

/* ---- element types ---- */

static bool is_unsigned(int dtype)
{
    return dtype == PR_DT_UINT4 || dtype == PR_DT_UINT8 || dtype == PR_DT_UINT16 ||
           dtype == PR_DT_UINT32 || dtype == PR_DT_UINT64;
}

/* Input element types the operator accepts; an unknown type (0) passes. */
static int check_types(struct pr_op_ctx *c, int nin)
{
    const char *need = NULL;
    for (int i = 0; i < nin && !need; i++) {
        int t = pr_input(c, i)->dtype;
        if (!t)
            continue;
        switch (c->op_id) {
        case PR_OP_AND: case PR_OP_OR: case PR_OP_XOR:
            need = t != PR_DT_BOOL ? "bool" : NULL;
            break;
        case PR_OP_BIT_SHIFT:
            need = !is_unsigned(t) ? "an unsigned integer type" : NULL;
            break;
        case PR_OP_BITWISE_AND: case PR_OP_BITWISE_OR: case PR_OP_BITWISE_XOR:
        case PR_OP_BITWISE_NOT:
            need = !pr_dtype_is_int(t) ? "an integer type" : NULL;
            break;
        case PR_OP_IS_NAN: case PR_OP_IS_INF:
            need = !pr_dtype_is_float(t) ? "a floating type" : NULL;
            break;
        default:
            break;
        }
        if (need)
            return pr_op_error(c, "input %d is %s but %s needs %s", i, pr_dtype_name(t),
                               op_name(c), need);
    }
    return 0;
}

/* ---- unary ---- */

static bool unary_int(int op, int dtype, int64_t x, int64_t *r)
{
    switch (op) {
    case PR_OP_NEG:
        if (x == INT64_MIN)
            return false;
        *r = -x;
        return true;
    case PR_OP_ABS:
        if (x == INT64_MIN)
            return false;
        *r = x < 0 ? -x : x;
        return true;
    case PR_OP_FLOOR: case PR_OP_CEIL: case PR_OP_ROUND:
        *r = x;
        return true;
    case PR_OP_SIGN:
        *r = (x > 0) - (x < 0);
        return true;
    case PR_OP_NOT:
        *r = !x;
        return true;
    case PR_OP_BITWISE_NOT:
        if (!is_unsigned(dtype)) {
            *r = ~x;   /* two's complement: fits the same signed type */
            return true;
        }
        if (dtype == PR_DT_UINT64)
            return false;
        *r = ~x & (int64_t)((UINT64_C(1) << pr_dtype_bits(dtype)) - 1);
        return true;
    default:
        return false;   /* Exp, Log, trigonometry, ... are float-only */
    }
}

static bool unary_float(int op, double x, double *r)
{
    switch (op) {
    case PR_OP_NEG: *r = -x; return true;
    case PR_OP_ABS: *r = fabs(x); return true;
    case PR_OP_FLOOR: *r = floor(x); return true;
    case PR_OP_CEIL: *r = ceil(x); return true;
    case PR_OP_ROUND: *r = nearbyint(x); return true;   /* default mode: half to even */
    case PR_OP_SIGN: *r = (x > 0) - (x < 0); return true;
    case PR_OP_EXP: *r = exp(x); return true;
    case PR_OP_LOG: *r = log(x); return true;
    case PR_OP_SQRT: *r = sqrt(x); return true;
    case PR_OP_RECIPROCAL: *r = 1.0 / x; return true;
    case PR_OP_SIN: *r = sin(x); return true;
    case PR_OP_COS: *r = cos(x); return true;
    case PR_OP_TAN: *r = tan(x); return true;
    case PR_OP_ASIN: *r = asin(x); return true;
    case PR_OP_ACOS: *r = acos(x); return true;
    case PR_OP_ATAN: *r = atan(x); return true;
    case PR_OP_SINH: *r = sinh(x); return true;
    case PR_OP_COSH: *r = cosh(x); return true;
    case PR_OP_ASINH: *r = asinh(x); return true;
    case PR_OP_ACOSH: *r = acosh(x); return true;
    case PR_OP_ATANH: *r = atanh(x); return true;
    default: return false;   /* Not and Bitwise* are integer-only */
    }
}

static void unary_fold(struct pr_op_ctx *c, const struct pr_tensor *x, struct pr_tensor *o)
{
    enum fold_kind kind = fold_kind(o->dtype);
    if (kind == FOLD_NONE || c->op_id == PR_OP_IS_NAN || c->op_id == PR_OP_IS_INF ||
        !has_vals(x))
        return;
    struct pr_const *v = fold_target(c, o);
    if (!v || v->n != x->cval->n)
        return;
    for (int64_t k = 0; k < v->n; k++) {
        if (kind == FOLD_INT) {
            int64_t r;
            if (!unary_int(c->op_id, o->dtype, pr_const_values(x->cval)->i[k], &r) || !put_int(v, k, o->dtype, r))
                return;
        } else {
            double r;
            if (!unary_float(c->op_id, pr_const_values(x->cval)->f[k], &r) || !put_float(v, k, o->dtype, r))
                return;
        }
    }
    o->cval = v;
}

int unary_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0 || check_arity(c, op_name(c), 1, 1) < 0 ||
        check_types(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    struct pr_tensor *o = c->out[0];
    int op = c->op_id;
    if (op == PR_OP_IS_INF) {
        pr_attr_int(c, "detect_negative", 1);
        pr_attr_int(c, "detect_positive", 1);
    }
    o->dtype = op == PR_OP_NOT || op == PR_OP_IS_NAN || op == PR_OP_IS_INF ? PR_DT_BOOL : x->dtype;
    o->shape = x->shape;
    unary_fold(c, x, o);
    return 0;
}

int unary_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);
    return 0;
}

/* ---- binary ---- */

static bool is_compare(int op)
{
    return op == PR_OP_EQUAL || op == PR_OP_GREATER || op == PR_OP_LESS ||
           op == PR_OP_GREATER_OR_EQUAL || op == PR_OP_LESS_OR_EQUAL;
}

/* Ops with a bool output: comparisons and logical And, Or, Xor. */
static bool gives_bool(int op)
{
    return is_compare(op) || op == PR_OP_AND || op == PR_OP_OR || op == PR_OP_XOR;
}

/* base^e for e >= 0 with overflow checks (exponentiation by squaring). */
static bool ipow(int64_t base, int64_t e, int64_t *r)
{
    int64_t acc = 1;
    while (e > 0) {
        if ((e & 1) && __builtin_mul_overflow(acc, base, &acc))
            return false;
        e >>= 1;
        if (e && __builtin_mul_overflow(base, base, &base))
            return false;
    }
    *r = acc;
    return true;
}

/* Integer remainder: fmod = 1 takes the dividend's sign (C's %), fmod = 0
 * the divisor's (Python's %). */
static bool imod(int64_t a, int64_t b, bool fmod_mode, int64_t *r)
{
    if (b == 0)
        return false;
    int64_t m = b == -1 ? 0 : a % b;   /* INT64_MIN % -1 overflows in C */
    if (!fmod_mode && m != 0 && (m < 0) != (b < 0))
        m += b;
    *r = m;
    return true;
}

/* a << b or a >> b for a non-negative a (BitShift takes unsigned types). */
static bool ishift(int64_t a, int64_t b, bool left, int64_t *r)
{
    if (a < 0 || b < 0 || b > 63)
        return false;
    if (left && a > (INT64_MAX >> b))
        return false;
    *r = left ? (int64_t)((uint64_t)a << b) : a >> b;
    return true;
}

/* Integer arithmetic; b_f is b as a double (Pow's exponent may be float);
 * arg is Mod's fmod and BitShift's direction (1: LEFT). */
static bool binary_int(int op, int64_t a, int64_t b, double b_f, int arg, int64_t *r)
{
    switch (op) {
    case PR_OP_ADD: return !__builtin_add_overflow(a, b, r);
    case PR_OP_SUB: return !__builtin_sub_overflow(a, b, r);
    case PR_OP_MUL: return !__builtin_mul_overflow(a, b, r);
    case PR_OP_DIV:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return false;
        *r = a / b;   /* C truncates toward zero, as ONNX integer Div does */
        return true;
    case PR_OP_POW:
        if (!(b_f >= 0) || b_f != floor(b_f) || b_f > 9.0e15)
            return false;
        return ipow(a, (int64_t)b_f, r);
    case PR_OP_MOD: return imod(a, b, arg != 0, r);
    case PR_OP_BIT_SHIFT: return ishift(a, b, arg != 0, r);
    case PR_OP_AND: *r = a && b; return true;
    case PR_OP_OR: *r = a || b; return true;
    case PR_OP_XOR: *r = !a != !b; return true;
    case PR_OP_BITWISE_AND: *r = a & b; return true;
    case PR_OP_BITWISE_OR: *r = a | b; return true;
    case PR_OP_BITWISE_XOR: *r = a ^ b; return true;
    default:
        return false;
    }
}

static bool binary_float(int op, double a, double b, double *r)
{
    switch (op) {
    case PR_OP_ADD: *r = a + b; return true;
    case PR_OP_SUB: *r = a - b; return true;
    case PR_OP_MUL: *r = a * b; return true;
    case PR_OP_DIV: *r = a / b; return true;
    case PR_OP_POW: *r = pow(a, b); return true;
    case PR_OP_MOD: *r = fmod(a, b); return true;   /* floats need fmod = 1 */
    default: return false;
    }
}

static int64_t compare(int op, bool ints, const struct pr_const *a, int64_t ia,
                       const struct pr_const *b, int64_t ib)
{
    double x = a->f[ia], y = b->f[ib];
    int64_t xi = a->i[ia], yi = b->i[ib];
    int sign = ints ? (xi > yi) - (xi < yi) : (x > y) - (x < y);
    bool unordered = !ints && (isnan(x) || isnan(y));
    switch (op) {
    case PR_OP_EQUAL: return !unordered && sign == 0;
    case PR_OP_GREATER: return sign > 0;
    case PR_OP_LESS: return sign < 0;
    case PR_OP_GREATER_OR_EQUAL: return !unordered && sign >= 0;
    default: return !unordered && sign <= 0;   /* LessOrEqual */
    }
}

/* bs is b's shape as aligned against the output (see legacy_broadcast);
 * arg as for binary_int. */
static void binary_fold(struct pr_op_ctx *c, const struct pr_tensor *a,
                        const struct pr_tensor *b, const struct pr_shape *bs, int arg,
                        struct pr_tensor *o)
{
    int op = c->op_id;
    enum fold_kind ka = fold_kind(a->dtype), kb = fold_kind(b->dtype);
    enum fold_kind kind = fold_kind(o->dtype);
    if (ka == FOLD_NONE || kb == FOLD_NONE || kind == FOLD_NONE || !has_vals(a) || !has_vals(b))
        return;
    struct pr_const *v = fold_target(c, o);
    if (!v)
        return;
    bool ints = ka == FOLD_INT && kb == FOLD_INT;
    for (int64_t k = 0; k < v->n; k++) {
        int64_t ia = bcast_index(&o->shape, &a->shape, k);
        int64_t ib = bcast_index(&o->shape, bs, k);
        if (is_compare(op)) {
            put_int(v, k, PR_DT_BOOL, compare(op, ints, pr_const_values(a->cval), ia, pr_const_values(b->cval), ib));
        } else if (kind == FOLD_INT) {
            int64_t r;
            if (!binary_int(op, pr_const_values(a->cval)->i[ia], pr_const_values(b->cval)->i[ib], pr_const_values(b->cval)->f[ib], arg, &r) ||
                !put_int(v, k, o->dtype, r))
                return;
        } else {
            double r;
            if (!binary_float(op, pr_const_values(a->cval)->f[ia], pr_const_values(b->cval)->f[ib], &r) ||
                !put_float(v, k, o->dtype, r))
                return;
        }
    }
    o->cval = v;
}

/* Opset < 7 broadcasting of B to A (see the top comment). Sets *bs to B's
 * shape padded with trailing 1s so that right-aligned (numpy) indexing
 * places it at `axis`; the output is A's shape. */
static int legacy_broadcast(struct pr_op_ctx *c, const struct pr_shape *a,
                            const struct pr_shape *b, struct pr_shape *bs, struct pr_shape *out)
{
    char sa[160], sb[160];
    pr_shape_str(a, sa, sizeof sa);
    pr_shape_str(b, sb, sizeof sb);
    *out = *a;
    *bs = *b;
    bool one = true;
    for (int d = 0; d < b->rank; d++)
        one = one && b->dim[d] == 1;
    if (pr_attr_int(c, "broadcast", 0) == 0) {
        bool same = a->rank == b->rank;
        for (int d = 0; same && d < a->rank; d++)
            same = a->dim[d] == b->dim[d] || a->dim[d] < 0 || b->dim[d] < 0;
        if (same)
            return 0;
        return pr_op_error(c, "input A (%s) and input B (%s) differ and broadcast is not set "
                           "(before opset 7 shapes must be equal unless broadcast = 1)", sa, sb);
    }
    if (one && b->rank <= a->rank)
        return 0;
    int axis = a->rank - b->rank;
    if (pr_attr_has(c, "axis")) {
        int64_t ax = pr_attr_int(c, "axis", 0);
        axis = pr_axis(ax, a->rank);
        if (axis < 0)
            return pr_op_error(c, "axis %lld is out of range for input A of rank %d",
                               (long long)ax, a->rank);
    }
    bool ok = axis >= 0 && axis + b->rank <= a->rank;
    for (int d = 0; ok && d < b->rank; d++)
        ok = b->dim[d] == a->dim[axis + d] || b->dim[d] == 1 || b->dim[d] < 0 ||
             a->dim[axis + d] < 0;
    if (!ok)
        return pr_op_error(c, "input B (%s) does not match input A's dims (%s) from axis %d "
                           "(each extent equal or 1), as broadcast = 1 before opset 7 requires",
                           sb, sa, axis);
    while (bs->rank < a->rank - axis)
        bs->dim[bs->rank++] = 1;
    return 0;
}

/* Mod's fmod and BitShift's direction (1: LEFT) as binary_int's arg;
 * -1 after an error. */
static int binary_arg(struct pr_op_ctx *c, const struct pr_tensor *a)
{
    if (c->op_id == PR_OP_MOD) {
        int64_t f = pr_attr_int(c, "fmod", 0);
        if (f != 0 && f != 1)
            return pr_op_error(c, "fmod is %lld; it must be 0 or 1", (long long)f);
        if (f == 0 && pr_dtype_is_float(a->dtype))
            return pr_op_error(c, "Mod of %s inputs needs fmod = 1 (the spec defines the "
                               "integer remainder only for integers)", pr_dtype_name(a->dtype));
        return (int)f;
    }
    if (c->op_id == PR_OP_BIT_SHIFT) {
        if (!pr_attr_has(c, "direction"))
            return pr_op_error(c, "attribute 'direction' (LEFT or RIGHT) is required");
        const char *d = pr_attr_str(c, "direction", "");
        if (strcmp(d, "LEFT") == 0 || strcmp(d, "RIGHT") == 0)
            return strcmp(d, "LEFT") == 0;
        return c->failed ? -1 : pr_op_error(c, "direction is '%s'; it must be LEFT or RIGHT", d);
    }
    return 0;
}

int binary_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0 || check_arity(c, op_name(c), 2, 1) < 0 ||
        check_types(c, 2) < 0)
        return -1;
    const struct pr_tensor *a = pr_input(c, 0), *b = pr_input(c, 1);
    struct pr_tensor *o = c->out[0];
    struct pr_shape bs = b->shape;
    int arg = binary_arg(c, a);
    if (arg < 0)
        return -1;
    if (c->opset < 7 ? legacy_broadcast(c, &a->shape, &b->shape, &bs, &o->shape) < 0
                     : broadcast2(c, &a->shape, "input A", &b->shape, "input B", &o->shape) < 0)
        return -1;
    o->dtype = gives_bool(c->op_id) ? PR_DT_BOOL : a->dtype;
    binary_fold(c, a, b, &bs, arg, o);
    return 0;
}

int binary_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);
    return 0;
}

/* ---- variadic: Sum, Mean, Max, Min ---- */

static void variadic_fold(struct pr_op_ctx *c, struct pr_tensor *o)
{
    int op = c->op_id, n = c->nin;
    enum fold_kind kind = fold_kind(o->dtype);
    if (kind == FOLD_NONE || (op == PR_OP_MEAN && kind == FOLD_INT))
        return;
    for (int i = 0; i < n; i++) {
        const struct pr_tensor *t = pr_input(c, i);
        if (fold_kind(t->dtype) != kind || !has_vals(t))
            return;
    }
    struct pr_const *v = fold_target(c, o);
    if (!v)
        return;
    for (int64_t k = 0; k < v->n; k++) {
        const struct pr_tensor *t0 = pr_input(c, 0);
        int64_t j0 = bcast_index(&o->shape, &t0->shape, k);
        int64_t acc_i = pr_const_values(t0->cval)->i[j0];
        double acc_f = pr_const_values(t0->cval)->f[j0];
        for (int i = 1; i < n; i++) {
            const struct pr_tensor *t = pr_input(c, i);
            int64_t j = bcast_index(&o->shape, &t->shape, k);
            int64_t xi = pr_const_values(t->cval)->i[j];
            double xf = pr_const_values(t->cval)->f[j];
            if (op == PR_OP_SUM || op == PR_OP_MEAN) {
                if (kind == FOLD_INT && __builtin_add_overflow(acc_i, xi, &acc_i))
                    return;
                acc_f += xf;
            } else {
                bool take = kind == FOLD_INT ? (op == PR_OP_MAX ? xi > acc_i : xi < acc_i)
                                             : (op == PR_OP_MAX ? xf > acc_f : xf < acc_f);
                if (take || isnan(xf)) {
                    acc_i = xi;
                    acc_f = xf;
                }
            }
        }
        if (op == PR_OP_MEAN)
            acc_f /= n;
        if (kind == FOLD_INT ? !put_int(v, k, o->dtype, acc_i) : !put_float(v, k, o->dtype, acc_f))
            return;
    }
    o->cval = v;
}

int variadic_shape(struct pr_op_ctx *c)
{
    const char *name = op_name(c);
    if (c->nin < 1)
        return pr_op_error(c, "%s needs at least one input", name);
    if (c->nin > PR_MAX_IO)
        return pr_op_error(c, "%s has %d inputs; at most %d are supported", name, c->nin, PR_MAX_IO);
    if (check_arity(c, name, PR_MAX_IO, 1) < 0)
        return -1;
    for (int i = 0; i < c->nin; i++)
        if (!pr_input(c, i))
            return pr_op_error(c, "%s input %d is empty; every input must be given", name, i);
    struct pr_tensor *o = c->out[0];
    struct pr_shape s = pr_input(c, 0)->shape;
    for (int i = 1; i < c->nin; i++) {
        char bn[32], an[32];
        snprintf(an, sizeof an, "inputs 0..%d", i - 1);
        snprintf(bn, sizeof bn, "input %d", i);
        struct pr_shape next;
        if (broadcast2(c, &s, i == 1 ? "input 0" : an, &pr_input(c, i)->shape, bn, &next) < 0)
            return -1;
        s = next;
    }
    o->shape = s;
    o->dtype = pr_input(c, 0)->dtype;
    variadic_fold(c, o);
    return 0;
}

int variadic_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per = (uint64_t)c->nin - (c->op_id == PR_OP_MEAN ? 0 : 1);
    k->flops = pr_mul(c, out_numel(c), per);
    return 0;
}

/* ---- Where ---- */

static void where_fold(struct pr_op_ctx *c, const struct pr_tensor *cond,
                       const struct pr_tensor *x, const struct pr_tensor *y,
                       struct pr_tensor *o)
{
    if (fold_kind(o->dtype) == FOLD_NONE || fold_kind(cond->dtype) == FOLD_NONE ||
        !has_vals(cond) || !has_vals(x) || !has_vals(y))
        return;
    struct pr_const *v = fold_target(c, o);
    if (!v)
        return;
    for (int64_t k = 0; k < v->n; k++) {
        bool take_x = pr_const_values(cond->cval)->i[bcast_index(&o->shape, &cond->shape, k)] != 0;
        const struct pr_tensor *src = take_x ? x : y;
        int64_t j = bcast_index(&o->shape, &src->shape, k);
        v->i[k] = pr_const_values(src->cval)->i[j];
        v->f[k] = pr_const_values(src->cval)->f[j];
    }
    o->cval = v;
}

int where_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0 || check_arity(c, "Where", 3, 1) < 0)
        return -1;
    const struct pr_tensor *cond = pr_input(c, 0), *x = pr_input(c, 1), *y = pr_input(c, 2);
    struct pr_tensor *o = c->out[0];
    struct pr_shape cx;
    if (broadcast2(c, &cond->shape, "condition", &x->shape, "X", &cx) < 0 ||
        broadcast2(c, &cx, "condition broadcast with X", &y->shape, "Y", &o->shape) < 0)
        return -1;
    o->dtype = x->dtype;
    where_fold(c, cond, x, y, o);
    return 0;
}

int where_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);
    return 0;
}
