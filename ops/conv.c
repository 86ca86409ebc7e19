/* conv.c -- Conv and ConvTranspose, any number k >= 1 of spatial dims,
 * DeformConv (opset 19), com.microsoft FusedConv (ONNX Runtime's Conv + activation fusion),
 * com.microsoft ConvTransposeWithDynamicPads (ConvTranspose whose pads are
 * input 2, an int64 tensor of 2k values, B moving to input 3) and
 * com.microsoft.nchwc Conv (its NCHWc-layout convolution).
 *
 * Inputs: X (N, C_in, D1..Dk), W, optional B (C_out).
 *   Conv:          W = (C_out, C_in/group, K1..Kk)
 *   ConvTranspose: W = (C_in, C_out/group, K1..Kk)
 * Attributes (both): auto_pad (NOTSET, SAME_UPPER, SAME_LOWER, VALID; ""
 * is NOTSET), dilations d (default 1), group (default 1), kernel_shape
 * (default W's spatial extents; when given it must agree with them), pads
 * (b1..bk, e1..ek; default 0, never negative), strides s (default 1).
 * ConvTranspose adds output_padding op (default 0) and output_shape.
 *
 * Effective kernel dk = (K - 1) * d + 1. Output extents (Operators.md,
 * Conv-11 and ConvTranspose-11; the opset-1 versions have the same
 * attributes and runtimes apply these formulas to them too):
 *   Conv   NOTSET  floor((D + b + e - dk) / s) + 1
 *          SAME_*  ceil(D / s)
 *          VALID   ceil((D - dk + 1) / s) = floor((D - dk) / s) + 1
 *   ConvTranspose
 *          output_shape given: its values (k of them; k + 2 with N and C
 *                  leading is accepted and the last k are used). The spec
 *                  derives pads from it (total = s*(D-1) + op + dk - out,
 *                  SAME_UPPER puts the odd one at the end, SAME_LOWER at
 *                  the beginning); they change neither shape nor counts,
 *                  so they are not computed.
 *          NOTSET  s * (D - 1) + op + dk - b - e
 *          VALID   s * (D - 1) + op + dk
 *          SAME_*  D * s
 * Explicit pads next to auto_pad SAME_* / VALID are ignored (as runtimes
 * do) with a warning when they are not all zero. An extent that would be
 * <= 0 is an error (the kernel is larger than the padded input).
 *
 * Counts (a MAC is one multiply-accumulate; the bias add is one FLOP per
 * output element):
 *   Conv           MACs = N * C_out * prod(out) * (C_in/group) * prod(K)
 *                       = numel(Y) * W[1] * prod(K)
 *   ConvTranspose  MACs = N * C_in * prod(in) * (C_out/group) * prod(K)
 *                       = numel(X) * W[1] * prod(K)
 *                  (every input element is scattered through the kernel)
 *   FLOPs = 2 * MACs + (B present ? numel(Y) : 0)
 * DeformConv (opset 19): X, W, offset, optional B (input 3) and mask
 *   (input 4); Conv's attributes (no auto_pad) and offset_group G (default
 *   1, divides C_in). Y is Conv's. offset is (N, G*prod(K)*k, out...) -- a
 *   displacement per axis of every kernel tap --, mask (N, G*prod(K),
 *   out...). Each tap samples X at a fractional position by k-linear
 *   interpolation of its 2^k neighbours (the spec's reference: GridSample,
 *   bilinear, for k = 2), then the convolution runs on the samples:
 *     MACs  = Conv's
 *     samples = N * C_in * prod(out) * prod(K)   one per input channel and tap
 *     points  = N * G * prod(out) * prod(K)      sampling positions
 *     FLOPs = 2*MACs + numel(Y) with B
 *           + samples * (2^(k+1) - 1)   (2^k products, 2^k - 1 adds)
 *           + samples with mask         (one multiply)
 *           + points * (4k + 2^k (k-1)) (per axis: the offset add, floor,
 *             fraction, 1 - fraction; the 2^k corner weights' products)
 *   k = 2: 7 per sample, 12 per point. offset and mask are activations,
 *   never parameters.
 * FusedConv: Conv's inputs, attributes, shape and MACs, plus input 3, Z
 *   (optional, Y's shape, added to the output: ORT's Conv + Add fusion),
 *   and attribute activation (absent: none) with activation_params:
 *   Relu, Tanh, Sigmoid (none), LeakyRelu (alpha), Clip (min, max),
 *   HardSigmoid (alpha, beta) -- the activations ONNX Runtime fuses.
 *   FLOPs = Conv's + numel(Y) with Z + numel(Y) * the activation's FLOPs
 *   per element as its own ONNX row states (Relu 1, Tanh 1, Sigmoid 4,
 *   LeakyRelu 2, Clip 2, HardSigmoid 4; activation.c).
 * NhwcConv (com.microsoft; ONNX Runtime's transformer optimiser writes it
 *   into Stable Diffusion UNets, CUDA kernels only): Conv in channels-last
 *   layout. X is (N, D1..Dk, C), W is (M, K1..Kk, C/group) -- the layout
 *   the optimiser writes (it transposes Conv's weight with perm
 *   0, 2, ..., 1), the CUDA kernel reads and ORT's symbolic shape
 *   inference assumes; ContribOperators.md's text for X and W is copied
 *   from Conv's --, Y is (N, D1'..Dk', M). Conv's attributes, shape rules
 *   and counts apply to a channels-first view of X, W and Y, so MACs and
 *   FLOPs are Conv's (error messages name the view's axes).
 * NhwcFusedConv (com.microsoft; ONNX Runtime's NHWC transformer writes it
 *   for float16 Conv/FusedConv on CPUs with fp16 kernels, ARM64 mostly):
 *   FusedConv in channels-last layout. X is (N, D1..Dk, C) and Z, when
 *   given, has Y's shape (N, D1'..Dk', M); W keeps Conv's layout
 *   (M, C/group, K1..Kk) -- unlike NhwcConv's: ContribOperators.md, the
 *   schema's shape inference (only X and Y are transposed) and the CPU
 *   kernel (fp16_conv.cc reorders W from M, C/group, kH, kW) agree.
 *   FusedConv's attributes, activations, shape rules and counts apply to
 *   the channels-first view of X, Z and Y.
 * com.microsoft.nchwc Conv (ONNX Runtime's level-'all' optimiser on CPUs):
 *   FusedConv's inputs (X, W, B, Sum), attributes, shape and counts on the
 *   blocked layout. The optimiser pads W's output channels (and a blocked
 *   input's channels) with zeros up to the CPU's channel block (8 with
 *   AVX2, 16 with AVX-512), so C_out = W[0] is the padded count and the
 *   MACs include the padded channels -- the work the kernel does; the
 *   ReorderOutput that leaves the layout names the real count.
 * Params: W and B when they are weights (the default mask is kept).
 *
 * Unknown extents (-1) make the dependent output extents unknown and skip
 * the consistency checks that need them; Y's element type is X's.
 */
