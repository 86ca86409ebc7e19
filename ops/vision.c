/* vision.c -- sampling and region operators: GridSample, AffineGrid,
 * RoiAlign, MaxRoiPool, MaxUnpool, Col2Im. (NonMaxSuppression is in nms.c.)
 *
 * Shapes (r = spatial dims):
 * - GridSample: X [N][C][D1..Dr], grid [N][O1..Or][r] -> [N][C][O1..Or].
 *   Opset 16: 4-D only, mode bilinear | nearest | bicubic; opset 20: any
 *   r >= 1, mode linear | nearest | cubic. padding_mode zeros | border |
 *   reflection.
 * - AffineGrid (20): theta [N][r][r+1], size = (N, C, D1..Dr) for r = 2, 3
 *   -> [N][D1..Dr][r].
 * - RoiAlign: X [N][C][H][W], rois [R][4], batch_indices [R]
 *   -> [R][C][output_height][output_width].
 * - MaxRoiPool: X [N][C][H][W], rois [R][5] -> [R][C][ph][pw] (pooled_shape).
 * - MaxUnpool: X and indices I [N][C][D...] -> output_shape (input 2) when
 *   given, else per spatial axis (D - 1) * stride + kernel - pad_b - pad_e.
 * - Col2Im (18): X [N][C * prod(block)][L], image_shape, block_shape
 *   -> [N][C][image_shape...]; L must be the number of block positions,
 *   prod((img + pb + pe - ((blk - 1) * dil + 1)) / stride + 1).
 *
 * Counts; each +, -, x, /, comparison counts 1:
 * - GridSample: per output element, interpolation as Resize counts it:
 *   nearest 0; linear 2 * 2^r - 1 (2^r weighted neighbours: a multiply
 *   each, 2^r - 1 adds); cubic 2 * 4^r - 1. Per grid coordinate, the
 *   unnormalisation to pixel space: align_corners = 1
 *   (x + 1) / 2 * (D - 1): 3; align_corners = 0 ((x + 1) * D - 1) / 2: 4.
 *   The interpolation weights and the padding_mode index arithmetic are
 *   computed once per grid point and shared by the C channels; not counted.
 * - AffineGrid: each output point is theta (r x (r+1)) times the
 *   homogeneous base coordinate: r * r MACs and r adds (the translation).
 *   MACs = N * prod(D) * r * r, FLOPs = 2 * MACs + N * prod(D) * r.
 * - RoiAlign: each output bin averages (mode avg) or takes the max (mode
 *   max) of s sampled points, each a bilinear interpolation of 4 pixels =
 *   4 MACs. s = sampling_ratio^2, or with sampling_ratio = 0 the adaptive
 *   ceil(roi_h / output_height) * ceil(roi_w / output_width) of each roi
 *   (known when the rois' values are; otherwise s = 1 is counted and the
 *   cost is marked incomplete). MACs = 4 * C * oh * ow * sum over rois of s;
 *   FLOPs = 2 * MACs + numel(Y) (avg: one divide per bin) or
 *   + C * oh * ow * sum(s - 1) (max: compares). Sample positions and
 *   weights (per roi and bin, shared by the channels) are not counted.
 * - MaxRoiPool: each input element of a roi's region (clipped to the map) is
 *   compared into its bin's max: FLOPs = C * sum over rois of the region's
 *   area (Caffe's rounding: round(coord * spatial_scale), inclusive end).
 *   With unknown roi values: numel(Y) (one per bin), marked incomplete.
 * - MaxUnpool: 0 (a zero fill and a scatter: data movement).
 * - Col2Im: every column element is added into its image position:
 *   FLOPs = numel(X).
 *
 * Params: grids, rois, indices and shapes are data or hyper-parameters;
 * only AffineGrid's theta and GridSample's grid keep their default mask
 * bits (a constant grid or affine transform is part of the model).
 */
#include "families.h"

