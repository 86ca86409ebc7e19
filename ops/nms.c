/* nms.c -- NonMaxSuppression.
 *
 * Inputs: boxes [batch][B][4], scores [batch][classes][B], then optional
 * scalars max_output_boxes_per_class (k, default 0: select nothing),
 * iou_threshold (default 0) and score_threshold (default: no filter).
 * Output: selected_indices [n][3] int64, one (batch, class, box) row per
 * selected box.
 *
 * n depends on the data. When the boxes, the scores and every optional
 * input present have known values (small constants, or the values a
 * caller bound), the selection is run here and n is exact: per batch and
 * class, boxes with score > score_threshold are taken in decreasing score
 * order (ties: lower index first) and a box is kept unless its IoU with a
 * kept box is > iou_threshold, until k are kept (a NaN score is never
 * selected). Otherwise n is the
 * data-dependent symbol "<node>.n" (pr_data_dim), whose fallback is the
 * upper bound batch * classes * min(B, k) (k unknown: B); k = 0 gives
 * n = 0 exactly.
 *
 * center_point_box = 0: a box is [y1, x1, y2, x2], any diagonal pair;
 * 1: [x_center, y_center, width, height]. A box of area <= 0 overlaps
 * nothing.
 *
 * FLOPs (no MACs), a bound: greedy selection compares each candidate, in
 * score order, with the boxes kept so far, at most j - 1 of them with
 * j = min(k, B), so per (batch, class) at most
 *   pairs(B, j) = sum_{i<B} min(i, j - 1) = j(j-1)/2 + (B - j)(j - 1)
 * IoU tests of 13 each: 4 min/max for the intersection corners, 2 subtracts
 * and 2 max(0, .) for its sides, 1 multiply for its area, 2 for the union
 * (a + b - inter), 1 divide, 1 compare with the threshold. Box areas,
 * computed once per batch: 3 per box (2 subtracts, 1 multiply); with
 * center_point_box, 4 more per box for the corners. With score_threshold,
 * 1 compare per score. Sorting is not counted.
 *   FLOPs = 13 * batch * classes * pairs(B, j) + (3 | 7) * batch * B
 *           [+ batch * classes * B]
 *
 * Params: none (boxes and scores are data, the rest hyper-parameters).
 */
#include "families.h"

#include <math.h>
#include <stdlib.h>

#include "arena.h"
#include "values.h"

struct nms_dims { int64_t batch, boxes, classes; };

static int nms_read_dims(struct pr_op_ctx *c, struct nms_dims *d)
{
    const struct pr_shape *b = &pr_input(c, 0)->shape, *s = &pr_input(c, 1)->shape;
    char sb[160], ss[160];
    if (b->rank != 3 || (b->dim[2] >= 0 && b->dim[2] != 4))
        return pr_op_error(c, "boxes must be batch x boxes x 4 but has shape %s",
                           pr_shape_str(b, sb, sizeof sb));
    if (s->rank != 3 || (s->dim[0] >= 0 && b->dim[0] >= 0 && s->dim[0] != b->dim[0]) ||
        (s->dim[2] >= 0 && b->dim[1] >= 0 && s->dim[2] != b->dim[1]))
        return pr_op_error(c, "scores must be batch x classes x boxes for boxes %s but has shape %s",
                           pr_shape_str(b, sb, sizeof sb), pr_shape_str(s, ss, sizeof ss));
    d->batch = b->dim[0] >= 0 ? b->dim[0] : s->dim[0];
    d->boxes = b->dim[1] >= 0 ? b->dim[1] : s->dim[2];
    d->classes = s->dim[1];
    return 0;
}

/* Optional scalar input i: 1 with its values (*v), 0 absent, 2 present
 * with unknown value, -1 after an error. */
