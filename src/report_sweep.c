/* report_sweep.c -- a sweep's rows as a table, JSON, CSV, Markdown and
 * HTML (report_sweep.h).
 *
 * The columns come from one list (metrics[] below): params, MACs, FLOPs,
 * activation bytes, peak live memory, weight bytes and, with an estimate,
 * latency, energy and CO2e (per call of the batch for roofline profiles,
 * per inference otherwise), then the regime (roofline profiles) and the
 * point's status. A failed point has no numbers (null in JSON, empty in
 * CSV, "-" in the text formats) and its error.
 *
 * HTML: one self-contained page, no script. One line chart per metric,
 * x = the first swept symbol, one line per value of the second (at most
 * MAX_SERIES of them, evenly spaced through its values; the table has
 * every point). An axis is logarithmic when its values are all positive
 * and span two decades or more (max / min >= 100): ticks at the powers of
 * ten, x' = (log10 x - lo) / (hi - lo); otherwise linear from a nice lower
 * bound (0 for y). Points without a value (failed) break the line. Every
 * string from the user or the model goes through pr_html_text.
 */
#include "report_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report_html.h"
#include "roofline.h"

enum { MAX_SERIES = 10, CW = 540, CH = 300, CL = 78, CR = 18, CT = 16, CB = 56 };

enum unit { U_COUNT, U_BYTES, U_SECONDS, U_JOULES, U_GRAMS };

struct metric {
    const char *key, *title;
    enum unit unit;
    bool energy;                /* only with an estimate */
};

static const struct metric metrics[] = {
    {"params", "params", U_COUNT, false},
    {"macs", "MACs", U_COUNT, false},
    {"flops", "FLOPs", U_COUNT, false},
    {"activation_bytes", "activation bytes", U_BYTES, false},
    {"peak_activation_bytes", "peak live memory", U_BYTES, false},
    {"weight_bytes", "weight bytes", U_BYTES, false},
    {"latency_s", "latency", U_SECONDS, true},
    {"energy_j", "energy", U_JOULES, true},
    {"co2e_g", "CO2e", U_GRAMS, true},
};
enum { NMETRICS = sizeof metrics / sizeof metrics[0] };

static const char *const palette[MAX_SERIES] = {"#3b6fd4", "#e8912d", "#2a9d8f", "#d62839", "#8e44ad",
                                                 "#59a14f", "#b07aa1", "#9c755f", "#edc948", "#76b7b2"};

static bool shown(const struct pr_sweep *s, int m)
{
    return !metrics[m].energy || s->profile;
}

/* Metric m of point p: exact (counts) and as a double; false when the
 * point has none (failed, or an unknown estimate). */
static bool value(const struct pr_sweep_point *p, int m, uint64_t *u, double *d)
{
    if (p->status == PR_SWEEP_FAILED)
        return false;
    const struct pr_totals *t = &p->totals;
    uint64_t iv = 0;
    switch (m) {
    case 0: iv = t->params; break;
    case 1: iv = t->macs; break;
    case 2: iv = t->flops; break;
    case 3: iv = t->activation_bytes; break;
    case 4: iv = t->peak_activation_bytes; break;
    case 5: iv = t->weight_bytes; break;
    default: {
        double v = m == 6 ? p->latency_s : m == 7 ? p->energy_j : p->co2e_g;
        if (!(v >= 0) || !isfinite(v))
            return false;
        *d = v;
        *u = 0;
        return true;
    }
    }
    *u = iv;
    *d = (double)iv;
    return true;
}

static const char *human(int m, double v, uint64_t u, char *buf, size_t size)
{
    switch (metrics[m].unit) {
    case U_COUNT: return pr_human_count(u, buf, size);
    case U_BYTES: return pr_human_bytes(u, buf, size);
    case U_SECONDS: return pr_human_si(v, "s", buf, size);
    case U_JOULES: return pr_human_si(v, "J", buf, size);
    default: return pr_human_si(v, "g", buf, size);
    }
}

