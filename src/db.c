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
const char *const pr_kc_name[PR_KC_COUNT] = {"conv", "gemm", "grouped", "attention", "eltwise", "depthwise"};

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

enum { MAX_FILE = 64 << 20 };

/* The walk: the file being read and the JSON path of the current field
 * (json.h's reader; paths without "$": "profiles[3].spec.tdp_w"). */
struct walk {
    struct pr_jr jr;
    const char *text[3];    /* new profiles/records/carbon text checked before a write; NULL: the file */
};

enum { F_PROFILES, F_RECORDS, F_CARBON };
/* The keys of a profile's "validation", in struct pr_valid's order. */
static const char *const valid_keys[6] = {"loo_median_pct",         "loo_p90_pct",
                                          "cross_family_median_pct", "latency_loo_median_pct",
                                          "latency_loo_p90_pct",     "latency_cross_family_median_pct"};
static const char *const file_names[3] = {"profiles.json", "records.json", "carbon.json"};

static int bad(struct walk *w, const char *key, const char *expected)
{
    return pr_jr_bad(&w->jr, key, NULL, expected);
}

/* Reads file k of DIR (or the text given for it) into a parsed tree and
 * checks schema and version. */
static cJSON *read_json(struct walk *w, const char *dir, int k, const char *schema, char *pathbuf, size_t size)
{
    snprintf(pathbuf, size, "%s/%s", dir, file_names[k]);
    w->jr.file = pathbuf;
    w->jr.path[0] = 0;
    struct pr_err ferr = {0};
    char *buf = w->text[k] ? strdup(w->text[k]) : pr_json_read(pathbuf, MAX_FILE, PR_E_ARG, &ferr);
    if (!buf) {
        if (w->text[k])
            pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
        else if (ferr.code == PR_E_IO && !strstr(ferr.msg, "cannot read"))
            pr_err_set(w->jr.err, PR_E_ARG, "%s; give the database folder with --db DIR", ferr.msg);
        else
            *w->jr.err = ferr;
        return NULL;
    }
    size_t at;
    bool oom;
    cJSON *root = pr_json_parse_at(buf, &at, &oom);
    if (!root && oom)
        pr_json_no_memory(w->jr.err, pathbuf, buf);
    else if (!root)
        pr_err_set(w->jr.err, PR_E_ARG, "%s: not valid JSON near byte %zu", pathbuf, at);
    free(buf);
    if (!root)
        return NULL;
    char *s = NULL;
    double version = 0;
    if (!cJSON_IsObject(root)) {
        bad(w, NULL, "a JSON object at the top");
    } else if (pr_jr_str(&w->jr, root, "schema", true, &s) == 0 && strcmp(s, schema) != 0) {
        char what[96];
        snprintf(what, sizeof what, "\"%s\"", schema);
        bad(w, "schema", what);
    } else if (s && pr_jr_num(&w->jr, root, "version", true, 1, PR_DB_VERSION, &version) == 0) {
        free(s);
        return root;
    }
    free(s);
    cJSON_Delete(root);
    return NULL;
}

static const cJSON *get_array(struct walk *w, const cJSON *o, const char *key, int *n)
{
    return pr_jr_array(&w->jr, o, key, 1000000, n);
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
    size_t len = pr_jr_push(&w->jr, key, 0);
    int rc = 0;
    for (int i = 0; i < PR_EC_COUNT && rc == 0; i++)
        rc = pr_jr_num(&w->jr, c, pr_eclass_name[i], false, 0, 1e6, &out[i]);
    pr_jr_pop(&w->jr, len);
    return rc;
}

/* One value per kernel class; depthwise only where dw (read_roof). */
static int read_kc(struct walk *w, const cJSON *o, const char *key, bool dw, double hi, double *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsObject(c))
        return bad(w, key, "an object with conv, gemm, grouped, attention, eltwise (and depthwise)");
    size_t len = pr_jr_push(&w->jr, key, 0);
    int rc = 0;
    for (int i = 0; i < PR_KC_COUNT && rc == 0; i++)
        rc = i != PR_KC_DEPTHWISE || dw ? pr_jr_num(&w->jr, c, pr_kc_name[i], true, 0, hi, &out[i]) : 0;
    pr_jr_pop(&w->jr, len);
    return rc;
}

