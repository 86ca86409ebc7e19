/* reduce.c -- the Reduce* family, ArgMax and ArgMin.
 *
 * A reduction collapses the listed axes of its input: with keepdims = 1
 * (default) they become extent 1, with keepdims = 0 they are removed.
 * Axes may be negative (counted from the back); an axis out of [-r, r-1]
 * or listed twice is an error. Empty or absent axes reduce every axis,
 * unless noop_with_empty_axes = 1, which makes the node an identity.
 *
 * No MACs. FLOPs, from each operator's defining formula over the n =
 * numel(X) input elements and m = numel(Y) output elements (one add or
 * compare per input element, as ReduceSum counts; each |x|, x*x, exp,
 * log, sqrt and divide is 1):
 *   ReduceSum, ReduceMax, ReduceMin, ReduceProd   n          sum / max / min / product
 *   ReduceMean       sum(x) / N                   n + m
 *   ReduceL1         sum(|x|)                     2n
 *   ReduceL2         sqrt(sum(x^2))               2n + m
 *   ReduceSumSquare  sum(x^2)                     2n
 *   ReduceLogSum     log(sum(x))                  n + m
 *   ReduceLogSumExp  log(sum(exp(x)))             2n + m
 *   ArgMax, ArgMin   one compare per element      n
 *   noop (noop_with_empty_axes = 1 with empty axes): 0 (the output is the input)
 *
 * Known values: ReduceSum, ReduceMax, ReduceMin, ReduceProd and ReduceMean
 * of a small constant (image sizes in a detection model's preprocessing,
 * say) compute their output values, so shapes derived from them stay known.
 *
 * Opset differences:
 * - ReduceSum: axes is an INTS attribute before opset 13, an optional int64
 *   input 1 from 13 (when noop_with_empty_axes appears).
 * - Every other Reduce*: the same change happens at opset 18.
 *   In the input form the axes tensor is a hyper-parameter (its mask bit is
 *   cleared); when its values are unknown the output keeps the input's rank
 *   with keepdims = 1 (unknown extents, except extents already 1), has rank
 *   r - len(axes) with keepdims = 0 when the axes count is known, and is of
 *   unknown rank otherwise.
 * - ArgMax, ArgMin: `axis` (default 0), `keepdims` (default 1);
 *   `select_last_index` (opset 12+) does not change the shape. The output
 *   is int64.
 */
#include "families.h"

#include <math.h>

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* Whether this opset takes axes as input 1 (and has noop_with_empty_axes). */
static bool axes_as_input(struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_REDUCE_SUM ? c->opset >= 13 : c->opset >= 18;
}

/* The node's axes: n >= 0 values in axes[], n = 0 for absent or empty,
 * n = -1 when given as an input whose values are unknown (*count is then
 * its length, or -1). Returns -1 after recording an error. */
static int read_axes(struct pr_op_ctx *c, int64_t *axes, int *n, int *count)
{
    *count = -1;
    if (!axes_as_input(c)) {
        if (c->nin > 1)
            return pr_op_error(c, "%s (opset %d) takes axes as an attribute; the axes input "
                               "exists from opset %d", op_name(c), c->opset,
                               c->op_id == PR_OP_REDUCE_SUM ? 13 : 18);
        int got = pr_attr_ints(c, "axes", axes, PR_MAX_RANK);
        if (c->failed)
            return -1;
        *n = got < 0 ? 0 : got;
        return 0;
    }
    if (c->nin > 2)
        return pr_op_error(c, "%s takes at most 2 inputs (data, axes) but the node has %d",
                           op_name(c), c->nin);
    if (pr_attr_has(c, "axes"))
        return pr_op_error(c, "%s (opset %d) takes axes as input 1, not as an attribute",
                           op_name(c), c->opset);
    const struct pr_tensor *t = pr_input(c, 1);
    if (!t) {
        *n = 0;
        return 0;
    }
    if (t->shape.rank != 1) {
        char sb[160];
        return pr_op_error(c, "axes must be a 1-D tensor but has shape %s",
                           pr_shape_str(&t->shape, sb, sizeof sb));
    }
    if (t->shape.dim[0] == 0) {
        *n = 0;
        return 0;
    }
    if (!t->cval || t->cval->n != t->shape.dim[0]) {
        *n = -1;
        *count = (int)(t->shape.dim[0] > PR_MAX_RANK ? PR_MAX_RANK + 1 : t->shape.dim[0]);
        return 0;
    }
    if (t->cval->n > PR_MAX_RANK)
        return pr_op_error(c, "axes has %lld values; at most %d are meaningful",
                           (long long)t->cval->n, PR_MAX_RANK);
    for (int64_t i = 0; i < t->cval->n; i++)
        axes[i] = pr_const_values(t->cval)->i[i];
    *n = (int)t->cval->n;
    return 0;
}

