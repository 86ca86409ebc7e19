/* report_csv.c -- one row per layer, in execution order, with a header.
 * RFC 4180 quoting: a field holding a comma, quote or line break is quoted
 * and its quotes doubled. Counts are exact integers. A text cell starting
 * with = + - @ (or a tab or CR) gets a leading ' so that a spreadsheet
 * shows it as text instead of evaluating it as a formula (OWASP "CSV
 * injection"); every CSV writer of priori goes through pr_csv_field. */
#include "report.h"
#include "energy.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void pr_csv_field(FILE *f, const char *s)
{
    char *clean = pr_text_clean(s, 4096);
    const char *t = clean ? clean : "";
    bool formula = *t && strchr("=+-@\t\r", *t);
    if (formula || strpbrk(t, ",\"\r\n")) {
        fputc('"', f);
        if (formula)
            fputc('\'', f);
        for (; *t; t++) {
            if (*t == '"')
                fputc('"', f);
            fputc(*t, f);
        }
        fputc('"', f);
    } else {
        fputs(t, f);
    }
    free(clean);
}

int pr_report_csv(const struct pr_analysis *a, FILE *f)
{
    return pr_report_csv_energy(a, NULL, f);
}

/* With an estimate, two columns more at the end: time_s, energy_j. `why`
 * says why a row is incomplete or not counted (empty when it is whole). */
int pr_report_csv_energy(const struct pr_analysis *a, const struct pr_estimate *e, FILE *f)
{
    const struct pr_graph *g = &a->model->graph;
    fputs("index,node,name,op_type,domain,output_shapes,params,macs,flops,activation_bytes,"
          "bytes_read,bytes_written,status,parent,depth,graph,multiplier,counted,why", f);
    fputs(e ? ",time_s,energy_j\n" : "\n", f);
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        const struct pr_node *n = &g->nodes[L->node];
        char shapes[1024];
        fprintf(f, "%d,%d,", p, n->index);
        const char *text[] = {n->name, n->op_type, n->domain, pr_layer_shapes(a, L, shapes, sizeof shapes)};
        for (int k = 0; k < 4; k++) {
            fputs(k ? "," : "", f);
            pr_csv_field(f, text[k]);
        }
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%s,%d,%d,", (unsigned long long)L->params,
                (unsigned long long)L->macs, (unsigned long long)L->flops,
                (unsigned long long)L->activation_bytes, (unsigned long long)L->bytes_read,
                (unsigned long long)L->bytes_written, pr_layer_status_name(L->status), L->parent, L->depth);
        pr_csv_field(f, pr_layer_graph(a, L));
        fprintf(f, ",%llu,%s,", (unsigned long long)L->multiplier, L->counted ? "true" : "false");
        pr_csv_field(f, L->why ? L->why : "");
        if (e)
            fprintf(f, ",%.6g,%.6g", e->layers[p].time_s, e->layers[p].energy_j);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
