// The GDB remote protocol's framing and request parser
// (debug/gdbremote/packet.hpp, request.hpp).
#define BOOST_TEST_MODULE gdbremote_packet_tests
#include <boost/test/unit_test.hpp>

#include "debug/gdbremote/packet.hpp"
#include "debug/gdbremote/request.hpp"

using namespace tc::debug::gdbremote;
using Kind = Event::Kind;

namespace {

std::vector<Event> events(std::string_view bytes) {
  Decoder d;
  d.feed(bytes);
  std::vector<Event> out;
  while (auto e = d.next()) out.push_back(*e);
  return out;
}

template <class T>
T parsed(std::string_view body) {
  auto r = parse_request(body);
  BOOST_REQUIRE_MESSAGE(r.has_value(), std::string(body) + ": " + (r ? "" : r.error().message));
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<T>(*r), std::string(body) + ": another request type");
  return std::get<T>(*r);
}

}  // namespace

BOOST_AUTO_TEST_CASE(frame_checksums_and_escapes) {
  BOOST_TEST(frame("OK") == "$OK#9a");
  BOOST_TEST(frame("") == "$#00");
  // '#', '$', '}' and '*' are escaped as '}' then the byte XOR 0x20.
  BOOST_TEST(frame("a#b") == "$a}\x03" "b#43");  // 0x61 + 0x7d + 0x03 + 0x62 = 0x143
  auto ev = events(frame("x$y}z*w#"));
  BOOST_REQUIRE_EQUAL(ev.size(), 1u);
  BOOST_TEST(int(ev[0].kind) == int(Kind::Packet));
  BOOST_TEST(ev[0].body == "x$y}z*w#");
}

BOOST_AUTO_TEST_CASE(decoder_splits_a_stream) {
  Decoder d;
  std::string stream = "+" + frame("qSupported:swbreak+") + "-\x03" + frame("?");
  // Byte by byte: events come out the same as in one piece.
  for (char c : stream) d.feed(std::string_view(&c, 1));
  std::vector<Kind> kinds;
  std::vector<std::string> bodies;
  while (auto e = d.next()) {
    kinds.push_back(e->kind);
    bodies.push_back(e->body);
  }
  BOOST_REQUIRE_EQUAL(kinds.size(), 5u);
  BOOST_TEST(int(kinds[0]) == int(Kind::Ack));
  BOOST_TEST(int(kinds[1]) == int(Kind::Packet));
  BOOST_TEST(bodies[1] == "qSupported:swbreak+");
  BOOST_TEST(int(kinds[2]) == int(Kind::Nak));
  BOOST_TEST(int(kinds[3]) == int(Kind::Interrupt));
  BOOST_TEST(bodies[4] == "?");
  BOOST_TEST(d.pending() == 0u);
  d.feed("$m0,4");
  BOOST_TEST(d.pending() == 5u);
}

BOOST_AUTO_TEST_CASE(bad_packets_are_events_not_crashes) {
  auto ev = events("$OK#00");
  BOOST_REQUIRE_EQUAL(ev.size(), 1u);
  BOOST_TEST(int(ev[0].kind) == int(Kind::Bad));
  BOOST_TEST(ev[0].body == "checksum mismatch");
  ev = events("$OK#zz");
  BOOST_TEST(ev.at(0).body == "malformed checksum");
  // A truncated packet, then a good one.
  ev = events("$m0,4" + frame("?"));
  BOOST_REQUIRE_EQUAL(ev.size(), 2u);
  BOOST_TEST(ev[0].body == "truncated packet");
  BOOST_TEST(ev[1].body == "?");
  // Line noise between packets is ignored.
  ev = events("garbage" + frame("g"));
  BOOST_REQUIRE_EQUAL(ev.size(), 1u);
  BOOST_TEST(ev[0].body == "g");
  std::string huge(kMaxPacket + 10, 'a');
  ev = events("$" + huge + "#00");
  BOOST_TEST(ev.at(0).body == "packet too long");
}

BOOST_AUTO_TEST_CASE(run_length_decoding) {
  BOOST_TEST(*unescape("0* ") == "0000");  // ' ' is 32: three more
  BOOST_TEST(*unescape("ab*\"c") == "abbbbbbc");
  BOOST_TEST(!unescape("*a"));    // nothing to repeat
  BOOST_TEST(!unescape("a*"));    // no count
  BOOST_TEST(!unescape("a*\x01"));  // a count below 3
  BOOST_TEST(!unescape("a}"));    // an escape at the end
  BOOST_TEST(*unescape("}\x03") == "#");
}

