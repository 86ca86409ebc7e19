/* test_reduce.c -- ReduceMax/Mean/Min/Sum and ArgMax: axes as attribute
 * or input by opset, keepdims, noop_with_empty_axes, FLOPs, errors. */
#include "opcheck.h"
#include "test.h"

void suite_reduce(void);

static void reduce_sum_opset13_reads_axes_input(void)
{
    /* 3x2x2 over axis 1: 12 input elements, one add each */
    struct tnode *t = tn_new("ReduceSum", 13);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x1x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 12);
    tn_free(t);
}

static void reduce_sum_opset11_reads_axes_attribute(void)
{
    struct tnode *t = tn_new("ReduceSum", 11);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_attr_ints(t, "axes", "1");
    tn_attr_int(t, "keepdims", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2");
    tn_free(t);
}

static void reduce_mean_counts_adds_and_divides(void)
{
    /* global average of 1x64x7x7: 3136 adds + 64 divides = 3200 */
    struct tnode *t = tn_new("ReduceMean", 13);
    tn_in(t, PR_DT_FLOAT, "1x64x7x7");
    tn_attr_ints(t, "axes", "2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x64x1x1");
    CHECK_EQ(tn_cost(t)->flops, 3200);
    tn_free(t);
}

static void reduce_mean_opset18_reads_axes_input(void)
{
    struct tnode *t = tn_new("ReduceMean", 18);
    tn_in(t, PR_DT_FLOAT, "2x5x6");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    tn_attr_int(t, "keepdims", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5");
    CHECK_EQ(tn_cost(t)->flops, 70);   /* 60 + 10 */
    tn_free(t);
}

static void absent_axes_reduce_everything(void)
{
    struct tnode *t = tn_new("ReduceMax", 13);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x1");
    CHECK_EQ(tn_cost(t)->flops, 12);
    tn_free(t);
    t = tn_new("ReduceMin", 13);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_attr_int(t, "keepdims", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");   /* scalar */
    tn_free(t);
}

static void empty_axes_with_noop_is_identity(void)
{
    struct tnode *t = tn_new("ReduceSum", 13);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "0", "");
    tn_attr_int(t, "noop_with_empty_axes", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x2");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("ReduceSum", 13);   /* without noop the empty list reduces all */
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "0", "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x1");
    CHECK_EQ(tn_cost(t)->flops, 12);
    tn_free(t);
}

static void unknown_axes_values_keep_what_is_known(void)
{
    /* 2 axes of unknown value: keepdims 0 -> rank 4-2, extents unknown */
    struct tnode *t = tn_new("ReduceMax", 18);
    tn_in(t, PR_DT_FLOAT, "3x1x4x5");
    tn_in(t, PR_DT_INT64, "2");
    tn_attr_int(t, "keepdims", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?");
    tn_free(t);
    /* keepdims 1: rank kept, extent 1 stays 1 whichever axes are reduced */
    t = tn_new("ReduceMax", 18);
    tn_in(t, PR_DT_FLOAT, "3x1x4x5");
    tn_in(t, PR_DT_INT64, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x1x?x?");
    tn_free(t);
}

static void axes_input_is_not_a_parameter(void)
{
    /* an 8-bit initializer is preset as a weight; as axes it is cleared */
    struct tnode *t = tn_new("ReduceSum", 13);
    tn_in_weight(t, PR_DT_FLOAT, "4x4");
    tn_in_weight(t, PR_DT_INT8, "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?");
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    tn_free(t);
}

static void axis_out_of_range_or_repeated_is_error(void)
{
    struct tnode *t = tn_new("ReduceSum", 11);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_attr_ints(t, "axes", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "out of range") != NULL);
    tn_free(t);
    t = tn_new("ReduceSum", 13);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "2", "1,-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "twice") != NULL);
    tn_free(t);
}

static void axes_in_the_wrong_form_for_the_opset_is_error(void)
{
    struct tnode *t = tn_new("ReduceMean", 13);   /* input form only from 18 */
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "opset 18") != NULL);
    tn_free(t);
    t = tn_new("ReduceMean", 18);   /* attribute form only before 18 */
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_attr_ints(t, "axes", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "input 1") != NULL);
    tn_free(t);
}

