// PosixSystem set-up, shared helpers, and the process-level calls (args,
// environ, clocks, random, proc, sched).
#include "wasi/posix_system.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tc::wasi {

namespace {

Expected<int> open_listener(const std::string& spec) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorKind::Usage, "--listen " + spec + ": expected ADDR:PORT");
  std::string host = spec.substr(0, colon), port = spec.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res))
    return make_error(ErrorKind::Usage, "--listen " + spec + ": " + gai_strerror(rc));
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || ::bind(fd, res->ai_addr, res->ai_addrlen) < 0 || ::listen(fd, 128) < 0) {
    std::string msg = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    freeaddrinfo(res);
    return make_error(ErrorKind::Io, "--listen " + spec + ": " + msg);
  }
  freeaddrinfo(res);
  return fd;
}

FdEntry stdio_entry(int host) {
  FdEntry e;
  e.host = std::make_shared<HostFd>(host, false);
  struct ::stat st{};
  if (::fstat(host, &st) == 0) {
    e.type = filetype_from_mode(st.st_mode);
    if (e.type == Filetype::RegularFile) e.rights_base = right::kFileRights;
    else e.rights_base = right::kTtyRights;
  } else {
    e.type = Filetype::Unknown;
    e.rights_base = right::kTtyRights;
  }
  int fl = ::fcntl(host, F_GETFL);
  if (fl >= 0 && (fl & O_APPEND)) e.flags |= kFdflagAppend;
  return e;
}

}  // namespace

