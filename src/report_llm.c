/* report_llm.c -- `priori llm` reports: table, JSON "priori.llm/1", CSV,
 * Markdown, HTML (report_llm.h). Numbers come from struct pr_llm as they
 * are; nothing is recomputed but ratios for display (tokens/s is llm.c's).
 *
 * Rows shown in the table, Markdown and HTML: the prefill, the decode
 * steps at the analysed contexts (interpolated runs) or at up to nine
 * evenly spaced steps (every step analysed), the decode sum and the
 * request. JSON and CSV hold every decode step. The HTML charts plot each
 * decode step's MACs, KV-cache bytes and (with --hw) latency against the
 * context, at most 400 points evenly spaced, the analysed ones marked.
 */
#include "report_llm.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "roofline.h"

#define SCHEMA "priori.llm/1"

static const char *regime(int r)
{
    return r > 0 && r < 4 ? pr_regime_name[r] : "";
}

static const char *method_text(const struct pr_llm *l, char *buf, size_t size)
{
    if (l->affine)
        snprintf(buf, size, "%d contexts analysed, every count of every layer checked affine in the context, "
                 "the other %lld steps interpolated exactly", l->nanalysed, (long long)(l->generate - l->nanalysed));
    else
        snprintf(buf, size, "every decode step analysed (%d)", l->nanalysed);
    return buf;
}

/* After "at N tokens": a shared KV buffer fixed in the graph or by
 * --kv-buffer holds all its rows from the start, whatever the request's
 * length. */
static const char *rows_note(const struct pr_llm *l, char *buf, size_t size)
{
    if (!l->kv->buffer_rows)
        return "";
    snprintf(buf, size, " (a shared buffer of %lld rows, %s)", (long long)l->kv->buffer_rows,
             l->kv->buffer_option ? "--kv-buffer" : "fixed in the graph");
    return buf;
}

/* Decode steps shown in the short listings: indices into l->steps. */
static int shown_steps(const struct pr_llm *l, int64_t *idx, int cap)
{
    int n = 0;
    if (l->affine) {
        for (int64_t i = 0; i < l->generate && n < cap; i++)
            if (l->steps[i].analysed)
                idx[n++] = i;
        return n;
    }
    int64_t k = l->generate < cap ? l->generate : cap;
    for (int64_t j = 0; j < k; j++) {
        int64_t i = k > 1 ? (int64_t)((double)j * (double)(l->generate - 1) / (double)(k - 1) + 0.5) : 0;
        if (!n || idx[n - 1] != i)
            idx[n++] = i;
    }
    return n;
}

/* ---- table ---- */

static void table_row(FILE *f, const char *label, const struct pr_llm_cost *c, const struct pr_llm *l)
{
    char b[6][32];
    fprintf(f, "  %-22s %9lld %9lld %9lld  %9s  %9s  %10s  %10s", label, (long long)c->context, (long long)c->past,
            (long long)c->seq, pr_human_count(c->macs, b[0], sizeof b[0]), pr_human_count(c->flops, b[1], sizeof b[1]),
            pr_human_bytes(c->bytes_read + c->bytes_written, b[2], sizeof b[2]),
            pr_human_bytes(c->kv_bytes, b[3], sizeof b[3]));
    if (l->estimated)
        fprintf(f, "  %9s  %9s  %-8s", pr_human_si(c->latency_s, "s", b[4], sizeof b[4]),
                pr_human_si(c->energy_j, "J", b[5], sizeof b[5]), regime(c->regime));
    fputc('\n', f);
}

static void names(FILE *f, const struct pr_model *m, const int *v, int n)
{
    for (int i = 0; i < n && i < 4; i++) {
        char *s = pr_text_clean(m->graph.values[v[i]].name, 80);
        fprintf(f, "%s%s", i ? ", " : "", s ? s : "?");
        free(s);
    }
    if (n > 4)
        fprintf(f, ", ... (%d)", n);
}

