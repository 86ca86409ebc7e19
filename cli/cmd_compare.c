/* cmd_compare.c -- `priori compare A.onnx B.onnx ...`: one row per model
 * with params, MACs, FLOPs, weight bytes and peak live activation memory
 * (and with --hw ID latency, J per inference and g CO2e per million
 * inferences, all on that one hardware profile, with the profile's
 * uncertainty), each model's ratio to the first (value / first value; "-"
 * when the first is 0), and the best (smallest) value of every column
 * marked. The uncertainty is the profile's (the same for every model);
 * ratios between models on one profile are surer than the absolute values,
 * but priori does not claim a number for that.
 *
 * Per-model shapes: --input and --dim given before the first model apply
 * to every model; given after a model they apply to that model only (until
 * the next model) and win over the global ones. --format, -o and -q apply
 * to the whole run wherever they appear.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "gate.h"
#include "report.h"

const char pr_usage_compare[] =
    "usage: priori compare A.onnx B.onnx ... [options]\n"
    "\n"
    "One row per model: params, MACs, FLOPs, weight bytes, peak live activation\n"
    "memory (with --hw: latency, energy per inference, g CO2e per million\n"
    "inferences), each model's ratio to the first model, and the best\n"
    "(smallest) value of each column marked with '*'.\n"
    "\n"
    "--input and --dim before the first model apply to every model; after a\n"
    "model they apply to that model only and win over the global ones:\n"
    "  priori compare --dim batch=1 a.onnx b.onnx --dim seq=128 c.onnx --dim seq=256\n"
    "\n"
    "options:\n"
    "  --input NAME=DIMS    shape of graph input NAME (repeatable; positional as above)\n"
    "  --dim SYMBOL=N       bind a symbolic dimension (repeatable; positional as above)\n"
    "  --value NAME=V[,V..] values of a small graph input (repeatable; positional)\n"
    "  --format FORMAT      table (default), json, csv or md\n"
    "  -o, --output FILE    write the comparison to FILE instead of standard output\n"
    "  -q, --quiet          do not repeat the models' warnings on standard error\n"
    "\n"
    PR_USAGE_ENERGY
    "\n"
    "exit codes: 0 ok, 2 usage error, 3 invalid model, 4 I/O error, 5 internal error\n";

enum { MAX_MODELS = 256 };

struct compare_args {
    const char *output;
    enum pr_format format;
    bool quiet;
    int nmodels;
    const char *models[MAX_MODELS];
    struct pr_cli_shapes global, own[MAX_MODELS];
    struct pr_energy_args energy;
};

static int parse(int argc, char **argv, struct compare_args *a)
{
    int rc = pr_cli_shapes_init(&a->global, argc);
    for (int i = 0; i < argc && !rc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(pr_usage_compare, stdout);
            return -1;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
        } else if (strcmp(arg, "--input") == 0 || strcmp(arg, "--dim") == 0 || strcmp(arg, "--value") == 0 ||
                   strcmp(arg, "--format") == 0 ||
                   strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 || pr_energy_is_option(arg, false)) {
            if (i + 1 >= argc)
                return pr_cli_usage_error("compare", "option %s needs a value", arg);
            char *val = argv[++i];
            struct pr_cli_shapes *s = a->nmodels ? &a->own[a->nmodels - 1] : &a->global;
            int used = pr_cli_shapes_option(s, "compare", arg, val);
            if (!used)
                used = pr_energy_option(&a->energy, "compare", arg, val);
            if (used > 1)
                return used;
            if (used)
                continue;
            if (strcmp(arg, "--format") == 0) {
                int f;
                if (pr_cli_choice("compare", arg, val, pr_format_names, 4, &f))   /* no html */
                    return PR_EXIT_USAGE;
                a->format = (enum pr_format)f;
            } else {
                a->output = val;
            }
        } else if (arg[0] == '-' && arg[1]) {
            return pr_cli_usage_error("compare", "unknown option %s", arg);
        } else {
            if (a->nmodels >= MAX_MODELS)
                return pr_cli_usage_error("compare", "at most %d models at a time", MAX_MODELS);
            a->models[a->nmodels] = arg;
            rc = pr_cli_shapes_init(&a->own[a->nmodels++], argc + a->global.ninputs + a->global.ndims + a->global.nvalues);
        }
    }
    if (rc)
        return rc;
    if (a->nmodels < 1)
        return pr_cli_usage_error("compare", "%s", "compare needs model files, e.g. priori compare a.onnx b.onnx");
    if ((rc = pr_energy_args_check(&a->energy, "compare")) != 0)
        return rc;
    /* the global bindings follow each model's own: the first binding of a name wins */
    for (int m = 0; m < a->nmodels; m++) {
        struct pr_cli_shapes *s = &a->own[m];
        for (int i = 0; i < a->global.ninputs; i++)
            s->inputs[s->ninputs++] = a->global.inputs[i];
        for (int i = 0; i < a->global.ndims; i++)
            s->dims[s->ndims++] = a->global.dims[i];
        for (int i = 0; i < a->global.nvalues; i++)
            s->values[s->nvalues++] = a->global.values[i];
    }
    return 0;
}