Expected<std::unique_ptr<PosixSystem>> PosixSystem::create(const PosixConfig& config) {
  std::unique_ptr<PosixSystem> sys(new PosixSystem());
  sys->config_ = config;
  for (Fd i = 0; i < 3; ++i) sys->fds_.put(i, stdio_entry(config.stdio[i]));
  Fd next = 3;
  for (const auto& d : config.dirs) {
    int fd = ::open(d.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return make_error(ErrorKind::Io, "--dir " + d.host_path + ": " + std::strerror(errno));
    FdEntry e;
    e.host = std::make_shared<HostFd>(fd, true);
    e.type = Filetype::Directory;
    e.rights_base = right::kDirRights;
    e.rights_inheriting = right::kDirRights | right::kFileRights;
    e.preopen = true;
    e.preopen_name = d.guest_path;
    sys->fds_.put(next++, std::move(e));
  }
  for (const auto& d : config.dial) {
    auto rules = parse_endpoint("--dial", d);
    if (!rules) return std::move(rules.error());
    sys->net_.connect.insert(sys->net_.connect.end(), rules->begin(), rules->end());
  }
  for (const auto& n : config.net) {
    auto rules = parse_net_rules(n);
    if (!rules) return std::move(rules.error());
    sys->net_.connect.insert(sys->net_.connect.end(), rules->begin(), rules->end());
    sys->net_.bind.insert(sys->net_.bind.end(), rules->begin(), rules->end());
  }
  for (const auto& l : config.listen) {
    auto fd = open_listener(l);
    if (!fd) return std::move(fd.error());
    FdEntry e;
    e.host = std::make_shared<HostFd>(*fd, true);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(*fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      SockAddr a = sockaddr_from_host(&ss, len);
      NetRule r;
      r.net = a;
      r.prefix = a.family == AddressFamily::Inet6 ? 128 : 32;
      r.port_lo = r.port_hi = a.port;
      sys->net_.bind.push_back(r);
      sys->listeners_.push_back({a, e.host});
    }
    e.type = Filetype::SocketStream;
    e.rights_base = right::kSocketRights;
    e.rights_inheriting = right::kSocketRights;
    sys->fds_.put(next++, std::move(e));
  }
  return sys;
}

Errno PosixSystem::lookup(Fd fd, Rights rights, FdEntry*& out) {
  out = fds_.get(fd);
  if (!out) return Errno::BadF;
  if ((out->rights_base & rights) != rights) return Errno::NotCapable;
  return Errno::Success;
}

Errno PosixSystem::lookup_dir(Fd fd, Rights rights, FdEntry*& out) {
  out = fds_.get(fd);
  if (!out) return Errno::BadF;
  if (out->type != Filetype::Directory) return Errno::NotDir;
  if ((out->rights_base & rights) != rights) return Errno::NotCapable;
  return Errno::Success;
}

Errno errno_from_host(int e) {
  switch (e) {
    case 0: return Errno::Success;
    case E2BIG: return Errno::TooBig;
    case EACCES: return Errno::Acces;
    case EADDRINUSE: return Errno::AddrInUse;
    case EADDRNOTAVAIL: return Errno::AddrNotAvail;
    case EAFNOSUPPORT: return Errno::AfNoSupport;
    case EAGAIN: return Errno::Again;
    case EALREADY: return Errno::Already;
    case EBADF: return Errno::BadF;
    case EBADMSG: return Errno::BadMsg;
    case EBUSY: return Errno::Busy;
    case ECANCELED: return Errno::Canceled;
    case ECHILD: return Errno::Child;
    case ECONNABORTED: return Errno::ConnAborted;
    case ECONNREFUSED: return Errno::ConnRefused;
    case ECONNRESET: return Errno::ConnReset;
    case EDEADLK: return Errno::DeadLk;
    case EDESTADDRREQ: return Errno::DestAddrReq;
    case EDOM: return Errno::Dom;
    case EDQUOT: return Errno::DQuot;
    case EEXIST: return Errno::Exist;
    case EFAULT: return Errno::Fault;
    case EFBIG: return Errno::FBig;
    case EHOSTUNREACH: return Errno::HostUnreach;
    case EIDRM: return Errno::Idrm;
    case EILSEQ: return Errno::IlSeq;
    case EINPROGRESS: return Errno::InProgress;
    case EINTR: return Errno::Intr;
    case EINVAL: return Errno::Inval;
    case EIO: return Errno::Io;
    case EISCONN: return Errno::IsConn;
    case EISDIR: return Errno::IsDir;
    case ELOOP: return Errno::Loop;
    case EMFILE: return Errno::MFile;
    case EMLINK: return Errno::MLink;
    case EMSGSIZE: return Errno::MsgSize;
    case EMULTIHOP: return Errno::MultiHop;
    case ENAMETOOLONG: return Errno::NameTooLong;
    case ENETDOWN: return Errno::NetDown;
    case ENETRESET: return Errno::NetReset;
    case ENETUNREACH: return Errno::NetUnreach;
    case ENFILE: return Errno::NFile;
    case ENOBUFS: return Errno::NoBufs;
    case ENODEV: return Errno::NoDev;
    case ENOENT: return Errno::NoEnt;
    case ENOEXEC: return Errno::NoExec;
    case ENOLCK: return Errno::NoLck;
    case ENOLINK: return Errno::NoLink;
    case ENOMEM: return Errno::NoMem;
    case ENOMSG: return Errno::NoMsg;
    case ENOPROTOOPT: return Errno::NoProtoOpt;
    case ENOSPC: return Errno::NoSpc;
    case ENOSYS: return Errno::NoSys;
    case ENOTCONN: return Errno::NotConn;
    case ENOTDIR: return Errno::NotDir;
    case ENOTEMPTY: return Errno::NotEmpty;
    case ENOTRECOVERABLE: return Errno::NotRecoverable;
    case ENOTSOCK: return Errno::NotSock;
    case EOPNOTSUPP: return Errno::NotSup;
    case ENOTTY: return Errno::NoTty;
    case ENXIO: return Errno::NxIo;
    case EOVERFLOW: return Errno::Overflow;
    case EOWNERDEAD: return Errno::OwnerDead;
    case EPERM: return Errno::Perm;
    case EPIPE: return Errno::Pipe;
    case EPROTO: return Errno::Proto;
    case EPROTONOSUPPORT: return Errno::ProtoNoSupport;
    case EPROTOTYPE: return Errno::Prototype;
    case ERANGE: return Errno::Range;
    case EROFS: return Errno::RoFs;
    case ESPIPE: return Errno::SPipe;
    case ESRCH: return Errno::Srch;
    case ESTALE: return Errno::Stale;
    case ETIMEDOUT: return Errno::TimedOut;
    case ETXTBSY: return Errno::TxtBsy;
    case EXDEV: return Errno::XDev;
    default: return Errno::Io;
  }
}

Filetype filetype_from_mode(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::RegularFile;
    case S_IFDIR: return Filetype::Directory;
    case S_IFCHR: return Filetype::CharacterDevice;
    case S_IFBLK: return Filetype::BlockDevice;
    case S_IFLNK: return Filetype::SymbolicLink;
    case S_IFSOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;  // FIFOs: wasmtime says unknown too
  }
}

