/* nodesrc.c -- a graph's NodeProtos, unpacked up front or in batches
 * (nodesrc.h). */
#include "nodesrc.h"

#include <stdlib.h>
#include <string.h>

/* Where data[off, off + len) can be read (NULL with err set): a call of
 * fetch only outside the extent the last one reported. */
static const uint8_t *need(struct pr_nodesrc *s, uint64_t off, uint32_t len, struct pr_err *err)
{
    if (!s->fetch)
        return s->data + off;
    if (off < s->lo || off + len > s->hi) {
        int valid = s->fetch(s->ctx, (size_t)off, len, &s->at, err);
        if (valid < 0)
            return NULL;
        s->lo = (size_t)off;
        s->hi = s->lo + ((size_t)valid > len ? (size_t)valid : len);
    }
    return s->at + (off - s->lo);
}

int pr_nodesrc_open(struct pr_nodesrc *s, const Onnx__GraphProto *gp, const struct pr_wire_nodes *list,
                    const uint8_t *data, pr_wire_fetch fetch, void *ctx, ProtobufCAllocator *al,
                    const char *not_protobuf, struct pr_err *err)
{
    memset(s, 0, sizeof *s);
    s->gp = gp;
    s->n = gp->n_node;
    pr_pbmem_init(&s->scratch);
    if (!list)
        return 0;
    s->list = list;
    s->n = list->n;
    s->data = data;
    s->fetch = fetch;
    s->ctx = ctx;
    s->kept = malloc((list->n + 1) * sizeof *s->kept);
    if (!s->kept)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    pr_prefault(s->kept, (list->n + 1) * sizeof *s->kept);   /* written whole below */
    size_t copied = 0;
    for (size_t i = 0; i < list->n; i++) {
        const struct pr_wire_node *x = &list->node[i];
        s->kept[i] = NULL;
        if (x->len == PR_WIRE_IN_COPY) {
            if (copied >= gp->n_node)
                return pr_err_set(err, PR_E_INTERNAL, "wire pass: a node of the copy is missing");
            s->kept[i] = gp->node[copied++];
        } else if (x->keep) {
            const uint8_t *at = need(s, x->off, x->len, err);
            if (!at)
                return -1;
            if (!(s->kept[i] = onnx__node_proto__unpack(al, x->len, at)))
                return pr_err_set(err, PR_E_MODEL, "%s", not_protobuf);
        }
    }
    if (copied != gp->n_node)
        return pr_err_set(err, PR_E_INTERNAL, "wire pass: the copy has nodes it did not list");
    return 0;
}

void pr_nodesrc_close(struct pr_nodesrc *s)
{
    free(s->kept);
    pr_pbmem_free(&s->scratch);
    s->kept = NULL;
}

const Onnx__NodeProto *pr_nodesrc_peek(const struct pr_nodesrc *s, size_t i)
{
    if (!s->list)
        return s->gp->node[i];
    if (s->kept[i])
        return s->kept[i];
    return i >= s->base && i - s->base < s->nbatch ? s->batch[i - s->base] : NULL;
}

const Onnx__NodeProto *pr_nodesrc_get(struct pr_nodesrc *s, size_t i, struct pr_err *err)
{
    const Onnx__NodeProto *np = pr_nodesrc_peek(s, i);
    if (np)
        return np;
    /* a new batch: i and the nodes after it, in the scratch memory of the last */
    pr_pbmem_reset(&s->scratch);
    s->base = i;
    s->nbatch = 0;
    for (size_t j = i; j < s->n && s->nbatch < PR_NODESRC_BATCH; j++) {
        const struct pr_wire_node *x = &s->list->node[j];
        Onnx__NodeProto *u = s->kept[j];
        if (!u) {
            const uint8_t *at = need(s, x->off, x->len, err);
            if (!at)
                return NULL;
            if (!(u = onnx__node_proto__unpack(&s->scratch.al, x->len, at))) {
                pr_err_set(err, PR_E_INTERNAL, "out of memory unpacking node %zu", j);
                return NULL;
            }
        }
        s->batch[s->nbatch++] = u;
    }
    return s->batch[0];
}
