/* cmd_hw.c -- `priori hw list` and `priori hw show ID`: the hardware
 * profiles of the energy database, their measurements and validated error. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "db.h"
#include "energy.h"
#include "report_listing.h"
#include "roofline.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON};

const struct pr_cmd_spec pr_spec_hw = {
    .name = "hw",
    .id = C_HW,
    .synopsis =
        "usage: priori hw list [--db DIR] [--format table|json] [FILTER]\n"
        "       priori hw show ID [--db DIR] [--format table|json]\n"
        "\n"
        "list  every profile (or those whose id contains FILTER): method, number of\n"
        "      measured models, validated leave-one-out median |error| of energy\n"
        "show  one profile (ID is a profile id, or a --hw name: all its profiles):\n"
        "      key, spec values with source, coefficients, validation, anchors\n"
        "JSON: schema \"priori-hw-list\" or \"priori-hw-show\", version 1 (README.md).\n",
    .tail = "exit codes: 0 ok, 2 usage error, bad database or unknown ID\n",
    .formats = formats,
    .nformats = 2,
};

static const char *err_text(double v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", v);
    return buf;
}

static void list(FILE *f, const struct pr_db *db, const char *filter)
{
    fprintf(f, "%-58s %-9s %6s %9s  %s\n", "profile (--hw NAME --precision P --scenario S)", "method", "models",
           "LOO err", "hardware");
    for (int i = 0; i < db->nprofiles; i++) {
        const struct pr_profile *p = &db->profiles[i];
        if (filter && !strstr(p->id, filter))
            continue;
        int records, models = pr_profile_models(db, p, &records);
        char b[16];
        double e = pr_profile_error(p);
        fprintf(f, "%-58s %-9s %6d %9s  %s\n", p->id, pr_method_name[p->method], models,
               p->method == PR_METHOD_FITTED ? err_text(e, b, sizeof b) : e < 0 ? "-" : (snprintf(b, sizeof b, "~%.0f%%", e), b),
               p->hardware);
    }
}

static void show(FILE *f, const struct pr_db *db, const struct pr_profile *p)
{
    int records, models = pr_profile_models(db, p, &records);
    const struct pr_spec *s = &p->spec;
    const struct pr_coef *c = &p->coef;
    char b[4][16];
    fprintf(f, "profile    %s\n", p->id);
    fprintf(f, "hardware   %s\nruntime    %s\nprecision  %s\nscenario   %s (batch %d)\nboundary   %s\n", p->hardware,
           p->runtime, p->precision, p->scenario, p->batch, p->boundary);
    fprintf(f, "method     %s\n", pr_method_name[p->method]);
    fprintf(f, "spec       peak %.4g ops/s, memory %.4g B/s, TDP %.4g W, idle %.4g W, %d cores, %.4g GB (0 = unknown)\n",
           s->peak_ops, s->mem_bw, s->tdp_w, s->idle_w, s->cores, s->mem_gb);
    fprintf(f, "           source: %s\n", s->source && *s->source ? s->source : "-");
    if (p->has_roof) {   /* GPU profiles: the roofline coefficients (report_roof.c) */
        pr_report_roof_coef(f, &p->roof, &p->spec);
    } else if (p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR) {
        fprintf(f, "energy     fixed %.4g J + %.4g J/MAC dense + %.4g J/MAC depthwise + %.4g J/FLOP other\n"
               "           + %.4g J/byte + %.4g J per MAC layer\n", c->e_fixed, c->e_class[PR_EC_DENSE],
               c->e_class[PR_EC_DW], c->e_class[PR_EC_OTHER], c->e_byte, c->e_layer);
        fprintf(f, "latency    fixed %.4g s + %.4g s/MAC dense + %.4g s/MAC depthwise + %.4g s/FLOP other\n"
               "           + %.4g s/byte + %.4g s per MAC layer\n", c->t_fixed, c->t_class[PR_EC_DENSE],
               c->t_class[PR_EC_DW], c->t_class[PR_EC_OTHER], c->t_byte, c->t_layer);
        if (s->peak_ops > 0 && c->t_class[PR_EC_DENSE] > 0)
            fprintf(f, "           roofline efficiency of dense MACs: %.1f%% of peak\n",
                   100 * 2 / (c->t_class[PR_EC_DENSE] * s->peak_ops));
    }
    fprintf(f, "validation %d models: leave-one-out median %s, p90 %s; cross-family median %s; latency %s\n", models,
           err_text(p->valid.loo_median, b[0], 16), err_text(p->valid.loo_p90, b[1], 16),
           err_text(p->valid.xfam_median, b[2], 16), err_text(p->valid.lat_loo_median, b[3], 16));
    fprintf(f, "anchors    %d measurements\n", records);
    int shown = 0;
    for (int i = 0; i < db->nrecords && shown < 200; i++) {
        const struct pr_db_record *r = &db->records[i];
        if (strcmp(r->profile, p->id) != 0)
            continue;
        shown++;
        fprintf(f, "  %-42s %10.4g J/inference", r->model, r->j_per_sample);
        if (r->latency_s > 0)
            fprintf(f, " %10.4g ms", r->latency_s * 1e3);
        if (r->watts > 0)
            fprintf(f, " %8.3g W", r->watts);
        fprintf(f, "  %s%s%s\n", r->source, r->excluded && *r->excluded ? "; excluded: " : "",
               r->excluded ? r->excluded : "");
    }
}

