/* cmd_ops.c -- `priori ops`: every operator in the table with its opset
 * range, one-line MAC and FLOP formulas, kernel class and FLOPs per output
 * element, printed from the table itself
 * (ops/ops.def), so the list can never drift from what priori does.
 * Formats: table (aligned text), md (the operator section of docs/counting.md is this
 * output, checked by the test suite), csv and json. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "op.h"
#include "report.h"

const char pr_usage_ops[] =
    "usage: priori ops [--format table|md|csv|json] [-o FILE]\n"
    "\n"
    "Lists every operator priori counts: domain, operator, the opsets it\n"
    "exists in, and the formulas of its MACs and FLOPs (numel(Y): output\n"
    "elements; FLOPs count 2 per MAC plus the non-MAC work). Operators not in\n"
    "this list are reported as unsupported and counted as zero cost\n"
    "(an error with 'priori analyze --strict').\n";

enum ops_format { OPS_TABLE, OPS_MD, OPS_CSV, OPS_JSON };

static int by_domain_name(const void *a, const void *b)
{
    const struct pr_op *x = *(const struct pr_op *const *)a, *y = *(const struct pr_op *const *)b;
    int d = strcmp(x->domain, y->domain);
    return d ? d : strcmp(x->name, y->name);
}

static const char *domain_of(const struct pr_op *op)
{
    return *op->domain ? op->domain : "ai.onnx";
}

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

static int print_json(const struct pr_op **rows, FILE *f)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "operators");
    int rc = -1;
    if (!root || !arr)
        goto out;
    for (int i = 0; i < PR_OP_COUNT; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto out;
        cJSON_AddItemToArray(arr, o);
        if (!cJSON_AddStringToObject(o, "domain", domain_of(rows[i])) ||
            !cJSON_AddStringToObject(o, "op_type", rows[i]->name) ||
            !cJSON_AddNumberToObject(o, "since_opset", rows[i]->since) ||
            !(rows[i]->until ? cJSON_AddNumberToObject(o, "until_opset", rows[i]->until)
                             : cJSON_AddNullToObject(o, "until_opset")) ||
            !cJSON_AddStringToObject(o, "macs", rows[i]->macs) ||
            !cJSON_AddStringToObject(o, "flops", rows[i]->flops) ||
            !cJSON_AddStringToObject(o, "kernel", pr_kernel_name[rows[i]->kernel]) ||
            !(rows[i]->flops_per_elem >= 0 ? cJSON_AddNumberToObject(o, "flops_per_element", rows[i]->flops_per_elem)
                                           : cJSON_AddNullToObject(o, "flops_per_element")))
            goto out;
    }
    return pr_json_print(root, f);
out:
    cJSON_Delete(root);
    return rc;
}

struct listing {
    enum ops_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct listing *l = ctx;
    const struct pr_op *rows[PR_OP_COUNT];
    for (int i = 0; i < PR_OP_COUNT; i++)
        rows[i] = &pr_op_table[i];
    qsort(rows, PR_OP_COUNT, sizeof rows[0], by_domain_name);
    if (l->format == OPS_JSON)
        return print_json(rows, f);
    int wd = 6, wn = 8, wm = 4, wf = 5;
    for (int i = 0; i < PR_OP_COUNT; i++) {
        int d = (int)strlen(domain_of(rows[i])), n = (int)strlen(rows[i]->name), m = (int)strlen(rows[i]->macs);
        int fl = (int)strlen(rows[i]->flops);
        wd = d > wd ? d : wd;
        wn = n > wn ? n : wn;
        wm = m > wm ? m : wm;
        wf = fl > wf ? fl : wf;
    }
    if (l->format == OPS_MD)
        fprintf(f, "| domain | operator | opsets | MACs | FLOPs | kernel | FLOPs/elem |\n|---|---|---|---|---|---|---|\n");
    else if (l->format == OPS_CSV)
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
        if (l->format == OPS_MD) {
            fprintf(f, "| %s | %s | %s | `%s` | `%s` | %s | %s |\n", domain_of(op), op->name, range, op->macs, op->flops,
                    kc, fpe);
        } else if (l->format == OPS_CSV) {
            fprintf(f, "%s,%s,%d,", domain_of(op), op->name, op->since);
            if (op->until)
                fprintf(f, "%d", op->until);
            fputc(',', f);
            csv_field(f, op->macs, ",");
            csv_field(f, op->flops, ",");
            fprintf(f, "%s,%s\n", kc, op->flops_per_elem >= 0 ? fpe : "");
        } else {
            fprintf(f, "%-*s  %-*s  %-6s  %-*s  %-*s  %-9s  %s\n", wd, domain_of(op), wn, op->name, range, wm, op->macs,
                    wf, op->flops, kc, fpe);
        }
    }
    if (l->format == OPS_TABLE)
        fprintf(f, "\n%d operators. numel(Y): output elements; FLOPs = 2 per MAC + the non-MAC work; kernel: the class\n"
                   "the energy models price (ops/op.h); FLOPs/elem: FLOPs per output element (-: see the formula).\n",
                PR_OP_COUNT);
    return ferror(f) ? -1 : 0;
}

int pr_cmd_ops(int argc, char **argv)
{
    struct listing l = {.format = OPS_TABLE};
    const char *output = NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(pr_usage_ops, stdout);
            return PR_EXIT_OK;
        } else if (strcmp(arg, "--format") == 0 || strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (!next)
                return pr_cli_usage_error("ops", "option %s needs a value", arg);
            i++;
            if (arg[1] == 'o' || strcmp(arg, "--output") == 0) {
                output = next;
            } else {
                static const char *const names[] = {"table", "md", "csv", "json"};   /* enum ops_format */
                int f;
                if (pr_cli_choice("ops", arg, next, names, 4, &f))
                    return PR_EXIT_USAGE;
                l.format = (enum ops_format)f;
            }
        } else {
            return pr_cli_usage_error("ops", "unexpected argument '%s'", arg);
        }
    }
    return pr_cli_write(output, render, &l);
}
