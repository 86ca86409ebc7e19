/* layout.c -- placeholder until the family is written. */
#include "families.h"

int concat_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int gather_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int pad_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int slice_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int split_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int tile_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int transpose_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}
