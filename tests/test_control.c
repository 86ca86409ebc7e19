/* test_control.c -- control-flow operators (ops/control.c) outside a
 * model: what they refuse. Their counts need subgraphs, which only a
 * loaded model has: tests/real_control.py checks those against closed
 * forms (If, Loop with constant and --dim trips, nested If, Scan). */
#include "opcheck.h"
#include "test.h"

void suite_control(void);

static void control_ops_need_their_graph_attributes(void)
{
    struct tnode *t = tn_new("If", 13);
    tn_in(t, PR_DT_BOOL, "");
    CHECK(tn_fails_with(t, 1, "then_branch"));
    tn_free(t);
    t = tn_new("Loop", 13);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK(tn_fails_with(t, 1, "'body'"));
    tn_free(t);
    t = tn_new("Scan", 11);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_attr_int(t, "num_scan_inputs", 1);
    CHECK(tn_fails_with(t, 1, "'body'"));
    tn_free(t);
}

static void graph_attribute_of_wrong_type_is_an_error(void)
{
    struct tnode *t = tn_new("If", 13);
    tn_in(t, PR_DT_BOOL, "");
    tn_attr_int(t, "then_branch", 1);
    CHECK(tn_fails_with(t, 1, "'then_branch' must be a graph"));
    tn_free(t);
}

void suite_control(void)
{
    RUN(control_ops_need_their_graph_attributes);
    RUN(graph_attribute_of_wrong_type_is_an_error);
}
