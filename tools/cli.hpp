// Shared pieces of the timecraft command line: the command table, exit
// codes, error printing and module loading from a path.
#pragma once
#include <boost/program_options.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interp/engine.hpp"
#include "registry/config.hpp"
#include "registry/registry.hpp"
#include "tools/options.hpp"

namespace tc::cli {

// Exit codes (documented in README.md and `timecraft help`).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;   // bad input: unreadable, malformed, invalid, unlinkable
constexpr int kExitUsage = 2;   // bad command line
constexpr int kExitDivergence = 3;  // replay: the program did not do what the log says;
                                    // diff: the two runs differ
constexpr int kExitLogEnded = 4;  // replay: a killed run's log ended (as far as it got)
constexpr int kExitTrap = 134;  // the guest trapped (as wasmtime: 128 + SIGABRT)

// Every command, in `timecraft help`'s order; each is defined next to its
// code (cmd_*.cpp) with its option table.
const std::vector<const CommandSpec*>& commands();
const CommandSpec* find_command(const std::string& name);
std::string closest(const std::string& word, const std::vector<std::string>& choices);

// "timecraft: error: <what>" on stderr; returns `code` for `return fail(...)`.
int fail(int code, const std::string& what);
int usage_error(const std::string& cmd, const std::string& what);

// Reads a .wasm or text (.wat/.wast) file and decodes+validates it.
// The error names the file and carries an offset or line:column.
Expected<std::shared_ptr<const wasm::Module>> load_module_file(
    const std::string& path, uint64_t max_bytes = registry::Config{}.module_max_bytes);
// The two halves: the binary bytes of a .wasm or text file, then decoding
// (and validating, unless this build validated these bytes before) with
// errors naming `path`. Reading (tools/module_file.cpp) checks the header
// first: a file that starts like neither a binary nor a text module fails
// after 8 bytes ("magic header not detected"); a file (or pipe) larger
// than `max_bytes` fails with "module is larger than the N limit".
Expected<std::vector<uint8_t>> read_module_bytes(
    const std::string& path, uint64_t max_bytes = registry::Config{}.module_max_bytes);
Expected<std::shared_ptr<const wasm::Module>> load_module_bytes(const std::string& path,
                                                                std::vector<uint8_t> bytes,
                                                                bool prevalidated);

// Prints a trap and its WebAssembly backtrace (with file:line where the
// module has DWARF, read only now); returns kExitTrap.
int report_trap(const Error& e, const wasm::Module* module = nullptr);
// Fills the frames' file and line from the module's DWARF, if it has any.
void add_source_locations(std::vector<TraceFrame>& frames, const wasm::Module& module);

// The registry from --registry (if given), else $TIMECRAFT_REGISTRY, else
// the config file's registry.root, else ~/.timecraft. Only `run` creates
// it (`create`); read-only commands report that there is none.
Expected<registry::Registry> open_registry(const std::string& flag, bool create = false);
// The remote registry (loads bin/libtimecraft_s3.so): the URL from
// --remote (if given), else $TIMECRAFT_REMOTE, else the config file's
// registry.remote; endpoint and region from $TIMECRAFT_REMOTE_ENDPOINT /
// $TIMECRAFT_REMOTE_REGION, else the config. nullptr when none is set.
Expected<std::shared_ptr<registry::ObjectStore>> open_remote(const std::string& flag);
// The same, an error when none is set.
Expected<std::shared_ptr<registry::ObjectStore>> require_remote(const std::string& flag);

// For a process id the local registry lacks: when a remote is configured,
// the remote's process with that id prefix pulled into the local registry
// (created if need be; "pulled process ..." on stderr) and its full id;
// nullopt when there is no remote. replay and trace use it.
Expected<std::optional<std::string>> pull_missing(const std::string& registry_flag,
                                                  const std::string& prefix);
// The local registry and the full id of `prefix` in it, pulling the
// process from the remote first if only the remote has it.
Expected<std::pair<registry::Registry, std::string>> open_process(const std::string& registry_flag,
                                                                  const std::string& prefix);

// Each command's table entry (defined in its cmd_*.cpp).
const CommandSpec& run_command();
const CommandSpec& replay_command();
const CommandSpec& debug_command();
const CommandSpec& get_command();
const CommandSpec& describe_command();
const CommandSpec& export_command();
const CommandSpec& import_command();
const CommandSpec& logs_command();
const CommandSpec& trace_command();
const CommandSpec& diff_command();
const CommandSpec& config_command();
const CommandSpec& delete_command();
const CommandSpec& push_command();
const CommandSpec& pull_command();
const CommandSpec& prune_command();
const CommandSpec& profile_command();
const CommandSpec& wast_command();
const CommandSpec& version_command();
const CommandSpec& help_command();
int cmd_help(const Args& args);
int cmd_version(const Args& args);

}  // namespace tc::cli
