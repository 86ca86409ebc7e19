/* test_hostile.c -- regression tests for what fuzzing and the catalogue of
 * bad inputs found (fixtures/bad/README.md): each builds the hostile bytes
 * here, by hand-encoded protobuf, and pins the refusal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nesting.h"
#include "model.h"
#include "opcheck.h"
#include "test.h"

void suite_hostile(void);

/* ---- a tiny protobuf writer ---- */

struct buf { uint8_t *p; size_t n, cap; };

static void put(struct buf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}
static void varint(struct buf *b, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)(v & 0x7F);
        v >>= 7;
        c |= v ? 0x80 : 0;
        put(b, &c, 1);
    } while (v);
}
/* field num (length-delimited) holding d[0..n) */
static void field(struct buf *b, unsigned num, const void *d, size_t n)
{
    varint(b, num << 3 | 2);
    varint(b, n);
    put(b, d, n);
}
static void field_str(struct buf *b, unsigned num, const char *s) { field(b, num, s, strlen(s)); }
static void field_int(struct buf *b, unsigned num, uint64_t v)
{
    varint(b, num << 3);
    varint(b, v);
}
/* b = field num of b's own bytes (wraps what was written so far) */
static void wrap(struct buf *b, unsigned num)
{
    struct buf w = {0};
    field(&w, num, b->p, b->n);
    free(b->p);
    *b = w;
}

/* A model whose graph holds an If nested depth deep (each then_branch the
 * next level; the innermost graph one Identity). */
static struct buf nested_if(int depth)
{
    struct buf g = {0};
    struct buf node = {0};
    field_str(&node, 1, "c");
    field_str(&node, 2, "y");
    field_str(&node, 4, "Identity");
    field(&g, 1, node.p, node.n);
    free(node.p);
    for (int i = 0; i < depth; i++) {
        struct buf attr = {0};
        field_str(&attr, 1, "then_branch");
        field_int(&attr, 20, 5);                  /* GRAPH */
        field(&attr, 6, g.p, g.n);
        struct buf n = {0};
        field_str(&n, 1, "c");
        field_str(&n, 2, "y");
        field_str(&n, 4, "If");
        field(&n, 5, attr.p, attr.n);
        free(attr.p);
        free(g.p);
        g = (struct buf){0};
        field(&g, 1, n.p, n.n);
        free(n.p);
    }
    wrap(&g, 7);                                  /* ModelProto.graph */
    return g;
}

/* A model whose one value_info has a sequence type nested depth deep. */
static struct buf nested_type(int depth)
{
    struct buf t = {0};
    struct buf tensor = {0};
    field_int(&tensor, 1, 1);                     /* elem_type FLOAT */
    field(&t, 1, tensor.p, tensor.n);             /* TypeProto.tensor_type */
    free(tensor.p);
    for (int i = 0; i < depth; i++) {
        wrap(&t, 1);                              /* Sequence.elem_type */
        wrap(&t, 4);                              /* TypeProto.sequence_type */
    }
    wrap(&t, 2);                                  /* ValueInfoProto.type */
    struct buf vi = {0};
    field_str(&vi, 1, "x");
    put(&vi, t.p, t.n);
    free(t.p);
    wrap(&vi, 11);                                /* GraphProto.input */
    wrap(&vi, 7);                                 /* ModelProto.graph */
    return vi;
}

static int load(struct buf *b, struct pr_err *err)
{
    struct pr_model m;
    struct pr_diag d;
    pr_diag_init(&d);
    int rc = pr_model_load_buffer(&m, b->p, b->n, "mem.onnx", NULL, &d, err);
    if (rc == 0)
        pr_model_free(&m);
    pr_diag_free(&d);
    free(b->p);
    return rc;
}

/* Finding: protobuf-c recursed 30,000 frames into If nested 10,000 deep and
 * overflowed the stack (SIGSEGV on a 1 MB file). */
static void if_nested_10000_deep_is_refused_not_a_crash(void)
{
    struct pr_err err = {0};
    struct buf b = nested_if(10000);
    CHECK_EQ(load(&b, &err), -1);
    CHECK_EQ(err.code, PR_E_MODEL);
    CHECK(strstr(err.msg, "nested more than 64 deep") != NULL);
}

