/* test_attention.c -- com.microsoft Attention, MultiHeadAttention,
 * GroupQueryAttention, DecoderMaskedMultiHeadAttention,
 * DecoderMaskedSelfAttention, RotaryEmbedding,
 * SparseAttention (ops/attention.c) and the packing mode's PackedAttention,
 * PackedMultiHeadAttention, RemovePadding, RestorePadding (ops/packed.c),
 * and the attention biases RelativePositionBias, GatedRelativePositionBias
 * (ops/relpos.c). Expected counts
 * are the closed forms of attention.c's comment written out with the
 * hyper-parameters of each node:
 *   MACs  = projection + B*H*S*T*dqk + B*H*S*T*dv
 *   FLOPs = 2*MACs + B*H*S*T*(1 scale + 5 softmax + masks) + bias adds */
#include <stdio.h>
#include <string.h>

#include "opcheck.h"
#include "test.h"

void suite_attention(void);

static struct tnode *ms(const char *op)
{
    return tn_new_domain("com.microsoft", op, 1);
}

static void attention_counts_projection_scores_and_context(void)
{
    /* B 2, S 8, Din 32, weights 32x96 -> Dq = Dk = Dv = 32, H 4, d 8.
     * mask_index and unidirectional: 2 masks. T = S = 8. */
    struct tnode *t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "2x8x32");
    tn_in_weight(t, PR_DT_FLOAT, "32x96");
    tn_in_weight(t, PR_DT_FLOAT, "96");
    tn_in(t, PR_DT_INT32, "2");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "unidirectional", 1);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x32");
    CHECK_STR(tn_out_shape(t, 1), "2x2x4x8x8");
    long long proj = 2LL * 8 * 32 * 96, scores = 2LL * 4 * 8 * 8;
    long long macs = proj + scores * 8 + scores * 8;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * (6 + 2) + 2LL * 8 * 96);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    tn_free(t);
}

static void attention_past_and_qkv_hidden_sizes(void)
{
    /* qkv_hidden_sizes 32, 32, 16 (weights 32x80), H 4: dqk 8, dv 4.
     * past (2, 2, 4, 5, 8): T = 5 + 8 = 13; no bias, no mask. */
    struct tnode *t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "2x8x32");
    tn_in_weight(t, PR_DT_FLOAT, "32x80");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x2x4x5x8");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_ints(t, "qkv_hidden_sizes", "32,32,16");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x16");
    CHECK_STR(tn_out_shape(t, 1), "2x2x4x13x8");
    long long scores = 2LL * 4 * 8 * 13;
    long long macs = 2LL * 8 * 32 * 80 + scores * 8 + scores * 4;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * 6);
    tn_free(t);
}

static void attention_heads_must_divide_hidden_sizes(void)
{
    struct tnode *t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "2x8x32");
    tn_in(t, PR_DT_FLOAT, "32x96");
    tn_attr_int(t, "num_heads", 5);
    CHECK(tn_fails_with(t, 1, "num_heads 5 does not divide"));
    tn_free(t);
    t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "2x8x32");
    tn_in(t, PR_DT_FLOAT, "32x96");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_ints(t, "qkv_hidden_sizes", "32,32,16");
    CHECK(tn_fails_with(t, 1, "add up to 80 but the weights have 96"));
    tn_free(t);
    t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "2x8x32");
    tn_in(t, PR_DT_FLOAT, "32x96");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'num_heads'"));
    tn_free(t);
}

static void mha_separate_qkv_with_bias_mask_and_past(void)
{
    /* q 2x10x64, k 2x12x64, v 2x12x32, H 4: dqk 16, dv 8; bias 160;
     * key_padding_mask: 1 mask; past 3: T = 3 + 12 = 15. */
    struct tnode *t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_in(t, PR_DT_FLOAT, "2x12x64");
    tn_in(t, PR_DT_FLOAT, "2x12x32");
    tn_in_weight(t, PR_DT_FLOAT, "160");
    tn_in(t, PR_DT_INT32, "2x12");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x3x16");
    tn_in(t, PR_DT_FLOAT, "2x4x3x8");
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x10x32");
    CHECK_STR(tn_out_shape(t, 1), "2x4x15x16");
    CHECK_STR(tn_out_shape(t, 2), "2x4x15x8");
    CHECK_STR(tn_out_shape(t, 3), "2x4x10x15");
    long long scores = 2LL * 4 * 10 * 15;
    long long macs = scores * 16 + scores * 8;
    long long bias = 2LL * 10 * 64 + 2LL * 12 * 64 + 2LL * 12 * 32;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * (6 + 1) + bias);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x8);
    tn_free(t);
}

static void mha_packed_qkv_and_packed_kv(void)
{
    /* packed QKV 2x10x4x3x16: H 4, d 16, T = S = 10 */
    struct tnode *t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT16, "2x10x4x3x16");
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x10x64");
    CHECK_EQ(tn_cost(t)->macs, 2LL * 4 * 10 * 10 * 16 * 2);
    tn_free(t);
    /* q 2x10x64, packed KV 2x7x4x2x16: T = 7 */
    t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_in(t, PR_DT_FLOAT, "2x7x4x2x16");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "unidirectional", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x10x64");
    long long scores = 2LL * 4 * 10 * 7;
    CHECK_EQ(tn_cost(t)->macs, scores * 32);
    CHECK_EQ(tn_cost(t)->flops, scores * 64 + scores * 7);
    tn_free(t);
}

static void mha_per_head_key_value(void)
{
    /* key/value already (B, H, L, d): cross attention over L = 20 */
    struct tnode *t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "1x5x64");
    tn_in(t, PR_DT_FLOAT, "1x4x20x16");
    tn_in(t, PR_DT_FLOAT, "1x4x20x16");
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x64");
    CHECK_EQ(tn_cost(t)->macs, 1LL * 4 * 5 * 20 * 16 * 2);
    tn_free(t);
}

static void mha_malformed_is_error(void)
{
    struct tnode *t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_in(t, PR_DT_FLOAT, "2x12x64");
    tn_in(t, PR_DT_FLOAT, "2x12x64");
    tn_attr_int(t, "num_heads", 3);
    CHECK(tn_fails_with(t, 1, "num_heads 3 does not divide the hidden size 64"));
    tn_free(t);
    t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "key is required"));
    tn_free(t);
    t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_in(t, PR_DT_FLOAT, "2x12x48");
    tn_in(t, PR_DT_FLOAT, "2x12x64");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "hidden size of query and key"));
    tn_free(t);
}

/* A GQA node: q, k, v shapes (k NULL: packed), optional past shape,
 * total_sequence_length value (NULL: unknown). */
static struct tnode *gqa_heads(const char *q, const char *k, const char *past, const char *total,
                               int h, int hkv)
{
    struct tnode *t = ms("GroupQueryAttention");
    tn_in(t, PR_DT_FLOAT16, q);
    if (k) {
        tn_in(t, PR_DT_FLOAT16, k);
        tn_in(t, PR_DT_FLOAT16, k);
    } else {
        tn_in_absent(t);
        tn_in_absent(t);
    }
    if (past) {
        tn_in(t, PR_DT_FLOAT16, past);
        tn_in(t, PR_DT_FLOAT16, past);
    } else {
        tn_in_absent(t);
        tn_in_absent(t);
    }
    tn_in(t, PR_DT_INT32, "1");
    if (total)
        tn_in_vals(t, PR_DT_INT32, "", total);
    else
        tn_in(t, PR_DT_INT32, "");
    tn_attr_int(t, "num_heads", h);
    tn_attr_int(t, "kv_num_heads", hkv);
    return t;
}

