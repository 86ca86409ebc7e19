/* report.h -- renderers of an analysis: table, JSON, CSV, Markdown, HTML.
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

#include "text.h"

#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

struct cJSON;
/* The one list of output formats; each command accepts a subset (its row
 * in cli/main.c). github: workflow annotations (check). */
enum pr_format { PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD, PR_FORMAT_HTML, PR_FORMAT_GITHUB,
                 PR_FORMAT_COUNT };
extern const char *const pr_format_names[];   /* "table", "json", "csv", "md", "html", "github": --format values */

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
/* Markdown for a pull-request comment (report_md.c); with e, an energy
 * section and per-layer energy. */
int pr_report_md(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f);
/* The HTML report (report_html.c): one self-contained file, inline SVG, no
 * script. With e (NULL: none) it adds an energy totals box beside the
 * counts and, after the memory chart, the hardware section
 * (report_html_energy.c): the roofline chart and per-layer energy. */
int pr_report_html(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f);

/* ---- helpers shared by the renderers (report_text.c) ---- */

/* Labels for names[0..n) in a table column width bytes wide: a name that
 * does not fit is shortened in the middle ("/home/.../A_classifier_v1.onnx"),
 * keeping its file name when there is room and always its shortest unique
 * suffix (so two labels never look alike unless their names are equal).
 * A malloc'ed array of malloc'ed strings (pr_labels_free); NULL out of
 * memory. Not cleaned for printing (pr_text_clean). */
char **pr_labels_shorten(const char *const *names, int n, size_t width);
void pr_labels_free(char **labels, int n);
/* 4.09 G / 25.6 M / 512: three significant digits, SI suffix. */
const char *pr_human_count(uint64_t v, char *buf, size_t size);
/* "12.3 mJ", "4.5 GFLOP/s", "0 s": three significant digits, SI prefix
 * from p to E (any double, negative included). */
const char *pr_human_si(double v, const char *unit, char *buf, size_t size);
/* 97.9 MiB / 512 B: binary units. */
const char *pr_human_bytes(uint64_t v, char *buf, size_t size);
/* s cleaned (pr_text_clean) and escaped for a Markdown table cell
 * (report_md.c), or for HTML text and attribute values (report_html.c). */
void pr_md_text(FILE *f, const char *s, size_t max);
void pr_html_text(FILE *f, const char *s, size_t max);
/* The estimate's profile in words, each part escaped by text (pr_md_text,
 * pr_html_text): "lead[0]HARDWARE lead[1]DESCRIPTION lead[2]RUNTIME,
 * PRECISION, SCENARIO, BOUNDARY boundary" (the caller goes on from there). */
struct pr_estimate;
void pr_profile_words(FILE *f, const struct pr_estimate *e, void (*text)(FILE *f, const char *s, size_t max),
                      const char *const lead[3]);
/* s cleaned and quoted as one RFC 4180 field when needed (report_csv.c). */
void pr_csv_field(FILE *f, const char *s);
/* "1x3x224x224;1x10" for all present outputs of a layer. */
const char *pr_layer_shapes(const struct pr_analysis *a, const struct pr_layer *L, char *buf, size_t size);

#endif
