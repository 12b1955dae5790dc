// -T/--trace and --trace-file FILE, shared by `run` and `replay`: each
// host call printed as it returns (trace/live_trace.hpp).
#pragma once
#include <boost/program_options.hpp>
#include <memory>

#include "interp/error.hpp"
#include "tools/options.hpp"
#include "trace/live_trace.hpp"

namespace tc::cli {

extern const Option kTraceOption;      // -T, --trace
extern const Option kTraceFileOption;  // --trace-file FILE (implies -T)

// The live trace the options ask for; null when they ask for none.
Expected<std::unique_ptr<trace::LiveTrace>> open_live_trace(
    const boost::program_options::variables_map& vm);
// A warning on stderr if writing the trace failed (the run went on).
void warn_if_trace_failed(const trace::LiveTrace* live);

}  // namespace tc::cli
