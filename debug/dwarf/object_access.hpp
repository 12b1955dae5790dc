// libdwarf over a decoded module, in memory: a Dwarf_Obj_Access_Interface
// (libdwarf 20210528 spells it without the later "_a" suffix) whose
// sections are the module's ".debug_*" custom sections, served straight
// from Module::bytes (no copy; libdwarf only reads them, no relocations).
//
// Location and range lists (.debug_loc, .debug_ranges, .debug_loclists,
// .debug_rnglists) are parsed by loader.cpp and kept from libdwarf, which
// would read them eagerly: 20210528 double-frees on a corrupt
// .debug_rnglists header (found by fuzzing), and never needs them for what
// the loader asks.
//
// Errors never abort: every libdwarf call gets a Dwarf_Error*, and the
// handler passed to dwarf_object_init_b (only used when a call has none)
// just records the message.
#pragma once
#include <libdwarf/libdwarf.h>

#include <memory>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "interp/module.hpp"

namespace tc::debug {

class DwarfObject {
 public:
  // nullptr (no error) when the module has no .debug_info section.
  static Expected<std::unique_ptr<DwarfObject>> open(const wasm::Module& m);
  ~DwarfObject();
  DwarfObject(const DwarfObject&) = delete;
  DwarfObject& operator=(const DwarfObject&) = delete;

  Dwarf_Debug dbg() const { return dbg_; }

  // One line for a libdwarf error (and frees it): "what: libdwarf message".
  std::string take_error(Dwarf_Error& err, const std::string& what) const;
  Error make(Dwarf_Error& err, const std::string& what) const;

  // Raw bytes of a section by name (".debug_loc"), or nullptr.
  const uint8_t* section(const std::string& name, uint64_t* size) const;

  struct Section {
    std::string name;
    const uint8_t* data = nullptr;
    uint64_t size = 0;
  };

 private:
  DwarfObject() = default;
  std::vector<Section> sections_;  // served to libdwarf; [0] is an empty placeholder (ELF's null section)
  std::vector<Section> lists_;     // list sections, for loader.cpp only
  Dwarf_Obj_Access_Methods methods_{};
  Dwarf_Obj_Access_Interface iface_{};
  Dwarf_Debug dbg_ = nullptr;
  friend struct ObjectCallbacks;
};

}  // namespace tc::debug
