/* test_eltwise.c -- elementwise family: broadcasting, element types,
 * FLOPs and constant folding of shape arithmetic. */
#include "opcheck.h"
#include "test.h"

void suite_eltwise(void);

static void add_same_shape_counts_one_flop_per_element(void)
{
    struct tnode *t = tn_new("Add", 14);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 60);   /* 3*4*5 outputs x 1 */
    tn_free(t);
}

static void add_broadcasts_trailing_vector(void)
{
    struct tnode *t = tn_new("Add", 14);
    tn_in(t, PR_DT_FLOAT, "3x4x5");
    tn_in_weight(t, PR_DT_FLOAT, "5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x5");
    CHECK_EQ(tn_cost(t)->flops, 60);
    CHECK_EQ(tn_cost(t)->weight_mask, 2);   /* the bias vector is a weight */
    tn_free(t);
}

static void mul_broadcasts_both_operands(void)
{
    struct tnode *t = tn_new("Mul", 14);
    tn_in(t, PR_DT_FLOAT, "4x1x6");
    tn_in(t, PR_DT_FLOAT, "5x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x5x6");
    CHECK_EQ(tn_cost(t)->flops, 120);   /* 4*5*6 */
    tn_free(t);
}

static void sub_incompatible_shapes_is_error_naming_both(void)
{
    struct tnode *t = tn_new("Sub", 14);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "3x4") != NULL);
    CHECK(strstr(tn_error(t), "(5)") != NULL);
    tn_free(t);
}

static void unknown_extent_propagates_and_cost_is_incomplete(void)
{
    struct tnode *t = tn_new("Div", 14);
    tn_in(t, PR_DT_FLOAT, "1x?x4");
    tn_in(t, PR_DT_FLOAT, "3x1x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x?x4");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void comparisons_output_bool(void)
{
    static const char *const ops[] = {"Equal", "Greater", "Less"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in(t, PR_DT_INT32, "3x4x5");
        tn_in(t, PR_DT_INT32, "5");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "3x4x5");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
        CHECK_EQ(tn_cost(t)->flops, 60);
        tn_free(t);
    }
}

static void comparisons_fold_to_zero_one(void)
{
    /* [1,5,3] vs 3: Greater 0,1,0; Less 1,0,0; Equal 0,0,1 */
    static const char *const ops[] = {"Greater", "Less", "Equal"};
    static const char *const want[] = {"0,1,0", "1,0,0", "0,0,1"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in_vals(t, PR_DT_INT64, "3", "1,5,3");
        tn_in_vals(t, PR_DT_INT64, "", "3");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_vals(t, 0), want[i]);
        tn_free(t);
    }
}

static void equal_finds_minus_one_in_reshape_target(void)
{
    /* the Where(Equal(shape, -1), ...) pattern of exported Reshapes */
    struct tnode *t = tn_new("Equal", 11);
    tn_in_vals(t, PR_DT_INT64, "2", "2,-1");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "0,1");
    tn_free(t);
}

static void div_folds_integer_shapes_truncating_toward_zero(void)
{
    /* 7/2 = 3, -7/2 = -3 (not -4), 224/32 = 7 */
    struct tnode *t = tn_new("Div", 14);
    tn_in_vals(t, PR_DT_INT64, "3", "7,-7,224");
    tn_in_vals(t, PR_DT_INT64, "3", "2,2,32");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "3,-3,7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    tn_free(t);
}

static void mul_folds_with_broadcast_scalar(void)
{
    /* [3, 224] * 2 = [6, 448]; Sub [6, 448] - [1] = [5, 447] */
    struct tnode *t = tn_new("Mul", 14);
    tn_in_vals(t, PR_DT_INT64, "2", "3,224");
    tn_in_vals(t, PR_DT_INT64, "", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK_STR(tn_out_vals(t, 0), "6,448");
    tn_free(t);
    t = tn_new("Sub", 14);
    tn_in_vals(t, PR_DT_INT64, "2", "6,448");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "5,447");
    tn_free(t);
}

