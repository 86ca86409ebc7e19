/* test_vision.c -- GridSample, AffineGrid, RoiAlign, MaxRoiPool,
 * MaxUnpool, Col2Im (ops/vision.c) and NonMaxSuppression (ops/nms.c).
 * Expected values are worked out in the comment beside each check. */
#include "opcheck.h"
#include "test.h"

void suite_vision(void);

static void grid_sample_bilinear_counts_taps_and_unnormalisation(void)
{
    /* X 1x3x5x6, grid 1x4x7x2 -> Y 1x3x4x7 (84 elements).
     * bilinear: 2*2^2 - 1 = 7 per element; align_corners 0: 4 per grid
     * coordinate, numel(grid) = 56. */
    struct tnode *t = tn_new("GridSample", 16);
    tn_in(t, PR_DT_FLOAT, "1x3x5x6");
    tn_in(t, PR_DT_FLOAT, "1x4x7x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x4x7");
    CHECK_EQ(tn_cost(t)->flops, 84 * 7 + 56 * 4);
    tn_free(t);
}

static void grid_sample_bicubic_aligned(void)
{
    /* X 2x1x3x2, grid 2x2x4x2 -> 2x1x2x4 (16); bicubic 2*4^2 - 1 = 31;
     * align_corners 1: 3 per coordinate, 32 coordinates. */
    struct tnode *t = tn_new("GridSample", 16);
    tn_in(t, PR_DT_FLOAT, "2x1x3x2");
    tn_in(t, PR_DT_FLOAT, "2x2x4x2");
    tn_attr_str(t, "mode", "bicubic");
    tn_attr_int(t, "align_corners", 1);
    tn_attr_str(t, "padding_mode", "reflection");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x2x4");
    CHECK_EQ(tn_cost(t)->flops, 16 * 31 + 32 * 3);
    tn_free(t);
}

