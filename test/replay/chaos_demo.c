// Fault injection's test program (test/chaos_e2e_tests.cpp, README):
//   naive FILE     reads FILE with one read() of its size and fails visibly
//                  on an error or a short read; prints its size, a checksum,
//                  8 random bytes and whether the monotonic clock went back
//   robust FILE    copies FILE to stdout, retrying short reads and writes,
//                  EINTR and EAGAIN (gives up after 1000 errors in a row)
//   workload DIR   makes many calls of every kind fault injection knows
//                  (files in DIR, syncs, truncate, allocate, mkdir, clocks,
//                  sleeps, random bytes, stdout); ignores every error
//   clock N        reads the monotonic clock N times: exit 1 if it went back
//   random N       N times 16 random bytes: exit 1 if all 16 are one byte
//   serve FD       accepts one connection on the listening socket FD (up to
//                  5 tries), receives until EOF, answers "got N bytes"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int naive(const char* path) {
  unsigned long long t0 = now_ns(CLOCK_MONOTONIC);
  int fd = open(path, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "chaos_demo: open %s: %s\n", path, strerror(errno)); return 1; }
  struct stat st;
  if (fstat(fd, &st) != 0) { fprintf(stderr, "chaos_demo: fstat: %s\n", strerror(errno)); return 1; }
  char* buf = malloc((size_t)st.st_size + 1);
  ssize_t n = read(fd, buf, (size_t)st.st_size);
  if (n < 0) { fprintf(stderr, "chaos_demo: read %s: %s\n", path, strerror(errno)); return 1; }
  if (n != st.st_size) {
    fprintf(stderr, "chaos_demo: short read: %zd of %lld bytes\n", n, (long long)st.st_size);
    return 1;
  }
  unsigned sum = 0;
  for (ssize_t i = 0; i < n; ++i) sum = sum * 31 + (unsigned char)buf[i];
  unsigned char r[8];
  if (getentropy(r, sizeof r) != 0) { fprintf(stderr, "chaos_demo: getentropy: %s\n", strerror(errno)); return 1; }
  unsigned long long t1 = now_ns(CLOCK_MONOTONIC);
  printf("%s: %zd bytes, checksum %08x, token %02x%02x%02x%02x%02x%02x%02x%02x\n", path, n, sum, r[0],
         r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
  if (t1 < t0) { fprintf(stderr, "chaos_demo: the monotonic clock went back\n"); return 1; }
  return 0;
}

static int robust(const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "chaos_demo: open %s: %s\n", path, strerror(errno)); return 1; }
  char buf[4096];
  int errors = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (++errors > 1000) { fprintf(stderr, "chaos_demo: read: %s\n", strerror(errno)); return 1; }
      continue;
    }
    errors = 0;
    if (n == 0) return 0;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, (size_t)(n - done));
      if (w < 0) {
        if (++errors > 1000) { fprintf(stderr, "chaos_demo: write: %s\n", strerror(errno)); return 1; }
        continue;
      }
      errors = 0;
      done += w;
    }
  }
}

static int workload(const char* dir) {
  char path[512], sub[512];
  for (int i = 0; i < 8; ++i) {
    snprintf(path, sizeof path, "%s/work%d.txt", dir, i);
    snprintf(sub, sizeof sub, "%s/sub%d", dir, i);
    mkdir(sub, 0755);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      const char text[] = "some bytes for the file, more than a few of them\n";
      (void)!write(fd, text, sizeof text - 1);
      (void)!pwrite(fd, text, 10, 5);
      fsync(fd);
      fdatasync(fd);
      posix_fallocate(fd, 0, 4096);
      ftruncate(fd, 100);
      char buf[64];
      (void)!pread(fd, buf, sizeof buf, 0);
      lseek(fd, 0, SEEK_SET);
      (void)!read(fd, buf, sizeof buf);
      close(fd);
    }
    (void)now_ns(CLOCK_REALTIME);
    (void)now_ns(CLOCK_MONOTONIC);
    struct timespec ts = {0, 1000};
    nanosleep(&ts, NULL);
    unsigned char r[16];
    getentropy(r, sizeof r);
    (void)!write(1, "tick\n", 5);
  }
  return 0;
}

static int clock_check(int n) {
  unsigned long long last = now_ns(CLOCK_MONOTONIC);
  for (int i = 1; i < n; ++i) {
    unsigned long long t = now_ns(CLOCK_MONOTONIC);
    if (t < last) { fprintf(stderr, "chaos_demo: the monotonic clock went back\n"); return 1; }
    last = t;
  }
  printf("monotonic: %d readings, never back\n", n);
  return 0;
}

static int random_check(int n) {
  for (int i = 0; i < n; ++i) {
    unsigned char r[16];
    if (getentropy(r, sizeof r) != 0) { fprintf(stderr, "chaos_demo: getentropy: %s\n", strerror(errno)); return 1; }
    int same = 1;
    for (int k = 1; k < 16; ++k) same &= r[k] == r[0];
    if (same) { fprintf(stderr, "chaos_demo: low entropy: 16 bytes of %02x\n", r[0]); return 1; }
  }
  printf("random: %d draws, all varied\n", n);
  return 0;
}

static int serve(int lfd) {
  int c = -1;
  for (int tries = 0; c < 0 && tries < 5; ++tries) {
    c = accept(lfd, NULL, NULL);
    if (c < 0) fprintf(stderr, "chaos_demo: accept: %s\n", strerror(errno));
  }
  if (c < 0) return 1;
  char buf[256];
  long total = 0;
  for (;;) {
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n < 0) { fprintf(stderr, "chaos_demo: recv: %s\n", strerror(errno)); return 1; }
    if (n == 0) break;
    total += n;
  }
  char msg[64];
  int len = snprintf(msg, sizeof msg, "got %ld bytes\n", total);
  if (send(c, msg, (size_t)len, 0) < 0) { fprintf(stderr, "chaos_demo: send: %s\n", strerror(errno)); return 1; }
  printf("%s", msg);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "naive") == 0) return naive(argv[2]);
  if (argc == 3 && strcmp(argv[1], "robust") == 0) return robust(argv[2]);
  if (argc == 3 && strcmp(argv[1], "workload") == 0) return workload(argv[2]);
  if (argc == 3 && strcmp(argv[1], "clock") == 0) return clock_check(atoi(argv[2]));
  if (argc == 3 && strcmp(argv[1], "random") == 0) return random_check(atoi(argv[2]));
  if (argc == 3 && strcmp(argv[1], "serve") == 0) return serve(atoi(argv[2]));
  fprintf(stderr, "usage: chaos_demo naive|robust|workload|clock|random|serve ARG\n");
  return 2;
}
