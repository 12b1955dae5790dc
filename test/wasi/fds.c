// DIR: /
// The guest fd table: prestat, fdstat, rights, renumber, close, sockets on
#include <string.h>
#include <wasi/api.h>
#include "common.h"

int main(void) {
  __wasi_prestat_t ps;
  char name[8] = {0};
  SHOW("prestat 3", __wasi_fd_prestat_get(3, &ps));
  printf("name_len=%u\n", ps.u.dir.pr_name_len);
  SHOW("prestat_dir_name", __wasi_fd_prestat_dir_name(3, (uint8_t*)name, sizeof name));
  printf("name=%s\n", name);
  SHOW("prestat_dir_name short", __wasi_fd_prestat_dir_name(3, (uint8_t*)name, 0));
  SHOW("prestat 0", __wasi_fd_prestat_get(0, &ps));
  SHOW("prestat 4", __wasi_fd_prestat_get(4, &ps));

  __wasi_fd_t a, b;
  SHOW("open a", __wasi_path_open(3, 0, "a.txt", __WASI_OFLAGS_CREAT,
                                  __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, 0, &a));
  SHOW("open b", __wasi_path_open(3, 0, "b.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &b));
  printf("a=%u b=%u\n", a, b);
  __wasi_fdstat_t st;
  SHOW("fdstat a", __wasi_fd_fdstat_get(a, &st));
  printf("a is file: %d, can write: %d, can readdir: %d\n", st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE,
         (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, (st.fs_rights_base & __WASI_RIGHTS_FD_READDIR) != 0);
  __wasi_ciovec_t iov = {(const uint8_t*)"data", 4};
  __wasi_size_t n;
  SHOW("write b (read-only)", __wasi_fd_write(b, &iov, 1, &n));
  SHOW("drop write right on a", __wasi_fd_fdstat_set_rights(a, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0));
  SHOW("write a", __wasi_fd_write(a, &iov, 1, &n));
  SHOW("regain write right", __wasi_fd_fdstat_set_rights(a, st.fs_rights_base, 0));
  SHOW("renumber a -> b", __wasi_fd_renumber(a, b));
  SHOW("close a", __wasi_fd_close(a));
  SHOW("fdstat b", __wasi_fd_fdstat_get(b, &st));
  printf("b can seek: %d\n", (st.fs_rights_base & __WASI_RIGHTS_FD_SEEK) != 0);
  SHOW("renumber to missing", __wasi_fd_renumber(b, 50));
  SHOW("close b", __wasi_fd_close(b));
  SHOW("close b again", __wasi_fd_close(b));
  SHOW("seek dir", __wasi_fd_seek(3, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}));
  SHOW("read dir", __wasi_fd_read(3, &(__wasi_iovec_t){(uint8_t*)name, 1}, 1, &n));
  SHOW("readdir file", __wasi_fd_readdir(0, (uint8_t*)name, sizeof name, 0, &n));
  SHOW("sock_shutdown file", __wasi_sock_shutdown(3, __WASI_SDFLAGS_WR));
  SHOW("sock_shutdown bad fd", __wasi_sock_shutdown(42, __WASI_SDFLAGS_WR));
  SHOW("sock_accept file", __wasi_sock_accept(3, 0, &(__wasi_fd_t){0}));
  SHOW("sock_recv file", __wasi_sock_recv(3, &(__wasi_iovec_t){(uint8_t*)name, 1}, 1, 0, &n, &(__wasi_roflags_t){0}));
  SHOW("sock_send file", __wasi_sock_send(3, &iov, 1, 0, &n));
  SHOW("path_unlink a.txt", __wasi_path_unlink_file(3, "a.txt"));
  SHOW("path_unlink b.txt", __wasi_path_unlink_file(3, "b.txt"));
  // Closing the guest's stdout only removes the guest's fd 1.
  __wasi_fd_t log;
  __wasi_path_open(3, 0, "log.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &log);
  fflush(stdout);
  __wasi_errno_t closed = __wasi_fd_close(1);
  __wasi_ciovec_t msg = {(const uint8_t*)"lost\n", 5};
  __wasi_errno_t e = __wasi_fd_write(1, &msg, 1, &n);
  const char* r = wasi_errno_name(e);
  __wasi_ciovec_t parts[2] = {{(const uint8_t*)"write after close: ", 19}, {(const uint8_t*)r, strlen(r)}};
  __wasi_fd_write(2, parts, 2, &n);
  __wasi_fd_write(2, &(__wasi_ciovec_t){(const uint8_t*)"\n", 1}, 1, &n);
  __wasi_fd_close(log);
  __wasi_path_unlink_file(3, "log.txt");
  return closed == 0 && e == __WASI_ERRNO_BADF ? 0 : 1;
}
