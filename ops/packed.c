/* packed.c -- ONNX Runtime's packing mode for BERT-like encoders
 * (com.microsoft; its convert_to_packing_mode tool rewrites Attention and
 * MultiHeadAttention so that padding tokens are never computed):
 * RemovePadding, RestorePadding, PackedAttention, PackedMultiHeadAttention.
 *
 * Shapes (ContribOperators.md and the schemas' shape inference). B
 * sequences padded to S tokens hold T real tokens in all, L_b in sequence
 * b (sum L_b = T, each L_b <= S):
 *   RemovePadding    input (B, S, D), sequence_token_count (B) -> output
 *                    (T, D), token_offset (B, S), cumulated_seq_len (B + 1),
 *                    max_seq_len (1), the last three int32. T is the sum of
 *                    sequence_token_count when its values are known, else
 *                    the data dimension "<node>.tokens" (fallback B*S).
 *   RestorePadding   input (T, D), token_offset (B, S) -> output (B, S, D).
 *   PackedAttention  input (T, Din), weights (Din, Dq + Dk + Dv) split by
 *                    qkv_hidden_sizes (default three equal parts), bias
 *                    (Dq + Dk + Dv), token_offset (B, S),
 *                    cumulative_sequence_length (B + 1), attention_bias
 *                    (B or 1, H or 1, S, S) -> output (T, Dv).
 *   PackedMultiHeadAttention  query (T, D) with key (T, D) and value
 *                    (T, Dv), or packed QKV query (T, H, 3, d) alone; bias
 *                    (D + D + Dv), token_offset, cumulative_sequence_length,
 *                    attention_bias -> output (T, Dv).
 * num_heads H divides the hidden sizes: dqk = Dq/H, dv = Dv/H.
 *
 * Counts. Each token attends the tokens of its own sequence only, so per
 * head the scores are P = sum over sequences of L_b^2: exact when
 * cumulative_sequence_length is a known constant (its consecutive
 * differences are the L_b), else the data dimension "<node>.attended"
 * whose fallback T*S bounds it (each token attends at most S keys).
 *   MACs  = H*P*(dqk + dv)
 *         + T*Din*(Dq + Dk + Dv)      (PackedAttention's QKV projection)
 *   FLOPs = 2*MACs + H*P*(6 + 1 with attention_bias) (scale, softmax 5, as
 *           the other attention operators, attention.c)
 *         + T*(Dq + Dk + Dv) with the bias
 * RemovePadding and RestorePadding move data: 0 FLOPs (shape_ops.c's
 * move_cost).
 * Params: weights and bias keep their default mask bits; the int32
 * offsets and lengths are never parameters.
 */
#include "families.h"
#include "values.h"

#include <stddef.h>
#include <stdint.h>

enum { PA_X, PA_W, PA_BIAS, PA_OFFSET, PA_CUM, PA_ABIAS };
enum { PM_Q, PM_K, PM_V, PM_BIAS, PM_OFFSET, PM_CUM, PM_ABIAS };

struct packed {
    int64_t t, b, s, h, dqk, dv;
    int64_t din, cols;            /* PackedAttention: input hidden, Dq + Dk + Dv */
    bool bias, abias;
};

static const char *op_name(const struct pr_op_ctx *c)
{
    return pr_op_table[c->op_id].name;
}

static void set_out(struct pr_op_ctx *c, int o, int dtype, int rank, const int64_t *dims)
{
    if (o >= c->nout)
        return;
    c->out[o]->dtype = dtype;
    c->out[o]->cval = NULL;
    pr_shape_set(&c->out[o]->shape, rank, dims);
}

static int num_heads(struct pr_op_ctx *c, int64_t *h)
{
    if (!pr_attr_has(c, "num_heads"))
        return pr_op_error(c, "%s needs the attribute 'num_heads'", op_name(c));
    *h = pr_attr_int(c, "num_heads", 0);
    if (c->failed)
        return -1;
    if (*h < 1 || *h > (1 << 20))
        return pr_op_error(c, "num_heads is %lld; it must be between 1 and %d", (long long)*h,
                           1 << 20);
    return 0;
}