static void argmax_output_is_int64_with_keepdims(void)
{
    /* 2x3x4 over axis 1: 24 compares */
    struct tnode *t = tn_new("ArgMax", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x1x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 24);
    tn_free(t);
    t = tn_new("ArgMax", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_int(t, "axis", -1);
    tn_attr_int(t, "keepdims", 0);
    tn_attr_int(t, "select_last_index", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    tn_free(t);
    t = tn_new("ArgMax", 11);   /* default axis 0 */
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x4");
    tn_free(t);
}

static void argmax_axis_out_of_range_is_error(void)
{
    struct tnode *t = tn_new("ArgMax", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "axis 2") != NULL);
    tn_free(t);
}


/* FLOPs of each reduction from its defining formula, n = numel(X),
 * m = numel(Y): here X = 4x5x6 (n = 120) over axis 1 (m = 24). */
static void reductions_count_their_defining_formulas(void)
{
    static const struct { const char *op; int per_in, per_out; } r[] = {
        {"ReduceL1", 2, 0},          /* |x|, + */
        {"ReduceL2", 2, 1},          /* x*x, +; sqrt */
        {"ReduceSumSquare", 2, 0},   /* x*x, + */
        {"ReduceLogSum", 1, 1},      /* +; log */
        {"ReduceLogSumExp", 2, 1},   /* exp, +; log */
        {"ReduceProd", 1, 0},        /* x */
    };
    for (int i = 0; i < (int)(sizeof r / sizeof r[0]); i++) {
        struct tnode *t = tn_new(r[i].op, 13);
        tn_in(t, PR_DT_FLOAT, "4x5x6");
        tn_attr_ints(t, "axes", "1");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "4x1x6");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
        CHECK_EQ(tn_cost(t)->flops, r[i].per_in * (4 * 5 * 6) + r[i].per_out * (4 * 6));
        CHECK_EQ(tn_cost(t)->macs, 0);
        tn_free(t);
    }
}

static void new_reductions_take_axes_input_from_opset18(void)
{
    struct tnode *t = tn_new("ReduceLogSumExp", 18);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "2", "0,-1");
    tn_attr_int(t, "keepdims", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK_EQ(tn_cost(t)->flops, 2 * 12 + 2);
    CHECK_EQ(tn_cost(t)->weight_mask & 2, 0);
    tn_free(t);
    t = tn_new("ReduceL2", 18);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "0", "");
    tn_attr_int(t, "noop_with_empty_axes", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x2");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("ReduceProd", 17);
    tn_in(t, PR_DT_FLOAT, "3x2x2");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    CHECK(tn_fails_with(t, 1, "axes as an attribute"));
    tn_free(t);
    t = tn_new("ReduceSumSquare", 13);
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_attr_ints(t, "axes", "2");
    CHECK(tn_fails_with(t, 1, "out of range"));
    tn_free(t);
}

static void argmin_like_argmax(void)
{
    struct tnode *t = tn_new("ArgMin", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_int(t, "axis", -1);
    tn_attr_int(t, "keepdims", 0);
    tn_attr_int(t, "select_last_index", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 2 * 3 * 4);
    tn_free(t);
    t = tn_new("ArgMin", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_int(t, "axis", 3);
    CHECK(tn_fails_with(t, 1, "out of range"));
    tn_free(t);
}

static void reductions_of_known_values_compute_them(void)
{
    /* x = [[3, 5], [4, 1]] (int64): min over axis 0 = [3, 1], max over
     * axis 1 = [5, 4], prod of all = 60, sum = 13, mean = 13 / 4 -> 3
     * (integer element type truncates) */
    struct { const char *op, *axes; int keep; const char *want; } cases[] = {
        {"ReduceMin", "0", 0, "3,1"}, {"ReduceMax", "1", 1, "5,4"},
        {"ReduceProd", NULL, 0, "60"}, {"ReduceSum", NULL, 1, "13"}, {"ReduceMean", NULL, 0, "3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new(cases[i].op, 11);
        tn_in_vals(t, PR_DT_INT64, "2x2", "3,5,4,1");
        if (cases[i].axes)
            tn_attr_ints(t, "axes", cases[i].axes);
        tn_attr_int(t, "keepdims", cases[i].keep);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_vals(t, 0), cases[i].want);
        tn_free(t);
    }
    /* a reduction of unknown values has no values */
    struct tnode *t = tn_new("ReduceMin", 11);
    tn_in(t, PR_DT_INT64, "2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "");
    tn_free(t);
}

void suite_reduce(void)
{
    RUN(reductions_of_known_values_compute_them);
    RUN(reduce_sum_opset13_reads_axes_input);
    RUN(reduce_sum_opset11_reads_axes_attribute);
    RUN(reduce_mean_counts_adds_and_divides);
    RUN(reduce_mean_opset18_reads_axes_input);
    RUN(absent_axes_reduce_everything);
    RUN(empty_axes_with_noop_is_identity);
    RUN(unknown_axes_values_keep_what_is_known);
    RUN(axes_input_is_not_a_parameter);
    RUN(axis_out_of_range_or_repeated_is_error);
    RUN(axes_in_the_wrong_form_for_the_opset_is_error);
    RUN(argmax_output_is_int64_with_keepdims);
    RUN(argmax_axis_out_of_range_is_error);
    RUN(reductions_count_their_defining_formulas);
    RUN(new_reductions_take_axes_input_from_opset18);
    RUN(argmin_like_argmax);
}
