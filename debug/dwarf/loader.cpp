#include "debug/dwarf/loader.hpp"

#include "debug/dwarf/location_expr.hpp"

#include <libdwarf/dwarf.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace tc::debug {
namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// Owns a Dwarf_Die.
class Die {
 public:
  Die() = default;
  explicit Die(Dwarf_Die d) : d_(d) {}
  ~Die() { if (d_) dwarf_dealloc_die(d_); }
  Die(Die&& o) noexcept : d_(o.d_) { o.d_ = nullptr; }
  Die& operator=(Die&& o) noexcept {
    if (this != &o) { if (d_) dwarf_dealloc_die(d_); d_ = o.d_; o.d_ = nullptr; }
    return *this;
  }
  Dwarf_Die get() const { return d_; }
  explicit operator bool() const { return d_ != nullptr; }

 private:
  Dwarf_Die d_ = nullptr;
};

// Little-endian readers over a section for .debug_loc / .debug_ranges.
struct SectionReader {
  const uint8_t* data = nullptr;
  uint64_t size = 0;
  uint64_t pos = 0;
  bool ok = true;
  uint64_t fixed(int n) {
    if (size - pos < uint64_t(n) || pos > size) { ok = false; pos = size; return 0; }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(data[pos + i]) << (8 * i);
    pos += n;
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= size || shift > 63) { ok = false; pos = size; return 0; }
      uint8_t b = data[pos++];
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
};

class Loader {
 public:
  Loader(const DwarfObject& obj, const CodeLayout& layout, LoadedDwarf& out)
      : obj_(obj), dbg_(obj.dbg()), layout_(layout), out_(out) {
    loc_.data = obj.section(".debug_loc", &loc_.size);
    ranges_.data = obj.section(".debug_ranges", &ranges_.size);
    loclists_.data = obj.section(".debug_loclists", &loclists_.size);
    rnglists_.data = obj.section(".debug_rnglists", &rnglists_.size);
    addr_.data = obj.section(".debug_addr", &addr_.size);
  }

