#include "tools/format.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tc::cli {

std::string human_size(uint64_t b) {
  char buf[32];
  if (b < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    return buf;
  }
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = double(b) / 1024;
  int u = 0;
  while (v >= 1024 && u < 3) { v /= 1024; ++u; }
  std::snprintf(buf, sizeof buf, "%.2f %s", v, units[u]);
  return buf;
}

std::string human_ago(int64_t then_ns, int64_t now_ns) {
  int64_t s = (now_ns - then_ns) / 1000000000;
  if (s < 0) s = 0;
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llds ago", static_cast<long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm ago", static_cast<long long>(s / 60));
  else if (s < 86400) std::snprintf(buf, sizeof buf, "%lldh ago", static_cast<long long>(s / 3600));
  else std::snprintf(buf, sizeof buf, "%lldd ago", static_cast<long long>(s / 86400));
  return buf;
}

std::string human_duration(uint64_t ns) {
  char buf[32];
  if (ns < 1000) std::snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(ns));
  else if (ns < 1000000) std::snprintf(buf, sizeof buf, "%.2fus", double(ns) / 1e3);
  else if (ns < 1000000000) std::snprintf(buf, sizeof buf, "%.2fms", double(ns) / 1e6);
  else if (ns < 60000000000ull) std::snprintf(buf, sizeof buf, "%.2fs", double(ns) / 1e9);
  else {
    uint64_t s = ns / 1000000000;
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

std::string rfc3339(int64_t unix_ns) {
  std::time_t t = std::time_t(unix_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string rfc1123_local(int64_t unix_ns) {
  // Floor, so that a time before 1970 keeps its second.
  int64_t s = unix_ns / 1000000000 - (unix_ns % 1000000000 < 0 ? 1 : 0);
  std::time_t t = std::time_t(s);
  std::tm tm{};
  ::tzset();  // localtime_r need not read $TZ itself
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %Z", &tm);
  return buf;
}

std::string format_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(headers.size());
  for (size_t i = 0; i < headers.size(); ++i) w[i] = headers[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string c = i < cells.size() ? cells[i] : "";
      if (i + 1 < w.size()) c.resize(w[i] + 3, ' ');
      s += c;
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(headers);
  for (const auto& r : rows) out += line(r);
  return out;
}

bool parse_output_format(const std::string& s, OutputFormat& out) {
  if (s == "text") out = OutputFormat::Text;
  else if (s == "json") out = OutputFormat::Json;
  else if (s == "yaml") out = OutputFormat::Yaml;
  else return false;
  return true;
}

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  static const char* special[] = {"true", "false", "null", "yes", "no", "on", "off", "~"};
  for (auto w : special)
    if (s == w) return true;
  // Anything a YAML reader would take for a number stays a string.
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end && *end == '\0') return true;
  if (s[0] == '-' || s[0] == ' ' || s.back() == ' ') return true;
  return s.find_first_of(":#{}[],&*?|<>=!%@`'\"\\\n\t") != std::string::npos;
}

template <class Json>
std::string scalar(const Json& j) {
  if (j.is_string()) {
    const auto& s = j.template get_ref<const std::string&>();
    return needs_quotes(s) ? Json(s).dump() : s;
  }
  return j.dump();
}

template <class Json>
void emit(const Json& j, int indent, std::string& out) {
  std::string pad(size_t(indent), ' ');
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const auto& v = it.value();
      std::string key = needs_quotes(it.key()) ? Json(it.key()).dump() : it.key();
      if ((v.is_object() || v.is_array()) && !v.empty()) {
        out += pad + key + ":\n";
        emit(v, v.is_array() ? indent : indent + 2, out);
      } else if (v.is_object()) {
        out += pad + key + ": {}\n";
      } else if (v.is_array()) {
        out += pad + key + ": []\n";
      } else {
        out += pad + key + ": " + scalar(v) + "\n";
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_object() && !v.empty()) {
        std::string sub;
        emit(v, indent + 2, sub);
        sub.replace(size_t(indent), 2, "- ");  // first key goes on the dash line
        out += sub;
      } else if (v.is_array() && !v.empty()) {
        out += pad + "-\n";
        emit(v, indent + 2, out);
      } else {
        out += pad + "- " + (v.is_object() ? "{}" : v.is_array() ? "[]" : scalar(v)) + "\n";
      }
    }
  } else {
    out += pad + scalar(j) + "\n";
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& j) {
  std::string out;
  emit(j, 0, out);
  return out;
}

std::string to_yaml(const nlohmann::ordered_json& j) {
  std::string out;
  emit(j, 0, out);
  return out;
}

std::string format_frame(const tc::TraceFrame& f) {
  if (f.elided) return "... " + std::to_string(f.elided) + " more frames";
  if (!f.has_offset) return f.name;
  char buf[24];
  std::snprintf(buf, sizeof buf, "+0x%x", f.func_offset);
  std::string s = f.name + buf;
  if (f.line) s += "  at " + f.file + ":" + std::to_string(f.line);
  return s;
}

std::string format_backtrace(const std::vector<tc::TraceFrame>& frames) {
  if (frames.empty()) return "";
  std::string out = "wasm backtrace:\n";
  for (size_t i = 0; i < frames.size();) {
    size_t j = i + 1;
    while (j < frames.size() && frames[j] == frames[i]) ++j;
    out += "  " + std::to_string(i) + ": " + format_frame(frames[i]);
    if (j - i > 1) out += "  (x" + std::to_string(j - i) + ")";
    out += "\n";
    i = j;
  }
  return out;
}

}  // namespace tc::cli
