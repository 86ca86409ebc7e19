/* gate.c -- metrics, budgets, baselines, growth limits and breaches (see
 * gate.h for the file formats and the rule "value <= limit").
 *
 * Budget and baseline files are read and parsed by json.h and walked field
 * by field; anything unexpected (a type, an unknown name, a negative or
 * non-finite number, a key given twice) is an error naming the file, the
 * JSON path and what was expected. A growth limit of g% on a baseline value
 * b allows up to b * (1 + g/100).
 */
#include "gate.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"

static const struct {
    const char *name, *label;
} metrics[PR_M_COUNT] = {
    [PR_M_PARAMS] = {"params", "params"},
    [PR_M_MACS] = {"macs", "MACs"},
    [PR_M_FLOPS] = {"flops", "FLOPs"},
    [PR_M_WEIGHT_BYTES] = {"weight_bytes", "weight bytes"},
    [PR_M_PEAK_ACT] = {"peak_activation_bytes", "peak memory"},
    [PR_M_LATENCY] = {"latency_s", "latency"},
    [PR_M_ENERGY] = {"energy_j", "energy"},
    [PR_M_CO2E] = {"co2e", "CO2e"},
};

static const char *const part_metrics[PR_PM_COUNT] = {
    [PR_PM_PARAMS] = "params", [PR_PM_MACS] = "macs", [PR_PM_FLOPS] = "flops",
    [PR_PM_ACT] = "activation_bytes", [PR_PM_COUNT_NODES] = "count",
};

const char *pr_metric_name(enum pr_metric m) { return m < PR_M_COUNT ? metrics[m].name : "?"; }
const char *pr_metric_label(enum pr_metric m) { return m < PR_M_COUNT ? metrics[m].label : "?"; }
bool pr_metric_is_estimate(enum pr_metric m) { return (int)m >= (int)PR_M_STATIC_COUNT; }
const char *pr_part_metric_name(enum pr_part_metric m) { return m < PR_PM_COUNT ? part_metrics[m] : "?"; }

int pr_metric_find(const char *name)
{
    for (int m = 0; m < PR_M_COUNT; m++)
        if (strcmp(metrics[m].name, name) == 0)
            return m;
    return -1;
}

static int part_metric_find(const char *name)
{
    for (int m = 0; m < PR_PM_COUNT; m++)
        if (strcmp(part_metrics[m], name) == 0)
            return m;
    return -1;
}

const char *pr_metric_human(enum pr_metric m, double v, char *buf, size_t size)
{
    switch (m) {
    case PR_M_WEIGHT_BYTES:
    case PR_M_PEAK_ACT:
        return pr_human_bytes(v >= 1.8e19 ? UINT64_MAX : (uint64_t)v, buf, size);
    case PR_M_LATENCY:
        return pr_human_si(v, "s", buf, size);
    case PR_M_ENERGY:
        return pr_human_si(v, "J", buf, size);
    case PR_M_CO2E:
        return pr_human_si(v, "g", buf, size);
    default:
        return pr_human_count(v >= 1.8e19 ? UINT64_MAX : (uint64_t)v, buf, size);
    }
}

/* ---- subjects ---- */

int pr_subject_analyze(struct pr_subject *s, const char *path, const struct pr_options *opt, struct pr_err *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    pr_diag_init(&s->load_diag);
    if (pr_model_load(&s->model, path, &s->load_diag, err) < 0) {
        pr_diag_free(&s->load_diag);
        return -1;
    }
    s->loaded = true;
    if (pr_analyze(&s->model, opt, &s->an, err) < 0)
        return -1;
    s->analysed = true;
    for (size_t i = 0; i < s->load_diag.count; i++)
        pr_diag_add(&s->an.diag, "%s", s->load_diag.msgs[i]);
    return 0;
}

int pr_subject_energy(struct pr_subject *s, const struct pr_profile *p, const struct pr_energy_opts *o,
                      struct pr_err *err)
{
    if (!p)
        return 0;
    return pr_estimate(&s->an, p, o, &s->est, err);
}

void pr_subject_close(struct pr_subject *s)
{
    pr_estimate_free(&s->est);
    if (s->analysed)
        pr_analysis_free(&s->an);
    if (s->loaded) {
        pr_diag_free(&s->load_diag);
        pr_model_free(&s->model);
    }
    s->analysed = s->loaded = false;
}

