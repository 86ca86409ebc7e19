/* main.c -- the priori command line: argument parsing and dispatch only.
 *
 *   priori analyze MODEL.onnx [--input NAME=1x3x224x224]... [--dim SYM=N]...
 *                  [--format table|json|csv] [-o FILE] [--top N] [-q]
 *   priori help [COMMAND] | --help | --version
 *
 * Exit codes (enum pr_exit): 0 ok, 2 usage, 3 invalid model, 4 I/O,
 * 5 internal. Errors go to stderr as one line "priori: FILE: what: why".
 * A report written with -o goes to a temporary file in the same folder and
 * is renamed into place only when complete.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "err.h"
#include "model.h"
#include "report.h"

static const char usage_main[] =
    "usage: priori COMMAND [ARGS]\n"
    "\n"
    "Static complexity analysis of ONNX models: parameters, MACs, FLOPs,\n"
    "activation memory and memory traffic per layer, without running the model.\n"
    "\n"
    "commands:\n"
    "  analyze MODEL.onnx   per-layer costs and totals of one model\n"
    "  help [COMMAND]       this text, or a command's options\n"
    "\n"
    "options:\n"
    "  -h, --help           this text\n"
    "  --version            print the version\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, 3 invalid model, 4 I/O error, 5 internal error\n";

static const char usage_analyze[] =
    "usage: priori analyze MODEL.onnx [options]\n"
    "\n"
    "Infers every tensor shape and counts, per layer in execution order:\n"
    "params, MACs, FLOPs, output activation bytes, bytes read and written;\n"
    "then totals, peak live activation memory, a breakdown by operator type,\n"
    "the heaviest layers, unsupported operators and warnings.\n"
    "\n"
    "options:\n"
    "  --input NAME=DIMS    shape of graph input NAME, e.g. --input x=1x3x224x224\n"
    "                       (repeatable; overrides the model's declared shape)\n"
    "  --dim SYMBOL=N       bind a symbolic dimension, e.g. --dim batch=8\n"
    "                       (repeatable; an unbound symbol is taken as 1, with a warning)\n"
    "  --format FORMAT      table (default), json or csv\n"
    "  -o, --output FILE    write the report to FILE instead of standard output\n"
    "  --top N              list the N heaviest layers (default 10)\n"
    "  -q, --quiet          do not repeat warnings on standard error\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, 3 invalid model, 4 I/O error, 5 internal error\n";

struct analyze_args {
    const char *model;
    const char *output;
    enum pr_format format;
    bool quiet;
    struct pr_input_shape *inputs;
    int ninputs;
    struct pr_dim_binding *dims;
    int ndims;
    int top;
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "priori: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'priori help analyze'.\n");
    return PR_EXIT_USAGE;
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
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

/* "1x3x224x224" (or commas) into s; "scalar" is rank 0. */
static int parse_dims(const char *text, struct pr_shape *s)
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
        if (s->rank >= PR_MAX_RANK || parse_int(tok, 0, (1LL << 40), &v) < 0)
            return -1;
        s->dim[s->rank++] = v;
    }
    return s->rank ? 0 : -1;
}

/* Splits "NAME=VALUE" at the last '='; returns VALUE, writes NAME. */
static char *split_binding(char *arg)
{
    char *eq = strrchr(arg, '=');
    if (!eq || eq == arg)
        return NULL;
    *eq = 0;
    return eq + 1;
}

static int parse_analyze(int argc, char **argv, struct analyze_args *a)
{
    a->inputs = calloc((size_t)argc, sizeof *a->inputs);
    a->dims = calloc((size_t)argc, sizeof *a->dims);
    if (!a->inputs || !a->dims) {
        fprintf(stderr, "priori: out of memory\n");
        return PR_EXIT_INTERNAL;
    }
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_analyze, stdout);
            return -1;
        } else if (strcmp(arg, "--input") == 0 || strcmp(arg, "--dim") == 0 || strcmp(arg, "--format") == 0 ||
                   strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 || strcmp(arg, "--top") == 0) {
            if (!next)
                return usage_error("option %s needs a value", arg);
            i++;
            char *val = argv[i];
            if (strcmp(arg, "--input") == 0) {
                struct pr_input_shape *in = &a->inputs[a->ninputs];
                char *dims = split_binding(val);
                if (!dims || parse_dims(dims, &in->shape) < 0)
                    return usage_error("--input %s: expected NAME=DIMS with DIMS like 1x3x224x224 (at most 16 dims)", val);
                in->name = val;
                a->ninputs++;
            } else if (strcmp(arg, "--dim") == 0) {
                struct pr_dim_binding *d = &a->dims[a->ndims];
                char *num = split_binding(val);
                long long v;
                if (!num || parse_int(num, 0, (1LL << 40), &v) < 0)
                    return usage_error("--dim %s: expected SYMBOL=N with N a non-negative integer", val);
                d->symbol = val;
                d->value = v;
                a->ndims++;
            } else if (strcmp(arg, "--format") == 0) {
                if (strcmp(val, "table") == 0)
                    a->format = PR_FORMAT_TABLE;
                else if (strcmp(val, "json") == 0)
                    a->format = PR_FORMAT_JSON;
                else if (strcmp(val, "csv") == 0)
                    a->format = PR_FORMAT_CSV;
                else
                    return usage_error("--format %s: expected table, json or csv", val);
            } else if (strcmp(arg, "--top") == 0) {
                long long v;
                if (parse_int(val, 0, 100000, &v) < 0)
                    return usage_error("--top %s: expected a number from 0 to 100000", val);
                a->top = (int)v;
            } else {
                a->output = val;
            }
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option %s", arg);
        } else if (a->model) {
            return usage_error("one model at a time: unexpected argument '%s'", arg);
        } else {
            a->model = arg;
        }
    }
    if (!a->model)
        return usage_error("%s", "analyze needs a model file");
    return 0;
}

