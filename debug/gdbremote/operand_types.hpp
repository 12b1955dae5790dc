// The types of a function's operand stack before one of its instructions,
// for qWasmStackValue: the replay keeps raw 64-bit slots (a v128 takes
// two), and the reply is as wide as the value's type (4 bytes for an i32,
// as qWasmLocal). Found by typing the body from its start, as validation
// does (the body is valid: no checks; unreachable code is typed loosely,
// as nothing at a stop depends on it).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "interp/module.hpp"

namespace tc::debug::gdbremote {

// Bottom first; nullopt if `offset` is no instruction of defined function
// `func_index` (a module function index).
std::optional<std::vector<wasm::ValType>> operand_types(const wasm::Module& m, uint32_t func_index, uint32_t offset);

}  // namespace tc::debug::gdbremote
