/* model.c -- load an ONNX file into the IR (see model.h).
 *
 * The file is memory-mapped read-only and unpacked with protobuf-c. A
 * successful unpack is not a valid model (a 0-byte buffer unpacks to an
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
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depth.h"
#include "onnx.pb-c.h"
#include "tensor.h"

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

static int check_external(struct pr_model *m, const Onnx__TensorProto *tp, struct pr_value *v,
                          struct pr_diag *diag, struct pr_err *err)
{
    struct pr_extdata *x = pr_arena_calloc(&m->arena, 1, sizeof *x);
    if (!x)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    x->length = -1;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (!e || !e->key)
            continue;
        if (strcmp(e->key, "location") == 0)
            x->location = e->value;
        else if (strcmp(e->key, "offset") == 0 && parse_i64(e->value, &x->offset) < 0)
            return pr_err_set(err, PR_EXIT_MODEL, "initializer '%s': external data offset '%s' is not a non-negative integer",
                              v->name, e->value ? e->value : "");
        else if (strcmp(e->key, "length") == 0 && parse_i64(e->value, &x->length) < 0)
            return pr_err_set(err, PR_EXIT_MODEL, "initializer '%s': external data length '%s' is not a non-negative integer",
                              v->name, e->value ? e->value : "");
    }
    const char *loc = x->location;
    if (!loc || !*loc)
        return pr_err_set(err, PR_EXIT_MODEL, "initializer '%s': external data has no location", v->name);
    if (loc[0] == '/' || loc[0] == '\\' || strchr(loc, ':'))
        return pr_err_set(err, PR_EXIT_MODEL,
                          "initializer '%s': external data location '%s' is absolute; it must be a path relative to the model's folder",
                          v->name, loc);
    if (has_dotdot(loc))
        return pr_err_set(err, PR_EXIT_MODEL,
                          "initializer '%s': external data location '%s' leaves the model's folder ('..'); move the data next to the model",
                          v->name, loc);
    v->ext = x;
    if (!m->dir)
        return 0;
    size_t need = strlen(m->dir) + strlen(loc) + 2;
    char *full = malloc(need);
    if (!full)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    snprintf(full, need, "%s/%s", m->dir, loc);
    char *real = realpath(full, NULL);
    free(full);
    if (!real) {
        pr_diag_add(diag, "initializer '%s': external data file '%s' is missing; its values are not needed for counting",
                    v->name, loc);
        return 0;
    }
    size_t dl = strlen(m->dir);
    bool inside = strncmp(real, m->dir, dl) == 0 && (real[dl] == '/' || (dl == 1 && m->dir[0] == '/'));
    struct stat st;
    int rc = inside ? stat(real, &st) : -1;
    free(real);
    if (!inside)
        return pr_err_set(err, PR_EXIT_MODEL,
                          "initializer '%s': external data location '%s' resolves outside the model's folder (through a symlink); refusing it",
                          v->name, loc);
    if (rc < 0 || !S_ISREG(st.st_mode))
        return pr_err_set(err, PR_EXIT_MODEL, "initializer '%s': external data '%s' is not a regular file",
                          v->name, loc);
    bool ovf = false;
    uint64_t end = pr_u64_add((uint64_t)x->offset, x->length < 0 ? 0 : (uint64_t)x->length, &ovf);
    if (ovf || end > (uint64_t)st.st_size)
        return pr_err_set(err, PR_EXIT_MODEL,
                          "initializer '%s': external data offset %lld + length %lld is past the end of '%s' (%lld bytes)",
                          v->name, (long long)x->offset, (long long)(x->length < 0 ? 0 : x->length), loc,
                          (long long)st.st_size);
    return 0;
}

/* ---- graph building ---- */

static int add_value(struct pr_model *m, const char *name, struct pr_err *err)
{
    struct pr_graph *g = &m->graph;
    int idx = g->nvalues;
    int rc = pr_names_put(&g->names, name, idx);
    if (rc < 0)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    if (rc > 0)
        return -2;   /* already defined */
    struct pr_value *v = &g->values[idx];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->producer = -1;
    v->last_use = -1;
    v->t.shape.rank = -1;
    g->nvalues++;
    return idx;
}

