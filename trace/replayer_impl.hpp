// Template body of Replayer::replay (generic over every call of calls.def).
#pragma once
#include "trace/wasi_fields.hpp"

namespace tc::trace {

template <class In, class Out>
wasi::Errno Replayer::replay(wasi::CallId id, const char* name, const In& in, Out& out) {
  if (divergence_) return wasi::Errno::NotCapable;
  Record r;
  if (!log_.next(r)) {
    std::string why = "the program called " + std::string(name) + " after the last record (" +
                      std::to_string(replayed_) + " records replayed)";
    if (log_.torn_tail()) why += "; the log is cut short: " + *log_.torn_tail();
    diverge(why);
    ran_out_ = true;
    return wasi::Errno::NotCapable;
  }
  // Built only on a divergence: replay is on the hot path of every call.
  auto at = [&] { return "record " + std::to_string(r.index) + ": "; };
  if (r.call_id != uint32_t(id)) {
    diverge(at() + "recorded " + call_name(r.call_id) + ", observed " + name);
    return wasi::Errno::NotCapable;
  }
  PayloadReader pr(r.payload);
  std::string diff;
  wasi::call::visit_fields(in, [&](wasi::Kind, std::string_view field, const auto& v) {
    if (!diff.empty()) return;
    std::string d = fields::cmp(pr, v);
    if (!d.empty()) diff = std::string(field) + ": " + d;
  });
  if (!diff.empty()) {
    diverge(at() + name + " input " + diff);
    return wasi::Errno::NotCapable;
  }
  wasi::Errno e;
  bool ok = fields::dec(pr, e);
  wasi::call::visit_fields(out, [&](wasi::Kind, std::string_view, auto& v) {
    ok = ok && fields::dec(pr, v);
  });
  // Refill the guest buffers with what the call wrote during the run.
  wasi::call::visit_fields(in, [&](wasi::Kind, std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, wasi::IovecsOut> || std::is_same_v<T, std::span<uint8_t>>) {
      std::span<const uint8_t> bytes;
      ok = ok && pr.bytes(bytes);
      if (!ok) return;
      auto copy_into = [&](std::span<uint8_t> dst) {
        size_t n = std::min(dst.size(), bytes.size());
        std::copy(bytes.begin(), bytes.begin() + long(n), dst.begin());
        bytes = bytes.subspan(n);
      };
      if constexpr (std::is_same_v<T, wasi::IovecsOut>) {
        for (auto dst : v) copy_into(dst);
      } else {
        copy_into(v);
      }
      ok = ok && bytes.empty();  // the record never holds more than the buffers
    }
  });
  if (!ok || !pr.at_end()) {
    diverge(at() + name + ": corrupt record payload");
    return wasi::Errno::NotCapable;
  }
  ++replayed_;
  // Follow what the program saw of stdout/stderr.
  if (e == wasi::Errno::Success) {
    if constexpr (std::is_same_v<In, wasi::call::fd_write_in>) {
      echo_write(in.fd, in.iovs, out.nwritten);
    } else if constexpr (std::is_same_v<In, wasi::call::fd_renumber_in>) {
      auto it = host_out_.find(in.fd);
      if (it != host_out_.end()) host_out_[in.to] = it->second;
      else host_out_.erase(in.to);
      host_out_.erase(in.fd);
    } else if constexpr (std::is_same_v<In, wasi::call::fd_close_in>) {
      host_out_.erase(in.fd);
    }
  }
  if (opts_.on_record) opts_.on_record(r);
  if (opts_.end_after && replayed_ >= *opts_.end_after) {
    diverge("the log ends after record " + std::to_string(replayed_ - 1));
    ran_out_ = true;
  }
  return e;
}

}  // namespace tc::trace
