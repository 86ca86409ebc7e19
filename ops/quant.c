/* quant.c -- quantized and low-precision operators.
 *
 * ONNX: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
 * QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger.
 * com.microsoft (what ONNX Runtime's quantizer emits): QuantizeLinear and
 * DequantizeLinear (its QDQ format with UseQDQContribOps, and for 16-bit
 * and 4-bit types: ONNX's inputs, attributes, shapes and counts), QLinearAdd,
 * QLinearMul, QLinearSigmoid, QLinearLeakyRelu, QLinearGlobalAveragePool,
 * QLinearAveragePool, QLinearSoftmax, QLinearConcat, QGemm,
 * DynamicQuantizeMatMul, MatMulIntegerToFloat,
 * QLinearWhere, QLinearReduceMean, MatMulNBits, MatMulBnb4, MatMulFpQ4,
 * GatherBlockQuantized, and QLinearConv (ONNX's inputs and
 * counts, plus attribute channels_last, default 0: with 1, X and Y are
 * (N, D1..Dk, C) -- the layout ONNX Runtime's level-'all' optimiser gives
 * it between two Transposes).
 *
 * Shapes. The products reuse the plain operators' shape and cost functions
 * (conv.c with window.c's rules, gemm.c, layout.c's Concat) on a view of
 * the node whose inputs are renumbered to the plain operator's (x, w, B),
 * so windows, groups, broadcasting and every error are exactly Conv's,
 * Gemm's, MatMul's and Concat's. Output element types (the spec's):
 *   QuantizeLinear   y_zero_point's type; else output_dtype; else uint8
 *   DequantizeLinear output_dtype; else x_scale's type (float before 19)
 *   QLinearConv, QLinearMatMul          y_zero_point's type
 *   ConvInteger, MatMulInteger          int32
 *   QLinearAdd/Mul/Sigmoid/LeakyRelu/GlobalAveragePool/AveragePool/Softmax/
 *   Concat: the input's
 *   QGemm            y_zero_point's type (uint8 without it) when y_scale is
 *                    given, else float
 *   QLinearWhere, QLinearReduceMean     X's (data's)
 *   DynamicQuantizeMatMul, MatMulNBits, MatMulBnb4  A's type (float)
 *   MatMulIntegerToFloat                a_scale's type (float or float16)
 *   GatherBlockQuantized                scales' type
 * Scales and zero points: a zero point has its scale's shape. Quantize/
 * DequantizeLinear take a scalar (or one value) per tensor, a 1-D scale of
 * x's extent along `axis` (default 1) per axis, or with `block_size` > 0 a
 * scale of x's rank whose extent along axis is ceil(D_axis / block_size)
 * and the others x's. Elsewhere a scale holds one value or one per output
 * channel / row / column as the op allows.
 *
 * Counts (each +, -, x, /, round and compare is 1; saturate = clamp to
 * the type's range = 2 compares). Zero-point arithmetic is counted only
 * when the zero point is given (absent, it is 0 and nothing is done; the
 * ops that require one always count it):
 *   QuantizeLinear   y = saturate(round(x / y_scale) + y_zero_point)
 *                    FLOPs = (4 + zp) * numel(x)    (div, round, 2 clamp; + add)
 *   DequantizeLinear y = (x - x_zero_point) * x_scale
 *                    FLOPs = (1 + zp) * numel(x)
 *   DynamicQuantizeLinear
 *                    x_min = min(0, min(x)), x_max = max(0, max(x))  2 per element
 *                    y_scale = (x_max - x_min) / 255                 2
 *                    zp = saturate(round(0 - x_min / y_scale))      5 (div, sub,
 *                                                                     round, 2 clamp)
 *                    y = saturate(round(x / y_scale) + zp)           5 per element
 *                    FLOPs = 7 * numel(x) + 7
 *   Integer products: the zero points are subtracted once per element of
 *   each operand (runtimes fold them into row/column sums; the spec's
 *   (a - a_zp) * (b - b_zp) per MAC would be an implementation choice), the
 *   int32 accumulator is requantized per output element:
 *     y = saturate(round(acc * (x_scale * w_scale / y_scale)) + y_zero_point)
 *     = 5 per element (mul, round, add, 2 clamp); the scale products are per
 *     channel, not per element, and not counted.
 *   QLinearConv      MACs = Conv's = numel(Y) * C_in/group * prod(K)
 *                    FLOPs = 2*MACs + numel(X) + numel(W) + 5*numel(Y)
 *                            + numel(Y) with B (int32 bias add)
 *   QLinearMatMul    MACs = MatMul's = prod(batch) * M * N * K
 *                    FLOPs = 2*MACs + numel(A) + numel(B) + 5*numel(Y)
 *   ConvInteger      MACs = Conv's;   FLOPs = 2*MACs + numel(X) with x_zero_point
 *                                             + numel(W) with w_zero_point
 *   MatMulInteger    MACs = MatMul's; FLOPs = 2*MACs + numel(A) with a_zero_point
 *                                             + numel(B) with b_zero_point
 *   QGemm            MACs = M*N*K; FLOPs = Gemm's (2*MACs + M*N with C + M*N
 *                    when alpha != 1) + numel(A) with a_zp + numel(B) with b_zp
 *                    + M*N * (float output: 1, the a_scale*b_scale product;
 *                    quantized: 4 + y_zp as QuantizeLinear)
 *   DynamicQuantizeMatMul  A is quantized on the fly, then MatMulInteger,
 *                    then scaled back: FLOPs = 2*MACs + (7*numel(A) + 7)
 *                    + numel(A) (a_zp) + numel(B) with b_zp + numel(Y)
 *                    (x a_scale*b_scale) + numel(Y) with bias
 *   MatMulIntegerToFloat  DynamicQuantizeMatMul after ORT's graph
 *                    optimisation: A arrives quantized (a DynamicQuantizeLinear
 *                    before it), so only MatMulInteger plus the scaling is here:
 *                    MACs = MatMul's; FLOPs = 2*MACs + numel(A) with a_zp
 *                    + numel(B) with b_zp + numel(Y) (x a_scale*b_scale)
 *                    + numel(Y) with bias. a_scale and a_zero_point hold one
 *                    value (the spec's "one per column of A" cannot be
 *                    factored out of the product; onnxruntime's CPU kernel
 *                    refuses it), b_scale/b_zero_point one or one per
 *                    column of B, bias B's N columns.
 *   MatMulNBits      attributes K, N, bits (default 4), block_size; B is
 *                    uint8 [N, ceil(K/block_size), block_size*bits/8]
 *                    (or those two last extents flattened); scales and zero
 *                    points per block. MACs = prod(batch) * M * N * K, the
 *                    logical product A x dequant(B)^T.
 *                    FLOPs = 2*MACs + 2*N*K (dequantize every weight once:
 *                    sub zero point -- the default is 2^(bits-1) --, mul
 *                    scale) + numel(Y) with bias.
 *   MatMulFpQ4       (ONNX Runtime 1.16's int4 weights, what Intel Neural
 *                    Compressor wrote before MatMulNBits) A, B a 1-D uint8
 *                    blob of int4 blocks of 32 with their scales (and zero
 *                    points, blk_quant_type 1, the default), B_shape int64
 *                    (K, N): MatMul's shape and MACs with B (K, N); B_shape
 *                    unknown leaves Y's last extent unknown. FLOPs = 2*MACs
 *                    + (1 + zp)*N*K (dequantize every weight once).
 *   MatMulBnb4       (bitsandbytes' FP4/NF4 weights: onnxruntime's
 *                    matmul_bnb4_quantizer) attributes K, N, block_size,
 *                    quant_type (0 FP4, 1 NF4) required, transB (1),
 *                    training_mode (0); B uint8 packs N*K 4-bit values (at
 *                    least ceil(N*K/2) elements), absmax one float per
 *                    block (at least ceil(N*K/block_size)). transB 1: A
 *                    (..., K) -> Y (..., N); 0: A (..., N) -> Y (..., K).
 *                    MACs = numel(Y) * (K or N), the logical product;
 *                    FLOPs = 2*MACs + N*K (dequantize every weight once: a
 *                    table lookup, then x absmax).
 *   GatherBlockQuantized  (onnxruntime-genai's int4 embeddings) a Gather of
 *                    block-quantized data, dequantized as it is gathered.
 *                    Attributes bits (4), block_size (128), gather_axis (0),
 *                    quantize_axis (1). data is int4/uint4 (one value per
 *                    element), float8/float4 (scales only; block_size 0 is
 *                    one block for the whole axis and a scales extent of 1
 *                    broadcasts), or uint8 holding 8/bits values along its
 *                    last axis (bits 2, 4, 8; then gather_axis must be 0
 *                    and quantize_axis the last axis). With D the logical
 *                    data shape (uint8: last extent x 8/bits), Y = D[:g] +
 *                    indices + D[g+1:]; scales have D's rank with
 *                    ceil(D_q / block_size) on quantize_axis and D's extents
 *                    elsewhere; zero points have the data's type and the
 *                    scales' shape (uint8: last extent packed,
 *                    ceil(n * bits / 8)). No MACs; FLOPs = (1 + zp) *
 *                    numel(Y): a mul by the scale, a sub of the zero point
 *                    when given, or always for uint8 (default 2^(bits-1)).
 *                    Params: data counts numel(D), the logical values it
 *                    packs (packed_input for uint8), not its bytes.
 *   Elementwise (per output element): dequantize each input (1 + zp: mul
 *   by scale, sub zero point), apply the op, quantize (4 + zp):
 *     QLinearAdd, QLinearMul     (1 + zpA) + (1 + zpB) + 1 + (4 + zpC)  (10 with all)
 *     QLinearSigmoid             (1 + zpX) + 4 + (4 + zpY)              (11 with all)
 *     QLinearLeakyRelu           (1 + zpX) + 2 + (4 + zpY)              (9 with all)
 *     QLinearConcat              7 * numel(Y) (each element requantized:
 *                                sub zp, mul scale, div, round, add zp, 2 clamp)
 *     QLinearGlobalAveragePool   numel(X) (the sums) + numel(Y) * (4 + zpX + zpY)
 *                                (mul by x_scale / (y_scale * count), round,
 *                                2 clamp; sub x_zp * count, add y_zp)
 *     QLinearAveragePool         AveragePool's numel(Y) * prod(K) (pool.c:
 *                                the window's adds and the divide) + numel(Y)
 *                                * (4 + zpX + zpY) as QLinearGlobalAveragePool.
 *                                AveragePool's attributes and shape rules
 *                                (kernel_shape required, ceil_mode,
 *                                dilations absent); with channels_last 1, X
 *                                and Y are (N, D1..Dk, C).
 *     QLinearWhere               1 (the select) + 7 (the chosen value
 *                                requantized to Z's scale, as QLinearConcat)
 *                                = 8 * numel(Z); Z is the broadcast of
 *                                condition, X and Y; all 9 inputs required
 *     QLinearReduceMean          numel(X) (the sums) + numel(Y) * (4 + zpX +
 *                                zpY), as QLinearGlobalAveragePool; axes and
 *                                keepdims required (ONNX Runtime's schema),
 *                                ReduceMean's shape rules (reduce.c)
 *     QLinearSoftmax             (1 + zpX) + 5 (Softmax's) + (4 + zpY) per
 *                                element; Y has X's shape. Attribute opset
 *                                (required) is the replaced Softmax's: axis
 *                                defaults to 1 before 13, -1 from 13.
 *
 * Params: the quantized weights (integer initializers of <= 8 bits are in
 * the default mask) and int32 biases (set explicitly: int32 is not a
 * default weight type -- QLinearConv's B, QGemm's C, and a
 * DequantizeLinear of an int32 initializer, the QDQ form of a bias);
 * scales and zero points are not parameters (bits cleared). MatMulNBits'
 * and MatMulBnb4's B count N * K parameters, the logical weights they pack
 * (packed_input); absmax is a scale;
 * the weight bytes are what the file stores (B's uint8 elements).
 */
