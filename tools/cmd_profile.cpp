// timecraft profile ID: where a recorded run's host calls and time went.
// Per call: count, errors and bytes moved (from the log), and the time of a
// side-effect-free replay split between WebAssembly and host calls.
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

namespace tc::cli {

namespace po = boost::program_options;
using json = nlohmann::json;

namespace {
struct LogCallStats {
  uint64_t count = 0, errors = 0, bytes_in = 0, bytes_out = 0;
};
}  // namespace

int cmd_profile(const Args& args) {
  po::options_description desc;
  desc.add_options()
      ("output,o", po::value<std::string>()->default_value("text"), "")
      ("registry", po::value<std::string>()->default_value(""), "")
      ("id", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (auto stop = parse_options("profile", args, desc, &pos, vm)) return *stop;
  if (!vm.count("id")) return usage_error("profile", "no process id given");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("profile", "-o must be text, json or yaml");
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto session = session::ReplaySession::open(*reg, vm["id"].as<std::string>());
  if (!session) return fail(kExitError, session.error().message);
  const std::string* id = &(*session)->id();
  const registry::ProcessMeta* meta = &(*session)->meta();

  // 1. The log: calls, errors, bytes in (written by the guest) and out.
  auto log = trace::LogReader::open(reg->log_dir(*id));
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
  session::ReplayEnd end = (*session)->run(ropts, [&](wasi::System& replayer) -> wasi::System& {
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

}  // namespace tc::cli
