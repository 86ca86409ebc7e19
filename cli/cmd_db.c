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
#include "db.h"
#include "dbtxn.h"
#include "energy.h"

const char pr_usage_db[] =
    "usage: priori db check [--db DIR]\n"
    "       priori db features MODEL.onnx [--name NAME] [--family F] [--input ...] [--dim ...]\n"
    "       priori db add MODEL.onnx --hw ID (--j-per-sample J | --codecarbon emissions.csv\n"
    "                 --inferences N) [options]\n"
    "       priori db add --measurements FILE [--db DIR]   (GPU measurements: tools/measure_gpu.py)\n"
    "\n"
    "check     validates the database (profiles.json, records.json, carbon.json)\n"
    "features  prints the model's features (MACs by operator class, FLOPs, bytes,\n"
    "          params, layers) as a records.json \"models\" entry\n"
    "add       records one measurement of MODEL on hardware profile ID; the profile\n"
    "          is created when new; run 'priori calibrate' afterwards to fit it\n"
    "\n"
    "options of add:\n"
    "  --db DIR             the database folder (default $PRIORI_DB or db)\n"
    "  --hw ID              the hardware (+ runtime) name: the profile is ID/PRECISION/SCENARIO\n"
    "  --precision P        fp32 (default), fp16, int8 ...\n"
    "  --scenario S         single (default), multi, server, offline\n"
    "  --boundary B         what the meter saw: device, module or wall (default wall;\n"
    "                       device for --codecarbon, which sums CPU, GPU and RAM)\n"
    "  --hardware TEXT      description of the machine (new profiles)\n"
    "  --runtime TEXT       runtime and version (new profiles)\n"
    "  --j-per-sample J     measured energy per inference in joules\n"
    "  --latency-ms T       measured latency per inference\n"
    "  --codecarbon FILE    CodeCarbon emissions.csv (its last row)\n"
    "  --inferences N       inferences the CodeCarbon run covered\n"
    "  --name NAME          model name in the database (default: file name)\n"
    "  --family F           model family, for cross-family validation\n"
    "  --source TEXT        where the measurement comes from (default: user)\n"
    "  --input, --dim,      as for analyze\n"
    "  --value\n"
    "\n"
    "exit codes: 0 ok, 2 usage error or bad database, 3 invalid model, 4 I/O error\n";

struct db_args {
    const char *model, *dir, *hw, *precision, *scenario, *boundary, *hardware, *runtime;
    const char *name, *family, *source, *codecarbon;
    double j, latency_ms;
    long long inferences;
    struct pr_cli_shapes shapes;
};

static int parse_double(const char *cmd, const char *opt, const char *val, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (errno || *end || !*val || !isfinite(v) || v <= 0)
        return pr_cli_usage_error(cmd, "%s %s: expected a positive number", opt, val);
    *out = v;
    return 0;
}

