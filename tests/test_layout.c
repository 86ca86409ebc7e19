/* test_layout.c -- Concat, Gather, Pad, Slice, Split, Tile, Transpose, and a
 * PyTorch-style shape chain (Shape -> Gather -> Unsqueeze -> Concat ->
 * Reshape) built op by op. Every expected value is worked out by hand in
 * the comment beside it. */
#include <string.h>

#include "opcheck.h"
#include "test.h"

void suite_layout(void);

#define HAS_ERROR(t, text) CHECK(strstr(tn_error(t), (text)) != NULL)
#define I64_MAX "9223372036854775807"
#define I64_MIN "-9223372036854775808"

/* ---- Concat ---- */

static void concat_sums_extents_on_the_axis(void)
{
    struct tnode *t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_FLOAT, "2x5x4");
    tn_in(t, PR_DT_FLOAT, "2x1x4");
    tn_attr_int(t, "axis", -2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x9x4");       /* axis -2 = 1: 3+5+1 = 9 */
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void concat_joins_known_values(void)
{
    struct tnode *t = tn_new("Concat", 13);
    tn_in_vals(t, PR_DT_INT64, "2", "1,2");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_STR(tn_out_vals(t, 0), "1,2,-1");
    tn_free(t);
    t = tn_new("Concat", 13);                     /* [[1,2],[3,4]] ++ [[5],[6]] on axis 1 */
    tn_in_vals(t, PR_DT_INT64, "2x2", "1,2,3,4");
    tn_in_vals(t, PR_DT_INT64, "2x1", "5,6");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_STR(tn_out_vals(t, 0), "1,2,5,3,4,6");
    tn_free(t);
}

static void concat_merges_unknown_extents(void)
{
    struct tnode *t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "?x3");
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8");         /* ? must be 2; 3+5 = 8 */
    tn_free(t);
    t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x?");
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x?");         /* ? + 5 unknown */
    tn_free(t);
}

static void concat_counts_every_input_as_data(void)
{
    struct tnode *t = tn_new("Concat", 13);
    tn_in_weight(t, PR_DT_FLOAT, "4x3");
    tn_in_weight(t, PR_DT_FLOAT, "4x3");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->weight_mask, 3);         /* bits 0 and 1 */
    tn_free(t);
}

static void concat_rejects_mismatched_inputs(void)
{
    struct tnode *t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "input 1 has extent 4 on axis 0");
    tn_free(t);
    t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x3x1");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "rank");
    tn_free(t);
    t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "'axis' is required");
    tn_free(t);
    t = tn_new("Concat", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "out of range");
    tn_free(t);
}

/* ---- Gather ---- */

