/* cmd_import.c -- `priori db add --measurements FILE`: GPU measurements
 * (tools/measure_gpu.py writes them; tools/h200_db.py converts the shared
 * H200 data) into the database.
 *
 * FILE is JSON:
 *   {"schema": "priori-measurements", "version": 1,
 *    "hw": "h200-pytorch2.11-eager", "hardware": "...", "runtime": "...",
 *    "spec": {"peak_ops": {"fp32": ops/s, "fp16": ...}, "mem_bw": B/s,
 *             "peak_ops_conv": {"fp32": ops/s of convolutions where faster (TF32)},
 *             "tdp_w": W, "idle_w": W, "mem_gb": GB, "source": "..."},
 *    "rows": [{"model", "family", "onnx" (path relative to FILE's folder),
 *              "mode" ("infer" | "train"), "precision", "batch",
 *              "latency_s" (one call of the whole batch), "j_per_sample",
 *              "avg_watts", "run", "note", "source", "excluded" (optional:
 *              why calibration should leave the row out), "onnx_source"
 *              (optional: where the export comes from, for the model entry)}]}
 * Each (model, batch) is analysed once with the symbol `batch` bound to
 * the batch (as `--dim batch=N`): a models entry "MODEL@bN" (graph MODEL,
 * batch N) with its features and kernels (roofline.c); an entry already in
 * the database is replaced (re-importing refreshes the features). Each row becomes a
 * record of profile HW/PRECISION/MODE (created with the spec values when
 * new, method "none" until `priori calibrate`); a record already there
 * (same model, profile, run, energy and latency) is not added twice. The
 * database is rewritten
 * atomically once at the end; any error leaves it as it was.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "db.h"
#include "dbtxn.h"
#include "energy.h"
#include "rfile.h"
#include "roofline.h"

/* Analyses path at batch into m (name, graph, batch set by the caller). Exit code. */
static int analyse(const char *path, int batch, struct pr_db_model *m)
{
    struct pr_model model;
    struct pr_diag diag;
    struct pr_analysis an;
    struct pr_err err = {0};
    int rc = pr_cli_load(path, &model, &diag);
    if (rc)
        return rc;
    struct pr_dim_binding dim = {"batch", batch};
    struct pr_options opt = {.dims = &dim, .ndims = 1};
    if (pr_analyze(&model, &opt, &an, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", path, err.msg);
        rc = (int)err.code;
    } else {
        if (an.totals.incomplete)
            fprintf(stderr, "priori: warning: %s: some layers are incomplete; its features are lower bounds\n", path);
        pr_features_of(&an, &m->f);
        m->float_bytes = pr_graph_float_bytes(&an);
        m->nkernels = pr_kernels_of(&an, &m->kernels);
        if (m->nkernels < 0)
            rc = PR_E_INTERNAL;
        pr_analysis_free(&an);
    }
    pr_diag_free(&diag);
    pr_model_free(&model);
    return rc;
}

static int new_profile(struct pr_db *db, const cJSON *root, const char *id, const char *prec, const char *mode)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(root, "spec");
    const cJSON *peaks = cJSON_GetObjectItemCaseSensitive(spec, "peak_ops");
    struct pr_profile p = {.id = (char *)id,
                           .hw = (char *)pr_json_str_at(root, "hw"),
                           .hardware = (char *)pr_json_str_at(root, "hardware"),
                           .runtime = (char *)pr_json_str_at(root, "runtime"),
                           .precision = (char *)prec,
                           .scenario = (char *)mode,
                           .boundary = (char *)"device"};
    p.spec.source = (char *)pr_json_str_at(spec, "source");
    p.spec.peak_ops = pr_json_num_at(peaks, prec);
    p.spec.peak_ops_conv = pr_json_num_at(cJSON_GetObjectItemCaseSensitive(spec, "peak_ops_conv"), prec);
    p.spec.mem_bw = pr_json_num_at(spec, "mem_bw");
    p.spec.tdp_w = pr_json_num_at(spec, "tdp_w");
    p.spec.idle_w = pr_json_num_at(spec, "idle_w");
    p.spec.mem_gb = pr_json_num_at(spec, "mem_gb");
    return pr_db_add_profile(db, &p) < 0 ? PR_E_INTERNAL : 0;
}

static int bad_row(const char *file, int i, const char *what)
{
    fprintf(stderr, "priori: %s: rows[%d]: %s; fix the measurements file\n", file, i, what);
    return PR_E_ARG;
}

/* Model entries analysed in this import (each once). */
struct analysed { char **names; int n, cap; };

/* One row: its model entry (analysed once per import; an entry of an
 * earlier import is replaced, so features follow this priori) and its record. */