static int table(const struct pr_model *m, const struct pr_llm *l, FILE *f)
{
    char b[4][32], how[1200];
    char *path = pr_text_clean(m->path ? m->path : "", 200);
    fprintf(f, "priori %s  %s  llm: batch %lld, prompt %lld tokens, %lld generated\n", PRIORI_VERSION,
            path ? path : "?", (long long)l->batch, (long long)l->prompt, (long long)l->generate);
    free(path);
    char *h = pr_text_clean(l->kv->how, 1000);
    fprintf(f, "KV cache (%s): %s\n", l->kv->style, h ? h : "?");
    free(h);
    fprintf(f, "decode: %s\n\n", method_text(l, how, sizeof how));
    fprintf(f, "  %-22s %9s %9s %9s  %9s  %9s  %10s  %10s", "call", "context", "past", "new", "MACs", "FLOPs",
            "bytes r+w", "KV cache");
    if (l->estimated)
        fprintf(f, "  %9s  %9s  %-8s", "time", "energy", "regime");
    fputc('\n', f);
    table_row(f, "prefill", &l->prefill, l);
    int64_t idx[16];
    int n = shown_steps(l, idx, 9);
    for (int j = 0; j < n; j++) {
        char label[48];
        snprintf(label, sizeof label, "decode step %lld%s", (long long)idx[j] + 1, l->affine ? " *" : "");
        table_row(f, label, &l->steps[idx[j]], l);
    }
    char label[48];
    snprintf(label, sizeof label, "decode, %lld steps", (long long)l->generate);
    table_row(f, label, &l->decode, l);
    table_row(f, "request", &l->request, l);
    if (l->affine)
        fputs("  (* analysed; the steps between are interpolated)\n", f);
    fprintf(f, "\ndecode step at context C:  MACs = %lld + %llu*C,  bytes = %lld + %llu*C,  KV cache = %lld + %llu*C\n",
            (long long)l->macs_line.intercept, (unsigned long long)l->macs_line.slope,
            (long long)l->bytes_line.intercept, (unsigned long long)l->bytes_line.slope,
            (long long)l->kv_line.intercept, (unsigned long long)l->kv_line.slope);
    char note[80];
    fprintf(f, "KV cache:                  %s per token of one sequence (%llu bytes), %s at %lld tokens%s x batch %lld\n",
            pr_human_bytes(l->kv_bytes_per_token, b[0], sizeof b[0]), (unsigned long long)l->kv_bytes_per_token,
            pr_human_bytes(l->kv_bytes_end, b[1], sizeof b[1]), (long long)(l->prompt + l->generate),
            rows_note(l, note, sizeof note), (long long)l->batch);
    fprintf(f, "weights read per step:     %s (%s parameters)\n", pr_human_bytes(l->weight_bytes, b[0], sizeof b[0]),
            pr_human_count(l->params, b[1], sizeof b[1]));
    fprintf(f, "peak live activations:     prefill %s, decode at %lld %s\n",
            pr_human_bytes(l->prefill_peak_bytes, b[0], sizeof b[0]), (long long)(l->prompt + l->generate),
            pr_human_bytes(l->decode_peak_bytes, b[1], sizeof b[1]));
    fprintf(f, "past inputs:               ");
    names(f, m, l->kv->past, l->kv->npast);
    fprintf(f, "\npresent outputs:           ");
    if (l->kv->npresent)
        names(f, m, l->kv->present, l->kv->npresent);
    else
        fputs("none (the cache is sized from the past inputs)", f);
    fputc('\n', f);
    if (l->estimated) {
        char d[300];
        fprintf(f, "\nhardware:                  %s\n", pr_estimate_describe(&l->prefill_est, d, sizeof d));
        fprintf(f, "time to first token:       %s (%s-bound, %.0f%% of its time)\n",
                pr_human_si(l->ttft_s, "s", b[0], sizeof b[0]), regime(l->prefill.regime),
                100 * l->prefill_regime_share);
        fprintf(f, "decode:                    %s for %lld steps, %s tokens/s (batch %lld; %s-bound, %.0f%% of its "
                "time)\n", pr_human_si(l->decode_s, "s", b[0], sizeof b[0]), (long long)l->generate,
                pr_human_si(l->tokens_per_s, "", b[1], sizeof b[1]), (long long)l->batch, regime(l->decode_regime),
                100 * l->decode_regime_share);
        fprintf(f, "energy:                    %s per request, %s per generated token, %s CO2e per request\n",
                pr_human_si(l->energy_request_j, "J", b[0], sizeof b[0]),
                pr_human_si(l->energy_per_token_j, "J", b[1], sizeof b[1]),
                pr_human_si(l->co2e_request_g, "g", b[2], sizeof b[2]));
    }
    if (l->diag.count) {
        fputs("\nwarnings:\n", f);
        for (size_t i = 0; i < l->diag.count; i++) {
            char *s = pr_text_clean(l->diag.msgs[i], 400);
            fprintf(f, "  %s\n", s ? s : "?");
            free(s);
        }
    }
    return ferror(f) ? -1 : 0;
}

