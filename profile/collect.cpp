#include "profile/collect.hpp"

#include <chrono>
#include <map>

namespace tc::profile {

namespace {

// "././libc-top-half/x.c" as the DWARF of wasi-libc says it -> "libc-top-half/x.c".
std::string short_path(std::string f) {
  while (f.rfind("./", 0) == 0) f.erase(0, 2);
  return f;
}

struct Namer {
  const wasm::Module& m;
  const debug::DebugInfo* info;
  Profile& p;
  std::map<std::pair<bool, std::string>, uint32_t> by_key;  // (host, name or index)
  std::map<std::pair<std::string, uint32_t>, uint32_t> line_index;

  uint32_t function(const wasm::ProfileNode& n) {
    std::string key = n.host ? n.host_name : std::to_string(n.func_index);
    auto [it, fresh] = by_key.try_emplace({n.host, key}, uint32_t(p.functions.size()));
    if (!fresh) return it->second;
    Function f;
    f.index = n.func_index;
    f.host = n.host;
    if (n.host) {
      f.name = n.host_name;
    } else {
      f.name = m.func_name(n.func_index);
      if (info && n.func_index >= m.num_imported_funcs) {
        const auto& body = m.functions[n.func_index - m.num_imported_funcs];
        if (const debug::Function* df = info->function_at(body.body_offset)) {
          if (!df->name.empty()) f.name = df->name;
          f.file = short_path(std::string(df->decl_file));
          f.line = df->decl_line;
        }
      }
    }
    p.functions.push_back(std::move(f));
    return it->second;
  }

  uint32_t line(const std::string& file, uint32_t ln, uint32_t func) {
    auto [it, fresh] = line_index.try_emplace({file, ln}, uint32_t(p.lines.size()));
    if (fresh) p.lines.push_back(SourceLine{file, ln, func});
    return it->second;
  }
};

}  // namespace

ProfileRun profile_replay(session::ReplaySession& s, const debug::DebugInfo* info) {
  ProfileRun run;
  Profile& p = run.profile;
  p.process_id = s.id();
  p.module_name = s.meta().module_name;
  std::vector<wasm::ProfileNode> nodes;
  session::ReplaySession::Hooks hooks;
  hooks.profile = true;
  hooks.on_end = [&](wasm::Store& st) { nodes = st.profile(); };
  trace::ReplayOptions opts;
  opts.echo = false;
  p.start_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
  auto t0 = std::chrono::steady_clock::now();
  run.end = s.run(opts, hooks);
  p.duration_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - t0).count());

  const wasm::Module& m = *s.module();
  Namer namer{m, info, p, {}, {}};
  p.nodes.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const wasm::ProfileNode& n = nodes[i];
    Node& out = p.nodes[i];
    out.parent = n.parent;
    if (i == 0) continue;
    out.function = namer.function(n);
    out.calls = n.calls;
    out.self_instructions = n.instructions;
    out.total_ns = n.total_ns;  // inclusive for now; self_ns below
    if (!info) continue;
    std::map<uint32_t, uint64_t> by_line;
    for (const auto& [off, count] : n.offsets)
      if (auto loc = info->location(off); loc && loc->line)
        by_line[namer.line(short_path(loc->file), loc->line, out.function)] += count;
    out.lines.assign(by_line.begin(), by_line.end());
  }
  // Self time: the path's time less its callees' (a parent comes first).
  for (auto& n : p.nodes) n.self_ns = n.total_ns;
  for (size_t i = 1; i < p.nodes.size(); ++i) {
    Node& parent = p.nodes[p.nodes[i].parent];
    if (p.nodes[i].parent != 0) parent.self_ns -= std::min(parent.self_ns, p.nodes[i].total_ns);
  }
  p.finish();
  return run;
}

}  // namespace tc::profile
