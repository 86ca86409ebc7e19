/* cmd_db.c -- `priori db`: the measurement database from the command line.
 *
 *   priori db check [--db DIR]          validate the three files (exit 0/2)
 *   priori db features MODEL.onnx ...   print the model's features as a
 *                                       records.json "models" entry
 *   priori db add ...                   record a measurement of one's own,
 *                                       given as J/sample or a CodeCarbon
 *                                       emissions.csv (energy_consumed in
 *                                       kWh, duration in s, last row) and
 *                                       the number of inferences it covered
 *
 * `db add` analyses the model to store its features, creates the profile
 * when it does not exist (method "none" until `priori calibrate`), and,
 * holding the database's lock from before it reads until after it writes,
 * commits profiles.json and records.json as one update (dbtxn.h) once the
 * loader's own rules accept them: on any error the database is left as it
 * was.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "db.h"
#include "dbtxn.h"
#include "energy.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON};

const struct pr_cmd_spec pr_spec_db = {
    .name = "db",
    .id = C_DB,
    .synopsis =
        "usage: priori db check [--db DIR] [--format table|json]\n"
        "       priori db features MODEL.onnx [--name NAME] [--family F] [--input ...] [--dim ...]\n"
        "                 [--format table|json]\n"
        "       priori db add MODEL.onnx --hw ID (--j-per-sample J | --codecarbon emissions.csv\n"
        "                 --inferences N) [options]\n"
        "       priori db add --measurements FILE [--db DIR]   (GPU measurements: tools/measure_gpu.py)\n"
        "\n"
        "check     validates the database (profiles.json, records.json, carbon.json)\n"
        "features  prints the model's features (MACs by operator class, FLOPs, bytes,\n"
        "          params, layers) as a records.json \"models\" entry\n"
        "add       records one measurement of MODEL on hardware profile ID; the profile\n"
        "          is created when new; run 'priori calibrate' afterwards to fit it\n"
        "JSON (check, features): schema \"priori-db-check\" or \"priori-db-features\",\n"
        "version 1 (README.md).\n",
    .tail = "exit codes: 0 ok, 2 usage error or bad database, 3 invalid model, 4 I/O error\n",
    .formats = formats,
    .nformats = 2,
};

struct db_args {
    const char *model, *dir, *hw, *precision, *scenario, *boundary, *hardware, *runtime;
    const char *name, *family, *source, *codecarbon;
    double j, latency_ms;
    long long inferences;
    struct pr_bindings *shapes;
    enum pr_format format;
};

/* Analyses the model file into features. Exit code. */
static int model_features(const struct db_args *a, struct pr_features *f)
{
    struct pr_model model;
    struct pr_diag diag;
    struct pr_analysis an;
    struct pr_err err = {0};
    int rc = pr_cli_load(a->model, &model, &diag);
    if (rc)
        return rc;
    struct pr_options opt = {0};
    pr_bindings_apply(a->shapes, &opt);
    if (pr_analyze(&model, &opt, &an, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", a->model, err.msg);
        rc = (int)err.code;
    } else {
        if (an.totals.incomplete)
            fprintf(stderr, "priori: warning: %s: some layers are incomplete; its features are lower bounds\n",
                    a->model);
        pr_features_of(&an, f);
        pr_analysis_free(&an);
    }
    pr_diag_free(&diag);
    pr_model_free(&model);
    return rc;
}

/* Model name: --name, else the file name without folder and .onnx. */
static void default_name(const struct db_args *a, char *buf, size_t size)
{
    if (a->name) {
        snprintf(buf, size, "%s", a->name);
        return;
    }
    const char *base = strrchr(a->model, '/');
    snprintf(buf, size, "%s", base ? base + 1 : a->model);
    size_t n = strlen(buf);
    if (n > 5 && strcmp(buf + n - 5, ".onnx") == 0)
        buf[n - 5] = 0;
}

static int cmd_features(const struct db_args *a)
{
    if (!a->model)
        return pr_cli_usage_error("db", "%s", "db features needs a model file");
    struct pr_features f;
    int rc = model_features(a, &f);
    if (rc)
        return rc;
    char name[256];
    default_name(a, name, sizeof name);
    struct pr_db_model m = {.name = name, .family = (char *)(a->family ? a->family : ""),
                            .input = (char *)"", .source = (char *)(a->source ? a->source : ""), .f = f};
    if (a->format == PR_FORMAT_JSON) {
        struct pr_jb b = {0};
        cJSON *root = pr_jb_header(&b, "priori-db-features");
        pr_jb_add(&b, root, "model", pr_jb_check(&b, pr_db_model_json(&m)));
        return pr_cli_write_json(NULL, &b, root);
    }
    char *text = pr_db_model_print(&m);
    if (!text) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_E_INTERNAL;
    }
    puts(text);
    free(text);
    return PR_OK;
}

