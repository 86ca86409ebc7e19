/* infer.c -- bind inputs, order the nodes, run each through the table.
 *
 * 1. Inputs: a graph input's shape comes from --input, else from its
 *    declared type; a symbolic dim takes its --dim value, else 1 with a
 *    warning naming the symbol and the flag.
 * 2. Order: if the file is already topologically sorted it is kept as is;
 *    otherwise Kahn's algorithm with a min-heap on file position (the order
 *    stays as close to the file's as dependencies allow; n log n). Nodes
 *    left over are on a cycle: one of them is named.
 * 3. Walk: every node in that order goes through pr_op_run(). A node whose
 *    op the table lacks costs nothing, is listed as unsupported, and its
 *    outputs take their declared shapes (value_info) when the model has
 *    them. Inferred shapes are compared with declared ones (warning on a
 *    mismatch). Params: an input counts when the op's weight mask says so;
 *    totals count each weight value once however many nodes share it.
 * 4. Liveness: each value's last consumer (schedule position) is recorded
 *    for the peak-memory walk in analysis.c.
 */
#include "analysis.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "onnx.pb-c.h"

struct walk {
    struct pr_model *m;
    const struct pr_options *opt;
    struct pr_analysis *a;
    struct pr_err *err;
    bool *dim_used;             /* per opt->dims entry */
    unsigned char *counted;     /* per value: weight already in the totals */
    int *read_by;               /* per value: schedule position + 1 of the last node that read it */
    struct pr_names dims;       /* --dim symbol -> index in opt->dims */
    struct pr_names unbound;    /* symbols listed in a->unbound */
    struct pr_op_ctx *ctx;      /* reused by every node (walk_node) */
    struct pr_tensor scratch;   /* where absent outputs point */
};

/* ---- symbols and declared types ---- */

/* Symbols are looked up in hash maps (w->dims: --dim symbol -> index in
 * opt->dims, first one wins; w->unbound: symbols already listed in
 * a->unbound), so a graph with many data-dependent dims stays linear. */
static bool symbol_unbound_seen(const struct walk *w, const char *sym)
{
    return pr_names_get(&w->unbound, sym) >= 0;
}

/* Lists sym (kept alive by the caller) as unbound. */
static void symbol_unbound_add(struct walk *w, const char *sym)
{
    const char **u = realloc(w->a->unbound, (size_t)(w->a->nunbound + 1) * sizeof *u);
    if (!u || pr_names_put(&w->unbound, sym, w->a->nunbound) < 0) {
        if (u)
            w->a->unbound = u;
        return;
    }
    u[w->a->nunbound++] = sym;
    w->a->unbound = u;
}

/* Index in opt->dims of the --dim binding sym, marked used; -1 if none. */
static int symbol_bound(struct walk *w, const char *sym)
{
    int i = pr_names_get(&w->dims, sym);
    if (i >= 0)
        w->dim_used[i] = true;
    return i;
}

/* Value of a symbolic dim. For graph inputs an unbound symbol becomes 1
 * (warned once); elsewhere it is known only if bound or already taken as 1. */
static int64_t resolve_symbol(struct walk *w, const char *sym, const char *value, int axis, bool input)
{
    int bound = symbol_bound(w, sym);
    if (bound >= 0)
        return w->opt->dims[bound].value;
    if (symbol_unbound_seen(w, sym))
        return 1;
    if (!input)
        return -1;
    symbol_unbound_add(w, sym);
    pr_diag_add(&w->a->diag, "input '%s' dim %d is the symbol '%s', which is unbound: taken as 1; bind it with --dim %s=N",
                value, axis, sym, sym);
    return 1;
}

/* ---- data-dependent dims (pr_data_dim in node.c) ---- */

struct pr_symbols { struct walk w; };   /* the walk is the symbol table */

int pr_symbols_get(struct pr_symbols *s, const char *name, int64_t *value)
{
    struct walk *w = &s->w;
    int bound = symbol_bound(w, name);
    if (bound >= 0)
        *value = w->opt->dims[bound].value;
    return bound >= 0;
}

