// A flaky program, for `timecraft diff` (test/diff_e2e_tests.cpp): it fails
// when a random byte (getentropy: one random_get) is odd. Built twice, as
// flaky.wasm and as flaky_fixed.wasm (-DFIXED), whose banner names its
// build: runs of the two builds part at that first write, before the byte.
// A third build, flaky_patched.wasm (-DPATCHED -g), is the bug fixed: the
// same path up to the byte, then an odd byte no longer fails (for
// `replay --module`, test/interrupt_e2e_tests.cpp and the README).
#include <stdio.h>
#include <unistd.h>

#ifdef FIXED
#define BUILD "fixed"
#else
#define BUILD "first"
#endif

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);  // a write per line, a pipe or not: the
                                      // divergence shows the line that wrote
  printf("flaky (%s build): checking a random byte\n", BUILD);
  fflush(stdout);  // its own fd_write, before the random_get
  unsigned char b = 0;
  if (getentropy(&b, 1) != 0) {
    perror("getentropy");
    return 2;
  }
  printf("byte: %u\n", b);
#ifdef PATCHED
  if (b & 1) b ^= 1;  // the fix: an odd byte is rounded down
#endif
  if (b & 1) {
    fprintf(stderr, "failed: the byte is odd\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
