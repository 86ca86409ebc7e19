/* rnn.c -- the recurrent layers LSTM, GRU and RNN (Operators.md LSTM-1..14,
 * GRU-1..14, RNN-1..14), and com.microsoft DynamicQuantizeLSTM (ONNX
 * Runtime's quantize_dynamic of an LSTM: ContribOperators.md).
 *
 * Inputs (absent optional ones are allowed anywhere after R):
 *   0 X              [seq, batch, input]  (layout 0) / [batch, seq, input] (layout 1)
 *   1 W              [dirs, G*hidden, input]
 *   2 R              [dirs, G*hidden, hidden]
 *   3 B              [dirs, 2*G*hidden]   (Wb then Rb; absent: zeros)
 *   4 sequence_lens  [batch]
 *   5 initial_h      [dirs, batch, hidden] / [batch, dirs, hidden]
 *   6 initial_c      as initial_h        (LSTM only)
 *   7 P              [dirs, 3*hidden]    (LSTM only: peepholes Pi, Po, Pf)
 * G, the gates: LSTM 4 (i, o, f, c), GRU 3 (z, r, h), RNN 1.
 * dirs = 2 for direction "bidirectional", else 1 ("forward", "reverse").
 * hidden = the hidden_size attribute; absent, R's last extent.
 * Outputs (any may be absent):
 *   Y    [seq, dirs, batch, hidden] / [batch, seq, dirs, hidden]
 *   Y_h  [dirs, batch, hidden]      / [batch, dirs, hidden]
 *   Y_c  as Y_h (LSTM only)
 * The layout attribute exists from opset 14; found earlier it is honoured
 * with a warning. Outputs take X's element type.
 *
 * Counts. One "unit" is one hidden element of one batch row at one time
 * step in one direction; there are seq * dirs * batch * hidden of them.
 * seq is X's padded length: sequence_lens only shortens the real runs of
 * some rows, which a static count cannot know, so the full length is
 * counted (an upper bound when the lengths vary).
 *   MACs per unit = G * (input + hidden)  -- the row of W (input) and of R
 *                   (hidden) that produce the unit's pre-activation of each
 *                   gate, accumulated into one sum;
 *                 + 3 with LSTM peepholes P (Pi.C[t-1], Pf.C[t-1], Po.C[t]
 *                   are multiply-adds into the pre-activations; 2 with
 *                   input_forget, where the forget gate is not computed).
 *   MACs  = units * MACs per unit
 *   FLOPs = 2 * MACs + units * E, E the elementwise work per unit below.
 * Every +, -, x of the spec's equations counts 1; an activation counts as
 * activation.c counts it per element:
 *   Relu 1, Tanh 1, Sigmoid 4, Affine 2 (alpha*x + beta), LeakyRelu 2,
 *   ThresholdedRelu 1 (compare), ScaledTanh 3 (alpha*tanh(beta*x)),
 *   HardSigmoid 4, Elu 4, Softsign 3 (x / (1 + |x|)), Softplus 3.
 * With `clip`, every activation's input is clamped to [-clip, clip]: 2
 * compares per activation applied. With B, each gate's pre-activation adds
 * Wb and Rb: 2 per gate.
 *
 * LSTM (f, g, h default Sigmoid, Tanh, Tanh):
 *   it = f(Xt*Wi^T + Ht-1*Ri^T + Pi.Ct-1 + Wbi + Rbi)
 *   ft = f(Xt*Wf^T + Ht-1*Rf^T + Pf.Ct-1 + Wbf + Rbf)
 *   ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc)
 *   Ct = ft.Ct-1 + it.ct                      3 (2 mul, 1 add)
 *   ot = f(Xt*Wo^T + Ht-1*Ro^T + Po.Ct + Wbo + Rbo)
 *   Ht = ot.h(Ct)                             1 (mul)
 *   E = 4 + 3f + g + h + (B ? 8 : 0) + (clip ? 2*5 : 0)
 *       (defaults: 4 + 12 + 1 + 1 = 18, 26 with B)
 *   input_forget couples the gates: ft = 1 - it (1 sub) replaces the
 *   forget gate's activation, biases, clip and peephole:
 *   E = 5 + 2f + g + h + (B ? 6 : 0) + (clip ? 2*4 : 0). The forget rows
 *   of W and R are still multiplied (runtimes run the whole gate GEMM), so
 *   G stays 4.
 * GRU (f, g default Sigmoid, Tanh):
 *   zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz)
 *   rt = f(Xt*Wr^T + Ht-1*Rr^T + Wbr + Rbr)
 *   linear_before_reset = 0:
 *     ht = g(Xt*Wh^T + (rt.Ht-1)*Rh^T + Rbh + Wbh)   rt.Ht-1: 1 mul
 *   linear_before_reset != 0:
 *     ht = g(Xt*Wh^T + (rt.(Ht-1*Rh^T + Rbh)) + Wbh) 1 mul, and 1 add
 *          joining the two products, which are no longer one sum
 *   Ht = (1 - zt).ht + zt.Ht-1                4 (sub, 2 mul, add)
 *   E = 4 + 2f + g + (lbr ? 2 : 1) + (B ? 6 : 0) + (clip ? 2*3 : 0)
 *       (defaults: 4 + 8 + 1 + 1 = 14, 20 with B)
 * RNN (f default Tanh):
 *   Ht = f(Xt*Wi^T + Ht-1*Ri^T + Wbi + Rbi)
 *   E = f + (B ? 2 : 0) + (clip ? 2 : 0)     (defaults: 1, 3 with B)
 * `activations` lists the functions per direction (LSTM f, g, h; GRU f,
 * g; RNN f), forward first; bidirectional nodes list both directions, and
 * each direction's E uses its own. activation_alpha/beta change no count.
 *
 * Params: W, R, B, P (the default mask); sequence_lens, initial_h and
 * initial_c are state, not parameters: their bits are cleared.
 *
 * DynamicQuantizeLSTM is an LSTM (forward, reverse or bidirectional; no
 * layout attribute: ONNX Runtime refuses the model that has one) whose W
 * and R are 8-bit and stored transposed:
 *   1 W  [dirs, input, 4*hidden]     2 R  [dirs, hidden, 4*hidden]
 *   8 W_scale, 9 W_zero_point, 10 R_scale, 11 R_zero_point: [dirs]
 *     (per tensor) or [dirs, 4*hidden] (per output column); required.
 * hidden = hidden_size, absent R's axis 1 (ONNX Runtime's kernel requires
 * the attribute). Its MACs are LSTM's (8-bit). ONNX Runtime runs, per
 * direction, one GEMM of X [S*B, I] by W for the whole sequence and one
 * of H[t-1] [B, H] by R per step, each on an activation it quantizes
 * first (min, max, then scale, round, shift and clamp: 8 per element + 7
 * for the scale and zero point, as DynamicQuantizeMatMul in quant.c) and
 * whose [rows, 4H] output it dequantizes (1 per element):
 *   FLOPs = LSTM's + dirs * (8*S*B*I + 7 + S*(8*B*H + 7)   quantize
 *                            + 2*S*B*4H)                   dequantize
 *           + numel(W) + numel(R)                          zero points
 *   = LSTM's + dirs*(8*S*B*(I+H) + 7*(S+1) + 8*S*B*H) + numel(W) + numel(R)
 * (the zero points' correction counted once per call, as quant.c counts a
 * weight zero point). Scales and zero points are not parameters.
 */
