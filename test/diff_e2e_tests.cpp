// `timecraft diff` end to end, on recorded runs of test/replay/flaky.c (it
// fails when a random byte is odd):
//  - a good and a bad run part at the random_get record, at the index
//    `timecraft trace` shows for it; the common count, per-call counts and
//    the JSON output (records as `trace -o json` shows them) agree with trace;
//  - a run diffed with itself is the same (exit 0);
//  - runs of two builds part at the first fd_write whose bytes differ;
//  - a torn log is compared as far as it reads;
//  - usage errors exit 2; an unknown or ambiguous id is a one-line error.
#define BOOST_TEST_MODULE diff_e2e_tests
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

std::vector<std::string> split_lines(const std::string& s);

struct Run {
  std::string id;
  int exit_code = 0;
  int byte = -1;  // the random byte the program printed
};

struct DiffFixture : CliFixture {
  Run record(const std::string& program) {
    auto r = tc({"run", (programs / program).string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0 || r.exit_code == 1, r.err);
    Run run{take_id(r.err), r.exit_code};
    BOOST_REQUIRE_EQUAL(run.id.size(), 36u);
    if (auto at = r.out.find("byte: "); at != std::string::npos)
      run.byte = std::stoi(r.out.substr(at + 6));
    BOOST_REQUIRE(run.byte >= 0);
    BOOST_REQUIRE_EQUAL(run.byte % 2, run.exit_code);  // the program's own rule
    return run;
  }
  // Records runs of flaky.wasm until one passed and one failed.
  std::pair<Run, Run> good_and_bad() {
    std::optional<Run> good, bad;
    for (int i = 0; i < 40 && !(good && bad); ++i) {
      Run r = record("flaky.wasm");
      (r.exit_code == 0 ? good : bad) = r;
    }
    BOOST_REQUIRE_MESSAGE(good && bad, "40 runs, all passing or all failing");
    return {*good, *bad};
  }
  json trace_json(const std::string& id) {
    auto r = tc({"trace", "-o", "json", id});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    return json::parse(r.out);
  }
  // Record `index`'s line of `timecraft trace ID` (text: after the header
  // and the column names).
  std::string trace_line(const std::string& id, uint64_t index) {
    auto r = tc({"trace", id});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    auto all = split_lines(r.out);
    BOOST_REQUIRE(index + 2 < all.size());
    return all[index + 2];
  }
  json diff_json(const std::string& a, const std::string& b, int expect) {
    auto r = tc({"diff", "-o", "json", a, b});
    BOOST_REQUIRE_EQUAL(r.exit_code, expect);
    return json::parse(r.out);
  }
};

// Without spaces: text that was wrapped compares with the unwrapped text.
std::string squeeze(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// The index `timecraft trace` prints for the first record of `call`.
uint64_t trace_index(const json& trace, const std::string& call) {
  for (const auto& r : trace)
    if (r["call"] == call) return r["index"].get<uint64_t>();
  BOOST_FAIL("no " + call + " record");
  return 0;
}

std::map<std::string, uint64_t> call_counts(const json& trace) {
  std::map<std::string, uint64_t> n;
  for (const auto& r : trace) ++n[r["call"].get<std::string>()];
  return n;
}

std::string hex(int byte) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02x", byte);
  return b;
}

// How diff shows a byte: "'c' (0x63)", or "0x03" for one that does not print.
std::string byte_text(int byte) {
  if (byte >= 33 && byte < 127) return std::string("'") + char(byte) + "' (" + hex(byte) + ")";
  return hex(byte);
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The row of `call` in diff's per-call table: {call, count a, count b}.
std::vector<std::string> count_row(const std::string& out, const std::string& call) {
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);)
    if (l.rfind(call + " ", 0) == 0) return words(l);
  return {};
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(diff, DiffFixture)

BOOST_AUTO_TEST_CASE(good_and_bad_runs_part_at_the_random_get) {
  auto [good, bad] = good_and_bad();
  json tg = trace_json(good.id), tb = trace_json(bad.id);
  uint64_t k = trace_index(tg, "random_get");
  BOOST_REQUIRE_EQUAL(trace_index(tb, "random_get"), k);

  auto r = tc({"diff", "-w", "100", good.id, bad.id.substr(0, 8)});
  BOOST_TEST_MESSAGE(r.out);
  BOOST_REQUIRE_EQUAL(r.exit_code, 3);
  BOOST_TEST(r.err == "");
  BOOST_TEST(contains(r.out, "a  " + good.id + "  flaky.wasm "));
  BOOST_TEST(contains(r.out, "b  " + bad.id + "  flaky.wasm "));
  BOOST_TEST(contains(r.out, "first difference, record " + std::to_string(k) + ":\n"));
  BOOST_TEST(contains(r.out, std::to_string(k) + (k == 1 ? " call" : " calls") + " in common, first divergence at record " +
                                 std::to_string(k) + " (random_get)\n"));
  BOOST_TEST(contains(r.out, "\ndiffers: bytes returned differ at offset 0: " +
                                 byte_text(good.byte) + " vs " + byte_text(bad.byte) + "\n"));
  // The bad run exits through proc_exit(1); the good one returns from main.
  BOOST_TEST((count_row(r.out, "proc_exit") == std::vector<std::string>{"proc_exit", "0", "1"}));
  BOOST_TEST((count_row(r.out, "TOTAL") ==
              std::vector<std::string>{"TOTAL", std::to_string(tg.size()), std::to_string(tb.size())}));
  BOOST_TEST(count_row(r.out, "random_get").empty());  // as many in both: not listed

  json d = diff_json(good.id, bad.id, 3);
  BOOST_TEST(d["same"] == false);
  BOOST_TEST(d["common"] == k);
  const json& f = d["first_difference"];
  BOOST_TEST(f["field"] == "returned");
  BOOST_TEST(f["call_a"] == "random_get");
  BOOST_TEST(f["call_b"] == "random_get");
  BOOST_TEST(f["index_a"] == k);
  BOOST_TEST(f["index_b"] == k);
  BOOST_TEST(f["offset"] == 0);
  BOOST_TEST(f["record_a"] == tg[k], f["record_a"].dump());  // as `trace -o json` shows it
  BOOST_TEST(f["record_b"] == tb[k]);
  BOOST_TEST(f["detail"] == "bytes returned differ at offset 0: " + byte_text(good.byte) + " vs " +
                                byte_text(bad.byte));
  BOOST_TEST(d["a"]["id"] == good.id);
  BOOST_TEST(d["a"]["exit_code"] == 0);
  BOOST_TEST(d["b"]["exit_code"] == 1);
  BOOST_TEST(d["a"]["status"] == "exited");
  BOOST_TEST(d["a"]["digest"] == d["b"]["digest"]);  // one module
  BOOST_TEST(d["a"]["records"] == tg.size());
  BOOST_TEST(d["b"]["records"] == tb.size());
  BOOST_TEST(d["a"]["torn"].is_null());
  // Per-call counts over both whole logs.
  auto ng = call_counts(tg), nb = call_counts(tb);
  for (const auto& [call, n] : d["calls"].items()) {
    BOOST_TEST(n[0] == ng[call], call);
    BOOST_TEST(n[1] == nb[call], call);
  }
  for (const auto& [call, n] : ng) BOOST_TEST(d["calls"].contains(call), call);
  for (const auto& [call, n] : nb) BOOST_TEST(d["calls"].contains(call), call);
  // The context: the last common records, a's, with b's time too.
  BOOST_REQUIRE_EQUAL(d["context"].size(), std::min<uint64_t>(k, 3));
  json last = d["context"].back();
  BOOST_TEST(last["time_ns_b"] == tb[k - 1]["time_ns"]);
  last.erase("time_ns_b");
  BOOST_TEST(last == tg[k - 1]);
}

BOOST_AUTO_TEST_CASE(a_run_diffed_with_itself_is_the_same) {
  Run run = record("flaky.wasm");
  json t = trace_json(run.id);
  auto r = tc({"diff", run.id, run.id});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST(contains(r.out, "the runs made the same " + std::to_string(t.size()) + " host calls\n"),
             r.out);
  BOOST_TEST(!contains(r.out, "CALL"));
  r = tc({"diff", "-v", run.id, run.id});
  // -v: every call's counts, those that agree too.
  BOOST_TEST((count_row(r.out, "random_get") == std::vector<std::string>{"random_get", "1", "1"}),
             r.out);
  json d = diff_json(run.id, run.id, 0);
  BOOST_TEST(d["same"] == true);
  BOOST_TEST(d["first_difference"].is_null());
  BOOST_TEST(d["common"] == t.size());
  BOOST_TEST(d["context"].empty());
}

BOOST_AUTO_TEST_CASE(two_builds_part_at_the_first_differing_write) {
  Run first = record("flaky.wasm"), fixed = record("flaky_fixed.wasm");
  json tf = trace_json(first.id);
  uint64_t k = trace_index(tf, "fd_write");
  BOOST_REQUIRE_EQUAL(trace_index(trace_json(fixed.id), "fd_write"), k);
  std::string banner_a = "flaky (first build)", banner_b = "flaky (fixed build)";
  size_t at = size_t(std::mismatch(banner_a.begin(), banner_a.end(), banner_b.begin()).first -
                     banner_a.begin());

  json d = diff_json(first.id, fixed.id, 3);
  BOOST_TEST(d["a"]["digest"] != d["b"]["digest"]);
  const json& f = d["first_difference"];
  BOOST_TEST(f["field"] == "inputs.iovs");
  BOOST_TEST(f["call_a"] == "fd_write");
  BOOST_TEST(f["index_a"] == k);
  BOOST_TEST(f["offset"] == at);
  BOOST_TEST(d["common"] == k);

  auto r = tc({"diff", "-w", "80", first.id, fixed.id});
  BOOST_REQUIRE_EQUAL(r.exit_code, 3);
  std::string want = "differs: input iovs bytes differ at offset " + std::to_string(at) + ": '" +
                     banner_a[at] + "' (" + hex(banner_a[at]) + ") vs '" + banner_b[at] + "'";
  BOOST_TEST(contains(r.out, want), r.out);
  BOOST_TEST(contains(r.out, "first divergence at record " + std::to_string(k) + " (fd_write)"));
  // Side by side within 80 columns, records wrapped, not cut: each column
  // holds all of the record as trace prints it (but for where lines break).
  for (const auto& l : split_lines(r.out)) {
    BOOST_TEST(l.size() <= 80u, l);
    BOOST_TEST((l.empty() || l.back() != ' '), l);
  }
  BOOST_TEST(contains(r.out, " | b " + fixed.id.substr(0, 8)));
  auto rows = split_lines(r.out.substr(r.out.find("first difference")));
  std::string left, right;
  const size_t col = (80 - 3) / 2;
  for (size_t i = 1; i < rows.size() && rows[i].rfind("differs:", 0); ++i) {
    BOOST_REQUIRE(rows[i].size() >= col + 2);
    BOOST_TEST(rows[i].substr(col, 2) == " |");
    left += rows[i].substr(0, col);
    right += rows[i].substr(col + 2);
  }
  BOOST_TEST(contains(squeeze(left), squeeze(trace_line(first.id, k))), left);
  BOOST_TEST(contains(squeeze(right), squeeze(trace_line(fixed.id, k))), right);
  // Narrow: one above the other.
  r = tc({"diff", "-w", "60", first.id, fixed.id});
  BOOST_TEST(!contains(r.out, " | "));
  BOOST_TEST(contains(r.out, "\nb " + fixed.id.substr(0, 8) + " ("));
  for (const auto& l : split_lines(r.out))
    if (l.rfind("a  ", 0) && l.rfind("b  ", 0)) BOOST_TEST(l.size() <= 60u, l);  // but the header
}

BOOST_AUTO_TEST_CASE(a_torn_log_is_compared_as_far_as_it_reads) {
  // One record a batch, so cutting the segment loses only the last record.
  auto r = tc({"run", "--record-batch-size", "1", (programs / "flaky.wasm").string()});
  std::string torn = take_id(r.err);
  int torn_byte = std::stoi(r.out.substr(r.out.find("byte: ") + 6));
  fs::path seg = registry / "processes" / torn / "log" / "log.000000";
  BOOST_REQUIRE(fs::exists(seg));
  fs::resize_file(seg, fs::file_size(seg) - 2);
  r = tc({"trace", "-o", "json", torn});
  BOOST_REQUIRE_EQUAL(r.exit_code, 1);  // torn: trace prints what it reads
  uint64_t readable = json::parse(r.out).size();
  BOOST_REQUIRE(readable >= 3u);  // the random_get (record 2) is still there
  Run other = record("flaky.wasm");
  for (int i = 0; i < 20 && other.byte == torn_byte; ++i) other = record("flaky.wasm");
  BOOST_REQUIRE(other.byte != torn_byte);

  // The runs part before the tear: a certain difference, and a warning.
  r = tc({"diff", other.id, torn});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(contains(r.out, "(random_get)"));
  BOOST_TEST(r.err.rfind("timecraft: warning: b's log (" + torn + ") ends early after " +
                             std::to_string(readable) + " records: ", 0) == 0u, r.err);
  BOOST_TEST(lines(r.err) == 1u);
  // With itself: the same as far as it reads, but that answers nothing.
  r = tc({"diff", torn, torn});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, "cannot tell whether the runs differ: a's log (" + torn + ") ends early"));
  BOOST_TEST(contains(r.out, "as far as both logs could be read"));
  BOOST_TEST(!crashed(r));
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  Run run = record("flaky.wasm");
  for (std::vector<std::string> args : {std::vector<std::string>{"diff"},
                                        {"diff", run.id},
                                        {"diff", run.id, run.id, run.id},
                                        {"diff", "-C", "x", run.id, run.id},
                                        {"diff", "-w", "5", run.id, run.id},
                                        {"diff", "-o", "xml", run.id, run.id},
                                        {"diff", "--bogus", run.id, run.id}}) {
    auto r = tc(args);
    BOOST_TEST(r.exit_code == 2, args.size());
    BOOST_TEST(contains(r.err, "Run 'timecraft help diff' for usage."));
    BOOST_TEST(r.out == "");
  }
  auto r = tc({"diff", run.id});
  BOOST_TEST(contains(r.err, "two process ids are needed"));
  r = tc({"help", "diff"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.out, "Exit status: 0 if the runs made the same host calls, 3 if they differ,"));
}

BOOST_AUTO_TEST_CASE(unknown_and_ambiguous_ids_are_one_line_errors) {
  // Runs until two ids share their first digit (17 at most).
  std::map<char, std::string> by_first;
  std::string shared;
  for (int i = 0; i < 17 && shared.empty(); ++i) {
    Run run = record("flaky.wasm");
    if (by_first.count(run.id[0])) shared = run.id.substr(0, 1);
    by_first[run.id[0]] = run.id;
  }
  BOOST_REQUIRE(!shared.empty());
  std::string some = by_first.begin()->second;

  auto r = tc({"diff", some, "zzzz"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, "no process matches \"zzzz\""));
  r = tc({"diff", shared, some});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, "ambiguous process id \"" + shared + "\""));
  r = tc({"diff", "--registry", (root / "nothing").string(), some, some});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(!crashed(r));
}

BOOST_AUTO_TEST_SUITE_END()
