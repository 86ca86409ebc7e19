/* fuzz_mutate.c -- libFuzzer harness 2: structure-aware mutations of valid
 * models, run through the same pipeline as fuzz_model.c (pipeline.c).
 *
 * LLVMFuzzerCustomMutator unpacks the input with protobuf-c into a private
 * allocator (every block on one list, freed together, so the tree can take
 * static strings and new arrays without upsetting free_unpacked), applies
 * one to three mutations to the main graph or to a subgraph held by an
 * attribute, and packs the result back. The mutations are the ones a
 * hostile or broken exporter produces:
 *   - a node's op_type (any row of the operator table, with its domain),
 *     its input wiring (another value, an absent optional one ""), order
 *     (swap), removal and duplication;
 *   - attributes: int / ints / float values set to edge values (0, -1,
 *     2^31, 2^62, INT64_MIN ...), list lengths, the declared type, the name;
 *   - declared dims of graph inputs, outputs and value_info (edge values, a
 *     symbol, a dim added or removed), initializer dims and the values of
 *     small int64 initializers (the shape constants Reshape, Slice, Expand
 *     fold);
 *   - the opset version and ir_version.
 * When the input does not unpack, has no graph, or the result would exceed
 * max_size, the mutation falls back to libFuzzer's byte mutator.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nesting.h"
#include "onnx.pb-c.h"
#include "op.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_fuzz_pipeline(data, size);
    return 0;
}

/* ---- a list allocator: free is a no-op, everything goes at the end ---- */

struct block { struct block *next; max_align_t data[]; };
static struct block *blocks;

static void *list_alloc(void *ud, size_t size)
{
    (void)ud;
    struct block *b = malloc(sizeof *b + (size ? size : 1));
    if (!b)
        return NULL;
    b->next = blocks;
    blocks = b;
    return b->data;
}
static void list_free(void *ud, void *p) { (void)ud; (void)p; }
static void list_release(void)
{
    while (blocks) {
        struct block *n = blocks->next;
        free(blocks);
        blocks = n;
    }
}
static ProtobufCAllocator list_allocator = {list_alloc, list_free, NULL};

/* ---- random choices ---- */

static uint64_t rng;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t pick(size_t n) { return n ? (size_t)(next() % n) : 0; }

static int64_t edge_int(void)
{
    static const int64_t v[] = {0, 1, 2, 3, -1, -2, 7, 16, 255, 1000000, INT32_MAX, (int64_t)1 << 31,
                                (int64_t)1 << 32, (int64_t)1 << 62, INT64_MAX, INT64_MIN, -1000000};
    return next() % 4 == 0 ? (int64_t)(next() % 64) - 8 : v[pick(sizeof v / sizeof v[0])];
}
static float edge_float(void)
{
    static const float v[] = {0.0f, -1.0f, 0.5f, 1e-30f, 1e30f, 3.0f, -0.0f};
    return v[pick(sizeof v / sizeof v[0])];
}
static char *value_name(const Onnx__GraphProto *g)
{
    size_t n = g->n_input + g->n_initializer + g->n_node;
    if (!n || next() % 8 == 0)
        return "";
    size_t k = pick(n);
    char *name;   /* an absent optional string unpacks as NULL, which must not be packed */
    if (k < g->n_input)
        name = g->input[k]->name;
    else if (k - g->n_input < g->n_initializer)
        name = g->initializer[k - g->n_input]->name;
    else {
        const Onnx__NodeProto *nd = g->node[k - g->n_input - g->n_initializer];
        name = nd->n_output ? nd->output[pick(nd->n_output)] : "";
    }
    return name ? name : "";
}

/* ---- the graphs of a model: main graph and attribute subgraphs ---- */

enum { MAX_GRAPHS = 64 };
static Onnx__GraphProto *graphs[MAX_GRAPHS];
static size_t ngraphs;

static void collect(Onnx__GraphProto *g, int depth)
{
    if (!g || ngraphs == MAX_GRAPHS || depth > 8)
        return;
    graphs[ngraphs++] = g;
    for (size_t i = 0; i < g->n_node; i++)
        for (size_t a = 0; a < g->node[i]->n_attribute; a++) {
            Onnx__AttributeProto *at = g->node[i]->attribute[a];
            collect(at->g, depth + 1);
            for (size_t k = 0; k < at->n_graphs; k++)
                collect(at->graphs[k], depth + 1);
        }
}

/* ---- mutations ---- */

static void mutate_attribute(Onnx__AttributeProto *at)
{
    static char *const names[] = {"kernel_shape", "pads", "strides", "dilations", "group", "axis", "axes",
                                  "perm", "auto_pad", "output_shape", "output_padding", "keepdims", "to",
                                  "split", "num_outputs", "mode", "transA", "transB", "batch_dims"};
    switch (next() % 6) {
    case 0:
        at->i = edge_int();
        at->has_i = 1;
        break;
    case 1:
        if (at->n_ints)
            at->ints[pick(at->n_ints)] = edge_int();
        break;
    case 2: {   /* a list of a new length */
        size_t n = pick(9);
        int64_t *v = list_alloc(NULL, (n + 1) * sizeof *v);
        if (!v)
            return;
        for (size_t k = 0; k < n; k++)
            v[k] = k < at->n_ints && next() % 2 ? at->ints[k] : edge_int();
        at->ints = v;
        at->n_ints = n;
        break;
    }
    case 3:
        at->type = (Onnx__AttributeProto__AttributeType)pick(15);
        at->has_type = 1;
        break;
    case 4:
        at->name = names[pick(sizeof names / sizeof names[0])];
        break;
    default:
        at->f = edge_float();
        at->has_f = 1;
        if (at->n_floats)
            at->floats[pick(at->n_floats)] = edge_float();
        break;
    }
}

