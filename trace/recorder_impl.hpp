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

namespace recorder_detail {

template <class T>
constexpr bool is_number = std::is_integral_v<T> || std::is_enum_v<T>;

// How many fields `s` has if all are numbers (one varint each), else -1.
template <class S>
int number_fields(const S& s) {
  int n = 0;
  bool all = true;
  wasi::call::visit_fields(s, [&](wasi::Kind, std::string_view, const auto& v) {
    if constexpr (is_number<std::decay_t<decltype(v)>>) ++n;
    else all = false;
  });
  return all ? n : -1;
}

// The number fields of `s` as encode_call writes them (fields::enc), at `p`.
template <class S>
uint8_t* put_number_fields(uint8_t* p, const S& s) {
  wasi::call::visit_fields(s, [&](wasi::Kind, std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_enum_v<T> || std::is_unsigned_v<T>)
      p = put_varint(p, uint64_t(v));
    else if constexpr (std::is_signed_v<T>)
      p = put_varint(p, zigzag(int64_t(v)));
  });
  return p;
}

}  // namespace recorder_detail

template <class In, class Out>
void Recorder::record(wasi::CallId id, const In& in, wasi::Errno e, const Out& out,
                      bool injected) {
  if (log_error_ && !on_record_) return;
  // Calls of numbers only (clock_time_get, fd_seek, ...) without a live
  // trace: encoded straight into the log's batch, no head buffer.
  using namespace recorder_detail;
  int ins = number_fields(in), outs = number_fields(out);
  if (!on_record_ && log_ && ins >= 0 && outs >= 0 &&
      size_t(ins + outs + 1) * kMaxVarint <= LogWriter::kMaxInPlace) {
    uint64_t t;
    if constexpr (std::is_same_v<In, wasi::call::clock_time_get_in>) {
      // The program's own monotonic reading is the record's timestamp: on a
      // VM a second clock_gettime costs as much as the call itself.
      uint64_t start = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    start_.time_since_epoch()).count());
      if (host_monotonic_ && in.id == wasi::ClockId::Monotonic && e == wasi::Errno::Success && !injected &&
          out.time >= start)
        t = out.time - start;
      else
        t = now_ns();
    } else {
      t = now_ns();
    }
    uint32_t flags = injected ? kRecordInjected : 0;
    bool ok;
    if constexpr (std::is_same_v<In, wasi::call::clock_time_get_in>)
      ok = log_error_ || log_->append_clock(t, flags, uint64_t(in.id), in.precision, uint64_t(e), out.time);
    else
      ok = log_error_ || log_->append_in_place(t, uint32_t(id), flags, [&](uint8_t* p) {
             p = put_number_fields(p, in);
             p = put_varint(p, uint64_t(e));
             return put_number_fields(p, out);
           });
    if (!ok) log_error_ = log_->failure().error();
    ++index_;
    return;
  }
  buf_.clear();
  splices_.clear();
  // With a live trace the hook needs the whole payload in one piece.
  encode_call(buf_, in, e, out, on_record_ ? nullptr : &splices_);
  uint64_t t = now_ns();
  if (log_ && !log_error_)
    if (auto r = log_->append(t, uint32_t(id), buf_, splices_, injected ? kRecordInjected : 0); !r)
      log_error_ = r.error();
  if (on_record_) on_record_(Record{index_, t, uint32_t(id), buf_, injected});
  ++index_;
}

}  // namespace tc::trace
