// The dispatch loop: threaded code with computed goto. Hot state (pc, frame
// pointer, memory base/size, current instance) lives in locals. wasm->wasm
// calls never recurse natively: frames go on Machine::frames and the callee
// frame starts at the caller's first argument slot.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>

#include "interp/code/iops.hpp"
#include "interp/exec/exec_helpers.hpp"
#include "interp/exec/guard_pages.hpp"
#include "interp/exec/float_ops.hpp"
#include "interp/exec/op_bodies.hpp"
#include "interp/exec/opstats.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/exec/simd_ops.hpp"
#include "interp/exec/value_bits.hpp"

namespace tc::wasm {

namespace {

int32_t g_handler_offsets[size_t(IOp::Count_)];

// The handler of code index `at` that catches exn, or null. A delegate
// searches on from the first entry of its target region (the entries in
// between belong to regions nested inside it); one to the caller ends the
// search in this frame.
const Handler* find_handler(const CompiledFunc& c, uint32_t at, const ExnInst* exn) {
  const auto& hs = c.handlers;
  for (size_t i = 0; i < hs.size(); ++i) {
    const Handler& h = hs[i];
    if (at < h.begin || at >= h.end) continue;
    switch (h.kind) {
      case Handler::Catch: case Handler::CatchRef:
        if (h.tag == exn->tag) return &h;
        break;
      case Handler::CatchAll: case Handler::CatchAllRef:
        return &h;
      case Handler::Delegate: {
        if (h.to == Handler::kNone) return nullptr;
        size_t j = i + 1;
        while (j < hs.size() && hs[j].region != h.to) ++j;
        i = j - 1;  // the loop's ++i lands on the region's first entry
        break;
      }
      case Handler::Pass:
        break;
    }
  }
  return nullptr;
}

// Frames [from, to] are left (a trap, an unwind): they become empty, as a
// returning frame leaves its own (the fault path counts the live frames).
inline void clear_frames(Frame* frames, uint32_t from, uint32_t to) {
  for (uint32_t d = from; d <= to; ++d) frames[d].func = nullptr;
}

// Most functions declare a few locals: four stores cover up to four, and
// whatever they write past the locals is the new frame's operand stack or
// the free stack above it (the value stack has kZeroSlack slots past
// stack_end for that, store.cpp). A loop here became a memset call per
// call (gcc's pattern), about 16 instructions of fib's ~140 per call.
inline void zero_locals(Slot* fp, const FuncInst& f) {
  Slot* p = fp + f.zero_from;
  const uint32_t n = f.zero_count;
  static_assert(kZeroSlack == 4);
  if (__builtin_expect(n > kZeroSlack, 0)) {
    std::memset(p, 0, size_t(n) * sizeof(Slot));
    return;
  }
  p[0] = 0;
  p[1] = 0;
  p[2] = 0;
  p[3] = 0;
}

// A host call from the dispatch loop, with the trap scope disarmed (a fault
// in host code is not a wasm trap); false with `error` set if it failed. A
// function of its own so that its Expected, which has a destructor, is not a
// local in the scope of run()'s indirect gotos (clang rejects jumps out of
// such a scope).
inline bool host_call(StoreImpl& store, FuncInst* callee, Slot* fp, InstanceImpl* inst,
                      TrapScope* scope, Error& error) {
  current_trap_scope() = nullptr;
  auto r = call_host(store, callee, fp, inst);
  current_trap_scope() = scope;
  // The host function, or a signal handler while it ran, may have set it.
  if (store.machine.interrupt) store.interrupts.sync(store.machine.interrupt);
  if (!r) {
    error = std::move(r.error());
    return false;
  }
  return true;
}

// Runs until the entry frame returns. With func == nullptr it only fills
// g_handler_offsets (label addresses are local to this function). A
// guarded access leaves pc where the fault handler finds it
// (guarded_access.hpp); the fault path in execute() finds the depth from
// the frames, as every frame above the innermost one has func == null (a
// returning frame clears its own, an unwind those it leaves): nothing on
// the call path stores the depth for it.
__attribute__((noinline)) Expected<void> run(StoreImpl* store_ptr, FuncInst* func, Slot* base,
                                             TrapScope* scope) {
  // A handler word is the label's offset from L__base, added back on each
  // dispatch; in a position-dependent build (no PIE: the small code model
  // puts all code below 2 GiB) it is the label's address itself, one add
  // less per dispatch.
#if defined(__PIE__) || defined(__PIC__)
  const uintptr_t lb = reinterpret_cast<uintptr_t>(&&L__base);
#else
  constexpr uintptr_t lb = 0;
#endif
  const int32_t count_op = int32_t(reinterpret_cast<uintptr_t>(&&L_Count) - lb);
  if (!func) {
#define IOP(Name) g_handler_offsets[size_t(IOp::Name)] = int32_t(reinterpret_cast<uintptr_t>(&&L_##Name) - lb);
#include "interp/code/iops.def"
#undef IOP
    return {};
  }

  StoreImpl& store = *store_ptr;
  Machine& m = store.machine;
  Frame* const frames = m.frames.data();
  uint32_t depth = m.depth;
  const uint32_t max_depth = m.max_depth;
  Slot* const stack_end = m.stack_end;
  const uint32_t entry_depth = depth + 1;
  TrapCode trap = TrapCode::Unreachable;
  uint64_t trap_index = 0;  // element index for call_indirect traps
  Error error;
  FuncInst* callee = nullptr;
  Slot* callee_fp = nullptr;
  const uint32_t* ret_pc = nullptr;
  Slot ret0 = 0;  // a returning frame's first result (do_return_r0)
  ExnInst* exn = nullptr;  // the exception being thrown (ops_exn.inc)

  InstanceImpl* inst = func->instance;
  uint8_t* mem_base = nullptr;
  uint64_t mem_size = 0;
  Slot* fp = base;
  const uint32_t* pc = nullptr;

// Memory 0's base and size, in registers, for the handlers of a 32-bit
// memory 0 (MemRef::fast(), code/iops.hpp); the M forms for other
// memories read theirs through their code words.
#define RELOAD_MEM()                                              \
  do {                                                            \
    if (!inst->memories.empty()) {                                \
      mem_base = inst->memories[0]->mem.data();                   \
      mem_size = inst->memories[0]->mem.size_bytes();             \
    } else {                                                      \
      mem_base = nullptr;                                         \
      mem_size = 0;                                               \
    }                                                             \
  } while (0)
#define W(i) pc[i]
#define S(i) fp[pc[i]]
#ifdef TC_OPSTATS
#define OPSTAT() opstats::record(*pc)
#else
#define OPSTAT() (void)0
#endif
#define NEXT(n)                                              \
  do {                                                       \
    pc += (n);                                               \
    OPSTAT();                                                \
    goto *reinterpret_cast<const void*>(lb + uintptr_t(intptr_t(int32_t(*pc)))); \
  } while (0)
#define TRAP(c)                 \
  do {                          \
    trap = TrapCode::c;         \
    goto do_trap;               \
  } while (0)
#define HANDLER(Name) L_##Name:
// One simple op (op_bodies.hpp) at pc, leaving pc at the next instruction
// or, for a taken branch, dispatching to its target. A tail op (call,
// return, br, br_table) continues in its own handler without a dispatch.
#define STEP(X)                                                        \
  do {                                                                 \
    using B_ = bodies::Body<IOp::X>;                                   \
    if (B_::tail) goto L_##X;                                          \
    if (B_::branch && B_::taken(fp, pc)) {                             \
      pc += int32_t(pc[B_::off]);                                      \
      NEXT(0);                                                         \
    }                                                                  \
    B_::run(fp, pc, mem_base, scope);                                  \
    pc += B_::len;                                                     \
  } while (0)
#define BODY_HANDLER(Name) \
  HANDLER(Name) {          \
    STEP(Name);            \
    NEXT(0);               \
  }
#define LOAD(Name, M, R)                                 \
  HANDLER(Name) {                                        \
    uint64_t ea = uint64_t(uint32_t(S(2))) + W(3);       \
    if (ea + sizeof(M) > mem_size) TRAP(MemoryOob);      \
    M v;                                                 \
    std::memcpy(&v, mem_base + ea, sizeof(M));           \
    S(1) = to_slot(R(v));                                \
    NEXT(4);                                             \
  }
#define STORE(Name, M)                                   \
  HANDLER(Name) {                                        \
    uint64_t ea = uint64_t(uint32_t(S(1))) + W(3);       \
    if (ea + sizeof(M) > mem_size) TRAP(MemoryOob);      \
    M v = M(S(2));                                       \
    std::memcpy(mem_base + ea, &v, sizeof(M));           \
    NEXT(4);                                             \
  }
// Loads and stores on other memories (the M forms, code/iops.def): the
// memory's own base and length, read through its pointer word.
#define MLOAD(Name, M, R)                                        \
  HANDLER(Name##M) {                                             \
    const MemoryInst* mi = ptr_at<MemoryInst>(pc + 3);           \
    uint64_t ea;                                                 \
    if (!mem_ea(mi, S(2), W(5) | uint64_t(W(6)) << 32, sizeof(M), ea)) TRAP(MemoryOob); \
    M v;                                                         \
    std::memcpy(&v, mi->mem.data() + ea, sizeof(M));             \
    S(1) = to_slot(R(v));                                        \
    NEXT(7);                                                     \
  }
#define MSTORE(Name, M)                                          \
  HANDLER(Name##M) {                                             \
    const MemoryInst* mi = ptr_at<MemoryInst>(pc + 3);           \
    uint64_t ea;                                                 \
    if (!mem_ea(mi, S(1), W(5) | uint64_t(W(6)) << 32, sizeof(M), ea)) TRAP(MemoryOob); \
    M v = M(S(2));                                               \
    std::memcpy(mi->mem.data() + ea, &v, sizeof(M));             \
    NEXT(7);                                                     \
  }
  // Entry frame.
  ensure_compiled(func);
  if (depth >= max_depth || base + func->frame_slots > stack_end)
    return make_error(ErrorKind::Exhaustion, "call stack exhausted");
  ++depth;
  frames[depth] = Frame{func, base, nullptr, func->instance};
  zero_locals(base, *func);
  RELOAD_MEM();
  pc = func->code->code.data();
  // An entry from the host stops at once (a function without poll points
  // would run to its end).
  if (m.interrupt && m.interrupt->load(std::memory_order_relaxed) != 0) TRAP(Interrupted);
  NEXT(0);

L__base:
#include "interp/exec/ops_control.inc"
// Scalar numeric ops (code/numeric.def): a body each (op_bodies.hpp), or,
// for the trapping ones, a handler expanded here from the row: its guards
// (trap, or a result of its own), then its expression.
#define TC_TRAP_IF(cond, code) if (cond) TRAP(code);
// (else: the guards chain onto the final store, one store per path, as
// the handlers were written by hand - the dispatch loop's code is the same.)
#define TC_RESULT_IF(cond, v) \
  if (cond)                   \
    S(1) = to_slot(Res_(v));  \
  else
#define UNOP(Id, T, R, expr) BODY_HANDLER(Id)
#define TESTOP(Id, T, Cmp, expr) BODY_HANDLER(Id)
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) BODY_HANDLER(Id)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) BODY_HANDLER(Id)
#define UNOP_TRAP(Id, T, R, guards, expr) \
  HANDLER(Id) {                           \
    using Res_ [[maybe_unused]] = R;      \
    T a = rd<T>(S(2));                    \
    guards                                \
    S(1) = to_slot(R(expr));              \
    NEXT(3);                              \
  }
#define BINOP_TRAP(Id, T, R, guards, expr) \
  HANDLER(Id) {                            \
    using Res_ [[maybe_unused]] = R;       \
    T a = rd<T>(S(2));                     \
    T b = rd<T>(S(3));                     \
    guards                                 \
    S(1) = to_slot(R(expr));               \
    NEXT(4);                               \
  }
#include "interp/code/numeric.def"
#undef TC_TRAP_IF
#undef TC_RESULT_IF
#include "interp/exec/ops_memory.inc"
#include "interp/exec/ops_table.inc"
#include "interp/exec/ops_fused.inc"
#include "interp/exec/ops_simd.inc"
#include "interp/exec/ops_exn.inc"

do_trap:
  count_to_trap(m, depth, pc);
  error = make_error(trap == TrapCode::CallStackExhausted || trap == TrapCode::FuelExhausted
                         ? ErrorKind::Exhaustion
                         : trap == TrapCode::Interrupted ? ErrorKind::Interrupted : ErrorKind::Trap,
                     trap_message(trap));
  // As the reference interpreter: "undefined element 7".
  if (trap == TrapCode::UndefinedElement || trap == TrapCode::UninitializedElement)
    error.message += " " + std::to_string(trap_index);
do_error:
  append_backtrace(error, frames, entry_depth, depth, pc);
  clear_frames(frames, entry_depth, depth);
  m.depth = entry_depth - 1;
  return error;

done:
  m.depth = depth;
  return {};

#undef RELOAD_MEM
#undef W
#undef S
#undef NEXT
#undef OPSTAT
#undef TRAP
#undef HANDLER
#undef STEP
#undef BODY_HANDLER
#undef LOAD
#undef STORE
}

}  // namespace

