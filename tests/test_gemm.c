/* test_gemm.c -- Gemm and MatMul shapes and counts (ops/gemm.c).
 * Every expected value is worked out by hand in the comment beside it. */
#include "opcheck.h"
#include "test.h"

void suite_gemm(void);

static void gemm_without_bias_is_two_flops_per_mac(void)
{
    /* A 2x10, B 10x3: Y 2x3, MACs = 2*3*10 = 60, FLOPs = 120. */
    struct tnode *t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x10");
    tn_in_weight(t, PR_DT_FLOAT, "10x3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 60);
    CHECK_EQ(tn_cost(t)->flops, 120);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
}

static void gemm_trans_flags_alpha_beta_add_flops(void)
{
    /* test_gemm_all_attributes: A 4x3 with transA -> M = 3, K = 4;
     * B 5x4 with transB -> N = 5; C 1x5; alpha 0.25, beta 0.35.
     * MACs = 3*5*4 = 60; FLOPs = 120 + 15 (add C) + 15 (alpha) + 15 (beta) = 165. */
    struct tnode *t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_FLOAT, "5x4");
    tn_in(t, PR_DT_FLOAT, "1x5");
    tn_attr_int(t, "transA", 1);
    tn_attr_int(t, "transB", 1);
    tn_attr_float(t, "alpha", 0.25);
    tn_attr_float(t, "beta", 0.35);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    CHECK_EQ(tn_cost(t)->macs, 60);
    CHECK_EQ(tn_cost(t)->flops, 165);
    tn_free(t);
}

static void gemm_linear_layer_with_vector_bias(void)
{
    /* ResNet-50 fc: A 1x2048, B 1000x2048 (transB), C 1000.
     * MACs = 1*1000*2048 = 2048000; FLOPs = 4096000 + 1000 = 4097000. */
    struct tnode *t = tn_new("Gemm", 11);
    tn_in(t, PR_DT_FLOAT, "1x2048");
    tn_in_weight(t, PR_DT_FLOAT, "1000x2048");
    tn_in_weight(t, PR_DT_FLOAT, "1000");
    tn_attr_int(t, "transB", 1);
    tn_attr_float(t, "alpha", 1.0);
    tn_attr_float(t, "beta", 1.0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1000");
    CHECK_EQ(tn_cost(t)->macs, 2048000);
    CHECK_EQ(tn_cost(t)->flops, 4097000);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    tn_free(t);
}

static void gemm_scalar_and_column_bias_broadcast(void)
{
    /* C scalar and C 3x1 both broadcast to Y 3x4 (A 3x6, B 6x4).
     * MACs = 3*4*6 = 72; FLOPs = 144 + 12 = 156. */
    const char *cs[] = {"", "3x1", "4", "3x4"};
    for (int i = 0; i < 4; i++) {
        struct tnode *t = tn_new("Gemm", 13);
        tn_in(t, PR_DT_FLOAT, "3x6");
        tn_in(t, PR_DT_FLOAT, "6x4");
        tn_in(t, PR_DT_FLOAT, cs[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "3x4");
        CHECK_EQ(tn_cost(t)->flops, 156);
        tn_free(t);
    }
}

static void gemm_unknown_rows_propagate(void)
{
    /* A ?x8, B 8x4: Y ?x4, cost incomplete. */
    struct tnode *t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "?x8");
    tn_in(t, PR_DT_FLOAT, "8x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x4");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void gemm_count_overflow_is_flagged(void)
{
    /* M*N*K = 2^32 * 2 * 2^32 = 2^65 > 2^64. */
    struct tnode *t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "4294967296x4294967296");
    tn_in(t, PR_DT_FLOAT, "4294967296x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_overflow(t));
    tn_free(t);
}

static void gemm_errors(void)
{
    struct tnode *t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ: A is 2x3 (transA=0), B is 4x5 (transB=0)"));
    tn_free(t);

    t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK(tn_fails_with(t, 1, "A is 2x3x4 and B is 4x5; Gemm needs two 2-D matrices"));
    tn_free(t);

    t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_in(t, PR_DT_FLOAT, "3x1");
    CHECK(tn_fails_with(t, 1, "C is 3x1 and does not broadcast to the output 2x5"));
    tn_free(t);

    t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_in(t, PR_DT_FLOAT, "1x2x5");
    CHECK(tn_fails_with(t, 1, "C has rank 3"));
    tn_free(t);

    t = tn_new("Gemm", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_attr_str(t, "alpha", "big");
    CHECK(tn_fails_with(t, 1, "attribute 'alpha' is string but must be float"));
    tn_free(t);
}

static void matmul_2d(void)
{
    /* 3x4 @ 4x5: Y 3x5, MACs 3*5*4 = 60, FLOPs 120. */
    struct tnode *t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT16, "3x4");
    tn_in(t, PR_DT_FLOAT16, "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 60);
    CHECK_EQ(tn_cost(t)->flops, 120);
    tn_free(t);
}

/* Q.K^T (two activations) is the attention class; an operand that is a
 * weight or computed from weights only (F.linear's W.t()) makes it a GEMM. */
static void matmul_kernel_class_follows_its_operands(void)
{
    for (int form = 0; form < 3; form++) {
        struct tnode *t = tn_new("MatMul", 13);
        tn_in(t, PR_DT_FLOAT, "2x4x8");
        struct pr_tensor b = {.dtype = PR_DT_FLOAT, .is_weight = form == 1, .from_weights = form == 2,
                              .shape = {.rank = 2, .dim = {8, 16}}};
        tn_in_tensor(t, &b);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 8 * 16);
        CHECK_EQ(tn_cost(t)->kernel, form == 0 ? PR_KERNEL_ATTENTION : PR_KERNEL_GEMM);
        tn_free(t);
    }
}

static void matmul_1d_operands_are_promoted_then_dropped(void)
{
    static const struct { const char *a, *b, *y; long long macs; } cases[] = {
        {"4", "4", "", 4},               /* dot product: scalar, K = 4 */
        {"4", "4x6", "6", 24},           /* (1x4)(4x6) -> 6: 6*4 = 24 */
        {"3x4", "4", "3", 12},           /* (3x4)(4x1) -> 3: 3*4 = 12 */
        {"4", "7x4x6", "7x6", 168},      /* 7 batches of (1x4)(4x6): 7*6*4 */
        {"2x3x4", "4", "2x3", 24},       /* 2*3 outputs of 4 MACs */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new("MatMul", 13);
        tn_in(t, PR_DT_FLOAT, cases[i].a);
        tn_in(t, PR_DT_FLOAT, cases[i].b);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].y);
        CHECK_EQ(tn_cost(t)->macs, cases[i].macs);
        CHECK_EQ(tn_cost(t)->flops, 2 * cases[i].macs);
        tn_free(t);
    }
}

