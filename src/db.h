/* db.h -- the measurement database (db/, three JSON files).
 *
 *   DIR/profiles.json  hardware profiles: key, spec values with source,
 *                      fitted coefficients, validation errors
 *   DIR/records.json   model features computed by priori, and measurement
 *                      records (J/sample, W, samples/s, latency, source)
 *   DIR/carbon.json    grid carbon intensity per country and cloud region
 *
 * The schema is written down in db/README.md. pr_db_load() validates every
 * field: a bad file is refused with "FILE: JSON.PATH: expected ..." and the
 * exit code PR_E_ARG (a database is configuration the user chose with
 * --db, not a model). Writers lock the folder, validate what they write
 * with the same rules and commit several files as one update (dbtxn.h):
 * a failed or interrupted write leaves the old or the new database.
 *
 * Ownership: struct pr_db owns every string and array it holds (malloc);
 * pr_db_free() releases them.
 */
#ifndef PR_DB_H
#define PR_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "names.h"

enum { PR_DB_VERSION = 1 };

/* Operator classes of the energy model (energy.c classifies layers). */
enum pr_eclass {
    PR_EC_DENSE,    /* MACs of Conv (group < C_in), ConvTranspose, Gemm, MatMul, attention, RNN */
    PR_EC_DW,       /* MACs of depthwise Conv (one input channel per group) */
    PR_EC_OTHER,    /* non-MAC FLOPs (FLOPs - 2*MACs): elementwise, pooling, bias, normalisation */
    PR_EC_COUNT
};
extern const char *const pr_eclass_name[PR_EC_COUNT];   /* "dense", "depthwise", "other" */

/* What the estimator needs of a model, as priori counts it. */
struct pr_features {
    double work[PR_EC_COUNT];          /* MACs (dense, depthwise), non-MAC FLOPs (other) */
    double macs, flops, bytes, params; /* bytes = bytes read + bytes written */
    double bytes_read, bytes_written;
    int layers;                        /* analysed nodes */
    int mac_layers;                    /* nodes with MACs: each costs a fixed dispatch */
};

/* Accelerator kernel classes of the roofline model (roofline.c). */
enum pr_kc {
    PR_KC_CONV,       /* Conv, ConvTranspose with group 1 */
    PR_KC_GEMM,       /* Gemm, MatMul with a weight, RNN, any other MAC layer */
    PR_KC_GROUPED,    /* Conv with group > 1 and several input channels per group (ResNeXt, RegNet) */
    PR_KC_ATTENTION,  /* products of two activations (Q.K^T, P.V), attention operators */
    PR_KC_ELTWISE,    /* no MACs: elementwise, normalisation, pooling, copies */
    PR_KC_DEPTHWISE,  /* Conv with one input channel per group (last: older databases' class
                         numbers stay valid; their depthwise kernels are grouped ones) */
    PR_KC_COUNT
};
extern const char *const pr_kc_name[PR_KC_COUNT];   /* "conv", "gemm", "grouped", "attention", "eltwise",
                                                       "depthwise" */

/* When a kernel runs: in every call, or only in inference or only in
 * training (an eager fast path that inference takes and training does
 * not: roofline.c mark_mha_fast_path), or only in inference or training
 * at 16-bit precision (eager's native BatchNorm: roofline.c
 * native_batch_norm), or in every call but launched by an op after its
 * first kernel (a convolution's own bias add: roofline.c conv_companion).
 * The last three are kernels an op launches from C++: their host time is
 * t_sub, not an eager op's t_launch. */
enum pr_kmode { PR_KM_BOTH, PR_KM_INFER, PR_KM_TRAIN, PR_KM_HALF_INFER, PR_KM_HALF_TRAIN, PR_KM_IN_OP, PR_KM_COUNT };

/* count identical kernels of one class, each doing macs MACs (eltwise:
 * flops non-MAC FLOPs) and moving bytes bytes (read + written, at the
 * graph's element types). */
struct pr_kgroup {
    int cls;                           /* enum pr_kc */
    double count, macs, flops, bytes;
    int mode;                          /* enum pr_kmode */
};

struct pr_db_model {
    char *name, *family, *input, *source;
    struct pr_features f;
    /* optional (GPU records): the graph the entry was computed from (the
     * name shared by its batch sizes; "" = name), the batch it was bound
     * to, bytes per element of its floating tensors, and its kernels */
    char *graph;
    int batch;
    double float_bytes;
    struct pr_kgroup *kernels;
    int nkernels;
};