struct listing {
    const struct pr_db *db;
    const char *sub, *arg;   /* "list" [FILTER] or "show" ID */
    enum pr_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct listing *l = ctx;
    bool is_list = strcmp(l->sub, "list") == 0;
    if (l->format == PR_FORMAT_JSON) {
        struct pr_jb b = {0};
        cJSON *root = is_list ? pr_hw_list_json(&b, l->db, l->arg) : pr_hw_show_json(&b, l->db, l->arg);
        return pr_jb_print(&b, root, f);
    }
    if (is_list) {
        list(f, l->db, l->arg);
    } else {
        int found = 0;
        for (int i = 0; i < l->db->nprofiles; i++)
            if (strcmp(l->db->profiles[i].id, l->arg) == 0 || strcmp(l->db->profiles[i].hw, l->arg) == 0) {
                if (found++)
                    fputc('\n', f);
                show(f, l->db, &l->db->profiles[i]);
            }
    }
    return ferror(f) ? -1 : 0;
}

int pr_cmd_hw(int argc, char **argv)
{
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_hw, argc, argv);
    const char *sub = p.npos > 0 ? p.pos[0] : NULL, *arg1 = p.npos > 1 ? p.pos[1] : NULL;
    if (rc == 0 && p.npos > 2)
        rc = pr_args_usage_error(&p, "unexpected argument '%s'", p.pos[2]);
    if (rc == 0 && (!sub || (strcmp(sub, "list") && strcmp(sub, "show"))))
        rc = pr_args_usage_error(&p, "%s", "hw needs a subcommand: list or show ID");
    if (rc == 0 && strcmp(sub, "show") == 0 && !arg1)
        rc = pr_args_usage_error(&p, "%s", "hw show needs a profile id (see 'priori hw list')");
    if (rc != 0) {
        pr_args_free(&p);
        return rc < 0 ? PR_OK : rc;
    }
    struct pr_db db;
    struct pr_db_lock lock;
    struct pr_err err = {0};
    char dbdir[PR_DB_DIR_MAX];
    rc = pr_db_open(&db, &lock, pr_energy_db_dir(&p.energy, dbdir, sizeof dbdir), false, &err);
    if (rc) {
        pr_args_free(&p);
        return rc;
    }
    if (strcmp(sub, "show") == 0 && !pr_hw_named(&db, arg1)) {
        fprintf(stderr, "priori: no hardware profile '%s' in %s; see 'priori hw list'\n", arg1, db.dir);
        rc = PR_E_ARG;
    } else {
        struct listing l = {.db = &db, .sub = sub, .arg = arg1, .format = p.format};
        rc = pr_cli_write(NULL, render, &l);
    }
    pr_db_free(&db);
    pr_args_free(&p);
    return rc;
}
