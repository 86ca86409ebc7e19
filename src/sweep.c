/* sweep.c -- ranges of a symbolic dimension and the points of a sweep
 * (sweep.h).
 *
 * Ranges (the values of one axis, in order):
 *   A..B*K  v_0 = A, v_{i+1} = v_i * K while v_{i+1} <= B   (A >= 1, K >= 2)
 *           so 128..8192*2 = 128, 256, ..., 8192 (7 values)
 *   A..B+S  v_i = A + i * S for i = 0 .. floor((B - A) / S)  (S >= 1)
 *           so 1..64+8 = 1, 9, ..., 57 (8 values)
 *   A..B    A..B+1
 *   list    the values as written
 * The count is known before anything is allocated, so a range of 10^12
 * values is refused without building it; every product and sum stays
 * below 2^41 (values are at most 2^40), far from int64 overflow.
 *
 * Running: the model is analysed first with the caller's bindings only
 * (the probe): its unbound symbols are the symbols the model has that the
 * sweep can bind; a swept symbol not among them is warned about (naming
 * the model's symbols) and left unbound, so that every point does not warn
 * the same. Then one pr_analyze (and pr_estimate) per point, first axis
 * outermost. pr_infer resets the model's inferred types before each walk,
 * so the points are independent of each other and of the order they run in.
 */
#include "sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roofline.h"

const char *const pr_sweep_status_name[] = {"ok", "incomplete", "error"};

#define RANGE_HELP                                                                                    \
    "expected SYMBOL=N, a range SYMBOL=A..B*K (K times each step, e.g. seq=128..8192*2), "          \
    "SYMBOL=A..B+S (steps of S, e.g. batch=1..64+8) or a list SYMBOL=V1,V2,... (e.g. batch=1,8,64), " \
    "with integers from 0 to 2^40"

bool pr_sweep_is_range(const char *binding)
{
    const char *eq = strrchr(binding, '=');
    const char *spec = eq ? eq + 1 : binding;
    return strstr(spec, "..") != NULL || strchr(spec, ',') != NULL;
}

/* A decimal integer from 0 to 2^40 in [s, end): 0, or -1 (empty, a sign,
 * another character, too large). */
static int parse_value(const char *s, const char *end, int64_t *out)
{
    if (s == end)
        return -1;
    int64_t v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > PR_SWEEP_MAX_VALUE)
            return -1;
    }
    *out = v;
    return 0;
}

static int bad(struct pr_err *err, const char *orig, const char *why)
{
    return pr_err_set(err, PR_E_ARG, "--dim %s: %s; " RANGE_HELP, orig, why);
}

static int too_many(struct pr_err *err, const char *orig, int64_t n)
{
    return pr_err_set(err, PR_E_ARG, "--dim %s: %lld values, more than %d points; take a larger step or a "
                      "geometric range (A..B*2)", orig, (long long)n, PR_SWEEP_MAX_POINTS);
}

static int parse_list(const char *orig, const char *spec, struct pr_sweep_axis *ax, struct pr_err *err)
{
    int64_t n = 1;
    for (const char *p = spec; *p; p++)
        n += *p == ',';
    if (n > PR_SWEEP_MAX_POINTS)
        return too_many(err, orig, n);
    ax->values = malloc((size_t)n * sizeof *ax->values);
    if (!ax->values)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    const char *s = spec;
    for (int i = 0; i < n; i++) {
        const char *end = strchr(s, ',');
        end = end ? end : s + strlen(s);
        if (parse_value(s, end, &ax->values[i]) < 0)
            return bad(err, orig, s == end ? "an empty value in the list" : "a value that is not an integer from 0 to 2^40");
        for (int k = 0; k < i; k++)
            if (ax->values[k] == ax->values[i]) {
                char why[80];
                snprintf(why, sizeof why, "the value %lld is listed twice", (long long)ax->values[i]);
                return bad(err, orig, why);
            }
        ax->n = i + 1;
        s = end + 1;
    }
    return 0;
}

static int parse_range(const char *orig, const char *spec, struct pr_sweep_axis *ax, struct pr_err *err)
{
    const char *dots = strstr(spec, "..");
    const char *b = dots + 2, *op = b + strcspn(b, "*+");
    int64_t lo, hi, by = 1;
    bool geometric = *op == '*';
    if (parse_value(spec, dots, &lo) < 0)
        return bad(err, orig, "the start A of A..B is not an integer from 0 to 2^40");
    if (parse_value(b, op, &hi) < 0)
        return bad(err, orig, "the end B of A..B is not an integer from 0 to 2^40");
    if (*op && parse_value(op + 1, op + strlen(op), &by) < 0)
        return bad(err, orig, geometric ? "the factor K of A..B*K is not an integer" : "the step S of A..B+S is not an integer");
    if (lo > hi) {
        char why[96];
        snprintf(why, sizeof why, "the range is empty (%lld > %lld)", (long long)lo, (long long)hi);
        return bad(err, orig, why);
    }
    int64_t n = 0;
    if (geometric) {
        if (by < 2)
            return bad(err, orig, "the factor K of A..B*K must be 2 or more");
        if (lo < 1)
            return bad(err, orig, "a geometric range A..B*K starts at 1 or more");
        for (int64_t v = lo;; v *= by) {   /* v <= hi / by before each product: no overflow */
            n++;
            if (v > hi / by)
                break;
        }
    } else {
        if (by < 1)
            return bad(err, orig, "the step S of A..B+S must be 1 or more");
        n = (hi - lo) / by + 1;
    }
    if (n > PR_SWEEP_MAX_POINTS)
        return too_many(err, orig, n);
    ax->values = malloc((size_t)n * sizeof *ax->values);
    if (!ax->values)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    int64_t v = lo;
    for (int i = 0; i < n; i++) {
        ax->values[i] = v;
        if (i + 1 < n)
            v = geometric ? v * by : v + by;
    }
    ax->n = (int)n;
    return 0;
}

