/* test_activation.c -- activations: shapes, per-element FLOPs of each
 * defining formula, PRelu/Clip inputs, softmax axes across opsets. */
#include "opcheck.h"
#include "test.h"

/* com.microsoft BiasSoftmax and BiasDropout: onnxruntime-node 1.31 has no
 * CPU kernel for either ("Could not find an implementation"); it loads
 * these nodes and refuses a BiasSoftmax without is_inner_broadcast, as
 * priori does. The schemas (contrib_defs.cc) give the shapes: data's. */
static void bias_softmax_and_bias_dropout(void)
{
    /* 2x4x8x8 (512): 1 add + Softmax's 5 = 3072, with either broadcast */
    static const char *const bias[2] = {"2x1x8x8", "1x4x8x8"};
    for (int inner = 0; inner < 2; inner++) {
        struct tnode *t = tn_new_domain("com.microsoft", "BiasSoftmax", 1);
        tn_in(t, PR_DT_FLOAT, "2x4x8x8");
        tn_in(t, PR_DT_FLOAT, bias[inner]);
        tn_attr_int(t, "axis", inner ? -1 : 3);
        tn_attr_int(t, "is_inner_broadcast", inner);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x4x8x8");
        CHECK_EQ(tn_cost(t)->flops, 3072);
        tn_free(t);
    }
    struct tnode *t = tn_new_domain("com.microsoft", "BiasSoftmax", 1);
    tn_in(t, PR_DT_FLOAT, "2x4x8x8");
    tn_in(t, PR_DT_FLOAT, "2x1x8x8");
    CHECK(tn_fails_with(t, 1, "attribute is_inner_broadcast is required"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasSoftmax", 1);
    tn_in(t, PR_DT_FLOAT, "2x4x8x8");
    tn_in(t, PR_DT_FLOAT, "3x1x8x8");
    tn_attr_int(t, "is_inner_broadcast", 0);
    CHECK(tn_fails_with(t, 1, "bias (3x1x8x8) does not broadcast to data (2x4x8x8)"));
    tn_free(t);
    /* BiasDropout 2x5x16 (160): bias add + residual add = 320, a bool mask;
     * with a bias of data's shape and no residual 160 */
    t = tn_new_domain("com.microsoft", "BiasDropout", 1);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x16");
    CHECK_STR(tn_out_shape(t, 1), "2x5x16");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_BOOL);
    CHECK_EQ(tn_cost(t)->flops, 320);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x1e, 0x2);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasDropout", 1);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 160);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasDropout", 1);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "5x16");
    CHECK(tn_fails_with(t, 1, "bias (5x16) must be 1-D with data's last extent or have data's shape"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasDropout", 1);
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_FLOAT, "16");
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    CHECK(tn_fails_with(t, 1, "residual (2x5x8) must have data's shape (2x5x16)"));
    tn_free(t);
}

void suite_activation(void);

static void relu_counts_one_compare_per_element(void)
{
    struct tnode *t = tn_new("Relu", 14);
    tn_in(t, PR_DT_FLOAT, "1x64x112x112");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x64x112x112");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 802816);   /* 64*112*112 x 1 */
    tn_free(t);
}

static void each_activation_counts_its_formula(void)
{
    /* 2x3x4 = 24 elements times the operation count of each formula */
    static const struct { const char *op; int opset; long long flops; } cases[] = {
        {"LeakyRelu", 16, 24 * 2},    /* compare, mul */
        {"Sigmoid", 13, 24 * 4},      /* neg, exp, add, div */
        {"HardSigmoid", 6, 24 * 4},   /* mul, add, min, max */
        {"HardSwish", 14, 24 * 5},    /* HardSigmoid + mul */
        {"Tanh", 13, 24 * 1},
        {"Elu", 6, 24 * 4},           /* compare, exp, sub, mul */
        {"Selu", 6, 24 * 5},          /* compare, exp, mul, sub, mul */
        {"Softplus", 1, 24 * 3},      /* exp, add, log */
        {"Softmax", 13, 24 * 5},      /* max, sub, exp, sum, div */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new(cases[i].op, cases[i].opset);
        tn_in(t, PR_DT_FLOAT16, "2x3x4");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x4");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
        CHECK_EQ(tn_cost(t)->flops, cases[i].flops);
        tn_free(t);
    }
}

