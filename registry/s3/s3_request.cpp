#include "registry/s3/s3_request.hpp"

#include <algorithm>
#include <ctime>

namespace tc::registry::s3 {

std::string Location::to_string() const {
  return prefix.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
}

Expected<Location> parse_location(std::string_view url) {
  auto bad = [&](const char* why) {
    return make_error(ErrorKind::Usage, "'" + std::string(url) + "': " + why);
  };
  if (url.substr(0, 5) != "s3://") return bad("not an s3:// URL (s3://bucket/prefix)");
  std::string_view rest = url.substr(5);
  size_t slash = rest.find('/');
  Location loc;
  loc.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view p = rest.substr(slash + 1);
    while (!p.empty() && p.back() == '/') p.remove_suffix(1);
    loc.prefix = std::string(p);
  }
  // S3's bucket naming rules (3-63 of a-z 0-9 . -), which path-style URLs need.
  if (loc.bucket.size() < 3 || loc.bucket.size() > 63) return bad("a bucket name has 3 to 63 characters");
  for (char c : loc.bucket)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
      return bad("a bucket name has only a-z, 0-9, '.' and '-'");
  if (loc.prefix.find("//") != std::string::npos || (!loc.prefix.empty() && loc.prefix[0] == '/'))
    return bad("empty path component in the prefix");
  return loc;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string canonical_query(Query q) {
  for (auto& [k, v] : q) {
    k = uri_encode(k, false);
    v = uri_encode(v, false);
  }
  std::sort(q.begin(), q.end());
  std::string out;
  for (const auto& [k, v] : q) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string object_url(std::string_view endpoint, std::string_view bucket, std::string_view key,
                       const Query& query) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  std::string url(endpoint);
  url += "/";
  url += uri_encode(bucket, false);
  if (!key.empty()) {
    url += "/";
    url += uri_encode(key, true);
  }
  if (!query.empty()) {
    url += "?";
    url += canonical_query(query);
  }
  return url;
}

int64_t parse_iso8601_ns(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  auto num = [&](size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se))
    return 0;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  int64_t ns = int64_t(timegm(&tm)) * 1000000000;
  if (s.size() > 19 && s[19] == '.') {
    int64_t scale = 100000000;
    for (size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
      ns += (s[i] - '0') * scale;
  }
  return ns;
}

}  // namespace tc::registry::s3
