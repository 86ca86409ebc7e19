/* test_layernorm.c -- the layer-norm family (ops/layernorm.c): shapes of
 * every output, per-element and per-row FLOPs from each defining formula,
 * parameters, malformed nodes. */
#include "opcheck.h"
#include "test.h"

void suite_layernorm(void);

static void layernorm_last_axis_with_bias(void)
{
    /* X 2x128x256, axis -1: rows = 2*128 = 256; per element mean add, sub,
     * square, var add, normalise, scale, shift = 7; per row 2 divides,
     * + eps, sqrt, reciprocal = 5. */
    struct tnode *t = tn_new("LayerNormalization", 17);
    tn_in(t, PR_DT_FLOAT, "2x128x256");
    tn_in_weight(t, PR_DT_FLOAT, "256");
    tn_in_weight(t, PR_DT_FLOAT, "256");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x128x256");
    CHECK_STR(tn_out_shape(t, 1), "2x128x1");
    CHECK_STR(tn_out_shape(t, 2), "2x128x1");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 7ll * 2 * 128 * 256 + 5 * 2 * 128);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    tn_free(t);
}

static void layernorm_axis_one_without_bias_and_stash_type(void)
{
    /* X 3x4x5 float16, axis 1: normalised over 4x5, rows = 3;
     * 6 per element without B: 6*60 + 5*3. Mean is (3,1,1) of stash_type
     * double. */
    struct tnode *t = tn_new("LayerNormalization", 17);
    tn_in(t, PR_DT_FLOAT16, "3x4x5");
    tn_in_weight(t, PR_DT_FLOAT16, "4x5");
    tn_attr_int(t, "axis", 1);
    tn_attr_int(t, "stash_type", PR_DT_DOUBLE);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 1), "3x1x1");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_DOUBLE);
    CHECK_EQ(tn_cost(t)->flops, 6 * 60 + 5 * 3);
    tn_free(t);
}

static void layernorm_bad_axis_and_scale_are_errors(void)
{
    struct tnode *t = tn_new("LayerNormalization", 17);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_attr_int(t, "axis", 2);
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
    t = tn_new("LayerNormalization", 17);
    tn_in(t, PR_DT_FLOAT, "3x4");
    tn_in(t, PR_DT_FLOAT, "5");
    CHECK(tn_fails_with(t, 1, "does not broadcast"));
    tn_free(t);
}

static void simplified_layernorm_is_rms_norm(void)
{
    /* X 4x10x64: rows 40; per element square, add, multiply, scale = 4; per
     * row divide, + eps, sqrt, reciprocal = 4. Default domain and
     * com.microsoft alike. */
    const char *doms[] = {"", "com.microsoft"};
    for (int i = 0; i < 2; i++) {
        struct tnode *t = tn_new_domain(doms[i], "SimplifiedLayerNormalization", 1);
        tn_in(t, PR_DT_FLOAT, "4x10x64");
        tn_in_weight(t, PR_DT_FLOAT, "64");
        CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
        CHECK_STR(tn_out_shape(t, 1), "4x10x1");
        CHECK_EQ(tn_cost(t)->flops, 4 * 4 * 10 * 64 + 4 * 40);
        CHECK_EQ(tn_cost(t)->weight_mask, 0x2);
        tn_free(t);
    }
}

static void group_normalization_counts_groups_as_rows(void)
{
    /* X 2x6x5x5, 3 groups: rows 2*3 = 6; 7 per element (statistics as
     * LayerNormalization plus scale and bias): 7*300 + 5*6. */
    struct tnode *t = tn_new("GroupNormalization", 18);
    tn_in(t, PR_DT_FLOAT, "2x6x5x5");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_in_weight(t, PR_DT_FLOAT, "3");
    tn_attr_int(t, "num_groups", 3);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x6x5x5");
    CHECK_EQ(tn_cost(t)->flops, 7 * 300 + 5 * 6);
    tn_free(t);
}

