/* table.c -- the operator table expanded from ops.def, and lookup by
 * (domain, op type). Lookup sorts an index of the rows once and
 * binary-searches it, so finding the op of every node is n log(rows). */
#include "families.h"

#include <stdlib.h>
#include <string.h>

const struct pr_op pr_op_table[PR_OP_COUNT] = {
#define OP(id, dom, nm, from, to, shp, cst, mac, flop) \
    [PR_OP_##id] = {.domain = dom, .name = nm, .since = from, .until = to, \
                    .shape = shp, .cost = cst, .macs = mac, .flops = flop},
#include "ops.def"
#undef OP
};

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