/* token_offset (B, S) and cumulative_sequence_length (B + 1). */
static int read_batch(struct pr_op_ctx *c, struct packed *p, int offset, int cum)
{
    const struct pr_shape *o = &pr_input(c, offset)->shape, *q = &pr_input(c, cum)->shape;
    char so[160], sq[160];
    int64_t b1 = o->rank == 2 && o->dim[0] >= 0 ? o->dim[0] + 1 : -1;
    if (o->rank != 2 || q->rank != 1 || pr_dim_agree(q->dim[0], b1) == -2)
        return pr_op_error(c, "token_offset %s and cumulative_sequence_length %s must be (batch, "
                           "sequence) and (batch + 1)", pr_shape_str(o, so, sizeof so),
                           pr_shape_str(q, sq, sizeof sq));
    p->b = o->dim[0] >= 0 ? o->dim[0] : q->dim[0] < 1 ? -1 : q->dim[0] - 1;
    p->s = o->dim[1];
    return 0;
}

/* The attention_bias, when given: (B or 1, H or 1, S, S). */
static int attention_bias(struct pr_op_ctx *c, struct packed *p, int i)
{
    const struct pr_tensor *ab = pr_input(c, i);
    p->abias = ab != NULL;
    if (!ab)
        return 0;
    const struct pr_shape *s = &ab->shape;
    char sb[160];
    if (s->rank != 4 || (pr_dim_agree(s->dim[0], p->b) == -2 && s->dim[0] != 1) ||
        (pr_dim_agree(s->dim[1], p->h) == -2 && s->dim[1] != 1) || pr_dim_agree(s->dim[2], p->s) == -2 ||
        pr_dim_agree(s->dim[3], p->s) == -2)
        return pr_op_error(c, "attention_bias has shape %s but must be (batch or 1, %lld heads "
                           "or 1, %lld, %lld)", pr_shape_str(s, sb, sizeof sb), (long long)p->h,
                           (long long)p->s, (long long)p->s);
    return 0;
}

/* ---- PackedAttention ---- */

static int pattn_parse(struct pr_op_ctx *c, struct packed *p)
{
    if (c->nin > 6 || c->nout > 1)
        return pr_op_error(c, "PackedAttention takes at most 6 inputs and 1 output but the node "
                           "has %d and %d", c->nin, c->nout);
    if (pr_op_require(c, 5) < 0 || num_heads(c, &p->h) < 0 || read_batch(c, p, PA_OFFSET, PA_CUM) < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, PA_X)->shape, *w = &pr_input(c, PA_W)->shape,
                         *bias = &pr_input(c, PA_BIAS)->shape;
    char sx[160], sw[160];
    if (x->rank != 2 || w->rank != 2 || pr_dim_agree(x->dim[1], w->dim[0]) == -2)
        return pr_op_error(c, "input %s and weights %s must be (tokens, input hidden) and (input "
                           "hidden, Q + K + V hidden)", pr_shape_str(x, sx, sizeof sx),
                           pr_shape_str(w, sw, sizeof sw));
    p->t = x->dim[0];
    p->din = pr_dim_agree(x->dim[1], w->dim[0]);
    p->cols = w->dim[1];
    if (bias->rank != 1 || pr_dim_agree(bias->dim[0], p->cols) == -2)
        return pr_op_error(c, "bias has shape %s but must be 1-D with the weights' %lld columns",
                           pr_shape_str(bias, sx, sizeof sx), (long long)p->cols);
    p->cols = pr_dim_agree(p->cols, bias->dim[0]);
    p->bias = true;
    int64_t qkv[3];
    int n = pr_attr_ints(c, "qkv_hidden_sizes", qkv, 3);
    pr_attr_float(c, "scale", 0.0);
    if (c->failed)
        return -1;
    if (n >= 0) {
        if (n != 3 || qkv[0] < 1 || qkv[1] < 1 || qkv[2] < 1 || qkv[0] > INT64_MAX / 4 ||
            qkv[1] > INT64_MAX / 4 || qkv[2] > INT64_MAX / 4)
            return pr_op_error(c, "qkv_hidden_sizes must be three positive sizes (Q, K, V)");
        if (qkv[0] != qkv[1])
            return pr_op_error(c, "qkv_hidden_sizes: Q (%lld) and K (%lld) must have the same "
                               "hidden size", (long long)qkv[0], (long long)qkv[1]);
        if (p->cols >= 0 && qkv[0] + qkv[1] + qkv[2] != p->cols)
            return pr_op_error(c, "qkv_hidden_sizes add up to %lld but the weights have %lld "
                               "columns", (long long)(qkv[0] + qkv[1] + qkv[2]), (long long)p->cols);
        p->cols = qkv[0] + qkv[1] + qkv[2];
    } else {
        int64_t third = pr_dim_divide(p->cols, 3);
        if (third == -2)
            return pr_op_error(c, "the weights have %lld columns, not three equal Q, K, V parts; "
                               "give qkv_hidden_sizes", (long long)p->cols);
        qkv[0] = qkv[1] = qkv[2] = third;
    }
    p->dqk = pr_dim_divide(qkv[0], p->h);
    p->dv = pr_dim_divide(qkv[2], p->h);
    if (p->dqk == -2 || p->dv == -2)
        return pr_op_error(c, "num_heads %lld does not divide the hidden sizes of Q/K (%lld) "
                           "and V (%lld)", (long long)p->h, (long long)qkv[0], (long long)qkv[2]);
    return attention_bias(c, p, PA_ABIAS) < 0 ? -1 : 0;
}

