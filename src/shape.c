/* shape.c -- shapes, element types and checked arithmetic (see shape.h). */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct { unsigned bits; const char *name; } dtype_info[PR_DT_COUNT] = {
    [PR_DT_UNDEFINED] = {0, "?"},        [PR_DT_FLOAT] = {32, "float32"},
    [PR_DT_UINT8] = {8, "uint8"},         [PR_DT_INT8] = {8, "int8"},
    [PR_DT_UINT16] = {16, "uint16"},      [PR_DT_INT16] = {16, "int16"},
    [PR_DT_INT32] = {32, "int32"},        [PR_DT_INT64] = {64, "int64"},
    [PR_DT_STRING] = {64, "string"},      [PR_DT_BOOL] = {8, "bool"},
    [PR_DT_FLOAT16] = {16, "float16"},    [PR_DT_DOUBLE] = {64, "float64"},
    [PR_DT_UINT32] = {32, "uint32"},      [PR_DT_UINT64] = {64, "uint64"},
    [PR_DT_COMPLEX64] = {64, "complex64"}, [PR_DT_COMPLEX128] = {128, "complex128"},
    [PR_DT_BFLOAT16] = {16, "bfloat16"},  [PR_DT_FLOAT8E4M3FN] = {8, "float8e4m3fn"},
    [PR_DT_FLOAT8E4M3FNUZ] = {8, "float8e4m3fnuz"}, [PR_DT_FLOAT8E5M2] = {8, "float8e5m2"},
    [PR_DT_FLOAT8E5M2FNUZ] = {8, "float8e5m2fnuz"}, [PR_DT_UINT4] = {4, "uint4"},
    [PR_DT_INT4] = {4, "int4"},           [PR_DT_FLOAT4E2M1] = {4, "float4e2m1"},
    [PR_DT_FLOAT8E8M0] = {8, "float8e8m0"}, [PR_DT_UINT2] = {2, "uint2"},
    [PR_DT_INT2] = {2, "int2"},
};

unsigned pr_dtype_bits(int dtype)
{
    return dtype > 0 && dtype < PR_DT_COUNT ? dtype_info[dtype].bits : 0;
}

const char *pr_dtype_name(int dtype)
{
    return dtype > 0 && dtype < PR_DT_COUNT ? dtype_info[dtype].name : "?";
}

bool pr_dtype_is_float(int dtype)
{
    switch (dtype) {
    case PR_DT_FLOAT: case PR_DT_FLOAT16: case PR_DT_DOUBLE: case PR_DT_BFLOAT16:
    case PR_DT_FLOAT8E4M3FN: case PR_DT_FLOAT8E4M3FNUZ: case PR_DT_FLOAT8E5M2:
    case PR_DT_FLOAT8E5M2FNUZ: case PR_DT_FLOAT4E2M1: case PR_DT_FLOAT8E8M0:
        return true;
    default:
        return false;
    }
}

bool pr_dtype_is_int(int dtype)
{
    switch (dtype) {
    case PR_DT_UINT8: case PR_DT_INT8: case PR_DT_UINT16: case PR_DT_INT16:
    case PR_DT_INT32: case PR_DT_INT64: case PR_DT_UINT32: case PR_DT_UINT64:
    case PR_DT_UINT4: case PR_DT_INT4: case PR_DT_UINT2: case PR_DT_INT2:
        return true;
    default:
        return false;
    }
}

int64_t pr_double_to_i64(double v)
{
    if (isnan(v))
        return 0;
    if (v >= 9223372036854775807.0)
        return INT64_MAX;
    if (v <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)v;
}

void pr_shape_unknown(struct pr_shape *s)
{
    s->rank = -1;
}

void pr_shape_set(struct pr_shape *s, int rank, const int64_t *dims)
{
    s->rank = rank;
    for (int i = 0; i < rank && i < PR_MAX_RANK; i++)
        s->dim[i] = dims[i];
}