static void group_normalization_groups_must_divide_channels(void)
{
    struct tnode *t = tn_new("GroupNormalization", 18);
    tn_in(t, PR_DT_FLOAT, "2x6x5x5");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_in(t, PR_DT_FLOAT, "4");
    tn_attr_int(t, "num_groups", 4);
    CHECK(tn_fails_with(t, 1, "does not divide the 6 channels"));
    tn_free(t);
    t = tn_new("GroupNormalization", 18);
    tn_in(t, PR_DT_FLOAT, "2x6x5x5");
    tn_in(t, PR_DT_FLOAT, "6");
    tn_in(t, PR_DT_FLOAT, "6");
    tn_attr_int(t, "num_groups", 3);
    CHECK(tn_fails_with(t, 1, "scale"));   /* opset 18: one value per group */
    tn_free(t);
}

static void mean_variance_normalization_default_axes(void)
{
    /* X 3x3x3x1, axes [0, 2, 3]: rows = 3 (dim 1); 5 per element
     * (add, square, add, sub, div), 6 per row. */
    struct tnode *t = tn_new("MeanVarianceNormalization", 13);
    tn_in(t, PR_DT_FLOAT, "3x3x3x1");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x3x3x1");
    CHECK_EQ(tn_cost(t)->flops, 5 * 27 + 6 * 3);
    tn_free(t);
    t = tn_new("MeanVarianceNormalization", 13);
    tn_in(t, PR_DT_FLOAT, "2x3x4");
    tn_attr_ints(t, "axes", "2,-1");
    CHECK(tn_fails_with(t, 1, "listed twice"));
    tn_free(t);
}

static void skip_layernorm_adds_skip_bias_and_beta(void)
{
    /* input/skip 2x16x32 (1024 elements), gamma, beta, bias (32): skip add 1
     * + bias add 1 + LayerNormalization with beta 7 = 9 per element; rows
     * 32, 5 each. Outputs: output, mean, inv_std_var (2x16x1), sum. */
    struct tnode *t = tn_new_domain("com.microsoft", "SkipLayerNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    CHECK_EQ(tn_run(t, 4), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x16x32");
    CHECK_STR(tn_out_shape(t, 1), "2x16x1");
    CHECK_STR(tn_out_shape(t, 2), "2x16x1");
    CHECK_STR(tn_out_shape(t, 3), "2x16x32");
    CHECK_EQ(tn_cost(t)->flops, 9 * 1024 + 5 * 32);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x1c);
    tn_free(t);
    /* skip without the batch (16x32), no beta, no bias: 1 + 6 = 7 */
    t = tn_new_domain("com.microsoft", "SkipLayerNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in(t, PR_DT_FLOAT, "16x32");
    tn_in_weight(t, PR_DT_FLOAT, "32");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 7 * 1024 + 5 * 32);
    tn_free(t);
}

static void skip_simplified_layernorm_counts_rms(void)
{
    /* 3x8x16 = 384 elements, with bias: skip add, bias add, RMS 4 = 6;
     * rows 24, 4 each. */
    struct tnode *t = tn_new_domain("com.microsoft", "SkipSimplifiedLayerNormalization", 1);
    tn_in(t, PR_DT_FLOAT16, "3x8x16");
    tn_in(t, PR_DT_FLOAT16, "3x8x16");
    tn_in_weight(t, PR_DT_FLOAT16, "16");
    tn_in_weight(t, PR_DT_FLOAT16, "16");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 6 * 384 + 4 * 24);
    tn_free(t);
}