struct table {
    const struct compare_args *args;
    struct pr_subject *s;
    int n;
    bool metric_on[PR_M_COUNT];   /* columns shown: static ones, estimates with --hw */
    double best[PR_M_COUNT];
    const struct pr_estimate *est;   /* the first model's estimate (profile, uncertainty); NULL without --hw */
};

/* Column title: the metric, and for estimates the profile's uncertainty. */
static const char *col_label(const struct table *t, int m, char *buf, size_t size)
{
    if (!pr_metric_is_estimate(m) || !t->est)
        snprintf(buf, size, "%s", pr_metric_label(m));
    else
        snprintf(buf, size, "%s +-%.0f%%", m == PR_M_CO2E ? "CO2e per M inf." : pr_metric_label(m),
                 t->est->uncertainty_pct);
    return buf;
}

/* "energy on PROFILE (...); CO2e at G g/kWh (source), PUE p" */
static void energy_line(FILE *f, const struct table *t, bool md)
{
    const struct pr_estimate *e = t->est;
    char d[400];
    fputs(md ? "Energy on " : "energy on ", f);
    if (md)
        pr_md_text(f, pr_estimate_describe(e, d, sizeof d), 400);
    else
        fputs(pr_estimate_describe(e, d, sizeof d), f);
    fprintf(f, "; CO2e at %.4g g/kWh (", e->g_per_kwh);
    if (md)
        pr_md_text(f, e->carbon_source ? e->carbon_source : "-", 120);
    else
        fputs(e->carbon_source ? e->carbon_source : "-", f);
    fprintf(f, "), PUE %.3g%s\n", e->pue, md ? "." : "");
}

static bool value(const struct table *t, int i, int m, double *v)
{
    return pr_subject_metric(&t->s[i], (enum pr_metric)m, v);
}

static bool is_best(const struct table *t, int i, int m)
{
    double v;
    return value(t, i, m, &v) && v == t->best[m];
}

