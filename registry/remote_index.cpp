#include "registry/remote_index.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>

#include "registry/config.hpp"

namespace tc::registry {

namespace {

// Keeps [A-Za-z0-9_~-]; every other byte is %XX. Cut, at a UTF-8
// boundary, so that the encoded text stays within `budget` characters.
std::string encode(const std::string& text, size_t budget) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;  // the bytes of this character
    unsigned char c = text[i];
    if (c >= 0xC0) n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    n = std::min(n, text.size() - i);
    std::string piece;
    for (size_t k = i; k < i + n; ++k) {
      unsigned char b = text[k];
      if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' ||
          b == '~' || b == '-') {
        piece += char(b);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", b);
        piece += hex;
      }
    }
    if (out.size() + piece.size() > budget) break;
    out += piece;
    i += n;
  }
  return out;
}

bool decode(const std::string& text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    unsigned v = 0;
    auto r = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
    if (r.ec != std::errc() || r.ptr != text.data() + i + 3) return false;
    out += char(v);
    i += 2;
  }
  return true;
}

// The '.'-separated fields of key after prefix; false if not exactly n.
bool fields(const std::string& key, const char* prefix, size_t n, std::vector<std::string>& out) {
  std::string p = prefix;
  if (key.compare(0, p.size(), p) != 0) return false;
  out.clear();
  size_t at = p.size();
  for (;;) {
    size_t dot = key.find('.', at);
    out.push_back(key.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
    if (dot == std::string::npos) break;
    at = dot + 1;
  }
  return out.size() == n;
}

template <typename T>
bool number(const std::string& s, T& v, int base = 10) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool is_id(const std::string& s) {
  return s.size() == 36 && s.find_first_not_of("0123456789abcdef-") == std::string::npos;
}

bool is_digest(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Texts in keys: well within S3's 1,024 bytes, with room for a bucket prefix.
constexpr size_t kTextBudget = 480;

}  // namespace

std::string started_key(const ProcessSummary& s) {
  char inv[17];
  std::snprintf(inv, sizeof inv, "%016llx", (unsigned long long)(INT64_MAX - s.start_unix_ns));
  return std::string(kStartedPrefix) + inv + "." + s.id + "." + s.module_digest + "." +
         encode(s.module_name, kTextBudget);
}

std::string ended_key(const ProcessSummary& s) {
  return std::string(kEndedPrefix) + s.id + "." + std::to_string(s.end_unix_ns) + "." +
         encode(s.status, 32) + "." + std::to_string(s.exit_code) + "." + std::to_string(s.log_bytes) +
         "." + encode(s.message, kTextBudget);
}

std::string alive_key(const Heartbeat& h) {
  return std::string(kAlivePrefix) + h.id + "." + std::to_string(h.beat_unix_ns) + "." +
         std::to_string(h.interval_s) + "." + std::to_string(h.segments) + "." +
         std::to_string(h.log_bytes);
}

bool parse_started_key(const std::string& key, ProcessSummary& out) {
  std::vector<std::string> f;
  uint64_t inv;
  if (!fields(key, kStartedPrefix, 4, f) || f[0].size() != 16 || !number(f[0], inv, 16) ||
      inv > uint64_t(INT64_MAX) || !is_id(f[1]) || !is_digest(f[2]) || !decode(f[3], out.module_name))
    return false;
  out.start_unix_ns = INT64_MAX - int64_t(inv);
  out.id = f[1];
  out.module_digest = f[2];
  return true;
}

bool parse_ended_key(const std::string& key, ProcessSummary& out) {
  std::vector<std::string> f;
  if (!fields(key, kEndedPrefix, 6, f) || !is_id(f[0]) || !number(f[1], out.end_unix_ns) ||
      !decode(f[2], out.status) || out.status.empty() || !number(f[3], out.exit_code) ||
      !number(f[4], out.log_bytes) || !decode(f[5], out.message))
    return false;
  out.id = f[0];
  return true;
}

bool parse_alive_key(const std::string& key, Heartbeat& out) {
  std::vector<std::string> f;
  if (!fields(key, kAlivePrefix, 5, f) || !is_id(f[0]) || !number(f[1], out.beat_unix_ns) ||
      !number(f[2], out.interval_s) || !number(f[3], out.segments) || !number(f[4], out.log_bytes))
    return false;
  out.id = f[0];
  return true;
}

int64_t stale_after_ns(uint32_t interval_s) {
  // Three beats missed, and 5 s more (a busy machine, a slow store,
  // clocks a little apart); a run with no beat yet: its start's age.
  if (interval_s == 0) interval_s = kDefaultSegmentSeconds;
  return (3 * int64_t(interval_s) + 5) * 1000000000;
}

Expected<std::vector<ProcessSummary>> list_remote_index(const ObjectStore& remote, int64_t now_unix_ns) {
  auto started = remote.list(kStartedPrefix);
  if (!started) return started.error();
  auto ended = remote.list(kEndedPrefix);
  if (!ended) return ended.error();
  auto alive = remote.list(kAlivePrefix);
  if (!alive) return alive.error();

  std::unordered_map<std::string, ProcessSummary> ends;
  for (const auto& o : *ended)
    if (ProcessSummary e; parse_ended_key(o.key, e)) ends[e.id] = std::move(e);
  std::unordered_map<std::string, Heartbeat> beats;  // the latest of each run
  for (const auto& o : *alive)
    if (Heartbeat h; parse_alive_key(o.key, h)) {
      auto& b = beats[h.id];
      if (h.beat_unix_ns >= b.beat_unix_ns) b = h;
    }

  std::vector<ProcessSummary> out;
  std::unordered_map<std::string, bool> seen;
  for (const auto& o : *started) {  // newest first
    ProcessSummary s;
    if (!parse_started_key(o.key, s) || seen[s.id]) continue;
    seen[s.id] = true;
    if (auto e = ends.find(s.id); e != ends.end()) {
      s.end_unix_ns = e->second.end_unix_ns;
      s.status = e->second.status;
      s.exit_code = e->second.exit_code;
      s.log_bytes = e->second.log_bytes;
      s.message = e->second.message;
    } else {
      auto b = beats.find(s.id);
      int64_t last = b != beats.end() ? b->second.beat_unix_ns : s.start_unix_ns;
      uint32_t interval = b != beats.end() ? b->second.interval_s : 0;
      if (b != beats.end()) s.log_bytes = b->second.log_bytes;
      s.status = now_unix_ns - last > stale_after_ns(interval) ? "killed" : "running";
    }
    out.push_back(std::move(s));
  }
  return out;
}

void remove_heartbeats(ObjectStore& remote, const std::string& id, const std::string& keep) {
  auto beats = remote.list(std::string(kAlivePrefix) + id + ".");
  if (!beats) return;
  for (const auto& o : *beats)
    if (o.key != keep) (void)remote.remove(o.key);
}

}  // namespace tc::registry
