// The System interface: one virtual method per WASI call, generated from
// wasi/calls.def. Typed inputs and outputs (no guest pointers), the errno
// as the return value. This is the boundary the recorder and replayer wrap:
// nothing else touches the OS on the guest's behalf.
#pragma once
#include "interp/error.hpp"
#include "wasi/call_types.hpp"

namespace tc::wasi {

class System {
 public:
  virtual ~System() = default;
#define WASI_CALL(name, id, params, results, ins, outs) \
  virtual Errno name(const call::name##_in& in, call::name##_out& out) = 0;
#include "wasi/calls.def"
#undef WASI_CALL

  // Set when this System cannot go on (a replay that diverged from its
  // log): the ABI tier then unwinds the guest with this error instead of
  // returning the call's errno.
  virtual const Error* fault() const { return nullptr; }

  // True when the last call's result was made up by fault injection
  // (wasi/chaos_system.hpp): the Recorder marks its record so.
  virtual bool last_result_injected() const { return false; }

  // True when clock_time_get(MONOTONIC) returns the host's CLOCK_MONOTONIC
  // reading unchanged (std::chrono::steady_clock's): the Recorder then
  // takes it as the record's timestamp instead of reading the clock again.
  virtual bool host_monotonic_clock() const { return false; }
};

}  // namespace tc::wasi
