// A small tmpfs for tests of a full disk: mounted on construction (needs
// root, i.e. CAP_SYS_ADMIN), unmounted on destruction. Tests that need one
// use `* boost::unit_test::precondition(tc::test::can_mount_tmpfs)`, which
// skips them, with the reason, where mounting is not allowed.
#pragma once
#include <sys/mount.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace tc::test {

struct TinyDisk {
  std::filesystem::path dir;
  bool mounted = false;
  std::string error;
  TinyDisk(std::filesystem::path where, const std::string& size) : dir(std::move(where)) {
    std::filesystem::create_directories(dir);
    mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                      ("size=" + size).c_str()) == 0;
    if (!mounted) error = std::strerror(errno);
  }
  ~TinyDisk() {
    if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
  TinyDisk(const TinyDisk&) = delete;
  TinyDisk& operator=(const TinyDisk&) = delete;
};

inline boost::test_tools::assertion_result can_mount_tmpfs(boost::unit_test::test_unit_id) {
  if (::geteuid() != 0) {
    boost::test_tools::assertion_result r(false);
    r.message() << "skipped: mounting a small tmpfs needs root (euid " << ::geteuid() << ")";
    return r;
  }
  auto where = std::filesystem::temp_directory_path() / ("tc_mount_probe_" + std::to_string(::getpid()));
  bool ok;
  std::string why;
  {
    TinyDisk d(where, "64k");
    ok = d.mounted;
    why = d.error;
  }
  std::error_code ec;
  std::filesystem::remove_all(where, ec);
  boost::test_tools::assertion_result r(ok);
  if (!ok) r.message() << "skipped: cannot mount a tmpfs: " << why;
  return r;
}

}  // namespace tc::test
