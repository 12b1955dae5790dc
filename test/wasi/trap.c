// EXIT: 134
// A trap ends the run with status 134 after the output made so far.
#include <stdio.h>
__attribute__((noinline)) static void crash(int x) {
  if (x) __builtin_trap();
}
int main(int argc, char** argv) {
  printf("about to trap\n");
  fflush(stdout);
  crash(argc);
  return 0;
}