#include "families.h"
#include "values.h"
#include "window.h"

#include <stdio.h>
#include <string.h>

/* ---- helpers ---- */

/* A view of c as the plain operator op_id whose input j is c's input
 * map[j] (-1: absent); its shape and cost functions write c's outputs. */
static void view_as(struct pr_op_ctx *sub, struct pr_op_ctx *c, int op_id, const int *map, int n)
{
    *sub = *c;
    sub->op_id = op_id;
    sub->nin = n;
    for (int j = 0; j < PR_MAX_IO; j++)
        sub->in[j] = j < n && map[j] >= 0 ? pr_input(c, map[j]) : NULL;
}

/* Carries the view's flags back to c; 0 or -1. */
static int view_done(struct pr_op_ctx *c, const struct pr_op_ctx *sub, int rc)
{
    c->failed |= sub->failed;
    c->overflow |= sub->overflow;
    c->incomplete |= sub->incomplete;
    return rc < 0 || c->failed ? -1 : 0;
}

static void not_param(struct pr_cost *k, int i)
{
    if (i >= 0 && i < 63)
        k->weight_mask &= ~(1ull << i);
}

/* An int32 bias (or any integer weight) input i counts as parameters. */
static void int_param(struct pr_op_ctx *c, struct pr_cost *k, int i)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (t && t->is_weight && i < 63)
        k->weight_mask |= 1ull << i;
}

static uint64_t has(struct pr_op_ctx *c, int i)
{
    return pr_input(c, i) ? 1 : 0;
}

static uint64_t numel_in(struct pr_op_ctx *c, int i)
{
    const struct pr_tensor *t = pr_input(c, i);
    return t ? pr_numel(c, &t->shape) : 0;
}

static int check_max_inputs(struct pr_op_ctx *c, int max)
{
    if (c->nin > max)
        return pr_op_error(c, "%d inputs; %s takes at most %d", c->nin,
                           pr_op_table[c->op_id].name, max);
    return 0;
}

/* A zero point (input z) has its scale's (input s) shape. */
static int check_zp_shape(struct pr_op_ctx *c, int s, int z, const char *zname)
{
    const struct pr_tensor *st = pr_input(c, s), *zt = pr_input(c, z);
    if (!st || !zt)
        return 0;
    const struct pr_shape *a = &st->shape, *b = &zt->shape;
    bool same = a->rank == b->rank;
    for (int d = 0; same && d < a->rank; d++)
        same = a->dim[d] < 0 || b->dim[d] < 0 || a->dim[d] == b->dim[d];
    int64_t na = 1, nb = 1;   /* one value either way (scalar vs [1]) is the same */
    for (int d = 0; d < a->rank; d++)
        na = a->dim[d] == 1 ? na : -1;
    for (int d = 0; d < b->rank; d++)
        nb = b->dim[d] == 1 ? nb : -1;
    if (same || (na == 1 && nb == 1))
        return 0;
    char sa[256], sb[256];
    return pr_op_error(c, "%s is %s but its scale is %s; they must have the same shape",
                       zname, pr_shape_str(b, sb, sizeof sb), pr_shape_str(a, sa, sizeof sa));
}

/* Input i's element type when present and known (a zero point's gives
 * a quantized output's type, a scale's a dequantized one's), else dflt. */
static int type_of(struct pr_op_ctx *c, int z, int dflt)
{
    const struct pr_tensor *t = pr_input(c, z);
    return t && t->dtype ? t->dtype : dflt;
}

static void set_out(struct pr_tensor *y, int dtype, const struct pr_shape *s)
{
    y->dtype = dtype;
    y->shape = *s;
}

/* ---- QuantizeLinear, DequantizeLinear ---- */

