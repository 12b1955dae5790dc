// timecraft diff ID1 ID2: the first host call where two recorded runs part,
// shown side by side after the records they share, then per-call counts.
// The comparison itself is trace/log_diff; this file only presents it.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/cli.hpp"
#include "tools/columns.hpp"
#include "tools/format.hpp"
#include "tools/number_option.hpp"
#include "tools/record_format.hpp"
#include "trace/call_text.hpp"
#include "trace/decode.hpp"
#include "trace/log_diff.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using json = nlohmann::json;

int cmd_diff(const Args& args);

const CommandSpec& diff_command() {
  static const CommandSpec spec = {
      "diff", "compare two recorded runs host call by host call",
      "diff [-C N] [-v] [-w COLUMNS] [-o text|json|yaml] ID1 ID2",
      "Compares the host calls of two recorded processes in order and shows the\n"
      "first record where they part: the records before it (the same in both),\n"
      "then that record of each run side by side as `timecraft trace` prints it,\n"
      "and what differs: the call, an input (an argument or the bytes the guest\n"
      "passed), the errno, a result, or the bytes returned into guest memory,\n"
      "with the first differing byte. Records are the same when all of these\n"
      "are; their times are never compared. Then a summary: the calls in\n"
      "common and each run's count of the calls whose counts differ. The runs\n"
      "may be of one module or of two builds of it. ID1 and ID2 are process\n"
      "ids or unique prefixes; \"a\" is ID1's run and \"b\" ID2's.\n",
      {
          {"context,C", Option::Value, "N", "common records shown before the difference", "3"},
          {"verbose,v", Option::Flag, "", "count every call, not only those whose counts differ"},
          {"width,w", Option::Value, "COLUMNS",
           "line width (default the terminal's, else $COLUMNS,\n"
           "else 100); under 80 the two records are shown\n"
           "one above the other"},
          kOutputOption,
          kRegistryOption,
      },
      {{"ids", -1}},
      "Example (a good and a bad run of a flaky program):\n"
      "  timecraft diff 3f2a 9e8d\n"
      "  timecraft diff -o json 3f2a 9e8d\n"
      "\n"
      "Exit status: 0 if the runs made the same host calls, 3 if they differ,\n"
      "1 on an error (an unknown or ambiguous id, an unreadable log, or a log\n"
      "that tore before any difference: what was readable is still shown),\n"
      "2 on a usage error.\n",
      cmd_diff};
  return spec;
}

namespace {

struct Side {
  std::string label;  // "a" or "b"
  std::string id;
  std::optional<registry::ProcessMeta> meta;
  std::string meta_error;  // why there is no metadata
  uint64_t records = 0;
  std::optional<std::string> torn;

