// Evaluation of parsed C expressions (c_expr.hpp) over DebugInfo + a frame.
#include <cstdio>
#include <cstring>

#include "debug/dwarf/c_expr.hpp"
#include "debug/dwarf/debug_info.hpp"

namespace tc::debug {
namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}
Error usage(const std::string& m) { return make_error(ErrorKind::Usage, m); }

class Evaluator {
 public:
  explicit Evaluator(const EvalScope& s) : s_(s), types_(s.info->types()) {}

  Expected<Value> eval(const ExprNode& n) {
    switch (n.kind) {
      case ExprNode::Kind::Ident: return ident(n.name);
      case ExprNode::Kind::Int: return literal(n);
      case ExprNode::Kind::Char: return make_scalar(types_, base("char"), n.int_value);
      case ExprNode::Kind::Unary: return unary(n);
      case ExprNode::Kind::Binary: return binary(n);
      case ExprNode::Kind::Member: {
        auto a = eval(*n.a);
        if (!a) return a;
        return member(std::move(*a), n.name);
      }
      case ExprNode::Kind::Arrow: {
        auto a = eval(*n.a);
        if (!a) return a;
        const Type& t = types_.resolved(a->type);
        if (t.kind != TypeKind::Pointer || !types_.is_aggregate(t.target)) {
          if (types_.is_aggregate(a->type)) return member(std::move(*a), n.name);  // gdb allows s->m
          return usage("The -> operator must be applied to a pointer to a structure or union.");
        }
        auto d = deref(*a);
        if (!d) return d;
        return member(std::move(*d), n.name);
      }
      case ExprNode::Kind::Index: return index(n);
      case ExprNode::Kind::Cast: return cast(n);
      case ExprNode::Kind::At: return at(n);
      case ExprNode::Kind::SizeofType: {
        auto t = resolve_type_name(*s_.info, n.cast);
        if (!t) return t.error();
        return make_scalar(types_, base("unsigned long"), types_.size_of(*t));
      }
      case ExprNode::Kind::SizeofExpr: {
        // The operand's type only; nothing is read (it may even be a bad pointer).
        auto t = type_of(*n.a);
        if (!t) return t.error();
        return make_scalar(types_, base("unsigned long"), types_.size_of(*t));
      }
    }
    return usage("unsupported expression");
  }

 private:
  TypeId base(const char* name) { return *types_.find(name); }

  Expected<Value> ident(const std::string& name) {
    for (const auto& v : s_.info->variables_at(s_.pc, s_.frame))
      if (v.var->name == name) return read_variable(*s_.info, *v.var, v.function, s_.pc, s_.access);
    const Function* fn = s_.info->function_at(s_.pc);
    std::optional<uint32_t> cu;
    if (fn) cu = fn->cu;
    if (const Variable* g = s_.info->find_global(name, cu))
      return read_variable(*s_.info, *g, nullptr, s_.pc, s_.access);
    if (auto e = s_.info->find_enumerator(name)) return make_scalar(types_, e->first, uint64_t(e->second));
    return usage("No symbol \"" + name + "\" in current context.");
  }

  Expected<Value> literal(const ExprNode& n) {
    uint64_t v = n.int_value;
    // C's rules with wasm32 sizes (long is 32 bits): the first type that
    // holds the value; hex literals above INT_MAX are unsigned (lexer).
    const char* t;
    if (!n.is_unsigned && v <= 0x7fffffffull) t = n.is_long ? "long" : "int";
    else if (n.is_unsigned && v <= 0xffffffffull) t = n.is_long ? "unsigned long" : "unsigned int";
    else if (!n.is_unsigned && v <= 0x7fffffffffffffffull) t = "long long";
    else t = "unsigned long long";
    return make_scalar(types_, base(t), v);
  }

  // Arrays used as values decay to a pointer to their first element.
  Expected<Value> decay(Value v) {
    if (!types_.is_array(v.type)) return v;
    if (!v.address) return usage("Attempt to take address of value not located in memory.");
    TypeId elem = types_.element_of(v.type);
    return make_scalar(types_, types_.pointer_to(elem), *v.address);
  }

