/* test_wire.c -- the wire pass (src/wire.c) on hand-made byte strings, and
 * analysis results identical with and without it on real files.
 *
 * Byte strings are written with the small encoder below, so each test shows
 * the fields it builds; models with many tensors are packed from protobuf-c
 * structs. */
#include <fcntl.h>
#include <glob.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "model.h"
#include "nesting.h"
#include "onnx.pb-c.h"
#include "report.h"
#include "test.h"
#include "wire.h"

void suite_wire(void);

/* ---- a tiny protobuf encoder ---- */

struct buf {
    uint8_t b[1 << 17];
    size_t n;
};

static void varint(struct buf *o, uint64_t v)
{
    while (v >= 0x80) {
        o->b[o->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    o->b[o->n++] = (uint8_t)v;
}

static void f_varint(struct buf *o, uint32_t num, uint64_t v)
{
    varint(o, (uint64_t)num << 3);
    varint(o, v);
}

static void f_bytes(struct buf *o, uint32_t num, const void *p, size_t n)
{
    varint(o, (uint64_t)num << 3 | 2);
    varint(o, n);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void f_msg(struct buf *o, uint32_t num, const struct buf *m)
{
    f_bytes(o, num, m->b, m->n);
}

static void raw(struct buf *o, const char *bytes, size_t n)
{
    memcpy(o->b + o->n, bytes, n);
    o->n += n;
}

/* Runs the pass; returns its result, err filled, copy freed. */
static int strip(const struct buf *in, struct pr_wire_stats *st, struct pr_err *err)
{
    uint8_t *out = NULL;
    size_t n = 0;
    int rc = pr_wire_strip(in->b, in->n, NULL, NULL, &out, &n, st, err);
    free(out);
    return rc;
}

static int refused_with(const struct buf *in, const char *what, size_t at)
{
    struct pr_err err = {0};
    char where[64];
    snprintf(where, sizeof where, "at byte %zu", at);
    int ok = strip(in, NULL, &err) == -1 && err.code == PR_E_MODEL && strstr(err.msg, what) &&
             strstr(err.msg, where) && strstr(err.msg, "not a valid ONNX protobuf");
    if (!ok)
        fprintf(stderr, "  message was: %s\n", err.msg);
    return ok;
}

/* ---- hostile bytes ---- */

static void truncated_varint_is_refused(void)
{
    struct buf m = {0};
    raw(&m, "\x08\x80", 2);                       /* ir_version: a varint that never ends */
    CHECK(refused_with(&m, "varint runs past the end", 1));
    struct buf t = {0};
    raw(&t, "\x80", 1);                           /* a tag that never ends */
    CHECK(refused_with(&t, "varint runs past the end", 0));
}

static void overlong_varints_are_refused(void)
{
    struct buf m = {0};
    raw(&m, "\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 12);   /* 11-byte varint */
    CHECK(refused_with(&m, "longer than 10 bytes", 1));
    struct buf t = {0};
    raw(&t, "\x80\x80\x80\x80\x80\x01", 6);       /* 6-byte tag */
    CHECK(refused_with(&t, "longer than 5 bytes", 0));
}

static void lengths_past_the_end_are_refused(void)
{
    struct buf m = {0};
    raw(&m, "\x3a\x05\x00", 3);                   /* graph: 5 bytes announced, 1 there */
    CHECK(refused_with(&m, "length runs past the end", 1));
    /* a node inside the graph that is longer than the graph (not the file) */
    struct buf g = {0}, outer = {0};
    raw(&g, "\x0a\x08", 2);                       /* node: 8 bytes announced */
    raw(&g, "\x22\x01X", 3);                      /* ... 3 present in the graph */
    f_msg(&outer, 7, &g);
    f_bytes(&outer, 2, "abc", 3);                /* bytes after the graph */
    f_bytes(&outer, 2, "abc", 3);
    CHECK(refused_with(&outer, "length runs past the end", 3));
    struct buf f = {0};
    raw(&f, "\x15\x01\x02", 3);                   /* fixed32 with 2 of 4 bytes */
    CHECK(refused_with(&f, "fixed-size field runs past the end", 1));
}

static void unknown_wire_types_and_field_zero_are_refused(void)
{
    struct buf a = {0}, b = {0}, c = {0}, z = {0};
    raw(&a, "\x0e\x00", 2);                       /* field 1, wire type 6 */
    CHECK(refused_with(&a, "undefined wire type", 0));
    raw(&b, "\x0f", 1);                           /* wire type 7 */
    CHECK(refused_with(&b, "undefined wire type", 0));
    raw(&c, "\x0b\x0c", 2);                       /* a group */
    CHECK(refused_with(&c, "group", 0));
    raw(&z, "\x02\x00", 2);                       /* field number 0: invalid protobuf, refused at byte 0 */
    CHECK(refused_with(&z, "field number 0", 0));
    struct buf zeros = {0};                       /* a file of zero bytes: refused at the first */
    for (int i = 0; i < 4096; i++)
        raw(&zeros, "\x00", 1);
    CHECK(refused_with(&zeros, "field number 0 (not valid protobuf) at byte 0", 0));
}

static void unknown_fields_are_copied_verbatim(void)
{
    struct buf m = {0};
    f_varint(&m, 1, 8);
    f_varint(&m, 999, 42);                        /* fields ONNX does not define */
    f_bytes(&m, 1000, "opaque", 6);
    raw(&m, "\x0d\x01\x02\x03\x04", 5);           /* field 1 as fixed32: wrong type, still copied */
    uint8_t *out;
    size_t n;
    struct pr_err err;
    CHECK_EQ(pr_wire_strip(m.b, m.n, NULL, NULL, &out, &n, NULL, &err), 0);
    CHECK_EQ(n, m.n);
    CHECK(memcmp(out, m.b, n) == 0);
    free(out);
}

/* depth levels of If nodes, each holding the next graph in attribute g. */
static void nested_graphs(struct buf *model, int depth)
{
    static struct buf g[80];
    struct buf *inner = NULL;
    for (int d = depth - 1; d >= 0; d--) {
        struct buf node = {0}, attr = {0};
        memset(&g[d], 0, sizeof g[d]);
        if (inner) {
            f_bytes(&attr, 1, "then_branch", 11);
            f_msg(&attr, 6, inner);
            f_bytes(&node, 4, "If", 2);
            f_msg(&node, 5, &attr);
            f_msg(&g[d], 1, &node);
        }
        inner = &g[d];
    }
    memset(model, 0, sizeof *model);
    f_varint(model, 1, 8);
    f_msg(model, 7, inner);
}

static void nesting_deeper_than_the_limit_is_refused(void)
{
    /* each subgraph level is three messages (graph, node, attribute) */
    struct buf m;
    struct pr_err err = {0};
    nested_graphs(&m, 69);                        /* 1 + 3*68 = 205 levels */
    CHECK_EQ(strip(&m, NULL, &err), 0);
    nested_graphs(&m, 71);                        /* 211 levels > PR_WIRE_MAX_DEPTH = 208 */
    CHECK_EQ(strip(&m, NULL, &err), -1);
    CHECK(strstr(err.msg, "nested more than 64 deep") != NULL);
    /* TypeProto recursion: sequence of sequence of ... in a graph input */
    static struct buf t[120];
    memset(&t[119], 0, sizeof t[119]);
    f_bytes(&t[119], 6, "x", 1);                  /* innermost: a TypeProto with a denotation */
    for (int i = 118; i >= 0; i--) {
        struct buf seq = {0};
        f_msg(&seq, 1, &t[i + 1]);                /* Sequence.elem_type */
        memset(&t[i], 0, sizeof t[i]);
        f_msg(&t[i], 4, &seq);                    /* TypeProto.sequence_type */
    }
    struct buf vi = {0}, graph = {0}, model = {0};
    f_bytes(&vi, 1, "x", 1);
    f_msg(&vi, 2, &t[0]);
    f_msg(&graph, 11, &vi);
    f_msg(&model, 7, &graph);
    CHECK_EQ(strip(&model, NULL, &err), -1);
    CHECK(strstr(err.msg, "nested more than 64 deep") != NULL);
}

/* A graph input whose type is `levels` Sequence types nested in each other. */
static void nested_types(struct buf *model, int levels)
{
    static struct buf t[80];
    memset(&t[levels], 0, sizeof t[levels]);
    f_bytes(&t[levels], 6, "x", 1);
    for (int i = levels - 1; i >= 0; i--) {
        struct buf seq = {0};
        f_msg(&seq, 1, &t[i + 1]);
        memset(&t[i], 0, sizeof t[i]);
        f_msg(&t[i], 4, &seq);
    }
    static struct buf vi, graph;
    memset(&vi, 0, sizeof vi);
    memset(&graph, 0, sizeof graph);
    f_bytes(&vi, 1, "x", 1);
    f_msg(&vi, 2, &t[0]);
    f_msg(&graph, 11, &vi);
    memset(model, 0, sizeof *model);
    f_msg(model, 7, &graph);
}

/* The pass's count of nesting (pr_wire_stats.nest_excess) against
 * pr_proto_check_nesting() on its copy: the same verdict, the same limit
 * named first, at and around PR_MAX_NESTING. */
static void nesting_is_counted_as_nesting_c_counts_it(void)
{
    static struct buf m;
    struct pr_err err = {0}, e2 = {0};
    for (int depth = 63; depth <= 69; depth++) {
        for (int kind = 0; kind < 3; kind++) {
            if (kind == 0)
                nested_graphs(&m, depth);       /* depth - 1 subgraph levels */
            else if (kind == 1)
                nested_types(&m, depth);        /* depth type levels */
            else {                              /* both: the types come first in the file */
                static struct buf g, types;
                nested_types(&types, depth);
                nested_graphs(&g, depth + 1);
                memset(&m, 0, sizeof m);
                raw(&m, (const char *)types.b, types.n);
                raw(&m, (const char *)g.b, g.n);
            }
            struct pr_wire_stats st = {.nest_limit = PR_MAX_NESTING};
            uint8_t *out = NULL;
            size_t n = 0;
            CHECK_EQ(pr_wire_strip(m.b, m.n, NULL, NULL, &out, &n, &st, &err), 0);
            int direct = pr_proto_check_nesting(out, n, &e2);
            CHECK_EQ(st.nest_excess != 0, direct < 0);
            CHECK_EQ(st.nest_excess, depth - 1 > PR_MAX_NESTING && kind == 0 ? 1 : depth > PR_MAX_NESTING && kind ? 2 : 0);
            if (st.nest_excess) {
                pr_nesting_refused(st.nest_excess, &err);
                CHECK_STR(err.msg, e2.msg);
            }
            free(out);
        }
    }
    struct pr_wire_stats none = {0};   /* no limit given: nothing counted */
    nested_graphs(&m, 69);
    CHECK_EQ(strip(&m, &none, &err), 0);
    CHECK_EQ(none.nest_excess, 0);
}

/* ---- stripping and restoring ---- */

/* A TensorProto: float, the given dims (packed or one field each), and a
 * payload in field `field` of `bytes` bytes (pattern-filled). */
static void tensor(struct buf *t, const char *name, const int64_t *dims, int rank, bool packed,
                   uint32_t field, size_t bytes)
{
    memset(t, 0, sizeof *t);
    if (packed) {
        struct buf d = {0};
        for (int i = 0; i < rank; i++)
            varint(&d, (uint64_t)dims[i]);
        f_msg(t, 1, &d);
    } else {
        for (int i = 0; i < rank; i++)
            f_varint(t, 1, (uint64_t)dims[i]);
    }
    f_varint(t, 2, PR_DT_FLOAT);
    f_bytes(t, 8, name, strlen(name));
    uint8_t payload[50000];
    for (size_t i = 0; i < bytes && i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7 + 1);
    if (bytes)
        f_bytes(t, field, payload, bytes);
}

static void model_of(struct buf *m, const struct buf *init)
{
    struct buf g = {0};
    f_msg(&g, 5, init);
    memset(m, 0, sizeof *m);
    f_varint(m, 1, 8);
    f_msg(m, 7, &g);
}

/* Strips m, unpacks the copy and restores it; the caller frees. */
static Onnx__ModelProto *strip_unpack(const struct buf *m, struct pr_wire_stats *st, size_t *copy_size)
{
    uint8_t *out;
    struct pr_err err = {0};
    if (pr_wire_strip(m->b, m->n, NULL, NULL, &out, copy_size, st, &err) < 0) {
        fprintf(stderr, "  strip: %s\n", err.msg);
        return NULL;
    }
    Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, *copy_size, out);
    free(out);
    return mp;
}

/* Whether needle occurs in hay. */
static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

/* A message the pass does not change is copied as it is, byte for byte
 * (a length written in more bytes than it needs included), while the
 * message holding a stripped payload is written anew. */
static void unchanged_messages_are_copied_whole(void)
{
    static struct buf node, t, g, m;
    memset(&node, 0, sizeof node);
    f_bytes(&node, 1, "x", 1);
    f_bytes(&node, 2, "y", 1);
    f_bytes(&node, 4, "Relu", 4);
    int64_t dims[] = {1000};
    tensor(&t, "w", dims, 1, true, 9, 4000);
    memset(&g, 0, sizeof g);
    g.b[g.n++] = 1 << 3 | 2;                 /* GraphProto.node, its length in two bytes */
    g.b[g.n++] = (uint8_t)(0x80 | node.n);
    g.b[g.n++] = 0;
    raw(&g, (const char *)node.b, node.n);
    size_t node_end = g.n;
    f_msg(&g, 5, &t);
    memset(&m, 0, sizeof m);
    f_varint(&m, 1, 8);
    f_msg(&m, 7, &g);
    uint8_t *out = NULL;
    size_t n = 0;
    struct pr_err err = {0};
    CHECK_EQ(pr_wire_strip(m.b, m.n, NULL, NULL, &out, &n, NULL, &err), 0);
    CHECK(n < m.n - 3900);                   /* the payload went */
    CHECK(out && contains(out, n, g.b, node_end));          /* the node, as it was */
    Onnx__ModelProto *mp = out ? onnx__model_proto__unpack(NULL, n, out) : NULL;
    CHECK(mp && mp->graph && mp->graph->n_node == 1 && strcmp(mp->graph->node[0]->op_type, "Relu") == 0 &&
          mp->graph->n_initializer == 1 && !mp->graph->initializer[0]->has_raw_data);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    free(out);
    /* nothing to strip: the copy is the input */
    memset(&g, 0, sizeof g);
    f_msg(&g, 1, &node);
    memset(&m, 0, sizeof m);
    f_varint(&m, 1, 8);
    f_msg(&m, 7, &g);
    CHECK_EQ(pr_wire_strip(m.b, m.n, NULL, NULL, &out, &n, NULL, &err), 0);
    CHECK(out && n == m.n && memcmp(out, m.b, n) == 0);
    free(out);
}

/* The main graph's nodes: a node the pass leaves as it is is listed by
 * its bytes in the input and left out of the copy; one whose tensor lost
 * its payload stays in the copy, listed in its place; unpacked and put
 * back they are the graph's nodes in file order. */
static void main_graph_nodes_are_listed_not_copied(void)
{
    static struct buf a, b, c, attr, t, w, g, m;
    memset(&a, 0, sizeof a);
    f_bytes(&a, 1, "x", 1);
    f_bytes(&a, 2, "y", 1);
    f_bytes(&a, 4, "Relu", 4);
    int64_t dims[] = {1000};
    tensor(&t, "c", dims, 1, true, 9, 4000);
    memset(&attr, 0, sizeof attr);
    f_bytes(&attr, 1, "value", 5);
    f_msg(&attr, 5, &t);
    memset(&b, 0, sizeof b);
    f_bytes(&b, 2, "k", 1);
    f_bytes(&b, 4, "Constant", 8);
    f_msg(&b, 5, &attr);
    memset(&c, 0, sizeof c);
    f_bytes(&c, 1, "y", 1);
    f_bytes(&c, 1, "k", 1);
    f_bytes(&c, 2, "z", 1);
    f_bytes(&c, 4, "Add", 3);
    tensor(&w, "w", dims, 1, true, 9, 4000);
    memset(&g, 0, sizeof g);
    f_msg(&g, 1, &a);
    f_msg(&g, 1, &b);
    f_msg(&g, 5, &w);
    f_msg(&g, 1, &c);
    memset(&m, 0, sizeof m);
    f_varint(&m, 1, 8);
    f_msg(&m, 7, &g);
    uint8_t *out = NULL;
    size_t n = 0;
    struct pr_wire_nodes ns;
    struct pr_err err = {0};
    CHECK_EQ(pr_wire_strip_nodes(m.b, m.n, NULL, NULL, &out, &n, NULL, &ns, &err), 0);
    CHECK(ns.extracted && ns.n == 3);
    if (!ns.extracted || ns.n != 3) {
        free(out);
        free(ns.node);
        return;
    }
    CHECK(ns.node[0].len == a.n && memcmp(m.b + ns.node[0].off, a.b, a.n) == 0);
    CHECK_EQ(ns.node[1].len, PR_WIRE_IN_COPY);
    CHECK(ns.node[2].len == c.n && memcmp(m.b + ns.node[2].off, c.b, c.n) == 0);
    CHECK(n < 200);                                /* two payloads gone, two nodes listed */
    Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, n, out);
    CHECK(mp && mp->graph && mp->graph->n_node == 1 && strcmp(mp->graph->node[0]->op_type, "Constant") == 0 &&
          mp->graph->n_initializer == 1);
    Onnx__NodeProto *na = onnx__node_proto__unpack(NULL, ns.node[2].len, m.b + ns.node[2].off);
    CHECK(na && strcmp(na->op_type, "Add") == 0 && na->n_input == 2 && strcmp(na->input[1], "k") == 0);
    if (na)
        onnx__node_proto__free_unpacked(na, NULL);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    free(out);
    free(ns.node);
    /* two graph fields (protobuf-c merges them): every node stays in the copy */
    f_msg(&m, 7, &g);
    CHECK_EQ(pr_wire_strip_nodes(m.b, m.n, NULL, NULL, &out, &n, NULL, &ns, &err), 0);
    CHECK(!ns.extracted && ns.n == 0 && ns.node == NULL);
    mp = out ? onnx__model_proto__unpack(NULL, n, out) : NULL;
    CHECK(mp && mp->graph && mp->graph->n_node == 6);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    free(out);
}

static void raw_data_is_stripped_marked_and_restored(void)
{
    struct buf t, m;
    int64_t dims[] = {10, 100};
    tensor(&t, "w", dims, 2, true, 9, 4000);      /* 1000 floats of raw_data */
    model_of(&m, &t);
    struct pr_wire_stats st = {0};
    size_t n;
    Onnx__ModelProto *mp = strip_unpack(&m, &st, &n);
    CHECK(mp != NULL);
    if (!mp)
        return;
    /* 1000 floats: small enough to decode, so restored (copied) */
    CHECK_EQ(st.tensors, 1);
    CHECK_EQ(st.stripped, 1);
    CHECK_EQ(st.stripped_bytes, 4000);
    CHECK(n < m.n - 4000 + 32);                    /* the copy lost the payload, gained a marker */
    Onnx__TensorProto *tp = mp->graph->initializer[0];
    CHECK(!tp->has_raw_data);
    struct pr_wire_span sp;
    CHECK_EQ(pr_wire_marker(tp, 9, &sp), 1);
    CHECK_EQ(sp.length, 4000);
    /* the payload is the last 4000 bytes of the file */
    CHECK_EQ(sp.offset, m.n - 4000);
    struct pr_err err = {0};
    CHECK_EQ(st.node_markers, 0);                  /* an initializer: restored without looking at nodes */
    CHECK_EQ(pr_wire_restore(mp, m.b, m.n, NULL, NULL, NULL, &st, &err), 0);
    CHECK(tp->has_raw_data && tp->raw_data.len == 4000 && tp->raw_data.data);
    CHECK(tp->raw_data.data && memcmp(tp->raw_data.data, m.b + m.n - 4000, 4000) == 0);
    CHECK(tp->raw_data.data && tp->raw_data.data[3] == 3 * 7 + 1);
    onnx__model_proto__free_unpacked(mp, NULL);
}

static void small_raw_data_stays_inline(void)
{
    struct buf t, m;
    int64_t dims[] = {16};
    tensor(&t, "s", dims, 1, false, 9, 64);       /* 16 floats: 64 bytes, the inline limit */
    model_of(&m, &t);
    struct pr_wire_stats st = {0};
    size_t n;
    Onnx__ModelProto *mp = strip_unpack(&m, &st, &n);
    CHECK(mp != NULL);
    if (!mp)
        return;
    CHECK_EQ(st.stripped, 0);
    CHECK_EQ(n, m.n);
    CHECK(mp->graph->initializer[0]->has_raw_data && mp->graph->initializer[0]->raw_data.len == 64);
    onnx__model_proto__free_unpacked(mp, NULL);
}

static void typed_fields_go_only_when_their_values_cannot_be_needed(void)
{
    struct pr_wire_stats st = {0};
    size_t n;
    struct buf t, m;
    /* 5000 elements (more than PR_CONST_MAX), packed float_data: stripped */
    int64_t big[] = {50, 100};
    tensor(&t, "big", big, 2, false, 4, 20000);
    model_of(&m, &t);
    Onnx__ModelProto *mp = strip_unpack(&m, &st, &n);
    CHECK(mp && st.stripped == 1 && st.stripped_bytes == 20000);
    struct pr_wire_span sp;
    CHECK(mp && mp->graph->initializer[0]->n_float_data == 0 &&
          pr_wire_marker(mp->graph->initializer[0], 4, &sp) && sp.length == 20000);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    /* 100 elements, packed float_data: kept, every value */
    int64_t small[] = {100};
    tensor(&t, "small", small, 1, true, 4, 400);
    model_of(&m, &t);
    mp = strip_unpack(&m, &st, &n);
    CHECK(mp && st.stripped == 0 && mp->graph->initializer[0]->n_float_data == 100);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    /* 5000 elements as unpacked float_data (one fixed32 field each): all go */
    struct buf u = {0};
    f_varint(&u, 1, 5000);
    f_varint(&u, 2, PR_DT_FLOAT);
    for (int i = 0; i < 5000; i++)
        raw(&u, "\x25\x00\x00\x80\x3f", 5);       /* float_data: 1.0f */
    model_of(&m, &u);
    mp = strip_unpack(&m, &st, &n);
    CHECK(mp && st.stripped == 1 && st.stripped_bytes == 5000 * 4);
    CHECK(mp && mp->graph->initializer[0]->n_float_data == 0);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    /* a zero dim makes the tensor empty (small) whatever the other dims */
    int64_t empty[] = {1000000, 0};
    tensor(&t, "empty", empty, 2, false, 4, 400);
    model_of(&m, &t);
    mp = strip_unpack(&m, &st, &n);
    CHECK(mp && st.stripped == 0);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
}

static void oversized_typed_field_of_a_small_tensor_is_named_in_the_error(void)
{
    /* dims say 4 elements; int64_data holds 10,000 values (80 KB packed) */
    struct buf t = {0}, d = {0}, m;
    f_varint(&t, 1, 4);
    f_varint(&t, 2, PR_DT_INT64);
    f_bytes(&t, 8, "shape", 5);
    for (int i = 0; i < 10000; i++)
        varint(&d, 0x7fffffffffffll);
    f_msg(&t, 7, &d);
    model_of(&m, &t);
    struct pr_model model;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    int rc = pr_model_load_buffer(&model, m.b, m.n, "mem.onnx", NULL, &diag, &err);
    CHECK_EQ(rc, -1);
    CHECK(strstr(err.msg, "initializer 'shape': int64_data holds") && strstr(err.msg, "more than 4 values"));
    pr_diag_free(&diag);
}

static void hostile_markers_are_dropped(void)
{
    struct buf t, m;
    int64_t dims[] = {4};
    tensor(&t, "w", dims, 1, false, 9, 16);
    struct buf mark = {0};
    varint(&mark, 9);                             /* "raw_data at offset 0, 1 GB long" */
    varint(&mark, 0);
    varint(&mark, 1u << 30);
    f_msg(&t, PR_WIRE_MARK, &mark);
    model_of(&m, &t);
    size_t n;
    Onnx__ModelProto *mp = strip_unpack(&m, NULL, &n);
    struct pr_wire_span sp;
    CHECK(mp && !pr_wire_marker(mp->graph->initializer[0], 9, &sp));
    CHECK(mp && mp->graph->initializer[0]->raw_data.len == 16);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
}

static void a_tensor_attribute_given_twice_keeps_its_payloads(void)
{
    /* protobuf-c merges the two, keeping only the later one's unknown
     * fields: markers would be lost, so nothing is stripped there */
    struct buf t, attr = {0}, node = {0}, g = {0}, m = {0};
    int64_t dims[] = {100};
    tensor(&t, "v", dims, 1, false, 9, 400);
    f_bytes(&attr, 1, "value", 5);
    f_msg(&attr, 5, &t);
    f_msg(&attr, 5, &t);
    f_bytes(&node, 2, "c", 1);
    f_bytes(&node, 4, "Constant", 8);
    f_msg(&node, 5, &attr);
    f_msg(&g, 1, &node);
    f_msg(&m, 7, &g);
    struct pr_wire_stats st = {0};
    struct pr_err err;
    CHECK_EQ(strip(&m, &st, &err), 0);
    CHECK_EQ(st.tensors, 2);
    CHECK_EQ(st.stripped, 0);
}

/* Every place a TensorProto can be: all stripped and all restored. */
/* A fetch that puts the bytes somewhere new at each call, with up to 7
 * bytes more than asked (the last copy freed: a byte read from an older
 * one is a use after free under the sanitizers). */
struct elsewhere {
    const uint8_t *real;
    size_t size, calls;
    uint8_t *copy;
};

static int elsewhere_fetch(void *ctx, size_t off, size_t len, const uint8_t **at, struct pr_err *err)
{
    struct elsewhere *e = ctx;
    (void)err;
    if (off > e->size || len > e->size - off)
        return -1;
    size_t n = len + (e->size - off - len < 7 ? e->size - off - len : 7);
    free(e->copy);
    e->copy = malloc(n ? n : 1);
    memcpy(e->copy, e->real + off, n);
    e->calls++;
    *at = e->copy;
    return (int)n;
}

/* The pass and restore read bytes only where the fetch put them: the
 * input given (zeros here) is used for positions, never read. */
static void bytes_are_read_where_the_fetch_puts_them(const uint8_t *bytes, size_t size)
{
    uint8_t *zeros = calloc(size, 1), *out, *plain;
    size_t n, pn;
    struct pr_wire_stats st = {0}, pst = {0};
    struct pr_err err = {0};
    struct elsewhere e = {bytes, size, 0, NULL};
    CHECK_EQ(pr_wire_strip(zeros, size, elsewhere_fetch, &e, &out, &n, &st, &err), 0);
    CHECK_EQ(pr_wire_strip(bytes, size, NULL, NULL, &plain, &pn, &pst, &err), 0);
    CHECK(e.calls > 8 && n == pn && memcmp(out, plain, n) == 0 && st.stripped == pst.stripped);
    Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, n, out), *b = onnx__model_proto__unpack(NULL, pn, plain);
    CHECK(a && b);
    if (a && b) {
        CHECK_EQ(pr_wire_restore(a, zeros, size, elsewhere_fetch, &e, NULL, &st, &err), 0);
        CHECK_EQ(pr_wire_restore(b, bytes, size, NULL, NULL, NULL, &pst, &err), 0);
        size_t pa = onnx__model_proto__get_packed_size(a), pb = onnx__model_proto__get_packed_size(b);
        uint8_t *ba = malloc(pa), *bb = malloc(pb);
        onnx__model_proto__pack(a, ba);
        onnx__model_proto__pack(b, bb);
        CHECK(pa == pb && memcmp(ba, bb, pa) == 0);
        free(ba);
        free(bb);
    }
    if (a)
        onnx__model_proto__free_unpacked(a, NULL);
    if (b)
        onnx__model_proto__free_unpacked(b, NULL);
    free(e.copy);
    free(out);
    free(plain);
    free(zeros);
}

static void tensors_everywhere_are_stripped_and_restored(void)
{
    enum { N = 256 };   /* floats per tensor: 1 KB of raw_data each */
    static uint8_t payload[N * 4];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)i;
    int64_t dims[] = {N};
    Onnx__TensorProto t[8];
    for (int i = 0; i < 8; i++) {
        onnx__tensor_proto__init(&t[i]);
        t[i].n_dims = 1;
        t[i].dims = dims;
        t[i].has_data_type = 1;
        t[i].data_type = PR_DT_FLOAT;
        t[i].has_raw_data = 1;
        t[i].raw_data.len = sizeof payload;
        t[i].raw_data.data = payload;
    }
    Onnx__GraphProto sub, main_g, init_g, algo_g;
    onnx__graph_proto__init(&sub);
    onnx__graph_proto__init(&main_g);
    onnx__graph_proto__init(&init_g);
    onnx__graph_proto__init(&algo_g);
    Onnx__TensorProto *sub_inits[] = {&t[0]};          /* 0: initializer of a subgraph */
    sub.n_initializer = 1;
    sub.initializer = sub_inits;
    Onnx__AttributeProto a_g, a_t, a_ts, a_sp;
    onnx__attribute_proto__init(&a_g);
    onnx__attribute_proto__init(&a_t);
    onnx__attribute_proto__init(&a_ts);
    onnx__attribute_proto__init(&a_sp);
    a_g.name = "body";
    a_g.g = &sub;
    a_t.name = "value";
    a_t.t = &t[1];                                     /* 1: Constant's value */
    Onnx__TensorProto *list[] = {&t[2]};               /* 2: a tensors list */
    a_ts.name = "list";
    a_ts.n_tensors = 1;
    a_ts.tensors = list;
    Onnx__SparseTensorProto sp;
    onnx__sparse_tensor_proto__init(&sp);
    sp.values = &t[3];                                 /* 3, 4: sparse attribute */
    sp.indices = &t[4];
    a_sp.name = "sparse";
    a_sp.sparse_tensor = &sp;
    Onnx__AttributeProto *attrs[] = {&a_g, &a_t, &a_ts, &a_sp};
    Onnx__NodeProto node;
    onnx__node_proto__init(&node);
    node.op_type = "Loop";
    node.n_attribute = 4;
    node.attribute = attrs;
    Onnx__NodeProto *nodes[] = {&node};
    main_g.n_node = 1;
    main_g.node = nodes;
    Onnx__TensorProto *main_inits[] = {&t[5]};         /* 5: main initializer */
    main_g.n_initializer = 1;
    main_g.initializer = main_inits;
    Onnx__TensorProto *train_inits[] = {&t[6]};        /* 6: training initialization graph */
    init_g.n_initializer = 1;
    init_g.initializer = train_inits;
    Onnx__TrainingInfoProto ti;
    onnx__training_info_proto__init(&ti);
    ti.initialization = &init_g;
    ti.algorithm = &algo_g;
    Onnx__TrainingInfoProto *tis[] = {&ti};
    Onnx__AttributeProto fa;                           /* 7: a function's Constant */
    onnx__attribute_proto__init(&fa);
    fa.name = "value";
    fa.t = &t[7];
    Onnx__AttributeProto *fattrs[] = {&fa};
    Onnx__NodeProto fnode;
    onnx__node_proto__init(&fnode);
    fnode.op_type = "Constant";
    fnode.n_attribute = 1;
    fnode.attribute = fattrs;
    Onnx__NodeProto *fnodes[] = {&fnode};
    Onnx__FunctionProto fn;
    onnx__function_proto__init(&fn);
    fn.name = "f";
    fn.n_node = 1;
    fn.node = fnodes;
    Onnx__FunctionProto *fns[] = {&fn};
    Onnx__ModelProto mp;
    onnx__model_proto__init(&mp);
    mp.graph = &main_g;
    mp.n_training_info = 1;
    mp.training_info = tis;
    mp.n_functions = 1;
    mp.functions = fns;
    size_t size = onnx__model_proto__get_packed_size(&mp);
    uint8_t *bytes = malloc(size);
    onnx__model_proto__pack(&mp, bytes);

    uint8_t *out;
    size_t n;
    struct pr_wire_stats st = {0};
    struct pr_err err = {0};
    CHECK_EQ(pr_wire_strip(bytes, size, NULL, NULL, &out, &n, &st, &err), 0);
    CHECK_EQ(st.tensors, 8);
    CHECK_EQ(st.stripped, 8);
    CHECK_EQ(st.stripped_bytes, 8 * sizeof payload);
    CHECK_EQ(st.node_markers, 6);                      /* 0-4 in the Loop node, 7 in the function's */
    CHECK(n + 8 * sizeof payload - 8 * 16 <= size);
    Onnx__ModelProto *u = onnx__model_proto__unpack(NULL, n, out);
    free(out);
    CHECK(u != NULL);
    if (!u) {
        free(bytes);
        return;
    }
    CHECK_EQ(pr_wire_restore(u, bytes, size, NULL, NULL, NULL, &st, &err), 0);
    Onnx__NodeProto *un = u->graph->node[0];
    Onnx__TensorProto *got[8] = {
        un->attribute[0]->g->initializer[0], un->attribute[1]->t, un->attribute[2]->tensors[0],
        un->attribute[3]->sparse_tensor->values, un->attribute[3]->sparse_tensor->indices,
        u->graph->initializer[0], u->training_info[0]->initialization->initializer[0],
        u->functions[0]->node[0]->attribute[0]->t};
    int restored = 0;
    for (int i = 0; i < 8; i++) {
        if (got[i]->has_raw_data && got[i]->raw_data.len == sizeof payload && got[i]->raw_data.data &&
            memcmp(got[i]->raw_data.data, payload, sizeof payload) == 0)
            restored++;
    }
    CHECK_EQ(restored, 8);
    onnx__model_proto__free_unpacked(u, NULL);
    bytes_are_read_where_the_fetch_puts_them(bytes, size);
    free(bytes);
}

