/* test_core.c -- shapes, checked arithmetic, names map, text helpers. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "arena.h"
#include "model.h"
#include "names.h"
#include "families.h"
#include "op.h"
#include "report.h"
#include "shape.h"
#include "pbmem.h"
#include "test.h"

void suite_core(void);

static struct pr_shape sh(int rank, const int64_t *d)
{
    struct pr_shape s;
    pr_shape_set(&s, rank, d);
    return s;
}

static void broadcast_follows_numpy_rules(void)
{
    struct pr_shape a = sh(4, (int64_t[]){8, 1, 6, 1}), b = sh(3, (int64_t[]){7, 1, 5}), o;
    CHECK_EQ(pr_shape_broadcast(&a, &b, &o), 0);
    char buf[64];
    CHECK_STR(pr_shape_str(&o, buf, sizeof buf), "8x7x6x5");   /* numpy docs' example */
    struct pr_shape c = sh(2, (int64_t[]){3, 4}), d = sh(1, (int64_t[]){5});
    CHECK_EQ(pr_shape_broadcast(&c, &d, &o), -1);
    struct pr_shape s0 = sh(0, NULL);
    CHECK_EQ(pr_shape_broadcast(&s0, &c, &o), 0);
    CHECK_STR(pr_shape_str(&o, buf, sizeof buf), "3x4");
}

static void broadcast_keeps_unknown_extents_unknown(void)
{
    struct pr_shape a = sh(2, (int64_t[]){-1, 4}), b = sh(2, (int64_t[]){1, 4}), o;
    CHECK_EQ(pr_shape_broadcast(&a, &b, &o), 0);
    CHECK_EQ(o.dim[0], -1);
    struct pr_shape u = {.rank = -1};
    CHECK_EQ(pr_shape_broadcast(&u, &b, &o), 0);
    CHECK_EQ(o.rank, -1);
}

static void numel_and_bytes_are_checked(void)
{
    bool unknown = false, ovf = false;
    struct pr_shape a = sh(4, (int64_t[]){1, 3, 224, 224});
    CHECK_EQ(pr_shape_numel(&a, &unknown, &ovf), 150528);        /* 3*224*224 */
    CHECK_EQ(pr_shape_bytes(&a, PR_DT_FLOAT, &unknown, &ovf), 602112);
    CHECK_EQ(pr_shape_bytes(&a, PR_DT_INT4, &unknown, &ovf), 75264); /* 4 bits each */
    struct pr_shape odd = sh(1, (int64_t[]){3});
    CHECK_EQ(pr_shape_bytes(&odd, PR_DT_UINT4, &unknown, &ovf), 2);  /* ceil(12/8) */
    /* ONNX 1.18-1.20's types: float8e8m0 (MX scales) 8 bits, int2/uint2 2 */
    CHECK_EQ(pr_shape_bytes(&odd, PR_DT_FLOAT8E8M0, &unknown, &ovf), 3);
    CHECK_EQ(pr_shape_bytes(&a, PR_DT_INT2, &unknown, &ovf), 37632);  /* 150528 / 4 */
    CHECK_EQ(pr_shape_bytes(&odd, PR_DT_UINT2, &unknown, &ovf), 1);   /* ceil(6/8) */
    CHECK_STR(pr_dtype_name(PR_DT_FLOAT8E8M0), "float8e8m0");
    CHECK(pr_dtype_is_float(PR_DT_FLOAT8E8M0) && pr_dtype_is_int(PR_DT_INT2) && pr_dtype_is_int(PR_DT_UINT2));
    CHECK(!unknown && !ovf);
    struct pr_shape huge = sh(3, (int64_t[]){1LL << 40, 1LL << 20, 1LL << 10});
    pr_shape_numel(&huge, &unknown, &ovf);
    CHECK(ovf);
    struct pr_shape part = sh(2, (int64_t[]){-1, 4});
    ovf = false;
    CHECK_EQ(pr_shape_numel(&part, &unknown, &ovf), 0);
    CHECK(unknown && !ovf);
    struct pr_shape scalar = sh(0, NULL);
    unknown = false;
    CHECK_EQ(pr_shape_numel(&scalar, &unknown, &ovf), 1);
}