uint64_t pr_subject_count(const struct pr_subject *s, enum pr_metric m)
{
    const struct pr_totals *t = &s->an.totals;
    switch (m) {
    case PR_M_PARAMS: return t->params;
    case PR_M_MACS: return t->macs;
    case PR_M_FLOPS: return t->flops;
    case PR_M_WEIGHT_BYTES: return t->weight_bytes;
    case PR_M_PEAK_ACT: return t->peak_activation_bytes;
    default: return 0;
    }
}

bool pr_subject_metric(const struct pr_subject *s, enum pr_metric m, double *v)
{
    if (!pr_metric_is_estimate(m)) {
        *v = (double)pr_subject_count(s, m);
        return true;
    }
    if (!s->est.profile)
        return false;
    *v = m == PR_M_LATENCY ? s->est.latency_s : m == PR_M_ENERGY ? s->est.energy_j : s->est.co2e_g;
    return true;
}

/* ---- reading JSON files ---- */

enum { MAX_JSON_BYTES = 512 * 1024 * 1024 };

/* "FILE: PATH: expected WHAT, got TYPE of got" (json.h's reader), -1. */
static int expected(const char *file, const char *path, const cJSON *got, const char *what, struct pr_err *err)
{
    struct pr_jr r = {.file = file, .code = PR_E_ARG, .err = err};
    snprintf(r.path, sizeof r.path, "%s", path);
    return pr_jr_bad(&r, NULL, got, what);
}

/* A non-negative finite number at path, or an error. */
static int get_limit(const cJSON *v, const char *file, const char *path, double *out, struct pr_err *err)
{
    if (!cJSON_IsNumber(v))
        return expected(file, path, v, "a non-negative number", err);
    if (!isfinite(v->valuedouble) || v->valuedouble < 0)
        return pr_err_set(err, PR_E_ARG, "%s: %s: expected a non-negative finite number, got %g", file,
                          path, v->valuedouble);
    *out = v->valuedouble;
    return 0;
}

/* A key given twice in one object (cJSON keeps both): an error. */
static int no_duplicates(const cJSON *obj, const char *file, const char *path, struct pr_err *err)
{
    struct pr_names seen;
    if (pr_names_init(&seen, 16) < 0)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    int rc = 0;
    for (const cJSON *c = obj->child; c && rc == 0; c = c->next) {
        int put = pr_names_put(&seen, c->string, 0);
        if (put < 0) {
            rc = pr_err_set(err, PR_E_INTERNAL, "out of memory");
        } else if (put == 1) {
            char p[300];
            pr_json_path_step(p, sizeof p, path, c->string);
            rc = pr_err_set(err, PR_E_ARG, "%s: %s: given twice; expected each key once", file, p);
        }
    }
    pr_names_free(&seen);
    return rc;
}

/* ---- budgets ---- */

static int add_limit(struct pr_budget *b, enum pr_scope scope, const char *target, int metric, double limit,
                     const char *path, struct pr_err *err)
{
    if ((b->nlimits & (b->nlimits - 1)) == 0) {   /* 0, 1, 2, 4, ...: double the room */
        struct pr_limit *nl = realloc(b->limits, (size_t)(b->nlimits ? 2 * b->nlimits : 1) * sizeof *nl);
        if (!nl)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory");
        b->limits = nl;
    }
    struct pr_limit *l = &b->limits[b->nlimits++];
    memset(l, 0, sizeof *l);
    l->scope = scope;
    l->metric = metric;
    l->limit = limit;
    l->target = target ? strdup(target) : NULL;
    l->path = strdup(path);
    if ((target && !l->target) || !l->path)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    return 0;
}