/* ---- only the graph is read ---- */

struct fetch_log {
    unsigned char *asked;    /* per byte: requested */
    size_t size;
    const uint8_t *data;     /* the input */
};

static int log_fetch(void *ctx, size_t off, size_t len, const uint8_t **at, struct pr_err *err)
{
    struct fetch_log *l = ctx;
    (void)err;
    if (off > l->size || len > l->size - off)
        return -1;
    memset(l->asked + off, 1, len);
    *at = l->data + off;
    return 0;
}

static void the_pass_never_asks_for_a_stripped_payload(void)
{
    struct buf t, m;
    int64_t dims[] = {10000};
    tensor(&t, "w", dims, 1, true, 9, 40000);     /* more than PR_WIRE_VALUES_MAX */
    model_of(&m, &t);
    struct fetch_log l = {calloc(m.n, 1), m.n, m.b};
    uint8_t *out;
    size_t n;
    struct pr_err err = {0};
    CHECK_EQ(pr_wire_strip(m.b, m.n, log_fetch, &l, &out, &n, NULL, &err), 0);
    /* a field's first 15 bytes are asked for with its tag (tag + length) */
    size_t asked = 0;
    for (size_t i = m.n - 40000 + 15; i < m.n; i++)
        asked += l.asked[i];
    CHECK_EQ(asked, 0);                           /* no byte of the payload */
    CHECK(l.asked[0] && l.asked[m.n - 40001]);   /* the header was read */
    /* restoring a large raw_data does not read it either: data stays NULL */
    Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, n, out);
    CHECK(mp && pr_wire_restore(mp, m.b, m.n, log_fetch, &l, NULL, NULL, &err) == 0);
    asked = 0;
    for (size_t i = m.n - 40000 + 15; i < m.n; i++)
        asked += l.asked[i];
    CHECK_EQ(asked, 0);
    CHECK(mp && mp->graph->initializer[0]->raw_data.data == NULL &&
          mp->graph->initializer[0]->raw_data.len == 40000);
    if (mp)
        onnx__model_proto__free_unpacked(mp, NULL);
    free(out);
    free(l.asked);
}