enum pr_method {
    PR_METHOD_NONE,    /* not calibrated yet */
    PR_METHOD_FITTED,  /* coefficients fitted on >= PR_FIT_MIN_MODELS models */
    PR_METHOD_ANCHOR,  /* fewer models: energy scaled from the anchors by MACs */
    PR_METHOD_SPEC     /* no measurements: roofline + TDP from spec values */
};
extern const char *const pr_method_name[];   /* "none", "fitted", "anchor", "spec-only" */

/* Fitted energy model (J):
 *   E = e_fixed + sum_c work_c*e_class[c] + bytes*e_byte + mac_layers*e_layer
 * latency (s): the same form with the t_ coefficients. */
struct pr_coef {
    double e_fixed, e_class[PR_EC_COUNT], e_byte, e_layer;
    double t_fixed, t_class[PR_EC_COUNT], t_byte, t_layer;
};

/* Errors measured by validation, in percent (-1: not measured). */
struct pr_valid {
    int models;                        /* distinct models measured */
    double loo_median, loo_p90;        /* leave-one-model-out |error| */
    double xfam_median;                /* cross-family |error| */
    double lat_loo_median;             /* latency, leave-one-model-out */
    double lat_loo_p90, lat_xfam_median;   /* latency p90, leave-one-family-out (roofline profiles) */
};

/* Roofline model of an accelerator (roofline.c, where the formulas are),
 * fitted per (hardware, precision) over all batch sizes: per kernel
 *   device d = t_min + max(work / rate[class], bytes * byte_scale / bw[class]), host h = t_launch[class]
 *   latency = t_fixed + (H^4 + D^4)^(1/4), H = sum h, D = sum d
 *   E = p_static * latency + sum (work * e_work[class] + bytes * byte_scale * e_byte) + kernels * e_launch */
struct pr_roof {
    double t_launch[PR_KC_COUNT];      /* s per kernel (floor: launch and framework overhead) */
    double t_fixed;                    /* s per call */
    double t_sub;                      /* s: host time of a kernel an op launches after its first */
    double t_min;                      /* s: shortest kernel on the device */
    double rate[PR_KC_COUNT];          /* MAC/s (eltwise: FLOP/s) */
    double bw[PR_KC_COUNT];            /* B/s */
    double p_static;                   /* W */
    double e_work[PR_KC_COUNT];        /* J per MAC (eltwise: per FLOP) */
    double e_byte, e_launch;           /* J/B, J per kernel */
    double elem_bytes;                 /* bytes per element at the profile's precision (4 fp32, 2 fp16) */
    int train;                         /* 1: a training profile (forward + backward + optimizer) */
    /* coefficients the fit could not identify (fit_roof.c): bit c rate[c]
     * and bit PR_KC_COUNT + c bw[c] decide no measured kernel's time (any
     * value of them fits the rows alike: the fit left them at a start
     * value or a bound); bit 2 PR_KC_COUNT + c e_work[c]: no row has work
     * of class c. 0: all identified (or not known, a profile written by
     * hand). */
    unsigned unidentified;
};

struct pr_spec {
    double peak_ops;        /* ops/s at the profile's precision (MAC = 2 ops); 0 unknown */
    double peak_ops_conv;   /* ops/s of convolutions when they run faster (fp32 on TF32 tensor cores); 0 = peak_ops */
    double mem_bw;          /* bytes/s; 0 unknown */
    double tdp_w;           /* W; 0 unknown */
    double idle_w;          /* W; 0 unknown */
    int cores;              /* for Green Algorithms; 0 unknown */
    double mem_gb;          /* memory size for Green Algorithms; 0 unknown */
    char *source;
};

struct pr_profile {
    char *id;               /* "<hw>/<precision>/<scenario>" */
    char *hw;               /* what --hw names */
    char *hardware, *runtime, *precision, *scenario, *boundary;
    int batch;              /* samples per query; 0 unknown */
    struct pr_spec spec;
    enum pr_method method;
    struct pr_coef coef;
    struct pr_valid valid;
    bool has_roof;          /* "roofline" present: estimates use it instead of coef */
    struct pr_roof roof;
};

struct pr_db_record {
    char *model, *profile, *source;
    char *precision;        /* as measured ("fp32", "int8") */
    int batch;
    double j_per_sample;    /* > 0 */
    double watts, samples_per_s, latency_s;   /* 0 unknown */
    int run;                /* measurement campaign (0 unknown) */
    char *note;             /* how it was measured ("" none) */
    char *excluded;         /* why calibration leaves it out ("" = used) */
};

struct pr_carbon {
    char *code;             /* ISO 3166 alpha-3, or "provider:region" */
    char *name, *source;
    double g_per_kwh;
    int year;               /* 0 unknown */
};

