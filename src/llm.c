/* llm.c -- prefill, decode steps and the KV cache of one request (llm.h).
 *
 * Each point binds, besides the user's --dim/--input/--value:
 *   batch = B, past = p, new tokens = s, every total symbol = p + s,
 *   use_cache_branch = (p > 0) when the graph has it; with a shared KV
 *   buffer (kvcache.h past_len_input) the past symbol is the buffer's
 *   rows, P + G at every point (or --kv-buffer's R), and the past-length
 *   input's value is p; GroupQueryAttention under --kv-buffer R is
 *   analysed as exported (its present at context C), the cache sized at R,
 *   its traffic that of a buffer updated in place (pr_options kv_shared:
 *   the valid rows read, the s new rows written; ops/op.h pr_kv_inplace),
 * and runs pr_analyze on the one loaded model.
 * Decode, interpolated (the default when G > points): contexts
 *   c_j = P + 1 + round(j * (G - 1) / (K - 1)), j = 0..K-1 (K = points)
 * are analysed; for every layer and count v (MACs, FLOPs, bytes read and
 * written, activation bytes), and for the totals and the cache bytes,
 *   slope = (v(c_last) - v(c_0)) / (c_last - c_0) must be a non-negative
 *   integer and v(c_j) = v(c_0) + slope * (c_j - c_0) for every j;
 * then v(C) = v(c_0) + slope * (C - c_0) for every step, exact. Otherwise
 * (or with every_step) each of the G steps is analysed.
 * Sums: decode = sum over the G steps, request = prefill + decode.
 * Cache: kv(C) = bytes of the present outputs at context C (shape x dtype,
 *   whole batch); without present outputs, k * C where k = bytes of the
 *   past inputs at the last step / its past length.
 *   per token = (kv(P + G) - kv(P)) / G / B (one sequence); a shared
 *   buffer holds its R rows from the start (R = P + G, or the rows fixed
 *   in the graph or given by --kv-buffer, which P + G must not exceed):
 *   per token = kv / R / B; where the analysis sized the present at the
 *   context C (GroupQueryAttention), kv = kv(C) / C * R.
 * Weights read per step: the analysis's weight bytes (every weight once,
 *   the embedding table whole although a Gather reads B rows of it).
 * With a profile (energy.h), per call of the whole batch:
 *   TTFT = latency(prefill); decode time = sum of the steps' latencies;
 *   tokens/s = B * G / decode time; energy per request = E(prefill) +
 *   sum E(step); per generated token = that / (B * G).
 *   Regime of a call or a phase: the regime (energy.c, roofline.c: launch,
 *   compute, memory) holding the largest share of its layers' time.
 */
#include "llm.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roofline.h"

struct point {                  /* one analysed decode context */
    int64_t context;
    struct pr_layer *layers;
    int nlayers;
    struct pr_totals totals;
    uint64_t kv_bytes;
};

struct run {
    struct pr_model *m;
    const struct pr_kv_layout *kv;
    const struct pr_llm_request *r;
    struct pr_llm *out;
    struct pr_err *err;
    struct pr_dim_binding *dims;
    struct pr_input_value *values;
    struct pr_options opt;
    int nbase_dims, nbase_values;
    int64_t batch;
    double regime_time[2][4];   /* per phase (0 prefill, 1 decode): time in each regime */
    char past_len[24];          /* the shared buffer's past length, as --value text */
};

/* Binds the point (past p, s new tokens) into run->opt. */
static void bind(struct run *w, int64_t p, int64_t s)
{
    const struct pr_kv_layout *kv = w->kv;
    int n = w->nbase_dims;
    if (kv->batch_sym)
        w->dims[n++] = (struct pr_dim_binding){kv->batch_sym, w->batch};
    if (kv->past_sym)   /* NULL: a shared buffer's rows fixed in the graph */
        w->dims[n++] = (struct pr_dim_binding){kv->past_sym, !kv->past_len_input ? p
                                                            : kv->buffer_rows ? kv->buffer_rows
                                                            : w->r->prompt + w->r->generate};
    w->dims[n++] = (struct pr_dim_binding){kv->seq_sym, s};
    for (int i = 0; i < kv->ntotal; i++)
        w->dims[n++] = (struct pr_dim_binding){kv->total_sym[i], p + s};
    w->opt.dims = w->dims;
    w->opt.ndims = n;
    w->opt.kv_shared = kv->buffer_option;   /* GroupQueryAttention writes into the runtime's buffer */
    int v = w->nbase_values;
    if (kv->cache_flag)
        w->values[v++] = (struct pr_input_value){kv->cache_flag, NULL, p > 0 ? "1" : "0"};
    if (kv->past_len_input) {
        snprintf(w->past_len, sizeof w->past_len, "%lld", (long long)p);
        w->values[v++] = (struct pr_input_value){kv->past_len_input, NULL, w->past_len};
    }
    w->opt.values = w->values;
    w->opt.nvalues = v;
}

