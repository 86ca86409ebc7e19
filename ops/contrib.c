/* contrib.c -- ONNX Runtime's smaller com.microsoft operators: the contrib
 * forms of ONNX operators (Range with an optional delta, Pad, Unique, and
 * -- rows of ops.def over the ONNX functions -- Trilu, GatherND,
 * GridSample) and small kernels of their own: ExpandDims, Inverse, CDist,
 * CropAndResize, MatMulInteger16, NGramRepeatBlock, MurmurHash3,
 * Tokenizer, UnfoldTensor, DynamicTimeWarping, BifurcationDetector,
 * WordConvEmbedding.
 *
 * Shapes (ContribOperators.md; X extents d, rank r):
 *   Range          ONNX Range; delta (input 2) is optional, default 1.
 *   Pad            ONNX Pad of opset 11 (pads an input, value optional, modes
 *                  constant, reflect, edge); pads may also be 2-D [1, 2r].
 *   Unique         x 1-D: uniques (n), idx int64 (d0), counts int64 (n); n the
 *                  data-dependent "<node>.n", fallback d0.
 *   ExpandDims     X with an extent 1 inserted at the int32 scalar `axis`
 *                  (in [-r-1, r]); an unknown axis leaves rank r+1, extents
 *                  unknown.
 *   Inverse        X [*, n, n] -> X's shape.
 *   CDist          A (M, N), B (K, N) -> (M, K); metric (default sqeuclidean).
 *   CropAndResize  X (N, C, H, W), rois (R, 4), batch_indices (R), crop_size
 *                  (2 values) -> (R, C, crop_height, crop_width) (the output
 *                  entry of the spec; its prose says NHWC, the kernel writes
 *                  NCHW); crop_size unknown: those extents unknown.
 *   MatMulInteger16  MatMulInteger's shape of two 16-bit inputs; int32, or
 *                  uint32 when both are uint16.
 *   NGramRepeatBlock  input_ids (B, S) int64, scores (B, V) -> scores' shape.
 *   MurmurHash3    X's shape; uint32 (positive = 1, default) or int32.
 *   Tokenizer      X [C] or [N, C] strings -> [C, D] or [N, C, D]; D, the most
 *                  tokens of any string (+ 2 with mark), is the data-dependent
 *                  "<node>.tokens" (no fallback).
 *   UnfoldTensor   dim (default -1), size (required), step (default 1): d with
 *                  d[dim] = (d[dim] - size) / step + 1 and an extent `size`
 *                  appended.
 *   DynamicTimeWarping  cost (M, N) or (1, M, N) -> int32 (2, x), x the path's
 *                  length: "<node>.path", fallback M + N - 1 (its bound).
 *   BifurcationDetector  (aggressive decoding) src_tokens (S), cur_tokens
 *                  (C), prev_suffix_match_idx, optional pred_tokens (P), all
 *                  int64 -> tokens (C + b + 1), b the bifurcation index in
 *                  [0, P - 1]: "<node>.tokens", fallback C + P (its bound);
 *                  (C) without pred_tokens; suffix_match_idx of
 *                  prev_suffix_match_idx's shape. min_ngram_size (default
 *                  1) >= 1, max_ngram_size (default 3) >= it.
 *   WordConvEmbedding  Sequence int32 (S, L) -- (B, S, L) in ONNX Runtime
 *                  before 1.9, read as B*S words --, W (M, 1, w, E), B (M),
 *                  C (V, E) -> (S, M) (or (B*S, M)) float; embedding_size,
 *                  conv_window_size, char_embedding_size, when set, must
 *                  equal M, w and E.
 *
 * Counts (MACs and FLOPs as docs/counting.md; per element or pair):
 *   Range, Pad, Unique's moves, ExpandDims, UnfoldTensor, Tokenizer,
 *   MurmurHash3 (integer hashing)                               0
 *   Unique         numel(x) * ceil(log2 n) (a sort, as ONNX Unique)
 *   Inverse        Gauss-Jordan elimination: MACs = batch * n^3, FLOPs =
 *                  2 * MACs + batch * n^2 (a divide per pivot-row element)
 *   CDist          per pair and coordinate: subtract, multiply-accumulate:
 *                  MACs = M*K*N, FLOPs = 2*MACs + M*K*N, + M*K square roots
 *                  for euclidean. Other metrics are counted with the same
 *                  arithmetic (ONNX Runtime runs sqeuclidean and euclidean).
 *   CropAndResize  bilinear: 4 products and 3 adds per output element, 7 *
 *                  numel(Y); nearest 0
 *   MatMulInteger16  MatMul's MACs, FLOPs = 2 * MACs
 *   NGramRepeatBlock  B * (S - n + 1) * (n - 1) token comparisons (n =
 *                  ngram_size; 0 when S < n)
 *   DynamicTimeWarping  3 * M * N (the minimum of three neighbours, an add)
 *   BifurcationDetector  token comparisons, at most P (the bifurcation
 *                  scan) + sum over n in [min, max] of 2 * S * n (two
 *                  searches of the last n-gram in src_tokens):
 *                  P + S * (min + max) * (max - min + 1)
 *   WordConvEmbedding  a convolution of every word's characters (width w,
 *                  stride 1) as one GEMM, bias, tanh and a max over the
 *                  windows; U = max(L, w) - w + 1 windows per word:
 *                  MACs = words * U * M * w * E, FLOPs = 2 * MACs + 3 *
 *                  words * U * M, at the full word length L (an upper bound:
 *                  the kernel skips empty characters and words)
 * Params: none but MatMulInteger16's operands and CDist's when weights.
 */