int pr_symbols_unbound(struct pr_symbols *s, const char *name)
{
    struct walk *w = &s->w;
    if (symbol_unbound_seen(w, name))
        return 0;
    const char *copy = pr_arena_strdup(&w->m->arena, name);
    if (copy)
        symbol_unbound_add(w, copy);
    return 1;
}

/* Declared dtype and shape of a value. Returns 0 when tp is a tensor type
 * (rank -1 when it has no shape), -1 when there is nothing usable, -2 on
 * an error (graph inputs only: negative dim, rank too large). */
static int declared(struct walk *w, const void *type, const char *value, bool input,
                    int *dtype, struct pr_shape *s)
{
    const Onnx__TypeProto *tp = type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return -1;
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    *dtype = tt->has_elem_type ? tt->elem_type : 0;
    s->rank = -1;
    if (!tt->shape)
        return 0;
    if (tt->shape->n_dim > PR_MAX_RANK) {
        if (input)
            return pr_err_set(w->err, PR_EXIT_MODEL, "input '%s' has rank %zu; priori supports ranks up to %d",
                              value, tt->shape->n_dim, PR_MAX_RANK) - 1;
        return -1;
    }
    s->rank = (int)tt->shape->n_dim;
    for (int k = 0; k < s->rank; k++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[k];
        s->dim[k] = -1;
        if (!d)
            continue;
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (d->dim_value < 0 && input)
                return pr_err_set(w->err, PR_EXIT_MODEL, "input '%s' dim %d is %lld; dimensions must be >= 0",
                                  value, k, (long long)d->dim_value) - 1;
            s->dim[k] = d->dim_value;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param &&
                   *d->dim_param) {
            s->dim[k] = resolve_symbol(w, d->dim_param, value, k, input);
        } else if (input) {
            pr_diag_add(&w->a->diag, "input '%s' dim %d has neither a size nor a name: taken as 1; set the shape with --input %s=...",
                        value, k, value);
            s->dim[k] = 1;
        }
    }
    return 0;
}

static int bind_inputs(struct walk *w)
{
    struct pr_graph *g = &w->m->graph;
    const struct pr_options *o = w->opt;
    for (int i = 0; i < o->ninputs; i++) {
        int idx = pr_names_get(&g->names, o->inputs[i].name);
        if (idx < 0 || !g->values[idx].is_input)
            return pr_err_set(w->err, PR_EXIT_USAGE, "--input %s: the model has no graph input of that name",
                              o->inputs[i].name);
    }
    for (int i = 0; i < g->ninputs; i++) {
        struct pr_value *v = &g->values[g->inputs[i]];
        const struct pr_tensor *known = NULL;
        for (int k = 0; k < o->nvalues; k++)
            if (strcmp(o->values[k].name, v->name) == 0)
                known = o->values[k].t;
        const struct pr_shape *given = NULL;
        for (int k = 0; k < o->ninputs; k++)
            if (strcmp(o->inputs[k].name, v->name) == 0)
                given = &o->inputs[k].shape;
        if (known) {
            v->t = *known;
            v->t.is_weight = false;
            continue;
        }
        int dtype = 0;
        struct pr_shape s = {.rank = -1};
        int rc = declared(w, v->declared, v->name, !given, &dtype, &s);
        if (rc == -2)
            return -1;
        v->t.dtype = dtype;
        v->t.shape = given ? *given : s;
        if (given && rc == 0 && s.rank >= 0 && s.rank != given->rank)
            pr_diag_add(&w->a->diag, "--input %s gives rank %d but the model declares rank %d", v->name,
                        given->rank, s.rank);
        if (!given && rc == 0 && s.rank >= 0 && v->t.dtype == 0)
            pr_diag_add(&w->a->diag, "input '%s' declares no element type; byte counts of its consumers are unknown", v->name);
        if (v->t.shape.rank < 0)
            pr_diag_add(&w->a->diag, "input '%s' has no declared shape; set it with --input %s=1x3x224x224 (for example)",
                        v->name, v->name);
    }
    return 0;
}