#include "families.h"
#include "values.h"
#include "window.h"

#include <string.h>

static const char *op_name(const struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_CONV_TRANSPOSE ? "ConvTranspose"
         : c->op_id == PR_OP_DEFORM_CONV ? "DeformConv"
         : c->op_id == PR_OP_FUSED_CONV ? "FusedConv"
         : c->op_id == PR_OP_NHWC_CONV ? "NhwcConv"
         : c->op_id == PR_OP_NHWC_FUSED_CONV ? "NhwcFusedConv"
         : c->op_id == PR_OP_NCHWC_CONV ? "nchwc Conv" : "Conv";
}

/* Checks X and W, reads every window attribute into g. X's rank, W's rank
 * and kernel_shape must agree; warn only when asked (shape, not cost). */
static int read_geom(struct pr_op_ctx *c, struct pr_window *g, int64_t *group, bool warn)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape, *w = &pr_input(c, 1)->shape;
    if (x->rank < 3)
        return pr_op_error(c, "input has rank %d; %s needs (N, C, D1, ...) with at "
                           "least one spatial dim", x->rank, op_name(c));
    if (w->rank != x->rank)
        return pr_op_error(c, "weight has rank %d but input has rank %d",
                           w->rank, x->rank);
    int k = g->k = x->rank - 2;
    *group = pr_attr_int(c, "group", 1);
    if (c->failed)
        return -1;
    if (*group < 1)
        return pr_op_error(c, "group is %lld; it must be >= 1", (long long)*group);

    int64_t ks[PR_MAX_RANK];
    if (pr_window_ints(c, "kernel_shape", ks, k, -1, 1, k) < 0)
        return -1;
    for (int i = 0; i < k; i++) {
        int64_t wk = w->dim[i + 2];
        if (ks[i] >= 0 && wk >= 0 && ks[i] != wk)
            return pr_op_error(c, "kernel_shape[%d] is %lld but the weight's kernel "
                               "extent (axis %d) is %lld", i, (long long)ks[i],
                               i + 2, (long long)wk);
        if (ks[i] < 0 && wk == 0)
            return pr_op_error(c, "weight has kernel extent 0 on axis %d", i + 2);
        g->kernel[i] = ks[i] >= 0 ? ks[i] : wk;
    }
    return pr_window_read(c, g, k, warn);
}

