#include "debug/dwarf/object_access.hpp"

#include <cstring>

namespace tc::debug {

struct ObjectCallbacks {
  static DwarfObject& self(void* obj) { return *static_cast<DwarfObject*>(obj); }

  static int get_section_info(void* obj, Dwarf_Half index, Dwarf_Obj_Access_Section* out,
                              int* error) {
    auto& s = self(obj).sections_;
    if (index >= s.size()) return DW_DLV_NO_ENTRY;
    out->addr = 0;
    out->type = index == 0 ? 0 : 1;  // SHT_NULL, SHT_PROGBITS
    out->size = s[index].size;
    out->name = s[index].name.c_str();
    out->link = 0;
    out->info = 0;
    out->entrysize = 0;
    return DW_DLV_OK;
  }
  static Dwarf_Endianness get_byte_order(void*) { return DW_OBJECT_LSB; }
  static Dwarf_Small get_length_size(void*) { return 4; }
  static Dwarf_Small get_pointer_size(void*) { return 4; }  // wasm32
  static Dwarf_Unsigned get_section_count(void* obj) { return self(obj).sections_.size(); }
  static int load_section(void* obj, Dwarf_Half index, Dwarf_Small** data, int* error) {
    auto& s = self(obj).sections_;
    if (index >= s.size() || index == 0) return DW_DLV_NO_ENTRY;
    // libdwarf wants a non-const pointer but never writes without relocations.
    *data = const_cast<Dwarf_Small*>(s[index].data);
    return DW_DLV_OK;
  }
};

namespace {
// libdwarf messages can hold newlines ("...\nERROR: DW_DLE_..."): one line.
std::string one_line(const char* m) {
  std::string out;
  for (const char* p = m ? m : ""; *p; ++p) {
    char c = *p;
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (uint8_t(c) < 0x20) continue;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unknown libdwarf error" : out;
}

// Used by libdwarf only when a call was given no Dwarf_Error*; never aborts.
void quiet_handler(Dwarf_Error, Dwarf_Ptr) {}
}  // namespace

Expected<std::unique_ptr<DwarfObject>> DwarfObject::open(const wasm::Module& m) {
  std::unique_ptr<DwarfObject> o(new DwarfObject);
  o->sections_.push_back({});
  bool has_info = false;
  for (const auto& c : m.customs) {
    if (c.name.rfind(".debug_", 0) != 0) continue;
    if (uint64_t(c.offset) + c.size > m.bytes.size()) continue;  // the decoder checked; be safe
    Section s{c.name, m.bytes.data() + c.offset, c.size};
    if (c.name == ".debug_loc" || c.name == ".debug_ranges" || c.name == ".debug_loclists" ||
        c.name == ".debug_rnglists")
      o->lists_.push_back(s);
    else
      o->sections_.push_back(s);
    if (c.name == ".debug_info") has_info = true;
  }
  if (!has_info) return std::unique_ptr<DwarfObject>();
  o->methods_.get_section_info = &ObjectCallbacks::get_section_info;
  o->methods_.get_byte_order = &ObjectCallbacks::get_byte_order;
  o->methods_.get_length_size = &ObjectCallbacks::get_length_size;
  o->methods_.get_pointer_size = &ObjectCallbacks::get_pointer_size;
  o->methods_.get_section_count = &ObjectCallbacks::get_section_count;
  o->methods_.load_section = &ObjectCallbacks::load_section;
  o->methods_.relocate_a_section = nullptr;
  o->iface_.object = o.get();
  o->iface_.methods = &o->methods_;
  // libdwarf records every allocation in a search tree so dwarf_finish can
  // free what callers forgot; that bookkeeping was a sixth of the load
  // time. The loader frees each DIE, attribute, block, file list, line
  // context and error it gets (checked with AddressSanitizer's leak check).
  dwarf_set_de_alloc_flag(0);
  Dwarf_Error err = nullptr;
  int rc = dwarf_object_init_b(&o->iface_, quiet_handler, nullptr, DW_GROUPNUMBER_ANY, &o->dbg_,
                               &err);
  if (rc != DW_DLV_OK) {
    std::string msg = "DWARF: cannot read debug sections";
    if (rc == DW_DLV_ERROR && err) {
      msg += ": " + one_line(dwarf_errmsg(err));
      dwarf_dealloc(nullptr, err, DW_DLA_ERROR);  // no Dwarf_Debug yet
    }
    o->dbg_ = nullptr;
    return make_error(ErrorKind::Malformed, msg);
  }
  return o;
}

DwarfObject::~DwarfObject() {
  if (dbg_) {
    Dwarf_Error err = nullptr;
    dwarf_object_finish(dbg_, &err);
  }
}

std::string DwarfObject::take_error(Dwarf_Error& err, const std::string& what) const {
  std::string msg = "DWARF: " + what;
  if (err) {
    msg += ": " + one_line(dwarf_errmsg(err));
    dwarf_dealloc(dbg_, err, DW_DLA_ERROR);
    err = nullptr;
  }
  return msg;
}

Error DwarfObject::make(Dwarf_Error& err, const std::string& what) const {
  return make_error(ErrorKind::Malformed, take_error(err, what));
}

const uint8_t* DwarfObject::section(const std::string& name, uint64_t* size) const {
  for (const auto& s : lists_)
    if (s.name == name) {
      *size = s.size;
      return s.data;
    }
  for (const auto& s : sections_)
    if (s.name == name) {
      *size = s.size;
      return s.data;
    }
  *size = 0;
  return nullptr;
}

}  // namespace tc::debug
