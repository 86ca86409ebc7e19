/* cmd_llm.c -- `priori llm MODEL --prompt P --generate G`: a decoder with
 * a KV cache, the cost of one generation request (src/kvcache.c
 * recognises the cache, src/llm.c runs the points, src/report_llm.c
 * writes the report). Thin: parse, load once, recognise, run, write. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "db.h"
#include "energy.h"
#include "kvcache.h"
#include "llm.h"
#include "report_llm.h"

static const enum pr_format formats[] = {PR_FORMAT_TABLE, PR_FORMAT_JSON, PR_FORMAT_CSV, PR_FORMAT_MD, PR_FORMAT_HTML};

const struct pr_cmd_spec pr_spec_llm = {
    .name = "llm",
    .id = C_LLM,
    .synopsis =
        "usage: priori llm MODEL.onnx --prompt P --generate G [--batch B] [options]\n"
        "\n"
        "A decoder exported with a KV cache (past_key_values.* inputs, present.*\n"
        "outputs; Hugging Face Optimum, onnxruntime-genai, com.microsoft fused\n"
        "attention): the prefill of P prompt tokens, each of the G decode steps\n"
        "(one token, context P+1 .. P+G), their sum and the request's; the KV cache\n"
        "per token and at P+G; the weights read per step; with --hw, the time to\n"
        "first token, tokens per second, energy per request and per token, and the\n"
        "regime of each phase. Says how the cache was recognised; the --kv-*,\n"
        "--past-dim, --seq-dim and --total-dim options name what it cannot find.\n",
    .tail =
        "exit codes: 0 ok, 2 usage error, 3 invalid model or no KV cache recognised,\n"
        "4 I/O error, 5 internal error\n",
    .formats = formats,
    .nformats = 5,
};

struct rendering {
    const struct pr_model *m;
    const struct pr_llm *l;
    enum pr_format format;
};

static int render(const void *ctx, FILE *f)
{
    const struct rendering *r = ctx;
    return pr_report_llm(r->m, r->l, r->format, f);
}

int pr_cmd_llm(int argc, char **argv)
{
    struct pr_hw hw = {0};
    struct pr_args p;
    int rc = pr_args_parse(&p, &pr_spec_llm, argc, argv);
    if (rc != 0) {
        rc = rc < 0 ? PR_OK : rc;
        goto out;
    }
    if (p.npos != 1) {
        rc = pr_args_usage_error(&p, "%s", p.npos ? "one model at a time" : "llm needs a model file");
        goto out;
    }
    struct pr_err err = {0};
    if (pr_llm_args_check(p.given[OPT_PROMPT], p.given[OPT_GENERATE], p.given[OPT_POINTS] ? p.num[OPT_POINTS] : 0,
                          &err) < 0) {
        rc = pr_args_usage_error(&p, "%s", err.msg);
        goto out;
    }
    const char *model_path = p.pos[0], *output = p.text[OPT_OUTPUT];
    struct pr_model model;
    struct pr_diag load_diag;
    if ((rc = pr_cli_open_model("llm", model_path, output, &p.energy, &hw, &model, &load_diag)) != 0)
        goto out;
    struct pr_kv_hints hints = {.kv_inputs = p.text[OPT_KV_INPUTS], .kv_outputs = p.text[OPT_KV_OUTPUTS],
                                .past_dim = p.text[OPT_PAST_DIM], .seq_dim = p.text[OPT_SEQ_DIM],
                                .total_dims = p.text[OPT_TOTAL_DIM],
                                .buffer_rows = p.given[OPT_KV_BUFFER] ? p.num[OPT_KV_BUFFER] : 0};
    struct pr_kv_layout kv;
    struct pr_llm l;
    struct pr_options opt = {.top = 10};
    pr_bindings_apply(&p.shapes[0], &opt);
    struct pr_llm_request req = {.prompt = p.num[OPT_PROMPT], .generate = p.num[OPT_GENERATE],
                                 .batch = p.given[OPT_LLM_BATCH] ? p.num[OPT_LLM_BATCH] : 0,
                                 .points = !p.given[OPT_POINTS] ? 0
                                         : p.num[OPT_POINTS] > INT_MAX ? INT_MAX : (int)p.num[OPT_POINTS],
                                 .every_step = p.given[OPT_EVERY_STEP], .base = &opt, .profile = hw.profile,
                                 .eopts = &hw.opts};
    if (pr_kv_recognise(&model, &hints, &kv, &err) < 0) {
        fprintf(stderr, "priori: %s: %s\n", model_path, err.msg);
        rc = (int)err.code;
    } else {
        if (pr_llm_run(&model, &kv, &req, &l, &err) < 0) {
            fprintf(stderr, "priori: %s: %s\n", model_path, err.msg);
            rc = (int)err.code;
        } else {
            for (size_t i = 0; i < load_diag.count; i++)
                pr_diag_add(&l.diag, "%s", load_diag.msgs[i]);
            if (!p.given[OPT_QUIET] && (p.format != PR_FORMAT_TABLE || output)) {
                for (size_t i = 0; i < l.diag.count; i++)
                    fprintf(stderr, "priori: warning: %s\n", l.diag.msgs[i]);
            }
            struct rendering r = {.m = &model, .l = &l, .format = p.format};
            rc = pr_cli_write(output, render, &r);
            pr_llm_free(&l);
        }
        pr_kv_free(&kv);
    }
    pr_diag_free(&load_diag);
    pr_model_free(&model);
out:
    pr_hw_close(&hw);
    pr_args_free(&p);
    return rc;
}