static struct tnode *gqa(const char *q, const char *k, const char *past, const char *total)
{
    return gqa_heads(q, k, past, total, 8, 2);
}

static void gqa_counts_every_query_head(void)
{
    /* q 1x6x128 (H 8, d 16), k/v 1x6x32 (Hkv 2); T = total = 6; causal by
     * default: 1 mask. MACs per query head: 1*8*6*6*16 twice. */
    struct tnode *t = gqa("1x6x128", "1x6x32", NULL, "6");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6x128");
    CHECK_STR(tn_out_shape(t, 1), "1x2x6x16");
    long long scores = 1LL * 8 * 6 * 6;
    CHECK_EQ(tn_cost(t)->macs, scores * 16 * 2);
    CHECK_EQ(tn_cost(t)->flops, 2 * scores * 32 + scores * 7);
    tn_free(t);
}

static void gqa_with_past_and_rotary(void)
{
    /* past 1x2x10x16, one new token, total 11: T 11, present 11.
     * do_rotary: 3 per element of Q (1*1*8*16) and new K (1*1*2*16). */
    struct tnode *t = gqa("1x1x128", "1x1x32", "1x2x10x16", "11");
    tn_attr_int(t, "do_rotary", 1);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "1x2x11x16");
    long long scores = 1LL * 8 * 1 * 11;
    CHECK_EQ(tn_cost(t)->macs, scores * 32);
    CHECK_EQ(tn_cost(t)->flops, 2 * scores * 32 + scores * 7 + 3 * (8 * 16 + 2 * 16));
    CHECK(!tn_cost(t)->inplace.in[0]);   /* the past holds the valid rows: a new present */
    tn_free(t);
    /* a buffer of 64 rows fixed in the graph: present 64 rows (the past's);
     * updated in place, the 10 valid rows read and the 1 new one written */
    t = gqa("1x1x128", "1x1x32", "1x2x64x16", "11");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "1x2x64x16");
    CHECK_EQ(tn_cost(t)->macs, scores * 32);
    const struct pr_kv_inplace *ip = &tn_cost(t)->inplace;
    CHECK(ip->in[0] == 4 && ip->in[1] == 5 && ip->out[0] == 2 && ip->out[1] == 3);
    CHECK(ip->in_rows == 64 && ip->read == 10 && ip->out_rows == 64 && ip->written == 1);
    tn_free(t);
    /* total unknown: the data dim falls back to P + L = 10 + 1 */
    t = gqa("1x1x128", "1x1x32", "1x2x10x16", NULL);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "1x2x11x16");
    CHECK_EQ(tn_cost(t)->macs, scores * 32);
    tn_free(t);
}

static void gqa_packed_qkv(void)
{
    /* packed 1x6x192 = (8 + 2*2) heads x 16 */
    struct tnode *t = gqa("1x6x192", NULL, NULL, "6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6x128");
    CHECK_EQ(tn_cost(t)->macs, 1LL * 8 * 6 * 6 * 16 * 2);
    tn_free(t);
}

static void gqa_head_counts_must_divide(void)
{
    struct tnode *t = gqa_heads("1x6x128", "1x6x32", NULL, "6", 8, 3);
    CHECK(tn_fails_with(t, 1, "not a multiple of kv_num_heads 3"));
    tn_free(t);
    t = gqa("1x6x100", "1x6x32", NULL, "6");
    CHECK(tn_fails_with(t, 1, "num_heads 8 does not divide the hidden size 100"));
    tn_free(t);
}

static void rotary_embedding_counts_rotated_elements(void)
{
    /* (2, 10, 64), 4 heads of 16, rotary dim 8: caches (128, 4).
     * Rotated elements = 2*10*4*8; 3 FLOPs each. Caches are not params. */
    struct tnode *t = ms("RotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x10x64");
    tn_in(t, PR_DT_INT64, "2x10");
    tn_in_weight(t, PR_DT_FLOAT, "128x4");
    tn_in_weight(t, PR_DT_FLOAT, "128x4");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "rotary_embedding_dim", 8);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x10x64");
    CHECK_EQ(tn_cost(t)->flops, 3LL * 2 * 10 * 4 * 8);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    /* (B, H, S, d) with the full head rotated */
    t = ms("RotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x4x10x16");
    tn_in(t, PR_DT_INT64, "1");
    tn_in(t, PR_DT_FLOAT, "128x8");
    tn_in(t, PR_DT_FLOAT, "128x8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 3LL * 2 * 4 * 10 * 16);
    tn_free(t);
    t = ms("RotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x4x10x16");
    tn_in(t, PR_DT_INT64, "1");
    tn_in(t, PR_DT_FLOAT, "128x5");
    tn_in(t, PR_DT_FLOAT, "128x5");
    CHECK(tn_fails_with(t, 1, "rotary dimension"));
    tn_free(t);
}

