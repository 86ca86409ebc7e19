/* ml.c -- the ai.onnx.ml domain (sklearn-onnx, onnxmltools, xgboost,
 * lightgbm and coreml conversions).
 *
 * Notation: X is [N, C] (N samples of C features; a 1-D X is one sample,
 * N = 1), K classes or targets, T trees, nsv support vectors. A map input
 * (CastMap, DictVectorizer) is seen as a 1-D tensor of its values whose
 * length is unknown. ZipMap's output, a sequence of N maps of K entries, is
 * described by its values: a sequence of N elements of [K] floats.
 *
 * Cost conventions (MACs are multiply-accumulates; FLOPs = 2*MACs + the rest):
 *   LinearClassifier   MACs = N*C*K (K = rows of coefficients), FLOPs +=
 *   LinearRegressor    N*K with intercepts, + post_transform
 *   SVMClassifier      with support vectors: kernel MACs = N*nsv*C; the
 *   SVMRegressor       decision MACs = N*nsv*(K-1) (classifier, one-vs-one:
 *                      each vector's coefficients serve K-1 classifiers;
 *                      binary K = 2: N*nsv) or N*nsv (regressor). Kernel
 *                      FLOPs per (sample, vector) beyond the dot product:
 *                      LINEAR 0, POLY 3 (gamma*, +coef0, pow), RBF C + 2
 *                      (the differences, gamma*, exp; ||x-v||^2 counted as C
 *                      MACs), SIGMOID 3 (gamma*, +coef0, tanh). Without
 *                      support vectors (liblinear form) it is a linear
 *                      model: MACs = N*C*K.
 *   TreeEnsemble*      comparisons = N * sum over trees of the tree's depth
 *                      (branch nodes on its longest root-to-leaf path: an
 *                      upper bound, every sample taking the longest path).
 *                      A comparison is one FLOP, not a MAC: MACs = 0,
 *                      FLOPs = comparisons + N*T*K (each tree adds its leaf's
 *                      weight to each output) + post_transform.
 *   post_transform     per score element: NONE 0, LOGISTIC 4 (as Sigmoid),
 *                      SOFTMAX and SOFTMAX_ZERO 5 (as Softmax), PROBIT 4.
 *   Normalizer         MAX 2, L1 3, L2 3 FLOPs per element (+N square roots)
 *   Scaler 2, Binarizer 1, Imputer 1 FLOP per element.
 *   ArrayFeatureExtractor, CastMap, CategoryMapper, DictVectorizer,
 *   FeatureVectorizer, LabelEncoder, OneHotEncoder, ZipMap: 0 (lookups and
 *   copies, no arithmetic).
 * Params: none -- a model's coefficients, trees and vocabularies are
 * attributes, not initializers.
 */
#include "families.h"

#include <stdlib.h>
#include <string.h>

#include "seq.h"

/* N and C of a [N, C] or [C] input (-1 unknown); a product past 64 bits
 * sets c->overflow. */
static void rows_cols(struct pr_op_ctx *c, const struct pr_tensor *x, int64_t *n, int64_t *cols)
{
    const struct pr_shape *s = &x->shape;
    *n = s->rank >= 2 ? s->dim[0] : 1;
    *cols = s->rank >= 1 ? s->dim[s->rank - 1] : 1;
    for (int i = 1; i + 1 < s->rank; i++) {   /* [N, ..., C]: the middle axes go with C */
        uint64_t p = *cols >= 0 && s->dim[i] >= 0 ? pr_mul(c, (uint64_t)*cols, (uint64_t)s->dim[i]) : 0;
        if (p > INT64_MAX)
            c->overflow = true;
        *cols = *cols >= 0 && s->dim[i] >= 0 && p <= INT64_MAX ? (int64_t)p : -1;
    }
}

/* An attribute that gives an extent (targets, n_targets, max_map): >= 1. */
static int64_t extent_attr(struct pr_op_ctx *c, const char *name, int64_t dflt)
{
    int64_t v = pr_attr_int(c, name, dflt);
    if (v < 1 && !c->failed)
        pr_op_error(c, "%s is %lld; it must be at least 1", name, (long long)v);
    return v;
}

static void set_out(struct pr_tensor *o, int dtype, int rank, int64_t d0, int64_t d1)
{
    pr_type_unknown(o);
    o->dtype = dtype;
    o->shape.rank = rank;
    o->shape.dim[0] = d0;
    o->shape.dim[1] = d1;
}