static int parse_totals(struct pr_budget *b, const cJSON *obj, const char *file, struct pr_err *err)
{
    if (!cJSON_IsObject(obj))
        return expected(file, "$.totals", obj, "an object of metric limits", err);
    if (no_duplicates(obj, file, "$.totals", err) < 0)
        return -1;
    for (const cJSON *c = obj->child; c; c = c->next) {
        char path[300];
        pr_json_path_step(path, sizeof path, "$.totals", c->string);
        int m = pr_metric_find(c->string);
        double v;
        if (m < 0)
            return pr_err_set(err, PR_E_ARG, "%s: %s: unknown metric; expected one of params, macs, flops, "
                              "weight_bytes, peak_activation_bytes, latency_s, energy_j, co2e", file, path);
        if (get_limit(c, file, path, &v, err) < 0 || add_limit(b, PR_SCOPE_TOTAL, NULL, m, v, path, err) < 0)
            return -1;
    }
    return 0;
}

/* "layers" or "op_types": {NAME: {metric: limit}} */
static int parse_parts(struct pr_budget *b, const cJSON *obj, enum pr_scope scope, const char *file,
                       struct pr_err *err)
{
    const char *base = scope == PR_SCOPE_LAYER ? "$.layers" : "$.op_types";
    const char *what = scope == PR_SCOPE_LAYER ? "layer names" : "operator types";
    char keyed[64];
    snprintf(keyed, sizeof keyed, "an object keyed by %s", what);
    if (!cJSON_IsObject(obj))
        return expected(file, base, obj, keyed, err);
    if (no_duplicates(obj, file, base, err) < 0)
        return -1;
    for (const cJSON *part = obj->child; part; part = part->next) {
        char ppath[300];
        pr_json_path_step(ppath, sizeof ppath, base, part->string);
        if (!*part->string)
            return pr_err_set(err, PR_E_ARG, "%s: %s: empty name; expected one of the model's %s", file,
                              ppath, what);
        if (!cJSON_IsObject(part))
            return expected(file, ppath, part, "an object of metric limits", err);
        if (no_duplicates(part, file, ppath, err) < 0)
            return -1;
        for (const cJSON *c = part->child; c; c = c->next) {
            char path[400];
            pr_json_path_step(path, sizeof path, ppath, c->string);
            int m = part_metric_find(c->string);
            double v;
            if (m < 0 || (scope == PR_SCOPE_LAYER && m == PR_PM_COUNT_NODES))
                return pr_err_set(err, PR_E_ARG, "%s: %s: unknown metric; expected one of params, macs, "
                                  "flops, activation_bytes%s", file, path,
                                  scope == PR_SCOPE_OP_TYPE ? ", count" : "");
            if (get_limit(c, file, path, &v, err) < 0 || add_limit(b, scope, part->string, m, v, path, err) < 0)
                return -1;
        }
    }
    return 0;
}


enum file_kind { BUDGET_FILE, BASELINE_FILE };

static int budget_fields(struct pr_budget *b, const cJSON *root, const char *file, struct pr_err *err);
static int baseline_fields(struct pr_baseline *b, const cJSON *root, const char *file, struct pr_err *err);

/* Parses text (json.h) as a budget or a baseline into obj, which keeps a
 * copy of the file name for its messages; on error obj is freed. */
static int parse_file(void *obj, enum file_kind kind, const char *text, const char *file, struct pr_err *err)
{
    struct pr_budget *budget = obj;
    struct pr_baseline *baseline = obj;
    memset(obj, 0, kind == BUDGET_FILE ? sizeof *budget : sizeof *baseline);
    char *copy = strdup(file);
    cJSON *root = copy ? pr_json_parse(text, file, PR_E_ARG, err) : NULL;
    *(kind == BUDGET_FILE ? &budget->file : &baseline->file) = copy;
    int rc = !copy ? pr_err_set(err, PR_E_INTERNAL, "out of memory")
             : !root ? -1
             : kind == BUDGET_FILE ? budget_fields(budget, root, file, err) : baseline_fields(baseline, root, file, err);
    cJSON_Delete(root);
    if (rc < 0 && kind == BUDGET_FILE)
        pr_budget_free(budget);
    else if (rc < 0)
        pr_baseline_free(baseline);
    return rc;
}

int pr_budget_parse(struct pr_budget *b, const char *text, const char *file, struct pr_err *err)
{
    return parse_file(b, BUDGET_FILE, text, file, err);
}

int pr_baseline_parse(struct pr_baseline *b, const char *text, const char *file, struct pr_err *err)
{
    return parse_file(b, BASELINE_FILE, text, file, err);
}