/* ---- JSON ---- */

static cJSON *cost_json(struct pr_jb *b, const struct pr_llm *l, const struct pr_llm_cost *c, bool step)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "context", pr_jb_u64(b, (uint64_t)c->context));
    pr_jb_add(b, o, "past", pr_jb_u64(b, (uint64_t)c->past));
    pr_jb_add(b, o, "new_tokens", pr_jb_u64(b, (uint64_t)c->seq));
    pr_jb_add(b, o, "macs", pr_jb_u64(b, c->macs));
    pr_jb_add(b, o, "flops", pr_jb_u64(b, c->flops));
    pr_jb_add(b, o, "bytes_read", pr_jb_u64(b, c->bytes_read));
    pr_jb_add(b, o, "bytes_written", pr_jb_u64(b, c->bytes_written));
    pr_jb_add(b, o, "activation_bytes", pr_jb_u64(b, c->activation_bytes));
    pr_jb_add(b, o, "kv_bytes", pr_jb_u64(b, c->kv_bytes));
    if (step)
        pr_jb_add(b, o, "analysed", pr_jb_check(b, cJSON_CreateBool(c->analysed)));
    if (l->estimated) {
        pr_jb_add(b, o, "latency_s", pr_jb_num(b, c->latency_s));
        pr_jb_add(b, o, "energy_j", pr_jb_num(b, c->energy_j));
        pr_jb_add(b, o, "regime", pr_jb_str(b, regime(c->regime)));
    }
    return o;
}

static cJSON *line_json(struct pr_jb *b, const struct pr_llm_line *ln)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    if (!o)
        return NULL;
    pr_jb_add(b, o, "intercept", pr_jb_check(b, cJSON_CreateNumber((double)ln->intercept)));
    pr_jb_add(b, o, "per_context_token", pr_jb_u64(b, ln->slope));
    return o;
}

static cJSON *names_json(struct pr_jb *b, const struct pr_model *m, const int *v, int n)
{
    cJSON *a = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; a && i < n; i++)
        pr_jb_add(b, a, NULL, pr_jb_str(b, m->graph.values[v[i]].name));
    return a;
}

