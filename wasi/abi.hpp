// The ABI tier: host functions for module "wasi_snapshot_preview1" that read
// guest memory (bounds-checked, never trusting a guest length), call one
// System method, and write its results back. Bad guest pointers are WASI
// errors (EFAULT/EINVAL), not traps; proc_exit unwinds with ErrorKind::Exit.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "interp/engine.hpp"
#include "wasi/system.hpp"

namespace tc::wasi {

inline constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

// Whether every import of `module` is a wasi_snapshot_preview1 function of
// the right type, without instantiating anything: `run` checks it before a
// process id exists, so a module that cannot link leaves nothing behind.
// The error is the one instantiation would give (Unlinkable, naming the import).
Expected<void> check_linkable(const wasm::Module& module);

class WasiImports {
 public:
  WasiImports(wasm::Store& store, System& system);

  // The WASI half of an ImportResolver: the host function for
  // wasi_snapshot_preview1::name, or nullopt (module or name unknown).
  std::optional<wasm::ExternVal> resolve(std::string_view module, std::string_view name);

 private:
  wasm::Store& store_;
  System& system_;
  std::map<std::string, wasm::FuncInst*, std::less<>> funcs_;
  struct MemoryCache {
    wasm::Instance* instance = nullptr;
    wasm::MemoryInst* memory = nullptr;  // stable; its data pointer is re-read per call
  };
  MemoryCache memory_cache_;
};

}  // namespace tc::wasi
