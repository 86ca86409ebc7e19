/* api_test.c -- a C program using the installed libpriori (tests/api.sh
 * builds it with `pkg-config --cflags --libs priori` against a `make
 * install DESTDIR=...` tree).
 *
 *   api_test OUTDIR DB HW MODELS GPU_DB GPU_HW
 *
 * MODELS holds tests/api/make_models.py's chain.onnx, fixed.onnx and
 * genai_gqa.onnx (sweeps and llm requests; GPU_DB and GPU_HW name a
 * roofline profile, whose regimes the sweep reports);
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
#include <unistd.h>

static int pass, fail;
static const char *outdir;
static const char *const ext[] = {"txt", "json", "csv", "md", "html", "github"};   /* by priori_format */

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
              strcmp(e.message, "--dim batch=x: expected SYMBOL=N with N a non-negative integer") == 0,
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

/* ---- sweep and llm ---- */

/* "%.17g" of a double, or "-" for -1 (not estimated). */
static const char *real(double v, char *buf, size_t size)
{
    if (v == -1)
        return "-";
    snprintf(buf, size, "%.17g", v);
    return buf;
}

/* The closed forms of chain.onnx (tests/api/make_models.py) at batch b, seq s. */
static int chain_ok(const priori_sweep_point *p, unsigned long long b, unsigned long long s)
{
    return p->status == PRIORI_POINT_OK && p->error == NULL && p->macs == 3072 * b * s && p->flops == 2 * p->macs &&
           p->params == 3072 && p->weight_bytes == 4 * 3072 && p->activation_bytes == 320 * b * s &&
           p->peak_activation_bytes == 384 * b * s && p->bytes_read == 4 * (96 * b * s + 3072) &&
           p->bytes_written == 320 * b * s;
}

/* Sweeps path under kv: every format as PREFIX.EXT, the points (from the
 * structs) as PREFIX.points, one line each. Returns the result and, in
 * *model, the model it refers to (the caller frees both, the result first). */
static priori_sweep_result *sweep_reports(const char *path, const char *prefix, const char *const *kv,
                                          priori_model **model)
{
    priori_error e;
    priori_model *m = *model = priori_model_load(path, &e);
    CHECK(m != NULL, "%s: %s", path, e.message);
    priori_options *o = opts(kv);
    priori_sweep_result *s = m ? priori_sweep(m, o, &e) : NULL;
    CHECK(s && e.status == PRIORI_OK, "sweep %s: %s", path, e.message);
    char name[256], line[1024], b1[40], b2[40], b3[40];
    for (int f = PRIORI_FORMAT_TABLE; s && f <= PRIORI_FORMAT_HTML; f++) {
        snprintf(name, sizeof name, "%s.%s", prefix, ext[f]);
        char *text = priori_sweep_render(s, (priori_format)f, &e);
        CHECK(text != NULL, "render %s: %s", name, e.message);
        save(name, text);
        priori_free(text);
    }
    priori_sweep_info info;
    if (s && priori_sweep_summary(s, &info) == PRIORI_OK) {
        char *all = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&all, &len);
        for (int i = 0; f && i < info.points; i++) {
            priori_sweep_point p;
            CHECK(priori_sweep_point_at(s, i, &p) == PRIORI_OK, "point %d", i);
            snprintf(line, sizeof line, "%lld %lld %d %llu %llu %llu %llu %llu %llu %llu %llu %s %s %s %s\n",
                     (long long)p.at[0], (long long)p.at[1], (int)p.status, (unsigned long long)p.params,
                     (unsigned long long)p.macs, (unsigned long long)p.flops, (unsigned long long)p.weight_bytes,
                     (unsigned long long)p.activation_bytes, (unsigned long long)p.peak_activation_bytes,
                     (unsigned long long)p.bytes_read, (unsigned long long)p.bytes_written,
                     real(p.latency_s, b1, sizeof b1), real(p.energy_j, b2, sizeof b2), real(p.co2e_g, b3, sizeof b3),
                     p.regime ? p.regime : "-");
            fputs(line, f);
        }
        if (f)
            fclose(f);
        snprintf(name, sizeof name, "%s.points", prefix);
        save(name, all);
        free(all);
        /* priori_sweep_write gives priori_sweep_render's bytes; a full disk is an I/O error */
        char *text = priori_sweep_render(s, PRIORI_FORMAT_CSV, &e), *buf = NULL;
        f = open_memstream(&buf, &len);
        CHECK(f && priori_sweep_write(s, PRIORI_FORMAT_CSV, f, &e) == PRIORI_OK, "priori_sweep_write: %s", e.message);
        if (f)
            fclose(f);
        CHECK(text && buf && strcmp(text, buf) == 0, "priori_sweep_write differs from priori_sweep_render");
        free(buf);
        priori_free(text);
        FILE *full = fopen("/dev/full", "w");
        if (full) {
            CHECK(priori_sweep_write(s, PRIORI_FORMAT_HTML, full, &e) == PRIORI_E_IO, "sweep to /dev/full: %d",
                  e.status);
            fclose(full);
        }
        CHECK(priori_sweep_render(s, PRIORI_FORMAT_GITHUB, &e) == NULL && e.status == PRIORI_E_ARG,
              "github is not a format of a sweep: %d", e.status);
        priori_sweep_point p;
        CHECK(priori_sweep_point_at(s, info.points, &p) == PRIORI_E_ARG && priori_sweep_point_at(s, -1, &p) ==
              PRIORI_E_ARG && priori_sweep_warning(s, info.warnings) == NULL, "past the last point or warning");
    }
    priori_options_free(o);   /* the result keeps nothing of the options */
    return s;
}

