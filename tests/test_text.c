/* test_text.c -- StringNormalizer and TfIdfVectorizer (ops/text.c). */
#include "opcheck.h"
#include "test.h"

void suite_text(void);

static void string_normalizer_without_stopwords_keeps_every_string(void)
{
    struct tnode *t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "5");
    tn_attr_str(t, "case_change_action", "LOWER");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "5");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_STRING);
    CHECK_EQ(tn_cost(t)->flops, 0);
    tn_free(t);

    /* An empty stopword list removes nothing either. */
    t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "1x6");
    tn_attr_strs(t, "stopwords", "");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6");
    tn_free(t);
}

static void string_normalizer_stopwords_give_a_data_dependent_extent(void)
{
    /* Unbound, the symbol takes its upper bound, C. */
    struct tnode *t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "1x6");
    tn_attr_strs(t, "stopwords", "monday,tuesday");
    tn_attr_str(t, "case_change_action", "UPPER");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x6");
    tn_free(t);

    /* An empty input still yields at least one (empty) string. */
    t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "0");
    tn_attr_strs(t, "stopwords", "monday");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1");
    tn_free(t);
}

static void tfidf_uni_and_bigrams_with_skips(void)
{
    /* X 2x6, n = 1..2, max_skip 5: per row 6 unigrams; bigrams with skip
     * s take 6 - (s+1) windows while positive: 5+4+3+2+1 = 15.
     * Output 2 x (max index 6 + 1). */
    struct tnode *t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT32, "2x6");
    tn_attr_int(t, "min_gram_length", 1);
    tn_attr_int(t, "max_gram_length", 2);
    tn_attr_int(t, "max_skip_count", 5);
    tn_attr_str(t, "mode", "TF");
    tn_attr_ints(t, "ngram_counts", "0,4");
    tn_attr_ints(t, "ngram_indexes", "0,1,2,3,4,5,6");
    tn_attr_ints(t, "pool_int64s", "2,3,5,4,5,6,7,8,6,7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x7");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->flops, 2 * (6 + (5 + 4 + 3 + 2 + 1)));
    tn_free(t);
}

static void tfidf_bigrams_only_1d_with_idf_weights(void)
{
    /* X 12, n = 2 only, no skip: 11 windows; TFIDF adds numel(Y) = 3
     * multiplies. The indexes need not be in order: max 2 -> 3 outputs. */
    struct tnode *t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 2);
    tn_attr_int(t, "max_gram_length", 2);
    tn_attr_int(t, "max_skip_count", 0);
    tn_attr_str(t, "mode", "TFIDF");
    tn_attr_ints(t, "ngram_counts", "0,0");
    tn_attr_ints(t, "ngram_indexes", "2,0,1");
    tn_attr_floats(t, "weights", "1,1,2");
    tn_attr_ints(t, "pool_int64s", "5,6,7,8,6,7");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3");
    CHECK_EQ(tn_cost(t)->flops, 11 + 3);
    tn_free(t);
}

static void tfidf_trigram_skip_windows_closed_form(void)
{
    /* X 1x10, n = 3 only, skip <= 1: skip 0: 10 - 2 = 8, skip 1:
     * 10 - 4 = 6. */
    struct tnode *t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "1x10");
    tn_attr_int(t, "min_gram_length", 3);
    tn_attr_int(t, "max_gram_length", 3);
    tn_attr_int(t, "max_skip_count", 1);
    tn_attr_str(t, "mode", "IDF");
    tn_attr_ints(t, "ngram_counts", "0,0,0");
    tn_attr_ints(t, "ngram_indexes", "0");
    tn_attr_ints(t, "pool_int64s", "1,2,3");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x1");
    CHECK_EQ(tn_cost(t)->flops, 8 + 6 + 1);
    tn_free(t);
}

