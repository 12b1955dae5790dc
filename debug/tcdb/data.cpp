// Values: print, ptype/whatis, x, info locals/args/globals. With DWARF the
// C expression evaluator reads variables through the Target; without it,
// $localN, $globalN and $operandN name the WebAssembly values.
#include <algorithm>
#include <cinttypes>

#include "debug/dwarf/c_expr.hpp"
#include "debug/dwarf/value_format.hpp"
#include "debug/tcdb/access.hpp"
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"

namespace tc::debug {

namespace {

Error usage(const std::string& m) { return make_error(ErrorKind::Usage, m); }

// "$local3" -> 3 when `text` is `prefix` followed by a number.
std::optional<uint32_t> numbered(const std::string& text, const std::string& prefix) {
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  auto n = parse_number(text.substr(prefix.size()));
  if (!n || *n > UINT32_MAX) return std::nullopt;
  return uint32_t(*n);
}

}  // namespace

Expected<Value> Debugger::evaluate(const std::string& expr, size_t frame) const {
  auto fs = frames();
  if (fs.empty()) return usage("No frame selected.");
  const Frame& f = fs[std::min(frame, fs.size() - 1)];
  if (!info_) return usage("No symbol table is loaded (no DWARF): use $localN, $globalN or $operandN.");
  FrameValues access(*target_, f.wasm);
  EvalScope scope{info_.get(), f.offset, f.level, &access};
  auto v = evaluate_expression(expr, scope);
  if (!v) return v.error();
  if (!v->fetched && v->address && !v->optimized_out) {
    Value copy = *v;
    if (auto r = fetch(copy, info_->types(), &access); !r) return r.error();
    return copy;
  }
  return v;
}

std::string Debugger::format(const Value& v, size_t frame) const {
  auto fs = frames();
  uint32_t w = fs.empty() ? 0 : fs[std::min(frame, fs.size() - 1)].wasm;
  FrameValues access(*target_, w);
  return format_value(v, *info_, &access);
}

// The WebAssembly-level names, typed by the function and module.
std::optional<std::string> Debugger::wasm_value(const std::string& name, size_t frame) const {
  auto fs = frames();
  if (fs.empty()) return std::nullopt;
  const Frame& f = fs[std::min(frame, fs.size() - 1)];
  const wasm::Module& m = *replay_->module();
  auto show = [](wasm::ValType t, uint64_t bits) {
    wasm::Value v;
    v.type = t;
    v.i64 = bits;
    return wasm::value_to_string(v);
  };
  if (auto i = numbered(name, "$local")) {
    if (f.func_index < m.num_imported_funcs) return std::nullopt;
    const wasm::FuncType& t = m.func_type(f.func_index);
    const wasm::Function& fn = m.functions[f.func_index - m.num_imported_funcs];
    std::optional<wasm::ValType> type;
    if (*i < t.params.size()) type = t.params[*i];
    else {
      uint64_t k = *i - t.params.size();
      for (const auto& d : fn.locals) {
        if (k < d.count) { type = d.type; break; }
        k -= d.count;
      }
    }
    auto bits = target_->local(f.wasm, *i);
    if (!type || !bits) return std::nullopt;
    return show(*type, *bits);
  }
  if (auto i = numbered(name, "$global")) {
    auto bits = target_->global(*i);
    if (!bits) return std::nullopt;
    std::optional<wasm::ValType> type;
    uint32_t k = *i;
    for (const auto& imp : m.imports)
      if (imp.kind == wasm::ExternKind::Global && k-- == 0) type = imp.global.type;
    if (!type && *i >= m.num_imported_globals && *i - m.num_imported_globals < m.globals.size())
      type = m.globals[*i - m.num_imported_globals].type.type;
    return show(type.value_or(wasm::ValType::I64), *bits);
  }
  if (auto i = numbered(name, "$operand")) {
    auto bits = target_->operand(f.wasm, *i);
    if (!bits) return std::nullopt;
    return hex(*bits);
  }
  return std::nullopt;
}

namespace {

// print/FMT for integers.
std::optional<std::string> with_format(char fmt, uint64_t bits, uint64_t size, bool is_signed) {
  uint64_t mask = size >= 8 ? UINT64_MAX : (uint64_t(1) << (size * 8)) - 1;
  bits &= mask;
  switch (fmt) {
    case 'x': return hex(bits);
    case 'o': return bits ? strprintf("0%" PRIo64, bits) : "0";
    case 'u': return std::to_string(bits);
    case 'd': {
      int64_t v = int64_t(bits);
      if (size < 8 && (bits >> (size * 8 - 1)) & 1) v = int64_t(bits | ~mask);
      return std::to_string(v);
    }
    case 't': {
      std::string s;
      for (int i = 63; i >= 0; --i)
        if (!s.empty() || (bits >> i) & 1) s += char('0' + ((bits >> i) & 1));
      return s.empty() ? "0" : s;
    }
    case 'c': return strprintf("%" PRIu64 " '%c'", bits & 0xff, int(bits & 0xff) >= 32 && int(bits & 0xff) < 127 ? int(bits & 0xff) : '?');
    default: (void)is_signed; return std::nullopt;
  }
}

}  // namespace

void Debugger::cmd_print(const std::string& a_in) {
  std::string a = trim(a_in);
  char fmt = 0;
  if (!a.empty() && a[0] == '/') {
    size_t sp = a.find_first_of(" \t");
    std::string f = a.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
    if (f.size() != 1 || std::string("xduotc").find(f[0]) == std::string::npos)
      return fail("Undefined output format \"" + f + "\".");
    fmt = f[0];
    a = sp == std::string::npos ? "" : trim(a.substr(sp));
  }
  if (a.empty()) {
    if (values_.empty()) return fail("print: an expression is needed (print EXPR)");
    std::fprintf(out_, "$%zu = %s\n", values_.size(), values_.back().c_str());
    return;
  }
  if (!running()) return;
  std::string text;
  if (a[0] == '$' && (!info_ || a.rfind("$local", 0) == 0 || a.rfind("$global", 0) == 0 || a.rfind("$operand", 0) == 0)) {
    auto v = wasm_value(a, frame_sel_);
    if (!v) return fail("No value \"" + a + "\" here ($localN, $globalN, $operandN).");
    text = *v;
  } else {
    auto v = evaluate(a, frame_sel_);
    if (!v) return fail(v.error().message);
    if (fmt) {
      const TypeTable& types = info_->types();
      if (!types.is_scalar(v->type)) return fail("print/" + std::string(1, fmt) + ": only for integer and pointer values here");
      auto n = as_int(*v, types);
      if (!n) return fail(n.error().message);
      auto s = with_format(fmt, uint64_t(*n), types.size_of(v->type), types.is_signed(v->type));
      if (!s) return fail("Undefined output format.");
      text = *s;
    } else {
      text = format(*v, frame_sel_);
    }
  }
  values_.push_back(text);
  std::fprintf(out_, "$%zu = %s\n", values_.size(), text.c_str());
}

void Debugger::cmd_ptype(const std::string& a, bool whatis_only) {
  std::string e = trim(a);
  if (e.empty()) return fail("Argument required (one or more expressions or types).");
  if (!info_) return fail("No symbol table is loaded (no DWARF).");
  TypeId type = kVoid;
  auto named = parse_type_name(e);
  std::optional<TypeId> t;
  if (named) {
    auto r = resolve_type_name(*info_, *named);
    if (r) t = *r;
  }
  if (!t) {
    if (!running()) return;
    auto v = evaluate(e, frame_sel_);
    if (!v) return fail(v.error().message);
    t = v->type;
  }
  type = *t;
  std::fprintf(out_, "%s\n", (whatis_only ? whatis(info_->types(), type) : ptype(info_->types(), type)).c_str());
}

void Debugger::cmd_x(const std::string& a_in) {
  if (!running()) return;
  std::string a = trim(a_in);
  uint64_t count = 1;
  char fmt = x_fmt_, unit = x_unit_;
  if (!a.empty() && a[0] == '/') {
    size_t sp = a.find_first_of(" \t");
    std::string f = a.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
    a = sp == std::string::npos ? "" : trim(a.substr(sp));
    size_t i = 0;
    while (i < f.size() && isdigit(static_cast<unsigned char>(f[i]))) ++i;
    if (i) count = std::stoull(f.substr(0, i));
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (std::string("xduotcas").find(c) != std::string::npos) fmt = c;
      else if (std::string("bhwg").find(c) != std::string::npos) unit = c;
      else return fail(std::string("Invalid format letter '") + c + "' (x/NFU: F in xduotcas, U in bhwg).");
    }
    if (fmt == 'c' && f.find_first_of("bhwg") == std::string::npos) unit = 'b';
    if (fmt == 'a' && f.find_first_of("bhwg") == std::string::npos) unit = 'w';
  }
  if (count == 0 || count > 65536) return fail("x: the count must be 1..65536");
  uint64_t addr;
  if (a.empty()) {
    if (!x_next_) return fail("Argument required (starting display address).");
    addr = *x_next_;
  } else if (auto n = parse_number(a)) {
    addr = *n;
  } else {
    if (!info_) return fail("No symbol table is loaded (no DWARF): give an address.");
    auto v = evaluate(a, frame_sel_);
    if (!v) return fail(v.error().message);
    const TypeTable& types = info_->types();
    if ((types.is_array(v->type) || types.is_aggregate(v->type)) && v->address) addr = *v->address;
    else {
      auto n = as_int(*v, types);
      if (!n) return fail(n.error().message);
      addr = uint64_t(*n) & 0xffffffffu;
    }
  }
  x_fmt_ = fmt;
  x_unit_ = unit;
  auto label = [&](uint64_t at) {
    std::string s = hex(at);
    uint64_t off = 0;
    if (info_)
      if (const Variable* g = info_->global_at_address(at, &off))
        s += " <" + g->name + (off ? "+" + std::to_string(off) : "") + ">";
    return s + ":";
  };
  if (fmt == 's') {
    for (uint64_t k = 0; k < count; ++k) {
      std::string str;
      uint64_t at = addr;
      for (;;) {
        auto b = target_->read_memory(at, 1);
        if (!b) {
          if (str.empty() && at == addr) return fail(b.error().message);
          break;
        }
        ++at;
        if ((*b)[0] == 0 || str.size() >= 200) break;
        str.push_back(char((*b)[0]));
      }
      std::string q;
      for (char c : str) {
        if (c == '"' || c == '\\') q += '\\', q += c;
        else if (c == '\n') q += "\\n";
        else if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) >= 127) q += strprintf("\\%03o", static_cast<unsigned char>(c));
        else q += c;
      }
      std::fprintf(out_, "%s\t\"%s\"\n", label(addr).c_str(), q.c_str());
      addr = at;
    }
    x_next_ = addr;
    return;
  }
  uint64_t size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
  uint64_t per_line = size == 1 ? 8 : size == 2 ? 8 : size == 4 ? 4 : 2;
  if (fmt == 'a') per_line = 2;
  auto bytes = target_->read_memory(addr, uint32_t(count * size));
  if (!bytes) return fail(bytes.error().message);
  for (uint64_t k = 0; k < count; ++k) {
    if (k % per_line == 0) std::fprintf(out_, "%s%s", k ? "\n" : "", label(addr + k * size).c_str());
    uint64_t v = 0;
    for (uint64_t i = 0; i < size; ++i) v |= uint64_t((*bytes)[k * size + i]) << (8 * i);
    std::string s;
    if (fmt == 'x') s = strprintf("0x%0*" PRIx64, int(size * 2), v);
    else if (fmt == 'a') {
      s = hex(v);
      uint64_t off = 0;
      if (info_)
        if (const Variable* g = info_->global_at_address(v, &off)) s += " <" + g->name + (off ? "+" + std::to_string(off) : "") + ">";
    } else s = *with_format(fmt, v, size, true);
    std::fprintf(out_, "\t%s", s.c_str());
  }
  std::fprintf(out_, "\n");
  x_next_ = addr + count * size;
}

