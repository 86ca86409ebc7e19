/* test_norm.c -- BatchNormalization, InstanceNormalization, LRN: shapes,
 * channel checks, opset variants of BatchNormalization, FLOPs. */
#include "opcheck.h"
#include "test.h"

void suite_norm(void);

/* X plus n per-channel weights of shape stat. */
static struct tnode *norm_node(const char *op, int opset, const char *x, int n, const char *stat)
{
    struct tnode *t = tn_new(op, opset);
    tn_in(t, PR_DT_FLOAT, x);
    for (int i = 0; i < n; i++)
        tn_in_weight(t, PR_DT_FLOAT, stat);
    return t;
}

static void batchnorm_inference_counts_two_flops_per_element(void)
{
    /* 2x3x4x5 = 120 elements x (a*x + b) = 240; scale, B, mean, var are params */
    struct tnode *t = norm_node("BatchNormalization", 15, "2x3x4x5", 4, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 240);
    CHECK_EQ(tn_cost(t)->weight_mask, 30);   /* bits 1..4 */
    tn_free(t);
}

static void batchnorm_channel_mismatch_is_error(void)
{
    struct tnode *t = tn_new("BatchNormalization", 15);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "mean") != NULL);
    CHECK(strstr(tn_error(t), "4 values") != NULL);
    tn_free(t);
}

static void batchnorm_training_mode_outputs_running_stats(void)
{
    /* opset 15, training_mode = 1: Y, running_mean (3), running_var (3); 120 x 8 = 960 */
    struct tnode *t = norm_node("BatchNormalization", 15, "2x3x4x5", 4, "3");
    tn_attr_int(t, "training_mode", 1);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    CHECK_STR(tn_out_shape(t, 1), "3");
    CHECK_STR(tn_out_shape(t, 2), "3");
    CHECK_EQ(tn_cost(t)->flops, 960);
    tn_free(t);
}

static void batchnorm_opset7_has_five_outputs_and_14_three(void)
{
    struct tnode *t = norm_node("BatchNormalization", 7, "1x16x8x8", 4, "16");
    CHECK_EQ(tn_run(t, 5), PR_RUN_OK);
    for (int i = 1; i < 5; i++)
        CHECK_STR(tn_out_shape(t, i), "16");
    CHECK_EQ(tn_cost(t)->flops, 2048);   /* 16*8*8 x 2: opset 7 counts as inference */
    tn_free(t);
    t = norm_node("BatchNormalization", 14, "1x16x8x8", 4, "16");
    CHECK_EQ(tn_run(t, 4), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "at most 3 outputs") != NULL);
    tn_free(t);
}

static void batchnorm_opset6_non_spatial_stats_cover_c_and_spatial(void)
{
    /* spatial = 0: stats are C x H x W = 3x4x5 */
    struct tnode *t = norm_node("BatchNormalization", 6, "2x3x4x5", 4, "3x4x5");
    tn_attr_int(t, "spatial", 0);
    tn_attr_int(t, "is_test", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    CHECK_EQ(tn_cost(t)->flops, 240);
    tn_free(t);
    t = norm_node("BatchNormalization", 6, "2x3x4x5", 4, "3");
    tn_attr_int(t, "spatial", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "spatial = 0") != NULL);
    tn_free(t);
}

static void batchnorm_needs_channel_dim_and_five_inputs(void)
{
    struct tnode *t = norm_node("BatchNormalization", 15, "5", 4, "5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "rank") != NULL);
    tn_free(t);
    t = norm_node("BatchNormalization", 15, "2x3", 3, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "input 4") != NULL);
    tn_free(t);
}

static void batchnorm_unknown_channels_pass(void)
{
    struct tnode *t = norm_node("BatchNormalization", 15, "?x?x7x7", 4, "32");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x7x7");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void instancenorm_counts_eight_flops_per_element(void)
{
    /* 2x3x4x5 = 120 x (mean 1 + var 3 + normalise 2 + affine 2) = 960 */
    struct tnode *t = norm_node("InstanceNormalization", 6, "2x3x4x5", 2, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    CHECK_EQ(tn_cost(t)->flops, 960);
    CHECK_EQ(tn_cost(t)->weight_mask, 6);
    tn_free(t);
}

static void instancenorm_rank_and_channel_errors(void)
{
    struct tnode *t = norm_node("InstanceNormalization", 6, "2x3", 2, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "rank >= 3") != NULL);
    tn_free(t);
    t = norm_node("InstanceNormalization", 6, "2x3x4", 2, "5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "3 channels") != NULL);
    tn_free(t);
}

static void lrn_counts_window_per_element(void)
{
    /* AlexNet LRN: 1x96x55x55 = 290400 elements x (2*5 + 3) = 3775200 */
    struct tnode *t = tn_new("LRN", 13);
    tn_in(t, PR_DT_FLOAT, "1x96x55x55");
    tn_attr_int(t, "size", 5);
    tn_attr_float(t, "alpha", 1e-4);
    tn_attr_float(t, "beta", 0.75);
    tn_attr_float(t, "bias", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x96x55x55");
    CHECK_EQ(tn_cost(t)->flops, 3775200);
    tn_free(t);
}

static void lrn_size_missing_or_zero_is_error(void)
{
    struct tnode *t = tn_new("LRN", 1);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "size") != NULL);
    tn_free(t);
    t = tn_new("LRN", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    tn_attr_int(t, "size", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

void suite_norm(void)
{
    RUN(batchnorm_inference_counts_two_flops_per_element);
    RUN(batchnorm_channel_mismatch_is_error);
    RUN(batchnorm_training_mode_outputs_running_stats);
    RUN(batchnorm_opset7_has_five_outputs_and_14_three);
    RUN(batchnorm_opset6_non_spatial_stats_cover_c_and_spatial);
    RUN(batchnorm_needs_channel_dim_and_five_inputs);
    RUN(batchnorm_unknown_channels_pass);
    RUN(instancenorm_counts_eight_flops_per_element);
    RUN(instancenorm_rank_and_channel_errors);
    RUN(lrn_counts_window_per_element);
    RUN(lrn_size_missing_or_zero_is_error);
}
