// A GDB remote protocol session over a recorded run: a thin layer that
// turns LLDB's WebAssembly dialect (request.hpp) into Target calls, as
// tcdb turns gdb's commands into them. One thread (id 1); the pc is the
// code address (kCodeSpace | file offset) of the innermost frame; reverse
// execution (bc, bs) seeks back through the Target's checkpoints.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "debug/gdbremote/packet.hpp"
#include "debug/gdbremote/request.hpp"
#include "debug/target/target.hpp"
#include "interp/module.hpp"

namespace tc::debug::gdbremote {

class Session {
 public:
  // `module` must be the one the Target replays; `name` is announced in
  // qXfer:libraries (LLDB matches it against the file it was given).
  Session(Target& target, const wasm::Module& module, std::string name);

  // Serves a connected socket until the client detaches (D: the replay
  // then runs on to its end), kills (k) or disconnects; the socket stays
  // open. Errors: the socket failed, or the replay after a detach.
  Expected<void> serve(int fd);
  // The reply body to one packet body (what serve() sends, framed).
  std::string handle(std::string_view body);
  bool finished() const { return finished_; }

 private:
  std::string reply(const Request& r);
  std::string stop_reply(const StopInfo& s, const char* extra = "");
  std::string resume(const req::Resume& r);
  std::string reverse(bool step);
  std::string breakpoint(const req::Breakpoint& b);
  std::string read_memory(uint64_t addr, uint64_t len);
  std::string wasm_value(const req::WasmValue& v);
  std::string libraries(uint64_t offset, uint64_t length) const;
  RunSpec base_spec() const;
  std::vector<uint32_t> wasm_frames() const;  // Target frame indices of the wasm frames, innermost first
  uint64_t pc() const;
  std::optional<uint32_t> writing_instruction() const;

  Target& t_;
  const wasm::Module& m_;
  std::string name_;
  std::set<uint32_t> breakpoints_;  // module file offsets
  std::vector<WatchSpan> watches_;
  // At a watch stop, the accessing instruction's offset: shown as the pc
  // (its access done), so that LLDB names the accessing line, not the next.
  std::optional<uint32_t> writer_;
  // The program's end (not an exit) was reported: how it ended. Going on
  // from there gives gdb's "terminated by a signal" reply.
  std::optional<StopInfo::Reason> ended_;
  int fd_ = -1;           // the client's socket, while serve() runs
  std::string pending_;   // bytes read during a `c` that were not 0x03
  std::string last_stop_;  // the reply to `?` (the last stop as reported)
  bool no_ack_ = false, swbreak_ = false, finished_ = false, detached_ = false;
};

}  // namespace tc::debug::gdbremote
