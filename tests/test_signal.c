/* test_signal.c -- DFT, STFT, MelWeightMatrix and the windows
 * (ops/signal.c). Direct-DFT convention: per transform K output bins x L
 * input terms, 2 real MACs per real term, 4 per complex term. */
#include "opcheck.h"
#include "test.h"

void suite_signal(void);

static void dft_real_axis_1_counts_direct_transform(void)
{
    /* X 1x10x10x1 real, axis 1 (default): Y 1x10x10x2.
     * Transforms T = 1*10 (dims 0 and 2), K = L = 10, 2 MACs per term. */
    struct tnode *t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x10x10x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x10x10x2");
    CHECK_EQ(tn_cost(t)->macs, 10 * 10 * 10 * 2);
    CHECK_EQ(tn_cost(t)->flops, 2 * (10 * 10 * 10 * 2));
    tn_free(t);
}

static void dft_inverse_complex_scales_every_output(void)
{
    /* X 2x8x2 complex, inverse: T = 2, K = L = 8, 4 MACs per term;
     * FLOPs + numel(Y) = 2*8*2 for the 1/n scaling. */
    struct tnode *t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "2x8x2");
    tn_attr_int(t, "inverse", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x2");
    CHECK_EQ(tn_cost(t)->macs, 2 * 8 * 8 * 4);
    CHECK_EQ(tn_cost(t)->flops, 2 * (2 * 8 * 8 * 4) + 2 * 8 * 2);
    tn_free(t);
}

