/* test_eltwise.c -- placeholder suite. */
#include "test.h"

void suite_eltwise(void);
void suite_eltwise(void)
{
}
