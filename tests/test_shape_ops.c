/* test_shape_ops.c -- Cast, Constant, ConstantOfShape, Dropout, Expand,
 * Flatten, Identity, Range, Reshape, Shape, Squeeze, Unsqueeze and the
 * shared move_cost. Every expected value is worked out by hand in the
 * comment beside it. */
#include <string.h>

#include "opcheck.h"
#include "test.h"

void suite_shape_ops(void);

#define HAS_ERROR(t, text) CHECK(strstr(tn_error(t), (text)) != NULL)

/* ---- Cast ---- */

static void cast_to_int_truncates_toward_zero(void)
{
    struct tnode *t = tn_new("Cast", 13);
    tn_in_vals(t, PR_DT_FLOAT, "2x2", "1.7,-2.7,0.2,5");
    tn_attr_int(t, "to", PR_DT_INT64);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "1,-2,0,5");   /* trunc(1.7)=1, trunc(-2.7)=-2, trunc(0.2)=0 */
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void cast_to_bool_is_value_not_zero(void)
{
    struct tnode *t = tn_new("Cast", 13);
    tn_in_vals(t, PR_DT_FLOAT, "3", "0,3,-0.5");
    tn_attr_int(t, "to", PR_DT_BOOL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_STR(tn_out_vals(t, 0), "0,1,1");      /* 0 -> 0, 3 -> 1, -0.5 != 0 -> 1 */
    tn_free(t);
}

static void cast_int_to_float_keeps_values(void)
{
    struct tnode *t = tn_new("Cast", 13);
    tn_in_vals(t, PR_DT_INT64, "2", "-3,7");
    tn_attr_int(t, "to", PR_DT_DOUBLE);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK(tn_out(t, 0)->cval && pr_const_values(tn_out(t, 0)->cval)->f[0] == -3.0 && pr_const_values(tn_out(t, 0)->cval)->f[1] == 7.0);
    tn_free(t);
}

static void cast_before_opset6_reads_type_name(void)
{
    struct tnode *t = tn_new("Cast", 5);
    tn_in(t, PR_DT_FLOAT, "1x3");
    tn_attr_str(t, "to", "INT32");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_STR(tn_out_shape(t, 0), "1x3");
    tn_free(t);
}

static void cast_rejects_unknown_or_missing_type(void)
{
    struct tnode *t = tn_new("Cast", 13);
    tn_in(t, PR_DT_FLOAT, "2");
    tn_attr_int(t, "to", 99);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "not a known element type");
    tn_free(t);
    t = tn_new("Cast", 13);
    tn_in(t, PR_DT_FLOAT, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "'to'");
    tn_free(t);
}

static void cast_of_weight_counts_the_weight(void)
{
    struct tnode *t = tn_new("Cast", 13);
    tn_in_weight(t, PR_DT_FLOAT16, "64x3x3x3");
    tn_attr_int(t, "to", PR_DT_FLOAT);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);        /* bit 0: the fp16 weight */
    CHECK(!tn_out(t, 0)->is_weight);
    tn_free(t);
}

/* ---- Constant ---- */

