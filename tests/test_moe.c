/* test_moe.c -- com.microsoft MoE and QMoE (ops/moe.c). Every expected
 * count is worked out beside its check from moe.c's formulas, with T
 * tokens, E experts, k per token, d hidden, I inter_size:
 *   MACs  = T*k*d*I*(F + 1 + g)
 *   FLOPs = 2*MACs + T*E*(5 + k) [+ 2k normalised] + T*k*(I*act + biases + 2d)
 *           [QMoE: + 2*min(E, T*k)*d*I*(F + 1 + g)]
 * Shapes, dtypes and refusals as onnxruntime-node 1.31 (CPU) gives them
 * for the same single-node graphs (weights as initializers): MoE relu
 * 5x8, E 4, I 16, k 2 -> float32 5x8; with biases, gelu, k 1 -> 5x8;
 * interleaved swiglu (fc1 4x32x8) on 2x3x8 -> 2x3x8; float16 -> float16
 * 5x8; the legacy layout (fc1 4x8x16, fc2 4x16x8) -> 5x8. QMoE d 32, I 64:
 * 4 bits (fc1 4x64x16), 8 bits, 2 bits, 4 bits block 16 (scales 4x64x2),
 * swiglu interleaved on 1x5x32, legacy layout (fc1 4x32x32, fc2 4x64x16),
 * float16 -> the input's shape and type. It refuses, as priori does and
 * with the same expected shapes: fc2 4x16x8 with fc1 4x16x8 ("fc1 is
 * expected to have shape {4,8,16}"), 4-bit QMoE with unpacked weights
 * ("expected {4,128,16}, got {4,64,32}"), k 5 of 4 experts, router_probs
 * 5x4 for 6 tokens. Its CPU kernels refuse fc3 (MoE, QMoE) and swiglu
 * with swiglu_fusion 0, which the spec defines: those cases follow
 * ContribOperators.md. */
#include "opcheck.h"
#include "test.h"

void suite_moe(void);

/* MoE with input x, router (tokens x e) and fc1/fc2 weights w1, w2. */
static struct tnode *moe(const char *x, const char *router, const char *w1, const char *w2)
{
    struct tnode *t = tn_new_domain("com.microsoft", "MoE", 1);
    tn_in(t, PR_DT_FLOAT, x);
    tn_in(t, PR_DT_FLOAT, router);
    tn_in_weight(t, PR_DT_FLOAT, w1);
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, w2);
    return t;
}

static void moe_top2_relu_counts_k_of_e_experts(void)
{
    /* T 5, E 4, k 2, d 8, I 16, F 1, g 0: MACs = 5*2*8*16*2 = 2560.
     * FLOPs = 5120 + 5*4*(5+2) 140 + 10*(16 relu + 16) 320 = 5580.
     * params: both weight tensors, all 4 experts. */
    struct tnode *t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_attr_int(t, "k", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 2560);
    CHECK_EQ(tn_cost(t)->flops, 5580);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 2) | (1 << 4));
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GEMM);
    tn_free(t);
    /* the legacy layout (fc1 E x d x I, fc2 E x I x d): the same counts */
    t = moe("5x8", "5x4", "4x8x16", "4x16x8");
    tn_attr_int(t, "k", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 2560);
    CHECK_EQ(tn_cost(t)->flops, 5580);
    tn_free(t);
    /* float16 in, float16 out */
    t = tn_new_domain("com.microsoft", "MoE", 1);
    tn_in(t, PR_DT_FLOAT16, "5x8");
    tn_in(t, PR_DT_FLOAT16, "5x4");
    tn_in_weight(t, PR_DT_FLOAT16, "4x16x8");
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT16, "4x8x16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    tn_free(t);
}

