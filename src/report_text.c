/* report_text.c -- text helpers shared by the renderers (see report.h). */
#include "report.h"

#include "energy.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const pr_format_names[] = {
    [PR_FORMAT_TABLE] = "table", [PR_FORMAT_JSON] = "json", [PR_FORMAT_CSV] = "csv",
    [PR_FORMAT_MD] = "md", [PR_FORMAT_HTML] = "html", [PR_FORMAT_GITHUB] = "github",
};

/* v below base as an integer with suffix[0], else scaled by base until
 * below base (rounding included) with 3 significant digits and its suffix. */
static const char *human(uint64_t v, double base, const char *const suffix[7], char *buf, size_t size)
{
    if ((double)v < base) {
        snprintf(buf, size, "%llu%s", (unsigned long long)v, suffix[0]);
        return buf;
    }
    double x = (double)v;
    int i = 0;
    while (x >= base - 0.5 && i < 6) {
        x /= base;
        i++;
    }
    snprintf(buf, size, x >= 99.95 ? "%.0f%s" : x >= 9.995 ? "%.1f%s" : "%.2f%s", x, suffix[i]);
    return buf;
}

const char *pr_human_count(uint64_t v, char *buf, size_t size)
{
    static const char *const suffix[7] = {"", " K", " M", " G", " T", " P", " E"};
    if (v < 1000 && size >= 4) {   /* "%llu" without printf: most rows' counts */
        char *p = buf;
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p = 0;
        return buf;
    }
    return human(v, 1000.0, suffix, buf, size);
}

