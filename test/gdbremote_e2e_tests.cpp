// `timecraft debug --listen`: the GDB remote protocol server on a recording
// of test/debug/buggy.c, driven by raw packets over a socket; its answers
// are compared with what `timecraft debug --batch` says at the same
// position (breakpoint addresses, $localN/$globalN, x).
#define BOOST_TEST_MODULE gdbremote_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/gdbremote_server.hpp"

using namespace tc::test;

namespace {

struct Fixture : BuggyRecording {
  // `timecraft debug --batch` with these commands: its output.
  std::string tcdb(const std::string& commands) {
    fs::path script = write("s.tcdb", commands);
    auto r = tc({"debug", "--batch", "-x", script.string(), id}, 120);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
    return r.out;
  }
  // The session with no-ack mode on.
  void start(Server& s) {
    s.connect();
    BOOST_TEST(s.ask("QStartNoAckMode") == "+");
    BOOST_TEST(s.next() == "OK");
  }
};

uint64_t le_value(const std::string& hex) {
  uint64_t v = 0;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) v |= uint64_t(std::stoul(hex.substr(i, 2), nullptr, 16)) << (4 * i);
  return v;
}

std::string capture(const std::string& text, const std::string& re) {
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_search(text, m, std::regex(re)), "no " + re + " in:\n" + text);
  return m[1];
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(gdbremote, Fixture)

