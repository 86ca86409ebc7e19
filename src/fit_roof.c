/* fit_roof.c -- fitting the roofline model of roofline.c to measured
 * calls (latency and energy per call at several batch sizes), and its
 * held-out validation.
 *
 * Latency. Parameters x = (t_launch; 1/rate[c], 1/bw[c] for the classes
 * c = conv, gemm, grouped, attention, eltwise, depthwise; t_fixed, t_min, t_sub), fitted as
 * theta = log x within box bounds
 *   3e-6 <= t_launch <= 1e-3 s   (the host time of one eager op: Python,
 *                                dispatch and the CUDA launch, at least
 *                                the launch's ~3 us; one value for every
 *                                class -- stored in t_launch[c] -- since
 *                                an eager op's host cost does not depend
 *                                on its arithmetic: per-class values
 *                                traded off against each other and
 *                                against t_min, 0.1-300 us, and were
 *                                worse held out),
 *   1e-6 <= t_sub <= 1e-3 s       (host time of a kernel an op launches
 *                                after its first: a TensorIterator and a
 *                                CUDA launch from C++; fixed, and 0 in
 *                                the profile, when no call has one),
 *   1e-7 <= t_fixed <= 0.05 s,
 *   rate_max * 1e-5 <= rate[c] <= rate_max   (rate_max from the spec peak:
 *   MAC/s = peak ops/s / 2 for MAC classes -- for conv the conv peak when
 *   the spec gives one (fp32 convolutions on TF32 tensor cores) --,
 *   FLOP/s = peak for eltwise),
 *   bw_max * 1e-4 <= bw[c] <= bw_max        (spec bandwidth),
 *   1e-7 <= t_min <= 1e-4 s,
 * minimising the squared log error over calls i:
 *   F(theta) = sum_i (log T_i(theta) - log T_meas_i)^2,
 *   T_i = t_fixed + (H_i^4 + D_i^4)^(1/4),  H_i = sum_k n_k h_k (h_k =
 *   t_sub for a kernel launched inside an op, t_launch for the others),
 *   D_i = sum_k n_k (t_min + max(w_k/rate[c_k], s_i b_k/bw[c_k])).
 * H and D are piecewise linear in x; within a piece, dD_i/dtheta_j = the
 * sum of the terms in which x_j appears (t_min in all, a rate or bandwidth
 * where it wins the max: x_j dD/dx_j), and
 * dT/dtheta = (H/M)^3 dH/dtheta + (D/M)^3 dD/dtheta with M = T - t_fixed. Projected
 * Levenberg-Marquardt: solve (J'J + lambda diag(J'J)) d = -J'r with
 * J_ij = (dT_i/dtheta_j) / T_i, r_i = log T_i - log T_meas_i, clamp
 * theta + d to the box, accept when F falls (lambda / 3), else lambda x 4.
 * Started from three points (rates at 10%, 30%, 80% of the bound, bw at
 * 50%, t_launch 3, 6, 12 us); the best end point is kept, then refined by
 * four reweighted rounds (row weights 1 / max(|log error|, 0.05)), which
 * make the sum of |log error| rather than of its square what falls: a
 * few rows the graph cannot explain do not pull the others.
 *
 * Energy. With the fitted times, E is linear in the rest:
 *   E_i = p_static T_i + sum_c e_work[c] W_ic + e_byte s_i B_i + e_launch K_i
 * (W_ic: MACs of class c, FLOPs for eltwise; B_i bytes; K_i kernels), all
 * coefficients >= 0 and p_static >= the idle power of the spec (the board
 * draws at least that for the whole call; without the bound the fp32 fit
 * put 0 W there and the time into the per-kernel energy), and
 *   e_work[c] <= (TDP - idle) / rate[c]
 * (the work of a class running at its rate cannot draw more than the
 * board's power above idle; the fitted rate where the class's compute
 * term decides some kernel's time, else -- the rate is not identified --
 * the spec peak; without the bound a class that few rows decide took
 * 150 pJ per fp32 attention MAC with GPT-2 held out, where it allows 19):
 * least squares within these bounds (fit.c) on relative error of E - idle T
 * (each row divided by the measured E_i), as fit.c does, reweighted
 * (robust_energy) so that the sum of |relative error| is what falls.
 *
 * Baselines (kind 1, 2): E = b MACs, E = a + b MACs per call, NNLS on
 * relative error over the same calls.
 */
#include "roofline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"

/* one host time for every class (P_LAUNCH), then rate and bandwidth per
 * class, the call's and the device's floors, and the host time of a
 * kernel an op launches after its first (P_SUB) */
