// gdb-style printing of values and types.
//
//   print 42            -> "42"                 (the caller adds "$1 = ")
//   char *              -> 0x11330 "text"       (bounded by max_string)
//   other pointers      -> (struct header *) 0xda0 <g_header>   (top level)
//                          0xda0 <g_header>                     (inside aggregates)
//   struct / union      -> {magic = 305419896, len = 512, name = "abc\000\000\000\000"}
//   arrays              -> {1, 2, 3}, {0 <repeats 16 times>}, "abc" for char arrays
//                          (one trailing NUL dropped, as gdb does)
//   enums               -> BLUE (or the number), bool -> true/false,
//   char                -> 97 'a', float -> %.9g, double -> %.17g
//   optimized out       -> <optimized out>
#pragma once
#include <string>

#include "debug/dwarf/frame_access.hpp"
#include "debug/dwarf/types.hpp"
#include "debug/dwarf/value.hpp"

namespace tc::debug {

class DebugInfo;

struct FormatOptions {
  size_t max_elements = 200;     // gdb "print elements"
  size_t repeat_threshold = 10;  // gdb "print repeats"
  bool symbols = true;           // <g_header+4> after pointers into globals
};

std::string format_value(const Value& v, const DebugInfo& info, FrameAccess* frame,
                         const FormatOptions& opt = {});
// `info locals` / `info args` line: "len = 512", "pk = 0x10e0 <g_packet>"
// (no "(type) " before pointers, as gdb).
std::string format_variable(const std::string& name, const Value& v, const DebugInfo& info,
                            FrameAccess* frame, const FormatOptions& opt = {});

// C spelling of a type, gdb's way: "struct packet *", "char [8]",
// "int (*)[3]", "const char *", "u32".
std::string type_name(const TypeTable& types, TypeId id);
// A declaration of `name` with that type: "char name[8]", "int (*fp)(int)".
std::string declare(const TypeTable& types, TypeId id, const std::string& name);
// `whatis`: "type = struct header" (one typedef level is kept).
std::string whatis(const TypeTable& types, TypeId id);
// `ptype`: typedefs resolved, the outermost struct/union/enum expanded:
//   type = struct header {
//       u32 magic;
//       ...
//   } *
std::string ptype(const TypeTable& types, TypeId id);

}  // namespace tc::debug
