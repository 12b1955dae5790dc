#include "registry/json_fields.hpp"

namespace tc::registry {

using json = nlohmann::json;

JsonFields::JsonFields(const json& obj) : obj_(&obj), err_(&own_err_) {
  if (!obj.is_object()) own_err_ = "not a JSON object";
}

JsonFields::JsonFields(const json* obj, std::string path, std::optional<std::string>* err)
    : obj_(obj), path_(std::move(path)), err_(err) {}

void JsonFields::fail(const std::string& key, const std::string& why) {
  if (!*err_) *err_ = "field \"" + path_ + key + "\" " + why;
}

const json* JsonFields::find(const char* key, bool required) {
  if (*err_) return nullptr;
  if (obj_) {
    auto it = obj_->find(key);
    if (it != obj_->end() && !(it->is_null() && !required)) return &*it;
  }
  if (required) fail(key, "is missing");
  return nullptr;
}

JsonFields& JsonFields::str(const char* key, std::string& out, bool required) {
  if (const json* v = find(key, required)) {
    if (v->is_string()) out = v->get<std::string>();
    else fail(key, "is not a string");
  }
  return *this;
}

JsonFields& JsonFields::opt_str(const char* key, std::optional<std::string>& out) {
  if (const json* v = find(key, false)) {
    if (v->is_string()) out = v->get<std::string>();
    else fail(key, "is not a string or null");
  }
  return *this;
}

JsonFields& JsonFields::strings(const char* key, std::vector<std::string>& out) {
  const json* v = find(key, false);
  if (!v) return *this;
  if (!v->is_array()) {
    fail(key, "is not an array");
    return *this;
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      fail(std::string(key) + "[" + std::to_string(i) + "]", "is not a string");
      return *this;
    }
    items.push_back((*v)[i].get<std::string>());
  }
  out = std::move(items);
  return *this;
}

std::optional<int64_t> JsonFields::int_in(const char* key, bool required, int64_t lo, uint64_t hi) {
  const json* v = find(key, required);
  return v ? int_value(key, *v, lo, hi) : std::nullopt;
}

std::optional<int64_t> JsonFields::int_value(const std::string& key, const json& v, int64_t lo,
                                             uint64_t hi) {
  std::string range = "(" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u <= hi) return int64_t(u);
    fail(key, "is out of range: " + std::to_string(u) + " " + range);
  } else if (v.is_number_integer()) {
    int64_t s = v.get<int64_t>();
    if (s >= lo && (s < 0 || uint64_t(s) <= hi)) return s;
    fail(key, "is out of range: " + std::to_string(s) + " " + range);
  } else {
    fail(key, "is not an integer");
  }
  return std::nullopt;
}

JsonFields& JsonFields::uint32s(const char* key, std::vector<uint32_t>& out) {
  const json* v = find(key, false);
  if (!v) return *this;
  if (!v->is_array()) {
    fail(key, "is not an array");
    return *this;
  }
  std::vector<uint32_t> items;
  for (size_t i = 0; i < v->size(); ++i) {
    auto x = int_value(std::string(key) + "[" + std::to_string(i) + "]", (*v)[i], 0, UINT32_MAX);
    if (!x) return *this;
    items.push_back(uint32_t(*x));
  }
  out = std::move(items);
  return *this;
}

JsonFields JsonFields::object(const char* key, bool required) {
  const json* v = find(key, required);
  if (v && !v->is_object()) {
    fail(key, "is not an object");
    v = nullptr;
  }
  return JsonFields(v, path_ + key + ".", err_);
}

JsonFields& JsonFields::each(const char* key, const std::function<void(JsonFields&)>& fn) {
  const json* v = find(key, false);
  if (!v) return *this;
  if (!v->is_array()) {
    fail(key, "is not an array");
    return *this;
  }
  for (size_t i = 0; i < v->size() && !*err_; ++i) {
    std::string elem = std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*v)[i].is_object()) {
      fail(elem, "is not an object");
      break;
    }
    JsonFields sub(&(*v)[i], path_ + elem + ".", err_);
    fn(sub);
  }
  return *this;
}

}  // namespace tc::registry
