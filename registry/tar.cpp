#include "registry/tar.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

namespace tc::registry::tar {

namespace {

// Field offsets and widths of a ustar header.
constexpr size_t kName = 0, kMode = 100, kUid = 108, kGid = 116, kSize = 124, kMtime = 136,
                 kChksum = 148, kType = 156, kMagic = 257, kVersion = 263, kPrefix = 345;
constexpr size_t kSizeWidth = 12, kPrefixWidth = 155;
constexpr uint64_t kMaxOctalSize = (1ull << 33) - 1;  // 11 octal digits
// Record padding some tar programs add after the marker; more is not tar's.
constexpr uint64_t kMaxTrailer = 1u << 20;

using Block = std::array<uint8_t, kBlock>;

void put_octal(Block& b, size_t off, size_t width, uint64_t v) {
  // width-1 digits and a NUL, as POSIX tar writes them.
  std::snprintf(reinterpret_cast<char*>(&b[off]), width, "%0*llo", int(width - 1),
                static_cast<unsigned long long>(v));
}

unsigned checksum(const Block& b) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += i >= kChksum && i < kChksum + 8 ? ' ' : b[i];
  return sum;
}

// An octal field: optional leading spaces, digits, then NULs or spaces.
std::optional<uint64_t> get_octal(const Block& b, size_t off, size_t width) {
  size_t i = off, end = off + width;
  while (i < end && b[i] == ' ') ++i;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < end && b[i] >= '0' && b[i] <= '7'; ++i, ++digits) {
    if (v >> 61) return std::nullopt;
    v = v * 8 + (b[i] - '0');
  }
  for (; i < end; ++i)
    if (b[i] != 0 && b[i] != ' ') return std::nullopt;
  if (!digits) return std::nullopt;
  return v;
}

std::optional<uint64_t> get_size(const Block& b) {
  if (b[kSize] != 0x80) return get_octal(b, kSize, kSizeWidth);
  // Base-256: a marker byte, then big-endian; at most 63 bits here.
  uint64_t v = 0;
  for (size_t i = kSize + 1; i < kSize + kSizeWidth; ++i) {
    if (v >> 55) return std::nullopt;
    v = v << 8 | b[i];
  }
  return v;
}

std::string field_text(const Block& b, size_t off, size_t width) {
  const char* p = reinterpret_cast<const char*>(&b[off]);
  return std::string(p, strnlen(p, width));
}

bool all_zero(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t c) { return c == 0; });
}

uint64_t padding(uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

}  // namespace

Expected<void> Writer::begin_file(const std::string& name, uint64_t size, int64_t mtime) {
  if (left_) return make_error(ErrorKind::Usage, "tar: " + name_ + " is not complete");
  if (name.empty() || name.size() > kMaxName || name.find('\0') != std::string::npos)
    return make_error(ErrorKind::Usage, "tar: cannot store the name \"" + name + "\"");
  Block b{};
  std::memcpy(&b[kName], name.data(), name.size());
  put_octal(b, kMode, 8, 0644);
  put_octal(b, kUid, 8, 0);
  put_octal(b, kGid, 8, 0);
  if (size <= kMaxOctalSize) {
    put_octal(b, kSize, kSizeWidth, size);
  } else {
    b[kSize] = 0x80;
    for (size_t i = 0; i < 8; ++i) b[kSize + kSizeWidth - 1 - i] = uint8_t(size >> (8 * i));
  }
  put_octal(b, kMtime, 12, uint64_t(std::max<int64_t>(mtime, 0)));
  b[kType] = '0';
  std::memcpy(&b[kMagic], "ustar", 6);  // with its NUL
  std::memcpy(&b[kVersion], "00", 2);
  std::snprintf(reinterpret_cast<char*>(&b[kChksum]), 8, "%06o", checksum(b));
  b[kChksum + 7] = ' ';
  TC_TRY(sink_(b));
  name_ = name;
  size_ = left_ = size;
  if (!size) return pad();
  return {};
}

Expected<void> Writer::write(std::span<const uint8_t> data) {
  if (data.size() > left_)
    return make_error(ErrorKind::Usage, "tar: more data than the " + std::to_string(size_) +
                                            " bytes announced for " + name_);
  if (data.empty()) return {};
  TC_TRY(sink_(data));
  left_ -= data.size();
  if (!left_) return pad();
  return {};
}

Expected<void> Writer::pad() {
  static const Block zeros{};
  return sink_(std::span<const uint8_t>(zeros.data(), padding(size_)));
}

Expected<void> Writer::finish() {
  if (left_) return make_error(ErrorKind::Usage, "tar: " + name_ + " is not complete");
  static const std::array<uint8_t, 2 * kBlock> zeros{};
  return sink_(zeros);
}

