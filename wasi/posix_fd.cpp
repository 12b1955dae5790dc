// PosixSystem: calls on open descriptors (fd_*).
#include <cerrno>
#include <climits>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/posix_system.hpp"

namespace tc::wasi {

namespace {

constexpr size_t kMaxIov = 1024;  // IOV_MAX: more buffers make a short transfer

template <class Span>
std::vector<iovec> host_iovecs(const std::vector<Span>& bufs) {
  std::vector<iovec> v;
  v.reserve(std::min(bufs.size(), kMaxIov));
  for (const auto& b : bufs) {
    if (v.size() == kMaxIov) break;
    v.push_back(iovec{const_cast<uint8_t*>(b.data()), b.size()});
  }
  return v;
}

Errno host_result(ssize_t n, Size& out) {
  if (n < 0) return errno_from_host(errno);
  out = static_cast<Size>(n);
  return Errno::Success;
}

Errno timespecs(Timestamp atim, Timestamp mtim, uint16_t flags, timespec ts[2]) {
  if (((flags & kFstAtim) && (flags & kFstAtimNow)) || ((flags & kFstMtim) && (flags & kFstMtimNow)))
    return Errno::Inval;
  auto one = [](Timestamp t, bool set, bool now, timespec& out) {
    if (now) out = {0, UTIME_NOW};
    else if (set) out = {static_cast<time_t>(t / 1000000000ull), static_cast<long>(t % 1000000000ull)};
    else out = {0, UTIME_OMIT};
  };
  one(atim, flags & kFstAtim, flags & kFstAtimNow, ts[0]);
  one(mtim, flags & kFstMtim, flags & kFstMtimNow, ts[1]);
  return Errno::Success;
}

Filetype dirent_type(unsigned char t) {
  switch (t) {
    case DT_REG: return Filetype::RegularFile;
    case DT_DIR: return Filetype::Directory;
    case DT_LNK: return Filetype::SymbolicLink;
    case DT_CHR: return Filetype::CharacterDevice;
    case DT_BLK: return Filetype::BlockDevice;
    case DT_SOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;
  }
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

}  // namespace

// Shared with posix_path.cpp.
Errno make_timespecs(Timestamp atim, Timestamp mtim, uint16_t flags, timespec ts[2]) {
  return timespecs(atim, mtim, flags, ts);
}

Errno PosixSystem::fd_advise(const call::fd_advise_in& in, call::fd_advise_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdAdvise, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::BadF;
  static const int advice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int rc = ::posix_fadvise(e->fd(), static_cast<off_t>(in.offset), static_cast<off_t>(in.len),
                           advice[in.advice]);
  return rc == ESPIPE ? Errno::SPipe : errno_from_host(rc);
}

Errno PosixSystem::fd_allocate(const call::fd_allocate_in& in, call::fd_allocate_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdAllocate, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::BadF;
  if (in.offset > uint64_t(INT64_MAX) || in.len > uint64_t(INT64_MAX) - in.offset)
    return Errno::FBig;
  int rc = ::posix_fallocate(e->fd(), static_cast<off_t>(in.offset), static_cast<off_t>(in.len));
  return errno_from_host(rc);
}

Errno PosixSystem::fd_close(const call::fd_close_in& in, call::fd_close_out&) {
  return fds_.erase(in.fd) ? Errno::Success : Errno::BadF;
}

Errno PosixSystem::fd_datasync(const call::fd_datasync_in& in, call::fd_datasync_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdDatasync, e); r != Errno::Success) return r;
  return ::fdatasync(e->fd()) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno PosixSystem::fd_fdstat_get(const call::fd_fdstat_get_in& in, call::fd_fdstat_get_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  out.stat.filetype = e->type;
  out.stat.flags = e->flags;
  out.stat.rights_base = e->rights_base;
  out.stat.rights_inheriting = e->rights_inheriting;
  return Errno::Success;
}

Errno PosixSystem::fd_fdstat_set_flags(const call::fd_fdstat_set_flags_in& in,
                                       call::fd_fdstat_set_flags_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdFdstatSetFlags, e); r != Errno::Success) return r;
  // Linux cannot change the sync flags of an open file (nor can wasmtime).
  if ((in.flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) !=
      (e->flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)))
    return Errno::NotSup;
  int fl = ::fcntl(e->fd(), F_GETFL);
  if (fl < 0) return errno_from_host(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (in.flags & kFdflagAppend) fl |= O_APPEND;
  if (in.flags & kFdflagNonblock) fl |= O_NONBLOCK;
  if (::fcntl(e->fd(), F_SETFL, fl) < 0) return errno_from_host(errno);
  e->flags = in.flags;
  return Errno::Success;
}

