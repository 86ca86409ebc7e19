/* llm.h -- the cost of one generation request on a decoder with a KV
 * cache: prefill, every decode step, the cache, and with a hardware
 * profile the time and energy of each phase.
 *
 * pr_llm_run() analyses the loaded model (pr_analyze, the same struct
 * pr_model each time) at the prefill point and at decode points, binding
 * the symbols the layout names (kvcache.h). Conventions (docs/usage.md):
 *   prefill       past = 0, new tokens = P, context P;
 *   decode step i (i = 1..G) past = P + i - 1, new tokens = 1, context
 *                 C = P + i (the positions attended); the cache holds
 *                 P + G tokens at the end;
 *   request       prefill + the G decode steps.
 * Decode counts are affine in C for these graphs. Unless every step is
 * asked for, a handful of contexts (first, last, evenly spaced between) is
 * analysed; every layer's counts must lie exactly on the line through the
 * first and last (integer slope, every other analysed point on it), and
 * then the steps between are interpolated exactly, layer by layer; when a
 * count is not affine, every step is analysed instead. `method` says
 * which. With a profile, each step's estimate (energy.h) runs on its
 * layers, so time and energy, which are not affine (a max per layer), are
 * exact too.
 *
 * Ownership: struct pr_llm owns its steps and warnings (pr_llm_free).
 */
#ifndef PR_LLM_H
#define PR_LLM_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "db.h"
#include "energy.h"
#include "kvcache.h"

struct pr_llm_request {
    int64_t prompt, generate;    /* P >= 1, G >= 1 */
    int64_t batch;               /* 0: 1 (or the graph's fixed batch) */
    int points;                  /* decode contexts to analyse (>= 2; 0: 5) */
    bool every_step;             /* analyse every decode step */
    const struct pr_options *base;   /* --input, --dim, --value of the user (NULL: none) */
    const struct pr_profile *profile;    /* NULL: no estimate */
    const struct pr_energy_opts *eopts;
};

/* One forward call. */
struct pr_llm_cost {
    int64_t context, past, seq;  /* attended positions, cached tokens before the call, new tokens */
    uint64_t macs, flops, bytes_read, bytes_written, activation_bytes;
    uint64_t kv_bytes;           /* the cache after the call (whole batch) */
    double latency_s, energy_j;  /* with a profile; per call of the whole batch */
    int regime;                  /* enum pr_regime of the call: the one with most of its time */
    bool analysed;               /* analysed, not interpolated */
};

/* v(C) = intercept + slope * C over the decode steps (exact). */
struct pr_llm_line { int64_t intercept; uint64_t slope; };

struct pr_llm {
    const struct pr_kv_layout *kv;
    int64_t prompt, generate, batch;
    struct pr_llm_cost prefill;
    struct pr_llm_cost *steps;   /* [generate]: decode steps 1..G */
    struct pr_llm_cost decode, request;   /* sums over the decode steps; prefill + decode */
    uint64_t params, weight_bytes;        /* weights read per call (each weight once) */
    uint64_t prefill_peak_bytes, decode_peak_bytes;   /* peak live activations (decode: at P + G) */
    uint64_t kv_bytes_per_token;          /* one sequence, one token: keys and values of every layer */
    uint64_t kv_bytes_end;                /* the whole batch at P + G */
    bool affine;                          /* decode interpolated (else every step analysed) */
    int nanalysed;                        /* decode contexts analysed */
    struct pr_llm_line macs_line, flops_line, bytes_line, kv_line;   /* bytes: read + written */
    /* with a profile */
    const struct pr_profile *profile;
    bool estimated, roofline;
    double ttft_s, decode_s, tokens_per_s, energy_request_j, energy_per_token_j, co2e_request_g;
    double prefill_regime_share, decode_regime_share;   /* share of the phase's time in its regime */
    int decode_regime;                    /* of the decode phase as a whole */
    struct pr_estimate prefill_est;       /* the prefill's estimate (description, uncertainty) */
    bool incomplete;                      /* some point had unknown shapes (warned) */
    struct pr_diag diag;                  /* warnings of the analyses, deduplicated */
};

/* Runs the request r on m with layout kv into out. -1 with err (usage:
 * a --dim binding a symbol the layout sets, a batch on a fixed-batch
 * graph; model: a failed analysis, a cache of unknown size; the point is
 * named). out is freed on error; on success pr_llm_free. m and kv must
 * outlive out. */
int pr_llm_run(struct pr_model *m, const struct pr_kv_layout *kv, const struct pr_llm_request *r,
               struct pr_llm *out, struct pr_err *err);
void pr_llm_free(struct pr_llm *l);

#endif
