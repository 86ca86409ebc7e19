/* shape.h -- tensor shapes, element types and checked arithmetic.
 *
 * A shape has a rank (-1 when unknown) and up to PR_MAX_RANK extents; an
 * extent of -1 is unknown (e.g. a Reshape whose target is computed at run
 * time). Symbolic dims of the model (`batch`, `seq`) are resolved to numbers
 * when graph inputs are bound, so inference works on plain int64 extents.
 *
 * Counts are uint64_t and every product or sum goes through pr_u64_mul /
 * pr_u64_add, which set a sticky overflow flag instead of wrapping: the caller
 * checks the flag once and reports the node that overflowed.
 *
 * Element sizes are in bits so that 4-bit types (int4/uint4) are exact:
 * bytes = ceil(elements * bits / 8).
 */
#ifndef PR_SHAPE_H
#define PR_SHAPE_H

#include <stdbool.h>
#include <stdint.h>

#define PR_MAX_RANK 12

struct pr_shape {
    int rank;                    /* -1: unknown rank */
    int64_t dim[PR_MAX_RANK];    /* -1: unknown extent */
};

/* ONNX TensorProto.DataType values (onnx.proto; 17.. from newer schemas). */
enum pr_dtype {
    PR_DT_UNDEFINED = 0, PR_DT_FLOAT = 1, PR_DT_UINT8 = 2, PR_DT_INT8 = 3,
    PR_DT_UINT16 = 4, PR_DT_INT16 = 5, PR_DT_INT32 = 6, PR_DT_INT64 = 7,
    PR_DT_STRING = 8, PR_DT_BOOL = 9, PR_DT_FLOAT16 = 10, PR_DT_DOUBLE = 11,
    PR_DT_UINT32 = 12, PR_DT_UINT64 = 13, PR_DT_COMPLEX64 = 14,
    PR_DT_COMPLEX128 = 15, PR_DT_BFLOAT16 = 16, PR_DT_FLOAT8E4M3FN = 17,
    PR_DT_FLOAT8E4M3FNUZ = 18, PR_DT_FLOAT8E5M2 = 19, PR_DT_FLOAT8E5M2FNUZ = 20,
    PR_DT_UINT4 = 21, PR_DT_INT4 = 22, PR_DT_FLOAT4E2M1 = 23, PR_DT_FLOAT8E8M0 = 24,
    PR_DT_UINT2 = 25, PR_DT_INT2 = 26,
    PR_DT_COUNT
};

/* Bits per element; 0 for UNDEFINED/unknown codes. STRING counts as 64
 * (a pointer per element: its payload size is not knowable statically). */
unsigned pr_dtype_bits(int dtype);
const char *pr_dtype_name(int dtype);   /* "float32", "int64", … or "?" */
bool pr_dtype_is_float(int dtype);      /* float, double, half, bfloat, float8/4 */
bool pr_dtype_is_int(int dtype);        /* signed/unsigned integers, any width */

/* Truncating toward zero, saturating double -> int64 (NaN -> 0). */
int64_t pr_double_to_i64(double v);

/* Inline: every count of every node goes through them. */
static inline uint64_t pr_u64_mul(uint64_t a, uint64_t b, bool *overflow)
{
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r)) {
        *overflow = true;
        return UINT64_MAX;
    }
    return r;
}

static inline uint64_t pr_u64_add(uint64_t a, uint64_t b, bool *overflow)
{
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r)) {
        *overflow = true;
        return UINT64_MAX;
    }
    return r;
}

void pr_shape_unknown(struct pr_shape *s);                 /* rank -1 */
void pr_shape_set(struct pr_shape *s, int rank, const int64_t *dims);
bool pr_shape_known(const struct pr_shape *s);             /* rank >= 0 and no -1 */
bool pr_shape_equal(const struct pr_shape *a, const struct pr_shape *b);

/* Number of elements; *unknown set when the shape is not fully known (the
 * result is then 0). Scalars (rank 0) have 1 element. */
uint64_t pr_shape_numel(const struct pr_shape *s, bool *unknown, bool *overflow);
/* ceil(numel * bits / 8); same flags. */
uint64_t pr_shape_bytes(const struct pr_shape *s, int dtype, bool *unknown, bool *overflow);

/* Numpy multidirectional broadcasting of a and b into out. Unknown extents
 * broadcast to unknown unless the other side decides (an extent > 1 wins
 * over -1 when the -1 side could only be 1 or equal). Returns -1 when the
 * known extents are incompatible (neither equal nor 1). */
int pr_shape_broadcast(const struct pr_shape *a, const struct pr_shape *b,
                       struct pr_shape *out);

/* Normalises axis in [-rank, rank) to [0, rank); -1 when out of range. */
int pr_axis(int64_t axis, int rank);

/* Writes "1x3x224x224" ("?" for unknown extents, "scalar" for rank 0,
 * "unknown" for unknown rank) into buf; returns buf. */
char *pr_shape_str(const struct pr_shape *s, char *buf, unsigned size);

#endif