static void nesting_limit_is_exactly_64(void)
{
    struct pr_err err = {0};
    struct buf b = nested_if(PR_MAX_NESTING);
    CHECK_EQ(pr_proto_check_nesting(b.p, b.n, &err), 0);
    free(b.p);
    b = nested_if(PR_MAX_NESTING + 1);
    CHECK_EQ(pr_proto_check_nesting(b.p, b.n, &err), -1);
    CHECK(strstr(err.msg, "subgraphs (If/Loop/Scan bodies) are nested more than 64 deep") != NULL);
    CHECK_EQ(load(&b, &err), -1);   /* the loader checks it too (and frees b) */
    CHECK(strstr(err.msg, "nested more than 64 deep") != NULL);
    b = nested_type(PR_MAX_NESTING);
    CHECK_EQ(pr_proto_check_nesting(b.p, b.n, &err), 0);
    free(b.p);
    b = nested_type(PR_MAX_NESTING + 1);
    CHECK_EQ(pr_proto_check_nesting(b.p, b.n, &err), -1);
    CHECK(strstr(err.msg, "nests sequences, maps or optionals more than 64 deep") != NULL);
    free(b.p);
}

static void type_nested_100000_deep_is_refused(void)
{
    struct pr_err err = {0};
    struct buf b = nested_type(100000);
    CHECK_EQ(load(&b, &err), -1);
    CHECK_EQ(err.code, PR_E_MODEL);
    CHECK(strstr(err.msg, "nested more than 64 deep") != NULL);   /* the wire pass stops it first */
}

/* The depth walk must not read past a truncated length or varint. */
static void depth_walk_stops_at_malformed_bytes(void)
{
    struct pr_err err = {0};
    static const uint8_t cut_len[] = {0x3a, 0x7f, 0x0a};           /* graph of 127 bytes, 1 given */
    static const uint8_t cut_varint[] = {0x3a, 0xff, 0xff, 0xff};  /* length varint never ends */
    static const uint8_t group[] = {0x3b, 0x00};                   /* a start-group key */
    CHECK_EQ(pr_proto_check_nesting(cut_len, sizeof cut_len, &err), 0);
    CHECK_EQ(pr_proto_check_nesting(cut_varint, sizeof cut_varint, &err), 0);
    CHECK_EQ(pr_proto_check_nesting(group, sizeof group, &err), 0);
    CHECK_EQ(pr_proto_check_nesting("", 0, &err), 0);
}

/* Finding (fuzz_mutate): an empty constant [0, 2^63-1, 4] counted as a
 * small tensor, and Transpose's strides of its values overflowed int64
 * (UBSan: 4 * 9223372036854775807). Its values are no longer followed. */
static void empty_constant_with_huge_extents_is_not_walked(void)
{
    struct tnode *t = tn_new("Transpose", 13);
    tn_in_vals(t, PR_DT_INT64, "0x9223372036854775807x4", "");
    CHECK_EQ(tn_run(t, 1), 0);
    CHECK_STR(tn_out_shape(t, 0), "4x9223372036854775807x0");
    CHECK_STR(tn_out_vals(t, 0), "");
    tn_free(t);
    /* Concat walks outer x inner spans: 2^62 x 0 iterations must not happen */
    t = tn_new("Concat", 13);
    tn_attr_int(t, "axis", 2);
    tn_in_vals(t, PR_DT_INT64, "4611686018427387904x2x0", "");
    tn_in_vals(t, PR_DT_INT64, "4611686018427387904x2x0", "");
    CHECK_EQ(tn_run(t, 1), 0);
    CHECK_STR(tn_out_shape(t, 0), "4611686018427387904x2x0");
    tn_free(t);
    /* small empty tensors still fold: Concat of [] and [2, 3] is [2, 3] */
    t = tn_new("Concat", 13);
    tn_attr_int(t, "axis", 0);
    tn_in_vals(t, PR_DT_INT64, "0", "");
    tn_in_vals(t, PR_DT_INT64, "2", "2,3");
    CHECK_EQ(tn_run(t, 1), 0);
    CHECK_STR(tn_out_vals(t, 0), "2,3");
    tn_free(t);
}

void suite_hostile(void)
{
    RUN(empty_constant_with_huge_extents_is_not_walked);
    RUN(if_nested_10000_deep_is_refused_not_a_crash);
    RUN(nesting_limit_is_exactly_64);
    RUN(type_nested_100000_deep_is_refused);
    RUN(depth_walk_stops_at_malformed_bytes);
}