/* ---- order ---- */

static void heap_push(int *h, int *n, int v)
{
    int i = (*n)++;
    while (i > 0 && h[(i - 1) / 2] > v) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = v;
}

static int heap_pop(int *h, int *n)
{
    int top = h[0], last = h[--(*n)], i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1] < h[c])
            c++;
        if (last <= h[c])
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

/* A node on a cycle among the nodes whose indegree stayed > 0: walk back
 * through unscheduled producers until a node repeats. */
static int cycle_member(const struct pr_graph *g, const int *indeg)
{
    int start = -1;
    for (int i = 0; i < g->nnodes && start < 0; i++)
        if (indeg[i] > 0)
            start = i;
    int cur = start;
    for (int steps = 0; steps <= g->nnodes; steps++) {
        const struct pr_node *n = &g->nodes[cur];
        int next = -1;
        for (int k = 0; k < n->nin && next < 0; k++) {
            int v = n->in[k];
            int p = v >= 0 ? g->values[v].producer : -1;
            if (p >= 0 && indeg[p] > 0)
                next = p;
        }
        if (next < 0)
            break;
        cur = next;
    }
    return cur;   /* after nnodes steps back we are inside the cycle */
}

int pr_schedule(const struct pr_model *m, int *order, struct pr_err *err)
{
    const struct pr_graph *g = &m->graph;
    int n = g->nnodes;
    bool sorted = true;
    for (int i = 0; i < n && sorted; i++)
        for (int k = 0; k < g->nodes[i].nin; k++) {
            int v = g->nodes[i].in[k];
            if (v >= 0 && g->values[v].producer >= i)
                sorted = false;
        }
    if (sorted) {
        for (int i = 0; i < n; i++)
            order[i] = i;
        return 0;
    }
    int *indeg = calloc((size_t)n + 1, sizeof *indeg);
    int *heap = malloc(((size_t)n + 1) * sizeof *heap);
    int *first = malloc(((size_t)g->nvalues + 1) * sizeof *first);     /* consumers, as linked lists */
    size_t nedges = 0;
    for (int i = 0; i < n; i++)
        nedges += (size_t)g->nodes[i].nin;
    int *edge_node = malloc((nedges + 1) * sizeof *edge_node), *edge_next = malloc((nedges + 1) * sizeof *edge_next);
    int rc = -1;
    if (!indeg || !heap || !first || !edge_node || !edge_next) {
        pr_err_set(err, PR_EXIT_INTERNAL, "out of memory ordering %d nodes", n);
        goto out;
    }
    for (int v = 0; v < g->nvalues; v++)
        first[v] = -1;
    size_t e = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i].nin; k++) {
            int v = g->nodes[i].in[k];
            if (v < 0 || g->values[v].producer < 0)
                continue;
            indeg[i]++;
            edge_node[e] = i;
            edge_next[e] = first[v];
            first[v] = (int)e++;
        }
    int hn = 0, done = 0;
    for (int i = 0; i < n; i++)
        if (indeg[i] == 0)
            heap_push(heap, &hn, i);
    while (hn > 0) {
        int i = heap_pop(heap, &hn);
        order[done++] = i;
        for (int k = 0; k < g->nodes[i].nout; k++) {
            int v = g->nodes[i].out[k];
            if (v < 0)
                continue;
            for (int x = first[v]; x >= 0; x = edge_next[x])
                if (--indeg[edge_node[x]] == 0)
                    heap_push(heap, &hn, edge_node[x]);
        }
    }
    if (done < n) {
        char label[300];
        pr_node_label(&g->nodes[cycle_member(g, indeg)], label, sizeof label);
        pr_err_set(err, PR_EXIT_MODEL, "%s is on a cycle: its inputs depend on its own outputs; an ONNX graph must be acyclic",
                   label);
        goto out;
    }
    rc = 0;
