/* conformance.c -- every model of the ONNX backend test data, analysed.
 *
 * Walks <root>/{node,pytorch-converted,pytorch-operator,simple}/<test>/
 * (Debian's libonnx-testdata: 1,072 models). For each: load, bind the
 * graph inputs to test_data_set_0/input_N.pb (their shapes, and their
 * values when small, the way a user's --input would), analyse, and compare
 * each graph output's inferred shape with the dims of output_N.pb.
 *
 * Checks (one pass or fail each):
 *   - every model is analysed without an error, except the ones listed in
 *     known_gaps.txt as "error" with a reason;
 *   - every model whose operators are all in the table has every output
 *     shape equal to the expected one, except those listed as "shape".
 * A listed gap that no longer happens fails too (remove it from the file),
 * so the list stays true. Prints the totals, the unsupported operators by
 * count, and "N passed, N failed" last.
 *
 * usage: conformance [DATA_ROOT] [KNOWN_GAPS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "arena.h"
#include "model.h"
#include "onnx.pb-c.h"
#include "tensor.h"

enum { MAX_GAPS = 2048, MAX_OPS = 512, MAX_IN = 64 };

struct gap { char name[160]; char kind[16]; int seen; };
struct opcount { char name[128]; int models; };

static struct gap gaps[MAX_GAPS];
static int ngaps;
static struct opcount ops[MAX_OPS];
static int nops;
static int passed, failed;

static void load_gaps(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f) && ngaps < MAX_GAPS) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        struct gap *g = &gaps[ngaps];
        if (sscanf(line, "%159s %15s", g->name, g->kind) == 2)
            ngaps++;
    }
    fclose(f);
}

static struct gap *find_gap(const char *name, const char *kind)
{
    for (int i = 0; i < ngaps; i++)
        if (strcmp(gaps[i].name, name) == 0 && strcmp(gaps[i].kind, kind) == 0)
            return &gaps[i];
    return NULL;
}

static void count_op(const char *domain, const char *op)
{
    char key[128];
    snprintf(key, sizeof key, "%s%s%s", domain, *domain ? "." : "", op);
    for (int i = 0; i < nops; i++)
        if (strcmp(ops[i].name, key) == 0) {
            ops[i].models++;
            return;
        }
    if (nops < MAX_OPS) {
        snprintf(ops[nops].name, sizeof ops[nops].name, "%s", key);
        ops[nops++].models = 1;
    }
}

/* The declared kind of a value: its .pb file is a TensorProto, a
 * SequenceProto (of tensors) or an OptionalProto; maps are not compared. */
enum pb_kind { PB_NONE, PB_TENSOR, PB_SEQUENCE, PB_OPTIONAL };

static enum pb_kind kind_of(const struct pr_value *v)
{
    const Onnx__TypeProto *tp = v->declared;
    if (!tp)
        return PB_NONE;
    switch (tp->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE: return PB_TENSOR;
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: return PB_SEQUENCE;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: return PB_OPTIONAL;
    default: return PB_NONE;
    }
}

static bool is_tensor(const struct pr_value *v)
{
    return kind_of(v) == PB_TENSOR;
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static Onnx__TensorProto *read_tensor(const char *path)
{
    size_t size;
    void *buf = read_file(path, &size);
    if (!buf)
        return NULL;
    Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, size, buf);
    free(buf);
    return t;
}

/* SequenceProto and OptionalProto are in onnx-data.proto, which Debian
 * does not ship: the few fields needed are read from the wire format.
 *   SequenceProto: elem_type 2 (1 = tensor), tensor_values 3 (TensorProto)
 *   OptionalProto: elem_type 2 (0 empty, 1 tensor, 3 sequence),
 *                  tensor_value 3, sequence_value 5
 * Calls fn(field, bytes, len) for each length-delimited field; -1 when
 * malformed. */
static int wire_fields(const uint8_t *p, size_t n, int (*fn)(void *, int, const uint8_t *, size_t), void *ctx)
{
    const uint8_t *end = p + n;
    while (p < end) {
        uint64_t key = 0, v = 0;
        for (int sh = 0; p < end; sh += 7) {
            key |= (uint64_t)(*p & 0x7f) << sh;
            if (!(*p++ & 0x80) || sh > 56)
                break;
        }
        int wt = (int)(key & 7);
        if (wt == 0 || wt == 2) {
            for (int sh = 0; p < end; sh += 7) {
                v |= (uint64_t)(*p & 0x7f) << sh;
                if (!(*p++ & 0x80) || sh > 56)
                    break;
            }
        } else if (wt == 1 || wt == 5) {
            p += wt == 1 ? 8 : 4;
            continue;
        } else {
            return -1;
        }
        if (wt == 2) {
            if (v > (uint64_t)(end - p))
                return -1;
            if (fn(ctx, (int)(key >> 3), p, (size_t)v) < 0)
                return -1;
            p += v;
        }
    }
    return 0;
}