static void dmmha_self_shared_buffer_cross_and_packed(void)
{
    /* Shapes as onnxruntime-node 1.31 (CPU) gives them for the same nodes.
     * Self attention, shared buffer of 16 rows, past_sequence_length 3:
     * B 2, H 4, d 8, S = L = 1, T = 3 + 1 = 4; scores 2*4*1*4 = 32. */
    struct tnode *t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_INT32, "2x4");     /* mask_index */
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x16x8");
    tn_in(t, PR_DT_FLOAT, "2x4x16x8");
    tn_in_vals(t, PR_DT_INT32, "1", "3");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "96");   /* bias: 2D + Dv */
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "past_present_share_buffer", 1);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x32");
    CHECK_STR(tn_out_shape(t, 1), "2x4x16x8");
    CHECK_STR(tn_out_shape(t, 2), "2x4x16x8");
    long long scores = 2LL * 4 * 1 * 4;
    CHECK_EQ(tn_cost(t)->macs, scores * 8 + scores * 8);
    /* + 6 per score, 1 mask, the bias added to Q, K and V (64 elements each) */
    CHECK_EQ(tn_cost(t)->flops, 2 * (scores * 16) + scores * 7 + 3LL * 64);
    /* the buffer updated in place: inputs 5, 6 of 16 rows, 3 valid read;
     * outputs 1, 2 of 16 rows, the 1 new written */
    const struct pr_kv_inplace *ip = &tn_cost(t)->inplace;
    CHECK(ip->in[0] == 6 && ip->in[1] == 7 && ip->out[0] == 2 && ip->out[1] == 3);
    CHECK(ip->in_rows == 16 && ip->read == 3 && ip->out_rows == 16 && ip->written == 1);
    tn_free(t);

    /* the same without a shared buffer: T = past 5 + 1; presents grow to 6 */
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x5x8");
    tn_in(t, PR_DT_FLOAT, "2x4x5x8");
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "2x4x6x8");
    CHECK_STR(tn_out_shape(t, 3), "2x4x1x6");
    CHECK_EQ(tn_cost(t)->macs, 2LL * 4 * 1 * 6 * (8 + 8));
    CHECK(!tn_cost(t)->inplace.in[0] && !tn_cost(t)->inplace.out[0]);   /* a new present */
    tn_free(t);

    /* cross attention: key/value per head (2, 4, 7, 8), no past: T = 7;
     * qk (2, 4, 1, 7) as onnxruntime gives it */
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x4x7x8");
    tn_in(t, PR_DT_FLOAT, "2x4x7x8");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "output_qk", 1);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x32");
    CHECK_STR(tn_out_shape(t, 3), "2x4x1x7");
    CHECK_EQ(tn_cost(t)->macs, 2LL * 4 * 1 * 7 * 16);
    CHECK_EQ(tn_cost(t)->flops, 2LL * 2 * 4 * 7 * 16 + 2LL * 4 * 7 * 6);
    tn_free(t);

    /* packed QKV (2, 1, 96): d = 96 / (3 * 4) = 8; shared past of unknown
     * length: the attended length is a data dimension, the cost incomplete */
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x96");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x16x8");
    tn_in(t, PR_DT_FLOAT, "2x4x16x8");
    tn_in(t, PR_DT_INT32, "1");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "past_present_share_buffer", 1);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x32");
    CHECK_STR(tn_out_shape(t, 2), "2x4x16x8");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void dmsa_counts_as_attention_on_a_shared_buffer(void)
{
    /* DecoderMaskedSelfAttention: Attention's inputs, then beam_width and
     * cache_indirection (ONNX Runtime runs it on CUDA only: shapes from its
     * schema, present = past with a shared buffer). B 3 (beams), S 1, Din
     * 32, weights 32x96, H 4,
     * d 8; shared buffer of 16 rows, past_sequence_length 5: T = 6.
     * mask_index (B x T): 1 mask. */
    struct tnode *t = ms("DecoderMaskedSelfAttention");
    tn_in(t, PR_DT_FLOAT, "3x1x32");
    tn_in_weight(t, PR_DT_FLOAT, "32x96");
    tn_in_weight(t, PR_DT_FLOAT, "96");
    tn_in(t, PR_DT_INT32, "3x6");
    tn_in(t, PR_DT_FLOAT, "2x3x4x16x8");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT32, "1", "5");
    tn_in_vals(t, PR_DT_INT32, "1", "3");   /* beam_width */
    tn_in(t, PR_DT_INT32, "1x3x16");        /* cache_indirection */
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "past_present_share_buffer", 1);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x1x32");
    CHECK_STR(tn_out_shape(t, 1), "2x3x4x16x8");
    long long scores = 3LL * 4 * 1 * 6, proj = 3LL * 1 * 32 * 96;
    CHECK_EQ(tn_cost(t)->macs, proj + scores * 8 + scores * 8);
    CHECK_EQ(tn_cost(t)->flops, 2 * (proj + scores * 16) + scores * 7 + 3LL * 96);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    /* the buffer updated in place: input 4 and output 1, 16 rows, 5 read, 1 written */
    const struct pr_kv_inplace *ip = &tn_cost(t)->inplace;
    CHECK(ip->in[0] == 5 && ip->out[0] == 2 && ip->in_rows == 16 && ip->read == 5 && ip->written == 1);
    tn_free(t);
    /* a tenth input is one too many */
    t = ms("DecoderMaskedSelfAttention");
    tn_in(t, PR_DT_FLOAT, "3x1x32");
    tn_in_weight(t, PR_DT_FLOAT, "32x96");
    for (int i = 0; i < 8; i++)
        tn_in_absent(t);
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "DecoderMaskedSelfAttention takes at most 9 inputs") != NULL);
    tn_free(t);
}

static void dmmha_malformed_is_error(void)
{
    struct tnode *t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "key and value must be given together"));
    tn_free(t);
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x90");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "not 3 x num_heads"));
    tn_free(t);
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x5x8");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "past_key and past_value must be given together"));
    tn_free(t);
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x3x5x8");
    tn_in(t, PR_DT_FLOAT, "2x3x5x8");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "(batch, 4 heads, past length"));
    tn_free(t);
    t = ms("DecoderMaskedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "2x1x32");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'num_heads'"));
    tn_free(t);
}

static void hostile_extents_are_errors_not_overflows(void)
{
    /* packed QKV with a head size near 2^62: H * d overflows int64 */
    struct tnode *t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "1x2x4x3x4611686018427387904");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);
    t = ms("MultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "1x2x64");
    tn_in(t, PR_DT_FLOAT, "1x2x64");
    tn_in(t, PR_DT_FLOAT, "1x2x64");
    tn_attr_int(t, "num_heads", 1LL << 40);
    CHECK(tn_fails_with(t, 1, "must be between 1 and"));
    tn_free(t);
    t = ms("Attention");
    tn_in(t, PR_DT_FLOAT, "1x2x4");
    tn_in(t, PR_DT_FLOAT, "4x12");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x1x1x9223372036854775807x4");
    tn_attr_int(t, "num_heads", 1);
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);
    t = tn_new("Attention", 23);   /* ONNX's: past + new keys past int64 */
    tn_in(t, PR_DT_FLOAT, "1x2x3x4");
    tn_in(t, PR_DT_FLOAT, "1x2x5x4");
    tn_in(t, PR_DT_FLOAT, "1x2x5x4");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "1x2x9223372036854775807x4");
    tn_in(t, PR_DT_FLOAT, "1x2x9223372036854775807x4");
    CHECK(tn_fails_with(t, 4, "overflows int64"));
    tn_free(t);
    t = tn_new("Attention", 23);   /* every score: B*H*S*T past 64 bits */
    tn_in(t, PR_DT_FLOAT, "4294967296x4294967296x2x4");
    tn_in(t, PR_DT_FLOAT, "4294967296x4294967296x2x4");
    tn_in(t, PR_DT_FLOAT, "4294967296x4294967296x2x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_overflow(t));
    tn_free(t);
}

/* QAttention: the int8 BERT layer of quantize_dynamic. Shapes and dtypes
 * as onnxruntime-node 1.31 (CPU) gives them for the same nodes: input
 * 2x8x32 u8, weight 32x96 i8, H 4 -> 2x8x32 float; 5 inputs only,
 * unidirectional, per-column weight_scale (48) -> 1x5x16; past
 * (2, 2, 2, 4, 8) -> present 2x2x2x7x8; input 1x4x24 with weight 24x144,
 * H 3 -> 1x4x48; float16 scales and bias -> float16. It refuses, as priori
 * does, num_heads 5 for hidden 32, a bias of 64 for 96 columns, a
 * weight_scale of 32 values, input hidden 30 vs weight rows 32 and an
 * input_scale of 4 values. */
static struct tnode *qattn(const char *x, const char *w, const char *bias, int heads)
{
    struct tnode *t = ms("QAttention");
    tn_in(t, PR_DT_UINT8, x);
    tn_in_weight(t, PR_DT_INT8, w);
    tn_in_weight(t, PR_DT_FLOAT, bias);
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "num_heads", heads);
    return t;
}

static void qattention_counts_as_attention_plus_dequantize(void)
{
    /* B 2, S 8, Din 32, weight 32x96: D 32, H 4, d 8; T = 8; mask_index.
     * scores 2*4*8*8 = 512; projection 2*8*32*96 = 49152 MACs.
     * FLOPs = 2*MACs + 512*(6 + 1 mask) + 2*8*96 (bias) + 2*8*32 (input
     * zero point) + 32*96 (weight zero point) + 2*8*96 (x scales). */
    struct tnode *t = qattn("2x8x32", "32x96", "96", 4);
    tn_in(t, PR_DT_INT32, "2");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x32");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    long long proj = 2LL * 8 * 32 * 96, scores = 2LL * 4 * 8 * 8;
    long long macs = proj + scores * 8 + scores * 8;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * 7 + 2LL * 8 * 96 + 2LL * 8 * 32 + 32LL * 96
                                + 2LL * 8 * 96);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);   /* weight and bias; scales, zero points not */
    tn_free(t);

    /* past (2, 2, H 2, P 4, d 8), S 3: T 7; no zero points, no mask. */
    t = qattn("2x3x16", "16x48", "48", 2);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x2x2x4x8");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x16");
    CHECK_STR(tn_out_shape(t, 1), "2x2x2x7x8");
    scores = 2LL * 2 * 3 * 7;
    macs = 2LL * 3 * 16 * 48 + scores * 16;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * 6 + 2LL * 3 * 48 + 2LL * 3 * 48);
    tn_free(t);

    /* float16 scales give a float16 output */
    t = ms("QAttention");
    tn_in(t, PR_DT_UINT8, "1x4x32");
    tn_in_weight(t, PR_DT_INT8, "32x96");
    tn_in_weight(t, PR_DT_FLOAT16, "96");
    tn_in_weight(t, PR_DT_FLOAT16, "");
    tn_in_weight(t, PR_DT_FLOAT16, "96");
    tn_attr_int(t, "num_heads", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    tn_free(t);
}

