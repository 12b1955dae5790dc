// Module instantiation (spec 2.0 exec/modules.rst "Instantiation"): import
// matching, allocation, constant expressions, segment initialisation in
// order (a trap keeps earlier writes), start function.
#include <cstring>

#include "interp/exec/const_expr.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

namespace {

Error unlinkable(std::string msg) { return make_error(ErrorKind::Unlinkable, std::move(msg)); }

// Import subtyping of limits: the actual object's current limits must lie
// within the declared ones.
bool limits_match(uint64_t actual_min, const std::optional<uint64_t>& actual_max,
                  const Limits& declared) {
  if (actual_min < declared.min) return false;
  if (!declared.max) return true;
  return actual_max && *actual_max <= *declared.max;
}

Expected<void> link_import(InstanceImpl& inst, const Import& imp, const ExternVal& v) {
  if (v.kind != imp.kind) return unlinkable("incompatible import type");
  switch (imp.kind) {
    case ExternKind::Func:
      if (!v.func || v.func->type_id != inst.type_ids[imp.func_type])
        return unlinkable("incompatible import type");
      inst.funcs.push_back(v.func);
      break;
    case ExternKind::Table:
      if (!v.table || v.table->type.elem != imp.table.elem || v.table->type.addr != imp.table.addr ||
          !limits_match(v.table->elems.size(), v.table->type.limits.max, imp.table.limits))
        return unlinkable("incompatible import type");
      inst.tables.push_back(v.table);
      break;
    case ExternKind::Memory:
      if (!v.memory || v.memory->type.addr != imp.memory.addr ||
          !limits_match(v.memory->mem.pages(), v.memory->type.limits.max, imp.memory.limits))
        return unlinkable("incompatible import type");
      inst.memories.push_back(v.memory);
      break;
    case ExternKind::Global:
      if (!v.global || !(v.global->type == imp.global)) return unlinkable("incompatible import type");
      inst.globals.push_back(v.global);
      break;
    case ExternKind::Tag:
      if (!v.tag || v.tag->type_id != inst.type_ids[imp.func_type])
        return unlinkable("incompatible import type");
      inst.tags.push_back(v.tag);
      break;
  }
  return {};
}

Error trap(const char* msg) { return make_error(ErrorKind::Trap, msg); }

}  // namespace

Expected<Instance*> Store::instantiate(std::shared_ptr<const Module> module,
                                       const std::vector<ExternVal>& imports) {
  StoreImpl& s = *impl_;
  const Module& m = *module;
  if (imports.size() != m.imports.size()) return unlinkable("unknown import");

  auto owned = std::make_unique<InstanceImpl>();
  InstanceImpl& inst = *owned;
  inst.module_ = module;
  inst.store = &s;
  for (const auto& t : m.types) inst.type_ids.push_back(s.canonical_type_id(t));

  for (size_t i = 0; i < imports.size(); ++i) TC_TRY(link_import(inst, m.imports[i], imports[i]));

  // Functions: allocation only; bodies are compiled on first call.
  size_t nf = m.functions.size();
  inst.own_funcs = std::make_unique<FuncInst[]>(nf);
  inst.funcs.reserve(m.num_imported_funcs + nf);
  for (size_t k = 0; k < nf; ++k) {
    FuncInst& f = inst.own_funcs[k];
    uint32_t ti = m.functions[k].type_index;
    f.type = &m.types[ti];
    f.type_id = inst.type_ids[ti];
    f.instance = &inst;
    f.index = m.num_imported_funcs + uint32_t(k);
    for (auto t : f.type->params) f.param_slots += slots_for(t);
    for (auto t : f.type->results) f.result_slots += slots_for(t);
    inst.funcs.push_back(&f);
  }
  for (const auto& tt : m.tables) {
    if (tt.limits.min > kMaxTableElems) return trap("table allocation failed");
    auto t = std::make_unique<TableInst>();
    t->type = tt;
    t->elems.assign(tt.limits.min, 0);
    inst.tables.push_back(t.get());
    s.tables.push_back(std::move(t));
  }
  for (const auto& mt : m.memories) {
    MemoryInst* mem = s.new_memory(mt);
    if (!mem) return trap("memory allocation failed");
    inst.memories.push_back(mem);
  }
  for (uint32_t ti : m.tags) {
    auto t = std::make_unique<TagInst>();
    t->type = &m.types[ti];
    t->type_id = inst.type_ids[ti];
    for (auto p : t->type->params) t->param_slots += slots_for(p);
    inst.tags.push_back(t.get());
    s.tags.push_back(std::move(t));
  }
  for (const auto& g : m.globals) {
    auto gi = std::make_unique<GlobalInst>();
    gi->type = g.type;
    if (g.type.type == ValType::V128) eval_const_expr_v128(inst, g.init, gi->bits);
    else gi->bits[0] = eval_const_expr(inst, g.init);
    inst.globals.push_back(gi.get());
    s.globals.push_back(std::move(gi));
  }
  inst.elem_segs.resize(m.elems.size());
  for (size_t k = 0; k < m.elems.size(); ++k) {
    auto& seg = inst.elem_segs[k];
    seg.reserve(m.elems[k].init.size());
    for (const auto& e : m.elems[k].init) seg.push_back(Ref(eval_const_expr(inst, e)));
  }
  inst.data_dropped.assign(m.datas.size(), 0);

  // From here on the instance may be referenced from imported tables even
  // if a later step traps, so the store keeps it.
  s.instances.push_back(std::move(owned));

  for (size_t k = 0; k < m.elems.size(); ++k) {
    const ElemSegment& seg = m.elems[k];
    if (seg.mode == SegmentMode::Active) {
      TableInst* t = inst.tables[seg.table];
      uint64_t off = eval_const_expr(inst, seg.offset);
      if (t->type.addr == AddrType::I32) off = uint32_t(off);
      auto& refs = inst.elem_segs[k];
      if (off > t->elems.size() || refs.size() > t->elems.size() - off) return trap("out of bounds table access");
      std::copy(refs.begin(), refs.end(), t->elems.begin() + off);
    }
    if (seg.mode != SegmentMode::Passive) {
      inst.elem_segs[k].clear();
      inst.elem_segs[k].shrink_to_fit();
    }
  }
  for (size_t k = 0; k < m.datas.size(); ++k) {
    const DataSegment& seg = m.datas[k];
    if (seg.mode != SegmentMode::Active) continue;
    MemoryInst* mem = inst.memories[seg.memory];
    uint64_t off = eval_const_expr(inst, seg.offset);  // i64 for a 64-bit memory
    if (mem->type.addr == AddrType::I32) off = uint32_t(off);
    if (off > mem->mem.size_bytes() || seg.bytes.size() > mem->mem.size_bytes() - off) return trap("out of bounds memory access");
    if (!seg.bytes.empty()) std::memcpy(mem->mem.data() + off, seg.bytes.data(), seg.bytes.size());
    inst.data_dropped[k] = 1;
  }
  if (m.start) {
    auto r = invoke(inst.funcs[*m.start], {});
    if (!r) return std::move(r.error());
  }
  return static_cast<Instance*>(&inst);
}

Expected<Instance*> Store::instantiate(std::shared_ptr<const Module> module,
                                       const ImportResolver& resolver) {
  std::vector<ExternVal> imports;
  for (const auto& imp : module->imports) {
    auto v = resolver(imp.module, imp.name);
    if (!v) return unlinkable("unknown import");
    imports.push_back(*v);
  }
  return instantiate(std::move(module), imports);
}

}  // namespace tc::wasm
