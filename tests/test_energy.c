/* test_energy.c -- the estimator on hand-computed cases (fitted and
 * spec-only profiles), CO2e arithmetic, baselines, CodeCarbon import. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "energy.h"
#include "test.h"

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b) + 1e-300;
}

/* Two layers by hand: a MatMul (1000 MACs, 2000 FLOPs, 400 B read, 100 B
 * written) and a Relu (50 FLOPs, 200 B read, 200 B written). */
static struct pr_node nodes[2] = {{.name = "mm", .op_type = "MatMul", .domain = ""},
                                  {.name = "relu", .op_type = "Relu", .domain = ""}};
static struct pr_model model;
static struct pr_layer layers[2] = {{.node = 0, .macs = 1000, .flops = 2000, .bytes_read = 400, .bytes_written = 100,
                                     .parent = -1, .multiplier = 1, .counted = true},
                                    {.node = 1, .macs = 0, .flops = 50, .bytes_read = 200, .bytes_written = 200,
                                     .parent = -1, .multiplier = 1, .counted = true}};
static struct pr_analysis an;

static void setup(void)
{
    model.graph.nodes = nodes;
    model.graph.nnodes = 2;
    an.model = &model;
    an.layers = layers;
    an.nlayers = 2;
    an.totals = (struct pr_totals){.macs = 1000, .flops = 2050, .bytes_read = 600, .bytes_written = 300};
}

static void features_split_macs_by_class_and_count_non_mac_flops(void)
{
    setup();
    struct pr_features f;
    pr_features_of(&an, &f);
    CHECK(f.work[PR_EC_DENSE] == 1000);
    CHECK(f.work[PR_EC_DW] == 0);
    CHECK(f.work[PR_EC_OTHER] == 2050 - 2 * 1000);
    CHECK(f.bytes == 600 + 300);
    CHECK_EQ(f.mac_layers, 1);
    CHECK_EQ(f.layers, 2);
}

static void fitted_profile_sums_layer_costs_and_the_fixed_part(void)
{
    setup();
    struct pr_profile p = {.id = "t/fp32/single", .hw = "t", .hardware = "test", .method = PR_METHOD_FITTED,
                           .coef = {.e_fixed = 0.5, .e_class = {1e-3, 0, 2e-3}, .e_byte = 1e-4, .e_layer = 0.25,
                                    .t_fixed = 0.1, .t_class = {1e-4, 0, 1e-5}, .t_byte = 1e-6, .t_layer = 0.01},
                           .spec = {.tdp_w = 10, .mem_gb = 4},
                           .valid = {.models = 9, .loo_median = 3.5, .loo_p90 = 8}};
    struct pr_energy_opts o = {.pue = 1.5, .g_per_kwh = 400, .carbon_source = "test", .inferences = 1000};
    struct pr_estimate e;
    struct pr_err err;
    CHECK_EQ(pr_estimate(&an, &p, &o, &e, &err), 0);
    /* layer 0: 1000 MACs dense, 0 other FLOPs, 500 bytes, one dispatch */
    double e0 = 1000 * 1e-3 + 500 * 1e-4 + 0.25, t0 = 1000 * 1e-4 + 500 * 1e-6 + 0.01;
    /* layer 1: 50 other FLOPs, 400 bytes, no dispatch */
    double e1 = 50 * 2e-3 + 400 * 1e-4, t1 = 50 * 1e-5 + 400 * 1e-6;
    CHECK(near(e.layers[0].energy_j, e0));
    CHECK(near(e.layers[1].energy_j, e1));
    CHECK(near(e.layers[0].time_s, t0));
    CHECK(near(e.energy_j, 0.5 + e0 + e1));
    CHECK(near(e.latency_s, 0.1 + t0 + t1));
    CHECK(near(e.co2e_g, (0.5 + e0 + e1) / 3.6e6 * 1.5 * 400));
    CHECK(near(e.wh_per_million, (0.5 + e0 + e1) * 1e6 / 3600));
    CHECK(near(e.total_wh, (0.5 + e0 + e1) * 1000 / 3600));
    CHECK(e.uncertainty_pct == 3.5 && e.uncertainty_p90_pct == 8);
    /* baselines at the same latency: TDP x t; (TDP + 0.3725 W/GB x 4 GB) x t x PUE */
    CHECK(near(e.mlco2_j, 10 * (0.1 + t0 + t1)));
    CHECK(near(e.ga_j, (10 + 0.3725 * 4) * (0.1 + t0 + t1) * 1.5));
    pr_estimate_free(&e);
}

