/* cmd_analyze.c -- `priori analyze MODEL`: one model's per-layer costs and
 * totals as a table, JSON, CSV, Markdown or HTML report. With --strict an operator missing
 * from the table is an error (exit 3) instead of a zero-cost row. */
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "cli.h"
#include "commands.h"
#include "db.h"
#include "energy.h"
#include "report.h"

const char pr_usage_analyze[] =
    "usage: priori analyze MODEL.onnx [options]\n"
    "\n"
    "Infers every tensor shape and counts, per layer in execution order:\n"
    "params, MACs, FLOPs, output activation bytes, bytes read and written;\n"
    "then totals, peak live activation memory, a breakdown by operator type,\n"
    "the heaviest layers, unsupported operators and warnings.\n"
    "\n"
    "options:\n"
    "  --input NAME=DIMS    shape of graph input NAME, e.g. --input x=1x3x224x224\n"
    "                       (repeatable; overrides the model's declared shape)\n"
    "  --dim SYMBOL=N       bind a symbolic dimension, e.g. --dim batch=8, or a\n"
    "                       data-dependent one, e.g. --dim NonZero_17.n=100\n"
    "                       (repeatable; an unbound input symbol is taken as 1, with a warning)\n"
    "  --format FORMAT      table (default), json, csv, md (Markdown for a pull\n"
    "                       request) or html (one self-contained page with charts)\n"
    "  -o, --output FILE    write the report to FILE instead of standard output\n"
    "  --top N              list the N heaviest layers (default 10)\n"
    "  --strict             an operator priori does not know is an error (exit 3)\n"
    "  -q, --quiet          do not repeat warnings on standard error\n"
    "\n"
    "energy (see 'priori hw list'):\n"
    "  --hw ID              estimate latency, energy and CO2e per inference on hardware ID\n"
    "  --precision P        fp32, fp16 or int8 (default: fp32 where measured)\n"
    "  --scenario S         single or offline (also multi, server; default single)\n"
    "  --region CODE        carbon intensity of a country (ISO alpha-3, e.g. FRA) or cloud\n"
    "                       region (e.g. gcp:europe-west1); default world average 475 g/kWh\n"
    "  --carbon G           carbon intensity in g CO2e per kWh\n"
    "  --pue X              data-centre power usage effectiveness (default 1)\n"
    "  --inferences N       also total the energy and CO2e of N inferences\n"
    "  --db DIR             the measurement database (default $PRIORI_DB or db)\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, 3 invalid model (or unsupported operator\n"
    "with --strict), 4 I/O error, 5 internal error\n";

struct analyze_args {
    const char *model;
    const char *output;
    enum pr_format format;
    bool quiet, strict;
    struct pr_cli_shapes shapes;
    int top;
    const char *hw, *precision, *scenario, *region, *db;   /* --hw and friends */
    double carbon, pue;
    long long inferences;
};

/* --hw and the options that only make sense with it: 1 used, 0 not
 * ours, PR_EXIT_USAGE bad value. */
static int energy_option(struct analyze_args *a, const char *arg, const char *val)
{
    const char **s = strcmp(arg, "--hw") == 0 ? &a->hw : strcmp(arg, "--precision") == 0 ? &a->precision
                   : strcmp(arg, "--scenario") == 0 ? &a->scenario : strcmp(arg, "--region") == 0 ? &a->region
                   : strcmp(arg, "--db") == 0 ? &a->db : NULL;
    if (s) {
        *s = val;
        return 1;
    }
    if (strcmp(arg, "--carbon") == 0 || strcmp(arg, "--pue") == 0) {
        char *end;
        double v = strtod(val, &end);
        bool pue = arg[2] == 'p';
        if (*end || !*val || !isfinite(v) || v < (pue ? 1 : 0) || v > (pue ? 10 : 1e5))
            return pr_cli_usage_error("analyze", "%s %s: expected %s", arg, val,
                                      pue ? "a number from 1 to 10" : "g CO2e per kWh, from 0 to 100000");
        *(pue ? &a->pue : &a->carbon) = v;
        return 1;
    }
    if (strcmp(arg, "--inferences") == 0) {
        if (pr_cli_parse_int(val, 1, (1LL << 50), &a->inferences) < 0)
            return pr_cli_usage_error("analyze", "--inferences %s: expected a positive integer", val);
        return 1;
    }
    return 0;
}

