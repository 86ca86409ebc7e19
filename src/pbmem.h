/* pbmem.h -- the memory of one model's unpacked protobuf tree.
 *
 * protobuf-c allocates every string, array and message of the tree
 * separately; with malloc that is ~32 bytes of overhead per name and most of
 * the unpack time on large graphs. This allocator carves blocks of up to
 * PR_PBMEM_SMALL bytes, 8-aligned (the tree holds nothing wider), from
 * 64 KiB arena blocks, never freed one by one, and takes larger ones from
 * malloc, remembered in a pointer set so that protobuf-c's frees of its
 * temporary scan buffers return them at once; a free of any other pointer
 * does nothing. pr_pbmem_free() releases everything: the tree needs no
 * free_unpacked walk.
 *
 * protobuf-c answers NULL both for bytes it cannot decode and for an
 * allocation that failed; `failed` tells the two apart (set by the first
 * allocation this allocator could not make).
 */
#ifndef PR_PBMEM_H
#define PR_PBMEM_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "arena.h"

enum { PR_PBMEM_SMALL = 1024, PR_PBMEM_BLOCK = 64 * 1024 };

struct pr_pbmem {
    ProtobufCAllocator al;        /* pass &pm->al to protobuf-c; pm must not move */
    struct pr_arena small;        /* blocks of PR_PBMEM_BLOCK bytes ... */
    unsigned char *cur;           /* ... carved 8-aligned (the tree has no wider type) */
    size_t left;
    uintptr_t *big;               /* open addressing: 0 empty, 1 deleted */
    size_t cap, used;             /* used counts live and deleted slots */
    int failed;                   /* an allocation failed: a NULL unpack was out of memory */
};

void pr_pbmem_init(struct pr_pbmem *pm);
void pr_pbmem_free(struct pr_pbmem *pm);
/* pr_pbmem_free, keeping the arena's newest block for the next tree. */
void pr_pbmem_reset(struct pr_pbmem *pm);

#endif
