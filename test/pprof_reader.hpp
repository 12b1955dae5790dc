// Reading profiles with Go's own `go tool pprof` in tests (the reader
// users have). Shared by profile_pprof_tests and profile_e2e_tests.
#pragma once
// Each test uses some of these helpers (anonymous namespace: one copy per test).
#pragma GCC diagnostic ignored "-Wunused-function"
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "profile/pprof.hpp"

namespace {

namespace fs = std::filesystem;

// Go's toolchain: Debian's go-1.23 first, else /usr/bin/go, else PATH's.
std::string find_go() {
  for (const char* p : {"/usr/lib/go-1.23/bin/go", "/usr/bin/go"})
    if (access(p, X_OK) == 0) return p;
  std::istringstream path(getenv("PATH") ? getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');)
    if (!dir.empty() && access((dir + "/go").c_str(), X_OK) == 0) return dir + "/go";
  return "";
}

// A temporary directory holding the profile; also go's HOME and caches.
struct Pprof {
  fs::path dir;
  std::string go = find_go();

  Pprof() {
    char tmpl[] = "/tmp/pprof_tests.XXXXXX";
    BOOST_REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
  }
  ~Pprof() { fs::remove_all(dir); }

  fs::path write(const tc::profile::Profile& p, const std::string& name = "prof.pb.gz") {
    std::vector<uint8_t> bytes = tc::profile::to_pprof(p);
    fs::path f = dir / name;
    std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return f;
  }

  // `go tool pprof ARGS FILE`'s output (stdout and stderr); fails the test
  // case if go is missing or pprof exits nonzero.
  std::string run(const std::string& args, const fs::path& file) {
    BOOST_REQUIRE_MESSAGE(!go.empty(), "go not found (/usr/lib/go-1.23/bin/go, /usr/bin/go, PATH): "
                                       "these tests read the profile with `go tool pprof`");
    std::string d = dir.string();
    std::string cmd = "cd '" + d + "' && HOME='" + d + "' GOCACHE='" + d + "/gocache' GOPATH='" + d +
                      "/gopath' GOTOOLCHAIN=local GOFLAGS= PPROF_TMPDIR='" + d + "' '" + go +
                      "' tool pprof " + args + " '" + file.string() + "' 2>&1";
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    BOOST_REQUIRE(f);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    int status = pclose(f);
    BOOST_TEST_MESSAGE("$ go tool pprof " << args << "\n" << out);
    BOOST_REQUIRE_MESSAGE(status == 0, "go tool pprof " << args << " failed:\n" << out);
    return out;
  }
};

}  // namespace
