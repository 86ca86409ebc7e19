/* json.h -- the one JSON layer of priori over libcjson: files in, trees
 * out.
 *
 * Reading: pr_json_load() reads a file (a regular file only, at most max
 * bytes, no NUL byte) and parses exactly one JSON value from it; errors
 * name the file and the line. Writing: a builder (struct pr_jb) that
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
char *pr_json_read(const char *path, size_t max, enum pr_exit code, struct pr_err *err);
/* Parses text as exactly one JSON value; NULL with err "NAME: line L:
 * malformed JSON; expected a JSON object" (code). */
cJSON *pr_json_parse(const char *text, const char *name, enum pr_exit code, struct pr_err *err);
/* pr_json_read, then pr_json_parse. */
cJSON *pr_json_load(const char *path, size_t max, enum pr_exit code, struct pr_err *err);

/* "a string", "a number", "an object", ... for "expected X, got Y" messages. */
const char *pr_json_type(const cJSON *v);
/* Appends the step key to the JSON path base into dst: "$.totals" and
 * "$.layers[\"conv 1\"]" (keys that are not identifiers are quoted, and
 * cleaned for printing). */
void pr_json_path_step(char *dst, size_t size, const char *base, const char *key);

struct pr_jb {
    bool failed;    /* an item could not be made; the tree is incomplete */
};

/* item, remembering a NULL one as a failure. */
cJSON *pr_jb_check(struct pr_jb *b, cJSON *item);
/* Adds item to obj under key (to the end of an array when obj is one); a
 * NULL item is a failure. */
void pr_jb_add(struct pr_jb *b, cJSON *obj, const char *key, cJSON *item);
cJSON *pr_jb_u64(struct pr_jb *b, uint64_t v);     /* exact integer text */
cJSON *pr_jb_num(struct pr_jb *b, double v);       /* null when not finite */
cJSON *pr_jb_str(struct pr_jb *b, const char *s);  /* cleaned (pr_text_clean); NULL s: null */
/* A new object {"schema": schema, "version": 1}. */
cJSON *pr_jb_header(struct pr_jb *b, const char *schema);
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