/* The fields of a parsed budget file into b. 0 / -1 with err. */
static int budget_fields(struct pr_budget *b, const cJSON *root, const char *file, struct pr_err *err)
{
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        expected(file, "$", root, "an object with \"totals\", \"layers\" or \"op_types\"", err);
        goto out;
    }
    if (no_duplicates(root, file, "$", err) < 0)
        goto out;
    for (const cJSON *c = root->child; c; c = c->next) {
        char path[300];
        pr_json_path_step(path, sizeof path, "$", c->string);
        if (strcmp(c->string, "schema") == 0) {
            if (!cJSON_IsString(c) || strcmp(c->valuestring, "priori.budget/1") != 0) {
                pr_err_set(err, PR_E_ARG, "%s: $.schema: expected \"priori.budget/1\"", file);
                goto out;
            }
        } else if (strcmp(c->string, "description") == 0) {
            if (!cJSON_IsString(c)) {
                expected(file, "$.description", c, "a string", err);
                goto out;
            }
        } else if (strcmp(c->string, "warn_fraction") == 0) {
            if (!cJSON_IsNumber(c) || !(c->valuedouble > 0 && c->valuedouble <= 1)) {
                pr_err_set(err, PR_E_ARG, "%s: $.warn_fraction: expected a number in (0, 1], e.g. 0.9", file);
                goto out;
            }
            b->warn_fraction = c->valuedouble;
        } else if (strcmp(c->string, "totals") == 0) {
            if (parse_totals(b, c, file, err) < 0)
                goto out;
        } else if (strcmp(c->string, "layers") == 0 || strcmp(c->string, "op_types") == 0) {
            if (parse_parts(b, c, c->string[0] == 'l' ? PR_SCOPE_LAYER : PR_SCOPE_OP_TYPE, file, err) < 0)
                goto out;
        } else {
            pr_err_set(err, PR_E_ARG, "%s: %s: unknown field; expected schema, description, totals, layers, "
                       "op_types or warn_fraction", file, path);
            goto out;
        }
    }
    if (!b->nlimits) {
        pr_err_set(err, PR_E_ARG, "%s: $: no limits; expected at least one in \"totals\", \"layers\" or "
                   "\"op_types\"", file);
        goto out;
    }
    rc = 0;
out:
    return rc;
}


/* Reads file (json.h: a regular file, no NUL byte) and parses it as a
 * budget or a baseline into obj, zeroed first so that it can be freed
 * either way. */
static int load(void *obj, enum file_kind kind, const char *file, struct pr_err *err)
{
    memset(obj, 0, kind == BUDGET_FILE ? sizeof(struct pr_budget) : sizeof(struct pr_baseline));
    char *text = pr_json_read(file, MAX_JSON_BYTES, PR_E_ARG, err);
    int rc = !text ? -1 : kind == BUDGET_FILE ? pr_budget_parse(obj, text, file, err)
                                              : pr_baseline_parse(obj, text, file, err);
    free(text);
    return rc;
}

int pr_budget_load(struct pr_budget *b, const char *file, struct pr_err *err)
{
    return load(b, BUDGET_FILE, file, err);
}

void pr_budget_free(struct pr_budget *b)
{
    for (int i = 0; i < b->nlimits; i++) {
        free(b->limits[i].target);
        free(b->limits[i].path);
    }
    free(b->limits);
    free(b->file);
    memset(b, 0, sizeof *b);
}

/* ---- baselines ---- */

/* The estimate metrics of a report made with --hw: its "energy" section
 * {"profile", "latency_s", "energy_j", "co2e_g", "pue", "g_co2e_per_kwh"}
 * (report_json.c). Absent or null: the baseline has no estimate. */
