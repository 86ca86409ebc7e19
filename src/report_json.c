/* report_json.c -- the machine-readable report, schema "priori.report/1".
 *
 * Built as a cJSON tree and printed once. Counts are written as exact
 * integers (cJSON numbers are doubles, which lose integers above 2^53, so
 * counts are emitted as raw number text). Shares are fractions in [0, 1].
 * An unknown extent is null; an unknown rank makes "shape" null. Every
 * field is documented in docs/usage.md ("JSON (`--format json`)").
 */
#include "report.h"
#include "energy.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA "priori.report/1"

struct jb {             /* builder: remembers an allocation failure */
    bool failed;
};

static cJSON *jcheck(struct jb *b, cJSON *item)
{
    if (!item)
        b->failed = true;
    return item;
}

static void add(struct jb *b, cJSON *obj, const char *key, cJSON *item)
{
    if (!item) {
        b->failed = true;
        return;
    }
    if (cJSON_IsArray(obj))
        cJSON_AddItemToArray(obj, item);
    else
        cJSON_AddItemToObject(obj, key, item);
}

static cJSON *u64(struct jb *b, uint64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    return jcheck(b, cJSON_CreateRaw(num));
}

static cJSON *str(struct jb *b, const char *s)
{
    char *clean = pr_text_clean(s, 4096);
    cJSON *item = clean ? cJSON_CreateString(clean) : NULL;
    free(clean);
    return jcheck(b, item);
}

static cJSON *share(struct jb *b, uint64_t part, uint64_t total)
{
    return jcheck(b, cJSON_CreateNumber(total ? (double)part / (double)total : 0.0));
}

static cJSON *shape(struct jb *b, const struct pr_shape *s)
{
    if (s->rank < 0)
        return jcheck(b, cJSON_CreateNull());
    cJSON *arr = jcheck(b, cJSON_CreateArray());
    if (!arr)
        return NULL;
    for (int i = 0; i < s->rank; i++)
        add(b, arr, NULL, s->dim[i] < 0 ? cJSON_CreateNull() : u64(b, (uint64_t)s->dim[i]));
    return arr;
}