/* A fetch that says how much is valid (as the model's file does) is
 * called again only past that: once for a buffer it says is all valid. */
struct fetch_count {
    size_t size, calls;
    const uint8_t *data;
};

static int extent_fetch(void *ctx, size_t off, size_t len, const uint8_t **at, struct pr_err *err)
{
    struct fetch_count *k = ctx;
    (void)len;
    (void)err;
    k->calls++;
    *at = k->data + off;
    return (int)(k->size - off);
}

static void a_fetch_that_reports_its_extent_is_called_once(void)
{
    struct buf t, m;
    int64_t dims[] = {100};
    tensor(&t, "w", dims, 1, false, 9, 400);
    model_of(&m, &t);
    struct fetch_count k = {m.n, 0, m.b};
    uint8_t *out;
    size_t n;
    struct pr_err err = {0};
    CHECK_EQ(pr_wire_strip(m.b, m.n, extent_fetch, &k, &out, &n, NULL, &err), 0);
    CHECK_EQ(k.calls, 1);
    uint8_t *plain;
    size_t pn;
    CHECK_EQ(pr_wire_strip(m.b, m.n, NULL, NULL, &plain, &pn, NULL, &err), 0);
    CHECK(n == pn && memcmp(out, plain, n) == 0);
    free(out);
    free(plain);
}

