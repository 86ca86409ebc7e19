/* analysis.h -- what analysing a model produces, and how to ask for it.
 *
 * pr_analyze() infers (infer.h: binds the graph inputs, orders the nodes,
 * runs every node through its operator row) and aggregates the results
 * (analysis.c: totals, breakdowns, peak memory). Report writers only read a
 * struct pr_analysis; they never recompute.
 *
 * Ownership: the analysis points into the model (names, shapes) and owns
 * its arrays (freed by pr_analysis_free); the model must outlive it.
 */
#ifndef PR_ANALYSIS_H
#define PR_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "infer.h"
#include "model.h"

/* Analyse m with opt. On error (usage: an --input naming no input, exit 2;
 * model: a node the table rejects, a cycle, an overflow, exit 3) err says
 * what and where and a is left freed. m's value shapes are filled in. */
int pr_analyze(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a,
               struct pr_err *err);
void pr_analysis_free(struct pr_analysis *a);

/* Live activation bytes along the schedule (the rule of the peak):
 * live[0] at the start (the graph inputs), live[p + 1] just after layer p
 * wrote its outputs; live has nlayers + 1 entries. 0, or -1 on OOM. */
int pr_live_series(const struct pr_analysis *a, uint64_t *live);
/* Value indices of the activations alive at position at (-1: the start),
 * the first cap of them into vals; returns how many there are, -1 on OOM. */
int pr_live_at(const struct pr_analysis *a, int at, int *vals, int cap);

/* ---- the steps of pr_analyze, and questions about rows ---- */
int pr_aggregate(struct pr_analysis *a, int top, struct pr_err *err);
const char *pr_layer_status_name(enum pr_layer_status s);
/* Whether a row's own counts enter the totals (times its multiplier): a
 * counted row with no subgraphs. Rows that hold subgraphs only aggregate
 * their children; the cheaper If branch is shown but not counted. */
bool pr_layer_in_totals(const struct pr_analysis *a, const struct pr_layer *L);
/* The parent's attribute holding a row's graph ("then_branch", "body", …);
 * "" at top level. */
const char *pr_layer_graph(const struct pr_analysis *a, const struct pr_layer *L);

#endif
