/* conv.c -- placeholder until the family is written. */
#include "families.h"

int conv_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int conv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int convt_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int convt_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}