out:
    free(indeg);
    free(heap);
    free(first);
    free(edge_node);
    free(edge_next);
    return rc;
}

/* ---- the walk ---- */

static void set_from_declared(struct walk *w, struct pr_value *v)
{
    int dtype = 0;
    struct pr_shape s;
    if (declared(w, v->declared, v->name, false, &dtype, &s) == 0) {
        v->t.dtype = dtype;
        v->t.shape = s;
    }
}

static void compare_declared(struct walk *w, struct pr_value *v, const struct pr_node *n)
{
    int dtype = 0;
    struct pr_shape s;
    if (!v->declared || v->t.shape.rank < 0 || declared(w, v->declared, v->name, false, &dtype, &s) < 0 || s.rank < 0)
        return;
    bool same = s.rank == v->t.shape.rank;
    for (int k = 0; same && k < s.rank; k++)
        if (s.dim[k] >= 0 && v->t.shape.dim[k] >= 0 && s.dim[k] != v->t.shape.dim[k])
            same = false;
    if (same)
        return;
    char label[300], a[200], b[200];
    pr_diag_add(&w->a->diag, "value '%s' (output of %s): inferred shape %s but the model declares %s",
                v->name, pr_node_label(n, label, sizeof label),
                pr_shape_str(&v->t.shape, a, sizeof a), pr_shape_str(&s, b, sizeof b));
}

static uint64_t value_bytes(const struct pr_value *v, bool *unknown, bool *overflow)
{
    if (v->t.dtype == 0) {
        *unknown = true;
        return 0;
    }
    return pr_shape_bytes(&v->t.shape, v->t.dtype, unknown, overflow);
}

/* The operator context is one per walk, reused by every node: a node fills
 * in[] and out[] for its own nin/nout slots only and puts them back to
 * NULL / the scratch tensor afterwards, so every slot past them holds what
 * op.h promises without touching all PR_MAX_IO slots per node. Every other
 * field is zeroed per node. */
_Static_assert(offsetof(struct pr_op_ctx, out) == offsetof(struct pr_op_ctx, in) + sizeof(((struct pr_op_ctx *)0)->in),
               "pr_op_ctx: in[] and out[] must be adjacent");

static struct pr_op_ctx *ctx_new(struct pr_tensor *scratch)
{
    struct pr_op_ctx *c = calloc(1, sizeof *c);
    for (int i = 0; c && i < PR_MAX_IO; i++)
        c->out[i] = scratch;
    return c;
}

static void ctx_clear_fields(struct pr_op_ctx *c)
{
    size_t from = offsetof(struct pr_op_ctx, in), to = offsetof(struct pr_op_ctx, out) + sizeof c->out;
    memset(c, 0, from);
    memset((char *)c + to, 0, sizeof *c - to);
}

static int run_node(struct walk *w, int pos, int node_index, struct pr_op_ctx *c);

static int walk_node(struct walk *w, int pos, int node_index)
{
    struct pr_graph *g = &w->m->graph;
    const struct pr_node *n = &g->nodes[node_index];
    struct pr_op_ctx *c = w->ctx;
    ctx_clear_fields(c);
    for (int i = 0; i < n->nin; i++)
        c->in[i] = n->in[i] >= 0 ? &g->values[n->in[i]].t : NULL;
    for (int i = 0; i < n->nout; i++)
        c->out[i] = n->out[i] >= 0 ? &g->values[n->out[i]].t : &w->scratch;
    int rc = run_node(w, pos, node_index, c);
    for (int i = 0; i < n->nin; i++)
        c->in[i] = NULL;
    for (int i = 0; i < n->nout; i++)
        c->out[i] = &w->scratch;
    return rc;
}