/* Marks the n axes in reduced[] (normalised); error when out of range or
 * repeated. */
static int mark_axes(struct pr_op_ctx *c, const int64_t *axes, int n, int rank, bool *reduced)
{
    for (int i = 0; i < n; i++) {
        int a = pr_axis(axes[i], rank);
        if (a < 0)
            return pr_op_error(c, "axis %lld is out of range for an input of rank %d "
                               "(accepted: %d to %d)", (long long)axes[i], rank, -rank, rank - 1);
        if (reduced[a])
            return pr_op_error(c, "axis %lld is listed twice (as %d)", (long long)axes[i], a);
        reduced[a] = true;
    }
    return 0;
}

/* Output shape of reducing x over reduced[]. */
static void reduced_shape(const struct pr_shape *x, const bool *reduced, bool keep,
                          struct pr_shape *out)
{
    out->rank = 0;
    for (int d = 0; d < x->rank; d++) {
        if (!reduced[d])
            out->dim[out->rank++] = x->dim[d];
        else if (keep)
            out->dim[out->rank++] = 1;
    }
}

/* noop_with_empty_axes = 1 and the axes are empty: the node is an identity. */
static bool is_noop(struct pr_op_ctx *c)
{
    if (!axes_as_input(c) || pr_attr_int(c, "noop_with_empty_axes", 0) == 0)
        return false;
    const struct pr_tensor *t = pr_input(c, 1);
    return !t || (t->shape.rank == 1 && t->shape.dim[0] == 0);
}

/* Output values of the simple reductions when X's values are known. */
static void reduce_fold(struct pr_op_ctx *c, const struct pr_tensor *x, const bool *reduced,
                        struct pr_tensor *o)
{
    int op = c->op_id;
    if (!x->cval || (op != PR_OP_REDUCE_SUM && op != PR_OP_REDUCE_MAX && op != PR_OP_REDUCE_MIN &&
                     op != PR_OP_REDUCE_PROD && op != PR_OP_REDUCE_MEAN))
        return;
    bool unknown = false, overflow = false;
    uint64_t m = pr_shape_numel(&o->shape, &unknown, &overflow);
    int r = x->shape.rank;
    if (unknown || overflow || m == 0 || m > PR_CONST_MAX || x->cval->n <= 0)
        return;
    struct pr_const *v = pr_const_new(c, (int64_t)m);
    if (!v)
        return;
    double init = op == PR_OP_REDUCE_MAX ? -INFINITY : op == PR_OP_REDUCE_MIN ? INFINITY
                : op == PR_OP_REDUCE_PROD ? 1.0 : 0.0;
    for (uint64_t i = 0; i < m; i++)
        v->f[i] = init;
    int64_t idx[PR_MAX_RANK] = {0};
    for (int64_t e = 0; e < x->cval->n; e++) {
        int64_t out = 0;   /* row-major index over the kept axes */
        for (int d = 0; d < r; d++)
            if (!reduced[d])
                out = out * x->shape.dim[d] + idx[d];
        double f = pr_const_values(x->cval)->f[e];
        double *acc = &v->f[out];
        if (op == PR_OP_REDUCE_MAX)
            *acc = f > *acc ? f : *acc;
        else if (op == PR_OP_REDUCE_MIN)
            *acc = f < *acc ? f : *acc;
        else if (op == PR_OP_REDUCE_PROD)
            *acc *= f;
        else
            *acc += f;
        for (int d = r - 1; d >= 0 && ++idx[d] == x->shape.dim[d]; d--)
            idx[d] = 0;
    }
    for (uint64_t i = 0; i < m; i++) {
        if (op == PR_OP_REDUCE_MEAN)   /* every output averages numel(X) / m inputs */
            v->f[i] /= (double)x->cval->n / (double)m;
        if (pr_dtype_is_int(o->dtype))
            v->f[i] = trunc(v->f[i]);
        v->i[i] = pr_double_to_i64(v->f[i]);
    }
    o->cval = v;
}

