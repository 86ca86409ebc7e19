/* reduce.c -- placeholder until the family is written. */
#include "families.h"

int argreduce_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int reduce_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int reduce_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}
