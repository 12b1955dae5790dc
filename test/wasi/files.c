// DIR: /
// File and directory operations through wasi-libc: fd_read/write/seek/tell,
// pread/pwrite, filestat, fdstat flags, readdir, rename, link, symlink,
// readlink, unlink, rmdir, truncate, set_times, allocate, sync, advise.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void list(const char* dir) {
  DIR* d = opendir(dir);
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("ls %s:", dir);
  for (int i = 0; i < n; ++i) printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

int main(void) {
  char buf[64] = {0};
  // The fixture: data.txt = "hello world\n".
  FILE* f = fopen("data.txt", "r");
  printf("read: %s", fgets(buf, sizeof buf, f));
  fclose(f);

  int fd = open("new.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  printf("write: %zd\n", write(fd, "abcdefghij", 10));
  printf("seek: %lld\n", (long long)lseek(fd, 2, SEEK_SET));
  memset(buf, 0, sizeof buf);
  printf("read: %zd %s\n", read(fd, buf, 3), buf);
  printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("pwrite: %zd\n", pwrite(fd, "XY", 2, 8));
  memset(buf, 0, sizeof buf);
  printf("pread: %zd %s\n", pread(fd, buf, 10, 0), buf);
  printf("tell after p*: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  struct stat st;
  fstat(fd, &st);
  printf("size: %lld regular: %d nlink: %d\n", (long long)st.st_size, S_ISREG(st.st_mode), (int)st.st_nlink);
  printf("ftruncate: %d\n", ftruncate(fd, 4));
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  printf("fallocate: %d\n", posix_fallocate(fd, 0, 100));
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  printf("fsync: %d fdatasync: %d fadvise: %d\n", fsync(fd), fdatasync(fd), posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL));
  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
  printf("futimens: %d\n", futimens(fd, times));
  fstat(fd, &st);
  printf("mtime: %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  printf("append before: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  fcntl(fd, F_SETFL, O_APPEND);
  printf("append after: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  lseek(fd, 0, SEEK_SET);
  write(fd, "Z", 1);
  printf("end after append: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  printf("isatty(stdout pipe)=%d\n", isatty(1));

  printf("mkdir: %d\n", mkdir("sub2", 0755));
  printf("mkdir again: %d %s\n", mkdir("sub2", 0755), errno == EEXIST ? "EEXIST" : "?");
  printf("rename: %d\n", rename("new.txt", "sub2/moved.txt"));
  printf("link: %d\n", link("sub2/moved.txt", "sub2/hard.txt"));
  stat("sub2/hard.txt", &st);
  printf("nlink: %d\n", (int)st.st_nlink);
  printf("symlink: %d\n", symlink("moved.txt", "sub2/soft"));
  memset(buf, 0, sizeof buf);
  printf("readlink: %zd %s\n", readlink("sub2/soft", buf, sizeof buf), buf);
  lstat("sub2/soft", &st);
  printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
  stat("sub2/soft", &st);
  printf("stat through link size: %lld\n", (long long)st.st_size);
  list("sub2");
  printf("rmdir nonempty: %d %s\n", rmdir("sub2"), errno == ENOTEMPTY ? "ENOTEMPTY" : "?");
  printf("unlink: %d %d %d\n", unlink("sub2/soft"), unlink("sub2/hard.txt"), unlink("sub2/moved.txt"));
  printf("unlink missing: %d %s\n", unlink("sub2/moved.txt"), errno == ENOENT ? "ENOENT" : "?");
  printf("rmdir: %d\n", rmdir("sub2"));
  printf("open dir for write: %d %s\n", open("sub", O_WRONLY), errno == EISDIR ? "EISDIR" : "?");
  printf("open missing: %d %s\n", open("nope.txt", O_RDONLY), errno == ENOENT ? "ENOENT" : "?");
  printf("excl existing: %d %s\n", open("data.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), errno == EEXIST ? "EEXIST" : "?");
  list(".");
  return 0;
}
