/* seq.h -- helpers shared by the sequence (sequence.c) and control-flow
 * (control.c) families: merging and comparing value types, and building
 * sequences from their elements' shapes. */
#ifndef PR_SEQ_H
#define PR_SEQ_H

#include <stdbool.h>

#include "op.h"

/* A tensor, sequence or optional with nothing known (rank -1, length -1). */
void pr_type_unknown(struct pr_tensor *t);
/* out = what both a and b satisfy: equal fields kept, differing extents
 * -1, differing ranks or lengths unknown, values dropped unless equal. */
void pr_type_merge(const struct pr_tensor *a, const struct pr_tensor *b, struct pr_tensor *out);
/* Same kind, element type, shape, length, element shapes and values. */
bool pr_type_equal(const struct pr_tensor *a, const struct pr_tensor *b);
/* t becomes a sequence of n elements of dtype with shapes (copied; NULL:
 * unknown shapes) and their common shape. -1 after an error (recorded). */
int pr_seq_set(struct pr_op_ctx *c, struct pr_tensor *t, int dtype, int64_t n, const struct pr_shape *shapes);

#endif
