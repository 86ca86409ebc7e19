/* signal.c -- DFT, STFT, MelWeightMatrix and the window generators
 * (BlackmanWindow, HammingWindow, HannWindow).
 *
 * Shapes. A signal is [batch][signal dims...][1 or 2]: the last dim holds
 * the real part (1) or the real and imaginary parts (2).
 * - DFT: the output has the input's shape with the last dim 2 and, on the
 *   transformed axis, n = dft_length (input 1; else the axis' extent), or
 *   floor(n/2) + 1 when onesided. Opset 17: `axis` attribute (default 1);
 *   opset 20: axis is input 2 (default -2). The axis may be any but the
 *   last: [-r, -2] or [0, r-2].
 * - STFT: signal [batch][length][1|2], frame_step (scalar input 1), window
 *   (1-D input 2, optional), frame_length (scalar input 3, optional; else
 *   the window's length). Output [batch][frames][bins][2] with
 *   frames = floor((length - frame_length) / frame_step) + 1 and
 *   bins = floor(frame_length/2) + 1 when onesided (default 1), else
 *   frame_length.
 * - MelWeightMatrix: [floor(dft_length/2) + 1][num_mel_bins] of
 *   output_datatype (default float).
 * - Windows: [size] (scalar input 0) of output_datatype (default float).
 * Extents that come from inputs whose values are not known are -1.
 *
 * Cost convention for transforms: the defining formula, the direct DFT
 *   X[k] = sum_{j<L} x[j] * exp(-+2 pi i j k / n),
 * not an FFT. priori counts Conv as a direct convolution rather than
 * Winograd or FFT, and for the same reason counts here what the operator
 * defines rather than what a library may do: FFT costs depend on the
 * length's factorisation (n need not be a power of two; the backend tests
 * use 10) and on the library. Each output bin k of each transform
 * accumulates L terms, L = min(n, extent) (zero-padding adds nothing):
 *   complex input: a complex MAC = 4 real MACs per term
 *   real input: a real times a complex twiddle = 2 real MACs per term
 *   DFT  MACs = T * K * L * c      T = transforms (every index but the axis
 *                                  and the last dim), K = output bins on the
 *                                  axis, c = 4 complex input, 2 real
 *        FLOPs = 2 * MACs + numel(Y) when inverse (the 1/n scaling of each
 *                real and imaginary part)
 *   STFT MACs = batch * frames * K * frame_length * c
 *        FLOPs = 2 * MACs + batch * frames * frame_length * c/2 with a
 *                window (the window, real, multiplies each sample: 1
 *                multiply per real sample, 2 per complex one)
 * Generators, FLOPs per output element:
 *   Hann, Hamming  a0 - a1 * cos(2 pi n / N)      5 (mul, div, cos, mul, sub)
 *   Blackman       a0 - a1 * cos(2 pi n / N)
 *                     + a2 * cos(4 pi n / N)       9 (mul, div, cos, mul for
 *                                                  the doubled angle, cos,
 *                                                  2 mul, sub, add)
 *   MelWeightMatrix: entry j of mel bin i on a slope of its triangle is
 *     (j - lower) / (center - lower) or (upper - j) / (upper - center):
 *     2 per element (sub, div), counted for every element as the bound;
 *     the O(num_mel_bins) Hz-to-mel conversions are not counted.
 *
 * Params: dft_length, frame_step, frame_length, the window, sizes and the
 * mel inputs are hyper-parameters; their mask bits are cleared.
 */
#include "families.h"

#include "values.h"

/* Scalar integer input i (rank 0 or one value): 1 with *v, 0 when absent
 * or its value is unknown, -1 after an error. */
static int scalar_int(struct pr_op_ctx *c, int i, const char *what, int64_t *v)
{
    if (!pr_input(c, i))
        return 0;
    int n;
    int r = pr_int_list(c, i, what, v, 1, &n, true);
    if (r == 1 && n != 1)
        return pr_op_error(c, "%s (input %d) must hold one value but holds %d", what, i, n);
    return r;
}