/* The input that holds B: 3 after ConvTransposeWithDynamicPads's pads. */
static int bias_input(const struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_CONVT_DYNAMIC_PADS ? 3 : 2;
}

/* B, when present, is (C_out). */
static int check_bias(struct pr_op_ctx *c, int64_t c_out)
{
    const struct pr_tensor *bias = pr_input(c, bias_input(c));
    if (!bias)
        return 0;
    if (bias->shape.rank != 1)
        return pr_op_error(c, "bias has rank %d; it must be 1-D (C_out)", bias->shape.rank);
    int64_t n = bias->shape.dim[0];
    if (n >= 0 && c_out >= 0 && n != c_out)
        return pr_op_error(c, "bias has %lld values but there are %lld output channels",
                           (long long)n, (long long)c_out);
    return 0;
}

int conv_shape(struct pr_op_ctx *c)
{
    struct pr_window g;
    int64_t group;
    if (read_geom(c, &g, &group, true) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    const struct pr_shape *w = &pr_input(c, 1)->shape;
    int64_t c_in = x->shape.dim[1], c_out = w->dim[0], per_group = w->dim[1], need;
    if (c_out >= 0 && c_out % group != 0)
        return pr_op_error(c, "output channels %lld (weight axis 0) are not divisible "
                           "by group %lld", (long long)c_out, (long long)group);
    if (c_in >= 0 && c_in % group != 0)
        return pr_op_error(c, "input channels %lld are not divisible by group %lld",
                           (long long)c_in, (long long)group);
    if (c_in >= 0 && per_group >= 0 &&
        (__builtin_mul_overflow(per_group, group, &need) || need != c_in))
        return pr_op_error(c, "input has %lld channels but weight expects %lld x group %lld",
                           (long long)c_in, (long long)per_group, (long long)group);
    if (check_bias(c, c_out) < 0)
        return -1;

    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    y->shape.dim[0] = x->shape.dim[0];
    y->shape.dim[1] = c_out;
    for (int i = 0; i < g.k; i++)
        if (pr_window_extent(c, &g, i, x->shape.dim[i + 2], false, &y->shape.dim[i + 2]) < 0)
            return -1;
    return 0;
}

/* W[1] * prod(K): the MACs per output element (Conv) or per input element
 * (ConvTranspose). Kernel extents unknown in W come from kernel_shape. */
static uint64_t macs_per_element(struct pr_op_ctx *c)
{
    const struct pr_shape *w = &pr_input(c, 1)->shape;
    int64_t ks[2 * PR_MAX_RANK];
    int n = pr_attr_ints(c, "kernel_shape", ks, 2 * PR_MAX_RANK);
    uint64_t v = 1;
    for (int i = 1; i < w->rank; i++) {
        int64_t e = w->dim[i];
        if (e < 0 && i >= 2 && n == w->rank - 2)
            e = ks[i - 2];
        if (e < 0) {
            c->incomplete = true;
            return 0;
        }
        v = pr_mul(c, v, (uint64_t)e);
    }
    return v;
}

/* FLOPs = 2 * MACs + one bias add per output element when B is present. */
static void finish_cost(struct pr_op_ctx *c, struct pr_cost *k, uint64_t macs)
{
    k->macs = macs;
    k->flops = pr_mul(c, 2, macs);
    if (pr_input(c, bias_input(c)))
        k->flops = pr_add(c, k->flops, pr_numel(c, &c->out[0]->shape));
}

/* Depthwise: every group has one input channel (W is C_out x 1 x K...) and
 * there is more than one channel (X's C_in > 1). */
static bool depthwise(struct pr_op_ctx *c)
{
    const struct pr_tensor *x = pr_input(c, 0), *w = pr_input(c, 1);
    return x && w && x->shape.rank >= 3 && w->shape.rank >= 3 && w->shape.dim[1] == 1 && x->shape.dim[1] > 1;
}

int conv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->kernel = depthwise(c) ? PR_KERNEL_DEPTHWISE
              : pr_attr_int(c, "group", 1) > 1 ? PR_KERNEL_GROUPED : PR_KERNEL_CONV;
    uint64_t per = macs_per_element(c);
    finish_cost(c, k, pr_mul(c, pr_numel(c, &c->out[0]->shape), per));
    return c->failed ? -1 : 0;
}

