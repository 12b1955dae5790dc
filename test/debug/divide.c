// A program that traps two calls deep (the debugger and backtrace tests).
#include <stdio.h>

__attribute__((noinline)) int divide(int a, int b) {
  return a / b;  // @divide_trap
}

__attribute__((noinline)) int ratio(int n) {
  return divide(100, n - 1);  // @ratio_call
}

int main(int argc, char **argv) {
  (void)argv;
  printf("ratio = %d\n", ratio(argc));
  return 0;
}
