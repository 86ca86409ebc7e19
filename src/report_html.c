/* report_html.c -- the HTML report (`analyze --format html`): one
 * self-contained file, no script, no external resources, charts as inline
 * SVG so that it renders offline, in a CI artifact viewer, or printed.
 *
 * Sections: key totals; per-layer MACs and activation bytes as bars in
 * execution order, the heaviest layers labeled; the share of MACs, FLOPs
 * and params by operator type as 100% bars; live activation memory over
 * the schedule (pr_live_series) with the peak marked and the tensors alive
 * at the peak listed (pr_live_at); with an energy estimate (--hw) its
 * totals box and the hardware section of report_html_energy.c; the
 * per-layer table; unsupported operators and warnings.
 *
 * Scale: above MAX_BARS layers, each bar sums ceil(n / MAX_BARS)
 * consecutive layers and the chart says so; the memory curve keeps the
 * maximum of each bucket (so the peak survives); the table lists the first
 * MAX_TABLE_ROWS layers and points to the JSON/CSV reports for the rest.
 *
 * Every model-provided string goes through pr_html_text (cleaned UTF-8,
 * & < > " ' escaped), in text and in attributes alike.
 */
#include "report.h"
#include "report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_BARS = PR_HTML_MAX_BARS, MAX_TABLE_ROWS = 10000, MAX_PEAK_ROWS = 200, LABELED = PR_HTML_LABELED,
       PALETTE = 10 };

/* chart geometry (report_html.h) */
enum { W = PR_HTML_W, LEFT = PR_HTML_LEFT, RIGHT = PR_HTML_RIGHT };
#define PLOT_W PR_HTML_PLOT_W

static const char *const palette[PALETTE] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                              "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#8cd17d"};
#define OTHER_COLOR "#bab0ac"
#define MACS_COLOR "#3b6fd4"
#define ACT_COLOR "#e8912d"
#define MEM_COLOR "#2a9d8f"
#define PEAK_COLOR "#d62839"

void pr_html_text(FILE *f, const char *s, size_t max)
{
    char *clean = pr_text_clean(s, max);
    for (const char *p = clean ? clean : "?"; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f);
        }
    }
    free(clean);
}

static const char *node_name(const struct pr_analysis *a, int p)
{
    return a->model->graph.nodes[a->layers[p].node].name;
}

static const char *node_op(const struct pr_analysis *a, int p)
{
    return a->model->graph.nodes[a->layers[p].node].op_type;
}

double pr_html_nice_step(double vmax, int n)
{
    if (vmax <= 0)
        return 1;
    double raw = vmax / n, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

static void tick_label(double v, bool bytes, char *buf, size_t size)
{
    if (bytes)
        pr_human_bytes((uint64_t)v, buf, size);
    else
        pr_human_count((uint64_t)v, buf, size);
}

/* Tick step for bytes: nice in the binary unit of vmax (KiB, MiB, ...). */
static double axis_step(double vmax, bool bytes)
{
    if (!bytes || vmax < 1024)
        return pr_html_nice_step(vmax, 4);
    double unit = 1024;
    while (vmax / unit >= 1024)
        unit *= 1024;
    return pr_html_nice_step(vmax / unit, 4) * unit;
}

/* Horizontal grid lines and y labels for a panel at [top, top + h]; returns the scale top. */
static double y_axis(FILE *f, double top, double h, double vmax, bool bytes, const char *title)
{
    double step = axis_step(vmax, bytes), ymax = vmax > 0 ? ceil(vmax / step) * step : 1;
    for (double v = 0; v <= ymax + step / 2; v += step) {
        double y = top + h - h * v / ymax;
        char lab[32];
        tick_label(v, bytes, lab, sizeof lab);
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
                LEFT, W - RIGHT, y, y, LEFT - 8, y + 4, lab);
    }
    fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
            top + h / 2, title);
    return ymax;
}

void pr_html_x_axis(FILE *f, int n, double y, const char *title)
{
    double step = pr_html_nice_step(n > 1 ? n - 1 : 1, 8);
    if (step < 1)
        step = 1;
    for (double v = 0; v < n; v += step) {
        double x = LEFT + PLOT_W * (v + 0.5) / n;
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%.0f</text>\n",
                x, x, y, y + 5, x, y + 19, v);
    }
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>\n", LEFT, W - RIGHT, y, y);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>\n", LEFT + PLOT_W / 2,
            y + 40, title);
}

