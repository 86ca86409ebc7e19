/* fuzz_dbadd.c -- libFuzzer harness 6: `priori db add` with fuzzed option
 * values, against a copy of tests/energy_db/ in a private folder (under
 * /dev/shm when it exists: every update is fsync()ed).
 *
 * An input is up to 11 values separated by NUL bytes, given in this order
 * to --hw --precision --scenario --boundary --name --family --source
 * --hardware --runtime --j-per-sample --latency-ms (an empty value: the
 * option is left out; --j-per-sample defaults to 1). The model is
 * fixtures/demo_cnn.onnx. Checked after every run, beyond the sanitizers:
 * an add that succeeded leaves a database that loads with one record more;
 * one that failed leaves the three files byte for byte as they were.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"

#include "dbdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[3] = {"profiles.json", "records.json", "carbon.json"};
static const char *const opts[] = {"--hw", "--precision", "--scenario", "--boundary", "--name", "--family",
                                   "--source", "--hardware", "--runtime", "--j-per-sample", "--latency-ms"};
enum { NOPTS = sizeof opts / sizeof opts[0] };
static const char *dir;
static char *orig[3];
static size_t orig_size[3];

static bool same(int i)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    size_t n;
    char *now = fz_slurp(path, &n);
    bool eq = now && n == orig_size[i] && memcmp(now, orig[i], n) == 0;
    free(now);
    return eq;
}

static void restore(void)
{
    for (int i = 0; i < 3; i++)
        fz_put(files[i], orig[i], orig_size[i]);
}

static void setup(void)
{
    if (dir)
        return;
    fz_make_dir("dbadd");
    dir = fz_dir;
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "tests/energy_db/%s", files[i]);
        if (!(orig[i] = fz_slurp(path, &orig_size[i])))
            abort();
    }
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    restore();
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *argv[4 + 2 * NOPTS + 2] = {"add", "fixtures/demo_cnn.onnx", "--db", fz_dir};
    int argc = 4;
    char *p = copy, *end = copy + size;
    bool have_j = false;
    for (int k = 0; k < NOPTS && p <= end; k++) {
        size_t n = strlen(p);
        if (n) {
            argv[argc++] = (char *)opts[k];
            argv[argc++] = p;
            have_j |= k == 9;
        }
        p += n + 1;
    }
    if (!have_j) {
        argv[argc++] = "--j-per-sample";
        argv[argc++] = "1";
    }
    struct pr_db before, after;
    struct pr_err err = {0};
    if (pr_db_load(&before, dir, &err) < 0)
        abort();
    int rc = pr_cmd_db(argc, argv);
    if (rc == 0) {
        if (pr_db_load(&after, dir, &err) < 0 || after.nrecords != before.nrecords + 1)
            abort();   /* an add that succeeded left a database that does not load */
        pr_db_free(&after);
    } else {
        for (int i = 0; i < 3; i++)
            if (!same(i))
                abort();   /* a failed add changed the database */
    }
    pr_db_free(&before);
    free(copy);
    return 0;
}
