/* optval.h -- the values of the options an analysis takes, read one way for
 * the command line (cli/) and the C API (api.c): the bindings --input,
 * --dim and --value, --top, the --hw family (--hw, --precision, --scenario,
 * --region, --carbon, --pue, --db, --inferences, --train, --batch,
 * --samples, --epochs, --dataset-size), the checks of their combination,
 * the database and profile they select, and the refusals that depend on
 * the analysis (--strict, a gate's unbound symbols).
 *
 * Nothing here prints: a bad value fills a struct pr_err (PR_E_ARG,
 * the message the command line prints after "priori: "). Option names are
 * spelled as on the command line ("--dim"); the table of them is
 * options.def (optable.h).
 */
#ifndef PR_OPTVAL_H
#define PR_OPTVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"
#include "db.h"
#include "energy.h"
#include "err.h"
#include "gate.h"

/* Decimal integer s in [lo, hi] into *out. 0 / -1 (nothing set). */
int pr_parse_int(const char *s, long long lo, long long hi, long long *out);
/* "1x3x224x224" (or commas) into s; "scalar" is rank 0. 0 / -1. */
int pr_parse_dims(const char *text, struct pr_shape *s);
/* Splits "NAME=VALUE" at the last '=' (NAME may contain '='); returns VALUE
 * and leaves NAME in arg, or NULL when there is no '=' or NAME is empty. */
char *pr_split_binding(char *arg);

/* --input NAME=DIMS, --dim SYMBOL=N and --value NAME=V[,V...], collected
 * for pr_options (pr_bindings_apply). The bindings point into the value
 * texts given to pr_bindings_read, which must outlive them. */
struct pr_bindings {
    struct pr_input_shape *inputs;
    int ninputs;
    struct pr_dim_binding *dims;
    int ndims;
    struct pr_input_value *values;
    int nvalues;
    int cap;                    /* room in each array; grows on demand */
};
/* Room for n bindings of each kind. 0, or -1 out of memory (s left empty). */
int pr_bindings_init(struct pr_bindings *s, int n);
void pr_bindings_free(struct pr_bindings *s);
/* If opt is "--input", "--dim" or "--value", parses val (split in place at
 * its last '=') into s and returns 1; returns 0 for any other option; -1
 * with err (PR_E_ARG) on a bad value, s unchanged (--value is checked
 * against the model when it is analysed), or PR_E_INTERNAL out of memory. */
int pr_bindings_read(struct pr_bindings *s, const char *opt, char *val, struct pr_err *err);
/* Points opt's inputs, dims and values at s. */
void pr_bindings_apply(const struct pr_bindings *s, struct pr_options *opt);

/* --top N (0 .. 100000). 0, or -1 with err (PR_E_ARG). */
int pr_top_read(const char *opt, const char *val, long long *out, struct pr_err *err);
/* A positive integer (the COUNT rows of options.def: --prompt, --generate,
 * --points, llm's --batch ...): 1 .. 2^50. 0, or -1 with err (PR_E_ARG). */
int pr_count_read(const char *opt, const char *val, long long *out, struct pr_err *err);
/* A name (the NAME rows: --kv-inputs, --past-dim ...): any non-empty text.
 * 0, or -1 with err (PR_E_ARG). */
int pr_name_read(const char *opt, const char *val, struct pr_err *err);

/* `priori sweep`: one or two ranges (n of them). 0, or -1 with err (PR_E_ARG)
 * saying how to write one. */
int pr_sweep_ranges_check(int n, struct pr_err *err);
/* `priori llm`: --prompt and --generate given; --points (0: not given) at
 * least 2. 0, or -1 with err (PR_E_ARG). */
int pr_llm_args_check(bool prompt, bool generate, long long points, struct pr_err *err);

/* The --hw family. Text values point into the texts given to
 * pr_energy_read, which must outlive a. */
struct pr_energy_args {
    const char *hw, *precision, *scenario, *region, *db;
    double carbon, pue;         /* 0: not given */
    long long inferences;       /* --inferences (analyze only); 0: not given */
    /* analyze --train [--batch N] [--samples N | --epochs E --dataset-size N] */
    bool train;
    long long batch, samples, epochs, dataset_size;   /* 0: not given */
};
/* If opt is one of the --hw family that takes a value, parses val into a
 * and returns 1; 0 for any other option (--train is a flag: set a->train);
 * -1 with err (PR_E_ARG) on a bad value, a unchanged. */
int pr_energy_read(struct pr_energy_args *a, const char *opt, const char *val, struct pr_err *err);
/* After parsing: the other options need --hw; --region or --carbon, not
 * both; the --train combinations. 0, or -1 with err (PR_E_ARG). */
int pr_energy_check(const struct pr_energy_args *a, struct pr_err *err);
/* The database folder of a: --db, else pr_db_default_dir(buf, size). */
const char *pr_energy_db_dir(const struct pr_energy_args *a, char *buf, size_t size);

/* A loaded database, the chosen profile and the estimate options. */
struct pr_hw {
    struct pr_db db;
    const struct pr_profile *profile;   /* NULL: no --hw */
    struct pr_energy_opts opts;
};
/* Why pr_hw_load failed. */
enum pr_hw_failure { PR_HW_OK, PR_HW_DB, PR_HW_PROFILE, PR_HW_REGION };
/* Loads a's database and selects its profile; nothing to do without --hw
 * (profile stays NULL). 0, or -1 with err and *why (NULL allowed): the
 * database could not be loaded (pr_db_load's code), no profile matches
 * --hw/--precision/--scenario or no carbon intensity --region
 * (PR_E_ARG). pr_hw_close frees h either way. */
int pr_hw_load(struct pr_hw *h, const struct pr_energy_args *a, enum pr_hw_failure *why, struct pr_err *err);
void pr_hw_close(struct pr_hw *h);

/* What `priori check` needs: a baseline goes with growth limits, and at
 * least one of a budget and a baseline. 0, or -1 with err (PR_E_ARG). */
int pr_check_inputs(const char *budget, const char *baseline, const char *growth, struct pr_err *err);

/* --strict on an analysis of path: an unsupported operator, or a node that
 * fails only under priori's assumptions, is an error (PR_E_MODEL, the
 * message names every such operator and its first node). 0 or -1. */
int pr_strict_check(const struct pr_analysis *an, const char *path, struct pr_err *err);
/* A gate needs fixed shapes: -1 with err (PR_E_ARG) naming every
 * unbound symbol of s and the --dim that binds it; else 0. */
int pr_unbound_check(const struct pr_subject *s, struct pr_err *err);

#endif
