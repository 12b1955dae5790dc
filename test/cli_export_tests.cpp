// `timecraft export ... FILE` keeps FILE what it was: a device gets the
// bytes (and its write error is reported), a FIFO delivers them and stays a
// FIFO, /dev/stdout is our stdout, a symbolic link stays a link (its regular
// target is replaced atomically; a dangling one is refused), and only
// regular files are replaced.
#define BOOST_TEST_MODULE cli_export_tests
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>

#include "test/cli_fixture.hpp"

namespace fs = std::filesystem;
using namespace tc::test;

namespace {

// A recorded module of ~200 KiB (more than a pipe holds) and its digest.
struct Fixture : CliFixture {
  std::string digest, bytes;
  Fixture() {
    std::signal(SIGPIPE, SIG_IGN);
    auto mod = write("big.wat", "(module (memory 4) (data (i32.const 0) \"" +
                                    std::string(200 << 10, 'x') + "\") (func (export \"_start\")))\n");
    auto r = tc({"run", mod.string()});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    r = tc({"get", "mod", "-q"});
    digest = r.out.substr(0, r.out.find('\n'));
    BOOST_REQUIRE_EQUAL(digest.size(), 64u);
    r = tc({"export", "module", digest, "-"});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    bytes = r.out;
    BOOST_REQUIRE_GT(bytes.size(), 200u << 10);
  }
};

mode_t kind(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? st.st_mode & S_IFMT : 0;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(export_targets, Fixture)

BOOST_AUTO_TEST_CASE(a_full_device_reports_the_error_and_stays_a_device) {
  // Our own node of /dev/full (so that a broken export cannot replace the
  // system's); /dev/full itself where nodes cannot be made.
  fs::path full = root / "full";
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
    BOOST_TEST_MESSAGE("mknod failed (" << std::strerror(errno) << "): using /dev/full");
    full = "/dev/full";
  }
  auto r = tc({"export", "module", digest, full.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: cannot write " + full.string() +
                          ": No space left on device\n");
  BOOST_TEST(kind(full) == S_IFCHR);
  // And nothing left behind next to it.
  // (the registry, the validation key, big.wat and the device node)
  if (full != "/dev/full") BOOST_TEST(std::distance(fs::directory_iterator(root), {}) == 4);
}

BOOST_AUTO_TEST_CASE(a_fifo_delivers_the_bytes_and_stays_a_fifo) {
  fs::path fifo = root / "out.fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // Held open for writing too, so the reader's open does not wait and the
  // reader sees the end only when we close it: never a hang, even if the
  // export does not write into the FIFO.
  int hold = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  BOOST_REQUIRE(hold >= 0);
  std::string got;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
    char buf[65536];
    for (ssize_t n; fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, size_t(n));
    if (fd >= 0) ::close(fd);
  });
  auto r = tc({"export", "module", digest, fifo.string()}, 30);
  ::close(hold);
  reader.join();
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(got.size() == bytes.size());
  BOOST_TEST((got == bytes));
  BOOST_TEST(kind(fifo) == S_IFIFO);
}

BOOST_AUTO_TEST_CASE(dev_stdout_is_our_stdout) {
  fs::path link = root / "stdout-link";
  fs::create_symlink("/proc/self/fd/1", link);
  for (std::string name : {std::string("/dev/fd/1"), std::string("/proc/self/fd/1"), link.string()}) {
    auto r = tc({"export", "module", digest, name});
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST((r.out == bytes));
    }
  }
  // /dev/stdout and /dev/stderr themselves, in a private mount namespace
  // with its own /dev: a broken export must not replace the system's.
  if (::geteuid() != 0 || run_process({"/usr/bin/unshare", "-m", "/bin/true"}, 10).exit_code != 0) {
    BOOST_TEST_MESSAGE("no private mount namespace (unshare -m): /dev/stdout not tested");
    return;
  }
  for (std::string name : {"/dev/stdout", "/dev/stderr"}) {
    auto r = run_process({"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                          "mount -t tmpfs tmpfs /dev && ln -s /proc/self/fd/1 /dev/stdout && "
                          "ln -s /proc/self/fd/2 /dev/stderr && exec \"$0\" \"$@\"",
                          bin, "export", "module", digest, name}, 30);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(r.exit_code == 0);
      BOOST_TEST(((name == "/dev/stdout" ? r.out : r.err) == bytes));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_symlink_is_followed_to_a_regular_file) {
  fs::path target = root / "target.wasm", link = root / "link.wasm";
  write("target.wasm", "old content");
  fs::create_symlink("target.wasm", link);
  auto r = tc({"export", "module", digest, link.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(fs::is_symlink(link));
  BOOST_TEST(fs::read_symlink(link) == "target.wasm");
  BOOST_TEST((slurp(target) == bytes));

  // A link to a device is written through, and stays a link.
  fs::path null_link = root / "null";
  fs::create_symlink("/dev/null", null_link);
  r = tc({"export", "module", digest, null_link.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(fs::is_symlink(null_link));
  BOOST_TEST(kind("/dev/null") == S_IFCHR);
}

BOOST_AUTO_TEST_CASE(a_dangling_symlink_is_refused) {
  fs::path link = root / "dangling.wasm";
  fs::create_symlink("missing/nowhere.wasm", link);
  auto r = tc({"export", "module", digest, link.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + link.string() +
                          ": a symbolic link to a missing file; not writing through it\n");
  BOOST_TEST(fs::is_symlink(link));
  BOOST_TEST(!fs::exists(root / "missing"));
}

BOOST_AUTO_TEST_CASE(regular_files_new_or_old_are_replaced) {
  fs::path out = root / "out.wasm";
  auto r = tc({"export", "module", digest, out.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST((slurp(out) == bytes));
  write("out.wasm", std::string(1 << 20, 'y'));  // longer than the module: no tail left
  r = tc({"export", "module", digest, out.string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST((slurp(out) == bytes));
}

BOOST_AUTO_TEST_CASE(a_directory_or_a_missing_one_is_one_line) {
  auto r = tc({"export", "module", digest, root.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + root.string() + ": is a directory\n");
  fs::path nowhere = root / "no" / "such" / "dir.wasm";
  r = tc({"export", "module", digest, nowhere.string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: cannot write " + nowhere.string() +
                          ": No such file or directory\n");
}

BOOST_AUTO_TEST_SUITE_END()
