/* test_review.c -- budgets, growth limits, gate evaluation, layer matching
 * and the liveness series behind the HTML report. Expected numbers are
 * closed forms written here (fixture shapes times dtype sizes), or
 * relations that must hold whatever the counts (the series' maximum is the
 * peak; the tensors alive at the peak add up to it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "cli.h"
#include "gate.h"
#include "report.h"
#include "test.h"

static struct pr_err err;

static int parse_budget(const char *text, struct pr_budget *b)
{
    memset(&err, 0, sizeof err);
    return pr_budget_parse(b, text, "b.json", &err);
}

static bool msg_has(const char *words)
{
    return strstr(err.msg, words) != NULL;
}

static void budget_parses_totals_layers_and_op_types(void)
{
    struct pr_budget b;
    CHECK_EQ(parse_budget("{\"totals\": {\"macs\": 2e9, \"params\": 5000000}, \"layers\": {\"conv 1\": {\"flops\": 7}},"
                          " \"op_types\": {\"Conv\": {\"count\": 3}}, \"warn_fraction\": 0.8}", &b), 0);
    CHECK_EQ(b.nlimits, 4);
    CHECK(b.limits[0].scope == PR_SCOPE_TOTAL && b.limits[0].metric == PR_M_MACS && b.limits[0].limit == 2e9);
    CHECK_STR(b.limits[1].path, "$.totals.params");
    CHECK(b.limits[2].scope == PR_SCOPE_LAYER && b.limits[2].metric == PR_PM_FLOPS);
    CHECK_STR(b.limits[2].target, "conv 1");
    CHECK_STR(b.limits[2].path, "$.layers[\"conv 1\"].flops");
    CHECK(b.limits[3].scope == PR_SCOPE_OP_TYPE && b.limits[3].metric == PR_PM_COUNT_NODES);
    CHECK(b.warn_fraction == 0.8);
    pr_budget_free(&b);
}

static void budget_errors_name_the_json_path_and_the_expectation(void)
{
    struct pr_budget b;
    CHECK_EQ(parse_budget("{\"totals\": {\"macs\": -5}}", &b), -1);
    CHECK(err.code == PR_E_ARG && msg_has("b.json: $.totals.macs: expected a non-negative finite number"));
    CHECK_EQ(parse_budget("{\"totals\": {\"gmacs\": 5}}", &b), -1);
    CHECK(msg_has("$.totals.gmacs: unknown metric"));
    CHECK_EQ(parse_budget("{\"layers\": {\"a\": {\"count\": 5}}}", &b), -1);
    CHECK(msg_has("$.layers.a.count: unknown metric"));   /* count is for op types only */
    CHECK_EQ(parse_budget("{\"op_types\": [1]}", &b), -1);
    CHECK(msg_has("$.op_types: expected an object keyed by operator types, got an array"));
    CHECK_EQ(parse_budget("{\"totals\": {\"macs\": null}}", &b), -1);
    CHECK(msg_has("got null"));
    CHECK_EQ(parse_budget("{\"totals\": {\"macs\": 1}} x", &b), -1);
    CHECK(msg_has("line 1: malformed JSON"));
    CHECK_EQ(parse_budget("{\"layers\": {\"a\": {\"macs\": 1}, \"a\": {\"macs\": 2}}}", &b), -1);
    CHECK(msg_has("$.layers.a: given twice"));
    CHECK_EQ(parse_budget("{\"layers\": {\"\": {\"macs\": 1}}}", &b), -1);
    CHECK(msg_has("empty name"));
    CHECK_EQ(parse_budget("\"totals\"", &b), -1);
    CHECK(msg_has("$: expected an object"));
}

