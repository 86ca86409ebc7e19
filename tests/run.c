/* run.c -- unit-test runner: runs every suite of suites.def, prints
 * "N passed, N failed" last, exits 1 on any failure. */
#include <stdio.h>
#include <string.h>

#include "test.h"

int test_passed, test_failed;
const char *test_name = "";

#define SUITE(name) void suite_##name(void);
#include "suites.def"
#undef SUITE

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
#define SUITE(name) if (!only || strcmp(only, #name) == 0) suite_##name();
#include "suites.def"
#undef SUITE
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed ? 1 : 0;
}