/* One node through the table; c's slots are filled. */
static int run_node(struct walk *w, int pos, int node_index, struct pr_op_ctx *c)
{
    struct pr_graph *g = &w->m->graph;
    struct pr_node *n = &g->nodes[node_index];
    struct pr_layer *L = &w->a->layers[pos];
    char errbuf[PR_ERR_MSG] = "", label[300];
    memset(L, 0, sizeof *L);
    L->node = node_index;
    c->node = n;
    c->op_id = n->op ? (int)(n->op - pr_op_table) : -1;
    c->opset = n->opset;
    c->nin = n->nin;
    c->nout = n->nout;
    c->arena = &w->m->arena;
    c->diag = &w->a->diag;
    c->symbols = (struct pr_symbols *)w;
    c->err = errbuf;
    for (int i = 0; i < n->nout; i++)
        if (n->out[i] >= 0) {
            struct pr_tensor *t = &g->values[n->out[i]].t;
            memset(t, 0, sizeof *t);
            t->shape.rank = -1;
        }
    memset(&w->scratch, 0, sizeof w->scratch);
    w->scratch.shape.rank = -1;

    struct pr_cost k = {0};
    if (!n->op) {
        L->status = PR_LAYER_UNSUPPORTED;
        k.weight_mask = pr_default_weight_mask(c);
    } else {
        enum pr_run r = pr_op_run(n->op, c, &k);
        if (r == PR_RUN_ERROR)
            return pr_err_set(w->err, PR_EXIT_MODEL, "%s: %s", pr_node_label(n, label, sizeof label), errbuf);
        if (r == PR_RUN_UNKNOWN_INPUT) {
            L->status = PR_LAYER_SHAPE_UNKNOWN;
            k.weight_mask = pr_default_weight_mask(c);
        } else if (c->overflow) {
            return pr_err_set(w->err, PR_EXIT_MODEL,
                              "%s: its MAC/FLOP count overflows 64 bits; check the input shapes (--input/--dim)",
                              pr_node_label(n, label, sizeof label));
        } else if (c->incomplete) {
            L->status = PR_LAYER_COST_INCOMPLETE;
        }
    }
    L->macs = k.macs;
    L->flops = k.flops;
    for (int i = 0; i < n->nout; i++) {
        if (n->out[i] < 0)
            continue;
        struct pr_value *v = &g->values[n->out[i]];
        if (v->t.shape.rank < 0) {
            set_from_declared(w, v);
            if (L->status == PR_LAYER_OK)
                L->status = PR_LAYER_SHAPE_UNKNOWN;
        } else {
            compare_declared(w, v, n);
        }
    }

    bool unknown = false, ovf = false;
    struct pr_totals *T = &w->a->totals;
    for (int i = 0; i < n->nin; i++) {
        int vi = n->in[i];
        if (vi < 0)
            continue;
        struct pr_value *v = &g->values[vi];
        bool dup = w->read_by[vi] == pos + 1;   /* an input given twice is read once */
        w->read_by[vi] = pos + 1;
        uint64_t bytes = value_bytes(v, &unknown, &ovf);
        if (!dup)
            L->bytes_read = pr_u64_add(L->bytes_read, bytes, &ovf);
        if (!v->t.is_weight || !((k.weight_mask >> (i < 63 ? i : 63)) & 1) || dup)
            continue;
        uint64_t numel = pr_shape_numel(&v->t.shape, &unknown, &ovf);
        L->params = pr_u64_add(L->params, numel, &ovf);
        if (!w->counted[vi]) {
            w->counted[vi] = 1;
            T->params = pr_u64_add(T->params, numel, &ovf);
            T->weight_bytes = pr_u64_add(T->weight_bytes, bytes, &ovf);
        }
    }
    for (int i = 0; i < n->nin; i++)
        if (n->in[i] >= 0)
            g->values[n->in[i]].last_use = pos;
    for (int i = 0; i < n->nout; i++) {
        if (n->out[i] < 0)
            continue;
        const struct pr_value *v = &g->values[n->out[i]];
        uint64_t bytes = value_bytes(v, &unknown, &ovf);
        L->bytes_written = pr_u64_add(L->bytes_written, bytes, &ovf);
        if (!v->t.is_weight)
            L->activation_bytes = pr_u64_add(L->activation_bytes, bytes, &ovf);
    }
    if (ovf)
        return pr_err_set(w->err, PR_EXIT_MODEL, "%s: its byte or parameter count overflows 64 bits",
                          pr_node_label(n, label, sizeof label));
    if (unknown && L->status == PR_LAYER_OK)
        L->status = PR_LAYER_COST_INCOMPLETE;
    return 0;
}