#include "families.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { IN_X, IN_W, IN_R, IN_B, IN_SEQ, IN_H0, IN_C0, IN_P, IN_WS, IN_WZ, IN_RS, IN_RZ };

struct rnn {
    int gates;            /* G */
    int nact;             /* activations per direction */
    int max_in, max_out;
    int dirs;
    int layout;
    int64_t seq, batch, input, hidden;   /* -1: unknown */
    int act[2][3];        /* FLOPs per element of each direction's activations */
    bool clip, input_forget, lbr;
    bool quant;           /* DynamicQuantizeLSTM: W, R transposed, 8-bit */
};

static bool is_lstm(const struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_LSTM || c->op_id == PR_OP_DYNAMIC_QUANTIZE_LSTM;
}

static const char *op_name(const struct pr_op_ctx *c)
{
    return c->op_id == PR_OP_LSTM ? "LSTM" : c->op_id == PR_OP_GRU ? "GRU" :
           c->op_id == PR_OP_RNN ? "RNN" : "DynamicQuantizeLSTM";
}

static const struct {
    const char *name;
    int flops;
} act_flops[] = {
    {"Relu", 1}, {"Tanh", 1}, {"Sigmoid", 4}, {"Affine", 2}, {"LeakyRelu", 2},
    {"ThresholdedRelu", 1}, {"ScaledTanh", 3}, {"HardSigmoid", 4}, {"Elu", 4},
    {"Softsign", 3}, {"Softplus", 3},
};

