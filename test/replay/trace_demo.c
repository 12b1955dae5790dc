// A program whose host calls exercise `timecraft trace` (test/trace_e2e_tests.cpp),
// run with a directory preopened as /d:
//  - open(O_CREAT|O_TRUNC), write text and binary bytes, lseek SET and END,
//    fstat: oflags, whence and filetype by name;
//  - path_open with a rights bit WASI does not define (1 << 40): hex;
//  - an open that fails (ENOENT): a record without outputs;
//  - usleep: poll_oneoff with a clock subscription;
//  - getentropy: binary bytes returned (printed in hex, for base64);
//  - a line longer than trace cuts, and a line to stderr.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);  // a write per line
  int fd = open("/d/a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror("open /d/a.txt");
    return 2;
  }
  printf("fd: %d\n", fd);
  write(fd, "hello trace\n", 12);
  static const unsigned char binary[] = {0xff, 0x00, 0xfe, 'a'};
  write(fd, binary, sizeof binary);
  lseek(fd, 0, SEEK_SET);
  off_t end = lseek(fd, 0, SEEK_END);
  struct stat st;
  fstat(fd, &st);
  printf("size: %lld, end: %lld\n", (long long)st.st_size, (long long)end);
  close(fd);

  __wasi_fd_t odd;  // 1 << 40: no right of preview1's
  __wasi_errno_t e = __wasi_path_open(3, 0, "odd.txt", __WASI_OFLAGS_CREAT,
                                      __WASI_RIGHTS_FD_WRITE | (1ull << 40), 0, 0, &odd);
  printf("odd open: %d\n", e);
  if (e == 0) close(odd);

  printf("missing: %s\n", open("/d/missing.txt", O_RDONLY) < 0 ? "not found" : "found?");

  usleep(1500);

  unsigned char rnd[16];
  getentropy(rnd, sizeof rnd);
  printf("random:");
  for (size_t i = 0; i < sizeof rnd; ++i) printf(" %02x", rnd[i]);
  printf("\n");

  char line[101];
  memset(line, 'x', 100);
  line[100] = 0;
  printf("long: %s|end\n", line);
  fprintf(stderr, "to stderr\n");
  return 0;
}
