// Internal instruction set and the compiled form of a function: the
// contract between the compiler (interp/compile, which writes the code) and
// the dispatch loop (interp/exec, which runs it). Neither of those
// directories includes the other's internals; what both need lives here.
#pragma once
#include <cstdint>
#include <vector>

namespace tc::wasm {

enum class IOp : uint32_t {
#define IOP(Name) Name,
#include "interp/code/iops.def"
#undef IOP
  Count_
};

// The memory a memory instruction uses and the width of its addresses.
// Memory 0 of a 32-bit memory is fast(): its handlers (iops_mem.def,
// MemorySize to DataDrop, the v128 loads and stores) have a u32 offset
// word, the dispatch loop keeps that memory's base and size in registers,
// and on a guard-paged memory the G forms skip the bounds check. Every
// other memory (multi-memory, memory64) uses the M forms (iops.def): their
// words name the MemoryInst and carry a 64-bit offset, and they check
// bounds explicitly (one overflow-safe compare against its length).
struct MemRef {
  uint32_t index = 0;
  bool addr64 = false;
  bool fast() const { return index == 0 && !addr64; }
};

// Trap codes carried by IOp::Trap and raised by handlers.
enum class TrapCode : uint32_t {
  Unreachable,
  DivByZero,
  IntOverflow,
  InvalidConversion,
  MemoryOob,
  TableOob,
  UndefinedElement,
  UninitializedElement,
  IndirectTypeMismatch,
  CallStackExhausted,
  FuelExhausted,
  Interrupted,  // EngineConfig::interrupt was set
  NullExnRef,   // throw_ref of a null exnref
};

// Exception handling: where a thrown exception goes in a function. An
// exception raised at code index `at` (a throw, or a call it unwound out
// of) goes to the first entry, in table order, with begin <= at < end that
// matches it: inner regions come before the regions around them, and a
// try_table's (or a try's) clauses in their order.
struct Handler {
  enum Kind : uint8_t {
    Catch, CatchRef, CatchAll, CatchAllRef,  // try_table clauses (and legacy catches)
    Delegate,  // legacy delegate: search on from region `to` (or the caller)
    Pass,      // a region with no clause (a delegate may still search on from it)
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t begin = 0, end = 0;  // code indices of the guarded instructions
  Kind kind = Pass;
  const void* tag = nullptr;    // TagInst (Catch, CatchRef)
  uint32_t dst = 0;             // first slot of the payload (then the exnref, if any)
  uint32_t target = 0;          // code index to continue at
  uint32_t exn_slot = kNone;    // legacy catch: the slot keeping the exception (rethrow)
  uint32_t region = 0;          // the try/try_table this entry belongs to
  uint32_t to = kNone;          // Delegate: the region searched next; kNone: the caller
};
const char* trap_message(TrapCode c);

struct CompiledFunc {
  // Threaded code: each instruction is a handler word (its label's address
  // in a position-dependent build, else its offset from the dispatch base
  // label: exec/dispatch.cpp) followed by u32 operand words.
  std::vector<uint32_t> code;
  uint32_t frame_slots = 0;  // locals + maximum operand-stack height
  // Declared locals (slots [zero_from, zero_from + zero_count)) start at zero;
  // the call sequence clears them, saving an instruction per call.
  uint32_t zero_from = 0, zero_count = 0;
  // The word a wasm call enters at (FuncInst::entry).
  uint32_t entry_at = 0;
  // EngineConfig::interrupt outside the counted tiers: the instructions
  // (word index, ascending, each once: the entry, loop headers, and the
  // targets of branches threaded past a header) that IOp::Interrupt
  // replaces once the flag is set, and their own words meanwhile
  // (exec/interrupt_points.hpp).
  std::vector<uint32_t> poll_at, poll_saved;
  // Instruction start (word index) -> bytecode offset, sorted by code index.
  std::vector<uint32_t> map_code;
  std::vector<uint32_t> map_bytecode;
  // Counted tiers (EngineConfig::exact_tier) only. The code index where
  // each straight-line segment starts: a Count in the fast code, the
  // segment's first instruction in the exact code. Both codes of a function
  // have the same segments, so a frame moves between them at any segment
  // start (the operand stack is in its slots there in both).
  std::vector<uint32_t> segments;
  // Fast code: per instruction (parallel to map_code), the wasm
  // instructions of its segment up to and including the one that emitted
  // it; a trap corrects the segment's count by it.
  std::vector<uint32_t> map_count;
  // Fast code: the module offsets of each segment's instructions, segment
  // k's from seg_first[k] to seg_first[k + 1] (the profiler's lines).
  std::vector<uint32_t> seg_offsets, seg_first;
  // Exception handlers (try_table, try), innermost first.
  std::vector<Handler> handlers;

  // Bytecode offset of the instruction containing code word `pos`.
  uint32_t bytecode_offset(uint32_t pos) const;
};

// Handler words of the dispatch loop, indexed by IOp (defined in exec/).
const int32_t* handler_offsets();

// What fusion (compile/fuse_pairs.cpp) needs to know of an op that has a
// body (exec/op_bodies.hpp): whether it writes word 1's slot, and which
// words name slots it reads (bit i: word i). Defined in exec/ from the
// bodies, for the ops of the fusion tables.
struct OpShape {
  bool result = false;
  uint32_t reads = 0;
};
OpShape op_shape(IOp op);

}  // namespace tc::wasm
