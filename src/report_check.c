/* report_check.c -- the renderers of `priori check` (report_review.h): one
 * line per limit (table), JSON (schema "priori.check/1"), CSV, Markdown,
 * or GitHub Actions workflow commands (::error:: per breach, ::warning::
 * per limit past the budget's warn_fraction and for incomplete totals).
 * GitHub escapes: % -> %25, CR -> %0D, LF -> %0A in messages, and also
 * : -> %3A, , -> %2C in properties. With an estimate every output names the
 * profile and its uncertainty.
 */
#include "report_review.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *status_word(enum pr_check_status st)
{
    return st == PR_CHECK_BREACH ? "breach" : st == PR_CHECK_NEAR ? "near" : "ok";
}

static const char *scope_word(enum pr_scope sc)
{
    return sc == PR_SCOPE_LAYER ? "layer" : sc == PR_SCOPE_OP_TYPE ? "op_type" : "total";
}

/* "1,701,888 > 1,000,000 (170.2% of the limit; budget.json $.totals.macs)" */
static void explain(FILE *f, const struct pr_check_view *r, const struct pr_check *c)
{
    char v[48], l[48], b[48];
    fprintf(f, "%s %s %s", pr_check_number(c, c->value, v, sizeof v), c->status == PR_CHECK_BREACH ? ">" : "<=",
            pr_check_number(c, c->limit, l, sizeof l));
    if (c->limit > 0)
        fprintf(f, " (%.1f%% of the limit", 100.0 * c->value / c->limit);
    else
        fprintf(f, " (limit 0");
    char *file;
    if (c->baseline >= 0) {
        file = pr_text_clean(r->baseline, 200);
        fprintf(f, "; baseline %s + %g%% in %s)", pr_check_number(c, c->baseline, b, sizeof b), c->growth_pct,
                file ? file : "?");
    } else {
        file = pr_text_clean(r->budget, 200);
        fprintf(f, "; %s %s)", file ? file : "?", c->path);
    }
    free(file);
}

static void headline(FILE *f, const struct pr_check_view *r)
{
    char *model = pr_text_clean(r->s->path, 200);
    if (r->g->nbreaches)
        fprintf(f, "priori check %s: FAILED, %d of %d limit%s breached", model ? model : "?", r->g->nbreaches,
                r->g->nchecks, r->g->nchecks == 1 ? "" : "s");
    else
        fprintf(f, "priori check %s: passed, %d limit%s held", model ? model : "?", r->g->nchecks,
                r->g->nchecks == 1 ? "" : "s");
    free(model);
}

static int render_table(const struct pr_check_view *r, FILE *f)
{
    headline(f, r);
    fputc('\n', f);
    for (int i = 0; i < r->g->nchecks; i++) {
        const struct pr_check *c = &r->g->checks[i];
        char label[200];
        fprintf(f, "  %-6s  %s: ", c->status == PR_CHECK_BREACH ? "BREACH" : c->status == PR_CHECK_NEAR ? "near" : "ok",
                pr_check_label(c, label, sizeof label));
        explain(f, r, c);
        fputc('\n', f);
    }
    if (r->s->an.totals.incomplete)
        fputs("  note: some layers are unsupported or have unknown shapes; the totals are lower bounds\n", f);
    if (r->s->est.profile) {
        char d[400];
        fprintf(f, "  energy on %s\n", pr_estimate_describe(&r->s->est, d, sizeof d));
    }
    return ferror(f) ? -1 : 0;
}

static void csv_number(FILE *f, double v)
{
    if (v < 0)
        return;
    if (v == (double)(uint64_t)v && v < 1.8e19)
        fprintf(f, "%llu", (unsigned long long)v);
    else
        fprintf(f, "%.15g", v);
}