  Expected<Value> deref_at(TypeId type, uint64_t addr) {
    Value v;
    v.type = type;
    v.address = addr & 0xffffffffu;
    // Aggregates and arrays stay lazy (a member or element is read on its
    // own, as gdb does); evaluate_expression() reads the final value.
    TypeKind k = types_.resolved(type).kind;
    if (k == TypeKind::Function || types_.is_aggregate(type) || k == TypeKind::Array) return v;
    {
      auto r = fetch(v, types_, s_.access);
      if (!r) return r.error();
    }
    return v;
  }

  Expected<Value> deref(const Value& in) {
    auto d = decay(in);
    if (!d) return d;
    const Type& t = types_.resolved(d->type);
    if (t.kind == TypeKind::Pointer) {
      if (types_.strip(t.target) == kVoid) return usage("Attempt to take contents of a non-pointer value.");
      auto a = as_int(*d, types_);
      if (!a) return a.error();
      return deref_at(t.target, uint64_t(*a));
    }
    if (types_.is_integer(d->type)) {  // gdb: *ADDR reads an int there
      auto a = as_int(*d, types_);
      if (!a) return a.error();
      return deref_at(base("int"), uint64_t(*a));
    }
    return usage("Attempt to take contents of a non-pointer value.");
  }

  Expected<Value> unary(const ExprNode& n) {
    auto a = eval(*n.a);
    if (!a) return a;
    if (n.name == "*") return deref(*a);
    if (n.name == "&") {
      if (a->bit_size) return usage("Attempt to take address of value not located in memory.");
      if (!a->address) return usage("Attempt to take address of value not located in memory.");
      return make_scalar(types_, types_.pointer_to(a->type), *a->address);
    }
    if (a->optimized_out) return usage("value has been optimized out");
    auto v = decay(std::move(*a));
    if (!v) return v;
    if (n.name == "!") {
      auto z = is_zero(*v);
      if (!z) return z.error();
      return make_scalar(types_, base("int"), *z ? 1 : 0);
    }
    if (types_.is_float(v->type)) {
      if (n.name != "-") return usage("Argument to complement operation not an integer, boolean.");
      auto d = as_double(*v, types_);
      if (!d) return d.error();
      return make_float(types_, v->type, -*d);
    }
    if (!types_.is_integer(v->type)) return usage("Argument to arithmetic operation not a number or boolean.");
    TypeId t = promote(v->type);
    auto i = as_int(*v, types_);
    if (!i) return i.error();
    uint64_t r = n.name == "-" ? 0 - uint64_t(*i) : ~uint64_t(*i);
    return make_scalar(types_, t, r);
  }

  Expected<bool> is_zero(const Value& v) {
    if (types_.is_float(v.type)) {
      auto d = as_double(v, types_);
      if (!d) return d.error();
      return *d == 0;
    }
    if (!types_.is_scalar(v.type)) return usage("Argument to logical operation not a number or pointer.");
    auto i = as_int(v, types_);
    if (!i) return i.error();
    return *i == 0;
  }

  // Integer promotion: smaller than int -> int (bool, char, short, enums).
  TypeId promote(TypeId t) {
    if (types_.size_of(t) < 4 || types_.resolved(t).kind == TypeKind::Enum ||
        types_.resolved(t).encoding == Encoding::Bool)
      return base(types_.size_of(t) == 4 && !types_.is_signed(t) && types_.resolved(t).kind == TypeKind::Enum
                      ? "unsigned int" : "int");
    return t;
  }
  // Usual arithmetic conversions for two integer types.
  TypeId common(TypeId a, TypeId b) {
    a = promote(a);
    b = promote(b);
    uint64_t sa = types_.size_of(a), sb = types_.size_of(b);
    uint64_t size = std::max(sa, sb);
    bool uns = (sa == size && !types_.is_signed(a)) || (sb == size && !types_.is_signed(b));
    if (size >= 8) return base(uns ? "unsigned long long" : "long long");
    return base(uns ? "unsigned int" : "int");
  }

