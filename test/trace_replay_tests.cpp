// Recorder -> log -> Replayer round trips over a scripted System, and the
// divergence errors when the program does something else.
#define BOOST_TEST_MODULE trace_replay
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <random>

#include "trace/decode.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "trace/recorder.hpp"
#include "trace/replayer.hpp"

using namespace tc;
using namespace tc::wasi;
using namespace tc::trace;
namespace fs = std::filesystem;

namespace {

// Every call answers ENOSYS except the few a test scripts.
class FakeSystem : public System {
 public:
#define WASI_CALL(name, id, params, results, ins, outs)                           \
  Errno name(const call::name##_in&, call::name##_out&) override { return Errno::NoSys; }
#include "wasi/calls.def"
#undef WASI_CALL
};

class Scripted : public FakeSystem {
 public:
  std::string file = "hello from the file";
  uint64_t clock = 123456789;
  Errno fd_read(const call::fd_read_in& in, call::fd_read_out& out) override {
    size_t n = 0;
    for (auto b : in.iovs) {
      size_t take = std::min(b.size(), file.size() - pos);
      std::copy(file.begin() + long(pos), file.begin() + long(pos + take), b.begin());
      pos += take;
      n += take;
    }
    out.nread = Size(n);
    return Errno::Success;
  }
  Errno fd_write(const call::fd_write_in& in, call::fd_write_out& out) override {
    size_t n = 0;
    for (auto b : in.iovs) { written.append(b.begin(), b.end()); n += b.size(); }
    out.nwritten = Size(n);
    return Errno::Success;
  }
  Errno clock_time_get(const call::clock_time_get_in&, call::clock_time_get_out& out) override {
    out.time = clock++;
    return Errno::Success;
  }
  Errno path_open(const call::path_open_in& in, call::path_open_out& out) override {
    if (in.path == "missing") return Errno::NoEnt;
    out.opened = 7;
    return Errno::Success;
  }
  Errno args_get(const call::args_get_in&, call::args_get_out& out) override {
    out.args = {"prog", "arg one"};
    return Errno::Success;
  }
  size_t pos = 0;
  std::string written;
};

struct TempDir {
  std::string path = (fs::temp_directory_path() /
                      ("tc_replay_" + std::to_string(std::random_device{}()))).string();
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

IovecsIn in_iovs(const std::string& s) {
  return {std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size())};
}

// The "program": a fixed sequence of calls against any System.
struct Observed {
  std::string read;
  uint64_t t1 = 0, t2 = 0;
  Errno open_missing{}, open_ok{};
  Fd fd = 0;
  std::vector<std::string> args;
};
Observed program(System& sys, const std::string& greeting, size_t read_buf = 8) {
  Observed o;
  call::args_get_out a;
  sys.args_get({}, a);
  o.args = a.args;
  std::vector<uint8_t> b1(read_buf), b2(read_buf);
  call::fd_read_in ri;
  ri.fd = 3;
  ri.iovs = {std::span<uint8_t>(b1), std::span<uint8_t>(b2)};
  call::fd_read_out ro;
  sys.fd_read(ri, ro);
  o.read.assign(b1.begin(), b1.end());
  o.read.append(b2.begin(), b2.end());
  o.read.resize(ro.nread);
  call::clock_time_get_out c;
  sys.clock_time_get({ClockId::Monotonic, 1}, c);
  o.t1 = c.time;
  sys.clock_time_get({ClockId::Monotonic, 1}, c);
  o.t2 = c.time;
  call::path_open_in po;
  po.fd = 3;
  po.path = "missing";
  call::path_open_out poo;
  o.open_missing = sys.path_open(po, poo);
  po.path = "present";
  o.open_ok = sys.path_open(po, poo);
  o.fd = poo.opened;
  call::fd_write_in wi;
  wi.fd = 5;
  wi.iovs = in_iovs(greeting);
  call::fd_write_out wo;
  sys.fd_write(wi, wo);
  return o;
}

void record(const std::string& dir, const std::string& greeting) {
  Scripted real;
  auto log = LogWriter::create(dir);
  BOOST_REQUIRE(log.has_value());
  Recorder rec(real, **log);
  program(rec, greeting);
  BOOST_REQUIRE(!rec.log_error());
  BOOST_REQUIRE((*log)->close().has_value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(replay_reproduces_every_result) {
  TempDir d;
  record(d.path, "bye");
  Scripted fresh;  // what a live run would see
  fresh.clock = 999;
  Observed live = program(fresh, "bye");
  auto reader = LogReader::open(d.path);
  BOOST_REQUIRE(reader.has_value());
  Replayer rep(*reader, ReplayOptions{false});
  Observed replayed = program(rep, "bye");
  BOOST_TEST(!rep.divergence().has_value());
  BOOST_TEST(rep.finished());
  BOOST_TEST(replayed.read == "hello from the f");  // 16 bytes, as in the run
  BOOST_TEST(replayed.t1 == 123456789u);            // the recorded clock, not the live one
  BOOST_TEST(replayed.t2 == 123456790u);
  BOOST_TEST(live.t1 == 999u);
  BOOST_TEST(int(replayed.open_missing) == int(Errno::NoEnt));
  BOOST_TEST(int(replayed.open_ok) == int(Errno::Success));
  BOOST_TEST(replayed.fd == 7u);
  BOOST_TEST(replayed.args == (std::vector<std::string>{"prog", "arg one"}));
}

BOOST_AUTO_TEST_CASE(changed_write_payload_diverges) {
  TempDir d;
  record(d.path, "bye");
  auto reader = LogReader::open(d.path);
  Replayer rep(*reader, ReplayOptions{false});
  program(rep, "bye!");
  BOOST_REQUIRE(rep.divergence().has_value());
  const auto& msg = rep.divergence()->message;
  BOOST_TEST(msg.find("record 6") != std::string::npos, msg);
  BOOST_TEST(msg.find("fd_write") != std::string::npos, msg);
  BOOST_TEST(msg.find("\"bye\"") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(changed_iovec_shape_diverges) {
  TempDir d;
  record(d.path, "bye");
  auto reader = LogReader::open(d.path);
  Replayer rep(*reader, ReplayOptions{false});
  Scripted unused;
  Observed o;
  call::args_get_out a;
  rep.args_get({}, a);
  std::vector<uint8_t> b(32);
  call::fd_read_in ri;
  ri.fd = 3;
  ri.iovs = {std::span<uint8_t>(b)};  // one iovec of 32, recorded two of 8
  call::fd_read_out ro;
  rep.fd_read(ri, ro);
  BOOST_REQUIRE(rep.divergence().has_value());
  BOOST_TEST(rep.divergence()->message.find("record 1: fd_read input iovs") != std::string::npos,
             rep.divergence()->message);
}

BOOST_AUTO_TEST_CASE(other_call_diverges_and_names_both) {
  TempDir d;
  record(d.path, "bye");
  auto reader = LogReader::open(d.path);
  Replayer rep(*reader, ReplayOptions{false});
  call::clock_time_get_out c;
  rep.clock_time_get({ClockId::Monotonic, 1}, c);  // recorded: args_get first
  BOOST_REQUIRE(rep.divergence().has_value());
  BOOST_TEST(rep.divergence()->message.find("record 0: recorded args_get, observed clock_time_get") !=
                 std::string::npos,
             rep.divergence()->message);
}

BOOST_AUTO_TEST_CASE(extra_and_missing_calls_diverge) {
  TempDir d;
  record(d.path, "bye");
  {
    auto reader = LogReader::open(d.path);
    Replayer rep(*reader, ReplayOptions{false});
    program(rep, "bye");
    call::sched_yield_out y;
    rep.sched_yield({}, y);  // one call more than recorded
    BOOST_REQUIRE(rep.divergence().has_value());
    BOOST_TEST(rep.divergence()->message.find("after the last record") != std::string::npos);
  }
  {
    auto reader = LogReader::open(d.path);
    Replayer rep(*reader, ReplayOptions{false});
    call::args_get_out a;
    rep.args_get({}, a);  // then stop early
    BOOST_TEST(!rep.finished());
    BOOST_TEST(rep.divergence()->message.find("the log has more") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(decoded_records_read_like_calls) {
  TempDir d;
  record(d.path, "bye\n");
  auto reader = LogReader::open(d.path);
  Record r;
  std::vector<std::string> lines;
  while (reader->next(r)) {
    auto c = decode_record(r);
    BOOST_REQUIRE(c.has_value());
    lines.push_back(c->to_string());
  }
  BOOST_REQUIRE(lines.size() == 7u);
  BOOST_TEST(lines[0] == "args_get() = ESUCCESS args=[\"prog\", \"arg one\"]");
  BOOST_TEST(lines[1] ==
             "fd_read(fd=3, iovs=[8 bytes, 8 bytes]) = ESUCCESS nread=16 <- \"hello from the f\"");
  BOOST_TEST(lines[4].find("path_open(fd=3, dirflags=0, path=\"missing\"") == 0u, lines[4]);
  BOOST_TEST(lines[4].find("= ENOENT") != std::string::npos, lines[4]);
  BOOST_TEST(lines[6] == "fd_write(fd=5, iovs=[\"bye\\n\"]) = ESUCCESS nwritten=4");
}

BOOST_AUTO_TEST_CASE(call_ids_beyond_16_bits_are_unknown) {
  // 0x10000 + fd_write's id once decoded as an fd_write (CallId is 16 bits).
  std::vector<uint8_t> empty;
  Record r;
  r.call_id = 0x10000u + uint32_t(CallId::fd_write);
  r.payload = empty;
  auto c = decode_record(r);
  BOOST_REQUIRE(!c.has_value());
  BOOST_TEST(c.error().message.find("unknown call id 65") != std::string::npos, c.error().message);
}

BOOST_AUTO_TEST_CASE(corrupt_payload_is_an_error_not_a_crash) {
  std::vector<uint8_t> junk = {0xFF, 0xFF, 0xFF};
  for (const auto& c : all_calls()) {
    Record r;
    r.call_id = uint32_t(c.id);
    r.payload = junk;
    BOOST_TEST(!decode_record(r).has_value());
  }
}

// Over a System whose monotonic clock is the host's, a successful
// clock_time_get(MONOTONIC) record is timestamped with the time the call
// returned (no second clock read); an error, another clock, or a System
// that does not say so is timed by the Recorder's own reading.
namespace {
class HostClock : public FakeSystem {
 public:
  explicit HostClock(bool host) : host_(host) {}
  bool host_monotonic_clock() const override { return host_; }
  Errno clock_time_get(const call::clock_time_get_in& in, call::clock_time_get_out& out) override {
    if (in.id == ClockId::Realtime) return Errno::Inval;
    // An hour ahead of the host's clock: a timestamp taken from it shows.
    out.time = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now().time_since_epoch()).count()) +
               3600000000000ull;
    return Errno::Success;
  }
  bool host_;
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_host_monotonic_reading_is_its_records_timestamp) {
  for (bool host : {true, false}) {
    BOOST_TEST_CONTEXT("host clock " << host) {
      TempDir d;
      HostClock real(host);
      auto log = LogWriter::create(d.path);
      BOOST_REQUIRE(log.has_value());
      {
        Recorder rec(real, **log);
        call::clock_time_get_out c;
        BOOST_TEST((rec.clock_time_get({ClockId::Realtime, 1}, c) == Errno::Inval));
        BOOST_TEST((rec.clock_time_get({ClockId::Monotonic, 1}, c) == Errno::Success));
      }
      BOOST_REQUIRE((*log)->close().has_value());
      auto r = LogReader::open(d.path);
      BOOST_REQUIRE(r.has_value());
      Record a, b;
      BOOST_REQUIRE(r->next(a));
      BOOST_REQUIRE(r->next(b));
      BOOST_TEST(a.time_ns < 60000000000ull);  // the Recorder's reading: well within a minute
      if (host) BOOST_TEST(b.time_ns > 3500000000000ull);  // the call's own
      else BOOST_TEST(b.time_ns < 60000000000ull);
    }
  }
}

// Calls of numbers only are encoded straight into the batch
// (append_in_place); their records hold exactly what encode_call writes
// (fd_seek's signed offset included), in format 3 and 4 alike.
namespace {
class Numbers : public FakeSystem {
 public:
  Errno fd_seek(const call::fd_seek_in& in, call::fd_seek_out& out) override {
    out.newoffset = uint64_t(in.offset) * 3;
    return in.fd == 9 ? Errno::BadF : Errno::Success;
  }
  Errno fd_close(const call::fd_close_in&, call::fd_close_out&) override { return Errno::Success; }
  Errno sched_yield(const call::sched_yield_in&, call::sched_yield_out&) override { return Errno::Success; }
};
}  // namespace

BOOST_AUTO_TEST_CASE(number_only_calls_are_recorded_as_encode_call_writes) {
  for (uint32_t version : {3u, 4u}) {
    BOOST_TEST_CONTEXT("format " << version) {
      TempDir d;
      Numbers real;
      LogOptions o;
      o.version = version;
      auto log = LogWriter::create(d.path, o);
      BOOST_REQUIRE(log.has_value());
      std::vector<std::vector<uint8_t>> expect;
      {
        Recorder rec(real, **log);
        for (int64_t off : {int64_t(0), int64_t(-1), int64_t(1) << 40, INT64_MIN, INT64_MAX}) {
          for (Fd fd : {Fd(3), Fd(9)}) {
            call::fd_seek_in in{fd, off, Whence::End};
            call::fd_seek_out out;
            Errno e = rec.fd_seek(in, out);
            expect.emplace_back();
            encode_call(expect.back(), in, e, out);
          }
        }
        call::fd_close_in ci{7};
        call::fd_close_out co;
        expect.emplace_back();
        encode_call(expect.back(), ci, rec.fd_close(ci, co), co);
        call::sched_yield_in yi;
        call::sched_yield_out yo;
        expect.emplace_back();
        encode_call(expect.back(), yi, rec.sched_yield(yi, yo), yo);
      }
      BOOST_REQUIRE((*log)->close().has_value());
      auto r = LogReader::open(d.path);
      BOOST_REQUIRE(r.has_value());
      Record rec;
      size_t n = 0;
      while (r->next(rec)) {
        BOOST_REQUIRE(n < expect.size());
        BOOST_TEST(std::vector<uint8_t>(rec.payload.begin(), rec.payload.end()) == expect[n], "record " << n);
        ++n;
      }
      BOOST_TEST(n == expect.size());
    }
  }
}
