/* report_table.c -- the human-readable report.
 *
 * Header (model, inputs, outputs), the per-layer table in execution order,
 * totals, the per-operator-type breakdown with shares, the top-N layers,
 * unsupported operators and warnings. Numbers are human-scaled (4.09 G,
 * 25.6 M, 97.9 MiB); the JSON and CSV reports carry the exact integers.
 * Column widths are measured over the rows so that columns align.
 */
#include "report.h"
#include "energy.h"
#include "roofline.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_SHOWN = 40, SHAPE_MAX_SHOWN = 32 };

static void put_value_line(FILE *f, const char *head, const struct pr_graph *g, const int *idx, int n)
{
    for (int i = 0; i < n; i++) {
        if (idx[i] < 0)
            continue;
        const struct pr_value *v = &g->values[idx[i]];
        char s[256], *name = pr_text_clean(v->name, NAME_MAX_SHOWN);
        fprintf(f, "%-9s %s  %s  %s\n", i ? "" : head, name ? name : "?", pr_dtype_name(v->t.dtype),
                pr_shape_str(&v->t.shape, s, sizeof s));
        free(name);
    }
}

static const char *pct(uint64_t part, uint64_t total, char *buf, size_t size)
{
    if (!total)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", 100.0 * (double)part / (double)total);
    return buf;
}

/* 12.3 ms / 4.56 mJ: three significant digits, SI prefix. */
static const char *si(double v, const char *unit, char *buf, size_t size)
{
    static const char *pre[] = {"p", "n", "u", "m", "", "k", "M", "G"};
    int k = 4;
    double a = v < 0 ? -v : v;
    while (a != 0 && a < 1 && k > 0)
        a *= 1000, k--;
    while (a >= 1000 && k < 7)
        a /= 1000, k++;
    snprintf(buf, size, "%.3g %s%s", v < 0 ? -a : a, pre[k], unit);
    return buf;
}

/* A row is assembled in a buffer and written once: printf's format parsing
 * was a third of a 100,000-layer report. put() appends s left-aligned in w
 * columns ("%-*s"), put_r() right-aligned ("%*s"); neither truncates. */
struct line { char *p, *end; };

static void put(struct line *l, const char *s, int w)
{
    size_t n = strlen(s);
    if (n > (size_t)(l->end - l->p))
        n = (size_t)(l->end - l->p);
    memcpy(l->p, s, n);
    l->p += n;
    for (int k = (int)n; k < w && l->p < l->end; k++)
        *l->p++ = ' ';
}

static void put_r(struct line *l, const char *s, int w)
{
    for (int k = (int)strlen(s); k < w && l->p < l->end; k++)
        *l->p++ = ' ';
    put(l, s, 0);
}

/* s cleaned for printing: s itself when plain (no copy; *owned NULL), else
 * a cleaned copy that *owned holds for the caller to free; NULL on OOM. */
static const char *shown(const char *s, size_t max, char **owned)
{
    *owned = pr_text_is_plain(s, max) ? NULL : pr_text_clean(s, max);
    return *owned ? *owned : pr_text_is_plain(s, max) ? s : NULL;
}