int pattn_shape(struct pr_op_ctx *c)
{
    struct packed p;
    if (pattn_parse(c, &p) < 0)
        return -1;
    int64_t dv = p.dv < 0 ? -1 : p.dv * p.h;
    set_out(c, 0, pr_input(c, PA_X)->dtype, 2, (int64_t[]){p.t, dv});
    return 0;
}

/* ---- PackedMultiHeadAttention ---- */

static int pmha_parse(struct pr_op_ctx *c, struct packed *p)
{
    if (c->nin > 7 || c->nout > 1)
        return pr_op_error(c, "PackedMultiHeadAttention takes at most 7 inputs and 1 output but "
                           "the node has %d and %d", c->nin, c->nout);
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (!pr_input(c, PM_OFFSET) || !pr_input(c, PM_CUM))
        return pr_op_error(c, "PackedMultiHeadAttention needs token_offset and "
                           "cumulative_sequence_length (inputs 4 and 5)");
    if (num_heads(c, &p->h) < 0 || read_batch(c, p, PM_OFFSET, PM_CUM) < 0)
        return -1;
    pr_attr_float(c, "scale", 0.0);
    pr_attr_float(c, "mask_filter_value", 0.0);
    const struct pr_shape *q = &pr_input(c, PM_Q)->shape;
    const struct pr_tensor *k = pr_input(c, PM_K), *v = pr_input(c, PM_V);
    char sq[160], sk[160];
    p->t = q->rank >= 1 ? q->dim[0] : -1;
    if (q->rank == 4) {   /* packed QKV (T, H, 3, d) */
        if (k || v)
            return pr_op_error(c, "query is packed QKV (rank 4); key and value must be absent");
        if (pr_dim_agree(q->dim[1], p->h) == -2 || pr_dim_agree(q->dim[2], 3) == -2)
            return pr_op_error(c, "packed QKV query has shape %s but must be (tokens, %lld heads, "
                               "3, head size)", pr_shape_str(q, sq, sizeof sq), (long long)p->h);
        p->dqk = p->dv = q->dim[3];
    } else if (q->rank == 2) {
        if (!k || !v)
            return pr_op_error(c, "query (tokens, hidden) needs key and value");
        const struct pr_shape *ks = &k->shape, *vs = &v->shape;
        if (ks->rank != 2 || vs->rank != 2 || pr_dim_agree(ks->dim[0], p->t) == -2 ||
            pr_dim_agree(vs->dim[0], p->t) == -2 || pr_dim_agree(ks->dim[1], q->dim[1]) == -2)
            return pr_op_error(c, "key %s and value %s must be (tokens, hidden) as the query %s",
                               pr_shape_str(ks, sk, sizeof sk), pr_shape_str(vs, sq, sizeof sq),
                               pr_shape_str(q, sq, sizeof sq));
        p->dqk = pr_dim_divide(q->dim[1], p->h);
        p->dv = pr_dim_divide(vs->dim[1], p->h);
        if (p->dqk == -2 || p->dv == -2)
            return pr_op_error(c, "num_heads %lld does not divide the hidden sizes of Q/K (%lld) "
                               "and V (%lld)", (long long)p->h, (long long)q->dim[1],
                               (long long)vs->dim[1]);
    } else {
        return pr_op_error(c, "query has shape %s; it must be (tokens, hidden) or packed QKV "
                           "(tokens, heads, 3, head size)", pr_shape_str(q, sq, sizeof sq));
    }
    p->din = p->cols = -1;
    const struct pr_tensor *bias = pr_input(c, PM_BIAS);
    p->bias = bias != NULL;
    if (bias) {
        int64_t want = p->dqk < 0 || p->dv < 0 ? -1 : p->h * (2 * p->dqk + p->dv);
        if (bias->shape.rank != 1 || pr_dim_agree(bias->shape.dim[0], want) == -2)
            return pr_op_error(c, "bias has shape %s but must be 1-D with %lld values (Q, K and "
                               "V hidden sizes)", pr_shape_str(&bias->shape, sq, sizeof sq),
                               (long long)want);
    }
    return attention_bias(c, p, PM_ABIAS) < 0 ? -1 : 0;
}

