// Checks of the custom sections whose contents the spec gives a meaning:
// "metadata.code.branch_hint" (branch hints: each names an `if` or
// `br_if` of its function, in increasing offsets). A failing custom
// section does not make the module invalid: these checks are asked for
// separately (the scripts' assert_invalid_custom). Errors are Invalid.
#pragma once
#include "interp/error.hpp"
#include "interp/module.hpp"

namespace tc::wasm {

// `m` has been loaded (decoded and validated).
Expected<void> check_custom_sections(const Module& m);

}  // namespace tc::wasm
