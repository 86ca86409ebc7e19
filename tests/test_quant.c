/* test_quant.c -- quantized and low-precision operators (ops/quant.c).
 * Expected counts are worked out beside each check from quant.c's
 * formulas: integer products count MACs exactly as Conv/MatMul/Gemm;
 * zero points cost one op per operand element when given; requantizing
 * an output element costs 5 (mul, round, add zp, 2 clamp). */
#include "opcheck.h"
#include "test.h"

void suite_quant(void);

#define HAS_ERROR(t, text) CHECK(strstr(tn_error(t), (text)) != NULL)

/* ---- QuantizeLinear / DequantizeLinear ---- */

static void quantize_per_tensor_defaults_to_uint8(void)
{
    /* y = saturate(round(x / s)): div, round, 2 clamp = 4 per element. */
    struct tnode *t = tn_new("QuantizeLinear", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 4 * 24);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);   /* a scale is not a parameter */
    tn_free(t);
}

static void quantize_per_axis_takes_zero_point_type(void)
{
    /* + the zero-point add: 5 per element. */
    struct tnode *t = tn_new("QuantizeLinear", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x3x2");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_in_weight(t, PR_DT_INT8, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x3x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    CHECK_EQ(tn_cost(t)->flops, 5 * 18);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = tn_new("QuantizeLinear", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x3x2");
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "scale has 4 values but x is 1x3x3x2 with extent 3 on axis 1"));
    tn_free(t);
    t = tn_new("QuantizeLinear", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x3x2");
    tn_in(t, PR_DT_FLOAT, "2");
    tn_attr_int(t, "axis", -1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    tn_free(t);
    t = tn_new("QuantizeLinear", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x3x2");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_UINT8, "2");
    CHECK(tn_fails_with(t, 1, "zero point is 2 but its scale is 3"));
    tn_free(t);
}

static void quantize_blocked_int4_and_output_dtype(void)
{
    /* x 4x10, axis 1, block_size 4: scale 4 x ceil(10/4) = 4x3. */
    struct tnode *t = tn_new("QuantizeLinear", 21);
    tn_in(t, PR_DT_FLOAT, "4x10");
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT4, "4x3");
    tn_attr_int(t, "block_size", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT4);
    CHECK_EQ(tn_cost(t)->flops, 5 * 40);
    tn_free(t);
    t = tn_new("QuantizeLinear", 21);
    tn_in(t, PR_DT_FLOAT, "4x10");
    tn_in(t, PR_DT_FLOAT, "4x2");
    tn_attr_int(t, "block_size", 4);
    CHECK(tn_fails_with(t, 1, "axis 1 must be 3"));
    tn_free(t);
    t = tn_new("QuantizeLinear", 21);
    tn_in(t, PR_DT_FLOAT, "4x10");
    tn_in(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "output_dtype", PR_DT_INT8);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    tn_free(t);
    t = tn_new("QuantizeLinear", 21);
    tn_in(t, PR_DT_FLOAT, "4x10");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_attr_int(t, "output_dtype", PR_DT_INT8);
    CHECK(tn_fails_with(t, 1, "output_dtype is int8 but y_zero_point is uint8"));
    tn_free(t);
    t = tn_new("QuantizeLinear", 21);
    tn_in(t, PR_DT_FLOAT, "4x10");
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_attr_int(t, "block_size", -2);
    CHECK(tn_fails_with(t, 1, "block_size is -2"));
    tn_free(t);
}

static void dequantize_weights_and_int32_bias_are_params(void)
{
    /* QDQ weight: int8 16x8 per output channel (axis 0) with zero point:
     * (x - zp) * s = 2 per element; x counts, scale and zp do not. */
    struct tnode *t = tn_new("DequantizeLinear", 13);
    tn_in_weight(t, PR_DT_INT8, "16x8");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_in_weight(t, PR_DT_INT8, "16");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "16x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 2 * 128);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x1);
    tn_free(t);
    /* QDQ bias: int32, no zero point: 1 mul per element; float16 scale. */
    t = tn_new("DequantizeLinear", 19);
    tn_in_weight(t, PR_DT_INT32, "16");
    tn_in_weight(t, PR_DT_FLOAT16, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->flops, 16);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x1);
    tn_free(t);
    t = tn_new("DequantizeLinear", 13);
    tn_in(t, PR_DT_INT8, "16x8");
    tn_in(t, PR_DT_FLOAT, "16x8");
    CHECK(tn_fails_with(t, 1, "it must be a scalar (per tensor) or 1-D"));
    tn_free(t);
}

static void dynamic_quantize_linear_three_outputs(void)
{
    /* 2 per element (min, max), 5 per element (quantize), 7 once
     * (scale: sub, div; zero point: div, sub, round, 2 clamp). */
    struct tnode *t = tn_new("DynamicQuantizeLinear", 11);
    tn_in(t, PR_DT_FLOAT, "3x4");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_out(t, 1)->shape.rank, 0);
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_out(t, 2)->shape.rank, 0);
    CHECK_EQ(tn_out(t, 2)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->flops, (2 + 5) * 12 + 7);
    tn_free(t);
}

/* ---- QLinearConv, ConvInteger ---- */

/* x uint8 1x3x8x8, w int8 4x3x3x3 per-channel, pads 1; w_scale has
 * nws values and the node has B when bias. */
static struct tnode *qconv(const char *w, const char *nws, bool bias)
{
    struct tnode *t = tn_new("QLinearConv", 10);
    tn_in(t, PR_DT_UINT8, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, w);
    tn_in_weight(t, PR_DT_FLOAT, nws);
    tn_in_weight(t, PR_DT_INT8, nws);
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    if (bias)
        tn_in_weight(t, PR_DT_INT32, "4");
    tn_attr_ints(t, "pads", "1,1,1,1");
    return t;
}

static void qlinear_conv_counts_as_conv_plus_requantize(void)
{
    /* Y 1x4x8x8 (256). MACs = 256 * 3*3*3 = 6912.
     * FLOPs = 2*6912 + numel(X) 192 + numel(W) 108 (zero points)
     *       + 5*256 (requantize) + 256 (int32 bias add). */
    struct tnode *t = qconv("4x3x3x3", "4", true);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x8x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->macs, 256 * 27);
    CHECK_EQ(tn_cost(t)->flops, 2 * 256 * 27 + 192 + 108 + 5 * 256 + 256);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 3) | (1 << 8));   /* w and the int32 B */
    tn_free(t);
    t = qconv("4x3x3x3", "3", false);
    CHECK(tn_fails_with(t, 1, "w_scale has 3 values; it must have 1 or 4 (one per output channel)"));
    tn_free(t);
    t = qconv("4x2x3x3", "4", false);
    CHECK(tn_fails_with(t, 1, "input has 3 channels but weight expects 2 x group 1"));
    tn_free(t);
    t = tn_new("QLinearConv", 10);
    tn_in(t, PR_DT_UINT8, "1x3x8x8");
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "input 2 is required"));
    tn_free(t);
}