#include "families.h"

#include <string.h>

#include "values.h"

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

static int arity(struct pr_op_ctx *c, int min_in, int max_in, int max_out)
{
    if (pr_op_require(c, min_in) < 0)
        return -1;
    if (c->nin > max_in || c->nout > max_out)
        return pr_op_error(c, "%s takes %d to %d inputs and at most %d outputs but the node has %d and %d",
                           op_name(c), min_in, max_in, max_out, c->nin, c->nout);
    return 0;
}

/* The flags a family function set on sub, back on c. */
static int done(struct pr_op_ctx *c, const struct pr_op_ctx *sub, int rc)
{
    c->failed |= sub->failed;
    c->structural |= sub->structural;
    c->overflow |= sub->overflow;
    c->incomplete |= sub->incomplete;
    return rc < 0 || c->failed ? -1 : 0;
}

static void set_out(struct pr_op_ctx *c, int o, int dtype, int rank, const int64_t *dims)
{
    if (o >= c->nout)
        return;
    c->out[o]->dtype = dtype;
    pr_shape_set(&c->out[o]->shape, rank, dims);
}

/* ---- Range, Pad: ONNX's functions on a view ---- */

int ms_range_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 3, 1) < 0)
        return -1;
    if (pr_input(c, 2))
        return range_shape(c);
    struct pr_tensor one = {.dtype = c->in[0]->dtype, .shape = {.rank = 0}, .cval = pr_const_int(c, 1)};
    if (!one.cval)
        return -1;
    struct pr_op_ctx sub = *c;
    sub.in[2] = &one;
    sub.nin = 3;
    int rc = range_shape(&sub);
    return done(c, &sub, rc);
}

int ms_pad_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 3, 1) < 0)
        return -1;
    struct pr_op_ctx sub = *c;
    sub.opset = 11;   /* pads and value are inputs */
    struct pr_tensor pads = *c->in[1];
    if (pads.shape.rank == 2 && pr_dim_agree(pads.shape.dim[0], 1) != -2) {   /* [1, 2r] */
        pads.shape.rank = 1;
        pads.shape.dim[0] = pads.shape.dim[1];
        sub.in[1] = &pads;
    }
    int rc = pad_shape(&sub);
    return done(c, &sub, rc);
}