static void matmul_batched_and_broadcast(void)
{
    static const struct { const char *a, *b, *y; long long macs; } cases[] = {
        {"2x3x4", "2x4x5", "2x3x5", 120},          /* 2*3*5*4 */
        {"2x1x3x4", "5x4x6", "2x5x3x6", 720},      /* 2*5*3*6*4 */
        {"1x12x128x64", "1x12x64x128", "1x12x128x128", 12582912}, /* 12*128*128*64 */
        {"3x4", "8x4x2", "8x3x2", 192},            /* 8*3*2*4 */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new("MatMul", 13);
        tn_in(t, PR_DT_FLOAT, cases[i].a);
        tn_in(t, PR_DT_FLOAT, cases[i].b);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].y);
        CHECK_EQ(tn_cost(t)->macs, cases[i].macs);
        tn_free(t);
    }
}

static void matmul_unknown_extents(void)
{
    /* K unknown in A but known in B: 3x? @ 4x5 -> 3x5, MACs 3*5*4 = 60. */
    struct tnode *t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "3x?");
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    CHECK_EQ(tn_cost(t)->macs, 60);
    CHECK(!tn_incomplete(t));
    tn_free(t);

    /* ?x7x? @ ?x5: batch and K unknown -> ?x7x5, incomplete. */
    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "?x7x?");
    tn_in(t, PR_DT_FLOAT, "?x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x7x5");
    CHECK(tn_incomplete(t));
    CHECK_EQ(tn_cost(t)->macs, 0);
    tn_free(t);
}

static void matmul_count_overflow_is_flagged(void)
{
    /* 2^32 x 2^32 @ 2^32 x 2: 2^32 * 2 * 2^32 = 2^65 MACs. */
    struct tnode *t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "4294967296x4294967296");
    tn_in(t, PR_DT_FLOAT, "4294967296x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_overflow(t));
    tn_free(t);
}

