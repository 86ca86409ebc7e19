/* test_pool.c -- windowed and global pools (ops/pool.c).
 * Every expected value is worked out by hand in the comment beside it. */
#include "opcheck.h"
#include "test.h"

void suite_pool(void);

/* A pool node on x with kernel_shape ks (NULL: none) and, when not NULL,
 * strides st and pads pd. */
static struct tnode *pool(const char *op, int opset, const char *x, const char *ks,
                          const char *st, const char *pd)
{
    struct tnode *t = tn_new(op, opset);
    tn_in(t, PR_DT_FLOAT, x);
    if (ks)
        tn_attr_ints(t, "kernel_shape", ks);
    if (st)
        tn_attr_ints(t, "strides", st);
    if (pd)
        tn_attr_ints(t, "pads", pd);
    return t;
}

static void maxpool_2d_stride_pads_counts_one_compare_per_window_element(void)
{
    /* ResNet stem pool: 1x64x112x112, k 3, s 2, pads 1:
     * floor((112+2-3)/2)+1 = 55+1 = 56. FLOPs = 64*56*56 * 9 = 200704*9 = 1806336. */
    struct tnode *t = pool("MaxPool", 12, "1x64x112x112", "3,3", "2,2", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x64x56x56");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 1806336);
    tn_free(t);
}

static void maxpool_1d_ceil_mode_drops_window_starting_in_right_padding(void)
{
    /* D 5, k 2, s 2, pads 1,1, ceil: ceil((5+2-2)/2)+1 = 3+1 = 4, but the
     * 4th window starts at 3*2 = 6 >= 5+1: dropped -> 3 (as PyTorch).
     * FLOPs = 3 * 2 = 6. */
    struct tnode *t = pool("MaxPool", 12, "1x1x5", "2", "2", "1,1");
    tn_attr_int(t, "ceil_mode", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x3");
    CHECK_EQ(tn_cost(t)->flops, 6);
    tn_free(t);
}

static void maxpool_2d_ceil_mode_keeps_partial_last_window(void)
{
    /* test_maxpool_2d_ceil: 4x4, k 3, s 2: floor: floor(1/2)+1 = 1;
     * ceil: ceil(1/2)+1 = 2 (last window starts at 2 < 4: kept). */
    for (int mode = 0; mode < 2; mode++) {
        struct tnode *t = pool("MaxPool", 12, "1x1x4x4", "3,3", "2,2", NULL);
        tn_attr_int(t, "ceil_mode", mode);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), mode ? "1x1x2x2" : "1x1x1x1");
        tn_free(t);
    }
}