static void qattention_errors(void)
{
    struct tnode *t = qattn("1x4x32", "32x96", "96", 5);
    CHECK(tn_fails_with(t, 1, "num_heads 5 does not divide the hidden sizes"));
    tn_free(t);
    t = qattn("1x4x32", "32x96", "64", 4);
    CHECK(tn_fails_with(t, 1, "bias has shape 64 but must be 1-D with the weights' 96 columns"));
    tn_free(t);
    t = qattn("1x4x30", "32x96", "96", 4);
    CHECK(tn_fails_with(t, 1, "30 and 32 disagree"));
    tn_free(t);
    t = qattn("1x4x32", "32x95", "95", 5);
    CHECK(tn_fails_with(t, 1, "weight has 95 columns; QAttention needs three equal"));
    tn_free(t);
    t = ms("QAttention");
    tn_in(t, PR_DT_UINT8, "1x4x32");
    tn_in_weight(t, PR_DT_INT8, "32x96");
    tn_in_weight(t, PR_DT_FLOAT, "96");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "input_scale has shape 4 but must hold one value"));
    tn_free(t);
    t = ms("QAttention");
    tn_in(t, PR_DT_UINT8, "1x4x32");
    tn_in_weight(t, PR_DT_INT8, "32x96");
    tn_in_weight(t, PR_DT_FLOAT, "96");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "weight_scale has shape 32 but must hold one value or one per weight column (96)"));
    tn_free(t);
    t = ms("QAttention");
    tn_in(t, PR_DT_UINT8, "1x4x32");
    tn_in_weight(t, PR_DT_INT8, "32x96");
    tn_in_weight(t, PR_DT_FLOAT, "96");
    tn_attr_int(t, "num_heads", 4);
    CHECK(tn_fails_with(t, 1, "input 3 is required but missing"));
    tn_free(t);
    t = qattn("1x4x32", "32x96", "96", 4);
    tn_attr_ints(t, "qkv_hidden_sizes", "32,32,32");
    CHECK(tn_fails_with(t, 1, "QAttention has no qkv_hidden_sizes"));
    tn_free(t);
    t = qattn("4x32", "32x96", "96", 4);
    CHECK(tn_fails_with(t, 1, "input (input 0) has shape 4x32 but must be 3-D"));
    tn_free(t);
}

/* SparseAttention. Shapes and refusals as onnxruntime-node 1.31 (CPU)
 * gives them for the same single-node graphs (layout, lengths as int32
 * initializers; past and present bound to one buffer, as its kernel
 * requires): prompt 2x40x64 -> output 2x40x64, presents 2x2x64x16; decode
 * 2x1x64 with T 50 -> 2x1x64; packed QKV 1x8x128 -> 1x8x64; do_rotary
 * (caches 64x8, d 32) -> 1x8x64, presents 1x1x64x32. It refuses, as priori
 * does, head size 12 ("head_size must be a multiple of 8"), 3 layouts for
 * 4 heads, T 80 with a layout of 4 blocks of 16 and T 40 with a cache of 32
 * rows. The attended set (key k <= query position q, k's block listed in
 * row q/bs of the head's layout) is the one its kernel masks to: a numpy
 * attention over exactly those pairs matches its outputs for the prompt,
 * decode and packed nodes within 2e-7, a dense causal one differs by 0.05
 * (prompt) and 0.02 (decode); the pairs it attends number 6048, 272 and
 * 144, as below. */
static const char sa_rows[] = "0,1,3,5,8,0,1,3,6,9";
static const char sa_cols[] = "0,0,1,1,2,1,2,3,-1,0,0,1,0,1,2,0,2,3";

/* The ContribOperators.md example: 2 layouts of 4x4 blocks of 16 tokens,
 *   L0 rows {0}, {0,1}, {1,2}, {1,2,3};  L1 rows {0}, {0,1}, {0,1,2}, {0,2,3}
 * H 4 (layouts 0, 1, 0, 1), Hkv 2, d 16, cache 64 rows. */
static struct tnode *sparse(const char *q, int kv, const char *cache, const char *total)
{
    struct tnode *t = ms("SparseAttention");
    char kvs[32];
    tn_in(t, PR_DT_FLOAT, q);
    if (kv) {
        snprintf(kvs, sizeof kvs, "%.*sx32", (int)(strrchr(q, 'x') - q), q);
        tn_in(t, PR_DT_FLOAT, kvs);
        tn_in(t, PR_DT_FLOAT, kvs);
    } else {
        tn_in_absent(t);
        tn_in_absent(t);
    }
    tn_in(t, PR_DT_FLOAT, cache);
    tn_in(t, PR_DT_FLOAT, cache);
    tn_in_vals(t, PR_DT_INT32, "2x5", sa_rows);
    tn_in_vals(t, PR_DT_INT32, "2x9", sa_cols);
    if (total)
        tn_in_vals(t, PR_DT_INT32, "", total);
    else
        tn_in(t, PR_DT_INT32, "");
    tn_in(t, PR_DT_INT32, q[0] == '2' ? "2" : "1");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "kv_num_heads", 2);
    tn_attr_int(t, "sparse_block_size", 16);
    return t;
}

static void sparse_attention_counts_the_attended_blocks(void)
{
    /* Prompt: B 2, S = T = 40, P 0; rows of blocks 0 (queries 0..15),
     * 1 (16..31), 2 (32..39). n(q) = 16*lt + diag*(q mod 16 + 1):
     *   L0: 136 + (16*16 + 136) + (16*8 + 36) = 136 + 392 + 164 = 692
     *   L1: 136 + 392 + (2*16*8 + 36) = 136 + 392 + 292 = 820
     * A = 2*692 + 2*820 = 3024 per sequence; MACs = B*A*2d = 2*3024*32
     * = 193536; FLOPs = 2*MACs + 7*B*A = 387072 + 42336 = 429408. */
    struct tnode *t = sparse("2x40x64", 1, "2x2x64x16", "40");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x40x64");
    CHECK_STR(tn_out_shape(t, 1), "2x2x64x16");
    CHECK_STR(tn_out_shape(t, 2), "2x2x64x16");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 193536);
    CHECK_EQ(tn_cost(t)->flops, 429408);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_ATTENTION);
    CHECK(!tn_incomplete(t));
    tn_free(t);
    /* Decode: S 1, T 50, P 49: q = 49 in row 3 (offset 1); L0 {1,2,3} and
     * L1 {0,2,3} both have lt 2 and the diagonal: n = 32 + 2 = 34.
     * A = 4*34 = 136; MACs 2*136*32 = 8704; FLOPs 17408 + 7*272 = 19312. */
    t = sparse("2x1x64", 1, "2x2x64x16", "50");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x64");
    CHECK_STR(tn_out_shape(t, 1), "2x2x64x16");
    CHECK_EQ(tn_cost(t)->macs, 8704);
    CHECK_EQ(tn_cost(t)->flops, 19312);
    /* past and present are one buffer of 64 rows: 49 valid read, 1 written */
    const struct pr_kv_inplace *ip = &tn_cost(t)->inplace;
    CHECK(ip->in[0] == 4 && ip->in[1] == 5 && ip->out[0] == 2 && ip->out[1] == 3);
    CHECK(ip->in_rows == 64 && ip->read == 49 && ip->out_rows == 64 && ip->written == 1);
    tn_free(t);
    /* Packed QKV 1x8x128: d = 128 / (4 + 2*2) = 16; T 8, all in block 0:
     * n(q) = q + 1, A = 4 * 36 = 144; MACs 144*32 = 4608. */
    t = sparse("1x8x128", 0, "1x2x64x16", "8");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x64");
    CHECK_STR(tn_out_shape(t, 1), "1x2x64x16");
    CHECK_EQ(tn_cost(t)->macs, 4608);
    CHECK_EQ(tn_cost(t)->flops, 9216 + 7 * 144);
    tn_free(t);
}

