/* functions.h -- expand calls of model-local functions (ModelProto.functions).
 *
 * Before the IR is built (model.c), every node that calls a function of
 * the model -- matched by (domain, name, overload) -- is rewritten into a
 * node with one graph attribute holding that call's copy of the function
 * body. The rest of priori sees it as a node with a subgraph (like an If
 * branch): its rows are nested under the call in every report, its
 * operator is pr_function_op (ops/control.c), which runs the body once
 * with the call's inputs. See functions.c for the rules.
 */
#ifndef PR_FUNCTIONS_H
#define PR_FUNCTIONS_H

#include "arena.h"
#include "err.h"
#include "onnx.pb-c.h"

/* The graph attribute that carries a call's body: its AttributeProto is
 * the first member, so a pointer to it is a pointer to this struct.
 * pr_function_of() tells such an attribute from a model's own. */
struct pr_fn_attr {
    Onnx__AttributeProto a;
    const Onnx__FunctionProto *f;
};

/* The function whose body attribute a is, or NULL for any other attribute. */
const Onnx__FunctionProto *pr_function_of(const Onnx__AttributeProto *a);

/* Version of domain in f's own opset_import, 0 when f does not import it. */
int64_t pr_function_opset(const Onnx__FunctionProto *f, const char *domain);

/* Rewrites every call of a model-local function in mp's graph (and its
 * subgraphs, and function bodies, recursively) as described above. Copies
 * live in arena (and protobuf-c memory from al). Returns 0, or -1 with err
 * set (PR_E_MODEL: a recursive function, expansion too deep or too
 * large, a malformed function; PR_E_INTERNAL: out of memory). */
int pr_functions_expand(Onnx__ModelProto *mp, struct pr_arena *arena, ProtobufCAllocator *al,
                        struct pr_err *err);

#endif
