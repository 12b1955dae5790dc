// DWARF type DIEs -> TypeTable entries.
#include "debug/dwarf/loader_impl.hpp"

namespace tc::debug::loader_detail {

TypeId Loader::type_ref(Dwarf_Die d) {
  auto off = from_origin(d, [&](Dwarf_Die x) { return ref(x, DW_AT_type); });
  if (!off) return kVoid;
  return type_at(*off);
}

TypeId Loader::type_at(Dwarf_Off off) {
  auto it = type_memo_.find(off);
  if (it != type_memo_.end()) return it->second;
  if (++type_depth_ > 200) { --type_depth_; fail_plain("types nested too deeply"); return kVoid; }
  Die d = offdie(off);
  TypeId id = d ? build_type(d.get(), off) : kVoid;
  --type_depth_;
  return id;
}

TypeId Loader::build_type(Dwarf_Die d, Dwarf_Off off) {
  Type t;
  Dwarf_Half tag = tag_of(d);
  t.name = str(d, DW_AT_name).value_or("");
  t.size = udata(d, DW_AT_byte_size).value_or(0);
  t.declaration = flag(d, DW_AT_declaration);
  switch (tag) {
    case DW_TAG_base_type: {
      t.kind = TypeKind::Base;
      switch (udata(d, DW_AT_encoding).value_or(0)) {
        case DW_ATE_boolean: t.encoding = Encoding::Bool; break;
        case DW_ATE_float: t.encoding = Encoding::Float; break;
        case DW_ATE_signed: t.encoding = Encoding::Signed; break;
        case DW_ATE_signed_char: t.encoding = Encoding::SignedChar; break;
        case DW_ATE_unsigned: t.encoding = Encoding::Unsigned; break;
        case DW_ATE_unsigned_char: t.encoding = Encoding::UnsignedChar; break;
        case DW_ATE_UTF: t.encoding = Encoding::Unsigned; break;
        default: t.encoding = Encoding::None; break;
      }
      break;
    }
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
      t.kind = TypeKind::Pointer;
      if (!t.size) t.size = 4;
      break;
    case DW_TAG_typedef: t.kind = TypeKind::Typedef; break;
    case DW_TAG_const_type: t.kind = TypeKind::Const; break;
    case DW_TAG_volatile_type: t.kind = TypeKind::Volatile; break;
    case DW_TAG_restrict_type: t.kind = TypeKind::Restrict; break;
    case DW_TAG_structure_type: t.kind = TypeKind::Struct; break;
    case DW_TAG_union_type: t.kind = TypeKind::Union; break;
    case DW_TAG_class_type: t.kind = TypeKind::Class; break;
    case DW_TAG_array_type: t.kind = TypeKind::Array; break;
    case DW_TAG_enumeration_type: t.kind = TypeKind::Enum; break;
    case DW_TAG_subroutine_type: t.kind = TypeKind::Function; break;
    case DW_TAG_unspecified_type:  // C++ decltype(nullptr)
      t.kind = TypeKind::Unknown;
      break;
    default:
      t.kind = TypeKind::Unknown;
      if (t.name.empty()) t.name = "<unknown type " + hex(tag) + ">";
      break;
  }
  // Register before following references: recursive types end here.
  TypeId id = out_.types.add(t);
  type_memo_[off] = id;
  if (failed_) return id;
  TypeId target = kVoid;
  if (auto r = ref(d, DW_AT_type)) target = type_at(*r);
  std::vector<Member> members;
  std::vector<uint64_t> dims;
  std::vector<Enumerator> enums;
  std::vector<TypeId> params;
  bool variadic = false;
  uint64_t agg_size = t.size;
  bool enum_signed = target != kVoid && out_.types.is_signed(target);
  if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type ||
      tag == DW_TAG_array_type || tag == DW_TAG_enumeration_type || tag == DW_TAG_subroutine_type) {
    for_children(d, [&](Dwarf_Die c) {
      Dwarf_Half ct = tag_of(c);
      if (ct == DW_TAG_member && tag != DW_TAG_array_type) {
        if (flag(c, DW_AT_external)) return true;  // C++ static member
        Member m;
        m.name = str(c, DW_AT_name).value_or("");
        if (auto r = ref(c, DW_AT_type)) m.type = type_at(*r);
        member_offset(c, m, agg_size);
        members.push_back(std::move(m));
      } else if (ct == DW_TAG_subrange_type) {
        if (auto n = udata(c, DW_AT_count)) dims.push_back(*n);
        else if (auto ub = sdata(c, DW_AT_upper_bound)) {
          int64_t lb = sdata(c, DW_AT_lower_bound).value_or(0);
          dims.push_back(*ub >= lb ? uint64_t(*ub - lb + 1) : 0);
        } else dims.push_back(0);
      } else if (ct == DW_TAG_enumerator) {
        Enumerator e;
        e.name = str(c, DW_AT_name).value_or("");
        if (auto v = sdata(c, DW_AT_const_value)) {
          e.value = *v;
          // data1/2/4 of a signed enum are sign-extended.
          if (enum_signed && t.size && t.size < 8) {
            int bits = int(t.size * 8);
            uint64_t u = uint64_t(*v) & ((uint64_t(1) << bits) - 1);
            if (u >> (bits - 1)) u |= ~uint64_t(0) << bits;
            e.value = int64_t(u);
          }
        }
        enums.push_back(std::move(e));
      } else if (ct == DW_TAG_formal_parameter && tag == DW_TAG_subroutine_type) {
        TypeId p = kVoid;
        if (auto r = ref(c, DW_AT_type)) p = type_at(*r);
        params.push_back(p);
      } else if (ct == DW_TAG_unspecified_parameters) {
        variadic = true;
      }
      return !failed_;
    });
  }
  Type& stored = out_.types.at(id);
  stored.target = target;
  stored.members = std::move(members);
  stored.dims = std::move(dims);
  stored.enumerators = std::move(enums);
  stored.params = std::move(params);
  stored.variadic = variadic;
  if (tag == DW_TAG_enumeration_type && !enum_signed) {
    for (const auto& e : stored.enumerators)
      if (e.value < 0) enum_signed = true;
  }
  out_.types.index_name(id);
  return id;
}

