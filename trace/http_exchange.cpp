#include "trace/http_exchange.hpp"

#include <algorithm>
#include <cctype>

namespace tc::trace {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(uint8_t(x)) == std::tolower(uint8_t(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A stream's bytes in one string, and where each record's piece starts.
struct Flat {
  std::string data;
  std::vector<size_t> starts;
  const ByteStream* src = nullptr;

  explicit Flat(const ByteStream& s) : src(&s) {
    for (const auto& c : s.chunks) {
      starts.push_back(data.size());
      data += c.bytes;
    }
  }
  const ByteStream::Chunk& chunk_at(size_t offset) const {
    size_t i = size_t(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin());
    return src->chunks[i ? i - 1 : 0];
  }
};

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(uint8_t(c)) || c == '-' || c == '_' || c == '!' || c == '.';
  });
}

// "METHOD TARGET HTTP/1.x" or "HTTP/1.x CODE REASON".
bool start_line(std::string_view line, bool request, HttpMessage& m) {
  size_t a = line.find(' ');
  if (a == std::string_view::npos) return false;
  size_t b = line.find(' ', a + 1);
  std::string_view first = line.substr(0, a);
  std::string_view second = line.substr(a + 1, b == std::string_view::npos ? b : b - a - 1);
  std::string_view rest = b == std::string_view::npos ? "" : line.substr(b + 1);
  if (request) {
    if (!is_token(first) || second.empty() || rest.rfind("HTTP/1.", 0) != 0) return false;
    m.method = first;
    m.target = second;
    m.version = rest;
    return true;
  }
  if (first.rfind("HTTP/1.", 0) != 0 || second.size() != 3 ||
      !std::all_of(second.begin(), second.end(), [](char c) { return std::isdigit(uint8_t(c)); }))
    return false;
  m.version = first;
  m.status = std::stoi(std::string(second));
  m.reason = rest;
  return true;
}

enum class Parsed { Ok, NotHttp, End };

// Decodes a chunked body from `pos`; false when the stream ends inside it.
bool chunked_body(const std::string& d, size_t& pos, HttpMessage& m) {
  for (;;) {
    size_t eol = d.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    std::string size_text(trim(std::string_view(d).substr(pos, d.find(';', pos) < eol
                                                                     ? d.find(';', pos) - pos
                                                                     : eol - pos)));
    uint64_t n = 0;
    if (size_text.empty() || size_text.size() > 15 ||
        !std::all_of(size_text.begin(), size_text.end(), [](char c) { return std::isxdigit(uint8_t(c)); }))
      return false;
    n = std::stoull(size_text, nullptr, 16);
    pos = eol + 2;
    if (n == 0) {  // trailers, up to an empty line
      for (;;) {
        size_t e = d.find("\r\n", pos);
        if (e == std::string::npos) return false;
        bool empty = e == pos;
        pos = e + 2;
        if (empty) return true;
      }
    }
    if (d.size() - pos < n + 2) {
      m.body.append(d, pos, std::string::npos);
      pos = d.size();
      return false;
    }
    m.body.append(d, pos, size_t(n));
    pos += size_t(n) + 2;
  }
}

