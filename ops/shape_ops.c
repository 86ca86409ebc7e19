/* shape_ops.c -- placeholder until the family is written. */
#include "families.h"

int cast_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int move_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int constant_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int cofs_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int dropout_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int expand_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int flatten_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int identity_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int range_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int reshape_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int shapeof_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int squeeze_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int unsqueeze_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}
