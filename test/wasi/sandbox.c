// DIR: /
// Escape attempts: every one must fail with EPERM (or ELOOP/ENOENT where
// the path never leaves), and the runner checks that nothing outside the
// preopened directory was read, created or changed.
#include <string.h>
#include <wasi/api.h>
#include "common.h"

#define ROOT 3  // the preopen "/"

static __wasi_errno_t open_at(const char* path, __wasi_lookupflags_t follow) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(ROOT, follow, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  if (e == 0) __wasi_fd_close(fd);
  return e;
}

static __wasi_errno_t stat_at(const char* path, __wasi_lookupflags_t follow) {
  __wasi_filestat_t st;
  return __wasi_path_filestat_get(ROOT, follow, path, &st);
}

int main(void) {
  const __wasi_lookupflags_t F = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  SHOW("open data.txt", open_at("data.txt", 0));
  SHOW("open sub/../data.txt", open_at("sub/../data.txt", 0));
  SHOW("open ../outside.txt", open_at("../outside.txt", 0));
  SHOW("open sub/../../outside.txt", open_at("sub/../../outside.txt", 0));
  SHOW("open /outside.txt", open_at("/outside.txt", 0));
  SHOW("open /data.txt", open_at("/data.txt", 0));
  SHOW("open ..", open_at("..", 0));
  SHOW("stat ..", stat_at("..", 0));
  SHOW("stat sub/../..", stat_at("sub/../..", 0));
  SHOW("stat ../outside.txt", stat_at("../outside.txt", 0));
  // Links made by the guest itself.
  SHOW("symlink esc -> ../outside.txt", __wasi_path_symlink("../outside.txt", ROOT, "esc"));
  SHOW("open esc (follow)", open_at("esc", F));
  SHOW("open esc (nofollow)", open_at("esc", 0));
  SHOW("stat esc (follow)", stat_at("esc", F));
  SHOW("stat esc (nofollow)", stat_at("esc", 0));
  SHOW("symlink up -> ..", __wasi_path_symlink("..", ROOT, "up"));
  SHOW("open up/outside.txt", open_at("up/outside.txt", F));
  SHOW("stat up/ (nofollow)", stat_at("up/", 0));
  SHOW("mkdir up/made", __wasi_path_create_directory(ROOT, "up/made"));
  SHOW("symlink chain -> up/outside.txt", __wasi_path_symlink("up/outside.txt", ROOT, "chain"));
  SHOW("open chain", open_at("chain", F));
  SHOW("symlink abs -> /", __wasi_path_symlink("/", ROOT, "abs"));
  SHOW("symlink in -> sub/../data.txt", __wasi_path_symlink("sub/../data.txt", ROOT, "in"));
  SHOW("open in", open_at("in", F));
  SHOW("symlink loop -> loop", __wasi_path_symlink("loop", ROOT, "loop"));
  SHOW("open loop", open_at("loop", F));
  // Mutations aimed outside.
  SHOW("mkdir ../made", __wasi_path_create_directory(ROOT, "../made"));
  SHOW("unlink ../outside.txt", __wasi_path_unlink_file(ROOT, "../outside.txt"));
  SHOW("rename data.txt -> ../stolen", __wasi_path_rename(ROOT, "data.txt", ROOT, "../stolen"));
  SHOW("rename ../outside.txt -> got", __wasi_path_rename(ROOT, "../outside.txt", ROOT, "got"));
  SHOW("link ../outside.txt -> got", __wasi_path_link(ROOT, 0, "../outside.txt", ROOT, "got"));
  SHOW("link esc (follow) -> got", __wasi_path_link(ROOT, F, "esc", ROOT, "got"));
  SHOW("rmdir ..", __wasi_path_remove_directory(ROOT, ".."));
  SHOW("readlink ../x", __wasi_path_readlink(ROOT, "../x", (uint8_t*)(char[8]){0}, 8, &(__wasi_size_t){0}));
  // Descriptors that are not directories or do not exist.
  SHOW("open via fd 1", __wasi_path_open(1, 0, "x", 0, 0, 0, 0, &(__wasi_fd_t){0}));
  SHOW("open via fd 99", __wasi_path_open(99, 0, "x", 0, 0, 0, 0, &(__wasi_fd_t){0}));
  // Clean up what the guest made inside.
  const char* made[] = {"esc", "up", "chain", "in", "loop"};
  for (int i = 0; i < 5; ++i) __wasi_path_unlink_file(ROOT, made[i]);
  return 0;
}
