/* hello: start-up baseline (prints one line, does no work). */
#include <stdio.h>

int main(void) {
    printf("hello, world\n");
    return 0;
}
