/* commands.h -- the commands of the command line, one per src/cmd_<name>.c:
 * `int pr_cmd_<name>(int argc, char **argv)` (argv after the command name)
 * returns an exit code; `pr_usage_<name>` is its help text. main.c lists
 * them in pr_commands[]. */
#ifndef PR_COMMANDS_H
#define PR_COMMANDS_H

int pr_cmd_analyze(int argc, char **argv);
extern const char pr_usage_analyze[];

int pr_cmd_ops(int argc, char **argv);
extern const char pr_usage_ops[];

int pr_cmd_hw(int argc, char **argv);
extern const char pr_usage_hw[];

int pr_cmd_calibrate(int argc, char **argv);
extern const char pr_usage_calibrate[];

int pr_cmd_db(int argc, char **argv);
extern const char pr_usage_db[];
/* `db add --measurements FILE [--db DIR]` (cmd_import.c): exit code, or -1
 * when argv has no --measurements (an ordinary `db add`). */
int pr_db_import(int argc, char **argv);
int pr_cmd_compare(int argc, char **argv);
extern const char pr_usage_compare[];

int pr_cmd_diff(int argc, char **argv);
extern const char pr_usage_diff[];

int pr_cmd_check(int argc, char **argv);
extern const char pr_usage_check[];

#endif
