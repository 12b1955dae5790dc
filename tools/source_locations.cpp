// file:line for backtraces, from the module's DWARF. Read only when a
// backtrace is printed: `run` and `replay` never pay for it otherwise.
#include "debug/dwarf/debug_info.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

void add_source_locations(std::vector<TraceFrame>& frames, const wasm::Module& module) {
  bool any = false;
  for (const auto& f : frames) any = any || (f.has_offset && !f.host);
  if (!any) return;
  auto info = debug::DebugInfo::load(module);
  if (!info || !*info) return;  // no DWARF, or DWARF we cannot read: offsets only
  const debug::DebugInfo& d = **info;
  for (auto& f : frames) {
    if (!f.has_offset || f.host) continue;
    auto loc = d.location(f.offset);
    if (!loc || loc->line == 0) continue;
    std::string file = loc->file;
    for (const auto& cu : d.compile_units()) {
      const std::string& dir = cu.comp_dir;
      if (!dir.empty() && file.size() > dir.size() + 1 && file.compare(0, dir.size(), dir) == 0 && file[dir.size()] == '/') {
        file = file.substr(dir.size() + 1);
        break;
      }
    }
    f.file = file;
    f.line = loc->line;
  }
}

}  // namespace tc::cli