/* x against the scale (input 1): per tensor, per axis or blocked. */
static int check_linear_scale(struct pr_op_ctx *c, const struct pr_shape *x)
{
    int64_t bs = pr_attr_int(c, "block_size", 0), av = pr_attr_int(c, "axis", 1);
    if (c->failed)
        return -1;
    if (bs < 0)
        return pr_op_error(c, "block_size is %lld; it must be >= 0", (long long)bs);
    const struct pr_shape *s = &pr_input(c, 1)->shape;
    char sx[256], ss[256];
    if (s->rank == 0 && bs == 0)
        return 0;
    bool one = s->rank == 1 && s->dim[0] == 1;
    if (bs == 0 && s->rank == 1 && (one || s->dim[0] < 0))
        return 0;
    int axis = pr_axis(av, x->rank);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for x of rank %d", (long long)av, x->rank);
    int64_t d = x->dim[axis];
    if (bs == 0) {
        if (s->rank != 1)
            return pr_op_error(c, "scale is %s; it must be a scalar (per tensor) or 1-D (per "
                               "axis; blocked quantization needs block_size)",
                               pr_shape_str(s, ss, sizeof ss));
        if (d >= 0 && s->dim[0] != d)
            return pr_op_error(c, "scale has %lld values but x is %s with extent %lld on axis %d",
                               (long long)s->dim[0], pr_shape_str(x, sx, sizeof sx),
                               (long long)d, axis);
        return 0;
    }
    if (s->rank != x->rank)
        return pr_op_error(c, "scale is %s but blocked quantization (block_size %lld) needs "
                           "x's rank %d", pr_shape_str(s, ss, sizeof ss), (long long)bs, x->rank);
    for (int i = 0; i < x->rank; i++) {
        int64_t want = x->dim[i];
        if (i == axis && want >= 0)
            want = want / bs + (want % bs != 0);
        if (want >= 0 && s->dim[i] >= 0 && s->dim[i] != want)
            return pr_op_error(c, "scale is %s but x is %s with block_size %lld on axis %d: "
                               "axis %d must be %lld", pr_shape_str(s, ss, sizeof ss),
                               pr_shape_str(x, sx, sizeof sx), (long long)bs, axis, i,
                               (long long)want);
    }
    return 0;
}

/* output_dtype, when given, is a valid type code (0 when absent). */
static int output_dtype(struct pr_op_ctx *c, int *dt)
{
    int64_t od = pr_attr_int(c, "output_dtype", 0);
    if (c->failed)
        return -1;
    if (od < 0 || od >= PR_DT_COUNT || (od > 0 && pr_dtype_bits((int)od) == 0))
        return pr_op_error(c, "output_dtype %lld is not a tensor element type", (long long)od);
    *dt = (int)od;
    return 0;
}

int qlinear_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0 || check_max_inputs(c, 3) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (check_linear_scale(c, &x->shape) < 0 || check_zp_shape(c, 1, 2, "zero point") < 0)
        return -1;
    int od, dt;
    if (output_dtype(c, &od) < 0)
        return -1;
    if (c->op_id == PR_OP_QUANTIZE_LINEAR || c->op_id == PR_OP_MS_QUANTIZE_LINEAR) {
        int zt = type_of(c, 2, 0);
        if (od && zt && od != zt)
            return pr_op_error(c, "output_dtype is %s but y_zero_point is %s; they must agree",
                               pr_dtype_name(od), pr_dtype_name(zt));
        dt = zt ? zt : od ? od : PR_DT_UINT8;
    } else {
        dt = od ? od : type_of(c, 1, PR_DT_FLOAT);
    }
    set_out(c->out[0], dt, &x->shape);
    return 0;
}

int qlinear_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    bool quantize = c->op_id == PR_OP_QUANTIZE_LINEAR || c->op_id == PR_OP_MS_QUANTIZE_LINEAR;
    k->flops = pr_mul(c, (quantize ? 4 : 1) + has(c, 2), numel_in(c, 0));
    not_param(k, 1);
    not_param(k, 2);
    if (!quantize)
        int_param(c, k, 0);
    return 0;
}

/* ---- DynamicQuantizeLinear ---- */

int dynq_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0 || check_max_inputs(c, 1) < 0)
        return -1;
    struct pr_shape scalar = {.rank = 0};
    set_out(c->out[0], PR_DT_UINT8, &pr_input(c, 0)->shape);
    set_out(c->out[1], PR_DT_FLOAT, &scalar);
    set_out(c->out[2], PR_DT_UINT8, &scalar);
    return 0;
}

int dynq_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_add(c, pr_mul(c, 7, numel_in(c, 0)), 7);
    return 0;
}

/* ---- QLinearConv, ConvInteger ---- */

enum { QC_X, QC_XS, QC_XZ, QC_W, QC_WS, QC_WZ, QC_YS, QC_YZ, QC_B };

static bool qlinear(const struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_QLINEAR_CONV || c->op_id == PR_OP_MS_QLINEAR_CONV;
}

/* com.microsoft QLinearConv's channels_last (0 elsewhere). */
static bool channels_last(struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_MS_QLINEAR_CONV && pr_attr_int(c, "channels_last", 0) != 0;
}

/* Moves axis `from` of s to position `to`, shifting the axes between. */
/* The Conv view of c; with channels_last its X is *nchw, a copy of X with
 * the channel axis moved to position 1. */
static void qconv_view(struct pr_op_ctx *c, struct pr_op_ctx *sub, struct pr_tensor *nchw)
{
    if (qlinear(c))
        view_as(sub, c, PR_OP_CONV, (const int[]){QC_X, QC_W, QC_B}, 3);
    else
        view_as(sub, c, PR_OP_CONV, (const int[]){0, 1}, 2);
    if (channels_last(c) && sub->in[0] && sub->in[0]->shape.rank >= 3) {
        *nchw = *sub->in[0];
        pr_window_channels(&nchw->shape, true);
        sub->in[0] = nchw;
    }
}

int qconv_shape(struct pr_op_ctx *c)
{
    bool ql = qlinear(c);
    if (pr_op_require(c, ql ? 8 : 2) < 0 || check_max_inputs(c, ql ? 9 : 4) < 0)
        return -1;
    struct pr_op_ctx sub;
    struct pr_tensor nchw;
    qconv_view(c, &sub, &nchw);
    if (view_done(c, &sub, conv_shape(&sub)) < 0)
        return -1;
    int64_t cout = c->out[0]->shape.dim[1];
    if (channels_last(c))
        pr_window_channels(&c->out[0]->shape, false);
    if (ql) {
        if (pr_op_check_qparam(c, QC_XS, "x_scale", -1, NULL) < 0 ||
            pr_op_check_qparam(c, QC_XZ, "x_zero_point", -1, NULL) < 0 ||
            pr_op_check_qparam(c, QC_WS, "w_scale", cout, "output channel") < 0 ||
            check_zp_shape(c, QC_WS, QC_WZ, "w_zero_point") < 0 ||
            pr_op_check_qparam(c, QC_YS, "y_scale", -1, NULL) < 0 ||
            pr_op_check_qparam(c, QC_YZ, "y_zero_point", -1, NULL) < 0)
            return -1;
        c->out[0]->dtype = type_of(c, QC_YZ, PR_DT_UINT8);
    } else {
        if (pr_op_check_qparam(c, 2, "x_zero_point", -1, NULL) < 0 ||
            pr_op_check_qparam(c, 3, "w_zero_point", cout, "output channel") < 0)
            return -1;
        c->out[0]->dtype = PR_DT_INT32;
    }
    return 0;
}

int qconv_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_tensor nchw;
    struct pr_cost ck = {0};
    qconv_view(c, &sub, &nchw);
    if (view_done(c, &sub, conv_cost(&sub, &ck)) < 0)
        return -1;
    k->macs = ck.macs;
    k->flops = ck.flops;   /* 2*MACs, + numel(Y) with B */
    k->kernel = ck.kernel;   /* conv, grouped or depthwise as Conv's */
    uint64_t ny = pr_numel(c, &c->out[0]->shape);
    if (qlinear(c)) {
        k->flops = pr_add(c, k->flops, pr_add(c, numel_in(c, QC_X), numel_in(c, QC_W)));
        k->flops = pr_add(c, k->flops, pr_mul(c, 5, ny));
        for (int i = QC_XS; i <= QC_YZ; i++)
            if (i != QC_W)
                not_param(k, i);
        int_param(c, k, QC_B);
    } else {
        k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 2), numel_in(c, 0)));
        k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 3), numel_in(c, 1)));
        not_param(k, 2);
        not_param(k, 3);
    }
    return 0;
}

/* ---- QLinearMatMul, MatMulInteger ---- */

enum { QM_A, QM_AS, QM_AZ, QM_B, QM_BS, QM_BZ, QM_YS, QM_YZ };

static void qmatmul_view(struct pr_op_ctx *c, struct pr_op_ctx *sub)
{
    if (c->op_id == PR_OP_QLINEAR_MATMUL)
        view_as(sub, c, PR_OP_MATMUL, (const int[]){QM_A, QM_B}, 2);
    else
        view_as(sub, c, PR_OP_MATMUL, (const int[]){0, 1}, 2);
}

