/* table.c -- the operator table expanded from ops.def, and lookup by
 * (domain, op type). Lookup binary-searches an index of the rows sorted
 * at build time, so finding the op of every node is n log(rows). */
#include "families.h"

#include <string.h>

/* A row's flags follow from its cost function's name, tested by the
 * preprocessor (a function's address is no constant initializer in a
 * position-independent build): PR_IS(PR_PROBE_..x) is 1 where x is one of
 * the names probed here, else 0. tests/test_core.c checks them against
 * the addresses. */
#define PR_SECOND(a, b, ...) b
#define PR_IS_(...) PR_SECOND(__VA_ARGS__, 0, ~)
#define PR_IS(x) PR_IS_(x)
#define PR_PROBE_SUB_control_cost ~, 1 /* runs subgraphs */
#define PR_PROBE_ANY_control_cost ~, 1 /* takes sequences and optionals */
#define PR_PROBE_ANY_seq_cost ~, 1

const struct pr_op pr_op_table[PR_OP_COUNT] = {
#define OP(id, dom, nm, from, to, shp, cst, kc, fpe, mac, flop) \
    [PR_OP_##id] = {.domain = dom, .name = nm, .since = from, .until = to, \
                    .shape = shp, .cost = cst, .kernel = PR_KERNEL_##kc, \
                    .flops_per_elem = fpe, .macs = mac, .flops = flop, \
                    .subgraphs = PR_IS(PR_PROBE_SUB_##cst), \
                    .any_kind = PR_IS(PR_PROBE_ANY_##cst) || PR_OP_##id == PR_OP_IDENTITY},
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

/* The rows ordered by (domain, name), generated from ops.def at build time
 * (Makefile: OPS_SORTED); tests/test_core.c checks the order. */
static const short sorted[PR_OP_COUNT] = {
#include "ops_sorted.inc"
};

static int cmp_key(const struct pr_op *key, const struct pr_op *row)
{
    int d = strcmp(key->domain, row->domain);
    return d ? d : strcmp(key->name, row->name);
}

const struct pr_op *pr_op_find(const char *domain, const char *op_type)
{
    if (!domain || strcmp(domain, "ai.onnx") == 0)
        domain = "";
    struct pr_op key = {.domain = domain, .name = op_type};
    int lo = 0, hi = PR_OP_COUNT;   /* the row, if any, is in sorted[lo, hi) */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        const struct pr_op *row = &pr_op_table[sorted[mid]];
        int d = cmp_key(&key, row);
        if (d == 0)
            return row;
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int pr_op_sorted_row(int k)
{
    return k >= 0 && k < PR_OP_COUNT ? sorted[k] : -1;
}
