// timecraft describe process ID... | module ID | profile ID: resources in detail.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "registry/process_meta.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/describe_process.hpp"
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
    case ExternKind::Tag: {
      auto t = functype_to_string(m.types[imp ? imp->func_type : m.tag_type_index(index)]);
      return "(tag" + (t.empty() ? "" : " " + t) + ")";
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
      "  cpu_features}, relaxed_simd (the engine's relaxed SIMD choices,\n"
      "  \"\" before them), modules [{digest (sha256:...), name, size}], args,\n"
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
