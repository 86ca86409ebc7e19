/* api.c -- the C API's version, statuses, errors, memory and options (see
 * include/priori.h; models and analyses are in api_model.c, the review
 * commands in api_review.c, the listings in api_list.c).
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
 */
#include "api_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "optable.h"

#ifndef PRIORI_VERSION
#define PRIORI_VERSION "0.2.0"
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
    for (int i = 0; i < o->ntexts; i++)
        free(o->texts[i]);
    free(o->texts);
    free(o);
}

/* The row of options.def named opt that `priori analyze` takes; NULL with
 * e set when there is none (an unknown name, or another command's option). */
static const struct pr_opt_row *analyze_row(const char *opt, priori_error *e)
{
    bool elsewhere = false;
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct pr_opt_row *r = &pr_opt_table[i];
        if (strcmp(r->name, opt) != 0)
            continue;
        bool analysis = r->kind == K_BIND || r->kind == K_ENERGY || r->kind == K_TOP || i == OPT_STRICT;
        if ((r->cmds & C_ANALYZE) && analysis)
            return r;
        elsewhere = true;
    }
    if (elsewhere)
        pr_api_set(e, PRIORI_E_ARG, "%s: not an option of an analysis (the output format is priori_render's "
                   "argument; budgets and baselines are priori_check's)", opt);
    else
        pr_api_set(e, PRIORI_E_ARG, "unknown option %s", opt);
    return NULL;
}

priori_status priori_options_set(priori_options *o, const char *name, const char *value, priori_error *err)
{
    if (!o || !name)
        return pr_api_set(err, PRIORI_E_ARG, "priori_options_set: options and name must not be NULL");
    char opt[64];
    if (strlen(name) > sizeof opt - 3 || strncmp(name, "-", 1) == 0)
        return pr_api_set(err, PRIORI_E_ARG, "unknown option %s (give the flag's name without dashes)", name);
    snprintf(opt, sizeof opt, "--%s", name);
    const struct pr_opt_row *r = analyze_row(opt, err);
    if (!r)
        return err ? err->status : PRIORI_E_ARG;
    if (!r->value) {   /* a flag: --strict, --train */
        if (value && *value)
            return pr_api_set(err, PRIORI_E_ARG, "option %s takes no value, got '%s'", opt, value);
        if (r == &pr_opt_table[OPT_STRICT])
            o->strict = true;
        else
            o->energy.train = true;
        pr_api_ok(err);
        return PRIORI_OK;
    }
    if (!value)
        return pr_api_set(err, PRIORI_E_ARG, "option %s needs a value", opt);
    if (o->ntexts == o->captexts) {
        int cap = o->captexts ? 2 * o->captexts : 8;
        char **t = realloc(o->texts, (size_t)cap * sizeof *t);
        if (!t)
            return pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        o->texts = t;
        o->captexts = cap;
    }
    char *text = strdup(value);
    if (!text)
        return pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
    struct pr_err e = {0};
    int rc;
    if (r->kind == K_BIND)
        rc = pr_bindings_read(&o->bind, opt, text, &e);
    else if (r->kind == K_TOP)
        rc = pr_top_read(opt, text, &o->top, &e);
    else
        rc = pr_energy_read(&o->energy, opt, text, &e);
    if (rc < 0) {
        free(text);
        return pr_api_fail(err, &e, PRIORI_OK);
    }
    o->texts[o->ntexts++] = text;
    pr_api_ok(err);
    return PRIORI_OK;
}
