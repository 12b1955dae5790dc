// timecraft describe process ID... | module ID | profile ID: resources in detail.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "registry/process_meta.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/resources.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using json = nlohmann::json;
using namespace tc::wasm;

namespace {

std::string limits_wat(const Limits& l) {
  return std::to_string(l.min) + (l.max ? " " + std::to_string(*l.max) : "");
}

std::string extern_wat(const Module& m, ExternKind kind, uint32_t index, const Import* imp) {
  switch (kind) {
    case ExternKind::Func: {
      auto t = functype_to_string(imp ? m.types[imp->func_type] : m.func_type(index));
      return "(func" + (t.empty() ? "" : " " + t) + ")";
    }
    case ExternKind::Table: {
      TableType t = imp ? imp->table : m.table_type(index);
      return "(table " + limits_wat(t.limits) + " " + valtype_name(t.elem) + ")";
    }
    case ExternKind::Memory:
      return "(memory " + limits_wat((imp ? imp->memory : m.memory_type(index)).limits) + ")";
    case ExternKind::Global: {
      GlobalType g = imp ? imp->global : m.global_type(index);
      std::string t = valtype_name(g.type);
      return "(global " + (g.mut ? "(mut " + t + ")" : t) + ")";
    }
  }
  return "?";
}

std::string quoted(const std::string& s) { return json(s).dump(); }

int describe_module(registry::Registry& reg, const std::string& prefix, OutputFormat fmt) {
  auto digest = reg.resolve(registry::ObjectKind::Module, prefix);
  if (!digest) return fail(kExitError, digest.error().message);
  auto entry = reg.module_entry(*digest);  // a broken sidecar: an error naming it
  if (!entry) return fail(kExitError, entry.error().message);
  auto bytes = reg.read_module(*digest);
  if (!bytes) return fail(kExitError, bytes.error().message);
  const std::string& name = entry->name;
  size_t size = bytes->size();
  auto mod = load_module(std::move(*bytes));
  if (!mod) return fail(kExitError, "stored module: " + mod.error().to_string());
  const Module& m = **mod;
  std::vector<std::string> imports, exports, memories, tables;
  for (const auto& i : m.imports)
    imports.push_back("(import " + quoted(i.module) + " " + quoted(i.name) + " " +
                      extern_wat(m, i.kind, 0, &i) + ")");
  for (const auto& e : m.exports)
    exports.push_back("(export " + quoted(e.name) + " " + extern_wat(m, e.kind, e.index, nullptr) + ")");
  for (uint32_t i = 0; i < m.total_memories(); ++i)
    memories.push_back("(memory " + limits_wat(m.memory_type(i).limits) + ")");
  for (uint32_t i = 0; i < m.total_tables(); ++i)
    tables.push_back("(table " + limits_wat(m.table_type(i).limits) + " " +
                     valtype_name(m.table_type(i).elem) + ")");
  if (fmt != OutputFormat::Text) {
    json j = {{"id", "sha256:" + *digest}, {"name", name}, {"size", size},
              {"functions", {{"defined", m.functions.size()}, {"imported", m.num_imported_funcs}}},
              {"imports", imports}, {"exports", exports}, {"memories", memories}, {"tables", tables}};
    std::cout << (fmt == OutputFormat::Json ? j.dump(2) + "\n" : to_yaml(j));
    return kExitOk;
  }
  std::cout << "ID:         sha256:" << *digest << "\n"
            << "Name:       " << name << "\n"
            << "Size:       " << human_size(size) << "\n"
            << "Functions:  " << m.functions.size() << " defined, " << m.num_imported_funcs
            << " imported\n";
  auto list = [](const char* title, const std::vector<std::string>& v) {
    std::cout << title << (v.empty() ? " (none)\n" : "\n");
    for (const auto& s : v) std::cout << "  " << s << "\n";
  };
  list("Imports:", imports);
  list("Exports:", exports);
  list("Memories:", memories);
  list("Tables:", tables);
  return kExitOk;
}

int describe_profile(registry::Registry& reg, const std::string& prefix, OutputFormat fmt) {
  auto id = reg.resolve(registry::ObjectKind::Profile, prefix);
  if (!id) return fail(kExitError, id.error().message);
  auto all = reg.list_profiles();
  if (!all) return fail(kExitError, all.error().message);
  auto it = std::find_if(all->begin(), all->end(), [&](const auto& p) { return p.id == *id; });
  if (it == all->end()) return fail(kExitError, "profile " + *id + " disappeared");
  if (!it->broken.empty()) return fail(kExitError, reg.profile_dir(*id) + ": " + it->broken);
  json summary = it->summary.empty() ? json::object() : json::parse(it->summary, nullptr, false);
  if (fmt != OutputFormat::Text) {
    json j = {{"id", it->id}, {"process", it->process_id}, {"type", it->type}, {"start", rfc3339(it->start_unix_ns)},
              {"start_unix_ns", it->start_unix_ns}, {"duration_ns", it->duration_ns}, {"size", it->size},
              {"summary", summary}};
    std::cout << (fmt == OutputFormat::Json ? j.dump(2) + "\n" : to_yaml(j));
    return kExitOk;
  }
  std::cout << "ID:           " << it->id << "\n"
            << "Process:      " << it->process_id << "\n"
            << "Type:         " << it->type << " (pprof: export profile ID FILE; go tool pprof FILE)\n"
            << "Start:        " << human_ago(it->start_unix_ns, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                            std::chrono::system_clock::now().time_since_epoch()).count()) << ", " << rfc3339(it->start_unix_ns) << "\n"
            << "Duration:     " << human_duration(it->duration_ns) << "\n"
            << "Size:         " << human_size(it->size) << "\n";
  if (summary.is_object() && summary.contains("instructions"))
    std::cout << "Instructions: " << summary["instructions"].get<uint64_t>() << "\n";
  if (summary.is_object() && summary.contains("functions") && summary["functions"].is_array()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : summary["functions"])
      rows.push_back({f.value("function", ""), std::to_string(f.value("self_instructions", uint64_t(0))),
                      std::to_string(f.value("total_instructions", uint64_t(0))), std::to_string(f.value("calls", uint64_t(0)))});
    std::cout << "---\n" << format_table({"FUNCTION", "SELF INSTR", "TOTAL INSTR", "CALLS"}, rows);
  }
  return kExitOk;
}

