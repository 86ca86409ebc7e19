/* model.c -- load an ONNX file into the IR (see model.h).
 *
 * The file's bytes are read on demand (source.h). The wire pass (wire.h)
 * copies the model without the weight payloads, reading only the bytes it
 * looks at; protobuf-c unpacks the copy (cost and memory follow the graph,
 * not the weights); each stripped raw_data is pointed back at the file's
 * bytes, read only for tensors small enough to be decoded. A successful unpack is not a valid model (a 0-byte buffer unpacks to an
 * empty ModelProto), so everything is checked here before inference sees
 * it: a graph exists, the IR version is one we understand, value names are
 * defined once, every node input and graph output is defined, counts fit
 * our limits. Values are numbered: initializers first, then graph inputs,
 * then node outputs in file order; a hash map gives name -> index, so
 * building the graph is linear in its size.
 *
 * External data: an initializer whose data_location is EXTERNAL carries
 * location/offset/length. The location must be relative, must not contain
 * a ".." component, and, when the file exists, must resolve (symlinks
 * followed) inside the model's folder; offset+length must fit the file's
 * size. The file is stat()ed, never opened: counting needs no weights. A
 * missing file is a warning (a graph checked in without its weights can
 * still be analysed).
 */
#include "model.h"

#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "functions.h"
#include "nesting.h"
#include "nodesrc.h"
#include "onnx.pb-c.h"
#include "pbmem.h"
#include "tensor.h"
#include "wire.h"

/* The folder holding path, resolved (symlinks followed). */
static char *folder_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash == copy)
        dir = "/";
    else if (slash) {
        *slash = 0;
        dir = copy;
    }
    char *real = realpath(dir, NULL);
    free(copy);
    return real;
}

/* ---- external data ---- */

static int parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

static bool has_dotdot(const char *loc)
{
    const char *p = loc;
    while (*p) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

/* what: "initializer 'W'" or "node 3 'c' (Constant)", for the messages.
 * *missing counts the tensors whose file is missing (or not resolvable). */
static int check_external(struct pr_model *m, const Onnx__TensorProto *tp, struct pr_value *v, const char *what,
                          int *missing, struct pr_err *err)
{
    struct pr_store *x = pr_arena_calloc(&m->arena, 1, sizeof *x);
    if (!x)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    x->length = -1;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (!e || !e->key)
            continue;
        if (strcmp(e->key, "location") == 0)
            x->location = e->value;
        else if (strcmp(e->key, "offset") == 0 && parse_i64(e->value, &x->offset) < 0)
            return pr_err_set(err, PR_E_MODEL, "%s: external data offset '%s' is not a non-negative integer",
                              what, e->value ? e->value : "");
        else if (strcmp(e->key, "length") == 0 && parse_i64(e->value, &x->length) < 0)
            return pr_err_set(err, PR_E_MODEL, "%s: external data length '%s' is not a non-negative integer",
                              what, e->value ? e->value : "");
    }
    const char *loc = x->location;
    if (!loc || !*loc)
        return pr_err_set(err, PR_E_MODEL, "%s: external data has no location", what);
    if (loc[0] == '/' || loc[0] == '\\' || strchr(loc, ':'))
        return pr_err_set(err, PR_E_MODEL,
                          "%s: external data location '%s' is absolute; it must be a path relative to the model's folder",
                          what, loc);
    if (has_dotdot(loc))
        return pr_err_set(err, PR_E_MODEL,
                          "%s: external data location '%s' leaves the model's folder ('..'); move the data next to the model",
                          what, loc);
    v->store = x;
    if (!m->dir) {
        x->missing = true;   /* loaded from memory: no folder to resolve it in (warned by warn_missing_files) */
        ++*missing;
        return 0;
    }
    size_t need = strlen(m->dir) + strlen(loc) + 2;
    char *full = malloc(need);
    if (!full)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    snprintf(full, need, "%s/%s", m->dir, loc);
    char *real = realpath(full, NULL);
    free(full);
    if (!real) {
        x->missing = true;   /* warned about per file by warn_missing_files */
        ++*missing;
        return 0;
    }
    size_t dl = strlen(m->dir);
    bool inside = strncmp(real, m->dir, dl) == 0 && (real[dl] == '/' || (dl == 1 && m->dir[0] == '/'));
    struct stat st;
    int rc = inside ? stat(real, &st) : -1;
    free(real);
    if (!inside)
        return pr_err_set(err, PR_E_MODEL,
                          "%s: external data location '%s' resolves outside the model's folder (through a symlink); refusing it",
                          what, loc);
    if (rc < 0 || !S_ISREG(st.st_mode))
        return pr_err_set(err, PR_E_MODEL, "%s: external data '%s' is not a regular file",
                          what, loc);
    bool ovf = false;
    uint64_t end = pr_u64_add((uint64_t)x->offset, x->length < 0 ? 0 : (uint64_t)x->length, &ovf);
    if (ovf || end > (uint64_t)st.st_size)
        return pr_err_set(err, PR_E_MODEL,
                          "%s: external data offset %lld + length %lld is past the end of '%s' (%lld bytes)",
                          what, (long long)x->offset, (long long)(x->length < 0 ? 0 : x->length), loc,
                          (long long)st.st_size);
    return 0;
}

/* ---- graph building ----
 *
 * The main graph and its subgraphs (graph attributes of If, Loop, Scan,
 * SequenceMap, …) are built into shared value and node arrays (model.h).
 * A first pass counts values, nodes and graphs over the whole tree, so the
 * arrays are allocated once. Each graph then registers its initializers,
 * inputs and node outputs in its own name map, builds the subgraphs of its
 * nodes (which may name any value of the enclosing graphs, in any order of
 * the file), and resolves its node inputs and outputs innermost scope
 * first. Every node with subgraphs records the outer values they read
 * (`implicit`): the schedule treats them as inputs of that node. Recursion
 * is bounded by PR_MAX_NESTING, checked again here. */

struct build {
    struct pr_model *m;
    struct pr_diag *diag;
    struct pr_err *err;
    int nnodes;                 /* nodes placed so far in m->graph.nodes */
    int *stamp;                 /* per value: last node that listed it as implicit */
    int *actuals, nactuals;     /* the function call whose body is built next: its input values */
    int *slots;                 /* every node's in[] and out[], one array (counted by count_tree) */
    size_t nslots, used_slots;
    int missing;                /* external tensors whose file is missing (warn_missing_files) */
    struct pr_nodesrc *main_src;  /* the main graph's nodes */
    size_t nvalues;             /* the value array's length (count_tree's; the wire pass's for plain nodes) */
    struct pr_names strings;    /* op types and domains seen -> index in interned */
    const char **interned;      /* the first string of each (in the proto tree) */
    int ninterned, cap_interned;
};

/* The string equal to s that the model's nodes share (a copy of the first seen):
 * nodes compare and group op types by pointer, and read one hot string
 * instead of a copy of their own in cold memory. NULL when out of memory. */
static const char *intern(struct build *b, const char *s)
{
    int i = pr_names_get(&b->strings, s);
    if (i >= 0)
        return b->interned[i];
    if (b->ninterned == b->cap_interned) {
        int cap = b->cap_interned ? 2 * b->cap_interned : 32;
        const char **more = realloc(b->interned, (size_t)cap * sizeof *more);
        if (!more)
            return NULL;
        b->interned = more;
        b->cap_interned = cap;
    }
    const char *copy = pr_arena_strdup(&b->m->arena, s);   /* s may be a batch's (nodesrc.h) */
    if (!copy || pr_names_put(&b->strings, copy, b->ninterned) < 0)
        return NULL;
    b->interned[b->ninterned] = copy;
    return b->interned[b->ninterned++];
}