/* ---- per-layer bars ---- */

static void bars_panel(FILE *f, const struct pr_analysis *a, const uint64_t *v, int nbars, int per, double top,
                       double h, bool bytes, const char *title, const char *color, const char *what)
{
    double vmax = 0;
    for (int i = 0; i < nbars; i++)
        vmax = (double)v[i] > vmax ? (double)v[i] : vmax;
    double ymax = y_axis(f, top, h, vmax, bytes, title);
    double bw = PLOT_W / nbars, gap = bw > 4 ? bw * 0.15 : 0;
    fprintf(f, "<g fill=\"%s\">\n", color);
    for (int i = 0; i < nbars; i++) {
        if (!v[i])
            continue;
        double bh = h * (double)v[i] / ymax, x = LEFT + bw * i + gap / 2;
        char lab[32];
        tick_label((double)v[i], bytes, lab, sizeof lab);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>", x, top + h - bh,
                bw - gap > 0.6 ? bw - gap : 0.6, bh < 0.5 ? 0.5 : bh);
        if (per == 1) {
            fprintf(f, "#%d ", i);
            pr_html_text(f, node_name(a, i), 80);
            fputs(" (", f);
            pr_html_text(f, node_op(a, i), 40);
            fprintf(f, "): %s %s", lab, what);
        } else {
            int last = (i + 1) * per - 1 < a->nlayers ? (i + 1) * per - 1 : a->nlayers - 1;
            fprintf(f, "layers %d-%d: %s %s", i * per, last, lab, what);
        }
        fputs("</title></rect>\n", f);
    }
    fputs("</g>\n", f);
}

static void layer_chart(FILE *f, const struct pr_analysis *a)
{
    int n = a->nlayers, per = (n + MAX_BARS - 1) / MAX_BARS, nbars;
    per = per < 1 ? 1 : per;
    nbars = (n + per - 1) / per;
    uint64_t *macs = calloc((size_t)nbars + 1, sizeof *macs), *act = calloc((size_t)nbars + 1, sizeof *act);
    if (!macs || !act) {
        free(macs);
        free(act);
        return;
    }
    for (int p = 0; p < n; p++) {
        macs[p / per] += a->layers[p].macs;   /* sums of a few layers: bounded by the checked totals */
        act[p / per] += a->layers[p].activation_bytes;
    }
    fputs("<section class=\"card\" id=\"layers-chart\"><h2>Cost per layer, in execution order</h2>\n", f);
    if (per > 1)
        fprintf(f, "<p class=\"note\">%d layers: each bar sums %d consecutive layers (%d bars).</p>\n", n, per, nbars);
    fputs("<p class=\"legend\"><span class=\"sw\" style=\"background:" MACS_COLOR "\"></span>MACs per layer"
          "<span class=\"sw\" style=\"background:" ACT_COLOR "\"></span>activation bytes written per layer "
          "<span class=\"note\">(hover a bar for its layer; the 5 heaviest are labeled)</span></p>\n", f);
    const double top1 = 74, h1 = 230, top2 = top1 + h1 + 36, h2 = 130;
    int height = (int)(top2 + h2 + 56);
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"MACs and activation bytes per "
            "layer\">\n", W, height);
    bars_panel(f, a, macs, nbars, per, top1, h1, false, "MACs", MACS_COLOR, "MACs");
    bars_panel(f, a, act, nbars, per, top2, h2, true, "activation bytes", ACT_COLOR, "written");
    pr_html_x_axis(f, nbars * per > n ? n : nbars * per, top2 + h2, per > 1 ? "layer (execution order; bars aggregated)"
                                                                     : "layer (execution order)");
    /* the heaviest layers, labeled above their bars, staggered so neighbours do not collide */
    double vmax = 0;
    for (int i = 0; i < nbars; i++)
        vmax = (double)macs[i] > vmax ? (double)macs[i] : vmax;
    double ymax = vmax > 0 ? ceil(vmax / axis_step(vmax, false)) * axis_step(vmax, false) : 1;
    for (int r = 0; r < a->ntop && r < LABELED; r++) {
        int p = a->top[r], b = p / per;
        if (!a->layers[p].macs)
            break;
        double x = LEFT + PLOT_W * (b + 0.5) / nbars, ybar = top1 + h1 - h1 * (double)macs[b] / ymax;
        double ylab = top1 - 58 + 14 * r;
        ylab = ylab > ybar - 6 ? ybar - 6 : ylab;
        const char *anchor = x > W - 220 ? "end" : x < LEFT + 120 ? "start" : "middle";
        char lab[32];
        pr_human_count(a->layers[p].macs, lab, sizeof lab);
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"leader\"/>", x, x, ylab + 3,
                ybar - 1);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"%s\">#%d ", x, ylab, anchor, p);
        pr_html_text(f, node_name(a, p), 40);
        fprintf(f, " · %s</text>\n", lab);
    }
    fputs("</svg></section>\n", f);
    free(macs);
    free(act);
}