static void u64_arithmetic_saturates_and_flags(void)
{
    bool ovf = false;
    CHECK_EQ(pr_u64_mul(1ull << 32, 1ull << 31, &ovf), 1ull << 63);
    CHECK(!ovf);
    CHECK(pr_u64_mul(1ull << 32, 1ull << 32, &ovf) == UINT64_MAX);
    CHECK(ovf);
    ovf = false;
    CHECK(pr_u64_add(UINT64_MAX, 1, &ovf) == UINT64_MAX);
    CHECK(ovf);
}

static void axis_normalises_negative_and_rejects_out_of_range(void)
{
    CHECK_EQ(pr_axis(-1, 4), 3);
    CHECK_EQ(pr_axis(3, 4), 3);
    CHECK_EQ(pr_axis(4, 4), -1);
    CHECK_EQ(pr_axis(-5, 4), -1);
}

static void names_map_finds_every_key_and_refuses_duplicates(void)
{
    struct pr_names h;
    CHECK_EQ(pr_names_init(&h, 4), 0);
    static char keys[3000][12];
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "v%d", i);
        refused += pr_names_put(&h, keys[i], i) != 0;
    }
    CHECK_EQ(refused, 0);
    int wrong = 0;
    for (int i = 0; i < 3000; i++)
        wrong += pr_names_get(&h, keys[i]) != i;
    CHECK_EQ(wrong, 0);
    CHECK_EQ(pr_names_put(&h, "v17", 99), 1);
    CHECK_EQ(pr_names_get(&h, "v17"), 17);
    CHECK_EQ(pr_names_get(&h, "nope"), -1);
    /* set replaces the value and the stored key: the old key's memory may go */
    char *moved = strdup("v17");
    CHECK(moved != NULL);
    CHECK_EQ(pr_names_set(&h, moved, 5), 1);
    memset(keys[17], 'x', sizeof keys[17] - 1);
    CHECK_EQ(pr_names_get(&h, "v17"), 5);
    CHECK_EQ(pr_names_set(&h, "fresh", 7), 0);
    CHECK_EQ(pr_names_get(&h, "fresh"), 7);
    pr_names_free(&h);
    free(moved);
}

static void human_numbers_use_three_significant_digits(void)
{
    char b[32];
    CHECK_STR(pr_human_count(4089184256ull, b, sizeof b), "4.09 G");
    CHECK_STR(pr_human_count(25557032ull, b, sizeof b), "25.6 M");
    CHECK_STR(pr_human_count(999, b, sizeof b), "999");
    CHECK_STR(pr_human_count(999999, b, sizeof b), "1.00 M");
    CHECK_STR(pr_human_bytes(102662144ull, b, sizeof b), "97.9 MiB"); /* 102662144/2^20 = 97.906 */
    CHECK_STR(pr_human_bytes(512, b, sizeof b), "512 B");
}

static void text_clean_replaces_invalid_utf8_and_controls(void)
{
    char *s = pr_text_clean("ok\x1b[31m\xff\xc3\xa9", 100);
    CHECK_STR(s, "ok?[31m\xEF\xBF\xBD\xc3\xa9");
    free(s);
    s = pr_text_clean("abcdefgh", 4);
    CHECK_STR(s, "abcd...");
    free(s);
    s = pr_text_clean("\xed\xa0\x80", 10);   /* an encoded surrogate is invalid */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
}

/* --value text against a declared type and shape (bind_value.c). */
static int parse_value(const char *text, int dtype, int rank, int64_t d0, struct pr_arena *ar, struct pr_tensor *t)
{
    struct pr_shape s = {.rank = rank, .dim = {d0}};
    struct pr_err err = {0};
    int rc = pr_value_parse("v", text, dtype, &s, ar, t, &err);
    if (rc < 0)
        CHECK_EQ(err.code, PR_E_ARG);
    return rc;
}

