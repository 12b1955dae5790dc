// Compares two recorded runs host call by host call (`timecraft diff`).
// Two records are the same when they are the same call with the same
// payload: its inputs (arguments, bytes the guest wrote), errno, results
// and the bytes the call returned into guest memory. The record's time is
// not compared: it always differs. The logs are read in lockstep, so only
// the last few common records are kept, never a whole log.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trace/log_reader.hpp"

namespace tc::trace {

// A record copied out of its reader (Record's payload lives only until the
// reader's next()).
struct OwnedRecord {
  uint64_t index = 0;
  uint64_t time_ns = 0;
  uint32_t call_id = 0;
  std::vector<uint8_t> payload;

  Record view() const { return {index, time_ns, call_id, payload}; }
};

struct Difference {
  // What differs first, in the order a record is laid out:
  //   "call"            different calls
  //   "inputs.NAME"     an input (an argument, or bytes the guest passed)
  //   "errno"
  //   "outputs.NAME"    a result
  //   "returned"        the bytes the call wrote into guest memory
  //   "payload"         a record that does not decode (detail says why)
  //   "end"             one log ends here, the other goes on
  std::string field;
  // One line: "bytes returned differ at offset 0: 0x02 vs 0x03".
  std::string detail;
  std::optional<uint64_t> offset;  // the first differing byte, for bytes
  // The two records; one is absent when its log ended ("end").
  std::optional<OwnedRecord> a, b;
};

struct LogDiff {
  uint64_t common = 0;  // leading records that are the same in both logs
  // The last (up to DiffOptions::context) common records before the first
  // difference, oldest first, as a has them; time_b: b's time of the same
  // record. Empty when the logs are the same.
  std::vector<std::pair<OwnedRecord, uint64_t>> context;
  std::optional<Difference> first;  // nullopt: the logs are the same
  uint64_t records_a = 0, records_b = 0;
  // Call name -> how many records of it each log has.
  std::map<std::string, std::pair<uint64_t, uint64_t>> calls;
  // Where a log ended early (LogReader::torn_tail); all counts then cover
  // only the readable part.
  std::optional<std::string> torn_a, torn_b;

  // Whether `first` is certain: it is unless it is the end of a log that
  // tore (the lost records might have matched).
  bool decided() const;
};

struct DiffOptions {
  size_t context = 3;
};

// Reads both logs to their ends. Cannot fail: an undecodable record is
// compared by its bytes, a torn log ends where it tore.
LogDiff diff_logs(LogReader& a, LogReader& b, const DiffOptions& opts = {});

// Why two records differ; nullopt when they are the same.
std::optional<Difference> compare_records(const OwnedRecord& a, const OwnedRecord& b);

// "fd_write", or "call 999" for an id no WASI call has.
std::string call_name(uint32_t call_id);

}  // namespace tc::trace
