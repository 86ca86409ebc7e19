/* diff.c -- layer matching between two analyses (see diff.h).
 *
 *   1. names: a name that occurs exactly once on each side pairs its layers;
 *   2. keys: every layer gets an integer key id for "domain/op/shapes"
 *      (interned through a name map); the unmatched old and new layers, in
 *      execution order, are matched by an LCS over key ids (equal keys at
 *      both ends first: they are part of every LCS), the middle by
 *        L[i][j] = A[i] == B[j] ? L[i+1][j+1] + 1 : max(L[i+1][j], L[i][j+1])
 *      when n * m <= PR_DIFF_LCS_CELLS, else greedily: each old layer takes
 *      the first unused new layer of its key after the last match;
 *   3. classification and ordering (diff.h).
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "report.h"

const char *pr_change_name(enum pr_change c)
{
    switch (c) {
    case PR_CHANGE_SAME: return "same";
    case PR_CHANGE_RENAMED: return "renamed";
    case PR_CHANGE_CHANGED: return "changed";
    case PR_CHANGE_ADDED: return "added";
    case PR_CHANGE_REMOVED: return "removed";
    }
    return "?";
}

static const struct pr_node *node_at(const struct pr_analysis *a, int p)
{
    return &a->model->graph.nodes[a->layers[p].node];
}

/* Name -> first position; dup[p] marks a name that occurs more than once
 * (such names are left to the key matching). */
static int unique_names(const struct pr_analysis *a, struct pr_names *map, unsigned char *dup)
{
    if (pr_names_init(map, (size_t)a->nlayers + 1) < 0)
        return -1;
    for (int p = 0; p < a->nlayers; p++) {
        const char *name = node_at(a, p)->name;
        if (!*name)
            continue;
        int r = pr_names_put(map, name, p);
        if (r < 0)
            return -1;
        if (r == 1)
            dup[pr_names_get(map, name)] = 1;
    }
    return 0;
}

/* Position of the layer uniquely named name in a, or -1. */
static int unique_pos(const struct pr_names *map, const unsigned char *dup, const char *name)
{
    int p = *name ? pr_names_get(map, name) : -1;
    return p >= 0 && !dup[p] ? p : -1;
}

struct keys {
    struct pr_names ids;
    char **text;        /* owned key strings, one per layer of both sides */
    int ntext;
};

/* Interned id of layer p's "domain\x1fop\x1fshapes" key, or -1 on OOM. */
static int key_id(struct keys *k, const struct pr_analysis *a, int p)
{
    const struct pr_node *n = node_at(a, p);
    char shapes[1024];
    pr_layer_shapes(a, &a->layers[p], shapes, sizeof shapes);
    size_t len = strlen(n->domain) + strlen(n->op_type) + strlen(shapes) + 3;
    char *s = malloc(len);
    if (!s)
        return -1;
    snprintf(s, len, "%s\x1f%s\x1f%s", n->domain, n->op_type, shapes);
    int id = pr_names_get(&k->ids, s);
    if (id >= 0) {
        free(s);
        return id;
    }
    id = (int)k->ids.count;
    k->text[k->ntext++] = s;
    return pr_names_put(&k->ids, s, id) < 0 ? -1 : id;
}

/* Exact LCS of key sequences ka (n) and kb (m); matches written as
 * mb[i] = j. L is (n+1) x (m+1), filled from the end. */
static int lcs_exact(const int *ka, int n, const int *kb, int m, int *mb)
{
    size_t w = (size_t)m + 1;
    int *L = calloc(((size_t)n + 1) * w, sizeof *L);
    if (!L)
        return -1;
    for (int i = n - 1; i >= 0; i--)
        for (int j = m - 1; j >= 0; j--) {
            int down = L[(size_t)(i + 1) * w + (size_t)j], right = L[(size_t)i * w + (size_t)j + 1];
            L[(size_t)i * w + (size_t)j] = ka[i] == kb[j] ? L[(size_t)(i + 1) * w + (size_t)j + 1] + 1
                                                          : down > right ? down : right;
        }
    for (int i = 0, j = 0; i < n && j < m;) {
        if (ka[i] == kb[j]) {
            mb[i++] = j++;
        } else if (L[(size_t)(i + 1) * w + (size_t)j] >= L[(size_t)i * w + (size_t)j + 1]) {
            i++;
        } else {
            j++;
        }
    }
    free(L);
    return 0;
}

