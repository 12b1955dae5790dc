// The remote registry's index (registry/remote_index.hpp): its keys carry
// what `get ps --remote` shows, round-trip through their encoding, stay
// short, sort newest first, and a listing made of LIST calls only tells
// running, killed and ended runs apart. On a LocalStore: the same
// ObjectStore guarantees as S3 (list sorted ascending by key).
#define BOOST_TEST_MODULE remote_index
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "registry/config.hpp"
#include "registry/local_store.hpp"
#include "registry/remote_index.hpp"

using namespace tc::registry;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kSec = 1000000000;
const int64_t kNow = 1'780'000'000 * kSec;

ProcessSummary summary(int n, int64_t start) {
  ProcessSummary s;
  char id[37];
  std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", n, n);
  s.id = id;
  s.start_unix_ns = start;
  s.module_digest = std::string(64, 'a' + char(n % 6));
  s.module_name = "app" + std::to_string(n) + ".wasm";
  return s;
}

struct Store {
  fs::path dir = fs::temp_directory_path() / ("remote_index_tests." + std::to_string(::getpid()));
  LocalStore store{dir.string()};
  Store() { fs::create_directories(dir); }
  ~Store() { fs::remove_all(dir); }
  void put(const std::string& key) { BOOST_REQUIRE(store.put_if_absent(key, {})); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(keys_round_trip_with_dots_percents_and_utf8) {
  ProcessSummary s = summary(7, kNow - 5 * kSec);
  s.module_name = "my.app 100%/é.wasm";
  ProcessSummary back;
  BOOST_REQUIRE(parse_started_key(started_key(s), back));
  BOOST_TEST(back.id == s.id);
  BOOST_TEST(back.start_unix_ns == s.start_unix_ns);
  BOOST_TEST(back.module_digest == s.module_digest);
  BOOST_TEST(back.module_name == s.module_name);

  s.end_unix_ns = kNow;
  s.status = "trapped";
  s.exit_code = -3;
  s.log_bytes = 123456;
  s.message = "integer divide by zero. at fac (x.wat:3)";
  ProcessSummary end;
  BOOST_REQUIRE(parse_ended_key(ended_key(s), end));
  BOOST_TEST(end.id == s.id);
  BOOST_TEST(end.end_unix_ns == kNow);
  BOOST_TEST(end.status == "trapped");
  BOOST_TEST(end.exit_code == -3);
  BOOST_TEST(end.log_bytes == 123456u);
  BOOST_TEST(end.message == s.message);

  Heartbeat h{s.id, kNow, 10, 3, 999};
  Heartbeat hb;
  BOOST_REQUIRE(parse_alive_key(alive_key(h), hb));
  BOOST_TEST(hb.id == s.id);
  BOOST_TEST(hb.beat_unix_ns == kNow);
  BOOST_TEST(hb.interval_s == 10u);
  BOOST_TEST(hb.segments == 3u);
  BOOST_TEST(hb.log_bytes == 999u);
}

BOOST_AUTO_TEST_CASE(long_texts_are_cut_at_a_character_and_keys_stay_short) {
  ProcessSummary s = summary(1, kNow);
  s.module_name.clear();
  for (int i = 0; i < 400; ++i) s.module_name += "é";  // 800 bytes, 2,400 encoded
  s.status = "exited";
  s.message = std::string(5000, '.');
  for (const auto& key : {started_key(s), ended_key(s)}) {
    BOOST_TEST(key.size() < 700u, key.size());
    ProcessSummary back;
    BOOST_TEST((parse_started_key(key, back) || parse_ended_key(key, back)));
  }
  ProcessSummary back;
  BOOST_REQUIRE(parse_started_key(started_key(s), back));
  BOOST_TEST(!back.module_name.empty());
  BOOST_TEST(back.module_name.size() % 2 == 0u);  // whole "é"s only
  BOOST_TEST(s.module_name.compare(0, back.module_name.size(), back.module_name) == 0);
}

BOOST_AUTO_TEST_CASE(keys_that_are_not_index_entries_are_refused) {
  ProcessSummary s = summary(2, kNow);
  std::string good = started_key(s);
  ProcessSummary out;
  Heartbeat h;
  for (std::string bad : {good.substr(0, good.size() - 20), good + ".extra", std::string(kStartedPrefix),
                          std::string(kStartedPrefix) + "zzzz." + s.id + "." + s.module_digest + ".x",
                          good.substr(0, good.rfind('.')) + ".%4", good.substr(0, good.rfind('.')) + ".%zz"})
    BOOST_TEST(!parse_started_key(bad, out), bad);
  BOOST_TEST(!parse_ended_key(std::string(kEndedPrefix) + s.id + ".1.exited.x.0.", out));
  BOOST_TEST(!parse_ended_key(std::string(kEndedPrefix) + s.id + ".1..0.0.", out));  // no status
  BOOST_TEST(!parse_alive_key(std::string(kAlivePrefix) + s.id + ".1.10.3", h));
  BOOST_TEST(!parse_alive_key(std::string(kAlivePrefix) + "not-an-id.1.10.3.4", h));
  BOOST_TEST(!parse_started_key(ended_key(s), out));
}

BOOST_AUTO_TEST_CASE(the_listing_is_newest_first_and_tells_running_killed_and_ended_apart) {
  Store st;
  // 0: ended; 1: beating now; 2: last beat long ago; 3: no beat, just started;
  // 4: no beat and started long ago. Started keys in a shuffled order.
  std::vector<ProcessSummary> s;
  for (int i = 0; i < 5; ++i) s.push_back(summary(i, kNow - (10 + i) * 60 * kSec));
  s[3].start_unix_ns = kNow - 2 * kSec;
  for (int i : {2, 0, 4, 3, 1}) st.put(started_key(s[size_t(i)]));
  ProcessSummary end = s[0];
  end.end_unix_ns = kNow - 9 * 60 * kSec;
  end.status = "exited";
  end.exit_code = 3;
  end.log_bytes = 4096;
  st.put(ended_key(end));
  st.put(alive_key({s[0].id, kNow - 9 * 60 * kSec, 10, 1, 100}));  // left over: the end wins
  st.put(alive_key({s[1].id, kNow - 60 * kSec, 10, 1, 100}));      // an older beat not yet deleted
  st.put(alive_key({s[1].id, kNow - 3 * kSec, 10, 4, 5000}));
  st.put(alive_key({s[2].id, kNow - 120 * kSec, 10, 2, 700}));
  st.put("index/started/garbage");
  st.put("index/alive/garbage.1.2.3.4");

  auto l = list_remote_index(st.store, kNow);
  BOOST_REQUIRE(l);
  BOOST_REQUIRE_EQUAL(l->size(), 5u);
  std::vector<std::string> order;
  for (const auto& p : *l) order.push_back(p.id);
  BOOST_TEST(order == (std::vector<std::string>{s[3].id, s[0].id, s[1].id, s[2].id, s[4].id}),
             boost::test_tools::per_element());
  auto find = [&](const std::string& id) {
    for (const auto& p : *l)
      if (p.id == id) return p;
    BOOST_FAIL("not listed: " + id);
    return ProcessSummary();
  };
  BOOST_TEST(find(s[0].id).status == "exited");
  BOOST_TEST(find(s[0].id).exit_code == 3);
  BOOST_TEST(find(s[0].id).log_bytes == 4096u);
  BOOST_TEST(find(s[0].id).end_unix_ns == end.end_unix_ns);
  BOOST_TEST(find(s[1].id).status == "running");
  BOOST_TEST(find(s[1].id).log_bytes == 5000u);  // from its latest beat
  BOOST_TEST(find(s[2].id).status == "killed");
  BOOST_TEST(find(s[2].id).log_bytes == 700u);
  BOOST_TEST(find(s[3].id).status == "running");
  BOOST_TEST(find(s[4].id).status == "killed");
  BOOST_TEST(find(s[1].id).module_name == s[1].module_name);
}

BOOST_AUTO_TEST_CASE(a_beat_counts_as_stale_after_three_intervals_and_a_margin) {
  BOOST_TEST(stale_after_ns(1) == 8 * kSec);
  BOOST_TEST(stale_after_ns(10) == 35 * kSec);
  BOOST_TEST(stale_after_ns(0) == stale_after_ns(kDefaultSegmentSeconds));
  Store st;
  ProcessSummary s = summary(9, kNow - 60 * kSec);
  st.put(started_key(s));
  st.put(alive_key({s.id, kNow - 7 * kSec, 1, 0, 0}));
  auto l = list_remote_index(st.store, kNow);
  BOOST_REQUIRE(l && l->size() == 1u);
  BOOST_TEST(l->front().status == "running");
  auto later = list_remote_index(st.store, kNow + 2 * kSec);
  BOOST_REQUIRE(later && later->size() == 1u);
  BOOST_TEST(later->front().status == "killed");
}

BOOST_AUTO_TEST_CASE(removing_heartbeats_keeps_the_one_asked_for_and_nothing_else_goes) {
  Store st;
  ProcessSummary a = summary(1, kNow), b = summary(2, kNow);
  std::string keep = alive_key({a.id, kNow, 1, 0, 0});
  st.put(alive_key({a.id, kNow - kSec, 1, 0, 0}));
  st.put(keep);
  st.put(alive_key({b.id, kNow, 1, 0, 0}));
  remove_heartbeats(st.store, a.id, keep);
  auto left = st.store.list(kAlivePrefix);
  BOOST_REQUIRE(left);
  BOOST_REQUIRE_EQUAL(left->size(), 2u);
  BOOST_TEST((*left)[0].key == keep);
  remove_heartbeats(st.store, a.id);
  left = st.store.list(kAlivePrefix);
  BOOST_REQUIRE(left && left->size() == 1u);
  BOOST_TEST((*left)[0].key.find(b.id) != std::string::npos);
}