static void sparse_attention_rotary_and_one_layout(void)
{
    /* H 2, Hkv 1, d 32, one layout (L0), T = S = 8, do_rotary with caches
     * 64x8: r = 16. A = 2*36 = 72; MACs = 72*64 = 4608; FLOPs = 9216 +
     * 7*72 + 3*B*S*(H + Hkv)*r = 9216 + 504 + 3*8*3*16 = 10872. */
    struct tnode *t = ms("SparseAttention");
    tn_in(t, PR_DT_FLOAT, "1x8x64");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x1x64x32");
    tn_in(t, PR_DT_FLOAT, "1x1x64x32");
    tn_in_vals(t, PR_DT_INT32, "1x5", "0,1,3,5,8");
    tn_in_vals(t, PR_DT_INT32, "1x8", "0,0,1,1,2,1,2,3");
    tn_in_vals(t, PR_DT_INT32, "", "8");
    tn_in(t, PR_DT_INT32, "1");
    tn_in_weight(t, PR_DT_FLOAT, "64x8");
    tn_in_weight(t, PR_DT_FLOAT, "64x8");
    tn_attr_int(t, "num_heads", 2);
    tn_attr_int(t, "kv_num_heads", 1);
    tn_attr_int(t, "sparse_block_size", 16);
    tn_attr_int(t, "do_rotary", 1);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x64");
    CHECK_STR(tn_out_shape(t, 1), "1x1x64x32");
    CHECK_EQ(tn_cost(t)->macs, 4608);
    CHECK_EQ(tn_cost(t)->flops, 10872);
    CHECK_EQ(tn_cost(t)->weight_mask & (3ull << 9), 0);   /* cos/sin caches: no params */
    tn_free(t);
}

static void sparse_attention_unknown_layout_or_length_takes_the_bound(void)
{
    /* Layout not a constant: the dense causal bound, A = H*(S*P +
     * S(S+1)/2) = 4*820 = 3280 for the prompt; MACs = 2*3280*32 = 209920. */
    struct tnode *t = ms("SparseAttention");
    tn_in(t, PR_DT_FLOAT, "2x40x64");
    tn_in(t, PR_DT_FLOAT, "2x40x32");
    tn_in(t, PR_DT_FLOAT, "2x40x32");
    tn_in(t, PR_DT_FLOAT, "2x2x64x16");
    tn_in(t, PR_DT_FLOAT, "2x2x64x16");
    tn_in(t, PR_DT_INT32, "2x5");
    tn_in(t, PR_DT_INT32, "2x9");
    tn_in_vals(t, PR_DT_INT32, "", "40");
    tn_in(t, PR_DT_INT32, "2");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "kv_num_heads", 2);
    tn_attr_int(t, "sparse_block_size", 16);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 209920);
    CHECK_EQ(tn_cost(t)->flops, 2 * 209920 + 7 * 2 * 3280);
    tn_free(t);
    /* total_sequence_length unknown: its bound min(64 cache rows, 4 blocks
     * of 16) = 64, P = 63 for one new token: q = 63, row 3 offset 15:
     * n = 2*16 + 16 = 48 in both layouts; A = 4*48 = 192; MACs 2*192*32. */
    t = sparse("2x1x64", 1, "2x2x64x16", NULL);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 2 * 192 * 32);
    tn_free(t);
}

static void sparse_attention_errors(void)
{
    struct tnode *t = ms("SparseAttention");   /* head size 12 */
    tn_in(t, PR_DT_FLOAT, "1x8x24");
    tn_in(t, PR_DT_FLOAT, "1x8x12");
    tn_in(t, PR_DT_FLOAT, "1x8x12");
    tn_in(t, PR_DT_FLOAT, "1x1x64x12");
    tn_in(t, PR_DT_FLOAT, "1x1x64x12");
    tn_in_vals(t, PR_DT_INT32, "1x5", "0,1,3,5,8");
    tn_in_vals(t, PR_DT_INT32, "1x8", "0,0,1,1,2,1,2,3");
    tn_in_vals(t, PR_DT_INT32, "", "8");
    tn_in(t, PR_DT_INT32, "1");
    tn_attr_int(t, "num_heads", 2);
    tn_attr_int(t, "kv_num_heads", 1);
    tn_attr_int(t, "sparse_block_size", 16);
    CHECK(tn_fails_with(t, 3, "head size 12 is not a multiple of 8"));
    tn_free(t);
    t = sparse("1x80x64", 1, "1x2x80x16", "80");
    CHECK(tn_fails_with(t, 3, "total_sequence_length 80 exceeds the 64 tokens the block layout "
                              "covers (4 blocks of 16)"));
    tn_free(t);
    t = sparse("1x8x64", 1, "1x2x32x16", "40");
    CHECK(tn_fails_with(t, 3, "total_sequence_length 40 exceeds the KV cache's 32 rows"));
    tn_free(t);
    t = sparse("1x8x64", 1, "1x2x64x16", "4");
    CHECK(tn_fails_with(t, 3, "total_sequence_length is 4, less than the 8 new tokens"));
    tn_free(t);
    t = sparse("1x8x64", 1, "1x3x64x16", "8");
    CHECK(tn_fails_with(t, 3, "must both be (batch, 2 kv heads, cache length, head size 16)"));
    tn_free(t);
    t = sparse("1x8x64", 1, "1x2x64x16", "8");
    tn_attr_int(t, "do_rotary", 1);
    CHECK(tn_fails_with(t, 3, "do_rotary needs cos_cache and sin_cache"));
    tn_free(t);
    /* 3 layouts for 4 heads */
    t = ms("SparseAttention");
    tn_in(t, PR_DT_FLOAT, "1x8x64");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x2x64x16");
    tn_in(t, PR_DT_FLOAT, "1x2x64x16");
    tn_in(t, PR_DT_INT32, "3x5");
    tn_in(t, PR_DT_INT32, "3x4");
    tn_in_vals(t, PR_DT_INT32, "", "8");
    tn_in(t, PR_DT_INT32, "1");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "kv_num_heads", 2);
    tn_attr_int(t, "sparse_block_size", 16);
    CHECK(tn_fails_with(t, 3, "num_heads 4 is not a multiple of the 3 block layouts"));
    tn_free(t);
    /* a malformed layout: block 4 of 4; a row past the column entries */
    static const char *bad[][2] = {
        {"0,1,3,5,8", "0,0,1,1,2,1,2,4"}, {"0,1,3,5,9", "0,0,1,1,2,1,2,3"}};
    static const char *msg[] = {"entry 7 is block 4; the layout has blocks 0 to 3",
                                "row 3 of the layout spans entries 5 to 9 of block_col_indices, "
                                "which has 8"};
    for (int i = 0; i < 2; i++) {
        t = ms("SparseAttention");
        tn_in(t, PR_DT_FLOAT, "1x64x64");
        tn_in(t, PR_DT_FLOAT, "1x64x32");
        tn_in(t, PR_DT_FLOAT, "1x64x32");
        tn_in(t, PR_DT_FLOAT, "1x2x64x16");
        tn_in(t, PR_DT_FLOAT, "1x2x64x16");
        tn_in_vals(t, PR_DT_INT32, "1x5", bad[i][0]);
        tn_in_vals(t, PR_DT_INT32, "1x8", bad[i][1]);
        tn_in_vals(t, PR_DT_INT32, "", "64");
        tn_in(t, PR_DT_INT32, "1");
        tn_attr_int(t, "num_heads", 4);
        tn_attr_int(t, "kv_num_heads", 2);
        tn_attr_int(t, "sparse_block_size", 16);
        CHECK(tn_fails_with(t, 3, msg[i]));
        tn_free(t);
    }
    t = ms("SparseAttention");
    tn_in(t, PR_DT_FLOAT, "1x8x64");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x8x32");
    tn_in(t, PR_DT_FLOAT, "1x2x64x16");
    tn_in(t, PR_DT_FLOAT, "1x2x64x16");
    tn_attr_int(t, "num_heads", 4);
    tn_attr_int(t, "kv_num_heads", 2);
    tn_attr_int(t, "sparse_block_size", 16);
    CHECK(tn_fails_with(t, 3, "needs past_key, past_value, block_row_indices"));
    tn_free(t);
}

