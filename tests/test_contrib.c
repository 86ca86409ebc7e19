/* test_contrib.c -- ONNX Runtime's smaller com.microsoft operators
 * (ops/contrib.c) and its MRotaryEmbedding and GemmaRotaryEmbedding
 * (ops/attention.c): the refusals and the data-dependent extents. Their
 * shapes and counts on working nodes are checked against onnxruntime-node
 * by tests/real_contrib.py; expected counts here are contrib.c's closed
 * forms. */
#include "opcheck.h"
#include "test.h"

void suite_contrib(void);

static struct tnode *ms(const char *op)
{
    return tn_new_domain("com.microsoft", op, 1);
}

static void contrib_forms_of_onnx_operators(void)
{
    struct tnode *t = ms("Range");   /* delta defaults to 1 */
    tn_in_vals(t, PR_DT_INT64, "", "3");
    tn_in_vals(t, PR_DT_INT64, "", "8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5");
    CHECK_STR(tn_out_vals(t, 0), "3,4,5,6,7");
    tn_free(t);
    t = ms("Pad");   /* pads as [1, 2r] */
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "1x4", "1,0,0,2");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "4x6");
    tn_free(t);
    t = ms("Pad");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT64, "2", "1,0");
    CHECK(tn_fails_with(t, 1, "pads has 2 values but 2 axes need 4"));
    tn_free(t);
    t = ms("Unique");   /* unbound: the count takes its bound, x's length */
    tn_in(t, PR_DT_FLOAT, "10");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "10");
    CHECK_STR(tn_out_shape(t, 1), "10");
    CHECK_EQ(tn_out(t, 2)->dtype, PR_DT_INT64);
    CHECK_EQ(tn_cost(t)->flops, 10 * 4);   /* numel * ceil(log2 10) */
    tn_free(t);
    t = ms("Unique");
    tn_in(t, PR_DT_FLOAT, "2x5");
    CHECK(tn_fails_with(t, 3, "Unique takes a 1-D tensor"));
    tn_free(t);
}

static void contrib_kernels_check_their_inputs(void)
{
    struct tnode *t = ms("ExpandDims");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT32, "", "1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x1x4");
    tn_free(t);
    t = ms("ExpandDims");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in_vals(t, PR_DT_INT32, "", "3");
    CHECK(tn_fails_with(t, 1, "axis 3 is out of range for X of rank 2 (accepted: -3 to 2)"));
    tn_free(t);
    t = ms("ExpandDims");   /* an axis known only at run time */
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT32, "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x?");
    tn_free(t);
    t = ms("Inverse");
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    CHECK(tn_fails_with(t, 1, "Inverse needs square matrices"));
    tn_free(t);
    t = ms("CDist");
    tn_in(t, PR_DT_FLOAT, "5x3");
    tn_in(t, PR_DT_FLOAT, "4x2");
    CHECK(tn_fails_with(t, 1, "the same number of columns"));
    tn_free(t);
    t = ms("CropAndResize");
    tn_in(t, PR_DT_FLOAT, "2x2x8x9");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT32, "3");
    tn_in_vals(t, PR_DT_INT32, "2", "0,5");
    CHECK(tn_fails_with(t, 1, "crop_size is [0, 5]; both must be positive"));
    tn_free(t);
    t = ms("CropAndResize");
    tn_in(t, PR_DT_FLOAT, "2x2x8x9");
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_INT32, "2");
    tn_in(t, PR_DT_INT32, "2");
    CHECK(tn_fails_with(t, 1, "must be (num_rois, 4) and (num_rois)"));
    tn_free(t);
    t = ms("MatMulInteger16");
    tn_in(t, PR_DT_UINT16, "3x4");
    tn_in(t, PR_DT_UINT16, "4x5");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT32);
    CHECK_EQ(tn_cost(t)->macs, 60);
    tn_free(t);
    t = ms("MatMulInteger16");
    tn_in(t, PR_DT_INT8, "3x4");
    tn_in(t, PR_DT_INT16, "4x5");
    CHECK(tn_fails_with(t, 1, "multiplies int16 or uint16 matrices"));
    tn_free(t);
    t = ms("NGramRepeatBlock");
    tn_in(t, PR_DT_INT64, "2x6");
    tn_in(t, PR_DT_FLOAT, "2x11");
    CHECK(tn_fails_with(t, 1, "needs the attribute 'ngram_size'"));
    tn_free(t);
    t = ms("NGramRepeatBlock");   /* a sequence shorter than the n-gram compares nothing */
    tn_in(t, PR_DT_INT64, "2x2");
    tn_in(t, PR_DT_FLOAT, "2x11");
    tn_attr_int(t, "ngram_size", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);
    t = ms("Tokenizer");
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_strs(t, "separators", " ");
    tn_attr_str(t, "tokenexp", "[a-z]+");
    CHECK(tn_fails_with(t, 1, "exactly one of 'separators' and 'tokenexp'"));
    tn_free(t);
    t = ms("Tokenizer");
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_str(t, "tokenexp", "[a-z]+");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x?");
    tn_free(t);
    t = ms("UnfoldTensor");
    tn_in(t, PR_DT_FLOAT, "2x9x4");
    tn_attr_int(t, "dim", 1);
    tn_attr_int(t, "size", 10);
    CHECK(tn_fails_with(t, 1, "size 10 is larger than the extent 9"));
    tn_free(t);
    t = ms("DynamicTimeWarping");   /* unbound: the path's bound M + N - 1 */
    tn_in(t, PR_DT_FLOAT, "1x4x6");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x9");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_INT32);
    CHECK_EQ(tn_cost(t)->flops, 72);
    tn_free(t);
    t = ms("DynamicTimeWarping");
    tn_in(t, PR_DT_FLOAT, "2x4x6");
    CHECK(tn_fails_with(t, 1, "M x N or 1 x M x N"));
    tn_free(t);
}

