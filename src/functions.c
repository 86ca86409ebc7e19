/* functions.c -- inline expansion of model-local functions (functions.h).
 *
 * A node calls a function of ModelProto.functions when its (domain, op_type,
 * overload) equals the function's (domain, name, overload); "ai.onnx" is
 * the default domain "". A call site gets its own copy of the body, because
 * the body's attributes may refer to the call's (ref_attr_name):
 *
 *   - a body attribute with ref_attr_name R takes the call's attribute R,
 *     else the function's default for R (FunctionProto.attribute_proto),
 *     else it is left out (the operator's own default applies); it keeps
 *     its own name. This holds in the body's subgraphs too (an If inside a
 *     function reads the function's attributes).
 *   - a formal input that the call leaves out (fewer inputs, or an empty
 *     name) becomes an absent optional input ("") wherever the body reads it.
 *   - calls inside the body are expanded the same way, recursively, with
 *     the resolved attributes. A function reached again through its own
 *     body is refused (exit 3, naming the cycle); expansion deeper than
 *     PR_MAX_NESTING or past PR_MAX_NODES nodes in all is refused too.
 *
 * The call is replaced by a copy of the node whose only graph attribute is
 * a struct pr_fn_attr named after the function, holding a GraphProto: the
 * function's inputs and outputs (untyped: the call's inputs give their
 * types) and the expanded nodes. Its other graph attributes were only
 * readable through references and are dropped. The body's nodes take the
 * opset versions of the function's own opset_import (model.c asks
 * pr_function_opset), and its names do not see the caller's scope.
 *
 * Fields newer than the compiled onnx.proto (ONNX 1.12) are read from
 * protobuf-c's unknown fields: NodeProto.overload (8),
 * FunctionProto.overload (13) and FunctionProto.attribute_proto (11).
 */
#include "functions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "names.h"

static const char fn_mark[] = "priori: model-local function body";

enum { F_NODE_OVERLOAD = 8, F_FUNC_ATTR_PROTO = 11, F_FUNC_OVERLOAD = 13 };

struct fexp {
    struct pr_arena *arena;
    ProtobufCAllocator *al;
    struct pr_err *err;
    const Onnx__ModelProto *mp;
    struct pr_names table;          /* key(domain, name, overload) -> index in mp->functions */
    const char **overload;          /* per function */
    Onnx__AttributeProto ***defaults; /* per function: attribute_proto */
    size_t *ndefaults;
    size_t added;                   /* nodes added by expansion */
};

/* One function being expanded at one call site. */
struct frame {
    const Onnx__FunctionProto *f;
    const Onnx__NodeProto *call;    /* the call, attributes already resolved */
    size_t fi;                      /* index of f in mp->functions */
    const struct frame *up;
    int depth;
};

const Onnx__FunctionProto *pr_function_of(const Onnx__AttributeProto *a)
{
    return a && a->doc_string == fn_mark ? ((const struct pr_fn_attr *)a)->f : NULL;
}

static const char *norm_domain(const char *d)
{
    return d && strcmp(d, "ai.onnx") != 0 ? d : "";
}

int64_t pr_function_opset(const Onnx__FunctionProto *f, const char *domain)
{
    domain = norm_domain(domain);
    for (size_t i = 0; f && i < f->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = f->opset_import[i];
        if (o && strcmp(norm_domain(o->domain), domain) == 0 && o->has_version)
            return o->version;
    }
    return 0;
}

/* ---- fields the compiled schema does not know ---- */

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* Payload of the k-th length-delimited unknown field `field` of msg (protobuf-c
 * keeps the length prefix), or NULL. */