/* output_datatype: a numeric element type code; -1 after an error. */
static int out_dtype(struct pr_op_ctx *c)
{
    int64_t dt = pr_attr_int(c, "output_datatype", PR_DT_FLOAT);
    if (dt <= 0 || dt >= PR_DT_COUNT || dt == PR_DT_STRING || pr_dtype_bits((int)dt) == 0)
        return pr_op_error(c, "output_datatype is %lld; it must be a numeric element type code",
                           (long long)dt);
    return (int)dt;
}

/* The last dim of a signal must be 1 (real) or 2 (complex). */
static int check_parts(struct pr_op_ctx *c, const struct pr_shape *s, const char *what)
{
    int64_t last = s->dim[s->rank - 1];
    if (last >= 0 && last != 1 && last != 2)
        return pr_op_error(c, "the last dim of the %s is %lld; it must be 1 (real) or 2 (complex)",
                           what, (long long)last);
    return 0;
}

/* Real parts per input term: 4 real MACs per complex term, 2 per real
 * one; an unknown last dim is taken as real (the lower count) and marks
 * the cost incomplete. */
static uint64_t mac_per_term(struct pr_op_ctx *c, const struct pr_shape *s)
{
    int64_t last = s->dim[s->rank - 1];
    if (last < 0)
        c->incomplete = true;
    return last == 2 ? 4 : 2;
}

static int64_t half_plus_one(int64_t n)
{
    return n < 0 ? -1 : n / 2 + 1;
}

/* ---- windows ---- */

int window_fn_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "a window generator takes 1 input and has 1 output but the node "
                           "has %d and %d", c->nin, c->nout);
    int dt = out_dtype(c);
    if (dt < 0)
        return -1;
    pr_attr_int(c, "periodic", 1);
    int64_t size = -1;
    int r = scalar_int(c, 0, "size", &size);
    if (r < 0)
        return -1;
    if (r == 1 && size < 0)
        return pr_op_error(c, "the window size is %lld; it must be at least 0", (long long)size);
    c->out[0]->dtype = dt;
    c->out[0]->shape.rank = 1;
    c->out[0]->shape.dim[0] = r == 1 ? size : -1;
    return 0;
}

int window_fn_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);   /* Blackman 9, Hann and Hamming 5 per sample */
    k->weight_mask = 0;
    return 0;
}

/* ---- MelWeightMatrix ---- */

int mel_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"num_mel_bins", "dft_length", "sample_rate",
                                        "lower_edge_hertz", "upper_edge_hertz"};
    if (pr_op_require(c, 5) < 0)
        return -1;
    if (c->nin > 5 || c->nout > 1)
        return pr_op_error(c, "MelWeightMatrix takes 5 inputs and has 1 output but the node has "
                           "%d and %d", c->nin, c->nout);
    for (int i = 0; i < 5; i++) {
        const struct pr_shape *s = &pr_input(c, i)->shape;
        if (s->rank > 1 || (s->rank == 1 && s->dim[0] >= 0 && s->dim[0] != 1))
            return pr_op_error(c, "%s (input %d) must be a scalar", names[i], i);
    }
    int dt = out_dtype(c);
    if (dt < 0)
        return -1;
    int64_t mel = -1, len = -1;
    int rm = scalar_int(c, 0, names[0], &mel), rl = scalar_int(c, 1, names[1], &len);
    if (rm < 0 || rl < 0)
        return -1;
    if (rm == 1 && mel < 1)
        return pr_op_error(c, "num_mel_bins is %lld; it must be at least 1", (long long)mel);
    if (rl == 1 && len < 1)
        return pr_op_error(c, "dft_length is %lld; it must be at least 1", (long long)len);
    c->out[0]->dtype = dt;
    c->out[0]->shape.rank = 2;
    c->out[0]->shape.dim[0] = rl == 1 ? half_plus_one(len) : -1;
    c->out[0]->shape.dim[1] = rm == 1 ? mel : -1;
    return 0;
}