static int parse(int argc, char **argv, struct db_args *a)
{
    int rc = pr_cli_shapes_init(&a->shapes, argc);
    if (rc)
        return rc;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(pr_usage_db, stdout);
            return -1;
        }
        if (arg[0] != '-') {
            if (a->model)
                return pr_cli_usage_error("db", "one model at a time: unexpected argument '%s'", arg);
            a->model = arg;
            continue;
        }
        if (i + 1 >= argc)
            return pr_cli_usage_error("db", "option %s needs a value, or is unknown", arg);
        char *val = argv[++i];
        int used = pr_cli_shapes_option(&a->shapes, "db", arg, val);
        if (used > 1)
            return used;
        if (used)
            continue;
        const char **s = strcmp(arg, "--db") == 0 ? &a->dir : strcmp(arg, "--hw") == 0 ? &a->hw
                       : strcmp(arg, "--precision") == 0 ? &a->precision
                       : strcmp(arg, "--scenario") == 0 ? &a->scenario
                       : strcmp(arg, "--boundary") == 0 ? &a->boundary
                       : strcmp(arg, "--hardware") == 0 ? &a->hardware
                       : strcmp(arg, "--runtime") == 0 ? &a->runtime
                       : strcmp(arg, "--name") == 0 ? &a->name
                       : strcmp(arg, "--family") == 0 ? &a->family
                       : strcmp(arg, "--source") == 0 ? &a->source
                       : strcmp(arg, "--codecarbon") == 0 ? &a->codecarbon : NULL;
        if (s) {
            *s = val;
        } else if (strcmp(arg, "--j-per-sample") == 0) {
            if ((rc = parse_double("db", arg, val, &a->j)))
                return rc;
        } else if (strcmp(arg, "--latency-ms") == 0) {
            if ((rc = parse_double("db", arg, val, &a->latency_ms)))
                return rc;
        } else if (strcmp(arg, "--inferences") == 0) {
            if (pr_cli_parse_int(val, 1, (1LL << 50), &a->inferences) < 0)
                return pr_cli_usage_error("db", "--inferences %s: expected a positive integer", val);
        } else {
            return pr_cli_usage_error("db", "unknown option %s", arg);
        }
    }
    return 0;
}

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
    pr_cli_shapes_apply(&a->shapes, &opt);
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
    char *text = pr_db_model_print(&m);
    if (!text) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_EXIT_INTERNAL;
    }
    puts(text);
    free(text);
    return PR_EXIT_OK;
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
    const char *dir = a->dir ? a->dir : pr_db_default_dir();
    if (pr_db_lock(&lock, dir, true, &err) < 0 || pr_db_load_locked(&db, dir, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        pr_db_unlock(&lock);
        return (int)err.code;
    }
    char *id = malloc(strlen(a->hw) + strlen(prec) + strlen(scen) + 3);
    if (!id) {
        fprintf(stderr, "priori: out of memory\n");
        pr_db_free(&db);
        pr_db_unlock(&lock);
        return PR_EXIT_INTERNAL;
    }
    sprintf(id, "%s/%s/%s", a->hw, prec, scen);
    r.model = name;
    r.profile = id;
    const struct pr_db_model *old = pr_db_model_find(&db, name);
    bool new_profile = !pr_db_profile(&db, id);
    if (old && memcmp(&old->f, &m.f, sizeof m.f) != 0) {
        fprintf(stderr, "priori: %s: the database already has a model '%s' with other features; give --name\n",
                a->model, name);
        rc = PR_EXIT_USAGE;
    } else if ((!old && pr_db_add_model(&db, &m) < 0) || pr_db_add_record(&db, &r) < 0) {
        rc = PR_EXIT_INTERNAL;
    } else if (new_profile) {
        struct pr_profile p = {.id = id, .hw = (char *)a->hw, .hardware = (char *)(a->hardware ? a->hardware : a->hw),
                               .runtime = (char *)(a->runtime ? a->runtime : ""), .precision = (char *)prec,
                               .scenario = (char *)scen, .boundary = (char *)boundary, .batch = 1};
        if (pr_db_add_profile(&db, &p) < 0)
            rc = PR_EXIT_INTERNAL;
    }
    if (rc == 0 && pr_db_save(&db, PR_DB_RECORDS | (new_profile ? PR_DB_PROFILES : 0), &err) < 0)
        rc = (int)err.code;
    if (rc == PR_EXIT_INTERNAL && !err.msg[0])
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
    const char *dir = a->dir ? a->dir : pr_db_default_dir();
    if (pr_db_load(&db, dir, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    printf("%s: %d profiles, %d models, %d records, %d carbon intensities: valid\n", dir, db.nprofiles,
           db.nmodels, db.nrecords, db.ncarbon);
    pr_db_free(&db);
    return PR_EXIT_OK;
}

int pr_cmd_db(int argc, char **argv)
{
    if (argc < 1)
        return pr_cli_usage_error("db", "%s", "db needs a subcommand: check, features or add");
    const char *sub = argv[0];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        fputs(pr_usage_db, stdout);
        return PR_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0) {   /* add --measurements FILE: cmd_import.c */
        int irc = pr_db_import(argc - 1, argv + 1);
        if (irc >= 0)
            return irc;
    }
    struct db_args a = {0};
    int rc = parse(argc - 1, argv + 1, &a);
    if (rc == 0) {
        if (strcmp(sub, "check") == 0)
            rc = cmd_check(&a);
        else if (strcmp(sub, "features") == 0)
            rc = cmd_features(&a);
        else if (strcmp(sub, "add") == 0)
            rc = cmd_add(&a);
        else
            rc = pr_cli_usage_error("db", "unknown db subcommand '%s': expected check, features or add", sub);
    } else if (rc < 0) {
        rc = PR_EXIT_OK;
    }
    pr_cli_shapes_free(&a.shapes);
    return rc;
}
