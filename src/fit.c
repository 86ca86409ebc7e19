/* fit.c -- non-negative least squares and the calibration of the energy
 * model (see fit.h).
 *
 * Model (one row per measured model, divided by the measured value y):
 *   y ~ x0 + x1*MACs_dense + x2*MACs_depthwise + x3*FLOPs_other
 *        + x4*bytes + x5*mac_layers,        all x >= 0
 * x0 is the fixed cost per inference (runtime overhead, static power
 * during the fixed part), x1..x3 the energy per unit of work of each
 * operator class (including the static power burnt while doing it), x4
 * the energy per byte of memory traffic, x5 the fixed cost of dispatching
 * one MAC-bearing layer. Latency is fitted with the same columns.
 * Baselines: y ~ x*MACs, y ~ a + b*MACs.
 *
 * NNLS is Lawson and Hanson's active-set method (Solving Least Squares
 * Problems, 1974, ch. 23); the least-squares step on the passive set
 * solves the normal equations by Gaussian elimination with partial
 * pivoting, which is adequate for n <= 8 unit-norm columns. Upper bounds
 * (pr_nnls_bounded, the GPU energy fit) by projected coordinate descent
 * from the NNLS solution.
 */
#include "fit.h"

#include "names.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const pr_fit_kind_name[PR_FIT_KINDS] = {"priori", "E ~ MACs", "E = a + b*MACs"};

const struct pr_xfam_set pr_xfam_sets[] = {
    {{"mobilenet-v1", "efficientnet-lite", NULL}, "mobilenet-v2"},
    {{"mobilenet-v2", "efficientnet-lite", NULL}, "mobilenet-v1"},
    {{"mobilenet-v1", "mobilenet-v2", NULL}, "efficientnet-lite"},
    {{"mobilenet-v1", "mobilenet-v2", "efficientnet-lite"}, "mobilenet-v3"},
};
const int pr_nxfam_sets = (int)(sizeof pr_xfam_sets / sizeof pr_xfam_sets[0]);

int pr_gauss_solve(double *M, double *v, int k)
{
    for (int c = 0; c < k; c++) {
        int p = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(M[r * k + c]) > fabs(M[p * k + c]))
                p = r;
        if (fabs(M[p * k + c]) < 1e-300)
            return -1;
        if (p != c) {
            for (int j = 0; j < k; j++) {
                double t = M[c * k + j];
                M[c * k + j] = M[p * k + j];
                M[p * k + j] = t;
            }
            double t = v[c];
            v[c] = v[p];
            v[p] = t;
        }
        for (int r = c + 1; r < k; r++) {
            double f = M[r * k + c] / M[c * k + c];
            for (int j = c; j < k; j++)
                M[r * k + j] -= f * M[c * k + j];
            v[r] -= f * v[c];
        }
    }
    for (int c = k - 1; c >= 0; c--) {
        for (int j = c + 1; j < k; j++)
            v[c] -= M[c * k + j] * v[j];
        v[c] /= M[c * k + c];
    }
    return 0;
}

/* Unconstrained least squares on the columns in passive[]; others 0. */
static int ls_passive(const double *A, const double *b, int m, int n, const bool *passive, double *z)
{
    int idx[PR_FIT_MAXVAR], k = 0;
    for (int j = 0; j < n; j++)
        if (passive[j])
            idx[k++] = j;
    double M[PR_FIT_MAXVAR * PR_FIT_MAXVAR] = {0}, v[PR_FIT_MAXVAR] = {0};
    for (int i = 0; i < m; i++)
        for (int p = 0; p < k; p++) {
            double ap = A[i * n + idx[p]];
            v[p] += ap * b[i];
            for (int q = 0; q < k; q++)
                M[p * k + q] += ap * A[i * n + idx[q]];
        }
    for (int p = 0; p < k; p++)          /* a whisper of ridge against collinear columns */
        M[p * k + p] *= 1 + 1e-12;
    memset(z, 0, (size_t)n * sizeof *z);
    if (pr_gauss_solve(M, v, k) < 0)
        return -1;
    for (int p = 0; p < k; p++)
        z[idx[p]] = v[p];
    return 0;
}

