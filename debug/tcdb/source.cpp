// Source text: list, info source, info line.
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"

namespace tc::debug {

void Debugger::cmd_list(const std::string& a) {
  if (!info_) return fail("No symbol table is loaded (no DWARF): use disassemble.");
  uint32_t first = 0;
  std::string spec = trim(a);
  if (!spec.empty()) {
    uint32_t centre = 0;
    std::string file;
    // LINE or FILE:LINE name lines directly (even ones without code).
    size_t colon = spec.rfind(':');
    auto line = parse_number(colon == std::string::npos ? spec : spec.substr(colon + 1));
    if (line && *line > 0 && *line <= UINT32_MAX) {
      centre = uint32_t(*line);
      if (colon != std::string::npos) {
        auto matches = info_->lines().match_files(spec.substr(0, colon));
        if (matches.empty()) return fail("No source file named " + spec.substr(0, colon) + ".");
        file = info_->lines().files()[matches[0]];
      } else {
        file = list_file_;
        if (file.empty())
          if (auto f = selected(); f && location_of(*f)) file = location_of(*f)->file;
        if (file.empty()) return fail("No default source file: say FILE:LINE.");
      }
    } else {
      auto r = resolve_location(spec);
      if (!r) return fail(r.error().message);
      auto loc = info_->location(r->offsets[0]);
      if (!loc) return fail("No line number information for " + spec + ".");
      file = loc->file;
      centre = loc->line;
    }
    list_file_ = file;
    first = centre > 5 ? centre - 5 : 1;
  } else if (list_next_ != 0 && !list_file_.empty()) {
    first = list_next_;
  } else {
    std::string file = list_file_;
    uint32_t centre = list_centre_;
    if (file.empty()) {
      auto f = selected();
      auto loc = f ? location_of(*f) : std::nullopt;
      if (!loc) return fail("No source line here: list LOCATION.");
      file = loc->file;
      centre = loc->line;
    }
    list_file_ = file;
    first = centre > 5 ? centre - 5 : 1;
  }
  const auto* lines = source_lines(list_file_);
  if (!lines) return fail(short_file(list_file_) + ": No such file or directory.");
  if (first > lines->size())
    return fail("Line number " + std::to_string(first) + " out of range; \"" + short_file(list_file_) +
                "\" has " + std::to_string(lines->size()) + " lines.");
  uint32_t last = std::min<uint32_t>(uint32_t(lines->size()), first + 9);
  for (uint32_t l = first; l <= last; ++l) std::fprintf(out_, "%u\t%s\n", l, (*lines)[l - 1].c_str());
  list_next_ = last + 1;
}

void Debugger::info_source() {
  if (!info_) return fail("No symbol table is loaded (no DWARF).");
  std::string file = list_file_;
  if (file.empty())
    if (auto f = selected(); f && location_of(*f)) file = location_of(*f)->file;
  if (file.empty()) return fail("No current source file.");
  std::fprintf(out_, "Current source file is %s\n", short_file(file).c_str());
  for (const auto& cu : info_->compile_units())
    if (file == cu.name || file == cu.comp_dir + "/" + cu.name) {
      std::fprintf(out_, "Compilation directory is %s\n", cu.comp_dir.c_str());
      std::fprintf(out_, "Producer is %s.\n", cu.producer.c_str());
    }
  if (const auto* lines = source_lines(file)) std::fprintf(out_, "Contains %zu lines.\n", lines->size());
  else std::fprintf(out_, "The source file is not found (directories: --directory DIR).\n");
}

void Debugger::info_line(const std::string& a) {
  if (!info_) return fail("No symbol table is loaded (no DWARF).");
  uint64_t offset;
  if (trim(a).empty()) {
    auto f = selected();
    if (!f || !f->has_offset) return fail("No line number information available.");
    offset = f->offset;
  } else {
    auto r = resolve_location(a);
    if (!r) return fail(r.error().message);
    offset = r->offsets[0];
  }
  auto range = info_->line_range(offset);
  if (!range) return fail("No line number information available for address " + hex(offset));
  std::fprintf(out_, "Line %u of \"%s\" starts at address %s and ends at %s.\n", range->loc.line,
               short_file(range->loc.file).c_str(), describe_offset(range->low).substr(0, hex(range->low).size()).c_str(),
               hex(range->high).c_str());
}

}  // namespace tc::debug
