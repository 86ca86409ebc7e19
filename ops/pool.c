/* pool.c -- placeholder until the family is written. */
#include "families.h"

int pool_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int pool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int gpool_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int gpool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}
