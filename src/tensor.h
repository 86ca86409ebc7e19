/* tensor.h -- read an ONNX TensorProto into a struct pr_tensor.
 *
 * Takes the element type and dims, checks them (rank <= PR_MAX_RANK, no
 * negative dims, element count within 64 bits), and makes the values
 * known only when the tensor is small (<= PR_CONST_MAX elements) and
 * numeric: those are the shape-carrying constants inference needs. They
 * are decoded when first read (pr_const_values), not here: most small
 * initializers (biases, norm scales) are never read as values. The data
 * field used must hold exactly the declared number of elements (raw_data:
 * numel * size bytes, little-endian), checked here, so that decoding later
 * cannot fail; tp must live as long as the values may be read (the model's
 * protobuf tree). External data is described by the caller; its values are
 * never read here.
 */
#ifndef PR_TENSOR_H
#define PR_TENSOR_H

#include "arena.h"
#include "err.h"
#include "ir.h"
#include "onnx.pb-c.h"

/* Fills out from tp. what names the tensor in messages ("initializer 'w'").
 * Returns 0, or -1 with err set (PR_E_MODEL). */
int pr_tensor_from_proto(const Onnx__TensorProto *tp, struct pr_arena *a,
                         struct pr_tensor *out, const char *what, struct pr_err *err);

/* True when tp has dims with elements but holds no data in any field and
 * no external reference: a "weightless" export (TensorRT's and Polygraphy's
 * tools write them). pr_tensor_from_proto() accepts it without values. */
bool pr_tensor_proto_weightless(const Onnx__TensorProto *tp);

/* A known constant of n elements in both views; NULL on OOM. */
struct pr_const *pr_const_alloc(struct pr_arena *a, int64_t n);

#endif