void Debugger::info_locals(bool args) {
  if (!running()) return;
  auto f = selected();
  if (!f) return fail("No frame selected.");
  if (!info_ || !f->source) {
    // The WebAssembly view: every local (parameters first).
    const wasm::Module& m = *replay_->module();
    if (f->func_index < m.num_imported_funcs) return fail("No symbol table info available.");
    const wasm::FuncType& t = m.func_type(f->func_index);
    const wasm::Function& fn = m.functions[f->func_index - m.num_imported_funcs];
    uint64_t from = args ? 0 : t.params.size(), to = args ? t.params.size() : t.params.size() + fn.num_locals;
    if (from == to) std::fprintf(out_, args ? "No arguments.\n" : "No locals.\n");
    for (uint64_t i = from; i < to && i < from + 1000; ++i) {
      std::string name = "$local" + std::to_string(i);
      auto v = wasm_value(name, frame_sel_);
      std::fprintf(out_, "%s = %s\n", name.c_str(), v ? v->c_str() : "<unavailable>");
    }
    return;
  }
  FrameValues access(*target_, f->wasm);
  bool any = false;
  for (const auto& vv : info_->variables_at(f->offset, f->level)) {
    if (vv.var->is_param != args) continue;
    any = true;
    auto v = read_variable(*info_, *vv.var, vv.function, f->offset, &access);
    if (!v) std::fprintf(out_, "%s = <error: %s>\n", vv.var->name.c_str(), v.error().message.c_str());
    else std::fprintf(out_, "%s\n", format_variable(vv.var->name, *v, *info_, &access).c_str());
  }
  if (!any) std::fprintf(out_, args ? "No arguments.\n" : "No locals.\n");
}