// The status word: how the run ended, as stored. The one place to decide it,
// so that "killed" (a "running" run that no live process holds) can be
// worked out here from the registry once it knows.
std::string status_of(const registry::ProcessMeta& m) { return m.status; }

// "exited 0", "trapped: unreachable", "interrupted (SIGINT)", "running", ...
std::string status_text(const registry::ProcessMeta& m) {
  const std::string status = status_of(m);
  const std::string msg = m.message.empty() ? "" : ": " + m.message;
  if (status == "exited") return "exited " + std::to_string(m.exit_code);
  if (status == "interrupted") return "interrupted (" + (m.message.empty() ? "signal" : m.message) + ")";
  if (status == "truncated") return "truncated (exit " + std::to_string(m.exit_code) + ")" + msg;
  return status + msg;
}

// One row of the segment table. Durations come from the batch headers
// (first and last record times), so no record is decompressed.
struct SegmentRow {
  uint32_t index = 0;
  uint64_t records = 0, batches = 0, duration_ns = 0, size = 0, uncompressed = 0, compressed = 0;
};

std::vector<SegmentRow> segment_rows(const trace::LogReader& log) {
  std::vector<SegmentRow> rows;
  for (const auto& s : log.segments()) {
    SegmentRow r{s.index, s.records, s.batches.size(), 0, s.size, 0, 0};
    for (const auto& b : s.batches) {
      r.uncompressed += b.header.raw_size;
      r.compressed += b.header.stored_size;
    }
    if (!s.batches.empty() && s.batches.back().header.last_time >= s.batches.front().header.first_time)
      r.duration_ns = s.batches.back().header.last_time - s.batches.front().header.first_time;
    rows.push_back(r);
  }
  return rows;
}

// 1 - compressed/uncompressed: 0.5665 for 56.65% smaller; 0 for nothing.
double compression_ratio(uint64_t compressed, uint64_t uncompressed) {
  return uncompressed ? 1.0 - double(compressed) / double(uncompressed) : 0.0;
}

std::string percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * ratio);
  return buf;
}

const char* codec_name(uint8_t codec) { return codec == uint8_t(trace::Codec::Zlib) ? "zlib" : "none"; }

// "Key:" padded to `width`: the original's lines to "Runtime: ", ours (which
// it does not have) to "Platform: "; a longer key gets one space.
std::string label(const std::string& key, size_t width = 9) {
  std::string s = key + ":";
  s.resize(std::max(s.size() + 1, width), ' ');
  return s;
}
constexpr size_t kOurs = 10;