static void gather_replaces_axis_by_indices_shape(void)
{
    struct tnode *t = tn_new("Gather", 13);
    tn_in(t, PR_DT_FLOAT, "5x4x3");
    tn_in(t, PR_DT_INT64, "2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2x4x3");     /* () + (2,2) + (4,3) */
    tn_free(t);
    t = tn_new("Gather", 13);
    tn_in(t, PR_DT_FLOAT, "5x4x3");
    tn_in(t, PR_DT_INT64, "2x2");
    tn_attr_int(t, "axis", -2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x2x2x3");     /* (5) + (2,2) + (3) */
    tn_free(t);
}

static void gather_wraps_negative_indices(void)
{
    struct tnode *t = tn_new("Gather", 13);
    tn_in_vals(t, PR_DT_INT64, "4", "10,20,30,40");
    tn_in_vals(t, PR_DT_INT64, "2", "-1,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "40,10");        /* -1 + 4 = 3 -> 40 */
    tn_free(t);
    t = tn_new("Gather", 13);                     /* [[1,2,3],[4,5,6]], columns 2 and -3 */
    tn_in_vals(t, PR_DT_INT64, "2x3", "1,2,3,4,5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,-3");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_STR(tn_out_vals(t, 0), "3,1,6,4");
    tn_free(t);
}

static void gather_scalar_index_drops_the_axis(void)
{
    struct tnode *t = tn_new("Gather", 13);
    tn_in_vals(t, PR_DT_INT64, "4", "2,3,224,224");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_STR(tn_out_vals(t, 0), "3");
    tn_free(t);
}

static void gather_counts_embedding_table_once(void)
{
    struct tnode *t = tn_new("Gather", 13);
    tn_in_weight(t, PR_DT_FLOAT, "1000x64");
    tn_in(t, PR_DT_INT64, "1x16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x64");
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    tn_free(t);
}

static void gather_rejects_out_of_range(void)
{
    struct tnode *t = tn_new("Gather", 13);
    tn_in(t, PR_DT_FLOAT, "4x2");
    tn_in_vals(t, PR_DT_INT64, "2", "0,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "index 4 is out of range");      /* valid: -4..3 */
    tn_free(t);
    t = tn_new("Gather", 13);
    tn_in(t, PR_DT_FLOAT, "4x2");
    tn_in_vals(t, PR_DT_INT64, "1", "-5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    tn_free(t);
    t = tn_new("Gather", 13);
    tn_in(t, PR_DT_FLOAT, "4x2");
    tn_in(t, PR_DT_INT64, "1");
    tn_attr_int(t, "axis", 2);
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "axis 2 is out of range");
    tn_free(t);
}

/* ---- Pad ---- */

static void pad_attribute_before_opset11(void)
{
    struct tnode *t = tn_new("Pad", 2);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    tn_attr_ints(t, "pads", "0,0,1,2,0,0,3,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x8x10");    /* 4+1+3 = 8, 4+2+4 = 10 */
    tn_free(t);
    t = tn_new("Pad", 1);
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_attr_ints(t, "paddings", "1,0,1,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x2");         /* 2+1+1 = 4 */
    tn_free(t);
}

static void pad_input_from_opset11_may_crop(void)
{
    struct tnode *t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "4", "0,-1,2,-1");
    tn_attr_str(t, "mode", "reflect");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x2");         /* 3+0+2 = 5, 4-1-1 = 2 */
    tn_free(t);
}

static void pad_opset18_axes_select_padded_axes(void)
{
    struct tnode *t = tn_new("Pad", 18);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    tn_in_vals(t, PR_DT_INT64, "4", "1,0,2,3");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "2", "-2,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x3x7x7");     /* H: 4+1+2 = 7, W: 4+0+3 = 7 */
    tn_free(t);
}

static void pad_unknown_pads_leave_unknown_extents(void)
{
    struct tnode *t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "1x3x4x4");
    tn_in(t, PR_DT_INT64, "8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?x?");
    tn_free(t);
}

static void pad_rejects_bad_pads_and_modes(void)
{
    struct tnode *t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "3", "1,1,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "pads has 3 values but 2 axes need 4");
    tn_free(t);
    t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "4", "0,-3,0,-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "negative extent");              /* 4-3-2 = -1 */
    tn_free(t);
    t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "4", "0,0,0,0");
    tn_attr_str(t, "mode", "wrap");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "wrap needs opset 19");
    tn_free(t);
    t = tn_new("Pad", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_attr_ints(t, "pads", "0,0,0,0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "is an input since opset 11");
    tn_free(t);
}

/* ---- Slice ---- */

static void slice_attributes_before_opset10(void)
{
    struct tnode *t = tn_new("Slice", 9);
    tn_in(t, PR_DT_FLOAT, "20x10x5");
    tn_attr_ints(t, "starts", "0,0");
    tn_attr_ints(t, "ends", "3,10");
    tn_attr_ints(t, "axes", "0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x10x5");      /* 3-0 = 3, 10-0 = 10 */
    tn_free(t);
    t = tn_new("Slice", 9);                       /* default axes 0, 1 */
    tn_in(t, PR_DT_FLOAT, "20x10x5");
    tn_attr_ints(t, "starts", "0,0");
    tn_attr_ints(t, "ends", "3,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x9x5");       /* end -1 + 10 = 9 */
    tn_free(t);
}

static void slice_inputs_with_steps(void)
{
    struct tnode *t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "20x10x5");
    tn_in_vals(t, PR_DT_INT64, "2", "0,3");
    tn_in_vals(t, PR_DT_INT64, "2", "20,4");
    tn_in_vals(t, PR_DT_INT64, "2", "0,-1");
    tn_in_vals(t, PR_DT_INT64, "2", "3,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7x10x1");      /* ceil(20/3) = 7; 4-3 = 1 */
    tn_free(t);
}

