// trace/log_diff: which record two logs part at and why (each field of a
// record in turn), the common context, per-call counts, logs that are a
// prefix of one another, and torn logs. Logs are written here from typed
// calls with the recorder's encoder, so records are exactly as recorded.
#define BOOST_TEST_MODULE log_diff
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "trace/log_diff.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "trace/recorder.hpp"

using namespace tc;
using namespace tc::wasi;
using namespace tc::trace;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tc_log_diff_" + std::to_string(::getpid()) + "_" +
                                               std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

// Builds one log; every record gets a new time (times must never matter).
struct Log {
  std::unique_ptr<LogWriter> w;
  uint64_t t;
  Log(const fs::path& dir, uint64_t t0, uint32_t batch = 4096) : t(t0) {
    LogOptions o;
    o.batch_records = batch;
    auto lw = LogWriter::create(dir.string(), o);
    BOOST_REQUIRE(lw.has_value());
    w = std::move(*lw);
  }
  template <class In, class Out>
  void add(CallId id, const In& in, Errno e, const Out& out) {
    std::vector<uint8_t> buf;
    encode_call(buf, in, e, out);
    BOOST_REQUIRE(w->append(t += 1000, uint32_t(id), buf).has_value());
  }
  void write(Fd fd, const std::string& text, Errno e = Errno::Success) {
    call::fd_write_in in;
    in.fd = fd;
    in.iovs = {{reinterpret_cast<const uint8_t*>(text.data()), text.size()}};
    call::fd_write_out out;
    out.nwritten = Size(e == Errno::Success ? text.size() : 0);
    add(CallId::fd_write, in, e, out);
  }
  void random(std::string bytes) {
    call::random_get_in in;
    in.buf = {reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()};
    add(CallId::random_get, in, Errno::Success, call::random_get_out{});
  }
  void close() { BOOST_REQUIRE(w->close().has_value()); }
};

// Writes two logs (a's first records at other times than b's) and diffs them.
LogDiff diff(const std::function<void(Log&)>& a, const std::function<void(Log&)>& b,
             size_t context = 3) {
  TempDir d;
  {
    Log la(d.path / "a", 0), lb(d.path / "b", 777);
    a(la);
    b(lb);
    la.close();
    lb.close();
  }
  auto ra = LogReader::open((d.path / "a").string());
  auto rb = LogReader::open((d.path / "b").string());
  BOOST_REQUIRE(ra.has_value());
  BOOST_REQUIRE(rb.has_value());
  return diff_logs(*ra, *rb, DiffOptions{context});
}

