// `timecraft trace` and the live trace (`run -T`, `replay -T`) end to end,
// on recorded runs of test/replay/trace_demo.c:
//  - the header, flags and enums by name (oflags, rights, whence, filetype,
//    unknown bits in hex), failed calls without outputs, poll_oneoff decoded;
//  - --call, --fd, --records, --since/--until, each checked against what
//    the unfiltered JSON says should pass;
//  - -v (whole), -x (hexdumps), JSON/JSONL/YAML typed, base64 for binary;
//  - run -T (stderr and --trace-file) prints what `trace` prints, and
//    replay -T prints the same; usage errors exit 2.
#define BOOST_TEST_MODULE trace_e2e_tests
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A record line: "    12     0.001234  fd_write(...) = ...".
const std::regex kRecordLine(R"(^ *(\d+) +(\d+\.\d{6})  ([a-z_]+)\(.*\) = E[A-Z0-9]+.*$)");

bool is_record_line(const std::string& l) { return std::regex_match(l, kRecordLine); }

uint64_t index_of(const std::string& line) {
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, kRecordLine), line);
  return std::stoull(m[1]);
}

std::string call_of(const std::string& line) {
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, kRecordLine), line);
  return m[3];
}

// The line without its time (the head's second column).
std::string untimed(const std::string& line) {
  std::smatch m;
  if (!std::regex_match(line, m, kRecordLine)) return line;
  return line.substr(0, size_t(m.position(2))) + line.substr(size_t(m.position(2) + m.length(2)));
}

