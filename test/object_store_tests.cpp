// The ObjectStore contract (registry/object_store.hpp) on the local
// directory implementation: whole-or-nothing reads, atomic put_if_absent
// between threads and between processes, sorted recursive listing, range
// reads, and keys that cannot leave the root; and a log's segments over
// a store (registry/log_segments.hpp), local and not.
#define BOOST_TEST_MODULE object_store
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <filesystem>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "registry/local_store.hpp"
#include "registry/log_segments.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"

using namespace tc::registry;
using tc::Expected;
namespace fs = std::filesystem;

namespace {
struct TempRoot {
  std::string path = (fs::temp_directory_path() /
                      ("tc_store_test_" + std::to_string(std::random_device{}()))).string();
  TempRoot() { fs::create_directories(path); }
  ~TempRoot() { std::error_code ec; fs::remove_all(path, ec); }
};
std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
std::string text_of(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }
}  // namespace

BOOST_AUTO_TEST_CASE(get_put_head_remove) {
  TempRoot t;
  LocalStore s(t.path);
  BOOST_TEST(s.describe() == t.path);
  auto missing = s.get("processes/x/process.json");
  BOOST_REQUIRE(missing);
  BOOST_TEST(!missing->has_value());
  BOOST_TEST(!s.head("processes/x/process.json")->has_value());
  BOOST_REQUIRE(s.put("processes/x/process.json", bytes_of("{\"a\":1}")));
  auto got = s.get("processes/x/process.json");
  BOOST_REQUIRE(got && got->has_value());
  BOOST_TEST(text_of(**got) == "{\"a\":1}");
  auto info = s.head("processes/x/process.json");
  BOOST_REQUIRE(info && info->has_value());
  BOOST_TEST((*info)->size == 7u);
  BOOST_TEST((*info)->mtime_unix_ns > 0);
  BOOST_REQUIRE(s.put("processes/x/process.json", bytes_of("{}"), false));  // replaces
  BOOST_TEST(text_of(**s.get("processes/x/process.json")) == "{}");
  BOOST_REQUIRE(s.remove("processes/x/process.json"));
  BOOST_TEST(!s.get("processes/x/process.json")->has_value());
  BOOST_TEST(bool(s.remove("processes/x/process.json")));  // absent: not an error
  BOOST_TEST(!s.head("processes/x")->has_value());         // a directory is no object
}

BOOST_AUTO_TEST_CASE(put_if_absent_never_replaces) {
  TempRoot t;
  LocalStore s(t.path);
  auto r = s.put_if_absent("modules/sha256/ab", bytes_of("first"));
  BOOST_REQUIRE(r);
  BOOST_TEST(bool(*r == PutResult::Stored));
  r = s.put_if_absent("modules/sha256/ab", bytes_of("second"));
  BOOST_REQUIRE(r);
  BOOST_TEST(bool(*r == PutResult::AlreadyExists));
  BOOST_TEST(text_of(**s.get("modules/sha256/ab")) == "first");
  // No temporary file is left behind either way.
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(t.path)) files += e.is_regular_file();
  BOOST_TEST(files == 1u);
}

BOOST_AUTO_TEST_CASE(get_range_reads_a_window) {
  TempRoot t;
  LocalStore s(t.path);
  BOOST_REQUIRE(s.put("k", bytes_of("0123456789")));
  BOOST_TEST(text_of(**s.get_range("k", 2, 3)) == "234");
  BOOST_TEST(text_of(**s.get_range("k", 8, 100)) == "89");  // fewer at the end
  BOOST_TEST((*s.get_range("k", 10, 5))->empty());          // none past it
  BOOST_TEST((*s.get_range("k", 50, 5))->empty());
  BOOST_TEST(!s.get_range("nope", 0, 5)->has_value());
}

BOOST_AUTO_TEST_CASE(list_is_recursive_sorted_and_by_prefix) {
  TempRoot t;
  LocalStore s(t.path);
  for (const char* k : {"processes/b/log/log.000001", "processes/b/process.json",
                        "processes/a/process.json", "processes/b/log/log.000000",
                        "processes/ab/process.json", "modules/sha256/ff"})
    BOOST_REQUIRE(s.put(k, bytes_of(k)));
  // A writer's temporary file is not an object.
  { FILE* f = std::fopen((t.path + "/processes/b/log/log.000002.tmp.1.2").c_str(), "w"); std::fclose(f); }
  auto all = s.list("processes/");
  BOOST_REQUIRE(all);
  std::vector<std::string> keys;
  for (auto& o : *all) keys.push_back(o.key);
  std::vector<std::string> want = {"processes/a/process.json", "processes/ab/process.json",
                                   "processes/b/log/log.000000", "processes/b/log/log.000001",
                                   "processes/b/process.json"};
  BOOST_TEST(keys == want, boost::test_tools::per_element());
  BOOST_TEST((*all)[2].size == std::string("processes/b/log/log.000000").size());
  // A prefix that is not a whole directory name.
  keys.clear();
  auto some = s.list("processes/a");
  BOOST_REQUIRE(some);
  for (auto& o : *some) keys.push_back(o.key);
  want = std::vector<std::string>{std::string("processes/a/process.json"), std::string("processes/ab/process.json")};
  BOOST_TEST(keys == want, boost::test_tools::per_element());
  BOOST_TEST(s.list("processes/b/log/")->size() == 2u);
  BOOST_TEST(s.list("nothing/here/")->empty());
  BOOST_TEST(s.list("")->size() == 6u);
}