/* The packing mode (ops/packed.c). onnxruntime-node 1.31 has no CPU
 * kernel for any of them ("Could not find an implementation for
 * PackedAttention(1)", PackedMultiHeadAttention, RemovePadding,
 * RestorePadding): these follow ContribOperators.md and the schemas'
 * shape inference. Two sequences padded to S 4 hold 3 and 2 tokens: T 5,
 * cumulative_sequence_length 0,3,5, P = 3^2 + 2^2 = 13 pairs per head. */
static struct tnode *packed_attn(const char *w, const char *bias, const char *cum)
{
    struct tnode *t = ms("PackedAttention");
    tn_in(t, PR_DT_FLOAT, "5x8");
    tn_in_weight(t, PR_DT_FLOAT, w);
    tn_in_weight(t, PR_DT_FLOAT, bias);
    tn_in(t, PR_DT_INT32, "2x4");
    if (cum)
        tn_in_vals(t, PR_DT_INT32, "3", cum);
    else
        tn_in(t, PR_DT_INT32, "3");
    tn_attr_int(t, "num_heads", 2);
    return t;
}

static void packed_attention_counts_each_sequence_alone(void)
{
    /* H 2, dqk = dv = 4: MACs = T*Din*cols + H*P*(dqk + dv) = 5*8*24 +
     * 2*13*8 = 960 + 208 = 1168; FLOPs = 2*1168 + 2*13*6 + 5*24 (bias)
     * = 2336 + 156 + 120 = 2612. */
    struct tnode *t = packed_attn("8x24", "24", "0,3,5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x8");
    CHECK_EQ(tn_cost(t)->macs, 1168);
    CHECK_EQ(tn_cost(t)->flops, 2612);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_ATTENTION);
    tn_free(t);
    /* attention_bias (1, 1, 4, 4): + 2*13 FLOPs */
    t = packed_attn("8x24", "24", "0,3,5");
    tn_in(t, PR_DT_FLOAT, "1x1x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 2612 + 26);
    tn_free(t);
    /* qkv_hidden_sizes 8, 8, 16: dv 8, output 5x16; MACs = 5*8*32 +
     * 2*13*(4 + 8) = 1280 + 312 = 1592 */
    t = packed_attn("8x32", "32", "0,3,5");
    tn_attr_ints(t, "qkv_hidden_sizes", "8,8,16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x16");
    CHECK_EQ(tn_cost(t)->macs, 1592);
    tn_free(t);
    /* lengths unknown: the bound T*S = 5*4 = 20 pairs; MACs 960 + 2*20*8 */
    t = packed_attn("8x24", "24", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 960 + 320);
    tn_free(t);
}

static void packed_mha_packed_qkv_and_bias(void)
{
    /* q, k, v 5x8, H 2: MACs = 2*13*8 = 208; FLOPs = 416 + 156 = 572,
     * + 5*24 = 120 with the bias (24). */
    for (int bias = 0; bias < 2; bias++) {
        struct tnode *t = ms("PackedMultiHeadAttention");
        tn_in(t, PR_DT_FLOAT16, "5x8");
        tn_in(t, PR_DT_FLOAT16, "5x8");
        tn_in(t, PR_DT_FLOAT16, "5x8");
        if (bias)
            tn_in_weight(t, PR_DT_FLOAT16, "24");
        else
            tn_in_absent(t);
        tn_in(t, PR_DT_INT32, "2x4");
        tn_in_vals(t, PR_DT_INT32, "3", "0,3,5");
        tn_attr_int(t, "num_heads", 2);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "5x8");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
        CHECK_EQ(tn_cost(t)->macs, 208);
        CHECK_EQ(tn_cost(t)->flops, 572 + (bias ? 120 : 0));
        tn_free(t);
    }
    /* packed QKV (T, H, 3, d) = 5x2x3x4: output 5x8, the same 208 MACs */
    struct tnode *t = ms("PackedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT16, "5x2x3x4");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_INT32, "2x4");
    tn_in_vals(t, PR_DT_INT32, "3", "0,3,5");
    tn_attr_int(t, "num_heads", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x8");
    CHECK_EQ(tn_cost(t)->macs, 208);
    tn_free(t);
}

static void remove_and_restore_padding(void)
{
    /* 2x4x8 with 3 and 2 real tokens: 5x8, offsets 2x4, cumulated 3,
     * max 1; data movement only */
    struct tnode *t = ms("RemovePadding");
    tn_in(t, PR_DT_FLOAT, "2x4x8");
    tn_in_vals(t, PR_DT_INT32, "2", "3,2");
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x8");
    CHECK_STR(tn_out_shape(t, 1), "2x4");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT32);
    CHECK_STR(tn_out_shape(t, 2), "3");
    CHECK_STR(tn_out_shape(t, 3), "1");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    /* counts unknown: the data dimension, its bound B*S = 8 */
    t = ms("RemovePadding");
    tn_in(t, PR_DT_FLOAT, "2x4x8");
    tn_in(t, PR_DT_INT32, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "8x8");
    tn_free(t);
    t = ms("RemovePadding");
    tn_in(t, PR_DT_FLOAT, "2x4x8");
    tn_in_vals(t, PR_DT_INT32, "2", "5,2");
    CHECK(tn_fails_with(t, 1, "sequence_token_count[0] is 5; it must be 0 to 4"));
    tn_free(t);
    t = ms("RestorePadding");
    tn_in(t, PR_DT_FLOAT, "5x8");
    tn_in(t, PR_DT_INT32, "2x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x8");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = ms("RestorePadding");
    tn_in(t, PR_DT_FLOAT, "9x8");
    tn_in(t, PR_DT_INT32, "2x4");
    CHECK(tn_fails_with(t, 1, "input holds 9 tokens but token_offset has room for 8"));
    tn_free(t);
}