bool pr_shape_known(const struct pr_shape *s)
{
    if (s->rank < 0)
        return false;
    for (int i = 0; i < s->rank; i++)
        if (s->dim[i] < 0)
            return false;
    return true;
}

bool pr_shape_equal(const struct pr_shape *a, const struct pr_shape *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dim[i] != b->dim[i])
            return false;
    return true;
}

uint64_t pr_shape_numel(const struct pr_shape *s, bool *unknown, bool *overflow)
{
    /* one pass: an unknown extent anywhere makes it unknown (and leaves
     * *overflow alone, as if the extents were checked first) */
    if (s->rank < 0) {
        *unknown = true;
        return 0;
    }
    uint64_t n = 1;
    bool ovf = false;
    for (int i = 0; i < s->rank; i++) {
        if (s->dim[i] < 0) {
            *unknown = true;
            return 0;
        }
        n = pr_u64_mul(n, (uint64_t)s->dim[i], &ovf);
    }
    if (ovf)
        *overflow = true;
    return n;
}

uint64_t pr_shape_bytes(const struct pr_shape *s, int dtype, bool *unknown, bool *overflow)
{
    uint64_t n = pr_shape_numel(s, unknown, overflow);
    uint64_t bits = pr_u64_mul(n, pr_dtype_bits(dtype), overflow);
    return bits / 8 + (bits % 8 != 0);
}

int pr_shape_broadcast(const struct pr_shape *a, const struct pr_shape *b,
                       struct pr_shape *out)
{
    if (a->rank < 0 || b->rank < 0) {
        out->rank = -1;
        return 0;
    }
    int r = a->rank > b->rank ? a->rank : b->rank;
    struct pr_shape o = {.rank = r};
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dim[ia] : 1;
        int64_t db = ib >= 0 ? b->dim[ib] : 1;
        if (da == db)
            o.dim[i] = da;
        else if (da == 1)
            o.dim[i] = db;
        else if (db == 1)
            o.dim[i] = da;
        else if (da < 0)
            o.dim[i] = db;       /* ? vs n>1: valid only when ? is 1 or n */
        else if (db < 0)
            o.dim[i] = da;
        else
            return -1;
    }
    *out = o;
    return 0;
}

int pr_axis(int64_t axis, int rank)
{
    if (axis < -(int64_t)rank || axis >= rank)
        return -1;
    return (int)(axis < 0 ? axis + rank : axis);
}

/* Appends text to buf[*len..] as snprintf(buf + *len, size - *len, "%s", text)
 * would (truncated, terminated) and adds its full length to *len: a report
 * of a million rows formats shapes without printf's parsing. */
static void append(char *buf, size_t size, size_t *len, const char *text, size_t n)
{
    if (*len < size) {
        size_t room = size - *len - 1, k = n < room ? n : room;
        memcpy(buf + *len, text, k);
        buf[*len + k] = 0;
    }
    *len += n;
}

/* Decimal digits of v into the end of tmp[24]; returns where they start. */
static const char *decimal(uint64_t v, char tmp[24])
{
    char *p = tmp + 23;
    *p = 0;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

char *pr_shape_str(const struct pr_shape *s, char *buf, unsigned size)
{
    if (size == 0)
        return buf;
    buf[0] = 0;
    if (s->rank < 0) {
        snprintf(buf, size, "unknown");
        return buf;
    }
    if (s->rank == 0) {
        snprintf(buf, size, "scalar");
        return buf;
    }
    size_t len = 0;
    for (int i = 0; i < s->rank && len + 1 < size; i++) {   /* "%s%lld" of "x" and the dim, or "?" */
        char tmp[24];
        const char *d = s->dim[i] < 0 ? "?" : decimal((uint64_t)s->dim[i], tmp);
        if (i)
            append(buf, size, &len, "x", 1);
        append(buf, size, &len, d, strlen(d));
    }
    return buf;
}
