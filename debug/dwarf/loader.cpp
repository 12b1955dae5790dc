// DIE tree walk: compile units, functions, scopes, variables; attribute
// helpers. See loader.hpp.
#include "debug/dwarf/loader_impl.hpp"

#include <algorithm>
#include <functional>

namespace tc::debug::loader_detail {

Expected<void> Loader::run() {
  for (;;) {
    Dwarf_Unsigned hdr_len = 0, abbr = 0, next = 0, type_off = 0;
    Dwarf_Half version = 0, addr_size = 0, len_size = 0, ext_size = 0, hdr_type = 0;
    Dwarf_Sig8 sig;
    int rc = dwarf_next_cu_header_d(dbg_, 1, &hdr_len, &version, &abbr, &addr_size, &len_size,
                                    &ext_size, &sig, &type_off, &next, &hdr_type, &err_);
    if (rc == DW_DLV_NO_ENTRY) break;
    if (rc == DW_DLV_ERROR) return obj_.make(err_, "compile unit header");
    Dwarf_Die raw = nullptr;
    rc = dwarf_siblingof_b(dbg_, nullptr, 1, &raw, &err_);
    if (rc == DW_DLV_ERROR) return obj_.make(err_, "compile unit");
    if (rc == DW_DLV_NO_ENTRY) continue;
    Die cu(raw);
    version_ = version;
    if (!compile_unit(cu.get())) return error_;
  }
  if (failed_) return error_;
  resolve_origins();
  out_.lines.finish();
  return {};
}

bool Loader::fail(const std::string& what) {
  if (!failed_) {
    failed_ = true;
    error_ = obj_.make(err_, what);
  } else if (err_) {
    obj_.take_error(err_, "");
  }
  return false;
}

bool Loader::fail_plain(const std::string& msg) {
  if (!failed_) {
    failed_ = true;
    error_ = make_error(ErrorKind::Malformed, "DWARF: " + msg);
  }
  return false;
}

Die Loader::offdie(Dwarf_Off off) {
  Dwarf_Die d = nullptr;
  int rc = dwarf_offdie_b(dbg_, off, 1, &d, &err_);
  if (rc == DW_DLV_ERROR) fail("DIE reference " + hex(off));
  return Die(rc == DW_DLV_OK ? d : nullptr);
}

Dwarf_Off Loader::offset_of(Dwarf_Die d) {
  Dwarf_Off off = 0;
  if (dwarf_dieoffset(d, &off, &err_) == DW_DLV_ERROR) fail("DIE offset");
  return off;
}

Dwarf_Half Loader::tag_of(Dwarf_Die d) {
  Dwarf_Half t = 0;
  if (dwarf_tag(d, &t, &err_) == DW_DLV_ERROR) fail("DIE tag");
  return t;
}

bool Loader::get_attr(Dwarf_Die d, Dwarf_Half at, Attr& out) {
  int rc = dwarf_attr(d, at, &out.a, &err_);
  if (rc == DW_DLV_ERROR) { fail("attribute"); return false; }
  return rc == DW_DLV_OK;
}

Dwarf_Half Loader::form_of(Dwarf_Attribute a) {
  Dwarf_Half f = 0;
  if (dwarf_whatform(a, &f, &err_) == DW_DLV_ERROR) fail("attribute form");
  return f;
}

std::optional<uint64_t> Loader::udata_of(Dwarf_Attribute a) {
  Dwarf_Unsigned v = 0;
  int rc = dwarf_formudata(a, &v, &err_);
  if (rc == DW_DLV_OK) return v;
  if (rc == DW_DLV_ERROR) { obj_.take_error(err_, ""); }
  Dwarf_Signed s = 0;
  rc = dwarf_formsdata(a, &s, &err_);
  if (rc == DW_DLV_OK) return uint64_t(s);
  if (rc == DW_DLV_ERROR) obj_.take_error(err_, "");
  return std::nullopt;
}

std::optional<uint64_t> Loader::udata(Dwarf_Die d, Dwarf_Half at) {
  Attr a;
  if (!get_attr(d, at, a)) return std::nullopt;
  auto v = udata_of(a.a);
  if (!v) fail_plain("attribute " + hex(at) + " is not a constant");
  return v;
}

std::optional<int64_t> Loader::sdata(Dwarf_Die d, Dwarf_Half at) {
  Attr a;
  if (!get_attr(d, at, a)) return std::nullopt;
  Dwarf_Half f = form_of(a.a);
  if (f == DW_FORM_sdata || f == DW_FORM_implicit_const) {
    Dwarf_Signed s = 0;
    if (dwarf_formsdata(a.a, &s, &err_) == DW_DLV_OK) return int64_t(s);
    fail("signed constant");
    return std::nullopt;
  }
  auto v = udata_of(a.a);
  if (!v) { fail_plain("attribute " + hex(at) + " is not a constant"); return std::nullopt; }
  return int64_t(*v);
}

std::optional<std::string> Loader::str(Dwarf_Die d, Dwarf_Half at) {
  Attr a;
  if (!get_attr(d, at, a)) return std::nullopt;
  char* s = nullptr;
  if (dwarf_formstring(a.a, &s, &err_) != DW_DLV_OK) { fail("string attribute"); return std::nullopt; }
  return std::string(s ? s : "");
}

bool Loader::flag(Dwarf_Die d, Dwarf_Half at) {
  Attr a;
  if (!get_attr(d, at, a)) return false;
  Dwarf_Bool b = 0;
  if (dwarf_formflag(a.a, &b, &err_) != DW_DLV_OK) { fail("flag attribute"); return false; }
  return b != 0;
}

std::optional<Dwarf_Off> Loader::ref(Dwarf_Die d, Dwarf_Half at) {
  Attr a;
  if (!get_attr(d, at, a)) return std::nullopt;
  Dwarf_Off off = 0;
  if (dwarf_global_formref(a.a, &off, &err_) != DW_DLV_OK) { fail("reference attribute"); return std::nullopt; }
  return off;
}

std::optional<uint64_t> Loader::sec_offset_of(Dwarf_Attribute a) {
  Dwarf_Off off = 0;
  int rc = dwarf_global_formref(a, &off, &err_);
  if (rc == DW_DLV_OK) return off;
  if (rc == DW_DLV_ERROR) obj_.take_error(err_, "");
  return udata_of(a);
}

std::optional<std::vector<uint8_t>> Loader::block(Dwarf_Attribute a) {
  Dwarf_Half f = form_of(a);
  if (f == DW_FORM_exprloc) {
    Dwarf_Unsigned len = 0;
    Dwarf_Ptr p = nullptr;
    if (dwarf_formexprloc(a, &len, &p, &err_) != DW_DLV_OK) { fail("expression"); return std::nullopt; }
    auto* b = static_cast<const uint8_t*>(p);
    return std::vector<uint8_t>(b, b + len);
  }
  if (f == DW_FORM_block || f == DW_FORM_block1 || f == DW_FORM_block2 || f == DW_FORM_block4) {
    Dwarf_Block* blk = nullptr;
    if (dwarf_formblock(a, &blk, &err_) != DW_DLV_OK) { fail("block"); return std::nullopt; }
    auto* b = static_cast<const uint8_t*>(blk->bl_data);
    std::vector<uint8_t> v(b, b + blk->bl_len);
    dwarf_dealloc(dbg_, blk, DW_DLA_BLOCK);
    return v;
  }
  return std::nullopt;
}

const std::vector<std::string>& Loader::files_of(Dwarf_Die d) {
  static const std::vector<std::string> kNone;
  Dwarf_Off cu_off = 0;
  if (dwarf_CU_dieoffset_given_die(d, &cu_off, &err_) != DW_DLV_OK) {
    if (err_) obj_.take_error(err_, "");
    return kNone;
  }
  auto it = files_.find(cu_off);
  if (it != files_.end()) return it->second;
  std::vector<std::string>& list = files_[cu_off];
  Die cu = offdie(cu_off);
  if (!cu) return list;
  char** names = nullptr;
  Dwarf_Signed n = 0;
  int rc = dwarf_srcfiles(cu.get(), &names, &n, &err_);
  if (rc == DW_DLV_ERROR) { fail("file names"); return list; }
  if (rc == DW_DLV_OK) {
    for (Dwarf_Signed i = 0; i < n; ++i) {
      list.push_back(names[i] ? names[i] : "");
      dwarf_dealloc(dbg_, names[i], DW_DLA_STRING);
    }
    dwarf_dealloc(dbg_, names, DW_DLA_LIST);
  }
  return list;
}

std::string_view Loader::file_name(Dwarf_Die d, uint64_t index) {
  const auto& files = files_of(d);
  // DWARF 2-4 number files from 1; DWARF 5 from 0.
  uint64_t i = version_ >= 5 ? index : index - 1;
  if ((version_ < 5 && index == 0) || i >= files.size()) return {};
  return *out_.paths.insert(files[size_t(i)]).first;
}

void Loader::decl(Dwarf_Die d, std::string_view& file, uint32_t& line) {
  auto holder = from_origin(d, [&](Dwarf_Die x) -> std::optional<std::pair<std::string_view, uint32_t>> {
    auto f = udata(x, DW_AT_decl_file);
    if (!f) return std::nullopt;
    auto l = udata(x, DW_AT_decl_line);
    return std::make_pair(file_name(x, *f), uint32_t(l.value_or(0)));
  });
  if (holder) {
    file = holder->first;
    line = holder->second;
  }
}

bool Loader::compile_unit(Dwarf_Die cu) {
  CompileUnit unit;
  unit.name = str(cu, DW_AT_name).value_or("");
  unit.comp_dir = str(cu, DW_AT_comp_dir).value_or("");
  unit.producer = str(cu, DW_AT_producer).value_or("");
  unit.language = uint16_t(udata(cu, DW_AT_language).value_or(0));
  addr_base_ = unit_base(cu, DW_AT_addr_base);
  loclists_base_ = unit_base(cu, DW_AT_loclists_base);
  rnglists_base_ = unit_base(cu, DW_AT_rnglists_base);
  if (failed_) return false;
  Dwarf_Addr base = 0;
  int rc = dwarf_lowpc(cu, &base, &err_);
  if (rc == DW_DLV_ERROR) return fail("compile unit low_pc");
  cu_base_ = rc == DW_DLV_OK ? base : 0;
  unit.ranges = ranges_of(cu);
  if (failed_) return false;
  cu_index_ = uint32_t(out_.cus.size());
  out_.cus.push_back(std::move(unit));
  if (!lines(cu)) return false;
  nested_.clear();
  if (!for_children(cu, [&](Dwarf_Die c) { return top_level(c, ""); })) return false;
  while (!nested_.empty()) {
    Dwarf_Off off = nested_.back();
    nested_.pop_back();
    if (!seen_nested_.insert(off).second) continue;
    Die d = offdie(off);
    if (d && !subprogram(d.get(), "")) return false;
    if (failed_) return false;
  }
  return true;
}

std::optional<uint64_t> Loader::unit_base(Dwarf_Die cu, Dwarf_Half at) {
  Attr a;
  if (!get_attr(cu, at, a)) return std::nullopt;
  return sec_offset_of(a.a);
}

bool Loader::top_level(Dwarf_Die c, const std::string& prefix) {
  Dwarf_Half tag = tag_of(c);
  switch (tag) {
    case DW_TAG_subprogram: return subprogram(c, prefix);
    case DW_TAG_variable: return global(c, prefix);
    case DW_TAG_namespace: {
      std::string ns = str(c, DW_AT_name).value_or("(anonymous namespace)");
      return for_children(c, [&](Dwarf_Die x) { return top_level(x, prefix + ns + "::"); });
    }
    case DW_TAG_base_type: case DW_TAG_typedef: case DW_TAG_structure_type:
    case DW_TAG_union_type: case DW_TAG_enumeration_type: case DW_TAG_class_type:
      // Named types are indexed for casts even when no variable uses them.
      type_at(offset_of(c));
      return !failed_;
    default: return true;
  }
}

bool Loader::global(Dwarf_Die c, const std::string& prefix) {
  if (flag(c, DW_AT_declaration)) return !failed_;
  Variable v;
  if (!variable(c, v)) return false;
  if (v.location.kind == LocationDesc::Kind::None && !dead_address_) return true;  // extern declaration
  v.name = prefix + v.name;
  v.external = flag(c, DW_AT_external);
  uint32_t index = uint32_t(out_.globals.size());
  out_.globals.push_back(std::move(v));
  out_.cus.back().globals.push_back(index);
  return !failed_;
}

bool Loader::variable(Dwarf_Die c, Variable& v) {
  v.name = from_origin(c, [&](Dwarf_Die x) { return str(x, DW_AT_name); }).value_or("");
  v.type = type_ref(c);
  decl(c, v.decl_file, v.decl_line);
  v.is_param = tag_of(c) == DW_TAG_formal_parameter;
  v.cu = cu_index_;
  if (!location(c, v.location) || failed_) return false;
  resolve_indices(v.location);
  // wasm-ld gives data it garbage-collected the tombstone address
  // 0xffffffff: such a variable is optimized out.
  static const std::vector<uint8_t> kDead = {0x03, 0xff, 0xff, 0xff, 0xff};
  dead_address_ = v.location.kind == LocationDesc::Kind::Expr && v.location.expr == kDead;
  if (dead_address_) v.location = LocationDesc{};
  return true;
}

bool Loader::subprogram(Dwarf_Die d, const std::string& prefix) {
  if (flag(d, DW_AT_declaration)) return !failed_;
  Function f;
  f.name = from_origin(d, [&](Dwarf_Die x) { return str(x, DW_AT_name); }).value_or("");
  if (!f.name.empty()) f.name = prefix + f.name;
  f.linkage_name = from_origin(d, [&](Dwarf_Die x) {
                     auto s = str(x, DW_AT_linkage_name);
                     return s ? s : str(x, DW_AT_MIPS_linkage_name);
                   }).value_or("");
  decl(d, f.decl_file, f.decl_line);
  f.external = from_origin(d, [&](Dwarf_Die x) -> std::optional<bool> {
                 return flag(x, DW_AT_external) ? std::optional<bool>(true) : std::nullopt;
               }).value_or(false);
  f.return_type = type_ref(d);
  f.cu = cu_index_;
  std::vector<Range> r = ranges_of(d);
  if (failed_) return false;
  bool abstract = udata(d, DW_AT_inline).has_value();
  bool has_pc = false;
  {
    Dwarf_Bool has = 0;
    dwarf_hasattr(d, DW_AT_low_pc, &has, &err_);
    has_pc = has;
    if (!has) { dwarf_hasattr(d, DW_AT_ranges, &has, &err_); has_pc = has_pc || has; }
    if (err_) obj_.take_error(err_, "");
  }
  if (r.empty() && has_pc && !abstract) return true;  // dead code (tombstoned)
  if (!r.empty()) {
    f.low = r.front().low;
    f.high = r.front().high;
    for (const auto& x : r) { f.low = std::min(f.low, x.low); f.high = std::max(f.high, x.high); }
  }
  Attr fb;
  if (get_attr(d, DW_AT_frame_base, fb)) {
    if (auto b = block(fb.a)) f.frame_base = std::move(*b);
  }
  if (failed_) return false;
  f.body.kind = Scope::Kind::Function;
  f.body.ranges = r;
  uint32_t index = uint32_t(out_.functions.size());
  func_by_die_[offset_of(d)] = index;
  if (!scope_children(d, f.body)) return false;
  out_.functions.push_back(std::move(f));
  return true;
}

bool Loader::scope_children(Dwarf_Die d, Scope& s) {
  return for_children(d, [&](Dwarf_Die c) {
    Dwarf_Half tag = tag_of(c);
    if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) {
      if (flag(c, DW_AT_declaration)) return !failed_;
      Variable v;
      if (!variable(c, v)) return false;
      if (v.name.empty()) return true;
      s.vars.push_back(std::move(v));
    } else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
      Scope child;
      child.kind = tag == DW_TAG_lexical_block ? Scope::Kind::Block : Scope::Kind::Inlined;
      child.ranges = ranges_of(c);
      if (failed_) return false;
      if (child.ranges.empty()) {
        // An empty range (e.g. dead) shadows nothing; keep walking only
        // for blocks without addresses that inherit the parent's.
        Dwarf_Bool has = 0;
        dwarf_hasattr(c, DW_AT_low_pc, &has, &err_);
        if (!has) dwarf_hasattr(c, DW_AT_ranges, &has, &err_);
        if (err_) obj_.take_error(err_, "");
        if (has) return true;
        child.ranges = s.ranges;
      }
      if (tag == DW_TAG_inlined_subroutine) {
        child.name = from_origin(c, [&](Dwarf_Die x) { return str(x, DW_AT_name); }).value_or("");
        if (auto o = ref(c, DW_AT_abstract_origin)) child.origin_die = *o;
        if (auto f = udata(c, DW_AT_call_file)) child.call_file = file_name(c, *f);
        child.call_line = uint32_t(udata(c, DW_AT_call_line).value_or(0));
        child.call_column = uint32_t(udata(c, DW_AT_call_column).value_or(0));
        child.entry_pc = child.ranges.front().low;
        for (const auto& r : child.ranges) child.entry_pc = std::min(child.entry_pc, r.low);
        Dwarf_Addr e = 0;
        Attr ea;
        if (get_attr(c, DW_AT_entry_pc, ea)) {
          if (dwarf_formaddr(ea.a, &e, &err_) == DW_DLV_OK) {
            if (auto fe = layout_.to_file(e)) child.entry_pc = *fe;
          } else if (err_) {
            obj_.take_error(err_, "");
          }
        }
      }
      if (failed_) return false;
      if (!scope_children(c, child)) return false;
      s.children.push_back(std::move(child));
    } else if (tag == DW_TAG_subprogram) {
      // Nested functions are read after the unit's top level (reading one
      // now would append to out_.functions while `s` points into a
      // function being built).
      nested_.push_back(offset_of(c));
    }
    return !failed_;
  });
}

void Loader::resolve_origins() {
  std::function<void(Scope&)> fix = [&](Scope& s) {
    if (s.kind == Scope::Kind::Inlined && s.origin_die) {
      auto it = func_by_die_.find(s.origin_die);
      if (it != func_by_die_.end()) s.origin = it->second;
    }
    for (auto& c : s.children) fix(c);
  };
  for (auto& f : out_.functions) fix(f.body);
}

}  // namespace tc::debug::loader_detail

namespace tc::debug {

Expected<void> load_dwarf(const DwarfObject& obj, const CodeLayout& layout, LoadedDwarf& out) {
  loader_detail::Loader l(obj, layout, out);
  return l.run();
}

}  // namespace tc::debug