static int build_values(struct pr_model *m, const Onnx__GraphProto *gp, struct pr_diag *diag,
                        struct pr_err *err)
{
    struct pr_graph *g = &m->graph;
    size_t nouts = 0;
    for (size_t i = 0; i < gp->n_node; i++) {
        if (!gp->node[i])
            return pr_err_set(err, PR_EXIT_MODEL, "node %zu is empty", i);
        nouts += gp->node[i]->n_output;
    }
    size_t cap = gp->n_initializer + gp->n_input + nouts;
    if (cap > (size_t)INT_MAX / 2)
        return pr_err_set(err, PR_EXIT_MODEL, "the graph names %zu values; at most %d are supported", cap, INT_MAX / 2);
    g->values = pr_arena_calloc(&m->arena, cap ? cap : 1, sizeof *g->values);
    if (!g->values || pr_names_init(&g->names, cap) < 0)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory for %zu values", cap);

    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        if (!tp || !tp->name || !*tp->name)
            return pr_err_set(err, PR_EXIT_MODEL, "initializer %zu has no name", i);
        int idx = add_value(m, tp->name, err);
        if (idx == -2)
            return pr_err_set(err, PR_EXIT_MODEL, "initializer '%s' is defined twice", tp->name);
        if (idx < 0)
            return -1;
        struct pr_value *v = &g->values[idx];
        char what[300];
        snprintf(what, sizeof what, "initializer '%.200s'", tp->name);
        if (pr_tensor_from_proto(tp, &m->arena, &v->t, what, err) < 0)
            return -1;
        v->is_initializer = 1;
        v->t.is_weight = true;
        if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL &&
            check_external(m, tp, v, diag, err) < 0)
            return -1;
    }
    if (gp->n_sparse_initializer)
        pr_diag_add(diag, "%zu sparse initializers are ignored; layers that use them report unknown shapes",
                    gp->n_sparse_initializer);

    g->inputs = pr_arena_calloc(&m->arena, gp->n_input + 1, sizeof *g->inputs);
    if (!g->inputs)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi || !vi->name || !*vi->name)
            return pr_err_set(err, PR_EXIT_MODEL, "graph input %zu has no name", i);
        int idx = pr_names_get(&g->names, vi->name);
        if (idx >= 0 && g->values[idx].is_initializer) {
            g->values[idx].declared = vi->type;   /* IR < 4 lists initializers as inputs */
            continue;
        }
        if (idx >= 0)
            return pr_err_set(err, PR_EXIT_MODEL, "graph input '%s' is declared twice", vi->name);
        idx = add_value(m, vi->name, err);
        if (idx < 0)
            return -1;
        g->values[idx].is_input = 1;
        g->values[idx].declared = vi->type;
        g->inputs[g->ninputs++] = idx;
    }
    return 0;
}

