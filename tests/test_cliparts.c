/* test_cliparts.c -- the parts of the command line's output and input that
 * are not commands: labels shortened in the middle (pr_labels_shorten), the
 * JSON builder's failure tracking, JSON paths and the JSON-path reader
 * (json.h), the option table (cli/options.def) with its parser, and the
 * exit code of each status (pr_exit_code). */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "json.h"
#include "options.h"
#include "report.h"
#include "test.h"

static void labels_keep_the_end_that_tells_names_apart(void)
{
    const char *names[] = {"/home/someone/projects/long/path/models/A_classifier_v1.onnx",
                           "/home/someone/projects/long/path/models/A_classifier_v2.onnx", "short.onnx"};
    char **l = pr_labels_shorten(names, 3, 40);
    CHECK(l != NULL);
    if (!l)
        return;
    /* 40 bytes: 3 for "...", the file name (20 bytes; the unique suffix
     * "1.onnx" is shorter), the head fills the other 17 */
    CHECK_STR(l[0], "/home/someone/pro...A_classifier_v1.onnx");
    CHECK_EQ(strlen(l[0]), 40);
    CHECK_STR(l[0] + strlen(l[0]) - 20, "A_classifier_v1.onnx");
    CHECK_STR(l[1] + strlen(l[1]) - 20, "A_classifier_v2.onnx");
    CHECK_STR(l[2], "short.onnx");   /* fits: unchanged */
    pr_labels_free(l, 3);
}

static void labels_keep_a_distinguishing_folder_far_from_the_end(void)
{
    const char *names[] = {"/data/runs/seed1/checkpoints/final/export/model.onnx",
                           "/data/runs/seed2/checkpoints/final/export/model.onnx"};
    char **l = pr_labels_shorten(names, 2, 30);
    CHECK(l != NULL);
    if (!l)
        return;
    /* the shortest unique suffixes are "1/checkpoints/..." and "2/...": 37 bytes, wider than 30 */
    CHECK_STR(l[0], "...1/checkpoints/final/export/model.onnx");
    CHECK_STR(l[1], "...2/checkpoints/final/export/model.onnx");
    pr_labels_free(l, 2);
}

static void labels_of_equal_names_stay_whole(void)
{
    const char *names[] = {"/a/very/long/folder/name/that/repeats/x.onnx", "/a/very/long/folder/name/that/repeats/x.onnx"};
    char **l = pr_labels_shorten(names, 2, 20);
    CHECK(l != NULL);
    if (l) {
        CHECK_STR(l[0], names[0]);
        CHECK_STR(l[1], names[1]);
    }
    pr_labels_free(l, 2);
}

static void labels_never_split_a_utf8_character(void)
{
    /* "é" is 2 bytes; the cut points fall inside it for some widths */
    const char *names[] = {"/d\xc3\xa9j\xc3\xa0/\xc3\xa9t\xc3\xa9/mod\xc3\xa8le_\xc3\xa9t\xc3\xa9_1.onnx",
                           "/d\xc3\xa9j\xc3\xa0/\xc3\xa9t\xc3\xa9/mod\xc3\xa8le_\xc3\xa9t\xc3\xa9_2.onnx"};
    for (size_t w = 8; w < 30; w++) {
        char **l = pr_labels_shorten(names, 2, w);
        CHECK(l != NULL);
        for (int i = 0; l && i < 2; i++) {
            char *clean = pr_text_clean(l[i], 200);   /* invalid UTF-8 would become U+FFFD */
            CHECK(clean && strstr(clean, "\xef\xbf\xbd") == NULL);
            CHECK(strstr(l[i], i ? "2.onnx" : "1.onnx") != NULL);   /* the unique suffix */
            free(clean);
        }
        pr_labels_free(l, 2);
    }
}

static void json_builder_remembers_a_failed_item(void)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_header(&b, "priori-test");
    pr_jb_add(&b, root, "n", pr_jb_u64(&b, 18446744073709551615ULL));
    CHECK(!b.failed);
    char *text = cJSON_PrintUnformatted(root);
    CHECK_STR(text, "{\"schema\":\"priori-test\",\"version\":1,\"n\":18446744073709551615}");
    cJSON_free(text);
    pr_jb_add(&b, root, "lost", NULL);   /* what a failed allocation gives */
    CHECK(b.failed);
    CHECK_EQ(pr_jb_print(&b, root, stdout), -1);   /* deletes root, prints nothing */
}

static void json_path_steps_quote_what_is_not_an_identifier(void)
{
    char p[80];
    pr_json_path_step(p, sizeof p, "$", "totals");
    CHECK_STR(p, "$.totals");
    pr_json_path_step(p, sizeof p, "$.layers", "conv 1");
    CHECK_STR(p, "$.layers[\"conv 1\"]");
    cJSON *n = cJSON_CreateNumber(1), *t = cJSON_CreateTrue();
    CHECK_STR(pr_json_type(n), "a number");
    CHECK_STR(pr_json_type(t), "a boolean");
    cJSON_Delete(n);
    cJSON_Delete(t);
}

