/* fuzz_db.c -- libFuzzer harness 3: the measurement database parser
 * (src/db.c), then everything that reads a loaded database.
 *
 * An input is up to three parts separated by NUL bytes: profiles.json,
 * records.json, carbon.json; a missing part is the file of the small test
 * database tests/energy_db/ ($PRIORI_FUZZ_DB), so one file can be fuzzed
 * while the others keep the cross-file references valid. The parts are written to a private
 * temporary folder (pr_db_load reads a folder), loaded, and when loading
 * succeeds: every profile estimates the demo model's energy (finite and
 * not negative, else an abort: a finding), the carbon
 * table and the selectors are queried, and both writers rewrite the files.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "db.h"
#include "energy.h"
#include "model.h"

#include "dbdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[3] = {"profiles.json", "records.json", "carbon.json"};
static const char *tmpdir;
static char *real[3];
static size_t real_size[3];
static struct pr_model model;
static struct pr_analysis an;
static bool have_an;

static void setup(void)
{
    if (tmpdir)
        return;
    fz_make_dir("db");
    tmpdir = fz_dir;
    char path[512];
    const char *base = getenv("PRIORI_FUZZ_DB");
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", base ? base : "tests/energy_db", files[i]);
        real[i] = fz_slurp(path, &real_size[i]);
    }
    const char *mpath = getenv("PRIORI_FUZZ_MODEL");
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    if (pr_model_load(&model, mpath ? mpath : "fixtures/demo_cnn.onnx", &diag, &err) == 0) {
        struct pr_options opt = {.top = 3};
        have_an = pr_analyze(&model, &opt, &an, &err) == 0;
    }
    pr_diag_free(&diag);
}

static bool put(int i, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static void use(struct pr_db *db)
{
    for (int i = 0; i < db->nprofiles; i++) {
        const struct pr_profile *p = &db->profiles[i];
        pr_db_profile(db, p->id);
        pr_db_select(db, p->hw, p->precision, p->scenario);
        pr_db_select(db, p->hw, NULL, NULL);
        if (!have_an)
            continue;
        struct pr_energy_opts o = {.pue = 1.5, .g_per_kwh = db->world_g_per_kwh, .carbon_source = "fuzz"};
        struct pr_estimate est = {0};
        struct pr_err err = {0};
        /* a database that loads gives numbers: finite, not negative */
        if (pr_estimate(&an, p, &o, &est, &err) == 0 &&
            !(isfinite(est.latency_s) && est.latency_s >= 0 && isfinite(est.energy_j) && est.energy_j >= 0)) {
            fprintf(stderr, "profile %s: latency %g s, energy %g J\n", p->id, est.latency_s, est.energy_j);
            abort();
        }
        pr_estimate_free(&est);
    }
    for (int i = 0; i < db->ncarbon; i++)
        pr_db_carbon(db, db->carbon[i].code);
    for (int i = 0; i < db->nmodels; i++) {
        pr_db_model_find(db, db->models[i].name);
        free(pr_db_model_print(&db->models[i]));
    }
    struct pr_err err = {0};
    pr_db_write_profiles(db, &err);
    pr_db_write_records(db, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    const uint8_t *p = data, *end = data + size;
    for (int i = 0; i < 3; i++) {
        const uint8_t *stop = p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
        bool given = p < end || (i == 0 && size == 0);
        size_t n = stop ? (size_t)(stop - p) : (size_t)(end - p);
        if (!given && !(real[i] && put(i, (const uint8_t *)real[i], real_size[i])))
            return 0;
        if (given && !put(i, p, n))
            return 0;
        p = stop ? stop + 1 : end;
    }
    struct pr_db db;
    struct pr_err err = {0};
    if (pr_db_load(&db, tmpdir, &err) == 0) {
        use(&db);
        pr_db_free(&db);
    }
    return 0;
}
