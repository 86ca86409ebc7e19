/* test_conv.c -- placeholder suite. */
#include "test.h"

void suite_conv(void);
void suite_conv(void)
{
}
