/* roofline.c -- an analysis as accelerator kernels, and their time and
 * energy under a fitted roofline (DESIGN.md "Energy model", on GPUs).
 *
 * Kernels. Every layer in the totals runs one kernel (times its loop
 * multiplier) unless its operator says it is a view (its ops.def row:
 * PR_KERNEL_VIEW: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Shape,
 * Constant, Dropout), or all its outputs are constants priori folded
 * (shape arithmetic an eager framework does on the host), or it writes
 * nothing; a recurrent layer runs one kernel per time step (and
 * direction), each a share of its work. Its class comes from the operator
 * too (ops/op.h pr_kernel_class): conv (Conv, ConvTranspose and the
 * quantized convs, group 1), grouped (group > 1, several input channels
 * per group), depthwise (one input channel per group: cuDNN runs it with
 * kernels of its own), attention (a product of two activations, attention
 * operators), gemm (any other layer with MACs), eltwise (no MACs). Its
 * work is its MACs (eltwise: FLOPs - 2 MACs), its bytes are bytes read +
 * written at the graph's element types.
 *
 * Eager spelling. The kernels are those an eager framework (PyTorch) runs
 * for the graph, which differs from the exported graph in seven places
 * (tests/eager_kernels_check.py compares the count with the ops eager
 * PyTorch dispatches):
 *   - a convolution with a bias input is two kernels: the convolution and
 *     its bias add, or the BatchNorm the exporter folded into it (PyTorch
 *     adds a convolution's bias in a kernel of its own; eval BatchNorm is
 *     one at fp32): 2 FLOPs and 2 x output bytes per output element;
 *   - scaled dot-product attention, which the exporters write as
 *     Q * c, K * c -> MatMul -> mask -> Softmax -> MatMul, is one fused
 *     kernel (mark_attention: pattern and byte count there); a scale of
 *     the scores or of Q alone, or a per-head bias added to the scores
 *     (Swin, MaxViT, T5 relative positions), marks an attention written
 *     out by hand (transformers' eager attention), whose nodes stay
 *     kernels;
 *   - an elementwise op the exporter wrote as several nodes (GELU as
 *     x / c -> Erf -> + 1 -> * x -> * 0.5, SiLU as x * Sigmoid(x)) is one
 *     kernel (mark_decomposed); every other elementwise node is a kernel
 *     of its own (eager fuses nothing: Add -> Relu is two kernels);
 *   - F.linear, which the legacy exporter writes as MatMul(x, W) ->
 *     Add(b) for inputs of rank > 2, is one GEMM (mark_linear_bias);
 *   - Slice/Split at constant bounds, Gather of a constant scalar index
 *     and a Transpose read only by strided-capable ops are eager views,
 *     no kernel (mark_views: the readers listed there);
 *   - nn.MultiheadAttention's inference fast path runs three kernels
 *     where the exporters trace its slow path's copies: those copies are
 *     kernels of the training step only (mark_mha_fast_path; a kernel's
 *     mode, enum pr_kmode, says in which calls it runs);
 *   - a BatchNorm (a BatchNormalization node, or one the exporter folded
 *     into a convolution) at 16-bit precision runs two more kernels in
 *     inference and two in training (native_batch_norm: PyTorch takes
 *     cuDNN's one kernel only at fp32), kernels of 16-bit calls only.
 *
 * Time and energy of a kernel of class c, with s = bytes at the profile's
 * precision per byte of the graph (2/4 for an fp32 graph on fp16):
 *   device time  d = t_min + max(work / rate[c], s * bytes / bw[c])
 *                (t_min: the fixed cost of a kernel on the device, its
 *                start and drain, paid by every kernel and not hidden
 *                by the roofline term: many small kernels add up);
 *   host time    h = t_launch[c]   (an eager framework issues each kernel;
 *                                   fit_roof.c fits one value for all c;
 *                                   t_sub for a kernel an op launches
 *                                   after its first: pr_host_time)
 *   energy       e = work * e_work[c] + s * bytes * e_byte + e_launch
 * and of a call, host and device overlapping (the host runs ahead):
 *   latency = t_fixed + (H^4 + D^4)^(1/4),  H = sum h, D = sum d
 *   E = p_static * latency + sum e.
 * The regime of a kernel is the term that wins the max ("launch" when
 * t_min exceeds both), "launch" for every kernel of a call whose host
 * time exceeds its device time.
 *
 * Training step (pr_train_kernels), from the forward kernels, per kernel:
 *   forward    the kernel itself;
 *   backward   a MAC kernel: two kernels of the same MACs and bytes (the
 *              gradient of the input and of the weight, or of both
 *              operands of an activation product): 2 x forward MACs;
 *              an eltwise kernel: one kernel with 1.5 x its bytes (reads
 *              the output gradient and the saved input, writes the input
 *              gradient) and its FLOPs;
 *              (the first layer's input gradient, which frameworks skip,
 *              is counted: a small overcount);
 *   optimizer  SGD with momentum on fp32 master weights: per parameter
 *              4 B read of weight, gradient and momentum, 4 B write of
 *              weight and momentum (20 B), and the autocast copy of the
 *              weight per step (4 B read, 2 B write): 26 B per parameter,
 *              as three eltwise kernels (fused multi-tensor updates).
 */
#include "roofline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "op.h"

const char *const pr_regime_name[] = {"", "launch", "compute", "memory"};

double pr_roof_combine(double host, double dev)
{
    double m = host > dev ? host : dev;
    if (m <= 0)
        return 0;
    return m * pow(pow(host / m, PR_ROOF_OVERLAP_P) + pow(dev / m, PR_ROOF_OVERLAP_P), 1.0 / PR_ROOF_OVERLAP_P);
}

