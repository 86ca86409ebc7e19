/* priori.h -- the public C API of libpriori, the only header installed.
 *
 * priori is a static model-complexity analyzer for ONNX models: it infers
 * every tensor shape and counts per-layer parameters, MACs, FLOPs,
 * activation memory and memory traffic, and with a hardware profile of its
 * measurement database estimates latency, energy and CO2e.
 *
 * Conventions (as in cJSON, every returned object says who frees it):
 *   - Functions that can fail return a priori_status (or NULL) and, when
 *     err is not NULL, fill it with the status and a one-line message
 *     ("what, where, what to do"). err is always caller-owned storage.
 *   - Objects returned by priori_*_new / priori_*_load / priori_analyze /
 *     priori_sweep / priori_llm are owned by the caller and released with the matching priori_*_free,
 *     which accepts NULL.
 *   - Strings returned as `char *` are malloc'ed, NUL-terminated, owned by
 *     the caller and released with priori_free. Strings returned as
 *     `const char *` belong to the object they came from and live as long
 *     as it does.
 *   - Thread safety: libpriori has no mutable global state. Distinct
 *     objects may be used from distinct threads at the same time; one
 *     object must not be used from two threads at once. A loaded model is
 *     only read by priori_analyze, priori_sweep and priori_llm, so several
 *     threads may analyse the same priori_model concurrently, each with its
 *     own options.
 *   - Reports are the same bytes `priori` writes: JSON reports follow the
 *     versioned schemas of docs/usage.md ("priori.report/1",
 *     "priori.sweep/1", "priori.llm/1", ...), and the structured results
 *     (priori_totals, priori_sweep_point, priori_llm_info) hold the numbers
 *     those reports print.
 *
 * Link with `pkg-config --cflags --libs priori`.
 */
#ifndef PRIORI_H
#define PRIORI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ---- */

#define PRIORI_VERSION_MAJOR 0
#define PRIORI_VERSION_MINOR 3
#define PRIORI_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with priori_version_number(). */
#define PRIORI_VERSION_NUMBER (PRIORI_VERSION_MAJOR * 10000 + PRIORI_VERSION_MINOR * 100 + PRIORI_VERSION_PATCH)

/* The library's version as "0.3.0" (static storage). */
const char *priori_version(void);
/* The library's PRIORI_VERSION_NUMBER: compare with the header's to detect
 * a mismatch between the headers compiled against and the library loaded. */
int priori_version_number(void);

/* ---- status and errors ---- */

typedef enum priori_status {
    PRIORI_OK = 0,
    PRIORI_E_ARG = 1,       /* a bad argument or option value (the CLI's usage error) */
    PRIORI_E_MODEL = 2,     /* the model is invalid or cannot be analysed */
    PRIORI_E_IO = 3,        /* a file could not be read or written */
    PRIORI_E_DB = 4,        /* the measurement database is invalid, or has no such profile */
    PRIORI_E_NOMEM = 5,     /* out of memory */
    PRIORI_E_INTERNAL = 6   /* a bug in priori: please report it */
} priori_status;

enum { PRIORI_ERROR_MAX = 1024 };
typedef struct priori_error {
    priori_status status;
    char message[PRIORI_ERROR_MAX];   /* "" when status is PRIORI_OK */
} priori_error;

/* A short name of a status: "ok", "arg", "model", "io", "db", "nomem", "internal". */
const char *priori_status_name(priori_status s);

/* Releases a string (or any buffer) returned by libpriori. NULL is fine. */
void priori_free(void *p);

/* ---- output formats ---- */

typedef enum priori_format {
    PRIORI_FORMAT_TABLE = 0,
    PRIORI_FORMAT_JSON = 1,
    PRIORI_FORMAT_CSV = 2,
    PRIORI_FORMAT_MD = 3,
    PRIORI_FORMAT_HTML = 4,     /* analyze, sweep and llm */
    PRIORI_FORMAT_GITHUB = 5    /* check only: workflow annotations */
} priori_format;

/* ---- models ---- */

typedef struct priori_model priori_model;

/* Loads and checks an ONNX model (external data next to it is read as the
 * CLI does). Returns NULL on error (err filled). Free with priori_model_free.
 * The model keeps its path: each priori_analyze parses the graph again from
 * the file (weights are never read), so that analyses share nothing mutable
 * and may run in parallel. The file is pinned at load (device, inode, size,
 * modification time): once it is replaced, written, touched or removed,
 * priori_analyze, priori_sweep and priori_llm of this model fail with
 * PRIORI_E_IO saying to load it again, so that every result of one model
 * is of the same model. */
