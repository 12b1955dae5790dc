// WAST scripts (the spec repository's interpreter/README.md, "Scripts"):
// a sequence of module definitions, actions and assertions. Produced by
// text/wast_parser, consumed by spec-tests/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "interp/features.hpp"
#include "interp/types.hpp"

namespace tc::wast {

using wasm::ValType;

// A module as written in a script. Text modules keep their source so that
// encoding errors are reported by the command that uses them.
struct ModuleSource {
  enum class Kind { Text, Binary, Quote };
  Kind kind = Kind::Text;
  std::optional<std::string> name;  // $id, when given
  std::string text;                 // Text: "(module ...)"; Quote: the concatenated strings
  std::vector<uint8_t> bytes;       // Binary: the concatenated strings
  uint32_t line = 0, column = 0;    // of the opening "(module"
};

// Encodes a ModuleSource to binary (Text/Quote go through the WAT parser,
// Binary is returned as is). Errors are Malformed with line:column.
Expected<std::vector<uint8_t>> module_source_to_binary(const ModuleSource& m, wasm::Features f = {});

// An argument or expected constant: (i32.const 1), (f32.const nan:0x1),
// (ref.null func), (ref.extern 7), (v128.const i32x4 1 2 3 4).
struct Const {
  ValType type = ValType::I32;
  uint64_t bits = 0;            // i32/i64/f32/f64 raw bits
  uint8_t v128[16] = {};        // V128
  bool is_null = false;         // references
  uint32_t extern_id = 0;       // (ref.extern N), not null
};

// One lane (or a whole scalar) of an expected result.
struct NumPattern {
  enum class Kind { Exact, NanCanonical, NanArithmetic };
  Kind kind = Kind::Exact;
  uint64_t bits = 0;
};

struct ResultPattern {
  enum class Kind {
    Exact,      // `value` must match bit for bit (floats by bits)
    Float,      // f32/f64 with `lanes[0]` (exact or a NaN class)
    V128Lanes,  // v128 compared lane by lane with `lanes`
    RefNull,    // (ref.null func|extern)
    RefExtern,  // (ref.extern N)
    RefFunc,    // (ref.func): any non-null funcref
    RefExternAny, // (ref.extern): any non-null externref
    Either,     // (either result+): any one of `either` (relaxed SIMD)
  };
  Kind kind = Kind::Exact;
  Const value;
  ValType lane_type = ValType::I32;  // V128Lanes: i8..i64 as I32/I64 + lane_bits, or F32/F64
  uint32_t lane_bits = 0;            // V128Lanes: 8, 16, 32 or 64
  std::vector<NumPattern> lanes;
  std::vector<ResultPattern> either;  // Either: the alternatives
};

struct Action {
  enum class Kind { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module;  // $id of a named module, else the last one
  std::string field;                  // export name (UTF-8, escapes decoded)
  std::vector<Const> args;
};

struct Command {
  enum class Kind {
    Module,                // (module ...)
    Register,              // (register "name" $id?)
    Action,                // (invoke ...) / (get ...) at top level
    AssertReturn,          // (assert_return action result*)
    AssertTrap,            // (assert_trap action "msg") or (assert_trap module "msg")
    AssertExhaustion,      // (assert_exhaustion action "msg")
    AssertInvalid,         // (assert_invalid module "msg")
    AssertMalformed,       // (assert_malformed module "msg")
    AssertMalformedCustom, // (assert_malformed_custom module "msg"): a bad annotation
    AssertInvalidCustom,   // (assert_invalid_custom module "msg"): a bad custom section
    AssertUnlinkable,      // (assert_unlinkable module "msg")
    AssertUninstantiable,  // (assert_uninstantiable module "msg")
    AssertException,       // (assert_exception action): an uncaught exception
    Unsupported,           // a command this runner does not know (counted as skipped)
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;
  std::string head;          // the command keyword as written, e.g. "assert_return"
  ModuleSource module;       // Module and the module-taking assertions
  bool has_module = false;   // AssertTrap: true when it wraps a module
  std::string register_name; // Register
  std::optional<std::string> register_module;  // Register: $id, else last
  Action action;             // Action, AssertReturn, AssertTrap (action form), AssertExhaustion
  std::vector<ResultPattern> expected;  // AssertReturn
  std::string message;       // the expected failure text of assertions
};

struct Script {
  std::vector<Command> commands;
};

// Parses a whole .wast file. A syntax error in the script structure itself
// is Malformed with line:column; text modules inside are not encoded here.
Expected<Script> parse_wast(std::string_view source);

}  // namespace tc::wast
