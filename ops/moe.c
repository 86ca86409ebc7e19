/* moe.c -- mixture of experts: com.microsoft MoE and QMoE (what
 * onnxruntime-genai emits for Mixtral, Phi-3.5-MoE, gpt-oss, ...).
 *
 * Inputs (indices as the node writes them):
 *   MoE   0 input, 1 router_probs, 2 fc1_experts_weights, 3 fc1_experts_bias,
 *         4 fc2_experts_weights, 5 fc2_experts_bias, 6 fc3_experts_weights,
 *         7 fc3_experts_bias
 *   QMoE  0 input, 1 router_probs, 2 fc1 weights, 3 fc1_scales, 4 fc1 bias,
 *         5 fc2 weights, 6 fc2_scales, 7 fc2 bias, 8 fc3 weights,
 *         9 fc3_scales, 10 fc3 bias, 11-13 fc1/fc2/fc3 zero points,
 *         14 router_weights, 15-20 global / activation scales (FP4, FP8)
 * input is (tokens, d) or (batch, seq, d) with T = tokens its leading
 * extents; router_probs is (T, E), the router's logits: the router itself
 * is a MatMul node before this one (onnxruntime-genai's builder writes it
 * so) and is counted there, not here. Y has input's shape and type.
 *
 * Expert weights. With I = inter_size, F = 2 for SwiGLU with its two
 * projections fused into FC1 (activation_type swiglu, swiglu_fusion 1 or
 * 2), else 1, and p the values packed per stored element (MoE 1; QMoE
 * integer weights 8/expert_weight_bits with bits 2, 4 or 8 (default 4),
 * quant_type fp4, nvfp4 or wfp4afp8 2, fp8 1):
 *   layout (ContribOperators.md)   legacy (onnxruntime reads it too)
 *   fc1  (E, F*I, d/p)             (E, d, F*I/p)
 *   fc2  (E, d, I/p)               (E, I, d/p)
 *   fc3  (E, I, d/p)               (E, d, I/p)
 * The layout is told by fc2 as onnxruntime tells it: fc2's axis 1 equal to
 * d is the documented one (I = fc2[2] * p), else the legacy (I = fc2[1]).
 * Biases are (E, F*I), (E, d), (E, I); QMoE scales (E, N) or, with
 * block_size, (E, N, K/block_size), N the output features of that FC and K
 * its input features. fc3 is the second (gate) projection: required with
 * swiglu and swiglu_fusion 0, refused with a fused swiglu.
 * Attributes: k (experts per token, default 1, 1 <= k <= E),
 * activation_type (relu default, gelu, silu, swiglu, identity),
 * swiglu_fusion (0), swiglu_limit, activation_alpha/beta,
 * normalize_routing_weights (0), use_sparse_mixer (0); QMoE adds
 * expert_weight_bits, quant_type ("int"), block_size, accuracy_level,
 * weights_prepacked.
 *
 * Counts. Top-k routing: each of the T tokens runs k of the E experts;
 * one expert on one token is FC1 (+ FC3 when gated) and FC2, three or
 * four matrix-vector products:
 *   g = 1 with fc3, else 0
 *   MACs = T * k * d * I * (F + 1 + g)
 * FLOPs = 2*MACs
 *   + T * (E * (5 + k) + 2*k with normalize_routing_weights)
 *       routing: a softmax over E (5 per logit, as Softmax's row) and k
 *       passes over the E probabilities to pick the top k; normalising
 *       the k weights is a sum and a divide each
 *   + T * k * (I * (act + g') + bias adds + 2*d)
 *       per routed token: the activation on I values (relu 1, gelu 5,
 *       silu 5 = sigmoid 4 + mul, identity 0, swiglu 8 = alpha*G, sigmoid
 *       4, G*s, L + beta, * (L + beta); + 3 clamps with swiglu_limit),
 *       g' = 1 for the multiply by FC3's output of a gated non-SwiGLU
 *       activation, the bias adds of the given biases (F*I, d, I) and
 *       2*d to scale the expert's output by its routing weight and add it
 *   + QMoE: 2 * min(E, T*k) * d * I * (F + 1 + g): dequantizing (sub zero
 *       point, mul scale, as MatMulNBits) the weights of every expert a
 *       token was routed to, at most E and at most T*k of them (which ones
 *       the data decides: the upper bound is counted).
 * Params: every expert's weights and biases, all E experts (they all
 * exist, although a token uses k of them). QMoE's weights count their
 * logical values, numel * p (packed_input), not their bytes; scales, zero
 * points and the activation/global scales are not parameters.
 */
#include "families.h"

#include <stdio.h>
#include <string.h>

enum { ACT_RELU, ACT_GELU, ACT_SILU, ACT_SWIGLU, ACT_IDENTITY };

