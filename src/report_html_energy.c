/* report_html_energy.c -- the energy parts of the HTML report (`analyze
 * --format html --hw ID`): a totals box, the roofline chart and per-layer
 * energy bars. Only reads the analysis and the estimate (energy.c).
 *
 * Totals box: latency, J per inference, g CO2e per inference and per
 * million inferences, each with the profile's uncertainty (+-u%: the
 * median held-out error of a fitted profile; wider for anchor and
 * spec-only profiles), and beside them what ML CO2 Impact (TDP x time) and
 * Green Algorithms ((TDP + 0.3725 W/GB x memory) x time x PUE) give for the
 * same latency.
 *
 * Roofline (Williams et al.): for layer l with FLOPs F_l, bytes moved B_l
 * (read + written) and estimated time t_l,
 *   operational intensity  I_l = F_l / B_l      (FLOPs per byte, x, log)
 *   attained throughput    P_l = F_l / t_l      (FLOP/s, y, log)
 *   roof                   P(I) = min(peak, I * bw)
 * with peak (ops/s, one MAC = 2 ops, so FLOPs) and bw (bytes/s) from the
 * profile's spec. Left of the ridge I = peak / bw a layer is memory-bound,
 * right of it compute-bound; both regions are shaded under the roof. A
 * layer without FLOPs, bytes or time has no point (its count is in the
 * note). Point area grows with the layer's share of the energy; the
 * heaviest layers by energy are labeled. Profiles without peak or
 * bandwidth (fitted on measurements only) draw the points and say that
 * there is no roof. Above MAX_POINTS layers the heaviest MAX_POINTS by
 * energy are drawn.
 *
 * Energy bars: J per layer in execution order, aggregated like the MACs
 * chart above PR_HTML_MAX_BARS layers; the fixed energy per inference of a
 * fitted profile is not attributed to a layer and is stated under the chart.
 */
#include "report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "roofline.h"

enum { MAX_POINTS = 3000 };
#define MEMB_COLOR "#dcEAf7"
#define COMPB_COLOR "#fbe5cf"
#define ROOF_COLOR "#1c2530"
#define ENERGY_COLOR "#8e44ad"

static const char *const class_color[PR_EC_COUNT] = {"#3b6fd4", "#e8912d", "#2a9d8f"};

static const char *node_name(const struct pr_analysis *a, int p)
{
    return a->model->graph.nodes[a->layers[p].node].name;
}

static const char *node_op(const struct pr_analysis *a, int p)
{
    return a->model->graph.nodes[a->layers[p].node].op_type;
}

/* ---- totals ---- */

static void box(FILE *f, const char *id, const char *label, const char *value, double unc, const char *more)
{
    fprintf(f, "<div class=\"ekpi\" id=\"kpi-%s\"><div class=\"k\">%s</div><div class=\"v\">%s", id, label, value);
    if (unc >= 0)
        fprintf(f, " <span class=\"pm\">&#177;%.0f%%</span>", unc);
    fprintf(f, "</div><div class=\"x\">%s</div></div>\n", more);
}