bool pr_layer_kernel(const struct pr_analysis *a, const struct pr_layer *L, struct pr_kgroup *k)
{
    memset(k, 0, sizeof *k);
    if (!pr_layer_in_totals(a, L) || L->kernel == PR_KERNEL_VIEW || L->bytes_written == 0)
        return false;
    const struct pr_node *n = &a->model->graph.nodes[L->node];
    bool folded = n->nout > 0;
    for (int i = 0; i < n->nout; i++)
        if (n->out[i] >= 0 && !a->model->graph.values[n->out[i]].t.cval)
            folded = false;
    if (folded)
        return false;
    if (L->macs)
        k->cls = L->kernel == PR_KERNEL_CONV ? PR_KC_CONV
               : L->kernel == PR_KERNEL_GROUPED ? PR_KC_GROUPED : L->kernel == PR_KERNEL_DEPTHWISE ? PR_KC_DEPTHWISE
               : L->kernel == PR_KERNEL_ATTENTION ? PR_KC_ATTENTION : PR_KC_GEMM;
    else
        k->cls = PR_KC_ELTWISE;
    double other = (double)L->flops - 2.0 * (double)L->macs, steps = L->steps > 1 ? L->steps : 1;
    k->count = (double)L->multiplier * steps;
    k->macs = (double)L->macs / steps;
    k->flops = (other > 0 ? other : 0) / steps;
    k->bytes = ((double)L->bytes_read + (double)L->bytes_written) / steps;
    return true;
}

double pr_graph_float_bytes(const struct pr_analysis *a)
{
    const struct pr_graph *g = &a->model->graph;
    for (int i = 0; i < g->ninputs; i++)
        if (pr_dtype_is_float(g->values[g->inputs[i]].t.dtype))
            return pr_dtype_bits(g->values[g->inputs[i]].t.dtype) / 8.0;
    for (int i = 0; i < g->nvalues; i++)
        if (g->values[i].is_initializer && pr_dtype_is_float(g->values[i].t.dtype) &&
            pr_dtype_bits(g->values[i].t.dtype) >= 8)
            return pr_dtype_bits(g->values[i].t.dtype) / 8.0;
    return 4;
}

/* Adds k to the groups (merging with an identical one). */
static void add_group(struct pr_kgroup *g, int *n, const struct pr_kgroup *k)
{
    for (int i = 0; i < *n; i++)
        if (g[i].cls == k->cls && g[i].macs == k->macs && g[i].flops == k->flops && g[i].bytes == k->bytes &&
            g[i].mode == k->mode) {
            g[i].count += k->count;
            return;
        }
    g[(*n)++] = *k;
}

/* Which layer writes each value and how many nodes read it. */
struct flow {
    int *producer;   /* value -> layer, -1 none */
    int *readers;    /* value -> number of reading nodes */
    int *reader;     /* value -> the last layer reading it */
};

static int flow_of(const struct pr_analysis *a, struct flow *f)
{
    const struct pr_graph *g = &a->model->graph;
    f->producer = malloc(((size_t)g->nvalues + 1) * sizeof *f->producer);
    f->readers = calloc((size_t)g->nvalues + 1, sizeof *f->readers);
    f->reader = malloc(((size_t)g->nvalues + 1) * sizeof *f->reader);
    if (!f->producer || !f->readers || !f->reader)
        return -1;
    for (int v = 0; v < g->nvalues; v++)
        f->producer[v] = -1;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        for (int j = 0; j < n->nout; j++)
            if (n->out[j] >= 0 && n->out[j] < g->nvalues)
                f->producer[n->out[j]] = i;
        for (int j = 0; j < n->nin; j++)
            if (n->in[j] >= 0 && n->in[j] < g->nvalues)
                f->readers[n->in[j]]++, f->reader[n->in[j]] = i;
    }
    return 0;
}

/* A computed value: not a weight, a weight seen through data movement
 * (from_weights) or a folded constant. */
static bool computed(const struct pr_graph *g, int v)
{
    const struct pr_tensor *t = v >= 0 && v < g->nvalues ? &g->values[v].t : NULL;
    return t && !t->cval && !t->is_weight && !t->from_weights;
}

/* The one computed input of layer i (-1 when it has none or several). */
static int sole_input(const struct pr_analysis *a, int i)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[a->layers[i].node];
    int in = -1, count = 0;
    for (int j = 0; j < n->nin; j++)
        if (computed(g, n->in[j]))
            in = n->in[j], count++;
    return count == 1 ? in : -1;
}

static bool op_is(const struct pr_analysis *a, int i, const char *op)
{
    const struct pr_node *n = &a->model->graph.nodes[a->layers[i].node];
    return n->domain[0] == 0 && strcmp(n->op_type, op) == 0;
}

/* An operand of node n other than the chain value v: a constant (a
 * weight or a folded value) or x. */
static bool const_or(const struct pr_graph *g, int u, int x)
{
    return u == x || !computed(g, u);
}

/* The one reader of value v when it is layer-kind eltwise op `op` of the
 * same shape as v (-1 otherwise). */
static int chain_next(const struct pr_analysis *a, const struct flow *f, const struct pr_kgroup *k, const bool *has,
                      int v, const char *op)
{
    const struct pr_graph *g = &a->model->graph;
    if (v < 0 || f->readers[v] != 1)
        return -1;
    int c = f->reader[v];
    const struct pr_node *n = &g->nodes[a->layers[c].node];
    if (!has[c] || k[c].cls != PR_KC_ELTWISE || !op_is(a, c, op) || n->nout != 1 || n->out[0] < 0 ||
        !pr_shape_equal(&g->values[v].t.shape, &g->values[n->out[0]].t.shape))
        return -1;
    return c;
}

/* Exporter decompositions of one eager op. Eager PyTorch fuses no
 * elementwise kernels: every elementwise node runs its own kernel (an Add
 * and the Relu after it are two), except where the exporter wrote one
 * PyTorch op as several nodes:
 *   GELU (erf form)  x / c (or x * c) -> Erf -> + 1 -> * x -> * 0.5 (the
 *                    last two in either order, 0.5 on either side):
 *                    F.gelu, one kernel (the Erf's);
 *   SiLU             Sigmoid(x) -> Mul(x, .) at x's shape: F.silu, one
 *                    kernel (the Sigmoid's); a Sigmoid gate of another
 *                    shape (squeeze-excitation: x * sigmoid(s[N,C,1,1]))
 *                    is two kernels in eager too.
 * The tanh form of GELU (GPT-2's gelu_new) is Python arithmetic in the
 * model, one eager kernel per node, and stays as exported. fused[i] marks
 * layer i. */
