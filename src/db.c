/* db.c -- loads, validates and writes the measurement database (see db.h
 * and db/README.md for the schema).
 *
 * Validation walks each file with a JSON path kept beside the walk
 * ("profiles[3].spec.tdp_w"), so the first bad field is named exactly with
 * what was expected. Cross-file references (a record's model and profile)
 * are checked after all three files are read; lookups by profile id and
 * model name go through hash maps (names.h), so loading is linear. Writing
 * prints the new files, loads them back with the same rules (a value the
 * loader would refuse is refused before anything is written) and commits
 * them as one update (dbtxn.h: lock, staged files, commit marker).
 */
#include "db.h"

#include "dbtxn.h"
#include "json.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

const char *const pr_eclass_name[PR_EC_COUNT] = {"dense", "depthwise", "other"};
const char *const pr_method_name[] = {"none", "fitted", "anchor", "spec-only"};
const char *const pr_kc_name[PR_KC_COUNT] = {"conv", "gemm", "grouped", "attention", "eltwise"};

#ifndef PRIORI_SHARE_DB
#define PRIORI_SHARE_DB "/usr/local/share/priori/db"
#endif

/* dir holds a database: its index, profiles.json, is readable. */
static bool holds_db(const char *dir)
{
    char path[PR_DB_DIR_MAX + 32];
    snprintf(path, sizeof path, "%s/profiles.json", dir);
    return access(path, R_OK) == 0;
}

/* $PRIORI_DB; else the database next to the running program (found from
 * /proc/self/exe: <dir>/db, then <dir>/../db, so that build/priori finds
 * the checkout's db/ from any folder); else the copy `make install` put in
 * the share folder (PRIORI_SHARE_DB); else db/ in the current folder. */
const char *pr_db_default_dir(char *buf, size_t size)
{
    const char *env = getenv("PRIORI_DB");
    if (env && *env)
        return env;
    char exe[PR_DB_DIR_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0 && (size_t)n < sizeof exe - 1) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            static const char *const next[] = {"/db", "/../db"};
            for (size_t i = 0; i < sizeof next / sizeof next[0]; i++) {
                int w = snprintf(buf, size, "%s%s", exe, next[i]);
                if (w > 0 && (size_t)w < size && holds_db(buf))
                    return buf;
            }
        }
    }
    return holds_db(PRIORI_SHARE_DB) ? PRIORI_SHARE_DB : "db";
}

enum { MAX_FILE = 64 << 20, PATH_LEN = 256 };

/* The walk: the file being read and the JSON path of the current field. */
struct walk {
    const char *file;
    char path[PATH_LEN];
    struct pr_err *err;
    const char *text[3];    /* new profiles/records/carbon text checked before a write; NULL: the file */
};

enum { F_PROFILES, F_RECORDS, F_CARBON };
static const char *const file_names[3] = {"profiles.json", "records.json", "carbon.json"};

static int bad(struct walk *w, const char *key, const char *expected)
{
    return pr_err_set(w->err, PR_EXIT_USAGE, "%s: %s%s%s: expected %s; %s", w->file, w->path,
                      *w->path && key ? "." : "", key ? key : "", expected,
                      w->text[0] || w->text[1] ? "refused by the database's own rules, nothing was written"
                                               : "fix the file or give another --db");
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Pushes "[i]" or ".key" onto the path; returns the old length to restore. */
static size_t push(struct walk *w, const char *key, int index)
{
    size_t len = strlen(w->path);
    if (key)
        snprintf(w->path + len, PATH_LEN - len, "%s%s", len ? "." : "", key);
    else
        snprintf(w->path + len, PATH_LEN - len, "[%d]", index);
    return len;
}

static int get_str(struct walk *w, const cJSON *o, const char *key, bool required, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return bad(w, key, "a string");
        *out = dup_str("");
    } else if (!cJSON_IsString(v) || strlen(v->valuestring) > 4096) {
        return bad(w, key, "a string (at most 4096 bytes)");
    } else {
        *out = dup_str(v->valuestring);
    }
    return *out ? 0 : pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
}

static int get_num(struct walk *w, const cJSON *o, const char *key, bool required, double lo, double hi,
                   double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = 0;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return bad(w, key, "a number");
        return 0;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi) {
        char what[96];
        snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
        return bad(w, key, what);
    }
    *out = v->valuedouble;
    return 0;
}

static int get_int(struct walk *w, const cJSON *o, const char *key, bool required, int lo, int hi, int *out)
{
    double d;
    if (get_num(w, o, key, required, lo, hi, &d) < 0)
        return -1;
    if (d != floor(d))
        return bad(w, key, "an integer");
    *out = (int)d;
    return 0;
}

/* Reads file k of DIR (or the text given for it) into a parsed tree and
 * checks schema and version. */
