/* gemm.c -- Gemm, MatMul, and ONNX Runtime's FusedGemm, FusedMatMul,
 * TransposeMatMul and GemmFastGelu: the matrix products.
 *
 * Gemm (Operators.md Gemm-1..13): Y = alpha * A' * B' + beta * C with
 *   A' = transA ? A^T : A, of shape (M, K); B' = transB ? B^T : B, (K, N).
 *   A and B must be 2-D; C is optional (required by the spec before opset
 *   11, accepted absent anyway) and must broadcast unidirectionally to
 *   (M, N): rank <= 2, each extent 1 or equal to Y's. The opset 1/6
 *   `broadcast` attribute is not needed to read the shapes and is ignored.
 *   Y = (M, N), element type of A.
 *   MACs  = M * N * K
 *   FLOPs = 2 * MACs
 *         + M * N  when C is present   (the add of beta * C)
 *         + M * N  when alpha != 1     (scaling A'B')
 *         + M * N  when beta != 1 and C is present   (scaling C)
 *
 * MatMul (MatMul-1..13, numpy.matmul semantics): a 1-D A is promoted to
 *   (1, K) and a 1-D B to (K, 1), the added axis being removed from the
 *   output; the batch axes (all but the last two) broadcast numpy-style.
 *   Y = batch + (M if rank(A) > 1) + (N if rank(B) > 1), element type of A.
 *   MACs  = prod(batch) * M * N * K = numel(Y) * K
 *   FLOPs = 2 * MACs
 *   Scalars (rank 0) are rejected; K mismatch is an error naming both
 *   shapes.
 *
 * FusedMatMul (com.microsoft, emitted by ONNX Runtime's optimizer for a
 *   Transpose and/or Mul folded into a MatMul): MatMul of A' and B', where
 *   transA/transB swap the last two axes and transBatchA/transBatchB read
 *   the operand as (M, batch..., K), moving axis 0 behind the batch axes
 *   first; alpha scales the product.
 *   MACs  = prod(batch) * M * N * K (as MatMul)
 *   FLOPs = 2 * MACs + numel(Y) when alpha != 1
 *
 * TransposeMatMul (com.microsoft): FusedMatMul's older name, with alpha,
 *   transA and transB only; read and counted as FusedMatMul.
 * FusedMatMulActivation (com.microsoft; ONNX Runtime's MatMul + activation
 *   fusion for its JS and WebGPU providers): FusedMatMul with attribute
 *   activation (required) applied to Y, as FusedGemm's (Clip too):
 *   FLOPs = FusedMatMul's + numel(Y) * the activation's FLOPs per element.
 *
 * FusedGemm (com.microsoft, ONNX Runtime's optimiser at level 'extended'
 *   and above fuses a Gemm and the activation after it): Gemm's inputs,
 *   attributes, shape and counts, plus attribute activation (its
 *   parameters in activation_alpha/beta/gamma) applied to Y:
 *   FLOPs = Gemm's + numel(Y) * the activation's FLOPs per element as its
 *   own ONNX row states (activation.c, legacy.c): Relu 1, Tanh 1, Sigmoid
 *   4, Softplus 3, Softsign 3, LeakyRelu 2, HardSigmoid 4, Elu 4, Selu 5,
 *   Celu 7, ThresholdedRelu 1, ScaledTanh 3, ParametricSoftplus 5 -- the
 *   ones its kernel runs. Without activation (the schema allows it, the
 *   kernel refuses it) it is Gemm.
 *
 * GemmFastGelu (com.microsoft, ONNX Runtime's ROCm fusion of a MatMul, its
 *   bias and FastGelu): Y = FastGelu(X W + bias), MatMul's shapes, bias
 *   1-D with W's N columns (optional).
 *   MACs  = MatMul's
 *   FLOPs = 2 * MACs + 8 * numel(Y) (FastGelu, activation.c)
 *         + numel(Y) with bias
 *
 * None of these operators has weights of its own: B and C count as parameters
 * when they are initializers (the default mask is kept). Unknown extents
 * propagate as -1 and leave the cost incomplete.
 */
#include "families.h"

#include <string.h>

/* Product of the n extents in d, or 0 and incomplete when one is unknown. */
static uint64_t prod(struct pr_op_ctx *c, const int64_t *d, int n)
{
    uint64_t v = 1;
    for (int i = 0; i < n; i++) {
        if (d[i] < 0) {
            c->incomplete = true;
            return 0;
        }
        v = pr_mul(c, v, (uint64_t)d[i]);
    }
    return v;
}