static void shape_chain_gather_div_mul_folds(void)
{
    /* Shape(x) = [1, 3, 224, 224] -> Gather(2) = 224 -> Div 16 = 14 -> Mul 16 = 224 */
    struct tnode *t = tn_new("Div", 13);
    tn_in_vals(t, PR_DT_INT64, "", "224");
    tn_in_vals(t, PR_DT_INT64, "", "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_STR(tn_out_vals(t, 0), "14");
    tn_free(t);
    t = tn_new("Mul", 13);
    tn_in_vals(t, PR_DT_INT64, "", "14");
    tn_in_vals(t, PR_DT_INT64, "", "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "224");
    tn_free(t);
}

static void float_fold_rounds_to_float32(void)
{
    /* 1/3 in float32 is 0.3333333432674408 (24-bit mantissa), not the double 1/3 */
    struct tnode *t = tn_new("Div", 14);
    tn_in_vals(t, PR_DT_FLOAT, "1", "1");
    tn_in_vals(t, PR_DT_FLOAT, "1", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval != NULL);
    if (tn_out(t, 0)->cval)
        CHECK(pr_const_values(tn_out(t, 0)->cval)->f[0] == (double)(1.0f / 3.0f));
    tn_free(t);
}

static void add_overflow_stays_unfolded(void)
{
    /* INT64_MAX + 1 overflows: the value must become unknown, not wrap */
    struct tnode *t = tn_new("Add", 14);
    tn_in_vals(t, PR_DT_INT64, "1", "9223372036854775807");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1");
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Mul", 14);
    tn_in_vals(t, PR_DT_INT64, "1", "4294967296");
    tn_in_vals(t, PR_DT_INT64, "1", "4294967296");   /* 2^32 * 2^32 = 2^64 */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
}

static void div_by_zero_stays_unfolded(void)
{
    struct tnode *t = tn_new("Div", 14);
    tn_in_vals(t, PR_DT_INT64, "2", "6,8");
    tn_in_vals(t, PR_DT_INT64, "2", "3,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Div", 14);
    tn_in_vals(t, PR_DT_FLOAT, "1", "1");
    tn_in_vals(t, PR_DT_FLOAT, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Div", 14);   /* INT64_MIN / -1 overflows too */
    tn_in_vals(t, PR_DT_INT64, "1", "-9223372036854775808");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
}

static void narrow_integer_result_must_fit_its_type(void)
{
    /* uint8: 200 + 100 = 300 wraps at run time -> unfolded; 200 + 55 = 255 fits */
    struct tnode *t = tn_new("Add", 14);
    tn_in_vals(t, PR_DT_UINT8, "1", "200");
    tn_in_vals(t, PR_DT_UINT8, "1", "100");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Add", 14);
    tn_in_vals(t, PR_DT_UINT8, "1", "200");
    tn_in_vals(t, PR_DT_UINT8, "1", "55");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "255");
    tn_free(t);
}

static void pow_folds_integral_exponents_only(void)
{
    /* 2^10 = 1024, 3^0 = 1 */
    struct tnode *t = tn_new("Pow", 15);
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    tn_in_vals(t, PR_DT_INT64, "2", "10,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "1024,1");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    tn_free(t);
    /* int base with a float exponent: 2^0.5 is not an integer -> unfolded */
    t = tn_new("Pow", 15);
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    tn_in_vals(t, PR_DT_FLOAT, "1", "0.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);   /* the base's type */
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    /* 2^63 overflows */
    t = tn_new("Pow", 15);
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    tn_in_vals(t, PR_DT_INT64, "1", "63");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    /* float: 9^0.5 = 3 */
    t = tn_new("Pow", 15);
    tn_in_vals(t, PR_DT_FLOAT, "1", "9");
    tn_in_vals(t, PR_DT_FLOAT, "", "0.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "3");
    tn_free(t);
}

static void opset6_broadcast_aligns_b_at_axis(void)
{
    /* Caffe2-style bias: A 2x3x4x5, B 3 at axis 1 -> A's shape, 120 FLOPs */
    struct tnode *t = tn_new("Add", 6);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_attr_int(t, "broadcast", 1);
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    CHECK_EQ(tn_cost(t)->flops, 120);
    tn_free(t);
    /* without axis: suffix matching, B 4x5 */
    t = tn_new("Mul", 6);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_attr_int(t, "broadcast", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x5");
    tn_free(t);
    /* extents of 1 inside the run broadcast too: B 2x1 against A 2x3 at axis 0 */
    t = tn_new("Add", 6);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x1");
    tn_attr_int(t, "broadcast", 1);
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    tn_free(t);
}

static void opset6_broadcast_folds_at_axis(void)
{
    /* A 2x3 = [[1,2,3],[4,5,6]] + B [10,20] at axis 0 -> [11,12,13,24,25,26] */
    struct tnode *t = tn_new("Add", 6);
    tn_in_vals(t, PR_DT_INT64, "2x3", "1,2,3,4,5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "10,20");
    tn_attr_int(t, "broadcast", 1);
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "11,12,13,24,25,26");
    tn_free(t);
    /* B 1x3 = [10,20,30] at axis 0 repeats down the rows: [11,22,33,14,25,36] */
    t = tn_new("Add", 6);
    tn_in_vals(t, PR_DT_INT64, "2x3", "1,2,3,4,5,6");
    tn_in_vals(t, PR_DT_INT64, "1x3", "10,20,30");
    tn_attr_int(t, "broadcast", 1);
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "11,22,33,14,25,36");
    tn_free(t);
}

static void opset6_mismatch_is_error(void)
{
    /* B 3 does not match the suffix 5 of A; and without broadcast shapes must be equal */
    struct tnode *t = tn_new("Add", 6);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_attr_int(t, "broadcast", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "axis 3") != NULL);
    tn_free(t);
    t = tn_new("Sub", 6);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "broadcast is not set") != NULL);
    tn_free(t);
}

static void binary_needs_two_inputs(void)
{
    struct tnode *t = tn_new("Add", 14);
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "input 1") != NULL);
    tn_free(t);
}

