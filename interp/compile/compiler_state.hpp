// The compiler's state: an operand-stack model (types, slot heights and
// folded operands), the control stack with pending branch fixups, and the
// emitter. Control instructions are compiled in compiler.cpp, the data
// families (variables, references, tables, memory, numeric) in
// emit_data.cpp, operand folding and the peephole helpers in fold.cpp.
#pragma once
#include <cassert>
#include <memory>
#include <vector>

#include "interp/compile/emitter.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::wasm::compile_detail {

// Wasm opcode -> internal op for the rows that keep their ids.
inline IOp wasm_iop(Opcode op) {
  switch (op) {
#define IOP(Id) case Opcode::Id: return IOp::Id;
#include "interp/code/iops_wasm.def"
#define TERNARY(Id) IOP(Id)
#include "interp/code/iops_ternary.def"
#undef TERNARY
#undef IOP
    default: return IOp::Count_;
  }
}

// One operand-stack entry. Every entry owns a nominal frame slot; local.get
// and constants are not copied there until needed ("materialised"):
// consumers read the local's slot directly or take the constant as an
// immediate. All entries are materialised at control boundaries, so a
// folded entry never outlives the straight-line code that pushed it.
struct Operand {
  // Sum / SumImm: an i32.add of two locals / of a local and a constant,
  // computed by its consumer (a load or store addresses it directly).
  // Wrap: an i32.wrap_i64 of the i64 in slot `local` (a local's, or its own
  // nominal slot), read in place by consumers that use only an operand's
  // low 32 bits (use_low); anything else gets it materialised.
  enum class Kind : uint8_t { Slot, Local, Const, Sum, SumImm, Wrap };
  Kind kind = Kind::Slot;
  uint32_t slot = 0;   // nominal slot
  uint32_t local = 0;  // Local, Sum, SumImm: the (first) local's slot; Wrap: the i64's slot
  uint64_t bits = 0;   // Const: the value; Sum: the second local's slot; SumImm: the addend
  bool reads(uint32_t l) const {
    bool has_local = kind == Kind::Local || kind == Kind::Sum || kind == Kind::SumImm ||
                     kind == Kind::Wrap;
    return (has_local && local == l) || (kind == Kind::Sum && bits == l);
  }
};

// What the instruction just emitted computed into the stack top; lets
// local.set retarget its result and br_if/if fuse with a compare.
struct Mark {
  bool valid = false;
  uint32_t start = 0, end = 0;  // code range of the instruction
  size_t depth = 0;             // operand-stack size after it
  uint32_t dst_word = 0;        // code word holding the result slot
  bool is_cmp = false;          // an integer compare fusable with a branch
  Opcode cmp = Opcode::Nop;
  uint32_t a = 0, b = 0;        // operand slots; b is the immediate if b_imm
  bool b_imm = false;
  // A block's end: its one-slot result was written by the instructions
  // whose result words are Compiler::end_words_ (one per way in), which
  // retarget together (dst_word unused).
  bool block_end = false;
};

// A branch condition: a slot, or a compare folded into the branch.
struct Cond {
  bool fused = false;
  uint32_t slot = 0;
  Opcode cmp = Opcode::Nop;
  uint32_t a = 0, b = 0;
  bool b_imm = false;
};

struct Ctrl {
  Opcode kind = Opcode::Block;   // Block, Loop, If (also after else), or End for the function
  uint32_t height = 0;           // slot height below the block's params
  size_t type_height = 0;        // operand type-stack size below the params
  std::vector<ValType> params, results;
  uint32_t param_slots = 0, result_slots = 0;
  uint32_t start = 0;            // Loop: branch target
  std::vector<std::pair<uint32_t, uint32_t>> fixups;  // (instr start, word) -> end
  int64_t else_instr = -1, else_word = -1;            // If: the BrUnless to patch
  bool unreachable = false;
  // Exception handling. TryTable and Try (kind) guard the code from
  // region_begin while region >= 0 (a try's body, a try_table's whole
  // extent); a try in a catch clause keeps the caught exception in slot
  // `height` (rethrow), its clause's values above it.
  int32_t region = -1;
  uint32_t region_begin = 0, region_end = 0;  // Try: the body's code
  std::vector<CatchClause> catches;        // TryTable
  bool in_catch = false;                   // Try: compiling a catch clause
  std::vector<uint32_t> handler_fixups;    // handlers whose target is this block's end
  // Block/If with one one-slot result (fast code, not counted): the result
  // words of the producers that wrote it on each way to the end, and the
  // ways that had none (a br_if, a br_table, a value not just computed).
  std::vector<uint32_t> result_words;
  uint32_t unmarked_ways = 0;
};

