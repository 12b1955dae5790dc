// The HTTP/1.x decoder of `timecraft trace request` (trace/http_exchange.hpp)
// on hand-made byte streams: messages split across records, keep-alive and
// pipelining, chunked bodies, close-delimited bodies, HEAD/204/100 Continue,
// incomplete exchanges, and streams that are not HTTP. Then the socket
// tracker (trace/net_activity.hpp) on hand-made decoded records, including
// the WasmEdge extension's calls it knows by name.
#define BOOST_TEST_MODULE http_exchange_tests
#include <boost/test/unit_test.hpp>

#include <random>

#include "trace/http_exchange.hpp"

using namespace tc::trace;
using tc::wasi::Errno;

namespace {

// A stream of pieces, one record each, 1 ms apart from `t0_ms`.
ByteStream stream(std::vector<std::string> pieces, uint64_t first_record = 10, uint64_t t0_ms = 1,
                  bool ended = true) {
  ByteStream s;
  for (auto& p : pieces) s.chunks.push_back({first_record++, (t0_ms++) * 1000000, std::move(p)});
  s.ended = ended;
  return s;
}

const std::string kGet = "GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

}  // namespace

BOOST_AUTO_TEST_CASE(one_exchange) {
  auto xs = http_exchanges(stream({kGet}), stream({kOk}, 20, 5));
  BOOST_REQUIRE_EQUAL(xs.size(), 1u);
  const auto& q = xs[0].request;
  BOOST_TEST(q.method == "GET");
  BOOST_TEST(q.target == "/a");
  BOOST_TEST(q.version == "HTTP/1.1");
  BOOST_REQUIRE_EQUAL(q.headers.size(), 2u);
  BOOST_TEST(q.headers[1].first == "User-Agent");
  BOOST_TEST(q.headers[1].second == "t");
  BOOST_TEST(*q.header("user-agent") == "t");
  BOOST_TEST(q.head_size == kGet.size());
  BOOST_TEST(q.body_size == 0u);
  BOOST_TEST(q.complete);
  BOOST_REQUIRE(xs[0].response);
  const auto& r = *xs[0].response;
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.reason == "OK");
  BOOST_TEST(r.body == "hello");
  BOOST_TEST(r.complete);
  BOOST_TEST(r.first_record == 20u);
  BOOST_TEST(xs[0].duration_ns() == 4000000u);  // request at 1 ms, response at 5 ms
}

BOOST_AUTO_TEST_CASE(split_across_records_byte_by_byte) {
  std::string req = "POST /echo HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world";
  std::vector<std::string> pieces;
  for (char c : req) pieces.push_back(std::string(1, c));
  std::vector<std::string> resp = {"HTTP/1.1 20", "1 Created\r\nContent-Le", "ngth: 3\r\n\r", "\nab",
                                   "c"};
  auto xs = http_exchanges(stream(pieces, 100), stream(resp, 500, 100));
  BOOST_REQUIRE_EQUAL(xs.size(), 1u);
  BOOST_TEST(xs[0].request.method == "POST");
  BOOST_TEST(xs[0].request.body == "hello world");
  BOOST_TEST(xs[0].request.first_record == 100u);
  BOOST_TEST(xs[0].request.last_record == 100u + req.size() - 1);
  BOOST_REQUIRE(xs[0].response);
  BOOST_TEST(xs[0].response->status == 201);
  BOOST_TEST(xs[0].response->reason == "Created");
  BOOST_TEST(xs[0].response->body == "abc");
  BOOST_TEST(xs[0].response->last_record == 504u);
}

