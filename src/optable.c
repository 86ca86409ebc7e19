/* optable.c -- the option table expanded from options.def (see optable.h). */
#include "optable.h"

#include <stddef.h>

const struct pr_opt_row pr_opt_table[OPT_COUNT] = {
#define OPT(id, name_, alias_, value_, kind_, cmds_, help_) \
    [OPT_##id] = {.name = name_, .alias = alias_, .value = value_, .kind = K_##kind_, .cmds = cmds_, .help = help_},
#include "options.def"
#undef OPT
};
