/* text.h -- cleaning hostile text (names, op types from a model) for output.
 *
 * pr_text_clean() returns s with invalid UTF-8 replaced by U+FFFD, C0
 * control characters by '?', and C1 controls, bidirectional
 * overrides/isolates/marks, zero-width and line separators by a visible
 * "<U+202E>", truncated to max bytes ("..." appended); malloc'ed (NULL on
 * OOM).
 */
#ifndef PR_TEXT_H
#define PR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

char *pr_text_clean(const char *s, size_t max);
/* Whether pr_text_clean(s, max) would return s unchanged: printable ASCII
 * (0x20..0x7E) only, at most max bytes. Renderers of large reports print
 * such text as it is, without a copy. */
bool pr_text_is_plain(const char *s, size_t max);

#endif
