/* test_model.c -- loading hostile buffers, ordering, cycles. Graphs for the
 * ordering tests are built directly as IR (values and nodes), so each test
 * states its wiring in a line. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "model.h"
#include "onnx.pb-c.h"
#include "test.h"

void suite_model(void);

/* A chain graph: node i reads value in[i] and writes value i + nvalues0. */
struct mini {
    struct pr_model m;
    struct pr_node nodes[8];
    struct pr_value values[16];
    int in[8][2], out[8][1];
};

/* wiring[i] = index of the node whose output node i reads (-1: graph input). */
static void mini_build(struct mini *x, int n, const int *wiring)
{
    memset(x, 0, sizeof *x);
    x->m.graph.nodes = x->nodes;
    x->m.graph.values = x->values;
    x->m.graph.nnodes = n;
    x->m.graph.nvalues = n + 1;
    x->values[0].producer = -1;          /* value 0: the graph input */
    for (int i = 0; i < n; i++) {
        x->nodes[i].index = i;
        x->nodes[i].name = "n";
        x->nodes[i].op_type = "Relu";
        x->nodes[i].nin = 1;
        x->nodes[i].nout = 1;
        x->nodes[i].in = x->in[i];
        x->nodes[i].out = x->out[i];
        x->in[i][0] = wiring[i] < 0 ? 0 : wiring[i] + 1;
        x->out[i][0] = i + 1;
        x->values[i + 1].producer = i;
    }
}

static void schedule_keeps_a_sorted_file_order(void)
{
    struct mini x;
    mini_build(&x, 4, (int[]){-1, 0, 1, 0});
    int order[4];
    struct pr_err err;
    CHECK_EQ(pr_schedule(&x.m, order, &err), 0);
    CHECK(order[0] == 0 && order[1] == 1 && order[2] == 2 && order[3] == 3);
}

static void schedule_sorts_unsorted_nodes_staying_close_to_file_order(void)
{
    struct mini x;
    /* node 0 reads node 2, node 1 reads the input, node 2 reads node 1,
     * node 3 reads the input: valid orders put 1 before 2 before 0; the
     * min-heap takes the lowest ready index first: 1, 2, 0, 3. */
    mini_build(&x, 4, (int[]){2, -1, 1, -1});
    int order[4];
    struct pr_err err;
    CHECK_EQ(pr_schedule(&x.m, order, &err), 0);
    CHECK(order[0] == 1 && order[1] == 2 && order[2] == 0 && order[3] == 3);
}

static void schedule_names_a_node_on_a_cycle(void)
{
    struct mini x;
    /* 0 -> 1 -> 2 -> 0 is a cycle; node 3 hangs off it */
    mini_build(&x, 4, (int[]){2, 0, 1, 2});
    x.nodes[1].name = "b";
    x.nodes[2].name = "c";
    x.nodes[0].name = "a";
    int order[4];
    struct pr_err err = {0};
    CHECK_EQ(pr_schedule(&x.m, order, &err), -1);
    CHECK_EQ(err.code, PR_E_MODEL);
    CHECK(strstr(err.msg, "is on a cycle") != NULL);
    CHECK(strstr(err.msg, "'a'") || strstr(err.msg, "'b'") || strstr(err.msg, "'c'"));
}

/* The loader's g->sorted (found while it resolves the inputs) says what
 * the schedule's own check finds: on the fixtures, the bad fixtures that
 * load (a self-loop, a cycle) and the ONNX backend models with subgraphs,
 * every graph's flag equals "the check, without the flag, keeps the
 * file's order". Both answers occur. */
static void loader_sorted_flag_matches_the_schedule_check(void)
{
    const char *patterns[] = {"fixtures/*.onnx", "fixtures/*/*.onnx",
                              "/usr/share/libonnx-testdata/data/node/test_loop*/model.onnx",
                              "/usr/share/libonnx-testdata/data/node/test_if*/model.onnx",
                              "/usr/share/libonnx-testdata/data/node/test_scan*/model.onnx",
                              "/usr/share/libonnx-testdata/data/node/test_sequence_map*/model.onnx"};
    int graphs = 0, sorted = 0;
    for (size_t k = 0; k < sizeof patterns / sizeof *patterns; k++) {
        glob_t gl;
        if (glob(patterns[k], 0, NULL, &gl) != 0)
            continue;
        for (size_t f = 0; f < gl.gl_pathc; f++) {
            struct pr_model m;
            struct pr_diag d;
            struct pr_err err = {0};
            pr_diag_init(&d);
            if (pr_model_load(&m, gl.gl_pathv[f], &d, &err) == 0) {
                for (int i = 0; i < m.ngraphs; i++) {
                    struct pr_graph g = *m.graphs[i];
                    g.sorted = false;
                    int *order = malloc(((size_t)g.nnodes + 1) * sizeof *order);
                    bool identity = order && pr_schedule_graph(&g, order, &err) == 0;
                    for (int j = 0; identity && j < g.nnodes; j++)
                        identity = order[j] == j;
                    free(order);
                    if (m.graphs[i]->sorted != identity)
                        fprintf(stderr, "  %s graph %d: loader says %s\n", gl.gl_pathv[f], i,
                                m.graphs[i]->sorted ? "sorted" : "unsorted");
                    CHECK_EQ(m.graphs[i]->sorted, identity);
                    graphs++;
                    sorted += identity;
                }
                pr_model_free(&m);
            }
            pr_diag_free(&d);
        }
        globfree(&gl);
    }
    CHECK(graphs > 100);
    CHECK(sorted > 0 && sorted < graphs);
}