static const uint8_t *unknown_bytes(const void *msg, unsigned field, size_t k, size_t *len)
{
    const ProtobufCMessage *m = msg;
    for (unsigned i = 0; m && i < m->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
        if (u->tag != field || u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED || !u->data || k-- > 0)
            continue;
        const uint8_t *p = u->data, *end = u->data + u->len;
        uint64_t n;
        if (read_varint(&p, end, &n) < 0 || n != (uint64_t)(end - p))
            return NULL;
        *len = (size_t)n;
        return p;
    }
    return NULL;
}

/* A string field from the unknown fields ("" when absent); NULL on OOM. */
static const char *unknown_string(struct fexp *x, const void *msg, unsigned field)
{
    size_t len;
    const uint8_t *p = unknown_bytes(msg, field, 0, &len);
    if (!p)
        return "";
    char *s = pr_arena_alloc(x->arena, len + 1);
    if (s) {
        memcpy(s, p, len);
        s[len] = 0;
    }
    return s;
}

/* ---- the table of functions ---- */

static char *make_key(const char *domain, const char *name, const char *overload)
{
    size_t n = strlen(domain) + strlen(name) + strlen(overload) + 3;
    char *key = malloc(n);
    if (key)
        snprintf(key, n, "%s\x1f%s\x1f%s", domain, name, overload);
    return key;
}

static int read_defaults(struct fexp *x, size_t fi)
{
    const Onnx__FunctionProto *f = x->mp->functions[fi];
    size_t n = 0, len;
    while (unknown_bytes(f, F_FUNC_ATTR_PROTO, n, &len))
        n++;
    x->ndefaults[fi] = 0;
    if (!n)
        return 0;
    x->defaults[fi] = pr_arena_calloc(x->arena, n, sizeof *x->defaults[fi]);
    if (!x->defaults[fi])
        return pr_err_set(x->err, PR_E_INTERNAL, "out of memory");
    for (size_t k = 0; k < n; k++) {
        const uint8_t *p = unknown_bytes(f, F_FUNC_ATTR_PROTO, k, &len);
        Onnx__AttributeProto *a = p ? onnx__attribute_proto__unpack(x->al, len, p) : NULL;
        if (!a || !a->name)
            return pr_err_set(x->err, PR_E_MODEL,
                              "model-local function '%s': attribute default %zu (attribute_proto) cannot be decoded",
                              f->name, k);
        x->defaults[fi][x->ndefaults[fi]++] = a;
    }
    return 0;
}

static int build_table(struct fexp *x)
{
    const Onnx__ModelProto *mp = x->mp;
    size_t n = mp->n_functions;
    x->overload = pr_arena_calloc(x->arena, n + 1, sizeof *x->overload);
    x->defaults = pr_arena_calloc(x->arena, n + 1, sizeof *x->defaults);
    x->ndefaults = pr_arena_calloc(x->arena, n + 1, sizeof *x->ndefaults);
    if (!x->overload || !x->defaults || !x->ndefaults || pr_names_init(&x->table, n) < 0)
        return pr_err_set(x->err, PR_E_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const Onnx__FunctionProto *f = mp->functions[i];
        if (!f || !f->name || !*f->name)
            return pr_err_set(x->err, PR_E_MODEL, "model-local function %zu has no name", i);
        for (size_t a = 0; a < f->n_opset_import; a++)
            for (size_t b = 0; b < a; b++)
                if (f->opset_import[a] && f->opset_import[b] &&
                    strcmp(norm_domain(f->opset_import[a]->domain), norm_domain(f->opset_import[b]->domain)) == 0)
                    return pr_err_set(x->err, PR_E_MODEL,
                                      "model-local function '%s' imports domain '%s' twice in its opset_import; keep one entry",
                                      f->name, *norm_domain(f->opset_import[a]->domain) ? f->opset_import[a]->domain : "ai.onnx");
        x->overload[i] = unknown_string(x, f, F_FUNC_OVERLOAD);
        char *key = x->overload[i] ? make_key(norm_domain(f->domain), f->name, x->overload[i]) : NULL;
        if (!key)
            return pr_err_set(x->err, PR_E_INTERNAL, "out of memory");
        const char *kept = pr_arena_strdup(x->arena, key);
        free(key);
        int rc = kept ? pr_names_put(&x->table, kept, (int)i) : -1;
        if (rc < 0)
            return pr_err_set(x->err, PR_E_INTERNAL, "out of memory");
        if (rc > 0)
            return pr_err_set(x->err, PR_E_MODEL,
                              "model-local function '%s' (domain '%s'%s%s) is defined twice; each (domain, name, overload) must be unique",
                              f->name, norm_domain(f->domain), *x->overload[i] ? ", overload " : "", x->overload[i]);
        if (read_defaults(x, i) < 0)
            return -1;
    }
    return 0;
}

