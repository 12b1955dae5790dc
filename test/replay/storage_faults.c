// Storage faults for the recording tests (test/cli_robustness_tests.cpp):
//   fill DIR      writes DIR/fill until the disk stays full (100 refusals in
//                 a row), then prints "full" and exits 0
//   sabotage DIR  DIR is a registry's processes/ directory: every
//                 DIR/ID/process.json is replaced by a directory, so the end
//                 of the run cannot be stored
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fill(const char* dir) {
  char path[256];
  snprintf(path, sizeof path, "%s/fill", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  static unsigned char buf[4096];
  unsigned x = 12345;  // incompressible bytes: the log grows as fast as the file
  for (size_t i = 0; i < sizeof buf; ++i) buf[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 24);
  for (int refusals = 0; refusals < 100;) {
    if (write(fd, buf, sizeof buf) > 0) refusals = 0;
    else ++refusals;
  }
  close(fd);
  printf("full\n");
  return 0;
}

static int sabotage(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) { perror("opendir"); return 1; }
  struct dirent* e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s/process.json", dir, e->d_name);
    if (unlink(path) != 0 || mkdir(path, 0755) != 0) { perror(path); return 1; }
  }
  closedir(d);
  printf("sabotaged\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "fill") == 0) return fill(argv[2]);
  if (argc == 3 && strcmp(argv[1], "sabotage") == 0) return sabotage(argv[2]);
  fprintf(stderr, "usage: storage_faults fill|sabotage DIR\n");
  return 2;
}