static void value_text_fits_the_declared_type_and_shape(void)
{
    struct pr_arena ar;
    pr_arena_init(&ar);
    struct pr_tensor t;
    CHECK_EQ(parse_value("16000", PR_DT_INT64, 0, 0, &ar, &t), 0);
    CHECK(t.shape.rank == 0 && t.cval && t.cval->n == 1 && t.cval->i[0] == 16000 && t.dtype == PR_DT_INT64);
    CHECK_EQ(parse_value("2,-4", PR_DT_INT32, 1, -1, &ar, &t), 0);   /* a symbolic extent takes the count */
    CHECK(t.shape.rank == 1 && t.shape.dim[0] == 2 && t.cval->i[1] == -4);
    CHECK_EQ(parse_value("0.5,1e3", PR_DT_FLOAT, -1, 0, &ar, &t), 0);  /* unknown rank: [n] */
    CHECK(t.shape.rank == 1 && t.cval->f[0] == 0.5 && t.cval->f[1] == 1000.0);
    CHECK_EQ(parse_value("true", PR_DT_BOOL, 0, 0, &ar, &t), 0);
    CHECK_EQ(t.cval->i[0], 1);
    CHECK_EQ(parse_value("127", PR_DT_INT8, 0, 0, &ar, &t), 0);
    CHECK_EQ(parse_value("128", PR_DT_INT8, 0, 0, &ar, &t), -1);      /* outside int8 */
    CHECK_EQ(parse_value("-1", PR_DT_UINT8, 0, 0, &ar, &t), -1);
    CHECK_EQ(parse_value("1.5", PR_DT_INT64, 0, 0, &ar, &t), -1);
    CHECK_EQ(parse_value("nan", PR_DT_FLOAT, 0, 0, &ar, &t), -1);
    CHECK_EQ(parse_value("2", PR_DT_BOOL, 0, 0, &ar, &t), -1);
    CHECK_EQ(parse_value("1,2", PR_DT_INT64, 0, 0, &ar, &t), -1);     /* a scalar takes one value */
    CHECK_EQ(parse_value("1,2,3", PR_DT_INT64, 1, 2, &ar, &t), -1);   /* [2] takes two */
    CHECK_EQ(parse_value("1,", PR_DT_INT64, 1, -1, &ar, &t), -1);     /* an empty value */
    CHECK_EQ(parse_value("a", PR_DT_STRING, 0, 0, &ar, &t), -1);
    CHECK_EQ(parse_value("1", PR_DT_INT64, 2, 1, &ar, &t), -1);       /* rank 2 */
    pr_arena_free(&ar);
}

static void arena_rewind_frees_what_came_after_the_mark(void)
{
    struct pr_arena a;
    pr_arena_init(&a);
    CHECK(pr_arena_alloc(&a, 100) != NULL);
    struct pr_arena_mark mk;
    pr_arena_mark(&a, &mk);
    CHECK_EQ(mk.used_total, 112);                    /* 100 rounded up to 16 */
    char *p2 = pr_arena_alloc(&a, 100);
    char *big = pr_arena_calloc(&a, 2 << 20, 1);     /* a chunk of its own, behind the head */
    char *far = pr_arena_alloc(&a, 200000);          /* a new head chunk */
    CHECK(p2 && big && far && big[(2 << 20) - 1] == 0);
    CHECK_EQ(a.used_total, 112 + 112 + (2 << 20) + 200000);
    pr_arena_rewind(&a, &mk);
    CHECK_EQ(a.used_total, 112);
    CHECK(pr_arena_alloc(&a, 100) == p2);            /* the head's space after the mark is free again */
    pr_arena_rewind(&a, &mk);
    struct pr_arena empty;
    pr_arena_init(&empty);
    pr_arena_mark(&empty, &mk);
    CHECK(pr_arena_alloc(&empty, 64) && pr_arena_calloc(&empty, 1 << 21, 1));
    pr_arena_rewind(&empty, &mk);                    /* a mark of an empty arena: back to empty */
    CHECK(empty.head == NULL && empty.used_total == 0);
    pr_arena_free(&a);
    pr_arena_free(&empty);
}

