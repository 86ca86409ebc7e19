/* kvcache.h -- recognising the KV-cache layout of a decoder export.
 *
 * A decoder exported for generation takes the keys and values of the
 * tokens seen so far as inputs (the "past") and returns them extended by
 * the new tokens (the "present"). pr_kv_recognise() finds, in a loaded
 * model, which graph inputs are the past, which outputs the present, and
 * which symbolic dimensions are the batch, the past length, the number of
 * new tokens and the attended (total) length, so that `priori llm` can
 * bind them for each point (llm.h). What it found and from what is written
 * into `how`. The rules are in kvcache.c.
 *
 * Ownership: the layout's arrays are malloc'ed (pr_kv_free); its strings
 * point into the model, which must outlive it.
 */
#ifndef PR_KVCACHE_H
#define PR_KVCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

enum { PR_KV_MAX_TOTAL = 8 };

/* What the user named (NULL: recognise). */
struct pr_kv_hints {
    const char *kv_inputs;       /* --kv-inputs: glob(s) over input names, comma-separated */
    const char *kv_outputs;      /* --kv-outputs: glob(s) over output names */
    const char *past_dim;        /* --past-dim SYM */
    const char *seq_dim;         /* --seq-dim SYM */
    const char *total_dims;      /* --total-dim SYM[,SYM]: symbols bound to past + new */
    long long buffer_rows;       /* --kv-buffer ROWS: the runtime's shared buffer (0: as the graph says) */
};

struct pr_kv_layout {
    const char *style;           /* "optimum", "genai", "fused", "named" (the user's patterns), "past" (by name) */
    int *past, npast;            /* value indices of the past inputs */
    int *present, npresent;      /* value indices of the present outputs (may be none) */
    const char *batch_sym;       /* NULL: the batch is fixed in the graph */
    const char *past_sym, *seq_sym; /* past_sym NULL only with buffer_rows */
    const char *total_sym[PR_KV_MAX_TOTAL];  /* bound to past + new tokens */
    int ntotal;
    const char *token_input;     /* the input whose dimension gave seq_sym (NULL: --seq-dim) */
    const char *cache_flag;      /* a bool input "use_cache_branch" (merged Optimum exports), or NULL */
    const char *past_len_input;  /* the graph input fused attention reads as past_sequence_length: a shared
                                    KV buffer of past_sym rows (the whole request), the past length as data */
    int64_t buffer_rows;         /* a shared buffer's rows when fixed: in the graph (past_sym NULL) or by
                                    --kv-buffer (buffer_option); 0 otherwise */
    bool buffer_option;          /* buffer_rows came from --kv-buffer */
    char how[1024];              /* how it was recognised, one paragraph */
};

/* Recognises m's layout with h. -1 with err (PR_E_MODEL: no past inputs
 * or no length symbol, saying what was looked for and which flag names it;
 * PR_E_ARG: a hint that matches nothing) and kv freed. */
int pr_kv_recognise(const struct pr_model *m, const struct pr_kv_hints *h, struct pr_kv_layout *kv,
                    struct pr_err *err);
void pr_kv_free(struct pr_kv_layout *kv);

#endif