static int json(const struct pr_model *m, const struct pr_llm *l, FILE *f)
{
    struct pr_jb jb = {0}, *b = &jb;
    cJSON *root = pr_jb_header(b, SCHEMA);
    if (!root)
        return pr_jb_print(b, root, f);
    pr_jb_add(b, root, "priori_version", pr_jb_str(b, PRIORI_VERSION));
    cJSON *model = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, model, "path", pr_jb_str(b, m->path));
    pr_jb_add(b, model, "producer", pr_jb_str(b, m->producer));
    pr_jb_add(b, root, "model", model);
    const struct pr_kv_layout *kv = l->kv;
    cJSON *lay = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, lay, "style", pr_jb_str(b, kv->style));
    pr_jb_add(b, lay, "how", pr_jb_str(b, kv->how));
    pr_jb_add(b, lay, "past_inputs", names_json(b, m, kv->past, kv->npast));
    pr_jb_add(b, lay, "present_outputs", names_json(b, m, kv->present, kv->npresent));
    pr_jb_add(b, lay, "batch_symbol", pr_jb_str(b, kv->batch_sym));
    pr_jb_add(b, lay, "past_symbol", pr_jb_str(b, kv->past_sym));
    pr_jb_add(b, lay, "new_tokens_symbol", pr_jb_str(b, kv->seq_sym));
    cJSON *tot = pr_jb_check(b, cJSON_CreateArray());
    for (int i = 0; tot && i < kv->ntotal; i++)
        pr_jb_add(b, tot, NULL, pr_jb_str(b, kv->total_sym[i]));
    pr_jb_add(b, lay, "total_symbols", tot);
    pr_jb_add(b, lay, "cache_flag_input", pr_jb_str(b, kv->cache_flag));
    pr_jb_add(b, lay, "past_length_input", pr_jb_str(b, kv->past_len_input));
    pr_jb_add(b, lay, "buffer_rows", kv->buffer_rows ? pr_jb_u64(b, (uint64_t)kv->buffer_rows) : pr_jb_str(b, NULL));
    pr_jb_add(b, lay, "buffer_from", pr_jb_str(b, !kv->buffer_rows ? NULL : kv->buffer_option ? "--kv-buffer" : "graph"));
    pr_jb_add(b, root, "layout", lay);
    cJSON *req = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, req, "batch", pr_jb_u64(b, (uint64_t)l->batch));
    pr_jb_add(b, req, "prompt", pr_jb_u64(b, (uint64_t)l->prompt));
    pr_jb_add(b, req, "generate", pr_jb_u64(b, (uint64_t)l->generate));
    pr_jb_add(b, root, "request", req);
    cJSON *meth = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, meth, "decode", pr_jb_str(b, l->affine ? "interpolated" : "every_step"));
    pr_jb_add(b, meth, "analysed_contexts", pr_jb_u64(b, (uint64_t)l->nanalysed));
    pr_jb_add(b, root, "method", meth);
    pr_jb_add(b, root, "prefill", cost_json(b, l, &l->prefill, false));
    cJSON *dec = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, dec, "sum", cost_json(b, l, &l->decode, false));
    cJSON *lines = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, lines, "macs", line_json(b, &l->macs_line));
    pr_jb_add(b, lines, "flops", line_json(b, &l->flops_line));
    pr_jb_add(b, lines, "bytes", line_json(b, &l->bytes_line));
    pr_jb_add(b, lines, "kv_bytes", line_json(b, &l->kv_line));
    pr_jb_add(b, dec, "per_step_line", lines);
    cJSON *steps = pr_jb_check(b, cJSON_CreateArray());
    for (int64_t i = 0; steps && i < l->generate && !b->failed; i++)
        pr_jb_add(b, steps, NULL, cost_json(b, l, &l->steps[i], true));
    pr_jb_add(b, dec, "steps", steps);
    pr_jb_add(b, root, "decode", dec);
    pr_jb_add(b, root, "request_total", cost_json(b, l, &l->request, false));
    cJSON *kvc = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, kvc, "bytes_per_token", pr_jb_u64(b, l->kv_bytes_per_token));
    pr_jb_add(b, kvc, "tokens_at_end", pr_jb_u64(b, (uint64_t)(l->prompt + l->generate)));
    pr_jb_add(b, kvc, "bytes_at_end", pr_jb_u64(b, l->kv_bytes_end));
    pr_jb_add(b, root, "kv_cache", kvc);
    cJSON *w = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, w, "params", pr_jb_u64(b, l->params));
    pr_jb_add(b, w, "bytes_per_step", pr_jb_u64(b, l->weight_bytes));
    pr_jb_add(b, root, "weights", w);
    cJSON *pk = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, pk, "prefill", pr_jb_u64(b, l->prefill_peak_bytes));
    pr_jb_add(b, pk, "decode_at_end", pr_jb_u64(b, l->decode_peak_bytes));
    pr_jb_add(b, root, "peak_activation_bytes", pk);
    if (l->estimated) {
        char d[300];
        cJSON *e = pr_jb_check(b, cJSON_CreateObject());
        pr_jb_add(b, e, "profile", pr_jb_str(b, l->profile->id));
        pr_jb_add(b, e, "description", pr_jb_str(b, pr_estimate_describe(&l->prefill_est, d, sizeof d)));
        pr_jb_add(b, e, "uncertainty_pct", pr_jb_num(b, l->prefill_est.uncertainty_pct));
        pr_jb_add(b, e, "time_to_first_token_s", pr_jb_num(b, l->ttft_s));
        pr_jb_add(b, e, "decode_s", pr_jb_num(b, l->decode_s));
        pr_jb_add(b, e, "tokens_per_s", pr_jb_num(b, l->tokens_per_s));
        pr_jb_add(b, e, "energy_per_request_j", pr_jb_num(b, l->energy_request_j));
        pr_jb_add(b, e, "energy_per_token_j", pr_jb_num(b, l->energy_per_token_j));
        pr_jb_add(b, e, "co2e_per_request_g", pr_jb_num(b, l->co2e_request_g));
        pr_jb_add(b, e, "prefill_regime", pr_jb_str(b, regime(l->prefill.regime)));
        pr_jb_add(b, e, "prefill_regime_share", pr_jb_num(b, l->prefill_regime_share));
        pr_jb_add(b, e, "decode_regime", pr_jb_str(b, regime(l->decode_regime)));
        pr_jb_add(b, e, "decode_regime_share", pr_jb_num(b, l->decode_regime_share));
        pr_jb_add(b, root, "energy", e);
    } else {
        pr_jb_add(b, root, "energy", pr_jb_check(b, cJSON_CreateNull()));
    }
    pr_jb_add(b, root, "complete", pr_jb_check(b, cJSON_CreateBool(!l->incomplete)));
    cJSON *warn = pr_jb_check(b, cJSON_CreateArray());
    for (size_t i = 0; warn && i < l->diag.count; i++)
        pr_jb_add(b, warn, NULL, pr_jb_str(b, l->diag.msgs[i]));
    pr_jb_add(b, root, "warnings", warn);
    return pr_jb_print(b, root, f);
}