static void conv_integer_int32_output_and_zero_point_work(void)
{
    /* Y 1x2x3x3 (18), MACs = 18 * 1*3*3 = 162; x_zero_point given: + 25. */
    struct tnode *t = tn_new("ConvInteger", 10);
    tn_in(t, PR_DT_UINT8, "1x1x5x5");
    tn_in_weight(t, PR_DT_UINT8, "2x1x3x3");
    tn_in_weight(t, PR_DT_UINT8, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x3x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_EQ(tn_cost(t)->macs, 162);
    CHECK_EQ(tn_cost(t)->flops, 2 * 162 + 25);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
    /* strides 2, both zero points (w's per channel): + 25 + 18. */
    t = tn_new("ConvInteger", 10);
    tn_in(t, PR_DT_UINT8, "1x1x5x5");
    tn_in_weight(t, PR_DT_UINT8, "2x1x3x3");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_UINT8, "2");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x2x2");
    CHECK_EQ(tn_cost(t)->macs, 8 * 9);
    CHECK_EQ(tn_cost(t)->flops, 2 * 72 + 25 + 18);
    tn_free(t);
}

/* ---- QLinearMatMul, MatMulInteger ---- */

static void qlinear_matmul_counts_as_matmul_plus_requantize(void)
{
    /* A 2x3x4 @ B 4x5 -> 2x3x5 (30); MACs = 30 * 4 = 120.
     * FLOPs = 240 + numel(A) 24 + numel(B) 20 + 5*30. */
    struct tnode *t = tn_new("QLinearMatMul", 10);
    tn_in(t, PR_DT_UINT8, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "1");
    tn_in(t, PR_DT_UINT8, "1");
    tn_in_weight(t, PR_DT_INT8, "4x5");
    tn_in_weight(t, PR_DT_FLOAT, "5");
    tn_in_weight(t, PR_DT_INT8, "5");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT8, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    CHECK_EQ(tn_cost(t)->macs, 120);
    CHECK_EQ(tn_cost(t)->flops, 240 + 24 + 20 + 5 * 30);
    CHECK_EQ(tn_cost(t)->weight_mask, 1 << 3);
    tn_free(t);
    t = tn_new("QLinearMatMul", 10);
    tn_in(t, PR_DT_UINT8, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "1");
    tn_in(t, PR_DT_UINT8, "1");
    tn_in(t, PR_DT_INT8, "4x5");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_in(t, PR_DT_INT8, "4");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT8, "");
    CHECK(tn_fails_with(t, 1, "b_scale has 4 values; it must have 1 or 5 (one per column of b)"));
    tn_free(t);
}

static void matmul_integer_int32_output(void)
{
    /* A 4x3 @ B 3x2: MACs 4*2*3 = 24; a_zero_point given: + 12. */
    struct tnode *t = tn_new("MatMulInteger", 10);
    tn_in(t, PR_DT_UINT8, "4x3");
    tn_in_weight(t, PR_DT_INT8, "3x2");
    tn_in_weight(t, PR_DT_UINT8, "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_EQ(tn_cost(t)->macs, 24);
    CHECK_EQ(tn_cost(t)->flops, 48 + 12);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
    tn_free(t);
    t = tn_new("MatMulInteger", 10);
    tn_in(t, PR_DT_UINT8, "4x3");
    tn_in(t, PR_DT_INT8, "4x2");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ"));
    tn_free(t);
}

/* ---- com.microsoft elementwise ---- */

static void qlinear_add_mul_broadcast_and_zero_points(void)
{
    /* all zero points: dequant 2 + 2, op 1, quantize 5 = 10 per element. */
    const char *ops[] = {"QLinearAdd", "QLinearMul"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new_domain("com.microsoft", ops[i], 1);
        tn_in(t, PR_DT_UINT8, "2x3x4");
        tn_in(t, PR_DT_FLOAT, "");
        tn_in(t, PR_DT_UINT8, "");
        tn_in_weight(t, PR_DT_UINT8, "4");
        tn_in_weight(t, PR_DT_FLOAT, "");
        tn_in_weight(t, PR_DT_UINT8, "");
        tn_in(t, PR_DT_FLOAT, "");
        tn_in(t, PR_DT_UINT8, "");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x4");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
        CHECK_EQ(tn_cost(t)->flops, 10 * 24);
        CHECK_EQ(tn_cost(t)->weight_mask, 1 << 3);   /* constant B, not its scale/zp */
        tn_free(t);
    }
    /* no zero points: 1 + 1 + 1 + 4 = 7 per element. */
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearAdd", 1);
    tn_in(t, PR_DT_INT8, "5x1");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_INT8, "1x6");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x6");
    CHECK_EQ(tn_cost(t)->flops, 7 * 30);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearMul", 1);
    tn_in(t, PR_DT_INT8, "5x2");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_INT8, "5x3");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "A is 5x2 and B is 5x3; they do not broadcast"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearAdd", 1);
    tn_in(t, PR_DT_INT8, "5x2");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_INT8, "5x2");
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "input 6 (C_scale) is required"));
    tn_free(t);
}

static void qlinear_sigmoid_and_leaky_relu(void)
{
    /* Sigmoid, both zero points: 2 + 4 + 5 = 11 per element. */
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearSigmoid", 1);
    tn_in(t, PR_DT_INT8, "1x16");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT8, "");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT8, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    CHECK_EQ(tn_cost(t)->flops, 11 * 16);
    tn_free(t);
    /* LeakyRelu, X's zero point only: 2 + 2 + 4 = 8 per element. */
    t = tn_new_domain("com.microsoft", "QLinearLeakyRelu", 1);
    tn_in(t, PR_DT_UINT8, "3x5");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_FLOAT, "");
    tn_attr_float(t, "alpha", 0.1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 8 * 15);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearSigmoid", 1);
    tn_in(t, PR_DT_INT8, "1x16");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_INT8, "");
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "X_scale is 3; it must hold one value (per tensor)"));
    tn_free(t);
}

static void qlinear_global_average_pool_both_layouts(void)
{
    /* X 1x8x7x7 (392): sums 392, then per output (8) 4 + 2 zero points. */
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearGlobalAveragePool", 1);
    tn_in(t, PR_DT_UINT8, "1x8x7x7");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x1x1");
    CHECK_EQ(tn_cost(t)->flops, 392 + 6 * 8);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearGlobalAveragePool", 1);
    tn_in(t, PR_DT_UINT8, "2x7x7x8");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "channels_last", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x1x8");
    CHECK_EQ(tn_cost(t)->flops, 2 * 392 + 4 * 16);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearGlobalAveragePool", 1);
    tn_in(t, PR_DT_UINT8, "2x8");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "at least one spatial dim"));
    tn_free(t);
}