/* Fills r->act from the activations attribute (names compared without
 * regard to case, as runtimes do) or the op's defaults. */
static int read_activations(struct pr_op_ctx *c, struct rnn *r)
{
    static const int dflt[3][3] = {{4, 1, 1}, {4, 1, 0}, {1, 0, 0}};   /* LSTM, GRU, RNN */
    const int *d = dflt[r->gates == 4 ? 0 : r->gates == 3 ? 1 : 2];
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < 3; j++)
            r->act[k][j] = d[j];
    const char *names[6];
    int n = pr_attr_strs(c, "activations", names, 6);
    if (c->failed)
        return -1;
    if (n < 0)
        return 0;
    if (n != r->nact * r->dirs)
        return pr_op_error(c, "activations has %d names but %s with %d direction%s needs %d "
                           "(%d per direction)", n, op_name(c), r->dirs, r->dirs > 1 ? "s" : "",
                           r->nact * r->dirs, r->nact);
    for (int i = 0; i < n; i++) {
        int f = -1;
        for (size_t j = 0; j < sizeof act_flops / sizeof act_flops[0] && f < 0; j++)
            if (strcasecmp(names[i], act_flops[j].name) == 0)
                f = act_flops[j].flops;
        if (f < 0)
            return pr_op_error(c, "activation '%s' is not one of Relu, Tanh, Sigmoid, Affine, "
                               "LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, "
                               "Softsign, Softplus", names[i]);
        r->act[i / r->nact][i % r->nact] = f;
    }
    return 0;
}

/* want: -1 unknown. Error when both extents are known and differ. */
static int check_dim(struct pr_op_ctx *c, const char *what, const struct pr_shape *s, int axis,
                     int64_t want, const char *meaning)
{
    int64_t got = s->dim[axis];
    if (got >= 0 && want >= 0 && got != want) {
        char buf[256];
        return pr_op_error(c, "%s is %s but its axis %d must be %lld (%s)", what,
                           pr_shape_str(s, buf, sizeof buf), axis, (long long)want, meaning);
    }
    return 0;
}

static int check_rank(struct pr_op_ctx *c, const char *what, const struct pr_tensor *t, int rank,
                      const char *layout)
{
    if (t->shape.rank != rank) {
        char buf[256];
        return pr_op_error(c, "%s is %s; it must have rank %d %s", what,
                           pr_shape_str(&t->shape, buf, sizeof buf), rank, layout);
    }
    return 0;
}

/* The 3-D state input i (initial_h / initial_c) against dirs, batch, hidden. */
static int check_state(struct pr_op_ctx *c, const struct rnn *r, int i, const char *what)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    if (check_rank(c, what, t, 3, r->layout ? "(batch, dirs, hidden)" : "(dirs, batch, hidden)") < 0)
        return -1;
    const struct pr_shape *s = &t->shape;
    if (check_dim(c, what, s, r->layout ? 1 : 0, r->dirs, "the number of directions") < 0 ||
        check_dim(c, what, s, r->layout ? 0 : 1, r->batch, "X's batch size") < 0 ||
        check_dim(c, what, s, 2, r->hidden, "hidden_size") < 0)
        return -1;
    return 0;
}

/* G * hidden, or -1 when unknown; error on overflow. */
static int gate_rows(struct pr_op_ctx *c, const struct rnn *r, int64_t mult, int64_t *rows)
{
    *rows = -1;
    if (r->hidden < 0)
        return 0;
    if (__builtin_mul_overflow(mult, r->hidden, rows))
        return pr_op_error(c, "hidden_size %lld is too large", (long long)r->hidden);
    return 0;
}

/* DynamicQuantizeLSTM's scales and zero points: [dirs] or [dirs, 4*hidden],
 * a zero point as its scale and of W's (R's) element type. */
