/* optval.c -- reading the option values of an analysis (see optval.h):
 * the one reader of --input/--dim/--value, --top and the --hw family, used
 * by the command line and the C API alike, so that both accept the same
 * texts and give the same messages.
 */
#include "optval.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"
#include "text.h"

int pr_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int pr_parse_dims(const char *text, struct pr_shape *s)
{
    s->rank = 0;
    if (strcmp(text, "scalar") == 0)
        return 0;
    char buf[512];
    if (strlen(text) >= sizeof buf || !*text)
        return -1;
    strcpy(buf, text);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "x,", &save); tok; tok = strtok_r(NULL, "x,", &save)) {
        long long v;
        if (s->rank >= PR_MAX_RANK || pr_parse_int(tok, 0, (1LL << 40), &v) < 0)
            return -1;
        s->dim[s->rank++] = v;
    }
    return s->rank ? 0 : -1;
}

char *pr_split_binding(char *arg)
{
    char *eq = strrchr(arg, '=');
    if (!eq || eq == arg)
        return NULL;
    *eq = 0;
    return eq + 1;
}

int pr_bindings_init(struct pr_bindings *s, int n)
{
    memset(s, 0, sizeof *s);
    s->inputs = calloc((size_t)n + 1, sizeof *s->inputs);
    s->dims = calloc((size_t)n + 1, sizeof *s->dims);
    s->values = calloc((size_t)n + 1, sizeof *s->values);
    if (s->inputs && s->dims && s->values) {
        s->cap = n + 1;
        return 0;
    }
    pr_bindings_free(s);
    return -1;
}

void pr_bindings_free(struct pr_bindings *s)
{
    free(s->inputs);
    free(s->dims);
    free(s->values);
    memset(s, 0, sizeof *s);
}

/* Room for one more binding of every kind: the arrays doubled when full. */
static int grow(struct pr_bindings *s, struct pr_err *err)
{
    int n = s->ninputs > s->ndims ? s->ninputs : s->ndims;
    n = n > s->nvalues ? n : s->nvalues;
    if (n < s->cap)
        return 0;
    size_t cap = s->cap ? 2 * (size_t)s->cap : 4;
    struct pr_input_shape *in = realloc(s->inputs, cap * sizeof *in);
    if (in)
        s->inputs = in;
    struct pr_dim_binding *d = in ? realloc(s->dims, cap * sizeof *d) : NULL;
    if (d)
        s->dims = d;
    struct pr_input_value *v = d ? realloc(s->values, cap * sizeof *v) : NULL;
    if (!v)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    s->values = v;
    s->cap = (int)cap;
    return 0;
}

int pr_bindings_read(struct pr_bindings *s, const char *opt, char *val, struct pr_err *err)
{
    bool input = strcmp(opt, "--input") == 0, dim = strcmp(opt, "--dim") == 0, value = strcmp(opt, "--value") == 0;
    if (!input && !dim && !value)
        return 0;
    /* On a bad value the message names what is left of val after the split
     * (the name), as the command line always has. */
    if (grow(s, err) < 0)
        return -1;
    char *rhs = pr_split_binding(val);
    if (input) {
        struct pr_input_shape *in = &s->inputs[s->ninputs];
        if (!rhs || pr_parse_dims(rhs, &in->shape) < 0) {
            return pr_err_set(err, PR_E_ARG,
                              "--input %s: expected NAME=DIMS with DIMS like 1x3x224x224 (at most 12 dims)", val);
        }
        in->name = val;
        s->ninputs++;
    } else if (dim) {
        struct pr_dim_binding *d = &s->dims[s->ndims];
        long long v;
        if (!rhs || pr_parse_int(rhs, 0, (1LL << 40), &v) < 0) {
            return pr_err_set(err, PR_E_ARG, "--dim %s%s%s: expected SYMBOL=N with N a non-negative integer%s", val,
                              rhs ? "=" : "", rhs ? rhs : "",
                              rhs && pr_sweep_is_range(rhs) ? " (a range of values is for 'priori sweep')" : "");
        }
        d->symbol = val;
        d->value = v;
        s->ndims++;
    } else {
        struct pr_input_value *iv = &s->values[s->nvalues];
        if (!rhs || !*rhs) {
            return pr_err_set(err, PR_E_ARG,
                              "--value %s: expected NAME=V[,V...] (the values of a graph input of rank 0 or 1)", val);
        }
        *iv = (struct pr_input_value){.name = val, .text = rhs};   /* t NULL: the array grows by realloc */
        s->nvalues++;
    }
    return 1;
}

void pr_bindings_apply(const struct pr_bindings *s, struct pr_options *opt)
{
    opt->inputs = s->inputs;
    opt->ninputs = s->ninputs;
    opt->dims = s->dims;
    opt->ndims = s->ndims;
    opt->values = s->values;
    opt->nvalues = s->nvalues;
}

int pr_top_read(const char *opt, const char *val, long long *out, struct pr_err *err)
{
    if (pr_parse_int(val, 0, 100000, out) < 0)
        return pr_err_set(err, PR_E_ARG, "%s %s: expected a number from 0 to 100000", opt, val);
    return 0;
}