static void same_shape(struct pr_op_ctx *c, int dtype)
{
    const struct pr_tensor *x = pr_input(c, 0);
    pr_type_unknown(c->out[0]);
    c->out[0]->dtype = dtype;
    c->out[0]->shape = x->shape;
}

static uint64_t count_of(int64_t v)
{
    return v > 0 ? (uint64_t)v : 0;
}

/* Label type and class count of a classifier: classlabels_strings or _ints. */
static int64_t classes(struct pr_op_ctx *c, int *dtype)
{
    int ns = pr_attr_count(c, "classlabels_strings"), ni = pr_attr_count(c, "classlabels_ints");
    if (ni < 0)
        ni = pr_attr_count(c, "classlabels_int64s");
    *dtype = ns > 0 ? PR_DT_STRING : PR_DT_INT64;
    return ns > 0 ? ns : ni > 0 ? ni : 0;
}

static uint64_t post_flops(struct pr_op_ctx *c, uint64_t elems)
{
    const char *p = pr_attr_str(c, "post_transform", "NONE");
    if (strcmp(p, "NONE") == 0)
        return 0;
    if (strcmp(p, "SOFTMAX") == 0 || strcmp(p, "SOFTMAX_ZERO") == 0)
        return pr_mul(c, 5, elems);
    return pr_mul(c, 4, elems);
}

/* ---- elementwise: Binarizer, Imputer, Scaler, Normalizer ---- */

int ml_same_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int dt = pr_input(c, 0)->dtype;
    if (c->op_id == PR_OP_ML_SCALER || c->op_id == PR_OP_ML_NORMALIZER)
        dt = PR_DT_FLOAT;   /* both always give float */
    same_shape(c, dt);
    return 0;
}

int ml_elementwise_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    if (c->op_id != PR_OP_ML_NORMALIZER) {   /* Binarizer, Imputer 1, Scaler 2 per element */
        k->macs = 0;
        k->flops = pr_elementwise_flops(c);
        return 0;
    }
    uint64_t n = pr_numel(c, &c->out[0]->shape), extra = 0;
    const char *norm = pr_attr_str(c, "norm", "MAX");
    uint64_t per = strcmp(norm, "MAX") == 0 ? 2 : 3;
    int64_t rows, cols;
    rows_cols(c, pr_input(c, 0), &rows, &cols);
    if (strcmp(norm, "L2") == 0)
        extra = count_of(rows);
    k->macs = 0;
    k->flops = pr_add(c, pr_mul(c, per, n), extra);
    return 0;
}

/* ---- no arithmetic ---- */

int ml_free_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)c;
    k->macs = 0;
    k->flops = 0;
    return 0;
}

int ml_afe_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0), *y = pr_input(c, 1);
    if (x->shape.rank < 1)
        return pr_op_error(c, "X must have rank >= 1");
    int64_t kk = -1;
    if (y->shape.rank >= 0) {
        bool unk = false, ovf = false;
        uint64_t n = pr_shape_numel(&y->shape, &unk, &ovf);
        kk = unk ? -1 : (int64_t)n;
    }
    pr_type_unknown(c->out[0]);
    c->out[0]->dtype = x->dtype;
    if (x->shape.rank == 1) {   /* one sample: [1, K] */
        c->out[0]->shape.rank = 2;
        c->out[0]->shape.dim[0] = 1;
        c->out[0]->shape.dim[1] = kk;
        return 0;
    }
    c->out[0]->shape = x->shape;
    c->out[0]->shape.dim[x->shape.rank - 1] = kk;
    return 0;
}

int ml_castmap_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const char *to = pr_attr_str(c, "cast_to", "TO_FLOAT");
    const char *form = pr_attr_str(c, "map_form", "DENSE");
    int64_t max_map = extent_attr(c, "max_map", 1);
    if (c->failed)
        return -1;
    int dt = strcmp(to, "TO_STRING") == 0 ? PR_DT_STRING : strcmp(to, "TO_INT64") == 0 ? PR_DT_INT64 : PR_DT_FLOAT;
    const struct pr_tensor *x = pr_input(c, 0);
    int64_t n = strcmp(form, "SPARSE") == 0 ? max_map : x->shape.rank == 1 ? x->shape.dim[0] : -1;
    if (n < 0)
        n = pr_data_dim(c, "n", -1, "the number of entries of the map");
    set_out(c->out[0], dt, 2, 1, n);
    return 0;
}

