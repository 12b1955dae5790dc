// timecraft trace network ID: the sockets of a recorded run and what
// happened on them (trace/net_activity.hpp); timecraft trace request ID:
// the HTTP/1.x exchanges in their bytes (trace/http_exchange.hpp). Both
// read the whole log first: a connection's exchanges need all its bytes.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "tools/record_format.hpp"
#include "trace/http_exchange.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

namespace po = boost::program_options;
using ojson = nlohmann::ordered_json;

int cmd_trace_network(const Args& args);
int cmd_trace_request(const Args& args);

const Option kNetOutputOption = {"output,o", Option::Value, "FORMAT", "text, json, jsonl or yaml",
                                 "text"};

const CommandSpec& trace_network_command() {
  static const CommandSpec spec = {
      "trace network", "the sockets of a recorded run and what happened on them",
      "trace network [-o F] ID",
      "Prints what the run did on its sockets, one event a line: ACCEPT (a\n"
      "connection accepted: the new socket's fd), CONN (sock_connect), LISTEN,\n"
      "RECV and SEND (bytes moved, by sock_recv/sock_send or fd_read/fd_write on\n"
      "the socket; RECV 0 is the end of the peer's stream), SHUT (sock_shutdown:\n"
      "RD, WR), CLOSE, each with its record, the time since the start (s), the\n"
      "socket's local and peer addresses (\"?\" when the log does not hold them:\n"
      "preview1's sock_accept does not say who connected) and the result (OK or\n"
      "the errno; EAGAIN is left out). Then a table of the sockets: how each came\n"
      "(listen, accept, connect), when it opened and closed, bytes each way and\n"
      "failed calls. A run without sockets prints both tables empty.\n"
      "\n"
      "JSON and YAML: {\"process\", \"events\": [...], \"sockets\": [...]}, numbers as\n"
      "numbers, an unknown address null; -o jsonl: one event object a line.\n",
      {kNetOutputOption, kRegistryOption},
      {{"id"}},
      "Examples:\n"
      "  timecraft trace network 3f2a\n"
      "  timecraft trace network -o json 3f2a\n"
      "\n"
      "Exit status: 0; 1 if the process is unknown or its log cannot be read or\n"
      "ends early (what could be read is printed, and a warning says where it\n"
      "tore); 2 on a usage error.\n",
      cmd_trace_network};
  return spec;
}

const CommandSpec& trace_request_command() {
  static const CommandSpec spec = {
      "trace request", "the HTTP/1.x exchanges of a recorded run",
      "trace request [-v] [-o F] ID",
      "Decodes HTTP/1.x from the bytes the run received and sent on each socket\n"
      "(the log holds them all), one exchange a line: the record and time (s) of\n"
      "the request's first byte, the socket, method, target, status, the bodies'\n"
      "sizes (chunked bodies decoded) and the duration from the request's first\n"
      "byte to the response's last. Keep-alive and pipelined connections give\n"
      "several lines; an exchange the log ends in is marked (request incomplete,\n"
      "no response, response incomplete). -v prints the start lines and headers\n"
      "under each exchange (\"> \" request, \"< \" response).\n"
      "\n"
      "JSON and YAML: a list of {\"record\", \"time_ns\", \"fd\", \"local\", \"peer\",\n"
      "\"duration_ns\", \"request\", \"response\" (null when none)}, each message with\n"
      "its start line, \"headers\" ([{\"name\", \"value\"}] as sent), \"head_size\",\n"
      "\"body_size\", \"chunked\", \"complete\" and \"body\" ({\"text\"} or {\"base64\"});\n"
      "-o jsonl: one exchange a line.\n",
      {kNetOutputOption,
       {"verbose,v", Option::Flag, "", "text: print each exchange's start lines and headers"},
       kRegistryOption},
      {{"id"}},
      "Examples:\n"
      "  timecraft trace request 3f2a\n"
      "  timecraft trace request -v 3f2a\n"
      "\n"
      "Exit status: 0; 1 if the process is unknown or its log cannot be read or\n"
      "ends early (what could be read is printed, and a warning says where it\n"
      "tore); 2 on a usage error.\n",
      cmd_trace_request};
  return spec;
}