static bool is_graph_attr(const Onnx__AttributeProto *a)
{
    return a && a->g && (!a->has_type || a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
}

/* Values, nodes, graphs and node inputs + outputs of gp and everything
 * nested in it; own (when not NULL): the values gp itself names. src
 * (NULL: gp->node) gives gp's nodes: its plain ones are counted from the
 * wire pass's list, not unpacked. */
static int count_tree(const Onnx__GraphProto *gp, const struct pr_nodesrc *src, int depth, size_t *values,
                      size_t *nodes, size_t *graphs, size_t *slots, size_t *own, struct pr_err *err)
{
    size_t n = src ? src->n : gp->n_node;
    if (depth > PR_MAX_NESTING)
        return pr_err_set(err, PR_E_MODEL, "subgraphs nested deeper than %d levels; priori refuses such models",
                          PR_MAX_NESTING);
    if (n > PR_MAX_NODES || *nodes + n > PR_MAX_NODES)
        return pr_err_set(err, PR_E_MODEL, "the model has more than %d nodes; at most %d are supported",
                          PR_MAX_NODES, PR_MAX_NODES);
    size_t mine = gp->n_initializer + gp->n_sparse_initializer + gp->n_input;
    if (src && src->list) {
        mine += src->list->plain_outputs;
        *values += src->list->plain_outputs;
        *slots += src->list->plain_io;
    }
    *values += gp->n_initializer + gp->n_sparse_initializer + gp->n_input;
    *nodes += n;
    *graphs += 1;
    for (size_t i = 0; i < n; i++) {
        if (src && pr_nodesrc_transient(src, i))
            continue;   /* plain: counted above */
        const Onnx__NodeProto *np = src ? pr_nodesrc_peek(src, i) : gp->node[i];
        if (!np)
            return pr_err_set(err, PR_E_MODEL, "%snode %zu is empty", depth ? "a subgraph's " : "", i);
        *values += np->n_output;
        mine += np->n_output;
        *slots += np->n_input + np->n_output;
        for (size_t k = 0; k < np->n_attribute; k++)
            if (is_graph_attr(np->attribute[k]) &&
                count_tree(np->attribute[k]->g, NULL, depth + 1, values, nodes, graphs, slots, NULL, err) < 0)
                return -1;
    }
    if (own)
        *own = mine;
    return 0;
}

/* "" for the main graph, else " in subgraph 'body' of node 3 'loop' (Loop)". */
static const char *where(const struct build *b, const struct pr_graph *g, char *buf, size_t size)
{
    if (g->owner < 0) {
        buf[0] = 0;
        return buf;
    }
    char label[300];
    snprintf(buf, size, " in subgraph '%s' of %s", g->attr,
             pr_node_label(&b->m->graph.nodes[g->owner], label, sizeof label));
    return buf;
}

/* Registers name (hash: pr_names_hash(name)) as the next value of g: its
 * index, -2 when g defines it already. The value array comes zeroed
 * (calloc), so only the fields that are not zero are written. */
static int add_value_hashed(struct build *b, struct pr_graph *g, const char *name, uint32_t hash)
{
    struct pr_graph *mg = &b->m->graph;
    int idx = mg->nvalues;
    if ((size_t)idx >= b->nvalues)   /* the counts and the nodes disagree: never past the array */
        return pr_err_set(b->err, PR_E_INTERNAL, "more values than counted (at '%s')", name);
    int rc = pr_names_put_hashed(&g->names, name, hash, idx);
    if (rc < 0)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    if (rc > 0)
        return -2;   /* already defined in this graph */
    struct pr_value *v = &mg->values[idx];
    v->name = name;
    v->producer = -1;
    v->graph = g->id;
    v->t.shape.rank = -1;
    mg->nvalues++;
    return idx;
}

static int add_value(struct build *b, struct pr_graph *g, const char *name)
{
    return add_value_hashed(b, g, name, pr_names_hash(name));
}

/* Innermost definition of name visible from g, or -1. */
static int lookup(const struct pr_graph *g, const char *name)
{
    for (; g; g = g->function ? NULL : g->parent) {   /* a function's body does not see its caller */
        int idx = pr_names_get(&g->names, name);
        if (idx >= 0)
            return idx;
    }
    return -1;
}

/* A sparse initializer (SparseTensorProto): a value of the dense shape
 * `dims` whose `values` (1-D, NNZ elements) sit at `indices`, int64 of
 * shape [NNZ] (linear positions) or [NNZ, rank] (coordinates). Checked:
 * the shapes agree, and, when the indices are small enough to be decoded
 * (PR_CONST_MAX elements), every index is inside the dense shape. The value
 * counts as a weight of its dense element count; nnz keeps NNZ. */
static int sparse_initializer(struct build *b, struct pr_graph *g, const Onnx__SparseTensorProto *sp, size_t i)
{
    struct pr_model *m = b->m;
    char at[400], what[300];
    where(b, g, at, sizeof at);
    const Onnx__TensorProto *vals = sp ? sp->values : NULL;
    if (!vals || !vals->name || !*vals->name)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer %zu%s has no values tensor with a name", i, at);
    const char *name = vals->name;
    if (!sp->indices)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s has no indices; add the int64 indices tensor",
                          name, at);
    struct pr_tensor vt, it;
    snprintf(what, sizeof what, "sparse initializer '%.200s' values", name);
    if (pr_tensor_from_proto(vals, &m->arena, &vt, what, b->err) < 0)
        return -1;
    snprintf(what, sizeof what, "sparse initializer '%.200s' indices", name);
    if (pr_tensor_from_proto(sp->indices, &m->arena, &it, what, b->err) < 0)
        return -1;
    if (sp->n_dims > PR_MAX_RANK)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s: rank %zu exceeds the supported maximum %d",
                          name, at, sp->n_dims, PR_MAX_RANK);
    struct pr_shape dense = {.rank = (int)sp->n_dims};
    for (size_t k = 0; k < sp->n_dims; k++) {
        if (sp->dims[k] < 0)
            return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s: dim %zu is negative (%lld)", name, at, k,
                              (long long)sp->dims[k]);
        dense.dim[k] = sp->dims[k];
    }
    bool unk = false, ovf = false;
    uint64_t numel = pr_shape_numel(&dense, &unk, &ovf);
    if (ovf)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s: element count of its dims overflows 64 bits",
                          name, at);
    if (vt.shape.rank != 1)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s: values have rank %d; they must be 1-D [NNZ]",
                          name, at, vt.shape.rank);
    int64_t nnz = vt.shape.dim[0];
    bool linear = it.shape.rank == 1 && it.shape.dim[0] == nnz;
    bool coords = it.shape.rank == 2 && it.shape.dim[0] == nnz && it.shape.dim[1] == dense.rank;
    if (it.dtype != PR_DT_INT64 || (!linear && !coords))
        return pr_err_set(b->err, PR_E_MODEL,
                          "sparse initializer '%s'%s: indices must be int64 of shape [%lld] or [%lld, %d] (NNZ = %lld values)",
                          name, at, (long long)nnz, (long long)nnz, dense.rank, (long long)nnz);
    if ((uint64_t)nnz > numel)
        return pr_err_set(b->err, PR_E_MODEL, "sparse initializer '%s'%s: %lld values but the dense shape has %llu elements",
                          name, at, (long long)nnz, (unsigned long long)numel);
    for (int64_t k = 0; it.cval && k < it.cval->n; k++) {
        int64_t x = pr_const_values(it.cval)->i[k];
        int64_t bound = linear ? (int64_t)numel : dense.dim[k % dense.rank];
        if (x < 0 || x >= bound)
            return pr_err_set(b->err, PR_E_MODEL,
                              "sparse initializer '%s'%s: index %lld (entry %lld) is outside [0, %lld); fix the indices tensor",
                              name, at, (long long)x, (long long)k, (long long)bound);
    }
    int idx = add_value(b, g, name);
    if (idx == -2)
        return pr_err_set(b->err, PR_E_MODEL, "initializer '%s'%s is defined twice (a sparse and a dense one, or two sparse)",
                          name, at);
    if (idx < 0)
        return -1;
    struct pr_value *v = &m->graph.values[idx];
    v->t.dtype = vt.dtype;
    v->t.shape = dense;
    v->t.is_weight = true;
    v->is_initializer = 1;
    struct pr_store *st = pr_arena_calloc(&m->arena, 1, sizeof *st);
    if (!st)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    st->sparse_nnz = nnz;
    v->store = st;
    v->is_sparse = 1;
    return 0;
}

