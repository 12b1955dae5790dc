// `timecraft describe process` through the real CLI: the original
// Timecraft's lines in its form (ID, Start in local RFC 1123 time, Runtime,
// Modules, Args, Env hidden unless -v), then ours (Status, Duration,
// Platform, Dirs, Limits), the Records line and the 8-column segment table,
// checked against the process.json and the log's segment files read here
// independently; -o json's typed schema; several ids, and a wrong one
// among them.
#define BOOST_TEST_MODULE describe_e2e_tests
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

// RFC 1123 of a UTC time shifted by `offset_s`, named `zone`, written out
// here rather than with strftime (which the tool uses).
std::string rfc1123(int64_t unix_ns, int64_t offset_s, const std::string& zone) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = std::time_t(unix_ns / 1000000000 + offset_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %d %02d:%02d:%02d ", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf + zone;
}

// What the segment files hold, from their headers (trace/log_format.hpp:
// a 32-byte segment header, then per batch a 56-byte header with count at
// 4, first_time at 16, last_time at 24 and stored_size at 36).
struct SegmentFile {
  uint64_t size = 0, records = 0, batches = 0, stored = 0, first_time = 0, last_time = 0;
};

template <class T>
T at(const std::string& bytes, size_t off) {
  T v{};
  std::memcpy(&v, bytes.data() + off, sizeof v);
  return v;
}

std::vector<SegmentFile> read_segments(const fs::path& log_dir) {
  std::vector<SegmentFile> segs;
  for (int i = 0;; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "log.%06d", i);
    if (!fs::exists(log_dir / name)) break;
    std::string b = slurp(log_dir / name);
    SegmentFile s;
    s.size = b.size();
    for (size_t off = 32; off + 56 <= b.size(); off += 56 + at<uint32_t>(b, off + 36)) {
      if (s.batches++ == 0) s.first_time = at<uint64_t>(b, off + 16);
      s.records += at<uint32_t>(b, off + 4);
      s.stored += at<uint32_t>(b, off + 36);
      s.last_time = at<uint64_t>(b, off + 24);
    }
    segs.push_back(s);
  }
  return segs;
}

// A table line's cells: what is between runs of two or more spaces.
std::vector<std::string> columns(const std::string& line) {
  std::vector<std::string> v;
  std::regex gap("  +");
  for (std::sregex_token_iterator it(line.begin(), line.end(), gap, -1), end; it != end; ++it)
    v.push_back(*it);
  return v;
}

std::vector<std::string> table_header() {
  return {"SEGMENT", "RECORDS", "BATCHES", "DURATION", "SIZE",
          "UNCOMPRESSED SIZE", "COMPRESSED SIZE", "COMPRESSION RATIO"};
}

struct Fixture : CliFixture {
  Fixture() { ::setenv("TZ", "UTC", 1); }
  ~Fixture() { ::unsetenv("TZ"); }

  json meta(const std::string& id) { return json::parse(slurp(process_json(id))); }

  // args_env.wasm with two variables, an argument with a space and a
  // preopened directory; it exits 7.
  std::string record_args_env() {
    fs::create_directories(root / "data");
    auto r = tc({"run", "--env", "FOO=bar", "--env", "X=1", "--dir", (root / "data").string() + ":/data",
                 (programs / "args_env.wasm").string(), "a b", "c"});
    BOOST_REQUIRE_EQUAL(r.exit_code, 7);
    return take_id(r.err);
  }

  // A module making `calls` random_get calls of 64 bytes each.
  std::string record_random(int calls, const std::vector<std::string>& run_options = {}) {
    auto wat = write("random.wat",
                     "(module (import \"wasi_snapshot_preview1\" \"random_get\""
                     " (func $r (param i32 i32) (result i32)))"
                     " (memory (export \"memory\") 1)"
                     " (func (export \"_start\") (local $i i32)"
                     "  (loop $l (drop (call $r (i32.const 0) (i32.const 64)))"
                     "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                     "   (br_if $l (i32.lt_u (local.get $i) (i32.const " + std::to_string(calls) + "))))))\n");
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), run_options.begin(), run_options.end());
    args.push_back(wat.string());
    auto r = tc(args);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return take_id(r.err);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(describe_process, Fixture)

