// timecraft trace ID: every recorded host call, decoded, one per line (or
// one JSON/YAML object per record), optionally filtered. Streams: a record
// is printed as it is read, never the whole log held.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/record_format.hpp"
#include "tools/trace_filter.hpp"
#include "trace/call_text.hpp"
#include "trace/decode.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using ojson = nlohmann::ordered_json;

int cmd_trace(const Args& args);
int cmd_trace_network(const Args& args);  // tools/cmd_trace_net.cpp
int cmd_trace_request(const Args& args);

const CommandSpec& trace_command() {
  static const CommandSpec spec = {
      "trace", "print every recorded host call",
      "trace [-v] [-x] [--call NAMES] [--fd N] [--records A..B] [--since T] [--until T] [--injected] [-o F] ID\n"
      "trace network [-o F] ID      (sockets: timecraft help trace network)\n"
      "trace request [-v] [-o F] ID (HTTP/1.x: timecraft help trace request)",
      "Prints every recorded host call: record index, time since the start (s),\n"
      "the call with its inputs, the errno, then, if it is ESUCCESS, its outputs\n"
      "and the bytes it wrote into guest memory (\"<- ...\"; \"returned\" in JSON\n"
      "and YAML), and \"(injected)\" when fault injection (`run --chaotic`) made the\n"
      "result up. Enums and flags are named as WASI names them (oflags=CREAT|TRUNC,\n"
      "whence=SET, filetype=REGULAR_FILE; unknown bits in hex), poll_oneoff's\n"
      "subscriptions and events decoded. Text starts with a header line (the\n"
      "process, its module, the log's record count and a torn tail if any) and\n"
      "the column names. Long byte strings are cut (\"...\") unless -v.\n"
      "\n"
      "JSON (-o json: an array; -o jsonl: one object a line) and YAML (a list)\n"
      "have one object per record: {\"index\", \"time_ns\", \"call\", \"inputs\",\n"
      "\"errno\", \"outputs\", \"returned\"}, plus \"injected\": true for an injected\n"
      "result; numbers as numbers, enums as names, flag sets as lists of names,\n"
      "and bytes whole: {\"text\": \"...\"} when they are valid UTF-8, else\n"
      "{\"base64\": \"...\"}.\n",
      {
          {"output,o", Option::Value, "FORMAT", "text, json, jsonl or yaml", "text"},
          {"call", Option::List, "NAMES",
           "only these calls (comma-separated, e.g.\nfd_read,fd_write; repeatable)"},
          {"fd", Option::Value, "N", "only calls with N as an fd input (fd, old_fd,\nnew_fd, to)"},
          {"records", Option::Value, "A..B", "only records A to B, inclusive (also A.. and ..B)"},
          {"since", Option::Value, "TIME",
           "only records at or after TIME since the start:\n1.5s, 250ms, 800us, 20ns (seconds without a unit)"},
          {"until", Option::Value, "TIME", "only records before TIME since the start"},
          {"injected", Option::Flag, "", "only the results fault injection made up\n(`run --chaotic`)"},
          {"verbose,v", Option::Flag, "",
           "text: print bytes whole, and what a record's text\nleaves out (inodes, inherited rights)"},
          {"hexdump,x", Option::Flag, "",
           "text: show the bytes written and returned as a\nhexdump (offset, hex, ASCII) under the record"},
          kRegistryOption,
      },
      {{"id"}},
      "Examples:\n"
      "  timecraft trace --call path_open,fd_write 3f2a\n"
      "  timecraft trace --fd 1 -x 3f2a\n"
      "  timecraft trace --records 100..200 -o jsonl 3f2a\n"
      "  timecraft trace --since 1.5s --until 3s 3f2a\n"
      "\n"
      "Exit status: 0; 1 if the log cannot be read or ends early (what could be\n"
      "read is printed, and a warning says where it tore); 2 on a usage error.\n",
      cmd_trace};
  return spec;
}

