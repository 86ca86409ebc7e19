/* gate.h -- the metrics a design review or a CI gate talks about, budgets,
 * baselines, growth limits and their breaches.
 *
 * A "subject" is one model analysed for review (compare, diff, check): its
 * path, the loaded model, the analysis and, with `--hw`, the energy
 * estimate of energy.h (pr_subject_estimate). The eight gate metrics are the
 * five static totals (exact integers) and three estimates (doubles) that
 * exist only when the subject carries an estimate. A budget or growth
 * limit on an estimate metric of a subject without one is a usage error
 * ("needs --hw"), never a silent pass.
 *
 * Budget file (JSON, schema "priori.budget/1", documented in docs/ci-gates.md):
 *   {"totals":   {"macs": 2e9, "params": 5000000, ...},
 *    "layers":   {"conv1": {"macs": 1e8}, ...},
 *    "op_types": {"Conv": {"macs": 1.5e9}, ...},
 *    "warn_fraction": 0.9}
 * Baseline: a priori.report/1 JSON (`priori analyze --format json`); its
 * estimate metrics come from the report's "energy" section (written with
 * `--hw`), and a growth limit on them holds only against a baseline made on
 * the same hardware profile (and, for co2e, the same intensity and PUE).
 * Both are hostile input: every error names the file, the JSON path of the
 * bad field ($.totals.macs) and what was expected, with exit code 2.
 *
 * A check is "value <= limit": budgets give the limit directly; a growth
 * limit g% on a baseline value b gives limit = b * (1 + g/100) (b = 0: any
 * growth breaches). Counts above 2^53 compare at double precision.
 *
 * Ownership: parsed budgets own their strings (pr_budget_free); checks
 * point into the budget and the subject, which must outlive them.
 */
#ifndef PR_GATE_H
#define PR_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "energy.h"
#include "err.h"
#include "model.h"

enum pr_metric {
    PR_M_PARAMS,
    PR_M_MACS,
    PR_M_FLOPS,
    PR_M_WEIGHT_BYTES,
    PR_M_PEAK_ACT,          /* peak_activation_bytes */
    PR_M_LATENCY,           /* latency_s: seconds per inference */
    PR_M_ENERGY,            /* energy_j: joules per inference */
    PR_M_CO2E,              /* co2e: grams CO2e per inference */
    PR_M_COUNT
};
enum { PR_M_STATIC_COUNT = PR_M_LATENCY };   /* metrics before this are exact counts */

const char *pr_metric_name(enum pr_metric m);     /* "macs", "energy_j", ... */
const char *pr_metric_label(enum pr_metric m);    /* "MACs", "energy (J)", ... */
int pr_metric_find(const char *name);             /* enum value, or -1 */
bool pr_metric_is_estimate(enum pr_metric m);
/* "1.70 M", "26.2 KiB", "3.1 ms" for display. */
const char *pr_metric_human(enum pr_metric m, double v, char *buf, size_t size);

/* One model loaded and analysed for a review command. */
struct pr_subject {
    const char *path;
    struct pr_model model;
    struct pr_analysis an;
    struct pr_diag load_diag;
    struct pr_estimate est;     /* est.profile NULL: no estimate */
    bool loaded, analysed;
};

/* Loads and analyses path with opt; prints nothing. 0, or -1 with err
 * ("PATH: why" is the caller's to add). On success the loader's warnings are
 * merged into s->an.diag. pr_subject_close frees s either way. */
int pr_subject_analyze(struct pr_subject *s, const char *path, const struct pr_options *opt, struct pr_err *err);
void pr_subject_close(struct pr_subject *s);   /* also frees the estimate */
/* Estimates s on profile p (nothing when p is NULL). 0 / -1 with err. */
int pr_subject_energy(struct pr_subject *s, const struct pr_profile *p, const struct pr_energy_opts *o,
                      struct pr_err *err);
/* Value of metric m of s; false when s has no value for it (an estimate
 * metric without an estimate). */
bool pr_subject_metric(const struct pr_subject *s, enum pr_metric m, double *v);
uint64_t pr_subject_count(const struct pr_subject *s, enum pr_metric m);   /* static metrics */

