// timecraft describe process|module ID: one resource in detail.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
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

int describe_process(registry::Registry& reg, const std::string& prefix, OutputFormat fmt,
                     bool verbose) {
  auto full = reg.resolve(registry::ObjectKind::Process, prefix);
  if (!full) return fail(kExitError, full.error().message);
  auto loaded = reg.load_process_meta(*full);  // errors name the file
  if (!loaded) return fail(kExitError, loaded.error().message);
  const std::string* id = &*full;
  const registry::ProcessMeta* meta = &*loaded;
  auto log = trace::LogReader::open(reg.log_dir(*id));
  trace::LogStats st;
  if (log) st = log->stats();
  uint64_t overhead = st.file_bytes - st.stored_bytes;
  double ratio = st.raw_bytes ? 100.0 * (1.0 - double(st.stored_bytes) / double(st.raw_bytes)) : 0;
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();

  if (fmt != OutputFormat::Text) {
    json j = json::parse(registry::to_json(*meta));
    if (!verbose) j["env"] = std::to_string(meta->env.size()) + " hidden (-v shows them)";
    json segs = json::array();
    if (log)
      for (const auto& s : log->segments()) {
        json seg = {{"index", s.index}, {"records", s.records}, {"batches", s.batches.size()},
                    {"size", s.size}};
        if (verbose) {
          json b = json::array();
          for (const auto& x : s.batches)
            b.push_back({{"offset", x.offset}, {"first_record", x.header.first_record},
                         {"records", x.header.count}, {"stored", x.header.stored_size},
                         {"raw", x.header.raw_size}});
          seg["batches_detail"] = b;
        }
        segs.push_back(seg);
      }
    j["log_stats"] = {{"records", st.records}, {"batches", st.batches}, {"segments", st.segments},
                      {"compressed", st.stored_bytes}, {"uncompressed", st.raw_bytes},
                      {"overhead", overhead}, {"segments_detail", segs},
                      {"torn_tail", log && log->torn_tail() ? json(*log->torn_tail()) : json(nullptr)},
                      {"error", log ? json(nullptr) : json(log.error().message)}};
    std::cout << (fmt == OutputFormat::Json ? j.dump(2) + "\n" : to_yaml(j));
    return kExitOk;
  }

  std::string args;
  for (const auto& a : meta->args) args += (args.empty() ? "" : " ") + a;
  std::cout << "ID:         " << meta->id << "\n"
            << "Start:      " << rfc3339(meta->start_unix_ns) << ", "
            << human_ago(meta->start_unix_ns, now) << "\n"
            << "Runtime:    " << meta->runtime << " " << meta->runtime_version << ", build "
            << (meta->runtime_build.empty() ? "unknown" : meta->runtime_build) << "\n"
            << "Platform:   " << (meta->arch.empty() ? "unknown" : meta->arch);
  for (size_t i = 0; i < meta->cpu_features.size(); ++i)
    std::cout << (i ? ", " : " (") << meta->cpu_features[i] << (i + 1 == meta->cpu_features.size() ? ")" : "");
  std::cout << "\n";
  std::cout << "Status:     " << meta->status;
  if (meta->status == "exited" || meta->status == "truncated")
    std::cout << " (code " << meta->exit_code << ")";
  if (!meta->message.empty()) std::cout << ": " << meta->message;
  if (meta->end_unix_ns) std::cout << ", ran " << human_duration(uint64_t(meta->end_unix_ns - meta->start_unix_ns));
  else if (meta->status == "running") std::cout << " (no end recorded: still running, or killed)";
  std::cout << "\n"
            << "Modules:    " << meta->module_digest.substr(0, 12) << " " << meta->module_name << " ("
            << human_size(meta->module_size) << ")\n"
            << "Args:       " << args << "\n";
  if (meta->invoke) {
    std::string ia;
    for (const auto& a : meta->invoke_args) ia += " " + a;
    std::cout << "Invoke:     " << *meta->invoke << ia << "\n";
  }
  if (verbose) {
    std::cout << "Env:" << (meta->env.empty() ? "        (none)\n" : "\n");
    for (const auto& e : meta->env) std::cout << "  " << e << "\n";
  } else {
    std::cout << "Env:        " << meta->env.size() << " variable(s), hidden (-v shows them)\n";
  }
  for (const auto& d : meta->dirs) std::cout << "Dir:        " << d.host << " -> " << d.guest << "\n";
  std::cout << "Limits:     call depth " << meta->max_call_depth << ", memory "
            << meta->max_memory_pages << " pages";
  if (!meta->capped_memories.empty()) {
    std::cout << "; memory";
    for (auto i : meta->capped_memories) std::cout << " " << i;
    std::cout << " could not grow (address space limited)";
  }
  std::cout << "\n";
  if (!log) {
    std::cout << "Log:        unreadable: " << log.error().message << "\n";
    return kExitOk;
  }
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.2f%%", ratio);
  std::cout << "Records:    " << st.records << ", " << st.batches << " batch(es), " << st.segments
            << " segment(s), " << human_size(st.stored_bytes) << "/" << human_size(st.raw_bytes)
            << " +" << human_size(overhead) << " (compression: " << pct << ")\n";
  if (log->torn_tail()) std::cout << "Torn tail:  " << *log->torn_tail() << "\n";
  if (!meta->log_error.empty())
    std::cout << "Log error:  " << meta->log_error << " (recording stopped at record "
              << st.records << ")\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : log->segments())
    rows.push_back({std::to_string(s.index), std::to_string(s.records),
                    std::to_string(s.batches.size()), human_size(s.size)});
  std::cout << "\n" << format_table({"SEGMENT", "RECORDS", "BATCHES", "SIZE"}, rows);
  if (verbose) {
    rows.clear();
    for (const auto& s : log->segments())
      for (const auto& b : s.batches) {
        char off[24];
        std::snprintf(off, sizeof off, "0x%llx", static_cast<unsigned long long>(b.offset));
        rows.push_back({std::to_string(s.index), off, std::to_string(b.header.first_record),
                        std::to_string(b.header.count),
                        human_size(b.header.stored_size) + "/" + human_size(b.header.raw_size),
                        b.header.codec == uint8_t(trace::Codec::Zlib) ? "zlib" : "none"});
      }
    std::cout << "\n" << format_table({"SEGMENT", "OFFSET", "FIRST", "RECORDS", "SIZE", "CODEC"}, rows);
  }
  return kExitOk;
}

}  // namespace

