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
#include "infer.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveness.h"
#include "node.h"
#include "onnx.pb-c.h"

/* What the rows of one layer position have accumulated over the
 * executions of its node (a subgraph's node runs once per iteration,
 * branch, element). */
struct row_counts {
    struct pr_sub_cost first;   /* the first counted execution */
    struct pr_sub_cost sum;     /* every counted execution */
    uint64_t n;                 /* counted executions */
    bool uniform;               /* all counted executions alike */
    enum pr_layer_status status;
};

struct row_stats {
    struct row_counts cnt;      /* counted in the totals (undone when a branch is discarded) */
    struct pr_sub_cost shown;   /* one execution that was not counted (display only) */
    uint64_t shown_n;
    enum pr_layer_status shown_status;
    uint64_t peak;              /* largest sub_peak of its executions */
};

/* A subgraph run that may still be discarded: the rows' counts before it. */
struct pr_sub_undo {
    int sub;
    int first, count;           /* layer positions of the subgraph's rows */
    struct row_counts *saved;
    struct pr_sub_undo *next;
};

struct walk {
    struct pr_model *m;
    const struct pr_options *opt;
    struct pr_analysis *a;
    struct pr_err *err;
    bool *dim_used;             /* per opt->dims entry */
    unsigned char *counted;     /* per value: weight already in the totals */
    int owners_cap;             /* of a->owners */
    bool owners_oom;
    int *pos_of;                /* per global node: its layer position */
    int **order;                /* per graph id: schedule (local node indices) */
    int *graph_first, *graph_end; /* per graph id: its rows' positions [first, end) */
    struct row_stats *stats;    /* per row inside a subgraph (the main graph's rows, run
                                   once, are written straight into their layer) */
    int *stat_of;               /* per layer position: index in stats, -1 at top level */
    struct pr_sub_cost *exec;   /* per row inside a subgraph (indexed like stats): its
                                   node's latest execution */
    struct pr_sub_cost last_exec; /* the node walked last */
    int *lastpos;               /* per value: scratch for a subgraph's liveness (with subgraphs only) */
    int *death;                 /* per value: the main graph's deaths, noted step by step (liveness.h) */
    uint64_t *act;              /* per value: activation bytes of the main graph's node outputs */
    uint64_t factor;            /* executions the current run stands for (0: a trial) */
    bool nested_error;          /* w->err already names the failing node */
    struct pr_names dims;       /* --dim symbol -> index in opt->dims */
    struct pr_names unbound;    /* symbols listed in a->unbound */
    unsigned *read_by;          /* per value: stamp of the last node execution that read it
                                   (made for the first node with more than 8 inputs) */
    unsigned stamp;             /* per node execution */
    int level;                  /* nodes being evaluated within each other (subgraphs) */
    uint64_t evals;             /* node evaluations so far (PR_MAX_EVALS) */
    struct pr_op_ctx *ctx_at[PR_MAX_NESTING + 2];  /* one reusable context per level */
    struct pr_tensor scratch;   /* where absent outputs point */
    /* assumptions (see "assumptions" below) */
    uint64_t *taint;            /* per value: the assumptions its type rests on */
    int *unknown_from;          /* per value: 1 + node (global index) whose failure left it unknown;
                                   0: none (so that the array's pages stay untouched while none is) */
    uint64_t ambient;           /* what every node evaluated now rests on (an unknown If condition) */
    uint64_t in_at[PR_MAX_NESTING + 3];    /* per level: the evaluated node's inputs' assumptions */
    uint64_t used_at[PR_MAX_NESTING + 3];  /* per level: assumptions it used itself (data dims) */
    struct pr_names assumed;    /* assumption text -> index in a->assumptions */
    int fails;                  /* nodes failed under assumptions, every run (If sees its branches') */
    bool *skipped;              /* per row inside a subgraph: in a branch not taken */
    int nskips;                 /* branches not taken (grouped warning) */
    const char **cond_fix;      /* per node (global index): the --value flags that decide its condition
                                   (with subgraphs only: an If's) */
    unsigned char *failed_node; /* per node (global index): failed under assumptions */
    char first_skip[400], first_skip_attr[64];
    const char **row_why;       /* per row inside a subgraph: why it is incomplete (first seen) */
    int shape_rows, cost_rows;  /* rows of each incomplete status (warn_incomplete), and the first */
    int first_shape, first_cost;
};

/* ---- assumptions ----
 *
 * Each value carries the set of priori's own assumptions its type rests on
 * (a bit per assumption; bit 63 stands for the 64th and every later one).
 * Graph inputs whose dims were taken as 1 start the sets; a node's outputs
 * get the union of its inputs' sets, the ambient set (inside an If branch
 * whose condition is unknown) and what it used itself (an unbound
 * data-dependent extent). A node that fails while its set is not empty
 * fails only under the assumptions: a warning names them and the flags
 * that fix them, its outputs become unknown, the analysis goes on. The
 * same failure with an empty set is an invalid model (exit 3). */

