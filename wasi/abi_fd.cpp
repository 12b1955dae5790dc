// Marshallers for args/environ, clocks, fd_*, random, proc, sched.
#include "wasi/abi_calls.hpp"

namespace tc::wasi::abi {

namespace {

// args_get / environ_get: an array of pointers into a buffer of
// NUL-terminated strings. Both ranges are checked before anything is written.
Errno write_strings(const GuestMemory& mem, uint64_t ptrs, uint64_t buf,
                    const std::vector<std::string>& list) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  TC_WASI_CHECK(mem.check(ptrs, uint64_t(list.size()) * 4, 4));
  TC_WASI_CHECK(mem.check(buf, total));
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    mem.store<uint32_t>(ptrs + i * 4, static_cast<uint32_t>(at));
    std::memcpy(mem.at(at), list[i].data(), list[i].size());
    mem.store<uint8_t>(at + list[i].size(), 0);
    at += list[i].size() + 1;
  }
  return Errno::Success;
}

Errno clock_id(uint64_t v, ClockId& id) {
  if (v > 3) return Errno::Inval;
  id = static_cast<ClockId>(v);
  return Errno::Success;
}

}  // namespace

Expected<Errno> args_get(Env& env, const uint64_t* a) {
  call::args_get_in in;
  call::args_get_out out;
  TC_WASI_CHECK(env.sys.args_get(in, out));
  return write_strings(env.mem, a[0], a[1], out.args);
}

Expected<Errno> args_sizes_get(Env& env, const uint64_t* a) {
  call::args_sizes_get_in in;
  call::args_sizes_get_out out;
  TC_WASI_CHECK(env.mem.check(a[0], 4, 4));
  TC_WASI_CHECK(env.mem.check(a[1], 4, 4));
  TC_WASI_CHECK(env.sys.args_sizes_get(in, out));
  env.mem.store<uint32_t>(a[0], out.argc);
  env.mem.store<uint32_t>(a[1], out.argv_buf_size);
  return Errno::Success;
}

Expected<Errno> environ_get(Env& env, const uint64_t* a) {
  call::environ_get_in in;
  call::environ_get_out out;
  TC_WASI_CHECK(env.sys.environ_get(in, out));
  return write_strings(env.mem, a[0], a[1], out.environ);
}

Expected<Errno> environ_sizes_get(Env& env, const uint64_t* a) {
  call::environ_sizes_get_in in;
  call::environ_sizes_get_out out;
  TC_WASI_CHECK(env.mem.check(a[0], 4, 4));
  TC_WASI_CHECK(env.mem.check(a[1], 4, 4));
  TC_WASI_CHECK(env.sys.environ_sizes_get(in, out));
  env.mem.store<uint32_t>(a[0], out.count);
  env.mem.store<uint32_t>(a[1], out.buf_size);
  return Errno::Success;
}

Expected<Errno> clock_res_get(Env& env, const uint64_t* a) {
  call::clock_res_get_in in;
  call::clock_res_get_out out;
  TC_WASI_CHECK(clock_id(a[0], in.id));
  TC_WASI_CHECK(env.mem.check(a[1], 8, 8));
  TC_WASI_CHECK(env.sys.clock_res_get(in, out));
  env.mem.store<uint64_t>(a[1], out.resolution);
  return Errno::Success;
}

Expected<Errno> clock_time_get(Env& env, const uint64_t* a) {
  call::clock_time_get_in in;
  call::clock_time_get_out out;
  TC_WASI_CHECK(clock_id(a[0], in.id));
  in.precision = a[1];
  TC_WASI_CHECK(env.mem.check(a[2], 8, 8));
  TC_WASI_CHECK(env.sys.clock_time_get(in, out));
  env.mem.store<uint64_t>(a[2], out.time);
  return Errno::Success;
}

Expected<Errno> fd_advise(Env& env, const uint64_t* a) {
  if (a[3] > 5) return Errno::Inval;
  call::fd_advise_in in{u32(a[0]), a[1], a[2], static_cast<uint8_t>(a[3])};
  call::fd_advise_out out;
  return env.sys.fd_advise(in, out);
}

Expected<Errno> fd_allocate(Env& env, const uint64_t* a) {
  call::fd_allocate_in in{u32(a[0]), a[1], a[2]};
  call::fd_allocate_out out;
  return env.sys.fd_allocate(in, out);
}

Expected<Errno> fd_close(Env& env, const uint64_t* a) {
  call::fd_close_in in{u32(a[0])};
  call::fd_close_out out;
  return env.sys.fd_close(in, out);
}

Expected<Errno> fd_datasync(Env& env, const uint64_t* a) {
  call::fd_datasync_in in{u32(a[0])};
  call::fd_datasync_out out;
  return env.sys.fd_datasync(in, out);
}

