/* test_rnn.c -- LSTM, GRU and RNN shapes and counts (ops/rnn.c).
 * units = seq * dirs * batch * hidden; MACs = units * G * (input + hidden)
 * (+ peepholes); FLOPs = 2 * MACs + per-direction units * E, with E worked
 * out in each test from the spec's equations (rnn.c's comment). */
#include "opcheck.h"
#include "test.h"

void suite_rnn(void);

#define HAS_ERROR(t, text) CHECK(strstr(tn_error(t), (text)) != NULL)

static void lstm_forward_defaults_seq_first(void)
{
    /* seq 5, batch 2, input 3, hidden 4, no B: units = 5*1*2*4 = 40.
     * E = 4 (cell 3 + Ht 1) + 3 sigmoids*4 + tanh + tanh = 18. */
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x4");
    tn_attr_int(t, "hidden_size", 4);
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5x1x2x4");
    CHECK_STR(tn_out_shape(t, 1), "1x2x4");
    CHECK_STR(tn_out_shape(t, 2), "1x2x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 40 * 4 * (3 + 4));
    CHECK_EQ(tn_cost(t)->flops, 2 * 40 * 4 * (3 + 4) + 40 * (4 + 3 * 4 + 1 + 1));
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    CHECK(!tn_incomplete(t) && !tn_overflow(t));
    tn_free(t);
}

static void lstm_bidirectional_batch_first_all_inputs(void)
{
    /* layout 1: X (batch 2, seq 5, input 3), hidden 4, both directions.
     * units = 5*2*2*4 = 80; peepholes add 3 MACs per unit.
     * E = 18 + 8 bias adds (2 per gate) = 26 in each direction.
     * initial_h/c are state even as initializers; sequence_lens is int32. */
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "2x5x3");
    tn_in_weight(t, PR_DT_FLOAT, "2x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "2x16x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x32");
    tn_in(t, PR_DT_INT32, "2");
    tn_in_weight(t, PR_DT_FLOAT, "2x2x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x2x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x12");
    tn_attr_int(t, "hidden_size", 4);
    tn_attr_int(t, "layout", 1);
    tn_attr_str(t, "direction", "bidirectional");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x2x4");
    CHECK_STR(tn_out_shape(t, 1), "2x2x4");
    CHECK_STR(tn_out_shape(t, 2), "2x2x4");
    CHECK_EQ(tn_cost(t)->macs, 80 * (4 * (3 + 4) + 3));
    CHECK_EQ(tn_cost(t)->flops, 2 * 80 * (4 * (3 + 4) + 3) + 80 * (18 + 8));
    CHECK_EQ(tn_cost(t)->weight_mask, (1 << 1) | (1 << 2) | (1 << 3) | (1 << 7));
    tn_free(t);
}

static void lstm_input_forget_clip_and_custom_activations(void)
{
    /* seq 3, batch 1, input 2, hidden 2: units 6. input_forget: 2 peephole
     * MACs (Pi, Po), MACs per unit = 4*(2+2) + 2 = 18.
     * activations f=Relu 1, g=Sigmoid 4, h=HardSigmoid 4:
     * E = 4 (cell) + 1 (ft = 1 - it) + 2f + g + h = 4+1+2+4+4 = 15,
     *   + B: 2 x 3 computed gates = 6, + clip: 2 x 4 activations = 8 -> 29. */
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "3x1x2");
    tn_in_weight(t, PR_DT_FLOAT, "1x8x2");
    tn_in_weight(t, PR_DT_FLOAT, "1x8x2");
    tn_in_weight(t, PR_DT_FLOAT, "1x16");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "1x6");
    tn_attr_int(t, "hidden_size", 2);
    tn_attr_int(t, "input_forget", 1);
    tn_attr_float(t, "clip", 5.0);
    tn_attr_strs(t, "activations", "Relu,sigmoid,HardSigmoid");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x1x1x2");
    CHECK_EQ(tn_cost(t)->macs, 6 * (4 * (2 + 2) + 2));
    CHECK_EQ(tn_cost(t)->flops, 2 * 6 * 18 + 6 * (4 + 1 + 2 * 1 + 4 + 4 + 6 + 8));
    tn_free(t);
}

