/* atomic.h -- writing an output file (-o, and the files of the database)
 * all at once or not at all, without ever replacing what is not a file.
 *
 * What the path names decides how it is written:
 *   - a symlink is followed (hop by hop, also when dangling) to its target,
 *     and the target is what gets written; the link stays;
 *   - a regular file, or a name that does not exist yet: the content goes
 *     to a temporary file ".priori-XXXXXX" in the target's folder (short,
 *     so a valid name of up to NAME_MAX bytes stays valid), is flushed,
 *     fsync()ed and closed, takes the old file's mode and, where permitted,
 *     its owner and group (a new file: 0666 & ~umask), and is renamed over
 *     the target only when everything succeeded. On any failure, and on
 *     SIGINT, SIGTERM or SIGHUP while it exists, the temporary file is
 *     removed and the target is left as it was;
 *   - /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N: written
 *     through the process's own descriptor N, never opened or replaced;
 *   - a character device or a FIFO: written through (opened for writing,
 *     never replaced, never created); a FIFO without a reader is refused
 *     rather than waited for;
 *   - a socket, a directory, a block device: refused (PR_E_ARG).
 */
#ifndef PR_ATOMIC_H
#define PR_ATOMIC_H

#include <stdio.h>

#include "err.h"

/* render(ctx, f) writes the content and returns 0 or -1. Returns 0, or -1
 * with err set (PR_E_IO naming path and the reason, PR_E_ARG for a
 * target priori refuses, PR_E_INTERNAL). */
int pr_atomic_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx,
                    struct pr_err *err);

/* 0 when out does not exist or is not the same file (device and inode,
 * symlinks followed) as any of the n inputs; else -1 with err
 * (PR_E_ARG) naming both. NULL inputs are skipped. */
int pr_output_distinct(const char *out, const char *const *inputs, int n, struct pr_err *err);

#endif