std::string process_text(const registry::ProcessMeta& m, const Expected<trace::LogReader>& log,
                         bool verbose, int64_t now_ns) {
  std::ostringstream o;
  // The original Timecraft's lines first, in its form.
  o << label("ID") << m.id << "\n"
    << label("Start") << human_ago(m.start_unix_ns, now_ns) << ", " << rfc1123_local(m.start_unix_ns) << "\n"
    << label("Runtime") << m.runtime << " (" << m.runtime_version
    << (m.runtime_build.empty() ? "" : " " + m.runtime_build) << ")\n"
    << "Modules:\n"
    << "  sha256:" << m.module_digest << ": " << (m.module_name.empty() ? "(none)" : m.module_name)
    << " (" << human_size(m.module_size) << ")\n"
    << "Args:\n";
  for (const auto& a : m.args) o << "  " << a << "\n";
  o << "Env:\n";
  if (!verbose) o << "  ...\n";
  else
    for (const auto& e : m.env) o << "  " << e << "\n";

  // Ours.
  o << label("Status", kOurs) << status_text(m) << "\n";
  if (m.end_unix_ns) o << label("Duration", kOurs) << human_duration(uint64_t(m.end_unix_ns - m.start_unix_ns)) << "\n";
  o << label("Platform", kOurs) << (m.arch.empty() ? "unknown" : m.arch);
  for (size_t i = 0; i < m.cpu_features.size(); ++i)
    o << (i ? ", " : " (") << m.cpu_features[i] << (i + 1 == m.cpu_features.size() ? ")" : "");
  o << "\n";
  if (!m.dirs.empty()) {
    o << "Dirs:\n";
    for (const auto& d : m.dirs) o << "  " << d.host << " -> " << d.guest << "\n";
  }
  o << label("Limits", kOurs) << "call depth " << m.max_call_depth << ", memory " << m.max_memory_pages << " pages";
  if (!m.capped_memories.empty()) {
    o << "; memory";
    for (auto i : m.capped_memories) o << " " << i;
    o << " could not grow (address space limited)";
  }
  o << "\n";
  if (m.invoke) {
    o << label("Invoke", kOurs) << *m.invoke;
    for (const auto& a : m.invoke_args) o << " " << a;
    o << "\n";
  }

  if (!log) {
    o << label("Log") << "unreadable: " << log.error().message << "\n";
    return o.str();
  }
  trace::LogStats st = log->stats();
  double ratio = compression_ratio(st.stored_bytes, st.raw_bytes);
  o << label("Records") << st.records << ", " << st.batches << " batch(es), " << st.segments
    << " segment(s), " << human_size(st.stored_bytes) << "/" << human_size(st.raw_bytes) << " +"
    << human_size(st.file_bytes - st.stored_bytes) << " (compression: " << percent(ratio) << ")\n";
  if (log->torn_tail()) o << label("Torn tail") << *log->torn_tail() << "\n";
  if (!m.log_error.empty())
    o << label("Log error") << m.log_error << " (recording stopped at record " << st.records << ")\n";
  o << "---\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : segment_rows(*log))
    rows.push_back({std::to_string(r.index), std::to_string(r.records), std::to_string(r.batches),
                    human_duration(r.duration_ns), human_size(r.size), human_size(r.uncompressed),
                    human_size(r.compressed), percent(compression_ratio(r.compressed, r.uncompressed))});
  o << format_table({"SEGMENT", "RECORDS", "BATCHES", "DURATION", "SIZE", "UNCOMPRESSED SIZE",
                     "COMPRESSED SIZE", "COMPRESSION RATIO"},
                    rows);
  if (verbose) {
    rows.clear();
    for (const auto& s : log->segments())
      for (const auto& b : s.batches) {
        char off[24];
        std::snprintf(off, sizeof off, "0x%llx", static_cast<unsigned long long>(b.offset));
        rows.push_back({std::to_string(s.index), off, std::to_string(b.header.first_record),
                        std::to_string(b.header.count),
                        human_size(b.header.stored_size) + "/" + human_size(b.header.raw_size),
                        codec_name(b.header.codec)});
      }
    o << "\n" << format_table({"SEGMENT", "OFFSET", "FIRST", "RECORDS", "SIZE", "CODEC"}, rows);
  }
  return o.str();
}

