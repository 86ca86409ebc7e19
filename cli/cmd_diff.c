/* cmd_diff.c -- `priori diff OLD.onnx NEW.onnx`: the totals before, after
 * and their change (delta % = (after - before) / before * 100, "-" when
 * before is 0), then the layers that were added, removed, renamed or
 * changed, with per-layer deltas of params, MACs, FLOPs and activation
 * bytes. Layers are matched by diff.c: by name, then by op type and output
 * shapes in execution order. Unchanged layers are counted, not listed.
 * --input/--dim apply to both models. With --hw both models are estimated
 * on that profile: latency, energy and CO2e per inference join the totals
 * (before, after, delta, delta %) and each listed layer gets its energy
 * delta. The profile's uncertainty applies to each side; a delta smaller
 * than it is within the noise of the estimate, and the output says so.
 */
#include "cli.h"
#include "commands.h"
#include "report_review.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD};

const struct pr_cmd_spec pr_spec_diff = {
    .name = "diff",
    .id = C_DIFF,
    .synopsis =
        "usage: priori diff OLD.onnx NEW.onnx [options]\n"
        "\n"
        "Totals before and after with the change in percent; then every layer that\n"
        "was added, removed, renamed or changed, with its deltas. Layers are matched\n"
        "by name, and where names changed by op type and output shape in execution\n"
        "order. --input, --dim and --value apply to both models.\n",
    .tail = "exit codes: 0 ok (also when the models differ), 2 usage error, 3 invalid\n"
            "model, 4 I/O error, 5 internal error\n",
    .formats = formats,
    .nformats = 4,
};

int pr_cmd_diff(int argc, char **argv)
{
    struct pr_args p;
    struct pr_subject old = {0}, new_ = {0};
    struct pr_diff d = {0};
    struct pr_hw hw = {0};
    struct pr_err err = {0};
    char dbdir[PR_DB_DIR_MAX];
    int rc = pr_args_parse(&p, &pr_spec_diff, argc, argv);
    if (rc == 0 && p.npos > 2)
        rc = pr_args_usage_error(&p, "two models: unexpected argument '%s'", p.pos[2]);
    if (rc == 0 && p.npos < 2)
        rc = pr_args_usage_error(&p, "%s", "diff needs two models: priori diff OLD.onnx NEW.onnx");
    if (rc == 0)
        rc = pr_energy_args_check(&p.energy, "diff");
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    const char *output = p.text[OPT_OUTPUT];
    bool quiet = p.given[OPT_QUIET];
    if ((rc = pr_cli_output_guard(output, (const char *const *)p.pos, 2,
                                  p.energy.hw ? pr_energy_db_dir(&p.energy, dbdir, sizeof dbdir) : NULL)) != 0 ||
        (rc = pr_hw_open(&hw, &p.energy)) != 0 ||
        (rc = pr_subject_open(&old, p.pos[0], &p.shapes[0], 10, quiet)) != 0 ||
        (rc = pr_subject_open(&new_, p.pos[1], &p.shapes[0], 10, quiet)) != 0 ||
        (rc = pr_subject_estimate(&old, &hw)) != 0 || (rc = pr_subject_estimate(&new_, &hw)) != 0)
        goto out;
    if (pr_diff_layers(&old.an, &new_.an, &d, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        rc = (int)err.code;
        goto out;
    }
    struct pr_diff_view view = {.old = &old, .new_ = &new_, .d = &d, .all = p.given[OPT_ALL], .format = p.format};
    rc = pr_cli_write(output, pr_report_diff, &view);
out:
    pr_diff_free(&d);
    pr_subject_close(&old);
    pr_subject_close(&new_);
    pr_hw_close(&hw);
    pr_args_free(&p);
    return rc;
}