namespace {

enum class Format { Text, Json, Jsonl, Yaml };

bool parse_format(const std::string& o, Format& f) {
  if (o == "text") f = Format::Text;
  else if (o == "json") f = Format::Json;
  else if (o == "jsonl") f = Format::Jsonl;
  else if (o == "yaml") f = Format::Yaml;
  else return false;
  return true;
}

struct Loaded {
  std::string id, module;
  uint64_t records = 0;
  std::optional<std::string> torn;  // the log ended early: what was read is here
  trace::NetActivity act;
};

// Reads the process's log through the socket tracker. Errors are one line.
Expected<Loaded> load(const po::variables_map& vm) {
  auto reg = open_registry(vm["registry"].as<std::string>());
  if (!reg) return std::move(reg.error());
  auto id = reg->resolve(registry::ObjectKind::Process, vm["id"].as<std::string>());
  if (!id) return std::move(id.error());
  auto log = trace::LogReader::open(reg->log_dir(*id));
  if (!log) return std::move(log.error());
  Loaded out;
  out.id = *id;
  trace::NetTracker t;
  if (auto meta = reg->load_process_meta(*id)) {
    out.module = meta->module_name;
    uint32_t fd = 3 + uint32_t(meta->dirs.size());  // run --listen: after the --dir preopens
    for (const auto& l : meta->listen) t.add_listener(fd++, l);
  }
  trace::Record r;
  while (log->next(r)) {
    ++out.records;
    auto c = trace::decode_record(r);
    if (!c) return std::move(c.error());
    t.feed(*c);
  }
  out.torn = log->torn_tail();
  out.act = t.take();
  return out;
}

std::string seconds(uint64_t ns) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", double(ns) / 1e9);
  return b;
}

std::string or_unknown(const std::string& s) { return s.empty() ? "?" : s; }
ojson or_null(const std::string& s) { return s.empty() ? ojson(nullptr) : ojson(s); }

std::string how_text(uint64_t how) {
  if ((how & 3) == 3) return "RD|WR";
  return how & 1 ? "RD" : how & 2 ? "WR" : "0";
}

const char* role(const trace::NetSocket& s) {
  return s.accepted ? "accept" : s.connected ? "connect" : s.listener ? "listen" : "socket";
}

ojson event_json(const trace::NetEvent& e, const trace::NetSocket& s) {
  ojson j = {{"record", e.record}, {"time_ns", e.time_ns}, {"event", trace::net_event_name(e.kind)},
             {"fd", e.fd}, {"call", e.call}, {"local", or_null(s.local)}, {"peer", or_null(s.peer)},
             {"errno", wasi::errno_name(e.error)}};
  if (e.kind == trace::NetEventKind::Recv || e.kind == trace::NetEventKind::Send) j["size"] = e.size;
  if (e.kind == trace::NetEventKind::Shutdown) j["how"] = how_text(e.how);
  return j;
}

ojson socket_json(const trace::NetSocket& s) {
  ojson j = {{"fd", s.fd}, {"role", role(s)}, {"local", or_null(s.local)}, {"peer", or_null(s.peer)},
             {"opened_ns", s.first_ns}, {"closed_ns", nullptr},
             {"bytes_received", s.bytes_received}, {"bytes_sent", s.bytes_sent},
             {"recvs", s.recvs}, {"sends", s.sends}, {"errors", s.errors}};
  if (s.closed_ns) j["closed_ns"] = *s.closed_ns;
  if (s.listener_fd) j["listener_fd"] = *s.listener_fd;
  return j;
}

void print_json(Format f, const ojson& whole, const ojson& lines) {
  if (f == Format::Json) std::cout << whole.dump(2, ' ', false, ojson::error_handler_t::replace) << "\n";
  else if (f == Format::Yaml) std::cout << to_yaml(whole);
  else
    for (const auto& l : lines) std::cout << l.dump(-1, ' ', false, ojson::error_handler_t::replace) << "\n";
}

std::string header_line(const Loaded& l, size_t n, const char* what) {
  std::string s = "process " + l.id + " (" + (l.module.empty() ? "metadata unreadable" : l.module) +
                  "), " + std::to_string(l.records) + " records, " + std::to_string(n) + " " + what;
  return l.torn ? s + ", torn tail: " + *l.torn : s;
}

// As `trace`: a torn log prints what could be read, then warns and fails.
int done(const Loaded& l) {
  std::cout.flush();
  if (!l.torn) return kExitOk;
  std::cerr << "timecraft: warning: the log ends early: " << *l.torn << "\n";
  return kExitError;
}

}  // namespace