static void mark_decomposed(const struct pr_analysis *a, const struct flow *f, const struct pr_kgroup *k,
                            const bool *has, bool *fused)
{
    const struct pr_graph *g = &a->model->graph;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        int in = sole_input(a, i);
        if (!has[i] || k[i].cls != PR_KC_ELTWISE || n->nout != 1 || n->out[0] < 0 || in < 0)
            continue;
        if (op_is(a, i, "Sigmoid")) {
            int m = chain_next(a, f, k, has, n->out[0], "Mul");
            const struct pr_node *mn = m >= 0 ? &g->nodes[a->layers[m].node] : NULL;
            if (mn && mn->nin == 2 && (mn->in[0] == in || mn->in[1] == in))
                fused[m] = true;
            continue;
        }
        if (!op_is(a, i, "Erf"))
            continue;
        int p = f->producer[in], x = p >= 0 ? sole_input(a, p) : -1;
        if (x < 0 || f->readers[in] != 1 || !(op_is(a, p, "Div") || op_is(a, p, "Mul")))
            continue;
        int add = chain_next(a, f, k, has, n->out[0], "Add");
        if (add < 0)
            continue;
        fused[p] = fused[add] = true;
        int v = g->nodes[a->layers[add].node].out[0];
        for (int step = 0; step < 2; step++) {
            int m = chain_next(a, f, k, has, v, "Mul");
            const struct pr_node *mn = m >= 0 ? &g->nodes[a->layers[m].node] : NULL;
            if (!mn || mn->nin != 2 || !const_or(g, mn->in[0] == v ? mn->in[1] : mn->in[0], x))
                break;
            fused[m] = true;
            v = mn->out[0];
        }
    }
}

/* F.linear as the legacy exporter writes it for inputs of rank > 2:
 * MatMul(x, W) -> Add(., b) with W and b weights, b a vector; eager runs
 * one GEMM with the bias in its epilogue (addmm, cuBLASLt bias), so the
 * Add is no kernel of its own. fused[i] marks layer i. */
static void mark_linear_bias(const struct pr_analysis *a, const struct flow *f, const bool *has, bool *fused)
{
    const struct pr_graph *g = &a->model->graph;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        if (!has[i] || !op_is(a, i, "Add") || n->nin != 2)
            continue;
        for (int j = 0; j < 2; j++) {
            int v = n->in[j], b = n->in[1 - j], p = v >= 0 ? f->producer[v] : -1;
            if (p < 0 || !has[p] || !op_is(a, p, "MatMul") || f->readers[v] != 1 || b < 0 || computed(g, b) ||
                g->values[b].t.shape.rank != 1)
                continue;
            const struct pr_node *pn = &g->nodes[a->layers[p].node];
            if (pn->nin == 2 && pn->in[1] >= 0 && !computed(g, pn->in[1])) {
                fused[i] = true;
                break;
            }
        }
    }
}

/* Data movement eager PyTorch does as a view (no kernel), which the
 * exporters write as copying nodes:
 *   Slice, Split  of an activation at constant bounds: x[:, a:b],
 *                 chunk, split (narrow views);
 *   Gather        of an activation at a constant scalar index: x[:, 0]
 *                 (select, a view; an index tensor -- an embedding
 *                 lookup -- is a kernel);
 *   Transpose     permute is a view; the copy happens in a reader that
 *                 needs contiguous memory (reshape/view, a convolution,
 *                 a normalisation, Softmax, and MatMul, whose batched
 *                 reshape to 3-D copies a permuted operand), so a
 *                 Transpose read only by elementwise ops (TensorIterator
 *                 takes any strides: Add, Sub, Mul, Div, Relu, Sigmoid,
 *                 Where, Cast) or by Concat (torch.cat copies strided
 *                 inputs into its output) runs nothing. (With MatMul and Softmax
 *                 counted as strided readers too, held-out energy LOMO
 *                 was 11.9% / 12.5% instead of 11.7% / 12.5%, latency
 *                 15.1% / 14.1% instead of 14.9% / 12.7%.) A Transpose
 *                 of a weight read only by MatMul or Gemm is F.linear's
 *                 W.t() (the dynamo exporter's tied LM head: GPT-2's
 *                 768 x 50257 embedding), which cuBLAS reads transposed.
 * fused[i] marks layer i. */
static bool strided_reader(const struct pr_analysis *a, int c)
{
    static const char *const ok[] = {"Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Where", "Cast", "Concat"};
    for (size_t j = 0; j < sizeof ok / sizeof *ok; j++)
        if (op_is(a, c, ok[j]))
            return true;
    return false;
}

static void mark_views(const struct pr_analysis *a, const bool *has, bool *fused)
{
    const struct pr_graph *g = &a->model->graph;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        int v0 = n->nin >= 1 ? n->in[0] : -1;
        const struct pr_tensor *in = v0 >= 0 && v0 < g->nvalues ? &g->values[v0].t : NULL;
        bool param = in && (in->is_weight || in->from_weights) && op_is(a, i, "Transpose");
        if (!has[i] || n->nin < 1 || (!computed(g, n->in[0]) && !param))
            continue;
        bool bounds_const = true;
        for (int j = 1; j < n->nin; j++)
            bounds_const &= !computed(g, n->in[j]);
        if ((op_is(a, i, "Slice") || op_is(a, i, "Split")) && bounds_const)
            fused[i] = true;
        else if (op_is(a, i, "Gather") && bounds_const && n->nin > 1 && n->in[1] >= 0 &&
                 g->values[n->in[1]].t.shape.rank == 0)
            fused[i] = true;
        else if (op_is(a, i, "Transpose") && n->nout == 1 && n->out[0] >= 0) {
            bool view = true;
            int out = n->out[0], any = 0;
            for (int c = 0; c < a->nlayers && view; c++) {
                const struct pr_node *cn = &g->nodes[a->layers[c].node];
                for (int j = 0; j < cn->nin; j++)
                    if (cn->in[j] == out) {
                        any++;
                        view &= param ? op_is(a, c, "MatMul") || op_is(a, c, "Gemm") : strided_reader(a, c);
                        break;
                    }
            }
            fused[i] = view && any > 0;
        }
    }
}