struct moe {
    bool quant;                   /* QMoE */
    int w[3], b[3], s[3];         /* inputs: fc1..fc3 weights, biases, scales (-1: none) */
    int act, fuse, pack;          /* activation, F, p */
    bool gated, legacy;           /* fc3 given; legacy weight layout */
    int64_t e, d, inter, k, block;
};

static const char *const fc_name[3] = {"fc1_experts_weights", "fc2_experts_weights",
                                       "fc3_experts_weights"};

static const struct pr_shape *shape_of(struct pr_op_ctx *c, int i)
{
    const struct pr_tensor *t = i >= 0 ? pr_input(c, i) : NULL;
    return t ? &t->shape : NULL;
}

/* Extents a and b agree (either unknown passes). */
static bool agree(int64_t a, int64_t b)
{
    return a < 0 || b < 0 || a == b;
}

/* a / p, -1 when a is unknown. */
static int64_t div_known(int64_t a, int64_t p)
{
    return a < 0 ? -1 : a / p;
}

/* Shape s of input i must be want[0..rank-1] (-1: any). */
static int check_dims(struct pr_op_ctx *c, int i, const char *what, const int64_t *want, int rank,
                      const char *form)
{
    const struct pr_shape *s = shape_of(c, i);
    if (!s)
        return 0;
    bool ok = s->rank == rank;
    for (int j = 0; ok && j < rank; j++)
        ok = agree(s->dim[j], want[j]);
    if (ok)
        return 0;
    struct pr_shape w = {.rank = rank};
    for (int j = 0; j < rank; j++)
        w.dim[j] = want[j];
    char sb[160], wb[160];
    return pr_op_error(c, "%s (input %d) is %s but must be %s = %s", what, i,
                       pr_shape_str(s, sb, sizeof sb), form, pr_shape_str(&w, wb, sizeof wb));
}

static int read_activation(struct pr_op_ctx *c, struct moe *m)
{
    static const char *const names[] = {"relu", "gelu", "silu", "swiglu", "identity"};
    const char *a = pr_attr_str(c, "activation_type", "relu");
    int64_t fusion = pr_attr_int(c, "swiglu_fusion", 0);
    if (c->failed)
        return -1;
    m->act = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(a, names[i]) == 0)
            m->act = i;
    if (m->act < 0)
        return pr_op_error(c, "activation_type is '%s'; it must be relu, gelu, silu, swiglu or "
                           "identity", a);
    if (fusion < 0 || fusion > 2)
        return pr_op_error(c, "swiglu_fusion is %lld; it must be 0 (not fused), 1 (interleaved) "
                           "or 2 (concatenated)", (long long)fusion);
    m->fuse = m->act == ACT_SWIGLU && fusion != 0 ? 2 : 1;
    return 0;
}

/* QMoE: p from expert_weight_bits and quant_type; the weights' type. */
static int read_quant(struct pr_op_ctx *c, struct moe *m)
{
    int64_t bits = pr_attr_int(c, "expert_weight_bits", 4);
    const char *q = pr_attr_str(c, "quant_type", "int");
    m->block = pr_attr_int(c, "block_size", 0);
    if (c->failed)
        return -1;
    int want = PR_DT_UINT8;
    if (strcmp(q, "int") == 0) {
        if (bits != 2 && bits != 4 && bits != 8)
            return pr_op_error(c, "expert_weight_bits is %lld; it must be 2, 4 or 8",
                               (long long)bits);
        m->pack = (int)(8 / bits);
    } else if (strcmp(q, "fp4") == 0 || strcmp(q, "nvfp4") == 0 || strcmp(q, "wfp4afp8") == 0) {
        m->pack = 2;
    } else if (strcmp(q, "fp8") == 0) {
        m->pack = 1;
        want = PR_DT_FLOAT8E4M3FN;
    } else {
        return pr_op_error(c, "quant_type is '%s'; it must be int, fp4, nvfp4, fp8 or wfp4afp8", q);
    }
    if (m->block < 0 || (m->block > 0 && (m->block < 16 || (m->block & (m->block - 1)) != 0)))
        return pr_op_error(c, "block_size is %lld; it must be a power of 2 and >= 16",
                           (long long)m->block);
    for (int f = 0; f < 3; f++) {
        const struct pr_tensor *t = m->w[f] >= 0 ? pr_input(c, m->w[f]) : NULL;
        if (t && t->dtype && t->dtype != want)
            return pr_op_error(c, "%s is %s; quant_type %s stores %s", fc_name[f],
                               pr_dtype_name(t->dtype), q, pr_dtype_name(want));
    }
    return 0;
}

