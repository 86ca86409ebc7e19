/* index.c -- operators that address elements through index tensors:
 * GatherElements, GatherND, Scatter, ScatterElements, ScatterND, OneHot,
 * TensorScatter.
 *
 * Output shapes (data rank r with extents d, indices rank q with extents
 * i, -1 = unknown):
 *   GatherElements   i (indices has rank r); element type of data
 *   GatherND         m = i[q-1] (must be known), b = batch_dims (opset 12):
 *                    i[:q-1] + d[b+m:], with 1 <= m <= r-b, b < min(q, r)
 *                    and i[:b] = d[:b]
 *   Scatter (9-10), ScatterElements
 *                    d; indices and updates have rank r and equal shapes
 *   ScatterND        d; updates has shape i[:q-1] + d[m:], m = i[q-1] <= r
 *   TensorScatter    (opset 24, a KV-cache update) past_cache's d; update has
 *                    d but for the sequence axis (attribute axis, default -2,
 *                    not the batch axis 0), where it has at most d[axis];
 *                    write_indices (optional) is 1-D (batch); mode linear or
 *                    circular
 *   OneHot           indices' extents with depth inserted at axis (default
 *                    -1, in [-q-1, q]); element type of values (2 elements)
 * Axes are checked against the rank; known index values against the
 * extent they address (negative ones count from the back). OneHot's depth
 * is a scalar or one-element input: when its value is not known it is the
 * data-dependent symbol "<node>.depth" (bind it with --dim); a depth below
 * 1 is an error.
 *
 * Cost: no MACs. FLOPs:
 *   GatherElements, GatherND, Scatter, and the Scatter* with reduction
 *   "none"                                   0 (elements are copied)
 *   ScatterElements, ScatterND with reduction add, mul (16), max, min (18):
 *                                            numel(updates) (one op per update)
 *   OneHot                                   numel(Y) (one compare-and-select
 *                                            per output element)
 *   TensorScatter                            0; the cache is updated in place
 *                                            (what the operator models: op.h
 *                                            struct pr_kv_inplace): it reads
 *                                            the update and writes its rows,
 *                                            none of the past's
 * Parameters: gathered data and scattered data or updates may be weights
 * (an embedding table); indices, depth and the on/off values never are.
 */
#include <string.h>

#include "families.h"
#include "values.h"

/* Known index values of t (when known) must lie in [-extent, extent-1]
 * for the extent that position k addresses: extent_of[k % period]. */
static int check_indices(struct pr_op_ctx *c, const struct pr_tensor *t, const int64_t *extent_of,
                         int period)
{
    const struct pr_const *v = pr_values_of(t);
    if (!v || period < 1)
        return 0;
    for (int64_t k = 0; k < v->n; k++) {
        int64_t e = extent_of[k % period];
        if (e >= 0 && (v->i[k] < -e || v->i[k] >= e))
            return pr_op_error(c, "index %lld (element %lld of indices) is out of range for "
                               "an extent of %lld", (long long)v->i[k], (long long)k,
                               (long long)e);
    }
    return 0;
}

/* The axis attribute of a rank-r input, normalised; -1 after an error. */
static int read_axis(struct pr_op_ctx *c, int r)
{
    int64_t av = pr_attr_int(c, "axis", 0);
    int axis = pr_axis(av, r);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for data of rank %d "
                           "(accepted: %d to %d)", (long long)av, r, -r, r - 1);
    return axis;
}

static int same_rank(struct pr_op_ctx *c, const struct pr_shape *s, const char *what, int r)
{
    if (s->rank != r)
        return pr_op_error(c, "%s has rank %d but data has rank %d; they must be equal",
                           what, s->rank, r);
    return 0;
}

/* ---- GatherElements ---- */

