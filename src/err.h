/* err.h -- caller-owned error and warning records.
 *
 * Every fallible function returns 0 / -1 and, on -1, has written one message
 * into a struct pr_err that the caller owns (no global state). Messages go
 * from the outside in: "net.onnx: node 17 'conv1' (Conv): weight has rank 3
 * but input has rank 4". The CLI prefixes "priori: ". The status of the
 * failure (what kind it is) travels with the message; the CLI maps a status
 * to its exit code (cli/cli.c pr_exit_code).
 *
 * Warnings do not stop analysis; they are collected in a struct pr_diag and
 * printed by the report, deduplicated by text.
 */
#ifndef PR_ERR_H
#define PR_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* What kind of failure a function met (the exit codes of the priori
 * command are cli/'s: pr_exit_code, docs/usage.md). */
enum pr_status {
    PR_OK = 0,
    PR_E_GATE = 1,     /* a budget or baseline was breached (gate commands) */
    PR_E_ARG = 2,      /* a bad argument, option value or configuration file */
    PR_E_MODEL = 3,    /* the model is invalid or cannot be analysed */
    PR_E_IO = 4,       /* a file could not be read or written */
    PR_E_INTERNAL = 5  /* out of memory or a bug */
};

enum { PR_ERR_MSG = 1024 };

struct pr_err {
    enum pr_status code;
    char msg[PR_ERR_MSG];
};

/* Set err (if not NULL) to code and the formatted message; returns -1. */
int pr_err_set(struct pr_err *err, enum pr_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pr_err_vset(struct pr_err *err, enum pr_status code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Prepend "prefix: " to an existing message (adds outer context). */
void pr_err_prefix(struct pr_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct pr_diag {
    char **msgs;
    size_t count, cap;
    size_t dropped;       /* warnings past PR_DIAG_MAX, counted not kept */
    size_t *index;        /* hash set of msgs: slot = message index + 1, 0 empty */
    size_t index_cap;     /* a power of two, at least twice count */
};

enum { PR_DIAG_MAX = 1000 };

void pr_diag_init(struct pr_diag *d);
/* Append a warning (duplicates are dropped). Out of memory drops silently. */
void pr_diag_add(struct pr_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pr_diag_vadd(struct pr_diag *d, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void pr_diag_free(struct pr_diag *d);

#endif
