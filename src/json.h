/* json.h -- the one JSON layer of priori over libcjson: files in, trees
 * out.
 *
 * Reading: pr_json_load() reads a file (a regular file only, at most max
 * bytes, no NUL byte) and parses exactly one JSON value from it; errors
 * name the file and the line. A reader (struct pr_jr) walks the tree with
 * the JSON path of the current field, so every refused field is said the
 * same way: "FILE: PATH: expected WHAT[, got TYPE][; HINT]". Writing: a builder (struct pr_jb) that
 * remembers an allocation failure, so a report is built without checking
 * every call and is refused as a whole when any part could not be made;
 * pr_jb_header() starts a versioned document ({"schema": S, "version": 1})
 * and pr_jb_print() prints it once.
 *
 * Ownership: pr_json_load returns a tree the caller deletes (cJSON_Delete);
 * builder items belong to the tree they are added to; pr_jb_print and
 * pr_json_print delete the tree they print.
 */
#ifndef PR_JSON_H
#define PR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "err.h"

/* The text of path (a regular file, at most max bytes, no NUL byte),
 * malloc'ed; NULL with err ("PATH: why"; code for a bad file). */
char *pr_json_read(const char *path, size_t max, enum pr_status code, struct pr_err *err);
/* Parses text as exactly one JSON value; NULL with err "NAME: line L:
 * malformed JSON; expected a JSON object" (code), or "NAME: out of memory
 * ..." (PR_E_INTERNAL). */
cJSON *pr_json_parse(const char *text, const char *name, enum pr_status code, struct pr_err *err);
/* Parses text as exactly one JSON value (nesting at most cJSON's limit);
 * NULL with *at the byte offset where it stops being JSON, or with *oom
 * true when the text is JSON cJSON takes and memory ran out. */
cJSON *pr_json_parse_at(const char *text, size_t *at, bool *oom);
/* -1 with err "NAME: out of memory parsing it (N bytes of JSON)"
 * (PR_E_INTERNAL): what a parse that ran out of memory says. */
int pr_json_no_memory(struct pr_err *err, const char *name, const char *text);
/* pr_json_read, then pr_json_parse. */
cJSON *pr_json_load(const char *path, size_t max, enum pr_status code, struct pr_err *err);

/* "a string", "a number", "an object", ... for "expected X, got Y" messages. */
const char *pr_json_type(const cJSON *v);
/* Appends the step key to the JSON path base into dst: "$.totals" and
 * "$.layers[\"conv 1\"]" (keys that are not identifiers are quoted, and
 * cleaned for printing). */
void pr_json_path_step(char *dst, size_t size, const char *base, const char *key);

/* Where a walk over a parsed tree is, for its messages. path is the JSON
 * path so far: the caller starts it ("$" for "$.totals.macs", or empty
 * for "profiles[3].spec" in the database's messages). */
enum { PR_JR_PATH = 400, PR_JSON_STR_MAX = 4096 };
struct pr_jr {
    const char *file;       /* named first in messages */
    char path[PR_JR_PATH];
    const char *hint;       /* appended as "; HINT" (what to do), or NULL */
    enum pr_status code;      /* of a refused field */
    struct pr_err *err;
};

/* Appends ".key" (the key alone on an empty path; a key that is not an
 * identifier as ["key"]) or, with key NULL, "[index]" to r->path; returns
 * the old length, for pr_jr_pop. */
size_t pr_jr_push(struct pr_jr *r, const char *key, int index);
void pr_jr_pop(struct pr_jr *r, size_t len);
/* Sets r->err to "FILE: PATH[.key]: expected WHAT[, got TYPE of got][;
 * HINT]" with r->code; returns -1. */
int pr_jr_bad(struct pr_jr *r, const char *key, const cJSON *got, const char *expected);
/* Field key of object o. Missing or null: an error when required, else the
 * default ("" for a string, 0 for a number). A string is malloc'ed (at
 * most PR_JSON_STR_MAX bytes); a number must be finite and in [lo, hi]; an
 * integer also whole. 0, or -1 with r->err (out of memory: PR_E_INTERNAL). */
