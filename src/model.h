/* model.h -- the in-memory form of an ONNX model (the IR).
 *
 * pr_model_load() reads the file's graph, not its weights (source.h),
 * copies it without the weight payloads (wire.h), unpacks that with
 * protobuf-c, checks it and builds a graph of values and nodes indexed by
 * integers. Ownership:
 *   - the unpacked protobuf tree: m->proto, in m->pbmem (pbmem.h), freed
 *     at once by pr_model_free(); nodes with attributes keep a pointer to
 *     their NodeProto to read them (the main graph's nodes without
 *     attributes are read from the file in batches while the graph is
 *     built, nodesrc.h, and are not in the tree); a tensor's raw_data is
 *     there when the tensor is small enough to be decoded, else only its
 *     length (data NULL);
 *   - everything derived (names, shapes, constant values; the names of
 *     nodes read in batches): m->arena.
 * Weight payloads are never needed: initializers contribute their element
 * type and dims, and their values only when small (shape-carrying
 * constants). External data is recorded (location, offset, length), its
 * path checked to stay inside the model's folder, and never opened.
 *
 * Validation done here (errors name the node and what to do): a graph is
 * present, value names are defined once, every node input is defined (graph
 * input, initializer, earlier or later node output, or the empty optional
 * name), opset_import is read. Topological order and cycles are checked by
 * infer.c.
 */
#ifndef PR_MODEL_H
#define PR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "ir.h"
#include "names.h"
#include "source.h"

struct pr_pbmem;
struct pr_op;                     /* a row of the operator table (ops/op.h) */

/* An initializer's data when it is not inline (rare, so kept out of
 * struct pr_value, of which a graph has one per tensor): in an external
 * file, or stored sparse. */
struct pr_store {
    const char *location;         /* external: relative to the model's folder, checked; NULL: not external */
    int64_t offset, length;       /* length -1: to the end of the file */
    bool missing;                 /* the file is absent (warned once per file, grouped) */
    int64_t sparse_nnz;           /* sparse initializer: its stored (non-zero) elements */
};

/* The graph fields first: with t's small fields, rank and first extents
 * they fill the first cache line, which is all that loading and the
 * liveness passes read of most values. */
struct pr_value {
    const char *name;
    int producer;                 /* node index in its graph; -1 for graph inputs and initializers */
    int graph;                    /* id of the graph defining it (0: the main graph) */
    unsigned is_input : 1;        /* graph input that is not an initializer */
    unsigned is_output : 1;       /* graph output */
    unsigned is_initializer : 1;
    unsigned shape_checked : 1;   /* compared with its declared shape already */
    unsigned is_sparse : 1;       /* a sparse initializer: t has the dense shape */
    const void *declared;         /* Onnx__TypeProto from value_info/input/output, or NULL */
    const struct pr_store *store; /* where an external or sparse initializer's data is; NULL: inline */
    struct pr_tensor t;
};

/* What every pass over the nodes reads (inputs, outputs, the operator
 * row, the op type) is in the first 64 bytes. */
struct pr_node {
    int *in, *out;                /* value indices; -1 for absent optional ones */
    int nin, nout;
    int nimplicit;                /* values of enclosing scopes read inside its subgraphs */
    int nsubs;                    /* its graph attributes (If branches, Loop/Scan body) */
    const struct pr_op *op;       /* its row, bound by inference (infer.c); NULL:
                                     not in the operator table */
    int opset;                    /* version of the node's domain */
    int graph;                    /* id of the graph holding it (0: the main graph) */
    int index;                    /* position in the file */
    bool no_attrs;                /* the loader saw no attribute: node.c does not look in the
                                     proto (cold memory on large graphs); false: look */
    const char *op_type;          /* one string per distinct op type (and domain) of the model */
    const char *name;             /* "" when the model gives none */
    const char *domain;           /* "" for ai.onnx; one string per distinct domain */
    const void *proto;            /* Onnx__NodeProto, read by src/node.c; NULL when no_attrs and
                                     the node was read in a batch (nodesrc.h) */
    const struct pr_graph *scope; /* the graph holding it when it is a subgraph; NULL in the main graph */
    struct pr_graph **subs;       /* [nsubs] */
    int *implicit;                /* [nimplicit] */
};

struct pr_opset {
    const char *domain;           /* "" for ai.onnx */
    int64_t version;
};

