/* source.c -- a model file's bytes, read on demand (source.h). */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS, MAP_NORESERVE, madvise */
#include "source.h"

#include "arena.h"
#include "rfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    BLOCK_SHIFT = 12,             /* 4 KiB blocks */
    AHEAD_MAX = 64,               /* read-ahead up to 256 KiB */
    HUGE_BLOCKS = 512,            /* a 2 MiB page: a long sequential run is read to its end */
    WINDOW_READ = 4096,           /* pr_source_view reads this much at least: a tensor's header and more */
    WINDOW_MAX = 64 * 1024,       /* ... and holds up to this much (a small tensor's values) */
    LOG_MAX = 1 << 14,            /* window reads remembered (at most 4 MiB) */
    LOG_AHEAD = 4,                /* log entries a lookup looks at */
    LOG_BYTES = 240               /* kept of each window read: a tensor's header */
};

/* The start of a window read, kept: the wire pass walks the file twice
 * (measure, then emit) and asks for the same headers in the same order the
 * second time, so a lookup looks at the few entries after the last found. */
struct pr_source_log {
    size_t off;
    size_t len;
    uint8_t bytes[LOG_BYTES];
};

/* Whether the n bytes from file offset lo hold [off, off + len) (len > 0). */
static inline bool holds(size_t lo, size_t n, size_t off, size_t len)
{
    return off >= lo && off - lo < n && len <= n - (off - lo);
}

static const struct pr_source_log *log_find(struct pr_source *s, size_t off, size_t len)
{
    for (size_t k = s->log_next; k < s->nlog && k < s->log_next + LOG_AHEAD; k++) {
        const struct pr_source_log *e = &s->log[k];
        if (holds(e->off, e->len, off, len)) {
            s->log_next = k + 1;
            return e;
        }
    }
    return NULL;
}

/* Keeps the start of the window just read (nothing when out of memory: the log is a shortcut). */
static void log_add(struct pr_source *s)
{
    if (s->nlog == s->log_cap) {
        size_t cap = s->log_cap ? 2 * s->log_cap : 64;
        struct pr_source_log *more = cap <= LOG_MAX ? realloc(s->log, cap * sizeof *more) : NULL;
        if (!more)
            return;
        s->log = more;
        s->log_cap = cap;
    }
    struct pr_source_log *e = &s->log[s->nlog++];
    e->off = s->win_off;
    e->len = s->win_len < sizeof e->bytes ? s->win_len : sizeof e->bytes;
    memcpy(e->bytes, s->win, e->len);
}

static inline bool has(const struct pr_source *s, size_t b)
{
    return s->have[b >> 6] >> (b & 63) & 1;
}

/* Marks blocks [b, e) read. */
static void mark(struct pr_source *s, size_t b, size_t e)
{
    for (; b < e; b++)
        s->have[b >> 6] |= (uint64_t)1 << (b & 63);
}

