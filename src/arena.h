/* arena.h -- bump allocator for everything derived from a model.
 *
 * Shapes, constant values, names and per-layer records live as long as the
 * analysis does, so they are carved from chunks and freed all at once.
 * Chunks grow geometrically; a request larger than a chunk gets its own.
 * Allocation failure returns NULL; callers turn that into an error.
 */
#ifndef PR_ARENA_H
#define PR_ARENA_H

#include <stddef.h>

struct pr_arena_chunk;

struct pr_arena {
    struct pr_arena_chunk *head;
    size_t used_total;          /* bytes handed out, for reports */
};

void  pr_arena_init(struct pr_arena *a);
void *pr_arena_alloc(struct pr_arena *a, size_t size);        /* 16-aligned, not zeroed */
void *pr_arena_calloc(struct pr_arena *a, size_t n, size_t size); /* zeroed, n*size checked */
char *pr_arena_strdup(struct pr_arena *a, const char *s);
void  pr_arena_free(struct pr_arena *a);

#endif