BOOST_AUTO_TEST_CASE(keep_alive_and_pipelining) {
  std::string two = kGet + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";  // pipelined in one record
  std::string resp404 = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  auto xs = http_exchanges(stream({two, "HEAD /c HTTP/1.1\r\n\r\n"}),
                           stream({kOk + resp404, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"}));
  BOOST_REQUIRE_EQUAL(xs.size(), 3u);
  BOOST_TEST(xs[0].request.target == "/a");
  BOOST_TEST(xs[0].response->status == 200);
  BOOST_TEST(xs[1].request.target == "/b");
  BOOST_TEST(xs[1].response->status == 404);
  BOOST_TEST(xs[1].response->complete);
  BOOST_TEST(xs[2].request.method == "HEAD");
  // HEAD: Content-Length says what GET would send; no body follows.
  BOOST_TEST(xs[2].response->body_size == 0u);
  BOOST_TEST(xs[2].response->complete);
}

BOOST_AUTO_TEST_CASE(chunked_bodies) {
  std::string req = "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n";
  std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "a\r\n0123456789\r\n0\r\n\r\n";
  // The response's chunks cut mid-size and mid-data.
  auto xs = http_exchanges(stream({req}), stream({resp.substr(0, 50), resp.substr(50, 7),
                                                  resp.substr(57)}));
  BOOST_REQUIRE_EQUAL(xs.size(), 1u);
  BOOST_TEST(xs[0].request.chunked);
  BOOST_TEST(xs[0].request.body == "wikipedia");
  BOOST_TEST(xs[0].request.body_size == 9u);
  BOOST_TEST(xs[0].request.complete);
  BOOST_TEST(xs[0].response->chunked);
  BOOST_TEST(xs[0].response->body == "0123456789");
  BOOST_TEST(xs[0].response->complete);
}

BOOST_AUTO_TEST_CASE(incomplete_exchanges_are_marked) {
  // The response stops in its body.
  auto a = http_exchanges(stream({kGet}), stream({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}));
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_TEST(!a[0].response->complete);
  BOOST_TEST(a[0].response->body_size == 3u);
  // No response at all.
  auto b = http_exchanges(stream({kGet}), stream({}));
  BOOST_REQUIRE_EQUAL(b.size(), 1u);
  BOOST_TEST(!b[0].response);
  BOOST_TEST(b[0].duration_ns() == 0u);
  // The request stops in its headers, or in its body; then nothing more.
  auto c = http_exchanges(stream({"GET /x HTTP/1.1\r\nHo"}), stream({}));
  BOOST_REQUIRE_EQUAL(c.size(), 1u);
  BOOST_TEST(!c[0].request.complete);
  BOOST_TEST(c[0].request.target == "/x");
  auto d = http_exchanges(stream({"PUT /y HTTP/1.1\r\nContent-Length: 99\r\n\r\nab", kGet}), stream({}));
  BOOST_REQUIRE_EQUAL(d.size(), 1u);  // the GET is the PUT's body as far as it knows
  BOOST_TEST(!d[0].request.complete);
  // A chunked response cut before its last chunk.
  auto e = http_exchanges(stream({kGet}),
                          stream({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"}));
  BOOST_TEST(!e[0].response->complete);
  BOOST_TEST(e[0].response->body == "abc");
}

BOOST_AUTO_TEST_CASE(close_delimited_204_and_100_continue) {
  std::string resp = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nall of it";
  auto a = http_exchanges(stream({kGet}), stream({resp}, 20, 5, true));
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_TEST(a[0].response->status == 200);  // the interim response skipped
  BOOST_TEST(a[0].response->version == "HTTP/1.0");
  BOOST_TEST(a[0].response->body == "all of it");
  BOOST_TEST(a[0].response->complete);
  // Not ended: the body may go on.
  auto b = http_exchanges(stream({kGet}), stream({resp}, 20, 5, false));
  BOOST_TEST(!b[0].response->complete);
  auto c = http_exchanges(stream({kGet + kGet}),
                          stream({"HTTP/1.1 204 No Content\r\n\r\n" + kOk}));
  BOOST_REQUIRE_EQUAL(c.size(), 2u);
  BOOST_TEST(c[0].response->status == 204);
  BOOST_TEST(c[0].response->body_size == 0u);
  BOOST_TEST(c[1].response->body == "hello");
}

BOOST_AUTO_TEST_CASE(not_http) {
  BOOST_TEST(http_exchanges(stream({"\x16\x03\x01\x02\x00 binary"}), stream({"x"})).empty());
  BOOST_TEST(http_exchanges(stream({"hello there\r\n\r\n"}), stream({kOk})).empty());
  BOOST_TEST(http_exchanges(stream({}), stream({})).empty());
  // A request answered by something that is not HTTP: no response.
  auto x = http_exchanges(stream({kGet}), stream({"SSH-2.0-OpenSSH\r\n"}));
  BOOST_REQUIRE_EQUAL(x.size(), 1u);
  BOOST_TEST(!x[0].response);
}

// Streams cut from HTTP-like pieces at random: never a crash, and what is
// parsed is consistent (sizes, record order).
BOOST_AUTO_TEST_CASE(random_streams_parse_consistently) {
  const std::vector<std::string> parts = {
      "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "Content-Length: 3\r\n", "Content-Length: x\r\n",
      "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked\r\n", "\r\n", "abc",
      "5\r\n", "fffffffffffffff\r\n", "0\r\n", ";\r\n", "HEAD /h HTTP/1.0\r\n", "HTTP/1.1 100 Continue\r\n",
      "HTTP/1.1 101 Switching\r\n", "X: y\r\n", "\x00\xff", " ", ":", "HTTP/1.", "G"};
  std::mt19937 rng(14);
  for (int i = 0; i < 3000; ++i) {
    std::string a, b;
    for (int n = int(rng() % 12); n > 0; --n) a += parts[rng() % parts.size()];
    for (int n = int(rng() % 12); n > 0; --n) b += parts[rng() % parts.size()];
    if (rng() % 2) a = kGet + a;
    if (rng() % 2) b = kOk + b;
    auto cut = [&](const std::string& s) {
      std::vector<std::string> pieces;
      for (size_t p = 0; p < s.size();) {
        size_t n = 1 + rng() % 20;
        pieces.push_back(s.substr(p, n));
        p += n;
      }
      return pieces;
    };
    for (const auto& x : http_exchanges(stream(cut(a)), stream(cut(b), 1000, 100, rng() % 2))) {
      BOOST_TEST_REQUIRE(x.request.body_size == x.request.body.size());
      BOOST_TEST_REQUIRE(x.request.head_size + x.request.body_size <= a.size());
      BOOST_TEST_REQUIRE(x.request.first_record <= x.request.last_record);
      if (x.response) {
        BOOST_TEST_REQUIRE(x.response->body_size == x.response->body.size());
        BOOST_TEST_REQUIRE(x.response->first_record >= 1000u);
      }
    }
  }
}

// ---- the socket tracker ------------------------------------------------------

namespace {

uint64_t g_index = 0;

DecodedField num(std::string name, uint64_t v) {
  DecodedField f;
  f.name = std::move(name);
  f.number = v;
  f.text = std::to_string(v);
  return f;
}
DecodedField iovs(std::vector<std::string> bufs) {
  DecodedField f;
  f.name = "iovs";
  f.buffers = std::move(bufs);
  return f;
}
DecodedField addr(std::string name, std::string a) {
  DecodedField f;
  f.name = std::move(name);
  f.value.bytes = a;  // how a socket address decodes (FieldValue text)
  f.text = a;
  return f;
}
DecodedCall call(std::string name, std::vector<DecodedField> in, std::vector<DecodedField> out = {},
                 Errno e = Errno::Success, std::vector<std::string> filled = {}) {
  DecodedCall c;
  c.index = g_index++;
  c.time_ns = c.index * 1000;
  c.name = std::move(name);
  c.inputs = std::move(in);
  c.outputs = std::move(out);
  c.error = e;
  c.filled = std::move(filled);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tracker_accepts_and_counts_bytes_each_way) {
  NetTracker t;
  t.add_listener(3, "127.0.0.1:8080");
  t.feed(call("fd_write", {num("fd", 1), iovs({"not a socket"})}, {num("nwritten", 12)}));
  t.feed(call("sock_accept", {num("fd", 3), num("flags", 0)}, {}, Errno::Again));  // left out
  t.feed(call("sock_accept", {num("fd", 3), num("flags", 0)}, {num("accepted", 4)}));
  t.feed(call("sock_recv", {num("fd", 4), num("iovs", 0), num("flags", 0)},
              {num("nread", 4), num("roflags", 0)}, Errno::Success, {"GET "}));
  t.feed(call("fd_read", {num("fd", 4), num("iovs", 0)}, {num("nread", 3)}, Errno::Success, {"/ H"}));
  // A short send: only nsent bytes count.
  t.feed(call("sock_send", {num("fd", 4), iovs({"HTTP", "/1.1"}), num("flags", 0)}, {num("nsent", 6)}));
  t.feed(call("fd_write", {num("fd", 4), iovs({"xyz"})}, {num("nwritten", 3)}));
  t.feed(call("sock_recv", {num("fd", 4), num("iovs", 0), num("flags", 0)}, {}, Errno::ConnReset));
  t.feed(call("sock_shutdown", {num("fd", 4), num("how", 2)}));
  t.feed(call("fd_renumber", {num("fd", 4), num("to", 7)}));
  t.feed(call("fd_close", {num("fd", 7)}));
  t.feed(call("fd_write", {num("fd", 7), iovs({"after close"})}, {}, Errno::BadF));  // not a socket now
  const auto& a = t.activity();
  BOOST_REQUIRE_EQUAL(a.sockets.size(), 2u);
  BOOST_TEST(a.sockets[0].listener);
  const auto& s = a.sockets[1];
  BOOST_TEST(s.accepted);
  BOOST_TEST(*s.listener_fd == 3u);
  BOOST_TEST(s.local == "127.0.0.1:8080");
  BOOST_TEST(s.peer.empty());
  BOOST_TEST(s.bytes_received == 7u);
  BOOST_TEST(s.bytes_sent == 9u);
  BOOST_TEST(s.errors == 1u);
  BOOST_TEST(s.shut == 2u);
  BOOST_TEST(s.fd == 7u);
  BOOST_TEST(s.closed_record.has_value());
  std::vector<std::string> kinds;
  for (const auto& e : a.events) kinds.push_back(net_event_name(e.kind));
  std::vector<std::string> want = {"ACCEPT", "RECV", "RECV", "SEND", "SEND", "RECV", "SHUT", "CLOSE"};
  BOOST_TEST(kinds == want, boost::test_tools::per_element());
  BOOST_TEST(a.events[3].data == "HTTP/1");
  BOOST_TEST(tc::wasi::errno_name(a.events[5].error) == "ECONNRESET");
  BOOST_TEST(a.events[7].fd == 7u);
}

BOOST_AUTO_TEST_CASE(tracker_knows_the_socket_extension_by_name) {
  NetTracker t;
  t.feed(call("sock_open", {num("family", 1), num("type", 1)}, {num("fd", 5)}));
  t.feed(call("sock_connect", {num("fd", 5), addr("addr", "10.0.0.1:80")}));
  t.feed(call("sock_getlocaladdr", {num("fd", 5)}, {addr("addr", "10.0.0.2:50000")}));
  t.feed(call("sock_send_to", {num("fd", 5), iovs({"ping"}), addr("addr", "10.0.0.1:80"), num("flags", 0)},
              {num("nsent", 4)}));
  t.feed(call("sock_recv_from", {num("fd", 5), num("iovs", 0), num("flags", 0)},
              {num("nread", 4), num("roflags", 0), addr("peer", "10.0.0.1:80")}, Errno::Success, {"pong"}));
  t.feed(call("sock_open", {num("family", 1), num("type", 1)}, {num("fd", 6)}));
  t.feed(call("sock_bind", {num("fd", 6), addr("addr", "0.0.0.0:9000")}));
  t.feed(call("sock_listen", {num("fd", 6), num("backlog", 5)}));
  const auto& a = t.activity();
  BOOST_REQUIRE_EQUAL(a.sockets.size(), 2u);
  BOOST_TEST(a.sockets[0].connected);
  BOOST_TEST(a.sockets[0].peer == "10.0.0.1:80");
  BOOST_TEST(a.sockets[0].local == "10.0.0.2:50000");
  BOOST_TEST(a.sockets[0].bytes_sent == 4u);
  BOOST_TEST(a.sockets[0].bytes_received == 4u);
  BOOST_TEST(a.sockets[1].listener);
  BOOST_TEST(a.sockets[1].local == "0.0.0.0:9000");
  BOOST_REQUIRE_EQUAL(a.events.size(), 4u);
  BOOST_TEST(net_event_name(a.events[0].kind) == std::string("CONN"));
  BOOST_TEST(net_event_name(a.events[3].kind) == std::string("LISTEN"));
  // A connected socket sends the requests.
  NetTracker h;
  h.feed(call("sock_open", {num("family", 1), num("type", 1)}, {num("fd", 5)}));
  h.feed(call("sock_connect", {num("fd", 5), addr("addr", "10.0.0.1:80")}));
  h.feed(call("sock_send", {num("fd", 5), iovs({kGet}), num("flags", 0)}, {num("nsent", kGet.size())}));
  h.feed(call("fd_read", {num("fd", 5), num("iovs", 0)}, {num("nread", kOk.size())}, Errno::Success, {kOk}));
  auto xs = http_exchanges(h.activity());
  BOOST_REQUIRE_EQUAL(xs.size(), 1u);
  BOOST_TEST(xs[0].request.target == "/a");
  BOOST_TEST(xs[0].response->body == "hello");
}