/* Bit of the assumption text (registered once, in a->assumptions). */
static uint64_t assume(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static uint64_t assume(struct walk *w, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    int i = pr_names_get(&w->assumed, buf);
    if (i < 0) {
        struct pr_analysis *a = w->a;
        const char *copy = pr_arena_strdup(&w->a->arena, buf);
        const char **list = realloc(a->assumptions, (size_t)(a->nassumptions + 1) * sizeof *list);
        if (list)
            a->assumptions = list;
        if (!copy || !list || pr_names_put(&w->assumed, copy, a->nassumptions) < 0)
            return 1ull << 63;
        i = a->nassumptions;
        list[a->nassumptions++] = copy;
    }
    return 1ull << (i < 63 ? i : 63);
}

static uint64_t assume_symbol(struct walk *w, const char *sym)
{
    return assume(w, "symbol '%s' taken as 1 (bind it with --dim %s=N)", sym, sym);
}

/* "a; b; c" of the assumptions in set (the first few). */
static void assumptions_str(const struct walk *w, uint64_t set, char *buf, size_t size)
{
    size_t used = 0;
    int shown = 0;
    buf[0] = '\0';
    for (int i = 0; i < w->a->nassumptions && used + 1 < size; i++) {
        if (!(set >> (i < 63 ? i : 63) & 1))
            continue;
        if (shown++ == 4) {
            snprintf(buf + used, size - used, "; ...");
            break;
        }
        int n = snprintf(buf + used, size - used, "%s%s", used ? "; " : "", w->a->assumptions[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* ---- symbols and declared types ---- */

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
 * (warned about once per symbol, grouped, by bind_inputs); elsewhere it is
 * known only if bound or already taken as 1. *taint collects the assumption. */
static int64_t resolve_symbol(struct walk *w, const char *sym, bool input, uint64_t *taint)
{
    int bound = symbol_bound(w, sym);
    if (bound >= 0)
        return w->opt->dims[bound].value;
    if (!symbol_unbound_seen(w, sym)) {
        if (!input)
            return -1;
        symbol_unbound_add(w, sym);
    }
    *taint |= assume_symbol(w, sym);
    return 1;
}

/* ---- data-dependent dims (pr_data_dim in node.c) ---- */

/* The walk's side of the accessor API (node.h): defined after its functions. */
static const struct pr_op_host walk_host;

struct pr_symbols { struct walk w; };   /* the walk is the symbol table */

static int symbols_get(struct pr_symbols *s, const char *name, int64_t *value)
{
    struct walk *w = &s->w;
    int bound = symbol_bound(w, name);
    if (bound >= 0)
        *value = w->opt->dims[bound].value;
    return bound >= 0;
}

static int symbols_unbound(struct pr_symbols *s, const char *name)
{
    struct walk *w = &s->w;
    /* the node being evaluated now rests on this extent */
    w->used_at[w->level] |= assume(w, "data-dependent extent '%s' unbound (bind it with --dim %s=N)", name, name);
    if (symbol_unbound_seen(w, name))
        return 0;
    const char *copy = pr_arena_strdup(&w->a->arena, name);
    if (copy)
        symbol_unbound_add(w, copy);
    return 1;
}

/* Declared dtype and shape of a value. Returns 0 when tp is a tensor type
 * (rank -1 when it has no shape), -1 when there is nothing usable, -2 on
 * an error (graph inputs only: a dim below -1, rank too large). A graph
 * input's dim that is a symbol, '?' or -1 is taken as 1: *taint collects
 * the assumption. */
static int declared(struct walk *w, const void *type, const char *value, bool input,
                    int *dtype, struct pr_shape *s, uint64_t *taint)
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
            return pr_err_set(w->err, PR_E_MODEL, "input '%s' has rank %zu; priori supports ranks up to %d",
                              value, tt->shape->n_dim, PR_MAX_RANK) - 1;
        return -1;
    }
    s->rank = (int)tt->shape->n_dim;
    char unsized[64] = "";   /* "1, 2": the dims without a size, taken as 1 */
    for (int k = 0; k < s->rank; k++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[k];
        s->dim[k] = -1;
        if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value != -1) {
            if (d->dim_value < 0 && input)
                return pr_err_set(w->err, PR_E_MODEL, "input '%s' dim %d is %lld; dimensions must be >= 0 (-1: unknown)",
                                  value, k, (long long)d->dim_value) - 1;
            s->dim[k] = d->dim_value < 0 ? -1 : d->dim_value;
        } else if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param &&
                   *d->dim_param) {
            s->dim[k] = resolve_symbol(w, d->dim_param, input, taint);
        } else if (input) {   /* '?' (neither a size nor a name) or -1 (tf2onnx's unknown) */
            size_t used = strlen(unsized);
            snprintf(unsized + used, sizeof unsized - used, "%s%d", used ? ", " : "", k);
            s->dim[k] = 1;
        }
    }
    if (*unsized)
        *taint |= assume(w, "input '%s' dim %s ('?' or -1) taken as 1 (set its shape with --input %s=DIMS)", value,
                         unsized, value);
    return 0;
}

/* Declared type of a value into t: tensors, and sequences and optionals
 * of tensors (their element's dtype and shape). Same returns as declared(). */
static int declared_value(struct walk *w, const void *type, const char *value, bool input, struct pr_tensor *t,
                          uint64_t *taint)
{
    const Onnx__TypeProto *tp = type;
    memset(t, 0, sizeof *t);
    t->shape.rank = -1;
    t->seq_len = -1;
    t->has_value = -1;
    if (!tp)
        return -1;
    unsigned char kind = PR_KIND_TENSOR, elem = PR_KIND_TENSOR;
    if (tp->value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE) {
        kind = PR_KIND_OPTIONAL;
        tp = tp->optional_type ? tp->optional_type->elem_type : NULL;
    }
    if (tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE) {
        if (kind == PR_KIND_OPTIONAL)
            elem = PR_KIND_SEQUENCE;
        else
            kind = PR_KIND_SEQUENCE;
        tp = tp->sequence_type ? tp->sequence_type->elem_type : NULL;
    }
    if (tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_MAP_TYPE && tp->map_type && kind == PR_KIND_TENSOR) {
        /* a map (ai.onnx.ml): seen as a 1-D tensor of its values, length unknown */
        const Onnx__TypeProto *vt = tp->map_type->value_type;
        if (vt && vt->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && vt->tensor_type)
            t->dtype = vt->tensor_type->has_elem_type ? vt->tensor_type->elem_type : 0;
        t->shape.rank = 1;
        t->shape.dim[0] = -1;
        return 0;
    }
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
        return -1;
    t->kind = kind;
    t->elem_kind = elem;
    return declared(w, tp, value, input && kind == PR_KIND_TENSOR, &t->dtype, &t->shape, taint);
}

/* Warnings about input dims taken as 1, one per symbol (and one for the
 * dims without a size), naming how many inputs it concerns. */
struct dim_group {
    const char *symbol;         /* NULL: dims without a size ('?' or -1) */
    int count;
    char where[200];            /* "'x' dim 0, 'y' dim 1, ..." */
};

struct dim_groups {
    struct dim_group *g;        /* [0]: the dims without a size; then one per symbol */
    int n, cap;
    struct pr_names index;      /* symbol -> position in g */
};

/* The group of symbol (NULL: no size), made when new; NULL on OOM. */
static struct dim_group *group_of(struct dim_groups *gs, const char *symbol)
{
    int i = symbol ? pr_names_get(&gs->index, symbol) : 0;
    if (i >= 0)
        return &gs->g[i];
    if (gs->n == gs->cap) {
        int cap = gs->cap * 2;
        struct dim_group *g = realloc(gs->g, (size_t)cap * sizeof *g);
        if (!g)
            return NULL;
        gs->g = g;
        gs->cap = cap;
    }
    if (pr_names_put(&gs->index, symbol, gs->n) < 0)
        return NULL;
    struct dim_group *g = &gs->g[gs->n++];
    memset(g, 0, sizeof *g);
    g->symbol = symbol;
    return g;
}

/* Adds input v's dims taken as 1 to the groups. */
static void group_input(struct walk *w, const struct pr_value *v, struct dim_groups *gs)
{
    const Onnx__TypeProto *tp = v->declared;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type || !tp->tensor_type->shape)
        return;
    const Onnx__TensorShapeProto *sh = tp->tensor_type->shape;
    for (size_t k = 0; k < sh->n_dim && k < PR_MAX_RANK; k++) {
        const Onnx__TensorShapeProto__Dimension *d = sh->dim[k];
        const char *sym = NULL;
        if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value != -1)
            continue;
        if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param && *d->dim_param) {
            if (symbol_bound(w, d->dim_param) >= 0)
                continue;
            sym = d->dim_param;
        }
        struct dim_group *g = group_of(gs, sym);
        if (!g)
            return;   /* out of memory: the warning is dropped, as pr_diag_add does */
        size_t used = strlen(g->where);
        if (g->count++ < 3)
            snprintf(g->where + used, sizeof g->where - used, "%s'%s' dim %zu", used ? ", " : "", v->name, k);
        else if (g->count == 4)
            snprintf(g->where + used, sizeof g->where - used, ", ...");
    }
}

static void group_warn(struct walk *w, const struct dim_group *g)
{
    if (g->symbol && g->count == 1)
        pr_diag_add(&w->a->diag, "input %s is the symbol '%s', which is unbound: taken as 1; bind it with --dim %s=N",
                    g->where, g->symbol, g->symbol);
    else if (g->symbol)
        pr_diag_add(&w->a->diag, "the symbol '%s', which is unbound: taken as 1 (%d dims: %s); bind it with --dim %s=N",
                    g->symbol, g->count, g->where, g->symbol);
    else
        pr_diag_add(&w->a->diag, "%d input dim%s without a size ('?' or -1) taken as 1 (%s); set the shapes with --input NAME=DIMS",
                    g->count, g->count == 1 ? "" : "s", g->where);
}

/* A value of input v, checked against its declared (or --input) type and
 * shape: the text of --value parsed into t (arena; 0, or -1 with a usage
 * error when it does not fit), or a tensor (known->t) copied into t (a
 * shape that does not fit is a warning, as for --input). */
static int bind_value(struct walk *w, const struct pr_value *v, const struct pr_input_value *known,
                      const struct pr_shape *given, struct pr_tensor *t)
{
    struct pr_tensor d;
    uint64_t taint = 0;
    bool typed = declared_value(w, v->declared, v->name, false, &d, &taint) == 0 && d.kind == PR_KIND_TENSOR;
    if (!typed && known->t) {   /* a sequence or optional (the conformance runner's): as given */
        *t = *known->t;
        return 0;
    }
    if (!typed)
        return pr_err_set(w->err, PR_E_ARG, "--value %s: the input is not a tensor of a declared type", v->name);
    if (given)
        d.shape = *given;
    if (!known->t)
        return pr_value_parse(v->name, known->text, d.dtype, &d.shape, &w->a->arena, t, w->err);
    *t = *known->t;
    struct pr_err e = {0};
    if (pr_value_check(v->name, t, d.dtype, &d.shape, &e) < 0)   /* like --input: a warning, the value wins */
        pr_diag_add(&w->a->diag, "%s; the value's shape is used", e.msg);
    return 0;
}

/* Index of name among the graph inputs (values), -1 when none. */
static int input_named(const struct pr_graph *g, const char *name)
{
    for (int k = 0; k < g->ninputs; k++)   /* a linear scan: graph inputs are few */
        if (g->values[g->inputs[k]].is_input && strcmp(g->values[g->inputs[k]].name, name) == 0)
            return g->inputs[k];
    return -1;
}

