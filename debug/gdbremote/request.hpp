// A packet body as a typed request (the subset of the GDB remote protocol
// that LLDB speaks to a WebAssembly target, as WAMR's debug engine serves
// it: lldb/docs/resources/lldbgdbremote.md). parse_request() never fails on
// a packet it does not know (Unknown: the reply is the empty packet, "not
// supported"); it fails on a known packet with malformed arguments (the
// reply is an error, E01).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "interp/error.hpp"

namespace tc::debug::gdbremote {

// Addresses are (space << 62) | offset: space 0 is linear memory, 1 the
// module's bytes (a code address is an offset in the .wasm file).
constexpr uint64_t kCodeSpace = uint64_t(1) << 62;
constexpr uint64_t kOffsetMask = kCodeSpace - 1;

namespace req {
struct Supported { std::vector<std::string> features; };  // qSupported[:f;f...]
struct StartNoAckMode {};                                  // QStartNoAckMode
struct SetOk { std::string name; };                        // Q packets answered OK (QEnableErrorStrings ...), H
struct HostInfo {};
struct ProcessInfo {};
struct CurrentThread {};                  // qC
struct ThreadInfo { bool first = true; }; // qfThreadInfo / qsThreadInfo
struct Attached {};                       // qAttached
struct StopReason {};                     // ?, qThreadStopInfo<tid>
struct XferLibraries { uint64_t offset = 0, length = 0; };  // qXfer:libraries:read::OFF,LEN
struct RegisterInfo { uint32_t reg = 0; };  // qRegisterInfo<hex>
struct ReadRegister { uint32_t reg = 0; };  // p<hex>[;thread:..]
struct ReadRegisters {};                    // g
struct ReadMemory { uint64_t addr = 0, length = 0; };   // m ADDR,LEN
struct WriteMemory { uint64_t addr = 0; std::vector<uint8_t> bytes; };  // M ADDR,LEN:HEX
struct MemoryRegionInfo { uint64_t addr = 0; };          // qMemoryRegionInfo:ADDR
// Z/z TYPE,ADDR,KIND: 0 software breakpoint, 2 write, 3 read, 4 access watchpoint.
struct Breakpoint { bool insert = true; uint32_t type = 0; uint64_t addr = 0, kind = 0; };
struct WatchpointInfo {};                   // qWatchpointSupportInfo
struct Resume {                             // c, s, vCont;c|s[:tid], bc, bs
  bool step = false, reverse = false;
};
struct VContQuery {};                       // vCont?
struct WasmCallStack {};                    // qWasmCallStack[:tid]
// qWasmLocal:FRAME;INDEX, qWasmGlobal:FRAME;INDEX, qWasmStackValue:FRAME;INDEX (decimal)
struct WasmValue {
  enum class Kind : uint8_t { Local, Global, StackValue } kind = Kind::Local;
  uint32_t frame = 0, index = 0;
};
struct Kill {};                              // k, vKill
struct Detach {};                            // D[;pid]
struct Unknown { std::string name; };
}  // namespace req

using Request = std::variant<req::Supported, req::StartNoAckMode, req::SetOk, req::HostInfo,
                             req::ProcessInfo, req::CurrentThread, req::ThreadInfo, req::Attached,
                             req::StopReason, req::XferLibraries, req::RegisterInfo, req::ReadRegister,
                             req::ReadRegisters, req::ReadMemory, req::WriteMemory, req::MemoryRegionInfo,
                             req::Breakpoint, req::WatchpointInfo, req::Resume, req::VContQuery,
                             req::WasmCallStack, req::WasmValue, req::Kill, req::Detach, req::Unknown>;

// Malformed arguments: an Error (ErrorKind::Malformed) naming the packet.
Expected<Request> parse_request(std::string_view body);

}  // namespace tc::debug::gdbremote
