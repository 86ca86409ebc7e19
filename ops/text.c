/* text.c -- StringNormalizer, TfIdfVectorizer, the string operators of
 * opset 20 (StringConcat, StringSplit, RegexFullMatch) and ImageDecoder.
 *
 * StringNormalizer: X is a string tensor [C] or [1][C]; the output has the
 * same rank. Without stopwords nothing is removed and the extent is C.
 * With stopwords the number of strings left depends on the data: it is
 * the data-dependent symbol "<node>.n" (pr_data_dim), with fallback C, the
 * upper bound. When every string is removed the output holds one empty
 * string, so the extent is at least 1. case_change_action is NONE, LOWER
 * or UPPER. Cost: 0 (string processing, no arithmetic).
 *
 * TfIdfVectorizer: X is [C] or [N][C] (int32, int64 or strings); the
 * output is [max(ngram_indexes) + 1] or [N][max(ngram_indexes) + 1],
 * float. FLOPs: per row of C tokens, every n-gram window examined for
 * n = min_gram_length .. max_gram_length and skip s = 0 .. max_skip_count
 * increments its count when it is in the pool: 1 per window examined
 * (the lookup is a hash probe, not arithmetic), an upper bound on the
 * increments. Windows of n tokens with skip s: C - (n-1)(s+1) when
 * positive; unigrams once (skips do not apply); lengths beyond the pool's
 * (ngram_counts' entries) are not examined. Modes IDF and TFIDF add 1
 * multiply per output element (the weight).
 *   FLOPs = rows * windows + (mode != TF ? numel(Y) : 0)
 *
 * StringConcat: X and Y strings broadcast (numpy rules); string output.
 * RegexFullMatch: X strings, `pattern` (RE2); bool output of X's shape.
 * StringSplit: X strings; `delimiter` (default: runs of whitespace) and
 *   `maxsplit` (absent: no limit). Y holds each string's substrings,
 *   X.shape + [the most substrings of any element], padded with "": a
 *   data-dependent extent, the symbol "<node>.parts" (pr_data_dim),
 *   fallback maxsplit + 1 when maxsplit is given, else unknown; Z (int64,
 *   X's shape) the count of each.
 * ImageDecoder: encoded_stream, a 1-D uint8 file (JPEG, PNG, BMP, TIFF,
 *   WebP, ...); `pixel_format` RGB (default), BGR or Grayscale. Y is uint8
 *   (H, W, 3) or (H, W, 1): H and W are the image's, data dimensions
 *   "<node>.height" and "<node>.width" (no fallback; bind them with --dim).
 * Cost of all four: 0 (string processing and decoding, no arithmetic that
 * these counts measure).
 *
 * Params: none (the pool and weights are attributes).
 */
#include "families.h"

#include <string.h>

#include "arena.h"

int strnorm_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "StringNormalizer takes 1 input and has 1 output but the node has "
                           "%d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    char buf[160];
    if (x->dtype && x->dtype != PR_DT_STRING)
        return pr_op_error(c, "StringNormalizer needs a string tensor, not %s", pr_dtype_name(x->dtype));
    if (x->shape.rank < 1 || x->shape.rank > 2 || (x->shape.rank == 2 && x->shape.dim[0] >= 0 &&
                                                   x->shape.dim[0] != 1))
        return pr_op_error(c, "X must be [C] or [1][C] but has shape %s",
                           pr_shape_str(&x->shape, buf, sizeof buf));
    const char *act = pr_attr_str(c, "case_change_action", "NONE");
    if (strcmp(act, "NONE") && strcmp(act, "LOWER") && strcmp(act, "UPPER"))
        return pr_op_error(c, "case_change_action is '%s'; it must be NONE, LOWER or UPPER", act);
    pr_attr_int(c, "is_case_sensitive", 0);
    pr_attr_str(c, "locale", "");
    int nstop = pr_attr_count(c, "stopwords");
    if (c->failed)
        return -1;
    int64_t cdim = x->shape.dim[x->shape.rank - 1], n = cdim;
    if (nstop > 0) {
        int64_t bound = cdim < 0 ? -1 : cdim > 1 ? cdim : 1;
        n = pr_data_dim(c, "n", bound, "the number of strings StringNormalizer keeps");
        if (n < -1 || n == 0 || (bound >= 0 && n > bound))
            return pr_op_error(c, "the number of strings kept is bound to %lld; it must be in "
                               "[1, %lld]", (long long)n, (long long)bound);
    }
    c->out[0]->dtype = PR_DT_STRING;
    c->out[0]->shape = x->shape;
    c->out[0]->shape.dim[x->shape.rank - 1] = n;
    return 0;
}

/* An ints attribute of any length, copied into the arena; *n = -1 when
 * absent. NULL with *n = 0 when empty. */
