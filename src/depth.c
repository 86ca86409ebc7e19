/* depth.c -- a bounded walk of the ONNX wire format that measures nesting
 * (see depth.h).
 *
 * Only length-delimited fields that hold a recursive message are entered
 * (onnx.proto field numbers):
 *   ModelProto      graph 7, training_info 20, functions 25
 *   TrainingInfo    initialization 1, algorithm 2 (graphs)
 *   FunctionProto   node 7
 *   GraphProto      node 1, input 11, output 12, value_info 13
 *   NodeProto       attribute 5
 *   AttributeProto  g 6, graphs 11 (graphs); tp 14, type_protos 15 (types)
 *   ValueInfoProto  type 2
 *   TypeProto       sequence_type 4, map_type 5, optional_type 9, each of
 *                   which holds the element TypeProto (field 1; map: 2)
 * A graph inside an attribute counts one level of graph nesting; a type
 * inside a sequence, map or optional one level of type nesting. Everything
 * else is skipped by its wire type. Reading stops quietly at the first
 * malformed byte: protobuf-c reports corrupt files with its own error.
 */
#include "depth.h"

#include <stdbool.h>
#include <stdint.h>

enum msg { M_MODEL, M_TRAINING, M_FUNCTION, M_GRAPH, M_NODE, M_ATTR, M_VALUE_INFO, M_TYPE, M_TYPE_ELEM, M_SKIP };

struct walk {
    int graphs, types;        /* current nesting */
    const char *what;         /* set when a limit is passed */
};

static bool read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* The message type held by field num of a message of type m, or M_SKIP. */
static enum msg child(enum msg m, uint64_t num)
{
    switch (m) {
    case M_MODEL: return num == 7 ? M_GRAPH : num == 20 ? M_TRAINING : num == 25 ? M_FUNCTION : M_SKIP;
    case M_TRAINING: return num == 1 || num == 2 ? M_GRAPH : M_SKIP;
    case M_FUNCTION: return num == 7 ? M_NODE : M_SKIP;
    case M_GRAPH: return num == 1 ? M_NODE : num >= 11 && num <= 13 ? M_VALUE_INFO : M_SKIP;
    case M_NODE: return num == 5 ? M_ATTR : M_SKIP;
    case M_ATTR: return num == 6 || num == 11 ? M_GRAPH : num == 14 || num == 15 ? M_TYPE : M_SKIP;
    case M_VALUE_INFO: return num == 2 ? M_TYPE : M_SKIP;
    case M_TYPE: return num == 4 || num == 5 || num == 9 ? M_TYPE_ELEM : M_SKIP;
    case M_TYPE_ELEM: return num == 1 || num == 2 ? M_TYPE : M_SKIP;
    default: return M_SKIP;
    }
}

/* Walks one message of type m in [p, end); false when a limit is passed. */
static bool walk_msg(struct walk *w, enum msg m, const uint8_t *p, const uint8_t *end)
{
    while (p < end) {
        uint64_t key, len;
        if (!read_varint(&p, end, &key))
            return true;
        switch (key & 7) {
        case 0:
            if (!read_varint(&p, end, &len))
                return true;
            continue;
        case 1:
            if (end - p < 8)
                return true;
            p += 8;
            continue;
        case 5:
            if (end - p < 4)
                return true;
            p += 4;
            continue;
        case 2:
            break;
        default:
            return true;     /* groups or garbage: the unpacker decides */
        }
        if (!read_varint(&p, end, &len) || len > (uint64_t)(end - p))
            return true;
        enum msg c = child(m, key >> 3);
        if (c != M_SKIP) {
            /* a graph held by an attribute, or a type held by a type, is one level deeper */
            bool graph_level = c == M_GRAPH && m == M_ATTR;
            bool type_level = c == M_TYPE && m == M_TYPE_ELEM;
            w->graphs += graph_level;
            w->types += type_level;
            if (w->graphs > PR_MAX_NESTING || w->types > PR_MAX_NESTING) {
                w->what = w->graphs > PR_MAX_NESTING ? "graph" : "type";
                return false;
            }
            if (!walk_msg(w, c, p, p + len))
                return false;
            w->graphs -= graph_level;
            w->types -= type_level;
        }
        p += len;
    }
    return true;
}

int pr_proto_depth_check(const void *data, size_t size, const char **what)
{
    struct walk w = {0};
    if (walk_msg(&w, M_MODEL, data, (const uint8_t *)data + size))
        return 0;
    *what = w.what;
    return -1;
}
