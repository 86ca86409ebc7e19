/* op.h -- what an operator family sees of a node.
 *
 * Operators never include protobuf headers. A node reaches a family as a
 * struct pr_op_ctx: its inputs' and outputs' tensor descriptions (element
 * type, shape, known constant values), its attributes by name with defaults,
 * and the opset version of its domain. Each row of the table (ops.def) names
 * two functions of one family file:
 *
 *   int shape(struct pr_op_ctx *c)                   -- fill the outputs
 *   int cost(struct pr_op_ctx *c, struct pr_cost *k) -- fill MACs and FLOPs
 *
 * Both return 0, or -1 after pr_op_error() described what is wrong with the
 * node (the caller adds the file, node index, name and op type).
 *
 * Conventions the functions can rely on:
 * - shape() runs only when every present input has a known rank; extents may
 *   still be -1 (unknown): propagate -1 rather than guessing.
 * - cost() runs after shape(); it reads shapes of inputs and outputs.
 *   pr_numel() of a shape with unknown extents returns 0 and marks the cost
 *   incomplete; pr_mul()/pr_add() set a sticky overflow flag instead of
 *   wrapping. The caller turns either flag into a warning or an error.
 * - Attribute accessors of the wrong type or too many values record an error
 *   in the context (checked by the caller after the function returns) and
 *   return the default, so family code need not test every call.
 * - Known constant values (c->in[i]->cval) exist only for small tensors
 *   (at most PR_CONST_MAX elements); shape functions that compute shape-
 *   carrying values (Shape, Gather, Concat, arithmetic, …) set the output's
 *   cval with pr_const_new(). A non-NULL cval says the values are known;
 *   read them (i, f) only through pr_const_values(cval) or pr_values_of():
 *   an initializer's are decoded when first read.
 * - params are counted by the caller: every input that is a weight (an
 *   initializer or Constant output) of a floating or 8/4-bit type is preset
 *   in k->weight_mask; a cost function clears bits for inputs that are
 *   hyper-parameters rather than weights (e.g. Resize scales, Clip bounds).
 */
#ifndef PR_OP_H
#define PR_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "ir.h"
#include "shape.h"

#define PR_PACKED_MAX 3               /* packed weight inputs one node may have */

/* A KV cache that a fused attention kernel updates in place: past and
 * present are one buffer (past_present_share_buffer, SparseAttention, or
 * the runtime's buffer under `priori llm --kv-buffer`). The kernel reads the
 * valid past rows and writes the new ones, not the buffers as the graph
 * shows them, so the walk counts (along the sequence axis)
 *   bytes read of input in[j] - 1    = its bytes * read / in_rows
 *   bytes written of output out[j]-1 = its bytes * written / out_rows
 * (0 in in[j] or out[j]: no such tensor; any extent unknown: the whole
 * tensor, as without a buffer). */
struct pr_kv_inplace {
    unsigned char in[2], out[2];  /* i + 1 of past_key/past_value (or the packed past)
                                     and of present_key/present_value; 0: none */
    int64_t in_rows, read;        /* the past inputs' rows, the valid ones read */
    int64_t out_rows, written;    /* the present outputs' rows, the new ones written */
};

struct pr_cost {
    uint64_t macs;
    uint64_t flops;
    uint64_t weight_mask;         /* bit i: input i counts as parameters; inputs
                                     past 63 share bit 63 */
    int packed_input[PR_PACKED_MAX];  /* i + 1 when input i packs several weights
                                     per stored element (MatMulNBits' B, QMoE's
                                     experts): it counts packed_params[j]
                                     parameters, not its element count; 0: none */
    uint64_t packed_params[PR_PACKED_MAX];
    unsigned char kernel;         /* enum pr_kernel_class: the kind of kernel that runs
                                     the node on an accelerator (roofline.c) */
    uint32_t steps;               /* kernels it runs one after another (RNN time
                                     steps x directions); 0: one */
    struct pr_kv_inplace inplace; /* a KV cache it updates in place; none when zero */
};