enum { P_LAUNCH = 0, P_RATE = 1, P_BW = 1 + PR_KC_COUNT, P_FIXED = 1 + 2 * PR_KC_COUNT, P_MIN, P_SUB, NP };

struct box { double lo[NP], hi[NP]; };

static void x_of(const double *th, double *x)
{
    for (int j = 0; j < NP; j++)
        x[j] = exp(th[j]);
}

/* T of sample s and, if grad, dT/dtheta. */
static double call_time(const struct pr_roof_sample *s, const double *x, double *grad)
{
    double host = 0, dev = 0, gh[NP] = {0}, gd[NP] = {0};
    for (int i = 0; i < s->nk; i++) {
        const struct pr_kgroup *k = &s->k[i];
        double v[3] = {x[P_MIN], pr_kgroup_work(k) * x[P_RATE + k->cls], s->scale * k->bytes * x[P_BW + k->cls]};
        int j = v[2] > v[1] ? 2 : 1;
        dev += k->count * (v[0] + v[j]);
        gd[P_MIN] += k->count * v[0];
        gd[j == 1 ? P_RATE + k->cls : P_BW + k->cls] += k->count * v[j];
        int h = pr_kernel_in_op(k) ? P_SUB : P_LAUNCH;
        host += k->count * x[h];
        gh[h] += k->count * x[h];
    }
    double p = PR_ROOF_OVERLAP_P, m = pr_roof_combine(host, dev);
    if (grad) {
        double wh = pow(host / m, p - 1), wd = pow(dev / m, p - 1);
        for (int j = 0; j < NP; j++)
            grad[j] = wh * gh[j] + wd * gd[j];
        grad[P_FIXED] = x[P_FIXED];
    }
    return x[P_FIXED] + m;
}

/* Row weights of the latency fit (NULL: 1), set by fit_latency's rounds. */
static const double *row_w;

static double cost(const struct pr_roof_sample *s, int n, const double *th)
{
    double x[NP], f = 0;
    x_of(th, x);
    for (int i = 0; i < n; i++) {
        double r = log(call_time(&s[i], x, NULL) / s[i].latency_s);
        f += r * r * (row_w ? row_w[i] : 1);
    }
    return f;
}

static void clamp(const struct box *b, double *th)
{
    for (int j = 0; j < NP; j++)
        th[j] = th[j] < b->lo[j] ? b->lo[j] : th[j] > b->hi[j] ? b->hi[j] : th[j];
}

/* Projected Levenberg-Marquardt from th (in place); returns F. */
static double lm(const struct pr_roof_sample *s, int n, const struct box *b, double *th)
{
    double f = cost(s, n, th), lambda = 1e-2, x[NP], g[NP];
    for (int it = 0; it < 200 && lambda < 1e12; it++) {
        double A[NP * NP] = {0}, v[NP] = {0};
        x_of(th, x);
        for (int i = 0; i < n; i++) {
            double t = call_time(&s[i], x, g), r = log(t / s[i].latency_s), wi = row_w ? row_w[i] : 1;
            for (int p = 0; p < NP; p++) {
                v[p] -= wi * g[p] / t * r;
                for (int q = 0; q < NP; q++)
                    A[p * NP + q] += wi * g[p] / t * g[q] / t;
            }
        }
        bool moved = false;
        while (lambda < 1e12) {
            double M[NP * NP], d[NP], nt[NP];
            memcpy(M, A, sizeof M);
            memcpy(d, v, sizeof d);
            for (int p = 0; p < NP; p++)
                M[p * NP + p] += lambda * A[p * NP + p] + 1e-12;
            if (pr_gauss_solve(M, d, NP) < 0) {
                lambda *= 4;
                continue;
            }
            for (int p = 0; p < NP; p++)
                nt[p] = th[p] + d[p];
            clamp(b, nt);
            double nf = cost(s, n, nt);
            if (nf < f) {
                moved = f - nf > 1e-12 * (1 + f);
                memcpy(th, nt, sizeof nt);
                f = nf;
                lambda = lambda / 3 > 1e-9 ? lambda / 3 : 1e-9;
                break;
            }
            lambda *= 4;
        }
        if (!moved)
            break;
    }
    return f;
}

struct pr_roof_bounds pr_roof_bounds_of(const struct pr_spec *s)
{
    return (struct pr_roof_bounds){.mac_rate = s->peak_ops / 2, .conv_mac_rate = s->peak_ops_conv / 2,
                                   .flop_rate = s->peak_ops, .bw = s->mem_bw, .idle_w = s->idle_w, .tdp_w = s->tdp_w};
}

