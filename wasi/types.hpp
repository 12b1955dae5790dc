// WASI preview1 data types (witx wasi_snapshot_preview1), host-side and
// free of guest pointers. Numbering follows the specification exactly.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::wasi {

enum class Errno : uint16_t {
  Success = 0, TooBig, Acces, AddrInUse, AddrNotAvail, AfNoSupport, Again, Already,
  BadF, BadMsg, Busy, Canceled, Child, ConnAborted, ConnRefused, ConnReset, DeadLk,
  DestAddrReq, Dom, DQuot, Exist, Fault, FBig, HostUnreach, Idrm, IlSeq, InProgress,
  Intr, Inval, Io, IsConn, IsDir, Loop, MFile, MLink, MsgSize, MultiHop, NameTooLong,
  NetDown, NetReset, NetUnreach, NFile, NoBufs, NoDev, NoEnt, NoExec, NoLck, NoLink,
  NoMem, NoMsg, NoProtoOpt, NoSpc, NoSys, NotConn, NotDir, NotEmpty, NotRecoverable,
  NotSock, NotSup, NoTty, NxIo, Overflow, OwnerDead, Perm, Pipe, Proto, ProtoNoSupport,
  Prototype, Range, RoFs, SPipe, Srch, Stale, TimedOut, TxtBsy, XDev, NotCapable,
  // WasmEdge's extension: getaddrinfo's EAI_* errors (sock_getaddrinfo only).
  AiAddrFamily, AiAgain, AiBadFlag, AiFail, AiFamily, AiMemory, AiNoData, AiNoName,
  AiService, AiSockType, AiSystem,
};
const char* errno_name(Errno e);  // "ENOENT" style, "ESUCCESS" for 0

using Fd = uint32_t;
using Size = uint32_t;
using Filesize = uint64_t;
using Timestamp = uint64_t;
using Rights = uint64_t;

enum class ClockId : uint32_t { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 };

enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice, CharacterDevice, Directory, RegularFile, SocketDgram,
  SocketStream, SymbolicLink,
};

enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };

// fdflags
constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4,
                   kFdflagRsync = 8, kFdflagSync = 16;
// oflags
constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
// lookupflags
constexpr uint32_t kLookupSymlinkFollow = 1;
// fstflags
constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8;
// riflags / roflags / sdflags
constexpr uint16_t kRiRecvPeek = 1, kRiRecvWaitall = 2, kRoRecvDataTruncated = 1;
constexpr uint8_t kSdRd = 1, kSdWr = 2;
// subclockflags
constexpr uint16_t kSubclockAbstime = 1;
// eventrwflags
constexpr uint16_t kEventFdReadwriteHangup = 1;

// rights bits
namespace right {
constexpr Rights FdDatasync = 1ull << 0, FdRead = 1ull << 1, FdSeek = 1ull << 2,
                 FdFdstatSetFlags = 1ull << 3, FdSync = 1ull << 4, FdTell = 1ull << 5,
                 FdWrite = 1ull << 6, FdAdvise = 1ull << 7, FdAllocate = 1ull << 8,
                 PathCreateDirectory = 1ull << 9, PathCreateFile = 1ull << 10,
                 PathLinkSource = 1ull << 11, PathLinkTarget = 1ull << 12,
                 PathOpen = 1ull << 13, FdReaddir = 1ull << 14, PathReadlink = 1ull << 15,
                 PathRenameSource = 1ull << 16, PathRenameTarget = 1ull << 17,
                 PathFilestatGet = 1ull << 18, PathFilestatSetSize = 1ull << 19,
                 PathFilestatSetTimes = 1ull << 20, FdFilestatGet = 1ull << 21,
                 FdFilestatSetSize = 1ull << 22, FdFilestatSetTimes = 1ull << 23,
                 PathSymlink = 1ull << 24, PathRemoveDirectory = 1ull << 25,
                 PathUnlinkFile = 1ull << 26, PollFdReadwrite = 1ull << 27,
                 SockShutdown = 1ull << 28, SockAccept = 1ull << 29;
constexpr Rights All = (1ull << 30) - 1;
}  // namespace right

