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
/* Fits p->roof on its records, validates it (held out by model and by
 * family, Spearman per batch, baselines when asked), prints the lines of
 * the calibrate table and fills p->valid. 0, or -1 on OOM. */
int pr_calibrate_roof(const struct pr_db *db, struct pr_profile *p, bool baselines);

#endif
