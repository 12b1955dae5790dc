// Store: host objects, invocation from the embedder, object inspection.
#include <x86intrin.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "interp/code/iops.hpp"
#include "interp/exec/fuse_env.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

namespace {
constexpr size_t kStackSlots = size_t(1) << 22;  // 32 MiB of slots, committed lazily
}

FuncInst::FuncInst() = default;
FuncInst::~FuncInst() = default;
FuncInst::FuncInst(FuncInst&&) noexcept = default;

uint32_t StoreImpl::canonical_type_id(const FuncType& t) {
  auto it = type_ids.find(t);
  if (it != type_ids.end()) return it->second;
  uint32_t id = uint32_t(type_ids.size());
  type_ids.emplace(t, id);
  return id;
}

ExnInst* StoreImpl::new_exn(TagInst* tag) {
  ExnInst* e;
  if (!free_exns.empty()) {
    e = free_exns.back();
    free_exns.pop_back();
  } else {
    exns.push_back(std::make_unique<ExnInst>());
    e = exns.back().get();
  }
  e->tag = tag;
  e->exposed = false;
  e->payload.assign(tag->param_slots, 0);
  return e;
}

MemoryInst* StoreImpl::new_memory(MemoryType type) {
  auto m = std::make_unique<MemoryInst>();
  uint64_t max = std::min<uint64_t>(type.limits.max.value_or(kMaxPages), config.max_memory_pages);
  max = std::min<uint64_t>(max, kMaxPages);
  // The cap holds for the initial size too: a memory cannot start beyond it.
  if (type.limits.min > max) return nullptr;
  // Capped as in the recorded run, else as the address space allows.
  uint32_t index = uint32_t(memories.size());
  const auto& capped = config.capped_memories;
  bool cap = std::find(capped.begin(), capped.end(), index) != capped.end();
  uint64_t limit = cap ? type.limits.min : max;
  if (!m->mem.init(type.limits.min, limit, config.guard_pages, !config.exact_memory_caps)) return nullptr;
  if (m->mem.capped() && config.on_memory_capped) config.on_memory_capped(index);
  m->max_pages = max;
  m->type = type;
  memories.push_back(std::move(m));
  return memories.back().get();
}

Store::Store(EngineConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->self = this;
  impl_->config = config;
  // TIMECRAFT_TIER=exact runs everything in the debugger's exact code,
  // =switch moves frames between its two codes every few instructions (the
  // test command runs the spec suite both ways, to show the tiers agree),
  // and =counted runs the counted fast code alone (bench/debug.sh).
  Machine& m = impl_->machine;
  if (const char* t = std::getenv("TIMECRAFT_TIER")) {
    std::string_view tier(t);
    if (tier == "exact" || tier == "switch" || tier == "counted") impl_->config.exact_tier = true;
    if (tier == "exact") impl_->config.exact_only = true;
    if (tier == "switch") {
      m.tier_switch = 0x9e3779b97f4a7c15ull;
      m.stop_at = 1;
    }
  }
  const std::string_view fuse = fuse_env();
  if (fuse == "0" || fuse == "singles") impl_->config.fuse = false;
  if (fuse == "0") impl_->config.specialise = false;
  m.stack.reset(new Slot[kStackSlots + kZeroSlack]);  // uninitialised: every slot is written before it is read
  m.stack_end = m.stack.get() + kStackSlots;
  m.top = m.stack.get();
  m.max_depth = std::min<uint32_t>(config.max_call_depth, 1u << 24);
  m.frames.resize(size_t(m.max_depth) + 2);
  m.fuel = config.fuel;
  m.interrupt = config.interrupt;
  if (impl_->config.exact_tier && impl_->config.profile) m.prof = std::make_unique<Profiler>();
}
Store::~Store() = default;

const EngineConfig& Store::config() const { return impl_->config; }
uint64_t Store::fuel_remaining() const { return impl_->machine.fuel; }

FuncInst* Store::add_host_func(FuncType type, HostFunc fn, std::string debug_name) {
  auto f = std::make_unique<FuncInst>();
  f->owned_type = std::make_unique<FuncType>(std::move(type));
  f->type = f->owned_type.get();
  f->type_id = impl_->canonical_type_id(*f->type);
  for (auto t : f->type->params) f->param_slots += slots_for(t);
  for (auto t : f->type->results) f->result_slots += slots_for(t);
  f->host = std::move(fn);
  f->debug_name = debug_name.empty() ? "host" : std::move(debug_name);
  impl_->host_funcs.push_back(std::move(f));
  return impl_->host_funcs.back().get();
}

TableInst* Store::add_table(TableType type, Ref init) {
  if (type.limits.min > kMaxTableElems) return nullptr;
  auto t = std::make_unique<TableInst>();
  t->type = type;
  t->elems.assign(type.limits.min, init);
  impl_->tables.push_back(std::move(t));
  return impl_->tables.back().get();
}

MemoryInst* Store::add_memory(MemoryType type) { return impl_->new_memory(type); }

GlobalInst* Store::add_global(GlobalType type, Value init) {
  auto g = std::make_unique<GlobalInst>();
  g->type = type;
  value_to_slot(init, g->bits);
  impl_->globals.push_back(std::move(g));
  return impl_->globals.back().get();
}

TagInst* Store::add_tag(FuncType type) {
  auto t = std::make_unique<TagInst>();
  t->owned_type = std::make_unique<FuncType>(std::move(type));
  t->type = t->owned_type.get();
  t->type_id = impl_->canonical_type_id(*t->type);
  for (auto p : t->type->params) t->param_slots += slots_for(p);
  impl_->tags.push_back(std::move(t));
  return impl_->tags.back().get();
}

