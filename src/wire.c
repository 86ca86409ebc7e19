/* wire.c -- strip weight payloads from an ONNX file's wire format (wire.h).
 *
 * Wire format: a message is a sequence of fields; each field is a varint
 * tag (field number << 3 | wire type) then, by wire type, a varint (0),
 * 8 bytes (1), a varint length and that many bytes (2: strings, bytes,
 * packed repeated scalars, nested messages) or 4 bytes (5). Types 3 and 4
 * (groups) are not used by ONNX and are refused, as protobuf-c does; 6 and
 * 7 do not exist. The framing follows protobuf-c's reader exactly (tags and
 * lengths of at most 5 bytes, kept to 32 bits; varints of at most 10), so
 * the pass refuses nothing protobuf-c would accept, except nesting deeper
 * than PR_WIRE_MAX_DEPTH (checked by fuzzing against protobuf-c).
 *
 * The pass knows the ONNX schema only along the paths that lead to a
 * TensorProto, plus TypeProto (the schema's other recursion); every other
 * field is copied verbatim. Nested messages change length when a payload
 * inside them goes, so the copy is made in two walks over the same bytes:
 * the first (measure) computes the new length of every message it descends
 * into, in pre-order, into c->sizes; the second (emit) writes the tags, the
 * recorded lengths and the fields. Both walks do the same checks; a
 * message that the first walk found unchanged (its new length is its old
 * one: every change shortens it, see below) is copied by the second as
 * one block, without descending. With a fetch callback (the file read on
 * demand), each field's first 15 bytes (tag and length) and every field
 * copied are asked for, a stripped payload never; the callback may say
 * that more bytes than asked are valid, and the pass asks again only past
 * them. Positions stay addresses in the input (offsets in messages,
 * payload ends), while bytes are read where the last call put them
 * (rd()), which may be a small buffer of the callback's.
 *
 * Every change shortens the message holding it: a payload goes only when
 * it is longer than PR_WIRE_INLINE_MAX (64) bytes and its marker takes at
 * most 27 (a 5-byte tag, a 1-byte length, three varints of at most 1, 10
 * and 10 bytes); an incoming marker is dropped; a nested message's tag
 * and length are re-encoded minimally. So a message whose new length
 * equals its old one holds its old bytes.
 *
 * The first walk also counts the levels nesting.h limits (subgraphs:
 * an attribute's graph; types: a TypeProto within a Sequence, Map or
 * Optional type) along the same fields nesting.c follows, and records
 * which limit a message first went past, in pre-order as nesting.c
 * finds it (pr_wire_stats.nest_excess).
 *
 * Singular TensorProto fields given twice (AttributeProto.t,
 * SparseTensorProto.values/indices) are merged by protobuf-c, which keeps
 * only the later message's unknown fields, so markers would be lost:
 * tensors under such a field keep their payloads.
 */
#include "wire.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "onnx.pb-c.h"
#include "ir.h"

enum kind {
    K_OTHER,        /* copied verbatim */
    K_MODEL, K_GRAPH, K_NODE, K_ATTR, K_TENSOR, K_SPARSE, K_TRAINING, K_FUNCTION,
    K_VALUE_INFO, K_TYPE, K_TYPE_SEQ, K_TYPE_MAP, K_TYPE_OPT
};

enum { WT_VARINT = 0, WT_64 = 1, WT_LEN = 2, WT_32 = 5 };

/* TensorProto fields that hold values. */
enum { F_FLOAT = 4, F_INT32 = 5, F_STRING = 6, F_INT64 = 7, F_RAW = 9, F_DOUBLE = 10, F_UINT64 = 11,
       F_PAYLOAD_MAX = 11 };