static void layers_table(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    const struct pr_graph *g = &a->model->graph;
    int wname = 4, wop = 2, wshape = 6;
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_node *n = &g->nodes[a->layers[p].node];
        char shapes[512];
        const struct pr_layer *L = &a->layers[p];
        int ln = (int)strlen(n->name) + (L->depth ? (L->depth < 8 ? 2 * L->depth : 16) + (int)strlen(pr_layer_graph(a, L)) + 2 : 0);
        int lo = (int)strlen(n->op_type);
        int ls = (int)strlen(pr_layer_shapes(a, &a->layers[p], shapes, sizeof shapes));
        if (ln > wname) wname = ln;
        if (lo > wop) wop = lo;
        if (ls > wshape) wshape = ls;
    }
    if (wname > NAME_MAX_SHOWN + 40) wname = NAME_MAX_SHOWN + 40;
    if (wop > 24) wop = 24;
    if (wshape > SHAPE_MAX_SHOWN + 3) wshape = SHAPE_MAX_SHOWN + 3;
    fprintf(f, "%5s  %-*s  %-*s  %-*s  %8s  %8s  %8s  %10s  ", "#", wname, "name", wop, "op", wshape,
            "output", "params", "MACs", "FLOPs", "act. mem");
    if (e)
        fprintf(f, "%9s  %9s  ", "time", "energy");
    if (e && e->roofline)
        fprintf(f, "%-8s  ", "regime");
    fprintf(f, "note\n");
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        const struct pr_node *n = &g->nodes[L->node];
        char shapes[512], b1[32], b2[32], b3[32], b4[32], note[96] = "", label[NAME_MAX_SHOWN + 160];
        char *name_owned, *op_owned, *shape_owned;
        const char *name = shown(n->name, NAME_MAX_SHOWN, &name_owned), *op = shown(n->op_type, 21, &op_owned);
        /* a subgraph's rows: indented under their parent, named by the branch/body */
        int indent = L->depth < 8 ? 2 * L->depth : 16;
        if (L->depth)
            snprintf(label, sizeof label, "%*s%s%s%s", indent, "", pr_layer_graph(a, L), ": ", name ? name : "?");
        bool not_taken = L->status == PR_LAYER_OK && !L->counted && L->why;   /* a branch not taken */
        if (L->status != PR_LAYER_OK || L->depth)
            snprintf(note, sizeof note, "%s%s%s", L->status == PR_LAYER_OK ? "" : pr_layer_status_name(L->status),
                     L->depth && !L->counted ? (L->status == PR_LAYER_OK ? (not_taken ? "not taken" : "not counted")
                                                                        : ", not counted") : "", "");
        if (L->depth && L->counted && L->multiplier != 1) {
            size_t used = strlen(note);
            snprintf(note + used, sizeof note - used, "%sx%llu", used ? ", " : "", (unsigned long long)L->multiplier);
        }
        const char *shape = shown(pr_layer_shapes(a, L, shapes, sizeof shapes), SHAPE_MAX_SHOWN, &shape_owned);
        /* "%5d  %-*s  %-*s  %-*s  %8s  %8s  %8s  %10s  " */
        char row[1024], num[16];
        struct line l = {row, row + sizeof row};
        snprintf(num, sizeof num, "%d", p);
        put_r(&l, num, 5);
        put(&l, "  ", 0);
        put(&l, L->depth ? label : name ? name : "?", wname);
        put(&l, "  ", 0);
        put(&l, op ? op : "?", wop);
        put(&l, "  ", 0);
        put(&l, shape ? shape : "?", wshape);
        put(&l, "  ", 0);
        put_r(&l, pr_human_count(L->params, b1, sizeof b1), 8);
        put(&l, "  ", 0);
        put_r(&l, pr_human_count(L->macs, b2, sizeof b2), 8);
        put(&l, "  ", 0);
        put_r(&l, pr_human_count(L->flops, b3, sizeof b3), 8);
        put(&l, "  ", 0);
        put_r(&l, pr_human_bytes(L->activation_bytes, b4, sizeof b4), 10);
        put(&l, "  ", 0);
        fwrite(row, 1, (size_t)(l.p - row), f);
        if (e) {
            char t1[32], t2[32];
            fprintf(f, "%9s  %9s  ", si(e->layers[p].time_s, "s", t1, sizeof t1),
                    si(e->layers[p].energy_j, "J", t2, sizeof t2));
            if (e->roofline)
                fprintf(f, "%-8s  ", pr_regime_name[e->layers[p].regime]);
        }
        fprintf(f, "%s\n", note);
        free(name_owned);
        free(op_owned);
        free(shape_owned);
    }
}

/* Why each incomplete layer is incomplete (the note column's status). */
static void why_block(FILE *f, const struct pr_analysis *a)
{
    bool any = false;
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        if (L->status == PR_LAYER_OK || !L->why)
            continue;
        if (!any)
            fprintf(f, "\nwhy layers are incomplete\n");
        any = true;
        char *why = pr_text_clean(L->why, 400);
        fprintf(f, "  %5d  %s\n", p, why ? why : "?");
        free(why);
    }
}

static void totals_block(FILE *f, const struct pr_analysis *a)
{
    const struct pr_totals *t = &a->totals;
    const struct pr_graph *g = &a->model->graph;
    char b1[32], b2[32], b3[32];
    fprintf(f, "\ntotals%s\n", t->incomplete ? " (some layers are incomplete: see the notes and warnings)" : "");
    fprintf(f, "  nodes                %llu\n", (unsigned long long)t->nodes);
    fprintf(f, "  params               %-10s (%s of weights)\n", pr_human_count(t->params, b1, sizeof b1),
            pr_human_bytes(t->weight_bytes, b2, sizeof b2));
    fprintf(f, "  MACs                 %s\n", pr_human_count(t->macs, b1, sizeof b1));
    fprintf(f, "  FLOPs                %s\n", pr_human_count(t->flops, b1, sizeof b1));
    fprintf(f, "  activations          %s written in total\n", pr_human_bytes(t->activation_bytes, b1, sizeof b1));
    if (t->peak_layer >= 0) {
        char *name = pr_text_clean(g->nodes[a->layers[t->peak_layer].node].name, NAME_MAX_SHOWN);
        fprintf(f, "  peak live memory     %s (after layer %d '%s')\n",
                pr_human_bytes(t->peak_activation_bytes, b1, sizeof b1), t->peak_layer, name ? name : "?");
        free(name);
    } else {
        fprintf(f, "  peak live memory     %s (the inputs)\n", pr_human_bytes(t->peak_activation_bytes, b1, sizeof b1));
    }
    fprintf(f, "  memory traffic       %s read, %s written\n", pr_human_bytes(t->bytes_read, b2, sizeof b2),
            pr_human_bytes(t->bytes_written, b3, sizeof b3));
}