/* cJSON's allocator for the test below: fails every allocation after
 * fail_after more (-1: never). */
static int fail_after = -1;
static void *failing_malloc(size_t n)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    return malloc(n);
}

/* pr_json_parse_at tells a refused text from memory running out (cJSON
 * answers NULL for both): no text cJSON refuses is called out of memory,
 * and a text it takes is, whichever of its allocations fails. */
static void json_parse_tells_bad_text_from_no_memory(void)
{
    static const char *const good[] = {
        "{}", "[]", "0", "-0.5e+3", "01", "1.", "\"a\\u00e9\\ud83d\\ude00\\n\"", "\xEF\xBB\xBF{\"a\": [1, 2]}",
        "{\"k\": \"raw\x01control\"}", "\x01[\x1f" "1 ,\t2]\n", "[[[[{\"x\": [true, false, null]}]]]]",
        "{\"a\": {\"b\": {}, \"c\": []}, \"d\": \"\"}", "\"\\u0000\"", "\"\\u12g4\"", "\"\\u1\\\"2\"",
    };
    static const char *const bad[] = {
        "", " ", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "{1: 2}", "[1 2]", "+1", ".5", "-", "tru", "nul",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\\u12\"", "\"open", "[1] x", "{}{}",
        "[\"a\",]", "{\"a\":}", "[-]", "\"\\",
    };
    size_t at;
    bool oom;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        cJSON *root = pr_json_parse_at(good[i], &at, &oom);
        CHECK(root != NULL);
        cJSON_Delete(root);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cJSON *root = pr_json_parse_at(bad[i], &at, &oom);
        CHECK(root == NULL && !oom);
        cJSON_Delete(root);
    }
    /* nesting: cJSON's limit is the line */
    char deep[2 * CJSON_NESTING_LIMIT + 8];
    for (int extra = 0; extra <= 1; extra++) {
        int n = CJSON_NESTING_LIMIT + extra;
        memset(deep, '[', (size_t)n);
        memset(deep + n, ']', (size_t)n);
        deep[2 * n] = 0;
        cJSON *root = pr_json_parse_at(deep, &at, &oom);
        CHECK(extra ? root == NULL && !oom : root != NULL);
        cJSON_Delete(root);
    }
    /* every allocation of every good text failing in turn: out of memory, never a bad text */
    cJSON_Hooks hooks = {.malloc_fn = failing_malloc, .free_fn = free};
    cJSON_InitHooks(&hooks);
    int failures = 0;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        for (int k = 0; k < 40; k++) {
            fail_after = k;
            cJSON *root = pr_json_parse_at(good[i], &at, &oom);
            if (!root) {
                failures++;
                CHECK(oom);
            }
            cJSON_Delete(root);
        }
    fail_after = -1;
    cJSON_InitHooks(NULL);
    CHECK(failures >= 30);
}

static void option_table_rows_are_complete(void)
{
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct pr_opt_row *r = &pr_opt_table[i];
        CHECK(r->name && strncmp(r->name, "--", 2) == 0);
        CHECK(r->cmds != 0);
        CHECK(r->kind == K_FORMAT || (r->help && *r->help));
        CHECK(!r->value == (r->kind == K_FLAG || i == OPT_TRAIN));
        /* one spelling, one row per command */
        for (int j = i + 1; j < OPT_COUNT; j++)
            if (strcmp(pr_opt_table[j].name, r->name) == 0)
                CHECK((pr_opt_table[j].cmds & r->cmds) == 0);
    }
}

static void parser_reads_values_by_kind(void)
{
    static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON};
    static const struct pr_cmd_spec spec = {.name = "analyze", .id = C_ANALYZE, .synopsis = "", .formats = formats,
                                            .nformats = 2};
    char a0[] = "m.onnx", a1[] = "--top", a2[] = "3", a3[] = "-q", a4[] = "--format", a5[] = "json", a6[] = "--dim",
         a7[] = "batch=8", a8[] = "--hw", a9[] = "x";
    char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9};
    struct pr_args p;
    CHECK_EQ(pr_args_parse(&p, &spec, 10, argv), 0);
    CHECK_EQ(p.npos, 1);
    CHECK_STR(p.pos[0], "m.onnx");
    CHECK_EQ(p.num[OPT_TOP], 3);
    CHECK(p.given[OPT_QUIET] && !p.given[OPT_STRICT]);
    CHECK_EQ(p.format, PR_FORMAT_JSON);
    CHECK_EQ(p.shapes[0].ndims, 1);
    CHECK_EQ(p.shapes[0].dims[0].value, 8);
    CHECK_STR(p.energy.hw, "x");
    pr_args_free(&p);
}
/* The reader names the file and the JSON path of a refused field, the
 * same way for the database (no "$") and for budgets ("$"). */
