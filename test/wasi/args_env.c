// ARGS: one "two words" 3
// ENV: GREETING=hello
// ENV: EMPTY=
// EXIT: 7
// Arguments and environment reach the guest exactly; nothing else of the
// host environment does (the runner sets TIMECRAFT_E2E_LEAK in its own).
#include <stdio.h>
#include <stdlib.h>
extern char** environ;
int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  printf("leak=%s\n", getenv("TIMECRAFT_E2E_LEAK") ? "yes" : "no");
  return 7;
}