/* ---- CSV ---- */

static void csv_row(FILE *f, const char *call, int64_t step, const struct pr_llm_cost *c, const struct pr_llm *l)
{
    fprintf(f, "%s,", call);
    if (step > 0)
        fprintf(f, "%lld", (long long)step);
    fprintf(f, ",%lld,%lld,%lld,%llu,%llu,%llu,%llu,%llu,%llu,%s", (long long)c->context, (long long)c->past,
            (long long)c->seq, (unsigned long long)c->macs, (unsigned long long)c->flops,
            (unsigned long long)c->bytes_read, (unsigned long long)c->bytes_written,
            (unsigned long long)c->activation_bytes, (unsigned long long)c->kv_bytes,
            step > 0 ? (c->analysed ? "yes" : "no") : (strcmp(call, "prefill") == 0 ? "yes" : ""));
    if (l->estimated)
        fprintf(f, ",%.9g,%.9g,%s", c->latency_s, c->energy_j, regime(c->regime));
    fputc('\n', f);
}

static int csv(const struct pr_llm *l, FILE *f)
{
    fputs("call,step,context,past,new_tokens,macs,flops,bytes_read,bytes_written,activation_bytes,kv_bytes,analysed", f);
    if (l->estimated)
        fputs(",latency_s,energy_j,regime", f);
    fputc('\n', f);
    csv_row(f, "prefill", 0, &l->prefill, l);
    for (int64_t i = 0; i < l->generate; i++)
        csv_row(f, "decode", i + 1, &l->steps[i], l);
    csv_row(f, "decode_sum", 0, &l->decode, l);
    csv_row(f, "request", 0, &l->request, l);
    return ferror(f) ? -1 : 0;
}

/* ---- Markdown ---- */

static void md_row(FILE *f, const char *label, const struct pr_llm_cost *c, const struct pr_llm *l)
{
    char b[6][32];
    fprintf(f, "| %s | %lld | %lld | %lld | %s | %s | %s | %s |", label, (long long)c->context, (long long)c->past,
            (long long)c->seq, pr_human_count(c->macs, b[0], sizeof b[0]), pr_human_count(c->flops, b[1], sizeof b[1]),
            pr_human_bytes(c->bytes_read + c->bytes_written, b[2], sizeof b[2]),
            pr_human_bytes(c->kv_bytes, b[3], sizeof b[3]));
    if (l->estimated)
        fprintf(f, " %s | %s | %s |", pr_human_si(c->latency_s, "s", b[4], sizeof b[4]),
                pr_human_si(c->energy_j, "J", b[5], sizeof b[5]), regime(c->regime));
    fputc('\n', f);
}

