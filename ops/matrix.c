/* matrix.c -- Einsum, Trilu, CumSum, CumProd.
 *
 * Einsum (opset 12): Y = einsum(equation, X0, X1, ...), numpy semantics.
 *   The equation is "term,term,...[->output]"; a term is letters (a-z,
 *   A-Z), each one axis, and at most one "..." standing for the leading or
 *   middle axes the letters do not name. Spaces are ignored.
 *   - A letter names one extent everywhere it appears; repeating it inside
 *     one term takes a diagonal ("ii"), repeating it across terms pairs the
 *     axes. Extents of one letter must agree, except that 1 broadcasts.
 *   - The "..." axes of all inputs broadcast together (numpy rules,
 *     right-aligned) into E.
 *   - Explicit output ("->"): its letters in its order, each at most once
 *     and each used by an input; "..." there places E. Input letters absent
 *     from the output, and E when the output has no "...", are summed.
 *   - Implicit output (no "->"): E first, then the letters that appear
 *     exactly once in the whole equation, in alphabetical (ASCII) order.
 *   Y = the extents of the output's axes, element type of X0.
 *
 *   Counting rule: the naive evaluation visits every point of the full
 *   index space (every distinct letter, plus E) once, multiplies the k
 *   operands' elements there (k-1 multiplies) and accumulates the product
 *   into its output element. So, with P = prod(extents of all distinct
 *   letters) * prod(E):
 *     k >= 2 inputs:  MACs = (k-1) * P,   FLOPs = 2 * MACs
 *       ("bij,bjk->bik": B*I*J*K MACs, as MatMul; "i,i": I; "ij,kj->ik"
 *        with nothing summed over j only pairs axes: still I*J*K)
 *     k = 1 input: a transpose, diagonal, trace or sum: no multiplies.
 *       MACs = 0,   FLOPs = P - numel(Y) (the adds of the summed axes;
 *       0 for a transpose or a diagonal)
 *   Einsum has no weights of its own: initializer operands count as
 *   parameters by the default rule.
 *
 * Trilu (opset 14): Y keeps the lower (upper = 0) or upper (upper = 1)
 *   triangle of the last two axes, shifted by the optional scalar k input,
 *   and zeroes the rest: X's shape, rank >= 2. FLOPs = numel(Y) (one
 *   compare of j - i against k per element), MACs 0.
 * CumSum (opsets 11, 14): running sums along the axis given by the scalar
 *   input `axis` (int32/int64); `exclusive` and `reverse` do not change the
 *   shape. Y = X's shape. FLOPs = numel(Y) (one add per element, as
 *   ReduceSum counts one per input element), MACs 0.
 * CumProd (opset 26): running products, CumSum's inputs, attributes and
 *   shape. FLOPs = numel(Y) (one multiply per element), MACs 0.
 * k and axis are hyper-parameters: their mask bits are cleared.
 */
#include "families.h"

#include <string.h>

enum { EIN_LABELS = 52, EIN_MAX_TERMS = 64 };

struct einsum {
    int nterms;
    int64_t size[EIN_LABELS];     /* extent of each letter; -1 unknown */
    bool used[EIN_LABELS];        /* letter appears in an input */
    struct pr_shape ell;          /* broadcast "..." extents (E) */
    struct pr_shape out;          /* Y */
};

static int label_of(char ch)
{
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a';
    if (ch >= 'A' && ch <= 'Z')
        return 26 + ch - 'A';
    return -1;
}

/* Merges extent e into *s; false when they conflict. */
static bool merge_size(int64_t *s, int64_t e)
{
    if (e < 0 || *s == e)
        return true;
    if (*s < 0 || *s == 1) {
        *s = e;
        return true;
    }
    return e == 1;
}

/* Reads one term [p, end) against input t: fills letters (in order, with
 * -2 standing for the ellipsis) and checks the rank. */