Expected<Errno> fd_fdstat_get(Env& env, const uint64_t* a) {
  call::fd_fdstat_get_in in{u32(a[0])};
  call::fd_fdstat_get_out out;
  TC_WASI_CHECK(env.mem.check(a[1], 24, 8));
  TC_WASI_CHECK(env.sys.fd_fdstat_get(in, out));
  std::memset(env.mem.at(a[1]), 0, 24);
  env.mem.store<uint8_t>(a[1], static_cast<uint8_t>(out.stat.filetype));
  env.mem.store<uint16_t>(a[1] + 2, out.stat.flags);
  env.mem.store<uint64_t>(a[1] + 8, out.stat.rights_base);
  env.mem.store<uint64_t>(a[1] + 16, out.stat.rights_inheriting);
  return Errno::Success;
}

Expected<Errno> fd_fdstat_set_flags(Env& env, const uint64_t* a) {
  if (a[1] & ~uint64_t(0x1F)) return Errno::Inval;
  call::fd_fdstat_set_flags_in in{u32(a[0]), static_cast<uint16_t>(a[1])};
  call::fd_fdstat_set_flags_out out;
  return env.sys.fd_fdstat_set_flags(in, out);
}

Expected<Errno> fd_fdstat_set_rights(Env& env, const uint64_t* a) {
  if ((a[1] | a[2]) & ~right::All) return Errno::Inval;
  call::fd_fdstat_set_rights_in in{u32(a[0]), a[1], a[2]};
  call::fd_fdstat_set_rights_out out;
  return env.sys.fd_fdstat_set_rights(in, out);
}

Expected<Errno> fd_filestat_get(Env& env, const uint64_t* a) {
  call::fd_filestat_get_in in{u32(a[0])};
  call::fd_filestat_get_out out;
  TC_WASI_CHECK(env.mem.check(a[1], 64, 8));
  TC_WASI_CHECK(env.sys.fd_filestat_get(in, out));
  return write_filestat(env.mem, a[1], out.stat);
}

Expected<Errno> fd_filestat_set_size(Env& env, const uint64_t* a) {
  call::fd_filestat_set_size_in in{u32(a[0]), a[1]};
  call::fd_filestat_set_size_out out;
  return env.sys.fd_filestat_set_size(in, out);
}

Expected<Errno> fd_filestat_set_times(Env& env, const uint64_t* a) {
  if (a[3] & ~uint64_t(0xF)) return Errno::Inval;
  call::fd_filestat_set_times_in in{u32(a[0]), a[1], a[2], static_cast<uint16_t>(a[3])};
  call::fd_filestat_set_times_out out;
  return env.sys.fd_filestat_set_times(in, out);
}

Expected<Errno> fd_pread(Env& env, const uint64_t* a) {
  call::fd_pread_in in;
  call::fd_pread_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_iovecs(env.mem, a[1], a[2], in.iovs));
  in.offset = a[3];
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  TC_WASI_CHECK(env.sys.fd_pread(in, out));
  env.mem.store<uint32_t>(a[4], out.nread);
  return Errno::Success;
}

Expected<Errno> fd_prestat_get(Env& env, const uint64_t* a) {
  call::fd_prestat_get_in in{u32(a[0])};
  call::fd_prestat_get_out out;
  TC_WASI_CHECK(env.mem.check(a[1], 8, 4));
  TC_WASI_CHECK(env.sys.fd_prestat_get(in, out));
  env.mem.store<uint32_t>(a[1], out.prestat.tag);  // tag byte + padding
  env.mem.store<uint32_t>(a[1] + 4, out.prestat.name_len);
  return Errno::Success;
}

Expected<Errno> fd_prestat_dir_name(Env& env, const uint64_t* a) {
  call::fd_prestat_dir_name_in in{u32(a[0])};
  call::fd_prestat_dir_name_out out;
  TC_WASI_CHECK(env.mem.check(a[1], a[2]));
  TC_WASI_CHECK(env.sys.fd_prestat_dir_name(in, out));
  if (out.name.size() > a[2]) return Errno::NameTooLong;
  std::memcpy(env.mem.at(a[1]), out.name.data(), out.name.size());
  return Errno::Success;
}

Expected<Errno> fd_pwrite(Env& env, const uint64_t* a) {
  call::fd_pwrite_in in;
  call::fd_pwrite_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_ciovecs(env.mem, a[1], a[2], in.iovs));
  in.offset = a[3];
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  TC_WASI_CHECK(env.sys.fd_pwrite(in, out));
  env.mem.store<uint32_t>(a[4], out.nwritten);
  return Errno::Success;
}