static void growth_spec_is_metric_equals_percentage(void)
{
    double g[PR_M_COUNT];
    CHECK_EQ(pr_growth_parse("macs=5%,params=2,energy_j=0.5%", g, &err), 0);
    CHECK(g[PR_M_MACS] == 5 && g[PR_M_PARAMS] == 2 && g[PR_M_ENERGY] == 0.5 && g[PR_M_FLOPS] < 0);
    CHECK_EQ(pr_growth_parse("macs", g, &err), -1);
    CHECK_EQ(pr_growth_parse("macs=5%%", g, &err), -1);
    CHECK_EQ(pr_growth_parse("macs=-1", g, &err), -1);
    CHECK_EQ(pr_growth_parse("macs=inf", g, &err), -1);
    CHECK_EQ(pr_growth_parse("watts=1", g, &err), -1);
    CHECK_EQ(pr_growth_parse("", g, &err), -1);
}

static void check_numbers_are_grouped_and_exact(void)
{
    struct pr_check c = {.scope = PR_SCOPE_TOTAL, .metric_id = PR_M_MACS};
    char buf[48];
    CHECK_STR(pr_check_number(&c, 1697088, buf, sizeof buf), "1,697,088");
    CHECK_STR(pr_check_number(&c, 999, buf, sizeof buf), "999");
    CHECK_STR(pr_check_number(&c, 1697088 * 1.05, buf, sizeof buf), "1,781,942.4");
    CHECK_STR(pr_check_number(&c, 9007199254740992.0, buf, sizeof buf), "9,007,199,254,740,992");
}

static int open_subject(struct pr_subject *s, const char *path, struct pr_bindings *none)
{
    memset(none, 0, sizeof *none);
    return pr_subject_open(s, path, none, 10, true);
}