static int parse_term(struct pr_op_ctx *c, struct einsum *e, int idx, const char *p,
                      const char *end, const struct pr_shape *x, struct pr_shape *ell_i)
{
    int labels[PR_MAX_RANK + EIN_LABELS], n = 0, nletters = 0;
    bool has_ell = false;
    while (p < end) {
        if (*p == '.') {
            if (has_ell || end - p < 3 || p[1] != '.' || p[2] != '.')
                return pr_op_error(c, "term %d of the equation has a malformed or second "
                                   "ellipsis; use at most one '...'", idx);
            has_ell = true;
            labels[n++] = -2;
            p += 3;
            continue;
        }
        int l = label_of(*p);
        if (l < 0)
            return pr_op_error(c, "term %d of the equation has the character '%c'; only "
                               "letters, '...', ',' and '->' are allowed", idx, *p);
        if (n >= PR_MAX_RANK + 1)
            return pr_op_error(c, "term %d of the equation names more axes than a tensor "
                               "can have (%d)", idx, PR_MAX_RANK);
        labels[n++] = l;
        nletters++;
        p++;
    }
    char sx[160];
    if (nletters > x->rank || (!has_ell && nletters != x->rank))
        return pr_op_error(c, "term %d of the equation names %d axes but input %d has rank "
                           "%d (%s)%s", idx, nletters, idx, x->rank,
                           pr_shape_str(x, sx, sizeof sx), has_ell ? "" : "; use '...' for the rest");
    int nell = x->rank - nletters, d = 0;
    ell_i->rank = has_ell ? nell : 0;
    for (int i = 0; i < n; i++) {
        if (labels[i] == -2) {
            for (int j = 0; j < nell; j++)
                ell_i->dim[j] = x->dim[d++];
            continue;
        }
        int64_t ext = x->dim[d++];
        int l = labels[i];
        if (!merge_size(&e->size[l], ext))
            return pr_op_error(c, "index '%c' has extent %lld in input %d but %lld elsewhere",
                               l < 26 ? 'a' + l : 'A' + l - 26, (long long)ext, idx,
                               (long long)e->size[l]);
        e->used[l] = true;
    }
    return 0;
}

/* Parses the equation against the inputs; fills e. */
static int einsum_parse(struct pr_op_ctx *c, struct einsum *e)
{
    if (!pr_attr_has(c, "equation"))
        return pr_op_error(c, "Einsum needs the attribute 'equation'");
    const char *raw = pr_attr_str(c, "equation", "");
    if (c->failed)
        return -1;
    char eq[4097];
    size_t n = 0;
    for (const char *p = raw; *p && n < sizeof eq - 1; p++)
        if (*p != ' ')
            eq[n++] = *p;
    eq[n] = 0;
    memset(e, 0, sizeof *e);
    for (int l = 0; l < EIN_LABELS; l++)
        e->size[l] = -1;
    const char *arrow = strstr(eq, "->");
    const char *lhs_end = arrow ? arrow : eq + n;
    int count[EIN_LABELS] = {0};
    bool any_ell = false;
    const char *p = eq;
    e->ell.rank = 0;
    for (int t = 0;; t++) {
        const char *q = p;
        while (q < lhs_end && *q != ',')
            q++;
        if (t >= c->nin || !pr_input(c, t))
            return pr_op_error(c, "the equation has more terms than the node has inputs (%d)",
                               c->nin);
        struct pr_shape ell_i;
        if (parse_term(c, e, t, p, q, &pr_input(c, t)->shape, &ell_i) < 0)
            return -1;
        for (const char *r = p; r < q; r++)
            if (label_of(*r) >= 0)
                count[label_of(*r)]++;
        if (memchr(p, '.', (size_t)(q - p)))
            any_ell = true;
        struct pr_shape b = e->ell;
        if (pr_shape_broadcast(&b, &ell_i, &e->ell) < 0)
            return pr_op_error(c, "the '...' axes of input %d do not broadcast with those of "
                               "the inputs before it", t);
        e->nterms = t + 1;
        if (q >= lhs_end)
            break;
        p = q + 1;
    }
    if (e->nterms != c->nin)
        return pr_op_error(c, "the equation has %d term%s but the node has %d inputs",
                           e->nterms, e->nterms == 1 ? "" : "s", c->nin);
    struct pr_shape *y = &e->out;
    y->rank = 0;
    if (!arrow) {
        for (int d = 0; d < e->ell.rank; d++)
            y->dim[y->rank++] = e->ell.dim[d];
        for (int i = 0; i < EIN_LABELS; i++) {
            int l = i < 26 ? 26 + i : i - 26;   /* ASCII order: upper case first */
            if (count[l] != 1)
                continue;
            if (y->rank >= PR_MAX_RANK)
                return pr_op_error(c, "the implicit output would have more than %d axes",
                                   PR_MAX_RANK);
            y->dim[y->rank++] = e->size[l];
        }
        return 0;
    }
    bool seen[EIN_LABELS] = {false}, out_ell = false;
    for (p = arrow + 2; *p;) {
        if (*p == '.') {
            if (out_ell || p[1] != '.' || p[2] != '.')
                return pr_op_error(c, "the output of the equation has a malformed or second "
                                   "ellipsis");
            if (!any_ell)
                return pr_op_error(c, "the output of the equation has '...' but no input term has");
            if (y->rank + e->ell.rank > PR_MAX_RANK)
                return pr_op_error(c, "the output would have more than %d axes", PR_MAX_RANK);
            for (int d = 0; d < e->ell.rank; d++)
                y->dim[y->rank++] = e->ell.dim[d];
            out_ell = true;
            p += 3;
            continue;
        }
        int l = label_of(*p);
        if (l < 0)
            return pr_op_error(c, "the output of the equation has the character '%c'; only "
                               "letters and '...' are allowed there", *p);
        if (!e->used[l])
            return pr_op_error(c, "the output index '%c' appears in no input term", *p);
        if (seen[l])
            return pr_op_error(c, "the output index '%c' appears twice", *p);
        if (y->rank >= PR_MAX_RANK)
            return pr_op_error(c, "the output would have more than %d axes", PR_MAX_RANK);
        seen[l] = true;
        y->dim[y->rank++] = e->size[l];
        p++;
    }
    return 0;
}

