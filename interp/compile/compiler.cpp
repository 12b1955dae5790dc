#include "interp/compile/compiler.hpp"

#include <algorithm>
#include <utility>

#include "interp/compile/compiler_state.hpp"
#include "interp/compile/fuse_pairs.hpp"

namespace tc::wasm {

namespace compile_detail {

void Compiler::block_signature(const BlockType& bt, Ctrl& c) {
  if (bt.kind == BlockTypeKind::Value) {
    c.results.push_back(bt.type);
  } else if (bt.kind == BlockTypeKind::Index) {
    c.params = m_.types[bt.index].params;
    c.results = m_.types[bt.index].results;
  }
  for (auto t : c.params) c.param_slots += slots_for(t);
  for (auto t : c.results) c.result_slots += slots_for(t);
}

void Compiler::push_ctrl(Opcode kind, const BlockType& bt) {
  Ctrl c;
  c.kind = kind;
  block_signature(bt, c);
  c.height = h_ - c.param_slots;
  c.type_height = types_.size() - c.params.size();
  c.start = e_.pos();
  bind_label();
  // Every entry into a loop (falling in or branching back) lands here.
  if (kind == Opcode::Loop && fuel_) e_.op(IOp::Fuel, at_);
  if (kind == Opcode::Loop) poll_point();
  ctrls_.push_back(std::move(c));
  if (kind == Opcode::Loop) segment_start();
}

// Where EngineConfig::interrupt may stop a run (function entry, loop
// headers): a Poll op in the counted tiers, elsewhere the position of the
// next instruction, which the armed points replace (exec/interrupt_points.hpp).
void Compiler::poll_point() {
  if (!poll_) return;
  if (counted_)
    e_.op(IOp::Poll, at_);
  else if (out_->poll_at.empty() || out_->poll_at.back() != e_.pos())  // a loop first in a body
    out_->poll_at.push_back(e_.pos());
}

// Segments are cut identically in both codes, from the wasm instructions
// alone, so segment k of the fast code and of the exact code hold the same
// instructions. The fast code's Count gets its length when the segment
// closes; the exact code marks the segment's first Step (a SegStep).
void Compiler::segment_start() {
  if (!counted_) return;
  close_segment();
  uint32_t k = uint32_t(out_->segments.size());
  seg_n_ = 0;
  e_.set_segment_count(0);
  if (exact_) {
    out_->segments.push_back(e_.pos());
    pending_seg_ = k;
    return;
  }
  uint32_t at = e_.op(exact_only_ ? IOp::CountExact : profile_ ? IOp::ProfCount : IOp::Count, at_);
  e_.u32(0);
  e_.u32(k);
  out_->segments.push_back(at);
  out_->seg_first.push_back(uint32_t(out_->seg_offsets.size()));
  seg_count_at_ = at;
}

void Compiler::close_segment() {
  if (seg_count_at_ != UINT32_MAX) e_.word(seg_count_at_ + 1) = seg_n_;
  seg_count_at_ = UINT32_MAX;
}

bool Compiler::needs_copy(const Ctrl& c) const {
  uint32_t n = c.kind == Opcode::Loop ? c.param_slots : c.result_slots;
  return n != 0 && h_ - n != c.height;
}

void Compiler::emit_copies(uint32_t dst, uint32_t src, uint32_t n, uint32_t at) {
  if (dst == src) return;
  for (uint32_t k = 0; k < n; ++k) emit_copy(dst + k, src + k, at);  // dst < src: overlap-safe
}

void Compiler::emit_copy(uint32_t dst, uint32_t src, uint32_t at) {
  uint32_t last = e_.last_start(), pos = e_.pos();
  if (specialise_ && last != UINT32_MAX && pos == last + 3 && label_at_ != pos &&
      e_.word(last) == uint32_t(IOp::Copy)) {
    e_.word(last) = uint32_t(IOp::Copy2);
    e_.u32(dst);
    e_.u32(src);
    return;
  }
  e_.op(IOp::Copy, at);
  e_.u32(dst);
  e_.u32(src);
}

// A call's one-slot result can be retargeted like an op's (local.set,
// return, br): the return moves it to the call's dst word. Not on the
// counted tiers, whose exact code expects it in the operand slot (a Count
// follows the call there anyway).
void Compiler::mark_call(const FuncType& t, uint32_t instr, uint32_t dst_word) {
  if (!specialise_ || counted_ || t.results.size() != 1 || slots_for(t.results[0]) != 1) return;
  mark_ = Mark{true, instr, e_.pos(), types_.size(), dst_word};
}

void Compiler::retarget(const Mark& m, uint32_t slot) {
  if (!m.block_end) {
    e_.word(m.dst_word) = slot;
    return;
  }
  for (uint32_t w : end_words_) e_.word(w) = slot;
}

// A block's result written by the instruction before each br to its end
// and before its end (no br_if, br_table or catch reaches it) goes where
// the instruction after the end wants it: `block (result i32) ... end;
// local.set x` with no Copy on any way. Not on the counted tiers: their
// exact code, which a frame may switch to at the end, reads the block's
// slot.
bool Compiler::tracks_result(const Ctrl& c) const {
  return specialise_ && !counted_ && (c.kind == Opcode::Block || c.kind == Opcode::If) &&
         c.results.size() == 1 && c.result_slots == 1;
}

void Compiler::note_way(Ctrl& c, const Mark* prev) {
  if (!tracks_result(c)) return;
  if (!prev) {
    ++c.unmarked_ways;
  } else if (prev->block_end) {
    c.result_words.insert(c.result_words.end(), end_words_.begin(), end_words_.end());
  } else {
    c.result_words.push_back(prev->dst_word);
  }
}

// materialize_all, the top value last; the mark of what computed the top
// value into its slot: the last instruction (prev), or its folded form (a
// constant or an address sum) computed now. A local's Copy gets none.
Mark Compiler::materialize_top(const Mark& prev) {
  using K = Operand::Kind;
  const K k = vals_.empty() ? K::Slot : vals_.back().kind;
  if (k == K::Slot || k == K::Local) {
    materialize_all();
    return k == K::Slot ? prev : Mark{};
  }
  const size_t top = vals_.size() - 1;
  for (size_t i = virt_lo_; i < top; ++i) materialize(i);
  const uint32_t at = e_.pos();
  materialize(top);  // Const32/Const64/I32Add/I32AddImm: s dst first
  virt_lo_ = vals_.size();
  return Mark{true, at, e_.pos(), types_.size(), at + 1};
}

// Returns the top values, the function's results. Values below them die
// with the frame and are not materialised. A single one-slot result goes
// back from where it is: from its local, or computed straight into slot 0
// (a folded sum or constant, or the instruction that just produced it), so
// no Copy into the operand stack precedes the Return.
void Compiler::emit_return(const Mark& prev, uint32_t at) {
  const Ctrl& c = ctrls_.front();
  uint32_t src = h_ - c.result_slots, n = c.result_slots;
  if (c.results.size() == 1 && n == 1) {
    Operand& o = vals_.back();
    if (o.kind == Operand::Kind::Local) {
      src = o.local;
    } else if (o.kind == Operand::Kind::Slot) {
      if (mark_ok(prev)) {
        retarget(prev, 0);  // it reads its operands before it writes
        n = 0;
      }
    } else {
      o.slot = 0;
      materialize(vals_.size() - 1);
      n = 0;
    }
  } else {
    materialize_all();
  }
  e_.op(IOp::Return, at);
  e_.u32(n ? src : 0);  // the return reads slot src when n <= 1
  e_.u32(n);
}

// Records a branch word of instruction `instr` that targets label `c`
// (a way into its end that does not know its value's producer).
void Compiler::emit_jump_to(Ctrl& c, uint32_t instr, uint32_t word) {
  if (c.kind == Opcode::Loop) e_.patch(instr, word, c.start);
  else c.fixups.push_back({instr, word});
  note_way(c, nullptr);
}

// Unconditional branch to the label `depth` levels out, moving its values.
// A br (`prev` given: nothing runs between the value's producer and the
// branch) has a single one-slot value computed straight into the label's
// slot, as a return does, so no Copy precedes the Br.
void Compiler::emit_branch(uint32_t depth, uint32_t at, const Mark* prev) {
  Ctrl& c = ctrls_[ctrls_.size() - 1 - depth];
  if (depth == ctrls_.size() - 1) {  // the function's label: return
    if (prev) return emit_return(*prev, at);
    e_.op(IOp::Return, at);
    e_.u32(c.result_slots ? h_ - c.result_slots : 0);
    e_.u32(c.result_slots);
    return;
  }
  uint32_t n = c.kind == Opcode::Loop ? c.param_slots : c.result_slots;
  bool known = prev && specialise_ && n == 1 && mark_ok(*prev);
  if (known && h_ - 1 != c.height) {
    retarget(*prev, c.height);  // it reads its operands before it writes
    n = 0;
  }
  emit_copies(c.height, h_ - n, n, at);
  uint32_t i = e_.op(IOp::Br, at);
  e_.u32(0);
  if (c.kind == Opcode::Loop) e_.patch(i, i + 1, c.start);
  else c.fixups.push_back({i, i + 1});
  note_way(c, known ? prev : nullptr);
}

void Compiler::end_block() {
  Ctrl c = std::move(ctrls_.back());
  ctrls_.pop_back();
  uint32_t here = e_.pos();
  bind_label();
  if (c.else_instr >= 0) e_.patch(uint32_t(c.else_instr), uint32_t(c.else_word), here);
  for (auto [i, w] : c.fixups) e_.patch(i, w, here);
  for (uint32_t h : c.handler_fixups) out_->handlers[h].target = here;
  segment_start();
  resize_stack(c.type_height);
  h_ = c.height;
  for (auto t : c.results) push(t);
}

// Skips an unreachable tail up to the `else`/`end` closing the current block.
void Compiler::skip_dead(BodyReader& r, Instr& in) {
  size_t depth = 0;
  while (r.next(in)) {
    switch (in.op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If:
      case Opcode::Try: case Opcode::TryTable: ++depth; break;
      case Opcode::Else: case Opcode::Catch: case Opcode::CatchAll:
        if (depth == 0) return;
        break;
      case Opcode::End: case Opcode::Delegate: if (depth == 0) return; --depth; break;
      default: break;
    }
  }
}

// Larger than any value stack (exec/ reserves 2^22 slots).
constexpr uint64_t kMaxFrameSlots = uint64_t(1) << 26;

std::unique_ptr<CompiledFunc> Compiler::run() {
  const Function& fn = m_.functions[f_.index - m_.num_imported_funcs];
  const FuncType& ft = *f_.type;
  uint32_t slot = 0;
  for (auto t : ft.params) { local_slot_.push_back(slot); local_type_.push_back(t); slot += slots_for(t); }
  uint32_t param_slots = slot;
  // A valid function may declare up to 2^32-1 locals. One whose frame could
  // never fit the value stack becomes a stub whose frame size fails the
  // call-time check ("call stack exhausted"), without per-local tables.
  uint64_t local_slots = 0;
  for (const auto& d : fn.locals) local_slots += uint64_t(d.count) * slots_for(d.type);
  if (uint64_t(slot) + local_slots > kMaxFrameSlots) {
    e_.op(IOp::Trap, fn.body_offset);
    e_.u32(uint32_t(TrapCode::Unreachable));  // never reached: the frame check fails first
    out_->frame_slots = UINT32_MAX;
    e_.thread(handler_offsets());
    return std::move(out_);
  }
  if (counted_ && !exact_) e_.set_counting();
  for (const auto& d : fn.locals)
    for (uint32_t k = 0; k < d.count; ++k) {
      local_slot_.push_back(slot); local_type_.push_back(d.type); slot += slots_for(d.type);
    }
  h_ = max_h_ = slot;
  out_->zero_from = param_slots;
  out_->zero_count = slot - param_slots;
  Ctrl fc;
  fc.kind = Opcode::End;
  fc.results = ft.results;
  for (auto t : fc.results) fc.result_slots += slots_for(t);
  fc.height = h_;
  ctrls_.push_back(std::move(fc));

  if (fuel_) e_.op(IOp::Fuel, fn.body_offset);  // one unit per call
  at_ = fn.body_offset;
  poll_point();
  segment_start();
  BodyReader r(m_, fn);
  Instr in;
  // The exact tier counts each instruction before it runs and leaves every
  // operand in its slot after it: nothing folds across instructions. A
  // closing else/end after dead code is compiled but never runs, and
  // counts in no segment.
  auto compile = [&](const Instr& in) {
    if (counted_ && !ctrls_.back().unreachable) {
      e_.set_segment_count(++seg_n_);
      if (!exact_) out_->seg_offsets.push_back(in.offset);
    }
    if (!exact_) return instr(in);
    uint32_t k = std::exchange(pending_seg_, UINT32_MAX);
    e_.op(k == UINT32_MAX ? IOp::Step : IOp::SegStep, in.offset);
    e_.u32(in.offset);
    e_.u32(h_);
    e_.u32(k);
    instr(in);
    if (!ctrls_.empty() && !ctrls_.back().unreachable) materialize_all();
    mark_ = Mark{};
  };
  while (!ctrls_.empty() && r.next(in)) {
    compile(in);
    if (!ctrls_.empty() && ctrls_.back().unreachable) {
      skip_dead(r, in);
      if (r.failed() || !in.info) break;
      compile(in);  // the closing else/end
    }
  }
  if (!return_pads_.empty()) {  // catch clauses whose label is the function's
    uint32_t pad = e_.op(IOp::Return, fn.body_end - 1);
    uint32_t n = 0;
    for (auto t : ft.results) n += slots_for(t);
    e_.u32(0);
    e_.u32(n);
    for (uint32_t h : return_pads_) out_->handlers[h].target = pad;
  }
  close_segment();
  if (counted_ && !exact_) out_->seg_first.push_back(uint32_t(out_->seg_offsets.size()));  // the last one's end
  out_->frame_slots = std::max(max_h_, 1u);  // a return reads slot 0 (do_return)
  e_.note_height(h_);
  thread_const_brs();
  // Without a loop or a call the body ends within its own length: a call
  // need not poll on entering it (the caller's next poll point comes soon
  // enough). A Poll op stays at word 0 for the host's entry, past it for calls.
  if (poll_ && !may_repeat_) {
    if (counted_ && !fuel_) out_->entry_at = 1;
    if (!counted_) out_->poll_at.erase(out_->poll_at.begin());
  }
  if (!exact_ && fuse_) fuse_pairs(*out_, e_.heights());
  e_.thread(handler_offsets());
  return std::move(out_);
}

void Compiler::instr(const Instr& in) {
  e_.note_height(h_);
  const uint32_t at = in.offset;
  at_ = at;
  const Mark prev = std::exchange(mark_, Mark{});
  if (in.op == Opcode::Loop || in.op == Opcode::Call || in.op == Opcode::CallIndirect ||
      in.op == Opcode::ReturnCall || in.op == Opcode::ReturnCallIndirect)
    may_repeat_ = true;
  switch (in.op) {
    case Opcode::Nop: return;
    case Opcode::Unreachable:
      e_.op(IOp::Trap, at);
      e_.u32(uint32_t(TrapCode::Unreachable));
      set_unreachable();
      return;
    case Opcode::Block:
      materialize_all();
      push_ctrl(Opcode::Block, in.block);
      return;
    case Opcode::Loop:
      materialize_all();
      push_ctrl(Opcode::Loop, in.block);
      return;
    case Opcode::If: {
      Cond cond = take_cond(prev);
      materialize_all();
      push_ctrl(Opcode::If, in.block);
      auto [i, w] = emit_cond_branch(cond, false, at);
      ctrls_.back().else_instr = i;
      ctrls_.back().else_word = w;
      segment_start();
      return;
    }
    case Opcode::Else: {
      Ctrl& c = ctrls_.back();
      if (!c.unreachable) {
        const Mark m = materialize_top(prev);
        note_way(c, mark_ok(m) ? &m : nullptr);
        uint32_t i = e_.op(IOp::Br, at);
        e_.u32(0);
        c.fixups.push_back({i, i + 1});
      }
      e_.patch(uint32_t(c.else_instr), uint32_t(c.else_word), e_.pos());
      bind_label();
      segment_start();
      c.else_instr = -1;
      c.unreachable = false;
      resize_stack(c.type_height);
      h_ = c.height;
      for (auto t : c.params) push(t);
      return;
    }
    case Opcode::End: {
      if (ctrls_.size() == 1) {  // function end
        if (!ctrls_.back().unreachable) emit_return(prev, at);
        ctrls_.pop_back();
        return;
      }
      const Mark m = ctrls_.back().unreachable ? Mark{} : materialize_top(prev);
      if (ctrls_.back().kind == Opcode::Try || ctrls_.back().kind == Opcode::TryTable) return exn_instr(in);
      {
        Ctrl& c = ctrls_.back();
        if (!c.unreachable) note_way(c, mark_ok(m) ? &m : nullptr);
        // An if without else passes its params through on the false way.
        bool all = tracks_result(c) && c.unmarked_ways == 0 && c.else_instr < 0 &&
                   c.handler_fixups.empty() && !c.result_words.empty();
        std::vector<uint32_t> words = all ? std::move(c.result_words) : std::vector<uint32_t>{};
        end_block();
        if (all) {
          end_words_ = std::move(words);
          mark_ = Mark{true, e_.pos(), e_.pos(), types_.size()};
          mark_.block_end = true;
        }
      }
      return;
    }
    case Opcode::Br: {
      const Mark m = materialize_top(prev);
      emit_branch(in.a, at, &m);
      note_const_br();
      set_unreachable();
      return;
    }
    case Opcode::BrIf: {
      Cond cond = take_cond(prev);
      materialize_all();
      Ctrl& c = ctrls_[ctrls_.size() - 1 - in.a];
      bool is_func = in.a == ctrls_.size() - 1;
      if (!is_func && !needs_copy(c)) {
        auto [i, w] = emit_cond_branch(cond, true, at);
        emit_jump_to(c, i, w);
      } else {
        auto [i, w] = emit_cond_branch(cond, false, at);
        emit_branch(in.a, at);
        e_.patch(i, w, e_.pos());
        bind_label();
      }
      segment_start();
      return;
    }
    case Opcode::BrTable: {
      uint32_t index = use_low(0);
      pop();
      materialize_all();
      std::vector<uint32_t> labels(in.targets.begin(), in.targets.end());
      labels.push_back(in.a);
      uint32_t i = e_.op(IOp::BrTable, at);
      e_.u32(index);
      e_.u32(uint32_t(labels.size() - 1));
      uint32_t first = e_.pos();
      for (size_t k = 0; k < labels.size(); ++k) e_.u32(0);
      // Entries that need value moves (or return) go through a stub; one
      // stub per distinct label.
      std::vector<std::pair<uint32_t, uint32_t>> stubs;  // label -> stub start
      for (size_t k = 0; k < labels.size(); ++k) {
        uint32_t d = labels[k];
        Ctrl& c = ctrls_[ctrls_.size() - 1 - d];
        bool is_func = d == ctrls_.size() - 1;
        if (!is_func && !needs_copy(c)) {
          emit_jump_to(c, i, first + uint32_t(k));
          continue;
        }
        auto it = std::find_if(stubs.begin(), stubs.end(), [&](auto& s) { return s.first == d; });
        uint32_t stub;
        if (it != stubs.end()) {
          stub = it->second;
        } else {
          stub = e_.pos();
          bind_label();
          stubs.push_back({d, stub});
          emit_branch(d, at);
        }
        e_.patch(i, first + uint32_t(k), stub);
      }
      set_unreachable();
      return;
    }
    case Opcode::Return:
      emit_return(prev, at);
      set_unreachable();
      return;
    case Opcode::Call: {
      materialize_all();
      const FuncType& t = m_.func_type(in.a);
      uint32_t base = params_base(t);
      uint32_t i = e_.op(IOp::Call, at);
      e_.u32(base);
      e_.ptr(inst_.funcs[in.a]);
      e_.u32(base);
      pop_n(t.params.size());
      for (auto rt : t.results) push(rt);
      mark_call(t, i, i + 4);
      segment_start();
      return;
    }
    case Opcode::CallIndirect: {
      const FuncType& t = m_.types[in.a];
      uint32_t index = use(0);
      pop();
      materialize_all();
      uint32_t base = params_base(t);
      bool index64 = inst_.tables[in.b]->type.addr == AddrType::I64;
      uint32_t i = e_.op(index64 ? IOp::CallIndirect64 : IOp::CallIndirect, at);
      e_.u32(base);
      e_.u32(index);
      e_.ptr(inst_.tables[in.b]);
      e_.u32(inst_.type_ids[in.a]);
      e_.u32(base);
      pop_n(t.params.size());
      for (auto rt : t.results) push(rt);
      mark_call(t, i, i + 6);
      segment_start();
      return;
    }
    // Tail calls: the arguments go to the frame's first slots at run time
    // (the dispatch loop moves them), the callee returns to our caller.
    case Opcode::ReturnCall: {
      materialize_all();
      const FuncType& t = m_.func_type(in.a);
      uint32_t base = params_base(t);
      e_.op(IOp::ReturnCall, at);
      e_.u32(base);
      e_.ptr(inst_.funcs[in.a]);
      pop_n(t.params.size());
      set_unreachable();
      return;
    }
    case Opcode::ReturnCallIndirect: {
      const FuncType& t = m_.types[in.a];
      uint32_t index = use(0);
      pop();
      materialize_all();
      uint32_t base = params_base(t);
      e_.op(IOp::ReturnCallIndirect, at);
      e_.u32(base);
      e_.u32(index);
      e_.ptr(inst_.tables[in.b]);
      e_.u32(inst_.type_ids[in.a]);
      pop_n(t.params.size());
      set_unreachable();
      return;
    }
    case Opcode::Throw: case Opcode::ThrowRef: case Opcode::Rethrow:
    case Opcode::TryTable: case Opcode::Try: case Opcode::Catch:
    case Opcode::CatchAll: case Opcode::Delegate:
      return exn_instr(in);
    default:
      emit_data_op(in, prev);
      return;
  }
}

void Compiler::add_clause_handler(const Ctrl& c, const CatchClause& cc, uint32_t end) {
  Handler h;
  h.begin = c.region_begin;
  h.end = end;
  h.kind = Handler::Kind(cc.kind);
  h.region = uint32_t(c.region);
  if (!cc.all()) h.tag = inst_.tags[cc.tag];
  // The clause's label, counted outside the try_table (c is still on top).
  size_t ti = ctrls_.size() - 2 - cc.label;
  Ctrl& t = ctrls_[ti];
  uint32_t index = uint32_t(out_->handlers.size());
  if (ti == 0) {
    h.dst = 0;  // a Return pad moves nothing: the values are written at slot 0
    return_pads_.push_back(index);
  } else if (t.kind == Opcode::Loop) {
    h.dst = t.height;
    h.target = t.start;
  } else {
    h.dst = t.height;
    t.handler_fixups.push_back(index);
  }
  out_->handlers.push_back(h);
}

void Compiler::end_try_catch() {
  Ctrl& c = ctrls_.back();
  if (c.unreachable || !c.in_catch) return;
  emit_copies(c.height, h_ - c.result_slots, c.result_slots, at_);
  resize_stack(c.type_height);
  h_ = c.height;
  for (auto t : c.results) push(t);
}

// Exception handling. A throw leaves its frame through the unwinder in
// the dispatch loop, which looks the code index up in the handler table;
// a catch lands at a label (a segment start) with its values in the
// label's slots, or, for the function's label, at a Return pad.
void Compiler::exn_instr(const Instr& in) {
  const uint32_t at = in.offset;
  switch (in.op) {
    case Opcode::Throw: {
      materialize_all();
      const FuncType& t = m_.types[m_.tag_type_index(in.a)];
      uint32_t base = params_base(t);
      e_.op(IOp::Throw, at);
      e_.u32(base);
      e_.ptr(inst_.tags[in.a]);
      pop_n(t.params.size());
      set_unreachable();
      return;
    }
    case Opcode::ThrowRef: {
      uint32_t src = use(0);
      pop();
      materialize_all();
      e_.op(IOp::ThrowRef, at);
      e_.u32(src);
      set_unreachable();
      return;
    }
    case Opcode::Rethrow: {
      materialize_all();
      e_.op(IOp::ThrowRef, at);
      e_.u32(ctrls_[ctrls_.size() - 1 - in.a].height);  // the kept exception
      set_unreachable();
      return;
    }
    case Opcode::TryTable:
    case Opcode::Try: {
      materialize_all();
      push_ctrl(in.op, in.block);
      Ctrl& c = ctrls_.back();
      c.region = next_region_++;
      c.region_begin = e_.pos();
      if (in.op == Opcode::TryTable) c.catches.assign(in.catches.begin(), in.catches.end());
      return;
    }
    case Opcode::Catch:
    case Opcode::CatchAll: {
      Ctrl& c = ctrls_.back();
      if (!c.unreachable) {
        materialize_all();
        end_try_catch();
        uint32_t i = e_.op(IOp::Br, at);
        e_.u32(0);
        c.fixups.push_back({i, i + 1});
      }
      if (!c.in_catch) c.region_end = e_.pos();
      Handler h;
      h.begin = c.region_begin;
      h.end = c.region_end;
      h.kind = in.op == Opcode::Catch ? Handler::Catch : Handler::CatchAll;
      if (in.op == Opcode::Catch) h.tag = inst_.tags[in.a];
      h.exn_slot = c.height;
      h.dst = c.height + 1;
      h.target = e_.pos();
      h.region = uint32_t(c.region);
      out_->handlers.push_back(h);
      bind_label();
      segment_start();
      c.in_catch = true;
      c.unreachable = false;
      resize_stack(c.type_height);
      h_ = c.height;
      push(ValType::ExnRef);
      if (in.op == Opcode::Catch)
        for (auto t : m_.types[m_.tag_type_index(in.a)].params) push(t);
      return;
    }
    case Opcode::Delegate: {
      if (!ctrls_.back().unreachable) materialize_all();
      Ctrl& c = ctrls_.back();
      Handler h;
      h.begin = c.region_begin;
      h.end = e_.pos();
      h.kind = Handler::Delegate;
      h.region = uint32_t(c.region);
      // The innermost region guarding label in.a (counted outside this
      // try): a try in a catch clause guards nothing any more.
      for (size_t k = ctrls_.size() - 1 - in.a; k-- > 0;)
        if (ctrls_[k].region >= 0 && !ctrls_[k].in_catch) {
          h.to = uint32_t(ctrls_[k].region);
          break;
        }
      out_->handlers.push_back(h);
      end_block();
      return;
    }
    case Opcode::End: {  // of a try or try_table (operands materialised)
      Ctrl& c = ctrls_.back();
      if (c.kind == Opcode::TryTable) {
        for (const CatchClause& cc : c.catches) add_clause_handler(c, cc, e_.pos());
      } else {
        end_try_catch();
      }
      if (c.kind == Opcode::TryTable ? c.catches.empty() : !c.in_catch) {
        Handler h;
        h.begin = c.region_begin;
        h.end = e_.pos();
        h.region = uint32_t(c.region);
        out_->handlers.push_back(h);
      }
      end_block();
      return;
    }
    default:
      return;
  }
}

}  // namespace compile_detail

std::unique_ptr<CompiledFunc> compile_function(const FuncInst& func, bool exact) {
  return compile_detail::Compiler(func, exact).run();
}

}  // namespace tc::wasm
