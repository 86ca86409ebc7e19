/* options.c -- the one argument parser over the option table (optable.h)
 * and the generated help (see options.h).
 *
 * Parsing is table-driven: an argument starting with '-' (not a lone "-")
 * is looked up among the rows that name the command, by its long name or
 * alias; its value (the next argument) is read by the row's kind. Values of
 * the --hw family, of --input/--dim/--value and of --top are read by the
 * library's readers (src/optval.c, shared with the C API); cli.c and
 * energy_cli.c print their messages.
 */
#include "options.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What a format is, printed after its name in the --format help. */
static const char *const format_notes[PR_FORMAT_COUNT] = {
    [PR_FORMAT_MD] = "Markdown for a pull request",
    [PR_FORMAT_HTML] = "one self-contained page with charts",
    [PR_FORMAT_GITHUB] = "workflow annotations ::error:: and ::warning::",
};

static int find(const struct pr_cmd_spec *cmd, const char *arg)
{
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct pr_opt_row *r = &pr_opt_table[i];
        if ((r->cmds & cmd->id) && (strcmp(arg, r->name) == 0 || (r->alias && strcmp(arg, r->alias) == 0)))
            return i;
    }
    return -1;
}

static int read_format(struct pr_args *a, const char *opt, const char *val)
{
    const char *names[PR_FORMAT_COUNT];
    for (int k = 0; k < a->cmd->nformats; k++)
        names[k] = pr_format_names[a->cmd->formats[k]];
    int k;
    if (pr_cli_choice(a->cmd->name, opt, val, names, a->cmd->nformats, &k))
        return PR_E_ARG;
    a->format = a->cmd->formats[k];
    return 0;
}

/* Reads the value val of option id (spelled opt) into a. 0 or exit code. */
static int read_value(struct pr_args *a, int id, const char *opt, char *val)
{
    const char *cmd = a->cmd->name;
    switch (pr_opt_table[id].kind) {
    case K_FLAG:
        return 0;
    case K_NAME: {
        struct pr_err err = {0};
        if (pr_name_read(opt, val, &err) < 0)
            return pr_cli_usage_error(cmd, "%s", err.msg);
    }
        /* fall through */
    case K_TEXT:
        a->text[id] = val;
        return 0;
    case K_BIND: {
        int rc = pr_cli_shapes_option(&a->shapes[a->nshapes - 1], cmd, pr_opt_table[id].name, val);
        return rc > 1 ? rc : 0;
    }
    case K_RANGE: {
        if (pr_sweep_is_range(val)) {
            a->ranges[a->nranges++] = val;
            return 0;
        }
        int rc = pr_cli_shapes_option(&a->shapes[a->nshapes - 1], cmd, "--dim", val);
        return rc > 1 ? rc : 0;
    }
    case K_ENERGY: {
        int rc = pr_energy_option(&a->energy, cmd, pr_opt_table[id].name, val);
        return rc > 1 ? rc : 0;
    }
    case K_FORMAT:
        return read_format(a, opt, val);
    case K_TOP: {
        struct pr_err err = {0};
        return pr_top_read(opt, val, &a->num[id], &err) < 0 ? pr_cli_usage_error(cmd, "%s", err.msg) : 0;
    }
    case K_COUNT: {
        struct pr_err err = {0};
        return pr_count_read(opt, val, &a->num[id], &err) < 0 ? pr_cli_usage_error(cmd, "%s", err.msg) : 0;
    }
    case K_POSNUM: {
        char *end;
        errno = 0;
        double v = strtod(val, &end);
        if (errno || *end || !*val || !isfinite(v) || v <= 0)
            return pr_cli_usage_error(cmd, "%s %s: expected a positive number", opt, val);
        a->real[id] = v;
        return 0;
    }
    }
    return 0;
}

/* Opens the next slot of bindings (one per model with per_model_bindings). */
static int add_slot(struct pr_args *a, int argc)
{
    struct pr_bindings *s = realloc(a->shapes, ((size_t)a->nshapes + 1) * sizeof *s);
    if (!s) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_E_INTERNAL;
    }
    a->shapes = s;
    if (pr_bindings_init(&a->shapes[a->nshapes], argc) < 0) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_E_INTERNAL;
    }
    a->nshapes++;
    return 0;
}

