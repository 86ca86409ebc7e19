/* node.c -- the accessor API operators see (op.h) and pr_op_run (node.h).
 *
 * Attributes are read from the node's NodeProto by name. Their declared
 * type must match the accessor (an old model without the `type` field is
 * judged by which field is set); a mismatch is recorded as an error in the
 * context and the default is returned, so one check after the family
 * function covers every accessor call.
 */
#include "node.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "model.h"
#include "onnx.pb-c.h"
#include "tensor.h"

typedef Onnx__AttributeProto__AttributeType attr_type;

int pr_op_error(struct pr_op_ctx *c, const char *fmt, ...)
{
    if (!c->failed && c->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, PR_ERR_MSG, fmt, ap);
        va_end(ap);
    }
    c->failed = true;
    return -1;
}

void pr_op_warn(struct pr_op_ctx *c, const char *fmt, ...)
{
    if (!c->diag)
        return;
    char msg[PR_ERR_MSG / 2], label[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pr_diag_add(c->diag, "%s: %s", pr_node_label(c->node, label, sizeof label), msg);
}

int pr_op_require(struct pr_op_ctx *c, int min_inputs)
{
    for (int i = 0; i < min_inputs; i++)
        if (!pr_input(c, i))
            return pr_op_error(c, "input %d is required but %s", i,
                               i < c->nin ? "is empty" : "missing");
    return 0;
}

/* Scale or zero point input i: one value, or (rank 1) n values, one per
 * `per` (n -1: unknown; per NULL: per tensor only). */
int pr_op_check_qparam(struct pr_op_ctx *c, int i, const char *what, int64_t n, const char *per)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t || t->shape.rank == 0)
        return 0;
    const struct pr_shape *s = &t->shape;
    char buf[256];
    if (s->rank == 1) {
        int64_t e = s->dim[0];
        if (e < 0 || e == 1 || (per && (n < 0 || e == n)))
            return 0;
        if (per)
            return pr_op_error(c, "%s has %lld values; it must have 1 or %lld (one per %s)",
                               what, (long long)e, (long long)n, per);
    }
    return pr_op_error(c, "%s is %s; it must hold one value%s%s", what,
                       pr_shape_str(s, buf, sizeof buf), per ? " or one per " : " (per tensor)",
                       per ? per : "");
}

struct pr_const *pr_const_new(struct pr_op_ctx *c, int64_t n)
{
    struct pr_const *k = pr_const_alloc(c->arena, n);
    if (!k)
        pr_op_error(c, n > PR_CONST_MAX ? "constant of %lld elements is too large to track"
                                        : "out of memory for %lld constant values", (long long)n);
    return k;
}

struct pr_const *pr_const_int(struct pr_op_ctx *c, int64_t v)
{
    struct pr_const *k = pr_const_new(c, 1);
    if (k) {
        k->i[0] = v;
        k->f[0] = (double)v;
    }
    return k;
}

int64_t pr_data_dim(struct pr_op_ctx *c, const char *what, int64_t fallback, const char *meaning)
{
    char sym[300];
    const struct pr_node *n = c->node;
    if (n && n->name && n->name[0])
        snprintf(sym, sizeof sym, "%s.%s", n->name, what);
    else if (n)
        snprintf(sym, sizeof sym, "%s_%d.%s", n->op_type, n->index, what);
    else
        snprintf(sym, sizeof sym, "node.%s", what);
    int64_t v;
    if (c->host && c->host->symbol_get(c->symbols, sym, &v))
        return v;
    if (c->host && !c->host->symbol_unbound(c->symbols, sym))
        return fallback;   /* already warned about */
    if (fallback >= 0)
        pr_op_warn(c, "%s depends on the data; symbol '%s' taken as %lld (its upper bound); bind it with --dim %s=N",
                   meaning, sym, (long long)fallback, sym);
    else
        pr_op_warn(c, "%s depends on the data; symbol '%s' is unknown; bind it with --dim %s=N", meaning, sym, sym);
    return fallback;
}

