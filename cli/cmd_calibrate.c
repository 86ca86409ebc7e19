/* cmd_calibrate.c -- `priori calibrate`: fits every hardware profile of the
 * database from its measurement records, validates the fit, writes the
 * coefficients back (atomically) and prints the validation table.
 *
 * Per profile, with M distinct measured models:
 *   M >= 5  method "fitted": NNLS fit of the energy and latency models
 *           (fit.c); validation: leave-one-model-out median and p90
 *           |error|, cross-family median |error| (fit.c pr_xfam_sets,
 *           pooled), latency leave-one-out median.
 *   1..4    method "anchor": E = b * MACs (b from the anchors), flagged
 *           with the E ~ MACs uncertainty (energy.h).
 *   0       unchanged ("spec-only" when spec values exist, else "none").
 * --baselines adds the same validation for E ~ MACs, E = a + b*MACs and
 * TDP x measured latency; --sets the cross-family errors per permutation.
 * `make validate-energy` runs `calibrate --dry-run --baselines --sets`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate_roof.h"
#include "cli.h"
#include "commands.h"
#include "db.h"
#include "dbtxn.h"
#include "energy.h"
#include "fit.h"

const struct pr_cmd_spec pr_spec_calibrate = {
    .name = "calibrate",
    .id = C_CALIBRATE,
    .synopsis =
        "usage: priori calibrate [--db DIR] [--dry-run] [--baselines] [--sets] [--profile ID]\n"
        "\n"
        "Fits each hardware profile's coefficients (fixed energy per inference, energy\n"
        "per MAC of dense and depthwise convolution, per non-MAC FLOP, per byte, per\n"
        "MAC layer; the same for latency) from its measurement records by non-negative\n"
        "least squares, writes them to DIR/profiles.json (atomically) and prints the\n"
        "validation: leave-one-model-out median and p90 |error| of energy, cross-family\n"
        "median |error| (fit on two families, predict the third), latency error.\n",
    .tail = "exit codes: 0 ok, 2 usage error or bad database, 4 I/O error\n",
};

struct cal_args {
    const char *dir, *only;
    bool dry_run, baselines, sets;
};

/* Samples of the records rec[0..nrec) of one profile (pointing into db);
 * returns the count, *models the number of distinct models. */
static int samples_of(const struct pr_db *db, const int *rec, int nrec, struct pr_sample *s, int *models)
{
    int n = 0;
    struct pr_names seen = {0};
    *models = 0;
    if (pr_names_init(&seen, (size_t)nrec) < 0)
        return 0;
    for (int i = 0; i < nrec; i++) {
        const struct pr_db_record *r = &db->records[rec[i]];
        const struct pr_db_model *m = pr_db_model_find(db, r->model);
        if (!m)
            continue;
        *models += pr_names_put(&seen, m->name, 0) == 0;
        s[n++] = (struct pr_sample){.f = &m->f, .model = m->name, .family = m->family,
                                    .energy_j = r->j_per_sample, .latency_s = r->latency_s};
    }
    pr_names_free(&seen);
    return n;
}

/* The records of each profile, in file order: by_profile[first[p] ..
 * first[p+1]) (a counting sort, linear in records). 0 / -1 out of memory. */
static int group_records(const struct pr_db *db, int **first, int **by_profile)
{
    *first = calloc((size_t)db->nprofiles + 2, sizeof **first);
    *by_profile = malloc(((size_t)db->nrecords + 1) * sizeof **by_profile);
    int *prof = malloc(((size_t)db->nrecords + 1) * sizeof *prof);
    if (!*first || !*by_profile || !prof) {
        free(prof);
        return -1;
    }
    for (int i = 0; i < db->nrecords; i++) {
        const struct pr_profile *p = pr_db_profile(db, db->records[i].profile);
        prof[i] = p ? (int)(p - db->profiles) : -1;
        if (p)
            (*first)[prof[i] + 2]++;
    }
    for (int p = 0; p < db->nprofiles; p++)
        (*first)[p + 2] += (*first)[p + 1];
    for (int i = 0; i < db->nrecords; i++)
        if (prof[i] >= 0)
            (*by_profile)[(*first)[prof[i] + 1]++] = i;
    free(prof);
    return 0;
}