static void logsoftmax_adds_one_log_per_row(void)
{
    /* opset 13, axis 1 of 3x4x5: 60 x 5 + rows 3*5 = 315 */
    struct tnode *t = tn_new("LogSoftmax", 13);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x5");
    CHECK_EQ(tn_cost(t)->flops, 315);
    tn_free(t);
    /* opset 13 default axis -1: rows 3*4 = 12 -> 312 */
    t = tn_new("LogSoftmax", 13);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 312);
    tn_free(t);
    /* opset 11 default axis 1, 2-D coercion: rows = 3 -> 303 */
    t = tn_new("LogSoftmax", 11);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 303);
    tn_free(t);
}

static void softmax_axis_out_of_range_is_error(void)
{
    static const int axes[] = {3, -4};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("Softmax", 13);
        tn_in(t, PR_DT_FLOAT, "3x4x5");
        tn_attr_int(t, "axis", axes[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
        CHECK(strstr(tn_error(t), "out of range") != NULL);
        tn_free(t);
    }
}

static void softmax_opset1_coercion_accepts_axis_equal_rank(void)
{
    /* before opset 11 axis = rank is the 2-D coercion's [N, 1]; from 11 it is out of range */
    struct tnode *t = tn_new("Softmax", 1);
    tn_in(t, PR_DT_FLOAT, "4x6");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x6");
    tn_free(t);
    t = tn_new("Softmax", 11);
    tn_in(t, PR_DT_FLOAT, "4x6");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void prelu_slope_is_a_weight_and_broadcasts(void)
{
    /* 1x8x4x4 = 128 elements x (compare, mul) = 256 */
    struct tnode *t = tn_new("PRelu", 16);
    tn_in(t, PR_DT_FLOAT, "1x8x4x4");
    tn_in_weight(t, PR_DT_FLOAT, "8x1x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x4x4");
    CHECK_EQ(tn_cost(t)->flops, 256);
    CHECK_EQ(tn_cost(t)->weight_mask, 2);
    tn_free(t);
}

static void prelu_slope_that_grows_x_is_error(void)
{
    struct tnode *t = tn_new("PRelu", 16);
    tn_in(t, PR_DT_FLOAT, "1x8x4x4");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "slope (3)") != NULL);
    tn_free(t);
    t = tn_new("PRelu", 16);   /* unidirectional: slope may not add dims to X */
    tn_in(t, PR_DT_FLOAT, "4x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void prelu_before_opset7_accepts_channel_slope(void)
{
    /* opset 6: a 1-D slope of X's C = 8 channels; from opset 7 it must broadcast (8 vs 4) */
    struct tnode *t = tn_new("PRelu", 6);
    tn_in(t, PR_DT_FLOAT, "2x8x4x4");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x4x4");
    tn_free(t);
    t = tn_new("PRelu", 7);
    tn_in(t, PR_DT_FLOAT, "2x8x4x4");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void clip_opset11_bounds_are_hyperparameters(void)
{
    /* 3x4 = 12 elements x 2 compares; min/max are not parameters */
    struct tnode *t = tn_new("Clip", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_cost(t)->flops, 24);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
}

static void clip_absent_min_with_max(void)
{
    struct tnode *t = tn_new("Clip", 12);
    tn_in(t, PR_DT_INT8, "3x4x5");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT8, "", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    tn_free(t);
}

static void clip_opset6_takes_attributes_only(void)
{
    struct tnode *t = tn_new("Clip", 6);
    tn_in(t, PR_DT_FLOAT, "10");
    tn_attr_float(t, "min", 0);
    tn_attr_float(t, "max", 6);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 20);
    tn_free(t);
    t = tn_new("Clip", 6);
    tn_in(t, PR_DT_FLOAT, "10");
    tn_in(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "attributes") != NULL);
    tn_free(t);
    t = tn_new("Clip", 11);   /* and opset 11+ rejects the attributes */
    tn_in(t, PR_DT_FLOAT, "10");
    tn_attr_float(t, "min", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void clip_non_scalar_bound_is_error(void)
{
    struct tnode *t = tn_new("Clip", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "scalar") != NULL);
    tn_free(t);
}

static void attribute_of_wrong_type_is_error(void)
{
    struct tnode *t = tn_new("LeakyRelu", 16);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_attr_str(t, "alpha", "0.1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "alpha") != NULL);
    tn_free(t);
}

static void too_many_inputs_is_error(void)
{
    struct tnode *t = tn_new("Relu", 14);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void unknown_extent_keeps_rank_and_is_incomplete(void)
{
    struct tnode *t = tn_new("Sigmoid", 13);
    tn_in(t, PR_DT_FLOAT, "?x10");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x10");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void transformer_activations_count_their_formulas(void)
{
    /* 2x3x4 = 24 elements times the operation count of each formula */
    static const struct { const char *dom, *op; int opset; long long flops; } cases[] = {
        {"", "Erf", 13, 24 * 1},
        {"", "Softsign", 1, 24 * 3},          /* abs, add, div */
        {"", "Celu", 12, 24 * 7},             /* div, exp, sub, mul, min, max, add */
        {"", "Mish", 18, 24 * 5},             /* exp, add, log, tanh, mul */
        {"", "Shrink", 9, 24 * 3},            /* two compares, add or sub */
        {"", "ThresholdedRelu", 10, 24 * 1},  /* compare */
        {"", "Hardmax", 13, 24 * 1},          /* max compare */
        {"", "Gelu", 20, 24 * 5},             /* div, erf, add, mul, mul */
        {"com.microsoft", "Gelu", 1, 24 * 5},
        {"com.microsoft", "QuickGelu", 1, 24 * 6},   /* mul, sigmoid 4, mul */
        {"com.microsoft", "FastGelu", 1, 24 * 8},    /* the tanh form */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new_domain(cases[i].dom, cases[i].op, cases[i].opset);
        tn_in(t, PR_DT_FLOAT, "2x3x4");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x4");
        CHECK_EQ(tn_cost(t)->macs, 0);
        CHECK_EQ(tn_cost(t)->flops, cases[i].flops);
        tn_free(t);
    }
}

static void gelu_tanh_counts_eight_and_rejects_other_modes(void)
{
    /* 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3))): pow, mul, add, mul, tanh,
     * add, mul, mul = 8 per element; 5x7 = 35 elements. */
    struct tnode *t = tn_new("Gelu", 20);
    tn_in(t, PR_DT_FLOAT, "5x7");
    tn_attr_str(t, "approximate", "tanh");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 35 * 8);
    tn_free(t);
    t = tn_new("Gelu", 20);
    tn_in(t, PR_DT_FLOAT, "5x7");
    tn_attr_str(t, "approximate", "fast");
    CHECK(tn_fails_with(t, 1, "must be 'none' or 'tanh'"));
    tn_free(t);
}

static void hardmax_axis_follows_softmax_rules(void)
{
    /* opset 11 coerces to 2-D at axis and accepts axis = rank; opset 13
     * takes one axis in [-r, r-1]. */
    struct tnode *t = tn_new("Hardmax", 11);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_attr_int(t, "axis", 3);
    CHECK(tn_fails_with(t, 1, "out of range"));
    tn_free(t);
    t = tn_new("Hardmax", 1);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_attr_int(t, "axis", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    tn_free(t);
    t = tn_new("Hardmax", 13);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_attr_int(t, "axis", -3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 3 * 4 * 5);
    tn_free(t);
}

static void bias_fusions_add_one_flop_for_the_bias(void)
{
    /* X 2x8x16 = 256 elements, bias (16): BiasGelu = add + Gelu 5 = 6;
     * FastGelu with bias = 1 + 8 = 9; BiasAdd = two adds = 2. */
    struct tnode *t = tn_new_domain("com.microsoft", "BiasGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x8x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x16");
    CHECK_EQ(tn_cost(t)->flops, 256 * 6);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "FastGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x8x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 256 * 9);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasAdd", 1);
    tn_in(t, PR_DT_FLOAT16, "2x8x16");
    tn_in_weight(t, PR_DT_FLOAT16, "16");
    tn_in(t, PR_DT_FLOAT16, "2x8x16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->flops, 256 * 2);
    tn_free(t);
}

static void bias_of_wrong_length_is_error(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "BiasGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x8x16");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 1, "must be 1-D with the input's last extent"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasAdd", 1);
    tn_in(t, PR_DT_FLOAT, "2x8x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_in(t, PR_DT_FLOAT, "2x4x16");
    CHECK(tn_fails_with(t, 1, "skip"));
    tn_free(t);
}

/* com.microsoft BiasSplitGelu: onnxruntime-node 1.31 has no CPU kernel
 * ("Could not find an implementation for BiasSplitGelu(1)"), so the
 * shapes are ContribOperators.md's: (N, S, D) -> (N, S, D/2). */
static void bias_split_gelu_halves_the_hidden_size(void)
{
    /* SD UNet: 2x4096x2560 + bias (2560) -> 2x4096x1280 (10485760 values);
     * 8 per element of Y (2 bias adds, Gelu 5, mul): 83886080. */
    struct tnode *t = tn_new_domain("com.microsoft", "BiasSplitGelu", 1);
    tn_in(t, PR_DT_FLOAT16, "2x4096x2560");
    tn_in_weight(t, PR_DT_FLOAT16, "2560");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4096x1280");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 83886080);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasSplitGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x64x15");
    tn_in_weight(t, PR_DT_FLOAT, "15");
    CHECK(tn_fails_with(t, 1, "X's hidden size D = 15 is odd"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasSplitGelu", 1);
    tn_in(t, PR_DT_FLOAT, "128x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    CHECK(tn_fails_with(t, 1, "BiasSplitGelu needs X of shape (N, S, D) but X is 128x16"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "BiasSplitGelu", 1);
    tn_in(t, PR_DT_FLOAT, "2x64x16");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 1, "the bias (8) must be 1-D with the input's last extent"));
    tn_free(t);
}

/* Swish (opset 24): x * sigmoid(alpha * x), 6 FLOPs per element. */
static void swish_counts_six_per_element(void)
{
    struct tnode *t = tn_new("Swish", 24);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_attr_float(t, "alpha", 1.702);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_cost(t)->flops, 6 * 12);
    tn_free(t);
    t = tn_new("Swish", 24);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_attr_str(t, "alpha", "one");
    CHECK(tn_fails_with(t, 1, "alpha"));
    tn_free(t);
}

void suite_activation(void)
{
    RUN(swish_counts_six_per_element);
    RUN(bias_split_gelu_halves_the_hidden_size);
    RUN(relu_counts_one_compare_per_element);
    RUN(each_activation_counts_its_formula);
    RUN(logsoftmax_adds_one_log_per_row);
    RUN(softmax_axis_out_of_range_is_error);
    RUN(softmax_opset1_coercion_accepts_axis_equal_rank);
    RUN(prelu_slope_is_a_weight_and_broadcasts);
    RUN(prelu_slope_that_grows_x_is_error);
    RUN(prelu_before_opset7_accepts_channel_slope);
    RUN(clip_opset11_bounds_are_hyperparameters);
    RUN(clip_absent_min_with_max);
    RUN(clip_opset6_takes_attributes_only);
    RUN(clip_non_scalar_bound_is_error);
    RUN(attribute_of_wrong_type_is_error);
    RUN(too_many_inputs_is_error);
    RUN(unknown_extent_keeps_rank_and_is_incomplete);
    RUN(transformer_activations_count_their_formulas);
    RUN(gelu_tanh_counts_eight_and_rejects_other_modes);
    RUN(hardmax_axis_follows_softmax_rules);
    RUN(bias_fusions_add_one_flop_for_the_bias);
    RUN(bias_of_wrong_length_is_error);
    RUN(bias_softmax_and_bias_dropout);
}
