// Out-of-line pieces of the dispatch loop (kept out of the hot function).
#pragma once
#include <cstdint>

#include "interp/exec/runtime.hpp"

namespace tc::wasm {

// memory.grow: old size in pages, or -1.
int32_t memory_grow(StoreImpl& store, MemoryInst* mem, uint32_t delta);
// table.grow: old size, or -1.
int32_t table_grow(TableInst* table, uint32_t delta, Ref init);
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
