// Typed reads of the registry's JSON metadata files that never throw
// (nlohmann's j.value() and get() throw on a wrong type). A field of the
// wrong type, or a number that does not fit its C++ type, is an error
// naming the field by its dotted path ("limits.max_call_depth"); a missing
// field keeps the caller's default unless it is required. Only the first
// error is kept, and every read after it does nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::registry {

class JsonFields {
 public:
  // Reads the fields of `obj`, which must be an object (else error()) and
  // must outlive the reader.
  explicit JsonFields(const nlohmann::json& obj);
  JsonFields(const JsonFields&) = delete;
  JsonFields& operator=(const JsonFields&) = delete;

  JsonFields& str(const char* key, std::string& out, bool required = false);
  // A string, or null / absent for nullopt.
  JsonFields& opt_str(const char* key, std::optional<std::string>& out);
  JsonFields& strings(const char* key, std::vector<std::string>& out);
  JsonFields& uint32s(const char* key, std::vector<uint32_t>& out);
  template <class T>
  JsonFields& integer(const char* key, T& out, bool required = false) {
    int64_t lo = int64_t(std::numeric_limits<T>::min());
    uint64_t hi = uint64_t(std::numeric_limits<T>::max());
    if (auto v = int_in(key, required, lo, hi)) out = T(*v);
    return *this;
  }
  // A nested object's fields (an absent optional one reads as empty).
  JsonFields object(const char* key, bool required = false);
  // Each element of an array of objects.
  JsonFields& each(const char* key, const std::function<void(JsonFields&)>& fn);

  // The first problem, e.g. field "module.size" is not an integer.
  const std::optional<std::string>& error() const { return *err_; }

 private:
  JsonFields(const nlohmann::json* obj, std::string path, std::optional<std::string>* err);
  // The field's value; null when absent (an error if required) or after an error.
  const nlohmann::json* find(const char* key, bool required);
  // The integer's value as int64 bits when it lies in [lo, hi].
  std::optional<int64_t> int_in(const char* key, bool required, int64_t lo, uint64_t hi);
  std::optional<int64_t> int_value(const std::string& key, const nlohmann::json& v, int64_t lo,
                                   uint64_t hi);
  void fail(const std::string& key, const std::string& why);

  const nlohmann::json* obj_;  // null: an absent optional object
  std::string path_;           // "" or "limits."
  std::optional<std::string> own_err_;
  std::optional<std::string>* err_;  // the outermost reader's
};

}  // namespace tc::registry
