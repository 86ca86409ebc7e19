/* report_llm.h -- renderers of a generation request's cost (llm.h):
 * table, JSON (schema "priori.llm/1", docs/usage.md), CSV (one row per
 * call: the prefill, every decode step, the sums), Markdown and HTML (one
 * self-contained page, inline SVG charts of the decode cost against the
 * context). They only read the struct pr_llm and the model it was made
 * from; each returns 0, or -1 when writing failed.
 */
#ifndef PR_REPORT_LLM_H
#define PR_REPORT_LLM_H

#include <stdio.h>

#include "llm.h"
#include "report.h"

int pr_report_llm(const struct pr_model *m, const struct pr_llm *l, enum pr_format format, FILE *f);

#endif
