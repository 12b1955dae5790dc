#include "tools/debug_listen.hpp"

#include <unistd.h>

#include <cstdio>

#include "debug/gdbremote/listener.hpp"
#include "debug/gdbremote/server.hpp"
#include "debug/target/target.hpp"
#include "session/replay.hpp"
#include "tools/cli.hpp"

namespace tc::cli {

int debug_listen(const registry::Registry& reg, const std::string& id, const std::string& listen,
                 uint64_t checkpoint_interval) {
  auto replay = session::ReplaySession::open(reg, id);
  if (!replay) return fail(kExitError, replay.error().message);
  // Listen before the replay starts: a port in use is reported at once.
  auto l = debug::gdbremote::listen_on(listen);
  if (!l) return fail(kExitError, "--listen " + l.error().message);
  // LLDB matches the announced name with the file it was given: the
  // recorded module name, as `timecraft run` stored it.
  const auto& meta = (*replay)->meta();
  std::string name = meta.module_name.empty() ? "module.wasm" : meta.module_name;
  auto target = debug::Target::start(**replay, nullptr);
  if (!target) {
    ::close(l->fd);
    return fail(kExitError, target.error().message);
  }
  (*target)->checkpoint_interval = checkpoint_interval;
  std::fprintf(stderr, "listening on %s\n", l->address.c_str());
  std::fflush(stderr);
  auto client = debug::gdbremote::accept_one(*l);
  if (!client) return fail(kExitError, client.error().message);
  debug::gdbremote::Session session(**target, *(*replay)->module(), name);
  auto served = session.serve(*client);
  ::close(*client);
  std::fflush(stdout);
  if (!served) return fail(kExitError, served.error().message);
  return 0;
}

}  // namespace tc::cli