void Debugger::info_globals(const std::string& a) {
  if (!running()) return;
  std::string filter = trim(a);
  if (!info_) {
    const wasm::Module& m = *replay_->module();
    uint32_t n = m.num_imported_globals + uint32_t(m.globals.size());
    for (uint32_t i = 0; i < n; ++i) {
      std::string name = "$global" + std::to_string(i);
      auto v = wasm_value(name, frame_sel_);
      std::fprintf(out_, "%s = %s\n", name.c_str(), v ? v->c_str() : "<unavailable>");
    }
    return;
  }
  std::vector<const Variable*> gs;
  for (const auto& g : info_->globals())
    if (filter.empty() || g.name.find(filter) != std::string::npos) gs.push_back(&g);
  std::sort(gs.begin(), gs.end(), [](const Variable* x, const Variable* y) { return x->name < y->name; });
  auto fs = frames();
  FrameValues access(*target_, fs.empty() ? 0 : fs[0].wasm);
  for (const Variable* g : gs) {
    auto v = read_variable(*info_, *g, nullptr, fs.empty() ? 0 : fs[0].offset, &access);
    if (!v) std::fprintf(out_, "%s = <error: %s>\n", g->name.c_str(), v.error().message.c_str());
    else std::fprintf(out_, "%s\n", format_variable(g->name, *v, *info_, &access).c_str());
  }
  if (gs.empty()) std::fprintf(out_, filter.empty() ? "No globals.\n" : "No globals matching \"%s\".\n", filter.c_str());
}

}  // namespace tc::debug
