/* sequence.c -- sequences of tensors and optionals: their element types,
 * lengths and element shapes. None computes anything: MACs = FLOPs = 0.
 *
 * A sequence value (op.h) keeps its element type, the shape its elements
 * agree on (-1 where they differ), its length when known and, for lengths
 * up to PR_SEQ_MAX, every element's shape. Positions (SequenceAt, Insert,
 * Erase) must be known constants for the element shapes to stay exact;
 * otherwise only the length (Insert +1, Erase -1) and the common shape are.
 *
 *   SequenceEmpty          length 0, element type `dtype` (default float)
 *   SequenceConstruct      the inputs, in order (one element type)
 *   SequenceInsert         tensor at `position` (default: the end), in [-n, n]
 *   SequenceErase          drops `position` (default: the last), in [-n, n-1]
 *   SequenceAt             the element at position p in [-n, n-1]
 *   SequenceLength         int64 scalar n (its value when n is known)
 *   ConcatFromSequence     new_axis 0: elements joined along axis (extent =
 *                          the sum); new_axis 1: stacked at axis, in [-r-1, r]
 *   SplitToSequence        split absent: dim[axis] pieces of 1 (the axis dropped
 *                          when keepdims = 0); scalar s: ceil(d/s) pieces of s,
 *                          the last d - s*(n-1); 1-D list: one piece per entry
 *   Optional               an optional holding the input (empty without one)
 *   OptionalHasElement     bool scalar (its value when known)
 *   OptionalGetElement     the element (from opset 18 a plain tensor or
 *                          sequence passes through)
 * Bytes of a sequence are the sum of its elements' (infer.c).
 */
#include <string.h>

#include "arena.h"
#include "families.h"
#include "seq.h"
#include "values.h"

/* ---- shared helpers (seq.h) ---- */

void pr_type_unknown(struct pr_tensor *t)
{
    memset(t, 0, sizeof *t);
    t->shape.rank = -1;
    t->seq_len = -1;
    t->has_value = -1;
}

static void merge_shape(const struct pr_shape *a, const struct pr_shape *b, struct pr_shape *out)
{
    if (a->rank != b->rank) {
        pr_shape_unknown(out);
        return;
    }
    struct pr_shape s = *a;
    for (int k = 0; k < s.rank; k++)
        if (a->dim[k] != b->dim[k])
            s.dim[k] = -1;
    *out = s;
}

static bool same_values(const struct pr_const *a, const struct pr_const *b)
{
    if (!a || !b)
        return a == b;
    if (a->n != b->n)
        return false;
    for (int64_t i = 0; i < a->n; i++)
        if (a->i[i] != b->i[i] || a->f[i] != b->f[i])
            return false;
    return true;
}

static bool same_elems(const struct pr_tensor *a, const struct pr_tensor *b)
{
    if (!a->elems || !b->elems)
        return a->elems == b->elems;
    if (a->seq_len != b->seq_len)
        return false;
    for (int64_t i = 0; i < a->seq_len; i++)
        if (!pr_shape_equal(&a->elems[i], &b->elems[i]))
            return false;
    return true;
}

void pr_type_merge(const struct pr_tensor *a, const struct pr_tensor *b, struct pr_tensor *out)
{
    struct pr_tensor t;
    pr_type_unknown(&t);
    if (a->kind != b->kind) {
        *out = t;
        return;
    }
    t.kind = a->kind;
    t.elem_kind = a->elem_kind == b->elem_kind ? a->elem_kind : PR_KIND_TENSOR;
    t.dtype = a->dtype == b->dtype ? a->dtype : 0;
    merge_shape(&a->shape, &b->shape, &t.shape);
    t.seq_len = a->seq_len == b->seq_len ? a->seq_len : -1;
    t.elems = same_elems(a, b) ? a->elems : NULL;
    t.has_value = a->has_value == b->has_value ? a->has_value : -1;
    t.cval = same_values(pr_const_values(a->cval), pr_const_values(b->cval)) ? a->cval : NULL;
    *out = t;
}