int mel_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);   /* 2 per weight */
    k->weight_mask = 0;
    return 0;
}

/* ---- DFT ---- */

/* The transformed axis normalised to [0, r-2]; -2 when it is an input
 * whose value is unknown, -1 after an error. */
static int dft_axis(struct pr_op_ctx *c, int rank)
{
    int64_t axis;
    if (c->opset >= 20) {
        axis = -2;
        int r = scalar_int(c, 2, "axis", &axis);
        if (r < 0)
            return -1;
        if (r == 0 && pr_input(c, 2))
            return -2;
    } else {
        axis = pr_attr_int(c, "axis", 1);
    }
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a > rank - 2)
        return pr_op_error(c, "axis %lld is out of range for a signal of rank %d: it must be in "
                           "[%d, -2] or [0, %d] (the last dim holds the real/imaginary parts)",
                           (long long)axis, rank, -rank, rank - 2);
    return (int)a;
}

/* n, the transform length: dft_length when given (-1 if unknown), else
 * the axis' extent. -2 after an error. */
static int64_t dft_length(struct pr_op_ctx *c, int64_t extent)
{
    int64_t n = -1;
    int r = scalar_int(c, 1, "dft_length", &n);
    if (r < 0)
        return -2;
    if (r == 0)
        return pr_input(c, 1) ? -1 : extent;
    if (n < 1) {
        pr_op_error(c, "dft_length is %lld; it must be at least 1", (long long)n);
        return -2;
    }
    return n;
}

int dft_shape(struct pr_op_ctx *c)
{
    int max_in = c->opset >= 20 ? 3 : 2;
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > max_in || c->nout > 1)
        return pr_op_error(c, "DFT (opset %d) takes at most %d inputs and has 1 output but the node "
                           "has %d and %d", c->opset, max_in, c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    char buf[160];
    if (x->shape.rank < 3)
        return pr_op_error(c, "the DFT input must be [batch][signal dims...][1 or 2] (rank >= 3) "
                           "but has shape %s", pr_shape_str(&x->shape, buf, sizeof buf));
    if (check_parts(c, &x->shape, "input") < 0)
        return -1;
    int axis = dft_axis(c, x->shape.rank);
    if (axis == -1)
        return -1;
    bool onesided = pr_attr_int(c, "onesided", 0) != 0;
    pr_attr_int(c, "inverse", 0);
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = x->dtype;
    *y = x->shape;
    y->dim[x->shape.rank - 1] = 2;
    if (axis < 0) {   /* which axis changes is not known */
        for (int i = 0; i < y->rank - 1; i++)
            y->dim[i] = -1;
        return 0;
    }
    int64_t n = dft_length(c, x->shape.dim[axis]);
    if (n < -1)
        return -1;
    y->dim[axis] = onesided ? half_plus_one(n) : n;
    return 0;
}

int dft_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape, *y = &c->out[0]->shape;
    int axis = dft_axis(c, x->rank);
    k->weight_mask &= 1;
    if (axis == -1)
        return -1;
    if (axis < 0) {
        c->incomplete = true;
        return 0;
    }
    int64_t n = dft_length(c, x->dim[axis]), d = x->dim[axis];
    if (n < -1)
        return -1;
    struct pr_shape others = {.rank = 0};   /* every dim but the axis and the parts */
    for (int i = 0; i < x->rank - 1; i++)
        if (i != axis)
            others.dim[others.rank++] = x->dim[i];
    struct pr_shape lk = {.rank = 2, .dim = {y->dim[axis], n >= 0 && d >= 0 && d < n ? d : n}};
    k->macs = pr_mul(c, pr_mul(c, pr_numel(c, &others), pr_numel(c, &lk)), mac_per_term(c, x));
    k->flops = pr_mul(c, k->macs, 2);
    if (pr_attr_int(c, "inverse", 0))
        k->flops = pr_add(c, k->flops, pr_numel(c, y));
    return 0;
}