static void maxpool_3d_dilations_ceil_mode(void)
{
    /* 8x9x10, k 3, s 2, pads 1, dilation 2, ceil: dk = 5;
     * 8: (10-5)/2 = 2.5 -> 3, +1 = 4 (start 6 < 9: kept)
     * 9: (11-5)/2 = 3 exact -> 4
     * 10: (12-5)/2 = 3.5 -> 4, +1 = 5 (start 8 < 11: kept)
     * FLOPs = 4*4*5 * 27 = 2160 (every kernel axis counted). */
    struct tnode *t = pool("MaxPool", 12, "1x1x8x9x10", "3,3,3", "2,2,2", "1,1,1,1,1,1");
    tn_attr_ints(t, "dilations", "2,2,2");
    tn_attr_int(t, "ceil_mode", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x4x5");
    CHECK_EQ(tn_cost(t)->flops, 2160);
    tn_free(t);
}

static void maxpool_1d_and_dilated_2d(void)
{
    /* test_maxpool_1d_default: 1x3x32, k 2 -> 31; FLOPs = 3*31*2 = 186. */
    struct tnode *t = pool("MaxPool", 12, "1x3x32", "2", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x31");
    CHECK_EQ(tn_cost(t)->flops, 186);
    tn_free(t);

    /* test_maxpool_2d_dilations: 4x4, k 2, d 2: dk = 3, 4-3+1 = 2. */
    t = pool("MaxPool", 12, "1x1x4x4", "2,2", "1,1", NULL);
    tn_attr_ints(t, "dilations", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x2x2");
    CHECK_EQ(tn_cost(t)->flops, 16);    /* 4 outputs * 4 window elements */
    tn_free(t);
}

static void maxpool_indices_output_is_int64_of_the_same_shape(void)
{
    /* 5x5, k 2, s 2: floor(3/2)+1 = 2. */
    struct tnode *t = pool("MaxPool", 12, "1x1x5x5", "2,2", "2,2", NULL);
    tn_attr_int(t, "storage_order", 1);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x2x2");
    CHECK_STR(tn_out_shape(t, 1), "1x1x2x2");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT64);
    tn_free(t);
}

static void maxpool_auto_pad_same_and_valid(void)
{
    /* 5x5, k 3, s 2: SAME_UPPER/LOWER ceil(5/2) = 3; VALID
     * floor((5-3)/2)+1 = 2 = ceil((5-3+1)/2). */
    static const struct { const char *mode, *y; } cases[] = {
        {"SAME_UPPER", "1x1x3x3"}, {"SAME_LOWER", "1x1x3x3"},
        {"VALID", "1x1x2x2"}, {"NOTSET", "1x1x2x2"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = pool("MaxPool", 12, "1x1x5x5", "3,3", "2,2", NULL);
        tn_attr_str(t, "auto_pad", cases[i].mode);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].y);
        tn_free(t);
    }
}

static void averagepool_2d_ceil_mode_counts_adds_and_divide(void)
{
    /* 6x7, k 3, s 2, pads 1, ceil: 6: (8-3)/2 = 2.5 -> 3, +1 = 4 (start 6
     * < 7: kept); 7: (9-3)/2 = 3, +1 = 4. FLOPs = 16 * (8 adds + 1 divide) = 144. */
    struct tnode *t = pool("AveragePool", 11, "1x1x6x7", "3,3", "2,2", "1,1,1,1");
    tn_attr_int(t, "ceil_mode", 1);
    tn_attr_int(t, "count_include_pad", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x4");
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 144);
    tn_free(t);
}

static void averagepool_1d_valid_and_3d_default(void)
{
    /* 1x2x10, k 3, s 2, VALID: floor(7/2)+1 = 4; FLOPs = 2*4*3 = 24. */
    struct tnode *t = pool("AveragePool", 11, "1x2x10", "3", "2", NULL);
    tn_attr_str(t, "auto_pad", "VALID");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x4");
    CHECK_EQ(tn_cost(t)->flops, 24);
    tn_free(t);

    /* test_averagepool_3d_default: 1x3x32x32x32, k 2: 31 each;
     * FLOPs = 3*31^3 * 8 = 3*29791*8 = 714984. */
    t = pool("AveragePool", 11, "1x3x32x32x32", "2,2,2", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x31x31x31");
    CHECK_EQ(tn_cost(t)->flops, 714984);
    tn_free(t);
}

static void averagepool_dilations_from_opset_19_and_honoured_before(void)
{
    /* 7x7, k 2, d 3: dk = 4, 7-4+1 = 4. FLOPs = 16 * 4 = 64. Opset 11 lacks
     * dilations for AveragePool: honoured with a warning, same result. */
    int opsets[] = {19, 11};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = pool("AveragePool", opsets[i], "1x1x7x7", "2,2", NULL, NULL);
        tn_attr_ints(t, "dilations", "3,3");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x1x4x4");
        CHECK_EQ(tn_cost(t)->flops, 64);
        tn_free(t);
    }
}

static void lppool_counts_power_add_and_root(void)
{
    /* 1x2x7x8, k 3, s 2: floor(4/2)+1 = 3, floor(5/2)+1 = 3.
     * FLOPs = 2*3*3 * (2*9 + 1) = 18 * 19 = 342. */
    struct tnode *t = pool("LpPool", 11, "1x2x7x8", "3,3", "2,2", NULL);
    tn_attr_int(t, "p", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x3x3");
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 342);
    tn_free(t);
}

static void global_pools_reduce_every_spatial_axis(void)
{
    /* GlobalAveragePool 2x16x7x7 -> 2x16x1x1, FLOPs = 2*16*49 = 1568. */
    struct tnode *t = tn_new("GlobalAveragePool", 1);
    tn_in(t, PR_DT_FLOAT, "2x16x7x7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x16x1x1");
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 1568);
    tn_free(t);

    /* GlobalMaxPool 3-D: 1x4x2x3x5 -> 1x4x1x1x1, FLOPs = 4*30 = 120. */
    t = tn_new("GlobalMaxPool", 1);
    tn_in(t, PR_DT_FLOAT16, "1x4x2x3x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x1x1x1");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->flops, 120);
    tn_free(t);

    /* Unknown spatial extents still give 1s; the cost is incomplete. */
    t = tn_new("GlobalAveragePool", 1);
    tn_in(t, PR_DT_FLOAT, "1x8x?x?");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x1x1");
    CHECK(tn_incomplete(t));
    tn_free(t);

    t = tn_new("GlobalMaxPool", 1);
    tn_in(t, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 1, "input has rank 1"));
    tn_free(t);
}

