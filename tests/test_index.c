/* test_index.c -- GatherElements, GatherND, Scatter, ScatterElements,
 * ScatterND and OneHot (ops/index.c): shapes, counts, errors. */
#include "opcheck.h"
#include "test.h"

void suite_index(void);

static void gather_elements_takes_indices_shape(void)
{
    struct tnode *t = tn_new("GatherElements", 13);
    tn_in_weight(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT64, "3x7");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 0);
    CHECK_EQ(tn_cost(t)->weight_mask, 1);   /* the data, not the indices */
    tn_free(t);
}

static void gather_elements_errors(void)
{
    struct tnode *t = tn_new("GatherElements", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT64, "3");
    CHECK(tn_fails_with(t, 1, "indices has rank 1 but data has rank 2"));
    tn_free(t);
    t = tn_new("GatherElements", 13);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT64, "3x4");
    tn_attr_int(t, "axis", -3);
    CHECK(tn_fails_with(t, 1, "axis -3 is out of range"));
    tn_free(t);
    t = tn_new("GatherElements", 13);   /* axis 0 has extent 3: 3 is out, -3 in */
    tn_in(t, PR_DT_FLOAT, "3x2");
    tn_in_vals(t, PR_DT_INT64, "1x2", "-3,3");
    CHECK(tn_fails_with(t, 1, "index 3"));
    tn_free(t);
}

static void gather_nd_shapes_with_and_without_batch_dims(void)
{
    /* data 2x3x4x5, indices 6x2: m = 2 -> (6) + (4, 5) */
    struct tnode *t = tn_new("GatherND", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4x5");
    tn_in(t, PR_DT_INT64, "6x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "6x4x5");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    /* batch_dims 1: data 2x3x4, indices 2x5x1 -> (2, 5) + d[1+1:] = (4) */
    t = tn_new("GatherND", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_INT64, "2x5x1");
    tn_attr_int(t, "batch_dims", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x4");
    tn_free(t);
    /* m = r: a scalar per index tuple */
    t = tn_new("GatherND", 11);
    tn_in(t, PR_DT_INT32, "2x2");
    tn_in(t, PR_DT_INT64, "3x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    tn_free(t);
}

static void gather_nd_errors(void)
{
    struct tnode *t = tn_new("GatherND", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_INT64, "4x3");
    CHECK(tn_fails_with(t, 1, "last extent of indices is 3"));
    tn_free(t);
    t = tn_new("GatherND", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_INT64, "3x5x1");
    tn_attr_int(t, "batch_dims", 1);
    CHECK(tn_fails_with(t, 1, "batch dim 0"));
    tn_free(t);
    t = tn_new("GatherND", 13);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_INT64, "2x1");
    tn_attr_int(t, "batch_dims", 2);
    CHECK(tn_fails_with(t, 1, "batch_dims is 2"));
    tn_free(t);
    t = tn_new("GatherND", 13);   /* tuple (1, 3): 3 is past extent 3 of axis 1 */
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "1x2", "1,3");
    CHECK(tn_fails_with(t, 1, "index 3"));
    tn_free(t);
}

static void scatter_elements_counts_reductions(void)
{
    /* updates 2x3: reduction add -> 6 FLOPs; none -> 0 */
    static const char *const red[] = {"none", "add", "mul"};
    for (int i = 0; i < 3; i++) {
        struct tnode *t = tn_new("ScatterElements", 16);
        tn_in(t, PR_DT_FLOAT, "4x3");
        tn_in(t, PR_DT_INT64, "2x3");
        tn_in(t, PR_DT_FLOAT, "2x3");
        tn_attr_str(t, "reduction", red[i]);
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "4x3");
        CHECK_EQ(tn_cost(t)->flops, i == 0 ? 0 : 2 * 3);
        tn_free(t);
    }
    struct tnode *t = tn_new("ScatterElements", 16);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_str(t, "reduction", "max");
    CHECK(tn_fails_with(t, 1, "opset 18"));
    tn_free(t);
    t = tn_new("ScatterElements", 18);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_str(t, "reduction", "max");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 2 * 3);
    tn_free(t);
}

static void scatter_elements_and_scatter_errors(void)
{
    struct tnode *t = tn_new("ScatterElements", 13);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x2");
    CHECK(tn_fails_with(t, 1, "updates has shape 2x2"));
    tn_free(t);
    t = tn_new("Scatter", 10);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", 2);
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
    t = tn_new("Scatter", 10);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in_vals(t, PR_DT_INT64, "1x2", "0,-5");
    tn_in(t, PR_DT_FLOAT, "1x2");
    CHECK(tn_fails_with(t, 1, "index -5"));
    tn_free(t);
    t = tn_new("Scatter", 10);
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_INT64, "1x2");
    tn_in(t, PR_DT_FLOAT, "1x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void scatter_nd_checks_updates_shape(void)
{
    /* data 4x5x6, indices 3x1: updates = (3) + d[1:] = 3x5x6 */
    struct tnode *t = tn_new("ScatterND", 16);
    tn_in(t, PR_DT_FLOAT, "4x5x6");
    tn_in(t, PR_DT_INT64, "3x1");
    tn_in(t, PR_DT_FLOAT, "3x5x6");
    tn_attr_str(t, "reduction", "mul");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x5x6");
    CHECK_EQ(tn_cost(t)->flops, 3 * 5 * 6);
    tn_free(t);
    t = tn_new("ScatterND", 13);
    tn_in(t, PR_DT_FLOAT, "4x5x6");
    tn_in(t, PR_DT_INT64, "3x2");
    tn_in(t, PR_DT_FLOAT, "3x5x6");
    CHECK(tn_fails_with(t, 1, "updates has shape 3x5x6"));
    tn_free(t);
    t = tn_new("ScatterND", 13);
    tn_in(t, PR_DT_FLOAT, "4x5");
    tn_in(t, PR_DT_INT64, "3x3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "last extent of indices is 3"));
    tn_free(t);
}

static void onehot_inserts_depth_at_axis(void)
{
    /* indices 2x3, depth 10: axis -1 -> 2x3x10; axis 0 -> 10x2x3;
     * FLOPs one compare-select per output element = 60 */
    struct tnode *t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in_vals(t, PR_DT_INT64, "", "10");
    tn_in_vals(t, PR_DT_FLOAT, "2", "0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x10");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 2 * 3 * 10);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "2x3");
    tn_in_vals(t, PR_DT_FLOAT, "1", "4");
    tn_in_vals(t, PR_DT_INT32, "2", "0,1");
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    tn_free(t);
}

