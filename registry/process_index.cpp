#include "registry/process_index.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <unordered_set>
#include <unistd.h>

#include "registry/atomic_file.hpp"
#include "registry/flat_json.hpp"

namespace tc::registry {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxLine = 4000;  // under 4 KiB: one write, never interleaved

// The first `n` bytes of `s`, not ending inside a UTF-8 sequence.
std::string cut(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string dump(const json& j) {
  // Names and messages are the host's bytes, not necessarily UTF-8.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string index_line(const IndexRecord& r) {
  const ProcessSummary& s = r.summary;
  if (r.deleted) return dump({{"id", s.id}, {"deleted", true}});
  json j = {{"id", s.id},
            {"start_unix_ns", s.start_unix_ns},
            {"end_unix_ns", s.end_unix_ns},
            {"module_digest", s.module_digest},
            {"module_name", cut(s.module_name, kSummaryTextBytes)},
            {"status", s.status},
            {"exit_code", s.exit_code},
            {"message", cut(s.message, kSummaryTextBytes)},
            {"log_bytes", s.log_bytes}};
  if (!r.meta_stamp.empty()) j["meta_stamp"] = r.meta_stamp;
  std::string line = dump(j);
  // Escapes can make a cut text up to 6 times longer: drop texts until it fits.
  for (const char* key : {"message", "module_name"}) {
    if (line.size() <= kMaxLine) break;
    j[key] = "";
    line = dump(j);
  }
  return line;
}

bool parse_index_line(std::string_view line, IndexRecord& out) {
  IndexRecord r;
  ProcessSummary& s = r.summary;
  bool has_status = false, has_digest = false;
  FlatObjectReader in(line);
  std::string key;
  FlatValue v;
  auto str = [&](std::string& field) {
    if (v.kind != FlatValue::Kind::String) return false;
    field = std::move(v.str);
    return true;
  };
  auto integer = [&](auto& field, int64_t lo, uint64_t hi) {
    int64_t x;
    if (!v.int_in(lo, hi, x)) return false;
    field = static_cast<std::remove_reference_t<decltype(field)>>(x);
    return true;
  };
  while (in.next(key, v)) {
    bool ok = true;
    if (key == "id") ok = str(s.id);
    else if (key == "deleted") ok = v.kind == FlatValue::Kind::Bool && (r.deleted = v.boolean);
    else if (key == "start_unix_ns") ok = integer(s.start_unix_ns, INT64_MIN, INT64_MAX);
    else if (key == "end_unix_ns") ok = integer(s.end_unix_ns, INT64_MIN, INT64_MAX);
    else if (key == "module_digest") ok = has_digest = str(s.module_digest);
    else if (key == "module_name") ok = str(s.module_name);
    else if (key == "status") ok = has_status = str(s.status);
    else if (key == "exit_code") ok = integer(s.exit_code, INT32_MIN, INT32_MAX);
    else if (key == "message") ok = str(s.message);
    else if (key == "log_bytes") ok = integer(s.log_bytes, 0, UINT64_MAX);
    else if (key == "meta_stamp") ok = str(r.meta_stamp);
    if (!ok) return false;  // a field of the wrong type: not our line
  }
  if (!in.ok() || s.id.empty()) return false;
  if (!r.deleted && (!has_status || !has_digest || s.status.empty())) return false;
  out = std::move(r);
  return true;
}

namespace {

// The id of a line as we write it ({..."id":"<id>",...}), without parsing
// it; "" if it is not there. In valid JSON that byte sequence can only be
// the key "id": a quote inside a string value is escaped.
std::string_view peek_id(std::string_view line) {
  static constexpr std::string_view key = "\"id\":\"";
  size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  size_t start = at + key.size(), end = line.find('"', start);
  return end == std::string_view::npos ? std::string_view() : line.substr(start, end - start);
}

}  // namespace

ProcessIndex::Contents ProcessIndex::load() const {
  Contents c;
  auto bytes = read_file(path_);
  if (!bytes) return c;
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    // A last line with no newline may be an append cut short: it is
    // parsed like any other (a torn one is not valid JSON).
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty()) lines.push_back(line);
  }
  c.lines = lines.size();
  // Latest first, so that only the line that wins is parsed for each id
  // (most ids have two: the start of their run and its end).
  std::unordered_set<std::string_view> done;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string_view id = peek_id(*it);
    if (!id.empty() && done.count(id)) continue;
    IndexRecord r;
    if (!parse_index_line(*it, r)) continue;
    if (r.summary.id == id) done.insert(id);
    std::string key = r.summary.id;
    c.latest.try_emplace(std::move(key), std::move(r));  // a later line won already
  }
  return c;
}

Expected<void> ProcessIndex::append(const std::vector<IndexRecord>& records) const {
  if (records.empty()) return {};
  int fd;
  do fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return make_error(ErrorKind::Io, "cannot open " + path_ + ": " + std::strerror(errno));
  for (const auto& r : records) {
    std::string line = index_line(r);
    ssize_t n;
    do n = ::write(fd, line.data(), line.size());
    while (n < 0 && errno == EINTR);
    if (n != ssize_t(line.size())) {  // a short write leaves a torn line, skipped when read
      auto e = make_error(ErrorKind::Io, "cannot append to " + path_ + ": " +
                                             (n < 0 ? std::strerror(errno) : "short write"));
      ::close(fd);
      return e;
    }
  }
  ::close(fd);
  return {};
}

Expected<void> ProcessIndex::rewrite(const std::vector<IndexRecord>& records) const {
  std::string text;
  for (const auto& r : records) text += index_line(r);
  return write_file_atomic(path_, text);
}

}  // namespace tc::registry
