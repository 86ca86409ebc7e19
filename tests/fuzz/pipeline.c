/* pipeline.c -- load + analyse + estimate + render, for the fuzz harnesses
 * (see pipeline.h).
 *
 * The analysis runs twice per input when the first succeeds: once as the
 * model declares its inputs and once with every symbolic dim bound to 3
 * through --dim-style bindings, so that the symbol paths are exercised
 * too. The database is loaded once, on the first call; when it cannot be
 * loaded the energy half is skipped (the fuzzer still runs).
 */
#include "pipeline.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "db.h"
#include "energy.h"
#include "model.h"
#include "report.h"

static struct pr_db db;
static bool db_tried, db_ok;
static FILE *sink;
static char ext_dir[64];

static void ext_cleanup(void)
{
    static const char *const names[] = {"sub/w.bin", "sub", "w.bin", "up", "abs", "loop", "fifo", "dir"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", ext_dir, names[i]);
        if (unlink(path) < 0)
            rmdir(path);
    }
    rmdir(ext_dir);
}

/* The folder of the second load (see the top); "" when it cannot be made. */
static void ext_setup(void)
{
    snprintf(ext_dir, sizeof ext_dir, "%s/priori-fuzz-ext-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(ext_dir)) {
        ext_dir[0] = 0;
        return;
    }
    atexit(ext_cleanup);
    char path[128];
    static const char zeros[4096];
    static const char *const files[] = {"w.bin", "sub/w.bin"};
    snprintf(path, sizeof path, "%s/sub", ext_dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/dir", ext_dir);
    mkdir(path, 0700);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", ext_dir, files[i]);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(zeros, 1, sizeof zeros, f);
            fclose(f);
        }
    }
    static const char *const links[][2] = {{"..", "up"}, {"/etc/hostname", "abs"}, {"loop", "loop"}};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", ext_dir, links[i][1]);
        if (symlink(links[i][0], path) < 0)
            perror("symlink");
    }
    snprintf(path, sizeof path, "%s/fifo", ext_dir);
    mkfifo(path, 0600);
}

static void setup(void)
{
    if (db_tried)
        return;
    db_tried = true;
    struct pr_err err = {0};
    char dir[PR_DB_DIR_MAX];
    db_ok = pr_db_load(&db, pr_db_default_dir(dir, sizeof dir), &err) == 0;
    sink = fopen("/dev/null", "w");
    ext_setup();
}

static void render_all(const struct pr_analysis *an, const struct pr_estimate *e)
{
    if (!sink)
        return;
    pr_report_table_energy(an, e, sink);
    pr_report_json_energy(an, e, sink);
    pr_report_csv_energy(an, e, sink);
    pr_report_md(an, e, sink);
    pr_report_html(an, e, sink);
    fflush(sink);
}

/* Every profile of the database whose estimate succeeds is rendered once
 * (the first two, to keep an execution short). */
static void estimate_all(const struct pr_analysis *an)
{
    if (!db_ok)
        return;
    int done = 0;
    for (int i = 0; i < db.nprofiles && done < 2; i++) {
        struct pr_energy_opts o = {.pue = 1.2, .g_per_kwh = 475, .carbon_source = "fuzz", .inferences = 1000};
        struct pr_estimate est = {0};
        struct pr_err err = {0};
        if (pr_estimate(an, &db.profiles[i], &o, &est, &err) == 0) {
            render_all(an, &est);
            done++;
        }
        pr_estimate_free(&est);
    }
}

static void analyse(struct pr_model *m, const struct pr_options *opt)
{
    struct pr_analysis an;
    struct pr_err err = {0};
    if (pr_analyze(m, opt, &an, &err) < 0)
        return;
    render_all(&an, NULL);
    estimate_all(&an);
    pr_analysis_free(&an);
}

void pr_fuzz_pipeline(const uint8_t *data, size_t size)
{
    setup();
    struct pr_model m;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    if (pr_model_load_buffer(&m, data, size, "fuzz.onnx", NULL, &diag, &err) == 0) {
        struct pr_options opt = {.top = 5};
        analyse(&m, &opt);
        pr_model_free(&m);
        /* Again with symbols bound and external data resolved in ext_dir: a
         * fresh load, since analysis fills shapes in. */
        pr_diag_free(&diag);
        pr_diag_init(&diag);
        if (pr_model_load_buffer(&m, data, size, "fuzz.onnx", ext_dir[0] ? ext_dir : NULL, &diag, &err) == 0) {
            static const struct pr_dim_binding dims[] = {{"batch", 3}, {"N", 3}, {"seq", 3}, {"sequence", 3}};
            struct pr_options bound = {.dims = dims, .ndims = 4, .top = 3};
            analyse(&m, &bound);
            pr_model_free(&m);
        }
    }
    pr_diag_free(&diag);
}