int pmha_shape(struct pr_op_ctx *c)
{
    struct packed p;
    if (pmha_parse(c, &p) < 0)
        return -1;
    int64_t dv = p.dv < 0 ? -1 : p.dv * p.h;
    set_out(c, 0, pr_input(c, PM_Q)->dtype, 2, (int64_t[]){p.t, dv});
    return 0;
}

/* ---- the shared cost ---- */

/* P = sum of L_b^2 from cumulative_sequence_length's values, else the data
 * dimension (fallback T*S); -1 unknown, -2 after an error. */
static int64_t packed_pairs(struct pr_op_ctx *c, const struct packed *p, int cum)
{
    const struct pr_const *v = pr_values_of(pr_input(c, cum));
    if (v && v->n >= 1) {
        uint64_t sum = 0;
        for (int64_t b = 0; b + 1 < v->n; b++) {
            int64_t len = v->i[b + 1] - v->i[b];
            if (len < 0 || (p->s >= 0 && len > p->s))
                return pr_op_error(c, "cumulative_sequence_length: sequence %lld has %lld tokens; "
                                   "it must have 0 to %lld", (long long)b, (long long)len,
                                   (long long)p->s) - 1;
            sum = pr_add(c, sum, pr_mul(c, (uint64_t)len, (uint64_t)len));
        }
        if (p->t >= 0 && v->i[v->n - 1] - v->i[0] != p->t)
            return pr_op_error(c, "cumulative_sequence_length counts %lld tokens but the input has "
                               "%lld", (long long)(v->i[v->n - 1] - v->i[0]), (long long)p->t) - 1;
        return sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
    }
    int64_t bound = -1;
    if (p->t >= 0 && p->s >= 0) {
        bool ovf = false;
        uint64_t ts = pr_u64_mul((uint64_t)p->t, (uint64_t)p->s, &ovf);
        bound = ovf || ts > INT64_MAX ? -1 : (int64_t)ts;
    }
    int64_t n = pr_data_dim(c, "attended", bound, "the (query, key) pairs of one head, the sum "
                            "of the squared sequence lengths (cumulative_sequence_length is not "
                            "a known constant: tokens x padded length bounds it)");
    if (bound >= 0 && n > bound)
        return pr_op_error(c, "the attended pairs are bound to %lld but cannot exceed %lld",
                           (long long)n, (long long)bound) - 1;
    return n;
}