BOOST_AUTO_TEST_CASE(handshake_and_queries) {
  Server s(bin, id);
  s.connect();
  // Ack mode first: each packet is acknowledged.
  s.raw("$qSupported:swbreak+;xmlRegisters=i386#" + checksum("qSupported:swbreak+;xmlRegisters=i386"));
  BOOST_TEST(s.next() == "+");
  std::string sup = s.next();
  for (const char* f : {"PacketSize=", "QStartNoAckMode+", "qXfer:libraries:read+", "ReverseContinue+",
                        "ReverseStep+", "swbreak+"})
    BOOST_TEST(contains(sup, f), sup << " lacks " << f);
  s.raw("+");
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  // Then no acknowledgements.
  std::string triple = "7761736d33322d756e6b6e6f776e2d756e6b6e6f776e2d7761736d";  // wasm32-unknown-unknown-wasm
  std::string host = s.ask("qHostInfo");
  BOOST_TEST(contains(host, "triple:" + triple + ";"));
  BOOST_TEST(contains(host, "watchpoint_exceptions_received:after;"));  // stops after the access
  BOOST_TEST(s.ask("qWatchpointSupportInfo:") == "num:32;");
  BOOST_TEST(contains(s.ask("qProcessInfo"), "triple:" + triple + ";"));
  BOOST_TEST(s.ask("qC") == "QC1");
  BOOST_TEST(s.ask("qfThreadInfo") == "m1");
  BOOST_TEST(s.ask("qsThreadInfo") == "l");
  BOOST_TEST(s.ask("qXfer:libraries:read::0,1000") ==
             "l<library-list><library name=\"buggy-O0.wasm\"><section address=\"0x4000000000000000\"/></library></library-list>");
  // In pieces: 'm' while more follows.
  std::string part = s.ask("qXfer:libraries:read::0,10");
  BOOST_TEST(part == "m<library-list><l");
  BOOST_TEST(contains(s.ask("qRegisterInfo0"), "name:pc;"));
  BOOST_TEST(s.ask("qRegisterInfo1") == "E45");
  // Stopped before the first instruction: the pc is a code address.
  std::string stop = s.ask("?");
  BOOST_TEST(stop.rfind("T05thread:1;", 0) == 0u, stop);
  std::string pc = capture(stop, "thread-pcs:([0-9a-f]+);");
  BOOST_TEST(pc.size() == 16u);
  BOOST_TEST(pc[0] == '4');
  BOOST_TEST(le_value(s.ask("p0")) == std::stoull(pc, nullptr, 16));
  // The code space is the module's bytes: "\0asm" at offset 0.
  BOOST_TEST(s.ask("m4000000000000000,4") == "0061736d");
  BOOST_TEST(s.ask("qUnknownThing") == "");
  BOOST_TEST(s.ask("M10,1:00") == "E02");  // the recording decides memory
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

BOOST_AUTO_TEST_CASE(breakpoint_locals_memory_and_reverse) {
  std::string out = tcdb("break apply_discount\ncontinue\nprint $local0\nprint $local1\nprint $global0\nbt\n"
                         "x/4xw &counter\nprint &counter\n");
  uint64_t bp = std::stoull(capture(out, R"(Breakpoint 1 at 0x([0-9a-f]+):)"), nullptr, 16);
  std::string caller_pc = capture(out, R"(#1  0x([0-9a-f]+) in line_price)");
  std::string local0 = capture(out, R"(\$1 = i32:(-?\d+))"), local1 = capture(out, R"(\$2 = i32:(-?\d+))");
  std::string global0 = capture(out, R"(\$3 = i32:(-?\d+))");
  std::string words = capture(out, R"(<counter>:\t([^\n]+))");
  std::string counter = capture(out, R"(\(int \*\) 0x([0-9a-f]+) <counter>)");

  Server s(bin, id);
  start(s);
  char z[64];
  std::snprintf(z, sizeof z, "Z0,%llx,1", (unsigned long long)((1ull << 62) | bp));
  BOOST_TEST(s.ask(z) == "OK");
  std::string stop = s.ask("c");
  BOOST_TEST(contains(stop, "reason:breakpoint;"), stop);
  BOOST_TEST(std::stoull(capture(stop, "thread-pcs:([0-9a-f]+);"), nullptr, 16) == ((1ull << 62) | bp));
  // The call stack: innermost first, 8 bytes each; the caller's pc as bt shows it.
  std::string stack = s.ask("qWasmCallStack:1");
  BOOST_REQUIRE(stack.size() >= 32u);
  BOOST_TEST(le_value(stack.substr(0, 16)) == ((1ull << 62) | bp));
  BOOST_TEST(le_value(stack.substr(16, 16)) == ((1ull << 62) | std::stoull(caller_pc, nullptr, 16)));
  // Values as the in-process debugger prints them ($localN, $globalN: i32).
  BOOST_TEST(int32_t(le_value(s.ask("qWasmLocal:0;0"))) == std::stoi(local0));
  BOOST_TEST(int32_t(le_value(s.ask("qWasmLocal:0;1"))) == std::stoi(local1));
  BOOST_TEST(s.ask("qWasmLocal:0;0").size() == 8u);  // an i32: 4 bytes
  BOOST_TEST(int32_t(le_value(s.ask("qWasmGlobal:0;0"))) == std::stoi(global0));
  BOOST_TEST(s.ask("qWasmLocal:99;0") == "E04");
  BOOST_TEST(s.ask("qWasmLocal:0;9999") == "E04");
  BOOST_TEST(s.ask("qWasmStackValue:0;999") == "E04");
  // Linear memory: x/4xw's words.
  std::string mem = s.ask("m" + counter + ",10");
  BOOST_REQUIRE(mem.size() == 32u);
  std::string as_words;
  for (int i = 0; i < 4; ++i) {
    char w[16];
    std::snprintf(w, sizeof w, "%s0x%08llx", i ? "\t" : "", (unsigned long long)le_value(mem.substr(8 * i, 8)));
    as_words += w;
  }
  BOOST_TEST(as_words == words);
  BOOST_TEST(s.ask("mffffffff,4") == "E03");
  // Forward again to the second hit, then back: bc lands on the first.
  std::string second = s.ask("c");
  BOOST_TEST(contains(second, "reason:breakpoint;"));
  std::string local0_second = s.ask("qWasmLocal:0;0");
  BOOST_TEST(s.ask("bc") == stop);
  BOOST_TEST(int32_t(le_value(s.ask("qWasmLocal:0;0"))) == std::stoi(local0));
  BOOST_TEST(s.ask("qWasmLocal:0;0") != local0_second);
  // bs: one instruction back, a smaller pc in the same function's prologue.
  std::string back = s.ask("bs");
  BOOST_TEST(contains(back, "reason:trace;"));
  BOOST_TEST(std::stoull(capture(back, "thread-pcs:([0-9a-f]+);"), nullptr, 16) < ((1ull << 62) | bp));
  BOOST_TEST(contains(s.ask("s"), "thread-pcs:" + capture(stop, "thread-pcs:([0-9a-f]+);")));
  // No breakpoint before the first hit: bc goes to the start of history.
  BOOST_TEST(s.ask("z0," + std::string(z + 3)) == "OK");
  BOOST_TEST(contains(s.ask("bc"), "replaylog:begin;"));
  // Continue to the end: the exit status.
  BOOST_TEST(s.ask("vCont;c") == "W00");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

// qWasmStackValue:FRAME;INDEX counts from the bottom of the frame's
// operand stack (LLVM's DW_OP_WASM_location 2) and replies as many bytes as
// the value's type has: before apply_discount's i32.mul (-O0), its two i32
// operands, price and percent as tcdb prints them (they were 8 bytes, and
// counted from the top, before).
BOOST_AUTO_TEST_CASE(stack_values_as_wide_as_their_type) {
  std::string out = tcdb("break apply_discount\ncontinue\nprint price\nprint percent\ndisassemble\n");
  uint64_t bp = std::stoull(capture(out, R"(Breakpoint 1 at 0x([0-9a-f]+):)"), nullptr, 16);
  uint64_t mul = std::stoull(capture(out, R"(0x([0-9a-f]+) <\+\d+>:\ti32\.mul)"), nullptr, 16);
  int price = std::stoi(capture(out, R"(\$1 = (-?\d+))")), percent = std::stoi(capture(out, R"(\$2 = (-?\d+))"));
  Server s(bin, id);
  start(s);
  char z[64];
  std::snprintf(z, sizeof z, "Z0,%llx,1", (unsigned long long)((1ull << 62) | bp));
  BOOST_TEST(s.ask(z) == "OK");
  BOOST_TEST(contains(s.ask("c"), "reason:breakpoint;"));
  BOOST_TEST(s.ask("qWasmStackValue:0;0") == "E04");  // an empty stack at the line's start
  uint64_t pc = 0;
  for (int i = 0; i < 30 && pc != ((1ull << 62) | mul); ++i)
    pc = std::stoull(capture(s.ask("s"), "thread-pcs:([0-9a-f]+);"), nullptr, 16);
  BOOST_REQUIRE(pc == ((1ull << 62) | mul));
  std::string v0 = s.ask("qWasmStackValue:0;0"), v1 = s.ask("qWasmStackValue:0;1");
  BOOST_TEST(v0.size() == 8u, v0);  // an i32: 4 bytes
  BOOST_TEST(v1.size() == 8u, v1);
  BOOST_TEST(int32_t(le_value(v0)) == price);
  BOOST_TEST(int32_t(le_value(v1)) == percent);
  BOOST_TEST(s.ask("qWasmStackValue:0;2") == "E04");
  // The caller, line_price, at its call: the call's arguments, the same two.
  BOOST_TEST(int32_t(le_value(s.ask("qWasmStackValue:1;0"))) == price);
  BOOST_TEST(s.ask("qWasmStackValue:1;1") == v1);
  BOOST_TEST(s.ask("qWasmStackValue:1;2") == "E04");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

// A watch stop shows the writing instruction as the pc (tcdb's position
// one instruction back), with the write done; `s` then shows the next one.
BOOST_AUTO_TEST_CASE(a_watch_stops_at_the_writing_instruction) {
  std::string out = tcdb("print &counter\nwatch counter\ncontinue\nreverse-stepi\n");
  std::string counter = capture(out, R"(\(int \*\) 0x([0-9a-f]+) <counter>)");
  // reverse-stepi from the watch stop: "0xOFFSET<TAB>LINE<TAB>counter++;".
  std::string writer = capture(out, R"(\n0x([0-9a-f]+)\t\d+\t  counter\+\+;)");
  Server s(bin, id);
  start(s);
  BOOST_TEST(s.ask("Z2," + counter + ",4") == "OK");
  std::string stop = s.ask("c");
  BOOST_TEST(contains(stop, "reason:watchpoint;"), stop);
  BOOST_TEST(contains(stop, "watch:" + counter + ";"), stop);  // gdb's form
  uint64_t pc = std::stoull(capture(stop, "thread-pcs:([0-9a-f]+);"), nullptr, 16);
  BOOST_TEST(pc == ((1ull << 62) | std::stoull(writer, nullptr, 16)), stop << "\n" << out);
  BOOST_TEST(le_value(s.ask("qWasmCallStack:1").substr(0, 16)) == pc);
  BOOST_TEST(le_value(s.ask("m" + counter + ",4")) == 8u);  // the write is done
  std::string step = s.ask("s");
  BOOST_TEST(contains(step, "reason:trace;"), step);
  BOOST_TEST(std::stoull(capture(step, "thread-pcs:([0-9a-f]+);"), nullptr, 16) > pc);
  BOOST_TEST(s.ask("c") == "W00");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

// Read (Z3) and access (Z4) watchpoints stop right after the instruction
// that reads (or writes) the watched bytes, shown as the pc: where tcdb's
// rwatch/awatch stop, one instruction back. counter is read by
// `counter++` in total_price, written by it, then read in main.
BOOST_AUTO_TEST_CASE(read_and_access_watchpoints) {
  std::string out = tcdb("print &counter\nrwatch counter\ncontinue\nreverse-stepi\ncontinue\ncontinue\nreverse-stepi\n");
  std::string counter = capture(out, R"(\(int \*\) 0x([0-9a-f]+) <counter>)");
  uint64_t read1 = std::stoull(capture(out, R"(\n0x([0-9a-f]+)\t\d+\t  counter\+\+;)"), nullptr, 16);
  uint64_t read2 = std::stoull(capture(out, R"(\n0x([0-9a-f]+)\t\d+\t  int sum = add\(total, counter\);)"), nullptr, 16);
  uint64_t write = std::stoull(capture(tcdb("watch counter\ncontinue\nreverse-stepi\n"), R"(\n0x([0-9a-f]+)\t\d+\t  counter\+\+;)"),
                               nullptr, 16);
  BOOST_TEST(read1 < write);
  auto pc_of = [&](const std::string& stop) { return std::stoull(capture(stop, "thread-pcs:([0-9a-f]+);"), nullptr, 16); };
  const uint64_t code = 1ull << 62;
  uint64_t addr = std::stoull(counter, nullptr, 16);
  // LLDB's description: "ADDR INDEX HITADDR" in decimal.
  auto description = [&](int index) {
    std::string d = std::to_string(addr) + " " + std::to_string(index) + " " + std::to_string(addr);
    std::string hex;
    for (unsigned char c : d) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", c);
      hex += b;
    }
    return "reason:watchpoint;description:" + hex + ";";
  };

  Server s(bin, id);
  start(s);
  BOOST_TEST(s.ask("Z3," + counter + ",0") == "E03");
  BOOST_TEST(s.ask("Z3," + counter + ",4") == "OK");
  std::string stop = s.ask("c");
  BOOST_TEST(contains(stop, "rwatch:" + counter + ";" + description(0)), stop);
  BOOST_TEST(pc_of(stop) == (code | read1), stop << "\n" << out);
  BOOST_TEST(le_value(s.ask("m" + counter + ",4")) == 7u);  // read, not yet written
  std::string second = s.ask("c");
  BOOST_TEST(contains(second, "rwatch:" + counter + ";"), second);
  BOOST_TEST(pc_of(second) == (code | read2));
  BOOST_TEST(le_value(s.ask("m" + counter + ",4")) == 8u);
  // bc: back to the first read, before it.
  std::string back = s.ask("bc");
  BOOST_TEST(contains(back, "rwatch:" + counter + ";"), back);
  BOOST_TEST(pc_of(back) == (code | read1));
  BOOST_TEST(s.ask("z3," + counter + ",4") == "OK");
  // An access watch: the read, the write (8), the read in main.
  BOOST_TEST(s.ask("Z4," + counter + ",4") == "OK");
  std::string a1 = s.ask("c");
  BOOST_TEST(contains(a1, "awatch:" + counter + ";" + description(0)), a1);
  BOOST_TEST(pc_of(a1) == (code | read1));
  std::string a2 = s.ask("c");
  BOOST_TEST(contains(a2, "awatch:" + counter + ";"), a2);
  BOOST_TEST(pc_of(a2) == (code | write), a2 << "\n" << out);
  BOOST_TEST(le_value(s.ask("m" + counter + ",4")) == 8u);
  std::string a3 = s.ask("c");
  BOOST_TEST(pc_of(a3) == (code | read2));
  // bc with the access watch: back to the write.
  BOOST_TEST(pc_of(s.ask("bc")) == (code | write));
  BOOST_TEST(le_value(s.ask("m" + counter + ",4")) == 7u);  // before it
  BOOST_TEST(s.ask("z4," + counter + ",4") == "OK");
  BOOST_TEST(s.ask("c") == "W00");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

BOOST_AUTO_TEST_CASE(malformed_packets_get_errors) {
  Server s(bin, id);
  s.connect();
  // Ack mode: a bad checksum or a truncated packet is asked for again.
  s.raw("$qC#00");
  BOOST_TEST(s.next() == "-");
  s.raw("$m0,4$qC#" + checksum("qC"));
  BOOST_TEST(s.next() == "-");
  BOOST_TEST(s.next() == "+");
  BOOST_TEST(s.next() == "QC1");
  // Line noise between packets is ignored.
  s.raw("garbage!");
  BOOST_TEST(s.ask("qC") == "+");
  BOOST_TEST(s.next() == "QC1");
  s.raw("-");  // a nak: the last reply again
  BOOST_TEST(s.next() == "QC1");
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  // No-ack mode: errors as replies; the session goes on.
  s.raw("$qC#00");
  BOOST_TEST(s.next() == "E01");
  for (const char* bad : {"mzz,4", "m10", "Z0,1", "Z9,1,1", "qWasmLocal:x;1", "qWasmLocal:1", "c10", "vCont;q",
                          "p", "Hq1", "qXfer:libraries:read::zz"})
    BOOST_TEST(s.ask(bad) == "E01", bad);
  BOOST_TEST(s.ask("Z0,10000,1") == "E03");  // a breakpoint in linear memory
  BOOST_TEST(s.ask("Z0,4fffffffffffffff,1") == "E03");  // past the module
  BOOST_TEST(s.ask(std::string(300, 'x')) == "");
  BOOST_TEST(s.ask("qC") == "QC1");
  BOOST_TEST(s.ask("k") == "X09");
  BOOST_TEST(s.wait_exit(30) == 0);
}

BOOST_AUTO_TEST_CASE(a_client_that_disconnects_ends_the_session) {
  Server s(bin, id);
  start(s);
  s.raw("$m0,4");  // half a packet, then gone
  ::close(s.sock);
  s.sock = -1;
  BOOST_TEST(s.wait_exit(30) == 0);
  BOOST_TEST(s.first_line() == "listening on 127.0.0.1:" + std::to_string(s.port));
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_one_error_line) {
  Server first(bin, id);
  first.connect();
  Server second(bin, id, "127.0.0.1:" + std::to_string(first.port));
  BOOST_TEST(second.wait_exit(30) == 1);
  std::string line = second.first_line();
  BOOST_TEST(contains(line, "127.0.0.1:" + std::to_string(first.port)), line);
  BOOST_TEST(contains(line, "in use"), line);
  BOOST_TEST(second.stderr_text.find('\n') == second.stderr_text.size() - 1);
  auto r = tc({"debug", "--listen", "nowhere", id});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "ADDR:PORT"));
}

BOOST_AUTO_TEST_SUITE_END()

// 0x03 during a `c`: the replay stops where it got to, with a T02 (SIGINT)
// stop reply, long before the end (spin-O0 replays for seconds). Detached,
// the replay runs on to the end: the program's whole output, as recorded.
BOOST_FIXTURE_TEST_CASE(an_interrupt_stops_a_continue, CliFixture) {
  auto r = tc({"run", (programs / "spin-O0.wasm").string(), "30000000"}, 120);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_REQUIRE(contains(r.out, "spin: result "));
  fs::path out = root / "replay.out";
  Server s(bin, take_id(r.err), "127.0.0.1:0", out.string());
  s.connect();
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  auto t0 = std::chrono::steady_clock::now();
  s.raw("$c#" + checksum("c"));
  ::usleep(200000);
  s.raw("\x03");
  std::string stop = s.next(5000);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(stop.rfind("T02thread:1;", 0) == 0u, stop);
  BOOST_TEST(contains(stop, "reason:signal;"), stop);
  BOOST_TEST(took < 3.0, took << " s");
  // Stopped in the program: its frames, then the session goes on.
  std::string stack = s.ask("qWasmCallStack:1");
  BOOST_TEST(stack.size() >= 32u, stack);
  BOOST_TEST(stack.substr(0, 16) == capture(stop, ";00:([0-9a-f]{16});"));
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(60) == 0);
  std::ifstream in(out);
  std::string echoed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(echoed == r.out);
}

// After a trap the program does not go on: a `c` or `s` from the trap's
// stop gets gdb's "terminated by a signal" reply (SIGABRT, as `timecraft
// run` exits 128 + 6), not the same trap again; back one instruction, a
// `c` reaches the trap again.
BOOST_FIXTURE_TEST_CASE(going_on_after_a_trap_ends_the_process, CliFixture) {
  auto r = tc({"run", (programs / "divide.wasm").string()}, 120);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 134, r.err);
  Server s(bin, take_id(r.err));
  s.connect();
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  std::string trap = s.ask("c");
  std::string why;
  for (char c : std::string("integer divide by zero")) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", (unsigned char)c);
    why += b;
  }
  BOOST_TEST(contains(trap, "reason:exception;description:" + why + ";"), trap);
  BOOST_TEST(s.ask("c") == "X06");
  BOOST_TEST(s.ask("s") == "X06");
  BOOST_TEST(s.ask("?") == "X06");
  std::string back = s.ask("bs");
  BOOST_TEST(contains(back, "reason:trace;"), back);
  BOOST_TEST(s.ask("c") == trap);
  BOOST_TEST(s.ask("vCont;c") == "X06");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}