static int check_qparams(struct pr_op_ctx *c, const struct rnn *r)
{
    static const char *const name[4] = {"W_scale", "W_zero_point", "R_scale", "R_zero_point"};
    int64_t rows;
    if (gate_rows(c, r, 4, &rows) < 0)
        return -1;
    for (int i = IN_W; i <= IN_R; i++) {
        int dt = pr_input(c, i)->dtype;
        if (dt != PR_DT_INT8 && dt != PR_DT_UINT8)
            return pr_op_error(c, "%s is %s; DynamicQuantizeLSTM's weights are int8 or uint8",
                               i == IN_W ? "W" : "R", pr_dtype_name(dt));
    }
    for (int i = 0; i < 4; i++) {
        const struct pr_tensor *t = pr_input(c, IN_WS + i);
        if (!t)
            return pr_op_error(c, "%s (input %d) is required", name[i], IN_WS + i);
        const struct pr_shape *s = &t->shape;
        char buf[256];
        if ((s->rank != 1 && s->rank != 2) ||
            (s->dim[0] >= 0 && s->dim[0] != r->dirs) ||
            (s->rank == 2 && s->dim[1] >= 0 && rows >= 0 && s->dim[1] != rows))
            return pr_op_error(c, "%s is %s; it must be [%d] (per tensor) or [%d, %lld] (per gate "
                               "row, 4 x hidden_size)", name[i], pr_shape_str(s, buf, sizeof buf),
                               r->dirs, r->dirs, (long long)rows);
        int want = i % 2 ? pr_input(c, i < 2 ? IN_W : IN_R)->dtype : PR_DT_FLOAT;
        if (t->dtype != want)
            return pr_op_error(c, "%s is %s; it must be %s (%s)", name[i], pr_dtype_name(t->dtype),
                               pr_dtype_name(want), i % 2 ? "the element type of its weight" : "float");
    }
    return 0;
}

