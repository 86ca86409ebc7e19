/* report_listing.h -- the JSON documents of the listings (report_listing.c):
 * `priori ops`, `priori hw list` and `priori hw show` with --format json,
 * built once for the command line and the C API. Each returns a tree built
 * with b (json.h: a failed allocation marks b, print with pr_jb_print).
 */
#ifndef PR_REPORT_LISTING_H
#define PR_REPORT_LISTING_H

#include "db.h"
#include "json.h"
#include "op.h"

/* The operator table sorted by domain, then operator name. */
void pr_ops_sorted(const struct pr_op *rows[PR_OP_COUNT]);
/* "ai.onnx" for the default domain, else the domain. */
const char *pr_op_domain(const struct pr_op *op);
/* {"schema": "priori-ops", "version": 1, "operators": [...]} */
cJSON *pr_ops_json(struct pr_jb *b);

/* Models measured for p: distinct models of its records (*records: how
 * many records); GPU profiles count their validated models. */
int pr_profile_models(const struct pr_db *db, const struct pr_profile *p, int *records);
/* The typical |error| of energy in percent: validated for fitted profiles,
 * assumed for the others (energy.h); -1 none. */
double pr_profile_error(const struct pr_profile *p);
/* {"schema": "priori-hw-list", ...}: every profile whose id contains
 * filter (NULL: all). */
cJSON *pr_hw_list_json(struct pr_jb *b, const struct pr_db *db, const char *filter);
/* {"schema": "priori-hw-show", ...}: every profile id names (a profile id
 * or a --hw name) with its records. */
cJSON *pr_hw_show_json(struct pr_jb *b, const struct pr_db *db, const char *id);
/* Whether id names a profile of db (its id or its --hw name). */
bool pr_hw_named(const struct pr_db *db, const char *id);

#endif
