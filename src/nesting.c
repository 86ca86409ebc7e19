/* nesting.c -- depth check of an ONNX file's wire format (see nesting.h).
 *
 * A protobuf message is a list of (key, value) pairs; key = field << 3 |
 * wire type. Only length-delimited fields that the ONNX schema declares as
 * nested messages on a recursive path are entered:
 *   ModelProto.graph(7) .training_info(20) .functions(25)
 *   TrainingInfoProto.initialization(1) .algorithm(2)   FunctionProto.node(7)
 *   GraphProto.node(1) .input(11) .output(12) .value_info(13)
 *   NodeProto.attribute(5)      AttributeProto.g(6) .graphs(11) .tp(14) .type_protos(15)
 *   ValueInfoProto.type(2)      TypeProto.sequence_type(4) .map_type(5) .optional_type(9)
 *   Sequence.elem_type(1)  Optional.elem_type(1)  Map.value_type(2)
 * An attribute's graph is one subgraph level deeper; a TypeProto inside a
 * TypeProto one type level deeper. Both are capped at PR_MAX_NESTING, which
 * also bounds this file's own recursion.
 */
#include "nesting.h"

#include <stdint.h>

#include "model.h"

enum msg { M_MODEL, M_TRAIN, M_FUNC, M_GRAPH, M_NODE, M_ATTR, M_VINFO, M_TYPE, M_TSEQ, M_TMAP, M_TOPT, M_NONE };

/* The message type of field f of a message of type m, or M_NONE. */
static enum msg child(enum msg m, uint64_t f)
{
    switch (m) {
    case M_MODEL: return f == 7 ? M_GRAPH : f == 20 ? M_TRAIN : f == 25 ? M_FUNC : M_NONE;
    case M_TRAIN: return f == 1 || f == 2 ? M_GRAPH : M_NONE;
    case M_FUNC: return f == 7 ? M_NODE : M_NONE;
    case M_GRAPH: return f == 1 ? M_NODE : f == 11 || f == 12 || f == 13 ? M_VINFO : M_NONE;
    case M_NODE: return f == 5 ? M_ATTR : M_NONE;
    case M_ATTR: return f == 6 || f == 11 ? M_GRAPH : f == 14 || f == 15 ? M_TYPE : M_NONE;
    case M_VINFO: return f == 2 ? M_TYPE : M_NONE;
    case M_TYPE: return f == 4 ? M_TSEQ : f == 5 ? M_TMAP : f == 9 ? M_TOPT : M_NONE;
    case M_TSEQ: case M_TOPT: return f == 1 ? M_TYPE : M_NONE;
    case M_TMAP: return f == 2 ? M_TYPE : M_NONE;
    default: return M_NONE;
    }
}

/* Reads a varint at *p (< end); 0, or -1 when truncated or too long. */
static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

int pr_nesting_refused(int which, struct pr_err *err)
{
    if (which == 1)
        return pr_err_set(err, PR_E_MODEL,
                          "subgraphs (If/Loop/Scan bodies) are nested more than %d deep; priori refuses deeper nesting: flatten the control flow",
                          PR_MAX_NESTING);
    return pr_err_set(err, PR_E_MODEL, "a value's type nests sequences, maps or optionals more than %d deep; priori refuses deeper nesting",
                      PR_MAX_NESTING);
}

/* 0 ok or malformed (left to the unpacker), -1 too deep (err set). */
static int scan(const uint8_t *p, const uint8_t *end, enum msg m, int graphs, int types, struct pr_err *err)
{
    while (p < end) {
        uint64_t key, len;
        if (varint(&p, end, &key) < 0)
            return 0;
        switch (key & 7) {
        case 0:
            if (varint(&p, end, &len) < 0)
                return 0;
            continue;
        case 1:
            if (end - p < 8)
                return 0;
            p += 8;
            continue;
        case 5:
            if (end - p < 4)
                return 0;
            p += 4;
            continue;
        case 2:
            break;
        default:
            return 0;   /* groups or garbage: the unpacker decides */
        }
        if (varint(&p, end, &len) < 0 || len > (uint64_t)(end - p))
            return 0;
        enum msg c = child(m, key >> 3);
        if (c != M_NONE) {
            int g = graphs + (m == M_ATTR && c == M_GRAPH);
            int t = types + (m == M_TSEQ || m == M_TMAP || m == M_TOPT);
            if (g > PR_MAX_NESTING || t > PR_MAX_NESTING)
                return pr_nesting_refused(g > PR_MAX_NESTING ? 1 : 2, err);
            if (scan(p, p + len, c, g, t, err) < 0)
                return -1;
        }
        p += len;
    }
    return 0;
}

int pr_proto_check_nesting(const void *data, size_t size, struct pr_err *err)
{
    const uint8_t *p = data;
    return scan(p, p + size, M_MODEL, 0, 0, err);
}