static int build_values(struct build *b, struct pr_graph *g, const Onnx__GraphProto *gp)
{
    struct pr_model *m = b->m;
    struct pr_value *values = m->graph.values;
    char at[400];
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        if (!tp || !tp->name || !*tp->name)
            return pr_err_set(b->err, PR_E_MODEL, "initializer %zu%s has no name", i, where(b, g, at, sizeof at));
        int idx = add_value(b, g, tp->name);
        if (idx == -2)
            return pr_err_set(b->err, PR_E_MODEL, "initializer '%s'%s is defined twice", tp->name,
                              where(b, g, at, sizeof at));
        if (idx < 0)
            return -1;
        struct pr_value *v = &values[idx];
        char what[300];
        snprintf(what, sizeof what, "initializer '%.200s'", tp->name);
        if (pr_tensor_from_proto(tp, &m->arena, &v->t, what, b->err) < 0)
            return -1;
        v->is_initializer = 1;
        v->t.is_weight = true;
        if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL &&
            check_external(m, tp, v, what, &b->missing, b->err) < 0)
            return -1;
    }
    int weightless = 0;
    const char *first_weightless = NULL;
    for (size_t i = 0; i < gp->n_initializer; i++)
        if (pr_tensor_proto_weightless(gp->initializer[i]) && weightless++ == 0)
            first_weightless = gp->initializer[i]->name;
    if (weightless)
        pr_diag_add(b->diag, "%d initializer%s%s (first: '%s') hold%s no data (a weightless export): counts do not need "
                    "the values; shapes computed from them (e.g. a Reshape's target) are unknown",
                    weightless, weightless == 1 ? "" : "s", where(b, g, at, sizeof at), first_weightless,
                    weightless == 1 ? "s" : "");
    for (size_t i = 0; i < gp->n_sparse_initializer; i++)
        if (sparse_initializer(b, g, gp->sparse_initializer[i], i) < 0)
            return -1;

    g->inputs = pr_arena_calloc(&m->arena, gp->n_input + 1, sizeof *g->inputs);
    if (!g->inputs)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    if (g->function) {
        /* a function body at its call: each formal input names the call's
         * actual value (weights stay weights, counted once); a formal the
         * call leaves out was made absent by the expansion */
        for (size_t i = 0; i < gp->n_input && i < (size_t)b->nactuals; i++) {
            const Onnx__ValueInfoProto *vi = gp->input[i];
            if (b->actuals[i] < 0 || !vi || !vi->name || !*vi->name)
                continue;
            int rc = pr_names_put(&g->names, vi->name, b->actuals[i]);
            if (rc < 0)
                return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
            if (rc > 0)
                return pr_err_set(b->err, PR_E_MODEL, "model-local function '%s' names its input '%s' twice",
                                  g->attr, vi->name);
        }
        return 0;
    }
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi || !vi->name || !*vi->name)
            return pr_err_set(b->err, PR_E_MODEL, "graph input %zu%s has no name", i, where(b, g, at, sizeof at));
        int idx = pr_names_get(&g->names, vi->name);
        if (idx >= 0 && values[idx].is_initializer) {
            values[idx].declared = vi->type;   /* IR < 4 lists initializers as inputs */
            continue;
        }
        if (idx >= 0)
            return pr_err_set(b->err, PR_E_MODEL, "graph input '%s'%s is declared twice", vi->name,
                              where(b, g, at, sizeof at));
        idx = add_value(b, g, vi->name);
        if (idx < 0)
            return -1;
        values[idx].is_input = 1;
        values[idx].declared = vi->type;
        g->inputs[g->ninputs++] = idx;
    }
    return 0;
}

static int build_graph(struct build *b, struct pr_graph *g, const Onnx__GraphProto *gp, size_t own);

/* The values a function call passes (b->actuals, -1 when absent), resolved
 * in the caller's scope before its body is built. */
static int call_actuals(struct build *b, const struct pr_graph *g, const struct pr_node *n, const Onnx__NodeProto *np)
{
    char label[300], at[400];
    b->nactuals = (int)np->n_input;
    b->actuals = pr_arena_calloc(&b->m->arena, np->n_input + 1, sizeof *b->actuals);
    if (!b->actuals)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    for (size_t k = 0; k < np->n_input; k++) {
        const char *name = np->input[k];
        b->actuals[k] = name && *name ? lookup(g, name) : -1;
        if (name && *name && b->actuals[k] < 0)
            return pr_err_set(b->err, PR_E_MODEL,
                              "%s%s: input '%s' is not defined by any graph input, initializer or node output",
                              pr_node_label(n, label, sizeof label), where(b, g, at, sizeof at), name);
    }
    return 0;
}

/* Subgraphs of node n (global index gi) from its graph attributes. */
static int build_subgraphs(struct build *b, struct pr_graph *g, struct pr_node *n, int gi,
                           const Onnx__NodeProto *np)
{
    struct pr_model *m = b->m;
    int count = 0;
    for (size_t k = 0; k < np->n_attribute; k++)
        count += is_graph_attr(np->attribute[k]);
    if (!count)
        return 0;
    n->subs = pr_arena_calloc(&m->arena, (size_t)count, sizeof *n->subs);
    if (!n->subs)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    for (size_t k = 0; k < np->n_attribute; k++) {
        const Onnx__AttributeProto *a = np->attribute[k];
        if (!is_graph_attr(a))
            continue;
        struct pr_graph *sg = pr_arena_calloc(&m->arena, 1, sizeof *sg);
        if (!sg)
            return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
        sg->id = m->ngraphs;
        m->graphs[m->ngraphs++] = sg;
        sg->depth = g->depth + 1;
        sg->parent = g;
        sg->owner = gi;
        sg->owner_node = n;
        sg->attr = a->name ? a->name : "";
        sg->function = pr_function_of(a);
        n->subs[n->nsubs++] = sg;
        if (sg->function && call_actuals(b, g, n, np) < 0)
            return -1;
        if (sg->depth > PR_MAX_NESTING)
            return pr_err_set(b->err, PR_E_MODEL, "subgraphs nested deeper than %d levels; priori refuses such models",
                              PR_MAX_NESTING);
        if (build_graph(b, sg, a->g, 0) < 0)
            return -1;
    }
    return 0;
}

