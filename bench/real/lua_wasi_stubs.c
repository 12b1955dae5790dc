// Linked into the wasm build of Lua only: wasi-libc has no tmpfile() or
// system() (no temporary directory, no processes); io.tmpfile and
// os.execute fail cleanly instead. The benchmark scripts use neither.
#include <errno.h>
#include <stdio.h>

FILE *tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}

int system(const char *command) {
  if (!command) return 0; // no command processor
  errno = ENOTSUP;
  return -1;
}
