/* fuzz_cli.c -- libFuzzer harness 8: `priori sweep` and `priori llm` with
 * fuzzed options (the argument parser of cli/options.c, the range parser of
 * src/sweep.c, the KV-cache hints of src/kvcache.c, the request checks of
 * src/llm.c), through the whole command on a fixed model.
 *
 * An input is a command byte (odd, as 's': sweep; even, as 'l': llm), then up to 24
 * arguments separated by NUL bytes, given after the model:
 *   sweep fixtures/symbolic_batch.onnx ARGS...
 *   llm $PRIORI_FUZZ_LLM ARGS...   (default build/fuzz/llm/merged_kv.onnx,
 *                                   written by `make fuzz` with
 *                                   tests/llm/make_decoders.py; when it is
 *                                   missing, llm stops at loading: exit 4)
 * Skipped, since they are what the user asked for rather than a fault:
 * --output / -o (the harness writes nothing outside /dev/null) and an llm
 * request of more than 4,096 generated tokens (--every-step or --points
 * then analyse every step: up to the documented 1,000,000 analyses).
 * Standard output goes to /dev/null; run with -close_fd_mask=2 to silence
 * the usage messages (sanitizer reports still reach libFuzzer's log).
 * The sanitizers are the oracle, and an exit code outside the documented
 * ones (0, 2, 3, 4; 1 is the gate's only) aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 24 };

static const char *llm_model;

static void setup(void)
{
    if (llm_model)
        return;
    llm_model = getenv("PRIORI_FUZZ_LLM");
    if (!llm_model)
        llm_model = "build/fuzz/llm/merged_kv.onnx";
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

/* Whether the arguments ask for something the harness skips (see the top). */
static bool skipped(char **argv, int argc)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--output") == 0 || strcmp(argv[i], "-o") == 0)
            return true;
        if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc && strtoll(argv[i + 1], NULL, 10) > 4096)
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1)
        return 0;
    bool llm = !(data[0] & 1);
    char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = 0;
    char *argv[MAX_ARGS + 2] = {llm ? (char *)llm_model : "fixtures/symbolic_batch.onnx"};
    int argc = 1;
    for (char *p = copy, *end = copy + size - 1; p < end && argc < MAX_ARGS + 1; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    if (!skipped(argv, argc)) {
        int rc = llm ? pr_cmd_llm(argc, argv) : pr_cmd_sweep(argc, argv);
        if (rc != 0 && rc != 2 && rc != 3 && rc != 4)
            abort();   /* an exit code the commands do not document for these inputs */
    }
    free(copy);
    return 0;
}