struct pr_db {
    char *dir;
    struct pr_profile *profiles;  int nprofiles;
    struct pr_db_model *models;   int nmodels;
    struct pr_db_record *records; int nrecords;
    struct pr_carbon *carbon;     int ncarbon;
    double world_g_per_kwh;       /* default intensity (475) */
    char *world_source;
    struct pr_names profile_index; /* id -> index in profiles (keys owned by profiles) */
    struct pr_names model_index;   /* name -> index in models */
    const char *recovered;         /* pr_db_load: pr_db_lock's note of an interrupted update, or NULL */
};

/* The database folder: $PRIORI_DB, else the db/ next to the running
 * program (<exe dir>/db or <exe dir>/../db), else the installed one
 * (PRIORI_SHARE_DB), else "db". Returns buf (size bytes, PR_DB_DIR_MAX is
 * enough) or a string of static or environment storage. */
enum { PR_DB_DIR_MAX = 4096 };
const char *pr_db_default_dir(char *buf, size_t size);

/* Loads and validates DIR's three files, holding the database's lock
 * shared (dbtxn.h) while it reads. 0, or -1 with err (PR_E_ARG for a
 * malformed or missing file, PR_E_INTERNAL for out of memory,
 * PR_E_IO when the lock or an interrupted update fails). db->recovered
 * (dbtxn.h) is set even when it fails. */
int pr_db_load(struct pr_db *db, const char *dir, struct pr_err *err);
/* The same for a caller that holds the lock (a writer: pr_db_lock(...,
 * true, ...) before it reads, pr_db_unlock() after its update). */
int pr_db_load_locked(struct pr_db *db, const char *dir, struct pr_err *err);
void pr_db_free(struct pr_db *db);

/* Rewrites profiles.json and/or records.json from db as one update: the
 * new texts are first loaded back with the loader's rules (a refused
 * value: -1 with PR_E_ARG, nothing written), then committed
 * (dbtxn.h). The caller holds the exclusive lock. 0 / -1 with err. */
enum { PR_DB_PROFILES = 1, PR_DB_RECORDS = 2 };
int pr_db_save(const struct pr_db *db, unsigned which, struct pr_err *err);
int pr_db_write_profiles(const struct pr_db *db, struct pr_err *err);
int pr_db_write_records(const struct pr_db *db, struct pr_err *err);

const struct pr_profile *pr_db_profile(const struct pr_db *db, const char *id);
const struct pr_db_model *pr_db_model_find(const struct pr_db *db, const char *name);
/* The profile for --hw HW, precision and scenario (NULL: any, preferring
 * fp32 and single). NULL when none matches. */
const struct pr_profile *pr_db_select(const struct pr_db *db, const char *hw, const char *precision,
                                      const char *scenario);
/* Intensity for an ISO code or "provider:region"; NULL when unknown. */
const struct pr_carbon *pr_db_carbon(const struct pr_db *db, const char *code);

/* Appends (copies) a model's features / a record; 0 / -1 out of memory. */
int pr_db_add_model(struct pr_db *db, const struct pr_db_model *m);
/* Replaces models[i] by a copy of m (the old entry is freed; the name
 * index follows). 0 / -1 on out of memory (db unchanged). */
int pr_db_replace_model(struct pr_db *db, int i, const struct pr_db_model *m);
int pr_db_add_record(struct pr_db *db, const struct pr_db_record *r);
/* Appends a new profile (its strings copied; NULL ones become ""). 0 / -1 out of memory. */
int pr_db_add_profile(struct pr_db *db, const struct pr_profile *p);

/* The model as one line of JSON (a records.json "models" entry); malloc'ed, NULL on OOM. */
char *pr_db_model_print(const struct pr_db_model *m);
/* A profile, a record and a model as the database files write them (for
 * `priori hw show` and `db features` with --format json); a new tree the caller deletes, NULL out of memory. */
struct cJSON;
struct cJSON *pr_db_profile_json(const struct pr_profile *p);
struct cJSON *pr_db_record_json(const struct pr_db_record *r);
struct cJSON *pr_db_model_json(const struct pr_db_model *m);

/* CodeCarbon emissions.csv: energy_consumed (kWh) and duration (s) of its
 * last data row, read as RFC 4180 CSV (codecarbon.c). 0, or -1 with err
 * (PR_E_ARG bad file, PR_E_IO). _parse: the same on text in memory. */
int pr_codecarbon_read(const char *path, double *kwh, double *duration_s, struct pr_err *err);
int pr_codecarbon_parse(const char *text, size_t len, const char *path, double *kwh, double *duration_s,
                        struct pr_err *err);

#endif
