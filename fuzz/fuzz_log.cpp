// Fuzz target: the log reader, the record decoder and the output rebuild
// (what `timecraft describe`, `trace` and `logs` do with a log). The input
// is a log file: one segment, or segments back to back as `timecraft
// export log` writes them. Each input is read twice: as it is (checksums
// catch most mutations) and with every batch checksum recomputed, so that
// mutations reach the batch and record decoding behind them.
#include <cstdint>
#include <vector>

#include "fuzz/fuzz_log_files.hpp"
#include "trace/decode.hpp"
#include "trace/log_reader.hpp"
#include "trace/output.hpp"

using namespace tc;

namespace {

void read_log(const std::vector<std::vector<uint8_t>>& segments) {
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_segments(dir, segments);
  {
    auto log = trace::LogReader::open(dir);
    if (!log) return;
    (void)log->stats();
    trace::Record r;
    while (log->next(r)) {
      auto call = trace::decode_record(r);
      if (call) (void)call->to_string();
    }
    (void)log->torn_tail();
  }
  auto log = trace::LogReader::open(dir);
  if (!log) return;
  (void)trace::rebuild_output(*log);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto segments = fuzz::split_segments({data, size});
  read_log(segments);
  bool changed = false;
  for (auto& s : segments) changed |= fuzz::fix_checksums(s);
  if (changed) read_log(segments);
  return 0;
}