static void warn_incomplete(struct pr_analysis *a)
{
    int shape = 0, cost = 0, first_shape = -1, first_cost = -1;
    for (int p = 0; p < a->nlayers; p++) {
        if (a->layers[p].status == PR_LAYER_SHAPE_UNKNOWN && shape++ == 0)
            first_shape = p;
        if (a->layers[p].status == PR_LAYER_COST_INCOMPLETE && cost++ == 0)
            first_cost = p;
    }
    char label[300];
    const struct pr_node *nodes = a->model->graph.nodes;
    if (shape)
        pr_diag_add(&a->diag, "%d layer%s unknown shapes (first: %s); %s not counted", shape,
                    shape == 1 ? " has" : "s have", pr_node_label(&nodes[a->layers[first_shape].node], label, sizeof label),
                    shape == 1 ? "its cost is" : "their costs are");
    if (cost)
        pr_diag_add(&a->diag, "%d layer%s partly unknown extents (first: %s); %s lower bounds", cost,
                    cost == 1 ? " has" : "s have", pr_node_label(&nodes[a->layers[first_cost].node], label, sizeof label),
                    cost == 1 ? "its counts are" : "their counts are");
}

int pr_analyze(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a,
               struct pr_err *err)
{
    memset(a, 0, sizeof *a);
    pr_diag_init(&a->diag);
    a->model = m;
    struct pr_graph *g = &m->graph;
    struct walk w = {.m = m, .opt = opt, .a = a, .err = err};
    int *order = malloc(((size_t)g->nnodes + 1) * sizeof *order);
    a->layers = calloc((size_t)g->nnodes + 1, sizeof *a->layers);
    w.dim_used = calloc((size_t)opt->ndims + 1, sizeof *w.dim_used);
    w.counted = calloc((size_t)g->nvalues + 1, 1);
    w.read_by = calloc((size_t)g->nvalues + 1, sizeof *w.read_by);
    w.ctx = ctx_new(&w.scratch);
    int rc = -1;
    if (!order || !a->layers || !w.dim_used || !w.counted || !w.read_by || !w.ctx ||
        pr_names_init(&w.dims, (size_t)opt->ndims) < 0 || pr_names_init(&w.unbound, 16) < 0) {
        pr_err_set(err, PR_EXIT_INTERNAL, "out of memory for %d nodes", g->nnodes);
        goto out;
    }
    for (int i = 0; i < opt->ndims; i++)
        if (pr_names_put(&w.dims, opt->dims[i].symbol, i) < 0) {
            pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
            goto out;
        }
    if (bind_inputs(&w) < 0 || pr_schedule(m, order, err) < 0)
        goto out;
    a->nlayers = g->nnodes;
    for (int p = 0; p < g->nnodes; p++)
        if (walk_node(&w, p, order[p]) < 0)
            goto out;
    for (int i = 0; i < opt->ndims; i++)
        if (!w.dim_used[i])
            pr_diag_add(&a->diag, "--dim %s=%lld matches no symbolic dim of the model's inputs",
                        opt->dims[i].symbol, (long long)opt->dims[i].value);
    warn_incomplete(a);
    rc = pr_aggregate(a, opt->top > 0 ? opt->top : 10, err);
out:
    free(order);
    free(w.dim_used);
    free(w.counted);
    free(w.ctx);
    free(w.read_by);
    pr_names_free(&w.dims);
    pr_names_free(&w.unbound);
    if (rc < 0)
        pr_analysis_free(a);
    return rc;
}
