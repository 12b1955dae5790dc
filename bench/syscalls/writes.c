// One million small fd_write calls (unbuffered 8-byte writes to stdout).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  char buf[8] = "tick %d\n";
  for (long i = 0; i < n; ++i) {
    buf[5] = (char)('0' + i % 10);
    if (write(1, buf, 8) != 8) return 1;
  }
  return 0;
}