/* Records v as read by n's subgraphs when it is defined at n's depth or
 * above (an enclosing scope), once. */
static int note_implicit(struct build *b, struct pr_node *n, int gi, int depth, int v, int *cap)
{
    const struct pr_value *val = &b->m->graph.values[v];
    if (b->m->graphs[val->graph]->depth > depth || b->stamp[v] == gi + 1)
        return 0;
    b->stamp[v] = gi + 1;
    if (n->nimplicit == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        int *grown = pr_arena_alloc(&b->m->arena, (size_t)ncap * sizeof *grown);
        if (!grown)
            return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
        if (n->nimplicit)
            memcpy(grown, n->implicit, (size_t)n->nimplicit * sizeof *grown);
        n->implicit = grown;
        *cap = ncap;
    }
    n->implicit[n->nimplicit++] = v;
    return 0;
}

static int collect_implicit(struct build *b, struct pr_node *n, int gi, int depth)
{
    int cap = 0;
    for (int s = 0; s < n->nsubs; s++) {
        const struct pr_graph *sg = n->subs[s];
        for (int i = 0; i < sg->nnodes; i++) {
            const struct pr_node *c = &sg->nodes[i];
            for (int k = 0; k < c->nin; k++)
                if (c->in[k] >= 0 && note_implicit(b, n, gi, depth, c->in[k], &cap) < 0)
                    return -1;
            for (int k = 0; k < c->nimplicit; k++)
                if (note_implicit(b, n, gi, depth, c->implicit[k], &cap) < 0)
                    return -1;
        }
        for (int k = 0; k < sg->noutputs; k++)
            if (note_implicit(b, n, gi, depth, sg->outputs[k], &cap) < 0)
                return -1;
    }
    return 0;
}

/* Version of domain for the nodes of g: the opset_import of the innermost
 * function body holding g when it imports the domain, else the model's. */
static int64_t node_opset(const struct pr_model *m, const struct pr_graph *g, const char *domain)
{
    for (; g; g = g->parent)
        if (g->function) {
            int64_t v = pr_function_opset(g->function, domain);
            if (v > 0)
                return v;
        }
    return pr_model_opset(m, domain);
}

static const char dup_oom[] = "";

/* The name of an attribute np gives twice, NULL when none (dup_oom when
 * out of memory). A few attributes are compared pairwise, many by hash. */
static const char *duplicate_attr(const Onnx__NodeProto *np)
{
    size_t n = np->n_attribute;
    if (n <= 16) {
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < k; j++)
                if (np->attribute[k] && np->attribute[j] && np->attribute[k]->name && np->attribute[j]->name &&
                    strcmp(np->attribute[k]->name, np->attribute[j]->name) == 0)
                    return np->attribute[k]->name;
        return NULL;
    }
    struct pr_names seen;
    if (pr_names_init(&seen, n) < 0)
        return dup_oom;
    const char *twice = NULL;
    for (size_t k = 0; k < n && !twice; k++) {
        const Onnx__AttributeProto *a = np->attribute[k];
        int rc = a && a->name ? pr_names_put(&seen, a->name, (int)k) : 0;
        if (rc < 0)
            twice = dup_oom;
        else if (rc > 0)
            twice = a->name;
    }
    pr_names_free(&seen);
    return twice;
}

/* The output named name of one of the RECENT nodes before node i of g
 * (at most RECENT_NAMES names compared, however many outputs they have),
 * or -1: most inputs are a recent node's output, and comparing a few names
 * that were just read is cheaper than a hash probe into a table of a
 * million. A value of g is the innermost definition, as lookup() would
 * find it (names are unique within a graph). */
enum { RECENT = 4, RECENT_NAMES = 8 };
static int recent_output(const struct pr_graph *g, const struct pr_value *values, size_t i, const char *name)
{
    int budget = RECENT_NAMES;
    for (size_t back = 1; back <= RECENT && back <= i; back++) {
        const struct pr_node *p = &g->nodes[i - back];
        for (int k = 0; k < p->nout; k++) {
            if (budget-- == 0)
                return -1;
            if (p->out[k] >= 0 && strcmp(values[p->out[k]].name, name) == 0)
                return p->out[k];
        }
    }
    return -1;
}

/* Pass 1 starts fetching the name-map slot of the output of the node this
 * many ahead: a random probe into a table of a million keys is a cache
 * miss. The key's hash is kept for when the node comes (a ring of
 * NAME_AHEAD, a power of two). */
enum { NAME_AHEAD = 8 };

/* An input not resolved in pass 1 (named by a later node, or by an
 * enclosing graph): pass 2 looks it up. */
enum { UNRESOLVED = -2 };

/* A Constant whose value is stored externally (Paddle2ONNX writes every
 * weight as a Constant): its location is checked and its file tracked as
 * an initializer's is, though its values are never read either. */
static int constant_external(struct build *b, const struct pr_graph *g, const struct pr_node *n,
                             const Onnx__NodeProto *np, struct pr_value *v)
{
    for (size_t a = 0; a < np->n_attribute; a++) {
        const Onnx__AttributeProto *at = np->attribute[a];
        const Onnx__TensorProto *tp = at && at->name && strcmp(at->name, "value") == 0 ? at->t : NULL;
        if (tp && tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
            char label[300], at_buf[400], what[800];
            snprintf(what, sizeof what, "%s%s", pr_node_label(n, label, sizeof label), where(b, g, at_buf, sizeof at_buf));
            return check_external(b->m, tp, v, what, &b->missing, b->err);
        }
    }
    return 0;
}

/* The arena's copy of name when it is node i's of a batch (nodesrc.h),
 * else name itself; NULL when out of memory. */
static const char *kept_name(struct build *b, const struct pr_nodesrc *src, size_t i, const char *name)
{
    return pr_nodesrc_transient(src, i) ? pr_arena_strdup(&b->m->arena, name) : name;
}