Expected<std::vector<Value>> Store::invoke(FuncInst* func, std::span<const Value> args) {
  const FuncType& t = *func->type;
  if (args.size() != t.params.size())
    return make_error(ErrorKind::Usage, "wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != t.params[i]) return make_error(ErrorKind::Usage, "argument type mismatch");
  std::vector<Value> results;
  if (func->is_host()) {
    results.resize(t.results.size());
    for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(t.results[i]);
    HostContext ctx{*this, nullptr};
    auto r = func->host(ctx, args, results);
    if (!r) return std::move(r.error());
    return results;
  }
  Machine& m = impl_->machine;
  Slot* base = m.depth == 0 ? m.stack.get() : m.top;
  uint32_t need = std::max(func->param_slots, func->result_slots);
  if (base + need > m.stack_end) return make_error(ErrorKind::Exhaustion, "call stack exhausted");
  Slot* s = base;
  for (const auto& a : args) { value_to_slot(a, s); s += slots_for(a.type); }
  Slot* saved_top = m.top;
  auto r = execute(*impl_, func, base);
  m.top = saved_top;
  if (!r) return std::move(r.error());
  s = base;
  for (auto rt : t.results) { results.push_back(slot_to_value(rt, s)); s += slots_for(rt); }
  return results;
}

Expected<void> call_host(StoreImpl& store, FuncInst* func, Slot* base, Instance* caller) {
  const FuncType& t = *func->type;
  Value args_buf[8], results_buf[8];
  std::vector<Value> args_vec, results_vec;
  std::span<Value> args(args_buf, t.params.size()), results(results_buf, t.results.size());
  if (t.params.size() > 8) { args_vec.resize(t.params.size()); args = args_vec; }
  if (t.results.size() > 8) { results_vec.resize(t.results.size()); results = results_vec; }
  const Slot* s = base;
  for (size_t i = 0; i < args.size(); ++i) { args[i] = slot_to_value(t.params[i], s); s += slots_for(t.params[i]); }
  for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(t.results[i]);
  HostContext ctx{*store.self, caller};
  if (store.machine.host_call_hook) store.machine.host_call_hook(false);
  const uint64_t t0 = store.machine.prof ? __rdtsc() : 0;
  auto r = func->host(ctx, std::span<const Value>(args.data(), args.size()), results);
  if (store.machine.prof) profile_host_call(*store.machine.prof, store.machine.depth, func, __rdtsc() - t0);
  if (store.machine.host_call_hook) store.machine.host_call_hook(true);
  if (!r) return r;
  Slot* d = base;
  for (size_t i = 0; i < results.size(); ++i) { value_to_slot(results[i], d); d += slots_for(t.results[i]); }
  return {};
}

const CompiledFunc* code_holding(const FuncInst* f, const uint32_t* pc) {
  if (!pc) return nullptr;
  for (const CompiledFunc* c : {f->code.get(), f->exact_code.get()})
    if (c && pc >= c->code.data() && pc < c->code.data() + c->code.size()) return c;
  return nullptr;
}

Value slot_to_value(ValType t, const Slot* s) {
  switch (t) {
    case ValType::I32: return Value::make_i32(uint32_t(s[0]));
    case ValType::I64: return Value::make_i64(s[0]);
    case ValType::F32: return Value::make_f32_bits(uint32_t(s[0]));
    case ValType::F64: return Value::make_f64_bits(s[0]);
    case ValType::V128: {
      V128 v;
      std::memcpy(v.bytes, s, 16);
      return Value::make_v128(v);
    }
    case ValType::FuncRef: case ValType::ExternRef: case ValType::ExnRef:
      return Value::make_ref(t, Ref(s[0]));
  }
  return Value();
}

void value_to_slot(const Value& v, Slot* s) {
  switch (v.type) {
    case ValType::I32: case ValType::F32: s[0] = v.i32; break;
    case ValType::I64: case ValType::F64: s[0] = v.i64; break;
    case ValType::V128: std::memcpy(s, v.v128.bytes, 16); break;
    case ValType::FuncRef: case ValType::ExternRef: case ValType::ExnRef: s[0] = v.ref; break;
  }
}

uint32_t compiled_function_count(const Instance* inst) {
  return static_cast<const InstanceImpl*>(inst)->compiled_count;
}

std::optional<ExternVal> InstanceImpl::find_export(std::string_view name) const {
  for (const auto& e : module_->exports) {
    if (e.name != name) continue;
    ExternVal v;
    v.kind = e.kind;
    switch (e.kind) {
      case ExternKind::Func: v.func = funcs[e.index]; break;
      case ExternKind::Table: v.table = tables[e.index]; break;
      case ExternKind::Memory: v.memory = memories[e.index]; break;
      case ExternKind::Global: v.global = globals[e.index]; break;
      case ExternKind::Tag: v.tag = tags[e.index]; break;
    }
    return v;
  }
  return std::nullopt;
}

const FuncType& Store::func_type(const FuncInst* f) { return *f->type; }
GlobalType Store::global_type(const GlobalInst* g) { return g->type; }
Value Store::global_get(const GlobalInst* g) { return slot_to_value(g->type.type, g->bits); }
void Store::global_set(GlobalInst* g, Value v) { value_to_slot(v, g->bits); }
TableType Store::table_type(const TableInst* t) { return t->type; }
MemoryType Store::memory_type(const MemoryInst* m) { return m->type; }
uint8_t* Store::memory_data(MemoryInst* m) { return m->mem.data(); }
uint64_t Store::memory_size_bytes(const MemoryInst* m) { return m->mem.size_bytes(); }
const FuncType& Store::tag_type(const TagInst* t) { return *t->type; }

}  // namespace tc::wasm
