// The decoded module: plain data produced by binary/decoder, checked by
// validate/, consumed by compile/ and exec/. Function bodies stay byte
// ranges into `bytes` until compiled (lazily, on first call).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <span>
#include <vector>

#include "interp/types.hpp"

namespace tc::wasm {

// A constant expression kept as its raw encoding, including the final 0x0B
// `end`. exec/ evaluates it; validate/ checks it. Keeping bytes (rather than
// a single decoded instruction) leaves room for extended-const (wasm 3.0).
struct ConstExpr {
  std::vector<uint8_t> code;
  uint32_t offset = 0;  // byte offset in the module, for error messages
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // kind == Func or Tag: index into Module::types
  TableType table;         // kind == Table
  MemoryType memory;       // kind == Memory
  GlobalType global;       // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // in the kind's index space (imports first)
};

struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

// A function defined in this module (imported functions are in `imports`).
struct Function {
  uint32_t type_index = 0;
  std::vector<LocalDecl> locals;  // as declared (runs), excluding params
  uint64_t num_locals = 0;        // sum of counts
  uint32_t body_offset = 0;       // first instruction byte (after locals)
  uint32_t body_end = 0;          // one past the final 0x0B `end`
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;   // Active only
  ConstExpr offset;     // Active only
  ValType type = ValType::FuncRef;
  // One expression per element. Index-vector encodings are turned into
  // `ref.func idx end` expressions by the decoder, so consumers see one form.
  std::vector<ConstExpr> init;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // never Declarative
  uint32_t memory = 0;                     // Active only
  ConstExpr offset;                        // Active only
  std::span<const uint8_t> bytes;          // into Module::bytes (not a copy)
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // payload start (after the name)
  uint32_t size = 0;    // payload size
};

struct Module {
  // Moved, never copied: data segments point into `bytes`.
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  std::vector<uint8_t> bytes;  // the whole binary; bodies index into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;  // defined functions only
  std::vector<TableType> tables;    // defined tables only
  std::vector<MemoryType> memories; // defined memories only
  std::vector<Global> globals;      // defined globals only
  std::vector<uint32_t> tags;       // defined tags only: their type indices (results empty)
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;  // from the data count section
  std::vector<CustomSection> customs;

  // From the "name" custom section (best effort: a malformed name section
  // is ignored, as the spec allows). std::map keeps iteration deterministic.
  std::string module_name;
  std::map<uint32_t, std::string> func_names;  // function index -> name

  // Counts of imports per kind, filled by the decoder.
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  // Index-space helpers (imports come first in every index space).
  uint32_t total_funcs() const { return num_imported_funcs + uint32_t(functions.size()); }
  uint32_t total_tables() const { return num_imported_tables + uint32_t(tables.size()); }
  uint32_t total_memories() const { return num_imported_memories + uint32_t(memories.size()); }
  uint32_t total_globals() const { return num_imported_globals + uint32_t(globals.size()); }
  uint32_t total_tags() const { return num_imported_tags + uint32_t(tags.size()); }

  // Type of any function in the index space (imported or defined).
  const FuncType& func_type(uint32_t func_index) const;
  uint32_t func_type_index(uint32_t func_index) const;
  TableType table_type(uint32_t table_index) const;
  MemoryType memory_type(uint32_t memory_index) const;
  GlobalType global_type(uint32_t global_index) const;
  uint32_t tag_type_index(uint32_t tag_index) const;
  // Name for backtraces: name section entry or "func[N]".
  std::string func_name(uint32_t func_index) const;
};

}  // namespace tc::wasm