static void gradient(const double *A, const double *b, int m, int n, const double *x, double *w)
{
    memset(w, 0, (size_t)n * sizeof *w);
    for (int i = 0; i < m; i++) {
        double r = b[i];
        for (int j = 0; j < n; j++)
            r -= A[i * n + j] * x[j];
        for (int j = 0; j < n; j++)
            w[j] += A[i * n + j] * r;
    }
}

int pr_nnls(const double *A, const double *b, int m, int n, double *x)
{
    if (m < 1 || n < 1 || n > PR_FIT_MAXVAR)
        return -1;
    bool passive[PR_FIT_MAXVAR] = {0};
    double w[PR_FIT_MAXVAR], z[PR_FIT_MAXVAR];
    const double tol = 1e-12;
    memset(x, 0, (size_t)n * sizeof *x);
    for (int outer = 0; outer < 3 * n + 10; outer++) {
        gradient(A, b, m, n, x, w);
        int j = -1;
        for (int c = 0; c < n; c++)
            if (!passive[c] && w[c] > tol && (j < 0 || w[c] > w[j]))
                j = c;
        if (j < 0)
            break;
        passive[j] = true;
        for (int inner = 0; inner < 3 * n + 10; inner++) {
            if (ls_passive(A, b, m, n, passive, z) < 0) {
                passive[j] = false;     /* a dependent column: leave it out */
                memcpy(z, x, (size_t)n * sizeof *z);
                break;
            }
            bool feasible = true;
            for (int c = 0; c < n; c++)
                if (passive[c] && z[c] <= tol)
                    feasible = false;
            if (feasible)
                break;
            double alpha = 1;
            for (int c = 0; c < n; c++)
                if (passive[c] && z[c] <= tol && x[c] - z[c] > 0 && x[c] / (x[c] - z[c]) < alpha)
                    alpha = x[c] / (x[c] - z[c]);
            for (int c = 0; c < n; c++) {
                x[c] += alpha * (z[c] - x[c]);
                if (passive[c] && x[c] <= tol) {
                    passive[c] = false;
                    x[c] = 0;
                }
            }
        }
        for (int c = 0; c < n; c++)
            x[c] = passive[c] && z[c] > 0 ? z[c] : 0;
    }
    return 0;
}

int pr_nnls_bounded(const double *A, const double *b, int m, int n, const double *hi, double *x)
{
    int rc = pr_nnls(A, b, m, n, x);
    bool over = false;
    for (int j = 0; rc == 0 && hi && j < n; j++)
        over |= x[j] > hi[j];
    if (!over)
        return rc;
    /* Projected coordinate descent on the normal equations M x = v (M =
     * A'A, v = A'b) from the NNLS solution clipped to the box: each step
     * minimises ||A x - b||^2 exactly along one coordinate within
     * [0, hi_j], which converges to the minimum over the box (a convex
     * quadratic); stopped when no step moves A x by more than 1e-13 ||b||. */
    double M[PR_FIT_MAXVAR * PR_FIT_MAXVAR] = {0}, v[PR_FIT_MAXVAR] = {0}, bb = 0;
    for (int i = 0; i < m; i++) {
        bb += b[i] * b[i];
        for (int p = 0; p < n; p++) {
            v[p] += A[i * n + p] * b[i];
            for (int q = 0; q < n; q++)
                M[p * n + q] += A[i * n + p] * A[i * n + q];
        }
    }
    for (int j = 0; j < n; j++)
        x[j] = x[j] > hi[j] ? hi[j] : x[j];
    double tol = 1e-13 * sqrt(bb);
    for (int sweep = 0; sweep < 100000; sweep++) {
        double moved = 0;
        for (int j = 0; j < n; j++) {
            if (!(M[j * n + j] > 0))
                continue;
            double g = v[j];
            for (int k = 0; k < n; k++)
                g -= M[j * n + k] * x[k];
            double nx = x[j] + g / M[j * n + j];
            nx = nx < 0 ? 0 : nx > hi[j] ? hi[j] : nx;
            double d = fabs(nx - x[j]) * sqrt(M[j * n + j]);
            moved = d > moved ? d : moved;
            x[j] = nx;
        }
        if (moved <= tol)
            return 0;
    }
    return 0;
}