static void mutate_node(Onnx__GraphProto *g)
{
    if (!g->n_node)
        return;
    size_t i = pick(g->n_node);
    Onnx__NodeProto *nd = g->node[i];
    switch (next() % 7) {
    case 0: {
        const struct pr_op *op = &pr_op_table[pick(PR_OP_COUNT)];
        nd->op_type = (char *)op->name;
        nd->domain = (char *)op->domain;
        break;
    }
    case 1:
        if (nd->n_input)
            nd->input[pick(nd->n_input)] = value_name(g);
        break;
    case 2: {   /* swap with another node: out of topological order */
        size_t j = pick(g->n_node);
        g->node[i] = g->node[j];
        g->node[j] = nd;
        break;
    }
    case 3:     /* remove */
        memmove(&g->node[i], &g->node[i + 1], (g->n_node - i - 1) * sizeof *g->node);
        g->n_node--;
        break;
    case 4: {   /* duplicate: the same outputs twice */
        Onnx__NodeProto **v = list_alloc(NULL, (g->n_node + 1) * sizeof *v);
        if (!v)
            return;
        memcpy(v, g->node, g->n_node * sizeof *v);
        v[g->n_node++] = nd;
        g->node = v;
        break;
    }
    default:
        if (nd->n_attribute)
            mutate_attribute(nd->attribute[pick(nd->n_attribute)]);
        break;
    }
}

static void mutate_shape(Onnx__TensorShapeProto *s)
{
    if (!s)
        return;
    switch (next() % 4) {
    case 0:     /* one dim more */
    case 1: {   /* one dim less, or a new value */
        if (next() % 2 == 0 && s->n_dim) {
            s->n_dim--;
            break;
        }
        Onnx__TensorShapeProto__Dimension **v = list_alloc(NULL, (s->n_dim + 1) * sizeof *v);
        Onnx__TensorShapeProto__Dimension *d = list_alloc(NULL, sizeof *d);
        if (!v || !d)
            return;
        onnx__tensor_shape_proto__dimension__init(d);
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = edge_int();
        if (s->n_dim)
            memcpy(v, s->dim, s->n_dim * sizeof *v);
        v[s->n_dim++] = d;
        s->dim = v;
        break;
    }
    default:
        if (!s->n_dim)
            return;
        Onnx__TensorShapeProto__Dimension *d = s->dim[pick(s->n_dim)];
        if (next() % 3 == 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = next() % 2 ? "batch" : "N";
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = edge_int();
        }
        break;
    }
}

static void mutate_value_info(Onnx__GraphProto *g)
{
    size_t n = g->n_input + g->n_output + g->n_value_info;
    if (!n)
        return;
    size_t k = pick(n);
    Onnx__ValueInfoProto *vi = k < g->n_input ? g->input[k]
                             : k < g->n_input + g->n_output ? g->output[k - g->n_input]
                             : g->value_info[k - g->n_input - g->n_output];
    Onnx__TypeProto *t = vi->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type)
        return;
    if (next() % 5 == 0) {
        t->tensor_type->elem_type = (int32_t)pick(24);
        t->tensor_type->has_elem_type = 1;
    } else {
        mutate_shape(t->tensor_type->shape);
    }
}

static void mutate_initializer(Onnx__GraphProto *g)
{
    if (!g->n_initializer)
        return;
    Onnx__TensorProto *t = g->initializer[pick(g->n_initializer)];
    switch (next() % 4) {
    case 0:
        if (t->n_dims)
            t->dims[pick(t->n_dims)] = edge_int();
        break;
    case 1:
        if (t->n_int64_data)
            t->int64_data[pick(t->n_int64_data)] = edge_int();
        break;
    case 2:
        if (t->has_raw_data && t->raw_data.len >= 8 && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) {
            int64_t v = edge_int();
            memcpy(t->raw_data.data + 8 * pick(t->raw_data.len / 8), &v, 8);
        }
        break;
    default:
        t->data_type = (int32_t)pick(24);
        t->has_data_type = 1;
        break;
    }
}

static void mutate_model(Onnx__ModelProto *mp)
{
    Onnx__GraphProto *g = graphs[pick(ngraphs)];
    switch (next() % 8) {
    case 0:
        if (mp->n_opset_import) {
            static const int64_t v[] = {1, 6, 7, 9, 10, 11, 12, 13, 17, 18, 21, 0, -1, 1000};
            mp->opset_import[pick(mp->n_opset_import)]->version = v[pick(sizeof v / sizeof v[0])];
        } else {
            mp->ir_version = (int64_t)pick(14);
        }
        break;
    case 1:
    case 2:
        mutate_value_info(g);
        break;
    case 3:
        mutate_initializer(g);
        break;
    default:
        mutate_node(g);
        break;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng = (uint64_t)seed * 0x9E3779B97F4A7C15ull + 1;
    struct pr_err err = {0};
    if (next() % 16 == 0 || pr_proto_check_nesting(data, size, &err) < 0)
        return LLVMFuzzerMutate(data, size, max_size);   /* deep nesting would overflow protobuf-c here */
    Onnx__ModelProto *mp = onnx__model_proto__unpack(&list_allocator, size, data);
    size_t out = 0;
    if (mp && mp->graph) {
        ngraphs = 0;
        collect(mp->graph, 0);
        int rounds = 1 + (int)pick(3);
        for (int r = 0; r < rounds; r++)
            mutate_model(mp);
        size_t need = onnx__model_proto__get_packed_size(mp);
        if (need <= max_size)
            out = onnx__model_proto__pack(mp, data);
    }
    list_release();
    return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
