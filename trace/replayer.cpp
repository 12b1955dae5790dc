#include "trace/replayer.hpp"

#include <unistd.h>

namespace tc::trace {

const char* call_name(uint32_t call_id) {
  for (const auto& c : wasi::all_calls())
    if (uint32_t(c.id) == call_id) return c.name;
  return "unknown call";
}

Replayer::Replayer(LogReader& log, ReplayOptions opts) : log_(log), opts_(opts) {
  host_out_[1] = opts_.stdout_fd;
  host_out_[2] = opts_.stderr_fd;
}

void Replayer::diverge(std::string message) {
  Error e = make_error(ErrorKind::Trap, "replay diverged from the log: " + message);
  divergence_ = std::move(e);
}

bool Replayer::finished() {
  if (divergence_) return false;
  Record r;
  if (log_.next(r)) {
    diverge("record " + std::to_string(r.index) + ": the program ended, but the log has more (" +
            call_name(r.call_id) + " next)");
    return false;
  }
  return true;
}

void Replayer::echo_write(wasi::Fd fd, const wasi::IovecsIn& iovs, uint64_t n) {
  if (!opts_.echo || (opts_.echo_from && replayed_ <= *opts_.echo_from)) return;
  auto it = host_out_.find(fd);
  if (it == host_out_.end()) return;
  for (auto b : iovs) {
    size_t take = size_t(std::min<uint64_t>(n, b.size()));
    size_t off = 0;
    while (off < take) {
      ssize_t w = ::write(it->second, b.data() + off, take - off);
      if (w <= 0) return;  // echo is best effort: a closed terminal is not a divergence
      off += size_t(w);
    }
    n -= take;
    if (!n) break;
  }
}

}  // namespace tc::trace
