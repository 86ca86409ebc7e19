/* cmd_sweep.c -- `priori sweep MODEL --dim SYMBOL=RANGE [--dim SYMBOL2=RANGE]`:
 * the model's totals (and, with --hw, its estimate) at every point of one
 * or two ranges, as a table, JSON, CSV, Markdown or HTML. Thin: the ranges
 * and the points are src/sweep.c's, the renderers src/report_sweep.c's. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "db.h"
#include "energy.h"
#include "report_sweep.h"
#include "sweep.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD, PR_FORMAT_HTML};

const struct pr_cmd_spec pr_spec_sweep = {
    .name = "sweep",
    .id = C_SWEEP,
    .synopsis =
        "usage: priori sweep MODEL.onnx --dim SYMBOL=RANGE [--dim SYMBOL2=RANGE] [options]\n"
        "\n"
        "Cost curves: loads the model once and analyses it at every value of one\n"
        "symbolic dimension (two: every pair of values), one row per point:\n"
        "params, MACs, FLOPs, activation bytes, peak live memory, weight bytes\n"
        "and, with --hw, latency, energy, CO2e and the regime.\n"
        "  priori sweep gpt.onnx --dim seq=128..8192*2 --dim batch=1,8\n",
    .tail =
        "A point where the analysis fails is a row with status 'error' and the reason;\n"
        "the others are still reported.\n"
        "exit codes: 0 ok (at least one point analysed), 2 usage error (a bad range,\n"
        "more than 10000 points), 3 invalid model or every point failed, 4 I/O error,\n"
        "5 internal error\n",
    .formats = formats,
    .nformats = 5,
};

struct rendering {
    const struct pr_sweep *s;
    enum pr_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct rendering *r = ctx;
    return pr_report_sweep(r->s, r->format, f);
}

int pr_cmd_sweep(int argc, char **argv)
{
    struct pr_hw hw = {0};
    struct pr_sweep_axis axes[PR_SWEEP_MAX_AXES] = {{0}};
    int naxes = 0;
    struct pr_args p;
    struct pr_err err = {0};
    int rc = pr_args_parse(&p, &pr_spec_sweep, argc, argv);
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    if (p.npos != 1) {
        rc = p.npos ? pr_args_usage_error(&p, "one model at a time: unexpected argument '%s'", p.pos[1])
                    : pr_args_usage_error(&p, "%s", "sweep needs a model file");
        goto out;
    }
    if (pr_sweep_ranges_check(p.nranges, &err) < 0) {
        rc = pr_args_usage_error(&p, "%s", err.msg);
        goto out;
    }
    for (; naxes < p.nranges; naxes++)
        if (pr_sweep_axis_parse(p.ranges[naxes], &axes[naxes], &err) < 0) {
            rc = err.code == PR_E_ARG ? pr_args_usage_error(&p, "%s", err.msg) : (int)err.code;
            goto out;
        }
    const char *model_path = p.pos[0], *output = p.text[OPT_OUTPUT];
    struct pr_model model;
    struct pr_diag load_diag;
    if ((rc = pr_cli_open_model("sweep", model_path, output, &p.energy, &hw, &model, &load_diag)) != 0)
        goto out;
    struct pr_options base = {0};
    pr_bindings_apply(&p.shapes[0], &base);
    struct pr_sweep_opts so = {.base = &base, .axes = axes, .naxes = naxes, .profile = hw.profile,
                               .energy = &hw.opts};
    struct pr_sweep s;
    if (pr_sweep_run(&model, &so, &s, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", model_path, err.msg);
        rc = (int)err.code;
    } else {
        for (size_t i = 0; i < load_diag.count; i++)   /* the loader's warnings, after the points' */
            pr_diag_add(&s.diag, "%s", load_diag.msgs[i]);
        bool to_terminal_table = p.format == PR_FORMAT_TABLE && !output;
        if (!p.given[OPT_QUIET] && !to_terminal_table) {
            for (size_t i = 0; i < s.diag.count; i++)
                fprintf(stderr, "priori: warning: %s\n", s.diag.msgs[i]);
            if (s.diag.dropped)
                fprintf(stderr, "priori: warning: ... and %zu more warnings\n", s.diag.dropped);
        }
        if (s.nfailed == s.npoints) {
            fprintf(stderr, "priori: %s: the analysis fails at every point of the sweep; the first: %s\n", model_path,
                    s.points[0].error ? s.points[0].error : "?");
            rc = PR_E_MODEL;
        } else {
            struct rendering r = {.s = &s, .format = p.format};
            rc = pr_cli_write(output, render, &r);
        }
        pr_sweep_free(&s);
    }
    pr_diag_free(&load_diag);
    pr_model_free(&model);
out:
    for (int k = 0; k < naxes; k++)
        pr_sweep_axis_free(&axes[k]);
    pr_hw_close(&hw);
    pr_args_free(&p);
    return rc;
}
