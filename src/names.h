/* names.h -- string -> int index, open addressing with FNV-1a.
 *
 * Value and node names are looked up once per node input, so the map keeps
 * loading linear in the graph size. Keys are not copied: they must outlive
 * the map (they live in the protobuf tree or the arena).
 */
#ifndef PR_NAMES_H
#define PR_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct pr_name_slot {
    const char *key;            /* NULL: empty */
    uint32_t hash;              /* 32 bits of the key's hash: strings are compared only on a match */
    int val;
};

struct pr_names {
    struct pr_name_slot *slots;
    size_t cap, count;
};

int  pr_names_init(struct pr_names *h, size_t expected);   /* 0 / -1 on OOM */
/* Insert key -> val; returns 0, 1 if the key existed (value untouched),
 * -1 on OOM. */
int  pr_names_put(struct pr_names *h, const char *key, int val);
/* Insert or replace key -> val (the stored key pointer becomes key);
 * returns 0 if new, 1 if replaced, -1 on OOM. */
int  pr_names_set(struct pr_names *h, const char *key, int val);
int  pr_names_get(const struct pr_names *h, const char *key); /* -1 if absent */
/* Starts fetching the slot where key's probe begins (a hint; changes
 * nothing): a loop inserting many keys calls it a few keys ahead, so that
 * the cache miss of a large table overlaps the work in between. */
void pr_names_prefetch(const struct pr_names *h, const char *key);
/* The 32-bit hash the map keeps of key, and the same calls given it (a
 * caller that hashed a key ahead, to prefetch its slot, hashes it once). */
uint32_t pr_names_hash(const char *key);
void pr_names_prefetch_hash(const struct pr_names *h, uint32_t hash);
int  pr_names_put_hashed(struct pr_names *h, const char *key, uint32_t hash, int val);
void pr_names_free(struct pr_names *h);

#endif