  Expected<Value> binary(const ExprNode& n) {
    auto l0 = eval(*n.a);
    if (!l0) return l0;
    auto r0 = eval(*n.b);
    if (!r0) return r0;
    if (l0->optimized_out || r0->optimized_out) return usage("value has been optimized out");
    auto l = decay(std::move(*l0));
    if (!l) return l;
    auto r = decay(std::move(*r0));
    if (!r) return r;
    const std::string& op = n.name;
    if (op == "&&" || op == "||") {
      auto zl = is_zero(*l);
      if (!zl) return zl.error();
      auto zr = is_zero(*r);
      if (!zr) return zr.error();
      bool v = op == "&&" ? (!*zl && !*zr) : (!*zl || !*zr);
      return make_scalar(types_, base("int"), v);
    }
    bool lp = types_.is_pointer(l->type), rp = types_.is_pointer(r->type);
    if (lp || rp) return pointer_op(op, *l, *r, lp, rp);
    bool lf = types_.is_float(l->type), rf = types_.is_float(r->type);
    if (!types_.is_scalar(l->type) || !types_.is_scalar(r->type))
      return usage("Argument to arithmetic operation not a number or boolean.");
    bool cmp = op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
    if (lf || rf) {
      auto x = as_double(*l, types_);
      if (!x) return x.error();
      auto y = as_double(*r, types_);
      if (!y) return y.error();
      if (cmp) return make_scalar(types_, base("int"), compare(op, *x < *y, *x == *y));
      double v;
      if (op == "+") v = *x + *y;
      else if (op == "-") v = *x - *y;
      else if (op == "*") v = *x * *y;
      else if (op == "/") v = *x / *y;
      else return usage("Integer only operation %.");
      TypeId t = base("double");
      if (lf && rf && types_.size_of(l->type) == 4 && types_.size_of(r->type) == 4) t = l->type;
      if ((lf && types_.size_of(l->type) == 16) || (rf && types_.size_of(r->type) == 16)) t = base("long double");
      return make_float(types_, t, v);
    }
    TypeId t = common(l->type, r->type);
    auto x = as_int(*l, types_);
    if (!x) return x.error();
    auto y = as_int(*r, types_);
    if (!y) return y.error();
    bool uns = !types_.is_signed(t);
    uint64_t size = types_.size_of(t);
    auto norm = [&](int64_t v) -> uint64_t {
      uint64_t u = uint64_t(v);
      return size == 4 ? (uns ? (u & 0xffffffffu) : uint64_t(int64_t(int32_t(uint32_t(u))))) : u;
    };
    uint64_t a = norm(*x), b = norm(*y);
    if (cmp) {
      bool less = uns ? a < b : int64_t(a) < int64_t(b);
      return make_scalar(types_, base("int"), compare(op, less, a == b));
    }
    uint64_t v;
    if (op == "+") v = a + b;
    else if (op == "-") v = a - b;
    else if (op == "*") v = a * b;
    else {
      if (b == 0) return usage("Division by zero");
      if (!uns && int64_t(b) == -1) v = op == "/" ? 0 - a : 0;  // INT64_MIN / -1 overflows (SIGFPE)
      else if (op == "/") v = uns ? a / b : uint64_t(int64_t(a) / int64_t(b));
      else v = uns ? a % b : uint64_t(int64_t(a) % int64_t(b));
    }
    return make_scalar(types_, t, v);
  }

  static bool compare(const std::string& op, bool less, bool eq) {
    if (op == "==") return eq;
    if (op == "!=") return !eq;
    if (op == "<") return less;
    if (op == "<=") return less || eq;
    if (op == ">") return !less && !eq;
    return !less;  // >=
  }