/* "1.23x" (ratio to the first model), or "-" */
static const char *ratio(const struct table *t, int i, int m, char *buf, size_t size)
{
    double v, v0;
    if (!value(t, i, m, &v) || !value(t, 0, m, &v0) || v0 == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2fx", v / v0);
    return buf;
}

static const char *human(const struct table *t, int i, int m, char *buf, size_t size)
{
    double v;
    if (!value(t, i, m, &v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (m == PR_M_CO2E) {   /* shown per million inferences */
        snprintf(buf, size, "%.3g g/M", v * 1e6);
        return buf;
    }
    return pr_metric_human((enum pr_metric)m, v, buf, size);
}

static void notes(FILE *f, const struct table *t, const char *bullet)
{
    for (int i = 0; i < t->n; i++) {
        const struct pr_analysis *an = &t->s[i].an;
        if (!an->nunbound && !an->totals.incomplete)
            continue;
        fprintf(f, "%s%d ", bullet, i);
        if (bullet[0] == '-')
            pr_md_text(f, t->s[i].path, 200);
        else {
            char *p = pr_text_clean(t->s[i].path, 200);
            fputs(p ? p : "?", f);
            free(p);
        }
        fputs(":", f);
        for (int k = 0; k < an->nunbound; k++) {
            char *sym = pr_text_clean(an->unbound[k], 80);
            fprintf(f, " symbol '%s' unbound, taken as 1 (bind it with --dim %s=N);", sym ? sym : "?", sym ? sym : "?");
            free(sym);
        }
        if (an->totals.incomplete)
            fputs(" some layers are unsupported or have unknown shapes: the totals are lower bounds", f);
        fputc('\n', f);
    }
}

static bool last_col(const struct table *t, int m)
{
    for (int k = m + 1; k < PR_M_COUNT; k++)
        if (t->metric_on[k])
            return false;
    return true;
}

/* GPU (roofline) profiles: the models ranked by estimated energy per sample
 * (a call is a whole batch, and the models may be bound to other batches). */
static void rank_by_energy(FILE *f, const struct table *t)
{
    int order[MAX_MODELS], n = 0;
    double per[MAX_MODELS];
    for (int i = 0; i < t->n && n < MAX_MODELS; i++) {
        const struct pr_estimate *e = &t->s[i].est;
        if (!e->profile)
            continue;
        per[i] = e->energy_j / (e->samples > 0 ? e->samples : 1);
        int k = n++;
        for (; k > 0 && per[order[k - 1]] > per[i]; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    fputs("\nranked by estimated energy per sample (lowest first)\n", f);
    for (int k = 0; k < n; k++) {
        const struct pr_estimate *e = &t->s[order[k]].est;
        char *p = pr_text_clean(t->s[order[k]].path, 60);
        fprintf(f, "  %d. %-60s %10.4g mJ/sample (batch %.0f; +-%.0f%%)\n", k + 1, p ? p : "?",
                1e3 * per[order[k]], e->samples, e->uncertainty_pct);
        free(p);
    }
}

static int render_table(const struct table *t, FILE *f)
{
    char cell[80];
    int wmodel = 5, w[PR_M_COUNT] = {0};
    for (int i = 0; i < t->n; i++) {
        int len = (int)strlen(t->s[i].path);
        wmodel = len > wmodel ? len : wmodel;
    }
    wmodel = wmodel > 48 ? 48 : wmodel;
    for (int m = 0; m < PR_M_COUNT; m++) {
        char lab[64];
        w[m] = (int)strlen(col_label(t, m, lab, sizeof lab));
        for (int i = 0; t->metric_on[m] && i < t->n; i++) {
            char h[32], r[32];
            int len = snprintf(cell, sizeof cell, "%s (%s)%s", human(t, i, m, h, sizeof h),
                               ratio(t, i, m, r, sizeof r), is_best(t, i, m) ? " *" : "");
            w[m] = len > w[m] ? len : w[m];
        }
    }
    fprintf(f, "priori compare: %d model%s; ratio to model 0, * best (smallest) in its column\n", t->n,
            t->n == 1 ? "" : "s");
    if (t->est)
        energy_line(f, t, false);
    fprintf(f, "\n%3s  %-*s", "#", wmodel, "model");
    for (int m = 0; m < PR_M_COUNT; m++) {
        char lab[64];
        if (t->metric_on[m])
            fprintf(f, "  %-*s", last_col(t, m) ? 0 : w[m], col_label(t, m, lab, sizeof lab));
    }
    fputc('\n', f);
    for (int i = 0; i < t->n; i++) {
        char *p = pr_text_clean(t->s[i].path, 45);
        fprintf(f, "%3d  %-*s", i, wmodel, p ? p : "?");
        free(p);
        for (int m = 0; m < PR_M_COUNT; m++) {
            if (!t->metric_on[m])
                continue;
            char h[32], r[32], c[80];
            snprintf(c, sizeof c, "%s (%s)%s", human(t, i, m, h, sizeof h), ratio(t, i, m, r, sizeof r),
                     is_best(t, i, m) ? " *" : "");
            fprintf(f, "  %-*s", last_col(t, m) ? 0 : w[m], c);
        }
        fputc('\n', f);
    }
    if (t->est && t->est->roofline)
        rank_by_energy(f, t);
    bool any = false;
    for (int i = 0; i < t->n; i++)
        any |= t->s[i].an.nunbound || t->s[i].an.totals.incomplete;
    if (any) {
        fputs("\nnotes\n", f);
        notes(f, t, "  ");
    }
    return ferror(f) ? -1 : 0;
}

static int render_md(const struct table *t, FILE *f)
{
    fprintf(f, "### priori compare: %d model%s\n\nRatio to the first model; **bold** is the best (smallest) "
            "value of its column.\n", t->n, t->n == 1 ? "" : "s");
    if (t->est) {
        fputc('\n', f);
        energy_line(f, t, true);
    }
    fputs("\n| # | model |", f);
    for (int m = 0; m < PR_M_COUNT; m++) {
        char lab[64];
        if (t->metric_on[m])
            fprintf(f, " %s |", col_label(t, m, lab, sizeof lab));
    }
    fputs("\n|---:|---|", f);
    for (int m = 0; m < PR_M_COUNT; m++)
        if (t->metric_on[m])
            fputs("---:|", f);
    fputc('\n', f);
    for (int i = 0; i < t->n; i++) {
        fprintf(f, "| %d | ", i);
        pr_md_text(f, t->s[i].path, 200);
        fputs(" |", f);
        for (int m = 0; m < PR_M_COUNT; m++) {
            if (!t->metric_on[m])
                continue;
            char h[32], r[32];
            bool b = is_best(t, i, m);
            fprintf(f, " %s%s%s (%s) |", b ? "**" : "", human(t, i, m, h, sizeof h), b ? "**" : "",
                    ratio(t, i, m, r, sizeof r));
        }
        fputc('\n', f);
    }
    bool any = false;
    for (int i = 0; i < t->n; i++)
        any |= t->s[i].an.nunbound || t->s[i].an.totals.incomplete;
    if (any) {
        fputs("\nNotes:\n\n", f);
        notes(f, t, "- model ");
    }
    return ferror(f) ? -1 : 0;
}

static void csv_value(FILE *f, const struct table *t, int i, int m)
{
    double v;
    if (!value(t, i, m, &v))
        return;
    if (pr_metric_is_estimate(m))
        fprintf(f, "%.6g", v);
    else
        fprintf(f, "%llu", (unsigned long long)pr_subject_count(&t->s[i], m));
}

static int render_csv(const struct table *t, FILE *f)
{
    fputs("index,model", f);
    for (int m = 0; m < PR_M_COUNT; m++)
        if (t->metric_on[m])
            fprintf(f, ",%s", pr_metric_name(m));
    for (int m = 0; m < PR_M_COUNT; m++)
        if (t->metric_on[m])
            fprintf(f, ",ratio_%s", pr_metric_name(m));
    fputs(t->est ? ",best,complete,uncertainty_pct,profile\n" : ",best,complete\n", f);
    for (int i = 0; i < t->n; i++) {
        fprintf(f, "%d,", i);
        pr_csv_field(f, t->s[i].path);
        for (int m = 0; m < PR_M_COUNT; m++)
            if (t->metric_on[m]) {
                fputc(',', f);
                csv_value(f, t, i, m);
            }
        for (int m = 0; m < PR_M_COUNT; m++) {
            double v, v0;
            if (!t->metric_on[m])
                continue;
            fputc(',', f);
            if (value(t, i, m, &v) && value(t, 0, m, &v0) && v0 != 0)
                fprintf(f, "%.6g", v / v0);
        }
        fputc(',', f);
        for (int m = 0, k = 0; m < PR_M_COUNT; m++)
            if (t->metric_on[m] && is_best(t, i, m))
                fprintf(f, "%s%s", k++ ? ";" : "", pr_metric_name(m));
        fprintf(f, ",%s", t->s[i].an.totals.incomplete ? "false" : "true");
        if (t->est) {
            fprintf(f, ",%.6g,", t->est->uncertainty_pct);
            pr_csv_field(f, t->est->profile->id);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static cJSON *jstr(const char *s)
{
    char *c = pr_text_clean(s, 4096);
    cJSON *item = cJSON_CreateString(c ? c : "?");
    free(c);
    return item;
}

static cJSON *model_json(const struct table *t, int i)
{
    const struct pr_subject *s = &t->s[i];
    const struct pr_graph *g = &s->model.graph;
    cJSON *o = cJSON_CreateObject(), *tot = cJSON_CreateObject(), *rat = cJSON_CreateObject();
    cJSON *best = cJSON_CreateArray(), *inputs = cJSON_CreateArray(), *unbound = cJSON_CreateArray();
    if (!o || !tot || !rat || !best || !inputs || !unbound) {
        cJSON_Delete(o), cJSON_Delete(tot), cJSON_Delete(rat), cJSON_Delete(best), cJSON_Delete(inputs);
        cJSON_Delete(unbound);
        return NULL;
    }
    cJSON_AddItemToObject(o, "index", cJSON_CreateNumber(i));
    cJSON_AddItemToObject(o, "path", jstr(s->path));
    for (int k = 0; k < g->ninputs; k++) {
        const struct pr_value *v = &g->values[g->inputs[k]];
        char sh[256];
        cJSON *in = cJSON_CreateObject();
        cJSON_AddItemToObject(in, "name", jstr(v->name));
        cJSON_AddItemToObject(in, "shape", jstr(pr_shape_str(&v->t.shape, sh, sizeof sh)));
        cJSON_AddItemToArray(inputs, in);
    }
    cJSON_AddItemToObject(o, "inputs", inputs);
    for (int m = 0; m < PR_M_COUNT; m++) {
        double v, v0;
        if (!t->metric_on[m])
            continue;
        char text[40];
        if (!value(t, i, m, &v))
            cJSON_AddItemToObject(tot, pr_metric_name(m), cJSON_CreateNull());
        else if (pr_metric_is_estimate(m))
            cJSON_AddItemToObject(tot, pr_metric_name(m), cJSON_CreateNumber(v));
        else {
            snprintf(text, sizeof text, "%llu", (unsigned long long)pr_subject_count(s, m));
            cJSON_AddItemToObject(tot, pr_metric_name(m), cJSON_CreateRaw(text));
        }
        if (value(t, i, m, &v) && value(t, 0, m, &v0) && v0 != 0)
            cJSON_AddItemToObject(rat, pr_metric_name(m), cJSON_CreateNumber(v / v0));
        else
            cJSON_AddItemToObject(rat, pr_metric_name(m), cJSON_CreateNull());
        if (is_best(t, i, m))
            cJSON_AddItemToArray(best, cJSON_CreateString(pr_metric_name(m)));
    }
    if (s->est.profile)
        cJSON_AddItemToObject(tot, "co2e_g_per_million", cJSON_CreateNumber(s->est.co2e_g_per_million));
    cJSON_AddItemToObject(o, "totals", tot);
    cJSON_AddItemToObject(o, "ratio_to_first", rat);
    cJSON_AddItemToObject(o, "best", best);
    cJSON_AddItemToObject(o, "complete", cJSON_CreateBool(!s->an.totals.incomplete));
    for (int k = 0; k < s->an.nunbound; k++)
        cJSON_AddItemToArray(unbound, jstr(s->an.unbound[k]));
    cJSON_AddItemToObject(o, "unbound_symbols", unbound);
    return o;
}

/* What every model's estimate shares: the profile, its uncertainty and the carbon settings. */
static cJSON *energy_json(const struct pr_estimate *e)
{
    const struct pr_profile *p = e->profile;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "profile", jstr(p->id));
    cJSON_AddItemToObject(o, "hardware", jstr(p->hardware ? p->hardware : ""));
    cJSON_AddItemToObject(o, "method", cJSON_CreateString(pr_method_name[e->method]));
    cJSON_AddItemToObject(o, "uncertainty_pct", cJSON_CreateNumber(e->uncertainty_pct));
    cJSON_AddItemToObject(o, "uncertainty_p90_pct", e->uncertainty_p90_pct >= 0 ?
                          cJSON_CreateNumber(e->uncertainty_p90_pct) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "pue", cJSON_CreateNumber(e->pue));
    cJSON_AddItemToObject(o, "g_co2e_per_kwh", cJSON_CreateNumber(e->g_per_kwh));
    cJSON_AddItemToObject(o, "carbon_source", jstr(e->carbon_source ? e->carbon_source : ""));
    return o;
}

static int render_json(const struct table *t, FILE *f)
{
    cJSON *root = cJSON_CreateObject(), *models = cJSON_CreateArray();
    bool ok = root && models;
    if (ok) {
        cJSON_AddItemToObject(root, "schema", cJSON_CreateString("priori.compare/1"));
        cJSON_AddItemToObject(root, "priori_version", cJSON_CreateString(PRIORI_VERSION));
        if (t->est)   /* like analyze's report: present only with --hw */
            cJSON_AddItemToObject(root, "energy", energy_json(t->est));
        for (int i = 0; i < t->n && ok; i++) {
            cJSON *o = model_json(t, i);
            ok = o != NULL;
            cJSON_AddItemToArray(models, o);
        }
        cJSON_AddItemToObject(root, "models", models);
        models = NULL;
    }
    cJSON_Delete(models);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return pr_json_print(root, f);
}

static int render(const void *ctx, FILE *f)
{
    const struct table *t = ctx;
    switch (t->args->format) {
    case PR_FORMAT_JSON: return render_json(t, f);
    case PR_FORMAT_CSV: return render_csv(t, f);
    case PR_FORMAT_MD: return render_md(t, f);
    default: return render_table(t, f);
    }
}

int pr_cmd_compare(int argc, char **argv)
{
    struct compare_args *args = calloc(1, sizeof *args);
    struct pr_subject *subjects = calloc(MAX_MODELS, sizeof *subjects);
    struct pr_hw hw = {0};
    int rc = PR_EXIT_INTERNAL;
    if (!args || !subjects) {
        fprintf(stderr, "priori: out of memory\n");
        goto out;
    }
    args->format = PR_FORMAT_TABLE;
    rc = parse(argc, argv, args);
    if (rc != 0) {
        rc = rc < 0 ? PR_EXIT_OK : rc;
        goto out;
    }
    if ((rc = pr_cli_output_guard(args->output, args->models, args->nmodels,
                                  args->energy.hw ? (args->energy.db ? args->energy.db : pr_db_default_dir())
                                                  : NULL)) != 0 ||
        (rc = pr_hw_open(&hw, &args->energy)) != 0)
        goto out;
    struct table t = {.args = args, .s = subjects};
    for (int i = 0; i < args->nmodels; i++) {
        rc = pr_subject_open(&subjects[i], args->models[i], &args->own[i], 10, args->quiet);
        t.n = i + 1;
        if (rc || (rc = pr_subject_estimate(&subjects[i], &hw)) != 0)
            goto out;
    }
    t.est = hw.profile ? &subjects[0].est : NULL;
    for (int m = 0; m < PR_M_COUNT; m++) {
        t.metric_on[m] = !pr_metric_is_estimate(m);
        bool first = true;
        for (int i = 0; i < t.n; i++) {
            double v;
            if (!pr_subject_metric(&subjects[i], m, &v))
                continue;
            t.metric_on[m] = true;
            if (first || v < t.best[m])
                t.best[m] = v;
            first = false;
        }
    }
    rc = pr_cli_write(args->output, render, &t);
out:
    if (subjects)
        for (int i = 0; i < MAX_MODELS; i++)
            pr_subject_close(&subjects[i]);
    if (args) {
        pr_cli_shapes_free(&args->global);
        for (int i = 0; i < args->nmodels; i++)
            pr_cli_shapes_free(&args->own[i]);
    }
    pr_hw_close(&hw);
    free(args);
    free(subjects);
    return rc;
}