/* BifurcationDetector on int64 inputs of these shapes (NULL: pred absent). */
static struct tnode *bifurcation(const char *src, const char *cur, const char *pred)
{
    struct tnode *t = ms("BifurcationDetector");
    tn_in(t, PR_DT_INT64, src);
    tn_in(t, PR_DT_INT64, cur);
    tn_in(t, PR_DT_INT64, "1");
    if (pred)
        tn_in(t, PR_DT_INT64, pred);
    return t;
}

/* WordConvEmbedding of Sequence (type st, shape seq), W 4x1x2x3, B 4, C c. */
static struct tnode *word_conv(int st, const char *seq, const char *c)
{
    struct tnode *t = ms("WordConvEmbedding");
    tn_in(t, st, seq);
    tn_in_weight(t, PR_DT_FLOAT, "4x1x2x3");
    tn_in_weight(t, PR_DT_FLOAT, "4");
    tn_in_weight(t, PR_DT_FLOAT, c);
    return t;
}

/* BifurcationDetector: src 6, cur 2, pred 5; unbound, the merged tokens
 * take their bound C + P = 7; comparisons 5 + 6 * (1 + 3) * 3 = 77.
 * WordConvEmbedding: Sequence 3x5 (or 2x3x5: 6 words), W 4x1x2x3, U = 4:
 * MACs 3*4*4*2*3 = 288, FLOPs 576 + 3*3*4*4 = 720. */