namespace {

enum class Format { Text, Json, Jsonl, Yaml };

// Prints records one at a time in the chosen format.
class Printer {
 public:
  Printer(Format f, trace::TextStyle style) : fmt_(f), style_(style) {}
  void header(const std::string& line) {
    if (fmt_ == Format::Text) std::cout << line << "\n" << trace::record_columns() << "\n";
  }
  void record(const trace::DecodedCall& c) {
    switch (fmt_) {
      case Format::Text: std::cout << trace::record_text(c, style_); break;
      case Format::Jsonl: std::cout << trace_json(c).dump() << "\n"; break;
      case Format::Json: {  // an array, one element at a time, as dump(2) prints it
        std::string e = trace_json(c).dump(2), indented = "  ";
        for (char ch : e) indented += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
        std::cout << (count_ ? ",\n" : "[\n") << indented;
        break;
      }
      case Format::Yaml: std::cout << to_yaml(ojson::array({trace_json(c)})); break;
    }
    ++count_;
  }
  void end() {
    if (fmt_ == Format::Json) std::cout << (count_ ? "\n]\n" : "[]\n");
    if (fmt_ == Format::Yaml && !count_) std::cout << "[]\n";
    std::cout.flush();
  }

 private:
  Format fmt_;
  trace::TextStyle style_;
  uint64_t count_ = 0;
};

std::string header_line(const registry::Registry& reg, const std::string& id,
                        const trace::LogReader& log) {
  auto meta = reg.load_process_meta(id);
  uint64_t n = log.stats().records;
  std::string s = "process " + id + " (" + (meta ? meta->module_name : "metadata unreadable") +
                  "), " + std::to_string(n) + (n == 1 ? " record" : " records");
  if (log.torn_tail()) s += ", torn tail: " + *log.torn_tail();
  return s;
}

}  // namespace

int cmd_trace(const Args& args) {
  if (!args.empty() && args[0] == "network") return cmd_trace_network({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "request") return cmd_trace_request({args.begin() + 1, args.end()});
  po::variables_map vm;
  if (auto stop = parse_options(trace_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("trace", "no process id given");
  const std::string& o = vm["output"].as<std::string>();
  Format fmt;
  if (o == "text") fmt = Format::Text;
  else if (o == "json") fmt = Format::Json;
  else if (o == "jsonl") fmt = Format::Jsonl;
  else if (o == "yaml") fmt = Format::Yaml;
  else return usage_error("trace", "-o must be text, json, jsonl or yaml");
  const bool verbose = vm.count("verbose"), hex = vm.count("hexdump");
  if ((verbose || hex) && fmt != Format::Text)
    return usage_error("trace", "-v and -x are for text: JSON and YAML are always whole");
  auto filter = parse_trace_filter(vm);
  if (!filter) return usage_error("trace", filter.error().message);
  trace::TextStyle style = verbose ? trace::TextStyle::whole() : trace::TextStyle{};
  style.hexdump = hex;

  // A process only the remote registry has is pulled first.
  auto opened = open_process(vm["registry"].as<std::string>(), vm["id"].as<std::string>());
  if (!opened) return fail(kExitError, opened.error().message);
  auto reg = &opened->first;
  auto id = &opened->second;
  auto log = trace::LogReader::open(reg->log_segments(*id));
  if (!log) return fail(kExitError, log.error().message);

  Printer out(fmt, style);
  out.header(header_line(*reg, *id, *log));
  trace::Record r;
  while (log->next(r)) {
    if (filter->wants(r)) {
      auto c = trace::decode_record(r);
      if (!c) {
        out.end();
        return fail(kExitError, c.error().message);
      }
      if (filter->wants(*c)) out.record(*c);
    }
    if (filter->past(r)) break;
  }
  out.end();
  if (log->torn_tail()) {
    std::cerr << "timecraft: warning: the log ends early: " << *log->torn_tail() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace tc::cli
