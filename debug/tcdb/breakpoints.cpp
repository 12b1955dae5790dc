// Locations (function, FILE:LINE, LINE, *OFFSET) and the breakpoint and
// watchpoint table.
#include <algorithm>

#include "debug/dwarf/c_expr.hpp"
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::debug {

namespace {

// The defined function whose body holds `offset` (index in the function
// space), or nullopt.
std::optional<uint32_t> function_holding(const wasm::Module& m, uint64_t offset) {
  for (size_t i = 0; i < m.functions.size(); ++i)
    if (offset >= m.functions[i].body_offset && offset < m.functions[i].body_end)
      return uint32_t(m.num_imported_funcs + i);
  return std::nullopt;
}

bool instruction_start(const wasm::Module& m, uint32_t func_index, uint64_t offset) {
  const wasm::Function& f = m.functions[func_index - m.num_imported_funcs];
  wasm::BodyReader r(m, f);
  wasm::Instr in;
  while (r.next(in)) {
    if (in.offset == offset) return true;
    if (in.offset > offset) return false;
  }
  return false;
}

}  // namespace

std::optional<uint32_t> Debugger::function_by_name(const std::string& name) const {
  for (const auto& [index, n] : replay_->module()->func_names)
    if (n == name) return index;
  if (name.rfind("func[", 0) == 0 && name.back() == ']')
    if (auto n = parse_number(name.substr(5, name.size() - 6)))
      if (*n < replay_->module()->num_imported_funcs + replay_->module()->functions.size()) return uint32_t(*n);
  return std::nullopt;
}

std::string Debugger::describe_offset(uint64_t offset) const {
  std::string s = hex(offset);
  if (info_)
    if (auto loc = info_->location(offset)) return s + ": file " + short_file(loc->file) + ", line " + std::to_string(loc->line) + ".";
  const wasm::Module& m = *replay_->module();
  if (auto f = function_holding(m, offset))
    return s + " <" + function_name(*f) + "+" + std::to_string(offset - m.functions[*f - m.num_imported_funcs].body_offset) + ">";
  return s;
}

Expected<Debugger::Resolved> Debugger::resolve_location(const std::string& spec_in) const {
  std::string spec = trim(spec_in);
  const wasm::Module& m = *replay_->module();
  Resolved r;
  if (spec.empty()) {
    auto f = selected();
    if (!f || !f->has_offset) return make_error(ErrorKind::Usage, "No default location: give one (break LOCATION).");
    r.offsets = {f->offset};
    r.description = describe_offset(f->offset);
    return r;
  }
  if (spec[0] == '*') {
    auto n = parse_number(trim(spec.substr(1)));
    if (!n) return make_error(ErrorKind::Usage, "Invalid address \"" + spec.substr(1) + "\": a number (0x... or decimal).");
    auto f = function_holding(m, *n);
    if (!f || !instruction_start(m, *f, *n))
      return make_error(ErrorKind::Usage, "Cannot break at " + hex(*n) + ": no instruction starts there.");
    r.offsets = {*n};
    r.description = describe_offset(*n);
    return r;
  }
  // FILE:LINE or LINE.
  size_t colon = spec.rfind(':');
  std::string file, line_text;
  if (colon != std::string::npos) {
    file = spec.substr(0, colon);
    line_text = spec.substr(colon + 1);
  } else if (parse_number(spec)) {
    line_text = spec;
  }
  if (!line_text.empty()) {
    auto line = parse_number(line_text);
    if (!line || *line == 0 || *line > UINT32_MAX) return make_error(ErrorKind::Usage, "Malformed line number \"" + line_text + "\".");
    if (!info_) return make_error(ErrorKind::Usage, "No symbol table is loaded (no DWARF): use a function name or *OFFSET.");
    if (file.empty()) {
      if (!list_file_.empty()) file = list_file_;
      else if (auto f = selected(); f && location_of(*f)) file = location_of(*f)->file;
      else return make_error(ErrorKind::Usage, "No default source file: say FILE:LINE.");
    }
    LineMatch lm = info_->addresses_for_line(file, uint32_t(*line));
    if (lm.files.empty()) return make_error(ErrorKind::Usage, "No source file named " + file + ".");
    if (lm.locations.empty() || lm.line == 0)
      return make_error(ErrorKind::Usage, "No line " + line_text + " in file \"" + short_file(file) + "\".");
    for (const auto& l : lm.locations) r.offsets.push_back(l.offset);
    r.description = hex(r.offsets[0]) + ": file " + short_file(lm.locations[0].file) + ", line " + std::to_string(lm.line) + ".";
    if (r.offsets.size() > 1) r.description += " (" + std::to_string(r.offsets.size()) + " locations)";
    return r;
  }
  // A function.
  if (info_) {
    auto fb = info_->function_breakpoints(spec);
    if (!fb.empty()) {
      for (const auto& b : fb) r.offsets.push_back(b.offset);
      r.description = describe_offset(r.offsets[0]);
      if (r.offsets.size() > 1) r.description += " (" + std::to_string(r.offsets.size()) + " locations)";
      return r;
    }
  }
  if (auto fi = function_by_name(spec)) {
    if (*fi < m.num_imported_funcs) return make_error(ErrorKind::Usage, "Function \"" + spec + "\" is an import (host code): break at its callers.");
    r.offsets = {m.functions[*fi - m.num_imported_funcs].body_offset};
    r.description = describe_offset(r.offsets[0]);
    return r;
  }
  return make_error(ErrorKind::Usage, "Function \"" + spec + "\" not defined.");
}

void Debugger::cmd_break(const std::string& a, bool temporary) {
  auto r = resolve_location(a);
  if (!r) return fail(r.error().message);
  Breakpoint b;
  b.number = next_number_++;
  b.temporary = temporary;
  b.offsets = r->offsets;
  b.what = a.empty() ? describe_offset(r->offsets[0]) : trim(a);
  breakpoints_.push_back(b);
  std::fprintf(out_, "%s %u at %s\n", temporary ? "Temporary breakpoint" : "Breakpoint", b.number, r->description.c_str());
}

namespace {
// "1 3 5" -> numbers; empty -> all.
std::optional<std::vector<uint32_t>> numbers(const std::string& a) {
  std::vector<uint32_t> out;
  for (const auto& w : split_words(a)) {
    auto n = parse_number(w);
    if (!n || *n > UINT32_MAX) return std::nullopt;
    out.push_back(uint32_t(*n));
  }
  return out;
}
}  // namespace

void Debugger::cmd_delete(const std::string& a) {
  std::string args = trim(a);
  if (args.rfind("breakpoints", 0) == 0) args = trim(args.substr(11));
  auto ns = numbers(args);
  if (!ns) return fail("Convenience variable must have integer value.\nArguments must be breakpoint numbers.");
  if (ns->empty()) {
    breakpoints_.clear();
    return;
  }
  for (uint32_t n : *ns) {
    auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) { return b.number == n; });
    if (it == breakpoints_.end()) fail("No breakpoint number " + std::to_string(n) + ".");
    else breakpoints_.erase(it);
  }
}

