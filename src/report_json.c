/* report_json.c -- the machine-readable report, schema "priori.report/1".
 *
 * Built as a cJSON tree and printed once, but for the layers: their array
 * is streamed (pr_json_print_stream), one layer's object made, printed and
 * deleted at a time, so memory does not grow with the report. Counts are written as exact
 * integers (cJSON numbers are doubles, which lose integers above 2^53, so
 * counts are emitted as raw number text). Shares are fractions in [0, 1].
 * An unknown extent is null; an unknown rank makes "shape" null. Every
 * field is documented in docs/usage.md ("JSON (`--format json`)").
 */
#include "report.h"
#include "energy.h"

#include "json.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA "priori.report/1"

static cJSON *share(struct pr_jb *b, uint64_t part, uint64_t total)
{
    return pr_jb_check(b, cJSON_CreateNumber(total ? (double)part / (double)total : 0.0));
}

static cJSON *shape(struct pr_jb *b, const struct pr_shape *s)
{
    if (s->rank < 0)
        return pr_jb_check(b, cJSON_CreateNull());
    cJSON *arr = pr_jb_check(b, cJSON_CreateArray());
    if (!arr)
        return NULL;
    for (int i = 0; i < s->rank; i++)
        pr_jb_add(b, arr, NULL, s->dim[i] < 0 ? cJSON_CreateNull() : pr_jb_u64(b, (uint64_t)s->dim[i]));
    return arr;
}

static cJSON *tensor(struct pr_jb *b, const struct pr_value *v)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "name", pr_jb_str(b, v->name));
    pr_jb_add(b, o, "dtype", pr_jb_str(b, pr_dtype_name(v->t.dtype)));
    pr_jb_add(b, o, "shape", shape(b, &v->t.shape));
    return o;
}

static cJSON *values(struct pr_jb *b, const struct pr_graph *g, const int *idx, int n)
{
    cJSON *arr = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; arr && i < n; i++)
        if (idx[i] >= 0)
            pr_jb_add(b, arr, NULL, tensor(b, &g->values[idx[i]]));
    return arr;
}

static cJSON *model_info(struct pr_jb *b, const struct pr_model *m)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "path", pr_jb_str(b, m->path ? m->path : ""));
    pr_jb_add(b, o, "ir_version", pr_jb_u64(b, m->ir_version > 0 ? (uint64_t)m->ir_version : 0));
    pr_jb_add(b, o, "producer", pr_jb_str(b, m->producer ? m->producer : ""));
    cJSON *ops = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; ops && i < m->nopsets; i++) {
        cJSON *e = pr_jb_check(b, cJSON_CreateObject());
        if (!e)
            break;
        pr_jb_add(b, e, "domain", pr_jb_str(b, m->opsets[i].domain));
        pr_jb_add(b, e, "version", pr_jb_u64(b, (uint64_t)m->opsets[i].version));
        pr_jb_add(b, ops, NULL, e);
    }
    pr_jb_add(b, o, "opsets", ops);
    cJSON *sparse = NULL;   /* sparse initializers: dense shape (params) and stored elements */
    for (int i = 0; i < m->graph.nvalues; i++) {
        const struct pr_value *v = &m->graph.values[i];
        if (!v->is_sparse)
            continue;
        if (!sparse)
            pr_jb_add(b, o, "sparse_initializers", sparse = pr_jb_check(b, cJSON_CreateArray()));
        cJSON *e = sparse ? tensor(b, v) : NULL;
        if (e)
            pr_jb_add(b, e, "nonzero", pr_jb_u64(b, (uint64_t)v->store->sparse_nnz));
        pr_jb_add(b, sparse, NULL, e);
    }
    return o;
}

/* A field of a struct and its key: a list of them is written in order. */
struct field {
    const char *key;
    size_t off;
};
#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static cJSON *u64_at(struct pr_jb *b, const void *p)
{
    return pr_jb_u64(b, *(const uint64_t *)p);
}

/* o[f[i].key] = item(the field at f[i].off of s), for each of the n fields. */
static void add_fields(struct pr_jb *b, cJSON *o, const void *s, const struct field *f, int n,
                       cJSON *(*item)(struct pr_jb *b, const void *p))
{
    for (int i = 0; i < n; i++)
        pr_jb_add(b, o, f[i].key, item(b, (const char *)s + f[i].off));
}

