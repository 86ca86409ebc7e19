/* resize.c -- Resize and Upsample.
 *
 * Output shape. Each resized axis of extent D gets
 *   floor(D * scale)                                   from scales,
 *   floor(D * (roi_end - roi_start) * scale)           from scales with
 *                                                      coordinate_transformation_mode
 *                                                      = tf_crop_and_resize,
 *   sizes[i]                                           from sizes (keep_aspect_ratio_policy
 *                                                      = stretch, the default),
 *   floor(s * D + 0.5), s = min (not_larger) or max (not_smaller) over the
 *   resized axes of sizes[i] / D_i                    (opset 18+).
 * Other axes keep their extent. When scales or sizes are given but their
 * values are unknown, the rank is kept and the resized extents are -1. A
 * non-positive or non-finite scale, a negative size, or a result of 0 from
 * a non-empty axis is an error, and so is giving both scales and sizes.
 *
 * FLOPs (no MACs), with m = the number of axes whose extent changes:
 *   nearest                      0 (an index computation and a copy)
 *   linear (bilinear, trilinear) out_elems * (2 * 2^m - 1)
 *                                2^m weighted neighbours: a multiply each,
 *                                2^m - 1 adds to combine them
 *   cubic                        out_elems * (2 * 4^m - 1)   (4 taps per axis)
 *   m = 0 (nothing resized)      0 (the output is a copy)
 * The per-axis weight computations (O(sum of output extents)) are not
 * counted, nor the wider filter of antialias = 1 (opset 18+).
 *
 * roi, scales and sizes are hyper-parameters: their mask bits are cleared.
 *
 * Opset differences:
 * - Resize 10: inputs (X, scales); mode nearest | linear.
 * - Resize 11-12: (X, roi, scales[, sizes]); mode adds cubic;
 *   coordinate_transformation_mode; an empty scales (shape [0]) means sizes.
 * - Resize 13+: roi and scales optional (absent or empty).
 * - Resize 18+: `axes` restricts roi/scales/sizes to those axes (negative
 *   axes count from the back; a repeated axis is an error);
 *   keep_aspect_ratio_policy (stretch | not_larger | not_smaller).
 * - Upsample 1: height_scale, width_scale attributes on a 4-D input,
 *   mode nearest | bilinear. Upsample 7: `scales` attribute (one per axis).
 *   Upsample 9-10: `scales` as input 1. Every scale must be >= 1.
 * - com.microsoft.nchwc Upsample (ONNX Runtime's NCHWc layout): `scales`
 *   an ints attribute, one integer >= 1 per axis: D * scale; mode nearest
 *   | linear.
 */
#include "families.h"

#include <math.h>
#include <string.h>

enum rs_mode { RS_NEAREST, RS_LINEAR, RS_CUBIC };

/* Largest extent a resize may produce; keeps D * scale exact in a double
 * and the products downstream in range. */
#define RS_MAX_EXTENT 4503599627370496.0   /* 2^52 */

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_RESIZE ? "Resize" : "Upsample";
}

/* The interpolation mode, validated for the operator and opset; -1 after
 * recording an error. */
static int read_mode(struct pr_op_ctx *c)
{
    const char *m = pr_attr_str(c, "mode", "nearest");
    if (strcmp(m, "nearest") == 0)
        return RS_NEAREST;
    bool upsample = c->op_id == PR_OP_UPSAMPLE;
    if (strcmp(m, "linear") == 0 && (!upsample || c->opset >= 7))
        return RS_LINEAR;
    if (strcmp(m, "bilinear") == 0 && upsample && c->opset < 7)
        return RS_LINEAR;
    if (strcmp(m, "cubic") == 0 && !upsample && c->opset >= 11)
        return RS_CUBIC;
    return pr_op_error(c, "%s (opset %d) has unknown mode '%s' (accepted: %s)", op_name(c),
                       c->opset, m, upsample ? (c->opset < 7 ? "nearest, bilinear" : "nearest, linear")
                                             : (c->opset < 11 ? "nearest, linear"
                                                              : "nearest, linear, cubic"));
}

/* floor(d * f) into *out (-1 when d is unknown); error when f is not a
 * usable factor or the result is out of range or empty. */
static int scaled_extent(struct pr_op_ctx *c, int axis, int64_t d, double f, int64_t *out)
{
    if (d < 0) {
        *out = -1;
        return 0;
    }
    double v = floor((double)d * f);
    if (!(v < RS_MAX_EXTENT))
        return pr_op_error(c, "axis %d: extent %lld scaled by %g is too large", axis,
                           (long long)d, f);
    if (v < 1 && d > 0)
        return pr_op_error(c, "axis %d: extent %lld scaled by %g gives an empty output; "
                           "the scale is too small", axis, (long long)d, f);
    *out = (int64_t)v;
    return 0;
}

