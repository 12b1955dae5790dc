// The log container: round trip, segment roll-over, and robustness against
// torn tails (a log cut at every byte offset, flipped bytes, a full disk).
#define BOOST_TEST_MODULE trace_log
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "trace/crc32c.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "test/tiny_disk.hpp"

using namespace tc::trace;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("tc_log_test_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
  }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
  std::string str() const { return path.string(); }
};

std::vector<uint8_t> payload_for(uint64_t i) {
  std::vector<uint8_t> p(i % 37);
  for (size_t k = 0; k < p.size(); ++k) p[k] = uint8_t(i * 31 + k);
  return p;
}

void write_log(const std::string& dir, uint64_t n, LogOptions opts) {
  auto w = LogWriter::create(dir, opts);
  BOOST_REQUIRE(w.has_value());
  for (uint64_t i = 0; i < n; ++i) {
    auto p = payload_for(i);
    BOOST_REQUIRE((*w)->append(1000 + i * 7, uint32_t(i % 46), p).has_value());
  }
  BOOST_REQUIRE((*w)->close().has_value());
}

// Reads every record; checks each is the one written. Returns the count.
uint64_t read_and_check(const std::string& dir, bool& torn) {
  auto r = LogReader::open(dir);
  if (!r) { torn = true; return 0; }
  Record rec;
  uint64_t n = 0;
  while (r->next(rec)) {
    BOOST_REQUIRE_EQUAL(rec.index, n);
    BOOST_REQUIRE_EQUAL(rec.time_ns, 1000 + n * 7);
    BOOST_REQUIRE_EQUAL(rec.call_id, uint32_t(n % 46));
    auto p = payload_for(n);
    BOOST_REQUIRE(std::equal(p.begin(), p.end(), rec.payload.begin(), rec.payload.end()));
    ++n;
  }
  torn = r->torn_tail().has_value();
  return n;
}

std::vector<char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_with_batches) {
  TempDir d;
  LogOptions o;
  o.batch_records = 100;
  write_log(d.str(), 1234, o);
  bool torn = false;
  BOOST_TEST(read_and_check(d.str(), torn) == 1234u);
  BOOST_TEST(!torn);
  auto r = LogReader::open(d.str());
  BOOST_REQUIRE(r.has_value());
  auto s = r->stats();
  BOOST_TEST(s.records == 1234u);
  BOOST_TEST(s.batches == 13u);
  BOOST_TEST(s.segments == 1u);
  BOOST_TEST(s.stored_bytes < s.raw_bytes);  // it compressed
}

BOOST_AUTO_TEST_CASE(segments_roll_over) {
  TempDir d;
  LogOptions o;
  o.batch_records = 10;
  o.segment_bytes = 600;
  write_log(d.str(), 500, o);
  bool torn = false;
  BOOST_TEST(read_and_check(d.str(), torn) == 500u);
  BOOST_TEST(!torn);
  auto r = LogReader::open(d.str());
  BOOST_TEST(r->segments().size() > 3u);
}

