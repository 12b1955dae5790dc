// Recorder: a wasi::System that forwards every call to the real System and
// appends a record (timestamp, call id, inputs, errno, outputs, bytes
// written into guest memory) to the log, then shows it to `on_record`.
// A result the System below made up (fault injection: `real` is then a
// wasi::ChaosSystem) is marked so in its record.
#pragma once
#include <chrono>
#include <optional>
#include <vector>

#include "interp/error.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"
#include "wasi/system.hpp"

namespace tc::trace {

static_assert(kClockTimeGetId == uint32_t(wasi::CallId::clock_time_get));

class Recorder : public wasi::System {
 public:
  // `on_record`, if given, sees every call's record as it is appended (and
  // still after the log failed: the index then goes on counting calls).
  Recorder(wasi::System& real, LogWriter& log, RecordHook on_record = {})
      : real_(real), log_(&log), on_record_(std::move(on_record)),
        start_(std::chrono::steady_clock::now()), host_monotonic_(real.host_monotonic_clock()) {}
  // No log: records are only shown to `on_record` (`run --no-record -T`).
  Recorder(wasi::System& real, RecordHook on_record)
      : real_(real), log_(nullptr), on_record_(std::move(on_record)),
        start_(std::chrono::steady_clock::now()) {}

#define WASI_CALL(name, id, params, results, ins, outs)                          \
  wasi::Errno name(const wasi::call::name##_in& in, wasi::call::name##_out& out) \
      override {                                                                 \
    wasi::Errno e = real_.name(in, out);                                         \
    record(wasi::CallId::name, in, e, out, real_.last_result_injected());        \
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
  void record(wasi::CallId id, const In& in, wasi::Errno e, const Out& out, bool injected);

  wasi::System& real_;
  LogWriter* log_;  // null: none
  RecordHook on_record_;
  uint64_t index_ = 0;  // of the next record
  std::chrono::steady_clock::time_point start_;
  bool host_monotonic_ = false;  // real_.host_monotonic_clock()
  uint64_t now_ns() const {  // since start_
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start_).count());
  }
  std::vector<uint8_t> buf_;
  std::vector<Splice> splices_;
  std::optional<Error> log_error_;
};

// Encodes a call's payload (used by the recorder and by tests). With
// `splices`, the bytes the call filled are not copied into `buf` but listed
// there, to be spliced in where they belong (LogWriter::append).
template <class In, class Out>
void encode_call(std::vector<uint8_t>& buf, const In& in, wasi::Errno e, const Out& out,
                 std::vector<Splice>* splices = nullptr);

}  // namespace tc::trace

#include "trace/recorder_impl.hpp"