void pr_html_energy_totals(FILE *f, const struct pr_estimate *e)
{
    char v[48], x[160], b1[48], b2[48];
    static const char *const lead[3] = {"<section class=\"card\" id=\"energy-totals\"><h2>Energy per inference on ",
                                        "</h2>\n<p class=\"note\">Profile <code>", "</code>; "};
    pr_profile_words(f, e, pr_html_text, lead);
    fprintf(f, ". CO2e at %.0f g/kWh (", e->g_per_kwh);
    pr_html_text(f, e->carbon_source ? e->carbon_source : "", 120);
    fprintf(f, "), PUE %.2g.</p>\n", e->pue);
    if (e->method == PR_METHOD_SPEC)
        fputs("<p class=\"warn\" id=\"spec-only\">Spec-only profile: no measurement of this hardware is in the "
              "database, so time is a roofline with assumed efficiencies and energy is TDP &#215; time. Treat the "
              "numbers as a factor-of-two estimate; <code>priori db add</code> and <code>priori calibrate</code> "
              "turn your own measurements into a fitted profile.</p>\n", f);
    double u = e->uncertainty_pct;
    fputs("<div class=\"ekpis\">\n", f);
    snprintf(x, sizeof x, "%.4g s", e->latency_s);
    box(f, "latency", "latency", pr_human_si(e->latency_s, "s", v, sizeof v), u, x);
    snprintf(x, sizeof x, "%.4g J; %s per million", e->energy_j, pr_human_si(e->wh_per_million, "Wh", b1, sizeof b1));
    box(f, "energy", "energy per inference", pr_human_si(e->energy_j, "J", v, sizeof v), u, x);
    snprintf(x, sizeof x, "%s per million inferences", pr_human_si(e->co2e_g_per_million, "g", b1, sizeof b1));
    box(f, "co2e", "CO2e per inference", pr_human_si(e->co2e_g, "g", v, sizeof v), u, x);
    if (e->mlco2_j >= 0) {
        snprintf(x, sizeof x, "TDP &#215; time; %s CO2e", pr_human_si(e->mlco2_co2e_g, "g", b1, sizeof b1));
        box(f, "mlco2", "ML CO2 Impact would say", pr_human_si(e->mlco2_j, "J", v, sizeof v), -1, x);
        snprintf(x, sizeof x, "(TDP + memory) &#215; time &#215; PUE; %s CO2e",
                 pr_human_si(e->ga_co2e_g, "g", b2, sizeof b2));
        box(f, "ga", "Green Algorithms would say", pr_human_si(e->ga_j, "J", v, sizeof v), -1, x);
    } else {
        box(f, "mlco2", "ML CO2 Impact / Green Algorithms", "n/a", -1, "no TDP in the profile's spec");
    }
    fputs("</div>\n", f);
    if (e->inferences != 1000000)
        fprintf(f, "<p class=\"note\">%llu inferences: %s, %s CO2e.</p>\n", (unsigned long long)e->inferences,
                pr_human_si(e->total_wh, "Wh", b1, sizeof b1), pr_human_si(e->total_co2e_g, "g", b2, sizeof b2));
    fputs("</section>\n", f);
}

/* ---- roofline ---- */

static const char *regime_text(int r)
{
    return r == PR_REGIME_LAUNCH ? "launch-bound" : r == PR_REGIME_COMPUTE ? "compute-bound"
         : r == PR_REGIME_MEMORY ? "memory-bound" : "no kernel";
}

/* Share of the layers' time in each regime of the fitted GPU model. */
static void regime_summary(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    double t[4] = {0}, sum = 0;
    int n[4] = {0};
    for (int i = 0; i < a->nlayers; i++)
        if (e->layers[i].regime > 0 && e->layers[i].regime < 4) {
            t[e->layers[i].regime] += e->layers[i].time_s, n[e->layers[i].regime]++;
            sum += e->layers[i].time_s;
        }
    if (sum <= 0)
        return;
    fprintf(f, "<p class=\"legend\">Fitted GPU model%s: launch-bound %d layers (%.0f%% of the time), "
               "compute-bound %d (%.0f%%), memory-bound %d (%.0f%%); each point's tooltip names its regime.</p>",
            e->host_bound ? " (the call is launch-bound: the host issuing kernels is slower than the device)" : "",
            n[1], 100 * t[1] / sum, n[2], 100 * t[2] / sum, n[3], 100 * t[3] / sum);
}

struct point {
    int layer;
    double x, y, energy;
};

static int cmp_energy_desc(const void *pa, const void *pb)
{
    const struct point *a = pa, *b = pb;
    if (a->energy != b->energy)
        return a->energy < b->energy ? 1 : -1;
    return a->layer - b->layer;
}

struct logaxis {
    double lo, hi;   /* decades: 10^lo .. 10^hi */
    double pix0, pix1;
};

static double lmap(const struct logaxis *ax, double v)
{
    return ax->pix0 + (ax->pix1 - ax->pix0) * (log10(v) - ax->lo) / (ax->hi - ax->lo);
}

/* Decades around [vmin, vmax], at least two. */
static void decades(struct logaxis *ax, double vmin, double vmax)
{
    ax->lo = floor(log10(vmin));
    ax->hi = ceil(log10(vmax));
    if (ax->hi - ax->lo < 2)
        ax->hi = ax->lo + 2;
    if (ax->hi - ax->lo > 14)   /* a hostile or degenerate spread: keep the top 14 decades */
        ax->lo = ax->hi - 14;
}