BOOST_AUTO_TEST_CASE(keys_cannot_leave_the_root) {
  TempRoot t;
  LocalStore s(t.path);
  std::string out = "escaped_" + std::to_string(std::random_device{}());
  for (std::string k : {"../" + out, "a/../../" + out, "/tmp/" + out, std::string("a//b"),
                        std::string("a/./b"), std::string(""), std::string("a/")}) {
    auto r = s.put(k, bytes_of("x"));
    BOOST_TEST(!r, k);
    BOOST_TEST(!s.get_range(k, 0, 1), k);
    if (!r) BOOST_TEST(r.error().message.find("invalid object key") != std::string::npos);
    BOOST_TEST(!s.get(k), k);
    BOOST_TEST(!s.put_if_absent(k, bytes_of("x")), k);
  }
  BOOST_TEST(!fs::exists(fs::path(t.path).parent_path() / out));
}

BOOST_AUTO_TEST_CASE(put_if_absent_between_threads_stores_exactly_once) {
  TempRoot t;
  LocalStore s(t.path);
  for (int round = 0; round < 20; ++round) {
    std::string key = "modules/sha256/k" + std::to_string(round);
    std::atomic<int> stored{0}, exists{0}, failed{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> ts;
    for (int i = 0; i < 8; ++i)
      ts.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        auto r = s.put_if_absent(key, bytes_of("writer " + std::to_string(i)));
        if (!r) ++failed;
        else if (*r == PutResult::Stored) ++stored;
        else ++exists;
      });
    go = true;
    for (auto& th : ts) th.join();
    BOOST_TEST(stored == 1);
    BOOST_TEST(exists == 7);
    BOOST_TEST(failed == 0);
    BOOST_TEST(text_of(**s.get(key)).rfind("writer ", 0) == 0u);
  }
}

BOOST_AUTO_TEST_CASE(put_if_absent_between_processes_stores_exactly_once) {
  TempRoot t;
  constexpr int kProcs = 6;
  for (int round = 0; round < 5; ++round) {
    std::string key = "processes/p/log/log." + std::to_string(round);
    int pipefd[2];
    BOOST_REQUIRE(::pipe(pipefd) == 0);  // closing the write end starts them together
    std::vector<pid_t> kids;
    for (int i = 0; i < kProcs; ++i) {
      pid_t pid = ::fork();
      BOOST_REQUIRE(pid >= 0);
      if (pid == 0) {
        ::close(pipefd[1]);
        char c;
        (void)!::read(pipefd[0], &c, 1);
        LocalStore s(t.path);
        auto r = s.put_if_absent(key, std::vector<uint8_t>(100000, uint8_t('a' + i)));
        ::_exit(!r ? 2 : *r == PutResult::Stored ? 0 : 1);
      }
      kids.push_back(pid);
    }
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    int stored = 0, exists = 0;
    for (pid_t pid : kids) {
      int st = 0;
      ::waitpid(pid, &st, 0);
      BOOST_REQUIRE(WIFEXITED(st));
      stored += WEXITSTATUS(st) == 0;
      exists += WEXITSTATUS(st) == 1;
    }
    BOOST_TEST(stored == 1);
    BOOST_TEST(exists == kProcs - 1);
    LocalStore s(t.path);
    auto got = s.get(key);
    BOOST_REQUIRE(got && got->has_value());
    BOOST_TEST((*got)->size() == 100000u);
    BOOST_TEST(std::all_of((*got)->begin(), (*got)->end(), [&](uint8_t b) { return b == (**got)[0]; }));
  }
}

