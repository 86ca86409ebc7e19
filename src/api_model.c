/* api_model.c -- models, analyses and their reports in the C API (see
 * include/priori.h).
 *
 * Inference fills a loaded model's value shapes in (analysis.h), so one
 * struct pr_model cannot serve two analyses with different dims at once.
 * A priori_model therefore keeps what the model was loaded from (its path,
 * or a copy of the buffer) and each priori_analyze loads its own struct
 * pr_model from it: the graph only (weights are never read, wire.h), the
 * same cost as the command line's load. priori_model_load loads once to
 * check the model, so a bad file fails there, and pins the file: its
 * identity then (device, inode, size, modification time) must be the one
 * every later load opens, so that all analyses of one priori_model see
 * the same model; a file replaced or written since is an error that says
 * to load it again, never a silent change of model. Analyses of one
 * priori_model thus share nothing mutable and may run in parallel.
 *
 * An analysis does what `priori analyze` does, in the same order: the
 * database and profile (--hw) first, the model, the analysis with the
 * loader's warnings after the analysis' own, --strict, the estimate. Its
 * reports are rendered by the renderers the command line uses (report.h),
 * so priori_render gives the bytes `priori analyze --format F` writes.
 */
#include "api_impl.h"

#include <stdlib.h>
#include <string.h>

/* Loads m's graph into pm (warnings into diag). 0, or -1 with err
 * ("PATH: why"). */
static int load(const priori_model *m, struct pr_model *pm, struct pr_diag *diag, struct pr_err *err)
{
    pr_diag_init(diag);
    int rc = m->data ? pr_model_load_buffer(pm, m->data, m->size, m->path, NULL, diag, err)
                     : pr_model_load(pm, m->path, diag, err);
    if (rc == 0 && m->pinned && !pr_file_id_same(&pm->file_id, &m->id)) {
        pr_model_free(pm);
        rc = pr_err_set(err, PR_E_IO, "the file was replaced or written since it was loaded (priori_model_load); "
                        "load it again to analyse what it holds now");
    }
    if (rc < 0) {
        pr_err_prefix(err, "%s", m->path);
        pr_diag_free(diag);
    }
    return rc;
}

priori_status pr_api_load(const priori_model *m, struct pr_model *pm, struct pr_diag *diag, priori_error *e)
{
    struct pr_err err = {0};
    return load(m, pm, diag, &err) < 0 ? pr_api_fail(e, &err, PRIORI_OK) : PRIORI_OK;
}

/* Checks that m loads; frees m and returns NULL with e set when not. */
static priori_model *checked(priori_model *m, priori_error *e)
{
    struct pr_model pm;
    struct pr_diag diag;
    struct pr_err err = {0};
    if (load(m, &pm, &diag, &err) < 0) {
        pr_api_fail(e, &err, PRIORI_OK);
        priori_model_free(m);
        return NULL;
    }
    pr_diag_free(&diag);
    m->id = pm.file_id;
    m->pinned = !m->data;
    pr_model_free(&pm);
    pr_api_ok(e);
    return m;
}

priori_model *priori_model_load(const char *path, priori_error *err)
{
    if (!path) {
        pr_api_set(err, PRIORI_E_ARG, "priori_model_load: path must not be NULL");
        return NULL;
    }
    priori_model *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(path))) {
        free(m);
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    return checked(m, err);
}

