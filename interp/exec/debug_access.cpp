// The debugger's view of a Store: the exact tier's instruction count and
// stop mark, and the frames, locals and operand-stack slots of a program
// stopped in the step hook or in a host function.
#include <algorithm>

#include "interp/compile/iops.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

namespace {

// The current instruction of frame `d` (innermost = m.depth), or null.
const uint32_t* frame_pc(const Machine& m, uint32_t d) {
  if (d == m.depth) return m.stopped_pc;
  const uint32_t* ret = m.frames[d + 1].ret_pc;
  return ret ? ret - 1 : nullptr;  // null: d + 1 was entered from the host
}

bool in_code(const FuncInst* f, const uint32_t* pc) {
  if (!f->code || !pc) return false;
  const auto& c = f->code->code;
  return pc >= c.data() && pc < c.data() + c.size();
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
    if (in_code(fr.func, pc)) {
      sf.offset = fr.func->code->bytecode_offset(uint32_t(pc - fr.func->code->code.data()));
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
  const uint32_t* pc = frame_pc(m, d);
  if (!in_code(fr.func, pc) || !impl_->config.exact_tier) return {};
  // The Step that starts the frame's current instruction holds the height:
  // the instruction at pc itself (the innermost frame, stopped in the hook),
  // else the one just before the call.
  const CompiledFunc& c = *fr.func->code;
  const int32_t step = handler_offsets()[size_t(IOp::Step)];
  uint32_t at = uint32_t(pc - c.code.data());
  auto it = std::upper_bound(c.map_code.begin(), c.map_code.end(), at);
  if (it == c.map_code.begin()) return {};
  size_t i = size_t(it - c.map_code.begin()) - 1;
  if (int32_t(c.code[c.map_code[i]]) != step) {
    if (i == 0) return {};
    --i;
  }
  if (int32_t(c.code[c.map_code[i]]) != step) return {};
  uint32_t height = c.code[c.map_code[i] + 2];
  uint32_t locals_end = fr.func->zero_from + fr.func->zero_count;
  std::vector<uint64_t> out;
  for (uint32_t s = locals_end; s < height; ++s) out.push_back(fr.fp[s]);
  return out;
}

}  // namespace tc::wasm