int einsum_shape(struct pr_op_ctx *c)
{
    struct einsum e;
    if (c->nin < 1)
        return pr_op_error(c, "Einsum needs at least one input");
    if (c->nout > 1)
        return pr_op_error(c, "Einsum has 1 output but the node has %d", c->nout);
    if (einsum_parse(c, &e) < 0)
        return -1;
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    c->out[0]->shape = e.out;
    return 0;
}

int einsum_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct einsum e;
    if (einsum_parse(c, &e) < 0)
        return -1;
    /* P = prod(distinct letters) * prod(E), through pr_numel for the flags */
    uint64_t p = pr_numel(c, &e.ell);
    for (int l = 0; l < EIN_LABELS; l++) {
        if (!e.used[l])
            continue;
        if (e.size[l] < 0) {
            c->incomplete = true;
            p = 0;
        }
        p = pr_mul(c, p, (uint64_t)(e.size[l] < 0 ? 0 : e.size[l]));
    }
    if (e.nterms >= 2) {
        k->macs = pr_mul(c, (uint64_t)(e.nterms - 1), p);
        k->flops = pr_mul(c, 2, k->macs);
    } else {
        uint64_t y = pr_numel(c, &e.out);
        k->flops = p > y ? p - y : 0;
    }
    return 0;
}

/* The optional scalar input i (Trilu's k, CumSum's axis) must have one element. */
static int check_scalar(struct pr_op_ctx *c, int i, const char *what)
{
    const struct pr_tensor *t = pr_input(c, i);
    if (!t)
        return 0;
    for (int d = 0; d < t->shape.rank; d++)
        if (t->shape.dim[d] >= 0 && t->shape.dim[d] != 1) {
            char sb[160];
            return pr_op_error(c, "%s must be a scalar (or one element) but has shape %s",
                               what, pr_shape_str(&t->shape, sb, sizeof sb));
        }
    if (t->dtype && t->dtype != PR_DT_INT64 && t->dtype != PR_DT_INT32)
        return pr_op_error(c, "%s must be int32 or int64 but is %s", what, pr_dtype_name(t->dtype));
    return 0;
}

int trilu_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 1)
        return pr_op_error(c, "Trilu takes 1 or 2 inputs (input, k) and has 1 output but the "
                           "node has %d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    char sx[160];
    if (x->shape.rank < 2)
        return pr_op_error(c, "Trilu needs an input of rank >= 2 but it is %s",
                           pr_shape_str(&x->shape, sx, sizeof sx));
    int64_t upper = pr_attr_int(c, "upper", 1);
    if (c->failed)
        return -1;
    if (upper != 0 && upper != 1)
        return pr_op_error(c, "upper is %lld; it must be 0 or 1", (long long)upper);
    if (check_scalar(c, 1, "k") < 0)
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int cumsum_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 2 || c->nout > 1)
        return pr_op_error(c, "%s takes 2 inputs (x, axis) and has 1 output but the node "
                           "has %d and %d", pr_op_table[c->op_id].name, c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *axis = pr_input(c, 1);
    char sx[160];
    if (x->shape.rank < 1)
        return pr_op_error(c, "%s needs an input of rank >= 1 but it is a scalar", pr_op_table[c->op_id].name);
    pr_attr_int(c, "exclusive", 0);
    pr_attr_int(c, "reverse", 0);
    if (check_scalar(c, 1, "axis") < 0)
        return -1;
    if (axis->cval && axis->cval->n == 1 && pr_axis(pr_const_values(axis->cval)->i[0], x->shape.rank) < 0)
        return pr_op_error(c, "axis %lld is out of range for an input of shape %s",
                           (long long)pr_const_values(axis->cval)->i[0], pr_shape_str(&x->shape, sx, sizeof sx));
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int matrix_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);
    k->weight_mask &= 1;   /* k / axis are hyper-parameters */
    return 0;
}
