/* calibrate_roof.c -- `priori calibrate` for roofline (GPU) profiles:
 * profiles whose records name models with kernels (cmd_import.c).
 *
 * Rows: the profile's records without an "excluded" reason, each one call
 * of the whole batch (energy = j_per_sample x batch, latency_s); a
 * training profile (scenario "train") runs the training-step kernels
 * (roofline.c). Fit: fit_roof.c over all batch sizes together, bounded by
 * the spec (peak ops/s, bandwidth). Validation, per sample (the same
 * relative error as per call):
 *   leave-one-model-out  each model (all its batches) predicted by a fit
 *                        on the other models: median and p90 |error| of
 *                        energy and latency;
 *   leave-one-family-out each family predicted by a fit on the others;
 *   Spearman             at each batch size, across models, between the
 *                        held-out predicted and the measured energy per
 *                        sample;
 *   baselines            E ~ MACs and E = a + b*MACs (held out the same
 *                        way), TDP x measured latency;
 *   in-fit               the fit on every row, on those rows: no row held
 *                        out, so no held-out figure can be expected below
 *                        it (what the model's features explain at best).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate_roof.h"
#include "fit.h"
#include "roofline.h"

bool pr_profile_is_roof(const struct pr_db *db, const struct pr_profile *p)
{
    bool any = false;
    for (int i = 0; i < db->nrecords; i++) {
        if (strcmp(db->records[i].profile, p->id) != 0)
            continue;
        const struct pr_db_model *m = pr_db_model_find(db, db->records[i].model);
        if (!m || !m->nkernels)
            return false;
        any = true;
    }
    return any;
}

double pr_precision_bytes(const char *precision)
{
    if (strncmp(precision, "fp16", 4) == 0 || strncmp(precision, "bf16", 4) == 0)
        return 2;
    if (strncmp(precision, "int8", 4) == 0 || strncmp(precision, "fp8", 3) == 0)
        return 1;
    return 4;
}

struct rows {
    struct pr_roof_sample *s;
    struct pr_kgroup **owned;   /* the kernels of each row's call (inference or training) */
    int n;
};

static void rows_free(struct rows *r)
{
    for (int i = 0; r->owned && i < r->n; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->s);
}

static int rows_of(const struct pr_db *db, const struct pr_profile *p, struct rows *r)
{
    memset(r, 0, sizeof *r);
    r->s = calloc((size_t)db->nrecords + 1, sizeof *r->s);
    r->owned = calloc((size_t)db->nrecords + 1, sizeof *r->owned);
    if (!r->s || !r->owned)
        return -1;
    for (int i = 0; i < db->nrecords; i++) {
        const struct pr_db_record *rec = &db->records[i];
        const struct pr_db_model *m = pr_db_model_find(db, rec->model);
        if (strcmp(rec->profile, p->id) != 0 || !m || !m->nkernels || (rec->excluded && *rec->excluded) ||
            !(rec->latency_s > 0))
            continue;
        double batch = rec->batch > 0 ? rec->batch : m->batch > 0 ? m->batch : 1;
        struct pr_roof_sample *s = &r->s[r->n];
        *s = (struct pr_roof_sample){.k = m->kernels, .nk = m->nkernels, .batch = batch,
                                     .scale = pr_precision_bytes(p->precision) / m->float_bytes,
                                     .energy_j = rec->j_per_sample * batch, .latency_s = rec->latency_s,
                                     .macs = m->f.macs, .model = m->graph, .family = m->family};
        struct pr_kgroup *k;
        bool half = pr_roof_half(&p->roof);
        s->nk = p->roof.train ? pr_train_kernels(m->kernels, m->nkernels, m->f.params, s->scale, half, &k)
                              : pr_infer_kernels(m->kernels, m->nkernels, half, &k);
        if (s->nk < 0)
            return -1;
        s->k = r->owned[r->n] = k;
        r->n++;
    }
    return 0;
}

static int distinct_models(const struct rows *r)
{
    int k = 0;
    for (int i = 0; i < r->n; i++) {
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(r->s[j].model, r->s[i].model) == 0;
        k += !seen;
    }
    return k;
}

/* |error| in percent of predicted against measured, into err; median / p90. */
static void errors(const double *pred, const struct rows *r, bool latency, double *err, double *med, double *p90)
{
    int k = 0;
    for (int i = 0; i < r->n; i++) {
        double m = latency ? r->s[i].latency_s : r->s[i].energy_j;
        if (pred[i] > 0)
            err[k++] = 100 * fabs(pred[i] / m - 1);
    }
    *med = pr_median(err, k);
    *p90 = pr_percentile(err, k, 90);
}