/* Index of the function np calls, -1 when none (-2 on OOM). */
static int called(struct fexp *x, const Onnx__NodeProto *np)
{
    if (!x->mp->n_functions || !np->op_type)
        return -1;
    const char *ov = unknown_string(x, np, F_NODE_OVERLOAD);
    char *key = ov ? make_key(norm_domain(np->domain), np->op_type, ov) : NULL;
    if (!key)
        return -2;
    int i = pr_names_get(&x->table, key);
    free(key);
    return i;
}

/* ---- expansion ---- */

static Onnx__NodeProto *expand_node(struct fexp *x, Onnx__NodeProto *np, const struct frame *fr);

static void *alloc(struct fexp *x, size_t n, size_t size)
{
    void *p = pr_arena_calloc(x->arena, n ? n : 1, size);
    if (!p)
        pr_err_set(x->err, PR_E_INTERNAL, "out of memory expanding model-local functions");
    return p;
}

/* Counts n more nodes copied while expanding f; refuses past PR_MAX_NODES. */
static int grow(struct fexp *x, size_t n, const Onnx__FunctionProto *f)
{
    x->added += n;
    if (x->added > PR_MAX_NODES)
        return pr_err_set(x->err, PR_E_MODEL,
                          "expanding model-local functions gives more than %d nodes (at function '%s'); priori refuses such models",
                          PR_MAX_NODES, f->name);
    return 0;
}

/* gp with every node expanded: in place at top level (fr NULL: the model's
 * own graphs), else a copy (a function body is shared by its call sites). */
static Onnx__GraphProto *expand_graph(struct fexp *x, Onnx__GraphProto *gp, const struct frame *fr)
{
    Onnx__GraphProto *out = gp;
    if (fr) {
        if (grow(x, gp->n_node, fr->f) < 0)
            return NULL;
        out = alloc(x, 1, sizeof *out);
        Onnx__NodeProto **nodes = alloc(x, gp->n_node, sizeof *nodes);
        if (!out || !nodes)
            return NULL;
        *out = *gp;
        out->node = nodes;
    }
    for (size_t i = 0; i < gp->n_node; i++) {
        if (!gp->node[i])
            return pr_err_set(x->err, PR_E_MODEL, "a graph's node %zu is empty", i), NULL;
        Onnx__NodeProto *e = expand_node(x, gp->node[i], fr);
        if (!e)
            return NULL;
        out->node[i] = e;
    }
    return out;
}

/* The attribute named name of the call, else the function's default; NULL when neither. */
static const Onnx__AttributeProto *referenced(struct fexp *x, const struct frame *fr, const char *name)
{
    for (size_t i = 0; i < fr->call->n_attribute; i++) {
        const Onnx__AttributeProto *a = fr->call->attribute[i];
        if (a && a->name && strcmp(a->name, name) == 0)
            return a;
    }
    for (size_t i = 0; i < x->ndefaults[fr->fi]; i++)
        if (strcmp(x->defaults[fr->fi][i]->name, name) == 0)
            return x->defaults[fr->fi][i];
    return NULL;
}

