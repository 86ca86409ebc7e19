/* test_resize.c -- placeholder suite. */
#include "test.h"

void suite_resize(void);
void suite_resize(void)
{
}
