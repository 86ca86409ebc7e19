/* atomic.c -- output files: follow symlinks, write devices and FIFOs
 * through, replace regular files by temporary file + rename (atomic.h).
 *
 * The temporary file's name is kept in a static buffer while it exists, so
 * that the handler of SIGINT, SIGTERM and SIGHUP can unlink() it (async-
 * signal-safe) before the signal's default action ends the process.
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rfile.h"
#include "testhook.h"

enum { MAX_HOPS = 40 };

/* ---- removing the temporary file on a signal ---- */

static char pending[PATH_MAX];
static volatile sig_atomic_t armed;
static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[3];

static void on_signal(int sig)
{
    if (armed)
        unlink(pending);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void arm(const char *tmp)
{
    snprintf(pending, sizeof pending, "%s", tmp);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++)
        sigaction(caught[i], &sa, &saved[i]);
    armed = 1;
}

static void disarm(void)
{
    armed = 0;
    for (int i = 0; i < 3; i++)
        sigaction(caught[i], &saved[i], NULL);
}

/* ---- where the path leads ---- */

/* The process's descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N names; -1 for any other path. */
static int own_fd(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0)
        return 1;
    if (strcmp(path, "/dev/stderr") == 0)
        return 2;
    const char *n = strncmp(path, "/dev/fd/", 8) == 0 ? path + 8
                  : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14 : NULL;
    if (!n || !*n || strspn(n, "0123456789") != strlen(n) || strlen(n) > 6)
        return -1;
    return atoi(n);
}

/* Follows symlinks hop by hop (a dangling one too) to the first path that
 * is not a symlink; malloc'ed. NULL with err. */
static char *follow(const char *path, struct pr_err *err)
{
    char *cur = strdup(path);
    for (int hop = 0; cur && hop <= MAX_HOPS; hop++) {
        struct stat st;
        if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
            return cur;
        char target[PATH_MAX];
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0) {
            pr_err_set(err, PR_E_IO, "%s: cannot read the symlink: %s", path, strerror(errno));
            free(cur);
            return NULL;
        }
        target[n] = 0;
        char *next;
        const char *slash = strrchr(cur, '/');
        if (target[0] == '/' || !slash) {
            next = strdup(target);
        } else {
            size_t dl = (size_t)(slash - cur) + 1;
            next = malloc(dl + (size_t)n + 1);
            if (next) {
                memcpy(next, cur, dl);
                memcpy(next + dl, target, (size_t)n + 1);
            }
        }
        free(cur);
        cur = next;
    }
    if (cur) {
        pr_err_set(err, PR_E_ARG, "%s: more than %d symlinks to follow", path, MAX_HOPS);
        free(cur);
    } else {
        pr_err_set(err, PR_E_INTERNAL, "out of memory");
    }
    return NULL;
}

/* ---- writing ---- */

/* Renders into fd (closed here); 0 or -1 with err. */
static int render_to(int fd, const char *path, int (*render)(const void *, FILE *), const void *ctx, bool sync,
                     struct pr_err *err)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        return pr_err_set(err, PR_E_IO, "%s: cannot write: %s", path, strerror(e));
    }
    errno = 0;
    bool bad = render(ctx, f) < 0;
    bad = bad || fflush(f) == EOF || (sync && fsync(fileno(f)) < 0) || pr_test_point() < 0;
    int e = errno;
    bad |= fclose(f) == EOF;
    if (!e)
        e = errno;
    if (bad && e == EPIPE && !sync)
        return 0;   /* the reader of a pipe went away: stop quietly (docs/usage.md, "Exit codes") */
    if (bad)
        return pr_err_set(err, PR_E_IO, "%s: cannot write: %s", path, strerror(e ? e : EIO));
    return 0;
}

/* Through descriptor fd of a device, a FIFO or the process's own stream. */
static int write_through(int fd, const char *path, int (*render)(const void *, FILE *), const void *ctx,
                         struct pr_err *err)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK))
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return render_to(fd, path, render, ctx, false, err);
}