static void lstm_clip_without_input_forget_clamps_five_inputs(void)
{
    /* seq 2, batch 1, input 1, hidden 1: units 2, MACs 2*4*2 = 16.
     * E = 18 + clip 2 x 5 (i, f, c, o gates and h(Ct)) = 28. */
    struct tnode *t = tn_new("LSTM", 7);
    tn_in(t, PR_DT_FLOAT, "2x1x1");
    tn_in_weight(t, PR_DT_FLOAT, "1x4x1");
    tn_in_weight(t, PR_DT_FLOAT, "1x4x1");
    tn_attr_float(t, "clip", 1.5);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * (1 + 1));
    CHECK_EQ(tn_cost(t)->flops, 2 * 16 + 2 * (18 + 10));
    tn_free(t);
}

static void gru_reverse_with_bias(void)
{
    /* seq 4, batch 3, input 5, hidden 6: units 72, MACs 72*3*(5+6).
     * E = 4 (update) + 2 sigmoids*4 + tanh 1 + reset mul 1 + B 6 = 20. */
    struct tnode *t = tn_new("GRU", 7);
    tn_in(t, PR_DT_FLOAT, "4x3x5");
    tn_in_weight(t, PR_DT_FLOAT, "1x18x5");
    tn_in_weight(t, PR_DT_FLOAT, "1x18x6");
    tn_in_weight(t, PR_DT_FLOAT, "1x36");
    tn_attr_int(t, "hidden_size", 6);
    tn_attr_str(t, "direction", "reverse");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x1x3x6");
    CHECK_STR(tn_out_shape(t, 1), "1x3x6");
    CHECK_EQ(tn_cost(t)->macs, 72 * 3 * (5 + 6));
    CHECK_EQ(tn_cost(t)->flops, 2 * 72 * 3 * 11 + 72 * (4 + 2 * 4 + 1 + 1 + 6));
    CHECK_EQ(tn_cost(t)->weight_mask, 0xe);
    tn_free(t);
}

static void gru_bidirectional_linear_before_reset_per_direction_activations(void)
{
    /* layout 1: X (batch 2, seq 3, input 4), hidden 5 (from R: no
     * hidden_size attribute). Per direction 3*2*5 = 30 units.
     * linear_before_reset: reset mul + joining add = 2.
     * forward Sigmoid, Tanh: E = 4 + 2*4 + 1 + 2 = 15
     * reverse Relu, Relu:    E = 4 + 2*1 + 1 + 2 = 9 */
    struct tnode *t = tn_new("GRU", 14);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x15x4");
    tn_in_weight(t, PR_DT_FLOAT, "2x15x5");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "2x2x5");
    tn_attr_int(t, "layout", 1);
    tn_attr_int(t, "linear_before_reset", 1);
    tn_attr_str(t, "direction", "bidirectional");
    tn_attr_strs(t, "activations", "Sigmoid,Tanh,Relu,Relu");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x2x5");
    CHECK_STR(tn_out_shape(t, 1), "2x2x5");
    CHECK_EQ(tn_cost(t)->macs, 60 * 3 * (4 + 5));
    CHECK_EQ(tn_cost(t)->flops, 2 * 60 * 3 * 9 + 30 * 15 + 30 * 9);
    tn_free(t);
}

static void rnn_forward_bias_and_clip(void)
{
    /* seq 7, batch 1, input 3, hidden 2: units 14, MACs 14*(3+2).
     * E = tanh 1 + B 2 + clip 2 = 5. */
    struct tnode *t = tn_new("RNN", 14);
    tn_in(t, PR_DT_FLOAT, "7x1x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x2x2");
    tn_in_weight(t, PR_DT_FLOAT, "1x4");
    tn_attr_int(t, "hidden_size", 2);
    tn_attr_float(t, "clip", 3.0);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7x1x1x2");
    CHECK_STR(tn_out_shape(t, 1), "1x1x2");
    CHECK_EQ(tn_cost(t)->macs, 14 * (3 + 2));
    CHECK_EQ(tn_cost(t)->flops, 2 * 70 + 14 * (1 + 2 + 2));
    tn_free(t);
}

