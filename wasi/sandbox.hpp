// Confined path resolution: every guest path is resolved beneath a directory
// descriptor with openat2(RESOLVE_BENEATH), so "..", absolute paths and
// symlinks (absolute, or relative ones climbing out, including links the
// guest made itself) can never reach outside the directory. The kernel does
// the walk atomically, so a concurrent rename cannot open a hole either.
// Errors are negative host errno values; an escape attempt is -EPERM
// (wasmtime reports ERRNO_PERM).
#pragma once
#include <string>
#include <string_view>
#include <sys/types.h>

namespace tc::wasi::sandbox {

// Opens `path` beneath `dirfd` with open(2) `flags` (O_NOFOLLOW applies to
// the last component only). Returns the new host fd or -errno.
int open_beneath(int dirfd, std::string_view path, int flags, mode_t mode = 0);

// The parent directory of a path's last component, for the *at(2) calls
// that act on a name without following it (mkdirat, unlinkat, renameat...).
struct Parent {
  int fd = -1;        // O_PATH directory fd (owned), beneath the base dir
  std::string name;   // last component; keeps a trailing '/' if the path had one
  bool dot = false;   // the last component is "." or ".." (no name to act on)
  Parent() = default;
  Parent(const Parent&) = delete;
  Parent& operator=(const Parent&) = delete;
  ~Parent();
};
int open_parent(int dirfd, std::string_view path, Parent& out);

// Checks a guest path before anything else: empty -> ENOENT, contains NUL ->
// EINVAL, absolute -> EPERM. Returns 0 or -errno.
int check_path(std::string_view path);

}  // namespace tc::wasi::sandbox
