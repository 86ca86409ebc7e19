/* test_roof.c -- the roofline model of GPU profiles: its formulas on hand
 * values, the training-step convention, the fit recovering known
 * coefficients from synthetic calls at several batch sizes, held-out
 * validation on exact data, Spearman's rank correlation, and the eager
 * kernels of a graph (fixtures/roof/eager.onnx). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fit.h"
#include "roofline.h"
#include "test.h"

static bool near(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fabs(b) + 1e-300;
}

static const struct pr_roof truth = {
    /* one host time per eager op, whatever its class (fit_roof.c) */
    .t_launch = {6e-6, 6e-6, 6e-6, 6e-6, 6e-6, 6e-6}, .t_fixed = 50e-6, .t_min = 3e-6,
    .rate = {60e12, 30e12, 4e12, 20e12, 50e12, 2e12}, .bw = {3e12, 3e12, 1e12, 2e12, 3e12, 0.5e12}, .p_static = 110,
    .e_work = {4e-12, 6e-12, 20e-12, 8e-12, 30e-12, 25e-12}, .e_byte = 60e-12, .e_launch = 2e-4, .elem_bytes = 4};

static void roof_kernel_time_is_the_floor_plus_the_larger_roof_term(void)
{
    /* conv kernel: 1.2e9 MACs / 60e12 = 20 us; 30 MB / 3e12 = 10 us; floor 3 us added */
    struct pr_kgroup k = {PR_KC_CONV, 2, 1.2e9, 0, 30e6, PR_KM_BOTH};
    enum pr_regime g;
    CHECK(near(pr_roof_time(&truth, &k, 1, &g), 2 * 23e-6, 1e-12));
    CHECK_EQ(g, PR_REGIME_COMPUTE);
    /* fp16 bytes at half the scale: memory 5 us still below compute */
    k.bytes = 90e6;   /* 30 us > 20 us: memory-bound */
    CHECK(near(pr_roof_time(&truth, &k, 1, &g), 2 * 33e-6, 1e-12));
    CHECK_EQ(g, PR_REGIME_MEMORY);
    /* 1000 FLOPs / 50e12 = 0.02 ns; 4000 B / 3e12 = 1.333 ns; floor 3 us wins */
    struct pr_kgroup small = {PR_KC_ELTWISE, 1, 0, 1000, 4000, PR_KM_BOTH};
    CHECK(near(pr_roof_time(&truth, &small, 1, &g), 3e-6 + 4000 / 3e12, 1e-12));
    CHECK_EQ(g, PR_REGIME_LAUNCH);
    /* dynamic energy: 1000 FLOPs x 30 pJ + 4000 B x 60 pJ + 200 uJ */
    CHECK(near(pr_roof_dynamic(&truth, &small, 1), 1000 * 30e-12 + 4000 * 60e-12 + 2e-4, 1e-12));
}

static void roof_call_is_host_bound_when_launches_take_longer(void)
{
    /* 100 tiny eltwise kernels: host 100 x 6 us = 600 us, device 100 x
     * (3 us + 100 B / 3e12) = 300.0033 us; overlapped: (H^4 + D^4)^(1/4) = 609.16 us */
    struct pr_kgroup k = {PR_KC_ELTWISE, 100, 0, 10, 100, PR_KM_BOTH};
    double t, e, d = 100 * (3e-6 + 100 / 3e12);
    pr_roof_call(&truth, &k, 1, 1, &t, &e);
    CHECK(near(t, 50e-6 + pow(pow(600e-6, 4) + pow(d, 4), 0.25), 1e-12));
    CHECK(near(t, 659.163e-6, 1e-5));
    CHECK(near(e, 110 * t + 100 * (10 * 30e-12 + 100 * 60e-12 + 2e-4), 1e-12));
    /* one big GEMM: device 2e12 / 30e12 = 66.7 ms >> host 6 us (overlap adds < 1e-12) */
    struct pr_kgroup g = {PR_KC_GEMM, 1, 2e12, 0, 1e6, PR_KM_BOTH};
    pr_roof_call(&truth, &g, 1, 1, &t, &e);
    CHECK(near(t, 50e-6 + 3e-6 + 2e12 / 30e12, 1e-9));
}

