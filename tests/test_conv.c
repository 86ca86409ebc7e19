/* test_conv.c -- Conv, ConvTranspose and FusedConv shapes and counts (ops/conv.c).
 * Every expected value is worked out by hand in the comment beside it. */
#include "opcheck.h"
#include "test.h"

void suite_conv(void);

static void conv_2d_stride_pads_bias_counts(void)
{
    /* ResNet stem: 1x3x224x224, 64x3x7x7, stride 2, pads 3.
     * out = floor((224 + 3 + 3 - 7) / 2) + 1 = floor(223/2) + 1 = 112
     * MACs = 1*64*112*112 * 3*7*7 = 802816 * 147 = 118013952
     * FLOPs = 2*118013952 + 64*112*112 = 236027904 + 802816 = 236830720 */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x224x224");
    tn_in_weight(t, PR_DT_FLOAT, "64x3x7x7");
    tn_in_weight(t, PR_DT_FLOAT, "64");
    tn_attr_ints(t, "kernel_shape", "7,7");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "3,3,3,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x64x112x112");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 118013952);
    CHECK_EQ(tn_cost(t)->flops, 236830720);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);   /* W and B are parameters */
    CHECK(!tn_incomplete(t) && !tn_overflow(t));
    tn_free(t);
}

static void conv_1d_dilation_and_stride(void)
{
    /* X 2x4x20, W 6x4x3, dilation 2, stride 3: dk = (3-1)*2+1 = 5,
     * out = floor((20 - 5) / 3) + 1 = 6. MACs = 2*6*6 * 4*3 = 864. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "2x4x20");
    tn_in_weight(t, PR_DT_FLOAT, "6x4x3");
    tn_attr_ints(t, "dilations", "2");
    tn_attr_ints(t, "strides", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x6x6");
    CHECK_EQ(tn_cost(t)->macs, 864);
    CHECK_EQ(tn_cost(t)->flops, 1728);
    tn_free(t);
}

static void conv_3d_asymmetric_pads_per_axis_strides(void)
{
    /* X 1x2x8x9x10, W 4x2x3x3x3, pads begin 1,0,2 end 0,1,2, strides 1,2,3:
     * D1: (8+1+0-3)/1+1 = 7; D2: floor((9+0+1-3)/2)+1 = 3+1 = 4;
     * D3: floor((10+2+2-3)/3)+1 = 3+1 = 4.
     * MACs = 4*7*4*4 * 2*27 = 448*54 = 24192. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x2x8x9x10");
    tn_in_weight(t, PR_DT_FLOAT, "4x2x3x3x3");
    tn_attr_ints(t, "pads", "1,0,2,0,1,2");
    tn_attr_ints(t, "strides", "1,2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x7x4x4");
    CHECK_EQ(tn_cost(t)->macs, 24192);
    CHECK_EQ(tn_cost(t)->flops, 48384);
    tn_free(t);
}

static void conv_4d_spatial_dims_work_like_the_rest(void)
{
    /* X 1x2x3x4x5x6, W 3x2x2x2x2x2, stride 1: out 2x3x4x5 (D - 2 + 1).
     * MACs = 3*(2*3*4*5) * 2*16 = 360*32 = 11520. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x2x3x4x5x6");
    tn_in_weight(t, PR_DT_FLOAT, "3x2x2x2x2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x2x3x4x5");
    CHECK_EQ(tn_cost(t)->macs, 11520);
    tn_free(t);
}

static void conv_groups_divide_input_channels(void)
{
    /* X 1x8x10x10, W 16x2x3x3, group 4 (8 = 2*4), pads 1: out 10x10.
     * MACs = 16*10*10 * 2*9 = 28800. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x8x10x10");
    tn_in_weight(t, PR_DT_FLOAT, "16x2x3x3");
    tn_attr_int(t, "group", 4);
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x10x10");
    CHECK_EQ(tn_cost(t)->macs, 28800);
    CHECK_EQ(tn_cost(t)->flops, 57600);
    tn_free(t);
}

static void conv_depthwise_counts_one_channel_per_output(void)
{
    /* X 1x32x56x56, W 32x1x3x3, group 32, stride 2, pads 1, B 32:
     * out = floor((56+2-3)/2)+1 = 27+1 = 28.
     * MACs = 32*28*28 * 1*9 = 25088*9 = 225792
     * FLOPs = 2*225792 + 32*28*28 = 451584 + 25088 = 476672 */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x32x56x56");
    tn_in_weight(t, PR_DT_FLOAT, "32x1x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    tn_attr_int(t, "group", 32);
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x32x28x28");
    CHECK_EQ(tn_cost(t)->macs, 225792);
    CHECK_EQ(tn_cost(t)->flops, 476672);
    tn_free(t);
}

static void conv_auto_pad_same_is_ceil_of_input_over_stride(void)
{
    /* X 1x1x7x8, W 2x1x4x3, strides 2,3: SAME gives ceil(7/2) = 4 and
     * ceil(8/3) = 3 for UPPER and LOWER alike; explicit pads are ignored.
     * MACs = 2*4*3 * 1*4*3 = 288. */
    const char *modes[] = {"SAME_UPPER", "SAME_LOWER"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("Conv", 11);
        tn_in(t, PR_DT_FLOAT, "1x1x7x8");
        tn_in_weight(t, PR_DT_FLOAT, "2x1x4x3");
        tn_attr_str(t, "auto_pad", modes[i]);
        tn_attr_ints(t, "strides", "2,3");
        tn_attr_ints(t, "pads", "5,5,5,5");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x2x4x3");
        CHECK_EQ(tn_cost(t)->macs, 288);
        tn_free(t);
    }
}

static void conv_auto_pad_valid_and_notset(void)
{
    /* X 1x1x7x8, W 1x1x3x3, stride 2, dilations 1,2: dk = 3, 5.
     * VALID: ceil((7-3+1)/2) = 3, ceil((8-5+1)/2) = 2; MACs = 3*2*9 = 54.
     * NOTSET (no pads) is the same here: floor(4/2)+1 = 3, floor(3/2)+1 = 2. */
    const char *modes[] = {"VALID", "NOTSET"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("Conv", 1);
        tn_in(t, PR_DT_FLOAT, "1x1x7x8");
        tn_in_weight(t, PR_DT_FLOAT, "1x1x3x3");
        tn_attr_str(t, "auto_pad", modes[i]);
        tn_attr_ints(t, "strides", "2,2");
        tn_attr_ints(t, "dilations", "1,2");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x1x3x2");
        CHECK_EQ(tn_cost(t)->macs, 54);
        tn_free(t);
    }
}

static void conv_unknown_extents_propagate_and_cost_is_incomplete(void)
{
    /* X ?x3x?x32, W 8x3x3x3, pads 1: N and D1 stay unknown, D2 = 32. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "?x3x?x32");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x8x?x32");
    CHECK(tn_incomplete(t));
    CHECK_EQ(tn_cost(t)->macs, 0);
    tn_free(t);
}

static void conv_kernel_shape_fills_unknown_weight_extents(void)
{
    /* W 4x3x?x? with kernel_shape 5,5: out = 16-5+1 = 12;
     * MACs = 4*12*12 * 3*5*5 = 576*75 = 43200. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x16x16");
    tn_in(t, PR_DT_FLOAT, "4x3x?x?");
    tn_attr_ints(t, "kernel_shape", "5,5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x12x12");
    CHECK_EQ(tn_cost(t)->macs, 43200);
    CHECK(!tn_incomplete(t));
    tn_free(t);
}

static void conv_count_overflow_is_flagged(void)
{
    /* numel(Y) = 1e6 * 1e6 * 1e6 = 1e18 fits; times C_in/group * K = 1e6
     * gives 1e24 > 2^64 ~ 1.8e19. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1000000x1000000x1000000");
    tn_in(t, PR_DT_FLOAT, "1000000x1000000x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1000000x1000000x1000000");
    CHECK(tn_overflow(t));
    tn_free(t);
}

static void conv_int64_overflow_in_extent_is_an_error(void)
{
    /* D + pad = 2^62 + 2^62 = 2^63 does not fit int64. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x4611686018427387904");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x3");
    tn_attr_ints(t, "pads", "4611686018427387904,0");
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);

    /* dk = (3-1) * 2^62 + 1 overflows. */
    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x10");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x3");
    tn_attr_ints(t, "dilations", "4611686018427387904");
    CHECK(tn_fails_with(t, 1, "effective kernel"));
    tn_free(t);
}