static const char *cell(const struct pr_sweep_point *p, int m, char *buf, size_t size)
{
    uint64_t u;
    double d;
    return value(p, m, &u, &d) ? human(m, d, u, buf, size) : "-";
}

static const char *regime(const struct pr_sweep_point *p)
{
    return p->regime > 0 && p->regime <= PR_REGIME_MEMORY ? pr_regime_name[p->regime] : "";
}

/* "7 points over seq x batch (8 x 2)". */
static void what(FILE *f, const struct pr_sweep *s, bool html)
{
    fprintf(f, "%d point%s over ", s->npoints, s->npoints == 1 ? "" : "s");
    for (int k = 0; k < s->naxes; k++) {
        fputs(k ? " x " : "", f);
        if (html)
            pr_html_text(f, s->axes[k].symbol, 80);
        else
            fputs(s->axes[k].symbol, f);
    }
    if (s->naxes == 2)
        fprintf(f, " (%d x %d)", s->axes[0].n, s->axes[1].n);
}

/* What the estimates of s are: "PROFILE (fitted; typical error +-u%, ...)". */
static const char *describe(const struct pr_sweep *s, char *buf, size_t size)
{
    struct pr_estimate e = {.profile = s->profile, .method = s->method, .uncertainty_pct = s->uncertainty_pct,
                            .uncertainty_p90_pct = s->uncertainty_p90_pct};
    return pr_estimate_describe(&e, buf, size);
}

static void energy_line(FILE *f, const struct pr_sweep *s)
{
    char desc[320];
    fprintf(f, "energy on %s;\n%s; CO2e at %.0f g/kWh (%s), PUE %g\n", describe(s, desc, sizeof desc),
            s->roofline ? "latency and energy per call of the whole batch" : "latency and energy per inference",
            s->g_per_kwh, s->carbon_source ? s->carbon_source : "", s->pue);
}

/* ---- table and Markdown ---- */

static char *clean(const char *s)
{
    return pr_text_clean(s, 200);
}

static int table(const struct pr_sweep *s, FILE *f)
{
    char *path = clean(s->model->path ? s->model->path : "");
    fprintf(f, "priori sweep: %s, ", path ? path : "?");
    free(path);
    char *syms[PR_SWEEP_MAX_AXES] = {0};
    for (int k = 0; k < s->naxes; k++)
        syms[k] = clean(s->axes[k].symbol);
    fprintf(f, "%d point%s\n", s->npoints, s->npoints == 1 ? "" : "s");
    if (s->profile)
        energy_line(f, s);
    fputc('\n', f);
    int width[PR_SWEEP_MAX_AXES] = {10, 10};   /* a long symbol widens its column */
    for (int k = 0; k < s->naxes; k++) {
        size_t n = syms[k] ? strlen(syms[k]) : 1;
        width[k] = n > 10 ? (int)(n < 60 ? n : 60) : 10;
        fprintf(f, "%*s  ", width[k], syms[k] ? syms[k] : "?");
    }
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            fprintf(f, "%12s  ", metrics[m].title);
    if (s->roofline)
        fprintf(f, "%-8s  ", "regime");
    fputs("status\n", f);
    for (int i = 0; i < s->npoints; i++) {
        const struct pr_sweep_point *p = &s->points[i];
        for (int k = 0; k < s->naxes; k++)
            fprintf(f, "%*lld  ", width[k], (long long)p->at[k]);
        for (int m = 0; m < NMETRICS; m++)
            if (shown(s, m)) {
                char b[32];
                fprintf(f, "%12s  ", cell(p, m, b, sizeof b));
            }
        if (s->roofline)
            fprintf(f, "%-8s  ", regime(p));
        fprintf(f, "%s\n", pr_sweep_status_name[p->status]);
    }
    for (int k = 0; k < s->naxes; k++)
        free(syms[k]);
    if (s->diag.count)
        fputs("\nwarnings:\n", f);
    for (size_t i = 0; i < s->diag.count; i++) {
        char *w = pr_text_clean(s->diag.msgs[i], 1000);
        fprintf(f, "  %s\n", w ? w : "?");
        free(w);
    }
    return ferror(f) ? -1 : 0;
}

