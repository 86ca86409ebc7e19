/* random.c -- generators of random tensors: RandomNormal, RandomUniform,
 * their *Like forms, Bernoulli and Multinomial.
 *
 * Output shapes and element types:
 *   RandomNormal, RandomUniform   the `shape` attribute (required, extents
 *                                 >= 0); `dtype` (default float32)
 *   RandomNormalLike, RandomUniformLike, Bernoulli
 *                                 the input's shape; `dtype`, else the
 *                                 input's element type
 *   Multinomial                   (batch, sample_size) of a (batch, classes)
 *                                 input; sample_size default 1; dtype int32
 *                                 (default) or int64
 * Seeds, means, scales and bounds change values only.
 *
 * Cost: no MACs. The draw of a unit random number is not arithmetic the
 * model specifies; what the spec's formula does with it is counted:
 *   RandomUniform(Like)  low + (high - low) * u     2 * numel(Y)
 *   RandomNormal(Like)   mean + scale * z           2 * numel(Y)
 *   Bernoulli            u < p                      numel(Y)
 *   Multinomial          per row: exp and a running sum per class (2C),
 *                        then per sample a scan of the C cumulative sums
 *                        (C compares, the worst case): batch * C * (2 + n),
 *                        C = classes, n = sample_size
 * No input is a parameter (they give shapes or probabilities).
 */
#include <stddef.h>

#include "families.h"

/* The dtype attribute (or dflt when absent); -1 after an error. */
static int read_dtype(struct pr_op_ctx *c, int dflt)
{
    if (!pr_attr_has(c, "dtype"))
        return dflt;
    int64_t dt = pr_attr_int(c, "dtype", 0);
    if (c->failed)
        return -1;
    if (dt <= 0 || dt >= PR_DT_COUNT)
        return pr_op_error(c, "dtype is %lld, not a known element type", (long long)dt);
    return (int)dt;
}

int random_shape(struct pr_op_ctx *c)
{
    struct pr_tensor *o = c->out[0];
    o->cval = NULL;
    bool like = c->op_id != PR_OP_RANDOM_NORMAL && c->op_id != PR_OP_RANDOM_UNIFORM;
    if (like) {
        if (pr_op_require(c, 1) < 0)
            return -1;
        int dt = read_dtype(c, c->in[0]->dtype);
        if (dt < 0)
            return -1;
        o->dtype = dt;
        o->shape = c->in[0]->shape;
        return 0;
    }
    if (c->nin > 0)
        return pr_op_error(c, "%s takes no inputs but the node has %d",
                           pr_op_table[c->op_id].name, c->nin);
    int dt = read_dtype(c, PR_DT_FLOAT);
    if (dt < 0)
        return -1;
    int64_t dims[PR_MAX_RANK];
    int n = pr_attr_ints(c, "shape", dims, PR_MAX_RANK);
    if (n < 0)
        return c->failed ? -1 : pr_op_error(c, "attribute 'shape' is required");
    for (int i = 0; i < n; i++)
        if (dims[i] < 0)
            return pr_op_error(c, "shape has a negative extent %lld at position %d",
                               (long long)dims[i], i);
    o->dtype = dt;
    pr_shape_set(&o->shape, n, dims);
    return 0;
}

int multinomial_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    if (x->shape.rank != 2)
        return pr_op_error(c, "input must be 2-D (batch, classes) but has rank %d",
                           x->shape.rank);
    int dt = read_dtype(c, PR_DT_INT32);
    if (dt < 0)
        return -1;
    if (dt != PR_DT_INT32 && dt != PR_DT_INT64)
        return pr_op_error(c, "dtype is %s; it must be int32 or int64", pr_dtype_name(dt));
    int64_t n = pr_attr_int(c, "sample_size", 1);
    if (n < 1)
        return pr_op_error(c, "sample_size is %lld; it must be at least 1", (long long)n);
    struct pr_tensor *o = c->out[0];
    o->dtype = dt;
    o->cval = NULL;
    o->shape.rank = 2;
    o->shape.dim[0] = x->shape.dim[0];
    o->shape.dim[1] = n;
    return 0;
}

int random_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask = 0;
    switch (c->op_id) {
    case PR_OP_MULTINOMIAL: {
        /* numel(X) * (2 + n) = batch * C * (2 + n) */
        uint64_t n = (uint64_t)c->out[0]->shape.dim[1];
        k->flops = pr_mul(c, pr_numel(c, &c->in[0]->shape), pr_add(c, 2, n));
        break;
    }
    default:   /* Bernoulli 1, the normal and uniform draws 2 per element */
        k->flops = pr_elementwise_flops(c);
        break;
    }
    return 0;
}
