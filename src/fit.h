/* fit.h -- calibration: non-negative least squares, the energy/latency
 * model fit, leave-one-model-out and cross-family validation, baselines.
 *
 * All fits minimise the squared *relative* error (each row divided by its
 * measured value), so that a 10 mJ model weighs as much as a 1 J one and
 * the validation's percentage errors are what is minimised. Columns are
 * scaled to unit norm before NNLS (features span 1e3..1e10).
 */
#ifndef PR_FIT_H
#define PR_FIT_H

#include "db.h"

enum { PR_FIT_MAXVAR = 9, PR_FIT_MIN_MODELS = 5, PR_LOO_MAX_FOLDS = 50 };

/* min ||A x - b||_2 subject to x >= 0 (Lawson-Hanson active set); A is
 * m x n row-major, n <= PR_FIT_MAXVAR. 0, or -1 when m < 1 or n out of range. */
int pr_nnls(const double *A, const double *b, int m, int n, double *x);

/* min ||A x - b||_2 subject to 0 <= x <= hi (hi[j] >= 0, may be INFINITY;
 * hi NULL: pr_nnls): pr_nnls, then, when that solution passes an upper
 * bound, projected coordinate descent from it clipped to the box. 0, or
 * -1 as pr_nnls. */
int pr_nnls_bounded(const double *A, const double *b, int m, int n, const double *hi, double *x);

/* Solves M z = v (k x k, row-major, Gaussian elimination with partial
 * pivoting) in place; z in v. -1 when singular. */
int pr_gauss_solve(double *M, double *v, int k);

/* Model forms the validation compares. */
enum pr_fit_kind {
    PR_FIT_PRIORI,       /* e_fixed + per-class work + bytes + per-MAC-layer cost */
    PR_FIT_PROP_MACS,    /* baseline: E = b*MACs */
    PR_FIT_AFFINE_MACS,  /* baseline: E = a + b*MACs */
    PR_FIT_KINDS
};
extern const char *const pr_fit_kind_name[PR_FIT_KINDS];

/* One measured model: its features, measured energy (J) and latency (s, 0 unknown). */
struct pr_sample {
    const struct pr_features *f;
    const char *model, *family;
    double energy_j, latency_s;
};

/* Fits coefficients of kind on samples (energy, and latency where all
 * samples have one). 0, or -1 when n < 1. */
int pr_fit(const struct pr_sample *s, int n, enum pr_fit_kind kind, struct pr_coef *c);

/* The linear model's energy (J) and latency (s) for features f. */
double pr_model_energy(const struct pr_coef *c, const struct pr_features *f);
double pr_model_latency(const struct pr_coef *c, const struct pr_features *f);

/* Absolute percentage errors of held-out predictions, appended to err[]
 * (room for n). Leave-one-model-out: each distinct model is held out in
 * turn (all its samples); above PR_LOO_MAX_FOLDS models, the models are
 * dealt into that many folds, each held out in turn (linear cost). Cross-family: for each held-out family listed in
 * pr_xfam_sets, fit on the train families and predict the held-out one.
 * Return the number of errors written. latency: validate latency instead. */
int pr_validate_loo(const struct pr_sample *s, int n, enum pr_fit_kind kind, bool latency, double *err);
int pr_validate_xfam(const struct pr_sample *s, int n, enum pr_fit_kind kind, int set, double *err);

struct pr_xfam_set { const char *train[3]; const char *test; };
extern const struct pr_xfam_set pr_xfam_sets[];
extern const int pr_nxfam_sets;

/* Median and the p-th percentile (0..100, nearest rank) of v[0..n); sorts v. -1 when n == 0. */
double pr_median(double *v, int n);
double pr_percentile(double *v, int n, double p);

#endif