static int md(const struct pr_model *m, const struct pr_llm *l, FILE *f)
{
    char b[4][32], how[1200];
    fputs("### priori llm: `", f);
    pr_md_text(f, m->path ? m->path : "", 200);
    fprintf(f, "`\n\nBatch %lld, prompt %lld tokens, %lld generated. Decode: %s.\n\n", (long long)l->batch,
            (long long)l->prompt, (long long)l->generate, method_text(l, how, sizeof how));
    fprintf(f, "KV cache (%s): ", l->kv->style);
    pr_md_text(f, l->kv->how, 1000);
    fputs("\n\n| call | context | past | new | MACs | FLOPs | bytes r+w | KV cache |", f);
    if (l->estimated)
        fputs(" time | energy | regime |", f);
    fputs("\n|---|--:|--:|--:|--:|--:|--:|--:|", f);
    if (l->estimated)
        fputs("--:|--:|---|", f);
    fputc('\n', f);
    md_row(f, "prefill", &l->prefill, l);
    int64_t idx[16];
    int n = shown_steps(l, idx, 9);
    for (int j = 0; j < n; j++) {
        char label[48];
        snprintf(label, sizeof label, "decode step %lld%s", (long long)idx[j] + 1, l->affine ? " (analysed)" : "");
        md_row(f, label, &l->steps[idx[j]], l);
    }
    char label[48];
    snprintf(label, sizeof label, "**decode, %lld steps**", (long long)l->generate);
    md_row(f, label, &l->decode, l);
    md_row(f, "**request**", &l->request, l);
    fprintf(f, "\n- decode step at context C: MACs = %lld + %llu·C\n", (long long)l->macs_line.intercept,
            (unsigned long long)l->macs_line.slope);
    char note[80];
    fprintf(f, "- KV cache: %s per token of one sequence, %s at %lld tokens%s × batch %lld\n",
            pr_human_bytes(l->kv_bytes_per_token, b[0], sizeof b[0]), pr_human_bytes(l->kv_bytes_end, b[1], sizeof b[1]),
            (long long)(l->prompt + l->generate), rows_note(l, note, sizeof note), (long long)l->batch);
    fprintf(f, "- weights read per decode step: %s (%s parameters)\n",
            pr_human_bytes(l->weight_bytes, b[0], sizeof b[0]), pr_human_count(l->params, b[1], sizeof b[1]));
    if (l->estimated) {
        char d[300];
        fputs("- hardware: ", f);
        pr_md_text(f, pr_estimate_describe(&l->prefill_est, d, sizeof d), 300);
        fprintf(f, "\n- time to first token %s (%s-bound); decode %s tokens/s (%s-bound)\n",
                pr_human_si(l->ttft_s, "s", b[0], sizeof b[0]), regime(l->prefill.regime),
                pr_human_si(l->tokens_per_s, "", b[1], sizeof b[1]), regime(l->decode_regime));
        fprintf(f, "- energy %s per request, %s per generated token\n",
                pr_human_si(l->energy_request_j, "J", b[0], sizeof b[0]),
                pr_human_si(l->energy_per_token_j, "J", b[1], sizeof b[1]));
    }
    for (size_t i = 0; i < l->diag.count; i++) {
        fputs(i ? "\n- " : "\n**Warnings**\n\n- ", f);
        pr_md_text(f, l->diag.msgs[i], 400);
    }
    if (l->diag.count)
        fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

/* ---- HTML ---- */

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}"
    "main{max-width:1100px;margin:auto;padding:16px}h1{font-size:20px;word-break:break-all}"
    ".sub{color:#666}.kpis{display:flex;flex-wrap:wrap;gap:10px}"
    ".kpi{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}"
    ".kpi .k{color:#666;font-size:12px}.kpi .v{font-size:20px;font-weight:600}.kpi .x{color:#888;font-size:11px}"
    "table{border-collapse:collapse;background:#fff;margin:12px 0}td,th{border:1px solid #ddd;padding:3px 8px}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}"
    "svg{background:#fff;border:1px solid #ddd;margin:8px 8px 8px 0}.ax{stroke:#999}"
    ".ln{fill:none;stroke:#1f77b4;stroke-width:2}.pt{fill:#d62728}text{font-size:11px;fill:#444}"
    ".warn{color:#a33}";

static void kpi(FILE *f, const char *id, const char *label, const char *value, const char *exact)
{
    fprintf(f, "<div class=\"kpi\" id=\"kpi-%s\"><div class=\"k\">%s</div><div class=\"v\">%s</div>"
            "<div class=\"x\">%s</div></div>\n", id, label, value, exact);
}

