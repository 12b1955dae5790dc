#include "wasi/chaos_system.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>

namespace tc::wasi {

namespace {

constexpr const char* kKindNames[] = {"io", "short", "clock", "random", "net"};

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

template <class Iovecs>
uint64_t total_size(const Iovecs& iovs) {
  uint64_t n = 0;
  for (const auto& b : iovs) n += b.size();
  return n;
}

// The first `n` bytes of `iovs`, as buffers of the same kind.
template <class Iovecs>
Iovecs first_bytes(const Iovecs& iovs, uint64_t n) {
  Iovecs out;
  for (const auto& b : iovs) {
    if (n == 0) break;
    size_t take = size_t(std::min<uint64_t>(n, b.size()));
    out.push_back(b.subspan(0, take));
    n -= take;
  }
  return out;
}

bool is_socket(Filetype t) { return t == Filetype::SocketStream || t == Filetype::SocketDgram; }

}  // namespace

Expected<unsigned> parse_chaos_kinds(const std::string& list) {
  unsigned kinds = 0;
  size_t at = 0;
  for (;;) {
    size_t comma = list.find(',', at);
    std::string name = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    unsigned bit = 0;
    for (unsigned i = 0; i < 5; ++i)
      if (name == kKindNames[i]) bit = 1u << i;
    if (!bit)
      return make_error(ErrorKind::Usage, "--chaos: unknown fault kind \"" + name +
                                              "\" (kinds: io, short, clock, random, net)");
    kinds |= bit;
    if (comma == std::string::npos) return kinds;
    at = comma + 1;
  }
}

std::vector<std::string> chaos_kind_names(unsigned kinds) {
  std::vector<std::string> out;
  for (unsigned i = 0; i < 5; ++i)
    if (kinds & (1u << i)) out.push_back(kKindNames[i]);
  return out;
}

Expected<double> parse_chaos_rate(const std::string& text) {
  auto bad = [&] {
    return make_error(ErrorKind::Usage,
                      "--chaotic: \"" + text + "\" is not a rate from 0 to 1 (e.g. 0.05)");
  };
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos ||
      text.find('.') != text.rfind('.') || text == ".")
    return bad();
  double r = std::strtod(text.c_str(), nullptr);
  if (!(r >= 0 && r <= 1)) return bad();
  return r;
}

ChaosSystem::ChaosSystem(System& real, const ChaosConfig& cfg) : real_(real), cfg_(cfg) {
  uint64_t x = cfg.seed;
  for (auto& s : s_) s = splitmix64(x);
}

uint64_t ChaosSystem::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t ChaosSystem::below(uint64_t n) { return n ? next() % n : 0; }

uint64_t ChaosSystem::short_size(uint64_t total) {
  // Log-uniform: a 4 KiB read is as likely to get 1..2 bytes as 2..4 KiB.
  uint64_t max = total - 1, bits = 0;
  while (bits < 63 && (uint64_t(1) << bits) < max) ++bits;
  uint64_t cap = std::min(max, uint64_t(1) << below(bits + 1));
  return 1 + below(cap);
}

void ChaosSystem::add(Choices& c, unsigned kind, Fault f, Errno e) const {
  if ((cfg_.kinds & kind) && c.n < std::size(c.items)) c.items[c.n++] = Pick{f, e};
}

ChaosSystem::Pick ChaosSystem::pick(const Choices& c) {
  if (c.n == 0) return {};
  double u = double(next() >> 11) * 0x1.0p-53;  // [0, 1)
  if (!(u < cfg_.rate)) return {};
  Pick p = c.items[below(c.n)];
  injected_ = true;
  ++count_;
  return p;
}

// The fd's type and flags, or false when it is no fd or lacks `right` (the
// real call then fails as it should: no fault hides EBADF or ENOTCAPABLE).
static bool fd_allows(System& real, Fd fd, Rights right, Fdstat& st) {
  call::fd_fdstat_get_out o;
  if (real.fd_fdstat_get({fd}, o) != Errno::Success) return false;
  st = o.stat;
  return (st.rights_base & right) == right;
}

