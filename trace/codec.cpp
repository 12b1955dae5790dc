#include "trace/codec.hpp"

#include <zlib.h>
#include <zstd.h>

namespace tc::trace {

struct Compressor::Ctx {
  ZSTD_CCtx* zstd = nullptr;
  ~Ctx() { ZSTD_freeCCtx(zstd); }
};

Compressor::Compressor(Codec codec, int level) : codec_(codec), level_(level), ctx_(new Ctx) {
  if (codec_ == Codec::Zstd) {
    ctx_->zstd = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(ctx_->zstd, ZSTD_c_compressionLevel, level_);
    ZSTD_CCtx_setParameter(ctx_->zstd, ZSTD_c_checksumFlag, 0);  // the batch has its CRC32-C
  }
}

Compressor::~Compressor() = default;

bool Compressor::compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  switch (codec_) {
    case Codec::None:
      return false;
    case Codec::Zlib: {
      uLongf n = compressBound(uLong(in.size()));
      out.resize(n);
      if (compress2(out.data(), &n, in.data(), uLong(in.size()), level_) != Z_OK) return false;
      out.resize(n);
      break;
    }
    case Codec::Zstd: {
      if (!ctx_->zstd) return false;
      out.resize(ZSTD_compressBound(in.size()));
      size_t n = ZSTD_compress2(ctx_->zstd, out.data(), out.size(), in.data(), in.size());
      if (ZSTD_isError(n)) return false;
      out.resize(n);
      break;
    }
  }
  return out.size() < in.size();
}

bool decompress(Codec codec, std::span<const uint8_t> in, size_t raw_size, std::vector<uint8_t>& out) {
  out.resize(raw_size);
  switch (codec) {
    case Codec::None:
      if (in.size() != raw_size) return false;
      std::copy(in.begin(), in.end(), out.begin());
      return true;
    case Codec::Zlib: {
      // uncompress() needs the whole stream and reports a longer one as an
      // error (Z_BUF_ERROR), a shorter one by its length.
      uLongf n = uLongf(raw_size);
      uLong used = uLong(in.size());
      return uncompress2(out.data(), &n, in.data(), &used) == Z_OK && n == raw_size &&
             used == in.size();
    }
    case Codec::Zstd: {
      if (!zstd_frame_says(in, raw_size)) return false;
      size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
      return !ZSTD_isError(n) && n == raw_size;
    }
  }
  return false;
}

bool zstd_frame_says(std::span<const uint8_t> in, uint64_t raw_size) {
  unsigned long long n = ZSTD_getFrameContentSize(in.data(), in.size());
  return n != ZSTD_CONTENTSIZE_ERROR && n != ZSTD_CONTENTSIZE_UNKNOWN && n == raw_size &&
         ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size();
}

int default_level(Codec codec) { return codec == Codec::Zstd ? 1 : 1; }

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::None: return "none";
    case Codec::Zlib: return "zlib";
    case Codec::Zstd: return "zstd";
  }
  return "unknown";
}

}  // namespace tc::trace