static void gate_compares_value_with_limit_and_growth(void)
{
    struct pr_subject s;
    struct pr_bindings none;
    if (open_subject(&s, "fixtures/demo_cnn.onnx", &none)) {
        CHECK(!"fixtures/demo_cnn.onnx loads");
        return;
    }
    uint64_t macs = s.an.totals.macs;
    char text[300];
    snprintf(text, sizeof text, "{\"totals\": {\"macs\": %llu, \"params\": %llu}, \"op_types\": {\"Conv\": {\"count\": 6}}}",
             (unsigned long long)macs, (unsigned long long)s.an.totals.params - 1);
    struct pr_budget b;
    struct pr_gate g;
    CHECK_EQ(parse_budget(text, &b), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, &b, NULL, NULL, &err), 0);
    CHECK_EQ(g.nchecks, 3);
    CHECK(g.checks[0].status == PR_CHECK_OK);       /* value == limit holds */
    CHECK(g.checks[1].status == PR_CHECK_BREACH);   /* one over */
    CHECK(g.checks[2].status == PR_CHECK_OK && g.checks[2].value == 6);   /* demo_cnn has 6 Conv nodes */
    CHECK_EQ(g.nbreaches, 1);
    pr_gate_free(&g);
    /* growth: limit = baseline * (1 + pct / 100) */
    struct pr_baseline base = {0};
    double growth[PR_M_COUNT];
    snprintf(text, sizeof text, "{\"schema\": \"priori.report/1\", \"unbound_symbols\": [], \"totals\": {\"params\": 1, "
             "\"macs\": %llu, \"flops\": 1, \"weight_bytes\": 1, \"peak_activation_bytes\": 1}}",
             (unsigned long long)(macs / 2));
    CHECK_EQ(pr_baseline_parse(&base, text, "base.json", &err), 0);
    CHECK_EQ(pr_growth_parse("macs=100%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), 0);
    CHECK(g.nchecks == 1 && g.checks[0].limit == (double)(macs / 2) * 2.0);
    CHECK(g.checks[0].status == ((double)macs > (double)(macs / 2) * 2.0 ? PR_CHECK_BREACH : PR_CHECK_OK));
    pr_gate_free(&g);
    /* estimate metrics without an estimate: a usage error */
    CHECK_EQ(pr_growth_parse("energy_j=1%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), -1);
    CHECK(err.code == PR_E_ARG && msg_has("needs --hw"));
    /* with an estimate (--hw fills it), the same limit is evaluated */
    static struct pr_profile prof = {.id = "test/fp32/single"};
    s.est = (struct pr_estimate){.profile = &prof, .latency_s = 0.002, .energy_j = 0.5, .co2e_g = 1e-4};
    base.has[PR_M_ENERGY] = true;
    base.value[PR_M_ENERGY] = 0.4;
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), 0);
    CHECK(g.nchecks == 1 && g.checks[0].status == PR_CHECK_BREACH && g.checks[0].limit == 0.4 * 1.01);
    pr_gate_free(&g);
    pr_baseline_free(&base);
    pr_budget_free(&b);
    pr_subject_close(&s);
}

static void baseline_with_unbound_symbols_is_refused(void)
{
    struct pr_baseline base;
    CHECK_EQ(pr_baseline_parse(&base, "{\"schema\": \"priori.report/1\", \"unbound_symbols\": [\"batch\"], \"totals\": {}}",
                               "old.json", &err), -1);
    CHECK(err.code == PR_E_ARG && msg_has("--dim batch=N"));
    CHECK_EQ(pr_baseline_parse(&base, "{\"schema\": \"priori.report/1\", \"totals\": {\"params\": \"1\"}}", "old.json",
                               &err), -1);
    CHECK(msg_has("$.totals.params: expected a non-negative number, got a string"));
}

static void live_series_peaks_where_the_analysis_says(void)
{
    struct pr_subject s;
    struct pr_bindings none;
    if (open_subject(&s, "fixtures/demo_cnn.onnx", &none)) {
        CHECK(!"fixtures/demo_cnn.onnx loads");
        return;
    }
    const struct pr_analysis *a = &s.an;
    uint64_t *live = calloc((size_t)a->nlayers + 1, sizeof *live);
    CHECK_EQ(pr_live_series(a, live), 0);
    CHECK_EQ(live[0], 1 * 3 * 64 * 64 * 4);            /* the input image, float32 */
    CHECK_EQ(live[a->nlayers], 2 * (1 * 10 * 4));      /* after probs: its input (freed next) and the output */
    int argmax = 0;
    for (int p = 1; p <= a->nlayers; p++)
        argmax = live[p] > live[argmax] ? p : argmax;
    CHECK_EQ(live[argmax], a->totals.peak_activation_bytes);
    CHECK_EQ(argmax, a->totals.peak_layer + 1);
    CHECK_EQ(live[2], 2 * (1 * 16 * 32 * 32 * 4));     /* after stem_bn: stem_conv_out + stem_bn_out */
    int vals[16];
    int n = pr_live_at(a, a->totals.peak_layer, vals, 16);
    CHECK_EQ(n, 2);
    uint64_t sum = 0;
    for (int i = 0; i < n && i < 16; i++) {
        bool unknown = false, ovf = false;
        const struct pr_value *v = &a->model->graph.values[vals[i]];
        sum += pr_shape_bytes(&v->t.shape, v->t.dtype, &unknown, &ovf);
    }
    CHECK_EQ(sum, a->totals.peak_activation_bytes);
    free(live);
    pr_subject_close(&s);
}

static void diff_matches_renamed_layers_by_op_and_shape(void)
{
    struct pr_subject o, n;
    struct pr_bindings none;
    if (open_subject(&o, "fixtures/demo_cnn.onnx", &none) ||
        open_subject(&n, "fixtures/review/demo_cnn_v2.onnx", &none)) {
        CHECK(!"fixtures load");
        return;
    }
    struct pr_diff d;
    CHECK_EQ(pr_diff_layers(&o.an, &n.an, &d, &err), 0);
    /* constructed in make_review_fixtures.py: 4 stem layers renamed,
     * block2_dwconv widened, block2_dwrelu removed, block3_conv/relu added */
    CHECK_EQ(d.count[PR_CHANGE_RENAMED], 4);
    CHECK_EQ(d.count[PR_CHANGE_CHANGED], 1);
    CHECK_EQ(d.count[PR_CHANGE_REMOVED], 1);
    CHECK_EQ(d.count[PR_CHANGE_ADDED], 2);
    CHECK_EQ(d.count[PR_CHANGE_SAME], 19 - 4 - 1 - 1);
    CHECK_EQ(d.npairs, 19 + 2);
    CHECK(d.exact);
    CHECK(d.pairs[0].change == PR_CHANGE_RENAMED && d.pairs[0].by == PR_MATCH_SHAPE && d.pairs[0].old_pos == 0);
    for (int i = 0; i < d.npairs; i++)
        if (d.pairs[i].change == PR_CHANGE_CHANGED) {
            const struct pr_layer *lo = &o.an.layers[d.pairs[i].old_pos], *ln = &n.an.layers[d.pairs[i].new_pos];
            CHECK_EQ(ln->macs - lo->macs, 1 * 16 * 8 * 8 * 1 * (25 - 9));   /* depthwise 5x5 vs 3x3 */
        }
    pr_diff_free(&d);
    CHECK_EQ(pr_diff_layers(&o.an, &o.an, &d, &err), 0);
    CHECK_EQ(d.count[PR_CHANGE_SAME], 19);
    pr_diff_free(&d);
    pr_subject_close(&o);
    pr_subject_close(&n);
}

static void markdown_and_html_escape_hostile_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pr_md_text(f, "a|b<script>*_`\x01\xff", 100);
    fputc('\n', f);
    pr_html_text(f, "<a href='x'>\"&\xfe", 100);
    fclose(f);
    CHECK_STR(buf, "a\\|b&lt;script&gt;\\*\\_\\`?\xEF\xBF\xBD\n&lt;a href=&#39;x&#39;&gt;&quot;&amp;\xEF\xBF\xBD");
    free(buf);
}