static void pct(char *buf, size_t size, double v)
{
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", v);
}

/* Summary accumulators: per column, the per-profile medians. */
enum { COL_LOO, COL_P90, COL_XFAM, COL_LAT, COL_PROP_LOO, COL_PROP_XFAM, COL_AFF_LOO, COL_AFF_XFAM, COL_TDP, NCOL };

struct summary {
    double *v[NCOL];
    int n[NCOL];
};

static void note(struct summary *s, int col, double v)
{
    if (v >= 0)
        s->v[col][s->n[col]++] = v;
}

static double xfam_median(const struct pr_sample *s, int n, enum pr_fit_kind kind, double *err, int set_only)
{
    int k = 0;
    for (int set = 0; set < pr_nxfam_sets; set++)
        if (set_only < 0 || set == set_only)
            k += pr_validate_xfam(s, n, kind, set, err + k);
    return pr_median(err, k);
}

/* " label v0 v1 ... v4" of a per-class coefficient, times scale. */
static void kc_values(const char *label, const double *v, double scale, int digits)
{
    printf("%s", label);
    for (int c = 0; c < PR_KC_COUNT; c++)
        printf(" %.*f", digits, v[c] * scale);
}

/* The lines of a roofline (GPU) profile: calibrate_roof.c's report. */
static void print_roof(const struct pr_profile *p, const struct pr_roof_report *r)
{
    static const char *names[3] = {"priori roofline", "E ~ MACs", "E = a + b*MACs"};
    if (!r->counted)
        return;
    printf("%-58s %6d  %-7s  (roofline; %d rows, all batches)\n", p->id, r->models, r->fitted ? "fitted" : "none",
           r->rows);
    if (!r->fitted)
        return;
    printf("    %-26s %-31s   %s\n", "|error| held out", "energy per sample", "latency");
    printf("    %-26s %9s %9s %9s   %9s %9s %9s\n", "", "LOMO med", "LOMO p90", "LOFO med", "LOMO med", "LOMO p90",
           "LOFO med");
    for (int kind = 0; kind < r->nkinds; kind++) {
        if (kind == 0) {
            printf("    Spearman (held-out predicted vs measured energy per sample, across models):");
            for (int i = 0; i < r->nspearman; i++) {
                const struct pr_roof_rank *k = &r->spearman[i];
                printf(" b%d (%d): %.3f%s", k->batch, k->models, k->rho, k->models >= 20 ? "" : "*");
            }
            printf("\n    (* fewer than 20 models at that batch)\n");
        }
        char c[6][16];
        for (int i = 0; i < 6; i++)
            pct(c[i], 16, r->err[kind][i]);
        printf("    %-26s %9s %9s %9s   %9s %9s %9s\n", names[kind], c[0], c[1], c[2], c[3], c[4], c[5]);
        if (kind == 0) {
            for (int i = 0; i < 4; i++)
                pct(c[i], 16, r->fit_err[i]);
            printf("    %-26s %9s %9s %9s   %9s %9s %9s   (in-fit: no row held out)\n", "  fitted on every row", c[0],
                   c[1], "-", c[2], c[3], "-");
        }
    }
    if (r->tdp) {
        char c[2][16];
        pct(c[0], 16, r->tdp_err[0]), pct(c[1], 16, r->tdp_err[1]);
        printf("    %-26s %9s %9s %9s   (measured latency)\n", "TDP x measured latency", c[0], c[1], "-");
    }
    const struct pr_roof *f = &p->roof;
    kc_values("    fit (conv, gemm, grouped, attention, eltwise, depthwise): t_launch us", f->t_launch, 1e6, 1);
    kc_values("; rate TMAC/s (eltwise TFLOP/s)", f->rate, 1e-12, 2);
    kc_values("; pJ/MAC", f->e_work, 1e12, 2);
    kc_values("; bw GB/s", f->bw, 1e-9, 0);
    printf("\n         t_min %.1f us, t_sub %.1f us, t_fixed %.0f us; P_static %.0f W; pJ/B %.1f; uJ/kernel %.2f\n",
           f->t_min * 1e6, f->t_sub * 1e6, f->t_fixed * 1e6, f->p_static, f->e_byte * 1e12, f->e_launch * 1e6);
}

