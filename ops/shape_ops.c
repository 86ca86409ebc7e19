/* shape_ops.c -- operators that describe tensors rather than compute on them:
 * element types, shapes and small known constants.
 *
 * Cost (move_cost, shared with layout.c): MACs = 0, FLOPs = 0 for every
 * operator of both families; they move or relabel data. Parameters: only
 * input 0 (the data) can count as weights, so a weight reshaped, transposed
 * or gathered is counted once, at that node; Concat counts every input;
 * Constant, ConstantOfShape, Range, Shape, Size and EyeLike read no weights; Identity
 * counts none because its output *is* the weight (is_weight is propagated)
 * and is counted where it is consumed.
 *
 * Output shapes (r = input rank, d = input extents, -1 = unknown):
 *   BitCast          d, element type `to` of the input's bit width (opset 26;
 *                    a reinterpretation: no string, no value kept)
 *   Cast             d, element type `to` (a string name before opset 6)
 *   CastLike         d, element type of input 1 (target_type); its values
 *                    are not read
 *   Constant         the attribute's tensor: value | sparse_value (11+) |
 *                    value_float(s), value_int(s), value_string(s) (12+)
 *   ConstantOfShape  the values of the 1-D shape input; type of `value`
 *                    (one element; default float32 0)
 *   EyeLike          d of a 2-D input; element type `dtype`, else the input's
 *   Dropout          d; optional mask d (bool from opset 10, else the input
 *                    type); ratio/training_mode inputs (12+) are hyper-parameters
 *   Expand           numpy broadcast of d with the shape input's values
 *   Flatten          (d0*..*d[axis-1], d[axis]*..*d[r-1]), axis in [-r, r]
 *                    (negative from opset 11), default 1
 *   Identity         d, with the input's values and weight flag
 *   MemcpyFromHost, MemcpyToHost  (ONNX Runtime's copies between the CPU and
 *                    an accelerator, in the default domain of models it saves
 *                    after partitioning) as Identity; they move the tensor
 *   Range            n = max(ceil((limit - start) / delta), 0); delta 0 is an
 *                    error; element type of start
 *   Reshape          the shape values (attribute before opset 5): 0 copies
 *                    d[i] unless allowzero=1 (opset 14); one -1 takes
 *                    numel / product of the others (copied extents cancel,
 *                    so unknown extents that are copied do not block it)
 *   Shape            int64 (e - s) with s, e = start, end (opset 15),
 *                    negative += r, clamped to [0, r]
 *   Size             int64 scalar prod(d), its value known when d is
 *   Squeeze          d without the listed axes (attribute before opset 13,
 *                    input from 13); no (or empty) axes: every extent equal to 1
 *   Unsqueeze        extents 1 inserted at the listed axes of the output
 *                    rank r + len(axes) (attribute before 13, input from 13)
 * Negative axes are accepted at every opset (older opsets define only
 * non-negative ones; the meaning is unambiguous). Extent products are
 * checked for int64 overflow (an error). Values are propagated (cval)
 * whenever the input values are known and the output has at most
 * PR_CONST_MAX elements; Cast converts them: to floating types the double
 * view is kept (rounded to float32 for float32), to integer types it is
 * truncated toward zero, to bool it becomes value != 0.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "families.h"
#include "values.h"

int move_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->macs = 0;
    k->flops = 0;
    switch (c->op_id) {
    case PR_OP_CONCAT:
        break;
    case PR_OP_CONSTANT:
    case PR_OP_CONSTANT_OF_SHAPE:
    case PR_OP_RANGE:
    case PR_OP_SHAPE:
    case PR_OP_SIZE:
    case PR_OP_EYE_LIKE:
    case PR_OP_IDENTITY:
        k->weight_mask = 0;
        break;
    default:
        k->weight_mask &= 1;
        break;
    }
    return 0;
}

/* ---- helpers ---- */

/* a * b for extents: 0 if either is 0, -1 if either is unknown; overflow
 * is an error. */
static int extent_mul(struct pr_op_ctx *c, int64_t a, int64_t b, int64_t *r)
{
    if (a == 0 || b == 0) {
        *r = 0;
        return 0;
    }
    if (a < 0 || b < 0) {
        *r = -1;
        return 0;
    }
    if (__builtin_mul_overflow(a, b, r))
        return pr_op_error(c, "extent product %lld x %lld overflows int64",
                           (long long)a, (long long)b);
    return 0;
}

