// CLI presentation: human sizes and times, tables, YAML.
#define BOOST_TEST_MODULE cli_format
#include <boost/test/unit_test.hpp>

#include "tools/columns.hpp"
#include "tools/format.hpp"

using namespace tc::cli;

BOOST_AUTO_TEST_CASE(sizes) {
  BOOST_TEST(human_size(0) == "0 B");
  BOOST_TEST(human_size(1023) == "1023 B");
  BOOST_TEST(human_size(2417) == "2.36 KiB");
  BOOST_TEST(human_size(5ull << 20) == "5.00 MiB");
}

BOOST_AUTO_TEST_CASE(times) {
  int64_t s = 1000000000;
  BOOST_TEST(human_ago(0, 5 * s) == "5s ago");
  BOOST_TEST(human_ago(0, 17 * 60 * s) == "17m ago");
  BOOST_TEST(human_ago(0, 3 * 3600 * s) == "3h ago");
  BOOST_TEST(human_ago(10 * s, 0) == "0s ago");  // clock skew never negative
  BOOST_TEST(human_duration(1500000) == "1.50ms");
  BOOST_TEST(human_duration(130ull * s) == "2m10s");
  BOOST_TEST(rfc3339(0) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(table) {
  auto t = format_table({"PROCESS ID", "SIZE"}, {{"abc", "1 B"}, {"abcdefghijkl", "10 KiB"}});
  BOOST_TEST(t == "PROCESS ID     SIZE\nabc            1 B\nabcdefghijkl   10 KiB\n");
}

BOOST_AUTO_TEST_CASE(yaml) {
  nlohmann::json j = {{"id", "7fdf"}, {"args", {"a", "b:c"}}, {"n", 3}, {"m", {{"x", true}}},
                      {"list", {{{"k", 1}, {"v", "2"}}}}};
  BOOST_TEST(to_yaml(j) ==
             "args:\n- a\n- \"b:c\"\nid: 7fdf\nlist:\n- k: 1\n  v: \"2\"\nm:\n  x: true\nn: 3\n");
  OutputFormat f;
  BOOST_TEST(parse_output_format("yaml", f));
  BOOST_TEST(!parse_output_format("xml", f));
}

BOOST_AUTO_TEST_CASE(backtraces_are_formatted_from_frames) {
  tc::TraceFrame fac;
  fac.name = "fac";
  fac.func_index = 1;
  fac.has_offset = true;
  fac.offset = 0x80;
  fac.func_offset = 0x3f;
  tc::TraceFrame host;
  host.name = "fd_write";
  host.host = true;
  tc::TraceFrame more;
  more.elided = 9936;
  BOOST_TEST(format_frame(fac) == "fac+0x3f");
  BOOST_TEST(format_frame(host) == "fd_write");
  BOOST_TEST(format_frame(more) == "... 9936 more frames");
  BOOST_TEST(format_backtrace({}) == "");
  BOOST_TEST(format_backtrace({host, fac, fac, fac, more}) ==
             "wasm backtrace:\n  0: fd_write\n  1: fac+0x3f  (x3)\n  4: ... 9936 more frames\n");
}

BOOST_AUTO_TEST_CASE(wrapped_lines) {
  // At the last space that fits, continuation lines indented.
  auto w = wrap_line("fd_write(fd=1, iovs=[\"hello\"]) = ESUCCESS nwritten=5", 24, 4);
  BOOST_REQUIRE(w.size() == 3u);
  BOOST_TEST(w[0] == "fd_write(fd=1,");
  BOOST_TEST(w[1] == "    iovs=[\"hello\"]) =");
  BOOST_TEST(w[2] == "    ESUCCESS nwritten=5");
  // No space in the second half: cut mid-word; nothing is lost.
  w = wrap_line("abcdefghijklmnopqrstuvwxyz", 10);
  BOOST_REQUIRE(w.size() == 3u);
  BOOST_TEST(w[0] + w[1] + w[2] == "abcdefghijklmnopqrstuvwxyz");
  BOOST_TEST(wrap_line("short", 10) == std::vector<std::string>{"short"});
  BOOST_TEST(wrap_line("", 10) == std::vector<std::string>{""});
  // An indent that leaves under 8 columns is dropped.
  w = wrap_line("aaaa bbbb cccc", 9, 4);
  BOOST_TEST(w == (std::vector<std::string>{"aaaa bbbb", "cccc"}));
}

BOOST_AUTO_TEST_CASE(columns_side_by_side) {
  auto s = side_by_side({"left", "a longer left line"}, {"right  "}, 23);
  BOOST_TEST(s == "left       | right\n"
                  "a longer   |\n"
                  "left line  |\n");
}