/* The main graph and every subgraph. Values of all graphs share one array
 * (the main graph's `values`; nvalues counts them all), so a value index
 * means the same everywhere and a subgraph node may read a value of an
 * enclosing graph. Nodes of all graphs share one array too: the main
 * graph's nodes come first, a subgraph's `nodes` points at its own run of
 * it (node indices are local to their graph; a node's global index is its
 * offset from the main graph's `nodes`). Names resolve innermost first. */
struct pr_graph {
    struct pr_value *values;
    int nvalues;
    struct pr_node *nodes;
    int nnodes;
    bool sorted;                  /* the loader found every node's inputs (implicit ones too)
                                     produced by earlier nodes: the file's order is a schedule */
    int *inputs, ninputs;         /* value indices of non-initializer graph inputs */
    int *outputs, noutputs;
    struct pr_names names;        /* value name -> index, this graph's own values; used while
                                     loading, freed at its end */
    int id;                       /* 0: the main graph */
    int depth;                    /* nesting level: 0 for the main graph */
    const struct pr_graph *parent;/* enclosing graph; NULL for the main graph */
    int owner;                    /* global index of the node holding it; -1 main */
    const struct pr_node *owner_node; /* that node; NULL for the main graph */
    const char *attr;             /* its attribute in that node ("body", …); "" main */
    const struct Onnx__FunctionProto *function; /* a model-local function's body at its call (functions.h); NULL otherwise */
};

struct pr_model {
    const char *path;             /* as given */
    char *dir;                    /* folder that external data must stay in */
    struct pr_source file;        /* the file's bytes, read on demand while loading (source.h) */
    struct pr_file_id file_id;    /* the file that was loaded (zero: a buffer) */
    void *proto;                  /* Onnx__ModelProto */
    struct pr_pbmem *pbmem;       /* memory of the proto tree (pbmem.h), freed at once */
    int64_t ir_version;
    const char *producer;         /* "pytorch 1.13.1" or "" */
    struct pr_opset *opsets;
    int nopsets;
    struct pr_graph graph;
    struct pr_graph **graphs;     /* every graph by id; graphs[0] is &graph */
    int ngraphs;
    bool ops_bound;               /* every node's `op` is set (infer.c binds them once) */
    bool analysed;            /* pr_infer ran on it (the next run resets it first) */
    struct pr_arena arena;
    struct pr_arena_mark pre_analysis; /* the arena before its first analysis: each later one rewinds
                                     to it (what an analysis adds lives until the next one) */
};

enum {
    PR_MAX_FILE_BYTES = 2047 * 1024 * 1024,  /* protobuf's own 2 GB limit */
    PR_MAX_NODES = 1000 * 1000,              /* a 1M-node chain: ~10 s, 1.5 GB */
    PR_MAX_IR_VERSION = 13,
    PR_MAX_EVALS = 3 * 1000 * 1000,          /* node evaluations of one analysis (loops re-run bodies) */
    PR_MAX_NESTING = 64           /* subgraphs within subgraphs */
};

/* Flags of pr_model_load_flags(). */
enum {
    PR_LOAD_UNPACK_ALL = 1        /* unpack weight payloads too (no wire pass; tests compare both) */
};

/* Load path into m (zeroed by the call). Warnings (missing external data,
 * no default opset) go to diag. On error m is left freed and err says what
 * and where (exit code PR_E_IO or PR_E_MODEL); the caller adds the
 * file name. */
int pr_model_load(struct pr_model *m, const char *path, struct pr_diag *diag,
                  struct pr_err *err);
int pr_model_load_flags(struct pr_model *m, const char *path, unsigned flags,
                        struct pr_diag *diag, struct pr_err *err);
/* Same from a buffer (needed during the call only); dir is the folder external
 * data is resolved against (NULL: external data is refused). */
int pr_model_load_buffer(struct pr_model *m, const void *data, size_t size,
                         const char *name, const char *dir, struct pr_diag *diag,
                         struct pr_err *err);
void pr_model_free(struct pr_model *m);

int64_t pr_model_opset(const struct pr_model *m, const char *domain); /* 0 if not imported */

/* "node 17 'conv1' (Conv)" or "node 17 (Conv)" into buf; a subgraph's node
 * adds where it is: "node 2 'add' (Add) in 'body' of node 5 'loop' (Loop)". */
const char *pr_node_label(const struct pr_node *n, char *buf, size_t size);

#endif