/* ---- Unique ---- */

int ms_unique_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1, 3) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    char sb[160];
    if (x->shape.rank != 1)
        return pr_op_error(c, "x has shape %s; Unique takes a 1-D tensor", pr_shape_str(&x->shape, sb, sizeof sb));
    int64_t len = x->shape.dim[0];
    int64_t n = pr_data_dim(c, "n", len, "the number of distinct values");
    if (c->failed)
        return -1;
    if (n < -1 || (len >= 0 && n > len) || (len > 0 && n == 0))
        return pr_op_error(c, "the number of distinct values is bound to %lld; it must be in [1, %lld]",
                           (long long)n, (long long)len);
    set_out(c, 0, x->dtype, 1, &n);
    set_out(c, 1, PR_DT_INT64, 1, &len);
    set_out(c, 2, PR_DT_INT64, 1, &n);
    return 0;
}

/* ceil(log2(n)) for n >= 1 */
static uint64_t ceil_log2(uint64_t n)
{
    uint64_t b = 0;
    while (b < 64 && (1ull << b) < n)
        b++;
    return b;
}

/* ---- ExpandDims ---- */

int expand_dims_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 2, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0], *ax = c->in[1];
    int r = x->shape.rank;
    char sb[160];
    if (ax->shape.rank > 1 || (ax->shape.rank == 1 && pr_dim_agree(ax->shape.dim[0], 1) == -2))
        return pr_op_error(c, "axis has shape %s; it must be one value", pr_shape_str(&ax->shape, sb, sizeof sb));
    if (r < 0 || r + 1 > PR_MAX_RANK)
        return r < 0 ? (pr_shape_unknown(&c->out[0]->shape), c->out[0]->dtype = x->dtype, 0)
                     : pr_op_error(c, "X has rank %d; priori keeps at most %d", r, PR_MAX_RANK);
    const struct pr_const *v = pr_values_of(ax);
    struct pr_shape s = {.rank = r + 1};
    if (!v || v->n != 1) {
        for (int i = 0; i <= r; i++)
            s.dim[i] = -1;
    } else {
        int a = pr_axis(v->i[0], r + 1);
        if (a < 0)
            return pr_op_error(c, "axis %lld is out of range for X of rank %d (accepted: %d to %d)",
                               (long long)v->i[0], r, -r - 1, r);
        for (int i = 0, j = 0; i <= r; i++)
            s.dim[i] = i == a ? 1 : x->shape.dim[j++];
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = s;
    return 0;
}

/* ---- Inverse ---- */

int inverse_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1, 1) < 0)
        return -1;
    const struct pr_shape *x = &c->in[0]->shape;
    char sb[160];
    if (x->rank < 2 || pr_dim_agree(x->dim[x->rank - 1], x->dim[x->rank - 2]) == -2)
        return pr_op_error(c, "X has shape %s; Inverse needs square matrices [*, n, n]",
                           pr_shape_str(x, sb, sizeof sb));
    c->out[0]->dtype = c->in[0]->dtype;
    c->out[0]->shape = *x;
    return 0;
}

/* ---- CDist ---- */

static const char *cdist_metric(struct pr_op_ctx *c)
{
    return pr_attr_str(c, "metric", "sqeuclidean");
}

int cdist_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 2, 1) < 0)
        return -1;
    const struct pr_shape *a = &c->in[0]->shape, *b = &c->in[1]->shape;
    char sa[160], sb[160];
    if (a->rank != 2 || b->rank != 2 || pr_dim_agree(a->dim[1], b->dim[1]) == -2)
        return pr_op_error(c, "A %s and B %s must be 2-D with the same number of columns",
                           pr_shape_str(a, sa, sizeof sa), pr_shape_str(b, sb, sizeof sb));
    cdist_metric(c);
    if (c->failed)
        return -1;
    set_out(c, 0, c->in[0]->dtype, 2, (int64_t[]){a->dim[0], b->dim[0]});
    return 0;
}