  Expected<void> run() {
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

 private:
  // ---- errors ----
  bool fail(const std::string& what) {
    if (!failed_) {
      failed_ = true;
      error_ = obj_.make(err_, what);
    } else if (err_) {
      obj_.take_error(err_, "");
    }
    return false;
  }
  bool fail_plain(const std::string& msg) {
    if (!failed_) {
      failed_ = true;
      error_ = make_error(ErrorKind::Malformed, "DWARF: " + msg);
    }
    return false;
  }

  // ---- DIE navigation ----
  Die offdie(Dwarf_Off off) {
    Dwarf_Die d = nullptr;
    int rc = dwarf_offdie_b(dbg_, off, 1, &d, &err_);
    if (rc == DW_DLV_ERROR) fail("DIE reference " + hex(off));
    return Die(rc == DW_DLV_OK ? d : nullptr);
  }
  Dwarf_Off offset_of(Dwarf_Die d) {
    Dwarf_Off off = 0;
    if (dwarf_dieoffset(d, &off, &err_) == DW_DLV_ERROR) fail("DIE offset");
    return off;
  }
  Dwarf_Half tag_of(Dwarf_Die d) {
    Dwarf_Half t = 0;
    if (dwarf_tag(d, &t, &err_) == DW_DLV_ERROR) fail("DIE tag");
    return t;
  }
  template <class F>
  bool for_children(Dwarf_Die parent, F&& f) {
    Dwarf_Die c = nullptr;
    int rc = dwarf_child(parent, &c, &err_);
    if (rc == DW_DLV_ERROR) return fail("DIE children");
    if (rc == DW_DLV_NO_ENTRY) return true;
    Die cur(c);
    for (int guard = 0;; ++guard) {
      if (guard > 10000000) return fail_plain("too many DIEs");
      if (!f(cur.get())) return false;
      if (failed_) return false;
      Dwarf_Die s = nullptr;
      rc = dwarf_siblingof_b(dbg_, cur.get(), 1, &s, &err_);
      if (rc == DW_DLV_ERROR) return fail("DIE sibling");
      if (rc == DW_DLV_NO_ENTRY) return true;
      cur = Die(s);
    }
  }

  // ---- attributes ----
  struct Attr {
    Dwarf_Attribute a = nullptr;
    ~Attr() { if (a) dwarf_dealloc_attribute(a); }
  };
  bool get_attr(Dwarf_Die d, Dwarf_Half at, Attr& out) {
    int rc = dwarf_attr(d, at, &out.a, &err_);
    if (rc == DW_DLV_ERROR) { fail("attribute"); return false; }
    return rc == DW_DLV_OK;
  }
  Dwarf_Half form_of(Dwarf_Attribute a) {
    Dwarf_Half f = 0;
    if (dwarf_whatform(a, &f, &err_) == DW_DLV_ERROR) fail("attribute form");
    return f;
  }
  std::optional<uint64_t> udata_of(Dwarf_Attribute a) {
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
  std::optional<uint64_t> udata(Dwarf_Die d, Dwarf_Half at) {
    Attr a;
    if (!get_attr(d, at, a)) return std::nullopt;
    auto v = udata_of(a.a);
    if (!v) fail_plain("attribute " + hex(at) + " is not a constant");
    return v;
  }
  std::optional<int64_t> sdata(Dwarf_Die d, Dwarf_Half at) {
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
  std::optional<std::string> str(Dwarf_Die d, Dwarf_Half at) {
    Attr a;
    if (!get_attr(d, at, a)) return std::nullopt;
    char* s = nullptr;
    if (dwarf_formstring(a.a, &s, &err_) != DW_DLV_OK) { fail("string attribute"); return std::nullopt; }
    return std::string(s ? s : "");
  }
  bool flag(Dwarf_Die d, Dwarf_Half at) {
    Attr a;
    if (!get_attr(d, at, a)) return false;
    Dwarf_Bool b = 0;
    if (dwarf_formflag(a.a, &b, &err_) != DW_DLV_OK) { fail("flag attribute"); return false; }
    return b != 0;
  }
  std::optional<Dwarf_Off> ref(Dwarf_Die d, Dwarf_Half at) {
    Attr a;
    if (!get_attr(d, at, a)) return std::nullopt;
    Dwarf_Off off = 0;
    if (dwarf_global_formref(a.a, &off, &err_) != DW_DLV_OK) { fail("reference attribute"); return std::nullopt; }
    return off;
  }
  // Section offset (DW_FORM_sec_offset, or data4/data8 in DWARF 2/3).
  std::optional<uint64_t> sec_offset_of(Dwarf_Attribute a) {
    Dwarf_Off off = 0;
    int rc = dwarf_global_formref(a, &off, &err_);
    if (rc == DW_DLV_OK) return off;
    if (rc == DW_DLV_ERROR) obj_.take_error(err_, "");
    return udata_of(a);
  }
  std::optional<std::vector<uint8_t>> block(Dwarf_Attribute a) {
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

  // The DIE an attribute should be read from: this one, or (following
  // DW_AT_abstract_origin then DW_AT_specification, a few levels) the one
  // that has it. Returns an owned DIE only when it is not `d`.
  template <class F>
  auto from_origin(Dwarf_Die d, F&& f) -> decltype(f(d)) {
    auto v = f(d);
    if (v || failed_) return v;
    Die holder;
    Dwarf_Die cur = d;
    for (int depth = 0; depth < 4; ++depth) {
      auto o = ref(cur, DW_AT_abstract_origin);
      if (!o) o = ref(cur, DW_AT_specification);
      if (!o || failed_) break;
      Die next = offdie(*o);
      if (!next) break;
      holder = std::move(next);
      cur = holder.get();
      v = f(cur);
      if (v || failed_) return v;
    }
    return v;
  }

  // ---- files ----
  // The file list of the compile unit holding DIE `d` (decl_file/call_file
  // index it), cached per unit.
  const std::vector<std::string>& files_of(Dwarf_Die d) {
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
  std::string_view file_name(Dwarf_Die d, uint64_t index) {
    const auto& files = files_of(d);
    // DWARF 2-4 number files from 1; DWARF 5 from 0.
    uint64_t i = version_ >= 5 ? index : index - 1;
    if ((version_ < 5 && index == 0) || i >= files.size()) return {};
    return *out_.paths.insert(files[size_t(i)]).first;
  }
  // decl_file/decl_line, following origins.
  void decl(Dwarf_Die d, std::string_view& file, uint32_t& line) {
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

  // ---- addresses ----
  std::vector<Range> ranges_of(Dwarf_Die d) {
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
  // DWARF 5: a DW_FORM_rnglistx / DW_FORM_loclistx index goes through the
  // unit's offset table (at DW_AT_rnglists_base / DW_AT_loclists_base);
  // DW_FORM_sec_offset is the list's offset itself.
  std::optional<uint64_t> list_offset(Dwarf_Attribute a, const std::optional<uint64_t>& base,
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
  std::optional<uint64_t> debug_addr(uint64_t index) {
    if (!addr_base_ || !addr_.data) return std::nullopt;
    SectionReader r = addr_;
    r.pos = *addr_base_ + index * 4;
    if (r.pos < *addr_base_ || r.pos >= r.size) return std::nullopt;
    uint64_t v = r.fixed(4);
    if (!r.ok) return std::nullopt;
    return v;
  }
  // .debug_rnglists entries (DW_RLE_*).
  void rnglist(uint64_t off, std::vector<Range>& out) {
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

  void add_range(std::vector<Range>& out, uint64_t lo, uint64_t hi) {
    if (hi <= lo) return;
    auto l = layout_.to_file(lo), h = layout_.to_file(hi, true);
    if (!l || !h) return;  // tombstone (dead code) or garbage
    out.push_back({*l, *h});
  }

  // ---- locations ----
  bool location(Dwarf_Die d, LocationDesc& out) {
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
  // .debug_loclists entries (DW_LLE_*), each but the base selections with
  // a ULEB128 length and an expression. A default location applies where no
  // other entry does (kept last: LocationDesc::at takes the first match).
  bool loclists(uint64_t off, LocationDesc& out) {
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

  // DWARF 4 .debug_loc: (begin, end) pairs relative to the CU base, a
  // 0xffffffff begin selects a new base, (0, 0) ends; then u16 length and
  // the expression. wasm-ld tombstones dead entries (0xfffffffe).
  bool loc_list(uint64_t off, LocationDesc& out) {
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

  // DW_OP_addrx -> DW_OP_addr (unresolvable: optimized out).
  void resolve_indices(LocationDesc& loc) {
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

  // ---- types ----
  TypeId type_ref(Dwarf_Die d) {
    auto off = from_origin(d, [&](Dwarf_Die x) { return ref(x, DW_AT_type); });
    if (!off) return kVoid;
    return type_at(*off);
  }
  TypeId type_at(Dwarf_Off off) {
    auto it = type_memo_.find(off);
    if (it != type_memo_.end()) return it->second;
    if (++type_depth_ > 200) { --type_depth_; fail_plain("types nested too deeply"); return kVoid; }
    Die d = offdie(off);
    TypeId id = d ? build_type(d.get(), off) : kVoid;
    --type_depth_;
    return id;
  }
  TypeId build_type(Dwarf_Die d, Dwarf_Off off) {
    Type t;
    Dwarf_Half tag = tag_of(d);
    t.name = str(d, DW_AT_name).value_or("");
    t.size = udata(d, DW_AT_byte_size).value_or(0);
    t.declaration = flag(d, DW_AT_declaration);
    switch (tag) {
      case DW_TAG_base_type: {
        t.kind = TypeKind::Base;
        switch (udata(d, DW_AT_encoding).value_or(0)) {
          case DW_ATE_boolean: t.encoding = Encoding::Bool; break;
          case DW_ATE_float: t.encoding = Encoding::Float; break;
          case DW_ATE_signed: t.encoding = Encoding::Signed; break;
          case DW_ATE_signed_char: t.encoding = Encoding::SignedChar; break;
          case DW_ATE_unsigned: t.encoding = Encoding::Unsigned; break;
          case DW_ATE_unsigned_char: t.encoding = Encoding::UnsignedChar; break;
          case DW_ATE_UTF: t.encoding = Encoding::Unsigned; break;
          default: t.encoding = Encoding::None; break;
        }
        break;
      }
      case DW_TAG_pointer_type:
      case DW_TAG_reference_type:
      case DW_TAG_rvalue_reference_type:
        t.kind = TypeKind::Pointer;
        if (!t.size) t.size = 4;
        break;
      case DW_TAG_typedef: t.kind = TypeKind::Typedef; break;
      case DW_TAG_const_type: t.kind = TypeKind::Const; break;
      case DW_TAG_volatile_type: t.kind = TypeKind::Volatile; break;
      case DW_TAG_restrict_type: t.kind = TypeKind::Restrict; break;
      case DW_TAG_structure_type: t.kind = TypeKind::Struct; break;
      case DW_TAG_union_type: t.kind = TypeKind::Union; break;
      case DW_TAG_class_type: t.kind = TypeKind::Class; break;
      case DW_TAG_array_type: t.kind = TypeKind::Array; break;
      case DW_TAG_enumeration_type: t.kind = TypeKind::Enum; break;
      case DW_TAG_subroutine_type: t.kind = TypeKind::Function; break;
      case DW_TAG_unspecified_type:  // C++ decltype(nullptr)
        t.kind = TypeKind::Unknown;
        break;
      default:
        t.kind = TypeKind::Unknown;
        if (t.name.empty()) t.name = "<unknown type " + hex(tag) + ">";
        break;
    }
    // Register before following references: recursive types end here.
    TypeId id = out_.types.add(t);
    type_memo_[off] = id;
    if (failed_) return id;
    TypeId target = kVoid;
    if (auto r = ref(d, DW_AT_type)) target = type_at(*r);
    std::vector<Member> members;
    std::vector<uint64_t> dims;
    std::vector<Enumerator> enums;
    std::vector<TypeId> params;
    bool variadic = false;
    uint64_t agg_size = t.size;
    bool enum_signed = target != kVoid && out_.types.is_signed(target);
    if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type ||
        tag == DW_TAG_array_type || tag == DW_TAG_enumeration_type || tag == DW_TAG_subroutine_type) {
      for_children(d, [&](Dwarf_Die c) {
        Dwarf_Half ct = tag_of(c);
        if (ct == DW_TAG_member && tag != DW_TAG_array_type) {
          if (flag(c, DW_AT_external)) return true;  // C++ static member
          Member m;
          m.name = str(c, DW_AT_name).value_or("");
          if (auto r = ref(c, DW_AT_type)) m.type = type_at(*r);
          member_offset(c, m, agg_size);
          members.push_back(std::move(m));
        } else if (ct == DW_TAG_subrange_type) {
          if (auto n = udata(c, DW_AT_count)) dims.push_back(*n);
          else if (auto ub = sdata(c, DW_AT_upper_bound)) {
            int64_t lb = sdata(c, DW_AT_lower_bound).value_or(0);
            dims.push_back(*ub >= lb ? uint64_t(*ub - lb + 1) : 0);
          } else dims.push_back(0);
        } else if (ct == DW_TAG_enumerator) {
          Enumerator e;
          e.name = str(c, DW_AT_name).value_or("");
          if (auto v = sdata(c, DW_AT_const_value)) {
            e.value = *v;
            // data1/2/4 of a signed enum are sign-extended.
            if (enum_signed && t.size && t.size < 8) {
              int bits = int(t.size * 8);
              uint64_t u = uint64_t(*v) & ((uint64_t(1) << bits) - 1);
              if (u >> (bits - 1)) u |= ~uint64_t(0) << bits;
              e.value = int64_t(u);
            }
          }
          enums.push_back(std::move(e));
        } else if (ct == DW_TAG_formal_parameter && tag == DW_TAG_subroutine_type) {
          TypeId p = kVoid;
          if (auto r = ref(c, DW_AT_type)) p = type_at(*r);
          params.push_back(p);
        } else if (ct == DW_TAG_unspecified_parameters) {
          variadic = true;
        }
        return !failed_;
      });
    }
    Type& stored = out_.types.at(id);
    stored.target = target;
    stored.members = std::move(members);
    stored.dims = std::move(dims);
    stored.enumerators = std::move(enums);
    stored.params = std::move(params);
    stored.variadic = variadic;
    if (tag == DW_TAG_enumeration_type && !enum_signed) {
      for (const auto& e : stored.enumerators)
        if (e.value < 0) enum_signed = true;
    }
    out_.types.index_name(id);
    return id;
  }
  void member_offset(Dwarf_Die c, Member& m, uint64_t agg_size) {
    Attr a;
    if (get_attr(c, DW_AT_data_member_location, a)) {
      if (auto v = udata_of(a.a)) {
        m.offset = *v;
      } else if (auto b = block(a.a)) {
        // DW_OP_plus_uconst N (what compilers emit for member offsets).
        if (!b->empty() && (*b)[0] == 0x23) {
          uint64_t v = 0;
          int shift = 0;
          for (size_t i = 1; i < b->size() && shift < 64; ++i, shift += 7) {
            v |= uint64_t((*b)[i] & 0x7f) << shift;
            if (!((*b)[i] & 0x80)) break;
          }
          m.offset = v;
        }
      }
    }
    auto bits = udata(c, DW_AT_bit_size);
    if (!bits) return;
    m.bit_size = uint32_t(*bits);
    if (auto dbo = udata(c, DW_AT_data_bit_offset)) {
      m.offset = *dbo / 8;
      m.bit_offset = uint32_t(*dbo % 8);
    } else if (auto bo = udata(c, DW_AT_bit_offset)) {
      // DWARF 2/3: from the most significant bit of a storage unit of
      // DW_AT_byte_size (little-endian target).
      uint64_t unit = udata(c, DW_AT_byte_size).value_or(4);
      uint64_t total = m.offset * 8 + unit * 8 - *bo - m.bit_size;
      m.offset = total / 8;
      m.bit_offset = uint32_t(total % 8);
    }
    (void)agg_size;
  }

  // ---- program structure ----
  bool compile_unit(Dwarf_Die cu) {
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

  std::optional<uint64_t> unit_base(Dwarf_Die cu, Dwarf_Half at) {
    Attr a;
    if (!get_attr(cu, at, a)) return std::nullopt;
    return sec_offset_of(a.a);
  }

  bool top_level(Dwarf_Die c, const std::string& prefix) {
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

  bool global(Dwarf_Die c, const std::string& prefix) {
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

  bool variable(Dwarf_Die c, Variable& v) {
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

  bool subprogram(Dwarf_Die d, const std::string& prefix) {
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

  bool scope_children(Dwarf_Die d, Scope& s) {
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

  void resolve_origins() {
    std::function<void(Scope&)> fix = [&](Scope& s) {
      if (s.kind == Scope::Kind::Inlined && s.origin_die) {
        auto it = func_by_die_.find(s.origin_die);
        if (it != func_by_die_.end()) s.origin = it->second;
      }
      for (auto& c : s.children) fix(c);
    };
    for (auto& f : out_.functions) fix(f.body);
  }

  // ---- line table ----
  bool lines(Dwarf_Die cu) {
    Dwarf_Unsigned version = 0;
    Dwarf_Small count = 0;
    Dwarf_Line_Context ctx = nullptr;
    int rc = dwarf_srclines_b(cu, &version, &count, &ctx, &err_);
    if (rc == DW_DLV_NO_ENTRY) return true;
    if (rc == DW_DLV_ERROR) return fail("line table");
    struct Guard {
      Dwarf_Line_Context c;
      ~Guard() { dwarf_srclines_dealloc_b(c); }
    } guard{ctx};
    Dwarf_Line* buf = nullptr;
    Dwarf_Signed n = 0;
    if (dwarf_srclines_from_linecontext(ctx, &buf, &n, &err_) != DW_DLV_OK) return fail("line table");
    const auto& names = files_of(cu);
    std::map<uint64_t, uint32_t> file_ids;  // CU file number -> interned
    auto file_id = [&](uint64_t no) {
      auto it = file_ids.find(no);
      if (it != file_ids.end()) return it->second;
      uint64_t i = version >= 5 ? no : no - 1;
      std::string name = (version >= 5 || no > 0) && i < names.size() ? names[size_t(i)] : "";
      uint32_t id = out_.lines.intern_file(name);
      file_ids[no] = id;
      return id;
    };
    std::vector<LineRow> seq;
    bool seq_ok = true;
    for (Dwarf_Signed i = 0; i < n; ++i) {
      Dwarf_Line l = buf[i];
      Dwarf_Addr addr = 0;
      Dwarf_Unsigned line = 0, col = 0, fileno = 0, isa = 0, disc = 0;
      Dwarf_Bool stmt = 0, end = 0, pro = 0, epi = 0;
      if (dwarf_lineaddr(l, &addr, &err_) != DW_DLV_OK || dwarf_lineno(l, &line, &err_) != DW_DLV_OK ||
          dwarf_lineoff_b(l, &col, &err_) != DW_DLV_OK ||
          dwarf_linebeginstatement(l, &stmt, &err_) != DW_DLV_OK ||
          dwarf_lineendsequence(l, &end, &err_) != DW_DLV_OK ||
          dwarf_line_srcfileno(l, &fileno, &err_) != DW_DLV_OK ||
          dwarf_prologue_end_etc(l, &pro, &epi, &isa, &disc, &err_) != DW_DLV_OK)
        return fail("line table row");
      LineRow row;
      auto off = layout_.to_file(addr, end != 0);
      if (seq.empty()) {
        // A sequence is kept only when it starts inside a function body.
        seq_ok = off && layout_.function_at(*off);
      }
      if (!off) seq_ok = false;
      row.offset = off.value_or(0);
      row.file = file_id(fileno);
      row.line = uint32_t(line);
      row.column = uint16_t(col > 0xffff ? 0xffff : col);
      row.is_stmt = stmt;
      row.prologue_end = pro;
      row.end_sequence = end;
      seq.push_back(row);
      if (end) {
        if (seq_ok) out_.lines.add_sequence(std::move(seq));
        seq.clear();
        seq_ok = true;
      }
    }
    return !failed_;
  }

  const DwarfObject& obj_;
  Dwarf_Debug dbg_;
  const CodeLayout& layout_;
  LoadedDwarf& out_;
  Dwarf_Error err_ = nullptr;
  bool failed_ = false;
  Error error_;
  SectionReader loc_, ranges_;               // DWARF 4
  SectionReader loclists_, rnglists_, addr_;  // DWARF 5
  std::optional<uint64_t> addr_base_, loclists_base_, rnglists_base_;  // of the current unit
  Dwarf_Half version_ = 4;
  uint64_t cu_base_ = 0;
  uint32_t cu_index_ = 0;
  int type_depth_ = 0;
  bool dead_address_ = false;  // the last variable() had a tombstoned DW_OP_addr
  std::map<Dwarf_Off, TypeId> type_memo_;
  std::map<Dwarf_Off, uint32_t> func_by_die_;
  std::map<Dwarf_Off, std::vector<std::string>> files_;
  std::vector<Dwarf_Off> nested_;
  std::set<Dwarf_Off> seen_nested_;
};

}  // namespace

Expected<void> load_dwarf(const DwarfObject& obj, const CodeLayout& layout, LoadedDwarf& out) {
  Loader l(obj, layout, out);
  return l.run();
}

}  // namespace tc::debug
