// A recorded process as the registry holds it, and what re-running it
// needs: shared by `replay`, `profile` and `describe process`.
#pragma once
#include <memory>
#include <string>

#include "registry/process_meta.hpp"
#include "registry/registry.hpp"
#include "wasi/program.hpp"

namespace tc::cli {

struct RecordedProcess {
  std::string id;
  registry::ProcessMeta meta;
};

// Resolves an id prefix and reads the metadata. Error messages name the process.
Expected<RecordedProcess> load_process(const registry::Registry& reg, const std::string& prefix);

struct Rerun {
  std::shared_ptr<const wasm::Module> module;
  wasi::ProgramConfig config;  // the limits and entry point the run used
};

// The stored module and the configuration that runs it exactly as recorded.
Expected<Rerun> prepare_rerun(const registry::Registry& reg, const RecordedProcess& p);

// Why re-running here may not give the recorded results ("" when the
// engine build and the machine are the ones recorded, or were not recorded).
std::string rerun_differences(const registry::ProcessMeta& m);

}  // namespace tc::cli