/* Kind of the message in field num of a message of kind k (K_OTHER: not followed). */
static enum kind child_kind(enum kind k, uint32_t num)
{
    switch (k) {
    case K_MODEL: return num == 7 ? K_GRAPH : num == 20 ? K_TRAINING : num == 25 ? K_FUNCTION : K_OTHER;
    case K_GRAPH:
        if (num == 1) return K_NODE;
        if (num == 5) return K_TENSOR;
        if (num == 15) return K_SPARSE;
        return num == 11 || num == 12 || num == 13 ? K_VALUE_INFO : K_OTHER;
    case K_NODE: return num == 5 ? K_ATTR : K_OTHER;
    case K_ATTR:
        if (num == 5 || num == 10) return K_TENSOR;
        if (num == 6 || num == 11) return K_GRAPH;
        if (num == 22 || num == 23) return K_SPARSE;
        return num == 14 || num == 15 ? K_TYPE : K_OTHER;
    case K_SPARSE: return num == 1 || num == 2 ? K_TENSOR : K_OTHER;
    case K_TRAINING: return num == 1 || num == 2 ? K_GRAPH : K_OTHER;
    case K_FUNCTION: return num == 7 ? K_NODE : K_OTHER;
    case K_VALUE_INFO: return num == 2 ? K_TYPE : K_OTHER;
    case K_TYPE: return num == 4 ? K_TYPE_SEQ : num == 5 ? K_TYPE_MAP : num == 9 ? K_TYPE_OPT : K_OTHER;
    case K_TYPE_SEQ: case K_TYPE_OPT: return num == 1 ? K_TYPE : K_OTHER;
    case K_TYPE_MAP: return num == 2 ? K_TYPE : K_OTHER;
    default: return K_OTHER;
    }
}

struct wctx {
    const uint8_t *base;        /* the whole input: offsets in messages count from here */
    const uint8_t *valid_lo, *valid_hi; /* with fetch: bytes known to be valid (the last fetch's extent) */
    const uint8_t *win;         /* with fetch: where the byte at valid_lo is readable (pr_wire_fetch) */
    uint8_t *out;               /* emit walk: the copy; NULL while measuring */
    size_t pos;                 /* emit walk: bytes written */
    uint32_t *sizes;            /* new content length of each descended message, pre-order */
    size_t nsizes, cap, cursor;
    struct pr_wire_stats *st;
    pr_wire_fetch fetch;        /* NULL: all of the input is in memory */
    bool extract;               /* the main graph's nodes go to nodes, not into the copy */
    struct pr_wire_nodes *nodes;
    size_t nodes_cap, nodes_mapped;   /* entries allocated, bytes of them mapped (pr_prefault_ahead) */
    size_t graph_len;           /* bytes of the main graph: each of its nodes takes two or more */
    uint32_t node_fields[3];    /* of the main-graph node measured now: inputs, outputs, and
                                   attributes or fields protobuf-c may refuse (see take_node) */
    void *fetch_ctx;
    struct pr_err *err;
};

/* One field as read from the wire. */
struct field {
    uint32_t num;
    unsigned wt;
    const uint8_t *start;       /* its tag */
    const uint8_t *data;        /* its payload (after the length for WT_LEN) */
    size_t len;                 /* payload bytes */
    uint64_t value;             /* WT_VARINT: the value */
};

static int bad(struct wctx *c, const uint8_t *at, const char *what)
{
    return pr_err_set(c->err, PR_E_MODEL,
                      "not a valid ONNX protobuf: %s at byte %zu; re-export or re-download the model",
                      what, (size_t)(at - c->base));
}

static int need_fetch(struct wctx *c, const uint8_t *p, size_t n)
{
    const uint8_t *at;
    int rc = c->fetch(c->fetch_ctx, (size_t)(p - c->base), n, &at, c->err);
    if (rc < 0)
        return -1;
    c->win = at;
    c->valid_lo = p;
    c->valid_hi = p + ((size_t)rc > n ? (size_t)rc : n);
    return 0;
}

/* Makes n bytes at p valid: a call of fetch only outside the extent the
 * last one reported. */
static inline int need(struct wctx *c, const uint8_t *p, size_t n)
{
    if (!c->fetch || (p >= c->valid_lo && p <= c->valid_hi && (size_t)(c->valid_hi - p) >= n))
        return 0;
    return need_fetch(c, p, n);
}

/* Where the input's byte at p (made valid by need) can be read: positions
 * stay in the input's addresses, bytes are read through this. */
static inline const uint8_t *rd(const struct wctx *c, const uint8_t *p)
{
    return c->fetch ? c->win + (p - c->valid_lo) : p;
}

/* Varint of at most maxlen bytes in [*p, end). */
static inline int get_varint(struct wctx *c, const uint8_t **p, const uint8_t *end, unsigned maxlen, uint64_t *v)
{
    const uint8_t *at = *p, *b = rd(c, at);
    if (at < end && !(b[0] & 0x80)) {   /* one byte: most tags and lengths */
        *v = b[0];
        *p = at + 1;
        return 0;
    }
    uint64_t x = 0;
    *v = 0;
    for (unsigned i = 0; i < maxlen; i++) {
        if (at + i >= end)
            return bad(c, *p, "a varint runs past the end of its message");
        x |= (uint64_t)(b[i] & 0x7f) << (7 * i);
        if (!(b[i] & 0x80)) {
            *v = x;
            *p = at + i + 1;
            return 0;
        }
    }
    return bad(c, *p, maxlen == 5 ? "a tag or length is longer than 5 bytes" : "a varint is longer than 10 bytes");
}

