/* layout.c -- data movement between and within tensors.
 *
 * Cost: MACs = 0, FLOPs = 0 for every operator here (move_cost, defined in
 * shape_ops.c): they copy elements. Only input 0 can count as weights,
 * except Concat, whose inputs are all data.
 *
 * Output shapes (r = data rank, d = data extents, -1 = unknown):
 *   CenterCropPad  (opset 18) d with the extents of the axes listed (attribute
 *              axes, default all) set to the values of input 1, shape (one per
 *              axis, >= 0; unknown values leave those extents unknown): a
 *              centred crop or zero pad.
 *   Concat     inputs of equal rank and equal extents off the axis; extent
 *              on the axis = sum. axis required from opset 4 (default 1
 *              before), in [-r, r-1].
 *   DepthToSpace  (N, C/b^2, H*b, W*b) of a rank-4 input, b = blocksize
 *              (required, >= 1), C divisible by b^2; mode DCR or CRD (11+)
 *              orders the channels only.
 *   Gather     d[:axis] + indices.shape + d[axis+1:]; indices in [-d, d-1],
 *              negative ones wrap.
 *   Pad        d[a] + pad_begin + pad_end on each padded axis, which must stay
 *              >= 0 (negative pads crop). pads: attribute `paddings` (opset
 *              1), attribute `pads` (2..10), input 1 (11+); axes input 3
 *              (18+) selects the padded axes. Modes constant, reflect, edge
 *              (and wrap from 19).
 *   ReverseSequence  d; sequence_lens is 1-D of the batch extent, each value
 *              in [0, time extent]; batch_axis, time_axis are 0 and 1.
 *   Slice      per sliced axis with extent D, following the spec: negative
 *              start/end += D; step > 0: start, end clamped to [0, D];
 *              step < 0: start to [0, D-1], end to [-1, D-1];
 *              extent = max(0, ceil((end - start) / step)); step 0 is an
 *              error. starts/ends/axes are attributes before opset 10,
 *              inputs 1..4 (with steps) from 10.
 *   SpaceToDepth  (N, C*b^2, H/b, W/b), H and W divisible by b.
 *   Split      extent on the axis per output: the split list (attribute
 *              before 13, input from 13; must sum to D); else, opset 18
 *              num_outputs: ceil(D / n) each and the rest in the last; else
 *              D / outputs, which must divide evenly.
 *   Tile       d[i] * repeats[i] (opset 6+); before 6: d[axis] * tiles.
 *   Transpose  d[perm[i]], perm a permutation of 0..r-1, default reversed.
 *   ReorderInput, ReorderOutput (com.microsoft.nchwc: ONNX Runtime's NCHWc
 *              layout, written by its level-'all' optimiser on CPUs).
 *              ReorderInput: (N, C, D...) -> (N, C', D...); with
 *              channels_last (default 0) the input is (N, D..., C). C' is C
 *              rounded up to the CPU's channel block (MlasNchwcGetBlockSize:
 *              8 with AVX/AVX2, 16 with AVX-512), which the file does not
 *              record. C' is known when both blocks give the same count
 *              (C mod 16 = 0 or > 8), and when C is a multiple of 8
 *              (onnxruntime only reorders channel counts that are a
 *              multiple of its block, so the file comes from a machine
 *              whose block divides C: C' = C); otherwise (C mod 16 in
 *              1..7) it depends on the machine: the extent is the
 *              data-dependent symbol "<node>.channels" (--dim binds it),
 *              unknown when unbound.
 *              ReorderOutput: (N, C', D...) -> (N, channels, D...), or
 *              (N, D..., channels) with channels_last; attribute channels
 *              (> 0, at most C') is required.
 * Output element type = the data input's. Extent sums and products are
 * checked for int64 overflow (an error). Known values (cval) are moved
 * along with the elements whenever the inputs' values are known and the
 * output has at most PR_CONST_MAX elements (Pad, DepthToSpace, SpaceToDepth
 * and ReverseSequence excepted); that is what
 * lets PyTorch's Shape -> Gather -> Unsqueeze -> Concat chains end known.
 */
#include <string.h>

#include "families.h"
#include "values.h"

/* ---- helpers ---- */