/* Rows of A (M) and columns of B (N), -1 when unknown or 1-D. */
static void mm_rows_cols(struct pr_op_ctx *c, int a, int b, int64_t *m, int64_t *n)
{
    const struct pr_shape *sa = &pr_input(c, a)->shape, *sb = &pr_input(c, b)->shape;
    *m = sa->rank >= 2 ? sa->dim[sa->rank - 2] : -1;
    *n = sb->rank >= 2 ? sb->dim[sb->rank - 1] : -1;
}

int qmatmul_shape(struct pr_op_ctx *c)
{
    bool ql = c->op_id == PR_OP_QLINEAR_MATMUL;
    if (pr_op_require(c, ql ? 8 : 2) < 0 || check_max_inputs(c, ql ? 8 : 4) < 0)
        return -1;
    struct pr_op_ctx sub;
    qmatmul_view(c, &sub);
    if (view_done(c, &sub, matmul_shape(&sub)) < 0)
        return -1;
    int64_t m, n;
    if (ql) {
        mm_rows_cols(c, QM_A, QM_B, &m, &n);
        if (pr_op_check_qparam(c, QM_AS, "a_scale", m, "row of a") < 0 ||
            check_zp_shape(c, QM_AS, QM_AZ, "a_zero_point") < 0 ||
            pr_op_check_qparam(c, QM_BS, "b_scale", n, "column of b") < 0 ||
            check_zp_shape(c, QM_BS, QM_BZ, "b_zero_point") < 0 ||
            pr_op_check_qparam(c, QM_YS, "y_scale", -1, NULL) < 0 ||
            pr_op_check_qparam(c, QM_YZ, "y_zero_point", -1, NULL) < 0)
            return -1;
        c->out[0]->dtype = type_of(c, QM_YZ, PR_DT_UINT8);
    } else {
        mm_rows_cols(c, 0, 1, &m, &n);
        if (pr_op_check_qparam(c, 2, "a_zero_point", m, "row of A") < 0 ||
            pr_op_check_qparam(c, 3, "b_zero_point", n, "column of B") < 0)
            return -1;
        c->out[0]->dtype = PR_DT_INT32;
    }
    return 0;
}

int qmatmul_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_cost mk = {0};
    qmatmul_view(c, &sub);
    if (view_done(c, &sub, matmul_cost(&sub, &mk)) < 0)
        return -1;
    k->macs = mk.macs;
    k->flops = mk.flops;
    if (c->op_id == PR_OP_QLINEAR_MATMUL) {
        k->flops = pr_add(c, k->flops, pr_add(c, numel_in(c, QM_A), numel_in(c, QM_B)));
        k->flops = pr_add(c, k->flops, pr_mul(c, 5, pr_numel(c, &c->out[0]->shape)));
        for (int i = QM_AS; i <= QM_YZ; i++)
            if (i != QM_B)
                not_param(k, i);
    } else {
        k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 2), numel_in(c, 0)));
        k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 3), numel_in(c, 1)));
        not_param(k, 2);
        not_param(k, 3);
    }
    return 0;
}

/* Every input listed in idx (n of them) is present. */
static int require_at(struct pr_op_ctx *c, const int *idx, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!pr_input(c, idx[i]))
            return pr_op_error(c, "input %d (%s) is required", idx[i], names[idx[i]]);
    return 0;
}

/* ---- com.microsoft QLinearWhere: condition, X, x_scale, x_zp, Y, y_scale,
 * y_zp, z_scale, z_zp ---- */

int qwhere_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"condition", "X", "x_scale", "x_zero_point", "Y",
                                        "y_scale", "y_zero_point", "z_scale", "z_zero_point"};
    if (check_max_inputs(c, 9) < 0 ||
        require_at(c, (const int[]){0, 1, 2, 3, 4, 5, 6, 7, 8}, names, 9) < 0)
        return -1;
    for (int i = 2; i < 9; i++)
        if (i != 4 && pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    const struct pr_tensor *cond = pr_input(c, 0), *x = pr_input(c, 1), *y = pr_input(c, 4);
    if (cond->dtype && cond->dtype != PR_DT_BOOL)
        return pr_op_error(c, "condition is %s; it must be bool", pr_dtype_name(cond->dtype));
    if (x->dtype && y->dtype && x->dtype != y->dtype)
        return pr_op_error(c, "X is %s and Y is %s; they must have the same 8-bit type",
                           pr_dtype_name(x->dtype), pr_dtype_name(y->dtype));
    struct pr_shape s, t;
    char sc[256], sx[256], sy[256];
    if (pr_shape_broadcast(&cond->shape, &x->shape, &t) < 0 || pr_shape_broadcast(&t, &y->shape, &s) < 0)
        return pr_op_error(c, "condition %s, X %s and Y %s do not broadcast",
                           pr_shape_str(&cond->shape, sc, sizeof sc),
                           pr_shape_str(&x->shape, sx, sizeof sx), pr_shape_str(&y->shape, sy, sizeof sy));
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

int qwhere_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_mul(c, 8, pr_numel(c, &c->out[0]->shape));
    for (int i = 2; i < 9; i++)
        if (i != 4)
            not_param(k, i);
    return 0;
}

/* ---- com.microsoft QLinearReduceMean: data, data_scale, data_zp,
 * reduced_scale, reduced_zp ---- */

int qreduce_mean_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"data", "data_scale", "data_zero_point", "reduced_scale",
                                        "reduced_zero_point"};
    if (check_max_inputs(c, 5) < 0 || require_at(c, (const int[]){0, 1, 3}, names, 3) < 0)
        return -1;
    if (!pr_attr_has(c, "axes") || !pr_attr_has(c, "keepdims"))
        return pr_op_error(c, "attributes axes and keepdims are required (ONNX Runtime refuses "
                           "the node without them)");
    for (int i = 1; i <= 4; i++)
        if (pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    struct pr_op_ctx sub;
    view_as(&sub, c, PR_OP_REDUCE_MEAN, (const int[]){0}, 1);
    sub.opset = 13;   /* axes as an attribute */
    return view_done(c, &sub, reduce_shape(&sub));
}

int qreduce_mean_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per = 4 + has(c, 2) + has(c, 4);
    k->flops = pr_add(c, numel_in(c, 0), pr_mul(c, per, pr_numel(c, &c->out[0]->shape)));
    for (int i = 1; i <= 4; i++)
        not_param(k, i);
    return 0;
}

/* ---- com.microsoft QLinear elementwise ---- */

/* QLinearAdd/Mul: A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp.
 * QLinearSigmoid/LeakyRelu: X, X_scale, X_zp, Y_scale, Y_zp. */
int qeltwise_shape(struct pr_op_ctx *c)
{
    static const char *const bnames[] = {"A", "A_scale", "A_zero_point", "B", "B_scale",
                                         "B_zero_point", "C_scale", "C_zero_point"};
    static const char *const unames[] = {"X", "X_scale", "X_zero_point", "Y_scale",
                                         "Y_zero_point"};
    bool binary = c->op_id == PR_OP_QLINEAR_ADD || c->op_id == PR_OP_QLINEAR_MUL;
    const char *const *names = binary ? bnames : unames;
    int nin = binary ? 8 : 5;
    if (check_max_inputs(c, nin) < 0 ||
        (binary ? require_at(c, (const int[]){0, 1, 3, 4, 6}, names, 5)
                : require_at(c, (const int[]){0, 1, 3}, names, 3)) < 0)
        return -1;
    for (int i = 0; i < nin; i++)
        if (i != 0 && !(binary && i == 3) && pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    const struct pr_tensor *a = pr_input(c, 0);
    struct pr_shape s = a->shape;
    if (binary && pr_shape_broadcast(&a->shape, &pr_input(c, 3)->shape, &s) < 0) {
        char sa[256], sb[256];
        return pr_op_error(c, "A is %s and B is %s; they do not broadcast",
                           pr_shape_str(&a->shape, sa, sizeof sa),
                           pr_shape_str(&pr_input(c, 3)->shape, sb, sizeof sb));
    }
    set_out(c->out[0], a->dtype, &s);
    return 0;
}

int qeltwise_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per;
    if (c->op_id == PR_OP_QLINEAR_ADD || c->op_id == PR_OP_QLINEAR_MUL) {
        per = (1 + has(c, 2)) + (1 + has(c, 5)) + 1 + (4 + has(c, 7));
        for (int i = 1; i <= 7; i++)
            if (i != 3)
                not_param(k, i);
    } else {
        per = (1 + has(c, 2)) + (c->op_id == PR_OP_QLINEAR_SIGMOID ? 4 : 2) + (4 + has(c, 4));
        for (int i = 1; i <= 4; i++)
            not_param(k, i);
    }
    k->flops = pr_mul(c, per, pr_numel(c, &c->out[0]->shape));
    return 0;
}

