// sandbox_exec --ro DIR... -- PROGRAM ARGS...: runs PROGRAM under a Landlock
// sandbox (Linux >= 5.13) in which no file may be written, created or
// removed anywhere, only the --ro directories (and the system's library
// directories) may be read, and no TCP port may be bound or connected to
// (Landlock ABI >= 4). Used to prove that `timecraft replay` has no side
// effects. Exits 125 if the sandbox cannot be set up.
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {
// Debian 12's kernel headers stop at Landlock ABI 2; these later parts of
// the (stable) kernel ABI are declared here.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI >= 4
};
constexpr uint64_t kAccessFsTruncate = 1ull << 14;  // ABI >= 3
constexpr uint64_t kAccessNetBindTcp = 1ull << 0, kAccessNetConnectTcp = 1ull << 1;

long ll_create(const RulesetAttr* a, size_t s, uint32_t f) {
  return syscall(SYS_landlock_create_ruleset, a, s, f);
}
long ll_add(int fd, landlock_rule_type t, const void* r, uint32_t f) {
  return syscall(SYS_landlock_add_rule, fd, t, r, f);
}
long ll_restrict(int fd, uint32_t f) { return syscall(SYS_landlock_restrict_self, fd, f); }
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> ro = {"/usr", "/lib", "/lib64", "/etc", "/proc", "/dev"};
  int i = 1;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
    if (!std::strcmp(argv[i], "--ro") && i + 1 < argc) ro.push_back(argv[++i]);
  if (i + 1 >= argc) {
    std::fprintf(stderr, "usage: sandbox_exec [--ro DIR]... -- PROGRAM ARGS...\n");
    return 125;
  }
  long abi = ll_create(nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) {
    std::perror("sandbox_exec: landlock unavailable");
    return 125;
  }
  RulesetAttr attr{};
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                           LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                           LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                           LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                           LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                           LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                           LANDLOCK_ACCESS_FS_MAKE_SYM;
  size_t attr_size = sizeof(uint64_t);
  if (abi >= 2) attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) attr.handled_access_fs |= kAccessFsTruncate;
  if (abi >= 4) {
    attr.handled_access_net = kAccessNetBindTcp | kAccessNetConnectTcp;
    attr_size = sizeof attr;
  }
  int rs = int(ll_create(&attr, attr_size, 0));
  if (rs < 0) {
    std::perror("sandbox_exec: landlock_create_ruleset");
    return 125;
  }
  for (const auto& dir : ro) {
    int fd = open(dir.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;
    landlock_path_beneath_attr pb{};
    pb.allowed_access = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                        LANDLOCK_ACCESS_FS_READ_DIR;
    pb.parent_fd = fd;
    if (ll_add(rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
      std::perror("sandbox_exec: landlock_add_rule");
      return 125;
    }
    close(fd);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ll_restrict(rs, 0) != 0) {
    std::perror("sandbox_exec: landlock_restrict_self");
    return 125;
  }
  close(rs);
  execv(argv[i + 1], argv + i + 1);
  std::perror("sandbox_exec: exec");
  return 125;
}
