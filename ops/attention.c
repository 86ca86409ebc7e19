/* attention.c -- attention operators: ONNX's Attention and RotaryEmbedding
 * (opsets 23, 24) and ONNX Runtime's fused ones (com.microsoft): Attention,
 * QAttention, MultiHeadAttention, GroupQueryAttention,
 * DecoderMaskedMultiHeadAttention, DecoderMaskedSelfAttention,
 * SparseAttention, RotaryEmbedding.
 *
 * Shapes follow the ONNX specification (onnx.ai/onnx/operators) and the
 * ONNX Runtime contrib-operator documentation (docs/ContribOperators.md). Notation: B batch, S query length, L new
 * key/value length, P past length, T = P + L the attended length, H query
 * heads, Hkv key/value heads, dqk and dv the head sizes of Q/K and V.
 *
 * Every attention op computes, per batch and query head,
 *   scores = Q K^T * scale (+ masks)    S x T scores, dqk MACs each
 *   probs  = softmax(scores)            over T
 *   out    = probs V                    S x dv outputs, T MACs each
 * so, with the B*H*S*T scores,
 *   MACs  = B*H*S*T*dqk  (Q K^T)  +  B*H*S*T*dv  (probs V)
 *         + the input projection where the op has one (Attention only):
 *           B*S*Din*(Dq+Dk+Dv) for the packed QKV weights (Din x (Dq+Dk+Dv))
 *   FLOPs = 2*MACs
 *         + B*H*S*T * (1 scale + 5 softmax (max, sub, exp, sum, div, as
 *           Softmax) + 1 per mask applied: the mask input (mask_index /
 *           key_padding_mask), attention_bias, and the causal mask
 *           (unidirectional / GQA's causal or local window))
 *         + 1 per element of Q, K and V projected with a bias (the bias add)
 *         + GQA: 3 per element of Q and the new K with do_rotary (x*cos +
 *           rot(x)*sin), 4 per element of Q and the new K with
 *           q_norm_weight (RMS norm), 3 per score with softcap (div, tanh, mul)
 * Grouped-query attention shares each K/V head among H/Hkv query heads but
 * still computes every query head's products: MACs use H, not Hkv.
 *
 * Attention (ONNX, opset 23; nonpad_kv_seqlen from 24): Q, K, V of rank 4,
 *   (B, H, S, dqk), (B, Hkv, L, dqk), (B, Hkv, L, dv), or of rank 3 with
 *   q_num_heads H and kv_num_heads Hkv (required then): (B, S, H*dqk),
 *   (B, L, Hkv*dqk), (B, L, Hkv*dv); H a multiple of Hkv (grouped query).
 *   attn_mask (broadcast to (B, H, S, T); its last extent at most T, padded),
 *   past_key/past_value (B, Hkv, P, dqk|dv), nonpad_kv_seqlen (B). T = P + L.
 *   Y (B, H, S, dv), or (B, S, H*dv) for rank-3 inputs; present_key/value
 *   (B, Hkv, T, dqk|dv); qk_matmul_output (B, H, S, T). Masks: attn_mask,
 *   is_causal, nonpad_kv_seqlen (the padding mask); softcap as GQA's.
 *   The function body scales Q and K by sqrt(scale) each; counted as the
 *   one scale per score of every attention op here.
 * Attention (com.microsoft; packed QKV weights): input (B, S, Din), weights (Din, Dq+Dk+Dv)
 *   split by qkv_hidden_sizes (default three equal parts; Dq = Dk), bias
 *   (Dq+Dk+Dv), mask_index, past (2, B, H, P, dqk), attention_bias,
 *   past_sequence_length. num_heads must divide Dq and Dv. L = S.
 *   output (B, S, Dv); present (2, B, H, T, dqk), or past's shape when
 *   past_present_share_buffer is set (then P is the past_sequence_length
 *   input's value, a data dimension when unknown).
 * DecoderMaskedSelfAttention (the decoders of ONNX Runtime's generation
 *   graphs with a shared KV buffer): Attention's inputs and outputs (S =
 *   1 when it runs there), then beam_width and cache_indirection, which
 *   choose the rows of the buffer each beam reads: counted as Attention.
 * QAttention (quantize_dynamic of an Attention): input (B, S, Din) int8/
 *   uint8, weight (Din, 3*D) int8/uint8 in three equal parts, bias (3*D)
 *   required, input_scale (one value), weight_scale (one, or 3*D per
 *   column), mask_index, input_zero_point (one), weight_zero_point
 *   (weight_scale's shape), past (2, B, H, P, d). It is read by
 *   Attention's rules (inputs renumbered, no qkv_hidden_sizes,
 *   attention_bias nor past_sequence_length); output (B, S, D) and present
 *   (2, B, H, T, d) of input_scale's type (float or float16). Counts are
 *   Attention's, the projection done on the integers, plus, as
 *   MatMulIntegerToFloat (quant.c): numel(input) with input_zero_point,
 *   numel(weight) with weight_zero_point, and B*S*3D to scale the int32
 *   projection back (x input_scale*weight_scale).
 * MultiHeadAttention: query (B, S, D) with key (B, L, D) and value
 *   (B, L, Dv); or key/value already per head (B, H, L, dqk|dv); or packed
 *   KV key (B, L, H, 2, dqk) with no value; or packed QKV query
 *   (B, S, H, 3, d) with neither. bias (D + D + Dv), key_padding_mask,
 *   attention_bias, past_key/past_value (B, H, P, dqk|dv). output
 *   (B, S, H*dv); present_key/value (B, H, T, dqk|dv); qk (B, H, S, T).
 * GroupQueryAttention: query (B, S, H*d) with key/value (B, L, Hkv*d), or
 *   packed query (B, S, (H + 2*Hkv)*d) alone; past_key/value (B, Hkv, P, d);
 *   seqlens_k; total_sequence_length (scalar). T is that scalar's value when
 *   known, else L without a past, else the data dimension
 *   "<node>.total_sequence_length" (fallback P + L). num_heads must be a
 *   multiple of kv_num_heads. output (B, S, H*d); present_key/value
 *   (B, Hkv, max(P, T), d); output_qk (B, H, S, T).
 * DecoderMaskedMultiHeadAttention (one new token per step, S = 1 in
 *   ONNX Runtime; any S is counted): query (B, S, D), or packed QKV
 *   (B, S, 3D) with neither key nor value; self attention: key (B, L, D),
 *   value (B, L, Dv), past_key/past_value (B, H, P, d), T = P + L; cross
 *   attention: key/value already per head (B, H, L, d), no past, T = L.
 *   mask_index, attention_bias, bias (2D + Dv). With
 *   past_present_share_buffer the past holds max_sequence_length rows and P
 *   is the past_sequence_length input's value (a data dimension when
 *   unknown). output (B, S, H*dv); present_key/value (B, H, T, d), or the
 *   past's shape with a shared buffer; qk (B, H, S, T).
 * SparseAttention (Phi-3-small's block-sparse attention; onnxruntime-
 *   genai writes it): query (B, S, H*d) with key/value (B, S, Hkv*d), or
 *   packed query (B, S, (H + 2*Hkv)*d) alone; past_key/past_value
 *   (B, Hkv, M, d), one buffer with the presents (M the cache's rows);
 *   block_row_indices (L, NB + 1) and block_col_indices (L, nnz), the CSR
 *   form of L block masks of NB x NB blocks of sparse_block_size = bs
 *   tokens (head h uses layout h mod L; L divides H); total_sequence_length
 *   T (scalar), key_total_sequence_lengths (B); cos_cache/sin_cache
 *   (max_len, r/2) with do_rotary. d must be a multiple of 8, T at most
 *   NB*bs and M. output (B, S, H*d); present_key/value: the pasts' shape.
 *   Query i sits at position q = P + i, P = T - S; it attends key k when
 *   k <= q and k's block k/bs is listed in row q/bs of its head's layout
 *   (the set onnxruntime's CPU kernel masks to, checked against its
 *   outputs). Per query, with lt the listed blocks left of the diagonal
 *   and diag 1 when the diagonal block is listed:
 *     n(q) = bs*lt + diag*(q mod bs + 1)
 *   and the attended pairs of one sequence are A = sum over heads and
 *   queries of n(q), summed row by row of blocks in closed form (m queries
 *   of a row at offsets a..b: m*bs*lt + diag*((b+1)(b+2) - a(a+1))/2).
 *   Every sequence is counted at T (key_total_sequence_lengths, the
 *   lengths without padding, are data). With the layout unknown (not a
 *   constant, or more than PR_CONST_MAX values) A is the data dimension
 *   "<node>.attended", its fallback the dense causal bound
 *   H*(S*P + S(S+1)/2); T unknown is "<node>.total_sequence_length",
 *   fallback min(M, NB*bs).
 *     MACs  = B*A*2d    (Q K^T and probs V over the attended pairs)
 *     FLOPs = 2*MACs + B*A*7 (scale, softmax 5, the block mask)
 *             + 3*B*S*(H + Hkv)*r with do_rotary (Q and the new K rotated)
 *   The CPU kernel computes all S x T scores and masks them, the CUDA
 *   kernels skip the unlisted blocks; priori counts the attention the
 *   layout defines.
 * RotaryEmbedding (com.microsoft): input (B, S, D) or (B, H, S, d),
 *   position_ids, cos_cache and sin_cache (max_len, rotary_dim/2).
 * MRotaryEmbedding (com.microsoft; Qwen-VL's multimodal RoPE): as
 *   RotaryEmbedding, position_ids (3, B, S) (temporal, height, width);
 *   mrope_section, three extents adding up to rotary_dim / 2, says which
 *   stream rotates which pairs: the same 3 FLOPs per rotated element.
 * GemmaRotaryEmbedding (com.microsoft): emb (B, S, d), q, q_rot, k, k_rot
 *   (B, H, S, d); q*cos + q_rot*sin and k's the same, cos and sin of emb:
 *   FLOPs = 2*numel(emb) + 3*numel(q) + 3*numel(k); outputs q's and k's
 *   shapes.
 * RotaryEmbedding (ONNX, opset 23): X (B, S, D) with num_heads, or
 *   (B, H, S, d); cos_cache, sin_cache: (max_len, rotary_dim/2) with the
 *   optional position_ids (B, S), (B, S, rotary_dim/2) without. Each rotated element
 *   is x*cos -/+ x_pair*sin (2 muls, 1 add): FLOPs = 3 * numel(Y) *
 *   rotary_dim / head_size; no MACs. Y has the input's shape.
 *
 * Params: projection weights, biases and norm weights keep their default
 * mask bits; ONNX Attention's attn_mask and nonpad_kv_seqlen (a constant
 * causal mask is no weight) are cleared; QAttention's scales and zero points, the cos/sin caches
 * (precomputed tables, not learned) and the KV-cache quantisation scales
 * are cleared; SparseAttention's block indices are int32 (never params).
 *
 * Traffic of a KV buffer updated in place (op.h struct pr_kv_inplace; the
 * walk scales the tensors' bytes): where past and present are one buffer
 * of M rows (past_present_share_buffer; SparseAttention always; GQA when
 * its past holds more than the valid T - L rows, or under --kv-buffer) the
 * kernel reads the P valid past rows and writes the L new ones:
 *   bytes read of each past  = its bytes * P / M
 *   bytes written of each present (and its new activation) = its bytes * L / M
 */