static void moe_fused_swiglu_3d_with_biases(void)
{
    /* 2x3x8: T 6; fc1 4x32x8 holds both projections (F 2, I 16).
     * MACs = 6*2*8*16*(2+1) = 4608.
     * per routed token: I*(8 swiglu + 3 clamps) 176 + 2d 16 + b1 32 + b2 8
     * = 232, x 12 = 2784; routing 6*(4*7 + 2*2 normalised) = 192.
     * FLOPs = 9216 + 2784 + 192 = 12192. */
    struct tnode *t = tn_new_domain("com.microsoft", "MoE", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x8");
    tn_in(t, PR_DT_FLOAT, "6x4");
    tn_in_weight(t, PR_DT_FLOAT, "4x32x8");
    tn_in_weight(t, PR_DT_FLOAT, "4x32");
    tn_in_weight(t, PR_DT_FLOAT, "4x8x16");
    tn_in_weight(t, PR_DT_FLOAT, "4x8");
    tn_attr_int(t, "k", 2);
    tn_attr_str(t, "activation_type", "swiglu");
    tn_attr_int(t, "swiglu_fusion", 1);
    tn_attr_float(t, "swiglu_limit", 7.0);
    tn_attr_int(t, "normalize_routing_weights", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x8");
    CHECK_EQ(tn_cost(t)->macs, 4608);
    CHECK_EQ(tn_cost(t)->flops, 12192);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x3c);
    tn_free(t);
}

static void moe_gated_fc3_adds_a_product(void)
{
    /* silu with fc3 (g 1), k 1: MACs = 5*1*8*16*3 = 1920.
     * per routed token: 16*(5 silu + 1 gate) + 16 = 112, x 5 = 560;
     * routing 5*4*6 = 120. FLOPs = 3840 + 560 + 120 = 4520. */
    struct tnode *t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "4x16x8");
    tn_attr_str(t, "activation_type", "silu");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 1920);
    CHECK_EQ(tn_cost(t)->flops, 4520);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 2) | (1 << 4) | (1 << 6));
    tn_free(t);
}

static void moe_errors(void)
{
    struct tnode *t = moe("5x8", "5x4", "4x16x8", "4x16x8");
    CHECK(tn_fails_with(t, 1, "fc1_experts_weights (input 2) is 4x16x8 but must be "
                              "(E, d, I/p) [legacy layout] = 4x8x16"));
    tn_free(t);
    t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_attr_int(t, "k", 5);
    CHECK(tn_fails_with(t, 1, "k is 5; it must be 1 to num_experts (4)"));
    tn_free(t);
    t = moe("6x8", "5x4", "4x16x8", "4x8x16");
    CHECK(tn_fails_with(t, 1, "router_probs (input 1) is 5x4 but must be (tokens, num_experts) = 6x4"));
    tn_free(t);
    /* batch x seq past 64 bits (fuzz_mutate, tests/fuzz/regressions/model/moe_tokens_overflow.onnx) */
    t = moe("9223372036854775807x7x8", "5x4", "4x16x8", "4x8x16");
    CHECK(tn_fails_with(t, 1, "batch x seq tokens overflow 64 bits"));
    tn_free(t);
    t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_attr_str(t, "activation_type", "tanh");
    CHECK(tn_fails_with(t, 1, "activation_type is 'tanh'"));
    tn_free(t);
    t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_attr_str(t, "activation_type", "swiglu");
    CHECK(tn_fails_with(t, 1, "swiglu with swiglu_fusion 0 needs fc3_experts_weights (input 6)"));
    tn_free(t);
    t = moe("5x8", "5x4", "4x16x8", "4x8x16");
    tn_attr_str(t, "activation_type", "swiglu");
    tn_attr_int(t, "swiglu_fusion", 1);
    CHECK(tn_fails_with(t, 1, "fc1_experts_weights (input 2) is 4x16x8 but must be (E, 2*I, d/p) = 4x32x8"));
    tn_free(t);
    t = moe("1x5x8x1", "5x4", "4x16x8", "4x8x16");
    CHECK(tn_fails_with(t, 1, "input is 1x5x8x1; it must be (tokens, hidden) or (batch, seq, hidden)"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MoE", 1);
    tn_in(t, PR_DT_FLOAT, "5x8");
    tn_in(t, PR_DT_FLOAT, "5x4");
    tn_in_weight(t, PR_DT_FLOAT, "4x16x8");
    CHECK(tn_fails_with(t, 1, "MoE needs input, router_probs, fc1_experts_weights (input 2) and "
                              "fc2_experts_weights (input 4)"));
    tn_free(t);
}

/* QMoE, integer weights: x, router, fc1 (w1, scales s1), no fc1 bias,
 * fc2 (w2, s2). */
static struct tnode *qmoe(const char *x, const char *router, const char *w1, const char *s1,
                          const char *w2, const char *s2)
{
    struct tnode *t = tn_new_domain("com.microsoft", "QMoE", 1);
    tn_in(t, PR_DT_FLOAT, x);
    tn_in(t, PR_DT_FLOAT, router);
    tn_in_weight(t, PR_DT_UINT8, w1);
    tn_in_weight(t, PR_DT_FLOAT, s1);
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_UINT8, w2);
    tn_in_weight(t, PR_DT_FLOAT, s2);
    return t;
}

static void qmoe_4bit_counts_logical_weights(void)
{
    /* d 32, I 64, 4 bits (2 per byte): fc1 4x64x16, fc2 4x32x32.
     * T 5, k 2: MACs = 5*2*32*64*2 = 40960.
     * FLOPs = 81920 + 10*(64 + 64) 1280 + 5*4*7 140
     *       + dequantize 2 * min(4, 10) * 32*64*2 = 32768 -> 116108.
     * params: 4*64*16*2 = 8192 logical weights per FC; scales are not. */
    struct tnode *t = qmoe("5x32", "5x4", "4x64x16", "4x64", "4x32x32", "4x32");
    tn_attr_int(t, "k", 2);
    tn_attr_int(t, "expert_weight_bits", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x32");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 40960);
    CHECK_EQ(tn_cost(t)->flops, 116108);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 2) | (1 << 5));
    CHECK_EQ(tn_cost(t)->packed_input[0], 3);
    CHECK_EQ(tn_cost(t)->packed_params[0], 8192);
    CHECK_EQ(tn_cost(t)->packed_input[1], 6);
    CHECK_EQ(tn_cost(t)->packed_params[1], 8192);
    tn_free(t);
    /* one token (decode), k 2: only min(4, 2) = 2 experts are dequantized.
     * MACs = 2*4096 = 8192; FLOPs = 16384 + 2*128 + 4*7 + 2*2*4096 = 33052. */
    t = qmoe("1x32", "1x4", "4x64x16", "4x64", "4x32x32", "4x32");
    tn_attr_int(t, "k", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 8192);
    CHECK_EQ(tn_cost(t)->flops, 33052);
    tn_free(t);
    /* legacy layout: fc1 4x32x32 (d x I/2), fc2 4x64x16 (I x d/2) */
    t = qmoe("5x32", "5x4", "4x32x32", "4x64", "4x64x16", "4x32");
    tn_attr_int(t, "k", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 40960);
    tn_free(t);
}