/* M, K, N of a Gemm node whose A and B are 2-D (checked by gemm_shape). */
static void gemm_dims(struct pr_op_ctx *c, int64_t *m, int64_t *k, int64_t *n)
{
    const struct pr_shape *a = &pr_input(c, 0)->shape, *b = &pr_input(c, 1)->shape;
    bool ta = pr_attr_int(c, "transA", 0) != 0, tb = pr_attr_int(c, "transB", 0) != 0;
    *m = a->dim[ta ? 1 : 0];
    *k = pr_dim_agree(a->dim[ta ? 0 : 1], b->dim[tb ? 1 : 0]);
    *n = b->dim[tb ? 0 : 1];
}

int gemm_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *a = pr_input(c, 0), *b = pr_input(c, 1), *cc = pr_input(c, 2);
    char sa[256], sb[256];
    if (a->shape.rank != 2 || b->shape.rank != 2)
        return pr_op_error(c, "A is %s and B is %s; Gemm needs two 2-D matrices",
                           pr_shape_str(&a->shape, sa, sizeof sa),
                           pr_shape_str(&b->shape, sb, sizeof sb));
    int64_t m, k, n;
    gemm_dims(c, &m, &k, &n);
    if (c->failed)
        return -1;
    if (k == -2)
        return pr_op_error(c, "inner dimensions differ: A is %s (transA=%lld), B is %s "
                           "(transB=%lld)", pr_shape_str(&a->shape, sa, sizeof sa),
                           (long long)pr_attr_int(c, "transA", 0),
                           pr_shape_str(&b->shape, sb, sizeof sb),
                           (long long)pr_attr_int(c, "transB", 0));
    if (cc) {
        const struct pr_shape *s = &cc->shape;
        int64_t target[2] = {m, n};
        if (s->rank > 2)
            return pr_op_error(c, "C has rank %d; it must broadcast to (M, N)", s->rank);
        for (int i = 0; i < s->rank; i++) {
            int64_t e = s->dim[i], t = target[2 - s->rank + i];
            if (e >= 0 && e != 1 && t >= 0 && e != t)
                return pr_op_error(c, "C is %s and does not broadcast to the output %lldx%lld",
                                   pr_shape_str(s, sa, sizeof sa), (long long)m, (long long)n);
        }
    }
    struct pr_tensor *y = c->out[0];
    y->dtype = a->dtype;
    y->shape.rank = 2;
    y->shape.dim[0] = m;
    y->shape.dim[1] = n;
    return 0;
}

int gemm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t d[3];
    gemm_dims(c, &d[0], &d[1], &d[2]);
    double alpha = pr_attr_float(c, "alpha", 1.0), beta = pr_attr_float(c, "beta", 1.0);
    if (c->failed)
        return -1;
    uint64_t mn = prod(c, (int64_t[]){d[0], d[2]}, 2);
    k->macs = prod(c, d, 3);
    k->flops = pr_mul(c, 2, k->macs);
    bool has_c = pr_input(c, 2) != 0;
    int extra = (has_c ? 1 : 0) + (alpha != 1.0 ? 1 : 0) + (has_c && beta != 1.0 ? 1 : 0);
    k->flops = pr_add(c, k->flops, pr_mul(c, (uint64_t)extra, mn));
    return 0;
}

/* ---- FusedGemm ---- */

/* The fused activation's row of the ONNX table (NULL: none): FusedGemm's,
 * or FusedMatMulActivation's (required, Clip too). */
static int gemm_activation(struct pr_op_ctx *c, const struct pr_op **act)
{
    static const char *const known[] = {
        "Relu", "Tanh", "Sigmoid", "Softplus", "Softsign", "LeakyRelu", "HardSigmoid", "Elu",
        "Selu", "Celu", "ThresholdedRelu", "ScaledTanh", "ParametricSoftplus", "Clip"};
    bool mm = c->op_id == PR_OP_FUSED_MATMUL_ACTIVATION;
    size_t nknown = sizeof known / sizeof known[0] - (mm ? 0 : 1);
    *act = NULL;
    if (!pr_attr_has(c, "activation"))
        return mm ? pr_op_error(c, "FusedMatMulActivation needs the attribute 'activation'") : 0;
    const char *name = pr_attr_str(c, "activation", "");
    pr_attr_float(c, "activation_alpha", 0.0);
    pr_attr_float(c, "activation_beta", 0.0);
    pr_attr_float(c, "activation_gamma", 0.0);
    if (c->failed)
        return -1;
    pr_attr_int(c, "activation_axis", 0);
    if (c->failed)
        return -1;
    for (size_t i = 0; i < nknown; i++)
        if (strcmp(name, known[i]) == 0) {
            *act = pr_op_find("", name);
            return 0;
        }
    return pr_op_error(c, "activation is '%s'; %s fuses Relu, Tanh, Sigmoid, Softplus, "
                       "Softsign, LeakyRelu, HardSigmoid, Elu, Selu, Celu, ThresholdedRelu, "
                       "ScaledTanh%s or ParametricSoftplus", name, mm ? "FusedMatMulActivation" : "FusedGemm",
                       mm ? ", Clip" : "");
}

