/* api_test.c -- a C program using the installed libpriori (tests/api.sh
 * builds it with `pkg-config --cflags --libs priori` against a `make
 * install DESTDIR=...` tree).
 *
 *   api_test OUTDIR DB HW
 *
 * Writes what the API returns into OUTDIR (reports in every format, the
 * compare/diff/check results, the listings, the totals of each analysis as
 * "name=value" lines) for tests/api.sh to compare byte for byte with what
 * `priori` writes for the same options, and checks here what needs no
 * command line: statuses and messages of errors, load_buffer, totals that
 * must be equal, and two threads analysing one model with different dims.
 * Prints "FAIL ..." per failed check and "N passed, N failed" last.
 */
#include <priori.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pass, fail;
static const char *outdir;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            pass++;                                        \
        } else {                                           \
            fail++;                                        \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            printf(__VA_ARGS__);                           \
            putchar('\n');                                 \
        }                                                  \
    } while (0)

static void save(const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f || (text && fputs(text, f) == EOF) || fclose(f) != 0) {
        fail++;
        printf("FAIL cannot write %s\n", path);
    }
}

static void save_totals(const char *name, const priori_analysis *a)
{
    priori_totals t;
    char buf[1024];
    if (priori_analysis_totals(a, &t) != PRIORI_OK) {
        fail++;
        printf("FAIL totals of %s\n", name);
        return;
    }
    snprintf(buf, sizeof buf,
             "params=%llu\nmacs=%llu\nflops=%llu\nweight_bytes=%llu\nactivation_bytes=%llu\n"
             "peak_activation_bytes=%llu\nbytes_read=%llu\nbytes_written=%llu\nlayers=%d\nunsupported=%d\nwarnings=%d\n",
             (unsigned long long)t.params, (unsigned long long)t.macs, (unsigned long long)t.flops,
             (unsigned long long)t.weight_bytes, (unsigned long long)t.activation_bytes,
             (unsigned long long)t.peak_activation_bytes, (unsigned long long)t.bytes_read,
             (unsigned long long)t.bytes_written, t.layers, t.unsupported, t.warnings);
    save(name, buf);
}

static priori_options *opts(const char *const *kv)
{
    priori_options *o = priori_options_new();
    priori_error e;
    for (; o && kv && kv[0]; kv += 2)
        CHECK(priori_options_set(o, kv[0], kv[1], &e) == PRIORI_OK, "%s %s: %s", kv[0], kv[1] ? kv[1] : "", e.message);
    return o;
}

/* Analyses path under kv and writes its reports as PREFIX.{txt,json,csv,md[,html]} and PREFIX.totals. */
static void reports(const char *path, const char *prefix, const char *const *kv, int html)
{
    priori_error e;
    priori_model *m = priori_model_load(path, &e);
    CHECK(m && e.status == PRIORI_OK && !e.message[0], "%s: %s", path, e.message);
    priori_options *o = opts(kv);
    priori_analysis *a = m ? priori_analyze(m, o, &e) : NULL;
    CHECK(a != NULL, "analyze %s: %s", path, e.message);
    static const char *const ext[] = {"txt", "json", "csv", "md", "html"};
    for (int f = PRIORI_FORMAT_TABLE; a && f <= (html ? PRIORI_FORMAT_HTML : PRIORI_FORMAT_MD); f++) {
        char name[256];
        snprintf(name, sizeof name, "%s.%s", prefix, ext[f]);
        char *text = priori_render(a, (priori_format)f, &e);
        CHECK(text != NULL, "render %s: %s", name, e.message);
        save(name, text);
        priori_free(text);
    }
    if (a) {
        char name[256];
        snprintf(name, sizeof name, "%s.totals", prefix);
        save_totals(name, a);
        /* priori_write gives priori_render's bytes */
        char *text = priori_render(a, PRIORI_FORMAT_JSON, &e);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CHECK(f && priori_write(a, PRIORI_FORMAT_JSON, f, &e) == PRIORI_OK, "priori_write: %s", e.message);
        if (f)
            fclose(f);
        CHECK(text && buf && strcmp(text, buf) == 0, "priori_write differs from priori_render for %s", path);
        free(buf);
        priori_free(text);
        FILE *full = fopen("/dev/full", "w");   /* every write fails: ENOSPC */
        if (full) {
            CHECK(priori_write(a, PRIORI_FORMAT_HTML, full, &e) == PRIORI_E_IO, "write to /dev/full: %d", e.status);
            fclose(full);
        }
        CHECK(priori_render(a, PRIORI_FORMAT_GITHUB, &e) == NULL && e.status == PRIORI_E_ARG,
              "github is not a format of an analysis: %d", e.status);
    }
    priori_analysis_free(a);
    priori_options_free(o);
    priori_model_free(m);
}