static int parse(int argc, char **argv, struct analyze_args *a)
{
    int rc = pr_cli_shapes_init(&a->shapes, argc);
    if (rc)
        return rc;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(pr_usage_analyze, stdout);
            return -1;
        } else if (strcmp(arg, "--input") == 0 || strcmp(arg, "--dim") == 0 || strcmp(arg, "--format") == 0 ||
                   strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 || strcmp(arg, "--top") == 0 ||
                   strcmp(arg, "--hw") == 0 || strcmp(arg, "--precision") == 0 || strcmp(arg, "--scenario") == 0 ||
                   strcmp(arg, "--region") == 0 || strcmp(arg, "--carbon") == 0 || strcmp(arg, "--pue") == 0 ||
                   strcmp(arg, "--inferences") == 0 || strcmp(arg, "--db") == 0) {
            if (!next)
                return pr_cli_usage_error("analyze", "option %s needs a value", arg);
            char *val = argv[++i];
            int used = pr_cli_shapes_option(&a->shapes, "analyze", arg, val);
            if (!used)
                used = energy_option(a, arg, val);
            if (used > 1)
                return used;
            if (used)
                continue;
            if (strcmp(arg, "--format") == 0) {
                if (strcmp(val, "table") == 0)
                    a->format = PR_FORMAT_TABLE;
                else if (strcmp(val, "json") == 0)
                    a->format = PR_FORMAT_JSON;
                else if (strcmp(val, "csv") == 0)
                    a->format = PR_FORMAT_CSV;
                else if (strcmp(val, "md") == 0)
                    a->format = PR_FORMAT_MD;
                else if (strcmp(val, "html") == 0)
                    a->format = PR_FORMAT_HTML;
                else
                    return pr_cli_usage_error("analyze", "--format %s: expected table, json, csv, md or html", val);
            } else if (strcmp(arg, "--top") == 0) {
                long long v;
                if (pr_cli_parse_int(val, 0, 100000, &v) < 0)
                    return pr_cli_usage_error("analyze", "--top %s: expected a number from 0 to 100000", val);
                a->top = (int)v;
            } else {
                a->output = val;
            }
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
        } else if (strcmp(arg, "--strict") == 0) {
            a->strict = true;
        } else if (arg[0] == '-' && arg[1]) {
            return pr_cli_usage_error("analyze", "unknown option %s", arg);
        } else if (a->model) {
            return pr_cli_usage_error("analyze", "one model at a time: unexpected argument '%s'", arg);
        } else {
            a->model = arg;
        }
    }
    if (!a->model)
        return pr_cli_usage_error("analyze", "%s", "analyze needs a model file");
    if (!a->hw && (a->precision || a->scenario || a->region || a->carbon || a->pue || a->inferences))
        return pr_cli_usage_error("analyze", "%s", "--precision, --scenario, --region, --carbon, --pue and "
                                  "--inferences need --hw ID");
    if (a->region && a->carbon)
        return pr_cli_usage_error("analyze", "%s", "give --region or --carbon, not both");
    return 0;
}

struct rendering {
    const struct pr_analysis *an;
    const struct pr_estimate *energy;   /* NULL without --hw */
    enum pr_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct rendering *r = ctx;
    switch (r->format) {
    case PR_FORMAT_JSON: return pr_report_json_energy(r->an, r->energy, f);
    case PR_FORMAT_CSV: return pr_report_csv_energy(r->an, r->energy, f);
    case PR_FORMAT_MD: return pr_report_md(r->an, f);
    case PR_FORMAT_HTML: return pr_report_html(r->an, NULL, f);
    default: return pr_report_table_energy(r->an, r->energy, f);
    }
}

/* --strict: one error line naming every unsupported operator and its first nodes. */
static int strict_error(const struct analyze_args *args, const struct pr_analysis *an)
{
    fprintf(stderr, "priori: %s: %d operator%s not in priori's table (--strict):", args->model,
            an->nunsupported, an->nunsupported == 1 ? " is" : "s are");
    for (int i = 0; i < an->nunsupported; i++) {
        const struct pr_unsupported *u = &an->unsupported[i];
        char label[300];
        pr_node_label(&an->model->graph.nodes[an->layers[u->layers[0]].node], label, sizeof label);
        char *clean = pr_text_clean(label, 120);
        fprintf(stderr, "%s %s%s%s (%d node%s, first %s)", i ? ";" : "", u->domain, *u->domain ? "." : "",
                u->op_type, u->count, u->count == 1 ? "" : "s", clean ? clean : "?");
        free(clean);
    }
    fprintf(stderr, "; run 'priori ops' for the supported operators, or drop --strict to count them as zero cost\n");
    return PR_EXIT_MODEL;
}

