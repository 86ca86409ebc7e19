/* test_db.c -- the database schema check: the shipped db/ loads; a bad
 * field is refused with the file, its JSON path and what was expected; a
 * write is atomic and reads back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "db.h"
#include "test.h"

static void shipped_database_is_valid(void)
{
    struct pr_db db;
    struct pr_err err = {0};
    int rc = pr_db_load(&db, "db", &err);
    if (rc < 0)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_EQ(rc, 0);
    CHECK(db.nprofiles > 0 && db.nrecords > 0 && db.nmodels > 0);
    CHECK(db.world_g_per_kwh == 475);
    CHECK(pr_db_carbon(&db, "fra") != NULL);
    const struct pr_profile *p = pr_db_select(&db, "rpi4-tflite-v2.7.1-ruy@v2.0", NULL, NULL);
    CHECK(p && strcmp(p->precision, "fp32") == 0 && p->method == PR_METHOD_FITTED);
    pr_db_free(&db);
}

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char *good_profiles =
    "{\"schema\":\"priori-db-profiles\",\"version\":1,\"profiles\":[{\"id\":\"b/fp32/single\",\"hw\":\"b\","
    "\"hardware\":\"board\",\"runtime\":\"rt 1\",\"precision\":\"fp32\",\"scenario\":\"single\","
    "\"boundary\":\"wall\",\"method\":\"none\",\"spec\":{\"tdp_w\":5}}]}";
static const char *good_records =
    "{\"schema\":\"priori-db-records\",\"version\":1,\"models\":[{\"name\":\"m\",\"features\":{\"macs_dense\":1,"
    "\"macs_depthwise\":0,\"flops_other\":0,\"macs\":1,\"flops\":2,\"bytes_read\":4,\"bytes_written\":4,"
    "\"params\":1,\"layers\":1,\"mac_layers\":1}}],\"records\":[{\"model\":\"m\",\"profile\":\"b/fp32/single\","
    "\"j_per_sample\":0.5,\"source\":\"test\"}]}";
static const char *good_carbon =
    "{\"schema\":\"priori-db-carbon\",\"version\":1,\"world\":{\"g_per_kwh\":475,\"source\":\"w\"},"
    "\"regions\":[{\"code\":\"FRA\",\"g_per_kwh\":56,\"year\":2022,\"source\":\"s\"}]}";

static void make_db(void)
{
    snprintf(dir, sizeof dir, "/tmp/priori_db_XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    put("profiles.json", good_profiles);
    put("records.json", good_records);
    put("carbon.json", good_carbon);
}

static void rm_db(void)
{
    /* the loader's shared lock leaves its (empty) lock file in the folder */
    const char *f[] = {"profiles.json", "records.json", "carbon.json", ".priori.lock"};
    for (int i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, f[i]);
        unlink(path);
    }
    CHECK_EQ(rmdir(dir), 0);   /* nothing else left behind */
}

/* Loads dir expecting failure with a message containing want. */
static void refused(const char *want)
{
    struct pr_db db;
    struct pr_err err = {0};
    CHECK_EQ(pr_db_load(&db, dir, &err), -1);
    CHECK(err.code == PR_E_ARG);
    if (!strstr(err.msg, want))
        fprintf(stderr, "message: %s\n(wanted %s)\n", err.msg, want);
    CHECK(strstr(err.msg, want) != NULL);
}

static void bad_fields_are_named_by_json_path(void)
{
    make_db();
    struct pr_db db;
    struct pr_err err = {0};
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    pr_db_free(&db);

    put("records.json", "{\"schema\":\"priori-db-records\",\"version\":1,\"models\":[],\"records\":[{}]}");
    refused("records.json: records[0].model: expected a string");
    put("records.json", good_records);

    char buf[1024];                /* a string where a number goes */
    const char *at = strstr(good_profiles, "\"tdp_w\":5");
    snprintf(buf, sizeof buf, "%.*s\"tdp_w\":\"5\"%s", (int)(at - good_profiles), good_profiles,
             at + strlen("\"tdp_w\":5"));
    put("profiles.json", buf);
    refused("profiles.json: profiles[0].spec.tdp_w: expected a number");

    char *bad = strdup(good_profiles);
    memcpy(strstr(bad, "\"wall\""), "\"moon\"", 6);
    put("profiles.json", bad);
    refused("profiles[0].boundary: expected device, module or wall");
    free(bad);
    put("profiles.json", good_profiles);

    put("records.json", "{\"schema\":\"priori-db-records\",\"version\":1,\"models\":[],\"records\":"
        "[{\"model\":\"nope\",\"profile\":\"b/fp32/single\",\"j_per_sample\":1,\"source\":\"x\"}]}");
    refused("records[0].model: expected the name of an entry");
    put("records.json", good_records);

    put("carbon.json", "{\"schema\":\"priori-db-carbon\",\"version\":2}");
    refused("carbon.json: version: expected a number from 1 to 1");
    put("carbon.json", "{\"schema\":\"priori-db-carbon\",");
    refused("carbon.json: not valid JSON");
    put("carbon.json", "{\"schema\":\"something-else\",\"version\":1}");
    refused("schema: expected \"priori-db-carbon\"");
    rm_db();
}

