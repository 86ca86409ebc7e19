/* report.h -- renderers of an analysis: table, JSON, CSV.
 *
 * Renderers only read a struct pr_analysis; they never recompute. Each
 * writes to a FILE the caller opened (the CLI writes to a temporary file
 * and renames it, so a failed run leaves no half-written report) and
 * returns 0, or -1 when writing failed.
 *
 * Text from the model (names, op types) is hostile: pr_text_clean() makes
 * it valid UTF-8 without control characters before it is printed.
 */
#ifndef PR_REPORT_H
#define PR_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

enum pr_format { PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV };

int pr_report_table(const struct pr_analysis *a, FILE *f);
int pr_report_json(const struct pr_analysis *a, FILE *f);
int pr_report_csv(const struct pr_analysis *a, FILE *f);

/* The same with an energy estimate (energy.h; NULL: none): per-layer time
 * and energy columns and an "energy" section (latency, J per inference, Wh
 * and g CO2e per million inferences, uncertainty, baselines). */
struct pr_estimate;
int pr_report_table_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f);
int pr_report_json_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f);
int pr_report_csv_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f);

/* ---- helpers shared by the renderers (report_text.c) ---- */

/* s with invalid UTF-8 replaced by U+FFFD and control characters by '?',
 * truncated to max bytes ("..." appended); malloc'ed (NULL on OOM). */
char *pr_text_clean(const char *s, size_t max);
/* 4.09 G / 25.6 M / 512: three significant digits, SI suffix. */
const char *pr_human_count(uint64_t v, char *buf, size_t size);
/* 97.9 MiB / 512 B: binary units. */
const char *pr_human_bytes(uint64_t v, char *buf, size_t size);
/* "1x3x224x224;1x10" for all present outputs of a layer. */
const char *pr_layer_shapes(const struct pr_analysis *a, const struct pr_layer *L, char *buf, size_t size);

#endif