static int bind_inputs(struct walk *w)
{
    struct pr_graph *g = &w->m->graph;
    const struct pr_options *o = w->opt;
    for (int i = 0; i < o->ninputs; i++)
        if (input_named(g, o->inputs[i].name) < 0)
            return pr_err_set(w->err, PR_E_ARG, "--input %s: the model has no graph input of that name",
                              o->inputs[i].name);
    for (int i = 0; i < o->nvalues; i++)
        if (!o->values[i].t && input_named(g, o->values[i].name) < 0)
            return pr_err_set(w->err, PR_E_ARG, "--value %s: the model has no graph input of that name",
                              o->values[i].name);
    struct dim_groups groups = {.g = calloc(8, sizeof *groups.g), .n = 1, .cap = 8};
    if (!groups.g || pr_names_init(&groups.index, 8) < 0) {
        free(groups.g);
        return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
    }
    int rc = -1;
    for (int i = 0; i < g->ninputs; i++) {
        struct pr_value *v = &g->values[g->inputs[i]];
        const struct pr_input_value *known = NULL;
        for (int k = 0; k < o->nvalues; k++)
            if (strcmp(o->values[k].name, v->name) == 0)
                known = &o->values[k];
        const struct pr_shape *given = NULL;
        for (int k = 0; k < o->ninputs; k++)
            if (strcmp(o->inputs[k].name, v->name) == 0)
                given = &o->inputs[k].shape;
        if (known) {
            if (bind_value(w, v, known, given, &v->t) < 0)
                goto out;
            v->t.is_weight = false;
            v->t.from_weights = false;
            continue;
        }
        struct pr_tensor dt;
        int drc = declared_value(w, v->declared, v->name, !given, &dt, &w->taint[g->inputs[i]]);
        if (drc == -2)
            goto out;
        struct pr_shape s = dt.shape;
        v->t = dt;
        if (given) {
            v->t.shape = *given;
            w->taint[g->inputs[i]] = 0;
        } else if (drc == 0 && dt.kind == PR_KIND_TENSOR) {
            group_input(w, v, &groups);
        }
        if (drc == 0 && dt.kind != PR_KIND_TENSOR)
            continue;
        if (given && drc == 0 && s.rank >= 0 && s.rank != given->rank)
            pr_diag_add(&w->a->diag, "--input %s gives rank %d but the model declares rank %d", v->name,
                        given->rank, s.rank);
        if (!given && drc == 0 && s.rank >= 0 && v->t.dtype == 0)
            pr_diag_add(&w->a->diag, "input '%s' declares no element type; byte counts of its consumers are unknown", v->name);
        if (v->t.shape.rank < 0)
            pr_diag_add(&w->a->diag, "input '%s' has no declared shape; set it with --input %s=1x3x224x224 (for example)",
                        v->name, v->name);
    }
    for (int i = 0; i < groups.n; i++)
        if (groups.g[i].count)
            group_warn(w, &groups.g[i]);
    rc = 0;
out:
    free(groups.g);
    pr_names_free(&groups.index);
    return rc;
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
/* Producer (local index) of value v when g defines it, else -1. */
static int producer_in(const struct pr_graph *g, int v)
{
    return v >= 0 && g->values[v].graph == g->id ? g->values[v].producer : -1;
}

/* Input k of node n, its implicit (outer-scope) reads following its inputs. */
static int dep(const struct pr_node *n, int k)
{
    return k < n->nin ? n->in[k] : n->implicit[k - n->nin];
}

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
        for (int k = 0; k < n->nin + n->nimplicit && next < 0; k++) {
            int p = producer_in(g, dep(n, k));
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
    return pr_schedule_graph(&m->graph, order, err);
}

int pr_schedule_graph(const struct pr_graph *g, int *order, struct pr_err *err)
{
    int n = g->nnodes;
    bool sorted = true;
    if (g->sorted) {   /* the loader checked it while resolving the inputs */
        for (int i = 0; i < n; i++)
            order[i] = i;
        return 0;
    }
    for (int i = 0; i < n && sorted; i++)
        for (int k = 0; k < g->nodes[i].nin + g->nodes[i].nimplicit; k++)
            if (producer_in(g, dep(&g->nodes[i], k)) >= i)
                sorted = false;
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
        nedges += (size_t)g->nodes[i].nin + (size_t)g->nodes[i].nimplicit;
    int *edge_node = malloc((nedges + 1) * sizeof *edge_node), *edge_next = malloc((nedges + 1) * sizeof *edge_next);
    int rc = -1;
    if (!indeg || !heap || !first || !edge_node || !edge_next) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory ordering %d nodes", n);
        goto out;
    }
    for (int v = 0; v < g->nvalues; v++)
        first[v] = -1;
    size_t e = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i].nin + g->nodes[i].nimplicit; k++) {
            int v = dep(&g->nodes[i], k);
            if (producer_in(g, v) < 0)
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
        pr_err_set(err, PR_E_MODEL, "%s is on a cycle: its inputs depend on its own outputs; an ONNX graph must be acyclic",
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

/* v takes its declared type; its taint gains the symbols taken as 1 in it. */
static void set_from_declared(struct walk *w, struct pr_value *v)
{
    struct pr_tensor t;
    uint64_t taint = 0;
    if (declared_value(w, v->declared, v->name, false, &t, &taint) == 0) {
        v->t = t;
        w->taint[v - w->m->graph.values] |= taint;
    }
}

static void compare_declared(struct walk *w, struct pr_value *v, const struct pr_node *n)
{
    struct pr_tensor d;
    uint64_t taint = 0;
    if (!v->declared || v->shape_checked || v->t.shape.rank < 0 ||
        declared_value(w, v->declared, v->name, false, &d, &taint) < 0 || d.shape.rank < 0 || d.kind != v->t.kind)
        return;
    const struct pr_shape *s = &d.shape;
    bool same = s->rank == v->t.shape.rank;
    for (int k = 0; same && k < s->rank; k++)
        if (s->dim[k] >= 0 && v->t.shape.dim[k] >= 0 && s->dim[k] != v->t.shape.dim[k])
            same = false;
    if (same)
        return;
    v->shape_checked = 1;   /* a subgraph's value: warned about once */
    char label[400], a[200], b[200];
    pr_diag_add(&w->a->diag, "value '%s' (output of %s): inferred %sshape %s but the model declares %s",
                v->name, pr_node_label(n, label, sizeof label), v->t.kind == PR_KIND_TENSOR ? "" : "element ",
                pr_shape_str(&v->t.shape, a, sizeof a), pr_shape_str(s, b, sizeof b));
}

static uint64_t value_bytes(const struct pr_value *v, bool *unknown, bool *overflow)
{
    return pr_tensor_bytes(&v->t, unknown, overflow);
}

/* The part of a KV buffer's bytes that its kernel moves (ops/op.h struct
 * pr_kv_inplace): bytes * part / rows for tensor i when idx names it and
 * both extents are known (part <= rows), else bytes. The result is at most
 * bytes; the product is split so that it cannot overflow. */
static uint64_t inplace_part(uint64_t bytes, const unsigned char idx[2], int i, int64_t rows, int64_t part)
{
    if ((idx[0] != i + 1 && idx[1] != i + 1) || rows <= 0 || part < 0 || part > rows)
        return bytes;
    uint64_t r = (uint64_t)rows, p = (uint64_t)part, rem = bytes % r;
    uint64_t tail = p && rem > UINT64_MAX / p ? (uint64_t)((long double)rem * p / r) : rem * p / r;
    return bytes / r * p + tail;
}

/* ---- rows: what each execution of a node adds ---- */

static enum pr_layer_status worse(enum pr_layer_status a, enum pr_layer_status b)
{
    static const int rank[] = {[PR_LAYER_OK] = 0, [PR_LAYER_COST_INCOMPLETE] = 1,
                               [PR_LAYER_SHAPE_UNKNOWN] = 2, [PR_LAYER_UNSUPPORTED] = 3};
    return rank[b] > rank[a] ? b : a;
}

static bool same_counts(const struct pr_sub_cost *a, const struct pr_sub_cost *b)
{
    return a->macs == b->macs && a->flops == b->flops && a->activation_bytes == b->activation_bytes &&
           a->bytes_read == b->bytes_read && a->bytes_written == b->bytes_written;
}

/* acc += e * f, field by field (params and peak are not per execution). */
static void add_scaled(struct pr_sub_cost *acc, const struct pr_sub_cost *e, uint64_t f, bool *ovf)
{
    acc->macs = pr_u64_add(acc->macs, pr_u64_mul(e->macs, f, ovf), ovf);
    acc->flops = pr_u64_add(acc->flops, pr_u64_mul(e->flops, f, ovf), ovf);
    acc->activation_bytes = pr_u64_add(acc->activation_bytes, pr_u64_mul(e->activation_bytes, f, ovf), ovf);
    acc->bytes_read = pr_u64_add(acc->bytes_read, pr_u64_mul(e->bytes_read, f, ovf), ovf);
    acc->bytes_written = pr_u64_add(acc->bytes_written, pr_u64_mul(e->bytes_written, f, ovf), ovf);
    acc->incomplete |= e->incomplete;
}

static struct row_stats *stats_at(struct walk *w, int pos)
{
    return &w->stats[w->stat_of[pos]];
}

/* Counts a row's final status for warn_incomplete (rows come in layer
 * order within the main graph's and within the nested ones'). */
static void count_status(struct walk *w, int pos, enum pr_layer_status st)
{
    if (st == PR_LAYER_SHAPE_UNKNOWN && (w->shape_rows++ == 0 || pos < w->first_shape))
        w->first_shape = pos;
    if (st == PR_LAYER_COST_INCOMPLETE && (w->cost_rows++ == 0 || pos < w->first_cost))
        w->first_cost = pos;
}

static int record(struct walk *w, int pos, const struct pr_sub_cost *e, enum pr_layer_status st, const char *why)
{
    if (w->factor == 0)
        return 0;   /* a trial run: types only */
    if (w->stat_of[pos] >= 0 && why && !w->row_why[w->stat_of[pos]])
        w->row_why[w->stat_of[pos]] = why;
    if (w->stat_of[pos] < 0) {   /* a main-graph row: one execution */
        struct pr_layer *L = &w->a->layers[pos];
        L->status = st;
        count_status(w, pos, st);
        L->why = why;
        L->counted = true;
        L->multiplier = 1;
        L->params = e->params;
        L->macs = e->macs;
        L->flops = e->flops;
        L->activation_bytes = e->activation_bytes;
        L->bytes_read = e->bytes_read;
        L->bytes_written = e->bytes_written;
        L->sub_peak_bytes = e->peak_bytes;
        return 0;
    }
    struct row_stats *r = stats_at(w, pos);
    struct row_counts *k = &r->cnt;
    bool ovf = false;
    if (k->n == 0) {
        k->first = *e;
        k->uniform = true;
    } else if (k->uniform && !same_counts(&k->first, e)) {
        k->uniform = false;
    }
    add_scaled(&k->sum, e, w->factor, &ovf);
    k->n = pr_u64_add(k->n, w->factor, &ovf);
    k->status = worse(k->status, st);
    if (e->peak_bytes > r->peak)
        r->peak = e->peak_bytes;
    if (ovf)
        return pr_err_set(w->err, PR_E_MODEL, "the counts of a node inside a loop overflow 64 bits; check the trip counts (--dim)");
    return 0;
}

/* ---- failures under assumptions ---- */

static void type_reset(struct pr_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->shape.rank = -1;
    t->seq_len = -1;
    t->has_value = -1;
}

/* Node (global index) whose failure left an unknown input of n unknown, -1. */
static int first_unknown_from(const struct walk *w, const struct pr_node *n)
{
    const struct pr_value *values = w->m->graph.values;
    for (int i = 0; i < n->nin; i++) {
        int v = n->in[i];
        if (v >= 0 && values[v].t.kind == PR_KIND_TENSOR && values[v].t.shape.rank < 0 && w->unknown_from[v] > 0)
            return w->unknown_from[v] - 1;
    }
    return -1;
}

/* Why a node with an input of unknown shape is not counted (arena). */
static const char *unknown_input_why(struct walk *w, const struct pr_node *n)
{
    const struct pr_value *values = w->m->graph.values;
    char buf[700], label[400];
    const char *name = "?";
    for (int i = 0; i < n->nin && *name == '?'; i++)
        if (n->in[i] >= 0 && values[n->in[i]].t.kind == PR_KIND_TENSOR && values[n->in[i]].t.shape.rank < 0)
            name = values[n->in[i]].name;
    int from = first_unknown_from(w, n);
    if (from >= 0) {
        const struct pr_node *o = &w->m->graph.nodes[from];
        snprintf(buf, sizeof buf, "input '%s' is unknown: from %s, %s", name, pr_node_label(o, label, sizeof label),
                 w->failed_node[from] ? "which fails under priori's assumptions"
                 : !o->op             ? "whose operator is not in priori's table"
                                      : "whose output shapes are unknown");
    }
    else
        snprintf(buf, sizeof buf, "input '%s' has an unknown shape", name);
    return pr_arena_strdup(&w->a->arena, buf);
}

/* A node failed with error msg while its types rest on the assumptions in
 * set: a warning naming them and the flags, counted for --strict; returns
 * the row's reason (arena). */
static const char *assumption_failure(struct walk *w, const struct pr_node *n, uint64_t set, const char *msg)
{
    char label[400], list[600], buf[PR_ERR_MSG];
    assumptions_str(w, set, list, sizeof list);
    pr_node_label(n, label, sizeof label);
    pr_diag_add(&w->a->diag, "%s: %s; this fails only under priori's assumptions (%s): its outputs are unknown",
                label, msg, list);
    w->fails++;
    if (!w->failed_node[n - w->m->graph.nodes]) {   /* nodes, not their executions */
        w->failed_node[n - w->m->graph.nodes] = 1;
        w->a->nassume_failures++;
    }
    snprintf(buf, sizeof buf, "fails under assumptions (%s): %s", list, msg);
    return pr_arena_strdup(&w->a->arena, buf);
}

/* ---- one node ---- */

static int run_graph(struct walk *w, const struct pr_graph *g, struct pr_sub_cost *cost);

static void free_undo(struct pr_sub_undo *u)
{
    while (u) {
        struct pr_sub_undo *next = u->next;
        free(u->saved);
        free(u);
        u = next;
    }
}

/* The operator contexts are reused: one per level of nesting (a node with
 * subgraphs evaluates their nodes while its own context is in use). A node
 * fills in[] and out[] for its own nin/nout slots only and puts them back
 * to NULL / the scratch tensor afterwards, so every slot past them holds
 * what op.h promises without touching all PR_MAX_IO slots per node. */
static int walk_node_in(struct walk *w, int gi, struct pr_op_ctx *c);

/* Counts weight vi (numel parameters) in the totals the first time a row
 * reads it, and names that row (pos) its owner (pr_param_owner). */
static void count_weight(struct walk *w, int vi, int pos, uint64_t numel, uint64_t bytes, bool *ovf)
{
    if (w->counted[vi])
        return;
    w->counted[vi] = 1;
    struct pr_analysis *a = w->a;
    a->totals.params = pr_u64_add(a->totals.params, numel, ovf);
    a->totals.weight_bytes = pr_u64_add(a->totals.weight_bytes, bytes, ovf);
    if (a->nowners == w->owners_cap) {
        int cap = w->owners_cap ? 2 * w->owners_cap : 64;
        struct pr_param_owner *more = realloc(a->owners, (size_t)cap * sizeof *more);
        if (!more) {
            w->owners_oom = true;
            return;
        }
        a->owners = more;
        w->owners_cap = cap;
    }
    a->owners[a->nowners++] = (struct pr_param_owner){.layer = pos, .params = numel};
}

/* The weights read by the nodes of n's subgraphs (nested ones too), for a
 * node whose operator priori does not know: its subgraphs never run, but
 * their weights are the model's (com.microsoft BeamSearch holds a whole
 * decoder). A weight is what pr_default_weight_mask() takes: a floating
 * or <= 8-bit initializer or Constant output. Each counts once in the
 * row (stamp) and once in the totals (count_weight, owned by n's row pos). */
static void sub_weights(struct walk *w, const struct pr_node *n, int pos, unsigned stamp, struct pr_sub_cost *e,
                        bool *unknown, bool *ovf)
{
    struct pr_value *values = w->m->graph.values;
    for (int s = 0; s < n->nsubs; s++) {
        const struct pr_graph *g = n->subs[s];
        for (int j = 0; j < g->nnodes; j++) {
            const struct pr_node *x = &g->nodes[j];
            for (int i = 0; i < x->nin; i++) {
                int vi = x->in[i];
                const struct pr_tensor *t = vi >= 0 ? &values[vi].t : NULL;
                if (!t || !t->is_weight || w->read_by[vi] == stamp ||
                    !(pr_dtype_is_float(t->dtype) || (pr_dtype_is_int(t->dtype) && pr_dtype_bits(t->dtype) <= 8)))
                    continue;
                w->read_by[vi] = stamp;
                uint64_t numel = pr_shape_numel(&t->shape, unknown, ovf);
                e->params = pr_u64_add(e->params, numel, ovf);
                if (!w->counted[vi])
                    count_weight(w, vi, pos, numel, value_bytes(&values[vi], unknown, ovf), ovf);
            }
            sub_weights(w, x, pos, stamp, e, unknown, ovf);
        }
    }
}

_Static_assert(offsetof(struct pr_op_ctx, out) == offsetof(struct pr_op_ctx, in) + sizeof(((struct pr_op_ctx *)0)->in),
               "pr_op_ctx: in[] and out[] must be adjacent (walk_node_in zeroes the fields around them)");

static int walk_node(struct walk *w, int gi)
{
    /* Loops within loops re-run their bodies (trial runs, unrolled trips):
     * the work grows with the product of the trip counts, not the file. */
    if (++w->evals > PR_MAX_EVALS) {
        char label[400];
        return pr_err_set(w->err, PR_E_MODEL,
                          "%s: the control flow needs more than %d node evaluations (loops nested in loops); "
                          "priori refuses the model (runtime trip counts bound with --dim count too)",
                          pr_node_label(&w->m->graph.nodes[gi], label, sizeof label), PR_MAX_EVALS);
    }
    if (w->level >= PR_MAX_NESTING + 2)
        return pr_err_set(w->err, PR_E_MODEL, "subgraphs nested deeper than %d levels", PR_MAX_NESTING);
    struct pr_op_ctx *c = w->ctx_at[w->level];
    if (!c) {
        c = w->ctx_at[w->level] = malloc(sizeof *c);
        if (!c)
            return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
        for (int i = 0; i < PR_MAX_IO; i++) {
            c->in[i] = NULL;
            c->out[i] = &w->scratch;
        }
    }
    const struct pr_node *n = &w->m->graph.nodes[gi];
    w->level++;
    int rc = walk_node_in(w, gi, c);
    w->level--;
    for (int i = 0; i < n->nin && i < PR_MAX_IO; i++)
        c->in[i] = NULL;
    for (int i = 0; i < n->nout && i < PR_MAX_IO; i++)
        c->out[i] = &w->scratch;
    return rc;
}

/* Outputs of data movement (Transpose, Reshape, Flatten, Squeeze,
 * Unsqueeze, Identity), a Cast or a DequantizeLinear of a weight or of a
 * value computed so from one, its other inputs constants: from_weights (a
 * weight seen through a view, as F.linear's W.t(), a cast or the
 * dequantization of a QDQ graph). Arithmetic on constants
 * (ConstantOfShape, a Gather from a table) is not: eager PyTorch runs it
 * on every call. */
static void mark_from_weights(struct pr_value *values, const struct pr_node *n)
{
    static const char *const moves[] = {"Transpose", "Reshape", "Flatten", "Squeeze",        "Unsqueeze",
                                        "Identity",  "Cast",    "DequantizeLinear"};
    if (n->nin < 1 || n->in[0] < 0 || (!values[n->in[0]].t.is_weight && !values[n->in[0]].t.from_weights))
        return;   /* most nodes: an activation first */
    bool move = false;
    for (size_t i = 0; i < sizeof moves / sizeof *moves && n->domain[0] == 0; i++)
        move |= strcmp(n->op_type, moves[i]) == 0;
    if (!move)
        return;
    for (int i = 1; i < n->nin; i++)
        if (n->in[i] >= 0 && !values[n->in[i]].t.is_weight && !values[n->in[i]].t.cval)
            return;
    for (int i = 0; i < n->nout; i++)
        if (n->out[i] >= 0 && !values[n->out[i]].t.is_weight)
            values[n->out[i]].t.from_weights = true;
}

static int walk_node_in(struct walk *w, int gi, struct pr_op_ctx *c)
{
    struct pr_graph *mg = &w->m->graph;
    struct pr_value *values = mg->values;
    struct pr_node *n = &mg->nodes[gi];
    char errbuf[PR_ERR_MSG], label[400];   /* not zero-filled: 1 KiB per node */
    errbuf[0] = '\0';
    enum pr_layer_status status = PR_LAYER_OK;
    {   /* every field but the slots, zeroed */
        size_t from = offsetof(struct pr_op_ctx, in), to = offsetof(struct pr_op_ctx, out) + sizeof c->out;
        memset(c, 0, from);
        memset((char *)c + to, 0, sizeof *c - to);
    }
    c->node = n;
    c->op_id = n->op && n->op != &pr_function_op ? (int)(n->op - pr_op_table) : -1;
    c->opset = n->opset;
    c->nin = n->nin;
    c->nout = n->nout;
    c->arena = &w->a->arena;
    c->diag = &w->a->diag;
    c->symbols = (struct pr_symbols *)w;
    c->host = &walk_host;
    c->kv_shared = w->opt->kv_shared;
    c->err = errbuf;
    for (int i = 0; i < n->nin && i < PR_MAX_IO; i++)
        c->in[i] = n->in[i] >= 0 ? &values[n->in[i]].t : NULL;
    for (int i = 0; i < n->nout && i < PR_MAX_IO; i++)
        c->out[i] = n->out[i] >= 0 ? &values[n->out[i]].t : &w->scratch;
    for (int i = 0; i < n->nout; i++)
        if (n->out[i] >= 0)
            type_reset(&values[n->out[i]].t);
    memset(&w->scratch, 0, sizeof w->scratch);
    w->scratch.shape.rank = -1;

    struct pr_cost k = {0};
    int lv = w->level;
    uint64_t taint = w->ambient;
    for (int i = 0; i < n->nin + n->nimplicit; i++) {
        int v = dep(n, i);
        if (v >= 0)
            taint |= w->taint[v];
    }
    w->in_at[lv] = taint;
    w->used_at[lv] = 0;
    const char *why = NULL;
    bool failed = false;
    if (!n->op) {
        status = PR_LAYER_UNSUPPORTED;
        k.weight_mask = pr_default_weight_mask(c);
        why = pr_arena_strdup(&w->a->arena, "its operator is not in priori's table: zero cost");
    } else {
        enum pr_run r = pr_op_run(n->op, c, &k);
        free_undo(c->undo);
        mark_from_weights(values, n);
        taint |= w->used_at[lv];
        if (r == PR_RUN_ERROR && w->nested_error)
            return -1;   /* w->err names the node inside the subgraph */
        if (r == PR_RUN_ERROR && (!taint || c->structural))
            return pr_err_set(w->err, PR_E_MODEL, "%s: %s", pr_node_label(n, label, sizeof label), errbuf);
        if (r == PR_RUN_ERROR) {
            why = assumption_failure(w, n, taint, errbuf);
            failed = true;
            status = PR_LAYER_SHAPE_UNKNOWN;
            memset(&k, 0, sizeof k);
            memset(&c->sub, 0, sizeof c->sub);
            k.weight_mask = pr_default_weight_mask(c);
            for (int i = 0; i < n->nout; i++)
                if (n->out[i] >= 0) {
                    type_reset(&values[n->out[i]].t);
                    w->unknown_from[n->out[i]] = gi + 1;
                }
        } else if (r == PR_RUN_UNKNOWN_INPUT) {
            status = PR_LAYER_SHAPE_UNKNOWN;
            k.weight_mask = pr_default_weight_mask(c);
            why = unknown_input_why(w, n);
        } else if (c->unsupported) {   /* a variant its family does not count: as an unknown operator */
            status = PR_LAYER_UNSUPPORTED;
            memset(&k, 0, sizeof k);
            memset(&c->sub, 0, sizeof c->sub);
            k.weight_mask = pr_default_weight_mask(c);
            why = c->unsupported;
        } else if (c->overflow) {
            return pr_err_set(w->err, PR_E_MODEL,
                              "%s: its MAC/FLOP count overflows 64 bits; check the input shapes (--input/--dim)",
                              pr_node_label(n, label, sizeof label));
        } else if (c->incomplete || c->sub.incomplete) {
            status = PR_LAYER_COST_INCOMPLETE;
        }
    }
    struct pr_sub_cost e = {.macs = k.macs, .flops = k.flops};
    for (int i = 0; i < n->nout; i++) {
        if (n->out[i] < 0)
            continue;
        struct pr_value *v = &values[n->out[i]];
        if (taint || w->taint[n->out[i]])   /* the array's pages stay untouched without assumptions */
            w->taint[n->out[i]] = taint;
        if (failed)
            continue;
        if (w->unknown_from[n->out[i]])
            w->unknown_from[n->out[i]] = 0;
        if (v->t.shape.rank < 0 && v->t.kind == PR_KIND_TENSOR) {
            int from = first_unknown_from(w, n);
            w->unknown_from[n->out[i]] = (from >= 0 ? from : gi) + 1;
            set_from_declared(w, v);
            if (status == PR_LAYER_OK) {
                status = PR_LAYER_SHAPE_UNKNOWN;
                why = pr_arena_strdup(&w->a->arena, taint ? "its output shapes are unknown under priori's assumptions (see the warnings)"
                                                          : "its output shapes could not be inferred");
            }
        } else {
            compare_declared(w, v, n);
        }
    }

    bool unknown = false, ovf = false;
    unsigned stamp = ++w->stamp ? w->stamp : ++w->stamp;   /* 0 is never a stamp */
    for (int i = 0; i < n->nin; i++) {
        int vi = n->in[i];
        if (vi < 0)
            continue;
        struct pr_value *v = &values[vi];
        /* an input given twice is read once: a few inputs are compared
         * pairwise (no per-value array touched), many by stamp */
        bool dup = false;
        if (n->nin <= 8) {
            for (int j = 0; j < i && !dup; j++)
                dup = n->in[j] == vi;
        } else {
            if (!w->read_by && !(w->read_by = calloc((size_t)mg->nvalues + 1, sizeof *w->read_by)))
                return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
            dup = w->read_by[vi] == stamp;
            w->read_by[vi] = stamp;
        }
        uint64_t bytes = value_bytes(v, &unknown, &ovf);
        if (!dup)
            e.bytes_read = pr_u64_add(e.bytes_read, inplace_part(bytes, k.inplace.in, i, k.inplace.in_rows,
                                                                 k.inplace.read), &ovf);
        if (!v->t.is_weight || !((k.weight_mask >> (i < 63 ? i : 63)) & 1) || dup)
            continue;
        uint64_t numel = pr_shape_numel(&v->t.shape, &unknown, &ovf);
        for (int j = 0; j < PR_PACKED_MAX; j++)
            if (k.packed_input[j] == i + 1)
                numel = k.packed_params[j];
        e.params = pr_u64_add(e.params, numel, &ovf);
        count_weight(w, vi, w->pos_of[gi], numel, bytes, &ovf);
    }
    int pos = w->pos_of[gi];
    for (int i = 0; i < n->nout; i++) {
        if (n->out[i] < 0)
            continue;
        const struct pr_value *v = &values[n->out[i]];
        /* a KV buffer updated in place adds its new rows, in memory as in traffic:
           the rest is the past input's memory */
        uint64_t bytes = inplace_part(value_bytes(v, &unknown, &ovf), k.inplace.out, i, k.inplace.out_rows,
                                      k.inplace.written);
        e.bytes_written = pr_u64_add(e.bytes_written, bytes, &ovf);
        bool param = v->t.is_weight || v->t.from_weights;   /* a weight, or one seen through a view */
        if (!param)
            e.activation_bytes = pr_u64_add(e.activation_bytes, bytes, &ovf);
        if (n->graph == 0)   /* pr_value_act_bytes, as the peak counts it */
            w->act[n->out[i]] = param || v->is_initializer || !v->t.dtype ? 0 : bytes;
    }
    if (status == PR_LAYER_UNSUPPORTED && n->nsubs) {
        if (!w->read_by && !(w->read_by = calloc((size_t)mg->nvalues + 1, sizeof *w->read_by)))
            return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
        for (int i = 0; i < n->nin; i++)   /* its own inputs are counted above */
            if (n->in[i] >= 0)
                w->read_by[n->in[i]] = stamp;
        sub_weights(w, n, w->pos_of[gi], stamp, &e, &unknown, &ovf);
    }
    /* what its subgraph runs added (control flow) */
    e.macs = pr_u64_add(e.macs, c->sub.macs, &ovf);
    e.flops = pr_u64_add(e.flops, c->sub.flops, &ovf);
    e.params = pr_u64_add(e.params, c->sub.params, &ovf);
    e.activation_bytes = pr_u64_add(e.activation_bytes, c->sub.activation_bytes, &ovf);
    e.bytes_read = pr_u64_add(e.bytes_read, c->sub.bytes_read, &ovf);
    e.bytes_written = pr_u64_add(e.bytes_written, c->sub.bytes_written, &ovf);
    e.peak_bytes = c->sub.peak_bytes;
    if (ovf)
        return pr_err_set(w->err, PR_E_MODEL, "%s: its byte or parameter count overflows 64 bits",
                          pr_node_label(n, label, sizeof label));
    if (unknown && status == PR_LAYER_OK)
        status = PR_LAYER_COST_INCOMPLETE;
    if (status == PR_LAYER_COST_INCOMPLETE && !why)
        why = pr_arena_strdup(&w->a->arena, taint ? "some extents are unknown (they rest on assumptions): counts are lower bounds"
                                                  : "some extents are unknown: counts are lower bounds");
    e.incomplete = status != PR_LAYER_OK;
    w->last_exec = e;
    if (w->stat_of[pos] >= 0)
        w->exec[w->stat_of[pos]] = e;
    if (w->factor) {
        struct pr_layer *L = &w->a->layers[pos];
        L->kernel = k.kernel, L->steps = k.steps;
        if (n->graph == 0)   /* its place, which layout() left to this write */
            L->node = gi, L->parent = -1;
    }
    return record(w, pos, &e, status, why);
}

/* ---- subgraphs ---- */

/* The peak its subgraphs reached while step p of g ran: of this run
 * (a nested row) or of the row's costliest counted run (top level). */
struct peak_ctx { struct walk *w; const struct pr_graph *g; };

static uint64_t step_sub_peak(void *ctx, int p)
{
    const struct peak_ctx *k = ctx;
    struct walk *w = k->w;
    int pos = w->pos_of[&k->g->nodes[w->order[k->g->id][p]] - w->m->graph.nodes];
    return w->stat_of[pos] >= 0 ? w->exec[w->stat_of[pos]].peak_bytes : w->a->layers[pos].sub_peak_bytes;
}

/* Peak live bytes of one run of g (liveness.h): its inputs and the values
 * it produces (outer values are counted outside), plus the peak of a
 * node's subgraphs while it runs. */
static uint64_t graph_peak(struct walk *w, const struct pr_graph *g, bool *ovf)
{
    const int *order = w->order[g->id];
    struct peak_ctx k = {w, g};
    struct pr_live live;
    pr_live_deaths(w->m->graph.values, g, order, w->lastpos);
    pr_live_bytes(w->m->graph.values, g, order, w->lastpos, step_sub_peak, &k, NULL, NULL, NULL, &live, ovf);
    return live.peak;
}

/* Runs every node of g in order; cost = what one run adds (the sum of its
 * nodes' executions) and its peak. */
static int run_graph(struct walk *w, const struct pr_graph *g, struct pr_sub_cost *cost)
{
    memset(cost, 0, sizeof *cost);
    const int *order = w->order[g->id];
    const struct pr_node *base = w->m->graph.nodes;
    bool ovf = false;
    for (int p = 0; p < g->nnodes; p++) {
        int gi = (int)(&g->nodes[order[p]] - base);
        if (walk_node(w, gi) < 0)
            return -1;
        if (g->id == 0)   /* the main graph's steps are its rows': analysis.c's peak reads these */
            pr_live_note(w->m->graph.values, g, &base[gi], p, w->death);
        const struct pr_sub_cost *e = &w->last_exec;
        add_scaled(cost, e, 1, &ovf);
        cost->params = pr_u64_add(cost->params, e->params, &ovf);
    }
    if (g->id > 0)   /* the main graph's peak is analysis.c's (peak_memory) */
        cost->peak_bytes = graph_peak(w, g, &ovf);
    if (ovf)
        return pr_err_set(w->err, PR_E_MODEL, "the counts of a subgraph overflow 64 bits; check the input shapes");
    return 0;
}

static int subgraph_run(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in, struct pr_tensor *out,
                        uint64_t times, struct pr_sub_cost *cost)
{
    struct walk *w = (struct walk *)c->symbols;
    if (!w)
        return pr_op_error(c, "its subgraphs can only be analysed within a model");
    const struct pr_graph *g = c->node->subs[sub];
    struct pr_value *values = w->m->graph.values;
    for (int i = 0; i < g->ninputs; i++) {
        struct pr_value *v = &values[g->inputs[i]];
        w->taint[g->inputs[i]] = w->in_at[w->level];   /* the holder's inputs' assumptions */
        w->unknown_from[g->inputs[i]] = 0;
        if (in && in[i]) {
            v->t = *in[i];
            v->t.is_weight = false;
            v->t.from_weights = false;
        } else {
            memset(&v->t, 0, sizeof v->t);
            v->t.shape.rank = -1;
            v->t.seq_len = -1;
            v->t.has_value = -1;
            set_from_declared(w, v);
        }
    }
    bool ovf = false;
    uint64_t saved_factor = w->factor;
    w->factor = pr_u64_mul(w->factor, times, &ovf);
    if (ovf)
        return pr_op_error(c, "its executions overflow 64 bits (trip counts multiplied); check --dim");
    if (w->factor > 0) {
        struct pr_sub_undo *u = calloc(1, sizeof *u);
        int first = w->graph_first[g->id], count = w->graph_end[g->id] - first;
        if (u)
            u->saved = malloc(((size_t)count + 1) * sizeof *u->saved);
        if (!u || !u->saved) {
            free(u);
            return pr_op_error(c, "out of memory");
        }
        u->sub = sub;
        u->first = first;
        u->count = count;
        for (int i = 0; i < count; i++)
            u->saved[i] = stats_at(w, first + i)->cnt;
        u->next = c->undo;
        c->undo = u;
    }
    int rc = run_graph(w, g, cost);
    w->factor = saved_factor;
    if (rc < 0) {
        w->nested_error = true;
        return pr_op_error(c, "%s", w->err->msg);
    }
    for (int i = 0; i < g->noutputs; i++) {
        out[i] = values[g->outputs[i]].t;
        out[i].is_weight = false;
        out[i].from_weights = false;
        w->used_at[w->level] |= w->taint[g->outputs[i]];
    }
    return 0;
}

/* Short name of a node for messages: its name, else "<Op>_<index>". */
static const char *short_name(const struct pr_node *n, char *buf, size_t size)
{
    if (n->name && *n->name)
        snprintf(buf, size, "%s", n->name);
    else
        snprintf(buf, size, "%s_%d", n->op_type, n->index);
    return buf;
}

/* Graph inputs of rank <= 1 (without a bound value) the value v is computed
 * from, as "--value a=V, --value b=V" into buf; seen marks visited values. */
static void inputs_behind(const struct walk *w, int v, unsigned char *seen, char *buf, size_t size, int *budget)
{
    const struct pr_value *values = w->m->graph.values;
    if (v < 0 || seen[v] || --*budget < 0)
        return;   /* the budget bounds the search (and its recursion) on hostile graphs */
    seen[v] = 1;
    const struct pr_value *val = &values[v];
    if (val->is_input && val->graph == 0) {
        size_t used = strlen(buf);
        if (!val->t.cval && val->t.shape.rank <= 1 && used + 1 < size)   /* what --value can bind */
            snprintf(buf + used, size - used, "%s--value %s=V", used ? ", " : "", val->name);
        return;
    }
    if (val->producer < 0)
        return;
    const struct pr_graph *g = val->graph == 0 ? &w->m->graph : w->m->graphs[val->graph];
    const struct pr_node *p = &g->nodes[val->producer];
    for (int k = 0; k < p->nin + p->nimplicit; k++)
        inputs_behind(w, dep(p, k), seen, buf, size, budget);
}

static int subgraph_run_assumed(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in, struct pr_tensor *out,
                                uint64_t times, struct pr_sub_cost *cost, int *failed)
{
    struct walk *w = (struct walk *)c->symbols;
    *failed = 0;
    if (!w)
        return subgraph_run(c, sub, in, out, times, cost);
    char name[300], fix[400] = "";
    const struct pr_node *n = c->node;
    int gi = (int)(n - w->m->graph.nodes);
    if (!w->cond_fix[gi]) {   /* searched once per node */
        unsigned char *seen = calloc((size_t)w->m->graph.nvalues + 1, 1);
        int budget = 256;
        if (seen && n->nin > 0)
            inputs_behind(w, n->in[0], seen, fix, sizeof fix, &budget);
        free(seen);
        w->cond_fix[gi] = pr_arena_strdup(&w->a->arena, *fix ? fix : "no graph input that --value binds decides it");
    }
    uint64_t bit = assume(w, "the condition of '%s' is unknown: both branches analysed (%s)",
                          short_name(n, name, sizeof name), w->cond_fix[gi] ? w->cond_fix[gi] : "?");
    uint64_t saved = w->ambient;
    int before = w->fails;
    w->ambient |= bit;
    w->used_at[w->level] |= bit;
    w->in_at[w->level] |= bit;
    int rc = subgraph_run(c, sub, in, out, times, cost);
    w->ambient = saved;
    *failed = w->fails - before;
    return rc;
}

static void subgraph_skip(struct pr_op_ctx *c, int sub)
{
    struct walk *w = (struct walk *)c->symbols;
    if (!w)
        return;
    const struct pr_graph *g = c->node->subs[sub];
    int first = w->graph_first[g->id], end = w->graph_end[g->id];
    bool again = first < end && w->skipped[w->stat_of[first]];   /* the same If in a loop */
    for (int p = first; p < end; p++)
        w->skipped[w->stat_of[p]] = true;
    if (!again && c->op_id == PR_OP_IF && w->nskips++ == 0) {   /* other callers warn themselves */
        pr_node_label(c->node, w->first_skip, sizeof w->first_skip);
        snprintf(w->first_skip_attr, sizeof w->first_skip_attr, "%s", g->attr);
    }
}

/* One warning for every If whose known condition left a branch out. */
static void warn_skips(struct walk *w)
{
    if (w->nskips == 1)
        pr_diag_add(&w->a->diag, "%s: the condition is known: %s is not taken, not analysed, not counted",
                    w->first_skip, w->first_skip_attr);
    else if (w->nskips > 1)
        pr_diag_add(&w->a->diag, "%d If nodes have a known condition: only their taken branches are analysed and counted "
                    "(first: %s, %s not taken)", w->nskips, w->first_skip, w->first_skip_attr);
}

static void subgraph_discard(struct pr_op_ctx *c, int sub)
{
    struct walk *w = (struct walk *)c->symbols;
    struct pr_sub_undo *u = c->undo;
    while (u && u->sub != sub)
        u = u->next;
    if (!w || !u)
        return;
    for (int i = 0; i < u->count; i++) {
        struct row_stats *r = stats_at(w, u->first + i);
        const struct row_counts *before = &u->saved[i];
        uint64_t dn = r->cnt.n - before->n;
        if (dn > 0) {
            /* one execution of what was discarded, for display */
            struct pr_sub_cost *s = &r->shown;
            const struct pr_sub_cost *a = &r->cnt.sum, *b = &before->sum;
            s->macs = (a->macs - b->macs) / dn;
            s->flops = (a->flops - b->flops) / dn;
            s->activation_bytes = (a->activation_bytes - b->activation_bytes) / dn;
            s->bytes_read = (a->bytes_read - b->bytes_read) / dn;
            s->bytes_written = (a->bytes_written - b->bytes_written) / dn;
            s->params = r->cnt.first.params;
            r->shown_n += dn;
            r->shown_status = worse(r->shown_status, r->cnt.status);
        }
        r->cnt = *before;
    }
}

static int subgraph_input(struct pr_op_ctx *c, int sub, int i, struct pr_tensor *t)
{
    struct walk *w = (struct walk *)c->symbols;
    const struct pr_graph *g = c->node->subs[sub];
    if (!w || i < 0 || i >= g->ninputs)
        return -1;
    const struct pr_value *v = &w->m->graph.values[g->inputs[i]];
    uint64_t taint = 0;   /* input = false: no symbol is taken as 1, none warned about */
    return declared_value(w, v->declared, v->name, false, t, &taint) == 0 ? 0 : -1;
}

static const struct pr_op_host walk_host = {
    .symbol_get = symbols_get, .symbol_unbound = symbols_unbound,
    .subgraph_run = subgraph_run, .subgraph_run_assumed = subgraph_run_assumed,
    .subgraph_skip = subgraph_skip, .subgraph_discard = subgraph_discard,
    .subgraph_input = subgraph_input,
};

/* ---- layout and results ---- */

/* Binds each node to its operator row, once per model (a model analysed
 * again keeps its rows): the table's row for (domain, op type), or the
 * call of a model-local function (its body is the node's only subgraph).
 * layout() binds each node as it places it. */
struct binder {
    struct pr_names seen;   /* op type of the default domain -> row (PR_OP_COUNT: none), found once */
    bool cache;
    /* before that, by the strings' addresses: the loader gives nodes of
     * one op type one string (model.h), so most nodes hit here without
     * reading it; a miss (another string, a collision) takes the map */
    struct { const char *op_type, *domain; const struct pr_op *op; } recent[16];
};

static void bind_op(struct binder *bd, struct pr_node *n)
{
    if (n->nsubs == 1 && n->subs[0]->function) {
        n->op = &pr_function_op;
        return;
    }
    size_t h = ((uintptr_t)n->op_type >> 3 ^ (uintptr_t)n->op_type >> 7) & 15;
    if (bd->recent[h].op_type == n->op_type && bd->recent[h].domain == n->domain) {
        n->op = bd->recent[h].op;
        return;
    }
    bd->recent[h].op_type = n->op_type;
    bd->recent[h].domain = n->domain;
    int row = bd->cache && !*n->domain ? pr_names_get(&bd->seen, n->op_type) : -1;
    if (row >= 0) {
        n->op = bd->recent[h].op = row < PR_OP_COUNT ? &pr_op_table[row] : NULL;
        return;
    }
    n->op = bd->recent[h].op = pr_op_find(n->domain, n->op_type);
    if (bd->cache && !*n->domain &&
        pr_names_put(&bd->seen, n->op_type, n->op ? (int)(n->op - pr_op_table) : PR_OP_COUNT) < 0)
        bd->cache = false;   /* out of memory: the table is searched for each node */
}

/* Positions of g's rows in pre-order: each node, then its subgraphs'
 * rows; each node bound to its row on the way (bd not NULL). A main-graph
 * row's node and parent are written when the walk records it (its depth
 * is 0, as calloc left it): one pass over the rows fewer. */
static void layout(struct walk *w, struct binder *bd, const struct pr_graph *g, int parent, int *next)
{
    struct pr_node *base = w->m->graph.nodes;
    for (int p = 0; p < g->nnodes; p++) {
        struct pr_node *n = &g->nodes[w->order[g->id][p]];
        int gi = (int)(n - base), pos = (*next)++;
        w->pos_of[gi] = pos;
        if (bd)
            bind_op(bd, n);
        if (g->id > 0) {
            struct pr_layer *L = &w->a->layers[pos];
            L->node = gi;
            L->parent = parent;
            _Static_assert(PR_MAX_NESTING <= 127, "pr_layer.depth is a signed char");
            L->depth = (signed char)g->depth;
        }
        for (int s = 0; s < n->nsubs; s++) {
            w->graph_first[n->subs[s]->id] = *next;
            layout(w, bd, n->subs[s], pos, next);
            w->graph_end[n->subs[s]->id] = *next;
        }
    }
}

static void finish_rows(struct walk *w)
{
    for (int p = 0; p < w->a->nlayers; p++) {
        struct pr_layer *L = &w->a->layers[p];
        if (w->stat_of[p] < 0)
            continue;   /* written by record() */
        const struct row_stats *r = stats_at(w, p);
        const struct pr_sub_cost *e;
        L->status = (unsigned char)worse(r->cnt.status, r->shown_status);
        L->sub_peak_bytes = r->peak;
        if (r->cnt.n > 0) {
            L->counted = true;
            e = r->cnt.uniform ? &r->cnt.first : &r->cnt.sum;
            L->multiplier = r->cnt.uniform ? r->cnt.n : 1;
            L->params = r->cnt.first.params;
        } else {
            L->counted = false;
            e = &r->shown;
            L->multiplier = r->shown_n;
            L->params = r->shown.params;
            if (!r->shown_n && w->skipped[w->stat_of[p]]) {
                L->status = PR_LAYER_OK;
                L->why = "in a branch that is not taken: not analysed, not counted";
            } else if (!r->shown_n) {
                L->status = PR_LAYER_SHAPE_UNKNOWN;   /* never ran: its parent could not run it */
                L->why = "never ran: the node holding it could not run it";
            }
        }
        if (!L->why)
            L->why = w->row_why[w->stat_of[p]];
        L->macs = e->macs;
        L->flops = e->flops;
        L->activation_bytes = e->activation_bytes;
        L->bytes_read = e->bytes_read;
        L->bytes_written = e->bytes_written;
        count_status(w, p, (enum pr_layer_status)L->status);
    }
}

static void warn_incomplete(struct pr_analysis *a, const struct walk *w)
{
    int shape = w->shape_rows, cost = w->cost_rows, first_shape = w->first_shape, first_cost = w->first_cost;
    char label[400];
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

/* Schedules of every graph; a cycle anywhere is an error. */
static int schedule_all(struct walk *w)
{
    struct pr_model *m = w->m;
    int ngraphs = m->ngraphs > 0 ? m->ngraphs : 1;
    w->order = calloc((size_t)ngraphs, sizeof *w->order);
    w->graph_first = calloc((size_t)ngraphs, sizeof *w->graph_first);
    w->graph_end = calloc((size_t)ngraphs, sizeof *w->graph_end);
    if (!w->order || !w->graph_first || !w->graph_end)
        return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
    for (int i = 0; i < ngraphs; i++) {
        const struct pr_graph *g = m->ngraphs > 0 ? m->graphs[i] : &m->graph;
        w->order[i] = malloc(((size_t)g->nnodes + 1) * sizeof *w->order[i]);
        if (!w->order[i])
            return pr_err_set(w->err, PR_E_INTERNAL, "out of memory ordering %d nodes", g->nnodes);
        pr_prefault(w->order[i], ((size_t)g->nnodes + 1) * sizeof *w->order[i]);   /* written whole */
        if (pr_schedule_graph(g, w->order[i], w->err) < 0) {
            if (g->owner_node) {
                char label[400];
                pr_err_prefix(w->err, "in subgraph '%s' of %s", g->attr,
                              pr_node_label(g->owner_node, label, sizeof label));
            }
            return -1;
        }
    }
    return 0;
}

static void free_walk(struct walk *w)
{
    int ngraphs = w->m->ngraphs > 0 ? w->m->ngraphs : 1;
    for (int i = 0; w->order && i < ngraphs; i++)
        free(w->order[i]);
    free(w->order);
    free(w->graph_first);
    free(w->graph_end);
    free(w->pos_of);
    free(w->stats);
    free(w->stat_of);
    free(w->exec);
    free(w->lastpos);
    free(w->death);
    free(w->act);
    free(w->dim_used);
    free(w->counted);
    free(w->read_by);
    free(w->taint);
    free(w->unknown_from);
    free(w->skipped);
    free(w->row_why);
    free(w->cond_fix);
    free(w->failed_node);
    pr_names_free(&w->assumed);
    for (int i = 0; i < PR_MAX_NESTING + 2; i++)
        free(w->ctx_at[i]);
    pr_names_free(&w->dims);
    pr_names_free(&w->unbound);
}


/* Every value but the initializers back to the state the loader left it in
 * (no type, no shape, not compared with its declaration), so that an
 * analysis never sees what an earlier one inferred: the walk writes the
 * graph inputs' and the node outputs' types into the model, and a node
 * the walk does not reach (a branch not taken) would keep the last run's.
 * With it pr_infer can run again on the same model (priori sweep). */
static void reset_values(struct pr_model *m)
{
    for (int v = 0; v < m->graph.nvalues; v++) {
        struct pr_value *val = &m->graph.values[v];
        if (val->is_initializer)
            continue;
        memset(&val->t, 0, sizeof val->t);
        val->t.shape.rank = -1;
        val->shape_checked = 0;
    }
}

int pr_infer(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a, struct pr_err *err)
{
    memset(a, 0, sizeof *a);
    pr_diag_init(&a->diag);
    pr_arena_init(&a->arena);
    a->model = m;
    if (m->analysed) {   /* analysed before: its constants and messages go, its values are reset */
        reset_values(m);
        pr_arena_rewind(&m->arena, &m->pre_analysis);
    } else {
        pr_arena_mark(&m->arena, &m->pre_analysis);
        m->analysed = true;
    }
    struct pr_graph *g = &m->graph;
    /* every node of every graph is a row; the main graph's nodes come first */
    int total = g->nnodes;
    for (int i = 1; i < m->ngraphs; i++)
        total += m->graphs[i]->nnodes;
    struct walk w = {.m = m, .opt = opt, .a = a, .err = err, .factor = 1};
    a->layers = pr_zalloc((size_t)total + 1, sizeof *a->layers);   /* the arrays written or read whole: pr_zalloc */
    w.dim_used = calloc((size_t)opt->ndims + 1, sizeof *w.dim_used);
    w.counted = pr_zalloc((size_t)g->nvalues + 1, 1);
    w.pos_of = pr_zalloc((size_t)total + 1, sizeof *w.pos_of);
    w.stats = calloc((size_t)(total - g->nnodes) + 1, sizeof *w.stats);
    w.stat_of = malloc(((size_t)total + 1) * sizeof *w.stat_of);
    w.exec = calloc((size_t)(total - g->nnodes) + 1, sizeof *w.exec);
    bool nested = m->ngraphs > 1;   /* the arrays only subgraphs use stay one entry long without them */
    w.lastpos = calloc(nested ? (size_t)g->nvalues + 1 : 1, sizeof *w.lastpos);
    w.death = malloc(((size_t)g->nvalues + 1) * sizeof *w.death);
    w.act = pr_zalloc((size_t)g->nvalues + 1, sizeof *w.act);
    w.taint = pr_zalloc((size_t)g->nvalues + 1, sizeof *w.taint);        /* read at each input */
    w.unknown_from = pr_zalloc((size_t)g->nvalues + 1, sizeof *w.unknown_from);   /* at each output */
    if (w.stat_of && w.death) {   /* written whole by the walk */
        pr_prefault(w.stat_of, ((size_t)total + 1) * sizeof *w.stat_of);
        pr_prefault(w.death, ((size_t)g->nvalues + 1) * sizeof *w.death);
    }
    w.skipped = calloc((size_t)(total - g->nnodes) + 1, sizeof *w.skipped);
    w.row_why = calloc((size_t)(total - g->nnodes) + 1, sizeof *w.row_why);
    w.cond_fix = calloc(nested ? (size_t)total + 1 : 1, sizeof *w.cond_fix);
    w.failed_node = pr_zalloc((size_t)total + 1, 1);
    int rc = -1;
    bool names_ok = pr_names_init(&w.dims, (size_t)opt->ndims) == 0;
    names_ok &= pr_names_init(&w.unbound, 16) == 0;
    names_ok &= pr_names_init(&w.assumed, 16) == 0;
    for (int i = 0; names_ok && i < opt->ndims; i++) {
        int put = pr_names_put(&w.dims, opt->dims[i].symbol, i);
        names_ok = put >= 0;
        if (put == 1 && w.dim_used)   /* the same symbol again: the first binding wins; no warning */
            w.dim_used[i] = true;
    }
    if (!a->layers || !w.dim_used || !w.counted || !w.pos_of || !w.stats || !w.stat_of || !w.exec || !w.lastpos ||
        !w.death || !w.act || !w.taint || !w.unknown_from || !w.skipped || !w.row_why || !w.cond_fix || !w.failed_node ||
        !names_ok) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory for %d nodes", total);
        goto out;
    }
    if (bind_inputs(&w) < 0 || schedule_all(&w) < 0)
        goto out;
    for (int v = 0; v < g->nvalues; v++)
        w.death[v] = -1;   /* not a value of the main graph */
    pr_live_start(g, w.death);
    a->nlayers = total;
    int next = 0;
    struct binder bd = {.cache = !m->ops_bound && pr_names_init(&bd.seen, 64) == 0};
    layout(&w, m->ops_bound ? NULL : &bd, g, -1, &next);
    pr_names_free(&bd.seen);
    m->ops_bound = true;   /* a model analysed again (a sweep) keeps its rows */
    if (total == g->nnodes)   /* no subgraph: every row is a main-graph row */
        memset(w.stat_of, -1, (size_t)total * sizeof *w.stat_of);
    else
        for (int p = 0, k = 0; p < total; p++)
            w.stat_of[p] = a->layers[p].depth ? k++ : -1;
    struct pr_sub_cost whole;
    if (run_graph(&w, g, &whole) < 0)
        goto out;
    if (w.owners_oom) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory");
        goto out;
    }
    if (total > g->nnodes)
        finish_rows(&w);   /* the rows inside subgraphs */
    warn_skips(&w);
    for (int i = 0; i < opt->ndims; i++)
        if (!w.dim_used[i])
            pr_diag_add(&a->diag, "--dim %s=%lld matches no symbolic dim of the model's inputs",
                        opt->dims[i].symbol, (long long)opt->dims[i].value);
    warn_incomplete(a, &w);
    a->death = w.death;   /* the peak's (analysis.c) */
    a->act = w.act;
    w.death = NULL;
    w.act = NULL;
    rc = 0;
out:
    free_walk(&w);
    return rc;
}
