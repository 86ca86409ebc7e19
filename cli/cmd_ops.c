/* cmd_ops.c -- `priori ops`: every operator in the table with its opset
 * range, one-line MAC and FLOP formulas, kernel class and FLOPs per output
 * element, printed from the table itself
 * (ops/ops.def), so the list can never drift from what priori does.
 * Formats: table (aligned text), md (the operator section of docs/counting.md
 * is this output, checked by the test suite), csv and json (schema
 * "priori-ops", version 1, built by src/report_listing.c). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "op.h"
#include "report.h"
#include "report_listing.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_MD, PR_FORMAT_CSV, PR_FORMAT_JSON};

const struct pr_cmd_spec pr_spec_ops = {
    .name = "ops",
    .id = C_OPS,
    .synopsis =
        "usage: priori ops [--format table|md|csv|json] [-o FILE]\n"
        "\n"
        "Lists every operator priori counts: domain, operator, the opsets it\n"
        "exists in, and the formulas of its MACs and FLOPs (numel(Y): output\n"
        "elements; FLOPs count 2 per MAC plus the non-MAC work). Operators not in\n"
        "this list are reported as unsupported and counted as zero cost\n"
        "(an error with 'priori analyze --strict').\n",
    .formats = formats,
    .nformats = 4,
};

static void opsets_of(const struct pr_op *op, char *buf, size_t size)
{
    if (op->until)
        snprintf(buf, size, "%d-%d", op->since, op->until);
    else
        snprintf(buf, size, "%d+", op->since);
}

static void csv_field(FILE *f, const char *s, const char *sep)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fprintf(f, "\"%s", sep);
}

struct listing {
    enum pr_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct listing *l = ctx;
    const struct pr_op *rows[PR_OP_COUNT];
    pr_ops_sorted(rows);
    if (l->format == PR_FORMAT_JSON) {
        struct pr_jb b = {0};
        return pr_jb_print(&b, pr_ops_json(&b), f);
    }
    int wd = 6, wn = 8, wm = 4, wf = 5;
    for (int i = 0; i < PR_OP_COUNT; i++) {
        int d = (int)strlen(pr_op_domain(rows[i])), n = (int)strlen(rows[i]->name), m = (int)strlen(rows[i]->macs);
        int fl = (int)strlen(rows[i]->flops);
        wd = d > wd ? d : wd;
        wn = n > wn ? n : wn;
        wm = m > wm ? m : wm;
        wf = fl > wf ? fl : wf;
    }
    if (l->format == PR_FORMAT_MD)
        fprintf(f, "| domain | operator | opsets | MACs | FLOPs | kernel | FLOPs/elem |\n|---|---|---|---|---|---|---|\n");
    else if (l->format == PR_FORMAT_CSV)
        fprintf(f, "domain,op_type,since_opset,until_opset,macs,flops,kernel,flops_per_element\n");
    else
        fprintf(f, "%-*s  %-*s  %-6s  %-*s  %-*s  %-9s  %s\n", wd, "domain", wn, "operator", "opsets", wm, "MACs",
                wf, "FLOPs", "kernel", "FLOPs/elem");
    for (int i = 0; i < PR_OP_COUNT; i++) {
        const struct pr_op *op = rows[i];
        char range[32];
        opsets_of(op, range, sizeof range);
        char fpe[8] = "-";
        if (op->flops_per_elem >= 0)
            snprintf(fpe, sizeof fpe, "%d", op->flops_per_elem);
        const char *kc = pr_kernel_name[op->kernel];
        if (l->format == PR_FORMAT_MD) {
            fprintf(f, "| %s | %s | %s | `%s` | `%s` | %s | %s |\n", pr_op_domain(op), op->name, range, op->macs, op->flops,
                    kc, fpe);
        } else if (l->format == PR_FORMAT_CSV) {
            fprintf(f, "%s,%s,%d,", pr_op_domain(op), op->name, op->since);
            if (op->until)
                fprintf(f, "%d", op->until);
            fputc(',', f);
            csv_field(f, op->macs, ",");
            csv_field(f, op->flops, ",");
            fprintf(f, "%s,%s\n", kc, op->flops_per_elem >= 0 ? fpe : "");
        } else {
            fprintf(f, "%-*s  %-*s  %-6s  %-*s  %-*s  %-9s  %s\n", wd, pr_op_domain(op), wn, op->name, range, wm, op->macs,
                    wf, op->flops, kc, fpe);
        }
    }
    if (l->format == PR_FORMAT_TABLE)
        fprintf(f, "\n%d operators. numel(Y): output elements; FLOPs = 2 per MAC + the non-MAC work; kernel: the class\n"
                   "the energy models price (ops/op.h); FLOPs/elem: FLOPs per output element (-: see the formula).\n",
                PR_OP_COUNT);
    return ferror(f) ? -1 : 0;
}

int pr_cmd_ops(int argc, char **argv)
{
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_ops, argc, argv);
    if (rc == 0 && p.npos)
        rc = pr_args_usage_error(&p, "unexpected argument '%s'", p.pos[0]);
    if (rc == 0) {
        struct listing l = {.format = p.format};
        rc = pr_cli_write(p.text[OPT_OUTPUT], render, &l);
    }
    pr_args_free(&p);
    return rc < 0 ? PR_OK : rc;
}