/* ---- budgets ---- */

enum pr_scope { PR_SCOPE_TOTAL, PR_SCOPE_LAYER, PR_SCOPE_OP_TYPE };

/* Metrics of one layer or operator type in a budget. */
enum pr_part_metric { PR_PM_PARAMS, PR_PM_MACS, PR_PM_FLOPS, PR_PM_ACT, PR_PM_COUNT_NODES, PR_PM_COUNT };
const char *pr_part_metric_name(enum pr_part_metric m);   /* "activation_bytes", "count" */

struct pr_limit {
    enum pr_scope scope;
    char *target;           /* layer name or op type (NULL for totals) */
    int metric;             /* enum pr_metric for totals, enum pr_part_metric otherwise */
    double limit;
    char *path;             /* JSON path in the file: $.layers["conv1"].macs */
};

struct pr_budget {
    char *file;
    struct pr_limit *limits;
    int nlimits;
    double warn_fraction;   /* 0: no near-limit warnings */
};

/* Parses a budget from text (file names the source in messages). err gets
 * exit code 2 and "FILE: $.path: expected ..." on any malformed field. */
int pr_budget_parse(struct pr_budget *b, const char *text, const char *file, struct pr_err *err);
int pr_budget_load(struct pr_budget *b, const char *file, struct pr_err *err);   /* reads + parses */
void pr_budget_free(struct pr_budget *b);

/* ---- baselines and growth ---- */

struct pr_baseline {
    char *file;
    double value[PR_M_COUNT];
    bool has[PR_M_COUNT];
    char *profile;              /* $.energy.profile; NULL without an energy section */
    double pue, g_per_kwh;      /* $.energy.pue, $.energy.g_co2e_per_kwh; 0 unknown */
};
int pr_baseline_parse(struct pr_baseline *b, const char *text, const char *file, struct pr_err *err);
int pr_baseline_load(struct pr_baseline *b, const char *file, struct pr_err *err);
void pr_baseline_free(struct pr_baseline *b);

/* "macs=5%,params=2%" (a trailing % is optional; the number is a percentage
 * >= 0). growth[m] < 0 means no limit on m. 0 / -1 with err (exit 2). */
int pr_growth_parse(const char *spec, double growth[PR_M_COUNT], struct pr_err *err);

/* ---- evaluating ---- */

enum pr_check_status { PR_CHECK_OK, PR_CHECK_NEAR, PR_CHECK_BREACH };

struct pr_check {
    enum pr_scope scope;
    const char *target;     /* layer name / op type, or NULL */
    const char *metric;     /* metric name */
    int metric_id;          /* enum pr_metric for totals, else pr_part_metric */
    const char *source;     /* "budget" or "baseline" */
    const char *path;       /* JSON path in the budget, or NULL */
    double value, limit;
    double baseline;        /* baseline value (growth checks), else -1 */
    double growth_pct;      /* allowed growth (growth checks), else -1 */
    enum pr_check_status status;
};

struct pr_gate {
    struct pr_check *checks;
    int nchecks, nbreaches, nnear;
};

/* Evaluates every limit of budget (may be NULL) and every growth limit of
 * growth against baseline (both NULL for none) on s. Usage errors (exit 2):
 * an estimate metric without an estimate ("needs --hw"), a budgeted layer
 * name that is not in the model, a growth metric the baseline lacks, an
 * estimate growth limit against a baseline made on another hardware profile
 * (or co2e at another intensity or PUE). */
int pr_gate_eval(struct pr_gate *g, const struct pr_subject *s, const struct pr_budget *budget,
                 const struct pr_baseline *baseline, const double *growth, struct pr_err *err);
void pr_gate_free(struct pr_gate *g);
/* "macs", "layer conv1 macs", "op type Conv flops" into buf (cleaned text). */
const char *pr_check_label(const struct pr_check *c, char *buf, size_t size);
/* A check's value or limit for people: "1,701,888" for counts (exact up to
 * 2^53), "2.5" for fractional limits, "3.1 ms" for estimates. */
const char *pr_check_number(const struct pr_check *c, double v, char *buf, size_t size);

#endif