/* Output 0 gets the data input's type and the given shape; the input's
 * values are carried when the element count is unchanged. */
static void set_carry(struct pr_op_ctx *c, const struct pr_tensor *x, const struct pr_shape *s)
{
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->shape = *s;
    const struct pr_const *v = pr_values_of(x);
    o->cval = v && pr_small_numel(s) == v->n ? v : NULL;
}

/* Output 0 of rank `rank` (-1: unknown) with every extent unknown. */
static void set_unknown(struct pr_op_ctx *c, int dtype, int rank)
{
    struct pr_tensor *o = c->out[0];
    o->dtype = dtype;
    o->shape.rank = rank;
    for (int i = 0; i < rank && i < PR_MAX_RANK; i++)
        o->shape.dim[i] = -1;
    o->cval = NULL;
}

/* ---- Cast ---- */

static int dtype_from_name(const char *s)
{
    static const char *const names[] = {
        [PR_DT_FLOAT] = "FLOAT", [PR_DT_UINT8] = "UINT8", [PR_DT_INT8] = "INT8",
        [PR_DT_UINT16] = "UINT16", [PR_DT_INT16] = "INT16", [PR_DT_INT32] = "INT32",
        [PR_DT_INT64] = "INT64", [PR_DT_STRING] = "STRING", [PR_DT_BOOL] = "BOOL",
        [PR_DT_FLOAT16] = "FLOAT16", [PR_DT_DOUBLE] = "DOUBLE", [PR_DT_UINT32] = "UINT32",
        [PR_DT_UINT64] = "UINT64", [PR_DT_COMPLEX64] = "COMPLEX64",
        [PR_DT_COMPLEX128] = "COMPLEX128", [PR_DT_BFLOAT16] = "BFLOAT16",
    };
    for (int i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
        if (names[i] && strcmp(s, names[i]) == 0)
            return i;
    return 0;
}

static void cast_value(int from, int to, int64_t i, double f, int64_t *oi, double *of)
{
    bool from_float = pr_dtype_is_float(from);
    if (to == PR_DT_BOOL) {
        *oi = from_float ? f != 0 : i != 0;
        *of = (double)*oi;
    } else if (pr_dtype_is_float(to)) {
        double v = from_float ? f : (double)i;
        if (to == PR_DT_FLOAT && fabs(v) <= FLT_MAX)
            v = (float)v;
        *of = v;
        *oi = pr_double_to_i64(v);
    } else {
        *oi = from_float ? pr_double_to_i64(f) : i;
        *of = (double)*oi;
    }
}

/* Output 0: x converted to element type `to`, values converted too. */
static int cast_to(struct pr_op_ctx *c, const struct pr_tensor *x, int to)
{
    struct pr_tensor *o = c->out[0];
    o->dtype = to;
    o->shape = x->shape;
    o->cval = NULL;
    const struct pr_const *v = pr_values_of(x);
    bool numeric = to != PR_DT_STRING && to != PR_DT_COMPLEX64 && to != PR_DT_COMPLEX128;
    if (!v || !numeric)
        return 0;
    struct pr_const *k = pr_const_new(c, v->n);
    if (!k)
        return -1;
    for (int64_t e = 0; e < v->n; e++)
        cast_value(x->dtype, to, v->i[e], v->f[e], &k->i[e], &k->f[e]);
    o->cval = k;
    return 0;
}

int cast_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (!pr_attr_has(c, "to"))
        return pr_op_error(c, "attribute 'to' (the target element type) is required");
    int64_t to;
    if (c->opset < 6) {
        const char *s = pr_attr_str(c, "to", "");
        to = dtype_from_name(s);
        if (!to)
            return pr_op_error(c, "attribute 'to' is '%s', not a known element type", s);
    } else {
        to = pr_attr_int(c, "to", 0);
        if (to <= 0 || to >= PR_DT_COUNT)
            return pr_op_error(c, "attribute 'to' is %lld, not a known element type",
                               (long long)to);
    }
    return cast_to(c, c->in[0], (int)to);
}

