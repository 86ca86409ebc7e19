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
        const double nums[] = {c->value, c->limit, c->baseline, c->growth_pct};
        for (int k = 0; k < 4; k++) {
            csv_number(f, nums[k]);
            fputc(',', f);
        }
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

/* v as exact integer text when it is one, else 15 significant digits. */
static cJSON *num(struct pr_jb *b, double v)
{
    char text[40];
    if (v == (double)(uint64_t)v && v < 1.8e19)
        snprintf(text, sizeof text, "%llu", (unsigned long long)v);
    else
        snprintf(text, sizeof text, "%.15g", v);
    return pr_jb_check(b, cJSON_CreateRaw(text));
}

static int render_json(const struct pr_check_view *r, FILE *f)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_check(&b, cJSON_CreateObject()), *checks = pr_jb_check(&b, cJSON_CreateArray());
    pr_jb_add(&b, root, "schema", pr_jb_str(&b, "priori.check/1"));
    pr_jb_add(&b, root, "model", pr_jb_str(&b, r->s->path));
    pr_jb_add(&b, root, "budget", pr_jb_str(&b, r->budget));
    pr_jb_add(&b, root, "baseline", pr_jb_str(&b, r->baseline));
    pr_jb_add(&b, root, "passed", cJSON_CreateBool(r->g->nbreaches == 0));
    pr_jb_add(&b, root, "breaches", num(&b, r->g->nbreaches));
    pr_jb_add(&b, root, "near", num(&b, r->g->nnear));
    pr_jb_add(&b, root, "complete", cJSON_CreateBool(!r->s->an.totals.incomplete));
    if (r->s->est.profile)   /* like analyze's report: present only with --hw */
        pr_jb_add(&b, root, "energy", pr_review_energy_json(&b, &r->s->est));
    for (int i = 0; i < r->g->nchecks && !b.failed; i++) {
        const struct pr_check *c = &r->g->checks[i];
        cJSON *o = pr_jb_check(&b, cJSON_CreateObject());
        pr_jb_add(&b, checks, NULL, o);
        pr_jb_add(&b, o, "status", pr_jb_str(&b, status_word(c->status)));
        pr_jb_add(&b, o, "scope", pr_jb_str(&b, scope_word(c->scope)));
        pr_jb_add(&b, o, "target", pr_jb_str(&b, c->target));
        pr_jb_add(&b, o, "metric", pr_jb_str(&b, c->metric));
        pr_jb_add(&b, o, "value", num(&b, c->value));
        pr_jb_add(&b, o, "limit", num(&b, c->limit));
        pr_jb_add(&b, o, "source", pr_jb_str(&b, c->source));
        pr_jb_add(&b, o, "path", pr_jb_str(&b, c->path));
        pr_jb_add(&b, o, "baseline", c->baseline >= 0 ? num(&b, c->baseline) : cJSON_CreateNull());
        pr_jb_add(&b, o, "max_growth_pct", c->growth_pct >= 0 ? num(&b, c->growth_pct) : cJSON_CreateNull());
    }
    pr_jb_add(&b, root, "checks", checks);
    return pr_jb_print(&b, root, f);
}

int pr_report_check(const void *check_view, FILE *f)
{
    const struct pr_check_view *r = check_view;
    switch (r->format) {
    case PR_FORMAT_JSON: return render_json(r, f);
    case PR_FORMAT_CSV: return render_csv(r, f);
    case PR_FORMAT_MD: return render_md(r, f);
    case PR_FORMAT_GITHUB: return render_github(r, f);
    default: return render_table(r, f);
    }
}

/* A gate refuses unbound symbols: they were taken as 1, so the budget would
 * silently mean other shapes than the ones the model runs with. */