static int baseline_energy(struct pr_baseline *b, const cJSON *e, const char *file, struct pr_err *err)
{
    static const char *const keys[] = {"latency_s", "energy_j", "co2e_g"};
    if (!e || cJSON_IsNull(e))
        return 0;
    if (!cJSON_IsObject(e))
        return expected(file, "$.energy", e, "an object", err);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "profile");
    if (!cJSON_IsString(p) || !*p->valuestring)
        return pr_err_set(err, PR_E_ARG, "%s: $.energy.profile: expected the hardware profile's id, got %s",
                          file, p ? pr_json_type(p) : "nothing");
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, keys[k]);
        char path[100];
        snprintf(path, sizeof path, "$.energy.%s", keys[k]);
        if (!v)
            return pr_err_set(err, PR_E_ARG, "%s: %s: missing; expected a non-negative number", file, path);
        if (get_limit(v, file, path, &b->value[PR_M_LATENCY + k], err) < 0)
            return -1;
        b->has[PR_M_LATENCY + k] = true;
    }
    const cJSON *pue = cJSON_GetObjectItemCaseSensitive(e, "pue");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "g_co2e_per_kwh");
    if ((pue && get_limit(pue, file, "$.energy.pue", &b->pue, err) < 0) ||
        (g && get_limit(g, file, "$.energy.g_co2e_per_kwh", &b->g_per_kwh, err) < 0))
        return -1;
    b->profile = strdup(p->valuestring);
    return b->profile ? 0 : pr_err_set(err, PR_E_INTERNAL, "out of memory");
}

/* The fields of a parsed baseline file into b. 0 / -1 with err. */
static int baseline_fields(struct pr_baseline *b, const cJSON *root, const char *file, struct pr_err *err)
{
    int rc = -1;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsObject(root) || !cJSON_IsString(schema) || strcmp(schema->valuestring, "priori.report/1") != 0) {
        pr_err_set(err, PR_E_ARG, "%s: $.schema: expected \"priori.report/1\" (a report written by "
                   "'priori analyze --format json')", file);
        goto out;
    }
    const cJSON *unbound = cJSON_GetObjectItemCaseSensitive(root, "unbound_symbols");
    if (unbound && !cJSON_IsArray(unbound)) {
        expected(file, "$.unbound_symbols", unbound, "an array", err);
        goto out;
    }
    if (cJSON_GetArraySize(unbound) > 0) {
        const cJSON *first = unbound->child;
        char *sym = pr_text_clean(cJSON_IsString(first) ? first->valuestring : "?", 80);
        pr_err_set(err, PR_E_ARG, "%s: $.unbound_symbols: the baseline was made with the symbol '%s' "
                   "unbound (taken as 1); regenerate it with --dim %s=N so that it means fixed shapes", file,
                   sym ? sym : "?", sym ? sym : "?");
        free(sym);
        goto out;
    }
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(root, "totals");
    if (!cJSON_IsObject(totals)) {
        pr_err_set(err, PR_E_ARG, "%s: $.totals: expected an object, got %s", file,
                   totals ? pr_json_type(totals) : "nothing");
        goto out;
    }
    for (int m = 0; m < PR_M_STATIC_COUNT; m++) {
        char path[100];
        snprintf(path, sizeof path, "$.totals.%s", pr_metric_name(m));
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(totals, pr_metric_name(m));
        if (!v) {
            pr_err_set(err, PR_E_ARG, "%s: %s: missing; expected a non-negative integer", file, path);
            goto out;
        }
        if (get_limit(v, file, path, &b->value[m], err) < 0)
            goto out;
        b->has[m] = true;
    }
    if (baseline_energy(b, cJSON_GetObjectItemCaseSensitive(root, "energy"), file, err) < 0)
        goto out;
    rc = 0;
out:
    return rc;
}

int pr_baseline_load(struct pr_baseline *b, const char *file, struct pr_err *err)
{
    return load(b, BASELINE_FILE, file, err);
}

void pr_baseline_free(struct pr_baseline *b)
{
    free(b->file);
    free(b->profile);
    memset(b, 0, sizeof *b);
}