/* Product of extents lo..hi-1 of a shape whose values are known (so every
 * extent is known and the product is at most PR_CONST_MAX). */
static int64_t span(const struct pr_shape *s, int lo, int hi)
{
    int64_t n = 1;
    for (int i = lo; i < hi; i++)
        n *= s->dim[i];
    return n;
}

/* Output o: the data type and shape s, with unknown values. */
static void set_out(struct pr_tensor *o, int dtype, const struct pr_shape *s)
{
    o->dtype = dtype;
    o->shape = *s;
    o->cval = NULL;
}

/* Element e of a tensor of shape m->dim comes from source element
 * sum_d ((start[d] + coord_d * step[d]) mod wrap[d]) * stride[d], where
 * coord_d is e's coordinate on output axis d (wrap 0: no modulus). Slice,
 * Tile and Transpose are all this map with different numbers. */
struct index_map {
    int64_t start[PR_MAX_RANK], step[PR_MAX_RANK], wrap[PR_MAX_RANK], stride[PR_MAX_RANK];
};

static int map_values(struct pr_op_ctx *c, const struct index_map *m, const struct pr_const *src,
                      struct pr_tensor *o)
{
    int64_t n = pr_small_numel(&o->shape);
    if (n < 0)
        return 0;
    struct pr_const *k = pr_const_new(c, n);
    if (!k)
        return -1;
    for (int64_t e = 0; e < n; e++) {
        int64_t rem = e, from = 0;
        for (int d = o->shape.rank - 1; d >= 0; d--) {
            int64_t x = m->start[d] + rem % o->shape.dim[d] * m->step[d];
            rem /= o->shape.dim[d];
            if (m->wrap[d])
                x %= m->wrap[d];
            from += x * m->stride[d];
        }
        if (from < 0 || from >= src->n)
            return pr_op_error(c, "internal error: element %lld maps outside the input",
                               (long long)e);
        k->i[e] = src->i[from];
        k->f[e] = src->f[from];
    }
    o->cval = k;
    return 0;
}

/* Row-major strides of a known shape. */
static void strides_of(const struct pr_shape *s, int64_t *stride)
{
    int64_t n = 1;
    for (int d = s->rank - 1; d >= 0; d--) {
        stride[d] = n;
        n *= s->dim[d];
    }
}

/* ---- Concat ---- */

static int concat_values(struct pr_op_ctx *c, int axis, struct pr_tensor *o)
{
    int64_t n = pr_small_numel(&o->shape);
    if (n < 0)
        return 0;
    for (int i = 0; i < c->nin; i++)
        if (!pr_values_of(c->in[i]))
            return 0;
    struct pr_const *k = pr_const_new(c, n);
    if (!k)
        return -1;
    int64_t outer = span(&o->shape, 0, axis), inner = span(&o->shape, axis + 1, o->shape.rank);
    int64_t e = 0;
    for (int64_t b = 0; b < outer; b++) {
        for (int i = 0; i < c->nin; i++) {
            const struct pr_const *v = pr_const_values(c->in[i]->cval);
            int64_t chunk = c->in[i]->shape.dim[axis] * inner;
            for (int64_t j = 0; j < chunk; j++, e++) {
                k->i[e] = v->i[b * chunk + j];
                k->f[e] = v->f[b * chunk + j];
            }
        }
    }
    o->cval = k;
    return 0;
}