/* ---- two threads, one model ---- */

struct job {
    const priori_model *m;
    const char *batch;
    unsigned long long macs, act;   /* expected */
    int bad;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 40; i++) {
        priori_options *o = priori_options_new();
        priori_error e;
        priori_totals t;
        priori_analysis *a = NULL;
        if (!o || priori_options_set(o, "dim", j->batch, &e) != PRIORI_OK || !(a = priori_analyze(j->m, o, &e)) ||
            priori_analysis_totals(a, &t) != PRIORI_OK || t.macs != j->macs || t.peak_activation_bytes != j->act)
            j->bad++;
        priori_analysis_free(a);
        priori_options_free(o);
    }
    return NULL;
}

static void threads(const char *path)
{
    priori_error e;
    priori_model *m = priori_model_load(path, &e);
    CHECK(m != NULL, "%s: %s", path, e.message);
    if (!m)
        return;
    struct job jobs[2] = {{.m = m, .batch = "batch=1"}, {.m = m, .batch = "batch=8"}};
    for (int k = 0; k < 2; k++) {   /* the expected numbers, one analysis at a time */
        const char *kv[] = {"dim", jobs[k].batch, NULL};
        priori_options *o = opts(kv);
        priori_analysis *a = priori_analyze(m, o, &e);
        priori_totals t = {0};
        CHECK(a && priori_analysis_totals(a, &t) == PRIORI_OK, "%s", e.message);
        jobs[k].macs = t.macs;
        jobs[k].act = t.peak_activation_bytes;
        priori_analysis_free(a);
        priori_options_free(o);
    }
    CHECK(jobs[1].macs == 8 * jobs[0].macs && jobs[0].macs > 0, "batch 8 has 8x the MACs of batch 1: %llu, %llu",
          jobs[1].macs, jobs[0].macs);
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        CHECK(pthread_create(&th[k], NULL, run_job, &jobs[k]) == 0, "pthread_create");
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    CHECK(jobs[0].bad == 0 && jobs[1].bad == 0, "concurrent analyses gave wrong numbers: %d, %d", jobs[0].bad,
          jobs[1].bad);
    priori_model_free(m);
}

/* ---- errors ---- */

