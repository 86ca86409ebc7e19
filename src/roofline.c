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
 * quantized convs, group 1), grouped (group > 1, depthwise included), attention (a product of two activations, attention
 * operators), gemm (any other layer with MACs), eltwise (no MACs). Its
 * work is its MACs (eltwise: FLOPs - 2 MACs), its bytes are bytes read +
 * written at the graph's element types.
 *
 * Time and energy of a kernel of class c, with s = bytes at the profile's
 * precision per byte of the graph (2/4 for an fp32 graph on fp16):
 *   device time  d = max(t_min, work / rate[c], s * bytes / bw[c])
 *   host time    h = t_launch[c]   (an eager framework issues each kernel)
 *   energy       e = work * e_work[c] + s * bytes * e_byte + e_launch
 * and of a call, host and device overlapping (the host runs ahead):
 *   latency = t_fixed + (H^4 + D^4)^(1/4),  H = sum h, D = sum d
 *   E = p_static * latency + sum e.
 * The regime of a kernel is the term that wins the max, "launch" for every
 * kernel of a call whose host time exceeds its device time.
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
               : L->kernel == PR_KERNEL_GROUPED || L->kernel == PR_KERNEL_DEPTHWISE ? PR_KC_GROUPED
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
        if (g[i].cls == k->cls && g[i].macs == k->macs && g[i].flops == k->flops && g[i].bytes == k->bytes) {
            g[i].count += k->count;
            return;
        }
    g[(*n)++] = *k;
}

/* Fusion of exporter chains: an eltwise kernel whose one computed input
 * comes from another eltwise kernel that nothing else reads, at the same
 * size (x / c -> Erf -> + c: the exporter's spelling of one GELU), runs in
 * its producer's kernel. fused[i] marks layer i. */
static int mark_fused(const struct pr_analysis *a, const struct pr_kgroup *k, const bool *has, bool *fused)
{
    const struct pr_graph *g = &a->model->graph;
    int *producer = malloc(((size_t)g->nvalues + 1) * sizeof *producer);
    int *readers = calloc((size_t)g->nvalues + 1, sizeof *readers);
    if (!producer || !readers) {
        free(producer), free(readers);
        return -1;
    }
    for (int v = 0; v < g->nvalues; v++)
        producer[v] = -1;
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        for (int j = 0; j < n->nout; j++)
            if (n->out[j] >= 0 && n->out[j] < g->nvalues)
                producer[n->out[j]] = i;
        for (int j = 0; j < n->nin; j++)
            if (n->in[j] >= 0 && n->in[j] < g->nvalues)
                readers[n->in[j]]++;
    }
    for (int i = 0; i < a->nlayers; i++) {
        const struct pr_node *n = &g->nodes[a->layers[i].node];
        if (!has[i] || k[i].cls != PR_KC_ELTWISE || n->nout != 1 || n->out[0] < 0)
            continue;
        int computed = -1, count = 0;
        for (int j = 0; j < n->nin; j++) {
            int v = n->in[j];
            if (v >= 0 && v < g->nvalues && !g->values[v].t.cval && !g->values[v].t.is_weight)
                computed = v, count++;
        }
        if (count != 1 || readers[computed] != 1 || producer[computed] < 0)
            continue;
        int p = producer[computed];
        bool same = pr_shape_equal(&g->values[computed].t.shape, &g->values[n->out[0]].t.shape);
        if (has[p] && k[p].cls == PR_KC_ELTWISE && same)
            fused[i] = true;
    }
    free(producer), free(readers);
    return 0;
}

/* The kernel of every layer (has[i]: it runs one), fused ones removed. 0 / -1 OOM. */
static int layer_kernels(const struct pr_analysis *a, struct pr_kgroup *k, bool *has)
{
    bool *fused = calloc((size_t)a->nlayers + 1, sizeof *fused);
    if (!fused)
        return -1;
    for (int i = 0; i < a->nlayers; i++)
        has[i] = pr_layer_kernel(a, &a->layers[i], &k[i]);
    int rc = mark_fused(a, k, has, fused);
    for (int i = 0; i < a->nlayers; i++)
        has[i] &= !fused[i];
    free(fused);
    return rc;
}

int pr_kernels_of(const struct pr_analysis *a, struct pr_kgroup **out)
{
    size_t n1 = (size_t)a->nlayers + 1;
    struct pr_kgroup *g = malloc(n1 * sizeof *g), *k = malloc(n1 * sizeof *k);
    bool *has = calloc(n1, sizeof *has);
    int n = 0;
    if (!g || !k || !has || layer_kernels(a, k, has) < 0) {
        free(g), free(k), free(has);
        return -1;
    }
    for (int i = 0; i < a->nlayers; i++)
        if (has[i])
            add_group(g, &n, &k[i]);
    free(k), free(has);
    *out = g;
    return n;
}