static void constant_value_tensor_is_a_weight(void)
{
    struct tnode *t = tn_new("Constant", 13);
    tn_attr_tensor(t, "value", PR_DT_FLOAT, "2x3", "1,2,3,4,5,6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK(tn_out(t, 0)->is_weight);
    CHECK_STR(tn_out_vals(t, 0), "1,2,3,4,5,6");
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void constant_value_ints_and_float_since_opset12(void)
{
    struct tnode *t = tn_new("Constant", 12);
    tn_attr_ints(t, "value_ints", "3,-1,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "3,-1,4");
    tn_free(t);

    t = tn_new("Constant", 13);
    tn_attr_float(t, "value_float", 2.5);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");            /* a scalar */
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK(tn_out(t, 0)->cval && pr_const_values(tn_out(t, 0)->cval)->f[0] == 2.5);
    tn_free(t);

    t = tn_new("Constant", 13);
    tn_attr_floats(t, "value_floats", "0.5,1.5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    tn_free(t);

    t = tn_new("Constant", 13);
    tn_attr_str(t, "value_string", "hello");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_STRING);
    tn_free(t);
}

static void constant_value_int_before_opset12_is_an_error(void)
{
    struct tnode *t = tn_new("Constant", 11);
    tn_attr_int(t, "value_int", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "opset 12");
    tn_free(t);
}

static void constant_needs_exactly_one_value(void)
{
    struct tnode *t = tn_new("Constant", 13);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "exactly one");
    tn_free(t);
    t = tn_new("Constant", 13);
    tn_attr_int(t, "value_int", 3);
    tn_attr_float(t, "value_float", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "it has 2");
    tn_free(t);
}

/* ---- ConstantOfShape ---- */

static void constant_of_shape_fills_shape_with_value(void)
{
    struct tnode *t = tn_new("ConstantOfShape", 9);
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    tn_attr_tensor(t, "value", PR_DT_INT64, "1", "7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "7,7,7,7,7,7");  /* 2*3 = 6 sevens */
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
}

static void constant_of_shape_defaults_to_float_zero(void)
{
    struct tnode *t = tn_new("ConstantOfShape", 9);
    tn_in_vals(t, PR_DT_INT64, "1", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_STR(tn_out_vals(t, 0), "0,0,0");
    tn_free(t);
}

static void constant_of_shape_unknown_values_keep_the_rank(void)
{
    struct tnode *t = tn_new("ConstantOfShape", 9);
    tn_in(t, PR_DT_INT64, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?");       /* 3 values, none known */
    tn_free(t);
}

static void constant_of_shape_rejects_negative_extent(void)
{
    struct tnode *t = tn_new("ConstantOfShape", 9);
    tn_in_vals(t, PR_DT_INT64, "2", "2,-3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "negative extent -3");
    tn_free(t);
}

/* ---- Dropout, Identity ---- */

static void dropout_passes_input_and_bool_mask(void)
{
    struct tnode *t = tn_new("Dropout", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "");             /* ratio: a hyper-parameter */
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_STR(tn_out_shape(t, 1), "2x3x4");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_BOOL);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);         /* bit 1 (ratio) cleared */
    tn_free(t);
    t = tn_new("Dropout", 7);
    tn_in(t, PR_DT_FLOAT16, "5");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT16); /* mask has the input type before opset 10 */
    tn_free(t);
}

static void identity_copies_values_and_weight_flag(void)
{
    struct tnode *t = tn_new("Identity", 16);
    tn_in_weight(t, PR_DT_FLOAT, "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x5");
    CHECK(tn_out(t, 0)->is_weight);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);         /* counted where the output is consumed */
    tn_free(t);
    t = tn_new("Identity", 16);
    tn_in_vals(t, PR_DT_INT64, "3", "1,2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "1,2,3");
    tn_free(t);
}

/* ---- Expand ---- */

static void expand_broadcasts_both_ways(void)
{
    struct tnode *t = tn_new("Expand", 13);
    tn_in(t, PR_DT_FLOAT, "3x1");
    tn_in_vals(t, PR_DT_INT64, "3", "2,1,6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x6");       /* (_,3,1) with (2,1,6): 2, max(3,1), max(1,6) */
    tn_free(t);
}

static void expand_repeats_known_values(void)
{
    struct tnode *t = tn_new("Expand", 13);
    tn_in_vals(t, PR_DT_INT64, "3", "1,2,3");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_STR(tn_out_vals(t, 0), "1,2,3,1,2,3");  /* the row repeated twice */
    tn_free(t);
    t = tn_new("Expand", 13);
    tn_in_vals(t, PR_DT_INT64, "2x1", "4,5");
    tn_in_vals(t, PR_DT_INT64, "2", "1,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "4,4,4,5,5,5");  /* the column repeated 3 times */
    tn_free(t);
}

static void expand_with_unknown_shape_values_keeps_known_extents(void)
{
    struct tnode *t = tn_new("Expand", 13);
    tn_in(t, PR_DT_FLOAT, "3x1");
    tn_in(t, PR_DT_INT64, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x3x?");       /* 3 can only broadcast to 3 */
    tn_free(t);
}

static void expand_rejects_incompatible_shape(void)
{
    struct tnode *t = tn_new("Expand", 13);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in_vals(t, PR_DT_INT64, "1", "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "cannot be expanded");
    tn_free(t);
}

/* ---- Flatten ---- */

static void flatten_splits_at_axis(void)
{
    static const struct { int64_t axis; const char *want; } cases[] = {
        {0, "1x120"},   /* () and 2*3*4*5 */
        {1, "2x60"},    /* 2 and 3*4*5 */
        {3, "24x5"},    /* 2*3*4 and 5 */
        {4, "120x1"},   /* everything and () */
        {-1, "24x5"},   /* -1 + 4 = 3 */
        {-4, "1x120"},  /* -4 + 4 = 0 */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new("Flatten", 13);
        tn_in(t, PR_DT_FLOAT, "2x3x4x5");
        tn_attr_int(t, "axis", cases[i].axis);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].want);
        tn_free(t);
    }
    struct tnode *t = tn_new("Flatten", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x60");        /* default axis 1 */
    tn_free(t);
}

static void flatten_unknown_extent_stays_unknown(void)
{
    struct tnode *t = tn_new("Flatten", 13);
    tn_in(t, PR_DT_FLOAT, "2x?x4");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x4");         /* 2*? unknown, 4 known */
    tn_free(t);
}

static void flatten_rejects_axis_out_of_range(void)
{
    struct tnode *t = tn_new("Flatten", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "out of range");
    tn_free(t);
    t = tn_new("Flatten", 9);                     /* negative axes only from opset 11 */
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", -1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
}

/* ---- Range ---- */

static void range_int_counts_ceil_of_span_over_delta(void)
{
    struct tnode *t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT64, "", "1");
    tn_in_vals(t, PR_DT_INT64, "", "10");
    tn_in_vals(t, PR_DT_INT64, "", "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");           /* ceil((10-1)/3) = 3 */
    CHECK_STR(tn_out_vals(t, 0), "1,4,7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT32, "", "10");
    tn_in_vals(t, PR_DT_INT32, "", "5");
    tn_in_vals(t, PR_DT_INT32, "", "-3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");           /* ceil((5-10)/-3) = ceil(1.67) = 2 */
    CHECK_STR(tn_out_vals(t, 0), "10,7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    tn_free(t);
}

static void range_float_and_empty(void)
{
    struct tnode *t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_FLOAT, "", "1");
    tn_in_vals(t, PR_DT_FLOAT, "", "2");
    tn_in_vals(t, PR_DT_FLOAT, "", "0.3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4");           /* ceil(1/0.3) = ceil(3.33) = 4 */
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    tn_free(t);
    t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT64, "", "0");
    tn_in_vals(t, PR_DT_INT64, "", "5");
    tn_in_vals(t, PR_DT_INT64, "", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "0");           /* ceil(5/-1) = -5 -> max(-5, 0) = 0 */
    tn_free(t);
}

static void range_unknown_bounds_give_unknown_length(void)
{
    struct tnode *t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT64, "", "0");
    tn_in(t, PR_DT_INT64, "");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?");
    tn_free(t);
}

static void range_rejects_zero_delta_and_non_scalars(void)
{
    struct tnode *t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT64, "", "0");
    tn_in_vals(t, PR_DT_INT64, "", "5");
    tn_in_vals(t, PR_DT_INT64, "", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "delta is 0");
    tn_free(t);
    t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_FLOAT, "", "0");
    tn_in_vals(t, PR_DT_FLOAT, "", "5");
    tn_in_vals(t, PR_DT_FLOAT, "", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = tn_new("Range", 11);
    tn_in_vals(t, PR_DT_INT64, "2", "0,1");
    tn_in_vals(t, PR_DT_INT64, "", "5");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "scalar");
    tn_free(t);
}

/* ---- Reshape ---- */

/* Runs Reshape(in, vals) (allowzero < 0: attribute absent); writes the
 * output shape, or the error message, into shape[256]. */
static int reshape(const char *in, const char *vals, int opset, int allowzero, char *shape)
{
    struct tnode *t = tn_new("Reshape", opset);
    tn_in(t, PR_DT_FLOAT, in);
    char sh[16];
    int n = 0;
    for (const char *p = vals; *p; p++)
        n += *p == ',';
    snprintf(sh, sizeof sh, "%d", vals[0] ? n + 1 : 0);
    tn_in_vals(t, PR_DT_INT64, sh, vals);
    if (allowzero >= 0)
        tn_attr_int(t, "allowzero", allowzero);
    int rc = tn_run(t, 1);
    snprintf(shape, 256, "%s", rc == PR_RUN_OK ? tn_out_shape(t, 0) : tn_error(t));
    tn_free(t);
    return rc;
}

static void reshape_zero_copies_and_minus_one_infers(void)
{
    char s[256];
    CHECK_EQ(reshape("2x3x4", "0,-1", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "2x12");                         /* 0 copies 2; -1 = 24 / 2 = 12 */
    CHECK_EQ(reshape("2x3x4", "-1,0,2", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "4x3x2");                        /* 0 copies 3; -1 = 24 / (3*2) = 4 */
    CHECK_EQ(reshape("2x3x4", "4,6", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "4x6");                          /* 24 = 4*6 */
    CHECK_EQ(reshape("2x3x4", "-1", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "24");
}

static void reshape_allowzero_keeps_zero_extents(void)
{
    char s[256];
    CHECK_EQ(reshape("0x3x4", "3,4,0", 14, 1, s), PR_RUN_OK);
    CHECK_STR(s, "3x4x0");                        /* 0 elements either way */
    /* without allowzero the 0 at position 2 copies 4: 3*4*4 = 48 != 0 */
    CHECK_EQ(reshape("0x3x4", "3,4,0", 14, 0, s), PR_RUN_ERROR);
    CHECK(strstr(s, "element counts differ") != NULL);
    /* allowzero is ignored before opset 14: same copy, same error */
    CHECK_EQ(reshape("0x3x4", "3,4,0", 13, 1, s), PR_RUN_ERROR);
    CHECK_EQ(reshape("2x3", "0,-1", 14, 1, s), PR_RUN_ERROR);
    CHECK(strstr(s, "both 0 and -1") != NULL);
}

static void reshape_rejects_bad_targets(void)
{
    char s[256];
    CHECK_EQ(reshape("2x3", "-1,-1", 14, -1, s), PR_RUN_ERROR);
    CHECK(strstr(s, "more than one -1") != NULL);
    CHECK_EQ(reshape("2x3", "4,2", 14, -1, s), PR_RUN_ERROR);    /* 6 != 8 */
    CHECK(strstr(s, "element counts differ") != NULL);
    CHECK_EQ(reshape("2x3", "4,-1", 14, -1, s), PR_RUN_ERROR);   /* 6 % 4 != 0 */
    CHECK(strstr(s, "not divisible") != NULL);
    CHECK_EQ(reshape("2x3", "-2,3", 14, -1, s), PR_RUN_ERROR);
    CHECK_EQ(reshape("6", "2,0", 14, -1, s), PR_RUN_ERROR);      /* 0 at position 1, rank 1 */
    CHECK(strstr(s, "copies an input extent") != NULL);
}

static void reshape_copied_unknown_extent_cancels(void)
{
    char s[256];
    CHECK_EQ(reshape("?x3x4", "0,-1", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "?x12");                         /* ? copied; -1 = 3*4 */
    CHECK_EQ(reshape("?x3x4", "-1,4", 14, -1, s), PR_RUN_OK);
    CHECK_STR(s, "?x4");                          /* ?*12/4 unknown */
}

static void reshape_before_opset5_reads_shape_attribute(void)
{
    struct tnode *t = tn_new("Reshape", 4);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_ints(t, "shape", "6,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "6x4");         /* 24 / 6 = 4 */
    tn_free(t);
}

static void reshape_unknown_target_keeps_its_length(void)
{
    struct tnode *t = tn_new("Reshape", 14);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_INT64, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?");
    tn_free(t);
}

static void reshape_carries_values_and_counts_data_weight(void)
{
    struct tnode *t = tn_new("Reshape", 14);
    tn_in_vals(t, PR_DT_INT64, "2x2", "1,2,3,4");
    tn_in_vals(t, PR_DT_INT64, "1", "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4");
    CHECK_STR(tn_out_vals(t, 0), "1,2,3,4");
    tn_free(t);
    t = tn_new("Reshape", 14);
    tn_in_weight(t, PR_DT_FLOAT, "10x20");
    tn_in_vals(t, PR_DT_INT64, "1", "200");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    CHECK_EQ(tn_cost(t)->macs, 0);
    tn_free(t);
}

/* ---- Shape ---- */

static void shape_gives_dims_as_int64_values(void)
{
    struct tnode *t = tn_new("Shape", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "2,3,4");
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = tn_new("Shape", 13);
    tn_in(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "0");           /* a scalar has no dims */
    tn_free(t);
}

static void shape_opset15_start_end_are_clamped(void)
{
    static const struct { int64_t start, end; const char *shape, *vals; } cases[] = {
        {1, -1, "1", "3"},          /* [1, 3-1=2) */
        {-10, 10, "3", "2,3,4"},    /* -10+3 -> 0, 10 -> 3 */
        {2, 1, "0", ""},            /* end before start: empty */
        {-1, 3, "1", "4"},          /* -1+3 = 2 */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = tn_new("Shape", 15);
        tn_in(t, PR_DT_FLOAT, "2x3x4");
        tn_attr_int(t, "start", cases[i].start);
        tn_attr_int(t, "end", cases[i].end);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), cases[i].shape);
        CHECK_STR(tn_out_vals(t, 0), cases[i].vals);
        tn_free(t);
    }
}

static void shape_with_unknown_extent_has_no_values(void)
{
    struct tnode *t = tn_new("Shape", 15);
    tn_in(t, PR_DT_FLOAT, "2x?x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK(tn_out(t, 0)->cval == NULL);
    tn_free(t);
    t = tn_new("Shape", 15);                      /* the unknown extent not selected */
    tn_in(t, PR_DT_FLOAT, "2x?x4");
    tn_attr_int(t, "start", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "4");
    tn_free(t);
}

/* ---- Squeeze, Unsqueeze ---- */

static void squeeze_axes_attribute_before_opset13(void)
{
    struct tnode *t = tn_new("Squeeze", 11);
    tn_in(t, PR_DT_FLOAT, "1x3x1x5");
    tn_attr_ints(t, "axes", "0,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    tn_free(t);
}

static void squeeze_axes_input_from_opset13(void)
{
    struct tnode *t = tn_new("Squeeze", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x1x5");
    tn_in_vals(t, PR_DT_INT64, "1", "-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x5");       /* -2 + 4 = axis 2 */
    tn_free(t);
    t = tn_new("Squeeze", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x1x5");
    tn_attr_ints(t, "axes", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "is an input since opset 13");
    tn_free(t);
}

static void squeeze_without_axes_removes_every_one(void)
{
    struct tnode *t = tn_new("Squeeze", 13);
    tn_in_vals(t, PR_DT_INT64, "1x3x1", "7,8,9");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_STR(tn_out_vals(t, 0), "7,8,9");
    tn_free(t);
    t = tn_new("Squeeze", 13);                    /* an empty axes list reads as absent */
    tn_in(t, PR_DT_FLOAT, "1x3x1");
    tn_in_vals(t, PR_DT_INT64, "0", "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    tn_free(t);
    t = tn_new("Squeeze", 13);
    tn_in(t, PR_DT_FLOAT, "1x?");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?");           /* whether ? is 1 is not known */
    tn_free(t);
}

static void squeeze_rejects_bad_axes(void)
{
    struct tnode *t = tn_new("Squeeze", 11);
    tn_in(t, PR_DT_FLOAT, "1x3");
    tn_attr_ints(t, "axes", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "extent is 3");
    tn_free(t);
    t = tn_new("Squeeze", 11);
    tn_in(t, PR_DT_FLOAT, "1x3");
    tn_attr_ints(t, "axes", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "out of range");
    tn_free(t);
    t = tn_new("Squeeze", 11);
    tn_in(t, PR_DT_FLOAT, "1x3");
    tn_attr_ints(t, "axes", "0,-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "twice");
    tn_free(t);
}

static void unsqueeze_axes_refer_to_the_output(void)
{
    struct tnode *t = tn_new("Unsqueeze", 11);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_attr_ints(t, "axes", "0,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x4x1");     /* output rank 2+2 = 4 */
    tn_free(t);
    t = tn_new("Unsqueeze", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "2", "2,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x1x4");     /* unsorted axes */
    tn_free(t);
    t = tn_new("Unsqueeze", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x1");       /* -1 + 3 = 2 */
    tn_free(t);
}

static void unsqueeze_carries_scalar_value(void)
{
    struct tnode *t = tn_new("Unsqueeze", 13);
    tn_in_vals(t, PR_DT_INT64, "", "7");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1");
    CHECK_STR(tn_out_vals(t, 0), "7");
    tn_free(t);
}

static void unsqueeze_rejects_bad_axes(void)
{
    struct tnode *t = tn_new("Unsqueeze", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "2", "1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "twice");
    tn_free(t);
    t = tn_new("Unsqueeze", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "1", "3");        /* output rank 3: axes in [-3, 2] */
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "out of range");
    tn_free(t);
    t = tn_new("Unsqueeze", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "axes is required");
    tn_free(t);
}


/* ---- CastLike, Size, EyeLike ---- */

static void castlike_takes_the_target_type_and_converts_values(void)
{
    struct tnode *t = tn_new("CastLike", 15);
    tn_in_vals(t, PR_DT_FLOAT, "3", "1.7,-2.5,0");
    tn_in(t, PR_DT_INT32, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_STR(tn_out_vals(t, 0), "1,-2,0");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("CastLike", 15);
    tn_in(t, PR_DT_FLOAT, "2x2");
    CHECK(tn_fails_with(t, 1, "input 1 is required"));
    tn_free(t);
}

static void size_is_an_int64_scalar_with_its_value(void)
{
    struct tnode *t = tn_new("Size", 13);
    tn_in_weight(t, PR_DT_FLOAT, "3x4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT64);
    CHECK_STR(tn_out_vals(t, 0), "60");
    CHECK_EQ(tn_cost(t)->weight_mask, 0);   /* it reads no weight values */
    tn_free(t);
    t = tn_new("Size", 13);
    tn_in(t, PR_DT_FLOAT, "3x?");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_STR(tn_out_vals(t, 0), "");
    tn_free(t);
}

static void eyelike_keeps_2d_shape_with_dtype(void)
{
    struct tnode *t = tn_new("EyeLike", 9);
    tn_in(t, PR_DT_INT32, "4x5");
    tn_attr_int(t, "k", -7);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    tn_free(t);
    t = tn_new("EyeLike", 9);
    tn_in(t, PR_DT_INT32, "4x5");
    tn_attr_int(t, "dtype", PR_DT_DOUBLE);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    tn_free(t);
    t = tn_new("EyeLike", 9);
    tn_in(t, PR_DT_INT32, "4x5x6");
    CHECK(tn_fails_with(t, 1, "2-D"));
    tn_free(t);
}

/* BitCast (opset 26): the bits reinterpreted, the shape kept. */
static void bitcast_keeps_the_shape_and_the_bit_width(void)
{
    struct tnode *t = tn_new("BitCast", 26);
    tn_in_vals(t, PR_DT_FLOAT, "2", "1,2");
    tn_attr_int(t, "to", PR_DT_INT32);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_STR(tn_out_vals(t, 0), "");   /* the float bits are no int values */
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("BitCast", 26);
    tn_in(t, PR_DT_FLOAT16, "3x4");
    tn_attr_int(t, "to", PR_DT_INT32);
    CHECK(tn_fails_with(t, 1, "float16 (16 bits) but 'to' is int32 (32 bits)"));
    tn_free(t);
    t = tn_new("BitCast", 26);
    tn_in(t, PR_DT_FLOAT, "3");
    tn_attr_int(t, "to", PR_DT_STRING);
    CHECK(tn_fails_with(t, 1, "not a known non-string element type"));
    tn_free(t);
    t = tn_new("BitCast", 26);
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "attribute 'to'"));
    tn_free(t);
}

void suite_shape_ops(void)
{
    RUN(bitcast_keeps_the_shape_and_the_bit_width);
    RUN(cast_to_int_truncates_toward_zero);
    RUN(cast_to_bool_is_value_not_zero);
    RUN(cast_int_to_float_keeps_values);
    RUN(cast_before_opset6_reads_type_name);
    RUN(cast_rejects_unknown_or_missing_type);
    RUN(cast_of_weight_counts_the_weight);
    RUN(constant_value_tensor_is_a_weight);
    RUN(constant_value_ints_and_float_since_opset12);
    RUN(constant_value_int_before_opset12_is_an_error);
    RUN(constant_needs_exactly_one_value);
    RUN(constant_of_shape_fills_shape_with_value);
    RUN(constant_of_shape_defaults_to_float_zero);
    RUN(constant_of_shape_unknown_values_keep_the_rank);
    RUN(constant_of_shape_rejects_negative_extent);
    RUN(dropout_passes_input_and_bool_mask);
    RUN(identity_copies_values_and_weight_flag);
    RUN(expand_broadcasts_both_ways);
    RUN(expand_repeats_known_values);
    RUN(expand_with_unknown_shape_values_keeps_known_extents);
    RUN(expand_rejects_incompatible_shape);
    RUN(flatten_splits_at_axis);
    RUN(flatten_unknown_extent_stays_unknown);
    RUN(flatten_rejects_axis_out_of_range);
    RUN(range_int_counts_ceil_of_span_over_delta);
    RUN(range_float_and_empty);
    RUN(range_unknown_bounds_give_unknown_length);
    RUN(range_rejects_zero_delta_and_non_scalars);
    RUN(reshape_zero_copies_and_minus_one_infers);
    RUN(reshape_allowzero_keeps_zero_extents);
    RUN(reshape_rejects_bad_targets);
    RUN(reshape_copied_unknown_extent_cancels);
    RUN(reshape_before_opset5_reads_shape_attribute);
    RUN(reshape_unknown_target_keeps_its_length);
    RUN(reshape_carries_values_and_counts_data_weight);
    RUN(shape_gives_dims_as_int64_values);
    RUN(shape_opset15_start_end_are_clamped);
    RUN(shape_with_unknown_extent_has_no_values);
    RUN(squeeze_axes_attribute_before_opset13);
    RUN(squeeze_axes_input_from_opset13);
    RUN(squeeze_without_axes_removes_every_one);
    RUN(squeeze_rejects_bad_axes);
    RUN(unsqueeze_axes_refer_to_the_output);
    RUN(unsqueeze_carries_scalar_value);
    RUN(unsqueeze_rejects_bad_axes);
    RUN(castlike_takes_the_target_type_and_converts_values);
    RUN(size_is_an_int64_scalar_with_its_value);
    RUN(eyelike_keeps_2d_shape_with_dtype);
}