static void slice_negative_steps_and_sentinels(void)
{
    struct tnode *t = tn_new("Slice", 13);        /* x[::-1] as exported */
    tn_in_vals(t, PR_DT_INT64, "5", "0,1,2,3,4");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    tn_in_vals(t, PR_DT_INT64, "1", I64_MIN);
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    /* start -1+5 = 4; end INT64_MIN+5 clamped to -1; ceil((-1-4)/-1) = 5 */
    CHECK_STR(tn_out_shape(t, 0), "5");
    CHECK_STR(tn_out_vals(t, 0), "4,3,2,1,0");
    tn_free(t);
    t = tn_new("Slice", 13);                      /* x[1::2] */
    tn_in_vals(t, PR_DT_INT64, "10", "0,1,2,3,4,5,6,7,8,9");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    tn_in_vals(t, PR_DT_INT64, "1", I64_MAX);
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5");           /* end clamped to 10; ceil(9/2) = 5 */
    CHECK_STR(tn_out_vals(t, 0), "1,3,5,7,9");
    tn_free(t);
    t = tn_new("Slice", 13);                      /* x[8:1:-2] */
    tn_in_vals(t, PR_DT_INT64, "10", "0,1,2,3,4,5,6,7,8,9");
    tn_in_vals(t, PR_DT_INT64, "1", "8");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4");           /* ceil((1-8)/-2) = ceil(3.5) = 4 */
    CHECK_STR(tn_out_vals(t, 0), "8,6,4,2");
    tn_free(t);
    t = tn_new("Slice", 13);                      /* start past the end: empty */
    tn_in(t, PR_DT_FLOAT, "10");
    tn_in_vals(t, PR_DT_INT64, "1", "1000");
    tn_in_vals(t, PR_DT_INT64, "1", "1000");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "0");           /* both clamped to 10 */
    tn_free(t);
    t = tn_new("Slice", 13);                      /* start 20 with step -1 clamps to D-1 = 9 */
    tn_in(t, PR_DT_FLOAT, "10");
    tn_in_vals(t, PR_DT_INT64, "1", "20");
    tn_in_vals(t, PR_DT_INT64, "1", "5");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4");           /* 9,8,7,6 */
    tn_free(t);
}

static void slice_moves_values_of_a_matrix(void)
{
    struct tnode *t = tn_new("Slice", 13);        /* rows 1..2, columns 0 and 2 of 0..11 */
    tn_in_vals(t, PR_DT_INT64, "3x4", "0,1,2,3,4,5,6,7,8,9,10,11");
    tn_in_vals(t, PR_DT_INT64, "2", "1,0");
    tn_in_vals(t, PR_DT_INT64, "2", "3,4");
    tn_in_vals(t, PR_DT_INT64, "2", "0,1");
    tn_in_vals(t, PR_DT_INT64, "2", "1,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_STR(tn_out_vals(t, 0), "4,6,8,10");
    tn_free(t);
}

static void slice_unknown_bounds_give_unknown_extents(void)
{
    struct tnode *t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "20x10x5");
    tn_in(t, PR_DT_INT64, "1");
    tn_in_vals(t, PR_DT_INT64, "1", "5");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "20x?x5");      /* only axis 1 is sliced */
    tn_free(t);
    t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "20x10x5");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "5");
    tn_in(t, PR_DT_INT64, "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?");       /* which axis is not known */
    tn_free(t);
}

