// Runtime objects (spec "instances") and the execution machine. Internal to
// interp/exec and interp/compile; embedders only see engine.hpp.
// The include direction: interp/compile uses these objects (the code it
// writes points at them, interp/code/iops.hpp) and interp/exec never
// includes interp/compile; the compiler is reached only through
// ensure_compiled / ensure_exact below (defined in compile/lazy.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "interp/engine.hpp"
#include "interp/exec/interrupt_points.hpp"
#include "interp/exec/linear_memory.hpp"

namespace tc::wasm {

struct CompiledFunc;
class InstanceImpl;
struct StoreImpl;

// A frame slot holds any non-vector value (i32/f32 in the low 32 bits,
// floats as raw bits, references as pointers). v128 will take two slots.
using Slot = uint64_t;

inline uint32_t slots_for(ValType t) { return t == ValType::V128 ? 2 : 1; }

struct FuncInst {
  const FuncType* type = nullptr;
  uint32_t type_id = 0;              // store-canonical: equal ids <=> equal types
  InstanceImpl* instance = nullptr;  // null for host functions
  uint32_t index = 0;                // index in the module's function space
  uint32_t param_slots = 0, result_slots = 0;
  std::unique_ptr<CompiledFunc> code;  // compiled on first call
  // Counted tiers (EngineConfig::exact_tier): the exact code, compiled
  // when a frame first needs it (ensure_exact).
  std::unique_ptr<CompiledFunc> exact_code;
  // Copied from `code` when it is compiled, so a call reads one object:
  // entry is null until then (and always for host functions).
  const uint32_t* entry = nullptr;
  uint32_t frame_slots = 0, zero_from = 0, zero_count = 0;
  // Host functions only.
  HostFunc host;
  std::string debug_name;
  std::unique_ptr<FuncType> owned_type;

  bool is_host() const { return instance == nullptr; }
  FuncInst();
  ~FuncInst();
  FuncInst(FuncInst&&) noexcept;
};

// An implementation limit on table sizes (instantiation, table.grow,
// Store::add_table): keeps a table of 2^32 - 1 elements, which validates,
// from exhausting host memory.
constexpr uint64_t kMaxTableElems = 10'000'000;

struct TableInst {
  TableType type;  // limits.min tracks the current size
  std::vector<Ref> elems;
};

struct MemoryInst {
  MemoryType type;  // limits.min tracks the current size in pages
  LinearMemory mem;
  uint64_t max_pages = 0;  // effective: module max and config max
};

struct GlobalInst {
  GlobalType type;
  Slot bits[2] = {0, 0};  // [1] for v128
};

// An exception tag (exception handling): its identity is the object.
struct TagInst {
  const FuncType* type = nullptr;  // params: the payload; no results
  uint32_t type_id = 0;            // store-canonical, for import matching
  uint32_t param_slots = 0;
  std::unique_ptr<FuncType> owned_type;
};

// A thrown exception: an exnref points at one (Ref = ExnInst*). The store
// keeps every exception, as an exnref may be stored anywhere (there is no
// collector); catch clauses that take no reference recycle theirs.
struct ExnInst {
  TagInst* tag = nullptr;
  std::vector<Slot> payload;  // the tag's parameters, in slots
  bool exposed = false;       // a reference to it was handed out: never reused
};

class InstanceImpl final : public Instance {
 public:
  const Module& module() const override { return *module_; }
  std::optional<ExternVal> find_export(std::string_view name) const override;