/* Reads attributes and checks every input's shape against the others. */
static int read_rnn(struct pr_op_ctx *c, struct rnn *r, bool warn)
{
    memset(r, 0, sizeof *r);
    r->quant = c->op_id == PR_OP_DYNAMIC_QUANTIZE_LSTM;
    r->gates = is_lstm(c) ? 4 : c->op_id == PR_OP_GRU ? 3 : 1;
    r->nact = is_lstm(c) ? 3 : c->op_id == PR_OP_GRU ? 2 : 1;
    r->max_in = r->quant ? 12 : is_lstm(c) ? 8 : 6;
    r->max_out = is_lstm(c) ? 3 : 2;
    if (pr_op_require(c, 3) < 0)
        return -1;
    if (r->quant && pr_attr_has(c, "layout"))
        return pr_op_error(c, "layout is not an attribute of DynamicQuantizeLSTM (X is (seq, batch, "
                           "input)); ONNX Runtime refuses the model: remove it");
    if (c->nin > r->max_in)
        return pr_op_error(c, "%d inputs; %s takes at most %d", c->nin, op_name(c), r->max_in);
    if (c->nout > r->max_out)
        return pr_op_error(c, "%d outputs; %s has at most %d", c->nout, op_name(c), r->max_out);

    const char *dir = pr_attr_str(c, "direction", "forward");
    int64_t hs = pr_attr_int(c, "hidden_size", -1);
    int64_t layout = pr_attr_int(c, "layout", 0);
    r->input_forget = is_lstm(c) && pr_attr_int(c, "input_forget", 0) != 0;
    r->lbr = c->op_id == PR_OP_GRU && pr_attr_int(c, "linear_before_reset", 0) != 0;
    r->clip = pr_attr_has(c, "clip");
    double clip = pr_attr_float(c, "clip", 1.0);
    if (c->failed)
        return -1;
    if (strcmp(dir, "forward") == 0 || strcmp(dir, "reverse") == 0)
        r->dirs = 1;
    else if (strcmp(dir, "bidirectional") == 0)
        r->dirs = 2;
    else
        return pr_op_error(c, "direction is '%s'; it must be forward, reverse or bidirectional", dir);
    if (layout != 0 && layout != 1)
        return pr_op_error(c, "layout is %lld; it must be 0 (seq first) or 1 (batch first)",
                           (long long)layout);
    if (layout && c->opset < 14 && warn)
        pr_op_warn(c, "layout is an attribute from opset 14 (the model imports %d); honoured",
                   c->opset);
    r->layout = (int)layout;
    if (pr_attr_has(c, "hidden_size") && hs < 1)
        return pr_op_error(c, "hidden_size is %lld; it must be >= 1", (long long)hs);
    if (r->clip && !(clip > 0))
        return pr_op_error(c, "clip is %g; the threshold must be > 0", clip);
    if (read_activations(c, r) < 0)
        return -1;

    const struct pr_tensor *x = pr_input(c, IN_X), *w = pr_input(c, IN_W), *rr = pr_input(c, IN_R);
    /* axes of W and R that hold the gate rows and the input / hidden */
    int ga = r->quant ? 2 : 1, ia = r->quant ? 1 : 2;
    if (check_rank(c, "X", x, 3, layout ? "(batch, seq, input)" : "(seq, batch, input)") < 0 ||
        check_rank(c, "W", w, 3, r->quant ? "(dirs, input, 4*hidden)" : "(dirs, gates*hidden, input)") < 0 ||
        check_rank(c, "R", rr, 3, r->quant ? "(dirs, hidden, 4*hidden)" : "(dirs, gates*hidden, hidden)") < 0)
        return -1;
    r->seq = x->shape.dim[layout ? 1 : 0];
    r->batch = x->shape.dim[layout ? 0 : 1];
    r->input = x->shape.dim[2];
    r->hidden = hs >= 1 ? hs : rr->shape.dim[ia];

    char meaning[128];
    int64_t rows;
    if (gate_rows(c, r, r->gates, &rows) < 0)
        return -1;
    snprintf(meaning, sizeof meaning, "%d gate%s x hidden_size %lld", r->gates,
             r->gates > 1 ? "s" : "", (long long)r->hidden);
    if (check_dim(c, "W", &w->shape, 0, r->dirs, "the number of directions") < 0 ||
        check_dim(c, "W", &w->shape, ga, rows, meaning) < 0 ||
        check_dim(c, "W", &w->shape, ia, r->input, "X's input size") < 0 ||
        check_dim(c, "R", &rr->shape, 0, r->dirs, "the number of directions") < 0 ||
        check_dim(c, "R", &rr->shape, ga, rows, meaning) < 0 ||
        check_dim(c, "R", &rr->shape, ia, r->hidden, "hidden_size") < 0)
        return -1;
    if (r->input < 0)
        r->input = w->shape.dim[ia];

    const struct pr_tensor *b = pr_input(c, IN_B);
    if (b) {
        if (check_rank(c, "B", b, 2, "(dirs, 2*gates*hidden)") < 0 ||
            gate_rows(c, r, 2 * r->gates, &rows) < 0)
            return -1;
        snprintf(meaning, sizeof meaning, "Wb and Rb: 2 x %d gate%s x hidden_size %lld",
                 r->gates, r->gates > 1 ? "s" : "", (long long)r->hidden);
        if (check_dim(c, "B", &b->shape, 0, r->dirs, "the number of directions") < 0 ||
            check_dim(c, "B", &b->shape, 1, rows, meaning) < 0)
            return -1;
    }
    const struct pr_tensor *sl = pr_input(c, IN_SEQ);
    if (sl && (check_rank(c, "sequence_lens", sl, 1, "(batch)") < 0 ||
               check_dim(c, "sequence_lens", &sl->shape, 0, r->batch, "X's batch size") < 0))
        return -1;
    if (check_state(c, r, IN_H0, "initial_h") < 0 ||
        (is_lstm(c) && check_state(c, r, IN_C0, "initial_c") < 0))
        return -1;
    const struct pr_tensor *p = is_lstm(c) ? pr_input(c, IN_P) : NULL;
    if (p && (check_rank(c, "P", p, 2, "(dirs, 3*hidden)") < 0 ||
              gate_rows(c, r, 3, &rows) < 0 ||
              check_dim(c, "P", &p->shape, 0, r->dirs, "the number of directions") < 0 ||
              check_dim(c, "P", &p->shape, 1, rows, "3 peepholes x hidden_size") < 0))
        return -1;
    return r->quant ? check_qparams(c, r) : 0;
}