/* ---- CropAndResize ---- */

int crop_and_resize_shape(struct pr_op_ctx *c)
{
    if (arity(c, 4, 4, 1) < 0)
        return -1;
    const struct pr_shape *x = &c->in[0]->shape, *rois = &c->in[1]->shape, *bi = &c->in[2]->shape;
    char s1[160], s2[160];
    if (x->rank != 4)
        return pr_op_error(c, "X has shape %s; it must be (N, C, H, W)", pr_shape_str(x, s1, sizeof s1));
    if (rois->rank != 2 || pr_dim_agree(rois->dim[1], 4) == -2 || bi->rank != 1 ||
        pr_dim_agree(rois->dim[0], bi->dim[0]) == -2)
        return pr_op_error(c, "rois %s and batch_indices %s must be (num_rois, 4) and (num_rois)",
                           pr_shape_str(rois, s1, sizeof s1), pr_shape_str(bi, s2, sizeof s2));
    const char *mode = pr_attr_str(c, "mode", "bilinear");
    pr_attr_float(c, "extrapolation_value", 0.0);
    if (c->failed)
        return -1;
    if (strcmp(mode, "bilinear") && strcmp(mode, "nearest"))
        return pr_op_error(c, "mode is '%s'; it must be bilinear or nearest", mode);
    int64_t size[2] = {-1, -1};
    int n, known = pr_int_list(c, 3, "crop_size", size, 2, &n, false);
    if (known < 0)
        return -1;
    if (n >= 0 && n != 2)
        return pr_op_error(c, "crop_size has %d values; it must be [crop_height, crop_width]", n);
    if (known && (size[0] < 1 || size[1] < 1))
        return pr_op_error(c, "crop_size is [%lld, %lld]; both must be positive", (long long)size[0],
                           (long long)size[1]);
    int64_t r = pr_dim_agree(rois->dim[0], bi->dim[0]);
    set_out(c, 0, c->in[0]->dtype, 4, (int64_t[]){r, x->dim[1], known ? size[0] : -1, known ? size[1] : -1});
    return 0;
}

/* ---- MatMulInteger16 ---- */

int qmatmul16_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 2, 1) < 0)
        return -1;
    int ta = c->in[0]->dtype, tb = c->in[1]->dtype;
    if ((ta && ta != PR_DT_INT16 && ta != PR_DT_UINT16) || (tb && tb != PR_DT_INT16 && tb != PR_DT_UINT16))
        return pr_op_error(c, "A is %s and B %s; MatMulInteger16 multiplies int16 or uint16 matrices",
                           pr_dtype_name(ta), pr_dtype_name(tb));
    if (qmatmul_shape(c) < 0)
        return -1;
    c->out[0]->dtype = ta == PR_DT_UINT16 && tb == PR_DT_UINT16 ? PR_DT_UINT32 : PR_DT_INT32;
    return 0;
}

/* ---- NGramRepeatBlock ---- */

int ngram_repeat_block_shape(struct pr_op_ctx *c)
{
    if (arity(c, 2, 2, 1) < 0)
        return -1;
    const struct pr_shape *ids = &c->in[0]->shape, *sc = &c->in[1]->shape;
    char s1[160], s2[160];
    if (ids->rank != 2 || sc->rank != 2 || pr_dim_agree(ids->dim[0], sc->dim[0]) == -2)
        return pr_op_error(c, "input_ids %s and scores %s must be (batch, sequence) and (batch, vocabulary)",
                           pr_shape_str(ids, s1, sizeof s1), pr_shape_str(sc, s2, sizeof s2));
    if (!pr_attr_has(c, "ngram_size"))
        return pr_op_error(c, "NGramRepeatBlock needs the attribute 'ngram_size'");
    int64_t n = pr_attr_int(c, "ngram_size", 0);
    if (c->failed)
        return -1;
    if (n < 1)
        return pr_op_error(c, "ngram_size is %lld; it must be >= 1", (long long)n);
    c->out[0]->dtype = c->in[1]->dtype;
    c->out[0]->shape = *sc;
    return 0;
}

