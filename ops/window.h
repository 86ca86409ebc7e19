/* window.h -- the sliding window shared by Conv, ConvTranspose and the
 * windowed pools: strides, dilations, pads and auto_pad, and the output
 * extent they give (formulas in window.c); and the channels-last layout
 * ONNX Runtime's NHWC operators read, seen channels first. */
#ifndef PR_WINDOW_H
#define PR_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

enum pr_pad_mode { PR_PAD_NOTSET, PR_PAD_SAME_UPPER, PR_PAD_SAME_LOWER, PR_PAD_VALID };

struct pr_window {
    int k;                            /* spatial dims */
    int64_t kernel[PR_MAX_RANK];      /* K; -1 when unknown (filled by the caller) */
    int64_t stride[PR_MAX_RANK];
    int64_t dil[PR_MAX_RANK];
    int64_t pad[2 * PR_MAX_RANK];     /* begins, then ends */
    enum pr_pad_mode mode;
};

/* Reads ints attribute name into v[0..n): absent or empty gives dflt
 * everywhere; otherwise exactly n values, each >= min (k names the spatial
 * dims in the message). 0, or -1 after an error. */
int pr_window_ints(struct pr_op_ctx *c, const char *name, int64_t *v, int n, int64_t dflt,
                   int64_t min, int k);
/* Reads strides, dilations, pads and auto_pad for k spatial dims into w
 * (not the kernel). With auto_pad set, explicit pads are ignored (zeroed),
 * with a warning when warn is true. 0 or -1. */
int pr_window_read(struct pr_op_ctx *c, struct pr_window *w, int k, bool warn);
/* dk = (K - 1) * d + 1 along spatial axis i, overflow-checked. */
int pr_window_eff_kernel(struct pr_op_ctx *c, const struct pr_window *w, int i, int64_t *dk);
/* Output extent along spatial axis i for input extent d_in (-1: unknown,
 * and so is the result; an unknown kernel too). ceil_mode as the pools. */
int pr_window_extent(struct pr_op_ctx *c, const struct pr_window *w, int i, int64_t d_in,
                     bool ceil_mode, int64_t *out);

/* Moves the channel axis of s: the last to position 1 ((N, D1.., C) ->
 * (N, C, D1..)) when first, else back. Ranks below 3 are left alone. */
void pr_window_channels(struct pr_shape *s, bool first);

#endif