/* Runs llm on path under kv: every format as PREFIX.EXT and the numbers of
 * priori_llm_info and of every step as "key=value" lines in PREFIX.summary. */
static void llm_reports(const char *path, const char *prefix, const char *const *kv)
{
    priori_error e;
    priori_model *m = priori_model_load(path, &e);
    CHECK(m != NULL, "%s: %s", path, e.message);
    priori_options *o = opts(kv);
    priori_llm_result *l = m ? priori_llm(m, o, &e) : NULL;
    CHECK(l && e.status == PRIORI_OK, "llm %s: %s", path, e.message);
    priori_options_free(o);
    char name[256], b1[40], b2[40];
    for (int f = PRIORI_FORMAT_TABLE; l && f <= PRIORI_FORMAT_HTML; f++) {
        snprintf(name, sizeof name, "%s.%s", prefix, ext[f]);
        char *text = priori_llm_render(l, (priori_format)f, &e);
        CHECK(text != NULL, "render %s: %s", name, e.message);
        save(name, text);
        priori_free(text);
    }
    priori_llm_info in;
    if (l && priori_llm_summary(l, &in) == PRIORI_OK) {
        char *all = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&all, &len);
        const priori_llm_call *calls[] = {&in.prefill, &in.decode, &in.request};
        const char *const names[] = {"prefill", "decode", "request"};
        priori_llm_call step;
        for (int64_t i = -3; f && i < in.generate; i++) {
            const priori_llm_call *c = i < 0 ? calls[i + 3] : &step;
            if (i >= 0)
                CHECK(priori_llm_step(l, i, &step) == PRIORI_OK, "step %lld", (long long)i);
            char who[32];
            snprintf(who, sizeof who, "%s", i < 0 ? names[i + 3] : "step");
            fprintf(f, "%s context=%lld past=%lld new_tokens=%lld macs=%llu flops=%llu bytes_read=%llu "
                    "bytes_written=%llu activation_bytes=%llu kv_bytes=%llu latency_s=%s energy_j=%s regime=%s "
                    "analysed=%d\n", who, (long long)c->context, (long long)c->past, (long long)c->new_tokens,
                    (unsigned long long)c->macs, (unsigned long long)c->flops, (unsigned long long)c->bytes_read,
                    (unsigned long long)c->bytes_written, (unsigned long long)c->activation_bytes,
                    (unsigned long long)c->kv_bytes, real(c->latency_s, b1, sizeof b1), real(c->energy_j, b2, sizeof b2),
                    c->regime ? c->regime : "-", c->analysed);
        }
        if (f) {
            fprintf(f, "info prompt=%lld generate=%lld batch=%lld params=%llu weight_bytes=%llu kv_bytes_per_token=%llu "
                    "kv_bytes_end=%llu prefill_peak=%llu decode_peak=%llu interpolated=%d analysed_contexts=%d "
                    "complete=%d layout=%s estimated=%d warnings=%d\n", (long long)in.prompt, (long long)in.generate,
                    (long long)in.batch, (unsigned long long)in.params, (unsigned long long)in.weight_bytes,
                    (unsigned long long)in.kv_bytes_per_token, (unsigned long long)in.kv_bytes_end,
                    (unsigned long long)in.prefill_peak_activation_bytes,
                    (unsigned long long)in.decode_peak_activation_bytes, in.interpolated, in.analysed_contexts,
                    in.complete, in.layout, in.estimated, in.warnings);
            double v[] = {in.time_to_first_token_s, in.decode_s, in.tokens_per_s, in.energy_per_request_j,
                          in.energy_per_token_j, in.co2e_per_request_g};
            const char *const k[] = {"time_to_first_token_s", "decode_s", "tokens_per_s", "energy_per_request_j",
                                     "energy_per_token_j", "co2e_per_request_g"};
            fputs("energy", f);
            for (int i = 0; i < 6; i++)
                fprintf(f, " %s=%s", k[i], real(v[i], b1, sizeof b1));
            fputc('\n', f);
            fclose(f);
        }
        snprintf(name, sizeof name, "%s.summary", prefix);
        save(name, all);
        free(all);
        CHECK(in.layout_how && strstr(in.layout_how, "past inputs"), "layout_how: %s", in.layout_how);
        CHECK(priori_llm_step(l, in.generate, &step) == PRIORI_E_ARG && priori_llm_step(l, -1, &step) == PRIORI_E_ARG &&
              priori_llm_warning(l, in.warnings) == NULL, "past the last step or warning");
        char *text = priori_llm_render(l, PRIORI_FORMAT_MD, &e), *buf = NULL;
        f = open_memstream(&buf, &len);
        CHECK(f && priori_llm_write(l, PRIORI_FORMAT_MD, f, &e) == PRIORI_OK, "priori_llm_write: %s", e.message);
        if (f)
            fclose(f);
        CHECK(text && buf && strcmp(text, buf) == 0, "priori_llm_write differs from priori_llm_render");
        free(buf);
        priori_free(text);
        CHECK(priori_llm_render(l, PRIORI_FORMAT_GITHUB, &e) == NULL && e.status == PRIORI_E_ARG,
              "github is not a format of llm: %d", e.status);
    }
    priori_llm_free(l);   /* before the model it refers to */
    priori_model_free(m);
}

