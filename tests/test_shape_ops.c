/* test_shape_ops.c -- placeholder suite. */
#include "test.h"

void suite_shape_ops(void);
void suite_shape_ops(void)
{
}