static int build_nodes(struct build *b, struct pr_graph *g, struct pr_nodesrc *src)
{
    struct pr_model *m = b->m;
    struct pr_value *values = m->graph.values;
    size_t count = src->n;
    g->nodes = m->graph.nodes + b->nnodes;
    int first = b->nnodes;
    b->nnodes += (int)count;
    char label[300], at[400];
    int64_t ver = node_opset(m, g, "");   /* of the default domain, which most nodes are in */
    int default_opset = ver > INT_MAX ? INT_MAX : (int)ver;
    const char *ahead_key[NAME_AHEAD] = {0};
    uint32_t ahead_hash[NAME_AHEAD] = {0};
    size_t unresolved = 0, with_graphs = 0;
    /* Pass 1, in one read of each NodeProto: outputs, and the inputs this
     * graph defines already (a sorted file names earlier outputs); the
     * others wait for pass 2, when every output is known (unsorted files,
     * values of enclosing graphs). An input found here is what pass 2's
     * lookup would find: names are unique within a graph, and a graph's
     * own definition comes first. */
    for (size_t i = 0; i < count; i++) {
        const Onnx__NodeProto *np = pr_nodesrc_get(src, i, b->err);
        if (!np)
            return -1;
        struct pr_node *n = &g->nodes[i];
        if (i + NAME_AHEAD < count) {   /* the name map's slot of a later node's output (when at hand) */
            const Onnx__NodeProto *ahead = pr_nodesrc_peek(src, i + NAME_AHEAD);
            size_t r = (i + NAME_AHEAD) % NAME_AHEAD;
            ahead_key[r] = ahead && ahead->n_output && ahead->output[0] ? ahead->output[0] : NULL;
            if (ahead_key[r]) {
                ahead_hash[r] = pr_names_hash(ahead_key[r]);
                pr_names_prefetch_hash(&g->names, ahead_hash[r]);
            }
        }
        n->index = (int)i;
        n->graph = g->id;
        n->scope = g->parent ? g : NULL;
        n->name = np->name && *np->name ? np->name : "";   /* not a batch's empty string */
        if (*n->name && !(n->name = kept_name(b, src, i, n->name)))
            return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
        n->op_type = np->op_type ? np->op_type : "";
        n->domain = np->domain && *np->domain && strcmp(np->domain, "ai.onnx") != 0 ? np->domain : "";
        n->proto = pr_nodesrc_transient(src, i) ? NULL : np;   /* a plain node has no attributes to read */
        n->no_attrs = np->n_attribute == 0;
        if (!*n->op_type)
            return pr_err_set(b->err, PR_E_MODEL, "%s%s has no op_type", pr_node_label(n, label, sizeof label),
                              where(b, g, at, sizeof at));
        if (!(n->op_type = intern(b, n->op_type)) || (*n->domain && !(n->domain = intern(b, n->domain))))
            return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
        if (np->n_input > PR_MAX_IO || np->n_output > PR_MAX_IO)
            return pr_err_set(b->err, PR_E_MODEL, "%s%s has %zu inputs and %zu outputs; at most %d each are supported",
                              pr_node_label(n, label, sizeof label), where(b, g, at, sizeof at), np->n_input,
                              np->n_output, PR_MAX_IO);
        if (np->n_attribute) {
            const char *twice = duplicate_attr(np);
            if (twice == dup_oom)
                return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
            if (twice)
                return pr_err_set(b->err, PR_E_MODEL,
                                  "%s%s: attribute '%s' is given twice; ONNX allows each attribute once: remove one",
                                  pr_node_label(n, label, sizeof label), where(b, g, at, sizeof at), twice);
            for (size_t k = 0; k < np->n_attribute; k++)
                if (is_graph_attr(np->attribute[k])) {
                    with_graphs++;
                    break;
                }
        }
        n->nin = (int)np->n_input;
        n->nout = (int)np->n_output;
        if (np->n_input + np->n_output > b->nslots - b->used_slots)   /* count_tree counted them all */
            return pr_err_set(b->err, PR_E_INTERNAL, "%s: more inputs and outputs than counted",
                              pr_node_label(n, label, sizeof label));
        n->in = b->slots + b->used_slots;   /* the model's one array of slots */
        n->out = n->in + np->n_input;
        b->used_slots += np->n_input + np->n_output;
        int own_first = m->graph.nvalues;   /* values from here on are this node's outputs */
        for (size_t k = 0; k < np->n_output; k++) {
            const char *name = np->output[k];
            if (!name || !*name) {
                n->out[k] = -1;
                continue;
            }
            size_t r = i % NAME_AHEAD;
            uint32_t hash = k == 0 && ahead_key[r] == name ? ahead_hash[r] : pr_names_hash(name);
            if (!(name = kept_name(b, src, i, name)))
                return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
            int idx = add_value_hashed(b, g, name, hash);
            if (idx == -2) {
                int prev = pr_names_get(&g->names, name);
                const struct pr_value *pv = &values[prev];
                char other[300];
                if (pv->graph != g->id)   /* a function's formal input: the caller's value */
                    snprintf(other, sizeof other, "the function's input of that name");
                else if (pv->producer >= 0)
                    pr_node_label(&g->nodes[pv->producer], other, sizeof other);
                else
                    snprintf(other, sizeof other, "%s", pv->is_initializer ? "an initializer" : "a graph input");
                return pr_err_set(b->err, PR_E_MODEL, "%s%s: output '%s' is already produced by %s; every value must have one producer",
                                  pr_node_label(n, label, sizeof label), where(b, g, at, sizeof at), name, other);
            }
            if (idx < 0)
                return -1;
            values[idx].producer = (int)i;
            n->out[k] = idx;
        }
        if (n->nout == 1 && n->out[0] >= 0 && !*n->domain && strcmp(n->op_type, "Constant") == 0 &&
            constant_external(b, g, n, np, &values[n->out[0]]) < 0)
            return -1;
        for (size_t k = 0; k < np->n_input; k++) {
            const char *name = np->input[k];
            int idx = -1;
            if (name && *name) {
                idx = recent_output(g, values, i, name);
                if (idx < 0 && (idx = pr_names_get(&g->names, name)) >= own_first)
                    g->sorted = false;   /* the node reads its own output: a cycle */
                if (idx < 0) {
                    idx = UNRESOLVED;
                    unresolved++;
                }
            }
            n->in[k] = idx;
        }
        if (*n->domain) {
            ver = node_opset(m, g, n->domain);
            n->opset = ver > INT_MAX ? INT_MAX : (int)ver;
        } else {
            n->opset = default_opset;
        }
        g->nnodes++;
    }
    /* Subgraphs, then pass 2: the inputs left (innermost scope first). */
    for (size_t i = 0; with_graphs && i < count; i++)
        if (!g->nodes[i].no_attrs && build_subgraphs(b, g, &g->nodes[i], first + (int)i, pr_nodesrc_peek(src, i)) < 0)
            return -1;
    for (size_t i = 0; unresolved && i < count; i++) {
        struct pr_node *n = &g->nodes[i];
        const Onnx__NodeProto *np = NULL;
        for (int k = 0; k < n->nin; k++) {
            if (n->in[k] != UNRESOLVED)
                continue;
            if (!np && !(np = pr_nodesrc_get(src, i, b->err)))
                return -1;
            const char *name = np->input[k];
            int idx = lookup(g, name);
            if (idx < 0)
                return pr_err_set(b->err, PR_E_MODEL,
                                  "%s%s: input '%s' is not defined by any graph input, initializer or node output%s",
                                  pr_node_label(n, label, sizeof label), where(b, g, at, sizeof at), name,
                                  g->parent ? " of this graph or an enclosing one" : "");
            if (values[idx].graph == g->id)
                g->sorted = false;   /* a later node's output (pass 1 knew the earlier ones) */
            n->in[k] = idx;
            unresolved--;
        }
    }
    return 0;
}

