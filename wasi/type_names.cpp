#include "wasi/type_names.hpp"

#include <cstdio>
#include <span>

namespace tc::wasi {

namespace {

struct Name {
  uint64_t value;  // a bit (flag sets) or a value (enums)
  const char* name;
};

struct NameTable {
  NameSet set;
  bool flags;
  std::span<const Name> names;
};

constexpr Name kOflags[] = {
    {kOflagCreat, "CREAT"}, {kOflagDirectory, "DIRECTORY"}, {kOflagExcl, "EXCL"}, {kOflagTrunc, "TRUNC"}};
constexpr Name kFdflags[] = {{kFdflagAppend, "APPEND"}, {kFdflagDsync, "DSYNC"},
                             {kFdflagNonblock, "NONBLOCK"}, {kFdflagRsync, "RSYNC"},
                             {kFdflagSync, "SYNC"}};
constexpr Name kRights[] = {
    {right::FdDatasync, "FD_DATASYNC"},
    {right::FdRead, "FD_READ"},
    {right::FdSeek, "FD_SEEK"},
    {right::FdFdstatSetFlags, "FD_FDSTAT_SET_FLAGS"},
    {right::FdSync, "FD_SYNC"},
    {right::FdTell, "FD_TELL"},
    {right::FdWrite, "FD_WRITE"},
    {right::FdAdvise, "FD_ADVISE"},
    {right::FdAllocate, "FD_ALLOCATE"},
    {right::PathCreateDirectory, "PATH_CREATE_DIRECTORY"},
    {right::PathCreateFile, "PATH_CREATE_FILE"},
    {right::PathLinkSource, "PATH_LINK_SOURCE"},
    {right::PathLinkTarget, "PATH_LINK_TARGET"},
    {right::PathOpen, "PATH_OPEN"},
    {right::FdReaddir, "FD_READDIR"},
    {right::PathReadlink, "PATH_READLINK"},
    {right::PathRenameSource, "PATH_RENAME_SOURCE"},
    {right::PathRenameTarget, "PATH_RENAME_TARGET"},
    {right::PathFilestatGet, "PATH_FILESTAT_GET"},
    {right::PathFilestatSetSize, "PATH_FILESTAT_SET_SIZE"},
    {right::PathFilestatSetTimes, "PATH_FILESTAT_SET_TIMES"},
    {right::FdFilestatGet, "FD_FILESTAT_GET"},
    {right::FdFilestatSetSize, "FD_FILESTAT_SET_SIZE"},
    {right::FdFilestatSetTimes, "FD_FILESTAT_SET_TIMES"},
    {right::PathSymlink, "PATH_SYMLINK"},
    {right::PathRemoveDirectory, "PATH_REMOVE_DIRECTORY"},
    {right::PathUnlinkFile, "PATH_UNLINK_FILE"},
    {right::PollFdReadwrite, "POLL_FD_READWRITE"},
    {right::SockShutdown, "SOCK_SHUTDOWN"},
    {right::SockAccept, "SOCK_ACCEPT"},
};
constexpr Name kLookupflags[] = {{kLookupSymlinkFollow, "SYMLINK_FOLLOW"}};
constexpr Name kFstflags[] = {
    {kFstAtim, "ATIM"}, {kFstAtimNow, "ATIM_NOW"}, {kFstMtim, "MTIM"}, {kFstMtimNow, "MTIM_NOW"}};
constexpr Name kRiflags[] = {{kRiRecvPeek, "RECV_PEEK"}, {kRiRecvWaitall, "RECV_WAITALL"}};
constexpr Name kRoflags[] = {{kRoRecvDataTruncated, "RECV_DATA_TRUNCATED"}};
constexpr Name kSdflags[] = {{kSdRd, "RD"}, {kSdWr, "WR"}};
constexpr Name kSubclockflags[] = {{kSubclockAbstime, "ABSTIME"}};
constexpr Name kEventrwflags[] = {{kEventFdReadwriteHangup, "HANGUP"}};

constexpr Name kEventtype[] = {{uint64_t(EventType::Clock), "CLOCK"},
                               {uint64_t(EventType::FdRead), "FD_READ"},
                               {uint64_t(EventType::FdWrite), "FD_WRITE"}};
constexpr Name kFiletype[] = {{uint64_t(Filetype::Unknown), "UNKNOWN"},
                              {uint64_t(Filetype::BlockDevice), "BLOCK_DEVICE"},
                              {uint64_t(Filetype::CharacterDevice), "CHARACTER_DEVICE"},
                              {uint64_t(Filetype::Directory), "DIRECTORY"},
                              {uint64_t(Filetype::RegularFile), "REGULAR_FILE"},
                              {uint64_t(Filetype::SocketDgram), "SOCKET_DGRAM"},
                              {uint64_t(Filetype::SocketStream), "SOCKET_STREAM"},
                              {uint64_t(Filetype::SymbolicLink), "SYMBOLIC_LINK"}};
constexpr Name kWhence[] = {{uint64_t(Whence::Set), "SET"}, {uint64_t(Whence::Cur), "CUR"},
                            {uint64_t(Whence::End), "END"}};
constexpr Name kClockId[] = {{uint64_t(ClockId::Realtime), "REALTIME"},
                             {uint64_t(ClockId::Monotonic), "MONOTONIC"},
                             {uint64_t(ClockId::ProcessCputime), "PROCESS_CPUTIME_ID"},
                             {uint64_t(ClockId::ThreadCputime), "THREAD_CPUTIME_ID"}};
constexpr Name kAdvice[] = {{0, "NORMAL"}, {1, "SEQUENTIAL"}, {2, "RANDOM"},
                            {3, "WILLNEED"}, {4, "DONTNEED"}, {5, "NOREUSE"}};
constexpr Name kPreopentype[] = {{0, "DIR"}};
constexpr Name kSignal[] = {
    {0, "NONE"},  {1, "HUP"},   {2, "INT"},    {3, "QUIT"},  {4, "ILL"},   {5, "TRAP"},
    {6, "ABRT"},  {7, "BUS"},   {8, "FPE"},    {9, "KILL"},  {10, "USR1"}, {11, "SEGV"},
    {12, "USR2"}, {13, "PIPE"}, {14, "ALRM"},  {15, "TERM"}, {16, "CHLD"}, {17, "CONT"},
    {18, "STOP"}, {19, "TSTP"}, {20, "TTIN"},  {21, "TTOU"}, {22, "URG"},  {23, "XCPU"},
    {24, "XFSZ"}, {25, "VTALRM"}, {26, "PROF"}, {27, "WINCH"}, {28, "POLL"}, {29, "PWR"},
    {30, "SYS"}};

constexpr Name kAiflags[] = {{kAiPassive, "PASSIVE"},       {kAiCanonname, "CANONNAME"},
                             {kAiNumerichost, "NUMERICHOST"}, {kAiNumericserv, "NUMERICSERV"},
                             {kAiV4mapped, "V4MAPPED"},       {kAiAll, "ALL"},
                             {kAiAddrconfig, "ADDRCONFIG"}};
constexpr Name kAddressFamily[] = {{0, "UNSPEC"}, {1, "INET4"}, {2, "INET6"}, {3, "UNIX"}};
constexpr Name kSockType[] = {{0, "ANY"}, {1, "DGRAM"}, {2, "STREAM"}};
constexpr Name kProtocol[] = {{0, "IP"}, {1, "TCP"}, {2, "UDP"}};
constexpr Name kSockOptLevel[] = {{kSolSocket, "SOL_SOCKET"}};
constexpr Name kSockOpt[] = {
    {0, "SO_REUSEADDR"}, {1, "SO_TYPE"},      {2, "SO_ERROR"},     {3, "SO_DONTROUTE"},
    {4, "SO_BROADCAST"}, {5, "SO_SNDBUF"},    {6, "SO_RCVBUF"},    {7, "SO_KEEPALIVE"},
    {8, "SO_OOBINLINE"}, {9, "SO_LINGER"},    {10, "SO_RCVLOWAT"}, {11, "SO_RCVTIMEO"},
    {12, "SO_SNDTIMEO"}, {13, "SO_ACCEPTCONN"}, {14, "SO_BINDTODEVICE"}};

constexpr NameTable kTables[] = {
    {NameSet::Oflags, true, kOflags},
    {NameSet::Fdflags, true, kFdflags},
    {NameSet::Rights, true, kRights},
    {NameSet::Lookupflags, true, kLookupflags},
    {NameSet::Fstflags, true, kFstflags},
    {NameSet::Riflags, true, kRiflags},
    {NameSet::Roflags, true, kRoflags},
    {NameSet::Siflags, true, {}},  // preview1 defines no siflags
    {NameSet::Sdflags, true, kSdflags},
    {NameSet::Subclockflags, true, kSubclockflags},
    {NameSet::Eventrwflags, true, kEventrwflags},
    {NameSet::Eventtype, false, kEventtype},
    {NameSet::Filetype, false, kFiletype},
    {NameSet::Whence, false, kWhence},
    {NameSet::ClockId, false, kClockId},
    {NameSet::Advice, false, kAdvice},
    {NameSet::Preopentype, false, kPreopentype},
    {NameSet::Signal, false, kSignal},
    {NameSet::Aiflags, true, kAiflags},
    {NameSet::AddressFamily, false, kAddressFamily},
    {NameSet::SockType, false, kSockType},
    {NameSet::Protocol, false, kProtocol},
    {NameSet::SockOptLevel, false, kSockOptLevel},
    {NameSet::SockOpt, false, kSockOpt},
};

const NameTable* table(NameSet s) {
  for (const auto& t : kTables)
    if (t.set == s) return &t;
  return nullptr;
}

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

bool is_flags(NameSet s) {
  const NameTable* t = table(s);
  return t && t->flags;
}

NameSet names_of(Kind k) {
  switch (k) {
    case Kind::Oflags: return NameSet::Oflags;
    case Kind::Fdflags: return NameSet::Fdflags;
    case Kind::Rights: return NameSet::Rights;
    case Kind::Lookupflags: return NameSet::Lookupflags;
    case Kind::Fstflags: return NameSet::Fstflags;
    case Kind::Riflags: return NameSet::Riflags;
    case Kind::Roflags: return NameSet::Roflags;
    case Kind::Siflags: return NameSet::Siflags;
    case Kind::Sdflags: return NameSet::Sdflags;
    case Kind::Whence: return NameSet::Whence;
    case Kind::ClockId: return NameSet::ClockId;
    case Kind::Advice: return NameSet::Advice;
    case Kind::Signal: return NameSet::Signal;
    case Kind::AddressFamily: return NameSet::AddressFamily;
    case Kind::SockType: return NameSet::SockType;
    case Kind::SockOptLevel: return NameSet::SockOptLevel;
    case Kind::SockOptName: return NameSet::SockOpt;
    default: return NameSet::None;
  }
}

std::vector<std::string> flag_names(NameSet s, uint64_t v) {
  std::vector<std::string> out;
  if (const NameTable* t = table(s))
    for (const auto& n : t->names)
      if (v & n.value) {
        out.push_back(n.name);
        v &= ~n.value;
      }
  if (v) out.push_back(hex(v));
  return out;
}

std::string enum_name(NameSet s, uint64_t v) {
  if (const NameTable* t = table(s))
    for (const auto& n : t->names)
      if (n.value == v) return n.name;
  return "";
}

std::string name_text(NameSet s, uint64_t v) {
  if (!is_flags(s)) {
    std::string n = enum_name(s, v);
    return n.empty() ? std::to_string(v) : n;
  }
  if (v == 0) return "0";
  std::string out;
  for (const auto& n : flag_names(s, v)) out += (out.empty() ? "" : "|") + n;
  return out;
}

}  // namespace tc::wasi