static void loop_body_rows_count_per_trip_and_untaken_branches_not_at_all(void)
{
    /* the same two rows, as if the MatMul ran 3 times in a Loop body and the
     * Relu sat in the If branch not taken: totals = fixed + 3 * e0 */
    setup();
    layers[0].multiplier = 3;
    layers[1].counted = false;
    struct pr_profile p = {.id = "t/fp32/single", .hw = "t", .hardware = "test", .method = PR_METHOD_FITTED,
                           .coef = {.e_fixed = 0.5, .e_class = {1e-3, 0, 2e-3}, .e_byte = 1e-4, .e_layer = 0.25,
                                    .t_fixed = 0.1, .t_class = {1e-4, 0, 1e-5}, .t_byte = 1e-6, .t_layer = 0.01}};
    struct pr_energy_opts o = {.pue = 1, .g_per_kwh = 475, .carbon_source = "test", .inferences = 1};
    struct pr_estimate e;
    struct pr_err err;
    CHECK_EQ(pr_estimate(&an, &p, &o, &e, &err), 0);
    double e0 = 1000 * 1e-3 + 500 * 1e-4 + 0.25, t0 = 1000 * 1e-4 + 500 * 1e-6 + 0.01;
    CHECK(near(e.layers[0].energy_j, e0));      /* a row shows one execution */
    CHECK(near(e.energy_j, 0.5 + 3 * e0));
    CHECK(near(e.latency_s, 0.1 + 3 * t0));
    struct pr_features f;
    pr_features_of(&an, &f);
    CHECK_EQ(f.mac_layers, 3);                  /* three dispatches of the MatMul */
    pr_estimate_free(&e);
    layers[0].multiplier = 1;
    layers[1].counted = true;
}

static void spec_only_profile_takes_the_roofline_maximum_times_tdp(void)
{
    setup();
    struct pr_profile p = {.id = "s/fp32/single", .hw = "s", .hardware = "spec", .method = PR_METHOD_SPEC,
                           .spec = {.peak_ops = 1e6, .mem_bw = 1e4, .tdp_w = 20}};
    struct pr_energy_opts o = {.pue = 1, .g_per_kwh = 475};
    struct pr_estimate e;
    struct pr_err err;
    CHECK_EQ(pr_estimate(&an, &p, &o, &e, &err), 0);
    /* layer 0: compute 2*1000/(1e6*0.5) = 4 ms, memory 500/(1e4*0.6) = 83.3 ms -> memory */
    double t0 = fmax(2.0 * 1000 / (1e6 * PR_SPEC_EFF_DENSE), 500 / (1e4 * PR_SPEC_EFF_MEM));
    /* layer 1: compute 50/(1e6*0.1), memory 400/(1e4*0.6) */
    double t1 = fmax(50 / (1e6 * PR_SPEC_EFF_OTHER), 400 / (1e4 * PR_SPEC_EFF_MEM));
    CHECK(near(e.latency_s, t0 + t1));
    CHECK(near(e.energy_j, 20 * (t0 + t1)));
    CHECK(e.method == PR_METHOD_SPEC);
    CHECK(e.uncertainty_pct == PR_SPEC_UNCERTAINTY_PCT);
    pr_estimate_free(&e);
}

static void profile_without_coefficients_or_spec_is_refused(void)
{
    setup();
    struct pr_profile p = {.id = "n/fp32/single", .hw = "n", .method = PR_METHOD_NONE};
    struct pr_energy_opts o = {.pue = 1, .g_per_kwh = 475};
    struct pr_estimate e;
    struct pr_err err = {0};
    CHECK_EQ(pr_estimate(&an, &p, &o, &e, &err), -1);
    CHECK(err.code == PR_E_ARG);
    CHECK(strstr(err.msg, "priori calibrate") != NULL);
}

static void co2e_is_kwh_times_pue_times_intensity(void)
{
    CHECK(near(pr_co2e_g(3.6e6, 1, 475), 475));            /* 1 kWh at the world average */
    CHECK(near(pr_co2e_g(1.8e6, 1.2, 56), 0.5 * 1.2 * 56)); /* half a kWh, PUE 1.2 */
    CHECK(pr_co2e_g(0, 2, 500) == 0);
}

static const char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/priori_cc_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void codecarbon_import_reads_the_last_row(void)
{
    const char *p = write_tmp(
        "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,energy_consumed,country_name\n"
        "2024-01-01T00:00:00,a,1,10.0,0.001,0.0001,42.5,0.0002,France\n"
        "2024-01-01T00:01:00,\"b, with comma\",2,120.5,0.002,0.0001,42.5,0.0125,\"Fr\"\"ance\"\n");
    double kwh = 0, dur = 0;
    struct pr_err err = {0};
    CHECK(p != NULL);
    CHECK_EQ(pr_codecarbon_read(p, &kwh, &dur, &err), 0);
    CHECK(kwh == 0.0125);
    CHECK(dur == 120.5);
    unlink(p);
    p = write_tmp("timestamp,duration\n1,2\n");
    CHECK_EQ(pr_codecarbon_read(p, &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "energy_consumed") != NULL);
    unlink(p);
    p = write_tmp("duration,energy_consumed\n5,-1\n");
    CHECK_EQ(pr_codecarbon_read(p, &kwh, &dur, &err), -1);
    CHECK(err.code == PR_E_ARG);
    unlink(p);
}

void suite_energy(void);
void suite_energy(void)
{
    RUN(features_split_macs_by_class_and_count_non_mac_flops);
    RUN(fitted_profile_sums_layer_costs_and_the_fixed_part);
    RUN(loop_body_rows_count_per_trip_and_untaken_branches_not_at_all);
    RUN(spec_only_profile_takes_the_roofline_maximum_times_tdp);
    RUN(profile_without_coefficients_or_spec_is_refused);
    RUN(co2e_is_kwh_times_pue_times_intensity);
    RUN(codecarbon_import_reads_the_last_row);
}
