/* generate.c -- ONNX Runtime's text generation over a GPT-2 style decoder:
 * com.microsoft BeamSearch, GreedySearch and Sampling (model_type 0).
 *
 * The node runs its `decoder` subgraph once per generated token (ONNX
 * Runtime, contrib_ops/cpu/transformers, beam_search_impl_gpt.h and
 * greedy_search_impl_gpt.h). With input_ids B x P (the prompt), K =
 * num_beams (BeamSearch; 1 for the others), N = B x K sequences and M =
 * max_length, while the sequences are shorter than M:
 *   run 1         input_ids and position_ids N x P, attention_mask N x P,
 *                 each past_i 2 x N x heads x 0 x head_size (the
 *                 init_decoder subgraph when the node has one)
 *   run j = 2..G  input_ids and position_ids N x 1, past length P + j - 2,
 *                 attention_mask N x (past + 1)
 * G = M - P runs: the worst case, in which no sequence ends early at the
 * end-of-sequence token (the data decides that, so the counts are upper
 * bounds for a request). With past_present_share_buffer (the decoder takes
 * past_sequence_length after its past_i, then BeamSearch's num_beams)
 * each past_i is 2 x N x heads x M x head_size, past_sequence_length the
 * past length.
 *
 * A decode run's counts are affine in its past length (the attention reads
 * past + 1 keys; everything else is per new token), so the n = G - 1
 * decode runs, at past lengths a = P .. b = M - 2, sum exactly from runs at
 * their mean: one run at (a + b) / 2 counted n times when n is odd; when n
 * is even, one at a and one at (a + 1 + b) / 2 counted n - 1 times. The
 * rows inside the decoder show those runs (the first run's and the mean
 * decode run's counts, times their multiplier); the peak memory is the
 * last run's (past b), run uncounted.
 *
 * Outputs: BeamSearch sequences B x R x M (R = num_return_sequences),
 * sequences_scores B x R, scores (M - P) x B x K x vocab; GreedySearch
 * sequences B x M; Sampling sequences B x M, filtered_logits B x vocab
 * (vocab: the vocab_size attribute, else the decoder's logits' last
 * extent). M, K and R are inputs 1, 3 and 4 (int32, shape [1]): known when
 * constant or bound with --value (--value max_length=64); else the data
 * symbols "<node>.max_length", "<node>.num_beams" and
 * "<node>.num_return_sequences" (--dim). Unbound, max_length leaves the
 * first run alone counted (lower bounds) and num_beams counts as 1.
 *
 * Encoder-decoder generation (model_type 1: T5, BART; 2: Whisper) and a
 * decoder outside ONNX Runtime's GPT-2 layout are not counted: the node is
 * then as an operator priori does not know (zero cost, the weights of its
 * subgraphs counted, the report incomplete).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "families.h"
#include "seq.h"
#include "values.h"

enum gen { GEN_BEAM, GEN_GREEDY, GEN_SAMPLING };

/* The decoder's layout (ONNX Runtime's GPT-2 subgraph contract). */
struct decoder {
    int sub;                      /* its subgraph index */
    int nin, nout, layers;        /* layers: past_i inputs (= present_i outputs) */
    int64_t beams;                /* K, fed to a decoder that takes num_beams */
    bool shared;                  /* past_present_share_buffer: past_sequence_length follows the pasts */
    struct pr_tensor *decl;       /* [nin] declared input types (heap) */
};

/* Int32 input i (shape [1]) into *v: its value when known (a constant, or
 * bound with --value), else the data symbol "<node>.what" (--dim; unbound:
 * -1, warned with meaning). Returns whether *v is known. */
static bool scalar_in(struct pr_op_ctx *c, int i, const char *what, const char *meaning, int64_t *v)
{
    const struct pr_tensor *t = pr_input(c, i);
    const struct pr_const *k = t ? pr_values_of(t) : NULL;
    *v = k && k->n == 1 ? k->i[0] : pr_data_dim(c, what, -1, meaning);
    return (k && k->n == 1) || *v >= 0;
}

/* Reads d->sub's declared inputs and checks ONNX Runtime's GPT-2 layout:
 * input_ids, position_ids, attention_mask, past_0 .. past_{L-1} (rank 5,
 * 2 x batch x heads x past x head_size), then past_sequence_length (and
 * num_beams) with a shared buffer; outputs logits, present_0 ... Returns
 * 1 when it holds, 0 when not (c->unsupported set), -1 after an error. */
