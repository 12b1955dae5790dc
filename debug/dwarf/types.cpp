#include "debug/dwarf/types.hpp"

#include <sstream>

namespace tc::debug {

TypeTable::TypeTable() {
  Type v;
  v.kind = TypeKind::Void;
  v.name = "void";
  types_.push_back(v);
}

TypeId TypeTable::add(Type t) {
  types_.push_back(std::move(t));
  return TypeId(types_.size() - 1);
}

TypeId TypeTable::strip(TypeId id) const {
  for (int guard = 0; guard < 64; ++guard) {
    const Type& t = (*this)[id];
    if (t.kind != TypeKind::Typedef && t.kind != TypeKind::Const &&
        t.kind != TypeKind::Volatile && t.kind != TypeKind::Restrict)
      return id;
    id = t.target;
  }
  return id;
}

TypeId TypeTable::strip_typedefs(TypeId id) const {
  for (int guard = 0; guard < 64 && (*this)[id].kind == TypeKind::Typedef; ++guard)
    id = (*this)[id].target;
  return id;
}

uint64_t TypeTable::size_of(TypeId id) const {
  id = strip(id);
  const Type& t = (*this)[id];
  switch (t.kind) {
    case TypeKind::Pointer: return t.size ? t.size : 4;
    case TypeKind::Array: {
      if (t.size) return t.size;
      uint64_t n = size_of(t.target);
      for (uint64_t d : t.dims) {
        if (d && n > UINT64_MAX / d) return UINT64_MAX;  // saturate: callers bound sizes
        n *= d;
      }
      return n;
    }
    case TypeKind::Enum: return t.size ? t.size : (t.target ? size_of(t.target) : 4);
    case TypeKind::Void: return 1;  // as gcc/gdb do for void* arithmetic
    default: return t.size;
  }
}

bool TypeTable::is_integer(TypeId id) const {
  const Type& t = resolved(id);
  return (t.kind == TypeKind::Base && t.encoding != Encoding::Float &&
          t.encoding != Encoding::None) ||
         t.kind == TypeKind::Enum;
}
bool TypeTable::is_float(TypeId id) const {
  const Type& t = resolved(id);
  return t.kind == TypeKind::Base && t.encoding == Encoding::Float;
}
bool TypeTable::is_pointer(TypeId id) const { return resolved(id).kind == TypeKind::Pointer; }
bool TypeTable::is_array(TypeId id) const { return resolved(id).kind == TypeKind::Array; }
bool TypeTable::is_aggregate(TypeId id) const {
  TypeKind k = resolved(id).kind;
  return k == TypeKind::Struct || k == TypeKind::Union || k == TypeKind::Class;
}
bool TypeTable::is_signed(TypeId id) const {
  const Type& t = resolved(id);
  if (t.kind == TypeKind::Enum) {
    if (t.target) return is_signed(t.target);
    for (const auto& e : t.enumerators)
      if (e.value < 0) return true;
    return false;
  }
  return t.kind == TypeKind::Base &&
         (t.encoding == Encoding::Signed || t.encoding == Encoding::SignedChar);
}
bool TypeTable::is_char(TypeId id) const {
  const Type& t = resolved(id);
  return t.kind == TypeKind::Base && t.size == 1 &&
         (t.encoding == Encoding::SignedChar || t.encoding == Encoding::UnsignedChar);
}

TypeId TypeTable::pointee(TypeId id) const {
  const Type& t = resolved(id);
  if (t.kind == TypeKind::Pointer) return t.target;
  if (t.kind == TypeKind::Array) return t.dims.size() > 1 ? kVoid : t.target;
  return kVoid;
}

TypeId TypeTable::element_of(TypeId id) {
  const Type& t = resolved(id);
  if (t.kind != TypeKind::Array) return kVoid;
  if (t.dims.size() <= 1) return t.target;
  TypeId elem = t.target;
  std::vector<uint64_t> sub(t.dims.begin() + 1, t.dims.end());
  return array_of(elem, std::move(sub));  // may grow the table: copy first
}

TypeId TypeTable::pointer_to(TypeId id) {
  auto it = pointer_cache_.find(id);
  if (it != pointer_cache_.end()) return it->second;
  for (TypeId i = 1; i < types_.size(); ++i)
    if (types_[i].kind == TypeKind::Pointer && types_[i].target == id) {
      pointer_cache_[id] = i;
      return i;
    }
  Type p;
  p.kind = TypeKind::Pointer;
  p.size = 4;
  p.target = id;
  TypeId r = add(std::move(p));
  pointer_cache_[id] = r;
  return r;
}

TypeId TypeTable::array_of(TypeId element, std::vector<uint64_t> dims) {
  for (TypeId i = 1; i < types_.size(); ++i)
    if (types_[i].kind == TypeKind::Array && types_[i].target == element &&
        types_[i].dims == dims)
      return i;
  Type a;
  a.kind = TypeKind::Array;
  a.target = element;
  a.dims = std::move(dims);
  return add(std::move(a));
}

std::string canonical_base_name(const std::string& spelled) {
  std::istringstream in(spelled);
  std::string w;
  int longs = 0;
  bool uns = false, sig = false, shrt = false, chr = false, integer = false, other = false;
  std::string rest;
  while (in >> w) {
    if (w == "long") ++longs;
    else if (w == "unsigned") uns = true;
    else if (w == "signed") sig = true;
    else if (w == "short") shrt = true;
    else if (w == "char") chr = true;
    else if (w == "int") integer = true;
    else {
      other = true;
      rest += (rest.empty() ? "" : " ") + w;
    }
  }
  if (other) {
    // double, long double, float, _Bool, __int128 ...
    if (longs == 1 && rest == "double") return "long double";
    if (!uns && !sig && !shrt && !chr && !integer && !longs) return rest;
    if (rest == "__int128") return uns ? "unsigned __int128" : "__int128";
    return spelled;
  }
  if (chr) return uns ? "unsigned char" : sig ? "signed char" : "char";
  std::string core = shrt ? "short" : longs >= 2 ? "long long" : longs == 1 ? "long" : "int";
  if (!shrt && !longs && !integer && !uns && !sig) return spelled;
  return uns ? "unsigned " + core : core;
}

std::optional<TypeId> TypeTable::synth_base(const std::string& c) {
  struct B { const char* name; uint64_t size; Encoding enc; };
  static const B kBases[] = {
      {"char", 1, Encoding::SignedChar},       {"signed char", 1, Encoding::SignedChar},
      {"unsigned char", 1, Encoding::UnsignedChar}, {"short", 2, Encoding::Signed},
      {"unsigned short", 2, Encoding::Unsigned}, {"int", 4, Encoding::Signed},
      {"unsigned int", 4, Encoding::Unsigned},  {"long", 4, Encoding::Signed},
      {"unsigned long", 4, Encoding::Unsigned}, {"long long", 8, Encoding::Signed},
      {"unsigned long long", 8, Encoding::Unsigned}, {"float", 4, Encoding::Float},
      {"double", 8, Encoding::Float},           {"long double", 16, Encoding::Float},
      {"_Bool", 1, Encoding::Bool},
  };
  for (const auto& b : kBases)
    if (c == b.name) {
      Type t;
      t.kind = TypeKind::Base;
      t.name = b.name;
      t.size = b.size;
      t.encoding = b.enc;
      TypeId id = add(std::move(t));
      by_name_[c] = id;
      return id;
    }
  if (c == "void") return kVoid;
  return std::nullopt;
}

std::optional<TypeId> TypeTable::find(const std::string& spelled) {
  std::istringstream in(spelled);
  std::string first, rest, w;
  in >> first;
  while (in >> w) rest += (rest.empty() ? "" : " ") + w;
  std::string key;
  if (first == "struct" || first == "union" || first == "enum" || first == "class")
    key = first + " " + rest;
  else
    key = canonical_base_name(spelled);
  auto it = by_name_.find(key);
  if (it != by_name_.end()) return it->second;
  if (first == "struct" || first == "union" || first == "enum" || first == "class")
    return std::nullopt;
  return synth_base(key);
}

void TypeTable::index_name(TypeId id) {
  const Type& t = types_[id];
  if (t.name.empty()) return;
  std::string key;
  switch (t.kind) {
    case TypeKind::Base: key = canonical_base_name(t.name); break;
    case TypeKind::Typedef: key = t.name; break;
    case TypeKind::Struct: key = "struct " + t.name; break;
    case TypeKind::Union: key = "union " + t.name; break;
    case TypeKind::Class: key = "class " + t.name; break;
    case TypeKind::Enum: key = "enum " + t.name; break;
    default: return;
  }
  auto it = by_name_.find(key);
  if (it == by_name_.end()) {
    by_name_[key] = id;
  } else if (types_[it->second].declaration && !t.declaration) {
    it->second = id;
  }
}

std::vector<std::string> TypeTable::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : by_name_) out.push_back(k);
  return out;
}

}  // namespace tc::debug
