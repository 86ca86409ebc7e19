/* test_model.c -- placeholder suite. */
#include "test.h"

void suite_model(void);
void suite_model(void)
{
}
