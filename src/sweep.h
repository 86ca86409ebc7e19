/* sweep.h -- cost curves: one loaded model analysed at every point of a
 * range of one or two symbolic dimensions (`priori sweep`).
 *
 * A range is the text after SYMBOL= of a --dim (pr_sweep_axis_parse):
 *   A..B*K   A, A*K, A*K^2, ... up to B (geometric; K >= 2)
 *   A..B+S   A, A+S, A+2S, ... up to B (steps; S >= 1)
 *   A..B     A, A+1, ... B
 *   V1,V2,.. the values listed, in that order (no repeats)
 * Values are integers from 0 to 2^40 (the bounds of --dim). Two axes give
 * their cross product, the first axis outermost; at most
 * PR_SWEEP_MAX_POINTS points in all.
 *
 * pr_sweep_run() analyses the model once per point (pr_analyze on the same
 * struct pr_model; the model is loaded once by the caller) with the
 * caller's other bindings plus the point's values, estimates it when a
 * profile is given, and keeps one row of totals per point. A point whose
 * analysis fails as a model error (an overflow, a shape the node refuses
 * at that size) is kept as a row with status PR_SWEEP_FAILED and the
 * message; the sweep goes on. A usage error (an --input naming no input)
 * or out of memory stops the whole sweep: it would fail at every point.
 *
 * Ownership: struct pr_sweep owns its points, error texts and warnings
 * (pr_sweep_free); it points into the model and the profile, which must
 * outlive it. An axis owns its values; its symbol points into the text it
 * was parsed from.
 */
#ifndef PR_SWEEP_H
#define PR_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "energy.h"

enum { PR_SWEEP_MAX_POINTS = 10000, PR_SWEEP_MAX_AXES = 2 };
#define PR_SWEEP_MAX_VALUE ((int64_t)1 << 40)

struct pr_sweep_axis {
    const char *symbol;
    int64_t *values;            /* malloc'ed, in sweep order */
    int n;
};

/* Whether "SYMBOL=SPEC" holds a range or a list (SPEC has ".." or ','),
 * rather than one value (a plain binding). */
bool pr_sweep_is_range(const char *binding);
/* Parses "SYMBOL=SPEC" into ax; text is modified (the '=' becomes a NUL)
 * and must outlive ax. 0, or -1 with err (PR_E_ARG) naming the
 * binding and what to write; more than PR_SWEEP_MAX_POINTS values is an
 * error too. */
int pr_sweep_axis_parse(char *text, struct pr_sweep_axis *ax, struct pr_err *err);
void pr_sweep_axis_free(struct pr_sweep_axis *ax);

enum pr_sweep_status { PR_SWEEP_OK, PR_SWEEP_INCOMPLETE, PR_SWEEP_FAILED };
extern const char *const pr_sweep_status_name[];   /* "ok", "incomplete", "error" */

struct pr_sweep_point {
    int64_t at[PR_SWEEP_MAX_AXES];  /* the point's value of each axis */
    enum pr_sweep_status status;
    struct pr_totals totals;        /* zero when failed */
    double latency_s, energy_j, co2e_g;   /* with a profile; -1 unknown */
    int regime;                     /* enum pr_regime of the whole call (roofline profiles), else 0 */
    char *error;                    /* PR_SWEEP_FAILED: why (malloc'ed) */
};

struct pr_sweep_opts {
    const struct pr_options *base;  /* --input, plain --dim, --value (the swept symbols are added) */
    const struct pr_sweep_axis *axes;
    int naxes;                      /* 1 or 2 */
    const struct pr_profile *profile;       /* NULL: no estimate */
    const struct pr_energy_opts *energy;    /* with profile */
};

struct pr_sweep {
    const struct pr_model *model;
    const struct pr_sweep_axis *axes;   /* the caller's (opts.axes) */
    int naxes;
    struct pr_sweep_point *points;      /* first axis outermost */
    int npoints, nfailed;
    /* with a profile: what every point's estimate is (the same profile) */
    const struct pr_profile *profile;
    bool roofline;                      /* latency and energy are per call of the batch */
    enum pr_method method;
    double uncertainty_pct, uncertainty_p90_pct, pue, g_per_kwh;
    const char *carbon_source;
    struct pr_diag diag;                /* warnings of every point, each once */
};

/* Runs every point (see above). -1 with err when the sweep cannot go on
 * (usage error, out of memory, more than PR_SWEEP_MAX_POINTS points, a
 * swept symbol bound twice); s is freed then. Warnings: the union of the
 * points' (each once), and one per swept symbol that the model does not
 * have, naming its symbols. */
int pr_sweep_run(struct pr_model *m, const struct pr_sweep_opts *o, struct pr_sweep *s, struct pr_err *err);
void pr_sweep_free(struct pr_sweep *s);

/* The regime of a whole estimate: launch when the call is host-bound,
 * else the regime holding most of the layers' time; PR_REGIME_NONE for
 * profiles without a roofline. */
int pr_estimate_regime(const struct pr_estimate *e);

#endif
