/* api_review.c -- the review commands in the C API: priori_compare,
 * priori_diff and priori_check do what `priori compare`, `priori diff` and
 * `priori check` do (cli/cmd_compare.c, cmd_diff.c, cmd_check.c), in the
 * same order and with the same messages, and return what those commands
 * write, rendered by the same renderers (report_review.h).
 *
 * Options: the bindings ("input", "dim", "value") apply to every model, and
 * the --hw family's "hw", "precision", "scenario", "region", "carbon",
 * "pue" and "db" estimate every model on one profile. The options only
 * `priori analyze` takes ("strict", "train", "batch", "samples", "epochs",
 * "dataset-size", "inferences") are refused here (PRIORI_E_ARG), as the
 * command line refuses them; "top" does not apply (reviews list no top
 * layers).
 */
#include "api_impl.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "gate.h"
#include "report_review.h"

_Static_assert((int)PRIORI_FORMAT_GITHUB == (int)PR_FORMAT_GITHUB && (int)PRIORI_FORMAT_MD == (int)PR_FORMAT_MD &&
               (int)PRIORI_FORMAT_HTML == (int)PR_FORMAT_HTML, "priori_format follows enum pr_format");

/* A review: its options checked, the database open, its subjects. */
struct review {
    struct priori_options defaults;
    const struct priori_options *o;
    struct pr_hw hw;
    struct pr_options opt;
};

static priori_status begin(struct review *r, const struct priori_options *o, const char *cmd, priori_format f,
                           int nformats, priori_error *e)
{
    memset(r, 0, sizeof *r);
    if (!o) {
        pr_api_defaults(&r->defaults);
        o = &r->defaults;
    }
    r->o = o;
    if ((unsigned)f > PRIORI_FORMAT_GITHUB || (f == PRIORI_FORMAT_HTML) ||
        (f == PRIORI_FORMAT_GITHUB && nformats < 6))
        return pr_api_set(e, PRIORI_E_ARG, "format %d: %s writes table, json, csv%s", (int)f, cmd,
                          nformats == 6 ? ", md or github" : " or md");
    const struct pr_energy_args *a = &o->energy;
    if (o->strict || a->train || a->batch || a->samples || a->epochs || a->dataset_size || a->inferences)
        return pr_api_set(e, PRIORI_E_ARG, "%s: strict, train, batch, samples, epochs, dataset-size and inferences "
                          "are options of an analysis only (priori_analyze)", cmd);
    /* the options of priori_sweep and priori_llm; "top" is let through (it does not apply) */
    priori_status st = pr_api_only(o, C_REVIEW | C_ANALYZE, cmd, e);
    if (st != PRIORI_OK)
        return st;
    struct pr_err err = {0};
    if (pr_energy_check(a, &err) < 0)
        return pr_api_fail(e, &err, PRIORI_OK);
    r->opt.top = 10;
    pr_bindings_apply(&o->bind, &r->opt);
    return PRIORI_OK;
}

/* Analyses path into s, as pr_subject_open does for the command line. */
static priori_status analyse(struct review *r, struct pr_subject *s, const char *path, priori_error *e)
{
    struct pr_err err = {0};
    if (!path) {
        memset(s, 0, sizeof *s);
        return pr_api_set(e, PRIORI_E_ARG, "a model path must not be NULL");
    }
    if (pr_subject_analyze(s, path, &r->opt, &err) < 0) {
        pr_err_prefix(&err, "%s", path);
        return pr_api_fail(e, &err, PRIORI_OK);
    }
    return PRIORI_OK;
}

/* Estimates s on the review's profile, as pr_subject_estimate does. */
static priori_status estimate(struct review *r, struct pr_subject *s, priori_error *e)
{
    struct pr_err err = {0};
    if (pr_subject_energy(s, r->hw.profile, &r->hw.opts, &err) < 0) {
        pr_err_prefix(&err, "%s", s->path);
        return pr_api_fail(e, &err, PRIORI_OK);
    }
    return PRIORI_OK;
}

/* Analyses and estimates path into s. */
static priori_status subject(struct review *r, struct pr_subject *s, const char *path, priori_error *e)
{
    priori_status st = analyse(r, s, path, e);
    return st != PRIORI_OK ? st : estimate(r, s, e);
}

