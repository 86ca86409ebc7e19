/* layernorm.c -- the layer-norm family: LayerNormalization,
 * GroupNormalization, MeanVarianceNormalization, LpNormalization,
 * RMSNormalization, SimplifiedLayerNormalization (RMSNorm) and ONNX Runtime's fused SkipLayerNormalization,
 * SkipSimplifiedLayerNormalization and EmbedLayerNormalization.
 *
 * Every operator normalises "rows": groups of elements that share one mean
 * and variance. Y has X's shape and element type. No MACs. FLOPs count each
 * +, -, x, /, sqrt of the defining formula (the ONNX function body, or the
 * ONNX Runtime contrib-op documentation) as 1, per element of X and per row:
 *
 * LayerNormalization (axis a, rows = prod(X.shape[:a])), function body:
 *   Mean = ReduceMean(X)            1 add per element        + 1 divide per row
 *   D = X - Mean                    1
 *   Var = ReduceMean(D * D)         2 (mul, add)             + 1 divide per row
 *   InvStdDev = 1/sqrt(Var + eps)                            + 3 per row
 *   Y = D * InvStdDev * Scale (+ B) 2, + 1 with B
 *     FLOPs = (6 + [B]) * numel(X) + 5 * rows
 *   Scale and B broadcast to X (usually X.shape[a:]). Outputs Mean and InvStdDev
 *   (optional) have shape X.shape[:a] + [1]*(r-a), element type stash_type
 *   (default float).
 * SimplifiedLayerNormalization (RMSNorm; ONNX Runtime registers it in the
 *   default domain and in com.microsoft): Y = X / sqrt(mean(X^2) + eps) * scale
 *     per element: square, add, multiply by the inverse, scale   4
 *     per row: divide by the count, + eps, sqrt, reciprocal       4
 *     FLOPs = 4 * numel(X) + 4 * rows; optional output inv_std_var as Mean.
 * LpNormalization (opset 1): X / ||X||_p along `axis` (default -1), p 1 or
 *   2 (default 2); rows = numel(X) / X.shape[axis]:
 *     per element: |x| or x^2, add, divide                    3
 *     per row: the square root when p = 2                     1
 *     FLOPs = 3 * numel(X) + (p == 2) * rows
 * RMSNormalization (opset 23; its function body): rows = prod(X.shape[:axis]),
 *   XSquared = X * X, its ReduceMean, + epsilon, Sqrt, X / RMS, * scale:
 *     per element: square, add, divide, scale                   4
 *     per row: divide by the count, + eps, sqrt                   3
 *     FLOPs = 4 * numel(X) + 3 * rows; one output, X's shape.
 * GroupNormalization (opset 18): X is N x C x D1..Dn, C split into
 *   num_groups groups; rows = N * num_groups; statistics as LayerNormalization,
 *   then the per-channel scale and bias:
 *     FLOPs = 7 * numel(X) + 5 * N * num_groups
 *   scale and bias have num_groups values before opset 21 and C from 21.
 * GroupNorm (com.microsoft; ONNX Runtime's transformer optimiser writes it
 *   into Stable Diffusion UNets, CUDA kernels only): X is 4-D, N x H x W x C
 *   with channels_last = 1 (the default), N x C x H x W with 0; `groups`
 *   (required) divides C; gamma and beta have C values; `activation`
 *   (required) 1 applies SiLU (x * sigmoid(x): 4 + 1) after the affine:
 *     FLOPs = (7 + 5*activation) * numel(X) + 5 * N * groups
 * SkipGroupNorm: s = X + skip (+ bias), then GroupNorm of s; skip is X's
 *   shape, (N, 1, 1, C) or (N, C) (channels first: (N, C, 1, 1) or (N, C)),
 *   bias has C values; outputs Y and the optional sum S, both X's shape:
 *     FLOPs = (8 + [bias] + 5*activation) * numel(X) + 5 * N * groups
  * MeanVarianceNormalization: Y = (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + eps)
 *   over `axes` (default [0, 2, 3]; the experimental MVN of opsets 1-8 has
 *   across_channels instead: [2, 3], or [1, 2, 3] when set);
 *   rows = numel(X) / prod(reduced extents):
 *     per element: add (E[X]), square, add (E[X^2]), sub, div     5
 *     per row: 2 divides, square of E[X], sub, sqrt, + eps         6
 *     FLOPs = 5 * numel(X) + 6 * rows
 * SkipLayerNormalization (com.microsoft): s = input + skip (+ bias), then
 *   LayerNormalization over the last axis with gamma (and beta):
 *     FLOPs = (7 + [beta] + [bias]) * numel(X) + 5 * rows
 *   skip is the input's shape, (1, S, H) or (S, H); gamma, beta, bias (H).
 *   Outputs: output, mean, inv_std_var (X.shape[:-1] + [1], float),
 *   input_skip_bias_sum (X's shape).
 * SkipSimplifiedLayerNormalization: s = input + skip (+ bias), then RMSNorm:
 *     FLOPs = (5 + [bias]) * numel(X) + 4 * rows
 * EmbedLayerNormalization (com.microsoft, BERT embeddings): three gathers
 *   (no arithmetic), word + position (+ segment) embeddings added, then
 *   LayerNormalization with gamma and beta over the hidden size H; with a
 *   mask, mask_index (batch) counts the mask's ones (1 per mask element):
 *     FLOPs = (8 + [segment]) * B*S*H + 5 * B*S + [numel(mask)]
 *   Outputs: (B, S, H) of the embeddings' type, mask_index (B) int32,
 *   embedding_sum (B, S, H).
 * QEmbedLayerNormalization (com.microsoft; ONNX Runtime's quantize_dynamic
 *   of the above): the tables, gamma and beta are 8-bit, with scales
 *   (inputs 8-12: word, position, segment, gamma, beta) and zero points
 *   (13-17, the same order; segment's only with a segment table), no
 *   position_ids. Each table value looked up and gamma and beta at each
 *   element are dequantized, (q - zero point) * scale, 2 each:
 *     FLOPs = EmbedLayerNormalization's + 2*(4 + [segment]) * B*S*H
 *   Outputs: (B, S, H) float, mask_index (B) int32.
 *
 * Params: scales, biases and embedding tables keep their default mask bits
 * (weights when they are initializers); ids and masks are integer tensors
 * and are never parameters.
 */