static int build_nodes(struct pr_model *m, const Onnx__GraphProto *gp, struct pr_err *err)
{
    struct pr_graph *g = &m->graph;
    if (gp->n_node > PR_MAX_NODES)
        return pr_err_set(err, PR_EXIT_MODEL, "the graph has %zu nodes; at most %d are supported",
                          gp->n_node, PR_MAX_NODES);
    g->nodes = pr_arena_calloc(&m->arena, gp->n_node ? gp->n_node : 1, sizeof *g->nodes);
    if (!g->nodes)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    char label[300];
    /* Pass 1: outputs, so that inputs may refer to later nodes (unsorted files). */
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        struct pr_node *n = &g->nodes[i];
        n->index = (int)i;
        n->name = np->name ? np->name : "";
        n->op_type = np->op_type ? np->op_type : "";
        n->domain = np->domain && strcmp(np->domain, "ai.onnx") != 0 ? np->domain : "";
        n->proto = np;
        if (!*n->op_type)
            return pr_err_set(err, PR_EXIT_MODEL, "%s has no op_type", pr_node_label(n, label, sizeof label));
        if (np->n_input > PR_MAX_IO || np->n_output > PR_MAX_IO)
            return pr_err_set(err, PR_EXIT_MODEL, "%s has %zu inputs and %zu outputs; at most %d each are supported",
                              pr_node_label(n, label, sizeof label), np->n_input, np->n_output, PR_MAX_IO);
        n->nin = (int)np->n_input;
        n->nout = (int)np->n_output;
        n->in = pr_arena_alloc(&m->arena, (np->n_input + 1) * sizeof *n->in);
        n->out = pr_arena_alloc(&m->arena, (np->n_output + 1) * sizeof *n->out);
        if (!n->in || !n->out)
            return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
        for (size_t k = 0; k < np->n_output; k++) {
            const char *name = np->output[k];
            if (!name || !*name) {
                n->out[k] = -1;
                continue;
            }
            int idx = add_value(m, name, err);
            if (idx == -2) {
                int prev = pr_names_get(&g->names, name);
                const struct pr_value *pv = &g->values[prev];
                char other[300];
                if (pv->producer >= 0)
                    pr_node_label(&g->nodes[pv->producer], other, sizeof other);
                else
                    snprintf(other, sizeof other, "%s", pv->is_initializer ? "an initializer" : "a graph input");
                return pr_err_set(err, PR_EXIT_MODEL, "%s: output '%s' is already produced by %s; every value must have one producer",
                                  pr_node_label(n, label, sizeof label), name, other);
            }
            if (idx < 0)
                return -1;
            g->values[idx].producer = (int)i;
            n->out[k] = idx;
        }
        g->nnodes++;
    }
    /* Pass 2: inputs. */
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        struct pr_node *n = &g->nodes[i];
        for (size_t k = 0; k < np->n_input; k++) {
            const char *name = np->input[k];
            if (!name || !*name) {
                n->in[k] = -1;
                continue;
            }
            int idx = pr_names_get(&g->names, name);
            if (idx < 0)
                return pr_err_set(err, PR_EXIT_MODEL,
                                  "%s: input '%s' is not defined by any graph input, initializer or node output",
                                  pr_node_label(n, label, sizeof label), name);
            n->in[k] = idx;
        }
        n->op = pr_op_find(n->domain, n->op_type);
        int64_t ver = pr_model_opset(m, n->domain);
        n->opset = ver > INT_MAX ? INT_MAX : (int)ver;
    }
    return 0;
}

static int build_outputs(struct pr_model *m, const Onnx__GraphProto *gp, struct pr_err *err)
{
    struct pr_graph *g = &m->graph;
    g->outputs = pr_arena_calloc(&m->arena, gp->n_output + 1, sizeof *g->outputs);
    if (!g->outputs)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vi = gp->output[i];
        if (!vi || !vi->name || !*vi->name)
            return pr_err_set(err, PR_EXIT_MODEL, "graph output %zu has no name", i);
        int idx = pr_names_get(&g->names, vi->name);
        if (idx < 0)
            return pr_err_set(err, PR_EXIT_MODEL, "graph output '%s' is not produced by any node, input or initializer",
                              vi->name);
        g->values[idx].is_output = 1;
        if (vi->type)
            g->values[idx].declared = vi->type;
        g->outputs[g->noutputs++] = idx;
    }
    for (size_t i = 0; i < gp->n_value_info; i++) {
        const Onnx__ValueInfoProto *vi = gp->value_info[i];
        if (!vi || !vi->name || !vi->type)
            continue;
        int idx = pr_names_get(&g->names, vi->name);
        if (idx >= 0 && !g->values[idx].declared)
            g->values[idx].declared = vi->type;
    }
    return 0;
}