int gemm_fast_gelu_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 3 || c->nout > 1)
        return pr_op_error(c, "GemmFastGelu takes at most 3 inputs and has 1 output but the node "
                           "has %d and %d", c->nin, c->nout);
    if (matmul_shape(c) < 0)
        return -1;
    const struct pr_tensor *b = pr_input(c, 2);
    const struct pr_shape *y = &c->out[0]->shape;
    int64_t n = y->rank ? y->dim[y->rank - 1] : 1;
    if (b && (b->shape.rank != 1 || (b->shape.dim[0] >= 0 && n >= 0 && b->shape.dim[0] != n))) {
        char sb[160];
        return pr_op_error(c, "bias is %s; it must be 1-D with W's %lld columns",
                           pr_shape_str(&b->shape, sb, sizeof sb), (long long)n);
    }
    return 0;
}

int gemm_fast_gelu_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    if (matmul_cost(c, k) < 0)
        return -1;
    uint64_t per = 8 + (pr_input(c, 2) ? 1 : 0);   /* FastGelu, the bias add */
    k->flops = pr_add(c, k->flops, pr_mul(c, per, pr_numel(c, &c->out[0]->shape)));
    return 0;
}

int fgemm_shape(struct pr_op_ctx *c)
{
    const struct pr_op *act;
    if (c->nin > 3 || c->nout > 1)
        return pr_op_error(c, "FusedGemm takes at most 3 inputs and has 1 output but the node has "
                           "%d and %d", c->nin, c->nout);
    if (gemm_activation(c, &act) < 0)
        return -1;
    return gemm_shape(c);
}

int fgemm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_op *act;
    if (gemm_activation(c, &act) < 0 || gemm_cost(c, k) < 0)
        return -1;
    if (act)
        k->flops = pr_add(c, k->flops, pr_mul(c, (uint64_t)act->flops_per_elem,
                                              pr_numel(c, &c->out[0]->shape)));
    return 0;
}

/* A and B after 1-D promotion, with the batch axes of Y. */
struct mm {
    struct pr_shape a, b;      /* rank >= 2 */
    struct pr_shape batch;     /* broadcast batch axes */
    int64_t k;                 /* -1 unknown */
};

/* numpy.matmul of shapes a and b (after any transposes the op applies). */
static int mm_dims(struct pr_op_ctx *c, const struct pr_shape *a, const struct pr_shape *b,
                   struct mm *p)
{
    char sa[256], sb[256];
    if (a->rank < 1 || b->rank < 1)
        return pr_op_error(c, "A is %s and B is %s; MatMul does not accept scalars",
                           pr_shape_str(a, sa, sizeof sa), pr_shape_str(b, sb, sizeof sb));
    p->a = *a;
    p->b = *b;
    if (a->rank == 1) {
        p->a.rank = 2;
        p->a.dim[0] = 1;
        p->a.dim[1] = a->dim[0];
    }
    if (b->rank == 1) {
        p->b.rank = 2;
        p->b.dim[1] = 1;
    }
    p->k = pr_dim_agree(p->a.dim[p->a.rank - 1], p->b.dim[p->b.rank - 2]);
    if (p->k == -2)
        return pr_op_error(c, "inner dimensions differ: A is %s, B is %s (A's last axis "
                           "must equal B's %s axis)", pr_shape_str(a, sa, sizeof sa),
                           pr_shape_str(b, sb, sizeof sb),
                           b->rank == 1 ? "only" : "second-to-last");
    struct pr_shape ba = p->a, bb = p->b;
    ba.rank -= 2;
    bb.rank -= 2;
    if (pr_shape_broadcast(&ba, &bb, &p->batch) < 0)
        return pr_op_error(c, "batch axes do not broadcast: A is %s, B is %s",
                           pr_shape_str(a, sa, sizeof sa), pr_shape_str(b, sb, sizeof sb));
    return 0;
}

