// Out-of-line pieces of the dispatch loop (kept out of the hot function).
#pragma once
#include <cstdint>

#include "interp/exec/runtime.hpp"

namespace tc::wasm {

// memory.grow: old size in pages, or -1.
int64_t memory_grow(StoreImpl& store, MemoryInst* mem, uint64_t delta);
// table.grow: old size, or -1.
int64_t table_grow(TableInst* table, uint64_t delta, Ref init);

// An address or index operand of a memory or table with address type `a`
// (an i32 one's slot may carry stale high bits).
inline uint64_t addr_of(AddrType a, Slot v) { return a == AddrType::I64 ? v : uint32_t(v); }
// Whether [at, at + n) lies within size (overflow-safe).
inline bool in_bounds(uint64_t at, uint64_t n, uint64_t size) {
  return n <= size && at <= size - n;
}
// The effective address of an access of n bytes at addr + offset of a
// memory other than a 32-bit memory 0 (code/iops.hpp MemRef); false when
// out of bounds: one compare against the memory's length, overflow-safe.
inline bool mem_ea(const MemoryInst* m, Slot addr, uint64_t offset, uint64_t n, uint64_t& ea) {
  uint64_t a = addr_of(m->type.addr, addr);
  uint64_t size = m->mem.size_bytes();
  return !__builtin_add_overflow(a, offset, &ea) && in_bounds(ea, n, size);
}
// Runs the step hook (exact tier, Machine::stopped_pc set); false with
// `error` set when the hook stops execution.
bool step_stop(StoreImpl& store, Error& error);
// Counted fast code counts a whole segment at its start: a trap inside it
// takes back the instructions after the trapping one (exact code counts
// each instruction as it starts, and needs nothing).
// `depth`: the trapping frame's (with the profiler, its node notes the same).
// A throw (note_profile = false) corrects the count the same way, without
// marking the profiler's segment as trapped.
void count_to_trap(Machine& m, uint32_t depth, const uint32_t* pc, bool note_profile = true);
// Adds the frames [entry, top] to e.backtrace, innermost first;
// `pc` is the current instruction of the top frame.
void append_backtrace(Error& e, const Frame* frames, uint32_t entry, uint32_t top,
                      const uint32_t* pc);

}  // namespace tc::wasm