static void onehot_unknown_depth_is_a_data_dim(void)
{
    struct tnode *t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "5");
    tn_in(t, PR_DT_INT64, "");
    tn_in_vals(t, PR_DT_FLOAT, "2", "0,1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x?");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void onehot_errors(void)
{
    struct tnode *t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "5");
    tn_in_vals(t, PR_DT_INT64, "", "-3");
    tn_in_vals(t, PR_DT_FLOAT, "2", "0,1");
    CHECK(tn_fails_with(t, 1, "depth is -3"));
    tn_free(t);
    t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "5");
    tn_in_vals(t, PR_DT_INT64, "", "3");
    tn_in_vals(t, PR_DT_FLOAT, "3", "0,1,2");
    CHECK(tn_fails_with(t, 1, "2 elements"));
    tn_free(t);
    t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "5");
    tn_in_vals(t, PR_DT_INT64, "", "3");
    tn_in_vals(t, PR_DT_FLOAT, "2", "0,1");
    tn_attr_int(t, "axis", 2);
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
    t = tn_new("OneHot", 11);
    tn_in(t, PR_DT_INT64, "5");
    tn_in_vals(t, PR_DT_INT64, "2", "3,4");
    tn_in_vals(t, PR_DT_FLOAT, "2", "0,1");
    CHECK(tn_fails_with(t, 1, "one element"));
    tn_free(t);
}

/* TensorScatter (opset 24): the cache's shape; an in-place update that
 * writes the update's rows and reads none of the past's. */
static void tensor_scatter_updates_the_cache_in_place(void)
{
    struct tnode *t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT16, "2x3x16x8");
    tn_in(t, PR_DT_FLOAT16, "2x3x4x8");
    tn_in(t, PR_DT_INT64, "2");
    tn_attr_str(t, "mode", "circular");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x16x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    const struct pr_cost *k = tn_cost(t);
    CHECK_EQ(k->flops, 0);
    CHECK_EQ(k->inplace.in[0], 1);
    CHECK_EQ(k->inplace.out[0], 1);
    CHECK_EQ(k->inplace.in_rows, 16);
    CHECK_EQ(k->inplace.read, 0);
    CHECK_EQ(k->inplace.written, 4);
    CHECK_EQ(k->weight_mask & 4, 0);
    tn_free(t);
    t = tn_new("TensorScatter", 24);   /* axis 1 of a rank-3 cache */
    tn_in(t, PR_DT_FLOAT, "2x16x3");
    tn_in(t, PR_DT_FLOAT, "2x4x3");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->inplace.written, 4);
    tn_free(t);
}

static void tensor_scatter_refuses_updates_that_do_not_fit(void)
{
    struct tnode *t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT, "2x3x4x8");
    tn_in(t, PR_DT_FLOAT, "2x3x5x8");
    CHECK(tn_fails_with(t, 1, "axis 2 (the sequence) is longer than the cache"));
    tn_free(t);
    t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT, "2x3x4x8");
    tn_in(t, PR_DT_FLOAT, "2x2x1x8");
    CHECK(tn_fails_with(t, 1, "axis 1 differs"));
    tn_free(t);
    t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT, "2x3x4x8");
    tn_in(t, PR_DT_FLOAT, "2x3x1x8");
    tn_attr_int(t, "axis", 0);
    CHECK(tn_fails_with(t, 1, "is the batch axis"));
    tn_free(t);
    t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT, "2x3x4x8");
    tn_in(t, PR_DT_FLOAT, "2x3x1x8");
    tn_attr_str(t, "mode", "ring");
    CHECK(tn_fails_with(t, 1, "mode is 'ring'"));
    tn_free(t);
    t = tn_new("TensorScatter", 24);
    tn_in(t, PR_DT_FLOAT, "2x3x4x8");
    tn_in(t, PR_DT_FLOAT, "2x3x1x8");
    tn_in(t, PR_DT_INT64, "3");
    CHECK(tn_fails_with(t, 1, "write_indices has shape 3"));
    tn_free(t);
}

void suite_index(void)
{
    RUN(tensor_scatter_updates_the_cache_in_place);
    RUN(tensor_scatter_refuses_updates_that_do_not_fit);
    RUN(gather_elements_takes_indices_shape);
    RUN(gather_elements_errors);
    RUN(gather_nd_shapes_with_and_without_batch_dims);
    RUN(gather_nd_errors);
    RUN(scatter_elements_counts_reductions);
    RUN(scatter_elements_and_scatter_errors);
    RUN(scatter_nd_checks_updates_shape);
    RUN(onehot_inserts_depth_at_axis);
    RUN(onehot_unknown_depth_is_a_data_dim);
    RUN(onehot_errors);
}
