/* nodesrc.h -- the NodeProtos of a graph, as the loader reads them.
 *
 * A graph's nodes are its GraphProto's (gp->node), unless the wire pass
 * listed the main graph's nodes (wire.h, struct pr_wire_nodes). Then the
 * listed nodes marked keep (attributes, which node.c reads through the
 * proto for as long as the model lives; or string fields of another wire
 * type, which protobuf-c refuses) and those that stayed in the copy are
 * unpacked into the model's tree by pr_nodesrc_open(), in file order,
 * before the graph is built: a node protobuf-c refuses is found there, as
 * an unpack of the whole file would find it. A plain node is unpacked when
 * the loader comes to it, with the next PR_NODESRC_BATCH plain nodes, into
 * scratch memory that the next batch reuses: a million plain nodes cost
 * the memory of a batch, not a tree of a million NodeProtos and their
 * strings (about 200 bytes each). Its unpack cannot fail but for memory
 * (the wire pass checked every field protobuf-c reads), and a caller
 * copies what it keeps of it (pr_nodesrc_transient).
 */
#ifndef PR_NODESRC_H
#define PR_NODESRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "onnx.pb-c.h"
#include "pbmem.h"
#include "wire.h"

enum { PR_NODESRC_BATCH = 64 };

struct pr_nodesrc {
    const Onnx__GraphProto *gp;
    size_t n;                           /* nodes of the graph */
    /* listed nodes only (list not NULL) */
    const struct pr_wire_nodes *list;
    const uint8_t *data;                /* the file's bytes the list points into */
    pr_wire_fetch fetch;
    void *ctx;
    Onnx__NodeProto **kept;             /* [n]: the nodes in the tree; NULL for a plain one */
    struct pr_pbmem scratch;            /* the batch's memory */
    Onnx__NodeProto *batch[PR_NODESRC_BATCH];
    size_t base, nbatch;                /* batch[k] is node base + k */
    size_t lo, hi;                      /* data[lo, hi) is valid (fetched) ... */
    const uint8_t *at;                  /* ... and readable from here (pr_wire_fetch) */
};

/* The nodes of gp (list NULL: gp->node). With list, the kept nodes are
 * unpacked from data with al (the tree's allocator) and put in order with
 * those of gp (the copy's); fetch (NULL: data is all valid) reads the
 * bytes, and must leave those it read where they are while others are
 * fetched (the last extent is kept across other readers' calls). Returns 0, or -1 with err set: PR_E_MODEL when protobuf-c
 * refuses a node (the message of a failed unpack: not_protobuf). */
int pr_nodesrc_open(struct pr_nodesrc *s, const Onnx__GraphProto *gp, const struct pr_wire_nodes *list,
                    const uint8_t *data, pr_wire_fetch fetch, void *ctx, ProtobufCAllocator *al,
                    const char *not_protobuf, struct pr_err *err);
void pr_nodesrc_close(struct pr_nodesrc *s);

/* Node i (< s->n); NULL with err set when out of memory or the file
 * cannot be read. A plain node stays valid until a node outside its batch
 * is asked for. */
const Onnx__NodeProto *pr_nodesrc_get(struct pr_nodesrc *s, size_t i, struct pr_err *err);
/* Node i when it is at hand without unpacking (a kept node, or one of the
 * batch), else NULL. */
const Onnx__NodeProto *pr_nodesrc_peek(const struct pr_nodesrc *s, size_t i);
/* Whether node i's memory is reused by a later batch. */
static inline bool pr_nodesrc_transient(const struct pr_nodesrc *s, size_t i)
{
    return s->list && !s->kept[i];
}

#endif