static int next_field_any(struct wctx *c, const uint8_t **p, const uint8_t *end, struct field *f)
{
    uint64_t tag;
    f->start = *p;
    /* a tag (<= 5 bytes) and a varint (<= 10), or a length (<= 5) */
    if (need(c, *p, (size_t)(end - *p) < 15 ? (size_t)(end - *p) : 15) < 0 ||
        get_varint(c, p, end, 5, &tag) < 0)
        return -1;
    f->num = (uint32_t)(tag >> 3);   /* 32 bits, as protobuf-c reads it */
    f->wt = (unsigned)(tag & 7);
    /* Field number 0 is invalid in protobuf and never written by an ONNX
     * exporter: refused here, at the first such byte, so a file of zeros
     * costs one byte of reading instead of a copy of its whole size. */
    if (f->num == 0)
        return bad(c, f->start, "field number 0 (not valid protobuf)");
    f->value = 0;
    switch (f->wt) {
    case WT_VARINT:
        f->data = *p;
        if (get_varint(c, p, end, 10, &f->value) < 0)
            return -1;
        f->len = (size_t)(*p - f->data);
        return 0;
    case WT_64:
    case WT_32:
        f->len = f->wt == WT_64 ? 8 : 4;
        if ((size_t)(end - *p) < f->len)
            return bad(c, *p, "a fixed-size field runs past the end of its message");
        f->data = *p;
        *p += f->len;
        return 0;
    case WT_LEN: {
        uint64_t n;
        const uint8_t *lp = *p;
        if (get_varint(c, p, end, 5, &n) < 0)
            return -1;
        n &= UINT32_MAX;                 /* protobuf-c keeps 32 bits of a length */
        if (n > (uint64_t)(end - *p))
            return bad(c, lp, "a length runs past the end of its message");
        f->data = *p;
        f->len = (size_t)n;
        *p += n;
        return 0;
    }
    case 3:
    case 4:
        return bad(c, f->start, "a group (wire types 3 and 4, not used by ONNX)");
    default:
        return bad(c, f->start, "an undefined wire type (6 or 7)");
    }
}

/* The next field; the common case (a 1-byte tag, then a 1-byte length or
 * varint, in bytes already valid) without the general reader, which
 * makes the same checks. */
static inline int next_field(struct wctx *c, const uint8_t **p, const uint8_t *end, struct field *f)
{
    const uint8_t *q = *p;
    size_t avail = (size_t)(end - q);
    /* valid bytes first: a byte not read yet is not looked at (its page is not mapped for nothing) */
    const uint8_t *b;
    if (avail >= 2 &&
        (!c->fetch || (q >= c->valid_lo && q <= c->valid_hi && (size_t)(c->valid_hi - q) >= (avail < 15 ? avail : 15))) &&
        (b = rd(c, q))[0] < 0x80 && b[0] >= 8 && b[1] < 0x80) {
        unsigned wt = b[0] & 7;
        if (wt == WT_LEN && b[1] <= avail - 2) {
            f->start = q;
            f->num = b[0] >> 3;
            f->wt = WT_LEN;
            f->value = 0;
            f->data = q + 2;
            f->len = b[1];
            *p = q + 2 + b[1];
            return 0;
        }
        if (wt == WT_VARINT) {
            f->start = q;
            f->num = b[0] >> 3;
            f->wt = WT_VARINT;
            f->value = b[1];
            f->data = q + 1;
            f->len = 1;
            *p = q + 2;
            return 0;
        }
    }
    return next_field_any(c, p, end, f);
}