  Expected<Value> pointer_op(const std::string& op, const Value& l, const Value& r, bool lp, bool rp) {
    auto x = as_int(l, types_);
    if (!x) return x.error();
    auto y = as_int(r, types_);
    if (!y) return y.error();
    uint64_t a = uint64_t(*x) & 0xffffffffu, b = uint64_t(*y) & 0xffffffffu;
    if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      if (!lp) a = uint64_t(*x);
      if (!rp) b = uint64_t(*y);
      return make_scalar(types_, base("int"), compare(op, a < b, a == b));
    }
    if (lp && rp) {
      if (op != "-") return usage("Argument to arithmetic operation not a number or boolean.");
      uint64_t size = types_.size_of(types_.pointee(l.type));
      if (size == 0) size = 1;
      if (size != std::max<uint64_t>(types_.size_of(types_.pointee(r.type)), 1))
        return usage("First argument of `-' is a pointer and second argument is neither\nan integer nor a pointer of the same type.");
      int64_t d = (int64_t(int32_t(uint32_t(a))) - int64_t(int32_t(uint32_t(b)))) / int64_t(size);
      return make_scalar(types_, base("long"), uint64_t(d));
    }
    const Value& p = lp ? l : r;
    int64_t i = lp ? *y : *x;
    if (!types_.is_integer(lp ? r.type : l.type))
      return usage("Argument to arithmetic operation not a number or boolean.");
    if (op != "+" && !(op == "-" && lp)) return usage("Argument to arithmetic operation not a number or boolean.");
    uint64_t size = types_.size_of(types_.pointee(p.type));
    if (size == 0) size = 1;
    uint64_t addr = lp ? a : b;
    uint64_t delta = uint64_t(i) * size;  // wraps like the 32-bit address it makes (no signed overflow)
    addr = op == "+" ? addr + delta : addr - delta;
    return make_scalar(types_, p.type, addr & 0xffffffffu);
  }

  // Member `name` of an aggregate, searching anonymous members too.
  bool find_member(TypeId agg, const std::string& name, Member& out, uint64_t base_off) {
    const Type& t = types_.resolved(agg);
    for (const auto& m : t.members) {
      if (m.name == name) {
        out = m;
        out.offset += base_off;
        return true;
      }
      if (m.name.empty() && types_.is_aggregate(m.type) && find_member(m.type, name, out, base_off + m.offset))
        return true;
    }
    return false;
  }

  Expected<Value> member(Value v, const std::string& name) {
    if (!types_.is_aggregate(v.type)) {
      if (types_.is_pointer(v.type) && types_.is_aggregate(types_.pointee(v.type)))
        return usage("There is no member named " + name + ".");  // gdb: p ptr.field
      return usage("Attempt to extract a component of a value that is not a structure.");
    }
    Member m;
    if (!find_member(v.type, name, m, 0)) return usage("There is no member named " + name + ".");
    if (v.optimized_out) {
      Value r;
      r.type = m.type;
      r.optimized_out = true;
      return r;
    }
    Value r;
    r.type = m.type;
    r.bit_size = m.bit_size;
    r.bit_offset = m.bit_offset;
    uint64_t size = m.bit_size ? (m.bit_offset + m.bit_size + 7) / 8 : types_.size_of(m.type);
    if (v.address) r.address = *v.address + m.offset;
    if (v.fetched) {
      if (m.offset + size > v.bytes.size()) return usage("member out of range");
      r.bytes.assign(v.bytes.begin() + m.offset, v.bytes.begin() + m.offset + size);
      r.fetched = true;
    } else if (r.address && !types_.is_aggregate(r.type) && !types_.is_array(r.type)) {
      auto f = fetch(r, types_, s_.access);
      if (!f) return f.error();
    }
    return r;
  }

  Expected<Value> index(const ExprNode& n) {
    auto a = eval(*n.a);
    if (!a) return a;
    auto i0 = eval(*n.b);
    if (!i0) return i0;
    if (!types_.is_integer(i0->type)) return usage("Argument to arithmetic operation not a number or boolean.");
    auto i = as_int(*i0, types_);
    if (!i) return i.error();
    if (types_.is_array(a->type)) {
      TypeId elem = types_.element_of(a->type);
      uint64_t size = types_.size_of(elem);
      if (a->address) return deref_at(elem, *a->address + uint64_t(*i) * size);
      if (a->optimized_out) return usage("value has been optimized out");
      if (*i < 0 || uint64_t(*i + 1) * size > a->bytes.size()) return usage("no such vector element");
      Value r;
      r.type = elem;
      r.bytes.assign(a->bytes.begin() + *i * size, a->bytes.begin() + (*i + 1) * size);
      r.fetched = true;
      return r;
    }
    if (types_.is_pointer(a->type)) {
      TypeId elem = types_.pointee(a->type);
      if (types_.strip(elem) == kVoid) return usage("Attempt to take contents of a non-pointer value.");
      auto p = as_int(*a, types_);
      if (!p) return p.error();
      return deref_at(elem, uint64_t(*p) + uint64_t(*i) * types_.size_of(elem));
    }
    return usage("cannot subscript something of type `" + std::string(types_.resolved(a->type).name) + "'");
  }

  Expected<TypeId> resolve_cast(const CastType& ct) { return resolve_type_name(*s_.info, ct); }

  // The type an expression would have, evaluated without memory (sizeof).
  Expected<TypeId> type_of(const ExprNode& n) {
    EvalScope dry = s_;
    struct NoMemory : FrameAccess {
      FrameAccess* real;
      std::optional<uint64_t> local(uint32_t i) override { return real ? real->local(i) : std::nullopt; }
      std::optional<uint64_t> global(uint32_t i) override { return real ? real->global(i) : std::nullopt; }
      std::optional<uint64_t> operand(uint32_t i) override { return real ? real->operand(i) : std::nullopt; }
      bool read_memory(uint64_t, void* out, size_t n) override {
        std::memset(out, 0, n);  // any contents: only types matter
        return true;
      }
    } none;
    none.real = s_.access;
    dry.access = &none;
    Evaluator inner(dry);
    auto v = inner.eval(n);
    if (!v) return v.error();
    return v->type;
  }

  Expected<Value> cast(const ExprNode& n) {
    auto target = resolve_cast(n.cast);
    if (!target) return target.error();
    auto a0 = eval(*n.a);
    if (!a0) return a0;
    TypeId t = *target;
    if (types_.is_aggregate(t) || types_.is_array(t)) {
      if (types_.strip(a0->type) == types_.strip(t)) return a0;
      return usage("Invalid cast.");
    }
    if (t == kVoid) {
      Value v;
      v.type = kVoid;
      v.fetched = true;
      return v;
    }
    if (a0->optimized_out) return usage("value has been optimized out");
    auto a = decay(std::move(*a0));
    if (!a) return a;
    if (!types_.is_scalar(a->type)) return usage("Invalid cast.");
    if (types_.is_float(t)) {
      auto d = as_double(*a, types_);
      if (!d) return d.error();
      return make_float(types_, t, *d);
    }
    int64_t bits;
    if (types_.is_float(a->type)) {
      auto i = as_int(*a, types_);  // saturating: no undefined conversion
      if (!i) return i.error();
      bits = *i;
    } else {
      auto i = as_int(*a, types_);
      if (!i) return i.error();
      bits = *i;
    }
    if (types_.resolved(t).encoding == Encoding::Bool) bits = bits != 0;
    return make_scalar(types_, t, uint64_t(bits));
  }

  Expected<Value> at(const ExprNode& n) {
    auto a = eval(*n.a);
    if (!a) return a;
    auto c = eval(*n.b);
    if (!c) return c;
    if (!a->address) return usage("Only values in memory can be extended with '@'.");
    auto count = as_int(*c, types_);
    if (!count) return count.error();
    if (*count <= 0) return usage("Non-positive repeat count.");
    TypeId arr = types_.array_of(a->type, {uint64_t(*count)});
    return deref_at(arr, *a->address);
  }

  const EvalScope& s_;
  TypeTable& types_;
};

}  // namespace

