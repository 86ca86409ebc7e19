/* report_compare.c -- the renderers of `priori compare` (report_review.h):
 * one row per model with params, MACs, FLOPs, weight bytes and peak live
 * activation memory (and with an estimate latency, J per inference and g
 * CO2e per million inferences, all on one hardware profile, with the
 * profile's uncertainty), each model's ratio to the first (value / first
 * value; "-" when the first is 0), and the best (smallest) value of every
 * column marked; as a table, Markdown, CSV or JSON (schema
 * "priori.compare/1"). The uncertainty is the profile's (the same for every
 * model); ratios between models on one profile are surer than the absolute
 * values, but priori does not claim a number for that.
 */
#include "report_review.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

void pr_compare_prepare(struct pr_compare *t, const struct pr_subject *s, int n)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    t->n = n;
    t->est = n && s[0].est.profile ? &s[0].est : NULL;
    for (int m = 0; m < PR_M_COUNT; m++) {
        t->metric_on[m] = !pr_metric_is_estimate(m);
        bool first = true;
        for (int i = 0; i < n; i++) {
            double v;
            if (!pr_subject_metric(&s[i], m, &v))
                continue;
            t->metric_on[m] = true;
            if (first || v < t->best[m])
                t->best[m] = v;
            first = false;
        }
    }
}

/* Column title: the metric, and for estimates the profile's uncertainty. */
static const char *col_label(const struct pr_compare *t, int m, char *buf, size_t size)
{
    if (!pr_metric_is_estimate(m) || !t->est)
        snprintf(buf, size, "%s", pr_metric_label(m));
    else
        snprintf(buf, size, "%s +-%.0f%%", m == PR_M_CO2E ? "CO2e per M inf." : pr_metric_label(m),
                 t->est->uncertainty_pct);
    return buf;
}

/* "energy on PROFILE (...); CO2e at G g/kWh (source), PUE p" */
static void energy_line(FILE *f, const struct pr_compare *t, bool md)
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

static bool value(const struct pr_compare *t, int i, int m, double *v)
{
    return pr_subject_metric(&t->s[i], (enum pr_metric)m, v);
}

static bool is_best(const struct pr_compare *t, int i, int m)
{
    double v;
    return value(t, i, m, &v) && v == t->best[m];
}

/* "1.23x" (ratio to the first model), or "-" */
static const char *ratio(const struct pr_compare *t, int i, int m, char *buf, size_t size)
{
    double v, v0;
    if (!value(t, i, m, &v) || !value(t, 0, m, &v0) || v0 == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2fx", v / v0);
    return buf;
}

static const char *human(const struct pr_compare *t, int i, int m, char *buf, size_t size)
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

static void notes(FILE *f, const struct pr_compare *t, const char *bullet)
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

static bool last_col(const struct pr_compare *t, int m)
{
    for (int k = m + 1; k < PR_M_COUNT; k++)
        if (t->metric_on[k])
            return false;
    return true;
}

/* GPU (roofline) profiles: the models ranked by estimated energy per sample
 * (a call is a whole batch, and the models may be bound to other batches). */
static void rank_by_energy(FILE *f, const struct pr_compare *t)
{
    int *order = malloc((size_t)t->n * sizeof *order), n = 0;
    double *per = malloc((size_t)t->n * sizeof *per);
    if (!order || !per) {
        free(order);
        free(per);
        return;
    }
    for (int i = 0; i < t->n; i++) {
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
    free(order);
    free(per);
}

/* The models' paths shortened to width (pr_labels_shorten), cleaned for a
 * terminal; NULL out of memory. */
static char **model_labels(const struct pr_compare *t, size_t width)
{
    const char **paths = malloc(((size_t)t->n + 1) * sizeof *paths);
    char **label = NULL;
    if (paths) {
        for (int i = 0; i < t->n; i++)
            paths[i] = t->s[i].path;
        label = pr_labels_shorten(paths, t->n, width);
    }
    free(paths);
    for (int i = 0; label && i < t->n; i++) {
        char *clean = pr_text_clean(label[i], 4 * width);
        if (!clean) {
            pr_labels_free(label, t->n);
            return NULL;
        }
        free(label[i]);
        label[i] = clean;
    }
    return label;
}

static int render_table(const struct pr_compare *t, FILE *f)
{
    char cell[80];
    int wmodel = 5, w[PR_M_COUNT] = {0};
    char **label = model_labels(t, 48);
    if (!label)
        return -1;
    for (int i = 0; i < t->n; i++) {
        int len = (int)strlen(label[i]);
        wmodel = len > wmodel ? len : wmodel;
    }
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
        fprintf(f, "%3d  %-*s", i, wmodel, label[i]);
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
    pr_labels_free(label, t->n);
    return ferror(f) ? -1 : 0;
}

static int render_md(const struct pr_compare *t, FILE *f)
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

static void csv_value(FILE *f, const struct pr_compare *t, int i, int m)
{
    double v;
    if (!value(t, i, m, &v))
        return;
    if (pr_metric_is_estimate(m))
        fprintf(f, "%.6g", v);
    else
        fprintf(f, "%llu", (unsigned long long)pr_subject_count(&t->s[i], m));
}

static int render_csv(const struct pr_compare *t, FILE *f)
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

static cJSON *model_json(const struct pr_compare *t, int i)
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

static int render_json(const struct pr_compare *t, FILE *f)
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

int pr_report_compare(const struct pr_compare *t, enum pr_format format, FILE *f)
{
    switch (format) {
    case PR_FORMAT_JSON: return render_json(t, f);
    case PR_FORMAT_CSV: return render_csv(t, f);
    case PR_FORMAT_MD: return render_md(t, f);
    default: return render_table(t, f);
    }
}

