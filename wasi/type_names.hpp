// THE table of names for WASI's enums and flag sets (witx names in
// upper case, without a prefix the whole set shares):
// `oflags=CREAT|TRUNC`, `whence=SET`, `filetype=REGULAR_FILE`.
// One row set per kind of value, never per call; every presentation (trace
// text, JSON, YAML) names values through it. Unknown bits print as hex
// (`CREAT|0x40`), unknown enum values as their number.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "wasi/call_types.hpp"

namespace tc::wasi {

enum class NameSet : uint8_t {
  None,
  // flag sets
  Oflags, Fdflags, Rights, Lookupflags, Fstflags, Riflags, Roflags, Siflags, Sdflags,
  Subclockflags, Eventrwflags,
  // enums
  Eventtype, Filetype, Whence, ClockId, Advice, Preopentype, Signal,
  // WasmEdge's socket extension
  Aiflags, AddressFamily, SockType, Protocol, SockOptLevel, SockOpt,
};

bool is_flags(NameSet s);
// The name set of a calls.def kind (None for numbers, buffers, structs).
NameSet names_of(Kind k);

// A flag set's bits by name, lowest first; unknown bits as one "0x..."
// after them. Empty for 0.
std::vector<std::string> flag_names(NameSet s, uint64_t v);
// An enum value's name, or "" when the value has none.
std::string enum_name(NameSet s, uint64_t v);
// As text: "CREAT|TRUNC" ("0" for no flags), "REGULAR_FILE", an unknown
// enum value as its number.
std::string name_text(NameSet s, uint64_t v);

}  // namespace tc::wasi