namespace {

// Errors a read or write on an fd of this type and flags can return.
template <class AddFn>
void stream_faults(const Fdstat& st, bool write, bool sock_call, AddFn&& add) {
  const bool sock = is_socket(st.filetype), nonblock = st.flags & kFdflagNonblock;
  const bool may_block = !nonblock && (sock || st.filetype == Filetype::CharacterDevice ||
                                       st.filetype == Filetype::Unknown);  // pipes
  if (!sock && !sock_call) add(chaos::kIo, Errno::Io);
  if (write && (st.filetype == Filetype::RegularFile || st.filetype == Filetype::BlockDevice))
    add(chaos::kIo, Errno::NoSpc);
  if (may_block) add(chaos::kIo, Errno::Intr);
  if (nonblock || sock) add(chaos::kIo, Errno::Again);
  if (sock) add(chaos::kNet, Errno::ConnReset);
}

}  // namespace

#define CHAOS_ERRORS(c, st, write, sock_call)                                  \
  stream_faults(st, write, sock_call,                                          \
                [&](unsigned kind, Errno e) { add(c, kind, Fault::Error, e); })

std::optional<Errno> ChaosSystem::inject(const call::fd_read_in& in, call::fd_read_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdRead, st)) return std::nullopt;
  Choices c;
  CHAOS_ERRORS(c, st, false, false);
  uint64_t total = total_size(in.iovs);
  if (total >= 2) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::fd_read_in shorter{in.fd, first_bytes(in.iovs, short_size(total))};
  return real_.fd_read(shorter, out);
}

std::optional<Errno> ChaosSystem::inject(const call::fd_pread_in& in, call::fd_pread_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdRead | right::FdSeek, st)) return std::nullopt;
  Choices c;
  if (!is_socket(st.filetype)) add(c, chaos::kIo, Fault::Error, Errno::Io);
  uint64_t total = total_size(in.iovs);
  if (total >= 2) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::fd_pread_in shorter{in.fd, first_bytes(in.iovs, short_size(total)), in.offset};
  return real_.fd_pread(shorter, out);
}

std::optional<Errno> ChaosSystem::inject(const call::fd_write_in& in, call::fd_write_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdWrite, st)) return std::nullopt;
  Choices c;
  CHAOS_ERRORS(c, st, true, false);
  uint64_t total = total_size(in.iovs);
  if (total >= 2) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::fd_write_in shorter{in.fd, first_bytes(in.iovs, short_size(total))};
  return real_.fd_write(shorter, out);
}

std::optional<Errno> ChaosSystem::inject(const call::fd_pwrite_in& in, call::fd_pwrite_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdWrite | right::FdSeek, st)) return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::Io);
  if (st.filetype == Filetype::RegularFile || st.filetype == Filetype::BlockDevice)
    add(c, chaos::kIo, Fault::Error, Errno::NoSpc);
  uint64_t total = total_size(in.iovs);
  if (total >= 2) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::fd_pwrite_in shorter{in.fd, first_bytes(in.iovs, short_size(total)), in.offset};
  return real_.fd_pwrite(shorter, out);
}

std::optional<Errno> ChaosSystem::inject(const call::fd_sync_in& in, call::fd_sync_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdSync, st)) return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::Io);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::fd_datasync_in& in, call::fd_datasync_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdDatasync, st)) return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::Io);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::fd_allocate_in& in, call::fd_allocate_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdAllocate, st) || st.filetype != Filetype::RegularFile)
    return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::NoSpc);
  add(c, chaos::kIo, Fault::Error, Errno::Io);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::fd_filestat_set_size_in& in,
                                         call::fd_filestat_set_size_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdFilestatSetSize, st) ||
      st.filetype != Filetype::RegularFile)
    return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::Io);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::path_open_in& in, call::path_open_out&) {
  Fdstat st;
  if (!(in.oflags & kOflagCreat) || !fd_allows(real_, in.fd, right::PathCreateFile, st))
    return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::NoSpc);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::path_create_directory_in& in,
                                         call::path_create_directory_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::PathCreateDirectory, st)) return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::NoSpc);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::poll_oneoff_in& in, call::poll_oneoff_out& out) {
  if (in.subscriptions.empty()) return std::nullopt;
  Choices c;
  add(c, chaos::kIo, Fault::Error, Errno::Intr);
  if (Pick p = pick(c); p.fault == Fault::Error) return p.err;
  // Deadlines the program computed from a jumped clock, back on the real one.
  bool shifted = false;
  call::poll_oneoff_in real_in = in;
  for (auto& s : real_in.subscriptions) {
    if (s.type != EventType::Clock || !(s.clock_flags & kSubclockAbstime)) continue;
    if (s.clock_id == ClockId::Realtime && realtime_offset_) {
      int64_t t = int64_t(s.timeout) - realtime_offset_;
      s.timeout = t < 0 ? 0 : Timestamp(t);
      shifted = true;
    } else if (unsigned(s.clock_id) >= 1 && unsigned(s.clock_id) <= 3 &&
               forward_offset_[unsigned(s.clock_id) - 1]) {
      uint64_t off = forward_offset_[unsigned(s.clock_id) - 1];
      s.timeout = s.timeout > off ? s.timeout - off : 0;
      shifted = true;
    }
  }
  if (!shifted) return std::nullopt;
  return real_.poll_oneoff(real_in, out);
}