static void calibrate_one(const struct pr_db *db, struct pr_profile *p, const int *rec, int nrec,
                          const struct cal_args *a, struct pr_sample *s, double *err, struct summary *sum)
{
    if (pr_profile_is_roof(db, p)) {   /* GPU profiles: calibrate_roof.c */
        struct pr_roof_report r;
        int rc = pr_calibrate_roof(db, p, a->baselines, &r);
        print_roof(p, &r);
        if (rc < 0)
            fprintf(stderr, "priori: %s: the roofline fit failed (out of memory)\n", p->id);
        return;
    }
    int models, n = samples_of(db, rec, nrec, s, &models);
    if (!n)
        return;
    struct pr_valid v = {.models = models, .loo_median = -1, .loo_p90 = -1, .xfam_median = -1,
                         .lat_loo_median = -1, .lat_loo_p90 = -1, .lat_xfam_median = -1};
    if (models >= PR_FIT_MIN_MODELS) {
        pr_fit(s, n, PR_FIT_PRIORI, &p->coef);
        p->method = PR_METHOD_FITTED;
        int k = pr_validate_loo(s, n, PR_FIT_PRIORI, false, err);
        v.loo_median = pr_median(err, k);
        v.loo_p90 = pr_percentile(err, k, 90);
        v.xfam_median = xfam_median(s, n, PR_FIT_PRIORI, err, -1);
        k = pr_validate_loo(s, n, PR_FIT_PRIORI, true, err);
        v.lat_loo_median = pr_median(err, k);
    } else {
        pr_fit(s, n, PR_FIT_PROP_MACS, &p->coef);
        p->method = PR_METHOD_ANCHOR;
    }
    p->valid = v;
    char b[6][16];
    pct(b[0], 16, v.loo_median), pct(b[1], 16, v.loo_p90), pct(b[2], 16, v.xfam_median);
    pct(b[3], 16, v.lat_loo_median);
    printf("%-58s %6d  %-7s %8s %8s %9s %8s", p->id, models, pr_method_name[p->method], b[0], b[1], b[2], b[3]);
    if (p->method == PR_METHOD_FITTED) {
        note(sum, COL_LOO, v.loo_median), note(sum, COL_P90, v.loo_p90), note(sum, COL_XFAM, v.xfam_median);
        note(sum, COL_LAT, v.lat_loo_median);
    }
    if (a->baselines && p->method == PR_METHOD_FITTED) {
        double r[5];
        int k = pr_validate_loo(s, n, PR_FIT_PROP_MACS, false, err);
        r[0] = pr_median(err, k);
        r[1] = xfam_median(s, n, PR_FIT_PROP_MACS, err, -1);
        k = pr_validate_loo(s, n, PR_FIT_AFFINE_MACS, false, err);
        r[2] = pr_median(err, k);
        r[3] = xfam_median(s, n, PR_FIT_AFFINE_MACS, err, -1);
        k = 0;
        for (int i = 0; i < n && p->spec.tdp_w > 0; i++)
            if (s[i].latency_s > 0)
                err[k++] = 100 * fabs(p->spec.tdp_w * s[i].latency_s / s[i].energy_j - 1);
        r[4] = pr_median(err, k);
        for (int i = 0; i < 5; i++) {
            char t[16];
            pct(t, sizeof t, r[i]);
            printf(" %9s", t);
            note(sum, COL_PROP_LOO + i, r[i]);
        }
    }
    putchar('\n');
    if (a->sets && p->method == PR_METHOD_FITTED)
        for (int set = 0; set < pr_nxfam_sets; set++) {
            const struct pr_xfam_set *x = &pr_xfam_sets[set];
            char t[3][16];
            pct(t[0], 16, xfam_median(s, n, PR_FIT_PRIORI, err, set));
            pct(t[1], 16, xfam_median(s, n, PR_FIT_PROP_MACS, err, set));
            pct(t[2], 16, xfam_median(s, n, PR_FIT_AFFINE_MACS, err, set));
            printf("    fit %s%s%s%s%s -> %-18s priori %7s   E~MACs %7s   a+b*MACs %7s\n", x->train[0],
                   x->train[1] ? " + " : "", x->train[1] ? x->train[1] : "", x->train[2] ? " + " : "",
                   x->train[2] ? x->train[2] : "", x->test, t[0], t[1], t[2]);
        }
}