static void roofline(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    const struct pr_spec *s = &e->profile->spec;
    double peak = s->peak_ops, bw = s->mem_bw;
    struct point *pts = calloc((size_t)a->nlayers + 1, sizeof *pts);
    if (!pts)
        return;
    int n = 0, skipped = 0;
    double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_layer *L = &a->layers[i];
        double bytes = (double)L->bytes_read + (double)L->bytes_written, t = e->layers[i].time_s;
        if (!L->flops || bytes <= 0 || !(t > 0)) {
            skipped += L->flops || L->macs;
            continue;
        }
        struct point *p = &pts[n++];
        p->layer = i;
        p->x = (double)L->flops / bytes;
        p->y = (double)L->flops / t;
        p->energy = e->layers[i].energy_j;
    }
    for (int i = 0; i < n; i++) {
        xmin = fmin(xmin, pts[i].x), xmax = fmax(xmax, pts[i].x);
        ymin = fmin(ymin, pts[i].y), ymax = fmax(ymax, pts[i].y);
    }
    bool roof = peak > 0 && bw > 0;
    double ridge = roof ? peak / bw : 0;
    if (roof) {
        xmin = fmin(xmin, ridge / 10), xmax = fmax(xmax, ridge * 10);
        ymax = fmax(ymax, peak);
        ymin = fmin(ymin, peak / 1000);
    } else if (peak > 0) {
        ymax = fmax(ymax, peak);
    }
    fputs("<section class=\"card\" id=\"roofline\"><h2>Roofline: where each layer sits on this hardware</h2>\n", f);
    char b1[48], b2[48], b3[48];
    if (roof)
        fprintf(f, "<p>Operational intensity (FLOPs per byte moved) against the throughput the estimate gives each "
                "layer (FLOPs / its time). The roof is min(peak %s, intensity &#215; bandwidth %s), ridge at "
                "%.3g FLOPs/byte: layers left of it are <b>memory-bound</b>, right of it <b>compute-bound</b>. "
                "Point area: share of the energy.</p>\n", pr_human_si(peak, "ops/s", b1, sizeof b1),
                pr_human_si(bw, "B/s", b2, sizeof b2), ridge);
    else
        fprintf(f, "<p>Operational intensity (FLOPs per byte moved) against the throughput the estimate gives each "
                "layer (FLOPs / its time). <b>No roof</b>: the profile's spec has %s, so the bound cannot be "
                "drawn; the points show what the fitted coefficients imply. Point area: share of the energy.</p>\n",
                peak > 0 ? "no memory bandwidth" : bw > 0 ? "no peak ops/s" : "neither peak ops/s nor bandwidth");
    if (!n) {
        fputs("<p class=\"note\">No layer has FLOPs, bytes and time to place.</p></section>\n", f);
        free(pts);
        return;
    }
    qsort(pts, (size_t)n, sizeof *pts, cmp_energy_desc);
    int drawn = n < MAX_POINTS ? n : MAX_POINTS;
    if (skipped)
        fprintf(f, "<p class=\"note\">%d layer%s with work but no bytes or time %s no point.</p>\n", skipped,
                skipped == 1 ? "" : "s", skipped == 1 ? "has" : "have");
    if (drawn < n)
        fprintf(f, "<p class=\"note\">The heaviest %d of %d layers by energy are drawn.</p>\n", drawn, n);
    struct logaxis ax, ay;
    const double top = 20, h = 400, left = PR_HTML_LEFT + 10, right = PR_HTML_W - PR_HTML_RIGHT;
    decades(&ax, xmin, xmax);
    decades(&ay, ymin, ymax);
    ax.pix0 = left, ax.pix1 = right;
    ay.pix0 = top + h, ay.pix1 = top;
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"roofline: operational "
            "intensity against attained throughput per layer\">\n", PR_HTML_W, (int)(top + h + 60));
    fprintf(f, "<defs><clipPath id=\"roofclip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
            "</clipPath></defs>\n", left, top, right - left, h);
    /* regions under the roof, then the grid on top of them */
    if (roof) {
        double xl = pow(10, ax.lo), xr = pow(10, ax.hi), yb = top + h;
        double rx = lmap(&ax, ridge), ry = lmap(&ay, peak), ly = lmap(&ay, xl * bw);
        fprintf(f, "<g clip-path=\"url(#roofclip)\"><path class=\"memb\" d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f "
                "L%.1f %.1f Z\"/><path class=\"compb\" d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f %.1f Z\"/></g>\n",
                lmap(&ax, xl), yb, lmap(&ax, xl), ly, rx, ry, rx, yb, rx, yb, rx, ry, lmap(&ax, xr), ry,
                lmap(&ax, xr), yb);
    }
    for (double d = ax.lo; d <= ax.hi + 0.5; d++) {
        double x = lmap(&ax, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" "
                "y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>\n", x, x, top, top + h, x, top + h + 18,
                pr_human_si(pow(10, d), "", b1, sizeof b1));
    }
    for (double d = ay.lo; d <= ay.hi + 0.5; d++) {
        double y = lmap(&ay, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" "
                "y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n", left, right, y, y, left - 8, y + 4,
                pr_human_si(pow(10, d), "", b1, sizeof b1));
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">operational intensity (FLOPs "
            "per byte, log)</text>\n", (left + right) / 2, top + h + 44);
    fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">attained "
            "FLOP/s (log)</text>\n", top + h / 2);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n", left, top,
            right - left, h);
    if (roof) {
        double xl = pow(10, ax.lo), xr = pow(10, ax.hi), rx = lmap(&ax, ridge), ry = lmap(&ay, peak);
        fprintf(f, "<g clip-path=\"url(#roofclip)\"><path class=\"roof\" d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f\"/>"
                "</g>\n", lmap(&ax, xl), lmap(&ay, xl * bw), rx, ry, lmap(&ax, xr), ry);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"rooflabel\" text-anchor=\"end\">peak %s</text>\n",
                right - 8, ry - 8, pr_human_si(peak, "FLOP/s", b1, sizeof b1));
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ridge\"/><text x=\"%.1f\" "
                "y=\"%.1f\" class=\"rooflabel\">ridge %.3g FLOPs/byte</text>\n", rx, rx, ry, top + h, rx + 6,
                top + h - 34, ridge);
        double mx = lmap(&ax, ridge / 30 > xl ? ridge / 30 : xl * 1.5);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"region\">memory-bound</text>"
                "<text x=\"%.1f\" y=\"%.1f\" class=\"region\" text-anchor=\"end\">compute-bound</text>\n",
                mx, top + h - 12, right - 10, top + h - 12);
    } else if (peak > 0) {
        double y = lmap(&ay, peak);
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"roof\"/>", left, right, y, y);
    }
    double etot = 0;
    for (int i = 0; i < n; i++)
        etot += pts[i].energy > 0 ? pts[i].energy : 0;
    /* light points first, so the heavy ones are on top */
    for (int i = drawn - 1; i >= 0; i--) {
        const struct point *p = &pts[i];
        const struct pr_layer *L = &a->layers[p->layer];
        double r = 3 + 14 * sqrt(etot > 0 && p->energy > 0 ? p->energy / etot : 0);
        fprintf(f, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"><title>#%d ",
                lmap(&ax, p->x), lmap(&ay, p->y), r, class_color[pr_layer_class(a, L)], p->layer);
        pr_html_text(f, node_name(a, p->layer), 80);
        fputs(" (", f);
        pr_html_text(f, node_op(a, p->layer), 40);
        fprintf(f, "): %.3g FLOPs/byte, %s, %s, %s%s%s</title></circle>\n", p->x,
                pr_human_si(p->y, "FLOP/s", b1, sizeof b1), pr_human_si(e->layers[p->layer].time_s, "s", b2, sizeof b2),
                pr_human_si(p->energy, "J", b3, sizeof b3), e->roofline ? ", " : "",
                e->roofline ? regime_text(e->layers[p->layer].regime) : "");
    }
    /* the heaviest by energy, labeled with a leader line: up and to the
     * left (above the roof is empty), or down and to the right where the
     * text would leave the plot; a label moves on while it would overlap
     * one already placed */
    double used[PR_HTML_LABELED][2];
    int nused = 0;
    for (int i = 0; i < drawn && i < PR_HTML_LABELED; i++) {
        const struct point *p = &pts[i];
        double px = lmap(&ax, p->x), py = lmap(&ay, p->y);
        char *clean = pr_text_clean(node_name(a, p->layer), 32);
        double width = 7.2 * (double)(strlen(clean ? clean : "?") + 18);
        free(clean);
        bool up = px - 30 - width > left;
        double x = up ? px - 30 : px + 30, y = up ? py - 24 : py + 28;
        y = y < top + 14 ? top + 14 : y > top + h - 24 ? top + h - 24 : y;
        for (int k = 0; k < nused; k++)
            if (fabs(used[k][0] - x) < width && fabs(used[k][1] - y) < 15)
                y = up ? used[k][1] - 16 : used[k][1] + 16, k = -1;
        used[nused][0] = x, used[nused][1] = y, nused++;
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"leader\"/>", px, x, py,
                y - 4);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"label ptlabel\" text-anchor=\"%s\">#%d ",
                up ? x - 3 : x + 3, y, up ? "end" : "start", p->layer);
        pr_html_text(f, node_name(a, p->layer), 32);
        fprintf(f, " &#183; %s</text>\n", pr_human_si(p->energy, "J", b1, sizeof b1));
    }
    fputs("</svg>\n<p class=\"legend\">", f);
    for (int c = 0; c < PR_EC_COUNT; c++)
        fprintf(f, "<span class=\"sw\" style=\"background:%s\"></span>%s", class_color[c],
                c == PR_EC_DENSE ? "dense conv / GEMM" : c == PR_EC_DW ? "depthwise conv" : "other (no MACs)");
    if (roof)
        fputs("<span class=\"sw\" style=\"background:" MEMB_COLOR "\"></span>memory-bound region"
              "<span class=\"sw\" style=\"background:" COMPB_COLOR "\"></span>compute-bound region", f);
    fputs("</p>", f);
    if (e->roofline)   /* GPU profiles: the fitted model's regime of each layer (hover a point) */
        regime_summary(f, a, e);
    fputs("</section>\n", f);
    free(pts);
}

