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

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD, PR_FORMAT_HTML};

const struct pr_cmd_spec pr_spec_analyze = {
    .name = "analyze",
    .id = C_ANALYZE,
    .synopsis =
        "usage: priori analyze MODEL.onnx [options]\n"
        "\n"
        "Infers every tensor shape and counts, per layer in execution order:\n"
        "params, MACs, FLOPs, output activation bytes, bytes read and written;\n"
        "then totals, peak live activation memory, a breakdown by operator type,\n"
        "the heaviest layers, unsupported operators and warnings.\n",
    .tail =
        "exit codes: 0 ok (also when a node fails only under priori's assumptions:\n"
        "warned), 2 usage error, 3 invalid model (or, with --strict, an unsupported\n"
        "operator or a failure under assumptions), 4 I/O error, 5 internal error\n",
    .formats = formats,
    .nformats = 5,
};

struct analyze_args {
    const char *model;
    const char *output;
    enum pr_format format;
    bool quiet, strict;
    struct pr_bindings *shapes;
    int top;
    struct pr_energy_args energy;   /* --hw and friends */
};

static int parse(struct pr_args *p, struct analyze_args *a)
{
    if (p->npos > 1)
        return pr_args_usage_error(p, "one model at a time: unexpected argument '%s'", p->pos[1]);
    if (!p->npos)
        return pr_args_usage_error(p, "%s", "analyze needs a model file");
    *a = (struct analyze_args){.model = p->pos[0], .output = p->text[OPT_OUTPUT], .format = p->format,
                               .quiet = p->given[OPT_QUIET], .strict = p->given[OPT_STRICT], .shapes = &p->shapes[0],
                               .top = p->given[OPT_TOP] ? (int)p->num[OPT_TOP] : 10, .energy = p->energy};
    if (a->energy.batch) {   /* --batch N is --dim batch=N */
        static char bind[40];   /* the binding keeps pointing into it */
        snprintf(bind, sizeof bind, "batch=%lld", a->energy.batch);
        int rc = pr_cli_shapes_option(a->shapes, "analyze", "--dim", bind);
        if (rc > 1)
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

int pr_cmd_analyze(int argc, char **argv)
{
    struct analyze_args args = {0};
    struct pr_hw hw = {0};
    struct pr_estimate est = {0};
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_analyze, argc, argv);
    if (rc == 0)
        rc = parse(&p, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    struct pr_model model;
    struct pr_analysis an;
    struct pr_diag load_diag;
    struct pr_err err = {0};
    if ((rc = pr_cli_open_model("analyze", args.model, args.output, &args.energy, &hw, &model, &load_diag)) != 0)
        goto out;
    struct pr_options opt = {.top = args.top};
    pr_bindings_apply(args.shapes, &opt);
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
        if (args.strict && pr_strict_check(&an, args.model, &err) < 0) {
            fprintf(stderr, "priori: %s\n", err.msg);
            rc = (int)err.code;
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
    pr_args_free(&p);
    return rc;
}