BOOST_AUTO_TEST_CASE(readers_never_see_a_partial_write) {
  TempRoot t;
  LocalStore s(t.path);
  constexpr size_t kSize = 4 << 20;  // large enough that a write takes several syscalls
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, whole{0}, absent{0};
  std::thread reader([&] {
    while (!done) {
      for (const char* k : {"big/put", "big/once"}) {
        auto got = s.get(k);
        if (!got || !got->has_value()) {
          ++absent;
          continue;
        }
        const auto& b = **got;
        bool ok = b.size() == kSize && std::all_of(b.begin(), b.end(), [&](uint8_t x) { return x == b[0]; });
        ++(ok ? whole : partial);
      }
    }
  });
  for (int i = 0; i < 10; ++i) {
    BOOST_REQUIRE(s.put("big/put", std::vector<uint8_t>(kSize, uint8_t(i)), false));
    BOOST_REQUIRE(s.put_if_absent("big/once", std::vector<uint8_t>(kSize, uint8_t(i))));
    if (i % 3 == 2) BOOST_REQUIRE(s.remove("big/once"));
  }
  done = true;
  reader.join();
  BOOST_TEST(partial == 0);
  BOOST_TEST(whole > 0);
}

// A store that is not a LocalStore (as S3 is not): the log's open segment
// is buffered and stored with put_if_absent when sealed.
namespace {
class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::string root) : local_(std::move(root)) {}
  std::string describe() const override { return "fwd:" + local_.root(); }
  Expected<std::optional<ObjectInfo>> head(const std::string& k) const override { return local_.head(k); }
  Expected<std::optional<std::vector<uint8_t>>> get(const std::string& k) const override { return local_.get(k); }
  Expected<std::optional<std::vector<uint8_t>>> get_range(const std::string& k, uint64_t o,
                                                          uint64_t n) const override {
    return local_.get_range(k, o, n);
  }
  Expected<PutResult> put_if_absent(const std::string& k, std::span<const uint8_t> d) override {
    ++put_if_absent_calls;
    return local_.put_if_absent(k, d);
  }
  Expected<void> put(const std::string& k, std::span<const uint8_t> d, bool durable) override {
    return local_.put(k, d, durable);
  }
  Expected<std::vector<ObjectInfo>> list(const std::string& p) const override { return local_.list(p); }
  Expected<void> remove(const std::string& k) override { return local_.remove(k); }
  int put_if_absent_calls = 0;

 private:
  LocalStore local_;
};

void write_log(const std::shared_ptr<tc::trace::SegmentStore>& segs, int records) {
  tc::trace::LogOptions o;
  o.batch_records = 16;
  o.segment_bytes = 2048;  // several segments
  o.codec = tc::trace::Codec::None;
  auto w = tc::trace::LogWriter::create(segs, o);
  BOOST_REQUIRE(w);
  for (int i = 0; i < records; ++i) {
    std::string p = "payload " + std::to_string(i);
    BOOST_REQUIRE((*w)->append(uint64_t(i) * 10, uint32_t(i % 7), bytes_of(p)));
  }
  BOOST_REQUIRE((*w)->close());
}

int read_log(const std::shared_ptr<tc::trace::SegmentStore>& segs) {
  auto r = tc::trace::LogReader::open(segs);
  BOOST_REQUIRE(r);
  BOOST_TEST(!r->torn_tail().has_value());
  tc::trace::Record rec;
  int n = 0;
  while (r->next(rec)) {
    BOOST_TEST(text_of({rec.payload.begin(), rec.payload.end()}) == "payload " + std::to_string(n));
    BOOST_TEST(rec.time_ns == uint64_t(n) * 10);
    ++n;
  }
  return n;
}
}  // namespace

BOOST_AUTO_TEST_CASE(log_segments_on_a_local_store_are_files_in_the_old_layout) {
  TempRoot t;
  auto store = std::make_shared<LocalStore>(t.path);
  auto segs = store_segments(store, "processes/p/log/");
  write_log(segs, 500);
  BOOST_TEST(fs::exists(t.path + "/processes/p/log/log.000000"));
  BOOST_TEST(fs::exists(t.path + "/processes/p/log/log.000001"));
  BOOST_TEST(segs->name(0) == t.path + "/processes/p/log/log.000000");
  BOOST_TEST(read_log(segs) == 500);
  // A log written through a bare directory (as before the store) reads the same.
  BOOST_TEST(read_log(tc::trace::dir_segments(t.path + "/processes/p/log")) == 500);
  BOOST_TEST(!tc::trace::LogWriter::create(segs));  // it holds a log already
}

BOOST_AUTO_TEST_CASE(log_segments_on_another_store_are_sealed_objects) {
  TempRoot t;
  auto store = std::make_shared<ForwardingStore>(t.path);
  auto segs = store_segments(store, "processes/q/log");
  write_log(segs, 500);
  auto listed = segs->list();
  BOOST_REQUIRE(listed);
  BOOST_TEST(listed->size() > 1u);
  BOOST_TEST(store->put_if_absent_calls == int(listed->size()));  // one per sealed segment
  BOOST_TEST(segs->name(1) == "fwd:" + t.path + "/processes/q/log/log.000001");
  BOOST_TEST(read_log(segs) == 500);
  // A segment there already (another writer's) is never replaced.
  auto again = segs->create(0);
  BOOST_TEST(!again);
}