/* A new file, or a regular file replaced: temporary file + rename. */
static int replace(const char *target, const struct stat *old, const char *shown,
                   int (*render)(const void *, FILE *), const void *ctx, struct pr_err *err)
{
    const char *slash = strrchr(target, '/');
    size_t dl = slash ? (size_t)(slash - target) + 1 : 0;
    char tmp[PATH_MAX];
    if (dl + 16 > sizeof tmp)
        return pr_err_set(err, PR_E_ARG, "%s: the folder's path is too long", shown);
    memcpy(tmp, target, dl);
    memcpy(tmp + dl, ".priori-XXXXXX", 15);
    sigset_t block, prev;
    sigemptyset(&block);
    for (int i = 0; i < 3; i++)
        sigaddset(&block, caught[i]);
    sigprocmask(SIG_BLOCK, &block, &prev);   /* no signal between creating and arming */
    int fd = mkstemp(tmp);
    int e = errno;
    if (fd >= 0)
        arm(tmp);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    if (fd < 0)
        return pr_err_set(err, PR_E_IO, "%s: cannot create a file in its folder: %s", shown, strerror(e));
    if (old) {   /* keep mode, owner and group; set-id bits only when the owner could be kept */
        mode_t mode = old->st_mode & 07777;
        if (fchown(fd, old->st_uid, old->st_gid) < 0)
            mode &= 0777;
        (void)fchmod(fd, mode);
    } else {     /* mkstemp makes 0600; a new file gets the usual 0666 & ~umask */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    int rc;
    if (pr_test_point() < 0) {
        rc = pr_err_set(err, PR_E_IO, "%s: cannot write: %s", shown, strerror(errno));
        close(fd);
    } else {
        rc = render_to(fd, shown, render, ctx, true, err);   /* closes fd */
    }
    if (rc == 0 && rename(tmp, target) < 0)
        rc = pr_err_set(err, PR_E_IO, "%s: cannot replace: %s", shown, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    disarm();
    return rc;
}

int pr_atomic_write(const char *path, int (*render)(const void *ctx, FILE *f), const void *ctx,
                    struct pr_err *err)
{
    int own = own_fd(path);
    if (own >= 0) {
        int fd = fcntl(own, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
            return pr_err_set(err, PR_E_IO, "%s: descriptor %d is not open: %s", path, own, strerror(errno));
        return write_through(fd, path, render, ctx, err);
    }
    char *target = follow(path, err);
    if (!target)
        return -1;
    struct stat st;
    int rc;
    if (stat(target, &st) < 0) {
        rc = errno == ENOENT ? replace(target, NULL, path, render, ctx, err)
                             : pr_err_set(err, PR_E_IO, "%s: %s", path, strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
        rc = replace(target, &st, path, render, ctx, err);
    } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
        int fd = open(target, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 && errno == ENXIO && S_ISFIFO(st.st_mode))
            rc = pr_err_set(err, PR_E_IO, "%s: is a FIFO with no reader; priori does not wait for one", path);
        else if (fd < 0)
            rc = pr_err_set(err, PR_E_IO, "%s: cannot open for writing: %s", path, strerror(errno));
        else
            rc = write_through(fd, path, render, ctx, err);
    } else {
        rc = pr_err_set(err, PR_E_ARG, "%s: is %s; priori writes to regular files (replaced whole), "
                        "character devices and FIFOs (written through)", path, pr_file_kind(&st));
    }
    free(target);
    return rc;
}

int pr_output_distinct(const char *out, const char *const *inputs, int n, struct pr_err *err)
{
    struct stat so, si;
    if (!out || stat(out, &so) < 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (inputs[i] && stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            return pr_err_set(err, PR_E_ARG, "-o %s is the same file as the input %s; writing it would "
                              "destroy the input: choose another output file", out, inputs[i]);
    return 0;
}
