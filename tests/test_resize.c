/* test_resize.c -- Resize (opsets 10, 11-12, 13, 18) and Upsample (1, 7, 9):
 * output extents from scales, sizes and roi, FLOPs per mode, errors. */
#include "opcheck.h"
#include "test.h"

void suite_resize(void);

/* Resize opset 13 of x by scales (roi absent). */
static struct tnode *resize_scales(const char *x, const char *scales, const char *mode)
{
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, x);
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_FLOAT, "4", scales);
    tn_attr_str(t, "mode", mode);
    return t;
}

static void nearest_scales_floor_and_cost_nothing(void)
{
    /* floor(2 * 0.6) = 1, floor(4 * 0.6) = 2 */
    struct tnode *t = resize_scales("1x1x2x4", "1,1,0.6,0.6", "nearest");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x1x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void bilinear_counts_four_taps(void)
{
    /* 1x3x20x20 = 1200 outputs, m = 2: 2*2^2 - 1 = 7 -> 8400 */
    struct tnode *t = resize_scales("1x3x10x10", "1,1,2,2", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x20x20");
    CHECK_EQ(tn_cost(t)->flops, 8400);
    tn_free(t);
}

static void bicubic_counts_sixteen_taps(void)
{
    /* 1200 outputs, m = 2: 2*4^2 - 1 = 31 -> 37200 */
    struct tnode *t = resize_scales("1x3x10x10", "1,1,2,2", "cubic");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 37200);
    tn_free(t);
}

static void trilinear_counts_eight_taps(void)
{
    /* 1x1x4x6x8 = 192 outputs, m = 3: 2*2^3 - 1 = 15 -> 2880 */
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, "1x1x2x3x4");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_FLOAT, "5", "1,1,2,2,2");
    tn_attr_str(t, "mode", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x6x8");
    CHECK_EQ(tn_cost(t)->flops, 2880);
    tn_free(t);
}