static void rnn_bidirectional_batch_first_relu_float16(void)
{
    /* layout 1: X (batch 3, seq 2, input 4), hidden 8, both directions:
     * units 2*2*3*8 = 96, MACs 96*(4+8); E = Relu 1 + ScaledTanh 3. */
    struct tnode *t = tn_new("RNN", 14);
    tn_in(t, PR_DT_FLOAT16, "3x2x4");
    tn_in_weight(t, PR_DT_FLOAT16, "2x8x4");
    tn_in_weight(t, PR_DT_FLOAT16, "2x8x8");
    tn_attr_int(t, "hidden_size", 8);
    tn_attr_int(t, "layout", 1);
    tn_attr_str(t, "direction", "bidirectional");
    tn_attr_strs(t, "activations", "Relu,ScaledTanh");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x2x2x8");
    CHECK_STR(tn_out_shape(t, 1), "3x2x8");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 96 * (4 + 8));
    CHECK_EQ(tn_cost(t)->flops, 2 * 96 * 12 + 48 * 1 + 48 * 3);
    tn_free(t);
}

static void rnn_unknown_seq_propagates_and_leaves_cost_incomplete(void)
{
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "?x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x4");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x1x2x4");
    CHECK_STR(tn_out_shape(t, 1), "1x2x4");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

/* A node with X 5x2x3 and hidden_size 4 whose W, R shapes are given. */
static struct tnode *lstm_with(const char *w, const char *r)
{
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, w);
    tn_in_weight(t, PR_DT_FLOAT, r);
    tn_attr_int(t, "hidden_size", 4);
    return t;
}