/* The name of bit `bit` of struct pr_roof unidentified, "GROUP.CLASS"
 * (groups rate, bw, e_work in bit order: bit = group x PR_KC_COUNT +
 * class), into name[32]. */
#define ROOF_BITS (3 * PR_KC_COUNT)
static void roof_bit_name(int bit, char name[32])
{
    static const char *const group[] = {"rate", "bw", "e_work"};
    snprintf(name, 32, "%s.%s", group[bit / PR_KC_COUNT], pr_kc_name[bit % PR_KC_COUNT]);
}

/* The optional "not_identified" list of a roofline: ["rate.eltwise", ...]. */
static int read_unidentified(struct walk *w, const cJSON *r, unsigned *out)
{
    *out = 0;
    if (!cJSON_GetObjectItemCaseSensitive(r, "not_identified"))
        return 0;
    int n, i = 0;
    const cJSON *a = pr_jr_array(&w->jr, r, "not_identified", ROOF_BITS, &n), *it;
    if (!a)
        return -1;
    size_t len = pr_jr_push(&w->jr, "not_identified", 0);
    cJSON_ArrayForEach(it, a) {
        int bit = -1;
        char name[32];
        for (int k = 0; k < ROOF_BITS && bit < 0 && cJSON_IsString(it); k++) {
            roof_bit_name(k, name);
            bit = strcmp(it->valuestring, name) == 0 ? k : -1;
        }
        if (bit < 0) {
            pr_jr_push(&w->jr, NULL, i);
            return bad(w, NULL, "\"rate.CLASS\", \"bw.CLASS\" or \"e_work.CLASS\" (CLASS: conv, gemm, grouped, "
                                "attention, eltwise, depthwise)");
        }
        *out |= 1u << bit;
        i++;
    }
    pr_jr_pop(&w->jr, len);
    return 0;
}

/* The optional "roofline" object of a profile (struct pr_roof). */
static int read_roof(struct walk *w, const cJSON *o, struct pr_profile *p)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "roofline");
    if (!r)
        return 0;
    if (!cJSON_IsObject(r))
        return bad(w, "roofline", "an object");
    size_t len = pr_jr_push(&w->jr, "roofline", 0);
    struct pr_roof *f = &p->roof;
    /* a profile fitted before depthwise kernels had a class of their own has no depthwise values:
       its depthwise kernels were grouped ones */
    bool dw = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "rate"), "depthwise") != NULL;
    if (read_kc(w, r, "t_launch_s", dw, 1, f->t_launch) ||
        pr_jr_num(&w->jr, r, "t_fixed_s", true, 0, 10, &f->t_fixed) ||
        pr_jr_num(&w->jr, r, "t_min_s", true, 0, 1, &f->t_min) ||
        pr_jr_num(&w->jr, r, "t_sub_s", false, 0, 1, &f->t_sub) || read_kc(w, r, "rate", dw, 1e18, f->rate) ||
        read_kc(w, r, "bw", dw, 1e15, f->bw) || pr_jr_num(&w->jr, r, "p_static_w", true, 0, 1e6, &f->p_static) ||
        read_kc(w, r, "e_work", dw, 1, f->e_work) || pr_jr_num(&w->jr, r, "e_byte", true, 0, 1, &f->e_byte) ||
        pr_jr_num(&w->jr, r, "e_launch", true, 0, 1, &f->e_launch) ||
        pr_jr_num(&w->jr, r, "elem_bytes", true, 1, 8, &f->elem_bytes) ||
        pr_jr_int(&w->jr, r, "train", false, 0, 1, &f->train) || read_unidentified(w, r, &f->unidentified))
        return -1;
    if (!dw) {
        int g = PR_KC_GROUPED, d = PR_KC_DEPTHWISE;
        f->t_launch[d] = f->t_launch[g], f->rate[d] = f->rate[g], f->bw[d] = f->bw[g], f->e_work[d] = f->e_work[g];
        for (int k = 0; k < 3; k++)
            f->unidentified |= (f->unidentified >> (k * PR_KC_COUNT + g) & 1u) << (k * PR_KC_COUNT + d);
    }
    for (int i = 0; i < PR_KC_COUNT; i++)
        if (!(f->rate[i] > 0) || !(f->bw[i] > 0)) {   /* a kernel's time divides by both */
            pr_jr_push(&w->jr, f->rate[i] > 0 ? "bw" : "rate", 0);
            return bad(w, pr_kc_name[i], "a number above 0");
        }
    pr_jr_pop(&w->jr, len);
    p->has_roof = true;
    return 0;
}