/* ------------------------------------------------------------ the model */

static int columns(enum pr_fit_kind kind, const struct pr_features *f, double *row)
{
    switch (kind) {
    case PR_FIT_PROP_MACS:
        row[0] = f->macs;
        return 1;
    case PR_FIT_AFFINE_MACS:
        row[0] = 1, row[1] = f->macs;
        return 2;
    default:
        row[0] = 1;
        for (int c = 0; c < PR_EC_COUNT; c++)
            row[1 + c] = f->work[c];
        row[1 + PR_EC_COUNT] = f->bytes;
        row[2 + PR_EC_COUNT] = f->mac_layers;
        return 3 + PR_EC_COUNT;
    }
}

/* x (in column order) into the coefficient struct; the baselines put b on
 * every MAC class so that per-layer estimates follow MACs. */
static void unpack(enum pr_fit_kind kind, const double *x, double *fixed, double *cls, double *byte, double *layer)
{
    *fixed = *byte = *layer = 0;
    memset(cls, 0, PR_EC_COUNT * sizeof *cls);
    if (kind == PR_FIT_PRIORI) {
        *fixed = x[0];
        for (int c = 0; c < PR_EC_COUNT; c++)
            cls[c] = x[1 + c];
        *byte = x[1 + PR_EC_COUNT];
        *layer = x[2 + PR_EC_COUNT];
        return;
    }
    double b = kind == PR_FIT_PROP_MACS ? x[0] : x[1];
    *fixed = kind == PR_FIT_PROP_MACS ? 0 : x[0];
    cls[PR_EC_DENSE] = cls[PR_EC_DW] = b;
}

static int fit_target(const struct pr_sample *s, int n, enum pr_fit_kind kind, bool latency, double *x)
{
    double row[PR_FIT_MAXVAR], norm[PR_FIT_MAXVAR] = {0};
    int k = columns(kind, s[0].f, row);
    double *A = malloc((size_t)n * (size_t)k * sizeof *A), *b = malloc((size_t)n * sizeof *b);
    int rc = -1;
    if (!A || !b)
        goto out;
    for (int i = 0; i < n; i++) {
        double y = latency ? s[i].latency_s : s[i].energy_j;
        columns(kind, s[i].f, row);
        for (int j = 0; j < k; j++) {
            A[i * k + j] = y > 0 ? row[j] / y : 0;
            norm[j] += A[i * k + j] * A[i * k + j];
        }
        b[i] = y > 0 ? 1 : 0;
    }
    for (int j = 0; j < k; j++)
        norm[j] = norm[j] > 0 ? sqrt(norm[j]) : 1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            A[i * k + j] /= norm[j];
    rc = pr_nnls(A, b, n, k, x);
    for (int j = 0; j < k; j++)
        x[j] /= norm[j];
out:
    free(A);
    free(b);
    return rc;
}

int pr_fit(const struct pr_sample *s, int n, enum pr_fit_kind kind, struct pr_coef *c)
{
    memset(c, 0, sizeof *c);
    if (n < 1)
        return -1;
    double x[PR_FIT_MAXVAR] = {0};
    if (fit_target(s, n, kind, false, x) < 0)
        return -1;
    unpack(kind, x, &c->e_fixed, c->e_class, &c->e_byte, &c->e_layer);
    bool all_latency = true;
    for (int i = 0; i < n; i++)
        all_latency &= s[i].latency_s > 0;
    if (all_latency) {
        memset(x, 0, sizeof x);
        if (fit_target(s, n, kind, true, x) < 0)
            return -1;
        unpack(kind, x, &c->t_fixed, c->t_class, &c->t_byte, &c->t_layer);
    }
    return 0;
}

double pr_model_energy(const struct pr_coef *c, const struct pr_features *f)
{
    double e = c->e_fixed + f->bytes * c->e_byte + f->mac_layers * c->e_layer;
    for (int k = 0; k < PR_EC_COUNT; k++)
        e += f->work[k] * c->e_class[k];
    return e;
}

double pr_model_latency(const struct pr_coef *c, const struct pr_features *f)
{
    double t = c->t_fixed + f->bytes * c->t_byte + f->mac_layers * c->t_layer;
    for (int k = 0; k < PR_EC_COUNT; k++)
        t += f->work[k] * c->t_class[k];
    return t;
}