int concat_shape(struct pr_op_ctx *c)
{
    if (c->nin < 1)
        return pr_op_error(c, "Concat needs at least one input");
    if (c->nin > PR_MAX_IO)
        return pr_op_error(c, "Concat has %d inputs; at most %d are supported", c->nin, PR_MAX_IO);
    if (pr_op_require(c, c->nin) < 0)
        return -1;
    if (c->opset >= 4 && !pr_attr_has(c, "axis"))
        return pr_op_error(c, "attribute 'axis' is required");
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    if (r == 0)
        return pr_op_error(c, "cannot concatenate scalars (input 0 has rank 0)");
    int64_t av = pr_attr_int(c, "axis", 1);
    int axis = pr_axis(av, r);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)av, r);
    struct pr_shape s = x->shape;
    for (int i = 1; i < c->nin; i++) {
        const struct pr_shape *t = &c->in[i]->shape;
        if (t->rank != r)
            return pr_op_error(c, "input %d has rank %d but input 0 has rank %d", i, t->rank, r);
        for (int d = 0; d < r; d++) {
            if (d == axis) {
                if (s.dim[d] < 0 || t->dim[d] < 0)
                    s.dim[d] = -1;
                else if (__builtin_add_overflow(s.dim[d], t->dim[d], &s.dim[d]))
                    return pr_op_error(c, "the concatenated extent overflows int64");
            } else if (s.dim[d] < 0) {
                s.dim[d] = t->dim[d];
            } else if (t->dim[d] >= 0 && t->dim[d] != s.dim[d]) {
                return pr_op_error(c, "input %d has extent %lld on axis %d but input 0 has %lld "
                                   "(only axis %d may differ)", i, (long long)t->dim[d], d,
                                   (long long)s.dim[d], axis);
            }
        }
    }
    set_out(c->out[0], x->dtype, &s);
    return concat_values(c, axis, c->out[0]);
}

/* ---- Gather ---- */

int gather_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ix = c->in[1];
    int r = x->shape.rank, q = ix->shape.rank;
    if (r < 1)
        return pr_op_error(c, "data must have rank >= 1 (it is a scalar)");
    int64_t av = pr_attr_int(c, "axis", 0);
    int axis = pr_axis(av, r);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)av, r);
    if (r - 1 + q > PR_MAX_RANK)
        return pr_op_error(c, "the output rank %d exceeds the supported maximum %d",
                           r - 1 + q, PR_MAX_RANK);
    struct pr_shape s = {.rank = r - 1 + q};
    for (int d = 0; d < axis; d++)
        s.dim[d] = x->shape.dim[d];
    for (int d = 0; d < q; d++)
        s.dim[axis + d] = ix->shape.dim[d];
    for (int d = axis + 1; d < r; d++)
        s.dim[q + d - 1] = x->shape.dim[d];
    set_out(c->out[0], x->dtype, &s);
    const struct pr_const *iv = pr_values_of(ix), *xv = pr_values_of(x);
    int64_t extent = x->shape.dim[axis];
    if (!iv || extent < 0)
        return 0;
    for (int64_t j = 0; j < iv->n; j++)
        if (iv->i[j] < -extent || iv->i[j] >= extent)
            return pr_op_error(c, "index %lld is out of range for axis %d of extent %lld",
                               (long long)iv->i[j], axis, (long long)extent);
    int64_t n = pr_small_numel(&s);
    if (!xv || n < 0)
        return 0;
    struct pr_const *k = pr_const_new(c, n);
    if (!k)
        return -1;
    int64_t outer = span(&x->shape, 0, axis), inner = span(&x->shape, axis + 1, r), e = 0;
    for (int64_t b = 0; b < outer; b++) {
        for (int64_t j = 0; j < iv->n; j++) {
            int64_t at = iv->i[j] < 0 ? iv->i[j] + extent : iv->i[j];
            int64_t from = (b * extent + at) * inner;
            for (int64_t t = 0; t < inner; t++, e++) {
                k->i[e] = xv->i[from + t];
                k->f[e] = xv->f[from + t];
            }
        }
    }
    c->out[0]->cval = k;
    return 0;
}

/* ---- Pad ---- */

/* Normalises the listed axes of rank r in place; errors on out-of-range
 * and repeated axes. */
static int norm_axes(struct pr_op_ctx *c, int64_t *axes, int n, int r)
{
    bool hit[PR_MAX_RANK] = {false};
    for (int i = 0; i < n; i++) {
        int a = pr_axis(axes[i], r);
        if (a < 0)
            return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)axes[i], r);
        if (hit[a])
            return pr_op_error(c, "axis %lld is listed twice", (long long)axes[i]);
        hit[a] = true;
        axes[i] = a;
    }
    return 0;
}

static int pad_mode_ok(struct pr_op_ctx *c)
{
    const char *mode = pr_attr_str(c, "mode", "constant");
    if (strcmp(mode, "constant") == 0 || strcmp(mode, "reflect") == 0 ||
        strcmp(mode, "edge") == 0 || (strcmp(mode, "wrap") == 0 && c->opset >= 19))
        return 0;
    return pr_op_error(c, "mode '%s' is not one of constant, reflect, edge%s", mode,
                       c->opset >= 19 ? ", wrap" : " (wrap needs opset 19)");
}