static void qmoe_8bit_blockwise_and_2bit(void)
{
    /* 8 bits: one value per byte, so no packing: params are the
     * elements; block 16: scales 4x64x(32/16) and 4x32x(64/16). */
    struct tnode *t = qmoe("5x32", "5x4", "4x64x32", "4x64x2", "4x32x64", "4x32x4");
    tn_attr_int(t, "k", 2);
    tn_attr_int(t, "expert_weight_bits", 8);
    tn_attr_int(t, "block_size", 16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 40960);
    CHECK_EQ(tn_cost(t)->packed_input[0], 0);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 2) | (1 << 5));
    tn_free(t);
    /* 2 bits: 4 per byte, fc1 4x64x8: 4*64*8*4 = 8192 logical weights */
    t = qmoe("5x32", "5x4", "4x64x8", "4x64", "4x32x16", "4x32");
    tn_attr_int(t, "k", 2);
    tn_attr_int(t, "expert_weight_bits", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 40960);
    CHECK_EQ(tn_cost(t)->packed_params[0], 8192);
    tn_free(t);
}

static void qmoe_errors(void)
{
    struct tnode *t = qmoe("5x32", "5x4", "4x64x32", "4x64", "4x32x64", "4x32");
    tn_attr_int(t, "k", 2);
    CHECK(tn_fails_with(t, 1, "fc1_experts_weights (input 2) is 4x64x32 but must be "
                              "(E, I, d/p) = 4x128x16"));
    tn_free(t);
    t = qmoe("5x32", "5x4", "4x64x16", "4x64", "4x32x32", "4x32");
    tn_attr_int(t, "expert_weight_bits", 3);
    CHECK(tn_fails_with(t, 1, "expert_weight_bits is 3; it must be 2, 4 or 8"));
    tn_free(t);
    t = qmoe("5x32", "5x4", "4x64x16", "4x64x3", "4x32x32", "4x32");
    tn_attr_int(t, "block_size", 16);
    CHECK(tn_fails_with(t, 1, "scales (input 3) is 4x64x3 but must be (E, I) with a third axis "
                              "of K/block_size = 4x64x2"));
    tn_free(t);
    t = qmoe("5x32", "5x4", "4x64x16", "4x64", "4x32x32", "4x32");
    tn_attr_str(t, "quant_type", "fp8");
    CHECK(tn_fails_with(t, 1, "fc1_experts_weights is uint8; quant_type fp8 stores float8e4m3fn"));
    tn_free(t);
}

void suite_moe(void)
{
    RUN(moe_top2_relu_counts_k_of_e_experts);
    RUN(moe_fused_swiglu_3d_with_biases);
    RUN(moe_gated_fc3_adds_a_product);
    RUN(moe_errors);
    RUN(qmoe_4bit_counts_logical_weights);
    RUN(qmoe_8bit_blockwise_and_2bit);
    RUN(qmoe_errors);
}
