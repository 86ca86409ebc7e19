/* report_md.c -- the Markdown report (`analyze --format md`), made to be
 * pasted into a pull-request comment: a header, the totals, the breakdown
 * by operator type, the heaviest layers, and every layer in a collapsed
 * <details> block (GitHub renders it closed). With an energy estimate
 * (--hw): an energy section (latency, J and CO2e per inference with the
 * profile's uncertainty, per million inferences, the ML CO2 Impact and Green
 * Algorithms figures beside) and per-layer time and energy columns. Numbers are human-scaled;
 * JSON and CSV carry the exact integers.
 *
 * Model text is hostile: pr_md_text() cleans it (valid UTF-8, no control
 * characters) and escapes what Markdown or the HTML it may carry would
 * interpret: \ ` * _ [ ] | # ~ ! as backslash escapes, < > & as entities.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "energy.h"

void pr_md_text(FILE *f, const char *s, size_t max)
{
    char *clean = pr_text_clean(s, max);
    for (const char *p = clean ? clean : "?"; *p; p++) {
        if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else {
            if (strchr("\\`*_[]|#~!", *p))
                fputc('\\', f);
            fputc(*p, f);
        }
    }
    free(clean);
}

static void pct(FILE *f, uint64_t part, uint64_t total)
{
    if (total)
        fprintf(f, "%.1f%%", 100.0 * (double)part / (double)total);
    else
        fputs("-", f);
}

static void values_line(FILE *f, const char *head, const struct pr_graph *g, const int *idx, int n)
{
    fprintf(f, "**%s:**", head);
    for (int i = 0, k = 0; i < n; i++) {
        if (idx[i] < 0)
            continue;
        const struct pr_value *v = &g->values[idx[i]];
        char s[256];
        fputs(k++ ? ", " : " ", f);
        pr_md_text(f, v->name, 60);
        fprintf(f, " %s %s", pr_dtype_name(v->t.dtype), pr_shape_str(&v->t.shape, s, sizeof s));
    }
    fputs("  \n", f);
}

static void totals(FILE *f, const struct pr_analysis *a)
{
    const struct pr_totals *t = &a->totals;
    char b1[32], b2[32];
    fputs("| total | value |\n|---|---:|\n", f);
    fprintf(f, "| nodes | %llu |\n", (unsigned long long)t->nodes);
    fprintf(f, "| params | %s |\n", pr_human_count(t->params, b1, sizeof b1));
    fprintf(f, "| weights | %s |\n", pr_human_bytes(t->weight_bytes, b1, sizeof b1));
    fprintf(f, "| MACs | %s |\n", pr_human_count(t->macs, b1, sizeof b1));
    fprintf(f, "| FLOPs | %s |\n", pr_human_count(t->flops, b1, sizeof b1));
    fprintf(f, "| activations written | %s |\n", pr_human_bytes(t->activation_bytes, b1, sizeof b1));
    fprintf(f, "| peak live memory | %s ", pr_human_bytes(t->peak_activation_bytes, b1, sizeof b1));
    if (t->peak_layer >= 0) {
        fprintf(f, "(after layer %d ", t->peak_layer);
        pr_md_text(f, a->model->graph.nodes[a->layers[t->peak_layer].node].name, 60);
        fputs(") |\n", f);
    } else {
        fputs("(the inputs) |\n", f);
    }
    fprintf(f, "| memory traffic | %s read, %s written |\n", pr_human_bytes(t->bytes_read, b1, sizeof b1),
            pr_human_bytes(t->bytes_written, b2, sizeof b2));
    if (t->incomplete)
        fputs("\n> Some layers are unsupported or have unknown shapes: these totals are lower bounds.\n", f);
}

static void by_op(FILE *f, const struct pr_analysis *a)
{
    fputs("\n#### By operator type\n\n| op | count | MACs | share | FLOPs | share | params | share |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|\n", f);
    for (int i = 0; i < a->nby_op; i++) {
        const struct pr_op_total *t = &a->by_op[i];
        char b[32];
        fputs("| ", f);
        if (*t->domain) {
            pr_md_text(f, t->domain, 60);
            fputc('.', f);
        }
        pr_md_text(f, t->op_type, 60);
        fprintf(f, " | %d | %s | ", t->count, pr_human_count(t->macs, b, sizeof b));
        pct(f, t->macs, a->totals.macs);
        fprintf(f, " | %s | ", pr_human_count(t->flops, b, sizeof b));
        pct(f, t->flops, a->totals.flops);
        fprintf(f, " | %s | ", pr_human_count(t->params, b, sizeof b));
        pct(f, t->params, a->totals.params);
        fputs(" |\n", f);
    }
}

static void top(FILE *f, const struct pr_analysis *a)
{
    if (!a->ntop)
        return;
    const struct pr_graph *g = &a->model->graph;
    fprintf(f, "\n#### Heaviest %d layers\n\n| # | name | op | MACs | share | FLOPs |\n"
            "|---:|---|---|---:|---:|---:|\n", a->ntop);
    for (int i = 0; i < a->ntop; i++) {
        const struct pr_layer *L = &a->layers[a->top[i]];
        const struct pr_node *n = &g->nodes[L->node];
        char b[32];
        fprintf(f, "| %d | ", a->top[i]);
        pr_md_text(f, n->name, 60);
        fputs(" | ", f);
        pr_md_text(f, n->op_type, 40);
        fprintf(f, " | %s | ", pr_human_count(L->macs, b, sizeof b));
        pct(f, L->macs, a->totals.macs);
        fprintf(f, " | %s |\n", pr_human_count(L->flops, b, sizeof b));
    }
}

static void energy(FILE *f, const struct pr_estimate *e)
{
    char b1[32], b2[32];
    double u = e->uncertainty_pct;
    static const char *const lead[3] = {"\n#### Energy on ", "\n\nProfile ", "; "};
    pr_profile_words(f, e, pr_md_text, lead);
    fputs(".\n", f);
    if (e->method == PR_METHOD_SPEC)
        fputs("\n> Spec-only profile: no measurement of this hardware; a roofline with assumed efficiencies and "
              "TDP × time, good to a factor of two.\n", f);
    fputs("\n| estimate | per inference | per million inferences |\n|---|---:|---:|\n", f);
    fprintf(f, "| latency | %s ± %.0f%% | |\n", pr_human_si(e->latency_s, "s", b1, sizeof b1), u);
    fprintf(f, "| energy | %s ± %.0f%% | %s |\n", pr_human_si(e->energy_j, "J", b1, sizeof b1), u,
            pr_human_si(e->wh_per_million, "Wh", b2, sizeof b2));
    fprintf(f, "| CO2e | %s ± %.0f%% | %s |\n", pr_human_si(e->co2e_g, "g", b1, sizeof b1), u,
            pr_human_si(e->co2e_g_per_million, "g", b2, sizeof b2));
    if (e->mlco2_j >= 0) {
        fprintf(f, "| *ML CO2 Impact (TDP × time)* | %s | %s CO2e |\n", pr_human_si(e->mlco2_j, "J", b1, sizeof b1),
                pr_human_si(e->mlco2_co2e_g * 1e6, "g", b2, sizeof b2));
        fprintf(f, "| *Green Algorithms* | %s | %s CO2e |\n", pr_human_si(e->ga_j, "J", b1, sizeof b1),
                pr_human_si(e->ga_co2e_g * 1e6, "g", b2, sizeof b2));
    }
    fprintf(f, "\nCO2e at %.4g g/kWh (", e->g_per_kwh);
    pr_md_text(f, e->carbon_source ? e->carbon_source : "-", 120);
    fprintf(f, "), PUE %.3g", e->pue);
    if (e->inferences != 1000000)
        fprintf(f, "; %llu inferences: %s, %s CO2e", (unsigned long long)e->inferences,
                pr_human_si(e->total_wh, "Wh", b1, sizeof b1), pr_human_si(e->total_co2e_g, "g", b2, sizeof b2));
    fputs(".\n", f);
}

static void layers(FILE *f, const struct pr_analysis *a, const struct pr_estimate *e)
{
    const struct pr_graph *g = &a->model->graph;
    fprintf(f, "\n<details><summary>All %d layers</summary>\n\n"
            "| # | name | op | output | params | MACs | FLOPs | act. mem |%s status |\n"
            "|---:|---|---|---|---:|---:|---:|---:|%s---|\n", a->nlayers, e ? " time | energy |" : "",
            e ? "---:|---:|" : "");
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        const struct pr_node *n = &g->nodes[L->node];
        char shapes[512], b1[32], b2[32], b3[32], b4[32];
        fprintf(f, "| %d | ", p);
        pr_md_text(f, n->name, 60);
        fputs(" | ", f);
        pr_md_text(f, n->op_type, 40);
        fputs(" | ", f);
        pr_md_text(f, pr_layer_shapes(a, L, shapes, sizeof shapes), 60);
        fprintf(f, " | %s | %s | %s | %s |", pr_human_count(L->params, b1, sizeof b1),
                pr_human_count(L->macs, b2, sizeof b2), pr_human_count(L->flops, b3, sizeof b3),
                pr_human_bytes(L->activation_bytes, b4, sizeof b4));
        if (e)
            fprintf(f, " %s | %s |", pr_human_si(e->layers[p].time_s, "s", b1, sizeof b1),
                    pr_human_si(e->layers[p].energy_j, "J", b2, sizeof b2));
        fprintf(f, " %s", L->status == PR_LAYER_OK ? "" : pr_layer_status_name(L->status));
        if (L->why) {   /* why it is incomplete or not counted */
            fputs(L->status == PR_LAYER_OK ? "" : ": ", f);
            pr_md_text(f, L->why, 300);
        }
        fputs(" |\n", f);
    }
    fputs("\n</details>\n", f);
}