static int markdown(const struct pr_sweep *s, FILE *f)
{
    fputs("### priori sweep: ", f);
    pr_md_text(f, s->model->path ? s->model->path : "", 200);
    fputs("\n\n", f);
    what(f, s, false);
    fputs(".", f);
    if (s->profile) {
        fputs(" ", f);
        energy_line(f, s);
    } else {
        fputc('\n', f);
    }
    fputs("\n|", f);
    for (int k = 0; k < s->naxes; k++) {
        fputc(' ', f);
        pr_md_text(f, s->axes[k].symbol, 80);
        fputs(" |", f);
    }
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            fprintf(f, " %s |", metrics[m].title);
    fputs(s->roofline ? " regime | status |\n|" : " status |\n|", f);
    for (int k = 0; k < s->naxes; k++)
        fputs("---:|", f);
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            fputs("---:|", f);
    fputs(s->roofline ? "---|---|\n" : "---|\n", f);
    for (int i = 0; i < s->npoints; i++) {
        const struct pr_sweep_point *p = &s->points[i];
        fputc('|', f);
        for (int k = 0; k < s->naxes; k++)
            fprintf(f, " %lld |", (long long)p->at[k]);
        for (int m = 0; m < NMETRICS; m++)
            if (shown(s, m)) {
                char b[32];
                fprintf(f, " %s |", cell(p, m, b, sizeof b));
            }
        if (s->roofline)
            fprintf(f, " %s |", regime(p));
        fprintf(f, " %s", pr_sweep_status_name[p->status]);
        if (p->error) {
            fputs(": ", f);
            pr_md_text(f, p->error, 300);
        }
        fputs(" |\n", f);
    }
    if (s->diag.count) {
        fputs("\n<details><summary>warnings</summary>\n\n", f);
        for (size_t i = 0; i < s->diag.count; i++) {
            fputs("- ", f);
            pr_md_text(f, s->diag.msgs[i], 1000);
            fputc('\n', f);
        }
        fputs("\n</details>\n", f);
    }
    return ferror(f) ? -1 : 0;
}

/* ---- CSV ---- */