int cmd_describe(const Args& args);

const CommandSpec& describe_command() {
  static const CommandSpec spec = {
      "describe", "show one process, module or profile in detail",
      "describe process|module|profile ID [-v] [-o text|json|yaml]",
      "process: id, start, runtime, status, module, args, env (with -v), limits,\n"
      "and the log: records, batches, segments, compressed/uncompressed sizes and\n"
      "ratio, a per-segment table (per-batch with -v), any torn tail.\n"
      "Status: running (no end recorded: still running, or killed), exited (code),\n"
      "trapped, failed, or truncated (the program ended with that code, but\n"
      "recording stopped early, e.g. on a full disk: the log holds the records\n"
      "before that point, and `Log error` says why).\n"
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
      "",
      cmd_describe};
  return spec;
}

int cmd_describe(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(describe_command(), args, vm)) return *stop;
  auto pos_args = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (pos_args.size() != 2) return usage_error("describe", "expected TYPE and ID");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("describe", "-o must be text, json or yaml");
  auto type = parse_resource(pos_args[0], "describe", {Resource::Process, Resource::Module, Resource::Profile});
  if (!type) return kExitUsage;
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  if (*type == Resource::Module) return describe_module(*reg, pos_args[1], fmt);
  if (*type == Resource::Profile) return describe_profile(*reg, pos_args[1], fmt);
  return describe_process(*reg, pos_args[1], fmt, vm.count("verbose") > 0);
}

}  // namespace tc::cli
