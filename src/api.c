/* api.c -- the C API's version, statuses, errors, memory and options (see
 * include/priori.h; models and analyses are in api_model.c, the review
 * commands in api_review.c, sweep and llm in api_run.c, the listings in
 * api_list.c).
 *
 * Internal functions report a struct pr_err whose code is the command
 * line's exit code (err.h); the API maps it: usage -> PRIORI_E_ARG, model
 * -> PRIORI_E_MODEL, I/O -> PRIORI_E_IO, internal -> PRIORI_E_NOMEM when
 * the message is "out of memory", else PRIORI_E_INTERNAL. Database
 * failures are PRIORI_E_DB wherever the API knows the database was the
 * cause (pr_api_hw, the listings).
 *
 * Options are set by the names of the command line's flags (options.def,
 * through the table of optable.h) and read by the command line's own
 * readers (optval.c): the same texts are accepted, with the same messages.
 * One options object holds the options of analyze, sweep and llm (a "dim"
 * whose value is a range or a list is sweep's, as on the command line);
 * given[] remembers which rows were set, and pr_api_only lets each
 * function refuse, by the table's commands, what its command does not take.
 */
#include "api_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "optable.h"

#ifndef PRIORI_VERSION
#define PRIORI_VERSION "0.3.0"
#endif

_Static_assert((int)PRIORI_ERROR_MAX == (int)PR_ERR_MSG, "priori_error holds a whole internal message");

const char *priori_version(void)
{
    return PRIORI_VERSION;
}

int priori_version_number(void)
{
    return PRIORI_VERSION_NUMBER;
}