/* ---- MurmurHash3, Tokenizer ---- */

int murmur_hash3_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1, 1) < 0)
        return -1;
    int64_t positive = pr_attr_int(c, "positive", 1);
    pr_attr_int(c, "seed", 0);
    if (c->failed)
        return -1;
    c->out[0]->dtype = positive ? PR_DT_UINT32 : PR_DT_INT32;
    c->out[0]->shape = c->in[0]->shape;
    return 0;
}

int tokenizer_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1, 1) < 0)
        return -1;
    const struct pr_tensor *x = c->in[0];
    char sb[160];
    if ((x->dtype && x->dtype != PR_DT_STRING) || x->shape.rank < 1 || x->shape.rank > 2)
        return pr_op_error(c, "X is %s %s; Tokenizer takes strings [C] or [N, C]", pr_dtype_name(x->dtype),
                           pr_shape_str(&x->shape, sb, sizeof sb));
    bool sep = pr_attr_count(c, "separators") >= 0, exp = pr_attr_has(c, "tokenexp");
    pr_attr_int(c, "mark", 0);
    pr_attr_int(c, "mincharnum", 1);
    pr_attr_str(c, "pad_value", "");
    if (c->failed)
        return -1;
    if (sep == exp)
        return pr_op_error(c, "exactly one of 'separators' and 'tokenexp' must be set");
    int64_t d = pr_data_dim(c, "tokens", -1, "the most tokens of one string (markers included)");
    if (c->failed)
        return -1;
    c->out[0]->dtype = PR_DT_STRING;
    c->out[0]->shape = x->shape;
    c->out[0]->shape.dim[c->out[0]->shape.rank++] = d;
    return 0;
}

/* ---- UnfoldTensor ---- */

int unfold_tensor_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1, 1) < 0)
        return -1;
    const struct pr_shape *x = &c->in[0]->shape;
    if (!pr_attr_has(c, "size"))
        return pr_op_error(c, "UnfoldTensor needs the attribute 'size'");
    int64_t dv = pr_attr_int(c, "dim", -1), size = pr_attr_int(c, "size", 0), step = pr_attr_int(c, "step", 1);
    if (c->failed)
        return -1;
    if (x->rank < 1 || x->rank + 1 > PR_MAX_RANK)
        return pr_op_error(c, "the input has rank %d; UnfoldTensor needs 1 to %d", x->rank, PR_MAX_RANK - 1);
    int d = pr_axis(dv, x->rank);
    if (d < 0)
        return pr_op_error(c, "dim %lld is out of range for rank %d", (long long)dv, x->rank);
    if (size < 1 || step < 1)
        return pr_op_error(c, "size %lld and step %lld must be >= 1", (long long)size, (long long)step);
    int64_t e = x->dim[d];
    if (e >= 0 && size > e)
        return pr_op_error(c, "size %lld is larger than the extent %lld of dim %d", (long long)size,
                           (long long)e, d);
    c->out[0]->dtype = c->in[0]->dtype;
    c->out[0]->shape = *x;
    c->out[0]->shape.dim[d] = e < 0 ? -1 : (e - size) / step + 1;
    c->out[0]->shape.dim[c->out[0]->shape.rank++] = size;
    return 0;
}

/* ---- DynamicTimeWarping ---- */

/* The cost matrix's extents M, N (input (M, N) or (1, M, N)). */
static int dtw_extents(struct pr_op_ctx *c, int64_t *m, int64_t *n)
{
    const struct pr_shape *x = &c->in[0]->shape;
    char sb[160];
    if (!(x->rank == 2 || (x->rank == 3 && pr_dim_agree(x->dim[0], 1) != -2)))
        return pr_op_error(c, "the cost matrix has shape %s; it must be M x N or 1 x M x N",
                           pr_shape_str(x, sb, sizeof sb));
    *m = x->dim[x->rank - 2];
    *n = x->dim[x->rank - 1];
    return 0;
}

