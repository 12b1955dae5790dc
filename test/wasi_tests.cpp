// Unit tests of wasi/: the call table, the ABI tier (bounds checks, layouts)
// against a fake System, and PosixSystem directly (fd table, sandbox,
// sockets).
#define BOOST_TEST_MODULE wasi_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "wasi/abi.hpp"
#include "wasi/abi_calls.hpp"
#include "wasi/posix_system.hpp"

using namespace tc::wasi;
namespace fs = std::filesystem;

namespace tc::wasi {
std::ostream& operator<<(std::ostream& os, Errno e) { return os << errno_name(e); }
std::ostream& operator<<(std::ostream& os, CallId c) { return os << static_cast<int>(c); }
}  // namespace tc::wasi

namespace {

// A System that answers every call with ENOSYS except the few a test sets.
class FakeSystem : public System {
 public:
#define WASI_CALL(name, id, params, results, ins, outs) \
  Errno name(const call::name##_in&, call::name##_out&) override { ++calls; return Errno::NoSys; }
#include "wasi/calls.def"
#undef WASI_CALL
  int calls = 0;
};

class WriteRecorder : public FakeSystem {
 public:
  Errno fd_write(const call::fd_write_in& in, call::fd_write_out& out) override {
    ++calls;
    for (auto b : in.iovs) data.append(reinterpret_cast<const char*>(b.data()), b.size());
    out.nwritten = static_cast<Size>(data.size());
    return Errno::Success;
  }
  Errno args_get(const call::args_get_in&, call::args_get_out& out) override {
    out.args = {"prog", "x"};
    return Errno::Success;
  }
  Errno fd_readdir(const call::fd_readdir_in&, call::fd_readdir_out& out) override {
    out.entries = {Dirent{1, 10, Filetype::RegularFile, "abc"}, Dirent{2, 11, Filetype::Directory, "de"}};
    return Errno::Success;
  }
  std::string data;
};

struct Mem {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(65536);
  GuestMemory view() { return GuestMemory(bytes.data(), bytes.size()); }
  void u32(uint32_t at, uint32_t v) { std::memcpy(&bytes[at], &v, 4); }
  uint32_t u32(uint32_t at) { uint32_t v; std::memcpy(&v, &bytes[at], 4); return v; }
};

Errno call_ok(tc::Expected<Errno> r) {
  BOOST_REQUIRE(r.has_value());
  return *r;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "tc-wasi-unit-XXXXXX").string();
    path = mkdtemp(t.data());
    fs::create_directories(path / "root" / "sub");
    std::ofstream(path / "outside.txt") << "secret\n";
    std::ofstream(path / "root" / "data.txt") << "hello\n";
  }
  ~TempDir() { fs::remove_all(path); }
};

std::unique_ptr<PosixSystem> make_posix(const TempDir& t, std::vector<std::string> listen = {}) {
  PosixConfig c;
  c.args = {"prog"};
  c.dirs.push_back({(t.path / "root").string(), "/"});
  c.listen = std::move(listen);
  auto s = PosixSystem::create(c);
  BOOST_REQUIRE(s.has_value());
  return std::move(*s);
}

