/* report_html.h -- what the two halves of the HTML report share:
 * report_html.c (counts, memory, tables) and report_html_energy.c (the
 * energy totals, roofline and per-layer energy of an estimate). Chart
 * geometry in SVG user units (the SVG scales to the page width), the tick
 * helpers and the layer-index axis, so that every chart lines up.
 */
#ifndef PR_REPORT_HTML_H
#define PR_REPORT_HTML_H

#include <stdio.h>

#include "analysis.h"
#include "energy.h"

enum { PR_HTML_W = 1120, PR_HTML_LEFT = 84, PR_HTML_RIGHT = 24, PR_HTML_MAX_BARS = 2000, PR_HTML_LABELED = 5 };
#define PR_HTML_PLOT_W ((double)(PR_HTML_W - PR_HTML_LEFT - PR_HTML_RIGHT))

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about n ticks up to vmax. */
double pr_html_nice_step(double vmax, int n);
/* Layer-index ticks along x for n positions at y, with the axis title. */
void pr_html_x_axis(FILE *f, int n, double y, const char *title);

/* The energy totals box (after the count KPIs) and the hardware section
 * (roofline, per-layer energy; after the memory chart). */
void pr_html_energy_totals(FILE *f, const struct pr_estimate *e);
void pr_html_energy_section(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e);
/* CSS of those sections, appended to the page's style sheet. */
extern const char pr_html_energy_style[];

#endif