priori_model *priori_model_load(const char *path, priori_error *err);
/* The same from size bytes in memory; name is used in messages and reports
 * (NULL: "<buffer>"). The bytes are copied: data may be freed on return.
 * External-data tensors cannot be resolved and are reported as warnings. */
priori_model *priori_model_load_buffer(const void *data, size_t size, const char *name, priori_error *err);
void priori_model_free(priori_model *m);

/* ---- options of an analysis ---- */

typedef struct priori_options priori_options;

/* Options with the CLI's defaults (no bindings, no hardware, top 10).
 * NULL when out of memory. Free with priori_options_free. */
priori_options *priori_options_new(void);
void priori_options_free(priori_options *o);

/* Sets one option by the name of its command-line flag, without the dashes,
 * and the flag's value as text, exactly as `priori analyze`, `priori
 * sweep` and `priori llm` read it:
 *   "input" "x=1x3x224x224"   "dim" "batch=8"   "value" "sr=16000"
 *   "hw" "ID"  "precision" "fp16"  "scenario" "offline"  "region" "FRA"
 *   "carbon" "300"  "pue" "1.2"  "db" "DIR"  "top" "5"  "strict" ""
 *   "train" ""  "batch" "64"  "samples" "N"  "epochs" "E"
 *   "dataset-size" "N"  "inferences" "N"
 * priori_sweep: "dim" with a range or a list, "seq=128..8192*2",
 *   "batch=1..64+8", "batch=1,8,64" (one or two such; SYMBOL=N binds);
 * priori_llm: "prompt" "P"  "generate" "G"  "batch" "B"  "points" "K"
 *   "every-step" ""  "kv-inputs" "GLOB"  "kv-outputs" "GLOB"
 *   "past-dim" "SYM"  "seq-dim" "SYM"  "total-dim" "SYM[,SYM]".
 * input, dim and value are repeatable (each call adds one binding or
 * range); the others replace the earlier value. A flag without a value
 * ("strict", "train", "every-step") takes "" or NULL. An unknown name or a
 * bad value is PRIORI_E_ARG with the CLI's message; the options are then
 * unchanged. One options object serves every function; each refuses
 * (PRIORI_E_ARG, naming it) an option its command does not take, as the
 * command line does: "prompt" for priori_analyze, "top" for priori_sweep,
 * a range for everything but priori_sweep. */
priori_status priori_options_set(priori_options *o, const char *name, const char *value, priori_error *err);

/* ---- analysis ---- */

typedef struct priori_analysis priori_analysis;

/* Infers shapes and counts every layer of m under o (NULL: defaults); with
 * the "hw" option also estimates latency, energy and CO2e (the database is
 * o's "db", else $PRIORI_DB, else the one found next to the library's
 * program or installed under DATADIR). NULL on error. The analysis keeps no
 * pointer into o; it refers to m, which must outlive it.
 * Free with priori_analysis_free. */
priori_analysis *priori_analyze(const priori_model *m, const priori_options *o, priori_error *err);
void priori_analysis_free(priori_analysis *a);

/* Totals of an analysis (what the JSON report's "totals" holds). */
typedef struct priori_totals {
    uint64_t params, macs, flops;
    uint64_t weight_bytes;            /* bytes of the initializers */
    uint64_t activation_bytes;        /* sum of the layers' output activations */
    uint64_t peak_activation_bytes;   /* peak live activation memory */
    uint64_t bytes_read, bytes_written;
    int layers;                       /* rows of the report */
    int unsupported;                  /* operators not in priori's table */
    int warnings;
} priori_totals;
priori_status priori_analysis_totals(const priori_analysis *a, priori_totals *out);

/* Warnings of the analysis (what priori had to assume, and the flag that
 * fixes it): index 0 .. totals.warnings-1; NULL past the end. */
const char *priori_analysis_warning(const priori_analysis *a, int i);

/* Renders the report in format f (table, json, csv, md or html) as the CLI
 * would write it with the same options. priori_render returns a malloc'ed
 * string (priori_free) or NULL on error; priori_write writes to a stream
 * the caller opened and returns PRIORI_E_IO if writing failed. */
