/* api_run.c -- cost curves and generation requests in the C API:
 * priori_sweep does what `priori sweep` does (cli/cmd_sweep.c) and
 * priori_llm what `priori llm` does (cli/cmd_llm.c), in the same order
 * and with the same messages; their results are read as structs
 * (priori_sweep_point, priori_llm_info, priori_llm_call: the numbers of
 * the JSON reports) and rendered by the renderers the command line uses
 * (report_sweep.h, report_llm.h), so priori_sweep_render gives the bytes
 * `priori sweep --format F` writes.
 *
 * Like priori_analyze, each call loads its own struct pr_model from the
 * priori_model (api_model.c) and keeps it in the result, with the
 * database (for --hw) and copies of what it needs from the options: the
 * axes of a sweep (symbols and values), the names that steer the KV-cache
 * recognition (the layout points into them). A result therefore points
 * into nothing of the options; the loaded graph refers to the
 * priori_model's path (or bytes), which must outlive the result, as for an
 * analysis.
 *
 * Options: pr_api_only refuses what the command does not take (options.def
 * names the commands of every row): "top", "strict" and the training
 * options for both, the llm options for priori_sweep, a range for
 * priori_llm.
 */
#include "api_impl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "llm.h"
#include "report_llm.h"
#include "report_sweep.h"
#include "roofline.h"

/* A regime's name, NULL for none (a profile without a roofline). */
static const char *regime_name(int r)
{
    return r > PR_REGIME_NONE && r <= PR_REGIME_MEMORY ? pr_regime_name[r] : NULL;
}

/* Renders through render(ctx, f) to out: PRIORI_OK or PRIORI_E_IO. */
static priori_status write_to(int (*render)(const void *ctx, FILE *f), const void *ctx, FILE *out, priori_error *err)
{
    if (!out)
        return pr_api_set(err, PRIORI_E_ARG, "the stream must not be NULL");
    if (render(ctx, out) < 0 || fflush(out) == EOF || ferror(out))
        return pr_api_set(err, PRIORI_E_IO, "cannot write the report to the stream");
    pr_api_ok(err);
    return PRIORI_OK;
}

/* Table, json, csv, md or html: PRIORI_OK, else PRIORI_E_ARG naming cmd. */
static priori_status report_format(const void *result, priori_format f, const char *cmd, priori_error *err)
{
    if (!result)
        return pr_api_set(err, PRIORI_E_ARG, "the %s result must not be NULL", cmd);
    if ((unsigned)f > PRIORI_FORMAT_HTML)
        return pr_api_set(err, PRIORI_E_ARG, "format %d: %s writes table, json, csv, md or html", (int)f, cmd);
    return PRIORI_OK;
}

/* The start both share: the options (NULL: defaults) refused or checked,
 * the database and profile opened, the model loaded. */
static priori_status open_run(const priori_model *m, const struct priori_options *o, unsigned cmd, const char *fn,
                              struct pr_hw *hw, struct pr_model *pm, struct pr_diag *diag, priori_error *err)
{
    if (!m)
        return pr_api_set(err, PRIORI_E_ARG, "%s: model must not be NULL", fn);
    priori_status s = pr_api_only(o, cmd, fn, err);
    if (s != PRIORI_OK)
        return s;
    struct pr_err e = {0};
    if (cmd == C_SWEEP ? pr_sweep_ranges_check(o->nranges, &e) < 0
                       : pr_llm_args_check(o->given[OPT_PROMPT], o->given[OPT_GENERATE], o->points, &e) < 0)
        return pr_api_fail(err, &e, PRIORI_OK);
    if (pr_energy_check(&o->energy, &e) < 0)
        return pr_api_fail(err, &e, PRIORI_OK);
    if ((s = pr_api_hw(hw, o, err)) != PRIORI_OK)
        return s;
    return pr_api_load(m, pm, diag, err);
}

/* ---- sweep ---- */

struct priori_sweep_result {
    struct pr_model model;
    struct pr_hw hw;
    struct pr_sweep_axis axes[PR_SWEEP_MAX_AXES];   /* copies: symbols and values owned here */
    struct pr_sweep sweep;
    bool loaded, ran;
};

void priori_sweep_free(priori_sweep_result *s)
{
    if (!s)
        return;
    if (s->ran)
        pr_sweep_free(&s->sweep);
    if (s->loaded)
        pr_model_free(&s->model);
    for (int k = 0; k < PR_SWEEP_MAX_AXES; k++) {
        free((char *)s->axes[k].symbol);
        pr_sweep_axis_free(&s->axes[k]);
    }
    pr_hw_close(&s->hw);
    free(s);
}

