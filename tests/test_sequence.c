/* test_sequence.c -- sequence and optional operators (ops/sequence.c):
 * lengths and element shapes, against the ONNX definitions. */
#include <string.h>

#include "opcheck.h"
#include "test.h"

void suite_sequence(void);

/* A sequence of [2,3], [4,3], [1,3] built by SequenceConstruct (kept alive
 * in *owner: its elements live in that node's arena). */
static const struct pr_tensor *three(struct tnode **owner)
{
    struct tnode *t = tn_new("SequenceConstruct", 11);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_in(t, PR_DT_FLOAT, "4x3");
    tn_in(t, PR_DT_FLOAT, "1x3");
    CHECK_EQ(tn_run(t, 1), 0);
    *owner = t;
    return tn_out(t, 0);
}

static void sequence_construct_keeps_each_element_shape(void)
{
    struct tnode *o;
    const struct pr_tensor *s = three(&o);
    CHECK_EQ(s->kind, PR_KIND_SEQUENCE);
    CHECK_EQ(s->seq_len, 3);
    CHECK(s->elems != NULL);
    CHECK_EQ(s->elems[1].dim[0], 4);
    CHECK_EQ(s->shape.dim[0], -1);   /* the elements disagree on axis 0 */
    CHECK_EQ(s->shape.dim[1], 3);
    CHECK_EQ(tn_cost(o)->macs, 0);
    tn_free(o);
}

static void sequence_insert_at_and_length(void)
{
    struct tnode *o;
    const struct pr_tensor *s = three(&o);
    struct tnode *t = tn_new("SequenceInsert", 11);
    tn_in_tensor(t, s);
    tn_in(t, PR_DT_FLOAT, "7x3");
    tn_in_vals(t, PR_DT_INT64, "", "-1");
    CHECK_EQ(tn_run(t, 1), 0);
    const struct pr_tensor *s2 = tn_out(t, 0);
    CHECK_EQ(s2->seq_len, 4);
    /* position -1 of 3 elements = index 2: before the last */
    CHECK_EQ(s2->elems[2].dim[0], 7);
    CHECK_EQ(s2->elems[3].dim[0], 1);
    struct tnode *at = tn_new("SequenceAt", 11);
    tn_in_tensor(at, s2);
    tn_in_vals(at, PR_DT_INT64, "", "1");
    CHECK_EQ(tn_run(at, 1), 0);
    CHECK_STR(tn_out_shape(at, 0), "4x3");
    struct tnode *len = tn_new("SequenceLength", 11);
    tn_in_tensor(len, s2);
    CHECK_EQ(tn_run(len, 1), 0);
    CHECK_STR(tn_out_vals(len, 0), "4");
    struct tnode *bad = tn_new("SequenceAt", 11);
    tn_in_tensor(bad, s2);
    tn_in_vals(bad, PR_DT_INT64, "", "4");
    CHECK(tn_fails_with(bad, 1, "outside"));
    tn_free(bad);
    tn_free(len);
    tn_free(at);
    tn_free(t);
    tn_free(o);
}

static void concat_from_sequence_sums_or_stacks(void)
{
    struct tnode *o;
    const struct pr_tensor *s = three(&o);
    struct tnode *t = tn_new("ConcatFromSequence", 11);
    tn_in_tensor(t, s);
    tn_attr_int(t, "axis", 0);
    CHECK_EQ(tn_run(t, 1), 0);
    CHECK_STR(tn_out_shape(t, 0), "7x3");   /* 2 + 4 + 1 */
    struct tnode *u = tn_new("ConcatFromSequence", 11);
    tn_in_tensor(u, s);
    tn_attr_int(u, "axis", -1);
    tn_attr_int(u, "new_axis", 1);
    CHECK_EQ(tn_run(u, 1), 0);
    CHECK_STR(tn_out_shape(u, 0), "?x3x3");   /* stacked last: 3 elements */
    tn_free(u);
    tn_free(t);
    tn_free(o);
}

