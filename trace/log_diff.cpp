#include "trace/log_diff.hpp"

#include <algorithm>
#include <cstring>
#include <deque>

#include "trace/decode.hpp"
#include "wasi/call_types.hpp"

namespace tc::trace {

std::string call_name(uint32_t call_id) {
  for (const auto& c : wasi::all_calls())
    if (uint32_t(c.id) == call_id) return c.name;
  return "call " + std::to_string(call_id);
}

namespace {

OwnedRecord own(const Record& r) {
  return {r.index, r.time_ns, r.call_id, {r.payload.begin(), r.payload.end()}};
}

bool same(const Record& a, const Record& b) {
  return a.call_id == b.call_id && a.payload.size() == b.payload.size() &&
         std::equal(a.payload.begin(), a.payload.end(), b.payload.begin());
}

// "'c' (0x63)", or "0x03" for a byte that does not print.
std::string byte_text(unsigned char c) {
  static const char* hex = "0123456789abcdef";
  std::string h = {'0', 'x', hex[c >> 4], hex[c & 15]};
  if (c >= 33 && c < 127) return std::string("'") + char(c) + "' (" + h + ")";
  return h;
}

std::string concat(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p;
  return s;
}

// Where two byte strings (that differ) part: the first differing byte, or
// the end of the shorter one.
void describe_bytes(const std::string& what, const std::string& x, const std::string& y,
                    Difference& d) {
  size_t n = std::min(x.size(), y.size());
  size_t k = size_t(std::mismatch(x.begin(), x.begin() + long(n), y.begin()).first - x.begin());
  d.offset = k;
  if (k < n)
    d.detail = what + " differ at offset " + std::to_string(k) + ": " +
               byte_text(static_cast<unsigned char>(x[k])) + " vs " +
               byte_text(static_cast<unsigned char>(y[k]));
  else
    d.detail = what + ": " + std::to_string(x.size()) + " vs " + std::to_string(y.size()) +
               " bytes, the first " + std::to_string(n) + " the same";
}

bool field_equal(const Record& a, const DecodedField& fa, const Record& b, const DecodedField& fb) {
  return fa.size == fb.size &&
         std::memcmp(a.payload.data() + fa.offset, b.payload.data() + fb.offset, fa.size) == 0;
}

bool holds_bytes(wasi::Kind k) {
  using wasi::Kind;
  return k == Kind::IovecsIn || k == Kind::Path || k == Kind::String || k == Kind::Strings;
}

void describe_field(const std::string& label, const DecodedField& fa, const DecodedField& fb,
                    Difference& d) {
  if (holds_bytes(fa.kind)) {
    auto x = concat(fa.buffers), y = concat(fb.buffers);
    if (x != y) return describe_bytes(label + " bytes", x, y, d);
    d.detail = label + ": the same bytes, split differently: " + fa.text + " vs " + fb.text;
  } else if (fa.text != fb.text) {
    d.detail = label + ": " + fa.text + " vs " + fb.text;
  } else {  // e.g. a Filestat's inode, which the text leaves out
    d.detail = label + ": " + fa.text + " in both, but values not shown differ";
  }
}

std::optional<Difference> compare_decoded(const Record& ra, const DecodedCall& a,
                                          const Record& rb, const DecodedCall& b, Difference d) {
  // Same call id, so the same fields in the same order.
  for (size_t i = 0; i < a.inputs.size() && i < b.inputs.size(); ++i)
    if (!field_equal(ra, a.inputs[i], rb, b.inputs[i])) {
      d.field = "inputs." + a.inputs[i].name;
      describe_field("input " + a.inputs[i].name, a.inputs[i], b.inputs[i], d);
      return d;
    }
  if (a.error != b.error) {
    d.field = "errno";
    d.detail = std::string("errno: ") + wasi::errno_name(a.error) + " vs " + wasi::errno_name(b.error);
    return d;
  }
  for (size_t i = 0; i < a.outputs.size() && i < b.outputs.size(); ++i)
    if (!field_equal(ra, a.outputs[i], rb, b.outputs[i])) {
      d.field = "outputs." + a.outputs[i].name;
      describe_field("result " + a.outputs[i].name, a.outputs[i], b.outputs[i], d);
      return d;
    }
  auto x = concat(a.filled), y = concat(b.filled);
  if (x != y) {
    d.field = "returned";
    describe_bytes("bytes returned", x, y, d);
    return d;
  }
  d.field = "payload";  // not reached for payloads that decode fully
  d.detail = "the records' bytes differ";
  return d;
}

}  // namespace

std::optional<Difference> compare_records(const OwnedRecord& a, const OwnedRecord& b) {
  Record ra = a.view(), rb = b.view();
  if (same(ra, rb)) return std::nullopt;
  Difference d;
  d.a = a;
  d.b = b;
  if (a.call_id != b.call_id) {
    d.field = "call";
    d.detail = "different calls: " + call_name(a.call_id) + " vs " + call_name(b.call_id);
    return d;
  }
  auto ca = decode_record(ra), cb = decode_record(rb);
  if (!ca || !cb) {
    d.field = "payload";
    d.detail = !ca ? "a: " + ca.error().message : "b: " + cb.error().message;
    return d;
  }
  return compare_decoded(ra, *ca, rb, *cb, std::move(d));
}

bool LogDiff::decided() const {
  if (!first) return !torn_a && !torn_b;
  if (first->field != "end") return true;
  return first->a ? !torn_b : !torn_a;  // the side without a record is the one that ended
}

LogDiff diff_logs(LogReader& a, LogReader& b, const DiffOptions& opts) {
  LogDiff d;
  std::deque<std::pair<OwnedRecord, uint64_t>> context;
  auto tally_a = [&](const Record& r) { ++d.records_a; ++d.calls[call_name(r.call_id)].first; };
  auto tally_b = [&](const Record& r) { ++d.records_b; ++d.calls[call_name(r.call_id)].second; };

  Record ra, rb;
  bool more_a = a.next(ra), more_b = b.next(rb);
  while (more_a && more_b) {
    tally_a(ra);
    tally_b(rb);
    if (!same(ra, rb)) {
      d.first = compare_records(own(ra), own(rb));
      more_a = a.next(ra);
      more_b = b.next(rb);
      break;
    }
    ++d.common;
    if (opts.context) {
      if (context.size() == opts.context) context.pop_front();
      context.emplace_back(own(ra), rb.time_ns);
    }
    more_a = a.next(ra);
    more_b = b.next(rb);
  }
  if (!d.first && more_a != more_b) {
    // One log is a prefix of the other.
    Difference e;
    e.field = "end";
    const char* ended = more_a ? "b" : "a";
    const auto& torn = more_a ? b.torn_tail() : a.torn_tail();
    e.detail = std::string(ended) + "'s log " + (torn ? "tore" : "ends") + " after " +
               std::to_string(d.common) + " records" + (torn ? " (" + *torn + ")" : "") + "; " +
               (more_a ? "a" : "b") + " goes on";
    if (more_a) e.a = own(ra);
    else e.b = own(rb);
    d.first = std::move(e);
  }
  for (; more_a; more_a = a.next(ra)) tally_a(ra);
  for (; more_b; more_b = b.next(rb)) tally_b(rb);
  if (d.first)
    d.context.assign(std::make_move_iterator(context.begin()), std::make_move_iterator(context.end()));
  d.torn_a = a.torn_tail();
  d.torn_b = b.torn_tail();
  return d;
}

}  // namespace tc::trace