const char *pr_human_bytes(uint64_t v, char *buf, size_t size)
{
    static const char *const suffix[7] = {" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
    return human(v, 1024.0, suffix, buf, size);
}

void pr_profile_words(FILE *f, const struct pr_estimate *e, void (*text)(FILE *f, const char *s, size_t max),
                      const char *const lead[3])
{
    const struct pr_profile *p = e->profile;
    char d[400];
    fputs(lead[0], f);
    text(f, p->hardware ? p->hardware : p->id, 120);
    fputs(lead[1], f);
    text(f, pr_estimate_describe(e, d, sizeof d), 400);
    fputs(lead[2], f);
    text(f, p->runtime ? p->runtime : "", 80);
    const char *rest[3] = {p->precision, p->scenario, p->boundary};
    for (int i = 0; i < 3; i++) {
        fputs(", ", f);
        text(f, rest[i] ? rest[i] : "", 20);
    }
    fputs(" boundary", f);
}

const char *pr_layer_shapes(const struct pr_analysis *a, const struct pr_layer *L, char *buf, size_t size)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    size_t len = 0;
    buf[0] = 0;
    for (int k = 0; k < n->nout && len + 1 < size; k++) {
        if (n->out[k] < 0)
            continue;
        char s[256];
        pr_shape_str(&g->values[n->out[k]].t.shape, s, sizeof s);
        int w = snprintf(buf + len, size - len, "%s%s", len ? ";" : "", s);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

const char *pr_human_si(double v, const char *unit, char *buf, size_t size)
{
    static const char *const pre[] = {"p", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    int k = 4;
    double a = fabs(v);
    if (a > 0 && isfinite(a)) {
        for (; a >= 999.5 && k < 10; k++)
            a /= 1000, v /= 1000;
        for (; a < 0.9995 && k > 0; k--)
            a *= 1000, v *= 1000;
    }
    snprintf(buf, size, "%.3g%s%s%s", v, *pre[k] || *unit ? " " : "", pre[k], unit);
    return buf;
}

const char *pr_estimate_describe(const struct pr_estimate *e, char *buf, size_t size)
{
    const char *id = e->profile && e->profile->id ? e->profile->id : "?";
    int n;
    if (e->method == PR_METHOD_SPEC)
        n = snprintf(buf, size, "%s (spec-only: roofline and TDP from the data sheet, no measurement; "
                     "uncertainty +-%.0f%%", id, e->uncertainty_pct);
    else if (e->method == PR_METHOD_ANCHOR)
        n = snprintf(buf, size, "%s (anchor: scaled by MACs from too few measurements to fit; uncertainty "
                     "+-%.0f%%", id, e->uncertainty_pct);
    else
        n = snprintf(buf, size, "%s (fitted; typical error +-%.1f%%", id, e->uncertainty_pct);
    if (n >= 0 && (size_t)n < size && e->uncertainty_p90_pct >= 0)
        n += snprintf(buf + n, size - (size_t)n, ", 90%% within +-%.1f%%", e->uncertainty_p90_pct);
    if (n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ")");
    return buf;
}

/* ---- labels shortened in the middle ----
 * Label i keeps its shortest unique suffix u_i (one byte more than the
 * longest suffix it shares with another name: the names sorted by their
 * reversed text put the names sharing the longest suffix next to each
 * other) and, room permitting, its file name; the rest of the room goes
 * to its beginning: head + "..." + tail. A label wider than width is
 * wider because its unique part is. */

/* Bytes the ends of a and b have in common. */
static size_t common_suffix(const char *a, size_t la, const char *b, size_t lb)
{
    size_t k = 0;
    while (k < la && k < lb && a[la - 1 - k] == b[lb - 1 - k])
        k++;
    return k;
}

struct rname {
    const char *s;
    size_t len;
    int index;
};

static int by_reversed(const void *x, const void *y)
{
    const struct rname *a = x, *b = y;
    size_t k = common_suffix(a->s, a->len, b->s, b->len);
    if (k == a->len || k == b->len)
        return (a->len > b->len) - (a->len < b->len);
    return (unsigned char)a->s[a->len - 1 - k] - (unsigned char)b->s[b->len - 1 - k];
}

/* p moved back to the start of its UTF-8 sequence (never past s). */
static const char *char_back(const char *s, const char *p)
{
    while (p > s && (*p & 0xC0) == 0x80)
        p--;
    return p;
}

static char *shorten(const char *s, size_t unique, size_t width)
{
    size_t len = strlen(s);
    const char *base = strrchr(s, '/');
    size_t file = base ? len - (size_t)(base + 1 - s) : len;
    size_t room = width > 3 ? width - 3 : 0, tail = unique > file ? unique : file;
    if (tail > room)
        tail = unique > room ? unique : room;
    const char *t = len <= width || tail >= len ? s : char_back(s, s + len - tail);
    const char *h = t == s ? s : char_back(s, s + (tail < room ? room - tail : 0));
    size_t nh = (size_t)(h - s), nt = strlen(t);
    char *out = malloc(nh + nt + 4);
    if (!out)
        return NULL;
    memcpy(out, s, nh);
    memcpy(out + nh, t == s ? "" : "...", t == s ? 0 : 3);
    memcpy(out + nh + (t == s ? 0 : 3), t, nt + 1);
    return out;
}

char **pr_labels_shorten(const char *const *names, int n, size_t width)
{
    char **out = calloc((size_t)n + 1, sizeof *out);
    struct rname *order = malloc(((size_t)n + 1) * sizeof *order);
    size_t *unique = calloc((size_t)n + 1, sizeof *unique);
    bool ok = out && order && unique;
    for (int i = 0; ok && i < n; i++)
        order[i] = (struct rname){.s = names[i], .len = strlen(names[i]), .index = i};
    if (ok) {
        qsort(order, (size_t)n, sizeof *order, by_reversed);
        for (int k = 0; k < n; k++) {
            const struct rname *r = &order[k];
            size_t shared = 0, c;
            if (k > 0 && (c = common_suffix(r->s, r->len, order[k - 1].s, order[k - 1].len)) > shared)
                shared = c;
            if (k + 1 < n && (c = common_suffix(r->s, r->len, order[k + 1].s, order[k + 1].len)) > shared)
                shared = c;
            unique[r->index] = shared < r->len ? shared + 1 : r->len;
        }
    }
    for (int i = 0; ok && i < n; i++)
        ok = (out[i] = shorten(names[i], unique[i], width)) != NULL;
    free(order);
    free(unique);
    if (!ok && out) {
        pr_labels_free(out, n);
        out = NULL;
    }
    return out;
}

void pr_labels_free(char **labels, int n)
{
    for (int i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}