static void pool_unknown_extents_propagate(void)
{
    /* ?x3x?x32, k 2, s 2: N and D1 unknown, D2 = 16; cost incomplete. */
    struct tnode *t = pool("MaxPool", 12, "?x3x?x32", "2,2", "2,2", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x3x?x16");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void pool_count_overflow_is_flagged(void)
{
    /* Y = 1e6 x 1e6 x (1e6 - 99) ~ 1e18 elements, times 100 window
     * elements ~ 1e20 > 2^64. */
    struct tnode *t = pool("AveragePool", 11, "1000000x1000000x1000000", "100", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1000000x1000000x999901");
    CHECK(tn_overflow(t));
    tn_free(t);
}

static void pool_errors(void)
{
    struct tnode *t = pool("MaxPool", 12, "1x1x8x8", NULL, NULL, NULL);
    CHECK(tn_fails_with(t, 1, "kernel_shape is required (2 values, one per spatial dim)"));
    tn_free(t);

    t = pool("MaxPool", 12, "1x1x8x8", "3", NULL, NULL);
    CHECK(tn_fails_with(t, 1, "'kernel_shape' has 1 values but the input has 2 spatial dims"));
    tn_free(t);

    t = pool("MaxPool", 12, "1x1x3x3", "5,5", NULL, NULL);
    CHECK(tn_fails_with(t, 1, "axis 2: kernel larger than the padded input: effective kernel 5 = "
                           "(5-1)*1+1 > padded input 3 = 3+0+0"));
    tn_free(t);

    t = pool("AveragePool", 11, "1x1x8x8", "2,2", "0,1", NULL);
    CHECK(tn_fails_with(t, 1, "'strides'[0] is 0; it must be >= 1"));
    tn_free(t);

    t = pool("AveragePool", 11, "1x1x8x8", "2,2", NULL, "0,0,-1,0");
    CHECK(tn_fails_with(t, 1, "'pads'[2] is -1; it must be >= 0"));
    tn_free(t);

    t = pool("LpPool", 11, "1x1x8x8", "0,2", NULL, NULL);
    CHECK(tn_fails_with(t, 1, "'kernel_shape'[0] is 0; it must be >= 1"));
    tn_free(t);

    t = pool("AveragePool", 11, "1x1x8x8", "2,2", NULL, NULL);
    CHECK(tn_fails_with(t, 2, "AveragePool has one output but the node lists 2"));
    tn_free(t);

    t = pool("MaxPool", 12, "1x8", "2", NULL, NULL);
    CHECK(tn_fails_with(t, 1, "input has rank 2; MaxPool needs (N, C, D1, ...)"));
    tn_free(t);

    t = pool("MaxPool", 12, "1x1x8x8", "2,2", NULL, NULL);
    tn_attr_str(t, "auto_pad", "same_upper");
    CHECK(tn_fails_with(t, 1, "auto_pad is 'same_upper'"));
    tn_free(t);

    /* 2^62 + 2^62 overflows int64 */
    t = pool("MaxPool", 12, "1x1x4611686018427387904", "2", NULL, "4611686018427387904,0");
    CHECK(tn_fails_with(t, 1, "overflows int64"));
    tn_free(t);
}

/* com.microsoft.nchwc pools: the ONNX pools' shapes and counts, every
 * attribute from version 1 (no opset warning), no Indices output. Shapes
 * as onnxruntime-node 1.31 gives them (tests/ortopt_shapes.json). */
static void nchwc_pools_follow_the_onnx_pools(void)
{
    /* MaxPool 3, stride 2, pads 1, ceil_mode on 8x8: ceil((10 - 3) / 2) + 1
     * = 5, the last window starts at 8 < 8 + 1: kept -> 1x16x5x5 (400);
     * FLOPs 400*9 = 3600. */
    struct tnode *t = tn_new_domain("com.microsoft.nchwc", "MaxPool", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x8x8");
    tn_attr_ints(t, "kernel_shape", "3,3");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    tn_attr_int(t, "ceil_mode", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x5x5");
    CHECK_EQ(tn_cost(t)->flops, 3600);
    CHECK_STR(tn_error(t), "");
    tn_free(t);
    /* AveragePool 2/2 on 5x5: floor(3/2) + 1 = 2 -> 1x16x2x2, FLOPs 64*4. */
    t = tn_new_domain("com.microsoft.nchwc", "AveragePool", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x5x5");
    tn_attr_ints(t, "kernel_shape", "2,2");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x2x2");
    CHECK_EQ(tn_cost(t)->flops, 256);
    tn_free(t);
    /* Global pools: 1x16x6x6 -> 1x16x1x1, FLOPs numel(X) = 576. */
    static const char *const globals[] = {"GlobalMaxPool", "GlobalAveragePool"};
    for (int i = 0; i < 2; i++) {
        t = tn_new_domain("com.microsoft.nchwc", globals[i], 1);
        tn_in(t, PR_DT_FLOAT, "1x16x6x6");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x16x1x1");
        CHECK_EQ(tn_cost(t)->flops, 576);
        tn_free(t);
    }
    t = tn_new_domain("com.microsoft.nchwc", "MaxPool", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x8x8");
    tn_attr_ints(t, "kernel_shape", "2,2");
    CHECK(tn_fails_with(t, 2, "MaxPool has one output but the node lists 2"));
    tn_free(t);
}

/* com.microsoft NhwcMaxPool (ONNX Runtime's NHWC transformer, int8/uint8).
 * Shapes as onnxruntime-node 1.31 (CPU) gives them for the same nodes:
 * 1x9x9x8 k3 s2 p1 -> 1x5x5x8; int8 2x8x7x3 k3x2 s2 ceil_mode -> 2x4x4x3;
 * 1x10x10x4 k3 dilations 2 -> 1x6x6x4; 1x7x8x4 k3 s2 SAME_UPPER ->
 * 1x4x4x4; 1x10x4 k4 s3 -> 1x3x4. FLOPs = numel(Y) * prod(K) as MaxPool. */
static struct tnode *nhwc_pool(const char *x, const char *ks, const char *st)
{
    struct tnode *t = tn_new_domain("com.microsoft", "NhwcMaxPool", 1);
    tn_in(t, PR_DT_UINT8, x);
    if (ks)
        tn_attr_ints(t, "kernel_shape", ks);
    if (st)
        tn_attr_ints(t, "strides", st);
    return t;
}

static void nhwc_max_pool_is_max_pool_channels_last(void)
{
    /* 1x9x9x8, k 3, s 2, p 1 -> 1x5x5x8 (200); FLOPs 200*9 = 1800 */
    struct tnode *t = nhwc_pool("1x9x9x8", "3,3", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x5x5x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->flops, 1800);
    CHECK_EQ(tn_cost(t)->macs, 0);
    tn_free(t);
    /* ceil_mode: 2x8x7x3, k 3x2, s 2 -> 2x4x4x3 (96); 96*6 = 576 */
    t = nhwc_pool("2x8x7x3", "3,2", "2,2");
    tn_attr_int(t, "ceil_mode", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x4x3");
    CHECK_EQ(tn_cost(t)->flops, 576);
    tn_free(t);
    /* dilations 2: dk 5, 10 - 5 + 1 = 6 -> 1x6x6x4 (144); 144*9 = 1296 */
    t = nhwc_pool("1x10x10x4", "3,3", NULL);
    tn_attr_ints(t, "dilations", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6x6x4");
    CHECK_EQ(tn_cost(t)->flops, 1296);
    tn_free(t);
    /* SAME_UPPER s 2: ceil(7/2), ceil(8/2) -> 1x4x4x4 (64); 64*9 = 576 */
    t = nhwc_pool("1x7x8x4", "3,3", "2,2");
    tn_attr_str(t, "auto_pad", "SAME_UPPER");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4x4x4");
    CHECK_EQ(tn_cost(t)->flops, 576);
    tn_free(t);
    /* 1-D: 1x10x4, k 4, s 3 -> 1x3x4 (12); 12*4 = 48 */
    t = nhwc_pool("1x10x4", "4", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x4");
    CHECK_EQ(tn_cost(t)->flops, 48);
    tn_free(t);
    t = nhwc_pool("1x10x4", NULL, NULL);
    CHECK(tn_fails_with(t, 1, "kernel_shape is required"));
    tn_free(t);
    t = nhwc_pool("1x10x4", "4", NULL);
    CHECK(tn_fails_with(t, 2, "NhwcMaxPool has one output but the node lists 2"));
    tn_free(t);
}

/* GlobalLpPool: as LpPool over the whole spatial extent,
 * 2 * numel(X) + numel(Y). */
static void global_lp_pool_counts_powers_adds_and_roots(void)
{
    struct tnode *t = tn_new("GlobalLpPool", 2);
    tn_in(t, PR_DT_FLOAT, "2x3x8x10");
    tn_attr_int(t, "p", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x1x1");
    CHECK_EQ(tn_cost(t)->flops, 2 * 480 + 6);
    tn_free(t);
    t = tn_new("GlobalLpPool", 2);
    tn_in(t, PR_DT_FLOAT, "2x3x8x10");
    tn_attr_int(t, "p", 0);
    CHECK(tn_fails_with(t, 1, "p is 0"));
    tn_free(t);
}

/* com.microsoft MaxpoolWithMask: MaxPool's shape and counts; the mask is
 * int32 of X's rank and spatial extents. X 1x2x5x5, kernel 2x2, stride 2,
 * end pads 1: 3x3, FLOPs 18 * 4 = 72. */
static void maxpool_with_mask_is_maxpool_with_a_checked_mask(void)
{
    const char *masks[] = {"1x1x5x5", "1x2x5x4", "1x1x5", "1x0x5x5"};
    const char *errs[] = {NULL, "mask M has extent 4 on axis 3 but X has 5",
                          "mask M has rank 3 but X has rank 4", "mask M has extent 0 on axis 1"};
    for (int i = 0; i < 4; i++) {
        struct tnode *t = tn_new_domain("com.microsoft", "MaxpoolWithMask", 1);
        tn_in(t, PR_DT_FLOAT, "1x2x5x5");
        tn_in(t, PR_DT_INT32, masks[i]);
        tn_attr_ints(t, "kernel_shape", "2,2");
        tn_attr_ints(t, "strides", "2,2");
        tn_attr_ints(t, "pads", "0,0,1,1");
        if (errs[i]) {
            CHECK(tn_fails_with(t, 1, errs[i]));
        } else {
            CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
            CHECK_STR(tn_out_shape(t, 0), "1x2x3x3");
            CHECK_EQ(tn_cost(t)->flops, 72);
        }
        tn_free(t);
    }
    struct tnode *t = tn_new_domain("com.microsoft", "MaxpoolWithMask", 1);
    tn_in(t, PR_DT_FLOAT, "1x2x5x5");
    tn_in(t, PR_DT_FLOAT, "1x1x5x5");
    tn_attr_ints(t, "kernel_shape", "2,2");
    CHECK(tn_fails_with(t, 1, "mask M (input 1) is float32; it must be int32"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "MaxpoolWithMask", 1);
    tn_in(t, PR_DT_FLOAT, "1x2x5x5");
    tn_attr_ints(t, "kernel_shape", "2,2");
    CHECK(tn_fails_with(t, 1, "input 1 is required but missing"));
    tn_free(t);
}

void suite_pool(void)
{
    RUN(global_lp_pool_counts_powers_adds_and_roots);
    RUN(nhwc_max_pool_is_max_pool_channels_last);
    RUN(maxpool_2d_stride_pads_counts_one_compare_per_window_element);
    RUN(maxpool_1d_ceil_mode_drops_window_starting_in_right_padding);
    RUN(maxpool_2d_ceil_mode_keeps_partial_last_window);
    RUN(maxpool_3d_dilations_ceil_mode);
    RUN(maxpool_1d_and_dilated_2d);
    RUN(maxpool_indices_output_is_int64_of_the_same_shape);
    RUN(maxpool_auto_pad_same_and_valid);
    RUN(averagepool_2d_ceil_mode_counts_adds_and_divide);
    RUN(averagepool_1d_valid_and_3d_default);
    RUN(averagepool_dilations_from_opset_19_and_honoured_before);
    RUN(lppool_counts_power_add_and_root);
    RUN(global_pools_reduce_every_spatial_axis);
    RUN(nchwc_pools_follow_the_onnx_pools);
    RUN(pool_unknown_extents_propagate);
    RUN(pool_count_overflow_is_flagged);
    RUN(pool_errors);
    RUN(maxpool_with_mask_is_maxpool_with_a_checked_mask);
}