static int read_opsets(struct pr_model *m, const Onnx__ModelProto *mp, struct pr_diag *diag,
                       struct pr_err *err)
{
    m->opsets = pr_arena_calloc(&m->arena, mp->n_opset_import + 1, sizeof *m->opsets);
    if (!m->opsets)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    bool have_default = false;
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        if (!o)
            continue;
        const char *d = o->domain && strcmp(o->domain, "ai.onnx") != 0 ? o->domain : "";
        if (!o->has_version || o->version < 1)
            return pr_err_set(err, PR_EXIT_MODEL, "opset_import for domain '%s' has no valid version", d);
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

static int load_unpacked(struct pr_model *m, struct pr_diag *diag, struct pr_err *err)
{
    const Onnx__ModelProto *mp = m->proto;
    m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
    if (!mp->graph)
        return pr_err_set(err, PR_EXIT_MODEL,
                          "no graph: the file parses as protobuf but holds no ONNX graph (is it an .onnx model?)");
    if (m->ir_version > PR_MAX_IR_VERSION)
        return pr_err_set(err, PR_EXIT_MODEL,
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
        return m->producer ? -1 : pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    if (build_values(m, mp->graph, diag, err) < 0 || build_nodes(m, mp->graph, err) < 0 ||
        build_outputs(m, mp->graph, err) < 0)
        return -1;
    return 0;
}

/* Unpacks size bytes at data into m (path, dir, map already set). */
static int load_from(struct pr_model *m, const void *data, size_t size, struct pr_diag *diag,
                     struct pr_err *err)
{
    pr_arena_init(&m->arena);
    if (size == 0)
        return pr_err_set(err, PR_EXIT_MODEL, "the file is empty (0 bytes); expected an ONNX model");
    if (size > PR_MAX_FILE_BYTES)
        return pr_err_set(err, PR_EXIT_MODEL,
                          "the file is %zu bytes; ONNX protobuf files are limited to 2 GB (save weights as external data)",
                          size);
    const char *deep = NULL;   /* protobuf-c recurses without a limit: bound nesting first */
    if (pr_proto_depth_check(data, size, &deep) < 0)
        return pr_err_set(err, PR_EXIT_MODEL, *deep == 'g'
                          ? "subgraphs (If/Loop/Scan bodies) are nested more than %d deep; priori refuses deeper nesting: flatten the control flow"
                          : "a value's type nests sequences, maps or optionals more than %d deep; priori refuses deeper nesting",
                          PR_MAX_NESTING);
    m->proto = onnx__model_proto__unpack(NULL, size, data);
    if (!m->proto)
        return pr_err_set(err, PR_EXIT_MODEL,
                          "not a valid ONNX protobuf (truncated or corrupt: protobuf-c could not decode it); re-export or re-download the model");
    return load_unpacked(m, diag, err);
}

int pr_model_load_buffer(struct pr_model *m, const void *data, size_t size, const char *name,
                         const char *dir, struct pr_diag *diag, struct pr_err *err)
{
    memset(m, 0, sizeof *m);
    m->path = name;
    if (dir && !(m->dir = realpath(dir, NULL)))
        return pr_err_set(err, PR_EXIT_IO, "cannot resolve folder '%s': %s", dir, strerror(errno));
    if (load_from(m, data, size, diag, err) < 0) {
        pr_model_free(m);
        return -1;
    }
    return 0;
}

int pr_model_load(struct pr_model *m, const char *path, struct pr_diag *diag, struct pr_err *err)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pr_err_set(err, PR_EXIT_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return pr_err_set(err, PR_EXIT_IO, "not a regular file");
    }
    size_t size = (size_t)st.st_size;
    if (size > 0 && size <= PR_MAX_FILE_BYTES) {
        m->map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->map == MAP_FAILED) {
            m->map = NULL;
            close(fd);
            return pr_err_set(err, PR_EXIT_IO, "cannot map: %s", strerror(errno));
        }
        m->map_size = size;
    }
    close(fd);
    m->dir = folder_of(path);
    if (!m->dir) {
        pr_model_free(m);
        return pr_err_set(err, PR_EXIT_IO, "cannot resolve the model's folder: %s", strerror(errno));
    }
    if (load_from(m, m->map, size, diag, err) < 0) {
        pr_model_free(m);
        return -1;
    }
    return 0;
}

void pr_model_free(struct pr_model *m)
{
    if (m->proto)
        onnx__model_proto__free_unpacked(m->proto, NULL);
    if (m->map)
        munmap(m->map, m->map_size);
    pr_names_free(&m->graph.names);
    pr_arena_free(&m->arena);
    free(m->dir);
    memset(m, 0, sizeof *m);
}