struct Fdstat {
  Filetype filetype = Filetype::Unknown;
  uint16_t flags = 0;
  Rights rights_base = 0;
  Rights rights_inheriting = 0;
};

struct Filestat {
  uint64_t dev = 0;
  uint64_t ino = 0;
  Filetype filetype = Filetype::Unknown;
  uint64_t nlink = 0;
  Filesize size = 0;
  Timestamp atim = 0;
  Timestamp mtim = 0;
  Timestamp ctim = 0;
};

// Only directories can be preopened in preview1; pr_name_len is the name's size.
struct Prestat {
  uint8_t tag = 0;  // 0 = dir
  Size name_len = 0;
};

struct Dirent {
  uint64_t next = 0;  // cookie of the entry after this one
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
  std::string name;
};

enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };

struct Subscription {
  uint64_t userdata = 0;
  EventType type = EventType::Clock;
  // Clock
  ClockId clock_id = ClockId::Realtime;
  Timestamp timeout = 0;
  Timestamp precision = 0;
  uint16_t clock_flags = 0;
  // FdRead / FdWrite
  Fd fd = 0;
};

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  EventType type = EventType::Clock;
  Filesize nbytes = 0;  // fd events: bytes available
  uint16_t flags = 0;   // eventrwflags
};

// ---- WasmEdge's socket extension (module "wasi_snapshot_preview1") ----------
// address_family, sock_type, protocol, sock_opt_level / sock_opt_so and
// aiflags as WasmEdge numbers them (thirdparty/wasi/api.hpp).
enum class AddressFamily : uint8_t { Unspec = 0, Inet4 = 1, Inet6 = 2, Unix = 3 };
enum class SockType : uint8_t { Any = 0, Dgram = 1, Stream = 2 };
enum class Protocol : uint8_t { Ip = 0, Tcp = 1, Udp = 2 };
constexpr uint32_t kSolSocket = 0;  // the only sock_opt_level
enum class SockOpt : uint32_t {
  ReuseAddr = 0, Type, Error, DontRoute, Broadcast, SndBuf, RcvBuf, KeepAlive, OobInline,
  Linger, RcvLowat, RcvTimeo, SndTimeo, AcceptConn, BindToDevice,
};
constexpr uint16_t kAiPassive = 1, kAiCanonname = 2, kAiNumerichost = 4, kAiNumericserv = 8,
                   kAiV4mapped = 16, kAiAll = 32, kAiAddrconfig = 64;

// An IPv4 or IPv6 socket address (the port in host order; addr[0..4) or
// addr[0..16) in network order). Printed "127.0.0.1:8080" / "[::1]:80".
struct SockAddr {
  AddressFamily family = AddressFamily::Unspec;
  uint16_t port = 0;
  uint8_t addr[16] = {};
  size_t addr_size() const { return family == AddressFamily::Inet6 ? 16 : family == AddressFamily::Inet4 ? 4 : 0; }
  std::string to_string() const;
  bool operator==(const SockAddr& o) const;
};

// sock_getaddrinfo's hints and each result (a canonical name only with
// AI_CANONNAME, on the first result).
struct AddrinfoHints {
  uint16_t flags = 0;
  AddressFamily family = AddressFamily::Unspec;
  SockType socktype = SockType::Any;
  Protocol protocol = Protocol::Ip;
};
struct Addrinfo {
  AddressFamily family = AddressFamily::Unspec;
  SockType socktype = SockType::Any;
  Protocol protocol = Protocol::Ip;
  SockAddr addr;
  std::string canonname;
};

// Guest buffers seen by the System: spans straight into guest memory,
// already bounds-checked by the ABI tier. Valid for the duration of a call.
using IovecsIn = std::vector<std::span<const uint8_t>>;
using IovecsOut = std::vector<std::span<uint8_t>>;

}  // namespace tc::wasi