char *priori_render(const priori_analysis *a, priori_format f, priori_error *err);
priori_status priori_write(const priori_analysis *a, priori_format f, FILE *out, priori_error *err);

/* ---- cost curves (`priori sweep`) ----
 * The model's totals at every point of one or two ranges of symbolic
 * dimensions: the options' "dim" ranges (one or two; a third is
 * PRIORI_E_ARG), besides "input", plain "dim" bindings, "value" and the
 * --hw family. Like priori_analyze, priori_sweep loads its own copy of the
 * graph, so sweeps and analyses of one model may run in parallel; the
 * result refers to m, which must outlive it, and keeps no pointer into o.
 * A point whose analysis fails (a shape the node refuses at that size) is a
 * point with status PRIORI_POINT_FAILED and its message; the sweep goes
 * on. NULL on error: a bad or missing range, an option of another command,
 * a swept symbol also bound; PRIORI_E_MODEL when every point fails.
 * Free with priori_sweep_free. */
typedef struct priori_sweep_result priori_sweep_result;
priori_sweep_result *priori_sweep(const priori_model *m, const priori_options *o, priori_error *err);
void priori_sweep_free(priori_sweep_result *s);

typedef struct priori_sweep_info {
    int axes;                   /* 1 or 2 */
    const char *symbol[2];      /* each axis' symbol (NULL past axes; belongs to the result) */
    int nvalues[2];             /* how many values each axis has (0 past axes) */
    int points;                 /* nvalues[0] x nvalues[1] (one axis: nvalues[0]), the first axis outermost */
    int failed;                 /* points whose analysis failed */
    int estimated;              /* 1 with "hw": latency, energy and CO2e are set */
    int warnings;
} priori_sweep_info;
priori_status priori_sweep_summary(const priori_sweep_result *s, priori_sweep_info *out);

typedef enum priori_point_status {
    PRIORI_POINT_OK = 0,
    PRIORI_POINT_INCOMPLETE = 1,  /* some shape unknown at this point (see the warnings) */
    PRIORI_POINT_FAILED = 2       /* the analysis failed: error says why, the counts are 0 */
} priori_point_status;

/* One point: what a row of `priori sweep --format json` holds. */
typedef struct priori_sweep_point {
    int64_t at[2];              /* the value of each axis */
    priori_point_status status;
    const char *error;          /* PRIORI_POINT_FAILED: why; else NULL (belongs to the result) */
    uint64_t params, macs, flops, weight_bytes, activation_bytes, peak_activation_bytes;
    uint64_t bytes_read, bytes_written;
    double latency_s, energy_j, co2e_g;  /* with "hw", per inference (per call of the batch on a
                                            roofline profile); -1 without, or at a failed point */
    const char *regime;         /* roofline profiles: "launch", "compute" or "memory"; else NULL */
} priori_sweep_point;
/* Point i (0 .. points-1, in sweep order) into out. PRIORI_E_ARG out of range. */
priori_status priori_sweep_point_at(const priori_sweep_result *s, int i, priori_sweep_point *out);
/* Warnings of the sweep (every point's, each once, then the loader's): index
 * 0 .. warnings-1; NULL past the end. */
const char *priori_sweep_warning(const priori_sweep_result *s, int i);
/* The report `priori sweep --format F` writes (table, json, csv, md, html),
 * as priori_render and priori_write do for an analysis. */
char *priori_sweep_render(const priori_sweep_result *s, priori_format f, priori_error *err);
priori_status priori_sweep_write(const priori_sweep_result *s, priori_format f, FILE *out, priori_error *err);

/* ---- a generation request on a decoder with a KV cache (`priori llm`) ----
 * The prefill of "prompt" tokens and each of the "generate" decode steps
 * (both options are required), batch "batch" (default 1), with the KV
 * cache recognised as `priori llm` does ("kv-inputs" ... name what it cannot
 * find) and, with "hw", time and energy. Loads its own copy of the graph as
 * priori_analyze does; the result refers to m, which must outlive it, and
 * keeps no pointer into o. NULL on error: PRIORI_E_MODEL for a model with no
 * KV cache recognised (the message says what was looked for and which
 * option names it), PRIORI_E_ARG for a missing or bad option. Free with
 * priori_llm_free. */
typedef struct priori_llm_result priori_llm_result;
priori_llm_result *priori_llm(const priori_model *m, const priori_options *o, priori_error *err);
void priori_llm_free(priori_llm_result *l);