class Compiler {
 public:
  Compiler(const FuncInst& f, bool exact)
      : f_(f), inst_(*f.instance), m_(inst_.module()), out_(std::make_unique<CompiledFunc>()), e_(*out_),
        fuel_(inst_.store->config.fuel != 0), poll_(inst_.store->config.interrupt != nullptr), counted_(inst_.store->config.exact_tier),
        exact_(counted_ && exact), exact_only_(inst_.store->config.exact_only),
        profile_(inst_.store->config.profile), fuse_(inst_.store->config.fuse),
        specialise_(inst_.store->config.specialise) {}

  std::unique_ptr<CompiledFunc> run();

 private:
  // Operand stack model.
  void push(ValType t, Operand o = {}) {
    o.slot = h_;
    if (o.kind != Operand::Kind::Slot) virt_lo_ = std::min(virt_lo_, types_.size());
    types_.push_back(t);
    vals_.push_back(o);
    h_ += slots_for(t);
    max_h_ = std::max(max_h_, h_);
  }
  void push_local(ValType t, uint32_t local) { push(t, Operand{Operand::Kind::Local, 0, local, 0}); }
  void push_const(ValType t, uint64_t bits) { push(t, Operand{Operand::Kind::Const, 0, 0, bits}); }
  ValType pop() {
    ValType t = types_.back();
    types_.pop_back();
    vals_.pop_back();
    h_ -= slots_for(t);
    return t;
  }
  void pop_n(size_t n) { while (n--) pop(); }
  // The first slot of the top t.params.size() values (a call's arguments,
  // a throw's payload).
  uint32_t params_base(const FuncType& t) const {
    uint32_t base = h_;
    for (auto p : t.params) base -= slots_for(p);
    return base;
  }
  void resize_stack(size_t n) {
    types_.resize(n);
    vals_.resize(n);
    virt_lo_ = std::min(virt_lo_, n);
  }
  // Nominal slot of the k-th value from the top.
  uint32_t top(uint32_t k = 0) const { return vals_[vals_.size() - 1 - k].slot; }
  const Operand& val(uint32_t k = 0) const { return vals_[vals_.size() - 1 - k]; }

  // Folding (fold.cpp).
  void materialize(size_t index);
  void materialize_all();
  Mark materialize_top(const Mark& prev);  // compiler.cpp
  void materialize_local(uint32_t local, size_t below);  // aliases of `local` in [0, below)
  uint32_t use(uint32_t k);  // readable slot of the k-th value (constants materialised)
  // The same for a consumer that reads only the low 32 bits of the slot (an
  // i32 operand, a 32-bit address): a Wrap is read in place.
  uint32_t use_low(uint32_t k);
  bool imm_of(uint32_t k, ValType t, uint32_t& imm) const;
  bool mark_at(const Mark& m, uint32_t k) const;
  bool mark_ok(const Mark& m) const;
  Cond take_cond(const Mark& prev);  // pops the condition
  // Emits "branch if cond == when"; returns (instr, offset word).
  std::pair<uint32_t, uint32_t> emit_cond_branch(const Cond& c, bool when, uint32_t at);
  void emit_binary(const Instr& in, IOp iop, ValType r);
  // i32.eqz of the integer compare just emitted: the negated compare
  // instead (a branch on it fuses as on any compare); false if not one.
  bool negate_cmp(const Mark& prev, uint32_t at);
  void emit_local_set(const Instr& in, const Mark& prev);
  // Jump threading of a constant index (Go's resume-PC loops): a Br right
  // after a Const32 (no label between) is noted, and once every offset is
  // final, one landing on a BrTable of the constant's slot jumps straight
  // to the entry the constant selects (fold.cpp).
  void note_const_br();
  void thread_const_brs();