static int nms_scalar(struct pr_op_ctx *c, int i, const char *what, const struct pr_const **v)
{
    const struct pr_tensor *t = pr_input(c, i);
    *v = NULL;
    if (!t)
        return 0;
    const struct pr_shape *s = &t->shape;
    if (s->rank > 1 || (s->rank == 1 && s->dim[0] >= 0 && s->dim[0] != 1))
        return pr_op_error(c, "%s (input %d) must be a scalar or hold one value", what, i);
    *v = pr_values_of(t);
    return *v ? 1 : 2;
}

/* k: -1 when unknown. */
static int64_t nms_k(struct pr_op_ctx *c)
{
    const struct pr_const *v;
    int r = nms_scalar(c, 2, "max_output_boxes_per_class", &v);
    if (r == 0)
        return 0;
    if (r != 1)
        return -1;
    return v->i[0] > 0 ? v->i[0] : 0;
}

struct nms_box { double y1, x1, y2, x2, area; };

static struct nms_box nms_box(const double *p, bool center)
{
    struct nms_box b;
    if (center) {
        b.x1 = p[0] - p[2] / 2;
        b.x2 = p[0] + p[2] / 2;
        b.y1 = p[1] - p[3] / 2;
        b.y2 = p[1] + p[3] / 2;
    } else {
        b.y1 = fmin(p[0], p[2]);
        b.y2 = fmax(p[0], p[2]);
        b.x1 = fmin(p[1], p[3]);
        b.x2 = fmax(p[1], p[3]);
    }
    b.area = (b.y2 - b.y1) * (b.x2 - b.x1);
    return b;
}

static bool nms_overlaps(const struct nms_box *a, const struct nms_box *b, double thr)
{
    if (!(a->area > 0) || !(b->area > 0))
        return false;
    double h = fmax(0, fmin(a->y2, b->y2) - fmax(a->y1, b->y1));
    double w = fmax(0, fmin(a->x2, b->x2) - fmax(a->x1, b->x1));
    double inter = h * w;
    return inter / (a->area + b->area - inter) > thr;
}

struct nms_cand { double score; int64_t index; };

