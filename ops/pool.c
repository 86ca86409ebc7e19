/* pool.c -- windowed pools (MaxPool, AveragePool, LpPool) and global pools
 * (GlobalAveragePool, GlobalMaxPool, GlobalLpPool), any number k >= 1 of
 * spatial dims.
 *
 * Windowed pools: X (N, C, D1..Dk) -> Y (N, C, O1..Ok), element type of X.
 * Attributes: kernel_shape K (required, k values >= 1), strides s (default
 * 1), pads (b1..bk, e1..ek; default 0, never negative), auto_pad (NOTSET,
 * SAME_UPPER, SAME_LOWER, VALID; "" is NOTSET), dilations d (default 1),
 * ceil_mode (default 0). count_include_pad, storage_order and p change
 * neither the shape nor the counts and are not read.
 * Opsets (Operators.md / Changelog.md): ceil_mode exists from MaxPool-10,
 * AveragePool-10, LpPool-18; dilations from MaxPool-10, AveragePool-19,
 * LpPool-18; MaxPool's second output Indices from MaxPool-8. An attribute
 * written for an opset that lacks it is honoured with a warning.
 *
 * With dk = (K - 1) * d + 1 and total = D + b + e (b = e = 0 for VALID):
 *   NOTSET, VALID  O = floor((total - dk) / s) + 1
 *                  ceil_mode: O = ceil((total - dk) / s) + 1, and when the
 *                  last window would start past the input and its left
 *                  padding, (O - 1) * s >= D + b, it is dropped: O -= 1
 *   SAME_*         O = ceil(D / s)   (explicit pads ignored, warned about)
 * VALID's floor form equals the spec's ceil((D - dk + 1) / s); with
 * ceil_mode, VALID follows the NOTSET rule with zero pads, as runtimes do.
 * total < dk is an error (kernel larger than the padded input).
 * MaxPool's optional Indices output is int64 with Y's shape.
 * com.microsoft MaxpoolWithMask (ONNX Runtime, "for internal use"): MaxPool
 * of X with a second input M, int32 of X's rank and spatial extents (its N
 * and C are >= 1 and repeat over X's); a window stops at a zero of M. Its
 * shape and counts are MaxPool's (the mask test bounds the window, it adds
 * no arithmetic).
 *
 * Counts: no MACs. Per output element, over the W = prod(K) window
 * elements (every kernel axis counted, padding positions included):
 *   MaxPool       W comparisons                       FLOPs = numel(Y) * W
 *   AveragePool   W - 1 adds + 1 divide               FLOPs = numel(Y) * W
 *   LpPool        |x|^p and an add per element, one   FLOPs = numel(Y) * (2W + 1)
 *                 root (p-th root)
 *
 * Global pools: X (N, C, D1..Dk), k >= 0 -> Y (N, C, 1, ..., 1); the window
 * is the whole spatial extent, so FLOPs = numel(X) (same per-element
 * convention: one comparison, or one add/divide, per input element);
 * GlobalLpPool (attribute p, default 2) as LpPool: 2 * numel(X) + numel(Y).
 *
 * com.microsoft NhwcMaxPool (ONNX Runtime's NHWC transformer at level 'all'
 * for int8/uint8 MaxPool, next to channels-last QLinearConv): MaxPool's
 * attributes, shape and counts on X (N, D1..Dk, C), Y (N, O1..Ok, C), seen
 * channels first; no Indices output.
 * com.microsoft QLinearAveragePool (quant.c) reads AveragePool's rules here.
 *
 * com.microsoft.nchwc MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool
 * (ONNX Runtime's NCHWc layout, written by its level-'all' optimiser): the
 * same shapes and counts on the blocked tensor (C already rounded up to the
 * channel block); every attribute exists from their version 1, and MaxPool
 * has no Indices output.
 */
#include "families.h"
#include "window.h"

#include <string.h>


static const char *op_name(const struct pr_op_ctx *c)
{
    switch (c->op_id) {
    case PR_OP_MAX_POOL: case PR_OP_NCHWC_MAX_POOL: return "MaxPool";
    case PR_OP_NHWC_MAX_POOL: return "NhwcMaxPool";
    case PR_OP_QLINEAR_AVERAGE_POOL: return "QLinearAveragePool";
    case PR_OP_AVERAGE_POOL: case PR_OP_NCHWC_AVERAGE_POOL: return "AveragePool";
    case PR_OP_LP_POOL: return "LpPool";
    case PR_OP_GLOBAL_MAX_POOL: case PR_OP_NCHWC_GLOBAL_MAX_POOL: return "GlobalMaxPool";
    case PR_OP_GLOBAL_LP_POOL: return "GlobalLpPool";
    default: return "GlobalAveragePool";
    }
}

/* First opset of this pool that defines attribute name. */
static int attr_since(const struct pr_op_ctx *c, const char *name)
{
    bool dil = strcmp(name, "dilations") == 0;
    switch (c->op_id) {
    case PR_OP_MAX_POOL: return 10;
    case PR_OP_AVERAGE_POOL: return dil ? 19 : 10;
    case PR_OP_LP_POOL: return 18;
    default: return 1;   /* com.microsoft(.nchwc): every attribute from version 1 */
    }
}

/* Warns when attribute name is written for an opset that lacks it. */
static void check_since(struct pr_op_ctx *c, const char *name)
{
    int since = attr_since(c, name);
    if (c->opset < since && pr_attr_has(c, name))
        pr_op_warn(c, "attribute '%s' is defined for %s from opset %d (model has %d); "
                   "honoured anyway", name, op_name(c), since, c->opset);
}