priori_model *priori_model_load_buffer(const void *data, size_t size, const char *name, priori_error *err)
{
    if (!data && size) {
        pr_api_set(err, PRIORI_E_ARG, "priori_model_load_buffer: data is NULL but size is %zu", size);
        return NULL;
    }
    priori_model *m = calloc(1, sizeof *m);
    if (m) {
        m->path = strdup(name ? name : "<buffer>");
        m->data = malloc(size ? size : 1);
        m->size = size;
    }
    if (!m || !m->path || !m->data) {
        priori_model_free(m);
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    if (size)
        memcpy(m->data, data, size);
    return checked(m, err);
}

void priori_model_free(priori_model *m)
{
    if (!m)
        return;
    free(m->path);
    free(m->data);
    free(m);
}

/* ---- analysis ---- */

void priori_analysis_free(priori_analysis *a)
{
    if (!a)
        return;
    pr_estimate_free(&a->est);
    if (a->analysed)
        pr_analysis_free(&a->an);
    if (a->loaded)
        pr_model_free(&a->model);
    pr_hw_close(&a->hw);
    free(a);
}

priori_analysis *priori_analyze(const priori_model *m, const priori_options *o, priori_error *err)
{
    struct priori_options defaults;
    if (!o) {
        pr_api_defaults(&defaults);
        o = &defaults;
    }
    if (!m) {
        pr_api_set(err, PRIORI_E_ARG, "priori_analyze: model must not be NULL");
        return NULL;
    }
    if (pr_api_only(o, C_ANALYZE, "priori_analyze", err) != PRIORI_OK)
        return NULL;
    struct pr_err e = {0};
    if (pr_energy_check(&o->energy, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        return NULL;
    }
    priori_analysis *a = calloc(1, sizeof *a);
    struct pr_dim_binding *dims = NULL;
    if (!a) {
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    if (pr_api_hw(&a->hw, o, err) != PRIORI_OK)
        goto fail;
    struct pr_diag load_diag;
    if (load(m, &a->model, &load_diag, &e) < 0) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto fail;
    }
    a->loaded = true;
    /* "batch" N is "dim" batch=N after the other bindings, as the command line has it */
    struct pr_options opt = {.top = (int)o->top};
    pr_bindings_apply(&o->bind, &opt);
    if (o->energy.batch) {
        dims = malloc(((size_t)o->bind.ndims + 1) * sizeof *dims);
        if (!dims) {
            pr_diag_free(&load_diag);
            pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
            goto fail;
        }
        if (o->bind.ndims)
            memcpy(dims, o->bind.dims, (size_t)o->bind.ndims * sizeof *dims);
        dims[o->bind.ndims] = (struct pr_dim_binding){.symbol = "batch", .value = o->energy.batch};
        opt.dims = dims;
        opt.ndims = o->bind.ndims + 1;
    }
    if (pr_analyze(&a->model, &opt, &a->an, &e) < 0) {
        pr_diag_free(&load_diag);
        pr_err_prefix(&e, "%s", m->path);
        pr_api_fail(err, &e, PRIORI_OK);
        goto fail;
    }
    a->analysed = true;
    for (size_t i = 0; i < load_diag.count; i++)   /* as the command line: the loader's warnings after */
        pr_diag_add(&a->an.diag, "%s", load_diag.msgs[i]);
    pr_diag_free(&load_diag);
    if ((o->strict && pr_strict_check(&a->an, m->path, &e) < 0) ||
        (a->hw.profile && pr_estimate(&a->an, a->hw.profile, &a->hw.opts, &a->est, &e) < 0)) {
        pr_api_fail(err, &e, PRIORI_OK);
        goto fail;
    }
    free(dims);
    pr_api_ok(err);
    return a;
fail:
    free(dims);
    priori_analysis_free(a);
    return NULL;
}

priori_status priori_analysis_totals(const priori_analysis *a, priori_totals *out)
{
    if (!a || !out)
        return PRIORI_E_ARG;
    const struct pr_totals *t = &a->an.totals;
    *out = (priori_totals){.params = t->params, .macs = t->macs, .flops = t->flops,
                           .weight_bytes = t->weight_bytes, .activation_bytes = t->activation_bytes,
                           .peak_activation_bytes = t->peak_activation_bytes, .bytes_read = t->bytes_read,
                           .bytes_written = t->bytes_written, .layers = a->an.nlayers,
                           .unsupported = a->an.nunsupported, .warnings = (int)a->an.diag.count};
    return PRIORI_OK;
}

const char *priori_analysis_warning(const priori_analysis *a, int i)
{
    if (!a || i < 0 || (size_t)i >= a->an.diag.count)
        return NULL;
    return a->an.diag.msgs[i];
}

/* ---- reports ---- */

struct rendering {
    const priori_analysis *a;
    priori_format format;
};

/* The renderer `priori analyze --format F` uses (cli/cmd_analyze.c). */
static int render(const void *ctx, FILE *f)
{
    const struct rendering *r = ctx;
    const struct pr_analysis *an = &r->a->an;
    const struct pr_estimate *e = r->a->hw.profile ? &r->a->est : NULL;
    switch (r->format) {
    case PRIORI_FORMAT_JSON: return pr_report_json_energy(an, e, f);
    case PRIORI_FORMAT_CSV: return pr_report_csv_energy(an, e, f);
    case PRIORI_FORMAT_MD: return pr_report_md(an, e, f);
    case PRIORI_FORMAT_HTML: return pr_report_html(an, e, f);
    default: return pr_report_table_energy(an, e, f);
    }
}

static priori_status analysis_format(const priori_analysis *a, priori_format f, priori_error *err)
{
    if (!a)
        return pr_api_set(err, PRIORI_E_ARG, "the analysis must not be NULL");
    if ((unsigned)f > PRIORI_FORMAT_HTML)
        return pr_api_set(err, PRIORI_E_ARG, "format %d: an analysis renders as table, json, csv, md or html", (int)f);
    return PRIORI_OK;
}

char *priori_render(const priori_analysis *a, priori_format f, priori_error *err)
{
    if (analysis_format(a, f, err) != PRIORI_OK)
        return NULL;
    struct rendering r = {.a = a, .format = f};
    return pr_api_string(render, &r, err);
}

priori_status priori_write(const priori_analysis *a, priori_format f, FILE *out, priori_error *err)
{
    priori_status s = analysis_format(a, f, err);
    if (s != PRIORI_OK)
        return s;
    if (!out)
        return pr_api_set(err, PRIORI_E_ARG, "priori_write: the stream must not be NULL");
    struct rendering r = {.a = a, .format = f};
    if (render(&r, out) < 0 || fflush(out) == EOF || ferror(out))
        return pr_api_set(err, PRIORI_E_IO, "cannot write the report to the stream");
    pr_api_ok(err);
    return PRIORI_OK;
}
