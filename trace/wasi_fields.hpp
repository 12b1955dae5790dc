// Per-kind encode / decode / compare of WASI call fields (see wasi_codec.hpp).
// Overloads on the C++ types of wasi/call_types.hpp; enums and integers share
// one varint path.
#pragma once
#include <string>
#include <type_traits>

#include "trace/wasi_codec.hpp"

namespace tc::trace::fields {

using namespace tc::wasi;

// ---- encode ----------------------------------------------------------------
template <class T>
requires(std::is_integral_v<T> || std::is_enum_v<T>)
void enc(PayloadWriter& w, T v) {
  if constexpr (std::is_enum_v<T>) w.u64(uint64_t(v));
  else if constexpr (std::is_signed_v<T>) w.s64(int64_t(v));
  else w.u64(uint64_t(v));
}
inline void enc(PayloadWriter& w, std::string_view s) { w.str(s); }
inline void enc(PayloadWriter& w, const std::string& s) { w.str(s); }
inline void enc(PayloadWriter& w, const IovecsIn& v) {
  w.u64(v.size());
  for (auto b : v) w.bytes(b);
}
inline void enc(PayloadWriter& w, const IovecsOut& v) {  // shape only
  w.u64(v.size());
  for (auto b : v) w.u64(b.size());
}
inline void enc(PayloadWriter& w, std::span<uint8_t> b) { w.u64(b.size()); }  // shape only
inline void enc(PayloadWriter& w, const std::vector<std::string>& v) {
  w.u64(v.size());
  for (const auto& s : v) w.str(s);
}
inline void enc(PayloadWriter& w, const Fdstat& s) {
  enc(w, s.filetype); enc(w, s.flags); enc(w, s.rights_base); enc(w, s.rights_inheriting);
}
inline void enc(PayloadWriter& w, const Filestat& s) {
  enc(w, s.dev); enc(w, s.ino); enc(w, s.filetype); enc(w, s.nlink); enc(w, s.size);
  enc(w, s.atim); enc(w, s.mtim); enc(w, s.ctim);
}
inline void enc(PayloadWriter& w, const Prestat& s) { enc(w, s.tag); enc(w, s.name_len); }
inline void enc(PayloadWriter& w, const std::vector<Dirent>& v) {
  w.u64(v.size());
  for (const auto& d : v) { enc(w, d.next); enc(w, d.ino); enc(w, d.type); w.str(d.name); }
}
inline void enc(PayloadWriter& w, const std::vector<Subscription>& v) {
  w.u64(v.size());
  for (const auto& s : v) {
    enc(w, s.userdata); enc(w, s.type); enc(w, s.clock_id); enc(w, s.timeout);
    enc(w, s.precision); enc(w, s.clock_flags); enc(w, s.fd);
  }
}
inline void enc(PayloadWriter& w, const std::vector<Event>& v) {
  w.u64(v.size());
  for (const auto& e : v) {
    enc(w, e.userdata); enc(w, e.error); enc(w, e.type); enc(w, e.nbytes); enc(w, e.flags);
  }
}
inline void enc(PayloadWriter& w, const SockAddr& a) {
  enc(w, a.family); enc(w, a.port); w.bytes({a.addr, a.addr_size()});
}
inline void enc(PayloadWriter& w, const AddrinfoHints& h) {
  enc(w, h.flags); enc(w, h.family); enc(w, h.socktype); enc(w, h.protocol);
}
inline void enc(PayloadWriter& w, const std::vector<Addrinfo>& v) {
  w.u64(v.size());
  for (const auto& a : v) {
    enc(w, a.family); enc(w, a.socktype); enc(w, a.protocol); enc(w, a.addr); w.str(a.canonname);
  }
}

// ---- decode (outputs) ---------------------------------------------------------
template <class T>
requires(std::is_integral_v<T> || std::is_enum_v<T>)
bool dec(PayloadReader& r, T& v) {
  if constexpr (std::is_signed_v<T> && !std::is_enum_v<T>) {
    int64_t x;
    if (!r.s64(x)) return false;
    v = T(x);
  } else {
    uint64_t x;
    if (!r.u64(x)) return false;
    v = T(x);
  }
  return true;
}
inline bool dec(PayloadReader& r, std::string& s) { return r.str(s); }
inline bool dec(PayloadReader& r, std::vector<std::string>& v) {
  uint64_t n;
  if (!r.u64(n) || n > (1u << 24)) return false;
  v.resize(size_t(n));
  for (auto& s : v)
    if (!r.str(s)) return false;
  return true;
}
inline bool dec(PayloadReader& r, Fdstat& s) {
  return dec(r, s.filetype) && dec(r, s.flags) && dec(r, s.rights_base) &&
         dec(r, s.rights_inheriting);
}
inline bool dec(PayloadReader& r, Filestat& s) {
  return dec(r, s.dev) && dec(r, s.ino) && dec(r, s.filetype) && dec(r, s.nlink) &&
         dec(r, s.size) && dec(r, s.atim) && dec(r, s.mtim) && dec(r, s.ctim);
}
inline bool dec(PayloadReader& r, Prestat& s) { return dec(r, s.tag) && dec(r, s.name_len); }
inline bool dec(PayloadReader& r, std::vector<Dirent>& v) {
  uint64_t n;
  if (!r.u64(n) || n > (1u << 24)) return false;
  v.resize(size_t(n));
  for (auto& d : v)
    if (!(dec(r, d.next) && dec(r, d.ino) && dec(r, d.type) && r.str(d.name))) return false;
  return true;
}
inline bool dec(PayloadReader& r, std::vector<Subscription>& v) {
  uint64_t n;
  if (!r.u64(n) || n > (1u << 20)) return false;
  v.resize(size_t(n));
  for (auto& s : v)
    if (!(dec(r, s.userdata) && dec(r, s.type) && dec(r, s.clock_id) && dec(r, s.timeout) &&
          dec(r, s.precision) && dec(r, s.clock_flags) && dec(r, s.fd)))
      return false;
  return true;
}
inline bool dec(PayloadReader& r, std::vector<Event>& v) {
  uint64_t n;
  if (!r.u64(n) || n > (1u << 24)) return false;
  v.resize(size_t(n));
  for (auto& e : v)
    if (!(dec(r, e.userdata) && dec(r, e.error) && dec(r, e.type) && dec(r, e.nbytes) &&
          dec(r, e.flags)))
      return false;
  return true;
}
inline bool dec(PayloadReader& r, SockAddr& a) {
  std::span<const uint8_t> b;
  if (!(dec(r, a.family) && dec(r, a.port) && r.bytes(b)) || b.size() != a.addr_size()) return false;
  std::copy(b.begin(), b.end(), a.addr);
  return true;
}
inline bool dec(PayloadReader& r, AddrinfoHints& h) {
  return dec(r, h.flags) && dec(r, h.family) && dec(r, h.socktype) && dec(r, h.protocol);
}
inline bool dec(PayloadReader& r, std::vector<Addrinfo>& v) {
  uint64_t n;
  if (!r.u64(n) || n > (1u << 16)) return false;
  v.resize(size_t(n));
  for (auto& a : v)
    if (!(dec(r, a.family) && dec(r, a.socktype) && dec(r, a.protocol) && dec(r, a.addr) &&
          r.str(a.canonname)))
      return false;
  return true;
}

// ---- compare (inputs): recorded (from r) vs observed ---------------------------
// Returns "" when equal, else "recorded X, observed Y"; "corrupt" when unreadable.
std::string cmp(PayloadReader& r, uint64_t observed, bool is_signed);
std::string cmp(PayloadReader& r, std::string_view observed);
std::string cmp(PayloadReader& r, const IovecsIn& observed);
std::string cmp(PayloadReader& r, const IovecsOut& observed);
std::string cmp(PayloadReader& r, std::span<uint8_t> observed);
std::string cmp(PayloadReader& r, const std::vector<Subscription>& observed);
std::string cmp(PayloadReader& r, const SockAddr& observed);
std::string cmp(PayloadReader& r, const AddrinfoHints& observed);

template <class T>
requires(std::is_integral_v<T> || std::is_enum_v<T>)
std::string cmp(PayloadReader& r, T v) {
  if constexpr (std::is_enum_v<T>) return cmp(r, uint64_t(v), false);
  else return cmp(r, uint64_t(int64_t(v)), std::is_signed_v<T>);
}

}  // namespace tc::trace::fields
