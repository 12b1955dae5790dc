// A flaky program, for `timecraft diff` (test/diff_e2e_tests.cpp): it fails
// when a random byte (getentropy: one random_get) is odd. Built twice, as
// flaky.wasm and as flaky_fixed.wasm (-DFIXED), whose banner names its
// build: runs of the two builds part at that first write, before the byte.
#include <stdio.h>
#include <unistd.h>

#ifdef FIXED
#define BUILD "fixed"
#else
#define BUILD "first"
#endif

int main(void) {
  printf("flaky (%s build): checking a random byte\n", BUILD);
  fflush(stdout);  // its own fd_write, before the random_get
  unsigned char b = 0;
  if (getentropy(&b, 1) != 0) {
    perror("getentropy");
    return 2;
  }
  printf("byte: %u\n", b);
  if (b & 1) {
    fprintf(stderr, "failed: the byte is odd\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
