/* pipeline.h -- what every model harness of tests/fuzz/ does with a model:
 * load it from bytes, analyse it, estimate its energy and render every
 * report. Shared by fuzz_model.c and fuzz_mutate.c (and, through them, by
 * the regression replayer build/tests/fuzz-replay). */
#ifndef PR_FUZZ_PIPELINE_H
#define PR_FUZZ_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

/* Loads data as a model (pr_model_load_buffer, no folder: external data
 * missing; then again with a folder of fixed files, see pipeline.c), analyses it, and when that succeeds renders the table, JSON,
 * CSV, Markdown and HTML reports to /dev/null, with and without an energy
 * estimate from the database in $PRIORI_DB (default db/). Never fails:
 * every error is an expected outcome; the sanitizers are the oracle. */
void pr_fuzz_pipeline(const uint8_t *data, size_t size);

#endif
