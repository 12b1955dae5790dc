#include "tools/trace_filter.hpp"

#include "tools/cli.hpp"
#include "tools/number_option.hpp"

namespace tc::cli {

namespace {

Error usage(const std::string& what) { return make_error(ErrorKind::Usage, what); }

template <class T, class U>
Expected<void> assign(Expected<U> v, T& out) {
  if (!v) return v.error();
  out = *v;
  return {};
}

Expected<void> add_calls(const std::string& list, std::set<uint32_t>& ids) {
  std::vector<std::string> names;
  for (const auto& c : wasi::all_calls()) names.push_back(c.name);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string name = list.substr(start, comma - start);
    const wasi::CallInfo* call = wasi::find_call(name);
    if (!call) {
      std::string msg = "--call " + name + ": no such WASI call";
      if (auto near = closest(name, names); !near.empty()) msg += "; did you mean \"" + near + "\"?";
      return usage(msg);
    }
    ids.insert(uint32_t(call->id));
    start = comma + 1;
  }
  return {};
}

// "A..B", "A..", "..B" or "A".
Expected<void> parse_records(const std::string& text, uint64_t& first, uint64_t& last) {
  auto dots = text.find("..");
  std::string a = dots == std::string::npos ? text : text.substr(0, dots);
  std::string b = dots == std::string::npos ? text : text.substr(dots + 2);
  if (a.empty() && b.empty()) return usage("--records: expected A..B, A.. or ..B");
  if (!a.empty()) TC_TRY(assign(parse_number_option("--records", a, 0, UINT64_MAX / 2), first));
  if (!b.empty()) TC_TRY(assign(parse_number_option("--records", b, 0, UINT64_MAX / 2), last));
  if (first > last)
    return usage("--records " + text + ": the range is empty (" + std::to_string(first) + " > " +
                 std::to_string(last) + ")");
  return {};
}

}  // namespace

Expected<TraceFilter> parse_trace_filter(const boost::program_options::variables_map& vm) {
  TraceFilter f;
  auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  if (vm.count("call"))
    for (const auto& list : vm["call"].as<std::vector<std::string>>())
      TC_TRY(add_calls(list, f.calls));
  if (vm.count("fd")) TC_TRY(assign(parse_number_option("--fd", text("fd"), 0, UINT32_MAX), f.fd));
  if (vm.count("records")) TC_TRY(parse_records(text("records"), f.first, f.last));
  if (vm.count("since")) TC_TRY(assign(parse_offset_option("--since", text("since")), f.since_ns));
  if (vm.count("until")) TC_TRY(assign(parse_offset_option("--until", text("until")), f.until_ns));
  f.injected = vm.count("injected") != 0;
  if (f.until_ns && *f.until_ns <= f.since_ns) return usage("--until must be later than --since");
  return f;
}

bool TraceFilter::wants(const trace::Record& r) const {
  return r.index >= first && r.index <= last && r.time_ns >= since_ns &&
         (!until_ns || r.time_ns < *until_ns) && (calls.empty() || calls.count(r.call_id)) &&
         (!injected || r.injected);
}

bool TraceFilter::wants(const trace::DecodedCall& c) const {
  if (!fd) return true;
  for (const auto& f : c.inputs)
    if (f.kind == wasi::Kind::Fd && f.number == *fd) return true;
  return false;
}

bool TraceFilter::past(const trace::Record& r) const {
  return r.index >= last || (until_ns && r.time_ns >= *until_ns);
}

}  // namespace tc::cli