int ml_category_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    same_shape(c, pr_input(c, 0)->dtype == PR_DT_STRING ? PR_DT_INT64 : PR_DT_STRING);
    return 0;
}

int ml_dictvec_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int ns = pr_attr_count(c, "string_vocabulary"), ni = pr_attr_count(c, "int64_vocabulary");
    int64_t v = ns > 0 ? ns : ni > 0 ? ni : 0;
    int dt = pr_input(c, 0)->dtype ? pr_input(c, 0)->dtype : PR_DT_FLOAT;
    set_out(c->out[0], dt, 2, 1, v);
    return 0;
}

int ml_featvec_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int n = pr_attr_count(c, "inputdimensions");
    if (n < 0 || n != c->nin)
        return pr_op_error(c, "inputdimensions has %d entries; it needs one per input (%d)", n, c->nin);
    int64_t *dims = malloc(((size_t)n + 1) * sizeof *dims);
    if (!dims)
        return pr_op_error(c, "out of memory");
    pr_attr_ints(c, "inputdimensions", dims, n);
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total = pr_add(c, total, dims[i] > 0 ? (uint64_t)dims[i] : 0);
    free(dims);
    if (total > INT64_MAX)
        return pr_op_error(c, "inputdimensions add up past 64 bits");
    const struct pr_tensor *x = pr_input(c, 0);
    set_out(c->out[0], PR_DT_FLOAT, 2, x->shape.rank >= 2 ? x->shape.dim[0] : 1, (int64_t)total);
    return 0;
}

int ml_label_encoder_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int dt;
    struct pr_tensor vt;
    if (pr_attr_has(c, "values_tensor") && pr_attr_tensor(c, "values_tensor", &vt) == 0)
        dt = vt.dtype;
    else if (pr_attr_has(c, "values_strings"))
        dt = PR_DT_STRING;
    else if (pr_attr_has(c, "values_int64s"))
        dt = PR_DT_INT64;
    else if (pr_attr_has(c, "values_floats"))
        dt = PR_DT_FLOAT;
    else   /* opset 1: classes_strings maps strings <-> int64 */
        dt = pr_input(c, 0)->dtype == PR_DT_STRING ? PR_DT_INT64 : PR_DT_STRING;
    same_shape(c, dt);
    return 0;
}

int ml_onehot_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    int ns = pr_attr_count(c, "cats_strings"), ni = pr_attr_count(c, "cats_int64s");
    int64_t cats = ns > 0 ? ns : ni > 0 ? ni : 0;
    if (x->shape.rank + 1 > PR_MAX_RANK)
        return pr_op_error(c, "the output would exceed rank %d", PR_MAX_RANK);
    pr_type_unknown(c->out[0]);
    c->out[0]->dtype = PR_DT_FLOAT;
    c->out[0]->shape = x->shape;
    c->out[0]->shape.dim[x->shape.rank] = cats;
    c->out[0]->shape.rank = x->shape.rank + 1;
    return 0;
}

int ml_zipmap_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int dt;
    int64_t k = classes(c, &dt);
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    struct pr_shape el = {.rank = 1, .dim = {k}};
    if (pr_seq_set(c, c->out[0], PR_DT_FLOAT, n, NULL) < 0)
        return -1;
    c->out[0]->shape = el;
    return 0;
}

/* ---- linear models ---- */

/* Rows of coefficients over C features: K (LinearClassifier) or targets. */
static int64_t coef_rows(struct pr_op_ctx *c, int64_t cols)
{
    int nc = pr_attr_count(c, "coefficients");
    return nc > 0 && cols > 0 ? nc / cols : 0;
}

/* Score columns of a classifier with k labels and rows coefficient rows:
 * a binary model with one row scores both classes. */
static int64_t score_cols(int64_t k, int64_t rows)
{
    return k == 2 && rows == 1 ? 2 : rows > 0 ? rows : k;
}

