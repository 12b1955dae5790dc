// Proposals of WebAssembly 3.0 that change how some 2.0 modules are read
// (constant expressions that 2.0 rejects are now valid; a byte 2.0 requires
// to be zero is now a memory index, limits out of u32 range are now valid
// syntax, a second memory is no longer invalid; opcodes 0x06-0x0A, 0x18,
// 0x19, 0x1F, section 13 and import/export kind 4 are exception handling's).
// Everything reads 3.0 by default; the 2.0 spec suite, which tests the old
// answers, turns them off (Features::wasm2(), spec-tests/wast_runner.cpp).
#pragma once
#include <memory>
#include <vector>

#include "interp/error.hpp"

namespace tc::wasm {

struct Features {
  // Extended constants (i32/i64 add, sub, mul) and global.get of any
  // earlier immutable global, defined ones too (2.0: imported only).
  bool extended_const = true;
  bool multi_memory = true;  // memarg flag bit 6 + index, u32 memory indices, several memories
  bool memory64 = true;      // limits flags 0x04/0x05, u64 limits, offsets and align
  bool exceptions = true;    // tag section, tag imports/exports, try/throw opcodes
  static Features wasm2() { return Features{false, false, false, false}; }
};

struct Module;
// load_module (engine.hpp) with a feature set.
Expected<std::shared_ptr<const Module>> load_module(std::vector<uint8_t> bytes, const Features& f);

}  // namespace tc::wasm
