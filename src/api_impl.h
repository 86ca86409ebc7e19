/* api_impl.h -- what the files of the C API (api*.c) share: the options
 * object, the analysis object, and the mapping of internal errors (struct
 * pr_err with its exit code) to priori_status and priori_error. Not
 * installed: include/priori.h is the only public header.
 */
#ifndef PR_API_IMPL_H
#define PR_API_IMPL_H

#include <stdbool.h>
#include <stdio.h>

#include "priori.h"

#include "analysis.h"
#include "energy.h"
#include "err.h"
#include "kvcache.h"
#include "model.h"
#include "optable.h"
#include "optval.h"
#include "report.h"
#include "sweep.h"

/* Options: the bindings and --hw family as optval.h reads them, the
 * ranges of a sweep and the request of priori_llm, pointing into texts
 * (copies of the values given, freed with the options). given[] marks the
 * rows of options.def that were set, so that each function refuses the
 * options of another (pr_api_only). */
struct priori_options {
    struct pr_bindings bind;
    struct pr_energy_args energy;   /* also "batch": analyze's --batch and llm's */
    long long top;
    bool strict;
    /* "dim" with a range or a list (sweep's --dim): the first two parsed,
     * all counted; range_text: each as given, for messages */
    struct pr_sweep_axis axes[PR_SWEEP_MAX_AXES];
    const char *range_text[PR_SWEEP_MAX_AXES];
    int nranges;
    /* priori_llm: --prompt, --generate, --points (0: not given), --every-step, the --kv-* names */
    long long prompt, generate, points;
    bool every_step;
    struct pr_kv_hints kv;
    bool given[OPT_COUNT];
    char **texts;
    int ntexts, captexts;
};

/* A model: its path (or a copy of its bytes and a name). Analysing fills a
 * model's shapes in, so every analysis loads its own struct pr_model from
 * these (api_model.c): analyses of one model never share mutable state. */
struct priori_model {
    char *path;             /* as given, or the buffer's name */
    void *data;             /* the buffer's bytes; NULL: read path */
    size_t size;
    struct pr_file_id id;   /* the file priori_model_load checked: every later load must find it */
    bool pinned;            /* id is set */
};

struct priori_analysis {
    struct pr_model model;
    struct pr_analysis an;
    struct pr_hw hw;                /* the database and profile (hw.profile NULL: none) */
    struct pr_estimate est;         /* valid when hw.profile */
    bool loaded, analysed;
};

/* The CLI's defaults (top 10), for a NULL options argument. */
void pr_api_defaults(struct priori_options *o);

/* Refuses (PRIORI_E_ARG, naming the option and fn) every option of o that
 * no row of options.def for the commands cmds (C_* bits) names, and a
 * "dim" range unless C_SWEEP is among cmds. PRIORI_OK when none. */
priori_status pr_api_only(const struct priori_options *o, unsigned cmds, const char *fn, priori_error *e);

/* Loads m's graph into pm, its loader warnings into diag (initialised
 * here; on success the caller frees pm and diag). PRIORI_OK, or the status
 * with e set ("PATH: why"). */
priori_status pr_api_load(const priori_model *m, struct pr_model *pm, struct pr_diag *diag, priori_error *e);

/* The status of an internal error code. */
priori_status pr_api_status(const struct pr_err *err);
/* Fills e (may be NULL) from err with status s (PRIORI_OK: the mapped one);
 * returns the status. */
priori_status pr_api_fail(priori_error *e, const struct pr_err *err, priori_status s);
/* Fills e with s and a formatted message; returns s. */
priori_status pr_api_set(priori_error *e, priori_status s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Clears e to PRIORI_OK. */
void pr_api_ok(priori_error *e);

/* Runs render(ctx, f) into a malloc'ed string; NULL with e set (nomem, or
 * internal when the renderer failed). */
char *pr_api_string(int (*render)(const void *ctx, FILE *f), const void *ctx, priori_error *e);

/* Opens the database and profile of o's --hw family (nothing without
 * "hw"). PRIORI_OK, or the status with e set (a bad database or unknown
 * profile: db; an unknown region: arg). pr_hw_close either way. */
priori_status pr_api_hw(struct pr_hw *h, const struct priori_options *o, priori_error *e);

#endif