#include "families.h"
#include "values.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct attn {
    int64_t b, s, h, hkv, dqk, dv;
    int64_t l, p, t;              /* new kv length, past length, attended length */
    int64_t din, cols;            /* Attention: input hidden size, Dq+Dk+Dv */
    int masks;                    /* masks applied to each score */
    bool bias;                    /* a bias is added to Q, K, V */
    bool rotary, qk_norm;         /* GQA extras */
    bool softcap;
};

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* a * b for extents (-1 unknown); -1 with an error recorded on overflow. */
static int64_t dim_mul(struct pr_op_ctx *c, int64_t a, int64_t b)
{
    if (a < 0 || b < 0)
        return -1;
    if (b && a > INT64_MAX / b) {
        pr_op_error(c, "an extent overflows int64 (%lld x %lld); check the shapes",
                    (long long)a, (long long)b);
        return -1;
    }
    return a * b;
}

/* a + b for extents (-1 unknown); -1 with an error recorded on overflow. */
static int64_t dim_add(struct pr_op_ctx *c, int64_t a, int64_t b)
{
    if (a < 0 || b < 0)
        return -1;
    if (a > INT64_MAX - b) {
        pr_op_error(c, "an extent overflows int64 (%lld + %lld); check the shapes",
                    (long long)a, (long long)b);
        return -1;
    }
    return a + b;
}

/* Input i must have rank r; returns its shape or NULL (error recorded). */
static const struct pr_shape *ranked(struct pr_op_ctx *c, int i, const char *what, int r,
                                     const char *layout)
{
    const struct pr_shape *s = &pr_input(c, i)->shape;
    char sb[160];
    if (s->rank == r)
        return s;
    pr_op_error(c, "%s (input %d) has shape %s but must be %s", what, i,
                pr_shape_str(s, sb, sizeof sb), layout);
    return NULL;
}

static int heads_attr(struct pr_op_ctx *c, const char *name, int64_t *h)
{
    if (!pr_attr_has(c, name))
        return pr_op_error(c, "%s needs the attribute '%s'", op_name(c), name);
    *h = pr_attr_int(c, name, 0);
    if (c->failed)
        return -1;
    if (*h < 1 || *h > (1 << 20))
        return pr_op_error(c, "%s is %lld; it must be between 1 and %d", name, (long long)*h,
                           1 << 20);
    return 0;
}

static int mismatch(struct pr_op_ctx *c, const char *what, int64_t a, int64_t b)
{
    return pr_op_error(c, "%s: %lld and %lld disagree", what, (long long)a, (long long)b);
}

/* The value of a scalar int input, or -1 when absent or unknown. */
static int64_t scalar_value(struct pr_op_ctx *c, int i)
{
    const struct pr_tensor *t = pr_input(c, i);
    return t && t->cval && t->cval->n == 1 ? pr_const_values(t->cval)->i[0] : -1;
}

static void set_out(struct pr_op_ctx *c, int o, int dtype, int rank, const int64_t *dims)
{
    if (o >= c->nout)
        return;
    c->out[o]->dtype = dtype;
    pr_shape_set(&c->out[o]->shape, rank, dims);
}

/* ---- Attention (ONNX) ---- */

/* Heads of an ONNX Attention input of rank 4 (its extent) or 3 (the
 * attribute, required): *h, or -1 with an error recorded. */
static int onnx_heads(struct pr_op_ctx *c, const struct pr_shape *x, const char *attr, int64_t *h)
{
    if (x->rank == 3)
        return heads_attr(c, attr, h);
    *h = x->dim[1];
    if (pr_attr_has(c, attr)) {
        int64_t given = pr_attr_int(c, attr, 0);
        if (c->failed)
            return -1;
        if (pr_dim_agree(*h, given) == -2)
            return mismatch(c, attr, given, *h);
        *h = given;
    }
    return 0;
}

/* Head size of an ONNX Attention input: its last extent (rank 4), or
 * that / h (rank 3). */
static int64_t onnx_head_size(struct pr_op_ctx *c, const struct pr_shape *x, int64_t h, const char *what)
{
    int64_t d = x->rank == 4 ? x->dim[3] : h < 0 ? -1 : pr_dim_divide(x->dim[2], h);
    if (d == -2)
        pr_op_error(c, "the %s hidden size %lld is not %lld heads of equal size", what,
                    (long long)x->dim[2], (long long)h);
    return d;
}

static int onnx_attention_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (pr_op_require(c, 3) < 0)
        return -1;
    int max_in = c->opset >= 24 ? 7 : 6;
    if (c->nin > max_in || c->nout > 4)
        return pr_op_error(c, "Attention takes at most %d inputs (opset %d) and 4 outputs but the node "
                           "has %d and %d", max_in, c->opset, c->nin, c->nout);
    const struct pr_shape *q = &pr_input(c, 0)->shape, *k = &pr_input(c, 1)->shape,
                         *v = &pr_input(c, 2)->shape;
    char sq[160], sk[160], sv[160];
    if ((q->rank != 3 && q->rank != 4) || k->rank != q->rank || v->rank != q->rank)
        return pr_op_error(c, "Q %s, K %s and V %s must all be (batch, heads, sequence, head size) "
                           "or all (batch, sequence, heads * head size)", pr_shape_str(q, sq, sizeof sq),
                           pr_shape_str(k, sk, sizeof sk), pr_shape_str(v, sv, sizeof sv));
    if (onnx_heads(c, q, "q_num_heads", &a->h) < 0 || onnx_heads(c, k, "kv_num_heads", &a->hkv) < 0)
        return -1;
    int seq = q->rank == 4 ? 2 : 1;
    if (q->rank == 4 && pr_dim_agree(v->dim[1], a->hkv) == -2)
        return mismatch(c, "key and value heads", a->hkv, v->dim[1]);
    if (a->h >= 0 && a->hkv >= 0 && (a->hkv == 0 || a->h % a->hkv))
        return pr_op_error(c, "%lld query heads are not a multiple of %lld key/value heads",
                           (long long)a->h, (long long)a->hkv);
    a->b = pr_dim_agree(pr_dim_agree(q->dim[0], k->dim[0]), v->dim[0]);
    a->s = q->dim[seq];
    a->l = pr_dim_agree(k->dim[seq], v->dim[seq]);
    a->dqk = pr_dim_agree(onnx_head_size(c, q, a->h, "query"), onnx_head_size(c, k, a->hkv, "key"));
    a->dv = onnx_head_size(c, v, a->hkv, "value");
    if (c->failed)
        return -1;
    if (a->b == -2 || a->l == -2 || a->dqk == -2)
        return pr_op_error(c, "Q %s, K %s and V %s disagree on the batch, the key/value length or "
                           "the Q/K head size", pr_shape_str(q, sq, sizeof sq),
                           pr_shape_str(k, sk, sizeof sk), pr_shape_str(v, sv, sizeof sv));
    const struct pr_tensor *pk = pr_input(c, 4), *pv = pr_input(c, 5);
    a->p = 0;
    if (!pk != !pv)
        return pr_op_error(c, "past_key and past_value must be given together");
    if (pk) {
        const struct pr_shape *ks = &pk->shape, *vs = &pv->shape;
        if (ks->rank != 4 || vs->rank != 4 || pr_dim_agree(ks->dim[0], a->b) == -2 ||
            pr_dim_agree(vs->dim[0], a->b) == -2 || pr_dim_agree(ks->dim[1], a->hkv) == -2 ||
            pr_dim_agree(vs->dim[1], a->hkv) == -2 || pr_dim_agree(ks->dim[3], a->dqk) == -2 ||
            pr_dim_agree(vs->dim[3], a->dv) == -2 || pr_dim_agree(ks->dim[2], vs->dim[2]) == -2)
            return pr_op_error(c, "past_key %s and past_value %s must be (batch, %lld kv heads, past "
                               "length, head size) with equal lengths", pr_shape_str(ks, sk, sizeof sk),
                               pr_shape_str(vs, sv, sizeof sv), (long long)a->hkv);
        a->p = pr_dim_agree(ks->dim[2], vs->dim[2]);
    }
    a->t = dim_add(c, a->p, a->l);
    const struct pr_tensor *mask = pr_input(c, 3), *nonpad = pr_input(c, 6);
    if (mask) {
        const struct pr_shape *ms = &mask->shape;
        int64_t last = ms->rank >= 2 ? ms->dim[ms->rank - 1] : -1;
        if (ms->rank < 2 || ms->rank > 4 || pr_dim_agree(ms->dim[ms->rank - 2], a->s) == -2 ||
            (last >= 0 && a->t >= 0 && last > a->t))
            return pr_op_error(c, "attn_mask has shape %s but must broadcast to (batch, heads, %lld "
                               "queries, at most %lld keys)", pr_shape_str(ms, sq, sizeof sq),
                               (long long)a->s, (long long)a->t);
    }
    if (nonpad && (nonpad->shape.rank != 1 || pr_dim_agree(nonpad->shape.dim[0], a->b) == -2))
        return pr_op_error(c, "nonpad_kv_seqlen has shape %s but must be 1-D with one length per batch",
                           pr_shape_str(&nonpad->shape, sq, sizeof sq));
    int64_t mode = pr_attr_int(c, "qk_matmul_output_mode", 0);
    if (!c->failed && (mode < 0 || mode > 3))
        return pr_op_error(c, "qk_matmul_output_mode is %lld; it must be 0 to 3", (long long)mode);
    pr_attr_float(c, "scale", 0.0);
    pr_attr_int(c, "softmax_precision", 0);
    a->masks = (mask ? 1 : 0) + (nonpad ? 1 : 0) + (pr_attr_int(c, "is_causal", 0) ? 1 : 0);
    a->softcap = pr_attr_float(c, "softcap", 0.0) != 0.0;
    return c->failed ? -1 : 0;
}