static void packed_attention_errors(void)
{
    struct tnode *t = packed_attn("8x24", "16", "0,3,5");
    CHECK(tn_fails_with(t, 1, "bias has shape 16 but must be 1-D with the weights' 24 columns"));
    tn_free(t);
    t = packed_attn("8x20", "20", "0,3,5");
    CHECK(tn_fails_with(t, 1, "the weights have 20 columns, not three equal Q, K, V parts"));
    tn_free(t);
    t = packed_attn("8x24", "24", "0,3,6");
    CHECK(tn_fails_with(t, 1, "cumulative_sequence_length counts 6 tokens but the input has 5"));
    tn_free(t);
    t = packed_attn("8x24", "24", "0,5,5");
    CHECK(tn_fails_with(t, 1, "sequence 0 has 5 tokens; it must have 0 to 4"));
    tn_free(t);
    t = ms("PackedAttention");
    tn_in(t, PR_DT_FLOAT, "5x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x24");
    tn_in_weight(t, PR_DT_FLOAT, "24");
    tn_in(t, PR_DT_INT32, "3x4");
    tn_in(t, PR_DT_INT32, "3");
    tn_attr_int(t, "num_heads", 2);
    CHECK(tn_fails_with(t, 1, "token_offset 3x4 and cumulative_sequence_length 3 must be"));
    tn_free(t);
    t = ms("PackedMultiHeadAttention");
    tn_in(t, PR_DT_FLOAT, "5x8");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_INT32, "2x4");
    tn_in(t, PR_DT_INT32, "3");
    tn_attr_int(t, "num_heads", 2);
    CHECK(tn_fails_with(t, 1, "query (tokens, hidden) needs key and value"));
    tn_free(t);
}

/* RelativePositionBias (T5) and GatedRelativePositionBias: onnxruntime-
 * node 1.31 has no CPU kernel for either ("Could not find an
 * implementation"); these follow ContribOperators.md and the schemas'
 * shape inference (the lengths' values give the last two extents). */
static struct tnode *relpos(const char *q, const char *k, int bidir)
{
    struct tnode *t = ms("RelativePositionBias");
    tn_in_weight(t, PR_DT_FLOAT, "32x4");
    if (q)
        tn_in_vals(t, PR_DT_INT64, "", q);
    else
        tn_in(t, PR_DT_INT64, "");
    if (k)
        tn_in_vals(t, PR_DT_INT64, "1", k);
    else
        tn_in(t, PR_DT_INT64, "1");
    tn_attr_int(t, "max_distance", 128);
    tn_attr_int(t, "is_bidirectional", bidir);
    return t;
}

static void relative_position_bias_counts_the_buckets(void)
{
    /* 4 heads, Q = K = 5: 25 pairs, 12 FLOPs each bidirectional (300),
     * 11 otherwise (275); the gather per head is data movement. */
    for (int bidir = 0; bidir < 2; bidir++) {
        struct tnode *t = relpos("5", "5", bidir);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x4x5x5");
        CHECK_EQ(tn_cost(t)->macs, 0);
        CHECK_EQ(tn_cost(t)->flops, bidir ? 300 : 275);
        CHECK_EQ(tn_cost(t)->weight_mask, 0x1);   /* the table; not the lengths */
        tn_free(t);
    }
    /* decoder step: Q 1, K 7 -> 1x4x1x7, 7*12 = 84 */
    struct tnode *t = relpos("1", "7", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x1x7");
    CHECK_EQ(tn_cost(t)->flops, 84);
    tn_free(t);
    /* lengths not known: unknown extents, cost incomplete */
    t = relpos(NULL, NULL, 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x?x?");
    CHECK(tn_incomplete(t));
    tn_free(t);
    t = relpos("-3", "5", 1);
    CHECK(tn_fails_with(t, 1, "query_length is -3; it must not be negative"));
    tn_free(t);
    t = ms("RelativePositionBias");
    tn_in_weight(t, PR_DT_FLOAT, "32x4");
    tn_in_vals(t, PR_DT_INT64, "", "5");
    tn_in_vals(t, PR_DT_INT64, "", "5");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'max_distance'"));
    tn_free(t);
}

static struct tnode *gated_relpos(const char *q, const char *w, const char *eco)
{
    struct tnode *t = ms("GatedRelativePositionBias");
    tn_in(t, PR_DT_FLOAT, q);
    tn_in_weight(t, PR_DT_FLOAT, "8");
    tn_in(t, PR_DT_FLOAT, "1x2x5x5");
    tn_in_weight(t, PR_DT_FLOAT, w);
    tn_in_weight(t, PR_DT_FLOAT, "6");
    tn_in_weight(t, PR_DT_FLOAT, eco);
    tn_attr_int(t, "num_heads", 2);
    return t;
}

static void gated_relative_position_bias_counts_the_gate(void)
{
    /* B 2, S 5, H 2, d 4, D 6: R*H = 2*5*2 = 20 rows. MACs = 20*4*6 = 480;
     * FLOPs = 960 + 20*(4 + 12 + 10) + B*H*S*S (2*2*25 = 100) = 1580. */
    struct tnode *t = gated_relpos("2x5x8", "4x6", "1x2x1x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2x5x5");
    CHECK_EQ(tn_cost(t)->macs, 480);
    CHECK_EQ(tn_cost(t)->flops, 1580);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x3a);   /* query_bias, weight, bias, eco_a */
    tn_free(t);
    /* packed: 7 tokens with token_offset 2x5: the same padded 2x2x5x5 */
    t = gated_relpos("7x8", "4x6", "1x2x1x1");
    tn_in(t, PR_DT_INT32, "2x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2x5x5");
    CHECK_EQ(tn_cost(t)->macs, 480);
    tn_free(t);
    t = gated_relpos("2x5x8", "4x5", "1x2x1x1");
    CHECK(tn_fails_with(t, 1, "weight has shape 4x5 but must be (head size 4, D) with D even"));
    tn_free(t);
    t = gated_relpos("2x5x8", "4x6", "1x3x1x1");
    CHECK(tn_fails_with(t, 1, "eco_a has shape 1x3x1x1 but must be (1, 2 heads, 1, 1)"));
    tn_free(t);
}

/* ONNX Attention (opsets 23, 24). MACs = B*H*S*T*(dqk + dv); FLOPs =
 * 2*MACs + B*H*S*T*(6 + masks) (+3 per score with softcap). Shapes are
 * those onnxruntime-node 1.31 gives for the same nodes. */
static struct tnode *onnx_attention(int opset, const char *q, const char *k, const char *v)
{
    struct tnode *t = tn_new("Attention", opset);
    tn_in(t, PR_DT_FLOAT, q);
    tn_in(t, PR_DT_FLOAT, k);
    tn_in(t, PR_DT_FLOAT, v);
    return t;
}

static void onnx_attention_counts_grouped_heads_past_and_masks(void)
{
    /* Q (2, 4, 5, 8), K/V 2 kv heads, L 5, dv 6; past 7: T = 12; a float
     * mask (5, 12) and qk output. scores 2*4*5*12 = 480. */
    struct tnode *t = onnx_attention(23, "2x4x5x8", "2x2x5x8", "2x2x5x6");
    tn_in_weight(t, PR_DT_FLOAT, "5x12");
    tn_in(t, PR_DT_FLOAT, "2x2x7x8");
    tn_in(t, PR_DT_FLOAT, "2x2x7x6");
    tn_attr_int(t, "qk_matmul_output_mode", 1);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x5x6");
    CHECK_STR(tn_out_shape(t, 1), "2x2x12x8");
    CHECK_STR(tn_out_shape(t, 2), "2x2x12x6");
    CHECK_STR(tn_out_shape(t, 3), "2x4x5x12");
    long long scores = 2LL * 4 * 5 * 12, macs = scores * (8 + 6);
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * (6 + 1));
    CHECK_EQ(tn_cost(t)->weight_mask & (1ull << 3), 0);   /* a constant mask is no weight */
    tn_free(t);
    /* rank 3 with the heads as attributes: (2, 5, 32) = 4 x 8, K (2, 7, 16)
     * = 2 x 8, V (2, 7, 12) = 2 x 6 -> Y (2, 5, 24); causal and softcap. */
    t = onnx_attention(23, "2x5x32", "2x7x16", "2x7x12");
    tn_attr_int(t, "q_num_heads", 4);
    tn_attr_int(t, "kv_num_heads", 2);
    tn_attr_int(t, "is_causal", 1);
    tn_attr_float(t, "softcap", 30.0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x24");
    scores = 2LL * 4 * 5 * 7;
    macs = scores * (8 + 6);
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + scores * (6 + 1) + 3 * scores);
    tn_free(t);
    /* opset 24's nonpad_kv_seqlen: a padding mask */
    t = onnx_attention(24, "2x4x5x8", "2x4x9x8", "2x4x9x8");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_INT64, "2");
    tn_attr_int(t, "is_causal", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x5x8");
    scores = 2LL * 4 * 5 * 9;
    CHECK_EQ(tn_cost(t)->flops, 4 * scores * 8 + scores * (6 + 2));
    tn_free(t);
}

