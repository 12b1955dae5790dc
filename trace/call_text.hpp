// A decoded host call as one line of text: how `timecraft trace`, the live
// trace of `run -T` / `replay -T`, `diff` and the debugger show a record.
//
//      2     0.000538  random_get(buf=1 bytes) = ESUCCESS <- "c"
//
// The record index, seconds since the start of the run, the call with its
// inputs, the errno, then (only when it is ESUCCESS) the outputs and the
// bytes the call returned into guest memory ("<- ..."), and "(injected)"
// when fault injection (`run --chaotic`) made the result up.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/decode.hpp"

namespace tc::trace {

struct TextStyle {
  size_t max_bytes = 64;     // a byte string is cut there ("...")
  size_t max_returned = 32;  // ... and the bytes returned into guest memory here
  size_t max_items = 8;      // list items shown before "... N more"
  bool details = false;      // show the members text leaves out (FieldMember::detail)
  // Payload bytes (FieldValue::payload, returned bytes) as "N bytes" in the
  // line, each in a hexdump under it.
  bool hexdump = false;

  static TextStyle whole();  // nothing cut or left out (`trace -v`)
};

// Bytes `trace -x` shows under the line, with where they come from
// ("iovs[0]", "returned").
struct Dump {
  std::string label;
  std::string bytes;
};

// A value as text: numbers, names (`CREAT|TRUNC`), quoted bytes, [lists],
// {name=value records}. `label` names the value in `dumps`.
std::string value_text(const FieldValue& v, const TextStyle& style = {},
                       const std::string& label = "", std::vector<Dump>* dumps = nullptr);

// "fd_write(fd=1, iovs=[\"hi\\n\"]) = ESUCCESS nwritten=3".
std::string call_text(const DecodedCall& c, const TextStyle& style = {},
                      std::vector<Dump>* dumps = nullptr);

// "     2     0.000538  ": the record index and seconds since the start.
std::string record_head(uint64_t index, uint64_t time_ns);
constexpr size_t kRecordHeadWidth = 21;
// The column names, aligned over record_head.
std::string record_columns();

// A whole record: head and call, then its dumps; every line ends in '\n'.
std::string record_text(const DecodedCall& c, const TextStyle& style = {});

// `hexdump -C` style: "00000000  68 69 0a  ...  |hi.|", each line indented.
std::string hexdump(std::string_view bytes, size_t indent);

// Quotes bytes like a C string, cut at `max` bytes ("..." after).
std::string quote_bytes(std::string_view b, size_t max = 64);

}  // namespace tc::trace