static void conv_bad_weights_are_errors(void)
{
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3");
    CHECK(tn_fails_with(t, 1, "weight has rank 3 but input has rank 4"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x4x3x3");
    CHECK(tn_fails_with(t, 1, "input has 3 channels but weight expects 4 x group 1"));
    tn_free(t);

    t = tn_new("Conv", 11);                 /* 6 output channels, group 4 */
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "6x1x3x3");
    tn_attr_int(t, "group", 4);
    CHECK(tn_fails_with(t, 1, "output channels 6 (weight axis 0) are not divisible by group 4"));
    tn_free(t);

    t = tn_new("Conv", 11);                 /* 6 input channels, group 4 */
    tn_in(t, PR_DT_FLOAT, "1x6x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x1x3x3");
    tn_attr_int(t, "group", 4);
    CHECK(tn_fails_with(t, 1, "input channels 6 are not divisible by group 4"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "7");
    CHECK(tn_fails_with(t, 1, "bias has 7 values but there are 8 output channels"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_attr_ints(t, "kernel_shape", "5,5");
    CHECK(tn_fails_with(t, 1, "kernel_shape[0] is 5 but the weight's kernel extent (axis 2) is 3"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    CHECK(tn_fails_with(t, 1, "input 1 is required"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3");
    tn_in_weight(t, PR_DT_FLOAT, "8x3");
    CHECK(tn_fails_with(t, 1, "at least one spatial dim"));
    tn_free(t);
}

static void conv_bad_attributes_are_errors(void)
{
    static const struct { const char *name, *vals, *msg; } cases[] = {
        {"strides", "1,0", "'strides'[1] is 0; it must be >= 1"},
        {"dilations", "-1,1", "'dilations'[0] is -1; it must be >= 1"},
        {"pads", "1,1,-1,1", "'pads'[2] is -1; it must be >= 0"},
        {"pads", "1,1,1",
         "'pads' has 3 values but the input has 2 spatial dims, so 4 are expected"},
        {"kernel_shape", "3,3,3", "'kernel_shape' has 3 values"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new("Conv", 11);
        tn_in(t, PR_DT_FLOAT, "1x3x8x8");
        tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
        tn_attr_ints(t, cases[i].name, cases[i].vals);
        CHECK(tn_fails_with(t, 1, cases[i].msg));
        tn_free(t);
    }

    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_attr_int(t, "group", 0);
    CHECK(tn_fails_with(t, 1, "group is 0; it must be >= 1"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_attr_str(t, "auto_pad", "SAME");
    CHECK(tn_fails_with(t, 1, "auto_pad is 'SAME'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID"));
    tn_free(t);

    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "8x3x3x3");
    tn_attr_str(t, "strides", "2");     /* a string where ints are due */
    CHECK(tn_fails_with(t, 1, "attribute 'strides' is string but must be ints"));
    tn_free(t);
}

static void conv_kernel_larger_than_padded_input_is_an_error(void)
{
    /* 4 + 0 + 0 < 5: kernel larger than the padded input. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x4x4");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x5x5");
    CHECK(tn_fails_with(t, 1, "axis 2: kernel larger than the padded input: effective kernel 5 = "
                        "(5-1)*1+1 > padded input 4 = 4+0+0"));
    tn_free(t);

    /* VALID with dilation: dk = (3-1)*3+1 = 7 > 6. */
    t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x6");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x3");
    tn_attr_str(t, "auto_pad", "VALID");
    tn_attr_ints(t, "dilations", "3");
    CHECK(tn_fails_with(t, 1, "kernel larger than the padded input"));
    tn_free(t);
}

static void conv_transpose_2d_groups_pads_output_padding(void)
{
    /* X 1x8x10x12, W 8x4x3x3, group 2 -> C_out = 4*2 = 8; strides 2,
     * pads 1, output_padding 1:
     * out = 2*(10-1)+1+3-1-1 = 20, 2*(12-1)+1+3-1-1 = 24.
     * MACs = N*C_in*prod(in)*(C_out/group)*prod(K) = 1*8*120*4*9 = 34560
     * FLOPs = 2*34560 + 8*20*24 = 69120 + 3840 = 72960 */
    struct tnode *t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x8x10x12");
    tn_in_weight(t, PR_DT_FLOAT, "8x4x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    tn_attr_int(t, "group", 2);
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    tn_attr_ints(t, "output_padding", "1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x20x24");
    CHECK_EQ(tn_cost(t)->macs, 34560);
    CHECK_EQ(tn_cost(t)->flops, 72960);
    tn_free(t);
}

static void conv_transpose_3d_counts_from_input_side(void)
{
    /* X 2x4x3x4x5, W 4x3x2x2x2, stride 2: out = 2*(D-1)+2 = 6, 8, 10.
     * MACs = 2*4*(3*4*5) * 3*8 = 480*24 = 11520 (not from the output side:
     * 2*3*480 * 4*8 would be 92160). */
    struct tnode *t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "2x4x3x4x5");
    tn_in_weight(t, PR_DT_FLOAT, "4x3x2x2x2");
    tn_attr_ints(t, "strides", "2,2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x6x8x10");
    CHECK_EQ(tn_cost(t)->macs, 11520);
    CHECK_EQ(tn_cost(t)->flops, 23040);
    tn_free(t);
}

static void conv_transpose_1d_dilation(void)
{
    /* X 1x2x5, W 2x3x3, dilation 3: dk = 7, out = 1*(5-1)+0+7 = 11.
     * MACs = 2*5 * 3*3 = 90. */
    struct tnode *t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x2x5");
    tn_in_weight(t, PR_DT_FLOAT, "2x3x3");
    tn_attr_ints(t, "dilations", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x11");
    CHECK_EQ(tn_cost(t)->macs, 90);
    tn_free(t);
}

static void conv_transpose_output_shape_wins_with_or_without_n_c(void)
{
    /* X 1x1x3x3, W 1x2x3x3, strides 3,2; output_shape 10,8 (spatial) or
     * 1,2,10,8 (with N, C): Y 1x2x10x8. Pads given are ignored.
     * MACs = 1*1*9 * 2*9 = 162. */
    const char *os[] = {"10,8", "1,2,10,8"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("ConvTranspose", 11);
        tn_in(t, PR_DT_FLOAT, "1x1x3x3");
        tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
        tn_attr_ints(t, "strides", "3,2");
        tn_attr_ints(t, "pads", "1,1,1,1");
        tn_attr_ints(t, "output_shape", os[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x2x10x8");
        CHECK_EQ(tn_cost(t)->macs, 162);
        tn_free(t);
    }
}

static void conv_transpose_same_is_input_times_stride(void)
{
    /* X 1x1x3x5, W 1x2x3x3, strides 2,3: SAME_UPPER / SAME_LOWER give
     * 3*2 = 6 and 5*3 = 15. MACs = 15 * 2*9 = 270. */
    const char *modes[] = {"SAME_UPPER", "SAME_LOWER"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("ConvTranspose", 11);
        tn_in(t, PR_DT_FLOAT, "1x1x3x5");
        tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
        tn_attr_str(t, "auto_pad", modes[i]);
        tn_attr_ints(t, "strides", "2,3");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x2x6x15");
        CHECK_EQ(tn_cost(t)->macs, 270);
        tn_free(t);
    }
}

/* ConvTransposeWithDynamicPads of X 1x2x3x3 and W 2x3x3x3, with Pads of
 * shape n and values vals (n NULL: absent; vals NULL: known at run time
 * only) and B of shape b (NULL: absent). */
static struct tnode *convt_dyn(const char *n, const char *vals, const char *b)
{
    struct tnode *t = tn_new_domain("com.microsoft", "ConvTransposeWithDynamicPads", 1);
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "2x3x3x3");
    if (n && vals)
        tn_in_vals(t, PR_DT_INT64, n, vals);
    else if (n)
        tn_in(t, PR_DT_INT64, n);
    if (b)
        tn_in_weight(t, PR_DT_FLOAT, b);
    return t;
}

/* com.microsoft ConvTransposeWithDynamicPads: pads from input 2, B at 3.
 * X 1x2x3x3, W 2x3x3x3, stride 2: pads (1, 0, 1, 2) give 2*2 + 3 - 1 - 1 =
 * 5 and 2*2 + 3 - 0 - 2 = 5; MACs 18 * 3*9 = 486, FLOPs 972 + 75 (bias). */
static void conv_transpose_dynamic_pads(void)
{
    struct tnode *t = convt_dyn("4", "1,0,1,2", "3");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x5x5");
    CHECK_EQ(tn_cost(t)->macs, 486);
    CHECK_EQ(tn_cost(t)->flops, 972 + 75);
    tn_free(t);

    t = convt_dyn(NULL, NULL, NULL);   /* no pads: the attribute's */
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x5x5");
    CHECK_EQ(tn_cost(t)->flops, 972);   /* no B */
    tn_free(t);

    t = convt_dyn("4", NULL, NULL);   /* pads known at run time only */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x?x?");
    CHECK_EQ(tn_cost(t)->macs, 486);   /* scattered from the input: known */
    tn_free(t);

    t = convt_dyn("4", NULL, NULL);   /* auto_pad decides */
    tn_attr_str(t, "auto_pad", "SAME_UPPER");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x6x6");
    tn_free(t);

    const char *bad[][4] = {
        {"2", "1,1", NULL, "Pads (input 2) has 2 values; 2 spatial dims need 4"},
        {"4", "0,-1,0,0", NULL, "Pads[1] is -1; pads must be >= 0"},
        {"4", "0,0,0,0", "4", "bias has 4 values but there are 3 output channels"},   /* B checked at input 3 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = convt_dyn(bad[i][0], bad[i][1], bad[i][2]);
        CHECK(tn_fails_with(t, 1, bad[i][3]));
        tn_free(t);
    }
}

static void conv_transpose_valid_ignores_pads(void)
{
    /* X 1x1x3x3, W 1x2x3x3, stride 2, VALID with pads 1: 2*2+3 = 7. */
    struct tnode *t = tn_new("ConvTranspose", 1);
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_str(t, "auto_pad", "VALID");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x7x7");
    tn_free(t);
}

static void conv_transpose_errors(void)
{
    struct tnode *t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x4x5x5");
    tn_in_weight(t, PR_DT_FLOAT, "3x2x3x3");
    CHECK(tn_fails_with(t, 1, "input has 4 channels but weight axis 0 is 3"));
    tn_free(t);

    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x5x5");
    tn_in_weight(t, PR_DT_FLOAT, "3x2x3x3");
    tn_attr_int(t, "group", 2);
    CHECK(tn_fails_with(t, 1, "input channels 3 are not divisible by group 2"));
    tn_free(t);

    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_ints(t, "output_shape", "10,8,4");
    CHECK(tn_fails_with(t, 1, "output_shape has 3 values but the input has 2 spatial dims"));
    tn_free(t);

    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_ints(t, "output_padding", "-1,0");
    CHECK(tn_fails_with(t, 1, "'output_padding'[0] is -1; it must be >= 0"));
    tn_free(t);

    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "bias has 3 values but there are 2 output channels"));
    tn_free(t);

    /* 1*(2-1) + 0 + 2 - 3 - 3 = -3 */
    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x2");
    tn_attr_ints(t, "pads", "3,3");
    CHECK(tn_fails_with(t, 1, "axis 2: output extent would be -3"));
    tn_free(t);

    /* 4 * (2^62 - 1) overflows int64 */
    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x4611686018427387904");
    tn_in_weight(t, PR_DT_FLOAT, "1x1x1");
    tn_attr_ints(t, "strides", "4");
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);
}

static void conv_matches_onnx_backend_test_shapes(void)
{
    /* test_conv_with_strides_and_asymmetric_padding: X 1x1x7x5, W 1x1x3x3,
     * pads 1,0,1,0, strides 2: floor((7+2-3)/2)+1 = 4, floor((5-3)/2)+1 = 2. */
    struct tnode *t = tn_new("Conv", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x7x5");
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_attr_ints(t, "kernel_shape", "3,3");
    tn_attr_ints(t, "pads", "1,0,1,0");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x2");
    tn_free(t);

    /* test_convtranspose_pads: X 1x1x3x3, W 1x2x3x3, strides 3,2, pads
     * 1,2,1,2: 3*2+3-2 = 7, 2*2+3-4 = 3. */
    t = tn_new("ConvTranspose", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x3x3");
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_ints(t, "strides", "3,2");
    tn_attr_ints(t, "pads", "1,2,1,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x7x3");
    tn_free(t);
}

/* FusedConv. Shapes and dtypes as onnxruntime-node 1.31 (CPU) gives them
 * for the same nodes: 1x3x8x8 * 4x3x3x3 pads 1, Relu, bias -> 1x4x8x8;
 * 2x4x9x9 * 6x4x3x3 stride 2 with Z 2x6x4x4 -> 2x6x4x4; depthwise group 4
 * Clip(0, 6) -> 1x4x5x5; 1-D SAME_UPPER stride 2 LeakyRelu -> 1x5x6;
 * dilation 2 Sigmoid -> 1x3x5x5; HardSigmoid, Tanh, no activation ->
 * 1x3x4x4; 3-D with pads -> 1x3x3x4x4. It refuses, as priori does,
 * activation Elu, Clip or LeakyRelu without activation_params, Z 1x3x4x5
 * for a 1x3x4x4 output and a weight of 3 input channels for 2. */
static struct tnode *fconv(const char *x, const char *w, const char *act)
{
    struct tnode *t = tn_new_domain("com.microsoft", "FusedConv", 1);
    tn_in(t, PR_DT_FLOAT, x);
    tn_in_weight(t, PR_DT_FLOAT, w);
    if (act)
        tn_attr_str(t, "activation", act);
    return t;
}

static void fused_conv_counts_conv_sum_and_activation(void)
{
    /* 2x4x9x9 * 6x4x3x3, stride 2: out floor((9 - 3) / 2) + 1 = 4 ->
     * 2x6x4x4 (192). MACs = 192 * 4*3*3 = 6912.
     * FLOPs = 2*6912 + 192 (bias) + 192 (Z) + 192 (Relu, 1 each). */
    struct tnode *t = fconv("2x4x9x9", "6x4x3x3", "Relu");
    tn_in_weight(t, PR_DT_FLOAT, "6");
    tn_in(t, PR_DT_FLOAT, "2x6x4x4");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x6x4x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 6912);
    CHECK_EQ(tn_cost(t)->flops, 2 * 6912 + 192 + 192 + 192);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x3, 0x2);   /* W (and B) are params, X not */
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_CONV);
    tn_free(t);
    /* depthwise 1x4x5x5 * 4x1x3x3 group 4 pads 1, Clip: 100 outputs,
     * MACs 100*9 = 900, FLOPs 1800 + 2*100 (Clip: 2 compares). */
    t = fconv("1x4x5x5", "4x1x3x3", "Clip");
    tn_attr_floats(t, "activation_params", "0,6");
    tn_attr_int(t, "group", 4);
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x5x5");
    CHECK_EQ(tn_cost(t)->macs, 900);
    CHECK_EQ(tn_cost(t)->flops, 1800 + 200);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_DEPTHWISE);
    tn_free(t);
    /* 1-D SAME_UPPER stride 2: ceil(11/2) = 6 -> 1x5x6 (30); MACs 30*3*4 = 360;
     * FLOPs 720 + 30 (bias) + 2*30 (LeakyRelu). */
    t = fconv("1x3x11", "5x3x4", "LeakyRelu");
    tn_in_weight(t, PR_DT_FLOAT, "5");
    tn_attr_floats(t, "activation_params", "0.1");
    tn_attr_str(t, "auto_pad", "SAME_UPPER");
    tn_attr_ints(t, "strides", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x6");
    CHECK_EQ(tn_cost(t)->macs, 360);
    CHECK_EQ(tn_cost(t)->flops, 720 + 30 + 60);
    tn_free(t);
    /* 1x3x4x4 (48) from 1x1 kernels over 2 channels: MACs 96; Sigmoid 4,
     * HardSigmoid 4, Tanh 1, none 0 FLOPs per element. */
    static const struct { const char *act, *params; int per; } acts[] = {
        {"Sigmoid", NULL, 4}, {"HardSigmoid", "0.2,0.5", 4}, {"Tanh", NULL, 1}, {NULL, NULL, 0}};
    for (int i = 0; i < 4; i++) {
        t = fconv("1x2x4x4", "3x2x1x1", acts[i].act);
        if (acts[i].params)
            tn_attr_floats(t, "activation_params", acts[i].params);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x3x4x4");
        CHECK_EQ(tn_cost(t)->macs, 96);
        CHECK_EQ(tn_cost(t)->flops, 192 + 48 * acts[i].per);
        tn_free(t);
    }
}

static void fused_conv_errors(void)
{
    struct tnode *t = fconv("1x2x4x4", "3x2x1x1", "Elu");
    CHECK(tn_fails_with(t, 1, "activation is 'Elu'; FusedConv fuses Relu, Tanh, Sigmoid, "
                              "LeakyRelu, Clip or HardSigmoid"));
    tn_free(t);
    t = fconv("1x2x4x4", "3x2x1x1", "Clip");
    CHECK(tn_fails_with(t, 1, "activation Clip needs 2 activation_params but the node has 0"));
    tn_free(t);
    t = fconv("1x2x4x4", "3x2x1x1", "LeakyRelu");
    tn_attr_floats(t, "activation_params", "0.1,0.2");
    CHECK(tn_fails_with(t, 1, "activation LeakyRelu needs 1 activation_params but the node has 2"));
    tn_free(t);
    t = fconv("1x2x4x4", "3x2x1x1", "Relu");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "1x3x4x5");
    CHECK(tn_fails_with(t, 1, "Z is 1x3x4x5 but the output is 1x3x4x4; the sum input must "
                              "have the output's shape"));
    tn_free(t);
    t = fconv("1x2x4x4", "3x3x1x1", "Relu");
    CHECK(tn_fails_with(t, 1, "input has 2 channels but weight expects 3 x group 1"));
    tn_free(t);
    t = fconv("1x2", "3x2", "Relu");
    CHECK(tn_fails_with(t, 1, "input has rank 2; FusedConv needs (N, C, D1, ...)"));
    tn_free(t);
}

/* com.microsoft NhwcConv. onnxruntime-node 1.31 has no CPU kernel
 * ("Could not find an implementation for NhwcConv(1)"): the layout is the
 * one ONNX Runtime's fusion writes and its CUDA kernel reads, X (N, H, W,
 * C), W (M, kH, kW, C/group), Y (N, H', W', M). */
static struct tnode *nhwc(const char *x, const char *w)
{
    struct tnode *t = tn_new_domain("com.microsoft", "NhwcConv", 1);
    tn_in(t, PR_DT_FLOAT16, x);
    tn_in_weight(t, PR_DT_FLOAT16, w);
    return t;
}

static void nhwc_conv_counts_as_conv_channels_last(void)
{
    /* SD UNet conv_in: 1x64x64x4, W 320x3x3x4, pads 1 -> 1x64x64x320.
     * MACs = 64*64*320 * 3*3*4 = 1310720 * 36 = 47185920;
     * FLOPs = 2*MACs + 1310720 (bias) = 95682560. */
    struct tnode *t = nhwc("1x64x64x4", "320x3x3x4");
    tn_in_weight(t, PR_DT_FLOAT16, "320");
    tn_attr_ints(t, "kernel_shape", "3,3");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x64x64x320");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 47185920);
    CHECK_EQ(tn_cost(t)->flops, 95682560);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_CONV);
    tn_free(t);
    /* stride 2, no pads: (9 - 3) / 2 + 1 = 4: 2x4x4x16, MACs 512 * 72 = 36864 */
    t = nhwc("2x9x9x8", "16x3x3x8");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x4x16");
    CHECK_EQ(tn_cost(t)->macs, 36864);
    tn_free(t);
    /* depthwise: 16 groups of one channel, W 16x3x3x1: MACs 1024 * 9 = 9216 */
    t = nhwc("1x8x8x16", "16x3x3x1");
    tn_attr_int(t, "group", 16);
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x8x16");
    CHECK_EQ(tn_cost(t)->macs, 9216);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_DEPTHWISE);
    tn_free(t);
}

static void nhwc_conv_errors(void)
{
    struct tnode *t = nhwc("1x8x8x5", "16x3x3x4");
    CHECK(tn_fails_with(t, 1, "W is 16x3x3x4 but NhwcConv's weight is (M, K1.., C/group): its last "
                              "axis 4 x group 1 must be X's 5 channels"));
    tn_free(t);
    t = nhwc("1x8x8x4", "16x4x3x3");   /* Conv's layout, not NhwcConv's */
    CHECK(tn_fails_with(t, 1, "its last axis 3 x group 1 must be X's 4 channels"));
    tn_free(t);
    t = nhwc("1x2x2x4", "16x3x3x4");
    CHECK(tn_fails_with(t, 1, "axis 2"));   /* the 3x3 kernel is larger than 2x2 */
    tn_free(t);
    t = nhwc("8x4", "16x4");
    CHECK(tn_fails_with(t, 1, "X is 8x4; NhwcConv needs (N, D1, ..., C)"));
    tn_free(t);
}

/* com.microsoft NhwcFusedConv. onnxruntime-node 1.31 (x86-64) has no
 * kernel for it ("Could not find an implementation for NhwcFusedConv(1)"
 * for float, "Failed to find kernel" for float16: its CPU kernels are
 * built for ARM64 only), so these follow ContribOperators.md and the
 * schema's shape inference: X (N, H, W, C), W in Conv's layout
 * (M, C/group, kH, kW), Z and Y (N, H', W', M). */
static struct tnode *nfconv(const char *x, const char *w, const char *act)
{
    struct tnode *t = tn_new_domain("com.microsoft", "NhwcFusedConv", 1);
    tn_in(t, PR_DT_FLOAT16, x);
    tn_in_weight(t, PR_DT_FLOAT16, w);
    if (act)
        tn_attr_str(t, "activation", act);
    return t;
}

static void nhwc_fused_conv_counts_fused_conv_channels_last(void)
{
    /* 1x8x8x4 * W 16x4x3x3, pads 1, bias, Relu -> 1x8x8x16 (1024).
     * MACs = 1024 * 4*3*3 = 36864; FLOPs = 2*36864 + 1024 (bias) + 1024
     * (Relu, 1 per element) = 75776. */
    struct tnode *t = nfconv("1x8x8x4", "16x4x3x3", "Relu");
    tn_in_weight(t, PR_DT_FLOAT16, "16");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x8x16");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 36864);
    CHECK_EQ(tn_cost(t)->flops, 75776);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_CONV);
    tn_free(t);
    /* stride 2, no pads, Z of the output's shape, LeakyRelu: 2x9x9x8 *
     * 16x8x3x3 -> (9 - 3) / 2 + 1 = 4: 2x4x4x16 (512); MACs 512 * 72 =
     * 36864; FLOPs 2*36864 + 512 (Z) + 2*512 (LeakyRelu) = 75264. */
    t = nfconv("2x9x9x8", "16x8x3x3", "LeakyRelu");
    tn_attr_floats(t, "activation_params", "0.01");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT16, "2x4x4x16");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x4x16");
    CHECK_EQ(tn_cost(t)->macs, 36864);
    CHECK_EQ(tn_cost(t)->flops, 75264);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x9, 0);   /* X and Z are not parameters */
    tn_free(t);
    /* depthwise, no activation: 1x8x8x16 * 16x1x3x3, group 16, pads 1 ->
     * 1x8x8x16 (1024); MACs 1024 * 9 = 9216; FLOPs 18432. */
    t = nfconv("1x8x8x16", "16x1x3x3", NULL);
    tn_attr_int(t, "group", 16);
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x8x16");
    CHECK_EQ(tn_cost(t)->macs, 9216);
    CHECK_EQ(tn_cost(t)->flops, 18432);
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_DEPTHWISE);
    tn_free(t);
    /* 1-D: 1x10x3 * 5x3x4, SAME_UPPER stride 2 -> ceil(10/2) = 5: 1x5x5
     * (25); MACs 25 * 12 = 300; FLOPs 600 + 4*25 (Sigmoid) = 700. */
    t = nfconv("1x10x3", "5x3x4", "Sigmoid");
    tn_attr_str(t, "auto_pad", "SAME_UPPER");
    tn_attr_ints(t, "strides", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x5");
    CHECK_EQ(tn_cost(t)->macs, 300);
    CHECK_EQ(tn_cost(t)->flops, 700);
    tn_free(t);
}

static void nhwc_fused_conv_errors(void)
{
    /* NhwcConv's weight layout (M, kH, kW, C) is not NhwcFusedConv's */
    struct tnode *t = nfconv("1x8x8x4", "16x3x3x4", "Relu");
    CHECK(tn_fails_with(t, 1, "W is 16x3x3x4 but NhwcFusedConv's weight is (M, C/group, K1..): "
                              "its second axis 3 x group 1 must be X's 4 channels"));
    tn_free(t);
    /* Z given channels first */
    t = nfconv("1x8x8x4", "16x4x3x3", "Relu");
    tn_attr_ints(t, "pads", "1,1,1,1");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT16, "1x16x8x8");
    CHECK(tn_fails_with(t, 1, "Z is 1x16x8x8 but the output is 1x8x8x16"));
    tn_free(t);
    t = nfconv("1x8x8x4", "16x4x3x3", "Gelu");
    CHECK(tn_fails_with(t, 1, "activation is 'Gelu'; NhwcFusedConv fuses Relu"));
    tn_free(t);
    t = nfconv("1x8x8x4", "16x4x3x3", "Clip");
    CHECK(tn_fails_with(t, 1, "activation Clip needs 2 activation_params"));
    tn_free(t);
    t = nfconv("1x2x2x4", "16x4x3x3", NULL);
    CHECK(tn_fails_with(t, 1, "axis 2"));   /* the 3x3 kernel is larger than 2x2 */
    tn_free(t);
    t = nfconv("8x4", "16x4", NULL);
    CHECK(tn_fails_with(t, 1, "X is 8x4; NhwcFusedConv needs (N, D1, ..., C)"));
    tn_free(t);
    t = nfconv("1x8x8x4", "16x4x3x3", NULL);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    CHECK(tn_fails_with(t, 1, "5 inputs; NhwcFusedConv takes at most 4 (X, W, B, Z)"));
    tn_free(t);
}

/* com.microsoft.nchwc Conv: FusedConv's rules on the blocked layout.
 * onnxruntime-node 1.31 (CPU, AVX-512 block 16) gives the same shapes for
 * these nodes (tests/real_ortopt.py, tests/ortopt_shapes.json). */
static void nchwc_conv_counts_padded_channels_sum_and_activation(void)
{
    /* NCHW 3-channel input read directly: 1x3x16x16 * 16x3x3x3 stride 2
     * pads 1 -> 1x16x8x8 (1024); MACs 1024*27 = 27648; FLOPs 2*MACs +
     * 1024 (bias) + 1024 (Relu). */
    struct tnode *t = tn_new_domain("com.microsoft.nchwc", "Conv", 1);
    tn_in(t, PR_DT_FLOAT, "1x3x16x16");
    tn_in_weight(t, PR_DT_FLOAT, "16x3x3x3");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    tn_attr_str(t, "activation", "Relu");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x8x8");
    CHECK_EQ(tn_cost(t)->macs, 27648);
    CHECK_EQ(tn_cost(t)->flops, 2 * 27648 + 1024 + 1024);
    tn_free(t);
    /* Sum input (ORT's Conv + Add): 1x16x5x5 * 16x16x3x3 pads 1 -> 1x16x5x5
     * (400); MACs 400*144 = 57600; FLOPs + 400 (Sum), no bias. */
    t = tn_new_domain("com.microsoft.nchwc", "Conv", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x5x5");
    tn_in_weight(t, PR_DT_FLOAT, "16x16x3x3");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "1x16x5x5");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x5x5");
    CHECK_EQ(tn_cost(t)->macs, 57600);
    CHECK_EQ(tn_cost(t)->flops, 2 * 57600 + 400);
    tn_free(t);
    /* Output channels padded 10 -> 16 by the optimiser: C_out = W[0] = 16,
     * the MACs count the 6 zero channels (16*36*16 = 9216). */
    t = tn_new_domain("com.microsoft.nchwc", "Conv", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x6x6");
    tn_in_weight(t, PR_DT_FLOAT, "16x16x1x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x6x6");
    CHECK_EQ(tn_cost(t)->macs, 9216);
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "Conv", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x6x6");
    tn_in_weight(t, PR_DT_FLOAT, "16x16x1x1");
    tn_attr_str(t, "activation", "Gelu");
    CHECK(tn_fails_with(t, 1, "activation is 'Gelu'; nchwc Conv fuses Relu"));
    tn_free(t);
}

/* DeformConv (opset 19): Conv's MACs, plus k-linear sampling: per sample
 * (input channel x tap x output position) 2^(k+1) - 1 FLOPs (+1 with a
 * mask), per sampling point (offset group x tap x position) 4k + 2^k(k-1). */
static void deform_conv_counts_the_convolution_and_the_sampling(void)
{
    /* X 1x4x8x8, W 6x4x3x3, offset 1x18x6x6 -> Y 1x6x6x6 (onnxruntime-node) */
    struct tnode *t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "6x4x3x3");
    tn_in(t, PR_DT_FLOAT, "1x18x6x6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6x6x6");
    long long macs = 216LL * 4 * 9, taps = 36LL * 9;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + taps * 4 * 7 + taps * 12);
    tn_free(t);
    /* group 2, offset_group 2, stride 2, pad 1, bias and mask:
     * X 2x4x9x9, W 6x2x3x3 -> Y 2x6x5x5; offset 2x36x5x5, mask 2x18x5x5 */
    t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "2x4x9x9");
    tn_in_weight(t, PR_DT_FLOAT, "6x2x3x3");
    tn_in(t, PR_DT_FLOAT, "2x36x5x5");
    tn_in_weight(t, PR_DT_FLOAT, "6");
    tn_in(t, PR_DT_FLOAT, "2x18x5x5");
    tn_attr_int(t, "group", 2);
    tn_attr_int(t, "offset_group", 2);
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x6x5x5");
    macs = 300LL * 2 * 9;
    taps = 2LL * 25 * 9;
    CHECK_EQ(tn_cost(t)->macs, macs);
    CHECK_EQ(tn_cost(t)->flops, 2 * macs + 300 + taps * 4 * (7 + 1) + taps * 2 * 12);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x14, 0);   /* offset and mask are no weights */
    CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GROUPED);
    tn_free(t);
}

