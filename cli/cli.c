/* cli.c -- option values, model loading and atomic output shared by the
 * commands (see cli.h). */
#include "cli.h"
#include "sweep.h"

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
    return PR_EXIT_USAGE;
}

int pr_cli_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int pr_cli_parse_dims(const char *text, struct pr_shape *s)
{
    s->rank = 0;
    if (strcmp(text, "scalar") == 0)
        return 0;
    char buf[512];
    if (strlen(text) >= sizeof buf || !*text)
        return -1;
    strcpy(buf, text);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "x,", &save); tok; tok = strtok_r(NULL, "x,", &save)) {
        long long v;
        if (s->rank >= PR_MAX_RANK || pr_cli_parse_int(tok, 0, (1LL << 40), &v) < 0)
            return -1;
        s->dim[s->rank++] = v;
    }
    return s->rank ? 0 : -1;
}

char *pr_cli_split_binding(char *arg)
{
    char *eq = strrchr(arg, '=');
    if (!eq || eq == arg)
        return NULL;
    *eq = 0;
    return eq + 1;
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

int pr_cli_shapes_init(struct pr_cli_shapes *s, int argc)
{
    memset(s, 0, sizeof *s);
    s->inputs = calloc((size_t)argc + 1, sizeof *s->inputs);
    s->dims = calloc((size_t)argc + 1, sizeof *s->dims);
    s->values = calloc((size_t)argc + 1, sizeof *s->values);
    if (s->inputs && s->dims && s->values)
        return 0;
    pr_cli_shapes_free(s);
    fprintf(stderr, "priori: out of memory\n");
    return PR_EXIT_INTERNAL;
}

void pr_cli_shapes_free(struct pr_cli_shapes *s)
{
    free(s->inputs);
    free(s->dims);
    free(s->values);
    memset(s, 0, sizeof *s);
}

int pr_cli_shapes_option(struct pr_cli_shapes *s, const char *cmd, const char *opt, char *val)
{
    if (strcmp(opt, "--input") == 0) {
        struct pr_input_shape *in = &s->inputs[s->ninputs];
        char *dims = pr_cli_split_binding(val);
        if (!dims || pr_cli_parse_dims(dims, &in->shape) < 0)
            return pr_cli_usage_error(cmd, "--input %s: expected NAME=DIMS with DIMS like 1x3x224x224 (at most 12 dims)", val);
        in->name = val;
        s->ninputs++;
        return 1;
    }
    if (strcmp(opt, "--dim") == 0) {
        struct pr_dim_binding *d = &s->dims[s->ndims];
        char *num = pr_cli_split_binding(val);
        long long v;
        if (!num || pr_cli_parse_int(num, 0, (1LL << 40), &v) < 0)
            return pr_cli_usage_error(cmd, "--dim %s%s%s: expected SYMBOL=N with N a non-negative integer%s", val,
                                      num ? "=" : "", num ? num : "", num && pr_sweep_is_range(num)
                                      ? " (a range of values is for 'priori sweep')" : "");
        d->symbol = val;
        d->value = v;
        s->ndims++;
        return 1;
    }
    if (strcmp(opt, "--value") == 0) {
        struct pr_input_value *iv = &s->values[s->nvalues];
        char *text = pr_cli_split_binding(val);
        if (!text || !*text)
            return pr_cli_usage_error(cmd, "--value %s: expected NAME=V[,V...] (the values of a graph input of rank 0 or 1)", val);
        iv->name = val;
        iv->text = text;
        s->nvalues++;
        return 1;
    }
    return 0;
}

void pr_cli_shapes_apply(const struct pr_cli_shapes *s, struct pr_options *opt)
{
    opt->inputs = s->inputs;
    opt->ninputs = s->ninputs;
    opt->dims = s->dims;
    opt->ndims = s->ndims;
    opt->values = s->values;
    opt->nvalues = s->nvalues;
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
    return PR_EXIT_OK;
}

int pr_subject_open(struct pr_subject *s, const char *path, const struct pr_cli_shapes *shapes,
                    int top, bool quiet)
{
    struct pr_options opt = {.top = top};
    pr_cli_shapes_apply(shapes, &opt);
    struct pr_err err = {0};
    if (pr_subject_analyze(s, path, &opt, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", path, err.msg);
        return (int)err.code;
    }
    if (!quiet)
        for (size_t i = 0; i < s->an.diag.count; i++)
            fprintf(stderr, "priori: warning: %s: %s\n", path, s->an.diag.msgs[i]);
    return PR_EXIT_OK;
}

int pr_subject_estimate(struct pr_subject *s, const struct pr_hw *h)
{
    struct pr_err err = {0};
    if (pr_subject_energy(s, h->profile, &h->opts, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", s->path, err.msg);
        return (int)err.code;
    }
    return PR_EXIT_OK;
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
    return PR_EXIT_OK;
}

int pr_exit_code(int status)
{
    switch (status) {
    case PR_EXIT_OK: return 0;
    case PR_EXIT_GATE: return 1;
    case PR_EXIT_USAGE: return 2;
    case PR_EXIT_MODEL: return 3;
    case PR_EXIT_IO: return 4;
    default: return 5;
    }
}

int pr_cli_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx)
{
    if (!path) {
        errno = 0;
        if (render(ctx, stdout) < 0 || fflush(stdout) == EOF) {
            if (errno == EPIPE)   /* the reader went away (priori ... | head): stop quietly */
                return PR_EXIT_OK;
            fprintf(stderr, "priori: cannot write to standard output\n");
            return PR_EXIT_IO;
        }
        return PR_EXIT_OK;
    }
    struct pr_err err = {0};
    if (pr_atomic_write(path, render, ctx, &err) < 0) {
        fprintf(stderr, "priori: %s\n", err.msg);
        return (int)err.code;
    }
    return PR_EXIT_OK;
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
        return PR_EXIT_INTERNAL;
    }
    int rc = pr_cli_write(path, print_tree, root);
    cJSON_Delete(root);
    return rc;
}
