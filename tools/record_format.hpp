// How `timecraft trace` shows a record as JSON or YAML, shared with
// `timecraft diff` so both print a host call the same way (the text form
// is trace/call_text.hpp).
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "trace/decode.hpp"

namespace tc::cli {

// {"index", "time_ns", "call", "inputs": {name: value}, "errno",
//  "outputs": {name: value} (empty unless errno is ESUCCESS),
//  "returned": [bytes the call wrote into guest memory]}, plus
//  "injected": true when `run --chaotic` made the result up.
// Values are typed: numbers as numbers, enums as names ("REGULAR_FILE"),
// flag sets as lists of names (["CREAT", "TRUNC"]), records as objects,
// lists as arrays, bytes whole as bytes_json.
nlohmann::ordered_json trace_json(const trace::DecodedCall& c);
nlohmann::ordered_json value_json(const trace::FieldValue& v);
// {"text": "..."} for valid UTF-8, else {"base64": "..."} (RFC 4648).
nlohmann::ordered_json bytes_json(std::string_view b);

}  // namespace tc::cli
