/* test_norm.c -- placeholder suite. */
#include "test.h"

void suite_norm(void);
void suite_norm(void)
{
}