const int32_t* handler_offsets() {
  static const bool ready = [] {
    (void)run(nullptr, nullptr, nullptr, nullptr);
    return true;
  }();
  (void)ready;
  return g_handler_offsets;
}

// Arms the guard-page fault path around run(): a fault in a guarded memory
// comes back here (run()'s frame is abandoned; it holds nothing that needs
// cleanup while wasm code runs) and becomes the out-of-bounds trap.
Expected<void> execute(StoreImpl& store, FuncInst* func, Slot* base) {
  guard_thread_init();
  if (store.machine.interrupt) store.interrupts.sync(store.machine.interrupt);
  if (!func->instance->memories.empty() && func->instance->memories[0]->mem.guarded())
    guard_ensure_handler();
  TrapScope scope;
  scope.prev = current_trap_scope();
  const uint32_t entry_depth = store.machine.depth + 1;
  struct Restore {
    TrapScope* prev;
    ~Restore() { current_trap_scope() = prev; }
  } restore{scope.prev};
  if (sigsetjmp(scope.buf, 0)) {
    Frame* const frames = store.machine.frames.data();
    uint32_t depth = entry_depth;  // the access ran in a frame of this invocation
    while (frames[depth + 1].func) ++depth;
    count_to_trap(store.machine, depth, scope.pc);
    if (store.machine.prof) store.machine.prof->unwind(entry_depth - 1);
    Error error = make_error(ErrorKind::Trap, trap_message(TrapCode::MemoryOob));
    append_backtrace(error, frames, entry_depth, depth, scope.pc);
    clear_frames(frames, entry_depth, depth);
    store.machine.depth = entry_depth - 1;
    return error;
  }
  current_trap_scope() = &scope;
  auto r = run(&store, func, base, &scope);
  // The frames this invocation entered have returned or been abandoned.
  if (store.machine.prof) store.machine.prof->unwind(entry_depth - 1);
  return r;
}

}  // namespace tc::wasm
