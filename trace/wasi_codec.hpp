// Encodes one WASI call (typed inputs, errno, typed outputs, and the bytes
// the call wrote into guest memory) as a record payload, and decodes it back.
// Driven entirely by wasi/calls.def through visit_fields: one encoder,
// decoder and comparer per parameter *kind*, none per call.
//
//   payload = inputs errno outputs filled-buffers
//
// IovecsIn inputs keep their exact bytes (replay checks what is written);
// IovecsOut/BytesOut inputs keep only their shape, and the bytes the call
// filled (the first `nread`, or all of a BytesOut) follow the outputs.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "trace/log_writer.hpp"
#include "wasi/call_types.hpp"

namespace tc::trace {

class PayloadWriter {
 public:
  explicit PayloadWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u64(uint64_t v) { put_varint(out_, v); }
  void s64(int64_t v) { put_varint(out_, zigzag(v)); }
  void bytes(std::span<const uint8_t> b);
  void str(std::string_view s) { bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }

 private:
  std::vector<uint8_t>& out_;
};

class PayloadReader {
 public:
  PayloadReader(std::span<const uint8_t> in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool u64(uint64_t& v);
  bool s64(int64_t& v);
  bool bytes(std::span<const uint8_t>& b);
  bool str(std::string& s);
  bool at_end() const { return p_ == end_; }
  const uint8_t* pos() const { return p_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// How many bytes of the destination buffers the call filled.
template <class Out>
uint64_t filled_bytes(const Out& out, uint64_t capacity) {
  uint64_t n = capacity;
  wasi::call::visit_fields(out, [&](wasi::Kind, std::string_view field, const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, wasi::Size>)
      if (field == "nread") n = std::min<uint64_t>(v, capacity);
  });
  return n;
}

}  // namespace tc::trace