static const Onnx__AttributeProto *find_attr(struct pr_op_ctx *c, const char *name)
{
    const Onnx__NodeProto *np = c->node && !c->node->no_attrs ? c->node->proto : NULL;
    if (!np)
        return NULL;
    for (size_t i = 0; i < np->n_attribute; i++) {
        const Onnx__AttributeProto *a = np->attribute[i];
        if (a && a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* The attribute's type, from the type field or, when absent, the field set. */
static attr_type type_of(const Onnx__AttributeProto *a)
{
    if (a->has_type)
        return a->type;
    if (a->has_f) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    if (a->has_i) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    if (a->has_s) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
    if (a->t) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    if (a->g) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    if (a->n_floats) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
    if (a->n_ints) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    if (a->n_strings) return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
}

static const char *type_name(attr_type t)
{
    switch (t) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return "float";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return "int";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return "string";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return "tensor";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH: return "graph";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return "floats";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return "ints";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: return "strings";
    default: return "another type";
    }
}

/* The attribute if present with the wanted type; NULL if absent; NULL and
 * an error recorded if present with another type. */
static const Onnx__AttributeProto *typed_attr(struct pr_op_ctx *c, const char *name,
                                              attr_type want)
{
    const Onnx__AttributeProto *a = find_attr(c, name);
    if (!a)
        return NULL;
    attr_type t = type_of(a);
    if (t == want)
        return a;
    if (want == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT &&
        t == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
        return a;   /* an int where a float is wanted converts exactly enough */
    c->structural = true;   /* the file itself is wrong */
    pr_op_error(c, "attribute '%s' is %s but must be %s", name, type_name(t), type_name(want));
    return NULL;
}

bool pr_attr_has(struct pr_op_ctx *c, const char *name)
{
    return find_attr(c, name) != NULL;
}

int64_t pr_attr_int(struct pr_op_ctx *c, const char *name, int64_t dflt)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    return a ? a->i : dflt;
}

double pr_attr_float(struct pr_op_ctx *c, const char *name, double dflt)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (!a)
        return dflt;
    return type_of(a) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT ? (double)a->i : a->f;
}

const char *pr_attr_str(struct pr_op_ctx *c, const char *name, const char *dflt)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    if (!a)
        return dflt;
    if (a->s.len > 4096) {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' is a string of %zu bytes; at most 4096 are accepted",
                    name, a->s.len);
        return dflt;
    }
    char *s = pr_arena_alloc(c->arena, a->s.len + 1);
    if (!s) {
        pr_op_error(c, "out of memory");
        return dflt;
    }
    if (a->s.len)
        memcpy(s, a->s.data, a->s.len);
    s[a->s.len] = 0;
    if (strlen(s) != a->s.len) {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' contains a NUL byte", name);
        return dflt;
    }
    return s;
}

int pr_attr_ints(struct pr_op_ctx *c, const char *name, int64_t *buf, int cap)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    if (!a)
        return -1;
    if (a->n_ints > (size_t)cap) {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' has %zu values; at most %d are meaningful here",
                    name, a->n_ints, cap);
        return -1;
    }
    for (size_t i = 0; i < a->n_ints; i++)
        buf[i] = a->ints[i];
    return (int)a->n_ints;
}

int pr_attr_floats(struct pr_op_ctx *c, const char *name, double *buf, int cap)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    if (!a)
        return -1;
    if (a->n_floats > (size_t)cap) {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' has %zu values; at most %d are meaningful here",
                    name, a->n_floats, cap);
        return -1;
    }
    for (size_t i = 0; i < a->n_floats; i++)
        buf[i] = a->floats[i];
    return (int)a->n_floats;
}

int pr_attr_strs(struct pr_op_ctx *c, const char *name, const char **buf, int cap)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    if (!a)
        return -1;
    if (a->n_strings > (size_t)cap) {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' has %zu values; at most %d are meaningful here",
                    name, a->n_strings, cap);
        return -1;
    }
    for (size_t i = 0; i < a->n_strings; i++) {
        const ProtobufCBinaryData *b = &a->strings[i];
        char *s = b->len <= 4096 ? pr_arena_alloc(c->arena, b->len + 1) : NULL;
        if (!s) {
            c->structural = true;   /* the file itself is wrong */
            pr_op_error(c, "attribute '%s': string %zu is %s", name, i,
                        b->len > 4096 ? "longer than 4096 bytes" : "out of memory");
            return -1;
        }
        if (b->len)
            memcpy(s, b->data, b->len);
        s[b->len] = 0;
        if (strlen(s) != b->len) {
            c->structural = true;   /* the file itself is wrong */
            pr_op_error(c, "attribute '%s': string %zu contains a NUL byte", name, i);
            return -1;
        }
        buf[i] = s;
    }
    return (int)a->n_strings;
}

