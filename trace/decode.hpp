// Decodes a log record into named fields for printing (`timecraft trace`)
// and for rebuilding the program's output (`timecraft logs`). Generic over
// wasi/calls.def, like the recorder.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "trace/field_value.hpp"
#include "trace/log_reader.hpp"
#include "wasi/call_types.hpp"

namespace tc::trace {

struct DecodedField {
  std::string name;
  wasi::Kind kind{};
  FieldValue value;                  // typed, whole
  std::string text;                  // value as `trace` prints it (trace/call_text.hpp)
  uint64_t number = 0;               // integer kinds
  std::vector<std::string> buffers;  // IovecsIn bytes / filled destination bytes
  // Where the field's encoding lies in the record's payload: two records'
  // fields are equal exactly when these bytes are (the text may omit parts).
  size_t offset = 0, size = 0;
};

struct DecodedCall {
  uint64_t index = 0;
  uint64_t time_ns = 0;
  uint32_t call_id = 0;
  std::string name;
  std::vector<DecodedField> inputs;
  wasi::Errno error = wasi::Errno::Success;
  std::vector<DecodedField> outputs;
  std::vector<std::string> filled;  // bytes the call wrote into guest memory
  bool injected = false;             // the result was made up by `run --chaotic`

  const DecodedField* input(std::string_view n) const;
  const DecodedField* output(std::string_view n) const;
  // "fd_write(fd=1, iovs=["hi\n"]) = ESUCCESS nwritten=3" (call_text with
  // the default style)
  std::string to_string() const;
};

// Fails (Io) on a payload that does not decode; never crashes.
Expected<DecodedCall> decode_record(const Record& r);

}  // namespace tc::trace