int pr_train_kernels(const struct pr_kgroup *fwd, int n, double params, double scale, struct pr_kgroup **out)
{
    struct pr_kgroup *g = malloc(((size_t)n * 2 + 2) * sizeof *g);
    int m = 0;
    if (!g)
        return -1;
    for (int i = 0; i < n; i++)
        g[m++] = fwd[i];
    for (int i = 0; i < n; i++) {
        struct pr_kgroup b = fwd[i];
        if (b.cls == PR_KC_ELTWISE)
            b.bytes *= 1.5;
        else
            b.count *= 2;
        add_group(g, &m, &b);
    }
    if (params > 0)
        g[m++] = (struct pr_kgroup){PR_KC_ELTWISE, 3, 0, 2 * params / 3, 26 * params / 3 / scale};
    *out = g;
    return m;
}

static double work_of(const struct pr_kgroup *k)
{
    return k->cls == PR_KC_ELTWISE ? k->flops : k->macs;
}

double pr_roof_time(const struct pr_roof *r, const struct pr_kgroup *k, double scale, enum pr_regime *regime)
{
    double launch = r->t_min, compute = work_of(k) / r->rate[k->cls], memory = scale * k->bytes / r->bw[k->cls];
    double t = launch;
    enum pr_regime g = PR_REGIME_LAUNCH;
    if (compute > t)
        t = compute, g = PR_REGIME_COMPUTE;
    if (memory > t)
        t = memory, g = PR_REGIME_MEMORY;
    if (regime)
        *regime = g;
    return t * k->count;
}

double pr_roof_dynamic(const struct pr_roof *r, const struct pr_kgroup *k, double scale)
{
    return k->count * (work_of(k) * r->e_work[k->cls] + scale * k->bytes * r->e_byte + r->e_launch);
}

void pr_roof_call(const struct pr_roof *r, const struct pr_kgroup *k, int n, double scale, double *latency,
                  double *energy)
{
    double host = 0, dev = 0, e = 0;
    for (int i = 0; i < n; i++) {
        dev += pr_roof_time(r, &k[i], scale, NULL);
        host += k[i].count * r->t_launch[k[i].cls];
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
        L->device_s += pr_roof_time(r, &t[j], scale, &g);
        L->host_s += t[j].count * r->t_launch[t[j].cls];
        L->dynamic_j += pr_roof_dynamic(r, &t[j], scale);
        if (j == 0)
            L->regime = g;
    }
}

int pr_roof_estimate(const struct pr_analysis *a, const struct pr_profile *p, bool train, struct pr_roof_out *o)
{
    const struct pr_roof *r = &p->roof;
    double scale = r->elem_bytes / pr_graph_float_bytes(a), host = 0, dev = 0, dyn = 0;
    memset(o, 0, sizeof *o);
    o->samples = samples_per_call(a);
    size_t n1 = (size_t)a->nlayers + 1;
    struct pr_kgroup *k = malloc(n1 * sizeof *k), *t = NULL;
    bool *has = calloc(n1, sizeof *has);
    o->layers = calloc(n1, sizeof *o->layers);
    int rc = !k || !has || !o->layers || layer_kernels(a, k, has) < 0 ? -1 : 0;
    for (int i = 0; rc == 0 && i < a->nlayers; i++) {
        if (!has[i])
            continue;
        struct pr_roof_layer *L = &o->layers[i];
        int n = 1;
        if (train && (n = pr_train_kernels(&k[i], 1, 0, 1, &t)) < 0) {
            rc = -1;
            break;
        }
        layer_add(r, train ? t : &k[i], n, scale, L);
        free(t);
        t = NULL;
        dev += L->device_s, host += L->host_s, dyn += L->dynamic_j;
    }
    struct pr_roof_layer opt = {0};   /* the optimizer step: pr_train_kernels' last group */
    int n = train && rc == 0 ? pr_train_kernels(NULL, 0, (double)a->totals.params, scale, &t) : 0;
    if (n < 0)
        rc = -1;
    else
        layer_add(r, t, n, scale, &opt);
    free(t);
    free(k);
    free(has);
    if (rc < 0)
        return -1;
    host += opt.host_s, dev += opt.device_s;
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