static int64_t *ints_attr(struct pr_op_ctx *c, const char *name, int *n)
{
    *n = pr_attr_count(c, name);
    if (*n <= 0)
        return NULL;
    int64_t *v = pr_arena_calloc(c->arena, (size_t)*n, sizeof *v);
    if (!v) {
        pr_op_error(c, "out of memory for attribute '%s'", name);
        return NULL;
    }
    if (pr_attr_ints(c, name, v, *n) != *n)
        return NULL;
    return v;
}

int tfidf_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "TfIdfVectorizer takes 1 input and has 1 output but the node has "
                           "%d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    char buf[160];
    if (x->shape.rank < 1 || x->shape.rank > 2)
        return pr_op_error(c, "X must be [C] or [N][C] but has shape %s",
                           pr_shape_str(&x->shape, buf, sizeof buf));
    if (x->dtype && x->dtype != PR_DT_STRING && x->dtype != PR_DT_INT32 && x->dtype != PR_DT_INT64)
        return pr_op_error(c, "X must hold strings, int32 or int64, not %s", pr_dtype_name(x->dtype));
    int64_t mn = pr_attr_int(c, "min_gram_length", 0), mx = pr_attr_int(c, "max_gram_length", 0);
    int64_t skip = pr_attr_int(c, "max_skip_count", 0);
    const char *mode = pr_attr_str(c, "mode", "");
    if (c->failed)
        return -1;
    if (strcmp(mode, "TF") && strcmp(mode, "IDF") && strcmp(mode, "TFIDF"))
        return pr_op_error(c, "mode is '%s'; it must be TF, IDF or TFIDF", mode);
    int nc, ni;
    ints_attr(c, "ngram_counts", &nc);
    int64_t *idx = ints_attr(c, "ngram_indexes", &ni);
    if (c->failed)
        return -1;
    if (mn < 1 || mx < mn)
        return pr_op_error(c, "min_gram_length and max_gram_length are %lld and %lld; they must "
                           "satisfy 1 <= min <= max", (long long)mn, (long long)mx);
    if (skip < 0)
        return pr_op_error(c, "max_skip_count is %lld; it must be >= 0", (long long)skip);
    if (nc <= 0)
        return pr_op_error(c, "ngram_counts is missing or empty: it gives where each n-gram length "
                           "starts in the pool");
    if (ni <= 0)
        return pr_op_error(c, "ngram_indexes is missing or empty: it gives the output positions");
    int64_t top = -1;
    for (int i = 0; i < ni; i++) {
        if (idx[i] < 0 || idx[i] >= INT64_MAX)
            return pr_op_error(c, "ngram_indexes[%d] is %lld; output positions must be >= 0", i,
                               (long long)idx[i]);
        if (idx[i] > top)
            top = idx[i];
    }
    int nw = pr_attr_count(c, "weights");
    if (nw >= 0 && nw != ni)
        return pr_op_error(c, "weights has %d values but ngram_indexes has %d; they must match", nw, ni);
    c->out[0]->dtype = PR_DT_FLOAT;
    c->out[0]->shape = x->shape;
    c->out[0]->shape.dim[x->shape.rank - 1] = top + 1;
    return 0;
}

/* n-gram windows examined in a row of len tokens (see the top comment). */
static uint64_t tfidf_windows(struct pr_op_ctx *c, uint64_t len)
{
    uint64_t mn = (uint64_t)pr_attr_int(c, "min_gram_length", 1);
    uint64_t mx = (uint64_t)pr_attr_int(c, "max_gram_length", 1);
    uint64_t skip = (uint64_t)pr_attr_int(c, "max_skip_count", 0), total = 0;
    uint64_t levels = (uint64_t)pr_attr_count(c, "ngram_counts");   /* >= 1: checked */
    if (mx > levels)
        mx = levels;   /* longer n-grams have no pool entries to match */
    for (uint64_t n = mn; n <= mx && n <= len; n++) {
        if (n == 1) {
            total = pr_add(c, total, len);
            continue;
        }
        /* sum over s = 0..S of len - d(s+1), S = min(skip, (len-1)/d - 1), d = n-1 */
        uint64_t d = n - 1, most = (len - 1) / d;   /* largest s+1 with d(s+1) < len */
        if (most == 0)
            continue;
        uint64_t terms = most < skip + 1 ? most : skip + 1;   /* values of s+1: 1..terms */
        uint64_t tri = terms % 2 ? pr_mul(c, terms, (terms + 1) / 2) : pr_mul(c, terms / 2, terms + 1);
        uint64_t sub = pr_mul(c, d, tri), all = pr_mul(c, terms, len);
        total = pr_add(c, total, all - sub);   /* each term len - d(s+1) > 0 */
    }
    return total;
}

/* ---- opset 20: StringConcat, RegexFullMatch, StringSplit; ImageDecoder ---- */

/* Input i must be a string tensor (or of unknown type). */
static int need_strings(struct pr_op_ctx *c, int i)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (t && t->dtype && t->dtype != PR_DT_STRING)
        return pr_op_error(c, "%s needs string tensors but input %d is %s", pr_op_table[c->op_id].name, i,
                           pr_dtype_name(t->dtype));
    return 0;
}

