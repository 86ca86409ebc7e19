/* report_review.h -- the renderers of the review commands: compare (N
 * models side by side), diff (two versions layer by layer) and check (a
 * gate's limits). Each takes what its command computed (gate.h subjects,
 * diff.h pairs, gate results) and writes one format to f; they only read,
 * never recompute, and print nothing else. Each view names its format; the
 * renderers take it as `const void *` so that they plug into any writer of
 * the form int (*)(const void *ctx, FILE *f) (cli.h pr_cli_write). 0, or -1
 * on a write error or out of memory.
 */
#ifndef PR_REPORT_REVIEW_H
#define PR_REPORT_REVIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "diff.h"
#include "gate.h"
#include "report.h"

/* compare: models s[0..n), their columns and best values. */
struct pr_compare {
    const struct pr_subject *s;
    int n;
    bool metric_on[PR_M_COUNT];      /* columns shown: static ones, estimates when estimated */
    double best[PR_M_COUNT];
    const struct pr_estimate *est;   /* the first model's estimate (profile, uncertainty); NULL: none */
    enum pr_format format;           /* table, json, csv or md */
};
/* Fills t for s[0..n) (t points into s, which must outlive it). */
void pr_compare_prepare(struct pr_compare *t, const struct pr_subject *s, int n, enum pr_format format);
int pr_report_compare(const void *compare, FILE *f);

/* diff: old and new with their matched layers. */
struct pr_diff_view {
    const struct pr_subject *old, *new_;
    const struct pr_diff *d;
    bool all;                        /* list unchanged layers too */
    enum pr_format format;           /* table, json, csv or md */
};
int pr_report_diff(const void *diff_view, FILE *f);

/* check: the subject, the evaluated gate and the files its limits came from. */
struct pr_check_view {
    const struct pr_subject *s;
    const struct pr_gate *g;
    const char *budget, *baseline;   /* paths given, or NULL */
    enum pr_format format;           /* table, json, csv, md or github */
};
int pr_report_check(const void *check_view, FILE *f);

/* The "energy" object of their JSON: the profile, its uncertainty and the
 * carbon settings every estimate of a run shares (report_compare.c). */
struct pr_jb;
struct cJSON;
struct cJSON *pr_review_energy_json(struct pr_jb *b, const struct pr_estimate *e);

#endif