BOOST_AUTO_TEST_CASE(text_has_the_originals_lines_then_ours) {
  std::string id = record_args_env();
  json m = meta(id);
  auto d = tc({"describe", "process", id});
  BOOST_TEST(d.exit_code == 0, d.err);
  BOOST_TEST(d.err == "");
  auto l = split_lines(d.out);
  BOOST_REQUIRE_GE(l.size(), 21u);
  BOOST_TEST(l[0] == "ID:      " + id);
  std::smatch start;
  BOOST_TEST(std::regex_match(l[1], start, std::regex("Start:   ([0-9]+)s ago, (.*)")), l[1]);
  BOOST_TEST(start[2].str() == rfc1123(m["start_unix_ns"].get<int64_t>(), 0, "UTC"));
  std::string version = m["runtime"]["version"], build = m["runtime"]["build"];
  BOOST_TEST(!version.empty());
  BOOST_TEST(std::regex_match(build, std::regex("[0-9a-f]{40}")), build);  // a GNU build id
  BOOST_TEST(l[2] == "Runtime: timecraft (" + version + " " + build + ")");
  BOOST_TEST(l[3] == "Modules:");
  // The full digest: the module file's own sha256.
  auto sum = run_process({"/usr/bin/sha256sum", (programs / "args_env.wasm").string()});
  std::string digest = sum.out.substr(0, 64);
  BOOST_TEST(std::regex_match(l[4], std::regex("  sha256:" + digest + ": args_env\\.wasm \\([0-9.]+ KiB\\)")), l[4]);
  BOOST_TEST(l[5] == "Args:");
  BOOST_TEST(l[6] == "  args_env.wasm");
  BOOST_TEST(l[7] == "  a b");  // one argument, one line
  BOOST_TEST(l[8] == "  c");
  BOOST_TEST(l[9] == "Env:");
  BOOST_TEST(l[10] == "  ...");
  BOOST_TEST(!contains(d.out, "FOO=bar"));
  BOOST_TEST(l[11] == "Status:   exited 7");
  BOOST_TEST(std::regex_match(l[12], std::regex("Duration: [0-9.]+(ns|us|ms|s)")), l[12]);
  BOOST_TEST(l[13].rfind("Platform: " + m["platform"]["arch"].get<std::string>(), 0) == 0u, l[13]);
  BOOST_TEST(l[14] == "Dirs:");
  BOOST_TEST(l[15] == "  " + (root / "data").string() + " -> /data");
  BOOST_TEST(l[16] == "Limits:   call depth 10000, memory 65536 pages");
  BOOST_TEST(std::regex_match(l[17], std::regex("Records: [0-9]+, 1 batch\\(es\\), 1 segment\\(s\\), "
                                                "[0-9.]+ K?i?B/[0-9.]+ K?i?B \\+[0-9.]+ K?i?B "
                                                "\\(compression: -?[0-9]+\\.[0-9]{2}%\\)")),
             l[17]);
  BOOST_TEST(l[18] == "---");
  BOOST_TEST(columns(l[19]) == table_header(), l[19]);
  BOOST_TEST(l.size() == 21u, d.out);  // one segment: one row
  auto row = columns(l[20]);
  BOOST_REQUIRE_EQUAL(row.size(), 8u);
  BOOST_TEST(row[0] == "0");
  BOOST_TEST(l[17].substr(9, l[17].find(',') - 9) == row[1]);  // records, as the Records line says

  auto v = tc({"describe", "process", "-v", id});
  BOOST_TEST(v.exit_code == 0);
  auto lv = split_lines(v.out);
  BOOST_REQUIRE_GE(lv.size(), 13u);
  BOOST_TEST(lv[9] == "Env:");
  BOOST_TEST(lv[10] == "  FOO=bar");
  BOOST_TEST(lv[11] == "  X=1");
  BOOST_TEST(lv[12] == "Status:   exited 7");
  BOOST_TEST(contains(v.out, "\nSEGMENT   OFFSET   FIRST   RECORDS   SIZE   "), v.out);  // the batches
}