/* ---- DeformConv ---- */

/* c seen as a Conv of X, W and B (DeformConv's input 3) in sub. */
static void deform_view(struct pr_op_ctx *sub, struct pr_op_ctx *c)
{
    *sub = *c;
    sub->in[2] = (struct pr_tensor *)pr_input(c, 3);
    sub->nin = sub->in[2] ? 3 : 2;
}

/* offset_group, after checking it divides the input channels; -1 on error. */
static int64_t offset_groups(struct pr_op_ctx *c)
{
    int64_t g = pr_attr_int(c, "offset_group", 1), c_in = pr_input(c, 0)->shape.dim[1];
    if (c->failed)
        return -1;
    if (g < 1 || (c_in >= 0 && c_in % g))
        return pr_op_error(c, "offset_group is %lld; it must be >= 1 and divide the %lld input channels",
                           (long long)g, (long long)c_in);
    return g;
}

/* Input i (offset or mask) must be (N, per_point * G * prod(K), Y's spatial extents). */
static int check_field(struct pr_op_ctx *c, int i, const char *what, int64_t per_point, int64_t g)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    const struct pr_shape *f = &t->shape, *y = &c->out[0]->shape, *w = &pr_input(c, 1)->shape;
    int64_t want;
    bool ovf = __builtin_mul_overflow(per_point, g, &want);
    for (int d = 2; d < w->rank && want >= 0 && !ovf; d++) {
        if (w->dim[d] < 0)
            want = -1;
        else
            ovf = __builtin_mul_overflow(want, w->dim[d], &want);
    }
    if (ovf)
        return pr_op_error(c, "%s: offset_group %lld times the kernel's taps overflows int64", what, (long long)g);
    bool ok = f->rank == y->rank && pr_dim_agree(f->dim[0], y->dim[0]) != -2 &&
              pr_dim_agree(f->dim[1], want) != -2;
    for (int d = 2; ok && d < y->rank; d++)
        ok = pr_dim_agree(f->dim[d], y->dim[d]) != -2;
    if (ok)
        return 0;
    char sf[160], sy[160];
    return pr_op_error(c, "%s has shape %s but must be (N, %lld, the output's extents) for Y %s", what,
                       pr_shape_str(f, sf, sizeof sf), (long long)want, pr_shape_str(y, sy, sizeof sy));
}