static int read_profile(struct walk *w, const cJSON *o, struct pr_profile *p)
{
    if (!cJSON_IsObject(o))
        return bad(w, NULL, "an object");
    char *method = NULL;
    double batch = 0;
    if (pr_jr_str(&w->jr, o, "id", true, &p->id) || pr_jr_str(&w->jr, o, "hw", true, &p->hw) ||
        pr_jr_str(&w->jr, o, "hardware", true, &p->hardware) || pr_jr_str(&w->jr, o, "runtime", true, &p->runtime) ||
        pr_jr_str(&w->jr, o, "precision", true, &p->precision) ||
        pr_jr_str(&w->jr, o, "scenario", true, &p->scenario) || pr_jr_str(&w->jr, o, "boundary", true, &p->boundary) ||
        pr_jr_num(&w->jr, o, "batch", false, 0, 1e9, &batch) || pr_jr_str(&w->jr, o, "method", true, &method))
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
    size_t len = pr_jr_push(&w->jr, "spec", 0);
    struct pr_spec *s = &p->spec;
    static const cJSON empty;
    const cJSON *so = spec ? spec : &empty;
    if (pr_jr_num(&w->jr, so, "peak_ops", false, 0, 1e18, &s->peak_ops) ||
        pr_jr_num(&w->jr, so, "mem_bw", false, 0, 1e15, &s->mem_bw) ||
        pr_jr_num(&w->jr, so, "peak_ops_conv", false, 0, 1e18, &s->peak_ops_conv) ||
        pr_jr_num(&w->jr, so, "tdp_w", false, 0, 1e6, &s->tdp_w) ||
        pr_jr_num(&w->jr, so, "idle_w", false, 0, 1e6, &s->idle_w) ||
        pr_jr_int(&w->jr, so, "cores", false, 0, 1000000, &s->cores) ||
        pr_jr_num(&w->jr, so, "mem_gb", false, 0, 1e6, &s->mem_gb) ||
        pr_jr_str(&w->jr, so, "source", false, &s->source))
        return -1;
    pr_jr_pop(&w->jr, len);

    const cJSON *coef = cJSON_GetObjectItemCaseSensitive(o, "coef");
    if (coef && !cJSON_IsObject(coef))
        return bad(w, "coef", "an object");
    if (coef) {
        len = pr_jr_push(&w->jr, "coef", 0);
        struct pr_coef *c = &p->coef;
        if (pr_jr_num(&w->jr, coef, "e_fixed", false, 0, 1e9, &c->e_fixed) ||
            read_class(w, coef, "e_class", c->e_class) ||
            pr_jr_num(&w->jr, coef, "e_byte", false, 0, 1e6, &c->e_byte) ||
            pr_jr_num(&w->jr, coef, "e_layer", false, 0, 1e9, &c->e_layer) ||
            pr_jr_num(&w->jr, coef, "t_layer", false, 0, 1e9, &c->t_layer) ||
            pr_jr_num(&w->jr, coef, "t_fixed", false, 0, 1e9, &c->t_fixed) ||
            read_class(w, coef, "t_class", c->t_class) || pr_jr_num(&w->jr, coef, "t_byte", false, 0, 1e6, &c->t_byte))
            return -1;
        pr_jr_pop(&w->jr, len);
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
        len = pr_jr_push(&w->jr, "validation", 0);
        double *f[] = {&v->loo_median, &v->loo_p90, &v->xfam_median, &v->lat_loo_median, &v->lat_loo_p90,
                       &v->lat_xfam_median};
        const char *const *k = valid_keys;
        if (pr_jr_int(&w->jr, val, "models", false, 0, 1000000, &v->models))
            return -1;
        for (int i = 0; i < 6; i++) {
            if (!cJSON_GetObjectItemCaseSensitive(val, k[i]))
                continue;
            if (pr_jr_num(&w->jr, val, k[i], false, 0, 1e6, f[i]))
                return -1;
        }
        pr_jr_pop(&w->jr, len);
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
        pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
        goto out;
    }
    if (pr_names_init(&db->profile_index, (size_t)n) < 0) {
        pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        snprintf(w->jr.path, sizeof w->jr.path, "profiles[%d]", db->nprofiles);
        if (read_profile(w, it, &db->profiles[db->nprofiles++]) < 0)
            goto out;
        int put = pr_names_put(&db->profile_index, db->profiles[db->nprofiles - 1].id, db->nprofiles - 1);
        if (put != 0) {
            if (put > 0)
                bad(w, "id", "an id used once (it repeats an earlier profile)");
            else
                pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
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
    size_t len = pr_jr_push(&w->jr, "features", 0);
    double layers = 0, mac_layers = 0;
    const double big = 1e21;
    if (pr_jr_num(&w->jr, fo, "macs_dense", true, 0, big, &f->work[PR_EC_DENSE]) ||
        pr_jr_num(&w->jr, fo, "macs_depthwise", true, 0, big, &f->work[PR_EC_DW]) ||
        pr_jr_num(&w->jr, fo, "flops_other", true, 0, big, &f->work[PR_EC_OTHER]) ||
        pr_jr_num(&w->jr, fo, "macs", true, 0, big, &f->macs) ||
        pr_jr_num(&w->jr, fo, "flops", true, 0, big, &f->flops) ||
        pr_jr_num(&w->jr, fo, "bytes_read", true, 0, big, &f->bytes_read) ||
        pr_jr_num(&w->jr, fo, "bytes_written", true, 0, big, &f->bytes_written) ||
        pr_jr_num(&w->jr, fo, "params", true, 0, big, &f->params) ||
        pr_jr_num(&w->jr, fo, "layers", true, 0, 1e9, &layers) ||
        pr_jr_num(&w->jr, fo, "mac_layers", true, 0, 1e9, &mac_layers))
        return -1;
    f->bytes = f->bytes_read + f->bytes_written;
    f->layers = (int)layers;
    f->mac_layers = (int)mac_layers;
    pr_jr_pop(&w->jr, len);
    return 0;
}

/* graph, batch, float_bytes and kernels of a model entry (all optional;
 * kernels: [[class, count, macs, flops, bytes(, mode)], ...], mode
 * enum pr_kmode, 0 when absent). */
static int read_kernels(struct walk *w, const cJSON *o, struct pr_db_model *m)
{
    if (pr_jr_str(&w->jr, o, "graph", false, &m->graph) ||
        pr_jr_int(&w->jr, o, "batch", false, 0, 1000000000, &m->batch) ||
        pr_jr_num(&w->jr, o, "float_bytes", false, 0, 8, &m->float_bytes))
        return -1;
    if (!*m->graph) {
        free(m->graph);
        m->graph = strdup(m->name);
        if (!m->graph)
            return pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
    }
    if (m->float_bytes <= 0)
        m->float_bytes = 4;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kernels");
    if (!k)
        return 0;
    if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) > 1000000)
        return bad(w, "kernels", "an array of [class, count, macs, flops, bytes(, mode)]");
    m->kernels = calloc((size_t)cJSON_GetArraySize(k) + 1, sizeof *m->kernels);
    if (!m->kernels)
        return pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
    const cJSON *it;
    cJSON_ArrayForEach(it, k) {
        double v[6] = {0};
        int n = cJSON_IsArray(it) ? cJSON_GetArraySize(it) : 0;
        bool ok = n == 5 || n == 6;
        for (int i = 0; i < n && ok; i++) {
            const cJSON *x = cJSON_GetArrayItem(it, i);
            v[i] = cJSON_IsNumber(x) ? x->valuedouble : -1;
            ok = v[i] >= 0 && v[i] <= 1e21;
        }
        if (!ok || v[0] != floor(v[0]) || v[0] >= PR_KC_COUNT || v[1] < 1 || v[5] != floor(v[5]) ||
            v[5] >= PR_KM_COUNT) {
            size_t len = pr_jr_push(&w->jr, "kernels", 0);
            pr_jr_push(&w->jr, NULL, m->nkernels);
            bad(w, NULL, "[class 0-5, count >= 1, macs, flops, bytes, mode 0-5 (optional)], numbers >= 0");
            pr_jr_pop(&w->jr, len);
            return -1;
        }
        m->kernels[m->nkernels++] = (struct pr_kgroup){(int)v[0], v[1], v[2], v[3], v[4], (int)v[5]};
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
        pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, models) {
        snprintf(w->jr.path, sizeof w->jr.path, "models[%d]", db->nmodels);
        struct pr_db_model *m = &db->models[db->nmodels++];
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (pr_jr_str(&w->jr, it, "name", true, &m->name) || pr_jr_str(&w->jr, it, "family", false, &m->family) ||
            pr_jr_str(&w->jr, it, "input", false, &m->input) || pr_jr_str(&w->jr, it, "source", false, &m->source) ||
            read_features(w, it, &m->f) || read_kernels(w, it, m))
            goto out;
        int put = pr_names_put(&db->model_index, m->name, db->nmodels - 1);
        if (put != 0) {
            if (put > 0)
                bad(w, "name", "a model name used once");
            else
                pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
            goto out;
        }
    }
    cJSON_ArrayForEach(it, records) {
        snprintf(w->jr.path, sizeof w->jr.path, "records[%d]", db->nrecords);
        struct pr_db_record *r = &db->records[db->nrecords++];
        double batch = 0;
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (pr_jr_str(&w->jr, it, "model", true, &r->model) || pr_jr_str(&w->jr, it, "profile", true, &r->profile) ||
            pr_jr_str(&w->jr, it, "source", true, &r->source) ||
            pr_jr_str(&w->jr, it, "precision", false, &r->precision) ||
            pr_jr_num(&w->jr, it, "batch", false, 0, 1e9, &batch) ||
            pr_jr_num(&w->jr, it, "j_per_sample", true, 1e-12, 1e9, &r->j_per_sample) ||
            pr_jr_num(&w->jr, it, "watts", false, 0, 1e7, &r->watts) ||
            pr_jr_num(&w->jr, it, "samples_per_s", false, 0, 1e12, &r->samples_per_s) ||
            pr_jr_num(&w->jr, it, "latency_s", false, 0, 1e7, &r->latency_s) ||
            pr_jr_int(&w->jr, it, "run", false, 0, 1000000, &r->run) ||
            pr_jr_str(&w->jr, it, "note", false, &r->note) || pr_jr_str(&w->jr, it, "excluded", false, &r->excluded))
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
    strcpy(w->jr.path, "world");
    if (pr_jr_num(&w->jr, world, "g_per_kwh", true, 0, 1e5, &db->world_g_per_kwh) ||
        pr_jr_str(&w->jr, world, "source", true, &db->world_source))
        goto out;
    w->jr.path[0] = 0;
    const cJSON *arr = get_array(w, root, "regions", &n);
    if (!arr)
        goto out;
    db->carbon = calloc((size_t)n + 1, sizeof *db->carbon);
    if (!db->carbon) {
        pr_err_set(w->jr.err, PR_E_INTERNAL, "out of memory");
        goto out;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        snprintf(w->jr.path, sizeof w->jr.path, "regions[%d]", db->ncarbon);
        struct pr_carbon *c = &db->carbon[db->ncarbon++];
        if (!cJSON_IsObject(it)) {
            bad(w, NULL, "an object");
            goto out;
        }
        if (pr_jr_str(&w->jr, it, "code", true, &c->code) || pr_jr_str(&w->jr, it, "name", false, &c->name) ||
            pr_jr_str(&w->jr, it, "source", true, &c->source) ||
            pr_jr_num(&w->jr, it, "g_per_kwh", true, 0, 1e5, &c->g_per_kwh) ||
            pr_jr_int(&w->jr, it, "year", false, 0, 3000, &c->year))
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
    struct walk w = {.jr = {.code = PR_E_ARG,
                            .err = err,
                            .hint = texts && (texts[0] || texts[1])
                                        ? "refused by the database's own rules, nothing was written"
                                        : "fix the file or give another --db"}};
    for (int k = 0; texts && k < 3; k++)
        w.text[k] = texts[k];
    db->dir = strdup(dir);
    if (!db->dir)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
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
    if (pr_db_lock(&lock, dir, false, err) < 0) {
        db->recovered = lock.recovered;
        return -1;
    }
    int rc = pr_db_load_locked(db, dir, err);
    db->recovered = lock.recovered;   /* also after a failed load, which leaves db empty */
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
    d->name = strdup(m->name), d->family = strdup(m->family ? m->family : "");
    d->input = strdup(m->input ? m->input : ""), d->source = strdup(m->source ? m->source : "");
    d->graph = strdup(m->graph && *m->graph ? m->graph : m->name);
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
    d->model = strdup(r->model), d->profile = strdup(r->profile), d->source = strdup(r->source);
    d->precision = strdup(r->precision ? r->precision : "");
    d->note = strdup(r->note ? r->note : ""), d->excluded = strdup(r->excluded ? r->excluded : "");
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
        *s[i] = strdup(*s[i] ? *s[i] : "");
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

/* The writers build with json.h's builder (struct pr_jb), which remembers
 * any allocation that failed: a file is written whole or not at all.
 * Strings are written exactly (pr_jb_text): the database reads them back. */

static cJSON *header(struct pr_jb *b, const char *schema)
{
    cJSON *root = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, root, "schema", pr_jb_text(b, schema));
    pr_jb_add(b, root, "version", pr_jb_num(b, PR_DB_VERSION));
    return root;
}

static void add_num(struct pr_jb *b, cJSON *o, const char *key, double v)
{
    pr_jb_add(b, o, key, pr_jb_num(b, v));
}

static void add_str(struct pr_jb *b, cJSON *o, const char *key, const char *s)
{
    pr_jb_add(b, o, key, pr_jb_text(b, s));
}

static void add_nonzero(struct pr_jb *b, cJSON *o, const char *key, double v)
{
    if (v != 0)
        add_num(b, o, key, v);
}

/* {names[0]: v[0], ...} under key. */
static void add_classes(struct pr_jb *b, cJSON *o, const char *key, const char *const *names, int n, const double *v)
{
    cJSON *c = pr_jb_object(b, o, key);
    for (int i = 0; i < n; i++)
        add_num(b, c, names[i], v[i]);
}

static void roof_json(struct pr_jb *b, cJSON *o, const struct pr_roof *f)
{
    cJSON *r = pr_jb_object(b, o, "roofline");
    add_classes(b, r, "t_launch_s", pr_kc_name, PR_KC_COUNT, f->t_launch);
    add_num(b, r, "t_fixed_s", f->t_fixed);
    add_num(b, r, "t_min_s", f->t_min);
    add_num(b, r, "t_sub_s", f->t_sub);
    add_classes(b, r, "rate", pr_kc_name, PR_KC_COUNT, f->rate);
    add_classes(b, r, "bw", pr_kc_name, PR_KC_COUNT, f->bw);
    add_num(b, r, "p_static_w", f->p_static);
    add_classes(b, r, "e_work", pr_kc_name, PR_KC_COUNT, f->e_work);
    add_num(b, r, "e_byte", f->e_byte);
    add_num(b, r, "e_launch", f->e_launch);
    add_num(b, r, "elem_bytes", f->elem_bytes);
    if (f->train)
        add_num(b, r, "train", 1);
    if (f->unidentified) {
        cJSON *a = pr_jb_array(b, r, "not_identified");
        char name[32];
        for (int bit = 0; bit < ROOF_BITS; bit++)
            if (f->unidentified & 1u << bit) {
                roof_bit_name(bit, name);
                pr_jb_add(b, a, NULL, pr_jb_text(b, name));
            }
    }
}

static cJSON *profile_json(struct pr_jb *b, const struct pr_profile *p)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    add_str(b, o, "id", p->id);
    add_str(b, o, "hw", p->hw);
    add_str(b, o, "hardware", p->hardware);
    add_str(b, o, "runtime", p->runtime);
    add_str(b, o, "precision", p->precision);
    add_str(b, o, "scenario", p->scenario);
    add_str(b, o, "boundary", p->boundary);
    add_nonzero(b, o, "batch", p->batch);
    cJSON *s = pr_jb_object(b, o, "spec");
    add_nonzero(b, s, "peak_ops", p->spec.peak_ops);
    add_nonzero(b, s, "mem_bw", p->spec.mem_bw);
    add_nonzero(b, s, "peak_ops_conv", p->spec.peak_ops_conv);
    add_nonzero(b, s, "tdp_w", p->spec.tdp_w);
    add_nonzero(b, s, "idle_w", p->spec.idle_w);
    add_nonzero(b, s, "cores", p->spec.cores);
    add_nonzero(b, s, "mem_gb", p->spec.mem_gb);
    if (p->spec.source && *p->spec.source)
        add_str(b, s, "source", p->spec.source);
    add_str(b, o, "method", pr_method_name[p->method]);
    if ((p->method == PR_METHOD_FITTED || p->method == PR_METHOD_ANCHOR) && !p->has_roof) {
        cJSON *c = pr_jb_object(b, o, "coef");
        add_num(b, c, "e_fixed", p->coef.e_fixed);
        add_classes(b, c, "e_class", pr_eclass_name, PR_EC_COUNT, p->coef.e_class);
        add_num(b, c, "e_byte", p->coef.e_byte);
        add_num(b, c, "e_layer", p->coef.e_layer);
        add_num(b, c, "t_fixed", p->coef.t_fixed);
        add_classes(b, c, "t_class", pr_eclass_name, PR_EC_COUNT, p->coef.t_class);
        add_num(b, c, "t_byte", p->coef.t_byte);
        add_num(b, c, "t_layer", p->coef.t_layer);
    }
    if (p->has_roof)
        roof_json(b, o, &p->roof);
    const struct pr_valid *v = &p->valid;
    if (v->models) {
        cJSON *c = pr_jb_object(b, o, "validation");
        add_num(b, c, "models", v->models);
        double f[] = {v->loo_median,     v->loo_p90,     v->xfam_median,
                      v->lat_loo_median, v->lat_loo_p90, v->lat_xfam_median};
        const char *const *k = valid_keys;
        for (int i = 0; i < 6; i++)
            if (f[i] >= 0)
                add_num(b, c, k[i], round(f[i] * 100) / 100);
    }
    return o;
}

/* profiles.json as text (malloc'ed), NULL on out of memory. */
static char *profiles_text(const struct pr_db *db)
{
    struct pr_jb b = {0};
    cJSON *root = header(&b, "priori-db-profiles");
    cJSON *arr = pr_jb_array(&b, root, "profiles");
    for (int i = 0; !b.failed && i < db->nprofiles; i++)
        pr_jb_add(&b, arr, NULL, profile_json(&b, &db->profiles[i]));
    return pr_jb_text_of(&b, root, true);
}

static cJSON *model_json(struct pr_jb *b, const struct pr_db_model *m)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    add_str(b, o, "name", m->name);
    add_str(b, o, "family", m->family ? m->family : "");
    add_str(b, o, "input", m->input ? m->input : "");
    add_str(b, o, "source", m->source ? m->source : "");
    cJSON *f = pr_jb_object(b, o, "features");
    add_num(b, f, "macs_dense", m->f.work[PR_EC_DENSE]);
    add_num(b, f, "macs_depthwise", m->f.work[PR_EC_DW]);
    add_num(b, f, "flops_other", m->f.work[PR_EC_OTHER]);
    add_num(b, f, "macs", m->f.macs);
    add_num(b, f, "flops", m->f.flops);
    add_num(b, f, "bytes_read", m->f.bytes_read);
    add_num(b, f, "bytes_written", m->f.bytes_written);
    add_num(b, f, "params", m->f.params);
    add_num(b, f, "layers", m->f.layers);
    add_num(b, f, "mac_layers", m->f.mac_layers);
    if (m->graph && *m->graph && strcmp(m->graph, m->name) != 0)
        add_str(b, o, "graph", m->graph);
    add_nonzero(b, o, "batch", m->batch);
    if (m->nkernels) {
        add_num(b, o, "float_bytes", m->float_bytes);
        cJSON *k = pr_jb_array(b, o, "kernels");
        for (int i = 0; !b->failed && i < m->nkernels; i++) {
            const struct pr_kgroup *g = &m->kernels[i];
            double v[6] = {g->cls, g->count, g->macs, g->flops, g->bytes, g->mode};
            pr_jb_add(b, k, NULL, pr_jb_check(b, cJSON_CreateDoubleArray(v, g->mode ? 6 : 5)));
        }
    }
    return o;
}