/* Whether name is a formal input of fr's function that the call leaves out. */
static bool absent_formal(const struct frame *fr, const char *name)
{
    const Onnx__FunctionProto *f = fr->f;
    for (size_t i = 0; i < f->n_input; i++)
        if (f->input[i] && strcmp(f->input[i], name) == 0)
            return i >= fr->call->n_input || !fr->call->input[i] || !*fr->call->input[i];
    return false;
}

/* np's attributes with references resolved in fr and graphs expanded. */
static int resolve_attrs(struct fexp *x, Onnx__NodeProto *copy, const struct frame *fr)
{
    Onnx__AttributeProto **attrs = alloc(x, copy->n_attribute, sizeof *attrs);
    if (!attrs)
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < copy->n_attribute; k++) {
        Onnx__AttributeProto *a = copy->attribute[k];
        if (!a)
            continue;
        if (fr && a->ref_attr_name && *a->ref_attr_name) {
            const Onnx__AttributeProto *r = referenced(x, fr, a->ref_attr_name);
            if (!r)
                continue;   /* neither given nor defaulted: the operator's default */
            Onnx__AttributeProto *c = alloc(x, 1, sizeof *c);
            if (!c)
                return -1;
            *c = *r;
            c->name = a->name;
            a = c;
        }
        if (a->g || a->n_graphs) {
            Onnx__AttributeProto *c = alloc(x, 1, sizeof *c);
            Onnx__GraphProto **gs = alloc(x, a->n_graphs, sizeof *gs);
            if (!c || !gs)
                return -1;
            *c = *a;
            if (a->g && !(c->g = expand_graph(x, a->g, fr)))
                return -1;
            for (size_t j = 0; j < a->n_graphs; j++)
                if (a->graphs[j] && !(gs[j] = expand_graph(x, a->graphs[j], fr)))
                    return -1;
            c->graphs = gs;
            a = c;
        }
        attrs[n++] = a;
    }
    copy->attribute = attrs;
    copy->n_attribute = n;
    return 0;
}

static int refuse_cycle(struct fexp *x, const struct frame *fr, const Onnx__FunctionProto *f)
{
    char chain[600] = "";
    size_t used = 0;
    const struct frame *path[PR_MAX_NESTING + 2];
    int n = 0;
    for (const struct frame *p = fr; p && n < PR_MAX_NESTING + 1; p = p->up) {
        path[n++] = p;
        if (p->f == f)
            break;
    }
    for (int i = n - 1; i >= 0 && used + 4 < sizeof chain; i--) {
        int len = snprintf(chain + used, sizeof chain - used, "%s -> ", path[i]->f->name);
        used += len > 0 ? (size_t)len : 0;
    }
    if (used < sizeof chain)
        snprintf(chain + used, sizeof chain - used, "%s", f->name);
    return pr_err_set(x->err, PR_E_MODEL,
                      "model-local function '%s' calls itself (%s); ONNX functions cannot be recursive", f->name, chain);
}

