/* names.c -- string -> int map, open addressing, linear probing (names.h).
 * The table is kept at most half full, so probes stay short. A slot holds
 * the key, 32 bits of its hash and the value side by side (one cache line
 * per probe), and a probe reads the key itself (a cache miss on a large
 * graph: keys live in the protobuf tree) only when the hashes match.
 *
 * A table of HUGE_TABLE bytes or more (a graph of about 128,000 names and
 * up) is asked to live in transparent huge pages: its probes land on
 * random pages, and with 4 KiB pages nearly each is a TLB miss (a page
 * walk, costly under virtualisation): measured on the 1M-node graph,
 * loading went from 0.63-0.68 to 0.54-0.56 s of CPU. Where the kernel
 * gives no huge pages the advice changes nothing. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

enum { HUGE_PAGE = 2u << 20, HUGE_TABLE = 4u << 20 };

/* A zeroed table of n bytes; a large one aligned to huge pages and mapped
 * in them if the kernel has them (pr_prefault), then cleared. */
static void *table_alloc(size_t n)
{
    if (n >= HUGE_TABLE && n % HUGE_PAGE == 0) {
        void *p = aligned_alloc(HUGE_PAGE, n);
        if (!p)
            return NULL;
        pr_prefault(p, n);
        memset(p, 0, n);
        return p;
    }
    return calloc(n, 1);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* 32 bits of FNV-1a, folded (the table index takes the low bits). */
static uint32_t hash_of(const char *s)
{
    uint64_t h = fnv1a(s);
    return (uint32_t)(h ^ (h >> 32));
}

int pr_names_init(struct pr_names *h, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2) {
        if (cap > SIZE_MAX / 4 / sizeof *h->slots)
            return -1;
        cap *= 2;
    }
    h->slots = table_alloc(cap * sizeof *h->slots);
    h->cap = cap;
    h->count = 0;
    if (!h->slots) {
        pr_names_free(h);
        return -1;
    }
    return 0;
}

static int grow(struct pr_names *h)
{
    struct pr_names bigger;
    if (pr_names_init(&bigger, h->cap) < 0)
        return -1;
    size_t mask = bigger.cap - 1;
    for (size_t i = 0; i < h->cap; i++)
        if (h->slots[i].key) {   /* keys are distinct: placed without comparing */
            size_t k = (size_t)h->slots[i].hash & mask;
            while (bigger.slots[k].key)
                k = (k + 1) & mask;
            bigger.slots[k] = h->slots[i];
        }
    bigger.count = h->count;
    pr_names_free(h);
    *h = bigger;
    return 0;
}

uint32_t pr_names_hash(const char *key)
{
    return hash_of(key);
}

int pr_names_put(struct pr_names *h, const char *key, int val)
{
    return pr_names_put_hashed(h, key, hash_of(key), val);
}

int pr_names_put_hashed(struct pr_names *h, const char *key, uint32_t hash, int val)
{
    if ((h->count + 1) * 2 > h->cap && grow(h) < 0)
        return -1;
    size_t mask = h->cap - 1, i = (size_t)hash & mask;
    while (h->slots[i].key) {
        if (h->slots[i].hash == hash && strcmp(h->slots[i].key, key) == 0)
            return 1;
        i = (i + 1) & mask;
    }
    h->slots[i].key = key;
    h->slots[i].hash = hash;
    h->slots[i].val = val;
    h->count++;
    return 0;
}

int pr_names_set(struct pr_names *h, const char *key, int val)
{
    int rc = pr_names_put(h, key, val);
    if (rc <= 0)
        return rc;
    uint32_t hash = hash_of(key);
    size_t mask = h->cap - 1, i = (size_t)hash & mask;
    while (h->slots[i].hash != hash || strcmp(h->slots[i].key, key) != 0)   /* present: pr_names_put said so */
        i = (i + 1) & mask;
    h->slots[i].key = key;
    h->slots[i].val = val;
    return 1;
}

int pr_names_get(const struct pr_names *h, const char *key)
{
    if (!h->cap)
        return -1;
    uint32_t hash = hash_of(key);
    size_t mask = h->cap - 1, i = (size_t)hash & mask;
    while (h->slots[i].key) {
        if (h->slots[i].hash == hash && strcmp(h->slots[i].key, key) == 0)
            return h->slots[i].val;
        i = (i + 1) & mask;
    }
    return -1;
}

void pr_names_prefetch(const struct pr_names *h, const char *key)
{
    pr_names_prefetch_hash(h, hash_of(key));
}

void pr_names_prefetch_hash(const struct pr_names *h, uint32_t hash)
{
#if defined(__GNUC__)
    if (h->cap)
        __builtin_prefetch(&h->slots[(size_t)hash & (h->cap - 1)], 1);
#else
    (void)h;
    (void)hash;
#endif
}

void pr_names_free(struct pr_names *h)
{
    free(h->slots);
    h->slots = NULL;
    h->cap = h->count = 0;
}