int pad_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0 || pad_mode_ok(c) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t pads[2 * PR_MAX_RANK], axes[PR_MAX_RANK];
    int np, na = r;
    int got = pr_list_arg(c, c->opset < 2 ? "paddings" : "pads", "pads", 11, 1,
                       pads, 2 * PR_MAX_RANK, &np);
    if (got < 0)
        return -1;
    if (got == 0)
        return pr_op_error(c, "pads is required");
    int got_axes = 2;
    if (c->opset >= 18 && pr_input(c, 3)) {
        got_axes = pr_int_list(c, 3, "axes", axes, PR_MAX_RANK, &na, true) + 1;
        if (got_axes < 1)
            return -1;
    } else {
        for (int i = 0; i < r; i++)
            axes[i] = i;
    }
    struct pr_shape s = x->shape;
    if (got_axes == 1) {
        for (int i = 0; i < r; i++)
            s.dim[i] = -1;
        set_out(c->out[0], x->dtype, &s);
        return 0;
    }
    if (norm_axes(c, axes, na, r) < 0)
        return -1;
    if (np >= 0 && np != 2 * na)
        return pr_op_error(c, "pads has %d values but %d axes need %d", np, na, 2 * na);
    for (int i = 0; i < na; i++) {
        int a = (int)axes[i];
        if (got == 1 || s.dim[a] < 0) {
            s.dim[a] = -1;
            continue;
        }
        int64_t e;
        if (__builtin_add_overflow(s.dim[a], pads[i], &e) ||
            __builtin_add_overflow(e, pads[i + na], &e))
            return pr_op_error(c, "padding axis %d overflows int64", a);
        if (e < 0)
            return pr_op_error(c, "padding axis %d of extent %lld by %lld and %lld leaves a "
                               "negative extent", a, (long long)s.dim[a], (long long)pads[i],
                               (long long)pads[i + na]);
        s.dim[a] = e;
    }
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

/* ---- CenterCropPad ---- */

int center_crop_pad_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 1)
        return pr_op_error(c, "CenterCropPad takes 2 inputs and has 1 output but the node has %d and %d",
                           c->nin, c->nout);
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    if (r < 1)
        return pr_op_error(c, "CenterCropPad needs an input of rank >= 1 but it is a scalar");
    int64_t axes[PR_MAX_RANK], vals[PR_MAX_RANK];
    int na = pr_attr_ints(c, "axes", axes, PR_MAX_RANK);
    if (c->failed)
        return -1;
    if (na < 0) {
        na = r;
        for (int i = 0; i < r; i++)
            axes[i] = i;
    }
    if (norm_axes(c, axes, na, r) < 0)
        return -1;
    int n, known = pr_int_list(c, 1, "shape", vals, PR_MAX_RANK, &n, false);
    if (known < 0)
        return -1;
    if (n >= 0 && n != na)
        return pr_op_error(c, "shape has %d values but there are %d axes to crop or pad", n, na);
    struct pr_shape s = x->shape;
    for (int i = 0; i < na; i++) {
        if (known && vals[i] < 0)
            return pr_op_error(c, "shape[%d] is %lld; an extent cannot be negative", i, (long long)vals[i]);
        s.dim[axes[i]] = known ? vals[i] : -1;
    }
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

/* ---- Slice ---- */

/* Clamps start/end of one axis of extent dim (spec of Slice-13) and
 * returns the output extent. */
static int64_t slice_extent(int64_t dim, int64_t *start, int64_t end, int64_t step)
{
    int64_t s = *start, e = end;
    if (dim == 0)
        return 0;
    if (s < 0)
        s += dim;
    if (e < 0)
        e += dim;
    if (step > 0) {
        s = s < 0 ? 0 : s > dim ? dim : s;
        e = e < 0 ? 0 : e > dim ? dim : e;
    } else {
        s = s < 0 ? 0 : s > dim - 1 ? dim - 1 : s;
        e = e < -1 ? -1 : e > dim - 1 ? dim - 1 : e;
    }
    *start = s;
    if (step > 0)
        return e > s ? (e - s) / step + ((e - s) % step != 0) : 0;
    int64_t d = s - e;   /* > 0 when the slice is not empty */
    return d > 0 ? -(d / step) + (d % step != 0) : 0;
}