#include "families.h"

#include <stdio.h>

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* Inputs/outputs within [min_in, max_in] and at most max_out. */
static int check_arity(struct pr_op_ctx *c, int min_in, int max_in, int max_out)
{
    if (pr_op_require(c, min_in) < 0)
        return -1;
    if (c->nin > max_in)
        return pr_op_error(c, "%s takes at most %d inputs but the node has %d",
                           op_name(c), max_in, c->nin);
    if (c->nout > max_out)
        return pr_op_error(c, "%s has at most %d outputs but the node has %d",
                           op_name(c), max_out, c->nout);
    return 0;
}

/* Input i, when present, must be 1-D with n values (n < 0: unknown). */
static int check_vector(struct pr_op_ctx *c, int i, const char *what, int64_t n)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    char sb[160];
    if (t->shape.rank != 1 || (n >= 0 && t->shape.dim[0] >= 0 && t->shape.dim[0] != n))
        return pr_op_error(c, "%s (input %d) has shape %s but must be 1-D with %lld values",
                           what, i, pr_shape_str(&t->shape, sb, sizeof sb), (long long)n);
    return 0;
}

/* Input i, when present, must broadcast to X without changing X's shape
 * (numpy rules, trailing-aligned): the function body multiplies the
 * normalised X by it. */
static int check_scale(struct pr_op_ctx *c, int i, const char *what, const struct pr_shape *x)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    const struct pr_shape *s = &t->shape;
    bool ok = s->rank <= x->rank;
    for (int d = 0; ok && d < s->rank; d++) {
        int64_t sd = s->dim[s->rank - 1 - d], xd = x->dim[x->rank - 1 - d];
        ok = sd < 0 || xd < 0 || sd == 1 || sd == xd;
    }
    if (ok)
        return 0;
    char sb[160], sx[160];
    return pr_op_error(c, "%s (input %d) has shape %s and does not broadcast to X (%s)", what, i,
                       pr_shape_str(s, sb, sizeof sb), pr_shape_str(x, sx, sizeof sx));
}