static void text_malformed_nodes_are_errors(void)
{
    struct tnode *t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "2x3");
    CHECK(tn_fails_with(t, 1, "[C] or [1][C]"));
    tn_free(t);

    t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_INT64, "3");
    CHECK(tn_fails_with(t, 1, "string tensor"));
    tn_free(t);

    t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_str(t, "case_change_action", "TITLE");
    CHECK(tn_fails_with(t, 1, "NONE, LOWER or UPPER"));
    tn_free(t);

    t = tn_new("StringNormalizer", 10);
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_int(t, "stopwords", 3);
    CHECK(tn_fails_with(t, 1, "must be a list"));
    tn_free(t);

    t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 1);
    tn_attr_int(t, "max_gram_length", 1);
    tn_attr_str(t, "mode", "BM25");
    tn_attr_ints(t, "ngram_counts", "0");
    tn_attr_ints(t, "ngram_indexes", "0");
    CHECK(tn_fails_with(t, 1, "TF, IDF or TFIDF"));
    tn_free(t);

    t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 2);
    tn_attr_int(t, "max_gram_length", 1);
    tn_attr_str(t, "mode", "TF");
    tn_attr_ints(t, "ngram_counts", "0");
    tn_attr_ints(t, "ngram_indexes", "0");
    CHECK(tn_fails_with(t, 1, "1 <= min <= max"));
    tn_free(t);

    t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 1);
    tn_attr_int(t, "max_gram_length", 1);
    tn_attr_str(t, "mode", "TF");
    tn_attr_ints(t, "ngram_counts", "0");
    tn_attr_ints(t, "ngram_indexes", "0,-4");
    CHECK(tn_fails_with(t, 1, "ngram_indexes[1] is -4"));
    tn_free(t);

    t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 1);
    tn_attr_int(t, "max_gram_length", 1);
    tn_attr_str(t, "mode", "TF");
    tn_attr_ints(t, "ngram_indexes", "0");
    CHECK(tn_fails_with(t, 1, "ngram_counts is missing"));
    tn_free(t);

    t = tn_new("TfIdfVectorizer", 9);
    tn_in(t, PR_DT_INT64, "12");
    tn_attr_int(t, "min_gram_length", 1);
    tn_attr_int(t, "max_gram_length", 1);
    tn_attr_str(t, "mode", "IDF");
    tn_attr_ints(t, "ngram_counts", "0");
    tn_attr_ints(t, "ngram_indexes", "0,1");
    tn_attr_floats(t, "weights", "1");
    CHECK(tn_fails_with(t, 1, "weights has 1 values"));
    tn_free(t);
}

/* Opset 20's string operators and ImageDecoder: shapes as onnxruntime-node
 * 1.31 gives them; data-dependent extents are symbols. */
static void string_operators_of_opset_20(void)
{
    struct tnode *t = tn_new("StringConcat", 20);
    tn_in(t, PR_DT_STRING, "3x1");
    tn_in(t, PR_DT_STRING, "4");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_STRING);
    tn_free(t);
    t = tn_new("StringConcat", 20);
    tn_in(t, PR_DT_STRING, "3");
    tn_in(t, PR_DT_FLOAT, "3");
    CHECK(tn_fails_with(t, 1, "input 1 is float32"));
    tn_free(t);
    t = tn_new("RegexFullMatch", 20);
    tn_in(t, PR_DT_STRING, "2x3");
    tn_attr_str(t, "pattern", "a.*");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_BOOL);
    tn_free(t);
    t = tn_new("StringSplit", 20);   /* maxsplit 2: at most 3 parts */
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_str(t, "delimiter", ",");
    tn_attr_int(t, "maxsplit", 2);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x3");
    CHECK_STR(tn_out_shape(t, 1), "3");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT64);
    tn_free(t);
    t = tn_new("StringSplit", 20);   /* no limit: the data decides */
    tn_in(t, PR_DT_STRING, "3");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x?");
    tn_free(t);
    t = tn_new("StringSplit", 20);
    tn_in(t, PR_DT_STRING, "3");
    tn_attr_int(t, "maxsplit", -1);
    CHECK(tn_fails_with(t, 2, "maxsplit is -1"));
    tn_free(t);
    t = tn_new("ImageDecoder", 20);
    tn_in(t, PR_DT_UINT8, "1000");
    tn_attr_str(t, "pixel_format", "Grayscale");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "?x?x1");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_UINT8);
    tn_free(t);
    t = tn_new("ImageDecoder", 20);
    tn_in(t, PR_DT_UINT8, "1000");
    tn_attr_str(t, "pixel_format", "RGBA");
    CHECK(tn_fails_with(t, 1, "pixel_format is 'RGBA'"));
    tn_free(t);
    t = tn_new("ImageDecoder", 20);
    tn_in(t, PR_DT_FLOAT, "1000");
    CHECK(tn_fails_with(t, 1, "1-D uint8 bytes"));
    tn_free(t);
}

void suite_text(void)
{
    RUN(string_operators_of_opset_20);
    RUN(string_normalizer_without_stopwords_keeps_every_string);
    RUN(string_normalizer_stopwords_give_a_data_dependent_extent);
    RUN(tfidf_uni_and_bigrams_with_skips);
    RUN(tfidf_bigrams_only_1d_with_idf_weights);
    RUN(tfidf_trigram_skip_windows_closed_form);
    RUN(text_malformed_nodes_are_errors);
}