bool pr_type_equal(const struct pr_tensor *a, const struct pr_tensor *b)
{
    return a->kind == b->kind && a->elem_kind == b->elem_kind && a->dtype == b->dtype &&
           pr_shape_equal(&a->shape, &b->shape) && a->seq_len == b->seq_len && same_elems(a, b) &&
           a->has_value == b->has_value && same_values(pr_const_values(a->cval), pr_const_values(b->cval));
}

int pr_seq_set(struct pr_op_ctx *c, struct pr_tensor *t, int dtype, int64_t n, const struct pr_shape *shapes)
{
    pr_type_unknown(t);
    t->kind = PR_KIND_SEQUENCE;
    t->dtype = dtype;
    t->seq_len = n;
    if (n < 0 || !shapes || n > PR_SEQ_MAX)
        return 0;
    struct pr_shape *e = pr_arena_alloc(c->arena, ((size_t)n + 1) * sizeof *e);
    if (!e)
        return pr_op_error(c, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        e[i] = shapes[i];
        if (i == 0)
            t->shape = shapes[0];
        else
            merge_shape(&t->shape, &shapes[i], &t->shape);
    }
    t->elems = e;
    return 0;
}

/* ---- helpers ---- */

static int want_sequence(struct pr_op_ctx *c, int i)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return pr_op_error(c, "input %d (a sequence) is required", i);
    if (t->kind != PR_KIND_SEQUENCE)
        return pr_op_error(c, "input %d must be a sequence of tensors, not a %s", i,
                           t->kind == PR_KIND_OPTIONAL ? "optional" : "tensor");
    return 0;
}

/* Known position input i (a scalar or 1-element int), or absent: 1 with
 * *pos, 0 when unknown or absent (*present says which), -1 on error. */
static int position(struct pr_op_ctx *c, int i, int64_t *pos, bool *present)
{
    const struct pr_tensor *p = pr_input(c, i);
    *present = p != NULL;
    if (!p)
        return 0;
    if (p->kind != PR_KIND_TENSOR || p->shape.rank > 1)
        return pr_op_error(c, "position must be an integer scalar");
    const struct pr_const *v = pr_values_of(p);
    if (!v || v->n != 1)
        return 0;
    *pos = v->i[0];
    return 1;
}

/* A copy of t's element shapes with room for one more, or NULL. */
static struct pr_shape *elems_copy(struct pr_op_ctx *c, const struct pr_tensor *t)
{
    if (!t->elems || t->seq_len < 0)
        return NULL;
    struct pr_shape *e = pr_arena_alloc(c->arena, ((size_t)t->seq_len + 2) * sizeof *e);
    if (e && t->seq_len)
        memcpy(e, t->elems, (size_t)t->seq_len * sizeof *e);
    return e;
}

/* ---- operators ---- */

int seq_empty_shape(struct pr_op_ctx *c)
{
    int dtype = (int)pr_attr_int(c, "dtype", PR_DT_FLOAT);
    if (dtype <= 0 || dtype >= PR_DT_COUNT)
        return pr_op_error(c, "dtype %d is not an ONNX element type", dtype);
    static const struct pr_shape none = {.rank = -1};
    return pr_seq_set(c, c->out[0], dtype, 0, &none);
}

int seq_construct_shape(struct pr_op_ctx *c)
{
    if (c->nin < 1)
        return pr_op_error(c, "needs at least one input tensor");
    struct pr_shape *s = pr_arena_alloc(c->arena, (size_t)c->nin * sizeof *s);
    if (!s)
        return pr_op_error(c, "out of memory");
    int dtype = 0;
    for (int i = 0; i < c->nin; i++) {
        const struct pr_tensor *t = pr_input(c, i);
        if (!t || t->kind != PR_KIND_TENSOR)
            return pr_op_error(c, "input %d must be a tensor", i);
        if (i > 0 && t->dtype && dtype && t->dtype != dtype)
            return pr_op_error(c, "input %d is %s but input 0 is %s; a sequence holds one element type", i,
                               pr_dtype_name(t->dtype), pr_dtype_name(dtype));
        if (!dtype)
            dtype = t->dtype;
        s[i] = t->shape;
    }
    return pr_seq_set(c, c->out[0], dtype, c->nin, s);
}

