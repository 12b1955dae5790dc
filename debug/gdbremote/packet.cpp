#include "debug/gdbremote/packet.hpp"

namespace tc::debug::gdbremote {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char kDigits[] = "0123456789abcdef";

}  // namespace

void Decoder::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (!in_packet_) {
      if (c == '$') {
        in_packet_ = true;
        checksum_digits_ = -1;
        raw_.clear();
        cs_.clear();
        too_long_ = false;
      } else if (c == '+') {
        events_.push_back({Event::Kind::Ack, ""});
      } else if (c == '-') {
        events_.push_back({Event::Kind::Nak, ""});
      } else if (c == '\x03') {
        events_.push_back({Event::Kind::Interrupt, ""});
      }
      continue;
    }
    if (c == '$') {  // the previous packet never ended
      events_.push_back({Event::Kind::Bad, "truncated packet"});
      in_packet_ = false;
      feed(std::string_view(&c, 1));
      continue;
    }
    if (checksum_digits_ < 0) {
      if (c == '#') checksum_digits_ = 0;
      else if (raw_.size() < kMaxPacket) raw_ += c;
      else too_long_ = true;
      continue;
    }
    cs_ += c;
    if (++checksum_digits_ == 2) finish();
  }
}

void Decoder::finish() {
  in_packet_ = false;
  if (too_long_) return events_.push_back({Event::Kind::Bad, "packet too long"});
  int hi = hex_digit(cs_[0]), lo = hex_digit(cs_[1]);
  if (hi < 0 || lo < 0) return events_.push_back({Event::Kind::Bad, "malformed checksum"});
  uint8_t sum = 0;
  for (char c : raw_) sum = uint8_t(sum + uint8_t(c));
  if (sum != uint8_t(hi * 16 + lo)) return events_.push_back({Event::Kind::Bad, "checksum mismatch"});
  auto body = unescape(raw_);
  if (!body) return events_.push_back({Event::Kind::Bad, "malformed escape or run-length encoding"});
  events_.push_back({Event::Kind::Packet, std::move(*body)});
}

std::optional<Event> Decoder::next() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<std::string> unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '}') {
      if (++i == raw.size()) return std::nullopt;
      out += char(raw[i] ^ 0x20);
    } else if (c == '*') {
      // The count byte is n + 29, printable: 32..126 (gdb avoids '#' and '$').
      if (out.empty() || ++i == raw.size()) return std::nullopt;
      int n = uint8_t(raw[i]) - 29;
      if (n < 3 || n > 97) return std::nullopt;
      if (out.size() + size_t(n) > kMaxPacket) return std::nullopt;
      out.append(size_t(n), out.back());
    } else {
      out += c;
    }
  }
  return out;
}

std::string frame(std::string_view body) {
  std::string out = "$";
  uint8_t sum = 0;
  auto put = [&](char c) {
    out += c;
    sum = uint8_t(sum + uint8_t(c));
  };
  for (char c : body) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      put('}');
      put(char(c ^ 0x20));
    } else {
      put(c);
    }
  }
  out += '#';
  out += kDigits[sum >> 4];
  out += kDigits[sum & 15];
  return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string to_hex(std::string_view text) {
  return to_hex(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(uint8_t(hi * 16 + lo));
  }
  return out;
}

std::optional<uint64_t> parse_hex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | uint64_t(d);
  }
  return v;
}

std::optional<uint32_t> parse_dec(std::string_view dec) {
  if (dec.empty() || dec.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : dec) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint64_t(c - '0');
  }
  if (v > UINT32_MAX) return std::nullopt;
  return uint32_t(v);
}

std::string le_hex(uint64_t value, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    uint8_t b = uint8_t(i < 8 ? value >> (8 * i) : 0);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace tc::debug::gdbremote
