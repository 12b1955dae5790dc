// EXIT: 42
// proc_exit's status becomes timecraft's exit status; output before it stays.
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  printf("before exit\n");
  fflush(stdout);
  exit(42);
}