  std::shared_ptr<const Module> module_;
  StoreImpl* store = nullptr;
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<TagInst*> tags;
  std::vector<uint32_t> type_ids;          // module type index -> canonical id
  std::unique_ptr<FuncInst[]> own_funcs;   // defined functions (stable addresses)
  std::vector<std::vector<Ref>> elem_segs; // evaluated element segments (cleared on drop)
  std::vector<uint8_t> data_dropped;
  uint32_t compiled_count = 0;             // functions compiled so far (lazy compilation)
};

// One activation record (native side); wasm values live in the slot stack.
struct Frame {
  FuncInst* func = nullptr;
  Slot* fp = nullptr;
  const uint32_t* ret_pc = nullptr;  // where the caller resumes; null: return to native
  InstanceImpl* instance = nullptr;  // func->instance, read when returning into this frame
};

// The profiler's calling-context tree (EngineConfig::profile): a node per
// path of calls, with each segment's executions of the counted fast code
// (IOp::ProfCount), calls and inclusive time in TSC cycles.
struct ProfNode {
  const FuncInst* func = nullptr;  // null for the root
  uint32_t parent = 0;
  uint64_t calls = 0;
  uint64_t cycles = 0;             // inclusive
  uint32_t trap_seg = UINT32_MAX;  // a trap inside this segment: its instructions
  uint32_t trap_through = 0;        // after the first trap_through did not run
  std::vector<uint64_t> segs;      // executions per segment of func's fast code
  const FuncInst* last_callee = nullptr;  // the child found last (most calls repeat it)
  uint32_t last_child = 0;
};

struct Profiler {
  Profiler();
  std::vector<ProfNode> nodes{1};   // [0]: the root
  uint64_t tsc0 = 0;                // TSC and steady clock (ns) when profiling began
  int64_t ns0 = 0;
  std::vector<uint32_t> node_at;    // per call depth: the frame's node
  std::vector<uint64_t> tsc_at;     // per call depth: when the frame was entered
  struct KeyHash {
    size_t operator()(const std::pair<uint32_t, const FuncInst*>& k) const {
      return std::hash<const void*>()(k.second) * 31 + k.first;
    }
  };
  std::unordered_map<std::pair<uint32_t, const FuncInst*>, uint32_t, KeyHash> child_of;
  uint32_t open = 0;                // frames [1, open] have their node and start time
  uint32_t child(uint32_t parent, const FuncInst* f);
  // IOp::ProfCount, at the start of segment k of the frame at `depth`: a
  // function entry (k = 0) opens the frame's node; frames above `depth`
  // have returned (every return lands on a segment start); counts the
  // segment's execution. Out of line: the dispatch loop's handlers for
  // calls and returns stay as they are.
  void segment(struct Machine& m, uint32_t depth, uint32_t k);
  void unwind(uint32_t to);  // frames above `to` have returned or were abandoned
  ProfNode* node_of(uint32_t depth) { return depth >= 1 && depth <= open ? &nodes[node_at[depth]] : nullptr; }
};

// Slots the value stack has past stack_end: a call zeroes a few slots
// from its first local whatever its count (dispatch.cpp, zero_locals).
constexpr uint32_t kZeroSlack = 4;

// The per-store execution stacks, shared by nested invocations (a host
// function may call back into wasm).
struct Machine {
  std::unique_ptr<Slot[]> stack;
  Slot* stack_end = nullptr;
  Slot* top = nullptr;  // first free slot for a new (nested) invocation
  std::vector<Frame> frames;  // frames[0] unused; depth counts frames in use
  uint32_t depth = 0;
  uint32_t max_depth = 0;
  uint64_t fuel = 0;  // units left (EngineConfig::fuel; IOp::Fuel spends them)
  const std::atomic<int>* interrupt = nullptr;  // EngineConfig::interrupt (IOp::Poll)
  // Exact tier (EngineConfig::exact_tier): instructions counted by Step,
  // the count at which the step hook runs, and where the innermost frame
  // is while the hook or a host function runs.
  uint64_t icount = 0;
  uint64_t stop_at = UINT64_MAX;
  StepHook step_hook;
  const uint32_t* stopped_pc = nullptr;
  bool at_break = false;  // the hook runs for a Break (a breakpoint)
  // Module code offsets of the breakpoints (sorted), patched into every
  // exact-tier function as it is compiled (patch_breakpoints).
  std::vector<uint32_t> breakpoints;
  std::function<void(bool after)> host_call_hook;
  uint64_t tier_switch = 0;  // TIMECRAFT_TIER=switch: random state, nonzero when on
  std::unique_ptr<Profiler> prof;  // EngineConfig::profile
};

// The profiler's count of one host call made by the frame at `depth`.
void profile_host_call(Profiler& prof, uint32_t depth, const FuncInst* f, uint64_t cycles);

// Rewrites f's Steps at the machine's breakpoints into Breaks and the
// others back (exact tier; no-op for code without Steps).
void patch_breakpoints(const Machine& m, FuncInst* f);

struct FuncTypeLess {
  bool operator()(const FuncType& a, const FuncType& b) const {
    if (a.params != b.params) return a.params < b.params;
    return a.results < b.results;
  }
};

struct StoreImpl {
  Store* self = nullptr;
  EngineConfig config;
  Machine machine;
  std::map<FuncType, uint32_t, FuncTypeLess> type_ids;  // structural canonicalisation
  std::vector<std::unique_ptr<FuncInst>> host_funcs;
  std::vector<std::unique_ptr<TableInst>> tables;
  std::vector<std::unique_ptr<MemoryInst>> memories;
  std::vector<std::unique_ptr<GlobalInst>> globals;
  std::vector<std::unique_ptr<InstanceImpl>> instances;
  std::vector<std::unique_ptr<TagInst>> tags;
  std::vector<std::unique_ptr<ExnInst>> exns;  // every exception thrown
  std::vector<ExnInst*> free_exns;              // caught without a reference: reusable

  uint32_t canonical_type_id(const FuncType& t);
  ExnInst* new_exn(TagInst* tag);  // payload sized, not filled
  void free_exn(ExnInst* e) { free_exns.push_back(e); }
  MemoryInst* new_memory(MemoryType type);  // nullptr if it cannot be allocated

  // Last, so that it goes first: its watcher thread patches the code above.
  InterruptPoints interrupts;
};

struct Store::Impl : StoreImpl {};

struct StoreAccess {
  static StoreImpl& impl(Store& s) { return *s.impl_; }
};

// Runs `func` (wasm) with its arguments already in base[0..params).
// Results are left in base[0..results).
Expected<void> execute(StoreImpl& store, FuncInst* func, Slot* base);

// Calls a host function with arguments in base[0..) and writes results there.
Expected<void> call_host(StoreImpl& store, FuncInst* func, Slot* base, Instance* caller);

// Lazily compiles a wasm function (trusting validation; compile/lazy.cpp).
void ensure_compiled(FuncInst* func);
// Counted tiers: compiles the function's exact code if it has none yet.
void ensure_exact(FuncInst* func);
// The code of f (fast or exact) that holds pc, or null.
const CompiledFunc* code_holding(const FuncInst* f, const uint32_t* pc);

// Slot <-> Value conversion at the embedding boundary.
Value slot_to_value(ValType t, const Slot* s);
void value_to_slot(const Value& v, Slot* s);

// Observability for tests and tools: functions compiled so far.
uint32_t compiled_function_count(const Instance* inst);

}  // namespace tc::wasm
