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

namespace tc::cli {

// Exit codes (documented in README.md and `timecraft help`).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;   // bad input: unreadable, malformed, invalid, unlinkable
constexpr int kExitUsage = 2;   // bad command line
constexpr int kExitDivergence = 3;  // replay: the program did not do what the log says
constexpr int kExitTrap = 134;  // the guest trapped (as wasmtime: 128 + SIGABRT)

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // full help text
  int (*run)(const Args& args);  // args after the command name
};

const std::vector<Command>& commands();
const Command* find_command(const std::string& name);
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

// Parses a command's options (-h/--help is added here). Returns the exit
// status when the command should stop now: a usage error, or help shown.
std::optional<int> parse_options(const std::string& cmd, const Args& args,
                                 boost::program_options::options_description& desc,
                                 const boost::program_options::positional_options_description* pos,
                                 boost::program_options::variables_map& vm);

// Splits `args` into options (before the first positional) and the rest:
// the first positional and everything after it belong to the guest.
// `takes_value` tells which options consume the next argument.
void split_at_positional(const Args& args, bool (*takes_value)(const std::string&),
                         Args& options, Args& rest);

// Prints a trap and its WebAssembly backtrace (with file:line where the
// module has DWARF, read only now); returns kExitTrap.
int report_trap(const Error& e, const wasm::Module* module = nullptr);
// Fills the frames' file and line from the module's DWARF, if it has any.
void add_source_locations(std::vector<TraceFrame>& frames, const wasm::Module& module);

// The registry from --registry (if given), else $TIMECRAFT_REGISTRY, else
// the config file's registry.root, else ~/.timecraft. Only `run` creates
// it (`create`); read-only commands report that there is none.
Expected<registry::Registry> open_registry(const std::string& flag, bool create = false);

int cmd_run(const Args& args);
int cmd_replay(const Args& args);
int cmd_debug(const Args& args);
int cmd_get(const Args& args);
int cmd_describe(const Args& args);
int cmd_export(const Args& args);
int cmd_logs(const Args& args);
int cmd_trace(const Args& args);
int cmd_config(const Args& args);
int cmd_profile(const Args& args);
int cmd_wast(const Args& args);
int cmd_version(const Args& args);
int cmd_help(const Args& args);

}  // namespace tc::cli
