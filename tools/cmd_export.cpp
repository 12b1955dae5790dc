// timecraft export module|process|log|profile|bundle ID FILE|-: copy a
// resource out of the registry (module bytes, process metadata JSON, the
// log's segments, a profile in pprof's format, or a process's bundle).
#include <boost/program_options.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "registry/atomic_file.hpp"
#include "registry/bundle.hpp"
#include "tools/cli.hpp"
#include "tools/output_file.hpp"
#include "tools/resources.hpp"
#include "trace/log_writer.hpp"

namespace tc::cli {

namespace po = boost::program_options;

int cmd_export(const Args& args);

namespace {

// Streamed: a bundle holds the whole log.
int export_bundle(const registry::Registry& reg, const std::string& prefix, const std::string& file) {
  auto id = reg.resolve(registry::ObjectKind::Process, prefix);
  if (!id) return fail(kExitError, id.error().message);
  auto w = write_output_stream(file, [&](int fd, const std::string& name) -> Expected<void> {
    auto m = registry::write_bundle(reg, *id, [&](std::span<const uint8_t> data) {
      return write_all(fd, data, name);
    });
    if (!m) return m.error();
    return {};
  });
  if (!w) return fail(kExitError, w.error().message);
  return kExitOk;
}

}  // namespace

const CommandSpec& export_command() {
  static const CommandSpec spec = {
      "export", "write a module, process metadata, log, profile or bundle to a file",
      "export module|process|log|profile|bundle ID FILE|-",
      "Writes a resource to FILE or to stdout (-):\n"
      "  module   the module's exact bytes\n"
      "  process  the process metadata (JSON)\n"
      "  log      the log: its segment files back to back\n"
      "  profile  a profile in pprof's format (go tool pprof FILE)\n"
      "  bundle   a process with its module and log, as one tar file, to replay\n"
      "           it elsewhere (timecraft import FILE); tar tf FILE lists it\n"
      "\n"
      "A new FILE or a regular one is written atomically (a temporary file renamed\n"
      "over it: readers see the old or the new content). A device, FIFO or socket\n"
      "is opened and written in place, as a shell redirection would: it stays\n"
      "what it is, and a write error (e.g. ENOSPC on /dev/full) is reported.\n"
      "/dev/stdout and /dev/stderr are timecraft's own. A symbolic link is\n"
      "followed: a link to a regular file keeps the link and replaces the target\n"
      "atomically; a link to a device or FIFO is written through; a link to a\n"
      "missing file is refused (nothing is created).\n",
      {kRegistryOption},
      {{"args", -1}},
      "Exit status: 0, or 1 with one line on stderr if the resource or FILE\n"
      "cannot be read or written.\n",
      cmd_export};
  return spec;
}

int cmd_export(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(export_command(), args, vm)) return *stop;
  auto a = vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (a.size() != 3) return usage_error("export", "expected TYPE, ID and FILE (or - for stdout)");
  auto type = parse_resource(a[0], "export", {Resource::Process, Resource::Module, Resource::Log,
                                              Resource::Profile, Resource::Bundle});
  if (!type) return kExitUsage;
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  // A closed pipe or FIFO is a write error to report, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  if (*type == Resource::Bundle) return export_bundle(*reg, a[1], a[2]);

  std::vector<uint8_t> data;
  if (*type == Resource::Module) {
    auto d = reg->resolve(registry::ObjectKind::Module, a[1]);
    if (!d) return fail(kExitError, d.error().message);
    auto b = reg->read_module(*d);
    if (!b) return fail(kExitError, b.error().message);
    data = std::move(*b);
  } else if (*type == Resource::Profile) {
    auto id = reg->resolve(registry::ObjectKind::Profile, a[1]);
    if (!id) return fail(kExitError, id.error().message);
    auto b = reg->read_profile(*id);
    if (!b) return fail(kExitError, b.error().message);
    data = std::move(*b);
  } else {
    auto id = reg->resolve(registry::ObjectKind::Process, a[1]);
    if (!id) return fail(kExitError, id.error().message);
    if (*type == Resource::Process) {
      auto t = reg->read_process_meta(*id);
      if (!t) return fail(kExitError, t.error().message);
      data.assign(t->begin(), t->end());
    } else {
      // The segments back to back: each starts with its own header.
      auto segments = reg->log_segments(*id);
      for (uint32_t i = 0;; ++i) {
        auto seg = segments->read(i, 0, UINT64_MAX);
        if (!seg || !*seg) {
          if (i == 0)
            return fail(kExitError, seg ? "cannot open " + segments->name(0) + ": " + std::strerror(ENOENT)
                                        : seg.error().message);
          break;
        }
        data.insert(data.end(), (*seg)->begin(), (*seg)->end());
      }
    }
  }
  auto w = write_output_file(a[2], data);
  if (!w) return fail(kExitError, w.error().message);
  return kExitOk;
}

}  // namespace tc::cli