static int add_row(struct pr_db *db, const cJSON *root, const cJSON *row, const char *file, const char *folder, int i,
                   struct analysed *done)
{
    const char *model = pr_json_str_at(row, "model"), *onnx = pr_json_str_at(row, "onnx"),
               *mode = pr_json_str_at(row, "mode");
    const char *prec = pr_json_str_at(row, "precision");
    double batch = pr_json_num_at(row, "batch"), lat = pr_json_num_at(row, "latency_s"),
           j = pr_json_num_at(row, "j_per_sample");
    if (!*model || !*onnx || !*prec || strchr(prec, '/'))
        return bad_row(file, i, "expected model, onnx and precision strings");
    if (strcmp(mode, "infer") && strcmp(mode, "train"))
        return bad_row(file, i, "mode: expected infer or train");
    if (!(batch >= 1 && batch <= 1e6 && batch == (int)batch) || !(lat > 0 && lat < 1e4) || !(j > 0 && j < 1e9))
        return bad_row(file, i, "expected batch >= 1, latency_s and j_per_sample > 0");
    char name[512], id[512], path[4096];
    snprintf(name, sizeof name, "%s@b%d", model, (int)batch);
    snprintf(id, sizeof id, "%s/%s/%s", pr_json_str_at(root, "hw"), prec, mode);
    const struct pr_db_model *old = pr_db_model_find(db, name);
    int oi = old ? (int)(old - db->models) : -1;
    bool fresh = false;   /* analysed earlier in this import */
    for (int k = 0; k < done->n && !fresh; k++)
        fresh = strcmp(done->names[k], name) == 0;
    if (!fresh) {   /* new, or from an earlier import: (re)analysed with this priori */
        int len = onnx[0] == '/' ? snprintf(path, sizeof path, "%s", onnx)
                                 : snprintf(path, sizeof path, "%s/%s", folder, onnx);
        if (len < 0 || (size_t)len >= sizeof path)
            return bad_row(file, i, "onnx: path too long");
        struct pr_db_model m = {
            .name = name,
            .graph = (char *)model,
            .batch = (int)batch,
            .family = (char *)pr_json_str_at(row, "family"),
            .input = (char *)pr_json_str_at(row, "input"),
            .source = *pr_json_str_at(row, "onnx_source") ? (char *)pr_json_str_at(row, "onnx_source") : path};
        int rc = analyse(path, (int)batch, &m);
        if (rc == 0 && (oi >= 0 ? pr_db_replace_model(db, oi, &m) : pr_db_add_model(db, &m)) < 0)
            rc = PR_E_INTERNAL;   /* an entry of an earlier import is replaced */
        free(m.kernels);
        if (rc)
            return rc;
        char *copy = strdup(name);
        if (!copy || done->n >= done->cap)
            return free(copy), PR_E_INTERNAL;
        done->names[done->n++] = copy;
    }
    if (!pr_db_profile(db, id)) {
        int rc = new_profile(db, root, id, prec, mode);
        if (rc)
            return rc;
    }
    struct pr_db_record r = {.model = name,
                             .profile = id,
                             .precision = (char *)prec,
                             .batch = (int)batch,
                             .j_per_sample = j,
                             .latency_s = lat,
                             .samples_per_s = batch / lat,
                             .watts = pr_json_num_at(row, "avg_watts"),
                             .run = (int)pr_json_num_at(row, "run"),
                             .source = (char *)pr_json_str_at(row, "source"),
                             .note = (char *)pr_json_str_at(row, "note"),
                             .excluded = (char *)pr_json_str_at(row, "excluded")};
    if (!*r.source)
        r.source = (char *)file;
    for (int k = 0; k < db->nrecords; k++) {   /* importing the same file again adds nothing */
        const struct pr_db_record *o = &db->records[k];
        if (strcmp(o->model, name) == 0 && strcmp(o->profile, id) == 0 && o->run == r.run &&
            fabs(o->j_per_sample / r.j_per_sample - 1) < 1e-12 && fabs(o->latency_s / r.latency_s - 1) < 1e-12)
            return 0;   /* (records.json keeps 15 significant digits) */
    }
    return pr_db_add_record(db, &r) < 0 ? PR_E_INTERNAL : 0;
}

int pr_db_import(const char *file, const char *dir)
{
    struct pr_err err = {0};
    cJSON *root = pr_json_load(file, (size_t)64 << 20, PR_E_ARG, &err);
    if (!root) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "rows");
    if (!root || strcmp(pr_json_str_at(root, "schema"), "priori-measurements") || !cJSON_IsArray(rows) ||
        !*pr_json_str_at(root, "hw") || strchr(pr_json_str_at(root, "hw"), '/')) {
        cJSON_Delete(root);
        fprintf(stderr, "priori: %s: expected a JSON object with schema \"priori-measurements\", hw (a name "
                        "without '/') and rows (tools/measure_gpu.py writes it)\n", file);
        return PR_E_ARG;
    }
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", file);
    char *slash = strrchr(folder, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(folder, sizeof folder, ".");
    struct pr_db db;
    struct pr_db_lock lock;   /* held from the read to the write, so no concurrent update is lost */
    char dbdir[PR_DB_DIR_MAX];
    if (!dir)
        dir = pr_db_default_dir(dbdir, sizeof dbdir);
    int rc = pr_db_open(&db, &lock, dir, true, &err);
    if (rc) {
        cJSON_Delete(root);
        return rc;
    }
    int i = 0, before = db.nrecords, models = db.nmodels;
    struct analysed done = {.cap = cJSON_GetArraySize(rows) + 1};
    done.names = calloc((size_t)done.cap, sizeof *done.names);
    if (!done.names)
        rc = PR_E_INTERNAL;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows) {
        if (rc || (rc = add_row(&db, root, row, file, folder, i++, &done)))
            break;
    }
    for (int k = 0; k < done.n; k++)
        free(done.names[k]);
    free(done.names);
    if (rc == PR_E_INTERNAL)
        fprintf(stderr, "priori: out of memory\n");
    if (rc == 0 && pr_db_save(&db, PR_DB_PROFILES | PR_DB_RECORDS, &err) < 0) {   /* one commit, both files */
        fprintf(stderr, "priori: %s\n", err.msg);
        rc = (int)err.code;
    }
    if (rc == 0)
        printf("added: %d records, %d models (analysed at each batch) from %s\nrun 'priori calibrate --db %s' to "
               "fit the profiles\n", db.nrecords - before, db.nmodels - models, file, db.dir);
    cJSON_Delete(root);
    pr_db_free(&db);
    pr_db_unlock(&lock);
    return rc;
}