int reduce_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nout > 1)
        return pr_op_error(c, "%s has 1 output but the node has %d", op_name(c), c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    struct pr_tensor *o = c->out[0];
    int64_t axes[PR_MAX_RANK];
    int n = -1, count = -1;
    if (read_axes(c, axes, &n, &count) < 0)
        return -1;
    bool keep = pr_attr_int(c, "keepdims", 1) != 0;
    o->dtype = x->dtype;
    if (n == 0 && is_noop(c)) {
        o->shape = x->shape;
        o->cval = x->cval;
        return 0;
    }
    int r = x->shape.rank;
    if (n < 0) {   /* axes given but their values are unknown */
        if (count > r)
            return pr_op_error(c, "axes has %d values but the input has rank %d", count, r);
        if (keep) {
            o->shape.rank = r;
            for (int d = 0; d < r; d++)
                o->shape.dim[d] = x->shape.dim[d] == 1 ? 1 : -1;
        } else if (count >= 0) {
            o->shape.rank = r - count;
            for (int d = 0; d < o->shape.rank; d++)
                o->shape.dim[d] = -1;
        } else {
            pr_shape_unknown(&o->shape);
        }
        return 0;
    }
    bool reduced[PR_MAX_RANK] = {false};
    if (n == 0)
        for (int d = 0; d < r; d++)
            reduced[d] = true;
    else if (mark_axes(c, axes, n, r, reduced) < 0)
        return -1;
    reduced_shape(&x->shape, reduced, keep, &o->shape);
    reduce_fold(c, x, reduced, o);
    return 0;
}

int argreduce_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "%s takes 1 input and has 1 output but the node has %d and %d",
                           op_name(c), c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    int64_t axis = pr_attr_int(c, "axis", 0);
    bool keep = pr_attr_int(c, "keepdims", 1) != 0;
    if (c->opset >= 12)
        pr_attr_int(c, "select_last_index", 0);
    bool reduced[PR_MAX_RANK] = {false};
    if (mark_axes(c, &axis, 1, x->shape.rank, reduced) < 0)
        return -1;
    reduced_shape(&x->shape, reduced, keep, &c->out[0]->shape);
    c->out[0]->dtype = PR_DT_INT64;
    return 0;
}

int reduce_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    bool arg = c->op_id == PR_OP_ARG_MAX || c->op_id == PR_OP_ARG_MIN;
    if (!arg)
        k->weight_mask &= 1;   /* the axes input is a hyper-parameter */
    if (!arg && is_noop(c))
        return 0;
    uint64_t n = pr_numel(c, &pr_input(c, 0)->shape);
    uint64_t m = pr_numel(c, &c->out[0]->shape);
    switch (c->op_id) {
    case PR_OP_REDUCE_MEAN:          /* sum, then one divide per output */
    case PR_OP_REDUCE_LOG_SUM:       /* sum, then one log per output */
        k->flops = pr_add(c, n, m);
        break;
    case PR_OP_REDUCE_L1:            /* |x| and an add per element */
    case PR_OP_REDUCE_SUM_SQUARE:    /* x*x and an add per element */
        k->flops = pr_mul(c, 2, n);
        break;
    case PR_OP_REDUCE_L2:            /* x*x and an add per element, a sqrt per output */
    case PR_OP_REDUCE_LOG_SUM_EXP:   /* exp and an add per element, a log per output */
        k->flops = pr_add(c, pr_mul(c, 2, n), m);
        break;
    default:                         /* Sum, Max, Min, Prod, ArgMax, ArgMin */
        k->flops = n;
        break;
    }
    return 0;
}