int dtw_shape(struct pr_op_ctx *c)
{
    int64_t m, n;
    if (arity(c, 1, 1, 1) < 0 || dtw_extents(c, &m, &n) < 0)
        return -1;
    int64_t bound = m >= 1 && n >= 1 && m <= INT64_MAX - n ? m + n - 1 : -1;
    int64_t x = pr_data_dim(c, "path", bound, "the length of the warping path");
    if (c->failed)
        return -1;
    int64_t lo = m > n ? m : n;
    if (x >= 0 && ((bound >= 0 && x > bound) || (lo >= 0 && x < lo)))
        return pr_op_error(c, "the path's length is bound to %lld; it must be in [max(M, N), M + N - 1] = "
                           "[%lld, %lld]", (long long)x, (long long)lo, (long long)bound);
    set_out(c, 0, PR_DT_INT32, 2, (int64_t[]){2, x});
    return 0;
}

/* ---- BifurcationDetector ---- */

/* Input i, when present, is int64 (and 1-D for a vector). */
static int int64_input(struct pr_op_ctx *c, int i, const char *what, bool vector)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    if (t->dtype != PR_DT_INT64 && t->dtype != PR_DT_UNDEFINED)
        return pr_op_error(c, "%s (input %d) is %s; it must be int64", what, i, pr_dtype_name(t->dtype));
    if (vector && t->shape.rank != 1)
        return pr_op_error(c, "%s (input %d) has rank %d; it must be 1-D", what, i, t->shape.rank);
    return 0;
}

static int ngram_sizes(struct pr_op_ctx *c, int64_t *lo, int64_t *hi)
{
    *lo = pr_attr_int(c, "min_ngram_size", 1);
    *hi = pr_attr_int(c, "max_ngram_size", 3);
    if (c->failed)
        return -1;
    if (*lo < 1 || *hi < *lo)
        return pr_op_error(c, "min_ngram_size %lld and max_ngram_size %lld: both must be >= 1, min <= max",
                           (long long)*lo, (long long)*hi);
    return 0;
}

int bifurcation_shape(struct pr_op_ctx *c)
{
    int64_t lo, hi;
    if (arity(c, 3, 4, 2) < 0 || int64_input(c, 0, "src_tokens", true) < 0 ||
        int64_input(c, 1, "cur_tokens", true) < 0 || int64_input(c, 2, "prev_suffix_match_idx", false) < 0 ||
        int64_input(c, 3, "pred_tokens", true) < 0 ||
        ngram_sizes(c, &lo, &hi) < 0)
        return -1;
    int64_t cur = c->in[1]->shape.dim[0], x = cur;
    const struct pr_tensor *pred = pr_input(c, 3);
    if (pred) {
        int64_t p = pred->shape.dim[0];
        if (p == 0)
            return pr_op_error(c, "pred_tokens is empty; it holds at least one token");
        int64_t bound = cur >= 0 && p >= 0 && cur <= INT64_MAX - p ? cur + p : -1;
        x = pr_data_dim(c, "tokens", bound, "the number of tokens once the prediction is merged");
        if (c->failed)
            return -1;
        if (x >= 0 && ((bound >= 0 && x > bound) || (cur >= 0 && x <= cur)))
            return pr_op_error(c, "the merged tokens are bound to %lld; they must be in [C + 1, C + P] with C = %lld, "
                               "P = %lld", (long long)x, (long long)cur, (long long)p);
    }
    set_out(c, 0, PR_DT_INT64, 1, &x);
    if (c->nout > 1) {
        c->out[1]->dtype = PR_DT_INT64;
        c->out[1]->shape = c->in[2]->shape;
    }
    return 0;
}

/* ---- WordConvEmbedding ---- */