BOOST_AUTO_TEST_CASE(hex_helpers) {
  BOOST_TEST(to_hex(std::string_view("wasm")) == "7761736d");
  BOOST_TEST((*from_hex("00ff7A") == std::vector<uint8_t>{0, 255, 0x7a}));
  BOOST_TEST(!from_hex("abc"));
  BOOST_TEST(!from_hex("zz"));
  BOOST_TEST(*parse_hex("4000000000000000") == kCodeSpace);
  BOOST_TEST(!parse_hex("10000000000000000"));  // 17 digits
  BOOST_TEST(!parse_hex(""));
  BOOST_TEST(!parse_hex("-1"));
  BOOST_TEST(*parse_dec("4294967295") == UINT32_MAX);
  BOOST_TEST(!parse_dec("4294967296"));
  BOOST_TEST(le_hex(0x4000000000000123) == "2301000000000040");
  BOOST_TEST(le_hex(7, 4) == "07000000");
}

BOOST_AUTO_TEST_CASE(requests) {
  auto s = parsed<req::Supported>("qSupported:xmlRegisters=i386;swbreak+");
  BOOST_REQUIRE_EQUAL(s.features.size(), 2u);
  BOOST_TEST(s.features[1] == "swbreak+");
  parsed<req::StartNoAckMode>("QStartNoAckMode");
  parsed<req::HostInfo>("qHostInfo");
  parsed<req::ProcessInfo>("qProcessInfo");
  parsed<req::CurrentThread>("qC");
  BOOST_TEST(parsed<req::ThreadInfo>("qfThreadInfo").first);
  BOOST_TEST(!parsed<req::ThreadInfo>("qsThreadInfo").first);
  parsed<req::StopReason>("?");
  parsed<req::StopReason>("qThreadStopInfo1");
  auto x = parsed<req::XferLibraries>("qXfer:libraries:read::10,ffb");
  BOOST_TEST(x.offset == 0x10u);
  BOOST_TEST(x.length == 0xffbu);
  BOOST_TEST(parsed<req::RegisterInfo>("qRegisterInfo1").reg == 1u);
  BOOST_TEST(parsed<req::ReadRegister>("p0;thread:1;").reg == 0u);
  parsed<req::ReadRegisters>("g");
  auto m = parsed<req::ReadMemory>("m4000000000000100,20");
  BOOST_TEST(m.addr == (kCodeSpace | 0x100));
  BOOST_TEST(m.length == 0x20u);
  auto w = parsed<req::WriteMemory>("M10,2:abcd");
  BOOST_TEST(w.bytes.size() == 2u);
  auto z = parsed<req::Breakpoint>("Z0,400000000000013a,1");
  BOOST_TEST(z.insert);
  BOOST_TEST(z.type == 0u);
  BOOST_TEST(z.addr == (kCodeSpace | 0x13a));
  auto z2 = parsed<req::Breakpoint>("z2,1000,4");
  BOOST_TEST(!z2.insert);
  BOOST_TEST(z2.type == 2u);
  BOOST_TEST(z2.kind == 4u);
  BOOST_TEST(!parsed<req::Resume>("c").step);
  BOOST_TEST(parsed<req::Resume>("s").step);
  BOOST_TEST(parsed<req::Resume>("vCont;s:1").step);
  BOOST_TEST(!parsed<req::Resume>("vCont;c").step);
  BOOST_TEST(parsed<req::Resume>("bc").reverse);
  auto bs = parsed<req::Resume>("bs");
  BOOST_TEST((bs.reverse && bs.step));
  parsed<req::VContQuery>("vCont?");
  parsed<req::WasmCallStack>("qWasmCallStack:1");
  auto l = parsed<req::WasmValue>("qWasmLocal:2;11");
  BOOST_TEST(int(l.kind) == int(req::WasmValue::Kind::Local));
  BOOST_TEST(l.frame == 2u);
  BOOST_TEST(l.index == 11u);
  BOOST_TEST(int(parsed<req::WasmValue>("qWasmGlobal:0;1").kind) == int(req::WasmValue::Kind::Global));
  BOOST_TEST(int(parsed<req::WasmValue>("qWasmStackValue:0;0").kind) == int(req::WasmValue::Kind::StackValue));
  parsed<req::Kill>("k");
  parsed<req::Detach>("D;1");
  parsed<req::SetOk>("Hg1");
  parsed<req::SetOk>("Hc-1");
  BOOST_TEST(parsed<req::Unknown>("qOffsets").name == "qOffsets");
  BOOST_TEST(parsed<req::Unknown>("X10,2:ab").name == "X");
  BOOST_TEST(parsed<req::Unknown>("vMustReplyEmpty").name == "vMustReplyEmpty");
  parsed<req::Unknown>("");
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_errors) {
  for (const char* body : {"m", "m10", "m10,", "mzz,4", "m1,2,3", "M10,2:abc", "M10,3:abcd", "Z0,1", "Z9,1,1",
                           "Z0,x,1", "pzz", "c10", "qWasmLocal:1", "qWasmLocal:a;b", "qWasmGlobal:1;99999999999",
                           "qXfer:libraries:read::1", "qThreadStopInfozz", "vCont;x", "vCont;s:zz", "Hx1", "g5",
                           "qMemoryRegionInfo:", "qRegisterInfoq"}) {
    auto r = parse_request(body);
    BOOST_TEST(!r.has_value(), body);
    if (!r) BOOST_TEST(r.error().message.find("malformed packet") == 0u, body);
  }
}
