// A decoded field of a host call, typed: what `timecraft trace` prints as
// text, JSON or YAML (trace/call_text.hpp, tools/record_format.hpp), built
// once by the decoder (trace/decode.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "wasi/type_names.hpp"

namespace tc::trace {

struct FieldMember;

struct FieldValue {
  enum class Type : uint8_t {
    Unsigned,  // number
    Signed,    // number holds the int64_t's bits
    Named,     // an enum or flag set: number, names
    Errno,     // number is a wasi::Errno
    Length,    // the size of a guest buffer the call fills: number
    Bytes,     // bytes
    Text,      // bytes, a value already in words (a socket address: "127.0.0.1:80")
    List,      // members, unnamed
    Record,    // members, named
  };
  Type type = Type::Unsigned;
  uint64_t number = 0;
  wasi::NameSet names = wasi::NameSet::None;
  // Bytes a call moved between the guest and the world (what it wrote, or
  // read into guest memory), as opposed to a path or an argument string:
  // `trace -x` shows these as a hexdump.
  bool payload = false;
  std::string bytes;
  std::vector<FieldMember> members;

  static FieldValue unsigned_(uint64_t v);
  static FieldValue signed_(int64_t v);
  static FieldValue named(wasi::NameSet s, uint64_t v);
  static FieldValue errno_(uint64_t v);
  static FieldValue length(uint64_t v);
  static FieldValue bytes_of(std::string b, bool payload);
  static FieldValue text(std::string t);
  static FieldValue list();
  static FieldValue record();
  // Appends a member (a List's item when `name` is empty).
  FieldValue& add(std::string name, FieldValue v, bool detail = false);
};

struct FieldMember {
  std::string name;
  FieldValue value;
  // Left out of the text unless verbose (an inode, a second rights set):
  // JSON and YAML always have it.
  bool detail = false;
};

// (Defined here: a FieldValue needs FieldMember complete.)
inline FieldValue make_value(FieldValue::Type t, uint64_t v = 0,
                             wasi::NameSet s = wasi::NameSet::None) {
  FieldValue f;
  f.type = t;
  f.number = v;
  f.names = s;
  return f;
}
inline FieldValue FieldValue::unsigned_(uint64_t v) { return make_value(Type::Unsigned, v); }
inline FieldValue FieldValue::signed_(int64_t v) { return make_value(Type::Signed, uint64_t(v)); }
inline FieldValue FieldValue::named(wasi::NameSet s, uint64_t v) { return make_value(Type::Named, v, s); }
inline FieldValue FieldValue::errno_(uint64_t v) { return make_value(Type::Errno, v); }
inline FieldValue FieldValue::length(uint64_t v) { return make_value(Type::Length, v); }
inline FieldValue FieldValue::bytes_of(std::string b, bool payload) {
  FieldValue f = make_value(Type::Bytes);
  f.payload = payload;
  f.bytes = std::move(b);
  return f;
}
inline FieldValue FieldValue::text(std::string t) {
  FieldValue f = make_value(Type::Text);
  f.bytes = std::move(t);
  return f;
}
inline FieldValue FieldValue::list() { return make_value(Type::List); }
inline FieldValue FieldValue::record() { return make_value(Type::Record); }
inline FieldValue& FieldValue::add(std::string name, FieldValue v, bool detail) {
  members.push_back({std::move(name), std::move(v), detail});
  return *this;
}

}  // namespace tc::trace
