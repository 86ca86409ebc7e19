/* main.c -- the priori command line: dispatch only.
 *
 *   priori COMMAND [ARGS]     (see pr_commands below; each lives in cli/cmd_<name>.c)
 *   priori help [COMMAND] | --help | --version
 *
 * Commands return a status (enum pr_status); main maps it to the exit code
 * (pr_exit_code): 0 ok, 1 gate breached, 2 usage, 3 invalid model, 4 I/O,
 * 5 internal. When the reader of standard output goes away,
 * priori stops writing and exits with the status it would have had. Errors go to stderr as one line
 * "priori: FILE: what: why".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const struct pr_command pr_commands[] = {
    {"analyze", pr_cmd_analyze, &pr_spec_analyze, "per-layer costs and totals of one model"},
    {"sweep", pr_cmd_sweep, &pr_spec_sweep, "cost curves: totals over a range of a symbolic dimension"},
    {"ops", pr_cmd_ops, &pr_spec_ops, "the operators priori counts, with their formulas"},
    {"hw", pr_cmd_hw, &pr_spec_hw, "hardware profiles of the energy database: list, show"},
    {"calibrate", pr_cmd_calibrate, &pr_spec_calibrate, "fit the energy profiles to their measurements"},
    {"db", pr_cmd_db, &pr_spec_db, "the measurement database: check, features, add"},
    {"compare", pr_cmd_compare, &pr_spec_compare, "several models side by side, with ratios to the first"},
    {"diff", pr_cmd_diff, &pr_spec_diff, "what changed between two versions of a model, layer by layer"},
    {"check", pr_cmd_check, &pr_spec_check, "CI gate: fail (exit 1) when a budget or growth limit is breached"},
    {"llm", pr_cmd_llm, &pr_spec_llm, "a decoder with a KV cache: prefill, decode per token, cache, request"},
    {0},
};

static void print_usage(FILE *f)
{
    fputs("usage: priori COMMAND [ARGS]\n"
          "\n"
          "Static complexity analysis of ONNX models: parameters, MACs, FLOPs,\n"
          "activation memory and memory traffic per layer, without running the model.\n"
          "\n"
          "commands:\n", f);
    for (const struct pr_command *c = pr_commands; c->name; c++)
        fprintf(f, "  %-15s %s\n", c->name, c->summary);
    fputs("  help [COMMAND]  this text, or a command's options\n"
          "\n"
          "options:\n"
          "  -h, --help      this text\n"
          "  --version       print the version\n"
          "\n"
          "exit codes: 0 ok, 1 gate breached, 2 usage error, 3 invalid model, 4 I/O error,\n"
          "5 internal error\n", f);
}

static const struct pr_command *find_command(const char *name)
{
    for (const struct pr_command *c = pr_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* The command line's status. */
static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs("priori: no command given\n", stderr);
        print_usage(stderr);
        return PR_E_ARG;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        print_usage(stdout);
        return PR_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("priori %s\n", PRIORI_VERSION);
        return PR_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return PR_OK;
        }
        const struct pr_command *c = find_command(argv[2]);
        if (!c) {
            fprintf(stderr, "priori: no help for unknown command '%s'\n", argv[2]);
            return PR_E_ARG;
        }
        pr_cmd_help(c->spec, stdout);
        return PR_OK;
    }
    const struct pr_command *c = find_command(cmd);
    if (c)
        return c->run(argc - 2, argv + 2);
    fprintf(stderr, "priori: unknown command '%s'\nTry 'priori --help'.\n", cmd);
    return PR_E_ARG;
}

int main(int argc, char **argv)
{
    /* A closed pipe on standard output is a write error (EPIPE) handled
     * where it happens, not a SIGPIPE that kills priori with status 141. */
    signal(SIGPIPE, SIG_IGN);
    return pr_exit_code(run(argc, argv));
}
