#include "spec-tests/wast_runner.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>
#include <utility>

#include "interp/engine.hpp"
#include "interp/text/script.hpp"
#include "interp/validate/custom_check.hpp"
#include "spec-tests/result_match.hpp"
#include "spec-tests/spectest_host.hpp"

namespace tc::spec {

using namespace tc::wasm;
using wast::Command;

namespace {

// One script's world: a store, the spectest module, named and registered
// instances, and the most recent module.
class ScriptRun {
 public:
  ScriptRun(const std::string& name, const RunOptions& opts, bool exact_only = false)
      : name_(name), features_(opts.features), store_(config(opts, exact_only)), spectest_(store_) {}

  // Returns "" on success, else why the command failed.
  std::string run(const Command& c);
  uint64_t instruction_count() const { return store_.instruction_count(); }

 private:
  Expected<Instance*> instantiate(const wast::ModuleSource& src);
  Expected<std::vector<Value>> act(const wast::Action& a);
  static std::string expect_error(const Error& e, std::initializer_list<ErrorKind> kinds,
                                  const std::string& msg);

  static EngineConfig config(const RunOptions& opts, bool exact_only) {
    EngineConfig c{opts.max_call_depth, kMaxPages};
    c.exact_tier = opts.check_counts;
    c.exact_only = exact_only;
    return c;
  }