/* A term of the scores that is the same for every head: rank < 3 (a
 * scalar, a [L, L] mask) or extent 1 on the head axis (rank - 3). A
 * learned per-head bias (Swin's, MaxViT's, T5's relative positions) is
 * not. */
static bool head_uniform(const struct pr_graph *g, int v)
{
    const struct pr_shape *s = &g->values[v].t.shape;
    return s->rank >= 0 && (s->rank < 3 || s->dim[s->rank - 3] == 1);
}

/* The scores' path back through a scaling, masking or casting step i
 * (Mul, Div, Add, Where, Cast whose other operands are head-uniform):
 * the input that carries the scores (shape of out), -1 when i is not
 * such a step. */
static int score_step(const struct pr_analysis *a, int i, int out)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[a->layers[i].node];
    if (!op_is(a, i, "Mul") && !op_is(a, i, "Div") && !op_is(a, i, "Add") && !op_is(a, i, "Where") &&
        !op_is(a, i, "Cast"))
        return -1;
    int chain = -1;
    for (int j = 0; j < n->nin; j++) {
        int v = n->in[j];
        if (v < 0 || v >= g->nvalues)
            continue;
        if (chain < 0 && computed(g, v) && pr_shape_equal(&g->values[v].t.shape, &g->values[out].t.shape))
            chain = v;
        else if (!head_uniform(g, v))
            return -1;
    }
    return chain;
}

/* Whether the first product m1 of an attention reads the exporters'
 * scale of scaled_dot_product_attention: a Mul on both operands (by
 * sqrt(scale): torch.onnx's decomposition in both exporters), or a Div
 * of Q (PyTorch 1.x's nn.MultiheadAttention, which eager 2.x runs fused).
 * A model that scales only Q itself (q * scale, Swin's and timm's
 * unfused path) runs its products as written. scale[j]: the layer that
 * scales operand j (a Mul, or Q's Div), -1 none. */
static bool sdpa_scaled(const struct pr_analysis *a, const struct flow *f, int m1, int scale[2])
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n1 = &g->nodes[a->layers[m1].node];
    int muls = 0;
    bool div = false;
    for (int j = 0; j < 2; j++) {
        int q = j < n1->nin ? n1->in[j] : -1, p = q >= 0 ? f->producer[q] : -1;
        int x = p >= 0 ? score_step(a, p, q) : -1;
        bool mul = x >= 0 && op_is(a, p, "Mul");
        bool qdiv = x >= 0 && j == 0 && op_is(a, p, "Div") && g->nodes[a->layers[p].node].in[0] == x;
        muls += mul, div |= qdiv;
        scale[j] = mul || qdiv ? p : -1;
    }
    return muls == 2 || div;
}

/* Scaled dot-product attention as the exporters spell it,
 *   Q * c, K * c (or Q / c) -> MatMul -> (head-uniform mask, cast)* ->
 *   Softmax -> (Dropout, Cast)* -> MatMul(., V),
 * runs in eager PyTorch as one kernel (scaled_dot_product_attention,
 * flash or memory-efficient): the MACs of both products, the bytes of Q,
 * K, V and the output (the score matrix is never written):
 *   bytes = read(QK^T) + read(PV) - written(QK^T) + written(PV).
 * Every other layer of the pattern is marked fused; k of the second
 * product becomes the fused kernel. A Mul or Div of the scores (the
 * model's own `q @ k.T * scale`: transformers' eager attention, BERT's,
 * GPT-2's) or a scale on Q alone (sdpa_scaled) is attention written out
 * by hand: eager runs each node as written (both products, the scale,
 * the mask and the Softmax, each a kernel). */
static void mark_attention(const struct pr_analysis *a, const struct flow *f, struct pr_kgroup *k, const bool *has,
                           bool *fused, int *first)
{
    const struct pr_graph *g = &a->model->graph;
    for (int s = 0; s < a->nlayers; s++) {
        int drop[8], nd = 0, v = sole_input(a, s), m1 = -1, m2 = -1;
        if (!has[s] || !op_is(a, s, "Softmax") || v < 0)
            continue;
        while (v >= 0 && f->readers[v] == 1 && f->producer[v] >= 0 && nd < 8) {
            int p = f->producer[v];
            if (has[p] && k[p].cls == PR_KC_ATTENTION) {
                m1 = p;
                break;
            }
            drop[nd++] = p;
            v = score_step(a, p, v);
        }
        const struct pr_node *sn = &g->nodes[a->layers[s].node];
        for (v = sn->out[0]; m1 >= 0 && v >= 0 && f->readers[v] == 1 && nd < 8;) {
            int c = f->reader[v];
            const struct pr_node *cn = &g->nodes[a->layers[c].node];
            if (has[c] && k[c].cls == PR_KC_ATTENTION && cn->in[0] == v) {
                m2 = c;
                break;
            }
            if (!op_is(a, c, "Dropout") && !op_is(a, c, "Cast"))
                break;
            drop[nd++] = c;
            v = cn->nout > 0 ? cn->out[0] : -1;
        }
        bool scaled_scores = false;
        for (int j = 0; j < nd; j++)
            scaled_scores |= op_is(a, drop[j], "Mul") || op_is(a, drop[j], "Div");
        int scale[2];
        if (m1 < 0 || m2 < 0 || scaled_scores || !sdpa_scaled(a, f, m1, scale))
            continue;
        const struct pr_layer *L1 = &a->layers[m1], *L2 = &a->layers[m2];
        double bytes = (double)L1->bytes_read + (double)L2->bytes_read - (double)L1->bytes_written +
                       (double)L2->bytes_written;
        k[m2].macs += k[m1].macs;
        k[m2].bytes = bytes > k[m2].bytes ? bytes : k[m2].bytes;
        fused[s] = fused[m1] = true;
        first[m2] = m1;
        for (int j = 0; j < nd; j++)
            fused[drop[j]] = true;
        /* the exporter's scale on Q and K, read only here */
        for (int j = 0; j < 2; j++)
            if (scale[j] >= 0 && f->readers[g->nodes[L1->node].in[j]] == 1)
                fused[scale[j]] = true;
    }
}

