// Converting script constants to engine values and matching results
// against assert_return patterns (NaN classes, references, v128 lanes).
#pragma once
#include <string>

#include "interp/engine.hpp"
#include "interp/text/script.hpp"

namespace tc::spec {

// Externref values handed to the engine: (ref.extern N) -> 2N+1, never 0
// (null) and never an aligned pointer, so it cannot pass for a funcref.
inline wasm::Ref extern_ref(uint32_t n) { return wasm::Ref(n) * 2 + 1; }

wasm::Value const_to_value(const wast::Const& c);
bool result_matches(const wast::ResultPattern& p, const wasm::Value& v);
std::string pattern_to_string(const wast::ResultPattern& p);
std::string result_to_string(const wasm::Value& v);

}  // namespace tc::spec