// With segment_seconds, the first record past the deadline is the last
// of its segment, sealed at once (a remote uploads it); the next segment
// opens with the next batch, so a quiet log makes no empty segments.
BOOST_AUTO_TEST_CASE(segments_are_sealed_by_time_too) {
  TempDir d;
  LogOptions o;
  o.segment_seconds = 1;
  auto w = LogWriter::create(d.str(), o);
  BOOST_REQUIRE(w.has_value());
  uint64_t n = 0;
  auto some = [&](int k) {
    for (int i = 0; i < k; ++i, ++n) BOOST_REQUIRE((*w)->append(1000 + n * 7, uint32_t(n % 46), payload_for(n)));
  };
  some(10);
  BOOST_REQUIRE((*w)->flush());
  BOOST_TEST(fs::exists(d.path / "log.000000"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  some(1);  // past the deadline: sealed with this one
  BOOST_REQUIRE((*w)->flush());
  BOOST_TEST(!fs::exists(d.path / "log.000001"));
  auto sealed = LogReader::open(d.str());
  BOOST_REQUIRE(sealed.has_value());
  BOOST_TEST(sealed->stats().records == 11u);
  some(9);  // within the next second: one batch, still open
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  some(5);
  BOOST_REQUIRE((*w)->close());
  bool torn = false;
  BOOST_TEST(read_and_check(d.str(), torn) == 25u);
  BOOST_TEST(!torn);
  auto r = LogReader::open(d.str());
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->segments().size() == 3u);

  TempDir e;  // without it: by size only
  o.segment_seconds = 0;
  auto w2 = LogWriter::create(e.str(), o);
  BOOST_REQUIRE(w2.has_value());
  BOOST_REQUIRE((*w2)->append(1000, 0, payload_for(0)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  BOOST_REQUIRE((*w2)->append(1007, 1, payload_for(1)));
  BOOST_REQUIRE((*w2)->close());
  auto r2 = LogReader::open(e.str());
  BOOST_REQUIRE(r2.has_value());
  BOOST_TEST(r2->segments().size() == 1u);
}

BOOST_AUTO_TEST_CASE(uncompressed_codec) {
  TempDir d;
  LogOptions o;
  o.codec = Codec::None;
  o.batch_records = 7;
  write_log(d.str(), 100, o);
  bool torn = false;
  BOOST_TEST(read_and_check(d.str(), torn) == 100u);
}

BOOST_AUTO_TEST_CASE(cut_at_every_offset) {
  TempDir d;
  LogOptions o;
  o.batch_records = 16;
  write_log(d.str(), 200, o);
  std::string seg = segment_path(d.str(), 0);
  std::vector<char> full = slurp(seg);
  uint64_t prev = 0;
  for (size_t cut = 0; cut < full.size(); ++cut) {
    std::ofstream(seg, std::ios::binary | std::ios::trunc).write(full.data(), std::streamsize(cut));
    bool torn = false;
    uint64_t n = read_and_check(d.str(), torn);
    // Every cut is reported, except one that falls between whole batches.
    if (!torn) BOOST_REQUIRE_EQUAL(LogReader::open(d.str())->stats().file_bytes, cut);
    BOOST_REQUIRE(n % 16 == 0);          // whole batches only
    BOOST_REQUIRE(n >= prev);            // more bytes never lose records
    prev = n;
  }
  BOOST_TEST(prev == 192u);  // all but the last (partial) batch at the largest cut
}

BOOST_AUTO_TEST_CASE(flipped_bytes_never_crash) {
  TempDir d;
  LogOptions o;
  o.batch_records = 16;
  write_log(d.str(), 200, o);
  std::string seg = segment_path(d.str(), 0);
  std::vector<char> full = slurp(seg);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 400; ++trial) {
    auto bad = full;
    size_t at = rng() % bad.size();
    bad[at] = char(bad[at] ^ (1 + rng() % 255));
    std::ofstream(seg, std::ios::binary | std::ios::trunc).write(bad.data(), std::streamsize(bad.size()));
    bool torn = false;
    uint64_t n = read_and_check(d.str(), torn);  // records returned are exactly right
    BOOST_REQUIRE(torn || n == 200u);
    BOOST_REQUIRE(n <= 200u);
  }
}

// A batch header claiming far more raw bytes than its compressed bytes
// can hold is refused when the log is opened, before anything is
// allocated for it (it made readers allocate up to 1 GiB per batch).
BOOST_AUTO_TEST_CASE(a_batch_claiming_more_than_it_can_hold_is_refused) {
  TempDir d;
  LogOptions o;
  o.batch_records = 16;
  write_log(d.str(), 64, o);
  std::string seg = segment_path(d.str(), 0);
  std::vector<char> bytes = slurp(seg);
  BatchHeader h;
  std::memcpy(&h, bytes.data() + sizeof(SegmentHeader), sizeof h);
  BOOST_REQUIRE(h.magic == kBatchMagic);
  h.raw_size = 1u << 29;
  h.header_crc = crc32c(&h, offsetof(BatchHeader, header_crc));
  std::memcpy(bytes.data() + sizeof(SegmentHeader), &h, sizeof h);
  std::ofstream(seg, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
  auto r = LogReader::open(d.str());
  BOOST_REQUIRE(r.has_value());
  Record rec;
  BOOST_TEST(!r->next(rec));
  BOOST_REQUIRE(r->torn_tail().has_value());
  BOOST_TEST(r->torn_tail()->find("inconsistent batch header") != std::string::npos, *r->torn_tail());
}

BOOST_AUTO_TEST_CASE(not_a_log) {
  TempDir d;
  fs::create_directories(d.path);
  BOOST_TEST(!LogReader::open(d.str()).has_value());  // no segment
  std::ofstream(segment_path(d.str(), 0)) << "hello";
  auto r = LogReader::open(d.str());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message.find("not a timecraft log") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_to_overwrite) {
  TempDir d;
  write_log(d.str(), 3, {});
  BOOST_TEST(!LogWriter::create(d.str()).has_value());
}

BOOST_AUTO_TEST_CASE(crc32c_matches_reference) {
  // Bitwise reference (reflected 0x82F63B78); the fast path may use SSE4.2.
  auto reference = [](const uint8_t* p, size_t n) {
    uint32_t c = ~0u;
    while (n--) {
      c ^= *p++;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
  };
  BOOST_TEST(crc32c("123456789", 9) == 0xE3069283u);  // the standard check value
  std::vector<uint8_t> buf(100003);
  std::mt19937 rng(1);
  for (auto& b : buf) b = uint8_t(rng());
  for (size_t len : {0ul, 1ul, 7ul, 8ul, 9ul, 4095ul, buf.size()})
    BOOST_TEST(crc32c(buf.data() + 1, len - (len == buf.size())) ==
               reference(buf.data() + 1, len - (len == buf.size())));
  // Incremental == one shot.
  BOOST_TEST(crc32c(buf.data() + 500, 600, crc32c(buf.data(), 500)) == crc32c(buf.data(), 1100));
}

BOOST_AUTO_TEST_CASE(incompressible_batches_are_stored_raw) {
  TempDir d;
  std::vector<uint8_t> noise(1 << 20);
  std::mt19937 rng(3);
  for (auto& b : noise) b = uint8_t(rng());
  {
    auto w = LogWriter::create(d.str());
    BOOST_REQUIRE((*w)->append(1, 21, noise).has_value());
    BOOST_REQUIRE((*w)->close().has_value());
  }
  auto r = LogReader::open(d.str());
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->segments()[0].batches[0].header.codec == uint8_t(Codec::None));
  Record rec;
  BOOST_REQUIRE(r->next(rec));
  BOOST_TEST(std::equal(rec.payload.begin(), rec.payload.end(), noise.begin(), noise.end()));
}

// A full disk: the write that fails leaves no torn batch and no half-made
// segment behind; the log ends at its last whole batch, with as many records
// as the writer says it kept.
BOOST_AUTO_TEST_CASE(a_full_disk_leaves_a_clean_log,
                     *boost::unit_test::precondition(tc::test::can_mount_tmpfs)) {
  for (uint64_t segment : {uint64_t(1) << 20, uint64_t(4096)}) {
    BOOST_TEST_CONTEXT("segment size " << segment) {
      TempDir d;
      tc::test::TinyDisk disk(d.path / "disk", "64k");
      BOOST_REQUIRE_MESSAGE(disk.mounted, disk.error);
      std::string dir = (disk.dir / "log").string();
      LogOptions opts;
      opts.batch_records = 8;
      opts.segment_bytes = segment;
      opts.codec = Codec::None;
      auto w = LogWriter::create(dir, opts);
      BOOST_REQUIRE(w.has_value());
      bool failed = false;
      for (uint64_t i = 0; i < 1000000 && !failed; ++i)
        failed = !(*w)->append(1000 + i * 7, uint32_t(i % 46), payload_for(i)).has_value();
      auto closed = (*w)->close();
      BOOST_TEST((failed || !closed.has_value()));
      uint64_t kept = (*w)->stats().records;
      BOOST_TEST(kept > 0u);
      bool torn = false;
      BOOST_TEST(read_and_check(dir, torn) == kept);
      BOOST_TEST(!torn);
    }
  }
}