static int csv(const struct pr_sweep *s, FILE *f)
{
    for (int k = 0; k < s->naxes; k++) {
        pr_csv_field(f, s->axes[k].symbol);
        fputc(',', f);
    }
    fputs("status", f);
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            fprintf(f, ",%s", metrics[m].key);
    fputs(s->roofline ? ",regime,error\n" : ",error\n", f);
    for (int i = 0; i < s->npoints; i++) {
        const struct pr_sweep_point *p = &s->points[i];
        for (int k = 0; k < s->naxes; k++)
            fprintf(f, "%lld,", (long long)p->at[k]);
        fputs(pr_sweep_status_name[p->status], f);
        for (int m = 0; m < NMETRICS; m++) {
            uint64_t u;
            double d;
            if (!shown(s, m))
                continue;
            fputc(',', f);
            if (!value(p, m, &u, &d))
                continue;
            if (metrics[m].energy)
                fprintf(f, "%.9g", d);
            else
                fprintf(f, "%llu", (unsigned long long)u);
        }
        if (s->roofline)
            fprintf(f, ",%s", regime(p));
        fputc(',', f);
        if (p->error)
            pr_csv_field(f, p->error);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* ---- JSON ---- */

static cJSON *num_or_null(struct pr_jb *b, double v)
{
    return v < 0 ? pr_jb_check(b, cJSON_CreateNull()) : pr_jb_num(b, v);
}

static int json(const struct pr_sweep *s, FILE *f)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_header(&b, "priori.sweep/1");
    if (!root)
        return pr_jb_print(&b, root, f);
    pr_jb_add(&b, root, "priori_version", pr_jb_str(&b, PRIORI_VERSION));
    cJSON *model = pr_jb_check(&b, cJSON_CreateObject());
    if (model)
        pr_jb_add(&b, model, "path", pr_jb_str(&b, s->model->path ? s->model->path : ""));
    pr_jb_add(&b, root, "model", model);
    cJSON *axes = pr_jb_check(&b, cJSON_CreateArray());
    for (int k = 0; axes && k < s->naxes; k++) {
        cJSON *ax = pr_jb_check(&b, cJSON_CreateObject()), *vals = pr_jb_check(&b, cJSON_CreateArray());
        if (!ax || !vals) {
            cJSON_Delete(ax);
            cJSON_Delete(vals);
            break;
        }
        pr_jb_add(&b, ax, "symbol", pr_jb_str(&b, s->axes[k].symbol));
        for (int i = 0; i < s->axes[k].n; i++)
            pr_jb_add(&b, vals, NULL, pr_jb_u64(&b, (uint64_t)s->axes[k].values[i]));
        pr_jb_add(&b, ax, "values", vals);
        pr_jb_add(&b, axes, NULL, ax);
    }
    pr_jb_add(&b, root, "axes", axes);
    if (s->profile) {
        const struct pr_profile *p = s->profile;
        cJSON *e = pr_jb_check(&b, cJSON_CreateObject());
        if (e) {
            pr_jb_add(&b, e, "profile", pr_jb_str(&b, p->id));
            pr_jb_add(&b, e, "hardware", pr_jb_str(&b, p->hardware));
            char desc[320];
            pr_jb_add(&b, e, "method", pr_jb_str(&b, pr_method_name[s->method]));
            pr_jb_add(&b, e, "description", pr_jb_str(&b, describe(s, desc, sizeof desc)));
            pr_jb_add(&b, e, "per", pr_jb_str(&b, s->roofline ? "call" : "inference"));
            pr_jb_add(&b, e, "uncertainty_pct", num_or_null(&b, s->uncertainty_pct));
            pr_jb_add(&b, e, "uncertainty_p90_pct", num_or_null(&b, s->uncertainty_p90_pct));
            pr_jb_add(&b, e, "pue", num_or_null(&b, s->pue));
            pr_jb_add(&b, e, "g_co2e_per_kwh", num_or_null(&b, s->g_per_kwh));
            pr_jb_add(&b, e, "carbon_source", pr_jb_str(&b, s->carbon_source ? s->carbon_source : ""));
        }
        pr_jb_add(&b, root, "energy", e);
    } else {
        pr_jb_add(&b, root, "energy", pr_jb_check(&b, cJSON_CreateNull()));
    }
    cJSON *points = pr_jb_check(&b, cJSON_CreateArray());
    for (int i = 0; points && i < s->npoints && !b.failed; i++) {
        const struct pr_sweep_point *p = &s->points[i];
        cJSON *o = pr_jb_check(&b, cJSON_CreateObject()), *at = pr_jb_check(&b, cJSON_CreateArray());
        if (!o || !at) {
            cJSON_Delete(o);
            cJSON_Delete(at);
            break;
        }
        for (int k = 0; k < s->naxes; k++)
            pr_jb_add(&b, at, NULL, pr_jb_u64(&b, (uint64_t)p->at[k]));
        pr_jb_add(&b, o, "at", at);
        pr_jb_add(&b, o, "status", pr_jb_str(&b, pr_sweep_status_name[p->status]));
        for (int m = 0; m < NMETRICS; m++) {
            uint64_t u;
            double d;
            if (!shown(s, m))
                continue;
            if (!value(p, m, &u, &d))
                pr_jb_add(&b, o, metrics[m].key, pr_jb_check(&b, cJSON_CreateNull()));
            else
                pr_jb_add(&b, o, metrics[m].key, metrics[m].energy ? pr_jb_num(&b, d) : pr_jb_u64(&b, u));
        }
        if (s->profile)
            pr_jb_add(&b, o, "regime", p->regime ? pr_jb_str(&b, regime(p)) : pr_jb_check(&b, cJSON_CreateNull()));
        pr_jb_add(&b, o, "error", pr_jb_str(&b, p->error));
        pr_jb_add(&b, points, NULL, o);
    }
    pr_jb_add(&b, root, "points", points);
    cJSON *warn = pr_jb_check(&b, cJSON_CreateArray());
    for (size_t i = 0; warn && i < s->diag.count; i++)
        pr_jb_add(&b, warn, NULL, pr_jb_str(&b, s->diag.msgs[i]));
    pr_jb_add(&b, root, "warnings", warn);
    return pr_jb_print(&b, root, f);
}

/* ---- HTML ---- */

struct axis {
    bool log;
    double lo, hi;              /* data range in axis units (log10 when log) */
    double step;                /* linear: between ticks */
    double pix0, pix1;
};

static double amap(const struct axis *a, double v)
{
    double t = a->log ? log10(v) : v;
    return a->pix0 + (a->pix1 - a->pix0) * (t - a->lo) / (a->hi > a->lo ? a->hi - a->lo : 1);
}

/* Chooses the scale of values in [vmin, vmax] (vmin > 0 for log): log when
 * they span two decades or more; linear from 0 (from_zero) or a nice lower
 * bound. */
static void axis_fit(struct axis *a, double vmin, double vmax, bool from_zero, bool bytes)
{
    a->log = vmin > 0 && vmax / vmin >= 100;
    if (a->log) {
        a->lo = floor(log10(vmin));
        a->hi = ceil(log10(vmax));
        if (a->hi <= a->lo)
            a->hi = a->lo + 1;
        return;
    }
    double span = vmax - (from_zero ? 0 : vmin) > 0 ? vmax - (from_zero ? 0 : vmin) : 1, unit = 1;
    while (bytes && span / unit >= 1024)   /* bytes: a nice step in KiB, MiB, ... */
        unit *= 1024;
    double step = pr_html_nice_step(span / unit, 4) * unit;
    a->step = step;
    a->lo = from_zero ? 0 : floor(vmin / step) * step;
    a->hi = ceil(vmax / step) * step;
    if (a->hi <= a->lo)
        a->hi = a->lo + step;
}

static void tick_text(int m, double v, char *buf, size_t size)
{
    if (m < 0)   /* the swept symbol */
        pr_human_count((uint64_t)llround(v), buf, size);
    else
        human(m, v, (uint64_t)llround(v), buf, size);
}

/* Ticks of axis a: at powers of ten when log (bytes: powers of 2^5 or
 * 2^10, so that the binary units read round), else nice steps. vertical:
 * the y axis (labels left of the plot), else x. */
static void ticks(FILE *f, const struct axis *a, bool vertical, int m)
{
    bool bytes = m >= 0 && metrics[m].unit == U_BYTES && a->log;
    double step = a->log ? 1 : a->step, t0 = a->lo;
    if (bytes) {   /* in log10 units: 2^e is e * log10(2) */
        double span2 = (a->hi - a->lo) / log10(2.0), e = span2 > 40 ? 10 : span2 > 12 ? 5 : 1;
        step = e * log10(2.0);
        t0 = ceil(a->lo / step - 1e-9) * step;
    }
    for (double t = t0; t <= a->hi + 1e-9; t += step) {
        double v = a->log ? pow(10, t) : t;
        double pos = a->pix0 + (a->pix1 - a->pix0) * (t - a->lo) / (a->hi - a->lo);
        char lab[32];
        tick_text(m, v, lab, sizeof lab);
        if (vertical)
            fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
                    "class=\"tick\" text-anchor=\"end\">%s</text>\n", CL, CW - CR, pos, pos, CL - 6, pos + 4, lab);
        else
            fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"grid\"/><text x=\"%.1f\" y=\"%d\" "
                    "class=\"tick\" text-anchor=\"middle\">%s</text>\n", pos, pos, CT, CH - CB, pos, CH - CB + 16,
                    lab);
    }
}