int ml_linear_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    if (c->op_id == PR_OP_ML_LINEAR_REGRESSOR) {
        int64_t targets = extent_attr(c, "targets", 1);
        set_out(c->out[0], PR_DT_FLOAT, 2, n, targets);
        return c->failed ? -1 : 0;
    }
    int dt;
    int64_t k = classes(c, &dt);
    set_out(c->out[0], dt, 1, n, 0);
    set_out(c->out[1], PR_DT_FLOAT, 2, n, score_cols(k, coef_rows(c, cols)));
    return 0;
}

int ml_linear_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    int64_t rows = coef_rows(c, cols);
    k->macs = pr_mul(c, pr_mul(c, count_of(n), count_of(cols)), count_of(rows));
    uint64_t scores = pr_mul(c, count_of(n), count_of(rows));
    k->flops = pr_mul(c, 2, k->macs);
    if (pr_attr_count(c, "intercepts") > 0)
        k->flops = pr_add(c, k->flops, scores);
    k->flops = pr_add(c, k->flops, post_flops(c, pr_numel(c, &c->out[c->nout > 1 ? 1 : 0]->shape)));
    return 0;
}

/* ---- SVMs ---- */

static int64_t support_vectors(struct pr_op_ctx *c, int64_t cols)
{
    int nv = pr_attr_count(c, "support_vectors");
    return nv > 0 && cols > 0 ? nv / cols : 0;
}

int ml_svm_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    if (c->op_id == PR_OP_ML_SVM_REGRESSOR) {
        set_out(c->out[0], PR_DT_FLOAT, 2, n, 1);
        return 0;
    }
    int dt;
    int64_t k = classes(c, &dt);
    int64_t nsv = support_vectors(c, cols);
    int64_t rows = nsv > 0 ? k : coef_rows(c, cols);
    int64_t z = nsv > 0 ? (k == 2 ? 2 : k) : score_cols(k, rows);
    if (nsv > 0 && k > 2 && pr_attr_count(c, "prob_a") <= 0)
        z = k * (k - 1) / 2;   /* one-vs-one votes without probabilities: one score per pair */
    set_out(c->out[0], dt, 1, n, 0);
    set_out(c->out[1], PR_DT_FLOAT, 2, n, z);
    return 0;
}

int ml_svm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    int64_t nsv = support_vectors(c, cols);
    bool regressor = c->op_id == PR_OP_ML_SVM_REGRESSOR;
    uint64_t un = count_of(n), uc = count_of(cols);
    if (nsv <= 0) {   /* linear form */
        int64_t rows = regressor ? 1 : coef_rows(c, cols);
        k->macs = pr_mul(c, pr_mul(c, un, uc), count_of(rows));
        k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, un, count_of(rows)));
    } else {
        int dt;
        int64_t kk = regressor ? 2 : classes(c, &dt);
        uint64_t pairs = pr_mul(c, un, (uint64_t)nsv);
        const char *kern = pr_attr_str(c, "kernel_type", "LINEAR");
        uint64_t per = strcmp(kern, "POLY") == 0 || strcmp(kern, "SIGMOID") == 0 ? 3
                     : strcmp(kern, "RBF") == 0 ? pr_add(c, uc, 2) : 0;
        uint64_t kernel = pr_mul(c, pairs, uc);
        uint64_t decision = pr_mul(c, pairs, kk > 2 ? (uint64_t)(kk - 1) : 1);
        k->macs = pr_add(c, kernel, decision);
        k->flops = pr_add(c, pr_mul(c, 2, k->macs), pr_mul(c, pairs, per));
    }
    k->flops = pr_add(c, k->flops, post_flops(c, pr_numel(c, &c->out[c->nout > 1 ? 1 : 0]->shape)));
    return 0;
}

/* ---- tree ensembles ----
 * Depth of each tree: breadth-first from its root over branch nodes; a
 * node reached twice means the attributes do not describe a tree (error). */

struct tnode {
    int64_t tree, id;
    int64_t t, f;        /* child node ids (classic form) */
    int idx;             /* position in the attribute arrays */
};

