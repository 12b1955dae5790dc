// timecraft trace ID: every recorded host call, decoded, one per line.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/record_format.hpp"
#include "trace/call_text.hpp"
#include "trace/decode.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using ojson = nlohmann::ordered_json;

int cmd_trace(const Args& args);

const CommandSpec& trace_command() {
  static const CommandSpec spec = {
      "trace", "print every recorded host call",
      "trace [-o text|json|yaml] ID",
      "Prints every recorded host call: record index, time since the start (s),\n"
      "the call with its inputs, the errno, then, if it is ESUCCESS, its outputs\n"
      "and the bytes it wrote into guest memory (\"returned\" in JSON and YAML).\n"
      "Enums and flags are named as WASI names them (oflags=CREAT|TRUNC,\n"
      "whence=SET, filetype=REGULAR_FILE; unknown bits in hex). JSON and YAML\n"
      "are typed: numbers as numbers, enums as names, flag sets as lists of\n"
      "names, bytes whole: {\"text\": \"...\"} when valid UTF-8, else\n"
      "{\"base64\": \"...\"}.\n",
      {kOutputOption, kRegistryOption},
      {{"id"}},
      "",
      cmd_trace};
  return spec;
}

int cmd_trace(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(trace_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("trace", "no process id given");
  OutputFormat fmt;
  if (!parse_output_format(vm["output"].as<std::string>(), fmt))
    return usage_error("trace", "-o must be text, json or yaml");
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return fail(kExitError, reg.error().to_string());
  auto id = reg->resolve(registry::ObjectKind::Process, vm["id"].as<std::string>());
  if (!id) return fail(kExitError, id.error().message);
  auto log = trace::LogReader::open(reg->log_dir(*id));
  if (!log) return fail(kExitError, log.error().message);

  trace::Record r;
  ojson all = ojson::array();
  while (log->next(r)) {
    auto c = trace::decode_record(r);
    if (!c) {
      std::cout.flush();
      return fail(kExitError, c.error().message);
    }
    if (fmt == OutputFormat::Text) std::cout << trace::record_text(*c);
    else all.push_back(trace_json(*c));
  }
  if (fmt == OutputFormat::Json) std::cout << all.dump(2) << "\n";
  else if (fmt == OutputFormat::Yaml) std::cout << to_yaml(all);
  if (log->torn_tail()) {
    std::cout.flush();
    std::cerr << "timecraft: warning: the log ends early: " << *log->torn_tail() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace tc::cli
