/* pool.c -- windowed pools (MaxPool, AveragePool, LpPool) and global pools
 * (GlobalAveragePool, GlobalMaxPool), any number k >= 1 of spatial dims.
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
 * total < dk is an error (kernel larger than the padded input).
 * MaxPool's optional Indices output is int64 with Y's shape.
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
 * convention: one comparison, or one add/divide, per input element).
 */
#include "families.h"

#include <string.h>

enum pad_mode { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID };

static const char *op_name(const struct pr_op_ctx *c)
{
    switch (c->op_id) {
    case PR_OP_MAX_POOL: return "MaxPool";
    case PR_OP_AVERAGE_POOL: return "AveragePool";
    case PR_OP_LP_POOL: return "LpPool";
    case PR_OP_GLOBAL_MAX_POOL: return "GlobalMaxPool";
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
    default: return 18;
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

/* Reads the ints attribute name into v[0..n): absent or empty gives dflt
 * everywhere; otherwise exactly n values, each >= min. 0 or -1 (error). */
static int read_ints(struct pr_op_ctx *c, const char *name, int64_t *v, int n,
                     int64_t dflt, int64_t min, int k)
{
    int64_t buf[2 * PR_MAX_RANK];
    int got = pr_attr_ints(c, name, buf, 2 * PR_MAX_RANK);
    if (c->failed)
        return -1;
    if (got <= 0) {
        for (int i = 0; i < n; i++)
            v[i] = dflt;
        return 0;
    }
    if (got != n)
        return pr_op_error(c, "'%s' has %d values but the input has %d spatial dims, "
                           "so %d are expected", name, got, k, n);
    for (int i = 0; i < n; i++) {
        if (buf[i] < min)
            return pr_op_error(c, "'%s'[%d] is %lld; it must be >= %lld",
                               name, i, (long long)buf[i], (long long)min);
        v[i] = buf[i];
    }
    return 0;
}

static int read_auto_pad(struct pr_op_ctx *c, enum pad_mode *m)
{
    const char *s = pr_attr_str(c, "auto_pad", "NOTSET");
    if (c->failed)
        return -1;
    if (!s[0] || strcmp(s, "NOTSET") == 0)
        *m = PAD_NOTSET;
    else if (strcmp(s, "SAME_UPPER") == 0)
        *m = PAD_SAME_UPPER;
    else if (strcmp(s, "SAME_LOWER") == 0)
        *m = PAD_SAME_LOWER;
    else if (strcmp(s, "VALID") == 0)
        *m = PAD_VALID;
    else
        return pr_op_error(c, "auto_pad is '%.64s'; expected NOTSET, SAME_UPPER, "
                           "SAME_LOWER or VALID", s);
    return 0;
}

/* Output extent along spatial axis i for input extent d_in (-1 unknown). */
static int pool_extent(struct pr_op_ctx *c, int i, int64_t d_in, int64_t kern, int64_t s,
                       int64_t dil, int64_t b, int64_t e, enum pad_mode mode, bool ceil_mode,
                       int64_t *out)
{
    int64_t dk, span;
    *out = -1;
    if (d_in < 0)
        return 0;
    if (mode == PAD_SAME_UPPER || mode == PAD_SAME_LOWER) {
        *out = d_in / s + (d_in % s != 0);
        if (*out <= 0)
            return pr_op_error(c, "axis %d: output extent would be %lld (input extent %lld)",
                               i + 2, (long long)*out, (long long)d_in);
        return 0;
    }
    if (__builtin_mul_overflow(kern - 1, dil, &dk) || __builtin_add_overflow(dk, 1, &dk))
        return pr_op_error(c, "axis %d: effective kernel (%lld-1)*%lld+1 overflows int64",
                           i + 2, (long long)kern, (long long)dil);
    if (__builtin_add_overflow(d_in, b, &span) || __builtin_add_overflow(span, e, &span))
        return pr_op_error(c, "axis %d: input extent %lld plus pads %lld+%lld overflows int64",
                           i + 2, (long long)d_in, (long long)b, (long long)e);
    if (span < dk)
        return pr_op_error(c, "axis %d: kernel larger than the padded input: effective "
                           "kernel %lld = (%lld-1)*%lld+1 > padded input %lld = %lld+%lld+%lld",
                           i + 2, (long long)dk, (long long)kern, (long long)dil,
                           (long long)span, (long long)d_in, (long long)b, (long long)e);
    int64_t q = (span - dk) / s;
    if (ceil_mode && (span - dk) % s != 0) {
        q++;
        /* the last window starts at q * s; drop it if it begins in the right padding */
        int64_t start;
        if (__builtin_mul_overflow(q, s, &start) || start >= d_in + b)
            q--;
    }
    *out = q + 1;
    return 0;
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
    int64_t kern[PR_MAX_RANK], stride[PR_MAX_RANK], dil[PR_MAX_RANK], pad[2 * PR_MAX_RANK];
    enum pad_mode mode = PAD_NOTSET;
    if (!pr_attr_has(c, "kernel_shape"))
        return pr_op_error(c, "kernel_shape is required (%d values, one per spatial dim)", k);
    if (read_ints(c, "kernel_shape", kern, k, -1, 1, k) < 0)
        return -1;
    if (kern[0] < 0)
        return pr_op_error(c, "kernel_shape is empty; %d values are expected", k);
    check_since(c, "dilations");
    check_since(c, "ceil_mode");
    int64_t ceil_mode = pr_attr_int(c, "ceil_mode", 0);
    if (read_ints(c, "strides", stride, k, 1, 1, k) < 0 ||
        read_ints(c, "dilations", dil, k, 1, 1, k) < 0 ||
        read_ints(c, "pads", pad, 2 * k, 0, 0, k) < 0 || read_auto_pad(c, &mode) < 0)
        return -1;
    if (mode != PAD_NOTSET) {
        bool nonzero = false;
        for (int i = 0; i < 2 * k; i++) {
            nonzero |= pad[i] != 0;
            pad[i] = 0;
        }
        if (nonzero)
            pr_op_warn(c, "pads are ignored because auto_pad is set");
    }

    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape.rank = r;
    y->shape.dim[0] = x->shape.dim[0];
    y->shape.dim[1] = x->shape.dim[1];
    for (int i = 0; i < k; i++)
        if (pool_extent(c, i, x->shape.dim[i + 2], kern[i], stride[i], dil[i], pad[i],
                        pad[k + i], mode, ceil_mode != 0, &y->shape.dim[i + 2]) < 0)
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

int gpool_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (x->shape.rank < 2)
        return pr_op_error(c, "input has rank %d; %s needs (N, C, D1, ...)",
                           x->shape.rank, op_name(c));
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
    return 0;
}