static void linear_without_change_is_a_copy(void)
{
    struct tnode *t = resize_scales("1x3x10x10", "1,1,1,1", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x10x10");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void sizes_give_the_extents(void)
{
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "4", "1,1,7,8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x7x8");
    tn_free(t);
}

static void opset11_empty_scales_means_sizes(void)
{
    /* opset 11: roi and scales are required inputs, given as empty tensors */
    struct tnode *t = tn_new("Resize", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    tn_in_vals(t, PR_DT_FLOAT, "0", "");
    tn_in_vals(t, PR_DT_FLOAT, "0", "");
    tn_in_vals(t, PR_DT_INT64, "4", "1,3,3,2");
    tn_attr_str(t, "coordinate_transformation_mode", "tf_half_pixel_for_nn");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x3x2");
    tn_free(t);
}

static void tf_crop_and_resize_scales_the_roi(void)
{
    /* floor(4 * (1.2 - 0.4) * 0.8) = floor(2.56) = 2; floor(4 * (1.7 - 0.6) * 0.8) = floor(3.52) = 3 */
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, "1x1x4x4");
    tn_in_vals(t, PR_DT_FLOAT, "8", "0,0,0.4,0.6,1,1,1.2,1.7");
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,0.8,0.8");
    tn_attr_str(t, "coordinate_transformation_mode", "tf_crop_and_resize");
    tn_attr_str(t, "mode", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x2x3");
    tn_free(t);
}

static void opset10_takes_scales_as_input_1(void)
{
    struct tnode *t = tn_new("Resize", 10);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x6");
    tn_free(t);
    t = tn_new("Resize", 10);   /* cubic exists from opset 11 */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,2,3");
    tn_attr_str(t, "mode", "cubic");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void opset18_axes_and_aspect_ratio_policy(void)
{
    /* 200x100 into sizes 100x100 on axes (2, 3):
     * stretch -> 100x100; not_larger s = min(0.5, 1) -> 100x50; not_smaller s = max -> 200x100 */
    static const char *const policy[] = {"stretch", "not_larger", "not_smaller"};
    static const char *const want[] = {"1x3x100x100", "1x3x100x50", "1x3x200x100"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new("Resize", 18);
        tn_in(t, PR_DT_FLOAT, "1x3x200x100");
        tn_in_absent(t);
        tn_in_absent(t);
        tn_in_vals(t, PR_DT_INT64, "2", "100,100");
        tn_attr_ints(t, "axes", "2,-1");
        tn_attr_str(t, "keep_aspect_ratio_policy", policy[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), want[i]);
        tn_free(t);
    }
}

static void unknown_scales_keep_rank(void)
{
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?x?");
    tn_free(t);
    t = tn_new("Resize", 18);   /* with axes only those become unknown */
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2");
    tn_attr_ints(t, "axes", "2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x?x?");
    tn_free(t);
}

static void scales_and_sizes_are_hyperparameters(void)
{
    struct tnode *t = tn_new("Resize", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x8x8");
    tn_in_weight(t, PR_DT_FLOAT, "0");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_attr_str(t, "mode", "nearest");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
}

static void resize_argument_errors(void)
{
    struct tnode *t = tn_new("Resize", 13);   /* both scales and sizes */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,2,2");
    tn_in_vals(t, PR_DT_INT64, "4", "1,1,4,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "both") != NULL);
    tn_free(t);
    t = tn_new("Resize", 13);   /* neither */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = tn_new("Resize", 13);   /* scales count != rank */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_FLOAT, "3", "1,2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "3 values") != NULL);
    tn_free(t);
    t = resize_scales("1x1x2x2", "1,1,0,2", "nearest");   /* zero scale */
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = resize_scales("1x1x2x2", "1,1,0.2,2", "nearest");   /* floor(2 * 0.2) = 0 */
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "empty") != NULL);
    tn_free(t);
    t = resize_scales("1x1x2x2", "1,1,2,2", "bicubic");   /* unknown mode */
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "bicubic") != NULL);
    tn_free(t);
    t = tn_new("Resize", 13);   /* negative size */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "4", "1,1,-4,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = tn_new("Resize", 9);   /* Resize does not exist before opset 10 */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = tn_new("Resize", 18);   /* repeated axis */
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_FLOAT, "2", "2,2");
    tn_attr_ints(t, "axes", "3,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "twice") != NULL);
    tn_free(t);
}

static void upsample_opset9_scales_input(void)
{
    /* 2*2 = 4, 2*3 = 6; linear: 1x1x4x6 = 24 outputs x (2*2^2 - 1) = 168 */
    struct tnode *t = tn_new("Upsample", 9);
    tn_in(t, PR_DT_FLOAT, "1x1x2x2");
    tn_in_vals(t, PR_DT_FLOAT, "4", "1,1,2,3");
    tn_attr_str(t, "mode", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x4x6");
    CHECK_EQ(tn_cost(t)->flops, 168);
    tn_free(t);
}

static void upsample_opset7_scales_attribute(void)
{
    struct tnode *t = tn_new("Upsample", 7);
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_floats(t, "scales", "1,1,2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2x6x6");
    CHECK_EQ(tn_cost(t)->flops, 0);   /* nearest */
    tn_free(t);
    t = tn_new("Upsample", 7);   /* Upsample scales must be >= 1 */
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_floats(t, "scales", "1,1,0.5,0.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "at least 1") != NULL);
    tn_free(t);
    t = tn_new("Upsample", 7);   /* one scale per axis */
    tn_in(t, PR_DT_FLOAT, "1x2x3x3");
    tn_attr_floats(t, "scales", "2,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

static void upsample_opset1_height_width_scales(void)
{
    /* bilinear 1x1x6x4 = 24 outputs x 7 = 168 */
    struct tnode *t = tn_new("Upsample", 1);
    tn_in(t, PR_DT_FLOAT, "1x1x3x2");
    tn_attr_float(t, "height_scale", 2);
    tn_attr_float(t, "width_scale", 2);
    tn_attr_str(t, "mode", "bilinear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x6x4");
    CHECK_EQ(tn_cost(t)->flops, 168);
    tn_free(t);
}

/* com.microsoft.nchwc Upsample: integer scales attribute, D * scale.
 * onnxruntime-node 1.31 gives 1x16x6x6 for 1x16x2x2 with scales 1,1,3,3
 * (tests/ortopt_shapes.json). */
static void nchwc_upsample_integer_scales(void)
{
    struct tnode *t = tn_new_domain("com.microsoft.nchwc", "Upsample", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x2x2");
    tn_attr_ints(t, "scales", "1,1,3,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x6x6");
    CHECK_EQ(tn_cost(t)->flops, 0);   /* nearest */
    tn_free(t);
    /* linear, 2 axes resized: 1x8x4x6 = 192 outputs x (2*2^2 - 1) = 1344 */
    t = tn_new_domain("com.microsoft.nchwc", "Upsample", 1);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    tn_attr_ints(t, "scales", "1,1,2,2");
    tn_attr_str(t, "mode", "linear");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x8x4x6");
    CHECK_EQ(tn_cost(t)->flops, 1344);
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "Upsample", 1);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    tn_attr_ints(t, "scales", "1,2");
    CHECK(tn_fails_with(t, 1, "scales has 2 values but the input has rank 4"));
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "Upsample", 1);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    tn_attr_ints(t, "scales", "1,1,0,2");
    CHECK(tn_fails_with(t, 1, "scales[2] is 0; it must be >= 1"));
    tn_free(t);
}

void suite_resize(void)
{
    RUN(nearest_scales_floor_and_cost_nothing);
    RUN(bilinear_counts_four_taps);
    RUN(bicubic_counts_sixteen_taps);
    RUN(trilinear_counts_eight_taps);
    RUN(linear_without_change_is_a_copy);
    RUN(sizes_give_the_extents);
    RUN(opset11_empty_scales_means_sizes);
    RUN(tf_crop_and_resize_scales_the_roi);
    RUN(opset10_takes_scales_as_input_1);
    RUN(opset18_axes_and_aspect_ratio_policy);
    RUN(unknown_scales_keep_rank);
    RUN(scales_and_sizes_are_hyperparameters);
    RUN(resize_argument_errors);
    RUN(upsample_opset9_scales_input);
    RUN(upsample_opset7_scales_attribute);
    RUN(nchwc_upsample_integer_scales);
    RUN(upsample_opset1_height_width_scales);
}
