/* values.h -- known values of small tensors, as the shape families read
 * them: element counts that are small enough to track, integer lists given
 * as inputs (shapes, axes, pads, repeats) or, in older opsets, as
 * attributes. Implemented in values.c. */
#ifndef PR_VALUES_H
#define PR_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

/* Elements of s when every extent is known and there are at most
 * PR_CONST_MAX of them (0 for an empty tensor, whose non-zero extents
 * must multiply to at most PR_CONST_MAX too); -1 otherwise. */
int64_t pr_small_numel(const struct pr_shape *s);
/* The tensor's values, when known and consistent with its shape; else NULL. */
const struct pr_const *pr_values_of(const struct pr_tensor *t);
/* Values of input i, a 1-D list of integers; a scalar counts as one value
 * when scalar_ok. Returns 1 with *n values in buf, 0 when they are not
 * known (*n = their count, -1 if unknown), -1 after an error (input
 * missing, rank > 1, more than cap values). what names it in messages. */
int pr_int_list(struct pr_op_ctx *c, int i, const char *what, int64_t *buf, int cap, int *n,
                bool scalar_ok);
/* An integer list that is attribute attr before opset since and input i
 * (called name) from then on. Returns 2 with the values in buf, 1 when
 * present with unknown values (*n = count or -1), 0 when absent, -1 after
 * an error (also: the attribute written where the opset wants the input). */
int pr_list_arg(struct pr_op_ctx *c, const char *attr, const char *name, int since, int i,
                int64_t *buf, int cap, int *n);

#endif
