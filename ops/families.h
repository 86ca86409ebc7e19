/* families.h -- prototypes of every shape and cost function named in
 * ops.def, expanded from the table itself so nothing is declared by hand.
 * Family files include it; a function declared more than once (shared by
 * several rows) is harmless. */
#ifndef PR_FAMILIES_H
#define PR_FAMILIES_H

#include "op.h"

#define OP(id, domain, name, since, until, shape, cost, kernel, fpe, macs, flops) \
    int shape(struct pr_op_ctx *c);       \
    int cost(struct pr_op_ctx *c, struct pr_cost *k);
#include "ops.def"
#undef OP

#endif
