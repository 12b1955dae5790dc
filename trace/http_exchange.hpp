// HTTP/1.x exchanges rebuilt from a connection's recorded bytes (`timecraft
// trace request`): each direction's stream is the concatenation of what the
// program received or sent on the socket, in record order, however the
// calls split it. Requests and responses are parsed in order and paired in
// order, so keep-alive and pipelining give several exchanges a connection.
// Bodies: Content-Length, chunked, or (a response) up to the end of the
// stream; no body for HEAD, 1xx, 204 and 304. Interim 1xx responses are
// skipped (101 ends HTTP on the connection). A message the stream ends in
// the middle of is kept, marked incomplete.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trace/net_activity.hpp"

namespace tc::trace {

// One direction of a connection: the bytes, as the records carried them.
struct ByteStream {
  struct Chunk {
    uint64_t record = 0, time_ns = 0;
    std::string bytes;
  };
  std::vector<Chunk> chunks;
  bool ended = false;  // the sender is done (closed, shut down, EOF seen)
};

struct HttpMessage {
  std::string method, target;  // a request
  int status = 0;              // a response
  std::string reason;
  std::string version;         // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // in order, as sent
  bool chunked = false;
  uint64_t head_size = 0;  // start line and headers, with the blank line
  uint64_t body_size = 0;  // the body's bytes (chunked: decoded)
  std::string body;
  bool complete = false;   // the whole message is in the stream
  // The records holding its first and last bytes.
  uint64_t first_record = 0, first_ns = 0, last_record = 0, last_ns = 0;

  const std::string* header(std::string_view name) const;  // case-insensitive, first
};

struct HttpExchange {
  size_t socket = 0;  // NetActivity::sockets index (http_exchanges(activity))
  HttpMessage request;
  std::optional<HttpMessage> response;  // none: the stream ended before it
  // First byte of the request to the last byte of the response; 0 without one.
  uint64_t duration_ns() const;
};

// The exchanges of one connection, from its two streams. Empty when the
// request stream does not start with an HTTP/1.x request line.
std::vector<HttpExchange> http_exchanges(const ByteStream& requests, const ByteStream& responses);

// Every connection's exchanges, in the order their requests started. An
// accepted socket receives requests, a connected one sends them; any other
// carries HTTP in whichever direction starts with a request line.
std::vector<HttpExchange> http_exchanges(const NetActivity& act);

}  // namespace tc::trace