static void skip_layernorm_shape_mismatches_are_errors(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "SkipLayerNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in(t, PR_DT_FLOAT, "2x15x32");
    tn_in(t, PR_DT_FLOAT, "32");
    CHECK(tn_fails_with(t, 1, "skip"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "SkipLayerNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in(t, PR_DT_FLOAT, "2x16x32");
    tn_in(t, PR_DT_FLOAT, "31");
    CHECK(tn_fails_with(t, 1, "gamma"));
    tn_free(t);
}

static void embed_layernorm_bert_embeddings(void)
{
    /* input_ids 2x12, word 100x24, position 64x24, segment 2x24, gamma,
     * beta (24), mask 2x12. Output 2x12x24 (576 elements): word + position
     * + segment (2 adds) + LayerNormalization with beta (7) = 9 per
     * element, 5 per row (24 rows), mask_index counts 24 mask elements.
     * Params: the three tables and gamma, beta (bits 2..6). */
    struct tnode *t = tn_new_domain("com.microsoft", "EmbedLayerNormalization", 1);
    tn_in(t, PR_DT_INT32, "2x12");
    tn_in(t, PR_DT_INT32, "2x12");
    tn_in_weight(t, PR_DT_FLOAT, "100x24");
    tn_in_weight(t, PR_DT_FLOAT, "64x24");
    tn_in_weight(t, PR_DT_FLOAT, "2x24");
    tn_in_weight(t, PR_DT_FLOAT, "24");
    tn_in_weight(t, PR_DT_FLOAT, "24");
    tn_in(t, PR_DT_INT32, "2x12");
    CHECK_EQ(tn_run(t, 3), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x12x24");
    CHECK_STR(tn_out_shape(t, 1), "2");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT32);
    CHECK_STR(tn_out_shape(t, 2), "2x12x24");
    CHECK_EQ(tn_cost(t)->flops, 9 * 576 + 5 * 24 + 24);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x7c);
    tn_free(t);
}

static void embed_layernorm_hidden_mismatch_is_error(void)
{
    struct tnode *t = tn_new_domain("com.microsoft", "EmbedLayerNormalization", 1);
    tn_in(t, PR_DT_INT32, "2x12");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "100x24");
    tn_in(t, PR_DT_FLOAT, "64x32");
    tn_in_absent(t);
    tn_in(t, PR_DT_FLOAT, "24");
    tn_in(t, PR_DT_FLOAT, "24");
    CHECK(tn_fails_with(t, 1, "position_embedding"));
    tn_free(t);
}

/* com.microsoft QEmbedLayerNormalization (quantize_dynamic of the above).
 * Shapes as onnxruntime-node 1.31 (CPU) gives them for the same nodes:
 * ids 2x5, tables int8 with H 8, segment and mask -> 2x5x8 float, mask
 * index 2 int32; ids 1x7, uint8 tables with H 16, no segment, no mask ->
 * 1x7x16 and 1; ids 3x4 with segment, no mask -> 3x4x8 and 3. */
/* Inputs 8-17: a float scale and a zero point of the tables' type per
 * table (segment's absent without a segment table); input `odd`, if in
 * 8..17, instead has element type odd_dt and shape odd_shape. */
static void qembed_qparams(struct tnode *t, bool seg, int dt, int odd, int odd_dt,
                           const char *odd_shape)
{
    for (int i = 8; i < 18; i++) {
        if ((i == 10 || i == 15) && !seg)
            tn_in_absent(t);
        else if (i == odd)
            tn_in_weight(t, odd_dt, odd_shape);
        else
            tn_in_weight(t, i < 13 ? PR_DT_FLOAT : dt, "");
    }
}

/* input_ids, segment_ids, the tables (V 50, P 64, 2 segments), gamma,
 * beta, mask: inputs 0-7 of a hidden size h. */
static struct tnode *qembed_tables(const char *ids, int h, bool seg, bool mask, int dt)
{
    char tab[32], vec[16];
    snprintf(vec, sizeof vec, "%d", h);
    struct tnode *t = tn_new_domain("com.microsoft", "QEmbedLayerNormalization", 1);
    tn_in(t, PR_DT_INT32, ids);
    if (seg)
        tn_in(t, PR_DT_INT32, ids);
    else
        tn_in_absent(t);
    snprintf(tab, sizeof tab, "50x%d", h);
    tn_in_weight(t, dt, tab);
    snprintf(tab, sizeof tab, "64x%d", h);
    tn_in_weight(t, dt, tab);
    snprintf(tab, sizeof tab, "2x%d", h);
    if (seg)
        tn_in_weight(t, dt, tab);
    else
        tn_in_absent(t);
    tn_in_weight(t, dt, vec);
    tn_in_weight(t, dt, vec);
    if (mask)
        tn_in(t, PR_DT_INT32, ids);
    else
        tn_in_absent(t);
    return t;
}