/* Bytes of the values idx[0..n) after an analysis; -1 with err when one is unknown. */
static int bytes_of(struct run *w, const int *idx, int n, const char *where, uint64_t *out)
{
    bool unknown = false, ovf = false;
    *out = 0;
    for (int i = 0; i < n; i++) {
        const struct pr_value *v = &w->m->graph.values[idx[i]];
        uint64_t b = pr_tensor_bytes(&v->t, &unknown, &ovf);
        if (unknown || ovf)
            return pr_err_set(w->err, PR_E_MODEL, "%s: the shape of '%s' is %s, so the KV cache cannot be sized; "
                              "bind the dims it names with --dim, or name the cache with --kv-inputs/--kv-outputs",
                              where, v->name, ovf ? "too large" : "unknown");
        *out = pr_u64_add(*out, b, &ovf);
    }
    return ovf ? pr_err_set(w->err, PR_E_MODEL, "%s: the KV cache's size overflows 64 bits", where) : 0;
}

/* Analyses the point into a; its cache bytes into kv_bytes and past_bytes. */
static int analyse(struct run *w, int64_t p, int64_t s, struct pr_analysis *a, uint64_t *kv_bytes,
                   uint64_t *past_bytes)
{
    char where[96];
    snprintf(where, sizeof where, "%s (past %lld, %lld new token%s)", p ? "decode" : "prefill", (long long)p,
             (long long)s, s == 1 ? "" : "s");
    bind(w, p, s);
    if (pr_analyze(w->m, &w->opt, a, w->err) < 0) {
        pr_err_prefix(w->err, "%s", where);
        return -1;
    }
    for (size_t i = 0; i < a->diag.count; i++)
        pr_diag_add(&w->out->diag, "%s", a->diag.msgs[i]);
    w->out->incomplete |= a->totals.incomplete;
    if (bytes_of(w, w->kv->past, w->kv->npast, where, past_bytes) < 0 ||
        bytes_of(w, w->kv->present, w->kv->npresent, where, kv_bytes) < 0) {
        pr_analysis_free(a);
        return -1;
    }
    if (w->kv->buffer_option && !w->kv->past_len_input && w->kv->npresent) {   /* kv(C) / C * R */
        uint64_t c = (uint64_t)(p + s);
        bool ovf = false;
        int rc = 0;
        uint64_t rows = pr_u64_mul(*kv_bytes / c, (uint64_t)w->kv->buffer_rows, &ovf);
        if (*kv_bytes % c)
            rc = pr_err_set(w->err, PR_E_MODEL, "%s: the present outputs' %llu bytes are not a whole number of rows "
                            "at context %llu, so --kv-buffer cannot size the shared buffer from them", where,
                            (unsigned long long)*kv_bytes, (unsigned long long)c);
        else if (ovf)
            rc = pr_err_set(w->err, PR_E_MODEL, "%s: the shared KV buffer's size overflows 64 bits", where);
        *kv_bytes = rows;
        if (rc < 0) {
            pr_analysis_free(a);
            return -1;
        }
    }
    return 0;
}

/* The call's regime: the one with the largest share of the layers' time. */
static int call_regime(const struct pr_analysis *a, const struct pr_estimate *e, double *t)
{
    double *acc = t;
    for (int i = 0; i < a->nlayers && i < e->nlayers; i++)
        if (pr_layer_in_totals(a, &a->layers[i]) && e->layers[i].regime > 0 && e->layers[i].regime < 4)
            acc[e->layers[i].regime] += e->layers[i].time_s * (double)a->layers[i].multiplier;
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (acc[k] > 0 && (best == 0 || acc[k] > acc[best]))
            best = k;
    return best;
}