static int render(const struct pr_analysis *an, enum pr_format fmt, FILE *f)
{
    switch (fmt) {
    case PR_FORMAT_JSON: return pr_report_json(an, f);
    case PR_FORMAT_CSV: return pr_report_csv(an, f);
    default: return pr_report_table(an, f);
    }
}

/* Writes the report to path through a temporary file renamed into place. */
static int write_report(const struct pr_analysis *an, enum pr_format fmt, const char *path)
{
    if (!path) {
        if (render(an, fmt, stdout) < 0 || fflush(stdout) == EOF) {
            fprintf(stderr, "priori: cannot write the report to standard output\n");
            return PR_EXIT_IO;
        }
        return PR_EXIT_OK;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return PR_EXIT_INTERNAL;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = PR_EXIT_OK;
    if (!f) {
        fprintf(stderr, "priori: %s: cannot create: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        rc = PR_EXIT_IO;
    } else {
        bool bad = render(an, fmt, f) < 0;
        bad |= fclose(f) == EOF;
        if (bad || rename(tmp, path) < 0) {
            fprintf(stderr, "priori: %s: cannot write: %s\n", path, strerror(errno ? errno : EIO));
            rc = PR_EXIT_IO;
        }
    }
    if (rc != PR_EXIT_OK && fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int cmd_analyze(int argc, char **argv)
{
    struct analyze_args args = {.format = PR_FORMAT_TABLE, .top = 10};
    int rc = parse_analyze(argc, argv, &args);
    if (rc != 0) {
        rc = rc < 0 ? PR_EXIT_OK : rc;
        goto out;
    }
    struct pr_model model;
    struct pr_analysis an;
    struct pr_diag load_diag;
    struct pr_err err = {0};
    pr_diag_init(&load_diag);
    if (pr_model_load(&model, args.model, &load_diag, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", args.model, err.msg);
        pr_diag_free(&load_diag);
        rc = (int)err.code;
        goto out;
    }
    struct pr_options opt = {.inputs = args.inputs, .ninputs = args.ninputs, .dims = args.dims,
                             .ndims = args.ndims, .top = args.top};
    if (pr_analyze(&model, &opt, &an, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", args.model, err.msg);
        rc = (int)err.code;
    } else {
        for (size_t i = 0; i < load_diag.count; i++)   /* loader warnings come first */
            pr_diag_add(&an.diag, "%s", load_diag.msgs[i]);
        bool to_terminal_table = args.format == PR_FORMAT_TABLE && !args.output;
        if (!args.quiet && !to_terminal_table)
            for (size_t i = 0; i < an.diag.count; i++)
                fprintf(stderr, "priori: warning: %s\n", an.diag.msgs[i]);
        rc = write_report(&an, args.format, args.output);
        pr_analysis_free(&an);
    }
    pr_diag_free(&load_diag);
    pr_model_free(&model);
out:
    free(args.inputs);
    free(args.dims);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("priori: no command given\n", stderr);
        fputs(usage_main, stderr);
        return PR_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage_main, stdout);
        return PR_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("priori %s\n", PRIORI_VERSION);
        return PR_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(usage_main, stdout);
            return PR_EXIT_OK;
        }
        if (strcmp(argv[2], "analyze") == 0) {
            fputs(usage_analyze, stdout);
            return PR_EXIT_OK;
        }
        fprintf(stderr, "priori: no help for unknown command '%s'\n", argv[2]);
        return PR_EXIT_USAGE;
    }
    if (strcmp(cmd, "analyze") == 0)
        return cmd_analyze(argc - 2, argv + 2);
    fprintf(stderr, "priori: unknown command '%s'\nTry 'priori --help'.\n", cmd);
    return PR_EXIT_USAGE;
}