/* Every call of priori_sweep and priori_llm that must fail, with its status and message. */
static void run_errors(const char *models)
{
    char chain[4096], fixed[4096], genai[4096];
    snprintf(chain, sizeof chain, "%s/chain.onnx", models);
    snprintf(fixed, sizeof fixed, "%s/fixed.onnx", models);
    snprintf(genai, sizeof genai, "%s/genai_gqa.onnx", models);
    priori_error e;
    priori_model *m = priori_model_load(chain, &e), *cnn = priori_model_load("fixtures/demo_cnn.onnx", &e);
    priori_options *o = priori_options_new();
    /* bad ranges: refused by priori_options_set with the CLI's message, the options unchanged */
    CHECK(priori_options_set(o, "dim", "seq=8..1", &e) == PRIORI_E_ARG &&
              strncmp(e.message, "--dim seq=8..1: the range is empty (8 > 1); expected SYMBOL=N, a range", 70) == 0,
          "an empty range: %d %s", e.status, e.message);
    CHECK(priori_options_set(o, "dim", "seq=1..9*1", &e) == PRIORI_E_ARG && strstr(e.message, "factor K"),
          "a factor of 1: %s", e.message);
    CHECK(priori_options_set(o, "dim", "seq=1,1", &e) == PRIORI_E_ARG && strstr(e.message, "listed twice"),
          "a value listed twice: %s", e.message);
    CHECK(priori_options_set(o, "dim", "seq=1..100000", &e) == PRIORI_E_ARG && strstr(e.message, "more than 10000"),
          "too many points: %s", e.message);
    CHECK(priori_sweep(m, o, &e) == NULL && e.status == PRIORI_E_ARG &&
              strncmp(e.message, "sweep needs one or two ranges, got 0", 36) == 0, "no range: %s", e.message);
    /* three ranges */
    CHECK(priori_options_set(o, "dim", "seq=1,2", &e) == PRIORI_OK && priori_options_set(o, "dim", "batch=1,2", &e) ==
              PRIORI_OK && priori_options_set(o, "dim", "x=1,2", &e) == PRIORI_OK, "three ranges set: %s", e.message);
    CHECK(priori_sweep(m, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "got 3"), "three ranges: %s",
          e.message);
    priori_options_free(o);
    /* a range is for priori_sweep only; top, strict and prompt are not sweep's */
    o = priori_options_new();
    CHECK(priori_options_set(o, "dim", "seq=1..4", &e) == PRIORI_OK, "%s", e.message);
    CHECK(priori_analyze(m, o, &e) == NULL && e.status == PRIORI_E_ARG &&
              strstr(e.message, "--dim seq=1..4: expected SYMBOL=N") && strstr(e.message, "priori_sweep"),
          "a range to priori_analyze: %s", e.message);
    const char *paths[] = {chain, chain};
    CHECK(priori_compare(paths, 2, o, PRIORI_FORMAT_JSON, &e) == NULL && e.status == PRIORI_E_ARG &&
              strstr(e.message, "priori_sweep"), "a range to priori_compare: %s", e.message);
    CHECK(priori_options_set(o, "top", "3", &e) == PRIORI_OK, "%s", e.message);
    CHECK(priori_sweep(m, o, &e) == NULL && e.status == PRIORI_E_ARG &&
              strcmp(e.message, "priori_sweep: the option top is not one of its options (it is an option of "
                                "priori_analyze)") == 0, "top to priori_sweep: %s", e.message);
    priori_options_free(o);
    o = priori_options_new();
    CHECK(priori_options_set(o, "prompt", "4", &e) == PRIORI_OK && priori_options_set(o, "every-step", NULL, &e) ==
              PRIORI_OK, "%s", e.message);
    CHECK(priori_analyze(m, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "prompt") &&
              strstr(e.message, "priori_llm"), "prompt to priori_analyze: %s", e.message);
    CHECK(priori_options_set(o, "prompt", "0", &e) == PRIORI_E_ARG &&
              strcmp(e.message, "--prompt 0: expected a positive integer") == 0, "prompt 0: %s", e.message);
    CHECK(priori_options_set(o, "kv-inputs", "", &e) == PRIORI_E_ARG &&
              strcmp(e.message, "--kv-inputs: expected a value, got an empty string") == 0, "empty kv-inputs: %s",
          e.message);
    priori_options_free(o);
    /* a swept symbol the model does not have: a warning naming its symbols, as the CLI (every point the same) */
    o = priori_options_new();
    CHECK(priori_options_set(o, "dim", "nosuch=1,2", &e) == PRIORI_OK, "%s", e.message);
    priori_sweep_result *s = priori_sweep(m, o, &e);
    const char *w = priori_sweep_warning(s, 0);
    CHECK(s && w && strstr(w, "no symbolic dimension 'nosuch'") && strstr(w, "'batch'") && strstr(w, "'seq'"),
          "an unknown swept symbol: %s", w ? w : e.message);
    priori_sweep_free(s);
    /* swept and bound at once */
    CHECK(priori_options_set(o, "dim", "nosuch=3", &e) == PRIORI_OK, "%s", e.message);
    CHECK(priori_sweep(m, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "both swept and bound"),
          "swept and bound: %s", e.message);
    priori_options_free(o);
    /* every point fails: PRIORI_E_MODEL with the first point's reason; some fail: a result */
    priori_model *fx = priori_model_load(fixed, &e);
    o = priori_options_new();
    priori_options_set(o, "dim", "seq=1,2", &e);
    CHECK(fx && priori_sweep(fx, o, &e) == NULL && e.status == PRIORI_E_MODEL &&
              strstr(e.message, "fails at every point") && strstr(e.message, "Reshape"), "every point fails: %d %s",
          e.status, e.message);
    priori_options_free(o);
    o = priori_options_new();
    priori_options_set(o, "dim", "seq=1,8", &e);
    s = fx ? priori_sweep(fx, o, &e) : NULL;
    priori_sweep_point p0 = {0}, p1 = {0};
    CHECK(s && priori_sweep_point_at(s, 0, &p0) == PRIORI_OK && priori_sweep_point_at(s, 1, &p1) == PRIORI_OK &&
              p0.status == PRIORI_POINT_FAILED && p0.error && strstr(p0.error, "cannot reshape") && p0.macs == 0 &&
              p1.status == PRIORI_POINT_OK && !p1.error && p1.macs == 8 * 16 * 16, "one failed point: %s",
          p0.error ? p0.error : e.message);
    priori_sweep_free(s);
    priori_options_free(o);
    priori_model_free(fx);
    /* llm: the request is required; a model without a KV cache; a symbol llm sets; an unknown past symbol */
    priori_model *g = priori_model_load(genai, &e);
    CHECK(g && priori_llm(g, NULL, &e) == NULL && e.status == PRIORI_E_ARG &&
              strcmp(e.message, "llm needs --prompt P and --generate G (tokens)") == 0, "llm without a request: %s",
          e.message);
    o = priori_options_new();
    priori_options_set(o, "prompt", "4", &e);
    priori_options_set(o, "generate", "2", &e);
    CHECK(priori_llm(cnn, o, &e) == NULL && e.status == PRIORI_E_MODEL &&
              strncmp(e.message, "fixtures/demo_cnn.onnx: ", 24) == 0 && strstr(e.message, "--kv-inputs"),
          "llm of a model without a KV cache: %d %s", e.status, e.message);
    CHECK(priori_options_set(o, "points", "1", &e) == PRIORI_OK && priori_llm(g, o, &e) == NULL &&
              e.status == PRIORI_E_ARG && strcmp(e.message, "--points 1: at least 2 (the first and last context)") == 0,
          "points 1: %s", e.message);
    priori_options_free(o);
    o = priori_options_new();
    priori_options_set(o, "prompt", "4", &e);
    priori_options_set(o, "generate", "2", &e);
    priori_options_set(o, "dim", "past_sequence_length=3", &e);
    CHECK(priori_llm(g, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "priori llm sets"),
          "a dim llm sets: %s", e.message);
    priori_options_free(o);
    o = priori_options_new();
    priori_options_set(o, "prompt", "4", &e);
    priori_options_set(o, "generate", "2", &e);
    priori_options_set(o, "past-dim", "nosuch", &e);
    CHECK(priori_llm(g, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "--past-dim nosuch"),
          "an unknown past-dim: %d %s", e.status, e.message);
    priori_options_set(o, "dim", "seq=1..4", &e);
    CHECK(priori_llm(g, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "priori_sweep"),
          "a range to priori_llm: %s", e.message);
    priori_options_free(o);
    o = priori_options_new();
    priori_options_set(o, "prompt", "4", &e);
    priori_options_set(o, "generate", "2", &e);
    priori_options_set(o, "carbon", "300", &e);
    CHECK(priori_llm(g, o, &e) == NULL && e.status == PRIORI_E_ARG && strstr(e.message, "need --hw"),
          "carbon without hw: %s", e.message);
    priori_options_free(o);
    CHECK(priori_sweep(NULL, NULL, &e) == NULL && e.status == PRIORI_E_ARG && priori_llm(NULL, NULL, &e) == NULL &&
              e.status == PRIORI_E_ARG, "a NULL model");
    priori_sweep_free(NULL);
    priori_llm_free(NULL);
    priori_model_free(g);
    priori_model_free(cnn);
    priori_model_free(m);
}