/* ---- output ---- */

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static void put_varint(struct wctx *c, uint64_t v)
{
    while (v >= 0x80) {
        c->out[c->pos++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    c->out[c->pos++] = (uint8_t)v;
}

/* Emits (or measures) bytes verbatim. */
static int put_bytes(struct wctx *c, const uint8_t *p, size_t n, uint64_t *size)
{
    if (c->out) {
        if (need(c, p, n) < 0)
            return -1;
        memcpy(c->out + c->pos, rd(c, p), n);
        c->pos += n;
    }
    *size += n;
    return 0;
}

/* A marker: field PR_WIRE_MARK, wire type 2, three varints. */
static void put_marker(struct wctx *c, int field, uint64_t off, uint64_t len, uint64_t *size)
{
    uint64_t body = varint_size((uint64_t)field) + varint_size(off) + varint_size(len);
    uint64_t tag = (uint64_t)PR_WIRE_MARK << 3 | WT_LEN;
    if (c->out) {
        put_varint(c, tag);
        put_varint(c, body);
        put_varint(c, (uint64_t)field);
        put_varint(c, off);
        put_varint(c, len);
    }
    *size += varint_size(tag) + varint_size(body) + body;
}

/* Where a message sits: messages above it, and the levels nesting.h
 * limits (subgraphs, types); keep: its tensors keep their payloads. */
struct level {
    int depth, graphs, types;
    bool keep;
    bool in_node;               /* a NodeProto holds it (an attribute, a subgraph's tensor) */
    bool main_graph;            /* the main graph, its nodes taken out of the copy */
    bool main_node;             /* a node of it (its fields are counted) */
};

static int walk(struct wctx *c, enum kind k, const uint8_t *p, const uint8_t *end, struct level lv,
                uint64_t *size);

/* The levels of a message of kind ck held by one of kind k at lv, as
 * nesting.c counts them; the first limit passed is recorded. */
static struct level child_level(struct wctx *c, enum kind k, enum kind ck, struct level lv)
{
    lv.depth++;
    lv.main_node = lv.main_graph && ck == K_NODE;
    lv.main_graph = k == K_MODEL && ck == K_GRAPH && c->extract;
    lv.in_node = lv.in_node || ck == K_NODE;
    lv.graphs += k == K_ATTR && ck == K_GRAPH;
    lv.types += k == K_TYPE_SEQ || k == K_TYPE_MAP || k == K_TYPE_OPT;
    if (c->st && !c->out && !c->st->nest_excess && c->st->nest_limit > 0)
        c->st->nest_excess = lv.graphs > c->st->nest_limit ? 1 : lv.types > c->st->nest_limit ? 2 : 0;
    return lv;
}

/* Notes a node of the main graph: at off, len bytes, or (PR_WIRE_IN_COPY)
 * the next one of the copy's graph; its field counts are c->node_fields. */
static int take_node(struct wctx *c, uint64_t off, uint32_t len)
{
    const uint32_t *nf = c->node_fields;
    struct pr_wire_nodes *ns = c->nodes;
    if (ns->n == c->nodes_cap) {
        /* first as many as the graph's bytes can hold (up to 16 MiB of entries, mapped as they fill),
           then doubled */
        enum { FIRST_MAX = 1 << 20 };
        size_t first = c->graph_len / 2 + 1 < FIRST_MAX ? c->graph_len / 2 + 1 : FIRST_MAX;
        size_t cap = c->nodes_cap ? 2 * c->nodes_cap : first > 1024 ? first : 1024;
        struct pr_wire_node *more = realloc(ns->node, cap * sizeof *more);
        if (!more)
            return pr_err_set(c->err, PR_E_INTERNAL, "out of memory reading the model");
        ns->node = more;
        c->nodes_cap = cap;
    }
    pr_prefault_ahead(ns->node, c->nodes_cap * sizeof *ns->node, (ns->n + 1) * sizeof *ns->node, &c->nodes_mapped);
    ns->node[ns->n].off = off;
    ns->node[ns->n].len = len;
    ns->node[ns->n++].keep = nf[2] > 0;
    if (len != PR_WIRE_IN_COPY && !nf[2]) {
        ns->plain++;
        ns->plain_io += (uint64_t)nf[0] + nf[1];
        ns->plain_outputs += nf[1];
    }
    return 0;
}

/* Whether the NodeProto in [p, end) is plain: no attribute (the only
 * field through which the pass would change a node) and every string
 * field of wire type 2 (node_fields counted). The fields are read with
 * the walk's checks, so an error is the walk's error. 1 plain, 0 not, -1
 * error. */
static int plain_node(struct wctx *c, const uint8_t *p, const uint8_t *end)
{
    struct field f;
    while (p < end) {
        if (next_field(c, &p, end, &f) < 0)
            return -1;
        if (f.num <= 7) {
            if (f.num == 5 || f.wt != WT_LEN)
                return 0;
            if (f.num <= 2)
                c->node_fields[f.num - 1]++;
        }
    }
    return 1;
}

/* Field f (wire type 2) holds a message of kind ck: measure or emit it. A
 * node of the main graph that the pass leaves as it is goes to c->nodes
 * instead of the copy (with extraction). */
static int put_child(struct wctx *c, enum kind k, enum kind ck, const struct field *f, struct level lv,
                     uint64_t *size)
{
    uint64_t tag = (uint64_t)f->num << 3 | WT_LEN, inner = 0;
    bool take = lv.main_graph && ck == K_NODE;
    struct level in = child_level(c, k, ck, lv);
    if (in.main_graph)
        c->graph_len = f->len;
    if (!c->out) {
        if (c->nsizes == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 1024;
            uint32_t *s = realloc(c->sizes, cap * sizeof *s);
            if (!s)
                return pr_err_set(c->err, PR_E_INTERNAL, "out of memory reading the model");
            c->sizes = s;
            c->cap = cap;
        }
        size_t slot = c->nsizes++;
        if (take) {   /* a plain node is left as it is: no need to walk it as a message */
            memset(c->node_fields, 0, sizeof c->node_fields);
            int plain = plain_node(c, f->data, f->data + f->len);
            if (plain < 0)
                return -1;
            if (plain) {
                c->sizes[slot] = (uint32_t)f->len;
                c->nsizes = slot + 1;
                return take_node(c, (uint64_t)(f->data - c->base), (uint32_t)f->len);
            }
            memset(c->node_fields, 0, sizeof c->node_fields);
        }
        if (walk(c, ck, f->data, f->data + f->len, in, &inner) < 0)
            return -1;
        if (inner > UINT32_MAX)
            return bad(c, f->start, "a message grows past 4 GB");
        c->sizes[slot] = (uint32_t)inner;
        if (inner == f->len) {   /* unchanged: the emit walk copies it whole, its inner sizes are not needed */
            c->nsizes = slot + 1;
            if (take)
                return take_node(c, (uint64_t)(f->data - c->base), (uint32_t)f->len);
            *size += (uint64_t)(f->data + f->len - f->start);
            return 0;
        }
        if (take && take_node(c, 0, PR_WIRE_IN_COPY) < 0)
            return -1;
    } else {
        if (c->cursor >= c->nsizes)
            return pr_err_set(c->err, PR_E_INTERNAL, "wire pass: the two walks disagree");
        uint32_t want = c->sizes[c->cursor++];
        if (want == f->len)
            return take ? 0 : put_bytes(c, f->start, (size_t)(f->data + f->len - f->start), size);
        put_varint(c, tag);
        put_varint(c, want);
        size_t at = c->pos;
        if (walk(c, ck, f->data, f->data + f->len, in, &inner) < 0)
            return -1;
        if (inner != want || c->pos - at != want)
            return pr_err_set(c->err, PR_E_INTERNAL, "wire pass: the two walks disagree");
    }
    *size += varint_size(tag) + varint_size(inner) + inner;
    return 0;
}

/* ---- TensorProto ---- */

struct payload {
    uint64_t total;             /* payload bytes over all occurrences */
    const uint8_t *first;       /* payload of the first occurrence */
    const uint8_t *last;        /* ... and of the last (raw_data: the one that counts) */
    size_t last_len;
    bool strip;
};

/* A payload field whose wire type (and packed length) protobuf-c accepts;
 * anything else is left in the copy for protobuf-c to refuse. */
static bool payload_shape_ok(const struct field *f)
{
    switch (f->num) {
    case F_RAW: case F_STRING: return f->wt == WT_LEN;
    case F_FLOAT: return f->wt == WT_32 || (f->wt == WT_LEN && f->len % 4 == 0);
    case F_DOUBLE: return f->wt == WT_64 || (f->wt == WT_LEN && f->len % 8 == 0);
    case F_INT32: case F_INT64: case F_UINT64: return f->wt == WT_VARINT || f->wt == WT_LEN;
    default: return false;
    }
}

/* Multiplies the running element count, saturating above PR_CONST_MAX. */
static void count_dim(uint64_t dim, uint64_t *numel, bool *zero, bool *unknown)
{
    if ((int64_t)dim < 0)
        *unknown = true;
    else if (dim == 0)
        *zero = true;
    else if (*numel <= PR_CONST_MAX)
        *numel = dim > PR_CONST_MAX ? PR_CONST_MAX + 1 : *numel * dim;
}

static int walk_tensor(struct wctx *c, const uint8_t *p, const uint8_t *end, bool keep, bool in_node,
                       uint64_t *size)
{
    struct payload pl[F_PAYLOAD_MAX + 1];
    memset(pl, 0, sizeof pl);
    uint64_t numel = 1;
    bool zero = false, unknown = false, external = false;
    struct field f;
    /* Scan: element count, data location, payload sizes. */
    for (const uint8_t *q = p; q < end;) {
        if (next_field(c, &q, end, &f) < 0)
            return -1;
        if (f.num == 1 && f.wt == WT_VARINT) {
            count_dim(f.value, &numel, &zero, &unknown);
        } else if (f.num == 1 && f.wt == WT_LEN) {          /* packed dims */
            if (need(c, f.data, f.len) < 0)
                return -1;
            for (const uint8_t *d = f.data; d < f.data + f.len;) {
                uint64_t v;
                if (get_varint(c, &d, f.data + f.len, 10, &v) < 0)
                    return -1;
                count_dim(v, &numel, &zero, &unknown);
            }
        } else if (f.num == 14 && f.wt == WT_VARINT) {
            external = f.value == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        } else if (payload_shape_ok(&f)) {
            struct payload *x = &pl[f.num];
            if (!x->first)
                x->first = f.data;
            x->last = f.data;
            x->last_len = f.len;
            x->total += f.len;
        }
    }
    bool small = zero || (!unknown && numel <= PR_CONST_MAX);
    for (int k = F_FLOAT; k <= F_PAYLOAD_MAX; k++) {
        struct payload *x = &pl[k];
        if (keep || !x->first || x->total <= PR_WIRE_INLINE_MAX)
            continue;
        x->strip = k == F_RAW || !small || external || x->total > PR_WIRE_TYPED_MAX;
    }
    if (c->st && !c->out)
        c->st->tensors++;
    /* Copy: every field but the stripped payloads and old markers, then a marker per stripped field. */
    for (const uint8_t *q = p; q < end;) {
        if (next_field(c, &q, end, &f) < 0)
            return -1;
        if (f.num == PR_WIRE_MARK || (f.num <= F_PAYLOAD_MAX && pl[f.num].strip && payload_shape_ok(&f)))
            continue;
        if (put_bytes(c, f.start, (size_t)(q - f.start), size) < 0)
            return -1;
    }
    for (int k = F_FLOAT; k <= F_PAYLOAD_MAX; k++) {
        const struct payload *x = &pl[k];
        if (!x->strip)
            continue;
        const uint8_t *at = k == F_RAW ? x->last : x->first;
        put_marker(c, k, (uint64_t)(at - c->base), k == F_RAW ? x->last_len : x->total, size);
        if (c->st && !c->out) {
            c->st->stripped++;
            c->st->node_markers += in_node;
            c->st->stripped_bytes += k == F_RAW ? x->last_len : x->total;
        }
    }
    return 0;
}

/* ---- messages ---- */

/* Does a singular TensorProto field of this message occur more than once? */
static int has_repeated_singular_tensor(struct wctx *c, enum kind k, const uint8_t *p, const uint8_t *end,
                                        bool *repeated)
{
    int seen[3] = {0};
    struct field f;
    *repeated = false;
    if (k != K_ATTR && k != K_SPARSE)
        return 0;
    while (p < end) {
        if (next_field(c, &p, end, &f) < 0)
            return -1;
        int slot = k == K_ATTR ? (f.num == 5 ? 0 : -1) : (f.num == 1 ? 1 : f.num == 2 ? 2 : -1);
        if (slot >= 0 && f.wt == WT_LEN && ++seen[slot] > 1)
            *repeated = true;
    }
    return 0;
}

static int walk(struct wctx *c, enum kind k, const uint8_t *p, const uint8_t *end, struct level lv,
                uint64_t *size)
{
    if (lv.depth > PR_WIRE_MAX_DEPTH)
        return pr_err_set(c->err, PR_E_MODEL,
                          "subgraphs or types are nested more than 64 deep (%d nested messages at byte %zu); priori refuses deeper nesting",
                          PR_WIRE_MAX_DEPTH, (size_t)(p - c->base));
    if (k == K_TENSOR)
        return walk_tensor(c, p, end, lv.keep, lv.in_node, size);
    bool twice;
    if (has_repeated_singular_tensor(c, k, p, end, &twice) < 0)
        return -1;
    lv.keep = lv.keep || twice;
    struct field f;
    while (p < end) {
        if (next_field(c, &p, end, &f) < 0)
            return -1;
        enum kind ck = f.wt == WT_LEN ? child_kind(k, f.num) : K_OTHER;
        if (lv.main_node && f.num <= 7) {   /* NodeProto's fields: strings but attribute (5) */
            if (f.num == 5 || f.wt != WT_LEN)
                c->node_fields[2]++;
            else if (f.num <= 2)
                c->node_fields[f.num - 1]++;   /* input, output */
        }
        if (ck == K_OTHER ? put_bytes(c, f.start, (size_t)(p - f.start), size)
                          : put_child(c, k, ck, &f, lv, size))
            return -1;
    }
    return 0;
}

/* Whether the ModelProto in [p, end) has exactly one graph field (the
 * nodes of two would be merged by protobuf-c). A malformed field says no:
 * the walk reports it. */
static bool one_graph(struct wctx *c, const uint8_t *p, const uint8_t *end)
{
    struct pr_err quiet = {0}, *err = c->err;
    struct field f;
    int graphs = 0;
    c->err = &quiet;
    while (p < end && graphs <= 1) {
        if (next_field(c, &p, end, &f) < 0) {
            graphs = 0;
            break;
        }
        graphs += f.num == 7 && f.wt == WT_LEN;
    }
    c->err = err;
    return graphs == 1;
}

int pr_wire_strip(const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                  uint8_t **out, size_t *out_size, struct pr_wire_stats *st, struct pr_err *err)
{
    return pr_wire_strip_nodes(data, size, fetch, ctx, out, out_size, st, NULL, err);
}

int pr_wire_strip_nodes(const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                        uint8_t **out, size_t *out_size, struct pr_wire_stats *st, struct pr_wire_nodes *nodes,
                        struct pr_err *err)
{
    struct wctx c = {.base = data, .st = st, .fetch = fetch, .fetch_ctx = ctx, .err = err, .nodes = nodes};
    uint64_t measured = 0, emitted = 0;
    int rc = -1;
    *out = NULL;
    *out_size = 0;
    if (st) {
        int limit = st->nest_limit;
        memset(st, 0, sizeof *st);
        st->nest_limit = limit;
    }
    if (nodes) {
        memset(nodes, 0, sizeof *nodes);
        c.extract = nodes->extracted = one_graph(&c, data, data + size);
    }
    struct level top = {0, 0, 0, false, false, false, false};
    if (walk(&c, K_MODEL, data, data + size, top, &measured) < 0)
        goto out;
    if (measured > SIZE_MAX - 1) {
        pr_err_set(err, PR_E_MODEL, "the model is too large");
        goto out;
    }
    c.out = malloc((size_t)measured + 1);
    if (!c.out) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory for a %llu-byte copy of the graph",
                   (unsigned long long)measured);
        goto out;
    }
    pr_prefault(c.out, (size_t)measured);   /* written whole by the second walk */
    if (walk(&c, K_MODEL, data, data + size, top, &emitted) < 0)
        goto out;
    if (emitted != measured || c.pos != measured || c.cursor != c.nsizes) {
        pr_err_set(err, PR_E_INTERNAL, "wire pass: the two walks disagree");
        goto out;
    }
    *out = c.out;
    *out_size = c.pos;
    c.out = NULL;
    rc = 0;
out:
    free(c.out);
    free(c.sizes);
    if (rc < 0 && nodes) {
        free(nodes->node);
        memset(nodes, 0, sizeof *nodes);
    }
    return rc;
}