/* A layer on the way from a packed in-projection to an attention
 * product that only moves data: Reshape, Transpose, Unsqueeze, Squeeze,
 * Gather/Split/Slice at constant positions, a Mul or Div by a constant
 * (the exporter's scale of Q and K; of two activations, packed_source
 * finds no single input and gives up), or the in-projection's fused bias
 * Add. */
static bool moves_data(const struct pr_analysis *a, int i, const bool *fused)
{
    static const char *const ops[] = {"Reshape", "Transpose", "Unsqueeze", "Squeeze", "Gather",
                                      "Split",   "Slice",     "Mul",       "Div"};
    for (size_t j = 0; j < sizeof ops / sizeof *ops; j++)
        if (op_is(a, i, ops[j]))
            return true;
    return op_is(a, i, "Add") && fused[i];
}

/* From attention operand v back to the layer that computed it through
 * data movement only; the Transposes passed are appended to t[*nt]. */
static int packed_source(const struct pr_analysis *a, const struct flow *f, const bool *fused, int v, int *t, int *nt)
{
    for (int step = 0; step < 16 && v >= 0; step++) {
        int p = f->producer[v];
        if (p < 0 || !moves_data(a, p, fused))
            return p;
        if (op_is(a, p, "Transpose") && *nt < 16)
            t[(*nt)++] = p;
        v = sole_input(a, p);
    }
    return -1;
}

/* nn.MultiheadAttention's inference fast path. In eval with gradients
 * off, a batch-first self-attention module with a packed in-projection,
 * an even number of heads and need_weights=False runs
 * torch._native_multi_head_attention, which on CUDA (head size a
 * multiple of 8, a fused attention backend) is three kernels: the QKV
 * GEMM with its bias, scaled_dot_product_attention on views of its
 * output, and the output GEMM on a view of the attention's (PyTorch
 * aten/src/ATen/native/transformers/cuda/attention.cu,
 * native_multi_head_attention_cuda). The exporters trace the slow path
 * instead (F.multi_head_attention_forward): the query transposed to
 * sequence-first, the packed projection split into Q, K and V (chunk,
 * or unflatten -> unsqueeze -> transpose -> squeeze -> select), each
 * transposed to heads, K once more for the product, the output permuted
 * back. Its signature: the Q, K and V of one fused attention all come
 * from the same GEMM with a weight through data movement only, and that
 * GEMM reads a Transpose of an [N, L, E] activation to [L, N, E]. Then
 * the Transposes on those paths, the one before the GEMM and the one
 * after the attention run nothing in inference (train_only[i]: training
 * takes the slow path, and keeps them). first[m] is the first product of
 * the attention fused into layer m (-1: none). */
static void mark_mha_fast_path(const struct pr_analysis *a, const struct flow *f, const struct pr_kgroup *k,
                               const bool *has, const int *first, const bool *fused, bool *train_only)
{
    const struct pr_graph *g = &a->model->graph;
    for (int m2 = 0; m2 < a->nlayers; m2++) {
        if (first[m2] < 0)
            continue;
        const struct pr_node *n1 = &g->nodes[a->layers[first[m2]].node], *n2 = &g->nodes[a->layers[m2].node];
        if (n1->nin < 2 || n2->nin < 2 || n2->nout < 1 || n1->in[0] < 0)
            continue;
        int operand[3] = {n1->in[0], n1->in[1], n2->in[1]}, t[16], nt = 0, gemm = -1;
        bool same = true;
        for (int j = 0; j < 3 && same; j++) {
            int p = packed_source(a, f, fused, operand[j], t, &nt);
            same = p >= 0 && (j == 0 || p == gemm);
            gemm = p;
        }
        if (!same || !has[gemm] || k[gemm].cls != PR_KC_GEMM || !(op_is(a, gemm, "MatMul") || op_is(a, gemm, "Gemm")))
            continue;
        const struct pr_node *gn = &g->nodes[a->layers[gemm].node];
        int x = sole_input(a, gemm), t0 = x >= 0 ? f->producer[x] : -1, xin = t0 >= 0 ? sole_input(a, t0) : -1;
        if (gn->nin < 2 || gn->in[1] < 0 || computed(g, gn->in[1]) || t0 < 0 || !op_is(a, t0, "Transpose") ||
            f->readers[x] != 1 || xin < 0)
            continue;
        const struct pr_shape *si = &g->values[xin].t.shape, *so = &g->values[x].t.shape;
        if (si->rank != 3 || so->rank != 3 || si->dim[0] != so->dim[1] || si->dim[1] != so->dim[0] ||
            si->dim[2] != so->dim[2])
            continue;
        /* Q is [N, heads, L, head size], or [N x heads, L, head size] (PyTorch 1.x) */
        const struct pr_shape *q = &g->values[n1->in[0]].t.shape;
        int64_t heads = q->rank >= 4                     ? q->dim[q->rank - 3]
                        : q->rank == 3 && si->dim[0] > 0 ? q->dim[0] / si->dim[0]
                                                         : -1;
        if (heads <= 0 || heads % 2 || q->dim[q->rank - 1] <= 0 || q->dim[q->rank - 1] % 8)
            continue;
        train_only[t0] = true;
        for (int j = 0; j < nt; j++)
            train_only[t[j]] = true;
        int out = n2->out[0];
        if (out >= 0 && f->readers[out] == 1 && op_is(a, f->reader[out], "Transpose"))
            train_only[f->reader[out]] = true;
    }
}