/* Greedy common subsequence: per key, the new positions in order; each old
 * layer takes the first one after the last match. O(n + m + keys). */
static int lcs_greedy(const int *ka, int n, const int *kb, int m, int nkeys, int *mb)
{
    int *start = calloc((size_t)nkeys + 2, sizeof *start), *next = calloc((size_t)nkeys + 1, sizeof *next);
    int *list = malloc(((size_t)m + 1) * sizeof *list);
    if (!start || !next || !list) {
        free(start), free(next), free(list);
        return -1;
    }
    for (int j = 0; j < m; j++)
        start[kb[j] + 1]++;
    for (int k = 0; k < nkeys; k++)
        start[k + 1] += start[k];
    memcpy(next, start, (size_t)nkeys * sizeof *next);
    for (int j = 0; j < m; j++)
        list[next[kb[j]]++] = j;
    memcpy(next, start, (size_t)nkeys * sizeof *next);
    int last = -1;
    for (int i = 0; i < n; i++) {
        int k = ka[i];
        while (next[k] < start[k + 1] && list[next[k]] <= last)
            next[k]++;
        if (next[k] < start[k + 1]) {
            last = list[next[k]++];
            mb[i] = last;
        }
    }
    free(start), free(next), free(list);
    return 0;
}

static bool same_counts(const struct pr_layer *x, const struct pr_layer *y)
{
    return x->params == y->params && x->macs == y->macs && x->flops == y->flops &&
           x->activation_bytes == y->activation_bytes && x->status == y->status;
}

struct sort_key { long long major, minor; int pair; };

static int cmp_sort_key(const void *x, const void *y)
{
    const struct sort_key *a = x, *b = y;
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    return a->pair - b->pair;
}

