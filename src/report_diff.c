/* report_diff.c -- the renderers of `priori diff` (report_review.h): the
 * totals before, after and their change (delta % = (after - before) /
 * before * 100, "-" when before is 0), then the layers that were added,
 * removed, renamed or changed (diff.c matched them), with per-layer deltas
 * of params, MACs, FLOPs and activation bytes; unchanged layers are
 * counted, not listed, unless asked for. With estimates, latency, energy
 * and CO2e per inference join the totals and each listed layer gets its
 * energy delta; a delta smaller than the profile's uncertainty is within
 * the noise of the estimate, and the output says so. Table, Markdown, CSV
 * or JSON (schema "priori.diff/1").
 */
#include "report_review.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

enum { LM_PARAMS, LM_MACS, LM_FLOPS, LM_ACT, LM_COUNT };
static const char *const lm_name[LM_COUNT] = {"params", "macs", "flops", "activation_bytes"};

static uint64_t layer_metric(const struct pr_subject *s, int pos, int m)
{
    if (pos < 0)
        return 0;
    const struct pr_layer *L = &s->an.layers[pos];
    return m == LM_PARAMS ? L->params : m == LM_MACS ? L->macs : m == LM_FLOPS ? L->flops : L->activation_bytes;
}

/* "+1.31 K" / "-512" / "0" for after - before; bytes in binary units. */
static const char *delta_human(uint64_t before, uint64_t after, bool bytes, char *buf, size_t size)
{
    char h[32];
    uint64_t mag = after >= before ? after - before : before - after;
    if (!mag) {
        snprintf(buf, size, "0");
        return buf;
    }
    snprintf(buf, size, "%s%s", after > before ? "+" : "-",
             bytes ? pr_human_bytes(mag, h, sizeof h) : pr_human_count(mag, h, sizeof h));
    return buf;
}

static const char *delta_pct(double before, double after, char *buf, size_t size)
{
    if (before == 0)
        snprintf(buf, size, after == 0 ? "0.0%%" : "-");
    else
        snprintf(buf, size, "%+.1f%%", 100.0 * (after - before) / before);
    return buf;
}

static bool has_energy(const struct pr_diff_view *r)
{
    return r->old->est.profile && r->new_->est.profile;
}

/* Estimate metric m (latency_s, energy_j, co2e) of s. */
static double est_value(const struct pr_subject *s, int m)
{
    double v = 0;
    pr_subject_metric(s, (enum pr_metric)m, &v);
    return v;
}

/* "+1.2 mJ" / "-30 us" / "0" for after - before of estimate metric m. */
static const char *est_delta(int m, double before, double after, char *buf, size_t size)
{
    char h[32];
    if (after == before) {
        snprintf(buf, size, "0");
        return buf;
    }
    snprintf(buf, size, "%s%s", after > before ? "+" : "-",
             pr_metric_human((enum pr_metric)m, fabs(after - before), h, sizeof h));
    return buf;
}

/* Energy of a layer (0 when absent from that side). */
static double layer_energy(const struct pr_subject *s, int pos)
{
    return pos < 0 || !s->est.profile ? 0 : s->est.layers[pos].energy_j;
}

/* The profile and what its uncertainty means for the deltas. */
static void energy_note(FILE *f, const struct pr_diff_view *r, bool md)
{
    char d[400];
    pr_estimate_describe(&r->new_->est, d, sizeof d);
    fputs(md ? "\nEnergy on " : "\nenergy on ", f);
    if (md)
        pr_md_text(f, d, 400);
    else
        fputs(d, f);
    fputs(md ? ". " : ";\n", f);
    fprintf(f, "%s change smaller than that (+-%.0f%% of each value) is within the estimate's typical error%s\n",
            md ? "A" : "  a", r->new_->est.uncertainty_pct, md ? "." : "");
}