#include <math.h>
#include <string.h>

#include "values.h"
#include "window.h"

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

static int check_io(struct pr_op_ctx *c, int req, int max_in, int max_out)
{
    if (pr_op_require(c, req) < 0)
        return -1;
    if (c->nin > max_in || c->nout > max_out)
        return pr_op_error(c, "%s takes at most %d inputs and %d output%s but the node has %d and %d",
                           op_name(c), max_in, max_out, max_out > 1 ? "s" : "", c->nin, c->nout);
    return 0;
}

static bool dims_differ(int64_t a, int64_t b)
{
    return a >= 0 && b >= 0 && a != b;
}

static int check_rank(struct pr_op_ctx *c, const struct pr_shape *s, int rank, const char *what)
{
    char buf[160];
    if (s->rank != rank)
        return pr_op_error(c, "%s must have rank %d but has shape %s", what, rank,
                           pr_shape_str(s, buf, sizeof buf));
    return 0;
}

/* ---- GridSample ---- */

enum gs_mode { GS_NEAREST, GS_LINEAR, GS_CUBIC };

static int gs_mode(struct pr_op_ctx *c)
{
    bool v20 = c->opset >= 20;
    const char *m = pr_attr_str(c, "mode", v20 ? "linear" : "bilinear");
    if (strcmp(m, "nearest") == 0)
        return GS_NEAREST;
    if (strcmp(m, v20 ? "linear" : "bilinear") == 0)
        return GS_LINEAR;
    if (strcmp(m, v20 ? "cubic" : "bicubic") == 0)
        return GS_CUBIC;
    return pr_op_error(c, "mode is '%s'; opset %d accepts %s", m, c->opset,
                       v20 ? "linear, nearest or cubic" : "bilinear, nearest or bicubic");
}

int grid_sample_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 2, 2, 1) < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape, *g = &pr_input(c, 1)->shape;
    char sx[160], sg[160];
    if (c->opset < 20 ? x->rank != 4 : x->rank < 3)
        return pr_op_error(c, "X must be N x C x %s but has shape %s",
                           c->opset < 20 ? "H x W (opset < 20)" : "D1 x ... (rank >= 3)",
                           pr_shape_str(x, sx, sizeof sx));
    int r = x->rank - 2;
    if (g->rank != x->rank || dims_differ(g->dim[0], x->dim[0]) || dims_differ(g->dim[r + 1], r))
        return pr_op_error(c, "the grid must be N x O1 x ... x O%d x %d for X %s but has shape %s",
                           r, r, pr_shape_str(x, sx, sizeof sx), pr_shape_str(g, sg, sizeof sg));
    if (gs_mode(c) < 0)
        return -1;
    const char *pad = pr_attr_str(c, "padding_mode", "zeros");
    if (strcmp(pad, "zeros") && strcmp(pad, "border") && strcmp(pad, "reflection"))
        return pr_op_error(c, "padding_mode is '%s'; it must be zeros, border or reflection", pad);
    pr_attr_int(c, "align_corners", 0);
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    y->rank = x->rank;
    y->dim[0] = x->dim[0] >= 0 ? x->dim[0] : g->dim[0];
    y->dim[1] = x->dim[1];
    for (int i = 0; i < r; i++)
        y->dim[2 + i] = g->dim[1 + i];
    return 0;
}

static uint64_t grid_sample_flops(struct pr_op_ctx *c)
{
    int r = c->out[0]->shape.rank - 2, mode = gs_mode(c);
    uint64_t taps = mode == GS_CUBIC ? 4 : 2, per = 1;
    for (int i = 0; i < r; i++)
        per = pr_mul(c, per, taps);
    per = mode == GS_NEAREST ? 0 : pr_mul(c, per, 2) - 1;   /* per >= 2: no wrap */
    uint64_t unnorm = pr_attr_int(c, "align_corners", 0) ? 3 : 4;
    return pr_add(c, pr_mul(c, pr_numel(c, &c->out[0]->shape), per),
                  pr_mul(c, pr_numel(c, &pr_input(c, 1)->shape), unnorm));
}