Errno open_path(System& s, std::string_view path, uint32_t follow, Fd* out = nullptr,
                uint16_t oflags = 0, Rights rights = right::FdRead) {
  call::path_open_in in{3, follow, path, oflags, rights, 0, 0};
  call::path_open_out o;
  Errno e = s.path_open(in, o);
  if (out) *out = o.opened;
  else if (e == Errno::Success) {
    call::fd_close_out co;
    (void)s.fd_close({o.opened}, co);
  }
  return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(call_table_is_complete_and_stable) {
  BOOST_TEST(all_calls().size() == 57u);
  std::set<int> ids;
  std::set<std::string> names;
  for (const auto& c : all_calls()) {
    ids.insert(static_cast<int>(c.id));
    names.insert(c.name);
  }
  BOOST_TEST(ids.size() == 57u);
  BOOST_TEST(*ids.begin() == 1);
  BOOST_TEST(*ids.rbegin() == 57);
  BOOST_TEST(int(find_call("sock_open")->id) == 47);  // WasmEdge's socket extension
  BOOST_TEST(int(find_call("sock_send_to")->id) == 57);
  BOOST_TEST(find_call("fd_write")->id == CallId::fd_write);
  BOOST_TEST(std::string(find_call("path_open")->wasm_params) == "iiiiiIIii");
  BOOST_TEST(std::string(find_call("proc_exit")->wasm_results) == "");
  BOOST_TEST(find_call("nope") == nullptr);
  BOOST_TEST(std::string(errno_name(Errno::NotCapable)) == "ENOTCAPABLE");
  BOOST_TEST(static_cast<int>(Errno::NoEnt) == 44);
  BOOST_TEST(static_cast<int>(Errno::NotCapable) == 76);
}

BOOST_AUTO_TEST_CASE(visit_fields_walks_every_field) {
  call::path_open_in in{3, 1, "a/b", 0, 7, 0, 0};
  std::vector<std::string> fields;
  call::visit_fields(in, [&](Kind, const char* name, const auto&) { fields.push_back(name); });
  BOOST_TEST(fields.size() == 7u);
  BOOST_TEST(fields[2] == "path");
  call::sock_recv_out out;
  int n = 0;
  call::visit_fields(out, [&](Kind k, const char*, const auto&) { n += k == Kind::Size || k == Kind::Roflags; });
  BOOST_TEST(n == 2);
}

BOOST_AUTO_TEST_CASE(abi_fd_write_gathers_iovecs) {
  Mem m;
  WriteRecorder sys;
  std::memcpy(&m.bytes[100], "hello ", 6);
  std::memcpy(&m.bytes[200], "world", 5);
  m.u32(16, 100); m.u32(20, 6); m.u32(24, 200); m.u32(28, 5);
  tc::wasi::abi::Env env{sys, m.view()};
  uint64_t a[] = {1, 16, 2, 40};
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a)) == Errno::Success);
  BOOST_TEST(sys.data == "hello world");
  BOOST_TEST(m.u32(40) == 11u);
}

BOOST_AUTO_TEST_CASE(abi_never_trusts_guest_pointers) {
  Mem m;
  WriteRecorder sys;
  tc::wasi::abi::Env env{sys, m.view()};
  m.u32(16, 65530); m.u32(20, 100);  // buffer runs past the end
  uint64_t a1[] = {1, 16, 1, 40};
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a1)) == Errno::Fault);
  uint64_t a2[] = {1, 65532, 1, 40};  // iovec array itself out of bounds
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a2)) == Errno::Fault);
  uint64_t a3[] = {1, 16, 0xFFFFFFFF, 40};  // absurd count
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a3)) == Errno::Fault);
  m.u32(20, 1);
  uint64_t a4[] = {1, 16, 1, 65535};  // result pointer out of bounds
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a4)) == Errno::Fault);
  uint64_t a5[] = {1, 16, 1, 41};  // misaligned result
  BOOST_TEST(call_ok(tc::wasi::abi::fd_write(env, a5)) == Errno::Inval);
  BOOST_TEST(sys.calls == 0);  // nothing reached the System
  uint64_t a6[] = {65000, 1000};
  BOOST_TEST(call_ok(tc::wasi::abi::random_get(env, a6)) == Errno::Fault);
  uint64_t a7[] = {3, 0, 60000, 10000, 0, 0, 0, 0, 0};
  BOOST_TEST(call_ok(tc::wasi::abi::path_open(env, a7)) == Errno::Fault);
  m.bytes[300] = 0xff;
  uint64_t a8[] = {3, 0, 300, 1, 0, 0, 0, 0, 0};
  BOOST_TEST(call_ok(tc::wasi::abi::path_open(env, a8)) == Errno::IlSeq);
  uint64_t a9[] = {3, 0, 300, 0, 0x10, 0, 0, 0, 0};  // unknown oflags bit
  BOOST_TEST(call_ok(tc::wasi::abi::path_open(env, a9)) == Errno::Inval);
  uint64_t a10[] = {0, 0, 0, 0};  // poll_oneoff with no subscriptions
  BOOST_TEST(call_ok(tc::wasi::abi::poll_oneoff(env, a10)) == Errno::Inval);
  BOOST_TEST(sys.calls == 0);
}