static int arity(struct pr_op_ctx *c, int nin, int nout)
{
    if (pr_op_require(c, nin) < 0)
        return -1;
    if (c->nin > nin || c->nout > nout)
        return pr_op_error(c, "%s takes %d input%s and has %d output%s but the node has %d and %d",
                           pr_op_table[c->op_id].name, nin, nin == 1 ? "" : "s", nout, nout == 1 ? "" : "s",
                           c->nin, c->nout);
    return 0;
}

int string_op_shape(struct pr_op_ctx *c)
{
    const struct pr_shape *x;
    char sa[160], sb[160];
    switch (c->op_id) {
    case PR_OP_STRING_CONCAT:
        if (arity(c, 2, 1) < 0 || need_strings(c, 0) < 0 || need_strings(c, 1) < 0)
            return -1;
        x = &c->in[0]->shape;
        if (pr_shape_broadcast(x, &c->in[1]->shape, &c->out[0]->shape) < 0)
            return pr_op_error(c, "X %s and Y %s do not broadcast", pr_shape_str(x, sa, sizeof sa),
                               pr_shape_str(&c->in[1]->shape, sb, sizeof sb));
        c->out[0]->dtype = PR_DT_STRING;
        return 0;
    case PR_OP_REGEX_FULL_MATCH:
        if (arity(c, 1, 1) < 0 || need_strings(c, 0) < 0)
            return -1;
        pr_attr_str(c, "pattern", "");
        if (c->failed)
            return -1;
        c->out[0]->dtype = PR_DT_BOOL;
        c->out[0]->shape = c->in[0]->shape;
        return 0;
    default: {   /* StringSplit */
        if (arity(c, 1, 2) < 0 || need_strings(c, 0) < 0)
            return -1;
        x = &c->in[0]->shape;
        pr_attr_str(c, "delimiter", "");
        bool limited = pr_attr_has(c, "maxsplit");
        int64_t maxsplit = pr_attr_int(c, "maxsplit", 0);
        if (c->failed)
            return -1;
        if (limited && (maxsplit < 0 || maxsplit == INT64_MAX))
            return pr_op_error(c, "maxsplit is %lld; it must be >= 0", (long long)maxsplit);
        if (x->rank >= PR_MAX_RANK)
            return pr_op_error(c, "X has rank %d; the output adds one axis and priori keeps at most %d",
                               x->rank, PR_MAX_RANK);
        int64_t parts = pr_data_dim(c, "parts", limited ? maxsplit + 1 : -1,
                                    "the most substrings one string splits into");
        if (c->failed)
            return -1;
        c->out[0]->dtype = PR_DT_STRING;
        c->out[0]->shape = *x;
        c->out[0]->shape.dim[c->out[0]->shape.rank++] = parts;
        if (c->nout > 1) {
            c->out[1]->dtype = PR_DT_INT64;
            c->out[1]->shape = *x;
        }
        return 0;
    }
    }
}

int image_decoder_shape(struct pr_op_ctx *c)
{
    if (arity(c, 1, 1) < 0)
        return -1;
    const struct pr_tensor *in = c->in[0];
    char sb[160];
    if ((in->dtype && in->dtype != PR_DT_UINT8) || in->shape.rank != 1)
        return pr_op_error(c, "encoded_stream is %s %s; it must be the 1-D uint8 bytes of an image file",
                           pr_dtype_name(in->dtype), pr_shape_str(&in->shape, sb, sizeof sb));
    const char *fmt = pr_attr_str(c, "pixel_format", "RGB");
    if (c->failed)
        return -1;
    int64_t ch = !strcmp(fmt, "Grayscale") ? 1 : !strcmp(fmt, "RGB") || !strcmp(fmt, "BGR") ? 3 : -1;
    if (ch < 0)
        return pr_op_error(c, "pixel_format is '%s'; it must be RGB, BGR or Grayscale", fmt);
    int64_t h = pr_data_dim(c, "height", -1, "the decoded image's height");
    int64_t w = pr_data_dim(c, "width", -1, "the decoded image's width");
    if (c->failed)
        return -1;
    c->out[0]->dtype = PR_DT_UINT8;
    pr_shape_set(&c->out[0]->shape, 3, (int64_t[]){h, w, ch});
    return 0;
}

int text_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->weight_mask = 0;
    if (c->op_id != PR_OP_TFIDF_VECTORIZER)
        return 0;
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    int64_t len = x->dim[x->rank - 1], rows = x->rank == 2 ? x->dim[0] : 1;
    if (len < 0 || rows < 0) {
        c->incomplete = true;
        return 0;
    }
    k->flops = pr_mul(c, (uint64_t)rows, tfidf_windows(c, (uint64_t)len));
    if (strcmp(pr_attr_str(c, "mode", "TF"), "TF"))
        k->flops = pr_add(c, k->flops, pr_numel(c, &c->out[0]->shape));
    return 0;
}