/* Copies the options' first n axes into s. PRIORI_OK or nomem. */
static priori_status copy_axes(priori_sweep_result *s, const struct priori_options *o, int n, priori_error *err)
{
    for (int k = 0; k < n; k++) {
        const struct pr_sweep_axis *a = &o->axes[k];
        s->axes[k].symbol = strdup(a->symbol);
        s->axes[k].values = malloc((size_t)a->n * sizeof *a->values);
        if (!s->axes[k].symbol || !s->axes[k].values)
            return pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        memcpy(s->axes[k].values, a->values, (size_t)a->n * sizeof *a->values);
        s->axes[k].n = a->n;
    }
    return PRIORI_OK;
}

priori_sweep_result *priori_sweep(const priori_model *m, const priori_options *o, priori_error *err)
{
    struct priori_options defaults;
    if (!o) {
        pr_api_defaults(&defaults);
        o = &defaults;
    }
    priori_sweep_result *s = calloc(1, sizeof *s);
    if (!s) {
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    struct pr_diag load_diag;
    if (open_run(m, o, C_SWEEP, "priori_sweep", &s->hw, &s->model, &load_diag, err) != PRIORI_OK)
        goto fail;
    s->loaded = true;
    int naxes = o->nranges;   /* 1 or 2: checked by open_run */
    if (copy_axes(s, o, naxes, err) != PRIORI_OK) {
        pr_diag_free(&load_diag);
        goto fail;
    }
    struct pr_options base = {0};
    pr_bindings_apply(&o->bind, &base);
    struct pr_sweep_opts so = {.base = &base, .axes = s->axes, .naxes = naxes, .profile = s->hw.profile,
                               .energy = &s->hw.opts};
    struct pr_err e = {0};
    if (pr_sweep_run(&s->model, &so, &s->sweep, &e) < 0) {
        pr_diag_free(&load_diag);
        pr_err_prefix(&e, "%s", m->path);
        pr_api_fail(err, &e, PRIORI_OK);
        goto fail;
    }
    s->ran = true;
    for (size_t i = 0; i < load_diag.count; i++)   /* the loader's warnings, after the points', as the CLI */
        pr_diag_add(&s->sweep.diag, "%s", load_diag.msgs[i]);
    pr_diag_free(&load_diag);
    if (s->sweep.nfailed == s->sweep.npoints) {
        pr_api_set(err, PRIORI_E_MODEL, "%s: the analysis fails at every point of the sweep; the first: %s", m->path,
                   s->sweep.points[0].error ? s->sweep.points[0].error : "?");
        goto fail;
    }
    pr_api_ok(err);
    return s;
fail:
    priori_sweep_free(s);
    return NULL;
}

priori_status priori_sweep_summary(const priori_sweep_result *s, priori_sweep_info *out)
{
    if (!s || !out)
        return PRIORI_E_ARG;
    const struct pr_sweep *w = &s->sweep;
    *out = (priori_sweep_info){.axes = w->naxes, .points = w->npoints, .failed = w->nfailed,
                               .estimated = s->hw.profile != NULL, .warnings = (int)w->diag.count};
    for (int k = 0; k < w->naxes; k++) {
        out->symbol[k] = w->axes[k].symbol;
        out->nvalues[k] = w->axes[k].n;
    }
    return PRIORI_OK;
}

priori_status priori_sweep_point_at(const priori_sweep_result *s, int i, priori_sweep_point *out)
{
    if (!s || !out || i < 0 || i >= s->sweep.npoints)
        return PRIORI_E_ARG;
    const struct pr_sweep_point *p = &s->sweep.points[i];
    const struct pr_totals *t = &p->totals;
    *out = (priori_sweep_point){
        .at = {p->at[0], p->at[1]}, .status = (priori_point_status)p->status, .error = p->error,
        .params = t->params, .macs = t->macs, .flops = t->flops, .weight_bytes = t->weight_bytes,
        .activation_bytes = t->activation_bytes, .peak_activation_bytes = t->peak_activation_bytes,
        .bytes_read = t->bytes_read, .bytes_written = t->bytes_written,
        .latency_s = p->latency_s, .energy_j = p->energy_j, .co2e_g = p->co2e_g, .regime = regime_name(p->regime)};
    return PRIORI_OK;
}

_Static_assert((int)PRIORI_POINT_OK == (int)PR_SWEEP_OK && (int)PRIORI_POINT_INCOMPLETE == (int)PR_SWEEP_INCOMPLETE &&
               (int)PRIORI_POINT_FAILED == (int)PR_SWEEP_FAILED, "priori_point_status follows enum pr_sweep_status");

const char *priori_sweep_warning(const priori_sweep_result *s, int i)
{
    if (!s || i < 0 || (size_t)i >= s->sweep.diag.count)
        return NULL;
    return s->sweep.diag.msgs[i];
}

struct sweep_rendering {
    const priori_sweep_result *s;
    priori_format format;
};

static int render_sweep(const void *ctx, FILE *f)
{
    const struct sweep_rendering *r = ctx;
    return pr_report_sweep(&r->s->sweep, (enum pr_format)r->format, f);
}

char *priori_sweep_render(const priori_sweep_result *s, priori_format f, priori_error *err)
{
    if (report_format(s, f, "sweep", err) != PRIORI_OK)
        return NULL;
    struct sweep_rendering r = {.s = s, .format = f};
    return pr_api_string(render_sweep, &r, err);
}

priori_status priori_sweep_write(const priori_sweep_result *s, priori_format f, FILE *out, priori_error *err)
{
    priori_status st = report_format(s, f, "sweep", err);
    struct sweep_rendering r = {.s = s, .format = f};
    return st != PRIORI_OK ? st : write_to(render_sweep, &r, out, err);
}

/* ---- llm ---- */

enum { NHINTS = 5 };

struct priori_llm_result {
    struct pr_model model;
    struct pr_hw hw;
    char *hints[NHINTS];        /* copies of the options' --kv-* names: the layout points into them */
    struct pr_kv_layout kv;
    struct pr_llm llm;
    bool loaded, recognised, ran;
};

void priori_llm_free(priori_llm_result *l)
{
    if (!l)
        return;
    if (l->ran)
        pr_llm_free(&l->llm);
    if (l->recognised)
        pr_kv_free(&l->kv);
    if (l->loaded)
        pr_model_free(&l->model);
    for (int k = 0; k < NHINTS; k++)
        free(l->hints[k]);
    pr_hw_close(&l->hw);
    free(l);
}

/* A copy of text (NULL stays NULL) into *slot; -1 out of memory. */
static int copy_text(const char *text, char **slot)
{
    *slot = text ? strdup(text) : NULL;
    return text && !*slot ? -1 : 0;
}

priori_llm_result *priori_llm(const priori_model *m, const priori_options *o, priori_error *err)
{
    struct priori_options defaults;
    if (!o) {
        pr_api_defaults(&defaults);
        o = &defaults;
    }
    priori_llm_result *l = calloc(1, sizeof *l);
    if (!l) {
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    struct pr_diag load_diag;
    if (open_run(m, o, C_LLM, "priori_llm", &l->hw, &l->model, &load_diag, err) != PRIORI_OK)
        goto fail;
    l->loaded = true;
    const struct pr_kv_hints *h = &o->kv;
    if (copy_text(h->kv_inputs, &l->hints[0]) < 0 || copy_text(h->kv_outputs, &l->hints[1]) < 0 ||
        copy_text(h->past_dim, &l->hints[2]) < 0 || copy_text(h->seq_dim, &l->hints[3]) < 0 ||
        copy_text(h->total_dims, &l->hints[4]) < 0) {
        pr_diag_free(&load_diag);
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        goto fail;
    }
    struct pr_kv_hints hints = {.kv_inputs = l->hints[0], .kv_outputs = l->hints[1], .past_dim = l->hints[2],
                                .seq_dim = l->hints[3], .total_dims = l->hints[4], .buffer_rows = h->buffer_rows};
    struct pr_options base = {.top = 10};
    pr_bindings_apply(&o->bind, &base);
    struct pr_llm_request req = {.prompt = o->prompt, .generate = o->generate, .batch = o->energy.batch,
                                 .points = o->points > INT_MAX ? INT_MAX : (int)o->points,
                                 .every_step = o->every_step, .base = &base, .profile = l->hw.profile,
                                 .eopts = &l->hw.opts};
    struct pr_err e = {0};
    int rc = pr_kv_recognise(&l->model, &hints, &l->kv, &e);
    if (rc == 0) {
        l->recognised = true;
        rc = pr_llm_run(&l->model, &l->kv, &req, &l->llm, &e);
    }
    if (rc < 0) {
        pr_diag_free(&load_diag);
        pr_err_prefix(&e, "%s", m->path);
        pr_api_fail(err, &e, PRIORI_OK);
        goto fail;
    }
    l->ran = true;
    for (size_t i = 0; i < load_diag.count; i++)   /* the loader's warnings, after the analyses', as the CLI */
        pr_diag_add(&l->llm.diag, "%s", load_diag.msgs[i]);
    pr_diag_free(&load_diag);
    pr_api_ok(err);
    return l;
fail:
    priori_llm_free(l);
    return NULL;
}

/* c as a priori_llm_call; the time, energy and regime only with a profile. */
static priori_llm_call call_of(const struct pr_llm *l, const struct pr_llm_cost *c)
{
    return (priori_llm_call){.context = c->context, .past = c->past, .new_tokens = c->seq, .macs = c->macs,
                             .flops = c->flops, .bytes_read = c->bytes_read, .bytes_written = c->bytes_written,
                             .activation_bytes = c->activation_bytes, .kv_bytes = c->kv_bytes,
                             .latency_s = l->estimated ? c->latency_s : -1, .energy_j = l->estimated ? c->energy_j : -1,
                             .regime = l->estimated ? regime_name(c->regime) : NULL, .analysed = c->analysed};
}

priori_status priori_llm_summary(const priori_llm_result *r, priori_llm_info *out)
{
    if (!r || !out)
        return PRIORI_E_ARG;
    const struct pr_llm *l = &r->llm;
    double none = -1;
    *out = (priori_llm_info){
        .prompt = l->prompt, .generate = l->generate, .batch = l->batch, .prefill = call_of(l, &l->prefill),
        .decode = call_of(l, &l->decode), .request = call_of(l, &l->request), .params = l->params,
        .weight_bytes = l->weight_bytes, .kv_bytes_per_token = l->kv_bytes_per_token, .kv_bytes_end = l->kv_bytes_end,
        .prefill_peak_activation_bytes = l->prefill_peak_bytes, .decode_peak_activation_bytes = l->decode_peak_bytes,
        .interpolated = l->affine, .analysed_contexts = l->nanalysed, .complete = !l->incomplete,
        .layout = r->kv.style, .layout_how = r->kv.how, .estimated = l->estimated,
        .time_to_first_token_s = l->estimated ? l->ttft_s : none, .decode_s = l->estimated ? l->decode_s : none,
        .tokens_per_s = l->estimated ? l->tokens_per_s : none,
        .energy_per_request_j = l->estimated ? l->energy_request_j : none,
        .energy_per_token_j = l->estimated ? l->energy_per_token_j : none,
        .co2e_per_request_g = l->estimated ? l->co2e_request_g : none, .warnings = (int)l->diag.count};
    return PRIORI_OK;
}

priori_status priori_llm_step(const priori_llm_result *r, int64_t i, priori_llm_call *out)
{
    if (!r || !out || i < 0 || i >= r->llm.generate)
        return PRIORI_E_ARG;
    *out = call_of(&r->llm, &r->llm.steps[i]);
    return PRIORI_OK;
}

const char *priori_llm_warning(const priori_llm_result *l, int i)
{
    if (!l || i < 0 || (size_t)i >= l->llm.diag.count)
        return NULL;
    return l->llm.diag.msgs[i];
}

struct llm_rendering {
    const priori_llm_result *l;
    priori_format format;
};

static int render_llm(const void *ctx, FILE *f)
{
    const struct llm_rendering *r = ctx;
    return pr_report_llm(&r->l->model, &r->l->llm, (enum pr_format)r->format, f);
}

char *priori_llm_render(const priori_llm_result *l, priori_format f, priori_error *err)
{
    if (report_format(l, f, "llm", err) != PRIORI_OK)
        return NULL;
    struct llm_rendering r = {.l = l, .format = f};
    return pr_api_string(render_llm, &r, err);
}

priori_status priori_llm_write(const priori_llm_result *l, priori_format f, FILE *out, priori_error *err)
{
    priori_status st = report_format(l, f, "llm", err);
    struct llm_rendering r = {.l = l, .format = f};
    return st != PRIORI_OK ? st : write_to(render_llm, &r, out, err);
}