struct seq_read { struct pr_arena *a; struct pr_shape *e; int64_t n; int dtype; };

static void shape_of(const Onnx__TensorProto *tp, struct pr_shape *s)
{
    s->rank = tp->n_dims <= PR_MAX_RANK ? (int)tp->n_dims : PR_MAX_RANK;
    for (int d = 0; d < s->rank; d++)
        s->dim[d] = tp->dims[d];
}

static int seq_field(void *ctx, int field, const uint8_t *p, size_t n)
{
    struct seq_read *r = ctx;
    if (field != 3)
        return 0;
    if (r->n >= PR_SEQ_MAX)
        return -1;
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, n, p);
    if (!tp)
        return -1;
    shape_of(tp, &r->e[r->n++]);
    if (!r->dtype)
        r->dtype = tp->data_type;
    onnx__tensor_proto__free_unpacked(tp, NULL);
    return 0;
}

/* A SequenceProto of tensors as a value: element type and every element's shape. */
static int sequence_value(const uint8_t *p, size_t n, struct pr_arena *a, struct pr_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->kind = PR_KIND_SEQUENCE;
    t->has_value = -1;
    struct seq_read r = {.a = a, .e = pr_arena_calloc(a, PR_SEQ_MAX + 1, sizeof *r.e)};
    if (!r.e || wire_fields(p, n, seq_field, &r) < 0)
        return -1;
    t->seq_len = r.n;
    t->dtype = r.dtype;
    t->elems = r.e;
    t->shape.rank = -1;
    for (int64_t i = 0; i < r.n; i++) {
        if (i == 0)
            t->shape = r.e[0];
        else if (t->shape.rank != r.e[i].rank)
            t->shape.rank = -1;
        else
            for (int d = 0; d < t->shape.rank; d++)
                if (t->shape.dim[d] != r.e[i].dim[d])
                    t->shape.dim[d] = -1;
    }
    return 0;
}

struct opt_read { struct pr_arena *a; struct pr_tensor *t; int found; };

static int opt_field(void *ctx, int field, const uint8_t *p, size_t n)
{
    struct opt_read *r = ctx;
    if (field == 3) {
        Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, n, p);
        struct pr_err err;
        int rc = tp ? pr_tensor_from_proto(tp, r->a, r->t, "input", &err) : -1;
        if (tp)
            onnx__tensor_proto__free_unpacked(tp, NULL);
        r->t->elem_kind = PR_KIND_TENSOR;
        r->found = 1;
        return rc;
    }
    if (field == 5) {
        r->found = 1;
        if (sequence_value(p, n, r->a, r->t) < 0)
            return -1;
        r->t->elem_kind = PR_KIND_SEQUENCE;
    }
    return 0;
}

/* An OptionalProto as a value; empty when it holds nothing. */
static int optional_value(const uint8_t *p, size_t n, struct pr_arena *a, struct pr_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->shape.rank = -1;
    t->seq_len = -1;
    struct opt_read r = {.a = a, .t = t};
    if (wire_fields(p, n, opt_field, &r) < 0)
        return -1;
    t->kind = PR_KIND_OPTIONAL;
    t->has_value = (signed char)r.found;
    return 0;
}

static void *read_file(const char *path, size_t *size);

/* Reads a value file of the given kind into t; 0 or -1. */
static int read_value(const char *path, enum pb_kind kind, struct pr_arena *a, struct pr_tensor *t)
{
    size_t size;
    void *buf = read_file(path, &size);
    if (!buf)
        return -1;
    int rc = kind == PB_SEQUENCE ? sequence_value(buf, size, a, t) : optional_value(buf, size, a, t);
    free(buf);
    return rc;
}

/* Compares an inferred sequence or optional with the expected one; 1 when
 * they agree (length, every element's shape, presence). */