/* Two threads sweeping one model with different bindings at once. */
struct sweep_job {
    const priori_model *m;
    const char *batch;
    unsigned long long b;
    int bad;
};

static void *sweep_job(void *arg)
{
    struct sweep_job *j = arg;
    for (int i = 0; i < 4; i++) {
        priori_options *o = priori_options_new();
        priori_error e;
        priori_sweep_result *s = NULL;
        priori_sweep_info info;
        if (!o || priori_options_set(o, "dim", j->batch, &e) != PRIORI_OK ||
            priori_options_set(o, "dim", "seq=1..64*4", &e) != PRIORI_OK || !(s = priori_sweep(j->m, o, &e)) ||
            priori_sweep_summary(s, &info) != PRIORI_OK || info.points != 4) {
            j->bad++;
        } else {
            for (int k = 0; k < info.points; k++) {
                priori_sweep_point p;
                if (priori_sweep_point_at(s, k, &p) != PRIORI_OK || !chain_ok(&p, j->b, (unsigned long long)p.at[0]))
                    j->bad++;
            }
        }
        priori_sweep_free(s);
        priori_options_free(o);
    }
    return NULL;
}

static void run_tests(const char *models, const char *gpu_db, const char *gpu_hw)
{
    char chain[4096], fixed[4096], genai[4096];
    snprintf(chain, sizeof chain, "%s/chain.onnx", models);
    snprintf(fixed, sizeof fixed, "%s/fixed.onnx", models);
    snprintf(genai, sizeof genai, "%s/genai_gqa.onnx", models);
    /* two axes, every point against the closed forms */
    const char *two[] = {"dim", "seq=16..128*2", "dim", "batch=1,3", NULL};
    priori_model *m;
    priori_sweep_result *s = sweep_reports(chain, "sweep", two, &m);
    priori_sweep_info info = {0};
    CHECK(s && priori_sweep_summary(s, &info) == PRIORI_OK && info.axes == 2 && info.points == 8 &&
              info.nvalues[0] == 4 && info.nvalues[1] == 2 && strcmp(info.symbol[0], "seq") == 0 &&
              strcmp(info.symbol[1], "batch") == 0 && info.failed == 0 && !info.estimated && info.warnings == 0,
          "sweep summary: %d axes, %d points", info.axes, info.points);
    int bad = 0;
    for (int i = 0; s && i < info.points; i++) {
        priori_sweep_point p;
        priori_sweep_point_at(s, i, &p);
        unsigned long long want_s = 16ULL << (i / 2), want_b = i % 2 ? 3 : 1;   /* the first axis outermost */
        if ((unsigned long long)p.at[0] != want_s || (unsigned long long)p.at[1] != want_b ||
            !chain_ok(&p, want_b, want_s) || p.latency_s != -1 || p.regime)
            bad++;
    }
    CHECK(s && bad == 0, "%d points differ from the closed forms of chain.onnx", bad);
    priori_sweep_free(s);
    priori_model_free(m);
    /* one axis, a plain binding beside it, a roofline profile (regimes) */
    const char *hw[] = {"dim", "seq=1..4", "dim", "batch=2", "db", gpu_db, "hw", gpu_hw, "precision", "fp16", NULL};
    s = sweep_reports(chain, "sweep_hw", hw, &m);
    CHECK(s && priori_sweep_summary(s, &info) == PRIORI_OK && info.axes == 1 && info.points == 4 && info.estimated &&
              info.symbol[1] == NULL, "sweep with hw: %d points", info.points);
    bad = 0;
    for (int i = 0; s && i < info.points; i++) {
        priori_sweep_point p;
        priori_sweep_point_at(s, i, &p);
        if (p.at[0] != i + 1 || p.at[1] != 0 || !chain_ok(&p, 2, (unsigned long long)i + 1) || !(p.latency_s > 0) ||
            !(p.energy_j > 0) || !(p.co2e_g > 0) || !p.regime)
            bad++;
    }
    CHECK(s && bad == 0, "%d points with hw differ or lack an estimate", bad);
    priori_sweep_free(s);
    priori_model_free(m);
    const char *one[] = {"dim", "seq=1,8", NULL};
    priori_sweep_free(sweep_reports(fixed, "sweep_fixed", one, &m));
    priori_model_free(m);
    /* llm: every step analysed; interpolated with hw */
    const char *req[] = {"prompt", "5", "generate", "3", "batch", "2", NULL};
    llm_reports(genai, "llm", req);
    const char *req_hw[] = {"prompt", "7", "generate", "12", "db", gpu_db, "hw", gpu_hw, "precision", "fp16", NULL};
    llm_reports(genai, "llm_hw", req_hw);
    run_errors(models);
    /* two threads sweeping one model */
    priori_error e;
    m = priori_model_load(chain, &e);
    struct sweep_job jobs[2] = {{.m = m, .batch = "batch=1", .b = 1}, {.m = m, .batch = "batch=5", .b = 5}};
    pthread_t th[2];
    for (int k = 0; m && k < 2; k++)
        CHECK(pthread_create(&th[k], NULL, sweep_job, &jobs[k]) == 0, "pthread_create");
    for (int k = 0; m && k < 2; k++)
        pthread_join(th[k], NULL);
    CHECK(m && jobs[0].bad == 0 && jobs[1].bad == 0, "concurrent sweeps gave wrong numbers: %d, %d", jobs[0].bad,
          jobs[1].bad);
    priori_model_free(m);
}

