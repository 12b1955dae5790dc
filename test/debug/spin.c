// A long-running loop for the interactive debugger test
// (scripts/tests/60-debug-tty.sh): argv[1] iterations of a cheap step, so
// that a `continue` under the debugger runs long enough to be stopped by
// Ctrl-C. Markers "@name" as in buggy.c.
#include <stdio.h>
#include <stdlib.h>

unsigned long spin_n;  // the iterations asked for: a global to watch

__attribute__((noinline)) unsigned spin_step(unsigned x) {
  return x * 1103515245u + 12345u;  // @spin_step
}

int main(int argc, char **argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
  spin_n = n;  // @spin_set
  printf("spin: %lu iterations\n", n);
  fflush(stdout);
  unsigned x = 1;
  for (unsigned long i = 0; i < n; i++)
    x = spin_step(x);  // @spin_loop
  printf("spin: result %u\n", x);
  return 0;
}