/* Estimate of one call (a's layers) into c; regime times added to phase. */
static int estimate(struct run *w, const struct pr_analysis *a, struct pr_llm_cost *c, int phase,
                    struct pr_estimate *keep)
{
    if (!w->r->profile)
        return 0;
    struct pr_estimate e;
    if (pr_estimate(a, w->r->profile, w->r->eopts, &e, w->err) < 0)
        return -1;
    double t[4] = {0};
    c->latency_s = e.latency_s;
    c->energy_j = e.energy_j;
    c->regime = call_regime(a, &e, t);
    for (int k = 0; k < 4; k++)
        w->regime_time[phase][k] += t[k];
    if (keep)
        *keep = e;
    else
        pr_estimate_free(&e);
    return 0;
}

static void cost_from(struct pr_llm_cost *c, const struct pr_totals *t, uint64_t kv)
{
    c->macs = t->macs;
    c->flops = t->flops;
    c->bytes_read = t->bytes_read;
    c->bytes_written = t->bytes_written;
    c->activation_bytes = t->activation_bytes;
    c->kv_bytes = kv;
}

/* v1 at c1, v2 at c2 (c2 > c1): the integer slope, or false. */
static bool slope_of(uint64_t v1, int64_t c1, uint64_t v2, int64_t c2, uint64_t *slope)
{
    if (v2 < v1 || (v2 - v1) % (uint64_t)(c2 - c1))
        return false;
    *slope = (v2 - v1) / (uint64_t)(c2 - c1);
    return true;
}

/* v1 + slope * (c - c1), c >= c1; *ovf on overflow. */
static uint64_t on_line(uint64_t v1, int64_t c1, uint64_t slope, int64_t c, bool *ovf)
{
    return pr_u64_add(v1, pr_u64_mul(slope, (uint64_t)(c - c1), ovf), ovf);
}

/* Whether v at the points lies on the line through the first and last. */
#define FIELDS(X) X(macs) X(flops) X(bytes_read) X(bytes_written) X(activation_bytes)
static bool affine_layers(const struct point *pt, int n)
{
    const struct point *a = &pt[0], *z = &pt[n - 1];
    for (int j = 0; j < n; j++)
        if (pt[j].nlayers != a->nlayers)
            return false;
    bool ovf = false;
    for (int i = 0; i < a->nlayers; i++) {
        for (int j = 1; j < n; j++)
            if (pt[j].layers[i].node != a->layers[i].node || pt[j].layers[i].counted != a->layers[i].counted ||
                pt[j].layers[i].multiplier != a->layers[i].multiplier || pt[j].layers[i].kernel != a->layers[i].kernel)
                return false;
        uint64_t s;
#define CHECK_FIELD(f)                                                                            \
        if (!slope_of(a->layers[i].f, a->context, z->layers[i].f, z->context, &s))                \
            return false;                                                                         \
        for (int j = 1; j < n - 1; j++)                                                           \
            if (on_line(a->layers[i].f, a->context, s, pt[j].context, &ovf) != pt[j].layers[i].f) \
                return false;
        FIELDS(CHECK_FIELD)
#undef CHECK_FIELD
    }
    return !ovf;
}

static bool affine_totals(const struct point *pt, int n)
{
    const struct point *a = &pt[0], *z = &pt[n - 1];
    bool ovf = false;
    uint64_t s;
#define CHECK_TOTAL(f)                                                                          \
    if (!slope_of(a->totals.f, a->context, z->totals.f, z->context, &s))                        \
        return false;                                                                           \
    for (int j = 1; j < n - 1; j++)                                                             \
        if (on_line(a->totals.f, a->context, s, pt[j].context, &ovf) != pt[j].totals.f)         \
            return false;
    FIELDS(CHECK_TOTAL)
#undef CHECK_TOTAL
    if (!slope_of(a->kv_bytes, a->context, z->kv_bytes, z->context, &s))
        return false;
    for (int j = 1; j < n - 1; j++)
        if (on_line(a->kv_bytes, a->context, s, pt[j].context, &ovf) != pt[j].kv_bytes)
            return false;
    return !ovf && a->totals.weight_bytes == z->totals.weight_bytes;
}

