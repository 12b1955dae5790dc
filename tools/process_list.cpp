#include "tools/process_list.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tc::cli {

using json = nlohmann::json;
using registry::ProcessSummary;

const std::vector<std::string>& process_statuses() {
  static const std::vector<std::string> s = {"running", "exited",      "trapped", "failed",
                                             "killed",  "interrupted", "truncated"};
  return s;
}

std::string status_text(const ProcessSummary& p) {
  if (!p.broken.empty()) return "broken: " + p.broken;
  if (p.status == "exited") return "exited " + std::to_string(p.exit_code);
  if (p.status == "truncated") return "truncated (exit " + std::to_string(p.exit_code) + ")";
  if (p.status == "interrupted") return "interrupted (" + p.message + ")";
  return p.status;
}

int64_t duration_ns(const ProcessSummary& p, int64_t now_ns) {
  if (!p.start_unix_ns) return 0;
  if (p.end_unix_ns) return std::max<int64_t>(0, p.end_unix_ns - p.start_unix_ns);
  return p.status == "running" ? std::max<int64_t>(0, now_ns - p.start_unix_ns) : 0;
}

namespace {

bool is_failed(const ProcessSummary& p) {
  if (!p.broken.empty()) return false;
  if (p.status == "exited" || p.status == "truncated") return p.exit_code != 0;
  return p.status != "running";  // trapped, failed, killed, interrupted
}

bool module_matches(const ProcessSummary& p, const std::string& want) {
  if (want.empty()) return true;
  if (p.module_name == want) return true;
  std::string d = want.rfind("sha256:", 0) == 0 ? want.substr(7) : want;
  return d.size() >= 4 && p.module_digest.rfind(d, 0) == 0;
}

}  // namespace

std::vector<ProcessSummary> select_processes(std::vector<ProcessSummary> all, const ProcessQuery& q,
                                             int64_t now_ns) {
  std::vector<ProcessSummary> out;
  for (auto& p : all) {
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), p.broken.empty() ? p.status : "broken") ==
            q.statuses.end())
      continue;
    if (q.failed && !is_failed(p)) continue;
    if (!module_matches(p, q.module)) continue;
    if (q.since_ns && (!p.start_unix_ns || p.start_unix_ns < now_ns - *q.since_ns)) continue;
    out.push_back(std::move(p));
  }
  // The listing comes newest first; the others are stable sorts on top of it.
  if (q.sort == "duration")
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
      return duration_ns(a, now_ns) > duration_ns(b, now_ns);
    });
  else if (q.sort == "size")
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.log_bytes > b.log_bytes; });
  if (q.limit && out.size() > *q.limit) out.resize(*q.limit);
  return out;
}

std::string process_table(const std::vector<ProcessSummary>& ps, int64_t now_ns) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : ps) {
    int64_t d = duration_ns(p, now_ns);
    rows.push_back({p.id, p.broken.empty() ? p.module_name : "", p.start_unix_ns ? human_ago(p.start_unix_ns, now_ns) : "unknown",
                    d ? human_duration(uint64_t(d)) : "-", status_text(p), human_size(p.log_bytes)});
  }
  return format_table({"PROCESS ID", "MODULE", "START", "DURATION", "STATUS", "SIZE"}, rows);
}

std::string process_objects(const std::vector<ProcessSummary>& ps, int64_t now_ns, OutputFormat fmt) {
  json j = json::array();
  for (const auto& p : ps) {
    json e = {{"id", p.id}};
    if (!p.broken.empty()) {
      e["status"] = "broken";
      e["broken"] = p.broken;
      e["size"] = p.log_bytes;
      j.push_back(e);
      continue;
    }
    int64_t d = duration_ns(p, now_ns);
    e["module"] = {{"name", p.module_name}, {"digest", "sha256:" + p.module_digest}};
    e["start"] = rfc3339(p.start_unix_ns);
    e["start_unix_ns"] = p.start_unix_ns;
    e["end"] = p.end_unix_ns ? json(rfc3339(p.end_unix_ns)) : json(nullptr);
    e["end_unix_ns"] = p.end_unix_ns ? json(p.end_unix_ns) : json(nullptr);
    e["duration_ns"] = d ? json(d) : json(nullptr);
    e["status"] = p.status;
    bool has_code = p.status == "exited" || p.status == "truncated" || p.status == "trapped" ||
                    p.status == "interrupted";
    e["exit_code"] = has_code ? json(p.exit_code) : json(nullptr);
    e["message"] = p.message;
    e["size"] = p.log_bytes;
    j.push_back(e);
  }
  if (fmt == OutputFormat::Json) return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return to_yaml(j);
}

}  // namespace tc::cli