static int check_scale(struct pr_op_ctx *c, int i, double s, double min)
{
    if (isfinite(s) && (min > 0 ? s >= min : s > 0))
        return 0;
    return pr_op_error(c, "scale %d is %g; %s scales must be %s", i, s, op_name(c),
                       min > 0 ? "at least 1" : "positive and finite");
}

/* Absent, or present with zero elements (exporters' way to skip an input). */
static bool is_empty(const struct pr_tensor *t)
{
    return !t || (t->shape.rank == 1 && t->shape.dim[0] == 0);
}

/* Present with known, non-zero length. */
static bool surely_given(const struct pr_tensor *t)
{
    return t && (t->shape.rank != 1 || t->shape.dim[0] > 0);
}

/* The values of a 1-D hyper-parameter input of n elements; NULL when its
 * values are unknown; error (and *bad) when its length is not n. */
static const struct pr_const *param_values(struct pr_op_ctx *c, const struct pr_tensor *t,
                                           const char *what, int64_t n, bool *bad)
{
    char sb[160];
    *bad = false;
    if (t->shape.rank != 1) {
        *bad = true;
        pr_op_error(c, "%s must be 1-D but has shape %s", what,
                    pr_shape_str(&t->shape, sb, sizeof sb));
        return NULL;
    }
    if (t->shape.dim[0] >= 0 && t->shape.dim[0] != n) {
        *bad = true;
        pr_op_error(c, "%s has %lld values but %lld are needed (one%s per resized axis)", what,
                    (long long)t->shape.dim[0], (long long)n,
                    strcmp(what, "roi") == 0 ? " start and one end" : "");
        return NULL;
    }
    return t->cval && t->cval->n == n ? pr_const_values(t->cval) : NULL;
}

/* The axes roi/scales/sizes refer to: the `axes` attribute (opset 18+) or
 * all of them. */
static int resize_axes(struct pr_op_ctx *c, int rank, int *axes, int *n)
{
    *n = rank;
    for (int d = 0; d < rank; d++)
        axes[d] = d;
    if (c->opset < 18 || !pr_attr_has(c, "axes"))
        return 0;
    int64_t raw[PR_MAX_RANK];
    int got = pr_attr_ints(c, "axes", raw, PR_MAX_RANK);
    if (got < 0)
        return -1;
    bool seen[PR_MAX_RANK] = {false};
    for (int i = 0; i < got; i++) {
        int a = pr_axis(raw[i], rank);
        if (a < 0)
            return pr_op_error(c, "axes[%d] = %lld is out of range for an input of rank %d",
                               i, (long long)raw[i], rank);
        if (seen[a])
            return pr_op_error(c, "axis %lld is listed twice in axes", (long long)raw[i]);
        seen[a] = true;
        axes[i] = a;
    }
    *n = got;
    return 0;
}

/* Output extents from sizes (stretch or keep-aspect-ratio). */
static int from_sizes(struct pr_op_ctx *c, const struct pr_tensor *sizes, const int *axes,
                      int n, const struct pr_shape *x, struct pr_shape *o)
{
    bool bad;
    const struct pr_const *v = param_values(c, sizes, "sizes", n, &bad);
    if (bad)
        return -1;
    const char *policy = c->opset >= 18 ? pr_attr_str(c, "keep_aspect_ratio_policy", "stretch")
                                        : "stretch";
    bool stretch = strcmp(policy, "stretch") == 0, not_larger = strcmp(policy, "not_larger") == 0;
    if (!stretch && !not_larger && strcmp(policy, "not_smaller") != 0)
        return pr_op_error(c, "unknown keep_aspect_ratio_policy '%s' (accepted: stretch, "
                           "not_larger, not_smaller)", policy);
    for (int i = 0; i < n; i++)
        o->dim[axes[i]] = -1;
    if (!v)
        return 0;
    for (int i = 0; i < n; i++)
        if (v->i[i] < 0)
            return pr_op_error(c, "sizes[%d] is %lld; sizes must not be negative", i,
                               (long long)v->i[i]);
    if (stretch) {
        for (int i = 0; i < n; i++)
            o->dim[axes[i]] = v->i[i];
        return 0;
    }
    double s = not_larger ? INFINITY : 0;
    for (int i = 0; i < n; i++) {
        int64_t d = x->dim[axes[i]];
        if (d < 0)
            return 0;   /* ratio unknown: extents stay -1 */
        if (d == 0)
            return pr_op_error(c, "keep_aspect_ratio_policy '%s' cannot keep the ratio of "
                               "axis %d, which is empty", policy, axes[i]);
        double r = (double)v->i[i] / (double)d;
        s = not_larger ? fmin(s, r) : fmax(s, r);
    }
    for (int i = 0; i < n; i++) {
        int64_t d = x->dim[axes[i]];
        double e = floor(s * (double)d + 0.5);
        if (!(e < RS_MAX_EXTENT))
            return pr_op_error(c, "axis %d: the kept-ratio extent is too large", axes[i]);
        o->dim[axes[i]] = (int64_t)e;
    }
    return 0;
}