static void arena_clear_keeps_the_newest_chunk_empty(void)
{
    struct pr_arena a;
    pr_arena_init(&a);
    pr_arena_clear(&a);                              /* an empty arena stays empty */
    CHECK(a.head == NULL);
    CHECK(pr_arena_alloc(&a, 100) != NULL);
    CHECK(pr_arena_calloc(&a, 2 << 20, 1) != NULL);  /* a chunk of its own, behind the head */
    char *far = pr_arena_alloc(&a, 200000);          /* a new head chunk */
    CHECK(far != NULL);
    pr_arena_clear(&a);
    CHECK_EQ(a.used_total, 0);
    CHECK(pr_arena_alloc(&a, 64) == far);            /* the newest chunk, from its start */
    pr_arena_free(&a);
    struct pr_pbmem pm;                              /* a tree reset: the next one reuses the block */
    pr_pbmem_init(&pm);
    void *small = pm.al.alloc(pm.al.allocator_data, 40), *large = pm.al.alloc(pm.al.allocator_data, 5000);
    CHECK(small && large);
    pr_pbmem_reset(&pm);
    CHECK(pm.al.alloc(pm.al.allocator_data, 40) == small && pm.big == NULL && !pm.failed);   /* the large one freed */
    pr_pbmem_free(&pm);
}

/* totals of fixtures/symbolic_batch.onnx at --dim batch=b, on model m */
static struct pr_totals batch_totals(struct pr_model *m, int64_t b)
{
    struct pr_dim_binding d = {"batch", b};
    struct pr_options opt = {.dims = &d, .ndims = 1, .top = 10};
    struct pr_analysis an;
    struct pr_err err = {0};
    struct pr_totals t = {0};
    CHECK_EQ(pr_analyze(m, &opt, &an, &err), 0);
    if (an.model) {
        t = an.totals;
        pr_analysis_free(&an);
    }
    return t;
}

static void reanalysis_of_a_loaded_model_equals_a_fresh_load(void)
{
    struct pr_model m, fresh;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    CHECK_EQ(pr_model_load(&m, "fixtures/symbolic_batch.onnx", &diag, &err), 0);
    struct pr_totals t2 = batch_totals(&m, 2);
    size_t after_one = m.arena.used_total;
    struct pr_totals t8 = batch_totals(&m, 8), t2again = batch_totals(&m, 2);
    CHECK_EQ(m.arena.used_total, after_one);         /* an analysis gives back the last one's memory */
    CHECK_EQ(pr_model_load(&fresh, "fixtures/symbolic_batch.onnx", &diag, &err), 0);
    struct pr_totals f8 = batch_totals(&fresh, 8);
    /* the fixture's MACs and activations are linear in the batch (make_fixtures.py asserts it) */
    CHECK(t8.macs > 0 && t8.macs == 4 * t2.macs && t8.activation_bytes == 4 * t2.activation_bytes);
    CHECK(t8.macs == f8.macs && t8.flops == f8.flops && t8.params == f8.params &&
          t8.peak_activation_bytes == f8.peak_activation_bytes && t8.bytes_read == f8.bytes_read);
    CHECK(t2again.macs == t2.macs && t2again.flops == t2.flops && t2again.activation_bytes == t2.activation_bytes &&
          t2again.peak_activation_bytes == t2.peak_activation_bytes && t2again.bytes_written == t2.bytes_written);
    pr_model_free(&m);
    pr_model_free(&fresh);
    pr_diag_free(&diag);
}

/* A weight seen through data movement is a parameter, not an activation
 * (docs/counting.md): fixtures/roof/tied.onnx (make_roof_fixtures.py
 * tied()) writes Transpose(W[640,8]) and DequantizeLinear(Wq[8,640]), each
 * 640 x 8 floats (20480 B), beside three outputs: logits and qlogits
 * [2,4,640] (20480 B each) and scores [2,4,4] (128 B), and the copy of x
 * transposed (256 B). Activations: 20480 + 20480 + 128 + 256 = 41344 B.
 * Peak, after the last MatMul writes qlogits: x (256 B, read by it) +
 * logits + scores + qlogits = 41344 B (xt died after scores). Counted as
 * activations the two weights made them 82304 B and 61824 B. */