static void by_op_block(FILE *f, const struct pr_analysis *a)
{
    fprintf(f, "\nby operator type\n");
    fprintf(f, "  %-24s %6s  %8s %6s  %8s %6s  %8s %6s\n", "op", "count", "MACs", "share", "FLOPs", "share",
            "params", "share");
    for (int i = 0; i < a->nby_op; i++) {
        const struct pr_op_total *t = &a->by_op[i];
        char b1[32], b2[32], b3[32], s1[16], s2[16], s3[16], label[160];
        snprintf(label, sizeof label, "%s%s%s", t->domain, *t->domain ? "." : "", t->op_type);
        char *clean = pr_text_clean(label, 24);
        fprintf(f, "  %-24s %6d  %8s %6s  %8s %6s  %8s %6s\n", clean ? clean : "?", t->count,
                pr_human_count(t->macs, b1, sizeof b1), pct(t->macs, a->totals.macs, s1, sizeof s1),
                pr_human_count(t->flops, b2, sizeof b2), pct(t->flops, a->totals.flops, s2, sizeof s2),
                pr_human_count(t->params, b3, sizeof b3), pct(t->params, a->totals.params, s3, sizeof s3));
        free(clean);
    }
}

static void top_block(FILE *f, const struct pr_analysis *a)
{
    if (!a->ntop)
        return;
    const struct pr_graph *g = &a->model->graph;
    int wname = 4;
    for (int i = 0; i < a->ntop; i++) {
        int len = (int)strlen(g->nodes[a->layers[a->top[i]].node].name);
        wname = len > wname ? len : wname;
    }
    wname = wname > NAME_MAX_SHOWN + 3 ? NAME_MAX_SHOWN + 3 : wname;
    fprintf(f, "\nheaviest %d layers (by MACs, then FLOPs)\n", a->ntop);
    for (int i = 0; i < a->ntop; i++) {
        const struct pr_layer *L = &a->layers[a->top[i]];
        const struct pr_node *n = &g->nodes[L->node];
        char b1[32], b2[32], s1[16];
        char *name = pr_text_clean(n->name, NAME_MAX_SHOWN), *op = pr_text_clean(n->op_type, 24);
        fprintf(f, "  %5d  %-*s  %-18s %8s MACs %6s  %8s FLOPs\n", a->top[i], wname, name ? name : "?",
                op ? op : "?", pr_human_count(L->macs, b1, sizeof b1), pct(L->macs, a->totals.macs, s1, sizeof s1),
                pr_human_count(L->flops, b2, sizeof b2));
        free(name);
        free(op);
    }
}

static void unsupported_block(FILE *f, const struct pr_analysis *a)
{
    if (!a->nunsupported)
        return;
    const struct pr_graph *g = &a->model->graph;
    fprintf(f, "\nunsupported operators (counted as zero cost)\n");
    for (int i = 0; i < a->nunsupported; i++) {
        const struct pr_unsupported *u = &a->unsupported[i];
        char label[160];
        snprintf(label, sizeof label, "%s%s%s", u->domain, *u->domain ? "." : "", u->op_type);
        char *clean = pr_text_clean(label, 40);
        fprintf(f, "  %-24s %d node%s:", clean ? clean : "?", u->count, u->count == 1 ? "" : "s");
        free(clean);
        for (int k = 0; k < u->count && k < 8; k++) {
            char *name = pr_text_clean(g->nodes[a->layers[u->layers[k]].node].name, NAME_MAX_SHOWN);
            fprintf(f, " %s%s", name && *name ? name : "(unnamed)", k + 1 < u->count && k < 7 ? "," : "");
            free(name);
        }
        fprintf(f, "%s\n", u->count > 8 ? " ..." : "");
    }
}

