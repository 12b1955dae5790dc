#include "registry/process_meta.hpp"

#include <nlohmann/json.hpp>

namespace tc::registry {

using json = nlohmann::json;

std::string to_json(const ProcessMeta& m) {
  json dirs = json::array();
  for (const auto& d : m.dirs) dirs.push_back({{"host", d.host}, {"guest", d.guest}});
  json j = {
      {"id", m.id},
      {"start_unix_ns", m.start_unix_ns},
      {"end_unix_ns", m.end_unix_ns},
      {"runtime", {{"name", m.runtime}, {"version", m.runtime_version}}},
      {"module", {{"digest", m.module_digest}, {"name", m.module_name}, {"size", m.module_size}}},
      {"args", m.args},
      {"env", m.env},
      {"dirs", dirs},
      {"listen", m.listen},
      {"invoke", m.invoke ? json(*m.invoke) : json(nullptr)},
      {"invoke_args", m.invoke_args},
      {"limits", {{"max_call_depth", m.max_call_depth}, {"max_memory_pages", m.max_memory_pages}}},
      {"log", {{"batch_records", m.batch_records}, {"segment_bytes", m.segment_bytes},
               {"codec", m.codec}, {"error", m.log_error}}},
      {"exit", {{"status", m.status}, {"code", m.exit_code}, {"message", m.message}}},
  };
  return j.dump(2) + "\n";
}

Expected<ProcessMeta> process_meta_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorKind::Io, "process metadata is not valid JSON");
  try {
    ProcessMeta m;
    m.id = j.at("id").get<std::string>();
    m.start_unix_ns = j.value("start_unix_ns", int64_t(0));
    m.end_unix_ns = j.value("end_unix_ns", int64_t(0));
    const auto& rt = j.at("runtime");
    m.runtime = rt.value("name", "timecraft");
    m.runtime_version = rt.value("version", "");
    const auto& mod = j.at("module");
    m.module_digest = mod.at("digest").get<std::string>();
    m.module_name = mod.value("name", "");
    m.module_size = mod.value("size", uint64_t(0));
    m.args = j.value("args", std::vector<std::string>{});
    m.env = j.value("env", std::vector<std::string>{});
    for (const auto& d : j.value("dirs", json::array()))
      m.dirs.push_back({d.value("host", ""), d.value("guest", "")});
    m.listen = j.value("listen", std::vector<std::string>{});
    if (j.contains("invoke") && j["invoke"].is_string()) m.invoke = j["invoke"].get<std::string>();
    m.invoke_args = j.value("invoke_args", std::vector<std::string>{});
    const auto& lim = j.at("limits");
    m.max_call_depth = lim.value("max_call_depth", uint32_t(10000));
    m.max_memory_pages = lim.value("max_memory_pages", uint32_t(65536));
    const auto& log = j.at("log");
    m.batch_records = log.value("batch_records", uint32_t(4096));
    m.segment_bytes = log.value("segment_bytes", uint64_t(0));
    m.codec = log.value("codec", "");
    m.log_error = log.value("error", "");
    const auto& ex = j.at("exit");
    m.status = ex.value("status", "running");
    m.exit_code = ex.value("code", 0);
    m.message = ex.value("message", "");
    return m;
  } catch (const json::exception& e) {
    return make_error(ErrorKind::Io, std::string("process metadata is incomplete: ") + e.what());
  }
}

}  // namespace tc::registry