int pr_sweep_axis_parse(char *text, struct pr_sweep_axis *ax, struct pr_err *err)
{
    memset(ax, 0, sizeof *ax);
    char orig[200];
    snprintf(orig, sizeof orig, "%s", text);
    char *eq = strrchr(text, '=');
    if (!eq || eq == text)
        return bad(err, orig, "no SYMBOL= before the values");
    *eq = 0;
    ax->symbol = text;
    const char *spec = eq + 1;
    int rc = strstr(spec, "..") ? parse_range(orig, spec, ax, err) : parse_list(orig, spec, ax, err);
    if (rc < 0)
        pr_sweep_axis_free(ax);
    return rc;
}

void pr_sweep_axis_free(struct pr_sweep_axis *ax)
{
    free(ax->values);
    ax->values = NULL;
    ax->n = 0;
}

/* ---- running ---- */

int pr_estimate_regime(const struct pr_estimate *e)
{
    if (!e->roofline)
        return PR_REGIME_NONE;
    if (e->host_bound)
        return PR_REGIME_LAUNCH;
    double t[4] = {0};
    for (int i = 0; i < e->nlayers; i++)
        if (e->layers[i].regime > 0 && e->layers[i].regime < 4)
            t[e->layers[i].regime] += e->layers[i].time_s;
    int best = PR_REGIME_NONE;
    for (int r = PR_REGIME_LAUNCH; r <= PR_REGIME_MEMORY; r++)
        if (t[r] > 0 && (best == PR_REGIME_NONE || t[r] > t[best]))
            best = r;
    return best;
}

/* "seq=128, batch=8" of point p into buf. */
static const char *point_label(const struct pr_sweep *s, const struct pr_sweep_point *p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int k = 0; k < s->naxes && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%lld", k ? ", " : "", s->axes[k].symbol,
                                 (long long)p->at[k]);
    return buf;
}

/* Which swept symbols the model has (bound[k]), from the probe's unbound
 * symbols; a warning for each it does not have. A probe that fails as a
 * model error says nothing (every symbol is bound then); any other failure
 * is the sweep's. */
static int probe(struct pr_model *m, const struct pr_sweep_opts *o, struct pr_sweep *s, bool *bound,
                 struct pr_err *err)
{
    struct pr_analysis an;
    struct pr_options opt = *o->base;
    opt.top = 0;
    for (int k = 0; k < o->naxes; k++)
        bound[k] = true;
    if (pr_analyze(m, &opt, &an, err) < 0)
        return err->code == PR_E_MODEL ? 0 : -1;
    for (int k = 0; k < o->naxes; k++) {
        bool has = false;
        for (int i = 0; i < an.nunbound && !has; i++)
            has = strcmp(an.unbound[i], o->axes[k].symbol) == 0;
        if (has)
            continue;
        bound[k] = false;
        char list[600] = "";
        size_t used = 0;
        for (int i = 0; i < an.nunbound && used < sizeof list - 8; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "", an.unbound[i]);
        pr_diag_add(&s->diag, "--dim %s: the model has no symbolic dimension '%s' (%s%s); every point has the "
                    "same counts", o->axes[k].symbol, o->axes[k].symbol,
                    an.nunbound ? "its unbound symbols: " : "it has no unbound symbol", list);
    }
    pr_analysis_free(&an);
    return 0;
}

