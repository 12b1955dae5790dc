// The spec's operand-stack / control-stack algorithm (appendix
// "Validation Algorithm") for one function body. Buffers are reused across
// functions, so validating a body allocates nothing once warmed up.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "interp/error.hpp"
#include "interp/validate/body_reader.hpp"
#include "interp/validate/context.hpp"

namespace tc::wasm {

class FuncValidator {
 public:
  // fast_paths = false types every instruction through the general
  // decoder and step() (TIMECRAFT_FUSE=0 and the tests that compare).
  explicit FuncValidator(const ValidationContext& ctx, Features f = {}, bool fast_paths = true);

  // Validates defined function `index` (0 = first defined function).
  // Returns the first error. After an Invalid error the rest of the body is
  // still decoded, so a later encoding error (Malformed) is returned
  // instead, as the reference interpreter decodes before validating.
  std::optional<Error> validate(uint32_t index);

  // Decodes the body without typing it (used once an error is known).
  std::optional<Error> scan(uint32_t index);

  // Set once a body uses memory.init or data.drop (they need the data
  // count section).
  bool uses_data_index() const { return uses_data_index_; }

 private:
  // Stack value types; Bot = unknown (polymorphic stack).
  using T = ValType;
  static constexpr T kUnknown = ValType::Bot;

  struct Ctrl {
    Opcode op;
    const ValType* params;
    uint32_t nparams;
    const ValType* results;
    uint32_t nresults;
    uint32_t height;
    bool unreachable;
  };

  // The commonest instructions typed straight from the bytes while nothing
  // can go wrong; the first that might goes through next()/step().
  void fast_run();
  void init_fast();
  bool top_is(const ValType* ts, uint32_t k, size_t skip = 0) const;
  [[gnu::noinline]] bool step(const Instr& in);  // kept out of validate()'s flattened loop
  bool simple(const Instr& in);

  bool fail(const Instr& in, std::string msg);
  bool mismatch(const Instr& in, T want, T got);
  bool tail_results(const Instr& in, const FuncType& callee);
  bool unknown(const Instr& in, const char* what, uint32_t idx);

  void push(T t) { vals_.push_back(t); }
  // pop and pop_expect: the common case inline, the rest (an empty or
  // unreachable frame, a mismatch) out of line.
  bool pop(const Instr& in, T& out) {
    if (vals_.size() > ctrls_.back().height) {
      out = vals_.back();
      vals_.pop_back();
      return true;
    }
    return pop_slow(in, out);
  }
  bool pop_expect(const Instr& in, T want) {
    if (vals_.size() > ctrls_.back().height) {
      T got = vals_.back();
      if (got == want || got == kUnknown || want == kUnknown) {
        vals_.pop_back();
        return true;
      }
    }
    return pop_expect_slow(in, want);
  }
  bool pop_slow(const Instr& in, T& out);
  bool pop_expect_slow(const Instr& in, T want);
  bool pop_vals(const Instr& in, const ValType* ts, uint32_t n);
  static std::string types_text(const ValType* ts, uint32_t n);  // "[i32 i64]"
  void push_vals(const ValType* ts, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) vals_.push_back(T(ts[i]));
  }
  void push_ctrl(Opcode op, const ValType* params, uint32_t np, const ValType* results,
                 uint32_t nr);
  bool pop_ctrl(const Instr& in, Ctrl& out);
  void set_unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }
  bool block_type(const Instr& in, const ValType*& params, uint32_t& np,
                  const ValType*& results, uint32_t& nr);
  bool label(const Instr& in, uint32_t depth, const Ctrl*& out);
  static void label_types(const Ctrl& c, const ValType*& ts, uint32_t& n) {
    if (c.op == Opcode::Loop) { ts = c.params; n = c.nparams; }
    else { ts = c.results; n = c.nresults; }
  }
  bool local_type(const Instr& in, uint32_t idx, T& out);
  // Memory `idx` exists; `addr` is the type of its addresses.
  bool memory(const Instr& in, uint32_t idx, T& addr);
  bool table(const Instr& in, uint32_t idx, ValType& elem);
  T table_index(uint32_t idx) const;  // a valid table's index type (i32 or i64)
  // Tag `idx` exists; `type` is its function type (no results).
  bool tag(const Instr& in, uint32_t idx, const FuncType*& type);

  // fast_run's view of each one-byte opcode: what it pops (top first)
  // and pushes.
  struct Fast {
    enum Kind : uint8_t {
      None, Stack, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet, Const, Mem, Drop,
      Select, Unreachable, Block, Loop, End, Br, BrIf, Return, Call
    };
    Kind kind = None;
    uint8_t npops = 0;
    bool pushes = false;
    uint8_t align = 0;  // Mem: the natural alignment (log2)
    T pops[2] = {};
    T push = T();
  };

  const ValidationContext& ctx_;
  BodyReader reader_;
  Fast fast_[256];
  bool mem0_i32_ = false;  // memory 0 exists and has i32 addresses
  bool fast_paths_ = true;
  std::vector<T> vals_;
  std::vector<Ctrl> ctrls_;
  std::vector<T> tmp_;
  // Locals: flat types when few, else runs (end index, type) searched.
  std::vector<T> local_types_;
  std::vector<std::pair<uint64_t, T>> local_runs_;
  uint64_t num_locals_ = 0;
  const FuncType* func_type_ = nullptr;
  std::optional<Error> error_;
  bool uses_data_index_ = false;
};

}  // namespace tc::wasm