int onnx_attn_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (onnx_attention_parse(c, &a) < 0)
        return -1;
    int dt = pr_input(c, 0)->dtype;
    if (pr_input(c, 0)->shape.rank == 4)
        set_out(c, 0, dt, 4, (int64_t[]){a.b, a.h, a.s, a.dv});
    else
        set_out(c, 0, dt, 3, (int64_t[]){a.b, a.s, dim_mul(c, a.h, a.dv)});
    set_out(c, 1, pr_input(c, 1)->dtype, 4, (int64_t[]){a.b, a.hkv, a.t, a.dqk});
    set_out(c, 2, pr_input(c, 2)->dtype, 4, (int64_t[]){a.b, a.hkv, a.t, a.dv});
    set_out(c, 3, dt, 4, (int64_t[]){a.b, a.h, a.s, a.t});
    return 0;
}

/* ---- Attention (com.microsoft) ---- */

static int attention_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    int max_in = c->op_id == PR_OP_DECODER_MASKED_SA ? 9 : 7;   /* + beam_width, cache_indirection */
    if (c->nin > max_in || c->nout > 2)
        return pr_op_error(c, "%s takes at most %d inputs and 2 outputs but the node has %d and %d", op_name(c),
                           max_in, c->nin, c->nout);
    const struct pr_shape *x = ranked(c, 0, "input", 3, "3-D (batch, sequence, hidden)");
    const struct pr_shape *w = x ? ranked(c, 1, "weights", 2, "2-D (input hidden, Dq+Dk+Dv)") : NULL;
    if (!w || heads_attr(c, "num_heads", &a->h) < 0)
        return -1;
    a->b = x->dim[0];
    a->s = a->l = x->dim[1];
    a->din = pr_dim_agree(x->dim[2], w->dim[0]);
    if (a->din == -2)
        return mismatch(c, "input hidden size (input dim 2, weights dim 0)", x->dim[2], w->dim[0]);
    a->cols = w->dim[1];
    int64_t qkv[3];
    int n = pr_attr_ints(c, "qkv_hidden_sizes", qkv, 3);
    if (c->failed)
        return -1;
    if (n >= 0) {
        if (n != 3 || qkv[0] < 1 || qkv[1] < 1 || qkv[2] < 1 ||
            qkv[0] > INT64_MAX / 4 || qkv[2] > INT64_MAX / 4)
            return pr_op_error(c, "qkv_hidden_sizes must be three positive sizes (Q, K, V)");
        if (qkv[0] != qkv[1])
            return pr_op_error(c, "qkv_hidden_sizes: Q (%lld) and K (%lld) must have the same "
                               "hidden size", (long long)qkv[0], (long long)qkv[1]);
        if (a->cols >= 0 && qkv[0] + qkv[1] + qkv[2] != a->cols)
            return pr_op_error(c, "qkv_hidden_sizes add up to %lld but the weights have %lld "
                               "columns", (long long)(qkv[0] + qkv[1] + qkv[2]), (long long)a->cols);
        a->cols = qkv[0] + qkv[1] + qkv[2];
    } else {
        int64_t third = pr_dim_divide(a->cols, 3);
        if (third == -2)
            return pr_op_error(c, "the weights have %lld columns, not three equal Q, K, V parts; "
                               "give qkv_hidden_sizes", (long long)a->cols);
        qkv[0] = qkv[1] = qkv[2] = third;
    }
    a->hkv = a->h;
    a->dqk = pr_dim_divide(qkv[0], a->h);
    a->dv = pr_dim_divide(qkv[2], a->h);
    if (a->dqk == -2 || a->dv == -2)
        return pr_op_error(c, "num_heads %lld does not divide the hidden sizes of Q/K (%lld) "
                           "and V (%lld)", (long long)a->h, (long long)qkv[0], (long long)qkv[2]);
    const struct pr_tensor *bias = pr_input(c, 2);
    char sb[160];
    if (bias && (bias->shape.rank != 1 || pr_dim_agree(bias->shape.dim[0], a->cols) == -2))
        return pr_op_error(c, "bias has shape %s but must be 1-D with the weights' %lld columns",
                           pr_shape_str(&bias->shape, sb, sizeof sb), (long long)a->cols);
    a->bias = bias != 0;
    a->p = 0;
    const struct pr_tensor *past = pr_input(c, 4);
    bool share = pr_attr_int(c, "past_present_share_buffer", 0) != 0;
    if (past) {
        const struct pr_shape *ps = &past->shape;
        if (ps->rank != 5 || pr_dim_agree(ps->dim[0], 2) == -2 || pr_dim_agree(ps->dim[2], a->h) == -2 ||
            pr_dim_agree(ps->dim[4], a->dqk) == -2)
            return pr_op_error(c, "past has shape %s but must be (2, batch, %lld heads, past "
                               "length, head size %lld)", pr_shape_str(ps, sb, sizeof sb),
                               (long long)a->h, (long long)a->dqk);
        a->p = share ? scalar_value(c, 6) : ps->dim[3];
        if (share && a->p < 0)
            a->p = pr_data_dim(c, "past_sequence_length", -1, "the past length in a shared KV buffer");
    }
    a->t = dim_add(c, a->p, a->l);
    a->masks = (pr_input(c, 3) ? 1 : 0) + (pr_input(c, 5) ? 1 : 0) +
               (pr_attr_int(c, "unidirectional", 0) ? 1 : 0);
    return c->failed ? -1 : 0;
}

int attn_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (attention_parse(c, &a) < 0)
        return -1;
    int dt = pr_input(c, 0)->dtype;
    set_out(c, 0, dt, 3, (int64_t[]){a.b, a.s, dim_mul(c, a.h, a.dv)});
    const struct pr_tensor *past = pr_input(c, 4);
    if (past && pr_attr_int(c, "past_present_share_buffer", 0))
        set_out(c, 1, dt, 5, past->shape.dim);
    else
        set_out(c, 1, dt, 5, (int64_t[]){2, a.b, a.h, a.t, a.dqk});
    return 0;
}

/* ---- QAttention ---- */

enum { QA_X, QA_W, QA_BIAS, QA_XS, QA_WS, QA_MASK, QA_XZ, QA_WZ, QA_PAST };

/* QAttention read as Attention: c's inputs renumbered to Attention's
 * (input, weights, bias, mask_index, past); flags carried back to c. */
static int qattention_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (c->nin > 9 || c->nout > 2)
        return pr_op_error(c, "QAttention takes at most 9 inputs and 2 outputs but the node has "
                           "%d and %d", c->nin, c->nout);
    if (pr_op_require(c, 5) < 0)
        return -1;
    if (pr_attr_has(c, "qkv_hidden_sizes"))
        return pr_op_error(c, "QAttention has no qkv_hidden_sizes: its weight holds three "
                           "equal Q, K, V parts");
    const struct pr_shape *w = &pr_input(c, QA_W)->shape;
    if (w->rank == 2 && w->dim[1] >= 0 && w->dim[1] % 3)
        return pr_op_error(c, "weight has %lld columns; QAttention needs three equal Q, K, V "
                           "parts (3 x hidden size)", (long long)w->dim[1]);
    static const int map[] = {QA_X, QA_W, QA_BIAS, QA_MASK, QA_PAST};
    struct pr_op_ctx v = *c;
    v.nin = 5;
    for (int j = 0; j < PR_MAX_IO; j++)
        v.in[j] = j < 5 ? pr_input(c, map[j]) : NULL;
    int rc = attention_parse(&v, a);
    c->failed |= v.failed;
    c->structural |= v.structural;
    c->overflow |= v.overflow;
    c->incomplete |= v.incomplete;
    if (rc < 0 || c->failed)
        return -1;
    static const struct { int i; const char *name; bool per_col; } q[] = {
        {QA_XS, "input_scale", false}, {QA_XZ, "input_zero_point", false},
        {QA_WS, "weight_scale", true}, {QA_WZ, "weight_zero_point", true}};
    for (size_t j = 0; j < sizeof q / sizeof q[0]; j++) {
        const struct pr_tensor *t = pr_input(c, q[j].i);
        if (!t || t->shape.rank == 0)
            continue;
        int64_t e = t->shape.rank == 1 ? t->shape.dim[0] : -2;
        if (e == -1 || e == 1 || (q[j].per_col && (a->cols < 0 || e == a->cols)))
            continue;
        char sb[160];
        if (q[j].per_col)
            return pr_op_error(c, "%s has shape %s but must hold one value or one per weight "
                               "column (%lld)", q[j].name,
                               pr_shape_str(&t->shape, sb, sizeof sb), (long long)a->cols);
        return pr_op_error(c, "%s has shape %s but must hold one value (per tensor)", q[j].name,
                           pr_shape_str(&t->shape, sb, sizeof sb));
    }
    return 0;
}

