#include "trace/wasi_fields.hpp"

namespace tc::trace::fields {

namespace {
std::string quoted(std::span<const uint8_t> b) {
  std::string s = "\"";
  for (size_t i = 0; i < b.size() && i < 48; ++i) {
    char c = char(b[i]);
    if (c == '"' || c == '\\') s += '\\', s += c;
    else if (c >= 32 && c < 127) s += c;
    else {
      static const char* hex = "0123456789abcdef";
      s += "\\x";
      s += hex[b[i] >> 4];
      s += hex[b[i] & 15];
    }
  }
  if (b.size() > 48) s += "...";
  return s + "\"";
}
std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

std::string cmp(PayloadReader& r, uint64_t observed, bool is_signed) {
  uint64_t rec;
  if (is_signed) {
    int64_t s;
    if (!r.s64(s)) return "corrupt";
    rec = uint64_t(s);
    if (rec == observed) return "";
    return "recorded " + std::to_string(s) + ", observed " + std::to_string(int64_t(observed));
  }
  if (!r.u64(rec)) return "corrupt";
  if (rec == observed) return "";
  return "recorded " + std::to_string(rec) + ", observed " + std::to_string(observed);
}

std::string cmp(PayloadReader& r, std::string_view observed) {
  std::span<const uint8_t> rec;
  if (!r.bytes(rec)) return "corrupt";
  auto obs = as_bytes(observed);
  if (std::equal(rec.begin(), rec.end(), obs.begin(), obs.end())) return "";
  return "recorded " + quoted(rec) + ", observed " + quoted(obs);
}

std::string cmp(PayloadReader& r, const IovecsIn& observed) {
  uint64_t n;
  if (!r.u64(n)) return "corrupt";
  // Compare the concatenated bytes first (what was written), then the shape.
  std::vector<uint8_t> rec_all, obs_all;
  std::string shape_diff;
  for (uint64_t i = 0; i < n; ++i) {
    std::span<const uint8_t> b;
    if (!r.bytes(b)) return "corrupt";
    rec_all.insert(rec_all.end(), b.begin(), b.end());
    if (i >= observed.size() || observed[i].size() != b.size()) shape_diff = "iovec shape differs";
  }
  for (auto b : observed) obs_all.insert(obs_all.end(), b.begin(), b.end());
  if (rec_all != obs_all) return "recorded " + quoted(rec_all) + ", observed " + quoted(obs_all);
  if (n != observed.size())
    return "recorded " + std::to_string(n) + " iovecs, observed " + std::to_string(observed.size());
  return shape_diff;
}

std::string cmp(PayloadReader& r, const IovecsOut& observed) {
  uint64_t n;
  if (!r.u64(n)) return "corrupt";
  std::string diff;
  if (n != observed.size())
    diff = "recorded " + std::to_string(n) + " iovecs, observed " + std::to_string(observed.size());
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len;
    if (!r.u64(len)) return "corrupt";
    if (diff.empty() && observed[i].size() != len)
      diff = "iovec " + std::to_string(i) + ": recorded length " + std::to_string(len) +
             ", observed " + std::to_string(observed[i].size());
  }
  return diff;
}

std::string cmp(PayloadReader& r, std::span<uint8_t> observed) {
  return cmp(r, uint64_t(observed.size()), false);
}

std::string cmp(PayloadReader& r, const std::vector<Subscription>& observed) {
  // Compare canonical encodings: the recorded list re-encoded vs the observed one.
  std::vector<Subscription> rec;
  if (!dec(r, rec)) return "corrupt";
  std::vector<uint8_t> mine, theirs;
  PayloadWriter w(mine), w2(theirs);
  enc(w, observed);
  enc(w2, rec);
  if (mine == theirs) return "";
  return "recorded " + std::to_string(rec.size()) + " subscriptions, observed " +
         std::to_string(observed.size()) + " (contents differ)";
}

std::string cmp(PayloadReader& r, const SockAddr& observed) {
  SockAddr rec;
  if (!dec(r, rec)) return "corrupt";
  if (rec == observed) return "";
  return "recorded " + rec.to_string() + ", observed " + observed.to_string();
}

std::string cmp(PayloadReader& r, const AddrinfoHints& observed) {
  AddrinfoHints rec;
  if (!dec(r, rec)) return "corrupt";
  if (rec.flags == observed.flags && rec.family == observed.family &&
      rec.socktype == observed.socktype && rec.protocol == observed.protocol)
    return "";
  return "recorded other hints (flags, family, socktype or protocol differ)";
}

}  // namespace tc::trace::fields
