/* energy_cli.c -- the --hw family of options, shared by analyze, compare,
 * check and diff (see energy.h): parsing, the checks of their combination,
 * loading the database and choosing the profile.
 */
#include "energy_cli.h"

#include <math.h>
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
    const char **s = strcmp(opt, "--hw") == 0 ? &a->hw : strcmp(opt, "--precision") == 0 ? &a->precision
                   : strcmp(opt, "--scenario") == 0 ? &a->scenario : strcmp(opt, "--region") == 0 ? &a->region
                   : strcmp(opt, "--db") == 0 ? &a->db : NULL;
    if (s) {
        if (!*val)
            return pr_cli_usage_error(cmd, "%s: expected a value, got an empty string", opt);
        *s = val;
        return 1;
    }
    if (strcmp(opt, "--carbon") == 0 || strcmp(opt, "--pue") == 0) {
        char *end;
        double v = strtod(val, &end);
        bool pue = opt[2] == 'p';
        if (*end || !*val || !isfinite(v) || v < (pue ? 1 : 0) || v > (pue ? 10 : 1e5))
            return pr_cli_usage_error(cmd, "%s %s: expected %s", opt, val,
                                      pue ? "a number from 1 to 10" : "g CO2e per kWh, from 0 to 100000");
        *(pue ? &a->pue : &a->carbon) = v;
        return 1;
    }
    long long *n = strcmp(opt, "--inferences") == 0 ? &a->inferences : strcmp(opt, "--batch") == 0 ? &a->batch
                 : strcmp(opt, "--samples") == 0 ? &a->samples : strcmp(opt, "--epochs") == 0 ? &a->epochs
                 : strcmp(opt, "--dataset-size") == 0 ? &a->dataset_size : NULL;
    if (n) {
        if (pr_cli_parse_int(val, 1, (1LL << 50), n) < 0)
            return pr_cli_usage_error(cmd, "%s %s: expected a positive integer", opt, val);
        return 1;
    }
    return 0;
}

int pr_energy_args_check(const struct pr_energy_args *a, const char *cmd)
{
    if (!a->hw && (a->precision || a->scenario || a->region || a->carbon || a->pue || a->inferences || a->db))
        return pr_cli_usage_error(cmd, "%s", "--precision, --scenario, --region, --carbon, --pue, --db and "
                                  "--inferences need --hw ID");
    if (a->region && a->carbon)
        return pr_cli_usage_error(cmd, "%s", "give --region or --carbon, not both");
    if (a->train && !a->hw)
        return pr_cli_usage_error(cmd, "%s", "--train needs --hw ID (a GPU profile; see 'priori hw list')");
    if (!a->train && (a->samples || a->epochs || a->dataset_size))
        return pr_cli_usage_error(cmd, "%s", "--samples, --epochs and --dataset-size need --train");
    if (a->samples && (a->epochs || a->dataset_size))
        return pr_cli_usage_error(cmd, "%s", "give --samples N or --epochs E --dataset-size N, not both");
    if (!a->epochs != !a->dataset_size)
        return pr_cli_usage_error(cmd, "%s", "--epochs and --dataset-size go together");
    return 0;
}

const char *pr_energy_db_dir(const struct pr_energy_args *a)
{
    return !a->hw ? NULL : a->db ? a->db : pr_db_default_dir();
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
    if (recovered)
        fprintf(stderr, "priori: warning: %s: an interrupted update of the database was found and %s\n", dir,
                recovered);
    if (rc < 0) {
        fprintf(stderr, "priori: %s\n", err->msg);
        pr_db_unlock(lock);
        return (int)err->code;
    }
    return PR_EXIT_OK;
}

int pr_hw_open(struct pr_hw *h, const struct pr_energy_args *a)
{
    memset(h, 0, sizeof *h);
    if (!a->hw)
        return PR_EXIT_OK;
    struct pr_db_lock lock;
    struct pr_err err = {0};
    int rc = pr_db_open(&h->db, &lock, a->db ? a->db : pr_db_default_dir(), false, &err);
    if (rc)
        return rc;
    h->profile = pr_db_select(&h->db, a->hw, a->precision, a->train && !a->scenario ? "train" : a->scenario);
    if (!h->profile) {
        fprintf(stderr, "priori: --hw %s%s%s%s%s: no such hardware profile in %s; see 'priori hw list'\n", a->hw,
                a->precision ? " --precision " : "", a->precision ? a->precision : "",
                a->scenario ? " --scenario " : "", a->scenario ? a->scenario : "", h->db.dir);
        return PR_EXIT_USAGE;
    }
    struct pr_energy_opts *o = &h->opts;
    o->pue = a->pue ? a->pue : 1;
    o->inferences = (uint64_t)a->inferences;
    o->train = a->train;
    o->run_samples = a->samples ? (double)a->samples : (double)a->epochs * (double)a->dataset_size;
    o->g_per_kwh = h->db.world_g_per_kwh;
    o->carbon_source = h->db.world_source;
    if (a->carbon) {
        o->g_per_kwh = a->carbon;
        o->carbon_source = "--carbon";
    } else if (a->region) {
        const struct pr_carbon *c = pr_db_carbon(&h->db, a->region);
        if (!c) {
            h->profile = NULL;
            fprintf(stderr, "priori: --region %s: not in %s/carbon.json; give an ISO alpha-3 country code "
                            "(FRA), a cloud region (gcp:europe-west1) or --carbon G\n", a->region, h->db.dir);
            return PR_EXIT_USAGE;
        }
        o->g_per_kwh = c->g_per_kwh;
        o->carbon_source = c->name && *c->name ? c->name : c->code;
    }
    return PR_EXIT_OK;
}

void pr_hw_close(struct pr_hw *h)
{
    pr_db_free(&h->db);
    memset(h, 0, sizeof *h);
}