static void matmul_errors(void)
{
    struct tnode *t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "5x6");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ: A is 3x4, B is 5x6"));
    tn_free(t);

    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "5");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ: A is 3x4, B is 5"));
    tn_free(t);

    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    CHECK(tn_fails_with(t, 1, "batch axes do not broadcast: A is 2x3x4, B is 3x4x5"));
    tn_free(t);

    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK(tn_fails_with(t, 1, "MatMul does not accept scalars"));
    tn_free(t);

    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK(tn_fails_with(t, 1, "input 1 is required"));
    tn_free(t);
}

static void fused_matmul_transposes_and_scales(void)
{
    /* A 4x6x3 with transA -> 4x3x6 (M 3, K 6); B 5x6 with transB -> 6x5
     * (N 5). Y 4x3x5, MACs = 4*3*5*6 = 360; alpha 0.125 adds one multiply
     * per output: FLOPs = 720 + 60. */
    struct tnode *t = tn_new_domain("com.microsoft", "FusedMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "4x6x3");
    tn_in_weight(t, PR_DT_FLOAT, "5x6");
    tn_attr_int(t, "transA", 1);
    tn_attr_int(t, "transB", 1);
    tn_attr_float(t, "alpha", 0.125);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3x5");
    CHECK_EQ(tn_cost(t)->macs, 4 * 3 * 5 * 6);
    CHECK_EQ(tn_cost(t)->flops, 2 * 360 + 4 * 3 * 5);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
}

static void fused_matmul_trans_batch_moves_axis0_behind_batch(void)
{
    /* A stored (M=3, 2, 4, K=7) with transBatchA is (2, 4, 3, 7); B 2x4x7x5.
     * Y 2x4x3x5, MACs = 2*4*3*5*7 = 840, alpha 1: FLOPs = 1680. */
    struct tnode *t = tn_new_domain("com.microsoft", "FusedMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "3x2x4x7");
    tn_in(t, PR_DT_FLOAT, "2x4x7x5");
    tn_attr_int(t, "transBatchA", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x3x5");
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 3 * 5 * 7);
    CHECK_EQ(tn_cost(t)->flops, 2 * 840);
    tn_free(t);
}

static void fused_matmul_inner_mismatch_is_error(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "FusedMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "4x6x3");
    tn_in(t, PR_DT_FLOAT, "6x5");
    tn_attr_int(t, "transA", 0);
    CHECK(tn_fails_with(t, 1, "inner dimensions differ"));
    tn_free(t);
}

static void matmul_chain_of_attention_products_stays_batched(void)
{
    /* Q (2,4,10,16) x K^T (2,4,16,12) -> scores 2x4x10x12, MACs 2*4*10*12*16;
     * then scores x V (2,4,12,16) -> 2x4x10x16, MACs 2*4*10*16*12. */
    struct tnode *t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "2x4x10x16");
    tn_in(t, PR_DT_FLOAT, "2x4x16x12");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x10x12");
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 10 * 12 * 16);
    tn_free(t);
    t = tn_new("MatMul", 13);
    tn_in(t, PR_DT_FLOAT, "2x4x10x12");
    tn_in(t, PR_DT_FLOAT, "2x4x12x16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x10x16");
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 10 * 16 * 12);
    tn_free(t);
}

/* com.microsoft FusedGemm. Shapes as onnxruntime-node 1.31 (CPU) gives
 * them for the same nodes: A 3x8, B 5x8 (transB), C (5) -> 3x5 with Relu,
 * Tanh, Sigmoid, Softplus, Softsign, LeakyRelu, HardSigmoid, Elu, Selu,
 * Celu, ThresholdedRelu, ScaledTanh, ParametricSoftplus; A 8x3 transA,
 * alpha 2 -> 3x5; C 3x5, beta 0.5 -> 3x5. It refuses, as priori does, the
 * activations Gelu, Clip, HardSwish, Affine, QuickGelu, Mish, a B of 7
 * rows for K 8 and a C of 4 for N 5; it also refuses a FusedGemm without
 * activation, which the schema allows and priori counts as Gemm. */
static struct tnode *fgemm(const char *a, const char *b, const char *act)
{
    struct tnode *t = tn_new_domain("com.microsoft", "FusedGemm", 1);
    tn_in(t, PR_DT_FLOAT, a);
    tn_in_weight(t, PR_DT_FLOAT, b);
    if (act)
        tn_attr_str(t, "activation", act);
    return t;
}

