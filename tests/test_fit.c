/* test_fit.c -- NNLS and the calibration fit recover known coefficients
 * from synthetic records; validation errors on exact data are zero;
 * percentiles by nearest rank. */
#include <math.h>
#include <string.h>

#include "fit.h"
#include "test.h"

static bool near(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fabs(b) + 1e-300;
}

static void nnls_solves_a_consistent_system_exactly(void)
{
    /* b = A * (2, 3) */
    const double A[] = {1, 0, 0, 1, 1, 1, 2, 1};
    const double b[] = {2, 3, 5, 7};
    double x[2];
    CHECK_EQ(pr_nnls(A, b, 4, 2, x), 0);
    CHECK(near(x[0], 2, 1e-9));
    CHECK(near(x[1], 3, 1e-9));
}

static void nnls_clamps_a_negative_coefficient_to_zero(void)
{
    /* unconstrained least squares would give x1 = -1: b = 1*a0 - 1*a1 on
     * orthogonal columns; NNLS keeps x0 = 1, x1 = 0. */
    const double A[] = {1, 0, 0, 1};
    const double b[] = {1, -1};
    double x[2];
    CHECK_EQ(pr_nnls(A, b, 2, 2, x), 0);
    CHECK(near(x[0], 1, 1e-9));
    CHECK(x[1] == 0);
}

static void nnls_bounded_holds_a_coefficient_at_its_upper_bound(void)
{
    /* columns a0 = (1,1,0), a1 = (0,1,1), b = (3,4,1): least squares
     * gives x = (3, 1) exactly. With x0 <= 2: x1 minimises
     * |b - 2 a0 - x1 a1|^2 = |(1, 2 - x1, 1 - x1)|^2, so x1 = 1.5. */
    const double A[] = {1, 0, 1, 1, 0, 1};
    const double b[] = {3, 4, 1};
    const double hi[] = {2, INFINITY}, loose[] = {5, 5};
    double x[2];
    CHECK_EQ(pr_nnls_bounded(A, b, 3, 2, hi, x), 0);
    CHECK(near(x[0], 2, 1e-9));
    CHECK(near(x[1], 1.5, 1e-9));
    /* bounds that do not bind leave the NNLS solution */
    CHECK_EQ(pr_nnls_bounded(A, b, 3, 2, loose, x), 0);
    CHECK(near(x[0], 3, 1e-9) && near(x[1], 1, 1e-9));
    CHECK_EQ(pr_nnls_bounded(A, b, 0, 2, hi, x), -1);
}

static void nnls_refuses_bad_sizes(void)
{
    double A[1] = {1}, b[1] = {1}, x[1];
    CHECK_EQ(pr_nnls(A, b, 0, 1, x), -1);
    CHECK_EQ(pr_nnls(A, b, 1, PR_FIT_MAXVAR + 1, x), -1);
}

/* Synthetic profile: 12 models whose energy follows known coefficients. */
static const struct pr_coef truth = {.e_fixed = 0.01, .e_class = {2e-10, 9e-10, 3e-11}, .e_byte = 1e-11,
                                     .e_layer = 2e-4, .t_fixed = 0.002, .t_class = {1e-10, 4e-10, 1e-11},
                                     .t_byte = 2e-12, .t_layer = 5e-5};
static struct pr_features feats[12];
static struct pr_sample samples[12];
static char names[12][16];

static void make_samples(void)
{
    static const char *fam[] = {"mobilenet-v1", "mobilenet-v2", "efficientnet-lite"};
    for (int i = 0; i < 12; i++) {
        struct pr_features *f = &feats[i];
        memset(f, 0, sizeof *f);
        /* features that are not collinear: different mixes per model */
        f->work[PR_EC_DENSE] = 1e8 * (1 + i) + 3e7 * (i % 3);
        f->work[PR_EC_DW] = 5e6 * (1 + (i * 7) % 5);
        f->work[PR_EC_OTHER] = 2e6 * (1 + (i * 5) % 4) + 1e5 * i * i;
        f->bytes = 1e7 * (2 + (i * 3) % 7);
        f->mac_layers = 20 + 5 * (i % 4) + i;
        f->macs = f->work[PR_EC_DENSE] + f->work[PR_EC_DW];
        snprintf(names[i], sizeof names[i], "m%d", i);
        samples[i] = (struct pr_sample){.f = f, .model = names[i], .family = fam[i % 3],
                                        .energy_j = pr_model_energy(&truth, f),
                                        .latency_s = pr_model_latency(&truth, f)};
    }
}

