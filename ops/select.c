/* select.c -- operators whose output extent depends on the data: NonZero,
 * Unique, TopK (k given at run time), Compress.
 *
 * When the deciding values are known (a constant, or an input value bound
 * by the caller) the extent is exact. Otherwise it is the data-dependent
 * symbol "<node>.<what>" (pr_data_dim): bound with --dim, else taken as
 * the op's upper bound with a warning. The cost then uses that value. A
 * value bound above the upper bound is an error.
 *
 * Output shapes (X of rank r, extents d, n = the data-dependent count):
 *   NonZero    int64 (r, n); n = non-zero elements of X, at most numel(X);
 *              known values give the coordinates themselves.
 *   Unique     without axis: Y (n), indices (n), inverse_indices
 *              (numel(X)), counts (n): n = distinct elements, at most
 *              numel(X). With axis a: Y = d with d[a] = n distinct slices
 *              (at most d[a]), indices (n), inverse_indices (d[a]),
 *              counts (n). Y has X's type, the others int64. `sorted`
 *              changes the order only.
 *   TopK       Values (X's type) and Indices (int64): d with d[axis] = k;
 *              k is the attribute (opset 1) or input K, one element (10+);
 *              axis default -1; k < 0 or k > d[axis] is an error; unknown
 *              k is the symbol "<node>.k", at most d[axis].
 *   Compress   with axis: d with d[axis] = n, else (n) of the flattened X;
 *              n = true values of the 1-D condition among its first
 *              d[axis] (or numel(X)) entries (the spec drops the rest; a
 *              true value past the end is an error); at most that length.
 *
 * Cost: no MACs. FLOPs (compares):
 *   NonZero    numel(X)                    one test per element
 *   Unique     numel(X) * ceil(log2(S))    a sort of the S = numel(X)
 *              elements (d[a] slices with axis, each compare reading a
 *              slice of numel(X)/S elements) finds the distinct ones
 *   TopK       numel(X) * max(1, ceil(log2(k)))  each element offered to
 *              a heap of the k best (k = 1: one compare, as ArgMax)
 *   Compress   0 (selected elements are copied)
 * Parameters: only input 0 can be a weight; K and the condition are not.
 */
#include <stddef.h>

#include "families.h"
#include "values.h"

static uint64_t ceil_log2(uint64_t v)
{
    uint64_t b = 0;
    while (b < 64 && (UINT64_C(1) << b) < v)
        b++;
    return b;
}

/* Element count of s, or -1 when unknown or above INT64_MAX. */
static int64_t count_of(const struct pr_shape *s)
{
    bool unknown = false, overflow = false;
    uint64_t n = pr_shape_numel(s, &unknown, &overflow);
    return unknown || overflow || n > INT64_MAX ? -1 : (int64_t)n;
}

/* pr_data_dim, with a value bound by --dim checked against the upper
 * bound (when known); -2 after an error. */
static int64_t data_dim(struct pr_op_ctx *c, const char *what, int64_t bound, const char *meaning)
{
    int64_t v = pr_data_dim(c, what, bound, meaning);
    if (bound >= 0 && v > bound)
        return pr_op_error(c, "%s is bound to %lld but cannot exceed %lld", meaning,
                           (long long)v, (long long)bound) - 1;
    return v;
}

static void set_out(struct pr_tensor *o, int dtype, int rank, const int64_t *dims)
{
    o->dtype = dtype;
    o->cval = NULL;
    pr_shape_set(&o->shape, rank, dims);
}

/* ---- NonZero ---- */

