// The DWARF loader's internals (loader.hpp is the interface), shared by
// loader.cpp (DIE tree, attributes, functions, scopes, variables),
// loader_lists.cpp (ranges and location lists, DWARF 4 and 5),
// loader_types.cpp and loader_lines.cpp.
#pragma once
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "debug/dwarf/loader.hpp"

namespace tc::debug::loader_detail {

inline std::string hex(uint64_t v) {
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

  Expected<void> run();

 private:
  // ---- errors ----
  bool fail(const std::string& what);
  bool fail_plain(const std::string& msg);

  // ---- DIE navigation ----
  Die offdie(Dwarf_Off off);
  Dwarf_Off offset_of(Dwarf_Die d);
  Dwarf_Half tag_of(Dwarf_Die d);
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
  bool get_attr(Dwarf_Die d, Dwarf_Half at, Attr& out);
  Dwarf_Half form_of(Dwarf_Attribute a);
  std::optional<uint64_t> udata_of(Dwarf_Attribute a);
  std::optional<uint64_t> udata(Dwarf_Die d, Dwarf_Half at);
  std::optional<int64_t> sdata(Dwarf_Die d, Dwarf_Half at);
  std::optional<std::string> str(Dwarf_Die d, Dwarf_Half at);
  bool flag(Dwarf_Die d, Dwarf_Half at);
  std::optional<Dwarf_Off> ref(Dwarf_Die d, Dwarf_Half at);
  // Section offset (DW_FORM_sec_offset, or data4/data8 in DWARF 2/3).
  std::optional<uint64_t> sec_offset_of(Dwarf_Attribute a);
  std::optional<std::vector<uint8_t>> block(Dwarf_Attribute a);

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
  const std::vector<std::string>& files_of(Dwarf_Die d);
  std::string_view file_name(Dwarf_Die d, uint64_t index);
  // decl_file/decl_line, following origins.
  void decl(Dwarf_Die d, std::string_view& file, uint32_t& line);

  // ---- addresses ----
  std::vector<Range> ranges_of(Dwarf_Die d);
  // DWARF 5: a DW_FORM_rnglistx / DW_FORM_loclistx index goes through the
  // unit's offset table (at DW_AT_rnglists_base / DW_AT_loclists_base);
  // DW_FORM_sec_offset is the list's offset itself.
  std::optional<uint64_t> list_offset(Dwarf_Attribute a,
                                      const std::optional<uint64_t>& base,
                                      const SectionReader& sec,
                                      const char* what);
  std::optional<uint64_t> debug_addr(uint64_t index);
  // .debug_rnglists entries (DW_RLE_*).
  void rnglist(uint64_t off, std::vector<Range>& out);

  void add_range(std::vector<Range>& out, uint64_t lo, uint64_t hi);

  // ---- locations ----
  bool location(Dwarf_Die d, LocationDesc& out);
  // .debug_loclists entries (DW_LLE_*), each but the base selections with
  // a ULEB128 length and an expression. A default location applies where no
  // other entry does (kept last: LocationDesc::at takes the first match).
  bool loclists(uint64_t off, LocationDesc& out);

  // DWARF 4 .debug_loc: (begin, end) pairs relative to the CU base, a
  // 0xffffffff begin selects a new base, (0, 0) ends; then u16 length and
  // the expression. wasm-ld tombstones dead entries (0xfffffffe).
  bool loc_list(uint64_t off, LocationDesc& out);

  // DW_OP_addrx -> DW_OP_addr (unresolvable: optimized out).
  void resolve_indices(LocationDesc& loc);

  // ---- types ----
  TypeId type_ref(Dwarf_Die d);
  TypeId type_at(Dwarf_Off off);
  TypeId build_type(Dwarf_Die d, Dwarf_Off off);
  void member_offset(Dwarf_Die c, Member& m, uint64_t agg_size);

  // ---- program structure ----
  bool compile_unit(Dwarf_Die cu);

  std::optional<uint64_t> unit_base(Dwarf_Die cu, Dwarf_Half at);

  bool top_level(Dwarf_Die c, const std::string& prefix);

  bool global(Dwarf_Die c, const std::string& prefix);

  bool variable(Dwarf_Die c, Variable& v);

  bool subprogram(Dwarf_Die d, const std::string& prefix);

  bool scope_children(Dwarf_Die d, Scope& s);

  void resolve_origins();

  // ---- line table ----
  bool lines(Dwarf_Die cu);

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

}  // namespace tc::debug::loader_detail