static void qlinear_concat_requantizes_every_element(void)
{
    /* 1x2x4 ++ 1x3x4 on axis 1 = 1x5x4 (20); 7 per element. */
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearConcat", 1);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_UINT8, "1x2x4");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_UINT8, "1x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->flops, 7 * 20);
    CHECK_EQ(tn_cost(t)->weight_mask, 1 << 5);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearConcat", 1);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_UINT8, "1x2x4");
    tn_in(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "axis", 1);
    CHECK(tn_fails_with(t, 1, "4 inputs; QLinearConcat takes"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearConcat", 1);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in(t, PR_DT_UINT8, "1x2x4");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    CHECK(tn_fails_with(t, 1, "attribute 'axis' is required"));
    tn_free(t);
}

/* ---- QGemm, DynamicQuantizeMatMul, MatMulNBits ---- */

static void qgemm_quantized_and_float_outputs(void)
{
    /* A 3x5, B 4x5 transB -> 3x4 (12); MACs 3*4*5 = 60.
     * FLOPs = 120 + 12 (C) + 15 (a_zp) + 20 (b_zp) + 12*5 (requantize). */
    struct tnode *t = tn_new_domain("com.microsoft", "QGemm", 1);
    tn_in(t, PR_DT_UINT8, "3x5");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, "4x5");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_in_weight(t, PR_DT_INT8, "4");
    tn_in_weight(t, PR_DT_INT32, "4");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT8, "");
    tn_attr_int(t, "transB", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT8);
    CHECK_EQ(tn_cost(t)->macs, 60);
    CHECK_EQ(tn_cost(t)->flops, 120 + 12 + 15 + 20 + 12 * 5);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 3) | (1 << 6));
    tn_free(t);
    /* float output, alpha 2, no C, no b_zp: 120 + 12 (alpha) + 15 + 12*1. */
    t = tn_new_domain("com.microsoft", "QGemm", 1);
    tn_in(t, PR_DT_UINT8, "3x5");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, "5x4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_attr_float(t, "alpha", 2.0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 120 + 12 + 15 + 12);
    tn_free(t);
}

static void dynamic_quantize_matmul_counts(void)
{
    /* A 2x6x8 (96) @ B 8x16 -> 2x6x16 (192); MACs 192*8 = 1536.
     * FLOPs = 3072 + 7*96 + 7 (quantize A) + 96 (a_zp) + 128 (b_zp)
     *       + 192 (scale) + 192 (bias). */
    struct tnode *t = tn_new_domain("com.microsoft", "DynamicQuantizeMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "2x6x8");
    tn_in_weight(t, PR_DT_INT8, "8x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_in_weight(t, PR_DT_INT8, "16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x6x16");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 1536);
    CHECK_EQ(tn_cost(t)->flops, 3072 + 7 * 96 + 7 + 96 + 128 + 192 + 192);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 1) | (1 << 4));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "DynamicQuantizeMatMul", 1);
    tn_in(t, PR_DT_FLOAT, "2x6x8");
    tn_in_weight(t, PR_DT_INT8, "8x16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 1, "bias is 8; it must be 1-D with B's 16 columns"));
    tn_free(t);
}

/* MatMulIntegerToFloat. Shapes and dtypes as onnxruntime-node 1.31 (CPU)
 * gives them for the same nodes: A 2x5x8 u8 @ B 8x6 -> 2x5x6 float; A 4x8
 * @ B 8x6 with per-column b_scale/b_zero_point -> 4x6; A 3x1x4x8 @ B 2x8x5
 * -> 3x2x4x5; A 8 @ B 8x6 -> 6; float16 scales -> float16 output; it
 * refuses, as priori does, a_scale of 8 or 2 values, b_scale of 5 values
 * for 6 columns, inner dims 7 vs 8 and a bias of 5 for 6 columns. */
static struct tnode *mitf(const char *a, const char *b, const char *as, const char *bs)
{
    struct tnode *t = tn_new_domain("com.microsoft", "MatMulIntegerToFloat", 1);
    tn_in(t, PR_DT_UINT8, a);
    tn_in_weight(t, PR_DT_INT8, b);
    tn_in_weight(t, PR_DT_FLOAT, as);
    tn_in_weight(t, PR_DT_FLOAT, bs);
    return t;
}

static void matmul_integer_to_float_counts(void)
{
    /* A 2x5x8 (80) @ B 8x6 (48) -> 2x5x6 (60); MACs 60*8 = 480.
     * FLOPs = 960 + 80 (a_zp) + 48 (b_zp) + 60 (scale) + 60 (bias). */
    struct tnode *t = mitf("2x5x8", "8x6", "", "6");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, "6");
    tn_in_weight(t, PR_DT_FLOAT, "6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x6");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 480);
    CHECK_EQ(tn_cost(t)->flops, 960 + 80 + 48 + 60 + 60);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 1) | (1 << 6));   /* B and bias */
    tn_free(t);
    /* No zero points nor bias, batched B, float16 scales:
     * A 3x1x4x8 @ B 2x8x5 -> 3x2x4x5 (120); MACs 120*8 = 960; FLOPs 1920 + 120. */
    t = tn_new_domain("com.microsoft", "MatMulIntegerToFloat", 1);
    tn_in(t, PR_DT_INT8, "3x1x4x8");
    tn_in_weight(t, PR_DT_INT8, "2x8x5");
    tn_in(t, PR_DT_FLOAT16, "");
    tn_in(t, PR_DT_FLOAT16, "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 960);
    CHECK_EQ(tn_cost(t)->flops, 1920 + 120);
    tn_free(t);
    /* 1-D A: 8 @ 8x6 -> 6; MACs 48. */
    t = mitf("8", "8x6", "", "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "6");
    CHECK_EQ(tn_cost(t)->macs, 48);
    tn_free(t);
}

static void matmul_integer_to_float_errors(void)
{
    struct tnode *t = mitf("2x8", "8x6", "8", "");
    CHECK(tn_fails_with(t, 1, "a_scale is 8; it must hold one value (per tensor)"));
    tn_free(t);
    t = mitf("2x8", "8x6", "", "5");
    CHECK(tn_fails_with(t, 1, "b_scale has 5 values; it must have 1 or 6 (one per column of B)"));
    tn_free(t);
    t = mitf("2x7", "8x6", "", "");
    CHECK(tn_fails_with(t, 1, "inner dimensions differ"));
    tn_free(t);
    t = mitf("2x8", "8x6", "", "6");
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_INT8, "5");
    CHECK(tn_fails_with(t, 1, "b_zero_point is 5 but its scale is 6"));
    tn_free(t);
    t = mitf("2x8", "8x6", "", "");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "5");
    CHECK(tn_fails_with(t, 1, "bias is 5; it must be 1-D with B's 6 columns"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MatMulIntegerToFloat", 1);
    tn_in(t, PR_DT_UINT8, "2x8");
    tn_in_weight(t, PR_DT_INT8, "8x6");
    tn_in_weight(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "input 3 is required but missing"));
    tn_free(t);
}

