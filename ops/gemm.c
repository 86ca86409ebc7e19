/* gemm.c -- placeholder until the family is written. */
#include "families.h"

int gemm_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int gemm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}

int matmul_shape(struct pr_op_ctx *c)
{
    return pr_op_error(c, "not implemented");
}

int matmul_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)k;
    return pr_op_error(c, "not implemented");
}
