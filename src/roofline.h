/* roofline.h -- the accelerator model of GPU profiles: an analysis as a
 * list of kernels, the time and energy of each under a fitted struct
 * pr_roof (db.h), the kernels of a training step, and the fit.
 *
 * roofline.c: kernels and their evaluation; fit_roof.c: the bounded
 * nonlinear fit and its held-out validation. Formulas in each file.
 *
 * Ownership: kernel arrays are malloc'ed and owned by the caller.
 */
#ifndef PR_ROOFLINE_H
#define PR_ROOFLINE_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "db.h"

enum pr_regime { PR_REGIME_NONE, PR_REGIME_LAUNCH, PR_REGIME_COMPUTE, PR_REGIME_MEMORY };
extern const char *const pr_regime_name[];   /* "", "launch", "compute", "memory" */

/* The kernel layer L runs as (class, MACs or FLOPs, bytes); false when it
 * runs none (a view, a folded constant, an empty output, a row that is
 * not in the totals). */
bool pr_layer_kernel(const struct pr_analysis *a, const struct pr_layer *L, struct pr_kgroup *k);
/* Bytes per element of the graph's floating tensors (its first floating
 * input or initializer; 4 when it has none). */
double pr_graph_float_bytes(const struct pr_analysis *a);
/* Every kernel of a, identical ones grouped, into *out (malloc'ed);
 * returns the number of groups, -1 on OOM. */
int pr_kernels_of(const struct pr_analysis *a, struct pr_kgroup **out);

/* The kernels of an inference call among k[0..n) (modes PR_KM_BOTH,
 * PR_KM_INFER, PR_KM_IN_OP, and PR_KM_HALF_INFER when half: a 16-bit call), into *out
 * (malloc'ed); the count, -1 on OOM. */
int pr_infer_kernels(const struct pr_kgroup *k, int n, bool half, struct pr_kgroup **out);
/* Whether calls under r are 16-bit (fp16, bf16). */
bool pr_roof_half(const struct pr_roof *r);
/* Whether k is a kernel an op launches after its first (the native
 * BatchNorm's, modes PR_KM_HALF_*; a convolution's bias add,
 * PR_KM_IN_OP), whose host time is t_sub, not an eager op's t_launch;
 * and the host time of one kernel of k under r. */
bool pr_kernel_in_op(const struct pr_kgroup *k);
double pr_host_time(const struct pr_roof *r, const struct pr_kgroup *k);

/* Training step (forward, backward, optimizer) from the forward kernels
 * (modes PR_KM_BOTH, PR_KM_TRAIN, PR_KM_IN_OP -- whose backward kernel
 * is launched inside an op too --, and PR_KM_HALF_TRAIN when half, which
 * have no backward kernel of their own)
 * and the parameter count; convention in roofline.c. The optimizer's bytes
 * are fp32 whatever the byte scale the caller applies (they are divided by
 * scale here). *out malloc'ed;
 * returns the count, -1 on OOM. */
int pr_train_kernels(const struct pr_kgroup *fwd, int n, double params, double scale, bool half,
                     struct pr_kgroup **out);

/* The work a kernel of k's class is timed by: MACs, FLOPs for eltwise. */
double pr_kgroup_work(const struct pr_kgroup *k);

/* Time (s) and dynamic energy (J, without static power) of one kernel
 * group under r, bytes scaled by scale (profile bytes per graph byte);
 * regime: which term of the max won (may be NULL). */
double pr_roof_time(const struct pr_roof *r, const struct pr_kgroup *k, double scale, enum pr_regime *regime);
/* The roofline term of one kernel of k, max(work / rate, scale x bytes /
 * bw), and which of the two it is (*which: PR_REGIME_COMPUTE, or
 * PR_REGIME_MEMORY, also on a tie). */
double pr_roof_term(const struct pr_roof *r, const struct pr_kgroup *k, double scale, enum pr_regime *which);
double pr_roof_dynamic(const struct pr_roof *r, const struct pr_kgroup *k, double scale);
/* Whether k is priced by a coefficient r's measurements do not determine
 * (struct pr_roof unidentified): the rate or bandwidth that decides its
 * roofline term, or the energy per unit of work of its class. */
bool pr_roof_extrapolated(const struct pr_roof *r, const struct pr_kgroup *k, double scale);
/* Whole call: latency (s) and energy (J) of n kernel groups. */
void pr_roof_call(const struct pr_roof *r, const struct pr_kgroup *k, int n, double scale, double *latency,
                  double *energy);