/* A priori.report/1 text with an energy section (as analyze --hw writes it). */
static const char report_hw[] =
    "{\"schema\": \"priori.report/1\", \"unbound_symbols\": [], \"totals\": {\"params\": 1, \"macs\": 100, "
    "\"flops\": 1, \"weight_bytes\": 1, \"peak_activation_bytes\": 1}, \"energy\": {\"profile\": \"hwA/fp32/single\", "
    "\"latency_s\": 0.002, \"energy_j\": 0.5, \"co2e_g\": 5e-5, \"pue\": 1.2, \"g_co2e_per_kwh\": 300}}";

static void baseline_energy_comes_from_the_report_energy_section(void)
{
    struct pr_baseline b;
    memset(&err, 0, sizeof err);
    CHECK_EQ(pr_baseline_parse(&b, report_hw, "old.json", &err), 0);
    CHECK(b.has[PR_M_LATENCY] && b.has[PR_M_ENERGY] && b.has[PR_M_CO2E]);
    CHECK(b.value[PR_M_LATENCY] == 0.002 && b.value[PR_M_ENERGY] == 0.5 && b.value[PR_M_CO2E] == 5e-5);
    CHECK_STR(b.profile, "hwA/fp32/single");
    CHECK(b.pue == 1.2 && b.g_per_kwh == 300);
    pr_baseline_free(&b);
    /* a report without --hw has no estimate metrics */
    CHECK_EQ(pr_baseline_parse(&b, "{\"schema\": \"priori.report/1\", \"totals\": {\"params\": 1, \"macs\": 1, "
                               "\"flops\": 1, \"weight_bytes\": 1, \"peak_activation_bytes\": 1}}", "old.json", &err), 0);
    CHECK(!b.has[PR_M_ENERGY] && !b.profile);
    pr_baseline_free(&b);
    /* a damaged energy section: the JSON path and what was expected */
    char text[sizeof report_hw + 16];
    snprintf(text, sizeof text, "%s", report_hw);
    memcpy(strstr(text, "\"energy_j\""), "\"energy_x\"", 10);
    CHECK_EQ(pr_baseline_parse(&b, text, "old.json", &err), -1);
    CHECK(err.code == PR_E_ARG && msg_has("old.json: $.energy.energy_j: missing"));
    snprintf(text, sizeof text, "%s", report_hw);
    memcpy(strstr(text, "\"hwA/fp32/single\""), "0                ", 17);
    CHECK_EQ(pr_baseline_parse(&b, text, "old.json", &err), -1);
    CHECK(msg_has("$.energy.profile: expected the hardware profile's id, got a number"));
}

