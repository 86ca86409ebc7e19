/* generate.c -- ONNX Runtime's text generation: com.microsoft BeamSearch,
 * GreedySearch and Sampling over a GPT-2 style decoder (model_type 0), and
 * BeamSearch over a T5/BART style encoder and decoder (model_type 1) or a
 * Whisper one (model_type 2, and WhisperBeamSearch).
 *
 * GPT-2 (ONNX Runtime, contrib_ops/cpu/transformers, beam_search_impl_gpt.h
 * and greedy_search_impl_gpt.h). The node runs its `decoder` subgraph once
 * per generated token. With input_ids B x P (the prompt), K = num_beams
 * (BeamSearch; 1 for the others), N = B x K sequences and M = max_length,
 * while the sequences are shorter than M:
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
 * T5 (beam_search_impl_t5.h, subgraph_t5_encoder.cc, subgraph_t5_decoder.cc;
 * the run structure checked with onnxruntime's profiler, which lists every
 * node run inside the subgraphs with its input shapes). input_ids B x S is
 * the encoder's input; the output starts with the decoder start token, so
 * the sequence length is 1 and M > 1.
 *   encoder, once, B sequences (not expanded to the beams): inputs
 *         encoder_input_ids and encoder_attention_mask B x S (int32);
 *         outputs present_key_cross_i, present_value_cross_i (B x heads x S
 *         x head_size). The old format also takes decoder_input_ids B x 1
 *         and runs the first decoding step itself: outputs logits,
 *         encoder_hidden_states, the self presents (past 0 + 1), then the
 *         cross ones;
 *   decoder, once per token, N sequences, past self lengths 0 .. M - 2
 *         (old format: 1 .. M - 2): inputs input_ids N x 1,
 *         encoder_attention_mask N x S, [encoder_hidden_states N x S x
 *         hidden], past_key_self_i and past_value_self_i (N x heads x past
 *         x head_size; the buffer's M rows when shared), the cross ones (N x
 *         heads x S x head_size), [past_seq_len [1], [num_beams [1],
 *         cache_indirection B x K x M]] with a shared buffer; outputs
 *         logits N x 1 x vocab, the self presents.
 * The cross pasts are as long as the encoder's cross presents (else S).
 * Whisper (beam_search_impl_whisper.h, subgraph_whisper_*.cc): input_ids
 * are the input features B x features x frames; decoder_input_ids (input
 * 10, B x P0; absent: P0 = 1, the start token) start the output. The
 * encoder, once on B, takes the features and decoder_input_ids and
 * decodes the P0 tokens itself (the old T5 format); the decoder (no
 * encoder_attention_mask) runs at past P0 .. M - 2; M > P0 (the profiler
 * shows these runs too).
 * A decoder that takes the whole sequence as input_ids (ONNX Runtime's
 * use_sequence_as_input_ids: input_ids not declared N x 1) is not counted.
 *
 * A decode run's counts are affine in its past length (the attention reads
 * past + 1 keys; everything else is per new token), so the n decode runs,
 * at past lengths a .. b, sum exactly from runs at their mean: one run at
 * (a + b) / 2 counted n times when n is odd; when n is even, one at a and
 * one at (a + 1 + b) / 2 counted n - 1 times. The rows inside the
 * subgraphs show those runs (the first run's and the mean decode run's
 * counts, times their multiplier); the peak memory is the last run's
 * (past b), run uncounted.
 *
 * Outputs: BeamSearch sequences B x R x M (R = num_return_sequences),
 * sequences_scores B x R, scores (M - P) x B x K x vocab (T5: M - 1;
 * Whisper: M - P0), WhisperBeamSearch's cross_qk float (extents not
 * inferred) and non_speech_probs B;
 * GreedySearch sequences B x M; Sampling sequences B x M, filtered_logits
 * B x vocab (vocab: the vocab_size attribute, else the decoder's logits'
 * last extent). M, K and R are inputs 1, 3 and 4 (int32, shape [1]): known
 * when constant or bound with --value (--value max_length=64); else the
 * data symbols "<node>.max_length", "<node>.num_beams" and
 * "<node>.num_return_sequences" (--dim). Unbound, max_length leaves the
 * first run alone counted (the encoder for T5 and Whisper; lower bounds)
 * and num_beams counts as 1.
 *
 * Not counted (the node is then as an operator priori does not know: zero
 * cost, the weights of its subgraphs counted, the report incomplete, the
 * reason in the warning): GreedySearch and Sampling over an encoder and
 * decoder (ONNX Runtime refuses them), an unknown model_type, subgraphs
 * outside these layouts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "families.h"
#include "seq.h"
#include "values.h"

enum gen { GEN_BEAM, GEN_GREEDY, GEN_SAMPLING, GEN_WHISPER };

/* Which contract a subgraph follows. */
enum role { ROLE_GPT, ROLE_ENCODER, ROLE_CROSS };   /* ROLE_CROSS: a decoder with cross pasts (T5, Whisper) */

