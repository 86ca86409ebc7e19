/* cmd_hw.c -- `priori hw list` and `priori hw show ID`: the hardware
 * profiles of the energy database, their measurements and validated error. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "db.h"
#include "energy.h"
#include "roofline.h"

const char pr_usage_hw[] =
    "usage: priori hw list [--db DIR] [FILTER]\n"
    "       priori hw show ID [--db DIR]\n"
    "\n"
    "list  every profile (or those whose id contains FILTER): method, number of\n"
    "      measured models, validated leave-one-out median |error| of energy\n"
    "show  one profile (ID is a profile id, or a --hw name: all its profiles):\n"
    "      key, spec values with source, coefficients, validation, anchors\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, bad database or unknown ID\n";

static int measured_models(const struct pr_db *db, const struct pr_profile *p, int *records)
{
    int models = 0;
    *records = 0;
    for (int i = 0; i < db->nrecords; i++) {
        if (strcmp(db->records[i].profile, p->id) != 0)
            continue;
        ++*records;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(db->records[j].profile, p->id) == 0 && strcmp(db->records[j].model, db->records[i].model) == 0;
        models += !seen;
    }
    return models;
}

static const char *err_text(double v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", v);
    return buf;
}

static void list(const struct pr_db *db, const char *filter)
{
    printf("%-58s %-9s %6s %9s  %s\n", "profile (--hw NAME --precision P --scenario S)", "method", "models",
           "LOO err", "hardware");
    for (int i = 0; i < db->nprofiles; i++) {
        const struct pr_profile *p = &db->profiles[i];
        if (filter && !strstr(p->id, filter))
            continue;
        int records, models = measured_models(db, p, &records);
        if (p->has_roof)
            models = p->valid.models;   /* GPU entries are one per measured batch */
        char b[16];
        double e = p->method == PR_METHOD_FITTED ? p->valid.loo_median
                   : p->method == PR_METHOD_ANCHOR ? PR_ANCHOR_UNCERTAINTY_PCT
                   : p->method == PR_METHOD_SPEC ? PR_SPEC_UNCERTAINTY_PCT : -1;
        printf("%-58s %-9s %6d %9s  %s\n", p->id, pr_method_name[p->method], models,
               p->method == PR_METHOD_FITTED ? err_text(e, b, sizeof b) : e < 0 ? "-" : (snprintf(b, sizeof b, "~%.0f%%", e), b),
               p->hardware);
    }
}

static void show(const struct pr_db *db, const struct pr_profile *p)
{
    int records, models = measured_models(db, p, &records);
    const struct pr_spec *s = &p->spec;
    const struct pr_coef *c = &p->coef;
    char b[4][16];
    printf("profile    %s\n", p->id);
    printf("hardware   %s\nruntime    %s\nprecision  %s\nscenario   %s (batch %d)\nboundary   %s\n", p->hardware,
           p->runtime, p->precision, p->scenario, p->batch, p->boundary);
    printf("method     %s\n", pr_method_name[p->method]);
    printf("spec       peak %.4g ops/s, memory %.4g B/s, TDP %.4g W, idle %.4g W, %d cores, %.4g GB (0 = unknown)\n",
           s->peak_ops, s->mem_bw, s->tdp_w, s->idle_w, s->cores, s->mem_gb);
    printf("           source: %s\n", s->source && *s->source ? s->source : "-");
    if (p->has_roof) {   /* GPU profiles: the roofline coefficients (report_roof.c) */
        pr_report_roof_coef(stdout, &p->roof);
        models = p->valid.models;
    } else if (p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR) {
        printf("energy     fixed %.4g J + %.4g J/MAC dense + %.4g J/MAC depthwise + %.4g J/FLOP other\n"
               "           + %.4g J/byte + %.4g J per MAC layer\n", c->e_fixed, c->e_class[PR_EC_DENSE],
               c->e_class[PR_EC_DW], c->e_class[PR_EC_OTHER], c->e_byte, c->e_layer);
        printf("latency    fixed %.4g s + %.4g s/MAC dense + %.4g s/MAC depthwise + %.4g s/FLOP other\n"
               "           + %.4g s/byte + %.4g s per MAC layer\n", c->t_fixed, c->t_class[PR_EC_DENSE],
               c->t_class[PR_EC_DW], c->t_class[PR_EC_OTHER], c->t_byte, c->t_layer);
        if (s->peak_ops > 0 && c->t_class[PR_EC_DENSE] > 0)
            printf("           roofline efficiency of dense MACs: %.1f%% of peak\n",
                   100 * 2 / (c->t_class[PR_EC_DENSE] * s->peak_ops));
    }
    printf("validation %d models: leave-one-out median %s, p90 %s; cross-family median %s; latency %s\n", models,
           err_text(p->valid.loo_median, b[0], 16), err_text(p->valid.loo_p90, b[1], 16),
           err_text(p->valid.xfam_median, b[2], 16), err_text(p->valid.lat_loo_median, b[3], 16));
    printf("anchors    %d measurements\n", records);
    int shown = 0;
    for (int i = 0; i < db->nrecords && shown < 200; i++) {
        const struct pr_db_record *r = &db->records[i];
        if (strcmp(r->profile, p->id) != 0)
            continue;
        shown++;
        printf("  %-42s %10.4g J/inference", r->model, r->j_per_sample);
        if (r->latency_s > 0)
            printf(" %10.4g ms", r->latency_s * 1e3);
        if (r->watts > 0)
            printf(" %8.3g W", r->watts);
        printf("  %s%s%s\n", r->source, r->excluded && *r->excluded ? "; excluded: " : "",
               r->excluded ? r->excluded : "");
    }
}

int pr_cmd_hw(int argc, char **argv)
{
    const char *dir = NULL, *sub = NULL, *arg1 = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(pr_usage_hw, stdout);
            return PR_EXIT_OK;
        } else if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= argc)
                return pr_cli_usage_error("hw", "%s", "option --db needs a value");
            dir = argv[++i];
        } else if (argv[i][0] == '-') {
            return pr_cli_usage_error("hw", "unknown option %s", argv[i]);
        } else if (!sub) {
            sub = argv[i];
        } else if (!arg1) {
            arg1 = argv[i];
        } else {
            return pr_cli_usage_error("hw", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!sub || (strcmp(sub, "list") && strcmp(sub, "show")))
        return pr_cli_usage_error("hw", "%s", "hw needs a subcommand: list or show ID");
    if (strcmp(sub, "show") == 0 && !arg1)
        return pr_cli_usage_error("hw", "%s", "hw show needs a profile id (see 'priori hw list')");
    struct pr_db db;
    struct pr_err err = {0};
    if (pr_db_load(&db, dir ? dir : pr_db_default_dir(), &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    int rc = PR_EXIT_OK;
    if (strcmp(sub, "list") == 0) {
        list(&db, arg1);
    } else {
        int found = 0;
        for (int i = 0; i < db.nprofiles; i++)
            if (strcmp(db.profiles[i].id, arg1) == 0 || strcmp(db.profiles[i].hw, arg1) == 0) {
                if (found++)
                    putchar('\n');
                show(&db, &db.profiles[i]);
            }
        if (!found) {
            fprintf(stderr, "priori: no hardware profile '%s' in %s; see 'priori hw list'\n", arg1, db.dir);
            rc = PR_EXIT_USAGE;
        }
    }
    pr_db_free(&db);
    return rc;
}