/* Kernel class of a node: the kind of kernel that runs it on an
 * accelerator, which the energy models price (roofline.c, energy.c). Each
 * row of ops.def states its operator's class (column `kernel`); the cost
 * function refines it only where the node's attributes or inputs decide:
 * a Conv with group > 1 is GROUPED, DEPTHWISE when each group has one input
 * channel (weight extent 1 == C_in/group, C_in > 1; ops/conv.c); a MatMul
 * of two computed operands (Q.K^T, P.V) is ATTENTION.
 *   GEMM       dense products (Gemm, MatMul, RNN gates, ...)
 *   CONV       convolutions (Conv, ConvTranspose, their quantized forms)
 *   ATTENTION  attention operators and products of two activations
 *   ELTWISE    no MACs: elementwise, normalisation, reductions, data movement
 *   VIEW       moves no data in an eager framework (Reshape, Flatten,
 *              Squeeze, Unsqueeze, Identity, Shape, Size, Constant, Dropout)
 * NONE (0) is no class at all: a row must never have it (tests/test_core.c). */
enum pr_kernel_class {
    PR_KERNEL_NONE, PR_KERNEL_GEMM, PR_KERNEL_CONV, PR_KERNEL_GROUPED, PR_KERNEL_DEPTHWISE,
    PR_KERNEL_ATTENTION, PR_KERNEL_ELTWISE, PR_KERNEL_VIEW, PR_KERNEL_COUNT
};
/* Lower-case names of the classes ("gemm", "conv", ...), as `priori ops` prints them. */
extern const char *const pr_kernel_name[PR_KERNEL_COUNT];

/* What running a subgraph once costs (control flow; see pr_subgraph_run). */
struct pr_sub_cost {
    uint64_t macs, flops, params;
    uint64_t activation_bytes, bytes_read, bytes_written;
    uint64_t peak_bytes;          /* its own peak live activation memory */
    bool incomplete;              /* some row inside is not fully known */
};

struct pr_node;                   /* opaque: attributes are read through accessors */
struct pr_sub_undo;               /* opaque: pending subgraph runs (infer.c) */
struct pr_symbols;                /* opaque: --dim bindings of the analysis (infer.c) */
struct pr_op_host;                /* opaque: the walk's callbacks (src/node.h) */
struct pr_arena;
struct pr_diag;

struct pr_op_ctx {
    const struct pr_node *node;
    int op_id;                    /* PR_OP_* of the row being evaluated */
    int opset;                    /* opset version of the node's domain */
    int nin, nout;                /* as written in the node (absent ones included) */
    const struct pr_tensor *in[PR_MAX_IO];   /* NULL: absent (empty name or i >= nin) */
    struct pr_tensor *out[PR_MAX_IO];        /* never NULL for i < PR_MAX_IO; absent
                                                outputs point at a scratch tensor */
    struct pr_arena *arena;
    struct pr_diag *diag;
    struct pr_symbols *symbols;   /* the walk's state, passed back to host */
    const struct pr_op_host *host;/* the walk (src/infer.c) behind pr_data_dim and
                                     pr_subgraph_*; NULL in unit tests: data dims
                                     take their fallback, subgraphs do not run */
    char *err;                    /* PR_ERR_MSG bytes; empty when no error */
    bool failed;                  /* an error was recorded */
    bool structural;              /* the error is in the file itself (an attribute of the wrong
                                     type or size): never excused by an assumption */
    bool overflow;                /* a count overflowed 64 bits */
    bool incomplete;              /* a count needed an unknown extent */
    struct pr_sub_cost sub;       /* control flow: what its subgraph runs add to the row */
    struct pr_sub_undo *undo;     /* control flow: runs that may still be discarded */
    bool kv_shared;               /* the runtime gives each attention one past/present KV
                                     buffer (priori llm --kv-buffer; pr_options) */
    const char *unsupported;      /* set by a family for a variant it does not count (a static
                                     string, why): the node is then an operator priori does not
                                     know (zero cost; the weights of its subgraphs counted) */
};

typedef int (*pr_shape_fn)(struct pr_op_ctx *c);
typedef int (*pr_cost_fn)(struct pr_op_ctx *c, struct pr_cost *k);

