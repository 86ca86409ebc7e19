/* test_reduce.c -- placeholder suite. */
#include "test.h"

void suite_reduce(void);
void suite_reduce(void)
{
}
