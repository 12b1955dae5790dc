#include "registry/process_meta.hpp"

#include <nlohmann/json.hpp>

#include "registry/json_fields.hpp"

namespace tc::registry {

using json = nlohmann::json;

std::string to_json(const ProcessMeta& m) {
  json dirs = json::array();
  for (const auto& d : m.dirs) dirs.push_back({{"host", d.host}, {"guest", d.guest}});
  json j = {
      {"id", m.id},
      {"start_unix_ns", m.start_unix_ns},
      {"end_unix_ns", m.end_unix_ns},
      {"runtime", {{"name", m.runtime}, {"version", m.runtime_version}, {"build", m.runtime_build}}},
      {"platform", {{"arch", m.arch}, {"cpu_features", m.cpu_features}}},
      {"relaxed_simd", m.relaxed_simd},
      {"module", {{"digest", m.module_digest}, {"name", m.module_name}, {"size", m.module_size}}},
      {"args", m.args},
      {"env", m.env},
      {"dirs", dirs},
      {"listen", m.listen},
      {"dial", m.dial},
      {"net", m.net},
      {"invoke", m.invoke ? json(*m.invoke) : json(nullptr)},
      {"invoke_args", m.invoke_args},
      {"limits", {{"max_call_depth", m.max_call_depth}, {"max_memory_pages", m.max_memory_pages},
                  {"capped_memories", m.capped_memories}}},
      {"log", {{"batch_records", m.batch_records}, {"segment_bytes", m.segment_bytes},
               {"codec", m.codec}, {"error", m.log_error}}},
      {"exit", {{"status", m.status}, {"code", m.exit_code}, {"message", m.message}}},
  };
  if (m.chaos)
    j["chaos"] = {{"rate", m.chaos->rate}, {"seed", m.chaos->seed}, {"kinds", m.chaos->kinds}};
  // Args, env and paths are the host's bytes, not necessarily UTF-8: such
  // bytes are shown as U+FFFD (the log keeps the exact bytes for replay).
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Expected<ProcessMeta> process_meta_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error(ErrorKind::Io, "not valid JSON");
  ProcessMeta m;
  m.max_call_depth = 10000;
  m.max_memory_pages = 65536;
  m.batch_records = 4096;
  JsonFields f(j);
  f.str("id", m.id, true).integer("start_unix_ns", m.start_unix_ns).integer("end_unix_ns", m.end_unix_ns);
  f.object("runtime", true)
      .str("name", m.runtime).str("version", m.runtime_version).str("build", m.runtime_build);
  f.object("platform").str("arch", m.arch).strings("cpu_features", m.cpu_features);
  f.str("relaxed_simd", m.relaxed_simd);
  f.object("module", true)
      .str("digest", m.module_digest, true).str("name", m.module_name).integer("size", m.module_size);
  f.strings("args", m.args).strings("env", m.env);
  f.each("dirs", [&](JsonFields& d) {
    ProcessMeta::Dir dir;
    d.str("host", dir.host).str("guest", dir.guest);
    m.dirs.push_back(std::move(dir));
  });
  f.strings("listen", m.listen).strings("dial", m.dial).strings("net", m.net).opt_str("invoke", m.invoke).strings("invoke_args", m.invoke_args);
  f.object("limits", true)
      .integer("max_call_depth", m.max_call_depth)
      .integer("max_memory_pages", m.max_memory_pages)
      .uint32s("capped_memories", m.capped_memories);
  f.object("log", true)
      .integer("batch_records", m.batch_records)
      .integer("segment_bytes", m.segment_bytes)
      .str("codec", m.codec)
      .str("error", m.log_error);
  if (j.contains("chaos") && !j["chaos"].is_null()) {  // only a --chaotic run has it
    const json& c = j["chaos"];
    if (!c.is_object() || !c.contains("rate") || !c["rate"].is_number() ||
        !(c["rate"].get<double>() >= 0 && c["rate"].get<double>() <= 1))
      return make_error(ErrorKind::Io, "field \"chaos.rate\" is not a number from 0 to 1");
    ProcessMeta::Chaos chaos;
    chaos.rate = c["rate"].get<double>();
    f.object("chaos").integer("seed", chaos.seed, true).strings("kinds", chaos.kinds);
    m.chaos = std::move(chaos);
  }
  f.object("exit", true).str("status", m.status).integer("code", m.exit_code).str("message", m.message);
  if (f.error()) return make_error(ErrorKind::Io, *f.error());
  return m;
}

}  // namespace tc::registry
