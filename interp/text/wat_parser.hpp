// Internal: the module parser behind wat_to_binary. Two passes over the
// tokens of one module: the first binds every $id of every index space
// (and parses explicit type definitions, which must all precede implicit
// ones); the second parses each field and appends its binary encoding.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "interp/error.hpp"
#include "interp/features.hpp"
#include "interp/opcodes.hpp"
#include "interp/text/byte_writer.hpp"
#include "interp/text/lexer.hpp"
#include "interp/types.hpp"

namespace tc::wat {

using wasm::FuncType;
using wasm::OpInfo;
using wasm::ValType;

enum class Space : uint8_t { Type, Func, Table, Memory, Global, Elem, Data, Tag, Count_ };

struct IndexSpace {
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;
};

// Per-function state while parsing a body (or a constant expression).
struct FuncCtx {
  std::unordered_map<std::string, uint32_t> local_names;
  uint32_t local_count = 0;
  std::vector<const std::string*> labels;  // innermost last; nullptr = unnamed
};

// A parsed type use: "(type x)? (param ...)* (result ...)*".
struct TypeUse {
  std::optional<uint32_t> index;
  const Token* index_tok = nullptr;
  FuncType inline_type;
  std::vector<const std::string*> param_names;  // parallel to params
};

class ModuleParser {
 public:
  ModuleParser(std::string_view src, const std::vector<Token>& toks,
               const std::vector<Annotation>* annots = nullptr, wasm::Features f = {})
      : src_(src), t_(toks), annots_(annots), f_(f) {}
  // Parses "(module ...)" or bare fields, to the end of the tokens.
  Expected<std::vector<uint8_t>> parse();