/* MatMulNBits with K 80, N 10, block_size 32: ceil(80/32) = 3 blocks;
 * B shape given (4 bits: blob 32*4/8 = 16 bytes). */
static struct tnode *nbits(const char *a, const char *b, int bits)
{
    struct tnode *t = tn_new_domain("com.microsoft", "MatMulNBits", 1);
    tn_in(t, PR_DT_FLOAT, a);
    tn_in_weight(t, PR_DT_UINT8, b);
    tn_in_weight(t, PR_DT_FLOAT, "30");
    tn_in_weight(t, PR_DT_UINT8, "15");
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "10");
    tn_attr_int(t, "K", 80);
    tn_attr_int(t, "N", 10);
    tn_attr_int(t, "bits", bits);
    tn_attr_int(t, "block_size", 32);
    return t;
}

static void matmul_nbits_counts_logical_weights(void)
{
    /* Y 2x7x10 (140); MACs = 140 * K 80 = 11200.
     * FLOPs = 22400 + 2*N*K 1600 (dequantize) + 140 (bias).
     * params of B: N*K = 800 logical weights, not its 480 bytes. */
    struct tnode *t = nbits("2x7x80", "10x3x16", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x7x10");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 140 * 80);
    CHECK_EQ(tn_cost(t)->flops, 2 * 140 * 80 + 2 * 10 * 80 + 140);
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 1) | (1 << 5));
    CHECK_EQ(tn_cost(t)->packed_input[0], 2);
    CHECK_EQ(tn_cost(t)->packed_params[0], 10 * 80);
    tn_free(t);
    /* 8 bits, B flattened to (N, 3 blocks * 32 bytes). */
    t = nbits("80", "10x96", 8);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "10");
    CHECK_EQ(tn_cost(t)->macs, 10 * 80);
    tn_free(t);
}

