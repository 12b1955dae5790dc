// One million clock_time_get calls; prints a checksum of the deltas' signs.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  struct timespec a, b;
  long backwards = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; ++i) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    backwards += (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec));
    a = b;
  }
  printf("backwards: %ld\n", backwards);
  return 0;
}