/* ---- a model loaded from a path is pinned to that file ---- */

static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 0 && n < size, "read %s", path);
    return n;
}

static void put_bytes(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0, "write %s", path);
}

/* The analysis of m fails as a file replaced or written since the load
 * (what: how it was changed). */
static void refused_changed(const priori_model *m, const char *path, const char *what)
{
    priori_error e;
    priori_analysis *a = priori_analyze(m, NULL, &e);
    CHECK(a == NULL && e.status == PRIORI_E_IO && strstr(e.message, path) &&
              strstr(e.message, "replaced or written since it was loaded") && strstr(e.message, "load it again"),
          "%s: the next analysis must fail: %d %s", what, e.status, a ? "(analysed)" : e.message);
    priori_analysis_free(a);
}

static unsigned long long macs_of(const priori_model *m)
{
    priori_error e;
    priori_totals t = {0};
    priori_analysis *a = priori_analyze(m, NULL, &e);
    CHECK(a && priori_analysis_totals(a, &t) == PRIORI_OK, "analysis: %s", a ? "totals" : e.message);
    priori_analysis_free(a);
    return (unsigned long long)t.macs;
}

static void pinned(const char *dir)
{
    static char one[1 << 20], two[1 << 20];
    size_t n1 = slurp("fixtures/demo_cnn.onnx", one, sizeof one);
    size_t n2 = slurp("fixtures/symbolic_batch.onnx", two, sizeof two);
    CHECK(n1 != n2, "the two fixtures differ in size (%zu)", n1);
    char path[4096], tmp[4096];
    snprintf(path, sizeof path, "%s/pinned.onnx", dir);
    snprintf(tmp, sizeof tmp, "%s/pinned.onnx.new", dir);
    put_bytes(path, one, n1);
    priori_error e;
    priori_model *m = priori_model_load(path, &e);
    CHECK(m != NULL, "%s", e.message);
    if (!m)
        return;
    unsigned long long demo = macs_of(m);
    CHECK(demo > 0 && macs_of(m) == demo, "the same model twice: %llu", demo);
    put_bytes(tmp, two, n2);   /* an atomic replace: another inode */
    CHECK(rename(tmp, path) == 0, "rename");
    refused_changed(m, path, "replaced by rename");
    priori_model *m2 = priori_model_load(path, &e);   /* loaded again: the new model */
    CHECK(m2 != NULL, "%s", e.message);
    unsigned long long sym = m2 ? macs_of(m2) : 0;
    CHECK(sym > 0 && sym != demo, "the replacement is another model: %llu, %llu", sym, demo);
    put_bytes(path, one, n1);   /* written in place: the same inode, another size */
    refused_changed(m2, path, "written in place");
    refused_changed(m, path, "replaced, then written");
    CHECK(unlink(path) == 0, "unlink");
    priori_analysis *a = priori_analyze(m, NULL, &e);
    CHECK(a == NULL && e.status == PRIORI_E_IO && strstr(e.message, "cannot open"), "removed: %d %s", e.status,
          a ? "(analysed)" : e.message);
    priori_analysis_free(a);
    priori_model_free(m);
    priori_model_free(m2);
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
    if (argc != 7) {
        fprintf(stderr, "usage: api_test OUTDIR DB HW MODELS GPU_DB GPU_HW\n");
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
    pinned(outdir);
    threads("fixtures/symbolic_batch.onnx");
    run_tests(argv[4], argv[5], argv[6]);
    printf("%d passed, %d failed\n", pass, fail);
    return fail != 0;
}
