// load_module and value_to_string (embedding helpers).
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "interp/binary/decoder.hpp"
#include "interp/engine.hpp"
#include "interp/exec/fuse_env.hpp"
#include "interp/validate/validator.hpp"

namespace tc::wasm {

Expected<std::shared_ptr<const Module>> load_module(std::vector<uint8_t> bytes) {
  return load_module(std::move(bytes), Features{});
}

Expected<std::shared_ptr<const Module>> load_module(std::vector<uint8_t> bytes, const Features& f) {
  auto m = decode_module(std::move(bytes), f);
  if (!m) return std::move(m.error());
  // TIMECRAFT_FUSE=0 also validates the general way, so that the suites
  // run under it check that path too.
  TC_TRY(validate_module(**m, f, validation_threads(**m), fuse_env() != "0"));
  return std::shared_ptr<const Module>(std::move(*m));
}

Expected<std::shared_ptr<const Module>> load_prevalidated_module(std::vector<uint8_t> bytes) {
  auto m = decode_module(std::move(bytes));
  if (!m) return std::move(m.error());
  return std::shared_ptr<const Module>(std::move(*m));
}

std::string value_to_string(const Value& v) {
  char buf[96];
  switch (v.type) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "i32:%" PRIu32, v.i32); break;
    case ValType::I64: std::snprintf(buf, sizeof buf, "i64:%" PRIu64, v.i64); break;
    case ValType::F32: {
      float f;
      std::memcpy(&f, &v.f32, 4);
      if (f != f) std::snprintf(buf, sizeof buf, "f32:%snan:0x%" PRIx32, (v.f32 >> 31) ? "-" : "", v.f32 & 0x7fffff);
      else std::snprintf(buf, sizeof buf, "f32:%a", double(f));
      break;
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &v.f64, 8);
      if (d != d) std::snprintf(buf, sizeof buf, "f64:%snan:0x%" PRIx64, (v.f64 >> 63) ? "-" : "", uint64_t(v.f64 & 0xfffffffffffffull));
      else std::snprintf(buf, sizeof buf, "f64:%a", d);
      break;
    }
    case ValType::V128: {
      std::string s = "v128:0x";
      for (int i = 15; i >= 0; --i) {
        std::snprintf(buf, sizeof buf, "%02x", v.v128.bytes[i]);
        s += buf;
      }
      return s;
    }
    case ValType::FuncRef: case ValType::ExternRef: case ValType::ExnRef:
      if (!v.ref) std::snprintf(buf, sizeof buf, "%s:null", valtype_name(v.type));
      else std::snprintf(buf, sizeof buf, "%s:0x%" PRIxPTR, valtype_name(v.type), v.ref);
      break;
  }
  return buf;
}

}  // namespace tc::wasm
