/* commands.h -- the commands of the command line, one per src/cmd_<name>.c:
 * `int pr_cmd_<name>(int argc, char **argv)` (argv after the command name)
 * returns an exit code; `pr_spec_<name>` describes it for the option
 * parser and its help (options.h). main.c lists them in pr_commands[]. */
#ifndef PR_COMMANDS_H
#define PR_COMMANDS_H

#include "options.h"

int pr_cmd_analyze(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_analyze;

int pr_cmd_ops(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_ops;

int pr_cmd_hw(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_hw;

int pr_cmd_calibrate(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_calibrate;

int pr_cmd_db(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_db;
/* `db add --measurements FILE [--db DIR]` (cmd_import.c): exit code. */
int pr_db_import(const char *file, const char *dir);
int pr_cmd_compare(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_compare;

int pr_cmd_diff(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_diff;

int pr_cmd_check(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_check;

int pr_cmd_llm(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_llm;
int pr_cmd_sweep(int argc, char **argv);
extern const struct pr_cmd_spec pr_spec_sweep;

#endif
