/* test_optable.c -- the facts every row of ops/ops.def states as data:
 * its kernel class (what the energy models price) and its FLOPs per output
 * element. A row that lacks one, or whose data disagrees with the formula
 * it prints (`priori ops`), fails here. */
#include <stdlib.h>
#include <string.h>

#include "families.h"
#include "test.h"

void suite_optable(void);

/* The cost functions whose FLOPs are the row's flops_per_elem x numel(Y)
 * for every row they serve (with the exceptions written in the code:
 * Gelu "tanh", FastGelu's bias, Normalizer, Multinomial). */
static bool per_element_cost(const struct pr_op *op)
{
    const pr_cost_fn fns[] = {act_cost, biasact_cost, unary_cost, binary_cost, where_cost, legacy_cost,
                              window_fn_cost, mel_cost, matrix_cost, onehot_cost, qconcat_cost,
                              ml_elementwise_cost, random_cost};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (op->cost == fns[i])
            return strcmp(op->name, "Normalizer") != 0 && strcmp(op->name, "Multinomial") != 0;
    return false;
}

/* "0" -> 0, "numel(Y)" -> 1, "K*numel(Y)" -> K; -1 for any other formula. */
static int formula_per_element(const char *f)
{
    if (strcmp(f, "0") == 0)
        return 0;
    if (strcmp(f, "numel(Y)") == 0)
        return 1;
    char *end;
    long k = strtol(f, &end, 10);
    return end != f && strcmp(end, "*numel(Y)") == 0 ? (int)k : -1;
}

static void every_row_states_its_kernel_class(void)
{
    for (int i = 0; i < PR_OP_COUNT; i++) {
        const struct pr_op *op = &pr_op_table[i];
        test_name = op->name;
        int kc = op->kernel;
        /* a class of its own; grouped/depthwise are refinements of a conv node */
        CHECK(kc == PR_KERNEL_GEMM || kc == PR_KERNEL_CONV || kc == PR_KERNEL_ATTENTION ||
              kc == PR_KERNEL_ELTWISE || kc == PR_KERNEL_VIEW);
        /* an operator without MACs is not priced as a product, and the reverse */
        bool no_macs = strcmp(op->macs, "0") == 0;
        CHECK(no_macs == (kc == PR_KERNEL_ELTWISE || kc == PR_KERNEL_VIEW));
        /* a view computes nothing */
        if (kc == PR_KERNEL_VIEW)
            CHECK_EQ(op->flops_per_elem, 0);
    }
    test_name = "every_row_states_its_kernel_class";
}

static void flops_per_element_agree_with_the_printed_formula(void)
{
    int used = 0;
    for (int i = 0; i < PR_OP_COUNT; i++) {
        const struct pr_op *op = &pr_op_table[i];
        test_name = op->name;
        int f = formula_per_element(op->flops);
        if (f >= 0)
            CHECK_EQ(op->flops_per_elem, f);
        if (per_element_cost(op)) {
            CHECK(op->flops_per_elem >= 0);
            used++;
        }
    }
    test_name = "flops_per_element_agree_with_the_printed_formula";
    CHECK(used >= 90);   /* the activations, elementwise and legacy rows at least */
    /* numbers of the activation family's top comment, one of each */
    CHECK_EQ(pr_op_table[PR_OP_RELU].flops_per_elem, 1);
    CHECK_EQ(pr_op_table[PR_OP_SIGMOID].flops_per_elem, 4);
    CHECK_EQ(pr_op_table[PR_OP_HARD_SWISH].flops_per_elem, 5);
    CHECK_EQ(pr_op_table[PR_OP_CELU].flops_per_elem, 7);
    CHECK_EQ(pr_op_table[PR_OP_QUICK_GELU].flops_per_elem, 6);
}

static void a_row_without_flops_per_element_is_an_error_not_a_guess(void)
{
    char err[512] = "";
    struct pr_tensor y = {.shape = {.rank = 2, .dim = {3, 4}}, .dtype = 1};
    struct pr_op_ctx c = {.op_id = PR_OP_CONV, .nout = 1, .err = err};
    c.out[0] = &y;
    CHECK_EQ(pr_elementwise_flops(&c), 0);
    CHECK(c.failed);
    CHECK(strstr(err, "Conv has no FLOPs per element") != NULL);
    struct pr_op_ctx s = {.op_id = PR_OP_SIGMOID, .nout = 1, .err = err};
    s.out[0] = &y;
    CHECK_EQ(pr_elementwise_flops(&s), 4 * 12);
    CHECK(!s.failed);
}

void suite_optable(void)
{
    RUN(every_row_states_its_kernel_class);
    RUN(flops_per_element_agree_with_the_printed_formula);
    RUN(a_row_without_flops_per_element_is_an_error_not_a_guess);
}
