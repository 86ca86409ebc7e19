/* test_attention.c -- com.microsoft Attention, MultiHeadAttention,
 * GroupQueryAttention, DecoderMaskedMultiHeadAttention, RotaryEmbedding
 * (ops/attention.c). Expected counts
 * are the closed forms of attention.c's comment written out with the
 * hyper-parameters of each node:
 *   MACs  = projection + B*H*S*T*dqk + B*H*S*T*dv
 *   FLOPs = 2*MACs + B*H*S*T*(1 scale + 5 softmax + masks) + bias adds */
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

void suite_attention(void)
{
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
    RUN(dmmha_malformed_is_error);
    RUN(gqa_counts_every_query_head);
    RUN(gqa_with_past_and_rotary);
    RUN(gqa_packed_qkv);
    RUN(gqa_head_counts_must_divide);
    RUN(rotary_embedding_counts_rotated_elements);
    RUN(hostile_extents_are_errors_not_overflows);
}