/* ---- energy per layer ---- */

static void energy_bars(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    int n = a->nlayers, per = (n + PR_HTML_MAX_BARS - 1) / PR_HTML_MAX_BARS, nbars;
    per = per < 1 ? 1 : per;
    nbars = (n + per - 1) / per;
    double *v = calloc((size_t)nbars + 1, sizeof *v);
    if (!v)
        return;
    double vmax = 0, sum = 0;
    for (int p = 0; p < n; p++) {
        v[p / per] += e->layers[p].energy_j;
        sum += e->layers[p].energy_j;
    }
    for (int i = 0; i < nbars; i++)
        vmax = v[i] > vmax ? v[i] : vmax;
    char b1[48], b2[48];
    fputs("<section class=\"card\" id=\"layer-energy\"><h2>Energy per layer, in execution order</h2>\n", f);
    fprintf(f, "<p>Layers: %s of the %s per inference", pr_human_si(sum, "J", b1, sizeof b1),
            pr_human_si(e->energy_j, "J", b2, sizeof b2));
    if (e->fixed_energy_j > 0)
        fprintf(f, "; %s is a fixed cost per inference of the profile, not attributed to a layer",
                pr_human_si(e->fixed_energy_j, "J", b1, sizeof b1));
    fputs(".", f);
    if (per > 1)
        fprintf(f, " %d layers: each bar sums %d consecutive layers (%d bars).", n, per, nbars);
    fputs("</p>\n", f);
    const double top = 74, h = 200;
    fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"energy per layer\">\n",
            PR_HTML_W, (int)(top + h + 56));
    double step = pr_html_nice_step(vmax, 4), ymax = vmax > 0 ? ceil(vmax / step) * step : 1;
    for (double t = 0; vmax > 0 && t <= ymax + step / 2; t += step) {
        double y = top + h - h * t / ymax;
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
                "class=\"tick\" text-anchor=\"end\">%s</text>\n", PR_HTML_LEFT, PR_HTML_W - PR_HTML_RIGHT, y, y,
                PR_HTML_LEFT - 8, y + 4, pr_human_si(t, "J", b1, sizeof b1));
    }
    fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">energy (J)"
            "</text>\n<g fill=\"" ENERGY_COLOR "\">\n", top + h / 2);
    double bw = PR_HTML_PLOT_W / nbars, gap = bw > 4 ? bw * 0.15 : 0;
    for (int i = 0; i < nbars; i++) {
        if (!(v[i] > 0))
            continue;
        double bh = h * v[i] / ymax;
        fprintf(f, "<rect class=\"ebar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>",
                PR_HTML_LEFT + bw * i + gap / 2, top + h - bh, bw - gap > 0.6 ? bw - gap : 0.6, bh < 0.5 ? 0.5 : bh);
        if (per == 1) {
            fprintf(f, "#%d ", i);
            pr_html_text(f, node_name(a, i), 80);
            fputs(" (", f);
            pr_html_text(f, node_op(a, i), 40);
            fprintf(f, "): %s, %s", pr_human_si(v[i], "J", b1, sizeof b1),
                    pr_human_si(e->layers[i].time_s, "s", b2, sizeof b2));
        } else {
            int last = (i + 1) * per - 1 < n ? (i + 1) * per - 1 : n - 1;
            fprintf(f, "layers %d-%d: %s", i * per, last, pr_human_si(v[i], "J", b1, sizeof b1));
        }
        fputs("</title></rect>\n", f);
    }
    fputs("</g>\n", f);
    pr_html_x_axis(f, nbars * per > n ? n : nbars * per, top + h,
                   per > 1 ? "layer (execution order; bars aggregated)" : "layer (execution order)");
    /* label the heaviest bars */
    int *order = malloc((size_t)nbars * sizeof *order);
    for (int r = 0; order && r < PR_HTML_LABELED && r < nbars; r++) {
        int best = -1;
        for (int i = 0; i < nbars; i++) {
            bool taken = false;
            for (int k = 0; k < r; k++)
                taken |= order[k] == i;
            if (!taken && v[i] > 0 && (best < 0 || v[i] > v[best]))
                best = i;
        }
        if (best < 0)
            break;
        order[r] = best;
        double x = PR_HTML_LEFT + bw * (best + 0.5), ybar = top + h - h * v[best] / ymax;
        double ylab = top - 58 + 14 * r;
        ylab = ylab > ybar - 6 ? ybar - 6 : ylab;
        const char *anchor = x > PR_HTML_W - 220 ? "end" : x < PR_HTML_LEFT + 120 ? "start" : "middle";
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"leader\"/>", x, x, ylab + 3,
                ybar - 1);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"%s\">", x, ylab, anchor);
        if (per == 1) {
            fprintf(f, "#%d ", best);
            pr_html_text(f, node_name(a, best), 32);
        } else {
            fprintf(f, "layers %d-%d", best * per, (best + 1) * per - 1);
        }
        fprintf(f, " &#183; %s</text>\n", pr_human_si(v[best], "J", b1, sizeof b1));
    }
    free(order);
    fputs("</svg></section>\n", f);
    free(v);
}