int pr_count_read(const char *opt, const char *val, long long *out, struct pr_err *err)
{
    if (pr_parse_int(val, 1, (1LL << 50), out) < 0)
        return pr_err_set(err, PR_E_ARG, "%s %s: expected a positive integer", opt, val);
    return 0;
}

int pr_name_read(const char *opt, const char *val, struct pr_err *err)
{
    if (!val || !*val)
        return pr_err_set(err, PR_E_ARG, "%s: expected a value, got an empty string", opt);
    return 0;
}

int pr_sweep_ranges_check(int n, struct pr_err *err)
{
    if (n >= 1 && n <= PR_SWEEP_MAX_AXES)
        return 0;
    return pr_err_set(err, PR_E_ARG, "sweep needs one or two ranges, got %d: --dim SYMBOL=A..B*K (e.g. "
                      "seq=128..8192*2), --dim SYMBOL=A..B+S (e.g. batch=1..64+8) or a list "
                      "--dim SYMBOL=V1,V2,...", n);
}

int pr_llm_args_check(bool prompt, bool generate, long long points, struct pr_err *err)
{
    if (!prompt || !generate)
        return pr_err_set(err, PR_E_ARG, "%s", "llm needs --prompt P and --generate G (tokens)");
    if (points == 1)
        return pr_err_set(err, PR_E_ARG, "--points %lld: at least 2 (the first and last context)", points);
    return 0;
}

int pr_energy_read(struct pr_energy_args *a, const char *opt, const char *val, struct pr_err *err)
{
    const char **s = strcmp(opt, "--hw") == 0 ? &a->hw : strcmp(opt, "--precision") == 0 ? &a->precision
                   : strcmp(opt, "--scenario") == 0 ? &a->scenario : strcmp(opt, "--region") == 0 ? &a->region
                   : strcmp(opt, "--db") == 0 ? &a->db : NULL;
    if (s) {
        if (!*val)
            return pr_err_set(err, PR_E_ARG, "%s: expected a value, got an empty string", opt);
        *s = val;
        return 1;
    }
    if (strcmp(opt, "--carbon") == 0 || strcmp(opt, "--pue") == 0) {
        char *end;
        double v = strtod(val, &end);
        bool pue = opt[2] == 'p';
        if (*end || !*val || !isfinite(v) || v < (pue ? 1 : 0) || v > (pue ? 10 : 1e5))
            return pr_err_set(err, PR_E_ARG, "%s %s: expected %s", opt, val,
                              pue ? "a number from 1 to 10" : "g CO2e per kWh, from 0 to 100000");
        *(pue ? &a->pue : &a->carbon) = v;
        return 1;
    }
    long long *n = strcmp(opt, "--inferences") == 0 ? &a->inferences : strcmp(opt, "--batch") == 0 ? &a->batch
                 : strcmp(opt, "--samples") == 0 ? &a->samples : strcmp(opt, "--epochs") == 0 ? &a->epochs
                 : strcmp(opt, "--dataset-size") == 0 ? &a->dataset_size : NULL;
    if (n) {
        if (pr_parse_int(val, 1, (1LL << 50), n) < 0)
            return pr_err_set(err, PR_E_ARG, "%s %s: expected a positive integer", opt, val);
        return 1;
    }
    return 0;
}

int pr_energy_check(const struct pr_energy_args *a, struct pr_err *err)
{
    const char *why = NULL;
    if (!a->hw && (a->precision || a->scenario || a->region || a->carbon || a->pue || a->inferences || a->db))
        why = "--precision, --scenario, --region, --carbon, --pue, --db and --inferences need --hw ID";
    else if (a->region && a->carbon)
        why = "give --region or --carbon, not both";
    else if (a->train && !a->hw)
        why = "--train needs --hw ID (a GPU profile; see 'priori hw list')";
    else if (!a->train && (a->samples || a->epochs || a->dataset_size))
        why = "--samples, --epochs and --dataset-size need --train";
    else if (a->samples && (a->epochs || a->dataset_size))
        why = "give --samples N or --epochs E --dataset-size N, not both";
    else if (!a->epochs != !a->dataset_size)
        why = "--epochs and --dataset-size go together";
    return why ? pr_err_set(err, PR_E_ARG, "%s", why) : 0;
}

const char *pr_energy_db_dir(const struct pr_energy_args *a, char *buf, size_t size)
{
    return a->db ? a->db : pr_db_default_dir(buf, size);
}