static int layout(struct pr_op_ctx *c, struct decoder *d)
{
    pr_subgraph_arity(c, d->sub, &d->nin, &d->nout);
    d->layers = d->nout - 1;
    int extra = d->nin - 3 - d->layers;   /* 0; 1 or 2 with a shared buffer */
    if (d->layers < 1 || extra < 0 || extra > 2 || d->nin > PR_MAX_IO) {
        c->unsupported = "its decoder does not have ONNX Runtime's GPT-2 inputs (input_ids, position_ids, "
                         "attention_mask, past_i) and outputs (logits, present_i): not counted, zero cost";
        return 0;
    }
    d->shared = extra > 0;
    if (!(d->decl = calloc((size_t)d->nin, sizeof *d->decl)))
        return pr_op_error(c, "out of memory");
    for (int i = 0; i < d->nin; i++) {
        pr_subgraph_input(c, d->sub, i, &d->decl[i]);
        const struct pr_shape *s = &d->decl[i].shape;
        if (i >= 3 && i < 3 + d->layers && (s->rank != 5 || s->dim[2] <= 0 || s->dim[4] <= 0)) {
            c->unsupported = "its decoder's past inputs are not 2 x batch x heads x past x head_size with known heads "
                             "and head size (ONNX Runtime's GPT-2 layout): not counted, zero cost";
            return 0;
        }
    }
    return 1;
}

/* The types of one decoder run into t: n sequences, s new tokens, past
 * cached (m: the shared buffer's rows). */
static int run_inputs(struct pr_op_ctx *c, const struct decoder *d, int64_t n, int64_t s, int64_t past, int64_t m,
                      struct pr_tensor *t)
{
    for (int i = 0; i < d->nin; i++) {
        t[i] = d->decl[i];
        t[i].cval = NULL;
        if (i < 3 && !t[i].dtype)
            t[i].dtype = PR_DT_INT32;   /* ids, positions, mask: int32 in ONNX Runtime's contract */
    }
    int64_t ids[2] = {n, s}, mask[2] = {n, past + s};
    for (int i = 0; i < 3; i++) {
        t[i].kind = PR_KIND_TENSOR;
        t[i].shape.rank = 2;
        memcpy(t[i].shape.dim, i < 2 ? ids : mask, sizeof ids);
    }
    for (int l = 0; l < d->layers; l++) {
        struct pr_shape *p = &t[3 + l].shape;
        p->dim[0] = 2;
        p->dim[1] = n;
        p->dim[3] = d->shared ? m : past;
    }
    for (int i = 3 + d->layers; i < d->nin; i++) {   /* past_sequence_length, num_beams: int32 [1] */
        struct pr_const *v = pr_const_new(c, 1);
        if (!v)
            return -1;
        v->i[0] = i == 3 + d->layers ? past : d->beams;
        v->f[0] = (double)v->i[0];
        t[i].kind = PR_KIND_TENSOR;
        t[i].dtype = PR_DT_INT32;
        t[i].shape.rank = 1;
        t[i].shape.dim[0] = 1;
        t[i].cval = v;
    }
    return 0;
}

/* One run of d's subgraph, counted times times (0: uncounted, its peak
 * still kept): its cost added to c->sub and into *one (when not NULL), its
 * outputs into out. */
static int run(struct pr_op_ctx *c, const struct decoder *d, int64_t n, int64_t s, int64_t past, int64_t m,
               uint64_t times, struct pr_tensor *out, struct pr_sub_cost *one)
{
    struct pr_tensor *in = calloc((size_t)d->nin, sizeof *in);
    const struct pr_tensor **inp = calloc((size_t)d->nin, sizeof *inp);
    struct pr_sub_cost e;
    int rc = !in || !inp ? pr_op_error(c, "out of memory") : run_inputs(c, d, n, s, past, m, in);
    for (int i = 0; rc == 0 && i < d->nin; i++)
        inp[i] = &in[i];
    if (rc == 0)
        rc = pr_subgraph_run(c, d->sub, inp, out, times, &e);
    free(in);
    free(inp);
    if (rc < 0)
        return -1;
    struct pr_sub_cost *t = &c->sub;
    t->macs = pr_add(c, t->macs, pr_mul(c, e.macs, times));
    t->flops = pr_add(c, t->flops, pr_mul(c, e.flops, times));
    t->activation_bytes = pr_add(c, t->activation_bytes, pr_mul(c, e.activation_bytes, times));
    t->bytes_read = pr_add(c, t->bytes_read, pr_mul(c, e.bytes_read, times));
    t->bytes_written = pr_add(c, t->bytes_written, pr_mul(c, e.bytes_written, times));
    if (e.params > t->params)
        t->params = e.params;   /* the same weights in every run */
    if (e.peak_bytes > t->peak_bytes)
        t->peak_bytes = e.peak_bytes;
    t->incomplete |= e.incomplete;
    if (one)
        *one = e;
    return 0;
}