/* ---- AffineGrid ---- */

int affine_grid_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 2, 2, 1) < 0)
        return -1;
    const struct pr_shape *th = &pr_input(c, 0)->shape;
    int64_t size[PR_MAX_RANK];
    int n;
    int known = pr_int_list(c, 1, "size", size, 5, &n, false);
    if (known < 0)
        return -1;
    if (n != -1 && n != 4 && n != 5)
        return pr_op_error(c, "size must hold 4 (N, C, H, W) or 5 (N, C, D, H, W) values, not %d", n);
    char buf[160];
    if (th->rank != 3)
        return pr_op_error(c, "theta must be N x r x (r+1) but has shape %s",
                           pr_shape_str(th, buf, sizeof buf));
    int r = n > 0 ? n - 2 : (th->dim[1] == 2 || th->dim[1] == 3 ? (int)th->dim[1] : -1);
    if (r > 0 && (dims_differ(th->dim[1], r) || dims_differ(th->dim[2], r + 1)))
        return pr_op_error(c, "theta has shape %s but a %d-D size needs N x %d x %d",
                           pr_shape_str(th, buf, sizeof buf), r, r, r + 1);
    if (known == 1 && dims_differ(size[0], th->dim[0]))
        return pr_op_error(c, "size says N = %lld but theta holds %lld transforms",
                           (long long)size[0], (long long)th->dim[0]);
    for (int i = 0; known == 1 && i < n; i++)
        if (size[i] < 0)
            return pr_op_error(c, "size[%d] is %lld; extents must be >= 0", i, (long long)size[i]);
    pr_attr_int(c, "align_corners", 0);
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    if (r < 0) {
        y->rank = -1;
        return 0;
    }
    y->rank = r + 2;
    y->dim[0] = th->dim[0];
    for (int i = 0; i < r; i++)
        y->dim[1 + i] = known == 1 ? size[2 + i] : -1;
    y->dim[r + 1] = r;
    return 0;
}

/* ---- RoiAlign and MaxRoiPool ---- */

/* rois must be R x cols and (RoiAlign) batch_indices R. */
static int check_rois(struct pr_op_ctx *c, int cols)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape, *rois = &pr_input(c, 1)->shape;
    char buf[160];
    if (check_rank(c, x, 4, "X (N x C x H x W)") < 0)
        return -1;
    if (rois->rank != 2 || dims_differ(rois->dim[1], cols))
        return pr_op_error(c, "rois must be num_rois x %d but has shape %s", cols,
                           pr_shape_str(rois, buf, sizeof buf));
    const struct pr_tensor *bi = pr_input(c, 2);
    if (bi && (bi->shape.rank != 1 || dims_differ(bi->shape.dim[0], rois->dim[0])))
        return pr_op_error(c, "batch_indices must be 1-D with one index per roi (%lld) but has "
                           "shape %s", (long long)rois->dim[0], pr_shape_str(&bi->shape, buf, sizeof buf));
    return 0;
}

static void roi_output(struct pr_op_ctx *c, int64_t oh, int64_t ow)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    y->rank = 4;
    y->dim[0] = pr_input(c, 1)->shape.dim[0];
    y->dim[1] = x->dim[1];
    y->dim[2] = oh;
    y->dim[3] = ow;
}

