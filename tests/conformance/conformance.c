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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
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

/* Sequence, map and optional values have no single shape: their .pb files
 * are not TensorProtos, so they are neither bound nor compared. */
static bool is_tensor(const struct pr_value *v)
{
    const Onnx__TypeProto *tp = v->declared;
    return tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
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

struct tally { int models, analysed, errors, supported, matched, skipped; };

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
        if (!is_tensor(&m.graph.values[m.graph.inputs[i]]))
            continue;
        snprintf(path, sizeof path, "%s/%s/test_data_set_0/input_%d.pb", dir, test, i);
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
                if (!is_tensor(&m.graph.values[m.graph.outputs[k]])) {
                    t->skipped++;
                    continue;
                }
                snprintf(path, sizeof path, "%s/%s/test_data_set_0/output_%d.pb", dir, test, k);
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
           " (%d non-tensor outputs not compared)\n",
           t.models, t.analysed, t.errors, t.supported, t.matched, t.skipped);
    printf("unsupported operators (models using them):");
    for (int i = 0; i < nops; i++)
        printf("%s %s %d", i ? "," : "", ops[i].name, ops[i].models);
    printf("\n%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