char *priori_compare(const char *const *paths, int n, const priori_options *o, priori_format f, priori_error *err)
{
    struct review r;
    struct pr_subject *s = NULL;
    char *out = NULL;
    int done = 0;
    if (!paths || n < 2) {
        pr_api_set(err, PRIORI_E_ARG, "compare needs at least two models, got %d", paths ? n : 0);
        return NULL;
    }
    if (begin(&r, o, "compare", f, 4, err) != PRIORI_OK || pr_api_hw(&r.hw, r.o, err) != PRIORI_OK)
        goto out;
    s = calloc((size_t)n, sizeof *s);
    if (!s) {
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        goto out;
    }
    for (; done < n; done++)
        if (subject(&r, &s[done], paths[done], err) != PRIORI_OK) {
            done++;
            goto out;
        }
    struct pr_compare t;
    pr_compare_prepare(&t, s, n, (enum pr_format)f);
    out = pr_api_string(pr_report_compare, &t, err);
out:
    for (int i = 0; i < done; i++)
        pr_subject_close(&s[i]);
    free(s);
    pr_hw_close(&r.hw);
    return out;
}

char *priori_diff(const char *old_path, const char *new_path, const priori_options *o, int all, priori_format f,
                  priori_error *err)
{
    struct review r;
    struct pr_subject old = {0}, new_ = {0};
    struct pr_diff d = {0};
    struct pr_err e = {0};
    char *out = NULL;
    if (begin(&r, o, "diff", f, 4, err) != PRIORI_OK || pr_api_hw(&r.hw, r.o, err) != PRIORI_OK ||
        analyse(&r, &old, old_path, err) != PRIORI_OK || analyse(&r, &new_, new_path, err) != PRIORI_OK ||
        estimate(&r, &old, err) != PRIORI_OK || estimate(&r, &new_, err) != PRIORI_OK)
        goto out;
    if (pr_diff_layers(&old.an, &new_.an, &d, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto out;
    }
    struct pr_diff_view view = {.old = &old, .new_ = &new_, .d = &d, .all = all != 0, .format = (enum pr_format)f};
    out = pr_api_string(pr_report_diff, &view, err);
out:
    pr_diff_free(&d);
    pr_subject_close(&old);
    pr_subject_close(&new_);
    pr_hw_close(&r.hw);
    return out;
}

char *priori_check(const char *model_path, const char *budget_path, const char *baseline_path,
                   const char *max_growth, const priori_options *o, priori_format f, int *passed,
                   priori_error *err)
{
    struct review r;
    struct pr_budget budget = {0};
    struct pr_baseline baseline = {0};
    struct pr_subject s = {0};
    struct pr_gate gate = {0};
    struct pr_err e = {0};
    double growth[PR_M_COUNT];
    char *out = NULL;
    memset(&r, 0, sizeof r);
    if (passed)
        *passed = 0;
    if (!model_path) {
        pr_api_set(err, PRIORI_E_ARG, "check needs a model file");
        return NULL;
    }
    if (pr_check_inputs(budget_path, baseline_path, max_growth, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        return NULL;
    }
    if (begin(&r, o, "check", f, 6, err) != PRIORI_OK)
        goto out;
    /* the cheap, hostile inputs first, as the command line: a bad budget fails before the model loads */
    if ((max_growth && pr_growth_parse(max_growth, growth, &e) < 0) ||
        (budget_path && pr_budget_load(&budget, budget_path, &e) < 0) ||
        (baseline_path && pr_baseline_load(&baseline, baseline_path, &e) < 0)) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto out;
    }
    if (pr_api_hw(&r.hw, r.o, err) != PRIORI_OK || analyse(&r, &s, model_path, err) != PRIORI_OK)
        goto out;
    if (pr_unbound_check(&s, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto out;
    }
    if (estimate(&r, &s, err) != PRIORI_OK)
        goto out;
    if (pr_gate_eval(&gate, &s, budget_path ? &budget : NULL, baseline_path ? &baseline : NULL,
                     max_growth ? growth : NULL, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto out;
    }
    struct pr_check_view view = {.s = &s, .g = &gate, .budget = budget_path, .baseline = baseline_path,
                                 .format = (enum pr_format)f};
    out = pr_api_string(pr_report_check, &view, err);
    if (out && passed)
        *passed = gate.nbreaches == 0;
out:
    pr_gate_free(&gate);
    pr_subject_close(&s);
    pr_budget_free(&budget);
    pr_baseline_free(&baseline);
    pr_hw_close(&r.hw);
    return out;
}
