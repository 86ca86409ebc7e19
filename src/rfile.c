/* rfile.c -- non-blocking open, fstat check, read (see rfile.h). */
#include "rfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *pr_file_kind(const struct stat *st)
{
    if (S_ISREG(st->st_mode)) return "a regular file";
    if (S_ISDIR(st->st_mode)) return "a directory";
    if (S_ISFIFO(st->st_mode)) return "a FIFO";
    if (S_ISSOCK(st->st_mode)) return "a socket";
    if (S_ISCHR(st->st_mode)) return "a character device";
    if (S_ISBLK(st->st_mode)) return "a block device";
    return "not a regular file";
}

int pr_rfile_open(const char *path, struct stat *st, enum pr_status not_regular_code, struct pr_err *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return pr_err_set(err, PR_E_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, st) < 0) {
        int e = errno;
        close(fd);
        return pr_err_set(err, PR_E_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        return pr_err_set(err, not_regular_code, "%s: is %s, not a regular file; priori reads regular files only",
                          path, pr_file_kind(st));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

char *pr_rfile_read(const char *path, size_t max, size_t *len, enum pr_status code, struct pr_err *err)
{
    struct stat st;
    int fd = pr_rfile_open(path, &st, code, err);
    if (fd < 0)
        return NULL;
    /* sized from fstat, grown if the file grows while read, never past max */
    size_t cap = st.st_size > 0 && (unsigned long long)st.st_size <= max ? (size_t)st.st_size + 1 : 4096;
    size_t n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            pr_err_set(err, PR_E_INTERNAL, "%s: out of memory", path);
            break;
        }
        if (n == cap) {
            if (cap > max) {
                pr_err_set(err, code, "%s: larger than %zu MiB", path, max >> 20);
                free(buf);
                buf = NULL;
                break;
            }
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            pr_err_set(err, PR_E_IO, "%s: cannot read: %s", path, strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (buf && n > max) {
        pr_err_set(err, code, "%s: larger than %zu MiB", path, max >> 20);
        free(buf);
        return NULL;
    }
    if (buf) {
        buf[n] = 0;
        *len = n;
    }
    return buf;
}
