// How `timecraft trace` shows a record, shared with `timecraft diff` so both
// print a host call the same way.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "trace/decode.hpp"

namespace tc::cli {

// "     2     0.000538  random_get(buf=1 bytes) = ESUCCESS <- \"c\"": the
// record index, seconds since the start (trace_head), then
// DecodedCall::to_string().
std::string trace_line(const trace::DecodedCall& c);
std::string trace_head(uint64_t index, uint64_t time_ns);  // "     2     0.000538  "
// {"record", "time_ns", "call", "inputs": {name: text}, "errno",
//  "outputs": {name: text}, "returned": [quoted bytes written into memory]}
nlohmann::json trace_json(const trace::DecodedCall& c);

}  // namespace tc::cli