static void energy_growth_needs_the_same_profile_and_carbon(void)
{
    struct pr_subject s;
    struct pr_bindings none;
    if (open_subject(&s, "fixtures/demo_cnn.onnx", &none)) {
        CHECK(!"fixtures/demo_cnn.onnx loads");
        return;
    }
    struct pr_baseline base;
    struct pr_gate g;
    double growth[PR_M_COUNT];
    memset(&err, 0, sizeof err);
    CHECK_EQ(pr_baseline_parse(&base, report_hw, "old.json", &err), 0);
    static struct pr_profile a = {.id = "hwA/fp32/single", .hw = "hwA"}, b = {.id = "hwB/fp32/single", .hw = "hwB"};
    /* same profile and carbon: limit = baseline * (1 + pct / 100) */
    s.est = (struct pr_estimate){.profile = &a, .latency_s = 0.0021, .energy_j = 0.52, .co2e_g = 5.2e-5,
                                 .pue = 1.2, .g_per_kwh = 300};
    CHECK_EQ(pr_growth_parse("energy_j=3%,latency_s=5%,co2e=3%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), 0);
    CHECK_EQ(g.nchecks, 3);
    CHECK(g.checks[0].metric_id == PR_M_LATENCY && g.checks[0].limit == 0.002 * 1.05 && g.checks[0].status == PR_CHECK_OK);
    CHECK(g.checks[1].metric_id == PR_M_ENERGY && g.checks[1].limit == 0.5 * 1.03 && g.checks[1].status == PR_CHECK_BREACH);
    CHECK(g.checks[2].metric_id == PR_M_CO2E && g.checks[2].status == PR_CHECK_BREACH);   /* 5.2e-5 > 5.15e-5 */
    CHECK_EQ(g.nbreaches, 2);
    pr_gate_free(&g);
    /* another intensity: energy still compares, CO2e does not */
    s.est.g_per_kwh = 100;
    CHECK_EQ(pr_growth_parse("energy_j=3%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), 0);
    pr_gate_free(&g);
    CHECK_EQ(pr_growth_parse("co2e=3%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), -1);
    CHECK(err.code == PR_E_ARG && msg_has("300 g/kWh") && msg_has("--region/--carbon"));
    /* another profile: no estimate metric compares */
    s.est.profile = &b;
    CHECK_EQ(pr_growth_parse("latency_s=50%", growth, &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), -1);
    CHECK(msg_has("on 'hwA/fp32/single' but this check is on 'hwB/fp32/single'"));
    /* a baseline without an energy section */
    pr_baseline_free(&base);
    CHECK_EQ(pr_baseline_parse(&base, "{\"schema\": \"priori.report/1\", \"totals\": {\"params\": 1, \"macs\": 1, "
                               "\"flops\": 1, \"weight_bytes\": 1, \"peak_activation_bytes\": 1}}", "old.json", &err), 0);
    CHECK_EQ(pr_gate_eval(&g, &s, NULL, &base, growth, &err), -1);
    CHECK(msg_has("old.json: $.energy: missing") && msg_has("--hw hwB"));
    s.est = (struct pr_estimate){0};
    pr_baseline_free(&base);
    pr_subject_close(&s);
}

static void subject_estimate_uses_the_chosen_profile_and_carbon(void)
{
    struct pr_subject s;
    struct pr_bindings none;
    struct pr_hw hw;
    struct pr_energy_args args = {.hw = "rpi4-tflite-v2.7.1-ruy@v2.0", .db = "tests/energy_db", .carbon = 300,
                                  .pue = 1.2};
    if (pr_hw_open(&hw, &args) != 0 || open_subject(&s, "fixtures/demo_cnn.onnx", &none)) {
        CHECK(!"tests/energy_db and fixtures/demo_cnn.onnx load");
        pr_hw_close(&hw);
        return;
    }
    CHECK_STR(hw.profile->id, "rpi4-tflite-v2.7.1-ruy@v2.0/fp32/single");
    double v;
    CHECK(!pr_subject_metric(&s, PR_M_ENERGY, &v));   /* nothing before the estimate */
    CHECK_EQ(pr_subject_estimate(&s, &hw), 0);
    CHECK(pr_subject_metric(&s, PR_M_ENERGY, &v) && v == s.est.energy_j && v > 0);
    /* CO2e = J / 3.6e6 J/kWh * PUE * g/kWh */
    CHECK(pr_subject_metric(&s, PR_M_CO2E, &v) && fabs(v - s.est.energy_j / 3.6e6 * 1.2 * 300) <= 1e-15);
    double sum = s.est.fixed_energy_j;
    for (int i = 0; i < s.an.nlayers; i++)
        sum += s.est.layers[i].energy_j;
    CHECK(fabs(sum - s.est.energy_j) <= 1e-12 * s.est.energy_j);
    pr_subject_close(&s);
    pr_hw_close(&hw);
}

static void energy_options_parse_and_combine(void)
{
    struct pr_energy_args a = {0};
    CHECK(pr_energy_is_option("--hw", false) && pr_energy_is_option("--pue", false));
    CHECK(!pr_energy_is_option("--inferences", false) && pr_energy_is_option("--inferences", true));
    CHECK(!pr_energy_is_option("--top", true));
    CHECK_EQ(pr_energy_option(&a, "check", "--top", "3"), 0);
    CHECK_EQ(pr_energy_option(&a, "check", "--carbon", "300"), 1);
    CHECK(a.carbon == 300);
    CHECK_EQ(pr_energy_args_check(&a, "check"), PR_E_ARG);   /* --carbon without --hw */
    CHECK_EQ(pr_energy_option(&a, "check", "--hw", "x"), 1);
    CHECK_EQ(pr_energy_args_check(&a, "check"), 0);
    CHECK_EQ(pr_energy_option(&a, "check", "--region", "FRA"), 1);
    CHECK_EQ(pr_energy_args_check(&a, "check"), PR_E_ARG);   /* --region and --carbon */
    CHECK_EQ(pr_energy_option(&a, "check", "--pue", "0.5"), PR_E_ARG);
    CHECK_EQ(pr_energy_option(&a, "check", "--pue", "1.5x"), PR_E_ARG);
}

static void si_numbers_have_three_digits_and_a_prefix(void)
{
    char b[32];
    CHECK_STR(pr_human_si(0.0123, "J", b, sizeof b), "12.3 mJ");
    CHECK_STR(pr_human_si(1.95e13, "FLOP/s", b, sizeof b), "19.5 TFLOP/s");
    CHECK_STR(pr_human_si(6.8e-5, "s", b, sizeof b), "68 us");
    CHECK_STR(pr_human_si(0, "s", b, sizeof b), "0 s");
    CHECK_STR(pr_human_si(-2500, "", b, sizeof b), "-2.5 k");
    CHECK_STR(pr_human_si(999.7, "J", b, sizeof b), "1 kJ");
    CHECK_STR(pr_human_si(1.5, "", b, sizeof b), "1.5");
}

void suite_review(void);
void suite_review(void)
{
    RUN(baseline_energy_comes_from_the_report_energy_section);
    RUN(energy_growth_needs_the_same_profile_and_carbon);
    RUN(subject_estimate_uses_the_chosen_profile_and_carbon);
    RUN(energy_options_parse_and_combine);
    RUN(si_numbers_have_three_digits_and_a_prefix);
    RUN(budget_parses_totals_layers_and_op_types);
    RUN(budget_errors_name_the_json_path_and_the_expectation);
    RUN(growth_spec_is_metric_equals_percentage);
    RUN(check_numbers_are_grouped_and_exact);
    RUN(gate_compares_value_with_limit_and_growth);
    RUN(baseline_with_unbound_symbols_is_refused);
    RUN(live_series_peaks_where_the_analysis_says);
    RUN(diff_matches_renamed_layers_by_op_and_shape);
    RUN(markdown_and_html_escape_hostile_text);
}