static void set_out(struct pr_op_ctx *c, int i, int dtype, int rank, const int64_t *dims)
{
    if (i >= c->nout)
        return;
    struct pr_tensor *o = c->out[i];
    pr_type_unknown(o);
    o->dtype = dtype;
    o->shape.rank = rank;
    memcpy(o->shape.dim, dims, (size_t)rank * sizeof *dims);
}

/* Whether the points (x0, y0), (x1, y1), (x2, y2), x0 <= x1 <= x2, lie on
 * a line of integer slope (counts at consecutive integers that are affine
 * have one); exact, no products. */
static bool collinear(int64_t x0, uint64_t y0, int64_t x1, uint64_t y1, int64_t x2, uint64_t y2)
{
    int64_t dx2 = x2 - x0, dy2 = (int64_t)(y2 - y0), dx1 = x1 - x0, dy1 = (int64_t)(y1 - y0);
    if (dx2 == 0)
        return dy2 == 0 && dy1 == 0;
    if (dy2 % dx2 != 0)
        return false;
    if (dx1 == 0)
        return dy1 == 0;
    return dy1 % dx1 == 0 && dy1 / dx1 == dy2 / dx2;
}

static bool affine(int64_t x0, const struct pr_sub_cost *e0, int64_t x1, const struct pr_sub_cost *e1, int64_t x2,
                   const struct pr_sub_cost *e2)
{
    return collinear(x0, e0->macs, x1, e1->macs, x2, e2->macs) &&
           collinear(x0, e0->flops, x1, e1->flops, x2, e2->flops) &&
           collinear(x0, e0->bytes_read, x1, e1->bytes_read, x2, e2->bytes_read) &&
           collinear(x0, e0->bytes_written, x1, e1->bytes_written, x2, e2->bytes_written);
}

/* The node's runs (see the top): the first, of first (init_decoder, else
 * the decoder d), and the decode runs of d by their mean, checked to be
 * affine in the past length (three points on a line: the first decode run,
 * the mean one, the last); out (entries for the larger output count of
 * the two) gets the last counted run's outputs. */
static int runs(struct pr_op_ctx *c, const struct decoder *first, const struct decoder *d, int64_t n, int64_t p,
                int64_t m, struct pr_tensor *out, int64_t *vocab)
{
    int64_t g = m >= 0 ? m - p : 1, rows = m >= 0 ? m : p;   /* rows: a shared buffer's */
    if (g <= 0)
        return 0;
    if (run(c, first, n, p, 0, rows, 1, out, NULL) < 0)
        return -1;
    if (*vocab < 0 && out[0].shape.rank == 3)
        *vocab = out[0].shape.dim[2];
    int64_t a = p, hi = m - 2, left = g - 1, lo = a;   /* decode runs at past a .. hi */
    if (left <= 0)
        return 0;
    struct pr_sub_cost ea, eh, em;
    if (run(c, d, n, 1, hi, rows, 0, out, &eh) < 0)   /* the last, uncounted: its peak */
        return -1;
    if (run(c, d, n, 1, a, rows, left % 2 == 0, out, &ea) < 0)   /* the first: counted when n is even */
        return -1;
    if (left % 2 == 0) {
        lo++;
        left--;
    }
    int64_t mid = lo + (hi - lo) / 2;   /* (lo + hi) / 2: hi - lo is even here */
    if (run(c, d, n, 1, mid, rows, (uint64_t)left, out, &em) < 0)
        return -1;
    if (!affine(a, &ea, mid, &em, hi, &eh)) {
        pr_op_warn(c, "its decoder's counts are not affine in the past length: the %lld decode runs are counted "
                   "from their mean (past %lld), an estimate, not exact", (long long)(g - 1), (long long)mid);
        c->incomplete = true;
    }
    return 0;
}

