/* report_roof.c -- the lines of the text report that only roofline (GPU)
 * profiles have: latency and energy per call of the whole batch and per
 * sample, each with its validated uncertainty, whether the call is
 * launch-bound, how the layers split between the regimes, and with
 * --train the training step and the whole run.
 */
#include <math.h>
#include <stdio.h>

#include "energy.h"
#include "report.h"
#include "roofline.h"

/* The mark after a rate (g 0) or bandwidth (g 1) of class c, else energy
 * (g 2): '*' where the fit did not identify it (struct pr_roof
 * unidentified), '^' where it is identified at the spec's bound (the
 * measurements ask for more than the datasheet allows: the bound decides
 * it), else ' '. */
static char mark(const struct pr_roof *r, const struct pr_roof_bounds *b, int g, int c)
{
    if (r->unidentified & 1u << (g * PR_KC_COUNT + c))
        return '*';
    double top = g == 0 ? pr_roof_peak(b, c) : g == 1 && b->bw > 0 ? b->bw : INFINITY;
    return (g == 0 ? r->rate[c] : g == 1 ? r->bw[c] : 0) >= top * (1 - 1e-6) ? '^' : ' ';
}

void pr_report_roof_coef(FILE *f, const struct pr_roof *r, const struct pr_spec *s)
{
    struct pr_roof_bounds b = pr_roof_bounds_of(s);
    bool bound = false;
    fprintf(f, "roofline   per kernel class: host time per kernel, rate, bandwidth, dynamic energy per unit of work\n");
    for (int c = 0; c < PR_KC_COUNT; c++) {
        char m[3] = {mark(r, &b, 0, c), mark(r, &b, 1, c), mark(r, &b, 2, c)};
        bound |= m[0] == '^' || m[1] == '^';
        fprintf(f, "  %-10s %8.2f us  %9.3g %s%c %9.3g B/s%c %9.3g J/%s%s\n", pr_kc_name[c], r->t_launch[c] * 1e6,
                r->rate[c], c == PR_KC_ELTWISE ? "FLOP/s" : "MAC/s ", m[0], r->bw[c], m[1], r->e_work[c],
                c == PR_KC_ELTWISE ? "FLOP" : "MAC", m[2] == '*' ? "*" : "");
    }
    if (r->unidentified)
        fprintf(f, "           * not identified by the measurements: no measured kernel's time is decided by this\n"
                   "             term (rate, bandwidth) or no measured call has work of this class (energy), so\n"
                   "             the value is where the fit left it (a start value or a bound), not a measurement\n");
    if (bound)
        fprintf(f, "           ^ at the spec's bound (peak rate, memory bandwidth): the measured kernels it decides\n"
                   "             ran as if faster than the datasheet allows, so the bound, not a measurement, sets it\n");
    fprintf(f, "           shortest kernel %.3g us, host time of a kernel inside an op %.3g us, "
               "fixed per call %.3g us, static power %.4g W, %.3g J/byte, %.3g J/kernel, %g bytes per element%s\n",
            r->t_min * 1e6, r->t_sub * 1e6, r->t_fixed * 1e6, r->p_static, r->e_byte, r->e_launch, r->elem_bytes,
            r->train ? "; training step" : "");
}

void pr_report_roof_lines(FILE *f, const struct pr_estimate *e)
{
    char b1[32], b2[32], b3[32];
    double n = e->samples > 0 ? e->samples : 1;
    const char *what = e->train ? "training step" : "call";
    fprintf(f, "  %-20s %.0f samples per %s%s\n", "batch", n, what,
            e->host_bound ? "; launch-bound (the host issuing kernels is slower than the device)" : "");
    fprintf(f, "  latency              %s per %s +- %.0f%% (held-out median; %s per sample)\n",
            pr_human_si(e->latency_s, "s", b1, sizeof b1), what, e->lat_uncertainty_pct,
            pr_human_si(e->latency_s / n, "s", b2, sizeof b2));
    fprintf(f, "  energy               %s per sample +- %.0f%% (90%% within %.0f%%); %s per %s\n",
            pr_human_si(e->energy_j / n, "J", b1, sizeof b1), e->uncertainty_pct, e->uncertainty_p90_pct,
            pr_human_si(e->energy_j, "J", b2, sizeof b2), what);
    if (e->extrapolated_pct >= 0.5)
        fprintf(f, "  extrapolated         %.0f%% of the device time is in kernels priced by coefficients the\n"
                   "                       profile's measurements do not determine (`priori hw show %s` marks them *)\n",
                e->extrapolated_pct, e->profile ? e->profile->id : "PROFILE");
    if (e->run_samples > 0)
        fprintf(f, "  training run         %.0f samples: %s, %s (%s of steps), +- %.0f%%\n", e->run_samples,
                pr_human_si(e->run_energy_j, "J", b1, sizeof b1), pr_human_si(e->run_energy_j / 3.6e6, "kWh", b3,
                sizeof b3), pr_human_si(e->run_time_s, "s", b2, sizeof b2), e->uncertainty_pct);
    double t[4] = {0};
    for (int i = 0; i < e->nlayers; i++)
        if (e->layers[i].regime > 0 && e->layers[i].regime < 4)
            t[e->layers[i].regime] += e->layers[i].time_s;
    double sum = t[1] + t[2] + t[3];
    if (sum > 0)
        fprintf(f, "  regimes              launch-bound %.0f%%, compute-bound %.0f%%, memory-bound %.0f%% of the "
                   "layers' time\n", 100 * t[1] / sum, 100 * t[2] / sum, 100 * t[3] / sum);
}
