/* pipeline.c -- load + analyse + estimate + render, for the fuzz harnesses
 * (see pipeline.h).
 *
 * Each input is loaded three times: as a buffer, analysed as the model
 * declares its inputs; again as a buffer with external data resolved in
 * a folder of test files, analysed with every symbolic dim bound to 3
 * through --dim-style bindings, so that the symbol paths are exercised
 * too; and from a file in that folder (read on demand, as the CLI reads
 * models), which must come to the same outcome as the second load, or the
 * harness aborts. The database is loaded once, on the first call; when it cannot be
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
    static const char *const names[] = {"sub/w.bin", "sub", "w.bin", "up", "abs", "loop", "fifo", "dir", "model.onnx"};
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

/* Profiles of the database whose estimate succeeds are rendered once: the
 * first two scaled ones, and every roofline (GPU kernel) profile, a
 * training one with a training run (to keep an execution short). */
static void estimate_all(const struct pr_analysis *an)
{
    if (!db_ok)
        return;
    int scaled = 0;
    for (int i = 0; i < db.nprofiles; i++) {
        const struct pr_profile *p = &db.profiles[i];
        if (!p->has_roof && scaled >= 2)
            continue;
        struct pr_energy_opts o = {.pue = 1.2, .g_per_kwh = 475, .carbon_source = "fuzz", .inferences = 1000,
                                   .train = p->has_roof && p->roof.train, .run_samples = 1000};
        struct pr_estimate est = {0};
        struct pr_err err = {0};
        if (pr_estimate(an, p, &o, &est, &err) == 0) {
            render_all(an, &est);
            scaled += !p->has_roof;
        }
        pr_estimate_free(&est);
    }
}

/* What a load and an analysis came to: two readers of the same bytes must agree. */
struct outcome {
    int load, analyze;          /* 0, or the error code */
    int nodes, values;
    struct pr_totals totals;
};

static void analyse(struct pr_model *m, const struct pr_options *opt, struct outcome *o)
{
    struct pr_analysis an;
    struct pr_err err = {0};
    if (pr_analyze(m, opt, &an, &err) < 0) {
        if (o)
            o->analyze = err.code;
        return;
    }
    if (o)
        o->totals = an.totals;
    render_all(&an, NULL);
    estimate_all(&an);
    pr_analysis_free(&an);
}

static const struct pr_dim_binding dims[] = {{"batch", 3}, {"N", 3}, {"seq", 3}, {"sequence", 3}};
static const struct pr_options bound = {.dims = dims, .ndims = 4, .top = 3};

/* The bytes loaded (from path when given, else as a buffer with ext_dir
 * as its folder) and analysed with dims bound. */
static struct outcome load_bound(const uint8_t *data, size_t size, const char *path)
{
    struct pr_model m;
    struct pr_diag diag;
    struct pr_err err = {0};
    struct outcome o = {0};
    pr_diag_init(&diag);
    int rc = path ? pr_model_load(&m, path, &diag, &err)
                  : pr_model_load_buffer(&m, data, size, "fuzz.onnx", ext_dir[0] ? ext_dir : NULL, &diag, &err);
    if (rc == 0) {
        o.nodes = m.graph.nnodes;
        o.values = m.graph.nvalues;
        analyse(&m, &bound, &o);
        pr_model_free(&m);
    } else {
        o.load = err.code;
    }
    pr_diag_free(&diag);
    return o;
}

/* The bytes as a file in ext_dir, loaded from it (source.c: read on
 * demand, a tensor's header through the window): what the load of the
 * buffer with ext_dir as its folder gave, or abort. An I/O error (no room
 * for the file) is not compared. */
static void same_from_a_file(const uint8_t *data, size_t size, const struct outcome *want)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.onnx", ext_dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    bool written = fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !written)
        return;
    struct outcome got = load_bound(NULL, 0, path);
    if (got.load == PR_E_IO)
        return;
    const struct pr_totals *a = &got.totals, *b = &want->totals;
    if (got.load != want->load || got.analyze != want->analyze || got.nodes != want->nodes ||
        got.values != want->values || a->params != b->params || a->macs != b->macs || a->flops != b->flops ||
        a->weight_bytes != b->weight_bytes || a->peak_activation_bytes != b->peak_activation_bytes ||
        a->incomplete != b->incomplete) {
        fprintf(stderr, "the file and the buffer load differently: load %d/%d analyze %d/%d nodes %d/%d "
                "macs %llu/%llu\n", got.load, want->load, got.analyze, want->analyze, got.nodes, want->nodes,
                (unsigned long long)a->macs, (unsigned long long)b->macs);
        abort();
    }
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
        analyse(&m, &opt, NULL);
        pr_model_free(&m);
    }
    pr_diag_free(&diag);
    /* Again with symbols bound and external data resolved in ext_dir: a
     * fresh load, since analysis fills shapes in; then from a file there. */
    struct outcome o = load_bound(data, size, NULL);
    if (ext_dir[0])
        same_from_a_file(data, size, &o);
}