int pr_hw_load(struct pr_hw *h, const struct pr_energy_args *a, enum pr_hw_failure *why, struct pr_err *err)
{
    enum pr_hw_failure dummy;
    why = why ? why : &dummy;
    *why = PR_HW_OK;
    memset(h, 0, sizeof *h);
    if (!a->hw)
        return 0;
    char dir[PR_DB_DIR_MAX];
    if (pr_db_load(&h->db, pr_energy_db_dir(a, dir, sizeof dir), err) < 0) {
        *why = PR_HW_DB;
        return -1;
    }
    h->profile = pr_db_select(&h->db, a->hw, a->precision, a->train && !a->scenario ? "train" : a->scenario);
    if (!h->profile) {
        *why = PR_HW_PROFILE;
        return pr_err_set(err, PR_E_ARG, "--hw %s%s%s%s%s: no such hardware profile in %s; see 'priori hw list'",
                          a->hw, a->precision ? " --precision " : "", a->precision ? a->precision : "",
                          a->scenario ? " --scenario " : "", a->scenario ? a->scenario : "", h->db.dir);
    }
    struct pr_energy_opts *o = &h->opts;
    o->pue = a->pue ? a->pue : 1;
    o->inferences = (uint64_t)a->inferences;
    o->train = a->train;
    o->run_samples = a->samples ? (double)a->samples : (double)a->epochs * (double)a->dataset_size;
    o->g_per_kwh = h->db.world_g_per_kwh;
    o->carbon_source = h->db.world_source;
    if (a->carbon) {
        o->g_per_kwh = a->carbon;
        o->carbon_source = "--carbon";
    } else if (a->region) {
        const struct pr_carbon *c = pr_db_carbon(&h->db, a->region);
        if (!c) {
            h->profile = NULL;
            *why = PR_HW_REGION;
            return pr_err_set(err, PR_E_ARG, "--region %s: not in %s/carbon.json; give an ISO alpha-3 country "
                              "code (FRA), a cloud region (gcp:europe-west1) or --carbon G", a->region, h->db.dir);
        }
        o->g_per_kwh = c->g_per_kwh;
        o->carbon_source = c->name && *c->name ? c->name : c->code;
    }
    return 0;
}

void pr_hw_close(struct pr_hw *h)
{
    pr_db_free(&h->db);
    memset(h, 0, sizeof *h);
}

/* A message built in parts, cut at the end of buf (PR_ERR_MSG bytes). */
struct msg {
    char buf[PR_ERR_MSG];
    size_t used;
};

__attribute__((format(printf, 2, 3))) static void add(struct msg *m, const char *fmt, ...)
{
    if (m->used >= sizeof m->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(m->buf + m->used, sizeof m->buf - m->used, fmt, ap);
    va_end(ap);
    m->used = n < 0 ? m->used : m->used + (size_t)n > sizeof m->buf - 1 ? sizeof m->buf - 1 : m->used + (size_t)n;
}

int pr_check_inputs(const char *budget, const char *baseline, const char *growth, struct pr_err *err)
{
    if (!baseline != !growth)
        return pr_err_set(err, PR_E_ARG, "%s", baseline ? "--baseline needs --max-growth, e.g. --max-growth macs=5%"
                                                          : "--max-growth needs --baseline REPORT.json");
    if (!budget && !baseline)
        return pr_err_set(err, PR_E_ARG, "%s", "nothing to check: give --budget FILE and/or --baseline "
                          "REPORT.json --max-growth SPEC");
    return 0;
}

int pr_strict_check(const struct pr_analysis *an, const char *path, struct pr_err *err)
{
    struct msg m = {.used = 0};
    if (an->nunsupported) {
        add(&m, "%s: %d operator%s not in priori's table (--strict):", path, an->nunsupported,
            an->nunsupported == 1 ? " is" : "s are");
        for (int i = 0; i < an->nunsupported; i++) {
            const struct pr_unsupported *u = &an->unsupported[i];
            char label[300];
            pr_node_label(&an->model->graph.nodes[an->layers[u->layers[0]].node], label, sizeof label);
            char *clean = pr_text_clean(label, 120);
            add(&m, "%s %s%s%s (%d node%s, first %s)", i ? ";" : "", u->domain, *u->domain ? "." : "", u->op_type,
                u->count, u->count == 1 ? "" : "s", clean ? clean : "?");
            free(clean);
        }
        add(&m, "; run 'priori ops' for the supported operators, or drop --strict to count them as zero cost");
        return pr_err_set(err, PR_E_MODEL, "%s", m.buf);
    }
    if (an->nassume_failures)
        return pr_err_set(err, PR_E_MODEL, "%s: %d node%s only under priori's assumptions (--strict; see the "
                          "warnings): bind the shapes and values it names with --input, --dim, --value", path,
                          an->nassume_failures, an->nassume_failures == 1 ? " fails" : "s fail");
    return 0;
}

int pr_unbound_check(const struct pr_subject *s, struct pr_err *err)
{
    if (!s->an.nunbound)
        return 0;
    struct msg m = {.used = 0};
    add(&m, "%s: a gate needs fixed shapes, but", s->path);
    for (int i = 0; i < s->an.nunbound; i++) {
        char *sym = pr_text_clean(s->an.unbound[i], 100);
        add(&m, "%s '%s'", i ? "," : " symbol", sym ? sym : "?");
        free(sym);
    }
    add(&m, " %s unbound: give", s->an.nunbound == 1 ? "is" : "are");
    for (int i = 0; i < s->an.nunbound; i++) {
        char *sym = pr_text_clean(s->an.unbound[i], 100);
        add(&m, " --dim %s=N", sym ? sym : "?");
        free(sym);
    }
    return pr_err_set(err, PR_E_ARG, "%s", m.buf);
}