/* Values of the second axis drawn as lines: all, or MAX_SERIES evenly spaced. */
static int series_of(const struct pr_sweep *s, int *idx)
{
    int n = s->naxes == 2 ? s->axes[1].n : 1;
    if (n <= MAX_SERIES) {
        for (int i = 0; i < n; i++)
            idx[i] = i;
        return n;
    }
    for (int i = 0; i < MAX_SERIES; i++)
        idx[i] = (int)((double)i * (n - 1) / (MAX_SERIES - 1) + 0.5);
    return MAX_SERIES;
}

static int cmp_pos(const void *x, const void *y)
{
    const double *a = x, *b = y;   /* pairs {x, point index} */
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

static void chart(FILE *f, const struct pr_sweep *s, int m, double *buf)
{
    int n1 = s->axes[0].n, n2 = s->naxes == 2 ? s->axes[1].n : 1;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = 0;
    int have = 0;
    for (int i = 0; i < s->npoints; i++) {
        uint64_t u;
        double d, x = (double)s->points[i].at[0];
        xmin = x < xmin ? x : xmin;
        xmax = x > xmax ? x : xmax;
        if (!value(&s->points[i], m, &u, &d))
            continue;
        have++;
        ymin = d < ymin ? d : ymin;
        ymax = d > ymax ? d : ymax;
    }
    struct axis ax = {.pix0 = CL, .pix1 = CW - CR}, ay = {.pix0 = CH - CB, .pix1 = CT};
    axis_fit(&ax, xmin, xmax, false, false);
    axis_fit(&ay, ymin > 0 ? ymin : 0, ymax, true, metrics[m].unit == U_BYTES);
    fprintf(f, "<section class=\"card chartcard\" id=\"chart-%s\"><h2>%s</h2>\n", metrics[m].key, metrics[m].title);
    fprintf(f, "<svg class=\"chart sweep\" data-metric=\"%s\" data-xscale=\"%s\" data-yscale=\"%s\" viewBox=\"0 0 %d "
            "%d\" role=\"img\" aria-label=\"%s against ", metrics[m].key, ax.log ? "log" : "linear",
            ay.log ? "log" : "linear", CW, CH, metrics[m].title);
    pr_html_text(f, s->axes[0].symbol, 80);
    fputs("\">\n", f);
    ticks(f, &ay, true, m);
    ticks(f, &ax, false, -1);
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axisline\"/>\n", CL, CW - CR, CH - CB, CH - CB);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">", (CL + CW - CR) / 2.0, CH - 14);
    pr_html_text(f, s->axes[0].symbol, 80);
    fprintf(f, "%s</text>\n", ax.log ? " (log scale)" : "");
    if (ay.log)
        fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"tick\">log scale</text>\n", CL + 4, CT + 12);
    if (!have)
        fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"tick\">no point has a value</text>\n", CL + 20, CH / 2);
    int idx[MAX_SERIES], ns = series_of(s, idx);
    for (int k = 0; k < ns; k++) {
        int j = idx[k], cnt = 0;
        for (int i = 0; i < n1; i++) {   /* point (i, j) is i * n2 + j; drawn in order of x */
            buf[2 * cnt] = (double)s->points[i * n2 + j].at[0];
            buf[2 * cnt + 1] = i * n2 + j;
            cnt++;
        }
        qsort(buf, (size_t)cnt, 2 * sizeof *buf, cmp_pos);
        const char *color = palette[k];
        fprintf(f, "<path class=\"series\" fill=\"none\" stroke=\"%s\" d=\"", color);
        bool pen = false;
        for (int c = 0; c < cnt; c++) {
            const struct pr_sweep_point *p = &s->points[(int)buf[2 * c + 1]];
            uint64_t u;
            double d;
            if (!value(p, m, &u, &d) || (ay.log && d <= 0) || (ax.log && p->at[0] <= 0)) {
                pen = false;   /* a gap */
                continue;
            }
            fprintf(f, "%s%.2f %.2f", pen ? " L" : (c ? " M" : "M"), amap(&ax, (double)p->at[0]), amap(&ay, d));
            pen = true;
        }
        fputs("\"/>\n", f);
        for (int c = 0; c < cnt; c++) {
            const struct pr_sweep_point *p = &s->points[(int)buf[2 * c + 1]];
            uint64_t u;
            double d;
            char lab[32];
            if (!value(p, m, &u, &d) || (ay.log && d <= 0) || (ax.log && p->at[0] <= 0))
                continue;
            fprintf(f, "<circle class=\"pt\" cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"%s\"><title>",
                    amap(&ax, (double)p->at[0]), amap(&ay, d), color);
            for (int a = 0; a < s->naxes; a++) {
                fputs(a ? ", " : "", f);
                pr_html_text(f, s->axes[a].symbol, 40);
                fprintf(f, "=%lld", (long long)p->at[a]);
            }
            fprintf(f, ": %s", human(m, d, u, lab, sizeof lab));
            if (!metrics[m].energy)
                fprintf(f, " (%llu)", (unsigned long long)u);
            fputs("</title></circle>\n", f);
        }
    }
    fputs("</svg>\n", f);
    if (s->naxes == 2) {
        fputs("<p class=\"legend\">", f);
        for (int k = 0; k < ns; k++) {
            fprintf(f, "<span class=\"sw\" style=\"background:%s\"></span>", palette[k]);
            pr_html_text(f, s->axes[1].symbol, 40);
            fprintf(f, "=%lld ", (long long)s->axes[1].values[idx[k]]);
        }
        if (ns < n2)
            fprintf(f, "<span class=\"note\">(%d of its %d values; the table has every point)</span>", ns, n2);
        fputs("</p>\n", f);
    }
    fputs("</section>\n", f);
}

