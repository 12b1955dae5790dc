#include "debug/dwarf/debug_info.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "debug/dwarf/loader.hpp"
#include "debug/dwarf/object_access.hpp"

namespace tc::debug {

Expected<std::unique_ptr<DebugInfo>> DebugInfo::load(const wasm::Module& m) {
  auto obj = DwarfObject::open(m);
  if (!obj) return obj.error();
  if (!*obj) return std::unique_ptr<DebugInfo>();
  auto layout = CodeLayout::build(m);
  if (!layout) return layout.error();
  LoadedDwarf loaded;
  auto r = load_dwarf(**obj, *layout, loaded);
  if (!r) return r.error();
  std::unique_ptr<DebugInfo> d(new DebugInfo);
  d->layout_ = std::move(*layout);
  d->paths_ = std::move(loaded.paths);
  d->cus_ = std::move(loaded.cus);
  d->functions_ = std::move(loaded.functions);
  d->globals_ = std::move(loaded.globals);
  d->types_ = std::move(loaded.types);
  d->lines_ = std::move(loaded.lines);
  for (const auto& c : m.customs)
    if (c.name.rfind(".debug_", 0) == 0) d->debug_bytes_ += c.size;
  d->build_indexes();
  return d;
}

namespace {

// "collatz::steps" -> "steps", "std::vec<a::b>::push" -> "push": the name
// after the last top-level "::" (as gdb, `break steps` finds a function
// in any namespace, module or class); the name itself if it has none.
std::string unqualified(const std::string& name) {
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    else if ((c == '>' || c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    else if (depth == 0 && c == ':' && i + 1 < name.size() && name[i + 1] == ':') start = i + 2, ++i;
  }
  return name.substr(start);
}

}  // namespace

void DebugInfo::build_indexes() {
  for (uint32_t i = 0; i < functions_.size(); ++i) {
    const Function& f = functions_[i];
    if (f.has_code()) by_low_.push_back(i);
    if (!f.name.empty()) by_name_.emplace(f.name, i);
    if (std::string u = unqualified(f.name); !u.empty() && u != f.name) by_name_.emplace(u, i);
    if (!f.linkage_name.empty() && f.linkage_name != f.name) by_name_.emplace(f.linkage_name, i);
  }
  std::stable_sort(by_low_.begin(), by_low_.end(), [&](uint32_t a, uint32_t b) {
    return functions_[a].low < functions_[b].low;
  });
  for (uint32_t i = 0; i < globals_.size(); ++i) {
    auto a = static_address(globals_[i]);
    if (!a) continue;
    by_addr_.push_back({*a, types_.size_of(globals_[i].type), i});
  }
  std::stable_sort(by_addr_.begin(), by_addr_.end(),
                   [](const StaticGlobal& a, const StaticGlobal& b) { return a.addr < b.addr; });
}

DebugStats DebugInfo::stats() const {
  DebugStats s;
  s.compile_units = cus_.size();
  s.functions = functions_.size();
  s.globals = globals_.size();
  s.types = types_.count();
  s.line_rows = lines_.rows().size();
  s.files = lines_.files().size();
  s.debug_bytes = debug_bytes_;
  return s;
}

// ---- line table ----

std::optional<SourceLoc> DebugInfo::location(uint64_t off) const {
  const LineRow* row = lines_.row_at(off);
  if (!row) return std::nullopt;
  // Line 0 marks compiler-generated code: report the closest earlier line
  // of the same sequence, as a stop there is still "in" that statement.
  const LineRow* r = row;
  const LineRow* first = lines_.rows().data();
  while (r->line == 0 && r > first && !(r - 1)->end_sequence) --r;
  if (r->line == 0) r = row;
  SourceLoc loc;
  loc.file = lines_.files()[r->file];
  loc.line = r->line;
  loc.column = r->column;
  return loc;
}

std::vector<std::string> DebugInfo::source_files() const {
  std::set<std::string> s;
  for (const auto& seq : lines_.sequences())
    for (size_t i = seq.first; i < seq.last; ++i) s.insert(lines_.files()[lines_.rows()[i].file]);
  for (const auto& f : functions_)
    if (!f.decl_file.empty()) s.insert(std::string(f.decl_file));
  s.erase("");
  return {s.begin(), s.end()};
}

LineMatch DebugInfo::addresses_for_line(const std::string& file, uint32_t line) const {
  LineMatch out;
  out.requested_line = line;
  std::vector<uint32_t> ids = lines_.match_files(file);
  for (uint32_t id : ids) out.files.push_back(lines_.files()[id]);
  if (ids.empty()) return out;
  std::set<uint32_t> want(ids.begin(), ids.end());
  // The best line: the requested one, else the next one with code.
  uint32_t best = 0;
  for (const auto& seq : lines_.sequences())
    for (size_t i = seq.first; i < seq.last; ++i) {
      const LineRow& r = lines_.rows()[i];
      if (!r.is_stmt || r.line < line || !want.count(r.file)) continue;
      if (best == 0 || r.line < best) best = r.line;
    }
  out.line = best;
  if (best == 0) return out;
  // One location per function / inlined copy: its lowest statement row.
  std::map<std::pair<const Function*, const Scope*>, LineMatch::Location> pick;
  for (const auto& seq : lines_.sequences())
    for (size_t i = seq.first; i < seq.last; ++i) {
      const LineRow& r = lines_.rows()[i];
      if (!r.is_stmt || r.line != best || !want.count(r.file)) continue;
      uint64_t at = r.offset;
      const Function* f = function_at(at);
      const Scope* inl = nullptr;
      if (f) {
        auto chain = inlined_at(at);
        if (!chain.empty()) inl = chain.front();
        // The function's opening line: stop after the prologue, as gdb does.
        if (at == f->low && !inl) at = breakpoint_offset(*f);
        const FunctionExtent* ext = layout_.function_at(f->low);
        if (ext && at < ext->first_instr) at = ext->first_instr;
      }
      auto key = std::make_pair(f, inl);
      auto it = pick.find(key);
      if (it == pick.end() || at < it->second.offset) {
        LineMatch::Location loc;
        loc.offset = at;
        loc.file = lines_.files()[r.file];
        loc.function = f;
        loc.inlined = inl;
        pick[key] = loc;
      }
    }
  for (auto& [k, v] : pick) out.locations.push_back(v);
  std::sort(out.locations.begin(), out.locations.end(),
            [](const LineMatch::Location& a, const LineMatch::Location& b) { return a.offset < b.offset; });
  return out;
}

std::optional<DebugInfo::StepRange> DebugInfo::line_range(uint64_t off) const {
  auto r = lines_.line_range(off);
  if (!r) return std::nullopt;
  StepRange s;
  s.low = r->low;
  s.high = r->high;
  s.loc.file = lines_.files()[r->file];
  s.loc.line = r->line;
  if (const LineRow* row = lines_.row_at(r->low)) s.loc.column = row->column;
  return s;
}

bool DebugInfo::is_statement_start(uint64_t off) const { return lines_.is_statement_start(off); }

// ---- functions ----

const Function* DebugInfo::function_at(uint64_t off) const {
  auto it = std::upper_bound(by_low_.begin(), by_low_.end(), off,
                             [&](uint64_t o, uint32_t i) { return o < functions_[i].low; });
  // Bodies do not overlap in wasm; a few steps back cover odd range lists.
  for (int back = 0; back < 4 && it != by_low_.begin(); ++back) {
    --it;
    const Function& f = functions_[*it];
    if (off >= f.low && off < f.high && (f.body.ranges.empty() || f.body.contains(off))) return &f;
  }
  return nullptr;
}

namespace {
// Scopes from `root` down to the innermost one holding `off` (root first).
void chain_at(const Scope& root, uint64_t off, std::vector<const Scope*>& out) {
  out.push_back(&root);
  for (const auto& c : root.children)
    if (c.contains(off)) return chain_at(c, off, out);
}
}  // namespace

std::vector<const Scope*> DebugInfo::inlined_at(uint64_t off) const {
  std::vector<const Scope*> out;
  const Function* f = function_at(off);
  if (!f) return out;
  std::vector<const Scope*> chain;
  chain_at(f->body, off, chain);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if ((*it)->kind == Scope::Kind::Inlined) out.push_back(*it);
  return out;
}

std::vector<SourceFrame> DebugInfo::frames_at(uint64_t off) const {
  std::vector<SourceFrame> out;
  const Function* f = function_at(off);
  SourceFrame inner;
  inner.loc = location(off);
  inner.concrete = f;
  if (!f) {
    out.push_back(inner);
    return out;
  }
  auto inl = inlined_at(off);
  inner.function = inl.empty() ? f->name : inl.front()->name;
  inner.scope = inl.empty() ? &f->body : inl.front();
  out.push_back(inner);
  for (size_t i = 0; i < inl.size(); ++i) {
    SourceFrame fr;
    fr.concrete = f;
    const Scope* callee = inl[i];
    fr.function = i + 1 < inl.size() ? inl[i + 1]->name : f->name;
    fr.scope = i + 1 < inl.size() ? inl[i + 1] : &f->body;
    if (callee->call_line) fr.loc = SourceLoc{std::string(callee->call_file), callee->call_line, callee->call_column};
    out.push_back(fr);
  }
  return out;
}

std::vector<const Function*> DebugInfo::functions_named(const std::string& name) const {
  std::vector<const Function*> out;
  std::set<uint32_t> seen;
  auto [lo, hi] = by_name_.equal_range(name);
  for (auto it = lo; it != hi; ++it)
    if (seen.insert(it->second).second) out.push_back(&functions_[it->second]);
  return out;
}

uint64_t DebugInfo::breakpoint_offset(const Function& f) const {
  const FunctionExtent* ext = layout_.function_at(f.low);
  uint64_t first_instr = ext ? ext->first_instr : f.low;
  const LineRow* row = lines_.row_at(f.low);
  uint64_t at = first_instr;
  if (row) {
    const LineRow* end = lines_.rows().data() + lines_.rows().size();
    const LineRow* first = row;
    const LineRow* second_line = nullptr;
    const LineRow* prologue = nullptr;
    for (const LineRow* r = row; r < end && !r->end_sequence && r->offset < f.high; ++r) {
      if (r->prologue_end) { prologue = r; break; }
      if (!second_line && r->is_stmt && r->line != 0 && r->line != first->line && r->offset > f.low)
        second_line = r;
    }
    if (prologue) at = prologue->offset;
    else if (second_line) at = second_line->offset;
  }
  return std::max(at, first_instr);
}

std::vector<FunctionBreak> DebugInfo::function_breakpoints(const std::string& name) const {
  std::vector<FunctionBreak> out;
  std::set<const Function*> targets;
  for (const Function* f : functions_named(name)) {
    targets.insert(f);
    if (f->has_code()) out.push_back({f, nullptr, breakpoint_offset(*f)});
  }
  // Inlined copies anywhere.
  std::function<void(const Function&, const Scope&)> walk = [&](const Function& owner, const Scope& s) {
    if (s.kind == Scope::Kind::Inlined) {
      bool match = s.origin < functions_.size() ? targets.count(&functions_[s.origin]) > 0 : s.name == name;
      if (match) out.push_back({&owner, &s, s.entry_pc});
    }
    for (const auto& c : s.children) walk(owner, c);
  };
  for (const auto& f : functions_)
    if (f.has_code()) walk(f, f.body);
  std::sort(out.begin(), out.end(),
            [](const FunctionBreak& a, const FunctionBreak& b) { return a.offset < b.offset; });
  return out;
}

std::vector<std::string> DebugInfo::function_names() const {
  std::set<std::string> s;
  for (const auto& f : functions_)
    if (!f.name.empty()) s.insert(f.name);
  return {s.begin(), s.end()};
}

// ---- variables ----

std::vector<VisibleVariable> DebugInfo::variables_at(uint64_t off, size_t frame) const {
  std::vector<VisibleVariable> out;
  const Function* f = function_at(off);
  if (!f) return out;
  std::vector<const Scope*> chain;
  chain_at(f->body, off, chain);
  // Split the chain into frames at inlined scopes; frame 0 is innermost.
  std::vector<std::vector<const Scope*>> frames(1);
  for (const Scope* s : chain) {
    if (s->kind == Scope::Kind::Inlined) frames.emplace_back();
    frames.back().push_back(s);
  }
  std::reverse(frames.begin(), frames.end());
  if (frame >= frames.size()) return out;
  const auto& scopes = frames[frame];
  unsigned depth = 0;
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it, ++depth)
    for (const auto& v : (*it)->vars) out.push_back({&v, f, depth});
  return out;
}

const Variable* DebugInfo::find_global(const std::string& name, std::optional<uint32_t> cu) const {
  const Variable* ext = nullptr;
  const Variable* any = nullptr;
  for (const auto& g : globals_) {
    if (g.name != name) continue;
    if (cu && g.cu == *cu) return &g;
    if (g.external && !ext) ext = &g;
    if (!any) any = &g;
  }
  return ext ? ext : any;
}

std::optional<uint64_t> DebugInfo::static_address(const Variable& v) const {
  const auto& e = v.location.expr;
  if (v.location.kind != LocationDesc::Kind::Expr || e.size() != 5 || e[0] != 0x03) return std::nullopt;
  return uint64_t(e[1]) | uint64_t(e[2]) << 8 | uint64_t(e[3]) << 16 | uint64_t(e[4]) << 24;
}

const Variable* DebugInfo::global_at_address(uint64_t addr, uint64_t* offset_in) const {
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), addr,
                             [](uint64_t a, const StaticGlobal& g) { return a < g.addr; });
  if (it == by_addr_.begin()) return nullptr;
  --it;
  if (addr >= it->addr + std::max<uint64_t>(it->size, 1)) return nullptr;
  if (offset_in) *offset_in = addr - it->addr;
  return &globals_[it->index];
}

std::optional<std::pair<TypeId, int64_t>> DebugInfo::find_enumerator(const std::string& name) const {
  for (TypeId i = 1; i < types_.count(); ++i) {
    const Type& t = types_[i];
    if (t.kind != TypeKind::Enum) continue;
    for (const auto& e : t.enumerators)
      if (e.name == name) return std::make_pair(i, e.value);
  }
  return std::nullopt;
}

}  // namespace tc::debug