/* ---- QLinearGlobalAveragePool: X, x_scale, x_zp, y_scale, y_zp ---- */

int qgap_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"X", "x_scale", "x_zero_point", "y_scale",
                                        "y_zero_point"};
    if (check_max_inputs(c, 5) < 0 || require_at(c, (const int[]){0, 1, 3}, names, 3) < 0)
        return -1;
    int64_t last = pr_attr_int(c, "channels_last", 0);
    if (c->failed)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    char buf[256];
    if (x->shape.rank < 3)
        return pr_op_error(c, "X is %s; it needs (N, C, D1, ...) with at least one spatial dim",
                           pr_shape_str(&x->shape, buf, sizeof buf));
    for (int i = 1; i <= 4; i++)
        if (pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    struct pr_shape s = x->shape;
    int cax = last ? s.rank - 1 : 1;
    for (int d = 1; d < s.rank; d++)
        if (d != cax)
            s.dim[d] = 1;
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

int qgap_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per = 4 + has(c, 2) + has(c, 4);
    k->flops = pr_add(c, numel_in(c, 0), pr_mul(c, per, pr_numel(c, &c->out[0]->shape)));
    for (int i = 1; i <= 4; i++)
        not_param(k, i);
    return 0;
}

/* ---- QLinearAveragePool: X, x_scale, x_zp, y_scale, y_zp ---- */

/* The AveragePool view of c: X alone, channels first (*nchw, a copy) when
 * channels_last. */
static int qpool_view(struct pr_op_ctx *c, struct pr_op_ctx *sub, struct pr_tensor *nchw)
{
    static const char *const names[] = {"X", "x_scale", "x_zero_point", "y_scale",
                                        "y_zero_point"};
    if (check_max_inputs(c, 5) < 0 || require_at(c, (const int[]){0, 1, 3}, names, 3) < 0)
        return -1;
    for (int i = 1; i <= 4; i++)
        if (pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    bool last = pr_attr_int(c, "channels_last", 0) != 0;
    pr_attr_int(c, "count_include_pad", 0);
    if (c->failed)
        return -1;
    view_as(sub, c, c->op_id, (const int[]){0}, 1);
    if (last) {
        *nchw = *pr_input(c, 0);
        nchw->cval = NULL;
        pr_window_channels(&nchw->shape, true);
        sub->in[0] = nchw;
    }
    return 0;
}

int qavgpool_shape(struct pr_op_ctx *c)
{
    struct pr_op_ctx sub;
    struct pr_tensor nchw;
    if (qpool_view(c, &sub, &nchw) < 0 || view_done(c, &sub, pool_shape(&sub)) < 0)
        return -1;
    if (pr_attr_int(c, "channels_last", 0))
        pr_window_channels(&c->out[0]->shape, false);
    return 0;
}

int qavgpool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_tensor nchw;
    if (qpool_view(c, &sub, &nchw) < 0 || view_done(c, &sub, pool_cost(&sub, k)) < 0)
        return -1;
    uint64_t per = 4 + has(c, 2) + has(c, 4);
    k->flops = pr_add(c, k->flops, pr_mul(c, per, pr_numel(c, &c->out[0]->shape)));
    for (int i = 1; i <= 4; i++)
        not_param(k, i);
    return 0;
}

/* ---- QLinearSoftmax: X, X_scale, x_zp, y_scale, y_zp ---- */

int qsoftmax_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"X", "X_scale", "x_zero_point", "y_scale",
                                        "y_zero_point"};
    if (check_max_inputs(c, 5) < 0 || require_at(c, (const int[]){0, 1, 3}, names, 3) < 0)
        return -1;
    for (int i = 1; i <= 4; i++)
        if (pr_op_check_qparam(c, i, names[i], -1, NULL) < 0)
            return -1;
    if (!pr_attr_has(c, "opset"))
        return pr_op_error(c, "attribute 'opset' (the replaced Softmax's opset) is required");
    int64_t opset = pr_attr_int(c, "opset", 13);
    int64_t axis = pr_attr_int(c, "axis", opset < 13 ? 1 : -1);
    if (c->failed)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    int r = x->shape.rank;
    if (axis < -r || axis >= (r ? r : 1))
        return pr_op_error(c, "axis %lld is outside [%d, %d] for X of rank %d", (long long)axis,
                           -r, r - 1, r);
    set_out(c->out[0], x->dtype, &x->shape);
    return 0;
}

int qsoftmax_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per = (1 + has(c, 2)) + 5 + (4 + has(c, 4));
    k->flops = pr_mul(c, per, pr_numel(c, &c->out[0]->shape));
    for (int i = 1; i <= 4; i++)
        not_param(k, i);
    return 0;
}

/* ---- QLinearConcat: Y_scale, Y_zp, then (X_i, X_scale_i, X_zp_i) ---- */

int qconcat_shape(struct pr_op_ctx *c)
{
    if (c->nin > PR_MAX_IO)
        return pr_op_error(c, "%d inputs; at most %d are supported", c->nin, PR_MAX_IO);
    if (c->nin < 5 || (c->nin - 2) % 3 != 0)
        return pr_op_error(c, "%d inputs; QLinearConcat takes Y_scale, Y_zero_point, then one "
                           "(X, X_scale, X_zero_point) triple per input", c->nin);
    if (pr_op_require(c, c->nin) < 0)
        return -1;
    if (!pr_attr_has(c, "axis"))
        return pr_op_error(c, "attribute 'axis' is required");
    int n = (c->nin - 2) / 3;
    int map[PR_MAX_IO];
    for (int i = 0; i < n; i++) {
        map[i] = 2 + 3 * i;
        if (pr_op_check_qparam(c, map[i] + 1, "X_scale", -1, NULL) < 0 ||
            pr_op_check_qparam(c, map[i] + 2, "X_zero_point", -1, NULL) < 0)
            return -1;
    }
    if (pr_op_check_qparam(c, 0, "Y_scale", -1, NULL) < 0 ||
        pr_op_check_qparam(c, 1, "Y_zero_point", -1, NULL) < 0)
        return -1;
    struct pr_op_ctx sub;
    view_as(&sub, c, PR_OP_CONCAT, map, n);
    if (view_done(c, &sub, concat_shape(&sub)) < 0)
        return -1;
    c->out[0]->dtype = type_of(c, 1, c->out[0]->dtype);
    return 0;
}

int qconcat_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);   /* 7 per element */
    not_param(k, 0);
    not_param(k, 1);
    for (int i = 2; i + 2 < c->nin; i += 3) {
        not_param(k, i + 1);
        not_param(k, i + 2);
    }
    return 0;
}

/* ---- QGemm: A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp ---- */

enum { QG_A, QG_AS, QG_AZ, QG_B, QG_BS, QG_BZ, QG_C, QG_YS, QG_YZ };

int qgemm_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 5) < 0 || check_max_inputs(c, 9) < 0)
        return -1;
    if (!pr_input(c, QG_BS))
        return pr_op_error(c, "input 4 (b_scale) is required");
    struct pr_op_ctx sub;
    view_as(&sub, c, PR_OP_GEMM, (const int[]){QG_A, QG_B, QG_C}, 3);
    if (view_done(c, &sub, gemm_shape(&sub)) < 0)
        return -1;
    int64_t n = c->out[0]->shape.dim[1];
    if (pr_op_check_qparam(c, QG_AS, "a_scale", -1, NULL) < 0 ||
        pr_op_check_qparam(c, QG_AZ, "a_zero_point", -1, NULL) < 0 ||
        pr_op_check_qparam(c, QG_BS, "b_scale", n, "column of B") < 0 ||
        check_zp_shape(c, QG_BS, QG_BZ, "b_zero_point") < 0 ||
        pr_op_check_qparam(c, QG_YS, "y_scale", -1, NULL) < 0 ||
        pr_op_check_qparam(c, QG_YZ, "y_zero_point", -1, NULL) < 0)
        return -1;
    c->out[0]->dtype = pr_input(c, QG_YS) ? type_of(c, QG_YZ, PR_DT_UINT8) : PR_DT_FLOAT;
    return 0;
}