Errno PosixSystem::fd_fdstat_set_rights(const call::fd_fdstat_set_rights_in& in,
                                        call::fd_fdstat_set_rights_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, 0, e); r != Errno::Success) return r;
  // Rights can only be dropped, never gained.
  if ((in.rights_base & ~e->rights_base) || (in.rights_inheriting & ~e->rights_inheriting))
    return Errno::NotCapable;
  e->rights_base = in.rights_base;
  e->rights_inheriting = in.rights_inheriting;
  return Errno::Success;
}

Errno PosixSystem::fd_filestat_get(const call::fd_filestat_get_in& in,
                                   call::fd_filestat_get_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdFilestatGet, e); r != Errno::Success) return r;
  struct ::stat st{};
  if (::fstat(e->fd(), &st) != 0) return errno_from_host(errno);
  out.stat = filestat_from_host(st);
  if (e->type == Filetype::SocketStream || e->type == Filetype::SocketDgram)
    out.stat.filetype = e->type;
  return Errno::Success;
}

Errno PosixSystem::fd_filestat_set_size(const call::fd_filestat_set_size_in& in,
                                        call::fd_filestat_set_size_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdFilestatSetSize, e); r != Errno::Success) return r;
  if (in.size > uint64_t(INT64_MAX)) return Errno::FBig;
  return ::ftruncate(e->fd(), static_cast<off_t>(in.size)) == 0 ? Errno::Success
                                                                 : errno_from_host(errno);
}

Errno PosixSystem::fd_filestat_set_times(const call::fd_filestat_set_times_in& in,
                                         call::fd_filestat_set_times_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdFilestatSetTimes, e); r != Errno::Success) return r;
  timespec ts[2];
  if (Errno r = timespecs(in.atim, in.mtim, in.fst_flags, ts); r != Errno::Success) return r;
  return ::futimens(e->fd(), ts) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno PosixSystem::fd_pread(const call::fd_pread_in& in, call::fd_pread_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdRead | right::FdSeek, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::IsDir;
  if (in.offset > uint64_t(INT64_MAX)) return Errno::Inval;
  auto iov = host_iovecs(in.iovs);
  return host_result(::preadv(e->fd(), iov.data(), static_cast<int>(iov.size()),
                              static_cast<off_t>(in.offset)), out.nread);
}

Errno PosixSystem::fd_prestat_get(const call::fd_prestat_get_in& in,
                                  call::fd_prestat_get_out& out) {
  FdEntry* e = fds_.get(in.fd);
  if (!e || !e->preopen) return Errno::BadF;
  out.prestat.tag = 0;
  out.prestat.name_len = static_cast<Size>(e->preopen_name.size());
  return Errno::Success;
}

Errno PosixSystem::fd_prestat_dir_name(const call::fd_prestat_dir_name_in& in,
                                       call::fd_prestat_dir_name_out& out) {
  FdEntry* e = fds_.get(in.fd);
  if (!e || !e->preopen) return Errno::BadF;
  out.name = e->preopen_name;
  return Errno::Success;
}

