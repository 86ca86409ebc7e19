/* atomic.c -- temporary file + rename (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pr_atomic_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx,
                    struct pr_err *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return pr_err_set(err, PR_EXIT_INTERNAL, "out of memory");
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0) {   /* mkstemp makes the file 0600; give it the usual 0666 & ~umask */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = 0;
    if (!f) {
        rc = pr_err_set(err, PR_EXIT_IO, "%s: cannot create: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        errno = 0;
        bool bad = render(ctx, f) < 0;
        bad |= fclose(f) == EOF;
        if (bad || rename(tmp, path) < 0)
            rc = pr_err_set(err, PR_EXIT_IO, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
    }
    if (rc < 0 && fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