/* ---- markers and restoring raw_data ---- */

static int read_uvarint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 10 && *p < end; i++) {
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

int pr_wire_marker(const void *tensor, int field, struct pr_wire_span *span)
{
    const ProtobufCMessage *m = tensor;
    for (unsigned i = 0; m && i < m->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
        if (u->tag != PR_WIRE_MARK || u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED || !u->data)
            continue;
        /* protobuf-c keeps a length-prefixed unknown field with its length */
        const uint8_t *p = u->data, *end = u->data + u->len;
        uint64_t body, fld, off, len;
        if (read_uvarint(&p, end, &body) < 0 || body != (uint64_t)(end - p) ||
            read_uvarint(&p, end, &fld) < 0 || read_uvarint(&p, end, &off) < 0 ||
            read_uvarint(&p, end, &len) < 0 || fld != (uint64_t)field)
            continue;
        span->field = field;
        span->offset = off;
        span->length = len;
        return 1;
    }
    return 0;
}

struct restore {
    const uint8_t *data;
    size_t size;
    bool nodes;                 /* markers may be under nodes: look there */
    pr_wire_fetch fetch;
    void *ctx;
    ProtobufCAllocator *al;
    struct pr_err *err;
};

/* protobuf-c's own default (malloc/free), which it does not export. */
static void *sys_alloc(void *unused, size_t size)
{
    (void)unused;
    return malloc(size);
}

static void sys_free(void *unused, void *p)
{
    (void)unused;
    free(p);
}

static ProtobufCAllocator sys_allocator = {.alloc = sys_alloc, .free = sys_free};

static int restore_tensor(struct restore *r, Onnx__TensorProto *t)
{
    struct pr_wire_span s;
    if (!t || !pr_wire_marker(t, F_RAW, &s))
        return 0;
    if (s.offset > r->size || s.length > r->size - s.offset)
        return pr_err_set(r->err, PR_E_INTERNAL, "wire pass: a marker points outside the file");
    t->raw_data.data = NULL;
    t->raw_data.len = (size_t)s.length;
    t->has_raw_data = 1;
    if (s.length > PR_WIRE_VALUES_MAX)
        return 0;   /* too large to be decoded: only its length is needed */
    const uint8_t *at = r->data + s.offset;
    if (r->fetch && r->fetch(r->ctx, (size_t)s.offset, (size_t)s.length, &at, r->err) < 0)
        return -1;
    t->raw_data.data = r->al->alloc(r->al->allocator_data, s.length ? (size_t)s.length : 1);
    if (!t->raw_data.data)
        return pr_err_set(r->err, PR_E_INTERNAL, "out of memory");
    memcpy(t->raw_data.data, at, (size_t)s.length);
    t->has_raw_data = 1;
    return 0;
}

static int restore_graph(struct restore *r, Onnx__GraphProto *g, int depth);

static int restore_sparse(struct restore *r, Onnx__SparseTensorProto *s)
{
    return s ? restore_tensor(r, s->values) | restore_tensor(r, s->indices) : 0;
}

static int restore_attr(struct restore *r, Onnx__AttributeProto *a, int depth)
{
    if (!a)
        return 0;
    int rc = restore_tensor(r, a->t) | restore_sparse(r, a->sparse_tensor) | restore_graph(r, a->g, depth + 1);
    for (size_t i = 0; i < a->n_tensors; i++)
        rc |= restore_tensor(r, a->tensors[i]);
    for (size_t i = 0; i < a->n_sparse_tensors; i++)
        rc |= restore_sparse(r, a->sparse_tensors[i]);
    for (size_t i = 0; i < a->n_graphs; i++)
        rc |= restore_graph(r, a->graphs[i], depth + 1);
    return rc;
}

static int restore_nodes(struct restore *r, Onnx__NodeProto **nodes, size_t n, int depth)
{
    int rc = 0;
    if (!r->nodes)
        return 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; nodes[i] && k < nodes[i]->n_attribute; k++)
            rc |= restore_attr(r, nodes[i]->attribute[k], depth);
    return rc;
}

