/* test.h -- the smallest test harness that does the job (after redis's
 * testhelp.h). CHECK counts a check; a failed one prints file:line and the
 * expression (and values for the _EQ forms). RUN runs one test function
 * named after the behaviour it pins. The runner prints "N passed, N failed"
 * last and exits non-zero on any failure. */
#ifndef PR_TEST_H
#define PR_TEST_H

#include <stdio.h>
#include <inttypes.h>

extern int test_passed, test_failed;
extern const char *test_name;

#define CHECK(cond) do { if (cond) test_passed++; else { test_failed++; \
    fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, test_name, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) test_passed++; else { test_failed++; fprintf(stderr, \
    "%s:%d: %s: CHECK_EQ(%s, %s) failed: %lld != %lld\n", __FILE__, __LINE__, test_name, #a, #b, a_, b_); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (a_ && b_ && strcmp(a_, b_) == 0) test_passed++; else { test_failed++; fprintf(stderr, \
    "%s:%d: %s: CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, test_name, #a, #b, \
    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define RUN(fn) do { test_name = #fn; fn(); } while (0)

#endif
