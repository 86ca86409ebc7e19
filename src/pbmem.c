/* pbmem.c -- arena-backed protobuf-c allocator (pbmem.h). */
#include "pbmem.h"

#include <stdlib.h>
#include <string.h>

enum { DELETED = 1 };

static size_t slot_of(uintptr_t p, size_t cap)
{
    return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

/* Rehashes into a set twice as large as the live pointers need. */
static int rehash(struct pr_pbmem *pm)
{
    size_t live = 0;
    for (size_t i = 0; i < pm->cap; i++)
        live += pm->big[i] > DELETED;
    size_t cap = 64;
    while (cap < (live + 1) * 4)
        cap *= 2;
    uintptr_t *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < pm->cap; i++)
        if (pm->big[i] > DELETED) {
            size_t k = slot_of(pm->big[i], cap);
            while (t[k])
                k = (k + 1) & (cap - 1);
            t[k] = pm->big[i];
        }
    free(pm->big);
    pm->big = t;
    pm->cap = cap;
    pm->used = live;
    return 0;
}

static void *alloc_block(struct pr_pbmem *pm, size_t size)
{
    if (size <= PR_PBMEM_SMALL) {
        size = (size + 7) & ~(size_t)7;
        if (size == 0)
            size = 8;
        if (pm->left < size) {
            pm->cur = pr_arena_alloc(&pm->small, PR_PBMEM_BLOCK);
            if (!pm->cur)
                return NULL;
            pm->left = PR_PBMEM_BLOCK;
        }
        void *p = pm->cur;
        pm->cur += size;
        pm->left -= size;
        return p;
    }
    if ((pm->used + 1) * 2 > pm->cap && rehash(pm) < 0)
        return NULL;
    void *p = malloc(size);
    if (!p)
        return NULL;
    size_t k = slot_of((uintptr_t)p, pm->cap);
    while (pm->big[k] > DELETED)
        k = (k + 1) & (pm->cap - 1);
    if (!pm->big[k])
        pm->used++;
    pm->big[k] = (uintptr_t)p;
    return p;
}

static void *pb_alloc(void *self, size_t size)
{
    struct pr_pbmem *pm = self;
    void *p = alloc_block(pm, size);
    if (!p)
        pm->failed = 1;
    return p;
}

static void pb_free(void *self, void *p)
{
    struct pr_pbmem *pm = self;
    if (!p || !pm->cap)
        return;
    for (size_t k = slot_of((uintptr_t)p, pm->cap); pm->big[k]; k = (k + 1) & (pm->cap - 1))
        if (pm->big[k] == (uintptr_t)p) {
            pm->big[k] = DELETED;
            free(p);
            return;
        }
}

void pr_pbmem_init(struct pr_pbmem *pm)
{
    memset(pm, 0, sizeof *pm);
    pm->al.alloc = pb_alloc;
    pm->al.free = pb_free;
    pm->al.allocator_data = pm;
    pr_arena_init(&pm->small);
}

void pr_pbmem_reset(struct pr_pbmem *pm)
{
    for (size_t i = 0; i < pm->cap; i++)
        if (pm->big[i] > DELETED)
            free((void *)pm->big[i]);
    free(pm->big);
    struct pr_arena small = pm->small;
    pr_arena_clear(&small);
    pr_pbmem_init(pm);
    pm->small = small;
}

void pr_pbmem_free(struct pr_pbmem *pm)
{
    pr_pbmem_reset(pm);
    pr_arena_free(&pm->small);
    pr_pbmem_init(pm);
}