/* ---- the table (ops.def expanded) ---- */
enum pr_op_id {
#define OP(id, domain, name, since, until, shape, cost, kernel, fpe, macs, flops) PR_OP_##id,
#include "ops.def"
#undef OP
    PR_OP_COUNT
};

struct pr_op {
    const char *domain;           /* "" = ai.onnx */
    const char *name;
    int since, until;             /* opset range of the domain; until 0: current */
    pr_shape_fn shape;
    pr_cost_fn cost;
    unsigned char kernel;         /* enum pr_kernel_class of the operator */
    signed char flops_per_elem;   /* FLOPs per output element; -1: not a fixed
                                     multiple (the cost function's formula) */
    const char *macs, *flops;     /* one-line formulas */
    bool subgraphs;               /* its family runs the node's graph attributes
                                     (control.c, cost control_cost) and takes
                                     inputs of unknown rank itself; any other
                                     row never sees one (pr_op_run) */
    bool any_kind;                /* its inputs may be sequences and optionals
                                     (control.c, sequence.c, Identity); any
                                     other row takes tensors only (pr_op_run) */
};

extern const struct pr_op pr_op_table[PR_OP_COUNT];
/* A call of a model-local function (not a row of the table): it runs the
 * call's copy of the function body, its only subgraph (ops/control.c). */
extern const struct pr_op pr_function_op;
/* Row for (domain, op_type); "ai.onnx" is the same as "". NULL if unknown. */
const struct pr_op *pr_op_find(const char *domain, const char *op_type);
/* The row at position k of the lookup's index ((domain, name) order), -1
 * outside [0, PR_OP_COUNT): for the test of its order. */
int pr_op_sorted_row(int k);
/* FLOPs of a node whose row states FLOPs per output element:
 * flops_per_elem x numel(output 0). A row without it (-1) is an error
 * recorded in c (never a guessed count). */
uint64_t pr_elementwise_flops(struct pr_op_ctx *c);

