#include "trace/wasi_codec.hpp"

#include "trace/log_writer.hpp"

namespace tc::trace {

void PayloadWriter::bytes(std::span<const uint8_t> b) {
  put_varint(out_, b.size());
  out_.insert(out_.end(), b.begin(), b.end());
}

bool PayloadReader::u64(uint64_t& v) { return get_varint(p_, end_, v); }
bool PayloadReader::s64(int64_t& v) {
  uint64_t z;
  if (!get_varint(p_, end_, z)) return false;
  v = int64_t(z >> 1) ^ -int64_t(z & 1);
  return true;
}
bool PayloadReader::bytes(std::span<const uint8_t>& b) {
  uint64_t n;
  if (!get_varint(p_, end_, n) || n > uint64_t(end_ - p_)) return false;
  b = {p_, size_t(n)};
  p_ += n;
  return true;
}
bool PayloadReader::str(std::string& s) {
  std::span<const uint8_t> b;
  if (!bytes(b)) return false;
  s.assign(b.begin(), b.end());
  return true;
}

}  // namespace tc::trace