int pr_jr_str(struct pr_jr *r, const cJSON *o, const char *key, bool required, char **out);
int pr_jr_num(struct pr_jr *r, const cJSON *o, const char *key, bool required, double lo, double hi, double *out);
int pr_jr_int(struct pr_jr *r, const cJSON *o, const char *key, bool required, int lo, int hi, int *out);
/* Field key of o, an array of at most max items (*n of them); NULL with
 * r->err when it is not. */
const cJSON *pr_jr_array(struct pr_jr *r, const cJSON *o, const char *key, int max, int *n);
/* The string or number at key of o when it is one, else "" or 0: for
 * input files whose rows are checked by their meaning afterwards. */
const char *pr_json_str_at(const cJSON *o, const char *key);
double pr_json_num_at(const cJSON *o, const char *key);

struct pr_jb {
    bool failed;    /* an item could not be made; the tree is incomplete */
    bool static_keys;   /* every key given to pr_jb_add is a string literal, kept
                           by reference instead of copied (items made millions of
                           times: the JSON report's layers) */
};

/* item, remembering a NULL one as a failure. */
cJSON *pr_jb_check(struct pr_jb *b, cJSON *item);
/* Adds item to obj under key (to the end of an array when obj is one); a
 * NULL item is a failure. */
void pr_jb_add(struct pr_jb *b, cJSON *obj, const char *key, cJSON *item);
cJSON *pr_jb_u64(struct pr_jb *b, uint64_t v);     /* exact integer text */
cJSON *pr_jb_i64(struct pr_jb *b, int64_t v);      /* the same, signed */
cJSON *pr_jb_num(struct pr_jb *b, double v);       /* null when not finite */
cJSON *pr_jb_str(struct pr_jb *b, const char *s);  /* cleaned (pr_text_clean); NULL s: null */
cJSON *pr_jb_text(struct pr_jb *b, const char *s); /* exactly s, for data read back (the database) */
/* A new object {"schema": schema, "version": 1}. */
cJSON *pr_jb_header(struct pr_jb *b, const char *schema);
/* A new object or array added to obj under key (NULL on failure). */
cJSON *pr_jb_object(struct pr_jb *b, cJSON *obj, const char *key);
cJSON *pr_jb_array(struct pr_jb *b, cJSON *obj, const char *key);
/* root as text, pretty or on one line (malloc'ed by cJSON: cJSON_free or,
 * with the default hooks, free it); deletes root. NULL after a failure. */
char *pr_jb_text_of(struct pr_jb *b, cJSON *root, bool pretty);
/* Prints root as pr_json_print, or, after a failure, deletes it and
 * returns -1. */
int pr_jb_print(struct pr_jb *b, cJSON *root, FILE *f);

/* The items of a streamed array (pr_json_print_stream): item i, made for
 * printing and deleted after it; NULL when it could not be made. */
typedef cJSON *(*pr_json_item_fn)(void *ctx, int i);
/* Prints root as pr_json_print does, byte for byte, except that the value
 * of its member `key` (an empty array the caller put where it belongs) is
 * printed as the n items item(ctx, 0 .. n-1), each made, printed and
 * deleted in turn: a report of a million layers never holds them all, as
 * a tree or as text. Deletes root. 0, or -1 when root is NULL, an item
 * could not be made or a write failed (what was written stays written). */
int pr_json_print_stream(cJSON *root, FILE *f, const char *key, pr_json_item_fn item, void *ctx, int n);

/* Prints root (pretty, one trailing newline) to f and deletes it; root NULL
 * (a failed build) is an error. 0 or -1. Every JSON writer ends with it. */
int pr_json_print(cJSON *root, FILE *f);
/* The same without deleting root. */
int pr_json_write(const cJSON *root, FILE *f);

#endif