int qattn_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (qattention_parse(c, &a) < 0)
        return -1;
    const struct pr_tensor *xs = pr_input(c, QA_XS);
    int dt = xs->dtype ? xs->dtype : PR_DT_FLOAT;
    set_out(c, 0, dt, 3, (int64_t[]){a.b, a.s, dim_mul(c, a.h, a.dv)});
    const struct pr_tensor *past = pr_input(c, QA_PAST);
    if (past && pr_attr_int(c, "past_present_share_buffer", 0))
        set_out(c, 1, dt, 5, past->shape.dim);
    else
        set_out(c, 1, dt, 5, (int64_t[]){2, a.b, a.h, a.t, a.dqk});
    return c->failed ? -1 : 0;
}

/* ---- MultiHeadAttention ---- */

static int mha_kv(struct pr_op_ctx *c, struct attn *a, int64_t d)
{
    const struct pr_tensor *k = pr_input(c, 1), *v = pr_input(c, 2);
    const struct pr_shape *ks = &k->shape;
    char sb[160];
    if (ks->rank == 5) {   /* packed KV (B, L, H, 2, d) */
        if (v)
            return pr_op_error(c, "key is packed KV (rank 5); value must be absent");
        if (pr_dim_agree(ks->dim[2], a->h) == -2 || pr_dim_agree(ks->dim[3], 2) == -2 || pr_dim_agree(ks->dim[4], d) == -2)
            return pr_op_error(c, "packed KV key has shape %s but must be (batch, kv length, "
                               "%lld heads, 2, head size %lld)", pr_shape_str(ks, sb, sizeof sb),
                               (long long)a->h, (long long)d);
        a->l = ks->dim[1];
        a->dv = d;
    } else if (ks->rank == 3 || ks->rank == 4) {
        if (!v || v->shape.rank != ks->rank)
            return pr_op_error(c, "key has rank %d; value must be given with the same rank",
                               ks->rank);
        const struct pr_shape *vs = &v->shape;
        if (ks->rank == 3) {   /* (B, L, D), (B, L, Dv) */
            if (pr_dim_agree(ks->dim[2], dim_mul(c, d, a->h)) == -2)
                return mismatch(c, "hidden size of query and key", d * a->h, ks->dim[2]);
            a->l = pr_dim_agree(ks->dim[1], vs->dim[1]);
            a->dv = pr_dim_divide(vs->dim[2], a->h);
            if (a->dv == -2)
                return pr_op_error(c, "num_heads %lld does not divide the value hidden size %lld",
                                   (long long)a->h, (long long)vs->dim[2]);
        } else {               /* per head (B, H, L, d) */
            if (pr_dim_agree(ks->dim[1], a->h) == -2 || pr_dim_agree(vs->dim[1], a->h) == -2 ||
                pr_dim_agree(ks->dim[3], d) == -2)
                return pr_op_error(c, "key/value of rank 4 must be (batch, %lld heads, kv "
                                   "length, head size %lld)", (long long)a->h, (long long)d);
            a->l = pr_dim_agree(ks->dim[2], vs->dim[2]);
            a->dv = vs->dim[3];
        }
        if (a->l == -2)
            return pr_op_error(c, "key and value have different sequence lengths");
    } else {
        return pr_op_error(c, "key has shape %s; it must be (batch, kv length, hidden), "
                           "(batch, heads, kv length, head size) or packed KV of rank 5",
                           pr_shape_str(ks, sb, sizeof sb));
    }
    return 0;
}

/* past_key/past_value at inputs first, first + 1 (B, H, P, d); with a
 * shared buffer P is the value of input len (a data dimension when unknown). */
static int past_kv(struct pr_op_ctx *c, struct attn *a, int first, bool share, int len)
{
    const struct pr_tensor *pk = pr_input(c, first), *pv = pr_input(c, first + 1);
    a->p = 0;
    if (!pk && !pv)
        return 0;
    if (!pk || !pv)
        return pr_op_error(c, "past_key and past_value must be given together");
    const struct pr_shape *ks = &pk->shape, *vs = &pv->shape;
    if (ks->rank != 4 || vs->rank != 4 || pr_dim_agree(ks->dim[1], a->h) == -2 ||
        pr_dim_agree(ks->dim[3], a->dqk) == -2 || pr_dim_agree(vs->dim[3], a->dv) == -2 ||
        pr_dim_agree(ks->dim[2], vs->dim[2]) == -2)
        return pr_op_error(c, "past_key/past_value must be (batch, %lld heads, past length, "
                           "head size) with equal lengths", (long long)a->h);
    a->p = ks->dim[2];
    if (share) {   /* the buffer's rows are the maximum; the past length is data */
        a->p = scalar_value(c, len);
        if (a->p < 0)
            a->p = pr_data_dim(c, "past_sequence_length", -1, "the past length in a shared KV buffer");
    }
    return 0;
}

/* The bias of the Q, K and V projections at input i: 1-D, H * (2 dqk + dv). */
static int qkv_bias(struct pr_op_ctx *c, struct attn *a, int i)
{
    const struct pr_tensor *bias = pr_input(c, i);
    if (!bias)
        return 0;
    char sb[160];
    int64_t want = dim_mul(c, a->h, dim_add(c, dim_mul(c, 2, a->dqk), a->dv));
    if (bias->shape.rank != 1 || pr_dim_agree(bias->shape.dim[0], want) == -2)
        return pr_op_error(c, "bias has shape %s but must be 1-D with %lld values (Q, K and "
                           "V hidden sizes)", pr_shape_str(&bias->shape, sb, sizeof sb), (long long)want);
    a->bias = true;
    return 0;
}

/* MultiHeadAttention's outputs (and DecoderMaskedMultiHeadAttention's):
 * output, present_key/value (the past's shape with a shared buffer), qk. */
static void mha_outputs(struct pr_op_ctx *c, const struct attn *a, int past_first, bool share)
{
    int dt = pr_input(c, 0)->dtype;
    set_out(c, 0, dt, 3, (int64_t[]){a->b, a->s, dim_mul(c, a->h, a->dv)});
    for (int o = 1; o <= 2; o++) {
        const struct pr_tensor *past = pr_input(c, past_first + o - 1);
        if (share && past)
            set_out(c, o, dt, 4, past->shape.dim);
        else
            set_out(c, o, dt, 4, (int64_t[]){a->b, a->h, a->t, o == 1 ? a->dqk : a->dv});
    }
    set_out(c, 3, dt, 4, (int64_t[]){a->b, a->h, a->s, a->t});
}

static int mha_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 10 || c->nout > 4)
        return pr_op_error(c, "MultiHeadAttention takes at most 10 inputs and 4 outputs but the "
                           "node has %d and %d", c->nin, c->nout);
    if (heads_attr(c, "num_heads", &a->h) < 0)
        return -1;
    a->hkv = a->h;
    const struct pr_shape *q = &pr_input(c, 0)->shape;
    char sb[160];
    int64_t hidden = -1;
    if (q->rank == 5) {   /* packed QKV (B, S, H, 3, d) */
        if (pr_input(c, 1) || pr_input(c, 2))
            return pr_op_error(c, "query is packed QKV (rank 5); key and value must be absent");
        if (pr_dim_agree(q->dim[2], a->h) == -2 || pr_dim_agree(q->dim[3], 3) == -2)
            return pr_op_error(c, "packed QKV query has shape %s but must be (batch, sequence, "
                               "%lld heads, 3, head size)", pr_shape_str(q, sb, sizeof sb),
                               (long long)a->h);
        a->dqk = a->dv = q->dim[4];
        a->l = q->dim[1];
    } else if (q->rank == 3) {
        hidden = q->dim[2];
        a->dqk = pr_dim_divide(hidden, a->h);
        if (a->dqk == -2)
            return pr_op_error(c, "num_heads %lld does not divide the hidden size %lld",
                               (long long)a->h, (long long)hidden);
        if (!pr_input(c, 1))
            return pr_op_error(c, "key is required unless the query is packed QKV (rank 5)");
        if (mha_kv(c, a, a->dqk) < 0)
            return -1;
    } else {
        return pr_op_error(c, "query has shape %s; it must be (batch, sequence, hidden) or "
                           "packed QKV (batch, sequence, heads, 3, head size)",
                           pr_shape_str(q, sb, sizeof sb));
    }
    a->b = q->dim[0];
    a->s = q->dim[1];
    if (qkv_bias(c, a, 3) < 0 || past_kv(c, a, 6, pr_input(c, 8) != 0, 8) < 0)
        return -1;
    a->t = dim_add(c, a->p, a->l);
    a->masks = (pr_input(c, 4) ? 1 : 0) + (pr_input(c, 5) ? 1 : 0) +
               (pr_attr_int(c, "unidirectional", 0) ? 1 : 0);
    pr_attr_float(c, "scale", 0.0);
    return c->failed ? -1 : 0;
}