BOOST_AUTO_TEST_CASE(abi_args_and_readdir_layout) {
  Mem m;
  WriteRecorder sys;
  tc::wasi::abi::Env env{sys, m.view()};
  uint64_t a[] = {16, 64};
  BOOST_TEST(call_ok(tc::wasi::abi::args_get(env, a)) == Errno::Success);
  BOOST_TEST(m.u32(16) == 64u);
  BOOST_TEST(m.u32(20) == 69u);
  BOOST_TEST(std::string(reinterpret_cast<char*>(&m.bytes[64])) == "prog");
  BOOST_TEST(std::string(reinterpret_cast<char*>(&m.bytes[69])) == "x");
  // readdir into a buffer too small for both entries: cut at buf_len.
  uint64_t r[] = {3, 1000, 30, 0, 2000};
  BOOST_TEST(call_ok(tc::wasi::abi::fd_readdir(env, r)) == Errno::Success);
  BOOST_TEST(m.u32(2000) == 30u);
  BOOST_TEST(m.u32(1000 + 16) == 3u);  // d_namlen
  BOOST_TEST(m.bytes[1000 + 20] == static_cast<uint8_t>(Filetype::RegularFile));
  BOOST_TEST(std::string(reinterpret_cast<char*>(&m.bytes[1024]), 3) == "abc");
  uint64_t r2[] = {3, 1000, 4096, 0, 2000};
  BOOST_TEST(call_ok(tc::wasi::abi::fd_readdir(env, r2)) == Errno::Success);
  BOOST_TEST(m.u32(2000) == 24u + 3 + 24 + 2);
}

BOOST_AUTO_TEST_CASE(abi_proc_exit_unwinds_with_status) {
  Mem m;
  FakeSystem sys;
  tc::wasi::abi::Env env{sys, m.view()};
  uint64_t a[] = {42};
  auto r = tc::wasi::abi::proc_exit(env, a);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(static_cast<int>(r.error().kind) == static_cast<int>(tc::ErrorKind::Exit));
  BOOST_TEST(r.error().code == 42);
  BOOST_TEST(sys.calls == 1);  // the System saw it (for the recorder)
}

BOOST_AUTO_TEST_CASE(posix_sandbox_confines_paths) {
  TempDir t;
  auto s = make_posix(t);
  BOOST_TEST((open_path(*s, "data.txt", 0) == Errno::Success));
  BOOST_TEST((open_path(*s, "sub/../data.txt", 0) == Errno::Success));
  BOOST_TEST((open_path(*s, "../outside.txt", 0) == Errno::Perm));
  BOOST_TEST((open_path(*s, "/outside.txt", 0) == Errno::Perm));
  BOOST_TEST((open_path(*s, "", 0) == Errno::NoEnt));
  BOOST_TEST((open_path(*s, std::string_view("data.txt\0x", 10), 0) == Errno::Inval));
  // A symlink the host planted, and one the guest makes, both pointing out.
  fs::create_symlink(t.path / "outside.txt", t.path / "root" / "host_abs");
  fs::create_symlink("../outside.txt", t.path / "root" / "host_rel");
  BOOST_TEST((open_path(*s, "host_abs", kLookupSymlinkFollow) == Errno::Perm));
  BOOST_TEST((open_path(*s, "host_rel", kLookupSymlinkFollow) == Errno::Perm));
  call::path_symlink_out so;
  BOOST_TEST((s->path_symlink({"..", 3, "up"}, so) == Errno::Success));
  BOOST_TEST((open_path(*s, "up/outside.txt", kLookupSymlinkFollow) == Errno::Perm));
  BOOST_TEST((s->path_symlink({"/etc", 3, "abs"}, so) == Errno::Perm));
  call::path_filestat_get_out st;
  BOOST_TEST((s->path_filestat_get({3, 0, "up/"}, st) == Errno::Perm));
  BOOST_TEST((s->path_filestat_get({3, 0, ".."}, st) == Errno::Perm));
  BOOST_TEST((s->path_filestat_get({3, 0, "up"}, st) == Errno::Success));
  BOOST_TEST((st.stat.filetype == Filetype::SymbolicLink));
  call::path_create_directory_out mo;
  BOOST_TEST((s->path_create_directory({3, "up/evil"}, mo) == Errno::Perm));
  call::path_rename_out ro;
  BOOST_TEST((s->path_rename({3, "data.txt", 3, "up/stolen"}, ro) == Errno::Perm));
  call::path_unlink_file_out uo;
  BOOST_TEST((s->path_unlink_file({3, "../outside.txt"}, uo) == Errno::Perm));
  BOOST_TEST(fs::exists(t.path / "outside.txt"));
  BOOST_TEST(!fs::exists(t.path / "evil"));
  BOOST_TEST(!fs::exists(t.path / "stolen"));
}