double pr_roof_peak(const struct pr_roof_bounds *bd, int c)
{
    double mac = bd->mac_rate > 0 ? bd->mac_rate : 1e18, flop = bd->flop_rate > 0 ? bd->flop_rate : 1e18;
    return c == PR_KC_ELTWISE ? flop : c == PR_KC_CONV && bd->conv_mac_rate > 0 ? bd->conv_mac_rate : mac;
}

static void fit_latency(const struct pr_roof_sample *s, int n, const struct pr_roof_bounds *bd, struct pr_roof *r)
{
    double bw = bd->bw > 0 ? bd->bw : 1e18;
    struct box b;
    b.lo[P_FIXED] = log(1e-7), b.hi[P_FIXED] = log(0.05);
    b.lo[P_MIN] = log(1e-7), b.hi[P_MIN] = log(1e-4);
    b.lo[P_LAUNCH] = log(3e-6), b.hi[P_LAUNCH] = log(1e-3);
    b.lo[P_SUB] = log(1e-6), b.hi[P_SUB] = log(1e-3);
    bool sub = false;   /* without such kernels t_sub is not fitted (0) */
    for (int i = 0; i < n && !sub; i++)
        for (int j = 0; j < s[i].nk && !sub; j++)
            sub = pr_kernel_in_op(&s[i].k[j]);
    if (!sub)
        b.hi[P_SUB] = b.lo[P_SUB];
    for (int c = 0; c < PR_KC_COUNT; c++) {
        double top = pr_roof_peak(bd, c);
        b.lo[P_RATE + c] = -log(top), b.hi[P_RATE + c] = -log(top * 1e-5);
    }
    for (int c = 0; c < PR_KC_COUNT; c++)
        b.lo[P_BW + c] = -log(bw), b.hi[P_BW + c] = -log(bw * 1e-4);
    static const double frac[3] = {0.1, 0.3, 0.8}, launch[3] = {3e-6, 6e-6, 12e-6};
    double best[NP], fbest = INFINITY;
    for (int st = 0; st < 3; st++) {
        double th[NP];
        th[P_FIXED] = log(1e-5);
        th[P_MIN] = log(2e-6);
        th[P_LAUNCH] = log(launch[st]);
        th[P_SUB] = log(launch[st]);
        for (int c = 0; c < PR_KC_COUNT; c++) {
            th[P_RATE + c] = b.lo[P_RATE + c] - log(frac[st]);
        }
        for (int c = 0; c < PR_KC_COUNT; c++)
            th[P_BW + c] = -log(bw * 0.5);
        clamp(&b, th);
        double f = lm(s, n, &b, th);
        if (f < fbest) {
            fbest = f;
            memcpy(best, th, sizeof best);
        }
    }
    /* then about the least absolute log error: reweighted rounds from the best start */
    double *w = malloc(((size_t)n + 1) * sizeof *w);
    for (int round = 0; w && round < 4; round++) {
        double x[NP];
        x_of(best, x);
        for (int i = 0; i < n; i++) {
            double e = fabs(log(call_time(&s[i], x, NULL) / s[i].latency_s));
            w[i] = 1 / (e > 0.05 ? e : 0.05);
        }
        row_w = w;
        lm(s, n, &b, best);
        row_w = NULL;
    }
    free(w);
    double x[NP];
    x_of(best, x);
    r->t_fixed = x[P_FIXED];
    r->t_min = x[P_MIN];
    r->t_sub = sub ? x[P_SUB] : 0;
    for (int c = 0; c < PR_KC_COUNT; c++) {
        r->t_launch[c] = x[P_LAUNCH];
        r->rate[c] = 1 / x[P_RATE + c];
    }
    for (int c = 0; c < PR_KC_COUNT; c++)
        r->bw[c] = 1 / x[P_BW + c];
}

enum { NE = PR_KC_COUNT + 3 };   /* p_static, e_work[], e_byte, e_launch */

/* The coefficients of the fitted latency r that s[0..n) does not identify
 * (struct pr_roof unidentified): a rate whose compute term, or a
 * bandwidth whose memory term, decides no kernel's time (its value does
 * not change any row's fit), and the energy per unit of work of a class
 * no row has work of. */
static unsigned unidentified(const struct pr_roof_sample *s, int n, const struct pr_roof *r)
{
    unsigned decided = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < s[i].nk; j++) {
            const struct pr_kgroup *k = &s[i].k[j];
            enum pr_regime g;
            double t = pr_roof_term(r, k, s[i].scale, &g);   /* a zero term decides nothing */
            decided |= t > 0 ? 1u << ((g == PR_REGIME_COMPUTE ? 0 : PR_KC_COUNT) + k->cls) : 0;
            decided |= k->count * pr_kgroup_work(k) > 0 ? 1u << (2 * PR_KC_COUNT + k->cls) : 0;
        }
    return ~decided & ((1u << 3 * PR_KC_COUNT) - 1);
}