void common_start(Log& l) {
  l.write(1, "starting\n");
  l.write(1, "still going\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_calls_at_other_times_are_the_same) {
  auto run = [](Log& l) { common_start(l); l.random("\x04"); };
  auto d = diff(run, run);
  BOOST_TEST(!d.first.has_value());
  BOOST_TEST(d.decided());
  BOOST_TEST(d.common == 3u);
  BOOST_TEST(d.records_a == 3u);
  BOOST_TEST(d.records_b == 3u);
  BOOST_TEST(d.calls.size() == 2u);
  BOOST_TEST(d.calls["fd_write"].first == 2u);
  BOOST_TEST(d.calls["fd_write"].second == 2u);
  BOOST_TEST(d.context.empty());  // there is no difference to lead up to
}

BOOST_AUTO_TEST_CASE(returned_bytes_name_the_first_differing_byte) {
  auto d = diff([](Log& l) { common_start(l); l.random("abcd"); l.write(2, "failed\n"); },
                [](Log& l) { common_start(l); l.random("abcX"); l.write(1, "ok\n"); l.write(1, "bye\n"); });
  BOOST_REQUIRE(d.first.has_value());
  const auto& f = *d.first;
  BOOST_TEST(f.field == "returned");
  BOOST_REQUIRE(f.offset.has_value());
  BOOST_TEST(*f.offset == 3u);
  BOOST_TEST(f.detail == "bytes returned differ at offset 3: 'd' (0x64) vs 'X' (0x58)");
  BOOST_REQUIRE(f.a.has_value());
  BOOST_REQUIRE(f.b.has_value());
  BOOST_TEST(f.a->index == 2u);
  BOOST_TEST(f.b->index == 2u);
  BOOST_TEST(d.common == 2u);
  BOOST_TEST(d.decided());
  // Counts cover both logs to their ends, past the difference.
  BOOST_TEST(d.records_a == 4u);
  BOOST_TEST(d.records_b == 5u);
  BOOST_TEST(d.calls["fd_write"].first == 3u);
  BOOST_TEST(d.calls["fd_write"].second == 4u);
  BOOST_TEST(d.calls["random_get"].first == 1u);
}

BOOST_AUTO_TEST_CASE(each_part_of_a_record_is_named) {
  // An argument.
  auto d = diff([](Log& l) { l.write(1, "x"); }, [](Log& l) { l.write(2, "x"); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "inputs.fd");
  BOOST_TEST(d.first->detail == "input fd: 1 vs 2");
  BOOST_TEST(!d.first->offset.has_value());
  // Bytes the guest passed, and a length difference.
  d = diff([](Log& l) { l.write(1, "hello world\n"); }, [](Log& l) { l.write(1, "hello World\n"); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "inputs.iovs");
  BOOST_TEST(d.first->detail == "input iovs bytes differ at offset 6: 'w' (0x77) vs 'W' (0x57)");
  d = diff([](Log& l) { l.write(1, "hello"); }, [](Log& l) { l.write(1, "hello\n"); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "inputs.iovs");
  BOOST_TEST(*d.first->offset == 5u);
  BOOST_TEST(d.first->detail == "input iovs bytes: 5 vs 6 bytes, the first 5 the same");
  // The errno (nwritten differs too; errno comes first).
  d = diff([](Log& l) { l.write(1, "x"); }, [](Log& l) { l.write(1, "x", Errno::BadF); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "errno");
  BOOST_TEST(d.first->detail == "errno: ESUCCESS vs EBADF");
  // A result.
  auto stat = [](uint64_t ino) {
    return [ino](Log& l) {
      call::fd_filestat_get_in in;
      in.fd = 3;
      call::fd_filestat_get_out out;
      out.stat.size = 10;
      out.stat.ino = ino;  // not in trace's text
      l.add(CallId::fd_filestat_get, in, Errno::Success, out);
    };
  };
  d = diff(stat(5), stat(6));
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "outputs.stat");
  BOOST_TEST(d.first->detail.find("but values not shown differ") != std::string::npos, d.first->detail);
  // Another call.
  d = diff([](Log& l) { l.write(1, "x"); }, [](Log& l) { l.random("x"); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "call");
  BOOST_TEST(d.first->detail == "different calls: fd_write vs random_get");
}

BOOST_AUTO_TEST_CASE(context_is_the_last_common_records) {
  auto start = [](Log& l) { for (int i = 0; i < 10; ++i) l.write(1, "line " + std::to_string(i) + "\n"); };
  auto d = diff([&](Log& l) { start(l); l.random("a"); }, [&](Log& l) { start(l); l.random("b"); }, 3);
  BOOST_TEST(d.common == 10u);
  BOOST_REQUIRE(d.context.size() == 3u);
  BOOST_TEST(d.context[0].first.index == 7u);
  BOOST_TEST(d.context[2].first.index == 9u);
  BOOST_TEST(d.context[2].first.time_ns != d.context[2].second);  // a's and b's times, both kept
  d = diff([&](Log& l) { start(l); l.random("a"); }, [&](Log& l) { start(l); l.random("b"); }, 0);
  BOOST_TEST(d.context.empty());
}

BOOST_AUTO_TEST_CASE(a_prefix_ends_first) {
  auto d = diff([](Log& l) { common_start(l); }, [](Log& l) { common_start(l); l.random("z"); });
  BOOST_REQUIRE(d.first.has_value());
  BOOST_TEST(d.first->field == "end");
  BOOST_TEST(!d.first->a.has_value());
  BOOST_REQUIRE(d.first->b.has_value());
  BOOST_TEST(d.first->b->index == 2u);
  BOOST_TEST(d.first->detail == "a's log ends after 2 records; b goes on");
  BOOST_TEST(d.decided());
  BOOST_TEST(d.records_b == 3u);
}

BOOST_AUTO_TEST_CASE(a_torn_log_is_compared_as_far_as_it_reads) {
  TempDir d;
  {
    Log a(d.path / "a", 0, 2), b(d.path / "b", 0, 2), c(d.path / "c", 0, 2);  // 2 records a batch
    for (int i = 0; i < 6; ++i) {
      a.write(1, "line " + std::to_string(i) + "\n");
      b.write(1, "line " + std::to_string(i) + "\n");
      c.write(1, "line " + std::to_string(i == 1 ? 9 : i) + "\n");
    }
    a.close();
    b.close();
    c.close();
  }
  // Cut b's last batch short: b reads 4 records, a 6.
  fs::path seg;
  for (const auto& e : fs::directory_iterator(d.path / "b")) seg = e.path();
  fs::resize_file(seg, fs::file_size(seg) - 3);
  auto diff_now = [&](const char* x, const char* y) {
    auto ra = LogReader::open((d.path / x).string());
    auto rb = LogReader::open((d.path / y).string());
    BOOST_REQUIRE(ra.has_value());
    BOOST_REQUIRE(rb.has_value());
    return diff_logs(*ra, *rb);
  };
  auto r = diff_now("a", "b");
  BOOST_TEST(r.common == 4u);
  BOOST_REQUIRE(r.first.has_value());
  BOOST_TEST(r.first->field == "end");
  BOOST_TEST(r.first->detail.find("b's log tore after 4 records (") == 0u, r.first->detail);
  BOOST_TEST(r.torn_b.has_value());
  BOOST_TEST(!r.torn_a.has_value());
  BOOST_TEST(!r.decided());  // the lost records might have matched
  // A difference before the tear is certain.
  r = diff_now("c", "b");
  BOOST_REQUIRE(r.first.has_value());
  BOOST_TEST(r.first->field == "inputs.iovs");
  BOOST_TEST(r.common == 1u);
  BOOST_TEST(r.records_b == 4u);
  BOOST_TEST(r.decided());
  // A torn log diffed with itself: the same as far as it reads, not decided.
  r = diff_now("b", "b");
  BOOST_TEST(!r.first.has_value());
  BOOST_TEST(r.common == 4u);
  BOOST_TEST(!r.decided());
}

BOOST_AUTO_TEST_CASE(call_names) {
  BOOST_TEST(call_name(uint32_t(CallId::random_get)) == "random_get");
  BOOST_TEST(call_name(999) == "call 999");
}