static cJSON *record_json(struct pr_jb *b, const struct pr_db_record *r)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    add_str(b, o, "model", r->model);
    add_str(b, o, "profile", r->profile);
    if (r->precision && *r->precision)
        add_str(b, o, "precision", r->precision);
    add_nonzero(b, o, "batch", r->batch);
    add_num(b, o, "j_per_sample", r->j_per_sample);
    add_nonzero(b, o, "watts", r->watts);
    add_nonzero(b, o, "samples_per_s", r->samples_per_s);
    add_nonzero(b, o, "latency_s", r->latency_s);
    add_str(b, o, "source", r->source);
    add_nonzero(b, o, "run", r->run);
    if (r->note && *r->note)
        add_str(b, o, "note", r->note);
    if (r->excluded && *r->excluded)
        add_str(b, o, "excluded", r->excluded);
    return o;
}

/* records.json as text (malloc'ed), NULL on out of memory. */
static char *records_text(const struct pr_db *db)
{
    struct pr_jb b = {0};
    cJSON *root = header(&b, "priori-db-records");
    cJSON *models = pr_jb_array(&b, root, "models");
    cJSON *records = pr_jb_array(&b, root, "records");
    for (int i = 0; !b.failed && i < db->nmodels; i++)
        pr_jb_add(&b, models, NULL, model_json(&b, &db->models[i]));
    for (int i = 0; !b.failed && i < db->nrecords; i++)
        pr_jb_add(&b, records, NULL, record_json(&b, &db->records[i]));
    return pr_jb_text_of(&b, root, true);
}