int mha_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (mha_parse(c, &a) < 0)
        return -1;
    mha_outputs(c, &a, 6, pr_input(c, 8) != 0);
    return 0;
}

/* ---- GroupQueryAttention ---- */

/* The query of GroupQueryAttention and SparseAttention (input qi; key and
 * value at qi + 1 and qi + 2): num_heads h a multiple of kv_num_heads hkv;
 * query (B, S, h*d) with key and value, or packed QKV (B, S, (h + 2*hkv)*d)
 * with neither. Sets *b, *s and *d (the head size). */
static int grouped_query(struct pr_op_ctx *c, int qi, int64_t h, int64_t hkv, int64_t *b, int64_t *s, int64_t *d)
{
    if (h % hkv)
        return pr_op_error(c, "num_heads %lld is not a multiple of kv_num_heads %lld", (long long)h, (long long)hkv);
    const struct pr_shape *q = ranked(c, qi, "query", 3, "3-D (batch, sequence, hidden)");
    if (!q)
        return -1;
    *b = q->dim[0];
    *s = q->dim[1];
    bool packed = !pr_input(c, qi + 1);
    if (packed != !pr_input(c, qi + 2))
        return pr_op_error(c, "key and value must be given together (or both absent for a "
                           "packed QKV query)");
    *d = pr_dim_divide(q->dim[2], packed ? h + 2 * hkv : h);
    if (*d == -2 && packed)
        return pr_op_error(c, "the packed QKV query's %lld columns are not (num_heads + 2 * "
                           "kv_num_heads) = %lld heads of equal size", (long long)q->dim[2],
                           (long long)(h + 2 * hkv));
    if (*d == -2)
        return pr_op_error(c, "num_heads %lld does not divide the hidden size %lld", (long long)h,
                           (long long)q->dim[2]);
    return 0;
}

static int gqa_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (!pr_input(c, 5) || !pr_input(c, 6))
        return pr_op_error(c, "GroupQueryAttention needs seqlens_k and total_sequence_length "
                           "(inputs 5 and 6)");
    if (c->nin > 16 || c->nout > 4)
        return pr_op_error(c, "GroupQueryAttention takes at most 16 inputs and 4 outputs but "
                           "the node has %d and %d", c->nin, c->nout);
    if (heads_attr(c, "num_heads", &a->h) < 0 || heads_attr(c, "kv_num_heads", &a->hkv) < 0)
        return -1;
    if (grouped_query(c, 0, a->h, a->hkv, &a->b, &a->s, &a->dqk) < 0)
        return -1;
    const struct pr_tensor *k = pr_input(c, 1), *v = pr_input(c, 2);
    char sb[160], sv[160];
    if (!k) {
        a->l = a->s;
    } else {
        const struct pr_shape *ks = &k->shape, *vs = &v->shape;
        int64_t kvh = dim_mul(c, a->hkv, a->dqk);
        if (ks->rank != 3 || vs->rank != 3 || pr_dim_agree(ks->dim[2], kvh) == -2 ||
            pr_dim_agree(vs->dim[2], kvh) == -2 || pr_dim_agree(ks->dim[1], vs->dim[1]) == -2)
            return pr_op_error(c, "key %s and value %s must be (batch, kv length, kv_num_heads * "
                               "head size = %lld)", pr_shape_str(ks, sb, sizeof sb),
                               pr_shape_str(vs, sv, sizeof sv), (long long)kvh);
        a->l = pr_dim_agree(ks->dim[1], vs->dim[1]);
    }
    a->dv = a->dqk;
    a->p = 0;
    const struct pr_tensor *pk = pr_input(c, 3), *pv = pr_input(c, 4);
    if (!pk != !pv)
        return pr_op_error(c, "past_key and past_value must be given together");
    if (pk) {
        const struct pr_shape *ps = &pk->shape;
        if (ps->rank != 4 || pr_dim_agree(ps->dim[1], a->hkv) == -2 || pr_dim_agree(ps->dim[3], a->dqk) == -2)
            return pr_op_error(c, "past_key has shape %s but must be (batch, %lld kv heads, past "
                               "length, head size %lld)", pr_shape_str(ps, sb, sizeof sb),
                               (long long)a->hkv, (long long)a->dqk);
        a->p = ps->dim[2];
    }
    a->t = scalar_value(c, 6);
    if (a->t < 0 && !pk)
        a->t = a->l;
    else if (a->t < 0)
        a->t = pr_data_dim(c, "total_sequence_length", dim_add(c, a->p, a->l),
                           "the attended length (past + new tokens)");
    int64_t window = pr_attr_int(c, "local_window_size", -1);
    a->masks = (pr_attr_int(c, "causal", 1) || window > 0 ? 1 : 0) + (pr_input(c, 10) ? 1 : 0);
    a->rotary = pr_attr_int(c, "do_rotary", 0) != 0;
    a->qk_norm = pr_input(c, 14) != 0;
    a->softcap = pr_attr_float(c, "softcap", 0.0) != 0.0;
    return c->failed ? -1 : 0;
}

int gqa_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (gqa_parse(c, &a) < 0)
        return -1;
    int dt = pr_input(c, 0)->dtype;
    set_out(c, 0, dt, 3, (int64_t[]){a.b, a.s, dim_mul(c, a.h, a.dqk)});
    int64_t present = a.t;
    if (pr_input(c, 3) && (a.p < 0 || a.t < 0))
        present = -1;
    else if (pr_input(c, 3) && a.p > a.t)
        present = a.p;
    for (int o = 1; o <= 2; o++) {
        const struct pr_tensor *past = pr_input(c, 2 + o);
        set_out(c, o, past ? past->dtype : dt, 4, (int64_t[]){a.b, a.hkv, present, a.dqk});
    }
    set_out(c, 3, dt, 4, (int64_t[]){a.b, a.h, a.s, a.t});
    return 0;
}

/* ---- DecoderMaskedMultiHeadAttention ---- */

static int dmmha_parse(struct pr_op_ctx *c, struct attn *a)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 11 || c->nout > 4)
        return pr_op_error(c, "DecoderMaskedMultiHeadAttention takes at most 11 inputs and 4 outputs "
                           "but the node has %d and %d", c->nin, c->nout);
    if (heads_attr(c, "num_heads", &a->h) < 0)
        return -1;
    a->hkv = a->h;
    const struct pr_shape *q = ranked(c, 0, "query", 3, "3-D (batch, sequence, hidden)");
    if (!q)
        return -1;
    a->b = q->dim[0];
    a->s = q->dim[1];
    const struct pr_tensor *k = pr_input(c, 1), *v = pr_input(c, 2);
    char sb[160];
    bool cross = false;
    if (!k && !v) {   /* packed QKV (B, S, D + D + Dv), Dv = D */
        a->dqk = pr_dim_divide(q->dim[2], dim_mul(c, 3, a->h));
        if (a->dqk == -2)
            return pr_op_error(c, "the packed QKV query's %lld columns are not 3 x num_heads (%lld) "
                               "heads of equal size", (long long)q->dim[2], (long long)a->h);
        a->dv = a->dqk;
        a->l = a->s;
    } else if (!k || !v) {
        return pr_op_error(c, "key and value must be given together (or both absent for a packed "
                           "QKV query)");
    } else {
        a->dqk = pr_dim_divide(q->dim[2], a->h);
        if (a->dqk == -2)
            return pr_op_error(c, "num_heads %lld does not divide the hidden size %lld",
                               (long long)a->h, (long long)q->dim[2]);
        if (mha_kv(c, a, a->dqk) < 0)
            return -1;
        cross = k->shape.rank == 4;
        if (k->shape.rank == 5)
            return pr_op_error(c, "key has shape %s; it must be (batch, 1, hidden) or, for cross "
                               "attention, (batch, heads, kv length, head size)",
                               pr_shape_str(&k->shape, sb, sizeof sb));
    }
    if (qkv_bias(c, a, 10) < 0 ||
        (!cross && past_kv(c, a, 5, pr_attr_int(c, "past_present_share_buffer", 0) != 0, 7) < 0))
        return -1;
    a->t = dim_add(c, a->p, a->l);
    a->masks = (pr_input(c, 3) ? 1 : 0) + (pr_input(c, 4) ? 1 : 0);
    pr_attr_float(c, "scale", 0.0);
    pr_attr_int(c, "output_qk", 0);
    return c->failed ? -1 : 0;
}

int dmmha_shape(struct pr_op_ctx *c)
{
    struct attn a = {0};
    if (dmmha_parse(c, &a) < 0)
        return -1;
    mha_outputs(c, &a, 5, pr_attr_int(c, "past_present_share_buffer", 0) != 0);
    return 0;
}

/* ---- the shared cost ---- */

/* Product of n extents; 0 and incomplete when one is unknown. */
static uint64_t prod(struct pr_op_ctx *c, const int64_t *d, int n)
{
    uint64_t v = 1;
    for (int i = 0; i < n; i++) {
        if (d[i] < 0) {
            c->incomplete = true;
            return 0;
        }
        v = pr_mul(c, v, (uint64_t)d[i]);
    }
    return v;
}

/* The KV buffer updated in place (op.h struct pr_kv_inplace): past inputs
 * pin, pin + 1 (one packed past when packed) of in_rows rows, of which read
 * are valid; present outputs 1 and 2 (1 alone when packed) of out_rows
 * rows, of which written are new. */
static void kv_inplace(struct pr_cost *k, int pin, bool packed, int64_t in_rows, int64_t read, int64_t out_rows,
                       int64_t written)
{
    k->inplace = (struct pr_kv_inplace){.in = {(unsigned char)(pin + 1), packed ? 0 : (unsigned char)(pin + 2)},
                                        .out = {2, packed ? 0 : 3}, .in_rows = in_rows, .read = read,
                                        .out_rows = out_rows, .written = written};
}