/* A whole estimate under profile p (which has a roofline): per layer and
 * per call. The call is host-bound when the launches take longer than the
 * device work (eager frameworks at small batch): every layer then takes
 * its launch time and is launch-bound. train: the training step
 * (forward, backward per layer; the optimizer in the fixed part). */
struct pr_roof_layer {
    double host_s, device_s, dynamic_j;   /* launch time, device time, dynamic energy */
    double extrapolated_s;                /* device time of its kernels pr_roof_extrapolated says */
    double time_s, energy_j;              /* in the call: its share of latency and energy */
    enum pr_regime regime;
};
struct pr_roof_out {
    struct pr_roof_layer *layers;         /* parallel to analysis layers (malloc'ed) */
    double samples;                       /* per call: the first input's leading extent */
    double latency_s, energy_j;           /* per call */
    double extrapolated_pct;              /* % of the device time in kernels pr_roof_extrapolated says */
    double fixed_s, fixed_dynamic_j;      /* t_fixed (+ optimizer step) */
    bool host_bound;
};
int pr_roof_estimate(const struct pr_analysis *a, const struct pr_profile *p, bool train, struct pr_roof_out *o);

/* The text report's lines of a roofline estimate (report_roof.c). */
struct pr_estimate;
void pr_report_roof_lines(FILE *f, const struct pr_estimate *e);
/* The fitted coefficients, for `priori hw show`, marked where the fit did
 * not identify them or where the bounds of spec s decide them. */
void pr_report_roof_coef(FILE *f, const struct pr_roof *r, const struct pr_spec *s);

/* Host (launch) and device time of a call overlap (the host runs ahead of
 * the device): T = (H^p + D^p)^(1/p), between max(H, D) and H + D; p = 4
 * (the held-out errors on the H200 rows were within 1-2 points of each
 * other for p = 2, 4, 8 and max; DESIGN.md). */
#define PR_ROOF_OVERLAP_P 4.0
double pr_roof_combine(double host, double dev);

/* ---- fit (fit_roof.c) ---- */

/* One measured call: its kernels, the byte scale, samples per call, the
 * measured energy (J per call) and latency (s per call). */
struct pr_roof_sample {
    const struct pr_kgroup *k;
    int nk;
    double scale, batch, energy_j, latency_s;
    double macs;                       /* total MACs per call (baselines) */
    const char *model, *family;        /* model: the graph (all its batches are held out together) */
};

/* Bounds from the spec: MAC/s of the MAC classes, FLOP/s of eltwise,
 * B/s, upper bounds (0 = unbounded, 1e18); idle_w, the board's idle
 * power, a lower bound of p_static (0 = none); tdp_w with idle_w bounds
 * the energy per unit of work (fit_roof.c; 0 = none). */
struct pr_roof_bounds { double mac_rate, conv_mac_rate, flop_rate, bw, idle_w, tdp_w; };
/* The bounds a spec sets (0 where it gives none). */
struct pr_roof_bounds pr_roof_bounds_of(const struct pr_spec *s);
/* The peak rate of class c under b: MAC/s (FLOP/s for eltwise), the conv
 * peak for convolutions when the spec gives one; 1e18 when unknown. */
double pr_roof_peak(const struct pr_roof_bounds *b, int c);

/* Fits r on s[0..n) (latency by bounded Levenberg-Marquardt on log error,
 * then energy by NNLS on relative error). 0, or -1 when n < 1 or OOM. */
int pr_roof_fit(const struct pr_roof_sample *s, int n, const struct pr_roof_bounds *b, struct pr_roof *r);

/* Held-out predictions: for each sample, energy (J per call) and latency
 * predicted by a fit on the samples of the other models (by_family: of the
 * other families); -1 where nothing is left to fit on. Kind 0 = roofline,
 * 1 = E ~ MACs, 2 = E = a + b*MACs (latency not predicted by the
 * baselines: -1). 0, or -1 on OOM. */
int pr_roof_holdout(const struct pr_roof_sample *s, int n, const struct pr_roof_bounds *b, int kind, bool by_family,
                    double *energy, double *latency);

/* Spearman rank correlation of x and y (n >= 2; ties get mean ranks). */
double pr_spearman(const double *x, const double *y, int n);

#endif