static void unknown_values_leave_output_unknown(void)
{
    struct tnode *t = tn_new("Add", 14);
    tn_in_vals(t, PR_DT_INT64, "2", "1,2");
    tn_in(t, PR_DT_INT64, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
}

static void unary_keeps_shape_and_counts_one_per_element(void)
{
    static const char *const ops[] = {"Abs", "Ceil", "Exp", "Floor", "Log", "Neg",
                                      "Reciprocal", "Sqrt"};
    for (int i = 0; i < 8; i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in(t, PR_DT_FLOAT, "2x3x7");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3x7");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
        CHECK_EQ(tn_cost(t)->flops, 42);   /* 2*3*7 */
        tn_free(t);
    }
}

static void not_outputs_bool_and_folds(void)
{
    struct tnode *t = tn_new("Not", 1);
    tn_in_vals(t, PR_DT_BOOL, "3", "1,0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_STR(tn_out_vals(t, 0), "0,1,0");
    CHECK_EQ(tn_cost(t)->flops, 3);
    tn_free(t);
}

static void unary_folds_exact_operations(void)
{
    struct tnode *t = tn_new("Neg", 13);
    tn_in_vals(t, PR_DT_INT64, "2", "3,-4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "-3,4");
    tn_free(t);
    t = tn_new("Abs", 13);
    tn_in_vals(t, PR_DT_INT64, "", "-5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "5");
    tn_free(t);
    /* ceil(1.5) = 2, ceil(-1.5) = -1; floor(-1.5) = -2, floor(1.2) = 1 */
    t = tn_new("Ceil", 13);
    tn_in_vals(t, PR_DT_FLOAT, "2", "1.5,-1.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "2,-1");
    tn_free(t);
    t = tn_new("Floor", 13);
    tn_in_vals(t, PR_DT_FLOAT, "2", "-1.5,1.2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "-2,1");
    tn_free(t);
    /* sqrt(16) = 4, 1/4 = 0.25 (int view 0), exp(0) = 1 */
    t = tn_new("Sqrt", 13);
    tn_in_vals(t, PR_DT_FLOAT, "1", "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "4");
    tn_free(t);
    t = tn_new("Reciprocal", 13);
    tn_in_vals(t, PR_DT_DOUBLE, "1", "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval && pr_const_values(tn_out(t, 0)->cval)->f[0] == 0.25);
    tn_free(t);
    t = tn_new("Exp", 13);
    tn_in_vals(t, PR_DT_FLOAT, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "1");
    tn_free(t);
}

static void unary_non_finite_or_overflow_stays_unfolded(void)
{
    struct tnode *t = tn_new("Log", 13);
    tn_in_vals(t, PR_DT_FLOAT, "1", "0");   /* log 0 = -inf */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Neg", 13);
    tn_in_vals(t, PR_DT_INT64, "1", "-9223372036854775808");   /* -INT64_MIN overflows */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
}

static void sum_max_min_count_k_minus_one_per_element(void)
{
    /* 3 inputs broadcast to 2x3: 6 outputs x (3-1) = 12 */
    static const char *const ops[] = {"Sum", "Max", "Min"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in(t, PR_DT_FLOAT, "2x3");
        tn_in(t, PR_DT_FLOAT, "3");
        tn_in(t, PR_DT_FLOAT, "1");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "2x3");
        CHECK_EQ(tn_cost(t)->flops, 12);
        tn_free(t);
    }
}

static void mean_counts_k_per_element(void)
{
    /* 3 inputs of 4x5: 20 outputs x (2 adds + 1 divide) = 60 */
    struct tnode *t = tn_new("Mean", 13);
    for (int i = 0; i < 3; i++)
        tn_in(t, PR_DT_FLOAT, "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 60);
    tn_free(t);
}

static void single_input_max_costs_nothing(void)
{
    struct tnode *t = tn_new("Max", 13);
    tn_in(t, PR_DT_FLOAT, "7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7");
    CHECK_EQ(tn_cost(t)->flops, 0);   /* 7 x (1-1) */
    tn_free(t);
}

static void variadic_folds_known_ints(void)
{
    /* columns (3,1,2), (2,4,5), (1,4,3): Max 3,5,4; Min 1,2,1; Sum 6,11,8 */
    static const char *const ops[] = {"Max", "Min", "Sum"};
    static const char *const want[] = {"3,5,4", "1,2,1", "6,11,8"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in_vals(t, PR_DT_INT64, "3", "3,2,1");
        tn_in_vals(t, PR_DT_INT64, "3", "1,4,4");
        tn_in_vals(t, PR_DT_INT64, "3", "2,5,3");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_vals(t, 0), want[i]);
        tn_free(t);
    }
}

static void variadic_incompatible_or_empty_input_is_error(void)
{
    struct tnode *t = tn_new("Sum", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "2x3") != NULL);
    tn_free(t);
    t = tn_new("Max", 13);
    tn_in(t, PR_DT_FLOAT, "2");
    tn_in_absent(t);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "input 1") != NULL);
    tn_free(t);
}

static void where_broadcasts_three_ways(void)
{
    struct tnode *t = tn_new("Where", 16);
    tn_in(t, PR_DT_BOOL, "3x1x1");
    tn_in(t, PR_DT_FLOAT, "1x4x1");
    tn_in(t, PR_DT_FLOAT, "5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 60);   /* one select per output */
    tn_free(t);
}

static void where_folds_known_operands(void)
{
    /* cond [1,0,1], X [1,2,3], Y 9 -> [1,9,3] */
    struct tnode *t = tn_new("Where", 9);
    tn_in_vals(t, PR_DT_BOOL, "3", "1,0,1");
    tn_in_vals(t, PR_DT_INT64, "3", "1,2,3");
    tn_in_vals(t, PR_DT_INT64, "", "9");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "1,9,3");
    tn_free(t);
}

static void where_incompatible_is_error(void)
{
    struct tnode *t = tn_new("Where", 16);
    tn_in(t, PR_DT_BOOL, "2x3");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_FLOAT, "4x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    CHECK(strstr(tn_error(t), "4x1") != NULL);
    tn_free(t);
}


/* ---- math functions, logic, bitwise (issue 3) ---- */

static void trig_and_hyperbolic_count_one_per_element(void)
{
    static const char *const ops[] = {"Sin", "Cos", "Tan", "Asin", "Acos", "Atan",
                                      "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
                                      "Sign", "Round"};
    for (int i = 0; i < (int)(sizeof ops / sizeof ops[0]); i++) {
        struct tnode *t = tn_new(ops[i], 13);
        tn_in(t, PR_DT_FLOAT, "3x4x5");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "3x4x5");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
        CHECK_EQ(tn_cost(t)->flops, 3 * 4 * 5);
        CHECK_EQ(tn_cost(t)->macs, 0);
        tn_free(t);
    }
}

static void isnan_isinf_output_bool(void)
{
    struct tnode *t = tn_new("IsNaN", 13);
    tn_in(t, PR_DT_FLOAT, "2x7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_EQ(tn_cost(t)->flops, 2 * 7);
    tn_free(t);
    t = tn_new("IsInf", 10);
    tn_in(t, PR_DT_DOUBLE, "6");
    tn_attr_int(t, "detect_negative", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "6");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_EQ(tn_cost(t)->flops, 6);
    tn_free(t);
    t = tn_new("IsInf", 10);
    tn_in(t, PR_DT_INT32, "6");
    CHECK(tn_fails_with(t, 1, "needs a floating type"));
    tn_free(t);
}

static void sign_and_round_fold(void)
{
    struct tnode *t = tn_new("Sign", 13);
    tn_in_vals(t, PR_DT_INT64, "4", "-7,0,3,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "-1,0,1,-1");
    tn_free(t);
    /* halves round to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2 */
    t = tn_new("Round", 11);
    tn_in_vals(t, PR_DT_FLOAT, "5", "0.5,1.5,2.5,-2.5,2.6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "0,2,2,-2,3");
    tn_free(t);
}

static void logical_ops_need_bool_and_output_bool(void)
{
    static const char *const ops[] = {"And", "Or", "Xor"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 7);
        tn_in(t, PR_DT_BOOL, "3x1x5");
        tn_in(t, PR_DT_BOOL, "4x1");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "3x4x5");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
        CHECK_EQ(tn_cost(t)->flops, 3 * 4 * 5);
        tn_free(t);
        t = tn_new(ops[i], 7);
        tn_in(t, PR_DT_FLOAT, "3");
        tn_in(t, PR_DT_BOOL, "3");
        CHECK(tn_fails_with(t, 1, "needs bool"));
        tn_free(t);
    }
}

static void logical_ops_fold(void)
{
    const char *want[3] = {"0,0,0,1", "0,1,1,1", "0,1,1,0"};   /* truth tables */
    static const char *const ops[] = {"And", "Or", "Xor"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 7);
        tn_in_vals(t, PR_DT_BOOL, "4", "0,0,1,1");
        tn_in_vals(t, PR_DT_BOOL, "4", "0,1,0,1");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_vals(t, 0), want[i]);
        tn_free(t);
    }
}

static void logical_ops_opset1_broadcast_at_axis(void)
{
    struct tnode *t = tn_new("Or", 1);
    tn_in(t, PR_DT_BOOL, "2x3x4");
    tn_in(t, PR_DT_BOOL, "3");
    tn_attr_int(t, "broadcast", 1);
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_cost(t)->flops, 2 * 3 * 4);
    tn_free(t);
}

static void greater_or_equal_less_or_equal_fold(void)
{
    struct tnode *t = tn_new("GreaterOrEqual", 16);
    tn_in_vals(t, PR_DT_INT64, "3", "1,2,3");
    tn_in_vals(t, PR_DT_INT64, "", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_STR(tn_out_vals(t, 0), "0,1,1");
    CHECK_EQ(tn_cost(t)->flops, 3);
    tn_free(t);
    t = tn_new("LessOrEqual", 16);
    tn_in_vals(t, PR_DT_FLOAT, "3", "1.5,2,2.5");
    tn_in_vals(t, PR_DT_FLOAT, "", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "1,1,0");
    tn_free(t);
}

static void mod_sign_follows_fmod_attribute(void)
{
    /* fmod 0: sign of the divisor (Python %): -7 % 3 = 2, 7 % -3 = -2;
     * fmod 1: sign of the dividend (C %):    -7 % 3 = -1, 7 % -3 = 1 */
    struct tnode *t = tn_new("Mod", 13);
    tn_in_vals(t, PR_DT_INT32, "4", "-7,7,6,-7");
    tn_in_vals(t, PR_DT_INT32, "4", "3,-3,3,-3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "2,-2,0,-1");
    CHECK_EQ(tn_cost(t)->flops, 4);
    tn_free(t);
    t = tn_new("Mod", 13);
    tn_in_vals(t, PR_DT_INT32, "4", "-7,7,6,-7");
    tn_in_vals(t, PR_DT_INT32, "4", "3,-3,3,-3");
    tn_attr_int(t, "fmod", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "-1,1,0,-1");
    tn_free(t);
    t = tn_new("Mod", 13);
    tn_in_vals(t, PR_DT_FLOAT, "2", "-7.5,7.5");
    tn_in_vals(t, PR_DT_FLOAT, "", "2");
    tn_attr_int(t, "fmod", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK(tn_out(t, 0)->cval && pr_const_values(tn_out(t, 0)->cval)->f[0] == -1.5 && pr_const_values(tn_out(t, 0)->cval)->f[1] == 1.5);
    tn_free(t);
}

static void mod_errors(void)
{
    struct tnode *t = tn_new("Mod", 13);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "needs fmod = 1"));
    tn_free(t);
    t = tn_new("Mod", 13);
    tn_in(t, PR_DT_INT32, "3");
    tn_in(t, PR_DT_INT32, "3");
    tn_attr_int(t, "fmod", 2);
    CHECK(tn_fails_with(t, 1, "fmod is 2"));
    tn_free(t);
    t = tn_new("Mod", 13);   /* a zero divisor leaves the value unknown */
    tn_in_vals(t, PR_DT_INT32, "2", "5,6");
    tn_in_vals(t, PR_DT_INT32, "2", "2,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "");
    tn_free(t);
}

static void bitshift_direction_and_fold(void)
{
    struct tnode *t = tn_new("BitShift", 11);
    tn_in_vals(t, PR_DT_UINT8, "3", "16,4,1");
    tn_in_vals(t, PR_DT_UINT8, "3", "1,2,3");
    tn_attr_str(t, "direction", "RIGHT");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "8,1,0");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    CHECK_EQ(tn_cost(t)->flops, 3);
    tn_free(t);
    t = tn_new("BitShift", 11);
    tn_in_vals(t, PR_DT_UINT8, "2", "3,64");
    tn_in_vals(t, PR_DT_UINT8, "", "2");
    tn_attr_str(t, "direction", "LEFT");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "");   /* 64 << 2 = 256 does not fit uint8 */
    tn_free(t);
    t = tn_new("BitShift", 11);
    tn_in(t, PR_DT_UINT32, "3");
    tn_in(t, PR_DT_UINT32, "3");
    CHECK(tn_fails_with(t, 1, "'direction'"));
    tn_free(t);
    t = tn_new("BitShift", 11);
    tn_in(t, PR_DT_UINT32, "3");
    tn_in(t, PR_DT_UINT32, "3");
    tn_attr_str(t, "direction", "UP");
    CHECK(tn_fails_with(t, 1, "LEFT or RIGHT"));
    tn_free(t);
    t = tn_new("BitShift", 11);
    tn_in(t, PR_DT_INT32, "3");
    tn_in(t, PR_DT_INT32, "3");
    tn_attr_str(t, "direction", "LEFT");
    CHECK(tn_fails_with(t, 1, "unsigned"));
    tn_free(t);
}

static void bitwise_ops_fold_and_check_types(void)
{
    static const char *const ops[] = {"BitwiseAnd", "BitwiseOr", "BitwiseXor"};
    const char *want[3] = {"8,0,-8", "14,7,-1", "6,7,7"};   /* 12&10, 12|10, 12^10, ... */
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new(ops[i], 18);
        tn_in_vals(t, PR_DT_INT32, "3", "12,3,-8");
        tn_in_vals(t, PR_DT_INT32, "3", "10,4,-1");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_vals(t, 0), want[i]);
        CHECK_EQ(tn_cost(t)->flops, 3);
        tn_free(t);
    }
    struct tnode *t = tn_new("BitwiseNot", 18);
    tn_in_vals(t, PR_DT_UINT8, "3", "0,255,15");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "255,0,240");
    tn_free(t);
    t = tn_new("BitwiseNot", 18);
    tn_in_vals(t, PR_DT_INT16, "2", "0,-6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "-1,5");
    tn_free(t);
    t = tn_new("BitwiseAnd", 18);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "integer type"));
    tn_free(t);
}