int bitcast_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "BitCast takes 1 input and has 1 output but the node has %d and %d",
                           c->nin, c->nout);
    if (!pr_attr_has(c, "to"))
        return pr_op_error(c, "attribute 'to' (the target element type) is required");
    int64_t to = pr_attr_int(c, "to", 0);
    if (c->failed)
        return -1;
    if (to <= 0 || to >= PR_DT_COUNT || to == PR_DT_STRING)
        return pr_op_error(c, "attribute 'to' is %lld, not a known non-string element type", (long long)to);
    const struct pr_tensor *x = c->in[0];
    if (x->dtype == PR_DT_STRING)
        return pr_op_error(c, "BitCast cannot reinterpret strings");
    if (x->dtype && pr_dtype_bits(x->dtype) != pr_dtype_bits((int)to))
        return pr_op_error(c, "the input is %s (%u bits) but 'to' is %s (%u bits); BitCast keeps the bit width",
                           pr_dtype_name(x->dtype), pr_dtype_bits(x->dtype), pr_dtype_name((int)to),
                           pr_dtype_bits((int)to));
    c->out[0]->dtype = (int)to;
    c->out[0]->shape = x->shape;
    c->out[0]->cval = NULL;
    return 0;
}

int castlike_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    int to = c->in[1]->dtype;
    if (!to) {   /* the target's type is unknown: so is the output's */
        *c->out[0] = (struct pr_tensor){.shape = c->in[0]->shape};
        return 0;
    }
    return cast_to(c, c->in[0], to);
}

/* ---- Constant ---- */

static int constant_list(struct pr_op_ctx *c, const char *name, bool ints)
{
    struct pr_const *k;
    int n;
    if (ints) {
        int64_t buf[PR_CONST_MAX];
        n = pr_attr_ints(c, name, buf, PR_CONST_MAX);
        if (n < 0 || !(k = pr_const_new(c, n)))
            return -1;
        for (int e = 0; e < n; e++) {
            k->i[e] = buf[e];
            k->f[e] = (double)buf[e];
        }
    } else {
        double buf[PR_CONST_MAX];
        n = pr_attr_floats(c, name, buf, PR_CONST_MAX);
        if (n < 0 || !(k = pr_const_new(c, n)))
            return -1;
        for (int e = 0; e < n; e++) {
            k->f[e] = buf[e];
            k->i[e] = pr_double_to_i64(buf[e]);
        }
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = ints ? PR_DT_INT64 : PR_DT_FLOAT;
    o->shape.rank = 1;
    o->shape.dim[0] = n;
    o->cval = k;
    return 0;
}

static int constant_scalar(struct pr_op_ctx *c, const char *name, bool ints)
{
    struct pr_const *k = pr_const_new(c, 1);
    if (!k)
        return -1;
    if (ints) {
        k->i[0] = pr_attr_int(c, name, 0);
        k->f[0] = (double)k->i[0];
    } else {
        k->f[0] = pr_attr_float(c, name, 0);
        k->i[0] = pr_double_to_i64(k->f[0]);
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = ints ? PR_DT_INT64 : PR_DT_FLOAT;
    o->shape.rank = 0;
    o->cval = k;
    return 0;
}

int constant_shape(struct pr_op_ctx *c)
{
    static const struct { const char *name; int since; } kinds[] = {
        {"value", 1}, {"sparse_value", 11}, {"value_float", 12}, {"value_floats", 12},
        {"value_int", 12}, {"value_ints", 12}, {"value_string", 12}, {"value_strings", 12},
    };
    int which = -1, count = 0;
    for (int i = 0; i < (int)(sizeof kinds / sizeof kinds[0]); i++) {
        if (!pr_attr_has(c, kinds[i].name))
            continue;
        if (c->opset < kinds[i].since)
            return pr_op_error(c, "attribute '%s' exists since opset %d; the model imports opset %d",
                               kinds[i].name, kinds[i].since, c->opset);
        which = i;
        count++;
    }
    if (count != 1)
        return pr_op_error(c, "Constant needs exactly one of the attributes value, sparse_value, "
                           "value_float(s), value_int(s), value_string(s); it has %d", count);
    struct pr_tensor *o = c->out[0];
    int rc = 0;
    switch (which) {
    case 0: {
        struct pr_tensor t;
        if (pr_attr_tensor(c, "value", &t) < 0)
            return c->failed ? -1 : pr_op_error(c, "attribute 'value' holds no tensor");
        *o = t;
        break;
    }
    case 1:
        pr_op_warn(c, "sparse_value constants are not decoded: output shape unknown");
        set_unknown(c, 0, -1);
        break;
    case 2: rc = constant_scalar(c, "value_float", false); break;
    case 3: rc = constant_list(c, "value_floats", false); break;
    case 4: rc = constant_scalar(c, "value_int", true); break;
    case 5: rc = constant_list(c, "value_ints", true); break;
    case 6:
        pr_attr_str(c, "value_string", "");
        o->dtype = PR_DT_STRING;
        o->shape.rank = 0;
        break;
    default:
        set_unknown(c, PR_DT_STRING, 1);   /* no accessor gives the count of strings */
        break;
    }
    o->is_weight = true;
    return rc;
}

/* ---- ConstantOfShape ---- */

int cofs_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int dtype = PR_DT_FLOAT;
    double fv = 0;
    int64_t iv = 0;
    bool have_value = true;
    if (pr_attr_has(c, "value")) {
        struct pr_tensor t;
        if (pr_attr_tensor(c, "value", &t) < 0)
            return c->failed ? -1 : pr_op_error(c, "attribute 'value' holds no tensor");
        if (pr_small_numel(&t.shape) != 1)
            return pr_op_error(c, "attribute 'value' must hold exactly one element");
        dtype = t.dtype;
        have_value = t.cval != NULL;
        if (t.cval) {
            fv = pr_const_values(t.cval)->f[0];
            iv = pr_const_values(t.cval)->i[0];
        }
    }
    int64_t v[PR_MAX_RANK];
    int n;
    int known = pr_int_list(c, 0, "the shape input", v, PR_MAX_RANK, &n, false);
    if (known < 0)
        return -1;
    if (!known) {
        set_unknown(c, dtype, n);
        return 0;
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = dtype;
    o->shape.rank = n;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0)
            return pr_op_error(c, "the shape input has a negative extent %lld at position %d",
                               (long long)v[i], i);
        o->shape.dim[i] = v[i];
    }
    int64_t nel = pr_small_numel(&o->shape);
    if (nel < 0 || !have_value)
        return 0;
    struct pr_const *k = pr_const_new(c, nel);
    if (!k)
        return -1;
    for (int64_t e = 0; e < nel; e++) {
        k->i[e] = iv;
        k->f[e] = fv;
    }
    o->cval = k;
    return 0;
}