int gather_elements_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ix = c->in[1];
    int r = x->shape.rank;
    if (r < 1)
        return pr_op_error(c, "data must have rank >= 1 (it is a scalar)");
    int axis = read_axis(c, r);
    if (axis < 0 || same_rank(c, &ix->shape, "indices", r) < 0)
        return -1;
    if (check_indices(c, ix, &x->shape.dim[axis], 1) < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->shape = ix->shape;
    o->cval = NULL;
    return 0;
}

/* ---- GatherND ---- */

int gather_nd_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ix = c->in[1];
    int r = x->shape.rank, q = ix->shape.rank;
    if (r < 1 || q < 1)
        return pr_op_error(c, "data and indices must have rank >= 1 (they have %d and %d)", r, q);
    int64_t b = c->opset >= 12 ? pr_attr_int(c, "batch_dims", 0) : 0;
    if (b < 0 || b >= q || b >= r)
        return pr_op_error(c, "batch_dims is %lld; it must be in [0, %d) (below the ranks of "
                           "data, %d, and indices, %d)", (long long)b, q < r ? q : r, r, q);
    for (int d = 0; d < b; d++)
        if (x->shape.dim[d] >= 0 && ix->shape.dim[d] >= 0 && x->shape.dim[d] != ix->shape.dim[d])
            return pr_op_error(c, "batch dim %d has extent %lld in data but %lld in indices",
                               d, (long long)x->shape.dim[d], (long long)ix->shape.dim[d]);
    int64_t m = ix->shape.dim[q - 1];
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->cval = NULL;
    if (m < 0) {
        pr_shape_unknown(&o->shape);   /* the rank depends on the last extent */
        return 0;
    }
    if (m < 1 || m > r - b)
        return pr_op_error(c, "the last extent of indices is %lld; it must be in [1, %lld] "
                           "(data rank %d - batch_dims %lld)", (long long)m,
                           (long long)(r - b), r, (long long)b);
    int rank = q - 1 + r - (int)m - (int)b;
    if (rank > PR_MAX_RANK)
        return pr_op_error(c, "the output rank %d exceeds the supported maximum %d",
                           rank, PR_MAX_RANK);
    if (check_indices(c, ix, &x->shape.dim[b], (int)m) < 0)
        return -1;
    o->shape.rank = rank;
    for (int d = 0; d < q - 1; d++)
        o->shape.dim[d] = ix->shape.dim[d];
    for (int d = (int)(b + m); d < r; d++)
        o->shape.dim[q - 1 + d - (int)(b + m)] = x->shape.dim[d];
    return 0;
}

int gather_index_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)c;
    k->weight_mask &= 1;   /* the data; indices are addresses */
    return 0;
}

/* ---- Scatter, ScatterElements, ScatterND ---- */

/* The reduction attribute (opset 16+): 0 for none, 1 otherwise. */
static int scatter_reduction(struct pr_op_ctx *c)
{
    if (c->op_id == PR_OP_SCATTER || c->opset < 16)
        return 0;
    const char *red = pr_attr_str(c, "reduction", "none");
    if (c->failed)
        return -1;
    if (strcmp(red, "none") == 0)
        return 0;
    if (strcmp(red, "add") == 0 || strcmp(red, "mul") == 0 ||
        (c->opset >= 18 && (strcmp(red, "max") == 0 || strcmp(red, "min") == 0)))
        return 1;
    return pr_op_error(c, "reduction '%s' is not one of none, add, mul%s", red,
                       c->opset >= 18 ? ", max, min" : " (max and min need opset 18)");
}

static int shapes_agree(struct pr_op_ctx *c, const struct pr_shape *a, const char *an,
                        const struct pr_shape *b, const char *bn)
{
    bool ok = a->rank == b->rank;
    for (int d = 0; ok && d < a->rank; d++)
        ok = a->dim[d] < 0 || b->dim[d] < 0 || a->dim[d] == b->dim[d];
    if (ok)
        return 0;
    char sa[160], sb[160];
    return pr_op_error(c, "%s has shape %s but %s has shape %s; they must be equal", an,
                       pr_shape_str(a, sa, sizeof sa), bn, pr_shape_str(b, sb, sizeof sb));
}