static int generate_shape(struct pr_op_ctx *c, enum gen kind)
{
    int dec = pr_subgraph_find(c, "decoder");
    if (dec < 0)
        return c->failed ? -1 : pr_op_error(c, "needs a 'decoder' graph attribute");
    if (pr_attr_int(c, "model_type", 0) != 0) {
        c->unsupported = "encoder-decoder generation (model_type 1: T5, BART; 2: Whisper) is not counted: zero cost";
        return 0;
    }
    const struct pr_tensor *ids = pr_input(c, 0);
    if (!ids || ids->shape.rank != 2)
        return pr_op_error(c, "input_ids must be batch x sequence (rank 2)");
    struct decoder d = {.sub = dec, .beams = 1}, d0 = {.sub = -1, .beams = 1};
    struct pr_tensor *out = NULL;
    int rc = layout(c, &d), init = rc > 0 ? pr_subgraph_find(c, "init_decoder") : -1;
    if (rc > 0 && init >= 0) {
        d0.sub = init;
        rc = layout(c, &d0);
    }
    if (rc > 0 && c->failed)
        rc = -1;   /* a malformed init_decoder attribute */
    if (rc <= 0)
        goto out;
    int64_t b = ids->shape.dim[0], p = ids->shape.dim[1];
    int64_t m, k = 1, r = 1;
    bool m_known = scalar_in(c, 1, "max_length",
                             "the length of the generated sequences, max_length (unbound: only the prompt's run is "
                             "counted, the counts are lower bounds; --value max_length=N binds the graph input)", &m);
    bool k_known = kind != GEN_BEAM ||
                   scalar_in(c, 3, "num_beams", "the beams, num_beams (counted as 1: the counts are lower bounds; "
                             "--value num_beams=K binds the graph input)", &k);
    bool r_known = kind != GEN_BEAM ||
                   scalar_in(c, 4, "num_return_sequences", "the sequences returned per prompt, num_return_sequences",
                             &r);
    rc = -1;
    if (m_known && (m < 1 || (p >= 0 && m < p))) {
        pr_op_error(c, "max_length %lld is shorter than the prompt (%lld tokens); it must be at least the prompt's "
                    "length", (long long)m, (long long)p);
        goto out;
    }
    if ((k_known && k < 1) || (r_known && (r < 1 || (k_known && r > k)))) {
        pr_op_error(c, "num_beams %lld and num_return_sequences %lld: need 1 <= num_return_sequences <= num_beams",
                    (long long)k, (long long)r);
        goto out;
    }
    int64_t beams = k_known ? k : 1;   /* counted */
    if (b > 0 && beams > INT64_MAX / b) {
        pr_op_error(c, "batch %lld x num_beams %lld sequences overflow 64 bits", (long long)b, (long long)beams);
        goto out;
    }
    d.beams = d0.beams = beams;
    if (!k_known || !m_known)
        c->incomplete = true;
    int64_t vocab = pr_attr_int(c, "vocab_size", -1);
    int nout = d0.nout > d.nout ? d0.nout : d.nout;
    if (!(out = calloc((size_t)nout, sizeof *out))) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    for (int i = 0; i < nout; i++)
        pr_type_unknown(&out[i]);
    if (b < 0 || p < 0)
        c->incomplete = true;   /* an unknown prompt: nothing runs */
    else if (runs(c, d0.sub >= 0 ? &d0 : &d, &d, b * beams, p, m, out, &vocab) < 0)
        goto out;
    int64_t gen = m >= 0 && p >= 0 ? m - p : -1;
    int64_t seq3[3] = {b, r, m}, seq2[2] = {b, m}, scores2[2] = {b, r}, scores4[4] = {gen, b, k, vocab};
    int64_t filtered[2] = {b, vocab};
    int logits = out[0].dtype ? out[0].dtype : PR_DT_FLOAT;
    if (kind == GEN_BEAM) {
        set_out(c, 0, PR_DT_INT32, 3, seq3);
        set_out(c, 1, logits, 2, scores2);
        set_out(c, 2, logits, 4, scores4);
    } else {
        set_out(c, 0, PR_DT_INT32, 2, seq2);
        if (kind == GEN_SAMPLING)
            set_out(c, 1, logits, 2, filtered);
    }
    rc = 0;
out:
    free(d.decl);
    free(d0.decl);
    free(out);
    return rc < 0 ? -1 : 0;
}

int beam_search_shape(struct pr_op_ctx *c) { return generate_shape(c, GEN_BEAM); }
int greedy_search_shape(struct pr_op_ctx *c) { return generate_shape(c, GEN_GREEDY); }
int sampling_shape(struct pr_op_ctx *c) { return generate_shape(c, GEN_SAMPLING); }
