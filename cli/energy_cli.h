/* energy_cli.h -- the --hw family of options of the command line.
 *
 * analyze, compare, check and diff take the same options and make the
 * estimate the same way: pr_energy_option() parses one of them,
 * pr_energy_args_check() the combination, pr_hw_open() loads the database
 * and selects the profile (before any model is read, so that a bad --db or
 * --hw fails fast). The reading is the library's (src/optval.h, shared with
 * the C API); messages go to stderr here, in cli/, never in src/.
 */
#ifndef PR_ENERGY_CLI_H
#define PR_ENERGY_CLI_H

#include <stdbool.h>

#include "db.h"
#include "dbtxn.h"
#include "energy.h"
#include "model.h"
#include "optval.h"

/* True when opt is one of the --hw family that takes a value (compare's;
 * with inferences analyze's, which adds --inferences and the training ones). */
bool pr_energy_is_option(const char *opt, bool inferences);
/* If opt is one of the --hw family (cli/options.def rows of kind ENERGY), parses val into a and returns 1; 0 for any other
 * option; PR_E_ARG (message printed, naming cmd) on a bad value. */
int pr_energy_option(struct pr_energy_args *a, const char *cmd, const char *opt, const char *val);
/* After parsing: the other options need --hw; --region or --carbon, not
 * both. 0 or PR_E_ARG (message printed). */
int pr_energy_args_check(const struct pr_energy_args *a, const char *cmd);

/* Loads the database of dir into db: for an update (a writer) under lock,
 * locked exclusive and held on success (the caller unlocks it after its
 * update), else read under a shared lock released at once (lock->fd -1).
 * Prints the warning of an interrupted update it finished, and the error
 * (also left in err). Exit code; on error db holds nothing and the lock is
 * released. */
int pr_db_open(struct pr_db *db, struct pr_db_lock *lock, const char *dir, bool update, struct pr_err *err);

/* The start of a command cmd that analyses one model and writes a report:
 * the --hw family checked, output refused when it would overwrite the model or the database,
 * the --hw profile opened (h; pr_hw_close it either way), the model
 * loaded with its warnings (on success the caller frees m and diag).
 * Exit code; every message printed. */
int pr_cli_open_model(const char *cmd, const char *model, const char *output, const struct pr_energy_args *a, struct pr_hw *h,
                      struct pr_model *m, struct pr_diag *diag);

/* pr_hw_load (optval.h) printing its message and the warning of an
 * interrupted database update it finished. Exit code. */
int pr_hw_open(struct pr_hw *h, const struct pr_energy_args *a);

#endif