int seq_insert_shape(struct pr_op_ctx *c)
{
    if (want_sequence(c, 0) < 0 || pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *seq = pr_input(c, 0), *x = pr_input(c, 1);
    if (x->kind != PR_KIND_TENSOR)
        return pr_op_error(c, "input 1 must be a tensor");
    if (seq->dtype && x->dtype && seq->dtype != x->dtype)
        return pr_op_error(c, "the tensor is %s but the sequence holds %s", pr_dtype_name(x->dtype),
                           pr_dtype_name(seq->dtype));
    int dtype = seq->dtype ? seq->dtype : x->dtype;
    int64_t n = seq->seq_len, pos = n;
    bool present;
    int known = position(c, 2, &pos, &present);
    if (known < 0)
        return -1;
    if (known && n >= 0) {
        if (pos < -n || pos > n)
            return pr_op_error(c, "position %lld is outside [-%lld, %lld]", (long long)pos, (long long)n, (long long)n);
        if (pos < 0)
            pos += n;
    }
    struct pr_shape *e = (known || !present) && n >= 0 ? elems_copy(c, seq) : NULL;
    if (e) {
        memmove(&e[pos + 1], &e[pos], (size_t)(n - pos) * sizeof *e);
        e[pos] = x->shape;
        return pr_seq_set(c, c->out[0], dtype, n + 1, e);
    }
    struct pr_tensor *o = c->out[0];
    if (pr_seq_set(c, o, dtype, n >= 0 ? n + 1 : -1, NULL) < 0)
        return -1;
    if (n == 0)
        o->shape = x->shape;
    else
        merge_shape(&seq->shape, &x->shape, &o->shape);
    return 0;
}

int seq_erase_shape(struct pr_op_ctx *c)
{
    if (want_sequence(c, 0) < 0)
        return -1;
    const struct pr_tensor *seq = pr_input(c, 0);
    int64_t n = seq->seq_len, pos = n - 1;
    bool present;
    int known = position(c, 1, &pos, &present);
    if (known < 0)
        return -1;
    if (n == 0)
        return pr_op_error(c, "erasing from an empty sequence");
    if (known && n >= 0) {
        if (pos < -n || pos >= n)
            return pr_op_error(c, "position %lld is outside [-%lld, %lld]", (long long)pos, (long long)n,
                               (long long)(n - 1));
        if (pos < 0)
            pos += n;
    }
    struct pr_shape *e = (known || !present) && n > 0 ? elems_copy(c, seq) : NULL;
    if (e) {
        memmove(&e[pos], &e[pos + 1], (size_t)(n - pos - 1) * sizeof *e);
        return pr_seq_set(c, c->out[0], seq->dtype, n - 1, e);
    }
    if (pr_seq_set(c, c->out[0], seq->dtype, n > 0 ? n - 1 : -1, NULL) < 0)
        return -1;
    c->out[0]->shape = seq->shape;
    return 0;
}

int seq_at_shape(struct pr_op_ctx *c)
{
    if (want_sequence(c, 0) < 0 || pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *seq = pr_input(c, 0);
    int64_t n = seq->seq_len, pos = 0;
    bool present;
    int known = position(c, 1, &pos, &present);
    if (known < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    pr_type_unknown(o);
    o->dtype = seq->dtype;
    o->shape = seq->shape;
    if (known && n >= 0) {
        if (pos < -n || pos >= n)
            return pr_op_error(c, "position %lld is outside [-%lld, %lld]", (long long)pos, (long long)n,
                               (long long)(n - 1));
        if (seq->elems)
            o->shape = seq->elems[pos < 0 ? pos + n : pos];
    }
    return 0;
}

int seq_length_shape(struct pr_op_ctx *c)
{
    if (want_sequence(c, 0) < 0)
        return -1;
    struct pr_tensor *o = c->out[0];
    pr_type_unknown(o);
    o->dtype = PR_DT_INT64;
    o->shape.rank = 0;
    int64_t n = pr_input(c, 0)->seq_len;
    if (n >= 0) {
        if (!(o->cval = pr_const_int(c, n)))
            return -1;
    }
    return 0;
}

/* Element shapes joined along axis (new_axis: stacked at axis). */
int seq_concat_shape(struct pr_op_ctx *c)
{
    if (want_sequence(c, 0) < 0)
        return -1;
    const struct pr_tensor *seq = pr_input(c, 0);
    if (!pr_attr_has(c, "axis"))
        return pr_op_error(c, "attribute 'axis' is required");
    int64_t axis = pr_attr_int(c, "axis", 0), new_axis = pr_attr_int(c, "new_axis", 0);
    if (new_axis != 0 && new_axis != 1)
        return pr_op_error(c, "new_axis is %lld; it must be 0 or 1", (long long)new_axis);
    struct pr_tensor *o = c->out[0];
    pr_type_unknown(o);
    o->dtype = seq->dtype;
    int r = seq->shape.rank;
    if (r < 0)
        return 0;
    if (r + (int)new_axis > PR_MAX_RANK)
        return pr_op_error(c, "the result would have rank %d; at most %d is supported", r + 1, PR_MAX_RANK);
    int ax = pr_axis(axis, r + (int)new_axis);
    if (ax < 0)
        return pr_op_error(c, "axis %lld is out of range for elements of rank %d", (long long)axis, r);
    int64_t n = seq->seq_len;
    if (n == 0)
        return pr_op_error(c, "the sequence is empty; there is nothing to concatenate");
    struct pr_shape s = seq->shape;
    if (new_axis) {
        memmove(&s.dim[ax + 1], &s.dim[ax], (size_t)(r - ax) * sizeof s.dim[0]);
        s.rank = r + 1;
        s.dim[ax] = n;
    } else if (seq->elems) {
        int64_t sum = 0;
        for (int64_t i = 0; i < n && sum >= 0; i++) {
            int64_t d = seq->elems[i].dim[ax];
            sum = d < 0 || sum > INT64_MAX - d ? -1 : sum + d;
        }
        s.dim[ax] = sum;
    } else {
        s.dim[ax] = n >= 0 && s.dim[ax] >= 0 && (s.dim[ax] == 0 || n <= INT64_MAX / s.dim[ax]) ? n * s.dim[ax] : -1;
    }
    o->shape = s;
    return 0;
}

int seq_split_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0), *split = pr_input(c, 1);
    int64_t axis = pr_attr_int(c, "axis", 0), keepdims = pr_attr_int(c, "keepdims", 1);
    int r = x->shape.rank;
    int ax = pr_axis(axis, r);
    if (ax < 0)
        return pr_op_error(c, "axis %lld is out of range for rank %d", (long long)axis, r);
    int64_t d = x->shape.dim[ax];
    struct pr_shape piece = x->shape;
    int64_t n = -1;
    int64_t sizes[PR_SEQ_MAX];
    bool have_sizes = false;
    if (!split) {
        n = d;
        if (!keepdims) {
            memmove(&piece.dim[ax], &piece.dim[ax + 1], (size_t)(r - ax - 1) * sizeof piece.dim[0]);
            piece.rank = r - 1;
        } else {
            piece.dim[ax] = 1;
        }
        for (int64_t i = 0; n >= 0 && n <= PR_SEQ_MAX && i < n; i++)
            sizes[i] = 1;
        have_sizes = n >= 0 && n <= PR_SEQ_MAX;
    } else {
        if (split->shape.rank > 1)
            return pr_op_error(c, "split must be a scalar or a 1-D tensor");
        const struct pr_const *v = pr_values_of(split);
        piece.dim[ax] = -1;
        if (split->shape.rank == 0 && v && v->n == 1) {
            int64_t s = v->i[0];
            if (s <= 0)
                return pr_op_error(c, "split %lld must be positive", (long long)s);
            if (d >= 0) {
                n = d / s + (d % s != 0);
                for (int64_t i = 0; n <= PR_SEQ_MAX && i < n; i++)
                    sizes[i] = i < n - 1 || d % s == 0 ? s : d % s;
                have_sizes = n <= PR_SEQ_MAX;
            }
        } else if (split->shape.rank == 1) {
            n = split->shape.dim[0];
            if (v && v->n == n && n <= PR_SEQ_MAX) {
                int64_t sum = 0;
                for (int64_t i = 0; i < n; i++) {
                    if (v->i[i] < 0)
                        return pr_op_error(c, "split entry %lld is negative", (long long)v->i[i]);
                    sizes[i] = v->i[i];
                    if (sum > INT64_MAX - v->i[i])
                        return pr_op_error(c, "split entries overflow int64");
                    sum += v->i[i];
                }
                if (d >= 0 && sum != d)
                    return pr_op_error(c, "split sums to %lld but axis %d has extent %lld", (long long)sum, ax,
                                       (long long)d);
                have_sizes = true;
            }
        }
    }
    if (!have_sizes) {
        if (pr_seq_set(c, c->out[0], x->dtype, n, NULL) < 0)
            return -1;
        c->out[0]->shape = piece;
        return 0;
    }
    struct pr_shape *e = pr_arena_alloc(c->arena, ((size_t)n + 1) * sizeof *e);
    if (!e)
        return pr_op_error(c, "out of memory");
    for (int64_t i = 0; i < n; i++) {
        e[i] = piece;
        if (split || keepdims)
            e[i].dim[ax] = sizes[i];
    }
    return pr_seq_set(c, c->out[0], x->dtype, n, e);
}

int optional_shape(struct pr_op_ctx *c)
{
    const struct pr_tensor *x = pr_input(c, 0);
    struct pr_tensor *o = c->out[0];
    pr_type_unknown(o);
    o->kind = PR_KIND_OPTIONAL;
    if (!x) {
        if (!pr_attr_has(c, "type"))
            return pr_op_error(c, "an Optional without an input needs the 'type' attribute");
        o->has_value = 0;
        return 0;
    }
    if (x->kind == PR_KIND_OPTIONAL)
        return pr_op_error(c, "the input is already an optional");
    *o = *x;
    o->is_weight = false;
    o->elem_kind = x->kind;
    o->kind = PR_KIND_OPTIONAL;
    o->has_value = 1;
    return 0;
}

int optional_has_shape(struct pr_op_ctx *c)
{
    const struct pr_tensor *x = pr_input(c, 0);
    struct pr_tensor *o = c->out[0];
    pr_type_unknown(o);
    o->dtype = PR_DT_BOOL;
    o->shape.rank = 0;
    int has = !x ? 0 : x->kind != PR_KIND_OPTIONAL ? 1 : x->has_value;
    if (has >= 0) {
        if (!(o->cval = pr_const_int(c, has)))
            return -1;
    }
    return 0;
}

int optional_get_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    struct pr_tensor *o = c->out[0];
    *o = *x;
    if (x->kind != PR_KIND_OPTIONAL)
        return 0;   /* opset 18: a tensor or sequence passes through */
    if (x->has_value == 0)
        return pr_op_error(c, "the optional is empty; getting its element fails at run time");
    o->kind = x->elem_kind;
    o->elem_kind = PR_KIND_TENSOR;
    o->has_value = -1;
    return 0;
}

/* MACs = FLOPs = 0: sequences and optionals only hold tensors. */
int seq_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)c;
    k->macs = 0;
    k->flops = 0;
    return 0;
}