BOOST_AUTO_TEST_CASE(start_is_in_the_local_time_zone) {
  std::string id = record_args_env();
  int64_t start = meta(id)["start_unix_ns"];
  ::setenv("TZ", "AEST-10", 1);  // POSIX form: UTC+10, named AEST
  auto d = tc({"describe", "process", id});
  auto l = split_lines(d.out);
  BOOST_REQUIRE_GE(l.size(), 2u);
  BOOST_TEST(l[1].substr(l[1].find(", ") + 2) == rfc1123(start, 10 * 3600, "AEST"), l[1]);
}

BOOST_AUTO_TEST_CASE(the_table_has_a_row_per_segment) {
  write("config.yaml", "log:\n  segment-size: 4KiB\n");
  std::string id = record_random(150, {"--record-batch-size", "7"});
  auto files = read_segments(registry / "processes" / id / "log");
  BOOST_REQUIRE_GE(files.size(), 3u);
  auto d = tc({"describe", "process", id});
  BOOST_TEST(d.exit_code == 0, d.err);
  auto l = split_lines(d.out);
  auto dash = std::find(l.begin(), l.end(), "---");
  BOOST_REQUIRE(dash != l.end());
  BOOST_REQUIRE_EQUAL(size_t(l.end() - dash), 2 + files.size());  // "---", header, the rows
  BOOST_TEST(columns(dash[1]) == table_header(), dash[1]);
  uint64_t total = 0, batches = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    auto row = columns(dash[2 + i]);
    BOOST_REQUIRE_EQUAL(row.size(), 8u);
    BOOST_TEST(row[0] == std::to_string(i));
    BOOST_TEST(row[1] == std::to_string(files[i].records), "segment " << i);
    BOOST_TEST(row[2] == std::to_string(files[i].batches), "segment " << i);
    BOOST_TEST(std::regex_match(row[3], std::regex("[0-9.]+(ns|us|ms|s)")), row[3]);
    BOOST_TEST(std::regex_match(row[7], std::regex("-?[0-9]+\\.[0-9]{2}%")), row[7]);
    total += files[i].records;
    batches += files[i].batches;
  }
  BOOST_TEST(total == 150u);  // one record per call
  BOOST_TEST(batches == (150u + 6) / 7);
  BOOST_TEST(contains(d.out, "\nRecords: 150, " + std::to_string(batches) + " batch(es), " +
                                 std::to_string(files.size()) + " segment(s), "),
             d.out);

  auto j = tc({"describe", "process", "-o", "json", id});
  BOOST_TEST(j.exit_code == 0, j.err);
  json o = json::parse(j.out);
  const json& segs = o["log"]["segments"];
  BOOST_REQUIRE(segs.is_array());
  BOOST_REQUIRE_EQUAL(segs.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    BOOST_TEST(segs[i]["index"] == i);
    BOOST_TEST(segs[i]["records"] == files[i].records);
    BOOST_TEST(segs[i]["batches"] == files[i].batches);
    BOOST_TEST(segs[i]["size"] == files[i].size);
    BOOST_TEST(segs[i]["compressed"] == files[i].stored);
    BOOST_TEST(segs[i]["duration_ns"] == files[i].last_time - files[i].first_time);
    BOOST_TEST(segs[i]["ratio"].is_number());
    BOOST_TEST(segs[i]["batch_list"] == json::array());  // without -v
  }
  auto jv = json::parse(tc({"describe", "process", "-o", "json", "-v", id}).out);
  BOOST_TEST(jv["log"]["segments"][0]["batch_list"].size() == files[0].batches);
  BOOST_TEST(jv["log"]["segments"][0]["batch_list"][0]["records"] == 7);
}

