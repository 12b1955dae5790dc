// The on-disk log: segment files of compressed record batches.
//
//   segment  = SegmentHeader batch*
//   batch    = BatchHeader stored-bytes (zstd, zlib or raw, `stored_size` bytes)
//   records  = record* (after decompression; `count` of them)
//   record   = varint(timestamp delta ns) varint(call id | flags << 32) varint(len) payload
//
// All integers little-endian. The batch header carries its own CRC32-C and
// the CRC32-C of the stored bytes, so a torn or corrupted tail (crash,
// kill -9, full disk) is detected and everything before it stays readable.
// Versioned: readers reject a newer major version with a clear error.
// Version 2 added the record flags (above the call id's 32 bits; version 1
// has none, and is still read). Version 3 added the zstd codec (new logs'
// default; a version 2 reader would take a zstd batch for corruption).
// Version 4 stores clock_time_get results as deltas (trace/clock_delta.hpp).
#pragma once
#include <cstdint>

namespace tc::trace {

constexpr char kSegmentMagic[8] = {'T', 'C', 'R', 'F', 'T', 'L', 'O', 'G'};
constexpr uint32_t kFormatVersion = 4;

// Record flags.
constexpr uint32_t kRecordInjected = 1;  // the result was made up by `run --chaotic`
constexpr uint32_t kRecordFlagsKnown = kRecordInjected;
constexpr uint32_t kBatchMagic = 0x48435442;  // "BTCH"

enum class Codec : uint8_t { None = 0, Zlib = 1, Zstd = 2 };
constexpr uint8_t kLastCodec = uint8_t(Codec::Zstd);

// 32 bytes.
struct SegmentHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;     // sizeof(SegmentHeader); room for compatible growth
  uint32_t segment_index;   // 0, 1, 2 ... within one log
  uint32_t reserved;
  uint64_t first_record;    // index of the first record in this segment
};
static_assert(sizeof(SegmentHeader) == 32);

// 56 bytes.
struct BatchHeader {
  uint32_t magic;
  uint32_t count;            // records in the batch
  uint64_t first_record;     // index of the first record (log-wide)
  uint64_t first_time;       // ns since process start
  uint64_t last_time;
  uint32_t raw_size;         // bytes of records before compression
  uint32_t stored_size;      // bytes that follow this header
  uint8_t codec;             // Codec
  uint8_t reserved[3];
  uint32_t data_crc;         // CRC32-C of the stored bytes
  uint32_t header_crc;       // CRC32-C of this header up to header_crc
  uint32_t reserved2;
};
static_assert(sizeof(BatchHeader) == 56);

}  // namespace tc::trace
