/* energy.h -- latency, energy and CO2e per inference from an analysis and
 * a hardware profile of the measurement database.
 *
 * pr_features_of() computes what calibration needs of a model (MACs by
 * operator class, non-MAC FLOPs, bytes, layers); pr_estimate() turns an
 * analysis and a profile into per-layer time and energy and totals, with
 * the uncertainty validation measured for the profile, and the figures the
 * ML CO2 Impact and Green Algorithms calculators would give for the same
 * latency. Formulas are stated in energy.c.
 *
 * Ownership: a struct pr_estimate owns its layers[] (pr_estimate_free) and
 * points to the profile (the database must outlive it).
 */
#ifndef PR_ENERGY_H
#define PR_ENERGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "db.h"

/* Default carbon intensity: world average, g CO2e per kWh. */
#define PR_WORLD_G_PER_KWH 475.0
/* Green Algorithms: memory power, W per GB. */
#define PR_GA_W_PER_GB 0.3725
/* Uncertainty of methods validation cannot measure per profile (percent):
 * "anchor" scales one measured model by MACs -- predicting each measured
 * model of the 164 anchor profiles with 2-3 models from another one that way
 * misses by 59% (median) and 175% (p90) (tools/anchor_loo.py);
 * "spec-only" is a roofline with assumed efficiencies and TDP: a factor 2. */
#define PR_ANCHOR_UNCERTAINTY_PCT 60.0
#define PR_ANCHOR_UNCERTAINTY_P90_PCT 175.0
#define PR_SPEC_UNCERTAINTY_PCT 100.0
/* Roofline efficiencies assumed for spec-only profiles. */
#define PR_SPEC_EFF_DENSE 0.5
#define PR_SPEC_EFF_DW 0.1
#define PR_SPEC_EFF_OTHER 0.1
#define PR_SPEC_EFF_MEM 0.6

/* Class of one layer: depthwise Conv (weight has one input channel per
 * group and the input more than one channel), else dense when it has MACs,
 * else other. */
enum pr_eclass pr_layer_class(const struct pr_analysis *a, const struct pr_layer *L);
/* Model features as the database stores them. */
void pr_features_of(const struct pr_analysis *a, struct pr_features *f);

struct pr_energy_opts {
    double pue;                 /* >= 1; default 1 (the MLPerf boundary is the wall) */
    double g_per_kwh;           /* carbon intensity */
    const char *carbon_source;  /* where g_per_kwh comes from (printed) */
    uint64_t inferences;        /* for the campaign totals; 0: one million */
    bool train;                 /* roofline profiles: a training step instead of inference */
    double run_samples;         /* training run: samples processed (0: none) */
};

struct pr_layer_energy {
    double time_s, energy_j;
    int regime;                 /* enum pr_regime (roofline profiles; 0 otherwise) */
};

struct pr_estimate {
    const struct pr_profile *profile;
    enum pr_method method;
    /* per inference */
    double latency_s, energy_j, co2e_g;
    double fixed_time_s, fixed_energy_j;  /* not attributed to a layer */
    double uncertainty_pct;               /* typical |error| (median held-out) */
    double uncertainty_p90_pct;           /* 90% of held-out models within; -1 unknown */
    /* per million inferences */
    double wh_per_million, co2e_g_per_million;
    /* for opts.inferences inferences */
    uint64_t inferences;
    double total_wh, total_co2e_g;
    /* baselines for the same latency, per inference (-1: no TDP in the spec) */
    double mlco2_j, mlco2_co2e_g;         /* TDP x time, x intensity */
    double ga_j, ga_co2e_g;               /* (TDP x usage + 0.3725 W/GB x mem) x time x PUE */
    double pue, g_per_kwh;
    const char *carbon_source;
    struct pr_layer_energy *layers;       /* parallel to analysis->layers */
    int nlayers;
    /* roofline (GPU) profiles: latency and energy above are per call of the
     * whole batch (a training step with train) */
    bool roofline, train, host_bound;
    double samples;                       /* per call */
    double lat_uncertainty_pct;           /* held-out latency error (median); -1 unknown */
    double extrapolated_pct;              /* % of the device time priced by coefficients the
                                           * profile's measurements do not determine (roofline.h) */
    double run_samples, run_time_s, run_energy_j;   /* training run (run_samples 0: none) */
};

/* g CO2e of energy_j joules at PUE pue and intensity g_per_kwh. */
double pr_co2e_g(double energy_j, double pue, double g_per_kwh);

/* Fills e. -1 with err when the profile cannot estimate (no coefficients
 * and no spec values: PR_E_ARG) or out of memory. */
int pr_estimate(const struct pr_analysis *a, const struct pr_profile *p, const struct pr_energy_opts *o,
                struct pr_estimate *e, struct pr_err *err);
void pr_estimate_free(struct pr_estimate *e);

/* "rpi4/fp32/single (fitted; typical error +-4.2%, 90% within +-9.1%)"
 * into buf: what the uncertainty of an estimate is. */
const char *pr_estimate_describe(const struct pr_estimate *e, char *buf, size_t size);

#endif
