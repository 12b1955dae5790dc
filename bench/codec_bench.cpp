// Codec comparison on real logs: decompresses every batch of the given logs
// (directories of segment files, e.g. a registry's processes/ID/log) and
// compresses the raw batches again with each codec and level, as the log
// writer would (one context, batch by batch, one thread).
//
//   codec_bench LOG_DIR...   (bench/codecs.sh records the logs and runs it)
//
// Prints per codec/level: stored/raw size, compress MB/s and decompress
// MB/s (of raw bytes: all of them for compress, those of the batches it
// compressed for decompress; CPU time of this thread, best of 3 passes).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "trace/codec.hpp"
#include "trace/log_reader.hpp"
#include "trace/segment_store.hpp"

using namespace tc::trace;

namespace {

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Every batch of the log in `dir`, decompressed.
bool load(const std::string& dir, std::vector<std::vector<uint8_t>>& out) {
  auto store = dir_segments(dir);
  auto reader = LogReader::open(store);
  if (!reader) {
    std::fprintf(stderr, "%s: %s\n", dir.c_str(), reader.error().message.c_str());
    return false;
  }
  for (const auto& seg : reader->segments())
    for (const auto& b : seg.batches) {
      auto stored = store->read(b.segment, b.offset + sizeof(BatchHeader), b.header.stored_size);
      if (!stored || !*stored) return false;
      std::vector<uint8_t> raw;
      if (!decompress(Codec(b.header.codec), **stored, b.header.raw_size, raw)) {
        std::fprintf(stderr, "%s: batch at %llu does not decompress\n", dir.c_str(),
                     (unsigned long long)b.offset);
        return false;
      }
      out.push_back(std::move(raw));
    }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: codec_bench LOG_DIR...\n");
    return 2;
  }
  std::vector<std::vector<uint8_t>> batches;
  for (int i = 1; i < argc; ++i)
    if (!load(argv[i], batches)) return 1;
  uint64_t raw_total = 0;
  for (const auto& b : batches) raw_total += b.size();
  std::printf("%zu batches, %.2f MiB raw\n", batches.size(), double(raw_total) / (1 << 20));
  std::printf("%-6s %6s %9s %12s %14s\n", "codec", "level", "stored %", "compress MB/s",
              "decompress MB/s");
  struct Setting {
    Codec codec;
    int level;
  };
  const Setting settings[] = {{Codec::Zlib, 1}, {Codec::Zlib, 3}, {Codec::Zlib, 6},
                              {Codec::Zstd, -3}, {Codec::Zstd, -1}, {Codec::Zstd, 1},
                              {Codec::Zstd, 3}, {Codec::Zstd, 6}};
  for (const auto& s : settings) {
    Compressor c(s.codec, s.level);
    std::vector<std::vector<uint8_t>> stored(batches.size());
    std::vector<bool> compressed(batches.size());
    double best_c = 1e9, best_d = 1e9;
    uint64_t stored_total = 0, packed_raw = 0;  // packed_raw: raw bytes of compressed batches
    for (int pass = 0; pass < 3; ++pass) {
      stored_total = packed_raw = 0;
      double t0 = cpu_seconds();
      for (size_t i = 0; i < batches.size(); ++i) {
        compressed[i] = c.compress(batches[i], stored[i]);
        stored_total += compressed[i] ? stored[i].size() : batches[i].size();
        if (compressed[i]) packed_raw += batches[i].size();
      }
      best_c = std::min(best_c, cpu_seconds() - t0);
      std::vector<uint8_t> out;
      t0 = cpu_seconds();
      for (size_t i = 0; i < batches.size(); ++i)
        if (compressed[i] && !decompress(s.codec, stored[i], batches[i].size(), out)) {
          std::fprintf(stderr, "%s %d: round trip failed\n", codec_name(s.codec), s.level);
          return 1;
        }
      best_d = std::min(best_d, cpu_seconds() - t0);
    }
    std::printf("%-6s %6d %8.1f%% %13.0f %15.0f\n", codec_name(s.codec), s.level,
                100.0 * double(stored_total) / double(raw_total), double(raw_total) / 1e6 / best_c,
                packed_raw ? double(packed_raw) / 1e6 / std::max(best_d, 1e-9) : 0.0);
  }
  return 0;
}