static void onnx_attention_refuses_what_cannot_run(void)
{
    struct tnode *t = onnx_attention(23, "2x5x32", "2x7x16", "2x7x12");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'q_num_heads'"));
    tn_free(t);
    t = onnx_attention(23, "2x3x5x8", "2x2x5x8", "2x2x5x8");
    CHECK(tn_fails_with(t, 1, "3 query heads are not a multiple of 2 key/value heads"));
    tn_free(t);
    t = onnx_attention(23, "2x4x5x8", "2x4x5x6", "2x4x5x8");
    CHECK(tn_fails_with(t, 1, "disagree on the batch, the key/value length or the Q/K head size"));
    tn_free(t);
    t = onnx_attention(23, "2x4x5x8", "2x4x5x8", "2x4x5x8");
    tn_in(t, PR_DT_FLOAT, "5x9");   /* longer than T = 5 */
    CHECK(tn_fails_with(t, 1, "attn_mask has shape 5x9"));
    tn_free(t);
    t = onnx_attention(23, "2x4x5x8", "2x4x5x8", "2x4x5x8");
    for (int i = 0; i < 3; i++)
        tn_in_absent(t);
    tn_in(t, PR_DT_INT64, "2");   /* nonpad_kv_seqlen is opset 24's */
    CHECK(tn_fails_with(t, 1, "at most 6 inputs (opset 23)"));
    tn_free(t);
    t = onnx_attention(23, "2x4x5x8", "2x4x5x8", "2x4x5x8x1");
    CHECK(tn_fails_with(t, 1, "must all be (batch, heads, sequence, head size)"));
    tn_free(t);
    t = onnx_attention(23, "2x4x5x8", "2x4x5x8", "2x4x5x8");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x4x3x8");
    CHECK(tn_fails_with(t, 1, "past_key and past_value must be given together"));
    tn_free(t);
}

/* ONNX RotaryEmbedding (opset 23): X, cos_cache, sin_cache[, position_ids];
 * FLOPs = 3 per rotated element. */
static void onnx_rotary_embedding_rotates_the_rotary_dims(void)
{
    struct tnode *t = tn_new("RotaryEmbedding", 23);
    tn_in(t, PR_DT_FLOAT, "2x4x5x8");
    tn_in_weight(t, PR_DT_FLOAT, "16x4");
    tn_in_weight(t, PR_DT_FLOAT, "16x4");
    tn_in(t, PR_DT_INT64, "2x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x5x8");
    CHECK_EQ(tn_cost(t)->flops, 3LL * 2 * 4 * 5 * 8);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x6, 0);   /* the caches are tables, not weights */
    tn_free(t);
    /* rank 3, 2 heads of 8, rotary dim 4, caches (B, S, 2) without ids */
    t = tn_new("RotaryEmbedding", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "2x5x2");
    tn_in(t, PR_DT_FLOAT, "2x5x2");
    tn_attr_int(t, "num_heads", 2);
    tn_attr_int(t, "rotary_embedding_dim", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x16");
    CHECK_EQ(tn_cost(t)->flops, 3LL * 2 * 5 * 2 * 4);
    tn_free(t);
    t = tn_new("RotaryEmbedding", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "16x4");
    tn_in(t, PR_DT_FLOAT, "16x4");
    CHECK(tn_fails_with(t, 1, "3-D (batch, sequence, rotary dim / 2) without position_ids"));
    tn_free(t);
    t = tn_new("RotaryEmbedding", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "2x5x4");
    tn_in(t, PR_DT_FLOAT, "2x5x4");
    CHECK(tn_fails_with(t, 1, "needs the attribute num_heads"));
    tn_free(t);
    t = tn_new("RotaryEmbedding", 23);
    tn_in(t, PR_DT_FLOAT, "2x4x5x8");
    tn_in(t, PR_DT_FLOAT, "16x4");
    tn_in(t, PR_DT_FLOAT, "16x4");
    tn_in(t, PR_DT_INT64, "2x6");
    CHECK(tn_fails_with(t, 1, "position_ids has shape 2x6"));
    tn_free(t);
}

void suite_attention(void)
{
    RUN(onnx_attention_counts_grouped_heads_past_and_masks);
    RUN(onnx_attention_refuses_what_cannot_run);
    RUN(onnx_rotary_embedding_rotates_the_rotary_dims);
    RUN(attention_counts_projection_scores_and_context);
    RUN(attention_past_and_qkv_hidden_sizes);
    RUN(qattention_counts_as_attention_plus_dequantize);
    RUN(qattention_errors);
    RUN(attention_heads_must_divide_hidden_sizes);
    RUN(mha_separate_qkv_with_bias_mask_and_past);
    RUN(mha_packed_qkv_and_packed_kv);
    RUN(mha_per_head_key_value);
    RUN(mha_malformed_is_error);
    RUN(dmmha_self_shared_buffer_cross_and_packed);
    RUN(dmsa_counts_as_attention_on_a_shared_buffer);
    RUN(dmmha_malformed_is_error);
    RUN(gqa_counts_every_query_head);
    RUN(gqa_with_past_and_rotary);
    RUN(gqa_packed_qkv);
    RUN(gqa_head_counts_must_divide);
    RUN(rotary_embedding_counts_rotated_elements);
    RUN(sparse_attention_counts_the_attended_blocks);
    RUN(sparse_attention_rotary_and_one_layout);
    RUN(sparse_attention_unknown_layout_or_length_takes_the_bound);
    RUN(sparse_attention_errors);
    RUN(packed_attention_counts_each_sequence_alone);
    RUN(packed_mha_packed_qkv_and_bias);
    RUN(remove_and_restore_padding);
    RUN(packed_attention_errors);
    RUN(relative_position_bias_counts_the_buckets);
    RUN(gated_relative_position_bias_counts_the_gate);
    RUN(hostile_extents_are_errors_not_overflows);
}