static struct tnode *qembed(const char *ids, int h, bool seg, bool mask, int dt)
{
    struct tnode *t = qembed_tables(ids, h, seg, mask, dt);
    qembed_qparams(t, seg, dt, -1, 0, NULL);
    return t;
}

static void qembed_layernorm_dequantizes_tables_gamma_beta(void)
{
    /* 2x5, H 8, segment, mask: 80 elements, EmbedLayerNormalization's 9 +
     * 2 * (4 + 1) dequantizations = 19 each, 5 per row (10), mask 10:
     * 1520 + 50 + 10 = 1580. Params: the tables, gamma, beta (944). */
    struct tnode *t = qembed("2x5", 8, true, true, PR_DT_INT8);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT);
    CHECK_STR(tn_out_shape(t, 1), "2");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_INT32);
    CHECK_EQ(tn_cost(t)->flops, 1580);
    CHECK_EQ(tn_cost(t)->weight_mask & 0x3ff7f, 0x7c);
    tn_free(t);
    /* 1x7, H 16, uint8, neither: 112 * (8 + 8) + 5 * 7 = 1827 */
    t = qembed("1x7", 16, false, false, PR_DT_UINT8);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "1x7x16");
    CHECK_STR(tn_out_shape(t, 1), "1");
    CHECK_EQ(tn_cost(t)->flops, 1827);
    tn_free(t);
    t = qembed("3x4", 8, true, false, PR_DT_INT8);
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "3x4x8");
    CHECK_EQ(tn_cost(t)->flops, 96 * 19 + 5 * 12);
    tn_free(t);
}

static void qembed_layernorm_bad_quantization_inputs_are_errors(void)
{
    struct tnode *t = qembed("2x5", 8, false, false, PR_DT_INT8);
    tn_in_weight(t, PR_DT_FLOAT, "");   /* an 18th input: none is left */
    CHECK(tn_fails_with(t, 2, "takes at most 18 inputs"));
    tn_free(t);
    t = qembed_tables("2x5", 8, false, false, PR_DT_INT8);
    CHECK(tn_fails_with(t, 2, "word_embedding's scale (input 8) is required"));
    tn_free(t);
    t = qembed_tables("2x5", 8, false, false, PR_DT_INT8);
    qembed_qparams(t, false, PR_DT_INT8, 9, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 2, "position_embedding's scale (input 9) is 8; it must hold one value (per tensor)"));
    tn_free(t);
    t = qembed_tables("2x5", 8, false, false, PR_DT_INT8);   /* a scale of unknown extent */
    qembed_qparams(t, false, PR_DT_INT8, 9, PR_DT_FLOAT, "?x");   /* rank 1, extent unknown */
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK(!tn_incomplete(t));
    tn_free(t);
    t = qembed_tables("2x5", 8, false, false, PR_DT_INT8);   /* uint8 for int8 tables */
    qembed_qparams(t, false, PR_DT_INT8, 16, PR_DT_UINT8, "");
    CHECK(tn_fails_with(t, 2, "gamma's zero point (input 16) is uint8 but must be int8"));
    tn_free(t);
    t = qembed_tables("2x5", 8, false, false, PR_DT_INT8);   /* a segment scale, no table */
    qembed_qparams(t, true, PR_DT_INT8, -1, 0, NULL);
    CHECK(tn_fails_with(t, 2, "segment_embedding's scale (input 10) is given without the table"));
    tn_free(t);
}

/* com.microsoft GroupNorm and SkipGroupNorm. onnxruntime-node 1.31 has no
 * CPU kernel for either ("Could not find an implementation for
 * GroupNorm(1)"): ContribOperators.md is the truth for these shapes. */