int deform_conv_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0)
        return -1;
    if (c->nin > 5 || c->nout > 1)
        return pr_op_error(c, "DeformConv takes at most 5 inputs and has 1 output but the node has %d and %d",
                           c->nin, c->nout);
    struct pr_op_ctx sub;
    deform_view(&sub, c);
    int rc = conv_shape(&sub);
    c->failed |= sub.failed;
    c->structural |= sub.structural;
    c->overflow |= sub.overflow;
    if (rc < 0 || c->failed)
        return -1;
    int64_t g = offset_groups(c);
    if (g < 0)
        return -1;
    int k = pr_input(c, 0)->shape.rank - 2;
    return check_field(c, 2, "offset", k, g) < 0 || check_field(c, 4, "mask", 1, g) < 0 ? -1 : 0;
}

int deform_conv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    deform_view(&sub, c);
    k->kernel = pr_attr_int(c, "group", 1) > 1 ? PR_KERNEL_GROUPED : PR_KERNEL_CONV;
    uint64_t per = macs_per_element(&sub);
    finish_cost(&sub, k, pr_mul(&sub, pr_numel(&sub, &c->out[0]->shape), per));
    c->incomplete |= sub.incomplete;
    c->overflow |= sub.overflow;
    int64_t g = offset_groups(c);
    if (g < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape, *w = &pr_input(c, 1)->shape, *y = &c->out[0]->shape;
    int ks = x->rank - 2;
    /* taps * out positions * N, then per input channel (samples) or offset group (points) */
    struct pr_shape at = {.rank = 0};
    at.dim[at.rank++] = y->dim[0];
    for (int d = 2; d < y->rank; d++)
        at.dim[at.rank++] = y->dim[d];
    for (int d = 2; d < w->rank; d++)
        at.dim[at.rank++] = w->dim[d];
    uint64_t taps = pr_numel(c, &at);
    uint64_t samples = pr_mul(c, taps, x->dim[1] < 0 ? 0 : (uint64_t)x->dim[1]);
    uint64_t points = pr_mul(c, taps, (uint64_t)g);
    if (x->dim[1] < 0)
        c->incomplete = true;
    uint64_t corners = 1ull << ks;
    uint64_t extra = pr_mul(c, samples, 2 * corners - 1 + (pr_input(c, 4) ? 1 : 0));
    extra = pr_add(c, extra, pr_mul(c, points, 4 * (uint64_t)ks + corners * (uint64_t)(ks - 1)));
    k->flops = pr_add(c, k->flops, extra);
    k->weight_mask &= ~((1ull << 2) | (1ull << 4));   /* offset, mask */
    return c->failed ? -1 : 0;
}

/* ---- FusedConv ---- */

/* The fused activation's row of the ONNX table (NULL: none), after checking
 * its name and the count of activation_params. */
static int fused_activation(struct pr_op_ctx *c, const struct pr_op **act)
{
    static const struct { const char *name; int params; } known[] = {
        {"Relu", 0}, {"Tanh", 0}, {"Sigmoid", 0}, {"LeakyRelu", 1}, {"Clip", 2},
        {"HardSigmoid", 2}};
    *act = NULL;
    if (!pr_attr_has(c, "activation"))
        return 0;
    const char *name = pr_attr_str(c, "activation", "");
    int np = pr_attr_count(c, "activation_params");
    if (c->failed)
        return -1;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(name, known[i].name) != 0)
            continue;
        if (known[i].params && np != known[i].params)
            return pr_op_error(c, "activation %s needs %d activation_params but the node has %d",
                               name, known[i].params, np < 0 ? 0 : np);
        *act = pr_op_find("", name);
        return 0;
    }
    return pr_op_error(c, "activation is '%s'; %s fuses Relu, Tanh, Sigmoid, LeakyRelu, "
                       "Clip or HardSigmoid", name, op_name(c));
}

/* Z (input 3), when given, must have the output's shape y. */
static int check_sum(struct pr_op_ctx *c, const struct pr_shape *y)
{
    const struct pr_tensor *z = pr_input(c, 3);
    bool same = z && z->shape.rank == y->rank;
    for (int i = 0; same && i < y->rank; i++)
        same = z->shape.dim[i] < 0 || y->dim[i] < 0 || z->shape.dim[i] == y->dim[i];
    if (z && !same) {
        char sz[256], sy[256];
        return pr_op_error(c, "Z is %s but the output is %s; the sum input must have the "
                           "output's shape", pr_shape_str(&z->shape, sz, sizeof sz),
                           pr_shape_str(y, sy, sizeof sy));
    }
    return 0;
}

