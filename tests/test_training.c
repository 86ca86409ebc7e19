/* test_training.c -- Momentum, Adagrad, Adam and Gradient
 * (ops/training.c, domain ai.onnx.preview.training). FLOPs per element of
 * the optimized tensors: Momentum 7 (standard) / 9 (nesterov), Adagrad 9,
 * Adam 15. */
#include "opcheck.h"
#include "test.h"

void suite_training(void);

#define TRAINING "ai.onnx.preview.training"

static struct tnode *optimizer(const char *op, const char *const *shapes, int n_tensors)
{
    struct tnode *t = tn_new_domain(TRAINING, op, 1);
    tn_in(t, PR_DT_FLOAT, "");   /* R */
    tn_in(t, PR_DT_INT64, "");   /* T */
    for (int i = 0; i < n_tensors; i++)
        tn_in_weight(t, PR_DT_FLOAT, shapes[i]);
    return t;
}

static void momentum_standard_and_nesterov(void)
{
    /* X, G, V of 3x4: outputs X_new, V_new; 12 elements. Only X is a
     * parameter (bit 2). */
    static const char *const s[] = {"3x4", "3x4", "3x4"};
    struct tnode *t = optimizer("Momentum", s, 3);
    tn_attr_float(t, "alpha", 0.9);
    tn_attr_float(t, "beta", 0.1);
    tn_attr_str(t, "mode", "standard");
    tn_attr_float(t, "norm_coefficient", 0.001);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_STR(tn_out_shape(t, 1), "3x4");
    CHECK_EQ(tn_cost(t)->flops, 7 * 12);
    CHECK_EQ(tn_cost(t)->weight_mask, 1u << 2);
    tn_free(t);

    t = optimizer("Momentum", s, 3);
    tn_attr_float(t, "alpha", 0.9);
    tn_attr_float(t, "beta", 1);
    tn_attr_str(t, "mode", "nesterov");
    tn_attr_float(t, "norm_coefficient", 0.01);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 9 * 12);
    tn_free(t);
}

static void adagrad_two_tensors(void)
{
    /* X1 [1], X2 [2], G1, G2, H1, H2 -> X1_new, X2_new, H1_new, H2_new;
     * 3 elements, 9 each. */
    static const char *const s[] = {"1", "2", "1", "2", "1", "2"};
    struct tnode *t = optimizer("Adagrad", s, 6);
    tn_attr_float(t, "decay_factor", 0.1);
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1");
    CHECK_STR(tn_out_shape(t, 1), "2");
    CHECK_STR(tn_out_shape(t, 2), "1");
    CHECK_STR(tn_out_shape(t, 3), "2");
    CHECK_EQ(tn_cost(t)->flops, 9 * 3);
    CHECK_EQ(tn_cost(t)->weight_mask, (1u << 2) | (1u << 3));
    tn_free(t);
}

static void adam_outputs_mirror_x_v_and_h(void)
{
    /* X1 2x2, X2 3; G, V, H alike (V typed double to see the mirroring):
     * outputs X1, X2, V1, V2, H1, H2; 7 elements, 15 each. */
    struct tnode *t = tn_new_domain(TRAINING, "Adam", 1);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_INT64, "");
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in(t, PR_DT_FLOAT, "3");
    tn_in(t, PR_DT_DOUBLE, "2x2");
    tn_in(t, PR_DT_DOUBLE, "3");
    tn_in(t, PR_DT_FLOAT, "2x2");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK_EQ(tn_run(t, 6), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x2");
    CHECK_STR(tn_out_shape(t, 1), "3");
    CHECK_STR(tn_out_shape(t, 3), "3");
    CHECK_EQ(tn_out(t, 2)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_out(t, 4)->dtype, PR_DT_FLOAT);
    CHECK_STR(tn_out_shape(t, 4), "2x2");
    CHECK_EQ(tn_cost(t)->flops, 15 * (4 + 3));
    tn_free(t);

    /* Trailing outputs may be left out. */
    static const char *const s[] = {"5", "5", "5", "5"};
    t = optimizer("Adam", s, 4);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5");
    tn_free(t);
}

static void gradient_outputs_shaped_like_xs_cost_nothing(void)
{
    struct tnode *t = tn_new_domain(TRAINING, "Gradient", 1);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_attr_strs(t, "xs", "a,b");
    tn_attr_str(t, "y", "d");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_STR(tn_out_shape(t, 1), "4");
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
}

static void training_malformed_nodes_are_errors(void)
{
    static const char *const s[] = {"3", "3", "3", "3"};
    struct tnode *t = optimizer("Momentum", s, 4);
    CHECK(tn_fails_with(t, 2, "3 tensors per optimized tensor"));
    tn_free(t);

    t = optimizer("Momentum", s, 3);
    tn_attr_float(t, "alpha", 0.9);
    tn_attr_float(t, "beta", 0.1);
    tn_attr_float(t, "norm_coefficient", 0.01);
    CHECK(tn_fails_with(t, 2, "needs the attribute 'mode'"));
    tn_free(t);

    t = optimizer("Momentum", s, 3);
    tn_attr_float(t, "alpha", 0.9);
    tn_attr_float(t, "beta", 0.1);
    tn_attr_float(t, "norm_coefficient", 0.01);
    tn_attr_str(t, "mode", "adaptive");
    CHECK(tn_fails_with(t, 2, "standard or nesterov"));
    tn_free(t);

    static const char *const bad[] = {"3", "4", "3"};
    t = optimizer("Adagrad", bad, 3);
    CHECK(tn_fails_with(t, 2, "must have the shape of X1"));
    tn_free(t);

    t = optimizer("Adagrad", s, 3);
    CHECK(tn_fails_with(t, 3, "at most 2 outputs"));
    tn_free(t);

    t = tn_new_domain(TRAINING, "Adam", 1);
    tn_in(t, PR_DT_FLOAT, "4");
    tn_in(t, PR_DT_INT64, "");
    for (int i = 0; i < 4; i++)
        tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 3, "R (input 0) must be a scalar"));
    tn_free(t);

    t = tn_new_domain(TRAINING, "Gradient", 1);
    tn_in(t, PR_DT_FLOAT, "2");
    CHECK(tn_fails_with(t, 1, "needs the attributes xs and y"));
    tn_free(t);

    t = tn_new_domain(TRAINING, "Gradient", 1);
    tn_in(t, PR_DT_FLOAT, "2");
    tn_attr_strs(t, "xs", "a");
    tn_attr_str(t, "y", "d");
    CHECK(tn_fails_with(t, 2, "2 outputs and 1 inputs"));
    tn_free(t);
}

void suite_training(void)
{
    RUN(momentum_standard_and_nesterov);
    RUN(adagrad_two_tensors);
    RUN(adam_outputs_mirror_x_v_and_h);
    RUN(gradient_outputs_shaped_like_xs_cost_nothing);
    RUN(training_malformed_nodes_are_errors);
}
