/* wire.h -- take the weight payloads out of an ONNX file before unpacking.
 *
 * protobuf-c copies every bytes field it unpacks, so unpacking a model
 * copies (and pages in) all of its weights, which analysis never reads.
 * pr_wire_strip() reads the protobuf wire format of a ModelProto and writes
 * a copy without the large payloads of every TensorProto it reaches
 * (initializers, Constant and other tensor attributes, sparse tensors, in
 * the main graph, in subgraphs of If/Loop/Scan, in functions and training
 * graphs); in place of each it leaves a marker: an unknown field that
 * records (field, offset, length) of the payload in the original bytes.
 * protobuf-c unpacks the copy (the graph only: cost and memory follow the
 * graph's size), and pr_wire_restore() gives back the raw_data of tensors
 * small enough to be decoded (shape constants), read from the file only
 * then; larger ones keep their length only, their bytes never read.
 *
 * The input is hostile: every varint and length is checked against its
 * enclosing message, nesting deeper than PR_WIRE_MAX_DEPTH messages is
 * refused (protobuf-c itself recurses without a limit), and a failure is an
 * error message with the byte offset, never a crash.
 */
#ifndef PR_WIRE_H
#define PR_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "err.h"

enum {
    PR_WIRE_MAX_DEPTH = 3 * 64 + 16, /* nested messages followed: 64 levels of subgraphs (3 messages
                                        each) and then some; nesting.c then enforces the 64 exactly */
    PR_WIRE_INLINE_MAX = 64,        /* payload bytes that stay in the copy */
    PR_WIRE_TYPED_MAX = 65536,      /* float_data etc. larger than this are always stripped */
    PR_WIRE_VALUES_MAX = 32768,     /* raw_data of PR_CONST_MAX elements of 8 bytes */
    PR_WIRE_MARK = 536870911        /* field number of a marker (2^29 - 1, the largest) */
};

/* Makes the len bytes of data at off readable (reads them from the file)
 * and points *at at them: in data itself, or in a buffer of the callee's,
 * so that a few bytes far apart in a large file cost no memory of their
 * own. Returns how many bytes from off are readable at *at (at least len;
 * 0 stands for len), so that the caller calls it again only past them;
 * they stay readable until the next call. -1 with err set on failure.
 * NULL: all of data is readable where it is. */
typedef int (*pr_wire_fetch)(void *ctx, size_t off, size_t len, const uint8_t **at, struct pr_err *err);

/* What the pass removed (for tests and the benchmark), and how deep the
 * model nests. */
struct pr_wire_stats {
    size_t tensors;                 /* TensorProto messages seen */
    size_t stripped;                /* payload fields removed */
    uint64_t stripped_bytes;        /* their payload bytes */
    size_t node_markers;            /* of them, in tensors a NodeProto holds (its attributes and
                                       their subgraphs, at any depth) */
    int nest_limit;                 /* in: the levels nesting.h allows (PR_MAX_NESTING); 0: not counted */
    int nest_excess;                /* out: the limit a message first went past, in the order
                                       nesting.c finds it: 1 subgraphs, 2 types; 0 none (the pass
                                       succeeds either way) */
};

/* Copies the ModelProto in data[0..size) to *out (malloc'ed, *out_size
 * bytes) without the payloads described above. A TensorProto's raw_data
 * longer than PR_WIRE_INLINE_MAX is always stripped (pr_wire_restore puts
 * it back). Its typed fields (float_data, int32_data, string_data,
 * int64_data, double_data, uint64_data) are stripped only when their values
 * can never be needed: the tensor has more than PR_CONST_MAX elements or is
 * stored externally; or when they are larger than any tensor of up to
 * PR_CONST_MAX elements could use (PR_WIRE_TYPED_MAX bytes). Incoming
 * fields numbered PR_WIRE_MARK in a TensorProto are dropped, so every
 * marker comes from this pass. With fetch, only the bytes the pass reads
 * are fetched: tags, lengths and the fields it copies, never a stripped
 * payload. With st->nest_limit set, it also counts subgraph and type
 * nesting as pr_proto_check_nesting() does (nesting.h) on the copy, into
 * st->nest_excess. Returns 0, or -1 with err set
 * (PR_E_MODEL, the byte offset in the message; PR_E_INTERNAL on out
 * of memory); st may be NULL. */
int pr_wire_strip(const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                  uint8_t **out, size_t *out_size, struct pr_wire_stats *st, struct pr_err *err);

/* The main graph's nodes, taken out of the copy by pr_wire_strip_nodes:
 * every node field of the main graph in file order, each either the bytes
 * of a NodeProto the pass leaves as it is (off, len in the input) or, len
 * PR_WIRE_IN_COPY, the next node that stayed in the copy's graph (one
 * whose tensors lost their payloads). The caller unpacks each (protobuf-c's
 * NodeProto unpack, as the graph's own would) and puts them back in
 * order: protobuf-c then neither copies the graph's bytes nor keeps a scan
 * record per node field. */
#define PR_WIRE_IN_COPY UINT32_MAX

struct pr_wire_node {
    uint64_t off;
    uint32_t len;
    bool keep;                      /* it has attributes (NodeProto field 5), or one of its string
                                       fields (1-4, 6, 7) has another wire type (protobuf-c refuses
                                       that); false: a plain node, whose unpack cannot fail but
                                       for memory */
};

struct pr_wire_nodes {
    struct pr_wire_node *node;      /* malloc'ed (the caller frees it) */
    size_t n;
    bool extracted;                 /* false: the model has no graph or several graph fields
                                       (protobuf-c merges them): every node is in the copy */
    /* the plain nodes listed (keep false): how many, their input and
     * output fields, their output fields (what protobuf-c counts as
     * n_input and n_output when it unpacks them) */
    size_t plain;
    uint64_t plain_io, plain_outputs;
};

/* pr_wire_strip, with the main graph's nodes in *nodes rather than in
 * the copy (see above). On error *nodes is empty. */
int pr_wire_strip_nodes(const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                        uint8_t **out, size_t *out_size, struct pr_wire_stats *st, struct pr_wire_nodes *nodes,
                        struct pr_err *err);

/* A payload removed from a TensorProto, as its marker records it. */
struct pr_wire_span {
    int field;                      /* 9 raw_data, 4 float_data, ... */
    uint64_t offset, length;        /* in the original bytes; typed fields: first payload, total bytes */
};

/* The marker for field in the unknown fields of tensor (an
 * Onnx__TensorProto unpacked from a stripped copy): 1 and *span filled, or
 * 0 when the field was not stripped. */
int pr_wire_marker(const void *tensor, int field, struct pr_wire_span *span);

/* Gives back the raw_data of every TensorProto of model (an
 * Onnx__ModelProto unpacked from pr_wire_strip's copy of data): one of up
 * to PR_WIRE_VALUES_MAX bytes (any tensor small enough for its values to be
 * decoded) is fetched and copied into memory from al (the allocator the
 * tree was unpacked with; NULL: protobuf-c's default); a longer one keeps
 * only its length, with data NULL: its bytes are never read. st: what
 * pr_wire_strip reported (NULL: not known); with st->node_markers 0 the
 * nodes are not looked at (on a large graph, a pass over cold memory).
 * data is not needed afterwards. Returns 0, or -1 with err set. */
int pr_wire_restore(void *model, const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                    ProtobufCAllocator *al, const struct pr_wire_stats *st, struct pr_err *err);

#endif