struct slice_args {
    int64_t starts[PR_MAX_RANK], ends[PR_MAX_RANK], axes[PR_MAX_RANK], steps[PR_MAX_RANK];
    int n;
    bool known, axes_known;
};

/* Reads starts/ends/axes/steps (attributes before opset 10, inputs from 10). */
static int slice_args_read(struct pr_op_ctx *c, int r, struct slice_args *a)
{
    static const char *const names[4] = {"starts", "ends", "axes", "steps"};
    int64_t *bufs[4] = {a->starts, a->ends, a->axes, a->steps};
    int got[4], n[4];
    for (int i = 0; i < 4; i++) {
        got[i] = i == 3 && c->opset < 10 ? 0
               : pr_list_arg(c, names[i], names[i], 10, i + 1, bufs[i], PR_MAX_RANK, &n[i]);
        if (got[i] < 0)
            return -1;
    }
    if (!got[0] || !got[1])
        return pr_op_error(c, "starts and ends are required");
    a->n = -1;
    for (int i = 3; i >= 0; i--)
        if (got[i] && n[i] >= 0)
            a->n = n[i];
    for (int i = 0; i < 4; i++)
        if (got[i] && n[i] >= 0 && a->n >= 0 && n[i] != a->n)
            return pr_op_error(c, "starts, ends, axes and steps must have equal lengths "
                               "(%s has %d values, another has %d)", names[i], n[i], a->n);
    a->known = got[0] == 2 && got[1] == 2 && got[2] != 1 && got[3] != 1;
    a->axes_known = got[2] != 1 && a->n >= 0;
    if (!got[2])
        for (int i = 0; i < a->n; i++)
            a->axes[i] = i;
    if (!got[3])
        for (int i = 0; i < a->n; i++)
            a->steps[i] = 1;
    if (a->axes_known && norm_axes(c, a->axes, a->n, r) < 0)
        return -1;
    if (got[3] == 2)
        for (int i = 0; i < a->n; i++)
            if (a->steps[i] == 0)
                return pr_op_error(c, "steps[%d] is 0", i);
    return 0;
}

int slice_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    struct slice_args a;
    if (slice_args_read(c, r, &a) < 0)
        return -1;
    struct pr_shape s = x->shape;
    struct index_map m;
    for (int d = 0; d < r; d++) {
        m.start[d] = 0;
        m.step[d] = 1;
        m.wrap[d] = 0;
    }
    if (!a.axes_known) {
        for (int d = 0; d < r; d++)
            s.dim[d] = -1;
    }
    for (int i = 0; a.axes_known && i < a.n; i++) {
        int ax = (int)a.axes[i];
        if (!a.known || s.dim[ax] < 0) {
            s.dim[ax] = -1;
            continue;
        }
        m.start[ax] = a.starts[i];
        m.step[ax] = a.steps[i];
        s.dim[ax] = slice_extent(s.dim[ax], &m.start[ax], a.ends[i], a.steps[i]);
    }
    set_out(c->out[0], x->dtype, &s);
    const struct pr_const *xv = pr_values_of(x);
    if (!xv || !a.known)
        return 0;
    strides_of(&x->shape, m.stride);
    return map_values(c, &m, xv, c->out[0]);
}

/* ---- Split ---- */

/* Extents of the outputs on the split axis: the split list, or
 * num_outputs chunks (opset 18), or equal parts; -1 when unknown. */
