// Address ranges and location lists (DWARF 4 .debug_ranges/.debug_loc,
// DWARF 5 .debug_rnglists/.debug_loclists/.debug_addr), parsed here rather
// than by libdwarf (see loader.hpp).
#include "debug/dwarf/loader_impl.hpp"

#include "debug/dwarf/location_expr.hpp"

namespace tc::debug::loader_detail {

std::vector<Range> Loader::ranges_of(Dwarf_Die d) {
  std::vector<Range> out;
  Dwarf_Addr low = 0;
  int rc = dwarf_lowpc(d, &low, &err_);
  if (rc == DW_DLV_ERROR) { fail("low_pc"); return out; }
  if (rc == DW_DLV_OK) {
    Dwarf_Addr high = 0;
    Dwarf_Half form = 0;
    enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
    rc = dwarf_highpc_b(d, &high, &form, &cls, &err_);
    if (rc == DW_DLV_ERROR) { fail("high_pc"); return out; }
    if (rc == DW_DLV_OK) {
      if (cls == DW_FORM_CLASS_CONSTANT) high += low;
      add_range(out, low, high);
      return out;
    }
    // low_pc without high_pc: a base address for DW_AT_ranges (CUs).
  }
  Attr a;
  if (!get_attr(d, DW_AT_ranges, a)) return out;
  if (version_ >= 5) {
    auto off = list_offset(a.a, rnglists_base_, rnglists_, "range");
    if (off) rnglist(*off, out);
    return out;
  }
  auto off = sec_offset_of(a.a);
  if (!off) { fail_plain("bad DW_AT_ranges"); return out; }
  SectionReader r = ranges_;
  if (!r.data || *off >= r.size) { fail_plain("range list " + hex(*off) + " outside .debug_ranges"); return out; }
  r.pos = *off;
  uint64_t base = cu_base_;
  for (int guard = 0; guard < 1000000; ++guard) {
    uint64_t b = r.fixed(4), e = r.fixed(4);
    if (!r.ok) { fail_plain("range list " + hex(*off) + " runs past .debug_ranges"); return out; }
    if (b == 0 && e == 0) break;
    if (b == 0xffffffffu) { base = e; continue; }
    add_range(out, base + b, base + e);
  }
  return out;
}

std::optional<uint64_t> Loader::list_offset(Dwarf_Attribute a, const std::optional<uint64_t>& base,
                                    const SectionReader& sec, const char* what) {
  Dwarf_Half f = form_of(a);
  if (failed_) return std::nullopt;
  if (f == DW_FORM_rnglistx || f == DW_FORM_loclistx) {
    auto index = udata_of(a);
    if (!index || !base) { fail_plain(std::string(what) + " list index without a base"); return std::nullopt; }
    SectionReader r = sec;
    r.pos = *base + *index * 4;
    if (!r.data || r.pos < *base || r.pos >= r.size) {
      fail_plain(std::string(what) + " list index " + std::to_string(*index) + " out of range");
      return std::nullopt;
    }
    uint64_t rel = r.fixed(4);
    if (!r.ok) { fail_plain(std::string(what) + " list offsets truncated"); return std::nullopt; }
    return *base + rel;
  }
  auto off = sec_offset_of(a);
  if (!off) fail_plain(std::string("bad ") + what + " list reference");
  return off;
}

std::optional<uint64_t> Loader::debug_addr(uint64_t index) {
  if (!addr_base_ || !addr_.data) return std::nullopt;
  SectionReader r = addr_;
  r.pos = *addr_base_ + index * 4;
  if (r.pos < *addr_base_ || r.pos >= r.size) return std::nullopt;
  uint64_t v = r.fixed(4);
  if (!r.ok) return std::nullopt;
  return v;
}

void Loader::rnglist(uint64_t off, std::vector<Range>& out) {
  SectionReader r = rnglists_;
  if (!r.data || off >= r.size) { fail_plain("range list " + hex(off) + " outside .debug_rnglists"); return; }
  r.pos = off;
  uint64_t base = cu_base_;
  auto addr = [&](uint64_t i) -> std::optional<uint64_t> { return debug_addr(i); };
  for (int guard = 0; guard < 1000000; ++guard) {
    uint8_t kind = uint8_t(r.fixed(1));
    if (!r.ok) break;
    if (kind == 0) return;  // DW_RLE_end_of_list
    uint64_t a = 0, b = 0;
    std::optional<uint64_t> lo, hi;
    switch (kind) {
      case 1: { auto x = addr(r.uleb()); if (x) base = *x; continue; }   // base_addressx
      case 2: lo = addr(r.uleb()); hi = addr(r.uleb()); break;           // startx_endx
      case 3: lo = addr(r.uleb()); b = r.uleb(); if (lo) hi = *lo + b; break;  // startx_length
      case 4: a = r.uleb(); b = r.uleb(); lo = base + a; hi = base + b; break;  // offset_pair
      case 5: base = r.fixed(4); continue;                                // base_address
      case 6: lo = r.fixed(4); hi = r.fixed(4); break;                    // start_end
      case 7: lo = r.fixed(4); hi = *lo + r.uleb(); break;                // start_length
      default: fail_plain("unknown range list entry " + hex(kind)); return;
    }
    if (!r.ok) break;
    if (lo && hi) add_range(out, *lo, *hi);
  }
  fail_plain("range list " + hex(off) + " runs past .debug_rnglists");
}

void Loader::add_range(std::vector<Range>& out, uint64_t lo, uint64_t hi) {
  if (hi <= lo) return;
  auto l = layout_.to_file(lo), h = layout_.to_file(hi, true);
  if (!l || !h) return;  // tombstone (dead code) or garbage
  out.push_back({*l, *h});
}

bool Loader::location(Dwarf_Die d, LocationDesc& out) {
  Attr a;
  if (get_attr(d, DW_AT_location, a)) {
    Dwarf_Half f = form_of(a.a);
    if (f == DW_FORM_exprloc || f == DW_FORM_block || f == DW_FORM_block1 ||
        f == DW_FORM_block2 || f == DW_FORM_block4) {
      auto b = block(a.a);
      if (!b) return false;
      out.kind = LocationDesc::Kind::Expr;
      out.expr = std::move(*b);
      return true;
    }
    if (version_ >= 5 || f == DW_FORM_loclistx) {
      auto off = list_offset(a.a, loclists_base_, loclists_, "location");
      return off && loclists(*off, out);
    }
    auto off = sec_offset_of(a.a);
    if (!off) return fail_plain("bad DW_AT_location");
    return loc_list(*off, out);
  }
  if (failed_) return false;
  Attr c;
  if (get_attr(d, DW_AT_const_value, c)) {
    Dwarf_Half f = form_of(c.a);
    out.kind = LocationDesc::Kind::ConstValue;
    if (auto b = block(c.a)) {
      out.expr = std::move(*b);
      return true;
    }
    if (failed_) return false;
    uint64_t v = 0;
    if (f == DW_FORM_sdata) {
      Dwarf_Signed s = 0;
      if (dwarf_formsdata(c.a, &s, &err_) != DW_DLV_OK) return fail("const_value");
      v = uint64_t(s);
    } else if (auto u = udata_of(c.a)) {
      v = *u;
    } else {
      out.kind = LocationDesc::Kind::None;  // strings etc.: not modelled
      return true;
    }
    for (int i = 0; i < 8; ++i) out.expr.push_back(uint8_t(v >> (8 * i)));
  }
  return !failed_;
}

bool Loader::loclists(uint64_t off, LocationDesc& out) {
  out.kind = LocationDesc::Kind::List;
  SectionReader r = loclists_;
  if (!r.data || off >= r.size) return fail_plain("location list " + hex(off) + " outside .debug_loclists");
  r.pos = off;
  uint64_t base = cu_base_;
  std::optional<LocationDesc::Entry> fallback;
  auto addr = [&](uint64_t i) -> std::optional<uint64_t> { return debug_addr(i); };
  for (int guard = 0; guard < 1000000; ++guard) {
    uint8_t kind = uint8_t(r.fixed(1));
    if (!r.ok) break;
    if (kind == 0) {  // DW_LLE_end_of_list
      if (fallback) out.entries.push_back(std::move(*fallback));
      return true;
    }
    std::optional<uint64_t> lo, hi;
    uint64_t a = 0, b = 0;
    switch (kind) {
      case 1: { auto x = addr(r.uleb()); if (x) base = *x; continue; }  // base_addressx
      case 2: lo = addr(r.uleb()); hi = addr(r.uleb()); break;          // startx_endx
      case 3: lo = addr(r.uleb()); b = r.uleb(); if (lo) hi = *lo + b; break;
      case 4: a = r.uleb(); b = r.uleb(); lo = base + a; hi = base + b; break;  // offset_pair
      case 5: break;                                                     // default_location
      case 6: base = r.fixed(4); continue;                               // base_address
      case 7: lo = r.fixed(4); hi = r.fixed(4); break;                   // start_end
      case 8: lo = r.fixed(4); hi = *lo + r.uleb(); break;               // start_length
      default: return fail_plain("unknown location list entry " + hex(kind));
    }
    uint64_t len = r.uleb();
    if (!r.ok || len > r.size - r.pos) break;
    LocationDesc::Entry e;
    e.expr.assign(r.data + r.pos, r.data + r.pos + len);
    r.pos += len;
    if (kind == 5) {
      e.range = {0, UINT64_MAX};
      fallback = std::move(e);
      continue;
    }
    if (!lo || !hi || *hi <= *lo) continue;
    auto l = layout_.to_file(*lo), h = layout_.to_file(*hi, true);
    if (!l || !h) continue;
    e.range = {*l, *h};
    out.entries.push_back(std::move(e));
  }
  return fail_plain("location list " + hex(off) + " runs past .debug_loclists");
}

bool Loader::loc_list(uint64_t off, LocationDesc& out) {
  out.kind = LocationDesc::Kind::List;
  SectionReader r = loc_;
  if (!r.data || off >= r.size) return fail_plain("location list " + hex(off) + " outside .debug_loc");
  r.pos = off;
  uint64_t base = cu_base_;
  for (int guard = 0; guard < 1000000; ++guard) {
    uint64_t b = r.fixed(4), e = r.fixed(4);
    if (!r.ok) return fail_plain("location list " + hex(off) + " runs past .debug_loc");
    if (b == 0 && e == 0) break;
    if (b == 0xffffffffu) { base = e; continue; }
    uint64_t len = r.fixed(2);
    if (!r.ok || len > r.size - r.pos) return fail_plain("location list " + hex(off) + " runs past .debug_loc");
    LocationDesc::Entry entry;
    entry.expr.assign(r.data + r.pos, r.data + r.pos + len);
    r.pos += len;
    if (e <= b) continue;
    auto l = layout_.to_file(base + b), h = layout_.to_file(base + e, true);
    if (!l || !h) continue;
    entry.range = {*l, *h};
    out.entries.push_back(std::move(entry));
  }
  return true;
}

void Loader::resolve_indices(LocationDesc& loc) {
  auto lookup = [&](uint64_t i) { return debug_addr(i); };
  if (loc.kind == LocationDesc::Kind::Expr) {
    auto r = resolve_address_indices(loc.expr, lookup);
    if (r) loc.expr = std::move(*r);
    else loc = LocationDesc{};
  } else if (loc.kind == LocationDesc::Kind::List) {
    for (auto& e : loc.entries) {
      auto r = resolve_address_indices(e.expr, lookup);
      if (r) e.expr = std::move(*r);
      else e.expr.clear();
    }
  }
}

}  // namespace tc::debug::loader_detail
