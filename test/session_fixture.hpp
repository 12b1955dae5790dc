// A private registry per test case for tests that drive the session
// library directly (recording and replaying in-process): the test
// programs are found next to the test binary; the guest's stdout and
// stderr go to a file in the test's directory.
#pragma once
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "registry/sha256.hpp"
#include "session/recording.hpp"

namespace tc::test {

namespace fs = std::filesystem;

inline fs::path programs() {
  return fs::path(boost::unit_test::framework::master_test_suite().argv[0]).parent_path();
}

struct SessionFixture {
  fs::path root = fs::temp_directory_path() /
                  ("tc_session_" + std::to_string(::getpid()) + "_" +
                   boost::unit_test::framework::current_test_case().p_name.get());
  registry::Registry reg = *registry::Registry::open(root.string());
  int out_fd = -1;  // the guest's stdout and stderr, for the recording
  SessionFixture() {
    ::setenv("TIMECRAFT_KEY_FILE", (root / "validation.key").c_str(), 1);
    out_fd = ::open((root / "out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  ~SessionFixture() {
    ::close(out_fd);
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  std::shared_ptr<const wasm::Module> load(const std::string& program) {
    std::ifstream in(programs() / program, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto m = wasm::load_module(std::move(bytes));
    BOOST_REQUIRE_MESSAGE(m.has_value(), program + " does not load");
    return *m;
  }

  // Records `program` with `args`; returns the end.
  session::RecordingEnd record(const std::string& program, std::vector<std::string> args = {}) {
    session::RecordingSpec spec;
    spec.module = load(program);
    spec.module_name = program;
    spec.digest = registry::sha256_hex(spec.module->bytes);
    spec.posix.args = {program};
    spec.posix.args.insert(spec.posix.args.end(), args.begin(), args.end());
    spec.posix.stdio[1] = spec.posix.stdio[2] = out_fd;
    spec.codec_name = "zlib";
    auto system = wasi::PosixSystem::create(spec.posix);
    BOOST_REQUIRE(system.has_value());
    auto rec = session::RecordingSession::start(reg, std::move(spec), **system);
    BOOST_REQUIRE_MESSAGE(rec.has_value(), (rec ? "" : rec.error().message));
    return (*rec)->run();
  }
};

}  // namespace tc::test