/* Upper bounds of the energy coefficients (INFINITY: none): e_work[c] <=
 * (TDP - idle) / the rate class c runs at -- its fitted rate where its
 * compute term decides some kernel's time, else the spec peak (a rate
 * that limited no kernel is not identified by the fit: r->unidentified). */
static void energy_bounds(const struct pr_roof_bounds *bd, const struct pr_roof *r, double idle, double *hi)
{
    for (int j = 0; j < NE; j++)
        hi[j] = INFINITY;
    for (int c = 0; c < PR_KC_COUNT && bd->tdp_w > idle; c++)
        hi[1 + c] = (bd->tdp_w - idle) / (r->unidentified & 1u << c ? pr_roof_peak(bd, c) : r->rate[c]);
}

static void energy_row(const struct pr_roof *r, const struct pr_roof_sample *s, double *row)
{
    double t, e;
    pr_roof_call(r, s->k, s->nk, s->scale, &t, &e);
    memset(row, 0, NE * sizeof *row);
    row[0] = t;
    for (int i = 0; i < s->nk; i++) {
        const struct pr_kgroup *k = &s->k[i];
        row[1 + k->cls] += k->count * pr_kgroup_work(k);
        row[1 + PR_KC_COUNT] += k->count * s->scale * k->bytes;
        row[2 + PR_KC_COUNT] += k->count;
    }
}

/* NNLS of (A x = 1 - off / y) with A's rows divided by y, each row
 * weighted by w[i] (NULL: 1; off NULL: 0), x <= hi (NULL: no upper
 * bound), columns scaled to unit norm. A is overwritten. */
static int nnls_relative_off(double *A, const double *y, const double *off, const double *w, const double *hi, int n,
                             int k, double *x)
{
    double norm[PR_FIT_MAXVAR] = {0}, *b = malloc((size_t)n * sizeof *b);
    if (!b)
        return -1;
    for (int i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        b[i] = wi * (off ? 1 - off[i] / y[i] : 1);
        for (int j = 0; j < k; j++) {
            A[i * k + j] *= wi / y[i];
            norm[j] += A[i * k + j] * A[i * k + j];
        }
    }
    for (int j = 0; j < k; j++)
        norm[j] = norm[j] > 0 ? sqrt(norm[j]) : 1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            A[i * k + j] /= norm[j];
    double top[PR_FIT_MAXVAR];
    for (int j = 0; hi && j < k; j++)
        top[j] = hi[j] * norm[j];
    int rc = pr_nnls_bounded(A, b, n, k, hi ? top : NULL, x);
    for (int j = 0; j < k; j++)
        x[j] /= norm[j];
    free(b);
    return rc;
}

static int nnls_relative(double *A, const double *y, const double *w, int n, int k, double *x)
{
    return nnls_relative_off(A, y, NULL, w, NULL, n, k, x);
}

/* Energy coefficients by iteratively reweighted NNLS: rows weighted by
 * 1 / max(|relative residual|, 5%)^(1/2), which turns the squared relative
 * error into (about) its absolute value, so that a few rows the model
 * cannot explain (the LSTM's persistent kernels) do not pull the rest;
 * 8 rounds. A (n x NE, rows unscaled) is kept. */
static int robust_energy(const double *A, const double *y, double idle_w, const double *hi, int n, double *x)
{
    double *B = malloc((size_t)n * NE * sizeof *B), *w = malloc((size_t)n * sizeof *w);
    double *off = malloc((size_t)n * sizeof *off);
    int rc = B && w && off ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++)
        w[i] = 1, off[i] = idle_w * A[i * NE];   /* column 0: the call's time */
    for (int round = 0; rc == 0 && round < 8; round++) {
        memcpy(B, A, (size_t)n * NE * sizeof *B);
        rc = nnls_relative_off(B, y, off, w, hi, n, NE, x);
        x[0] += idle_w;
        for (int i = 0; rc == 0 && i < n; i++) {
            double p = 0;
            for (int j = 0; j < NE; j++)
                p += A[i * NE + j] * x[j];
            double res = fabs(p / y[i] - 1);
            w[i] = 1 / sqrt(res > 0.05 ? res : 0.05);
        }
    }
    free(B);
    free(w);
    free(off);
    return rc;
}