static void free_points(struct point *pt, int n)
{
    for (int j = 0; pt && j < n; j++)
        free(pt[j].layers);
    free(pt);
}

/* Decode by analysing every step; last keeps the last analysis. */
static int decode_every(struct run *w, struct pr_analysis *last, uint64_t *last_past_bytes)
{
    struct pr_llm *o = w->out;
    for (int64_t i = 1; i <= o->generate; i++) {
        struct pr_llm_cost *c = &o->steps[i - 1];
        uint64_t kv, pb;
        if (i > 1)
            pr_analysis_free(last);
        if (analyse(w, o->prompt + i - 1, 1, last, &kv, &pb) < 0)
            return -1;
        *c = (struct pr_llm_cost){.context = o->prompt + i, .past = o->prompt + i - 1, .seq = 1, .analysed = true};
        cost_from(c, &last->totals, kv);
        *last_past_bytes = pb;
        if (estimate(w, last, c, 1, NULL) < 0) {
            pr_analysis_free(last);
            return -1;
        }
    }
    o->nanalysed = (int)o->generate;
    o->affine = false;
    return 0;
}

/* Decode by analysing K contexts and interpolating; 1 when the counts
 * are not affine (nothing kept), 0 done (last holds the last analysis),
 * -1 error. */
static int decode_affine(struct run *w, int K, struct pr_analysis *last, uint64_t *last_past_bytes)
{
    struct pr_llm *o = w->out;
    int64_t G = o->generate, P = o->prompt;
    struct point *pt = calloc((size_t)K, sizeof *pt);
    struct pr_layer *scratch = NULL;
    if (!pt)
        return pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
    int rc = -1;
    for (int j = 0; j < K; j++) {
        int64_t step = 1 + (int64_t)(((double)j * (double)(G - 1)) / (K - 1) + 0.5);   /* 1..G */
        pt[j].context = P + step;
        uint64_t pb;
        if (j > 0)
            pr_analysis_free(last);
        if (analyse(w, pt[j].context - 1, 1, last, &pt[j].kv_bytes, &pb) < 0)
            goto out;
        *last_past_bytes = pb;
        pt[j].totals = last->totals;
        pt[j].nlayers = last->nlayers;
        pt[j].layers = malloc(((size_t)last->nlayers + 1) * sizeof *pt[j].layers);
        if (!pt[j].layers) {
            pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
            goto fail;
        }
        memcpy(pt[j].layers, last->layers, (size_t)last->nlayers * sizeof *pt[j].layers);
    }
    if (!affine_layers(pt, K) || !affine_totals(pt, K)) {
        pr_analysis_free(last);
        rc = 1;
        goto out;
    }
    const struct point *a = &pt[0], *z = &pt[K - 1];
    uint64_t sl = 0, st[5] = {0}, skv = 0;
    scratch = malloc(((size_t)a->nlayers + 1) * sizeof *scratch);
    if (!scratch) {
        pr_err_set(w->err, PR_E_INTERNAL, "out of memory");
        goto fail;
    }
    int f = 0;
#define SLOPE_TOTAL(x) slope_of(a->totals.x, a->context, z->totals.x, z->context, &st[f++]);
    FIELDS(SLOPE_TOTAL)
#undef SLOPE_TOTAL
    slope_of(a->kv_bytes, a->context, z->kv_bytes, z->context, &skv);
    bool ovf = false;
    struct pr_analysis view = *last;   /* the last analysis with each step's layers */
    view.layers = scratch;
    for (int64_t i = 1; i <= G; i++) {
        int64_t C = P + i;
        struct pr_llm_cost *c = &o->steps[i - 1];
        *c = (struct pr_llm_cost){.context = C, .past = C - 1, .seq = 1};
        for (int j = 0; j < K; j++)
            c->analysed |= pt[j].context == C;
        f = 0;
#define AT_TOTAL(x) c->x = on_line(a->totals.x, a->context, st[f], C, &ovf), f++;
        FIELDS(AT_TOTAL)
#undef AT_TOTAL
        c->kv_bytes = on_line(a->kv_bytes, a->context, skv, C, &ovf);
        if (!w->r->profile)
            continue;
        for (int l = 0; l < a->nlayers; l++) {
            scratch[l] = z->layers[l];
#define AT_LAYER(x)                                                                    \
            slope_of(a->layers[l].x, a->context, z->layers[l].x, z->context, &sl);    \
            scratch[l].x = on_line(a->layers[l].x, a->context, sl, C, &ovf);
            FIELDS(AT_LAYER)
#undef AT_LAYER
        }
        if (estimate(w, &view, c, 1, NULL) < 0)
            goto fail;
    }
    if (ovf) {
        pr_err_set(w->err, PR_E_MODEL, "decode: a count overflows 64 bits at context %lld", (long long)(P + G));
        goto fail;
    }
    o->nanalysed = K;
    o->affine = true;
    rc = 0;
    goto out;
fail:
    pr_analysis_free(last);
out:
    free(scratch);
    free_points(pt, K);
    return rc;
}