/* ---- shares by operator type ---- */

static void share_chart(FILE *f, const struct pr_analysis *a)
{
    static const char *const rows[3] = {"MACs", "FLOPs", "params"};
    const uint64_t totals[3] = {a->totals.macs, a->totals.flops, a->totals.params};
    int ncolored = a->nby_op < PALETTE ? a->nby_op : PALETTE - 1;
    if (a->nby_op == PALETTE)
        ncolored = PALETTE;
    const double top = 12, rowh = 34, gap = 16;
    int legend_rows = (ncolored + (a->nby_op > ncolored) + 5) / 6;
    int height = (int)(top + 3 * (rowh + gap) + 22 * legend_rows + 10);
    fputs("<section class=\"card\" id=\"op-share\"><h2>Share by operator type</h2>\n", f);
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"share of MACs, FLOPs and "
            "params by operator type\">\n", W, height);
    for (int r = 0; r < 3; r++) {
        double y = top + r * (rowh + gap), x = LEFT;
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%s</text>\n", LEFT - 10,
                y + rowh / 2 + 5, rows[r]);
        if (!totals[r]) {
            fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eef0f3\"/>"
                    "<text x=\"%d\" y=\"%.1f\" class=\"tick\">none</text>\n", LEFT, y, PLOT_W, rowh, LEFT + 8,
                    y + rowh / 2 + 4);
            continue;
        }
        uint64_t other = 0;
        for (int i = 0; i < a->nby_op; i++) {
            const struct pr_op_total *t = &a->by_op[i];
            uint64_t v = r == 0 ? t->macs : r == 1 ? t->flops : t->params;
            if (i >= ncolored) {
                other += v;
                continue;
            }
            double w = PLOT_W * (double)v / (double)totals[r];
            if (w <= 0)
                continue;
            fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>", x, y, w,
                    rowh, palette[i]);
            pr_html_text(f, t->op_type, 60);
            fprintf(f, ": %.1f%% of %s</title></rect>\n", 100.0 * (double)v / (double)totals[r], rows[r]);
            if (w > 70) {
                fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"inbar\">", x + 6, y + rowh / 2 + 5);
                pr_html_text(f, t->op_type, w > 160 ? 24 : 8);
                fprintf(f, " %.0f%%</text>\n", 100.0 * (double)v / (double)totals[r]);
            }
            x += w;
        }
        if (other)
            fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"" OTHER_COLOR "\">"
                    "<title>other operator types: %.1f%% of %s</title></rect>\n", x, y,
                    PLOT_W * (double)other / (double)totals[r], rowh, 100.0 * (double)other / (double)totals[r],
                    rows[r]);
    }
    double ly = top + 3 * (rowh + gap) + 4;
    int k = 0;
    for (int i = 0; i <= ncolored && i <= a->nby_op; i++) {
        if (i == ncolored && a->nby_op <= ncolored)
            break;
        double lx = LEFT + (k % 6) * (PLOT_W / 6), yy = ly + 22 * (k / 6);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%.1f\" "
                "y=\"%.1f\" class=\"tick\">", lx, yy, i < ncolored ? palette[i] : OTHER_COLOR, lx + 18, yy + 11);
        if (i < ncolored) {
            pr_html_text(f, a->by_op[i].op_type, 22);
            fprintf(f, " (%d)", a->by_op[i].count);
        } else {
            fprintf(f, "%d other types", a->nby_op - ncolored);
        }
        fputs("</text>\n", f);
        k++;
    }
    fputs("</svg></section>\n", f);
}

/* ---- live memory ---- */