static cJSON *tensor(struct jb *b, const struct pr_value *v)
{
    cJSON *o = jcheck(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    add(b, o, "name", str(b, v->name));
    add(b, o, "dtype", str(b, pr_dtype_name(v->t.dtype)));
    add(b, o, "shape", shape(b, &v->t.shape));
    return o;
}

static cJSON *values(struct jb *b, const struct pr_graph *g, const int *idx, int n)
{
    cJSON *arr = jcheck(b, cJSON_CreateArray());
    for (int i = 0; arr && i < n; i++)
        if (idx[i] >= 0)
            add(b, arr, NULL, tensor(b, &g->values[idx[i]]));
    return arr;
}

static cJSON *model_info(struct jb *b, const struct pr_model *m)
{
    cJSON *o = jcheck(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    add(b, o, "path", str(b, m->path ? m->path : ""));
    add(b, o, "ir_version", u64(b, m->ir_version > 0 ? (uint64_t)m->ir_version : 0));
    add(b, o, "producer", str(b, m->producer ? m->producer : ""));
    cJSON *ops = jcheck(b, cJSON_CreateArray());
    for (int i = 0; ops && i < m->nopsets; i++) {
        cJSON *e = jcheck(b, cJSON_CreateObject());
        if (!e)
            break;
        add(b, e, "domain", str(b, m->opsets[i].domain));
        add(b, e, "version", u64(b, (uint64_t)m->opsets[i].version));
        add(b, ops, NULL, e);
    }
    add(b, o, "opsets", ops);
    cJSON *sparse = NULL;   /* sparse initializers: dense shape (params) and stored elements */
    for (int i = 0; i < m->graph.nvalues; i++) {
        const struct pr_value *v = &m->graph.values[i];
        if (!v->is_sparse)
            continue;
        if (!sparse)
            add(b, o, "sparse_initializers", sparse = jcheck(b, cJSON_CreateArray()));
        cJSON *e = sparse ? tensor(b, v) : NULL;
        if (e)
            add(b, e, "nonzero", u64(b, (uint64_t)v->sparse_nnz));
        add(b, sparse, NULL, e);
    }
    return o;
}

static cJSON *totals(struct jb *b, const struct pr_analysis *a)
{
    const struct pr_totals *t = &a->totals;
    cJSON *o = jcheck(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    add(b, o, "nodes", u64(b, t->nodes));
    add(b, o, "params", u64(b, t->params));
    add(b, o, "macs", u64(b, t->macs));
    add(b, o, "flops", u64(b, t->flops));
    add(b, o, "weight_bytes", u64(b, t->weight_bytes));
    add(b, o, "activation_bytes", u64(b, t->activation_bytes));
    add(b, o, "peak_activation_bytes", u64(b, t->peak_activation_bytes));
    add(b, o, "peak_layer", jcheck(b, cJSON_CreateNumber(t->peak_layer)));
    add(b, o, "bytes_read", u64(b, t->bytes_read));
    add(b, o, "bytes_written", u64(b, t->bytes_written));
    add(b, o, "complete", jcheck(b, cJSON_CreateBool(!t->incomplete)));
    return o;
}

static cJSON *by_op(struct jb *b, const struct pr_analysis *a)
{
    cJSON *arr = jcheck(b, cJSON_CreateArray());
    for (int i = 0; arr && i < a->nby_op; i++) {
        const struct pr_op_total *t = &a->by_op[i];
        cJSON *o = jcheck(b, cJSON_CreateObject());
        if (!o)
            break;
        add(b, o, "op_type", str(b, t->op_type));
        add(b, o, "domain", str(b, t->domain));
        add(b, o, "count", u64(b, (uint64_t)t->count));
        add(b, o, "params", u64(b, t->params));
        add(b, o, "macs", u64(b, t->macs));
        add(b, o, "flops", u64(b, t->flops));
        add(b, o, "share_macs", share(b, t->macs, a->totals.macs));
        add(b, o, "share_flops", share(b, t->flops, a->totals.flops));
        add(b, o, "share_params", share(b, t->params, a->totals.params));
        add(b, arr, NULL, o);
    }
    return arr;
}

static cJSON *layer(struct jb *b, const struct pr_analysis *a, const struct pr_estimate *e, int pos)
{
    const struct pr_layer *L = &a->layers[pos];
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    cJSON *o = jcheck(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    add(b, o, "index", u64(b, (uint64_t)pos));
    add(b, o, "node", u64(b, (uint64_t)n->index));
    add(b, o, "name", str(b, n->name));
    add(b, o, "op_type", str(b, n->op_type));
    add(b, o, "domain", str(b, n->domain));
    add(b, o, "outputs", values(b, g, n->out, n->nout));
    add(b, o, "params", u64(b, L->params));
    add(b, o, "macs", u64(b, L->macs));
    add(b, o, "flops", u64(b, L->flops));
    add(b, o, "activation_bytes", u64(b, L->activation_bytes));
    add(b, o, "bytes_read", u64(b, L->bytes_read));
    add(b, o, "bytes_written", u64(b, L->bytes_written));
    add(b, o, "status", str(b, pr_layer_status_name(L->status)));
    add(b, o, "parent", jcheck(b, cJSON_CreateNumber(L->parent)));
    add(b, o, "depth", jcheck(b, cJSON_CreateNumber(L->depth)));
    add(b, o, "graph", str(b, pr_layer_graph(a, L)));
    add(b, o, "multiplier", u64(b, L->multiplier));
    add(b, o, "counted", jcheck(b, cJSON_CreateBool(L->counted)));
    if (L->why)
        add(b, o, "why", str(b, L->why));   /* why it is incomplete or not counted */
    if (e) {
        add(b, o, "time_s", jcheck(b, cJSON_CreateNumber(e->layers[pos].time_s)));
        add(b, o, "energy_j", jcheck(b, cJSON_CreateNumber(e->layers[pos].energy_j)));
    }
    return o;
}

static cJSON *num(struct jb *b, double v)
{
    return v < 0 ? jcheck(b, cJSON_CreateNull()) : jcheck(b, cJSON_CreateNumber(v));
}

/* The "energy" section; negative values (unknown) become null. */
static cJSON *energy(struct jb *b, const struct pr_estimate *e)
{
    const struct pr_profile *p = e->profile;
    cJSON *o = jcheck(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    add(b, o, "profile", str(b, p->id));
    add(b, o, "hardware", str(b, p->hardware));
    add(b, o, "runtime", str(b, p->runtime));
    add(b, o, "precision", str(b, p->precision));
    add(b, o, "scenario", str(b, p->scenario));
    add(b, o, "boundary", str(b, p->boundary));
    add(b, o, "method", str(b, pr_method_name[e->method]));
    add(b, o, "latency_s", num(b, e->latency_s));
    add(b, o, "energy_j", num(b, e->energy_j));
    add(b, o, "co2e_g", num(b, e->co2e_g));
    add(b, o, "fixed_time_s", num(b, e->fixed_time_s));
    add(b, o, "fixed_energy_j", num(b, e->fixed_energy_j));
    add(b, o, "uncertainty_pct", num(b, e->uncertainty_pct));
    add(b, o, "uncertainty_p90_pct", num(b, e->uncertainty_p90_pct));
    add(b, o, "wh_per_million", num(b, e->wh_per_million));
    add(b, o, "co2e_g_per_million", num(b, e->co2e_g_per_million));
    add(b, o, "inferences", u64(b, e->inferences));
    add(b, o, "total_wh", num(b, e->total_wh));
    add(b, o, "total_co2e_g", num(b, e->total_co2e_g));
    add(b, o, "pue", num(b, e->pue));
    add(b, o, "g_co2e_per_kwh", num(b, e->g_per_kwh));
    add(b, o, "carbon_source", str(b, e->carbon_source ? e->carbon_source : ""));
    cJSON *base = jcheck(b, cJSON_CreateObject());
    if (base) {
        add(b, base, "mlco2_impact_j", num(b, e->mlco2_j));
        add(b, base, "mlco2_impact_co2e_g", num(b, e->mlco2_co2e_g));
        add(b, base, "green_algorithms_j", num(b, e->ga_j));
        add(b, base, "green_algorithms_co2e_g", num(b, e->ga_co2e_g));
    }
    add(b, o, "baselines", base);
    return o;
}

static cJSON *build(const struct pr_analysis *a, const struct pr_estimate *e, struct jb *b)
{
    const struct pr_model *m = a->model;
    const struct pr_graph *g = &m->graph;
    cJSON *root = jcheck(b, cJSON_CreateObject());
    if (!root)
        return NULL;
    add(b, root, "schema", str(b, SCHEMA));
    add(b, root, "priori_version", str(b, PRIORI_VERSION));
    add(b, root, "model", model_info(b, m));
    add(b, root, "inputs", values(b, g, g->inputs, g->ninputs));
    add(b, root, "outputs", values(b, g, g->outputs, g->noutputs));
    add(b, root, "totals", totals(b, a));
    add(b, root, "by_op_type", by_op(b, a));
    cJSON *layers = jcheck(b, cJSON_CreateArray());
    for (int p = 0; layers && p < a->nlayers && !b->failed; p++)
        add(b, layers, NULL, layer(b, a, e, p));
    add(b, root, "layers", layers);
    cJSON *top = jcheck(b, cJSON_CreateArray());
    for (int i = 0; top && i < a->ntop; i++) {
        const struct pr_layer *L = &a->layers[a->top[i]];
        const struct pr_node *n = &g->nodes[L->node];
        cJSON *o = jcheck(b, cJSON_CreateObject());
        if (!o)
            break;
        add(b, o, "index", u64(b, (uint64_t)a->top[i]));
        add(b, o, "name", str(b, n->name));
        add(b, o, "op_type", str(b, n->op_type));
        add(b, o, "macs", u64(b, L->macs));
        add(b, o, "flops", u64(b, L->flops));
        add(b, o, "share_macs", share(b, L->macs, a->totals.macs));
        add(b, top, NULL, o);
    }
    add(b, root, "top", top);
    cJSON *uns = jcheck(b, cJSON_CreateArray());
    for (int i = 0; uns && i < a->nunsupported; i++) {
        const struct pr_unsupported *u = &a->unsupported[i];
        cJSON *o = jcheck(b, cJSON_CreateObject());
        cJSON *names = jcheck(b, cJSON_CreateArray());
        if (!o || !names) {
            cJSON_Delete(o);
            cJSON_Delete(names);
            break;
        }
        add(b, o, "domain", str(b, u->domain));
        add(b, o, "op_type", str(b, u->op_type));
        add(b, o, "count", u64(b, (uint64_t)u->count));
        for (int k = 0; k < u->count; k++)
            add(b, names, NULL, str(b, g->nodes[a->layers[u->layers[k]].node].name));
        add(b, o, "nodes", names);
        add(b, uns, NULL, o);
    }
    add(b, root, "unsupported", uns);
    cJSON *unbound = jcheck(b, cJSON_CreateArray());
    for (int i = 0; unbound && i < a->nunbound; i++)
        add(b, unbound, NULL, str(b, a->unbound[i]));
    add(b, root, "unbound_symbols", unbound);
    cJSON *assumed = jcheck(b, cJSON_CreateArray());   /* each names the flag that fixes it */
    for (int i = 0; assumed && i < a->nassumptions; i++)
        add(b, assumed, NULL, str(b, a->assumptions[i]));
    add(b, root, "assumptions", assumed);
    add(b, root, "assumption_failures", u64(b, (uint64_t)a->nassume_failures));
    cJSON *warn = jcheck(b, cJSON_CreateArray());
    for (size_t i = 0; warn && i < a->diag.count; i++)
        add(b, warn, NULL, str(b, a->diag.msgs[i]));
    if (warn && a->diag.dropped) {   /* past PR_DIAG_MAX: say so, do not truncate silently */
        char more[96];
        snprintf(more, sizeof more, "... and %zu more warnings (the first %d are listed)", a->diag.dropped,
                 PR_DIAG_MAX);
        add(b, warn, NULL, str(b, more));
    }
    add(b, root, "warnings", warn);
    if (e)
        add(b, root, "energy", energy(b, e));
    return root;
}

int pr_report_json(const struct pr_analysis *a, FILE *f)
{
    return pr_report_json_energy(a, NULL, f);
}

int pr_json_print(cJSON *root, FILE *f)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return -1;
    int rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
    cJSON_free(text);
    return rc;
}

int pr_report_json_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    struct jb b = {0};
    cJSON *root = build(a, e, &b);
    if (b.failed) {
        cJSON_Delete(root);
        root = NULL;
    }
    return pr_json_print(root, f);
}
