/* ir.c -- byte sizes of the IR's values (ir.h): a tensor's elements times
 * its element size, a sequence's elements summed, an optional's element;
 * checked arithmetic (an overflow is flagged, never wrapped). Activation
 * bytes leave out weights (initializers, Constant outputs). */
#include "ir.h"

#include "model.h"

uint64_t pr_tensor_bytes(const struct pr_tensor *t, bool *unknown, bool *overflow)
{
    if (t->dtype == 0) {
        *unknown = true;
        return 0;
    }
    if (t->kind == PR_KIND_OPTIONAL) {
        if (t->has_value == 0)
            return 0;
        struct pr_tensor e = *t;
        e.kind = t->elem_kind;
        return pr_tensor_bytes(&e, unknown, overflow);
    }
    if (t->kind != PR_KIND_SEQUENCE)
        return pr_shape_bytes(&t->shape, t->dtype, unknown, overflow);
    if (t->elems) {
        uint64_t sum = 0;
        for (int64_t i = 0; i < t->seq_len; i++)
            sum = pr_u64_add(sum, pr_shape_bytes(&t->elems[i], t->dtype, unknown, overflow), overflow);
        return sum;
    }
    if (t->seq_len < 0) {
        *unknown = true;
        return 0;
    }
    return pr_u64_mul((uint64_t)t->seq_len, pr_shape_bytes(&t->shape, t->dtype, unknown, overflow), overflow);
}

uint64_t pr_value_act_bytes(const struct pr_value *v, bool *ovf)
{
    bool unknown = false;
    if (v->t.is_weight || v->t.from_weights || v->is_initializer || v->t.dtype == 0)
        return 0;
    return pr_tensor_bytes(&v->t, &unknown, ovf);
}
