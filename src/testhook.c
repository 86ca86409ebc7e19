/* testhook.c -- failure injection points (see testhook.h). Without
 * PRIORI_TEST_HOOKS a point is a no-op returning 0. */
#include "testhook.h"

#ifdef PRIORI_TEST_HOOKS
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long points;

static long env_num(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : -1;
}

static void write_count(void)
{
    const char *f = getenv("PRIORI_TEST_COUNT");
    FILE *o = f ? fopen(f, "w") : NULL;
    if (o) {
        fprintf(o, "%ld\n", points);
        fclose(o);
    }
}

int pr_test_point(void)
{
    if (points++ == 0)
        atexit(write_count);
    if (points == env_num("PRIORI_TEST_KILL_AT"))
        raise(SIGKILL);
    if (points == env_num("PRIORI_TEST_PAUSE_AT"))
        sleep(30);
    if (points == env_num("PRIORI_TEST_FAIL_AT")) {
        errno = ENOSPC;
        return -1;
    }
    return 0;
}
#else
int pr_test_point(void)
{
    return 0;
}
#endif
