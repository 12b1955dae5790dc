// timecraft profile ID: an exact profile from a replay (functions, lines,
// pprof, folded stacks, a flame graph), or with --calls where the host
// calls and time went: per call count, errors and bytes moved (from the
// log), and the time of a replay split between WebAssembly and host calls.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/process_meta.hpp"
#include "session/replay.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "trace/decode.hpp"
#include "trace/log_reader.hpp"
#include "trace/timing_system.hpp"
#include "tools/profile_tables.hpp"
#include "profile/collect.hpp"
#include "profile/flamegraph.hpp"
#include "profile/pprof.hpp"
#include "tools/number_option.hpp"
#include <fstream>

namespace tc::cli {

namespace po = boost::program_options;
using json = nlohmann::json;

namespace {
struct LogCallStats {
  uint64_t count = 0, errors = 0, bytes_in = 0, bytes_out = 0;
};
}  // namespace

// The host calls' summary (--calls).
int profile_calls(const registry::Registry& reg, session::ReplaySession& session, OutputFormat fmt) {
  const std::string* id = &session.id();
  const registry::ProcessMeta* meta = &session.meta();

  // 1. The log: calls, errors, bytes in (written by the guest) and out.
  auto log = trace::LogReader::open(reg.log_segments(*id));
  if (!log) return fail(kExitError, log.error().message);
  std::map<std::string, LogCallStats> calls;
  uint64_t first_ns = 0, last_ns = 0, records = 0;
  trace::Record r;
  while (log->next(r)) {
    auto c = trace::decode_record(r);
    if (!c) return fail(kExitError, c.error().message);
    auto& s = calls[c->name];
    s.count++;
    s.errors += c->error != wasi::Errno::Success;
    for (const auto& f : c->inputs)
      if (f.kind == wasi::Kind::IovecsIn)
        for (const auto& b : f.buffers) s.bytes_in += b.size();
    for (const auto& b : c->filled) s.bytes_out += b.size();
    if (!records++) first_ns = r.time_ns;
    last_ns = r.time_ns;
  }
  std::optional<std::string> torn = log->torn_tail();

  // 2. A replay, timed: WebAssembly vs host calls (answered from the log).
  trace::ReplayOptions ropts;
  ropts.echo = false;
  std::optional<trace::TimingSystem> timing;
  auto t0 = std::chrono::steady_clock::now();
  session::ReplayEnd end = session.run(ropts, [&](wasi::System& replayer) -> wasi::System& {
    return timing.emplace(replayer);
  });
  uint64_t total_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - t0).count());
  if (end.kind == session::ReplayEnd::Kind::Failed) return fail(kExitError, end.error->message);
  uint64_t host_ns = 0;
  for (const auto& c : wasi::all_calls()) host_ns += timing->stats(uint32_t(c.id)).ns;
  bool diverged = end.kind == session::ReplayEnd::Kind::Diverged;

  if (fmt != OutputFormat::Text) {
    json j = {{"process", *id}, {"records", records},
              {"recorded_span_ns", last_ns - first_ns},
              {"replay", {{"total_ns", total_ns}, {"host_ns", host_ns},
                          {"wasm_ns", total_ns - std::min(total_ns, host_ns)},
                          {"diverged", diverged}}},
              {"torn_tail", torn ? json(*torn) : json(nullptr)}};
    json list = json::array();
    for (const auto& [name, s] : calls)
      list.push_back({{"call", name}, {"count", s.count}, {"errors", s.errors},
                      {"bytes_in", s.bytes_in}, {"bytes_out", s.bytes_out}});
    j["calls"] = list;
    std::cout << (fmt == OutputFormat::Json ? j.dump(2) + "\n" : to_yaml(j));
    return kExitOk;
  }
  std::cout << "Process:    " << *id << " (" << meta->module_name << ")\n"
            << "Recorded:   " << records << " host calls over "
            << human_duration(last_ns - first_ns) << "\n";
  if (torn) std::cout << "Torn tail:  " << *torn << "\n";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.1f%%", total_ns ? 100.0 * double(host_ns) / double(total_ns) : 0.0);
  std::cout << "Replay:     " << human_duration(total_ns) << ": WebAssembly "
            << human_duration(total_ns - std::min(total_ns, host_ns)) << ", host calls "
            << human_duration(host_ns) << " (" << pct << ")"
            << (diverged ? " [diverged: " + end.error->message + "]" : "") << "\n\n";
  std::vector<std::pair<std::string, LogCallStats>> sorted(calls.begin(), calls.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, s] : sorted)
    rows.push_back({name, std::to_string(s.count), std::to_string(s.errors), human_size(s.bytes_in),
                    human_size(s.bytes_out)});
  std::cout << format_table({"CALL", "COUNT", "ERRORS", "BYTES IN", "BYTES OUT"}, rows);
  return kExitOk;
}

namespace {

bool write_bytes(const std::string& path, const std::string& bytes, std::string* why) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) *why = path + ": cannot write the file";
  return bool(out);
}

}  // namespace

int cmd_profile(const Args& args);