int qgemm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_cost gk = {0};
    view_as(&sub, c, PR_OP_GEMM, (const int[]){QG_A, QG_B, QG_C}, 3);
    if (view_done(c, &sub, gemm_cost(&sub, &gk)) < 0)
        return -1;
    k->macs = gk.macs;
    k->flops = gk.flops;
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, QG_AZ), numel_in(c, QG_A)));
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, QG_BZ), numel_in(c, QG_B)));
    uint64_t per = pr_input(c, QG_YS) ? 4 + has(c, QG_YZ) : 1;
    k->flops = pr_add(c, k->flops, pr_mul(c, per, pr_numel(c, &c->out[0]->shape)));
    for (int i = QG_AS; i <= QG_YZ; i++)
        if (i != QG_B && i != QG_C)
            not_param(k, i);
    int_param(c, k, QG_C);
    return 0;
}

/* ---- DynamicQuantizeMatMul: A, B, b_scale, b_zero_point, bias ---- */

int dqmatmul_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0 || check_max_inputs(c, 5) < 0)
        return -1;
    struct pr_op_ctx sub;
    view_as(&sub, c, PR_OP_MATMUL, (const int[]){0, 1}, 2);
    if (view_done(c, &sub, matmul_shape(&sub)) < 0)
        return -1;
    int64_t m, n;
    mm_rows_cols(c, 0, 1, &m, &n);
    if (pr_op_check_qparam(c, 2, "b_scale", n, "column of B") < 0 ||
        check_zp_shape(c, 2, 3, "b_zero_point") < 0)
        return -1;
    const struct pr_tensor *bias = pr_input(c, 4);
    if (bias && (bias->shape.rank != 1 || (n >= 0 && bias->shape.dim[0] >= 0 && bias->shape.dim[0] != n))) {
        char buf[256];
        return pr_op_error(c, "bias is %s; it must be 1-D with B's %lld columns",
                           pr_shape_str(&bias->shape, buf, sizeof buf), (long long)n);
    }
    return 0;
}

int dqmatmul_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_cost mk = {0};
    view_as(&sub, c, PR_OP_MATMUL, (const int[]){0, 1}, 2);
    if (view_done(c, &sub, matmul_cost(&sub, &mk)) < 0)
        return -1;
    uint64_t na = numel_in(c, 0), ny = pr_numel(c, &c->out[0]->shape);
    k->macs = mk.macs;
    k->flops = pr_add(c, mk.flops, pr_add(c, pr_mul(c, 8, na), 7));
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 3), numel_in(c, 1)));
    k->flops = pr_add(c, k->flops, pr_mul(c, 1 + has(c, 4), ny));
    not_param(k, 2);
    not_param(k, 3);
    return 0;
}

/* ---- MatMulIntegerToFloat: A, B, a_scale, b_scale, a_zp, b_zp, bias ---- */

enum { MF_A, MF_B, MF_AS, MF_BS, MF_AZ, MF_BZ, MF_BIAS };

int mitf_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 4) < 0 || check_max_inputs(c, 7) < 0)
        return -1;
    struct pr_op_ctx sub;
    view_as(&sub, c, PR_OP_MATMUL, (const int[]){MF_A, MF_B}, 2);
    if (view_done(c, &sub, matmul_shape(&sub)) < 0)
        return -1;
    int64_t m, n;
    mm_rows_cols(c, MF_A, MF_B, &m, &n);
    if (pr_input(c, MF_B)->shape.rank == 1)
        n = 1;
    if (pr_op_check_qparam(c, MF_AS, "a_scale", -1, NULL) < 0 ||
        pr_op_check_qparam(c, MF_AZ, "a_zero_point", -1, NULL) < 0 ||
        pr_op_check_qparam(c, MF_BS, "b_scale", n, "column of B") < 0 ||
        check_zp_shape(c, MF_BS, MF_BZ, "b_zero_point") < 0)
        return -1;
    const struct pr_tensor *bias = pr_input(c, MF_BIAS);
    if (bias && (bias->shape.rank != 1 || (n >= 0 && bias->shape.dim[0] >= 0 && bias->shape.dim[0] != n))) {
        char buf[256];
        return pr_op_error(c, "bias is %s; it must be 1-D with B's %lld columns",
                           pr_shape_str(&bias->shape, buf, sizeof buf), (long long)n);
    }
    c->out[0]->dtype = type_of(c, MF_AS, PR_DT_FLOAT);
    return 0;
}

int mitf_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct pr_op_ctx sub;
    struct pr_cost mk = {0};
    view_as(&sub, c, PR_OP_MATMUL, (const int[]){MF_A, MF_B}, 2);
    if (view_done(c, &sub, matmul_cost(&sub, &mk)) < 0)
        return -1;
    uint64_t ny = pr_numel(c, &c->out[0]->shape);
    k->macs = mk.macs;
    k->flops = mk.flops;
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, MF_AZ), numel_in(c, MF_A)));
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, MF_BZ), numel_in(c, MF_B)));
    k->flops = pr_add(c, k->flops, pr_mul(c, 1 + has(c, MF_BIAS), ny));
    for (int i = MF_AS; i <= MF_BZ; i++)
        not_param(k, i);
    return 0;
}

/* ---- MatMulNBits: A, B, scales, zero_points, g_idx, bias ---- */

struct nbits {
    int64_t k, n, bits, block, blocks, blob;
};

static int read_nbits(struct pr_op_ctx *c, struct nbits *p)
{
    if (pr_op_require(c, 3) < 0 || check_max_inputs(c, 6) < 0)
        return -1;
    if (!pr_attr_has(c, "K") || !pr_attr_has(c, "N") || !pr_attr_has(c, "block_size"))
        return pr_op_error(c, "attributes K, N and block_size are required");
    p->k = pr_attr_int(c, "K", 0);
    p->n = pr_attr_int(c, "N", 0);
    p->bits = pr_attr_int(c, "bits", 4);
    p->block = pr_attr_int(c, "block_size", 0);
    if (c->failed)
        return -1;
    if (p->k < 1 || p->n < 1)
        return pr_op_error(c, "K is %lld and N is %lld; both must be >= 1",
                           (long long)p->k, (long long)p->n);
    if (p->bits < 1 || p->bits > 8)
        return pr_op_error(c, "bits is %lld; it must be 1 to 8", (long long)p->bits);
    if (p->block < 16 || (p->block & (p->block - 1)) != 0)
        return pr_op_error(c, "block_size is %lld; it must be a power of 2 and >= 16",
                           (long long)p->block);
    if (p->block > INT64_MAX / 8)
        return pr_op_error(c, "block_size %lld is too large", (long long)p->block);
    p->blocks = p->k / p->block + (p->k % p->block != 0);
    p->blob = (p->block * p->bits + 7) / 8;

    const struct pr_shape *a = &pr_input(c, 0)->shape, *b = &pr_input(c, 1)->shape;
    char buf[256];
    if (a->rank < 1)
        return pr_op_error(c, "A is a scalar; it must end with K = %lld", (long long)p->k);
    int64_t ka = a->dim[a->rank - 1];
    if (ka >= 0 && ka != p->k)
        return pr_op_error(c, "A is %s but its last axis must be K = %lld",
                           pr_shape_str(a, buf, sizeof buf), (long long)p->k);
    int64_t want[3] = {p->n, p->blocks, p->blob}, flat;
    if (__builtin_mul_overflow(p->blocks, p->blob, &flat))
        return pr_op_error(c, "K %lld with block_size %lld is too large", (long long)p->k,
                           (long long)p->block);
    if (b->rank == 2)
        want[1] = flat;
    else if (b->rank != 3)
        return pr_op_error(c, "B is %s; it must be uint8 (N, ceil(K/block_size), "
                           "block_size*bits/8) = (%lld, %lld, %lld)", pr_shape_str(b, buf, sizeof buf),
                           (long long)p->n, (long long)p->blocks, (long long)p->blob);
    for (int i = 0; i < b->rank; i++)
        if (b->dim[i] >= 0 && b->dim[i] != want[i])
            return pr_op_error(c, "B is %s but K %lld, N %lld, bits %lld and block_size %lld "
                               "make axis %d %lld", pr_shape_str(b, buf, sizeof buf),
                               (long long)p->k, (long long)p->n, (long long)p->bits,
                               (long long)p->block, i, (long long)want[i]);
    const struct pr_tensor *bias = pr_input(c, 5);
    if (bias && (bias->shape.rank != 1 || (bias->shape.dim[0] >= 0 && bias->shape.dim[0] != p->n)))
        return pr_op_error(c, "bias is %s; it must be 1-D with N = %lld values",
                           pr_shape_str(&bias->shape, buf, sizeof buf), (long long)p->n);
    return 0;
}

