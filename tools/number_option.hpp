// Range-checked numbers and addresses from the command line. Options are
// taken as text and checked here, because boost::program_options with an
// unsigned type silently wraps "-1". Errors are usage messages naming the
// option, e.g. "--max-call-depth: \"-1\" is not a number from 1 to 16777216".
#pragma once
#include <cstdint>
#include <string>

#include "interp/error.hpp"

namespace tc::cli {

// The engine keeps at most this many frames (interp/exec/store.cpp).
constexpr uint64_t kMaxCallDepth = 1u << 24;
// Records per log batch, the same bound as the config's log.batch-size.
constexpr uint64_t kMaxBatchRecords = 1000000;

// A decimal integer in [min, max] (digits only: no sign, no spaces).
Expected<uint64_t> parse_number_option(const std::string& option, const std::string& text,
                                       uint64_t min, uint64_t max);
// A length of time, "90s", "30m", "2h", "7d", "2w" (or a sum: "1h30m"), in
// nanoseconds: for --since and --older-than.
Expected<int64_t> parse_age_option(const std::string& option, const std::string& text);
// A time since the start of a run, in nanoseconds: a decimal number of
// seconds with an optional unit, "1.5s", "250ms", "800us", "20ns", "2".
// For `trace --since/--until`.
Expected<uint64_t> parse_offset_option(const std::string& option, const std::string& text);
// --listen ADDR:PORT: a colon and a decimal port 0..65535 (the address is
// checked when the socket is opened).
Expected<void> check_listen_option(const std::string& spec);

}  // namespace tc::cli