static int run_point(struct pr_model *m, const struct pr_sweep_opts *o, struct pr_options *opt, struct pr_sweep *s,
                     struct pr_sweep_point *p, struct pr_err *err)
{
    struct pr_analysis an;
    struct pr_err e = {0};
    char label[160];
    p->latency_s = p->energy_j = p->co2e_g = -1;
    if (pr_analyze(m, opt, &an, &e) < 0) {
        if (e.code != PR_E_MODEL) {
            *err = e;
            pr_err_prefix(err, "at %s", point_label(s, p, label, sizeof label));
            return -1;
        }
        p->status = PR_SWEEP_FAILED;
        p->error = strdup(e.msg);
        s->nfailed++;
        pr_diag_add(&s->diag, "at %s the analysis fails: %s", point_label(s, p, label, sizeof label), e.msg);
        return p->error ? 0 : pr_err_set(err, PR_E_INTERNAL, "out of memory");
    }
    p->totals = an.totals;
    p->status = an.totals.incomplete ? PR_SWEEP_INCOMPLETE : PR_SWEEP_OK;
    for (size_t i = 0; i < an.diag.count; i++)
        pr_diag_add(&s->diag, "%s", an.diag.msgs[i]);
    int rc = 0;
    if (o->profile) {
        struct pr_estimate est;
        if (pr_estimate(&an, o->profile, o->energy, &est, err) < 0) {
            rc = -1;
        } else {
            p->latency_s = est.latency_s;
            p->energy_j = est.energy_j;
            p->co2e_g = est.co2e_g;
            p->regime = pr_estimate_regime(&est);
            if (!s->profile) {   /* the same profile at every point: describe it once */
                s->profile = o->profile;
                s->roofline = est.roofline;
                s->uncertainty_pct = est.uncertainty_pct;
                s->uncertainty_p90_pct = est.uncertainty_p90_pct;
                s->pue = est.pue;
                s->g_per_kwh = est.g_per_kwh;
                s->carbon_source = est.carbon_source;
                s->method = est.method;
            }
            pr_estimate_free(&est);
        }
    }
    pr_analysis_free(&an);
    return rc;
}

int pr_sweep_run(struct pr_model *m, const struct pr_sweep_opts *o, struct pr_sweep *s, struct pr_err *err)
{
    memset(s, 0, sizeof *s);
    pr_diag_init(&s->diag);
    s->model = m;
    s->axes = o->axes;
    s->naxes = o->naxes;
    if (o->naxes < 1 || o->naxes > PR_SWEEP_MAX_AXES)
        return pr_err_set(err, PR_E_ARG, "a sweep needs one or two ranges (--dim SYMBOL=A..B*K), got %d",
                          o->naxes);
    int64_t total = 1;
    for (int k = 0; k < o->naxes; k++) {
        const char *sym = o->axes[k].symbol;
        if (k == 1 && strcmp(sym, o->axes[0].symbol) == 0)
            return pr_err_set(err, PR_E_ARG, "--dim %s is swept twice; give one range per symbol", sym);
        for (int i = 0; i < o->base->ndims; i++)
            if (strcmp(o->base->dims[i].symbol, sym) == 0)
                return pr_err_set(err, PR_E_ARG, "--dim %s is both swept and bound to %lld; give one of them",
                                  sym, (long long)o->base->dims[i].value);
        total *= o->axes[k].n;
    }
    if (total > PR_SWEEP_MAX_POINTS)
        return pr_err_set(err, PR_E_ARG, "--dim %s and --dim %s: %lld points (%d x %d), more than %d; take "
                          "larger steps", o->axes[0].symbol, o->axes[1].symbol, (long long)total, o->axes[0].n,
                          o->axes[1].n, PR_SWEEP_MAX_POINTS);
    bool bound[PR_SWEEP_MAX_AXES];
    struct pr_dim_binding *dims = calloc((size_t)o->base->ndims + PR_SWEEP_MAX_AXES, sizeof *dims);
    s->points = calloc((size_t)total, sizeof *s->points);
    if (!dims || !s->points) {
        free(dims);
        pr_sweep_free(s);
        return pr_err_set(err, PR_E_INTERNAL, "out of memory for %lld points", (long long)total);
    }
    int rc = probe(m, o, s, bound, err);
    struct pr_options opt = *o->base;
    opt.top = 0;   /* a point keeps totals only */
    opt.dims = dims;
    if (o->base->ndims)   /* dims may be NULL when there are none: memcpy's source must not be */
        memcpy(dims, o->base->dims, (size_t)o->base->ndims * sizeof *dims);
    for (int k = 0; k < o->naxes; k++)
        if (bound[k])
            dims[opt.ndims++].symbol = o->axes[k].symbol;
    for (int64_t i = 0; rc == 0 && i < total; i++) {
        struct pr_sweep_point *p = &s->points[i];
        int64_t rest = i;
        for (int k = o->naxes - 1; k >= 0; k--) {   /* the last axis varies fastest */
            p->at[k] = o->axes[k].values[rest % o->axes[k].n];
            rest /= o->axes[k].n;
        }
        for (int k = 0, d = o->base->ndims; k < o->naxes; k++)
            if (bound[k])
                dims[d++].value = p->at[k];
        s->npoints = (int)i + 1;
        rc = run_point(m, o, &opt, s, p, err);
    }
    free(dims);
    if (rc < 0)
        pr_sweep_free(s);
    return rc;
}

void pr_sweep_free(struct pr_sweep *s)
{
    for (int i = 0; s->points && i < s->npoints; i++)
        free(s->points[i].error);
    free(s->points);
    pr_diag_free(&s->diag);
    s->points = NULL;
    s->npoints = 0;
}