int pr_growth_parse(const char *spec, double growth[PR_M_COUNT], struct pr_err *err)
{
    for (int m = 0; m < PR_M_COUNT; m++)
        growth[m] = -1;
    char buf[1024];
    if (!*spec || strlen(spec) >= sizeof buf)
        return pr_err_set(err, PR_E_ARG, "--max-growth '%.60s': expected METRIC=PCT[,METRIC=PCT...], "
                          "e.g. macs=5%%,params=2%%", spec);
    strcpy(buf, spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return pr_err_set(err, PR_E_ARG, "--max-growth: '%s': expected METRIC=PCT, e.g. macs=5%%", tok);
        *eq = 0;
        int m = pr_metric_find(tok);
        if (m < 0)
            return pr_err_set(err, PR_E_ARG, "--max-growth: unknown metric '%s'; expected one of params, "
                              "macs, flops, weight_bytes, peak_activation_bytes, latency_s, energy_j, co2e", tok);
        char *num = eq + 1, *end;
        errno = 0;
        double v = strtod(num, &end);
        if (*end == '%')
            end++;
        if (end == num || *end || errno || !isfinite(v) || v < 0)
            return pr_err_set(err, PR_E_ARG, "--max-growth: %s=%s: expected a percentage >= 0, e.g. %s=5%%",
                              tok, num, tok);
        if (growth[m] >= 0)
            return pr_err_set(err, PR_E_ARG, "--max-growth: %s is given twice", tok);
        growth[m] = v;
    }
    return 0;
}

/* ---- evaluating ---- */

static int add_check(struct pr_gate *g, const struct pr_check *c, struct pr_err *err)
{
    if ((g->nchecks & (g->nchecks - 1)) == 0) {   /* 0, 1, 2, 4, ...: double the room */
        struct pr_check *nc = realloc(g->checks, (size_t)(g->nchecks ? 2 * g->nchecks : 1) * sizeof *nc);
        if (!nc)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory");
        g->checks = nc;
    }
    g->checks[g->nchecks++] = *c;
    return 0;
}

static double part_value(const struct pr_layer *L, int m)
{
    switch (m) {
    case PR_PM_PARAMS: return (double)L->params;
    case PR_PM_MACS: return (double)L->macs;
    case PR_PM_FLOPS: return (double)L->flops;
    case PR_PM_ACT: return (double)L->activation_bytes;
    default: return 1;   /* count */
    }
}

/* Per-part sums of the model, built once per evaluation so that each limit
 * is one hash lookup: layer names, op types ("Conv") and domain-qualified op
 * types ("com.microsoft.FusedConv") each map to a group holding the sums of
 * the PR_PM_COUNT part metrics over its layers. Linear in layers + limits. */
struct part_sums {
    struct pr_names layer, op;    /* name -> group */
    double (*sum)[PR_PM_COUNT];   /* per group */
    int ngroups;
    char **keys;                  /* the "domain.op_type" strings (owned) */
    int nkeys;
};

static void part_sums_free(struct part_sums *ps)
{
    pr_names_free(&ps->layer);
    pr_names_free(&ps->op);
    for (int i = 0; i < ps->nkeys; i++)
        free(ps->keys[i]);
    free(ps->keys);
    free(ps->sum);
}

/* Adds layer L to the group of key in map (a new group when the key is new). */
static int group_add(struct part_sums *ps, struct pr_names *map, const char *key, const struct pr_layer *L)
{
    int gi = pr_names_get(map, key);
    if (gi < 0) {
        gi = ps->ngroups++;
        if (pr_names_put(map, key, gi) < 0)
            return -1;
        memset(ps->sum[gi], 0, sizeof ps->sum[gi]);
    }
    for (int m = 0; m < PR_PM_COUNT; m++)
        ps->sum[gi][m] += part_value(L, m);
    return 0;
}