std::string type_name(char type) {
  switch (type) {
    case '0': case '\0': return "a regular file";
    case '7': return "a contiguous file";
    case '1': return "a hard link";
    case '2': return "a symbolic link";
    case '3': return "a character device";
    case '4': return "a block device";
    case '5': return "a directory";
    case '6': return "a FIFO";
    case 'x': case 'g': return "a pax extended header";
    case 'L': case 'K': return "a GNU long-name entry";
  }
  return std::string("an entry of type '") + (type >= 32 && type < 127 ? type : '?') + "'";
}

Expected<size_t> Reader::read_some(uint8_t* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = source_(std::span<uint8_t>(p + got, n - got));
    if (!r) return r.error();
    if (*r == 0) break;
    got += *r;
  }
  return got;
}

Expected<void> Reader::fill(uint8_t* p, size_t n, const std::string& what) {
  auto got = read_some(p, n);
  if (!got) return got.error();
  if (*got < n) return make_error(ErrorKind::Io, "truncated: " + what);
  return {};
}

Expected<std::optional<Entry>> Reader::next() {
  // The rest of the current entry.
  uint8_t buf[65536];
  while (left_ || pad_) {
    bool data = left_ > 0;
    uint64_t want = std::min<uint64_t>(data ? left_ : pad_, sizeof buf);
    TC_TRY(fill(buf, size_t(want), data ? name_ + " has fewer bytes than its header says"
                                         : "the padding after " + name_));
    // Padding is zeros, as tar writes it: a flipped byte there is damage too.
    if (!data && !all_zero(buf, size_t(want)))
      return make_error(ErrorKind::Io, "the padding after " + name_ + " is not zeros");
    (data ? left_ : pad_) -= want;
  }
  std::string where = entries_ ? "after " + name_ : "at the start";
  Block b;
  auto got = read_some(b.data(), kBlock);
  if (!got) return got.error();
  if (*got == 0)
    return make_error(ErrorKind::Io, "truncated: no end-of-archive marker " + where);
  if (*got < kBlock) return make_error(ErrorKind::Io, "truncated: a partial header " + where);
  if (all_zero(b.data(), kBlock)) {
    TC_TRY(fill(b.data(), kBlock, "half an end-of-archive marker " + where));
    if (!all_zero(b.data(), kBlock))
      return make_error(ErrorKind::Io, "a zero block in the middle of the archive " + where);
    return std::optional<Entry>();
  }
  if (std::memcmp(&b[kMagic], "ustar", 6) != 0 || std::memcmp(&b[kVersion], "00", 2) != 0)
    return make_error(ErrorKind::Io, "not a POSIX tar header " + where);
  auto sum = get_octal(b, kChksum, 8);
  if (!sum || *sum != checksum(b))
    return make_error(ErrorKind::Io, "tar header checksum mismatch " + where);
  Entry e;
  e.name = field_text(b, kName, kMaxName);
  std::string prefix = field_text(b, kPrefix, kPrefixWidth);
  if (!prefix.empty()) e.name = prefix + "/" + e.name;
  e.type = char(b[kType]);
  auto size = get_size(b);
  if (!size) return make_error(ErrorKind::Io, "tar header of \"" + e.name + "\": bad size field");
  e.size = *size;
  // Only regular files carry data we read; others are refused by the
  // caller, so their size needs no skipping.
  name_ = e.name;
  size_ = left_ = e.size;
  pad_ = padding(e.size);
  ++entries_;
  return std::optional<Entry>(std::move(e));
}

Expected<size_t> Reader::read(std::span<uint8_t> out) {
  size_t want = size_t(std::min<uint64_t>(left_, out.size()));
  if (!want) return size_t(0);
  auto got = read_some(out.data(), want);
  if (!got) return got.error();
  if (*got < want)
    return make_error(ErrorKind::Io, "truncated: " + name_ + " has " +
                                         std::to_string(size_ - left_ + *got) + " of its " +
                                         std::to_string(size_) + " bytes");
  left_ -= want;
  return want;
}

Expected<void> Reader::expect_end() {
  uint8_t buf[4096];
  uint64_t seen = 0;
  for (;;) {
    auto got = read_some(buf, sizeof buf);
    if (!got) return got.error();
    if (*got == 0) return {};
    if (!all_zero(buf, *got)) return make_error(ErrorKind::Io, "data after the end of the archive");
    seen += *got;
    if (seen > kMaxTrailer)
      return make_error(ErrorKind::Io, "more than 1 MiB of padding after the end of the archive");
  }
}

}  // namespace tc::registry::tar