static cJSON *read_json(struct walk *w, const char *dir, int k, const char *schema, char *pathbuf, size_t size)
{
    snprintf(pathbuf, size, "%s/%s", dir, file_names[k]);
    w->file = pathbuf;
    w->path[0] = 0;
    struct pr_err ferr = {0};
    char *buf = w->text[k] ? dup_str(w->text[k]) : pr_json_read(pathbuf, MAX_FILE, PR_EXIT_USAGE, &ferr);
    if (!buf) {
        if (w->text[k])
            pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
        else if (ferr.code == PR_EXIT_IO && !strstr(ferr.msg, "cannot read"))
            pr_err_set(w->err, PR_EXIT_USAGE, "%s; give the database folder with --db DIR", ferr.msg);
        else
            *w->err = ferr;
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(buf, &end, 1);
    if (!root) {
        size_t at = end && end >= buf ? (size_t)(end - buf) : 0;
        pr_err_set(w->err, PR_EXIT_USAGE, "%s: not valid JSON near byte %zu", pathbuf, at);
    }
    free(buf);
    if (!root)
        return NULL;
    char *s = NULL;
    double version = 0;
    if (!cJSON_IsObject(root)) {
        bad(w, NULL, "a JSON object at the top");
    } else if (get_str(w, root, "schema", true, &s) == 0 && strcmp(s, schema) != 0) {
        char what[96];
        snprintf(what, sizeof what, "\"%s\"", schema);
        bad(w, "schema", what);
    } else if (s && get_num(w, root, "version", true, 1, PR_DB_VERSION, &version) == 0) {
        free(s);
        return root;
    }
    free(s);
    cJSON_Delete(root);
    return NULL;
}

static const cJSON *get_array(struct walk *w, const cJSON *o, const char *key, int *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > 1000000) {
        bad(w, key, "an array");
        return NULL;
    }
    *n = cJSON_GetArraySize(a);
    return a;
}

/* ---------------------------------------------------------------- profiles */

static int method_of(const char *s)
{
    for (int i = 0; i <= PR_METHOD_SPEC; i++)
        if (strcmp(s, pr_method_name[i]) == 0)
            return i;
    return -1;
}

static int read_class(struct walk *w, const cJSON *o, const char *key, double *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!c)
        return 0;
    if (!cJSON_IsObject(c))
        return bad(w, key, "an object with dense, depthwise, other");
    size_t len = push(w, key, 0);
    int rc = 0;
    for (int i = 0; i < PR_EC_COUNT && rc == 0; i++)
        rc = get_num(w, c, pr_eclass_name[i], false, 0, 1e6, &out[i]);
    w->path[len] = 0;
    return rc;
}

static int read_kc(struct walk *w, const cJSON *o, const char *key, double hi, double *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsObject(c))
        return bad(w, key, "an object with conv, gemm, grouped, attention, eltwise");
    size_t len = push(w, key, 0);
    int rc = 0;
    for (int i = 0; i < PR_KC_COUNT && rc == 0; i++)
        rc = get_num(w, c, pr_kc_name[i], true, 0, hi, &out[i]);
    w->path[len] = 0;
    return rc;
}

/* The optional "roofline" object of a profile (struct pr_roof). */
static int read_roof(struct walk *w, const cJSON *o, struct pr_profile *p)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "roofline");
    if (!r)
        return 0;
    if (!cJSON_IsObject(r))
        return bad(w, "roofline", "an object");
    size_t len = push(w, "roofline", 0);
    struct pr_roof *f = &p->roof;
    if (read_kc(w, r, "t_launch_s", 1, f->t_launch) || get_num(w, r, "t_fixed_s", true, 0, 10, &f->t_fixed) ||
        get_num(w, r, "t_min_s", true, 0, 1, &f->t_min) ||
        read_kc(w, r, "rate", 1e18, f->rate) || read_kc(w, r, "bw", 1e15, f->bw) ||
        get_num(w, r, "p_static_w", true, 0, 1e6, &f->p_static) || read_kc(w, r, "e_work", 1, f->e_work) ||
        get_num(w, r, "e_byte", true, 0, 1, &f->e_byte) || get_num(w, r, "e_launch", true, 0, 1, &f->e_launch) ||
        get_num(w, r, "elem_bytes", true, 1, 8, &f->elem_bytes) || get_int(w, r, "train", false, 0, 1, &f->train))
        return -1;
    for (int i = 0; i < PR_KC_COUNT; i++)
        if (f->rate[i] <= 0)
            return bad(w, "rate", "rates above 0");
    w->path[len] = 0;
    p->has_roof = true;
    return 0;
}

