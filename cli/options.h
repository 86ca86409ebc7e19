/* options.h -- the one argument parser every command uses, over the option
 * table (src/optable.h, src/options.def).
 *
 * A command describes itself once (struct pr_cmd_spec: name, usage lines
 * and description, the formats it writes, the closing text); the options it
 * accepts are the rows of options.def that name it. pr_args_parse() walks
 * argv: "-h"/"--help" prints the generated help (exit 0), an option not
 * accepted by the command is "unknown option X", a missing value is
 * "option X needs a value", a bad value is the row's kind's message; every
 * usage error names the command ("Try 'priori help CMD'.") and is exit 2.
 * Anything not starting with '-' (and a lone "-") is a positional argument.
 * The command then reads the parsed values from struct pr_args.
 */
#ifndef PR_OPTIONS_H
#define PR_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "optable.h"
#include "report.h"

/* What a command is, for the parser and its help. */
struct pr_cmd_spec {
    const char *name;
    unsigned id;                    /* its C_* bit */
    const char *synopsis;           /* "usage: ..." lines and the description */
    const char *tail;               /* after the options (exit codes); may be NULL */
    const enum pr_format *formats;  /* --format values in the order listed; the first is the default */
    int nformats;
    bool per_model_bindings;        /* compare: --input/--dim/--value after a model apply to it */
};

/* The parsed command line of one command. */
struct pr_args {
    const struct pr_cmd_spec *cmd;
    bool given[OPT_COUNT];
    const char *text[OPT_COUNT];    /* TEXT values */
    long long num[OPT_COUNT];       /* TOP and COUNT values */
    double real[OPT_COUNT];         /* POSNUM values */
    enum pr_format format;          /* cmd->formats[0] unless --format */
    struct pr_energy_args energy;   /* the ENERGY rows */
    char **pos;                     /* positional arguments, in order */
    int npos;
    /* BIND values: shapes[0] holds those before the first positional, and,
     * with per_model_bindings, shapes[k] those after positional k; else all
     * are in shapes[0]. */
    struct pr_bindings *shapes;
    int nshapes;
};

/* Parses argv (after the command name) into a. 0; -1 when help was printed
 * (exit 0); or an exit code (message printed). pr_args_free either way. */
int pr_args_parse(struct pr_args *a, const struct pr_cmd_spec *cmd, int argc, char **argv);
void pr_args_free(struct pr_args *a);

/* Writes the help of cmd: its synopsis, its options from the table (the
 * --format line lists its formats), the energy options, its tail. */
void pr_cmd_help(const struct pr_cmd_spec *cmd, FILE *f);

/* cmd's name and usage_error as pr_cli_usage_error. */
#define pr_args_usage_error(a, ...) pr_cli_usage_error((a)->cmd->name, __VA_ARGS__)

#endif
