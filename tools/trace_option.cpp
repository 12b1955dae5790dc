#include "tools/trace_option.hpp"

#include <iostream>

namespace tc::cli {

const Option kTraceOption = {"trace,T", Option::Flag, "",
                             "print each host call to stderr as it returns, as\n"
                             "`timecraft trace` prints its record"};
const Option kTraceFileOption = {"trace-file", Option::Value, "FILE",
                                 "print that trace to FILE instead (created or\n"
                                 "truncated; implies -T)"};

Expected<std::unique_ptr<trace::LiveTrace>> open_live_trace(
    const boost::program_options::variables_map& vm) {
  if (vm.count("trace-file")) return trace::LiveTrace::open(vm["trace-file"].as<std::string>());
  if (vm.count("trace")) return trace::LiveTrace::open("");
  return std::unique_ptr<trace::LiveTrace>();
}

void warn_if_trace_failed(const trace::LiveTrace* live) {
  if (live && live->error())
    std::cerr << "timecraft: warning: the trace stopped: " << live->error()->message << "\n";
}

}  // namespace tc::cli