Expected<Errno> fd_read(Env& env, const uint64_t* a) {
  call::fd_read_in in;
  call::fd_read_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_iovecs(env.mem, a[1], a[2], in.iovs));
  TC_WASI_CHECK(env.mem.check(a[3], 4, 4));
  TC_WASI_CHECK(env.sys.fd_read(in, out));
  env.mem.store<uint32_t>(a[3], out.nread);
  return Errno::Success;
}

Expected<Errno> fd_readdir(Env& env, const uint64_t* a) {
  // dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8 (24 bytes), then
  // the name. Entries are packed; the last one may be cut at buf_len, and a
  // full buffer tells the guest to call again from the last whole cookie.
  const uint64_t buf = a[1], buf_len = a[2];
  call::fd_readdir_in in{u32(a[0]), u32(buf_len), a[3]};
  call::fd_readdir_out out;
  TC_WASI_CHECK(env.mem.check(buf, buf_len));
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  TC_WASI_CHECK(env.sys.fd_readdir(in, out));
  uint64_t used = 0;
  for (const auto& d : out.entries) {
    if (used >= buf_len) break;
    uint8_t head[24] = {};
    std::memcpy(head, &d.next, 8);
    std::memcpy(head + 8, &d.ino, 8);
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(head + 16, &namlen, 4);
    head[20] = static_cast<uint8_t>(d.type);
    uint64_t n = std::min<uint64_t>(24, buf_len - used);
    std::memcpy(env.mem.at(buf + used), head, n);
    used += n;
    n = std::min<uint64_t>(d.name.size(), buf_len - used);
    std::memcpy(env.mem.at(buf + used), d.name.data(), n);
    used += n;
  }
  env.mem.store<uint32_t>(a[4], static_cast<uint32_t>(used));
  return Errno::Success;
}

Expected<Errno> fd_renumber(Env& env, const uint64_t* a) {
  call::fd_renumber_in in{u32(a[0]), u32(a[1])};
  call::fd_renumber_out out;
  return env.sys.fd_renumber(in, out);
}

Expected<Errno> fd_seek(Env& env, const uint64_t* a) {
  if (a[2] > 2) return Errno::Inval;
  call::fd_seek_in in{u32(a[0]), static_cast<int64_t>(a[1]), static_cast<Whence>(a[2])};
  call::fd_seek_out out;
  TC_WASI_CHECK(env.mem.check(a[3], 8, 8));
  TC_WASI_CHECK(env.sys.fd_seek(in, out));
  env.mem.store<uint64_t>(a[3], out.newoffset);
  return Errno::Success;
}

Expected<Errno> fd_sync(Env& env, const uint64_t* a) {
  call::fd_sync_in in{u32(a[0])};
  call::fd_sync_out out;
  return env.sys.fd_sync(in, out);
}

Expected<Errno> fd_tell(Env& env, const uint64_t* a) {
  call::fd_tell_in in{u32(a[0])};
  call::fd_tell_out out;
  TC_WASI_CHECK(env.mem.check(a[1], 8, 8));
  TC_WASI_CHECK(env.sys.fd_tell(in, out));
  env.mem.store<uint64_t>(a[1], out.offset);
  return Errno::Success;
}

Expected<Errno> fd_write(Env& env, const uint64_t* a) {
  call::fd_write_in in;
  call::fd_write_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_ciovecs(env.mem, a[1], a[2], in.iovs));
  TC_WASI_CHECK(env.mem.check(a[3], 4, 4));
  TC_WASI_CHECK(env.sys.fd_write(in, out));
  env.mem.store<uint32_t>(a[3], out.nwritten);
  return Errno::Success;
}

Expected<Errno> proc_exit(Env& env, const uint64_t* a) {
  call::proc_exit_in in{u32(a[0])};
  call::proc_exit_out out;
  (void)env.sys.proc_exit(in, out);
  Error e = make_error(ErrorKind::Exit, "exit with status " + std::to_string(in.code));
  e.code = static_cast<int>(in.code);
  return e;
}

Expected<Errno> proc_raise(Env& env, const uint64_t* a) {
  if (a[0] > 30) return Errno::Inval;
  call::proc_raise_in in{static_cast<uint8_t>(a[0])};
  call::proc_raise_out out;
  return env.sys.proc_raise(in, out);
}

Expected<Errno> sched_yield(Env& env, const uint64_t*) {
  call::sched_yield_in in;
  call::sched_yield_out out;
  return env.sys.sched_yield(in, out);
}

Expected<Errno> random_get(Env& env, const uint64_t* a) {
  TC_WASI_CHECK(env.mem.check(a[0], a[1]));
  call::random_get_in in{env.mem.bytes(a[0], a[1])};
  call::random_get_out out;
  return env.sys.random_get(in, out);
}

}  // namespace tc::wasi::abi