static int matmul_dims(struct pr_op_ctx *c, struct mm *p)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    return mm_dims(c, &pr_input(c, 0)->shape, &pr_input(c, 1)->shape, p);
}

/* Y of numpy.matmul(a, b) given their dims p. */
static void mm_output(struct pr_op_ctx *c, const struct pr_shape *a, const struct pr_shape *b,
                      const struct mm *p)
{
    struct pr_tensor *y = c->out[0];
    y->dtype = pr_input(c, 0)->dtype;
    y->shape = p->batch;
    if (a->rank > 1)
        y->shape.dim[y->shape.rank++] = p->a.dim[p->a.rank - 2];
    if (b->rank > 1)
        y->shape.dim[y->shape.rank++] = p->b.dim[p->b.rank - 1];
}

int matmul_shape(struct pr_op_ctx *c)
{
    struct mm p;
    if (matmul_dims(c, &p) < 0)
        return -1;
    mm_output(c, &pr_input(c, 0)->shape, &pr_input(c, 1)->shape, &p);
    return 0;
}

int matmul_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct mm p;
    if (matmul_dims(c, &p) < 0)
        return -1;
    uint64_t kk = prod(c, &p.k, 1);
    k->macs = pr_mul(c, pr_numel(c, &c->out[0]->shape), kk);
    k->flops = pr_mul(c, 2, k->macs);
    const struct pr_tensor *a = pr_input(c, 0), *b = pr_input(c, 1);
    if (!a->is_weight && !a->from_weights && !b->is_weight && !b->from_weights)
        k->kernel = PR_KERNEL_ATTENTION;   /* both operands activations: Q.K^T, P.V */
    return 0;
}

/* FusedMatMul's operand i as the product sees it: with transBatch the
 * stored layout is (M, batch..., K) and dim 0 moves behind the batch dims;
 * with trans the last two dims swap. 1-D operands are left alone. */
static void fused_operand(struct pr_op_ctx *c, int i, struct pr_shape *s)
{
    *s = pr_input(c, i)->shape;
    bool tbatch = pr_attr_int(c, i ? "transBatchB" : "transBatchA", 0) != 0;
    bool trans = pr_attr_int(c, i ? "transB" : "transA", 0) != 0;
    int r = s->rank;
    if (r < 2)
        return;
    if (tbatch && r > 2) {
        int64_t d0 = s->dim[0];
        for (int d = 0; d < r - 2; d++)
            s->dim[d] = s->dim[d + 1];
        s->dim[r - 2] = d0;
    }
    if (trans) {
        int64_t t = s->dim[r - 1];
        s->dim[r - 1] = s->dim[r - 2];
        s->dim[r - 2] = t;
    }
}

static int fmatmul_dims(struct pr_op_ctx *c, struct pr_shape *a, struct pr_shape *b, struct mm *p)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 1)
        return pr_op_error(c, "%s takes 2 inputs and has 1 output but the node has %d and %d",
                           pr_op_table[c->op_id].name, c->nin, c->nout);
    fused_operand(c, 0, a);
    fused_operand(c, 1, b);
    pr_attr_float(c, "alpha", 1.0);
    if (c->failed)
        return -1;
    return mm_dims(c, a, b, p);
}

int fmatmul_shape(struct pr_op_ctx *c)
{
    struct pr_shape a, b;
    struct mm p;
    if (fmatmul_dims(c, &a, &b, &p) < 0)
        return -1;
    mm_output(c, &a, &b, &p);
    return 0;
}

int fmatmul_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_shape a, b;
    struct mm p;
    if (fmatmul_dims(c, &a, &b, &p) < 0)
        return -1;
    uint64_t y = pr_numel(c, &c->out[0]->shape);
    k->macs = pr_mul(c, y, prod(c, &p.k, 1));
    k->flops = pr_mul(c, 2, k->macs);
    if (pr_attr_float(c, "alpha", 1.0) != 1.0)
        k->flops = pr_add(c, k->flops, y);
    return 0;
}

int fmatmul_act_shape(struct pr_op_ctx *c)
{
    const struct pr_op *act;
    return gemm_activation(c, &act) < 0 ? -1 : fmatmul_shape(c);
}

int fmatmul_act_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_op *act;
    if (gemm_activation(c, &act) < 0 || fmatmul_cost(c, k) < 0)
        return -1;
    k->flops = pr_add(c, k->flops, pr_mul(c, (uint64_t)act->flops_per_elem, pr_numel(c, &c->out[0]->shape)));
    return 0;
}
