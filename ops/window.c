/* window.c -- sliding-window attributes and output extents (window.h).
 *
 * With dk = (K - 1) * d + 1 and total = D + b + e (Operators.md, Conv and
 * MaxPool; VALID has b = e = 0):
 *   NOTSET, VALID  O = floor((total - dk) / s) + 1
 *                  ceil_mode: O = ceil((total - dk) / s) + 1, and when the
 *                  last window would start past the input and its left
 *                  padding, (O - 1) * s >= D + b, it is dropped: O -= 1
 *   SAME_UPPER/LOWER  O = ceil(D / s)
 * total < dk is an error: the kernel is larger than the padded input.
 * Channels last (NhwcConv, NhwcFusedConv, NhwcMaxPool, the quantized ops'
 * channels_last): (N, D1..Dk, C) is read as (N, C, D1..Dk), and the
 * output moved back, so every rule above applies unchanged.
 */
#include "window.h"

#include <string.h>

int pr_window_ints(struct pr_op_ctx *c, const char *name, int64_t *v, int n, int64_t dflt,
                   int64_t min, int k)
{
    int64_t buf[2 * PR_MAX_RANK];
    int got = pr_attr_ints(c, name, buf, 2 * PR_MAX_RANK);
    if (c->failed)
        return -1;
    if (got <= 0) {
        for (int i = 0; i < n; i++)
            v[i] = dflt;
        return 0;
    }
    if (got != n)
        return pr_op_error(c, "'%s' has %d values but the input has %d spatial dims, "
                           "so %d are expected", name, got, k, n);
    for (int i = 0; i < n; i++) {
        if (buf[i] < min)
            return pr_op_error(c, "'%s'[%d] is %lld; it must be >= %lld",
                               name, i, (long long)buf[i], (long long)min);
        v[i] = buf[i];
    }
    return 0;
}

static int read_auto_pad(struct pr_op_ctx *c, enum pr_pad_mode *m)
{
    const char *s = pr_attr_str(c, "auto_pad", "NOTSET");
    if (c->failed)
        return -1;
    if (!s[0] || strcmp(s, "NOTSET") == 0)
        *m = PR_PAD_NOTSET;
    else if (strcmp(s, "SAME_UPPER") == 0)
        *m = PR_PAD_SAME_UPPER;
    else if (strcmp(s, "SAME_LOWER") == 0)
        *m = PR_PAD_SAME_LOWER;
    else if (strcmp(s, "VALID") == 0)
        *m = PR_PAD_VALID;
    else
        return pr_op_error(c, "auto_pad is '%.64s'; expected NOTSET, SAME_UPPER, "
                           "SAME_LOWER or VALID", s);
    return 0;
}

int pr_window_read(struct pr_op_ctx *c, struct pr_window *w, int k, bool warn)
{
    w->k = k;
    if (pr_window_ints(c, "strides", w->stride, k, 1, 1, k) < 0 ||
        pr_window_ints(c, "dilations", w->dil, k, 1, 1, k) < 0 ||
        pr_window_ints(c, "pads", w->pad, 2 * k, 0, 0, k) < 0 || read_auto_pad(c, &w->mode) < 0)
        return -1;
    if (w->mode != PR_PAD_NOTSET) {
        bool nonzero = false;
        for (int i = 0; i < 2 * k; i++) {
            nonzero |= w->pad[i] != 0;
            w->pad[i] = 0;
        }
        if (nonzero && warn)
            pr_op_warn(c, "pads are ignored because auto_pad is set");
    }
    return 0;
}

int pr_window_eff_kernel(struct pr_op_ctx *c, const struct pr_window *w, int i, int64_t *dk)
{
    if (__builtin_mul_overflow(w->kernel[i] - 1, w->dil[i], dk) || __builtin_add_overflow(*dk, 1, dk))
        return pr_op_error(c, "axis %d: effective kernel (%lld-1)*%lld+1 overflows int64",
                           i + 2, (long long)w->kernel[i], (long long)w->dil[i]);
    return 0;
}

int pr_window_extent(struct pr_op_ctx *c, const struct pr_window *w, int i, int64_t d_in,
                     bool ceil_mode, int64_t *out)
{
    int64_t s = w->stride[i], b = w->pad[i], e = w->pad[w->k + i], dk, span;
    *out = -1;
    if (d_in < 0)
        return 0;
    if (w->mode == PR_PAD_SAME_UPPER || w->mode == PR_PAD_SAME_LOWER) {
        *out = d_in / s + (d_in % s != 0);
        if (*out <= 0)
            return pr_op_error(c, "axis %d: output extent would be %lld (input extent %lld)",
                               i + 2, (long long)*out, (long long)d_in);
        return 0;
    }
    if (w->kernel[i] < 0)
        return 0;
    if (pr_window_eff_kernel(c, w, i, &dk) < 0)
        return -1;
    if (__builtin_add_overflow(d_in, b, &span) || __builtin_add_overflow(span, e, &span))
        return pr_op_error(c, "axis %d: input extent %lld plus pads %lld+%lld overflows int64",
                           i + 2, (long long)d_in, (long long)b, (long long)e);
    if (span < dk)
        return pr_op_error(c, "axis %d: kernel larger than the padded input: effective "
                           "kernel %lld = (%lld-1)*%lld+1 > padded input %lld = %lld+%lld+%lld",
                           i + 2, (long long)dk, (long long)w->kernel[i], (long long)w->dil[i],
                           (long long)span, (long long)d_in, (long long)b, (long long)e);
    int64_t q = (span - dk) / s;
    if (ceil_mode && (span - dk) % s != 0) {
        q++;
        /* the last window starts at q * s; drop it if it begins in the right padding */
        int64_t start;
        if (__builtin_mul_overflow(q, s, &start) || start >= d_in + b)
            q--;
    }
    *out = q + 1;
    return 0;
}

void pr_window_channels(struct pr_shape *s, bool first)
{
    if (s->rank < 3)
        return;
    int r = s->rank;
    int64_t ch = first ? s->dim[r - 1] : s->dim[1];
    if (first) {
        for (int i = r - 1; i > 1; i--)
            s->dim[i] = s->dim[i - 1];
        s->dim[1] = ch;
    } else {
        for (int i = 1; i < r - 1; i++)
            s->dim[i] = s->dim[i + 1];
        s->dim[r - 1] = ch;
    }
}