static void deform_conv_checks_offset_and_mask(void)
{
    struct tnode *t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in(t, PR_DT_FLOAT, "6x4x3x3");
    tn_in(t, PR_DT_FLOAT, "1x9x6x6");
    CHECK(tn_fails_with(t, 1, "offset has shape 1x9x6x6 but must be (N, 18"));
    tn_free(t);
    t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in(t, PR_DT_FLOAT, "6x4x3x3");
    tn_in(t, PR_DT_FLOAT, "1x18x6x6");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "1x9x5x5");
    CHECK(tn_fails_with(t, 1, "mask has shape 1x9x5x5"));
    tn_free(t);
    t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in(t, PR_DT_FLOAT, "6x4x3x3");
    tn_in(t, PR_DT_FLOAT, "1x54x6x6");
    tn_attr_int(t, "offset_group", 3);
    CHECK(tn_fails_with(t, 1, "offset_group is 3"));
    tn_free(t);
    t = tn_new("DeformConv", 19);
    tn_in(t, PR_DT_FLOAT, "1x4x8x8");
    tn_in(t, PR_DT_FLOAT, "6x3x3x3");
    tn_in(t, PR_DT_FLOAT, "1x18x6x6");
    CHECK(tn_fails_with(t, 1, "input has 4 channels but weight expects 3"));
    tn_free(t);
    t = tn_new("DeformConv", 19);   /* channels unknown: a hostile offset_group must not overflow */
    tn_in(t, PR_DT_FLOAT, "1x?x8x8");
    tn_in(t, PR_DT_FLOAT, "6x4x3x3");
    tn_in(t, PR_DT_FLOAT, "1x18x6x6");
    tn_attr_int(t, "offset_group", 4611686018427387904LL);
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);
}

