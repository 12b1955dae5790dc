#include "trace/output.hpp"

#include <map>

#include "trace/decode.hpp"

namespace tc::trace {

RebuiltOutput rebuild_output(LogReader& log) {
  RebuiltOutput out;
  std::map<uint64_t, int> streams = {{1, 1}, {2, 2}};  // guest fd -> stream
  Record r;
  auto is = [](uint32_t id, wasi::CallId c) { return id == uint32_t(c); };
  while (log.next(r)) {
    if (!is(r.call_id, wasi::CallId::fd_write) && !is(r.call_id, wasi::CallId::fd_renumber) &&
        !is(r.call_id, wasi::CallId::fd_close))
      continue;
    auto call = decode_record(r);
    if (!call) {
      out.problem = call.error().message;
      return out;
    }
    if (call->error != wasi::Errno::Success) continue;
    uint64_t fd = call->input("fd") ? call->input("fd")->number : ~0ull;
    if (is(r.call_id, wasi::CallId::fd_write)) {
      auto it = streams.find(fd);
      if (it == streams.end()) continue;
      uint64_t n = call->output("nwritten") ? call->output("nwritten")->number : 0;
      OutputChunk c{it->second, r.index, r.time_ns, {}};
      for (const auto& b : call->input("iovs")->buffers) {
        size_t take = size_t(std::min<uint64_t>(n, b.size()));
        c.bytes.append(b, 0, take);
        n -= take;
      }
      if (!out.chunks.empty() && out.chunks.back().stream == c.stream)
        out.chunks.back().bytes += c.bytes;  // merge consecutive writes
      else
        out.chunks.push_back(std::move(c));
    } else if (is(r.call_id, wasi::CallId::fd_renumber)) {
      uint64_t to = call->input("to")->number;
      auto it = streams.find(fd);
      if (it != streams.end()) streams[to] = it->second;
      else streams.erase(to);
      streams.erase(fd);
    } else {
      streams.erase(fd);
    }
  }
  out.problem = log.torn_tail();
  return out;
}

}  // namespace tc::trace
