/* calibrate_roof.h -- `priori calibrate` of roofline (GPU) profiles
 * (calibrate_roof.c): which profiles are, and their fit and validation. */
#ifndef PR_CALIBRATE_ROOF_H
#define PR_CALIBRATE_ROOF_H

#include <stdbool.h>

#include "db.h"

/* True when every record of p names a model with kernels (cmd_import.c). */
bool pr_profile_is_roof(const struct pr_db *db, const struct pr_profile *p);
/* Bytes per element at a precision name: fp16/bf16* 2, int8/fp8 1, else 4. */
double pr_precision_bytes(const char *precision);
enum { PR_ROOF_BATCHES = 64 };   /* batch sizes ranked, at most */

struct pr_roof_rank {
    int batch, models;   /* a batch size and the models measured at it (>= 3) */
    double rho;          /* Spearman of held-out predicted vs measured energy per sample */
};

/* What pr_calibrate_roof found: the lines of the calibrate table, which
 * cli/ prints (the fitted coefficients are in p->roof). Errors are
 * |error| in percent, -1 when unknown. */
struct pr_roof_report {
    bool counted;        /* the records were read: models and rows are set */
    int models, rows;    /* distinct models, rows fitted */
    bool fitted;         /* models >= PR_FIT_MIN_MODELS: the rest is set */
    int nkinds;          /* err rows: the roofline, then (--baselines) E ~ MACs, E = a + b*MACs */
    double err[3][6];    /* energy per sample LOMO median, p90, LOFO median; latency the same */
    double fit_err[4];   /* the roofline fitted on every row, on those rows (no hold-out: what its
                            features can explain at best): energy median, p90; latency median, p90 */
    int nspearman;       /* with nkinds > 0: per batch size, in order of first appearance */
    struct pr_roof_rank spearman[PR_ROOF_BATCHES];
    bool tdp;            /* TDP x measured latency (--baselines, a TDP known): */
    double tdp_err[2];   /* its energy LOMO median and p90 */
};

/* Fits p->roof on its records, validates it (held out by model and by
 * family, Spearman per batch, baselines when asked), fills p->valid and
 * out. Prints nothing. 0, or -1 on OOM (out says how far it got). */
int pr_calibrate_roof(const struct pr_db *db, struct pr_profile *p, bool baselines, struct pr_roof_report *out);

#endif