static void roof_training_step_doubles_mac_kernels_and_adds_the_optimizer(void)
{
    struct pr_kgroup fwd[2] = {{PR_KC_CONV, 3, 1e9, 0, 1e7, PR_KM_BOTH}, {PR_KC_ELTWISE, 5, 0, 1e6, 4e6, PR_KM_BOTH}};
    struct pr_kgroup *t = NULL;
    int n = pr_train_kernels(fwd, 2, 1e6, 0.5, false, &t);
    CHECK_EQ(n, 4);
    if (n != 4) {
        free(t);
        return;
    }
    /* forward 3 + backward dX and dW 2 x 3 identical conv kernels: one group of 9 */
    CHECK(t[0].cls == PR_KC_CONV && t[0].count == 9 && t[0].macs == 1e9);
    CHECK(t[1].count == 5 && near(t[1].bytes, 4e6, 1e-12));   /* forward eltwise */
    CHECK(t[2].cls == PR_KC_ELTWISE && t[2].count == 5 && near(t[2].bytes, 6e6, 1e-12));   /* 1.5 x bytes */
    /* optimizer: 3 kernels, 26 B per parameter after the byte scale 0.5 */
    CHECK(t[3].count == 3 && near(t[3].count * t[3].bytes * 0.5, 26e6, 1e-12));
    free(t);
}

/* A kernel only inference runs (an eager fast path) is no part of the
 * training step; one only training runs is no part of an inference call;
 * a 16-bit one (native BatchNorm) is part of 16-bit calls only, keeps its
 * mode (its host time is t_sub) and has no backward. */
static void roof_kernels_run_in_their_mode_only(void)
{
    struct pr_kgroup k[3] = {{PR_KC_GEMM, 2, 1e6, 0, 1e4, PR_KM_BOTH},
                             {PR_KC_ELTWISE, 3, 0, 10, 400, PR_KM_TRAIN},
                             {PR_KC_ELTWISE, 7, 0, 20, 800, PR_KM_INFER}};
    struct pr_kgroup *t = NULL;
    int n = pr_infer_kernels(k, 3, false, &t);
    CHECK(n == 2 && t[0].count == 2 && t[1].count == 7 && t[1].mode == PR_KM_BOTH);
    free(t);
    n = pr_train_kernels(k, 3, 0, 1, false, &t);
    /* forward: the GEMM (2) and the train-only copy (3); backward: 2 x 2 GEMMs, 3 copies at 1.5 x bytes */
    double gemm = 0, eltwise = 0;
    for (int i = 0; i < n; i++) {
        gemm += t[i].cls == PR_KC_GEMM ? t[i].count : 0;
        eltwise += t[i].cls == PR_KC_ELTWISE ? t[i].count : 0;
        CHECK(t[i].mode == PR_KM_BOTH && t[i].flops != 20);
    }
    CHECK(gemm == 6 && eltwise == 6);
    free(t);
    struct pr_kgroup h[3] = {k[0], {PR_KC_ELTWISE, 4, 0, 30, 900, PR_KM_HALF_INFER},
                             {PR_KC_ELTWISE, 5, 0, 40, 1000, PR_KM_HALF_TRAIN}};
    n = pr_infer_kernels(h, 3, false, &t);
    CHECK(n == 1 && t[0].count == 2);
    free(t);
    n = pr_infer_kernels(h, 3, true, &t);
    CHECK(n == 2 && t[1].count == 4 && t[1].mode == PR_KM_HALF_INFER);
    free(t);
    /* forward: GEMM 2 + stats 5; backward: 2 x 2 GEMMs, none for the stats */
    n = pr_train_kernels(h, 3, 0, 1, true, &t);
    gemm = eltwise = 0;
    for (int i = 0; i < n; i++) {
        gemm += t[i].cls == PR_KC_GEMM ? t[i].count : 0;
        eltwise += t[i].cls == PR_KC_ELTWISE ? t[i].count : 0;
        CHECK(t[i].mode == (t[i].flops == 40 ? PR_KM_HALF_TRAIN : PR_KM_BOTH));
    }
    CHECK(gemm == 6 && eltwise == 5);
    free(t);
}

/* Synthetic calls: 10 models with different kernel mixes at batch 1, 8, 64
 * (work and bytes scale with the batch, the kernel count does not). */
enum { NMOD = 10, NB = 3, NCALL = NMOD * NB, NK = 7 };
static struct pr_kgroup kern[NCALL][NK];
static struct pr_roof_sample calls[NCALL];
static char names[NMOD][8];