int pool_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    int r = x->shape.rank, k = r - 2;
    if (r < 3)
        return pr_op_error(c, "input has rank %d; %s needs (N, C, D1, ...) with at least "
                           "one spatial dim", r, op_name(c));
    struct pr_window win;
    if (!pr_attr_has(c, "kernel_shape"))
        return pr_op_error(c, "kernel_shape is required (%d values, one per spatial dim)", k);
    if (pr_window_ints(c, "kernel_shape", win.kernel, k, -1, 1, k) < 0)
        return -1;
    if (win.kernel[0] < 0)
        return pr_op_error(c, "kernel_shape is empty; %d values are expected", k);
    check_since(c, "dilations");
    check_since(c, "ceil_mode");
    int64_t ceil_mode = pr_attr_int(c, "ceil_mode", 0);
    if (pr_window_read(c, &win, k, true) < 0)
        return -1;

    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape.rank = r;
    y->shape.dim[0] = x->shape.dim[0];
    y->shape.dim[1] = x->shape.dim[1];
    for (int i = 0; i < k; i++)
        if (pr_window_extent(c, &win, i, x->shape.dim[i + 2], ceil_mode != 0, &y->shape.dim[i + 2]) < 0)
            return -1;
    if (c->nout > 1) {
        if (c->op_id != PR_OP_MAX_POOL)
            return pr_op_error(c, "%s has one output but the node lists %d", op_name(c), c->nout);
        if (c->opset < 8)
            pr_op_warn(c, "MaxPool has the Indices output from opset 8 (model has %d)", c->opset);
        c->out[1]->dtype = PR_DT_INT64;
        c->out[1]->shape = y->shape;
    }
    return 0;
}

int mpmask_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0), *m = pr_input(c, 1);
    if (m->dtype != PR_DT_INT32 && m->dtype != PR_DT_UNDEFINED)
        return pr_op_error(c, "mask M (input 1) is %s; it must be int32", pr_dtype_name(m->dtype));
    if (m->shape.rank != x->shape.rank)
        return pr_op_error(c, "mask M has rank %d but X has rank %d; they must be equal",
                           m->shape.rank, x->shape.rank);
    for (int i = 0; i < m->shape.rank; i++) {
        int64_t dm = m->shape.dim[i], dx = x->shape.dim[i];
        if (i < 2 && dm == 0 && dx != 0)
            return pr_op_error(c, "mask M has extent 0 on axis %d; its N and C must be >= 1", i);
        if (i >= 2 && dm >= 0 && dx >= 0 && dm != dx)
            return pr_op_error(c, "mask M has extent %lld on axis %d but X has %lld; the spatial "
                               "extents must be equal", (long long)dm, i, (long long)dx);
    }
    return pool_shape(c);
}

int pool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t kern[PR_MAX_RANK];
    int n = pr_attr_ints(c, "kernel_shape", kern, PR_MAX_RANK);
    if (c->failed || n < 0)
        return -1;
    uint64_t w = 1;
    for (int i = 0; i < n; i++)
        w = pr_mul(c, w, (uint64_t)kern[i]);
    if (c->op_id == PR_OP_LP_POOL)
        w = pr_add(c, pr_mul(c, 2, w), 1);
    k->macs = 0;
    k->flops = pr_mul(c, pr_numel(c, &c->out[0]->shape), w);
    return 0;
}

/* ---- NhwcMaxPool: MaxPool on a channels-first view ---- */

static void nhwc_pool_view(struct pr_op_ctx *sub, struct pr_op_ctx *c, struct pr_tensor *x)
{
    *sub = *c;
    if (!pr_input(c, 0))
        return;
    *x = *pr_input(c, 0);
    x->cval = NULL;
    pr_window_channels(&x->shape, true);
    sub->in[0] = x;
}

static int nhwc_pool_done(struct pr_op_ctx *c, const struct pr_op_ctx *sub, int rc)
{
    c->failed |= sub->failed;
    c->structural |= sub->structural;
    c->overflow |= sub->overflow;
    c->incomplete |= sub->incomplete;
    return rc < 0 || c->failed ? -1 : 0;
}

int nhwc_pool_shape(struct pr_op_ctx *c)
{
    if (c->nin > 1)
        return pr_op_error(c, "%d inputs; NhwcMaxPool takes one", c->nin);
    struct pr_op_ctx sub;
    struct pr_tensor x;
    nhwc_pool_view(&sub, c, &x);
    if (nhwc_pool_done(c, &sub, pool_shape(&sub)) < 0)
        return -1;
    pr_window_channels(&c->out[0]->shape, false);
    return 0;
}

int nhwc_pool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_tensor x;
    nhwc_pool_view(&sub, c, &x);
    return nhwc_pool_done(c, &sub, pool_cost(&sub, k));
}

int gpool_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (x->shape.rank < 2)
        return pr_op_error(c, "input has rank %d; %s needs (N, C, D1, ...)",
                           x->shape.rank, op_name(c));
    if (c->op_id == PR_OP_GLOBAL_LP_POOL) {
        int64_t p = pr_attr_int(c, "p", 2);
        if (c->failed)
            return -1;
        if (p < 1)
            return pr_op_error(c, "p is %lld; the norm's order must be >= 1", (long long)p);
    }
    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape = x->shape;
    for (int i = 2; i < y->shape.rank; i++)
        y->shape.dim[i] = 1;
    return 0;
}

int gpool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->macs = 0;
    k->flops = pr_numel(c, &pr_input(c, 0)->shape);
    if (c->op_id == PR_OP_GLOBAL_LP_POOL)   /* |x|^p and an add per element, a root per output */
        k->flops = pr_add(c, pr_mul(c, 2, k->flops), pr_numel(c, &c->out[0]->shape));
    return 0;
}
