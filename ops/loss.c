/* loss.c -- NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
 *
 * Shapes. The scores X are N x C or N x C x d1 x ... x dk; the target
 * (labels) is N or N x d1 x ... x dk (X's shape without C) of an integer
 * type; the optional class weights are 1-D of C values. The loss is a
 * scalar with reduction = sum or mean (the default), and the target's
 * shape with reduction = none. SoftmaxCrossEntropyLoss has an optional
 * second output, log_prob, of X's shape.
 *
 * FLOPs (no MACs), with m = numel(target), w = 1 when class weights are
 * given, ii = 1 when ignore_index is set; each +, -, x, / and comparison
 * of the defining formula counts 1:
 *
 *   NegativeLogLikelihoodLoss
 *     loss[n][d] = -X[n][t][d] * weight[t]      1 (negate) + w (multiply)
 *     ignored targets give 0                    ii (compare and select)
 *                                               = m * (1 + w + ii)
 *     reduction none                            + 0
 *     reduction sum                             + m (adds)
 *     reduction mean                            + m (adds of the loss)
 *                                               + m (adds of the weights of
 *                                                 the targets kept) when w or ii
 *                                               + 1 (the divide)
 *     (without weights and ignore_index the divisor is m, known)
 *   SoftmaxCrossEntropyLoss = LogSoftmax over axis 1, then the above on
 *     its result: LogSoftmax counts as activation.c does, 5 per element of
 *     X plus 1 log per reduced row (there are m rows):
 *                                               5 * numel(X) + m + NLL's
 *   Gathering X[n][t][d] is indexing, not arithmetic.
 *
 * Params: the target and the class weights are hyper-parameters of the
 * loss, not learned weights; their mask bits are cleared.
 *
 * Opset differences: 12 and 13 differ only in the element types accepted.
 */
#include "families.h"

#include <string.h>

enum loss_reduction { LOSS_NONE, LOSS_SUM, LOSS_MEAN };

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_SOFTMAX_CROSS_ENTROPY_LOSS ? "SoftmaxCrossEntropyLoss"
                                                         : "NegativeLogLikelihoodLoss";
}

/* The reduction attribute; -1 after recording an error. */
static int read_reduction(struct pr_op_ctx *c)
{
    const char *r = pr_attr_str(c, "reduction", "mean");
    if (strcmp(r, "none") == 0)
        return LOSS_NONE;
    if (strcmp(r, "sum") == 0)
        return LOSS_SUM;
    if (strcmp(r, "mean") == 0)
        return LOSS_MEAN;
    return pr_op_error(c, "reduction is '%s'; it must be none, sum or mean", r);
}

/* The target must be X's shape without dim 1 (C), unknown extents passing. */
static int check_target(struct pr_op_ctx *c, const struct pr_shape *x, const struct pr_shape *t)
{
    char sx[160], st[160];
    bool ok = t->rank == x->rank - 1;
    for (int d = 0; ok && d < t->rank; d++) {
        int64_t want = x->dim[d == 0 ? 0 : d + 1];
        ok = t->dim[d] < 0 || want < 0 || t->dim[d] == want;
    }
    if (!ok)
        return pr_op_error(c, "the target has shape %s but must be the scores' shape %s without "
                           "dim 1 (C)", pr_shape_str(t, st, sizeof st), pr_shape_str(x, sx, sizeof sx));
    return 0;
}

int loss_shape(struct pr_op_ctx *c)
{
    bool sce = c->op_id == PR_OP_SOFTMAX_CROSS_ENTROPY_LOSS;
    int max_out = sce ? 2 : 1;
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 3 || c->nout > max_out)
        return pr_op_error(c, "%s takes 2 or 3 inputs and has at most %d output%s but the node has "
                           "%d and %d", op_name(c), max_out, max_out > 1 ? "s" : "", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *t = pr_input(c, 1), *w = pr_input(c, 2);
    char buf[160];
    if (x->shape.rank < 2)
        return pr_op_error(c, "the scores must be N x C x ... (rank >= 2) but have shape %s",
                           pr_shape_str(&x->shape, buf, sizeof buf));
    if (check_target(c, &x->shape, &t->shape) < 0)
        return -1;
    if (t->dtype && !pr_dtype_is_int(t->dtype))
        return pr_op_error(c, "the target holds class indices and must be an integer tensor, "
                           "not %s", pr_dtype_name(t->dtype));
    if (w) {
        int64_t cls = x->shape.dim[1];
        if (w->shape.rank != 1 || (w->shape.dim[0] >= 0 && cls >= 0 && w->shape.dim[0] != cls))
            return pr_op_error(c, "the weights must be 1-D with one value per class (%lld) but have "
                               "shape %s", (long long)cls, pr_shape_str(&w->shape, buf, sizeof buf));
    }
    int red = read_reduction(c);
    if (red < 0)
        return -1;
    pr_attr_int(c, "ignore_index", 0);
    c->out[0]->dtype = x->dtype;
    if (red == LOSS_NONE)
        c->out[0]->shape = t->shape;
    else
        c->out[0]->shape.rank = 0;
    if (sce && c->nout > 1) {
        c->out[1]->dtype = x->dtype;
        c->out[1]->shape = x->shape;
    }
    return 0;
}

int loss_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t m = pr_numel(c, &pr_input(c, 1)->shape);
    uint64_t w = pr_input(c, 2) ? 1 : 0, ii = pr_attr_has(c, "ignore_index") ? 1 : 0;
    uint64_t f = pr_mul(c, m, 1 + w + ii);   /* negate, weight, ignore mask */
    switch (read_reduction(c)) {
    case LOSS_SUM:
        f = pr_add(c, f, m);
        break;
    case LOSS_MEAN:
        f = pr_add(c, f, pr_add(c, pr_mul(c, m, (w || ii) ? 2 : 1), 1));
        break;
    default:
        break;
    }
    if (c->op_id == PR_OP_SOFTMAX_CROSS_ENTROPY_LOSS)   /* LogSoftmax: 5 per element + 1 per row */
        f = pr_add(c, f, pr_add(c, pr_mul(c, 5, pr_numel(c, &pr_input(c, 0)->shape)), m));
    k->flops = f;
    k->weight_mask &= ~(uint64_t)0x6;
    return 0;
}