void suite_eltwise(void)
{
    RUN(add_same_shape_counts_one_flop_per_element);
    RUN(add_broadcasts_trailing_vector);
    RUN(mul_broadcasts_both_operands);
    RUN(sub_incompatible_shapes_is_error_naming_both);
    RUN(unknown_extent_propagates_and_cost_is_incomplete);
    RUN(comparisons_output_bool);
    RUN(comparisons_fold_to_zero_one);
    RUN(equal_finds_minus_one_in_reshape_target);
    RUN(div_folds_integer_shapes_truncating_toward_zero);
    RUN(mul_folds_with_broadcast_scalar);
    RUN(shape_chain_gather_div_mul_folds);
    RUN(float_fold_rounds_to_float32);
    RUN(add_overflow_stays_unfolded);
    RUN(div_by_zero_stays_unfolded);
    RUN(narrow_integer_result_must_fit_its_type);
    RUN(pow_folds_integral_exponents_only);
    RUN(opset6_broadcast_aligns_b_at_axis);
    RUN(opset6_broadcast_folds_at_axis);
    RUN(opset6_mismatch_is_error);
    RUN(binary_needs_two_inputs);
    RUN(unknown_values_leave_output_unknown);
    RUN(unary_keeps_shape_and_counts_one_per_element);
    RUN(not_outputs_bool_and_folds);
    RUN(unary_folds_exact_operations);
    RUN(unary_non_finite_or_overflow_stays_unfolded);
    RUN(sum_max_min_count_k_minus_one_per_element);
    RUN(mean_counts_k_per_element);
    RUN(single_input_max_costs_nothing);
    RUN(variadic_folds_known_ints);
    RUN(variadic_incompatible_or_empty_input_is_error);
    RUN(where_broadcasts_three_ways);
    RUN(where_folds_known_operands);
    RUN(where_incompatible_is_error);
    RUN(trig_and_hyperbolic_count_one_per_element);
    RUN(isnan_isinf_output_bool);
    RUN(sign_and_round_fold);
    RUN(logical_ops_need_bool_and_output_bool);
    RUN(logical_ops_fold);
    RUN(logical_ops_opset1_broadcast_at_axis);
    RUN(greater_or_equal_less_or_equal_fold);
    RUN(mod_sign_follows_fmod_attribute);
    RUN(mod_errors);
    RUN(bitshift_direction_and_fold);
    RUN(bitwise_ops_fold_and_check_types);
}