int pr_args_parse(struct pr_args *a, const struct pr_cmd_spec *cmd, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->format = cmd->nformats ? cmd->formats[0] : PR_FORMAT_TABLE;
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    a->ranges = calloc((size_t)argc + 1, sizeof *a->ranges);
    if (!a->pos || !a->ranges) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_E_INTERNAL;
    }
    int rc = add_slot(a, argc);
    for (int i = 0; i < argc && !rc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            pr_cmd_help(cmd, stdout);
            return -1;
        }
        if (arg[0] != '-' || !arg[1]) {
            a->pos[a->npos++] = arg;
            if (cmd->per_model_bindings)
                rc = add_slot(a, argc);
            continue;
        }
        int id = find(cmd, arg);
        if (id < 0)
            return pr_cli_usage_error(cmd->name, "unknown option %s", arg);
        a->given[id] = true;
        if (!pr_opt_table[id].value)
            continue;   /* a flag */
        if (i + 1 >= argc)
            return pr_cli_usage_error(cmd->name, "option %s needs a value", arg);
        rc = read_value(a, id, arg, argv[++i]);
    }
    a->energy.train = a->given[OPT_TRAIN];
    return rc;
}

void pr_args_free(struct pr_args *a)
{
    for (int k = 0; k < a->nshapes; k++)
        pr_bindings_free(&a->shapes[k]);
    free(a->shapes);
    free(a->pos);
    free(a->ranges);
    memset(a, 0, sizeof *a);
}

/* "  -o, --output FILE    text" with the text's '\n' continuing aligned. */
static void help_line(FILE *f, const char *left, const char *text)
{
    int col = 22;
    int n = fprintf(f, "  %s", left);
    if (n > col) {
        fputc('\n', f);
        n = 0;
    }
    fprintf(f, "%*s", col - n + 1, "");
    for (const char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fprintf(f, "%*s", col + 1, "");
    }
    fputc('\n', f);
}

static void format_help(const struct pr_cmd_spec *cmd, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int k = 0; k < cmd->nformats && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s%s", k == 0 ? "" : k == cmd->nformats - 1 ? " or " : ", ",
                                 pr_format_names[cmd->formats[k]], k == 0 ? " (default)" : "");
    for (int k = 0; k < cmd->nformats && used < size; k++) {
        const char *note = format_notes[cmd->formats[k]];
        if (note)
            used += (size_t)snprintf(buf + used, size - used, "\n%s: %s", pr_format_names[cmd->formats[k]], note);
    }
}

static void option_help(const struct pr_cmd_spec *cmd, FILE *f, int id)
{
    const struct pr_opt_row *r = &pr_opt_table[id];
    char left[64], formats[512];
    snprintf(left, sizeof left, "%s%s%s%s%s", r->alias ? r->alias : "", r->alias ? ", " : "", r->name,
             r->value ? " " : "", r->value ? r->value : "");
    if (r->kind == K_FORMAT)
        format_help(cmd, formats, sizeof formats);
    help_line(f, left, r->kind == K_FORMAT ? formats : r->help);
}

void pr_cmd_help(const struct pr_cmd_spec *cmd, FILE *f)
{
    fputs(cmd->synopsis, f);
    bool energy_apart = (cmd->id & C_ESTIMATE) != 0;
    int heading = 0;   /* 1: "options:" printed, 2: "energy" printed */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < OPT_COUNT; i++) {
            const struct pr_opt_row *r = &pr_opt_table[i];
            if (!(r->cmds & cmd->id) || (r->kind == K_ENERGY) != (pass == 1))
                continue;
            int want = pass == 1 && energy_apart ? 2 : 1;
            if (heading < want) {
                fputs(want == 2 ? "\nenergy (see 'priori hw list'):\n" : "\noptions:\n", f);
                heading = want;
            }
            option_help(cmd, f, i);
        }
    if (cmd->tail)
        fprintf(f, "\n%s", cmd->tail);
}