static int cmd_add(struct db_args *a)
{
    if (!a->model || !a->hw)
        return pr_cli_usage_error("db", "%s", "db add needs a model file and --hw ID");
    if (!!a->j == !!a->codecarbon)
        return pr_cli_usage_error("db", "%s", "db add needs exactly one of --j-per-sample and --codecarbon");
    if (a->codecarbon && !a->inferences)
        return pr_cli_usage_error("db", "%s", "--codecarbon needs --inferences N (how many inferences the run covered)");
    const char *prec = a->precision ? a->precision : "fp32";
    const char *scen = a->scenario ? a->scenario : "single";
    const char *boundary = a->boundary ? a->boundary : a->codecarbon ? "device" : "wall";
    if (strcmp(boundary, "device") && strcmp(boundary, "module") && strcmp(boundary, "wall"))
        return pr_cli_usage_error("db", "--boundary %s: expected device, module or wall", boundary);
    if (strchr(a->hw, '/'))
        return pr_cli_usage_error("db", "--hw %s: a name without '/'", a->hw);

    struct pr_err err = {0};
    struct pr_db_record r = {.precision = (char *)prec, .source = (char *)(a->source ? a->source : "user"),
                             .batch = 1, .j_per_sample = a->j};
    if (a->latency_ms > 0)
        r.latency_s = a->latency_ms / 1000;
    if (a->codecarbon) {
        double kwh, dur;
        if (pr_codecarbon_read(a->codecarbon, &kwh, &dur, &err) < 0) {
            fprintf(stderr, "priori: %s\n", err.msg);
            return (int)err.code;
        }
        double n = (double)a->inferences;
        r.j_per_sample = kwh * 3.6e6 / n;
        r.latency_s = dur / n;
        r.watts = kwh * 3.6e6 / dur;
        r.samples_per_s = n / dur;
    }
    if (r.latency_s > 0 && !r.samples_per_s)
        r.samples_per_s = 1 / r.latency_s;

    struct pr_db_model m = {.family = (char *)(a->family ? a->family : ""), .source = (char *)"priori db add"};
    char name[4200];
    default_name(a, name, sizeof name);
    m.name = name;
    int rc = model_features(a, &m.f);
    if (rc)
        return rc;
    struct pr_db db;
    struct pr_db_lock lock;
    char dbdir[PR_DB_DIR_MAX];
    const char *dir = a->dir ? a->dir : pr_db_default_dir(dbdir, sizeof dbdir);
    rc = pr_db_open(&db, &lock, dir, true, &err);
    if (rc)
        return rc;
    char *id = malloc(strlen(a->hw) + strlen(prec) + strlen(scen) + 3);
    if (!id) {
        fprintf(stderr, "priori: out of memory\n");
        pr_db_free(&db);
        pr_db_unlock(&lock);
        return PR_E_INTERNAL;
    }
    sprintf(id, "%s/%s/%s", a->hw, prec, scen);
    r.model = name;
    r.profile = id;
    const struct pr_db_model *old = pr_db_model_find(&db, name);
    bool new_profile = !pr_db_profile(&db, id);
    if (old && memcmp(&old->f, &m.f, sizeof m.f) != 0) {
        fprintf(stderr, "priori: %s: the database already has a model '%s' with other features; give --name\n",
                a->model, name);
        rc = PR_E_ARG;
    } else if ((!old && pr_db_add_model(&db, &m) < 0) || pr_db_add_record(&db, &r) < 0) {
        rc = PR_E_INTERNAL;
    } else if (new_profile) {
        struct pr_profile p = {.id = id, .hw = (char *)a->hw, .hardware = (char *)(a->hardware ? a->hardware : a->hw),
                               .runtime = (char *)(a->runtime ? a->runtime : ""), .precision = (char *)prec,
                               .scenario = (char *)scen, .boundary = (char *)boundary, .batch = 1};
        if (pr_db_add_profile(&db, &p) < 0)
            rc = PR_E_INTERNAL;
    }
    if (rc == 0 && pr_db_save(&db, PR_DB_RECORDS | (new_profile ? PR_DB_PROFILES : 0), &err) < 0)
        rc = (int)err.code;
    if (rc == PR_E_INTERNAL && !err.msg[0])
        fprintf(stderr, "priori: out of memory\n");
    else if (rc && err.msg[0])
        fprintf(stderr, "priori: %s\n", err.msg);
    else if (rc == 0)
        printf("added: %s on %s: %.6g J/inference%s\nrun 'priori calibrate --db %s' to fit the profile\n", name,
               id, r.j_per_sample, new_profile ? " (new profile)" : "", dir);
    pr_db_free(&db);
    pr_db_unlock(&lock);
    free(id);
    return rc;
}