/* One forward call (the prefill, a decode step), or a sum of calls (every
 * decode step; the request: prefill + decode), for the whole batch. */
typedef struct priori_llm_call {
    int64_t context;            /* positions attended (of a sum: at its end) */
    int64_t past, new_tokens;   /* cached tokens before the call, tokens it reads */
    uint64_t macs, flops, bytes_read, bytes_written, activation_bytes;
    uint64_t kv_bytes;          /* the cache after the call */
    double latency_s, energy_j; /* with "hw"; else -1 */
    const char *regime;         /* with a roofline profile: "launch", "compute", "memory"; else NULL */
    int analysed;               /* 1 analysed (the prefill, a decode step at an analysed context);
                                   0 a decode step interpolated exactly, or a sum */
} priori_llm_call;

/* What `priori llm --format json` holds besides the steps. */
typedef struct priori_llm_info {
    int64_t prompt, generate, batch;
    priori_llm_call prefill, decode, request;   /* decode: the sum of the generate steps */
    uint64_t params, weight_bytes;              /* weights read by every call */
    uint64_t kv_bytes_per_token;                /* one sequence, one token, keys and values of every layer */
    uint64_t kv_bytes_end;                      /* the whole batch at prompt + generate tokens */
    uint64_t prefill_peak_activation_bytes, decode_peak_activation_bytes;   /* decode: at the last step */
    int interpolated;           /* 1: decode steps between the analysed ones interpolated exactly */
    int analysed_contexts;
    int complete;               /* 0: some shape was unknown (see the warnings) */
    const char *layout;         /* "optimum", "genai", "fused", "named" or "past" */
    const char *layout_how;     /* how the cache was recognised, one paragraph */
    int estimated;              /* 1 with "hw": the figures below are set (else -1) */
    double time_to_first_token_s, decode_s, tokens_per_s;
    double energy_per_request_j, energy_per_token_j, co2e_per_request_g;
    int warnings;
} priori_llm_info;
priori_status priori_llm_summary(const priori_llm_result *l, priori_llm_info *out);
/* Decode step i + 1 (i = 0 .. generate-1; context prompt + i + 1) into out.
 * PRIORI_E_ARG out of range. */
priori_status priori_llm_step(const priori_llm_result *l, int64_t i, priori_llm_call *out);
/* Warnings (the analyses', each once, then the loader's): 0 .. warnings-1;
 * NULL past the end. */
const char *priori_llm_warning(const priori_llm_result *l, int i);
/* The report `priori llm --format F` writes (table, json, csv, md, html). */
char *priori_llm_render(const priori_llm_result *l, priori_format f, priori_error *err);
priori_status priori_llm_write(const priori_llm_result *l, priori_format f, FILE *out, priori_error *err);

/* ---- design reviews and CI gates (the compare, diff and check commands) ----
 * Each analyses the models itself with options o (NULL: defaults) and returns
 * the rendered result as a malloc'ed string (priori_free), or NULL on error. */

/* `priori compare`: n >= 2 models side by side (table, json, csv, md). */
char *priori_compare(const char *const *paths, int n, const priori_options *o, priori_format f,
                     priori_error *err);
/* `priori diff OLD NEW`: layer-by-layer changes (table, json, csv, md);
 * all != 0 also lists the unchanged layers. */
char *priori_diff(const char *old_path, const char *new_path, const priori_options *o, int all,
                  priori_format f, priori_error *err);

/* `priori check`: the model against a budget file and/or a baseline report
 * with growth limits (NULL where not used; at least one of budget and
 * baseline). *passed is set to 1 when every limit holds, 0 when one is
 * breached (a breach is a result, not an error: the status is PRIORI_OK).
 * Formats table, json, csv, md, github. */
char *priori_check(const char *model_path, const char *budget_path, const char *baseline_path,
                   const char *max_growth, const priori_options *o, priori_format f, int *passed,
                   priori_error *err);

/* ---- listings (JSON with versioned schemas, as `--format json`) ---- */

/* The operator table (`priori ops --format json`). */
char *priori_ops_json(priori_error *err);
/* The hardware profiles of a database (`priori hw list --format json`);
 * db_dir NULL: the default database. */
char *priori_hw_profiles_json(const char *db_dir, priori_error *err);
/* One profile in detail (`priori hw show ID --format json`). */
char *priori_hw_profile_json(const char *db_dir, const char *id, priori_error *err);

#ifdef __cplusplus
}
#endif

#endif