static int split_sizes(struct pr_op_ctx *c, int64_t dim, int nout, int64_t *size)
{
    int n;
    int got = pr_list_arg(c, "split", "split", 13, 1, size, PR_MAX_IO, &n);
    if (got < 0)
        return -1;
    if (got == 0 && c->opset < 2 && pr_input(c, 1)) {   /* Split-1: split as input 1 */
        int k = pr_int_list(c, 1, "split", size, PR_MAX_IO, &n, true);
        if (k < 0)
            return -1;
        got = k + 1;
    }
    bool has_num = c->opset >= 18 && pr_attr_has(c, "num_outputs");
    if (got && has_num)
        return pr_op_error(c, "give either the split input or num_outputs, not both");
    if (got) {
        if (n >= 0 && n != nout)
            return pr_op_error(c, "split has %d values but the node has %d outputs", n, nout);
        if (got == 1) {
            for (int i = 0; i < nout; i++)
                size[i] = -1;
            return 0;
        }
        int64_t sum = 0;
        for (int i = 0; i < nout; i++) {
            if (size[i] < 0)
                return pr_op_error(c, "split[%d] is negative (%lld)", i, (long long)size[i]);
            if (__builtin_add_overflow(sum, size[i], &sum))
                return pr_op_error(c, "the split sizes overflow int64");
        }
        if (dim >= 0 && sum != dim)
            return pr_op_error(c, "the split sizes sum to %lld but the axis has extent %lld",
                               (long long)sum, (long long)dim);
        return 0;
    }
    int64_t parts = nout;
    if (has_num) {
        parts = pr_attr_int(c, "num_outputs", 0);
        if (parts != nout)
            return pr_op_error(c, "num_outputs is %lld but the node has %d outputs",
                               (long long)parts, nout);
    }
    for (int i = 0; i < nout; i++)
        size[i] = -1;
    if (dim < 0)
        return 0;
    int64_t chunk = dim / parts + (dim % parts != 0), last = dim - chunk * (parts - 1);
    if (!has_num && dim % parts != 0)
        return pr_op_error(c, "extent %lld cannot be split into %d equal parts; give split "
                           "sizes", (long long)dim, nout);
    if (last < 0)
        return pr_op_error(c, "extent %lld cannot be split into %lld chunks of %lld",
                           (long long)dim, (long long)parts, (long long)chunk);
    for (int i = 0; i < nout; i++)
        size[i] = i < nout - 1 ? chunk : last;
    return 0;
}

int split_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nout < 1 || c->nout > PR_MAX_IO)
        return pr_op_error(c, "Split has %d outputs; 1 to %d are supported", c->nout, PR_MAX_IO);
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    if (r < 1)
        return pr_op_error(c, "cannot split a scalar");
    int64_t av = pr_attr_int(c, "axis", 0);
    int axis = pr_axis(av, r);
    if (axis < 0)
        return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)av, r);
    int64_t size[PR_MAX_IO];
    if (split_sizes(c, x->shape.dim[axis], c->nout, size) < 0)
        return -1;
    const struct pr_const *xv = pr_values_of(x);
    struct index_map m;
    if (xv)
        strides_of(&x->shape, m.stride);
    for (int d = 0; d < r; d++) {
        m.start[d] = 0;
        m.step[d] = 1;
        m.wrap[d] = 0;
    }
    for (int i = 0; i < c->nout; i++) {
        struct pr_shape s = x->shape;
        s.dim[axis] = size[i];
        set_out(c->out[i], x->dtype, &s);
        if (xv && size[i] >= 0 && map_values(c, &m, xv, c->out[i]) < 0)
            return -1;
        m.start[axis] += size[i];
    }
    return 0;
}

/* ---- Tile ---- */

int tile_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, c->opset < 6 ? 3 : 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t rep[PR_MAX_RANK];
    int n, known;
    if (c->opset < 6) {   /* Tile-1: scalar tiles and axis inputs */
        int64_t tiles, axis;
        int n2, k1 = pr_int_list(c, 1, "tiles", &tiles, 1, &n, true), k2;
        if (k1 < 0 || (k2 = pr_int_list(c, 2, "axis", &axis, 1, &n2, true)) < 0)
            return -1;
        known = k1 && k2;
        n = r;
        for (int d = 0; known && d < r; d++)
            rep[d] = 1;
        if (known) {
            int a = pr_axis(axis, r);
            if (a < 0)
                return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)axis, r);
            rep[a] = tiles;
        }
    } else {
        known = pr_int_list(c, 1, "repeats", rep, PR_MAX_RANK, &n, true);
        if (known < 0)
            return -1;
    }
    if (n >= 0 && n != r)
        return pr_op_error(c, "repeats has %d values but the input has rank %d", n, r);
    struct pr_shape s = x->shape;
    struct index_map m;
    for (int d = 0; d < r; d++) {
        if (!known) {
            s.dim[d] = -1;
            continue;
        }
        if (rep[d] < 0)
            return pr_op_error(c, "repeats[%d] is negative (%lld)", d, (long long)rep[d]);
        if (s.dim[d] == 0 || rep[d] == 0)
            s.dim[d] = 0;
        else if (s.dim[d] > 0 && __builtin_mul_overflow(s.dim[d], rep[d], &s.dim[d]))
            return pr_op_error(c, "tiling axis %d overflows int64", d);
        m.start[d] = 0;
        m.step[d] = 1;
        m.wrap[d] = x->shape.dim[d];
    }
    set_out(c->out[0], x->dtype, &s);
    const struct pr_const *xv = pr_values_of(x);
    if (!xv || !known)
        return 0;
    strides_of(&x->shape, m.stride);
    return map_values(c, &m, xv, c->out[0]);
}

