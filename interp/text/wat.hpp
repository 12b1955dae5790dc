// The WebAssembly text format -> binary. Everything (text or binary) then
// goes through the one binary decoder.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "interp/error.hpp"
#include "interp/features.hpp"

namespace tc::wat {

// Parses "(module $id? field*)" or a bare sequence of module fields and
// returns the binary encoding. Errors are Malformed, location "line:col".
// `(module binary ...)` and `(module quote ...)` are accepted too.
// Name-resolution errors (an unknown $label, $func ...) are Malformed here;
// numeric indices are not range-checked (the validator reports those).
// Without Features::memory64, limits, offsets and alignments are u32 (2.0).
Expected<std::vector<uint8_t>> wat_to_binary(std::string_view source, wasm::Features f = {});

}  // namespace tc::wat