/* ---- Dropout, Identity ---- */

int dropout_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    set_carry(c, x, &x->shape);
    if (c->nout > 1) {
        c->out[1]->dtype = c->opset >= 10 ? PR_DT_BOOL : x->dtype;
        c->out[1]->shape = x->shape;
    }
    return 0;
}

int identity_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    *c->out[0] = *c->in[0];
    return 0;
}

/* ---- Expand ---- */

/* dst (shape out) = src (shape in) broadcast: broadcast axes get stride 0. */
static void broadcast_values(const struct pr_shape *in, const struct pr_const *src,
                             const struct pr_shape *out, struct pr_const *dst)
{
    int64_t stride[PR_MAX_RANK];
    int64_t s = 1;
    int off = out->rank - in->rank;
    for (int d = out->rank - 1; d >= 0; d--) {
        int k = d - off;
        stride[d] = k < 0 || in->dim[k] == 1 ? 0 : s;
        if (k >= 0)
            s *= in->dim[k];
    }
    for (int64_t e = 0; e < dst->n; e++) {
        int64_t rem = e, from = 0;
        for (int d = out->rank - 1; d >= 0; d--) {
            from += rem % out->dim[d] * stride[d];
            rem /= out->dim[d];
        }
        dst->i[e] = src->i[from];
        dst->f[e] = src->f[from];
    }
}

int expand_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int64_t v[PR_MAX_RANK];
    int n;
    int known = pr_int_list(c, 1, "the shape input", v, PR_MAX_RANK, &n, false);
    if (known < 0)
        return -1;
    if (n < 0) {
        set_unknown(c, x->dtype, -1);
        return 0;
    }
    struct pr_shape target = {.rank = n};
    for (int i = 0; i < n; i++) {
        if (known && v[i] < 0)
            return pr_op_error(c, "the shape input has a negative extent %lld at position %d",
                               (long long)v[i], i);
        target.dim[i] = known ? v[i] : -1;
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->cval = NULL;
    if (pr_shape_broadcast(&x->shape, &target, &o->shape) < 0) {
        char a[160], b[160];
        return pr_op_error(c, "input of shape %s cannot be expanded to shape %s",
                           pr_shape_str(&x->shape, a, sizeof a),
                           pr_shape_str(&target, b, sizeof b));
    }
    const struct pr_const *xv = pr_values_of(x);
    int64_t nel = pr_small_numel(&o->shape);
    if (!xv || nel < 0)
        return 0;
    struct pr_const *k = pr_const_new(c, nel);
    if (!k)
        return -1;
    broadcast_values(&x->shape, xv, &o->shape, k);
    o->cval = k;
    return 0;
}

