// A program whose output depends on every kind of host input: args, env,
// stdin, clocks, random bytes, poll_oneoff (clock + fd), files and
// directories. Recorded once, it must replay byte for byte.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long long hash(const unsigned char* p, size_t n) {
  unsigned long long h = 1469598103934665603ull;
  while (n--) h = (h ^ *p++) * 1099511628211ull;
  return h;
}

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  const char* who = getenv("WHO");
  printf("WHO=%s\n", who ? who : "(unset)");

  char in[4096];
  size_t n = fread(in, 1, sizeof in, stdin);
  printf("stdin: %zu bytes, hash %llx\n", n, hash((unsigned char*)in, n));

  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  printf("realtime: %lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);
  clock_gettime(CLOCK_MONOTONIC, &t);
  printf("monotonic: %lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);

  unsigned char rnd[16];
  arc4random_buf(rnd, sizeof rnd);
  printf("random:");
  for (int i = 0; i < 16; ++i) printf(" %02x", rnd[i]);
  printf("\n");

  struct timespec nap = {0, 2000000};  // poll_oneoff with a clock subscription
  nanosleep(&nap, NULL);
  struct pollfd pfd = {0, POLLIN, 0};  // and with an fd subscription
  printf("poll: %d\n", poll(&pfd, 1, 0));

  if (argc > 1) {  // a preopened directory: write, read back, list, remove
    char path[256];
    snprintf(path, sizeof path, "%s/note.txt", argv[1]);
    FILE* f = fopen(path, "w");
    if (!f) { printf("open failed: %s\n", strerror(errno)); return 3; }
    fprintf(f, "written at %lld\n", (long long)t.tv_sec);
    fclose(f);
    f = fopen(path, "r");
    char line[128] = {0};
    fgets(line, sizeof line, f);
    fclose(f);
    printf("read back: %s", line);
    DIR* d = opendir(argv[1]);
    int entries = 0;
    for (struct dirent* e; (e = readdir(d));) entries += e->d_name[0] != '.';
    closedir(d);
    printf("entries: %d\n", entries);
    struct stat st;
    stat(path, &st);
    printf("size: %lld\n", (long long)st.st_size);
    unlink(path);
    printf("after unlink: %s\n", access(path, F_OK) == 0 ? "exists" : "gone");
  }
  fprintf(stderr, "done (stderr)\n");
  return 42;
}