static const char html_style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:#f3f5f8;color:#1c2530;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
    "main{max-width:1200px;margin:0 auto;padding:24px 28px 48px}\n"
    "h1{font-size:24px;margin:0 0 2px;word-break:break-all}h2{font-size:16px;margin:0 0 6px}\n"
    ".sub{color:#5b6876;margin:0}\n"
    ".card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:16px 18px;margin:16px 0}\n"
    ".charts{display:grid;grid-template-columns:repeat(2,1fr);gap:0 16px}.chartcard{margin:8px 0}\n"
    ".note{color:#5b6876;font-size:13px}.warn{background:#fff4e5;border:1px solid #f5c27a;border-radius:6px;"
    "padding:8px 12px}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg text{font-family:inherit}.tick{font-size:11px;fill:#5b6876}.axis{font-size:12px;fill:#1c2530;"
    "font-weight:600}\n"
    ".grid{stroke:#e6eaef;stroke-width:1}.axisline{stroke:#8895a2;stroke-width:1}.series{stroke-width:2}\n"
    "p.legend{margin:4px 0 0;font-size:12px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;"
    "margin:0 4px 0 10px;vertical-align:-1px}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}\n"
    "th{text-align:left;color:#3d4a57;border-bottom:2px solid #dde3ea;padding:5px 8px;position:sticky;top:0;"
    "background:#fff}\n"
    "td{border-bottom:1px solid #eef1f4;padding:4px 8px;word-break:break-word}.n{text-align:right;white-space:nowrap}\n"
    "tr.failed td{background:#fdecee}\n"
    "footer{color:#7a8794;font-size:12px;margin-top:24px}\n"
    "@media print{body{background:#fff}.card{break-inside:avoid}}\n";