// A run interrupted while it was recorded: the replay ends where its log
// does, a reason:exception stop (its message as the description, not a
// "malformed reply" from the replaying process), and going on gets X02
// (SIGINT, how the recorded run ended).
BOOST_FIXTURE_TEST_CASE(a_recording_of_an_interrupted_run_ends_with_sigint, CliFixture) {
  fs::path err = root / "run.err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string module = (programs / "spin-O0.wasm").string(), n = "3000000000";
  std::vector<char*> argv = {bin.data(), const_cast<char*>("run"), module.data(), n.data(), nullptr};
  pid_t pid = -1;
  BOOST_REQUIRE(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  for (int i = 0; i < 500 && !contains(slurp(err), "\n"); ++i) ::usleep(10000);  // its id: recording
  ::usleep(300000);
  ::kill(pid, SIGINT);
  int st = 0;
  BOOST_REQUIRE(::waitpid(pid, &st, 0) == pid);
  BOOST_REQUIRE_MESSAGE(WIFEXITED(st) && WEXITSTATUS(st) == 130, slurp(err));
  std::string err_text = slurp(err);
  Server s(bin, take_id(err_text));
  s.connect();
  BOOST_TEST(s.ask("QStartNoAckMode") == "+");
  BOOST_TEST(s.next() == "OK");
  std::string end = s.ask("c");
  BOOST_TEST(end.rfind("T05thread:1;", 0) == 0u, end);
  BOOST_TEST(contains(end, "reason:exception;description:"), end);
  BOOST_TEST(s.ask("c") == "X02");
  BOOST_TEST(s.ask("D") == "OK");
  BOOST_TEST(s.wait_exit(30) == 0);
}