  std::string name_;
  wasm::Features features_;
  Store store_;
  SpectestHost spectest_;
  std::map<std::string, Instance*> named_;
  std::map<std::string, Instance*> registered_;
  Instance* last_ = nullptr;
};

Expected<Instance*> ScriptRun::instantiate(const wast::ModuleSource& src) {
  auto bytes = wast::module_source_to_binary(src, features_);
  if (!bytes) return bytes.error();
  auto mod = load_module(std::move(*bytes), features_);
  if (!mod) return mod.error();
  ImportResolver resolver = [this](std::string_view module,
                                   std::string_view field) -> std::optional<ExternVal> {
    if (module == "spectest") return spectest_.find(field);
    auto it = registered_.find(std::string(module));
    if (it == registered_.end()) return std::nullopt;
    return it->second->find_export(field);
  };
  return store_.instantiate(*mod, resolver);
}

Expected<std::vector<Value>> ScriptRun::act(const wast::Action& a) {
  Instance* inst = last_;
  if (a.module) {
    auto it = named_.find(*a.module);
    inst = it == named_.end() ? nullptr : it->second;
  }
  if (!inst) return make_error(ErrorKind::Usage, "no module to act on");
  auto ext = inst->find_export(a.field);
  if (!ext) return make_error(ErrorKind::Usage, "unknown export \"" + a.field + "\"");
  if (a.kind == wast::Action::Kind::Get) {
    if (ext->kind != ExternKind::Global)
      return make_error(ErrorKind::Usage, "export \"" + a.field + "\" is not a global");
    return std::vector<Value>{Store::global_get(ext->global)};
  }
  if (ext->kind != ExternKind::Func)
    return make_error(ErrorKind::Usage, "export \"" + a.field + "\" is not a function");
  std::vector<Value> args;
  for (const auto& c : a.args) args.push_back(const_to_value(c));
  return store_.invoke(ext->func, args);
}

// Messages the reference interpreter reworded in 3.0 (same error, new
// text): a wasm-2.0 script's older text is accepted for the current one.
constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
    {"malformed lane index", "i8 constant out of range"},
    {"global is immutable", "immutable global"},
};

std::string ScriptRun::expect_error(const Error& e, std::initializer_list<ErrorKind> kinds,
                                    const std::string& msg) {
  bool kind_ok = false;
  for (auto k : kinds) kind_ok |= e.kind == k;
  // As the reference interpreter: our message must start with the expected text.
  auto starts = [&](std::string_view p) { return e.message.compare(0, p.size(), p) == 0; };
  bool msg_ok = starts(msg);
  for (auto [old_text, text] : kRenamed) msg_ok |= msg == old_text && starts(text);
  if (kind_ok && msg_ok) return "";
  return std::string("expected ") + error_kind_name(*kinds.begin()) + " \"" + msg +
         "\", got " + error_kind_name(e.kind) + " \"" + e.to_string() + "\"";
}

std::string ScriptRun::run(const Command& c) {
  switch (c.kind) {
    case Command::Kind::Module: {
      auto inst = instantiate(c.module);
      if (!inst) return "module failed: " + std::string(error_kind_name(inst.error().kind)) +
                        ": " + inst.error().to_string();
      last_ = *inst;
      if (c.module.name) named_[*c.module.name] = *inst;
      return "";
    }
    case Command::Kind::Register: {
      Instance* inst = last_;
      if (c.register_module) {
        auto it = named_.find(*c.register_module);
        inst = it == named_.end() ? nullptr : it->second;
      }
      if (!inst) return "no module to register";
      registered_[c.register_name] = inst;
      return "";
    }
    case Command::Kind::Action: {
      auto r = act(c.action);
      if (!r) return std::string(error_kind_name(r.error().kind)) + ": " + r.error().to_string();
      return "";
    }
    case Command::Kind::AssertReturn: {
      auto r = act(c.action);
      if (!r) return std::string(error_kind_name(r.error().kind)) + ": " + r.error().to_string();
      bool ok = r->size() == c.expected.size();
      for (size_t i = 0; ok && i < r->size(); ++i) ok = result_matches(c.expected[i], (*r)[i]);
      if (ok) return "";
      std::string want, got;
      for (const auto& p : c.expected) want += (want.empty() ? "" : " ") + pattern_to_string(p);
      for (const auto& v : *r) got += (got.empty() ? "" : " ") + result_to_string(v);
      return "expected (" + want + "), got (" + got + ")";
    }
    case Command::Kind::AssertTrap: {
      if (c.has_module) {
        auto inst = instantiate(c.module);
        if (inst) return "expected trap \"" + c.message + "\", module instantiated";
        return expect_error(inst.error(), {ErrorKind::Trap, ErrorKind::Uninstantiable}, c.message);
      }
      auto r = act(c.action);
      if (r) return "expected trap \"" + c.message + "\", returned normally";
      return expect_error(r.error(), {ErrorKind::Trap}, c.message);
    }
    case Command::Kind::AssertException: {
      auto r = act(c.action);
      if (r) return "expected an exception, returned normally";
      return expect_error(r.error(), {ErrorKind::Exception}, "");
    }
    case Command::Kind::AssertExhaustion: {
      auto r = act(c.action);
      if (r) return "expected exhaustion \"" + c.message + "\", returned normally";
      return expect_error(r.error(), {ErrorKind::Exhaustion}, c.message);
    }
    case Command::Kind::AssertInvalid:
    case Command::Kind::AssertMalformed: {
      bool invalid = c.kind == Command::Kind::AssertInvalid;
      auto bytes = wast::module_source_to_binary(c.module, features_);
      Error err;
      if (!bytes) {
        err = bytes.error();
      } else {
        auto mod = load_module(std::move(*bytes), features_);
        if (mod) return std::string("expected ") + (invalid ? "invalid" : "malformed") +
                        " \"" + c.message + "\", module loaded";
        err = mod.error();
      }
      return expect_error(err, {invalid ? ErrorKind::Invalid : ErrorKind::Malformed}, c.message);
    }
    case Command::Kind::AssertMalformedCustom: {
      // A bad annotation: the text does not encode.
      auto bytes = wast::module_source_to_binary(c.module);
      if (bytes) return "expected malformed custom \"" + c.message + "\", module encoded";
      return expect_error(bytes.error(), {ErrorKind::Malformed}, c.message);
    }
    case Command::Kind::AssertInvalidCustom: {
      // A valid module whose custom section fails its own checks.
      auto bytes = wast::module_source_to_binary(c.module);
      if (!bytes) return expect_error(bytes.error(), {ErrorKind::Invalid}, c.message);
      auto mod = load_module(std::move(*bytes));
      if (!mod) return expect_error(mod.error(), {ErrorKind::Invalid}, c.message);
      auto ok = check_custom_sections(**mod);
      if (ok) return "expected invalid custom \"" + c.message + "\", custom sections valid";
      return expect_error(ok.error(), {ErrorKind::Invalid}, c.message);
    }
    case Command::Kind::AssertUnlinkable: {
      auto inst = instantiate(c.module);
      if (inst) return "expected unlinkable \"" + c.message + "\", module instantiated";
      return expect_error(inst.error(), {ErrorKind::Unlinkable}, c.message);
    }
    case Command::Kind::AssertUninstantiable: {
      auto inst = instantiate(c.module);
      if (inst) return "expected uninstantiable \"" + c.message + "\", module instantiated";
      return expect_error(inst.error(), {ErrorKind::Uninstantiable, ErrorKind::Trap}, c.message);
    }
    case Command::Kind::Unsupported:
      return "unsupported command";
  }
  return "unknown command";
}

std::string describe(const Command& c) {
  std::string s = c.head.empty() ? "command" : c.head;
  if (c.kind == Command::Kind::AssertReturn || c.kind == Command::Kind::Action ||
      c.kind == Command::Kind::AssertExhaustion ||
      (c.kind == Command::Kind::AssertTrap && !c.has_module))
    s += " \"" + c.action.field + "\"";
  return s;
}

}  // namespace