/* The body of function fi for the call np (attributes already resolved). */
static Onnx__GraphProto *body_for(struct fexp *x, const Onnx__NodeProto *np, size_t fi, const struct frame *fr)
{
    const Onnx__FunctionProto *f = x->mp->functions[fi];
    for (const struct frame *p = fr; p; p = p->up)
        if (p->f == f)
            return refuse_cycle(x, fr, f), NULL;
    if (np->n_input > f->n_input || np->n_output > f->n_output)
        return pr_err_set(x->err, PR_E_MODEL,
                          "node '%s' calls model-local function '%s' with %zu inputs and %zu outputs; it takes at most %zu and %zu",
                          np->name ? np->name : "", f->name, np->n_input, np->n_output, f->n_input, f->n_output), NULL;
    struct frame inner = {.f = f, .call = np, .fi = fi, .up = fr, .depth = fr ? fr->depth + 1 : 1};
    if (inner.depth > PR_MAX_NESTING)
        return pr_err_set(x->err, PR_E_MODEL,
                          "model-local functions call each other more than %d deep (at '%s'); priori refuses such models",
                          PR_MAX_NESTING, f->name), NULL;
    if (grow(x, f->n_node, f) < 0)
        return NULL;
    Onnx__GraphProto *g = alloc(x, 1, sizeof *g);
    Onnx__ValueInfoProto **io = alloc(x, f->n_input + f->n_output, sizeof *io);
    Onnx__ValueInfoProto *vis = alloc(x, f->n_input + f->n_output, sizeof *vis);
    Onnx__NodeProto **nodes = alloc(x, f->n_node, sizeof *nodes);
    if (!g || !io || !vis || !nodes)
        return NULL;
    onnx__graph_proto__init(g);
    g->name = f->name;
    for (size_t i = 0; i < f->n_input + f->n_output; i++) {
        onnx__value_info_proto__init(&vis[i]);
        vis[i].name = i < f->n_input ? f->input[i] : f->output[i - f->n_input];
        io[i] = &vis[i];
    }
    g->n_input = f->n_input;
    g->input = io;
    g->n_output = f->n_output;
    g->output = io + f->n_input;
    g->n_node = f->n_node;
    g->node = nodes;
    for (size_t i = 0; i < f->n_node; i++) {
        if (!f->node[i])
            return pr_err_set(x->err, PR_E_MODEL, "model-local function '%s': node %zu is empty", f->name, i), NULL;
        if (!(nodes[i] = expand_node(x, f->node[i], &inner)))
            return NULL;
    }
    return g;
}

static Onnx__NodeProto *expand_node(struct fexp *x, Onnx__NodeProto *np, const struct frame *fr)
{
    Onnx__NodeProto *copy = alloc(x, 1, sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *np;
    if (fr && np->n_input) {   /* formal inputs the call leaves out become absent */
        char **in = alloc(x, np->n_input, sizeof *in);
        if (!in)
            return NULL;
        for (size_t i = 0; i < np->n_input; i++)
            in[i] = np->input[i] && absent_formal(fr, np->input[i]) ? (char *)"" : np->input[i];
        copy->input = in;
    }
    if (resolve_attrs(x, copy, fr) < 0)
        return NULL;
    int fi = called(x, copy);
    if (fi == -2)
        return pr_err_set(x->err, PR_E_INTERNAL, "out of memory"), NULL;
    if (fi < 0)
        return copy;
    Onnx__GraphProto *body = body_for(x, copy, (size_t)fi, fr);
    struct pr_fn_attr *fa = alloc(x, 1, sizeof *fa);
    Onnx__AttributeProto **attrs = alloc(x, copy->n_attribute + 1, sizeof *attrs);
    if (!body || !fa || !attrs)
        return NULL;
    onnx__attribute_proto__init(&fa->a);
    fa->a.name = x->mp->functions[fi]->name;
    fa->a.has_type = 1;
    fa->a.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    fa->a.g = body;
    fa->a.doc_string = (char *)fn_mark;
    fa->f = x->mp->functions[fi];
    size_t n = 0;
    attrs[n++] = &fa->a;
    for (size_t k = 0; k < copy->n_attribute; k++)   /* graph attributes were only readable by reference */
        if (!copy->attribute[k]->g && !copy->attribute[k]->n_graphs)
            attrs[n++] = copy->attribute[k];
    copy->attribute = attrs;
    copy->n_attribute = n;
    return copy;
}

int pr_functions_expand(Onnx__ModelProto *mp, struct pr_arena *arena, ProtobufCAllocator *al, struct pr_err *err)
{
    if (!mp->n_functions || !mp->graph)
        return 0;
    struct fexp x = {.arena = arena, .al = al, .err = err, .mp = mp};
    int rc = build_table(&x) < 0 || !expand_graph(&x, mp->graph, NULL) ? -1 : 0;
    pr_names_free(&x.table);
    return rc;
}
