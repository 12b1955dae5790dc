#include "wasi/program.hpp"

#include "wasi/abi.hpp"

namespace tc::wasi {

using namespace tc::wasm;

namespace {
// Folds the end of a guest call into the outcome; false if it ended the run.
bool absorb(Expected<std::vector<Value>>& r, ProgramOutcome& out) {
  if (r) {
    out.results = std::move(*r);
    return true;
  }
  if (r.error().kind == ErrorKind::Exit) out.exit_code = r.error().code;
  else out.error = std::move(r.error());
  return false;
}
}  // namespace

Expected<ProgramOutcome> run_program(std::shared_ptr<const Module> module, System& system,
                                     const ProgramConfig& config) {
  Store store(config.engine);
  if (config.on_store) config.on_store(store);
  struct AtEnd {
    Store& store;
    const std::function<void(Store&)>& f;
    ~AtEnd() { if (f) f(store); }
  } at_end{store, config.on_end};
  WasiImports imports(store, system);
  std::string missing;
  ImportResolver resolver = [&](std::string_view m, std::string_view n) -> std::optional<ExternVal> {
    if (auto v = imports.resolve(m, n)) return v;
    missing = std::string(m) + "::" + std::string(n);
    return std::nullopt;
  };
  ProgramOutcome out;
  auto inst = store.instantiate(module, resolver);
  if (!inst) {
    Error e = std::move(inst.error());
    if (e.kind == ErrorKind::Unlinkable) {
      if (!missing.empty()) e.message += " " + missing;
      return e;
    }
    if (e.kind == ErrorKind::Exit) out.exit_code = e.code;
    else out.error = std::move(e);
    return out;  // the start function trapped or exited
  }
  auto find_func = [&](const std::string& name) -> FuncInst* {
    auto ext = (*inst)->find_export(name);
    return ext && ext->kind == ExternKind::Func ? ext->func : nullptr;
  };
  if (!config.invoke) {
    FuncInst* start = find_func("_start");
    if (!start) return out;  // nothing to run: instantiation was the program
    const FuncType& t = Store::func_type(start);
    if (!t.params.empty() || !t.results.empty())
      return make_error(ErrorKind::Usage, "_start must have type [] -> []");
    auto r = store.invoke(start, {});
    absorb(r, out);
    out.results.clear();
    return out;
  }
  FuncInst* func = find_func(*config.invoke);
  if (!func) return make_error(ErrorKind::Usage, "no exported function \"" + *config.invoke + "\"");
  if (FuncInst* init = find_func("_initialize"); init && *config.invoke != "_initialize") {
    auto r = store.invoke(init, {});
    if (!absorb(r, out)) return out;
  }
  auto r = store.invoke(func, config.invoke_args);
  absorb(r, out);
  return out;
}

}  // namespace tc::wasi
