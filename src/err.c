/* err.c -- error messages and warning lists (see err.h).
 *
 * Warnings are deduplicated with a linear scan; their count is capped at
 * PR_DIAG_MAX so a hostile model cannot make the list grow without bound.
 */
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pr_err_vset(struct pr_err *err, enum pr_exit code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return -1;
}

int pr_err_set(struct pr_err *err, enum pr_exit code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pr_err_vset(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

void pr_err_prefix(struct pr_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char joined[2 * PR_ERR_MSG + 2];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(joined, PR_ERR_MSG, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(joined);
    memcpy(joined + len, ": ", 2);
    memcpy(joined + len + 2, err->msg, strnlen(err->msg, PR_ERR_MSG - 1) + 1);
    memcpy(err->msg, joined, PR_ERR_MSG - 1);
    err->msg[PR_ERR_MSG - 1] = 0;
}

void pr_diag_init(struct pr_diag *d)
{
    memset(d, 0, sizeof *d);
}

void pr_diag_vadd(struct pr_diag *d, const char *fmt, va_list ap)
{
    char buf[PR_ERR_MSG];
    vsnprintf(buf, sizeof buf, fmt, ap);
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->msgs[i], buf) == 0)
            return;
    if (d->count >= PR_DIAG_MAX) {
        d->dropped++;
        return;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        char **m = realloc(d->msgs, cap * sizeof *m);
        if (!m)
            return;
        d->msgs = m;
        d->cap = cap;
    }
    char *s = malloc(strlen(buf) + 1);
    if (!s)
        return;
    strcpy(s, buf);
    d->msgs[d->count++] = s;
}

void pr_diag_add(struct pr_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pr_diag_vadd(d, fmt, ap);
    va_end(ap);
}

void pr_diag_free(struct pr_diag *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->msgs[i]);
    free(d->msgs);
    memset(d, 0, sizeof *d);
}
