/* training.c -- the ai.onnx.preview.training operators: Momentum, Adagrad,
 * Adam (optimizer steps) and Gradient.
 *
 * Optimizers. Inputs: R (learning rate, scalar), T (update count, scalar),
 * then n tensors of each group: X1..Xn, G1..Gn and the state tensors
 * (Momentum: V; Adagrad: H; Adam: V, H), each Gi, Vi, Hi of Xi's shape.
 * Outputs mirror the optimized tensors and the state: X1_new..Xn_new, then
 * V1_new.. / H1_new.. (Adam: V then H), each shaped and typed like the
 * input it updates. The node may leave trailing outputs out.
 *
 * FLOPs per element of the optimized tensors (sum of numel(Xi)), counting
 * each +, -, x, / and sqrt of the spec's pseudo code as 1; the scalar
 * learning-rate adjustments (r = R / (1 + T * decay), Adam's bias
 * correction, 1 - alpha, 1 - beta) are O(1) and not counted:
 *   Momentum, standard:
 *     G_reg = norm_coefficient * X + G              2
 *     V_new = alpha * V + beta * G_reg              3
 *     X_new = X - R * V_new                         2   = 7
 *   Momentum, nesterov: G_reg 2, V_new 3,
 *     X_new = X - R * (G_reg + alpha * V_new)       4   = 9
 *   Adagrad:
 *     G_reg = norm_coefficient * X + G              2
 *     H_new = H + G_reg * G_reg                     2
 *     H_adaptive = sqrt(H_new) + epsilon            2
 *     X_new = X - r * G_reg / H_adaptive            3   = 9
 *   Adam:
 *     G_reg = norm_coefficient * X + G              2
 *     V_new = alpha * V + (1 - alpha) * G_reg       3
 *     H_new = beta * H + (1 - beta) * G_reg * G_reg 4
 *     H_sqrt = sqrt(H_new) + epsilon                2
 *     X_new = X - R_adjusted * V_new / H_sqrt       3
 *     X_final = (1 - norm_coefficient_post) * X_new 1   = 15
 * Params: the optimized Xi keep their default mask bits (they are the
 * model's weights); R, T, the gradients and the optimizer state are
 * cleared.
 *
 * Gradient: outputs i = 0.. are the gradients of y with respect to the
 * tensors named in `xs`, which are its first inputs (then those of `zs`):
 * output i has input i's shape and type. Cost: 0 -- the gradient graph it
 * stands for is not written in the model, so its work cannot be counted
 * statically; the node is counted as zero, like an unsupported one.
 */
#include "families.h"

#include <string.h>

/* State tensor groups after X and G, and output groups. */
static int state_groups(int op_id)
{
    return op_id == PR_OP_ADAM ? 2 : 1;
}

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

static int check_scalar(struct pr_op_ctx *c, int i, const char *what)
{
    const struct pr_shape *s = &pr_input(c, i)->shape;
    if (s->rank > 1 || (s->rank == 1 && s->dim[0] >= 0 && s->dim[0] != 1))
        return pr_op_error(c, "%s (input %d) must be a scalar", what, i);
    return 0;
}