Filestat filestat_from_host(const struct ::stat& st) {
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000000ull + static_cast<uint64_t>(t.tv_nsec);
  };
  Filestat f;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.filetype = filetype_from_mode(st.st_mode);
  f.nlink = st.st_nlink;
  f.size = static_cast<uint64_t>(st.st_size);
  f.atim = ns(st.st_atim);
  f.mtim = ns(st.st_mtim);
  f.ctim = ns(st.st_ctim);
  return f;
}

// --- process-level calls ---------------------------------------------------

Errno PosixSystem::args_get(const call::args_get_in&, call::args_get_out& out) {
  out.args = config_.args;
  return Errno::Success;
}

static void sizes(const std::vector<std::string>& list, Size& count, Size& bytes) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  count = static_cast<Size>(list.size());
  bytes = static_cast<Size>(total);
}

Errno PosixSystem::args_sizes_get(const call::args_sizes_get_in&, call::args_sizes_get_out& out) {
  sizes(config_.args, out.argc, out.argv_buf_size);
  return Errno::Success;
}

Errno PosixSystem::environ_get(const call::environ_get_in&, call::environ_get_out& out) {
  out.environ = config_.environ;
  return Errno::Success;
}

Errno PosixSystem::environ_sizes_get(const call::environ_sizes_get_in&,
                                     call::environ_sizes_get_out& out) {
  sizes(config_.environ, out.count, out.buf_size);
  return Errno::Success;
}

static clockid_t host_clock(ClockId id) {
  switch (id) {
    case ClockId::Realtime: return CLOCK_REALTIME;
    case ClockId::Monotonic: return CLOCK_MONOTONIC;
    case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    default: return CLOCK_THREAD_CPUTIME_ID;
  }
}

Errno PosixSystem::clock_res_get(const call::clock_res_get_in& in, call::clock_res_get_out& out) {
  timespec ts{};
  if (::clock_getres(host_clock(in.id), &ts) != 0) return errno_from_host(errno);
  out.resolution = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  if (out.resolution == 0) out.resolution = 1;
  return Errno::Success;
}

Errno PosixSystem::clock_time_get(const call::clock_time_get_in& in,
                                  call::clock_time_get_out& out) {
  timespec ts{};
  if (::clock_gettime(host_clock(in.id), &ts) != 0) return errno_from_host(errno);
  out.time = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  return Errno::Success;
}

Errno PosixSystem::random_get(const call::random_get_in& in, call::random_get_out&) {
  size_t done = 0;
  while (done < in.buf.size()) {
    ssize_t n = ::getrandom(in.buf.data() + done, in.buf.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR && !stopping()) continue;
      return errno_from_host(errno);
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

Errno PosixSystem::proc_exit(const call::proc_exit_in&, call::proc_exit_out&) {
  return Errno::Success;  // the ABI tier unwinds the guest; the CLI exits
}

Errno PosixSystem::proc_raise(const call::proc_raise_in&, call::proc_raise_out&) {
  return Errno::NoSys;  // deprecated in preview1; no signals are delivered to the host
}

Errno PosixSystem::sched_yield(const call::sched_yield_in&, call::sched_yield_out&) {
  ::sched_yield();
  return Errno::Success;
}

}  // namespace tc::wasi
