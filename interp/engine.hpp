// The embedding API: load (bytes or text) -> validate -> instantiate with
// imports -> invoke exports. spec-tests/, wasi/ and tools/ build on this.
// Implemented by exec/ (instances, dispatch loop) on top of binary/,
// validate/ and compile/.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "interp/error.hpp"
#include "interp/module.hpp"
#include "interp/types.hpp"

namespace tc::wasm {

// A reference value: 0 is null. A funcref is a FuncInst* cast to uintptr_t;
// an externref is whatever the embedder chose (non-zero).
using Ref = uintptr_t;

struct V128 {
  uint8_t bytes[16] = {};
  bool operator==(const V128&) const = default;
};

// A typed value crossing the embedding boundary (not the interpreter's
// internal representation). Floats are kept as raw bits so NaN payloads
// survive exactly.
struct Value {
  ValType type = ValType::I32;
  union {
    uint32_t i32;
    uint64_t i64;
    uint32_t f32;  // bits
    uint64_t f64;  // bits
    V128 v128;
    Ref ref;
  };
  Value() : i64(0) {}

  static Value make_i32(uint32_t v) { Value x; x.type = ValType::I32; x.i32 = v; return x; }
  static Value make_i64(uint64_t v) { Value x; x.type = ValType::I64; x.i64 = v; return x; }
  static Value make_f32_bits(uint32_t v) { Value x; x.type = ValType::F32; x.f32 = v; return x; }
  static Value make_f64_bits(uint64_t v) { Value x; x.type = ValType::F64; x.f64 = v; return x; }
  static Value make_v128(const V128& v) { Value x; x.type = ValType::V128; x.v128 = v; return x; }
  static Value make_ref(ValType t, Ref r) { Value x; x.type = t; x.ref = r; return x; }
  static Value zero(ValType t) { Value x; x.type = t; return x; }
};
std::string value_to_string(const Value& v);  // "i32:42", "f64:0x1p+0", "funcref:null"

struct EngineConfig {
  // Maximum depth of WebAssembly frames (not native stack bytes), so the
  // limit is deterministic. Exceeding it traps with "call stack exhausted".
  uint32_t max_call_depth = 10000;
  // Upper bound on any memory's size in pages, on top of the module's own
  // maximum (memory.grow returns -1 beyond it; a memory whose initial size
  // is beyond it fails to instantiate, "memory allocation failed").
  uint32_t max_memory_pages = kMaxPages;
  // 32-bit memories reserve their whole addressable range and rely on guard
  // pages (a fault handler) instead of explicit bounds checks on loads and
  // stores. false, or the environment variable TIMECRAFT_GUARD_PAGES=0,
  // selects explicit checks; so does running out of address space.
  bool guard_pages = true;
  // Deterministic execution budget, shared by everything the Store runs
  // (every invoke, start functions, host callbacks into wasm): one unit per
  // function entry and per loop iteration (each entry into a loop header,
  // including every backward branch to it). Running out traps with
  // ErrorKind::Exhaustion "fuel exhausted"; once spent, the next unit any
  // later invoke needs traps too. The same module, inputs and budget always
  // stop at the same instruction. 0 = unlimited, and then the compiled code
  // carries no fuel checks at all.
  uint64_t fuel = 0;  // 0 = unlimited
  // When set (from anywhere: another thread, a signal handler), execution
  // stops at the next loop iteration, entry from the host, or entry of a
  // function that loops or calls, with ErrorKind::Interrupted
  // "interrupted" and a backtrace; set from elsewhere than a host function
  // while wasm code runs, within a few milliseconds
  // (exec/interrupt_points.hpp). nullptr: the
  // compiled code carries no such checks. `run` sets it for SIGINT/SIGTERM.
  const std::atomic<int>* interrupt = nullptr;
  // The debugger's counted tiers. Every function keeps its fast code, with
  // one instruction per straight-line segment that adds the segment's
  // length to the count of WebAssembly instructions executed
  // (Store::instruction_count), and gets on demand an exact code, compiled
  // without operand folding or fused groups, with a Step before each
  // instruction that runs the step hook when the count reaches the stop
  // mark. A frame moves onto the exact code at the start of the segment in
  // which the stop mark falls, or on entering a function with a
  // breakpoint, and back at a later segment start when neither holds; the
  // count is the same in both, and every operand-stack value is in its own
  // slot at each instruction boundary of the exact code. The program's
  // behaviour is the same.
  bool exact_tier = false;
  // With exact_tier: every frame stays on the exact code (a test and
  // comparison mode; TIMECRAFT_TIER=exact sets both for every Store, and
  // TIMECRAFT_TIER=switch moves frames between the codes every few
  // instructions; TIMECRAFT_TIER=counted sets exact_tier alone).
  bool exact_only = false;
  // With exact_tier: keep a calling-context tree of the WebAssembly (and
  // host) functions called, with each node's exact instruction counts,
  // calls and time (Store::profile).
  bool profile = false;
  // A memory whose whole range cannot be reserved (address space limited,
  // ulimit -v) keeps its initial size: memory.grow returns -1. That is an
  // input of the run: the store reports each such memory to
  // on_memory_capped (its index among the store's memories, in creation
  // order); a replay passes the recorded indices as capped_memories, capped
  // however much address space there is, and sets exact_memory_caps, so
  // that any other memory that cannot be reserved fails to instantiate
  // rather than grow differently.
  std::vector<uint32_t> capped_memories;
  bool exact_memory_caps = false;
  std::function<void(uint32_t memory_index)> on_memory_capped;
  // The fast code's superinstructions. `fuse`: adjacent instruction pairs,
  // triples and quads run as one fused op (compile/fuse_pairs.hpp).
  // `specialise`: single ops with folded operands - immediate forms (a
  // constant operand in the code: Id##Imm, Id##Imm64), compare-and-branch
  // (BrIf##Id, BrIf##Id##Imm), loads and stores that add their address
  // (G2, GI: i32.add folded in) and Copy2; off, the compiler emits the plain
  // sequence (Const32/64, the op, BrIf, i32.add, Copy). Both change only the
  // speed, never a result or the counts (the differential test, test/
  // fusion_tests.cpp). The environment sets them for every Store:
  // TIMECRAFT_FUSE=0 turns both off, TIMECRAFT_FUSE=singles only `fuse`.
  bool fuse = true;
  bool specialise = true;
};

// A WebAssembly frame as a debugger sees it (innermost first). `offset` is
// the module byte offset of the frame's current instruction: for the
// innermost frame the one about to run, for the others their call.
struct StackFrame {
  const class Instance* instance = nullptr;  // null for a host function
  uint32_t func_index = 0;  // in the module's function index space
  uint32_t offset = 0;
  bool has_offset = false;  // false for host frames and frames not started
};

// One node of the profiler's calling-context tree (EngineConfig::profile):
// a function reached by one path of calls. Node 0 is the root.
struct ProfileNode {
  uint32_t parent = 0;
  bool host = false;             // a host function (its name in host_name)
  uint32_t func_index = 0;       // WebAssembly functions: in the module's index space
  std::string host_name;
  uint64_t calls = 0;
  uint64_t instructions = 0;     // executed by this function itself on this path
  uint64_t total_ns = 0;         // this path's time, callees included
  // Instructions executed per module code offset (sorted by offset).
  std::vector<std::pair<uint32_t, uint64_t>> offsets;
};

// Runs when the exact tier's instruction count reaches the stop mark, just
// before the instruction it counted executes. Returning false stops
// execution: the invoke returns an Interrupted error.
using StepHook = std::function<bool()>;

// Runtime objects (spec "instances"), owned by a Store. Defined in exec/.
struct FuncInst;
struct TableInst;
struct MemoryInst;
struct GlobalInst;
struct TagInst;
class Instance;
class Store;

struct ExternVal {
  ExternKind kind = ExternKind::Func;
  FuncInst* func = nullptr;
  TableInst* table = nullptr;
  MemoryInst* memory = nullptr;
  GlobalInst* global = nullptr;
  TagInst* tag = nullptr;
};

// What a host function sees of its caller.
struct HostContext {
  Store& store;
  Instance* caller;  // the instance whose code made the call (may be null)
};

// A host function fills `results` (already sized and typed) or returns an
// Error (Trap with a message, or Exit for proc_exit) that unwinds the guest.
using HostFunc = std::function<Expected<void>(HostContext& ctx,
                                              std::span<const Value> args,
                                              std::span<Value> results)>;

// Resolves an import by module and field name; nullopt -> "unknown import".
using ImportResolver =
    std::function<std::optional<ExternVal>(std::string_view module, std::string_view name)>;

// Decode + validate in one call (binary). Errors: Malformed or Invalid.
Expected<std::shared_ptr<const Module>> load_module(std::vector<uint8_t> bytes);
// Decode only, for bytes this very engine build has validated before (the
// CLI's registry remembers which). The compiler relies on validation, so
// never pass bytes that have not been through load_module.
Expected<std::shared_ptr<const Module>> load_prevalidated_module(std::vector<uint8_t> bytes);

class Store {
 public:
  explicit Store(EngineConfig config = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const EngineConfig& config() const;
  // Fuel units left (EngineConfig::fuel); 0 when unlimited or spent.
  uint64_t fuel_remaining() const;

  // Debugging (EngineConfig::exact_tier). The count of WebAssembly
  // instructions executed so far (a branch to a block's end skips the
  // `end`; a loop's back edge goes to the first instruction in the loop),
  // identical in every run of the same program on the same inputs.
  uint64_t instruction_count() const;
  // The hook runs when the count reaches `mark` (and again each time the
  // hook sets a new mark it reaches). UINT64_MAX: never.
  void set_stop_at(uint64_t mark);
  void set_step_hook(StepHook hook);
  // Breakpoints: module code offsets of instructions before which the step
  // hook runs whatever the stop mark (exact tier; at_breakpoint() is then
  // true in the hook). Replaces the previous set.
  void set_breakpoints(std::vector<uint32_t> offsets);
  bool at_breakpoint() const;
  // Adds one breakpoint, patching only the function that holds it.
  void add_breakpoint(uint32_t offset);
  // The module offset at which the frame at call depth `depth` (1 = the
  // outermost) resumes when its callee returns: where a debugger stepping
  // over (or finishing) a call waits. nullopt if none (exact tier only).
  std::optional<uint32_t> resume_offset(uint32_t depth) const;
  // In the step hook, cheaply: the number of WebAssembly frames, and the
  // module code offset of the instruction about to run.
  uint32_t call_depth() const;
  uint32_t step_offset() const;
  // Runs just before (after = false) and just after (true) every call of a
  // host function, with the frames visible as in the step hook.
  void set_host_call_hook(std::function<void(bool after)> hook);
  // An instance's globals and memories by index (nullopt / null if none).
  static std::optional<Value> instance_global(const Instance* inst, uint32_t index);
  static MemoryInst* instance_memory(const Instance* inst, uint32_t index);
  // While the hook or a host function runs: the WebAssembly frames,
  // innermost first, and a frame's local (parameters first) and its
  // operand-stack values (bottom first; exact tier only).
  std::vector<StackFrame> stack_frames() const;
  std::optional<Value> frame_local(size_t frame, uint32_t index) const;
  std::vector<uint64_t> frame_operand_slots(size_t frame) const;
  // The calling-context tree so far (EngineConfig::profile; else empty);
  // a parent comes before its children.
  std::vector<ProfileNode> profile() const;

  // Host-side objects (for imports, e.g. the spectest module or WASI).
  // add_table and add_memory return nullptr when the initial size is beyond
  // the engine's limits (10 million elements; EngineConfig::max_memory_pages).
  FuncInst* add_host_func(FuncType type, HostFunc fn, std::string debug_name = {});
  TableInst* add_table(TableType type, Ref init = 0);
  MemoryInst* add_memory(MemoryType type);
  GlobalInst* add_global(GlobalType type, Value init);
  // An exception tag whose payload has the types of `type`'s parameters.
  TagInst* add_tag(FuncType type);

  // Links imports (in the module's import order), allocates, initialises
  // segments and runs the start function. Errors: Unlinkable ("unknown
  // import", "incompatible import type"), Trap/Exhaustion from segment
  // initialisation or the start function (the instance is then not
  // returned, but segment writes that happened stay, as in the spec).
  Expected<Instance*> instantiate(std::shared_ptr<const Module> module,
                                  const std::vector<ExternVal>& imports);
  Expected<Instance*> instantiate(std::shared_ptr<const Module> module,
                                  const ImportResolver& resolver);

  // Calls any function (wasm or host). Argument count/types are checked
  // (Usage error on mismatch). Errors: Trap, Exhaustion, Exit, and
  // Exception "uncaught exception" when a WebAssembly exception reaches
  // the call uncaught (an exception never unwinds through a host frame:
  // a host function that calls back into wasm gets it as this error).
  Expected<std::vector<Value>> invoke(FuncInst* func, std::span<const Value> args);

  // Object inspection.
  static const FuncType& func_type(const FuncInst* f);
  static GlobalType global_type(const GlobalInst* g);
  static Value global_get(const GlobalInst* g);
  static void global_set(GlobalInst* g, Value v);  // embedder-side write
  static TableType table_type(const TableInst* t);
  static MemoryType memory_type(const MemoryInst* m);
  static uint8_t* memory_data(MemoryInst* m);
  static uint64_t memory_size_bytes(const MemoryInst* m);
  static const FuncType& tag_type(const TagInst* t);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend struct StoreAccess;  // exec/ internals
};

class Instance {
 public:
  virtual ~Instance() = default;
  virtual const Module& module() const = 0;
  virtual std::optional<ExternVal> find_export(std::string_view name) const = 0;
  // Convenience: the memory exported as `name` (WASI uses "memory").
  MemoryInst* exported_memory(std::string_view name = "memory") const {
    auto e = find_export(name);
    return e && e->kind == ExternKind::Memory ? e->memory : nullptr;
  }
};

}  // namespace tc::wasm
