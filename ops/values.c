/* values.c -- known values of small tensors (see values.h). */
#include "values.h"

#include <stdbool.h>
#include <stddef.h>

int64_t pr_small_numel(const struct pr_shape *s)
{
    if (s->rank < 0)
        return -1;
    /* The product of the non-zero extents must be small too, even when a
     * zero extent makes the tensor empty: the value walks form strides and
     * spans from those extents ([0, 2^63-1, 4] overflowed one, and a span
     * of 2^62 iterations would never end). */
    int64_t n = 1;
    bool empty = false;
    for (int i = 0; i < s->rank; i++) {
        if (s->dim[i] < 0)
            return -1;
        if (s->dim[i] == 0) {
            empty = true;
            continue;
        }
        if (s->dim[i] > PR_CONST_MAX)
            return -1;
        n *= s->dim[i];            /* both factors <= PR_CONST_MAX: no overflow */
        if (n > PR_CONST_MAX)
            return -1;
    }
    return empty ? 0 : n;
}

const struct pr_const *pr_values_of(const struct pr_tensor *t)
{
    if (!t || !t->cval)
        return NULL;
    return pr_small_numel(&t->shape) == t->cval->n ? pr_const_values(t->cval) : NULL;
}

int pr_int_list(struct pr_op_ctx *c, int i, const char *what, int64_t *buf, int cap, int *n,
                bool scalar_ok)
{
    const struct pr_tensor *t = pr_input(c, i);
    *n = -1;
    if (!t)
        return pr_op_error(c, "%s (input %d) is missing", what, i);
    if (t->shape.rank > 1 || (t->shape.rank == 0 && !scalar_ok))
        return pr_op_error(c, "%s (input %d) must be a 1-D tensor but has rank %d",
                           what, i, t->shape.rank);
    int64_t len = t->shape.rank == 0 ? 1 : t->shape.dim[0];
    if (len > cap)
        return pr_op_error(c, "%s (input %d) has %lld values; at most %d are meaningful here",
                           what, i, (long long)len, cap);
    const struct pr_const *v = pr_values_of(t);
    if (!v) {
        *n = (int)len;
        return 0;
    }
    for (int64_t k = 0; k < v->n; k++)
        buf[k] = v->i[k];
    *n = (int)v->n;
    return 1;
}

int pr_list_arg(struct pr_op_ctx *c, const char *attr, const char *name, int since, int i,
                int64_t *buf, int cap, int *n)
{
    *n = -1;
    if (c->opset < since) {
        int k = pr_attr_ints(c, attr, buf, cap);
        if (k < 0)
            return c->failed ? -1 : 0;
        *n = k;
        return 2;
    }
    if (pr_attr_has(c, name))
        return pr_op_error(c, "'%s' is an input since opset %d, not an attribute "
                           "(the model imports opset %d)", name, since, c->opset);
    if (!pr_input(c, i))
        return 0;
    int r = pr_int_list(c, i, name, buf, cap, n, true);
    return r < 0 ? -1 : r + 1;
}