int roi_align_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 3, 3, 1) < 0 || check_rois(c, 4) < 0)
        return -1;
    int64_t oh = pr_attr_int(c, "output_height", 1), ow = pr_attr_int(c, "output_width", 1);
    int64_t sr = pr_attr_int(c, "sampling_ratio", 0);
    if (oh < 1 || ow < 1)
        return pr_op_error(c, "output_height and output_width are %lld and %lld; both must be >= 1",
                           (long long)oh, (long long)ow);
    if (sr < 0)
        return pr_op_error(c, "sampling_ratio is %lld; it must be >= 0 (0: adaptive)", (long long)sr);
    const char *mode = pr_attr_str(c, "mode", "avg");
    if (strcmp(mode, "avg") && strcmp(mode, "max"))
        return pr_op_error(c, "mode is '%s'; it must be avg or max", mode);
    if (c->opset >= 16) {
        const char *ct = pr_attr_str(c, "coordinate_transformation_mode", "half_pixel");
        if (strcmp(ct, "half_pixel") && strcmp(ct, "output_half_pixel"))
            return pr_op_error(c, "coordinate_transformation_mode is '%s'; it must be half_pixel or "
                               "output_half_pixel", ct);
    }
    double scale = pr_attr_float(c, "spatial_scale", 1.0);
    if (!(scale > 0) || !isfinite(scale))
        return pr_op_error(c, "spatial_scale is %g; it must be a positive number", scale);
    roi_output(c, oh, ow);
    return 0;
}

/* Samples per bin: sum over rois of s (see the top comment) into *sum;
 * false when the rois' values are needed and unknown. */
static bool roi_align_samples(struct pr_op_ctx *c, uint64_t *sum)
{
    int64_t sr = pr_attr_int(c, "sampling_ratio", 0);
    int64_t oh = pr_attr_int(c, "output_height", 1), ow = pr_attr_int(c, "output_width", 1);
    int64_t nroi = pr_input(c, 1)->shape.dim[0];
    if (sr > 0) {
        *sum = pr_mul(c, nroi < 0 ? 0 : (uint64_t)nroi, pr_mul(c, (uint64_t)sr, (uint64_t)sr));
        return nroi >= 0;
    }
    const struct pr_const *v = pr_values_of(pr_input(c, 1));
    if (!v)
        return false;
    bool half = c->opset >= 16 &&
                strcmp(pr_attr_str(c, "coordinate_transformation_mode", "half_pixel"), "half_pixel") == 0;
    double scale = pr_attr_float(c, "spatial_scale", 1.0);
    *sum = 0;
    for (int64_t i = 0; i + 3 < v->n; i += 4) {
        double w = (v->f[i + 2] - v->f[i]) * scale, h = (v->f[i + 3] - v->f[i + 1]) * scale;
        if (!half) {   /* output_half_pixel (legacy): rois at least 1 x 1 */
            w = fmax(w, 1.0);
            h = fmax(h, 1.0);
        }
        double gh = ceil(h / (double)oh), gw = ceil(w / (double)ow);
        if (!(gh >= 0) || !(gw >= 0) || gh > 1e9 || gw > 1e9)   /* NaN, negative or absurd */
            return false;
        *sum = pr_add(c, *sum, pr_mul(c, (uint64_t)gh, (uint64_t)gw));
    }
    return true;
}

static int roi_align_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *y = &c->out[0]->shape;
    struct pr_shape bin = {.rank = 3, .dim = {y->dim[1], y->dim[2], y->dim[3]}};
    uint64_t per_roi = pr_numel(c, &bin), s;   /* C * oh * ow */
    if (!roi_align_samples(c, &s)) {
        c->incomplete = true;
        s = y->dim[0] > 0 ? (uint64_t)y->dim[0] : 0;   /* 1 sample per bin: a lower bound */
    }
    k->macs = pr_mul(c, pr_mul(c, per_roi, s), 4);
    k->flops = pr_mul(c, k->macs, 2);
    uint64_t bins = pr_numel(c, y);
    if (strcmp(pr_attr_str(c, "mode", "avg"), "max") == 0) {
        uint64_t samples = pr_mul(c, per_roi, s);   /* sum of s over bins */
        k->flops = pr_add(c, k->flops, samples >= bins ? samples - bins : 0);
    } else {
        k->flops = pr_add(c, k->flops, bins);
    }
    k->weight_mask &= 1;
    return 0;
}