/* Whether convolution layer L (kernel k) has a BatchNorm torch.onnx
 * folded into it: its bias is then a constant the exporter created, named
 * "onnx::Conv_N" (a bias of the module keeps its parameter's name). */
static bool folded_batch_norm(const struct pr_analysis *a, const struct pr_layer *L, const struct pr_kgroup *k)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    return (k->cls == PR_KC_CONV || k->cls == PR_KC_GROUPED || k->cls == PR_KC_DEPTHWISE) && n->nin >= 3 && n->in[2] >= 0 &&
           n->in[2] < g->nvalues && g->values[n->in[2]].name &&
           strncmp(g->values[n->in[2]].name, "onnx::Conv_", 11) == 0;
}

/* The eager companion of a convolution with a bias input: its bias add,
 * or the BatchNorm the exporter folded into it, a kernel of its own in an
 * eager framework (read and write the output once more: 2 FLOPs and
 * 2 x output bytes per output element). The bias add is launched by the
 * convolution op itself (ATen's convolution adds its bias after cuDNN's
 * kernel, from C++: mode PR_KM_IN_OP, host time t_sub); a folded
 * BatchNorm was an op of its own (PR_KM_BOTH, t_launch). False for other
 * layers. */
static bool conv_companion(const struct pr_analysis *a, const struct pr_layer *L, const struct pr_kgroup *k,
                           struct pr_kgroup *c)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    if ((k->cls != PR_KC_CONV && k->cls != PR_KC_GROUPED && k->cls != PR_KC_DEPTHWISE) || n->nin < 3 || n->in[2] < 0 || n->nout < 1 ||
        n->out[0] < 0)
        return false;
    double out = (double)L->bytes_written / (L->steps > 1 ? L->steps : 1), elem = pr_graph_float_bytes(a);
    int mode = folded_batch_norm(a, L, k) ? PR_KM_BOTH : PR_KM_IN_OP;
    *c = (struct pr_kgroup){PR_KC_ELTWISE, k->count, 0, 2 * out / elem, 2 * out, mode};
    return true;
}

/* Kernel slots of a layer in layer_kernels: its own, its eager companion
 * (conv_companion), and the native BatchNorm's other kernels. */
enum { K_OWN, K_COMPANION, K_BN_INFER, K_BN_REDUCE, K_BN_STATS, K_SLOTS };

/* Eager PyTorch runs a BatchNorm in cuDNN (one kernel) only for fp32
 * activations, or fp16 ones with fp32 weights; fp16 models (model.half())
 * and bf16 activations (autocast) take its native kernels
 * (aten/src/ATen/native/Normalization.cpp _select_batch_norm_backend,
 * native/cuda/Normalization.cu batch_norm_cuda_out):
 *   inference  the running mean copied to an fp32 buffer and invstd =
 *              1 / sqrt(running_var + eps), two kernels over the C
 *              channels, then the elementwise kernel;
 *   training   the mean and variance reduced over the whole input (reads
 *              it once: 2 FLOPs per element), the running-stats update
 *              and invstd over C, then the elementwise kernel (its
 *              backward: one fused kernel, the elementwise kernel's own).
 * The elementwise kernel is the layer's own (a BatchNormalization node)
 * or the convolution's companion, when torch.onnx folded the BatchNorm
 * into the convolution (folded_batch_norm). The others go to K_BN_* as
 * kernels of 16-bit calls only: C values read and written (2 C elements
 * of the graph's type, C FLOPs) each, and the reduction's input bytes. False when L is no BatchNorm. */
static bool native_batch_norm(const struct pr_analysis *a, const struct pr_layer *L, const struct pr_kgroup *k,
                              struct pr_kgroup *bn)
{
    const struct pr_graph *g = &a->model->graph;
    const struct pr_node *n = &g->nodes[L->node];
    bool node = op_is(a, (int)(L - a->layers), "BatchNormalization") && n->nin >= 2;
    int c = node ? n->in[1] : folded_batch_norm(a, L, k) ? n->in[2] : -1;
    if (c < 0 || c >= g->nvalues || g->values[c].t.shape.rank != 1 || g->values[c].t.shape.dim[0] <= 0)
        return false;
    double ch = (double)g->values[c].t.shape.dim[0], elem = pr_graph_float_bytes(a);
    double steps = L->steps > 1 ? L->steps : 1, in = (double)L->bytes_written / steps;
    bn[0] = (struct pr_kgroup){PR_KC_ELTWISE, 2 * k->count, 0, ch, 2 * ch * elem, PR_KM_HALF_INFER};
    bn[1] = (struct pr_kgroup){PR_KC_ELTWISE, k->count, 0, 2 * in / elem, in, PR_KM_HALF_TRAIN};
    bn[2] = (struct pr_kgroup){PR_KC_ELTWISE, k->count, 0, ch, 2 * ch * elem, PR_KM_HALF_TRAIN};
    return true;
}

/* The kernels of every layer, k[K_SLOTS i + slot] (has[]: they run), fused
 * ones removed. 0 / -1 OOM. */
