/* energy.c -- the estimator (DESIGN.md "Energy model").
 *
 * Per layer l with work w_lc of class c (MACs of dense conv/GEMM, MACs of
 * depthwise conv, non-MAC FLOPs), bytes B_l read + written, and
 * d_l = 1 when the layer has MACs (one dispatch):
 *
 * fitted and anchor profiles (coefficients from `priori calibrate`):
 *   t_l = sum_c w_lc * t_c + B_l * t_byte + d_l * t_layer
 *   E_l = sum_c w_lc * e_c + B_l * e_byte + d_l * e_layer
 *   latency = t_fixed + sum_l t_l        E = e_fixed + sum_l E_l
 *   The static power is inside the coefficients: with t linear in the
 *   work, P_static * sum(t) + sum(work * e_dyn) is again linear in the work,
 *   so the fit cannot separate the two and does not pretend to.
 *
 * spec-only profiles (spec values, no measurement): the roofline
 *   t_l = max(2*w_dense/(peak*eff_dense) + 2*w_dw/(peak*eff_dw)
 *             + w_other/(peak*eff_other),  B_l/(bw*eff_mem))
 *   E = TDP * sum_l t_l    (peak in ops/s, one MAC = 2 ops)
 *
 * Regime of a layer (reports of roofline profiles; priori llm for all):
 * the term of its time that is largest -- compute (the work), memory
 * (the bytes) or launch (t_layer, fitted profiles).
 *
 * CO2e = E [J] / 3.6e6 [J/kWh] * PUE * intensity [g/kWh].
 * Baselines for the same latency t:
 *   ML CO2 Impact:     E = TDP * t                  (no PUE)
 *   Green Algorithms:  E = (TDP * usage + 0.3725 W/GB * mem_GB) * t * PUE,
 *                      usage = 1 (the whole chip, as TDP covers all cores)
 */
#include "energy.h"

#include "op.h"
#include "roofline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The class is the layer's kernel class (its ops.def row, refined by the
 * cost function: ops/op.h pr_kernel_class): no MACs is other work. */
enum pr_eclass pr_layer_class(const struct pr_analysis *a, const struct pr_layer *L)
{
    (void)a;
    if (!L->macs)
        return PR_EC_OTHER;
    return L->kernel == PR_KERNEL_DEPTHWISE ? PR_EC_DW : PR_EC_DENSE;
}

/* Work of one layer by class. */
static void layer_work(const struct pr_analysis *a, const struct pr_layer *L, double *work)
{
    memset(work, 0, PR_EC_COUNT * sizeof *work);
    double other = (double)L->flops - 2.0 * (double)L->macs;
    work[PR_EC_OTHER] = other > 0 ? other : 0;
    if (L->macs)
        work[pr_layer_class(a, L)] += (double)L->macs;
}

void pr_features_of(const struct pr_analysis *a, struct pr_features *f)
{
    memset(f, 0, sizeof *f);
    const struct pr_totals *t = &a->totals;
    double dw = 0;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_layer *L = &a->layers[i];
        if (!pr_layer_in_totals(a, L))
            continue;
        if (L->macs && pr_layer_class(a, L) == PR_EC_DW)
            dw += (double)L->macs * (double)L->multiplier;
        if (L->macs)
            f->mac_layers += L->multiplier < 1000000 ? (int)L->multiplier : 1000000;
    }
    /* Totals carry the counting rules (shared weights, subgraphs); only the
     * depthwise share needs the layers. */
    f->macs = (double)t->macs;
    f->flops = (double)t->flops;
    f->work[PR_EC_DW] = dw;
    f->work[PR_EC_DENSE] = f->macs - dw > 0 ? f->macs - dw : 0;
    f->work[PR_EC_OTHER] = f->flops - 2 * f->macs > 0 ? f->flops - 2 * f->macs : 0;
    f->bytes_read = (double)t->bytes_read;
    f->bytes_written = (double)t->bytes_written;
    f->bytes = f->bytes_read + f->bytes_written;
    f->params = (double)t->params;
    f->layers = a->nlayers;
}

double pr_co2e_g(double energy_j, double pue, double g_per_kwh)
{
    return energy_j / 3.6e6 * pue * g_per_kwh;
}

