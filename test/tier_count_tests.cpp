// The debugger's counted tiers: the fast code counts whole straight-line
// segments, the exact code every instruction, and frames move between them.
// Replays of real recorded programs must count the same instructions at
// every host call and at the end whichever code runs: all exact, counted
// fast, or frames moved to and fro at random positions (as a debugger's
// stop marks do). The spec suite checks the same per command
// (timecraft wast --check-counts, scripts/tests/21-spec-exact.sh).
#define BOOST_TEST_MODULE tier_count_tests
#include <boost/test/unit_test.hpp>

#include <random>

#include "session/replay.hpp"
#include "test/session_fixture.hpp"

using namespace tc;

namespace {

enum class Tiers { ExactOnly, Counted, Switching };

struct Counts {
  std::vector<uint64_t> at_host_calls;  // before each host call
  uint64_t at_end = 0;
  session::ReplayEnd::Kind end = session::ReplayEnd::Kind::Failed;
  uint64_t stops = 0;  // Switching: hook runs (each moves a frame onto the exact code)
};

// `spread`: the largest distance between two random stop marks.
Counts replay(registry::Registry& reg, const std::string& id, Tiers tiers, uint32_t seed = 1,
              uint64_t spread = 1) {
  auto s = session::ReplaySession::open(reg, id);
  BOOST_REQUIRE(s.has_value());
  Counts c;
  wasm::Store* store = nullptr;
  std::mt19937_64 rng(seed);
  session::ReplaySession::Hooks hooks;
  hooks.exact_tier = true;
  hooks.exact_only = tiers == Tiers::ExactOnly;
  hooks.on_store = [&](wasm::Store& st) {
    store = &st;
    st.set_host_call_hook([&](bool after) {
      if (!after) c.at_host_calls.push_back(store->instruction_count());
    });
    if (tiers != Tiers::Switching) return;
    // Stop marks a few to a few thousand instructions apart, some within
    // the current segment: the Count there moves the frame onto the exact
    // code, and the next segment start moves it back.
    st.set_step_hook([&] {
      ++c.stops;
      store->set_stop_at(store->instruction_count() + 1 + (rng() % 4 == 0 ? rng() % 3 : rng() % spread));
      return true;
    });
    st.set_stop_at(1 + rng() % spread);
  };
  trace::ReplayOptions opts;
  opts.echo = false;
  auto end = (*s)->run(opts, hooks);
  c.end = end.kind;
  c.at_end = store ? store->instruction_count() : 0;
  return c;
}

void check_program(const std::string& program, std::vector<std::string> args = {}) {
  test::SessionFixture f;
  auto rec = f.record(program, args);
  BOOST_REQUIRE(rec.outcome.has_value());
  const std::string id = rec.meta.id;
  Counts exact = replay(f.reg, id, Tiers::ExactOnly);
  BOOST_TEST_MESSAGE(program << ": " << exact.at_end << " instructions, " << exact.at_host_calls.size()
                             << " host calls");
  BOOST_TEST(exact.at_end > 0u);
  BOOST_TEST(exact.at_host_calls.size() > 0u);
  Counts counted = replay(f.reg, id, Tiers::Counted);
  BOOST_TEST(int(counted.end) == int(exact.end));
  BOOST_TEST(counted.at_end == exact.at_end);
  BOOST_TEST(counted.at_host_calls == exact.at_host_calls, boost::test_tools::per_element());
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    // About a hundred stops per run, or one every few instructions.
    Counts sw = replay(f.reg, id, Tiers::Switching, seed, seed == 3 ? 40 : exact.at_end / 100 + 1);
    BOOST_TEST(sw.stops > 20u);
    BOOST_TEST(int(sw.end) == int(exact.end));
    BOOST_TEST(sw.at_end == exact.at_end);
    BOOST_TEST(sw.at_host_calls == exact.at_host_calls);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_bundled_example_counts_the_same_on_every_tier) { check_program("hello-g.wasm"); }
BOOST_AUTO_TEST_CASE(a_libcxx_program_counts_the_same_on_every_tier) { check_program("hello_cpp.wasm"); }
BOOST_AUTO_TEST_CASE(an_optimised_c_program_counts_the_same_on_every_tier) { check_program("buggy-O2.wasm"); }
// The trap is in the middle of a segment: the fast code takes back the
// instructions after it.
BOOST_AUTO_TEST_CASE(a_trapping_program_counts_the_same_on_every_tier) { check_program("divide.wasm"); }
BOOST_AUTO_TEST_CASE(an_interpreter_counts_the_same_on_every_tier) { check_program("interp-O2.wasm", {"20000"}); }
BOOST_AUTO_TEST_CASE(a_sort_counts_the_same_on_every_tier) { check_program("sort-O2.wasm", {"30000"}); }