/* ---- Transpose ---- */

int transpose_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    int64_t perm[PR_MAX_RANK];
    int n = pr_attr_ints(c, "perm", perm, PR_MAX_RANK);
    if (n < 0) {
        if (c->failed)
            return -1;
        for (int i = 0; i < r; i++)
            perm[i] = r - 1 - i;
        n = r;
    }
    if (n != r)
        return pr_op_error(c, "perm has %d values but the input has rank %d", n, r);
    bool seen[PR_MAX_RANK] = {false};
    for (int i = 0; i < r; i++) {
        if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
            return pr_op_error(c, "perm is not a permutation of 0..%d (value %lld at %d)",
                               r - 1, (long long)perm[i], i);
        seen[perm[i]] = true;
    }
    struct pr_shape s = {.rank = r};
    for (int i = 0; i < r; i++)
        s.dim[i] = x->shape.dim[perm[i]];
    set_out(c->out[0], x->dtype, &s);
    const struct pr_const *xv = pr_values_of(x);
    if (!xv)
        return 0;
    int64_t stride[PR_MAX_RANK];
    struct index_map m;
    strides_of(&x->shape, stride);
    for (int i = 0; i < r; i++) {
        m.start[i] = 0;
        m.step[i] = 1;
        m.wrap[i] = 0;
        m.stride[i] = stride[perm[i]];
    }
    return map_values(c, &m, xv, c->out[0]);
}

/* ---- ReorderInput, ReorderOutput (com.microsoft.nchwc) ---- */

int reorder_input_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    bool last = pr_attr_int(c, "channels_last", 0) != 0;
    if (c->failed)
        return -1;
    if (r < 2)
        return pr_op_error(c, "input has rank %d; ReorderInput needs (N, C, ...)", r);
    struct pr_shape s = {.rank = r};
    int64_t ch = x->shape.dim[last ? r - 1 : 1];
    if (ch > INT64_MAX - 16)
        return pr_op_error(c, "input has %lld channels; rounded up to the NCHWc block they overflow 64 bits",
                           (long long)ch);
    s.dim[0] = x->shape.dim[0];
    int64_t up8 = ch < 0 ? ch : (ch + 7) / 8 * 8, up16 = ch < 0 ? ch : (ch + 15) / 16 * 16;
    s.dim[1] = up8 == up16 ? up8
             : ch % 8 == 0 ? ch
             : pr_data_dim(c, "channels", -1, "ReorderInput's channels: C rounded up to the "
                           "CPU's NCHWc block (8 with AVX2, 16 with AVX-512)");
    for (int i = 2; i < r; i++)
        s.dim[i] = x->shape.dim[last ? i - 1 : i];
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

int reorder_output_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    int r = x->shape.rank;
    bool last = pr_attr_int(c, "channels_last", 0) != 0;
    int64_t ch = pr_attr_int(c, "channels", 0);
    if (c->failed)
        return -1;
    if (r < 2)
        return pr_op_error(c, "input has rank %d; ReorderOutput needs (N, C, ...)", r);
    if (ch <= 0)
        return pr_op_error(c, "channels is %lld; it must be given and > 0", (long long)ch);
    if (x->shape.dim[1] >= 0 && ch > x->shape.dim[1])
        return pr_op_error(c, "channels %lld exceed the input's %lld blocked channels",
                           (long long)ch, (long long)x->shape.dim[1]);
    struct pr_shape s = {.rank = r};
    s.dim[0] = x->shape.dim[0];
    for (int i = 2; i < r; i++)
        s.dim[last ? i - 1 : i] = x->shape.dim[i];
    s.dim[last ? r - 1 : 1] = ch;
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

