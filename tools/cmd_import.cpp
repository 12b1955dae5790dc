// timecraft import FILE|-: a bundle (`export bundle`) into the registry.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include "registry/bundle.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_import(const Args& args);

const CommandSpec& import_command() {
  static const CommandSpec spec = {
      "import", "add a bundle (export bundle) to the registry",
      "import [--registry DIR] FILE|-",
      "Reads a bundle made by 'timecraft export bundle ID FILE' (on this machine\n"
      "or another) from FILE or stdin (-) and adds its process and module to the\n"
      "registry, creating the registry if there is none: then replay, trace,\n"
      "logs and debug work on it here. Prints the process id and whether the\n"
      "module is new here.\n"
      "\n"
      "Nothing in the bundle is trusted: every file is checked against the\n"
      "bundle's manifest (size and sha256), the module against its digest, the\n"
      "log's batches against their checksums, and anything but the files a\n"
      "bundle holds (other names, absolute or '..' paths, links, devices) is\n"
      "refused. The process appears whole or not at all. The module is\n"
      "validated again before its first use here. Importing a process that is\n"
      "already here with the same contents does nothing and succeeds; with\n"
      "other contents it is an error.\n",
      {kRegistryOption},
      {{"file"}},
      "Example:\n"
      "  timecraft export bundle 3f2a bundle.tar\n"
      "  timecraft import --registry /tmp/elsewhere bundle.tar\n"
      "\n"
      "Exit status: 0, or 1 with one line on stderr if FILE cannot be read, is\n"
      "not a bundle, is truncated or corrupt, or the registry cannot be written.\n",
      cmd_import};
  return spec;
}

int cmd_import(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(import_command(), args, vm)) return *stop;
  if (!vm.count("file")) return usage_error("import", "no FILE given (or - for stdin)");
  std::string file = vm["file"].as<std::string>();
  std::string shown = file == "-" ? "stdin" : file;
  auto cfg = registry::load_config();
  if (!cfg) return fail(kExitError, cfg.error().to_string());
  int fd = file == "-" ? 0 : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(kExitError, "cannot open " + file + ": " + std::strerror(errno));
  auto reg = open_registry(vm["registry"].as<std::string>(), /*create=*/true);
  if (!reg) return fail(kExitError, reg.error().to_string());

  auto source = [&](std::span<uint8_t> out) -> Expected<size_t> {
    for (;;) {
      ssize_t n = ::read(fd, out.data(), out.size());
      if (n >= 0) return size_t(n);
      if (errno != EINTR)
        return make_error(ErrorKind::Io, std::string("cannot read: ") + std::strerror(errno));
    }
  };
  auto r = registry::import_bundle(*reg, source, cfg->module_max_bytes);
  if (fd != 0) ::close(fd);
  if (!r) return fail(kExitError, shown + ": " + r.error().message);
  std::cout << "process " << r->manifest.process_id
            << (r->already_imported ? " (already imported)\n" : " (imported)\n")
            << "module sha256:" << r->manifest.module_digest
            << (r->module_new ? " (new)\n" : " (already present)\n");
  return kExitOk;
}

}  // namespace tc::cli