static int cmp_tnode(const void *a, const void *b)
{
    const struct tnode *x = a, *y = b;
    if (x->tree != y->tree)
        return x->tree < y->tree ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int64_t *ints_attr(struct pr_op_ctx *c, const char *name, int *n)
{
    *n = pr_attr_count(c, name);
    if (*n <= 0)
        return NULL;
    int64_t *v = malloc((size_t)*n * sizeof *v);
    if (!v) {
        pr_op_error(c, "out of memory");
        return NULL;
    }
    pr_attr_ints(c, name, v, *n);
    return v;
}

static const struct tnode *find_tnode(const struct tnode *a, int n, int64_t tree, int64_t id)
{
    struct tnode key = {.tree = tree, .id = id};
    return bsearch(&key, a, (size_t)n, sizeof *a, cmp_tnode);
}

/* Sum over trees of their depth, and the number of trees, for the classic
 * attributes (nodes_treeids, nodes_nodeids, nodes_modes, children). */
static int classic_depths(struct pr_op_ctx *c, uint64_t *sum, int64_t *trees)
{
    int n, nn, nt, nf;
    int64_t *tid = ints_attr(c, "nodes_treeids", &n), *nid = ints_attr(c, "nodes_nodeids", &nn);
    int64_t *tc = ints_attr(c, "nodes_truenodeids", &nt), *fc = ints_attr(c, "nodes_falsenodeids", &nf);
    const char **modes = n > 0 ? malloc((size_t)n * sizeof *modes) : NULL;
    struct tnode *a = n > 0 ? calloc((size_t)n, sizeof *a) : NULL;
    int *queue = n > 0 ? malloc((size_t)n * sizeof *queue) : NULL;
    int64_t *level = n > 0 ? malloc((size_t)n * sizeof *level) : NULL;
    int rc = -1;
    *sum = 0;
    *trees = 0;
    if (n <= 0) {
        rc = 0;
        goto out;
    }
    if (!tid || !nid || !tc || !fc || !modes || !a || !queue || !level) {
        if (!c->failed)
            pr_op_error(c, "nodes_treeids, nodes_nodeids, nodes_truenodeids and nodes_falsenodeids are all needed");
        goto out;
    }
    if (nn != n || nt != n || nf != n || pr_attr_strs(c, "nodes_modes", modes, n) != n) {
        pr_op_error(c, "the nodes_* attributes have different lengths (%d tree ids, %d node ids, %d true, %d false)",
                    n, nn, nt, nf);
        goto out;
    }
    for (int i = 0; i < n; i++)
        a[i] = (struct tnode){.tree = tid[i], .id = nid[i], .t = tc[i], .f = fc[i], .idx = i};
    qsort(a, (size_t)n, sizeof *a, cmp_tnode);
    for (int i = 0; i < n; i++) {
        level[i] = -1;
        if (i > 0 && a[i].tree == a[i - 1].tree && a[i].id == a[i - 1].id) {
            pr_op_error(c, "tree %lld lists node %lld twice", (long long)a[i].tree, (long long)a[i].id);
            goto out;
        }
    }
    for (int start = 0; start < n;) {
        int end = start;
        while (end < n && a[end].tree == a[start].tree)
            end++;
        /* the root: the tree's smallest node id */
        int head = 0, tail = 0;
        int64_t depth = 0;
        queue[tail++] = start;
        level[start] = 0;
        while (head < tail) {
            int q = queue[head++];
            if (strcmp(modes[a[q].idx], "LEAF") == 0)
                continue;
            if (level[q] + 1 > depth)
                depth = level[q] + 1;
            int64_t kids[2] = {a[q].t, a[q].f};
            for (int j = 0; j < 2; j++) {
                const struct tnode *ch = find_tnode(a + start, end - start, a[q].tree, kids[j]);
                if (!ch)
                    continue;   /* a missing child ends the path */
                int ci = (int)(ch - a);
                if (level[ci] >= 0) {
                    pr_op_error(c, "tree %lld: node %lld is reached twice; the nodes_* attributes do not describe a tree",
                                (long long)a[q].tree, (long long)ch->id);
                    goto out;
                }
                level[ci] = level[q] + 1;
                queue[tail++] = ci;
            }
        }
        *sum = pr_add(c, *sum, (uint64_t)depth);
        (*trees)++;
        start = end;
    }
    rc = 0;
out:
    free(tid);
    free(nid);
    free(tc);
    free(fc);
    free(modes);
    free(a);
    free(queue);
    free(level);
    return rc;
}

/* The same for TreeEnsemble (opset 5): tree_roots, and children that are
 * node indices unless nodes_trueleafs / nodes_falseleafs mark a leaf. */
static int v5_depths(struct pr_op_ctx *c, uint64_t *sum, int64_t *trees)
{
    int nr, nt, nf, ntl, nfl;
    int64_t *roots = ints_attr(c, "tree_roots", &nr), *tc = ints_attr(c, "nodes_truenodeids", &nt);
    int64_t *fc = ints_attr(c, "nodes_falsenodeids", &nf), *tl = ints_attr(c, "nodes_trueleafs", &ntl);
    int64_t *fl = ints_attr(c, "nodes_falseleafs", &nfl);
    int n = nt;
    int *queue = n > 0 ? malloc((size_t)n * sizeof *queue) : NULL;
    int64_t *level = n > 0 ? malloc((size_t)n * sizeof *level) : NULL;
    int rc = -1;
    *sum = 0;
    *trees = nr > 0 ? nr : 0;
    if (nr <= 0 || n <= 0) {
        rc = c->failed ? -1 : 0;
        goto out;
    }
    if (!roots || !tc || !fc || !tl || !fl || !queue || !level || nf != n || ntl != n || nfl != n) {
        if (!c->failed)
            pr_op_error(c, "nodes_truenodeids, nodes_falsenodeids, nodes_trueleafs and nodes_falseleafs must have one entry per node");
        goto out;
    }
    for (int i = 0; i < n; i++)
        level[i] = -1;
    for (int r = 0; r < nr; r++) {
        if (roots[r] < 0 || roots[r] >= n) {
            pr_op_error(c, "tree_roots[%d] is %lld; it must index one of the %d nodes", r, (long long)roots[r], n);
            goto out;
        }
        int head = 0, tail = 0;
        int64_t depth = 0;
        if (level[roots[r]] >= 0) {
            pr_op_error(c, "node %lld is the root of two trees", (long long)roots[r]);
            goto out;
        }
        queue[tail++] = (int)roots[r];
        level[roots[r]] = 1;
        while (head < tail) {
            int q = queue[head++];
            if (level[q] > depth)
                depth = level[q];
            int64_t kids[2] = {tl[q] ? -1 : tc[q], fl[q] ? -1 : fc[q]};
            for (int j = 0; j < 2; j++) {
                if (kids[j] < 0)
                    continue;
                if (kids[j] >= n || level[kids[j]] >= 0) {
                    pr_op_error(c, "node %d: child %lld is outside the nodes or reached twice", q, (long long)kids[j]);
                    goto out;
                }
                level[kids[j]] = level[q] + 1;
                queue[tail++] = (int)kids[j];
            }
        }
        *sum = pr_add(c, *sum, (uint64_t)depth);
    }
    rc = 0;
out:
    free(roots);
    free(tc);
    free(fc);
    free(tl);
    free(fl);
    free(queue);
    free(level);
    return rc;
}

int ml_tree_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int64_t n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    if (c->op_id == PR_OP_ML_TREE_ENSEMBLE_CLASSIFIER) {
        int dt;
        int64_t k = classes(c, &dt);
        set_out(c->out[0], dt, 1, n, 0);
        set_out(c->out[1], PR_DT_FLOAT, 2, n, k);
        return 0;
    }
    int dt = pr_input(c, 0)->dtype == PR_DT_DOUBLE || pr_input(c, 0)->dtype == PR_DT_FLOAT16 ? pr_input(c, 0)->dtype
                                                                                              : PR_DT_FLOAT;
    int64_t targets = extent_attr(c, "n_targets", 1);
    set_out(c->out[0], c->op_id == PR_OP_ML_TREE_ENSEMBLE ? dt : PR_DT_FLOAT, 2, n, targets);
    return c->failed ? -1 : 0;
}

int ml_tree_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t depths;
    int64_t trees, n, cols;
    rows_cols(c, pr_input(c, 0), &n, &cols);
    if ((c->op_id == PR_OP_ML_TREE_ENSEMBLE ? v5_depths(c, &depths, &trees) : classic_depths(c, &depths, &trees)) < 0)
        return -1;
    const struct pr_tensor *scores = c->out[c->nout > 1 ? 1 : 0];
    uint64_t outs = scores->shape.rank == 2 ? count_of(scores->shape.dim[1]) : 1;
    k->macs = 0;
    k->flops = pr_mul(c, count_of(n), depths);
    k->flops = pr_add(c, k->flops, pr_mul(c, pr_mul(c, count_of(n), count_of(trees)), outs));
    k->flops = pr_add(c, k->flops, post_flops(c, pr_numel(c, &scores->shape)));
    return 0;
}
