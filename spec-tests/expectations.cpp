#include "spec-tests/expectations.hpp"

#include <fstream>
#include <sstream>

namespace tc::spec {

bool glob_match(const std::string& p, const std::string& t) {
  // Iterative '*' / '?' matcher with single backtrack point.
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) { ++pi; ++ti; }
    else if (pi < p.size() && p[pi] == '*') { star = pi++; mark = ti; }
    else if (star != std::string::npos) { pi = star + 1; ti = ++mark; }
    else return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Expected<Expectations> Expectations::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::Io, "cannot open expectations file " + path);
  Expectations ex;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream ss(line);
    std::string verb, what, reason;
    if (!(ss >> verb)) continue;
    ss >> what;
    std::getline(ss >> std::ws, reason);
    auto where = path + ":" + std::to_string(n);
    if ((verb != "skip" && verb != "fail") || what.empty())
      return make_error(ErrorKind::Usage, "expected 'skip FILE REASON' or 'fail FILE:LINE REASON'", where);
    if (reason.empty()) return make_error(ErrorKind::Usage, "entry without a reason", where);
    Entry e;
    e.skip = verb == "skip";
    e.reason = reason;
    if (e.skip) {
      e.pattern = what;
    } else {
      auto colon = what.rfind(':');
      if (colon == std::string::npos)
        return make_error(ErrorKind::Usage, "fail entries name FILE:LINE", where);
      e.pattern = what.substr(0, colon);
      e.line = uint32_t(std::strtoul(what.c_str() + colon + 1, nullptr, 10));
    }
    ex.entries_.push_back(std::move(e));
  }
  return ex;
}

std::optional<std::string> Expectations::skip_reason(const std::string& file) const {
  for (const auto& e : entries_)
    if (e.skip && glob_match(e.pattern, file)) return e.reason;
  return std::nullopt;
}

std::optional<std::string> Expectations::accepted_failure(const std::string& file,
                                                          uint32_t line) const {
  for (const auto& e : entries_)
    if (!e.skip && e.line == line && e.pattern == file) return e.reason;
  return std::nullopt;
}

}  // namespace tc::spec