/* sub: with kernels launched inside an op (host time t_sub) too */
static void make_calls_sub(const struct pr_roof *r, bool sub)
{
    static const char *fam[] = {"a", "b", "c", "d", "e"};
    static const int batch[NB] = {1, 8, 64};
    for (int m = 0; m < NMOD; m++) {
        snprintf(names[m], sizeof names[m], "m%d", m);
        for (int b = 0; b < NB; b++) {
            struct pr_kgroup *k = kern[m * NB + b];
            double n = batch[b];
            k[0] = (struct pr_kgroup){PR_KC_CONV, 10 + 5 * m, n * 2e8 * (1 + m % 4), 0, n * 3e6 * (1 + m % 3),
                                      PR_KM_BOTH};
            k[1] = (struct pr_kgroup){PR_KC_GEMM, 2 + m, n * 5e7 * (1 + m % 5), 0, 2e7 + n * 1e5, PR_KM_BOTH};
            k[2] = (struct pr_kgroup){PR_KC_GROUPED, 1 + 3 * (m % 3), n * 2e6 * (1 + m % 2), 0, n * 4e6, PR_KM_BOTH};
            k[3] = (struct pr_kgroup){PR_KC_ATTENTION, 1 + (m % 4), n * 3e7 * (1 + m % 3), 0, n * 2e6, PR_KM_BOTH};
            k[4] = (struct pr_kgroup){PR_KC_ELTWISE, 20 + 7 * m, 0, n * 1e5, n * 8e5 * (1 + m % 2), PR_KM_BOTH};
            k[5] = (struct pr_kgroup){PR_KC_ELTWISE, 3, 0, n * 5e6, n * 6e7 * (1 + m % 3), PR_KM_BOTH};
            k[6] = (struct pr_kgroup){PR_KC_ELTWISE, 20 * (m % 4) + 1, 0, 100, 800, PR_KM_HALF_INFER};
            struct pr_roof_sample *s = &calls[m * NB + b];
            *s = (struct pr_roof_sample){.k = k, .nk = sub ? NK : NK - 1, .scale = 1, .batch = n,
                                         .model = names[m], .family = fam[m % 5]};
            pr_roof_call(r, k, s->nk, 1, &s->latency_s, &s->energy_j);
            s->macs = k[0].macs * k[0].count + k[1].macs * k[1].count;
        }
    }
}

static void make_calls(void)
{
    make_calls_sub(&truth, false);
}

static void roof_fit_recovers_known_coefficients(void)
{
    make_calls();
    struct pr_roof_bounds b = {.mac_rate = 100e12, .flop_rate = 100e12, .bw = 4.8e12};
    struct pr_roof r = {.elem_bytes = 4};
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    double worst_t = 0, worst_e = 0;
    for (int i = 0; i < NCALL; i++) {
        double t, e;
        pr_roof_call(&r, calls[i].k, calls[i].nk, 1, &t, &e);
        worst_t = fmax(worst_t, fabs(t / calls[i].latency_s - 1));
        worst_e = fmax(worst_e, fabs(e / calls[i].energy_j - 1));
    }
    CHECK(worst_t < 1e-3);
    CHECK(worst_e < 1e-3);
    /* the terms that decide some call's time are identified */
    CHECK(near(r.rate[PR_KC_CONV], truth.rate[PR_KC_CONV], 0.01));
    CHECK(near(r.bw[PR_KC_ELTWISE], truth.bw[PR_KC_ELTWISE], 0.01));   /* the memory-bound class */
    CHECK(near(r.p_static, truth.p_static, 0.02));
}

/* Bit (group, class) of struct pr_roof unidentified: rate 0, bw 1, e_work 2. */
static unsigned bit(int group, int cls)
{
    return 1u << (group * PR_KC_COUNT + cls);
}

/* The fit marks what the calls cannot identify. By hand from make_calls
 * under truth: every conv kernel is compute-bound (n 2e8-8e8 MACs / 60e12
 * = 3.3-13 us x n against n 3-9 MB / 3e12 = 1-3 us x n), so bw[conv]
 * decides nothing; every attention kernel too (1.5-4.5 us x n against
 * 1 us x n); every grouped kernel is memory-bound (0.5-1 us x n against
 * 4 us x n) and every eltwise kernel (at most 0.1 us x n against 0.27-60
 * us x n), so their rates decide nothing; gemm has both kinds. With the
 * attention kernels counted as GEMMs, no call has attention work: its
 * rate, bandwidth and energy per MAC are all unidentified, as the depthwise
 * class's are always (the calls have no depthwise kernel). */
static void roof_fit_marks_what_the_calls_do_not_identify(void)
{
    make_calls();
    struct pr_roof_bounds b = {.mac_rate = 100e12, .flop_rate = 100e12, .bw = 4.8e12};
    struct pr_roof r = {.elem_bytes = 4};
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    unsigned dw = bit(0, PR_KC_DEPTHWISE) | bit(1, PR_KC_DEPTHWISE) | bit(2, PR_KC_DEPTHWISE);
    CHECK_EQ(r.unidentified, bit(0, PR_KC_GROUPED) | bit(0, PR_KC_ELTWISE) | bit(1, PR_KC_CONV) |
                                 bit(1, PR_KC_ATTENTION) | dw);
    for (int i = 0; i < NCALL; i++)
        kern[i][3].cls = PR_KC_GEMM;
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    unsigned none = bit(0, PR_KC_ATTENTION) | bit(1, PR_KC_ATTENTION) | bit(2, PR_KC_ATTENTION);
    CHECK_EQ(r.unidentified & none, none);
    CHECK((r.unidentified & (bit(2, PR_KC_CONV) | bit(2, PR_KC_GEMM) | bit(2, PR_KC_ELTWISE))) == 0);
    make_calls();
}

