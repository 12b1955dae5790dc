#include "interp/exec/exec_helpers.hpp"

#include <algorithm>
#include <cstdio>

#include "interp/code/iops.hpp"

namespace tc::wasm {

int64_t memory_grow(StoreImpl& store, MemoryInst* mem, uint64_t delta) {
  uint64_t old = mem->mem.pages();
  if (old > mem->max_pages || delta > mem->max_pages - old) return -1;
  if (!mem->mem.grow(delta)) return -1;
  mem->type.limits.min = old + delta;
  return int64_t(old);
}

int64_t table_grow(TableInst* table, uint64_t delta, Ref init) {
  uint64_t old = table->elems.size();
  uint64_t range = table->type.addr == AddrType::I64 ? UINT64_MAX : 0xFFFFFFFFu;
  uint64_t max = std::min(table->type.limits.max.value_or(range), kMaxTableElems);
  if (delta > max - std::min(old, max)) return -1;
  table->elems.resize(old + delta, init);
  table->type.limits.min = old + delta;
  return int64_t(old);
}

bool step_stop(StoreImpl& store, Error& error) {
  Machine& m = store.machine;
  if (!m.step_hook) {
    // TIMECRAFT_TIER=switch: stop again a few instructions on, so that
    // frames keep moving between the codes.
    if (m.tier_switch) {
      m.tier_switch = m.tier_switch * 6364136223846793005ull + 1442695040888963407ull;
      m.stop_at = m.icount + 1 + (m.tier_switch >> 58);
    }
    return true;
  }
  if (m.step_hook()) return true;
  error = make_error(ErrorKind::Interrupted, "execution stopped by the debugger");
  return false;
}

void count_to_trap(Machine& m, uint32_t depth, const uint32_t* pc, bool note_profile) {
  const FuncInst* f = m.frames[depth].func;
  if (!f || !f->code || !pc) return;
  ProfNode* node = m.prof && note_profile ? m.prof->node_of(depth) : nullptr;
  const CompiledFunc& c = *f->code;
  if (c.map_count.empty() || pc < c.code.data() || pc >= c.code.data() + c.code.size()) return;
  uint32_t at = uint32_t(pc - c.code.data());
  auto it = std::upper_bound(c.map_code.begin(), c.map_code.end(), at);
  if (it == c.map_code.begin()) return;
  const size_t i = size_t(it - c.map_code.begin()) - 1;
  const int32_t count = handler_offsets()[size_t(IOp::Count)];
  const int32_t count_exact = handler_offsets()[size_t(IOp::CountExact)];
  const int32_t prof_count = handler_offsets()[size_t(IOp::ProfCount)];
  for (size_t j = i + 1; j-- > 0;) {
    int32_t w = int32_t(c.code[c.map_code[j]]);
    if (w != count && w != count_exact && w != prof_count) continue;
    m.icount -= c.code[c.map_code[j] + 1] - c.map_count[i];
    if (node) {
      node->trap_seg = c.code[c.map_code[j] + 2];
      node->trap_through = c.map_count[i];
    }
    return;
  }
}

void append_backtrace(Error& e, const Frame* frames, uint32_t entry, uint32_t top,
                      const uint32_t* pc) {
  constexpr uint32_t kMaxEntries = 64;  // deep recursion: keep the innermost frames
  for (uint32_t d = top + 1; d-- > entry;) {
    if (e.backtrace.size() == kMaxEntries) {
      TraceFrame more;
      more.elided = d - entry + 1;
      e.backtrace.push_back(std::move(more));
      break;
    }
    const FuncInst* f = frames[d].func;
    const uint32_t* at = d == top ? pc : frames[d + 1].ret_pc - 1;
    TraceFrame t;
    t.func_index = f->index;
    t.host = f->is_host();
    t.name = f->instance ? f->instance->module().func_name(f->index) : f->debug_name;
    if (const CompiledFunc* code = code_holding(f, at)) {
      {
        const Module& m = f->instance->module();
        t.has_offset = true;
        t.offset = code->bytecode_offset(uint32_t(at - code->code.data()));
        t.func_offset = t.offset - m.functions[f->index - m.num_imported_funcs].body_offset;
      }
    }
    e.backtrace.push_back(std::move(t));
  }
}

}  // namespace tc::wasm