/* Output o: shape x with extents from axis `from` on set to 1. */
static void stat_output(struct pr_op_ctx *c, int o, const struct pr_shape *x, int from, int dtype)
{
    if (o >= c->nout)
        return;
    struct pr_tensor *t = c->out[o];
    t->dtype = dtype;
    t->shape = *x;
    for (int d = from; d < x->rank; d++)
        t->shape.dim[d] = 1;
}

/* The normalisation axis of LayerNormalization-like ops, in [0, r). */
static int norm_axis(struct pr_op_ctx *c, int rank)
{
    int64_t axis = pr_attr_int(c, "axis", -1);
    int a = pr_axis(axis, rank);
    if (a < 0)
        return pr_op_error(c, "axis %lld is out of range for X of rank %d (accepted: %d to %d)",
                           (long long)axis, rank, -rank, rank - 1);
    return a;
}

static int stash_dtype(struct pr_op_ctx *c)
{
    int64_t t = pr_attr_int(c, "stash_type", PR_DT_FLOAT);
    if (t <= 0 || t >= PR_DT_COUNT || !pr_dtype_is_float((int)t))
        return pr_op_error(c, "stash_type %lld is not a floating-point element type", (long long)t);
    return (int)t;
}

static int layernorm_shape(struct pr_op_ctx *c, bool simplified)
{
    int max_out = c->op_id == PR_OP_RMS_NORMALIZATION ? 1 : simplified ? 2 : 3;
    if (check_arity(c, 2, simplified ? 2 : 3, max_out) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (x->shape.rank < 1)
        return pr_op_error(c, "%s needs X of rank >= 1 but X is a scalar", op_name(c));
    int a = norm_axis(c, x->shape.rank);
    int st = a < 0 ? -1 : stash_dtype(c);
    pr_attr_float(c, "epsilon", 1e-5);
    if (st < 0 || check_scale(c, 1, "Scale", &x->shape) < 0 ||
        check_scale(c, 2, "B", &x->shape) < 0)
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    stat_output(c, 1, &x->shape, a, st);
    stat_output(c, 2, &x->shape, a, st);
    return 0;
}

static int lpnorm_shape(struct pr_op_ctx *c)
{
    if (check_arity(c, 1, 1, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (x->shape.rank < 1)
        return pr_op_error(c, "LpNormalization needs X of rank >= 1 but X is a scalar");
    int64_t p = pr_attr_int(c, "p", 2);
    if (norm_axis(c, x->shape.rank) < 0 || c->failed)
        return -1;
    if (p != 1 && p != 2)
        return pr_op_error(c, "p is %lld; LpNormalization supports 1 and 2", (long long)p);
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

static int groupnorm_shape(struct pr_op_ctx *c)
{
    if (check_arity(c, 3, 3, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    char sx[160];
    if (x->shape.rank < 2)
        return pr_op_error(c, "GroupNormalization needs X of rank >= 2 (N x C x ...) but X "
                           "is %s", pr_shape_str(&x->shape, sx, sizeof sx));
    if (!pr_attr_has(c, "num_groups"))
        return pr_op_error(c, "GroupNormalization needs the attribute 'num_groups'");
    int64_t g = pr_attr_int(c, "num_groups", 1), ch = x->shape.dim[1];
    pr_attr_float(c, "epsilon", 1e-5);
    if (c->failed)
        return -1;
    if (g < 1)
        return pr_op_error(c, "num_groups is %lld; it must be at least 1", (long long)g);
    if (ch >= 0 && ch % g != 0)
        return pr_op_error(c, "num_groups %lld does not divide the %lld channels of X",
                           (long long)g, (long long)ch);
    int64_t n = c->opset >= 21 ? ch : g;
    if (check_vector(c, 1, "scale", n) < 0 || check_vector(c, 2, "bias", n) < 0)
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

/* Extents a and b agree (either unknown passes). */
static bool agree(int64_t a, int64_t b)
{
    return a < 0 || b < 0 || a == b;
}

/* com.microsoft GroupNorm (skip false) and SkipGroupNorm (skip true). */
static int ms_groupnorm_shape(struct pr_op_ctx *c, bool skip)
{
    if (check_arity(c, skip ? 4 : 3, skip ? 5 : 3, skip ? 2 : 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    char sx[160], ss[160];
    if (!pr_attr_has(c, "groups") || !pr_attr_has(c, "activation"))
        return pr_op_error(c, "%s needs the attributes 'groups' and 'activation'", op_name(c));
    int64_t g = pr_attr_int(c, "groups", 1), act = pr_attr_int(c, "activation", 0);
    int64_t last = pr_attr_int(c, "channels_last", 1);
    pr_attr_float(c, "epsilon", 1e-5);
    if (c->failed)
        return -1;
    if (x->shape.rank != 4)
        return pr_op_error(c, "%s needs a 4-D X (%s) but X is %s", op_name(c),
                           last ? "N x H x W x C" : "N x C x H x W",
                           pr_shape_str(&x->shape, sx, sizeof sx));
    if (act != 0 && act != 1)
        return pr_op_error(c, "activation is %lld; it must be 0 (none) or 1 (SiLU)", (long long)act);
    int64_t ch = x->shape.dim[last ? 3 : 1];
    if (g < 1)
        return pr_op_error(c, "groups is %lld; it must be at least 1", (long long)g);
    if (ch >= 0 && ch % g != 0)
        return pr_op_error(c, "groups %lld does not divide the %lld channels of X", (long long)g,
                           (long long)ch);
    if (check_vector(c, 1, "gamma", ch) < 0 || check_vector(c, 2, "beta", ch) < 0 ||
        (skip && check_vector(c, 4, "bias", ch) < 0))
        return -1;
    if (skip) {
        const struct pr_shape *k = &pr_input(c, 3)->shape, *xs = &x->shape;
        int cax = last ? 3 : 1;
        bool ok = k->rank == 4 || k->rank == 2;
        for (int d = 0; ok && d < k->rank; d++) {
            int xd = k->rank == 2 ? (d == 0 ? 0 : cax) : d;
            bool spatial = k->rank == 4 && d != 0 && d != cax;
            ok = agree(k->dim[d], xs->dim[xd]) || (spatial && k->dim[d] == 1);
        }
        if (!ok)
            return pr_op_error(c, "skip is %s but must be X's shape (%s), %s or (N, C)",
                               pr_shape_str(k, ss, sizeof ss), pr_shape_str(xs, sx, sizeof sx),
                               last ? "(N, 1, 1, C)" : "(N, C, 1, 1)");
    }
    for (int o = 0; o < c->nout && o < 2; o++) {
        c->out[o]->dtype = x->dtype;
        c->out[o]->shape = x->shape;
    }
    return 0;
}

/* MeanVarianceNormalization's axes as a bit set over X's dims; -1 on error. */
static int64_t mvn_axes(struct pr_op_ctx *c, int rank)
{
    int64_t axes[PR_MAX_RANK] = {0, 2, 3};
    int n = pr_attr_ints(c, "axes", axes, PR_MAX_RANK);
    if (c->opset < 9) {   /* the experimental MVN-1: per (n, c), or per n across_channels */
        bool across = pr_attr_int(c, "across_channels", 0) != 0;
        n = across ? 3 : 2;
        for (int i = 0; i < n; i++)
            axes[i] = across ? 1 + i : 2 + i;
    }
    if (c->failed)
        return -1;
    if (n < 0)
        n = 3;
    int64_t set = 0;
    for (int i = 0; i < n; i++) {
        int a = pr_axis(axes[i], rank);
        if (a < 0)
            return pr_op_error(c, "axis %lld is out of range for X of rank %d",
                               (long long)axes[i], rank);
        if (set & (1ll << a))
            return pr_op_error(c, "axis %lld is listed twice in axes", (long long)axes[i]);
        set |= 1ll << a;
    }
    return set;
}

static int mvn_shape(struct pr_op_ctx *c)
{
    if (check_arity(c, 1, 1, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (mvn_axes(c, x->shape.rank) < 0)
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

/* SkipLayerNormalization and SkipSimplifiedLayerNormalization. */
static int skipnorm_shape(struct pr_op_ctx *c, bool simplified)
{
    if (check_arity(c, 3, simplified ? 4 : 5, 4) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0), *skip = pr_input(c, 1);
    char sx[160], ss[160];
    if (x->shape.rank < 2)
        return pr_op_error(c, "%s needs an input of rank 2 or 3 ((token_count or batch, seq), "
                           "hidden) but it is %s", op_name(c),
                           pr_shape_str(&x->shape, sx, sizeof sx));
    int r = x->shape.rank;
    bool ok = skip->shape.rank >= 2 && skip->shape.rank <= r;
    for (int d = 0; ok && d < skip->shape.rank; d++) {
        int64_t sd = skip->shape.dim[skip->shape.rank - 1 - d], xd = x->shape.dim[r - 1 - d];
        ok = sd < 0 || xd < 0 || sd == xd || (sd == 1 && d >= 2);
    }
    if (!ok)
        return pr_op_error(c, "skip (%s) must be the input's shape (%s), or that shape with a "
                           "batch of 1 or without the batch", pr_shape_str(&skip->shape, ss, sizeof ss),
                           pr_shape_str(&x->shape, sx, sizeof sx));
    int64_t h = x->shape.dim[r - 1];
    pr_attr_float(c, "epsilon", 1e-12);
    if (check_vector(c, 2, "gamma", h) < 0 ||
        check_vector(c, 3, simplified ? "bias" : "beta", h) < 0 ||
        (!simplified && check_vector(c, 4, "bias", h) < 0))
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    stat_output(c, 1, &x->shape, r - 1, PR_DT_FLOAT);
    stat_output(c, 2, &x->shape, r - 1, PR_DT_FLOAT);
    if (c->nout > 3) {
        c->out[3]->dtype = x->dtype;
        c->out[3]->shape = x->shape;
    }
    return 0;
}

/* Input i must be 2-D (rows, h) with h equal to the hidden size; returns h
 * (-1 unknown) or -2 after an error. */
static int64_t check_table(struct pr_op_ctx *c, int i, const char *what, int64_t h)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return h;
    char sb[160];
    if (t->shape.rank != 2 ||
        (h >= 0 && t->shape.dim[1] >= 0 && t->shape.dim[1] != h)) {
        pr_op_error(c, "%s (input %d) has shape %s but must be 2-D (rows, hidden size%s)",
                    what, i, pr_shape_str(&t->shape, sb, sizeof sb), h >= 0 ? " of the others" : "");
        return -2;
    }
    return h >= 0 ? h : t->shape.dim[1];
}

/* Input i, when present, must be (B, S) like input_ids (position_ids may
 * also be (1, S)). */
static int check_ids(struct pr_op_ctx *c, int i, const char *what, const struct pr_shape *ids,
                     bool batch_one_ok)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    const struct pr_shape *s = &t->shape;
    bool ok = s->rank == 2;
    for (int d = 0; ok && d < 2; d++)
        ok = s->dim[d] < 0 || ids->dim[d] < 0 || s->dim[d] == ids->dim[d] ||
             (d == 0 && batch_one_ok && s->dim[d] == 1);
    if (ok)
        return 0;
    char sb[160], si[160];
    return pr_op_error(c, "%s (input %d) has shape %s but must match input_ids (%s)", what, i,
                       pr_shape_str(s, sb, sizeof sb), pr_shape_str(ids, si, sizeof si));
}

/* QEmbedLayerNormalization's scales (8-12) and zero points (13-17): one
 * value each, given exactly where their table is; a zero point of its
 * table's element type. */
static int check_qembed(struct pr_op_ctx *c)
{
    static const char *const what[5] = {"word_embedding", "position_embedding",
                                        "segment_embedding", "gamma", "beta"};
    static const int table[5] = {2, 3, 4, 5, 6};
    for (int j = 0; j < 5; j++) {
        const struct pr_tensor *q = pr_input(c, table[j]);
        for (int z = 0; z < 2; z++) {
            int i = 8 + 5 * z + j;
            const struct pr_tensor *t = pr_input(c, i);
            const char *kind = z ? "zero point" : "scale";
            if (!q != !t)
                return pr_op_error(c, "%s's %s (input %d) is %s", what[j], kind, i,
                                   q ? "required" : "given without the table");
            if (!t)
                continue;
            char name[64];
            snprintf(name, sizeof name, "%s's %s (input %d)", what[j], kind, i);
            if (pr_op_check_qparam(c, i, name, -1, NULL) < 0)
                return -1;
            int want = z ? q->dtype : PR_DT_FLOAT;
            if (t->dtype != want)
                return pr_op_error(c, "%s's %s (input %d) is %s but must be %s", what[j], kind, i,
                                   pr_dtype_name(t->dtype), pr_dtype_name(want));
        }
    }
    return 0;
}

static int embed_shape(struct pr_op_ctx *c)
{
    bool q = c->op_id == PR_OP_QEMBED_LAYER_NORM;
    if (check_arity(c, 1, q ? 18 : 9, q ? 2 : 3) < 0)
        return -1;
    if (!pr_input(c, 2) || !pr_input(c, 3) ||
        !pr_input(c, 5) || !pr_input(c, 6))
        return pr_op_error(c, "%s needs input_ids, word_embedding, position_embedding, gamma "
                           "and beta (inputs 0, 2, 3, 5, 6)", op_name(c));
    const struct pr_shape *ids = &pr_input(c, 0)->shape;
    char si[160];
    if (ids->rank != 2)
        return pr_op_error(c, "input_ids has shape %s but must be 2-D (batch, sequence)",
                           pr_shape_str(ids, si, sizeof si));
    int64_t h = -1;
    static const char *const tables[] = {"word_embedding", "position_embedding", "segment_embedding"};
    for (int i = 2; i <= 4; i++)
        if ((h = check_table(c, i, tables[i - 2], h)) == -2)
            return -1;
    if ((pr_input(c, 1) == 0) != (pr_input(c, 4) == 0))
        return pr_op_error(c, "segment_ids and segment_embedding must be given together");
    pr_attr_float(c, "epsilon", 1e-12);
    pr_attr_int(c, "mask_index_type", 1);
    if (check_vector(c, 5, "gamma", h) < 0 || check_vector(c, 6, "beta", h) < 0 ||
        check_ids(c, 1, "segment_ids", ids, false) < 0 ||
        check_ids(c, 7, "mask", ids, false) < 0 ||
        (q ? check_qembed(c) : check_ids(c, 8, "position_ids", ids, true)) < 0)
        return -1;
    int64_t dims[3] = {ids->dim[0], ids->dim[1], h};
    int dt = q ? PR_DT_FLOAT : pr_input(c, 2)->dtype;
    c->out[0]->dtype = dt;
    pr_shape_set(&c->out[0]->shape, 3, dims);
    if (c->nout > 1) {
        c->out[1]->dtype = PR_DT_INT32;
        pr_shape_set(&c->out[1]->shape, 1, dims);
    }
    if (c->nout > 2) {
        c->out[2]->dtype = dt;
        pr_shape_set(&c->out[2]->shape, 3, dims);
    }
    return 0;
}

int lnorm_shape(struct pr_op_ctx *c)
{
    switch (c->op_id) {
    case PR_OP_LAYER_NORMALIZATION: return layernorm_shape(c, false);
    case PR_OP_SIMPLIFIED_LAYER_NORM: case PR_OP_MS_SIMPLIFIED_LAYER_NORM: case PR_OP_RMS_NORMALIZATION:
        return layernorm_shape(c, true);
    case PR_OP_GROUP_NORMALIZATION: return groupnorm_shape(c);
    case PR_OP_LP_NORMALIZATION: return lpnorm_shape(c);
    case PR_OP_MEAN_VARIANCE_NORMALIZATION: return mvn_shape(c);
    case PR_OP_MS_GROUP_NORM: return ms_groupnorm_shape(c, false);
    case PR_OP_SKIP_GROUP_NORM: return ms_groupnorm_shape(c, true);
    case PR_OP_SKIP_LAYER_NORM: return skipnorm_shape(c, false);
    case PR_OP_SKIP_SIMPLIFIED_LAYER_NORM: return skipnorm_shape(c, true);
    case PR_OP_EMBED_LAYER_NORM: case PR_OP_QEMBED_LAYER_NORM: return embed_shape(c);
    default: return pr_op_error(c, "%s is not a layer normalisation", op_name(c));
    }
}

/* Product of x's extents in [from, to). */
static uint64_t extent(struct pr_op_ctx *c, const struct pr_shape *x, int from, int to)
{
    struct pr_shape s = {.rank = 0};
    for (int d = from; d < to; d++)
        s.dim[s.rank++] = x->dim[d];
    return pr_numel(c, &s);
}

int lnorm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *y = &c->out[0]->shape;
    uint64_t n = pr_numel(c, y), per, rows, per_row;
    switch (c->op_id) {
    case PR_OP_LAYER_NORMALIZATION:
        per = pr_input(c, 2) ? 7 : 6;
        rows = extent(c, y, 0, norm_axis(c, y->rank));
        per_row = 5;
        break;
    case PR_OP_SIMPLIFIED_LAYER_NORM: case PR_OP_MS_SIMPLIFIED_LAYER_NORM: case PR_OP_RMS_NORMALIZATION:
        per = 4;
        rows = extent(c, y, 0, norm_axis(c, y->rank));
        per_row = c->op_id == PR_OP_RMS_NORMALIZATION ? 3 : 4;
        break;
    case PR_OP_LP_NORMALIZATION: {
        int a = norm_axis(c, y->rank);
        per = 3;
        rows = extent(c, y, 0, a);
        rows = pr_mul(c, rows, extent(c, y, a + 1, y->rank));
        per_row = pr_attr_int(c, "p", 2) == 2 ? 1 : 0;
        break;
    }
    case PR_OP_GROUP_NORMALIZATION:
        per = 7;
        rows = pr_mul(c, extent(c, y, 0, 1), (uint64_t)pr_attr_int(c, "num_groups", 1));
        per_row = 5;
        break;
    case PR_OP_MS_GROUP_NORM: case PR_OP_SKIP_GROUP_NORM:
        per = 7 + 5 * (uint64_t)(pr_attr_int(c, "activation", 0) != 0);
        if (c->op_id == PR_OP_SKIP_GROUP_NORM)
            per += 1 + (pr_input(c, 4) ? 1 : 0);
        rows = pr_mul(c, extent(c, y, 0, 1), (uint64_t)pr_attr_int(c, "groups", 1));
        per_row = 5;
        break;
    case PR_OP_MEAN_VARIANCE_NORMALIZATION: {
        int64_t set = mvn_axes(c, y->rank);
        struct pr_shape kept = {.rank = 0};
        for (int d = 0; d < y->rank; d++)
            if (!(set & (1ll << d)))
                kept.dim[kept.rank++] = y->dim[d];
        per = 5;
        rows = pr_numel(c, &kept);
        per_row = 6;
        break;
    }
    case PR_OP_SKIP_LAYER_NORM:
        per = 7 + (pr_input(c, 3) ? 1 : 0) + (pr_input(c, 4) ? 1 : 0);
        rows = extent(c, y, 0, y->rank - 1);
        per_row = 5;
        break;
    case PR_OP_SKIP_SIMPLIFIED_LAYER_NORM:
        per = 5 + (pr_input(c, 3) ? 1 : 0);
        rows = extent(c, y, 0, y->rank - 1);
        per_row = 4;
        break;
    default:   /* (Q)EmbedLayerNormalization */
        per = 8 + (pr_input(c, 4) ? 1 : 0);
        if (c->op_id == PR_OP_QEMBED_LAYER_NORM) {   /* dequantize tables, gamma, beta */
            per += 2 * (4 + (pr_input(c, 4) ? 1 : 0));
            for (int i = 8; i < 18; i++)
                k->weight_mask &= ~(1ull << i);
        }
        rows = extent(c, y, 0, 2);
        per_row = 5;
        if (pr_input(c, 7))
            k->flops = pr_numel(c, &pr_input(c, 7)->shape);
        break;
    }
    k->flops = pr_add(c, k->flops, pr_add(c, pr_mul(c, n, per), pr_mul(c, rows, per_row)));
    return c->failed ? -1 : 0;
}