/* Output extents from scales (and roi for tf_crop_and_resize). */
static int from_scales(struct pr_op_ctx *c, const struct pr_tensor *scales,
                       const struct pr_tensor *roi, bool crop, const int *axes, int n,
                       const struct pr_shape *x, struct pr_shape *o)
{
    bool bad;
    const struct pr_const *v = param_values(c, scales, "scales", n, &bad);
    if (bad)
        return -1;
    const struct pr_const *rv = NULL;
    if (crop && is_empty(roi))
        crop = false;   /* no roi: the whole input, [0, 1] on every axis */
    if (crop) {
        rv = param_values(c, roi, "roi", 2 * (int64_t)n, &bad);
        if (bad)
            return -1;
    }
    for (int i = 0; i < n; i++) {
        int a = axes[i];
        o->dim[a] = -1;
        if (!v)
            continue;
        if (check_scale(c, i, v->f[i], 0) < 0)
            return -1;
        if (crop && !rv)
            continue;   /* tf_crop_and_resize without known roi */
        double f = crop ? (rv->f[n + i] - rv->f[i]) * v->f[i] : v->f[i];
        if (scaled_extent(c, a, x->dim[a], f, &o->dim[a]) < 0)
            return -1;
    }
    return 0;
}

static int resize_op_shape(struct pr_op_ctx *c)
{
    const struct pr_tensor *x = pr_input(c, 0);
    int r = x->shape.rank;
    if (c->opset < 10)
        return pr_op_error(c, "Resize exists from opset 10; this model imports opset %d "
                           "(use Upsample there)", c->opset);
    int max_in = c->opset == 10 ? 2 : 4;
    if (c->nin > max_in)
        return pr_op_error(c, "Resize (opset %d) takes at most %d inputs but the node has %d",
                           c->opset, max_in, c->nin);
    const struct pr_tensor *roi = c->opset >= 11 ? pr_input(c, 1) : NULL;
    const struct pr_tensor *scales = pr_input(c, c->opset >= 11 ? 2 : 1);
    const struct pr_tensor *sizes = c->opset >= 11 ? pr_input(c, 3) : NULL;
    if (read_mode(c) < 0)
        return -1;
    bool crop = false;
    if (c->opset >= 11) {
        const char *ctm = pr_attr_str(c, "coordinate_transformation_mode", "half_pixel");
        static const char *const known[] = {"half_pixel", "half_pixel_symmetric",
            "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn",
            "tf_crop_and_resize"};
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(ctm, known[i]) == 0;
        if (!ok)
            return pr_op_error(c, "unknown coordinate_transformation_mode '%s'", ctm);
        crop = strcmp(ctm, "tf_crop_and_resize") == 0;
    }
    int axes[PR_MAX_RANK], n;
    if (resize_axes(c, r, axes, &n) < 0)
        return -1;
    struct pr_shape *o = &c->out[0]->shape;
    *o = x->shape;
    c->out[0]->dtype = x->dtype;
    if (surely_given(scales) && surely_given(sizes))
        return pr_op_error(c, "Resize has both scales and sizes; give exactly one "
                           "(the other empty or absent)");
    /* one of them may have an unknown length: the other, surely given, wins */
    if (surely_given(sizes) || (!is_empty(sizes) && !surely_given(scales)))
        return from_sizes(c, sizes, axes, n, &x->shape, o);
    if (!is_empty(scales))
        return from_scales(c, scales, roi, crop, axes, n, &x->shape, o);
    return pr_op_error(c, "Resize needs scales or sizes; both are %s",
                       c->opset == 10 ? "missing" : "empty or absent");
}

