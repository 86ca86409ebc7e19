/* test_activation.c -- placeholder suite. */
#include "test.h"

void suite_activation(void);
void suite_activation(void)
{
}