int scatter_elements_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0 || scatter_reduction(c) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ix = c->in[1], *up = c->in[2];
    int r = x->shape.rank;
    if (r < 1)
        return pr_op_error(c, "data must have rank >= 1 (it is a scalar)");
    int axis = read_axis(c, r);
    if (axis < 0 || same_rank(c, &ix->shape, "indices", r) < 0 ||
        shapes_agree(c, &ix->shape, "indices", &up->shape, "updates") < 0 ||
        check_indices(c, ix, &x->shape.dim[axis], 1) < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->shape = x->shape;
    o->cval = NULL;
    return 0;
}

int scatter_nd_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0 || scatter_reduction(c) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ix = c->in[1], *up = c->in[2];
    int r = x->shape.rank, q = ix->shape.rank;
    if (r < 1 || q < 1)
        return pr_op_error(c, "data and indices must have rank >= 1 (they have %d and %d)", r, q);
    int64_t m = ix->shape.dim[q - 1];
    if (m > r || m == 0)
        return pr_op_error(c, "the last extent of indices is %lld; it must be in [1, %d] "
                           "(the data rank)", (long long)m, r);
    if (m > 0) {
        struct pr_shape want = {.rank = q - 1 + r - (int)m};
        if (want.rank > PR_MAX_RANK)
            return pr_op_error(c, "updates would need rank %d; at most %d is supported",
                               want.rank, PR_MAX_RANK);
        for (int d = 0; d < q - 1; d++)
            want.dim[d] = ix->shape.dim[d];
        for (int d = (int)m; d < r; d++)
            want.dim[q - 1 + d - (int)m] = x->shape.dim[d];
        if (shapes_agree(c, &up->shape, "updates", &want, "indices[:-1] + data[m:]") < 0 ||
            check_indices(c, ix, x->shape.dim, (int)m) < 0)
            return -1;
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = x->dtype;
    o->shape = x->shape;
    o->cval = NULL;
    return 0;
}

int scatter_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask &= 1 | 4;   /* data and updates; indices are addresses */
    if (scatter_reduction(c) == 1)
        k->flops = pr_numel(c, &c->in[2]->shape);
    return 0;
}

/* ---- TensorScatter ---- */

/* The sequence axis of a TensorScatter node (past_cache of rank r), or -1
 * after an error. */
static int cache_axis(struct pr_op_ctx *c, int r)
{
    int64_t av = pr_attr_int(c, "axis", -2);
    int axis = pr_axis(av, r);
    if (c->failed)
        return -1;
    if (axis < 1)
        return pr_op_error(c, "axis %lld is %s; the sequence axis of a cache of rank %d is 1 to %d",
                           (long long)av, axis == 0 ? "the batch axis" : "out of range", r, r - 1);
    return axis;
}