/* With kernels an op launches after its first (native BatchNorm), their
 * host time t_sub is fitted too; without them it is 0 (not fitted). */
static void roof_fit_recovers_the_host_time_of_kernels_inside_an_op(void)
{
    struct pr_roof t = truth;
    t.t_sub = 2e-6;
    make_calls_sub(&t, true);
    struct pr_roof_bounds b = {.mac_rate = 100e12, .flop_rate = 100e12, .bw = 4.8e12};
    struct pr_roof r = {.elem_bytes = 2};
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    double worst_t = 0;
    for (int i = 0; i < NCALL; i++) {
        double tt, e;
        pr_roof_call(&r, calls[i].k, calls[i].nk, 1, &tt, &e);
        worst_t = fmax(worst_t, fabs(tt / calls[i].latency_s - 1));
    }
    CHECK(worst_t < 1e-3);
    CHECK(near(r.t_sub, 2e-6, 0.02) && near(r.t_launch[PR_KC_CONV], 6e-6, 0.02));
    make_calls();
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    CHECK(r.t_sub == 0);
}

static void roof_fit_respects_the_spec_bounds(void)
{
    make_calls();
    /* a bound below the truth: the fit stays at it */
    struct pr_roof_bounds b = {.mac_rate = 40e12, .flop_rate = 100e12, .bw = 2e12};
    struct pr_roof r = {.elem_bytes = 4};
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    for (int c = 0; c < PR_KC_COUNT; c++)
        CHECK(r.rate[c] <= (c == PR_KC_ELTWISE ? 100e12 : 40e12) * (1 + 1e-9) && r.e_work[c] >= 0);
    for (int c = 0; c < PR_KC_COUNT; c++)
        CHECK(r.bw[c] <= 2e12 * (1 + 1e-9));
    CHECK(r.p_static >= 0 && r.e_byte >= 0 && r.e_launch >= 0);
    /* an idle power above the truth's 110 W: static power stays at or above it */
    b.idle_w = 150;
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    CHECK(r.p_static >= 150 * (1 - 1e-9));
    /* a board of 200 W: no class's work can draw more than the 50 W above
     * idle at the rate it runs at, e_work <= 50 W / rate (every truth is
     * above): the fitted rate of the convolutions, whose compute term
     * decides their time (2e8 MACs at 60e12/s against 3 MB at 3e12 B/s);
     * the spec's 40e12 MAC/s (b above) for the grouped class, which is
     * memory-bound in every call (its rate is not identified) */
    b.tdp_w = 200;
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    for (int c = 0; c < PR_KC_COUNT; c++)
        CHECK(r.e_work[c] <= 50 / r.rate[c] * (1 + 1e-9) && truth.e_work[c] > 50 / r.rate[c]);
    CHECK(near(r.e_work[PR_KC_CONV], 50 / r.rate[PR_KC_CONV], 1e-6));
    /* grouped work of 2 nJ per MAC: its energy pushes e_work to the bound */
    struct pr_roof t = truth;
    t.e_work[PR_KC_GROUPED] = 2e-9;
    make_calls_sub(&t, false);
    CHECK_EQ(pr_roof_fit(calls, NCALL, &b, &r), 0);
    CHECK(near(r.e_work[PR_KC_GROUPED], 50 / 40e12, 1e-6));
}

static void roof_holdout_on_exact_data_has_no_error(void)
{
    make_calls();
    struct pr_roof_bounds b = {.mac_rate = 100e12, .flop_rate = 100e12, .bw = 4.8e12};
    double e[NCALL], t[NCALL];
    CHECK_EQ(pr_roof_holdout(calls, NCALL, &b, 0, false, e, t), 0);
    double err[NCALL];
    for (int i = 0; i < NCALL; i++)
        err[i] = fabs(e[i] / calls[i].energy_j - 1);
    /* every model shares the classes that decide its time, so each one is
     * predicted from the others (the worst within the LM's tolerance) */
    CHECK(pr_median(err, NCALL) < 1e-3);
    CHECK(pr_percentile(err, NCALL, 100) < 0.025);   /* the fit of a held-out fold stops within 2.1% */
    /* the E = a + b*MACs baseline predicts no latency */
    CHECK_EQ(pr_roof_holdout(calls, NCALL, &b, 2, true, e, t), 0);
    CHECK(t[0] == -1);
}

