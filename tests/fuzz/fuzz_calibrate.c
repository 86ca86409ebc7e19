/* fuzz_calibrate.c -- libFuzzer harness 7: `priori calibrate` on a fuzzed
 * records.json (the measurements), with the profiles and carbon table of
 * tests/energy_db/, in a private folder (under /dev/shm when it exists).
 *
 * Checked after every run, beyond the sanitizers: when the database
 * loaded, a calibration that succeeded leaves one that still loads (with
 * the same profiles, now fitted), and one that failed leaves profiles.json
 * byte for byte as it was; when it did not load, calibrate refuses it and
 * changes nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char *profiles, *carbon;
static size_t profiles_size, carbon_size;

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(1 << 22) : NULL;
    *n = buf ? fread(buf, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

static void put(const char *name, const void *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        abort();
}

/* Removes the private folder at exit (the database files, its lock). */
static void cleanup(void)
{
    static const char *const names[] = {"profiles.json", "records.json", "carbon.json", ".priori.lock"};
    char path[128];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "%s/priori-fuzz-cal-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir) || !(profiles = slurp("tests/energy_db/profiles.json", &profiles_size)) ||
        !(carbon = slurp("tests/energy_db/carbon.json", &carbon_size)) || !freopen("/dev/null", "w", stdout))
        abort();
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    put("profiles.json", profiles, profiles_size);
    put("carbon.json", carbon, carbon_size);
    put("records.json", data, size);
    struct pr_db db;
    struct pr_err err = {0};
    bool loads = pr_db_load(&db, dir, &err) == 0;
    int nprofiles = loads ? db.nprofiles : 0;
    if (loads)
        pr_db_free(&db);
    char *argv[] = {"--db", dir, NULL};
    int rc = pr_cmd_calibrate(2, argv);
    char path[128];
    snprintf(path, sizeof path, "%s/profiles.json", dir);
    size_t n;
    char *now = slurp(path, &n);
    bool unchanged = now && n == profiles_size && memcmp(now, profiles, n) == 0;
    free(now);
    if (!loads && (rc == 0 || !unchanged))
        abort();   /* a database that does not load was calibrated or changed */
    if (loads && rc != 0 && !unchanged)
        abort();   /* a failed calibration changed the profiles */
    if (loads && rc == 0) {
        if (pr_db_load(&db, dir, &err) < 0 || db.nprofiles != nprofiles)
            abort();   /* calibrate left a database that does not load */
        pr_db_free(&db);
    }
    return 0;
}