/* Where the node updates its KV cache in place, and how many rows (struct
 * pr_kv_inplace): with past_present_share_buffer (Attention, QAttention,
 * DecoderMaskedMultiHeadAttention) the past and present hold the buffer's
 * M rows, of which the P valid ones are read and the L new ones written;
 * GroupQueryAttention shares a buffer when its past holds more rows than
 * the valid T - L (a buffer fixed in the graph) or when the runtime gives
 * it one (c->kv_shared, priori llm --kv-buffer: the past has the valid
 * rows, the present T, of which L are written). */
static void attn_inplace(struct pr_op_ctx *c, const struct attn *a, struct pr_cost *k)
{
    bool share = pr_attr_int(c, "past_present_share_buffer", 0) != 0;
    const struct pr_tensor *past;
    switch (c->op_id) {
    case PR_OP_MS_ATTENTION:
    case PR_OP_DECODER_MASKED_SA:
    case PR_OP_QATTENTION: {
        int pin = c->op_id == PR_OP_QATTENTION ? QA_PAST : 4;
        if (share && (past = pr_input(c, pin)) && past->shape.rank == 5)
            kv_inplace(k, pin, true, past->shape.dim[3], a->p, past->shape.dim[3], a->l);
        break;
    }
    case PR_OP_DECODER_MASKED_MHA:
        if (share && (past = pr_input(c, 5)) && past->shape.rank == 4 && a->p >= 0)
            kv_inplace(k, 5, false, past->shape.dim[2], a->p, past->shape.dim[2], a->l);
        break;
    case PR_OP_GROUP_QUERY_ATTENTION: {
        int64_t valid = a->t >= 0 && a->l >= 0 && a->t >= a->l ? a->t - a->l : -1;
        const struct pr_tensor *present = c->out[1];   /* a scratch tensor of unknown rank when absent */
        if (!(past = pr_input(c, 3)) || past->shape.rank != 4 || valid < 0)
            break;
        if (past->shape.dim[2] > valid || c->kv_shared)
            kv_inplace(k, 3, false, past->shape.dim[2], valid, present->shape.rank == 4 ? present->shape.dim[2] : -1,
                       a->l);
        break;
    }
    default:
        break;
    }
}

int attn_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct attn a = {0};
    bool packed = c->op_id == PR_OP_MS_ATTENTION || c->op_id == PR_OP_DECODER_MASKED_SA;   /* QKV weights as input 1 */
    int rc = packed ? attention_parse(c, &a)
           : c->op_id == PR_OP_ATTENTION ? onnx_attention_parse(c, &a)
           : c->op_id == PR_OP_QATTENTION ? qattention_parse(c, &a)
           : c->op_id == PR_OP_MULTI_HEAD_ATTENTION ? mha_parse(c, &a)
           : c->op_id == PR_OP_DECODER_MASKED_MHA ? dmmha_parse(c, &a) : gqa_parse(c, &a);
    if (rc < 0)
        return -1;
    uint64_t scores = prod(c, (int64_t[]){a.b, a.h, a.s, a.t}, 4);
    uint64_t qk = pr_mul(c, scores, prod(c, &a.dqk, 1));
    uint64_t av = pr_mul(c, scores, prod(c, &a.dv, 1));
    k->macs = pr_add(c, qk, av);
    uint64_t q_elems = prod(c, (int64_t[]){a.b, a.s, a.h, a.dqk}, 4);
    uint64_t k_elems = prod(c, (int64_t[]){a.b, a.l, a.hkv, a.dqk}, 4);
    uint64_t v_elems = prod(c, (int64_t[]){a.b, a.l, a.hkv, a.dv}, 4);
    uint64_t extra = pr_mul(c, scores, (uint64_t)(6 + a.masks));
    if (packed || c->op_id == PR_OP_QATTENTION) {
        uint64_t proj = prod(c, (int64_t[]){a.b, a.s, a.din, a.cols}, 4);
        k->macs = pr_add(c, k->macs, proj);
        if (a.bias)
            extra = pr_add(c, extra, prod(c, (int64_t[]){a.b, a.s, a.cols}, 3));
    } else if (a.bias) {
        extra = pr_add(c, extra, pr_add(c, q_elems, pr_add(c, k_elems, v_elems)));
    }
    uint64_t qk_elems = pr_add(c, q_elems, k_elems);
    if (a.rotary)
        extra = pr_add(c, extra, pr_mul(c, 3, qk_elems));
    if (a.qk_norm)
        extra = pr_add(c, extra, pr_mul(c, 4, qk_elems));
    if (a.softcap)
        extra = pr_add(c, extra, pr_mul(c, 3, scores));
    if (c->op_id == PR_OP_QATTENTION) {
        const struct pr_tensor *x = pr_input(c, QA_X), *w = pr_input(c, QA_W);
        if (pr_input(c, QA_XZ))
            extra = pr_add(c, extra, pr_numel(c, &x->shape));
        if (pr_input(c, QA_WZ))
            extra = pr_add(c, extra, pr_numel(c, &w->shape));
        extra = pr_add(c, extra, prod(c, (int64_t[]){a.b, a.s, a.cols}, 3));
        k->weight_mask &= ~((1ull << QA_XS) | (1ull << QA_WS) | (1ull << QA_XZ) | (1ull << QA_WZ));
    }
    k->flops = pr_add(c, pr_mul(c, 2, k->macs), extra);
    if (c->op_id == PR_OP_GROUP_QUERY_ATTENTION)   /* cos/sin caches, KV-cache scales */
        k->weight_mask &= ~((1ull << 7) | (1ull << 8) | (1ull << 12) | (1ull << 13));
    if (c->op_id == PR_OP_ATTENTION)   /* attn_mask, nonpad_kv_seqlen */
        k->weight_mask &= ~((1ull << 3) | (1ull << 6));
    attn_inplace(c, &a, k);
    return 0;
}

/* ---- SparseAttention ---- */

enum { SA_Q, SA_K, SA_V, SA_PK, SA_PV, SA_ROWS, SA_COLS, SA_TOTAL, SA_KLEN, SA_COS, SA_SIN };

struct sparse {
    int64_t b, s, h, hkv, d, bs;
    int64_t layouts, nb, nnz;     /* L, NB (blocks per row), col entries per layout */
    int64_t cache;                /* M: rows of the past/present buffers */
    int64_t rotary;               /* r: rotated dims per head, 0 without do_rotary */
};

