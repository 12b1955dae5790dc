// Template bodies of recorder.hpp (generic over every call of calls.def).
#pragma once
#include "trace/wasi_fields.hpp"

namespace tc::trace {

template <class In, class Out>
void encode_call(std::vector<uint8_t>& buf, const In& in, wasi::Errno e, const Out& out,
                 std::vector<Splice>* splices) {
  PayloadWriter w(buf);
  auto filled = [&](const uint8_t* p, size_t n) {
    if (!n) return;
    if (splices) splices->push_back({buf.size(), {p, n}});
    else buf.insert(buf.end(), p, p + n);
  };
  wasi::call::visit_fields(in, [&](wasi::Kind, std::string_view, const auto& v) {
    fields::enc(w, v);
  });
  w.u64(uint64_t(e));
  wasi::call::visit_fields(out, [&](wasi::Kind, std::string_view, const auto& v) {
    fields::enc(w, v);
  });
  // The bytes the call wrote into guest memory (only what it filled).
  wasi::call::visit_fields(in, [&](wasi::Kind, std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, wasi::IovecsOut>) {
      uint64_t cap = 0;
      for (auto b : v) cap += b.size();
      uint64_t n = e == wasi::Errno::Success ? filled_bytes(out, cap) : 0;
      w.u64(n);
      for (auto b : v) {
        size_t take = size_t(std::min<uint64_t>(n, b.size()));
        filled(b.data(), take);
        n -= take;
      }
    } else if constexpr (std::is_same_v<T, std::span<uint8_t>>) {
      uint64_t n = e == wasi::Errno::Success ? v.size() : 0;
      w.u64(n);
      filled(v.data(), size_t(n));
    }
  });
}

template <class In, class Out>
void Recorder::record(wasi::CallId id, const In& in, wasi::Errno e, const Out& out,
                      bool injected) {
  if (log_error_ && !on_record_) return;
  buf_.clear();
  splices_.clear();
  // With a live trace the hook needs the whole payload in one piece.
  encode_call(buf_, in, e, out, on_record_ ? nullptr : &splices_);
  auto t = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start_).count());
  if (log_ && !log_error_)
    if (auto r = log_->append(t, uint32_t(id), buf_, splices_, injected ? kRecordInjected : 0); !r)
      log_error_ = r.error();
  if (on_record_) on_record_(Record{index_, t, uint32_t(id), buf_, injected});
  ++index_;
}

}  // namespace tc::trace
