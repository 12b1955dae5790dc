// Command-line text <-> WebAssembly values (for `run --invoke`).
#pragma once
#include <optional>
#include <string>

#include "interp/engine.hpp"

namespace tc::session {

// "42", "-1", "0x2a" for integers; "1.5", "-inf", "nan", "0x1p-3" for floats;
// "null" for references. nullopt when the text does not fit the type.
std::optional<wasm::Value> parse_value(const std::string& text, wasm::ValType type);
// Integers as signed decimal, floats with enough digits to round-trip.
std::string format_value(const wasm::Value& v);

}  // namespace tc::session
