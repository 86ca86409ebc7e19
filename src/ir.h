/* ir.h -- the value types of priori's intermediate representation.
 *
 * What a value of the graph holds once loaded or inferred: element type,
 * shape, small constant values, and for sequences and optionals what their
 * elements are; and the byte sizes every layer above counts with. The
 * graph itself (nodes, values, subgraphs) is in model.h; operators see
 * these types through the accessor API (ops/op.h), which includes this
 * header, and never the graph.
 */
#ifndef PR_IR_H
#define PR_IR_H

#include <stdbool.h>
#include <stdint.h>

#include "shape.h"

#define PR_MAX_IO 1024      /* inputs/outputs a node may have */
#define PR_CONST_MAX 4096   /* largest tensor whose values are tracked */

/* Element values of a small tensor, row-major, in two views: ints (floats
 * truncated toward zero, saturated) and doubles. An initializer's values
 * are decoded only when something reads them: until then i and f are NULL
 * and decode is set (tensor.c); read them through pr_const_values(), which
 * decodes on first use. n is always set. */
struct pr_const {
    int64_t n;
    int64_t *i;
    double *f;
    /* not yet decoded: decode(c) fills i and f from src (into store) */
    void (*decode)(struct pr_const *c);
    const void *src;
    void *store;
};

/* c with its values decoded (c itself; NULL for NULL). */
static inline const struct pr_const *pr_const_values(const struct pr_const *c)
{
    if (c && c->decode)
        c->decode((struct pr_const *)c);   /* arena memory, never a const object */
    return c;
}

/* What a value holds. A sequence's dtype and shape describe its elements
 * (shape: the extents all elements agree on, -1 where they differ, rank -1
 * when their ranks differ); an optional's describe its element, whose kind
 * is elem_kind (a tensor or a sequence). */
enum pr_kind { PR_KIND_TENSOR = 0, PR_KIND_SEQUENCE, PR_KIND_OPTIONAL };

#define PR_SEQ_MAX 256      /* longest sequence whose elements' shapes are tracked */

/* The small fields come first and the shape's extents last but two, so
 * that a value's type, rank and first extents share its first cache line
 * with the graph fields of struct pr_value (model.h). */
struct pr_tensor {
    int dtype;                    /* enum pr_dtype; 0 unknown */
    bool is_weight : 1;           /* initializer or Constant output */
    bool from_weights : 1;        /* a weight seen through data movement (F.linear's W.t()), a
                                     cast or dequantization: an operand that is a parameter, not
                                     an activation; its elements are not counted as parameters */
    /* sequences and optionals (kind 0, the zero value, is a plain tensor) */
    unsigned char kind;           /* enum pr_kind */
    unsigned char elem_kind;      /* optional: kind of its element (tensor or sequence) */
    signed char has_value;        /* optional: 1 holds an element, 0 empty, -1 unknown */
    struct pr_shape shape;
    const struct pr_const *cval;  /* NULL unless values are known */
    int64_t seq_len;              /* sequence: number of elements, -1 unknown */
    const struct pr_shape *elems; /* sequence: each element's shape when seq_len is
                                     known and <= PR_SEQ_MAX; NULL otherwise */
};

/* Bytes of a value: a tensor's, a sequence's elements summed, an
 * optional's element; *unknown when not knowable (ir.c). */
uint64_t pr_tensor_bytes(const struct pr_tensor *t, bool *unknown, bool *overflow);

struct pr_value;
/* Activation bytes of a graph value (0 for weights and unknown types);
 * *ovf on overflow (ir.c). */
uint64_t pr_value_act_bytes(const struct pr_value *v, bool *ovf);

#endif