int optimizer_shape(struct pr_op_ctx *c)
{
    int groups = 2 + state_groups(c->op_id);   /* X, G, state... */
    if (c->nin < 2 + groups || (c->nin - 2) % groups)
        return pr_op_error(c, "%s takes R, T and %d tensors per optimized tensor (X, G, %s) but "
                           "the node has %d inputs", op_name(c), groups,
                           c->op_id == PR_OP_ADAM ? "V, H" : c->op_id == PR_OP_ADAGRAD ? "H" : "V",
                           c->nin);
    int n = (c->nin - 2) / groups, outs = (groups - 1) * n;
    if (c->nout > outs)
        return pr_op_error(c, "%s with %d optimized tensor%s has at most %d outputs but the node "
                           "has %d", op_name(c), n, n > 1 ? "s" : "", outs, c->nout);
    if (pr_op_require(c, c->nin) < 0 || check_scalar(c, 0, "R") < 0 || check_scalar(c, 1, "T") < 0)
        return -1;
    if (c->op_id == PR_OP_MOMENTUM) {
        static const char *const req[] = {"alpha", "beta", "mode", "norm_coefficient"};
        for (int i = 0; i < 4; i++)
            if (!pr_attr_has(c, req[i]))
                return pr_op_error(c, "Momentum needs the attribute '%s'", req[i]);
        const char *mode = pr_attr_str(c, "mode", "standard");
        if (strcmp(mode, "standard") && strcmp(mode, "nesterov"))
            return pr_op_error(c, "mode is '%s'; it must be standard or nesterov", mode);
    }
    for (int i = 0; i < n; i++) {
        const struct pr_tensor *x = pr_input(c, 2 + i);
        for (int g = 1; g < groups; g++) {
            const struct pr_shape *s = &pr_input(c, 2 + g * n + i)->shape;
            bool same = s->rank == x->shape.rank;
            for (int d = 0; same && d < s->rank; d++)
                same = s->dim[d] < 0 || x->shape.dim[d] < 0 || s->dim[d] == x->shape.dim[d];
            char sx[160], ss[160];
            if (!same)
                return pr_op_error(c, "input %d has shape %s but must have the shape of X%d (%s)",
                                   2 + g * n + i, pr_shape_str(s, ss, sizeof ss), i + 1,
                                   pr_shape_str(&x->shape, sx, sizeof sx));
        }
    }
    /* output group 0 mirrors X; group o >= 1 the state group o + 1 */
    for (int o = 0; o < c->nout && o < PR_MAX_IO; o++) {
        int grp = o / n, i = o % n;
        const struct pr_tensor *src = pr_input(c, 2 + (grp == 0 ? 0 : grp + 1) * n + i);
        c->out[o]->dtype = src->dtype;
        c->out[o]->shape = src->shape;
    }
    return 0;
}

int optimizer_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int groups = 2 + state_groups(c->op_id), n = (c->nin - 2) / groups;
    uint64_t per = 9, elems = 0;   /* Adagrad, nesterov Momentum */
    if (c->op_id == PR_OP_ADAM)
        per = 15;
    else if (c->op_id == PR_OP_MOMENTUM && strcmp(pr_attr_str(c, "mode", "standard"), "standard") == 0)
        per = 7;
    uint64_t keep = 0;
    for (int i = 0; i < n; i++) {
        elems = pr_add(c, elems, pr_numel(c, &pr_input(c, 2 + i)->shape));
        if (2 + i < 63)
            keep |= 1ull << (2 + i);
    }
    k->flops = pr_mul(c, elems, per);
    k->weight_mask &= keep;
    return 0;
}

int gradient_shape(struct pr_op_ctx *c)
{
    if (c->nout > c->nin)
        return pr_op_error(c, "Gradient has one output per tensor of xs, which are its first inputs, "
                           "but the node has %d outputs and %d inputs", c->nout, c->nin);
    if (pr_attr_count(c, "xs") < 0 || !pr_attr_has(c, "y"))
        return c->failed ? -1 : pr_op_error(c, "Gradient needs the attributes xs and y");
    int nxs = pr_attr_count(c, "xs");
    if (c->nout > nxs)
        return pr_op_error(c, "Gradient names %d tensor%s in xs but has %d outputs", nxs,
                           nxs == 1 ? "" : "s", c->nout);
    if (pr_op_require(c, c->nout) < 0)
        return -1;
    for (int o = 0; o < c->nout && o < PR_MAX_IO; o++) {
        c->out[o]->dtype = pr_input(c, o)->dtype;
        c->out[o]->shape = pr_input(c, o)->shape;
    }
    return 0;
}

int gradient_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)c;
    k->weight_mask = 0;
    return 0;
}
