/* test_random.c -- RandomNormal, RandomUniform, their *Like forms,
 * Bernoulli and Multinomial (ops/random.c): shapes, types, counts. */
#include "opcheck.h"
#include "test.h"

void suite_random(void);

static void random_from_shape_attribute(void)
{
    /* mean + scale * z: 2 FLOPs per element of 2x3x4 */
    struct tnode *t = tn_new("RandomNormal", 1);
    tn_attr_ints(t, "shape", "2,3,4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 2 * 2 * 3 * 4);
    tn_free(t);
    t = tn_new("RandomUniform", 1);
    tn_attr_ints(t, "shape", "5");
    tn_attr_int(t, "dtype", PR_DT_DOUBLE);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->flops, 2 * 5);
    tn_free(t);
}

static void random_errors(void)
{
    struct tnode *t = tn_new("RandomUniform", 1);
    CHECK(tn_fails_with(t, 1, "'shape' is required"));
    tn_free(t);
    t = tn_new("RandomNormal", 1);
    tn_attr_ints(t, "shape", "2,-1");
    CHECK(tn_fails_with(t, 1, "negative extent"));
    tn_free(t);
    t = tn_new("RandomNormal", 1);
    tn_attr_ints(t, "shape", "2");
    tn_attr_int(t, "dtype", 99);
    CHECK(tn_fails_with(t, 1, "dtype is 99"));
    tn_free(t);
}

static void like_forms_and_bernoulli_follow_the_input(void)
{
    struct tnode *t = tn_new("RandomUniformLike", 1);
    tn_in(t, PR_DT_DOUBLE, "3x7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->flops, 2 * 3 * 7);
    tn_free(t);
    t = tn_new("RandomNormalLike", 1);
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_attr_int(t, "dtype", PR_DT_FLOAT16);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    /* Bernoulli: one compare u < p per element */
    t = tn_new("Bernoulli", 15);
    tn_in(t, PR_DT_FLOAT, "10x2");
    tn_attr_int(t, "dtype", PR_DT_BOOL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "10x2");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    CHECK_EQ(tn_cost(t)->flops, 10 * 2);
    tn_free(t);
}

static void multinomial_samples_per_row(void)
{
    /* batch 3, classes 5, 4 samples: 3 * 5 * (2 + 4) = 90 */
    struct tnode *t = tn_new("Multinomial", 7);
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_attr_int(t, "sample_size", 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_EQ(tn_cost(t)->flops, 3 * 5 * (2 + 4));
    tn_free(t);
    t = tn_new("Multinomial", 7);
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_attr_int(t, "dtype", PR_DT_FLOAT);
    CHECK(tn_fails_with(t, 1, "int32 or int64"));
    tn_free(t);
    t = tn_new("Multinomial", 7);
    tn_in(t, PR_DT_FLOAT, "3x5");
    tn_attr_int(t, "sample_size", 0);
    CHECK(tn_fails_with(t, 1, "sample_size is 0"));
    tn_free(t);
    t = tn_new("Multinomial", 7);
    tn_in(t, PR_DT_FLOAT, "15");
    CHECK(tn_fails_with(t, 1, "2-D"));
    tn_free(t);
}

void suite_random(void)
{
    RUN(random_from_shape_attribute);
    RUN(random_errors);
    RUN(like_forms_and_bernoulli_follow_the_input);
    RUN(multinomial_samples_per_row);
}