int tensor_scatter_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 3 || c->nout > 1)
        return pr_op_error(c, "TensorScatter takes at most 3 inputs and has 1 output but the node "
                           "has %d and %d", c->nin, c->nout);
    const struct pr_tensor *past = c->in[0], *upd = c->in[1], *wi = pr_input(c, 2);
    const struct pr_shape *ps = &past->shape, *us = &upd->shape;
    char sp[160], su[160];
    if (ps->rank < 2 || us->rank != ps->rank)
        return pr_op_error(c, "past_cache %s and update %s must have the same rank, at least 2",
                           pr_shape_str(ps, sp, sizeof sp), pr_shape_str(us, su, sizeof su));
    int axis = cache_axis(c, ps->rank);
    if (axis < 0)
        return -1;
    for (int d = 0; d < ps->rank; d++) {
        int64_t p = ps->dim[d], u = us->dim[d];
        if (p >= 0 && u >= 0 && (d == axis ? u > p : u != p))
            return pr_op_error(c, "update %s does not fit past_cache %s: axis %d %s", pr_shape_str(us, su, sizeof su),
                               pr_shape_str(ps, sp, sizeof sp), d,
                               d == axis ? "(the sequence) is longer than the cache" : "differs");
    }
    if (past->dtype && upd->dtype && past->dtype != upd->dtype)
        return pr_op_error(c, "past_cache is %s but update is %s", pr_dtype_name(past->dtype),
                           pr_dtype_name(upd->dtype));
    if (wi && (wi->shape.rank != 1 || pr_dim_agree(wi->shape.dim[0], ps->dim[0]) == -2))
        return pr_op_error(c, "write_indices has shape %s but must be 1-D with one index per batch (%lld)",
                           pr_shape_str(&wi->shape, sp, sizeof sp), (long long)ps->dim[0]);
    const char *mode = pr_attr_str(c, "mode", "linear");
    if (c->failed)
        return -1;
    if (strcmp(mode, "linear") && strcmp(mode, "circular"))
        return pr_op_error(c, "mode is '%s'; it must be 'linear' or 'circular'", mode);
    c->out[0]->dtype = past->dtype;
    c->out[0]->shape = *ps;
    return 0;
}

int tensor_scatter_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *ps = &c->in[0]->shape;
    int axis = cache_axis(c, ps->rank);
    if (axis < 0)
        return -1;
    int64_t rows = ps->dim[axis];
    k->weight_mask &= 1 | 2;   /* write_indices are addresses */
    k->inplace = (struct pr_kv_inplace){.in = {1, 0}, .out = {1, 0}, .in_rows = rows, .read = 0,
                                        .out_rows = rows, .written = c->in[1]->shape.dim[axis]};
    return 0;
}

/* ---- OneHot ---- */

int onehot_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0)
        return -1;
    const struct pr_tensor *ix = c->in[0], *dep = c->in[1], *val = c->in[2];
    int q = ix->shape.rank;
    if (q + 1 > PR_MAX_RANK)
        return pr_op_error(c, "the output rank %d exceeds the supported maximum %d", q + 1,
                           PR_MAX_RANK);
    if (dep->shape.rank > 1 || pr_small_numel(&dep->shape) == 0 ||
        (dep->shape.rank == 1 && dep->shape.dim[0] > 1))
        return pr_op_error(c, "depth must be a scalar or hold one element");
    if (val->shape.rank != 1 || (val->shape.dim[0] >= 0 && val->shape.dim[0] != 2))
        return pr_op_error(c, "values must be a 1-D tensor of 2 elements (off, on)");
    int64_t av = pr_attr_int(c, "axis", -1);
    if (av < -q - 1 || av > q)
        return pr_op_error(c, "axis %lld is out of range for an output of rank %d "
                           "(accepted: %d to %d)", (long long)av, q + 1, -q - 1, q);
    int axis = (int)(av < 0 ? av + q + 1 : av);
    const struct pr_const *dv = pr_values_of(dep);
    int64_t depth;
    if (dv) {
        depth = dv->i[0];
        if (depth < 1)
            return pr_op_error(c, "depth is %lld; it must be at least 1", (long long)depth);
    } else {
        depth = pr_data_dim(c, "depth", -1, "OneHot's depth (the number of classes)");
        if (depth == 0)
            return pr_op_error(c, "OneHot's depth is bound to 0; it must be at least 1");
    }
    struct pr_tensor *o = c->out[0];
    o->dtype = val->dtype;
    o->cval = NULL;
    o->shape.rank = q + 1;
    for (int d = 0, s = 0; d < q + 1; d++)
        o->shape.dim[d] = d == axis ? depth : ix->shape.dim[s++];
    return 0;
}

int onehot_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask = 0;   /* indices, depth, on/off values */
    k->flops = pr_elementwise_flops(c);
    return 0;
}