static void spearman_matches_the_hand_computed_value(void)
{
    /* ranks x 1..5, y 1 2 3 5 4: d^2 = 0+0+0+1+1 = 2; rho = 1 - 6*2/(5*24) = 0.9 */
    const double x[] = {10, 20, 30, 40, 50}, y[] = {1, 2, 3, 9, 8};
    CHECK(near(pr_spearman(x, y, 5), 0.9, 1e-12));
    const double r[] = {5, 4, 3, 2, 1};
    CHECK(near(pr_spearman(x, r, 5), -1, 1e-12));
}

/* The group of class cls with macs MACs and bytes bytes in k[0..n) (NULL: none). */
static const struct pr_kgroup *group_of(const struct pr_kgroup *k, int n, int cls, double macs, double bytes)
{
    for (int i = 0; i < n; i++)
        if (k[i].cls == cls && k[i].macs == macs && k[i].bytes == bytes)
            return &k[i];
    return NULL;
}

/* The kernels of the model at path into *k (malloc'ed); their number, -1
 * when it does not load or analyse. */
static int fixture_kernels(const char *path, struct pr_kgroup **k)
{
    struct pr_model m;
    struct pr_diag diag;
    struct pr_analysis an;
    struct pr_err err = {0};
    struct pr_options opt = {0};
    *k = NULL;
    if (pr_cli_load(path, &m, &diag) != 0) {
        CHECK(!"the fixture loads");
        return -1;
    }
    int rc = pr_analyze(&m, &opt, &an, &err), n = rc == 0 ? pr_kernels_of(&an, k) : -1;
    CHECK(n > 0);
    if (rc == 0)
        pr_analysis_free(&an);
    pr_diag_free(&diag);
    pr_model_free(&m);
    return n;
}

static void roof_kernels_follow_the_eager_spelling(void)
{
    struct pr_kgroup *k;
    int n = fixture_kernels("fixtures/roof/eager.onnx", &k);
    double count = 0;
    for (int i = 0; i < n; i++)
        count += k[i].count;
    /* conv: 4 x 8 x 8 outputs x 27 = 6912 MACs; read x 768 B + w 432 B + b 16 B, write 1024 B */
    const struct pr_kgroup *g = group_of(k, n, PR_KC_CONV, 6912, 768 + 432 + 16 + 1024);
    CHECK(g && g->count == 1);
    /* its bias add: 256 outputs, 2 FLOPs and 2 x 4 B each; Relu: 256 FLOPs, 1024 B in and out */
    double flops[2] = {0, 0};
    for (int i = 0; i < n; i++)
        if (k[i].cls == PR_KC_ELTWISE && k[i].bytes == 2048 && k[i].count == 1)
            flops[k[i].flops == 512 ? 0 : 1] = k[i].flops;
    CHECK(flops[0] == 512 && flops[1] == 256);
    /* sdpa: one kernel of 2 x 4 x 4 x 8 (QK^T) + 2 x 4 x 8 x 4 (PV) MACs, q k v read and out
     * written: 4 x 64 floats; its scales, mask and Softmax run inside */
    g = group_of(k, n, PR_KC_ATTENTION, 512, 4 * 64 * 4);
    CHECK(g && g->count == 1);
    /* biased: QK^T (q, k read, scores written: 64 + 64 + 32 floats) and PV (scores, v read,
     * out written: 32 + 64 + 64 floats) stay, and so do the bias Add and the Softmax */
    CHECK(group_of(k, n, PR_KC_ATTENTION, 256, 160 * 4) && group_of(k, n, PR_KC_ATTENTION, 256, 160 * 4)->count == 6);
    CHECK(group_of(k, n, PR_KC_ELTWISE, 0, (32 + 32 + 32) * 4));
    /* scaled (q @ k.T * 0.5 + mask, transformers' eager attention) and qscaled (q * 0.5 @ k.T) run
     * as written: their products are two each of the six above; the scores' scale reads 32 + 1
     * floats and writes 32, the mask Add reads 32 + 16 and writes 32, Q's scale 64 + 1 and 64 */
    g = group_of(k, n, PR_KC_ELTWISE, 0, (32 + 1 + 32) * 4);
    CHECK(g && g->count == 1 && g->flops == 32);
    CHECK(group_of(k, n, PR_KC_ELTWISE, 0, (32 + 16 + 32) * 4) != NULL);
    g = group_of(k, n, PR_KC_ELTWISE, 0, (64 + 1 + 64) * 4);
    CHECK(g && g->count == 1 && g->flops == 64);
    /* F.linear: MatMul(e[1,4,8], W[8,6]) = 4 x 8 x 6 = 192 MACs, e 128 B + W 192 B read, 96 B
     * written; its bias Add is the GEMM's epilogue (no bytes, no kernel of its own) */
    g = group_of(k, n, PR_KC_GEMM, 192, 128 + 192 + 96);
    CHECK(g && g->count == 1);
    /* conv, bias add, relu, sdpa, qk2, bias add, softmax2, pv2; qk3, scale, mask add, softmax3,
     * pv3; Q's scale, qk4, softmax4, pv4; residual add, relu; gelu (one); silu (one); slice (view:
     * none); permute (view) + add; linear (one) */
    CHECK(count == 23);
    free(k);
}