int nonzero_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    const struct pr_const *v = pr_values_of(x);
    int r = x->shape.rank;
    int64_t n = 0;
    if (v) {
        for (int64_t k = 0; k < v->n; k++)
            n += v->f[k] != 0;
    } else {
        n = data_dim(c, "n", count_of(&x->shape), "NonZero's count of non-zero elements");
        if (n < -1)
            return -1;
    }
    int64_t dims[2] = {r, n};
    set_out(c->out[0], PR_DT_INT64, 2, dims);
    if (!v || pr_small_numel(&c->out[0]->shape) < 0)
        return 0;
    struct pr_const *o = pr_const_new(c, r * n);
    if (!o)
        return -1;
    for (int64_t k = 0, j = 0; k < v->n; k++) {
        if (v->f[k] == 0)
            continue;
        int64_t rem = k;   /* row d of column j: coordinate d of element k */
        for (int d = r - 1; d >= 0; d--) {
            o->i[d * n + j] = rem % x->shape.dim[d];
            o->f[d * n + j] = (double)o->i[d * n + j];
            rem /= x->shape.dim[d];
        }
        j++;
    }
    c->out[0]->cval = o;
    return 0;
}

/* ---- Unique ---- */

/* Distinct slices of v along a (outer x S slices x inner, row-major); with
 * no axis, S = v->n and outer = inner = 1. */
static int64_t distinct_slices(const struct pr_const *v, int64_t outer, int64_t S, int64_t inner)
{
    int64_t n = 0;
    for (int64_t s = 0; s < S; s++) {
        bool seen = false;
        for (int64_t t = 0; t < s && !seen; t++) {
            bool same = true;
            for (int64_t o = 0; o < outer && same; o++)
                for (int64_t e = 0; e < inner && same; e++)
                    same = v->f[(o * S + s) * inner + e] == v->f[(o * S + t) * inner + e];
            seen = same;
        }
        n += !seen;
    }
    return n;
}

int unique_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nout > 4)
        return pr_op_error(c, "Unique has 4 outputs but the node has %d", c->nout);
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank, axis = -1;
    pr_attr_int(c, "sorted", 1);
    if (pr_attr_has(c, "axis")) {
        int64_t av = pr_attr_int(c, "axis", 0);
        axis = pr_axis(av, r);
        if (axis < 0)
            return pr_op_error(c, "axis %lld is out of range for an input of rank %d "
                               "(accepted: %d to %d)", (long long)av, r, -r, r - 1);
    }
    int64_t S = axis < 0 ? count_of(&x->shape) : x->shape.dim[axis];
    const struct pr_const *v = pr_values_of(x);
    int64_t n;
    if (v && S >= 0) {
        int64_t outer = 1, inner = 1;
        for (int d = 0; axis >= 0 && d < r; d++) {
            if (d < axis)
                outer *= x->shape.dim[d];
            else if (d > axis)
                inner *= x->shape.dim[d];
        }
        n = distinct_slices(v, outer, S, inner);
    } else {
        n = data_dim(c, "n", S, axis < 0 ? "Unique's count of distinct elements"
                                         : "Unique's count of distinct slices");
        if (n < -1)
            return -1;
    }
    if (axis < 0) {
        set_out(c->out[0], x->dtype, 1, &n);
    } else {
        set_out(c->out[0], x->dtype, r, x->shape.dim);
        c->out[0]->shape.dim[axis] = n;
    }
    set_out(c->out[1], PR_DT_INT64, 1, &n);
    set_out(c->out[2], PR_DT_INT64, 1, &S);
    set_out(c->out[3], PR_DT_INT64, 1, &n);
    return 0;
}

/* ---- TopK ---- */

/* k from the attribute (opset 1) or input K; -2 after an error, -1 when
 * not known (*count then tells whether K holds one value). */
static int64_t topk_k(struct pr_op_ctx *c)
{
    if (c->opset < 10) {
        if (!pr_attr_has(c, "k"))
            return pr_op_error(c, "attribute 'k' is required") - 1;
        return pr_attr_int(c, "k", 0);
    }
    if (pr_op_require(c, 2) < 0)
        return -2;
    int64_t k;
    int n;
    int got = pr_int_list(c, 1, "K", &k, 1, &n, true);
    if (got < 0)
        return -2;
    if (n == 0)
        return pr_op_error(c, "K is empty; it must hold one value") - 1;
    return got ? k : -1;
}