int max_roi_pool_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 2, 2, 1) < 0 || check_rois(c, 5) < 0)
        return -1;
    int64_t ps[2];
    if (pr_attr_ints(c, "pooled_shape", ps, 2) != 2)
        return c->failed ? -1 : pr_op_error(c, "MaxRoiPool needs pooled_shape with 2 values (ph, pw)");
    if (ps[0] < 1 || ps[1] < 1)
        return pr_op_error(c, "pooled_shape is %lld x %lld; both must be >= 1", (long long)ps[0],
                           (long long)ps[1]);
    double scale = pr_attr_float(c, "spatial_scale", 1.0);
    if (!(scale > 0) || !isfinite(scale))
        return pr_op_error(c, "spatial_scale is %g; it must be a positive number", scale);
    roi_output(c, ps[0], ps[1]);
    return 0;
}

/* Length of [round(a*scale), round(b*scale)] (inclusive, at least 1)
 * clipped to [0, extent); -1 when not a sane number. */
static int64_t clipped_span(double a, double b, double scale, int64_t extent)
{
    double lo = round(a * scale), hi = round(b * scale);
    if (!isfinite(lo) || !isfinite(hi) || fabs(lo) > 1e15 || fabs(hi) > 1e15)
        return -1;
    if (hi < lo)
        hi = lo;   /* the roi is at least one pixel */
    double from = fmax(lo, 0), to = fmin(hi + 1, (double)extent);
    return to > from ? (int64_t)(to - from) : 0;
}

static int max_roi_pool_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    const struct pr_const *v = pr_values_of(pr_input(c, 1));
    double scale = pr_attr_float(c, "spatial_scale", 1.0);
    uint64_t area = 0;
    bool known = v && x->dim[2] >= 0 && x->dim[3] >= 0;
    for (int64_t i = 0; known && i + 4 < v->n; i += 5) {
        int64_t w = clipped_span(v->f[i + 1], v->f[i + 3], scale, x->dim[3]);
        int64_t h = clipped_span(v->f[i + 2], v->f[i + 4], scale, x->dim[2]);
        known = w >= 0 && h >= 0;
        if (known)
            area = pr_add(c, area, pr_mul(c, (uint64_t)w, (uint64_t)h));
    }
    if (known) {
        k->flops = pr_mul(c, area, x->dim[1] < 0 ? 0 : (uint64_t)x->dim[1]);
        c->incomplete |= x->dim[1] < 0;
    } else {
        c->incomplete = true;
        k->flops = pr_numel(c, &c->out[0]->shape);
    }
    k->weight_mask &= 1;
    return 0;
}

/* ---- MaxUnpool ---- */

#define UNPOOL_MAX ((int64_t)1 << 48)   /* kernel, pads and extents beyond are refused */

