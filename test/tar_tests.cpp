// registry/tar: the ustar writer and reader on bytes in memory, and GNU tar
// reading what the writer makes (sizes past 8 GiB included).
#define BOOST_TEST_MODULE tar_tests
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "registry/tar.hpp"
#include "test/wasi_proc.hpp"

using namespace tc;
using namespace tc::registry;

namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Archive {
  std::string data;
  tar::Writer writer{[this](std::span<const uint8_t> b) -> Expected<void> {
    data.append(reinterpret_cast<const char*>(b.data()), b.size());
    return {};
  }};
};

// A reader of `data`, handing out at most 7 bytes a call (short reads).
tar::Reader reader_of(const std::string& data, size_t& at) {
  return tar::Reader([&data, &at](std::span<uint8_t> out) -> Expected<size_t> {
    size_t n = std::min({out.size(), data.size() - at, size_t(7)});
    std::copy_n(data.data() + at, n, out.data());
    at += n;
    return n;
  });
}

std::string read_all(tar::Reader& r) {
  std::string out;
  uint8_t buf[100];
  for (;;) {
    auto n = r.read(buf);
    BOOST_REQUIRE(n.has_value());
    if (!*n) return out;
    out.append(reinterpret_cast<const char*>(buf), *n);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(files_round_trip_in_order) {
  Archive a;
  std::vector<std::pair<std::string, std::string>> files = {
      {"empty", ""}, {"block", std::string(512, 'b')}, {"dir/odd", std::string(1000, 'o')}};
  for (const auto& [name, content] : files) {
    BOOST_REQUIRE(a.writer.begin_file(name, content.size(), 1700000000).has_value());
    // In two pieces.
    BOOST_REQUIRE(a.writer.write(bytes(content.substr(0, 300))).has_value());
    if (content.size() > 300) BOOST_REQUIRE(a.writer.write(bytes(content.substr(300))).has_value());
  }
  BOOST_REQUIRE(a.writer.finish().has_value());
  BOOST_TEST(a.data.size() == 512 * (3 + 0 + 1 + 2 + 2));  // headers, data, marker
  size_t at = 0;
  auto r = reader_of(a.data, at);
  for (const auto& [name, content] : files) {
    auto e = r.next();
    BOOST_REQUIRE(e.has_value());
    BOOST_REQUIRE(e->has_value());
    BOOST_TEST((*e)->name == name);
    BOOST_TEST((*e)->type == '0');
    BOOST_TEST((*e)->size == content.size());
    BOOST_TEST(read_all(r) == content);
  }
  auto end = r.next();
  BOOST_REQUIRE(end.has_value());
  BOOST_TEST(!end->has_value());
  BOOST_TEST(r.expect_end().has_value());
}

BOOST_AUTO_TEST_CASE(the_writer_refuses_what_it_cannot_write) {
  Archive a;
  BOOST_TEST(!a.writer.begin_file(std::string(101, 'n'), 0, 0).has_value());
  BOOST_TEST(!a.writer.begin_file("", 0, 0).has_value());
  BOOST_REQUIRE(a.writer.begin_file("f", 3, 0).has_value());
  BOOST_TEST(!a.writer.write(bytes("four")).has_value());  // more than announced
  BOOST_TEST(!a.writer.finish().has_value());              // "f" is not complete
  BOOST_TEST(!a.writer.begin_file("g", 0, 0).has_value());
}

BOOST_AUTO_TEST_CASE(an_unread_entry_is_skipped_and_trailing_zeros_are_padding) {
  Archive a;
  BOOST_REQUIRE(a.writer.begin_file("skipped", 2000, 0).has_value());
  BOOST_REQUIRE(a.writer.write(bytes(std::string(2000, 's'))).has_value());
  BOOST_REQUIRE(a.writer.begin_file("read", 2, 0).has_value());
  BOOST_REQUIRE(a.writer.write(bytes("ok")).has_value());
  BOOST_REQUIRE(a.writer.finish().has_value());
  for (std::string tail : {std::string(), std::string(8192, '\0'), std::string(10, '\0') + "x"}) {
    std::string data = a.data + tail;
    size_t at = 0;
    auto r = reader_of(data, at);
    BOOST_REQUIRE(r.next().has_value());
    auto e = r.next();
    BOOST_REQUIRE(e.has_value() && e->has_value());
    BOOST_TEST((*e)->name == "read");
    BOOST_TEST(read_all(r) == "ok");
    BOOST_REQUIRE(r.next().has_value());
    auto end = r.expect_end();
    BOOST_TEST(end.has_value() == (tail.find('x') == std::string::npos));
    if (!end) BOOST_TEST(end.error().message == "data after the end of the archive");
  }
}

BOOST_AUTO_TEST_CASE(sizes_past_8_gib_are_written_in_base_256) {
  const uint64_t big = 9ull << 30;
  Archive a;
  BOOST_REQUIRE(a.writer.begin_file("big.log", big, 1700000000).has_value());
  BOOST_TEST(uint8_t(a.data[124]) == 0x80);
  size_t at = 0;
  auto r = reader_of(a.data, at);
  auto e = r.next();
  BOOST_REQUIRE(e.has_value() && e->has_value());
  BOOST_TEST((*e)->size == big);
  uint8_t buf[16];
  auto cut = r.read(buf);  // there is no data
  BOOST_TEST(!cut.has_value());
  // GNU tar reads the same size (then stops at the missing data).
  auto path = std::filesystem::temp_directory_path() / ("tar_tests_" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << a.data;
  auto t = tc::test::run_process({"/bin/tar", "tvf", path.string()});
  std::filesystem::remove(path);
  BOOST_TEST(t.out.find(" " + std::to_string(big) + " ") != std::string::npos, t.out);
  BOOST_TEST(t.out.find("big.log") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(damaged_headers_are_errors) {
  Archive a;
  BOOST_REQUIRE(a.writer.begin_file("f", 1, 0).has_value());
  BOOST_REQUIRE(a.writer.write(bytes("x")).has_value());
  BOOST_REQUIRE(a.writer.finish().has_value());
  auto first_error = [](const std::string& data) {
    size_t at = 0;
    auto r = reader_of(data, at);
    auto e = r.next();
    return e ? std::string() : e.error().message;
  };
  BOOST_TEST(first_error(a.data) == "");
  std::string d = a.data;
  d[0] = 'g';
  BOOST_TEST(first_error(d) == "tar header checksum mismatch at the start");
  d = a.data;
  d.replace(257, 8, std::string("ustar  \0", 8));  // GNU tar's own magic: not POSIX ustar
  BOOST_TEST(first_error(d) == "not a POSIX tar header at the start");
  BOOST_TEST(first_error(a.data.substr(0, 300)) == "truncated: a partial header at the start");
  BOOST_TEST(first_error("") == "truncated: no end-of-archive marker at the start");
}