int fconv_shape(struct pr_op_ctx *c)
{
    const struct pr_op *act;
    if (c->nin > 4)
        return pr_op_error(c, "%d inputs; %s takes at most 4 (X, W, B, Z)", c->nin, op_name(c));
    if (fused_activation(c, &act) < 0 || conv_shape(c) < 0)
        return -1;
    return check_sum(c, &c->out[0]->shape);
}

int fconv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_op *act;
    if (fused_activation(c, &act) < 0 || conv_cost(c, k) < 0)
        return -1;
    uint64_t ny = pr_numel(c, &c->out[0]->shape);
    uint64_t per = (pr_input(c, 3) ? 1 : 0) + (act ? (uint64_t)act->flops_per_elem : 0);
    k->flops = pr_add(c, k->flops, pr_mul(c, per, ny));
    return 0;
}

/* ---- NhwcConv: Conv on a channels-first view ---- */

/* sub: c with X seen channels first (view[0] holds the copy), and W too
 * (view[1]) when w_too: NhwcConv's weight (M, K1.., C/group). */
static void nhwc_view(struct pr_op_ctx *sub, struct pr_op_ctx *c, struct pr_tensor *view, bool w_too)
{
    *sub = *c;
    for (int i = 0; i < (w_too ? 2 : 1); i++) {
        const struct pr_tensor *t = pr_input(c, i);
        if (!t)
            continue;
        view[i] = *t;
        view[i].cval = NULL;
        pr_window_channels(&view[i].shape, true);
        sub->in[i] = &view[i];
    }
}

static int nhwc_done(struct pr_op_ctx *c, const struct pr_op_ctx *sub, int rc)
{
    c->failed |= sub->failed;
    c->structural |= sub->structural;
    c->overflow |= sub->overflow;
    c->incomplete |= sub->incomplete;
    return rc < 0 || c->failed ? -1 : 0;
}

/* X must be (N, D1.., C); W's axis w_axis times group must be C. */
static int nhwc_check(struct pr_op_ctx *c, int max_in, int w_axis, const char *w_layout)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > max_in)
        return pr_op_error(c, "%d inputs; %s takes at most %d (X, W, B%s)", c->nin, op_name(c),
                           max_in, max_in > 3 ? ", Z" : "");
    const struct pr_shape *xs = &pr_input(c, 0)->shape, *ws = &pr_input(c, 1)->shape;
    int64_t group = pr_attr_int(c, "group", 1), need;
    char bx[160], bw[160];
    if (xs->rank < 3)
        return pr_op_error(c, "X is %s; %s needs (N, D1, ..., C) with at least one "
                           "spatial dim", pr_shape_str(xs, bx, sizeof bx), op_name(c));
    if (ws->rank == xs->rank && group >= 1) {
        int64_t ch = xs->dim[xs->rank - 1], per = ws->dim[w_axis < 0 ? ws->rank - 1 : w_axis];
        if (ch >= 0 && per >= 0 && (__builtin_mul_overflow(per, group, &need) || need != ch))
            return pr_op_error(c, "W is %s but %s's weight is %s: its %s axis %lld x group %lld "
                               "must be X's %lld channels (X is %s, channels last)",
                               pr_shape_str(ws, bw, sizeof bw), op_name(c), w_layout,
                               w_axis < 0 ? "last" : "second", (long long)per, (long long)group,
                               (long long)ch, pr_shape_str(xs, bx, sizeof bx));
    }
    return c->failed ? -1 : 0;
}