int max_unpool_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 2, 3, 1) < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape, *ix = &pr_input(c, 1)->shape;
    char sx[160], si[160];
    if (x->rank < 3)
        return pr_op_error(c, "X must be N x C x D1 x ... (rank >= 3) but has shape %s",
                           pr_shape_str(x, sx, sizeof sx));
    bool same = ix->rank == x->rank;
    for (int i = 0; same && i < x->rank; i++)
        same = !dims_differ(ix->dim[i], x->dim[i]);
    if (!same)
        return pr_op_error(c, "the indices have shape %s but must have X's shape %s",
                           pr_shape_str(ix, si, sizeof si), pr_shape_str(x, sx, sizeof sx));
    int k = x->rank - 2;
    int64_t kernel[PR_MAX_RANK], stride[PR_MAX_RANK], pad[2 * PR_MAX_RANK];
    if (!pr_attr_has(c, "kernel_shape"))
        return pr_op_error(c, "MaxUnpool needs the attribute kernel_shape");
    if (pr_window_ints(c, "kernel_shape", kernel, k, 1, 1, k) < 0 ||
        pr_window_ints(c, "strides", stride, k, 1, 1, k) < 0 ||
        pr_window_ints(c, "pads", pad, 2 * k, 0, 0, k) < 0)
        return -1;
    struct pr_shape *y = &c->out[0]->shape;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    y->rank = x->rank;
    if (pr_input(c, 2)) {
        int64_t os[PR_MAX_RANK];
        int n;
        int known = pr_int_list(c, 2, "output_shape", os, PR_MAX_RANK, &n, false);
        if (known < 0)
            return -1;
        if (n >= 0 && n != x->rank)
            return pr_op_error(c, "output_shape has %d values but X has rank %d", n, x->rank);
        for (int i = 0; i < x->rank; i++) {
            if (known == 1 && (os[i] < 0 || (i < 2 && dims_differ(os[i], x->dim[i]))))
                return pr_op_error(c, "output_shape[%d] is %lld; it must be >= 0 and keep X's N and C",
                                   i, (long long)os[i]);
            y->dim[i] = known == 1 ? os[i] : i < 2 ? x->dim[i] : -1;
        }
        return 0;
    }
    y->dim[0] = x->dim[0];
    y->dim[1] = x->dim[1];
    for (int i = 0; i < k; i++) {
        int64_t d = x->dim[2 + i];
        if (kernel[i] > UNPOOL_MAX || pad[i] > UNPOOL_MAX || pad[k + i] > UNPOOL_MAX)
            return pr_op_error(c, "kernel_shape and pads of spatial axis %d must be at most 2^48", i);
        if (d < 0) {
            y->dim[2 + i] = -1;
            continue;
        }
        bool ovf = false;
        uint64_t grown = pr_u64_mul(d > 0 ? (uint64_t)(d - 1) : 0, (uint64_t)stride[i], &ovf);
        if (ovf || grown > (uint64_t)UNPOOL_MAX)
            return pr_op_error(c, "the output extent of spatial axis %d overflows", i);
        int64_t out = (int64_t)grown + kernel[i] - pad[i] - pad[k + i];   /* |terms| <= 2^48 */
        if (out < 0)
            return pr_op_error(c, "the pads make spatial axis %d negative (%lld)", i, (long long)out);
        y->dim[2 + i] = out;
    }
    return 0;
}

/* ---- Col2Im ---- */

#define COL2IM_MAX ((int64_t)1 << 30)