static void print_summary(struct summary *s, const struct cal_args *a)
{
    static const char *names[NCOL] = {"leave-one-out median", "leave-one-out p90", "cross-family median",
                                      "latency leave-one-out median", "E ~ MACs leave-one-out",
                                      "E ~ MACs cross-family", "E = a + b*MACs leave-one-out",
                                      "E = a + b*MACs cross-family", "TDP x measured latency"};
    printf("\nmedian over the %d fitted profiles (targets: leave-one-out median <= 5%%, cross-family <= 10%%)\n",
           s->n[COL_LOO]);
    for (int c = 0; c < (a->baselines ? NCOL : COL_PROP_LOO); c++) {
        char t[16];
        pct(t, sizeof t, pr_median(s->v[c], s->n[c]));
        printf("  %-32s %8s   (%d profiles)\n", names[c], t, s->n[c]);
    }
}

int pr_cmd_calibrate(int argc, char **argv)
{
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_calibrate, argc, argv);
    if (rc == 0 && p.npos)
        rc = pr_args_usage_error(&p, "unexpected argument '%s'", p.pos[0]);
    struct cal_args a = {.dir = p.energy.db, .only = p.text[OPT_PROFILE], .dry_run = p.given[OPT_DRY_RUN],
                         .baselines = p.given[OPT_BASELINES], .sets = p.given[OPT_SETS]};
    pr_args_free(&p);   /* the values point into argv */
    if (rc != 0)
        return rc < 0 ? PR_OK : rc;
    struct pr_db db;
    struct pr_err err = {0};
    struct pr_db_lock lock;   /* held from the read to the write, so no add is lost */
    char dbdir[PR_DB_DIR_MAX];
    rc = pr_db_open(&db, &lock, a.dir ? a.dir : pr_db_default_dir(dbdir, sizeof dbdir), !a.dry_run, &err);
    if (rc)
        return rc;
    size_t cap = (size_t)db.nrecords + 1;
    struct pr_sample *s = malloc(cap * sizeof *s);
    double *errs = malloc(cap * 8 * sizeof *errs);
    struct summary sum = {0};
    for (int c = 0; c < NCOL; c++)
        sum.v[c] = malloc(((size_t)db.nprofiles + 1) * sizeof *sum.v[c]);
    int *first = NULL, *by_profile = NULL;
    bool oom = !s || !errs || group_records(&db, &first, &by_profile) < 0;
    for (int c = 0; c < NCOL; c++)
        oom |= !sum.v[c];
    if (oom) {
        fprintf(stderr, "priori: out of memory\n");
        rc = PR_E_INTERNAL;
        goto out;
    }
    printf("%-58s %6s  %-7s %8s %8s %9s %8s", "profile", "models", "method", "LOO med", "LOO p90", "x-family",
           "latency");
    if (a.baselines)
        printf(" %9s %9s %9s %9s %9s", "~MACs LOO", "~MACs xf", "a+bM LOO", "a+bM xf", "TDPxlat");
    putchar('\n');
    for (int i = 0; i < db.nprofiles; i++)
        if (!a.only || strncmp(db.profiles[i].id, a.only, strlen(a.only)) == 0)
            calibrate_one(&db, &db.profiles[i], by_profile + first[i], first[i + 1] - first[i], &a, s, errs, &sum);
    print_summary(&sum, &a);
    if (!a.dry_run) {
        if (pr_db_write_profiles(&db, &err) < 0) {
            fprintf(stderr, "priori: %s\n", err.msg);
            rc = (int)err.code;
        } else {
            printf("wrote %s/profiles.json\n", db.dir);
        }
    }
out:
    for (int c = 0; c < NCOL; c++)
        free(sum.v[c]);
    free(s);
    free(errs);
    free(first);
    free(by_profile);
    pr_db_free(&db);
    pr_db_unlock(&lock);
    return rc;
}