int nbits_shape(struct pr_op_ctx *c)
{
    struct nbits p;
    if (read_nbits(c, &p) < 0)
        return -1;
    const struct pr_tensor *a = pr_input(c, 0);
    set_out(c->out[0], a->dtype, &a->shape);
    c->out[0]->shape.dim[a->shape.rank - 1] = p.n;
    return 0;
}

int nbits_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct nbits p;
    if (read_nbits(c, &p) < 0)
        return -1;
    uint64_t ny = pr_numel(c, &c->out[0]->shape), nk = pr_mul(c, (uint64_t)p.n, (uint64_t)p.k);
    k->macs = pr_mul(c, ny, (uint64_t)p.k);
    k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, 2, nk));
    k->flops = pr_add(c, k->flops, pr_mul(c, has(c, 5), ny));
    for (int i = 2; i <= 4; i++)
        not_param(k, i);
    if (pr_input(c, 1)->is_weight) {
        k->packed_input[0] = 2;
        k->packed_params[0] = nk;
    }
    return 0;
}

/* ---- MatMulFpQ4: A, B (a packed blob), B_shape ---- */

/* Reads B_shape into kn (K, N): 1 when known, 0 when not, -1 on error. */
static int read_fpq4(struct pr_op_ctx *c, int64_t *kn)
{
    if (pr_op_require(c, 3) < 0 || check_max_inputs(c, 3) < 0)
        return -1;
    const struct pr_tensor *b = pr_input(c, 1);
    if (b->shape.rank != 1 || (b->dtype && b->dtype != PR_DT_UINT8))
        return pr_op_error(c, "B is %s of rank %d; it must be a 1-D uint8 blob of packed int4 blocks",
                           pr_dtype_name(b->dtype), b->shape.rank);
    int n, got = pr_int_list(c, 2, "B_shape", kn, 2, &n, false);
    if (got < 0)
        return -1;
    if (n >= 0 && n != 2)
        return pr_op_error(c, "B_shape has %d values; it must be (K, N)", n);
    if (got && (kn[0] < 1 || kn[1] < 1))
        return pr_op_error(c, "B_shape is (%lld, %lld); K and N must be >= 1", (long long)kn[0], (long long)kn[1]);
    return got;
}

/* The view MatMul(A, B) with B (K, N) for matmul_shape and matmul_cost. */
static void fpq4_view(struct pr_op_ctx *sub, struct pr_op_ctx *c, struct pr_tensor *bv, const int64_t *kn)
{
    view_as(sub, c, PR_OP_MATMUL, (const int[]){0, 1}, 2);
    *bv = (struct pr_tensor){.dtype = pr_input(c, 0)->dtype};
    pr_shape_set(&bv->shape, 2, kn);
    sub->in[1] = bv;
}

int fpq4_shape(struct pr_op_ctx *c)
{
    int64_t kn[2];
    int got = read_fpq4(c, kn);
    if (got < 0)
        return -1;
    const struct pr_tensor *a = pr_input(c, 0);
    if (!got) {
        if (a->shape.rank < 1)
            return pr_op_error(c, "A is a scalar; MatMulFpQ4 multiplies (..., K) by (K, N)");
        set_out(c->out[0], a->dtype, &a->shape);
        c->out[0]->shape.dim[a->shape.rank - 1] = -1;
        return 0;
    }
    struct pr_op_ctx sub;
    struct pr_tensor bv;
    fpq4_view(&sub, c, &bv, kn);
    return view_done(c, &sub, matmul_shape(&sub));
}

int fpq4_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t kn[2];
    int got = read_fpq4(c, kn);
    if (got < 0)
        return -1;
    not_param(k, 2);
    if (!got) {
        c->incomplete = true;
        return 0;
    }
    struct pr_op_ctx sub;
    struct pr_tensor bv;
    struct pr_cost mk = {0};
    fpq4_view(&sub, c, &bv, kn);
    if (view_done(c, &sub, matmul_cost(&sub, &mk)) < 0)
        return -1;
    uint64_t nk = pr_mul(c, (uint64_t)kn[0], (uint64_t)kn[1]);
    uint64_t zp = pr_attr_int(c, "blk_quant_type", 1) != 0;
    k->macs = mk.macs;
    k->flops = pr_add(c, mk.flops, pr_mul(c, 1 + zp, nk));
    if (pr_input(c, 1)->is_weight) {
        k->packed_input[0] = 2;
        k->packed_params[0] = nk;
    }
    return c->failed ? -1 : 0;
}

/* ---- MatMulBnb4: A, B (packed), absmax ---- */

struct bnb4 {
    int64_t k, n, block;
    bool trans_b;
};

static int read_bnb4(struct pr_op_ctx *c, struct bnb4 *p)
{
    if (pr_op_require(c, 3) < 0 || check_max_inputs(c, 3) < 0)
        return -1;
    if (!pr_attr_has(c, "K") || !pr_attr_has(c, "N") || !pr_attr_has(c, "block_size") ||
        !pr_attr_has(c, "quant_type"))
        return pr_op_error(c, "attributes K, N, block_size and quant_type are required");
    p->k = pr_attr_int(c, "K", 0);
    p->n = pr_attr_int(c, "N", 0);
    p->block = pr_attr_int(c, "block_size", 0);
    int64_t qt = pr_attr_int(c, "quant_type", 0);
    p->trans_b = pr_attr_int(c, "transB", 1) != 0;
    pr_attr_int(c, "training_mode", 0);
    if (c->failed)
        return -1;
    if (p->k < 1 || p->n < 1 || p->k > INT32_MAX || p->n > INT32_MAX)
        return pr_op_error(c, "K is %lld and N is %lld; both must be in [1, 2^31)",
                           (long long)p->k, (long long)p->n);
    if (qt != 0 && qt != 1)
        return pr_op_error(c, "quant_type is %lld; it must be 0 (FP4) or 1 (NF4)", (long long)qt);
    if (p->block < 16 || (p->block & (p->block - 1)) != 0)
        return pr_op_error(c, "block_size is %lld; it must be a power of 2 and >= 16",
                           (long long)p->block);
    const struct pr_tensor *a = pr_input(c, 0), *b = pr_input(c, 1), *am = pr_input(c, 2);
    char buf[256];
    int64_t inner = p->trans_b ? p->k : p->n;
    if (a->shape.rank < 1)
        return pr_op_error(c, "A is a scalar; it must end with %s = %lld", p->trans_b ? "K" : "N",
                           (long long)inner);
    int64_t ka = a->shape.dim[a->shape.rank - 1];
    if (ka >= 0 && ka != inner)
        return pr_op_error(c, "A is %s but its last axis must be %s = %lld (transB %d)",
                           pr_shape_str(&a->shape, buf, sizeof buf), p->trans_b ? "K" : "N",
                           (long long)inner, p->trans_b);
    if (b->dtype && b->dtype != PR_DT_UINT8)
        return pr_op_error(c, "B is %s; it must be uint8 (two 4-bit values per byte)",
                           pr_dtype_name(b->dtype));
    uint64_t nk = (uint64_t)p->n * (uint64_t)p->k;
    uint64_t need[2] = {(nk + 1) / 2, (nk + (uint64_t)p->block - 1) / (uint64_t)p->block};
    for (int i = 0; i < 2; i++) {
        const struct pr_shape *s = i ? &am->shape : &b->shape;
        bool unknown = false, overflow = false;   /* this check only: c's flags untouched */
        uint64_t got = pr_shape_numel(s, &unknown, &overflow);
        if (!unknown && !overflow && got < need[i])
            return pr_op_error(c, "%s is %s: %llu values, but N %lld x K %lld %s need at least %llu",
                               i ? "absmax" : "B", pr_shape_str(s, buf, sizeof buf),
                               (unsigned long long)got, (long long)p->n, (long long)p->k,
                               i ? "in blocks of block_size" : "4-bit weights",
                               (unsigned long long)need[i]);
    }
    return 0;
}