/* ---- the same results with and without the pass ---- */

/* JSON report of path loaded with flags, or "error <code>" (malloc'ed). */
static char *report_of(const char *path, unsigned flags)
{
    struct pr_model m;
    struct pr_diag diag;
    struct pr_err err = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    pr_diag_init(&diag);
    if (pr_model_load_flags(&m, path, flags, &diag, &err) < 0) {
        fprintf(f, "error %d", (int)err.code);
    } else {
        struct pr_options opt = {0};
        struct pr_analysis a;
        if (pr_analyze(&m, &opt, &a, &err) < 0) {
            fprintf(f, "analysis error %d %s", (int)err.code, err.msg);
        } else {
            for (size_t i = 0; i < diag.count; i++)
                fprintf(f, "load warning: %s\n", diag.msgs[i]);
            pr_report_json(&a, f);
            pr_analysis_free(&a);
        }
        pr_model_free(&m);
    }
    pr_diag_free(&diag);
    fclose(f);
    return text;
}

static int same_report(const char *path)
{
    char *with = report_of(path, 0), *without = report_of(path, PR_LOAD_UNPACK_ALL);
    int same = with && without && strcmp(with, without) == 0;
    if (!same)
        fprintf(stderr, "  %s: reports differ with and without the wire pass\n", path);
    free(with);
    free(without);
    return same;
}

