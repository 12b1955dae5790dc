// Replayer: a wasi::System that answers every call from the log, checking
// that the program makes the same call with the same inputs (call, fds,
// offsets, flags, paths, the exact bytes of writes, iovec shapes of reads).
// It makes no system call on the guest's behalf; what the program wrote to
// stdout/stderr is echoed (unless disabled) so the replay looks like the run.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "interp/error.hpp"
#include "trace/log_reader.hpp"
#include "wasi/system.hpp"

namespace tc::trace {

struct ReplayOptions {
  bool echo = true;  // -q turns it off
  // A run that was interrupted or killed: its log holds nothing past this
  // many records, so the program stops as the last of them returns (what
  // it computed after that is unknown) with ran_out().
  std::optional<uint64_t> end_after;
  // Echo only the writes of records at or beyond this index (a debugger
  // going back over output it has shown already raises it).
  const uint64_t* echo_from = nullptr;
  int stdout_fd = 1, stderr_fd = 2;
  // Sees each record once the program has made its call (`replay -T`).
  RecordHook on_record;
};

class Replayer : public wasi::System {
 public:
  Replayer(LogReader& log, ReplayOptions opts = {});

#define WASI_CALL(name, id, params, results, ins, outs)                          \
  wasi::Errno name(const wasi::call::name##_in& in, wasi::call::name##_out& out) \
      override {                                                                 \
    return replay(wasi::CallId::name, #name, in, out);                           \
  }
#include "wasi/calls.def"
#undef WASI_CALL

  // Set at the first mismatch: names the record index, the recorded call
  // and the observed one. Exposed as fault(), so the guest stops there.
  const std::optional<Error>& divergence() const { return divergence_; }
  const Error* fault() const override { return divergence_ ? &*divergence_ : nullptr; }
  uint64_t replayed() const { return replayed_; }
  // True when every record of the log was consumed.
  bool finished();
  // True when the divergence is that the program went on past the last
  // record (the expected end of a run that was interrupted or killed).
  bool ran_out() const { return ran_out_; }

 private:
  template <class In, class Out>
  wasi::Errno replay(wasi::CallId id, const char* name, const In& in, Out& out);
  void diverge(std::string message);
  void echo_write(wasi::Fd fd, const wasi::IovecsIn& iovs, uint64_t n);

  LogReader& log_;
  ReplayOptions opts_;
  std::optional<Error> divergence_;
  uint64_t replayed_ = 0;
  bool ran_out_ = false;
  std::map<wasi::Fd, int> host_out_;  // guest fd -> host fd it echoes to
};

const char* call_name(uint32_t call_id);  // "fd_write", or "call#N"

}  // namespace tc::trace

#include "trace/replayer_impl.hpp"
