/* names.c -- string -> int map, open addressing, linear probing (names.h).
 * The table is kept at most half full, so probes stay short. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int pr_names_init(struct pr_names *h, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2) {
        if (cap > SIZE_MAX / 4)
            return -1;
        cap *= 2;
    }
    h->keys = calloc(cap, sizeof *h->keys);
    h->vals = malloc(cap * sizeof *h->vals);
    h->cap = cap;
    h->count = 0;
    if (!h->keys || !h->vals) {
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
    for (size_t i = 0; i < h->cap; i++)
        if (h->keys[i])
            pr_names_put(&bigger, h->keys[i], h->vals[i]);
    pr_names_free(h);
    *h = bigger;
    return 0;
}

int pr_names_put(struct pr_names *h, const char *key, int val)
{
    if ((h->count + 1) * 2 > h->cap && grow(h) < 0)
        return -1;
    size_t mask = h->cap - 1, i = (size_t)fnv1a(key) & mask;
    while (h->keys[i]) {
        if (strcmp(h->keys[i], key) == 0)
            return 1;
        i = (i + 1) & mask;
    }
    h->keys[i] = key;
    h->vals[i] = val;
    h->count++;
    return 0;
}

int pr_names_set(struct pr_names *h, const char *key, int val)
{
    int rc = pr_names_put(h, key, val);
    if (rc <= 0)
        return rc;
    size_t mask = h->cap - 1, i = (size_t)fnv1a(key) & mask;
    while (strcmp(h->keys[i], key) != 0)   /* present: pr_names_put said so */
        i = (i + 1) & mask;
    h->keys[i] = key;
    h->vals[i] = val;
    return 1;
}

int pr_names_get(const struct pr_names *h, const char *key)
{
    if (!h->cap)
        return -1;
    size_t mask = h->cap - 1, i = (size_t)fnv1a(key) & mask;
    while (h->keys[i]) {
        if (strcmp(h->keys[i], key) == 0)
            return h->vals[i];
        i = (i + 1) & mask;
    }
    return -1;
}

void pr_names_free(struct pr_names *h)
{
    free(h->keys);
    free(h->vals);
    h->keys = NULL;
    h->vals = NULL;
    h->cap = h->count = 0;
}