Expected<TypeId> resolve_type_name(const DebugInfo& info, const CastType& ct) {
  TypeTable& types = info.types();
  auto t = types.find(ct.base);
  if (!t) {
    auto sp = ct.base.find(' ');
    std::string kw = sp == std::string::npos ? "" : ct.base.substr(0, sp);
    if (kw == "struct" || kw == "union" || kw == "enum")
      return usage("No " + kw + " type named " + ct.base.substr(sp + 1) + ".");
    return usage("No symbol \"" + ct.base + "\" in current context.");
  }
  TypeId id = *t;
  for (unsigned i = 0; i < ct.pointers; ++i) id = types.pointer_to(id);
  return id;
}

namespace {

bool is_type_name(const std::string& name, void* ctx) {
  auto* s = static_cast<const EvalScope*>(ctx);
  // A visible variable of that name wins over a typedef (as in C scoping).
  for (const auto& v : s->info->variables_at(s->pc, s->frame))
    if (v.var->name == name) return false;
  auto t = s->info->types().find(name);
  return t.has_value() && s->info->types()[*t].kind == TypeKind::Typedef;
}

}  // namespace

Expected<Value> evaluate_expression(const std::string& text, const EvalScope& scope) {
  if (!scope.info) return usage("No symbol table is loaded.");
  auto ast = parse_expression(text, &is_type_name, const_cast<EvalScope*>(&scope));
  if (!ast) return ast.error();
  Evaluator ev(scope);
  auto v = ev.eval(**ast);
  if (!v) return v;
  // The result is read whole (if not too large), so that a bad pointer is
  // an error here rather than in the printout.
  if (v->address && !v->fetched && !v->optimized_out &&
      scope.info->types()[scope.info->types().strip(v->type)].kind != TypeKind::Function &&
      scope.info->types().size_of(v->type) <= kMaxValueBytes) {
    auto f = fetch(*v, scope.info->types(), scope.access);
    if (!f) return f.error();
  }
  return v;
}

}  // namespace tc::debug