BOOST_AUTO_TEST_CASE(posix_fd_table_is_the_guests_own) {
  TempDir t;
  // Give the guest a dup of a pipe as its stdout so the host side can be checked.
  int p[2];
  BOOST_REQUIRE(pipe(p) == 0);
  PosixConfig c;
  c.dirs.push_back({(t.path / "root").string(), "/"});
  c.stdio[1] = p[1];
  auto created = PosixSystem::create(c);
  BOOST_REQUIRE(created.has_value());
  auto s = std::move(*created);
  call::fd_close_out co;
  BOOST_TEST((s->fd_close({1}, co) == Errno::Success));
  BOOST_TEST(fcntl(p[1], F_GETFD) != -1);  // the host descriptor is still open
  BOOST_TEST((s->fd_close({1}, co) == Errno::BadF));
  Fd a = 0;
  BOOST_TEST((open_path(*s, "data.txt", 0, &a) == Errno::Success));
  BOOST_TEST(a == 1u);  // lowest free guest number
  call::fd_renumber_out rn;
  BOOST_TEST((s->fd_renumber({a, 2}, rn) == Errno::Success));
  BOOST_TEST(fcntl(2, F_GETFD) != -1);  // host stderr untouched
  BOOST_TEST((s->fd_renumber({1, 2}, rn) == Errno::BadF));
  call::fd_prestat_get_out ps;
  BOOST_TEST((s->fd_prestat_get({3}, ps) == Errno::Success));
  BOOST_TEST(ps.prestat.name_len == 1u);
  BOOST_TEST((s->fd_prestat_get({2}, ps) == Errno::BadF));
  close(p[0]);
  close(p[1]);
}

BOOST_AUTO_TEST_CASE(posix_rights_only_shrink) {
  TempDir t;
  auto s = make_posix(t);
  Fd f = 0;
  BOOST_TEST((open_path(*s, "data.txt", 0, &f, 0, right::FdRead | right::FdSeek) == Errno::Success));
  call::fd_fdstat_get_out st;
  BOOST_TEST((s->fd_fdstat_get({f}, st) == Errno::Success));
  BOOST_TEST((st.stat.rights_base & right::FdWrite) == 0u);
  call::fd_fdstat_set_rights_out so;
  BOOST_TEST((s->fd_fdstat_set_rights({f, right::FdRead | right::FdWrite, 0}, so) == Errno::NotCapable));
  BOOST_TEST((s->fd_fdstat_set_rights({f, right::FdSeek, 0}, so) == Errno::Success));
  uint8_t buf[4];
  call::fd_read_in rin{f, {std::span<uint8_t>(buf, 4)}};
  call::fd_read_out rout;
  BOOST_TEST((s->fd_read(rin, rout) == Errno::NotCapable));
}

BOOST_AUTO_TEST_CASE(posix_listen_socket_accept_recv_send) {
  TempDir t;
  const int port = 20000 + (getpid() % 20000);
  auto s = make_posix(t, {"127.0.0.1:" + std::to_string(port)});
  // fd 3 is the preopen, fd 4 the listener.
  std::thread client([port] {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      (void)!write(c, "ping", 4);
      char b[8];
      (void)!read(c, b, sizeof b);
    }
    close(c);
  });
  call::sock_accept_out ao;
  BOOST_TEST((s->sock_accept({4, 0}, ao) == Errno::Success));
  uint8_t buf[16] = {};
  call::sock_recv_out ro;
  BOOST_TEST((s->sock_recv({ao.accepted, {std::span<uint8_t>(buf, 16)}, kRiRecvWaitall & 0}, ro) == Errno::Success));
  BOOST_TEST(std::string(reinterpret_cast<char*>(buf), ro.nread) == "ping");
  const uint8_t pong[] = {'p', 'o', 'n', 'g'};
  call::sock_send_out so;
  BOOST_TEST((s->sock_send({ao.accepted, {std::span<const uint8_t>(pong, 4)}, 0}, so) == Errno::Success));
  BOOST_TEST(so.nsent == 4u);
  call::sock_shutdown_out sh;
  BOOST_TEST((s->sock_shutdown({ao.accepted, kSdRd | kSdWr}, sh) == Errno::Success));
  BOOST_TEST((s->sock_shutdown({3, kSdWr}, sh) == Errno::NotSock));
  client.join();
}