static void dft_length_pads_or_truncates_and_onesided_halves(void)
{
    /* X 1x12x1, dft_length 16, onesided: K = 16/2 + 1 = 9, and only the
     * 12 real samples contribute (zero padding adds nothing). */
    struct tnode *t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x12x1");
    tn_in_vals(t, PR_DT_INT64, "", "16");
    tn_attr_int(t, "onesided", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x9x2");
    CHECK_EQ(tn_cost(t)->macs, 9 * 12 * 2);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);

    /* dft_length 6 < 12: the first 6 samples, K = L = 6. */
    t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x12x1");
    tn_in_vals(t, PR_DT_INT64, "", "6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6x2");
    CHECK_EQ(tn_cost(t)->macs, 6 * 6 * 2);
    tn_free(t);

    /* dft_length present with an unknown value: the axis is unknown. */
    t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x12x1");
    tn_in(t, PR_DT_INT64, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x?x2");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void dft_opset_20_takes_the_axis_as_input(void)
{
    /* X 2x4x6x1, axis input -2 -> axis 2: T = 2*4, K = L = 6. */
    struct tnode *t = tn_new("DFT", 20);
    tn_in(t, PR_DT_FLOAT, "2x4x6x1");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "", "-2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x6x2");
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 6 * 6 * 2);
    tn_free(t);

    /* Absent axis: default -2, the same. An unknown axis: every extent but
     * the parts is unknown. */
    t = tn_new("DFT", 20);
    tn_in(t, PR_DT_FLOAT, "2x4x6x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x6x2");
    tn_free(t);

    t = tn_new("DFT", 20);
    tn_in(t, PR_DT_FLOAT, "2x4x6x1");
    tn_in_absent(t);
    tn_in(t, PR_DT_INT64, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?x2");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void stft_frames_and_onesided_bins(void)
{
    /* signal 1x128x1, frame_step 8, frame_length 16: frames =
     * (128 - 16)/8 + 1 = 15, bins = 16/2 + 1 = 9 (onesided default).
     * MACs = 1*15 frames * 9 bins * 16 terms * 2. */
    struct tnode *t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x128x1");
    tn_in_vals(t, PR_DT_INT64, "", "8");
    tn_in_absent(t);
    tn_in_vals(t, PR_DT_INT64, "", "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x15x9x2");
    CHECK_EQ(tn_cost(t)->macs, 15 * 9 * 16 * 2);
    CHECK_EQ(tn_cost(t)->flops, 2 * (15 * 9 * 16 * 2));
    tn_free(t);
}

static void stft_complex_with_window_counts_the_window_multiplies(void)
{
    /* signal 2x64x2 (complex), step 16, window 16, onesided 0:
     * frames = (64-16)/16 + 1 = 4, bins 16. MACs = 2*4*16*16*4;
     * window: 2 multiplies per complex sample, 2*4*16 samples. */
    struct tnode *t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "2x64x2");
    tn_in_vals(t, PR_DT_INT64, "", "16");
    tn_in_weight(t, PR_DT_FLOAT, "16");
    tn_attr_int(t, "onesided", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x4x16x2");
    CHECK_EQ(tn_cost(t)->macs, 2 * 4 * 16 * 16 * 4);
    CHECK_EQ(tn_cost(t)->flops, 2 * (2 * 4 * 16 * 16 * 4) + 2 * 4 * 16 * 2);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);   /* the window is not a parameter */
    tn_free(t);
}

static void stft_unknown_step_leaves_frames_unknown(void)
{
    struct tnode *t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x100x1");
    tn_in(t, PR_DT_INT64, "");
    tn_in(t, PR_DT_FLOAT, "20");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x?x11x2");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void windows_take_their_size_and_datatype(void)
{
    /* Hann of 10: 5 FLOPs each. */
    struct tnode *t = tn_new("HannWindow", 17);
    tn_in_vals(t, PR_DT_INT32, "", "10");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "10");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 10 * 5);
    tn_free(t);

    /* Blackman of 7 as double, symmetric: 9 FLOPs each. */
    t = tn_new("BlackmanWindow", 17);
    tn_in_vals(t, PR_DT_INT64, "", "7");
    tn_attr_int(t, "output_datatype", PR_DT_DOUBLE);
    tn_attr_int(t, "periodic", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->flops, 7 * 9);
    tn_free(t);

    /* Hamming of unknown size. */
    t = tn_new("HammingWindow", 17);
    tn_in(t, PR_DT_INT64, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?");
    CHECK(tn_incomplete(t));
    tn_free(t);
}

static void mel_weight_matrix_is_bins_by_mel(void)
{
    /* dft_length 16 -> 16/2 + 1 = 9 rows, 8 mel bins; 2 FLOPs each. */
    struct tnode *t = tn_new("MelWeightMatrix", 17);
    tn_in_vals(t, PR_DT_INT32, "", "8");
    tn_in_vals(t, PR_DT_INT32, "", "16");
    tn_in_vals(t, PR_DT_INT32, "", "8192");
    tn_in_weight(t, PR_DT_FLOAT, "");
    tn_in_weight(t, PR_DT_FLOAT, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "9x8");
    CHECK_EQ(tn_cost(t)->flops, 9 * 8 * 2);
    CHECK_EQ(tn_cost(t)->weight_mask, 0);
    tn_free(t);
}

static void signal_malformed_nodes_are_errors(void)
{
    struct tnode *t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x10x3");
    CHECK(tn_fails_with(t, 1, "1 (real) or 2 (complex)"));
    tn_free(t);

    t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x10x10x1");
    tn_attr_int(t, "axis", 3);
    CHECK(tn_fails_with(t, 1, "out of range"));
    tn_free(t);

    t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "10x1");
    CHECK(tn_fails_with(t, 1, "rank >= 3"));
    tn_free(t);

    t = tn_new("DFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x10x1");
    tn_in_vals(t, PR_DT_INT64, "", "0");
    CHECK(tn_fails_with(t, 1, "dft_length is 0"));
    tn_free(t);

    t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x128x1");
    tn_in_vals(t, PR_DT_INT64, "", "8");
    CHECK(tn_fails_with(t, 1, "needs a window"));
    tn_free(t);

    t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x10x1");
    tn_in_vals(t, PR_DT_INT64, "", "8");
    tn_in(t, PR_DT_FLOAT, "16");
    CHECK(tn_fails_with(t, 1, "longer than the signal"));
    tn_free(t);

    t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x100x1");
    tn_in_vals(t, PR_DT_INT64, "", "0");
    tn_in(t, PR_DT_FLOAT, "16");
    CHECK(tn_fails_with(t, 1, "frame_step is 0"));
    tn_free(t);

    t = tn_new("STFT", 17);
    tn_in(t, PR_DT_FLOAT, "1x100x1");
    tn_in_vals(t, PR_DT_INT64, "", "4");
    tn_in(t, PR_DT_FLOAT, "16");
    tn_in_vals(t, PR_DT_INT64, "", "12");
    CHECK(tn_fails_with(t, 1, "they must agree"));
    tn_free(t);

    t = tn_new("HannWindow", 17);
    tn_in_vals(t, PR_DT_INT64, "", "-3");
    CHECK(tn_fails_with(t, 1, "window size is -3"));
    tn_free(t);

    t = tn_new("HannWindow", 17);
    tn_in_vals(t, PR_DT_INT64, "", "3");
    tn_attr_int(t, "output_datatype", PR_DT_STRING);
    CHECK(tn_fails_with(t, 1, "numeric element type"));
    tn_free(t);

    t = tn_new("MelWeightMatrix", 17);
    tn_in_vals(t, PR_DT_INT32, "", "0");
    tn_in_vals(t, PR_DT_INT32, "", "16");
    tn_in(t, PR_DT_INT32, "");
    tn_in(t, PR_DT_FLOAT, "");
    tn_in(t, PR_DT_FLOAT, "");
    CHECK(tn_fails_with(t, 1, "num_mel_bins is 0"));
    tn_free(t);
}

void suite_signal(void)
{
    RUN(dft_real_axis_1_counts_direct_transform);
    RUN(dft_inverse_complex_scales_every_output);
    RUN(dft_length_pads_or_truncates_and_onesided_halves);
    RUN(dft_opset_20_takes_the_axis_as_input);
    RUN(stft_frames_and_onesided_bins);
    RUN(stft_complex_with_window_counts_the_window_multiplies);
    RUN(stft_unknown_step_leaves_frames_unknown);
    RUN(windows_take_their_size_and_datatype);
    RUN(mel_weight_matrix_is_bins_by_mel);
    RUN(signal_malformed_nodes_are_errors);
}
