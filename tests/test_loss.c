/* test_loss.c -- NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss
 * (ops/loss.c). Expected counts are worked out from the formulas in the
 * comment beside each check: m = numel(target). */
#include "opcheck.h"
#include "test.h"

void suite_loss(void);

static void nll_none_keeps_target_shape_negate_and_weight(void)
{
    /* X 2x5x3x4, target 2x3x4, weight 5, reduction none: loss 2x3x4.
     * m = 24; per element negate + weight multiply = 2. */
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5x3x4");
    tn_in(t, PR_DT_INT64, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "5");
    tn_attr_str(t, "reduction", "none");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, (2 * 3 * 4) * 2);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);   /* class weights are not parameters */
    tn_free(t);
}

static void nll_mean_with_ignore_index_counts_the_kept_targets(void)
{
    /* X 3x4, target 3, ignore_index 1, mean (default): scalar.
     * m = 3: negate + ignore mask = 2 each; mean: m adds of the loss,
     * m adds counting the kept targets, 1 divide. */
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 12);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT32, "3");
    tn_attr_int(t, "ignore_index", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_out(t, 0)->shape.rank, 0);
    CHECK_EQ(tn_cost(t)->flops, 3 * 2 + 3 + 3 + 1);
    tn_free(t);
}

static void nll_mean_without_weights_divides_by_the_known_count(void)
{
    /* X 4x6, target 4: m = 4, negate 1 each; mean: 4 adds + 1 divide. */
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "4x6");
    tn_in(t, PR_DT_INT64, "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 4 + 4 + 1);
    tn_free(t);
}

static void nll_sum_with_weights_over_nd_targets(void)
{
    /* X 2x3x5, target 2x5, weight 3, sum: m = 10; 2 each + 10 adds. */
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x5");
    tn_in(t, PR_DT_INT64, "2x5");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_attr_str(t, "reduction", "sum");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_cost(t)->flops, 10 * 2 + 10);
    tn_free(t);
}

static void sce_none_with_log_prob_adds_log_softmax(void)
{
    /* scores 2x3x4 (C = 3), labels 2x4, none: loss 2x4, log_prob 2x3x4.
     * LogSoftmax: 5 * 24 + 8 rows; NLL: m = 8, negate 1 each. */
    struct tnode *t = tn_new("SoftmaxCrossEntropyLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in(t, PR_DT_INT64, "2x4");
    tn_attr_str(t, "reduction", "none");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4");
    CHECK_STR(tn_out_shape(t, 1), "2x3x4");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 5 * 24 + 8 + 8);
    tn_free(t);
}

static void sce_mean_with_weights(void)
{
    /* scores 2x3, labels 2, weights 3, mean: LogSoftmax 5*6 + 2;
     * NLL m = 2: 2 each (negate, weight) + 2 + 2 + 1. */
    struct tnode *t = tn_new("SoftmaxCrossEntropyLoss", 12);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_INT64, "2");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_cost(t)->flops, 5 * 6 + 2 + 2 * 2 + 2 + 2 + 1);
    tn_free(t);
}

static void loss_unknown_batch_propagates(void)
{
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "?x5x7");
    tn_in(t, PR_DT_INT64, "?x7");
    tn_attr_str(t, "reduction", "none");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x7");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void loss_malformed_nodes_are_errors(void)
{
    struct tnode *t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5x3");
    tn_in(t, PR_DT_INT64, "2x4");
    CHECK(tn_fails_with(t, 1, "must be the scores' shape"));
    tn_free(t);

    t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_in(t, PR_DT_INT64, "2");
    tn_attr_str(t, "reduction", "average");
    CHECK(tn_fails_with(t, 1, "none, sum or mean"));
    tn_free(t);

    t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_in(t, PR_DT_FLOAT, "2");
    CHECK(tn_fails_with(t, 1, "integer tensor"));
    tn_free(t);

    t = tn_new("SoftmaxCrossEntropyLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_in(t, PR_DT_INT64, "2");
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "one value per class (5)"));
    tn_free(t);

    t = tn_new("SoftmaxCrossEntropyLoss", 13);
    tn_in(t, PR_DT_FLOAT, "5");
    tn_in(t, PR_DT_INT64, "");
    CHECK(tn_fails_with(t, 1, "rank >= 2"));
    tn_free(t);

    t = tn_new("NegativeLogLikelihoodLoss", 13);
    tn_in(t, PR_DT_FLOAT, "2x5");
    tn_in(t, PR_DT_INT64, "2");
    CHECK(tn_fails_with(t, 2, "at most 1 output"));
    tn_free(t);
}

void suite_loss(void)
{
    RUN(nll_none_keeps_target_shape_negate_and_weight);
    RUN(nll_mean_with_ignore_index_counts_the_kept_targets);
    RUN(nll_mean_without_weights_divides_by_the_known_count);
    RUN(nll_sum_with_weights_over_nd_targets);
    RUN(sce_none_with_log_prob_adds_log_softmax);
    RUN(sce_mean_with_weights);
    RUN(loss_unknown_batch_propagates);
    RUN(loss_malformed_nodes_are_errors);
}