static void slice_rejects_bad_arguments(void)
{
    struct tnode *t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "10");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "5");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "steps[0] is 0");
    tn_free(t);
    t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "10x4");
    tn_in_vals(t, PR_DT_INT64, "2", "0,0");
    tn_in_vals(t, PR_DT_INT64, "2", "1,1");
    tn_in_vals(t, PR_DT_INT64, "2", "1,-1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "twice");                        /* -1 + 2 = 1 */
    tn_free(t);
    t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "10x4");
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "out of range");
    tn_free(t);
    t = tn_new("Slice", 13);
    tn_in(t, PR_DT_FLOAT, "10x4");
    tn_in_vals(t, PR_DT_INT64, "2", "0,0");
    tn_in_vals(t, PR_DT_INT64, "1", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "equal lengths");
    tn_free(t);
}

/* ---- Split ---- */

static void split_equal_parts_and_attribute_sizes(void)
{
    struct tnode *t = tn_new("Split", 11);
    tn_in(t, PR_DT_FLOAT, "6x4");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4");         /* 6 / 3 = 2 each */
    CHECK_STR(tn_out_shape(t, 2), "2x4");
    tn_free(t);
    t = tn_new("Split", 11);
    tn_in(t, PR_DT_FLOAT, "6x4");
    tn_attr_ints(t, "split", "1,2,3");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x4");
    CHECK_STR(tn_out_shape(t, 1), "2x4");
    CHECK_STR(tn_out_shape(t, 2), "3x4");
    tn_free(t);
}

static void split_input_from_opset13(void)
{
    struct tnode *t = tn_new("Split", 13);
    tn_in(t, PR_DT_FLOAT, "2x6");
    tn_in_vals(t, PR_DT_INT64, "2", "2,4");
    tn_attr_int(t, "axis", -1);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_STR(tn_out_shape(t, 1), "2x4");
    tn_free(t);
    t = tn_new("Split", 13);
    tn_in(t, PR_DT_FLOAT, "2x6");
    tn_attr_ints(t, "split", "3,3");
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);
    HAS_ERROR(t, "is an input since opset 13");
    tn_free(t);
}

static void split_opset18_num_outputs_makes_last_smaller(void)
{
    struct tnode *t = tn_new("Split", 18);
    tn_in(t, PR_DT_FLOAT, "2x8");
    tn_attr_int(t, "axis", 1);
    tn_attr_int(t, "num_outputs", 3);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");         /* ceil(8/3) = 3 */
    CHECK_STR(tn_out_shape(t, 1), "2x3");
    CHECK_STR(tn_out_shape(t, 2), "2x2");         /* 8 - 2*3 = 2 */
    tn_free(t);
    t = tn_new("Split", 18);
    tn_in(t, PR_DT_FLOAT, "5");
    tn_attr_int(t, "num_outputs", 4);
    CHECK_EQ(tn_run(t, 4), PR_RUN_ERROR);         /* ceil(5/4) = 2: 2,2,2 leave -1 */
    HAS_ERROR(t, "4 chunks of 2");
    tn_free(t);
    t = tn_new("Split", 18);
    tn_in(t, PR_DT_FLOAT, "6");
    tn_attr_int(t, "num_outputs", 3);
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);
    HAS_ERROR(t, "num_outputs is 3 but the node has 2 outputs");
    tn_free(t);
    t = tn_new("Split", 18);
    tn_in(t, PR_DT_FLOAT, "6");
    tn_in_vals(t, PR_DT_INT64, "2", "3,3");
    tn_attr_int(t, "num_outputs", 2);
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);
    HAS_ERROR(t, "not both");
    tn_free(t);
}

static void split_rejects_uneven_or_mismatched_sizes(void)
{
    struct tnode *t = tn_new("Split", 13);
    tn_in(t, PR_DT_FLOAT, "7");
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);         /* 7 % 2 = 1 */
    HAS_ERROR(t, "equal parts");
    tn_free(t);
    t = tn_new("Split", 13);
    tn_in(t, PR_DT_FLOAT, "7");
    tn_in_vals(t, PR_DT_INT64, "2", "3,3");
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);         /* 3+3 = 6 != 7 */
    HAS_ERROR(t, "sum to 6");
    tn_free(t);
    t = tn_new("Split", 13);
    tn_in(t, PR_DT_FLOAT, "7");
    tn_in_vals(t, PR_DT_INT64, "3", "3,3,1");
    CHECK_EQ(tn_run(t, 2), PR_RUN_ERROR);
    HAS_ERROR(t, "split has 3 values but the node has 2 outputs");
    tn_free(t);
}

