/* cli.h -- what every command of the command line shares.
 *
 * Each command lives in cli/cmd_<name>.c as `int pr_cmd_<name>(argc, argv)`
 * (argv without the program and command names) returning a status
 * (main maps it to the exit code, pr_exit_code), with its
 * usage text beside it; cli/main.c only
 * dispatches through the table of commands below. Helpers here print the
 * messages of the option readers (src/optval.h, shared with the C API), load a
 * model with its loader warnings, and write output atomically: to a
 * temporary file in the destination's folder, renamed into place only when
 * complete, so a failed run never leaves a partial file.
 */
#ifndef PR_CLI_H
#define PR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "energy_cli.h"
#include "gate.h"
#include "err.h"
#include "model.h"

struct pr_cmd_spec;
struct pr_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const struct pr_cmd_spec *spec;   /* options and help (options.h) */
    const char *summary;              /* one line for `priori --help` */
};
extern const struct pr_command pr_commands[];   /* main.c; ends with {0} */

/* "priori: <message>\nTry 'priori help <cmd>'." on stderr; returns PR_E_ARG. */
int pr_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Index in names[0..n) of val, the value of option opt (e.g. --format),
 * into *out; or PR_E_ARG after "OPT VAL: expected a, b or c". */
int pr_cli_choice(const char *cmd, const char *opt, const char *val, const char *const *names, int n, int *out);

/* If opt is --input, --dim or --value, parses val into s (optval.h) and
 * returns 1; returns 0 for any other option; PR_E_ARG (message
 * printed) on a bad value. */
int pr_cli_shapes_option(struct pr_bindings *s, const char *cmd, const char *opt, char *val);

/* Loads path; on error prints "priori: PATH: message" and returns the exit
 * code. Loader warnings go to diag (initialised by the call). */
int pr_cli_load(const char *path, struct pr_model *m, struct pr_diag *diag);

/* Loads and analyses path for a review command (compare, diff, check) with
 * the --input/--dim/--value bindings of shapes and the top-N list; prints
 * "priori: PATH: why" on error and, unless quiet, the warnings. Exit code;
 * pr_subject_close frees s either way. */
int pr_subject_open(struct pr_subject *s, const char *path, const struct pr_bindings *shapes,
                    int top, bool quiet);
/* Estimates s on h's profile (nothing without --hw). Exit code (message
 * printed). */
int pr_subject_estimate(struct pr_subject *s, const struct pr_hw *h);

/* Before anything is read: PR_E_ARG (message printed) when -o out is
 * the same file (device and inode) as one of the n inputs (NULL ones
 * skipped) or, with db_dir, one of the database's three files; else 0. */
int pr_cli_output_guard(const char *out, const char *const *inputs, int n, const char *db_dir);

/* The exit code of the priori command for a status (docs/usage.md): 0 ok,
 * 1 gate breached, 2 usage error, 3 invalid model, 4 I/O error, 5
 * internal error (also for a status it does not know). */
int pr_exit_code(int status);

/* Writes through render(ctx, f) to path, or to stdout when path is NULL;
 * atomically as described above. render returns 0 or -1. Exit code. */
int pr_cli_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx);

/* Writes the JSON document root, built with b (json.h), as pr_cli_write
 * does, and deletes it; a failed build is "out of memory" (exit 5). */
struct pr_jb;
struct cJSON;
int pr_cli_write_json(const char *path, struct pr_jb *b, struct cJSON *root);

#endif
