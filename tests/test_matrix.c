/* test_matrix.c -- Einsum, Trilu, CumSum (ops/matrix.c): equation
 * parsing (explicit and implicit outputs, ellipsis, diagonals, broadcasting),
 * the counting rule, malformed equations. */
#include "opcheck.h"
#include "test.h"

void suite_matrix(void);

/* Runs Einsum on inputs of the given shapes ("" ends the list). */
static struct tnode *einsum(const char *eq, const char *s0, const char *s1, const char *s2)
{
    struct tnode *t = tn_new("Einsum", 12);
    const char *s[] = {s0, s1, s2};
    for (int i = 0; i < 3 && s[i]; i++)
        tn_in(t, PR_DT_FLOAT, s[i]);
    tn_attr_str(t, "equation", eq);
    return t;
}

static void einsum_batched_matmul_counts_like_matmul(void)
{
    /* b=3, i=4, j=5, k=6: every point of the b,i,j,k space is one MAC. */
    struct tnode *t = einsum("bij,bjk->bik", "3x4x5", "3x5x6", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x6");
    CHECK_EQ(tn_cost(t)->macs, 3 * 4 * 5 * 6);
    CHECK_EQ(tn_cost(t)->flops, 2 * 3 * 4 * 5 * 6);
    tn_free(t);
}

static void einsum_spaces_are_ignored(void)
{
    struct tnode *t = einsum("bij, bjk -> bik", "3x4x5", "3x5x6", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x6");
    tn_free(t);
}

static void einsum_attention_scores(void)
{
    /* bhqd,bhkd->bhqk: b2 h8 q10 k12 d64: MACs = 2*8*10*12*64. */
    struct tnode *t = einsum("bhqd,bhkd->bhqk", "2x8x10x64", "2x8x12x64", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x10x12");
    CHECK_EQ(tn_cost(t)->macs, 2 * 8 * 10 * 12 * 64);
    tn_free(t);
}

static void einsum_ellipsis_broadcasts_batch_axes(void)
{
    /* ...ij,...jk: E = broadcast(2x1, 3) = 2x3; i 4, j 5, k 6:
     * Y 2x3x4x6 (explicit), MACs = 2*3*4*5*6. */
    struct tnode *t = einsum("...ij,...jk->...ik", "2x1x4x5", "3x5x6", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x6");
    CHECK_EQ(tn_cost(t)->macs, 2 * 3 * 4 * 5 * 6);
    tn_free(t);
    /* implicit output: E first, then the letters used once (i, k) */
    t = einsum("...ij,...jk", "2x1x4x5", "3x5x6", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4x6");
    tn_free(t);
}

static void einsum_diagonal_and_trace_cost_adds_only(void)
{
    /* ii->i: one input, a diagonal: no MACs, P = 7 = numel(Y): 0 FLOPs. */
    struct tnode *t = einsum("ii->i", "7x7", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7");
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    /* ii (implicit): i appears twice, so the output is a scalar: the trace,
     * 7 - 1 = 6 adds. */
    t = einsum("ii", "7x7", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");   /* a scalar */
    CHECK_EQ(tn_cost(t)->flops, 6);
    tn_free(t);
    /* ...ii->...i on 3x5x5: batch diagonal, 3x5 */
    t = einsum("...ii ->...i", "3x5x5", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x5");
    tn_free(t);
}

static void einsum_transpose_and_sum_rule(void)
{
    /* ij->ji: a transpose, 0 FLOPs; ij->i: sums j, i*(j-1) adds. */
    struct tnode *t = einsum("ij->ji", "3x4", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x3");
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = einsum("ij->i", "3x4", NULL, NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_cost(t)->flops, 3 * 4 - 3);
    tn_free(t);
}

static void einsum_inner_product_and_three_operands(void)
{
    /* i,i: implicit scalar, MACs 5. */
    struct tnode *t = einsum("i,i", "5", "5", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");   /* a scalar */
    CHECK_EQ(tn_cost(t)->macs, 5);
    tn_free(t);
    /* ij,jk,kl->il with i2 j3 k4 l5: (3-1) multiplies per point of the
     * 2*3*4*5 space. */
    t = einsum("ij,jk,kl->il", "2x3", "3x4", "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5");
    CHECK_EQ(tn_cost(t)->macs, 2 * (2 * 3 * 4 * 5));
    tn_free(t);
}

static void einsum_implicit_output_sorts_letters(void)
{
    /* ba,cb: once-used letters a and c, alphabetical: Y = a x c = 3x4 */
    struct tnode *t = einsum("ba,cb", "2x3", "4x2", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    tn_free(t);
}

static void einsum_malformed_equations_are_errors(void)
{
    static const struct { const char *eq, *s0, *s1, *msg; } cases[] = {
        {"ij,jk->ik", "3x4", NULL, "more terms than the node has inputs"},
        {"ij->ik", "3x4", NULL, "appears in no input term"},
        {"ij->ii", "3x4", NULL, "appears twice"},
        {"ijk->i", "3x4", NULL, "names 3 axes but input 0 has rank 2"},
        {"ij,jk->ik", "3x4", "5x6", "index 'j'"},
        {"i1->i", "3x4", NULL, "character '1'"},
        {"..i.->i", "3x4", NULL, "ellipsis"},
        {"ij->...i", "3x4", NULL, "no input term has"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tnode *t = einsum(cases[i].eq, cases[i].s0, cases[i].s1, NULL);
        CHECK(tn_fails_with(t, 1, cases[i].msg));
        tn_free(t);
    }
    struct tnode *t = tn_new("Einsum", 12);
    tn_in(t, PR_DT_FLOAT, "3x4");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'equation'"));
    tn_free(t);
    t = einsum("ij", "3x4", "4x5", NULL);
    CHECK(tn_fails_with(t, 1, "1 term but the node has 2 inputs"));
    tn_free(t);
}

static void einsum_unknown_extent_is_incomplete(void)
{
    struct tnode *t = einsum("ij,jk->ik", "?x4", "4x6", NULL);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x6");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void trilu_keeps_shape_and_counts_one_compare(void)
{
    /* 2x3x4 with k = 1 (an int64 scalar hyper-parameter): 24 compares. */
    struct tnode *t = tn_new("Trilu", 14);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    tn_attr_int(t, "upper", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x4");
    CHECK_EQ(tn_cost(t)->flops, 24);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
    t = tn_new("Trilu", 14);
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "rank >= 2"));
    tn_free(t);
    t = tn_new("Trilu", 14);
    tn_in(t, PR_DT_FLOAT, "4x4");
    tn_in(t, PR_DT_INT64, "2");
    CHECK(tn_fails_with(t, 1, "k must be a scalar"));
    tn_free(t);
}

static void cumsum_counts_one_add_per_element(void)
{
    struct tnode *t = tn_new("CumSum", 14);
    tn_in(t, PR_DT_DOUBLE, "2x3x5");
    tn_in_vals(t, PR_DT_INT32, "", "-1");
    tn_attr_int(t, "exclusive", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->flops, 30);
    tn_free(t);
    t = tn_new("CumSum", 14);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in_vals(t, PR_DT_INT64, "", "2");
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
}

/* CumProd (opset 26): one multiply per element, CumSum's shape rules. */
static void cumprod_counts_one_multiply_per_element(void)
{
    struct tnode *t = tn_new("CumProd", 26);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "", "1");
    tn_attr_int(t, "exclusive", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_cost(t)->flops, 12);
    tn_free(t);
    t = tn_new("CumProd", 26);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "", "2");
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
    t = tn_new("CumProd", 26);
    tn_in(t, PR_DT_FLOAT, "");
    tn_in_vals(t, PR_DT_INT64, "", "0");
    CHECK(tn_fails_with(t, 1, "CumProd needs an input of rank >= 1"));
    tn_free(t);
}

void suite_matrix(void)
{
    RUN(cumprod_counts_one_multiply_per_element);
    RUN(einsum_batched_matmul_counts_like_matmul);
    RUN(einsum_spaces_are_ignored);
    RUN(einsum_attention_scores);
    RUN(einsum_ellipsis_broadcasts_batch_axes);
    RUN(einsum_diagonal_and_trace_cost_adds_only);
    RUN(einsum_transpose_and_sum_rule);
    RUN(einsum_inner_product_and_three_operands);
    RUN(einsum_implicit_output_sorts_letters);
    RUN(einsum_malformed_equations_are_errors);
    RUN(einsum_unknown_extent_is_incomplete);
    RUN(trilu_keeps_shape_and_counts_one_compare);
    RUN(cumsum_counts_one_add_per_element);
}
