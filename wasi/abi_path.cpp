// Marshallers for path_*, poll_oneoff and sock_*.
#include "wasi/abi_calls.hpp"

namespace tc::wasi::abi {

namespace {
Errno lookup_flags(uint64_t v, uint32_t& out) {
  if (v & ~uint64_t(kLookupSymlinkFollow)) return Errno::Inval;
  out = static_cast<uint32_t>(v);
  return Errno::Success;
}
}  // namespace

Expected<Errno> path_create_directory(Env& env, const uint64_t* a) {
  call::path_create_directory_in in{u32(a[0])};
  call::path_create_directory_out out;
  TC_WASI_CHECK(read_path(env.mem, a[1], a[2], in.path));
  return env.sys.path_create_directory(in, out);
}

Expected<Errno> path_filestat_get(Env& env, const uint64_t* a) {
  call::path_filestat_get_in in{u32(a[0])};
  call::path_filestat_get_out out;
  TC_WASI_CHECK(lookup_flags(a[1], in.flags));
  TC_WASI_CHECK(read_path(env.mem, a[2], a[3], in.path));
  TC_WASI_CHECK(env.mem.check(a[4], 64, 8));
  TC_WASI_CHECK(env.sys.path_filestat_get(in, out));
  return write_filestat(env.mem, a[4], out.stat);
}

Expected<Errno> path_filestat_set_times(Env& env, const uint64_t* a) {
  call::path_filestat_set_times_in in{u32(a[0])};
  call::path_filestat_set_times_out out;
  TC_WASI_CHECK(lookup_flags(a[1], in.flags));
  TC_WASI_CHECK(read_path(env.mem, a[2], a[3], in.path));
  in.atim = a[4];
  in.mtim = a[5];
  if (a[6] & ~uint64_t(0xF)) return Errno::Inval;
  in.fst_flags = static_cast<uint16_t>(a[6]);
  return env.sys.path_filestat_set_times(in, out);
}

Expected<Errno> path_link(Env& env, const uint64_t* a) {
  call::path_link_in in{u32(a[0])};
  call::path_link_out out;
  TC_WASI_CHECK(lookup_flags(a[1], in.old_flags));
  TC_WASI_CHECK(read_path(env.mem, a[2], a[3], in.old_path));
  in.new_fd = u32(a[4]);
  TC_WASI_CHECK(read_path(env.mem, a[5], a[6], in.new_path));
  return env.sys.path_link(in, out);
}

Expected<Errno> path_open(Env& env, const uint64_t* a) {
  call::path_open_in in{u32(a[0])};
  call::path_open_out out;
  TC_WASI_CHECK(lookup_flags(a[1], in.dirflags));
  TC_WASI_CHECK(read_path(env.mem, a[2], a[3], in.path));
  if (a[4] & ~uint64_t(0xF)) return Errno::Inval;
  in.oflags = static_cast<uint16_t>(a[4]);
  in.rights_base = a[5];
  in.rights_inheriting = a[6];
  if (a[7] & ~uint64_t(0x1F)) return Errno::Inval;
  in.fdflags = static_cast<uint16_t>(a[7]);
  TC_WASI_CHECK(env.mem.check(a[8], 4, 4));
  TC_WASI_CHECK(env.sys.path_open(in, out));
  env.mem.store<uint32_t>(a[8], out.opened);
  return Errno::Success;
}

Expected<Errno> path_readlink(Env& env, const uint64_t* a) {
  // The link is cut to buf_len bytes (no NUL), as wasmtime and POSIX do.
  call::path_readlink_in in{u32(a[0])};
  call::path_readlink_out out;
  TC_WASI_CHECK(read_path(env.mem, a[1], a[2], in.path));
  TC_WASI_CHECK(env.mem.check(a[3], a[4]));
  TC_WASI_CHECK(env.mem.check(a[5], 4, 4));
  TC_WASI_CHECK(env.sys.path_readlink(in, out));
  uint64_t n = std::min<uint64_t>(out.target.size(), a[4]);
  std::memcpy(env.mem.at(a[3]), out.target.data(), n);
  env.mem.store<uint32_t>(a[5], static_cast<uint32_t>(n));
  return Errno::Success;
}

Expected<Errno> path_remove_directory(Env& env, const uint64_t* a) {
  call::path_remove_directory_in in{u32(a[0])};
  call::path_remove_directory_out out;
  TC_WASI_CHECK(read_path(env.mem, a[1], a[2], in.path));
  return env.sys.path_remove_directory(in, out);
}

Expected<Errno> path_rename(Env& env, const uint64_t* a) {
  call::path_rename_in in{u32(a[0])};
  call::path_rename_out out;
  TC_WASI_CHECK(read_path(env.mem, a[1], a[2], in.old_path));
  in.new_fd = u32(a[3]);
  TC_WASI_CHECK(read_path(env.mem, a[4], a[5], in.new_path));
  return env.sys.path_rename(in, out);
}

Expected<Errno> path_symlink(Env& env, const uint64_t* a) {
  call::path_symlink_in in;
  call::path_symlink_out out;
  TC_WASI_CHECK(read_path(env.mem, a[0], a[1], in.old_path));
  in.fd = u32(a[2]);
  TC_WASI_CHECK(read_path(env.mem, a[3], a[4], in.new_path));
  return env.sys.path_symlink(in, out);
}

Expected<Errno> path_unlink_file(Env& env, const uint64_t* a) {
  call::path_unlink_file_in in{u32(a[0])};
  call::path_unlink_file_out out;
  TC_WASI_CHECK(read_path(env.mem, a[1], a[2], in.path));
  return env.sys.path_unlink_file(in, out);
}

Expected<Errno> poll_oneoff(Env& env, const uint64_t* a) {
  // subscription: userdata u64 @0, tag u8 @8, then @16 either
  //   clock {id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40}
  //   or fd_readwrite {fd u32 @16}; 48 bytes.
  // event: userdata u64 @0, error u16 @8, type u8 @10,
  //   fd_readwrite {nbytes u64 @16, flags u16 @24}; 32 bytes.
  const uint64_t in_ptr = a[0], out_ptr = a[1], n = a[2];
  if (n == 0) return Errno::Inval;
  if (n > env.mem.size() / 32) return Errno::Fault;
  TC_WASI_CHECK(env.mem.check(in_ptr, n * 48, 8));
  TC_WASI_CHECK(env.mem.check(out_ptr, n * 32, 8));
  TC_WASI_CHECK(env.mem.check(a[3], 4, 4));
  call::poll_oneoff_in in;
  call::poll_oneoff_out out;
  in.subscriptions.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t p = in_ptr + i * 48;
    Subscription s;
    s.userdata = env.mem.load<uint64_t>(p);
    uint8_t tag = env.mem.load<uint8_t>(p + 8);
    if (tag > 2) return Errno::Inval;
    s.type = static_cast<EventType>(tag);
    if (s.type == EventType::Clock) {
      uint32_t id = env.mem.load<uint32_t>(p + 16);
      if (id > 3) return Errno::Inval;
      s.clock_id = static_cast<ClockId>(id);
      s.timeout = env.mem.load<uint64_t>(p + 24);
      s.precision = env.mem.load<uint64_t>(p + 32);
      s.clock_flags = env.mem.load<uint16_t>(p + 40);
      if (s.clock_flags & ~kSubclockAbstime) return Errno::Inval;
    } else {
      s.fd = env.mem.load<uint32_t>(p + 16);
    }
    in.subscriptions.push_back(s);
  }
  TC_WASI_CHECK(env.sys.poll_oneoff(in, out));
  size_t count = std::min<size_t>(out.events.size(), n);
  for (size_t i = 0; i < count; ++i) {
    const Event& ev = out.events[i];
    uint64_t p = out_ptr + i * 32;
    std::memset(env.mem.at(p), 0, 32);
    env.mem.store<uint64_t>(p, ev.userdata);
    env.mem.store<uint16_t>(p + 8, static_cast<uint16_t>(ev.error));
    env.mem.store<uint8_t>(p + 10, static_cast<uint8_t>(ev.type));
    env.mem.store<uint64_t>(p + 16, ev.nbytes);
    env.mem.store<uint16_t>(p + 24, ev.flags);
  }
  env.mem.store<uint32_t>(a[3], static_cast<uint32_t>(count));
  return Errno::Success;
}