static int part_sums_build(struct part_sums *ps, const struct pr_subject *s)
{
    const struct pr_graph *g = &s->model.graph;
    int n = s->an.nlayers;
    memset(ps, 0, sizeof *ps);
    if (pr_names_init(&ps->layer, (size_t)n) < 0 || pr_names_init(&ps->op, (size_t)n) < 0 ||
        !(ps->sum = malloc(((size_t)n * 3 + 1) * sizeof *ps->sum)) || !(ps->keys = calloc((size_t)n + 1, sizeof *ps->keys)))
        return -1;
    for (int p = 0; p < n; p++) {
        const struct pr_layer *L = &s->an.layers[p];
        const struct pr_node *nd = &g->nodes[L->node];
        if (group_add(ps, &ps->layer, nd->name, L) < 0 || group_add(ps, &ps->op, nd->op_type, L) < 0)
            return -1;
        if (!*nd->domain)
            continue;
        size_t dl = strlen(nd->domain), ol = strlen(nd->op_type);
        char *key = malloc(dl + ol + 2);
        if (!key)
            return -1;
        memcpy(key, nd->domain, dl);
        key[dl] = '.';
        memcpy(key + dl + 1, nd->op_type, ol + 1);
        bool kept = pr_names_get(&ps->op, key) < 0;   /* a new group keeps this key */
        int rc = group_add(ps, &ps->op, key, L);
        if (kept)
            ps->keys[ps->nkeys++] = key;
        else
            free(key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Sum of metric m over the layers named target (layers) or of the op type
 * target, written "Conv" or "domain.Conv" (op_types). *found: any matched. */
static double sum_parts(const struct part_sums *ps, enum pr_scope scope, const char *target, int m, bool *found)
{
    int gi = pr_names_get(scope == PR_SCOPE_LAYER ? &ps->layer : &ps->op, target);
    *found = gi >= 0;
    return gi >= 0 ? ps->sum[gi][m] : 0;
}

static enum pr_check_status status_of(double value, double limit, double warn_fraction)
{
    if (value > limit)
        return PR_CHECK_BREACH;
    if (warn_fraction > 0 && value > warn_fraction * limit)
        return PR_CHECK_NEAR;
    return PR_CHECK_OK;
}

static int needs_hw(const struct pr_subject *s, const char *metric, const char *where, struct pr_err *err)
{
    return pr_err_set(err, PR_E_ARG, "%s: %s limits %s, which needs --hw (an energy estimate on a "
                      "hardware profile); without it limit only params, macs, flops, weight_bytes and "
                      "peak_activation_bytes", s->path, where, metric);
}

static int eval_limits(struct pr_gate *g, const struct pr_subject *s, const struct pr_budget *b,
                       const struct part_sums *ps, struct pr_err *err)
{
    for (int i = 0; i < b->nlimits; i++) {
        const struct pr_limit *l = &b->limits[i];
        struct pr_check c = {.scope = l->scope, .target = l->target, .metric_id = l->metric, .source = "budget",
                             .path = l->path, .limit = l->limit, .baseline = -1, .growth_pct = -1};
        if (l->scope == PR_SCOPE_TOTAL) {
            c.metric = pr_metric_name(l->metric);
            if (!pr_subject_metric(s, l->metric, &c.value)) {
                char where[400];
                snprintf(where, sizeof where, "%s %s", b->file, l->path);
                return needs_hw(s, c.metric, where, err);
            }
        } else {
            bool found;
            c.metric = pr_part_metric_name(l->metric);
            c.value = sum_parts(ps, l->scope, l->target, l->metric, &found);
            if (!found && l->scope == PR_SCOPE_LAYER) {
                char *name = pr_text_clean(l->target, 80);
                pr_err_set(err, PR_E_ARG, "%s: %s: the model %s has no layer named '%s'; expected a node "
                           "name from 'priori analyze' (was it renamed?)", b->file, l->path, s->path,
                           name ? name : "?");
                free(name);
                return -1;
            }
        }
        c.status = status_of(c.value, c.limit, b->warn_fraction);
        if (add_check(g, &c, err) < 0)
            return -1;
    }
    return 0;
}

static int eval_budget(struct pr_gate *g, const struct pr_subject *s, const struct pr_budget *b, struct pr_err *err)
{
    struct part_sums ps;
    if (part_sums_build(&ps, s) < 0) {
        part_sums_free(&ps);
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    }
    int rc = eval_limits(g, s, b, &ps, err);
    part_sums_free(&ps);
    return rc;
}

/* An estimate only grows against one made on the same profile (and for
 * co2e with the same intensity and PUE); -1 with err (exit 2) when not. */
static int same_conditions(const struct pr_subject *s, const struct pr_baseline *b, int m, struct pr_err *err)
{
    const struct pr_estimate *e = &s->est;
    if (!b->profile)   /* a baseline built by hand, not read from a report */
        return 0;
    char *bp = pr_text_clean(b->profile, 120);
    int rc = 0;
    if (strcmp(b->profile, e->profile->id) != 0) {
        rc = pr_err_set(err, PR_E_ARG, "%s: $.energy.profile: the baseline's estimate is on '%s' but this check "
                   "is on '%s'; growth of %s means nothing across hardware: use the same --hw (and "
                   "--precision, --scenario) for both", b->file, bp ? bp : "?", e->profile->id,
                   pr_metric_name(m));
    } else if (m == PR_M_CO2E && b->g_per_kwh > 0 && b->pue > 0 && (fabs(b->g_per_kwh - e->g_per_kwh) > 1e-9 * e->g_per_kwh ||
                                  fabs(b->pue - e->pue) > 1e-9 * e->pue)) {
        rc = pr_err_set(err, PR_E_ARG, "%s: $.energy: the baseline's CO2e is at %g g/kWh and PUE %g, this check's "
                   "at %g g/kWh and PUE %g; give the same --region/--carbon and --pue, or limit energy_j instead",
                   b->file, b->g_per_kwh, b->pue, e->g_per_kwh, e->pue);
    }
    free(bp);
    return rc;
}

static int eval_growth(struct pr_gate *g, const struct pr_subject *s, const struct pr_baseline *b,
                       const double *growth, struct pr_err *err)
{
    for (int m = 0; m < PR_M_COUNT; m++) {
        if (growth[m] < 0)
            continue;
        struct pr_check c = {.scope = PR_SCOPE_TOTAL, .metric = pr_metric_name(m), .metric_id = m,
                             .source = "baseline", .growth_pct = growth[m]};
        if (!pr_subject_metric(s, m, &c.value))
            return needs_hw(s, c.metric, "--max-growth", err);
        if (!b->has[m])
            return pr_err_set(err, PR_E_ARG, "%s: $.energy: missing; the baseline has no energy estimate, so "
                              "a growth limit on %s cannot be checked: regenerate it with 'priori analyze MODEL "
                              "--hw %s --precision %s --scenario %s --format json' (or drop %s from --max-growth)",
                              b->file, c.metric, s->est.profile->hw, s->est.profile->precision,
                              s->est.profile->scenario, c.metric);
        if (pr_metric_is_estimate(m) && same_conditions(s, b, m, err) < 0)
            return -1;
        c.baseline = b->value[m];
        c.limit = c.baseline * (1.0 + growth[m] / 100.0);
        c.status = c.value > c.limit ? PR_CHECK_BREACH : PR_CHECK_OK;
        if (add_check(g, &c, err) < 0)
            return -1;
    }
    return 0;
}

int pr_gate_eval(struct pr_gate *g, const struct pr_subject *s, const struct pr_budget *budget,
                 const struct pr_baseline *baseline, const double *growth, struct pr_err *err)
{
    memset(g, 0, sizeof *g);
    if ((budget && eval_budget(g, s, budget, err) < 0) ||
        (baseline && growth && eval_growth(g, s, baseline, growth, err) < 0)) {
        pr_gate_free(g);
        return -1;
    }
    for (int i = 0; i < g->nchecks; i++) {
        g->nbreaches += g->checks[i].status == PR_CHECK_BREACH;
        g->nnear += g->checks[i].status == PR_CHECK_NEAR;
    }
    return 0;
}

void pr_gate_free(struct pr_gate *g)
{
    free(g->checks);
    memset(g, 0, sizeof *g);
}

const char *pr_check_label(const struct pr_check *c, char *buf, size_t size)
{
    if (c->scope == PR_SCOPE_TOTAL) {
        snprintf(buf, size, "%s", c->metric);
        return buf;
    }
    char *t = pr_text_clean(c->target, 60);
    snprintf(buf, size, "%s %s %s", c->scope == PR_SCOPE_LAYER ? "layer" : "op type", t ? t : "?", c->metric);
    free(t);
    return buf;
}

const char *pr_check_number(const struct pr_check *c, double v, char *buf, size_t size)
{
    if (c->scope == PR_SCOPE_TOTAL && pr_metric_is_estimate(c->metric_id))
        return pr_metric_human(c->metric_id, v, buf, size);
    if (v >= 1e18 || v < 0) {
        snprintf(buf, size, "%.6g", v);
        return buf;
    }
    /* digits in groups of three; one decimal when the number has a fraction */
    char digits[40];
    int n = snprintf(digits, sizeof digits, v == floor(v) ? "%.0f" : "%.1f", v), o = 0;
    int whole = v == floor(v) ? n : n - 2;
    for (int i = 0; i < n && (size_t)o + 2 < size; i++) {
        if (i && i < whole && (whole - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
    return buf;
}