/* A line chart of v(step) against the context; analysed steps marked. */
static void chart(FILE *f, const char *id, const char *title, const struct pr_llm *l, int which)
{
    const double W = 520, H = 220, L = 70, R = 15, T = 28, B = 36;
    int64_t n = l->generate, k = n < 400 ? n : 400;
    double lo = 0, hi = 0;
    for (int64_t i = 0; i < n; i++) {
        const struct pr_llm_cost *c = &l->steps[i];
        double v = which == 0 ? (double)c->macs : which == 1 ? (double)c->kv_bytes : c->latency_s * 1e3;
        if (i == 0 || v < lo)
            lo = v;
        if (i == 0 || v > hi)
            hi = v;
    }
    if (hi <= lo)   /* flat: the labels show the one value, the line lies at the bottom */
        hi = lo + (lo > 0 ? lo * 1e-4 : 1);
    double c0 = (double)l->steps[0].context, c1 = (double)l->steps[n - 1].context;
    if (c1 <= c0)
        c1 = c0 + 1;
    fprintf(f, "<svg id=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">"
            "<title>%s</title><text x=\"%.0f\" y=\"16\" font-weight=\"600\">%s</text>", id, W, H, W, H, title, L,
            title);
    fprintf(f, "<line class=\"ax\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", L, H - B, W - R, H - B);
    fprintf(f, "<line class=\"ax\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", L, T, L, H - B);
    char b1[32], b2[32];
    if (which == 0) {
        pr_human_count((uint64_t)lo, b1, sizeof b1);
        pr_human_count((uint64_t)hi, b2, sizeof b2);
    } else if (which == 1) {
        pr_human_bytes((uint64_t)lo, b1, sizeof b1);
        pr_human_bytes((uint64_t)hi, b2, sizeof b2);
    } else {
        pr_human_si(lo * 1e-3, "s", b1, sizeof b1);
        pr_human_si(hi * 1e-3, "s", b2, sizeof b2);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>", L - 4, H - B, b1);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>", L - 4, T + 8, b2);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%lld</text>", L, H - B + 16, (long long)l->steps[0].context);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%lld</text>", W - R, H - B + 16,
            (long long)l->steps[n - 1].context);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">context (tokens attended)</text>",
            (L + W - R) / 2, H - 6);
    fputs("<polyline class=\"ln\" points=\"", f);
    for (int64_t j = 0; j < k; j++) {
        int64_t i = k > 1 ? (int64_t)((double)j * (double)(n - 1) / (double)(k - 1) + 0.5) : 0;
        const struct pr_llm_cost *c = &l->steps[i];
        double v = which == 0 ? (double)c->macs : which == 1 ? (double)c->kv_bytes : c->latency_s * 1e3;
        fprintf(f, "%.1f,%.1f ", L + ((double)c->context - c0) / (c1 - c0) * (W - L - R),
                H - B - (v - lo) / (hi - lo) * (H - B - T));
    }
    fputs("\"/>", f);
    for (int64_t i = 0; i < n; i++) {
        const struct pr_llm_cost *c = &l->steps[i];
        if (!c->analysed || (!l->affine && n > 40))
            continue;
        double v = which == 0 ? (double)c->macs : which == 1 ? (double)c->kv_bytes : c->latency_s * 1e3;
        fprintf(f, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>context %lld (analysed)</title>"
                "</circle>", L + ((double)c->context - c0) / (c1 - c0) * (W - L - R),
                H - B - (v - lo) / (hi - lo) * (H - B - T), (long long)c->context);
    }
    fputs("</svg>\n", f);
}

static void html_row(FILE *f, const char *label, const struct pr_llm_cost *c, const struct pr_llm *l)
{
    char b[6][32];
    fprintf(f, "<tr><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
            "<td class=\"n\" title=\"%llu\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>",
            label, (long long)c->context, (long long)c->past, (long long)c->seq, (unsigned long long)c->macs,
            pr_human_count(c->macs, b[0], sizeof b[0]), pr_human_count(c->flops, b[1], sizeof b[1]),
            pr_human_bytes(c->bytes_read + c->bytes_written, b[2], sizeof b[2]),
            pr_human_bytes(c->kv_bytes, b[3], sizeof b[3]));
    if (l->estimated)
        fprintf(f, "<td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td>",
                pr_human_si(c->latency_s, "s", b[4], sizeof b[4]), pr_human_si(c->energy_j, "J", b[5], sizeof b[5]),
                regime(c->regime));
    fputs("</tr>\n", f);
}