static int read_profile(struct walk *w, const cJSON *o, struct pr_profile *p)
{
    if (!cJSON_IsObject(o))
        return bad(w, NULL, "an object");
    char *method = NULL;
    double batch = 0;
    if (get_str(w, o, "id", true, &p->id) || get_str(w, o, "hw", true, &p->hw) ||
        get_str(w, o, "hardware", true, &p->hardware) || get_str(w, o, "runtime", true, &p->runtime) ||
        get_str(w, o, "precision", true, &p->precision) || get_str(w, o, "scenario", true, &p->scenario) ||
        get_str(w, o, "boundary", true, &p->boundary) || get_num(w, o, "batch", false, 0, 1e9, &batch) ||
        get_str(w, o, "method", true, &method))
        return free(method), -1;
    p->batch = (int)batch;
    int m = method_of(method);
    free(method);
    if (m < 0)
        return bad(w, "method", "one of none, fitted, anchor, spec-only");
    p->method = (enum pr_method)m;
    if (!*p->id || !*p->hw)
        return bad(w, *p->id ? "hw" : "id", "a non-empty string");
    if (strcmp(p->boundary, "device") && strcmp(p->boundary, "module") && strcmp(p->boundary, "wall"))
        return bad(w, "boundary", "device, module or wall");

    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
    if (spec && !cJSON_IsObject(spec))
        return bad(w, "spec", "an object");
    size_t len = push(w, "spec", 0);
    struct pr_spec *s = &p->spec;
    static const cJSON empty;
    const cJSON *so = spec ? spec : &empty;
    if (get_num(w, so, "peak_ops", false, 0, 1e18, &s->peak_ops) || get_num(w, so, "mem_bw", false, 0, 1e15, &s->mem_bw) ||
        get_num(w, so, "peak_ops_conv", false, 0, 1e18, &s->peak_ops_conv) ||
        get_num(w, so, "tdp_w", false, 0, 1e6, &s->tdp_w) || get_num(w, so, "idle_w", false, 0, 1e6, &s->idle_w) ||
        get_int(w, so, "cores", false, 0, 1000000, &s->cores) || get_num(w, so, "mem_gb", false, 0, 1e6, &s->mem_gb) ||
        get_str(w, so, "source", false, &s->source))
        return -1;
    w->path[len] = 0;

    const cJSON *coef = cJSON_GetObjectItemCaseSensitive(o, "coef");
    if (coef && !cJSON_IsObject(coef))
        return bad(w, "coef", "an object");
    if (coef) {
        len = push(w, "coef", 0);
        struct pr_coef *c = &p->coef;
        if (get_num(w, coef, "e_fixed", false, 0, 1e9, &c->e_fixed) ||
            read_class(w, coef, "e_class", c->e_class) || get_num(w, coef, "e_byte", false, 0, 1e6, &c->e_byte) ||
            get_num(w, coef, "e_layer", false, 0, 1e9, &c->e_layer) ||
            get_num(w, coef, "t_layer", false, 0, 1e9, &c->t_layer) ||
            get_num(w, coef, "t_fixed", false, 0, 1e9, &c->t_fixed) ||
            read_class(w, coef, "t_class", c->t_class) || get_num(w, coef, "t_byte", false, 0, 1e6, &c->t_byte))
            return -1;
        w->path[len] = 0;
    }
    if (read_roof(w, o, p) < 0)
        return -1;
    if ((p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR) && !p->has_roof) {
        if (!coef)
            return bad(w, "coef", "the fitted coefficients (method is fitted or anchor)");
    }
    struct pr_valid *v = &p->valid;
    v->loo_median = v->loo_p90 = v->xfam_median = v->lat_loo_median = v->lat_loo_p90 = v->lat_xfam_median = -1;
    const cJSON *val = cJSON_GetObjectItemCaseSensitive(o, "validation");
    if (val) {
        if (!cJSON_IsObject(val))
            return bad(w, "validation", "an object");
        len = push(w, "validation", 0);
        double *f[] = {&v->loo_median, &v->loo_p90, &v->xfam_median, &v->lat_loo_median, &v->lat_loo_p90,
                       &v->lat_xfam_median};
        const char *k[] = {"loo_median_pct", "loo_p90_pct", "cross_family_median_pct", "latency_loo_median_pct",
                           "latency_loo_p90_pct", "latency_cross_family_median_pct"};
        if (get_int(w, val, "models", false, 0, 1000000, &v->models))
            return -1;
        for (int i = 0; i < 6; i++) {
            if (!cJSON_GetObjectItemCaseSensitive(val, k[i]))
                continue;
            if (get_num(w, val, k[i], false, 0, 1e6, f[i]))
                return -1;
        }
        w->path[len] = 0;
    }
    return 0;
}

