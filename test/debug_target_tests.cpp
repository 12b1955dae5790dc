// The debugger's replaying processes (debug/target) driven directly: a
// position reached backwards (a checkpoint restored, then re-executed)
// shows exactly the state the same position shows when reached going
// forwards from the start, on random positions of real recorded programs;
// breakpoints, watches and the reverse searches agree with a forward walk.
#define BOOST_TEST_MODULE debug_target_tests
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "debug/target/target.hpp"
#include "interp/text/wat.hpp"
#include "session/replay.hpp"
#include "test/session_fixture.hpp"

namespace fs = std::filesystem;
using namespace tc;
using namespace tc::debug;

namespace {

struct Fixture : test::SessionFixture {
  // Records `program`; its process id.
  std::string record_id(const std::string& program) {
    auto end = record(program);
    BOOST_REQUIRE(end.outcome.has_value());
    return end.meta.id;
  }
  // Records a module written in the text format; its process id.
  std::string record_wat(const std::string& text) {
    auto bytes = wat::wat_to_binary(text);
    BOOST_REQUIRE(bytes.has_value());
    auto m = wasm::load_module(std::move(*bytes));
    BOOST_REQUIRE(m.has_value());
    session::RecordingSpec spec;
    spec.module = *m;
    spec.module_name = "prog.wasm";
    spec.digest = registry::sha256_hex(spec.module->bytes);
    spec.posix.args = {"prog.wasm"};
    spec.posix.stdio[1] = spec.posix.stdio[2] = out_fd;
    spec.codec_name = "zlib";
    auto system = wasi::PosixSystem::create(spec.posix);
    BOOST_REQUIRE(system.has_value());
    auto rec = session::RecordingSession::start(reg, std::move(spec), **system);
    BOOST_REQUIRE(rec.has_value());
    auto end = (*rec)->run();
    BOOST_REQUIRE(end.outcome.has_value());
    return end.meta.id;
  }
  std::unique_ptr<session::ReplaySession> open(const std::string& id) {
    auto s = session::ReplaySession::open(reg, id);
    BOOST_REQUIRE(s.has_value());
    return std::move(*s);
  }
};

// Everything a debugger can see at a stop, hashed: where (count, record,
// frames), the innermost frames' locals and operand stacks, the globals
// and all of linear memory.
struct Snapshot {
  uint64_t count = 0, record = 0, base = 0;
  std::vector<uint64_t> frames, values;
  uint64_t memory_hash = 0, memory_bytes = 0;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(Target& t) {
  Snapshot s;
  const StopInfo& st = t.stop();
  s.count = st.count;
  s.record = st.record;
  s.base = st.record_base;
  for (const auto& f : st.frames) s.frames.push_back(uint64_t(f.func_index) << 32 | f.offset);
  for (uint32_t fr = 0; fr < 3 && fr < st.frames.size(); ++fr) {
    for (uint32_t i = 0; i < 24; ++i) s.values.push_back(t.local(fr, i).value_or(0xdeadbeef));
    for (uint32_t i = 0; i < 8; ++i) s.values.push_back(t.operand(fr, i).value_or(0xdeadbeef));
  }
  for (uint32_t g = 0; g < 8; ++g) s.values.push_back(t.global(g).value_or(0xdeadbeef));
  uint64_t h = 1469598103934665603ull;
  for (uint64_t at = 0;; at += 65536) {
    auto b = t.read_memory(at, 65536);
    if (!b) break;
    for (uint8_t c : *b) h = (h ^ c) * 1099511628211ull;
    s.memory_bytes += b->size();
  }
  s.memory_hash = h;
  return s;
}

std::string describe(const Snapshot& s) {
  return "count " + std::to_string(s.count) + " record " + std::to_string(s.record) + " frames " +
         std::to_string(s.frames.size()) + " memory " + std::to_string(s.memory_bytes);
}

// The property: random positions, visited in random order by one Target
// (so most are reached backwards, from checkpoints), equal a forward-only
// visit by a fresh Target.
void forward_backward_equal(Fixture& f, const std::string& program, uint64_t interval, int positions) {
  std::string id = f.record_id(program);
  auto replay = f.open(id);
  auto walker = Target::start(*replay, nullptr, false);
  BOOST_REQUIRE(walker.has_value());
  (*walker)->checkpoint_interval = interval;
  // The run's length: run to the end once.
  auto end = (*walker)->resume(RunSpec{});
  BOOST_REQUIRE(end.has_value());
  BOOST_REQUIRE(end->ended());
  const uint64_t total = end->count;
  BOOST_REQUIRE(total > 1000);
  std::mt19937_64 rng(20261201);
  std::vector<uint64_t> at;
  for (int i = 0; i < positions; ++i) at.push_back(rng() % total);
  int checked = 0, backwards = 0;
  for (uint64_t p : at) {
    uint64_t before = (*walker)->stop().count;
    auto s = (*walker)->seek(p);
    BOOST_REQUIRE_MESSAGE(s.has_value(), "seek " << p << ": " << (s ? "" : s.error().message));
    BOOST_REQUIRE(!s->ended());
    backwards += p < before || (*walker)->stop().ended();
    Snapshot back = snapshot(**walker);
    BOOST_REQUIRE(back.count == p);
    // Forward only, from the start.
    auto fresh = Target::start(*replay, nullptr, false);
    BOOST_REQUIRE(fresh.has_value());
    (*fresh)->checkpoint_interval = UINT64_MAX / 4;
    auto g = (*fresh)->seek(p);
    BOOST_REQUIRE(g.has_value());
    Snapshot fwd = snapshot(**fresh);
    BOOST_TEST_INFO("position " << p << ": forward " << describe(fwd) << ", reached from " << before << ": " << describe(back));
    BOOST_TEST((fwd == back));
    ++checked;
    // Keep O(log n) checkpoints while wandering.
    BOOST_TEST((*walker)->checkpoints().size() <= 64u);
  }
  BOOST_TEST_MESSAGE(program << ": " << checked << " positions of " << total << " instructions, "
                             << backwards << " reached backwards, " << (*walker)->checkpoints().size()
                             << " checkpoints");
  BOOST_TEST(backwards > positions / 4);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(target, Fixture)

BOOST_AUTO_TEST_CASE(backwards_equals_forwards_on_the_bundled_example) {
  forward_backward_equal(*this, "hello-g.wasm", 500, 40);
}

BOOST_AUTO_TEST_CASE(backwards_equals_forwards_on_a_libcxx_program) {
  forward_backward_equal(*this, "hello_cpp.wasm", 1000, 40);
}

// A breakpoint hit found by reverse search is the last hit a forward walk
// sees before the position.
BOOST_AUTO_TEST_CASE(reverse_search_finds_the_last_forward_hit) {
  std::string id = record_id("buggy-O0.wasm");
  auto replay = open(id);
  // apply_discount's first instruction: from the module (no DWARF needed).
  const wasm::Module& m = *replay->module();
  uint32_t func = UINT32_MAX;
  for (const auto& [i, n] : m.func_names)
    if (n == "apply_discount") func = i;
  BOOST_REQUIRE(func != UINT32_MAX);
  uint32_t entry = m.functions[func - m.num_imported_funcs].body_offset;
  auto t = Target::start(*replay, nullptr, false);
  BOOST_REQUIRE(t.has_value());
  (*t)->checkpoint_interval = 300;
  std::vector<uint64_t> hits;
  RunSpec spec;
  spec.breakpoints = {entry};
  for (;;) {
    auto s = (*t)->resume(spec);
    BOOST_REQUIRE(s.has_value());
    if (s->ended()) break;
    BOOST_REQUIRE(s->reason == StopInfo::Reason::Breakpoint);
    hits.push_back(s->count);
  }
  BOOST_REQUIRE(hits.size() == 5u);  // five prices
  // From the end, each reverse search lands on the previous hit.
  for (size_t k = hits.size(); k-- > 0;) {
    RunSpec back;
    back.event = RunSpec::Event::Hit;
    back.breakpoints = {entry};
    auto found = (*t)->find_before(back);
    BOOST_REQUIRE(found.has_value());
    BOOST_REQUIRE(found->has_value());
    BOOST_TEST(*(*found)->found == hits[k]);
    auto s = (*t)->seek(*(*found)->found);
    BOOST_REQUIRE(s.has_value());
  }
  RunSpec back;
  back.event = RunSpec::Event::Hit;
  back.breakpoints = {entry};
  auto none = (*t)->find_before(back);
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(!none->has_value());  // nothing before the first hit
}

// Read and access watches on all of buggy's data (below the stack): every
// hit going forwards, each a stop right after the instruction that touched
// the bytes; then from the end, the reverse searches (across checkpoint
// windows 300 instructions apart) find the same hits, last first.
BOOST_AUTO_TEST_CASE(reverse_search_finds_the_last_read_and_access_hits) {
  std::string id = record_id("buggy-O0.wasm");
  for (WatchKind kind : {WatchKind::Read, WatchKind::Access}) {
    auto replay = open(id);
    auto t = Target::start(*replay, nullptr, false);
    BOOST_REQUIRE(t.has_value());
    (*t)->checkpoint_interval = 300;
    RunSpec spec;
    spec.watches = {WatchSpan{1024, 65536 - 1024, kind}};
    std::vector<uint64_t> hits;
    bool any_write = false;
    for (;;) {
      auto s = (*t)->resume(spec);
      BOOST_REQUIRE(s.has_value());
      if (s->ended()) break;
      BOOST_REQUIRE(s->reason == StopInfo::Reason::Watch);
      BOOST_TEST(s->watch == 0u);
      BOOST_TEST((s->watch_addr >= 1024 && s->watch_addr < 65536));
      if (kind == WatchKind::Read) BOOST_TEST(s->watch_read);
      any_write |= !s->watch_read;
      hits.push_back(s->count);
    }
    BOOST_TEST_MESSAGE(hits.size() << " hits");
    BOOST_REQUIRE(hits.size() >= 20u);
    BOOST_TEST(any_write == (kind == WatchKind::Access));
    for (size_t k = hits.size(); k-- > hits.size() - 20;) {
      RunSpec back = spec;
      back.event = RunSpec::Event::Hit;
      auto found = (*t)->find_before(back);
      BOOST_REQUIRE(found.has_value());
      BOOST_REQUIRE(found->has_value());
      BOOST_TEST(*(*found)->found == hits[k]);
      auto s = (*t)->seek(*(*found)->found);
      BOOST_REQUIRE(s.has_value());
    }
  }
}

// Which instructions read and write: each access of [104, 108) in a
// module that has them all, the stop right after it (its position: the
// instructions before it plus one), read or write, and the first byte the
// instruction touched.
BOOST_AUTO_TEST_CASE(the_instructions_that_read_and_write_a_watch) {
  std::string id = record_wat(R"((module
  (memory 1)
  (data (i32.const 100) "abcdefgh")
  (data $z "z")
  (func (export "_start")
    (memory.copy (i32.const 200) (i32.const 100) (i32.const 8))  ;; reads 100..108: the stop at 4
    (drop (v128.load (i32.const 96)))                            ;; reads 96..112: 6
    (drop (i32.load8_u offset=4 (i32.const 100)))                ;; reads 104: 9
    (drop (i32.load (i32.const 300)))                            ;; elsewhere
    (memory.fill (i32.const 106) (i32.const 0) (i32.const 2))    ;; writes 106..108: 17
    (i64.store offset=8 (i32.const 96) (i64.const 0))            ;; writes 104..112: 20
    (drop (v128.load64_lane 1 (i32.const 100) (v128.const i64x2 0 0)))  ;; reads 100..108: 23
    (v128.store32_lane 0 (i32.const 107) (v128.const i64x2 0 0))  ;; writes 107..111: 27
    (memory.init $z (i32.const 105) (i32.const 0) (i32.const 1))  ;; writes 105: 31
    (drop (i32.load16_u (i32.const 108)))))                      ;; just past it
)");
  // Each stop as "COUNT r|w ADDR".
  auto hits = [&](WatchKind kind) {
    auto replay = open(id);
    auto t = Target::start(*replay, nullptr, false);
    BOOST_REQUIRE(t.has_value());
    RunSpec spec;
    spec.watches = {WatchSpan{104, 4, kind}};
    std::vector<std::string> out;
    for (;;) {
      auto s = (*t)->resume(spec);
      BOOST_REQUIRE(s.has_value());
      if (s->ended()) break;
      BOOST_REQUIRE(s->reason == StopInfo::Reason::Watch);
      out.push_back(std::to_string(s->count) + (s->watch_read ? " r " : " w ") + std::to_string(s->watch_addr));
    }
    return out;
  };
  using V = std::vector<std::string>;
  BOOST_TEST(hits(WatchKind::Read) == (V{"4 r 100", "6 r 96", "9 r 104", "23 r 100"}), boost::test_tools::per_element());
  BOOST_TEST(hits(WatchKind::Access) == (V{"4 r 100", "6 r 96", "9 r 104", "17 w 106", "20 w 104", "23 r 100", "27 w 107", "31 w 105"}),
             boost::test_tools::per_element());
  // Write watches see changes only: memory.fill's zeros, the i64 store's,
  // memory.init's "z" (the lane store writes zeros over zeros).
  auto replay = open(id);
  auto t = Target::start(*replay, nullptr, false);
  BOOST_REQUIRE(t.has_value());
  RunSpec spec;
  spec.watches = {WatchSpan{104, 4, WatchKind::Write}};
  std::vector<uint64_t> changes;
  for (auto s = (*t)->resume(spec); s && !s->ended(); s = (*t)->resume(spec)) changes.push_back(s->count);
  BOOST_TEST(changes == (std::vector<uint64_t>{17, 20, 31}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