static void fit_recovers_known_coefficients(void)
{
    make_samples();
    /* the energy written out by hand for the first model, from the formula */
    const struct pr_features *f = &feats[0];
    double e0 = 0.01 + 2e-10 * f->work[0] + 9e-10 * f->work[1] + 3e-11 * f->work[2] + 1e-11 * f->bytes +
                2e-4 * f->mac_layers;
    CHECK(near(samples[0].energy_j, e0, 1e-12));
    struct pr_coef c;
    CHECK_EQ(pr_fit(samples, 12, PR_FIT_PRIORI, &c), 0);
    CHECK(near(c.e_fixed, truth.e_fixed, 1e-4));
    CHECK(near(c.e_class[PR_EC_DENSE], truth.e_class[PR_EC_DENSE], 1e-4));
    CHECK(near(c.e_class[PR_EC_DW], truth.e_class[PR_EC_DW], 1e-4));
    CHECK(near(c.e_class[PR_EC_OTHER], truth.e_class[PR_EC_OTHER], 1e-4));
    CHECK(near(c.e_byte, truth.e_byte, 1e-4));
    CHECK(near(c.e_layer, truth.e_layer, 1e-4));
    CHECK(near(c.t_fixed, truth.t_fixed, 1e-4));
    CHECK(near(c.t_class[PR_EC_DW], truth.t_class[PR_EC_DW], 1e-4));
    CHECK(near(c.t_layer, truth.t_layer, 1e-4));
}

static void baseline_fits_recover_proportional_and_affine_laws(void)
{
    make_samples();
    struct pr_features f[6];
    struct pr_sample s[6];
    for (int i = 0; i < 6; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].macs = 1e8 * (i + 1);
        s[i] = (struct pr_sample){.f = &f[i], .model = names[i], .family = "x", .energy_j = 0.05 + 3e-9 * f[i].macs};
    }
    struct pr_coef c;
    CHECK_EQ(pr_fit(s, 6, PR_FIT_AFFINE_MACS, &c), 0);
    CHECK(near(c.e_fixed, 0.05, 1e-6));
    CHECK(near(c.e_class[PR_EC_DENSE], 3e-9, 1e-6));
    for (int i = 0; i < 6; i++)
        s[i].energy_j = 4e-9 * f[i].macs;
    CHECK_EQ(pr_fit(s, 6, PR_FIT_PROP_MACS, &c), 0);
    CHECK(c.e_fixed == 0);
    CHECK(near(c.e_class[PR_EC_DW], 4e-9, 1e-9));
}

static void validation_of_exact_data_has_no_error(void)
{
    make_samples();
    double err[64];
    int n = pr_validate_loo(samples, 12, PR_FIT_PRIORI, false, err);
    CHECK_EQ(n, 12);
    CHECK(pr_percentile(err, n, 100) < 0.01);
    n = pr_validate_xfam(samples, 12, PR_FIT_PRIORI, 0, err);   /* v1 + lite -> v2: 4 models */
    CHECK_EQ(n, 4);
    CHECK(pr_percentile(err, n, 100) < 0.01);
    /* E ~ MACs cannot follow a fixed cost: its error is not zero */
    n = pr_validate_loo(samples, 12, PR_FIT_PROP_MACS, false, err);
    CHECK(pr_median(err, n) > 1);
}

static void median_and_nearest_rank_percentile(void)
{
    double v[] = {5, 1, 4, 2, 3};
    CHECK(pr_median(v, 5) == 3);
    double w[] = {4, 1, 3, 2};
    CHECK(pr_median(w, 4) == 2.5);
    double p[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(pr_percentile(p, 10, 90) == 9);   /* rank ceil(0.9*10) = 9 */
    CHECK(pr_median(p, 0) == -1);
}

void suite_fit(void);
void suite_fit(void)
{
    RUN(nnls_solves_a_consistent_system_exactly);
    RUN(nnls_clamps_a_negative_coefficient_to_zero);
    RUN(nnls_bounded_holds_a_coefficient_at_its_upper_bound);
    RUN(nnls_refuses_bad_sizes);
    RUN(fit_recovers_known_coefficients);
    RUN(baseline_fits_recover_proportional_and_affine_laws);
    RUN(validation_of_exact_data_has_no_error);
    RUN(median_and_nearest_rank_percentile);
}