static void split_to_sequence_forms(void)
{
    struct tnode *t = tn_new("SplitToSequence", 11);
    tn_in(t, PR_DT_FLOAT, "5x4");
    tn_in_vals(t, PR_DT_INT64, "", "2");
    CHECK_EQ(tn_run(t, 1), 0);
    const struct pr_tensor *s = tn_out(t, 0);
    CHECK_EQ(s->seq_len, 3);   /* ceil(5/2) */
    CHECK_EQ(s->elems[0].dim[0], 2);
    CHECK_EQ(s->elems[2].dim[0], 1);   /* 5 - 2*2 */
    struct tnode *u = tn_new("SplitToSequence", 11);
    tn_in(u, PR_DT_FLOAT, "5x4");
    tn_attr_int(u, "axis", 1);
    tn_attr_int(u, "keepdims", 0);
    CHECK_EQ(tn_run(u, 1), 0);
    CHECK_EQ(tn_out(u, 0)->seq_len, 4);
    CHECK_EQ(tn_out(u, 0)->elems[3].rank, 1);
    CHECK_EQ(tn_out(u, 0)->elems[3].dim[0], 5);
    struct tnode *v = tn_new("SplitToSequence", 11);
    tn_in(v, PR_DT_FLOAT, "5x4");
    tn_in_vals(v, PR_DT_INT64, "2", "2,3");
    CHECK_EQ(tn_run(v, 1), 0);
    CHECK_EQ(tn_out(v, 0)->elems[1].dim[0], 3);
    struct tnode *w = tn_new("SplitToSequence", 11);
    tn_in(w, PR_DT_FLOAT, "5x4");
    tn_in_vals(w, PR_DT_INT64, "2", "1,1");
    CHECK(tn_fails_with(w, 1, "sums to 2"));
    tn_free(w);
    tn_free(v);
    tn_free(u);
    tn_free(t);
}

static void optional_wraps_and_unwraps(void)
{
    struct tnode *t = tn_new("Optional", 15);
    tn_in(t, PR_DT_FLOAT, "4");
    CHECK_EQ(tn_run(t, 1), 0);
    const struct pr_tensor *o = tn_out(t, 0);
    CHECK_EQ(o->kind, PR_KIND_OPTIONAL);
    CHECK_EQ(o->has_value, 1);
    struct tnode *h = tn_new("OptionalHasElement", 15);
    tn_in_tensor(h, o);
    CHECK_EQ(tn_run(h, 1), 0);
    CHECK_STR(tn_out_vals(h, 0), "1");
    struct tnode *g = tn_new("OptionalGetElement", 15);
    tn_in_tensor(g, o);
    CHECK_EQ(tn_run(g, 1), 0);
    CHECK_EQ(tn_out(g, 0)->kind, PR_KIND_TENSOR);
    CHECK_STR(tn_out_shape(g, 0), "4");
    struct tnode *e = tn_new("Optional", 15);
    CHECK(tn_fails_with(e, 1, "'type'"));
    tn_free(e);
    tn_free(g);
    tn_free(h);
    tn_free(t);
}

static void sequence_erase_checks_position(void)
{
    struct tnode *o;
    const struct pr_tensor *s = three(&o);
    struct tnode *t = tn_new("SequenceErase", 11);
    tn_in_tensor(t, s);
    CHECK_EQ(tn_run(t, 1), 0);
    CHECK_EQ(tn_out(t, 0)->seq_len, 2);
    CHECK_EQ(tn_out(t, 0)->elems[1].dim[0], 4);   /* the last was erased */
    struct tnode *u = tn_new("SequenceErase", 11);
    tn_in_tensor(u, s);
    tn_in_vals(u, PR_DT_INT64, "", "-4");
    CHECK(tn_fails_with(u, 1, "outside"));
    tn_free(u);
    tn_free(t);
    tn_free(o);
}

void suite_sequence(void)
{
    RUN(sequence_construct_keeps_each_element_shape);
    RUN(sequence_insert_at_and_length);
    RUN(concat_from_sequence_sums_or_stacks);
    RUN(split_to_sequence_forms);
    RUN(optional_wraps_and_unwraps);
    RUN(sequence_erase_checks_position);
}
