/* test_core.c -- placeholder suite. */
#include "test.h"

void suite_core(void);
void suite_core(void)
{
}