 private:
  // ---- cursor (wat_parser.cpp)
  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < t_.size() ? t_[i] : t_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }
  std::string_view text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }
  bool is_kw(const Token& t, std::string_view kw) const {
    return t.kind == TokKind::Keyword && text(t) == kw;
  }
  // "(" followed by keyword kw at offset k.
  bool at_list(std::string_view kw, size_t k = 0) const {
    return peek(k).kind == TokKind::LParen && is_kw(peek(k + 1), kw);
  }
  Error error_at(const Token& t, std::string msg) const;
  Error unexpected(const Token& t) const;
  Expected<void> expect(TokKind k);
  Expected<void> expect_kw(std::string_view kw);
  Expected<void> skip_list();  // at "(": skips to after the matching ")"
  Expected<void> check_lexemes(size_t from) const;

  // ---- types and indices (wat_parser.cpp)
  Expected<ValType> parse_valtype();
  Expected<ValType> parse_reftype();
  Expected<ValType> parse_heaptype();
  Expected<TypeUse> parse_typeuse(bool allow_names);
  Expected<void> parse_params_results(TypeUse& tu, bool allow_names);
  Expected<uint32_t> resolve_typeuse(const TypeUse& tu);
  uint32_t find_or_add_type(const FuncType& ft);
  Expected<wasm::Limits> parse_limits();
  Expected<uint64_t> parse_u64_tok(const Token& t);
  // An optional address type (i32 / i64) before limits; true for i64.
  bool parse_addr_type();
  Expected<uint32_t> parse_u32_tok(const Token& t);
  bool at_index() const { return peek().kind == TokKind::Nat || peek().kind == TokKind::Id; }
  Expected<uint32_t> parse_index(Space s);
  Expected<uint32_t> parse_local(FuncCtx& f);
  Expected<uint32_t> parse_label(FuncCtx& f);
  Expected<std::string> parse_name();  // a string that must be UTF-8
  Expected<void> bind(Space s, const Token* id, const Token& at);
  Expected<void> parse_type_field();

  // ---- module fields (wat_fields.cpp)
  Expected<void> scan_fields(size_t first);
  Expected<void> emit_fields(size_t first);
  Expected<void> parse_inline_exports(wasm::ExternKind k, uint32_t index);
  Expected<void> parse_import();
  Expected<void> parse_func();
  Expected<void> parse_table();
  Expected<void> parse_memory();
  Expected<void> parse_global();
  Expected<void> parse_tag();
  Expected<void> parse_export();
  Expected<void> parse_start();
  Expected<void> parse_elem();
  Expected<void> parse_data();
  Expected<void> parse_elem_list(ByteWriter& out, bool& as_exprs, ValType& type, uint32_t& n,
                                 bool allow_bare);
  Expected<void> parse_offset(ByteWriter& out);
  Expected<void> parse_const_expr(ByteWriter& out);  // instr* up to ")" + end
  void encode_import_head(std::string_view mod, std::string_view field);
  std::vector<uint8_t> assemble() const;

  // ---- instructions (wat_instrs.cpp)
  // Instructions up to the ")" closing the enclosing list (not consumed).
  Expected<void> parse_instrs(ByteWriter& out, FuncCtx& f) { return run_instrs(out, f, false); }
  // Exactly one folded instruction "(...)".
  Expected<void> parse_folded(ByteWriter& out, FuncCtx& f) { return run_instrs(out, f, true); }
  Expected<void> run_instrs(ByteWriter& out, FuncCtx& f, bool single);
  Expected<void> parse_plain(const OpInfo& op, ByteWriter& out, FuncCtx& f);
  Expected<void> parse_block_type(ByteWriter& out);
  const std::string* parse_label_binding();
  Expected<void> parse_memarg(const OpInfo& op, ByteWriter& out, bool lane = false);
  // try_table's catch clauses (labels counted outside the try_table).
  Expected<void> parse_catch_clauses(ByteWriter& out, FuncCtx& f);
  // v128.const, lane and shuffle immediates (wat_simd.cpp); opcode included.
  Expected<void> parse_simd_imm(const OpInfo& op, ByteWriter& out);

  // ---- annotations (wat_annotations.cpp): @custom, @name and
  // @metadata.code.branch_hint (spec custom/ scripts).
  // Where the fields are, for placing module-level annotations.
  struct FieldSpan {
    std::string_view kind;
    size_t open = 0, close = 0;  // token indices of "(" and ")"
    size_t header_end = 0;       // func: after "func $id? (export ...)*"
    uint32_t index = 0;          // func: its function index
    bool imported = false;
  };
  // A custom section from @custom: `key` orders it among the sections
  // (2 * section rank, +1 for "after").
  struct CustomSec {
    unsigned key = 0;
    std::string name, content;
  };
  const FieldSpan* field_at(size_t before) const;
  Expected<void> apply_module_annotations();  // after the fields
  Expected<void> parse_custom_annotation(const Annotation& a);
  Expected<void> parse_name_annotation(const Annotation& a);
  void begin_func_hints(size_t open, size_t close);
  // An instruction starts at token `tok`; its opcode is at `at` in `w`.
  Expected<void> instr_hint(size_t tok, const ByteWriter& w, bool pending);
  void pending_flushed(size_t off, size_t out_at);  // run_instrs' flush
  Expected<void> end_func_hints(uint32_t func);
  std::vector<uint8_t> place_customs(std::vector<uint8_t> binary) const;

  std::string_view src_;
  const std::vector<Token>& t_;
  const std::vector<Annotation>* annots_;
  size_t pos_ = 0;
  std::vector<FieldSpan> spans_;
  std::vector<CustomSec> customs_;
  // The current function's branch hints: annotations not yet given an
  // instruction, then (opcode offset in the body, in pending?, hint).
  struct Hint {
    const Annotation* a;
    size_t offset = 0;
    bool pending = false;
    uint8_t value = 0;
  };
  std::vector<const Annotation*> func_hint_annots_;
  size_t next_hint_ = 0;
  std::vector<Hint> hints_;
  std::vector<std::pair<uint32_t, std::vector<Hint>>> func_hints_;
  bool module_name_annotated_ = false;
  std::vector<std::pair<uint32_t, std::string>> annotated_funcs_;

  std::array<IndexSpace, size_t(Space::Count_)> spaces_;
  std::vector<FuncType> types_;
  std::optional<std::string> module_name_;
  std::vector<std::pair<uint32_t, std::string>> func_names_;

  // Pass-2 counters (index of the next item of each kind).
  wasm::Features f_;
  uint32_t n_funcs_ = 0, n_tables_ = 0, n_mems_ = 0, n_globals_ = 0, n_elems_ = 0,
           n_datas_ = 0, n_imports_ = 0, n_exports_ = 0, n_tags_ = 0;
  // Code names a data segment (memory.init / data.drop): the binary then
  // needs a data count section even with no data segments, so that the
  // validator reports "unknown data segment" rather than a missing section.
  bool uses_data_index_ = false;
  uint32_t def_funcs_ = 0, def_tables_ = 0, def_mems_ = 0, def_globals_ = 0, def_tags_ = 0;
  ByteWriter imports_, funcs_, tables_, mems_, globals_, exports_, elems_, code_, datas_, tags_;
  std::optional<uint32_t> start_;
  const Token* second_start_ = nullptr;
  std::optional<Error> import_order_error_;
};

}  // namespace tc::wat