static void errors(const char *outdir_, const char *db)
{
    priori_error e;
    char path[4096];
    CHECK(priori_model_load("no/such/model.onnx", &e) == NULL && e.status == PRIORI_E_IO &&
              strstr(e.message, "no/such/model.onnx"), "missing file: %d %s", e.status, e.message);
    snprintf(path, sizeof path, "%s/not_protobuf.onnx", outdir_);
    save("not_protobuf.onnx", "this is not a protobuf file\n\377\377\377\377");
    CHECK(priori_model_load(path, &e) == NULL && e.status == PRIORI_E_MODEL && strstr(e.message, "not_protobuf"),
          "non-protobuf file: %d %s", e.status, e.message);
    CHECK(priori_model_load_buffer("\377\377\377", 3, "junk", &e) == NULL && e.status == PRIORI_E_MODEL &&
              strncmp(e.message, "junk", 4) == 0, "non-protobuf buffer: %d %s", e.status, e.message);

    priori_options *o = priori_options_new();
    CHECK(priori_options_set(o, "dim", "batch=x", &e) == PRIORI_E_ARG &&
              strcmp(e.message, "--dim batch: expected SYMBOL=N with N a non-negative integer") == 0,
          "bad --dim value: %d %s", e.status, e.message);
    CHECK(priori_options_set(o, "pue", "0.5", &e) == PRIORI_E_ARG &&
              strcmp(e.message, "--pue 0.5: expected a number from 1 to 10") == 0, "bad --pue: %s", e.message);
    CHECK(priori_options_set(o, "top", "-1", &e) == PRIORI_E_ARG, "bad --top: %d", e.status);
    CHECK(priori_options_set(o, "no-such-option", "1", &e) == PRIORI_E_ARG && strstr(e.message, "unknown option"),
          "unknown option: %s", e.message);
    CHECK(priori_options_set(o, "format", "json", &e) == PRIORI_E_ARG, "format is not an analysis option");
    CHECK(priori_options_set(o, "strict", "yes", &e) == PRIORI_E_ARG, "a flag takes no value");
    CHECK(priori_options_set(o, "hw", NULL, &e) == PRIORI_E_ARG && strstr(e.message, "needs a value"), "%s",
          e.message);
    CHECK(priori_options_set(o, "strict", NULL, &e) == PRIORI_OK && e.status == PRIORI_OK, "strict: %s", e.message);

    priori_model *m = priori_model_load("fixtures/demo_cnn.onnx", &e);
    CHECK(m != NULL, "%s", e.message);
    /* --carbon without --hw is the CLI's usage error */
    priori_options *o2 = priori_options_new();
    CHECK(priori_options_set(o2, "carbon", "300", &e) == PRIORI_OK, "%s", e.message);
    CHECK(priori_analyze(m, o2, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "need --hw"),
          "carbon without hw: %d %s", e.status, e.message);
    priori_options_free(o2);
    /* an unknown hardware profile */
    o2 = priori_options_new();
    CHECK(priori_options_set(o2, "db", db, &e) == PRIORI_OK && priori_options_set(o2, "hw", "no-such-hw", &e) == 0,
          "%s", e.message);
    CHECK(priori_analyze(m, o2, &e) == NULL && e.status == PRIORI_E_DB && strstr(e.message, "no-such-hw"),
          "unknown hw: %d %s", e.status, e.message);
    CHECK(priori_hw_profile_json(db, "no/such", &e) == NULL && e.status == PRIORI_E_DB, "hw show no/such: %d",
          e.status);
    CHECK(priori_hw_profiles_json("no/such/db", &e) == NULL && e.status == PRIORI_E_DB, "missing db: %d %s",
          e.status, e.message);
    priori_options_free(o2);
    /* an --input naming no input of the model */
    o2 = priori_options_new();
    CHECK(priori_options_set(o2, "input", "nosuch=1x3", &e) == PRIORI_OK, "%s", e.message);
    CHECK(priori_analyze(m, o2, &e) == NULL && e.status == PRIORI_E_ARG, "input naming no input: %d %s", e.status,
          e.message);
    priori_options_free(o2);
    /* --strict on a model with an unsupported operator */
    priori_model *u = priori_model_load("fixtures/unknown_op.onnx", &e);
    CHECK(u && priori_analyze(u, o, &e) == NULL && e.status == PRIORI_E_MODEL && strstr(e.message, "--strict"),
          "strict: %d %s", e.status, e.message);
    priori_analysis *a = u ? priori_analyze(u, NULL, &e) : NULL;
    priori_totals t = {0};
    CHECK(a && priori_analysis_totals(a, &t) == PRIORI_OK && t.unsupported == 1, "unsupported: %d", t.unsupported);
    priori_analysis_free(a);
    priori_model_free(u);
    priori_options_free(o);
    /* compare, diff and check refuse what they cannot do */
    const char *one[] = {"fixtures/demo_cnn.onnx"};
    CHECK(priori_compare(one, 1, NULL, PRIORI_FORMAT_JSON, &e) == NULL && e.status == PRIORI_E_ARG, "compare of 1");
    CHECK(priori_diff("fixtures/demo_cnn.onnx", "no/such.onnx", NULL, 0, PRIORI_FORMAT_JSON, &e) == NULL &&
              e.status == PRIORI_E_IO, "diff with a missing file: %d", e.status);
    int passed = -1;
    CHECK(priori_check("fixtures/demo_cnn.onnx", NULL, NULL, NULL, NULL, PRIORI_FORMAT_JSON, &passed, &e) == NULL &&
              e.status == PRIORI_E_ARG && strstr(e.message, "nothing to check"), "check of nothing: %s", e.message);
    CHECK(priori_check("fixtures/symbolic_batch.onnx", "fixtures/review/budget_ok.json", NULL, NULL, NULL,
                       PRIORI_FORMAT_JSON, &passed, &e) == NULL && e.status == PRIORI_E_ARG &&
              strstr(e.message, "--dim batch=N"), "check with an unbound symbol: %s", e.message);
    priori_model_free(m);
    CHECK(strcmp(priori_status_name(PRIORI_E_DB), "db") == 0 && strcmp(priori_status_name(PRIORI_OK), "ok") == 0,
          "status names");
}

/* ---- load_buffer ---- */