  std::string name() const { return label + " " + id.substr(0, 8); }
  std::string status() const {
    if (!meta) return "?";
    if (meta->status == "exited") return "exited " + std::to_string(meta->exit_code);
    if (meta->status == "truncated")
      return "truncated (exit " + std::to_string(meta->exit_code) + ")";
    return meta->status;
  }
};

size_t default_width() {
  winsize ws{};
  if (::isatty(1) && ::ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"))
    if (auto n = parse_number_option("COLUMNS", c, 20, 10000)) return size_t(*n);
  return 100;
}

// A record as `timecraft trace` prints it, in two parts: the index and
// time, then the call (for one that does not decode: its call and why).
struct RecordText {
  std::string head, call;
  std::string line() const { return head + call; }
};

RecordText record_text(const trace::OwnedRecord& r) {
  auto c = trace::decode_record(r.view());
  return {trace::record_head(r.index, r.time_ns),
          c ? c->to_string() : trace::call_name(r.call_id) + ": " + c.error().message};
}

json record_json(const trace::OwnedRecord& r) {
  auto c = trace::decode_record(r.view());
  if (c) return trace_json(*c);
  return {{"index", r.index}, {"time_ns", r.time_ns}, {"call", trace::call_name(r.call_id)},
          {"error", c.error().message}};
}

// The width of a record's head, where its wrapped lines resume.
constexpr size_t kRecordIndent = trace::kRecordHeadWidth;
// Columns narrower than this show a record's head on a line of its own
// and wrap the call under it, not beside it.
constexpr size_t kNarrowColumn = 60;

void print_wrapped(const std::string& line, size_t width, size_t indent) {
  for (const auto& l : wrap_line(line, width, indent)) std::cout << l << "\n";
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "a  <id>  flaky.wasm ebb6f36501f9  exited 0", module names aligned.
void print_header(const Side& a, const Side& b) {
  auto module = [](const Side& s) {
    return s.meta ? s.meta->module_name + " " + s.meta->module_digest.substr(0, 12)
                  : "(" + s.meta_error + ")";
  };
  size_t w = std::max(module(a).size(), module(b).size());
  for (const Side* s : {&a, &b}) {
    std::string m = module(*s);
    m.resize(w, ' ');
    std::cout << s->label << "  " << s->id << "  " << m << "  " << s->status() << "\n";
  }
}

void print_difference(const trace::LogDiff& d, const Side& a, const Side& b, size_t width) {
  const auto& f = *d.first;
  uint64_t index = f.a ? f.a->index : f.b->index;
  std::cout << "\nfirst difference, record " << index << ":\n";
  size_t col = (width - 3) / 2;
  bool split = width >= 80 && col < kNarrowColumn;
  auto column = [&](const Side& s, const std::optional<trace::OwnedRecord>& r) {
    std::vector<std::string> lines = {s.name() + " (" + s.status() + ")"};
    if (!r) {
      lines.push_back(s.torn ? "(the log tore here)" : "(the log ends here)");
    } else if (auto t = record_text(*r); split) {
      lines.push_back(t.head);
      lines.push_back(t.call);
    } else {
      lines.push_back(t.line());
    }
    return lines;
  };
  auto left = column(a, f.a), right = column(b, f.b);
  if (width >= 80) {
    std::cout << side_by_side(left, right, width, split ? 2 : kRecordIndent);
  } else {  // too narrow for two columns: one above the other
    for (const auto* lines : {&left, &right}) {
      std::cout << (*lines)[0] << ":\n";
      for (size_t i = 1; i < lines->size(); ++i) print_wrapped((*lines)[i], width, kRecordIndent);
    }
  }
  print_wrapped("differs: " + f.detail, width, 2);
}

void print_counts(const trace::LogDiff& d, const Side& a, const Side& b, bool verbose) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [call, n] : d.calls)
    if (verbose || n.first != n.second)
      rows.push_back({call, std::to_string(n.first), std::to_string(n.second)});
  if (rows.empty()) {
    std::cout << "\neach run made as many calls of each kind as the other\n";
    return;
  }
  rows.push_back({"TOTAL", std::to_string(d.records_a), std::to_string(d.records_b)});
  std::cout << "\n" << format_table({"CALL", a.name(), b.name()}, rows);
}

void print_text(const trace::LogDiff& d, const Side& a, const Side& b, size_t width,
                bool verbose) {
  print_header(a, b);
  if (!d.first) {
    std::cout << "\nthe runs made the same " << plural(d.common, "host call", "host calls")
              << (d.decided() ? "" : " (as far as both logs could be read)") << "\n";
    if (verbose) print_counts(d, a, b, true);
    return;
  }
  if (!d.context.empty()) {
    std::cout << "\nthe same in both runs (times of a)";
    if (d.common > d.context.size())
      std::cout << ", the last " << d.context.size() << " of " << d.common;
    std::cout << ":\n";
    for (const auto& [r, time_b] : d.context)
      print_wrapped(record_text(r).line(), width, kRecordIndent);
  }
  print_difference(d, a, b, width);
  const auto& f = *d.first;
  uint64_t index = f.a ? f.a->index : f.b->index;
  std::string what;
  if (f.field == "call") {
    what = trace::call_name(f.a->call_id) + " in a, " + trace::call_name(f.b->call_id) + " in b";
  } else if (f.field == "end") {
    const Side& ended = f.a ? b : a;
    what = ended.label + "'s log " + (ended.torn ? "tore" : "ends");
  } else {
    what = trace::call_name(f.a->call_id);
  }
  std::cout << "\n" << plural(d.common, "call", "calls")
            << " in common, first divergence at record " << index << " (" << what << ")\n";
  print_counts(d, a, b, verbose);
}

json side_json(const Side& s) {
  json j = {{"id", s.id}, {"records", s.records}, {"torn", s.torn ? json(*s.torn) : json(nullptr)}};
  if (s.meta) {
    j["module"] = s.meta->module_name;
    j["digest"] = "sha256:" + s.meta->module_digest;
    j["status"] = s.meta->status;
    j["exit_code"] = s.meta->exit_code;
  } else {
    j["module"] = j["digest"] = j["status"] = j["exit_code"] = nullptr;
    j["metadata_error"] = s.meta_error;
  }
  return j;
}

json to_json(const trace::LogDiff& d, const Side& a, const Side& b) {
  json first = nullptr;
  if (d.first) {
    const auto& f = *d.first;
    auto index = [](const auto& r) { return r ? json(r->index) : json(nullptr); };
    auto call = [](const auto& r) { return r ? json(trace::call_name(r->call_id)) : json(nullptr); };
    auto record = [](const auto& r) { return r ? record_json(*r) : json(nullptr); };
    first = {{"index_a", index(f.a)}, {"index_b", index(f.b)}, {"call_a", call(f.a)},
             {"call_b", call(f.b)}, {"field", f.field}, {"detail", f.detail},
             {"offset", f.offset ? json(*f.offset) : json(nullptr)},
             {"record_a", record(f.a)}, {"record_b", record(f.b)}};
  }
  json context = json::array();
  for (const auto& [r, time_b] : d.context) {
    json j = record_json(r);
    j["time_ns_b"] = time_b;
    context.push_back(std::move(j));
  }
  json calls = json::object();
  for (const auto& [call, n] : d.calls) calls[call] = {n.first, n.second};
  return {{"a", side_json(a)}, {"b", side_json(b)}, {"same", !d.first && d.decided()},
          {"common", d.common}, {"first_difference", first}, {"context", context},
          {"calls", calls}};
}

}  // namespace