int packed_attn_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct packed p;
    bool pa = c->op_id == PR_OP_PACKED_ATTENTION;
    if ((pa ? pattn_parse(c, &p) : pmha_parse(c, &p)) < 0)
        return -1;
    if (p.t < 0 || p.dqk < 0 || p.dv < 0 || (pa && (p.din < 0 || p.cols < 0))) {
        c->incomplete = true;
        return 0;
    }
    int64_t pairs = packed_pairs(c, &p, pa ? PA_CUM : PM_CUM);
    if (c->failed)
        return -1;
    if (pairs < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t scores = pr_mul(c, (uint64_t)p.h, (uint64_t)pairs);
    k->macs = pr_mul(c, scores, (uint64_t)(p.dqk + p.dv));
    uint64_t hidden = (uint64_t)p.h * (uint64_t)(2 * p.dqk + p.dv);
    if (pa) {
        hidden = (uint64_t)p.cols;
        k->macs = pr_add(c, k->macs, pr_mul(c, pr_mul(c, (uint64_t)p.t, (uint64_t)p.din), hidden));
    }
    k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, scores, 6 + (p.abias ? 1 : 0)));
    if (p.bias)
        k->flops = pr_add(c, k->flops, pr_mul(c, (uint64_t)p.t, hidden));
    return 0;
}

/* ---- RemovePadding, RestorePadding ---- */

int remove_padding_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 4)
        return pr_op_error(c, "RemovePadding takes 2 inputs and has at most 4 outputs but the "
                           "node has %d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *cnt = pr_input(c, 1);
    char sx[160], sc[160];
    if (x->shape.rank != 3 || cnt->shape.rank != 1 || pr_dim_agree(cnt->shape.dim[0], x->shape.dim[0]) == -2)
        return pr_op_error(c, "input %s and sequence_token_count %s must be (batch, sequence, "
                           "hidden) and (batch)", pr_shape_str(&x->shape, sx, sizeof sx),
                           pr_shape_str(&cnt->shape, sc, sizeof sc));
    int64_t b = pr_dim_agree(x->shape.dim[0], cnt->shape.dim[0]), s = x->shape.dim[1], t = -1, bound = -1;
    if (b >= 0 && s >= 0 && (s == 0 || b <= INT64_MAX / s))
        bound = b * s;
    const struct pr_const *v = pr_values_of(cnt);
    if (v) {
        t = 0;
        for (int64_t i = 0; i < v->n; i++) {
            if (v->i[i] < 0 || (s >= 0 && v->i[i] > s))
                return pr_op_error(c, "sequence_token_count[%lld] is %lld; it must be 0 to %lld",
                                   (long long)i, (long long)v->i[i], (long long)s);
            t += v->i[i];
        }
    } else {
        t = pr_data_dim(c, "tokens", bound, "the real tokens of the batch (the sum of "
                        "sequence_token_count)");
        if (bound >= 0 && t > bound)
            return pr_op_error(c, "the tokens are bound to %lld but the batch holds %lld",
                               (long long)t, (long long)bound);
    }
    set_out(c, 0, x->dtype, 2, (int64_t[]){t, x->shape.dim[2]});
    set_out(c, 1, PR_DT_INT32, 2, (int64_t[]){b, s});
    set_out(c, 2, PR_DT_INT32, 1, (int64_t[]){b < 0 ? -1 : b + 1});
    set_out(c, 3, PR_DT_INT32, 1, (int64_t[]){1});
    return c->failed ? -1 : 0;
}

int restore_padding_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 1)
        return pr_op_error(c, "RestorePadding takes 2 inputs and has 1 output but the node has "
                           "%d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *off = pr_input(c, 1);
    char sx[160], so[160];
    if (x->shape.rank != 2 || off->shape.rank != 2)
        return pr_op_error(c, "input %s and token_offset %s must be (tokens, hidden) and (batch, "
                           "sequence)", pr_shape_str(&x->shape, sx, sizeof sx),
                           pr_shape_str(&off->shape, so, sizeof so));
    int64_t b = off->shape.dim[0], s = off->shape.dim[1], t = x->shape.dim[0];
    if (t >= 0 && b >= 0 && s >= 0 && (s == 0 || b <= INT64_MAX / s) && t > b * s)
        return pr_op_error(c, "input holds %lld tokens but token_offset has room for %lld",
                           (long long)t, (long long)(b * s));
    set_out(c, 0, x->dtype, 3, (int64_t[]){b, s, x->shape.dim[1]});
    return 0;
}
