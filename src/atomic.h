/* atomic.h -- write a file all at once or not at all.
 *
 * The content goes to a temporary file in the destination's folder
 * (mkstemp, then 0666 & ~umask like any new file), is flushed and closed,
 * and is renamed over the destination only when everything succeeded; on
 * any failure the temporary file is removed and the destination is left
 * as it was. Reports (-o) and the measurement database use it.
 */
#ifndef PR_ATOMIC_H
#define PR_ATOMIC_H

#include <stdio.h>

#include "err.h"

/* render(ctx, f) writes the content and returns 0 or -1. Returns 0, or -1
 * with err set (PR_EXIT_IO naming path and the reason; PR_EXIT_INTERNAL). */
int pr_atomic_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx,
                    struct pr_err *err);

#endif
