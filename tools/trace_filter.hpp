// Which records `timecraft trace` prints: --call, --fd, --records, --since,
// --until and --injected, all of which a record must pass.
#pragma once
#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <set>

#include "interp/error.hpp"
#include "trace/decode.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

struct TraceFilter {
  std::set<uint32_t> calls;         // call ids; empty: every call
  std::optional<uint64_t> fd;       // an input of kind Fd (fd, old_fd, new_fd, to) is this
  uint64_t first = 0, last = UINT64_MAX;  // record indexes, inclusive
  uint64_t since_ns = 0;            // times since the start of the run: since <= t < until
  std::optional<uint64_t> until_ns;
  bool injected = false;            // only the results fault injection made up

  // What the record's header decides (index, time, call), before decoding.
  bool wants(const trace::Record& r) const;
  bool wants(const trace::DecodedCall& c) const;  // the fd
  // No record after `r` can pass (records come in index and time order).
  bool past(const trace::Record& r) const;
};

// The filter from the options; errors are usage messages ("--call
// fd_wirte: no such call; did you mean \"fd_write\"?").
Expected<TraceFilter> parse_trace_filter(const boost::program_options::variables_map& vm);

}  // namespace tc::cli
