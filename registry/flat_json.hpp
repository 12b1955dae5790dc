// A fast reader for one flat JSON object: members whose values are
// strings, integers, booleans or null, nothing nested. The process index
// has thousands of such lines, read at every listing; a general JSON
// parser (building a tree per line) is most of a listing's time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tc::registry {

struct FlatValue {
  enum class Kind { String, Integer, Bool, Null } kind = Kind::Null;
  std::string str;        // String: decoded (escapes resolved, UTF-8)
  bool negative = false;  // Integer: sign and magnitude
  uint64_t magnitude = 0;
  bool boolean = false;

  // The integer when it is one and lies in [lo, hi].
  bool int_in(int64_t lo, uint64_t hi, int64_t& out) const;
};

class FlatObjectReader {
 public:
  explicit FlatObjectReader(std::string_view text);
  // The next member; false at the end of the object or at an error
  // (ok() tells which: a valid object ends with "}" and then only blanks).
  bool next(std::string& key, FlatValue& value);
  bool ok() const { return ok_; }

 private:
  void blanks();
  bool string(std::string& out);
  bool hex4(uint32_t& out);
  bool value(FlatValue& v);
  bool fail() { return ok_ = false; }
  std::string_view s_;
  size_t i_ = 0;
  bool ok_ = true, first_ = true, done_ = false;
};

}  // namespace tc::registry