int cmd_diff(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(diff_command(), args, vm)) return *stop;
  std::vector<std::string> ids;
  if (vm.count("ids")) ids = vm["ids"].as<std::vector<std::string>>();
  if (ids.size() != 2)
    return usage_error("diff", ids.size() < 2 ? "two process ids are needed"
                                              : "more than two process ids");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("diff", "-o must be text, json or yaml");
  auto context = parse_number_option("--context", vm["context"].as<std::string>(), 0, 1000000);
  if (!context) return usage_error("diff", context.error().message);
  size_t width = default_width();
  if (vm.count("width")) {
    auto w = parse_number_option("--width", vm["width"].as<std::string>(), 20, 10000);
    if (!w) return usage_error("diff", w.error().message);
    width = size_t(*w);
  }

  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  Side a, b;
  a.label = "a";
  b.label = "b";
  std::optional<trace::LogReader> logs[2];
  Side* sides[2] = {&a, &b};
  for (int i = 0; i < 2; ++i) {
    auto id = reg->resolve(registry::ObjectKind::Process, ids[size_t(i)]);
    if (!id) return fail(kExitError, id.error().message);
    sides[i]->id = *id;
    if (auto m = reg->load_process_meta(*id)) sides[i]->meta = std::move(*m);
    else sides[i]->meta_error = "no metadata: " + m.error().message;
    auto log = trace::LogReader::open(reg->log_segments(*id));
    if (!log) return fail(kExitError, "process " + *id + ": " + log.error().message);
    logs[i].emplace(std::move(*log));
  }

  trace::DiffOptions opts;
  opts.context = size_t(*context);
  trace::LogDiff d = trace::diff_logs(*logs[0], *logs[1], opts);
  a.records = d.records_a;
  a.torn = d.torn_a;
  b.records = d.records_b;
  b.torn = d.torn_b;

  if (fmt == OutputFormat::Text) print_text(d, a, b, width, vm.count("verbose") > 0);
  else if (fmt == OutputFormat::Json)
    std::cout << to_json(d, a, b).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else std::cout << to_yaml(to_json(d, a, b));
  std::cout.flush();

  auto early = [](const Side& s) {
    return s.label + "'s log (" + s.id + ") ends early after " +
           plural(s.records, "record", "records") + ": " + *s.torn;
  };
  if (!d.decided()) {  // the side whose tear hides the answer
    const Side& s = d.first ? (d.first->a ? b : a) : (a.torn ? a : b);
    return fail(kExitError, "cannot tell whether the runs differ: " + early(s));
  }
  for (const Side* s : {&a, &b})
    if (s->torn) std::cerr << "timecraft: warning: " << early(*s) << "\n";
  return d.first ? kExitDivergence : kExitOk;
}

}  // namespace tc::cli
