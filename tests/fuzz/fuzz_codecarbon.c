/* fuzz_codecarbon.c -- libFuzzer harness 5: the CodeCarbon emissions.csv
 * reader (src/codecarbon.c) on any bytes. Beyond the sanitizers it checks
 * what the reader promises: on success both values are finite and in
 * their ranges (energy in (0, 1e9] kWh, duration in [1e-6, 1e9] s), on
 * failure a message naming the file was written. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double kwh = -1, dur = -1;
    struct pr_err err = {0};
    if (pr_codecarbon_parse((const char *)data, size, "fuzz.csv", &kwh, &dur, &err) == 0) {
        if (!isfinite(kwh) || !(kwh > 0 && kwh <= 1e9) || !isfinite(dur) || !(dur >= 1e-6 && dur <= 1e9))
            abort();
    } else if (strncmp(err.msg, "fuzz.csv", 8) != 0 && err.code != PR_E_INTERNAL) {
        abort();
    }
    return 0;
}