static int load(const void *buf, size_t size, struct pr_err *err)
{
    struct pr_model m;
    struct pr_diag d;
    pr_diag_init(&d);
    int rc = pr_model_load_buffer(&m, buf, size, "mem.onnx", NULL, &d, err);
    if (rc == 0)
        pr_model_free(&m);
    pr_diag_free(&d);
    return rc;
}

static void empty_buffer_is_refused(void)
{
    struct pr_err err;
    CHECK_EQ(load("", 0, &err), -1);
    CHECK_EQ(err.code, PR_E_MODEL);
    CHECK(strstr(err.msg, "empty") != NULL);
}

static void garbage_is_refused_without_crashing(void)
{
    unsigned char junk[512];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    struct pr_err err;
    int refused = 0;
    for (size_t len = 1; len <= sizeof junk; len += 37)
        refused += load(junk, len, &err) == -1;
    CHECK_EQ(refused, 14);   /* ceil(512 / 37) lengths, every one refused */
}

/* Packs a ModelProto whose only content is what fill() sets. */
static size_t pack_model(Onnx__ModelProto *mp, unsigned char *buf, size_t cap)
{
    size_t n = onnx__model_proto__get_packed_size(mp);
    return n <= cap ? onnx__model_proto__pack(mp, buf) : 0;
}

static void model_without_graph_is_refused(void)
{
    Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
    mp.has_ir_version = 1;
    mp.ir_version = 8;
    unsigned char buf[64];
    size_t n = pack_model(&mp, buf, sizeof buf);
    struct pr_err err;
    CHECK_EQ(load(buf, n, &err), -1);
    CHECK(strstr(err.msg, "no graph") != NULL);
}

static void newer_ir_version_is_refused(void)
{
    Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    mp.has_ir_version = 1;
    mp.ir_version = PR_MAX_IR_VERSION + 1;
    mp.graph = &g;
    unsigned char buf[64];
    size_t n = pack_model(&mp, buf, sizeof buf);
    struct pr_err err;
    CHECK_EQ(load(buf, n, &err), -1);
    CHECK(strstr(err.msg, "newer than priori understands") != NULL);
}

static void external_data_paths_are_checked_lexically(void)
{
    static const char *bad[] = {"/etc/passwd", "../w.bin", "a/../../w.bin", "C:\\w.bin", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
        Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
        Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
        Onnx__StringStringEntryProto loc = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
        Onnx__StringStringEntryProto *ext[] = {&loc};
        Onnx__TensorProto *inits[] = {&t};
        int64_t dims[] = {4};
        loc.key = "location";
        loc.value = (char *)bad[i];
        t.name = "w";
        t.n_dims = 1;
        t.dims = dims;
        t.has_data_type = 1;
        t.data_type = PR_DT_FLOAT;
        t.has_data_location = 1;
        t.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        t.n_external_data = 1;
        t.external_data = ext;
        g.n_initializer = 1;
        g.initializer = inits;
        mp.has_ir_version = 1;
        mp.ir_version = 8;
        mp.graph = &g;
        unsigned char buf[256];
        size_t n = pack_model(&mp, buf, sizeof buf);
        struct pr_err err = {0};
        CHECK_EQ(load(buf, n, &err), -1);
        CHECK(strstr(err.msg, "initializer 'w'") != NULL);
    }
}

/* A graph of 200 plain nodes (no attributes: read from the file in
 * batches, nodesrc.h) and one Transpose (an attribute: unpacked into the
 * tree), named n0..n200, node i writing vi. Node 150 reads v199 (a later
 * node's output: resolved in pass 2, after its batch is gone), nodes
 * 151.. start a new chain from the input. Every name, input and output
 * comes out as written. */
