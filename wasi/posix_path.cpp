// PosixSystem: path_* calls. Every path goes through wasi/sandbox.hpp, so it
// is resolved beneath the directory descriptor it is relative to.
#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/posix_system.hpp"
#include "wasi/sandbox.hpp"

namespace tc::wasi {

Errno make_timespecs(Timestamp atim, Timestamp mtim, uint16_t flags, timespec ts[2]);

namespace {

Errno from_neg(int r) { return errno_from_host(-r); }
Errno last_error() { return errno_from_host(errno); }

// Opens the parent of `path`; a name ending in '/' that names a symlink is
// resolved by the kernel on use, so it must itself stay beneath the dir.
Errno parent_of(int dirfd, std::string_view path, sandbox::Parent& p) {
  if (int r = sandbox::open_parent(dirfd, path, p); r < 0) return from_neg(r);
  if (!p.name.empty() && p.name.back() == '/' && !p.dot) {
    int full = sandbox::open_beneath(dirfd, path, O_PATH);
    if (full == -EPERM) return Errno::Perm;
    if (full >= 0) ::close(full);
  }
  return Errno::Success;
}

// fstat of whatever `path` names, following a final symlink (confined).
Errno stat_follow(int dirfd, std::string_view path, struct ::stat& st) {
  int fd = sandbox::open_beneath(dirfd, path, O_PATH);
  if (fd < 0) return from_neg(fd);
  int rc = ::fstat(fd, &st);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Errno::Success : errno_from_host(err);
}

}  // namespace

Errno PosixSystem::path_create_directory(const call::path_create_directory_in& in,
                                         call::path_create_directory_out&) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathCreateDirectory, d); r != Errno::Success) return r;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
  if (p.dot) return Errno::Exist;
  return ::mkdirat(p.fd, p.name.c_str(), 0777) == 0 ? Errno::Success : last_error();
}

Errno PosixSystem::path_filestat_get(const call::path_filestat_get_in& in,
                                     call::path_filestat_get_out& out) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathFilestatGet, d); r != Errno::Success) return r;
  struct ::stat st{};
  if (in.flags & kLookupSymlinkFollow) {
    if (Errno r = stat_follow(d->fd(), in.path, st); r != Errno::Success) return r;
  } else {
    sandbox::Parent p;
    if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
    if (p.dot || p.name.back() == '/') {
      if (Errno r = stat_follow(d->fd(), in.path, st); r != Errno::Success) return r;
    } else if (::fstatat(p.fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return last_error();
    }
  }
  out.stat = filestat_from_host(st);
  return Errno::Success;
}

Errno PosixSystem::path_filestat_set_times(const call::path_filestat_set_times_in& in,
                                           call::path_filestat_set_times_out&) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathFilestatSetTimes, d); r != Errno::Success) return r;
  timespec ts[2];
  if (Errno r = make_timespecs(in.atim, in.mtim, in.fst_flags, ts); r != Errno::Success) return r;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
  if ((in.flags & kLookupSymlinkFollow) || p.dot || p.name.back() == '/') {
    int fd = sandbox::open_beneath(d->fd(), in.path, O_PATH);
    if (fd < 0) return from_neg(fd);
    // An O_PATH descriptor cannot be futimens'd; its /proc link names it.
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    int rc = ::utimensat(AT_FDCWD, self.c_str(), ts, 0);
    int err = errno;
    ::close(fd);
    return rc == 0 ? Errno::Success : errno_from_host(err);
  }
  return ::utimensat(p.fd, p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::Success
                                                                          : last_error();
}

Errno PosixSystem::path_link(const call::path_link_in& in, call::path_link_out&) {
  FdEntry *od, *nd;
  if (Errno r = lookup_dir(in.old_fd, right::PathLinkSource, od); r != Errno::Success) return r;
  if (Errno r = lookup_dir(in.new_fd, right::PathLinkTarget, nd); r != Errno::Success) return r;
  // Following a symlink source would let linkat(2) resolve it unconfined.
  if (in.old_flags & kLookupSymlinkFollow) return Errno::Inval;
  sandbox::Parent op, np;
  if (Errno r = parent_of(od->fd(), in.old_path, op); r != Errno::Success) return r;
  if (Errno r = parent_of(nd->fd(), in.new_path, np); r != Errno::Success) return r;
  if (np.dot) return Errno::Exist;
  if (op.dot) return Errno::Perm;  // hard links to directories
  return ::linkat(op.fd, op.name.c_str(), np.fd, np.name.c_str(), 0) == 0 ? Errno::Success
                                                                          : last_error();
}