static bool listed(const struct pr_diff_view *r, const struct pr_layer_pair *p)
{
    return r->all || p->change != PR_CHANGE_SAME;
}

static const char *pos_name(const struct pr_subject *s, int pos)
{
    return pos < 0 ? "" : s->model.graph.nodes[s->an.layers[pos].node].name;
}

static const char *pos_op(const struct pr_diff_view *r, const struct pr_layer_pair *p)
{
    const struct pr_subject *s = p->new_pos >= 0 ? r->new_ : r->old;
    int pos = p->new_pos >= 0 ? p->new_pos : p->old_pos;
    return s->model.graph.nodes[s->an.layers[pos].node].op_type;
}

static const char *pos_shapes(const struct pr_subject *s, int pos, char *buf, size_t size)
{
    if (pos < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    return pr_layer_shapes(&s->an, &s->an.layers[pos], buf, size);
}

static void summary_line(FILE *f, const struct pr_diff *d)
{
    fprintf(f, "%d changed, %d added, %d removed, %d renamed, %d unchanged", d->count[PR_CHANGE_CHANGED],
            d->count[PR_CHANGE_ADDED], d->count[PR_CHANGE_REMOVED], d->count[PR_CHANGE_RENAMED],
            d->count[PR_CHANGE_SAME]);
}

/* Display width of cleaned UTF-8 text: code points, not bytes. */
static size_t pr_text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The layer, op and output columns of a pair, cleaned (malloc'ed). */
static void pair_columns(const struct pr_diff_view *r, const struct pr_layer_pair *p, char *col[3])
{
    char label[400], sh[700], so[300], sn[300];
    const char *on = pos_name(r->old, p->old_pos), *nn = pos_name(r->new_, p->new_pos);
    if (p->old_pos >= 0 && p->new_pos >= 0 && strcmp(on, nn) != 0)
        snprintf(label, sizeof label, "%.150s -> %.150s", on, nn);
    else
        snprintf(label, sizeof label, "%s", p->new_pos >= 0 ? nn : on);
    pos_shapes(r->old, p->old_pos, so, sizeof so);
    pos_shapes(r->new_, p->new_pos, sn, sizeof sn);
    if (p->old_pos >= 0 && p->new_pos >= 0 && strcmp(so, sn) != 0)
        snprintf(sh, sizeof sh, "%s -> %s", so, sn);
    else
        snprintf(sh, sizeof sh, "%s", p->new_pos >= 0 ? sn : so);
    col[0] = pr_text_clean(label, 70);
    col[1] = pr_text_clean(pos_op(r, p), 24);
    col[2] = pr_text_clean(sh, 60);
}

static int render_table(const struct pr_diff_view *r, FILE *f)
{
    char *po = pr_text_clean(r->old->path, 200), *pn = pr_text_clean(r->new_->path, 200);
    fprintf(f, "priori diff %s -> %s\n\n", po ? po : "?", pn ? pn : "?");
    free(po);
    free(pn);
    fprintf(f, "totals                 %12s  %12s  %12s  %8s\n", "before", "after", "delta", "change");
    for (int m = 0; m < PR_M_STATIC_COUNT; m++) {
        uint64_t b = pr_subject_count(r->old, m), a = pr_subject_count(r->new_, m);
        char hb[32], ha[32], hd[32], hp[32];
        bool bytes = m == PR_M_WEIGHT_BYTES || m == PR_M_PEAK_ACT;
        fprintf(f, "  %-20s %12s  %12s  %12s  %8s\n", pr_metric_label(m),
                pr_metric_human(m, (double)b, hb, sizeof hb), pr_metric_human(m, (double)a, ha, sizeof ha),
                delta_human(b, a, bytes, hd, sizeof hd), delta_pct((double)b, (double)a, hp, sizeof hp));
    }
    for (int m = PR_M_STATIC_COUNT; has_energy(r) && m < PR_M_COUNT; m++) {
        double b = est_value(r->old, m), a = est_value(r->new_, m);
        char hb[32], ha[32], hd[32], hp[32];
        fprintf(f, "  %-20s %12s  %12s  %12s  %8s\n", pr_metric_label(m), pr_metric_human(m, b, hb, sizeof hb),
                pr_metric_human(m, a, ha, sizeof ha), est_delta(m, b, a, hd, sizeof hd), delta_pct(b, a, hp, sizeof hp));
    }
    fprintf(f, "  %-20s %12d  %12d  %+12d\n", "layers", r->old->an.nlayers, r->new_->an.nlayers,
            r->new_->an.nlayers - r->old->an.nlayers);
    if (has_energy(r))
        energy_note(f, r, false);
    fputs("\nlayers: ", f);
    summary_line(f, r->d);
    fprintf(f, "%s\n", r->d->exact ? "" : " (large graphs: renamed layers matched greedily)");
    bool any = false;
    for (int i = 0; i < r->d->npairs; i++)
        any |= listed(r, &r->d->pairs[i]);
    if (!any)
        return ferror(f) ? -1 : 0;
    int w[3] = {(int)strlen("layer (old -> new name)"), 2, (int)strlen("output (old -> new)")};
    for (int pass = 0; pass < 2; pass++) {
        if (pass)
            fprintf(f, "\n  %-8s  %-*s  %-*s  %-*s  %9s  %9s  %9s  %10s%s\n", "change", w[0], "layer (old -> new name)",
                    w[1], "op", w[2], "output (old -> new)", "params", "MACs", "FLOPs", "act. mem",
                    has_energy(r) ? "     energy" : "");
        for (int i = 0; i < r->d->npairs; i++) {
            const struct pr_layer_pair *p = &r->d->pairs[i];
            if (!listed(r, p))
                continue;
            char *col[3];
            pair_columns(r, p, col);
            for (int c = 0; c < 3 && !pass; c++) {
                int len = col[c] ? (int)pr_text_width(col[c]) : 1;
                w[c] = len > w[c] ? len : w[c];
            }
            if (pass) {
                char dl[LM_COUNT][32];
                for (int m = 0; m < LM_COUNT; m++)
                    delta_human(layer_metric(r->old, p->old_pos, m), layer_metric(r->new_, p->new_pos, m),
                                m == LM_ACT, dl[m], sizeof dl[m]);
                fprintf(f, "  %-8s", pr_change_name(p->change));
                for (int c = 0; c < 3; c++)   /* pad by display width: names may hold UTF-8 */
                    fprintf(f, "  %s%*s", col[c] ? col[c] : "?", w[c] - (int)pr_text_width(col[c] ? col[c] : "?"), "");
                fprintf(f, "  %9s  %9s  %9s  %10s", dl[0], dl[1], dl[2], dl[3]);
                if (has_energy(r)) {
                    char de[32];
                    fprintf(f, "  %9s", est_delta(PR_M_ENERGY, layer_energy(r->old, p->old_pos),
                                                    layer_energy(r->new_, p->new_pos), de, sizeof de));
                }
                fputc('\n', f);
            }
            for (int c = 0; c < 3; c++)
                free(col[c]);
        }
    }
    return ferror(f) ? -1 : 0;
}

static int render_md(const struct pr_diff_view *r, FILE *f)
{
    fputs("### priori diff: ", f);
    pr_md_text(f, r->old->path, 200);
    fputs(" → ", f);
    pr_md_text(f, r->new_->path, 200);
    fputs("\n\n| total | before | after | delta | change |\n|---|---:|---:|---:|---:|\n", f);
    for (int m = 0; m < PR_M_STATIC_COUNT; m++) {
        uint64_t b = pr_subject_count(r->old, m), a = pr_subject_count(r->new_, m);
        char hb[32], ha[32], hd[32], hp[32];
        bool bytes = m == PR_M_WEIGHT_BYTES || m == PR_M_PEAK_ACT;
        fprintf(f, "| %s | %s | %s | %s | %s |\n", pr_metric_label(m), pr_metric_human(m, (double)b, hb, sizeof hb),
                pr_metric_human(m, (double)a, ha, sizeof ha), delta_human(b, a, bytes, hd, sizeof hd),
                delta_pct((double)b, (double)a, hp, sizeof hp));
    }
    for (int m = PR_M_STATIC_COUNT; has_energy(r) && m < PR_M_COUNT; m++) {
        double b = est_value(r->old, m), a = est_value(r->new_, m);
        char hb[32], ha[32], hd[32], hp[32];
        fprintf(f, "| %s | %s | %s | %s | %s |\n", pr_metric_label(m), pr_metric_human(m, b, hb, sizeof hb),
                pr_metric_human(m, a, ha, sizeof ha), est_delta(m, b, a, hd, sizeof hd), delta_pct(b, a, hp, sizeof hp));
    }
    if (has_energy(r))
        energy_note(f, r, true);
    fputs("\nLayers: ", f);
    summary_line(f, r->d);
    fputs(".\n", f);
    bool any = false;
    for (int i = 0; i < r->d->npairs; i++)
        any |= listed(r, &r->d->pairs[i]);
    if (!any)
        return ferror(f) ? -1 : 0;
    fprintf(f, "\n| change | old name | new name | op | output before | output after | params | MACs | FLOPs | act. mem |%s\n"
            "|---|---|---|---|---|---|---:|---:|---:|---:|%s\n", has_energy(r) ? " energy |" : "",
            has_energy(r) ? "---:|" : "");
    for (int i = 0; i < r->d->npairs; i++) {
        const struct pr_layer_pair *p = &r->d->pairs[i];
        if (!listed(r, p))
            continue;
        char so[300], sn[300], dl[32];
        fprintf(f, "| %s | ", pr_change_name(p->change));
        pr_md_text(f, p->old_pos >= 0 ? pos_name(r->old, p->old_pos) : "-", 60);
        fputs(" | ", f);
        pr_md_text(f, p->new_pos >= 0 ? pos_name(r->new_, p->new_pos) : "-", 60);
        fputs(" | ", f);
        pr_md_text(f, pos_op(r, p), 40);
        fputs(" | ", f);
        pr_md_text(f, pos_shapes(r->old, p->old_pos, so, sizeof so), 60);
        fputs(" | ", f);
        pr_md_text(f, pos_shapes(r->new_, p->new_pos, sn, sizeof sn), 60);
        for (int m = 0; m < LM_COUNT; m++)
            fprintf(f, " | %s", delta_human(layer_metric(r->old, p->old_pos, m), layer_metric(r->new_, p->new_pos, m),
                                            m == LM_ACT, dl, sizeof dl));
        if (has_energy(r))
            fprintf(f, " | %s", est_delta(PR_M_ENERGY, layer_energy(r->old, p->old_pos),
                                          layer_energy(r->new_, p->new_pos), dl, sizeof dl));
        fputs(" |\n", f);
    }
    return ferror(f) ? -1 : 0;
}

static int render_csv(const struct pr_diff_view *r, FILE *f)
{
    fputs("change,matched_by,old_index,new_index,old_name,new_name,op_type,old_shapes,new_shapes", f);
    for (int m = 0; m < LM_COUNT; m++)
        fprintf(f, ",old_%s,new_%s", lm_name[m], lm_name[m]);
    fputs(has_energy(r) ? ",old_energy_j,new_energy_j\n" : "\n", f);
    for (int i = 0; i < r->d->npairs; i++) {
        const struct pr_layer_pair *p = &r->d->pairs[i];
        if (!listed(r, p))
            continue;
        char so[1024], sn[1024];
        fprintf(f, "%s,%s,", pr_change_name(p->change),
                p->by == PR_MATCH_NAME ? "name" : p->by == PR_MATCH_SHAPE ? "op_and_shape" : "");
        if (p->old_pos >= 0)
            fprintf(f, "%d", p->old_pos);
        fputc(',', f);
        if (p->new_pos >= 0)
            fprintf(f, "%d", p->new_pos);
        fputc(',', f);
        pr_csv_field(f, pos_name(r->old, p->old_pos));
        fputc(',', f);
        pr_csv_field(f, pos_name(r->new_, p->new_pos));
        fputc(',', f);
        pr_csv_field(f, pos_op(r, p));
        fputc(',', f);
        pr_csv_field(f, p->old_pos >= 0 ? pos_shapes(r->old, p->old_pos, so, sizeof so) : "");
        fputc(',', f);
        pr_csv_field(f, p->new_pos >= 0 ? pos_shapes(r->new_, p->new_pos, sn, sizeof sn) : "");
        for (int m = 0; m < LM_COUNT; m++) {
            fputc(',', f);
            if (p->old_pos >= 0)
                fprintf(f, "%llu", (unsigned long long)layer_metric(r->old, p->old_pos, m));
            fputc(',', f);
            if (p->new_pos >= 0)
                fprintf(f, "%llu", (unsigned long long)layer_metric(r->new_, p->new_pos, m));
        }
        if (has_energy(r)) {
            fputc(',', f);
            if (p->old_pos >= 0)
                fprintf(f, "%.6g", layer_energy(r->old, p->old_pos));
            fputc(',', f);
            if (p->new_pos >= 0)
                fprintf(f, "%.6g", layer_energy(r->new_, p->new_pos));
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* after - before as exact (signed) integer text. */
static cJSON *i64_delta(struct pr_jb *b, uint64_t before, uint64_t after)
{
    char text[40];
    if (after >= before)
        snprintf(text, sizeof text, "%llu", (unsigned long long)(after - before));
    else
        snprintf(text, sizeof text, "-%llu", (unsigned long long)(before - after));
    return pr_jb_check(b, cJSON_CreateRaw(text));
}

static cJSON *side(struct pr_jb *b, const struct pr_subject *s, int pos)
{
    if (pos < 0)
        return pr_jb_check(b, cJSON_CreateNull());
    const struct pr_layer *L = &s->an.layers[pos];
    const struct pr_node *n = &s->model.graph.nodes[L->node];
    char sh[1024];
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, o, "index", pr_jb_num(b, pos));
    pr_jb_add(b, o, "name", pr_jb_str(b, n->name));
    pr_jb_add(b, o, "op_type", pr_jb_str(b, n->op_type));
    pr_jb_add(b, o, "output_shapes", pr_jb_str(b, pr_layer_shapes(&s->an, L, sh, sizeof sh)));
    for (int m = 0; m < LM_COUNT; m++)
        pr_jb_add(b, o, lm_name[m], pr_jb_u64(b, layer_metric(s, pos, m)));
    if (s->est.profile) {
        pr_jb_add(b, o, "time_s", pr_jb_num(b, s->est.layers[pos].time_s));
        pr_jb_add(b, o, "energy_j", pr_jb_num(b, s->est.layers[pos].energy_j));
    }
    return o;
}

/* {"before", "after", "delta", "delta_pct"} of one total. */
static cJSON *total_change(struct pr_jb *b, const struct pr_diff_view *r, int m)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    double before, after;
    if (m < PR_M_STATIC_COUNT) {
        uint64_t ub = pr_subject_count(r->old, m), ua = pr_subject_count(r->new_, m);
        pr_jb_add(b, o, "before", pr_jb_u64(b, ub));
        pr_jb_add(b, o, "after", pr_jb_u64(b, ua));
        pr_jb_add(b, o, "delta", i64_delta(b, ub, ua));
        before = (double)ub;
        after = (double)ua;
    } else {
        before = est_value(r->old, m);
        after = est_value(r->new_, m);
        pr_jb_add(b, o, "before", pr_jb_num(b, before));
        pr_jb_add(b, o, "after", pr_jb_num(b, after));
        pr_jb_add(b, o, "delta", pr_jb_num(b, after - before));
    }
    pr_jb_add(b, o, "delta_pct", before > 0 ? pr_jb_num(b, 100.0 * (after - before) / before) : cJSON_CreateNull());
    return o;
}

static int render_json(const struct pr_diff_view *r, FILE *f)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_check(&b, cJSON_CreateObject()), *tot = pr_jb_check(&b, cJSON_CreateObject());
    cJSON *layers = pr_jb_check(&b, cJSON_CreateArray()), *sum = pr_jb_check(&b, cJSON_CreateObject());
    pr_jb_add(&b, root, "schema", pr_jb_str(&b, "priori.diff/1"));
    pr_jb_add(&b, root, "priori_version", pr_jb_str(&b, PRIORI_VERSION));
    pr_jb_add(&b, root, "old", pr_jb_str(&b, r->old->path));
    pr_jb_add(&b, root, "new", pr_jb_str(&b, r->new_->path));
    for (int m = 0; m < (has_energy(r) ? PR_M_COUNT : PR_M_STATIC_COUNT); m++)
        pr_jb_add(&b, tot, pr_metric_name(m), total_change(&b, r, m));
    pr_jb_add(&b, root, "totals", tot);
    if (has_energy(r))   /* like analyze's report: present only with --hw */
        pr_jb_add(&b, root, "energy", pr_review_energy_json(&b, &r->new_->est));
    for (int c = 0; c <= PR_CHANGE_REMOVED; c++)
        pr_jb_add(&b, sum, pr_change_name(c), pr_jb_num(&b, r->d->count[c]));
    pr_jb_add(&b, sum, "exact_matching", cJSON_CreateBool(r->d->exact));
    pr_jb_add(&b, root, "summary", sum);
    for (int i = 0; i < r->d->npairs && !b.failed; i++) {
        const struct pr_layer_pair *p = &r->d->pairs[i];
        if (!listed(r, p))
            continue;
        cJSON *o = pr_jb_check(&b, cJSON_CreateObject()), *dl = pr_jb_check(&b, cJSON_CreateObject());
        pr_jb_add(&b, o, "change", pr_jb_str(&b, pr_change_name(p->change)));
        pr_jb_add(&b, o, "matched_by", pr_jb_str(&b, p->by == PR_MATCH_NAME ? "name"
                                                     : p->by == PR_MATCH_SHAPE ? "op_and_shape" : NULL));
        pr_jb_add(&b, o, "old", side(&b, r->old, p->old_pos));
        pr_jb_add(&b, o, "new", side(&b, r->new_, p->new_pos));
        for (int m = 0; m < LM_COUNT; m++)
            pr_jb_add(&b, dl, lm_name[m], i64_delta(&b, layer_metric(r->old, p->old_pos, m),
                                                    layer_metric(r->new_, p->new_pos, m)));
        if (has_energy(r))
            pr_jb_add(&b, dl, "energy_j", pr_jb_num(&b, layer_energy(r->new_, p->new_pos) -
                                                       layer_energy(r->old, p->old_pos)));
        pr_jb_add(&b, o, "delta", dl);
        pr_jb_add(&b, layers, NULL, o);
    }
    pr_jb_add(&b, root, "layers", layers);
    return pr_jb_print(&b, root, f);
}

int pr_report_diff(const void *diff_view, FILE *f)
{
    const struct pr_diff_view *r = diff_view;
    switch (r->format) {
    case PR_FORMAT_JSON: return render_json(r, f);
    case PR_FORMAT_CSV: return render_csv(r, f);
    case PR_FORMAT_MD: return render_md(r, f);
    default: return render_table(r, f);
    }
}