static void fused_gemm_counts_gemm_and_activation(void)
{
    /* M 3, K 8, N 5: MACs 120; FLOPs 2*120 + 15 (C) + 15 * per element of
     * the activation's own row. */
    static const struct { const char *act; int per; } acts[] = {
        {"Relu", 1}, {"Tanh", 1}, {"Sigmoid", 4}, {"Softplus", 3}, {"Softsign", 3},
        {"LeakyRelu", 2}, {"HardSigmoid", 4}, {"Elu", 4}, {"Selu", 5}, {"Celu", 7},
        {"ThresholdedRelu", 1}, {"ScaledTanh", 3}, {"ParametricSoftplus", 5}};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        struct tnode *t = fgemm("3x8", "5x8", acts[i].act);
        tn_in_weight(t, PR_DT_FLOAT, "5");
        tn_attr_int(t, "transB", 1);
        tn_attr_float(t, "activation_alpha", 0.5);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "3x5");
        CHECK_EQ(tn_cost(t)->macs, 120);
        CHECK_EQ(tn_cost(t)->flops, 240 + 15 + 15 * acts[i].per);
        CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
        CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GEMM);
        tn_free(t);
    }
    /* transA, alpha 2, no C: 240 + 15 (alpha) + 15 (Relu) = 270 */
    struct tnode *t = fgemm("8x3", "8x5", "Relu");
    tn_attr_int(t, "transA", 1);
    tn_attr_float(t, "alpha", 2.0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    CHECK_EQ(tn_cost(t)->flops, 270);
    tn_free(t);
    /* C 3x5 with beta 0.5: 240 + 15 (C) + 15 (beta) + 15 (Relu) = 285 */
    t = fgemm("3x8", "8x5", "Relu");
    tn_in_weight(t, PR_DT_FLOAT, "3x5");
    tn_attr_float(t, "beta", 0.5);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 285);
    tn_free(t);
    /* no activation: Gemm's 240 */
    t = fgemm("3x8", "8x5", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 240);
    tn_free(t);
}

static void fused_gemm_errors(void)
{
    static const char *bad[] = {"Gelu", "Clip", "HardSwish", "Affine", "QuickGelu", "Mish"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tnode *t = fgemm("3x8", "8x5", bad[i]);
        CHECK(tn_fails_with(t, 1, "FusedGemm fuses Relu, Tanh"));
        tn_free(t);
    }
    struct tnode *t = fgemm("3x8", "7x5", "Relu");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ"));
    tn_free(t);
    t = fgemm("3x8", "8x5", "Relu");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "C is 4 and does not broadcast to the output 3x5"));
    tn_free(t);
}

/* com.microsoft TransposeMatMul, FusedMatMul's older name. onnxruntime-
 * node 1.31 (CPU) gives 2x4x3x7 for A 2x4x3x6 (or 2x4x6x3 with transA)
 * and B 4x7x6 with transB. MACs = 2*4*3*7 * 6 = 1008; FLOPs 2*1008 + 168
 * (alpha 0.5 scales Y's 168 elements). */
