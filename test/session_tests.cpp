// The session library driven directly, as `run`, `replay`, `profile` and
// `debug` drive it: a recording session stores the module, metadata and
// log; a replay session re-executes it and reports how it ended as data
// (exited, trapped with a backtrace, diverged at a record).
#define BOOST_TEST_MODULE session_tests
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "session/replay.hpp"
#include "test/session_fixture.hpp"

namespace fs = std::filesystem;
using namespace tc;

namespace {

struct Fixture : test::SessionFixture {
  session::ReplayEnd replay(const std::string& id) {
    auto s = session::ReplaySession::open(reg, id.substr(0, 8));  // a prefix is enough
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    BOOST_TEST((*s)->id() == id);
    BOOST_TEST((*s)->platform_differences() == "");  // recorded here, by this build
    trace::ReplayOptions opts;
    opts.echo = false;
    return (*s)->run(opts);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sessions, Fixture)

BOOST_AUTO_TEST_CASE(a_recorded_exit_replays_as_exited) {
  auto rec = record("exit_code.wasm");
  BOOST_REQUIRE(rec.outcome.has_value());
  BOOST_TEST(rec.outcome->exit_code == 42);
  BOOST_TEST(rec.meta.status == "exited");
  BOOST_TEST(rec.meta.exit_code == 42);
  BOOST_TEST(!rec.store_error.has_value());
  BOOST_TEST(rec.records_kept > 0u);
  // What the registry holds says the same.
  auto stored = reg.load_process_meta(rec.meta.id);
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->status == "exited");
  BOOST_TEST(stored->end_unix_ns >= stored->start_unix_ns);

  auto end = replay(rec.meta.id);
  BOOST_TEST(int(end.kind) == int(session::ReplayEnd::Kind::Exited));
  BOOST_TEST(end.exit_code == 42);
  BOOST_TEST(end.records_replayed == rec.records_kept);
  BOOST_TEST(!end.error.has_value());
}

BOOST_AUTO_TEST_CASE(a_recorded_trap_replays_as_the_same_trap) {
  auto rec = record("trap.wasm");
  BOOST_REQUIRE(rec.outcome.has_value());
  BOOST_REQUIRE(rec.outcome->error.has_value());
  BOOST_TEST(rec.meta.status == "trapped");
  BOOST_TEST(rec.meta.exit_code == session::kTrapExitCode);

  auto end = replay(rec.meta.id);
  BOOST_TEST(int(end.kind) == int(session::ReplayEnd::Kind::Trapped));
  BOOST_REQUIRE(end.error.has_value());
  BOOST_TEST(end.error->message == rec.outcome->error->message);
  BOOST_TEST(end.error->backtrace == rec.outcome->error->backtrace);
  BOOST_TEST(!end.error->backtrace.empty());
}

BOOST_AUTO_TEST_CASE(another_module_against_the_log_diverges_at_a_record) {
  auto a = record("exit_code.wasm");
  auto b = record("args_env.wasm", {"x"});
  // Point a's metadata at b's module: the log no longer fits the program.
  auto meta = reg.load_process_meta(a.meta.id);
  BOOST_REQUIRE(meta.has_value());
  meta->module_digest = b.meta.module_digest;
  BOOST_REQUIRE(reg.write_process_meta(a.meta.id, registry::to_json(*meta)).has_value());

  auto end = replay(a.meta.id);
  BOOST_TEST(int(end.kind) == int(session::ReplayEnd::Kind::Diverged));
  BOOST_REQUIRE(end.error.has_value());
  BOOST_TEST(end.error->message.find("record ") != std::string::npos, end.error->message);
}

BOOST_AUTO_TEST_CASE(a_recording_is_running_while_its_session_lives) {
  session::RecordingSpec spec;
  spec.module = load("exit_code.wasm");
  spec.module_name = "exit_code.wasm";
  spec.digest = registry::sha256_hex(spec.module->bytes);
  spec.posix.args = {"exit_code.wasm"};
  spec.posix.stdio[1] = spec.posix.stdio[2] = out_fd;
  spec.codec_name = "zlib";
  auto system = wasi::PosixSystem::create(spec.posix);
  BOOST_REQUIRE(system.has_value());
  auto killed_spec = spec;
  auto rec = session::RecordingSession::start(reg, std::move(spec), **system);
  BOOST_REQUIRE_MESSAGE(rec.has_value(), (rec ? "" : rec.error().message));
  std::string id = (*rec)->id();
  auto status = [&] {
    auto list = reg.list_processes();
    BOOST_REQUIRE(list.has_value());
    for (const auto& p : *list)
      if (p.id == id) return p.status;
    return std::string("(not listed)");
  };
  BOOST_TEST(reg.is_running(id));
  BOOST_TEST(status() == "running");
  // The registry lock is free again once the process exists (a prune may run).
  auto prune_lock = registry::FileLock::try_acquire(root.string() + "/lock", registry::FileLock::Mode::Exclusive);
  BOOST_REQUIRE(prune_lock.has_value());
  BOOST_TEST(prune_lock->has_value());
  prune_lock = std::optional<registry::FileLock>();
  auto end = (*rec)->run();
  BOOST_TEST(end.meta.status == "exited");
  BOOST_TEST(status() == "exited");
  auto index = registry::ProcessIndex(reg.index_path()).load();
  BOOST_TEST(index.lines == 2u);  // its start and its end
  uint64_t log_bytes = 0;
  for (const auto& f : fs::directory_iterator(reg.log_dir(id))) log_bytes += f.file_size();
  BOOST_TEST(index.latest.at(id).summary.log_bytes == log_bytes);
  BOOST_TEST(log_bytes > 0u);
  rec->reset();
  BOOST_TEST(!reg.is_running(id));
  BOOST_TEST(status() == "exited");

  // A run that dies before its end (the session gone without run()).
  auto dead = session::RecordingSession::start(reg, std::move(killed_spec), **system);
  BOOST_REQUIRE(dead.has_value());
  id = (*dead)->id();
  dead->reset();
  BOOST_TEST(status() == "killed");
  BOOST_TEST(reg.load_process_meta(id)->status == "killed");
}

BOOST_AUTO_TEST_CASE(a_wrong_id_is_an_error_naming_it) {
  auto s = session::ReplaySession::open(reg, "ffffffff");
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(s.error().message == "no process matches \"ffffffff\"");
}

BOOST_AUTO_TEST_SUITE_END()