int pr_report_md(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    const struct pr_model *m = a->model;
    const struct pr_graph *g = &m->graph;
    fputs("### priori: ", f);
    pr_md_text(f, m->path ? m->path : "", 200);
    fprintf(f, "\n\npriori %s · ", PRIORI_VERSION);
    if (m->producer && *m->producer) {
        pr_md_text(f, m->producer, 80);
        fputs(" · ", f);
    }
    fprintf(f, "IR %lld · opset %lld  \n", (long long)m->ir_version, (long long)pr_model_opset(m, ""));
    values_line(f, "inputs", g, g->inputs, g->ninputs);
    values_line(f, "outputs", g, g->outputs, g->noutputs);
    fputc('\n', f);
    totals(f, a);
    if (e)
        energy(f, e);
    by_op(f, a);
    top(f, a);
    if (a->nunsupported) {
        fputs("\n#### Unsupported operators (counted as zero cost)\n\n", f);
        for (int i = 0; i < a->nunsupported; i++) {
            const struct pr_unsupported *u = &a->unsupported[i];
            fputs("- ", f);
            if (*u->domain) {
                pr_md_text(f, u->domain, 60);
                fputc('.', f);
            }
            pr_md_text(f, u->op_type, 60);
            fprintf(f, ": %d node%s\n", u->count, u->count == 1 ? "" : "s");
        }
    }
    layers(f, a, e);
    if (a->diag.count) {
        fputs("\n#### Warnings\n\n", f);
        for (size_t i = 0; i < a->diag.count; i++) {
            fputs("- ", f);
            pr_md_text(f, a->diag.msgs[i], 1000);
            fputc('\n', f);
        }
        if (a->diag.dropped)
            fprintf(f, "- ... and %zu more\n", a->diag.dropped);
    }
    return ferror(f) ? -1 : 0;
}
