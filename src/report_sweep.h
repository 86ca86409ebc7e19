/* report_sweep.h -- the renderers of a sweep (sweep.h): one row per point
 * as a table, JSON (schema "priori.sweep/1", docs/usage.md), CSV,
 * Markdown, or a self-contained HTML page with one line chart per metric.
 * Each writes to a FILE the caller opened and returns 0, or -1 when
 * writing (or building the JSON) failed. They only read the sweep.
 */
#ifndef PR_REPORT_SWEEP_H
#define PR_REPORT_SWEEP_H

#include <stdio.h>

#include "report.h"
#include "sweep.h"

int pr_report_sweep(const struct pr_sweep *s, enum pr_format format, FILE *f);

#endif