static void rnn_inconsistent_weights_are_errors(void)
{
    struct tnode *t = lstm_with("1x12x3", "1x16x4");
    CHECK(tn_fails_with(t, 1, "W is 1x12x3 but its axis 1 must be 16 (4 gates x hidden_size 4)"));
    tn_free(t);
    t = lstm_with("1x16x2", "1x16x4");
    CHECK(tn_fails_with(t, 1, "W is 1x16x2 but its axis 2 must be 3 (X's input size)"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x5");
    CHECK(tn_fails_with(t, 1, "R is 1x16x5 but its axis 2 must be 4 (hidden_size)"));
    tn_free(t);
    t = lstm_with("2x16x3", "2x16x4");
    CHECK(tn_fails_with(t, 1, "axis 0 must be 1 (the number of directions)"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_in_weight(t, PR_DT_FLOAT, "1x16");
    CHECK(tn_fails_with(t, 1, "B is 1x16 but its axis 1 must be 32"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_in_absent(t);
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "1x3x4");
    CHECK(tn_fails_with(t, 1, "initial_h is 1x3x4 but its axis 1 must be 2 (X's batch size)"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    for (int i = 0; i < 4; i++)
        tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "1x8");
    CHECK(tn_fails_with(t, 1, "P is 1x8 but its axis 1 must be 12"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_in_absent(t);
    tn_in(t, PR_DT_INT32, "3");
    CHECK(tn_fails_with(t, 1, "sequence_lens is 3 but its axis 0 must be 2"));
    tn_free(t);
    t = lstm_with("16x3", "1x16x4");
    CHECK(tn_fails_with(t, 1, "W is 16x3; it must have rank 3"));
    tn_free(t);
}

static void rnn_bad_attributes_are_errors(void)
{
    struct tnode *t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x4");
    tn_attr_int(t, "hidden_size", 0);
    CHECK(tn_fails_with(t, 1, "hidden_size is 0; it must be >= 1"));
    tn_free(t);
    t = tn_new("GRU", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x4");
    tn_attr_int(t, "hidden_size", 4);
    CHECK(tn_fails_with(t, 1, "W is 1x16x3 but its axis 1 must be 12 (3 gates x hidden_size 4)"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_attr_str(t, "direction", "sideways");
    CHECK(tn_fails_with(t, 1, "direction is 'sideways'"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_attr_strs(t, "activations", "Sigmoid,Tanh");
    CHECK(tn_fails_with(t, 1, "activations has 2 names but LSTM with 1 direction needs 3"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_attr_strs(t, "activations", "Sigmoid,Tanh,Swish");
    CHECK(tn_fails_with(t, 1, "activation 'Swish' is not one of"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_attr_int(t, "layout", 2);
    CHECK(tn_fails_with(t, 1, "layout is 2"));
    tn_free(t);
    t = lstm_with("1x16x3", "1x16x4");
    tn_attr_float(t, "clip", -1.0);
    CHECK(tn_fails_with(t, 1, "clip is -1"));
    tn_free(t);
    t = tn_new("LSTM", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x16x4");
    tn_attr_int(t, "hidden_size", INT64_MAX);
    CHECK(tn_fails_with(t, 1, "hidden_size 9223372036854775807 is too large"));
    tn_free(t);
    t = tn_new("RNN", 14);
    tn_in(t, PR_DT_FLOAT, "5x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x4x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x4x4");
    for (int i = 0; i < 4; i++)
        tn_in_absent(t);
    CHECK(tn_fails_with(t, 1, "RNN takes at most 6"));
    tn_free(t);
    t = tn_new("GRU", 14);
    tn_in(t, PR_DT_FLOAT, "5x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x12x3");
    tn_in_weight(t, PR_DT_FLOAT, "1x12x4");
    CHECK(tn_fails_with(t, 1, "X is 5x3; it must have rank 3 (seq, batch, input)"));
    tn_free(t);
}


/* com.microsoft DynamicQuantizeLSTM: W [dirs, input, 4H] and R [dirs,
 * hidden, 4H] 8-bit, scales and zero points 8-11. Shapes as
 * onnxruntime-node 1.31 (CPU) gives them for the same nodes: seq 5, batch
 * 2, input 7, hidden 3 -> Y 5x1x2x3, Y_h and Y_c 1x2x3 (also without the
 * hidden_size attribute, from R, where ONNX Runtime's kernel refuses it);
 * bidirectional seq 4, batch 3, input 6, hidden 5 -> 4x2x3x5, 2x3x5;
 * per-column scales [1, 8] with peepholes, seq 6, batch 1, input 4,
 * hidden 2 -> 6x1x1x2. It refuses a layout attribute, as priori does. */
static struct tnode *dq_lstm(const char *x, const char *w, const char *r, const char *q, int wdt)
{
    struct tnode *t = tn_new_domain("com.microsoft", "DynamicQuantizeLSTM", 1);
    tn_in(t, PR_DT_FLOAT, x);
    tn_in_weight(t, wdt, w);
    tn_in_weight(t, wdt, r);
    for (int i = 3; i < 8; i++)
        tn_in_absent(t);
    for (int i = 0; i < 4; i++)
        tn_in_weight(t, i % 2 ? wdt : PR_DT_FLOAT, q);
    return t;
}

static void dynamic_quantize_lstm_counts_lstm_and_its_quantization(void)
{
    /* S 5, B 2, I 7, H 3: units 30, MACs 30 * 4 * (7 + 3) = 1200; LSTM's
     * FLOPs 2400 + 30 * 18 = 2940 (no B); quantize 8 * 10 * (7 + 3) + 7 *
     * (5 + 1) = 842, dequantize 8 * 30 = 240, zero points 7 * 12 + 3 * 12 =
     * 120: 4142. Params W and R (120); scales and zero points not. */
    for (int attr = 0; attr < 2; attr++) {
        struct tnode *t = dq_lstm("5x2x7", "1x7x12", "1x3x12", "1", PR_DT_INT8);
        if (attr)
            tn_attr_int(t, "hidden_size", 3);
        CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), "5x1x2x3");
        CHECK_STR(tn_out_shape(t, 1), "1x2x3");
        CHECK_STR(tn_out_shape(t, 2), "1x2x3");
        CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
        CHECK_EQ(tn_cost(t)->macs, 1200);
        CHECK_EQ(tn_cost(t)->flops, 2940 + 842 + 240 + 120);
        CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
        CHECK_EQ(tn_cost(t)->kernel, PR_KERNEL_GEMM);
        tn_free(t);
    }
    /* bidirectional, B, uint8: S 4, B 3, I 6, H 5: units 4 * 2 * 3 * 5 =
     * 120, MACs 120 * 4 * 11 = 5280; LSTM's 10560 + 120 * 26 = 13680;
     * per direction 8 * 12 * 11 + 7 * 5 + 8 * 60 = 1571, twice 3142;
     * zero points 2 * 6 * 20 + 2 * 5 * 20 = 440: 17262. */
    struct tnode *t = tn_new_domain("com.microsoft", "DynamicQuantizeLSTM", 1);
    tn_in(t, PR_DT_FLOAT, "4x3x6");
    tn_in_weight(t, PR_DT_UINT8, "2x6x20");
    tn_in_weight(t, PR_DT_UINT8, "2x5x20");
    tn_in_weight(t, PR_DT_FLOAT, "2x40");
    for (int i = 4; i < 8; i++)
        tn_in_absent(t);
    for (int i = 0; i < 4; i++)
        tn_in_weight(t, i % 2 ? PR_DT_UINT8 : PR_DT_FLOAT, "2x20");
    tn_attr_int(t, "hidden_size", 5);
    tn_attr_str(t, "direction", "bidirectional");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x2x3x5");
    CHECK_STR(tn_out_shape(t, 2), "2x3x5");
    CHECK_EQ(tn_cost(t)->macs, 5280);
    CHECK_EQ(tn_cost(t)->flops, 13680 + 3142 + 440);
    CHECK_EQ(tn_cost(t)->weight_mask, 0xe);
    tn_free(t);
}

static void dynamic_quantize_lstm_bad_inputs_are_errors(void)
{
    struct tnode *t = dq_lstm("5x2x7", "1x12x7", "1x12x3", "1", PR_DT_INT8);   /* LSTM's layout */
    tn_attr_int(t, "hidden_size", 3);
    CHECK(tn_fails_with(t, 3, "W is 1x12x7 but its axis 2 must be 12 (4 gates x hidden_size 3)"));
    tn_free(t);
    t = dq_lstm("5x2x7", "1x7x12", "1x3x12", "1", PR_DT_INT8);
    tn_attr_int(t, "layout", 0);
    CHECK(tn_fails_with(t, 3, "layout is not an attribute of DynamicQuantizeLSTM"));
    tn_free(t);
    t = dq_lstm("5x2x7", "1x7x12", "1x3x12", "2", PR_DT_INT8);
    CHECK(tn_fails_with(t, 3, "W_scale is 2; it must be [1] (per tensor) or [1, 12]"));
    tn_free(t);
    t = dq_lstm("5x2x7", "1x7x12", "1x3x12", "1x4", PR_DT_INT8);
    CHECK(tn_fails_with(t, 3, "W_scale is 1x4; it must be [1] (per tensor) or [1, 12]"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "DynamicQuantizeLSTM", 1);
    tn_in(t, PR_DT_FLOAT, "5x2x7");
    tn_in_weight(t, PR_DT_INT8, "1x7x12");
    tn_in_weight(t, PR_DT_INT8, "1x3x12");
    CHECK(tn_fails_with(t, 3, "W_scale (input 8) is required"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "DynamicQuantizeLSTM", 1);
    tn_in(t, PR_DT_FLOAT, "5x2x7");
    tn_in_weight(t, PR_DT_INT8, "1x7x12");
    tn_in_weight(t, PR_DT_INT8, "1x3x12");
    for (int i = 3; i < 8; i++)
        tn_in_absent(t);
    tn_in_weight(t, PR_DT_FLOAT, "1");
    tn_in_weight(t, PR_DT_UINT8, "1");   /* W is int8 */
    tn_in_weight(t, PR_DT_FLOAT, "1");
    tn_in_weight(t, PR_DT_INT8, "1");
    CHECK(tn_fails_with(t, 3, "W_zero_point is uint8; it must be int8"));
    tn_free(t);
    t = dq_lstm("5x2x7", "1x7x12", "1x3x12", "1", PR_DT_FLOAT);   /* the float LSTM's weights */
    CHECK(tn_fails_with(t, 3, "W is float32; DynamicQuantizeLSTM's weights are int8 or uint8"));
    tn_free(t);
}

void suite_rnn(void)
{
    RUN(lstm_forward_defaults_seq_first);
    RUN(lstm_bidirectional_batch_first_all_inputs);
    RUN(lstm_input_forget_clip_and_custom_activations);
    RUN(lstm_clip_without_input_forget_clamps_five_inputs);
    RUN(gru_reverse_with_bias);
    RUN(gru_bidirectional_linear_before_reset_per_direction_activations);
    RUN(rnn_forward_bias_and_clip);
    RUN(rnn_bidirectional_batch_first_relu_float16);
    RUN(rnn_unknown_seq_propagates_and_leaves_cost_incomplete);
    RUN(rnn_inconsistent_weights_are_errors);
    RUN(rnn_bad_attributes_are_errors);
    RUN(dynamic_quantize_lstm_counts_lstm_and_its_quantization);
    RUN(dynamic_quantize_lstm_bad_inputs_are_errors);
}