int pr_db_save(const struct pr_db *db, unsigned which, struct pr_err *err)
{
    const char *texts[3] = {NULL, NULL, NULL};
    char *p = which & PR_DB_PROFILES ? profiles_text(db) : NULL;
    char *r = which & PR_DB_RECORDS ? records_text(db) : NULL;
    int rc = -1;
    if ((which & PR_DB_PROFILES && !p) || (which & PR_DB_RECORDS && !r)) {
        pr_err_set(err, PR_E_INTERNAL, "out of memory");
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

/* o when b built all of it, else NULL (o deleted). */
static cJSON *whole(const struct pr_jb *b, cJSON *o)
{
    if (!b->failed)
        return o;
    cJSON_Delete(o);
    return NULL;
}

char *pr_db_model_print(const struct pr_db_model *m)
{
    struct pr_jb b = {0};
    return pr_jb_text_of(&b, model_json(&b, m), false);
}

cJSON *pr_db_profile_json(const struct pr_profile *p)
{
    struct pr_jb b = {0};
    return whole(&b, profile_json(&b, p));
}

cJSON *pr_db_record_json(const struct pr_db_record *r)
{
    struct pr_jb b = {0};
    return whole(&b, record_json(&b, r));
}

cJSON *pr_db_model_json(const struct pr_db_model *m)
{
    struct pr_jb b = {0};
    return whole(&b, model_json(&b, m));
}
