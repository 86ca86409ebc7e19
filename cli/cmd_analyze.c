/* cmd_analyze.c -- `priori analyze MODEL`: one model's per-layer costs and
 * totals as a table, JSON, CSV, Markdown or HTML report. With --strict an operator missing
 * from the table is an error (exit 3) instead of a zero-cost row. */
#include <stdlib.h>
#include <string.h>

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
    "  --value NAME=V[,V..] values of a small graph input (rank 0 or 1: a sample\n"
    "                       rate, a length), for constant folding and If conditions\n"
    "  --format FORMAT      table (default), json, csv, md (Markdown for a pull\n"
    "                       request) or html (one self-contained page with charts)\n"
    "  -o, --output FILE    write the report to FILE instead of standard output\n"
    "  --top N              list the N heaviest layers (default 10)\n"
    "  --strict             an operator priori does not know, or a node that fails\n"
    "                       under priori's assumptions, is an error (exit 3)\n"
    "  -q, --quiet          do not repeat warnings on standard error\n"
    "\n"
    PR_USAGE_ENERGY
    "  --inferences N       also total the energy and CO2e of N inferences\n"
    "\n"
    "exit codes: 0 ok (also when a node fails only under priori's assumptions:\n"
    "warned), 2 usage error, 3 invalid model (or, with --strict, an unsupported\n"
    "operator or a failure under assumptions), 4 I/O error, 5 internal error\n";

struct analyze_args {
    const char *model;
    const char *output;
    enum pr_format format;
    bool quiet, strict;
    struct pr_cli_shapes shapes;
    int top;
    struct pr_energy_args energy;   /* --hw and friends */
};

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
        } else if (strcmp(arg, "--input") == 0 || strcmp(arg, "--dim") == 0 || strcmp(arg, "--value") == 0 ||
                   strcmp(arg, "--format") == 0 ||
                   strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 || strcmp(arg, "--top") == 0 ||
                   pr_energy_is_option(arg, true)) {
            if (!next)
                return pr_cli_usage_error("analyze", "option %s needs a value", arg);
            char *val = argv[++i];
            int used = pr_cli_shapes_option(&a->shapes, "analyze", arg, val);
            if (!used)
                used = pr_energy_option(&a->energy, "analyze", arg, val);
            if (used > 1)
                return used;
            if (used)
                continue;
            if (strcmp(arg, "--format") == 0) {
                int f;
                if (pr_cli_choice("analyze", arg, val, pr_format_names, 5, &f))
                    return PR_EXIT_USAGE;
                a->format = (enum pr_format)f;
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
        } else if (strcmp(arg, "--train") == 0) {
            a->energy.train = true;
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
    if (a->energy.batch) {   /* --batch N is --dim batch=N */
        static char bind[40];   /* the binding keeps pointing into it */
        snprintf(bind, sizeof bind, "batch=%lld", a->energy.batch);
        if ((rc = pr_cli_shapes_option(&a->shapes, "analyze", "--dim", bind)) > 1)
            return rc;
    }
    return pr_energy_args_check(&a->energy, "analyze");
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
    case PR_FORMAT_MD: return pr_report_md(r->an, r->energy, f);
    case PR_FORMAT_HTML: return pr_report_html(r->an, r->energy, f);
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

int pr_cmd_analyze(int argc, char **argv)
{
    struct analyze_args args = {.format = PR_FORMAT_TABLE, .top = 10};
    struct pr_hw hw = {0};
    struct pr_estimate est = {0};
    int rc = parse(argc, argv, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_EXIT_OK : rc;
        goto out;
    }
    const char *inputs[] = {args.model};
    if ((rc = pr_cli_output_guard(args.output, inputs, 1, args.energy.hw ? (args.energy.db ? args.energy.db : pr_db_default_dir()) : NULL)) != 0 ||
        (rc = pr_hw_open(&hw, &args.energy)) != 0)
        goto out;
    struct pr_model model;
    struct pr_analysis an;
    struct pr_diag load_diag;
    struct pr_err err = {0};
    rc = pr_cli_load(args.model, &model, &load_diag);
    if (rc)
        goto out;
    struct pr_options opt = {.top = args.top};
    pr_cli_shapes_apply(&args.shapes, &opt);
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
        } else if (args.strict && an.nassume_failures) {
            fprintf(stderr, "priori: %s: %d node%s only under priori's assumptions (--strict; see the warnings): "
                    "bind the shapes and values it names with --input, --dim, --value\n", args.model,
                    an.nassume_failures, an.nassume_failures == 1 ? " fails" : "s fail");
            rc = PR_EXIT_MODEL;
        } else if (hw.profile && pr_estimate(&an, hw.profile, &hw.opts, &est, &err) < 0) {
            fprintf(stderr, "priori: %s\n", err.msg);
            rc = (int)err.code;
        } else {
            struct rendering r = {.an = &an, .energy = hw.profile ? &est : NULL, .format = args.format};
            rc = pr_cli_write(args.output, render, &r);
            pr_estimate_free(&est);
        }
        pr_analysis_free(&an);
    }
    pr_diag_free(&load_diag);
    pr_model_free(&model);
out:
    pr_hw_close(&hw);
    pr_cli_shapes_free(&args.shapes);
    return rc;
}