static void linear_layer(const struct pr_coef *c, const double *work, double bytes, bool dispatch,
                         struct pr_layer_energy *le)
{
    double compute = 0, memory = bytes * c->t_byte, launch = dispatch ? c->t_layer : 0;
    le->time_s = memory + launch;
    le->energy_j = bytes * c->e_byte + (dispatch ? c->e_layer : 0);
    for (int k = 0; k < PR_EC_COUNT; k++) {
        le->time_s += work[k] * c->t_class[k];
        le->energy_j += work[k] * c->e_class[k];
        compute += work[k] * c->t_class[k];
    }
    /* the term with the largest share of the time (priori llm's regimes) */
    le->regime = compute >= memory && compute >= launch ? PR_REGIME_COMPUTE
               : memory >= launch ? PR_REGIME_MEMORY : PR_REGIME_LAUNCH;
    if (le->time_s <= 0)
        le->regime = PR_REGIME_NONE;
}

static void roofline_layer(const struct pr_spec *s, const double *work, double bytes, struct pr_layer_energy *le)
{
    double compute = 0, memory = 0;
    if (s->peak_ops > 0)
        compute = 2 * work[PR_EC_DENSE] / (s->peak_ops * PR_SPEC_EFF_DENSE) +
                  2 * work[PR_EC_DW] / (s->peak_ops * PR_SPEC_EFF_DW) +
                  work[PR_EC_OTHER] / (s->peak_ops * PR_SPEC_EFF_OTHER);
    if (s->mem_bw > 0)
        memory = bytes / (s->mem_bw * PR_SPEC_EFF_MEM);
    le->time_s = compute > memory ? compute : memory;
    le->energy_j = s->tdp_w * le->time_s;
    le->regime = le->time_s <= 0 ? PR_REGIME_NONE : compute > memory ? PR_REGIME_COMPUTE : PR_REGIME_MEMORY;
}

/* Roofline profiles (roofline.c): per call of the whole batch. */
static int roof_estimate(const struct pr_analysis *a, const struct pr_profile *p, const struct pr_energy_opts *o,
                         struct pr_estimate *e)
{
    struct pr_roof_out r;
    if (pr_roof_estimate(a, p, o->train, &r) < 0) {
        free(r.layers);
        return -1;
    }
    for (int i = 0; i < a->nlayers; i++)
        e->layers[i] = (struct pr_layer_energy){r.layers[i].time_s, r.layers[i].energy_j, r.layers[i].regime};
    free(r.layers);
    e->roofline = true;
    e->train = o->train;
    e->host_bound = r.host_bound;
    e->extrapolated_pct = r.extrapolated_pct;
    e->samples = r.samples;
    e->latency_s = r.latency_s;
    e->energy_j = r.energy_j;
    e->fixed_time_s = r.fixed_s;
    e->fixed_energy_j = p->roof.p_static * r.fixed_s + r.fixed_dynamic_j;
    e->method = PR_METHOD_FITTED;
    e->uncertainty_pct = p->valid.loo_median;
    e->uncertainty_p90_pct = p->valid.loo_p90;
    e->lat_uncertainty_pct = p->valid.lat_loo_median;
    if (o->run_samples > 0 && e->samples > 0) {   /* steps = samples / batch, the last one full */
        double calls = ceil(o->run_samples / e->samples);
        e->run_samples = o->run_samples;
        e->run_time_s = calls * e->latency_s;
        e->run_energy_j = calls * e->energy_j;
    }
    return 0;
}

