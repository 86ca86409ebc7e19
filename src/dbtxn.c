/* dbtxn.c -- lock file, staged files, commit marker, recovery (dbtxn.h). */
#include "dbtxn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rfile.h"
#include "testhook.h"

#define LOCK_NAME ".priori.lock"
#define STAGE ".priori-new."
#define MARK ".priori-commit"
#define MARK_TMP ".priori-commit.tmp"

enum { PATH_LEN = 4096 };

/* The only names an update may hold: a marker naming anything else is not ours. */
static const char *const db_files[] = {"profiles.json", "records.json", "carbon.json"};
enum { NFILES = 3 };

static void join(char *buf, const char *dir, const char *prefix, const char *name)
{
    snprintf(buf, PATH_LEN, "%s/%s%s", dir, prefix, name);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Is an update half done: a marker or a staged file in dir? */
static bool pending(const char *dir)
{
    char p[PATH_LEN];
    join(p, dir, "", MARK);
    if (exists(p))
        return true;
    join(p, dir, "", MARK_TMP);
    if (exists(p))
        return true;
    for (int i = 0; i < NFILES; i++) {
        join(p, dir, STAGE, db_files[i]);
        if (exists(p))
            return true;
    }
    return false;
}

static int known(const char *name)
{
    for (int i = 0; i < NFILES; i++)
        if (strcmp(name, db_files[i]) == 0)
            return i;
    return -1;
}

/* Finishes a committed update (marker present) or removes the staged files
 * of one that was not; *recovered says which. Exclusive lock held. */
static int recover(const char *dir, const char **recovered, struct pr_err *err)
{
    char mark[PATH_LEN], from[PATH_LEN], to[PATH_LEN];
    join(mark, dir, "", MARK);
    bool committed = exists(mark);
    bool todo[NFILES] = {false};
    if (committed) {
        size_t len;
        char *text = pr_rfile_read(mark, 4096, &len, PR_E_IO, err);
        if (!text)
            return -1;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            int k = known(line);
            if (k < 0) {
                free(text);
                return pr_err_set(err, PR_E_IO, "%s: not a priori commit marker (names '%.40s'); remove it "
                                  "by hand", mark, line);
            }
            todo[k] = true;
        }
        free(text);
    }
    for (int i = 0; i < NFILES; i++) {
        join(from, dir, STAGE, db_files[i]);
        join(to, dir, "", db_files[i]);
        if (!exists(from))
            continue;
        if (committed && todo[i] ? rename(from, to) < 0 : unlink(from) < 0)
            return pr_err_set(err, PR_E_IO, "%s: an update of the database was interrupted and cannot be %s "
                              "here: %s; run 'priori db check --db %s' as the database's owner", dir,
                              committed ? "finished" : "rolled back", strerror(errno), dir);
    }
    join(from, dir, "", MARK_TMP);
    unlink(from);
    if (sync_dir(dir) < 0 || (committed && (unlink(mark) < 0 || sync_dir(dir) < 0)))
        return pr_err_set(err, PR_E_IO, "%s: cannot finish an interrupted update: %s", dir, strerror(errno));
    *recovered = committed ? "completed (it had been committed: the database holds the new entries)"
                           : "rolled back (it had not been committed: the database is as it was before it)";
    return 0;
}

static int lock_op(int fd, int op)
{
    int rc;
    while ((rc = flock(fd, op)) < 0 && errno == EINTR)
        ;
    return rc;
}