/* words (S, or B*S), L, M, w, E from the inputs; -1 where unknown. */
static int wce_extents(struct pr_op_ctx *c, int64_t *words, int64_t *len, int64_t *m, int64_t *w, int64_t *e)
{
    const struct pr_tensor *seq = c->in[0], *wt = c->in[1], *b = c->in[2], *ce = c->in[3];
    if (seq->dtype != PR_DT_INT32 && seq->dtype != PR_DT_UNDEFINED)
        return pr_op_error(c, "Sequence is %s; it must be int32 character ids", pr_dtype_name(seq->dtype));
    if (seq->shape.rank != 2 && seq->shape.rank != 3)
        return pr_op_error(c, "Sequence has rank %d; it must be (words, characters) or (batch, words, characters)",
                           seq->shape.rank);
    char sb[160];
    if (wt->shape.rank != 4 || pr_dim_agree(wt->shape.dim[1], 1) == -2)
        return pr_op_error(c, "W has shape %s; it must be (M, 1, window, char_embedding)",
                           pr_shape_str(&wt->shape, sb, sizeof sb));
    if (b->shape.rank != 1 || ce->shape.rank != 2)
        return pr_op_error(c, "B has rank %d and C rank %d; they must be (M) and (chars, char_embedding)",
                           b->shape.rank, ce->shape.rank);
    *m = pr_dim_agree(wt->shape.dim[0], b->shape.dim[0]);
    *e = pr_dim_agree(wt->shape.dim[3], ce->shape.dim[1]);
    *w = wt->shape.dim[2];
    if (*m == -2 || *e == -2)
        return pr_op_error(c, "W (M, 1, w, E) has M = %lld and E = %lld but B has %lld values and C's rows %lld",
                           (long long)wt->shape.dim[0], (long long)wt->shape.dim[3], (long long)b->shape.dim[0],
                           (long long)ce->shape.dim[1]);
    const char *attr[] = {"embedding_size", "conv_window_size", "char_embedding_size"};
    int64_t *got[] = {m, w, e};
    for (int i = 0; i < 3; i++) {
        int64_t v = pr_attr_int(c, attr[i], -1);
        if (c->failed)
            return -1;
        if (v != -1 && (v < 1 || (*got[i] >= 0 && v != *got[i])))
            return pr_op_error(c, "%s is %lld but the weights give %lld", attr[i], (long long)v, (long long)*got[i]);
        if (*got[i] < 0)
            *got[i] = v;
    }
    *len = seq->shape.dim[seq->shape.rank - 1];
    *words = seq->shape.dim[0];
    if (seq->shape.rank == 3 && (*words < 0 || seq->shape.dim[1] < 0))
        *words = -1;
    else if (seq->shape.rank == 3 && __builtin_mul_overflow(*words, seq->shape.dim[1], words))
        return pr_op_error(c, "Sequence %s holds more than 2^63 words", pr_shape_str(&seq->shape, sb, sizeof sb));
    return 0;
}

int word_conv_embedding_shape(struct pr_op_ctx *c)
{
    int64_t words, len, m, w, e;
    if (arity(c, 4, 4, 1) < 0 || wce_extents(c, &words, &len, &m, &w, &e) < 0)
        return -1;
    set_out(c, 0, PR_DT_FLOAT, 2, (int64_t[]){words, m});
    return 0;
}

/* ---- the costs ---- */

