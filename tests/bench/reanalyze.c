/* reanalyze.c -- `make bench`'s driver for re-analysing a loaded model.
 *
 *     build/tests/bench/reanalyze MODEL [SYMBOL POINTS]
 *
 * Loads MODEL once (pr_model_load), then analyses it (pr_analyze, the
 * whole analysis: walk, totals, breakdowns, peak memory; no report) once
 * with no --dim binding, and, given SYMBOL and POINTS, POINTS more times
 * with --dim SYMBOL=1, 2, ..., POINTS: what `priori sweep` does per point.
 * Prints one line of `key=value` fields (CPU seconds of the process,
 * CLOCK_PROCESS_CPUTIME_ID: the machine is shared, and wall time there
 * measures the queue; the process's peak RSS in KiB; the MACs of the first
 * and last points, so that a caller can check the bindings took effect):
 *
 *     nodes=N load_s=T analyze_s=T points=P points_s=T macs_first=M macs_last=M rss_kb=K
 *
 * A benchmark tool, not a test: exit 0, or 1 with a message on stderr when
 * the model does not load or an analysis fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "analysis.h"
#include "model.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int analyse(struct pr_model *m, const struct pr_options *opt, uint64_t *macs)
{
    struct pr_analysis an;
    struct pr_err err = {0};
    if (pr_analyze(m, opt, &an, &err) < 0) {
        fprintf(stderr, "reanalyze: %s\n", err.msg);
        return -1;
    }
    *macs = an.totals.macs;
    pr_analysis_free(&an);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: reanalyze MODEL [SYMBOL POINTS]\n");
        return 2;
    }
    int points = argc == 4 ? atoi(argv[3]) : 0;
    struct pr_model m;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    double t0 = now();
    if (pr_model_load(&m, argv[1], &diag, &err) < 0) {
        fprintf(stderr, "reanalyze: %s: %s\n", argv[1], err.msg);
        pr_diag_free(&diag);
        return 1;
    }
    double t1 = now();
    struct pr_options opt = {.top = 10};
    uint64_t macs = 0, first = 0, last = 0;
    int rc = analyse(&m, &opt, &macs);
    double t2 = now();
    struct pr_dim_binding bind = {.symbol = argc == 4 ? argv[2] : "", .value = 1};
    opt.dims = &bind;
    opt.ndims = 1;
    for (int p = 0; rc == 0 && p < points; p++) {
        bind.value = p + 1;
        rc = analyse(&m, &opt, &last);
        if (p == 0)
            first = last;
    }
    double t3 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (rc == 0)
        printf("nodes=%d load_s=%.6f analyze_s=%.6f points=%d points_s=%.6f macs_first=%llu macs_last=%llu rss_kb=%ld\n",
               m.graph.nnodes, t1 - t0, t2 - t1, points, t3 - t2, (unsigned long long)first,
               (unsigned long long)last, ru.ru_maxrss);
    pr_model_free(&m);
    pr_diag_free(&diag);
    return rc == 0 ? 0 : 1;
}