static int html(const struct pr_model *m, const struct pr_llm *l, FILE *f)
{
    char h[32], x[160], how[1200];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>priori llm: ", f);
    pr_html_text(f, m->path ? m->path : "", 200);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body><main>\n<header><h1>", style);
    pr_html_text(f, m->path ? m->path : "", 200);
    fprintf(f, "</h1><p class=\"sub\">priori %s · llm · batch %lld · prompt %lld tokens · %lld generated</p>"
            "</header>\n", PRIORI_VERSION, (long long)l->batch, (long long)l->prompt, (long long)l->generate);
    if (l->incomplete)
        fputs("<p class=\"warn\">Some points had unknown shapes or unsupported operators: the counts are lower "
              "bounds (see the warnings).</p>\n", f);
    fputs("<section class=\"kpis\">\n", f);
    snprintf(x, sizeof x, "%llu", (unsigned long long)l->prefill.macs);
    kpi(f, "prefill-macs", "prefill MACs", pr_human_count(l->prefill.macs, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu", (unsigned long long)l->decode.macs);
    kpi(f, "decode-macs", "decode MACs (all steps)", pr_human_count(l->decode.macs, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu", (unsigned long long)l->request.macs);
    kpi(f, "request-macs", "request MACs", pr_human_count(l->request.macs, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu bytes", (unsigned long long)l->kv_bytes_per_token);
    kpi(f, "kv-token", "KV cache per token", pr_human_bytes(l->kv_bytes_per_token, h, sizeof h), x);
    char note[80];
    snprintf(x, sizeof x, "%llu bytes at %lld tokens%s", (unsigned long long)l->kv_bytes_end,
             (long long)(l->prompt + l->generate), rows_note(l, note, sizeof note));
    kpi(f, "kv-end", "KV cache at the end", pr_human_bytes(l->kv_bytes_end, h, sizeof h), x);
    snprintf(x, sizeof x, "%llu bytes", (unsigned long long)l->weight_bytes);
    kpi(f, "weights", "weights read per step", pr_human_bytes(l->weight_bytes, h, sizeof h), x);
    if (l->estimated) {
        snprintf(x, sizeof x, "%s-bound", regime(l->prefill.regime));
        kpi(f, "ttft", "time to first token", pr_human_si(l->ttft_s, "s", h, sizeof h), x);
        snprintf(x, sizeof x, "%s-bound, batch %lld", regime(l->decode_regime), (long long)l->batch);
        kpi(f, "tps", "tokens per second", pr_human_si(l->tokens_per_s, "", h, sizeof h), x);
        snprintf(x, sizeof x, "%.6g J", l->energy_request_j);
        kpi(f, "energy", "energy per request", pr_human_si(l->energy_request_j, "J", h, sizeof h), x);
        snprintf(x, sizeof x, "%.6g J", l->energy_per_token_j);
        kpi(f, "energy-token", "energy per generated token", pr_human_si(l->energy_per_token_j, "J", h, sizeof h), x);
    }
    fputs("</section>\n<section><h2>Decode cost against the context</h2>\n", f);
    chart(f, "chart-macs", "MACs per decode step", l, 0);
    chart(f, "chart-kv", "KV cache after the step", l, 1);
    if (l->estimated)
        chart(f, "chart-latency", "latency per decode step", l, 2);
    fputs("<p>", f);
    pr_html_text(f, method_text(l, how, sizeof how), 300);
    fprintf(f, ". A decode step at context C costs %lld + %llu·C MACs.</p></section>\n",
            (long long)l->macs_line.intercept, (unsigned long long)l->macs_line.slope);
    fputs("<section><h2>Calls</h2><table id=\"calls\"><thead><tr><th>call</th><th>context</th><th>past</th>"
          "<th>new</th><th>MACs</th><th>FLOPs</th><th>bytes r+w</th><th>KV cache</th>", f);
    if (l->estimated)
        fputs("<th>time</th><th>energy</th><th>regime</th>", f);
    fputs("</tr></thead><tbody>\n", f);
    html_row(f, "prefill", &l->prefill, l);
    int64_t idx[16];
    int n = shown_steps(l, idx, 9);
    for (int j = 0; j < n; j++) {
        char label[48];
        snprintf(label, sizeof label, "decode step %lld%s", (long long)idx[j] + 1, l->affine ? " (analysed)" : "");
        html_row(f, label, &l->steps[idx[j]], l);
    }
    char label[48];
    snprintf(label, sizeof label, "decode, %lld steps", (long long)l->generate);
    html_row(f, label, &l->decode, l);
    html_row(f, "request", &l->request, l);
    fputs("</tbody></table></section>\n<section><h2>KV-cache layout</h2><p>", f);
    pr_html_text(f, l->kv->how, 1000);
    fputs("</p></section>\n", f);
    if (l->estimated) {
        char d[300];
        fputs("<section><h2>Hardware</h2><p>", f);
        pr_html_text(f, pr_estimate_describe(&l->prefill_est, d, sizeof d), 300);
        fputs("</p></section>\n", f);
    }
    if (l->diag.count) {
        fputs("<section><h2>Warnings</h2><ul>", f);
        for (size_t i = 0; i < l->diag.count; i++) {
            fputs("<li>", f);
            pr_html_text(f, l->diag.msgs[i], 400);
            fputs("</li>", f);
        }
        fputs("</ul></section>\n", f);
    }
    fputs("</main></body></html>\n", f);
    return ferror(f) ? -1 : 0;
}

int pr_report_llm(const struct pr_model *m, const struct pr_llm *l, enum pr_format format, FILE *f)
{
    switch (format) {
    case PR_FORMAT_JSON: return json(m, l, f);
    case PR_FORMAT_CSV: return csv(l, f);
    case PR_FORMAT_MD: return md(m, l, f);
    case PR_FORMAT_HTML: return html(m, l, f);
    default: return table(m, l, f);
    }
}
