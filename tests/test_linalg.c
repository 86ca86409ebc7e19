/* test_linalg.c -- Det (ops/linalg.c): LU counts per n x n matrix,
 * MACs = (n-1) n (2n-1) / 6, FLOPs = 2 MACs + n(n-1)/2 + (n-1). */
#include "opcheck.h"
#include "test.h"

void suite_linalg(void);

static void det_2x2_is_ad_minus_bc_in_lu_form(void)
{
    /* l = c / a, d' = d - l b (1 MAC), det = a d': 1 MAC, 4 FLOPs. */
    struct tnode *t = tn_new("Det", 11);
    tn_in(t, PR_DT_FLOAT, "2x2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "");
    CHECK_EQ(tn_out(t, 0)->shape.rank, 0);
    CHECK_EQ(tn_cost(t)->macs, 1);
    CHECK_EQ(tn_cost(t)->flops, 4);
    tn_free(t);
}

static void det_batched_4x4(void)
{
    /* 3 matrices of 4x4: MACs each 3*4*7/6 = 14 (= 3^2 + 2^2 + 1^2);
     * FLOPs each 2*14 + 4*3/2 + 3. */
    struct tnode *t = tn_new("Det", 11);
    tn_in(t, PR_DT_DOUBLE, "3x4x4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->macs, 3 * (9 + 4 + 1));
    CHECK_EQ(tn_cost(t)->flops, 3 * (2 * 14 + 6 + 3));
    tn_free(t);
}

static void det_large_n_keeps_the_closed_form_exact(void)
{
    /* n = 1000: (999 * 1000 * 1999) / 6 MACs, ~ n^3/3. */
    long long n = 1000;
    struct tnode *t = tn_new("Det", 11);
    tn_in(t, PR_DT_FLOAT, "2x5x1000x1000");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5");
    CHECK_EQ(tn_cost(t)->macs, 10 * ((n - 1) * n * (2 * n - 1) / 6));
    CHECK_EQ(tn_cost(t)->flops, 10 * (2 * ((n - 1) * n * (2 * n - 1) / 6) + n * (n - 1) / 2 + n - 1));
    tn_free(t);
}

static void det_unknown_size_is_incomplete(void)
{
    struct tnode *t = tn_new("Det", 11);
    tn_in(t, PR_DT_FLOAT, "?x?x?");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void det_malformed_nodes_are_errors(void)
{
    struct tnode *t = tn_new("Det", 11);
    tn_in(t, PR_DT_FLOAT, "3x4");
    CHECK(tn_fails_with(t, 1, "square matrices"));
    tn_free(t);

    t = tn_new("Det", 11);
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "rank >= 2"));
    tn_free(t);
}

void suite_linalg(void)
{
    RUN(det_2x2_is_ad_minus_bc_in_lu_form);
    RUN(det_batched_4x4);
    RUN(det_large_n_keeps_the_closed_form_exact);
    RUN(det_unknown_size_is_incomplete);
    RUN(det_malformed_nodes_are_errors);
}
