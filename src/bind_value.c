/* bind_value.c -- --value NAME=V[,V...]: the values of a small graph input.
 *
 * A sample rate, a sequence length or a shape tensor given as a graph input
 * decides shapes and which If branch runs; bound to known values, constant
 * folding sees them like a Constant. The text is checked against what the
 * model declares for the input:
 *   - rank 0 takes exactly one value, rank 1 as many as its extent (any
 *     number when the extent is a symbol or unknown); an input of unknown
 *     rank becomes rank 1 ([n]), or a scalar when one value is given;
 *     rank > 1 is refused;
 *   - integer types take integers within the type's range, bool takes 0/1
 *     or true/false, float types any finite number; other types are refused.
 * Every refusal is a usage error (exit 2) naming the input and the rule.
 * Values given as tensors (the conformance runner's inputs) are checked the
 * for their shape: rank equal, every known extent equal.
 */
#include "infer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Range of an integer dtype; false for non-integers. */
static bool int_range(int dtype, double *lo, double *hi)
{
    switch (dtype) {
    case PR_DT_INT8: *lo = -128; *hi = 127; return true;
    case PR_DT_UINT8: *lo = 0; *hi = 255; return true;
    case PR_DT_INT16: *lo = -32768; *hi = 32767; return true;
    case PR_DT_UINT16: *lo = 0; *hi = 65535; return true;
    case PR_DT_INT32: *lo = -2147483648.0; *hi = 2147483647.0; return true;
    case PR_DT_UINT32: *lo = 0; *hi = 4294967295.0; return true;
    case PR_DT_INT64: *lo = -9223372036854775808.0; *hi = 9223372036854775807.0; return true;
    case PR_DT_UINT64: *lo = 0; *hi = 18446744073709551615.0; return true;
    default: return false;
    }
}

/* One element of text at *p into *i / *f; advances *p past it and a comma. */
static int parse_one(const char **p, int dtype, int64_t *i, double *f)
{
    const char *s = *p;
    char *end;
    double lo, hi;
    if (dtype == PR_DT_BOOL) {
        size_t n = strcspn(s, ",");
        if ((n == 4 && strncmp(s, "true", 4) == 0) || (n == 1 && *s == '1'))
            *i = 1;
        else if ((n == 5 && strncmp(s, "false", 5) == 0) || (n == 1 && *s == '0'))
            *i = 0;
        else
            return -1;
        end = (char *)s + n;
        *f = (double)*i;
    } else if (int_range(dtype, &lo, &hi)) {
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno || (double)v < lo || (double)v > hi)
            return -1;
        *i = v;
        *f = (double)v;
    } else {
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno || !isfinite(v))
            return -1;
        *f = v;
        *i = pr_double_to_i64(v);
    }
    if (*end == ',')
        end++;
    else if (*end)
        return -1;
    *p = end;
    return 0;
}

int pr_value_check(const char *name, const struct pr_tensor *t, int dtype, const struct pr_shape *decl,
                   struct pr_err *err)
{
    char a[200], b[200];
    if (t->kind != PR_KIND_TENSOR)
        return 0;   /* sequences and optionals: their element types are not declared alike */
    (void)dtype;   /* old test data stores bfloat16 as uint16: the type is not compared */
    bool fits = decl->rank < 0 || decl->rank == t->shape.rank;
    for (int k = 0; fits && decl->rank >= 0 && k < decl->rank; k++)
        fits = decl->dim[k] < 0 || t->shape.dim[k] < 0 || decl->dim[k] == t->shape.dim[k];
    if (!fits)
        return pr_err_set(err, PR_E_ARG, "value of input '%s': its shape %s does not fit the declared %s", name,
                          pr_shape_str(&t->shape, a, sizeof a), pr_shape_str(decl, b, sizeof b));
    return 0;
}

int pr_value_parse(const char *name, const char *text, int dtype, const struct pr_shape *decl,
                   struct pr_arena *arena, struct pr_tensor *out, struct pr_err *err)
{
    double lo, hi;
    if (dtype != PR_DT_BOOL && !int_range(dtype, &lo, &hi) && !pr_dtype_is_float(dtype))
        return pr_err_set(err, PR_E_ARG, "--value %s: the input is %s; --value binds integer, bool and float inputs",
                          name, dtype ? pr_dtype_name(dtype) : "of no declared element type");
    if (decl->rank > 1)
        return pr_err_set(err, PR_E_ARG, "--value %s: the input has rank %d; --value binds inputs of rank 0 or 1",
                          name, decl->rank);
    int64_t n = *text ? 1 : 0;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    if (n == 0 || n > PR_CONST_MAX)
        return pr_err_set(err, PR_E_ARG, "--value %s=%s: expected 1 to %d comma-separated values", name, text,
                          PR_CONST_MAX);
    if (decl->rank == 0 && n != 1)
        return pr_err_set(err, PR_E_ARG, "--value %s: the input is a scalar but %lld values are given", name,
                          (long long)n);
    if (decl->rank == 1 && decl->dim[0] >= 0 && decl->dim[0] != n)
        return pr_err_set(err, PR_E_ARG, "--value %s: the input has %lld elements but %lld values are given",
                          name, (long long)decl->dim[0], (long long)n);
    struct pr_const *cv = pr_arena_calloc(arena, 1, sizeof *cv);
    int64_t *iv = pr_arena_calloc(arena, (size_t)n, sizeof *iv);
    double *fv = pr_arena_calloc(arena, (size_t)n, sizeof *fv);
    if (!cv || !iv || !fv)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    const char *p = text;
    for (int64_t k = 0; k < n; k++)
        if (parse_one(&p, dtype, &iv[k], &fv[k]) < 0)
            return pr_err_set(err, PR_E_ARG, "--value %s=%s: value %lld is not %s", name, text, (long long)k + 1,
                              dtype == PR_DT_BOOL ? "a bool (0, 1, true, false)"
                              : pr_dtype_is_float(dtype) ? "a finite number"
                                                         : "an integer within the input's type");
    cv->n = n;
    cv->i = iv;
    cv->f = fv;
    memset(out, 0, sizeof *out);
    out->dtype = dtype;
    out->seq_len = -1;
    out->has_value = -1;
    out->shape.rank = decl->rank == 0 || (decl->rank < 0 && n == 1) ? 0 : 1;
    out->shape.dim[0] = n;
    out->cval = cv;
    return 0;
}
