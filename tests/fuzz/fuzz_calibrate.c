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

#include "dbdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *dir;
static char *profiles, *carbon;
static size_t profiles_size, carbon_size;

static void setup(void)
{
    if (dir)
        return;
    fz_make_dir("cal");
    dir = fz_dir;
    if (!(profiles = fz_slurp("tests/energy_db/profiles.json", &profiles_size)) ||
        !(carbon = fz_slurp("tests/energy_db/carbon.json", &carbon_size)) || !freopen("/dev/null", "w", stdout))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    fz_put("profiles.json", profiles, profiles_size);
    fz_put("carbon.json", carbon, carbon_size);
    fz_put("records.json", data, size);
    struct pr_db db;
    struct pr_err err = {0};
    bool loads = pr_db_load(&db, dir, &err) == 0;
    int nprofiles = loads ? db.nprofiles : 0;
    if (loads)
        pr_db_free(&db);
    char *argv[] = {"--db", fz_dir, NULL};
    int rc = pr_cmd_calibrate(2, argv);
    char path[128];
    snprintf(path, sizeof path, "%s/profiles.json", dir);
    size_t n;
    char *now = fz_slurp(path, &n);
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