int bnb4_shape(struct pr_op_ctx *c)
{
    struct bnb4 p;
    if (read_bnb4(c, &p) < 0)
        return -1;
    const struct pr_tensor *a = pr_input(c, 0);
    set_out(c->out[0], a->dtype, &a->shape);
    c->out[0]->shape.dim[a->shape.rank - 1] = p.trans_b ? p.n : p.k;
    return 0;
}

int bnb4_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct bnb4 p;
    if (read_bnb4(c, &p) < 0)
        return -1;
    uint64_t ny = pr_numel(c, &c->out[0]->shape), nk = pr_mul(c, (uint64_t)p.n, (uint64_t)p.k);
    k->macs = pr_mul(c, ny, (uint64_t)(p.trans_b ? p.k : p.n));
    k->flops = pr_add(c, pr_mul(c, 2, k->macs), nk);
    not_param(k, 2);
    if (pr_input(c, 1)->is_weight) {
        k->packed_input[0] = 2;
        k->packed_params[0] = nk;
    }
    return 0;
}

/* ---- GatherBlockQuantized: data, indices, scales, zero_points ---- */

struct gbq {
    struct pr_shape d;            /* logical data shape (uint8: unpacked) */
    int64_t bits, block;
    int gaxis, qaxis;
    bool packed;                  /* uint8 data: 8/bits values per byte */
    bool fp;                      /* float8/float4 data: no zero points */
};

static bool is_fp_quant(int dt)
{
    return dt == PR_DT_FLOAT8E4M3FN || dt == PR_DT_FLOAT8E4M3FNUZ || dt == PR_DT_FLOAT8E5M2 ||
           dt == PR_DT_FLOAT8E5M2FNUZ || dt == PR_DT_FLOAT4E2M1;
}

static int read_gbq(struct pr_op_ctx *c, struct gbq *p)
{
    if (pr_op_require(c, 3) < 0 || check_max_inputs(c, 4) < 0)
        return -1;
    const struct pr_tensor *data = pr_input(c, 0), *sc = pr_input(c, 2), *zp = pr_input(c, 3);
    int dt = data->dtype;
    p->packed = dt == PR_DT_UINT8;
    p->fp = is_fp_quant(dt);
    if (dt && !p->packed && !p->fp && dt != PR_DT_INT4 && dt != PR_DT_UINT4)
        return pr_op_error(c, "data is %s; it must be int4, uint4, uint8 (packed) or a "
                           "float8/float4 type", pr_dtype_name(dt));
    p->bits = pr_attr_int(c, "bits", 4);
    p->block = pr_attr_int(c, "block_size", 128);
    int64_t ga = pr_attr_int(c, "gather_axis", 0), qa = pr_attr_int(c, "quantize_axis", 1);
    if (c->failed)
        return -1;
    char sd[256], ss[256], sl[256];
    p->d = data->shape;
    int r = p->d.rank;
    if (r < 1)
        return pr_op_error(c, "data is a scalar; it must have rank >= 1");
    p->gaxis = pr_axis(ga, r);
    p->qaxis = pr_axis(qa, r);
    if (p->gaxis < 0 || p->qaxis < 0)
        return pr_op_error(c, "gather_axis %lld and quantize_axis %lld must be in [-%d, %d] for "
                           "data of rank %d", (long long)ga, (long long)qa, r, r - 1, r);
    bool pow2 = p->block >= 16 && (p->block & (p->block - 1)) == 0;
    if (!pow2 && !(p->fp && p->block == 0))
        return pr_op_error(c, "block_size is %lld; it must be a power of 2 and >= 16 (or 0, one "
                           "block per axis, for float8/float4 data)", (long long)p->block);
    if (zp && p->fp)
        return pr_op_error(c, "zero_points is given but float8/float4 data is quantized "
                           "symmetrically (no zero points)");
    if (p->packed) {
        if (p->bits != 2 && p->bits != 4 && p->bits != 8)
            return pr_op_error(c, "bits is %lld; uint8 data holds 2, 4 or 8 bit values",
                               (long long)p->bits);
        if (p->gaxis != 0)
            return pr_op_error(c, "gather_axis is %d; it must be 0 for uint8 data", p->gaxis);
        if (p->qaxis != r - 1)
            return pr_op_error(c, "quantize_axis is %d; it must be the last axis (%d) for uint8 "
                               "data", p->qaxis, r - 1);
        int64_t per = 8 / p->bits, *last = &p->d.dim[r - 1];
        if (*last >= 0 && __builtin_mul_overflow(*last, per, last))
            return pr_op_error(c, "data's last extent is too large");
    }
    if (sc->shape.rank != r)
        return pr_op_error(c, "scales is %s but data is %s; they must have the same rank",
                           pr_shape_str(&sc->shape, ss, sizeof ss),
                           pr_shape_str(&data->shape, sd, sizeof sd));
    for (int i = 0; i < r; i++) {
        int64_t want = p->d.dim[i], got = sc->shape.dim[i];
        if (i == p->qaxis && want >= 0)
            want = p->block ? want / p->block + (want % p->block != 0) : 1;
        if (want < 0 || got < 0 || got == want || (p->fp && i != p->qaxis && got == 1))
            continue;
        return pr_op_error(c, "scales is %s but data is %s (logical %s) with block_size %lld on "
                           "quantize_axis %d: axis %d must be %lld",
                           pr_shape_str(&sc->shape, ss, sizeof ss),
                           pr_shape_str(&data->shape, sd, sizeof sd),
                           pr_shape_str(&p->d, sl, sizeof sl), (long long)p->block,
                           p->qaxis, i, (long long)want);
    }
    if (zp) {
        bool ok = zp->shape.rank == r;
        for (int i = 0; ok && i < r; i++) {
            int64_t want = sc->shape.dim[i], got = zp->shape.dim[i];
            if (p->packed && i == r - 1 && want >= 0)
                want = (want * p->bits + 7) / 8;
            ok = want < 0 || got < 0 || got == want;
        }
        if (!ok)
            return pr_op_error(c, "zero_points is %s but scales is %s; it must have the scales' "
                               "shape%s", pr_shape_str(&zp->shape, sd, sizeof sd),
                               pr_shape_str(&sc->shape, ss, sizeof ss),
                               p->packed ? " with the last axis packed (ceil(n * bits / 8))" : "");
        if (zp->dtype && dt && zp->dtype != dt)
            return pr_op_error(c, "zero_points is %s but data is %s; they must have the same type",
                               pr_dtype_name(zp->dtype), pr_dtype_name(dt));
    }
    return 0;
}

int gbq_shape(struct pr_op_ctx *c)
{
    struct gbq p;
    if (read_gbq(c, &p) < 0)
        return -1;
    const struct pr_shape *ix = &pr_input(c, 1)->shape;
    int rank = p.d.rank - 1 + ix->rank;
    if (rank > PR_MAX_RANK)
        return pr_op_error(c, "the output would have rank %d; at most %d is supported", rank,
                           PR_MAX_RANK);
    struct pr_shape y = {.rank = 0};
    for (int i = 0; i < p.gaxis; i++)
        y.dim[y.rank++] = p.d.dim[i];
    for (int i = 0; i < ix->rank; i++)
        y.dim[y.rank++] = ix->dim[i];
    for (int i = p.gaxis + 1; i < p.d.rank; i++)
        y.dim[y.rank++] = p.d.dim[i];
    set_out(c->out[0], type_of(c, 2, PR_DT_FLOAT), &y);
    return 0;
}

int gbq_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct gbq p;
    if (read_gbq(c, &p) < 0)
        return -1;
    uint64_t zp = p.packed || pr_input(c, 3);
    k->flops = pr_mul(c, 1 + zp, pr_numel(c, &c->out[0]->shape));
    not_param(k, 2);
    not_param(k, 3);
    if (p.packed && pr_input(c, 0)->is_weight) {
        k->packed_input[0] = 1;
        k->packed_params[0] = pr_numel(c, &p.d);
    }
    return 0;
}