/* Spearman at each batch size (of at least 3 models) with the held-out
 * energies e, into out. */
static void spearman(const struct rows *r, const double *e, double *x, double *y, struct pr_roof_report *out)
{
    int done[PR_ROOF_BATCHES], nd = 0;
    for (int i = 0; i < r->n; i++) {
        int b = (int)r->s[i].batch;
        bool seen = false;
        for (int j = 0; j < nd; j++)
            seen |= done[j] == b;
        if (seen || nd == PR_ROOF_BATCHES)
            continue;
        done[nd++] = b;
        int k = 0;
        for (int j = 0; j < r->n; j++)
            if ((int)r->s[j].batch == b && e[j] > 0) {
                x[k] = e[j] / r->s[j].batch;
                y[k++] = r->s[j].energy_j / r->s[j].batch;
            }
        if (k >= 3)
            out->spearman[out->nspearman++] = (struct pr_roof_rank){.batch = b, .models = k,
                                                                   .rho = pr_spearman(x, y, k)};
    }
}

int pr_calibrate_roof(const struct pr_db *db, struct pr_profile *p, bool baselines, struct pr_roof_report *out)
{
    struct rows r;
    memset(out, 0, sizeof *out);
    p->roof.elem_bytes = pr_precision_bytes(p->precision);
    p->roof.train = strcmp(p->scenario, "train") == 0;
    int rc = rows_of(db, p, &r);
    double *e = malloc(((size_t)r.n + 1) * 4 * sizeof *e);
    if (rc < 0 || !e) {
        rows_free(&r);
        free(e);
        return -1;
    }
    double *t = e + r.n + 1, *err = t + r.n + 1, *aux = err + r.n + 1;
    int models = distinct_models(&r);
    *out = (struct pr_roof_report){.counted = true, .models = models, .rows = r.n,
                                   .fitted = models >= PR_FIT_MIN_MODELS};
    if (models < PR_FIT_MIN_MODELS) {
        rows_free(&r);
        free(e);
        return 0;
    }
    struct pr_roof_bounds b = pr_roof_bounds_of(&p->spec);
    rc = pr_roof_fit(r.s, r.n, &b, &p->roof);
    p->has_roof = rc == 0;
    for (int i = 0; rc == 0 && i < r.n; i++)
        pr_roof_call(&p->roof, r.s[i].k, r.s[i].nk, r.s[i].scale, &t[i], &e[i]);
    if (rc == 0) {
        errors(e, &r, false, err, &out->fit_err[0], &out->fit_err[1]);
        errors(t, &r, true, err, &out->fit_err[2], &out->fit_err[3]);
    }
    p->method = PR_METHOD_FITTED;
    struct pr_valid *v = &p->valid;
    *v = (struct pr_valid){.models = models, .loo_median = -1, .loo_p90 = -1, .xfam_median = -1,
                           .lat_loo_median = -1, .lat_loo_p90 = -1, .lat_xfam_median = -1};
    for (int kind = 0; kind < (baselines ? 3 : 1) && rc == 0; kind++) {
        double *c = out->err[kind];   /* energy LOMO med, p90, LOFO med; latency the same */
        out->nkinds++;
        rc = pr_roof_holdout(r.s, r.n, &b, kind, false, e, t);
        errors(e, &r, false, err, &c[0], &c[1]);
        errors(t, &r, true, err, &c[3], &c[4]);
        if (kind == 0) {
            v->loo_median = c[0], v->loo_p90 = c[1], v->lat_loo_median = c[3], v->lat_loo_p90 = c[4];
            spearman(&r, e, err, aux, out);
        }
        if (rc == 0)
            rc = pr_roof_holdout(r.s, r.n, &b, kind, true, e, t);
        double unused;
        errors(e, &r, false, err, &c[2], &unused);
        errors(t, &r, true, err, &c[5], &unused);
        if (kind == 0)
            v->xfam_median = c[2], v->lat_xfam_median = c[5];
    }
    if (baselines && p->spec.tdp_w > 0) {
        for (int i = 0; i < r.n; i++)
            e[i] = p->spec.tdp_w * r.s[i].latency_s;
        out->tdp = true;
        errors(e, &r, false, err, &out->tdp_err[0], &out->tdp_err[1]);
    }
    rows_free(&r);
    free(e);
    return rc;
}
