/* energy_cli.h -- the --hw family of options of the command line.
 *
 * analyze, compare, check and diff take the same options and make the
 * estimate the same way: pr_energy_option() parses one of them,
 * pr_energy_args_check() the combination, pr_hw_open() loads the database
 * and selects the profile (before any model is read, so that a bad --db or
 * --hw fails fast). Messages go to stderr here, in cli/, never in src/.
 */
#ifndef PR_ENERGY_CLI_H
#define PR_ENERGY_CLI_H

#include <stdbool.h>

#include "db.h"
#include "energy.h"

#define PR_USAGE_ENERGY                                                                                     \
    "energy (see 'priori hw list'):\n"                                                                      \
    "  --hw ID              estimate latency, energy and CO2e per inference on hardware ID\n"               \
    "  --precision P        fp32, fp16 or int8 (default: fp32 where measured)\n"                            \
    "  --scenario S         single or offline (also multi, server; default single)\n"                       \
    "  --region CODE        carbon intensity of a country (ISO alpha-3, e.g. FRA) or cloud\n"               \
    "                       region (e.g. gcp:europe-west1); default world average 475 g/kWh\n"              \
    "  --carbon G           carbon intensity in g CO2e per kWh\n"                                           \
    "  --pue X              data-centre power usage effectiveness (default 1)\n"                            \
    "  --train              (analyze, GPU profiles) a training step: forward, backward, optimizer\n"     \
    "  --batch N            (analyze) the batch: the same as --dim batch=N\n"                               \
    "  --samples N          (analyze --train) energy of a run over N samples\n"                              \
    "  --epochs E --dataset-size N   (analyze --train) the same for E epochs of N samples\n"               \
    "  --db DIR             the measurement database (default $PRIORI_DB or db)\n"

struct pr_energy_args {
    const char *hw, *precision, *scenario, *region, *db;
    double carbon, pue;         /* 0: not given */
    long long inferences;       /* --inferences (analyze only); 0: not given */
    /* analyze --train [--batch N] [--samples N | --epochs E --dataset-size N] */
    bool train;
    long long batch, samples, epochs, dataset_size;   /* 0: not given */
};

/* True when opt is one of the options above (all take a value); with
 * inferences also --inferences. */
bool pr_energy_is_option(const char *opt, bool inferences);
/* If opt is one of them, parses val into a and returns 1; 0 for any other
 * option; PR_EXIT_USAGE (message printed, naming cmd) on a bad value. */
int pr_energy_option(struct pr_energy_args *a, const char *cmd, const char *opt, const char *val);
/* After parsing: the other options need --hw; --region or --carbon, not
 * both. 0 or PR_EXIT_USAGE (message printed). */
int pr_energy_args_check(const struct pr_energy_args *a, const char *cmd);

/* A loaded database, the chosen profile and the estimate options. */
struct pr_hw {
    struct pr_db db;
    const struct pr_profile *profile;   /* NULL: no --hw */
    struct pr_energy_opts opts;
};
/* Nothing to do without --hw (profile stays NULL). Exit code; on error the
 * message is printed: a bad database, an unknown --hw or --region. */
int pr_hw_open(struct pr_hw *h, const struct pr_energy_args *a);
void pr_hw_close(struct pr_hw *h);

#endif
