/* main.c -- placeholder until the CLI lands. */
#include <stdio.h>
int main(void)
{
    puts("priori " PRIORI_VERSION);
    return 0;
}