static int same_value(const struct pr_tensor *got, const struct pr_tensor *want, char *msg, size_t size)
{
    char a1[200], a2[200];
    if (got->kind != want->kind) {
        snprintf(msg, size, "inferred kind %d, expected %d", got->kind, want->kind);
        return 0;
    }
    if (want->kind == PR_KIND_OPTIONAL) {
        if (got->has_value != want->has_value) {
            snprintf(msg, size, "optional holds %s, expected %s", got->has_value < 0 ? "unknown" : got->has_value ? "a value" : "nothing",
                     want->has_value ? "a value" : "nothing");
            return 0;
        }
        if (!want->has_value)
            return 1;
        if (got->elem_kind != want->elem_kind) {
            snprintf(msg, size, "optional element kind %d, expected %d", got->elem_kind, want->elem_kind);
            return 0;
        }
        if (want->elem_kind == PR_KIND_TENSOR) {
            if (!pr_shape_equal(&got->shape, &want->shape)) {
                snprintf(msg, size, "optional element %s, expected %s", pr_shape_str(&got->shape, a1, sizeof a1),
                         pr_shape_str(&want->shape, a2, sizeof a2));
                return 0;
            }
            return 1;
        }
    }
    if (got->seq_len != want->seq_len || !got->elems) {
        snprintf(msg, size, "sequence of %lld elements%s, expected %lld", (long long)got->seq_len,
                 got->elems ? "" : " (element shapes unknown)", (long long)want->seq_len);
        return 0;
    }
    for (int64_t i = 0; i < want->seq_len; i++)
        if (!pr_shape_equal(&got->elems[i], &want->elems[i])) {
            snprintf(msg, size, "element %lld: inferred %s, expected %s", (long long)i,
                     pr_shape_str(&got->elems[i], a1, sizeof a1), pr_shape_str(&want->elems[i], a2, sizeof a2));
            return 0;
        }
    return 1;
}

/* Expected result of one check, given whether it happened and a gap entry. */
static void verdict(const char *test, const char *kind, int ok, const char *detail)
{
    struct gap *g = find_gap(test, kind);
    if (g)
        g->seen = 1;
    if (ok && !g) {
        passed++;
    } else if (!ok && g) {
        passed++;
    } else if (ok && g) {
        failed++;
        printf("FIXED GAP %s (%s): remove it from known_gaps.txt\n", test, kind);
    } else {
        failed++;
        printf("FAIL %s (%s): %s\n", test, kind, detail);
    }
}

struct tally { int models, analysed, errors, supported, matched, skipped, compared_seq; };