static int layer_kernels(const struct pr_analysis *a, struct pr_kgroup *k, bool *has)
{
    size_t n1 = (size_t)a->nlayers + 1;
    bool *fused = calloc(n1, sizeof *fused), *has1 = calloc(n1, sizeof *has1);
    bool *train_only = calloc(n1, sizeof *train_only);
    struct pr_kgroup *one = malloc(n1 * sizeof *one);
    int *first = malloc(n1 * sizeof *first);
    int rc = fused && one && has1 && train_only && first ? 0 : -1;
    for (int i = 0; rc == 0 && i < a->nlayers; i++)
        first[i] = -1;
    for (int i = 0; rc == 0 && i < a->nlayers; i++)
        has1[i] = pr_layer_kernel(a, &a->layers[i], &one[i]);
    struct flow fl = {0};
    if (rc == 0)
        rc = flow_of(a, &fl);
    if (rc == 0) {
        mark_decomposed(a, &fl, one, has1, fused);
        mark_views(a, has1, fused);
        mark_linear_bias(a, &fl, has1, fused);
        mark_attention(a, &fl, one, has1, fused, first);
        mark_mha_fast_path(a, &fl, one, has1, first, fused, train_only);
    }
    free(fl.producer), free(fl.reader), free(fl.readers);
    for (int i = 0; rc == 0 && i < a->nlayers; i++) {
        struct pr_kgroup *s = &k[K_SLOTS * i];
        bool *h = &has[K_SLOTS * i];
        h[K_OWN] = has1[i] && !fused[i];
        s[K_OWN] = one[i];
        s[K_OWN].mode = train_only[i] ? PR_KM_TRAIN : PR_KM_BOTH;
        h[K_COMPANION] = h[K_OWN] && conv_companion(a, &a->layers[i], &one[i], &s[K_COMPANION]);
        h[K_BN_INFER] = h[K_BN_REDUCE] = h[K_BN_STATS] =
            h[K_OWN] && native_batch_norm(a, &a->layers[i], &one[i], &s[K_BN_INFER]);
    }
    free(fused), free(one), free(has1), free(train_only), free(first);
    return rc;
}

int pr_kernels_of(const struct pr_analysis *a, struct pr_kgroup **out)
{
    size_t n2 = K_SLOTS * (size_t)a->nlayers + 1;
    struct pr_kgroup *g = malloc(n2 * sizeof *g), *k = malloc(n2 * sizeof *k);
    bool *has = calloc(n2, sizeof *has);
    int n = 0;
    if (!g || !k || !has || layer_kernels(a, k, has) < 0) {
        free(g), free(k), free(has);
        return -1;
    }
    for (int i = 0; i < K_SLOTS * a->nlayers; i++)
        if (has[i])
            add_group(g, &n, &k[i]);
    free(k), free(has);
    *out = g;
    return n;
}

/* Whether a kernel of mode `mode` runs in a training step or an inference
 * call, at 16-bit precision (half) or not. */
static bool runs_in(int mode, bool train, bool half)
{
    return mode == PR_KM_BOTH || mode == PR_KM_IN_OP || mode == (train ? PR_KM_TRAIN : PR_KM_INFER) ||
           (half && mode == (train ? PR_KM_HALF_TRAIN : PR_KM_HALF_INFER));
}

/* Appends to g[*m] the kernels of k[0..n) that run in the call asked
 * for, as kernels of that call (those launched inside an op keep their
 * mode: their host time differs). */
static void kernels_of_call(const struct pr_kgroup *k, int n, bool train, bool half, struct pr_kgroup *g, int *m)
{
    for (int i = 0; i < n; i++)
        if (runs_in(k[i].mode, train, half)) {
            g[*m] = k[i];
            if (!pr_kernel_in_op(&k[i]))
                g[*m].mode = PR_KM_BOTH;
            (*m)++;
        }
}

int pr_train_kernels(const struct pr_kgroup *fwd, int n, double params, double scale, bool half,
                     struct pr_kgroup **out)
{
    struct pr_kgroup *g = malloc(((size_t)n * 2 + 2) * sizeof *g);
    int m = 0;
    if (!g)
        return -1;
    kernels_of_call(fwd, n, true, half, g, &m);
    for (int i = 0; i < n; i++) {
        struct pr_kgroup b = fwd[i];
        if (b.mode != PR_KM_BOTH && b.mode != PR_KM_TRAIN && b.mode != PR_KM_IN_OP)
            continue;   /* no backward: other calls' kernels, BatchNorm stats */
        if (b.mode != PR_KM_IN_OP)   /* a bias's gradient: inside the convolution's backward */
            b.mode = PR_KM_BOTH;
        if (b.cls == PR_KC_ELTWISE)
            b.bytes *= 1.5;
        else
            b.count *= 2;
        add_group(g, &m, &b);
    }
    if (params > 0)
        g[m++] = (struct pr_kgroup){PR_KC_ELTWISE, 3, 0, 2 * params / 3, 26 * params / 3 / scale, PR_KM_BOTH};
    *out = g;
    return m;
}

int pr_infer_kernels(const struct pr_kgroup *k, int n, bool half, struct pr_kgroup **out)
{
    struct pr_kgroup *g = malloc(((size_t)n + 1) * sizeof *g);
    int m = 0;
    if (!g)
        return -1;
    kernels_of_call(k, n, false, half, g, &m);
    *out = g;
    return m;
}

bool pr_kernel_in_op(const struct pr_kgroup *k)
{
    return k->mode == PR_KM_HALF_INFER || k->mode == PR_KM_HALF_TRAIN || k->mode == PR_KM_IN_OP;
}

double pr_host_time(const struct pr_roof *r, const struct pr_kgroup *k)
{
    return pr_kernel_in_op(k) ? r->t_sub : r->t_launch[k->cls];
}

bool pr_roof_half(const struct pr_roof *r)
{
    return r->elem_bytes == 2;
}

double pr_kgroup_work(const struct pr_kgroup *k)
{
    return k->cls == PR_KC_ELTWISE ? k->flops : k->macs;
}

double pr_roof_term(const struct pr_roof *r, const struct pr_kgroup *k, double scale, enum pr_regime *which)
{
    double compute = pr_kgroup_work(k) / r->rate[k->cls], memory = scale * k->bytes / r->bw[k->cls];
    *which = compute > memory ? PR_REGIME_COMPUTE : PR_REGIME_MEMORY;
    return compute > memory ? compute : memory;
}

