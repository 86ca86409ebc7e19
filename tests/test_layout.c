/* test_layout.c -- placeholder suite. */
#include "test.h"

void suite_layout(void);
void suite_layout(void)
{
}