const char *priori_status_name(priori_status s)
{
    static const char *const names[] = {"ok", "arg", "model", "io", "db", "nomem", "internal"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

void priori_free(void *p)
{
    free(p);
}

priori_status pr_api_status(const struct pr_err *err)
{
    switch (err->code) {
    case PR_OK: return PRIORI_OK;
    case PR_E_ARG: return PRIORI_E_ARG;
    case PR_E_MODEL: return PRIORI_E_MODEL;
    case PR_E_IO: return PRIORI_E_IO;
    case PR_E_INTERNAL: return strstr(err->msg, "out of memory") ? PRIORI_E_NOMEM : PRIORI_E_INTERNAL;
    case PR_E_GATE: break;
    }
    return PRIORI_E_INTERNAL;
}

priori_status pr_api_fail(priori_error *e, const struct pr_err *err, priori_status s)
{
    if (s == PRIORI_OK)
        s = pr_api_status(err);
    if (s == PRIORI_OK)
        s = PRIORI_E_INTERNAL;   /* a failure always has a status */
    if (e) {
        e->status = s;
        snprintf(e->message, sizeof e->message, "%s", *err->msg ? err->msg : "unknown error");
    }
    return s;
}

priori_status pr_api_set(priori_error *e, priori_status s, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        e->status = s;
    }
    return s;
}

void pr_api_ok(priori_error *e)
{
    if (e) {
        e->status = PRIORI_OK;
        e->message[0] = 0;
    }
}

char *pr_api_string(int (*render)(const void *ctx, FILE *f), const void *ctx, priori_error *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        pr_api_set(e, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    int rc = render(ctx, f);
    if (fclose(f) != 0 || rc < 0) {
        free(buf);
        /* writing to memory fails only when memory runs out */
        pr_api_set(e, PRIORI_E_NOMEM, "out of memory while rendering the report");
        return NULL;
    }
    pr_api_ok(e);
    return buf;
}

priori_status pr_api_hw(struct pr_hw *h, const struct priori_options *o, priori_error *e)
{
    struct pr_err err = {0};
    enum pr_hw_failure why;
    if (pr_hw_load(h, &o->energy, &why, &err) < 0)
        return pr_api_fail(e, &err, why == PR_HW_REGION ? PRIORI_E_ARG
                                    : err.code == PR_E_INTERNAL ? PRIORI_OK : PRIORI_E_DB);
    return PRIORI_OK;
}

/* ---- options ---- */

void pr_api_defaults(struct priori_options *o)
{
    memset(o, 0, sizeof *o);
    o->top = 10;
}

priori_options *priori_options_new(void)
{
    priori_options *o = malloc(sizeof *o);
    if (o)
        pr_api_defaults(o);
    return o;
}

void priori_options_free(priori_options *o)
{
    if (!o)
        return;
    pr_bindings_free(&o->bind);
    for (int k = 0; k < PR_SWEEP_MAX_AXES; k++)
        pr_sweep_axis_free(&o->axes[k]);
    for (int i = 0; i < o->ntexts; i++)
        free(o->texts[i]);
    free(o->texts);
    free(o);
}

/* Whether row r of options.def is an option of a run (what
 * priori_options_set takes): a binding, a range, the --hw family, --top, a
 * count or a name of llm, --strict, --every-step; of analyze, sweep or llm
 * (the reviews take a subset of these). Formats, -o, -q and the review
 * commands' files are arguments of the functions instead. */
static bool run_option(int i)
{
    const struct pr_opt_row *r = &pr_opt_table[i];
    if (!(r->cmds & (C_ANALYZE | C_SWEEP | C_LLM)))
        return false;
    switch (r->kind) {
    case K_BIND: case K_RANGE: case K_ENERGY: case K_TOP: case K_COUNT: case K_NAME:
        return true;
    default:
        return i == OPT_STRICT || i == OPT_EVERY_STEP;
    }
}

/* The first row of options.def named opt that is an option of a run; NULL
 * with e set when there is none (an unknown name, or another command's
 * option). */
static int run_row(const char *opt, priori_error *e)
{
    bool elsewhere = false;
    for (int i = 0; i < OPT_COUNT; i++) {
        if (strcmp(pr_opt_table[i].name, opt) != 0)
            continue;
        if (run_option(i))
            return i;
        elsewhere = true;
    }
    if (elsewhere)
        pr_api_set(e, PRIORI_E_ARG, "%s: not an option of an analysis (the output format is priori_render's "
                   "argument; budgets and baselines are priori_check's)", opt);
    else
        pr_api_set(e, PRIORI_E_ARG, "unknown option %s", opt);
    return -1;
}

/* "priori_analyze, priori_sweep" ...: the functions of commands cmds. */
static const char *functions(unsigned cmds, char *buf, size_t size)
{
    static const struct { unsigned cmd; const char *fn; } fns[] = {
        {C_ANALYZE, "priori_analyze"}, {C_SWEEP, "priori_sweep"}, {C_LLM, "priori_llm"},
        {C_COMPARE, "priori_compare"}, {C_DIFF, "priori_diff"}, {C_CHECK, "priori_check"},
    };
    size_t used = 0;
    buf[0] = 0;
    for (size_t k = 0; k < sizeof fns / sizeof fns[0] && used < size; k++)
        if (cmds & fns[k].cmd)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", fns[k].fn);
    return buf;
}

priori_status pr_api_only(const struct priori_options *o, unsigned cmds, const char *fn, priori_error *e)
{
    if (o->nranges && !(cmds & C_SWEEP))
        return pr_api_set(e, PRIORI_E_ARG, "%s: --dim %s: expected SYMBOL=N with N a non-negative integer (a range "
                          "of values is for priori_sweep)", fn, o->range_text[0]);
    for (int i = 0; i < OPT_COUNT; i++) {
        if (!o->given[i])
            continue;
        unsigned where = 0;   /* the commands taking an option of this name */
        for (int j = 0; j < OPT_COUNT; j++)
            if (run_option(j) && strcmp(pr_opt_table[j].name, pr_opt_table[i].name) == 0)
                where |= pr_opt_table[j].cmds;
        if (where & cmds)
            continue;
        char buf[200];
        return pr_api_set(e, PRIORI_E_ARG, "%s: the option %s is not one of its options (it is an option of %s)",
                          fn, pr_opt_table[i].name + 2, functions(where, buf, sizeof buf));
    }
    return PRIORI_OK;
}

/* Room for n more texts in o. PRIORI_OK or nomem. */
static priori_status reserve(priori_options *o, int n, priori_error *err)
{
    if (o->ntexts + n <= o->captexts)
        return PRIORI_OK;
    int cap = o->captexts ? 2 * o->captexts : 8;
    char **t = realloc(o->texts, (size_t)cap * sizeof *t);
    if (!t)
        return pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
    o->texts = t;
    o->captexts = cap;
    return PRIORI_OK;
}

/* "dim" with a range or a list: parsed as `priori sweep` parses it (the
 * first two kept, any more counted for priori_sweep's refusal). */
static priori_status set_range(priori_options *o, const char *value, priori_error *err)
{
    if (reserve(o, 2, err) != PRIORI_OK)
        return PRIORI_E_NOMEM;
    char *orig = strdup(value), *work = strdup(value);
    struct pr_sweep_axis ax;
    struct pr_err e = {0};
    priori_status s = PRIORI_OK;
    if (!orig || !work)
        s = pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
    else if (pr_sweep_axis_parse(work, &ax, &e) < 0)
        s = pr_api_fail(err, &e, PRIORI_OK);
    else if (o->nranges >= PR_SWEEP_MAX_AXES)   /* only counted */
        pr_sweep_axis_free(&ax);
    else {
        o->texts[o->ntexts++] = orig;
        o->texts[o->ntexts++] = work;   /* ax.symbol points into it */
        o->range_text[o->nranges] = orig;
        o->axes[o->nranges++] = ax;
        return PRIORI_OK;
    }
    free(orig);
    free(work);
    if (s == PRIORI_OK)
        o->nranges++;
    return s;
}

/* Where the text of a NAME row goes (priori_llm's --kv-inputs ...). */
static const char **name_slot(priori_options *o, int row)
{
    switch (row) {
    case OPT_KV_INPUTS: return &o->kv.kv_inputs;
    case OPT_KV_OUTPUTS: return &o->kv.kv_outputs;
    case OPT_PAST_DIM: return &o->kv.past_dim;
    case OPT_SEQ_DIM: return &o->kv.seq_dim;
    case OPT_TOTAL_DIM: return &o->kv.total_dims;
    default: return NULL;
    }
}

/* Where the number of a COUNT row goes (--prompt, --generate, --points). */
static long long *count_slot(priori_options *o, int row)
{
    switch (row) {
    case OPT_PROMPT: return &o->prompt;
    case OPT_GENERATE: return &o->generate;
    case OPT_POINTS: return &o->points;
    case OPT_KV_BUFFER: return &o->kv.buffer_rows;
    default: return NULL;
    }
}

priori_status priori_options_set(priori_options *o, const char *name, const char *value, priori_error *err)
{
    if (!o || !name)
        return pr_api_set(err, PRIORI_E_ARG, "priori_options_set: options and name must not be NULL");
    char opt[64];
    if (strlen(name) > sizeof opt - 3 || strncmp(name, "-", 1) == 0)
        return pr_api_set(err, PRIORI_E_ARG, "unknown option %s (give the flag's name without dashes)", name);
    snprintf(opt, sizeof opt, "--%s", name);
    int row = run_row(opt, err);
    if (row < 0)
        return err ? err->status : PRIORI_E_ARG;
    const struct pr_opt_row *r = &pr_opt_table[row];
    if (!r->value) {   /* a flag: --strict, --train, --every-step */
        if (value && *value)
            return pr_api_set(err, PRIORI_E_ARG, "option %s takes no value, got '%s'", opt, value);
        if (row == OPT_STRICT)
            o->strict = true;
        else if (row == OPT_EVERY_STEP)
            o->every_step = true;
        else
            o->energy.train = true;
        o->given[row] = true;
        pr_api_ok(err);
        return PRIORI_OK;
    }
    if (!value)
        return pr_api_set(err, PRIORI_E_ARG, "option %s needs a value", opt);
    if ((r->kind == K_BIND || r->kind == K_RANGE) && strcmp(opt, "--dim") == 0 && pr_sweep_is_range(value)) {
        priori_status s = set_range(o, value, err);
        if (s == PRIORI_OK) {
            o->given[OPT_SWEEP_DIM] = true;
            pr_api_ok(err);
        }
        return s;
    }
    struct pr_err e = {0};
    long long *count = count_slot(o, row), number;
    if (count) {   /* a number: nothing to keep */
        if (pr_count_read(opt, value, &number, &e) < 0)
            return pr_api_fail(err, &e, PRIORI_OK);
        *count = number;
        o->given[row] = true;
        pr_api_ok(err);
        return PRIORI_OK;
    }
    if (reserve(o, 1, err) != PRIORI_OK)
        return PRIORI_E_NOMEM;
    char *text = strdup(value);
    if (!text)
        return pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
    int rc;
    const char **slot = name_slot(o, row);
    if (r->kind == K_BIND || r->kind == K_RANGE)
        rc = pr_bindings_read(&o->bind, r->name, text, &e);
    else if (r->kind == K_TOP)
        rc = pr_top_read(opt, text, &o->top, &e);
    else if (slot)
        rc = pr_name_read(opt, text, &e);
    else
        rc = pr_energy_read(&o->energy, opt, text, &e);
    if (rc < 0) {
        free(text);
        return pr_api_fail(err, &e, PRIORI_OK);
    }
    o->texts[o->ntexts++] = text;   /* room reserved: the bindings may point into it */
    if (slot)
        *slot = text;
    o->given[row] = true;
    pr_api_ok(err);
    return PRIORI_OK;
}
