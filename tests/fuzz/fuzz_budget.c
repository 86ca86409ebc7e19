/* fuzz_budget.c -- libFuzzer harness 4: the files `priori check` reads
 * (src/gate.c): the budget parser, the baseline (a priori JSON report)
 * parser and the --max-growth parser, each on the same bytes; whatever
 * parses is evaluated against the demo model's analysis (fixtures/ or
 * $PRIORI_FUZZ_MODEL) like `priori check` would, and the check labels and
 * numbers are formatted. The JSON layer itself: with memory to spare, no
 * text cJSON refuses is called out of memory (src/json.c's check of
 * cJSON's grammar agrees with cJSON). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gate.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pr_subject subject;
static bool tried, have_subject;

static void setup(void)
{
    if (tried)
        return;
    tried = true;
    const char *mpath = getenv("PRIORI_FUZZ_MODEL");
    struct pr_bindings shapes = {0};
    have_subject = pr_subject_open(&subject, mpath ? mpath : "fixtures/demo_cnn.onnx", &shapes, 3, true) == 0;
}

static void evaluate(const struct pr_budget *b, const struct pr_baseline *base, const double *growth)
{
    if (!have_subject)
        return;
    struct pr_gate g = {0};
    struct pr_err err = {0};
    if (pr_gate_eval(&g, &subject, b, base, growth, &err) == 0) {
        char buf[512];
        for (int i = 0; i < g.nchecks; i++) {
            pr_check_label(&g.checks[i], buf, sizeof buf);
            pr_check_number(&g.checks[i], g.checks[i].value, buf, sizeof buf);
            pr_check_number(&g.checks[i], g.checks[i].limit, buf, sizeof buf);
        }
    }
    pr_gate_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    size_t at;
    bool oom;
    cJSON *root = pr_json_parse_at(text, &at, &oom);
    if (!root && oom)
        abort();   /* a refused text called out of memory: the grammar check disagrees with cJSON */
    cJSON_Delete(root);
    struct pr_err err = {0};
    struct pr_budget b;
    if (pr_budget_parse(&b, text, "fuzz.json", &err) == 0) {
        evaluate(&b, NULL, NULL);
        pr_budget_free(&b);
    }
    struct pr_baseline base;
    if (pr_baseline_parse(&base, text, "fuzz.json", &err) == 0) {
        double growth[PR_M_COUNT];
        for (int m = 0; m < PR_M_COUNT; m++)
            growth[m] = m % 2 ? 5.0 : -1;
        evaluate(NULL, &base, growth);
        pr_baseline_free(&base);
    }
    if (size < 512) {
        double growth[PR_M_COUNT];
        pr_growth_parse(text, growth, &err);
    }
    free(text);
    return 0;
}