/* Loads the database and selects the profile (before the model is read,
 * so that a bad --db or --hw fails fast). Exit code. */
static int energy_setup(const struct analyze_args *a, struct pr_db *db, const struct pr_profile **p,
                        struct pr_energy_opts *o)
{
    struct pr_err err = {0};
    if (pr_db_load(db, a->db ? a->db : pr_db_default_dir(), &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    *p = pr_db_select(db, a->hw, a->precision, a->scenario);
    if (!*p) {
        fprintf(stderr, "priori: --hw %s%s%s%s%s: no such hardware profile in %s; see 'priori hw list'\n", a->hw,
                a->precision ? " --precision " : "", a->precision ? a->precision : "",
                a->scenario ? " --scenario " : "", a->scenario ? a->scenario : "", db->dir);
        return PR_EXIT_USAGE;
    }
    o->pue = a->pue ? a->pue : 1;
    o->inferences = (uint64_t)a->inferences;
    o->g_per_kwh = db->world_g_per_kwh;
    o->carbon_source = db->world_source;
    if (a->carbon) {
        o->g_per_kwh = a->carbon;
        o->carbon_source = "--carbon";
    } else if (a->region) {
        const struct pr_carbon *c = pr_db_carbon(db, a->region);
        if (!c) {
            fprintf(stderr, "priori: --region %s: not in %s/carbon.json; give an ISO alpha-3 country code "
                            "(FRA), a cloud region (gcp:europe-west1) or --carbon G\n", a->region, db->dir);
            return PR_EXIT_USAGE;
        }
        o->g_per_kwh = c->g_per_kwh;
        o->carbon_source = c->name && *c->name ? c->name : c->code;
    }
    return PR_EXIT_OK;
}

int pr_cmd_analyze(int argc, char **argv)
{
    struct analyze_args args = {.format = PR_FORMAT_TABLE, .top = 10};
    struct pr_db db = {0};
    const struct pr_profile *profile = NULL;
    struct pr_energy_opts eopt = {0};
    struct pr_estimate est = {0};
    int rc = parse(argc, argv, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_EXIT_OK : rc;
        goto out;
    }
    if (args.hw && (rc = energy_setup(&args, &db, &profile, &eopt)) != 0)
        goto out;
    struct pr_model model;
    struct pr_analysis an;
    struct pr_diag load_diag;
    struct pr_err err = {0};
    rc = pr_cli_load(args.model, &model, &load_diag);
    if (rc)
        goto out;
    struct pr_options opt = {.inputs = args.shapes.inputs, .ninputs = args.shapes.ninputs,
                             .dims = args.shapes.dims, .ndims = args.shapes.ndims, .top = args.top};
    if (pr_analyze(&model, &opt, &an, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", args.model, err.msg);
        rc = (int)err.code;
    } else {
        for (size_t i = 0; i < load_diag.count; i++)   /* loader warnings come first */
            pr_diag_add(&an.diag, "%s", load_diag.msgs[i]);
        bool to_terminal_table = args.format == PR_FORMAT_TABLE && !args.output;
        if (!args.quiet && !to_terminal_table) {
            for (size_t i = 0; i < an.diag.count; i++)
                fprintf(stderr, "priori: warning: %s\n", an.diag.msgs[i]);
            if (an.diag.dropped)
                fprintf(stderr, "priori: warning: ... and %zu more warnings\n", an.diag.dropped);
        }
        if (args.strict && an.nunsupported) {
            rc = strict_error(&args, &an);
        } else if (profile && pr_estimate(&an, profile, &eopt, &est, &err) < 0) {
            fprintf(stderr, "priori: %s\n", err.msg);
            rc = (int)err.code;
        } else {
            struct rendering r = {.an = &an, .energy = profile ? &est : NULL, .format = args.format};
            rc = pr_cli_write(args.output, render, &r);
            pr_estimate_free(&est);
        }
        pr_analysis_free(&an);
    }
    pr_diag_free(&load_diag);
    pr_model_free(&model);
out:
    pr_db_free(&db);
    pr_cli_shapes_free(&args.shapes);
    return rc;
}
