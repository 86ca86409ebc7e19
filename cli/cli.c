/* cli.c -- messages of the option values, model loading and atomic output shared by the
 * commands (see cli.h). */
#include "cli.h"

#include "atomic.h"
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pr_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "priori: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\nTry 'priori help %s'.\n", cmd);
    else
        fprintf(stderr, "\nTry 'priori --help'.\n");
    return PR_E_ARG;
}

int pr_cli_choice(const char *cmd, const char *opt, const char *val, const char *const *names, int n, int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(val, names[k]) == 0) {
            *out = k;
            return 0;
        }
    char list[256] = "";
    size_t used = 0;
    for (int k = 0; k < n && used < sizeof list; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k == 0 ? "" : k == n - 1 ? " or " : ", ",
                                 names[k]);
    return pr_cli_usage_error(cmd, "%s %s: expected %s", opt, val, list);
}

int pr_cli_shapes_option(struct pr_bindings *s, const char *cmd, const char *opt, char *val)
{
    struct pr_err err = {0};
    int rc = pr_bindings_read(s, opt, val, &err);
    if (rc >= 0)
        return rc;
    if (err.code != PR_E_ARG) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    return pr_cli_usage_error(cmd, "%s", err.msg);
}

int pr_cli_load(const char *path, struct pr_model *m, struct pr_diag *diag)
{
    struct pr_err err = {0};
    pr_diag_init(diag);
    if (pr_model_load(m, path, diag, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", path, err.msg);
        pr_diag_free(diag);
        return (int)err.code;
    }
    return PR_OK;
}

int pr_subject_open(struct pr_subject *s, const char *path, const struct pr_bindings *shapes,
                    int top, bool quiet)
{
    struct pr_options opt = {.top = top};
    pr_bindings_apply(shapes, &opt);
    struct pr_err err = {0};
    if (pr_subject_analyze(s, path, &opt, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", path, err.msg);
        return (int)err.code;
    }
    if (!quiet)
        for (size_t i = 0; i < s->an.diag.count; i++)
            fprintf(stderr, "priori: warning: %s: %s\n", path, s->an.diag.msgs[i]);
    return PR_OK;
}

int pr_subject_estimate(struct pr_subject *s, const struct pr_hw *h)
{
    struct pr_err err = {0};
    if (pr_subject_energy(s, h->profile, &h->opts, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", s->path, err.msg);
        return (int)err.code;
    }
    return PR_OK;
}

int pr_cli_output_guard(const char *out, const char *const *inputs, int n, const char *db_dir)
{
    struct pr_err err = {0};
    char db[3][4096];
    const char *dbp[3] = {NULL, NULL, NULL};
    static const char *const files[3] = {"profiles.json", "records.json", "carbon.json"};
    for (int i = 0; db_dir && i < 3; i++) {
        snprintf(db[i], sizeof db[i], "%s/%s", db_dir, files[i]);
        dbp[i] = db[i];
    }
    if (pr_output_distinct(out, inputs, n, &err) < 0 || pr_output_distinct(out, dbp, 3, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    return PR_OK;
}

int pr_exit_code(int status)
{
    switch (status) {
    case PR_OK: return 0;
    case PR_E_GATE: return 1;
    case PR_E_ARG: return 2;
    case PR_E_MODEL: return 3;
    case PR_E_IO: return 4;
    default: return 5;
    }
}

int pr_cli_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx)
{
    if (!path) {
        errno = 0;
        if (render(ctx, stdout) < 0 || fflush(stdout) == EOF) {
            if (errno == EPIPE)   /* the reader went away (priori ... | head): stop quietly */
                return PR_OK;
            fprintf(stderr, "priori: cannot write to standard output\n");
            return PR_E_IO;
        }
        return PR_OK;
    }
    struct pr_err err = {0};
    if (pr_atomic_write(path, render, ctx, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    return PR_OK;
}

static int print_tree(const void *ctx, FILE *f)
{
    return pr_json_write(ctx, f);
}

int pr_cli_write_json(const char *path, struct pr_jb *b, cJSON *root)
{
    if (b->failed || !root) {
        cJSON_Delete(root);
        fprintf(stderr, "priori: out of memory\n");
        return PR_E_INTERNAL;
    }
    int rc = pr_cli_write(path, print_tree, root);
    cJSON_Delete(root);
    return rc;
}