static void transpose_matmul_is_fused_matmul(void)
{
    for (int ta = 0; ta < 2; ta++) {
        struct tnode *t = tn_new_domain("com.microsoft", "TransposeMatMul", 1);
        tn_in(t, PR_DT_FLOAT, ta ? "2x4x6x3" : "2x4x3x6");
        tn_in_weight(t, PR_DT_FLOAT, "4x7x6");
        tn_attr_int(t, "transA", ta);
        tn_attr_int(t, "transB", 1);
        tn_attr_float(t, "alpha", 0.5);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x4x3x7");
        CHECK_EQ(tn_cost(t)->macs, 1008);
        CHECK_EQ(tn_cost(t)->flops, 2016 + 168);
        tn_free(t);
    }
    struct tnode *t = tn_new_domain("com.microsoft", "TransposeMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "3x4");
    CHECK(tn_fails_with(t, 1, "TransposeMatMul takes 2 inputs and has 1 output but the node has 3"));
    tn_free(t);
}

/* com.microsoft GemmFastGelu: onnxruntime-node 1.31 has no kernel for it
 * ("Could not find an implementation", a ROCm fusion); it loads these
 * nodes and refuses X 4x15 by W 16x24 ("Incompatible dimensions for
 * matrix multiplication"), as priori does. */
static void gemm_fast_gelu_is_matmul_bias_and_fast_gelu(void)
{
    /* 2x5x16 by 16x32 + bias: MACs 10 * 32 * 16 = 5120; FLOPs 10240 +
     * (8 + 1) * 320 = 13120 */
    struct tnode *t = tn_new_domain("com.microsoft", "GemmFastGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in_weight(t, PR_DT_FLOAT, "16x32");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x32");
    CHECK_EQ(tn_cost(t)->macs, 5120);
    CHECK_EQ(tn_cost(t)->flops, 13120);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GEMM);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "GemmFastGelu", 1);
    tn_in(t, PR_DT_FLOAT, "4x16");
    tn_in_weight(t, PR_DT_FLOAT, "16x24");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 2 * 1536 + 8 * 96);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "GemmFastGelu", 1);
    tn_in(t, PR_DT_FLOAT, "4x16");
    tn_in_weight(t, PR_DT_FLOAT, "16x24");
    tn_in_weight(t, PR_DT_FLOAT, "7");
    CHECK(tn_fails_with(t, 1, "bias is 7; it must be 1-D with W's 24 columns"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "GemmFastGelu", 1);
    tn_in(t, PR_DT_FLOAT, "4x15");
    tn_in_weight(t, PR_DT_FLOAT, "16x24");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ"));
    tn_free(t);
}

/* FusedMatMulActivation: FusedMatMul's shape and MACs, plus the
 * activation's FLOPs per element (its ONNX row: Clip 2, Sigmoid 4). */
static void fused_matmul_activation_adds_the_activation(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "FusedMatMulActivation", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "5x4");
    tn_attr_int(t, "transB", 1);
    tn_attr_str(t, "activation", "Clip");
    tn_attr_float(t, "activation_alpha", 0.0);
    tn_attr_float(t, "activation_beta", 6.0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x5");
    CHECK_EQ(tn_cost(t)->macs, 30 * 4);
    CHECK_EQ(tn_cost(t)->flops, 2 * 120 + 2 * 30);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "FusedMatMulActivation", 1);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_attr_float(t, "alpha", 0.5);
    tn_attr_str(t, "activation", "Sigmoid");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 2 * 60 + 15 + 4 * 15);   /* alpha: one multiply per output */
    tn_free(t);
    t = tn_new_domain("com.microsoft", "FusedMatMulActivation", 1);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'activation'"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "FusedMatMulActivation", 1);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_attr_str(t, "activation", "Gelu");
    CHECK(tn_fails_with(t, 1, "activation is 'Gelu'; FusedMatMulActivation fuses"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "FusedGemm", 1);   /* FusedGemm's list has no Clip */
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_attr_str(t, "activation", "Clip");
    CHECK(tn_fails_with(t, 1, "activation is 'Clip'; FusedGemm fuses"));
    tn_free(t);
}

void suite_gemm(void)
{
    RUN(fused_matmul_activation_adds_the_activation);
    RUN(gemm_fast_gelu_is_matmul_bias_and_fast_gelu);
    RUN(fused_matmul_transposes_and_scales);
    RUN(fused_matmul_trans_batch_moves_axis0_behind_batch);
    RUN(fused_matmul_inner_mismatch_is_error);
    RUN(matmul_chain_of_attention_products_stays_batched);
    RUN(gemm_without_bias_is_two_flops_per_mac);
    RUN(gemm_trans_flags_alpha_beta_add_flops);
    RUN(gemm_linear_layer_with_vector_bias);
    RUN(gemm_scalar_and_column_bias_broadcast);
    RUN(gemm_unknown_rows_propagate);
    RUN(gemm_count_overflow_is_flagged);
    RUN(gemm_errors);
    RUN(fused_gemm_counts_gemm_and_activation);
    RUN(fused_gemm_errors);
    RUN(transpose_matmul_is_fused_matmul);
    RUN(matmul_2d);
    RUN(matmul_kernel_class_follows_its_operands);
    RUN(matmul_1d_operands_are_promoted_then_dropped);
    RUN(matmul_batched_and_broadcast);
    RUN(matmul_unknown_extents);
    RUN(matmul_count_overflow_is_flagged);
    RUN(matmul_errors);
}
