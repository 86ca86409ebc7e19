/* test_pool.c -- placeholder suite. */
#include "test.h"

void suite_pool(void);
void suite_pool(void)
{
}