static int build_outputs(struct build *b, struct pr_graph *g, const Onnx__GraphProto *gp)
{
    struct pr_model *m = b->m;
    struct pr_value *values = m->graph.values;
    char at[400];
    g->outputs = pr_arena_calloc(&m->arena, gp->n_output + 1, sizeof *g->outputs);
    if (!g->outputs)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory");
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vi = gp->output[i];
        if (!vi || !vi->name || !*vi->name)
            return pr_err_set(b->err, PR_E_MODEL, "graph output %zu%s has no name", i, where(b, g, at, sizeof at));
        int idx = lookup(g, vi->name);
        if (idx < 0)
            return pr_err_set(b->err, PR_E_MODEL, "graph output '%s'%s is not produced by any node, input or initializer",
                              vi->name, where(b, g, at, sizeof at));
        if (values[idx].graph == g->id) {
            values[idx].is_output = 1;
            if (vi->type)
                values[idx].declared = vi->type;
        }
        g->outputs[g->noutputs++] = idx;
    }
    for (size_t i = 0; i < gp->n_value_info; i++) {
        const Onnx__ValueInfoProto *vi = gp->value_info[i];
        if (!vi || !vi->name || !vi->type)
            continue;
        int idx = pr_names_get(&g->names, vi->name);
        if (idx >= 0 && !values[idx].declared)
            values[idx].declared = vi->type;
    }
    return 0;
}

/* own: the values gp names (count_tree's), 0 when not counted yet. The
 * main graph's nodes come from b->main_src. */
static int build_graph(struct build *b, struct pr_graph *g, const Onnx__GraphProto *gp, size_t own)
{
    if (!own) {
        own = gp->n_initializer + gp->n_sparse_initializer + gp->n_input;
        for (size_t i = 0; i < gp->n_node; i++)
            own += gp->node[i]->n_output;
    }
    if (pr_names_init(&g->names, own) < 0)
        return pr_err_set(b->err, PR_E_INTERNAL, "out of memory for %zu values", own);
    g->sorted = true;   /* until a node reads a later one's output (build_nodes) */
    struct pr_nodesrc sub;
    struct pr_nodesrc *src = g->id == 0 ? b->main_src : &sub;
    if (src == &sub && pr_nodesrc_open(&sub, gp, NULL, NULL, NULL, NULL, NULL, NULL, b->err) < 0)
        return -1;
    int rc = build_values(b, g, gp) < 0 || build_nodes(b, g, src) < 0 || build_outputs(b, g, gp) < 0 ? -1 : 0;
    if (src == &sub)
        pr_nodesrc_close(&sub);
    if (rc < 0)
        return -1;
    const struct pr_value *values = b->m->graph.values;
    for (int i = 0; i < g->nnodes; i++) {
        struct pr_node *n = &g->nodes[i];
        if (!n->nsubs)
            continue;
        if (collect_implicit(b, n, (int)(n - b->m->graph.nodes), g->depth) < 0)
            return -1;
        for (int k = 0; k < n->nimplicit; k++)   /* read inside its subgraphs: an input too */
            if (values[n->implicit[k]].graph == g->id && values[n->implicit[k]].producer >= i)
                g->sorted = false;
    }
    return 0;
}

/* One warning per missing external-data file, with how many initializers
 * it holds (a model saved with its weights elsewhere names one file for
 * all of them). */
static void warn_missing_files(const struct pr_model *m, struct pr_diag *diag)
{
    const struct pr_graph *g = &m->graph;
    struct pr_names files;   /* location -> first initializer naming it */
    int *count = calloc((size_t)g->nvalues + 1, sizeof *count);
    if (!count || pr_names_init(&files, 8) < 0) {
        free(count);
        return;   /* out of memory: warnings are dropped, as pr_diag_add does */
    }
    bool constants = false;   /* a Constant's value among them: "tensors", not "initializers" */
    for (int i = 0; i < g->nvalues; i++) {
        const struct pr_store *x = g->values[i].store;
        constants |= x && x->location && x->missing && !g->values[i].is_initializer;
        if (!x || !x->location || !x->missing)
            continue;
        int first = pr_names_get(&files, x->location);
        if (first < 0 && pr_names_put(&files, x->location, i) == 0)
            first = i;
        if (first >= 0)
            count[first]++;
    }
    for (int i = 0; i < g->nvalues; i++) {
        const char *loc = count[i] ? g->values[i].store->location : NULL;
        if (count[i] && !m->dir)
            pr_diag_add(diag, "external data file '%s' (%d %s%s, first: '%s') is not resolved: the model was "
                        "loaded from memory; its values are not needed for counting", loc, count[i],
                        constants ? "tensor" : "initializer", count[i] == 1 ? "" : "s", g->values[i].name);
        else if (count[i] == 1)
            pr_diag_add(diag, "%s '%s': external data file '%s' is missing; its values are not needed for counting",
                        g->values[i].is_initializer ? "initializer" : "Constant output", g->values[i].name, loc);
        else if (count[i] > 1)
            pr_diag_add(diag, "external data file '%s' is missing (%d %s, first: '%s'); their values are not needed for counting",
                        loc, count[i], constants ? "tensors" : "initializers", g->values[i].name);
    }
    pr_names_free(&files);
    free(count);
}

/* The whole tree into m->graph (values, nodes) and m->graphs; src gives
 * the main graph's nodes. */
static int build_model_graph(struct pr_model *m, const Onnx__GraphProto *gp, struct pr_nodesrc *src,
                             struct pr_diag *diag, struct pr_err *err)
{
    size_t nvalues = 0, nnodes = 0, ngraphs = 0, nslots = 0, own = 0;
    if (count_tree(gp, src, 0, &nvalues, &nnodes, &ngraphs, &nslots, &own, err) < 0)
        return -1;
    if (nvalues > (size_t)INT_MAX / 2)
        return pr_err_set(err, PR_E_MODEL, "the graph names %zu values; at most %d are supported", nvalues, INT_MAX / 2);
    struct pr_graph *g = &m->graph;
    g->values = pr_arena_calloc(&m->arena, nvalues ? nvalues : 1, sizeof *g->values);
    g->nodes = pr_arena_calloc(&m->arena, nnodes ? nnodes : 1, sizeof *g->nodes);
    m->graphs = pr_arena_calloc(&m->arena, ngraphs, sizeof *m->graphs);
    struct build b = {.m = m, .diag = diag, .err = err, .nslots = nslots, .main_src = src, .nvalues = nvalues};
    b.stamp = calloc(nvalues + 1, sizeof *b.stamp);
    b.slots = pr_arena_alloc(&m->arena, (nslots + 1) * sizeof *b.slots);
    if (!g->values || !g->nodes || !m->graphs || !b.stamp || !b.slots || pr_names_init(&b.strings, 64) < 0) {
        free(b.stamp);
        return pr_err_set(err, PR_E_INTERNAL, "out of memory for %zu values", nvalues);
    }
    pr_prefault(b.slots, (nslots + 1) * sizeof *b.slots);   /* every node's inputs and outputs */
    g->owner = -1;
    g->attr = "";
    m->graphs[m->ngraphs++] = g;
    struct pr_node *nodes = g->nodes;
    int rc = build_graph(&b, g, gp, own);
    g->nodes = nodes;
    for (int i = 1; i < m->ngraphs; i++) {
        m->graphs[i]->values = g->values;
        m->graphs[i]->nvalues = g->nvalues;
    }
    free(b.stamp);
    pr_names_free(&b.strings);
    free(b.interned);
    if (rc == 0 && b.missing)   /* else a pass over every value for nothing */
        warn_missing_files(m, diag);
    return rc;
}