int nhwc_conv_shape(struct pr_op_ctx *c)
{
    if (nhwc_check(c, 3, -1, "(M, K1.., C/group)") < 0)
        return -1;
    struct pr_op_ctx sub;
    struct pr_tensor view[2];
    nhwc_view(&sub, c, view, true);
    if (nhwc_done(c, &sub, conv_shape(&sub)) < 0)
        return -1;
    pr_window_channels(&c->out[0]->shape, false);
    return 0;
}

int nhwc_conv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_tensor view[2];
    nhwc_view(&sub, c, view, true);
    return nhwc_done(c, &sub, conv_cost(&sub, k));
}

/* ---- NhwcFusedConv: FusedConv on a channels-first view of X and Y ---- */

int nhwc_fconv_shape(struct pr_op_ctx *c)
{
    const struct pr_op *act;
    if (nhwc_check(c, 4, 1, "(M, C/group, K1..)") < 0 || fused_activation(c, &act) < 0)
        return -1;
    struct pr_op_ctx sub;
    struct pr_tensor view[1];
    nhwc_view(&sub, c, view, false);
    if (nhwc_done(c, &sub, conv_shape(&sub)) < 0)
        return -1;
    pr_window_channels(&c->out[0]->shape, false);
    return check_sum(c, &c->out[0]->shape);
}

int nhwc_fconv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_tensor view[1];
    nhwc_view(&sub, c, view, false);
    return nhwc_done(c, &sub, fconv_cost(&sub, k));
}

/* ConvTranspose output extent along spatial axis i (no output_shape). */
static int convt_extent(struct pr_op_ctx *c, const struct pr_window *g, const int64_t *opad,
                        int i, int64_t d_in, int64_t *out)
{
    int64_t s = g->stride[i], dk, v;
    *out = -1;
    if (d_in < 0)
        return 0;
    if (g->mode == PR_PAD_SAME_UPPER || g->mode == PR_PAD_SAME_LOWER) {
        if (__builtin_mul_overflow(d_in, s, out))
            return pr_op_error(c, "axis %d: output extent %lld*%lld overflows int64",
                               i + 2, (long long)d_in, (long long)s);
    } else {
        if (g->kernel[i] < 0)
            return 0;
        if (pr_window_eff_kernel(c, g, i, &dk) < 0)
            return -1;
        if (__builtin_mul_overflow(d_in - 1, s, &v) || __builtin_add_overflow(v, opad[i], &v) ||
            __builtin_add_overflow(v, dk, &v) || __builtin_sub_overflow(v, g->pad[i], &v) ||
            __builtin_sub_overflow(v, g->pad[g->k + i], &v))
            return pr_op_error(c, "axis %d: output extent overflows int64", i + 2);
        *out = v;
        if (v <= 0)
            return pr_op_error(c, "axis %d: output extent would be %lld = %lld*(%lld-1)+%lld+%lld"
                               "-%lld-%lld; the pads are larger than the output",
                               i + 2, (long long)v, (long long)s, (long long)d_in,
                               (long long)opad[i], (long long)dk, (long long)g->pad[i],
                               (long long)g->pad[g->k + i]);
    }
    if (*out <= 0)
        return pr_op_error(c, "axis %d: output extent would be %lld (input extent %lld)",
                           i + 2, (long long)*out, (long long)d_in);
    return 0;
}

/* output_shape: k values, or k + 2 with N and C leading. Returns how many
 * spatial values were written to os (k), 0 when absent, -1 on error. */
static int read_output_shape(struct pr_op_ctx *c, int k, int64_t *os)
{
    int64_t buf[2 * PR_MAX_RANK];
    int got = pr_attr_ints(c, "output_shape", buf, 2 * PR_MAX_RANK);
    if (c->failed)
        return -1;
    if (got <= 0)
        return 0;
    if (got != k && got != k + 2)
        return pr_op_error(c, "output_shape has %d values but the input has %d spatial "
                           "dims (expected %d, or %d with N and C)", got, k, k, k + 2);
    for (int i = 0; i < k; i++) {
        os[i] = buf[got - k + i];
        if (os[i] <= 0)
            return pr_op_error(c, "output_shape[%d] is %lld; it must be >= 1",
                               got - k + i, (long long)os[i]);
    }
    return k;
}

