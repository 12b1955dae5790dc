// Frames: the WebAssembly frames of the stopped program, each expanded into
// its inlined source levels; their one-line descriptions (gdb's shape),
// source lines, backtrace and frame selection.
#include <fstream>

#include "debug/dwarf/value_format.hpp"
#include "debug/tcdb/access.hpp"
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"

namespace tc::debug {

std::vector<Debugger::Frame> Debugger::frames() const {
  std::vector<Frame> out;
  const auto& fs = target_->stop().frames;
  for (uint32_t w = 0; w < fs.size(); ++w) {
    const FrameInfo& fi = fs[w];
    if (fi.host) continue;
    Frame f;
    f.wasm = w;
    f.func_index = fi.func_index;
    f.offset = fi.offset;
    f.has_offset = fi.has_offset;
    std::vector<SourceFrame> src;
    if (info_ && fi.has_offset) src = info_->frames_at(fi.offset);
    if (src.empty()) {
      out.push_back(f);
      continue;
    }
    for (uint32_t k = 0; k < src.size(); ++k) {
      Frame g = f;
      g.level = k;
      g.source = src[k];
      out.push_back(g);
    }
  }
  return out;
}

std::optional<Debugger::Frame> Debugger::selected() const {
  auto fs = frames();
  if (fs.empty()) return std::nullopt;
  return fs[std::min(frame_sel_, fs.size() - 1)];
}

std::string Debugger::function_name(uint32_t func_index) const {
  const auto& names = replay_->module()->func_names;
  auto it = names.find(func_index);
  if (it != names.end()) return it->second;
  return "func[" + std::to_string(func_index) + "]";
}

std::string Debugger::short_file(const std::string& file) const {
  if (info_)
    for (const auto& cu : info_->compile_units()) {
      const std::string& dir = cu.comp_dir;
      if (!dir.empty() && file.size() > dir.size() + 1 && file.compare(0, dir.size(), dir) == 0 &&
          file[dir.size()] == '/')
        return file.substr(dir.size() + 1);
    }
  return file;
}

std::optional<SourceLoc> Debugger::location_of(const Frame& f) const {
  if (f.source && f.source->loc) return f.source->loc;
  return std::nullopt;
}

std::string Debugger::args_text(const Frame& f) const {
  if (!info_ || !f.source) return "";
  FrameValues access(*target_, f.wasm);
  std::string s;
  for (const auto& vv : info_->variables_at(f.offset, f.level)) {
    if (!vv.var->is_param) continue;
    auto v = read_variable(*info_, *vv.var, vv.function, f.offset, &access);
    std::string text;
    if (!v) text = "<error: " + v.error().message + ">";
    else {
      text = format_variable(vv.var->name, *v, *info_, &access);
      size_t eq = text.find(" = ");
      if (eq != std::string::npos) text.replace(eq, 3, "=");
    }
    s += (s.empty() ? "" : ", ") + text;
  }
  return s;
}

// "#1  0x000003f0 in line_price (price=100, qty=1) at buggy.c:63"; the
// number is left out for number == SIZE_MAX, the pc unless with_pc.
std::string Debugger::frame_line(const Frame& f, size_t number, bool with_pc) const {
  std::string s;
  if (number != SIZE_MAX) s = "#" + std::to_string(number) + "  ";
  if (with_pc && f.has_offset && f.level == 0) s += hex(f.offset, 8) + " in ";
  std::string name = f.source && !f.source->function.empty() ? f.source->function : function_name(f.func_index);
  s += name + " (" + args_text(f) + ")";
  if (auto loc = location_of(f)) s += " at " + short_file(loc->file) + ":" + std::to_string(loc->line);
  return s;
}

const std::vector<std::string>* Debugger::source_lines(const std::string& file) {
  auto it = sources_.find(file);
  if (it != sources_.end()) return it->second.empty() ? nullptr : &it->second;
  std::vector<std::string> candidates = {file};
  std::string rel = short_file(file);
  std::string base = file.substr(file.find_last_of('/') + 1);
  for (const auto& d : opts_.source_dirs) {
    candidates.push_back(d + "/" + rel);
    candidates.push_back(d + "/" + base);
  }
  std::vector<std::string> lines;
  for (const auto& c : candidates) {
    std::ifstream in(c);
    if (!in) continue;
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
    if (lines.empty()) lines.push_back("");
    break;
  }
  auto& slot = sources_[file];
  slot = std::move(lines);
  return slot.empty() ? nullptr : &slot;
}

void Debugger::print_source_line(const SourceLoc& loc) {
  const auto* lines = source_lines(loc.file);
  if (!lines) {
    std::fprintf(out_, "%u\tin %s\n", loc.line, short_file(loc.file).c_str());
    return;
  }
  if (loc.line == 0 || loc.line > lines->size()) {
    std::fprintf(out_, "Line number %u out of range; \"%s\" has %zu lines.\n", loc.line,
                 short_file(loc.file).c_str(), lines->size());
    return;
  }
  std::fprintf(out_, "%u\t%s\n", loc.line, (*lines)[loc.line - 1].c_str());
  list_file_ = loc.file;
  list_next_ = loc.line + 5 > 10 ? loc.line - 5 : 1;  // `list` centres on it
  list_centre_ = loc.line;
}

void Debugger::cmd_backtrace(const std::string& a) {
  if (!running()) return;
  auto fs = frames();
  size_t limit = fs.size();
  if (!a.empty()) {
    auto n = parse_number(a);
    if (!n) return fail("backtrace: the argument must be a number of frames");
    limit = std::min<size_t>(limit, *n);
  }
  for (size_t i = 0; i < limit; ++i) {
    // gdb shows the pc of outer frames (where the call is), and of the
    // innermost when it is not at the start of a line.
    bool pc = i > 0 ? fs[i].level == 0 : !at_line_start(fs[i]);
    std::fprintf(out_, "%s\n", frame_line(fs[i], i, pc).c_str());
  }
  if (limit < fs.size()) std::fprintf(out_, "(More stack frames follow...)\n");
}

bool Debugger::at_line_start(const Frame& f) const {
  return info_ && f.has_offset && info_->is_statement_start(f.offset);
}

void Debugger::show_frame(size_t i) {
  auto fs = frames();
  if (i >= fs.size()) return;
  bool pc = i > 0 ? fs[i].level == 0 : !at_line_start(fs[i]);
  std::fprintf(out_, "%s\n", frame_line(fs[i], i, pc).c_str());
  if (auto loc = location_of(fs[i])) print_source_line(*loc);
}

void Debugger::cmd_frame(const std::string& a, int relative) {
  if (!running()) return;
  auto fs = frames();
  if (fs.empty()) return fail("No stack.");
  size_t want = frame_sel_;
  if (relative == 0) {
    if (!a.empty()) {
      auto n = parse_number(a);
      if (!n) return fail("frame: the argument must be a frame number");
      if (*n >= fs.size()) return fail("No frame at level " + a + ".");
      want = size_t(*n);
    }
  } else {
    uint64_t n = 1;
    if (!a.empty()) {
      auto v = parse_number(a);
      if (!v) return fail("the argument must be a number of frames");
      n = *v;
    }
    if (relative > 0) {
      if (frame_sel_ + 1 >= fs.size()) return fail("Initial frame selected; you cannot go up.");
      want = std::min<size_t>(fs.size() - 1, frame_sel_ + n);
    } else {
      if (frame_sel_ == 0) return fail("Bottom (innermost) frame selected; you cannot go down.");
      want = frame_sel_ >= n ? frame_sel_ - n : 0;
    }
  }
  frame_sel_ = want;
  show_frame(want);
}

void Debugger::info_frame() {
  if (!running()) return;
  auto fs = frames();
  if (fs.empty()) return fail("No stack.");
  const Frame& f = fs[std::min(frame_sel_, fs.size() - 1)];
  std::string name = f.source && !f.source->function.empty() ? f.source->function : function_name(f.func_index);
  std::fprintf(out_, "Stack level %zu, WebAssembly frame %u (function %u, %s):\n", frame_sel_, f.wasm,
               f.func_index, function_name(f.func_index).c_str());
  std::string at = f.has_offset ? hex(f.offset, 8) : "?";
  std::string where;
  if (auto loc = location_of(f)) where = " (" + short_file(loc->file) + ":" + std::to_string(loc->line) + ")";
  std::fprintf(out_, " pc = %s in %s%s\n", at.c_str(), name.c_str(), where.c_str());
  if (f.level > 0) std::fprintf(out_, " inlined into frame %zu\n", frame_sel_ + 1);
  if (frame_sel_ + 1 < fs.size()) std::fprintf(out_, " called by frame at level %zu\n", frame_sel_ + 1);
  if (frame_sel_ > 0) std::fprintf(out_, " caller of frame at level %zu\n", frame_sel_ - 1);
  // The WebAssembly view: locals and the operand stack.
  const wasm::Module& m = *replay_->module();
  if (f.func_index >= m.num_imported_funcs) {
    const wasm::FuncType& t = m.func_type(f.func_index);
    const wasm::Function& fn = m.functions[f.func_index - m.num_imported_funcs];
    uint64_t n = t.params.size() + fn.num_locals;
    std::string locals;
    for (uint64_t i = 0; i < n && i < 32; ++i) {
      auto v = target_->local(f.wasm, uint32_t(i));
      locals += (i ? ", " : "") + (v ? std::to_string(*v) : std::string("?"));
    }
    if (n > 32) locals += ", ...";
    std::fprintf(out_, " wasm locals (%llu): %s\n", static_cast<unsigned long long>(n), locals.c_str());
    std::string ops;
    uint32_t k = 0;
    for (; k < 16; ++k) {
      auto v = target_->operand(f.wasm, k);
      if (!v) break;
      ops = hex(*v) + (k ? " " : "") + ops;
    }
    std::fprintf(out_, " operand stack (bottom to top%s): %s\n", k == 16 ? ", the top 16" : "",
                 ops.empty() ? "empty" : ops.c_str());
  }
}

}  // namespace tc::debug