static void streamed_nodes_keep_their_names_across_batches(void)
{
    enum { N = 201 };
    static Onnx__NodeProto nodes[N];
    static Onnx__NodeProto *list[N];
    static char names[N][8], outs[N][8], ins[N][8];
    static char *in_list[N][1], *out_list[N][1];
    Onnx__AttributeProto perm = ONNX__ATTRIBUTE_PROTO__INIT;
    Onnx__AttributeProto *perm_list[] = {&perm};
    int64_t perm_v[] = {1, 0};
    perm.name = "perm";
    perm.has_type = 1;
    perm.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    perm.n_ints = 2;
    perm.ints = perm_v;
    for (int i = 0; i < N; i++) {
        onnx__node_proto__init(&nodes[i]);
        snprintf(names[i], sizeof names[i], "n%d", i);
        snprintf(outs[i], sizeof outs[i], "v%d", i);
        snprintf(ins[i], sizeof ins[i], "%s", i == 0 || i == 151 ? "x" : i == 150 ? "v199" : outs[i - 1]);
        nodes[i].name = i == 7 ? "" : names[i];   /* an empty name written out: not a batch's string */
        nodes[i].op_type = i == 100 ? "Transpose" : "Relu";
        in_list[i][0] = ins[i];
        out_list[i][0] = outs[i];
        nodes[i].n_input = nodes[i].n_output = 1;
        nodes[i].input = in_list[i];
        nodes[i].output = out_list[i];
        if (i == 100) {
            nodes[i].n_attribute = 1;
            nodes[i].attribute = perm_list;
        }
        list[i] = &nodes[i];
    }
    Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    Onnx__ValueInfoProto x = ONNX__VALUE_INFO_PROTO__INIT, y = ONNX__VALUE_INFO_PROTO__INIT;
    Onnx__ValueInfoProto *gin[] = {&x}, *gout[] = {&y};
    Onnx__OperatorSetIdProto op = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    Onnx__OperatorSetIdProto *ops[] = {&op};
    op.has_version = 1;
    op.version = 17;
    x.name = "x";
    y.name = outs[N - 1];
    g.n_node = N;
    g.node = list;
    g.n_input = 1;
    g.input = gin;
    g.n_output = 1;
    g.output = gout;
    mp.has_ir_version = 1;
    mp.ir_version = 8;
    mp.graph = &g;
    mp.n_opset_import = 1;
    mp.opset_import = ops;
    static unsigned char buf[16384];
    size_t n = pack_model(&mp, buf, sizeof buf);
    struct pr_model m;
    struct pr_diag d;
    struct pr_err err = {0};
    pr_diag_init(&d);
    CHECK(n > 0);
    CHECK_EQ(pr_model_load_buffer(&m, buf, n, "mem.onnx", NULL, &d, &err), 0);
    if (m.graph.nnodes != N) {
        CHECK_EQ(m.graph.nnodes, N);
        pr_model_free(&m);
        pr_diag_free(&d);
        return;
    }
    int good = 0;
    for (int i = 0; i < N; i++) {
        const struct pr_node *nd = &m.graph.nodes[i];
        const char *in = nd->in[0] >= 0 ? m.graph.values[nd->in[0]].name : "?";
        good += strcmp(nd->name, i == 7 ? "" : names[i]) == 0 && strcmp(m.graph.values[nd->out[0]].name, outs[i]) == 0 &&
                strcmp(in, ins[i]) == 0 && strcmp(nd->op_type, i == 100 ? "Transpose" : "Relu") == 0 &&
                (i == 100) == !nd->no_attrs;
    }
    CHECK_EQ(good, N);
    CHECK(!m.graph.sorted);
    pr_model_free(&m);
    pr_diag_free(&d);
}

/* A node whose op_type (a string) is written as a varint: the wire pass
 * keeps it (wire.h: keep), and protobuf-c refuses it as the unpack of the
 * whole file would. */
static void a_node_protobuf_c_refuses_is_refused_as_the_file(void)
{
    /* ModelProto{ir_version 8, graph{node{input "x", output "y", op_type: varint 5}}} */
    static const unsigned char bad[] = {0x08, 0x08, 0x3a, 0x0a, 0x0a, 0x08, 0x0a, 0x01, 'x', 0x12, 0x01, 'y', 0x20, 0x05};
    struct pr_err err = {0};
    CHECK_EQ(load(bad, sizeof bad, &err), -1);
    CHECK_EQ(err.code, PR_E_MODEL);
    CHECK(strstr(err.msg, "not a valid ONNX protobuf") != NULL);
}

void suite_model(void)
{
    RUN(schedule_keeps_a_sorted_file_order);
    RUN(schedule_sorts_unsorted_nodes_staying_close_to_file_order);
    RUN(schedule_names_a_node_on_a_cycle);
    RUN(loader_sorted_flag_matches_the_schedule_check);
    RUN(streamed_nodes_keep_their_names_across_batches);
    RUN(a_node_protobuf_c_refuses_is_refused_as_the_file);
    RUN(empty_buffer_is_refused);
    RUN(garbage_is_refused_without_crashing);
    RUN(model_without_graph_is_refused);
    RUN(newer_ir_version_is_refused);
    RUN(external_data_paths_are_checked_lexically);
}