/* ---- Flatten ---- */

int flatten_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t axis = pr_attr_int(c, "axis", 1);
    if (axis < -r || axis > r || (axis < 0 && c->opset < 11))
        return pr_op_error(c, "axis %lld is out of range [%d, %d] for an input of rank %d",
                           (long long)axis, c->opset < 11 ? 0 : -r, r, r);
    if (axis < 0)
        axis += r;
    struct pr_shape s = {.rank = 2, .dim = {1, 1}};
    for (int i = 0; i < r; i++)
        if (extent_mul(c, s.dim[i >= axis], x->shape.dim[i], &s.dim[i >= axis]) < 0)
            return -1;
    set_carry(c, x, &s);
    return 0;
}

/* ---- Range ---- */

static int range_count(struct pr_op_ctx *c, int dtype, const struct pr_const *st,
                       const struct pr_const *li, const struct pr_const *de, int64_t *n)
{
    if (pr_dtype_is_int(dtype)) {
        int64_t s = st->i[0], l = li->i[0], d = de->i[0], diff;
        if (d == 0)
            return pr_op_error(c, "delta is 0: the range would never reach its limit");
        if (__builtin_sub_overflow(l, s, &diff))
            return pr_op_error(c, "limit - start overflows int64");
        if (diff == 0 || (diff > 0) != (d > 0)) {
            *n = 0;
            return 0;
        }
        if (diff == INT64_MIN && d == -1)
            return pr_op_error(c, "the range has more than INT64_MAX elements");
        *n = diff / d + (diff % d != 0);
        return 0;
    }
    double s = st->f[0], l = li->f[0], d = de->f[0];
    if (d == 0)
        return pr_op_error(c, "delta is 0: the range would never reach its limit");
    double q = ceil((l - s) / d);
    if (isnan(q) || q >= 4611686018427387904.0)
        return pr_op_error(c, "the range from %g to %g by %g has no finite element count", s, l, d);
    *n = q > 0 ? (int64_t)q : 0;
    return 0;
}