FileReport run_wast_source(const std::string& name, const std::string& source,
                           const RunOptions& opts) {
  FileReport rep;
  rep.file = name;
  auto script = wast::parse_wast(source);
  if (!script) {
    rep.failed = 1;
    rep.failures.push_back(name + ":" + script.error().location + ": script: " +
                           script.error().message);
    return rep;
  }
  if (opts.expectations) {
    if (auto why = opts.expectations->skip_reason(name)) {
      rep.skip_reason = *why;
      rep.skipped = script->commands.size();
      return rep;
    }
  }
  // The reference counts: each command's instructions on the exact code.
  std::vector<uint64_t> exact_counts;
  if (opts.check_counts) {
    ScriptRun ref(name, opts, true);
    for (const auto& c : script->commands) {
      uint64_t before = ref.instruction_count();
      if (c.kind != Command::Kind::Unsupported) (void)ref.run(c);
      exact_counts.push_back(ref.instruction_count() - before);
    }
  }
  ScriptRun run(name, opts);
  for (size_t ci = 0; ci < script->commands.size(); ++ci) {
    const Command& c = script->commands[ci];
    if (c.kind == Command::Kind::Unsupported) {
      ++rep.skipped;
      rep.notes.push_back(name + ":" + std::to_string(c.line) + ": " + c.head +
                          ": not supported by this runner");
      continue;
    }
    uint64_t before = run.instruction_count();
    std::string why = run.run(c);
    if (why.empty() && opts.check_counts && run.instruction_count() - before != exact_counts[ci])
      why = "counted " + std::to_string(run.instruction_count() - before) +
            " instructions, the exact code " + std::to_string(exact_counts[ci]);
    auto accepted = opts.expectations ? opts.expectations->accepted_failure(name, c.line)
                                      : std::nullopt;
    std::string where = name + ":" + std::to_string(c.line) + ": " + describe(c);
    if (why.empty() && accepted) {
      ++rep.failed;
      rep.failures.push_back(where + ": passed, but is listed as an expected failure");
    } else if (why.empty()) {
      ++rep.passed;
    } else if (accepted) {
      ++rep.skipped;
      rep.notes.push_back(where + ": accepted failure (" + *accepted + "): " + why);
    } else {
      ++rep.failed;
      rep.failures.push_back(where + ": " + why);
    }
  }
  return rep;
}

FileReport run_wast_file(const std::string& path, const RunOptions& opts) {
  auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FileReport rep;
    rep.file = name;
    rep.failed = 1;
    rep.failures.push_back(path + ": cannot read file");
    return rep;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  // The 2.0 suite checks answers that 3.0 changed (features.hpp).
  if (path.find("/wasm-2.0/") != std::string::npos || path.rfind("wasm-2.0/", 0) == 0) {
    RunOptions v2 = opts;
    v2.features = wasm::Features::wasm2();
    return run_wast_source(name, ss.str(), v2);
  }
  return run_wast_source(name, ss.str(), opts);
}

}  // namespace tc::spec