static int cmp_cand(const void *pa, const void *pb)
{
    const struct nms_cand *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The exact number of selected boxes, or -1 when some value is unknown. */
static int64_t nms_run(struct pr_op_ctx *c, const struct nms_dims *d, int64_t k)
{
    const struct pr_const *bv = pr_values_of(pr_input(c, 0)), *sv = pr_values_of(pr_input(c, 1));
    const struct pr_const *iv, *tv;
    int ri = nms_scalar(c, 3, "iou_threshold", &iv), rt = nms_scalar(c, 4, "score_threshold", &tv);
    if (!bv || !sv || k < 0 || ri == 2 || rt == 2 || ri < 0 || rt < 0 || d->batch < 0 ||
        d->boxes < 0 || d->classes < 0 || bv->n != d->batch * d->boxes * 4 ||
        sv->n != d->batch * d->classes * d->boxes)
        return -1;
    double iou = ri == 1 ? iv->f[0] : 0;
    bool center = pr_attr_int(c, "center_point_box", 0) != 0;
    int64_t nb = d->boxes, total = 0;
    if (nb == 0 || k == 0)
        return 0;
    struct nms_box *box = pr_arena_alloc(c->arena, (size_t)nb * sizeof *box);
    struct nms_cand *cand = pr_arena_alloc(c->arena, (size_t)nb * sizeof *cand);
    int64_t *kept = pr_arena_alloc(c->arena, (size_t)nb * sizeof *kept);
    if (!box || !cand || !kept) {
        pr_op_error(c, "out of memory");
        return -1;
    }
    for (int64_t b = 0; b < d->batch; b++) {
        for (int64_t i = 0; i < nb; i++)
            box[i] = nms_box(&bv->f[(b * nb + i) * 4], center);
        for (int64_t cl = 0; cl < d->classes; cl++) {
            const double *sc = &sv->f[(b * d->classes + cl) * nb];
            int64_t nc = 0, nk = 0;
            for (int64_t i = 0; i < nb; i++)
                if (!isnan(sc[i]) && (rt != 1 || sc[i] > tv->f[0]))
                    cand[nc++] = (struct nms_cand){sc[i], i};
            qsort(cand, (size_t)nc, sizeof *cand, cmp_cand);
            for (int64_t i = 0; i < nc && nk < k; i++) {
                bool keep = true;
                for (int64_t j = 0; j < nk && keep; j++)
                    keep = !nms_overlaps(&box[cand[i].index], &box[kept[j]], iou);
                if (keep)
                    kept[nk++] = cand[i].index;
            }
            total += nk;
        }
    }
    return total;
}

int nms_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > 5 || c->nout > 1)
        return pr_op_error(c, "NonMaxSuppression takes at most 5 inputs and has 1 output but the "
                           "node has %d and %d", c->nin, c->nout);
    struct nms_dims d;
    if (nms_read_dims(c, &d) < 0)
        return -1;
    const struct pr_const *v;
    for (int i = 2; i < 5; i++) {
        static const char *const names[] = {"max_output_boxes_per_class", "iou_threshold",
                                            "score_threshold"};
        if (nms_scalar(c, i, names[i - 2], &v) < 0)
            return -1;
    }
    if (nms_scalar(c, 3, "iou_threshold", &v) == 1 && !(v->f[0] >= 0 && v->f[0] <= 1))
        return pr_op_error(c, "iou_threshold is %g; it must be in [0, 1]", v->f[0]);
    int64_t cpb = pr_attr_int(c, "center_point_box", 0);
    if (cpb != 0 && cpb != 1)
        return pr_op_error(c, "center_point_box is %lld; it must be 0 or 1", (long long)cpb);
    int64_t k = nms_k(c), n = nms_run(c, &d, k);
    if (c->failed)
        return -1;
    if (n < 0) {
        int64_t per = k >= 0 && d.boxes >= 0 && k < d.boxes ? k : d.boxes, bound = -1;
        if (per >= 0 && d.batch >= 0 && d.classes >= 0) {
            bool ovf = false;
            uint64_t b = pr_u64_mul(pr_u64_mul((uint64_t)d.batch, (uint64_t)d.classes, &ovf),
                                    (uint64_t)per, &ovf);
            bound = ovf || b > (uint64_t)INT64_MAX ? -1 : (int64_t)b;
        }
        n = pr_data_dim(c, "n", bound, "the number of boxes NonMaxSuppression selects");
        if (n < -1 || (bound >= 0 && n > bound))
            return pr_op_error(c, "the number of selected boxes is bound to %lld; it must be in "
                               "[0, %lld]", (long long)n, (long long)bound);
    }
    c->out[0]->dtype = PR_DT_INT64;
    c->out[0]->shape.rank = 2;
    c->out[0]->shape.dim[0] = n;
    c->out[0]->shape.dim[1] = 3;
    return 0;
}

int nms_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    struct nms_dims d;
    k->weight_mask = 0;
    if (nms_read_dims(c, &d) < 0)
        return -1;
    if (d.batch < 0 || d.boxes < 0 || d.classes < 0) {
        c->incomplete = true;
        return 0;
    }
    uint64_t nb = (uint64_t)d.boxes, kk = (uint64_t)nms_k(c);
    if (nms_k(c) < 0)
        kk = nb;
    uint64_t j = kk < nb ? kk : nb;
    /* pairs = j(j-1)/2 + (B - j)(j - 1); j(j-1) is even */
    uint64_t pairs = j ? pr_add(c, pr_mul(c, j, j - 1) / 2, pr_mul(c, nb - j, j - 1)) : 0;
    uint64_t bc = pr_mul(c, (uint64_t)d.batch, (uint64_t)d.classes);
    uint64_t per_box = pr_attr_int(c, "center_point_box", 0) ? 7 : 3;
    k->flops = pr_add(c, pr_mul(c, pr_mul(c, bc, pairs), 13),
                      pr_mul(c, pr_mul(c, (uint64_t)d.batch, nb), per_box));
    if (pr_input(c, 4))
        k->flops = pr_add(c, k->flops, pr_mul(c, bc, nb));
    return 0;
}