/* The line through the first and last decode steps. */
static struct pr_llm_line line_of(const struct pr_llm *o, size_t off)
{
    const struct pr_llm_cost *a = &o->steps[0], *z = &o->steps[o->generate - 1];
    uint64_t va = *(const uint64_t *)((const char *)a + off), vz = *(const uint64_t *)((const char *)z + off);
    struct pr_llm_line l = {0, 0};
    if (z->context > a->context && vz >= va)
        l.slope = (vz - va) / (uint64_t)(z->context - a->context);
    l.intercept = (int64_t)va - (int64_t)(l.slope * (uint64_t)a->context);
    return l;
}

static int sum_steps(struct run *w)
{
    struct pr_llm *o = w->out;
    bool ovf = false;
    o->decode = (struct pr_llm_cost){.context = o->prompt + o->generate, .past = o->prompt, .seq = o->generate};
    for (int64_t i = 0; i < o->generate; i++) {
        const struct pr_llm_cost *c = &o->steps[i];
#define SUM(x) o->decode.x = pr_u64_add(o->decode.x, c->x, &ovf);
        FIELDS(SUM)
#undef SUM
        o->decode.latency_s += c->latency_s;
        o->decode.energy_j += c->energy_j;
    }
    o->decode.kv_bytes = o->steps[o->generate - 1].kv_bytes;
    o->request = o->decode;
    o->request.past = 0;
    o->request.seq = o->prompt + o->generate;
#define ADD(x) o->request.x = pr_u64_add(o->request.x, o->prefill.x, &ovf);
    FIELDS(ADD)
#undef ADD
    o->request.latency_s += o->prefill.latency_s;
    o->request.energy_j += o->prefill.energy_j;
    if (ovf)
        return pr_err_set(w->err, PR_E_MODEL, "the request's counts overflow 64 bits");
    o->macs_line = line_of(o, offsetof(struct pr_llm_cost, macs));
    o->flops_line = line_of(o, offsetof(struct pr_llm_cost, flops));
    o->kv_line = line_of(o, offsetof(struct pr_llm_cost, kv_bytes));
    struct pr_llm_line r = line_of(o, offsetof(struct pr_llm_cost, bytes_read));
    struct pr_llm_line wr = line_of(o, offsetof(struct pr_llm_cost, bytes_written));
    o->bytes_line = (struct pr_llm_line){r.intercept + wr.intercept, r.slope + wr.slope};
    return 0;
}

/* Share of the phase's regime time held by regime k. */
static double share(const double *t, int k)
{
    double all = t[1] + t[2] + t[3];
    return all > 0 && k > 0 ? t[k] / all : 0;
}