int contrib_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *y = &c->out[0]->shape;
    switch (c->op_id) {
    case PR_OP_MS_UNIQUE: {
        int64_t n = y->dim[0];
        k->flops = n < 0 ? (c->incomplete = true, 0) : pr_mul(c, pr_numel(c, &c->in[0]->shape), ceil_log2((uint64_t)n));
        break;
    }
    case PR_OP_INVERSE: {
        const struct pr_shape *x = &c->in[0]->shape;
        int64_t n = x->dim[x->rank - 1] >= 0 ? x->dim[x->rank - 1] : x->dim[x->rank - 2];
        struct pr_shape batch = *x;
        batch.rank -= 2;
        uint64_t mats = pr_numel(c, &batch);
        if (n < 0) {
            c->incomplete = true;
            break;
        }
        uint64_t nn = pr_mul(c, (uint64_t)n, (uint64_t)n);
        k->macs = pr_mul(c, mats, pr_mul(c, nn, (uint64_t)n));
        k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, mats, nn));
        break;
    }
    case PR_OP_CDIST: {
        const struct pr_shape *a = &c->in[0]->shape, *b = &c->in[1]->shape;
        int64_t cols = a->dim[1] >= 0 ? a->dim[1] : b->dim[1];
        uint64_t pairs = pr_numel(c, y);
        if (cols < 0) {
            c->incomplete = true;
            break;
        }
        k->macs = pr_mul(c, pairs, (uint64_t)cols);
        k->flops = pr_mul(c, 3, k->macs);
        if (!strcmp(cdist_metric(c), "euclidean"))
            k->flops = pr_add(c, k->flops, pairs);
        break;
    }
    case PR_OP_CROP_AND_RESIZE:
        k->weight_mask &= 1;
        if (!strcmp(pr_attr_str(c, "mode", "bilinear"), "bilinear"))
            k->flops = pr_mul(c, 7, pr_numel(c, y));
        break;
    case PR_OP_NGRAM_REPEAT_BLOCK: {
        const struct pr_shape *ids = &c->in[0]->shape;
        int64_t n = pr_attr_int(c, "ngram_size", 1), b = ids->dim[0], s = ids->dim[1];
        k->weight_mask = 0;
        if (b < 0 || s < 0) {
            c->incomplete = true;
            break;
        }
        if (s >= n)
            k->flops = pr_mul(c, (uint64_t)b, pr_mul(c, (uint64_t)(s - n + 1), (uint64_t)(n - 1)));
        break;
    }
    case PR_OP_DYNAMIC_TIME_WARPING: {
        int64_t m, n;
        if (dtw_extents(c, &m, &n) < 0)
            return -1;
        if (m < 0 || n < 0) {
            c->incomplete = true;
            break;
        }
        k->flops = pr_mul(c, 3, pr_mul(c, (uint64_t)m, (uint64_t)n));
        break;
    }
    case PR_OP_BIFURCATION_DETECTOR: {
        int64_t lo, hi, src = c->in[0]->shape.dim[0];
        const struct pr_tensor *pred = pr_input(c, 3);
        int64_t p = pred ? pred->shape.dim[0] : 0;
        k->weight_mask = 0;
        if (ngram_sizes(c, &lo, &hi) < 0)
            return -1;
        if (src < 0 || p < 0) {
            c->incomplete = true;
            break;
        }
        uint64_t grams = pr_mul(c, (uint64_t)lo + (uint64_t)hi, (uint64_t)(hi - lo) + 1);   /* no int64 overflow */
        k->flops = pr_add(c, (uint64_t)p, pr_mul(c, (uint64_t)src, grams));
        break;
    }
    case PR_OP_WORD_CONV_EMBEDDING: {
        int64_t words, len, m, w, e;
        k->weight_mask &= ~(uint64_t)1;   /* the character ids are data */
        if (wce_extents(c, &words, &len, &m, &w, &e) < 0)
            return -1;
        if (words < 0 || len < 0 || m < 0 || w < 1 || e < 0) {
            c->incomplete = true;
            break;
        }
        uint64_t outs = pr_mul(c, pr_mul(c, (uint64_t)words, (uint64_t)((len > w ? len : w) - w + 1)), (uint64_t)m);
        k->macs = pr_mul(c, outs, pr_mul(c, (uint64_t)w, (uint64_t)e));
        k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, 3, outs));
        break;
    }
    default:   /* Range, Pad, ExpandDims, MurmurHash3, Tokenizer, UnfoldTensor: no arithmetic */
        k->weight_mask &= 1;
        break;
    }
    return c->failed ? -1 : 0;
}