std::optional<Errno> ChaosSystem::inject(const call::clock_time_get_in& in,
                                         call::clock_time_get_out& out) {
  const unsigned id = unsigned(in.id);
  if (id > 3) return std::nullopt;
  Choices c;
  add(c, chaos::kClock, Fault::Jump);
  Pick p = pick(c);
  Errno e = real_.clock_time_get(in, out);
  if (e != Errno::Success) {
    injected_ = false;  // nothing was seen to jump: the call failed on its own
    return e;
  }
  constexpr uint64_t kSecond = 1000000000;
  if (p.fault == Fault::Jump) {
    uint64_t by = (1 + below(3600)) * kSecond;
    if (id == 0) realtime_offset_ += (next() & 1) ? int64_t(by) : -int64_t(by);
    else forward_offset_[id - 1] += by;
  }
  if (id == 0) {
    int64_t t = int64_t(out.time) + realtime_offset_;
    out.time = t < 0 ? 0 : Timestamp(t);
  } else {
    uint64_t off = forward_offset_[id - 1];
    out.time = out.time > std::numeric_limits<uint64_t>::max() - off
                   ? std::numeric_limits<uint64_t>::max()
                   : out.time + off;
  }
  return e;
}

std::optional<Errno> ChaosSystem::inject(const call::random_get_in& in, call::random_get_out&) {
  if (in.buf.size() < 2) return std::nullopt;
  Choices c;
  add(c, chaos::kRandom, Fault::LowEntropy);
  if (pick(c).fault != Fault::LowEntropy) return std::nullopt;
  uint8_t b = uint8_t(below(256));
  for (auto& x : in.buf) x = b;
  return Errno::Success;
}

std::optional<Errno> ChaosSystem::inject(const call::sock_accept_in& in, call::sock_accept_out&) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::SockAccept, st)) return std::nullopt;
  Choices c;
  add(c, chaos::kNet, Fault::Error, Errno::ConnAborted);
  if (st.flags & kFdflagNonblock) add(c, chaos::kIo, Fault::Error, Errno::Again);
  else add(c, chaos::kIo, Fault::Error, Errno::Intr);
  Pick p = pick(c);
  return p.fault == Fault::Error ? std::optional<Errno>(p.err) : std::nullopt;
}

std::optional<Errno> ChaosSystem::inject(const call::sock_recv_in& in, call::sock_recv_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdRead, st) || !is_socket(st.filetype)) return std::nullopt;
  Choices c;
  CHAOS_ERRORS(c, st, false, true);
  uint64_t total = total_size(in.iovs);
  if (total >= 2 && !(in.flags & kRiRecvWaitall)) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::sock_recv_in shorter{in.fd, first_bytes(in.iovs, short_size(total)), in.flags};
  return real_.sock_recv(shorter, out);
}

std::optional<Errno> ChaosSystem::inject(const call::sock_send_in& in, call::sock_send_out& out) {
  Fdstat st;
  if (!fd_allows(real_, in.fd, right::FdWrite, st) || !is_socket(st.filetype)) return std::nullopt;
  Choices c;
  CHAOS_ERRORS(c, st, true, true);
  uint64_t total = total_size(in.iovs);
  if (total >= 2) add(c, chaos::kShort, Fault::Short);
  Pick p = pick(c);
  if (p.fault == Fault::Error) return p.err;
  if (p.fault != Fault::Short) return std::nullopt;
  call::sock_send_in shorter{in.fd, first_bytes(in.iovs, short_size(total)), in.flags};
  return real_.sock_send(shorter, out);
}

}  // namespace tc::wasi
