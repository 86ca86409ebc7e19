/* nesting.h -- refuse models nested too deeply before protobuf-c sees them.
 *
 * protobuf-c unpacks nested messages recursively, with no depth limit: a
 * hostile file with If nodes nested 10,000 deep overflows the stack inside
 * onnx__model_proto__unpack. pr_proto_check_nesting() walks the wire format
 * first, following only the fields through which ONNX messages nest
 * (graph -> node -> attribute -> graph, and TypeProto within TypeProto),
 * with its own recursion bounded by the limits it enforces.
 */
#ifndef PR_NESTING_H
#define PR_NESTING_H

#include <stddef.h>

#include "err.h"

/* 0 when subgraphs nest at most PR_MAX_NESTING levels and types at most
 * PR_MAX_NESTING; -1 with err set (PR_E_MODEL) otherwise. Malformed
 * bytes are left for the unpacker to report (returns 0). */
int pr_proto_check_nesting(const void *data, size_t size, struct pr_err *err);
/* The error for a model past the limit: which 1 subgraphs, 2 types
 * (pr_wire_stats.nest_excess, the same count made by the wire pass);
 * returns -1. */
int pr_nesting_refused(int which, struct pr_err *err);

#endif