static int html(const struct pr_sweep *s, FILE *f)
{
    const char *path = s->model->path ? s->model->path : "";
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"priori " PRIORI_VERSION "\">\n<title>priori sweep: ", f);
    pr_html_text(f, path, 200);
    fprintf(f, "</title>\n<style>\n%s</style></head>\n<body><main>\n<header><h1>", html_style);
    pr_html_text(f, path, 200);
    fprintf(f, "</h1><p class=\"sub\">priori %s · sweep of ", PRIORI_VERSION);
    what(f, s, true);
    fputs("</p>", f);
    if (s->profile) {
        char desc[320];
        fputs("<p class=\"sub\" id=\"energy\">", f);
        pr_html_text(f, describe(s, desc, sizeof desc), 300);
        fprintf(f, "; CO2e at %.0f g/kWh, PUE %g; %s</p>", s->g_per_kwh, s->pue,
                s->roofline ? "latency and energy per call of the whole batch" : "latency and energy per inference");
    }
    fputs("</header>\n", f);
    if (s->nfailed)
        fprintf(f, "<p class=\"warn\">The analysis fails at %d of the %d points: they have no values (the table says "
                "why) and the lines skip them.</p>\n", s->nfailed, s->npoints);
    double *buf = malloc(((size_t)s->axes[0].n + 1) * 2 * sizeof *buf);
    if (!buf)
        return -1;
    fputs("<div class=\"charts\">\n", f);
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            chart(f, s, m, buf);
    fputs("</div>\n", f);
    free(buf);
    fputs("<section class=\"card\" id=\"table\"><h2>Every point</h2><table class=\"points\"><thead><tr>", f);
    for (int k = 0; k < s->naxes; k++) {
        fputs("<th class=\"n\">", f);
        pr_html_text(f, s->axes[k].symbol, 80);
        fputs("</th>", f);
    }
    for (int m = 0; m < NMETRICS; m++)
        if (shown(s, m))
            fprintf(f, "<th class=\"n\">%s</th>", metrics[m].title);
    fputs(s->roofline ? "<th>regime</th><th>status</th></tr></thead><tbody>\n" : "<th>status</th></tr></thead><tbody>\n",
          f);
    for (int i = 0; i < s->npoints; i++) {
        const struct pr_sweep_point *p = &s->points[i];
        fprintf(f, "<tr%s>", p->status == PR_SWEEP_FAILED ? " class=\"failed\"" : "");
        for (int k = 0; k < s->naxes; k++)
            fprintf(f, "<td class=\"n\">%lld</td>", (long long)p->at[k]);
        for (int m = 0; m < NMETRICS; m++) {
            uint64_t u;
            double d;
            char b[32];
            if (!shown(s, m))
                continue;
            if (!value(p, m, &u, &d))
                fputs("<td class=\"n\">-</td>", f);
            else if (metrics[m].energy)
                fprintf(f, "<td class=\"n\" title=\"%.9g\">%s</td>", d, human(m, d, u, b, sizeof b));
            else
                fprintf(f, "<td class=\"n\" title=\"%llu\">%s</td>", (unsigned long long)u, human(m, d, u, b, sizeof b));
        }
        if (s->roofline)
            fprintf(f, "<td>%s</td>", regime(p));
        fprintf(f, "<td>%s", pr_sweep_status_name[p->status]);
        if (p->error) {
            fputs("<br><small>", f);
            pr_html_text(f, p->error, 400);
            fputs("</small>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
    if (s->diag.count) {
        fputs("<section class=\"card\" id=\"warnings\"><h2>Warnings</h2><ul>\n", f);
        for (size_t i = 0; i < s->diag.count; i++) {
            fputs("<li>", f);
            pr_html_text(f, s->diag.msgs[i], 1000);
            fputs("</li>\n", f);
        }
        if (s->diag.dropped)
            fprintf(f, "<li>... and %zu more</li>\n", s->diag.dropped);
        fputs("</ul></section>\n", f);
    }
    fprintf(f, "<footer>Made by priori %s, a static analyzer: the model was loaded once and analysed at each point; "
            "no layer was run.</footer>\n</main></body></html>\n", PRIORI_VERSION);
    return ferror(f) ? -1 : 0;
}

int pr_report_sweep(const struct pr_sweep *s, enum pr_format format, FILE *f)
{
    switch (format) {
    case PR_FORMAT_JSON: return json(s, f);
    case PR_FORMAT_CSV: return csv(s, f);
    case PR_FORMAT_MD: return markdown(s, f);
    case PR_FORMAT_HTML: return html(s, f);
    default: return table(s, f);
    }
}
