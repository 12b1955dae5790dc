#include <iostream>

#include "tools/cli.hpp"

#ifndef TIMECRAFT_VERSION
#define TIMECRAFT_VERSION "0.1.0"
#endif

namespace tc::cli {

int cmd_version(const Args&);

const CommandSpec& version_command() {
  static const CommandSpec spec = {"version", "print the version", "version", "", {}, {}, "", cmd_version};
  return spec;
}

const CommandSpec& help_command() {
  static const CommandSpec spec = {"help", "show help for a command", "help [COMMAND]", "", {}, {}, "", cmd_help};
  return spec;
}

const std::vector<const CommandSpec*>& commands() {
  static const std::vector<const CommandSpec*> table = {
      &run_command(),     &replay_command(),  &debug_command(),  &get_command(),
      &describe_command(), &export_command(), &import_command(), &logs_command(),
      &trace_command(),   &diff_command(),   &profile_command(), &delete_command(), &prune_command(),
      &push_command(),    &pull_command(),    &config_command(),
      &wast_command(),    &version_command(), &help_command(),
  };
  return table;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto* c : commands())
    if (name == c->name) return c;
  return nullptr;
}

int cmd_version(const Args& args) {
  boost::program_options::variables_map vm;
  if (auto stop = parse_options(version_command(), args, vm)) return *stop;
  std::cout << "timecraft " << TIMECRAFT_VERSION << "\n";
  return kExitOk;
}

int cmd_help(const Args& args) {
  if (!args.empty()) {
    const CommandSpec* c = find_command(args[0] == "-h" || args[0] == "--help" ? "help" : args[0]);
    if (!c) {
      std::vector<std::string> names;
      for (const auto* x : commands()) names.push_back(x->name);
      std::cerr << "timecraft help: unknown command \"" << args[0] << "\"";
      auto near = closest(args[0], names);
      if (!near.empty()) std::cerr << "; did you mean \"" << near << "\"?";
      std::cerr << "\n";
      return kExitUsage;
    }
    // trace's subcommands have their own help: "help trace network".
    if (c == &trace_command() && args.size() > 1 && (args[1] == "network" || args[1] == "request"))
      return c->run({args[1], "--help"});
    std::cout << format_help(*c);
    return kExitOk;
  }
  std::cout << "timecraft - a WebAssembly runtime that records and replays\n\n"
               "Usage: timecraft COMMAND [options] [args]\n\nCommands:\n";
  for (const auto* c : commands()) {
    std::string n = c->name;
    n.resize(10, ' ');
    std::cout << "  " << n << c->summary << "\n";
  }
  std::cout << "\nRun 'timecraft help COMMAND' for a command's options.\n";
  return kExitOk;
}

}  // namespace tc::cli
