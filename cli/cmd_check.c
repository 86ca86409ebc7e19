/* cmd_check.c -- `priori check MODEL`: a CI gate. Limits come from a budget
 * file (--budget) and/or growth limits against a stored baseline report
 * (--baseline with --max-growth); gate.c evaluates them. Exit 0 when every
 * limit holds, 1 when any is breached, 2 for usage errors: a malformed
 * budget or baseline, an unbound symbol (budgets must always mean the same
 * shapes), an estimate metric (latency_s, energy_j, co2e) without --hw, a
 * growth limit on one against a baseline without an energy section or made
 * on another hardware profile. With --hw every output names the profile
 * and its uncertainty: an estimate within +-u% of a limit is not a
 * certain pass, and the near-limit warning (warn_fraction) is the tool for
 * that.
 *
 * Output: one line per limit (table), JSON, CSV, Markdown, or GitHub
 * Actions workflow commands (--format github: ::error:: per breach,
 * ::warning:: per limit past the budget's warn_fraction and for incomplete
 * totals). GitHub escapes: % -> %25, CR -> %0D, LF -> %0A in messages, and
 * also : -> %3A, , -> %2C in properties.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "gate.h"
#include "report.h"

const char pr_usage_check[] =
    "usage: priori check MODEL.onnx [--budget FILE] [--baseline REPORT.json --max-growth SPEC] [options]\n"
    "\n"
    "Fails (exit 1) when the model breaks a limit: one line per limit, naming\n"
    "the metric, the limit and the value. Every symbolic dimension must be\n"
    "bound with --dim (an unbound one is a usage error), so that a budget always\n"
    "means the same shapes.\n"
    "\n"
    "options:\n"
    "  --budget FILE        limits in a JSON budget file (schema in README.md,\n"
    "                       \"Gating CI on model complexity\"): totals, single layers\n"
    "                       by name, operator types\n"
    "  --baseline FILE      a report written by 'priori analyze --format json'\n"
    "  --max-growth SPEC    allowed growth over the baseline, e.g.\n"
    "                       macs=5%,params=2%,peak_activation_bytes=10%\n"
    "                       metrics: params macs flops weight_bytes\n"
    "                       peak_activation_bytes; latency_s energy_j co2e need --hw\n"
    "                       and a baseline made with the same --hw\n"
    "  --input NAME=DIMS    shape of graph input NAME (repeatable)\n"
    "  --dim SYMBOL=N       bind a symbolic dimension (repeatable)\n"
    "  --value NAME=V[,V..] values of a small graph input (repeatable)\n"
    "  --format FORMAT      table (default), json, csv, md or github (workflow\n"
    "                       annotations ::error:: and ::warning::)\n"
    "  -o, --output FILE    write the result to FILE instead of standard output\n"
    "  -q, --quiet          do not repeat the model's warnings on standard error\n"
    "\n"
    PR_USAGE_ENERGY
    "\n"
    "exit codes: 0 within limits, 1 a limit is breached, 2 usage error (also a\n"
    "malformed budget or baseline, or an unbound symbol), 3 invalid model,\n"
    "4 I/O error, 5 internal error\n";

enum check_format { CF_TABLE, CF_JSON, CF_CSV, CF_MD, CF_GITHUB };

struct check_args {
    const char *model, *output, *budget, *baseline, *growth;
    enum check_format format;
    bool quiet;
    struct pr_cli_shapes shapes;
    struct pr_energy_args energy;
};

static int parse(int argc, char **argv, struct check_args *a)
{
    int rc = pr_cli_shapes_init(&a->shapes, argc);
    if (rc)
        return rc;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(pr_usage_check, stdout);
            return -1;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
            continue;
        }
        if (arg[0] == '-' && arg[1]) {
            static const char *const valued[] = {"--input", "--dim", "--value", "--format", "-o", "--output", "--budget",
                                                 "--baseline", "--max-growth"};
            bool known = false;
            for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
                known |= strcmp(arg, valued[k]) == 0;
            known |= pr_energy_is_option(arg, false);
            if (!known)
                return pr_cli_usage_error("check", "unknown option %s", arg);
            if (i + 1 >= argc)
                return pr_cli_usage_error("check", "option %s needs a value", arg);
            char *val = argv[++i];
            int used = pr_cli_shapes_option(&a->shapes, "check", arg, val);
            if (!used)
                used = pr_energy_option(&a->energy, "check", arg, val);
            if (used > 1)
                return used;
            if (used)
                continue;
            if (strcmp(arg, "--format") == 0) {
                static const char *const names[] = {"table", "json", "csv", "md", "github"};
                int f;
                if (pr_cli_choice("check", arg, val, names, 5, &f))
                    return PR_EXIT_USAGE;
                a->format = (enum check_format)f;
            } else if (strcmp(arg, "--budget") == 0) {
                a->budget = val;
            } else if (strcmp(arg, "--baseline") == 0) {
                a->baseline = val;
            } else if (strcmp(arg, "--max-growth") == 0) {
                a->growth = val;
            } else {
                a->output = val;
            }
        } else if (a->model) {
            return pr_cli_usage_error("check", "one model at a time: unexpected argument '%s'", arg);
        } else {
            a->model = arg;
        }
    }
    if (!a->model)
        return pr_cli_usage_error("check", "%s", "check needs a model file");
    if (!a->baseline != !a->growth)
        return pr_cli_usage_error("check", "%s", a->baseline ? "--baseline needs --max-growth, e.g. --max-growth macs=5%"
                                                             : "--max-growth needs --baseline REPORT.json");
    if (!a->budget && !a->baseline)
        return pr_cli_usage_error("check", "%s", "nothing to check: give --budget FILE and/or --baseline REPORT.json "
                                  "--max-growth SPEC");
    return pr_energy_args_check(&a->energy, "check");
}

struct result {
    const struct check_args *args;
    const struct pr_subject *s;
    const struct pr_gate *g;
};

static const char *status_word(enum pr_check_status st)
{
    return st == PR_CHECK_BREACH ? "breach" : st == PR_CHECK_NEAR ? "near" : "ok";
}

static const char *scope_word(enum pr_scope sc)
{
    return sc == PR_SCOPE_LAYER ? "layer" : sc == PR_SCOPE_OP_TYPE ? "op_type" : "total";
}

/* "1,701,888 > 1,000,000 (170.2% of the limit; budget.json $.totals.macs)" */
static void explain(FILE *f, const struct result *r, const struct pr_check *c)
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
        file = pr_text_clean(r->args->baseline, 200);
        fprintf(f, "; baseline %s + %g%% in %s)", pr_check_number(c, c->baseline, b, sizeof b), c->growth_pct,
                file ? file : "?");
    } else {
        file = pr_text_clean(r->args->budget, 200);
        fprintf(f, "; %s %s)", file ? file : "?", c->path);
    }
    free(file);
}