// The one schema of `describe process -o json|yaml` (see the help text).
json process_json(const registry::ProcessMeta& m, const Expected<trace::LogReader>& log, bool verbose) {
  const bool ended = m.end_unix_ns != 0;
  json module = {{"digest", "sha256:" + m.module_digest}, {"name", m.module_name}, {"size", m.module_size}};
  json dirs = json::array();
  for (const auto& d : m.dirs) dirs.push_back({{"host", d.host}, {"guest", d.guest}});
  json j = {
      {"id", m.id},
      {"start", rfc3339(m.start_unix_ns)},
      {"start_unix_ns", m.start_unix_ns},
      {"end_unix_ns", ended ? json(m.end_unix_ns) : json(nullptr)},
      {"duration_ns", ended ? json(m.end_unix_ns - m.start_unix_ns) : json(nullptr)},
      {"status", status_of(m)},
      {"exit_code", ended ? json(m.exit_code) : json(nullptr)},
      {"message", m.message},
      {"runtime", {{"name", m.runtime}, {"version", m.runtime_version}, {"build", m.runtime_build}}},
      {"platform", {{"arch", m.arch}, {"cpu_features", m.cpu_features}}},
      {"modules", json::array({module})},
      {"args", m.args},
      {"env", verbose ? m.env : std::vector<std::string>{}},
      {"env_count", m.env.size()},
      {"dirs", dirs},
      {"listen", m.listen},
      {"invoke", m.invoke ? json(*m.invoke) : json(nullptr)},
      {"invoke_args", m.invoke_args},
      {"limits", {{"max_call_depth", m.max_call_depth}, {"max_memory_pages", m.max_memory_pages},
                  {"capped_memories", m.capped_memories}}},
  };
  trace::LogStats st = log ? log->stats() : trace::LogStats{};
  json segments = json::array();
  if (log)
    for (size_t i = 0; const auto& r : segment_rows(*log)) {
      json batches = json::array();
      if (verbose)
        for (const auto& b : log->segments()[i].batches)
          batches.push_back({{"offset", b.offset}, {"first_record", b.header.first_record},
                             {"records", b.header.count}, {"first_time_ns", b.header.first_time},
                             {"last_time_ns", b.header.last_time}, {"compressed", b.header.stored_size},
                             {"uncompressed", b.header.raw_size}, {"codec", codec_name(b.header.codec)}});
      segments.push_back({{"index", r.index}, {"records", r.records}, {"batches", r.batches},
                          {"duration_ns", r.duration_ns}, {"size", r.size}, {"uncompressed", r.uncompressed},
                          {"compressed", r.compressed},
                          {"ratio", compression_ratio(r.compressed, r.uncompressed)},
                          {"batch_list", batches}});
      ++i;
    }
  j["log"] = {
      {"records", st.records},
      {"batches", st.batches},
      {"compressed_bytes", st.stored_bytes},
      {"uncompressed_bytes", st.raw_bytes},
      {"overhead_bytes", st.file_bytes - st.stored_bytes},
      {"compression_ratio", compression_ratio(st.stored_bytes, st.raw_bytes)},
      {"batch_records", m.batch_records},
      {"segment_bytes", m.segment_bytes},
      {"codec", m.codec},
      {"torn_tail", log && log->torn_tail() ? json(*log->torn_tail()) : json(nullptr)},
      {"error", log ? json(nullptr) : json(log.error().message)},
      {"recording_error", m.log_error.empty() ? json(nullptr) : json(m.log_error)},
      {"segments", segments},
  };
  return j;
}

// Each id in turn; one that does not resolve (or whose metadata is broken)
// is a one-line error, the others are still shown, and the exit status is 1.
int describe_processes(registry::Registry& reg, const std::vector<std::string>& prefixes,
                       OutputFormat fmt, bool verbose) {
  int status = kExitOk;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  json all = json::array();
  bool first = true;
  for (const auto& prefix : prefixes) {
    auto id = reg.resolve(registry::ObjectKind::Process, prefix);
    if (!id) { status = fail(kExitError, id.error().message); continue; }
    auto meta = reg.load_process_meta(*id);  // errors name the file
    if (!meta) { status = fail(kExitError, meta.error().message); continue; }
    auto log = trace::LogReader::open(reg.log_dir(*id));
    if (fmt == OutputFormat::Text) {
      std::cout << (first ? "" : "\n") << process_text(*meta, log, verbose, now) << std::flush;
      first = false;
    } else {
      all.push_back(process_json(*meta, log, verbose));
    }
  }
  if (fmt == OutputFormat::Text) return status;
  json out = prefixes.size() == 1 ? (all.empty() ? json() : all[0]) : all;
  if (out.is_null()) return status;
  // Args, env and paths are the host's bytes, not necessarily UTF-8: shown as U+FFFD.
  out = json::parse(out.dump(-1, ' ', false, json::error_handler_t::replace));
  std::cout << (fmt == OutputFormat::Json ? out.dump(2) + "\n" : to_yaml(out));
  return status;
}

}  // namespace

