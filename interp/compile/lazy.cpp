// Compilation on first call: the runtime (exec/runtime.hpp) declares
// ensure_compiled and ensure_exact, the compiler defines them, so no file of
// interp/exec includes the compiler.
#include <algorithm>

#include "interp/compile/compiler.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

void ensure_compiled(FuncInst* func) {
  if (func->code) return;
  func->code = compile_function(*func);
  func->instance->compiled_count++;
  func->entry = func->code->code.data() + func->code->entry_at;
  func->frame_slots = func->code->frame_slots;
  func->zero_from = func->code->zero_from;
  func->zero_count = func->code->zero_count;
  StoreImpl& store = *func->instance->store;
  if (!func->code->poll_at.empty()) store.interrupts.add(store.machine.interrupt, func->code.get());
  if (store.config.exact_tier && !store.machine.breakpoints.empty()) patch_breakpoints(store.machine, func);
}

void ensure_exact(FuncInst* func) {
  if (func->exact_code) return;
  func->exact_code = compile_function(*func, true);
  func->frame_slots = std::max(func->frame_slots, func->exact_code->frame_slots);
  const Machine& m = func->instance->store->machine;
  if (!m.breakpoints.empty()) patch_breakpoints(m, func);
}

}  // namespace tc::wasm
