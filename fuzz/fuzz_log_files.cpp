#include "fuzz/fuzz_log_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "trace/crc32c.hpp"
#include "trace/log_format.hpp"
#include "trace/log_writer.hpp"

namespace tc::fuzz {

using namespace tc::trace;

namespace {

void remove_dir(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
        unlink((dir + "/" + e->d_name).c_str());
    closedir(d);
  }
  rmdir(dir.c_str());
}

void write_file(const std::string& path, const uint8_t* p, size_t n) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("fuzz: cannot create " + path);
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w <= 0) throw std::runtime_error("fuzz: cannot write " + path);
    p += w;
    n -= size_t(w);
  }
  ::close(fd);
}

}  // namespace

const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string tmpl = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    tmpl += "/timecraft-fuzz.XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("fuzz: mkdtemp failed");
    static std::string to_remove = tmpl;
    std::atexit([] { remove_dir(to_remove); });
    return tmpl;
  }();
  return dir;
}

std::vector<std::vector<uint8_t>> split_segments(std::span<const uint8_t> bytes) {
  std::vector<std::vector<uint8_t>> out;
  const uint8_t* magic = reinterpret_cast<const uint8_t*>(kSegmentMagic);
  size_t start = 0;
  for (size_t i = 1; i + sizeof kSegmentMagic <= bytes.size(); ++i) {
    if (std::memcmp(bytes.data() + i, magic, sizeof kSegmentMagic) != 0) continue;
    out.emplace_back(bytes.begin() + long(start), bytes.begin() + long(i));
    start = i;
  }
  out.emplace_back(bytes.begin() + long(start), bytes.end());
  return out;
}

void write_segments(const std::string& dir, const std::vector<std::vector<uint8_t>>& segments) {
  uint32_t n = 0;
  for (; n < segments.size(); ++n)
    write_file(segment_path(dir, n), segments[n].data(), segments[n].size());
  for (;; ++n)  // the previous input may have had more segments
    if (unlink(segment_path(dir, n).c_str()) != 0) break;
}

bool fix_checksums(std::vector<uint8_t>& seg) {
  if (seg.size() < sizeof(SegmentHeader)) return false;
  SegmentHeader sh;
  std::memcpy(&sh, seg.data(), sizeof sh);
  bool changed = false;
  uint64_t off = sh.header_size;
  while (off <= seg.size() && seg.size() - off >= sizeof(BatchHeader)) {
    BatchHeader h;
    std::memcpy(&h, seg.data() + off, sizeof h);
    uint64_t avail = seg.size() - off - sizeof h;
    uint32_t data_crc = crc32c(seg.data() + off + sizeof h, size_t(std::min<uint64_t>(h.stored_size, avail)));
    if (h.data_crc != data_crc) { h.data_crc = data_crc; changed = true; }
    uint32_t header_crc = crc32c(&h, offsetof(BatchHeader, header_crc));
    if (h.header_crc != header_crc) { h.header_crc = header_crc; changed = true; }
    std::memcpy(seg.data() + off, &h, sizeof h);
    off += sizeof h + h.stored_size;
  }
  return changed;
}

std::vector<uint8_t> segment_from_records(std::span<const uint8_t> records, uint32_t per_batch) {
  std::vector<uint8_t> out(sizeof(SegmentHeader));
  SegmentHeader sh{};
  std::memcpy(sh.magic, kSegmentMagic, sizeof sh.magic);
  sh.version = kFormatVersion;
  sh.header_size = sizeof sh;
  std::memcpy(out.data(), &sh, sizeof sh);
  uint64_t first = 0, time = 0;
  const uint8_t* p = records.data();
  const uint8_t* end = p + records.size();
  while (p < end) {
    // Take up to per_batch whole records; a broken one ends the batch with
    // the rest of the input (the reader must report it, not crash).
    const uint8_t* b = p;
    uint32_t count = 0;
    uint64_t first_time = time;
    while (p < end && count < per_batch) {
      const uint8_t* q = p;
      uint64_t delta, call, len;
      if (!get_varint(q, end, delta) || !get_varint(q, end, call) || !get_varint(q, end, len) ||
          len > uint64_t(end - q)) {
        p = end;
        ++count;
        break;
      }
      time += delta;
      p = q + len;
      ++count;
    }
    BatchHeader h{};
    h.magic = kBatchMagic;
    h.count = count;
    h.first_record = first;
    h.first_time = first_time;
    h.last_time = time;
    h.raw_size = h.stored_size = uint32_t(p - b);
    h.codec = uint8_t(Codec::None);
    h.data_crc = crc32c(b, size_t(p - b));
    h.header_crc = crc32c(&h, offsetof(BatchHeader, header_crc));
    size_t at = out.size();
    out.resize(at + sizeof h);
    std::memcpy(out.data() + at, &h, sizeof h);
    out.insert(out.end(), b, p);
    first += count;
  }
  return out;
}

}  // namespace tc::fuzz
