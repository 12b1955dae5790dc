#include "tools/record_format.hpp"

#include <cstdio>

namespace tc::cli {

std::string trace_head(uint64_t index, uint64_t time_ns) {
  char head[48];
  std::snprintf(head, sizeof head, "%6llu %12.6f  ", static_cast<unsigned long long>(index),
                double(time_ns) / 1e9);
  return head;
}

std::string trace_line(const trace::DecodedCall& c) {
  return trace_head(c.index, c.time_ns) + c.to_string();
}

nlohmann::json trace_json(const trace::DecodedCall& c) {
  using json = nlohmann::json;
  json in = json::object(), out = json::object(), returned = json::array();
  for (const auto& f : c.inputs) in[f.name] = f.text;
  for (const auto& f : c.outputs) out[f.name] = f.text;
  for (const auto& b : c.filled) returned.push_back(trace::quote_bytes(b));
  return {{"record", c.index}, {"time_ns", c.time_ns}, {"call", c.name}, {"inputs", in},
          {"errno", wasi::errno_name(c.error)}, {"outputs", out}, {"returned", returned}};
}

}  // namespace tc::cli