static int render_csv(const struct pr_check_view *r, FILE *f)
{
    fputs("status,scope,target,metric,value,limit,baseline,max_growth_pct,source,path\n", f);
    for (int i = 0; i < r->g->nchecks; i++) {
        const struct pr_check *c = &r->g->checks[i];
        fprintf(f, "%s,%s,", status_word(c->status), scope_word(c->scope));
        pr_csv_field(f, c->target ? c->target : "");
        fprintf(f, ",%s,", c->metric);
        csv_number(f, c->value);
        fputc(',', f);
        csv_number(f, c->limit);
        fputc(',', f);
        csv_number(f, c->baseline);
        fputc(',', f);
        csv_number(f, c->growth_pct);
        fputc(',', f);
        pr_csv_field(f, c->baseline >= 0 ? r->baseline : r->budget);
        fputc(',', f);
        pr_csv_field(f, c->path ? c->path : "");
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static int render_md(const struct pr_check_view *r, FILE *f)
{
    fprintf(f, "### priori check: %s\n\n", r->g->nbreaches ? "❌ failed" : "✅ passed");
    fputs("Model ", f);
    pr_md_text(f, r->s->path, 200);
    fprintf(f, ": %d of %d limit%s breached.\n\n", r->g->nbreaches, r->g->nchecks, r->g->nchecks == 1 ? "" : "s");
    fputs("| status | limit on | value | limit | of limit | from |\n|---|---|---:|---:|---:|---|\n", f);
    for (int i = 0; i < r->g->nchecks; i++) {
        const struct pr_check *c = &r->g->checks[i];
        char label[200], v[48], l[48], b[48];
        fprintf(f, "| %s | ", c->status == PR_CHECK_BREACH ? "❌ **breach**" : c->status == PR_CHECK_NEAR ? "⚠️ near" : "✅ ok");
        pr_md_text(f, pr_check_label(c, label, sizeof label), 200);
        fprintf(f, " | %s | %s | ", pr_check_number(c, c->value, v, sizeof v), pr_check_number(c, c->limit, l, sizeof l));
        if (c->limit > 0)
            fprintf(f, "%.1f%%", 100.0 * c->value / c->limit);
        else
            fputs("-", f);
        fputs(" | ", f);
        if (c->baseline >= 0) {
            fprintf(f, "baseline %s + %g%%", pr_check_number(c, c->baseline, b, sizeof b), c->growth_pct);
        } else {
            pr_md_text(f, r->budget, 200);
            fputc(' ', f);
            pr_md_text(f, c->path, 300);
        }
        fputs(" |\n", f);
    }
    if (r->s->an.totals.incomplete)
        fputs("\n> Some layers are unsupported or have unknown shapes: the totals are lower bounds.\n", f);
    if (r->s->est.profile) {
        char d[400];
        fputs("\nEnergy on ", f);
        pr_md_text(f, pr_estimate_describe(&r->s->est, d, sizeof d), 400);
        fputs(".\n", f);
    }
    return ferror(f) ? -1 : 0;
}

/* Writes s with GitHub's workflow-command escapes (props: property value). */
static void gh_escape(FILE *f, const char *s, bool props)
{
    char *clean = pr_text_clean(s, 1000);
    for (const char *p = clean ? clean : "?"; *p; p++) {
        if (*p == '%')
            fputs("%25", f);
        else if (*p == '\r')
            fputs("%0D", f);
        else if (*p == '\n')
            fputs("%0A", f);
        else if (props && *p == ':')
            fputs("%3A", f);
        else if (props && *p == ',')
            fputs("%2C", f);
        else
            fputc(*p, f);
    }
    free(clean);
}

static int render_github(const struct pr_check_view *r, FILE *f)
{
    for (int i = 0; i < r->g->nchecks; i++) {
        const struct pr_check *c = &r->g->checks[i];
        if (c->status == PR_CHECK_OK)
            continue;
        char label[200], line[1200];
        fprintf(f, "::%s file=", c->status == PR_CHECK_BREACH ? "error" : "warning");
        gh_escape(f, c->baseline >= 0 ? r->baseline : r->budget, true);
        fputs(",title=", f);
        snprintf(line, sizeof line, "priori check: %s %s", pr_check_label(c, label, sizeof label),
                 c->status == PR_CHECK_BREACH ? "over its limit" : "near its limit");
        gh_escape(f, line, true);
        fputs("::", f);
        /* message: the same sentence as the table's line */
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m) {
            fprintf(m, "%s: ", label);
            explain(m, r, c);
            fclose(m);
            gh_escape(f, buf, false);
        }
        free(buf);
        fputc('\n', f);
    }
    if (r->s->an.totals.incomplete) {
        fputs("::warning file=", f);
        gh_escape(f, r->s->path, true);
        fputs("::some layers are unsupported or have unknown shapes; the totals checked are lower bounds\n", f);
    }
    headline(f, r);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

static cJSON *num(double v)
{
    char text[40];
    if (v == (double)(uint64_t)v && v < 1.8e19)
        snprintf(text, sizeof text, "%llu", (unsigned long long)v);
    else
        snprintf(text, sizeof text, "%.15g", v);
    return cJSON_CreateRaw(text);
}

static cJSON *clean_string(const char *s)
{
    char *c = pr_text_clean(s, 4096);
    cJSON *item = cJSON_CreateString(c ? c : "?");
    free(c);
    return item;
}

/* The profile the estimate metrics were checked on, and its uncertainty. */
static cJSON *energy_json(const struct pr_estimate *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "profile", clean_string(e->profile->id));
    cJSON_AddItemToObject(o, "method", cJSON_CreateString(pr_method_name[e->method]));
    cJSON_AddItemToObject(o, "uncertainty_pct", cJSON_CreateNumber(e->uncertainty_pct));
    cJSON_AddItemToObject(o, "uncertainty_p90_pct", e->uncertainty_p90_pct >= 0 ?
                          cJSON_CreateNumber(e->uncertainty_p90_pct) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "pue", cJSON_CreateNumber(e->pue));
    cJSON_AddItemToObject(o, "g_co2e_per_kwh", cJSON_CreateNumber(e->g_per_kwh));
    return o;
}

static int render_json(const struct pr_check_view *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject(), *checks = cJSON_CreateArray();
    bool ok = root && checks;
    if (ok) {
        cJSON_AddItemToObject(root, "schema", cJSON_CreateString("priori.check/1"));
        cJSON_AddItemToObject(root, "model", clean_string(r->s->path));
        cJSON_AddItemToObject(root, "budget", r->budget ? clean_string(r->budget) : cJSON_CreateNull());
        cJSON_AddItemToObject(root, "baseline", r->baseline ? clean_string(r->baseline) : cJSON_CreateNull());
        cJSON_AddItemToObject(root, "passed", cJSON_CreateBool(r->g->nbreaches == 0));
        cJSON_AddItemToObject(root, "breaches", num(r->g->nbreaches));
        cJSON_AddItemToObject(root, "near", num(r->g->nnear));
        cJSON_AddItemToObject(root, "complete", cJSON_CreateBool(!r->s->an.totals.incomplete));
        if (r->s->est.profile)   /* like analyze's report: present only with --hw */
            cJSON_AddItemToObject(root, "energy", energy_json(&r->s->est));
        for (int i = 0; i < r->g->nchecks; i++) {
            const struct pr_check *c = &r->g->checks[i];
            cJSON *o = cJSON_CreateObject();
            if (!o) {
                ok = false;
                break;
            }
            cJSON_AddItemToArray(checks, o);
            cJSON_AddItemToObject(o, "status", cJSON_CreateString(status_word(c->status)));
            cJSON_AddItemToObject(o, "scope", cJSON_CreateString(scope_word(c->scope)));
            cJSON_AddItemToObject(o, "target", c->target ? clean_string(c->target) : cJSON_CreateNull());
            cJSON_AddItemToObject(o, "metric", cJSON_CreateString(c->metric));
            cJSON_AddItemToObject(o, "value", num(c->value));
            cJSON_AddItemToObject(o, "limit", num(c->limit));
            cJSON_AddItemToObject(o, "source", cJSON_CreateString(c->source));
            cJSON_AddItemToObject(o, "path", c->path ? clean_string(c->path) : cJSON_CreateNull());
            cJSON_AddItemToObject(o, "baseline", c->baseline >= 0 ? num(c->baseline) : cJSON_CreateNull());
            cJSON_AddItemToObject(o, "max_growth_pct", c->growth_pct >= 0 ? num(c->growth_pct) : cJSON_CreateNull());
        }
        cJSON_AddItemToObject(root, "checks", checks);
        checks = NULL;
    }
    cJSON_Delete(checks);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return pr_json_print(root, f);
}

int pr_report_check(const struct pr_check_view *r, enum pr_format format, FILE *f)
{
    switch (format) {
    case PR_FORMAT_JSON: return render_json(r, f);
    case PR_FORMAT_CSV: return render_csv(r, f);
    case PR_FORMAT_MD: return render_md(r, f);
    case PR_FORMAT_GITHUB: return render_github(r, f);
    default: return render_table(r, f);
    }
}

/* A gate refuses unbound symbols: they were taken as 1, so the budget would
 * silently mean other shapes than the ones the model runs with. */
