/* test_source.c -- a model file read on demand (src/source.c): where
 * pr_source_view puts the bytes (in place, in the window, from the log of
 * window reads), that they are the file's, and how many reads it takes.
 *
 * The file is a pattern whose every byte says where it is (byte k holds
 * k * 131 mod 251, so no two nearby offsets hold the same run). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "test.h"

void suite_source(void);

enum { FILE_BYTES = 3 << 20 };

static uint8_t pattern(size_t k)
{
    return (uint8_t)(k * 131 % 251);
}

static bool holds(const uint8_t *at, size_t off, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (at[i] != pattern(off + i))
            return false;
    return true;
}

/* A file of n pattern bytes; its path in path (unlinked by the caller). */
static bool make_file(char *path, size_t size, size_t n)
{
    snprintf(path, size, "/tmp/priori-test-source-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    uint8_t *b = malloc(n);
    for (size_t k = 0; b && k < n; k++)
        b[k] = pattern(k);
    bool ok = b && write(fd, b, n) == (ssize_t)n;
    free(b);
    close(fd);
    return ok;
}

/* One test's pattern file of FILE_BYTES, opened, and what a view gives. */
struct fx {
    char path[64];
    struct pr_source s;
    struct pr_err err;
    const uint8_t *at;
    size_t valid;
};

/* false when the file cannot be made or opened */
static bool open_file(struct fx *f)
{
    memset(f, 0, sizeof *f);
    bool ok = make_file(f->path, sizeof f->path, FILE_BYTES) &&
              pr_source_open(&f->s, f->path, FILE_BYTES, &f->err) == 0;
    CHECK(ok);
    return ok;
}

static void close_file(struct fx *f)
{
    pr_source_free(&f->s);
    unlink(f->path);
}

/* pr_source_view of f's file: at and valid into f */
static int view(struct fx *f, size_t off, size_t len)
{
    return pr_source_view(&f->s, off, len, &f->at, &f->valid, &f->err);
}

static void a_read_far_from_the_others_goes_to_the_window(void)
{
    struct fx f;
    if (!open_file(&f))
        return;
    /* the start: read in place, the run going on in place */
    CHECK_EQ(view(&f, 0, 100), 0);
    CHECK(f.at == f.s.data && f.valid >= 100 && holds(f.at, 0, f.valid));
    /* far away, a header's worth: in the window, not in data */
    size_t far = 2000003;
    CHECK_EQ(view(&f, far, 15), 0);
    CHECK(f.at != f.s.data + far && f.valid >= 15 && holds(f.at, far, f.valid));
    CHECK_EQ(pr_source_valid(&f.s, far), 0);
    /* inside what the window holds: no read */
    uint64_t reads = f.s.bytes_read;
    CHECK_EQ(view(&f, far + 100, 50), 0);
    CHECK(holds(f.at, far + 100, 50) && f.s.bytes_read == reads);
    /* more than the window holds: in data */
    CHECK_EQ(view(&f, 1000000, 100000), 0);
    CHECK(f.at == f.s.data + 1000000 && holds(f.at, 1000000, 100000));
    /* the last bytes of the file, asked for with more: clipped */
    CHECK_EQ(view(&f, FILE_BYTES - 3, 15), 0);
    CHECK(f.valid == 3 && holds(f.at, FILE_BYTES - 3, 3));
    close_file(&f);
}

static void a_second_walk_over_the_same_headers_reads_nothing(void)
{
    struct fx f;
    if (!open_file(&f))
        return;
    enum { N = 40 };
    bool ok = true;
    for (size_t i = 0; i < N; i++) {   /* headers 70 KiB apart: the payloads between are never asked for */
        size_t off = 8192 + i * 70000;
        ok &= view(&f, off, 15) == 0 && holds(f.at, off, 15) &&
              view(&f, off + 20, 60) == 0 && holds(f.at, off + 20, 60);
    }
    CHECK(ok);
    uint64_t reads = f.s.bytes_read;
    for (size_t i = 0; i < N; i++) {
        size_t off = 8192 + i * 70000;
        ok &= view(&f, off, 15) == 0 && holds(f.at, off, f.valid) && f.valid >= 15;
    }
    CHECK(ok);
    CHECK_EQ(f.s.bytes_read, reads);   /* all from the log */
    /* a header past what the log kept of its read: read again, right */
    CHECK_EQ(view(&f, 8192 + 300, 15), 0);
    CHECK(holds(f.at, 8192 + 300, 15) && f.s.bytes_read > reads);
    close_file(&f);
}

static void a_file_that_shrinks_is_an_io_error(void)
{
    struct fx f;
    if (!open_file(&f))
        return;
    CHECK_EQ(truncate(f.path, 1000), 0);
    CHECK_EQ(view(&f, 2000000, 15), -1);
    CHECK_EQ(f.err.code, PR_E_IO);
    CHECK(strstr(f.err.msg, "shrank") != NULL);
    close_file(&f);
}

void suite_source(void)
{
    RUN(a_read_far_from_the_others_goes_to_the_window);
    RUN(a_second_walk_over_the_same_headers_reads_nothing);
    RUN(a_file_that_shrinks_is_an_io_error);
}