int pr_estimate(const struct pr_analysis *a, const struct pr_profile *p, const struct pr_energy_opts *o,
                struct pr_estimate *e, struct pr_err *err)
{
    memset(e, 0, sizeof *e);
    if (p->has_roof) {
        e->profile = p;
        e->pue = o->pue > 0 ? o->pue : 1;
        e->g_per_kwh = o->g_per_kwh;
        e->carbon_source = o->carbon_source;
        e->nlayers = a->nlayers;
        e->layers = calloc((size_t)a->nlayers + 1, sizeof *e->layers);
        if (!e->layers || roof_estimate(a, p, o, e) < 0)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory");
        goto totals;
    }
    if (o->train)
        return pr_err_set(err, PR_E_ARG, "--train: hardware profile '%s' has no roofline model; choose a "
                          "training profile (scenario train) with 'priori hw list'", p->id);
    bool linear = p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR;
    bool roofline = !linear && p->spec.tdp_w > 0 && (p->spec.peak_ops > 0 || p->spec.mem_bw > 0);
    if (!linear && !roofline)
        return pr_err_set(err, PR_E_ARG,
                          "hardware profile '%s' has neither fitted coefficients nor spec values (TDP and peak "
                          "ops/s or bandwidth); run 'priori calibrate' or choose another with 'priori hw list'",
                          p->id);
    e->profile = p;
    e->method = linear ? p->method : PR_METHOD_SPEC;
    e->pue = o->pue > 0 ? o->pue : 1;
    e->g_per_kwh = o->g_per_kwh;
    e->carbon_source = o->carbon_source;
    e->layers = calloc((size_t)a->nlayers + 1, sizeof *e->layers);
    if (!e->layers)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    e->nlayers = a->nlayers;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_layer *L = &a->layers[i];
        double work[PR_EC_COUNT], bytes = (double)L->bytes_read + (double)L->bytes_written;
        layer_work(a, L, work);
        if (linear)
            linear_layer(&p->coef, work, bytes, L->macs > 0, &e->layers[i]);
        else
            roofline_layer(&p->spec, work, bytes, &e->layers[i]);
        if (pr_layer_in_totals(a, L)) {   /* one execution per row; a loop body's rows count per trip */
            e->latency_s += e->layers[i].time_s * (double)L->multiplier;
            e->energy_j += e->layers[i].energy_j * (double)L->multiplier;
        }
    }
    if (linear) {
        e->fixed_time_s = p->coef.t_fixed;
        e->fixed_energy_j = p->coef.e_fixed;
        e->latency_s += e->fixed_time_s;
        e->energy_j += e->fixed_energy_j;
    }
    if (e->method == PR_METHOD_FITTED && p->valid.loo_median >= 0) {
        e->uncertainty_pct = p->valid.loo_median;
        e->uncertainty_p90_pct = p->valid.loo_p90;
    } else {
        bool spec = e->method == PR_METHOD_SPEC;
        e->uncertainty_pct = spec ? PR_SPEC_UNCERTAINTY_PCT : PR_ANCHOR_UNCERTAINTY_PCT;
        e->uncertainty_p90_pct = spec ? -1 : PR_ANCHOR_UNCERTAINTY_P90_PCT;
    }
    e->lat_uncertainty_pct = -1;
totals:
    e->co2e_g = pr_co2e_g(e->energy_j, e->pue, e->g_per_kwh);
    /* per million inferences: samples on roofline profiles (a call is a batch) */
    double per = e->roofline && e->samples > 0 ? 1 / e->samples : 1;
    e->wh_per_million = e->energy_j * per * 1e6 / 3600.0;
    e->co2e_g_per_million = e->co2e_g * per * 1e6;
    e->inferences = o->inferences ? o->inferences : 1000000;
    e->total_wh = e->energy_j * per * (double)e->inferences / 3600.0;
    e->total_co2e_g = e->co2e_g * per * (double)e->inferences;
    e->mlco2_j = e->mlco2_co2e_g = e->ga_j = e->ga_co2e_g = -1;
    if (p->spec.tdp_w > 0 && e->latency_s > 0) {
        e->mlco2_j = p->spec.tdp_w * e->latency_s * per;   /* per inference: a sample on roofline profiles */
        e->mlco2_co2e_g = pr_co2e_g(e->mlco2_j, 1, e->g_per_kwh);
        e->ga_j = (p->spec.tdp_w * 1.0 + PR_GA_W_PER_GB * p->spec.mem_gb) * e->latency_s * e->pue * per;
        e->ga_co2e_g = pr_co2e_g(e->ga_j, 1, e->g_per_kwh);
    }
    return 0;
}

void pr_estimate_free(struct pr_estimate *e)
{
    free(e->layers);
    memset(e, 0, sizeof *e);
}