/* ------------------------------------------------------------ validation */

static double abs_pct(double predicted, double measured)
{
    return 100.0 * fabs(predicted / measured - 1);
}

/* Fits on the samples where keep[] is set, predicts the others where
 * test[] is set; appends |errors| to err. */
static int held_out(const struct pr_sample *s, int n, const bool *train, const bool *test, enum pr_fit_kind kind,
                    bool latency, double *err)
{
    struct pr_sample *t = malloc((size_t)n * sizeof *t);
    int m = 0, out = 0;
    if (!t)
        return 0;
    for (int i = 0; i < n; i++)
        if (train[i])
            t[m++] = s[i];
    struct pr_coef c;
    if (m >= PR_FIT_MIN_MODELS - 1 && pr_fit(t, m, kind, &c) == 0)
        for (int i = 0; i < n; i++) {
            if (!test[i])
                continue;
            if (latency && s[i].latency_s > 0)
                err[out++] = abs_pct(pr_model_latency(&c, s[i].f), s[i].latency_s);
            else if (!latency)
                err[out++] = abs_pct(pr_model_energy(&c, s[i].f), s[i].energy_j);
        }
    free(t);
    return out;
}

/* Leave-one-model-out: one fold per distinct model, in order of first
 * appearance. Above PR_LOO_MAX_FOLDS models the models are dealt into that
 * many folds (model k into fold k mod PR_LOO_MAX_FOLDS), so the number of
 * fits, and the cost, stays linear in the samples. */
int pr_validate_loo(const struct pr_sample *s, int n, enum pr_fit_kind kind, bool latency, double *err)
{
    bool *train = malloc((size_t)n * sizeof *train + 1), *test = malloc((size_t)n * sizeof *test + 1);
    int *model = malloc((size_t)n * sizeof *model + 1), nmodels = 0, out = 0;
    struct pr_names index = {0};
    bool ok = train && test && model && pr_names_init(&index, (size_t)n) == 0;
    for (int i = 0; ok && i < n; i++) {
        int k = pr_names_get(&index, s[i].model);
        if (k < 0 && pr_names_put(&index, s[i].model, k = nmodels++) < 0)
            ok = false;
        model[i] = k;
    }
    int folds = nmodels <= PR_LOO_MAX_FOLDS ? nmodels : PR_LOO_MAX_FOLDS;
    for (int fold = 0; ok && fold < folds; fold++) {
        for (int j = 0; j < n; j++) {
            test[j] = model[j] % folds == fold;
            train[j] = !test[j];
        }
        out += held_out(s, n, train, test, kind, latency, err + out);
    }
    pr_names_free(&index);
    free(train);
    free(test);
    free(model);
    return out;
}

static bool in_set(const char *family, const char *const *names, int k)
{
    for (int i = 0; i < k; i++)
        if (names[i] && family && strcmp(family, names[i]) == 0)
            return true;
    return false;
}

int pr_validate_xfam(const struct pr_sample *s, int n, enum pr_fit_kind kind, int set, double *err)
{
    if (set < 0 || set >= pr_nxfam_sets)
        return 0;
    const struct pr_xfam_set *x = &pr_xfam_sets[set];
    bool *train = malloc((size_t)n * sizeof *train), *test = malloc((size_t)n * sizeof *test);
    int out = 0, ntrain = 0, ntest = 0;
    for (int i = 0; train && test && i < n; i++) {
        train[i] = in_set(s[i].family, x->train, 3);
        test[i] = in_set(s[i].family, &x->test, 1);
        ntrain += train[i];
        ntest += test[i];
    }
    if (train && test && ntrain >= PR_FIT_MIN_MODELS && ntest > 0)
        out = held_out(s, n, train, test, kind, false, err);
    free(train);
    free(test);
    return out;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pr_percentile(double *v, int n, double p)
{
    if (n <= 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int r = (int)ceil(p / 100.0 * n);   /* nearest rank */
    if (r < 1)
        r = 1;
    if (r > n)
        r = n;
    return v[r - 1];
}

double pr_median(double *v, int n)
{
    if (n <= 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