static void a_weight_seen_through_a_view_is_no_activation(void)
{
    struct pr_model m;
    struct pr_diag diag;
    struct pr_err err = {0};
    pr_diag_init(&diag);
    CHECK_EQ(pr_model_load(&m, "fixtures/roof/tied.onnx", &diag, &err), 0);
    struct pr_totals t = batch_totals(&m, 1);
    CHECK_EQ(t.activation_bytes, 41344);
    CHECK_EQ(t.peak_activation_bytes, 41344);
    CHECK_EQ(t.params, 640 * 8 + 8 * 640);      /* W and Wq, not their views */
    CHECK_EQ(t.bytes_written, 41344 + 2 * 20480);   /* the traffic of what the graph runs */
    pr_model_free(&m);
    pr_diag_free(&diag);
}

/* The operator index made at build time (Makefile, OPS_SORTED): every row
 * of the table once, in strictly increasing (domain, name) order by
 * strcmp, and every row found by pr_op_find under its own keys. */
static void op_index_is_sorted_and_finds_every_row(void)
{
    static char seen[PR_OP_COUNT];
    for (int k = 0; k < PR_OP_COUNT; k++) {
        int r = pr_op_sorted_row(k);
        CHECK(r >= 0 && r < PR_OP_COUNT);
        if (r < 0 || r >= PR_OP_COUNT)
            return;
        CHECK_EQ(seen[r], 0);
        seen[r] = 1;
        if (k > 0) {
            const struct pr_op *p = &pr_op_table[pr_op_sorted_row(k - 1)], *q = &pr_op_table[r];
            int d = strcmp(p->domain, q->domain);
            CHECK(d < 0 || (d == 0 && strcmp(p->name, q->name) < 0));
        }
    }
    CHECK_EQ(pr_op_sorted_row(PR_OP_COUNT), -1);
    for (int r = 0; r < PR_OP_COUNT; r++)
        CHECK(pr_op_find(pr_op_table[r].domain, pr_op_table[r].name) == &pr_op_table[r]);
    CHECK(pr_op_find("ai.onnx", "Conv") == &pr_op_table[PR_OP_CONV]);
    CHECK(pr_op_find("", "NoSuchOp") == NULL);
    CHECK(pr_op_find("com.example", "Conv") == NULL);
}

/* The flags ops/table.c derives from the names in ops.def agree with the
 * cost functions' addresses: subgraphs exactly for control.c's rows,
 * any_kind for those, sequence.c's and Identity. */
static void op_flags_follow_the_cost_functions(void)
{
    int sub = 0, any = 0;
    for (int r = 0; r < PR_OP_COUNT; r++) {
        const struct pr_op *op = &pr_op_table[r];
        CHECK_EQ(op->subgraphs, op->cost == control_cost);
        CHECK_EQ(op->any_kind, op->cost == control_cost || op->cost == seq_cost || r == PR_OP_IDENTITY);
        sub += op->subgraphs;
        any += op->any_kind;
    }
    CHECK(sub >= 4);   /* If, Loop, Scan, ... */
    CHECK(any > sub + 5);
}

void suite_core(void)
{
    RUN(broadcast_follows_numpy_rules);
    RUN(value_text_fits_the_declared_type_and_shape);
    RUN(broadcast_keeps_unknown_extents_unknown);
    RUN(numel_and_bytes_are_checked);
    RUN(u64_arithmetic_saturates_and_flags);
    RUN(axis_normalises_negative_and_rejects_out_of_range);
    RUN(names_map_finds_every_key_and_refuses_duplicates);
    RUN(human_numbers_use_three_significant_digits);
    RUN(text_clean_replaces_invalid_utf8_and_controls);
    RUN(arena_rewind_frees_what_came_after_the_mark);
    RUN(arena_clear_keeps_the_newest_chunk_empty);
    RUN(reanalysis_of_a_loaded_model_equals_a_fresh_load);
    RUN(a_weight_seen_through_a_view_is_no_activation);
    RUN(op_index_is_sorted_and_finds_every_row);
    RUN(op_flags_follow_the_cost_functions);
}