static cJSON *totals(struct pr_jb *b, const struct pr_analysis *a)
{
    const struct pr_totals *t = &a->totals;
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    static const struct field counts[] = {
        {"nodes", offsetof(struct pr_totals, nodes)},
        {"params", offsetof(struct pr_totals, params)},
        {"macs", offsetof(struct pr_totals, macs)},
        {"flops", offsetof(struct pr_totals, flops)},
        {"weight_bytes", offsetof(struct pr_totals, weight_bytes)},
        {"activation_bytes", offsetof(struct pr_totals, activation_bytes)},
        {"peak_activation_bytes", offsetof(struct pr_totals, peak_activation_bytes)},
    };
    static const struct field traffic[] = {
        {"bytes_read", offsetof(struct pr_totals, bytes_read)},
        {"bytes_written", offsetof(struct pr_totals, bytes_written)},
    };
    add_fields(b, o, t, counts, ARRAY_LEN(counts), u64_at);
    pr_jb_add(b, o, "peak_layer", pr_jb_check(b, cJSON_CreateNumber(t->peak_layer)));
    add_fields(b, o, t, traffic, ARRAY_LEN(traffic), u64_at);
    pr_jb_add(b, o, "complete", pr_jb_check(b, cJSON_CreateBool(!t->incomplete)));
    return o;
}

static cJSON *by_op(struct pr_jb *b, const struct pr_analysis *a)
{
    cJSON *arr = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; arr && i < a->nby_op; i++) {
        const struct pr_op_total *t = &a->by_op[i];
        cJSON *o = pr_jb_check(b, cJSON_CreateObject());
        if (!o)
            break;
        pr_jb_add(b, o, "op_type", pr_jb_str(b, t->op_type));
        pr_jb_add(b, o, "domain", pr_jb_str(b, t->domain));
        pr_jb_add(b, o, "count", pr_jb_u64(b, (uint64_t)t->count));
        pr_jb_add(b, o, "params", pr_jb_u64(b, t->params));
        pr_jb_add(b, o, "macs", pr_jb_u64(b, t->macs));
        pr_jb_add(b, o, "flops", pr_jb_u64(b, t->flops));
        pr_jb_add(b, o, "share_macs", share(b, t->macs, a->totals.macs));
        pr_jb_add(b, o, "share_flops", share(b, t->flops, a->totals.flops));
        pr_jb_add(b, o, "share_params", share(b, t->params, a->totals.params));
        pr_jb_add(b, arr, NULL, o);
    }
    return arr;
}

static cJSON *layer(struct pr_jb *b, const struct pr_analysis *a, const struct pr_estimate *e, int pos)
{
    const struct pr_layer *L = &a->layers[pos];
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "index", pr_jb_u64(b, (uint64_t)pos));
    pr_jb_add(b, o, "node", pr_jb_u64(b, (uint64_t)n->index));
    pr_jb_add(b, o, "name", pr_jb_str(b, n->name));
    pr_jb_add(b, o, "op_type", pr_jb_str(b, n->op_type));
    pr_jb_add(b, o, "domain", pr_jb_str(b, n->domain));
    pr_jb_add(b, o, "outputs", values(b, g, n->out, n->nout));
    pr_jb_add(b, o, "params", pr_jb_u64(b, L->params));
    pr_jb_add(b, o, "macs", pr_jb_u64(b, L->macs));
    pr_jb_add(b, o, "flops", pr_jb_u64(b, L->flops));
    pr_jb_add(b, o, "activation_bytes", pr_jb_u64(b, L->activation_bytes));
    pr_jb_add(b, o, "bytes_read", pr_jb_u64(b, L->bytes_read));
    pr_jb_add(b, o, "bytes_written", pr_jb_u64(b, L->bytes_written));
    pr_jb_add(b, o, "status", pr_jb_str(b, pr_layer_status_name(L->status)));
    pr_jb_add(b, o, "parent", pr_jb_i64(b, L->parent));
    pr_jb_add(b, o, "depth", pr_jb_i64(b, L->depth));
    pr_jb_add(b, o, "graph", pr_jb_str(b, pr_layer_graph(a, L)));
    pr_jb_add(b, o, "multiplier", pr_jb_u64(b, L->multiplier));
    pr_jb_add(b, o, "counted", pr_jb_check(b, cJSON_CreateBool(L->counted)));
    if (L->why)
        pr_jb_add(b, o, "why", pr_jb_str(b, L->why));   /* why it is incomplete or not counted */
    if (e) {
        pr_jb_add(b, o, "time_s", pr_jb_check(b, cJSON_CreateNumber(e->layers[pos].time_s)));
        pr_jb_add(b, o, "energy_j", pr_jb_check(b, cJSON_CreateNumber(e->layers[pos].energy_j)));
    }
    return o;
}