static void headline(FILE *f, const struct result *r)
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

static int render_table(const struct result *r, FILE *f)
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

static int render_csv(const struct result *r, FILE *f)
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
        pr_csv_field(f, c->baseline >= 0 ? r->args->baseline : r->args->budget);
        fputc(',', f);
        pr_csv_field(f, c->path ? c->path : "");
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static int render_md(const struct result *r, FILE *f)
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
            pr_md_text(f, r->args->budget, 200);
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

static int render_github(const struct result *r, FILE *f)
{
    for (int i = 0; i < r->g->nchecks; i++) {
        const struct pr_check *c = &r->g->checks[i];
        if (c->status == PR_CHECK_OK)
            continue;
        char label[200], line[1200];
        fprintf(f, "::%s file=", c->status == PR_CHECK_BREACH ? "error" : "warning");
        gh_escape(f, c->baseline >= 0 ? r->args->baseline : r->args->budget, true);
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

static int render_json(const struct result *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject(), *checks = cJSON_CreateArray();
    bool ok = root && checks;
    if (ok) {
        cJSON_AddItemToObject(root, "schema", cJSON_CreateString("priori.check/1"));
        cJSON_AddItemToObject(root, "model", clean_string(r->s->path));
        cJSON_AddItemToObject(root, "budget", r->args->budget ? clean_string(r->args->budget) : cJSON_CreateNull());
        cJSON_AddItemToObject(root, "baseline", r->args->baseline ? clean_string(r->args->baseline) : cJSON_CreateNull());
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

static int render(const void *ctx, FILE *f)
{
    const struct result *r = ctx;
    switch (r->args->format) {
    case CF_JSON: return render_json(r, f);
    case CF_CSV: return render_csv(r, f);
    case CF_MD: return render_md(r, f);
    case CF_GITHUB: return render_github(r, f);
    default: return render_table(r, f);
    }
}

/* A gate refuses unbound symbols: they were taken as 1, so the budget would
 * silently mean other shapes than the ones the model runs with. */
static int refuse_unbound(const struct pr_subject *s)
{
    fprintf(stderr, "priori: %s: a gate needs fixed shapes, but", s->path);
    for (int i = 0; i < s->an.nunbound; i++) {
        char *sym = pr_text_clean(s->an.unbound[i], 100);
        fprintf(stderr, "%s '%s'", i ? "," : " symbol", sym ? sym : "?");
        free(sym);
    }
    fprintf(stderr, " %s unbound: give", s->an.nunbound == 1 ? "is" : "are");
    for (int i = 0; i < s->an.nunbound; i++) {
        char *sym = pr_text_clean(s->an.unbound[i], 100);
        fprintf(stderr, " --dim %s=N", sym ? sym : "?");
        free(sym);
    }
    fputc('\n', stderr);
    return PR_EXIT_USAGE;
}

int pr_cmd_check(int argc, char **argv)
{
    struct check_args args = {.format = CF_TABLE};
    struct pr_budget budget = {0};
    struct pr_baseline baseline = {0};
    struct pr_subject s = {0};
    struct pr_gate gate = {0};
    struct pr_hw hw = {0};
    struct pr_err err = {0};
    double growth[PR_M_COUNT];
    int rc = parse(argc, argv, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_EXIT_OK : rc;
        goto out;
    }
    const char *inputs[] = {args.model, args.budget, args.baseline};
    if ((rc = pr_cli_output_guard(args.output, inputs, 3, args.energy.hw ? (args.energy.db ? args.energy.db : pr_db_default_dir()) : NULL)) != 0)
        goto out;
    /* the cheap, hostile inputs first: a bad budget fails before the model loads */
    if ((args.growth && pr_growth_parse(args.growth, growth, &err) < 0) ||
        (args.budget && pr_budget_load(&budget, args.budget, &err) < 0) ||
        (args.baseline && pr_baseline_load(&baseline, args.baseline, &err) < 0)) {
        fprintf(stderr, "priori: %s\n", err.msg);
        rc = (int)err.code;
        goto out;
    }
    if ((rc = pr_hw_open(&hw, &args.energy)) != 0)
        goto out;
    rc = pr_subject_open(&s, args.model, &args.shapes, 10, args.quiet);
    if (rc)
        goto out;
    if (s.an.nunbound) {
        rc = refuse_unbound(&s);
        goto out;
    }
    if ((rc = pr_subject_estimate(&s, &hw)) != 0)
        goto out;
    if (pr_gate_eval(&gate, &s, args.budget ? &budget : NULL, args.baseline ? &baseline : NULL,
                     args.growth ? growth : NULL, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        rc = (int)err.code;
        goto out;
    }
    struct result r = {.args = &args, .s = &s, .g = &gate};
    rc = pr_cli_write(args.output, render, &r);
    if (rc == PR_EXIT_OK && gate.nbreaches)
        rc = PR_EXIT_GATE;
out:
    pr_gate_free(&gate);
    pr_subject_close(&s);
    pr_budget_free(&budget);
    pr_baseline_free(&baseline);
    pr_hw_close(&hw);
    pr_cli_shapes_free(&args.shapes);
    return rc;
}
