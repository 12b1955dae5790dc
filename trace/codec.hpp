// Batch codecs (zlib, zstd) behind one interface, used by the log writer,
// the log reader and bench/codec_bench. A Compressor keeps its codec's
// context between batches (one per writer thread: not thread-safe).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "trace/log_format.hpp"

namespace tc::trace {

class Compressor {
 public:
  Compressor(Codec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Compresses `in` into `out` (resized to the compressed size). False if
  // the codec failed or the result would not be smaller than `in`: store
  // the batch raw then.
  bool compress(std::span<const uint8_t> in, std::vector<uint8_t>& out);
  Codec codec() const { return codec_; }

 private:
  struct Ctx;
  Codec codec_;
  int level_;
  std::unique_ptr<Ctx> ctx_;
};

// Decompresses `in` (stored with `codec`) into `out`, which must come out at
// exactly `raw_size` bytes. False on any error (corrupt, shorter, longer).
bool decompress(Codec codec, std::span<const uint8_t> in, size_t raw_size, std::vector<uint8_t>& out);

// zstd frames carry their content size: true if `in` starts a frame that
// says `raw_size` (lets the reader check a header without decompressing).
bool zstd_frame_says(std::span<const uint8_t> in, uint64_t raw_size);

const char* codec_name(Codec codec);  // "none", "zlib", "zstd"

// Recording must stay cheap: each codec's fast end (bench/README.md, codecs).
int default_level(Codec codec);

}  // namespace tc::trace
