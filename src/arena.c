/* arena.c -- chunked bump allocator (see arena.h). */
#define _DEFAULT_SOURCE   /* madvise */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct pr_arena_chunk {
    struct pr_arena_chunk *next;
    size_t size, used;
    size_t mapped;              /* a large chunk's bytes from its start that pr_prefault mapped */
    _Alignas(16) unsigned char data[];
};

/* Every chunk is mapped ahead of its use (pr_prefault_ahead: a graph of a
 * million nodes fills 16 MiB chunks with names; on the VMs priori is
 * developed on, a page mapped by the fault of its first touch costs
 * 14 us, one of a range mapped at once 7 us). */
enum { ARENA_MIN_CHUNK = 64 * 1024, ARENA_ALIGN = 16, ARENA_BIG = 1024 * 1024 };

void pr_prefault_ahead(void *p, size_t size, size_t used, size_t *mapped)
{
    const uintptr_t huge = (uintptr_t)2 << 20, page = 4096, least = 16 * 1024;
    if (used <= *mapped)
        return;
    /* ahead as much as is used (16 KiB at least: a small block stays small), up to a huge page;
       then on to the next 2 MiB boundary but one */
    uintptr_t base = (uintptr_t)p, ahead = used < least ? least : used < huge ? used : huge;
    uintptr_t end = ahead == huge ? (base + used + huge) & ~(huge - 1) : (base + used + ahead + page - 1) & ~(page - 1);
    size_t to = end - base < size ? (size_t)(end - base) : size;
    pr_prefault((unsigned char *)p + *mapped, to - *mapped);
    *mapped = to;
}

void pr_arena_init(struct pr_arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void *pr_arena_alloc(struct pr_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct pr_arena_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t want = c ? c->size * 2 : ARENA_MIN_CHUNK;
        if (want > 16u * 1024 * 1024)
            want = 16u * 1024 * 1024;
        if (want < size)
            want = size;
        c = malloc(sizeof *c + want);
        if (!c)
            return NULL;
        c->size = want;
        c->used = 0;
        c->mapped = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    a->used_total += size;
    pr_prefault_ahead(c->data, c->size, c->used, &c->mapped);
    return p;
}

void pr_prefault(void *p, size_t n)
{
    enum { PAGE = 4096, POPULATE_WRITE = 23 };   /* MADV_POPULATE_WRITE: Debian 12's headers predate it */
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(PAGE - 1);
    uintptr_t hlo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hhi = ((uintptr_t)p + n) & ~(huge - 1);
#ifdef MADV_HUGEPAGE
    if (hhi > hlo)   /* the whole 2 MiB pages inside: one mapping each where the kernel has them */
        (void)madvise((void *)hlo, hhi - hlo, MADV_HUGEPAGE);
#endif
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, POPULATE_WRITE);   /* EINVAL on older kernels: faults as before */
}

void *pr_zalloc(size_t n, size_t size)
{
    /* glibc maps a block this large fresh (zero pages: calloc writes nothing); a smaller one may
       come from the heap, where calloc would clear it page fault by page fault */
    enum { FRESH = 32u << 20 };
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = bytes >= FRESH ? calloc(n, size) : malloc(bytes);
    if (!p)
        return NULL;
    pr_prefault(p, bytes);
    if (bytes < FRESH)
        memset(p, 0, bytes);
    return p;
}

/* A large zeroed block gets a chunk of its own (pr_zalloc: its callers
 * write it whole, the values, the nodes, so its pages are mapped at once),
 * linked behind the head so that the head's free space stays in use. */
static void *alloc_big_zeroed(struct pr_arena *a, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct pr_arena_chunk *c = pr_zalloc(1, sizeof *c + size);
    if (!c)
        return NULL;
    c->size = c->used = c->mapped = size;
    if (a->head) {
        c->next = a->head->next;
        a->head->next = c;
    } else {
        a->head = c;
    }
    a->used_total += size;
    return c->data;
}

void *pr_arena_calloc(struct pr_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    if (n * size >= ARENA_BIG && n * size <= SIZE_MAX / 2)
        return alloc_big_zeroed(a, n * size);
    void *p = pr_arena_alloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

char *pr_arena_strdup(struct pr_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = pr_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void pr_arena_mark(const struct pr_arena *a, struct pr_arena_mark *mk)
{
    mk->head = a->head;
    mk->next = a->head ? a->head->next : NULL;
    mk->used = a->head ? a->head->used : 0;
    mk->used_total = a->used_total;
}

/* Chunks come in front of the head, or (large zeroed blocks) right behind
 * it: those newer than the mark are the ones before mk->head and the ones
 * between mk->head and mk->next. */
void pr_arena_rewind(struct pr_arena *a, const struct pr_arena_mark *mk)
{
    struct pr_arena_chunk *c = a->head;
    while (c && c != mk->head) {
        struct pr_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = c;
    if (c) {
        struct pr_arena_chunk *x = c->next;
        while (x && x != mk->next) {
            struct pr_arena_chunk *next = x->next;
            free(x);
            x = next;
        }
        c->next = x;
        c->used = mk->used;
    }
    a->used_total = mk->used_total;
}

void pr_arena_clear(struct pr_arena *a)
{
    struct pr_arena_chunk *c = a->head;
    if (!c)
        return;
    for (struct pr_arena_chunk *x = c->next, *next; x; x = next) {
        next = x->next;
        free(x);
    }
    c->next = NULL;
    c->used = 0;
    a->used_total = 0;
}

void pr_arena_free(struct pr_arena *a)
{
    struct pr_arena_chunk *c = a->head;
    while (c) {
        struct pr_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
