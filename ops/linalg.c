/* linalg.c -- Det.
 *
 * Shape: X is [*][n][n] (rank >= 2, the last two extents equal); the
 * output holds one determinant per matrix: X's shape without the last two
 * dims (a scalar for a single matrix), X's element type.
 *
 * Cost per n x n matrix, LU factorisation without pivoting work (row swaps
 * and the pivot search are comparisons/moves, not counted), then the
 * product of the diagonal:
 *   elimination step k (k = 1 .. n-1) on the trailing (n-k) x (n-k) block:
 *     n-k divides for the multipliers l_ik = a_ik / a_kk,
 *     (n-k)^2 multiply-accumulates a_ij -= l_ik * u_kj
 *   MACs  = sum_{k<n} (n-k)^2 = (n-1) n (2n-1) / 6      (~ n^3/3)
 *   FLOPs = 2 * MACs + n(n-1)/2 (divides) + (n-1) (diagonal product)
 *         ~ 2/3 n^3, the textbook LU count.
 * The rank-1 updates of the trailing block are matrix products, so they
 * count as MACs the way Gemm's do. Multiplied by the number of matrices.
 *
 * Params: none (Det has no weights; a constant X keeps its default bit).
 */
#include "families.h"

int det_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "Det takes 1 input and has 1 output but the node has %d and %d",
                           c->nin, c->nout);
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    char buf[160];
    if (x->rank < 2)
        return pr_op_error(c, "Det needs square matrices [*][n][n] (rank >= 2) but X has shape %s",
                           pr_shape_str(x, buf, sizeof buf));
    int64_t m = x->dim[x->rank - 2], n = x->dim[x->rank - 1];
    if (m >= 0 && n >= 0 && m != n)
        return pr_op_error(c, "Det needs square matrices but X's last two dims are %lld x %lld",
                           (long long)m, (long long)n);
    c->out[0]->dtype = pr_input(c, 0)->dtype;
    c->out[0]->shape.rank = x->rank - 2;
    for (int i = 0; i < x->rank - 2; i++)
        c->out[0]->shape.dim[i] = x->dim[i];
    return 0;
}

int det_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *x = &pr_input(c, 0)->shape;
    int64_t nd = x->dim[x->rank - 1] >= 0 ? x->dim[x->rank - 1] : x->dim[x->rank - 2];
    uint64_t mats = pr_numel(c, &c->out[0]->shape);
    if (nd < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t n = (uint64_t)nd;
    if (n == 0)
        return 0;
    /* (n-1) n (2n-1) / 6: n(n-1) is even, and one of the three factors
     * carries the 3; divide as we go to keep the product exact. */
    uint64_t a = n - 1, b = n, cc = 2 * n - 1;
    if (a % 2 == 0) a /= 2; else b /= 2;
    if (a % 3 == 0) a /= 3; else if (b % 3 == 0) b /= 3; else cc /= 3;
    uint64_t macs = pr_mul(c, pr_mul(c, a, b), cc);
    uint64_t extra = pr_add(c, pr_mul(c, n, n - 1) / 2, n - 1);
    k->macs = pr_mul(c, mats, macs);
    k->flops = pr_mul(c, mats, pr_add(c, pr_mul(c, macs, 2), extra));
    return 0;
}
