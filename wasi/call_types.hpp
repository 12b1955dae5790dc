// Typed inputs and outputs of every WASI call, generated from wasi/calls.def.
// For each call `x`: struct call::x_in, struct call::x_out, and
//   visit_fields(s, v)  calling v(Kind, "field", s.field) for each field
// so a generic encoder (recorder, replayer, pretty-printer) can walk any call.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "wasi/types.hpp"

namespace tc::wasi {

// The kinds used in calls.def, as C++ types. Distinct names, so an encoder
// can tell a file descriptor from a size even where both are uint32_t.
namespace kind {
using Fd = wasi::Fd;
using Size = wasi::Size;
using Filesize = wasi::Filesize;
using Filedelta = int64_t;
using Timestamp = wasi::Timestamp;
using Rights = wasi::Rights;
using Dircookie = uint64_t;
using ClockId = wasi::ClockId;
using Whence = wasi::Whence;
using Advice = uint8_t;
using Fdflags = uint16_t;
using Oflags = uint16_t;
using Fstflags = uint16_t;
using Lookupflags = uint32_t;
using Riflags = uint16_t;
using Roflags = uint16_t;
using Siflags = uint16_t;
using Sdflags = uint8_t;
using Signal = uint8_t;
using ExitCode = uint32_t;
using Path = std::string_view;        // bytes as given by the guest (not NUL-terminated)
using IovecsIn = wasi::IovecsIn;      // source buffers in guest memory
using IovecsOut = wasi::IovecsOut;    // destination buffers in guest memory
using BytesOut = std::span<uint8_t>;  // one destination buffer in guest memory
using Strings = std::vector<std::string>;
using String = std::string;
using Fdstat = wasi::Fdstat;
using Filestat = wasi::Filestat;
using Prestat = wasi::Prestat;
using Dirents = std::vector<wasi::Dirent>;
using Subscriptions = std::vector<wasi::Subscription>;
using Events = std::vector<wasi::Event>;
// WasmEdge's socket extension
using AddressFamily = wasi::AddressFamily;
using SockType = wasi::SockType;
using SockAddr = wasi::SockAddr;
using Backlog = int32_t;
using SockOptLevel = uint32_t;
using SockOptName = wasi::SockOpt;
using SockOptValue = int32_t;   // every option this host supports is an int
using HostName = std::string_view;  // a node or service name, as given by the guest
using AddrinfoHints = wasi::AddrinfoHints;
using Addrinfos = std::vector<wasi::Addrinfo>;
}  // namespace kind

enum class Kind : uint8_t {
  Fd, Size, Filesize, Filedelta, Timestamp, Rights, Dircookie, ClockId, Whence, Advice,
  Fdflags, Oflags, Fstflags, Lookupflags, Riflags, Roflags, Siflags, Sdflags, Signal,
  ExitCode, Path, IovecsIn, IovecsOut, BytesOut, Strings, String, Fdstat, Filestat, Prestat,
  Dirents, Subscriptions, Events,
  AddressFamily, SockType, SockAddr, Backlog, SockOptLevel, SockOptName, SockOptValue, HostName,
  AddrinfoHints, Addrinfos,
};

enum class CallId : uint16_t {
#define WASI_CALL(name, id, params, results, ins, outs) name = id,
#include "wasi/calls.def"
#undef WASI_CALL
};

namespace call {
#define IN(k, f) kind::k f{};
#define OUT(k, f) kind::k f{};
#define WASI_CALL(name, id, params, results, ins, outs) \
  struct name##_in {                                    \
    ins                                                 \
  };                                                    \
  struct name##_out {                                   \
    outs                                                \
  };
#include "wasi/calls.def"
#undef WASI_CALL
#undef IN
#undef OUT

#define IN(k, f) v(Kind::k, #f, s.f);
#define OUT(k, f) v(Kind::k, #f, s.f);
#define WASI_CALL(name, id, params, results, ins, outs)                      \
  template <class S, class V>                                                \
  requires std::is_same_v<std::remove_const_t<S>, name##_in>                 \
  void visit_fields(S& s, V&& v) { ins }                                     \
  template <class S, class V>                                                \
  requires std::is_same_v<std::remove_const_t<S>, name##_out>                \
  void visit_fields(S& s, V&& v) { outs }
#include "wasi/calls.def"
#undef WASI_CALL
#undef IN
#undef OUT
}  // namespace call

// Static facts about each call, in id order.
struct CallInfo {
  CallId id;
  const char* name;
  const char* wasm_params;   // "iiIi": i = i32, I = i64
  const char* wasm_results;  // "i" or ""
};
std::span<const CallInfo> all_calls();
const CallInfo* find_call(std::string_view name);

}  // namespace tc::wasi