int pr_diff_layers(const struct pr_analysis *old, const struct pr_analysis *new_, struct pr_diff *d,
                   struct pr_err *err)
{
    memset(d, 0, sizeof *d);
    d->exact = true;
    int no = old->nlayers, nn = new_->nlayers;
    int *match_old = malloc(((size_t)no + 1) * sizeof *match_old);   /* old pos -> new pos */
    int *match_new = malloc(((size_t)nn + 1) * sizeof *match_new);
    enum pr_match_by *by = calloc((size_t)no + 1, sizeof *by);
    int *ka = malloc(((size_t)no + 1) * sizeof *ka), *kb = malloc(((size_t)nn + 1) * sizeof *kb);
    int *ia = malloc(((size_t)no + 1) * sizeof *ia), *ib = malloc(((size_t)nn + 1) * sizeof *ib);
    int *mb = malloc(((size_t)no + 1) * sizeof *mb);
    struct keys k = {0};
    k.text = calloc((size_t)no + (size_t)nn + 1, sizeof *k.text);
    struct pr_names on = {0}, nw = {0};
    unsigned char *dup_o = calloc((size_t)no + 1, 1), *dup_n = calloc((size_t)nn + 1, 1);
    struct sort_key *order = NULL;
    int rc = -1;
    if (!match_old || !match_new || !by || !ka || !kb || !ia || !ib || !mb || !k.text || !dup_o || !dup_n ||
        pr_names_init(&k.ids, 64) < 0 || unique_names(old, &on, dup_o) < 0 || unique_names(new_, &nw, dup_n) < 0)
        goto oom;
    for (int p = 0; p < no; p++)
        match_old[p] = -1;
    for (int p = 0; p < nn; p++)
        match_new[p] = -1;
    /* 1. by name */
    for (int p = 0; p < no; p++) {
        const char *name = node_at(old, p)->name;
        if (unique_pos(&on, dup_o, name) != p)
            continue;
        int q = unique_pos(&nw, dup_n, name);
        if (q >= 0) {
            match_old[p] = q;
            match_new[q] = p;
            by[p] = PR_MATCH_NAME;
        }
    }
    /* 2. by key over what is left */
    int n = 0, m = 0;
    for (int p = 0; p < no; p++)
        if (match_old[p] < 0) {
            ia[n] = p;
            if ((ka[n++] = key_id(&k, old, p)) < 0)
                goto oom;
        }
    for (int q = 0; q < nn; q++)
        if (match_new[q] < 0) {
            ib[m] = q;
            if ((kb[m++] = key_id(&k, new_, q)) < 0)
                goto oom;
        }
    for (int i = 0; i < n; i++)
        mb[i] = -1;
    /* equal keys at both ends belong to every LCS: match them first, so
     * that one edit in a long graph leaves a short middle to solve */
    int pre = 0, suf = 0;
    while (pre < n && pre < m && ka[pre] == kb[pre]) {
        mb[pre] = pre;
        pre++;
    }
    while (suf < n - pre && suf < m - pre && ka[n - 1 - suf] == kb[m - 1 - suf]) {
        mb[n - 1 - suf] = m - 1 - suf;
        suf++;
    }
    int cn = n - pre - suf, cm = m - pre - suf;
    if (cn > 0 && cm > 0) {
        d->exact = (uint64_t)cn * (uint64_t)cm <= PR_DIFF_LCS_CELLS;
        int *mid = mb + pre;
        if ((d->exact ? lcs_exact(ka + pre, cn, kb + pre, cm, mid)
                      : lcs_greedy(ka + pre, cn, kb + pre, cm, (int)k.ids.count, mid)) < 0)
            goto oom;
        for (int i = 0; i < cn; i++)
            if (mid[i] >= 0)
                mid[i] += pre;
    }
    for (int i = 0; i < n; i++)
        if (mb[i] >= 0) {
            match_old[ia[i]] = ib[mb[i]];
            match_new[ib[mb[i]]] = ia[i];
            by[ia[i]] = PR_MATCH_SHAPE;
        }
    /* 3. pairs, in the new order; removed ones after their predecessor's match */
    d->pairs = calloc((size_t)no + (size_t)nn + 1, sizeof *d->pairs);
    order = calloc((size_t)no + (size_t)nn + 1, sizeof *order);
    if (!d->pairs || !order)
        goto oom;
    for (int q = 0; q < nn; q++) {
        struct pr_layer_pair *pp = &d->pairs[d->npairs];
        int p = match_new[q];
        pp->new_pos = q;
        pp->old_pos = p;
        if (p < 0) {
            pp->change = PR_CHANGE_ADDED;
        } else {
            const struct pr_node *a = node_at(old, p), *b = node_at(new_, q);
            char sa[1024], sb[1024];
            pp->by = by[p];
            bool same = strcmp(a->op_type, b->op_type) == 0 && strcmp(a->domain, b->domain) == 0 &&
                        same_counts(&old->layers[p], &new_->layers[q]) &&
                        strcmp(pr_layer_shapes(old, &old->layers[p], sa, sizeof sa),
                               pr_layer_shapes(new_, &new_->layers[q], sb, sizeof sb)) == 0;
            pp->change = !same ? PR_CHANGE_CHANGED : strcmp(a->name, b->name) ? PR_CHANGE_RENAMED : PR_CHANGE_SAME;
        }
        order[d->npairs] = (struct sort_key){2LL * q, 0, d->npairs};
        d->npairs++;
    }
    int anchor = -1;
    for (int p = 0; p < no; p++) {
        if (match_old[p] >= 0) {
            anchor = match_old[p];
            continue;
        }
        d->pairs[d->npairs] = (struct pr_layer_pair){.old_pos = p, .new_pos = -1, .change = PR_CHANGE_REMOVED};
        order[d->npairs] = (struct sort_key){2LL * anchor + 1, p, d->npairs};
        d->npairs++;
    }
    qsort(order, (size_t)d->npairs, sizeof *order, cmp_sort_key);
    struct pr_layer_pair *sorted = malloc(((size_t)d->npairs + 1) * sizeof *sorted);
    if (!sorted)
        goto oom;
    for (int i = 0; i < d->npairs; i++) {
        sorted[i] = d->pairs[order[i].pair];
        d->count[sorted[i].change]++;
    }
    free(d->pairs);
    d->pairs = sorted;
    rc = 0;
    goto out;
oom:
    pr_err_set(err, PR_E_INTERNAL, "out of memory matching %d and %d layers", no, nn);
    pr_diff_free(d);
out:
    for (int i = 0; i < k.ntext; i++)
        free(k.text[i]);
    free(k.text);
    pr_names_free(&k.ids);
    pr_names_free(&on);
    pr_names_free(&nw);
    free(match_old), free(match_new), free(by), free(ka), free(kb), free(ia), free(ib), free(mb), free(order);
    free(dup_o), free(dup_n);
    return rc;
}

void pr_diff_free(struct pr_diff *d)
{
    free(d->pairs);
    memset(d, 0, sizeof *d);
}