static void buffer(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char data[1 << 20];
    size_t n = f ? fread(data, 1, sizeof data, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 0 && n < sizeof data, "read %s", path);
    priori_error e;
    priori_model *mb = priori_model_load_buffer(data, n, path, &e);
    memset(data, 0, sizeof data);   /* the bytes were copied */
    priori_model *mf = priori_model_load(path, &e);
    priori_analysis *ab = mb ? priori_analyze(mb, NULL, &e) : NULL, *af = mf ? priori_analyze(mf, NULL, &e) : NULL;
    char *jb = ab ? priori_render(ab, PRIORI_FORMAT_JSON, &e) : NULL, *jf = af ? priori_render(af, PRIORI_FORMAT_JSON, &e) : NULL;
    CHECK(jb && jf && strcmp(jb, jf) == 0, "a buffer named like the file gives the file's report");
    priori_free(jb);
    priori_free(jf);
    /* external data cannot be resolved from a buffer: a warning, not an error */
    f = fopen("fixtures/external_missing.onnx", "rb");
    n = f ? fread(data, 1, sizeof data, f) : 0;
    if (f)
        fclose(f);
    priori_model *mx = priori_model_load_buffer(data, n, "ext.onnx", &e);
    priori_analysis *ax = mx ? priori_analyze(mx, NULL, &e) : NULL;
    const char *w = priori_analysis_warning(ax, 0);
    CHECK(ax && w && strstr(w, "missing.bin") && strstr(w, "loaded from memory"), "external data from a buffer: %s",
          w ? w : e.message);
    priori_analysis_free(ax);
    priori_model_free(mx);
    priori_analysis_free(ab);
    priori_analysis_free(af);
    priori_model_free(mb);
    priori_model_free(mf);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: api_test OUTDIR DB HW\n");
        return 2;
    }
    outdir = argv[1];
    const char *db = argv[2], *hw = argv[3];
    CHECK(priori_version_number() == PRIORI_VERSION_NUMBER, "library %d, header %d", priori_version_number(),
          PRIORI_VERSION_NUMBER);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", PRIORI_VERSION_MAJOR, PRIORI_VERSION_MINOR, PRIORI_VERSION_PATCH);
    CHECK(strcmp(priori_version(), v) == 0, "priori_version() %s, header %s", priori_version(), v);
    save("version", priori_version());

    reports("fixtures/demo_cnn.onnx", "demo", NULL, 1);
    const char *sym[] = {"dim", "batch=8", NULL};
    reports("fixtures/symbolic_batch.onnx", "sym8", sym, 0);
    const char *energy[] = {"db", db, "hw", hw, "region", "FRA", NULL};
    reports("fixtures/demo_cnn.onnx", "demo_hw", energy, 1);

    priori_error e;
    const char *paths[] = {"fixtures/demo_cnn.onnx", "fixtures/review/demo_cnn_v2.onnx", "fixtures/symbolic_batch.onnx"};
    const char *sym4[] = {"dim", "batch=4", NULL};
    priori_options *o = opts(sym4);
    static const char *const ext[] = {"txt", "json", "csv", "md", "html", "github"};
    for (int f = PRIORI_FORMAT_TABLE; f <= PRIORI_FORMAT_MD; f++) {
        char name[64];
        char *s = priori_compare(paths, 3, o, (priori_format)f, &e);
        CHECK(s != NULL, "compare: %s", e.message);
        snprintf(name, sizeof name, "compare.%s", ext[f]);
        save(name, s);
        priori_free(s);
        s = priori_diff(paths[0], paths[1], NULL, 0, (priori_format)f, &e);
        CHECK(s != NULL, "diff: %s", e.message);
        snprintf(name, sizeof name, "diff.%s", ext[f]);
        save(name, s);
        priori_free(s);
    }
    priori_options_free(o);
    for (int f = PRIORI_FORMAT_TABLE; f <= PRIORI_FORMAT_GITHUB; f++) {
        if (f == PRIORI_FORMAT_HTML)
            continue;
        char name[64];
        int passed = -1;
        char *s = priori_check(paths[0], "fixtures/review/budget_breach.json", NULL, NULL, NULL, (priori_format)f,
                               &passed, &e);
        CHECK(s && passed == 0 && e.status == PRIORI_OK, "check breach: passed %d, %s", passed, e.message);
        snprintf(name, sizeof name, "check_breach.%s", ext[f]);
        save(name, s);
        priori_free(s);
    }
    int passed = -1;
    char *s = priori_check(paths[0], "fixtures/review/budget_ok.json", NULL, NULL, NULL, PRIORI_FORMAT_TABLE, &passed, &e);
    CHECK(s && passed == 1, "check ok: passed %d, %s", passed, e.message);
    save("check_ok.txt", s);
    priori_free(s);
    s = priori_check(paths[1], NULL, "tests/golden/demo_cnn.json", "macs=5%,params=200%,flops=50%", NULL,
                     PRIORI_FORMAT_JSON, &passed, &e);
    CHECK(s && passed == 0, "check growth: passed %d, %s", passed, e.message);
    save("check_growth.json", s);
    priori_free(s);

    s = priori_ops_json(&e);
    CHECK(s != NULL, "ops: %s", e.message);
    save("ops.json", s);
    priori_free(s);
    s = priori_hw_profiles_json(db, &e);
    CHECK(s != NULL, "hw list: %s", e.message);
    save("hw_list.json", s);
    priori_free(s);
    s = priori_hw_profile_json(db, hw, &e);
    CHECK(s != NULL, "hw show: %s", e.message);
    save("hw_show.json", s);
    priori_free(s);

    errors(outdir, db);
    buffer("fixtures/demo_cnn.onnx");
    threads("fixtures/symbolic_batch.onnx");
    printf("%d passed, %d failed\n", pass, fail);
    return fail != 0;
}