int col2im_shape(struct pr_op_ctx *c)
{
    if (check_io(c, 3, 3, 1) < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    char sx[160];
    if (x->rank != 3)
        return pr_op_error(c, "the input must be N x (C * prod(block_shape)) x L but has shape %s",
                           pr_shape_str(x, sx, sizeof sx));
    int64_t img[PR_MAX_RANK], blk[PR_MAX_RANK];
    int ni, nb;
    int ki = pr_int_list(c, 1, "image_shape", img, PR_MAX_RANK - 2, &ni, false);
    int kb = pr_int_list(c, 2, "block_shape", blk, PR_MAX_RANK - 2, &nb, false);
    if (ki < 0 || kb < 0)
        return -1;
    if (ni >= 0 && nb >= 0 && ni != nb)
        return pr_op_error(c, "image_shape has %d values but block_shape has %d", ni, nb);
    int r = ni >= 0 ? ni : nb;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    if (r < 0) {
        c->out[0]->shape.rank = -1;
        return 0;
    }
    if (r < 1)
        return pr_op_error(c, "image_shape and block_shape need at least one value");
    int64_t dil[PR_MAX_RANK], str[PR_MAX_RANK], pad[2 * PR_MAX_RANK];
    if (pr_window_ints(c, "dilations", dil, r, 1, 1, r) < 0 ||
        pr_window_ints(c, "strides", str, r, 1, 1, r) < 0 ||
        pr_window_ints(c, "pads", pad, 2 * r, 0, 0, r) < 0)
        return -1;
    for (int i = 0; i < r; i++)   /* keeps the block arithmetic below in range */
        if (dil[i] > COL2IM_MAX || pad[i] > COL2IM_MAX || pad[r + i] > COL2IM_MAX ||
            (kb == 1 && blk[i] > COL2IM_MAX) || (ki == 1 && img[i] > COL2IM_MAX))
            return pr_op_error(c, "image_shape, block_shape, pads and dilations of axis %d must be "
                               "at most 2^30", i);
    int64_t cols = x->dim[1];
    if (kb == 1) {
        int64_t prod = 1;
        for (int i = 0; i < r; i++) {
            if (blk[i] < 1 || blk[i] > (INT64_MAX >> 2) / prod)
                return pr_op_error(c, "block_shape[%d] is %lld; blocks must be >= 1 and their "
                                   "product small enough", i, (long long)blk[i]);
            prod *= blk[i];
        }
        if (cols >= 0 && cols % prod)
            return pr_op_error(c, "dim 1 of the input (%lld) is not a multiple of prod(block_shape) "
                               "(%lld)", (long long)cols, (long long)prod);
        cols = cols >= 0 ? cols / prod : -1;
    } else {
        cols = -1;
    }
    if (ki == 1 && kb == 1) {   /* L must be the number of block positions */
        int64_t blocks = 1;
        for (int i = 0; i < r; i++) {
            if (img[i] < 0)
                return pr_op_error(c, "image_shape[%d] is %lld; it must be >= 0", i, (long long)img[i]);
            int64_t span = img[i] + pad[i] + pad[r + i] - ((blk[i] - 1) * dil[i] + 1);
            if (span < 0)
                return pr_op_error(c, "a block of axis %d does not fit the padded image", i);
            int64_t n = span / str[i] + 1;
            if (blocks > INT64_MAX / n)
                return pr_op_error(c, "the number of block positions overflows");
            blocks *= n;
        }
        if (dims_differ(x->dim[2], blocks))
            return pr_op_error(c, "the input has %lld columns (dim 2) but image, block, pads, "
                               "dilations and strides give %lld block positions",
                               (long long)x->dim[2], (long long)blocks);
    }
    struct pr_shape *y = &c->out[0]->shape;
    y->rank = r + 2;
    y->dim[0] = x->dim[0];
    y->dim[1] = cols;
    for (int i = 0; i < r; i++) {
        if (ki == 1 && img[i] < 0)
            return pr_op_error(c, "image_shape[%d] is %lld; it must be >= 0", i, (long long)img[i]);
        y->dim[2 + i] = ki == 1 ? img[i] : -1;
    }
    return 0;
}

/* ---- costs ---- */

int vision_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *y = &c->out[0]->shape;
    switch (c->op_id) {
    case PR_OP_GRID_SAMPLE: case PR_OP_MS_GRID_SAMPLE:   /* com.microsoft's: GridSample-16 */
        k->flops = grid_sample_flops(c);
        return 0;
    case PR_OP_AFFINE_GRID: {
        if (y->rank < 0) {
            c->incomplete = true;
            return 0;
        }
        uint64_t r = (uint64_t)(y->rank - 2), points = pr_numel(c, y) / (r ? r : 1);
        k->macs = pr_mul(c, points, r * r);
        k->flops = pr_add(c, pr_mul(c, k->macs, 2), pr_mul(c, points, r));
        k->weight_mask &= 1;
        return 0;
    }
    case PR_OP_ROI_ALIGN:
        return roi_align_cost(c, k);
    case PR_OP_MAX_ROI_POOL:
        return max_roi_pool_cost(c, k);
    case PR_OP_COL2IM:
        k->flops = pr_numel(c, &pr_input(c, 0)->shape);
        k->weight_mask = 0;
        return 0;
    default:   /* MaxUnpool: data movement */
        k->weight_mask = 0;
        return 0;
    }
}