/* The kernels of fixtures/roof/mha_NAME.onnx in an inference call and in
 * a training step's forward pass. */
static void mha_kernels(const char *name, double *infer, double *train)
{
    char path[96];
    struct pr_kgroup *k;
    snprintf(path, sizeof path, "fixtures/roof/mha_%s.onnx", name);
    int n = fixture_kernels(path, &k);
    *infer = *train = n < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        *infer += k[i].mode == PR_KM_BOTH || k[i].mode == PR_KM_INFER ? k[i].count : 0;
        *train += k[i].mode == PR_KM_BOTH || k[i].mode == PR_KM_TRAIN ? k[i].count : 0;
    }
    free(k);
}

/* nn.MultiheadAttention's fast path (roofline.c mark_mha_fast_path), by
 * hand from make_roof_fixtures.py: in inference the in-projection (its
 * bias in the GEMM), the fused attention (Q and K scales inside), the
 * output projection and the residual Add are the only kernels; training
 * runs the slow path's copies too: the query's transpose to
 * sequence-first, the packed QKV's transpose (PyTorch 2.x spelling), the
 * three heads' transposes, K's transpose where a MatMul reads it (a Mul
 * reading it takes it as a view), and the output's permute back. */
static void roof_mha_fast_path_runs_three_kernels_in_inference(void)
{
    static const struct {
        const char *name;
        double infer, train;
    } want[] = {
        {"fast", 4, 4 + 6},       /* + seq-first, packed, 3 heads, permute back */
        {"chunk", 4, 4 + 6},      /* + seq-first, 3 heads, K^T (read by MatMul), permute back */
        {"seqfirst", 9, 9},       /* batch_first=False: the slow path in both */
        {"oddheads", 10, 10},     /* 3 heads: the slow path in both */
        {"chunk3d", 4, 4 + 5},    /* heads as [N x heads, L, 8]: Q's transpose read by the Div is a view */
        {"chunk3d_oddheads", 9, 9},   /* 3 heads (N x heads = 6 is even): the slow path in both */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        double infer, train;
        mha_kernels(want[i].name, &infer, &train);
        if (infer != want[i].infer || train != want[i].train)
            fprintf(stderr, "mha_%s: %g / %g kernels, want %g / %g\n", want[i].name, infer, train, want[i].infer,
                    want[i].train);
        CHECK(infer == want[i].infer && train == want[i].train);
    }
}

/* Kernels in k[0..n): all of them, and those of mode `mode` (their count,
 * FLOPs and bytes of the first such group in *g). */
static double count_of(const struct pr_kgroup *k, int n, int mode, struct pr_kgroup *g)
{
    double c = 0;
    for (int i = 0; i < n; i++)
        if (mode < 0 || k[i].mode == mode) {
            if (g && c == 0)
                *g = k[i];
            c += k[i].count;
        }
    return c;
}

/* A convolution with one input channel per group is of the depthwise
 * class, one with several of the grouped class (their kernels differ in
 * cuDNN: fitted apart). fixtures/demo_cnn.onnx block2_dwconv: W[16,1,3,3],
 * group 16, 1x16x16x16 -> 1x16x8x8: 1024 outputs x 9 = 9216 MACs; reads
 * 16384 + 576 + 64 B, writes 4096 B. fixtures/conv_3d.onnx conv3d_grouped:
 * W[6,2,3,3,3], group 2, output 1x6x6x5x5: 900 outputs x 2 x 27 = 48600
 * MACs; reads 1x4x8x10x12 floats (15360 B) + 1296 + 24 B, writes 3600 B. */
