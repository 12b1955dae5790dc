#include "tools/number_option.hpp"

namespace tc::cli {

namespace {
// Digits only, without overflow; false for anything else.
bool parse_decimal(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t d = uint64_t(c - '0');
    if (out > (UINT64_MAX - d) / 10) return false;  // up to 18446744073709551615
    out = out * 10 + d;
  }
  return true;
}
}  // namespace

Expected<uint64_t> parse_number_option(const std::string& option, const std::string& text,
                                       uint64_t min, uint64_t max) {
  uint64_t v = 0;
  if (!parse_decimal(text, v) || v < min || v > max)
    return make_error(ErrorKind::Usage, option + ": \"" + text + "\" is not a number from " +
                                            std::to_string(min) + " to " + std::to_string(max));
  return v;
}

Expected<int64_t> parse_age_option(const std::string& option, const std::string& text) {
  auto bad = [&] {
    return make_error(ErrorKind::Usage, option + ": \"" + text +
                                            "\" is not a length of time such as 90s, 30m, 2h, 7d or 2w");
  };
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i || j == text.size() || j - i > 9) return bad();
    int64_t n = std::stoll(text.substr(i, j - i));
    int64_t unit = 0;
    switch (text[j]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return bad();
    }
    total += n * unit;
    if (total > int64_t(100) * 365 * 86400) return bad();  // a century is plenty
    i = j + 1;
  }
  return total * 1000000000;
}

Expected<uint64_t> parse_offset_option(const std::string& option, const std::string& text) {
  auto bad = [&] {
    return make_error(ErrorKind::Usage, option + ": \"" + text +
                                            "\" is not a time such as 1.5s, 250ms, 800us or 20ns");
  };
  size_t end = 0;
  while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
  std::string number = text.substr(0, end), unit = text.substr(end);
  uint64_t scale;  // nanoseconds per unit
  if (unit.empty() || unit == "s") scale = 1000000000;
  else if (unit == "ms") scale = 1000000;
  else if (unit == "us") scale = 1000;
  else if (unit == "ns") scale = 1;
  else return bad();
  // Whole and fraction digits apart: exact, no floating point.
  auto dot = number.find('.');
  std::string whole = number.substr(0, dot), frac = dot == std::string::npos ? "" : number.substr(dot + 1);
  if ((whole.empty() && frac.empty()) || frac.find('.') != std::string::npos) return bad();
  uint64_t w = 0, f = 0;
  if (!whole.empty() && (!parse_decimal(whole, w) || w > 1000000000000000000ull / scale)) return bad();
  uint64_t f_scale = scale;
  for (char c : frac) {
    if (c < '0' || c > '9') return bad();
    f_scale /= 10;  // digits beyond a nanosecond are dropped
    f += uint64_t(c - '0') * f_scale;
  }
  return w * scale + f;
}

Expected<void> check_listen_option(const std::string& spec) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorKind::Usage, "--listen " + spec + ": expected ADDR:PORT");
  uint64_t port = 0;
  if (!parse_decimal(spec.substr(colon + 1), port) || port > 65535)
    return make_error(ErrorKind::Usage,
                      "--listen " + spec + ": the port must be a number from 0 to 65535");
  return {};
}

}  // namespace tc::cli
