// Marshallers for WasmEdge's socket extension (the "v2" ABI: sock_open,
// sock_bind, sock_connect, sock_listen, sock_getaddrinfo, sock_getlocaladdr,
// sock_getpeeraddr, sock_setsockopt, sock_getsockopt, sock_recv_from,
// sock_send_to), laid out as WasmEdge's thirdparty/wasi/api.hpp defines them.
#include <cstring>

#include "wasi/abi_calls.hpp"

namespace tc::wasi::abi {

namespace {

// __wasi_address_t {u32 buf, u32 buf_len}: where a guest address lives.
struct GuestAddr {
  uint32_t buf = 0, len = 0;
};

constexpr uint32_t kAddrStorage = 128;  // v2: u16 family, then the address bytes
constexpr uint32_t kAddrinfoSize = 28;  // __wasi_addrinfo_t
constexpr uint32_t kSockaddrSize = 12;  // __wasi_sockaddr_t

Errno guest_addr(const GuestMemory& mem, uint64_t ptr, GuestAddr& out) {
  TC_WASI_CHECK(mem.check(ptr, 8, 4));
  out.buf = mem.load<uint32_t>(ptr);
  out.len = mem.load<uint32_t>(ptr + 4);
  return mem.check(out.buf, out.len);
}

// An input address: raw 4 or 16 bytes (v1 style), or the 128-byte v2 storage.
Errno read_addr(const GuestMemory& mem, uint64_t ptr, uint64_t port, SockAddr& out) {
  GuestAddr g;
  TC_WASI_CHECK(guest_addr(mem, ptr, g));
  const uint8_t* p = mem.at(g.buf);
  if (g.len == kAddrStorage) {
    uint16_t family;
    std::memcpy(&family, p, 2);
    if (family == uint16_t(AddressFamily::Unix)) return Errno::AfNoSupport;
    if (family != uint16_t(AddressFamily::Inet4) && family != uint16_t(AddressFamily::Inet6))
      return Errno::Inval;
    out.family = AddressFamily(family);
    p += 2;
  } else if (g.len == 4) {
    out.family = AddressFamily::Inet4;
  } else if (g.len == 16) {
    out.family = AddressFamily::Inet6;
  } else {
    return Errno::Inval;
  }
  std::memcpy(out.addr, p, out.addr_size());
  out.port = static_cast<uint16_t>(port);  // as WasmEdge: the low 16 bits
  return Errno::Success;
}

// An output address goes into v2 storage (128 bytes), its port into a u32.
Errno check_addr_out(const GuestMemory& mem, uint64_t ptr, uint64_t port_ptr) {
  GuestAddr g;
  TC_WASI_CHECK(guest_addr(mem, ptr, g));
  if (g.len != kAddrStorage) return Errno::Inval;
  return mem.check(port_ptr, 4, 4);
}

void write_addr(const GuestMemory& mem, uint64_t ptr, uint64_t port_ptr, const SockAddr& a) {
  GuestAddr g{mem.load<uint32_t>(ptr), mem.load<uint32_t>(ptr + 4)};
  std::memset(mem.at(g.buf), 0, g.len);
  uint16_t family = uint16_t(a.family);
  std::memcpy(mem.at(g.buf), &family, 2);
  std::memcpy(mem.at(g.buf + 2), a.addr, a.addr_size());
  mem.store<uint32_t>(port_ptr, a.port);
}

// A SOL_SOCKET option: int-valued ones only (struct linger, struct timeval
// and a device name are ENOTSUP).
Errno sock_opt(uint64_t level, uint64_t name, uint32_t& level_out, SockOpt& name_out) {
  if (level != kSolSocket || name > uint64_t(SockOpt::BindToDevice)) return Errno::Inval;
  level_out = u32(level);
  name_out = SockOpt(name);
  switch (name_out) {
    case SockOpt::Linger:
    case SockOpt::RcvTimeo:
    case SockOpt::SndTimeo:
    case SockOpt::BindToDevice: return Errno::NotSup;
    default: return Errno::Success;
  }
}

// Node and service names: WasmEdge's own client library counts a trailing NUL.
Errno read_name(const GuestMemory& mem, uint64_t ptr, uint64_t len, std::string_view& out) {
  TC_WASI_CHECK(read_path(mem, ptr, len, out));
  if (!out.empty() && out.back() == '\0') out.remove_suffix(1);
  if (out.find('\0') != std::string_view::npos) return Errno::Inval;
  return Errno::Success;
}

// One result into the guest's preallocated __wasi_addrinfo_t at `p`: its
// ai_addr's sa_data gets the sockaddr bytes after the family (port in network
// order, then the address; zero flowinfo and scope for IPv6), cut to the
// buffer the guest gave.
Errno write_addrinfo(const GuestMemory& mem, uint32_t p, const Addrinfo& r) {
  TC_WASI_CHECK(mem.check(p, kAddrinfoSize, 4));
  uint32_t sa = mem.load<uint32_t>(p + 12);
  TC_WASI_CHECK(mem.check(sa, kSockaddrSize, 4));
  uint32_t data_len = mem.load<uint32_t>(sa + 4), data = mem.load<uint32_t>(sa + 8);
  TC_WASI_CHECK(mem.check(data, data_len));
  uint8_t raw[26] = {};
  raw[0] = uint8_t(r.addr.port >> 8);
  raw[1] = uint8_t(r.addr.port);
  bool v6 = r.addr.family == AddressFamily::Inet6;
  std::memcpy(raw + (v6 ? 6 : 2), r.addr.addr, r.addr.addr_size());
  uint32_t need = v6 ? 26 : 14, n = std::min(need, data_len);
  std::memcpy(mem.at(data), raw, n);
  mem.store<uint8_t>(sa, uint8_t(r.addr.family));
  mem.store<uint32_t>(sa + 4, n);
  mem.store<uint16_t>(p, 0);
  mem.store<uint8_t>(p + 2, uint8_t(r.family));
  mem.store<uint8_t>(p + 3, uint8_t(r.socktype));
  mem.store<uint8_t>(p + 4, uint8_t(r.protocol));
  mem.store<uint32_t>(p + 8, v6 ? 28 : 16);  // sizeof(sockaddr_in6) / sizeof(sockaddr_in)
  uint32_t canon = mem.load<uint32_t>(p + 16), canon_cap = mem.load<uint32_t>(p + 20);
  uint32_t canon_len = 0;
  if (!r.canonname.empty() && canon_cap > 0) {
    TC_WASI_CHECK(mem.check(canon, canon_cap));
    canon_len = uint32_t(std::min<size_t>(r.canonname.size(), canon_cap - 1));
    std::memcpy(mem.at(canon), r.canonname.data(), canon_len);
    mem.store<uint8_t>(canon + canon_len, 0);
  }
  mem.store<uint32_t>(p + 20, canon_len);
  return Errno::Success;
}

}  // namespace

Expected<Errno> sock_open(Env& env, const uint64_t* a) {
  if (a[0] > uint64_t(AddressFamily::Unix) || a[1] > uint64_t(SockType::Stream)) return Errno::Inval;
  call::sock_open_in in{AddressFamily(a[0]), SockType(a[1])};
  call::sock_open_out out;
  TC_WASI_CHECK(env.mem.check(a[2], 4, 4));
  TC_WASI_CHECK(env.sys.sock_open(in, out));
  env.mem.store<uint32_t>(a[2], out.fd);
  return Errno::Success;
}

Expected<Errno> sock_bind(Env& env, const uint64_t* a) {
  call::sock_bind_in in{u32(a[0]), {}};
  call::sock_bind_out out;
  TC_WASI_CHECK(read_addr(env.mem, a[1], a[2], in.addr));
  return env.sys.sock_bind(in, out);
}

Expected<Errno> sock_connect(Env& env, const uint64_t* a) {
  call::sock_connect_in in{u32(a[0]), {}};
  call::sock_connect_out out;
  TC_WASI_CHECK(read_addr(env.mem, a[1], a[2], in.addr));
  return env.sys.sock_connect(in, out);
}

Expected<Errno> sock_listen(Env& env, const uint64_t* a) {
  call::sock_listen_in in{u32(a[0]), int32_t(u32(a[1]))};
  call::sock_listen_out out;
  return env.sys.sock_listen(in, out);
}

Expected<Errno> sock_getaddrinfo(Env& env, const uint64_t* a) {
  call::sock_getaddrinfo_in in;
  call::sock_getaddrinfo_out out;
  TC_WASI_CHECK(read_name(env.mem, a[0], a[1], in.node));
  TC_WASI_CHECK(read_name(env.mem, a[2], a[3], in.service));
  TC_WASI_CHECK(env.mem.check(a[4], kAddrinfoSize, 4));
  TC_WASI_CHECK(env.mem.check(a[5], 4, 4));
  TC_WASI_CHECK(env.mem.check(a[7], 4, 4));
  in.hints.flags = env.mem.load<uint16_t>(a[4]);
  uint8_t family = env.mem.load<uint8_t>(a[4] + 2), socktype = env.mem.load<uint8_t>(a[4] + 3),
          protocol = env.mem.load<uint8_t>(a[4] + 4);
  // WasmEdge's checks, in its order.
  if (in.node.empty() && in.service.empty()) return Errno::AiNoName;
  if (a[6] < 1) return Errno::AiMemory;
  if (in.hints.flags & ~uint16_t(kAiPassive | kAiCanonname | kAiNumerichost | kAiNumericserv |
                                 kAiV4mapped | kAiAll | kAiAddrconfig))
    return Errno::AiBadFlag;
  if ((in.hints.flags & kAiCanonname) && in.node.empty()) return Errno::AiBadFlag;
  if (family > uint8_t(AddressFamily::Inet6)) return Errno::AiFamily;
  if (protocol > uint8_t(Protocol::Udp) || socktype > uint8_t(SockType::Stream)) return Errno::NoSys;
  in.hints.family = AddressFamily(family);
  in.hints.socktype = SockType(socktype);
  in.hints.protocol = Protocol(protocol);
  in.max_results = u32(a[6]);
  TC_WASI_CHECK(env.sys.sock_getaddrinfo(in, out));
  // The guest preallocated a chain of max_results entries linked by ai_next.
  uint32_t p = env.mem.load<uint32_t>(a[5]), count = 0;
  for (const auto& r : out.results) {
    if (count == in.max_results) break;
    TC_WASI_CHECK(write_addrinfo(env.mem, p, r));
    ++count;
    p = env.mem.load<uint32_t>(p + 24);
    if (p == 0) break;
  }
  env.mem.store<uint32_t>(a[7], count);
  return Errno::Success;
}

Expected<Errno> sock_getlocaladdr(Env& env, const uint64_t* a) {
  call::sock_getlocaladdr_in in{u32(a[0])};
  call::sock_getlocaladdr_out out;
  TC_WASI_CHECK(check_addr_out(env.mem, a[1], a[2]));
  TC_WASI_CHECK(env.sys.sock_getlocaladdr(in, out));
  write_addr(env.mem, a[1], a[2], out.addr);
  return Errno::Success;
}

Expected<Errno> sock_getpeeraddr(Env& env, const uint64_t* a) {
  call::sock_getpeeraddr_in in{u32(a[0])};
  call::sock_getpeeraddr_out out;
  TC_WASI_CHECK(check_addr_out(env.mem, a[1], a[2]));
  TC_WASI_CHECK(env.sys.sock_getpeeraddr(in, out));
  write_addr(env.mem, a[1], a[2], out.addr);
  return Errno::Success;
}

Expected<Errno> sock_setsockopt(Env& env, const uint64_t* a) {
  call::sock_setsockopt_in in;
  call::sock_setsockopt_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(sock_opt(a[1], a[2], in.level, in.name));
  if (a[4] != 4) return Errno::Inval;
  TC_WASI_CHECK(env.mem.check(a[3], 4));
  in.value = int32_t(env.mem.load<uint32_t>(a[3]));
  return env.sys.sock_setsockopt(in, out);
}

// flag_size_ptr holds the buffer's size and gets the value's (WasmEdge and
// its Rust client declare it `*mut u32`).
Expected<Errno> sock_getsockopt(Env& env, const uint64_t* a) {
  call::sock_getsockopt_in in;
  call::sock_getsockopt_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(sock_opt(a[1], a[2], in.level, in.name));
  TC_WASI_CHECK(env.mem.check(a[4], 4, 4));
  if (env.mem.load<uint32_t>(a[4]) < 4) return Errno::Inval;
  TC_WASI_CHECK(env.mem.check(a[3], 4));
  TC_WASI_CHECK(env.sys.sock_getsockopt(in, out));
  env.mem.store<uint32_t>(a[3], uint32_t(out.value));
  env.mem.store<uint32_t>(a[4], 4);
  return Errno::Success;
}

Expected<Errno> sock_recv_from(Env& env, const uint64_t* a) {
  call::sock_recv_from_in in;
  call::sock_recv_from_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_iovecs(env.mem, a[1], a[2], in.iovs));
  if (a[4] & ~uint64_t(kRiRecvPeek | kRiRecvWaitall)) return Errno::Inval;
  in.flags = static_cast<uint16_t>(a[4]);
  TC_WASI_CHECK(check_addr_out(env.mem, a[3], a[5]));
  TC_WASI_CHECK(env.mem.check(a[6], 4, 4));
  TC_WASI_CHECK(env.mem.check(a[7], 2, 2));
  TC_WASI_CHECK(env.sys.sock_recv_from(in, out));
  write_addr(env.mem, a[3], a[5], out.peer);
  env.mem.store<uint32_t>(a[6], out.nread);
  env.mem.store<uint16_t>(a[7], out.roflags);
  return Errno::Success;
}

Expected<Errno> sock_send_to(Env& env, const uint64_t* a) {
  call::sock_send_to_in in;
  call::sock_send_to_out out;
  in.fd = u32(a[0]);
  TC_WASI_CHECK(read_ciovecs(env.mem, a[1], a[2], in.iovs));
  TC_WASI_CHECK(read_addr(env.mem, a[3], a[4], in.addr));
  in.flags = static_cast<uint16_t>(a[5]);
  TC_WASI_CHECK(env.mem.check(a[6], 4, 4));
  TC_WASI_CHECK(env.sys.sock_send_to(in, out));
  env.mem.store<uint32_t>(a[6], out.nsent);
  return Errno::Success;
}

}  // namespace tc::wasi::abi