int pr_llm_run(struct pr_model *m, const struct pr_kv_layout *kv, const struct pr_llm_request *r,
               struct pr_llm *out, struct pr_err *err)
{
    memset(out, 0, sizeof *out);
    pr_diag_init(&out->diag);
    out->kv = kv;
    out->prompt = r->prompt;
    out->generate = r->generate;
    const struct pr_options none = {.top = 10};
    const struct pr_options *base = r->base ? r->base : &none;
    struct run w = {.m = m, .kv = kv, .r = r, .out = out, .err = err, .batch = r->batch > 0 ? r->batch : 1};
    int rc = -1;
    if (r->prompt < 1 || r->generate < 1 || r->generate > 1000000 || r->prompt > INT64_MAX / 4 ||
        r->prompt + r->generate > INT64_MAX / 4) {
        pr_err_set(err, PR_E_ARG, "the prompt and the tokens generated must be at least 1 (and at most 1,000,000 "
                   "tokens generated)");
        goto fail;
    }
    if (kv->buffer_rows && r->prompt + r->generate > kv->buffer_rows) {
        pr_err_set(err, PR_E_ARG, "--prompt %lld + --generate %lld is %lld tokens, more than the %lld rows of the "
                   "shared KV buffer %s: ask for at most %lld tokens, or %s", (long long)r->prompt,
                   (long long)r->generate, (long long)(r->prompt + r->generate), (long long)kv->buffer_rows,
                   kv->buffer_option ? "given by --kv-buffer" : "fixed in the graph (the past inputs' length)",
                   (long long)kv->buffer_rows,
                   kv->buffer_option ? "give the runtime's buffer length" : "export the decoder with a symbolic buffer "
                   "length");
        goto fail;
    }
    if (!kv->batch_sym && r->batch > 1) {
        pr_err_set(err, PR_E_ARG, "--batch %lld: the batch is fixed in the graph (no symbolic batch "
                   "dimension on %s)", (long long)r->batch, kv->token_input ? kv->token_input : "the inputs");
        goto fail;
    }
    for (int i = 0; i < base->ndims; i++) {
        const char *s = base->dims[i].symbol;
        bool ours = (kv->past_sym && strcmp(s, kv->past_sym) == 0) || strcmp(s, kv->seq_sym) == 0 ||
                    (kv->batch_sym && strcmp(s, kv->batch_sym) == 0);
        for (int k = 0; k < kv->ntotal; k++)
            ours |= strcmp(s, kv->total_sym[k]) == 0;
        if (ours) {
            pr_err_set(err, PR_E_ARG, "--dim %s: priori llm sets '%s' at each point; use --prompt, "
                       "--generate and --batch", s, s);
            goto fail;
        }
    }
    for (int i = 0; kv->past_len_input && i < base->nvalues; i++)
        if (strcmp(base->values[i].name, kv->past_len_input) == 0) {
            pr_err_set(err, PR_E_ARG, "--value %s: priori llm sets the past length at each point (a shared KV "
                       "buffer); use --prompt and --generate", kv->past_len_input);
            goto fail;
        }
    w.opt = *base;
    w.nbase_dims = base->ndims;
    w.nbase_values = base->nvalues;
    w.dims = malloc(((size_t)base->ndims + 3 + PR_KV_MAX_TOTAL) * sizeof *w.dims);
    w.values = malloc(((size_t)base->nvalues + 2) * sizeof *w.values);
    out->steps = calloc((size_t)r->generate, sizeof *out->steps);
    if (!w.dims || !w.values || !out->steps) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory");
        goto fail;
    }
    if (base->ndims)
        memcpy(w.dims, base->dims, (size_t)base->ndims * sizeof *w.dims);
    if (base->nvalues)
        memcpy(w.values, base->values, (size_t)base->nvalues * sizeof *w.values);
    /* prefill */
    struct pr_analysis a;
    uint64_t kv_pre, pb_pre, pb_last = 0;
    if (analyse(&w, 0, r->prompt, &a, &kv_pre, &pb_pre) < 0)
        goto fail;
    out->prefill = (struct pr_llm_cost){.context = r->prompt, .past = 0, .seq = r->prompt, .analysed = true};
    cost_from(&out->prefill, &a.totals, kv_pre);
    out->prefill_peak_bytes = a.totals.peak_activation_bytes;
    if (!kv->batch_sym) {   /* a fixed batch: the token input's (or the first past input's) leading extent */
        const struct pr_value *v = &m->graph.values[kv->past[0]];
        for (int i = 0; i < m->graph.ninputs; i++)
            if (kv->token_input && strcmp(m->graph.values[m->graph.inputs[i]].name, kv->token_input) == 0)
                v = &m->graph.values[m->graph.inputs[i]];
        w.batch = v->t.shape.rank > 0 && v->t.shape.dim[0] > 0 ? v->t.shape.dim[0] : 1;
    }
    out->batch = w.batch;
    if (r->profile) {
        if (estimate(&w, &a, &out->prefill, 0, &out->prefill_est) < 0) {
            pr_analysis_free(&a);
            goto fail;
        }
        out->estimated = true;
        out->roofline = out->prefill_est.roofline;
        out->profile = r->profile;
    }
    pr_analysis_free(&a);
    /* decode */
    int K = r->points > 1 ? r->points : 5;
    int got = 1;
    if (!r->every_step && r->generate > K)
        got = decode_affine(&w, K, &a, &pb_last);
    if (got < 0)
        goto fail;
    if (got == 1) {
        memset(w.regime_time[1], 0, sizeof w.regime_time[1]);
        if (decode_every(&w, &a, &pb_last) < 0)
            goto fail;
    }
    out->params = a.totals.params;
    out->weight_bytes = a.totals.weight_bytes;
    out->decode_peak_bytes = a.totals.peak_activation_bytes;
    pr_analysis_free(&a);
    /* the cache without present outputs: k * C from the past inputs, k their bytes per row at the last step
       (a shared buffer: k * R; past inputs with a past-length input hold the buffer's R rows) */
    int64_t rows = kv->buffer_rows ? kv->buffer_rows : r->prompt + r->generate;
    bool shared = kv->past_len_input || kv->buffer_option;
    if (!kv->npresent) {
        uint64_t k = pb_last / (uint64_t)(kv->past_len_input ? rows : r->prompt + r->generate - 1);
        bool ovf = false;
        out->prefill.kv_bytes = pr_u64_mul(k, (uint64_t)(shared ? rows : r->prompt), &ovf);
        for (int64_t i = 0; i < r->generate; i++)
            out->steps[i].kv_bytes = pr_u64_mul(k, (uint64_t)(shared ? rows : out->steps[i].context), &ovf);
        if (ovf) {
            pr_err_set(err, PR_E_MODEL, "the KV cache's size overflows 64 bits");
            goto fail;
        }
    }
    if (sum_steps(&w) < 0)
        goto fail;
    out->kv_bytes_end = out->steps[r->generate - 1].kv_bytes;
    uint64_t grow = out->kv_bytes_end >= out->prefill.kv_bytes ? out->kv_bytes_end - out->prefill.kv_bytes : 0;
    out->kv_bytes_per_token = shared   /* a shared buffer does not grow: its bytes per row */
                              ? out->kv_bytes_end / (uint64_t)rows / (uint64_t)w.batch
                              : grow / (uint64_t)r->generate / (uint64_t)w.batch;
    if (r->profile) {
        out->ttft_s = out->prefill.latency_s;
        out->decode_s = out->decode.latency_s;
        double tokens = (double)w.batch * (double)r->generate;
        out->tokens_per_s = out->decode_s > 0 ? tokens / out->decode_s : 0;
        out->energy_request_j = out->request.energy_j;
        out->energy_per_token_j = out->energy_request_j / tokens;
        out->co2e_request_g = pr_co2e_g(out->energy_request_j, out->prefill_est.pue, out->prefill_est.g_per_kwh);
        out->prefill_regime_share = share(w.regime_time[0], out->prefill.regime);
        int best = 0;
        for (int k = 1; k < 4; k++)
            if (w.regime_time[1][k] > 0 && (best == 0 || w.regime_time[1][k] > w.regime_time[1][best]))
                best = k;
        out->decode_regime = best;
        out->decode_regime_share = share(w.regime_time[1], best);
        out->decode.regime = best;
    }
    rc = 0;
    goto done;
fail:
    pr_llm_free(out);
done:
    free(w.dims);
    free(w.values);
    return rc;
}

void pr_llm_free(struct pr_llm *l)
{
    free(l->steps);
    l->steps = NULL;
    pr_estimate_free(&l->prefill_est);
    pr_diag_free(&l->diag);
}