static int read_opsets(struct pr_model *m, const Onnx__ModelProto *mp, struct pr_diag *diag,
                       struct pr_err *err)
{
    m->opsets = pr_arena_calloc(&m->arena, mp->n_opset_import + 1, sizeof *m->opsets);
    if (!m->opsets)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    bool have_default = false;
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        if (!o)
            continue;
        const char *d = o->domain && strcmp(o->domain, "ai.onnx") != 0 ? o->domain : "";
        if (!o->has_version || o->version < 1)
            return pr_err_set(err, PR_E_MODEL, "opset_import for domain '%s' has no valid version", d);
        for (int k = 0; k < m->nopsets; k++)
            if (strcmp(m->opsets[k].domain, d) == 0)
                return pr_err_set(err, PR_E_MODEL,
                                  "opset_import lists domain '%s' twice (versions %lld and %lld); ONNX allows one entry per "
                                  "domain: keep the one the model was written for",
                                  *d ? d : "ai.onnx", (long long)m->opsets[k].version, (long long)o->version);
        m->opsets[m->nopsets].domain = d;
        m->opsets[m->nopsets].version = o->version;
        m->nopsets++;
        have_default |= !*d;
    }
    if (!have_default) {
        pr_diag_add(diag, "the model imports no default-domain opset; assuming opset 1 (IR version %lld)",
                    (long long)m->ir_version);
        m->opsets[m->nopsets].domain = "";
        m->opsets[m->nopsets].version = 1;
        m->nopsets++;
    }
    return 0;
}

int64_t pr_model_opset(const struct pr_model *m, const char *domain)
{
    if (!domain || strcmp(domain, "ai.onnx") == 0)
        domain = "";
    for (int i = 0; i < m->nopsets; i++)
        if (strcmp(m->opsets[i].domain, domain) == 0)
            return m->opsets[i].version;
    return 0;
}

/* m->proto checked and built; src: the main graph's nodes (NULL: its
 * GraphProto's, after function expansion). */
static int load_unpacked(struct pr_model *m, struct pr_nodesrc *src, struct pr_diag *diag, struct pr_err *err)
{
    const Onnx__ModelProto *mp = m->proto;
    m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
    if (!mp->graph)
        return pr_err_set(err, PR_E_MODEL,
                          "no graph: the file parses as protobuf but holds no ONNX graph (is it an .onnx model?)");
    if (m->ir_version > PR_MAX_IR_VERSION)
        return pr_err_set(err, PR_E_MODEL,
                          "ir_version %lld is newer than priori understands (at most %d); re-export with an older ONNX or update priori",
                          (long long)m->ir_version, PR_MAX_IR_VERSION);
    if (m->ir_version < 1)
        pr_diag_add(diag, "the model declares no ir_version");
    char prod[256];
    snprintf(prod, sizeof prod, "%s%s%s", mp->producer_name ? mp->producer_name : "",
             mp->producer_version && *mp->producer_version ? " " : "",
             mp->producer_version ? mp->producer_version : "");
    m->producer = pr_arena_strdup(&m->arena, prod);
    if (!m->producer || read_opsets(m, mp, diag, err) < 0)
        return m->producer ? -1 : pr_err_set(err, PR_E_INTERNAL, "out of memory");
    if (pr_functions_expand(m->proto, &m->arena, &m->pbmem->al, err) < 0)
        return -1;
    struct pr_nodesrc own;
    if (!src && pr_nodesrc_open(src = &own, mp->graph, NULL, NULL, NULL, NULL, NULL, NULL, err) < 0)
        return -1;
    int rc = build_model_graph(m, mp->graph, src, diag, err);
    if (src == &own)
        pr_nodesrc_close(&own);
    if (rc < 0)
        return -1;
    /* names resolve while the graph is built; afterwards values are found by
     * index, and the few lookups by name (--input) scan the graph inputs */
    for (int i = 1; i < m->ngraphs; i++)
        pr_names_free(&m->graphs[i]->names);
    pr_names_free(&m->graph.names);
    return 0;
}

/* pr_wire_fetch over the model's file (pr_source_view): for the wire pass
 * and restore, which read the bytes before they fetch again. */
static int fetch_file(void *model, size_t off, size_t len, const uint8_t **at, struct pr_err *err)
{
    struct pr_model *m = model;
    size_t valid;
    if (pr_source_view(&m->file, off, len, at, &valid, err) < 0)
        return -1;
    return valid > INT_MAX ? INT_MAX : (int)valid;
}

/* pr_wire_fetch with the bytes in place (m->file.data), where they stay
 * while others are fetched: for the nodes, whose extent is kept across
 * other readers' fetches. */
static int fetch_in_place(void *model, size_t off, size_t len, const uint8_t **at, struct pr_err *err)
{
    struct pr_model *m = model;
    if (pr_source_need(&m->file, off, len, err) < 0)
        return -1;
    *at = m->file.data + off;
    size_t valid = pr_source_valid(&m->file, off);
    return valid > INT_MAX ? INT_MAX : (int)valid;
}

static const char not_protobuf[] =
    "not a valid ONNX protobuf (truncated or corrupt: protobuf-c could not decode it); re-export or re-download the model";

/* The main graph's nodes that the wire pass took out of the copy, unpacked
 * one by one (protobuf-c's NodeProto unpack, as the graph's unpack would
 * have done) and put back in file order with those that stayed in the
 * copy. A node that does not unpack is the error a failed unpack of the
 * whole file gives (m->proto is dropped). */
static int unpack_nodes(struct pr_model *m, const uint8_t *data, pr_wire_fetch fetch, const struct pr_wire_nodes *ns,
                        ProtobufCAllocator *al, struct pr_err *err)
{
    Onnx__GraphProto *gp = ((Onnx__ModelProto *)m->proto)->graph;
    if (!gp)
        return 0;   /* the graph held nothing the pass followed (load_unpacked reports a missing graph) */
    Onnx__NodeProto **all = ns->n ? al->alloc(al->allocator_data, ns->n * sizeof *all) : NULL;
    if (ns->n && !all)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    size_t kept = 0, lo = 0, hi = 0;   /* [lo, hi): valid, as the last fetch said, readable from at */
    const uint8_t *at = data;
    for (size_t i = 0; i < ns->n; i++) {
        const struct pr_wire_node *x = &ns->node[i];
        if (x->len == PR_WIRE_IN_COPY) {
            if (kept >= gp->n_node)
                return pr_err_set(err, PR_E_INTERNAL, "wire pass: a node of the copy is missing");
            all[i] = gp->node[kept++];
            continue;
        }
        if (fetch && (x->off < lo || x->off + x->len > hi)) {
            int valid = fetch(m, (size_t)x->off, x->len, &at, err);
            if (valid < 0)
                return -1;
            lo = (size_t)x->off;
            hi = lo + ((size_t)valid > x->len ? (size_t)valid : x->len);
        }
        if (!(all[i] = onnx__node_proto__unpack(al, x->len, at + (x->off - lo)))) {
            m->proto = NULL;   /* its memory is m->pbmem's, freed with it */
            return pr_err_set(err, PR_E_MODEL, "%s", not_protobuf);
        }
    }
    if (kept != gp->n_node)
        return pr_err_set(err, PR_E_INTERNAL, "wire pass: the copy has nodes it did not list");
    gp->node = all;
    gp->n_node = ns->n;
    return 0;
}

/* Unpacks size bytes at data into m (path, dir, file already set): the wire
 * pass copies the graph without its weight payloads (reading from the file
 * only what it looks at), protobuf-c unpacks the copy, raw_data is pointed
 * back into data. PR_LOAD_UNPACK_ALL unpacks data
 * as it is instead. */