static int cmp_bytes_desc(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;   /* pairs {bytes, value index} */
    if (a[0] != b[0])
        return a[0] < b[0] ? 1 : -1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

static void peak_table(FILE *f, const struct pr_analysis *a)
{
    const struct pr_graph *g = &a->model->graph;
    int n = pr_live_at(a, a->totals.peak_layer, NULL, 0);
    if (n <= 0)
        return;
    int *vals = malloc((size_t)n * sizeof *vals);
    uint64_t *rows = malloc((size_t)n * 2 * sizeof *rows);
    if (!vals || !rows || pr_live_at(a, a->totals.peak_layer, vals, n) != n) {
        free(vals);
        free(rows);
        return;
    }
    for (int i = 0; i < n; i++) {
        bool unknown = false, ovf = false;
        const struct pr_value *v = &g->values[vals[i]];
        rows[2 * i] = pr_shape_bytes(&v->t.shape, v->t.dtype, &unknown, &ovf);
        rows[2 * i + 1] = (uint64_t)vals[i];
    }
    qsort(rows, (size_t)n, 2 * sizeof *rows, cmp_bytes_desc);
    fprintf(f, "<h3>%d tensor%s alive at the peak</h3>\n<table class=\"peak\"><thead><tr><th>tensor</th><th>dtype</th>"
            "<th>shape</th><th class=\"n\">bytes</th><th class=\"n\">share</th><th>produced by</th></tr></thead><tbody>\n",
            n, n == 1 ? "" : "s");
    for (int i = 0; i < n && i < MAX_PEAK_ROWS; i++) {
        const struct pr_value *v = &g->values[rows[2 * i + 1]];
        char sh[256], b[32];
        fputs("<tr><td>", f);
        pr_html_text(f, v->name, 80);
        fprintf(f, "</td><td>%s</td><td>", pr_dtype_name(v->t.dtype));
        pr_html_text(f, pr_shape_str(&v->t.shape, sh, sizeof sh), 80);
        fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%.1f%%</td><td>", pr_human_bytes(rows[2 * i], b, sizeof b),
                a->totals.peak_activation_bytes ? 100.0 * (double)rows[2 * i] / (double)a->totals.peak_activation_bytes : 0);
        if (v->producer < 0) {
            fputs("graph input", f);
        } else {
            pr_html_text(f, g->nodes[v->producer].name, 60);
            fputs(" (", f);
            pr_html_text(f, g->nodes[v->producer].op_type, 40);
            fputc(')', f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (n > MAX_PEAK_ROWS)
        fprintf(f, "<p class=\"note\">The %d largest of %d tensors are listed.</p>\n", MAX_PEAK_ROWS, n);
    free(vals);
    free(rows);
}

static void memory_chart(FILE *f, const struct pr_analysis *a)
{
    int n = a->nlayers + 1;   /* the start, then after each layer */
    uint64_t *live = calloc((size_t)n + 1, sizeof *live);
    if (!live || pr_live_series(a, live) < 0) {
        free(live);
        return;
    }
    int per = (n + 2 * MAX_BARS - 1) / (2 * MAX_BARS), npts;
    per = per < 1 ? 1 : per;
    npts = (n + per - 1) / per;
    fputs("<section class=\"card\" id=\"memory\"><h2>Live activation memory over the schedule</h2>\n", f);
    char pb[32];
    pr_human_bytes(a->totals.peak_activation_bytes, pb, sizeof pb);
    fprintf(f, "<p>Bytes of activations alive after each layer (a tensor lives from its producer to its last "
            "consumer). Peak <strong>%s</strong> ", pb);
    if (a->totals.peak_layer >= 0) {
        fprintf(f, "after layer %d <strong>", a->totals.peak_layer);
        pr_html_text(f, node_name(a, a->totals.peak_layer), 80);
        fputs("</strong>.", f);
    } else {
        fputs("at the start (the inputs).", f);
    }
    if (per > 1)
        fprintf(f, " Each point is the maximum of %d consecutive positions.", per);
    fputs("</p>\n", f);
    const double top = 30, h = 220;
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"live activation memory\">\n", W,
            (int)(top + h + 56));
    double vmax = (double)a->totals.peak_activation_bytes;
    double ymax = y_axis(f, top, h, vmax, true, "live bytes");
    fputs("<path class=\"area\" d=\"", f);
    for (int i = 0; i < npts; i++) {
        uint64_t m = 0;
        for (int k = i * per; k < (i + 1) * per && k < n; k++)
            m = live[k] > m ? live[k] : m;
        double x = LEFT + PLOT_W * (i + 0.5) / npts, y = top + h - h * (double)m / ymax;
        if (i == 0)
            fprintf(f, "M%.2f %.2f L%.2f %.2f", x, top + h, x, y);
        else
            fprintf(f, " L%.2f %.2f", x, y);
        if (i == npts - 1)
            fprintf(f, " L%.2f %.2f Z", x, top + h);
    }
    fputs("\"/>\n", f);
    /* x axis: schedule position 0 = the start, k = after layer k-1 */
    pr_html_x_axis(f, npts, top + h, per > 1 ? "schedule position (0: the inputs; k: after layer k-1; aggregated)"
                                     : "schedule position (0: the inputs; k: after layer k-1)");
    int ppos = (a->totals.peak_layer + 1) / per;
    double px = LEFT + PLOT_W * (ppos + 0.5) / npts, py = top + h - h * vmax / ymax;
    const char *anchor = px > W - 260 ? "end" : "start";
    double tx = px > W - 260 ? px - 10 : px + 10;
    fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"peakline\"/>"
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"" PEAK_COLOR "\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" class=\"peaklabel\" text-anchor=\"%s\">peak %s</text>\n",
            px, px, py, top + h, px, py, tx, py + 4 < top + 14 ? top + 14 : py + 4, anchor, pb);
    fputs("</svg>\n", f);
    peak_table(f, a);
    fputs("</section>\n", f);
    free(live);
}

/* ---- tables and page ---- */

static void layer_table(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    fprintf(f, "<section class=\"card\" id=\"table\"><h2>All %d layers</h2>\n", a->nlayers);
    if (a->nlayers > MAX_TABLE_ROWS)
        fprintf(f, "<p class=\"note\">The first %d of %d layers are listed; the JSON and CSV reports "
                "(--format json, --format csv) have every layer.</p>\n", MAX_TABLE_ROWS, a->nlayers);
    fputs("<table class=\"layers\"><thead><tr><th class=\"n\">#</th><th>name</th><th>op</th><th>output</th>"
          "<th class=\"n\">params</th><th class=\"n\">MACs</th><th class=\"n\">share</th><th class=\"n\">FLOPs</th>"
          "<th class=\"n\">act. mem</th><th class=\"n\">read</th><th class=\"n\">written</th>", f);
    if (e)
        fputs("<th class=\"n\">time</th><th class=\"n\">energy</th>", f);
    fputs("<th>status</th></tr></thead><tbody>\n", f);
    for (int p = 0; p < a->nlayers && p < MAX_TABLE_ROWS; p++) {
        const struct pr_layer *L = &a->layers[p];
        char sh[512], b[6][32];
        double share = a->totals.macs ? 100.0 * (double)L->macs / (double)a->totals.macs : 0;
        fprintf(f, "<tr%s><td class=\"n\">%d</td><td>", p == a->totals.peak_layer ? " class=\"peakrow\"" : "", p);
        pr_html_text(f, node_name(a, p), 80);
        fputs("</td><td>", f);
        pr_html_text(f, node_op(a, p), 40);
        fputs("</td><td>", f);
        pr_html_text(f, pr_layer_shapes(a, L, sh, sizeof sh), 80);
        fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                "<td class=\"n share\" style=\"--w:%.1f%%\">%.1f%%</td><td class=\"n\">%s</td>"
                "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>",
                pr_human_count(L->params, b[0], sizeof b[0]), pr_human_count(L->macs, b[1], sizeof b[1]), share, share,
                pr_human_count(L->flops, b[2], sizeof b[2]), pr_human_bytes(L->activation_bytes, b[3], sizeof b[3]),
                pr_human_bytes(L->bytes_read, b[4], sizeof b[4]), pr_human_bytes(L->bytes_written, b[5], sizeof b[5]));
        if (e)
            fprintf(f, "<td class=\"n\">%s</td><td class=\"n\">%s</td>",
                    pr_human_si(e->layers[p].time_s, "s", b[0], sizeof b[0]),
                    pr_human_si(e->layers[p].energy_j, "J", b[1], sizeof b[1]));
        fprintf(f, "<td>%s", L->status == PR_LAYER_OK ? "" : pr_layer_status_name(L->status));
        if (L->why) {   /* why it is incomplete or not counted */
            fputs(L->status == PR_LAYER_OK ? "<small>" : "<br><small>", f);
            pr_html_text(f, L->why, 300);
            fputs("</small>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

static void kpi(FILE *f, const char *id, const char *label, const char *value, const char *exact)
{
    fprintf(f, "<div class=\"kpi\" id=\"kpi-%s\"><div class=\"k\">%s</div><div class=\"v\">%s</div>"
            "<div class=\"x\">%s</div></div>\n", id, label, value, exact);
}

static void header(FILE *f, const struct pr_analysis *a)
{
    const struct pr_model *m = a->model;
    const struct pr_totals *t = &a->totals;
    fputs("<header><h1>", f);
    pr_html_text(f, m->path ? m->path : "", 200);
    fprintf(f, "</h1><p class=\"sub\">priori %s · ", PRIORI_VERSION);
    if (m->producer && *m->producer) {
        pr_html_text(f, m->producer, 80);
        fputs(" · ", f);
    }
    fprintf(f, "IR %lld · opset %lld · %d layers</p>\n", (long long)m->ir_version, (long long)pr_model_opset(m, ""),
            a->nlayers);
    const struct pr_graph *g = &m->graph;
    fputs("<p class=\"io\">", f);
    for (int k = 0; k < 2; k++) {
        const int *idx = k ? g->outputs : g->inputs;
        int n = k ? g->noutputs : g->ninputs;
        fprintf(f, "%s<b>%s</b> ", k ? "<br>" : "", k ? "outputs" : "inputs");
        for (int i = 0, c = 0; i < n; i++) {
            if (idx[i] < 0)
                continue;
            const struct pr_value *v = &g->values[idx[i]];
            char sh[256];
            fputs(c++ ? ", " : "", f);
            fputs("<code>", f);
            pr_html_text(f, v->name, 60);
            fprintf(f, "</code> %s ", pr_dtype_name(v->t.dtype));
            pr_html_text(f, pr_shape_str(&v->t.shape, sh, sizeof sh), 80);
        }
    }
    fputs("</p></header>\n", f);
    if (t->incomplete)
        fputs("<p class=\"warn\">Some layers are unsupported or have unknown shapes: the totals are lower bounds "
              "(see the warnings at the end).</p>\n", f);
    char h[32], x[48];
    fputs("<section class=\"kpis\">\n", f);
    snprintf(x, sizeof x, "%llu", (unsigned long long)t->params);
    kpi(f, "params", "parameters", pr_human_count(t->params, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu", (unsigned long long)t->macs);
    kpi(f, "macs", "MACs", pr_human_count(t->macs, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu", (unsigned long long)t->flops);
    kpi(f, "flops", "FLOPs", pr_human_count(t->flops, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu bytes", (unsigned long long)t->weight_bytes);
    kpi(f, "weights", "weights", pr_human_bytes(t->weight_bytes, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu bytes", (unsigned long long)t->peak_activation_bytes);
    kpi(f, "peak", "peak live memory", pr_human_bytes(t->peak_activation_bytes, h, sizeof h), x);
    char r[32], w[32];
    snprintf(x, sizeof x, "%s read, %s written", pr_human_bytes(t->bytes_read, r, sizeof r),
             pr_human_bytes(t->bytes_written, w, sizeof w));
    kpi(f, "traffic", "memory traffic", pr_human_bytes(t->bytes_read + t->bytes_written, h, sizeof h), x);
    fputs("</section>\n", f);
}

static void notes(FILE *f, const struct pr_analysis *a)
{
    const struct pr_graph *g = &a->model->graph;
    if (a->nunsupported) {
        fputs("<section class=\"card\" id=\"unsupported\"><h2>Unsupported operators (counted as zero cost)</h2><ul>\n", f);
        for (int i = 0; i < a->nunsupported; i++) {
            const struct pr_unsupported *u = &a->unsupported[i];
            fputs("<li><code>", f);
            if (*u->domain) {
                pr_html_text(f, u->domain, 60);
                fputc('.', f);
            }
            pr_html_text(f, u->op_type, 60);
            fprintf(f, "</code>: %d node%s, first ", u->count, u->count == 1 ? "" : "s");
            pr_html_text(f, g->nodes[a->layers[u->layers[0]].node].name, 80);
            fputs("</li>\n", f);
        }
        fputs("</ul></section>\n", f);
    }
    if (a->diag.count) {
        fputs("<section class=\"card\" id=\"warnings\"><h2>Warnings</h2><ul>\n", f);
        for (size_t i = 0; i < a->diag.count; i++) {
            fputs("<li>", f);
            pr_html_text(f, a->diag.msgs[i], 1000);
            fputs("</li>\n", f);
        }
        if (a->diag.dropped)
            fprintf(f, "<li>... and %zu more</li>\n", a->diag.dropped);
        fputs("</ul></section>\n", f);
    }
}

static const char style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:#f3f5f8;color:#1c2530;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
    "main{max-width:1200px;margin:0 auto;padding:24px 28px 48px}\n"
    "h1{font-size:24px;margin:0 0 2px;word-break:break-all}h2{font-size:18px;margin:0 0 10px}"
    "h3{font-size:15px;margin:18px 0 8px}\n"
    ".sub{color:#5b6876;margin:0}.io{color:#3d4a57;margin:8px 0 0;font-size:14px}\n"
    "code{font:13px ui-monospace,\"DejaVu Sans Mono\",monospace;background:#e9edf2;padding:1px 4px;border-radius:3px}\n"
    ".kpis{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin:18px 0}\n"
    ".kpi{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:12px 14px}\n"
    ".kpi .k{color:#5b6876;font-size:13px}.kpi .v{font-size:26px;font-weight:650;line-height:1.2}"
    ".kpi .x{color:#7a8794;font-size:12px;font-variant-numeric:tabular-nums}\n"
    ".card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:18px 20px;margin:16px 0}\n"
    ".note{color:#5b6876;font-size:13px;margin:0 0 8px}.warn{background:#fff4e5;border:1px solid #f5c27a;"
    "border-radius:6px;padding:8px 12px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font-family:inherit}.tick{font-size:12px;fill:#5b6876}.axis{font-size:13px;fill:#1c2530;font-weight:600}\n"
    ".grid{stroke:#e6eaef;stroke-width:1}.axisline{stroke:#8895a2;stroke-width:1}\n"
    ".label{font-size:12.5px;fill:#1c2530;font-weight:600}.leader{stroke:#8895a2;stroke-width:1;stroke-dasharray:2 2}\n"
    "p.legend{margin:0 0 4px;font-size:13px}.sw{display:inline-block;width:12px;height:12px;border-radius:2px;"
    "margin:0 6px 0 14px;vertical-align:-1px}.sw:first-child{margin-left:0}\n"
    ".legend text{font-size:13px;fill:#1c2530}.inbar{font-size:12.5px;fill:#fff;font-weight:600}\n"
    ".area{fill:" MEM_COLOR ";fill-opacity:.25;stroke:" MEM_COLOR ";stroke-width:2}\n"
    ".peakline{stroke:" PEAK_COLOR ";stroke-width:1.5;stroke-dasharray:4 3}"
    ".peaklabel{font-size:13px;font-weight:700;fill:" PEAK_COLOR "}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}\n"
    "th{text-align:left;color:#3d4a57;border-bottom:2px solid #dde3ea;padding:5px 8px;position:sticky;top:0;"
    "background:#fff}\n"
    "td{border-bottom:1px solid #eef1f4;padding:4px 8px;word-break:break-word}.n{text-align:right;white-space:nowrap}\n"
    "tr.peakrow td{background:#fdecee}\n"
    "td.share{background:linear-gradient(90deg,#d6e2f8 var(--w),transparent var(--w))}\n"
    "footer{color:#7a8794;font-size:12px;margin-top:24px}\n"
    "@media print{body{background:#fff}.card{break-inside:avoid}}\n";

int pr_report_html(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    const struct pr_model *m = a->model;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"priori " PRIORI_VERSION "\">\n<title>priori: ", f);
    pr_html_text(f, m->path ? m->path : "", 200);
    fprintf(f, "</title>\n<style>\n%s%s</style></head>\n<body><main>\n", style, e ? pr_html_energy_style : "");
    header(f, a);
    if (e)
        pr_html_energy_totals(f, e);
    if (a->nlayers)
        layer_chart(f, a);
    share_chart(f, a);
    memory_chart(f, a);
    /* hardware section: roofline and per-layer energy come with an energy
     * estimate (--hw); without one nothing is drawn here */
    if (e)
        pr_html_energy_section(f, a, e);
    layer_table(f, a, e);
    notes(f, a);
    fprintf(f, "<footer>Made by priori %s, a static analyzer: counts follow the conventions in its README "
            "(MAC = multiply-accumulate; FLOPs = 2 x MACs + non-MAC work). No layer was run.</footer>\n"
            "</main></body></html>\n", PRIORI_VERSION);
    return ferror(f) ? -1 : 0;
}