static void written_records_read_back(void)
{
    make_db();
    struct pr_db db;
    struct pr_err err = {0};
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    struct pr_db_record r = {.model = "m", .profile = "b/fp32/single", .source = "unit test",
                             .j_per_sample = 0.25, .latency_s = 0.01};
    CHECK_EQ(pr_db_add_record(&db, &r), 0);
    CHECK_EQ(pr_db_write_records(&db, &err), 0);
    pr_db_free(&db);
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK_EQ(db.nrecords, 2);
    CHECK(db.nrecords == 2 && db.records[1].j_per_sample == 0.25 && db.records[1].latency_s == 0.01);
    pr_db_free(&db);
    rm_db();
}

/* A model's kernels: [class, count, macs, flops, bytes] and an optional
 * mode (0 both, 1 inference only, 2 training only, 3-4 16-bit only, 5
 * launched inside an op), kept when written; 6 is refused. */
static void kernels_keep_their_mode(void)
{
    make_db();
#define WITH_KERNELS(more)                                                                                     \
    "{\"schema\":\"priori-db-records\",\"version\":1,\"models\":[{\"name\":\"m\",\"features\":{\"macs_dense\":1,"     \
    "\"macs_depthwise\":0,\"flops_other\":0,\"macs\":1,\"flops\":2,\"bytes_read\":4,\"bytes_written\":4,"             \
    "\"params\":1,\"layers\":1,\"mac_layers\":1},\"kernels\":[[1,2,10,0,100],[4,3,0,5,50,2]" more "]}],"             \
    "\"records\":[{\"model\":\"m\",\"profile\":\"b/fp32/single\",\"j_per_sample\":0.5,\"source\":\"test\"}]}"
    put("records.json", WITH_KERNELS(",[4,1,0,7,60,4]"));
    struct pr_db db;
    struct pr_err err = {0};
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nmodels == 1 && db.models[0].nkernels == 3 && db.models[0].kernels[0].mode == PR_KM_BOTH &&
          db.models[0].kernels[1].mode == PR_KM_TRAIN && db.models[0].kernels[2].mode == PR_KM_HALF_TRAIN);
    CHECK_EQ(pr_db_write_records(&db, &err), 0);
    pr_db_free(&db);
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nmodels == 1 && db.models[0].nkernels == 3 && db.models[0].kernels[1].mode == PR_KM_TRAIN &&
          db.models[0].kernels[1].count == 3 && db.models[0].kernels[2].mode == PR_KM_HALF_TRAIN &&
          db.models[0].kernels[2].flops == 7);
    pr_db_free(&db);
    put("records.json", WITH_KERNELS(",[4,1,0,5,50,5]"));
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nmodels == 1 && db.models[0].nkernels == 3 && db.models[0].kernels[2].mode == PR_KM_IN_OP);
    pr_db_free(&db);
    put("records.json", WITH_KERNELS(",[5,1,0,5,50,5]"));   /* class 5: depthwise */
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nmodels == 1 && db.models[0].kernels[2].cls == PR_KC_DEPTHWISE);
    pr_db_free(&db);
    put("records.json", WITH_KERNELS(",[6,1,0,5,50,5]"));
    refused("models[0].kernels[2]: expected [class 0-5");
    put("records.json", WITH_KERNELS(",[4,1,0,5,50,6]"));
    refused("models[0].kernels[2]: expected [class 0-5, count >= 1, macs, flops, bytes, mode 0-5 (optional)]");
    put("records.json", WITH_KERNELS(",[4,1,0,5,50,1,0]"));
    refused("models[0].kernels[2]: expected");
    put("records.json", good_records);
    rm_db();
#undef WITH_KERNELS
}

/* s with its first `find` replaced by `with`, in buf (n bytes); "" when
 * find is not in s or the result does not fit (the test then fails). */
static const char *replaced(char *buf, size_t n, const char *s, const char *find, const char *with)
{
    const char *at = strstr(s, find);
    int len = at ? snprintf(buf, n, "%.*s%s%s", (int)(at - s), s, with, at + strlen(find)) : -1;
    CHECK(len >= 0 && (size_t)len < n);
    if (len < 0 || (size_t)len >= n)
        buf[0] = '\0';
    return buf;
}

/* A roofline profile's "not_identified" list (struct pr_roof
 * unidentified, bit group x PR_KC_COUNT + class) loads, writes back and
 * reloads the same; a name that is no coefficient is refused. A profile
 * fitted before depthwise kernels had a class of their own (no
 * "depthwise" values) prices them as grouped ones: its grouped values and
 * marks are the depthwise class's too. */
