// Helpers shared by the log fuzzers: turn a fuzz input into a log directory
// that trace::LogReader can open. The directory is per process, in /dev/shm
// when it exists (no disk I/O per input), and reused for every input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tc::fuzz {

// A fresh temporary directory for this process (removed at exit).
const std::string& scratch_dir();

// Splits a log file into its segments: before every occurrence of the
// segment magic ("TCRFTLOG") after the start, so that a `timecraft export
// log` file (segments back to back) is a multi-segment log.
std::vector<std::vector<uint8_t>> split_segments(std::span<const uint8_t> bytes);

// Writes the segment files log.000000, ... into `dir`, removing segment
// files left over from a previous input.
void write_segments(const std::string& dir, const std::vector<std::vector<uint8_t>>& segments);

// Recomputes the header and data CRC32-C of every batch whose header is
// where the previous batch says, so that mutations reach the code behind
// the checksums. Returns true if anything changed.
bool fix_checksums(std::vector<uint8_t>& segment);

// A one-segment log holding `records` (raw record bytes: varint time
// delta, varint call id, varint length, payload) as uncompressed batches
// of at most `per_batch` records; bytes after the last whole record go
// into a final batch as trailing garbage.
std::vector<uint8_t> segment_from_records(std::span<const uint8_t> records, uint32_t per_batch);

}  // namespace tc::fuzz
