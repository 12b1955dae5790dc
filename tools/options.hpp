// Each command describes its options once, in a table: the parser and the
// Options section of `timecraft help CMD` are both made from it, so the two
// cannot drift (an option cannot be accepted yet undocumented, or the other
// way round).
#pragma once
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tc::cli {

using Args = std::vector<std::string>;

struct Option {
  enum Kind : unsigned char { Flag, Value, List };  // List: repeatable, values collected
  const char* names;               // "output,o": the long name, then a one-letter one
  Kind kind = Flag;
  const char* value = "";          // the value's name in help ("FORMAT")
  const char* help = "";           // '\n' separates lines
  const char* default_value = nullptr;  // a Value's default; shown as "(default X)"
};

// A positional argument, kept under `name` in the variables map; `max` of
// them (-1: all the rest).
struct Positional {
  const char* name;
  int max = 1;
};

struct CommandSpec {
  const char* name;
  const char* summary;      // one line, for `timecraft help`
  const char* usage;        // after "Usage: timecraft "; '\n' separates forms
  const char* description;  // before the Options section
  std::vector<Option> options;
  std::vector<Positional> positionals;
  const char* notes;        // after it: examples, exit status
  int (*run)(const Args& args);  // args after the command name
};

// Options several commands share.
extern const Option kRegistryOption;  // --registry DIR
extern const Option kOutputOption;    // -o, --output text|json|yaml

// The full help text: usage, description, the options table, notes.
std::string format_help(const CommandSpec& spec);

// Parses a command's arguments (-h/--help is added). Returns the exit
// status when the command should stop now: a usage error, or help shown.
std::optional<int> parse_options(const CommandSpec& spec, const Args& args,
                                 boost::program_options::variables_map& vm);

// Splits `args` into options (before the first positional) and the rest:
// the first positional and everything after it belong to the guest. The
// table tells which options consume the next argument.
void split_at_positional(const CommandSpec& spec, const Args& args, Args& options, Args& rest);

}  // namespace tc::cli
