// timecraft: the command-line entry point. Parses the command name and
// hands the rest to the command; all logic lives in the libraries.
#include <iostream>

#include "tools/cli.hpp"

int main(int argc, char** argv) {
  using namespace tc::cli;
  Args args(argv + 1, argv + argc);
  if (args.empty()) return cmd_help({}) == kExitOk ? kExitUsage : kExitUsage;
  std::string name = args[0];
  if (name == "-h" || name == "--help") return cmd_help({});
  if (name == "-v" || name == "--version") return cmd_version({});
  const CommandSpec* cmd = find_command(name);
  if (!cmd) {
    std::vector<std::string> names;
    for (const auto* c : commands()) names.push_back(c->name);
    std::cerr << "timecraft: unknown command \"" << name << "\"";
    auto near = closest(name, names);
    if (!near.empty()) std::cerr << "; did you mean \"" << near << "\"?";
    std::cerr << "\nRun 'timecraft help' for the list of commands.\n";
    return kExitUsage;
  }
  try {
    return cmd->run(Args(args.begin() + 1, args.end()));
  } catch (const std::exception& e) {
    // Libraries do not throw on bad input; this is a last line of defence.
    return fail(kExitError, e.what());
  }
}
