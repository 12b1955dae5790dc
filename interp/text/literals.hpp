// Number literal conversion (spec text/values.rst). Inputs are lexemes the
// lexer already classified as Nat/Int/Float; the functions check ranges and
// return std::nullopt when the value does not fit ("constant out of range").
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace tc::wat {

// Unsigned only (no sign): indices, limits, offset=, align=.
std::optional<uint32_t> parse_u32(std::string_view s);
std::optional<uint64_t> parse_u64(std::string_view s);
// iN: -2^(N-1) .. 2^N-1, returned as the two's complement bits.
std::optional<uint32_t> parse_i32(std::string_view s);
std::optional<uint64_t> parse_i64(std::string_view s);
// Any width up to 64 (v128 lanes use 8 and 16), same rule.
std::optional<uint64_t> parse_int_bits(std::string_view s, unsigned bits);
// fN: any number lexeme, inf, nan, nan:0xP; returned as IEEE bits.
// Rounds to nearest-even directly to the target width (no double rounding).
std::optional<uint32_t> parse_f32(std::string_view s);
std::optional<uint64_t> parse_f64(std::string_view s);

}  // namespace tc::wat