static int sparse_parse(struct pr_op_ctx *c, struct sparse *a)
{
    if (c->nin > 11 || c->nout > 3)
        return pr_op_error(c, "SparseAttention takes at most 11 inputs and 3 outputs but the node "
                           "has %d and %d", c->nin, c->nout);
    if (pr_op_require(c, 1) < 0)
        return -1;
    for (int i = SA_PK; i <= SA_KLEN; i++)
        if (!pr_input(c, i))
            return pr_op_error(c, "SparseAttention needs past_key, past_value, block_row_indices, "
                               "block_col_indices, total_sequence_length and "
                               "key_total_sequence_lengths (inputs 3 to 8); input %d is absent", i);
    if (heads_attr(c, "num_heads", &a->h) < 0 || heads_attr(c, "kv_num_heads", &a->hkv) < 0 ||
        heads_attr(c, "sparse_block_size", &a->bs) < 0)
        return -1;
    if (grouped_query(c, SA_Q, a->h, a->hkv, &a->b, &a->s, &a->d) < 0)
        return -1;
    const struct pr_tensor *k = pr_input(c, SA_K), *v = pr_input(c, SA_V);
    char sb[160], sv[160];
    if (k) {
        const struct pr_shape *ks = &k->shape, *vs = &v->shape;
        int64_t kvh = dim_mul(c, a->hkv, a->d);
        if (ks->rank != 3 || vs->rank != 3 || pr_dim_agree(ks->dim[0], a->b) == -2 ||
            pr_dim_agree(ks->dim[1], a->s) == -2 || pr_dim_agree(ks->dim[2], kvh) == -2 ||
            pr_dim_agree(vs->dim[0], ks->dim[0]) == -2 || pr_dim_agree(vs->dim[1], ks->dim[1]) == -2 ||
            pr_dim_agree(vs->dim[2], ks->dim[2]) == -2)
            return pr_op_error(c, "key %s and value %s must both be (batch, sequence, kv_num_heads "
                               "* head size = %lld), as the query's batch and sequence",
                               pr_shape_str(ks, sb, sizeof sb), pr_shape_str(vs, sv, sizeof sv),
                               (long long)kvh);
    }
    if (a->d >= 0 && a->d % 8)
        return pr_op_error(c, "head size %lld is not a multiple of 8, which SparseAttention needs",
                           (long long)a->d);
    const struct pr_shape *pk = &pr_input(c, SA_PK)->shape, *pv = &pr_input(c, SA_PV)->shape;
    bool same = pk->rank == 4 && pv->rank == 4;
    for (int i = 0; same && i < 4; i++)
        same = pr_dim_agree(pk->dim[i], pv->dim[i]) != -2;
    if (!same || pr_dim_agree(pk->dim[0], a->b) == -2 || pr_dim_agree(pk->dim[1], a->hkv) == -2 ||
        pr_dim_agree(pk->dim[3], a->d) == -2)
        return pr_op_error(c, "past_key %s and past_value %s must both be (batch, %lld kv heads, "
                           "cache length, head size %lld)", pr_shape_str(pk, sb, sizeof sb),
                           pr_shape_str(pv, sv, sizeof sv), (long long)a->hkv, (long long)a->d);
    a->cache = pr_dim_agree(pk->dim[2], pv->dim[2]);
    const struct pr_shape *rows = &pr_input(c, SA_ROWS)->shape, *cols = &pr_input(c, SA_COLS)->shape;
    if (rows->rank != 2 || cols->rank != 2 || pr_dim_agree(rows->dim[0], cols->dim[0]) == -2 ||
        rows->dim[1] == 0 || rows->dim[1] == 1 || rows->dim[0] == 0)
        return pr_op_error(c, "block_row_indices %s and block_col_indices %s must be (layouts, "
                           "blocks + 1) and (layouts, nonzero blocks)",
                           pr_shape_str(rows, sb, sizeof sb), pr_shape_str(cols, sv, sizeof sv));
    a->layouts = pr_dim_agree(rows->dim[0], cols->dim[0]);
    a->nb = rows->dim[1] < 0 ? -1 : rows->dim[1] - 1;
    a->nnz = cols->dim[1];
    if (a->layouts > 0 && a->h % a->layouts)
        return pr_op_error(c, "num_heads %lld is not a multiple of the %lld block layouts",
                           (long long)a->h, (long long)a->layouts);
    if (a->nb > 0 && a->nnz >= 0 && a->nb <= INT64_MAX / a->nb && a->nnz > a->nb * a->nb)
        return pr_op_error(c, "block_col_indices has %lld entries per layout; %lld x %lld blocks "
                           "hold at most %lld", (long long)a->nnz, (long long)a->nb,
                           (long long)a->nb, (long long)(a->nb * a->nb));
    const struct pr_shape *tot = &pr_input(c, SA_TOTAL)->shape, *kl = &pr_input(c, SA_KLEN)->shape;
    if (tot->rank > 1 || (tot->rank == 1 && pr_dim_agree(tot->dim[0], 1) == -2))
        return pr_op_error(c, "total_sequence_length has shape %s but must hold one value",
                           pr_shape_str(tot, sb, sizeof sb));
    if (kl->rank != 1 || pr_dim_agree(kl->dim[0], a->b) == -2)
        return pr_op_error(c, "key_total_sequence_lengths has shape %s but must be (batch)",
                           pr_shape_str(kl, sb, sizeof sb));
    a->rotary = 0;
    if (pr_attr_int(c, "do_rotary", 0)) {
        const struct pr_tensor *cs = pr_input(c, SA_COS), *sn = pr_input(c, SA_SIN);
        if (!cs || !sn)
            return pr_op_error(c, "do_rotary needs cos_cache and sin_cache (inputs 9 and 10)");
        if (cs->shape.rank != 2 || sn->shape.rank != 2 ||
            pr_dim_agree(cs->shape.dim[1], sn->shape.dim[1]) == -2)
            return pr_op_error(c, "cos_cache and sin_cache must be 2-D (max length, rotary dim / 2) "
                               "of the same shape");
        a->rotary = dim_mul(c, 2, pr_dim_agree(cs->shape.dim[1], sn->shape.dim[1]));
        if (a->rotary >= 0 && a->d >= 0 && a->rotary > a->d)
            return pr_op_error(c, "the caches rotate %lld dims but the head size is %lld",
                               (long long)a->rotary, (long long)a->d);
    }
    pr_attr_int(c, "rotary_interleaved", 0);
    pr_attr_float(c, "scale", 0.0);
    return c->failed ? -1 : 0;
}

int sparse_attn_shape(struct pr_op_ctx *c)
{
    struct sparse a;
    if (sparse_parse(c, &a) < 0)
        return -1;
    set_out(c, 0, pr_input(c, SA_Q)->dtype, 3, (int64_t[]){a.b, a.s, dim_mul(c, a.h, a.d)});
    for (int o = 1; o <= 2; o++) {
        const struct pr_tensor *past = pr_input(c, SA_PK + o - 1);
        set_out(c, o, past->dtype, 4, past->shape.dim);
    }
    return c->failed ? -1 : 0;
}

/* T: total_sequence_length's value, else the data dimension (fallback the
 * smaller of the cache rows and NB*bs); checked against S, M and NB*bs.
 * -1 unknown, -2 after an error. */
static int64_t sparse_total(struct pr_op_ctx *c, const struct sparse *a)
{
    int64_t t = scalar_value(c, SA_TOTAL), layout_max = dim_mul(c, a->nb, a->bs);
    int64_t bound = a->cache;
    if (layout_max >= 0 && (bound < 0 || layout_max < bound))
        bound = layout_max;
    if (t < 0)
        t = pr_data_dim(c, "total_sequence_length", bound,
                        "the attended length (past + new tokens)");
    if (t < 0)
        return -1;
    if (t < a->s)
        return pr_op_error(c, "total_sequence_length is %lld, less than the %lld new tokens",
                           (long long)t, (long long)a->s) - 1;
    if (a->cache >= 0 && t > a->cache)
        return pr_op_error(c, "total_sequence_length %lld exceeds the KV cache's %lld rows",
                           (long long)t, (long long)a->cache) - 1;
    if (layout_max >= 0 && t > layout_max)
        return pr_op_error(c, "total_sequence_length %lld exceeds the %lld tokens the block layout "
                           "covers (%lld blocks of %lld)", (long long)t, (long long)layout_max,
                           (long long)a->nb, (long long)a->bs) - 1;
    return t;
}

/* Attended pairs of one layout (rows, cols: its CSR) for the queries at
 * positions p..p+s-1 (see the top comment); -1 after an error (a
 * malformed layout). seen holds NB bytes of scratch. */
static int64_t layout_pairs(struct pr_op_ctx *c, const struct sparse *a, const int64_t *rows,
                            const int64_t *cols, int64_t p, int64_t s, unsigned char *seen)
{
    uint64_t sum = 0;
    int64_t bs = a->bs;
    for (int64_t r = p / bs; s > 0 && r <= (p + s - 1) / bs; r++) {
        int64_t from = rows[r], to = rows[r + 1];
        if (from < 0 || to < from || to > a->nnz)
            return pr_op_error(c, "block_row_indices: row %lld of the layout spans entries %lld to "
                               "%lld of block_col_indices, which has %lld", (long long)r,
                               (long long)from, (long long)to, (long long)a->nnz);
        uint64_t lt = 0, diag = 0;
        memset(seen, 0, (size_t)a->nb);
        for (int64_t j = from; j < to; j++) {
            int64_t col = cols[j];
            if (col < 0 || col >= a->nb)
                return pr_op_error(c, "block_col_indices: entry %lld is block %lld; the layout has "
                                   "blocks 0 to %lld", (long long)j, (long long)col,
                                   (long long)(a->nb - 1));
            if (seen[col]++)
                continue;   /* listed twice: one block */
            lt += col < r;
            diag |= col == r;
        }
        int64_t first = r * bs, last = r * bs + bs - 1;
        int64_t lo = p > first ? p : first, hi = p + s - 1 < last ? p + s - 1 : last;
        uint64_t m = (uint64_t)(hi - lo + 1), o1 = (uint64_t)(lo - first), o2 = (uint64_t)(hi - first);
        sum = pr_add(c, sum, pr_mul(c, pr_mul(c, m, (uint64_t)bs), lt));
        if (diag)   /* sum of (o + 1) for o = o1..o2 */
            sum = pr_add(c, sum, ((o2 + 1) * (o2 + 2) - o1 * (o1 + 1)) / 2);
    }
    return sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
}

/* A: the attended (query, key) pairs of one sequence over every query head,
 * from the layout when it is known, else the data dimension. -1 unknown,
 * -2 after an error. */
static int64_t sparse_attended(struct pr_op_ctx *c, const struct sparse *a, int64_t t)
{
    int64_t p = t - a->s;
    const struct pr_const *rv = pr_values_of(pr_input(c, SA_ROWS));
    const struct pr_const *cv = pr_values_of(pr_input(c, SA_COLS));
    if (rv && cv && a->layouts > 0 && a->nb > 0 && a->nnz >= 0) {
        unsigned char seen[PR_CONST_MAX];
        uint64_t sum = 0;
        for (int64_t l = 0; l < a->layouts; l++) {
            int64_t n = layout_pairs(c, a, rv->i + l * (a->nb + 1), cv->i + l * a->nnz, p, a->s, seen);
            if (n < 0)
                return -2;
            sum = pr_add(c, sum, (uint64_t)n);
        }
        sum = pr_mul(c, sum, (uint64_t)(a->h / a->layouts));
        return sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
    }
    uint64_t s = (uint64_t)a->s;
    uint64_t dense = pr_mul(c, (uint64_t)a->h,
                            pr_add(c, pr_mul(c, s, (uint64_t)p), pr_mul(c, s, s + 1) / 2));
    int64_t bound = dense > INT64_MAX ? INT64_MAX : (int64_t)dense;
    int64_t v = pr_data_dim(c, "attended", bound, "the (query, key) pairs the block layout attends "
                            "to in one sequence, over all query heads (block_row_indices and "
                            "block_col_indices are not known constants: the dense causal bound)");
    if (v > bound)
        return pr_op_error(c, "the attended pairs are bound to %lld but cannot exceed the dense "
                           "causal %lld", (long long)v, (long long)bound) - 1;
    return v;
}