Errno PosixSystem::path_open(const call::path_open_in& in, call::path_open_out& out) {
  FdEntry* d;
  Rights need = right::PathOpen;
  if (in.oflags & kOflagCreat) need |= right::PathCreateFile;
  if (in.oflags & kOflagTrunc) need |= right::PathFilestatSetSize;
  if (Errno r = lookup_dir(in.fd, need, d); r != Errno::Success) return r;

  Rights base = in.rights_base & d->rights_inheriting;
  Rights inheriting = in.rights_inheriting & d->rights_inheriting;
  const Rights write_rights =
      right::FdWrite | right::FdDatasync | right::FdAllocate | right::FdFilestatSetSize;
  bool want_write = (base & write_rights) || (in.oflags & kOflagTrunc);
  bool want_read = (base & (right::FdRead | right::FdReaddir)) || !want_write;
  if (in.oflags & kOflagDirectory) {
    if (in.rights_base & right::FdWrite) return Errno::IsDir;  // as wasmtime on Unix
    want_write = false, want_read = true;
  }

  int flags = want_write ? (want_read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (in.oflags & kOflagCreat) flags |= O_CREAT;
  if (in.oflags & kOflagExcl) flags |= O_EXCL;
  if (in.oflags & kOflagTrunc) flags |= O_TRUNC;
  if (in.oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (in.fdflags & kFdflagAppend) flags |= O_APPEND;
  if (in.fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (in.fdflags & kFdflagSync) flags |= O_SYNC;
  if (in.fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (in.fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (!(in.dirflags & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;

  int fd = sandbox::open_beneath(d->fd(), in.path, flags, 0666);
  if (fd == -EISDIR && want_write && !(in.oflags & (kOflagCreat | kOflagTrunc)) &&
      !(in.rights_base & right::FdWrite)) {
    // Asked for write-ish rights only incidentally: a directory opens read-only.
    fd = sandbox::open_beneath(d->fd(), in.path, (flags & ~O_ACCMODE) | O_RDONLY, 0666);
  }
  if (fd < 0) return from_neg(fd);
  FdEntry e;
  e.host = std::make_shared<HostFd>(fd, true);
  struct ::stat st{};
  if (::fstat(fd, &st) != 0) return last_error();
  e.type = filetype_from_mode(st.st_mode);
  e.rights_base = base & (e.type == Filetype::Directory ? right::kDirRights : right::kFileRights);
  e.rights_inheriting = inheriting;
  e.flags = in.fdflags;
  out.opened = fds_.insert(std::move(e));
  return Errno::Success;
}

Errno PosixSystem::path_readlink(const call::path_readlink_in& in,
                                 call::path_readlink_out& out) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathReadlink, d); r != Errno::Success) return r;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
  if (p.dot) return Errno::Inval;
  std::string buf(PATH_MAX, '\0');
  ssize_t n = ::readlinkat(p.fd, p.name.c_str(), buf.data(), buf.size());
  if (n < 0) return last_error();
  buf.resize(static_cast<size_t>(n));
  out.target = std::move(buf);
  return Errno::Success;
}

Errno PosixSystem::path_remove_directory(const call::path_remove_directory_in& in,
                                         call::path_remove_directory_out&) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathRemoveDirectory, d); r != Errno::Success) return r;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
  if (p.dot) return p.name.rfind("..", 0) == 0 ? Errno::NotEmpty : Errno::Inval;
  return ::unlinkat(p.fd, p.name.c_str(), AT_REMOVEDIR) == 0 ? Errno::Success : last_error();
}

Errno PosixSystem::path_rename(const call::path_rename_in& in, call::path_rename_out&) {
  FdEntry *od, *nd;
  if (Errno r = lookup_dir(in.fd, right::PathRenameSource, od); r != Errno::Success) return r;
  if (Errno r = lookup_dir(in.new_fd, right::PathRenameTarget, nd); r != Errno::Success) return r;
  sandbox::Parent op, np;
  if (Errno r = parent_of(od->fd(), in.old_path, op); r != Errno::Success) return r;
  if (Errno r = parent_of(nd->fd(), in.new_path, np); r != Errno::Success) return r;
  if (op.dot || np.dot) return Errno::Busy;
  return ::renameat(op.fd, op.name.c_str(), np.fd, np.name.c_str()) == 0 ? Errno::Success
                                                                         : last_error();
}

Errno PosixSystem::path_symlink(const call::path_symlink_in& in, call::path_symlink_out&) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathSymlink, d); r != Errno::Success) return r;
  if (in.old_path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (in.old_path.empty()) return Errno::NoEnt;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.new_path, p); r != Errno::Success) return r;
  if (p.dot) return Errno::Exist;
  // An absolute target could only ever point outside (wasmtime: EPERM);
  // relative targets are confined whenever they are resolved.
  if (in.old_path.front() == '/') return Errno::Perm;
  std::string target(in.old_path);
  return ::symlinkat(target.c_str(), p.fd, p.name.c_str()) == 0 ? Errno::Success : last_error();
}

Errno PosixSystem::path_unlink_file(const call::path_unlink_file_in& in,
                                    call::path_unlink_file_out&) {
  FdEntry* d;
  if (Errno r = lookup_dir(in.fd, right::PathUnlinkFile, d); r != Errno::Success) return r;
  sandbox::Parent p;
  if (Errno r = parent_of(d->fd(), in.path, p); r != Errno::Success) return r;
  if (p.dot) return Errno::IsDir;
  return ::unlinkat(p.fd, p.name.c_str(), 0) == 0 ? Errno::Success : last_error();
}

}  // namespace tc::wasi