static int load_profiles(struct pr_db *db, struct walk *w, const char *dir)
{
    char file[1024];
    cJSON *root = read_json(w, dir, F_PROFILES, "priori-db-profiles", file, sizeof file);
    if (!root)
        return -1;
    int n = 0, rc = -1;
    const cJSON *arr = get_array(w, root, "profiles", &n);
    if (!arr)
        goto out;
    db->profiles = calloc((size_t)n + 1, sizeof *db->profiles);
    if (!db->profiles) {
        pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    if (pr_names_init(&db->profile_index, (size_t)n) < 0) {
        pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        snprintf(w->path, PATH_LEN, "profiles[%d]", db->nprofiles);
        if (read_profile(w, it, &db->profiles[db->nprofiles++]) < 0)
            goto out;
        int put = pr_names_put(&db->profile_index, db->profiles[db->nprofiles - 1].id, db->nprofiles - 1);
        if (put != 0) {
            if (put > 0)
                bad(w, "id", "an id used once (it repeats an earlier profile)");
            else
                pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

/* ----------------------------------------------------------------- records */

static int read_features(struct walk *w, const cJSON *o, struct pr_features *f)
{
    const cJSON *fo = cJSON_GetObjectItemCaseSensitive(o, "features");
    if (!cJSON_IsObject(fo))
        return bad(w, "features", "an object of counts");
    size_t len = push(w, "features", 0);
    double layers = 0, mac_layers = 0;
    const double big = 1e21;
    if (get_num(w, fo, "macs_dense", true, 0, big, &f->work[PR_EC_DENSE]) ||
        get_num(w, fo, "macs_depthwise", true, 0, big, &f->work[PR_EC_DW]) ||
        get_num(w, fo, "flops_other", true, 0, big, &f->work[PR_EC_OTHER]) ||
        get_num(w, fo, "macs", true, 0, big, &f->macs) || get_num(w, fo, "flops", true, 0, big, &f->flops) ||
        get_num(w, fo, "bytes_read", true, 0, big, &f->bytes_read) ||
        get_num(w, fo, "bytes_written", true, 0, big, &f->bytes_written) ||
        get_num(w, fo, "params", true, 0, big, &f->params) || get_num(w, fo, "layers", true, 0, 1e9, &layers) ||
        get_num(w, fo, "mac_layers", true, 0, 1e9, &mac_layers))
        return -1;
    f->bytes = f->bytes_read + f->bytes_written;
    f->layers = (int)layers;
    f->mac_layers = (int)mac_layers;
    w->path[len] = 0;
    return 0;
}

/* graph, batch, float_bytes and kernels of a model entry (all optional;
 * kernels: [[class, count, macs, flops, bytes], ...]). */
static int read_kernels(struct walk *w, const cJSON *o, struct pr_db_model *m)
{
    if (get_str(w, o, "graph", false, &m->graph) || get_int(w, o, "batch", false, 0, 1000000000, &m->batch) ||
        get_num(w, o, "float_bytes", false, 0, 8, &m->float_bytes))
        return -1;
    if (!*m->graph) {
        free(m->graph);
        m->graph = dup_str(m->name);
        if (!m->graph)
            return pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
    }
    if (m->float_bytes <= 0)
        m->float_bytes = 4;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kernels");
    if (!k)
        return 0;
    if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) > 1000000)
        return bad(w, "kernels", "an array of [class, count, macs, flops, bytes]");
    m->kernels = calloc((size_t)cJSON_GetArraySize(k) + 1, sizeof *m->kernels);
    if (!m->kernels)
        return pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
    const cJSON *it;
    cJSON_ArrayForEach(it, k) {
        double v[5];
        int n = cJSON_IsArray(it) ? cJSON_GetArraySize(it) : 0;
        for (int i = 0; i < 5 && n == 5; i++) {
            const cJSON *x = cJSON_GetArrayItem(it, i);
            v[i] = cJSON_IsNumber(x) ? x->valuedouble : -1;
            if (!(v[i] >= 0 && v[i] <= 1e21))
                n = 0;
        }
        if (n != 5 || v[0] != floor(v[0]) || v[0] >= PR_KC_COUNT || v[1] < 1) {
            size_t len = push(w, "kernels", 0);
            push(w, NULL, m->nkernels);
            bad(w, NULL, "[class 0-4, count >= 1, macs, flops, bytes], numbers >= 0");
            w->path[len] = 0;
            return -1;
        }
        m->kernels[m->nkernels++] = (struct pr_kgroup){(int)v[0], v[1], v[2], v[3], v[4]};
    }
    return 0;
}

static int load_records(struct pr_db *db, struct walk *w, const char *dir)
{
    char file[1024];
    cJSON *root = read_json(w, dir, F_RECORDS, "priori-db-records", file, sizeof file);
    if (!root)
        return -1;
    int nm = 0, nr = 0, rc = -1;
    const cJSON *models = get_array(w, root, "models", &nm);
    const cJSON *records = models ? get_array(w, root, "records", &nr) : NULL;
    if (!records)
        goto out;
    db->models = calloc((size_t)nm + 1, sizeof *db->models);
    db->records = calloc((size_t)nr + 1, sizeof *db->records);
    if (!db->models || !db->records || pr_names_init(&db->model_index, (size_t)nm) < 0) {
        pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, models) {
        snprintf(w->path, PATH_LEN, "models[%d]", db->nmodels);
        struct pr_db_model *m = &db->models[db->nmodels++];
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (get_str(w, it, "name", true, &m->name) || get_str(w, it, "family", false, &m->family) ||
            get_str(w, it, "input", false, &m->input) || get_str(w, it, "source", false, &m->source) ||
            read_features(w, it, &m->f) || read_kernels(w, it, m))
            goto out;
        int put = pr_names_put(&db->model_index, m->name, db->nmodels - 1);
        if (put != 0) {
            if (put > 0)
                bad(w, "name", "a model name used once");
            else
                pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
            goto out;
        }
    }
    cJSON_ArrayForEach(it, records) {
        snprintf(w->path, PATH_LEN, "records[%d]", db->nrecords);
        struct pr_db_record *r = &db->records[db->nrecords++];
        double batch = 0;
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (get_str(w, it, "model", true, &r->model) || get_str(w, it, "profile", true, &r->profile) ||
            get_str(w, it, "source", true, &r->source) || get_str(w, it, "precision", false, &r->precision) ||
            get_num(w, it, "batch", false, 0, 1e9, &batch) ||
            get_num(w, it, "j_per_sample", true, 1e-12, 1e9, &r->j_per_sample) ||
            get_num(w, it, "watts", false, 0, 1e7, &r->watts) ||
            get_num(w, it, "samples_per_s", false, 0, 1e12, &r->samples_per_s) ||
            get_num(w, it, "latency_s", false, 0, 1e7, &r->latency_s) ||
            get_int(w, it, "run", false, 0, 1000000, &r->run) || get_str(w, it, "note", false, &r->note) ||
            get_str(w, it, "excluded", false, &r->excluded))
            goto out;
        r->batch = (int)batch;
        if (!pr_db_model_find(db, r->model)) {
            bad(w, "model", "the name of an entry of \"models\"");
            goto out;
        }
        if (!pr_db_profile(db, r->profile)) {
            bad(w, "profile", "the id of a profile in profiles.json");
            goto out;
        }
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

/* ------------------------------------------------------------------ carbon */

static int load_carbon(struct pr_db *db, struct walk *w, const char *dir)
{
    char file[1024];
    cJSON *root = read_json(w, dir, F_CARBON, "priori-db-carbon", file, sizeof file);
    if (!root)
        return -1;
    int n = 0, rc = -1;
    const cJSON *world = cJSON_GetObjectItemCaseSensitive(root, "world");
    if (!cJSON_IsObject(world)) {
        bad(w, "world", "an object with g_per_kwh and source");
        goto out;
    }
    strcpy(w->path, "world");
    if (get_num(w, world, "g_per_kwh", true, 0, 1e5, &db->world_g_per_kwh) ||
        get_str(w, world, "source", true, &db->world_source))
        goto out;
    w->path[0] = 0;
    const cJSON *arr = get_array(w, root, "regions", &n);
    if (!arr)
        goto out;
    db->carbon = calloc((size_t)n + 1, sizeof *db->carbon);
    if (!db->carbon) {
        pr_err_set(w->err, PR_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        snprintf(w->path, PATH_LEN, "regions[%d]", db->ncarbon);
        struct pr_carbon *c = &db->carbon[db->ncarbon++];
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (get_str(w, it, "code", true, &c->code) || get_str(w, it, "name", false, &c->name) ||
            get_str(w, it, "source", true, &c->source) || get_num(w, it, "g_per_kwh", true, 0, 1e5, &c->g_per_kwh) ||
            get_int(w, it, "year", false, 0, 3000, &c->year))
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

/* Loads dir, files k with texts[k] != NULL from that text. */
static int load_texts(struct pr_db *db, const char *dir, const char *const texts[3], struct pr_err *err)
{
    memset(db, 0, sizeof *db);
    struct walk w = {.err = err};
    for (int k = 0; texts && k < 3; k++)
        w.text[k] = texts[k];
    db->dir = dup_str(dir);
    if (!db->dir)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    if (load_profiles(db, &w, dir) < 0 || load_records(db, &w, dir) < 0 || load_carbon(db, &w, dir) < 0) {
        pr_db_free(db);
        return -1;
    }
    return 0;
}

int pr_db_load_locked(struct pr_db *db, const char *dir, struct pr_err *err)
{
    return load_texts(db, dir, NULL, err);
}

int pr_db_load(struct pr_db *db, const char *dir, struct pr_err *err)
{
    struct pr_db_lock lock;
    memset(db, 0, sizeof *db);
    if (pr_db_lock(&lock, dir, false, err) < 0)
        return -1;
    int rc = pr_db_load_locked(db, dir, err);
    pr_db_unlock(&lock);
    return rc;
}

static void free_model(struct pr_db_model *m)
{
    free(m->name), free(m->family), free(m->input), free(m->source), free(m->graph), free(m->kernels);
}

void pr_db_free(struct pr_db *db)
{
    for (int i = 0; i < db->nprofiles; i++) {
        struct pr_profile *p = &db->profiles[i];
        free(p->id), free(p->hw), free(p->hardware), free(p->runtime), free(p->precision);
        free(p->scenario), free(p->boundary), free(p->spec.source);
    }
    for (int i = 0; i < db->nmodels; i++)
        free_model(&db->models[i]);
    for (int i = 0; i < db->nrecords; i++) {
        struct pr_db_record *r = &db->records[i];
        free(r->model), free(r->profile), free(r->source), free(r->precision), free(r->note), free(r->excluded);
    }
    for (int i = 0; i < db->ncarbon; i++)
        free(db->carbon[i].code), free(db->carbon[i].name), free(db->carbon[i].source);
    free(db->profiles), free(db->models), free(db->records), free(db->carbon);
    free(db->dir), free(db->world_source);
    pr_names_free(&db->profile_index);
    pr_names_free(&db->model_index);
    memset(db, 0, sizeof *db);
}

/* ----------------------------------------------------------------- lookups */

const struct pr_profile *pr_db_profile(const struct pr_db *db, const char *id)
{
    if (db->profile_index.cap) {
        int i = pr_names_get(&db->profile_index, id);
        return i >= 0 ? &db->profiles[i] : NULL;
    }
    for (int i = 0; i < db->nprofiles; i++)
        if (strcmp(db->profiles[i].id, id) == 0)
            return &db->profiles[i];
    return NULL;
}

const struct pr_db_model *pr_db_model_find(const struct pr_db *db, const char *name)
{
    if (db->model_index.cap) {
        int i = pr_names_get(&db->model_index, name);
        return i >= 0 ? &db->models[i] : NULL;
    }
    for (int i = 0; i < db->nmodels; i++)
        if (strcmp(db->models[i].name, name) == 0)
            return &db->models[i];
    return NULL;
}

/* Preference when the caller leaves precision or scenario open. */
static int rank(const struct pr_profile *p)
{
    return (strcmp(p->precision, "fp32") == 0 ? 0 : 2) + (strcmp(p->scenario, "single") == 0 ? 0 : 1) +
           (strcmp(p->scenario, "train") == 0 ? 4 : 0);
}

const struct pr_profile *pr_db_select(const struct pr_db *db, const char *hw, const char *precision,
                                      const char *scenario)
{
    const struct pr_profile *best = NULL;
    for (int i = 0; i < db->nprofiles; i++) {
        const struct pr_profile *p = &db->profiles[i];
        if (strcmp(p->hw, hw) != 0 && strcmp(p->id, hw) != 0)
            continue;
        if ((precision && strcmp(p->precision, precision)) || (scenario && strcmp(p->scenario, scenario)))
            continue;
        if (!best || rank(p) < rank(best))
            best = p;
    }
    return best;
}

const struct pr_carbon *pr_db_carbon(const struct pr_db *db, const char *code)
{
    for (int i = 0; i < db->ncarbon; i++)
        if (strcasecmp(db->carbon[i].code, code) == 0)
            return &db->carbon[i];
    return NULL;
}

/* ------------------------------------------------------------------ adding */

static void *grow(void *arr, int n, size_t size)
{
    return realloc(arr, ((size_t)n + 2) * size);
}

int pr_db_add_model(struct pr_db *db, const struct pr_db_model *m)
{
    struct pr_db_model *a = grow(db->models, db->nmodels, sizeof *a);
    if (!a)
        return -1;
    db->models = a;
    struct pr_db_model *d = &a[db->nmodels];
    *d = *m;
    d->name = dup_str(m->name), d->family = dup_str(m->family ? m->family : "");
    d->input = dup_str(m->input ? m->input : ""), d->source = dup_str(m->source ? m->source : "");
    d->graph = dup_str(m->graph && *m->graph ? m->graph : m->name);
    d->kernels = malloc(((size_t)m->nkernels + 1) * sizeof *d->kernels);
    if (!d->name || !d->family || !d->input || !d->source || !d->graph || !d->kernels ||
        (db->model_index.cap && pr_names_put(&db->model_index, d->name, db->nmodels) < 0)) {
        free(d->name), free(d->family), free(d->input), free(d->source), free(d->graph), free(d->kernels);
        return -1;
    }
    if (m->nkernels)
        memcpy(d->kernels, m->kernels, (size_t)m->nkernels * sizeof *d->kernels);
    if (d->float_bytes <= 0)
        d->float_bytes = 4;
    db->nmodels++;
    return 0;
}

int pr_db_add_record(struct pr_db *db, const struct pr_db_record *r)
{
    struct pr_db_record *a = grow(db->records, db->nrecords, sizeof *a);
    if (!a)
        return -1;
    db->records = a;
    struct pr_db_record *d = &a[db->nrecords];
    *d = *r;
    d->model = dup_str(r->model), d->profile = dup_str(r->profile), d->source = dup_str(r->source);
    d->precision = dup_str(r->precision ? r->precision : "");
    d->note = dup_str(r->note ? r->note : ""), d->excluded = dup_str(r->excluded ? r->excluded : "");
    if (!d->model || !d->profile || !d->source || !d->precision || !d->note || !d->excluded) {
        free(d->model), free(d->profile), free(d->source), free(d->precision), free(d->note), free(d->excluded);
        return -1;
    }
    db->nrecords++;
    return 0;
}

int pr_db_replace_model(struct pr_db *db, int i, const struct pr_db_model *m)
{
    if (pr_db_add_model(db, m) < 0)   /* appended; the index still maps the name to i */
        return -1;
    int last = db->nmodels - 1;
    /* the stored key is the old entry's name: point it at the new one before freeing the old */
    if (db->model_index.cap && pr_names_set(&db->model_index, db->models[last].name, i) < 0) {
        free_model(&db->models[last]);
        db->nmodels--;
        return -1;
    }
    free_model(&db->models[i]);
    db->models[i] = db->models[last];
    db->nmodels--;
    return 0;
}

int pr_db_add_profile(struct pr_db *db, const struct pr_profile *p)
{
    struct pr_profile *a = grow(db->profiles, db->nprofiles, sizeof *a);
    if (!a)
        return -1;
    db->profiles = a;
    struct pr_profile *d = &a[db->nprofiles];
    *d = *p;
    char **s[] = {&d->id, &d->hw, &d->hardware, &d->runtime, &d->precision, &d->scenario, &d->boundary,
                  &d->spec.source};
    bool ok = true;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        *s[i] = dup_str(*s[i] ? *s[i] : "");
        ok &= *s[i] != NULL;
    }
    if (!ok || (db->profile_index.cap && pr_names_put(&db->profile_index, d->id, db->nprofiles) < 0)) {
        for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
            free(*s[i]);
        return -1;
    }
    db->nprofiles++;
    return 0;
}

/* ----------------------------------------------------------------- writing */

static cJSON *header(const char *schema)
{
    cJSON *root = cJSON_CreateObject();
    if (root) {
        cJSON_AddStringToObject(root, "schema", schema);
        cJSON_AddNumberToObject(root, "version", PR_DB_VERSION);
    }
    return root;
}

static void add_class(cJSON *o, const char *key, const double *v)
{
    cJSON *c = cJSON_AddObjectToObject(o, key);
    for (int i = 0; c && i < PR_EC_COUNT; i++)
        cJSON_AddNumberToObject(c, pr_eclass_name[i], v[i]);
}

static void add_nonzero(cJSON *o, const char *key, double v)
{
    if (v != 0)
        cJSON_AddNumberToObject(o, key, v);
}

static void add_kc(cJSON *o, const char *key, const double *v)
{
    cJSON *c = cJSON_AddObjectToObject(o, key);
    for (int i = 0; c && i < PR_KC_COUNT; i++)
        cJSON_AddNumberToObject(c, pr_kc_name[i], v[i]);
}

static void roof_json(cJSON *o, const struct pr_roof *f)
{
    cJSON *r = cJSON_AddObjectToObject(o, "roofline");
    if (!r)
        return;
    add_kc(r, "t_launch_s", f->t_launch);
    cJSON_AddNumberToObject(r, "t_fixed_s", f->t_fixed);
    cJSON_AddNumberToObject(r, "t_min_s", f->t_min);
    add_kc(r, "rate", f->rate);
    add_kc(r, "bw", f->bw);
    cJSON_AddNumberToObject(r, "p_static_w", f->p_static);
    add_kc(r, "e_work", f->e_work);
    cJSON_AddNumberToObject(r, "e_byte", f->e_byte);
    cJSON_AddNumberToObject(r, "e_launch", f->e_launch);
    cJSON_AddNumberToObject(r, "elem_bytes", f->elem_bytes);
    if (f->train)
        cJSON_AddNumberToObject(r, "train", 1);
}

static cJSON *profile_json(const struct pr_profile *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", p->id);
    cJSON_AddStringToObject(o, "hw", p->hw);
    cJSON_AddStringToObject(o, "hardware", p->hardware);
    cJSON_AddStringToObject(o, "runtime", p->runtime);
    cJSON_AddStringToObject(o, "precision", p->precision);
    cJSON_AddStringToObject(o, "scenario", p->scenario);
    cJSON_AddStringToObject(o, "boundary", p->boundary);
    add_nonzero(o, "batch", p->batch);
    cJSON *s = cJSON_AddObjectToObject(o, "spec");
    if (s) {
        add_nonzero(s, "peak_ops", p->spec.peak_ops);
        add_nonzero(s, "mem_bw", p->spec.mem_bw);
        add_nonzero(s, "peak_ops_conv", p->spec.peak_ops_conv);
        add_nonzero(s, "tdp_w", p->spec.tdp_w);
        add_nonzero(s, "idle_w", p->spec.idle_w);
        add_nonzero(s, "cores", p->spec.cores);
        add_nonzero(s, "mem_gb", p->spec.mem_gb);
        if (p->spec.source && *p->spec.source)
            cJSON_AddStringToObject(s, "source", p->spec.source);
    }
    cJSON_AddStringToObject(o, "method", pr_method_name[p->method]);
    if ((p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR) && !p->has_roof) {
        cJSON *c = cJSON_AddObjectToObject(o, "coef");
        if (c) {
            cJSON_AddNumberToObject(c, "e_fixed", p->coef.e_fixed);
            add_class(c, "e_class", p->coef.e_class);
            cJSON_AddNumberToObject(c, "e_byte", p->coef.e_byte);
            cJSON_AddNumberToObject(c, "e_layer", p->coef.e_layer);
            cJSON_AddNumberToObject(c, "t_fixed", p->coef.t_fixed);
            add_class(c, "t_class", p->coef.t_class);
            cJSON_AddNumberToObject(c, "t_byte", p->coef.t_byte);
            cJSON_AddNumberToObject(c, "t_layer", p->coef.t_layer);
        }
    }
    if (p->has_roof)
        roof_json(o, &p->roof);
    const struct pr_valid *v = &p->valid;
    if (v->models) {
        cJSON *c = cJSON_AddObjectToObject(o, "validation");
        if (c) {
            cJSON_AddNumberToObject(c, "models", v->models);
            double f[] = {v->loo_median, v->loo_p90, v->xfam_median, v->lat_loo_median, v->lat_loo_p90,
                          v->lat_xfam_median};
            const char *k[] = {"loo_median_pct", "loo_p90_pct", "cross_family_median_pct",
                               "latency_loo_median_pct", "latency_loo_p90_pct", "latency_cross_family_median_pct"};
            for (int i = 0; i < 6; i++)
                if (f[i] >= 0)
                    cJSON_AddNumberToObject(c, k[i], round(f[i] * 100) / 100);
        }
    }
    return o;
}

/* profiles.json as text (malloc'ed), NULL on out of memory. */
static char *profiles_text(const struct pr_db *db)
{
    cJSON *root = header("priori-db-profiles");
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "profiles") : NULL;
    for (int i = 0; arr && i < db->nprofiles; i++) {
        cJSON *o = profile_json(&db->profiles[i]);
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            arr = NULL;
        }
    }
    char *text = arr ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

static cJSON *model_json(const struct pr_db_model *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", m->name);
    cJSON_AddStringToObject(o, "family", m->family ? m->family : "");
    cJSON_AddStringToObject(o, "input", m->input ? m->input : "");
    cJSON_AddStringToObject(o, "source", m->source ? m->source : "");
    cJSON *f = cJSON_AddObjectToObject(o, "features");
    if (f) {
        cJSON_AddNumberToObject(f, "macs_dense", m->f.work[PR_EC_DENSE]);
        cJSON_AddNumberToObject(f, "macs_depthwise", m->f.work[PR_EC_DW]);
        cJSON_AddNumberToObject(f, "flops_other", m->f.work[PR_EC_OTHER]);
        cJSON_AddNumberToObject(f, "macs", m->f.macs);
        cJSON_AddNumberToObject(f, "flops", m->f.flops);
        cJSON_AddNumberToObject(f, "bytes_read", m->f.bytes_read);
        cJSON_AddNumberToObject(f, "bytes_written", m->f.bytes_written);
        cJSON_AddNumberToObject(f, "params", m->f.params);
        cJSON_AddNumberToObject(f, "layers", m->f.layers);
        cJSON_AddNumberToObject(f, "mac_layers", m->f.mac_layers);
    }
    if (m->graph && *m->graph && strcmp(m->graph, m->name) != 0)
        cJSON_AddStringToObject(o, "graph", m->graph);
    add_nonzero(o, "batch", m->batch);
    if (m->nkernels) {
        cJSON_AddNumberToObject(o, "float_bytes", m->float_bytes);
        cJSON *k = cJSON_AddArrayToObject(o, "kernels");
        for (int i = 0; k && i < m->nkernels; i++) {
            const struct pr_kgroup *g = &m->kernels[i];
            double v[5] = {g->cls, g->count, g->macs, g->flops, g->bytes};
            cJSON_AddItemToArray(k, cJSON_CreateDoubleArray(v, 5));
        }
    }
    return o;
}

static cJSON *record_json(const struct pr_db_record *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "model", r->model);
    cJSON_AddStringToObject(o, "profile", r->profile);
    if (r->precision && *r->precision)
        cJSON_AddStringToObject(o, "precision", r->precision);
    add_nonzero(o, "batch", r->batch);
    cJSON_AddNumberToObject(o, "j_per_sample", r->j_per_sample);
    add_nonzero(o, "watts", r->watts);
    add_nonzero(o, "samples_per_s", r->samples_per_s);
    add_nonzero(o, "latency_s", r->latency_s);
    cJSON_AddStringToObject(o, "source", r->source);
    add_nonzero(o, "run", r->run);
    if (r->note && *r->note)
        cJSON_AddStringToObject(o, "note", r->note);
    if (r->excluded && *r->excluded)
        cJSON_AddStringToObject(o, "excluded", r->excluded);
    return o;
}

/* records.json as text (malloc'ed), NULL on out of memory. */
static char *records_text(const struct pr_db *db)
{
    cJSON *root = header("priori-db-records");
    cJSON *models = root ? cJSON_AddArrayToObject(root, "models") : NULL;
    cJSON *records = models ? cJSON_AddArrayToObject(root, "records") : NULL;
    bool ok = records != NULL;
    for (int i = 0; ok && i < db->nmodels; i++) {
        cJSON *o = model_json(&db->models[i]);
        ok = o && cJSON_AddItemToArray(models, o);
        if (!ok)
            cJSON_Delete(o);
    }
    for (int i = 0; ok && i < db->nrecords; i++) {
        cJSON *o = record_json(&db->records[i]);
        ok = o && cJSON_AddItemToArray(records, o);
        if (!ok)
            cJSON_Delete(o);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

int pr_db_save(const struct pr_db *db, unsigned which, struct pr_err *err)
{
    const char *texts[3] = {NULL, NULL, NULL};
    char *p = which & PR_DB_PROFILES ? profiles_text(db) : NULL;
    char *r = which & PR_DB_RECORDS ? records_text(db) : NULL;
    int rc = -1;
    if ((which & PR_DB_PROFILES && !p) || (which & PR_DB_RECORDS && !r)) {
        pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    texts[F_PROFILES] = p;
    texts[F_RECORDS] = r;
    /* what is written must load: the loader's own rules, over the new texts and the files kept */
    struct pr_db check;
    if (load_texts(&check, db->dir, texts, err) < 0)
        goto out;
    pr_db_free(&check);
    const char *names[2], *data[2];
    int n = 0;
    for (int k = F_PROFILES; k <= F_RECORDS; k++)
        if (texts[k]) {
            names[n] = file_names[k];
            data[n++] = texts[k];
        }
    rc = pr_db_commit(db->dir, names, data, n, err);
out:
    free(p);
    free(r);
    return rc;
}

int pr_db_write_profiles(const struct pr_db *db, struct pr_err *err)
{
    return pr_db_save(db, PR_DB_PROFILES, err);
}

int pr_db_write_records(const struct pr_db *db, struct pr_err *err)
{
    return pr_db_save(db, PR_DB_RECORDS, err);
}

char *pr_db_model_print(const struct pr_db_model *m)
{
    cJSON *o = model_json(m);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return text;
}

cJSON *pr_db_profile_json(const struct pr_profile *p)
{
    return profile_json(p);
}

cJSON *pr_db_record_json(const struct pr_db_record *r)
{
    return record_json(r);
}

cJSON *pr_db_model_json(const struct pr_db_model *m)
{
    return model_json(m);
}