static cJSON *num(struct pr_jb *b, double v)
{
    return v < 0 ? pr_jb_check(b, cJSON_CreateNull()) : pr_jb_check(b, cJSON_CreateNumber(v));
}

static cJSON *num_at(struct pr_jb *b, const void *p)
{
    return num(b, *(const double *)p);
}

/* The "energy" section; negative values (unknown) become null. */
static cJSON *energy(struct pr_jb *b, const struct pr_estimate *e)
{
    const struct pr_profile *p = e->profile;
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "profile", pr_jb_str(b, p->id));
    pr_jb_add(b, o, "hardware", pr_jb_str(b, p->hardware));
    pr_jb_add(b, o, "runtime", pr_jb_str(b, p->runtime));
    pr_jb_add(b, o, "precision", pr_jb_str(b, p->precision));
    pr_jb_add(b, o, "scenario", pr_jb_str(b, p->scenario));
    pr_jb_add(b, o, "boundary", pr_jb_str(b, p->boundary));
    pr_jb_add(b, o, "method", pr_jb_str(b, pr_method_name[e->method]));
    static const struct field per_inference[] = {
        {"latency_s", offsetof(struct pr_estimate, latency_s)},
        {"energy_j", offsetof(struct pr_estimate, energy_j)},
        {"co2e_g", offsetof(struct pr_estimate, co2e_g)},
        {"fixed_time_s", offsetof(struct pr_estimate, fixed_time_s)},
        {"fixed_energy_j", offsetof(struct pr_estimate, fixed_energy_j)},
        {"uncertainty_pct", offsetof(struct pr_estimate, uncertainty_pct)},
        {"uncertainty_p90_pct", offsetof(struct pr_estimate, uncertainty_p90_pct)},
        {"extrapolated_pct", offsetof(struct pr_estimate, extrapolated_pct)},
        {"wh_per_million", offsetof(struct pr_estimate, wh_per_million)},
        {"co2e_g_per_million", offsetof(struct pr_estimate, co2e_g_per_million)},
    };
    static const struct field run[] = {
        {"total_wh", offsetof(struct pr_estimate, total_wh)},
        {"total_co2e_g", offsetof(struct pr_estimate, total_co2e_g)},
        {"pue", offsetof(struct pr_estimate, pue)},
        {"g_co2e_per_kwh", offsetof(struct pr_estimate, g_per_kwh)},
    };
    add_fields(b, o, e, per_inference, ARRAY_LEN(per_inference), num_at);
    pr_jb_add(b, o, "inferences", pr_jb_u64(b, e->inferences));
    add_fields(b, o, e, run, ARRAY_LEN(run), num_at);
    pr_jb_add(b, o, "carbon_source", pr_jb_str(b, e->carbon_source ? e->carbon_source : ""));
    cJSON *base = pr_jb_check(b, cJSON_CreateObject());
    if (base) {
        pr_jb_add(b, base, "mlco2_impact_j", num(b, e->mlco2_j));
        pr_jb_add(b, base, "mlco2_impact_co2e_g", num(b, e->mlco2_co2e_g));
        pr_jb_add(b, base, "green_algorithms_j", num(b, e->ga_j));
        pr_jb_add(b, base, "green_algorithms_co2e_g", num(b, e->ga_co2e_g));
    }
    pr_jb_add(b, o, "baselines", base);
    return o;
}

