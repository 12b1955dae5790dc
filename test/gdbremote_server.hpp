// A `timecraft debug --listen 127.0.0.1:0 ID` child process and a raw
// GDB remote protocol client of it, for the gdbremote and lldb tests.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>

#include "test/cli_fixture.hpp"

namespace tc::test {

// The line of a source file that carries "// @marker".
inline int marker_line(const fs::path& source, const std::string& marker) {
  std::ifstream in(source);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n)
    if (l.find("// @" + marker) != std::string::npos) return n;
  BOOST_FAIL("no @" + marker + " in " + source.string());
  return 0;
}

// A private registry holding one recording of buggy-O0.wasm (`id`).
struct BuggyRecording : CliFixture {
  std::string id;
  BuggyRecording() {
    auto r = tc({"run", (programs / "buggy-O0.wasm").string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    id = take_id(r.err);
  }
};

inline std::string checksum(const std::string& body) {
  unsigned s = 0;
  for (unsigned char c : body) s += c;
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", s & 0xff);
  return buf;
}

// A running `timecraft debug --listen 127.0.0.1:0 ID`, and a client of it.
struct Server {
  pid_t pid = -1;
  int err = -1;   // its stderr
  int sock = -1;
  int port = 0;
  std::string stderr_text, in;

  // The program's output (the replay's echo) goes to `stdout_path`.
  Server(const std::string& bin, const std::string& id, const std::string& listen = "127.0.0.1:0",
         const std::string& stdout_path = "/dev/null") {
    int p[2];
    BOOST_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    std::vector<std::string> args = {bin, "debug", "--listen", listen, id};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    BOOST_REQUIRE(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(p[1]);
    err = p[0];
  }
  ~Server() {
    if (sock >= 0) ::close(sock);
    if (pid > 0 && wait_exit(0) == -2) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (err >= 0) ::close(err);
  }

  // Reads stderr until a line is complete (or it closes); that line.
  std::string first_line(int timeout_ms = 30000) {
    while (stderr_text.find('\n') == std::string::npos) {
      pollfd pf{err, POLLIN, 0};
      if (::poll(&pf, 1, timeout_ms) <= 0) break;
      char buf[512];
      ssize_t n = ::read(err, buf, sizeof buf);
      if (n <= 0) break;
      stderr_text.append(buf, size_t(n));
    }
    return stderr_text.substr(0, stderr_text.find('\n'));
  }

  void connect() {
    std::string line = first_line();
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")), line);
    port = std::stoi(m[1]);
    BOOST_REQUIRE(port > 0);
    sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(sock, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }

  void raw(const std::string& bytes) { BOOST_REQUIRE(::send(sock, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size())); }

  // The next thing the server sends: "+", "-" or a packet's body ("$...#cs" checked).
  std::string next(int timeout_ms = 60000) {
    for (;;) {
      if (!in.empty() && (in[0] == '+' || in[0] == '-')) {
        std::string c = in.substr(0, 1);
        in.erase(0, 1);
        return c;
      }
      size_t hash = in.find('#');
      if (!in.empty() && in[0] == '$' && hash != std::string::npos && in.size() >= hash + 3) {
        std::string body = in.substr(1, hash - 1);
        BOOST_TEST(in.substr(hash + 1, 2) == checksum(body));
        in.erase(0, hash + 3);
        return body;
      }
      pollfd pf{sock, POLLIN, 0};
      if (::poll(&pf, 1, timeout_ms) <= 0) return "<timeout>";
      char buf[65536];
      ssize_t n = ::recv(sock, buf, sizeof buf, 0);
      if (n <= 0) return "<closed>";
      in.append(buf, size_t(n));
    }
  }

  // One packet (no-ack mode once it is on), its reply.
  std::string ask(const std::string& body) {
    raw("$" + body + "#" + checksum(body));
    return next();
  }

  // -1 still running after `seconds` (-2 if timed out), else the exit status.
  int wait_exit(int seconds) {
    for (int i = 0; i <= seconds * 20; ++i) {
      int st = 0;
      pid_t r = ::waitpid(pid, &st, WNOHANG);
      if (r == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      if (i < seconds * 20) ::usleep(50000);
    }
    return -2;
  }
};

}  // namespace tc::test
