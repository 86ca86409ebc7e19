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
/* Frees everything allocated, but keeps the newest chunk (the largest),
 * emptied, with its pages: an arena filled and emptied again and again
 * (a batch of nodes) neither allocates nor maps anew. */
void  pr_arena_clear(struct pr_arena *a);

/* Asks the kernel to map the pages inside [p, p + n) now, in one call,
 * instead of one page fault at each page's first write
 * (MADV_POPULATE_WRITE, Linux 5.14 and later; elsewhere, or when refused,
 * nothing changes), the whole 2 MiB pages inside it as transparent huge
 * pages (MADV_HUGEPAGE): for a large array about to be written whole (the
 * IR's values and nodes, an analysis' rows), never for memory touched
 * here and there. Under virtualisation each page costs microseconds on
 * first touch (a fault, a trap to the hypervisor, a shadow page-table
 * entry), and a 1M-node graph touches 135,000 of them: populated, then
 * huge, those arrays take 2.15 s of CPU for load and analysis to 0.9 s
 * (docs/development.md, fourth round). */
void pr_prefault(void *p, size_t n);
/* calloc(n, size) for an array that will be written or read whole: its
 * pages mapped at once (pr_prefault) rather than faulted one by one, by
 * the clearing too. Freed with free(). */
void *pr_zalloc(size_t n, size_t size);
/* pr_prefault for a block of size bytes at p filled from its start: once
 * use reaches past *mapped, the next window is mapped: as much again as is
 * used (16 KiB at least), and from 2 MiB of use on, up to the second 2 MiB
 * boundary of the address space after p + used (windows tile and hold
 * whole huge pages). At most 4 MiB is resident beyond what is used, and a
 * small block's use at most doubled. */
void pr_prefault_ahead(void *p, size_t size, size_t used, size_t *mapped);

/* A point in an arena's life: pr_arena_rewind() frees everything allocated
 * after it (a model analysed again gives back the last analysis's
 * constants and messages). A mark of an empty arena rewinds to empty. */
struct pr_arena_mark {
    struct pr_arena_chunk *head, *next;   /* the head chunk then, and the chunk after it */
    size_t used, used_total;
};
void pr_arena_mark(const struct pr_arena *a, struct pr_arena_mark *mk);
void pr_arena_rewind(struct pr_arena *a, const struct pr_arena_mark *mk);

#endif
