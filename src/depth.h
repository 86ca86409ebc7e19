/* depth.h -- how deeply an ONNX protobuf nests, measured on the wire before
 * protobuf-c unpacks it.
 *
 * protobuf-c unpacks nested messages by recursion without a depth limit,
 * so a file of If nodes nested 10,000 deep (or a TypeProto sequence of
 * sequences) overflows the stack: a crash on a 1 MB file. The walk here
 * follows only the fields through which ONNX messages recurse and stops
 * at PR_MAX_NESTING, so its own recursion is bounded too. */
#ifndef PR_DEPTH_H
#define PR_DEPTH_H

#include <stddef.h>

enum {
    PR_MAX_NESTING = 64   /* graphs in graphs (If/Loop/Scan bodies), types in types */
};

/* 0 when data (a serialized ModelProto) nests graphs and types at most
 * PR_MAX_NESTING deep; -1 when deeper, with *what set to "graph" or
 * "type". Malformed wire data is not this function's concern: it stops
 * reading there and lets the unpacker refuse it. */
int pr_proto_depth_check(const void *data, size_t size, const char **what);

#endif
