/* test_sweep.c -- ranges of `priori sweep` (src/sweep.c) and analysing one
 * loaded model again and again (what a sweep does): the same report as a
 * fresh load, whatever was analysed before. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "report.h"
#include "sweep.h"
#include "test.h"

/* Parses text (copied) into ax; 0 or -1, err's message in msg. */
static int parse(const char *text, struct pr_sweep_axis *ax, char *buf, char *msg)
{
    struct pr_err err = {0};
    strcpy(buf, text);
    int rc = pr_sweep_axis_parse(buf, ax, &err);
    strcpy(msg, err.msg);
    return rc;
}

static int same_values(const struct pr_sweep_axis *ax, const int64_t *v, int n)
{
    if (ax->n != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (ax->values[i] != v[i])
            return 0;
    return 1;
}

static void ranges_geometric_steps_and_lists(void)
{
    struct pr_sweep_axis ax;
    char buf[200], msg[PR_ERR_MSG];
    /* 128 * 2^k <= 8192: k = 0..6 */
    static const int64_t dbl[] = {128, 256, 512, 1024, 2048, 4096, 8192};
    CHECK_EQ(parse("seq=128..8192*2", &ax, buf, msg), 0);
    CHECK_STR(ax.symbol, "seq");
    CHECK(same_values(&ax, dbl, 7));
    pr_sweep_axis_free(&ax);
    /* 1 + 8k <= 64: k = 0..7, 64 itself is not reached */
    static const int64_t steps[] = {1, 9, 17, 25, 33, 41, 49, 57};
    CHECK_EQ(parse("batch=1..64+8", &ax, buf, msg), 0);
    CHECK(same_values(&ax, steps, 8));
    pr_sweep_axis_free(&ax);
    static const int64_t list[] = {64, 1, 8};
    CHECK_EQ(parse("batch=64,1,8", &ax, buf, msg), 0);   /* the order as written */
    CHECK(same_values(&ax, list, 3));
    pr_sweep_axis_free(&ax);
    static const int64_t plain[] = {3, 4, 5};
    CHECK_EQ(parse("n=3..5", &ax, buf, msg), 0);
    CHECK(same_values(&ax, plain, 3));
    pr_sweep_axis_free(&ax);
    static const int64_t one[] = {7};
    CHECK_EQ(parse("n=7..7*3", &ax, buf, msg), 0);
    CHECK(same_values(&ax, one, 1));
    pr_sweep_axis_free(&ax);
    /* a symbol holding '=' splits at the last one, as --dim does */
    CHECK_EQ(parse("a=b=1,2", &ax, buf, msg), 0);
    CHECK_STR(ax.symbol, "a=b");
    pr_sweep_axis_free(&ax);
    /* the largest values: 2^40 is allowed, the factor does not overflow */
    static const int64_t big[] = {(int64_t)1 << 39, (int64_t)1 << 40};
    CHECK_EQ(parse("n=549755813888..1099511627776*2", &ax, buf, msg), 0);
    CHECK(same_values(&ax, big, 2));
    pr_sweep_axis_free(&ax);
    static const int64_t huge_k[] = {1};
    CHECK_EQ(parse("n=1..1099511627776*1099511627776", &ax, buf, msg), 0);   /* 1 * 2^40 = 2^40 <= B */
    CHECK_EQ(ax.n, 2);
    CHECK_EQ(ax.values[0], huge_k[0]);
    pr_sweep_axis_free(&ax);
    CHECK(pr_sweep_is_range("seq=1..8") && pr_sweep_is_range("b=1,8") && !pr_sweep_is_range("batch=8"));
}

static void bad_ranges_say_what_to_write(void)
{
    static const struct { const char *text, *says; } cases[] = {
        {"seq=8..1*2", "the range is empty (8 > 1)"},
        {"seq=..8", "the start A"},
        {"seq=1..", "the end B"},
        {"seq=1..8*1", "factor K of A..B*K must be 2 or more"},
        {"seq=0..8*2", "starts at 1 or more"},
        {"seq=1..8+0", "step S of A..B+S must be 1 or more"},
        {"seq=1..8*x", "factor K"},
        {"seq=1..8+", "step S"},
        {"seq=-1..8", "the start A"},
        {"seq=1..1099511627777", "the end B"},            /* 2^40 + 1 */
        {"seq=1..99999999999999999999999", "the end B"},  /* past int64 */
        {"seq=1,,8", "an empty value"},
        {"seq=1,8,", "an empty value"},
        {"seq=1,x", "not an integer"},
        {"seq=1,8,1", "the value 1 is listed twice"},
        {"=1,8", "no SYMBOL="},
        {"seq", "no SYMBOL="},
        {"seq=1..100000", "100000 values, more than 10000 points"},
        {"seq=0..1099511627776+1", "more than 10000 points"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pr_sweep_axis ax;
        char buf[200], msg[PR_ERR_MSG];
        int rc = parse(cases[i].text, &ax, buf, msg);
        CHECK_EQ(rc, -1);
        CHECK(ax.values == NULL && ax.n == 0);
        CHECK(strstr(msg, cases[i].says) != NULL);
        CHECK(strncmp(msg, "--dim ", 6) == 0 && strstr(msg, cases[i].text) != NULL);   /* names the flag */
        if (strstr(cases[i].says, "points") == NULL)
            CHECK(strstr(msg, "seq=128..8192*2") != NULL);   /* and what to write */
        if (!strstr(msg, cases[i].says))
            fprintf(stderr, "  %s: %s\n", cases[i].text, msg);
    }
    /* too many points in the cross product: 200 x 100 > 10000 */
    struct pr_model m;
    struct pr_diag d;
    struct pr_err err = {0};
    pr_diag_init(&d);
    if (pr_model_load(&m, "fixtures/symbolic_batch.onnx", &d, &err) < 0) {
        CHECK(!"fixtures/symbolic_batch.onnx loads");
        return;
    }
    struct pr_sweep_axis ax[2];
    char b0[64], b1[64], msg[PR_ERR_MSG];
    CHECK_EQ(parse("batch=1..200", &ax[0], b0, msg), 0);
    CHECK_EQ(parse("other=1..100", &ax[1], b1, msg), 0);
    struct pr_options base = {0};
    struct pr_sweep_opts o = {.base = &base, .axes = ax, .naxes = 2};
    struct pr_sweep s;
    CHECK_EQ(pr_sweep_run(&m, &o, &s, &err), -1);
    CHECK_EQ(err.code, PR_E_ARG);
    CHECK(strstr(err.msg, "20000 points (200 x 100), more than 10000") != NULL);
    struct pr_dim_binding bound = {"batch", 4};
    base.dims = &bound;
    base.ndims = 1;
    o.naxes = 1;
    CHECK_EQ(pr_sweep_run(&m, &o, &s, &err), -1);   /* swept and bound */
    CHECK(strstr(err.msg, "--dim batch is both swept and bound to 4") != NULL);
    pr_sweep_axis_free(&ax[0]);
    pr_sweep_axis_free(&ax[1]);
    pr_model_free(&m);
    pr_diag_free(&d);
}

/* ---- analysing again ---- */

/* The JSON report of one more analysis of m (malloc'ed), or "error ...". */
static char *report(struct pr_model *m, const struct pr_options *opt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    struct pr_analysis a;
    struct pr_err err = {0};
    if (pr_analyze(m, opt, &a, &err) < 0) {
        fprintf(f, "error %d %s", (int)err.code, err.msg);
    } else {
        pr_report_json(&a, f);
        pr_analysis_free(&a);
    }
    fclose(f);
    return text;
}

/* first, then other, then first again on one loaded model: the first and
 * the last reports are equal, and equal to a fresh load's. */
static int same_again(const char *path, const struct pr_options *first, const struct pr_options *other)
{
    struct pr_model m, fresh;
    struct pr_diag d;
    struct pr_err err = {0};
    pr_diag_init(&d);
    if (pr_model_load(&m, path, &d, &err) < 0) {
        pr_diag_free(&d);
        return 1;   /* a file the loader refuses has nothing to repeat */
    }
    char *a = report(&m, first), *b = report(&m, other), *c = report(&m, first), *f = NULL;
    if (pr_model_load(&fresh, path, &d, &err) == 0) {
        f = report(&fresh, first);
        pr_model_free(&fresh);
    }
    int same = a && b && c && f && strcmp(a, c) == 0 && strcmp(a, f) == 0;
    if (!same)
        fprintf(stderr, "  %s: the report differs after another analysis of the same model\n", path);
    free(a);
    free(b);
    free(c);
    free(f);
    pr_model_free(&m);
    pr_diag_free(&d);
    return same;
}

/* Other bindings for any model: every symbol it leaves unbound at 3, and
 * every data-dependent extent too. */
static int rebinding_same_again(const char *path)
{
    struct pr_model m;
    struct pr_diag d;
    struct pr_err err = {0};
    pr_diag_init(&d);
    if (pr_model_load(&m, path, &d, &err) < 0) {
        pr_diag_free(&d);
        return 1;
    }
    struct pr_options none = {0};
    struct pr_analysis a;
    struct pr_dim_binding dims[64];
    char names[64][128];
    int n = 0;
    if (pr_analyze(&m, &none, &a, &err) == 0) {
        for (int i = 0; i < a.nunbound && n < 64; i++) {
            snprintf(names[n], sizeof names[n], "%s", a.unbound[i]);
            dims[n] = (struct pr_dim_binding){names[n], 3};
            n++;
        }
        pr_analysis_free(&a);
    }
    pr_model_free(&m);
    pr_diag_free(&d);
    struct pr_options other = {.dims = dims, .ndims = n};
    return same_again(path, &none, &other) && (n == 0 || same_again(path, &other, &none));
}

static void analysing_a_loaded_model_again_gives_a_fresh_report(void)
{
    static const char *patterns[] = {"fixtures/*.onnx", "fixtures/silero/*.onnx", "build/models/*.onnx",
                                     "/usr/share/libonnx-testdata/data/*/*/model.onnx"};
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        glob_t gl;
        if (glob(patterns[p], 0, NULL, &gl) != 0)
            continue;
        size_t step = p == 3 ? 4 : 1, same = 0, tried = 0;
        for (size_t i = 0; i < gl.gl_pathc; i += step) {
            tried++;
            same += (size_t)rebinding_same_again(gl.gl_pathv[i]);
        }
        CHECK_EQ(same, tried);
        globfree(&gl);
    }
    /* Silero: the If on sr takes the other branch at 8 kHz; at 16 kHz again
     * the report is the first one (rows of the branch not taken included) */
    static const char *models[] = {"fixtures/silero/silero_vad_v5.onnx", "fixtures/silero/silero_vad_legacy.onnx"};
    for (int k = 0; k < 2; k++) {
        struct pr_input_shape in16[3], in8[3];
        int nin = k ? 3 : 2;
        in16[0].name = in8[0].name = "input";
        CHECK_EQ(pr_parse_dims("1x512", &in16[0].shape), 0);
        CHECK_EQ(pr_parse_dims("1x256", &in8[0].shape), 0);
        in16[1].name = in8[1].name = k ? "h" : "state";
        CHECK_EQ(pr_parse_dims(k ? "2x1x64" : "2x1x128", &in16[1].shape), 0);
        in8[1].shape = in16[1].shape;
        in16[2].name = in8[2].name = "c";
        CHECK_EQ(pr_parse_dims("2x1x64", &in16[2].shape), 0);
        in8[2].shape = in16[2].shape;
        struct pr_input_value v16 = {"sr", NULL, "16000"}, v8 = {"sr", NULL, "8000"};
        struct pr_options o16 = {.inputs = in16, .ninputs = nin, .values = &v16, .nvalues = 1};
        struct pr_options o8 = {.inputs = in8, .ninputs = nin, .values = &v8, .nvalues = 1};
        CHECK(same_again(models[k], &o16, &o8));
        CHECK(same_again(models[k], &o8, &o16));
    }
}

void suite_sweep(void);
void suite_sweep(void)
{
    RUN(ranges_geometric_steps_and_lists);
    RUN(bad_ranges_say_what_to_write);
    RUN(analysing_a_loaded_model_again_gives_a_fresh_report);
}
