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

void pr_compare_prepare(struct pr_compare *t, const struct pr_subject *s, int n, enum pr_format format)
{
    memset(t, 0, sizeof *t);
    t->format = format;
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

static cJSON *model_json(struct pr_jb *b, const struct pr_compare *t, int i)
{
    const struct pr_subject *s = &t->s[i];
    const struct pr_graph *g = &s->model.graph;
    cJSON *o = pr_jb_check(b, cJSON_CreateObject()), *tot = pr_jb_check(b, cJSON_CreateObject());
    cJSON *rat = pr_jb_check(b, cJSON_CreateObject()), *best = pr_jb_check(b, cJSON_CreateArray());
    cJSON *inputs = pr_jb_check(b, cJSON_CreateArray()), *unbound = pr_jb_check(b, cJSON_CreateArray());
    pr_jb_add(b, o, "index", pr_jb_num(b, i));
    pr_jb_add(b, o, "path", pr_jb_str(b, s->path));
    for (int k = 0; k < g->ninputs; k++) {
        const struct pr_value *v = &g->values[g->inputs[k]];
        char sh[256];
        cJSON *in = pr_jb_check(b, cJSON_CreateObject());
        pr_jb_add(b, in, "name", pr_jb_str(b, v->name));
        pr_jb_add(b, in, "shape", pr_jb_str(b, pr_shape_str(&v->t.shape, sh, sizeof sh)));
        pr_jb_add(b, inputs, NULL, in);
    }
    pr_jb_add(b, o, "inputs", inputs);
    for (int m = 0; m < PR_M_COUNT; m++) {
        double v, v0;
        if (!t->metric_on[m])
            continue;
        if (!value(t, i, m, &v))
            pr_jb_add(b, tot, pr_metric_name(m), cJSON_CreateNull());
        else if (pr_metric_is_estimate(m))
            pr_jb_add(b, tot, pr_metric_name(m), pr_jb_num(b, v));
        else
            pr_jb_add(b, tot, pr_metric_name(m), pr_jb_u64(b, pr_subject_count(s, m)));
        bool has_ratio = value(t, i, m, &v) && value(t, 0, m, &v0) && v0 != 0;
        pr_jb_add(b, rat, pr_metric_name(m), has_ratio ? pr_jb_num(b, v / v0) : cJSON_CreateNull());
        if (is_best(t, i, m))
            pr_jb_add(b, best, NULL, pr_jb_str(b, pr_metric_name(m)));
    }
    if (s->est.profile)
        pr_jb_add(b, tot, "co2e_g_per_million", pr_jb_num(b, s->est.co2e_g_per_million));
    pr_jb_add(b, o, "totals", tot);
    pr_jb_add(b, o, "ratio_to_first", rat);
    pr_jb_add(b, o, "best", best);
    pr_jb_add(b, o, "complete", cJSON_CreateBool(!s->an.totals.incomplete));
    for (int k = 0; k < s->an.nunbound; k++)
        pr_jb_add(b, unbound, NULL, pr_jb_str(b, s->an.unbound[k]));
    pr_jb_add(b, o, "unbound_symbols", unbound);
    return o;
}

cJSON *pr_review_energy_json(struct pr_jb *b, const struct pr_estimate *e)
{
    const struct pr_profile *p = e->profile;
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, o, "profile", pr_jb_str(b, p->id));
    pr_jb_add(b, o, "hardware", pr_jb_str(b, p->hardware ? p->hardware : ""));
    pr_jb_add(b, o, "method", pr_jb_str(b, pr_method_name[e->method]));
    pr_jb_add(b, o, "uncertainty_pct", pr_jb_num(b, e->uncertainty_pct));
    pr_jb_add(b, o, "uncertainty_p90_pct",
              e->uncertainty_p90_pct >= 0 ? pr_jb_num(b, e->uncertainty_p90_pct) : cJSON_CreateNull());
    pr_jb_add(b, o, "pue", pr_jb_num(b, e->pue));
    pr_jb_add(b, o, "g_co2e_per_kwh", pr_jb_num(b, e->g_per_kwh));
    pr_jb_add(b, o, "carbon_source", pr_jb_str(b, e->carbon_source ? e->carbon_source : ""));
    return o;
}

static int render_json(const struct pr_compare *t, FILE *f)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_check(&b, cJSON_CreateObject()), *models = pr_jb_check(&b, cJSON_CreateArray());
    pr_jb_add(&b, root, "schema", pr_jb_str(&b, "priori.compare/1"));
    pr_jb_add(&b, root, "priori_version", pr_jb_str(&b, PRIORI_VERSION));
    if (t->est)   /* like analyze's report: present only with --hw */
        pr_jb_add(&b, root, "energy", pr_review_energy_json(&b, t->est));
    for (int i = 0; i < t->n && !b.failed; i++)
        pr_jb_add(&b, models, NULL, model_json(&b, t, i));
    pr_jb_add(&b, root, "models", models);
    return pr_jb_print(&b, root, f);
}

int pr_report_compare(const void *compare, FILE *f)
{
    const struct pr_compare *t = compare;
    switch (t->format) {
    case PR_FORMAT_JSON: return render_json(t, f);
    case PR_FORMAT_CSV: return render_csv(t, f);
    case PR_FORMAT_MD: return render_md(t, f);
    default: return render_table(t, f);
    }
}