static struct tnode *ms_groupnorm(const char *op, const char *x, const char *c, int64_t groups,
                                  int64_t act)
{
    struct tnode *t = tn_new_domain("com.microsoft", op, 1);
    tn_in(t, PR_DT_FLOAT16, x);
    tn_in_weight(t, PR_DT_FLOAT, c);
    tn_in_weight(t, PR_DT_FLOAT, c);
    tn_attr_int(t, "groups", groups);
    tn_attr_int(t, "activation", act);
    return t;
}

static void ms_groupnorm_nhwc_with_silu(void)
{
    /* 2x8x8x64 channels last, 32 groups, SiLU: numel 8192, rows 2*32.
     * FLOPs = (7 + 5 SiLU) * 8192 + 5 * 64 = 98304 + 320 = 98624. */
    struct tnode *t = ms_groupnorm("GroupNorm", "2x8x8x64", "64", 32, 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x8x64");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->macs, 0);
    CHECK_EQ(tn_cost(t)->flops, 98624);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x6);
    tn_free(t);
    /* channels first: 1x320x16x16, no activation: 7*81920 + 5*32 = 573600 */
    t = ms_groupnorm("GroupNorm", "1x320x16x16", "320", 32, 0);
    tn_attr_int(t, "channels_last", 0);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 573600);
    tn_free(t);
}

static void skip_groupnorm_adds_skip_and_bias(void)
{
    /* skip (N, C) and bias: (7 + 1 skip + 1 bias + 5 SiLU) * 8192 + 320
     * = 115008; S, the sum, has X's shape. */
    struct tnode *t = ms_groupnorm("SkipGroupNorm", "2x8x8x64", "64", 32, 1);
    tn_in(t, PR_DT_FLOAT16, "2x64");
    tn_in_weight(t, PR_DT_FLOAT16, "64");
    CHECK_EQ(tn_run(t, 2), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x8x8x64");
    CHECK_STR(tn_out_shape(t, 1), "2x8x8x64");
    CHECK_EQ(tn_out(t, 1)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->flops, 115008);
    CHECK_EQ(tn_cost(t)->weight_mask, 0x16);
    tn_free(t);
    /* skip (N, 1, 1, C), no bias: (7 + 1) * 8192 + 320 = 65856 */
    t = ms_groupnorm("SkipGroupNorm", "2x8x8x64", "64", 32, 0);
    tn_in(t, PR_DT_FLOAT16, "2x1x1x64");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 65856);
    tn_free(t);
}

static void ms_groupnorm_errors(void)
{
    struct tnode *t = ms_groupnorm("GroupNorm", "2x8x8x64", "64", 3, 0);
    CHECK(tn_fails_with(t, 1, "groups 3 does not divide the 64 channels of X"));
    tn_free(t);
    t = ms_groupnorm("GroupNorm", "2x8x8x64", "32", 32, 0);
    CHECK(tn_fails_with(t, 1, "gamma (input 1) has shape 32 but must be 1-D with 64 values"));
    tn_free(t);
    t = ms_groupnorm("GroupNorm", "2x64x64", "64", 32, 0);
    CHECK(tn_fails_with(t, 1, "GroupNorm needs a 4-D X (N x H x W x C) but X is 2x64x64"));
    tn_free(t);
    t = ms_groupnorm("GroupNorm", "2x8x8x64", "64", 32, 2);
    CHECK(tn_fails_with(t, 1, "activation is 2; it must be 0 (none) or 1 (SiLU)"));
    tn_free(t);
    t = tn_new_domain("com.microsoft", "GroupNorm", 1);
    tn_in(t, PR_DT_FLOAT, "2x8x8x64");
    tn_in_weight(t, PR_DT_FLOAT, "64");
    tn_in_weight(t, PR_DT_FLOAT, "64");
    tn_attr_int(t, "groups", 32);
    CHECK(tn_fails_with(t, 1, "GroupNorm needs the attributes 'groups' and 'activation'"));
    tn_free(t);
    t = ms_groupnorm("SkipGroupNorm", "2x8x8x64", "64", 32, 0);
    tn_in(t, PR_DT_FLOAT, "2x1x1x32");
    CHECK(tn_fails_with(t, 1, "skip is 2x1x1x32 but must be X's shape (2x8x8x64), (N, 1, 1, C) or (N, C)"));
    tn_free(t);
    t = ms_groupnorm("SkipGroupNorm", "2x8x8x64", "64", 32, 0);
    CHECK(tn_fails_with(t, 1, "input 3 is required but missing"));   /* skip */
    tn_free(t);
}

