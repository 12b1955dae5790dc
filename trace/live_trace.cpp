#include "trace/live_trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "trace/call_text.hpp"
#include "trace/log_diff.hpp"

namespace tc::trace {

Expected<std::unique_ptr<LiveTrace>> LiveTrace::open(const std::string& path) {
  if (path.empty()) return std::unique_ptr<LiveTrace>(new LiveTrace(2, false, "stderr"));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorKind::Io, path + ": " + std::strerror(errno));
  return std::unique_ptr<LiveTrace>(new LiveTrace(fd, true, path));
}

LiveTrace::~LiveTrace() {
  if (owned_) ::close(fd_);
}

void LiveTrace::print(const Record& r) {
  if (error_) return;
  auto c = decode_record(r);
  std::string text = c ? record_text(*c)
                       : record_head(r.index, r.time_ns) + call_name(r.call_id) + ": " +
                             c.error().message + "\n";
  // One write() normally; a short write (a full pipe, a signal) goes on.
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = make_error(ErrorKind::Io, "trace: " + name_ + ": " + std::strerror(errno));
      return;
    }
    done += size_t(n);
  }
}

}  // namespace tc::trace