static int restore_graph(struct restore *r, Onnx__GraphProto *g, int depth)
{
    if (!g)
        return 0;
    if (depth > PR_WIRE_MAX_DEPTH)
        return pr_err_set(r->err, PR_E_MODEL, "subgraphs are nested more than 64 deep (%d nested messages)", PR_WIRE_MAX_DEPTH);
    int rc = restore_nodes(r, g->node, g->n_node, depth);
    for (size_t i = 0; i < g->n_initializer; i++)
        rc |= restore_tensor(r, g->initializer[i]);
    for (size_t i = 0; i < g->n_sparse_initializer; i++)
        rc |= restore_sparse(r, g->sparse_initializer[i]);
    return rc;
}

int pr_wire_restore(void *model, const uint8_t *data, size_t size, pr_wire_fetch fetch, void *ctx,
                    ProtobufCAllocator *al, const struct pr_wire_stats *st, struct pr_err *err)
{
    Onnx__ModelProto *mp = model;
    struct restore r = {.data = data, .size = size, .nodes = !st || st->node_markers > 0, .fetch = fetch, .ctx = ctx,
                        .al = al ? al : &sys_allocator, .err = err};
    int rc = restore_graph(&r, mp->graph, 1);
    for (size_t i = 0; i < mp->n_training_info; i++)
        if (mp->training_info[i])
            rc |= restore_graph(&r, mp->training_info[i]->initialization, 1) |
                  restore_graph(&r, mp->training_info[i]->algorithm, 1);
    for (size_t i = 0; i < mp->n_functions; i++)
        if (mp->functions[i])
            rc |= restore_nodes(&r, mp->functions[i]->node, mp->functions[i]->n_node, 1);
    return rc ? -1 : 0;
}