void pr_html_energy_section(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    roofline(f, a, e);
    if (a->nlayers)
        energy_bars(f, a, e);
}

const char pr_html_energy_style[] =
    ".ekpis{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:10px 0 0}\n"
    ".ekpi{border:1px solid #dde3ea;border-radius:8px;padding:10px 12px}"
    ".ekpi .k{color:#5b6876;font-size:13px}.ekpi .v{font-size:22px;font-weight:650;line-height:1.25}"
    ".ekpi .x{color:#7a8794;font-size:12px}.pm{font-size:14px;font-weight:500;color:#5b6876}\n"
    "#kpi-mlco2,#kpi-ga{background:#f7f8fa}#kpi-mlco2 .v,#kpi-ga .v{color:#5b6876}\n"
    ".memb{fill:" MEMB_COLOR "}.compb{fill:" COMPB_COLOR "}.frame{fill:none;stroke:#8895a2}\n"
    ".roof{fill:none;stroke:" ROOF_COLOR ";stroke-width:2.5}.rooflabel{font-size:12.5px;font-weight:600;fill:"
    ROOF_COLOR "}\n"
    ".ridge{stroke:" ROOF_COLOR ";stroke-width:1;stroke-dasharray:4 3}\n"
    ".region{font-size:14px;font-weight:600;fill:#5b6876;fill-opacity:.8}\n"
    ".pt{fill-opacity:.75;stroke:#fff;stroke-width:1}.ptlabel{paint-order:stroke;stroke:#fff;stroke-width:3px}\n";