std::string unbase64(const std::string& s) {
  static const std::string abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    auto v = abc.find(c);
    BOOST_REQUIRE_MESSAGE(v != std::string::npos, "not base64: " << s);
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

// The bytes of a {"text"} or {"base64"} value.
std::string bytes_of(const json& v) {
  if (v.contains("text")) return v["text"].get<std::string>();
  BOOST_REQUIRE_MESSAGE(v.contains("base64"), v.dump());
  return unbase64(v["base64"].get<std::string>());
}

std::string hex_bytes(const std::string& b) {
  std::string s;
  char h[4];
  for (unsigned char c : b) {
    std::snprintf(h, sizeof h, " %02x", c);
    s += h;
  }
  return s;
}

struct TraceFixture : CliFixture {
  fs::path dir = root / "d";
  std::string id;
  ProcResult run;  // the recorded run (its id taken off stderr)

  TraceFixture() {
    fs::create_directories(dir);
    run = record({});
    id = take_id(run.err);
  }
  ProcResult record(std::vector<std::string> options) {
    std::vector<std::string> a = {"run"};
    a.insert(a.end(), options.begin(), options.end());
    a.insert(a.end(), {"--dir", dir.string() + ":/d", (programs / "trace_demo.wasm").string()});
    auto r = tc(a);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r;
  }
  std::vector<std::string> args(std::vector<std::string> a) {
    a.insert(a.begin(), "trace");
    a.push_back(id);
    return a;
  }
  json trace_json(std::vector<std::string> opts = {}) {
    opts.insert(opts.begin(), {"-o", "json"});
    auto r = tc(args(opts));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
  }
  // The record lines of `trace` (after the header and the column names).
  std::vector<std::string> body(std::vector<std::string> opts = {}) {
    auto r = tc(args(opts));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto l = split_lines(r.out);
    BOOST_REQUIRE(l.size() >= 2u);
    return {l.begin() + 2, l.end()};
  }
  // The first record line of `call` whose text contains `part`.
  std::string line(const std::string& call, const std::string& part = "") {
    for (const auto& l : body())
      if (call_of(l) == call && contains(l, part)) return l;
    BOOST_FAIL("no " + call + " record with " + part);
    return "";
  }
  const json& record_of(const json& all, const std::string& call,
                        const std::function<bool(const json&)>& pick = {}) {
    for (const auto& r : all)
      if (r["call"] == call && (!pick || pick(r))) return r;
    BOOST_FAIL("no " + call + " record");
    return all[0];
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(trace_e2e, TraceFixture)

BOOST_AUTO_TEST_CASE(text_starts_with_a_header_and_the_column_names) {
  auto r = tc(args({}));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto l = split_lines(r.out);
  size_t n = trace_json().size();
  BOOST_TEST(l[0] == "process " + id + " (trace_demo.wasm), " + std::to_string(n) + " records");
  BOOST_TEST(l[1] == "RECORD      SECONDS  CALL(INPUTS) = ERRNO OUTPUTS <- RETURNED");
  BOOST_REQUIRE_EQUAL(l.size(), n + 2);
  for (size_t i = 2; i < l.size(); ++i) BOOST_TEST(index_of(l[i]) == i - 2, l[i]);
  // A torn log says so in the header (and exits 1, as before).
  fs::path seg = registry / "processes" / id / "log" / "log.000000";
  fs::resize_file(seg, fs::file_size(seg) - 3);
  r = tc(args({}));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(split_lines(r.out)[0].rfind("process " + id + " (trace_demo.wasm), 0 records, torn tail: ", 0) == 0,
             r.out);
}

BOOST_AUTO_TEST_CASE(flags_and_enums_print_by_name) {
  std::string open = line("path_open", "\"a.txt\"");
  BOOST_TEST(contains(open, "oflags=CREAT|TRUNC,"), open);
  BOOST_TEST(contains(open, "dirflags=SYMLINK_FOLLOW,"), open);
  BOOST_TEST(std::regex_search(open, std::regex("rights_base=[A-Z_|]*\\bFD_WRITE\\b")), open);
  BOOST_TEST(contains(open, "fdflags=0)"), open);
  BOOST_TEST(contains(line("fd_seek", "whence=SET"), "fd_seek(fd="));
  BOOST_TEST(contains(line("fd_seek", "whence=END"), "newoffset=16"));
  BOOST_TEST(contains(line("fd_filestat_get"), "stat={filetype=REGULAR_FILE, size=16, mtim="));
  BOOST_TEST(contains(line("fd_prestat_get"), "prestat={tag=DIR, name_len=2}"));
  BOOST_TEST(contains(line("fd_fdstat_get", "fd=3"), "stat={filetype=DIRECTORY, flags=0, rights_base="));
  // A bit no right has: hex after the names.
  BOOST_TEST(contains(line("path_open", "\"odd.txt\""), "oflags=CREAT, rights_base=FD_WRITE|0x10000000000,"));
  // The same as JSON: lists of names, enum names.
  json all = trace_json();
  const json& o = record_of(all, "path_open", [](const json& r) { return r["inputs"]["path"]["text"] == "a.txt"; });
  BOOST_TEST(o["inputs"]["oflags"] == json({"CREAT", "TRUNC"}));
  BOOST_TEST(o["inputs"]["fdflags"] == json::array());
  auto rights = o["inputs"]["rights_base"].get<std::vector<std::string>>();
  BOOST_TEST((std::find(rights.begin(), rights.end(), "FD_WRITE") != rights.end()));
  BOOST_TEST(record_of(all, "fd_filestat_get")["outputs"]["stat"]["filetype"] == "REGULAR_FILE");
  const json& odd = record_of(all, "path_open", [](const json& r) { return r["inputs"]["path"]["text"] == "odd.txt"; });
  BOOST_TEST(odd["inputs"]["rights_base"] == json({"FD_WRITE", "0x10000000000"}));
  std::set<std::string> whences;
  for (const auto& r : all)
    if (r["call"] == "fd_seek") whences.insert(r["inputs"]["whence"].get<std::string>());
  BOOST_TEST((whences == std::set<std::string>{"SET", "END"}));
}

BOOST_AUTO_TEST_CASE(a_failed_call_prints_no_outputs) {
  std::string missing = line("path_open", "\"missing.txt\"");
  BOOST_TEST(missing.ends_with(", fdflags=0) = ENOENT"), missing);
  BOOST_TEST(contains(line("fd_prestat_get", "fd=4"), "(fd=4) = EBADF"));
  BOOST_TEST(!contains(line("fd_prestat_get", "fd=4"), "prestat="));
  json all = trace_json();
  const json& r = record_of(all, "path_open", [](const json& r) { return r["errno"] == "ENOENT"; });
  BOOST_TEST(r["inputs"]["path"]["text"] == "missing.txt");
  BOOST_TEST(r["outputs"] == json::object());
  BOOST_TEST(r["returned"] == json::array());
}

BOOST_AUTO_TEST_CASE(poll_oneoff_subscriptions_and_events_are_decoded) {
  BOOST_TEST(contains(line("poll_oneoff"),
                      "poll_oneoff(subscriptions=[{userdata=0, type=CLOCK, id=REALTIME, timeout=1500000, "
                      "precision=0, flags=0}]) = ESUCCESS events=[{userdata=0, error=ESUCCESS, type=CLOCK}]"));
  json all = trace_json();
  const json& p = record_of(all, "poll_oneoff");
  const json& sub = p["inputs"]["subscriptions"][0];
  BOOST_TEST(sub["type"] == "CLOCK");
  BOOST_TEST(sub["id"] == "REALTIME");
  BOOST_TEST(sub["timeout"] == 1500000);
  BOOST_TEST(sub["flags"] == json::array());
  BOOST_TEST(!sub.contains("fd"));  // the clock arm only
  const json& ev = p["outputs"]["events"][0];
  BOOST_TEST(ev["userdata"] == sub["userdata"]);
  BOOST_TEST(ev["error"] == "ESUCCESS");
  BOOST_TEST(ev["type"] == "CLOCK");
}

BOOST_AUTO_TEST_CASE(call_filter_keeps_only_those_calls) {
  json all = trace_json();
  std::vector<uint64_t> want;
  for (const auto& r : all)
    if (r["call"] == "fd_seek" || r["call"] == "random_get") want.push_back(r["index"]);
  BOOST_REQUIRE(want.size() == 3u);
  for (auto opts : {std::vector<std::string>{"--call", "fd_seek,random_get"},
                    std::vector<std::string>{"--call", "random_get", "--call", "fd_seek"}}) {
    std::vector<uint64_t> got;
    for (const auto& l : body(opts)) got.push_back(index_of(l));
    BOOST_TEST(got == want);
  }
  // The same filter for JSON lines.
  auto r = tc(args({"--call", "fd_seek", "-o", "jsonl"}));
  BOOST_TEST(lines(r.out) == 2u);
  for (const auto& l : split_lines(r.out)) BOOST_TEST(json::parse(l)["call"] == "fd_seek");
}

BOOST_AUTO_TEST_CASE(fd_filter_keeps_calls_on_that_fd) {
  // The file's fd, as the program saw it.
  auto at = run.out.find("fd: ");
  BOOST_REQUIRE(at != std::string::npos);
  int fd = std::stoi(run.out.substr(at + 4));
  json all = trace_json();
  std::vector<uint64_t> want;
  for (const auto& r : all)
    for (const char* k : {"fd", "old_fd", "new_fd", "to"})
      if (r["inputs"].contains(k) && r["inputs"][k] == fd) {
        want.push_back(r["index"]);
        break;
      }
  BOOST_REQUIRE(want.size() >= 6u);  // 2 writes, 2 seeks, the stat, the close
  std::vector<uint64_t> got;
  for (const auto& l : body({"--fd", std::to_string(fd)})) {
    got.push_back(index_of(l));
    BOOST_TEST(contains(l, "(fd=" + std::to_string(fd)), l);
  }
  BOOST_TEST(got == want);
}

BOOST_AUTO_TEST_CASE(records_filter_is_an_inclusive_range) {
  size_t n = trace_json().size();
  auto indexes = [&](const std::string& range) {
    std::vector<uint64_t> got;
    for (const auto& l : body({"--records", range})) got.push_back(index_of(l));
    return got;
  };
  BOOST_TEST(indexes("3..6") == (std::vector<uint64_t>{3, 4, 5, 6}));
  BOOST_TEST(indexes("..2") == (std::vector<uint64_t>{0, 1, 2}));
  std::vector<uint64_t> tail;
  for (uint64_t i = n - 2; i < n; ++i) tail.push_back(i);
  BOOST_TEST(indexes(std::to_string(n - 2) + "..") == tail);
  BOOST_TEST(indexes("5") == (std::vector<uint64_t>{5}));
  BOOST_TEST(indexes(std::to_string(n + 10) + "..").empty());
  // With another filter: both must pass.
  auto r = tc(args({"--records", "0..6", "--call", "fd_write", "-o", "jsonl"}));
  for (const auto& l : split_lines(r.out)) {
    json j = json::parse(l);
    BOOST_TEST(j["call"] == "fd_write");
    BOOST_TEST(j["index"].get<uint64_t>() <= 6u);
  }
  BOOST_TEST(lines(r.out) >= 2u);
}

BOOST_AUTO_TEST_CASE(since_and_until_are_times_from_the_start) {
  json all = trace_json();
  BOOST_REQUIRE(all.size() > 8u);
  uint64_t a = all[3]["time_ns"], b = all[all.size() - 3]["time_ns"];
  auto indexes = [&](std::vector<std::string> opts) {
    std::vector<uint64_t> got;
    for (const auto& l : body(opts)) got.push_back(index_of(l));
    return got;
  };
  auto want = [&](uint64_t since, uint64_t until) {
    std::vector<uint64_t> w;
    for (const auto& r : all)
      if (r["time_ns"] >= since && r["time_ns"] < until) w.push_back(r["index"]);
    return w;
  };
  BOOST_TEST(indexes({"--since", std::to_string(a) + "ns", "--until", std::to_string(b) + "ns"}) ==
             want(a, b));
  // Units: 1.5ms is 1500000 ns, 0.0015s the same, 1500us too.
  auto ms = indexes({"--since", "1.5ms"});
  BOOST_TEST(ms == want(1500000, UINT64_MAX));
  BOOST_TEST(indexes({"--since", "0.0015s"}) == ms);
  BOOST_TEST(indexes({"--since", "1500us"}) == ms);
  BOOST_TEST(indexes({"--until", "1000"}).size() == all.size());  // seconds
}

BOOST_AUTO_TEST_CASE(verbose_prints_bytes_whole_and_every_member) {
  std::string whole = "long: " + std::string(100, 'x');
  std::string cut = line("fd_write", "long: ");
  BOOST_TEST(!contains(cut, whole));
  BOOST_TEST(contains(cut, "...\""), cut);
  bool found = false;
  for (const auto& l : body({"-v"})) {
    if (contains(l, whole)) found = true;
    if (call_of(l) == "fd_filestat_get") BOOST_TEST(contains(l, "stat={dev="), l);
    if (call_of(l) == "fd_fdstat_get") BOOST_TEST(contains(l, ", rights_inheriting="), l);
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(hexdump_shows_the_bytes_under_their_record) {
  auto r = tc(args({"-x", "--call", "fd_write,random_get"}));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto l = split_lines(r.out);
  std::string pad(21, ' ');
  auto at = std::find_if(l.begin(), l.end(), [](const std::string& s) {
    return contains(s, "fd_write(fd=4, iovs=[12 bytes]) = ESUCCESS nwritten=12");
  });
  BOOST_REQUIRE(at != l.end());
  BOOST_TEST(at[1] == pad + "iovs[0] (12 bytes):");
  BOOST_TEST(at[2] == pad + "00000000  68 65 6c 6c 6f 20 74 72  61 63 65 0a" + std::string(14, ' ') +
                          "|hello trace.|");
  BOOST_TEST(is_record_line(at[3]), at[3]);
  // The bytes returned by random_get: the ones the program printed.
  at = std::find_if(l.begin(), l.end(), [](const std::string& s) { return contains(s, "random_get("); });
  BOOST_REQUIRE(at != l.end());
  BOOST_TEST(contains(*at, "= ESUCCESS <- 16 bytes"), *at);
  BOOST_TEST(at[1] == pad + "returned (16 bytes):");
  std::string printed = run.out.substr(run.out.find("random:") + 8, 47);  // "59 14 ... 48"
  std::string dumped = at[2].substr(pad.size() + 10, 48);  // the same, with a gap after 8
  BOOST_REQUIRE_EQUAL(dumped.substr(23, 2), "  ");
  BOOST_TEST(dumped.erase(23, 1) == printed);
}

BOOST_AUTO_TEST_CASE(json_jsonl_and_yaml_are_typed) {
  json all = trace_json();
  BOOST_REQUIRE(all.is_array());
  for (size_t i = 0; i < all.size(); ++i) {
    const json& r = all[i];
    BOOST_TEST(r["index"].is_number_unsigned());
    BOOST_TEST(r["index"] == i);
    BOOST_TEST(r["time_ns"].is_number_unsigned());
    BOOST_TEST(r["call"].is_string());
    BOOST_TEST(r["inputs"].is_object());
    BOOST_TEST(r["errno"].is_string());
    BOOST_TEST(r["outputs"].is_object());
    BOOST_TEST(r["returned"].is_array());
  }
  const json& w = record_of(all, "fd_write", [](const json& r) { return r["inputs"]["fd"] == 4; });
  BOOST_TEST(w["inputs"]["fd"].is_number_unsigned());
  BOOST_TEST(w["inputs"]["iovs"] == json::parse(R"([{"text": "hello trace\n"}])"));
  BOOST_TEST(w["outputs"]["nwritten"] == 12);
  // JSON lines: the same objects, one a line, in the order of the array.
  auto r = tc(args({"-o", "jsonl"}));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  auto l = split_lines(r.out);
  BOOST_REQUIRE_EQUAL(l.size(), all.size());
  for (size_t i = 0; i < l.size(); ++i) BOOST_TEST(json::parse(l[i]) == all[i]);
  // YAML: a list of the same records, numbers bare, names as names.
  const json& seek = record_of(all, "fd_seek", [](const json& r) { return r["inputs"]["whence"] == "END"; });
  std::string k = std::to_string(seek["index"].get<uint64_t>());
  r = tc(args({"-o", "yaml", "--records", k + ".." + k}));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(r.out == "- index: " + k + "\n  time_ns: " + std::to_string(seek["time_ns"].get<uint64_t>()) +
                          "\n  call: fd_seek\n  inputs:\n    fd: " + seek["inputs"]["fd"].dump() +
                          "\n    offset: 0\n    whence: END\n  errno: ESUCCESS\n  outputs:\n"
                          "    newoffset: 16\n  returned: []\n");
  r = tc(args({"-o", "yaml"}));
  BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') > 0);
  size_t items = 0;
  for (const auto& y : split_lines(r.out)) items += y.rfind("- index: ", 0) == 0;
  BOOST_TEST(items == all.size());
}

BOOST_AUTO_TEST_CASE(binary_bytes_are_base64_and_text_is_text) {
  json all = trace_json();
  const json& bin = record_of(all, "fd_write", [](const json& r) {
    return r["inputs"]["fd"] == 4 && r["outputs"]["nwritten"] == 4;
  });
  BOOST_TEST(bin["inputs"]["iovs"] == json::parse(R"([{"base64": "/wD+YQ=="}])"));
  // random_get's 16 bytes, whichever way they are marked, are what the program printed.
  const json& rnd = record_of(all, "random_get");
  BOOST_REQUIRE_EQUAL(rnd["returned"].size(), 1u);
  std::string printed = run.out.substr(run.out.find("random:") + 7, 48);
  BOOST_TEST(hex_bytes(bytes_of(rnd["returned"][0])) == printed);
  // Text is whole: the long line is not cut.
  const json& lw = record_of(all, "fd_write", [](const json& r) {
    return contains(r["inputs"]["iovs"][0].value("text", ""), "long: ");
  });
  std::string written;
  for (const auto& b : lw["inputs"]["iovs"]) written += bytes_of(b);
  BOOST_TEST(written == "long: " + std::string(100, 'x') + "|end\n");
}

BOOST_AUTO_TEST_CASE(run_trace_prints_what_trace_prints) {
  // To stderr, between the guest's own lines, each line whole.
  auto live = record({"-T"});
  std::string live_id = take_id(live.err);
  auto err = split_lines(live.err);
  std::vector<std::string> traced;
  for (size_t i = 0; i < err.size(); ++i) {
    if (err[i] == "to stderr") {
      // The guest's line came out during its fd_write, whose line follows.
      BOOST_REQUIRE(i + 1 < err.size());
      BOOST_TEST(contains(err[i + 1], "fd_write(fd=2, iovs=[\"\", \"to stderr\\n\"])"), err[i + 1]);
      continue;
    }
    BOOST_TEST(is_record_line(err[i]), err[i]);
    traced.push_back(err[i]);
  }
  id = live_id;
  BOOST_TEST(traced == body());  // times too: the live line is the record's
  // What was recorded is unchanged: the calls of a run without -T.
  auto calls = [](const std::vector<std::string>& ls) {
    std::vector<std::string> c;
    for (const auto& l : ls) c.push_back(call_of(l));
    return c;
  };
  auto second = record({});
  id = take_id(second.err);
  std::vector<std::string> plain = body();
  BOOST_TEST(calls(traced) == calls(plain));

  // To a file: stderr keeps only the id and the guest's line.
  fs::path file = root / "trace.txt";
  spit(file, "old content, truncated\n");
  auto to_file = record({"--trace-file", file.string()});
  id = take_id(to_file.err);
  BOOST_TEST(to_file.err == "to stderr\n");
  BOOST_TEST(split_lines(slurp(file)) == body());
  // Not recorded: the same calls, printed all the same.
  auto blind = tc({"run", "--no-record", "-T", "--dir", dir.string() + ":/d",
                   (programs / "trace_demo.wasm").string()});
  BOOST_TEST(blind.exit_code == 0);
  std::vector<std::string> blind_lines;
  for (const auto& l : split_lines(blind.err))
    if (l != "to stderr") blind_lines.push_back(l);
  BOOST_TEST(calls(blind_lines) == calls(plain));
}

BOOST_AUTO_TEST_CASE(replay_trace_is_the_live_trace) {
  fs::path file = root / "live.txt";
  auto live = record({"--trace-file", file.string()});
  id = take_id(live.err);
  auto live_lines = split_lines(slurp(file));
  BOOST_REQUIRE(live_lines.size() > 10u);
  auto rep = tc({"replay", "-q", "-T", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  auto rep_lines = split_lines(rep.err);
  BOOST_REQUIRE_EQUAL(rep_lines.size(), live_lines.size());
  for (size_t i = 0; i < rep_lines.size(); ++i) BOOST_TEST(untimed(rep_lines[i]) == untimed(live_lines[i]));
  BOOST_TEST(rep_lines == live_lines);  // the recorded times, in fact
  // --trace-file, with the program's output echoed as usual.
  fs::path again = root / "replayed.txt";
  rep = tc({"replay", "--trace-file", again.string(), id});
  BOOST_TEST(rep.exit_code == 0);
  BOOST_TEST(rep.out == live.out);
  BOOST_TEST(rep.err == "to stderr\n");
  BOOST_TEST(split_lines(slurp(again)) == live_lines);
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_usage_error) {
  auto r = tc(args({"--call", "fd_wrte"}));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "--call fd_wrte: no such WASI call; did you mean \"fd_write\"?"), r.err);
  BOOST_TEST(r.out == "");
  r = tc(args({"--records", "5..2"}));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "--records 5..2: the range is empty"), r.err);
  for (auto bad : std::vector<std::vector<std::string>>{
           {"--records", "x..3"}, {"--records", ".."}, {"--fd", "-1"}, {"--since", "abc"},
           {"--since", "2s", "--until", "1s"}, {"--until", "1h"}, {"-o", "xml"},
           {"-v", "-o", "json"}, {"-x", "-o", "jsonl"}}) {
    r = tc(args(bad));
    BOOST_TEST(r.exit_code == 2, bad[0] << " " << bad[1] << ": " << r.err);
    BOOST_TEST(r.out == "");
  }
  // A trace file that cannot be created: nothing runs, nothing is recorded.
  size_t before = std::distance(fs::directory_iterator(registry / "processes"), {});
  r = tc({"run", "--trace-file", (root / "no/such/dir/t.txt").string(), (programs / "trace_demo.wasm").string()});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(size_t(std::distance(fs::directory_iterator(registry / "processes"), {})) == before);
}

BOOST_AUTO_TEST_CASE(help_comes_from_the_option_tables) {
  auto r = tc({"help", "trace"});
  BOOST_TEST(r.exit_code == 0);
  for (const char* o : {"--call NAMES", "--fd N", "--records A..B", "--since TIME", "--until TIME",
                        "-v, --verbose", "-x, --hexdump", "jsonl"})
    BOOST_TEST(contains(r.out, o), o);
  for (const char* cmd : {"run", "replay"}) {
    r = tc({"help", cmd});
    BOOST_TEST(contains(r.out, "-T, --trace"), cmd);
    BOOST_TEST(contains(r.out, "--trace-file FILE"), cmd);
  }
}

BOOST_AUTO_TEST_SUITE_END()