/* RMSNormalization (opset 23): 4 per element + 3 per row (its function
 * body: square, mean, + eps, sqrt, divide, scale). */
static void rms_normalization_counts_its_function_body(void)
{
    struct tnode *t = tn_new("RMSNormalization", 23);
    tn_in(t, PR_DT_FLOAT16, "2x5x8");
    tn_in_weight(t, PR_DT_FLOAT16, "5x8");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x5x8");
    CHECK_EQ(tn_out(t, 0)->dtype, PR_DT_FLOAT16);
    CHECK_EQ(tn_cost(t)->flops, 4 * 80 + 3 * 2);
    tn_free(t);
    t = tn_new("RMSNormalization", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    tn_in_weight(t, PR_DT_FLOAT, "8");
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 4 * 80 + 3 * 10);
    tn_free(t);
    t = tn_new("RMSNormalization", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    tn_in(t, PR_DT_FLOAT, "8");
    CHECK(tn_fails_with(t, 2, "has at most 1 outputs"));
    tn_free(t);
    t = tn_new("RMSNormalization", 23);
    tn_in(t, PR_DT_FLOAT, "2x5x8");
    tn_in(t, PR_DT_FLOAT, "7");
    CHECK(tn_fails_with(t, 1, "does not broadcast to X"));
    tn_free(t);
}

/* LpNormalization: 3 per element, a root per row with p = 2. */
static void lp_normalization_counts_the_norm_and_the_divide(void)
{
    struct tnode *t = tn_new("LpNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x8x10");
    tn_attr_int(t, "axis", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_STR(tn_out_shape(t, 0), "2x3x8x10");
    CHECK_EQ(tn_cost(t)->flops, 3 * 480 + 160);
    tn_free(t);
    t = tn_new("LpNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x3x8x10");
    tn_attr_int(t, "p", 1);
    CHECK_EQ(tn_run(t, 1), PR_RUN_OK);
    CHECK_EQ(tn_cost(t)->flops, 3 * 480);
    tn_free(t);
    t = tn_new("LpNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "p", 3);
    CHECK(tn_fails_with(t, 1, "supports 1 and 2"));
    tn_free(t);
    t = tn_new("LpNormalization", 1);
    tn_in(t, PR_DT_FLOAT, "2x3");
    tn_attr_int(t, "axis", 2);
    CHECK(tn_fails_with(t, 1, "axis 2 is out of range"));
    tn_free(t);
}

void suite_layernorm(void)
{
    RUN(lp_normalization_counts_the_norm_and_the_divide);
    RUN(rms_normalization_counts_its_function_body);
    RUN(ms_groupnorm_nhwc_with_silu);
    RUN(skip_groupnorm_adds_skip_and_bias);
    RUN(ms_groupnorm_errors);
    RUN(layernorm_last_axis_with_bias);
    RUN(layernorm_axis_one_without_bias_and_stash_type);
    RUN(layernorm_bad_axis_and_scale_are_errors);
    RUN(simplified_layernorm_is_rms_norm);
    RUN(group_normalization_counts_groups_as_rows);
    RUN(group_normalization_groups_must_divide_channels);
    RUN(mean_variance_normalization_default_axes);
    RUN(skip_layernorm_adds_skip_bias_and_beta);
    RUN(skip_simplified_layernorm_counts_rms);
    RUN(skip_layernorm_shape_mismatches_are_errors);
    RUN(embed_layernorm_bert_embeddings);
    RUN(embed_layernorm_hidden_mismatch_is_error);
    RUN(qembed_layernorm_dequantizes_tables_gamma_beta);
    RUN(qembed_layernorm_bad_quantization_inputs_are_errors);
}