/* ---- STFT ---- */

/* frame_length: input 3, else the window's length; -1 unknown, -2 error. */
static int64_t stft_frame_length(struct pr_op_ctx *c)
{
    const struct pr_tensor *w = pr_input(c, 2);
    char buf[160];
    if (w && w->shape.rank != 1) {
        pr_op_error(c, "the window (input 2) must be 1-D but has shape %s",
                    pr_shape_str(&w->shape, buf, sizeof buf));
        return -2;
    }
    int64_t wl = w ? w->shape.dim[0] : -1, fl = -1;
    int r = scalar_int(c, 3, "frame_length", &fl);
    if (r < 0)
        return -2;
    if (!w && !pr_input(c, 3)) {
        pr_op_error(c, "STFT needs a window (input 2) or a frame_length (input 3)");
        return -2;
    }
    if (r == 1 && fl < 1) {
        pr_op_error(c, "frame_length is %lld; it must be at least 1", (long long)fl);
        return -2;
    }
    if (r == 1 && wl >= 0 && fl != wl) {
        pr_op_error(c, "frame_length is %lld but the window has %lld values; they must agree",
                    (long long)fl, (long long)wl);
        return -2;
    }
    return r == 1 ? fl : wl;
}

int stft_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 4 || c->nout > 1)
        return pr_op_error(c, "STFT takes at most 4 inputs and has 1 output but the node has %d "
                           "and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    char buf[160];
    if (x->shape.rank != 3)
        return pr_op_error(c, "the STFT signal must be [batch][length][1 or 2] but has shape %s",
                           pr_shape_str(&x->shape, buf, sizeof buf));
    if (check_parts(c, &x->shape, "signal") < 0)
        return -1;
    int64_t step = -1, len = x->shape.dim[1];
    int rs = scalar_int(c, 1, "frame_step", &step);
    if (rs < 0)
        return -1;
    if (rs == 1 && step < 1)
        return pr_op_error(c, "frame_step is %lld; it must be at least 1", (long long)step);
    int64_t fl = stft_frame_length(c);
    if (fl < -1)
        return -1;
    if (fl >= 0 && len >= 0 && fl > len)
        return pr_op_error(c, "the frame length (%lld) is longer than the signal (%lld samples)",
                           (long long)fl, (long long)len);
    int64_t frames = rs == 1 && fl >= 0 && len >= 0 ? (len - fl) / step + 1 : -1;
    bool onesided = pr_attr_int(c, "onesided", 1) != 0;
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = x->dtype;
    y->rank = 4;
    y->dim[0] = x->shape.dim[0];
    y->dim[1] = frames;
    y->dim[2] = onesided ? half_plus_one(fl) : fl;
    y->dim[3] = 2;
    return 0;
}

int stft_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape, *y = &c->out[0]->shape;
    int64_t fl = stft_frame_length(c);
    if (fl < -1)
        return -1;
    uint64_t per = mac_per_term(c, x);
    struct pr_shape samples = {.rank = 3, .dim = {y->dim[0], y->dim[1], fl}};  /* batch*frames*fl */
    uint64_t ns = pr_numel(c, &samples);
    k->macs = pr_mul(c, pr_mul(c, ns, y->dim[2] < 0 ? 0 : (uint64_t)y->dim[2]), per);
    if (y->dim[2] < 0)
        c->incomplete = true;
    k->flops = pr_mul(c, k->macs, 2);
    if (pr_input(c, 2))
        k->flops = pr_add(c, k->flops, pr_mul(c, ns, per / 2));
    k->weight_mask &= 1;
    return 0;
}