double pr_roof_time(const struct pr_roof *r, const struct pr_kgroup *k, double scale, enum pr_regime *regime)
{
    enum pr_regime g;
    double t = pr_roof_term(r, k, scale, &g);
    if (r->t_min > t)
        g = PR_REGIME_LAUNCH;
    if (regime)
        *regime = g;
    return (r->t_min + t) * k->count;
}

bool pr_roof_extrapolated(const struct pr_roof *r, const struct pr_kgroup *k, double scale)
{
    enum pr_regime g;
    pr_roof_term(r, k, scale, &g);
    int group = g == PR_REGIME_COMPUTE ? 0 : 1;   /* rate, bw */
    bool work = pr_kgroup_work(k) > 0 && r->unidentified & 1u << (2 * PR_KC_COUNT + k->cls);
    return work || r->unidentified & 1u << (group * PR_KC_COUNT + k->cls);
}

double pr_roof_dynamic(const struct pr_roof *r, const struct pr_kgroup *k, double scale)
{
    return k->count * (pr_kgroup_work(k) * r->e_work[k->cls] + scale * k->bytes * r->e_byte + r->e_launch);
}

void pr_roof_call(const struct pr_roof *r, const struct pr_kgroup *k, int n, double scale, double *latency,
                  double *energy)
{
    double host = 0, dev = 0, e = 0;
    for (int i = 0; i < n; i++) {
        dev += pr_roof_time(r, &k[i], scale, NULL);
        host += k[i].count * pr_host_time(r, &k[i]);
        e += pr_roof_dynamic(r, &k[i], scale);
    }
    *latency = r->t_fixed + pr_roof_combine(host, dev);
    *energy = r->p_static * *latency + e;
}

/* Samples per call: the first graph input's leading extent (1 when unknown). */
static double samples_per_call(const struct pr_analysis *a)
{
    const struct pr_graph *g = &a->model->graph;
    for (int i = 0; i < g->ninputs; i++) {
        const struct pr_shape *s = &g->values[g->inputs[i]].t.shape;
        if (s->rank >= 1 && s->dim[0] > 0)
            return (double)s->dim[0];
    }
    return 1;
}

/* Adds the kernels t[0..n) to a layer's sums. */
static void layer_add(const struct pr_roof *r, const struct pr_kgroup *t, int n, double scale, struct pr_roof_layer *L)
{
    for (int j = 0; j < n; j++) {
        enum pr_regime g;
        double d = pr_roof_time(r, &t[j], scale, &g);
        L->device_s += d;
        L->extrapolated_s += pr_roof_extrapolated(r, &t[j], scale) ? d : 0;
        L->host_s += t[j].count * pr_host_time(r, &t[j]);
        L->dynamic_j += pr_roof_dynamic(r, &t[j], scale);
        if (j == 0)
            L->regime = g;
    }
}

int pr_roof_estimate(const struct pr_analysis *a, const struct pr_profile *p, bool train, struct pr_roof_out *o)
{
    const struct pr_roof *r = &p->roof;
    double scale = r->elem_bytes / pr_graph_float_bytes(a), host = 0, dev = 0, dyn = 0, ext = 0;
    memset(o, 0, sizeof *o);
    o->samples = samples_per_call(a);
    size_t n1 = (size_t)a->nlayers + 1;
    struct pr_kgroup *k = malloc(K_SLOTS * n1 * sizeof *k), *t = NULL, mine[K_SLOTS];
    bool *has = calloc(K_SLOTS * n1, sizeof *has), half = pr_roof_half(r);
    o->layers = calloc(n1, sizeof *o->layers);
    int rc = !k || !has || !o->layers || layer_kernels(a, k, has) < 0 ? -1 : 0;
    for (int i = 0; rc == 0 && i < a->nlayers; i++) {
        int n = 0;
        for (int j = 0; j < K_SLOTS; j++)
            if (has[K_SLOTS * i + j])
                mine[n++] = k[K_SLOTS * i + j];
        if (n == 0)
            continue;
        struct pr_roof_layer *L = &o->layers[i];
        if ((n = train ? pr_train_kernels(mine, n, 0, 1, half, &t) : pr_infer_kernels(mine, n, half, &t)) < 0) {
            rc = -1;
            break;
        }
        layer_add(r, t, n, scale, L);
        free(t);
        t = NULL;
        dev += L->device_s, host += L->host_s, dyn += L->dynamic_j, ext += L->extrapolated_s;
    }
    struct pr_roof_layer opt = {0};   /* the optimizer step: pr_train_kernels' last group */
    int n = train && rc == 0 ? pr_train_kernels(NULL, 0, (double)a->totals.params, scale, half, &t) : 0;
    if (n < 0)
        rc = -1;
    else
        layer_add(r, t, n, scale, &opt);
    free(t);
    free(k);
    free(has);
    if (rc < 0)
        return -1;
    host += opt.host_s, dev += opt.device_s, ext += opt.extrapolated_s;
    o->extrapolated_pct = dev > 0 ? 100 * ext / dev : 0;
    /* the call: host and device time combined; each layer its share of it */
    double both = pr_roof_combine(host, dev);
    o->host_bound = host > dev;
    double share = o->host_bound ? both / host : dev > 0 ? both / dev : 0;
    for (int i = 0; i < a->nlayers; i++) {
        struct pr_roof_layer *L = &o->layers[i];
        L->time_s = share * (o->host_bound ? L->host_s : L->device_s);
        if (o->host_bound && L->time_s > 0)
            L->regime = PR_REGIME_LAUNCH;
        L->energy_j = r->p_static * L->time_s + L->dynamic_j;
    }
    o->fixed_s = r->t_fixed + share * (o->host_bound ? opt.host_s : opt.device_s);
    o->fixed_dynamic_j = opt.dynamic_j;
    o->latency_s = r->t_fixed + both;
    o->energy_j = r->p_static * o->latency_s + dyn + o->fixed_dynamic_j;
    return 0;
}
