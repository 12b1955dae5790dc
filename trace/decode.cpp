#include "trace/decode.hpp"

#include "trace/call_text.hpp"
#include "trace/wasi_fields.hpp"

namespace tc::trace {

using namespace tc::wasi;

namespace {

using V = FieldValue;

V filetype(Filetype t) { return V::named(NameSet::Filetype, uint64_t(t)); }

V fdstat_value(const Fdstat& s) {
  V v = V::record();
  v.add("filetype", filetype(s.filetype));
  v.add("flags", V::named(NameSet::Fdflags, s.flags));
  v.add("rights_base", V::named(NameSet::Rights, s.rights_base));
  v.add("rights_inheriting", V::named(NameSet::Rights, s.rights_inheriting), true);
  return v;
}

V filestat_value(const Filestat& s) {
  V v = V::record();
  v.add("dev", V::unsigned_(s.dev), true);
  v.add("ino", V::unsigned_(s.ino), true);
  v.add("filetype", filetype(s.filetype));
  v.add("nlink", V::unsigned_(s.nlink), true);
  v.add("size", V::unsigned_(s.size));
  v.add("atim", V::unsigned_(s.atim), true);
  v.add("mtim", V::unsigned_(s.mtim));
  v.add("ctim", V::unsigned_(s.ctim), true);
  return v;
}

V dirent_value(const Dirent& d) {
  V v = V::record();
  v.add("next", V::unsigned_(d.next), true);
  v.add("ino", V::unsigned_(d.ino), true);
  v.add("type", filetype(d.type));
  v.add("name", V::bytes_of(d.name, false));
  return v;
}

// A clock subscription's members, or an fd one's (witx's union arms).
V subscription_value(const Subscription& s) {
  V v = V::record();
  v.add("userdata", V::unsigned_(s.userdata));
  v.add("type", V::named(NameSet::Eventtype, uint64_t(s.type)));
  if (s.type == EventType::Clock) {
    v.add("id", V::named(NameSet::ClockId, uint64_t(s.clock_id)));
    v.add("timeout", V::unsigned_(s.timeout));
    v.add("precision", V::unsigned_(s.precision));
    v.add("flags", V::named(NameSet::Subclockflags, s.clock_flags));
  } else {
    v.add("fd", V::unsigned_(s.fd));
  }
  return v;
}

V event_value(const Event& e) {
  V v = V::record();
  v.add("userdata", V::unsigned_(e.userdata));
  v.add("error", V::errno_(uint64_t(e.error)));
  v.add("type", V::named(NameSet::Eventtype, uint64_t(e.type)));
  if (e.type != EventType::Clock) {  // fd_readwrite
    v.add("nbytes", V::unsigned_(e.nbytes));
    v.add("flags", V::named(NameSet::Eventrwflags, e.flags));
  }
  return v;
}

V addrinfo_value(const Addrinfo& a) {
  V v = V::record();
  v.add("addr", V::text(a.addr.to_string()));
  v.add("family", V::named(NameSet::AddressFamily, uint64_t(a.family)), true);
  v.add("socktype", V::named(NameSet::SockType, uint64_t(a.socktype)));
  v.add("protocol", V::named(NameSet::Protocol, uint64_t(a.protocol)));
  if (!a.canonname.empty()) v.add("canonname", V::bytes_of(a.canonname, false));
  return v;
}

template <class T, class F>
V list_of(const std::vector<T>& items, F&& one) {
  V v = V::list();
  for (const auto& x : items) v.add("", one(x));
  return v;
}

// Decodes one field of C++ type T (of calls.def kind `k`) from the payload.
template <class T>
bool dec_field(PayloadReader& r, const T&, Kind k, DecodedField& f) {
  if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    T v{};
    if (!fields::dec(r, v)) return false;
    f.number = uint64_t(v);
    if constexpr (std::is_same_v<T, Errno>) f.value = V::errno_(f.number);
    else if (names_of(k) != NameSet::None) f.value = V::named(names_of(k), f.number);
    else if constexpr (std::is_signed_v<T> && !std::is_enum_v<T>) f.value = V::signed_(int64_t(v));
    else f.value = V::unsigned_(f.number);
    return true;
  } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    std::string s;
    if (!r.str(s)) return false;
    f.value = V::bytes_of(s, false);
    f.buffers.push_back(std::move(s));
    return true;
  } else if constexpr (std::is_same_v<T, IovecsIn>) {
    uint64_t n;
    if (!r.u64(n)) return false;
    f.value = V::list();
    for (uint64_t i = 0; i < n; ++i) {
      std::span<const uint8_t> b;
      if (!r.bytes(b)) return false;
      std::string s(b.begin(), b.end());
      f.value.add("", V::bytes_of(s, true));
      f.buffers.push_back(std::move(s));
    }
    return true;
  } else if constexpr (std::is_same_v<T, IovecsOut>) {
    uint64_t n;
    if (!r.u64(n)) return false;
    f.value = V::list();
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      if (!r.u64(len)) return false;
      f.value.add("", V::length(len));
    }
    return true;
  } else if constexpr (std::is_same_v<T, std::span<uint8_t>>) {
    if (!r.u64(f.number)) return false;
    f.value = V::length(f.number);
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::vector<std::string> v;
    if (!fields::dec(r, v)) return false;
    f.value = list_of(v, [](const std::string& s) { return V::bytes_of(s, false); });
    f.buffers = std::move(v);
    return true;
  } else if constexpr (std::is_same_v<T, Fdstat>) {
    Fdstat s;
    if (!fields::dec(r, s)) return false;
    f.value = fdstat_value(s);
    return true;
  } else if constexpr (std::is_same_v<T, Filestat>) {
    Filestat s;
    if (!fields::dec(r, s)) return false;
    f.value = filestat_value(s);
    return true;
  } else if constexpr (std::is_same_v<T, Prestat>) {
    Prestat s;
    if (!fields::dec(r, s)) return false;
    f.value = V::record();
    f.value.add("tag", V::named(NameSet::Preopentype, s.tag));
    f.value.add("name_len", V::unsigned_(s.name_len));
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Dirent>>) {
    std::vector<Dirent> v;
    if (!fields::dec(r, v)) return false;
    f.value = list_of(v, dirent_value);
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Subscription>>) {
    std::vector<Subscription> v;
    if (!fields::dec(r, v)) return false;
    f.value = list_of(v, subscription_value);
    return true;
  } else if constexpr (std::is_same_v<T, SockAddr>) {
    SockAddr a;
    if (!fields::dec(r, a)) return false;
    f.value = V::text(a.to_string());
    return true;
  } else if constexpr (std::is_same_v<T, AddrinfoHints>) {
    AddrinfoHints h;
    if (!fields::dec(r, h)) return false;
    f.value = V::record();
    f.value.add("flags", V::named(NameSet::Aiflags, h.flags));
    f.value.add("family", V::named(NameSet::AddressFamily, uint64_t(h.family)));
    f.value.add("socktype", V::named(NameSet::SockType, uint64_t(h.socktype)));
    f.value.add("protocol", V::named(NameSet::Protocol, uint64_t(h.protocol)));
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Addrinfo>>) {
    std::vector<Addrinfo> v;
    if (!fields::dec(r, v)) return false;
    f.value = list_of(v, addrinfo_value);
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<Event>>) {
    std::vector<Event> v;
    if (!fields::dec(r, v)) return false;
    f.value = list_of(v, event_value);
    return true;
  } else {
    static_assert(sizeof(T) == 0, "no decoder for this kind");
  }
}

template <class In, class Out>
Expected<DecodedCall> decode_typed(const char* name, const Record& rec) {
  DecodedCall c;
  c.index = rec.index;
  c.time_ns = rec.time_ns;
  c.call_id = rec.call_id;
  c.injected = rec.injected;
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
    ok = ok && dec_field(r, v, k, f);
    if (ok) f.text = value_text(f.value);
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

}  // namespace tc::trace
