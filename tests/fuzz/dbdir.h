/* dbdir.h -- what the database harnesses (fuzz_db, fuzz_dbadd,
 * fuzz_calibrate) share: a private database folder, under /dev/shm when it
 * exists (every update is fsync()ed), removed at exit; reading and
 * writing whole files. Header-only (static inline) so each harness stays
 * one object file. */
#ifndef PR_FUZZ_DBDIR_H
#define PR_FUZZ_DBDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fz_dir[64];

static inline void fz_cleanup(void)
{
    static const char *const names[] = {"profiles.json", "records.json", "carbon.json", ".priori.lock"};
    char path[128];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", fz_dir, names[i]);
        unlink(path);
    }
    rmdir(fz_dir);
}

/* Makes fz_dir (once; aborts when it cannot). */
static inline void fz_make_dir(const char *tag)
{
    if (fz_dir[0])
        return;
    snprintf(fz_dir, sizeof fz_dir, "%s/priori-fuzz-%s-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
             tag);
    if (!mkdtemp(fz_dir)) {
        perror("mkdtemp");
        abort();
    }
    atexit(fz_cleanup);
}

/* The first 4 MiB of path (malloc'ed), *n its length; NULL when unreadable. */
static inline char *fz_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(1 << 22) : NULL;
    *n = buf ? fread(buf, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

/* Writes n bytes to fz_dir/name; aborts when it cannot. */
static inline void fz_put(const char *name, const void *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", fz_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        abort();
}

#endif