static void analysis_is_the_same_with_and_without_the_wire_pass(void)
{
    static const char *patterns[] = {"fixtures/*.onnx", "fixtures/bad/*.onnx", "build/models/*.onnx",
                                     "/usr/share/libonnx-testdata/data/*/*/model.onnx"};
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        glob_t gl;
        if (glob(patterns[p], 0, NULL, &gl) != 0)
            continue;
        /* every fixture and real model; every 4th conformance model */
        size_t step = p == 3 ? 4 : 1, same = 0, tried = 0;
        for (size_t i = 0; i < gl.gl_pathc; i += step) {
            tried++;
            same += (size_t)same_report(gl.gl_pathv[i]);
        }
        CHECK_EQ(same, tried);
        globfree(&gl);
    }
}

static void freeing_a_model_loaded_from_a_buffer_closes_no_file(void)
{
    struct buf t, m;
    int64_t dims[] = {4};
    tensor(&t, "w", dims, 1, false, 9, 16);
    model_of(&m, &t);
    bool stdin_open = fcntl(0, F_GETFD) != -1;
    int fd = open("/dev/null", O_RDONLY);   /* the lowest free descriptor */
    struct pr_model model;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    if (pr_model_load_buffer(&model, m.b, m.n, "mem.onnx", NULL, &diag, &err) == 0)
        pr_model_free(&model);
    pr_model_free(&model);                   /* twice is harmless: freed models are zeroed */
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) != -1);
    CHECK(!stdin_open || fcntl(0, F_GETFD) != -1);
    if (fd >= 0)
        close(fd);
    pr_diag_free(&diag);
}