int range_shape(struct pr_op_ctx *c)
{
    static const char *const names[3] = {"start", "limit", "delta"};
    if (pr_op_require(c, 3) < 0)
        return -1;
    for (int i = 0; i < 3; i++) {
        const struct pr_shape *s = &c->in[i]->shape;
        if (s->rank > 1 || (s->rank == 1 && s->dim[0] != 1))
            return pr_op_error(c, "%s must be a scalar but has rank %d", names[i], s->rank);
    }
    int dtype = c->in[0]->dtype;
    const struct pr_const *st = pr_values_of(c->in[0]), *li = pr_values_of(c->in[1]),
                          *de = pr_values_of(c->in[2]);
    set_unknown(c, dtype, 1);
    if (!st || !li || !de || st->n != 1 || li->n != 1 || de->n != 1)
        return 0;
    int64_t n = 0;
    if (range_count(c, dtype, st, li, de, &n) < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    o->shape.dim[0] = n;
    if (n > PR_CONST_MAX)
        return 0;
    struct pr_const *k = pr_const_new(c, n);
    if (!k)
        return -1;
    for (int64_t e = 0; e < n; e++) {
        if (pr_dtype_is_int(dtype)) {
            k->i[e] = st->i[0] + e * de->i[0];   /* between start and limit: no overflow */
            k->f[e] = (double)k->i[e];
        } else {
            double v = st->f[0] + (double)e * de->f[0];
            if (dtype == PR_DT_FLOAT && fabs(v) <= FLT_MAX)
                v = (float)v;
            k->f[e] = v;
            k->i[e] = pr_double_to_i64(v);
        }
    }
    o->cval = k;
    return 0;
}

/* ---- Reshape ---- */

/* The -1 extent and the element-count check. Extents copied by 0 appear
 * on both sides and cancel, so only the others are multiplied. */
static int reshape_infer(struct pr_op_ctx *c, const struct pr_shape *in, struct pr_shape *s,
                         const bool *copied, int infer)
{
    int64_t pin = 1, pout = 1;
    bool copied_zero = false;
    for (int i = 0; i < in->rank; i++) {
        if (i < s->rank && copied[i]) {
            copied_zero |= in->dim[i] == 0;
            continue;
        }
        if (extent_mul(c, pin, in->dim[i], &pin) < 0)
            return -1;
    }
    for (int i = 0; i < s->rank; i++)
        if (i != infer && !copied[i] && extent_mul(c, pout, s->dim[i], &pout) < 0)
            return -1;
    if (infer >= 0) {
        if (copied_zero || pout == 0)
            return pr_op_error(c, "cannot infer the -1 extent: the other extents multiply to 0");
        if (pin < 0) {
            s->dim[infer] = -1;
            return 0;
        }
        if (pin % pout != 0)
            return pr_op_error(c, "cannot reshape: %lld elements are not divisible by %lld "
                               "(the product of the other target extents)",
                               (long long)pin, (long long)pout);
        s->dim[infer] = pin / pout;
        return 0;
    }
    if (!copied_zero && pin >= 0 && pin != pout) {
        char a[160], b[160];
        return pr_op_error(c, "cannot reshape %s into %s: the element counts differ",
                           pr_shape_str(in, a, sizeof a), pr_shape_str(s, b, sizeof b));
    }
    return 0;
}

int reshape_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, c->opset < 5 ? 1 : 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int64_t v[PR_MAX_RANK];
    int n, known;
    if (c->opset < 5) {
        n = pr_attr_ints(c, "shape", v, PR_MAX_RANK);
        if (n < 0)
            return c->failed ? -1 : pr_op_error(c, "attribute 'shape' is required");
        known = 1;
    } else {
        known = pr_int_list(c, 1, "the shape input", v, PR_MAX_RANK, &n, false);
        if (known < 0)
            return -1;
    }
    if (!known) {
        set_unknown(c, x->dtype, n);
        return 0;
    }
    bool allowzero = c->opset >= 14 && pr_attr_int(c, "allowzero", 0) != 0;
    struct pr_shape s = {.rank = n};
    bool copied[PR_MAX_RANK] = {false}, has_zero = false;
    int infer = -1;
    for (int i = 0; i < n; i++) {
        s.dim[i] = v[i];
        if (v[i] == -1) {
            if (infer >= 0)
                return pr_op_error(c, "the shape has more than one -1 (positions %d and %d)",
                                   infer, i);
            infer = i;
        } else if (v[i] < -1) {
            return pr_op_error(c, "the shape has %lld at position %d; only -1 may be negative",
                               (long long)v[i], i);
        } else if (v[i] == 0) {
            has_zero = true;
            if (allowzero)
                continue;
            if (i >= x->shape.rank)
                return pr_op_error(c, "shape value 0 at position %d copies an input extent, "
                                   "but the input has rank %d", i, x->shape.rank);
            s.dim[i] = x->shape.dim[i];
            copied[i] = true;
        }
    }
    if (allowzero && has_zero && infer >= 0)
        return pr_op_error(c, "with allowzero=1 the shape may not hold both 0 and -1");
    if (reshape_infer(c, &x->shape, &s, copied, infer) < 0)
        return -1;
    set_carry(c, x, &s);
    return 0;
}

/* ---- Shape ---- */

static int64_t clamp_rank(int64_t v, int r)
{
    if (v < 0)
        v += r;
    return v < 0 ? 0 : v > r ? r : v;
}

int shapeof_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_shape *in = &c->in[0]->shape;
    int r = in->rank;
    int64_t s = 0, e = r;
    if (c->opset >= 15) {
        s = clamp_rank(pr_attr_int(c, "start", 0), r);
        e = clamp_rank(pr_attr_int(c, "end", r), r);
    }
    int64_t n = e > s ? e - s : 0;
    struct pr_tensor *o = c->out[0];
    o->dtype = PR_DT_INT64;
    o->shape.rank = 1;
    o->shape.dim[0] = n;
    o->cval = NULL;
    for (int64_t i = s; i < e; i++)
        if (in->dim[i] < 0)
            return 0;
    struct pr_const *k = pr_const_new(c, n);
    if (!k)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        k->i[i] = in->dim[s + i];
        k->f[i] = (double)k->i[i];
    }
    o->cval = k;
    return 0;
}

