#include "tools/recorded.hpp"

#include "tools/build_id.hpp"
#include "tools/platform.hpp"
#include "tools/value_parse.hpp"

namespace tc::cli {

namespace {
Error about(const std::string& id, const Error& e, const std::string& what = "") {
  return make_error(e.kind, "process " + id + ": " + what + e.to_string());
}

std::string machine(const std::string& arch, const std::vector<std::string>& features) {
  std::string s = arch.empty() ? "unknown" : arch;
  for (size_t i = 0; i < features.size(); ++i) s += (i ? ", " : " (") + features[i];
  return features.empty() ? s : s + ")";
}
}  // namespace

Expected<RecordedProcess> load_process(const registry::Registry& reg, const std::string& prefix) {
  auto id = reg.resolve(registry::ObjectKind::Process, prefix);
  if (!id) return make_error(id.error().kind, id.error().message);
  auto meta = reg.load_process_meta(*id);  // errors name the file
  if (!meta) return meta.error();
  return RecordedProcess{*id, std::move(*meta)};
}

Expected<Rerun> prepare_rerun(const registry::Registry& reg, const RecordedProcess& p) {
  auto bytes = reg.read_module(p.meta.module_digest);
  if (!bytes) return about(p.id, bytes.error());
  // Stored modules validated when they were recorded; the build that did it
  // need not validate them again.
  bool prevalidated = reg.validated_by(p.meta.module_digest, engine_build_id());
  auto mod = prevalidated ? wasm::load_prevalidated_module(std::move(*bytes))
                          : wasm::load_module(std::move(*bytes));
  if (!mod) return about(p.id, mod.error(), "stored module: ");
  Rerun r;
  r.module = *mod;
  r.config.engine.max_call_depth = p.meta.max_call_depth;
  r.config.engine.max_memory_pages = p.meta.max_memory_pages;
  // Memories that could not grow in the run cannot grow now, and any other
  // must be had whole.
  r.config.engine.capped_memories = p.meta.capped_memories;
  r.config.engine.exact_memory_caps = true;
  if (p.meta.invoke) {
    r.config.invoke = p.meta.invoke;
    for (const auto& e : r.module->exports) {
      if (e.kind != wasm::ExternKind::Func || e.name != *p.meta.invoke) continue;
      const wasm::FuncType& ft = r.module->func_type(e.index);
      for (size_t i = 0; i < ft.params.size() && i < p.meta.invoke_args.size(); ++i)
        if (auto v = parse_value(p.meta.invoke_args[i], ft.params[i])) r.config.invoke_args.push_back(*v);
    }
  }
  return r;
}

std::string rerun_differences(const registry::ProcessMeta& m) {
  std::string why;
  const std::string& build = engine_build_id();
  if (!m.runtime_build.empty() && m.runtime_build != build)
    why = "recorded by engine build " + m.runtime_build + ", this is " +
          (build.empty() ? "an unknown build" : build);
  const Platform& here = this_platform();
  if (!m.arch.empty() && (m.arch != here.arch || m.cpu_features != here.cpu_features))
    why += (why.empty() ? "" : "; ") + std::string("recorded on ") + machine(m.arch, m.cpu_features) +
           ", this is " + machine(here.arch, here.cpu_features);
  return why;
}

}  // namespace tc::cli