static void roofline_keeps_what_it_did_not_identify(void)
{
    make_db();
#define KC(v) "{\"conv\":" v ",\"gemm\":" v ",\"grouped\":" v ",\"attention\":" v ",\"eltwise\":" v   \
              ",\"depthwise\":" v "}"
#define ROOF_PROFILE(list)                                                                                      \
    "{\"schema\":\"priori-db-profiles\",\"version\":1,\"profiles\":[{\"id\":\"b/fp32/single\",\"hw\":\"b\","      \
    "\"hardware\":\"board\",\"runtime\":\"rt 1\",\"precision\":\"fp32\",\"scenario\":\"single\","                 \
    "\"boundary\":\"device\",\"method\":\"fitted\",\"spec\":{\"tdp_w\":5},\"roofline\":{\"t_launch_s\":" KC("1e-5")   \
    ",\"t_fixed_s\":1e-5,\"t_min_s\":2e-6,\"t_sub_s\":1e-6,\"rate\":" KC("1e13") ",\"bw\":" KC("1e12")          \
    ",\"p_static_w\":50,\"e_work\":" KC("1e-12") ",\"e_byte\":1e-10,\"e_launch\":0,\"elem_bytes\":4" list "}}]}"
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":[\"rate.eltwise\",\"bw.conv\",\"e_work.attention\"]"));
    struct pr_db db;
    struct pr_err err = {0};
    unsigned want = 1u << PR_KC_ELTWISE | 1u << (PR_KC_COUNT + PR_KC_CONV) | 1u << (2 * PR_KC_COUNT + PR_KC_ATTENTION);
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nprofiles == 1 && db.profiles[0].has_roof && db.profiles[0].roof.unidentified == want);
    CHECK_EQ(pr_db_write_profiles(&db, &err), 0);
    pr_db_free(&db);
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nprofiles == 1 && db.profiles[0].roof.unidentified == want);
    pr_db_free(&db);
    put("profiles.json", ROOF_PROFILE(""));   /* absent: all identified */
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nprofiles == 1 && db.profiles[0].has_roof && db.profiles[0].roof.unidentified == 0);
    pr_db_free(&db);
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":[\"rate.depthwise\"]"));
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    CHECK(db.nprofiles == 1 && db.profiles[0].roof.unidentified == 1u << PR_KC_DEPTHWISE);
    pr_db_free(&db);
#undef KC
#define KC(v) "{\"conv\":" v ",\"gemm\":" v ",\"grouped\":3" v ",\"attention\":" v ",\"eltwise\":" v "}"
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":[\"rate.grouped\",\"bw.conv\"]"));
    CHECK_EQ(pr_db_load(&db, dir, &err), 0);
    const struct pr_roof *old = &db.profiles[0].roof;
    unsigned both = 1u << PR_KC_GROUPED | 1u << PR_KC_DEPTHWISE | 1u << (PR_KC_COUNT + PR_KC_CONV);
    CHECK(db.nprofiles == 1 && old->rate[PR_KC_DEPTHWISE] == 31e13 && old->bw[PR_KC_DEPTHWISE] == 31e12 &&
          old->t_launch[PR_KC_DEPTHWISE] == 31e-5 && old->e_work[PR_KC_DEPTHWISE] == 31e-12 &&
          old->rate[PR_KC_CONV] == 1e13 && old->unidentified == both);
    pr_db_free(&db);
    /* a bandwidth of 0 (each kernel's time divides by it) and depthwise values in part are refused */
    char text[2048];
    put("profiles.json", replaced(text, sizeof text, ROOF_PROFILE(""), "\"bw\":{\"conv\":1e12", "\"bw\":{\"conv\":0"));
    refused("profiles[0].roofline.bw.conv: expected a number above 0");
#undef KC
#define KC(v) "{\"conv\":" v ",\"gemm\":" v ",\"grouped\":" v ",\"attention\":" v ",\"eltwise\":" v "}"
    put("profiles.json", replaced(text, sizeof text, ROOF_PROFILE(""), "\"rate\":{", "\"rate\":{\"depthwise\":1e13,"));
    refused("profiles[0].roofline.t_launch_s.depthwise: expected a number");
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":[\"rate.eltwise\",\"rate.softmax\"]"));
    refused("profiles[0].roofline.not_identified[1]: expected \"rate.CLASS\"");
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":[\"ratex.eltwise\"]"));
    refused("not_identified[0]: expected");
    put("profiles.json", ROOF_PROFILE(",\"not_identified\":\"rate.eltwise\""));
    refused("profiles[0].roofline.not_identified: expected an array");
    put("profiles.json", good_profiles);
    rm_db();
#undef ROOF_PROFILE
#undef KC
}

void suite_db(void);
void suite_db(void)
{
    kernels_keep_their_mode();
    roofline_keeps_what_it_did_not_identify();
    RUN(shipped_database_is_valid);
    RUN(bad_fields_are_named_by_json_path);
    RUN(written_records_read_back);
}
