// The debugger's view of a Store: the exact tier's instruction count and
// stop mark, and the frames, locals and operand-stack slots of a program
// stopped in the step hook or in a host function.
#include <algorithm>

#include "interp/code/iops.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

namespace {

// The current instruction of frame `d` (innermost = m.depth), or null.
const uint32_t* frame_pc(const Machine& m, uint32_t d) {
  if (d == m.depth) return m.stopped_pc;
  const uint32_t* ret = m.frames[d + 1].ret_pc;
  return ret ? ret - 1 : nullptr;  // null: d + 1 was entered from the host
}

bool is_step_op(int32_t w) {
  const int32_t* h = handler_offsets();
  return w == h[size_t(IOp::Step)] || w == h[size_t(IOp::SegStep)] || w == h[size_t(IOp::Break)];
}

// A frame on the fast code is at a call (an outer frame, or the innermost
// in a host function): the same place on the exact code, whose Steps know
// offsets and operand heights. The segment that starts after the call
// names it in both codes.
const uint32_t* exact_pc(FuncInst* f, const uint32_t* pc) {
  const CompiledFunc* c = code_holding(f, pc);
  if (!c || c == f->exact_code.get()) return c ? pc : nullptr;
  auto it = std::upper_bound(c->map_code.begin(), c->map_code.end(), uint32_t(pc - c->code.data()));
  if (it == c->map_code.end()) return nullptr;  // no instruction after it
  const uint32_t* next = c->code.data() + *it;
  const int32_t* h = handler_offsets();
  const int32_t op = int32_t(next[0]);
  if (op != h[size_t(IOp::Count)] && op != h[size_t(IOp::CountExact)] && op != h[size_t(IOp::ProfCount)]) return nullptr;
  ensure_exact(f);
  return f->exact_code->code.data() + f->exact_code->segments[next[2]] - 1;  // in the call
}

}  // namespace

uint64_t Store::instruction_count() const { return impl_->machine.icount; }
void Store::set_stop_at(uint64_t mark) { impl_->machine.stop_at = mark; }
void Store::set_step_hook(StepHook hook) { impl_->machine.step_hook = std::move(hook); }

std::vector<StackFrame> Store::stack_frames() const {
  const Machine& m = impl_->machine;
  std::vector<StackFrame> out;
  for (uint32_t d = m.depth; d >= 1; --d) {
    const Frame& fr = m.frames[d];
    StackFrame sf;
    sf.instance = fr.func->instance;
    sf.func_index = fr.func->index;
    const uint32_t* pc = frame_pc(m, d);
    if (const CompiledFunc* c = code_holding(fr.func, pc)) {
      sf.offset = c->bytecode_offset(uint32_t(pc - c->code.data()));
      sf.has_offset = true;
    }
    out.push_back(sf);
  }
  return out;
}

std::optional<Value> Store::frame_local(size_t frame, uint32_t index) const {
  const Machine& m = impl_->machine;
  if (frame >= m.depth) return std::nullopt;
  const Frame& fr = m.frames[m.depth - frame];
  const FuncInst* f = fr.func;
  if (f->is_host()) return std::nullopt;
  uint32_t slot = 0;
  for (ValType t : f->type->params) {
    if (index-- == 0) return slot_to_value(t, fr.fp + slot);
    slot += slots_for(t);
  }
  const Module& mod = f->instance->module();
  const Function& fn = mod.functions[f->index - mod.num_imported_funcs];
  for (const auto& d : fn.locals) {
    if (index < d.count) return slot_to_value(d.type, fr.fp + slot + uint64_t(index) * slots_for(d.type));
    index -= d.count;
    slot += d.count * slots_for(d.type);
  }
  return std::nullopt;
}

std::vector<uint64_t> Store::frame_operand_slots(size_t frame) const {
  const Machine& m = impl_->machine;
  if (frame >= m.depth) return {};
  uint32_t d = m.depth - uint32_t(frame);
  const Frame& fr = m.frames[d];
  if (!impl_->config.exact_tier || fr.func->is_host()) return {};
  const uint32_t* pc = exact_pc(fr.func, frame_pc(m, d));
  if (!pc) return {};
  // The Step that starts the frame's current instruction holds the height:
  // the instruction at pc itself (the innermost frame, stopped in the hook),
  // else the one just before the call.
  const CompiledFunc& c = *fr.func->exact_code;
  auto is_step = [&](size_t i) { return is_step_op(int32_t(c.code[c.map_code[i]])); };
  uint32_t at = uint32_t(pc - c.code.data());
  auto it = std::upper_bound(c.map_code.begin(), c.map_code.end(), at);
  if (it == c.map_code.begin()) return {};
  size_t i = size_t(it - c.map_code.begin()) - 1;
  if (!is_step(i)) {
    if (i == 0) return {};
    --i;
  }
  if (!is_step(i)) return {};
  uint32_t height = c.code[c.map_code[i] + 2];
  uint32_t locals_end = fr.func->zero_from + fr.func->zero_count;
  std::vector<uint64_t> out;
  for (uint32_t s = locals_end; s < height; ++s) out.push_back(fr.fp[s]);
  return out;
}

