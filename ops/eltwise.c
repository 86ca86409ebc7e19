/* eltwise.c -- placeholder until the family is written. */
#include "families.h"

int unary_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int unary_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int binary_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int binary_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int variadic_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int variadic_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int where_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int where_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}