static void run_test(const char *dir, const char *test, struct tally *t)
{
    char path[1024], msg[1400];
    snprintf(path, sizeof path, "%s/%s/model.onnx", dir, test);
    struct pr_model m;
    struct pr_err err = {0};
    struct pr_diag diag;
    pr_diag_init(&diag);
    t->models++;
    if (pr_model_load(&m, path, &diag, &err) < 0) {
        t->errors++;
        verdict(test, "error", 0, err.msg);
        pr_diag_free(&diag);
        return;
    }
    Onnx__TensorProto *inputs[MAX_IN] = {0};
    struct pr_tensor tensors[MAX_IN];
    struct pr_input_value values[MAX_IN];
    int nvalues = 0;
    for (int i = 0; i < m.graph.ninputs && i < MAX_IN; i++) {
        const struct pr_value *iv = &m.graph.values[m.graph.inputs[i]];
        snprintf(path, sizeof path, "%s/%s/test_data_set_0/input_%d.pb", dir, test, i);
        if (kind_of(iv) == PB_SEQUENCE || kind_of(iv) == PB_OPTIONAL) {
            if (read_value(path, kind_of(iv), &m.arena, &tensors[nvalues]) == 0) {
                values[nvalues].name = iv->name;
                values[nvalues].t = &tensors[nvalues];
                nvalues++;
            }
            continue;
        }
        if (!is_tensor(iv))
            continue;
        inputs[i] = read_tensor(path);
        if (!inputs[i])
            continue;
        struct pr_err terr;
        if (pr_tensor_from_proto(inputs[i], &m.arena, &tensors[nvalues], "input", &terr) < 0)
            continue;
        const char *name = inputs[i]->name && *inputs[i]->name ? inputs[i]->name
                                                                : m.graph.values[m.graph.inputs[i]].name;
        values[nvalues].name = name;
        values[nvalues].t = &tensors[nvalues];
        nvalues++;
    }
    struct pr_options opt = {.values = values, .nvalues = nvalues};
    struct pr_analysis a;
    int rc = pr_analyze(&m, &opt, &a, &err);
    verdict(test, "error", rc == 0, err.msg);
    if (rc == 0) {
        t->analysed++;
        bool supported = a.nunsupported == 0;
        for (int i = 0; i < a.nunsupported; i++)
            count_op(a.unsupported[i].domain, a.unsupported[i].op_type);
        if (supported) {
            t->supported++;
            int ok = 1;
            msg[0] = 0;
            for (int k = 0; k < m.graph.noutputs && ok; k++) {
                const struct pr_value *ov = &m.graph.values[m.graph.outputs[k]];
                snprintf(path, sizeof path, "%s/%s/test_data_set_0/output_%d.pb", dir, test, k);
                if (kind_of(ov) == PB_SEQUENCE || kind_of(ov) == PB_OPTIONAL) {
                    struct pr_tensor want;
                    char detail[600];
                    if (read_value(path, kind_of(ov), &m.arena, &want) < 0) {
                        ok = 0;
                        snprintf(msg, sizeof msg, "cannot read %s", path);
                    } else if (!same_value(&ov->t, &want, detail, sizeof detail)) {
                        ok = 0;
                        snprintf(msg, sizeof msg, "output '%s': %s", ov->name, detail);
                    }
                    t->compared_seq++;
                    continue;
                }
                if (!is_tensor(ov)) {
                    t->skipped++;
                    continue;
                }
                Onnx__TensorProto *exp = read_tensor(path);
                const struct pr_value *v = &m.graph.values[m.graph.outputs[k]];
                if (!exp) {
                    ok = 0;
                    snprintf(msg, sizeof msg, "cannot read %s", path);
                    continue;
                }
                struct pr_shape want = {.rank = (int)exp->n_dims};
                for (size_t d = 0; d < exp->n_dims && d < PR_MAX_RANK; d++)
                    want.dim[d] = exp->dims[d];
                if (!pr_shape_equal(&want, &v->t.shape)) {
                    char a1[200], a2[200];
                    ok = 0;
                    snprintf(msg, sizeof msg, "output '%s': inferred %s, expected %s", v->name,
                             pr_shape_str(&v->t.shape, a1, sizeof a1), pr_shape_str(&want, a2, sizeof a2));
                }
                onnx__tensor_proto__free_unpacked(exp, NULL);
            }
            t->matched += ok;
            verdict(test, "shape", ok, msg);
        }
        pr_analysis_free(&a);
    }
    for (int i = 0; i < MAX_IN; i++)
        if (inputs[i])
            onnx__tensor_proto__free_unpacked(inputs[i], NULL);
    pr_diag_free(&diag);
    pr_model_free(&m);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_ops(const void *a, const void *b)
{
    const struct opcount *x = a, *y = b;
    return x->models != y->models ? y->models - x->models : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "/usr/share/libonnx-testdata/data";
    load_gaps(argc > 2 ? argv[2] : "tests/conformance/known_gaps.txt");
    static const char *suites[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};
    struct tally t = {0};
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", root, suites[s]);
        DIR *d = opendir(dir);
        if (!d) {
            printf("FAIL cannot open %s (install libonnx-testdata)\n", dir);
            failed++;
            continue;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                names = realloc(names, cap * sizeof *names);
            }
            names[n++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 0; i < n; i++) {
            run_test(dir, names[i], &t);
            free(names[i]);
        }
        free(names);
    }
    for (int i = 0; i < ngaps; i++)
        if (!gaps[i].seen) {
            failed++;
            printf("STALE GAP %s (%s): no such model or check; remove it from known_gaps.txt\n", gaps[i].name,
                   gaps[i].kind);
        }
    qsort(ops, (size_t)nops, sizeof ops[0], cmp_ops);
    printf("conformance: %d models, %d analysed, %d errors, %d fully supported, %d with every output shape matched"
           " (%d sequence/optional outputs compared by element shapes, %d other non-tensor outputs not compared)\n",
           t.models, t.analysed, t.errors, t.supported, t.matched, t.compared_seq, t.skipped);
    printf("unsupported operators (models using them):");
    for (int i = 0; i < nops; i++)
        printf("%s %s %d", i ? "," : "", ops[i].name, ops[i].models);
    printf("\n%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