// A function with a breakpoint runs on its exact code (its Counts become
// CountExact); on the exact code, the Steps at breakpoints become Breaks.
void patch_breakpoints(const Machine& m, FuncInst* f) {
  const int32_t* h = handler_offsets();
  if (f->code) {
    const Module& mod = f->instance->module();
    const Function& fn = mod.functions[f->index - mod.num_imported_funcs];
    auto at = std::lower_bound(m.breakpoints.begin(), m.breakpoints.end(), fn.body_offset);
    bool exact = f->instance->store->config.exact_only || (at != m.breakpoints.end() && *at < fn.body_end);
    const int32_t count = h[size_t(exact ? IOp::CountExact : IOp::Count)];
    CompiledFunc& c = *f->code;
    for (uint32_t s : c.segments) c.code[s] = uint32_t(count);
  }
  if (f->exact_code) {
    CompiledFunc& c = *f->exact_code;
    for (uint32_t at : c.map_code) {
      if (!is_step_op(int32_t(c.code[at]))) continue;
      bool on = std::binary_search(m.breakpoints.begin(), m.breakpoints.end(), c.code[at + 1]);
      IOp op = on ? IOp::Break : c.code[at + 3] == UINT32_MAX ? IOp::Step : IOp::SegStep;
      c.code[at] = uint32_t(h[size_t(op)]);
    }
  }
}

void Store::set_breakpoints(std::vector<uint32_t> offsets) {
  Machine& m = impl_->machine;
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  m.breakpoints = std::move(offsets);
  for (auto& inst : impl_->instances) {
    if (!inst->own_funcs) continue;
    const Module& mod = inst->module();
    size_t n = mod.functions.size();
    for (size_t i = 0; i < n; ++i) patch_breakpoints(m, &inst->own_funcs[i]);
  }
}

bool Store::at_breakpoint() const { return impl_->machine.at_break; }

void Store::add_breakpoint(uint32_t offset) {
  Machine& m = impl_->machine;
  auto at = std::lower_bound(m.breakpoints.begin(), m.breakpoints.end(), offset);
  if (at != m.breakpoints.end() && *at == offset) return;
  m.breakpoints.insert(at, offset);
  for (auto& inst : impl_->instances) {
    if (!inst->own_funcs) continue;
    const Module& mod = inst->module();
    for (size_t i = 0; i < mod.functions.size(); ++i)
      if (offset >= mod.functions[i].body_offset && offset < mod.functions[i].body_end)
        patch_breakpoints(m, &inst->own_funcs[i]);
  }
}

std::optional<uint32_t> Store::resume_offset(uint32_t depth) const {
  const Machine& m = impl_->machine;
  if (depth < 1 || depth >= m.depth) return std::nullopt;
  const uint32_t* ret = m.frames[depth + 1].ret_pc;
  FuncInst* f = m.frames[depth].func;
  if (!ret) return std::nullopt;
  const uint32_t* call = exact_pc(f, ret - 1);
  if (!call) return std::nullopt;
  const CompiledFunc& c = *f->exact_code;
  // The first instruction after the call (a Step, Break or SegStep).
  auto it = std::upper_bound(c.map_code.begin(), c.map_code.end(), uint32_t(call - c.code.data()));
  if (it == c.map_code.end() || !is_step_op(int32_t(c.code[*it]))) return std::nullopt;
  return c.code[*it + 1];
}
uint32_t Store::call_depth() const { return impl_->machine.depth; }
// The hook runs at a Step or Break, whose first operand is the offset.
uint32_t Store::step_offset() const {
  const uint32_t* pc = impl_->machine.stopped_pc;
  return pc ? pc[1] : 0;
}

void Store::set_host_call_hook(std::function<void(bool after)> hook) {
  impl_->machine.host_call_hook = std::move(hook);
}

std::optional<Value> Store::instance_global(const Instance* inst, uint32_t index) {
  auto* i = static_cast<const InstanceImpl*>(inst);
  if (!i || index >= i->globals.size()) return std::nullopt;
  const GlobalInst* g = i->globals[index];
  return slot_to_value(g->type.type, g->bits);
}

MemoryInst* Store::instance_memory(const Instance* inst, uint32_t index) {
  auto* i = static_cast<const InstanceImpl*>(inst);
  if (!i || index >= i->memories.size()) return nullptr;
  return i->memories[index];
}

}  // namespace tc::wasm