void suite_conv(void)
{
    RUN(deform_conv_counts_the_convolution_and_the_sampling);
    RUN(deform_conv_checks_offset_and_mask);
    RUN(nhwc_conv_counts_as_conv_channels_last);
    RUN(nhwc_conv_errors);
    RUN(nhwc_fused_conv_counts_fused_conv_channels_last);
    RUN(nhwc_fused_conv_errors);
    RUN(conv_2d_stride_pads_bias_counts);
    RUN(fused_conv_counts_conv_sum_and_activation);
    RUN(fused_conv_errors);
    RUN(nchwc_conv_counts_padded_channels_sum_and_activation);
    RUN(conv_1d_dilation_and_stride);
    RUN(conv_3d_asymmetric_pads_per_axis_strides);
    RUN(conv_4d_spatial_dims_work_like_the_rest);
    RUN(conv_groups_divide_input_channels);
    RUN(conv_depthwise_counts_one_channel_per_output);
    RUN(conv_auto_pad_same_is_ceil_of_input_over_stride);
    RUN(conv_auto_pad_valid_and_notset);
    RUN(conv_unknown_extents_propagate_and_cost_is_incomplete);
    RUN(conv_kernel_shape_fills_unknown_weight_extents);
    RUN(conv_count_overflow_is_flagged);
    RUN(conv_int64_overflow_in_extent_is_an_error);
    RUN(conv_bad_weights_are_errors);
    RUN(conv_bad_attributes_are_errors);
    RUN(conv_kernel_larger_than_padded_input_is_an_error);
    RUN(conv_transpose_2d_groups_pads_output_padding);
    RUN(conv_transpose_3d_counts_from_input_side);
    RUN(conv_transpose_1d_dilation);
    RUN(conv_transpose_output_shape_wins_with_or_without_n_c);
    RUN(conv_transpose_same_is_input_times_stride);
    RUN(conv_transpose_dynamic_pads);
    RUN(conv_transpose_valid_ignores_pads);
    RUN(conv_transpose_errors);
    RUN(conv_matches_onnx_backend_test_shapes);
}