static void contrib_decoding_and_word_embedding(void)
{
    struct tnode *t = bifurcation("6", "2", "5");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "7");
    CHECK_STR(tn_out_shape(t, 1), "1");
    CHECK_EQ(tn_cost(t)->flops, 77);
    tn_free(t);
    t = bifurcation("6", "2", NULL);   /* no prediction: the current tokens */
    tn_attr_int(t, "min_ngram_size", 2);
    tn_attr_int(t, "max_ngram_size", 2);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2");
    CHECK_EQ(tn_cost(t)->flops, 6 * 4);
    tn_free(t);
    t = bifurcation("6", "2", NULL);   /* hostile n-gram sizes: the count saturates, flagged */
    tn_attr_int(t, "max_ngram_size", INT64_MAX);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK(tn_overflow(t));
    tn_free(t);
    t = bifurcation("6", "2", NULL);
    tn_attr_int(t, "min_ngram_size", 4);
    CHECK(tn_fails_with(t, 2, "min_ngram_size 4 and max_ngram_size 3"));
    tn_free(t);
    t = bifurcation("6", "2x2", NULL);
    CHECK(tn_fails_with(t, 2, "cur_tokens (input 1) has rank 2; it must be 1-D"));
    tn_free(t);
    t = ms("BifurcationDetector");
    tn_in(t, PR_DT_INT32, "6");
    tn_in(t, PR_DT_INT64, "2");
    tn_in(t, PR_DT_INT64, "1");
    CHECK(tn_fails_with(t, 2, "src_tokens (input 0) is int32; it must be int64"));
    tn_free(t);

    const char *seqs[] = {"3x5", "2x3x5"};
    const int64_t words[] = {3, 6};
    for (int i = 0; i < 2; i++) {
        t = word_conv(PR_DT_INT32, seqs[i], "10x3");
        CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 0), i ? "6x4" : "3x4");
        CHECK_EQ(tn_cost(t)->macs, (uint64_t)words[i] * 96);
        CHECK_EQ(tn_cost(t)->flops, (uint64_t)words[i] * 240);
        tn_free(t);
    }
    t = word_conv(PR_DT_INT32, "3x1", "10x3");   /* words shorter than the window: one window each */
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->macs, 3 * 1 * 4 * 2 * 3);
    tn_free(t);
    t = word_conv(PR_DT_INT32, "3037000500x3037000500x5", "10x3");   /* batch x words past int64 */
    CHECK(tn_fails_with(t, 1, "holds more than 2^63 words"));
    tn_free(t);
    t = word_conv(PR_DT_INT32, "3x5", "10x2");
    CHECK(tn_fails_with(t, 1, "E = 3 but B has 4 values and C's rows 2"));
    tn_free(t);
    t = word_conv(PR_DT_INT32, "3x5", "10x3");
    tn_attr_int(t, "conv_window_size", 3);
    CHECK(tn_fails_with(t, 1, "conv_window_size is 3 but the weights give 2"));
    tn_free(t);
    t = word_conv(PR_DT_FLOAT, "3x5", "10x3");
    CHECK(tn_fails_with(t, 1, "Sequence is float32; it must be int32"));
    tn_free(t);
}

static void contrib_rotary_embeddings(void)
{
    struct tnode *t = ms("MRotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_INT64, "3x2x5");
    tn_in(t, PR_DT_FLOAT, "9x4");
    tn_in(t, PR_DT_FLOAT, "9x4");
    tn_attr_int(t, "num_heads", 2);
    tn_attr_ints(t, "mrope_section", "2,1,2");
    CHECK(tn_fails_with(t, 1, "mrope_section [2, 1, 2] must be non-negative and add up to half"));
    tn_free(t);
    t = ms("MRotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x5x16");
    tn_in(t, PR_DT_INT64, "2x5");
    tn_in(t, PR_DT_FLOAT, "9x4");
    tn_in(t, PR_DT_FLOAT, "9x4");
    tn_attr_int(t, "num_heads", 2);
    tn_attr_ints(t, "mrope_section", "2,1,1");
    CHECK(tn_fails_with(t, 1, "must be (3 streams, batch 2, sequence 5)"));
    tn_free(t);
    t = ms("GemmaRotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x3x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x3x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x1x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x1x5x8");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "2x1x5x8");
    CHECK_EQ(tn_cost(t)->flops, 2 * 80 + 3 * 240 + 3 * 80);
    tn_free(t);
    t = ms("GemmaRotaryEmbedding");
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x3x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x3x6x8");
    tn_in(t, PR_DT_FLOAT16, "2x1x5x8");
    tn_in(t, PR_DT_FLOAT16, "2x1x5x8");
    CHECK(tn_fails_with(t, 2, "q 2x3x5x8 and its rotated half 2x3x6x8"));
    tn_free(t);
}

void suite_contrib(void)
{
    RUN(contrib_forms_of_onnx_operators);
    RUN(contrib_kernels_check_their_inputs);
    RUN(contrib_rotary_embeddings);
    RUN(contrib_decoding_and_word_embedding);
}