static void matmul_nbits_errors(void)
{
    struct tnode *t = nbits("2x7x80", "10x3x8", 4);
    CHECK(tn_fails_with(t, 1, "B is 10x3x8 but K 80, N 10, bits 4 and block_size 32 make axis 2 16"));
    tn_free(t);
    t = nbits("2x7x64", "10x3x16", 4);
    CHECK(tn_fails_with(t, 1, "A is 2x7x64 but its last axis must be K = 80"));
    tn_free(t);
    t = nbits("2x7x80", "10x3x16", 9);
    CHECK(tn_fails_with(t, 1, "bits is 9"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MatMulNBits", 1);
    tn_in(t, PR_DT_FLOAT, "2x80");
    tn_in(t, PR_DT_UINT8, "10x3x16");
    tn_in(t, PR_DT_FLOAT, "30");
    tn_attr_int(t, "K", 80);
    tn_attr_int(t, "N", 10);
    CHECK(tn_fails_with(t, 1, "attributes K, N and block_size are required"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MatMulNBits", 1);
    tn_in(t, PR_DT_FLOAT, "2x80");
    tn_in(t, PR_DT_UINT8, "10x3x16");
    tn_in(t, PR_DT_FLOAT, "30");
    tn_attr_int(t, "K", 80);
    tn_attr_int(t, "N", 10);
    tn_attr_int(t, "block_size", 48);
    CHECK(tn_fails_with(t, 1, "block_size is 48; it must be a power of 2"));
    tn_free(t);
}

/* GatherBlockQuantized. Shapes and dtypes as onnxruntime-node 1.31 (CPU)
 * gives them for the same nodes: uint8 100x16 (4 bits: logical 100x32),
 * block 16, scales 100x2, indices 1x5 -> 1x5x32 float, also with packed
 * zero points 100x1; uint8 bits 8 50x64 indices 3 -> 3x64; bits 2 20x8
 * (logical 20x32) indices 2x2 -> 2x2x32; no attributes (bits 4, block 128,
 * quantize_axis 1) 10x64 scales 10x1 -> 4x128; int4 8x32 indices 2x3 ->
 * 2x3x32; uint4 with zero points -> 2x32; int4 64x10 gather_axis 1,
 * quantize_axis 0, scales 2x10 -> 64x3; int4 3x4x32 gather_axis 1 -> 3x2x2x32;
 * int4 3x40 block 16 (3 blocks) -> 2x40; uint8 5x4x24 quantize_axis -1
 * with zero points 5x4x2 -> 3x4x48; float16 scales, scalar index -> 32
 * float16. It refuses, as priori does: unpacked zero points for uint8,
 * scales 100x3 for 2 blocks, block_size 24, gather_axis 1 or quantize_axis
 * 0 or 1 (not last) for uint8, bits 3. */
static struct tnode *gbq(int dtype, const char *data, const char *idx, const char *scales)
{
    struct tnode *t = tn_new_domain("com.microsoft", "GatherBlockQuantized", 1);
    tn_in_weight(t, dtype, data);
    tn_in(t, PR_DT_INT64, idx);
    tn_in_weight(t, PR_DT_FLOAT, scales);
    return t;
}

static void gather_block_quantized_unpacks_and_counts_logical_weights(void)
{
    /* uint8 4 bits: 100x16 bytes hold 100x32 values; Y 1x5x32 (160).
     * FLOPs = 2 * 160 (mul scale, sub the default zero point 8);
     * params 100*32 = 3200 (packed_input), scales not. */
    struct tnode *t = gbq(PR_DT_UINT8, "100x16", "1x5", "100x2");
    tn_attr_int(t, "block_size", 16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x32");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 2 * 160);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    CHECK_EQ(tn_cost(t)->packed_input[0], 1);
    CHECK_EQ(tn_cost(t)->packed_params[0], 3200);
    tn_free(t);
    /* bits 2: 20x8 bytes -> 20x32; packed zero points 20 x ceil(2*2/8) = 20x1. */
    t = gbq(PR_DT_UINT8, "20x8", "2x2", "20x2");
    tn_in_weight(t, PR_DT_UINT8, "20x1");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "bits", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2x32");
    CHECK_EQ(tn_cost(t)->flops, 2 * 128);
    CHECK_EQ(tn_cost(t)->packed_params[0], 640);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    tn_free(t);
    /* defaults: bits 4, block 128, axes 0 and 1: 10x64 -> 10x128, 1 block. */
    t = gbq(PR_DT_UINT8, "10x64", "4", "10x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x128");
    tn_free(t);
    /* int4: one value per element, no zero point: 1 FLOP per element, its
     * own element count as params (no packing). */
    t = gbq(PR_DT_INT4, "8x32", "2x3", "8x2");
    tn_attr_int(t, "block_size", 16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x32");
    CHECK_EQ(tn_cost(t)->flops, 192);
    CHECK_EQ(tn_cost(t)->packed_input[0], 0);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    tn_free(t);
    /* int4 gathered on axis 1 of 3x4x32, 40 columns in ceil(40/16) = 3 blocks */
    t = gbq(PR_DT_INT4, "3x4x32", "2x2", "3x4x2");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "gather_axis", 1);
    tn_attr_int(t, "quantize_axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x2x32");
    tn_free(t);
    t = gbq(PR_DT_UINT4, "3x40", "2", "3x3");
    tn_in_weight(t, PR_DT_UINT4, "3x3");
    tn_attr_int(t, "block_size", 16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x40");
    CHECK_EQ(tn_cost(t)->flops, 2 * 80);
    tn_free(t);
    /* float16 scales, scalar index: a row of 32 float16 values */
    t = tn_new_domain("com.microsoft", "GatherBlockQuantized", 1);
    tn_in_weight(t, PR_DT_UINT8, "100x16");
    tn_in(t, PR_DT_INT64, "");
    tn_in_weight(t, PR_DT_FLOAT16, "100x2");
    tn_attr_int(t, "block_size", 16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "32");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    tn_free(t);
    /* float8 data: block_size 0 is one block per row, scales broadcast */
    t = gbq(PR_DT_FLOAT8E4M3FN, "6x32", "3", "1x1");
    tn_attr_int(t, "block_size", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x32");
    CHECK_EQ(tn_cost(t)->flops, 96);
    tn_free(t);
}

static void gather_block_quantized_errors(void)
{
    struct tnode *t = gbq(PR_DT_UINT8, "100x16", "3", "100x3");
    tn_attr_int(t, "block_size", 16);
    CHECK(tn_fails_with(t, 1, "scales is 100x3 but data is 100x16 (logical 100x32) with "
                              "block_size 16 on quantize_axis 1: axis 1 must be 2"));
    tn_free(t);
    t = gbq(PR_DT_UINT8, "100x16", "3", "100x2");
    tn_in_weight(t, PR_DT_UINT8, "100x2");
    tn_attr_int(t, "block_size", 16);
    CHECK(tn_fails_with(t, 1, "zero_points is 100x2 but scales is 100x2; it must have the "
                              "scales' shape with the last axis packed"));
    tn_free(t);
    t = gbq(PR_DT_UINT8, "100x16", "3", "100x2");
    tn_attr_int(t, "block_size", 24);
    CHECK(tn_fails_with(t, 1, "block_size is 24; it must be a power of 2 and >= 16"));
    tn_free(t);
    t = gbq(PR_DT_UINT8, "100x16", "3", "100x2");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "gather_axis", 1);
    CHECK(tn_fails_with(t, 1, "gather_axis is 1; it must be 0 for uint8 data"));
    tn_free(t);
    t = gbq(PR_DT_UINT8, "32x16", "3", "2x16");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "quantize_axis", 0);
    CHECK(tn_fails_with(t, 1, "quantize_axis is 0; it must be the last axis (1) for uint8 data"));
    tn_free(t);
    t = gbq(PR_DT_UINT8, "100x16", "3", "100x2");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "bits", 3);
    CHECK(tn_fails_with(t, 1, "bits is 3; uint8 data holds 2, 4 or 8 bit values"));
    tn_free(t);
    t = gbq(PR_DT_FLOAT, "100x16", "3", "100x2");
    CHECK(tn_fails_with(t, 1, "data is float32; it must be int4, uint4, uint8"));
    tn_free(t);
    t = gbq(PR_DT_INT4, "8x32", "3", "8x2");
    tn_attr_int(t, "block_size", 16);
    tn_attr_int(t, "quantize_axis", 2);
    CHECK(tn_fails_with(t, 1, "quantize_axis 2 must be in [-2, 1]"));
    tn_free(t);
    t = gbq(PR_DT_INT4, "8x32", "3", "2");
    tn_attr_int(t, "block_size", 16);
    CHECK(tn_fails_with(t, 1, "scales is 2 but data is 8x32; they must have the same rank"));
    tn_free(t);
    t = gbq(PR_DT_FLOAT8E4M3FN, "6x32", "3", "6x1");
    tn_in_weight(t, PR_DT_FLOAT8E4M3FN, "6x1");
    tn_attr_int(t, "block_size", 0);
    CHECK(tn_fails_with(t, 1, "zero_points is given but float8/float4 data"));
    tn_free(t);
    t = gbq(PR_DT_INT4, "8x32", "3", "8x2");
    tn_attr_int(t, "block_size", 0);
    CHECK(tn_fails_with(t, 1, "block_size is 0"));
    tn_free(t);
}

/* com.microsoft QLinearConv with channels_last: X and Y are NHWC. As
 * onnxruntime-node 1.31 gives them (tests/ortopt_shapes.json): 1x9x9x4 *
 * 6x4x3x3 stride 2 pads 1 -> 1x5x5x6; group 2 with 6x2x3x3 -> 1x5x5x6. */
static struct tnode *ms_qconv(const char *x, const char *w, int64_t group)
{
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearConv", 1);
    tn_in(t, PR_DT_UINT8, x);
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT8, w);
    tn_in_weight(t, PR_DT_FLOAT, "6");
    tn_in_weight(t, PR_DT_INT8, "6");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_INT32, "6");
    tn_attr_int(t, "channels_last", 1);
    tn_attr_int(t, "group", group);
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    return t;
}

static void ms_qlinear_conv_channels_last(void)
{
    /* Y 1x5x5x6 (150): MACs 150 * 4*9 = 5400; FLOPs 2*5400 + numel(X) 324
     * + numel(W) 216 + 5*150 + 150 (bias). */
    struct tnode *t = ms_qconv("1x9x9x4", "6x4x3x3", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x5x6");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->macs, 5400);
    CHECK_EQ(tn_cost(t)->flops, 2 * 5400 + 324 + 216 + 5 * 150 + 150);
    tn_free(t);
    t = ms_qconv("1x9x9x4", "6x2x3x3", 2);   /* MACs 150 * 2*9 = 2700 */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x5x6");
    CHECK_EQ(tn_cost(t)->macs, 2700);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GROUPED);
    tn_free(t);
    t = ms_qconv("1x4x9x9", "6x4x3x3", 1);   /* NCHW given as NHWC: 9 channels */
    CHECK(tn_fails_with(t, 1, "input has 9 channels but weight expects 4 x group 1"));
    tn_free(t);
}

/* com.microsoft QLinearAveragePool and QLinearSoftmax (ONNX Runtime's
 * quantizer, QOperator format). Shapes as onnxruntime-node 1.31 (CPU)
 * gives them for the same nodes (uint8, scalar scales and zero points):
 * 1x4x9x9 k3 s2 p1 -> 1x4x5x5; the same channels_last on 1x9x9x4 ->
 * 1x5x5x4; 2x3x8x7 k3x2 s2 ceil_mode -> 2x3x4x4; 1x5x7x8x3 channels_last
 * k2x3x2 SAME_UPPER s2 -> 1x3x4x4x3; 1x3x10 k4 s3 -> 1x3x3; QLinearSoftmax
 * 2x3x10 (opset 13 axis -1, opset 12 axis 1) -> 2x3x10. It refuses, as
 * priori does, a missing kernel_shape and axis 3 for rank 3; for a 3x3
 * kernel on 2x2 it gives 1x3x0x0 where priori refuses, as for AveragePool.
 * FLOPs: numel(Y) * prod(K) + numel(Y) * (4 + zps) for the pool; (10 +
 * zps) per element for the softmax. */
static struct tnode *qpool(const char *x, const char *ks, bool zps)
{
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearAveragePool", 1);
    tn_in(t, PR_DT_UINT8, x);
    tn_in_weight(t, PR_DT_FLOAT, "");
    if (zps)
        tn_in_weight(t, PR_DT_UINT8, "");
    else
        tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "");
    if (zps)
        tn_in_weight(t, PR_DT_UINT8, "");
    if (ks)
        tn_attr_ints(t, "kernel_shape", ks);
    return t;
}

static void qlinear_average_pool_counts_pool_and_requantize(void)
{
    /* 1x4x9x9, k 3x3, s 2, p 1: floor((9 + 2 - 3) / 2) + 1 = 5 -> 1x4x5x5
     * (100); FLOPs = 100*9 + 100*(4 + 2) = 1500. Channels last: 1x5x5x4. */
    for (int last = 0; last < 2; last++) {
        struct tnode *t = qpool(last ? "1x9x9x4" : "1x4x9x9", "3,3", true);
        tn_attr_ints(t, "strides", "2,2");
        tn_attr_ints(t, "pads", "1,1,1,1");
        tn_attr_int(t, "channels_last", last);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), last ? "1x5x5x4" : "1x4x5x5");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
        CHECK_EQ(tn_cost(t)->macs, 0);
        CHECK_EQ(tn_cost(t)->flops, 1500);
        CHECK_EQ(tn_cost(t)->weight_mask, 0);   /* scales and zero points */
        tn_free(t);
    }
    /* ceil_mode: 2x3x8x7, k 3x2, s 2: ceil(5/2) + 1 = 4, ceil(5/2) + 1 =
     * 4 -> 2x3x4x4 (96); FLOPs = 96*6 + 96*6 = 1152. */
    struct tnode *t = qpool("2x3x8x7", "3,2", true);
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_int(t, "ceil_mode", 1);
    tn_attr_int(t, "count_include_pad", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x4");
    CHECK_EQ(tn_cost(t)->flops, 1152);
    tn_free(t);
    /* 3-D channels last, SAME_UPPER s 2: ceil(5/2), ceil(7/2), ceil(8/2) ->
     * 1x3x4x4x3 (144); FLOPs = 144*12 + 144*6 = 2592. */
    t = qpool("1x5x7x8x3", "2,3,2", true);
    tn_attr_str(t, "auto_pad", "SAME_UPPER");
    tn_attr_ints(t, "strides", "2,2,2");
    tn_attr_int(t, "channels_last", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x4x4x3");
    CHECK_EQ(tn_cost(t)->flops, 2592);
    tn_free(t);
    /* 1-D without zero points: 1x3x10 k 4 s 3 -> 1x3x3 (9); 9*4 + 9*4 = 72 */
    t = qpool("1x3x10", "4", false);
    tn_attr_ints(t, "strides", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x3");
    CHECK_EQ(tn_cost(t)->flops, 72);
    tn_free(t);
    t = qpool("1x3x10", NULL, true);
    CHECK(tn_fails_with(t, 1, "kernel_shape is required"));
    tn_free(t);
    t = qpool("1x3x2x2", "3,3", true);
    CHECK(tn_fails_with(t, 1, "kernel larger than the padded input"));
    tn_free(t);
    t = qpool("1x3x10", "4", true);
    tn_in(t, PR_DT_UINT8, "1");
    CHECK(tn_fails_with(t, 1, "6 inputs; QLinearAveragePool takes at most 5"));
    tn_free(t);
}

static void qlinear_softmax_counts_dequantize_softmax_quantize(void)
{
    /* 2x3x10 (60): (1 + 1) + 5 + (4 + 1) = 12 per element = 720; without
     * x_zero_point 11 per element = 660. */
    for (int zx = 0; zx < 2; zx++) {
        struct tnode *t = tn_new_domain("com.microsoft", "QLinearSoftmax", 1);
        tn_in(t, PR_DT_UINT8, "2x3x10");
        tn_in_weight(t, PR_DT_FLOAT, "");
        if (zx)
            tn_in_weight(t, PR_DT_UINT8, "");
        else
            tn_in_absent(t);
        tn_in_weight(t, PR_DT_FLOAT, "");
        tn_in_weight(t, PR_DT_UINT8, "");
        tn_attr_int(t, "opset", zx ? 13 : 12);
        tn_attr_int(t, "axis", zx ? -1 : 1);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x10");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
        CHECK_EQ(tn_cost(t)->flops, zx ? 720 : 660);
        CHECK_EQ(tn_cost(t)->weight_mask, 0);
        tn_free(t);
    }
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearSoftmax", 1);
    tn_in(t, PR_DT_UINT8, "2x3x10");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_attr_int(t, "opset", 13);
    tn_attr_int(t, "axis", 3);
    CHECK(tn_fails_with(t, 1, "axis 3 is outside [-3, 2] for X of rank 3"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QLinearSoftmax", 1);
    tn_in(t, PR_DT_UINT8, "2x3x10");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    CHECK(tn_fails_with(t, 1, "attribute 'opset' (the replaced Softmax's opset) is required"));
    tn_free(t);
}

/* com.microsoft MatMulBnb4 (bitsandbytes FP4/NF4). Shapes as
 * onnxruntime-node 1.31 (CPU) gives them for the same nodes: A 3x64, K
 * 64, N 32, block 64 -> 3x32; 2x5x40, K 40, N 24, block 16, FP4 ->
 * 2x5x24; 7x33, K 33, N 5, block 32 (N*K odd: B 83 bytes) -> 7x5;
 * transB 0 (training_mode 1) on 3x32 -> 3x64. It refuses, as priori does:
 * block_size 48, B of 100 bytes and absmax of 5 values for N 32 x K 64,
 * quant_type 2, and transB 0 with A 3x64 (its last axis must be N). */
static struct tnode *bnb4(const char *a, int64_t k, int64_t n, int64_t bs, int64_t b, int64_t am,
                          int64_t qt)
{
    char sb[32], sa[32];
    snprintf(sb, sizeof sb, "%lld", (long long)(b ? b : (n * k + 1) / 2));
    snprintf(sa, sizeof sa, "%lld", (long long)(am ? am : (n * k + bs - 1) / bs));
    struct tnode *t = tn_new_domain("com.microsoft", "MatMulBnb4", 1);
    tn_in(t, PR_DT_FLOAT, a);
    tn_in_weight(t, PR_DT_UINT8, sb);
    tn_in_weight(t, PR_DT_FLOAT, sa);
    tn_attr_int(t, "K", k);
    tn_attr_int(t, "N", n);
    tn_attr_int(t, "block_size", bs);
    tn_attr_int(t, "quant_type", qt);
    return t;
}

static void matmul_bnb4_counts_logical_product_and_dequantize(void)
{
    /* 2x5x40 by 40x24: MACs 10 * 24 * 40 = 9600; FLOPs 19200 + N*K 960.
     * Params N*K = 960 (B packs two per byte); absmax is a scale. */
    struct tnode *t = bnb4("2x5x40", 40, 24, 16, 0, 0, 0);   /* FP4 */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x24");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 9600);
    CHECK_EQ(tn_cost(t)->flops, 19200 + 960);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x6, 0x2);
    CHECK_EQ(tn_cost(t)->packed_input[0], 2);
    CHECK_EQ(tn_cost(t)->packed_params[0], 960);
    tn_free(t);
    t = bnb4("3x64", 64, 32, 64, 0, 0, 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x32");
    tn_free(t);
    t = bnb4("7x33", 33, 5, 32, 0, 0, 1);   /* 165 weights in 83 bytes */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7x5");
    CHECK_EQ(tn_cost(t)->macs, 7 * 5 * 33);
    tn_free(t);
    /* transB 0: A 3x32 (N) -> 3x64 (K); MACs 3 * 64 * 32 */
    t = bnb4("3x32", 64, 32, 64, 0, 0, 1);
    tn_attr_int(t, "transB", 0);
    tn_attr_int(t, "training_mode", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x64");
    CHECK_EQ(tn_cost(t)->macs, 6144);
    CHECK_EQ(tn_cost(t)->flops, 12288 + 2048);
    tn_free(t);
}

static void matmul_bnb4_bad_inputs_are_errors(void)
{
    struct tnode *t = bnb4("3x64", 64, 32, 48, 0, 43, 1);
    CHECK(tn_fails_with(t, 1, "block_size is 48; it must be a power of 2 and >= 16"));
    tn_free(t);
    t = bnb4("3x64", 64, 32, 64, 100, 0, 1);
    CHECK(tn_fails_with(t, 1, "B is 100: 100 values, but N 32 x K 64 4-bit weights need at least 1024"));
    tn_free(t);
    t = bnb4("3x64", 64, 32, 64, 0, 5, 1);
    CHECK(tn_fails_with(t, 1, "absmax is 5: 5 values, but N 32 x K 64 in blocks of block_size need at least 32"));
    tn_free(t);
    t = bnb4("3x64", 64, 32, 64, 0, 0, 2);
    CHECK(tn_fails_with(t, 1, "quant_type is 2; it must be 0 (FP4) or 1 (NF4)"));
    tn_free(t);
    t = bnb4("3x64", 64, 32, 64, 0, 0, 1);
    tn_attr_int(t, "transB", 0);
    CHECK(tn_fails_with(t, 1, "A is 3x64 but its last axis must be N = 32 (transB 0)"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MatMulBnb4", 1);
    tn_in(t, PR_DT_FLOAT, "3x64");
    tn_in_weight(t, PR_DT_UINT8, "1024");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    tn_attr_int(t, "K", 64);
    tn_attr_int(t, "N", 32);
    CHECK(tn_fails_with(t, 1, "attributes K, N, block_size and quant_type are required"));
    tn_free(t);
}

/* com.microsoft QLinearWhere. Shapes as onnxruntime-node 1.31 (CPU)
 * gives them: condition 2x1x5, X 3x1, Y 1x1x5 (uint8) -> 2x3x5;
 * condition 6, X 4x6, Y a scalar (int8) -> 4x6; it refuses condition
 * 2x1x5, X 3x1, Y 1x4x5 ("Incompatible dimensions"). */
static struct tnode *qwhere(const char *cond, const char *x, const char *y, int dt)
{
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearWhere", 1);
    tn_in(t, PR_DT_BOOL, cond);
    for (int i = 0; i < 2; i++) {
        tn_in(t, dt, i ? y : x);
        tn_in_weight(t, PR_DT_FLOAT, "");
        tn_in_weight(t, dt, "");
    }
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, dt, "");
    return t;
}

static void qlinear_where_selects_and_requantizes(void)
{
    /* 2x3x5 (30): 1 select + 7 requantize each = 240 */
    struct tnode *t = qwhere("2x1x5", "3x1", "1x1x5", PR_DT_UINT8);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->flops, 240);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = qwhere("6", "4x6", "", PR_DT_INT8);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x6");
    CHECK_EQ(tn_cost(t)->flops, 192);
    tn_free(t);
    t = qwhere("2x1x5", "3x1", "1x4x5", PR_DT_UINT8);
    CHECK(tn_fails_with(t, 1, "condition 2x1x5, X 3x1 and Y 1x4x5 do not broadcast"));
    tn_free(t);
    t = qwhere("2x1x5", "3x1", "1x1x5", PR_DT_UINT8);
    tn_in(t, PR_DT_UINT8, "1");
    CHECK(tn_fails_with(t, 1, "10 inputs; QLinearWhere takes at most 9"));
    tn_free(t);
}

/* com.microsoft QLinearReduceMean: no kernel in onnxruntime-node 1.31
 * ("Could not find an implementation"); its schema (axes and keepdims
 * required, ReduceMean's shapes) is the truth, and ONNX Runtime loads
 * these nodes and refuses one without axes, as priori does. */
static void qlinear_reduce_mean_as_reduce_mean_with_requantize(void)
{
    static const struct { const char *x, *axes, *y; int keep; uint64_t flops; } cases[] = {
        /* numel(X) + numel(Y) * (4 + 2 zero points) */
        {"2x3x4x5", "1,3", "2x1x4x1", 1, 120 + 8 * 6},
        {"2x3x4x5", "-1", "2x3x4", 0, 120 + 24 * 6},
        {"6x7", "0,1", "", 0, 42 + 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new_domain("com.microsoft", "QLinearReduceMean", 1);
        tn_in(t, PR_DT_UINT8, cases[i].x);
        tn_in_weight(t, PR_DT_FLOAT, "");
        tn_in_weight(t, PR_DT_UINT8, "");
        tn_in_weight(t, PR_DT_FLOAT, "");
        tn_in_weight(t, PR_DT_UINT8, "");
        tn_attr_ints(t, "axes", cases[i].axes);
        tn_attr_int(t, "keepdims", cases[i].keep);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].y);
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
        CHECK_EQ(tn_cost(t)->flops, cases[i].flops);
        CHECK_EQ(tn_cost(t)->weight_mask, 0);
        tn_free(t);
    }
    struct tnode *t = tn_new_domain("com.microsoft", "QLinearReduceMean", 1);
    tn_in(t, PR_DT_UINT8, "2x3");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT8, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_attr_int(t, "keepdims", 1);
    CHECK(tn_fails_with(t, 1, "attributes axes and keepdims are required"));
    tn_free(t);
}

/* com.microsoft QuantizeLinear/DequantizeLinear (ONNX Runtime's QDQ with
 * 16-bit types): ONNX's rules; onnxruntime-node 1.31 gives int16 2x3x4 and
 * float32 2x3x4 for these nodes. */
static void contrib_quantize_and_dequantize_follow_onnx(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "QuantizeLinear", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_in_weight(t, PR_DT_INT16, "3");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT16);
    CHECK_EQ(tn_cost(t)->flops, (4 + 1) * 24);
    CHECK_EQ(tn_cost(t)->weight_mask & 6, 0);   /* scale and zero point */
    tn_free(t);
    t = tn_new_domain("com.microsoft", "DequantizeLinear", 1);
    tn_in(t, PR_DT_UINT16, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_UINT16, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 2 * 24);
    tn_free(t);
    t = tn_new_domain("com.microsoft", "QuantizeLinear", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_attr_int(t, "axis", 1);
    CHECK(tn_fails_with(t, 1, "scale has 4 values but x is 2x3x4 with extent 3 on axis 1"));
    tn_free(t);
}

/* MatMulFpQ4 of A 2x3x64, B a blob of type bt and shape b, B_shape (n
 * values vals; NULL: known at run time only). */
static struct tnode *fpq4(int bt, const char *b, const char *n, const char *vals)
{
    struct tnode *t = tn_new_domain("com.microsoft", "MatMulFpQ4", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x64");
    tn_in_weight(t, bt, b);
    if (vals)
        tn_in_vals(t, PR_DT_INT64, n, vals);
    else
        tn_in(t, PR_DT_INT64, n);
    return t;
}

/* com.microsoft MatMulFpQ4: MatMul by B_shape (K, N). A 2x3x64 by (64, 16):
 * Y 2x3x16, MACs 6144, FLOPs 12288 + 2*1024 (zero points, the default) or
 * + 1024 (blk_quant_type 0); the blob counts K*N = 1024 parameters. */
static void matmul_fpq4_multiplies_by_b_shape(void)
{
    for (int sym = 0; sym < 2; sym++) {
        struct tnode *t = fpq4(PR_DT_UINT8, "672", "2", "64,16");
        if (sym)
            tn_attr_int(t, "blk_quant_type", 0);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x16");
        CHECK_EQ(tn_cost(t)->macs, 6144);
        CHECK_EQ(tn_cost(t)->flops, 12288 + (sym ? 1024 : 2048));
        CHECK_EQ(tn_cost(t)->packed_input[0], 2);
        CHECK_EQ(tn_cost(t)->packed_params[0], 1024);
        tn_free(t);
    }
    struct tnode *t = fpq4(PR_DT_UINT8, "672", "2", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x?");
    tn_free(t);
    struct {
        int bt;
        const char *b, *n, *vals, *err;
    } bad[] = {
        {PR_DT_UINT8, "672", "2", "32,16", "inner dimensions differ: A is 2x3x64, B is 32x16"},
        {PR_DT_UINT8, "672", "1", "64", "B_shape has 1 values; it must be (K, N)"},
        {PR_DT_UINT8, "672", "3", "64,16,1", "B_shape (input 2) has 3 values; at most 2"},
        {PR_DT_UINT8, "672", "2", "0,16", "B_shape is (0, 16); K and N must be >= 1"},
        {PR_DT_FLOAT, "64x16", "2", "64,16", "it must be a 1-D uint8 blob"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = fpq4(bad[i].bt, bad[i].b, bad[i].n, bad[i].vals);
        CHECK(tn_fails_with(t, 1, bad[i].err));
        tn_free(t);
    }
}

void suite_quant(void)
{
    RUN(matmul_fpq4_multiplies_by_b_shape);
    RUN(contrib_quantize_and_dequantize_follow_onnx);
    RUN(qlinear_average_pool_counts_pool_and_requantize);
    RUN(qlinear_softmax_counts_dequantize_softmax_quantize);
    RUN(matmul_bnb4_counts_logical_product_and_dequantize);
    RUN(matmul_bnb4_bad_inputs_are_errors);
    RUN(qlinear_where_selects_and_requantizes);
    RUN(qlinear_reduce_mean_as_reduce_mean_with_requantize);
    RUN(quantize_per_tensor_defaults_to_uint8);
    RUN(quantize_per_axis_takes_zero_point_type);
    RUN(quantize_blocked_int4_and_output_dtype);
    RUN(dequantize_weights_and_int32_bias_are_params);
    RUN(dynamic_quantize_linear_three_outputs);
    RUN(qlinear_conv_counts_as_conv_plus_requantize);
    RUN(ms_qlinear_conv_channels_last);
    RUN(conv_integer_int32_output_and_zero_point_work);
    RUN(qlinear_matmul_counts_as_matmul_plus_requantize);
    RUN(matmul_integer_int32_output);
    RUN(qlinear_add_mul_broadcast_and_zero_points);
    RUN(qlinear_sigmoid_and_leaky_relu);
    RUN(qlinear_global_average_pool_both_layouts);
    RUN(qlinear_concat_requantizes_every_element);
    RUN(qgemm_quantized_and_float_outputs);
    RUN(dynamic_quantize_matmul_counts);
    RUN(matmul_integer_to_float_counts);
    RUN(matmul_integer_to_float_errors);
    RUN(matmul_nbits_counts_logical_weights);
    RUN(matmul_nbits_errors);
    RUN(gather_block_quantized_unpacks_and_counts_logical_weights);
    RUN(gather_block_quantized_errors);
}