static void json_reader_names_file_and_path(void)
{
    struct pr_err err = {0};
    struct pr_jr r = {.file = "p.json", .code = PR_E_ARG, .err = &err, .hint = "fix it"};
    cJSON *root = cJSON_Parse("{\"spec\": {\"tdp_w\": -3, \"name\": 7, \"n\": 2.5, \"xs\": {}}}");
    CHECK(root != NULL);
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(root, "spec");
    size_t len = pr_jr_push(&r, "profiles", 0);
    CHECK_EQ(len, 0);
    pr_jr_push(&r, NULL, 3);
    size_t at = pr_jr_push(&r, "spec", 0);
    CHECK_STR(r.path, "profiles[3].spec");
    double d = 1;
    CHECK_EQ(pr_jr_num(&r, spec, "tdp_w", true, 0, 1e6, &d), -1);
    CHECK_STR(err.msg, "p.json: profiles[3].spec.tdp_w: expected a number from 0 to 1e+06; fix it");
    CHECK_EQ(err.code, PR_E_ARG);
    CHECK_EQ(d, 0);
    char *str = NULL;
    CHECK_EQ(pr_jr_str(&r, spec, "name", true, &str), -1);
    CHECK_STR(err.msg, "p.json: profiles[3].spec.name: expected a string (at most 4096 bytes); fix it");
    CHECK_EQ(pr_jr_str(&r, spec, "missing", false, &str), 0);   /* optional: "" */
    CHECK_STR(str, "");
    free(str);
    int n = 0;
    CHECK_EQ(pr_jr_int(&r, spec, "n", true, 0, 10, &n), -1);
    CHECK_STR(err.msg, "p.json: profiles[3].spec.n: expected an integer; fix it");
    CHECK(pr_jr_array(&r, spec, "xs", 10, &n) == NULL);
    CHECK_STR(err.msg, "p.json: profiles[3].spec.xs: expected an array; fix it");
    pr_jr_pop(&r, at);
    CHECK_STR(r.path, "profiles[3]");
    struct pr_jr g = {.file = "b.json", .path = "$", .code = PR_E_ARG, .err = &err};
    pr_jr_push(&g, "layers", 0);
    pr_jr_push(&g, "conv 1", 0);
    CHECK_EQ(pr_jr_bad(&g, "macs", spec, "a non-negative number"), -1);
    CHECK_STR(err.msg, "b.json: $.layers[\"conv 1\"].macs: expected a non-negative number, got an object");
    CHECK_STR(g.path, "$.layers[\"conv 1\"]");   /* the key is not kept */
    CHECK_STR(pr_json_str_at(spec, "name"), "");   /* a number, not a string */
    CHECK_EQ(pr_json_num_at(spec, "name"), 7);
    CHECK_EQ(pr_json_num_at(spec, "nothing"), 0);
    cJSON_Delete(root);
}

/* Nested objects and arrays of the builder; exact strings for data that is
 * read back; a failure anywhere refuses the whole text. */
static void json_builder_nests_and_refuses_a_failed_tree(void)
{
    struct pr_jb b = {0};
    cJSON *root = pr_jb_header(&b, "s");
    cJSON *o = pr_jb_object(&b, root, "o");
    pr_jb_add(&b, pr_jb_array(&b, o, "a"), NULL, pr_jb_text(&b, "tab\there"));
    char *text = pr_jb_text_of(&b, root, false);
    CHECK_STR(text, "{\"schema\":\"s\",\"version\":1,\"o\":{\"a\":[\"tab\\there\"]}}");
    cJSON_free(text);
    root = pr_jb_header(&b, "s");
    CHECK(pr_jb_object(&b, NULL, "lost") == NULL);   /* no parent: a failure */
    CHECK(b.failed);
    CHECK(pr_jb_text_of(&b, root, true) == NULL);
}

/* docs/usage.md: 0 ok, 1 gate breached, 2 usage error, 3 invalid model,
 * 4 I/O error, 5 internal error. */
static void each_status_maps_to_its_documented_exit_code(void)
{
    CHECK_EQ(pr_exit_code(PR_OK), 0);
    CHECK_EQ(pr_exit_code(PR_E_GATE), 1);
    CHECK_EQ(pr_exit_code(PR_E_ARG), 2);
    CHECK_EQ(pr_exit_code(PR_E_MODEL), 3);
    CHECK_EQ(pr_exit_code(PR_E_IO), 4);
    CHECK_EQ(pr_exit_code(PR_E_INTERNAL), 5);
    CHECK_EQ(pr_exit_code(-1), 5);   /* not a status: a bug */
}


void suite_cliparts(void);
void suite_cliparts(void)
{
    RUN(labels_keep_the_end_that_tells_names_apart);
    RUN(labels_keep_a_distinguishing_folder_far_from_the_end);
    RUN(labels_of_equal_names_stay_whole);
    RUN(labels_never_split_a_utf8_character);
    RUN(json_builder_remembers_a_failed_item);
    RUN(json_path_steps_quote_what_is_not_an_identifier);
    RUN(json_parse_tells_bad_text_from_no_memory);
    RUN(json_reader_names_file_and_path);
    RUN(json_builder_nests_and_refuses_a_failed_tree);
    RUN(each_status_maps_to_its_documented_exit_code);
    RUN(option_table_rows_are_complete);
    RUN(parser_reads_values_by_kind);
}
