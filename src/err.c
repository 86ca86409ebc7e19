/* err.c -- error messages and warning lists (see err.h).
 *
 * Warnings are deduplicated through a hash set of the kept messages (open
 * addressing, FNV-1a, at most half full), so adding one costs O(1) however
 * many there are; their count is capped at PR_DIAG_MAX so a hostile model
 * cannot make the list grow without bound. A warning past the cap is
 * counted in `dropped` unless it repeats a kept one.
 */
#include "err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pr_err_vset(struct pr_err *err, enum pr_status code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return -1;
}

int pr_err_set(struct pr_err *err, enum pr_status code, const char *fmt, ...)
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

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Slot of msg in the index: the one holding it, or the empty one where it goes. */
static size_t index_slot(const struct pr_diag *d, const char *msg)
{
    size_t mask = d->index_cap - 1, i = (size_t)fnv1a(msg) & mask;
    while (d->index[i] && strcmp(d->msgs[d->index[i] - 1], msg) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Keeps the index at most half full; -1 on OOM. */
static int index_grow(struct pr_diag *d)
{
    if ((d->count + 1) * 2 <= d->index_cap)
        return 0;
    size_t cap = d->index_cap ? d->index_cap * 2 : 64;
    size_t *old = d->index, old_cap = d->index_cap;
    d->index = calloc(cap, sizeof *d->index);
    if (!d->index) {
        d->index = old;
        return -1;
    }
    d->index_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            d->index[index_slot(d, d->msgs[old[i] - 1])] = old[i];
    free(old);
    return 0;
}

void pr_diag_vadd(struct pr_diag *d, const char *fmt, va_list ap)
{
    char buf[PR_ERR_MSG];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (d->index_cap && d->index[index_slot(d, buf)])
        return;
    if (d->count >= PR_DIAG_MAX) {
        d->dropped++;
        return;
    }
    if (index_grow(d) < 0)
        return;
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
    d->index[index_slot(d, s)] = d->count;
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
    free(d->index);
    memset(d, 0, sizeof *d);
}
