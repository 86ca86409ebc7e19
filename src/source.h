/* source.h -- the bytes of a model file, read on demand.
 *
 * Why not mmap: a read fault on a file mapping maps the whole page-cache
 * folio around it, and filesystems with large folios (ext4, xfs on recent
 * kernels) keep folios of up to 2 MiB, so touching the few bytes of each
 * tensor's header maps most of the weights into the process (measured:
 * vgg16, one byte per 4 MiB touched: 192 MiB RSS). Instead the file gets an
 * address range of its size that is reserved, not filled: a private
 * anonymous mapping, whose untouched pages cost nothing. pr_source_need()
 * pread()s a range into place the first time the wire pass (or a small
 * constant) asks for it, in 4 KiB blocks with a read-ahead that doubles
 * while the reads stay sequential (the graph; past 256 KiB a run is read
 * on to the end of a 2 MiB page of the range, which is 2 MiB-aligned, and
 * mapped as a huge page) and drops back to one block after a skip (a
 * weight payload). So priori reads, and keeps in memory,
 * the graph and not the weights; `rchar` in /proc/PID/io counts it exactly.
 *
 * A few bytes far from anything read before (the header of each weight
 * tensor, between payloads) need not take a page of the range at all:
 * pr_source_view() reads them into a small window of its own instead
 * (and so the values of a small tensor, up to 64 KiB), and keeps the first
 * 240 bytes of each such read, in order, for the wire pass's second walk,
 * which asks for the same headers again (a read costs 2-4 us).
 * Every first touch of a page costs a page fault (7-15 us on the VMs
 * priori is developed on), while a read of 4 KiB into memory already
 * touched costs 2 us; resnet50 has ~60 such headers, ~1.5 ms of faults.
 */
#ifndef PR_SOURCE_H
#define PR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Which file, in which state: a file replaced since (another inode) or
 * written (size, modification time) has another id. */
struct pr_file_id {
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns;
};

static inline bool pr_file_id_same(const struct pr_file_id *a, const struct pr_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
           a->mtime_ns == b->mtime_ns;
}

struct pr_source_log;

struct pr_source {
    uint8_t *data;                /* size bytes at their file offsets; only fetched blocks hold file bytes
                                     (2 MiB-aligned: a long run is read into whole huge pages) */
    void *map;                    /* the reservation holding data, map_len bytes */
    size_t map_len;
    size_t size;
    int fd;                       /* valid while open is set */
    bool open;                    /* false once closed (fetched bytes stay valid); a zeroed struct is closed */
    uint64_t *have;               /* a bit per block: 1 once read */
    size_t next;                  /* block after the last read: a read starting there is sequential */
    size_t ahead;                 /* read-ahead in blocks */
    uint64_t bytes_read;
    uint8_t *win;                 /* the window: win_len bytes from file offset win_off (NULL until used), */
    size_t win_off, win_len, win_cap;   /* win_cap allocated */
    struct pr_source_log *log;    /* the start of each window read, in order (source.c) */
    size_t nlog, log_cap, log_next;
    struct pr_file_id id;         /* the opened file's, as fstat gave it */
};

/* Opens path (a regular file of 1 .. max bytes) and reserves its address
 * range. Errors: PR_E_IO (open, stat, map), PR_E_MODEL (size). */
int pr_source_open(struct pr_source *s, const char *path, size_t max, struct pr_err *err);
/* Makes data[off .. off+len) hold the file's bytes. 0, or -1 with err set
 * (PR_E_IO: a read failed or the file shrank). */
int pr_source_need(struct pr_source *s, size_t off, size_t len, struct pr_err *err);
/* Makes the len bytes at off (clipped to the file) readable at *at, and
 * sets *valid to how many bytes from off are readable there (at least
 * len): in data when they are read already or continue the last read (a
 * sequential run), else, when they fit, in the window, which holds them
 * until the next call. Errors as pr_source_need, and PR_E_INTERNAL when
 * out of memory. */
int pr_source_view(struct pr_source *s, size_t off, size_t len, const uint8_t **at, size_t *valid,
                   struct pr_err *err);
/* Bytes from off on that are read already (whole blocks, counted up to
 * 1 MiB past off; 0 when off's block is not). */
size_t pr_source_valid(const struct pr_source *s, size_t off);
/* Stops reading; fetched bytes stay valid until pr_source_free(). */
void pr_source_close(struct pr_source *s);
void pr_source_free(struct pr_source *s);

#endif
