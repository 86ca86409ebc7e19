/* diff.h -- matching the layers of two analyses of one model's versions.
 *
 * Layers are matched first by name (names that are non-empty and unique on
 * both sides), then the remaining ones by a longest common subsequence over
 * their (domain, op type, output shapes) keys in execution order, so that
 * layers whose names changed (a re-export renumbers "Conv_17") still pair up
 * with their counterpart. The LCS is exact (dynamic programming) when the
 * unmatched sequences are small (n * m <= PR_DIFF_LCS_CELLS); beyond that a
 * linear greedy pass pairs each old layer with the next new layer of the
 * same key (a common subsequence, not always the longest; d->exact says
 * which). Never worse than O(n * m) for small inputs or O(n + m) for large.
 *
 * A matched pair is "same" when op type, output shapes and every count are
 * equal, "renamed" when only the name differs, "changed" otherwise.
 * Unmatched old layers are "removed", unmatched new ones "added". Pairs come
 * in the new model's execution order, a removed layer right after the new
 * position of the old layer before it.
 */
#ifndef PR_DIFF_H
#define PR_DIFF_H

#include <stdbool.h>

#include "analysis.h"
#include "err.h"

enum { PR_DIFF_LCS_CELLS = 4 * 1024 * 1024 };

enum pr_change { PR_CHANGE_SAME, PR_CHANGE_RENAMED, PR_CHANGE_CHANGED, PR_CHANGE_ADDED, PR_CHANGE_REMOVED };
enum pr_match_by { PR_MATCH_NONE, PR_MATCH_NAME, PR_MATCH_SHAPE };

struct pr_layer_pair {
    int old_pos, new_pos;       /* positions in the analyses' layers[]; -1 when absent */
    enum pr_match_by by;
    enum pr_change change;
};

struct pr_diff {
    struct pr_layer_pair *pairs;
    int npairs;
    int count[PR_CHANGE_REMOVED + 1];   /* pairs per change kind */
    bool exact;                 /* the shape matching was an exact LCS */
};

int pr_diff_layers(const struct pr_analysis *old, const struct pr_analysis *new_, struct pr_diff *d,
                   struct pr_err *err);
void pr_diff_free(struct pr_diff *d);
const char *pr_change_name(enum pr_change c);   /* "same", "renamed", "changed", "added", "removed" */

#endif
