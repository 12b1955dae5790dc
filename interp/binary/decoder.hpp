// Binary format -> Module (spec "Binary Format"). One pass over the
// sections; function bodies are located but their instructions are decoded
// by validate/ (which reports malformed instruction encodings as Malformed).
#pragma once
#include <memory>
#include <vector>

#include "interp/error.hpp"
#include "interp/features.hpp"
#include "interp/module.hpp"

namespace tc::wasm {

// Errors are Malformed, location "offset 0x..", message in the spec's
// wording ("unexpected end", "magic header not detected", ...).
Expected<std::shared_ptr<Module>> decode_module(std::vector<uint8_t> bytes, Features f = {});

}  // namespace tc::wasm
