/* nodesrc.c -- a graph's NodeProtos, unpacked up front or in batches
 * (nodesrc.h). */
#include "nodesrc.h"

#include <stdlib.h>
#include <string.h>

/* Makes data[off, off + len) valid: a call of fetch only outside the
 * extent the last one reported. */
static int need(struct pr_nodesrc *s, uint64_t off, uint32_t len, struct pr_err *err)
{
    if (!s->fetch || (off >= s->lo && off + len <= s->hi))
        return 0;
    int valid = s->fetch(s->ctx, (size_t)off, len, err);
    if (valid < 0)
        return -1;
    s->lo = (size_t)off;
    s->hi = s->lo + ((size_t)valid > len ? (size_t)valid : len);
    return 0;
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
            if (need(s, x->off, x->len, err) < 0)
                return -1;
            if (!(s->kept[i] = onnx__node_proto__unpack(al, x->len, data + x->off)))
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
    pr_pbmem_free(&s->scratch);
    s->base = i;
    s->nbatch = 0;
    for (size_t j = i; j < s->n && s->nbatch < PR_NODESRC_BATCH; j++) {
        const struct pr_wire_node *x = &s->list->node[j];
        Onnx__NodeProto *u = s->kept[j];
        if (!u) {
            if (need(s, x->off, x->len, err) < 0)
                return NULL;
            if (!(u = onnx__node_proto__unpack(&s->scratch.al, x->len, s->data + x->off))) {
                pr_err_set(err, PR_E_INTERNAL, "out of memory unpacking node %zu", j);
                return NULL;
            }
        }
        s->batch[s->nbatch++] = u;
    }
    return s->batch[0];
}