Errno PosixSystem::fd_pwrite(const call::fd_pwrite_in& in, call::fd_pwrite_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdWrite | right::FdSeek, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::IsDir;
  if (in.offset > uint64_t(INT64_MAX)) return Errno::Inval;
  auto iov = host_iovecs(in.iovs);
  return host_result(::pwritev(e->fd(), iov.data(), static_cast<int>(iov.size()),
                               static_cast<off_t>(in.offset)), out.nwritten);
}

Errno PosixSystem::fd_read(const call::fd_read_in& in, call::fd_read_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdRead, e); r != Errno::Success) return r;
  auto iov = host_iovecs(in.iovs);
  if (iov.empty()) { out.nread = 0; return Errno::Success; }
  return host_result(::readv(e->fd(), iov.data(), static_cast<int>(iov.size())), out.nread);
}

Errno PosixSystem::fd_readdir(const call::fd_readdir_in& in, call::fd_readdir_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdReaddir, e); r != Errno::Success) return r;
  if (e->type != Filetype::Directory) return Errno::NotDir;
  // A fresh descriptor for the listing leaves the entry's own offset alone.
  int fd = ::openat(e->fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  HostFd guard(fd, true);
  std::vector<Dirent> all;
  alignas(8) char buf[16384];
  for (;;) {
    long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0) return errno_from_host(errno);
    if (n == 0) break;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<linux_dirent64*>(buf + off);
      off += d->d_reclen;
      Dirent de;
      de.ino = d->d_ino;
      de.name = d->d_name;
      de.type = dirent_type(d->d_type);
      if (d->d_type == DT_UNKNOWN) {
        struct ::stat st{};
        if (::fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          de.type = filetype_from_mode(st.st_mode);
      }
      all.push_back(std::move(de));
    }
  }
  // Cookies are positions in this listing: entry i has next = i + 1.
  uint64_t used = 0;
  for (uint64_t i = in.cookie; i < all.size() && used < in.buf_len; ++i) {
    all[i].next = i + 1;
    used += 24 + all[i].name.size();
    out.entries.push_back(std::move(all[i]));
  }
  return Errno::Success;
}

Errno PosixSystem::fd_renumber(const call::fd_renumber_in& in, call::fd_renumber_out&) {
  return fds_.renumber(in.fd, in.to) ? Errno::Success : Errno::BadF;
}

Errno PosixSystem::fd_seek(const call::fd_seek_in& in, call::fd_seek_out& out) {
  FdEntry* e;
  Rights need = (in.offset == 0 && in.whence == Whence::Cur) ? right::FdTell : right::FdSeek;
  if (Errno r = lookup(in.fd, need, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::BadF;
  static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t r = ::lseek(e->fd(), in.offset, whence[static_cast<int>(in.whence)]);
  if (r < 0) return errno_from_host(errno);
  out.newoffset = static_cast<uint64_t>(r);
  return Errno::Success;
}

Errno PosixSystem::fd_sync(const call::fd_sync_in& in, call::fd_sync_out&) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdSync, e); r != Errno::Success) return r;
  return ::fsync(e->fd()) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno PosixSystem::fd_tell(const call::fd_tell_in& in, call::fd_tell_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdTell, e); r != Errno::Success) return r;
  if (e->type == Filetype::Directory) return Errno::BadF;
  off_t r = ::lseek(e->fd(), 0, SEEK_CUR);
  if (r < 0) return errno_from_host(errno);
  out.offset = static_cast<uint64_t>(r);
  return Errno::Success;
}

Errno PosixSystem::fd_write(const call::fd_write_in& in, call::fd_write_out& out) {
  FdEntry* e;
  if (Errno r = lookup(in.fd, right::FdWrite, e); r != Errno::Success) return r;
  auto iov = host_iovecs(in.iovs);
  if (iov.empty()) { out.nwritten = 0; return Errno::Success; }
  return host_result(::writev(e->fd(), iov.data(), static_cast<int>(iov.size())), out.nwritten);
}

}  // namespace tc::wasi
