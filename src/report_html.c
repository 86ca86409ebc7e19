/* report_html.c -- placeholder, replaced below. */
#include "report.h"

void pr_html_text(FILE *f, const char *s, size_t max)
{
    (void)f; (void)s; (void)max;
}

int pr_report_html(const struct pr_analysis *a, const struct pr_html_hooks *hooks, FILE *f)
{
    (void)a; (void)hooks; (void)f;
    return 0;
}