int topk_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    if (r < 1)
        return pr_op_error(c, "input must have rank >= 1 (it is a scalar)");
    int64_t av = pr_attr_int(c, "axis", -1);
    int axis = pr_axis(av, r);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for an input of rank %d "
                           "(accepted: %d to %d)", (long long)av, r, -r, r - 1);
    if (c->opset >= 11) {
        pr_attr_int(c, "largest", 1);
        pr_attr_int(c, "sorted", 1);
    }
    int64_t extent = x->shape.dim[axis];
    int64_t k = topk_k(c);
    if (k == -2 || c->failed)
        return -1;
    if (k == -1 && c->opset >= 10 && pr_values_of(c->in[1]) == NULL) {
        k = data_dim(c, "k", extent, "TopK's k (the number of elements kept)");
        if (k < -1)
            return -1;
    } else if (k < 0) {
        return pr_op_error(c, "k is %lld; it must not be negative", (long long)k);
    } else if (extent >= 0 && k > extent) {
        return pr_op_error(c, "k is %lld but axis %d has only %lld elements", (long long)k,
                           axis, (long long)extent);
    }
    struct pr_shape s = x->shape;
    s.dim[axis] = k;
    set_out(c->out[0], x->dtype, r, s.dim);
    set_out(c->out[1], PR_DT_INT64, r, s.dim);
    return 0;
}

/* ---- Compress ---- */

int compress_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *cond = c->in[1];
    int r = x->shape.rank, axis = -1;
    if (cond->shape.rank != 1)
        return pr_op_error(c, "condition must be a 1-D tensor but has rank %d",
                           cond->shape.rank);
    if (pr_attr_has(c, "axis")) {
        int64_t av = pr_attr_int(c, "axis", 0);
        axis = pr_axis(av, r);
        if (axis < 0)
            return pr_op_error(c, "axis %lld is out of range for an input of rank %d "
                               "(accepted: %d to %d)", (long long)av, r, -r, r - 1);
    }
    int64_t len = axis < 0 ? count_of(&x->shape) : x->shape.dim[axis];
    int64_t clen = cond->shape.dim[0];
    const struct pr_const *v = pr_values_of(cond);
    int64_t n = 0;
    if (v) {
        for (int64_t k = 0; k < v->n; k++) {
            if (v->f[k] == 0)
                continue;
            if (len >= 0 && k >= len)
                return pr_op_error(c, "condition selects entry %lld but the %s has only %lld",
                                   (long long)k, axis < 0 ? "input" : "axis", (long long)len);
            n++;
        }
    } else {
        int64_t bound = len >= 0 && clen >= 0 && clen < len ? clen : len;
        n = data_dim(c, "n", bound, "Compress's count of selected entries");
        if (n < -1)
            return -1;
    }
    if (axis < 0) {
        set_out(c->out[0], x->dtype, 1, &n);
    } else {
        set_out(c->out[0], x->dtype, r, x->shape.dim);
        c->out[0]->shape.dim[axis] = n;
    }
    return 0;
}

/* ---- cost ---- */

int select_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask &= 1;   /* K and the condition are not parameters */
    const struct pr_shape *xs = &c->in[0]->shape;
    uint64_t nx = pr_numel(c, xs);
    switch (c->op_id) {
    case PR_OP_NON_ZERO:
        k->flops = nx;
        break;
    case PR_OP_UNIQUE: {
        const struct pr_shape *inv = &c->out[2]->shape;   /* (S) */
        k->flops = inv->dim[0] < 0 ? (c->incomplete = true, 0)
                                   : pr_mul(c, nx, ceil_log2((uint64_t)inv->dim[0]));
        break;
    }
    case PR_OP_TOP_K: {
        int64_t kk = c->out[0]->shape.dim[pr_axis(pr_attr_int(c, "axis", -1), xs->rank)];
        uint64_t per = kk < 0 ? 0 : ceil_log2((uint64_t)kk);
        if (kk < 0)
            c->incomplete = true;
        k->flops = pr_mul(c, nx, per < 1 ? 1 : per);
        break;
    }
    default:   /* Compress */
        break;
    }
    return 0;
}