static void split_moves_known_values(void)
{
    struct tnode *t = tn_new("Split", 13);        /* [[1,2,3],[4,5,6]] into columns 1 | 2 */
    tn_in_vals(t, PR_DT_INT64, "2x3", "1,2,3,4,5,6");
    tn_in_vals(t, PR_DT_INT64, "2", "1,2");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "1,4");
    CHECK_STR(tn_out_vals(t, 1), "2,3,5,6");
    tn_free(t);
}

/* ---- Tile ---- */

static void tile_multiplies_extents(void)
{
    struct tnode *t = tn_new("Tile", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x9");         /* 2*2, 3*3 */
    tn_free(t);
    t = tn_new("Tile", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "2", "0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "0x3");
    tn_free(t);
    t = tn_new("Tile", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_INT64, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?");
    tn_free(t);
    t = tn_new("Tile", 1);                        /* Tile-1: tiles, axis */
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "", "3");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x9");
    tn_free(t);
}

static void tile_repeats_known_values(void)
{
    struct tnode *t = tn_new("Tile", 13);
    tn_in_vals(t, PR_DT_INT64, "2x2", "1,2,3,4");
    tn_in_vals(t, PR_DT_INT64, "2", "1,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4");
    CHECK_STR(tn_out_vals(t, 0), "1,2,1,2,3,4,3,4");
    tn_free(t);
}

static void tile_rejects_bad_repeats(void)
{
    struct tnode *t = tn_new("Tile", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "1", "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "repeats has 1 values but the input has rank 2");
    tn_free(t);
    t = tn_new("Tile", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "2", "1,-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "negative");
    tn_free(t);
    t = tn_new("Tile", 13);                       /* 2^62 * 4 = 2^64 */
    tn_in(t, PR_DT_FLOAT, "4611686018427387904");
    tn_in_vals(t, PR_DT_INT64, "1", "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
    HAS_ERROR(t, "overflows");
    tn_free(t);
}

/* ---- Transpose ---- */

static void transpose_permutes_extents(void)
{
    struct tnode *t = tn_new("Transpose", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3x2");       /* default: reversed */
    tn_free(t);
    t = tn_new("Transpose", 13);
    tn_in_weight(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_ints(t, "perm", "0,2,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x3");
    CHECK_EQ(tn_cost(t)->weight_mask, 1);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void transpose_moves_known_values(void)
{
    struct tnode *t = tn_new("Transpose", 13);    /* [[1,2,3],[4,5,6]]^T */
    tn_in_vals(t, PR_DT_INT64, "2x3", "1,2,3,4,5,6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2");
    CHECK_STR(tn_out_vals(t, 0), "1,4,2,5,3,6");
    tn_free(t);
}

static void transpose_rejects_bad_perm(void)
{
    static const char *const perms[] = {"0,1", "0,0,1", "0,1,3", "0,-1,1"};
    for (unsigned i = 0; i < sizeof perms / sizeof perms[0]; i++) {
        struct tnode *t = tn_new("Transpose", 13);
        tn_in(t, PR_DT_FLOAT, "2x3x4");
        tn_attr_ints(t, "perm", perms[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_ERROR);
        CHECK(tn_error(t)[0] != 0);
        tn_free(t);
    }
}

/* ---- a PyTorch shape chain: x.view(x.size(0), -1) ---- */

static void shape_chain_ends_at_a_known_reshape(void)
{
    char vals[512], shape[64];
    /* Shape(x) of x: 2x3x4x4 */
    struct tnode *t = tn_new("Shape", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "2,3,4,4");
    snprintf(vals, sizeof vals, "%s", tn_out_vals(t, 0));
    snprintf(shape, sizeof shape, "%s", tn_out_shape(t, 0));
    tn_free(t);
    /* Gather(shape, 0) -> scalar 2 */
    t = tn_new("Gather", 13);
    tn_in_vals(t, PR_DT_INT64, shape, vals);
    tn_in_vals(t, PR_DT_INT64, "", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "2");
    snprintf(vals, sizeof vals, "%s", tn_out_vals(t, 0));
    snprintf(shape, sizeof shape, "%s", tn_out_shape(t, 0));
    tn_free(t);
    /* Unsqueeze(., axes=[0]) -> [2] */
    t = tn_new("Unsqueeze", 13);
    tn_in_vals(t, PR_DT_INT64, shape, vals);
    tn_in_vals(t, PR_DT_INT64, "1", "0");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1");
    snprintf(vals, sizeof vals, "%s", tn_out_vals(t, 0));
    snprintf(shape, sizeof shape, "%s", tn_out_shape(t, 0));
    tn_free(t);
    /* Concat(., [-1]) -> [2, -1] */
    t = tn_new("Concat", 13);
    tn_in_vals(t, PR_DT_INT64, shape, vals);
    tn_in_vals(t, PR_DT_INT64, "1", "-1");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_vals(t, 0), "2,-1");
    snprintf(vals, sizeof vals, "%s", tn_out_vals(t, 0));
    snprintf(shape, sizeof shape, "%s", tn_out_shape(t, 0));
    tn_free(t);
    /* Reshape(x, [2, -1]) -> 2 x (3*4*4 = 48) */
    t = tn_new("Reshape", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4x4");
    tn_in_vals(t, PR_DT_INT64, shape, vals);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x48");
    tn_free(t);
}


/* ---- DepthToSpace, SpaceToDepth, ReverseSequence ---- */

static void depth_to_space_and_back(void)
{
    /* 1x8x2x3, blocksize 2: C 8/4 = 2, H 2*2 = 4, W 3*2 = 6 */
    static const char *const modes[] = {"DCR", "CRD"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new("DepthToSpace", 13);
        tn_in(t, PR_DT_FLOAT, "1x8x2x3");
        tn_attr_int(t, "blocksize", 2);
        tn_attr_str(t, "mode", modes[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "1x2x4x6");
        CHECK_EQ(tn_cost(t)->flops, 0);
        tn_free(t);
    }
    /* 2x3x6x9, blocksize 3: C 3*9 = 27, H 6/3 = 2, W 9/3 = 3 */
    struct tnode *t = tn_new("SpaceToDepth", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x6x9");
    tn_attr_int(t, "blocksize", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x27x2x3");
    tn_free(t);
}

static void depth_space_errors(void)
{
    struct tnode *t = tn_new("DepthToSpace", 13);
    tn_in(t, PR_DT_FLOAT, "1x6x2x3");
    tn_attr_int(t, "blocksize", 2);
    CHECK(tn_fails_with(t, 1, "not divisible by blocksize^2 = 4"));
    tn_free(t);
    t = tn_new("DepthToSpace", 13);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    tn_attr_int(t, "blocksize", 2);
    tn_attr_str(t, "mode", "XYZ");
    CHECK(tn_fails_with(t, 1, "DCR or CRD"));
    tn_free(t);
    t = tn_new("DepthToSpace", 13);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    CHECK(tn_fails_with(t, 1, "'blocksize' is required"));
    tn_free(t);
    t = tn_new("SpaceToDepth", 13);
    tn_in(t, PR_DT_FLOAT, "1x8x2x3");
    tn_attr_int(t, "blocksize", 0);
    CHECK(tn_fails_with(t, 1, "blocksize is 0"));
    tn_free(t);
    t = tn_new("SpaceToDepth", 13);
    tn_in(t, PR_DT_FLOAT, "1x8x4x3");
    tn_attr_int(t, "blocksize", 2);
    CHECK(tn_fails_with(t, 1, "extent 3 of axis 3"));
    tn_free(t);
    t = tn_new("SpaceToDepth", 13);
    tn_in(t, PR_DT_FLOAT, "8x4x4");
    tn_attr_int(t, "blocksize", 2);
    CHECK(tn_fails_with(t, 1, "rank 4"));
    tn_free(t);
}

static void reverse_sequence_keeps_shape(void)
{
    struct tnode *t = tn_new("ReverseSequence", 10);
    tn_in(t, PR_DT_FLOAT, "4x3x5");
    tn_in_vals(t, PR_DT_INT64, "4", "1,2,3,3");
    tn_attr_int(t, "batch_axis", 0);
    tn_attr_int(t, "time_axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3x5");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("ReverseSequence", 10);
    tn_in(t, PR_DT_FLOAT, "4x3x5");
    tn_in_vals(t, PR_DT_INT64, "4", "1,2,3,4");
    tn_attr_int(t, "batch_axis", 0);
    tn_attr_int(t, "time_axis", 1);
    CHECK(tn_fails_with(t, 1, "sequence_lens[3] is 4"));
    tn_free(t);
    t = tn_new("ReverseSequence", 10);   /* default batch_axis 1: extent 3, not 4 */
    tn_in(t, PR_DT_FLOAT, "4x3x5");
    tn_in(t, PR_DT_INT64, "4");
    CHECK(tn_fails_with(t, 1, "batch extent 3"));
    tn_free(t);
    t = tn_new("ReverseSequence", 10);
    tn_in(t, PR_DT_FLOAT, "4x3x5");
    tn_in(t, PR_DT_INT64, "3");
    tn_attr_int(t, "time_axis", 1);
    CHECK(tn_fails_with(t, 1, "0 and 1"));
    tn_free(t);
}

/* com.microsoft.nchwc ReorderInput / ReorderOutput. Shapes as
 * onnxruntime-node 1.31 gives them (tests/ortopt_shapes.json): NHWC
 * 1x6x6x16 with channels_last -> 1x16x6x6; 1x16x6x6 with channels 10 ->
 * 1x10x6x6; 1x16x1x1 with channels 16, channels_last -> 1x1x1x16. */
static void nchwc_reorders_move_and_trim_channels(void)
{
    struct tnode *t = tn_new_domain("com.microsoft.nchwc", "ReorderInput", 1);
    tn_in(t, PR_DT_FLOAT, "1x6x6x16");
    tn_attr_int(t, "channels_last", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x6x6");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderInput", 1);
    tn_in(t, PR_DT_FLOAT, "2x24x3x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x24x3x5");
    tn_free(t);
    /* 12 channels: 16 with either block (8 or 16); 20: 24 with block 8,
     * 32 with 16, which the file does not say: unknown. (onnxruntime-node
     * 1.31 on an AVX-512 CPU, block 16, gives 1x16x4x4 and 1x32x4x4.) */
    t = tn_new_domain("com.microsoft.nchwc", "ReorderInput", 1);
    tn_in(t, PR_DT_FLOAT, "1x12x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x16x4x4");
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderInput", 1);
    tn_in(t, PR_DT_FLOAT, "1x20x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x?x4x4");
    tn_free(t);
    /* channels near INT64_MAX: rounding up to the block would overflow
     * (found by fuzz_mutate under UBSan) */
    t = tn_new_domain("com.microsoft.nchwc", "ReorderInput", 1);
    tn_in(t, PR_DT_FLOAT, "1x9223372036854775800x1x1");
    CHECK(tn_fails_with(t, 1, "9223372036854775800 channels; rounded up to the NCHWc block they overflow 64 bits"));
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderOutput", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x6x6");
    tn_attr_int(t, "channels", 10);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x10x6x6");
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderOutput", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x1x1");
    tn_attr_int(t, "channels", 16);
    tn_attr_int(t, "channels_last", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1x1x16");
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderOutput", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x6x6");
    CHECK(tn_fails_with(t, 1, "channels is 0; it must be given and > 0"));
    tn_free(t);
    t = tn_new_domain("com.microsoft.nchwc", "ReorderOutput", 1);
    tn_in(t, PR_DT_FLOAT, "1x16x6x6");
    tn_attr_int(t, "channels", 17);
    CHECK(tn_fails_with(t, 1, "channels 17 exceed the input's 16 blocked channels"));
    tn_free(t);
}

/* CenterCropPad (opset 18): the listed axes take the shape input's values. */
static void center_crop_pad_sets_the_listed_extents(void)
{
    struct tnode *t = tn_new("CenterCropPad", 18);
    tn_in(t, PR_DT_FLOAT, "10x7x3");
    tn_in_vals(t, PR_DT_INT64, "2", "6,9");
    tn_attr_ints(t, "axes", "0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "6x9x3");   /* onnxruntime-node 1.31 */
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = tn_new("CenterCropPad", 18);   /* every axis, values unknown */
    tn_in(t, PR_DT_FLOAT, "10x7");
    tn_in(t, PR_DT_INT64, "2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?");
    tn_free(t);
    t = tn_new("CenterCropPad", 18);
    tn_in(t, PR_DT_FLOAT, "10x7x3");
    tn_in_vals(t, PR_DT_INT64, "2", "6,9");
    CHECK(tn_fails_with(t, 1, "shape has 2 values but there are 3 axes"));
    tn_free(t);
    t = tn_new("CenterCropPad", 18);
    tn_in(t, PR_DT_FLOAT, "10x7");
    tn_in_vals(t, PR_DT_INT64, "2", "6,-1");
    CHECK(tn_fails_with(t, 1, "shape[1] is -1"));
    tn_free(t);
    t = tn_new("CenterCropPad", 18);
    tn_in(t, PR_DT_FLOAT, "10x7");
    tn_in_vals(t, PR_DT_INT64, "2", "6,1");
    tn_attr_ints(t, "axes", "1,-1");
    CHECK(tn_fails_with(t, 1, "listed twice"));
    tn_free(t);
}

void suite_layout(void)
{
    RUN(center_crop_pad_sets_the_listed_extents);
    RUN(concat_sums_extents_on_the_axis);
    RUN(concat_joins_known_values);
    RUN(concat_merges_unknown_extents);
    RUN(concat_counts_every_input_as_data);
    RUN(concat_rejects_mismatched_inputs);
    RUN(gather_replaces_axis_by_indices_shape);
    RUN(gather_wraps_negative_indices);
    RUN(gather_scalar_index_drops_the_axis);
    RUN(gather_counts_embedding_table_once);
    RUN(gather_rejects_out_of_range);
    RUN(pad_attribute_before_opset11);
    RUN(pad_input_from_opset11_may_crop);
    RUN(pad_opset18_axes_select_padded_axes);
    RUN(pad_unknown_pads_leave_unknown_extents);
    RUN(pad_rejects_bad_pads_and_modes);
    RUN(slice_attributes_before_opset10);
    RUN(slice_inputs_with_steps);
    RUN(slice_negative_steps_and_sentinels);
    RUN(slice_moves_values_of_a_matrix);
    RUN(slice_unknown_bounds_give_unknown_extents);
    RUN(slice_rejects_bad_arguments);
    RUN(split_equal_parts_and_attribute_sizes);
    RUN(split_input_from_opset13);
    RUN(split_opset18_num_outputs_makes_last_smaller);
    RUN(split_rejects_uneven_or_mismatched_sizes);
    RUN(split_moves_known_values);
    RUN(tile_multiplies_extents);
    RUN(tile_repeats_known_values);
    RUN(tile_rejects_bad_repeats);
    RUN(transpose_permutes_extents);
    RUN(nchwc_reorders_move_and_trim_channels);
    RUN(transpose_moves_known_values);
    RUN(transpose_rejects_bad_perm);
    RUN(shape_chain_ends_at_a_known_reshape);
    RUN(depth_to_space_and_back);
    RUN(depth_space_errors);
    RUN(reverse_sequence_keeps_shape);
}