static cJSON *build(const struct pr_analysis *a, const struct pr_estimate *e, struct pr_jb *b)
{
    const struct pr_model *m = a->model;
    const struct pr_graph *g = &m->graph;
    cJSON *root = pr_jb_check(b, cJSON_CreateObject());
    if (!root)
        return NULL;
    pr_jb_add(b, root, "schema", pr_jb_str(b, SCHEMA));
    pr_jb_add(b, root, "priori_version", pr_jb_str(b, PRIORI_VERSION));
    pr_jb_add(b, root, "model", model_info(b, m));
    pr_jb_add(b, root, "inputs", values(b, g, g->inputs, g->ninputs));
    pr_jb_add(b, root, "outputs", values(b, g, g->outputs, g->noutputs));
    pr_jb_add(b, root, "totals", totals(b, a));
    pr_jb_add(b, root, "by_op_type", by_op(b, a));
    pr_jb_add(b, root, "layers", pr_jb_check(b, cJSON_CreateArray()));   /* streamed: stream_layer */
    cJSON *top = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; top && i < a->ntop; i++) {
        const struct pr_layer *L = &a->layers[a->top[i]];
        const struct pr_node *n = &g->nodes[L->node];
        cJSON *o = pr_jb_check(b, cJSON_CreateObject());
        if (!o)
            break;
        pr_jb_add(b, o, "index", pr_jb_u64(b, (uint64_t)a->top[i]));
        pr_jb_add(b, o, "name", pr_jb_str(b, n->name));
        pr_jb_add(b, o, "op_type", pr_jb_str(b, n->op_type));
        pr_jb_add(b, o, "macs", pr_jb_u64(b, L->macs));
        pr_jb_add(b, o, "flops", pr_jb_u64(b, L->flops));
        pr_jb_add(b, o, "share_macs", share(b, L->macs, a->totals.macs));
        pr_jb_add(b, top, NULL, o);
    }
    pr_jb_add(b, root, "top", top);
    cJSON *uns = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; uns && i < a->nunsupported; i++) {
        const struct pr_unsupported *u = &a->unsupported[i];
        cJSON *o = pr_jb_check(b, cJSON_CreateObject());
        cJSON *names = pr_jb_check(b, cJSON_CreateArray());
        if (!o || !names) {
            cJSON_Delete(o);
            cJSON_Delete(names);
            break;
        }
        pr_jb_add(b, o, "domain", pr_jb_str(b, u->domain));
        pr_jb_add(b, o, "op_type", pr_jb_str(b, u->op_type));
        pr_jb_add(b, o, "count", pr_jb_u64(b, (uint64_t)u->count));
        for (int k = 0; k < u->count; k++)
            pr_jb_add(b, names, NULL, pr_jb_str(b, g->nodes[a->layers[u->layers[k]].node].name));
        pr_jb_add(b, o, "nodes", names);
        pr_jb_add(b, uns, NULL, o);
    }
    pr_jb_add(b, root, "unsupported", uns);
    cJSON *unbound = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; unbound && i < a->nunbound; i++)
        pr_jb_add(b, unbound, NULL, pr_jb_str(b, a->unbound[i]));
    pr_jb_add(b, root, "unbound_symbols", unbound);
    cJSON *assumed = pr_jb_check(b, cJSON_CreateArray());   /* each names the flag that fixes it */
    for (int i = 0; assumed && i < a->nassumptions; i++)
        pr_jb_add(b, assumed, NULL, pr_jb_str(b, a->assumptions[i]));
    pr_jb_add(b, root, "assumptions", assumed);
    pr_jb_add(b, root, "assumption_failures", pr_jb_u64(b, (uint64_t)a->nassume_failures));
    cJSON *warn = pr_jb_check(b, cJSON_CreateArray());
    for (size_t i = 0; warn && i < a->diag.count; i++)
        pr_jb_add(b, warn, NULL, pr_jb_str(b, a->diag.msgs[i]));
    if (warn && a->diag.dropped) {   /* past PR_DIAG_MAX: say so, do not truncate silently */
        char more[96];
        snprintf(more, sizeof more, "... and %zu more warnings (the first %d are listed)", a->diag.dropped,
                 PR_DIAG_MAX);
        pr_jb_add(b, warn, NULL, pr_jb_str(b, more));
    }
    pr_jb_add(b, root, "warnings", warn);
    if (e)
        pr_jb_add(b, root, "energy", energy(b, e));
    return root;
}

struct layers { const struct pr_analysis *a; const struct pr_estimate *e; struct pr_jb *b; };

static cJSON *stream_layer(void *ctx, int pos)
{
    struct layers *s = ctx;
    cJSON *o = layer(s->b, s->a, s->e, pos);
    if (s->b->failed) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int pr_report_json(const struct pr_analysis *a, FILE *f)
{
    return pr_report_json_energy(a, NULL, f);
}

int pr_report_json_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    struct pr_jb b = {0};
    cJSON *root = build(a, e, &b);
    if (b.failed) {
        cJSON_Delete(root);
        root = NULL;
    }
    struct pr_jb lb = {.static_keys = true};   /* layer() and tensor() name their keys literally */
    struct layers s = {a, e, &lb};
    return pr_json_print_stream(root, f, "layers", stream_layer, &s, a->nlayers);
}
