/* fuzz_model.c -- libFuzzer harness 1: arbitrary bytes as an ONNX model,
 * through load, shape inference, cost, energy estimate and every report
 * writer (pipeline.c). Seeds: fixtures/ and libonnx-testdata models. */
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_fuzz_pipeline(data, size);
    return 0;
}
