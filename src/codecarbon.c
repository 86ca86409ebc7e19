/* codecarbon.c -- CodeCarbon's emissions.csv: the energy_consumed (kWh)
 * and duration (s) of its last data row (db.h pr_codecarbon_read).
 *
 * A real RFC 4180 reader, not a line splitter: a record ends at a line
 * break (CRLF or LF) outside quotes; a field is either unquoted (no quote
 * inside) or quoted, where commas, line breaks and doubled quotes ("") are
 * data; a UTF-8 byte order mark before the header is skipped. Bounded:
 * the file at 64 MiB, a field at 64 KiB, a record at 1 MiB and 1,024
 * fields, every row with the header's number of fields; anything else is
 * an error naming the line. Blank lines are skipped. The values used are
 * checked: finite numbers, energy_consumed in (0, 1e9] kWh, duration in
 * [1e-6, 1e9] s.
 */
#include "db.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfile.h"

enum { MAX_CSV = 64 << 20, MAX_FIELD = 64 << 10, MAX_RECORD = 1 << 20, MAX_FIELDS = 1024 };

struct csv {
    const char *p, *end, *file;
    int line;                    /* of the current position, from 1 */
    char *buf;                   /* the current record's fields, NUL-separated; grown to MAX_RECORD */
    size_t used, cap;
    size_t field[MAX_FIELDS];    /* offsets into buf */
    int nfields;
    struct pr_err *err;
};

static int csv_bad(struct csv *c, int line, const char *what)
{
    return pr_err_set(c->err, PR_E_ARG, "%s: line %d: %s; expected a CodeCarbon emissions.csv (RFC 4180 CSV)",
                      c->file, line, what);
}

static int put(struct csv *c, char ch, size_t field_start, int line)
{
    if (c->used - field_start >= MAX_FIELD)
        return csv_bad(c, line, "a field longer than 64 KiB");
    if (c->used >= MAX_RECORD)
        return csv_bad(c, line, "a record longer than 1 MiB");
    if (c->used == c->cap) {
        char *nb = realloc(c->buf, 2 * c->cap);
        if (!nb)
            return pr_err_set(c->err, PR_E_INTERNAL, "out of memory");
        c->buf = nb;
        c->cap *= 2;
    }
    c->buf[c->used++] = ch;
    return 0;
}

/* Reads the next record into c->buf / c->field. 1: a record, 0: end of
 * input, -1: error. */
static int next_record(struct csv *c)
{
    c->used = 0;
    c->nfields = 0;
    if (c->p >= c->end)
        return 0;
    int start_line = c->line;
    for (;;) {
        if (c->nfields == MAX_FIELDS)
            return csv_bad(c, start_line, "more than 1024 fields in a record");
        size_t fs = c->used;
        c->field[c->nfields++] = fs;
        if (c->p < c->end && *c->p == '"') {          /* quoted */
            int qline = c->line;
            c->p++;
            for (;;) {
                if (c->p >= c->end)
                    return csv_bad(c, qline, "a quoted field is not closed");
                char ch = *c->p++;
                if (ch == '"') {
                    if (c->p < c->end && *c->p == '"')
                        c->p++;
                    else
                        break;
                }
                c->line += ch == '\n';
                if (put(c, ch, fs, c->line) < 0)
                    return -1;
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'))
                return csv_bad(c, c->line, "text after the closing quote of a field");
        } else {                                       /* unquoted */
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
                   !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
                if (*c->p == '"')
                    return csv_bad(c, c->line, "a quote inside an unquoted field");
                if (put(c, *c->p++, fs, c->line) < 0)
                    return -1;
            }
        }
        if (put(c, 0, fs, c->line) < 0)
            return -1;
        if (c->p >= c->end)
            return 1;
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        c->p += *c->p == '\r' ? 2 : 1;                 /* CRLF or LF */
        c->line++;
        return 1;
    }
}

static const char *field(const struct csv *c, int i)
{
    return c->buf + c->field[i];
}

static bool blank(const struct csv *c)
{
    return c->nfields == 1 && !*field(c, 0);
}

int pr_codecarbon_parse(const char *text, size_t len, const char *path, double *kwh, double *duration_s,
                        struct pr_err *err)
{
    struct csv c = {.p = text, .end = text + len, .file = path, .line = 1, .err = err};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c.p += 3;
    c.cap = 4096;
    c.buf = malloc(c.cap);
    if (!c.buf)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    int rc = -1, ie = -1, id = -1, nh = 0, r;
    char last[2][64];
    int last_line = 0;
    if ((r = next_record(&c)) <= 0) {
        if (r == 0)
            pr_err_set(err, PR_E_ARG, "%s: empty; expected a CodeCarbon emissions.csv", path);
        goto out;
    }
    nh = c.nfields;
    for (int i = 0; i < nh; i++) {
        int *col = strcmp(field(&c, i), "energy_consumed") == 0 ? &ie : strcmp(field(&c, i), "duration") == 0 ? &id
                                                                                                               : NULL;
        if (col && *col >= 0) {
            csv_bad(&c, 1, "a column named twice in the header");
            goto out;
        }
        if (col)
            *col = i;
    }
    if (ie < 0 || id < 0) {
        pr_err_set(err, PR_E_ARG, "%s: no %s column; expected a CodeCarbon emissions.csv", path,
                   ie < 0 ? "energy_consumed" : "duration");
        goto out;
    }
    for (;;) {
        int line = c.line;
        if ((r = next_record(&c)) < 0)
            goto out;
        if (r == 0)
            break;
        if (blank(&c))
            continue;
        if (c.nfields != nh) {
            char what[96];
            snprintf(what, sizeof what, "%d fields, but the header has %d", c.nfields, nh);
            csv_bad(&c, line, what);
            goto out;
        }
        snprintf(last[0], sizeof last[0], "%s", field(&c, ie));
        snprintf(last[1], sizeof last[1], "%s", field(&c, id));
        if (strlen(field(&c, ie)) >= sizeof last[0] || strlen(field(&c, id)) >= sizeof last[1])
            last[0][0] = 0;   /* a number of 64 characters or more: refused below */
        last_line = line;
    }
    if (!last_line) {
        pr_err_set(err, PR_E_ARG, "%s: no data row after the header", path);
        goto out;
    }
    static const char *const names[2] = {"energy_consumed", "duration"};
    static const double lo[2] = {0, 1e-6}, hi[2] = {1e9, 1e9};
    double v[2];
    for (int k = 0; k < 2; k++) {
        char *end;
        errno = 0;
        v[k] = strtod(last[k], &end);
        if (!*last[k] || errno || *end || !isfinite(v[k]) || v[k] < lo[k] || v[k] > hi[k] || (k == 0 && v[k] == 0)) {
            pr_err_set(err, PR_E_ARG, "%s: line %d (the last row): %s is not a number in %s%g, %g] %s", path,
                       last_line, names[k], k == 0 ? "(" : "[", lo[k], hi[k], k == 0 ? "kWh" : "s");
            goto out;
        }
    }
    *kwh = v[0];
    *duration_s = v[1];
    rc = 0;
out:
    free(c.buf);
    return rc;
}

int pr_codecarbon_read(const char *path, double *kwh, double *duration_s, struct pr_err *err)
{
    size_t len;
    char *text = pr_rfile_read(path, MAX_CSV, &len, PR_E_ARG, err);
    if (!text)
        return -1;
    int rc = pr_codecarbon_parse(text, len, path, kwh, duration_s, err);
    free(text);
    return rc;
}
