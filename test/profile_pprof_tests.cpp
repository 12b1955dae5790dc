// to_pprof, read back by Go's own `go tool pprof`: its -top, -traces,
// -lines and -raw reports of a hand-made profile must show the exact values.
#define BOOST_TEST_MODULE profile_pprof_tests
#include <boost/test/unit_test.hpp>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "profile/pprof.hpp"
#include "test/pprof_reader.hpp"

namespace fs = std::filesystem;
using namespace tc::profile;

namespace {

// main -> parse (with source lines), main -> fd_write (host),
// main -> compute -> compute (recursion), main -> idle (all zero).
Profile sample_profile() {
  Profile p;
  p.module_name = "app.wasm";
  p.start_unix_ns = 1700000000000000000;
  p.duration_ns = 2500000000;
  p.functions = {
      {"main", "main.c", 10, 5, false},
      {"parse", "parse.c", 20, 6, false},
      {"fd_write", "", 0, 0, true},
      {"compute", "compute.c", 40, 7, false},
      {"idle", "main.c", 50, 8, false},
  };
  p.lines = {{"parse.c", 21, 1}, {"parse.c", 25, 1}};
  auto node = [&](uint32_t parent, uint32_t function, uint64_t instructions, uint64_t ns) {
    Node n;
    n.parent = parent;
    n.function = function;
    n.self_instructions = instructions;
    n.self_ns = ns;
    n.calls = 1;
    p.nodes.push_back(n);
  };
  p.nodes.push_back(Node{});  // the root
  node(0, 0, 100, 1000);      // 1 main
  node(1, 1, 1000, 10001);    // 2 parse: 600 at line 21, 300 at 25, 100 elsewhere
  p.nodes[2].lines = {{0, 600}, {1, 300}};
  node(1, 2, 0, 50000);       // 3 fd_write
  node(1, 3, 2000, 20000);    // 4 compute
  node(4, 3, 500, 5000);      // 5 compute (recursive)
  node(1, 4, 0, 0);           // 6 idle
  p.finish();
  return p;
}


struct Row {
  std::string flat, cum;
};

// -top's table: name -> (flat, cum) as printed, for the rows after the
// "flat  flat%  sum%  cum  cum%" header. The name is the rest of the line
// ("parse parse.c:21" with -lines).
std::map<std::string, Row> top_rows(const std::string& out) {
  std::map<std::string, Row> rows;
  std::istringstream in(out);
  bool table = false;
  for (std::string line; std::getline(in, line);) {
    if (!table) {
      table = line.find("flat%") != std::string::npos;
      continue;
    }
    std::istringstream fields(line);
    std::string flat, flat_pct, sum_pct, cum, cum_pct, name;
    fields >> flat >> flat_pct >> sum_pct >> cum >> cum_pct >> std::ws;
    std::getline(fields, name);
    if (!name.empty()) rows[name] = {flat, cum};
  }
  return rows;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in) {
  z_stream zs{};
  BOOST_REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  std::vector<uint8_t> out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    uint8_t buf[4096];
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), buf, buf + (sizeof buf - zs.avail_out));
  }
  inflateEnd(&zs);
  BOOST_REQUIRE_MESSAGE(rc == Z_STREAM_END, "inflate: " << rc);
  BOOST_TEST(zs.avail_in == 0u);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(go_is_there) {
  BOOST_TEST_REQUIRE(!find_go().empty(), "go not found (/usr/lib/go-1.23/bin/go, /usr/bin/go, PATH)");
  BOOST_TEST_MESSAGE("go: " << find_go());
}

BOOST_AUTO_TEST_CASE(top_instructions) {
  Pprof pp;
  auto rows = top_rows(pp.run("-top -nodefraction=0 -sample_index=instructions", pp.write(sample_profile())));
  BOOST_TEST(rows["main"].flat == "100");
  BOOST_TEST(rows["main"].cum == "3600");
  BOOST_TEST(rows["parse"].flat == "1000");  // its lines and the rest, one function
  BOOST_TEST(rows["compute"].flat == "2500");  // both levels of the recursion
  BOOST_TEST(rows["compute"].cum == "2500");
  // pprof leaves out rows that are 0: the host call (time, no instructions),
  // and the all-zero node, which has no sample at all.
  BOOST_TEST(rows.count("fd_write") == 0u);
  BOOST_TEST(rows.count("idle") == 0u);
  BOOST_TEST(rows.size() == 3u);
}

BOOST_AUTO_TEST_CASE(top_nanoseconds) {
  Pprof pp;
  auto rows = top_rows(pp.run("-top -nodefraction=0 -sample_index=cpu -unit=ns", pp.write(sample_profile())));
  BOOST_TEST(rows["main"].flat == "1000ns");
  BOOST_TEST(rows["main"].cum == "86001ns");
  BOOST_TEST(rows["parse"].flat == "10001ns");  // apportioned to lines, the sum exact
  BOOST_TEST(rows["fd_write"].flat == "50000ns");
  BOOST_TEST(rows["compute"].flat == "25000ns");
}

