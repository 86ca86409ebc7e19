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
 * Output (report_check.c): one line per limit (table), JSON, CSV, Markdown, or GitHub
 * Actions workflow commands (--format github: ::error:: per breach,
 * ::warning:: per limit past the budget's warn_fraction and for incomplete
 * totals). GitHub escapes: % -> %25, CR -> %0D, LF -> %0A in messages, and
 * also : -> %3A, , -> %2C in properties.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report_review.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD,
                                         PR_FORMAT_GITHUB};

const struct pr_cmd_spec pr_spec_check = {
    .name = "check",
    .id = C_CHECK,
    .synopsis =
        "usage: priori check MODEL.onnx [--budget FILE] [--baseline REPORT.json --max-growth SPEC] [options]\n"
        "\n"
        "Fails (exit 1) when the model breaks a limit: one line per limit, naming\n"
        "the metric, the limit and the value. Every symbolic dimension must be\n"
        "bound with --dim (an unbound one is a usage error), so that a budget always\n"
        "means the same shapes.\n",
    .tail = "exit codes: 0 within limits, 1 a limit is breached, 2 usage error (also a\n"
            "malformed budget or baseline, or an unbound symbol), 3 invalid model,\n"
            "4 I/O error, 5 internal error\n",
    .formats = formats,
    .nformats = 5,
};

struct check_args {
    const char *model, *output, *budget, *baseline, *growth;
    enum pr_format format;
    bool quiet;
    const struct pr_bindings *shapes;
    struct pr_energy_args energy;
};

static int parse(const struct pr_args *p, struct check_args *a)
{
    if (p->npos > 1)
        return pr_args_usage_error(p, "one model at a time: unexpected argument '%s'", p->pos[1]);
    *a = (struct check_args){.model = p->npos ? p->pos[0] : NULL, .output = p->text[OPT_OUTPUT],
                             .budget = p->text[OPT_BUDGET], .baseline = p->text[OPT_BASELINE],
                             .growth = p->text[OPT_MAX_GROWTH], .format = p->format, .quiet = p->given[OPT_QUIET],
                             .shapes = &p->shapes[0], .energy = p->energy};
    if (!a->model)
        return pr_args_usage_error(p, "%s", "check needs a model file");
    struct pr_err err = {0};
    if (pr_check_inputs(a->budget, a->baseline, a->growth, &err) < 0)
        return pr_args_usage_error(p, "%s", err.msg);
    return pr_energy_args_check(&a->energy, "check");
}

int pr_cmd_check(int argc, char **argv)
{
    struct check_args args = {0};
    struct pr_args p;
    struct pr_budget budget = {0};
    struct pr_baseline baseline = {0};
    struct pr_subject s = {0};
    struct pr_gate gate = {0};
    struct pr_hw hw = {0};
    struct pr_err err = {0};
    double growth[PR_M_COUNT];
    int rc = pr_args_parse(&p, &pr_spec_check, argc, argv);
    if (rc == 0)
        rc = parse(&p, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    const char *inputs[] = {args.model, args.budget, args.baseline};
    char dbdir[PR_DB_DIR_MAX];
    if ((rc = pr_cli_output_guard(args.output, inputs, 3,
                                  args.energy.hw ? pr_energy_db_dir(&args.energy, dbdir, sizeof dbdir) : NULL)) != 0)
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
    rc = pr_subject_open(&s, args.model, args.shapes, 10, args.quiet);
    if (rc)
        goto out;
    if (pr_unbound_check(&s, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        rc = (int)err.code;
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
    struct pr_check_view view = {.s = &s, .g = &gate, .budget = args.budget, .baseline = args.baseline,
                                 .format = args.format};
    rc = pr_cli_write(args.output, pr_report_check, &view);
    if (rc == PR_OK && gate.nbreaches)
        rc = PR_E_GATE;
out:
    pr_gate_free(&gate);
    pr_subject_close(&s);
    pr_budget_free(&budget);
    pr_baseline_free(&baseline);
    pr_hw_close(&hw);
    pr_args_free(&p);
    return rc;
}