static int cmd_check(const struct db_args *a)
{
    struct pr_db db;
    struct pr_err err = {0};
    char dbdir[PR_DB_DIR_MAX];
    const char *dir = a->dir ? a->dir : pr_db_default_dir(dbdir, sizeof dbdir);
    struct pr_db_lock lock;
    int rc = pr_db_open(&db, &lock, dir, false, &err);
    bool valid = rc == PR_OK;
    if (a->format == PR_FORMAT_JSON) {   /* also for an invalid database: CI reads "valid" and "error" */
        struct pr_jb b = {0};
        cJSON *root = pr_jb_header(&b, "priori-db-check");
        pr_jb_add(&b, root, "db", pr_jb_str(&b, dir));
        pr_jb_add(&b, root, "valid", pr_jb_check(&b, cJSON_CreateBool(valid)));
        pr_jb_add(&b, root, "error", pr_jb_str(&b, valid ? NULL : err.msg));
        pr_jb_add(&b, root, "profiles", pr_jb_num(&b, valid ? db.nprofiles : 0));
        pr_jb_add(&b, root, "models", pr_jb_num(&b, valid ? db.nmodels : 0));
        pr_jb_add(&b, root, "records", pr_jb_num(&b, valid ? db.nrecords : 0));
        pr_jb_add(&b, root, "carbon_intensities", pr_jb_num(&b, valid ? db.ncarbon : 0));
        int wrc = pr_cli_write_json(NULL, &b, root);
        rc = rc ? rc : wrc;
    } else if (valid) {
        printf("%s: %d profiles, %d models, %d records, %d carbon intensities: valid\n", dir, db.nprofiles,
               db.nmodels, db.nrecords, db.ncarbon);
    }
    if (valid)
        pr_db_free(&db);
    return rc;
}

int pr_cmd_db(int argc, char **argv)
{
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_db, argc, argv);
    const char *sub = p.npos ? p.pos[0] : NULL;
    if (rc == 0 && !sub)
        rc = pr_args_usage_error(&p, "%s", "db needs a subcommand: check, features or add");
    if (rc == 0 && p.npos > 2)
        rc = pr_args_usage_error(&p, "one model at a time: unexpected argument '%s'", p.pos[2]);
    if (rc == 0 && p.given[OPT_MEASUREMENTS]) {   /* add --measurements FILE: cmd_import.c */
        for (int i = 0; i < OPT_COUNT && rc == 0; i++)
            if (p.given[i] && i != OPT_MEASUREMENTS && i != OPT_DB)
                rc = pr_args_usage_error(&p, "add --measurements FILE takes only --db DIR besides; unexpected %s",
                                         pr_opt_table[i].name);
        if (rc == 0 && (strcmp(sub, "add") != 0 || p.npos > 1))
            rc = pr_args_usage_error(&p, "add --measurements FILE takes only --db DIR besides; unexpected %s",
                                     p.npos > 1 ? p.pos[1] : sub);
        if (rc == 0)
            rc = pr_db_import(p.text[OPT_MEASUREMENTS], p.energy.db);
        pr_args_free(&p);
        return rc;
    }
    struct db_args a = {
        .model = p.npos > 1 ? p.pos[1] : NULL, .dir = p.energy.db, .hw = p.text[OPT_DB_HW],
        .precision = p.text[OPT_DB_PRECISION], .scenario = p.text[OPT_DB_SCENARIO], .boundary = p.text[OPT_BOUNDARY],
        .hardware = p.text[OPT_HARDWARE], .runtime = p.text[OPT_RUNTIME], .name = p.text[OPT_NAME],
        .family = p.text[OPT_FAMILY], .source = p.text[OPT_SOURCE], .codecarbon = p.text[OPT_CODECARBON],
        .j = p.real[OPT_J_PER_SAMPLE], .latency_ms = p.real[OPT_LATENCY_MS], .inferences = p.num[OPT_DB_INFERENCES],
        .shapes = p.nshapes ? &p.shapes[0] : NULL, .format = p.format,
    };
    if (rc == 0) {
        if (strcmp(sub, "check") == 0)
            rc = cmd_check(&a);
        else if (strcmp(sub, "features") == 0)
            rc = cmd_features(&a);
        else if (strcmp(sub, "add") == 0)
            rc = cmd_add(&a);
        else
            rc = pr_args_usage_error(&p, "unknown db subcommand '%s': expected check, features or add", sub);
    } else if (rc < 0) {
        rc = PR_OK;
    }
    pr_args_free(&p);
    return rc;
}