BOOST_AUTO_TEST_CASE(json_fields_are_typed) {
  std::string id = record_args_env();
  json m = meta(id);
  auto r = tc({"describe", "process", "-o", "json", id});
  BOOST_TEST(r.exit_code == 0, r.err);
  json o = json::parse(r.out);
  BOOST_REQUIRE(o.is_object());  // one id: one object
  BOOST_TEST(o["id"] == id);
  BOOST_TEST(std::regex_match(o["start"].get<std::string>(),
                              std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")));
  BOOST_TEST(o["start_unix_ns"].is_number_integer());
  BOOST_TEST(o["start_unix_ns"] == m["start_unix_ns"]);
  BOOST_TEST(o["end_unix_ns"].is_number_integer());
  BOOST_TEST(o["duration_ns"] == o["end_unix_ns"].get<int64_t>() - o["start_unix_ns"].get<int64_t>());
  BOOST_TEST(o["status"] == "exited");
  BOOST_TEST(o["exit_code"] == 7);
  BOOST_TEST(o["message"] == "");
  BOOST_TEST(o["runtime"]["name"] == "timecraft");
  BOOST_TEST(o["runtime"]["build"] == m["runtime"]["build"]);
  BOOST_TEST(o["modules"].size() == 1u);
  BOOST_TEST(o["modules"][0]["digest"] == "sha256:" + m["module"]["digest"].get<std::string>());
  BOOST_TEST(o["modules"][0]["size"] == fs::file_size(programs / "args_env.wasm"));
  BOOST_TEST(o["args"] == json::array({"args_env.wasm", "a b", "c"}));
  BOOST_TEST(o["env"] == json::array());  // hidden, but a list
  BOOST_TEST(o["env_count"] == 2);
  BOOST_TEST(o["dirs"][0]["guest"] == "/data");
  BOOST_TEST(o["limits"]["max_call_depth"] == 10000);
  const json& log = o["log"];
  for (const char* k : {"records", "batches", "compressed_bytes", "uncompressed_bytes", "overhead_bytes"})
    BOOST_TEST(log[k].is_number_unsigned(), k);
  BOOST_TEST(log["compression_ratio"].is_number_float());
  BOOST_TEST(log["torn_tail"].is_null());
  BOOST_TEST(log["error"].is_null());
  BOOST_TEST(log["recording_error"].is_null());

  auto v = json::parse(tc({"describe", "process", "-o", "json", "-v", id}).out);
  BOOST_TEST(v["env"] == json::array({"FOO=bar", "X=1"}));
  BOOST_TEST(v["env_count"] == 2);

  auto y = tc({"describe", "process", "-o", "yaml", id});
  BOOST_TEST(y.exit_code == 0);
  BOOST_TEST(contains(y.out, "\nenv: []\n"), y.out);
  BOOST_TEST(contains(y.out, "\nenv_count: 2\n"), y.out);
  BOOST_TEST(contains(y.out, "\nexit_code: 7\n"), y.out);
}

BOOST_AUTO_TEST_CASE(a_run_with_no_end_has_nulls_and_no_duration) {
  std::string id = record_args_env();
  std::string text = slurp(process_json(id));
  json m = json::parse(text);
  m["end_unix_ns"] = 0;  // as a killed run leaves it
  m["exit"] = {{"status", "running"}, {"code", 0}, {"message", ""}};
  spit(process_json(id), m.dump(2));
  json o = json::parse(tc({"describe", "process", "-o", "json", id}).out);
  BOOST_TEST(o["status"] == "killed");  // no run holds it: it cannot be running
  BOOST_TEST(o["end_unix_ns"].is_null());
  BOOST_TEST(o["duration_ns"].is_null());
  BOOST_TEST(o["exit_code"].is_null());
  auto d = tc({"describe", "process", id});
  BOOST_TEST(contains(d.out, "\nStatus:   killed\n"), d.out);
  BOOST_TEST(!contains(d.out, "Duration:"), d.out);
}

BOOST_AUTO_TEST_CASE(status_says_how_it_ended) {
  auto t = tc({"run", (programs / "trap.wasm").string()});
  std::string trapped = take_id(t.err);
  auto d = tc({"describe", "process", trapped});
  BOOST_TEST(std::regex_search(d.out, std::regex("\nStatus:   trapped: [^\n]+\n")), d.out);

  std::string id = record_args_env();
  json m = meta(id);
  m["exit"] = {{"status", "interrupted"}, {"code", 130}, {"message", "SIGINT"}};
  spit(process_json(id), m.dump(2));
  d = tc({"describe", "process", id});
  BOOST_TEST(contains(d.out, "\nStatus:   interrupted (SIGINT)\n"), d.out);
  BOOST_TEST(json::parse(tc({"describe", "process", "-o", "json", id}).out)["exit_code"] == 130);
}

BOOST_AUTO_TEST_CASE(several_ids_are_shown_in_turn) {
  std::string a = record_args_env(), b = record_random(3);
  auto d = tc({"describe", "process", b, a.substr(0, 8)});
  BOOST_TEST(d.exit_code == 0, d.err);
  BOOST_TEST(d.err == "");
  auto at_b = d.out.find("ID:      " + b + "\n"), at_a = d.out.find("\n\nID:      " + a + "\n");
  BOOST_TEST(at_b == 0u, d.out);
  BOOST_TEST(at_a != std::string::npos, d.out);
  BOOST_TEST(d.out.find("\n\n") == at_a, d.out);  // one blank line, between the two
  BOOST_TEST(d.out.find("SEGMENT   RECORDS") < at_a);
  BOOST_TEST(d.out.find("SEGMENT   RECORDS", at_a) != std::string::npos);

  auto j = tc({"describe", "process", "-o", "json", b, a});
  BOOST_TEST(j.exit_code == 0, j.err);
  json arr = json::parse(j.out);
  BOOST_REQUIRE(arr.is_array());
  BOOST_REQUIRE_EQUAL(arr.size(), 2u);
  BOOST_TEST(arr[0]["id"] == b);
  BOOST_TEST(arr[1]["id"] == a);
  BOOST_TEST(arr[0]["log"]["records"] == 3);
  auto y = tc({"describe", "process", "-o", "yaml", b, a});
  BOOST_TEST(y.out.rfind("- ", 0) == 0u, y.out);
  BOOST_TEST(contains(y.out, "\n- "), y.out);
}

BOOST_AUTO_TEST_CASE(a_wrong_id_among_good_ones_is_an_error_and_the_others_are_shown) {
  std::string a = record_args_env(), b = record_random(3);
  auto d = tc({"describe", "process", a, "zzzz", b});
  BOOST_TEST(d.exit_code == 1);
  BOOST_TEST(one_error_line(d), d.err);
  BOOST_TEST(contains(d.err, "\"zzzz\""), d.err);
  BOOST_TEST(d.out.find("ID:      " + a + "\n") == 0u, d.out);
  BOOST_TEST(contains(d.out, "\n\nID:      " + b + "\n"), d.out);

  auto j = tc({"describe", "process", "-o", "json", a, "zzzz", b});
  BOOST_TEST(j.exit_code == 1);
  BOOST_TEST(one_error_line(j), j.err);
  json arr = json::parse(j.out);
  BOOST_REQUIRE(arr.is_array());
  BOOST_REQUIRE_EQUAL(arr.size(), 2u);
  BOOST_TEST(arr[0]["id"] == a);
  BOOST_TEST(arr[1]["id"] == b);

  auto only = tc({"describe", "process", "-o", "json", "zzzz"});
  BOOST_TEST(only.exit_code == 1);
  BOOST_TEST(only.out == "");
  BOOST_TEST(one_error_line(only), only.err);
}

BOOST_AUTO_TEST_CASE(a_module_or_profile_takes_one_id) {
  std::string a = record_args_env();
  std::string digest = meta(a)["module"]["digest"];
  BOOST_TEST(tc({"describe", "module", digest}).exit_code == 0);
  auto two = tc({"describe", "module", digest, digest});
  BOOST_TEST(two.exit_code == 2);
  BOOST_TEST(contains(two.err, "one ID"), two.err);
}

BOOST_AUTO_TEST_SUITE_END()
