/* report_csv.c -- one row per layer, in execution order, with a header.
 * RFC 4180 quoting: a field holding a comma, quote or line break is quoted
 * and its quotes doubled. Counts are exact integers. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

static void field(FILE *f, const char *s)
{
    char *clean = pr_text_clean(s, 4096);
    const char *t = clean ? clean : "";
    if (strpbrk(t, ",\"\r\n")) {
        fputc('"', f);
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
    const struct pr_graph *g = &a->model->graph;
    fputs("index,node,name,op_type,domain,output_shapes,params,macs,flops,activation_bytes,"
          "bytes_read,bytes_written,status,parent,depth,graph,multiplier,counted\n", f);
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        const struct pr_node *n = &g->nodes[L->node];
        char shapes[1024];
        fprintf(f, "%d,%d,", p, n->index);
        field(f, n->name);
        fputc(',', f);
        field(f, n->op_type);
        fputc(',', f);
        field(f, n->domain);
        fputc(',', f);
        field(f, pr_layer_shapes(a, L, shapes, sizeof shapes));
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%s,%d,%d,", (unsigned long long)L->params,
                (unsigned long long)L->macs, (unsigned long long)L->flops,
                (unsigned long long)L->activation_bytes, (unsigned long long)L->bytes_read,
                (unsigned long long)L->bytes_written, pr_layer_status_name(L->status), L->parent, L->depth);
        field(f, L->graph ? L->graph : "");
        fprintf(f, ",%llu,%s\n", (unsigned long long)L->multiplier, L->counted ? "true" : "false");
    }
    return ferror(f) ? -1 : 0;
}
