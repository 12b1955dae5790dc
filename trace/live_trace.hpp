// The live trace of `run -T` and `replay -T`: each host call printed as it
// returns, as `timecraft trace` prints its record (trace/call_text.hpp).
// A RecordHook for the Recorder or the Replayer. Each record is written
// with one write(), so its line does not mix with what the guest writes to
// the same stderr.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "interp/error.hpp"
#include "trace/log_reader.hpp"

namespace tc::trace {

class LiveTrace {
 public:
  // To stderr when `path` is empty, else to the file (created or truncated).
  static Expected<std::unique_ptr<LiveTrace>> open(const std::string& path);
  ~LiveTrace();
  LiveTrace(const LiveTrace&) = delete;
  LiveTrace& operator=(const LiveTrace&) = delete;

  void print(const Record& r);
  RecordHook hook() {
    return [this](const Record& r) { print(r); };
  }
  // The first write that failed (the trace stops there; the run goes on).
  const std::optional<Error>& error() const { return error_; }

 private:
  LiveTrace(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_;
  std::string name_;  // for errors
  std::optional<Error> error_;
};

}  // namespace tc::trace