int cmd_trace_network(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(trace_network_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("trace network", "no process id given");
  Format fmt;
  if (!parse_format(vm["output"].as<std::string>(), fmt))
    return usage_error("trace network", "-o must be text, json, jsonl or yaml");
  auto l = load(vm);
  if (!l) return fail(kExitError, l.error().message);
  const auto& act = l->act;

  if (fmt != Format::Text) {
    ojson events = ojson::array(), sockets = ojson::array();
    for (const auto& e : act.events) events.push_back(event_json(e, act.sockets[e.socket]));
    for (const auto& s : act.sockets) sockets.push_back(socket_json(s));
    print_json(fmt, {{"process", l->id}, {"events", events}, {"sockets", sockets}}, events);
    return done(*l);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : act.events) {
    const auto& s = act.sockets[e.socket];
    std::string what = trace::net_event_name(e.kind);
    if (e.kind == trace::NetEventKind::Shutdown) what += " " + how_text(e.how);
    bool moved = e.kind == trace::NetEventKind::Recv || e.kind == trace::NetEventKind::Send;
    rows.push_back({std::to_string(e.record), seconds(e.time_ns), std::to_string(e.fd), what,
                    or_unknown(s.local), or_unknown(s.peer),
                    moved && e.error == wasi::Errno::Success ? std::to_string(e.size) : "-",
                    e.error == wasi::Errno::Success ? "OK" : wasi::errno_name(e.error)});
  }
  std::cout << header_line(*l, act.sockets.size(), act.sockets.size() == 1 ? "socket" : "sockets")
            << "\n"
            << format_table({"RECORD", "SECONDS", "FD", "EVENT", "LOCAL", "PEER", "BYTES", "RESULT"},
                            rows);
  rows.clear();
  for (const auto& s : act.sockets)
    rows.push_back({std::to_string(s.fd), role(s), or_unknown(s.local), or_unknown(s.peer),
                    seconds(s.first_ns), s.closed_ns ? seconds(*s.closed_ns) : "-",
                    std::to_string(s.bytes_received), std::to_string(s.bytes_sent),
                    std::to_string(s.errors)});
  std::cout << "\n"
            << format_table({"FD", "ROLE", "LOCAL", "PEER", "OPENED", "CLOSED", "RECEIVED", "SENT",
                             "ERRORS"},
                            rows);
  return done(*l);
}

namespace {

ojson message_json(const trace::HttpMessage& m, bool request) {
  ojson j = ojson::object();
  if (request) {
    j["method"] = m.method;
    j["target"] = m.target;
  } else {
    j["status"] = m.status;
    j["reason"] = m.reason;
  }
  j["version"] = m.version;
  ojson h = ojson::array();
  for (const auto& [k, v] : m.headers) h.push_back({{"name", k}, {"value", v}});
  j["headers"] = h;
  j["head_size"] = m.head_size;
  j["body_size"] = m.body_size;
  j["chunked"] = m.chunked;
  j["complete"] = m.complete;
  j["record"] = m.first_record;
  j["time_ns"] = m.first_ns;
  j["body"] = bytes_json(m.body);
  return j;
}

std::string status_text(const trace::HttpExchange& x) {
  if (!x.request.complete) return "(request incomplete)";
  if (!x.response) return "(no response)";
  std::string s = std::to_string(x.response->status) + " " + x.response->reason;
  return x.response->complete ? s : s + " (incomplete)";
}

std::string head_lines(const trace::HttpMessage& m, bool request) {
  std::string mark = request ? "    > " : "    < ", out;
  out += mark + (request ? m.method + " " + m.target + " " + m.version
                         : m.version + " " + std::to_string(m.status) + " " + m.reason) + "\n";
  for (const auto& [k, v] : m.headers) out += mark + k + ": " + v + "\n";
  return out;
}

}  // namespace

int cmd_trace_request(const Args& args) {
  po::variables_map vm;
  if (auto stop = parse_options(trace_request_command(), args, vm)) return *stop;
  if (!vm.count("id")) return usage_error("trace request", "no process id given");
  Format fmt;
  if (!parse_format(vm["output"].as<std::string>(), fmt))
    return usage_error("trace request", "-o must be text, json, jsonl or yaml");
  const bool verbose = vm.count("verbose");
  if (verbose && fmt != Format::Text)
    return usage_error("trace request", "-v is for text: JSON and YAML always have the headers");
  auto l = load(vm);
  if (!l) return fail(kExitError, l.error().message);
  auto xs = trace::http_exchanges(l->act);

  if (fmt != Format::Text) {
    ojson all = ojson::array();
    for (const auto& x : xs) {
      const auto& s = l->act.sockets[x.socket];
      all.push_back({{"record", x.request.first_record}, {"time_ns", x.request.first_ns},
                     {"fd", s.fd}, {"local", or_null(s.local)}, {"peer", or_null(s.peer)},
                     {"duration_ns", x.duration_ns()},
                     {"request", message_json(x.request, true)},
                     {"response", x.response ? message_json(*x.response, false) : ojson(nullptr)}});
    }
    print_json(fmt, all, all);
    return done(*l);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : xs) {
    const auto& s = l->act.sockets[x.socket];
    rows.push_back({std::to_string(x.request.first_record), seconds(x.request.first_ns),
                    std::to_string(s.fd), x.request.method, x.request.target, status_text(x),
                    std::to_string(x.request.body_size),
                    x.response ? std::to_string(x.response->body_size) : "-",
                    x.response ? human_duration(x.duration_ns()) : "-"});
  }
  std::string table = format_table(
      {"RECORD", "SECONDS", "FD", "METHOD", "TARGET", "STATUS", "REQ BODY", "RESP BODY", "DURATION"},
      rows);
  std::cout << header_line(*l, xs.size(), xs.size() == 1 ? "exchange" : "exchanges") << "\n";
  if (!verbose) {
    std::cout << table;
    return done(*l);
  }
  std::istringstream lines(table);
  std::string line;
  std::getline(lines, line);
  std::cout << line << "\n";
  for (const auto& x : xs) {
    std::getline(lines, line);
    std::cout << line << "\n" << head_lines(x.request, true);
    if (x.response) std::cout << head_lines(*x.response, false);
  }
  return done(*l);
}

}  // namespace tc::cli