/* ---- Squeeze, Unsqueeze ---- */

/* Marks the listed axes of a rank-r shape in hit[]; errors on out-of-range
 * and repeated axes. */
static int mark_axes(struct pr_op_ctx *c, const int64_t *axes, int n, int r, bool *hit)
{
    for (int i = 0; i < r; i++)
        hit[i] = false;
    for (int i = 0; i < n; i++) {
        int a = pr_axis(axes[i], r);
        if (a < 0)
            return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)axes[i], r);
        if (hit[a])
            return pr_op_error(c, "axis %lld is listed twice", (long long)axes[i]);
        hit[a] = true;
    }
    return 0;
}

int squeeze_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t axes[PR_MAX_RANK];
    int n;
    int got = pr_list_arg(c, "axes", "axes", 13, 1, axes, PR_MAX_RANK, &n);
    if (got < 0)
        return -1;
    if (n == 0)
        got = 0;   /* empty axes squeeze every 1, as ONNX shape inference reads them */
    if (got == 1) {
        set_unknown(c, x->dtype, n >= 0 && n <= r ? r - n : -1);
        return 0;
    }
    bool hit[PR_MAX_RANK];
    if (got == 2) {
        if (mark_axes(c, axes, n, r, hit) < 0)
            return -1;
    } else {
        for (int i = 0; i < r; i++) {
            if (x->shape.dim[i] < 0) {
                set_unknown(c, x->dtype, -1);   /* which extents are 1 is not known */
                return 0;
            }
            hit[i] = x->shape.dim[i] == 1;
        }
    }
    struct pr_shape s = {.rank = 0};
    for (int i = 0; i < r; i++) {
        if (!hit[i]) {
            s.dim[s.rank++] = x->shape.dim[i];
        } else if (x->shape.dim[i] > 1 || x->shape.dim[i] == 0) {
            return pr_op_error(c, "cannot squeeze axis %d: its extent is %lld, not 1",
                               i, (long long)x->shape.dim[i]);
        }
    }
    set_carry(c, x, &s);
    return 0;
}

int unsqueeze_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t axes[PR_MAX_RANK];
    int n;
    int got = pr_list_arg(c, "axes", "axes", 13, 1, axes, PR_MAX_RANK, &n);
    if (got < 0)
        return -1;
    if (got == 0)
        return pr_op_error(c, "axes is required");
    if (n >= 0 && r + n > PR_MAX_RANK)
        return pr_op_error(c, "the output rank %d exceeds the supported maximum %d",
                           r + n, PR_MAX_RANK);
    if (got == 1) {
        set_unknown(c, x->dtype, n >= 0 ? r + n : -1);
        return 0;
    }
    bool hit[PR_MAX_RANK];
    if (mark_axes(c, axes, n, r + n, hit) < 0)
        return -1;
    struct pr_shape s = {.rank = r + n};
    for (int i = 0, k = 0; i < r + n; i++)
        s.dim[i] = hit[i] ? 1 : x->shape.dim[k++];
    set_carry(c, x, &s);
    return 0;
}

/* ---- Size, EyeLike ---- */

int size_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    o->dtype = PR_DT_INT64;
    o->shape.rank = 0;
    o->cval = NULL;
    bool unknown = false, overflow = false;
    uint64_t n = pr_shape_numel(&c->in[0]->shape, &unknown, &overflow);
    if (unknown)
        return 0;
    if (overflow || n > INT64_MAX)
        return pr_op_error(c, "the element count overflows int64");
    return (o->cval = pr_const_int(c, (int64_t)n)) ? 0 : -1;
}

int eyelike_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    if (x->shape.rank != 2)
        return pr_op_error(c, "input must be 2-D but has rank %d", x->shape.rank);
    int64_t dt = pr_attr_int(c, "dtype", x->dtype);
    if (dt < 0 || dt >= PR_DT_COUNT || (pr_attr_has(c, "dtype") && dt == 0))
        return pr_op_error(c, "dtype is %lld, not a known element type", (long long)dt);
    pr_attr_int(c, "k", 0);   /* the diagonal: any offset is valid (it may fall outside) */
    set_unknown(c, (int)dt, 2);
    c->out[0]->shape = x->shape;
    return 0;
}
