/* rfile.h -- opening and reading the files priori reads (not the model's
 * weights: source.c reads the model on demand, through pr_rfile_open).
 *
 * Every input is opened with O_NONBLOCK, so a FIFO or a device given as a
 * file never blocks the open, then fstat()ed: anything but a regular file
 * (FIFO, socket, character or block device, directory) is refused with
 * "PATH: is a FIFO, not a regular file" before a byte is read. The flag is
 * then cleared (reads from a regular file never block anyway).
 */
#ifndef PR_RFILE_H
#define PR_RFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "err.h"

/* What st's type is, in words ("a FIFO", "a directory", ...). */
const char *pr_file_kind(const struct stat *st);

/* Opens path for reading, a regular file only. Returns the descriptor
 * (O_CLOEXEC) and fills *st, or -1 with err: PR_E_IO when it cannot be
 * opened, missing_code (PR_E_IO or PR_E_ARG) when it is not a
 * regular file. Messages are "PATH: why". */
int pr_rfile_open(const char *path, struct stat *st, enum pr_status not_regular_code, struct pr_err *err);

/* Reads all of a regular file of at most max bytes into a NUL-terminated
 * malloc'ed buffer (*len its length without the NUL). Over max: err with
 * too_big_code and "PATH: larger than N MiB". NULL with err on failure. */
char *pr_rfile_read(const char *path, size_t max, size_t *len, enum pr_status code, struct pr_err *err);

#endif
