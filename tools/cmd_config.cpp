// timecraft config [--edit]: show the configuration file, or edit it with
// $EDITOR and keep the change only if it validates.
#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "registry/atomic_file.hpp"
#include "registry/config.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_config(const Args& args);

const CommandSpec& config_command() {
  static const CommandSpec spec = {
      "config", "show or edit the configuration",
      "config [--edit]",
      "Shows the configuration ($TIMECRAFT_CONFIG, else ~/.timecraft/config.yaml);\n"
      "--edit opens it in $VISUAL/$EDITOR and saves it only if it is valid.\n"
      "  registry.root     registry location (default ~/.timecraft)\n"
      "  registry.remote   a shared registry, s3://bucket[/prefix] (push, pull,\n"
      "                    get ps --remote; run uploads to it)\n"
      "  registry.endpoint its S3 server, http(s)://host[:port]\n"
      "  registry.region   its region (default us-east-1)\n"
      "  log.batch-size    records per compressed batch (default 4096)\n"
      "  log.segment-size  roll over to a new segment past this (default 64MiB)\n"
      "  log.segment-seconds  with a remote, also seal (upload) a segment open\n"
      "                    this long, and beat as often (default 10; 0: by size)\n"
      "  log.compression   zstd (the default), zlib or none\n"
      "  module.max-size   `run` refuses a larger module file (default 1GiB)\n"
      "Sizes take a unit: B, KiB, MiB, GiB, TiB (or K, M, G, T).\n",
      {{"edit", Option::Flag, "", "edit the file in $VISUAL/$EDITOR (saved only if valid)"}},
      {},
      "",
      cmd_config};
  return spec;
}

int cmd_config(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(config_command(), args, vm)) return *stop;
  std::string path = registry::config_path();
  if (!vm.count("edit")) {
    auto cfg = registry::load_config();
    if (!cfg) return fail(kExitError, cfg.error().to_string());
    std::cout << "# " << path << "\n" << registry::config_to_yaml(*cfg);
    return kExitOk;
  }
  // Edit a copy; install it only if it parses.
  std::string current;
  if (auto b = registry::read_file(path)) current.assign(b->begin(), b->end());
  else current = registry::config_to_yaml(registry::Config{});
  std::string tmp = "/tmp/timecraft-config-" + std::to_string(::getpid()) + ".yaml";
  { std::ofstream(tmp) << current; }
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  for (;;) {
    std::string cmd = std::string(editor) + " '" + tmp + "'";
    if (std::system(cmd.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return fail(kExitError, "the editor failed; configuration unchanged");
    }
    std::stringstream ss;
    ss << std::ifstream(tmp).rdbuf();
    auto parsed = registry::parse_config(ss.str());
    if (parsed) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
      auto w = registry::write_file_atomic(path, ss.str());
      ::unlink(tmp.c_str());
      if (!w) return fail(kExitError, w.error().message);
      std::cout << "saved " << path << "\n";
      return kExitOk;
    }
    std::cerr << "timecraft config: " << parsed.error().message << " (line "
              << parsed.error().location.substr(parsed.error().location.rfind(':') + 1) << ")\n";
    if (!isatty(0)) {
      ::unlink(tmp.c_str());
      return fail(kExitError, "configuration unchanged");
    }
    std::cerr << "Edit again? [Y/n] ";
    std::string answer;
    std::getline(std::cin, answer);
    if (!answer.empty() && (answer[0] == 'n' || answer[0] == 'N')) {
      ::unlink(tmp.c_str());
      return fail(kExitError, "configuration unchanged");
    }
  }
}

}  // namespace tc::cli