void Loader::member_offset(Dwarf_Die c, Member& m, uint64_t agg_size) {
  Attr a;
  if (get_attr(c, DW_AT_data_member_location, a)) {
    if (auto v = udata_of(a.a)) {
      m.offset = *v;
    } else if (auto b = block(a.a)) {
      // DW_OP_plus_uconst N (what compilers emit for member offsets).
      if (!b->empty() && (*b)[0] == 0x23) {
        uint64_t v = 0;
        int shift = 0;
        for (size_t i = 1; i < b->size() && shift < 64; ++i, shift += 7) {
          v |= uint64_t((*b)[i] & 0x7f) << shift;
          if (!((*b)[i] & 0x80)) break;
        }
        m.offset = v;
      }
    }
  }
  auto bits = udata(c, DW_AT_bit_size);
  if (!bits) return;
  m.bit_size = uint32_t(*bits);
  if (auto dbo = udata(c, DW_AT_data_bit_offset)) {
    m.offset = *dbo / 8;
    m.bit_offset = uint32_t(*dbo % 8);
  } else if (auto bo = udata(c, DW_AT_bit_offset)) {
    // DWARF 2/3: from the most significant bit of a storage unit of
    // DW_AT_byte_size (little-endian target).
    uint64_t unit = udata(c, DW_AT_byte_size).value_or(4);
    uint64_t total = m.offset * 8 + unit * 8 - *bo - m.bit_size;
    m.offset = total / 8;
    m.bit_offset = uint32_t(total % 8);
  }
  (void)agg_size;
}

}  // namespace tc::debug::loader_detail
