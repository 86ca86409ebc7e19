/* energy_cli.c -- the --hw family of options, shared by analyze, compare,
 * check and diff (see energy_cli.h): the messages of the library's reading
 * (optval.c), the checks of their combination, loading the database and
 * choosing the profile.
 */
#include "energy_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

bool pr_energy_is_option(const char *opt, bool inferences)
{
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct pr_opt_row *r = &pr_opt_table[i];
        if (r->kind == K_ENERGY && r->value && strcmp(opt, r->name) == 0 &&
            (r->cmds & (inferences ? C_ANALYZE : C_COMPARE)))
            return true;
    }
    return false;
}

int pr_energy_option(struct pr_energy_args *a, const char *cmd, const char *opt, const char *val)
{
    struct pr_err err = {0};
    int rc = pr_energy_read(a, opt, val, &err);
    return rc >= 0 ? rc : pr_cli_usage_error(cmd, "%s", err.msg);
}

int pr_energy_args_check(const struct pr_energy_args *a, const char *cmd)
{
    struct pr_err err = {0};
    return pr_energy_check(a, &err) < 0 ? pr_cli_usage_error(cmd, "%s", err.msg) : 0;
}

/* The note of an interrupted database update that was finished (NULL: none). */
static void warn_recovered(const char *dir, const char *recovered)
{
    if (recovered)
        fprintf(stderr, "priori: warning: %s: an interrupted update of the database was found and %s\n", dir,
                recovered);
}

int pr_db_open(struct pr_db *db, struct pr_db_lock *lock, const char *dir, bool update, struct pr_err *err)
{
    const char *recovered;
    int rc;
    if (update) {
        rc = pr_db_lock(lock, dir, true, err);
        recovered = lock->recovered;
        if (rc == 0)
            rc = pr_db_load_locked(db, dir, err);
    } else {
        *lock = (struct pr_db_lock){.fd = -1};
        rc = pr_db_load(db, dir, err);
        recovered = db->recovered;
    }
    warn_recovered(dir, recovered);
    if (rc < 0) {
        fprintf(stderr, "priori: %s\n", err->msg);
        pr_db_unlock(lock);
        return (int)err->code;
    }
    return PR_OK;
}

int pr_hw_open(struct pr_hw *h, const struct pr_energy_args *a)
{
    struct pr_err err = {0};
    int rc = pr_hw_load(h, a, NULL, &err);
    warn_recovered(h->db.dir, h->db.recovered);
    if (rc < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    return PR_OK;
}

int pr_cli_open_model(const char *cmd, const char *model, const char *output, const struct pr_energy_args *a, struct pr_hw *h,
                      struct pr_model *m, struct pr_diag *diag)
{
    char dbdir[PR_DB_DIR_MAX];
    int rc = pr_energy_args_check(a, cmd);
    if (rc == 0)
        rc = pr_cli_output_guard(output, &model, 1, a->hw ? pr_energy_db_dir(a, dbdir, sizeof dbdir) : NULL);
    if (rc == 0)
        rc = pr_hw_open(h, a);
    if (rc == 0)
        rc = pr_cli_load(model, m, diag);
    return rc;
}
