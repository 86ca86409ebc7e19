/* relpos.c -- the relative position biases that ONNX Runtime's transformer
 * optimiser fuses (com.microsoft): RelativePositionBias (T5) and
 * GatedRelativePositionBias (WavLM-style gated bias). Both compute the
 * attention_bias an attention operator adds to its scores.
 *
 * RelativePositionBias: bias_table (num_buckets, H), query_length and
 *   key_length (int64 scalars: their values are Q and K) -> output
 *   (1, H, Q, K) of the table's type. Unknown lengths are the data
 *   dimensions "<node>.query_length" and "<node>.key_length". Attributes
 *   max_distance (required, >= 1), is_bidirectional (default 0). Every
 *   (query, key) pair is put in a bucket as T5's _relative_position_bucket
 *   does, then each head gathers its table entry (data movement):
 *     n = k - q                                       1
 *     bidirectional: ret = (n > 0) * buckets/2, n = |n|   3
 *     else: n = -min(n, 0)                            2
 *     small = n < max_exact                           1
 *     large = min(max_exact + log(n / max_exact) * c, buckets - 1)
 *             (c = (buckets - max_exact) / log(max_distance / max_exact),
 *             a constant)                             5
 *     ret += small ? n : large                        2
 *   FLOPs = Q*K*(11 + is_bidirectional); no MACs.
 * GatedRelativePositionBias: query_layer (B, S, H*d), or (T, H*d) with
 *   token_offset (B, S); query_bias (H*d), rel_pos (1, H, S, S), weight
 *   (d, D) with D even, bias (D), eco_a (1, H, 1, 1) -> output
 *   (B, H, S, S) of query_layer's type. Per the schema's formula, over the
 *   R = B*S (padded) positions of every head:
 *     q = query_layer + query_bias                    R*H*d
 *     g = q @ weight + bias                           R*H*d*D MACs, R*H*D
 *     (u, r) = sigmoid(two sums of D/2 of g)          R*H*(D - 2 + 2*4)
 *     gate = u*(r*eco_a - 1) + 2                      R*H*4
 *     output = gate * rel_pos                         B*H*S*S
 *   MACs  = R*H*d*D
 *   FLOPs = 2*MACs + R*H*(d + 2*D + 10) + B*H*S*S
 * Params: bias_table, query_bias, weight, bias and eco_a keep their
 * default mask bits (initializers in the fused models).
 */
#include "families.h"

#include <stddef.h>
#include <stdint.h>

/* A length input's value (a scalar or one value), else the data dimension
 * named what (-1 when unbound and unknown); -2 after an error. */
static int64_t length_value(struct pr_op_ctx *c, int i, const char *what)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t->cval || t->cval->n != 1)
        return pr_data_dim(c, what, -1, "the attention length RelativePositionBias is computed for");
    int64_t v = pr_const_values(t->cval)->i[0];
    if (v < 0)
        return pr_op_error(c, "%s is %lld; it must not be negative", what, (long long)v) - 1;
    return v;
}

/* ---- RelativePositionBias ---- */

static int rpb_read(struct pr_op_ctx *c, int64_t *h, int64_t *q, int64_t *k)
{
    if (pr_op_require(c, 3) < 0)
        return -1;
    if (c->nin > 3 || c->nout > 1)
        return pr_op_error(c, "RelativePositionBias takes 3 inputs and has 1 output but the node "
                           "has %d and %d", c->nin, c->nout);
    const struct pr_shape *table = &pr_input(c, 0)->shape;
    char sb[160];
    if (table->rank != 2)
        return pr_op_error(c, "bias_table has shape %s but must be (num_buckets, num_heads)",
                           pr_shape_str(table, sb, sizeof sb));
    for (int i = 1; i <= 2; i++) {
        const struct pr_shape *s = &pr_input(c, i)->shape;
        if (s->rank > 1 || (s->rank == 1 && pr_dim_agree(s->dim[0], 1) == -2))
            return pr_op_error(c, "%s has shape %s but must hold one value",
                               i == 1 ? "query_length" : "key_length", pr_shape_str(s, sb, sizeof sb));
    }
    if (!pr_attr_has(c, "max_distance"))
        return pr_op_error(c, "RelativePositionBias needs the attribute 'max_distance'");
    int64_t md = pr_attr_int(c, "max_distance", 0);
    pr_attr_int(c, "is_bidirectional", 0);
    if (c->failed)
        return -1;
    if (md < 1)
        return pr_op_error(c, "max_distance is %lld; it must be >= 1", (long long)md);
    *h = table->dim[1];
    *q = length_value(c, 1, "query_length");
    *k = c->failed ? -1 : length_value(c, 2, "key_length");
    return c->failed ? -1 : 0;
}

int rpb_shape(struct pr_op_ctx *c)
{
    int64_t h = -1, q = -1, k = -1;
    if (rpb_read(c, &h, &q, &k) < 0)
        return -1;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    c->out[0]->cval = NULL;
    pr_shape_set(&c->out[0]->shape, 4, (int64_t[]){1, h, q, k});
    return 0;
}

int rpb_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *y = &c->out[0]->shape;
    uint64_t per = 11 + (pr_attr_int(c, "is_bidirectional", 0) ? 1 : 0);
    if (y->rank != 4 || y->dim[2] < 0 || y->dim[3] < 0) {
        c->incomplete = true;
        return 0;
    }
    k->flops = pr_mul(c, per, pr_mul(c, (uint64_t)y->dim[2], (uint64_t)y->dim[3]));
    k->weight_mask &= 1;   /* the lengths are not parameters */
    return 0;
}