/* ConvTransposeWithDynamicPads: input 2, when present, replaces the pads
 * attribute (2k int64 values, begins then ends, each >= 0; ONNX Runtime's
 * DoConvTranspose with dynamic padding). 1 when its values are known or
 * the input is absent, 0 when they are not (the extents they decide are
 * unknown), -1 on error. With auto_pad set they are ignored, as the
 * attribute is. */
static int dynamic_pads(struct pr_op_ctx *c, struct pr_window *g)
{
    if (c->op_id != PR_OP_CONVT_DYNAMIC_PADS || !pr_input(c, 2))
        return 1;
    int64_t v[2 * PR_MAX_RANK];
    int n, got = pr_int_list(c, 2, "Pads", v, 2 * PR_MAX_RANK, &n, false);
    if (got < 0)
        return -1;
    if (n >= 0 && n != 2 * g->k)
        return pr_op_error(c, "Pads (input 2) has %d values; %d spatial dims need %d", n, g->k, 2 * g->k);
    if (g->mode != PR_PAD_NOTSET)   /* auto_pad decides the pads, as for the attribute */
        return 1;
    if (got == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0)
            return pr_op_error(c, "Pads[%d] is %lld; pads must be >= 0", i, (long long)v[i]);
        g->pad[i] = v[i];
    }
    return 1;
}

int convt_shape(struct pr_op_ctx *c)
{
    struct pr_window g;
    int64_t group;
    if (read_geom(c, &g, &group, true) < 0)
        return -1;
    int pads_known = dynamic_pads(c, &g);
    if (pads_known < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    const struct pr_shape *w = &pr_input(c, 1)->shape;
    int64_t c_in = x->shape.dim[1], w_in = w->dim[0], per_group = w->dim[1], c_out = -1;
    if (c_in >= 0 && c_in % group != 0)
        return pr_op_error(c, "input channels %lld are not divisible by group %lld",
                           (long long)c_in, (long long)group);
    if (w_in >= 0 && w_in % group != 0)
        return pr_op_error(c, "weight axis 0 (%lld input channels) is not divisible by "
                           "group %lld", (long long)w_in, (long long)group);
    if (c_in >= 0 && w_in >= 0 && c_in != w_in)
        return pr_op_error(c, "input has %lld channels but weight axis 0 is %lld",
                           (long long)c_in, (long long)w_in);
    if (per_group >= 0 && __builtin_mul_overflow(per_group, group, &c_out))
        return pr_op_error(c, "output channels %lld x group %lld overflow int64",
                           (long long)per_group, (long long)group);
    if (check_bias(c, c_out) < 0)
        return -1;

    int64_t opad[PR_MAX_RANK], os[PR_MAX_RANK];
    if (pr_window_ints(c, "output_padding", opad, g.k, 0, 0, g.k) < 0)
        return -1;
    for (int i = 0; i < g.k; i++)
        if (opad[i] >= g.stride[i] && opad[i] >= g.dil[i])
            pr_op_warn(c, "output_padding[%d] = %lld is not smaller than the stride or "
                       "the dilation", i, (long long)opad[i]);
    int nos = read_output_shape(c, g.k, os);
    if (nos < 0)
        return -1;

    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    y->shape.dim[0] = x->shape.dim[0];
    y->shape.dim[1] = c_out;
    for (int i = 0; i < g.k; i++) {
        if (nos)
            y->shape.dim[i + 2] = os[i];
        else if (!pads_known)
            y->shape.dim[i + 2] = -1;
        else if (convt_extent(c, &g, opad, i, x->shape.dim[i + 2], &y->shape.dim[i + 2]) < 0)
            return -1;
    }
    return 0;
}

int convt_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->kernel = pr_attr_int(c, "group", 1) > 1 ? PR_KERNEL_GROUPED : PR_KERNEL_CONV;
    uint64_t per = macs_per_element(c);
    finish_cost(c, k, pr_mul(c, pr_numel(c, &pr_input(c, 0)->shape), per));
    return c->failed ? -1 : 0;
}
