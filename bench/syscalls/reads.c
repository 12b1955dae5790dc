// Bulk file reads: reads the file argv[1] (preopened) in 64 KiB chunks,
// `passes` times, and prints a checksum.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int passes = argc > 2 ? atoi(argv[2]) : 4;
  static unsigned char buf[65536];
  unsigned long long sum = 0, total = 0;
  for (int p = 0; p < passes; ++p) {
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror("open"); return 1; }
    for (ssize_t k; (k = read(fd, buf, sizeof buf)) > 0;) {
      total += (unsigned long long)k;
      for (ssize_t i = 0; i < k; i += 4096) sum = sum * 31 + buf[i];
    }
    close(fd);
  }
  printf("read %llu bytes, checksum %llu\n", total, sum);
  return 0;
}