Expected<Errno> sock_accept(Env& env, const uint64_t* a) {
  if (a[1] & ~uint64_t(kFdflagNonblock)) return Errno::Inval;
  call::sock_accept_in in{u32(a[0]), static_cast<uint16_t>(a[1])};
  call::sock_accept_out out;
  TC_WASI_CHECK(env.mem.check(a[2], 4, 4));
  TC_WASI_CHECK(env.sys.sock_accept(in, out));
  env.mem.store<uint32_t>(a[2], out.accepted);
  return Errno::Success;
}

Expected<Errno> sock_recv(Env& env, const uint64_t* a) {
  call::sock_recv_in in;
  call::sock_recv_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_iovecs(env.mem, a[1], a[2], in.iovs));
  if (a[3] & ~uint64_t(kRiRecvPeek | kRiRecvWaitall)) return Errno::Inval;
  in.flags = static_cast<uint16_t>(a[3]);
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  TC_WASI_CHECK(env.mem.check(a[5], 2, 2));
  TC_WASI_CHECK(env.sys.sock_recv(in, out));
  env.mem.store<uint32_t>(a[4], out.nread);
  env.mem.store<uint16_t>(a[5], out.roflags);
  return Errno::Success;
}

Expected<Errno> sock_send(Env& env, const uint64_t* a) {
  call::sock_send_in in;
  call::sock_send_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_ciovecs(env.mem, a[1], a[2], in.iovs));
  in.flags = static_cast<uint16_t>(a[3]);
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  TC_WASI_CHECK(env.sys.sock_send(in, out));
  env.mem.store<uint32_t>(a[4], out.nsent);
  return Errno::Success;
}

Expected<Errno> sock_shutdown(Env& env, const uint64_t* a) {
  if (a[1] & ~uint64_t(kSdRd | kSdWr)) return Errno::Inval;
  call::sock_shutdown_in in{u32(a[0]), static_cast<uint8_t>(a[1])};
  call::sock_shutdown_out out;
  return env.sys.sock_shutdown(in, out);
}

}  // namespace tc::wasi::abi