  void block_signature(const BlockType& bt, Ctrl& c);
  void push_ctrl(Opcode kind, const BlockType& bt);
  void end_block();
  void emit_branch(uint32_t depth, uint32_t at, const Mark* prev = nullptr);
  void emit_return(const Mark& prev, uint32_t at);
  void mark_call(const FuncType& t, uint32_t instr, uint32_t dst_word);
  // Points the producer(s) of mark m (mark_ok) at `slot`.
  void retarget(const Mark& m, uint32_t slot);
  bool tracks_result(const Ctrl& c) const;
  // A way into c's end that carries its value: by the producer of `prev`
  // (mark_ok there; null: not known).
  void note_way(Ctrl& c, const Mark* prev);
  void emit_copies(uint32_t dst, uint32_t src, uint32_t n, uint32_t at);
  // One slot copy; merges with a directly preceding Copy into Copy2 unless
  // a label lies between them.
  void emit_copy(uint32_t dst, uint32_t src, uint32_t at);
  void bind_label() { label_at_ = e_.pos(); }
  bool needs_copy(const Ctrl& c) const;
  void emit_jump_to(Ctrl& c, uint32_t instr, uint32_t word);
  void set_unreachable() { ctrls_.back().unreachable = true; }
  // EngineConfig::interrupt: a run may stop here (function entry, loop header).
  void poll_point();
  // Counted tiers: a straight-line segment starts here (function entry,
  // after a call, at a branch target, after a conditional branch).
  void segment_start();
  void close_segment();
  void instr(const Instr& in);        // control flow and calls (compiler.cpp)
  void exn_instr(const Instr& in);    // exception handling (compiler.cpp)
  // Appends a handler of region c (begin to here) whose values go to
  // label `depth` (counted outside c).
  void add_clause_handler(const Ctrl& c, const CatchClause& cc, uint32_t end);
  void end_try_catch();  // a legacy catch clause's values move down over the exception
  bool emit_simd(const Instr& in);  // v128 instructions; false if not one (emit_simd.cpp)
  void emit_data_op(const Instr& in, const Mark& prev);  // variables, tables, memory, numeric (emit_data.cpp)
  void skip_dead(BodyReader& r, Instr& in);
  // Memory accesses: the memory an instruction names, whether the G forms
  // apply (memory 0, 32-bit, guard-paged), and the offset word of a
  // fast() form (validation keeps 32-bit offsets within u32; the M forms
  // of other memories take the u64 offset).
  MemRef mem_ref(uint32_t memory) const {
    return MemRef{memory, inst_.memories[memory]->type.addr == AddrType::I64};
  }
  bool guarded(const MemArg& m) const {
    return m.memory < inst_.memories.size() && mem_ref(m.memory).fast() &&
           inst_.memories[m.memory]->mem.guarded();
  }
  uint32_t offset_word(const MemArg& m) const {
    assert(mem_ref(m.memory).fast() && m.offset <= UINT32_MAX);
    return uint32_t(m.offset);
  }

  const FuncInst& f_;
  const InstanceImpl& inst_;
  const Module& m_;
  std::unique_ptr<CompiledFunc> out_;
  Emitter e_;
  std::vector<uint32_t> local_slot_;
  std::vector<ValType> local_type_;
  std::vector<ValType> types_;
  std::vector<Operand> vals_;           // parallel to types_
  size_t virt_lo_ = 0;                  // no folded entry below this index
  Mark mark_;                           // set by the last emitted instruction
  uint32_t at_ = 0;                     // bytecode offset being compiled
  uint32_t label_at_ = UINT32_MAX;      // last code position a branch may target
  std::vector<uint32_t> const_brs_;     // Br instructions noted by note_const_br
  std::vector<Ctrl> ctrls_;
  uint32_t h_ = 0, max_h_ = 0;
  const bool fuel_;  // EngineConfig::fuel: emit IOp::Fuel at entry and loop headers
  const bool poll_;  // EngineConfig::interrupt: emit IOp::Poll there too
  bool may_repeat_ = false;  // the body has a loop or a call (an entry Poll is needed)
  const bool counted_;  // EngineConfig::exact_tier: count instructions (both codes)
  const bool exact_;  // the exact code: a Step per instruction, no folding or fusion
  const bool exact_only_;  // EngineConfig::exact_only: Counts never stay in the fast code
  const bool profile_;  // EngineConfig::profile: ProfCounts
  const bool fuse_;  // EngineConfig::fuse: fused pairs, triples and quads
  const bool specialise_;  // EngineConfig::specialise: immediate, compare-and-branch,
                           // folded-address and Copy2 forms
  uint32_t seg_n_ = 0;                // live wasm instructions in the current segment
  uint32_t seg_count_at_ = UINT32_MAX;  // fast code: the current segment's Count
  uint32_t pending_seg_ = UINT32_MAX;   // exact code: the segment the next Step starts
  int32_t next_region_ = 0;             // exception handling: region ids
  std::vector<uint32_t> return_pads_;   // handlers whose label is the function's: a Return pad
  std::vector<uint32_t> end_words_;     // a block_end mark's producers
};

}  // namespace tc::wasm::compile_detail