/* The energy section: totals with uncertainty, baselines beside. */
static void energy_block(FILE *f, const struct pr_estimate *e)
{
    const struct pr_profile *p = e->profile;
    char b1[32], b2[32], b3[32], b4[32];
    fprintf(f, "\nenergy on %s (%s; %s, %s, %s boundary)\n", p->id, p->hardware, p->runtime, p->precision,
            p->boundary);
    fprintf(f, "  method               %s", pr_method_name[e->method]);
    if (e->method == PR_METHOD_FITTED)
        fprintf(f, " on %d measured models: typical error %.1f%% (leave-one-out median), 90%% within %.1f%%\n",
                p->valid.models, e->uncertainty_pct, e->uncertainty_p90_pct);
    else if (e->method == PR_METHOD_ANCHOR)
        fprintf(f, ": %d measured model%s scaled by MACs; uncertainty about %.0f%% (E ~ MACs, validated)\n",
                p->valid.models, p->valid.models == 1 ? "" : "s", e->uncertainty_pct);
    else
        fprintf(f, ": roofline and TDP from spec values, no measurement; uncertainty a factor of 2\n");
    if (e->roofline) {   /* GPU profiles: per call, per sample, training run (report_roof.c) */
        pr_report_roof_lines(f, e);
    } else {
        fprintf(f, "  latency              %s +- %.0f%%\n", si(e->latency_s, "s", b1, sizeof b1), e->uncertainty_pct);
        fprintf(f, "  energy               %s per inference +- %.0f%%", si(e->energy_j, "J", b1, sizeof b1),
                e->uncertainty_pct);
        if (e->fixed_energy_j > 0)
            fprintf(f, " (%s fixed per inference)", si(e->fixed_energy_j, "J", b2, sizeof b2));
        fputc('\n', f);
    }
    fprintf(f, "  per million          %s, %s CO2e\n", si(e->wh_per_million, "Wh", b1, sizeof b1),
            si(e->co2e_g_per_million, "g", b2, sizeof b2));
    if (e->inferences != 1000000) {   /* --inferences N: the total for N as well */
        char label[40];
        snprintf(label, sizeof label, "%llu inferences", (unsigned long long)e->inferences);
        fprintf(f, "  %-20s %s, %s CO2e\n", label, si(e->total_wh, "Wh", b1, sizeof b1),
                si(e->total_co2e_g, "g", b2, sizeof b2));
    }
    fprintf(f, "  carbon               %.4g g CO2e/kWh (%s), PUE %.3g\n", e->g_per_kwh,
            e->carbon_source ? e->carbon_source : "-", e->pue);
    if (e->mlco2_j >= 0)
        fprintf(f, "  beside: ML CO2 Impact (TDP x time) %s, Green Algorithms %s per %s;\n"
                   "          per million: %s and %s CO2e\n", si(e->mlco2_j, "J", b1, sizeof b1),
                si(e->ga_j, "J", b2, sizeof b2), e->roofline ? "sample" : "inference",
                si(e->mlco2_co2e_g * 1e6, "g", b3, sizeof b3),
                si(e->ga_co2e_g * 1e6, "g", b4, sizeof b4));
    else
        fprintf(f, "  beside: ML CO2 Impact and Green Algorithms need the TDP, which this profile lacks\n");
}

int pr_report_table(const struct pr_analysis *a, FILE *f)
{
    return pr_report_table_energy(a, NULL, f);
}

int pr_report_table_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    const struct pr_model *m = a->model;
    const struct pr_graph *g = &m->graph;
    char *path = pr_text_clean(m->path ? m->path : "", 200), *prod = pr_text_clean(m->producer, 80);
    fprintf(f, "priori %s  %s", PRIORI_VERSION, path ? path : "?");
    fprintf(f, "  (%s%sIR %lld, opset %lld)\n", prod && *prod ? prod : "", prod && *prod ? ", " : "",
            (long long)m->ir_version, (long long)pr_model_opset(m, ""));
    free(path);
    free(prod);
    put_value_line(f, "inputs:", g, g->inputs, g->ninputs);
    put_value_line(f, "outputs:", g, g->outputs, g->noutputs);
    fputc('\n', f);
    layers_table(f, a, e);
    why_block(f, a);
    totals_block(f, a);
    if (e)
        energy_block(f, e);
    by_op_block(f, a);
    top_block(f, a);
    unsupported_block(f, a);
    if (a->diag.count) {
        fprintf(f, "\nwarnings\n");
        for (size_t i = 0; i < a->diag.count; i++) {
            char *w = pr_text_clean(a->diag.msgs[i], 1000);
            fprintf(f, "  - %s\n", w ? w : "?");
            free(w);
        }
        if (a->diag.dropped)
            fprintf(f, "  - ... and %zu more\n", a->diag.dropped);
    }
    return ferror(f) ? -1 : 0;
}