int sparse_attn_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct sparse a;
    if (sparse_parse(c, &a) < 0)
        return -1;
    k->weight_mask &= ~((1ull << SA_COS) | (1ull << SA_SIN));
    if (a.b < 0 || a.s < 0 || a.d < 0 || a.rotary < 0) {
        c->incomplete = true;
        return 0;
    }
    int64_t t = sparse_total(c, &a);
    int64_t pairs = t < 0 || c->failed ? -1 : sparse_attended(c, &a, t);
    if (c->failed)
        return -1;
    if (a.s >= 0 && t >= a.s)   /* the buffers of M rows: the T - S valid ones read, S written */
        kv_inplace(k, SA_PK, false, a.cache, t - a.s, a.cache, a.s);
    if (pairs < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t scores = pr_mul(c, (uint64_t)a.b, (uint64_t)pairs);
    k->macs = pr_mul(c, scores, pr_mul(c, 2, (uint64_t)a.d));
    uint64_t rot = prod(c, (int64_t[]){a.b, a.s, a.h + a.hkv, a.rotary}, 4);
    k->flops = pr_add(c, pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, 7, scores)), pr_mul(c, 3, rot));
    return 0;
}

/* ---- RotaryEmbedding ---- */

/* Head size and rotary dimension of a RotaryEmbedding node: com.microsoft's
 * (input, position_ids, cos_cache, sin_cache) or ONNX's (X, cos_cache,
 * sin_cache[, position_ids]), whose caches are (B, S, r/2) without
 * position_ids. */
static int rotary_dims(struct pr_op_ctx *c, int64_t *head, int64_t *rd)
{
    bool onnx = c->op_id == PR_OP_ROTARY_EMBEDDING, mrope = c->op_id == PR_OP_MROTARY_EMBEDDING;
    int ci = onnx ? 1 : 2, pi = onnx ? 3 : 1;
    if (pr_op_require(c, onnx ? 3 : 4) < 0)
        return -1;
    if (c->nin > 4 || c->nout > 1)
        return pr_op_error(c, "RotaryEmbedding takes %s4 inputs and has 1 output but the node "
                           "has %d and %d", onnx ? "3 or " : "", c->nin, c->nout);
    const struct pr_shape *x = &pr_input(c, 0)->shape, *cs = &pr_input(c, ci)->shape,
                         *sn = &pr_input(c, ci + 1)->shape;
    const struct pr_tensor *pos = pr_input(c, pi);
    char sb[160];
    if (x->rank != 3 && x->rank != 4)
        return pr_op_error(c, "input has shape %s but must be (batch, sequence, hidden) or "
                           "(batch, heads, sequence, head size)", pr_shape_str(x, sb, sizeof sb));
    int crank = onnx && !pos ? 3 : 2;
    if (cs->rank != crank || sn->rank != crank || pr_dim_agree(cs->dim[crank - 1], sn->dim[crank - 1]) == -2)
        return pr_op_error(c, "cos_cache and sin_cache must be %s of the same shape",
                           crank == 2 ? "2-D (max length, rotary dim / 2)"
                                      : "3-D (batch, sequence, rotary dim / 2) without position_ids");
    int64_t b = x->dim[0], s = x->dim[x->rank == 4 ? 2 : 1];
    if (crank == 3 && (pr_dim_agree(cs->dim[0], b) == -2 || pr_dim_agree(cs->dim[1], s) == -2 ||
                       pr_dim_agree(sn->dim[0], b) == -2 || pr_dim_agree(sn->dim[1], s) == -2))
        return pr_op_error(c, "cos_cache and sin_cache must be (batch %lld, sequence %lld, rotary "
                           "dim / 2)", (long long)b, (long long)s);
    if (onnx && pos && (pos->shape.rank != 2 || pr_dim_agree(pos->shape.dim[0], b) == -2 ||
                        pr_dim_agree(pos->shape.dim[1], s) == -2))
        return pr_op_error(c, "position_ids has shape %s but must be (batch %lld, sequence %lld)",
                           pr_shape_str(&pos->shape, sb, sizeof sb), (long long)b, (long long)s);
    if (mrope && (pos->shape.rank != 3 || pr_dim_agree(pos->shape.dim[0], 3) == -2 ||
                  pr_dim_agree(pos->shape.dim[1], b) == -2 || pr_dim_agree(pos->shape.dim[2], s) == -2))
        return pr_op_error(c, "position_ids has shape %s but must be (3 streams, batch %lld, sequence %lld)",
                           pr_shape_str(&pos->shape, sb, sizeof sb), (long long)b, (long long)s);
    int64_t sec[3] = {0, 0, 0};
    if (mrope && pr_attr_ints(c, "mrope_section", sec, 3) != 3)
        return c->failed ? -1 : pr_op_error(c, "MRotaryEmbedding needs mrope_section: three extents");
    if (mrope) {
        pr_attr_int(c, "mrope_layout", 0);
        pr_attr_int(c, "is_packed_batching", 0);
    }
    int64_t nh = pr_attr_int(c, "num_heads", 0), r = pr_attr_int(c, "rotary_embedding_dim", 0);
    pr_attr_int(c, "interleaved", 0);
    if (!onnx)
        pr_attr_float(c, "scale", 1.0);
    if (c->failed)
        return -1;
    if (nh < 0 || r < 0)
        return pr_op_error(c, "num_heads and rotary_embedding_dim must not be negative");
    if (onnx && x->rank == 3 && nh == 0)
        return pr_op_error(c, "a 3-D input (batch, sequence, hidden) needs the attribute num_heads");
    int64_t half = cs->dim[crank - 1] >= 0 ? cs->dim[crank - 1] : sn->dim[crank - 1];
    if (half > INT64_MAX / 2)
        return pr_op_error(c, "cos_cache has %lld values per position; too many", (long long)half);
    if (x->rank == 4)
        *head = x->dim[3];
    else if (nh > 0)
        *head = pr_dim_divide(x->dim[2], nh);
    else
        *head = half < 0 ? -1 : 2 * half;
    if (*head == -2)
        return pr_op_error(c, "num_heads %lld does not divide the hidden size %lld",
                           (long long)nh, (long long)x->dim[2]);
    *rd = r > 0 ? r : *head;
    if (*rd >= 0 && half >= 0 && *rd != 2 * half)
        return pr_op_error(c, "the caches hold %lld values per position but the rotary "
                           "dimension %lld needs half of it", (long long)half, (long long)*rd);
    if (*rd >= 0 && *head >= 0 && (*rd > *head || *rd % 2))
        return pr_op_error(c, "rotary dimension %lld must be even and at most the head size %lld",
                           (long long)*rd, (long long)*head);
    if (mrope && (sec[0] < 0 || sec[1] < 0 || sec[2] < 0 || sec[0] > INT64_MAX / 4 || sec[1] > INT64_MAX / 4 ||
                  sec[2] > INT64_MAX / 4 || (*rd >= 0 && sec[0] + sec[1] + sec[2] != *rd / 2)))
        return pr_op_error(c, "mrope_section [%lld, %lld, %lld] must be non-negative and add up to half the "
                           "rotary dimension (%lld)", (long long)sec[0], (long long)sec[1], (long long)sec[2],
                           (long long)(*rd / 2));
    return 0;
}

int rotary_shape(struct pr_op_ctx *c)
{
    int64_t head, rd;
    if (rotary_dims(c, &head, &rd) < 0)
        return -1;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    c->out[0]->shape = pr_input(c, 0)->shape;
    return 0;
}

int rotary_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t head, rd;
    if (rotary_dims(c, &head, &rd) < 0)
        return -1;
    /* rotated elements = numel(Y) / head * rd, as (numel(Y) without the
     * last axis) * (last / head) * rd */
    const struct pr_shape *y = &c->out[0]->shape;
    int64_t last = y->dim[y->rank - 1];
    struct pr_shape rows = *y;
    rows.dim[rows.rank - 1] = last < 0 || head <= 0 ? -1 : last / head;
    k->flops = pr_mul(c, 3, pr_mul(c, pr_numel(c, &rows), prod(c, &rd, 1)));
    int ci = c->op_id == PR_OP_ROTARY_EMBEDDING ? 1 : 2;   /* cos/sin caches */
    k->weight_mask &= ~((1ull << ci) | (1ull << (ci + 1)));
    return 0;
}

/* ---- GemmaRotaryEmbedding ---- */

int gemma_rope_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 5) < 0)
        return -1;
    if (c->nin > 5 || c->nout > 2)
        return pr_op_error(c, "GemmaRotaryEmbedding takes 5 inputs and has 2 outputs but the node has %d and %d",
                           c->nin, c->nout);
    const struct pr_shape *e = &c->in[0]->shape;
    char sa[160], sb[160], se[160];
    if (e->rank != 3)
        return pr_op_error(c, "emb has shape %s; it must be (batch, sequence, dim)", pr_shape_str(e, se, sizeof se));
    for (int i = 1; i <= 3; i += 2) {
        const struct pr_shape *x = &c->in[i]->shape, *rot = &c->in[i + 1]->shape;
        bool ok = x->rank == 4 && rot->rank == 4 && pr_dim_agree(x->dim[0], e->dim[0]) != -2 &&
                  pr_dim_agree(x->dim[2], e->dim[1]) != -2 && pr_dim_agree(x->dim[3], e->dim[2]) != -2;
        for (int d = 0; ok && d < 4; d++)
            ok = pr_dim_agree(x->dim[d], rot->dim[d]) != -2;
        if (!ok)
            return pr_op_error(c, "%s %s and its rotated half %s must be (batch, heads, sequence, dim) as emb %s",
                               i == 1 ? "q" : "k", pr_shape_str(x, sa, sizeof sa), pr_shape_str(rot, sb, sizeof sb),
                               pr_shape_str(e, se, sizeof se));
        set_out(c, i / 2, c->in[i]->dtype, 4, x->dim);
    }
    return 0;
}

int gemma_rope_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_add(c, pr_mul(c, 2, pr_numel(c, &c->in[0]->shape)),
                      pr_mul(c, 3, pr_add(c, pr_numel(c, &c->in[1]->shape), pr_numel(c, &c->in[3]->shape))));
    return 0;
}
