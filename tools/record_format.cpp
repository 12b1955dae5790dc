#include "tools/record_format.hpp"

#include "tools/text_bytes.hpp"

namespace tc::cli {

using ojson = nlohmann::ordered_json;
using Type = trace::FieldValue::Type;

ojson bytes_json(std::string_view b) {
  if (valid_utf8(b)) return {{"text", std::string(b)}};
  return {{"base64", base64(b)}};
}

ojson value_json(const trace::FieldValue& v) {
  switch (v.type) {
    case Type::Unsigned:
    case Type::Length: return v.number;
    case Type::Signed: return int64_t(v.number);
    case Type::Named: {
      if (wasi::is_flags(v.names)) return wasi::flag_names(v.names, v.number);
      std::string n = wasi::enum_name(v.names, v.number);
      return n.empty() ? ojson(v.number) : ojson(n);
    }
    case Type::Errno: return wasi::errno_name(wasi::Errno(v.number));
    case Type::Bytes: return bytes_json(v.bytes);
    case Type::Text: return v.bytes;
    case Type::List: {
      ojson a = ojson::array();
      for (const auto& m : v.members) a.push_back(value_json(m.value));
      return a;
    }
    case Type::Record: {
      ojson o = ojson::object();
      for (const auto& m : v.members) o[m.name] = value_json(m.value);
      return o;
    }
  }
  return nullptr;
}

ojson trace_json(const trace::DecodedCall& c) {
  ojson in = ojson::object(), out = ojson::object(), returned = ojson::array();
  for (const auto& f : c.inputs) in[f.name] = value_json(f.value);
  if (c.error == wasi::Errno::Success) {  // a failed call's outputs mean nothing
    for (const auto& f : c.outputs) out[f.name] = value_json(f.value);
    for (const auto& b : c.filled) returned.push_back(bytes_json(b));
  }
  ojson j = {{"index", c.index}, {"time_ns", c.time_ns}, {"call", c.name}, {"inputs", in},
             {"errno", wasi::errno_name(c.error)}, {"outputs", out}, {"returned", returned}};
  if (c.injected) j["injected"] = true;  // only then: other records keep their shape
  return j;
}

}  // namespace tc::cli