void Debugger::cmd_enable(const std::string& a, bool on) {
  auto ns = numbers(a);
  if (!ns) return fail("Arguments must be breakpoint numbers.");
  for (auto& b : breakpoints_)
    if (ns->empty() || std::find(ns->begin(), ns->end(), b.number) != ns->end()) b.enabled = on;
  for (uint32_t n : *ns)
    if (std::none_of(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) { return b.number == n; }))
      fail("No breakpoint number " + std::to_string(n) + ".");
}

namespace {
// As gdb names them.
const char* watch_title(WatchKind k) {
  return k == WatchKind::Read ? "Read watchpoint" : k == WatchKind::Access ? "Access (read/write) watchpoint" : "Watchpoint";
}
const char* watch_type(WatchKind k) {
  return k == WatchKind::Read ? "read watchpoint" : k == WatchKind::Access ? "acc watchpoint" : "watchpoint";
}
}  // namespace

std::string Debugger::watch_heading(const Breakpoint& w) const {
  return std::string(watch_title(w.kind)) + " " + std::to_string(w.number) + ": " + w.expr;
}

void Debugger::cmd_watch(const std::string& a, WatchKind kind) {
  if (!running()) return;
  std::string expr = trim(a);
  if (expr.empty()) return fail("Argument required (expression to compute).");
  auto v = evaluate(expr, frame_sel_);
  if (!v) return fail(v.error().message);
  if (!info_) return fail("watch: needs DWARF types (no debugging symbols)");
  auto range = watch_range(*v, info_->types());
  if (!range) return fail("Cannot watch " + expr + ": it is not in linear memory (a WebAssembly local or a constant).");
  if (range->size > 4096) return fail("Cannot watch " + expr + ": more than 4096 bytes.");
  Breakpoint b;
  b.number = next_number_++;
  b.watch = true;
  b.kind = kind;
  b.expr = expr;
  b.what = expr;
  b.addr = range->address;
  b.len = uint32_t(range->size);
  b.type = v->type;
  auto bytes = target_->read_memory(b.addr, b.len);
  if (!bytes) return fail(bytes.error().message);
  b.value = *bytes;
  breakpoints_.push_back(b);
  std::fprintf(out_, "%s\n", watch_heading(b).c_str());
}

void Debugger::info_breakpoints(bool watch_only) {
  bool any = false;
  for (const auto& b : breakpoints_) {
    if (watch_only && !b.watch) continue;
    if (!any) std::fprintf(out_, "Num     Type           Disp Enb Address    What\n");
    any = true;
    std::string addr = b.watch ? "" : (b.offsets.size() > 1 ? "<MULTIPLE>" : hex(b.offsets[0], 8));
    std::string what = b.what;
    if (!b.watch && b.offsets.size() == 1) {
      std::string d = describe_offset(b.offsets[0]);
      if (info_)
        if (auto loc = info_->location(b.offsets[0])) {
          const Function* fn = info_->function_at(b.offsets[0]);
          what = (fn ? "in " + fn->name + " " : std::string()) + "at " + short_file(loc->file) + ":" + std::to_string(loc->line);
        }
    }
    std::fprintf(out_, "%-7u %-14s %-4s %-3s %-10s %s\n", b.number, b.watch ? watch_type(b.kind) : "breakpoint",
                 b.temporary ? "del" : "keep", b.enabled ? "y" : "n", addr.c_str(), what.c_str());
    if (b.hits)
      std::fprintf(out_, "\t%s already hit %llu time%s\n", b.watch ? "watchpoint" : "breakpoint",
                   static_cast<unsigned long long>(b.hits), b.hits == 1 ? "" : "s");
  }
  if (!any) std::fprintf(out_, watch_only ? "No watchpoints.\n" : "No breakpoints or watchpoints.\n");
}

}  // namespace tc::debug