// -raw: the profile's header, mapping and locations as pprof decoded them.
BOOST_AUTO_TEST_CASE(raw) {
  Pprof pp;
  std::string out = pp.run("-raw", pp.write(sample_profile()));
  auto has = [&](const std::string& s) { return out.find(s) != std::string::npos; };
  BOOST_TEST(has("PeriodType: instructions count\nPeriod: 1\n"));
  BOOST_TEST(has("Time: 2023-11-14 22:13:20 +0000 UTC\n"));
  BOOST_TEST(has("Duration: 2.5s\n"));
  BOOST_TEST(has("instructions/count[dflt] cpu/nanoseconds\n"));
  BOOST_TEST(has(" app.wasm  [FN][FL][LN]\n"));
  BOOST_TEST(has(" M=1 parse parse.c:21:0 s=20\n"));
  BOOST_TEST(has(" M=1 fd_write :0:0 s=0\n"));  // the host function: no file or line
  BOOST_TEST(!has(" idle "));                      // no location without a sample
}

BOOST_AUTO_TEST_CASE(traces) {
  Pprof pp;
  std::string out = pp.run("-traces", pp.write(sample_profile()));
  // Each trace: "-----------+----" then "  VALUE   leaf" and "  caller" lines.
  std::map<std::string, std::vector<std::string>> stacks;  // value -> frames
  std::istringstream in(out);
  std::string value;
  for (std::string line; std::getline(in, line);) {
    if (line.find("-----------+") == 0) {
      value.clear();
      continue;
    }
    std::istringstream fields(line);
    std::vector<std::string> words{std::istream_iterator<std::string>(fields), {}};
    if (words.size() == 2 && value.empty()) stacks[value = words[0]] = {words[1]};
    else if (words.size() == 1 && !value.empty()) stacks[value].push_back(words[0]);
  }
  // The recursive compute's sample, leaf first, up to the entry point.
  BOOST_TEST(stacks["500"] == (std::vector<std::string>{"compute", "compute", "main"}),
             boost::test_tools::per_element());
  BOOST_TEST(stacks["600"] == (std::vector<std::string>{"parse", "main"}), boost::test_tools::per_element());
  BOOST_TEST(stacks["0"] == (std::vector<std::string>{"fd_write", "main"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lines) {
  Pprof pp;
  auto rows = top_rows(pp.run("-lines -top -nodefraction=0", pp.write(sample_profile())));
  BOOST_TEST(rows["parse parse.c:21"].flat == "600");
  BOOST_TEST(rows["parse parse.c:25"].flat == "300");
  BOOST_TEST(rows["parse parse.c:20"].flat == "100");  // not covered by lines: the function's line
  BOOST_TEST(rows["main main.c:10"].flat == "100");
}

// parse's 10001 ns by its lines' shares of its 1000 instructions: 6000.6,
// 3000.3 and 1000.1, rounded down, the 1 left over to the last line.
BOOST_AUTO_TEST_CASE(lines_nanoseconds) {
  Pprof pp;
  auto rows = top_rows(pp.run("-lines -top -nodefraction=0 -sample_index=cpu -unit=ns", pp.write(sample_profile())));
  BOOST_TEST(rows["parse parse.c:21"].flat == "6000ns");
  BOOST_TEST(rows["parse parse.c:25"].flat == "3001ns");
  BOOST_TEST(rows["parse parse.c:20"].flat == "1000ns");
  BOOST_TEST(rows["fd_write"].flat == "50000ns");  // no file, no line
}

BOOST_AUTO_TEST_CASE(gzip) {
  std::vector<uint8_t> bytes = to_pprof(sample_profile());
  BOOST_TEST_REQUIRE(bytes.size() > 2u);
  BOOST_TEST(bytes[0] == 0x1f);
  BOOST_TEST(bytes[1] == 0x8b);
  // The top level of the message: well-formed fields up to the very end,
  // and the string table (field 6), which starts with "".
  std::vector<uint8_t> raw = gunzip(bytes);
  size_t at = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0; at < raw.size(); shift += 7) {
      uint8_t b = raw[at++];
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  };
  std::vector<std::string> strings;
  while (at < raw.size()) {
    uint64_t key = varint();
    if ((key & 7) == 0) {
      varint();
      continue;
    }
    BOOST_TEST_REQUIRE((key & 7) == 2u, "wire type " << (key & 7) << " at " << at);
    uint64_t n = varint();
    BOOST_TEST_REQUIRE(at + n <= raw.size());
    if (key >> 3 == 6) strings.emplace_back(raw.begin() + at, raw.begin() + at + n);
    at += n;
  }
  BOOST_TEST(at == raw.size());
  BOOST_TEST_REQUIRE(!strings.empty());
  BOOST_TEST(strings[0] == "");
  for (const char* s : {"instructions", "count", "cpu", "nanoseconds", "app.wasm", "parse.c"})
    BOOST_TEST(std::count(strings.begin(), strings.end(), s) == 1, s);
}

BOOST_AUTO_TEST_CASE(empty_profile) {
  Profile p;
  p.nodes.push_back(Node{});
  p.finish();
  Pprof pp;
  std::string out = pp.run("-top", pp.write(p));
  BOOST_TEST(out.find("Type: instructions\n") != std::string::npos);
  BOOST_TEST(out.find("accounting for 0, 0% of 0 total\n") != std::string::npos);
}