static int upsample_shape(struct pr_op_ctx *c)
{
    const struct pr_tensor *x = pr_input(c, 0);
    int r = x->shape.rank;
    struct pr_shape *o = &c->out[0]->shape;
    *o = x->shape;
    c->out[0]->dtype = x->dtype;
    if (read_mode(c) < 0)
        return -1;
    if (c->opset < 7) {
        if (c->nin > 1)
            return pr_op_error(c, "Upsample (opset %d) takes 1 input but the node has %d",
                               c->opset, c->nin);
        if (r != 4)
            return pr_op_error(c, "Upsample (opset %d) needs a 4-D input (N x C x H x W) but "
                               "it has rank %d", c->opset, r);
        if (!pr_attr_has(c, "height_scale") || !pr_attr_has(c, "width_scale"))
            return pr_op_error(c, "Upsample (opset %d) needs height_scale and width_scale",
                               c->opset);
        double hw[2] = {pr_attr_float(c, "height_scale", 1), pr_attr_float(c, "width_scale", 1)};
        for (int i = 0; i < 2; i++)
            if (check_scale(c, i + 2, hw[i], 1) < 0 ||
                scaled_extent(c, i + 2, x->shape.dim[i + 2], hw[i], &o->dim[i + 2]) < 0)
                return -1;
        return 0;
    }
    double s[PR_MAX_RANK];
    if (c->opset < 9) {
        if (c->nin > 1)
            return pr_op_error(c, "Upsample (opset %d) takes scales as an attribute but the "
                               "node has %d inputs", c->opset, c->nin);
        int got = pr_attr_floats(c, "scales", s, PR_MAX_RANK);
        if (got < 0)
            return c->failed ? -1 : pr_op_error(c, "Upsample (opset %d) needs the attribute "
                                                "'scales'", c->opset);
        if (got != r)
            return pr_op_error(c, "scales has %d values but the input has rank %d", got, r);
    } else {
        if (pr_op_require(c, 2) < 0)
            return -1;
        if (c->nin > 2)
            return pr_op_error(c, "Upsample takes 2 inputs (X, scales) but the node has %d",
                               c->nin);
        bool bad;
        const struct pr_const *v = param_values(c, pr_input(c, 1), "scales", r, &bad);
        if (bad)
            return -1;
        for (int d = 0; d < r; d++)
            o->dim[d] = -1;
        if (!v)
            return 0;
        for (int d = 0; d < r; d++)
            s[d] = v->f[d];
    }
    for (int d = 0; d < r; d++)
        if (check_scale(c, d, s[d], 1) < 0 ||
            scaled_extent(c, d, x->shape.dim[d], s[d], &o->dim[d]) < 0)
            return -1;
    return 0;
}

int resize_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nout > 1)
        return pr_op_error(c, "%s has 1 output but the node has %d", op_name(c), c->nout);
    return c->op_id == PR_OP_UPSAMPLE ? upsample_shape(c) : resize_op_shape(c);
}

/* com.microsoft.nchwc Upsample: integer scales, one per axis, D * scale. */
int nupsample_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0 || read_mode(c) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    int r = x->shape.rank;
    int64_t sc[PR_MAX_RANK];
    int n = pr_attr_ints(c, "scales", sc, PR_MAX_RANK);
    if (c->failed)
        return -1;
    if (n != r)
        return pr_op_error(c, "scales has %d values but the input has rank %d", n < 0 ? 0 : n, r);
    struct pr_tensor *y = c->out[0];
    y->dtype = x->dtype;
    y->shape.rank = r;
    for (int d = 0; d < r; d++) {
        if (sc[d] < 1)
            return pr_op_error(c, "scales[%d] is %lld; it must be >= 1", d, (long long)sc[d]);
        if (scaled_extent(c, d, x->shape.dim[d], (double)sc[d], &y->shape.dim[d]) < 0)
            return -1;
    }
    return 0;
}

int resize_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask &= 1;   /* roi, scales, sizes are hyper-parameters */
    int mode = read_mode(c);
    if (mode < 0)
        return -1;
    const struct pr_shape *x = &pr_input(c, 0)->shape, *o = &c->out[0]->shape;
    if (mode == RS_NEAREST)
        return 0;
    int m = 0;
    for (int d = 0; d < o->rank && d < x->rank; d++)
        m += o->dim[d] < 0 || x->dim[d] < 0 || o->dim[d] != x->dim[d];
    if (m == 0)
        return 0;
    uint64_t taps = 1;
    for (int i = 0; i < m; i++)
        taps = pr_mul(c, taps, mode == RS_CUBIC ? 4 : 2);
    k->flops = pr_mul(c, pr_numel(c, o), pr_mul(c, 2, taps) - 1);
    return 0;
}