int pr_db_lock(struct pr_db_lock *l, const char *dir, bool exclusive, struct pr_err *err)
{
    char path[PATH_LEN];
    join(path, dir, "", LOCK_NAME);
    l->recovered = NULL;
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    if (l->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
        l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (l->fd < 0) {
        if (exclusive && errno != ENOENT)   /* no folder: the load that follows names it */
            return pr_err_set(err, PR_E_IO, "%s: cannot create the lock file: %s", path, strerror(errno));
        /* a read-only folder without a lock file: nobody can update it through priori */
        if (pending(dir))
            return pr_err_set(err, PR_E_IO, "%s: an update of the database was interrupted and cannot be "
                              "finished here (read-only); run 'priori db check --db %s' as its owner", dir, dir);
        return 0;
    }
    struct stat st;
    if (fstat(l->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        pr_db_unlock(l);
        return pr_err_set(err, PR_E_IO, "%s: the lock file is not a regular file; remove it", path);
    }
    for (;;) {
        if (lock_op(l->fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
            int e = errno;
            pr_db_unlock(l);
            return pr_err_set(err, PR_E_IO, "%s: cannot lock: %s", path, strerror(e));
        }
        if (!pending(dir))
            return 0;
        if ((!exclusive && lock_op(l->fd, LOCK_EX) < 0) || (pending(dir) && recover(dir, &l->recovered, err) < 0)) {
            if (!err->msg[0])
                pr_err_set(err, PR_E_IO, "%s: cannot lock: %s", path, strerror(errno));
            pr_db_unlock(l);
            return -1;
        }
        if (exclusive)
            return 0;
    }
}

void pr_db_unlock(struct pr_db_lock *l)
{
    if (l->fd >= 0)
        close(l->fd);   /* releases the flock */
    l->fd = -1;
}

/* Writes text and a newline to path (new, mode like keep_mode_of or 0666 &
 * ~umask), fsync()ed. 0 / -1 with errno. */
static int write_file(const char *path, const char *text, const char *keep_mode_of)
{
    if (pr_test_point() < 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0)
        return -1;
    struct stat st;
    if (keep_mode_of && stat(keep_mode_of, &st) == 0)
        (void)fchmod(fd, st.st_mode & 0777);
    size_t len = strlen(text), off = 0;
    int rc = 0;
    while (rc == 0 && off <= len) {   /* the text, then "\n" */
        const char *p = off < len ? text + off : "\n";
        size_t want = off < len ? len - off : 1;
        ssize_t w = write(fd, p, want);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            off += (size_t)w;
    }
    if (rc == 0 && (fsync(fd) < 0 || pr_test_point() < 0))
        rc = -1;
    int e = errno;
    if (close(fd) < 0 && rc == 0)
        return -1;
    errno = e;
    return rc;
}

int pr_db_commit(const char *dir, const char *const *names, const char *const *texts, int n, struct pr_err *err)
{
    char stage[PATH_LEN], final[PATH_LEN], mark[PATH_LEN], tmp[PATH_LEN];
    char list[128] = "";
    const char *step = "write";
    int i;
    for (i = 0; i < n; i++) {
        if (known(names[i]) < 0)
            return pr_err_set(err, PR_E_INTERNAL, "database update of an unknown file '%s'", names[i]);
        join(stage, dir, STAGE, names[i]);
        join(final, dir, "", names[i]);
        if (write_file(stage, texts[i], final) < 0)
            goto rollback;
        strcat(list, names[i]);
        strcat(list, "\n");
    }
    join(mark, dir, "", MARK);
    join(tmp, dir, "", MARK_TMP);
    step = "commit";
    if (sync_dir(dir) < 0 || write_file(tmp, list, NULL) < 0 || pr_test_point() < 0 || rename(tmp, mark) < 0)
        goto rollback;
    /* committed: from here on the next command completes the update */
    for (i = 0; i < n; i++) {
        join(stage, dir, STAGE, names[i]);
        join(final, dir, "", names[i]);
        if (sync_dir(dir) < 0 || pr_test_point() < 0 || rename(stage, final) < 0)
            return pr_err_set(err, PR_E_IO, "%s: cannot finish the update of %s: %s (it is committed: the next "
                              "command that opens the database completes it)", dir, names[i], strerror(errno));
    }
    if (sync_dir(dir) < 0 || pr_test_point() < 0 || unlink(mark) < 0 || sync_dir(dir) < 0)
        return pr_err_set(err, PR_E_IO, "%s: cannot finish the update: %s (it is committed: the next command "
                          "that opens the database completes it)", dir, strerror(errno));
    return 0;
rollback:;
    int e = errno;
    for (int k = 0; k < n; k++) {
        join(stage, dir, STAGE, names[k]);
        unlink(stage);
    }
    join(tmp, dir, "", MARK_TMP);
    unlink(tmp);
    return pr_err_set(err, PR_E_IO, "%s: cannot %s the update of %s: %s (the database is unchanged)", dir, step,
                      i < n ? names[i] : "the database", strerror(e ? e : EIO));
}
