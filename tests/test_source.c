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

/* A pattern file of FILE_BYTES, opened; false when it cannot be. */
static bool open_file(struct pr_source *s, char *path, size_t size)
{
    struct pr_err err = {0};
    bool ok = make_file(path, size, FILE_BYTES) && pr_source_open(s, path, FILE_BYTES, &err) == 0;
    CHECK(ok);
    return ok;
}

static void close_file(struct pr_source *s, const char *path)
{
    pr_source_free(s);
    unlink(path);
}

static void a_read_far_from_the_others_goes_to_the_window(void)
{
    char path[64];
    struct pr_source s;
    struct pr_err err = {0};
    if (!open_file(&s, path, sizeof path))
        return;
    const uint8_t *at;
    size_t valid;
    /* the start: read in place, the run going on in place */
    CHECK_EQ(pr_source_view(&s, 0, 100, &at, &valid, &err), 0);
    CHECK(at == s.data && valid >= 100 && holds(at, 0, valid));
    /* far away, a header's worth: in the window, not in data */
    size_t far = 2000003;
    CHECK_EQ(pr_source_view(&s, far, 15, &at, &valid, &err), 0);
    CHECK(at != s.data + far && valid >= 15 && holds(at, far, valid));
    CHECK_EQ(pr_source_valid(&s, far), 0);
    /* inside what the window holds: no read */
    uint64_t reads = s.bytes_read;
    CHECK_EQ(pr_source_view(&s, far + 100, 50, &at, &valid, &err), 0);
    CHECK(holds(at, far + 100, 50) && s.bytes_read == reads);
    /* more than the window holds: in data */
    CHECK_EQ(pr_source_view(&s, 1000000, 100000, &at, &valid, &err), 0);
    CHECK(at == s.data + 1000000 && holds(at, 1000000, 100000));
    /* the last bytes of the file, asked for with more: clipped */
    CHECK_EQ(pr_source_view(&s, FILE_BYTES - 3, 15, &at, &valid, &err), 0);
    CHECK(valid == 3 && holds(at, FILE_BYTES - 3, 3));
    close_file(&s, path);
}

static void a_second_walk_over_the_same_headers_reads_nothing(void)
{
    char path[64];
    struct pr_source s;
    struct pr_err err = {0};
    if (!open_file(&s, path, sizeof path))
        return;
    const uint8_t *at;
    size_t valid;
    enum { N = 40 };
    bool ok = true;
    for (size_t i = 0; i < N; i++) {   /* headers 70 KiB apart: the payloads between are never asked for */
        size_t off = 8192 + i * 70000;
        ok &= pr_source_view(&s, off, 15, &at, &valid, &err) == 0 && holds(at, off, 15) &&
              pr_source_view(&s, off + 20, 60, &at, &valid, &err) == 0 && holds(at, off + 20, 60);
    }
    CHECK(ok);
    uint64_t reads = s.bytes_read;
    for (size_t i = 0; i < N; i++) {
        size_t off = 8192 + i * 70000;
        ok &= pr_source_view(&s, off, 15, &at, &valid, &err) == 0 && holds(at, off, valid) && valid >= 15;
    }
    CHECK(ok);
    CHECK_EQ(s.bytes_read, reads);   /* all from the log */
    /* a header past what the log kept of its read: read again, right */
    CHECK_EQ(pr_source_view(&s, 8192 + 300, 15, &at, &valid, &err), 0);
    CHECK(holds(at, 8192 + 300, 15) && s.bytes_read > reads);
    close_file(&s, path);
}

static void a_file_that_shrinks_is_an_io_error(void)
{
    char path[64];
    struct pr_source s;
    struct pr_err err = {0};
    if (!open_file(&s, path, sizeof path))
        return;
    CHECK_EQ(truncate(path, 1000), 0);
    const uint8_t *at;
    size_t valid;
    CHECK_EQ(pr_source_view(&s, 2000000, 15, &at, &valid, &err), -1);
    CHECK_EQ(err.code, PR_E_IO);
    CHECK(strstr(err.msg, "shrank") != NULL);
    close_file(&s, path);
}

void suite_source(void)
{
    RUN(a_read_far_from_the_others_goes_to_the_window);
    RUN(a_second_walk_over_the_same_headers_reads_nothing);
    RUN(a_file_that_shrinks_is_an_io_error);
}