int pr_source_open(struct pr_source *s, const char *path, size_t max, struct pr_err *err)
{
    memset(s, 0, sizeof *s);
    /* O_NONBLOCK: a FIFO or a device given as the model must not block the open */
    s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (s->fd < 0)
        return pr_err_set(err, PR_E_IO, "cannot open: %s", strerror(errno));
    s->open = true;
    struct stat st;
    if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        bool stat_ok = errno != EBADF;
        pr_source_free(s);
        return pr_err_set(err, PR_E_IO, "is %s, not a regular file; priori reads models from regular files only",
                          stat_ok ? pr_file_kind(&st) : "unreadable");
    }
    s->size = (size_t)st.st_size;
    s->id = (struct pr_file_id){(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                                (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec};
    if (s->size == 0 || s->size > max)
        return 0;   /* the caller reports the size */
    size_t nblocks = ((s->size - 1) >> BLOCK_SHIFT) + 1;
    /* one huge page more than the file, so that file offsets and huge pages align */
    size_t len = (nblocks << BLOCK_SHIFT) + ((size_t)HUGE_BLOCKS << BLOCK_SHIFT);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    s->have = calloc((nblocks + 63) / 64, sizeof *s->have);
    if (p == MAP_FAILED || !s->have) {
        int e = errno;
        size_t size = s->size;
        if (p != MAP_FAILED)
            munmap(p, len);
        pr_source_free(s);
        if (e == ENOMEM)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory: cannot reserve %zu bytes for the file", size);
        return pr_err_set(err, PR_E_IO, "cannot reserve memory for the file: %s", strerror(e));
    }
#ifdef MADV_NOHUGEPAGE
    madvise(p, nblocks << BLOCK_SHIFT, MADV_NOHUGEPAGE);   /* a touched byte must cost 4 KiB, not 2 MiB */
#endif
    s->map = p;
    s->map_len = len;
    const uintptr_t huge = (uintptr_t)HUGE_BLOCKS << BLOCK_SHIFT;
    s->data = (uint8_t *)(((uintptr_t)p + huge - 1) & ~(huge - 1));
    s->ahead = 1;
    return 0;
}

/* Reads the n bytes at off into dst (all of them: the file may not shrink). */
static int read_at(struct pr_source *s, uint8_t *dst, size_t off, size_t n, struct pr_err *err)
{
    while (n > 0) {
        ssize_t got = pread(s->fd, dst, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return pr_err_set(err, PR_E_IO, got < 0 ? "read failed: %s" : "the file shrank while it was read%s",
                              got < 0 ? strerror(errno) : "");
        dst += got;
        off += (size_t)got;
        n -= (size_t)got;
        s->bytes_read += (uint64_t)got;
    }
    return 0;
}

/* Reads blocks [b, e) (e clipped to the first block already read). */
static int fetch(struct pr_source *s, size_t b, size_t e, struct pr_err *err)
{
    size_t nblocks = ((s->size - 1) >> BLOCK_SHIFT) + 1;
    bool run = b == s->next && s->ahead == AHEAD_MAX;
    s->ahead = b == s->next ? (s->ahead * 2 > AHEAD_MAX ? AHEAD_MAX : s->ahead * 2) : 1;
    if (e < b + s->ahead)
        e = b + s->ahead;
    if (run)   /* a long sequential run (the graph): on to the end of a huge page, mapped whole below */
        e = (e + HUGE_BLOCKS - 1) & ~(size_t)(HUGE_BLOCKS - 1);
    if (e > nblocks)
        e = nblocks;
    for (size_t k = b + 1; k < e; k++)
        if (has(s, k)) {
            e = k;
            break;
        }
    size_t off = b << BLOCK_SHIFT, end = e << BLOCK_SHIFT;
    if (end > s->size)
        end = s->size;
    if (end - off >= (size_t)2 << BLOCK_SHIFT)   /* a sequential run (the graph): its pages mapped at once,
                                                     not faulted one by one */
        pr_prefault(s->data + off, end - off);
    if (read_at(s, s->data + off, off, end - off, err) < 0)
        return -1;
    mark(s, b, e);
    s->next = e;
    return 0;
}

int pr_source_need(struct pr_source *s, size_t off, size_t len, struct pr_err *err)
{
    if (len == 0 || off >= s->size)
        return 0;
    if (len > s->size - off)
        len = s->size - off;
    size_t b = off >> BLOCK_SHIFT, last = (off + len - 1) >> BLOCK_SHIFT;
    for (; b <= last; b++) {
        if (has(s, b))
            continue;
        if (!s->open)
            return pr_err_set(err, PR_E_INTERNAL, "the model file was closed before a read");
        if (fetch(s, b, last + 1, err) < 0)
            return -1;
    }
    return 0;
}

int pr_source_view(struct pr_source *s, size_t off, size_t len, const uint8_t **at, size_t *valid,
                   struct pr_err *err)
{
    *at = s->data + (off < s->size ? off : s->size);
    *valid = 0;
    if (len == 0 || off >= s->size)
        return 0;
    if (len > s->size - off)
        len = s->size - off;
    if (s->win && holds(s->win_off, s->win_len, off, len)) {
        *at = s->win + (off - s->win_off);
        *valid = s->win_len - (off - s->win_off);
        return 0;
    }
    const struct pr_source_log *e = log_find(s, off, len);
    if (e) {
        *at = e->bytes + (off - e->off);
        *valid = e->len - (off - e->off);
        return 0;
    }
    size_t b = off >> BLOCK_SHIFT;
    if (len > WINDOW_MAX || has(s, b) || b == s->next) {   /* in data, or to be read into it */
        if (pr_source_need(s, off, len, err) < 0)
            return -1;
        *valid = pr_source_valid(s, off);
        return 0;
    }
    if (!s->open)
        return pr_err_set(err, PR_E_INTERNAL, "the model file was closed before a read");
    size_t n = len > WINDOW_READ ? len : WINDOW_READ;
    if (n > s->size - off)
        n = s->size - off;
    s->win_len = 0;
    if (n > s->win_cap) {
        size_t cap = s->win_cap ? s->win_cap : WINDOW_READ;
        while (cap < n)
            cap *= 2;
        uint8_t *w = realloc(s->win, cap);
        if (!w)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory reading the model");
        s->win = w;
        s->win_cap = cap;
    }
    if (read_at(s, s->win, off, n, err) < 0)
        return -1;
    s->win_off = off;
    s->win_len = n;   /* s->next stays: a run into data goes on past a read here */
    log_add(s);
    *at = s->win;
    *valid = n;
    return 0;
}

size_t pr_source_valid(const struct pr_source *s, size_t off)
{
    if (off >= s->size)
        return 0;
    size_t nblocks = ((s->size - 1) >> BLOCK_SHIFT) + 1, b = off >> BLOCK_SHIFT, e = b;
    size_t cap = b + ((size_t)1 << (20 - BLOCK_SHIFT));   /* 1 MiB: a caller asks again past it */
    while (e < nblocks && e < cap && has(s, e))
        e++;
    size_t end = e << BLOCK_SHIFT;
    if (end > s->size)
        end = s->size;
    return end > off ? end - off : 0;
}

void pr_source_close(struct pr_source *s)
{
    if (s->open)
        close(s->fd);
    s->open = false;
}

void pr_source_free(struct pr_source *s)
{
    pr_source_close(s);
    if (s->map)
        munmap(s->map, s->map_len);
    free(s->have);
    free(s->win);
    free(s->log);
    memset(s, 0, sizeof *s);
}
