#include "interp/text/literals.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "interp/text/lexer.hpp"

namespace tc::wat {

namespace {

// Magnitude of a nat lexeme (decimal or 0x hex, underscores allowed);
// nullopt when it exceeds 2^64-1 or is not a nat.
std::optional<uint64_t> magnitude(std::string_view s) {
  if (!is_nat_text(s)) return std::nullopt;
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  uint64_t base = hex ? 16 : 10, v = 0;
  for (char c : hex ? s.substr(2) : s) {
    if (c == '_') continue;
    uint64_t d = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > (UINT64_MAX - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return v;
}

std::string strip_underscores(std::string_view s);

}  // namespace

// Signed/unsigned N-bit integer: "+x" / "x" up to 2^N-1, "-x" down to -2^(N-1).
std::optional<uint64_t> parse_int_bits(std::string_view s, unsigned bits) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto m = magnitude(s);
  if (!m) return std::nullopt;
  uint64_t umax = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  uint64_t nmax = uint64_t(1) << (bits - 1);
  if (neg) {
    if (*m > nmax) return std::nullopt;
    return (0 - *m) & umax;
  }
  if (*m > umax) return std::nullopt;
  return *m;
}

namespace {

std::string strip_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// Shared float logic; T is float or double, Bits the matching integer.
template <class T, class Bits, int MantBits>
std::optional<Bits> parse_float(std::string_view s) {
  if (!is_float_text(s) && !is_nat_text(s) && !is_int_text(s)) return std::nullopt;
  constexpr int kTotal = sizeof(Bits) * 8;
  constexpr Bits kSign = Bits(1) << (kTotal - 1);
  constexpr Bits kExpMask = ((Bits(1) << (kTotal - 1 - MantBits)) - 1) << MantBits;
  constexpr Bits kMantMask = (Bits(1) << MantBits) - 1;
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  Bits sign = neg ? kSign : 0;
  if (body == "inf") return sign | kExpMask;
  if (body == "nan") return sign | kExpMask | (Bits(1) << (MantBits - 1));
  if (body.substr(0, 4) == "nan:") {
    auto p = magnitude(body.substr(4));
    if (!p || *p == 0 || *p > kMantMask) return std::nullopt;
    return sign | kExpMask | Bits(*p);
  }
  std::string clean = strip_underscores(s);
  char* end = nullptr;
  T v;
  if constexpr (sizeof(T) == 4) v = std::strtof(clean.c_str(), &end);
  else v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  if (std::isinf(v)) return std::nullopt;  // overflow after rounding
  Bits bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

}  // namespace

std::optional<uint32_t> parse_u32(std::string_view s) {
  auto m = magnitude(s);
  if (!m || *m > UINT32_MAX) return std::nullopt;
  return uint32_t(*m);
}

std::optional<uint64_t> parse_u64(std::string_view s) { return magnitude(s); }

std::optional<uint32_t> parse_i32(std::string_view s) {
  auto v = parse_int_bits(s, 32);
  if (!v) return std::nullopt;
  return uint32_t(*v);
}

std::optional<uint64_t> parse_i64(std::string_view s) { return parse_int_bits(s, 64); }

std::optional<uint32_t> parse_f32(std::string_view s) {
  return parse_float<float, uint32_t, 23>(s);
}

std::optional<uint64_t> parse_f64(std::string_view s) {
  return parse_float<double, uint64_t, 52>(s);
}

}  // namespace tc::wat
