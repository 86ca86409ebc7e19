/* test_select.c -- NonZero, Unique, TopK, Compress (ops/select.c): exact
 * extents from known values, upper bounds when the data decides (unit
 * tests have no --dim bindings, so a data-dependent symbol takes its
 * fallback), counts, errors. */
#include "opcheck.h"
#include "test.h"

void suite_select(void);

static void nonzero_counts_known_values_and_folds_coordinates(void)
{
    /* 2x3 with non-zeros at (0,0) (1,0) (1,2): coordinates row by row */
    struct tnode *t = tn_new("NonZero", 13);
    tn_in_vals(t, PR_DT_FLOAT, "2x3", "1,0,0,2,0,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "0,1,1,0,0,2");
    CHECK_EQ(tn_cost(t)->flops, 2 * 3);
    tn_free(t);
}

static void nonzero_unknown_values_take_the_upper_bound(void)
{
    struct tnode *t = tn_new("NonZero", 13);
    tn_in(t, PR_DT_FLOAT, "4x5x6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x120");   /* rank 3, at most 4*5*6 */
    tn_free(t);
    t = tn_new("NonZero", 13);
    tn_in(t, PR_DT_FLOAT, "?x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x?");
    tn_free(t);
}

static void unique_without_axis_counts_distinct_elements(void)
{
    /* 2,1,1,3,4,3: distinct 1,2,3,4 -> n = 4; inverse has 6 entries;
     * FLOPs = 6 * ceil(log2 6) = 6 * 3 = 18 */
    struct tnode *t = tn_new("Unique", 11);
    tn_in_vals(t, PR_DT_FLOAT, "6", "2,1,1,3,4,3");
    tn_attr_int(t, "sorted", 0);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4");
    CHECK_STR(tn_out_shape(t, 1), "4");
    CHECK_STR(tn_out_shape(t, 2), "6");
    CHECK_STR(tn_out_shape(t, 3), "4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_out(t, 3)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 6 * 3);
    tn_free(t);
}

static void unique_with_axis_counts_distinct_slices(void)
{
    /* 3x3 rows (1,0,0) (1,0,0) (2,3,4) along axis 0: 2 distinct rows;
     * FLOPs = 9 * ceil(log2 3) = 18 */
    struct tnode *t = tn_new("Unique", 11);
    tn_in_vals(t, PR_DT_INT64, "3x3", "1,0,0,1,0,0,2,3,4");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_STR(tn_out_shape(t, 2), "3");
    CHECK_EQ(tn_cost(t)->flops, 9 * 2);
    tn_free(t);
    /* columns of the same tensor, axis -1: (1,1,2) (0,0,3) (0,0,4) all differ */
    t = tn_new("Unique", 11);
    tn_in_vals(t, PR_DT_INT64, "3x3", "1,0,0,1,0,0,2,3,4");
    tn_attr_int(t, "axis", -1);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x3");
    tn_free(t);
}

static void unique_unknown_values_take_the_upper_bound(void)
{
    struct tnode *t = tn_new("Unique", 11);
    tn_in(t, PR_DT_FLOAT, "2x5x7");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x7");
    CHECK_STR(tn_out_shape(t, 1), "5");
    tn_free(t);
    t = tn_new("Unique", 11);
    tn_in(t, PR_DT_FLOAT, "2x5x7");
    tn_attr_int(t, "axis", 3);
    CHECK(tn_fails_with(t, 4, "axis 3 is out of range"));
    tn_free(t);
}

static void topk_k_from_input_attribute_or_bound(void)
{
    /* X 3x10, k 4 along the last axis: FLOPs = 30 * ceil(log2 4) = 60 */
    struct tnode *t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "3x10");
    tn_in_vals(t, PR_DT_INT64, "1", "4");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_STR(tn_out_shape(t, 1), "3x4");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 3 * 10 * 2);
    CHECK_EQ(tn_cost(t)->weight_mask & 2, 0);
    tn_free(t);
    /* opset 1: attribute k = 1 on axis 0: one compare per element */
    t = tn_new("TopK", 1);
    tn_in(t, PR_DT_FLOAT, "6x2");
    tn_attr_int(t, "k", 1);
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x2");
    CHECK_EQ(tn_cost(t)->flops, 6 * 2);
    tn_free(t);
    /* runtime k: the axis extent (7), FLOPs = 14 * ceil(log2 7) = 42 */
    t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "2x7");
    tn_in(t, PR_DT_INT64, "1");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x7");
    CHECK_EQ(tn_cost(t)->flops, 14 * 3);
    tn_free(t);
}

static void topk_errors(void)
{
    struct tnode *t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "3x10");
    tn_in_vals(t, PR_DT_INT64, "1", "11");
    CHECK(tn_fails_with(t, 2, "k is 11"));
    tn_free(t);
    t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "3x10");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK(tn_fails_with(t, 2, "must not be negative"));
    tn_free(t);
    t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "3x10");
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    tn_attr_int(t, "axis", 2);
    CHECK(tn_fails_with(t, 2, "axis 2 is out of range"));
    tn_free(t);
    t = tn_new("TopK", 11);
    tn_in(t, PR_DT_FLOAT, "3x10");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK(tn_fails_with(t, 2, "K (input 1) has 2 values"));
    tn_free(t);
    t = tn_new("TopK", 9);
    tn_in(t, PR_DT_FLOAT, "3x10");
    CHECK(tn_fails_with(t, 2, "'k' is required"));
    tn_free(t);
}

static void compress_known_condition_gives_exact_count(void)
{
    /* 3x2 along axis 0 with condition 0,1,1: 2 rows */
    struct tnode *t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_in_vals(t, PR_DT_BOOL, "3", "0,1,1");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    /* no axis: the flattened 6 elements, condition shorter (4) with 3 true */
    t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_in_vals(t, PR_DT_BOOL, "4", "1,0,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    tn_free(t);
}

static void compress_unknown_condition_takes_the_bound(void)
{
    /* axis 1 of extent 5 with a condition of length 3: at most 3 */
    struct tnode *t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_in(t, PR_DT_BOOL, "3");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3");
    tn_free(t);
    /* no axis: at most numel(X) = 20 */
    t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_in(t, PR_DT_BOOL, "30");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "20");
    tn_free(t);
}

static void compress_errors(void)
{
    struct tnode *t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in_vals(t, PR_DT_BOOL, "3", "0,0,1");
    tn_attr_int(t, "axis", 0);
    CHECK(tn_fails_with(t, 1, "selects entry 2"));
    tn_free(t);
    t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in(t, PR_DT_BOOL, "2x1");
    CHECK(tn_fails_with(t, 1, "1-D"));
    tn_free(t);
    t = tn_new("Compress", 11);
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in(t, PR_DT_BOOL, "2");
    tn_attr_int(t, "axis", -3);
    CHECK(tn_fails_with(t, 1, "axis -3 is out of range"));
    tn_free(t);
}

void suite_select(void)
{
    RUN(nonzero_counts_known_values_and_folds_coordinates);
    RUN(nonzero_unknown_values_take_the_upper_bound);
    RUN(unique_without_axis_counts_distinct_elements);
    RUN(unique_with_axis_counts_distinct_slices);
    RUN(unique_unknown_values_take_the_upper_bound);
    RUN(topk_k_from_input_attribute_or_bound);
    RUN(topk_errors);
    RUN(compress_known_condition_gives_exact_count);
    RUN(compress_unknown_condition_takes_the_bound);
    RUN(compress_errors);
}
