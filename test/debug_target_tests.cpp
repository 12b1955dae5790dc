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

BOOST_AUTO_TEST_SUITE_END()
