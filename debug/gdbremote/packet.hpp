// GDB remote serial protocol framing: "$body#cs" packets (cs: the sum of
// the bytes between '$' and '#' modulo 256, two hex digits), '}' escapes
// (the next byte XOR 0x20), run-length encoding ("X*n": X repeated n - 29
// more times), '+'/'-' acknowledgements and the 0x03 interrupt byte.
// Hex helpers for the packets' numbers and byte strings.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::debug::gdbremote {

// Packets longer than this are refused (the PacketSize we announce).
constexpr size_t kMaxPacket = 0x20000;

// What the byte stream from a client holds, one event at a time.
struct Event {
  enum class Kind : uint8_t {
    Packet,     // a well-formed packet: `body` (escapes and RLE decoded)
    Ack,        // '+'
    Nak,        // '-': resend the last reply
    Interrupt,  // 0x03
    Bad,        // a packet that is not one (checksum, truncated, too long, bad RLE/escape): `body` says why
  };
  Kind kind = Kind::Packet;
  std::string body;
};

// Splits the client's byte stream into events. Bytes outside a packet other
// than '+', '-' and 0x03 are ignored (as gdb's stubs do: line noise); a '$'
// inside a packet starts a new one, the truncated one is reported Bad.
class Decoder {
 public:
  void feed(std::string_view bytes);
  std::optional<Event> next();
  // Bytes of an unfinished packet (0: between packets).
  size_t pending() const { return in_packet_ ? raw_.size() + 1 : 0; }

 private:
  void finish();
  std::deque<Event> events_;
  bool in_packet_ = false;
  int checksum_digits_ = -1;  // -1: in the body; 0..2: after '#'
  std::string raw_;           // between '$' and '#'
  std::string cs_;
  bool too_long_ = false;
};

// "$" + escaped body + "#" + checksum. Escapes '$', '#', '}' and '*'.
std::string frame(std::string_view body);

// Undoes escapes and RLE of a packet body; nullopt if they are malformed.
std::optional<std::string> unescape(std::string_view raw);

// Bytes as lower-case hex, two digits each.
std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view text);
// Pairs of hex digits to bytes; nullopt on an odd length or a non-digit.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);
// A hex number (1..16 digits, no prefix); nullopt otherwise.
std::optional<uint64_t> parse_hex(std::string_view hex);
// A decimal number (1..10 digits, at most UINT32_MAX).
std::optional<uint32_t> parse_dec(std::string_view dec);
// A value's `size` bytes, little-endian, as hex (registers, wasm values).
std::string le_hex(uint64_t value, size_t size = 8);

}  // namespace tc::debug::gdbremote