/* ---- DepthToSpace, SpaceToDepth ---- */

/* blocksize (required, >= 1) of a rank-4 NCHW input; -1 after an error. */
static int64_t block_size(struct pr_op_ctx *c)
{
    if (c->in[0]->shape.rank != 4)
        return pr_op_error(c, "input must have rank 4 (N, C, H, W) but has rank %d",
                           c->in[0]->shape.rank);
    if (!pr_attr_has(c, "blocksize"))
        return pr_op_error(c, "attribute 'blocksize' is required");
    int64_t b = pr_attr_int(c, "blocksize", 0);
    if (b < 1 || b > INT32_MAX)
        return pr_op_error(c, "blocksize is %lld; it must be a positive integer", (long long)b);
    return b;
}

int depth_to_space_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int64_t b = block_size(c);
    if (b < 0)
        return -1;
    if (c->opset >= 11) {
        const char *mode = pr_attr_str(c, "mode", "DCR");
        if (strcmp(mode, "DCR") != 0 && strcmp(mode, "CRD") != 0)
            return c->failed ? -1 : pr_op_error(c, "mode is '%s'; it must be DCR or CRD", mode);
    }
    const struct pr_tensor *x = c->in[0];
    struct pr_shape s = x->shape;
    int64_t ch = s.dim[1], bb = b * b;
    if (ch >= 0 && ch % bb != 0)
        return pr_op_error(c, "%lld channels are not divisible by blocksize^2 = %lld",
                           (long long)ch, (long long)bb);
    s.dim[1] = ch < 0 ? -1 : ch / bb;
    for (int d = 2; d < 4; d++)
        if (s.dim[d] > 0 && __builtin_mul_overflow(s.dim[d], b, &s.dim[d]))
            return pr_op_error(c, "extent %d times blocksize overflows int64", d);
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

int space_to_depth_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int64_t b = block_size(c);
    if (b < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    struct pr_shape s = x->shape;
    for (int d = 2; d < 4; d++) {
        if (s.dim[d] >= 0 && s.dim[d] % b != 0)
            return pr_op_error(c, "extent %lld of axis %d is not divisible by blocksize %lld",
                               (long long)s.dim[d], d, (long long)b);
        s.dim[d] = s.dim[d] < 0 ? -1 : s.dim[d] / b;
    }
    if (s.dim[1] > 0 && __builtin_mul_overflow(s.dim[1], b * b, &s.dim[1]))
        return pr_op_error(c, "channels times blocksize^2 overflows int64");
    set_out(c->out[0], x->dtype, &s);
    return 0;
}

/* ---- ReverseSequence ---- */

int reverse_sequence_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *len = c->in[1];
    int r = x->shape.rank;
    if (r < 2)
        return pr_op_error(c, "input must have rank >= 2 but has rank %d", r);
    int64_t ba = pr_attr_int(c, "batch_axis", 1), ta = pr_attr_int(c, "time_axis", 0);
    if ((ba != 0 && ba != 1) || (ta != 0 && ta != 1) || ba == ta)
        return pr_op_error(c, "batch_axis %lld and time_axis %lld must be 0 and 1 in some "
                           "order", (long long)ba, (long long)ta);
    int64_t batch = x->shape.dim[ba], time = x->shape.dim[ta];
    if (len->shape.rank != 1 ||
        (len->shape.dim[0] >= 0 && batch >= 0 && len->shape.dim[0] != batch))
        return pr_op_error(c, "sequence_lens must be a 1-D tensor of the batch extent %lld",
                           (long long)batch);
    const struct pr_const *lv = pr_values_of(len);
    for (int64_t i = 0; lv && time >= 0 && i < lv->n; i++)
        if (lv->i[i] < 0 || lv->i[i] > time)
            return pr_op_error(c, "sequence_lens[%lld] is %lld; it must be in [0, %lld] "
                               "(the time extent)", (long long)i, (long long)lv->i[i],
                               (long long)time);
    set_out(c->out[0], x->dtype, &x->shape);
    return 0;
}