/* Input, router, layout and every expert tensor; fills m. */
static int read_moe(struct pr_op_ctx *c, struct moe *m)
{
    memset(m, 0, sizeof *m);
    m->quant = c->op_id == PR_OP_QMOE;
    const char *op = m->quant ? "QMoE" : "MoE";
    int max_in = m->quant ? 21 : 8;
    for (int f = 0; f < 3; f++) {
        m->w[f] = m->quant ? 2 + 3 * f : 2 + 2 * f;
        m->b[f] = m->quant ? 4 + 3 * f : 3 + 2 * f;
        m->s[f] = m->quant ? 3 + 3 * f : -1;
    }
    if (c->nin > max_in)
        return pr_op_error(c, "%d inputs; %s takes at most %d", c->nin, op, max_in);
    if (!pr_input(c, 0) || !pr_input(c, 1) || !pr_input(c, m->w[0]) || !pr_input(c, m->w[1]))
        return pr_op_error(c, "%s needs input, router_probs, fc1_experts_weights (input 2) and "
                           "fc2_experts_weights (input %d)", op, m->w[1]);
    m->k = pr_attr_int(c, "k", 1);
    pr_attr_int(c, "normalize_routing_weights", 0);
    pr_attr_int(c, "use_sparse_mixer", 0);
    pr_attr_float(c, "activation_alpha", 1.0);
    pr_attr_float(c, "activation_beta", 0.0);
    if (c->failed || read_activation(c, m) < 0)
        return -1;
    m->pack = 1;
    if (m->quant && read_quant(c, m) < 0)
        return -1;
    m->gated = pr_input(c, m->w[2]) != NULL;
    if (m->act == ACT_SWIGLU && m->fuse == 1 && !m->gated)
        return pr_op_error(c, "swiglu with swiglu_fusion 0 needs fc3_experts_weights (input %d), "
                           "the second projection", m->w[2]);
    if (m->fuse == 2 && m->gated)
        return pr_op_error(c, "fc3_experts_weights is given but swiglu_fusion %lld fuses both "
                           "projections into fc1", (long long)pr_attr_int(c, "swiglu_fusion", 0));

    const struct pr_shape *x = shape_of(c, 0), *r = shape_of(c, 1);
    char b1[160];
    if (x->rank != 2 && x->rank != 3)
        return pr_op_error(c, "input is %s; it must be (tokens, hidden) or (batch, seq, hidden)",
                           pr_shape_str(x, b1, sizeof b1));
    m->d = x->dim[x->rank - 1];
    int64_t tokens = x->dim[0];
    if (x->rank == 3 && (tokens < 0 || x->dim[1] < 0))
        tokens = -1;
    else if (x->rank == 3 && __builtin_mul_overflow(tokens, x->dim[1], &tokens))
        return pr_op_error(c, "input is %s: batch x seq tokens overflow 64 bits",
                           pr_shape_str(x, b1, sizeof b1));
    for (int f = 0; f < 3; f++) {
        const struct pr_shape *w = shape_of(c, m->w[f]);
        if (w && w->rank != 3)
            return pr_op_error(c, "%s (input %d) is %s; it must be 3-D (num_experts, ...)",
                               fc_name[f], m->w[f], pr_shape_str(w, b1, sizeof b1));
    }
    const struct pr_shape *w1 = shape_of(c, m->w[0]), *w2 = shape_of(c, m->w[1]);
    m->e = w1->dim[0] >= 0 ? w1->dim[0] : w2->dim[0];
    if (m->e < 0 && r->rank == 2)
        m->e = r->dim[1];
    if (check_dims(c, 1, "router_probs", (int64_t[]){tokens, m->e}, 2, "(tokens, num_experts)") < 0)
        return -1;
    if (m->k < 1 || (m->e >= 0 && m->k > m->e))
        return pr_op_error(c, "k is %lld; it must be 1 to num_experts (%lld)", (long long)m->k,
                           (long long)m->e);

    int64_t p = m->pack, d = m->d, pd = div_known(d, p);
    if (d >= 0 && d % p != 0)
        return pr_op_error(c, "hidden size %lld is not a multiple of the %lld values packed per "
                           "byte", (long long)d, (long long)p);
    m->legacy = d >= 0 && w2->dim[1] >= 0 && w2->dim[1] != d;
    m->inter = m->legacy ? w2->dim[1] : w2->dim[2] < 0 ? -1 : w2->dim[2] * p;
    int64_t i = m->inter, fi = i < 0 ? -1 : m->fuse * i;
    const char *two = m->fuse == 2 ? "2*" : "";
    char f1[96], f2[96], f3[96];
    if (m->legacy) {
        snprintf(f1, sizeof f1, "(E, d, %sI/p) [legacy layout]", two);
        if (check_dims(c, m->w[1], fc_name[1], (int64_t[]){m->e, i, pd}, 3,
                       "(E, I, d/p) [legacy layout]") < 0 ||
            check_dims(c, m->w[0], fc_name[0], (int64_t[]){m->e, d, div_known(fi, p)}, 3, f1) < 0 ||
            check_dims(c, m->w[2], fc_name[2], (int64_t[]){m->e, d, div_known(i, p)}, 3,
                       "(E, d, I/p) [legacy layout]") < 0)
            return -1;
    } else {
        snprintf(f1, sizeof f1, "(E, %sI, d/p)", two);
        if (check_dims(c, m->w[0], fc_name[0], (int64_t[]){m->e, fi, pd}, 3, f1) < 0 ||
            check_dims(c, m->w[1], fc_name[1], (int64_t[]){m->e, d, div_known(i, p)}, 3,
                       "(E, d, I/p)") < 0 ||
            check_dims(c, m->w[2], fc_name[2], (int64_t[]){m->e, i, pd}, 3, "(E, I, d/p)") < 0)
            return -1;
    }
    int64_t n[3] = {fi, d, i}, kin[3] = {d, i, d};
    static const char *const bias_name[3] = {"fc1_experts_bias", "fc2_experts_bias",
                                             "fc3_experts_bias"};
    snprintf(f2, sizeof f2, "(E, %sI)", two);
    const char *bform[3] = {f2, "(E, d)", "(E, I)"};
    for (int f = 0; f < 3; f++) {
        if (check_dims(c, m->b[f], bias_name[f], (int64_t[]){m->e, n[f]}, 2, bform[f]) < 0)
            return -1;
        const struct pr_shape *s = shape_of(c, m->s[f]);
        if (!s)
            continue;
        int64_t nb = m->block > 0 && kin[f] >= 0 ? kin[f] / m->block : -1;
        snprintf(f3, sizeof f3, "%s%s", bform[f], m->block > 0 || s->rank == 3 ?
                 " with a third axis of K/block_size" : "");
        int rc = s->rank == 3
                 ? check_dims(c, m->s[f], "scales", (int64_t[]){m->e, n[f], nb}, 3, f3)
                 : check_dims(c, m->s[f], "scales", (int64_t[]){m->e, n[f]}, 2, f3);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int moe_shape(struct pr_op_ctx *c)
{
    struct moe m;
    if (read_moe(c, &m) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int moe_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    static const uint64_t act_flops[] = {1, 5, 5, 8, 0};
    struct moe m;
    if (read_moe(c, &m) < 0)
        return -1;
    const struct pr_shape *x = shape_of(c, 0);
    struct pr_shape lead = *x;
    lead.rank--;
    uint64_t t = pr_numel(c, &lead), e = (uint64_t)m.e, kk = (uint64_t)m.k;
    if (m.d < 0 || m.inter < 0 || m.e < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t d = (uint64_t)m.d, i = (uint64_t)m.inter, g = m.gated;
    uint64_t per_expert = pr_mul(c, pr_mul(c, d, i), (uint64_t)m.fuse + 1 + g);
    uint64_t routed = pr_mul(c, t, kk);
    k->macs = pr_mul(c, routed, per_expert);

    uint64_t act = act_flops[m.act] + (m.act == ACT_SWIGLU && pr_attr_has(c, "swiglu_limit") ? 3 : 0);
    uint64_t gate = m.gated && m.act != ACT_SWIGLU ? 1 : 0;
    uint64_t per_token = pr_add(c, pr_mul(c, i, act + gate), pr_mul(c, 2, d));
    uint64_t nb[3] = {pr_mul(c, (uint64_t)m.fuse, i), d, i};
    for (int f = 0; f < 3; f++)
        if (pr_input(c, m.b[f]))
            per_token = pr_add(c, per_token, nb[f]);
    uint64_t routing = pr_mul(c, e, 5 + kk);
    if (pr_attr_int(c, "normalize_routing_weights", 0))
        routing = pr_add(c, routing, 2 * kk);

    k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, routed, per_token));
    k->flops = pr_add(c, k->flops, pr_mul(c, t, routing));
    if (!m.quant)
        return 0;
    uint64_t used = routed < e ? routed : e;
    k->flops = pr_add(c, k->flops, pr_mul(c, 2, pr_mul(c, used, per_expert)));
    for (int in = 0; in < c->nin && in < 63; in++) {
        bool weight = in == m.w[0] || in == m.w[1] || in == m.w[2] || in == m.b[0] ||
                      in == m.b[1] || in == m.b[2];
        if (!weight)
            k->weight_mask &= ~(1ull << in);
    }
    int j = 0;
    for (int f = 0; f < 3 && m.pack > 1; f++) {
        const struct pr_tensor *w = pr_input(c, m.w[f]);
        if (!w || !w->is_weight)
            continue;
        k->packed_input[j] = m.w[f] + 1;
        k->packed_params[j++] = pr_mul(c, pr_numel(c, &w->shape), (uint64_t)m.pack);
    }
    return 0;
}