int pr_attr_count(struct pr_op_ctx *c, const char *name)
{
    const Onnx__AttributeProto *a = find_attr(c, name);
    if (!a)
        return -1;
    attr_type t = type_of(a);
    size_t n;
    if (t == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS)
        n = a->n_ints;
    else if (t == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS)
        n = a->n_floats;
    else if (t == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS)
        n = a->n_strings;
    else if (t == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
        n = 0;   /* an empty list written without its type */
    else {
        c->structural = true;   /* the file itself is wrong */
        pr_op_error(c, "attribute '%s' is %s but must be a list", name, type_name(t));
        return -1;
    }
    return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

int pr_attr_tensor(struct pr_op_ctx *c, const char *name, struct pr_tensor *out)
{
    const Onnx__AttributeProto *a = typed_attr(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    if (!a || !a->t)
        return -1;
    struct pr_err err;
    char what[128];
    snprintf(what, sizeof what, "attribute '%s'", name);
    if (pr_tensor_from_proto(a->t, c->arena, out, what, &err) < 0) {
        pr_op_error(c, "%s", err.msg);
        return -1;
    }
    return 0;
}

/* Integer tensors of 16 bits or more carry shapes and indices, not
 * parameters, so they are left out of the default mask. */
uint64_t pr_default_weight_mask(const struct pr_op_ctx *c)
{
    uint64_t mask = 0;
    for (int i = 0; i < c->nin && i < PR_MAX_IO; i++) {
        const struct pr_tensor *t = c->in[i];
        if (!t || !t->is_weight)
            continue;
        if (pr_dtype_is_float(t->dtype) || (pr_dtype_is_int(t->dtype) && pr_dtype_bits(t->dtype) <= 8))
            mask |= 1ull << (i < 63 ? i : 63);
    }
    return mask;
}

enum pr_run pr_op_run(const struct pr_op *op, struct pr_op_ctx *c, struct pr_cost *k)
{
    memset(k, 0, sizeof *k);
    /* Sequences and optionals are known without an element rank; an
     * operator that runs subgraphs handles unknown inputs itself (its rows
     * still run). A graph attribute on any other node is no reason to hand
     * its family an input of unknown rank. */
    bool own_check = op->subgraphs && c->node && c->node->nsubs > 0;
    for (int i = 0; i < c->nin && i < PR_MAX_IO; i++) {
        const struct pr_tensor *t = c->in[i];
        if (t && t->kind != PR_KIND_TENSOR && !op->any_kind) {
            c->structural = true;   /* a type error of the file, whatever is assumed */
            pr_op_error(c, "input %d is %s; %s takes tensors", i,
                        t->kind == PR_KIND_SEQUENCE ? "a sequence" : "an optional", op->name);
            return PR_RUN_ERROR;
        }
        if (t && t->kind == PR_KIND_TENSOR && t->shape.rank < 0 && !own_check)
            return PR_RUN_UNKNOWN_INPUT;
    }
    if (op->shape(c) < 0 || c->failed) {
        if (!c->failed)
            pr_op_error(c, "shape inference failed");
        return PR_RUN_ERROR;
    }
    k->weight_mask = pr_default_weight_mask(c);
    k->kernel = op->kernel;   /* the row's class; the cost function may refine it */
    if (op->cost(c, k) < 0 || c->failed) {
        if (!c->failed)
            pr_op_error(c, "cost computation failed");
        return PR_RUN_ERROR;
    }
    return PR_RUN_OK;
}

/* ---- subgraphs: the node's graph attributes; runs go to the walk ---- */

int pr_subgraph_find(struct pr_op_ctx *c, const char *attr)
{
    const struct pr_node *n = c->node;
    for (int s = 0; n && s < n->nsubs; s++)
        if (strcmp(n->subs[s]->attr, attr) == 0)
            return s;
    if (pr_attr_has(c, attr))
        pr_op_error(c, "attribute '%s' must be a graph", attr);
    return -1;
}

void pr_subgraph_arity(struct pr_op_ctx *c, int sub, int *nin, int *nout)
{
    const struct pr_graph *g = c->node->subs[sub];
    *nin = g->ninputs;
    *nout = g->noutputs;
}


int pr_subgraph_run(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in, struct pr_tensor *out,
                    uint64_t times, struct pr_sub_cost *cost)
{
    if (!c->host)
        return pr_op_error(c, "its subgraphs can only be analysed within a model");
    return c->host->subgraph_run(c, sub, in, out, times, cost);
}

int pr_subgraph_run_assumed(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in,
                            struct pr_tensor *out, uint64_t times, struct pr_sub_cost *cost, int *failed)
{
    *failed = 0;
    if (!c->host)
        return pr_op_error(c, "its subgraphs can only be analysed within a model");
    return c->host->subgraph_run_assumed(c, sub, in, out, times, cost, failed);
}

void pr_subgraph_skip(struct pr_op_ctx *c, int sub)
{
    if (c->host)
        c->host->subgraph_skip(c, sub);
}

void pr_subgraph_discard(struct pr_op_ctx *c, int sub)
{
    if (c->host)
        c->host->subgraph_discard(c, sub);
}

int pr_subgraph_input(struct pr_op_ctx *c, int sub, int i, struct pr_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->shape.rank = -1;
    t->seq_len = -1;
    t->has_value = -1;
    return c->host ? c->host->subgraph_input(c, sub, i, t) : -1;
}
