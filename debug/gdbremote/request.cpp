#include "debug/gdbremote/request.hpp"

#include "debug/gdbremote/packet.hpp"

namespace tc::debug::gdbremote {

namespace {

using std::string_view;

template <class T>
Expected<Request> ok(T v) {
  return Request(std::move(v));
}

bool starts(string_view s, string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

Error malformed(string_view body) {
  std::string shown(body.substr(0, 40));
  return make_error(ErrorKind::Malformed, "malformed packet: " + shown);
}

// "A,B" (hex) -> {A, B}.
std::optional<std::pair<uint64_t, uint64_t>> hex_pair(string_view s) {
  size_t comma = s.find(',');
  if (comma == string_view::npos) return std::nullopt;
  auto a = parse_hex(s.substr(0, comma));
  auto b = parse_hex(s.substr(comma + 1));
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

// A thread id as LLDB sends it: hex, "-1" (all) or "0" (any), maybe "pPID.TID".
bool thread_id(string_view s) {
  if (s == "-1") return true;
  if (starts(s, "p")) {
    size_t dot = s.find('.');
    if (dot == string_view::npos) return bool(parse_hex(s.substr(1)));
    return parse_hex(s.substr(1, dot - 1)) && (s.substr(dot + 1) == "-1" || parse_hex(s.substr(dot + 1)));
  }
  return bool(parse_hex(s));
}

Expected<Request> parse_wasm_value(string_view body, string_view args, req::WasmValue::Kind kind) {
  size_t semi = args.find(';');
  if (semi == string_view::npos) return malformed(body);
  auto frame = parse_dec(args.substr(0, semi));
  auto index = parse_dec(args.substr(semi + 1));
  if (!frame || !index) return malformed(body);
  return ok(req::WasmValue{kind, *frame, *index});
}

Expected<Request> parse_query(string_view body) {
  string_view q = body.substr(1);
  size_t colon = q.find(':');
  string_view name = q.substr(0, colon);
  string_view args = colon == string_view::npos ? string_view() : q.substr(colon + 1);
  bool has_args = colon != string_view::npos;
  if (name == "Supported") {
    req::Supported s;
    while (!args.empty()) {
      size_t semi = args.find(';');
      s.features.emplace_back(args.substr(0, semi));
      args = semi == string_view::npos ? string_view() : args.substr(semi + 1);
    }
    return ok(std::move(s));
  }
  if (name == "HostInfo") return ok(req::HostInfo{});
  if (name == "ProcessInfo") return ok(req::ProcessInfo{});
  if (name == "C") return ok(req::CurrentThread{});
  if (name == "fThreadInfo") return ok(req::ThreadInfo{true});
  if (name == "sThreadInfo") return ok(req::ThreadInfo{false});
  if (name == "Attached") return ok(req::Attached{});
  if (name == "WatchpointSupportInfo") return ok(req::WatchpointInfo{});
  if (starts(name, "ThreadStopInfo")) {
    if (!parse_hex(name.substr(14))) return malformed(body);
    return ok(req::StopReason{});
  }
  if (starts(name, "RegisterInfo")) {
    auto n = parse_hex(name.substr(12));
    if (!n || *n > UINT32_MAX) return malformed(body);
    return ok(req::RegisterInfo{uint32_t(*n)});
  }
  if (name == "Xfer") {
    // qXfer:libraries:read:ANNEX:OFFSET,LENGTH (the annex is empty).
    if (!starts(args, "libraries:read:")) return ok(req::Unknown{"qXfer"});
    string_view rest = args.substr(15);
    size_t c = rest.find(':');
    if (c == string_view::npos) return malformed(body);
    auto ol = hex_pair(rest.substr(c + 1));
    if (!ol) return malformed(body);
    return ok(req::XferLibraries{ol->first, ol->second});
  }
  if (name == "MemoryRegionInfo") {
    auto a = parse_hex(args);
    if (!has_args || !a) return malformed(body);
    return ok(req::MemoryRegionInfo{*a});
  }
  if (name == "WasmCallStack") {
    if (has_args && !thread_id(args)) return malformed(body);
    return ok(req::WasmCallStack{});
  }
  using K = req::WasmValue::Kind;
  if (name == "WasmLocal") return parse_wasm_value(body, args, K::Local);
  if (name == "WasmGlobal") return parse_wasm_value(body, args, K::Global);
  if (name == "WasmStackValue") return parse_wasm_value(body, args, K::StackValue);
  return ok(req::Unknown{"q" + std::string(name)});
}

Expected<Request> parse_v(string_view body) {
  if (body == "vCont?") return ok(req::VContQuery{});
  if (body == "vKill" || starts(body, "vKill;")) return ok(req::Kill{});
  if (starts(body, "vCont;")) {
    // One thread: the first action decides (vCont;s:1;c is "step thread 1").
    string_view action = body.substr(6);
    size_t end = action.find_first_of(":;");
    string_view verb = action.substr(0, end);
    if (end != string_view::npos && action[end] == ':') {
      string_view tid = action.substr(end + 1);
      tid = tid.substr(0, tid.find(';'));
      if (!thread_id(tid)) return malformed(body);
    }
    if (verb == "c") return ok(req::Resume{false, false});
    if (verb == "s") return ok(req::Resume{true, false});
    if (verb.size() == 3 && (verb[0] == 'C' || verb[0] == 'S') && parse_hex(verb.substr(1)))
      return ok(req::Resume{verb[0] == 'S', false});  // a signal to deliver: wasm has none, it is dropped
    return malformed(body);
  }
  size_t end = body.find_first_of(";:?");
  return ok(req::Unknown{std::string(body.substr(0, end))});
}

}  // namespace

Expected<Request> parse_request(string_view body) {
  if (body.empty()) return ok(req::Unknown{""});
  switch (body[0]) {
    case '?':
      return ok(req::StopReason{});
    case 'q':
      return parse_query(body);
    case 'Q': {
      string_view name = body.substr(1, body.find(':') == string_view::npos ? string_view::npos : body.find(':') - 1);
      if (name == "StartNoAckMode") return ok(req::StartNoAckMode{});
      if (name == "EnableErrorStrings" || name == "ThreadSuffixSupported" || name == "ListThreadsInStopReply")
        return ok(req::SetOk{std::string(name)});
      return ok(req::Unknown{"Q" + std::string(name)});
    }
    case 'H':
      if (body.size() < 3 || (body[1] != 'g' && body[1] != 'c') || !thread_id(body.substr(2)))
        return malformed(body);
      return ok(req::SetOk{"H"});
    case 'g':
      if (body != "g" && !starts(body, "g;thread:")) return malformed(body);
      return ok(req::ReadRegisters{});
    case 'p': {
      string_view reg = body.substr(1, body.find(';') == string_view::npos ? string_view::npos : body.find(';') - 1);
      auto n = parse_hex(reg);
      if (!n || *n > UINT32_MAX) return malformed(body);
      return ok(req::ReadRegister{uint32_t(*n)});
    }
    case 'm': {
      auto al = hex_pair(body.substr(1));
      if (!al) return malformed(body);
      return ok(req::ReadMemory{al->first, al->second});
    }
    case 'M': {
      size_t colon = body.find(':');
      if (colon == string_view::npos) return malformed(body);
      auto al = hex_pair(body.substr(1, colon - 1));
      auto bytes = from_hex(body.substr(colon + 1));
      if (!al || !bytes || bytes->size() != al->second) return malformed(body);
      return ok(req::WriteMemory{al->first, std::move(*bytes)});
    }
    case 'Z':
    case 'z': {
      // TYPE,ADDR,KIND (conditions and commands after ';' are not supported).
      string_view rest = body.substr(1);
      size_t c1 = rest.find(',');
      if (c1 == string_view::npos) return malformed(body);
      auto type = parse_hex(rest.substr(0, c1));
      auto ak = hex_pair(rest.substr(c1 + 1));
      if (!type || *type > 4 || !ak) return malformed(body);
      return ok(req::Breakpoint{body[0] == 'Z', uint32_t(*type), ak->first, ak->second});
    }
    case 'c':
    case 's':
      // An address to resume at would rewrite history: only "c"/"s".
      if (body.size() != 1) return malformed(body);
      return ok(req::Resume{body[0] == 's', false});
    case 'b':
      if (body == "bc") return ok(req::Resume{false, true});
      if (body == "bs") return ok(req::Resume{true, true});
      return ok(req::Unknown{std::string(body.substr(0, 2))});
    case 'v':
      return parse_v(body);
    case 'k':
      return ok(req::Kill{});
    case 'D':
      return ok(req::Detach{});
    default:
      return ok(req::Unknown{std::string(body.substr(0, 1))});
  }
}

}  // namespace tc::debug::gdbremote