void suite_wire(void)
{
    RUN(truncated_varint_is_refused);
    RUN(overlong_varints_are_refused);
    RUN(lengths_past_the_end_are_refused);
    RUN(unknown_wire_types_and_field_zero_are_refused);
    RUN(unknown_fields_are_copied_verbatim);
    RUN(nesting_deeper_than_the_limit_is_refused);
    RUN(nesting_is_counted_as_nesting_c_counts_it);
    RUN(unchanged_messages_are_copied_whole);
    RUN(main_graph_nodes_are_listed_not_copied);
    RUN(raw_data_is_stripped_marked_and_restored);
    RUN(small_raw_data_stays_inline);
    RUN(typed_fields_go_only_when_their_values_cannot_be_needed);
    RUN(oversized_typed_field_of_a_small_tensor_is_named_in_the_error);
    RUN(hostile_markers_are_dropped);
    RUN(a_tensor_attribute_given_twice_keeps_its_payloads);
    RUN(tensors_everywhere_are_stripped_and_restored);
    RUN(the_pass_never_asks_for_a_stripped_payload);
    RUN(a_fetch_that_reports_its_extent_is_called_once);
    RUN(analysis_is_the_same_with_and_without_the_wire_pass);
    RUN(freeing_a_model_loaded_from_a_buffer_closes_no_file);
}