int pr_roof_fit(const struct pr_roof_sample *s, int n, const struct pr_roof_bounds *bd, struct pr_roof *r)
{
    double elem = r->elem_bytes;
    int train = r->train;
    memset(r, 0, sizeof *r);
    r->elem_bytes = elem, r->train = train;
    if (n < 1)
        return -1;
    fit_latency(s, n, bd, r);
    r->unidentified = unidentified(s, n, r);
    double *A = malloc((size_t)n * NE * sizeof *A), *y = malloc((size_t)n * sizeof *y), x[NE];
    int rc = -1;
    if (A && y) {
        for (int i = 0; i < n; i++) {
            energy_row(r, &s[i], &A[i * NE]);
            y[i] = s[i].energy_j;
        }
        double idle = bd->idle_w > 0 ? bd->idle_w : 0, hi[NE];
        energy_bounds(bd, r, idle, hi);
        rc = robust_energy(A, y, idle, hi, n, x);
        r->p_static = x[0];
        for (int c = 0; c < PR_KC_COUNT; c++)
            r->e_work[c] = x[1 + c];
        r->e_byte = x[1 + PR_KC_COUNT];
        r->e_launch = x[2 + PR_KC_COUNT];
    }
    free(A);
    free(y);
    return rc;
}

/* Baseline fit: E = b MACs (kind 1) or a + b MACs (kind 2); x[0] = a, x[1] = b. */
static int fit_macs(const struct pr_roof_sample *s, int n, int kind, double *x)
{
    int k = kind == 1 ? 1 : 2;
    double *A = malloc((size_t)n * 2 * sizeof *A), *y = malloc((size_t)n * sizeof *y), z[2] = {0};
    int rc = -1;
    if (A && y) {
        for (int i = 0; i < n; i++) {
            if (k == 2)
                A[i * 2] = 1;
            A[i * k + k - 1] = s[i].macs;
            y[i] = s[i].energy_j;
        }
        rc = nnls_relative(A, y, NULL, n, k, z);
    }
    x[0] = k == 2 ? z[0] : 0;
    x[1] = z[k - 1];
    free(A);
    free(y);
    return rc;
}

int pr_roof_holdout(const struct pr_roof_sample *s, int n, const struct pr_roof_bounds *b, int kind, bool by_family,
                    double *energy, double *latency)
{
    struct pr_roof_sample *t = malloc(((size_t)n + 1) * sizeof *t);
    bool *done = calloc((size_t)n + 1, sizeof *done);
    int rc = t && done ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        if (done[i])
            continue;
        const char *key = by_family ? s[i].family : s[i].model;
        int m = 0;
        for (int j = 0; j < n; j++)
            if (strcmp(by_family ? s[j].family : s[j].model, key) != 0)
                t[m++] = s[j];
        struct pr_roof r = {.elem_bytes = 4};
        double x[2] = {0, 0};
        bool fitted = m > 0 && (kind == 0 ? pr_roof_fit(t, m, b, &r) : fit_macs(t, m, kind, x)) == 0;
        for (int j = 0; j < n; j++) {
            if (strcmp(by_family ? s[j].family : s[j].model, key) != 0)
                continue;
            done[j] = true;
            latency[j] = energy[j] = -1;   /* nothing left to fit on: no prediction */
            if (!fitted)
                continue;
            if (kind == 0)
                pr_roof_call(&r, s[j].k, s[j].nk, s[j].scale, &latency[j], &energy[j]);
            else
                energy[j] = x[0] + x[1] * s[j].macs;
        }
    }
    free(t);
    free(done);
    return rc;
}

/* Ranks of v (1-based; ties get their mean rank). */
static void ranks(const double *v, int n, double *r)
{
    for (int i = 0; i < n; i++) {
        int below = 0, equal = 0;
        for (int j = 0; j < n; j++)
            below += v[j] < v[i], equal += v[j] == v[i];
        r[i] = below + (equal + 1) / 2.0;
    }
}

double pr_spearman(const double *x, const double *y, int n)
{
    if (n < 2)
        return 0;
    double *rx = malloc((size_t)n * 2 * sizeof *rx), sxy = 0, sxx = 0, syy = 0, m = (n + 1) / 2.0;
    if (!rx)
        return 0;
    double *ry = rx + n;
    ranks(x, n, rx);
    ranks(y, n, ry);
    for (int i = 0; i < n; i++) {
        sxy += (rx[i] - m) * (ry[i] - m);
        sxx += (rx[i] - m) * (rx[i] - m);
        syy += (ry[i] - m) * (ry[i] - m);
    }
    free(rx);
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}