static void grid_sample_opset_20_volumes(void)
{
    /* X 1x2x4x4x4, grid 1x2x3x4x3 -> 1x2x2x3x4 (48); nearest: 0 per
     * element, 4 per coordinate (72). linear: 2*2^3 - 1 = 15. */
    struct tnode *t = tn_new("GridSample", 20);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4x4");
    tn_in(t, PR_DT_FLOAT, "1x2x3x4x3");
    tn_attr_str(t, "mode", "nearest");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x2x3x4");
    CHECK_EQ(tn_cost(t)->flops, 72 * 4);
    tn_free(t);

    t = tn_new("GridSample", 20);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4x4");
    tn_in(t, PR_DT_FLOAT, "1x2x3x4x3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 48 * 15 + 72 * 4);
    tn_free(t);
}

static void affine_grid_is_a_small_matrix_product(void)
{
    /* theta 2x2x3, size (2, 3, 4, 5) -> 2x4x5x2; 40 points, each 2x2
     * MACs and 2 translation adds. */
    struct tnode *t = tn_new("AffineGrid", 20);
    tn_in_weight(t, PR_DT_FLOAT, "2x2x3");
    tn_in_vals(t, PR_DT_INT64, "4", "2,3,4,5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x5x2");
    CHECK_EQ(tn_cost(t)->macs, 40 * 4);
    CHECK_EQ(tn_cost(t)->flops, 2 * 40 * 4 + 40 * 2);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    tn_free(t);

    /* 3-D: theta 1x3x4, size (1, 1, 2, 3, 4) -> 1x2x3x4x3; 24 points x 9. */
    t = tn_new("AffineGrid", 20);
    tn_in(t, PR_DT_FLOAT, "1x3x4");
    tn_in_vals(t, PR_DT_INT64, "5", "1,1,2,3,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x3x4x3");
    CHECK_EQ(tn_cost(t)->macs, 24 * 9);
    CHECK_EQ(tn_cost(t)->flops, 2 * 24 * 9 + 24 * 3);
    tn_free(t);

    /* size of unknown values: the rank follows its length. */
    t = tn_new("AffineGrid", 20);
    tn_in(t, PR_DT_FLOAT, "3x2x3");
    tn_in(t, PR_DT_INT64, "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x?x?x2");
    tn_free(t);
}

static void roi_align_fixed_sampling_ratio(void)
{
    /* X 1x3x10x10, 4 rois, 5x5 bins, sampling_ratio 2 (4 samples):
     * MACs = 4 per sample * 4 samples * 4 rois * 3*5*5; avg: + numel(Y). */
    struct tnode *t = tn_new("RoiAlign", 16);
    tn_in(t, PR_DT_FLOAT, "1x3x10x10");
    tn_in(t, PR_DT_FLOAT, "4x4");
    tn_in(t, PR_DT_INT64, "4");
    tn_attr_int(t, "output_height", 5);
    tn_attr_int(t, "output_width", 5);
    tn_attr_int(t, "sampling_ratio", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3x5x5");
    CHECK_EQ(tn_cost(t)->macs, 4 * 4 * 4 * (3 * 5 * 5));
    CHECK_EQ(tn_cost(t)->flops, 2 * (4 * 4 * 4 * 75) + 4 * 75);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
}

static void roi_align_adaptive_sampling_from_known_rois(void)
{
    /* rois (x1,y1,x2,y2): (0,0,9,9) 9x9 -> ceil(9/5)^2 = 4 samples;
     * (0,5,4,9) 4x4 -> 1; (5,5,9,9) 4x4 -> 1: 6 samples per channel-bin
     * sum. C = 1, 5x5 bins: MACs = 4 * 25 * 6; max mode compares
     * 25 * (6 - 3) (s - 1 per bin). */
    struct tnode *t = tn_new("RoiAlign", 16);
    tn_in(t, PR_DT_FLOAT, "1x1x10x10");
    tn_in_vals(t, PR_DT_FLOAT, "3x4", "0,0,9,9, 0,5,4,9, 5,5,9,9");
    tn_in(t, PR_DT_INT64, "3");
    tn_attr_int(t, "output_height", 5);
    tn_attr_int(t, "output_width", 5);
    tn_attr_str(t, "mode", "max");
    tn_attr_str(t, "coordinate_transformation_mode", "output_half_pixel");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x1x5x5");
    CHECK_EQ(tn_cost(t)->macs, 4 * 25 * 6);
    CHECK_EQ(tn_cost(t)->flops, 2 * (4 * 25 * 6) + 25 * (6 - 3));
    CHECK(!tn_incomplete(t));
    tn_free(t);

    /* Unknown rois: 1 sample per bin counted, marked incomplete. */
    t = tn_new("RoiAlign", 10);
    tn_in(t, PR_DT_FLOAT, "1x2x10x10");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT64, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x1x1");
    CHECK_EQ(tn_cost(t)->macs, 4 * 3 * 2);
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void max_roi_pool_compares_each_roi_element(void)
{
    /* X 1x2x8x8; roi (b, x1, y1, x2, y2) = (0, 1,1, 4,3): 4 x 3 = 12;
     * (0, 6,6, 10,10): columns 6..10 clipped to 6..7 = 2, rows 2: 4.
     * FLOPs = C * (12 + 4). */
    struct tnode *t = tn_new("MaxRoiPool", 1);
    tn_in(t, PR_DT_FLOAT, "1x2x8x8");
    tn_in_vals(t, PR_DT_FLOAT, "2x5", "0,1,1,4,3, 0,6,6,10,10");
    tn_attr_ints(t, "pooled_shape", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2x2x2");
    CHECK_EQ(tn_cost(t)->flops, 2 * (4 * 3 + 2 * 2));
    CHECK(!tn_incomplete(t));
    tn_free(t);
}

static void max_unpool_inverts_the_pool_extent(void)
{
    /* 2x2 -> (2-1)*2 + 2 = 4 per axis. */
    struct tnode *t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x2");
    tn_attr_ints(t, "kernel_shape", "2,2");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x4");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);

    /* 3x5 input, kernel 3, stride 2, pads 1 on each side:
     * (3-1)*2 + 3 - 2 = 5, (5-1)*2 + 3 - 2 = 9. */
    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "2x4x3x5");
    tn_in(t, PR_DT_INT64, "2x4x3x5");
    tn_attr_ints(t, "kernel_shape", "3,3");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x5x9");
    tn_free(t);

    /* output_shape wins. */
    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x2");
    tn_in_vals(t, PR_DT_INT64, "4", "1,1,5,5");
    tn_attr_ints(t, "kernel_shape", "2,2");
    tn_attr_ints(t, "strides", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x5x5");
    tn_free(t);
}

static void col2im_sums_columns_into_the_image(void)
{
    /* image 5x6, block 2x3, stride 1: (5-2+1)*(6-3+1) = 16 positions;
     * input 1 x (2 channels * 6) x 16 -> 1x2x5x6; FLOPs = numel(X). */
    struct tnode *t = tn_new("Col2Im", 18);
    tn_in(t, PR_DT_FLOAT, "1x12x16");
    tn_in_vals(t, PR_DT_INT64, "2", "5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x5x6");
    CHECK_EQ(tn_cost(t)->flops, 12 * 16);
    tn_free(t);

    /* strides 2, pads 1: floor((5+2-2)/2)+1 = 3, floor((6+2-3)/2)+1 = 3. */
    t = tn_new("Col2Im", 18);
    tn_in(t, PR_DT_FLOAT, "2x6x9");
    tn_in_vals(t, PR_DT_INT64, "2", "5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    tn_attr_ints(t, "strides", "2,2");
    tn_attr_ints(t, "pads", "1,1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x5x6");
    tn_free(t);
}

static void nms_runs_on_known_values(void)
{
    /* Box 1 overlaps box 0 with IoU 0.9/1.1 > 0.5 and is suppressed; box 2
     * is far: 2 selected. Cost: B = 3, k = 3: pairs = 3*2/2 = 3,
     * 13 * 3 + 3 per box areas * 3. */
    struct tnode *t = tn_new("NonMaxSuppression", 11);
    tn_in_vals(t, PR_DT_FLOAT, "1x3x4", "0,0,1,1, 0,0.1,1,1.1, 0,5,1,6");
    tn_in_vals(t, PR_DT_FLOAT, "1x1x3", "0.9,0.8,0.7");
    tn_in_vals(t, PR_DT_INT64, "1", "3");
    tn_in_vals(t, PR_DT_FLOAT, "1", "0.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 13 * 3 + 3 * 3);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);

    /* score_threshold 0.75 drops box 2; 1 selected; + 3 score compares. */
    t = tn_new("NonMaxSuppression", 11);
    tn_in_vals(t, PR_DT_FLOAT, "1x3x4", "0,0,1,1, 0,0.1,1,1.1, 0,5,1,6");
    tn_in_vals(t, PR_DT_FLOAT, "1x1x3", "0.9,0.8,0.7");
    tn_in_vals(t, PR_DT_INT64, "1", "3");
    tn_in_vals(t, PR_DT_FLOAT, "1", "0.5");
    tn_in_vals(t, PR_DT_FLOAT, "1", "0.75");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3");
    CHECK_EQ(tn_cost(t)->flops, 13 * 3 + 3 * 3 + 3);
    tn_free(t);

    /* center_point_box: (xc, yc, w, h); two identical boxes -> 1; k = 1
     * stops after the first anyway. */
    t = tn_new("NonMaxSuppression", 11);
    tn_in_vals(t, PR_DT_FLOAT, "1x2x4", "0.5,0.5,1,1, 0.5,0.5,1,1");
    tn_in_vals(t, PR_DT_FLOAT, "1x1x2", "0.9,0.9");
    tn_in_vals(t, PR_DT_INT64, "1", "5");
    tn_attr_int(t, "center_point_box", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3");
    tn_free(t);
}

static void nms_unknown_values_take_the_upper_bound(void)
{
    /* batch 2, 10 boxes, 3 classes, k = 4: n <= 2*3*4 = 24.
     * pairs(10, 4) = 4*3/2 + (10-4)*3 = 24 per (batch, class);
     * FLOPs = 13 * 6 * 24 + 3 * 2 * 10. */
    struct tnode *t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "2x10x4");
    tn_in(t, PR_DT_FLOAT, "2x3x10");
    tn_in_vals(t, PR_DT_INT64, "1", "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "24x3");
    CHECK_EQ(tn_cost(t)->flops, 13 * 6 * 24 + 3 * 2 * 10);
    tn_free(t);

    /* k unknown: bound 2*3*10; pairs(10, 10) = 45; center boxes add 4 per box. */
    t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "2x10x4");
    tn_in(t, PR_DT_FLOAT, "2x3x10");
    tn_in(t, PR_DT_INT64, "1");
    tn_attr_int(t, "center_point_box", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "60x3");
    CHECK_EQ(tn_cost(t)->flops, 13 * 6 * 45 + 7 * 2 * 10);
    tn_free(t);

    /* k absent means 0: nothing is selected, no pairs. */
    t = tn_new("NonMaxSuppression", 10);
    tn_in(t, PR_DT_FLOAT, "2x10x4");
    tn_in(t, PR_DT_FLOAT, "2x3x10");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "0x3");
    CHECK_EQ(tn_cost(t)->flops, 3 * 2 * 10);
    tn_free(t);
}

static void vision_malformed_nodes_are_errors(void)
{
    struct tnode *t = tn_new("GridSample", 16);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4x4");
    tn_in(t, PR_DT_FLOAT, "1x2x3x4x3");
    CHECK(tn_fails_with(t, 1, "opset < 20"));
    tn_free(t);

    t = tn_new("GridSample", 16);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4");
    tn_in(t, PR_DT_FLOAT, "1x2x3x2");
    tn_attr_str(t, "mode", "linear");
    CHECK(tn_fails_with(t, 1, "bilinear, nearest or bicubic"));
    tn_free(t);

    t = tn_new("GridSample", 16);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4");
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    CHECK(tn_fails_with(t, 1, "the grid must be"));
    tn_free(t);

    t = tn_new("RoiAlign", 16);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4");
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_in(t, PR_DT_INT64, "3");
    CHECK(tn_fails_with(t, 1, "num_rois x 4"));
    tn_free(t);

    t = tn_new("RoiAlign", 16);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT64, "3");
    tn_attr_int(t, "sampling_ratio", -1);
    CHECK(tn_fails_with(t, 1, "sampling_ratio is -1"));
    tn_free(t);

    t = tn_new("MaxRoiPool", 1);
    tn_in(t, PR_DT_FLOAT, "1x2x4x4");
    tn_in(t, PR_DT_FLOAT, "3x5");
    CHECK(tn_fails_with(t, 1, "pooled_shape"));
    tn_free(t);

    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x3");
    tn_attr_ints(t, "kernel_shape", "2,2");
    CHECK(tn_fails_with(t, 1, "must have X's shape"));
    tn_free(t);

    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x2");
    CHECK(tn_fails_with(t, 1, "kernel_shape"));
    tn_free(t);

    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x2");
    tn_attr_ints(t, "kernel_shape", "2,2");
    tn_attr_ints(t, "pads", "3,3,3,3");
    CHECK(tn_fails_with(t, 1, "negative"));
    tn_free(t);

    t = tn_new("Col2Im", 18);
    tn_in(t, PR_DT_FLOAT, "1x12x15");
    tn_in_vals(t, PR_DT_INT64, "2", "5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK(tn_fails_with(t, 1, "16 block positions"));
    tn_free(t);

    t = tn_new("Col2Im", 18);
    tn_in(t, PR_DT_FLOAT, "1x10x16");
    tn_in_vals(t, PR_DT_INT64, "2", "5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK(tn_fails_with(t, 1, "not a multiple"));
    tn_free(t);

    t = tn_new("Col2Im", 18);   /* hostile pads must not overflow */
    tn_in(t, PR_DT_FLOAT, "1x12x16");
    tn_in_vals(t, PR_DT_INT64, "2", "5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    tn_attr_ints(t, "pads", "4611686018427387904,0,4611686018427387904,0");
    CHECK(tn_fails_with(t, 1, "at most 2^30"));
    tn_free(t);

    t = tn_new("MaxUnpool", 11);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in(t, PR_DT_INT64, "1x1x2x2");
    tn_attr_ints(t, "kernel_shape", "2,1152921504606846976");
    CHECK(tn_fails_with(t, 1, "at most 2^48"));
    tn_free(t);

    t = tn_new("AffineGrid", 20);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_vals(t, PR_DT_INT64, "4", "2,3,4,5");
    CHECK(tn_fails_with(t, 1, "needs N x 2 x 3"));
    tn_free(t);

    t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x5");
    tn_in(t, PR_DT_FLOAT, "1x1x3");
    CHECK(tn_fails_with(t, 1, "batch x boxes x 4"));
    tn_free(t);

    t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x4");
    tn_in(t, PR_DT_FLOAT, "1x1x4");
    CHECK(tn_fails_with(t, 1, "batch x classes x boxes"));
    tn_free(t);

    t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x4");
    tn_in(t, PR_DT_FLOAT, "1x1x3");
    tn_in_vals(t, PR_DT_INT64, "1", "3");
    tn_in_vals(t, PR_DT_FLOAT, "1", "1.5");
    CHECK(tn_fails_with(t, 1, "in [0, 1]"));
    tn_free(t);

    t = tn_new("NonMaxSuppression", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x4");
    tn_in(t, PR_DT_FLOAT, "1x1x3");
    tn_attr_int(t, "center_point_box", 2);
    CHECK(tn_fails_with(t, 1, "0 or 1"));
    tn_free(t);
}

void suite_vision(void)
{
    RUN(grid_sample_bilinear_counts_taps_and_unnormalisation);
    RUN(grid_sample_bicubic_aligned);
    RUN(grid_sample_opset_20_volumes);
    RUN(affine_grid_is_a_small_matrix_product);
    RUN(roi_align_fixed_sampling_ratio);
    RUN(roi_align_adaptive_sampling_from_known_rois);
    RUN(max_roi_pool_compares_each_roi_element);
    RUN(max_unpool_inverts_the_pool_extent);
    RUN(col2im_sums_columns_into_the_image);
    RUN(nms_runs_on_known_values);
    RUN(nms_unknown_values_take_the_upper_bound);
    RUN(vision_malformed_nodes_are_errors);
}