static void roof_depthwise_and_grouped_convolutions_are_classes_of_their_own(void)
{
    struct pr_kgroup *k;
    int n = fixture_kernels("fixtures/demo_cnn.onnx", &k);
    CHECK(group_of(k, n, PR_KC_DEPTHWISE, 9216, 16384 + 576 + 64 + 4096) != NULL);
    for (int i = 0; i < n; i++)
        CHECK(k[i].cls != PR_KC_GROUPED);
    free(k);
    n = fixture_kernels("fixtures/conv_3d.onnx", &k);
    CHECK(group_of(k, n, PR_KC_GROUPED, 48600, 15360 + 1296 + 24 + 3600) != NULL);
    for (int i = 0; i < n; i++)
        CHECK(k[i].cls != PR_KC_DEPTHWISE);
    free(k);
}

/* A tied LM head as the dynamo exporter writes it (make_roof_fixtures.py
 * tied()): MatMul(x[2,4,8], Transpose(W[640,8])) is one GEMM of 2*4*640*8
 * = 40960 MACs reading x (256 B) and W (20480 B), writing 20480 B, and
 * W.t() is no kernel (W is too large to be folded as a constant);
 * MatMul(x, Transpose(x)) is the attention class (256 MACs; 256 + 256 +
 * 128 B) after the Transpose's copy (256 B read, 256 B written); a QDQ
 * weight, MatMul(x, DequantizeLinear(Wq[8,640] int8)), is a GEMM like the
 * first after the dequantization's kernel (2 FLOPs per value; 5120 B of
 * int8, 4 + 1 B of scale and zero point, 20480 B written): five kernels. */
static void roof_a_weight_transposed_for_matmul_is_a_gemm_operand(void)
{
    struct pr_kgroup *k;
    int n = fixture_kernels("fixtures/roof/tied.onnx", &k);
    CHECK(count_of(k, n, -1, NULL) == 5);
    const struct pr_kgroup *gemm = group_of(k, n, PR_KC_GEMM, 40960, 41216), *dq = group_of(k, n, PR_KC_ELTWISE, 0, 25605);
    CHECK(gemm && gemm->count == 2);
    CHECK(dq && dq->flops == 10240);
    CHECK(group_of(k, n, PR_KC_ATTENTION, 256, 640) != NULL);
    CHECK(group_of(k, n, PR_KC_ELTWISE, 0, 512) != NULL);
    free(k);
}

/* Eager's BatchNorm at 16-bit (roofline.c native_batch_norm), by hand from
 * make_roof_fixtures.py bn(): the convolution whose bias the exporter
 * named "onnx::Conv_7" and the BatchNormalization node each add, at fp16 /
 * bf16 only, two kernels over the 4 channels in inference (2 x 4 values
 * of 4 B: 32 B, 4 FLOPs each), and in training the reduction over the
 * output (2 x 4 x 8 x 8 floats: 2048 B, 2 FLOPs per element) and the stats
 * update (32 B, 4 FLOPs), with no backward kernel; the convolution with
 * the module's own bias "conv2.bias" adds nothing, nor does the Gemm with
 * an exporter-named bias. Their host time is t_sub, not an eager op's.
 * conv2's bias add (2 x 4 x 8 x 8 outputs: 1024 FLOPs, 4096 B) is
 * launched by the convolution op (PR_KM_IN_OP, t_sub, every call, its
 * gradient in the convolution's backward too); the folded BatchNorm's
 * kernel of the same size was an op of its own (t_launch). */
static void roof_native_batch_norm_runs_at_16_bit_only(void)
{
    struct pr_kgroup *k, *t = NULL, g = {0};
    int n = fixture_kernels("fixtures/roof/bn.onnx", &k);
    CHECK(count_of(k, n, PR_KM_HALF_INFER, &g) == 4 && g.flops == 4 && g.bytes == 32);
    CHECK(count_of(k, n, PR_KM_HALF_TRAIN, NULL) == 4);
    CHECK(count_of(k, n, PR_KM_IN_OP, &g) == 1 && g.cls == PR_KC_ELTWISE && g.flops == 1024 && g.bytes == 4096);
    CHECK(count_of(k, n, PR_KM_BOTH, NULL) == 5);   /* conv1, its folded BatchNorm, conv2, BatchNorm, Gemm */
    /* fp32: two convolutions, their bias adds (one a folded BatchNorm), the BatchNorm, the Gemm
     * (its bias named by the exporter too, but no convolution's) */
    int m1 = pr_infer_kernels(k, n, false, &t);
    CHECK(count_of(t, m1, -1, NULL) == 6);
    free(t);
    m1 = pr_infer_kernels(k, n, true, &t);
    CHECK(count_of(t, m1, -1, NULL) == 10 && count_of(t, m1, PR_KM_HALF_INFER, NULL) == 4);
    struct pr_roof r = truth;
    r.t_sub = 1e-6;
    for (int i = 0; i < m1; i++)
        CHECK(pr_host_time(&r, &t[i]) == (t[i].mode == PR_KM_HALF_INFER || t[i].mode == PR_KM_IN_OP ? 1e-6 : 6e-6));
    CHECK(count_of(t, m1, PR_KM_IN_OP, NULL) == 1);
    free(t);
    /* training: 6 forward + 2 x 3 convolution and Gemm gradients + 3 eltwise backward, the bias add's
     * forward and backward launched inside the convolution's ops */
    m1 = pr_train_kernels(k, n, 0, 1, false, &t);
    CHECK(count_of(t, m1, -1, NULL) == 15 && count_of(t, m1, PR_KM_IN_OP, NULL) == 2);
    free(t);
    m1 = pr_train_kernels(k, n, 0, 1, true, &t);
    CHECK(count_of(t, m1, -1, NULL) == 19 && count_of(t, m1, PR_KM_HALF_TRAIN, NULL) == 4);
    double reduce = 0;
    for (int i = 0; i < m1; i++)
        reduce += t[i].mode == PR_KM_HALF_TRAIN && t[i].bytes == 2048 && t[i].flops == 1024 ? t[i].count : 0;
    CHECK(reduce == 2);
    free(t);
    free(k);
}