const CommandSpec& profile_command() {
  static const CommandSpec spec = {
      "profile", "exact profile of a recorded run: functions, lines, pprof, flame graph",
      "profile [options] ID",
      "An exact profile of a recorded run, from one replay (no side effects; the\n"
      "same counts every time): per function the WebAssembly instructions it\n"
      "executed itself (SELF) and with its callees (TOTAL), its calls and its\n"
      "time. Host calls show as functions of their own, under their callers.\n",
      {
          {"top,n", Option::Value, "N", "rows to show", "20"},
          {"lines", Option::Flag, "", "per source line instead (needs DWARF: clang -g)"},
          {"export", Option::Value, "cpu:FILE", "write pprof's format (go tool pprof FILE)"},
          {"flamegraph", Option::Value, "FILE.svg", "write an interactive flame graph"},
          {"folded", Option::Flag, "", "print folded stacks (flamegraph.pl, speedscope)"},
          {"metric", Option::Value, "instructions|time", "what the flame graph and folded stacks count",
           "instructions"},
          {"calls", Option::Flag, "",
           "instead: per WASI call the count, errors, bytes\n"
           "in and out (from the log) and the replay's time\n"
           "split between WebAssembly and host calls"},
          kOutputOption,
          kRegistryOption,
      },
      {{"id"}},
      "Each run stores the profile in the registry (its id on stderr):\n"
      "get profile, describe profile ID, export profile ID FILE.\n",
      cmd_profile};
  return spec;
}

int cmd_profile(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(profile_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("profile", "no process id given");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("profile", "-o must be text, json or yaml");
  auto top = parse_number_option("--top", vm["top"].as<std::string>(), 1, 1000000);
  if (!top) return usage_error("profile", top.error().message);
  std::string metric_name = vm["metric"].as<std::string>();
  if (metric_name != "instructions" && metric_name != "time")
    return usage_error("profile", "--metric must be instructions or time");
  profile::Metric metric = metric_name == "time" ? profile::Metric::Nanoseconds : profile::Metric::Instructions;
  std::string export_path;
  if (vm.count("export")) {
    export_path = vm["export"].as<std::string>();
    if (export_path.rfind("cpu:", 0) == 0) export_path = export_path.substr(4);
    else if (export_path.find(':') != std::string::npos && export_path.find(':') < export_path.find('/'))
      return usage_error("profile", "--export takes cpu:FILE (pprof's format), e.g. --export cpu:run.pprof");
    if (export_path.empty()) return usage_error("profile", "--export cpu:FILE: no file given");
  }
  // A process only the remote registry has is pulled first.
  auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
  if (!opened) return fail(kExitError, opened.error().message);
  auto reg = &opened->first;
  auto session = session::ReplaySession::open(*reg, opened->second);
  if (!session) return fail(kExitError, session.error().message);
  if (vm.count("calls")) return profile_calls(*reg, **session, fmt);

  // DWARF names and lines, when the module has them (a module without
  // DWARF, or with DWARF we cannot read, is profiled with its name section).
  std::unique_ptr<debug::DebugInfo> info;
  if (auto d = debug::DebugInfo::load(*(*session)->module())) info = std::move(*d);
  profile::ProfileRun run = profile::profile_replay(**session, info.get());
  if (run.end.kind == session::ReplayEnd::Kind::Failed) return fail(kExitError, run.end.error->message);
  if (run.end.kind == session::ReplayEnd::Kind::Diverged)
    std::cerr << "timecraft: warning: the replay diverged (" << run.end.error->message
              << "); the profile covers the run up to there\n";
  if (run.end.kind == session::ReplayEnd::Kind::LogEnded)
    std::cerr << "timecraft: " << run.end.error->message << "; the profile covers the run up to there\n";
  const profile::Profile& p = run.profile;
  std::string why;
  // Every profile is kept in the registry (get profile, describe profile,
  // export profile), in pprof's format.
  auto pprof = profile::to_pprof(p);
  registry::ProfileEntry entry;
  entry.process_id = p.process_id;
  entry.start_unix_ns = p.start_unix_ns;
  entry.duration_ns = p.duration_ns;
  entry.summary = profile_summary(p, 10);
  auto stored = reg->put_profile(entry, pprof);
  if (!stored) return fail(kExitError, "cannot store the profile: " + stored.error().message);
  std::cerr << *stored << "\n";  // the profile's id, as run prints the process's
  if (!export_path.empty()) {
    if (!write_bytes(export_path, std::string(pprof.begin(), pprof.end()), &why)) return fail(kExitError, why);
  }
  if (vm.count("flamegraph")) {
    profile::FlameOptions o;
    o.title = "timecraft profile " + p.process_id.substr(0, 8) + " (" + p.module_name + ")";
    o.metric = metric;
    if (!write_bytes(vm["flamegraph"].as<std::string>(), profile::to_flamegraph_svg(p, o), &why))
      return fail(kExitError, why);
  }
  if (vm.count("folded")) {
    std::cout << profile::to_folded(p, metric);
    return kExitOk;
  }
  if (!export_path.empty() || vm.count("flamegraph")) return kExitOk;  // files only
  std::cout << (vm.count("lines") ? line_table(p, size_t(*top), fmt) : function_table(p, size_t(*top), fmt));
  return kExitOk;
}

}  // namespace tc::cli
