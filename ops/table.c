/* table.c -- the operator table expanded from ops.def, and lookup by
 * (domain, op type). Lookup sorts an index of the rows once and
 * binary-searches it, so finding the op of every node is n log(rows). */
#include "families.h"

#include <stdlib.h>
#include <string.h>

const struct pr_op pr_op_table[PR_OP_COUNT] = {
#define OP(id, dom, nm, from, to, shp, cst, kc, fpe, mac, flop) \
    [PR_OP_##id] = {.domain = dom, .name = nm, .since = from, .until = to, \
                    .shape = shp, .cost = cst, .kernel = PR_KERNEL_##kc, \
                    .flops_per_elem = fpe, .macs = mac, .flops = flop},
#include "ops.def"
#undef OP
};

const char *const pr_kernel_name[PR_KERNEL_COUNT] = {
    [PR_KERNEL_NONE] = "-", [PR_KERNEL_GEMM] = "gemm", [PR_KERNEL_CONV] = "conv",
    [PR_KERNEL_GROUPED] = "grouped", [PR_KERNEL_DEPTHWISE] = "depthwise",
    [PR_KERNEL_ATTENTION] = "attention", [PR_KERNEL_ELTWISE] = "eltwise", [PR_KERNEL_VIEW] = "view",
};

uint64_t pr_elementwise_flops(struct pr_op_ctx *c)
{
    const struct pr_op *op = c->op_id >= 0 && c->op_id < PR_OP_COUNT ? &pr_op_table[c->op_id] : NULL;
    if (!op || op->flops_per_elem < 0) {
        pr_op_error(c, "%s has no FLOPs per element in ops/ops.def", op ? op->name : "the operator");
        return 0;
    }
    return pr_mul(c, pr_numel(c, &c->out[0]->shape), (uint64_t)op->flops_per_elem);
}

static const struct pr_op *sorted[PR_OP_COUNT];
static int sorted_ready;

static int cmp_op(const void *a, const void *b)
{
    const struct pr_op *x = *(const struct pr_op *const *)a, *y = *(const struct pr_op *const *)b;
    int d = strcmp(x->domain, y->domain);
    return d ? d : strcmp(x->name, y->name);
}

static void build_index(void)
{
    for (int i = 0; i < PR_OP_COUNT; i++)
        sorted[i] = &pr_op_table[i];
    qsort(sorted, PR_OP_COUNT, sizeof sorted[0], cmp_op);
    sorted_ready = 1;
}

const struct pr_op *pr_op_find(const char *domain, const char *op_type)
{
    if (!sorted_ready)
        build_index();
    if (!domain || strcmp(domain, "ai.onnx") == 0)
        domain = "";
    struct pr_op key = {.domain = domain, .name = op_type};
    const struct pr_op *kp = &key;
    const struct pr_op *const *hit = bsearch(&kp, sorted, PR_OP_COUNT, sizeof sorted[0], cmp_op);
    return hit ? *hit : NULL;
}