static int unpack_and_build(struct pr_model *m, const void *data, size_t size, unsigned flags,
                            struct pr_diag *diag, struct pr_err *err)
{
    pr_arena_init(&m->arena);
    if (size == 0)
        return pr_err_set(err, PR_E_MODEL, "the file is empty (0 bytes); expected an ONNX model");
    if (size > PR_MAX_FILE_BYTES)
        return pr_err_set(err, PR_E_MODEL,
                          "the file is %zu bytes; ONNX protobuf files are limited to 2 GB (save weights as external data)",
                          size);
    struct pr_pbmem *pm = malloc(sizeof *pm);
    if (!pm)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    pr_pbmem_init(pm);
    m->pbmem = pm;
    ProtobufCAllocator *al = &pm->al;
    pr_wire_fetch fetch = m->file.data ? fetch_file : NULL;
    if (flags & PR_LOAD_UNPACK_ALL) {
        if ((fetch && pr_source_need(&m->file, 0, size, err) < 0) || pr_proto_check_nesting(data, size, err) < 0)
            return -1;   /* without the wire pass, the nesting limits are checked here */
        m->proto = onnx__model_proto__unpack(al, size, data);
    } else {
        uint8_t *copy;
        size_t copy_size;
        struct pr_wire_stats st = {.nest_limit = PR_MAX_NESTING};   /* protobuf-c recurses without a limit */
        struct pr_wire_nodes nodes;
        if (pr_wire_strip_nodes(data, size, fetch, m, &copy, &copy_size, &st, &nodes, err) < 0)
            return -1;
        if (st.nest_excess) {
            free(copy);
            free(nodes.node);
            return pr_nesting_refused(st.nest_excess, err);
        }
        m->proto = onnx__model_proto__unpack(al, copy_size, copy);
        free(copy);
        const Onnx__ModelProto *mp = m->proto;
        int rc = 0;
        if (mp && mp->graph && nodes.extracted && !mp->n_functions) {
            /* the main graph's plain nodes are read from data while it is built */
            struct pr_nodesrc src;
            rc = pr_nodesrc_open(&src, mp->graph, &nodes, data, fetch ? fetch_in_place : NULL, m, al, not_protobuf,
                                 err);
            if (rc == 0)
                rc = pr_wire_restore(m->proto, data, size, fetch, m, al, &st, err);
            if (rc == 0)
                rc = load_unpacked(m, &src, diag, err);
            pr_nodesrc_close(&src);
            free(nodes.node);
            return rc;
        }
        if (mp && nodes.extracted)   /* function calls are expanded in the tree: every node goes there */
            rc = unpack_nodes(m, data, fetch ? fetch_in_place : NULL, &nodes, al, err);
        free(nodes.node);
        if (rc < 0)
            return -1;
        if (m->proto && pr_wire_restore(m->proto, data, size, fetch, m, al, &st, err) < 0)
            return -1;
    }
    if (!m->proto)
        return pr_err_set(err, PR_E_MODEL, "%s", not_protobuf);
    if (m->file.data == data)
        pr_source_free(&m->file);   /* the tree holds all it needs: not kept while the graph is built */
    return load_unpacked(m, NULL, diag, err);
}

/* unpack_and_build, with a failed unpack that was out of memory (the
 * tree's allocator says so) reported as such, not as a corrupt file. */
static int load_from(struct pr_model *m, const void *data, size_t size, unsigned flags,
                     struct pr_diag *diag, struct pr_err *err)
{
    int rc = unpack_and_build(m, data, size, flags, diag, err);
    if (rc < 0 && m->pbmem && m->pbmem->failed && err && err->code == PR_E_MODEL)
        pr_err_set(err, PR_E_INTERNAL, "out of memory unpacking the graph (%zu-byte file); free memory or raise the "
                   "process's memory limit", size);
    return rc;
}

int pr_model_load_buffer(struct pr_model *m, const void *data, size_t size, const char *name,
                         const char *dir, struct pr_diag *diag, struct pr_err *err)
{
    memset(m, 0, sizeof *m);
    m->path = name;
    if (dir && !(m->dir = realpath(dir, NULL)))
        return pr_err_set(err, PR_E_IO, "cannot resolve folder '%s': %s", dir, strerror(errno));
    if (load_from(m, data, size, 0, diag, err) < 0) {
        pr_model_free(m);
        return -1;
    }
    return 0;
}

int pr_model_load(struct pr_model *m, const char *path, struct pr_diag *diag, struct pr_err *err)
{
    return pr_model_load_flags(m, path, 0, diag, err);
}

/* Values of a graph from which pr_model_load gives the heap's free pages back. */
enum { TRIM_VALUES = 10000 };

int pr_model_load_flags(struct pr_model *m, const char *path, unsigned flags, struct pr_diag *diag,
                        struct pr_err *err)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    if (pr_source_open(&m->file, path, PR_MAX_FILE_BYTES, err) < 0)
        return -1;
    m->file_id = m->file.id;
    m->dir = folder_of(path);
    if (!m->dir) {
        pr_model_free(m);
        return pr_err_set(err, PR_E_IO, "cannot resolve the model's folder: %s", strerror(errno));
    }
    int rc = load_from(m, m->file.data, m->file.size, flags, diag, err);
    pr_source_free(&m->file);   /* the tree holds everything it needs */
    if (rc < 0)
        pr_model_free(m);
#ifdef __GLIBC__
    /* Loading frees its scaffolding (the name maps, the wire copy): glibc
     * keeps those pages in its heap unless asked; given back, the peak
     * memory of a large graph's analysis is that much lower. A small
     * graph's scaffolding is worth less than the trim (0.1 ms, and the
     * pages faulted in again by the analysis). */
    if (rc < 0 || m->graph.nvalues >= TRIM_VALUES)
        malloc_trim(0);
#endif
    return rc;
}

void pr_model_free(struct pr_model *m)
{
    if (m->pbmem) {   /* the whole tree at once: no free_unpacked walk */
        pr_pbmem_free(m->pbmem);
        free(m->pbmem);
    }
    pr_source_free(&m->file);
    for (int i = 1; i < m->ngraphs; i++)
        pr_names_free(&m->graphs[i]->names);
    pr_names_free(&m->graph.names);
    pr_arena_free(&m->arena);
    free(m->dir);
    memset(m, 0, sizeof *m);
}

static size_t label_one(const struct pr_node *n, char *buf, size_t size)
{
    int len;
    if (n->name && n->name[0])
        len = snprintf(buf, size, "node %d '%s' (%s)", n->index, n->name, n->op_type);
    else
        len = snprintf(buf, size, "node %d (%s)", n->index, n->op_type);
    return len < 0 ? 0 : (size_t)len < size ? (size_t)len : size - 1;
}

const char *pr_node_label(const struct pr_node *n, char *buf, size_t size)
{
    if (!n) {
        snprintf(buf, size, "node");
        return buf;
    }
    size_t used = label_one(n, buf, size);
    /* enclosing nodes, innermost first, while the buffer has room */
    for (const struct pr_graph *g = n->scope; g && g->owner_node && used + 8 < size; g = g->owner_node->scope) {
        int len = snprintf(buf + used, size - used, " in '%s' of ", g->attr);
        used += len < 0 ? 0 : (size_t)len < size - used ? (size_t)len : size - used - 1;
        used += label_one(g->owner_node, buf + used, size - used);
    }
    return buf;
}