/* ---- GatedRelativePositionBias ---- */

struct gated {
    int64_t b, s, h, d, dd;       /* batch, sequence, heads, head size, D */
};

static int grpb_read(struct pr_op_ctx *c, struct gated *g)
{
    if (pr_op_require(c, 6) < 0)
        return -1;
    if (c->nin > 7 || c->nout > 1)
        return pr_op_error(c, "GatedRelativePositionBias takes at most 7 inputs and 1 output but "
                           "the node has %d and %d", c->nin, c->nout);
    if (!pr_attr_has(c, "num_heads"))
        return pr_op_error(c, "GatedRelativePositionBias needs the attribute 'num_heads'");
    g->h = pr_attr_int(c, "num_heads", 0);
    if (c->failed)
        return -1;
    if (g->h < 1 || g->h > (1 << 20))
        return pr_op_error(c, "num_heads is %lld; it must be between 1 and %d", (long long)g->h,
                           1 << 20);
    const struct pr_shape *q = &pr_input(c, 0)->shape, *qb = &pr_input(c, 1)->shape,
                         *rel = &pr_input(c, 2)->shape, *w = &pr_input(c, 3)->shape,
                         *bias = &pr_input(c, 4)->shape, *eco = &pr_input(c, 5)->shape;
    const struct pr_tensor *off = pr_input(c, 6);
    char sb[160], sw[160];
    int64_t hidden;
    if (off) {
        if (q->rank != 2 || off->shape.rank != 2)
            return pr_op_error(c, "with token_offset, query_layer %s and token_offset %s must be "
                               "(tokens, hidden) and (batch, sequence)",
                               pr_shape_str(q, sb, sizeof sb), pr_shape_str(&off->shape, sw, sizeof sw));
        g->b = off->shape.dim[0];
        g->s = off->shape.dim[1];
        hidden = q->dim[1];
    } else {
        if (q->rank != 3)
            return pr_op_error(c, "query_layer has shape %s but must be (batch, sequence, hidden)",
                               pr_shape_str(q, sb, sizeof sb));
        g->b = q->dim[0];
        g->s = q->dim[1];
        hidden = q->dim[2];
    }
    g->d = hidden < 0 ? -1 : hidden % g->h ? -2 : hidden / g->h;
    if (g->d == -2)
        return pr_op_error(c, "num_heads %lld does not divide the hidden size %lld",
                           (long long)g->h, (long long)hidden);
    if (w->rank != 2 || pr_dim_agree(w->dim[0], g->d) == -2 || (w->dim[1] >= 0 && w->dim[1] % 2))
        return pr_op_error(c, "weight has shape %s but must be (head size %lld, D) with D even",
                           pr_shape_str(w, sb, sizeof sb), (long long)g->d);
    g->dd = w->dim[1];
    if (qb->rank != 1 || pr_dim_agree(qb->dim[0], hidden) == -2)
        return pr_op_error(c, "query_bias has shape %s but must be (%lld)",
                           pr_shape_str(qb, sb, sizeof sb), (long long)hidden);
    if (bias->rank != 1 || pr_dim_agree(bias->dim[0], g->dd) == -2)
        return pr_op_error(c, "bias has shape %s but must be (%lld)", pr_shape_str(bias, sb, sizeof sb),
                           (long long)g->dd);
    if (rel->rank != 4 || pr_dim_agree(rel->dim[0], 1) == -2 || pr_dim_agree(rel->dim[1], g->h) == -2 ||
        pr_dim_agree(rel->dim[2], g->s) == -2 || pr_dim_agree(rel->dim[3], g->s) == -2)
        return pr_op_error(c, "rel_pos has shape %s but must be (1, %lld heads, %lld, %lld)",
                           pr_shape_str(rel, sb, sizeof sb), (long long)g->h, (long long)g->s,
                           (long long)g->s);
    if (eco->rank != 4 || pr_dim_agree(eco->dim[0], 1) == -2 || pr_dim_agree(eco->dim[1], g->h) == -2 ||
        pr_dim_agree(eco->dim[2], 1) == -2 || pr_dim_agree(eco->dim[3], 1) == -2)
        return pr_op_error(c, "eco_a has shape %s but must be (1, %lld heads, 1, 1)",
                           pr_shape_str(eco, sb, sizeof sb), (long long)g->h);
    return 0;
}

int grpb_shape(struct pr_op_ctx *c)
{
    struct gated g;
    if (grpb_read(c, &g) < 0)
        return -1;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    c->out[0]->cval = NULL;
    pr_shape_set(&c->out[0]->shape, 4, (int64_t[]){g.b, g.h, g.s, g.s});
    return 0;
}

int grpb_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct gated g;
    if (grpb_read(c, &g) < 0)
        return -1;
    k->weight_mask &= ~(1ull << 6);   /* token_offset */
    if (g.b < 0 || g.s < 0 || g.d < 0 || g.dd < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t rh = pr_mul(c, pr_mul(c, (uint64_t)g.b, (uint64_t)g.s), (uint64_t)g.h);
    k->macs = pr_mul(c, rh, pr_mul(c, (uint64_t)g.d, (uint64_t)g.dd));
    uint64_t per_row = (uint64_t)g.d + 2 * (uint64_t)g.dd + 10;
    k->flops = pr_add(c, pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, rh, per_row)),
                      pr_numel(c, &c->out[0]->shape));
    return 0;
}