/* A subgraph's layout (ONNX Runtime's contracts, see the top). */
struct decoder {
    int sub;                      /* its subgraph index */
    enum role role;
    int nin, nout, layers;        /* layers: GPT-2 past_i inputs (= present_i outputs); else decoder layers */
    int64_t beams;                /* K, fed to a decoder that takes num_beams */
    int64_t batch, enc;           /* ROLE_CROSS: B and the encoder's output length S */
    int64_t init;                 /* Whisper encoder: decoder_input_ids' length P0 */
    const struct pr_tensor *features;   /* Whisper encoder: the node's input_features */
    bool shared;                  /* past_present_share_buffer: past_sequence_length follows the pasts */
    bool old;                     /* encoder: runs the first decoding step (T5's old format; Whisper) */
    bool whisper;                 /* Whisper's layouts: features in; no encoder_attention_mask */
    int first_past;               /* T5 decoder: 3 after encoder_hidden_states, else 2 (Whisper: 2, 1) */
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

/* d->sub's declared input types into d->decl. */
static int declared(struct pr_op_ctx *c, struct decoder *d)
{
    if (!(d->decl = calloc((size_t)d->nin, sizeof *d->decl)))
        return pr_op_error(c, "out of memory");
    for (int i = 0; i < d->nin; i++)
        pr_subgraph_input(c, d->sub, i, &d->decl[i]);
    return 0;
}

/* Whether declared input i is rank `rank` with extents 1 and 3 known
 * (heads and head size of a rank-4 cache) or 2 and 4 (rank 5). */
static bool cache_decl(const struct decoder *d, int i, int rank)
{
    const struct pr_shape *s = &d->decl[i].shape;
    return s->rank == rank && s->dim[rank - 3] > 0 && s->dim[rank - 1] > 0;
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
    if (declared(c, d) < 0)
        return -1;
    for (int i = 3; i < 3 + d->layers; i++)
        if (!cache_decl(d, i, 5)) {
            c->unsupported = "its decoder's past inputs are not 2 x batch x heads x past x head_size with known heads "
                             "and head size (ONNX Runtime's GPT-2 layout): not counted, zero cost";
            return 0;
        }
    return 1;
}

/* The encoder e and decoder d of T5 (whisper false) or Whisper (see the
 * top): checks their layouts and that they agree. Returns 1, 0
 * (c->unsupported set) or -1. */
static int layout_encdec(struct pr_op_ctx *c, struct decoder *e, struct decoder *d, bool whisper)
{
    pr_subgraph_arity(c, e->sub, &e->nin, &e->nout);
    pr_subgraph_arity(c, d->sub, &d->nin, &d->nout);
    e->role = ROLE_ENCODER;
    d->role = ROLE_CROSS;
    e->whisper = d->whisper = whisper;
    e->old = whisper || e->nin == 3;
    e->layers = e->old ? (e->nout - 2) / 4 : e->nout / 2;
    d->layers = e->layers;
    if (e->nin != (whisper ? 2 : e->old ? 3 : 2) || e->layers < 1 ||
        e->nout != (e->old ? 2 + 4 * e->layers : 2 * e->layers)) {
        c->unsupported = whisper ? "its encoder does not have ONNX Runtime's Whisper inputs (encoder_input_ids, "
                                   "decoder_input_ids) and outputs (logits, encoder_hidden_states, the self and cross "
                                   "presents): not counted, zero cost"
                                 : "its encoder does not have ONNX Runtime's T5 inputs (encoder_input_ids, "
                                   "encoder_attention_mask[, decoder_input_ids]) and outputs (the cross presents, "
                                   "after logits, encoder_hidden_states and the self presents in the old format): "
                                   "not counted, zero cost";
        return 0;
    }
    int base = whisper ? 1 : 2;   /* input_ids[, encoder_attention_mask] */
    if (d->nin > PR_MAX_IO || d->nin < base + 4 * d->layers || d->nout < 1 + 2 * d->layers ||
        (!whisper && d->nout != 1 + 2 * d->layers)) {   /* Whisper's decoder may add cross_qk outputs */
        c->unsupported = "its decoder does not have ONNX Runtime's inputs (input_ids, [encoder_attention_mask,] the "
                         "self and cross pasts of its encoder's layers) and outputs (logits, the self presents): not "
                         "counted, zero cost";
        return 0;
    }
    if (declared(c, e) < 0 || declared(c, d) < 0)
        return -1;
    d->first_past = base + (d->decl[base].shape.rank == 3);   /* after encoder_hidden_states */
    int extra = d->nin - d->first_past - 4 * d->layers;    /* 0; 1 or 3 with a shared buffer */
    d->shared = extra > 0;
    const struct pr_shape *ids = &d->decl[0].shape;
    if (ids->rank != 2 || ids->dim[1] != 1) {
        c->unsupported = "its decoder's input_ids are not declared N x 1 (ONNX Runtime then feeds the whole "
                         "sequence every step, use_sequence_as_input_ids): not counted, zero cost";
        return 0;
    }
    if (extra != 0 && extra != 1 && extra != 3) {
        c->unsupported = "its decoder's pasts (self and cross, one pair each per layer) do not match its encoder's "
                         "layers or ONNX Runtime's layout: not counted, zero cost";
        return 0;
    }
    if (d->first_past > base && !e->old) {
        c->unsupported = "its decoder takes encoder_hidden_states, which its encoder (2 inputs: the new format) "
                         "does not give; ONNX Runtime refuses the pair: not counted, zero cost";
        return 0;
    }
    for (int i = d->first_past; i < d->first_past + 4 * d->layers; i++)
        if (!cache_decl(d, i, 4)) {
            c->unsupported = "its decoder's past inputs are not batch x heads x length x head_size with known heads "
                             "and head size (ONNX Runtime's layout): not counted, zero cost";
            return 0;
        }
    return 1;
}

/* t as a rank-2 int32 tensor a x b (no values), keeping a declared integer type. */
static void ids_type(struct pr_tensor *t, int64_t a, int64_t b)
{
    if (!t->dtype)
        t->dtype = PR_DT_INT32;   /* ids, positions, masks: int32 in ONNX Runtime's contracts */
    t->kind = PR_KIND_TENSOR;
    t->shape.rank = 2;
    t->shape.dim[0] = a;
    t->shape.dim[1] = b;
}

/* t as an int32 [1] holding v. */
static int scalar_type(struct pr_op_ctx *c, struct pr_tensor *t, int64_t v)
{
    t->kind = PR_KIND_TENSOR;
    t->dtype = PR_DT_INT32;
    t->shape.rank = 1;
    t->shape.dim[0] = 1;
    return (t->cval = pr_const_int(c, v)) ? 0 : -1;
}

/* The types of one run into t: n sequences, s new tokens (the encoder: its
 * sequence length), past cached (m: the shared buffer's rows). */
static int run_inputs(struct pr_op_ctx *c, const struct decoder *d, int64_t n, int64_t s, int64_t past, int64_t m,
                      struct pr_tensor *t)
{
    for (int i = 0; i < d->nin; i++) {
        t[i] = d->decl[i];
        t[i].cval = NULL;
    }
    if (d->role == ROLE_ENCODER && d->whisper) {   /* input_features (the node's), decoder_input_ids */
        t[0] = *d->features;
        t[0].cval = NULL;
        ids_type(&t[1], n, d->init);
        return 0;
    }
    if (d->role == ROLE_ENCODER) {   /* encoder_input_ids, encoder_attention_mask[, decoder_input_ids] */
        for (int i = 0; i < d->nin; i++)
            ids_type(&t[i], n, i < 2 ? s : 1);
        return 0;
    }
    if (d->role == ROLE_CROSS) {
        ids_type(&t[0], n, 1);
        if (!d->whisper)
            ids_type(&t[1], n, d->enc);   /* encoder_attention_mask */
        if (d->first_past > (d->whisper ? 1 : 2)) {   /* encoder_hidden_states N x S x hidden */
            struct pr_tensor *hs = &t[d->first_past - 1];
            hs->kind = PR_KIND_TENSOR;
            hs->shape.dim[0] = n;
            hs->shape.dim[1] = d->enc;
        }
        int self = d->first_past, cross = self + 2 * d->layers, end = cross + 2 * d->layers;
        for (int i = self; i < end; i++) {
            struct pr_shape *p = &t[i].shape;
            p->dim[0] = n;
            p->dim[2] = i >= cross ? d->enc : d->shared ? m : past;
        }
        if (end < d->nin && scalar_type(c, &t[end], past) < 0)   /* past_seq_len */
            return -1;
        if (end + 1 < d->nin && scalar_type(c, &t[end + 1], d->beams) < 0)   /* num_beams */
            return -1;
        if (end + 2 < d->nin) {   /* cache_indirection B x K x M */
            struct pr_tensor *ci = &t[end + 2];
            ids_type(ci, d->batch, d->beams);
            ci->shape.rank = 3;
            ci->shape.dim[2] = m;
        }
        return 0;
    }
    for (int i = 0; i < 3; i++)   /* input_ids, position_ids, attention_mask */
        ids_type(&t[i], n, i < 2 ? s : past + s);
    for (int l = 0; l < d->layers; l++) {
        struct pr_shape *p = &t[3 + l].shape;
        p->dim[0] = 2;
        p->dim[1] = n;
        p->dim[3] = d->shared ? m : past;
    }
    for (int i = 3 + d->layers; i < d->nin; i++)   /* past_sequence_length, num_beams: int32 [1] */
        if (scalar_type(c, &t[i], i == 3 + d->layers ? past : d->beams) < 0)
            return -1;
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
        t->params = e.params;   /* the same weights in every run of one subgraph (runs() adds the first's) */
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

/* The decode runs of d at past lengths a .. b, n sequences (see the top):
 * summed from their mean, checked to be affine in the past length (three
 * points on a line: the first decode run, the mean one, the last); out
 * gets the last counted run's outputs. */
static int decode_runs(struct pr_op_ctx *c, const struct decoder *d, int64_t n, int64_t a, int64_t b, int64_t rows,
                       struct pr_tensor *out)
{
    int64_t count = b - a + 1, left = count, lo = a;
    if (count <= 0)
        return 0;
    struct pr_sub_cost ea, eb, em;
    if (run(c, d, n, 1, b, rows, 0, out, &eb) < 0)   /* the last, uncounted: its peak */
        return -1;
    if (run(c, d, n, 1, a, rows, left % 2 == 0, out, &ea) < 0)   /* the first: counted when their number is even */
        return -1;
    if (left % 2 == 0) {
        lo++;
        left--;
    }
    int64_t mid = lo + (b - lo) / 2;   /* (lo + b) / 2: b - lo is even here */
    if (run(c, d, n, 1, mid, rows, (uint64_t)left, out, &em) < 0)
        return -1;
    if (!affine(a, &ea, mid, &em, b, &eb)) {
        pr_op_warn(c, "its decoder's counts are not affine in the past length: the %lld decode runs are counted "
                   "from their mean (past %lld), an estimate, not exact", (long long)count, (long long)mid);
        c->incomplete = true;
    }
    return 0;
}

/* Logits' last extent into *vocab when it is still unknown. */
static void vocab_of(const struct pr_tensor *logits, int64_t *vocab)
{
    if (*vocab < 0 && logits->shape.rank == 3)
        *vocab = logits->shape.dim[2];
}

/* The node's runs (see the top), n sequences of prompt p, max_length m (-1:
 * unbound, the first run alone): GPT-2, the first run of first
 * (init_decoder, else the decoder d) on the prompt, then d's decode runs
 * at past p .. m - 2; T5 and Whisper (first: the encoder, b its batch),
 * the encoder on the input, then d's decode runs at past 0 (T5's old
 * format: 1; Whisper: P0) .. m - 2, their cross pasts as long as the
 * encoder's (the input's length when the encoder does not say). out
 * (entries for the larger output count) gets the last run's outputs. */
static int runs(struct pr_op_ctx *c, const struct decoder *first, struct decoder *d, int64_t b, int64_t n,
                int64_t p, int64_t m, struct pr_tensor *out, int64_t *vocab)
{
    bool encdec = first->role == ROLE_ENCODER;
    int64_t rows = m >= 0 ? m : p;   /* a shared buffer's */
    int64_t a = !encdec ? p : first->whisper ? first->init : first->old;   /* the first decode run's past */
    struct pr_sub_cost e;   /* m > the output's start here: generate_shape refuses the rest */
    if (run(c, first, encdec ? b : n, p, 0, rows, 1, out, &e) < 0)
        return -1;
    vocab_of(&out[0], vocab);
    if (encdec) {   /* the cross keys' length: the encoder's output */
        const struct pr_shape *k = &out[first->old ? 2 + 2 * first->layers : 0].shape;
        d->enc = k->rank == 4 && k->dim[2] >= 0 ? k->dim[2] : first->whisper ? -1 : p;
    }
    if (m < 0)
        return 0;
    if (first->sub != d->sub) {   /* two subgraphs: the weights of both */
        if (a > m - 2) {   /* the decoder never runs */
            pr_subgraph_skip(c, d->sub);
            pr_op_warn(c, "its decoder never runs: max_length %lld leaves no token to decode after the %s; its rows "
                       "are not counted", (long long)m, encdec ? "encoder's first step" : "init_decoder's run");
        }
        c->sub.params = 0;
    }
    if (decode_runs(c, d, n, a, m - 2, rows, out) < 0)
        return -1;
    if (first->sub != d->sub)
        c->sub.params = pr_add(c, c->sub.params, e.params);
    vocab_of(&out[0], vocab);
    return 0;
}

static int generate_shape(struct pr_op_ctx *c, enum gen kind)
{
    int dec = pr_subgraph_find(c, "decoder");
    if (dec < 0)
        return c->failed ? -1 : pr_op_error(c, "needs a 'decoder' graph attribute");
    int64_t model_type = pr_attr_int(c, "model_type", kind == GEN_WHISPER ? 2 : 0);
    bool beam = kind == GEN_BEAM || kind == GEN_WHISPER;
    if ((!beam && model_type != 0) || model_type < 0 || model_type > 2 || (kind == GEN_WHISPER && model_type != 2)) {
        c->unsupported = !beam ? "ONNX Runtime runs GreedySearch and Sampling over a GPT-2 style decoder only "
                                 "(model_type 0): not counted, zero cost"
                               : "its model_type is not one ONNX Runtime knows for this operator (0: GPT-2, 1: T5, "
                                 "2: Whisper; WhisperBeamSearch: 2): not counted, zero cost";
        return 0;
    }
    bool encdec = model_type != 0, whisper = model_type == 2;
    const struct pr_tensor *ids = pr_input(c, 0), *init_ids = whisper ? pr_input(c, 10) : NULL;
    if (!ids || ids->shape.rank != (whisper ? 3 : 2))
        return pr_op_error(c, whisper ? "input_ids (Whisper's input features) must be batch x features x frames "
                                        "(rank 3)"
                                      : "input_ids must be batch x sequence (rank 2)");
    if (init_ids && init_ids->shape.rank != 2)
        return pr_op_error(c, "decoder_input_ids must be batch x sequence (rank 2)");
    struct decoder d = {.sub = dec, .beams = 1}, d0 = {.sub = -1, .beams = 1};
    struct pr_tensor *out = NULL;
    int rc;
    if (encdec) {
        d0.sub = pr_subgraph_find(c, "encoder");
        rc = d0.sub >= 0 ? layout_encdec(c, &d0, &d, whisper)
           : c->failed ? -1 : pr_op_error(c, "needs an 'encoder' graph attribute (model_type %lld)",
                                          (long long)model_type);
    } else {
        int init = -1;
        rc = layout(c, &d);
        if (rc > 0 && (init = pr_subgraph_find(c, "init_decoder")) >= 0) {
            d0.sub = init;
            rc = layout(c, &d0);
        }
    }
    if (rc > 0 && c->failed)
        rc = -1;   /* a malformed init_decoder or encoder attribute */
    if (rc <= 0)
        goto out;
    /* p: the prompt (GPT-2), the encoder's input length (T5), the initial decoder ids (Whisper);
       seq: the length the output starts at */
    int64_t b = ids->shape.dim[0], p = whisper ? (init_ids ? init_ids->shape.dim[1] : 1) : ids->shape.dim[1];
    int64_t seq = model_type == 1 ? 1 : p;
    d0.init = p;
    d0.features = ids;
    int64_t m, k = 1, r = 1;
    bool m_known = scalar_in(c, 1, "max_length",
                             "the length of the generated sequences, max_length (unbound: only the prompt's run is "
                             "counted, the counts are lower bounds; --value max_length=N binds the graph input)", &m);
    bool k_known = !beam ||
                   scalar_in(c, 3, "num_beams", "the beams, num_beams (counted as 1: the counts are lower bounds; "
                             "--value num_beams=K binds the graph input)", &k);
    bool r_known = !beam ||
                   scalar_in(c, 4, "num_return_sequences", "the sequences returned per prompt, num_return_sequences",
                             &r);
    rc = -1;
    if (m_known && (m < 1 || (seq >= 0 && m <= seq))) {
        if (model_type == 1)
            pr_op_error(c, "max_length %lld: it must be greater than 1 (the decoder start token)", (long long)m);
        else if (whisper)
            pr_op_error(c, "max_length %lld is not longer than decoder_input_ids (%lld tokens); it must be greater",
                        (long long)m, (long long)p);
        else
            pr_op_error(c, "max_length %lld is not longer than the prompt (%lld tokens); it must be greater than the "
                        "prompt's length", (long long)m, (long long)p);
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
    d.batch = b;
    d.enc = p;
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
    else if (runs(c, d0.sub >= 0 ? &d0 : &d, &d, b, b * beams, p, m_known ? m : -1, out, &vocab) < 0)
        goto out;
    int64_t gen = m_known && seq >= 0 ? m - seq : -1;
    int64_t seq3[3] = {b, r, m}, seq2[2] = {b, m}, scores2[2] = {b, r}, scores4[4] = {gen, b, k, vocab};
    int64_t filtered[2] = {b, vocab};
    int logits = out[0].dtype && out[0].shape.rank == 3 ? out[0].dtype : PR_DT_FLOAT;
    if (beam) {
        set_out(c, 0, PR_DT_INT32, 3, seq3);
        set_out(c, 1, logits, 2, scores2);
        set_out(c, 2, logits, 4, scores4);
        if (kind == GEN_WHISPER && c->nout > 3) {   /* cross_qk: float, its extents not inferred */
            pr_type_unknown(c->out[3]);
            c->out[3]->dtype = PR_DT_FLOAT;
            set_out(c, 4, logits, 1, &b);   /* non_speech_probs B */
        }
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
int whisper_beam_search_shape(struct pr_op_ctx *c) { return generate_shape(c, GEN_WHISPER); }
