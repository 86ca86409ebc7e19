/* optable.h -- the option table: every option of the command line, one row
 * each, expanded from options.def. The command line (cli/options.c) parses
 * argv with it and generates its help from it; the C API (api.c) accepts
 * the same names in priori_options_set(); the man page is checked against
 * it (tests/api.sh). Plain data: no parsing here (optval.h reads values).
 */
#ifndef PR_OPTABLE_H
#define PR_OPTABLE_H

/* The commands an option row can name. */
enum {
    C_ANALYZE = 1 << 0,
    C_OPS = 1 << 1,
    C_HW = 1 << 2,
    C_CALIBRATE = 1 << 3,
    C_DB = 1 << 4,
    C_COMPARE = 1 << 5,
    C_DIFF = 1 << 6,
    C_CHECK = 1 << 7,
    C_REVIEW = C_COMPARE | C_DIFF | C_CHECK,
    C_ESTIMATE = C_ANALYZE | C_REVIEW,   /* take --hw and estimate energy */
    C_MODEL = C_ANALYZE | C_REVIEW | C_DB,   /* take --input, --dim, --value */
};

enum pr_opt_kind { K_FLAG, K_TEXT, K_NAME, K_BIND, K_ENERGY, K_FORMAT, K_TOP, K_COUNT, K_POSNUM };

enum pr_opt {
#define OPT(id, name, alias, value, kind, cmds, help) OPT_##id,
#include "options.def"
#undef OPT
    OPT_COUNT
};

struct pr_opt_row {
    const char *name, *alias, *value;   /* value NULL: a flag */
    enum pr_opt_kind kind;
    unsigned cmds;
    const char *help;
};
extern const struct pr_opt_row pr_opt_table[OPT_COUNT];

#endif