/* pr_roof_estimate's extrapolated share on fixtures/roof/bn.onnx at fp32
 * under truth: every kernel of this small graph is memory-bound (the
 * largest compute term, conv1's 2 x 4 x 8 x 8 x 27 = 13,824 MACs / 60e12
 * = 0.23 ns, is below its 1,536 + 432 + 16 + 2,048 B / 3e12 = 1.3 ns, and
 * every other kernel does fewer operations per byte), so unidentified
 * rates extrapolate nothing, unidentified bandwidths all of it, and an
 * unidentified energy per MAC of conv the convolutions' share only. */
static double extrapolated(const struct pr_analysis *an, unsigned bits)
{
    struct pr_profile p = {.has_roof = true, .roof = truth};
    p.roof.unidentified = bits;
    struct pr_roof_out o;
    int rc = pr_roof_estimate(an, &p, false, &o);
    free(o.layers);
    return rc == 0 ? o.extrapolated_pct : -1;
}

static void roof_estimate_says_how_much_is_extrapolated(void)
{
    struct pr_model m;
    struct pr_diag diag;
    struct pr_analysis an;
    struct pr_err err = {0};
    struct pr_options opt = {0};
    if (pr_cli_load("fixtures/roof/bn.onnx", &m, &diag) != 0) {
        CHECK(!"the fixture loads");
        return;
    }
    CHECK_EQ(pr_analyze(&m, &opt, &an, &err), 0);
    unsigned rates = (1u << PR_KC_COUNT) - 1, bws = rates << PR_KC_COUNT;
    CHECK(extrapolated(&an, 0) == 0);
    CHECK(extrapolated(&an, rates) == 0);
    CHECK(near(extrapolated(&an, bws), 100, 1e-12));
    double conv = extrapolated(&an, 1u << (2 * PR_KC_COUNT + PR_KC_CONV));
    CHECK(conv > 0 && conv < 100);
    CHECK(extrapolated(&an, 1u << (2 * PR_KC_COUNT + PR_KC_ATTENTION)) == 0);   /* no attention work */
    pr_analysis_free(&an);
    pr_diag_free(&diag);
    pr_model_free(&m);
}

void suite_roof(void);
void suite_roof(void)
{
    RUN(roof_estimate_says_how_much_is_extrapolated);
    RUN(roof_kernel_time_is_the_floor_plus_the_larger_roof_term);
    RUN(roof_call_is_host_bound_when_launches_take_longer);
    RUN(roof_training_step_doubles_mac_kernels_and_adds_the_optimizer);
    RUN(roof_kernels_run_in_their_mode_only);
    RUN(roof_fit_recovers_known_coefficients);
    RUN(roof_fit_marks_what_the_calls_do_not_identify);
    RUN(roof_fit_recovers_the_host_time_of_kernels_inside_an_op);
    RUN(roof_fit_respects_the_spec_bounds);
    RUN(roof_holdout_on_exact_data_has_no_error);
    RUN(spearman_matches_the_hand_computed_value);
    RUN(roof_kernels_follow_the_eager_spelling);
    RUN(roof_mha_fast_path_runs_three_kernels_in_inference);
    RUN(roof_native_batch_norm_runs_at_16_bit_only);
    RUN(roof_a_weight_transposed_for_matmul_is_a_gemm_operand);
    RUN(roof_depthwise_and_grouped_convolutions_are_classes_of_their_own);
}
