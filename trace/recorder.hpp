// Recorder: a wasi::System that forwards every call to the real System and
// appends a record (timestamp, call id, inputs, errno, outputs, bytes
// written into guest memory) to the log.
#pragma once
#include <chrono>
#include <optional>
#include <vector>

#include "interp/error.hpp"
#include "trace/log_writer.hpp"
#include "wasi/system.hpp"

namespace tc::trace {

class Recorder : public wasi::System {
 public:
  Recorder(wasi::System& real, LogWriter& log)
      : real_(real), log_(log), start_(std::chrono::steady_clock::now()) {}

#define WASI_CALL(name, id, params, results, ins, outs)                          \
  wasi::Errno name(const wasi::call::name##_in& in, wasi::call::name##_out& out) \
      override {                                                                 \
    wasi::Errno e = real_.name(in, out);                                         \
    record(wasi::CallId::name, in, e, out);                                      \
    return e;                                                                    \
  }
#include "wasi/calls.def"
#undef WASI_CALL

  // The first error writing the log (e.g. disk full), if any. Recording
  // stops there; the program keeps running and the log stays readable up
  // to its last whole batch.
  const std::optional<Error>& log_error() const { return log_error_; }

 private:
  template <class In, class Out>
  void record(wasi::CallId id, const In& in, wasi::Errno e, const Out& out);

  wasi::System& real_;
  LogWriter& log_;
  std::chrono::steady_clock::time_point start_;
  std::vector<uint8_t> buf_;
  std::optional<Error> log_error_;
};

// Encodes a call's payload (used by the recorder and by tests).
template <class In, class Out>
void encode_call(std::vector<uint8_t>& buf, const In& in, wasi::Errno e, const Out& out);

}  // namespace tc::trace

#include "trace/recorder_impl.hpp"
