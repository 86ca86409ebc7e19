/* cmd_compare.c -- `priori compare A.onnx B.onnx ...`: one row per model
 * with params, MACs, FLOPs, weight bytes and peak live activation memory
 * (and with --hw ID latency, J per inference and g CO2e per million
 * inferences, all on that one hardware profile, with the profile's
 * uncertainty), each model's ratio to the first (value / first value; "-"
 * when the first is 0), and the best (smallest) value of every column
 * marked. The uncertainty is the profile's (the same for every model);
 * ratios between models on one profile are surer than the absolute values,
 * but priori does not claim a number for that.
 *
 * Per-model shapes: --input and --dim given before the first model apply
 * to every model; given after a model they apply to that model only (until
 * the next model) and win over the global ones. --format, -o and -q apply
 * to the whole run wherever they appear.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report_review.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD};

const struct pr_cmd_spec pr_spec_compare = {
    .name = "compare",
    .id = C_COMPARE,
    .synopsis =
        "usage: priori compare A.onnx B.onnx ... [options]\n"
        "\n"
        "One row per model: params, MACs, FLOPs, weight bytes, peak live activation\n"
        "memory (with --hw: latency, energy per inference, g CO2e per million\n"
        "inferences), each model's ratio to the first model, and the best\n"
        "(smallest) value of each column marked with '*'. Long paths are shortened\n"
        "in the middle, keeping the part that tells the models apart.\n"
        "\n"
        "--input, --dim and --value before the first model apply to every model;\n"
        "after a model they apply to that model only and win over the global ones:\n"
        "  priori compare --dim batch=1 a.onnx b.onnx --dim seq=128 c.onnx --dim seq=256\n",
    .tail = "exit codes: 0 ok, 2 usage error, 3 invalid model, 4 I/O error, 5 internal error\n",
    .formats = formats,
    .nformats = 4,
    .per_model_bindings = true,
};

/* Model i's bindings: its own (after it), then the global ones (before the
 * first model); the first binding of a name wins. */
static int model_shapes(const struct pr_args *p, int i, struct pr_bindings *s)
{
    const struct pr_bindings *own = &p->shapes[i + 1], *all = &p->shapes[0];
    int rc = 0;
    if (pr_bindings_init(s, own->ninputs + all->ninputs + own->ndims + all->ndims + own->nvalues + all->nvalues) < 0) {
        fprintf(stderr, "priori: out of memory\n");
        rc = PR_E_INTERNAL;
    }
    for (int k = 0; rc == 0 && k < 2; k++) {
        const struct pr_bindings *from = k == 0 ? own : all;
        for (int j = 0; j < from->ninputs; j++)
            s->inputs[s->ninputs++] = from->inputs[j];
        for (int j = 0; j < from->ndims; j++)
            s->dims[s->ndims++] = from->dims[j];
        for (int j = 0; j < from->nvalues; j++)
            s->values[s->nvalues++] = from->values[j];
    }
    return rc;
}

/* Warns when a symbol model i took as 1 is bound for another model by a
 * --dim after that model (which applies to it alone): the rows would
 * compare different shapes, and options at the end of a command line
 * usually mean "all". */
static void warn_uneven_dims(const struct pr_args *p, const struct pr_subject *s, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < s[i].an.nunbound; k++)
            for (int j = 0; j < n; j++) {
                const struct pr_bindings *own = &p->shapes[j + 1];
                int d = 0;
                while (d < own->ndims && strcmp(own->dims[d].symbol, s[i].an.unbound[k]) != 0)
                    d++;
                if (j == i || d == own->ndims)
                    continue;
                char *sym = pr_text_clean(s[i].an.unbound[k], 80), *a = pr_text_clean(s[i].path, 200),
                     *b = pr_text_clean(s[j].path, 200);
                fprintf(stderr,
                        "priori: warning: '%s' is %lld for %s (a --dim after a model applies to that model "
                        "only) but unbound, taken as 1, for %s: the rows compare different shapes; give "
                        "--dim %s=N before the first model to bind it for every model\n",
                        sym ? sym : "?", (long long)own->dims[d].value, b ? b : "?", a ? a : "?", sym ? sym : "?");
                free(sym), free(a), free(b);
                break;
            }
}

int pr_cmd_compare(int argc, char **argv)
{
    struct pr_args p;
    struct pr_hw hw = {0};
    struct pr_subject *subjects = NULL;
    int n = 0;
    char dbdir[PR_DB_DIR_MAX];
    int rc = pr_args_parse(&p, &pr_spec_compare, argc, argv);
    if (rc == 0 && p.npos < 1)
        rc = pr_args_usage_error(&p, "%s", "compare needs model files, e.g. priori compare a.onnx b.onnx");
    if (rc == 0)
        rc = pr_energy_args_check(&p.energy, "compare");
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    if ((rc = pr_cli_output_guard(p.text[OPT_OUTPUT], (const char *const *)p.pos, p.npos,
                                  p.energy.hw ? pr_energy_db_dir(&p.energy, dbdir, sizeof dbdir) : NULL)) != 0 ||
        (rc = pr_hw_open(&hw, &p.energy)) != 0)
        goto out;
    subjects = calloc((size_t)p.npos, sizeof *subjects);
    if (!subjects) {
        fprintf(stderr, "priori: out of memory\n");
        rc = PR_E_INTERNAL;
        goto out;
    }
    for (; n < p.npos; n++) {
        struct pr_bindings shapes;
        if ((rc = model_shapes(&p, n, &shapes)) != 0)
            goto out;
        rc = pr_subject_open(&subjects[n], p.pos[n], &shapes, 10, p.given[OPT_QUIET]);
        pr_bindings_free(&shapes);   /* the analysis keeps no pointer into it */
        if (rc || (rc = pr_subject_estimate(&subjects[n], &hw)) != 0) {
            n++;
            goto out;
        }
    }
    if (!p.given[OPT_QUIET])
        warn_uneven_dims(&p, subjects, n);
    struct pr_compare t;
    pr_compare_prepare(&t, subjects, n, p.format);
    rc = pr_cli_write(p.text[OPT_OUTPUT], pr_report_compare, &t);
out:
    for (int i = 0; i < n; i++)
        pr_subject_close(&subjects[i]);
    free(subjects);
    pr_hw_close(&hw);
    pr_args_free(&p);
    return rc;
}
