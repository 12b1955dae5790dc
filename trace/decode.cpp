#include "trace/decode.hpp"

#include "trace/wasi_fields.hpp"

namespace tc::trace {

using namespace tc::wasi;

std::string quote_bytes(std::string_view b, size_t max) {
  static const char* hex = "0123456789abcdef";
  std::string s = "\"";
  for (size_t i = 0; i < b.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    if (c == '\n') s += "\\n";
    else if (c == '\t') s += "\\t";
    else if (c == '"' || c == '\\') { s += '\\'; s += char(c); }
    else if (c >= 32 && c < 127) s += char(c);
    else { s += "\\x"; s += hex[c >> 4]; s += hex[c & 15]; }
  }
  if (b.size() > max) s += "...";
  return s + "\"";
}

namespace {

// Decode one field of C++ type T from the payload into text.
template <class T>
bool dec_text(PayloadReader& r, const T&, DecodedField& f) {
  if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    T v{};
    if (!fields::dec(r, v)) return false;
    if constexpr (std::is_same_v<T, Errno>) {
      f.text = errno_name(v);
    } else if constexpr (std::is_signed_v<T> && !std::is_enum_v<T>) {
      f.text = std::to_string(int64_t(v));
    } else {
      f.text = std::to_string(uint64_t(v));
    }
    f.number = uint64_t(v);
    return true;
  } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    std::string s;
    if (!r.str(s)) return false;
    f.text = quote_bytes(s);
    f.buffers.push_back(std::move(s));
    return true;
  } else if constexpr (std::is_same_v<T, IovecsIn>) {
    uint64_t n;
    if (!r.u64(n)) return false;
    f.text = "[";
    for (uint64_t i = 0; i < n; ++i) {
      std::span<const uint8_t> b;
      if (!r.bytes(b)) return false;
      std::string s(b.begin(), b.end());
      f.text += (i ? ", " : "") + quote_bytes(s);
      f.buffers.push_back(std::move(s));
    }
    f.text += "]";
    return true;
  } else if constexpr (std::is_same_v<T, IovecsOut>) {
    uint64_t n;
    if (!r.u64(n)) return false;
    f.text = "[";
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      if (!r.u64(len)) return false;
      f.text += (i ? ", " : "") + std::to_string(len) + " bytes";
    }
    f.text += "]";
    return true;
  } else if constexpr (std::is_same_v<T, std::span<uint8_t>>) {
    uint64_t len;
    if (!r.u64(len)) return false;
    f.text = std::to_string(len) + " bytes";
    f.number = len;
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::vector<std::string> v;
    if (!fields::dec(r, v)) return false;
    f.text = "[";
    for (size_t i = 0; i < v.size(); ++i) f.text += (i ? ", " : "") + quote_bytes(v[i]);
    f.text += "]";
    f.buffers = std::move(v);
    return true;
  } else if constexpr (std::is_same_v<T, Fdstat>) {
    Fdstat s;
    if (!fields::dec(r, s)) return false;
    f.text = "{filetype=" + std::to_string(int(s.filetype)) + ", flags=" + std::to_string(s.flags) +
             ", rights_base=" + std::to_string(s.rights_base) + "}";
    return true;
  } else if constexpr (std::is_same_v<T, Filestat>) {
    Filestat s;
    if (!fields::dec(r, s)) return false;
    f.text = "{filetype=" + std::to_string(int(s.filetype)) + ", size=" + std::to_string(s.size) +
             ", mtim=" + std::to_string(s.mtim) + "}";
    return true;
  } else if constexpr (std::is_same_v<T, Prestat>) {
    Prestat s;
    if (!fields::dec(r, s)) return false;
    f.text = "{dir, name_len=" + std::to_string(s.name_len) + "}";
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Dirent>>) {
    std::vector<Dirent> v;
    if (!fields::dec(r, v)) return false;
    f.text = std::to_string(v.size()) + " entries";
    for (size_t i = 0; i < v.size() && i < 8; ++i) f.text += (i ? " " : ": ") + quote_bytes(v[i].name);
    if (v.size() > 8) f.text += " ...";
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Subscription>>) {
    std::vector<Subscription> v;
    if (!fields::dec(r, v)) return false;
    f.text = std::to_string(v.size()) + " subscriptions";
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Event>>) {
    std::vector<Event> v;
    if (!fields::dec(r, v)) return false;
    f.text = std::to_string(v.size()) + " events";
    return true;
  } else {
    static_assert(sizeof(T) == 0, "no text decoder for this kind");
  }
}

template <class In, class Out>
Expected<DecodedCall> decode_typed(const char* name, const Record& rec) {
  DecodedCall c;
  c.index = rec.index;
  c.time_ns = rec.time_ns;
  c.call_id = rec.call_id;
  c.name = name;
  PayloadReader r(rec.payload);
  bool ok = true;
  In in{};
  Out out{};
  auto field = [&](Kind k, std::string_view name, const auto& v) {
    DecodedField f;
    f.name = name;
    f.kind = k;
    f.offset = size_t(r.pos() - rec.payload.data());
    ok = ok && dec_text(r, v, f);
    f.size = size_t(r.pos() - rec.payload.data()) - f.offset;
    return f;
  };
  wasi::call::visit_fields(in, [&](Kind k, std::string_view name, const auto& v) {
    c.inputs.push_back(field(k, name, v));
  });
  ok = ok && fields::dec(r, c.error);
  wasi::call::visit_fields(out, [&](Kind k, std::string_view name, const auto& v) {
    c.outputs.push_back(field(k, name, v));
  });
  wasi::call::visit_fields(in, [&](Kind, std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, IovecsOut> || std::is_same_v<T, std::span<uint8_t>>) {
      std::span<const uint8_t> b;
      ok = ok && r.bytes(b);
      if (ok) c.filled.emplace_back(b.begin(), b.end());
    }
  });
  if (!ok || !r.at_end())
    return make_error(ErrorKind::Io, "record " + std::to_string(rec.index) + " (" + name +
                                         "): corrupt payload");
  return c;
}

}  // namespace

Expected<DecodedCall> decode_record(const Record& r) {
  // CallId is 16 bits: a larger id must not wrap around onto a real call.
  if (r.call_id <= UINT16_MAX) switch (CallId(r.call_id)) {
#define WASI_CALL(name, id, params, results, ins, outs) \
  case CallId::name:                                    \
    return decode_typed<call::name##_in, call::name##_out>(#name, r);
#include "wasi/calls.def"
#undef WASI_CALL
  }
  return make_error(ErrorKind::Io, "record " + std::to_string(r.index) + ": unknown call id " +
                                       std::to_string(r.call_id));
}

const DecodedField* DecodedCall::input(std::string_view n) const {
  for (const auto& f : inputs)
    if (f.name == n) return &f;
  return nullptr;
}
const DecodedField* DecodedCall::output(std::string_view n) const {
  for (const auto& f : outputs)
    if (f.name == n) return &f;
  return nullptr;
}

std::string DecodedCall::to_string() const {
  std::string s = name + "(";
  for (size_t i = 0; i < inputs.size(); ++i)
    s += (i ? ", " : "") + inputs[i].name + "=" + inputs[i].text;
  s += ") = ";
  s += errno_name(error);
  for (const auto& o : outputs) s += " " + o.name + "=" + o.text;
  for (const auto& b : filled) s += " <- " + quote_bytes(b, 32);
  return s;
}

}  // namespace tc::trace