int rnn_shape(struct pr_op_ctx *c)
{
    struct rnn r;
    if (read_rnn(c, &r, true) < 0)
        return -1;
    int dtype = pr_input(c, IN_X)->dtype;
    struct pr_tensor *y = c->out[0];
    y->dtype = dtype;
    y->shape.rank = 4;
    if (r.layout) {
        y->shape.dim[0] = r.batch;
        y->shape.dim[1] = r.seq;
    } else {
        y->shape.dim[0] = r.seq;
        y->shape.dim[1] = r.dirs;
        y->shape.dim[2] = r.batch;
    }
    y->shape.dim[r.layout ? 2 : 1] = r.dirs;
    y->shape.dim[3] = r.hidden;
    for (int i = 1; i < r.max_out; i++) {
        struct pr_tensor *s = c->out[i];
        s->dtype = dtype;
        s->shape.rank = 3;
        s->shape.dim[0] = r.layout ? r.batch : r.dirs;
        s->shape.dim[1] = r.layout ? r.dirs : r.batch;
        s->shape.dim[2] = r.hidden;
    }
    return 0;
}

/* E of the family comment for direction d. */
static uint64_t unit_flops(struct pr_op_ctx *c, const struct rnn *r, int d)
{
    const int *a = r->act[d];
    bool b = pr_input(c, IN_B) != NULL;
    uint64_t e;
    if (is_lstm(c)) {
        int fgates = r->input_forget ? 2 : 3;          /* gates through f */
        int biased = fgates + 1;                        /* + the cell gate */
        e = 4 + (uint64_t)(fgates * a[0] + a[1] + a[2]) + (r->input_forget ? 1 : 0);
        e += (b ? 2u * biased : 0) + (r->clip ? 2u * (biased + 1) : 0);
    } else if (c->op_id == PR_OP_GRU) {
        e = 4 + (uint64_t)(2 * a[0] + a[1]) + (r->lbr ? 2 : 1);
        e += (b ? 6 : 0) + (r->clip ? 6 : 0);
    } else {
        e = (uint64_t)a[0] + (b ? 2 : 0) + (r->clip ? 2 : 0);
    }
    return e;
}

int rnn_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct rnn r;
    if (read_rnn(c, &r, false) < 0)
        return -1;
    k->weight_mask &= ~((1ull << IN_SEQ) | (1ull << IN_H0) | (1ull << IN_C0) | (1ull << IN_WS) |
                        (1ull << IN_WZ) | (1ull << IN_RS) | (1ull << IN_RZ));
    int64_t d[4] = {r.seq, r.batch, r.hidden, r.input};
    for (int i = 0; i < 4; i++)
        if (d[i] < 0) {
            c->incomplete = true;
            return 0;
        }
    uint64_t per_dir = pr_mul(c, pr_mul(c, (uint64_t)r.seq, (uint64_t)r.batch), (uint64_t)r.hidden);
    uint64_t units = pr_mul(c, per_dir, (uint64_t)r.dirs);
    uint64_t per_unit = pr_mul(c, (uint64_t)r.gates, pr_add(c, (uint64_t)r.input, (uint64_t)r.hidden));
    if (is_lstm(c) && pr_input(c, IN_P))
        per_unit = pr_add(c, per_unit, r.input_forget ? 2 : 3);
    k->macs = pr_mul(c, units, per_unit);
    k->flops = pr_mul(c, 2, k->macs);
    k->steps = (uint32_t)(r.seq * r.dirs < 1000000 ? r.seq * r.dirs : 1000000);   /* one step after another */
    for (int i = 0; i < r.dirs; i++)
        k->flops = pr_add(c, k->flops, pr_mul(c, per_dir, unit_flops(c, &r, i)));
    if (r.quant) {
        /* 8*S*B*(I+H) + 7*(S+1) + 8*S*B*H per direction, + numel(W) + numel(R) */
        uint64_t sb = pr_mul(c, (uint64_t)r.seq, (uint64_t)r.batch);
        uint64_t q = pr_mul(c, 8, pr_mul(c, sb, pr_add(c, (uint64_t)r.input, (uint64_t)r.hidden)));
        q = pr_add(c, q, pr_mul(c, 7, pr_add(c, (uint64_t)r.seq, 1)));
        q = pr_add(c, q, pr_mul(c, 8, per_dir));
        k->flops = pr_add(c, k->flops, pr_mul(c, (uint64_t)r.dirs, q));
        k->flops = pr_add(c, k->flops, pr_add(c, pr_numel(c, &pr_input(c, IN_W)->shape),
                                              pr_numel(c, &pr_input(c, IN_R)->shape)));
    }
    return 0;
}