int cmd_describe(const Args& args);

const CommandSpec& describe_command() {
  static const CommandSpec spec = {
      "describe", "show processes, a module or a profile in detail",
      "describe process ID... [-v] [-o text|json|yaml]\n"
      "describe module|profile ID [-o text|json|yaml]",
      "process: as the original Timecraft shows it (ID, Start: how long ago and\n"
      "the local time in RFC 1123 form, Runtime: name (version build), Modules,\n"
      "Args, Env: `...` unless -v), then Status (exited N, trapped: message,\n"
      "failed: message, interrupted (SIGNAL), truncated (exit N): the program\n"
      "ended but recording stopped early, e.g. on a full disk, and `Log error`\n"
      "says why; running: no end recorded), Duration, Platform, Dirs, Limits\n"
      "and Invoke; then the log's Records line, any torn tail, `---` and a\n"
      "table per segment: records, batches, duration (first to last record),\n"
      "file size, uncompressed and compressed sizes and compression ratio.\n"
      "-v adds the environment and a per-batch table. Several ids: each in\n"
      "turn (a blank line between them; -o json|yaml: an array); an id that\n"
      "does not resolve is an error line, the others are still shown.\n"
      "module: digest, name, size, imports and exports with their types in WAT\n"
      "form, memories and tables.\n"
      "profile: id, process, type, start, duration, size, instructions and the\n"
      "top functions.\n",
      {
          {"verbose,v", Option::Flag, "", "the environment, and the log's batches"},
          kOutputOption,
          kRegistryOption,
      },
      {{"args", -1}},
      "describe process -o json|yaml: one object per process (an array of them\n"
      "when several ids are given), always with every field; sizes in bytes,\n"
      "times in ns, ratios as 1 - compressed/uncompressed (0.5665 = 56.65%):\n"
      "  id, start (RFC 3339), start_unix_ns, status, end_unix_ns,\n"
      "  duration_ns, exit_code (these three null when no end is recorded),\n"
      "  message, runtime {name, version, build}, platform {arch,\n"
      "  cpu_features}, modules [{digest (sha256:...), name, size}], args,\n"
      "  env (the variables with -v, else []), env_count, dirs [{host,\n"
      "  guest}], listen, invoke (null: _start), invoke_args, limits\n"
      "  {max_call_depth, max_memory_pages, capped_memories},\n"
      "  log {records, batches, compressed_bytes, uncompressed_bytes,\n"
      "  overhead_bytes, compression_ratio, batch_records, segment_bytes,\n"
      "  codec, torn_tail, error (the log is unreadable), recording_error\n"
      "  (recording stopped early) (these three a string or null),\n"
      "  segments [{index, records, batches, duration_ns, size, uncompressed,\n"
      "  compressed, ratio, batch_list (with -v, else []) [{offset,\n"
      "  first_record, records, first_time_ns, last_time_ns, compressed,\n"
      "  uncompressed, codec}]}]}\n"
      "\n"
      "Exit status: 0, or 1 if an id did not resolve or its metadata is\n"
      "unusable (the other ids are still shown), 2 on a usage error.\n",
      cmd_describe};
  return spec;
}

int cmd_describe(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(describe_command(), args, vm)) return *stop;
  auto pos_args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (pos_args.size() < 2) return usage_error("describe", "expected TYPE and ID");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("describe", "-o must be text, json or yaml");
  auto type = parse_resource(pos_args[0], "describe", {Resource::Process, Resource::Module, Resource::Profile});
  if (!type) return kExitUsage;
  if (*type != Resource::Process && pos_args.size() != 2)
    return usage_error("describe", "a module or profile takes one ID");
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  if (*type == Resource::Module) return describe_module(*reg, pos_args[1], fmt);
  if (*type == Resource::Profile) return describe_profile(*reg, pos_args[1], fmt);
  return describe_processes(*reg, {pos_args.begin() + 1, pos_args.end()}, fmt, vm.count("verbose") > 0);
}

}  // namespace tc::cli