// One message at `pos`; on Ok `pos` is past it (the stream's end when it
// is incomplete).
Parsed message(const Flat& f, size_t& pos, bool request, std::string_view req_method,
               HttpMessage& m) {
  const std::string& d = f.data;
  if (pos >= d.size()) return Parsed::End;
  size_t line_end = d.find("\r\n", pos);
  std::string_view first = std::string_view(d).substr(pos, line_end == std::string::npos
                                                                ? std::min<size_t>(d.size() - pos, 8192)
                                                                : line_end - pos);
  // The start line, even while the stream ends before its CRLF.
  if (line_end == std::string::npos) {
    std::string_view head = first.substr(0, std::min<size_t>(first.size(), 16));
    bool looks = request ? is_token(head.substr(0, head.find(' '))) && head.find(' ') != head.npos
                         : std::string_view("HTTP/1.").substr(0, head.size()) == head.substr(0, 7);
    if (!looks) return Parsed::NotHttp;
    if (request) m.method = head.substr(0, head.find(' '));
  } else if (!start_line(first, request, m)) {
    return Parsed::NotHttp;
  }
  size_t begin = pos;
  m.first_record = f.chunk_at(begin).record;
  m.first_ns = f.chunk_at(begin).time_ns;
  auto finish = [&](size_t end, bool complete) {
    m.complete = complete;
    m.body_size = m.body.size();
    const auto& last = f.chunk_at(end > begin ? end - 1 : begin);
    m.last_record = last.record;
    m.last_ns = last.time_ns;
    pos = end;
    return Parsed::Ok;
  };
  size_t head_end = d.find("\r\n\r\n", pos);
  if (line_end == std::string::npos || head_end == std::string::npos) {
    m.head_size = d.size() - begin;
    return finish(d.size(), false);
  }
  // Headers.
  for (size_t p = line_end + 2; p < head_end + 2;) {
    size_t e = d.find("\r\n", p);
    std::string_view line = std::string_view(d).substr(p, e - p);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      m.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
    p = e + 2;
  }
  m.head_size = head_end + 4 - begin;
  pos = head_end + 4;
  // The body.
  const std::string* te = m.header("Transfer-Encoding");
  const std::string* cl = m.header("Content-Length");
  bool no_body = !request && (iequal(req_method, "HEAD") || m.status / 100 == 1 ||
                              m.status == 204 || m.status == 304);
  if (no_body) return finish(pos, true);
  if (te && te->find("chunked") != std::string::npos) {
    m.chunked = true;
    bool whole = chunked_body(d, pos, m);
    return finish(whole ? pos : d.size(), whole);
  }
  if (cl) {
    uint64_t n = 0;
    try {
      n = std::stoull(*cl);
    } catch (...) {
      return finish(d.size(), false);  // a length we cannot read: the rest is its body
    }
    size_t take = size_t(std::min<uint64_t>(n, d.size() - pos));
    m.body.assign(d, pos, take);
    return finish(pos + take, take == n);
  }
  if (request) return finish(pos, true);
  m.body.assign(d, pos, std::string::npos);  // delimited by the end of the connection
  return finish(d.size(), f.src->ended);
}

}  // namespace

const std::string* HttpMessage::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return &v;
  return nullptr;
}

uint64_t HttpExchange::duration_ns() const {
  if (!response || response->last_ns < request.first_ns) return 0;
  return response->last_ns - request.first_ns;
}

std::vector<HttpExchange> http_exchanges(const ByteStream& requests, const ByteStream& responses) {
  std::vector<HttpExchange> out;
  Flat rq(requests), rs(responses);
  size_t qpos = 0, spos = 0;
  bool responses_ok = true;
  for (;;) {
    HttpExchange x;
    if (message(rq, qpos, true, "", x.request) != Parsed::Ok) break;
    while (responses_ok) {
      HttpMessage m;
      if (message(rs, spos, false, x.request.method, m) != Parsed::Ok) {
        responses_ok = false;
        break;
      }
      // Interim responses (100 Continue) come before the real one.
      if (m.status / 100 == 1 && m.status != 101 && m.complete) continue;
      x.response = std::move(m);
      break;
    }
    bool upgraded = x.response && x.response->status == 101;
    bool last = !x.request.complete;
    out.push_back(std::move(x));
    if (upgraded || last) break;
  }
  return out;
}

std::vector<HttpExchange> http_exchanges(const NetActivity& act) {
  std::vector<ByteStream> in(act.sockets.size()), out(act.sockets.size());
  for (const auto& e : act.events) {
    if (e.error != wasi::Errno::Success) continue;
    if (e.kind == NetEventKind::Recv) {
      if (e.size == 0) in[e.socket].ended = true;  // EOF
      else in[e.socket].chunks.push_back({e.record, e.time_ns, e.data});
    } else if (e.kind == NetEventKind::Send && e.size) {
      out[e.socket].chunks.push_back({e.record, e.time_ns, e.data});
    } else if (e.kind == NetEventKind::Close ||
               (e.kind == NetEventKind::Shutdown && (e.how & 2))) {
      out[e.socket].ended = true;
    }
  }
  std::vector<HttpExchange> all;
  for (size_t i = 0; i < act.sockets.size(); ++i) {
    const NetSocket& s = act.sockets[i];
    std::vector<HttpExchange> xs;
    if (s.accepted) xs = http_exchanges(in[i], out[i]);
    else if (s.connected) xs = http_exchanges(out[i], in[i]);
    else if (xs = http_exchanges(in[i], out[i]); xs.empty()) xs = http_exchanges(out[i], in[i]);
    for (auto& x : xs) {
      x.socket = i;
      all.push_back(std::move(x));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const HttpExchange& a, const HttpExchange& b) {
    return a.request.first_record < b.request.first_record;
  });
  return all;
}

}  // namespace tc::trace
