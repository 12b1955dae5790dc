// Guest pointers and lengths are never trusted: out-of-bounds buffers give
// EFAULT (not a trap), misaligned results EINVAL, bad UTF-8 paths EILSEQ.
#include <stdint.h>
#include <wasi/api.h>
#include "common.h"

int main(void) {
  __wasi_size_t n;
  uint8_t* far = (uint8_t*)0xFFFFFFF0u;
  __wasi_ciovec_t bad = {far, 100};
  SHOW("fd_write iovec out of bounds", __wasi_fd_write(1, &bad, 1, &n));
  SHOW("fd_write iovec array out of bounds", __wasi_fd_write(1, (const __wasi_ciovec_t*)far, 4, &n));
  SHOW("fd_write huge iovec count", __wasi_fd_write(1, &bad, 0x7FFFFFFF, &n));
  __wasi_ciovec_t ok = {(const uint8_t*)"x", 0};
  SHOW("fd_write result out of bounds", __wasi_fd_write(1, &ok, 1, (__wasi_size_t*)far));
  SHOW("fd_write result misaligned", __wasi_fd_write(1, &ok, 1, (__wasi_size_t*)((char*)&n + 1)));
  SHOW("args_sizes_get out of bounds", __wasi_args_sizes_get((__wasi_size_t*)far, &n));
  SHOW("random_get out of bounds", __wasi_random_get(far, 64));
  SHOW("clock_time_get out of bounds", __wasi_clock_time_get(0, 0, (__wasi_timestamp_t*)far));
  SHOW("path_open bad utf-8", __wasi_path_open(3, 0, "\xff\xfe", 0, 0, 0, 0, &(__wasi_fd_t){0}));
  SHOW("poll_oneoff out of bounds", __wasi_poll_oneoff((const __wasi_subscription_t*)far, (__wasi_event_t*)far, 1, &n));
  printf("still running\n");
  return 0;
}