/* ---- errors and warnings ---- */
int  pr_op_error(struct pr_op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pr_op_warn(struct pr_op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Error unless at least min inputs are present in positions 0..min-1. */
int  pr_op_require(struct pr_op_ctx *c, int min_inputs);
/* A quantization scale or zero point (input i, named what): absent, one
 * value, or (rank 1) n values, one per `per` (n -1: unknown; per NULL:
 * per tensor only); an unknown extent passes. */
int  pr_op_check_qparam(struct pr_op_ctx *c, int i, const char *what, int64_t n, const char *per);

/* ---- attributes (implemented in src/attr.c) ---- */
bool        pr_attr_has(struct pr_op_ctx *c, const char *name);
int64_t     pr_attr_int(struct pr_op_ctx *c, const char *name, int64_t dflt);
double      pr_attr_float(struct pr_op_ctx *c, const char *name, double dflt);
const char *pr_attr_str(struct pr_op_ctx *c, const char *name, const char *dflt);
/* Copies up to cap ints into buf; returns how many, or -1 when absent.
 * More than cap values is an error (recorded) and returns -1. */
int pr_attr_ints(struct pr_op_ctx *c, const char *name, int64_t *buf, int cap);
int pr_attr_floats(struct pr_op_ctx *c, const char *name, double *buf, int cap);
/* Strings attribute (RNN activations): up to cap NUL-terminated copies in
 * the arena; returns how many, or -1 when absent (or malformed: recorded). */
int pr_attr_strs(struct pr_op_ctx *c, const char *name, const char **buf, int cap);
/* Number of values of a list attribute (ints, floats or strings), -1 when
 * absent; an attribute that is not a list records an error and gives -1. */
int pr_attr_count(struct pr_op_ctx *c, const char *name);
/* A tensor attribute (Constant's value, ConstantOfShape's value): dtype, shape
 * and values when small. Returns 0, or -1 when absent (or malformed: recorded). */
int pr_attr_tensor(struct pr_op_ctx *c, const char *name, struct pr_tensor *out);

/* ---- dims that depend on data values ---- */
/* An output extent that only the data decides (NonZero's count, Unique's,
 * NonMaxSuppression's boxes, a TopK with a runtime k, a Loop's trip count).
 * It is the symbol "<node>.<what>" -- the node's name, else "<Op>_<index>",
 * e.g. "NonZero_17.n" -- and takes the value bound with --dim NAME=N.
 * Unbound, it takes `fallback` (the op's upper bound when one is known; -1
 * leaves the extent unknown) with a warning naming the symbol and the flag,
 * and the symbol is listed among the report's unbound symbols. */
int64_t pr_data_dim(struct pr_op_ctx *c, const char *what, int64_t fallback, const char *meaning);

/* ---- subgraphs (control flow; run by the walk, src/infer.c, through c->host) ----
 * A node's graph attributes (If's then_branch/else_branch, Loop's and
 * Scan's body, SequenceMap's body) are its subgraphs. A family runs one with
 * the types of its inputs and gets the types of its outputs and what one
 * execution costs; every node inside becomes a row nested under this one.
 * times: how many identical executions this run stands for (a Loop's trip
 * count when its iterations are alike); 0 runs it for its output types
 * only (a trial: nothing is recorded in the rows). The family adds the
 * cost (times `times`) to c->sub, which the row of the node reports. */
int pr_subgraph_find(struct pr_op_ctx *c, const char *attr);    /* index, or -1 */
/* Number of inputs and outputs of subgraph sub. */
void pr_subgraph_arity(struct pr_op_ctx *c, int sub, int *nin, int *nout);
int pr_subgraph_run(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in,
                    struct pr_tensor *out, uint64_t times, struct pr_sub_cost *cost);
/* The last run of sub is not counted in the totals (an If branch not
 * taken): its rows keep it for display only. */
void pr_subgraph_discard(struct pr_op_ctx *c, int sub);
/* pr_subgraph_run under the assumption that the node's condition (input 0)
 * is unknown (an If analysing both branches): a node inside that fails is a
 * warning naming the assumption and the --value that binds it, its outputs
 * unknown; *failed is how many nodes failed. The node's outputs rest on it. */
int pr_subgraph_run_assumed(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in,
                            struct pr_tensor *out, uint64_t times, struct pr_sub_cost *cost, int *failed);
/* sub is not run (the If branch its known condition does not take): its
 * rows are shown as not taken, outside the totals. */
void pr_subgraph_skip(struct pr_op_ctx *c, int sub);
/* The declared type of input i of subgraph sub into t (a symbol in it: its
 * --dim value, else -1). 0, or -1 when it declares none (t unknown). */
int pr_subgraph_input(struct pr_op_ctx *c, int sub, int i, struct pr_tensor *t);


/* ---- values and counts ---- */
struct pr_const *pr_const_new(struct pr_op_ctx *c, int64_t n);  /* NULL (error recorded) on OOM or n > PR_CONST_MAX */
struct pr_const *pr_const_int(struct pr_op_ctx *c, int64_t v);  /* one value v; NULL (error recorded) on OOM */
static inline const struct pr_tensor *pr_input(struct pr_op_ctx *c, int i)
{
    return i >= 0 && i < c->nin && i < PR_MAX_IO ? c->in[i] : 0;
}
static inline uint64_t pr_mul(struct pr_op_ctx *c, uint64_t a, uint64_t b)
{
    return pr_u64_mul(a, b, &c->overflow);
}
static inline uint64_t pr_add(struct pr_op_ctx *c, uint64_t a, uint64_t b)
{
    return pr_u64_add(a, b, &c->overflow);
}
static inline uint64_t pr_numel(struct pr_op_ctx *c, const struct pr_shape *s)
{
    return pr_shape_numel(s, &c->incomplete, &c->overflow);
}
/* One extent two inputs give (-1 unknown): the known one; -2 when they conflict. */
static inline int64_t pr_dim_agree(int64_t a, int64_t b)
{
    return a < 0 ? b : b < 0 || a == b ? a : -2;
}
/* a / n when n divides a; -1 when a is unknown; -2 when it does not divide (or n <= 0). */
static inline int64_t pr_dim_divide(int64_t a, int64_t n)
{
    return a < 0 ? -1 : n <= 0 || a % n ? -2 : a / n;
}

#endif
