// describe process ID...: the original Timecraft's layout (ID, Start,
// Runtime, Modules, Args, Env, Records, ---, the segment table), then what
// timecraft adds (status, duration, platform, dirs, limits); or one typed
// JSON/YAML object per process.
#include "tools/describe_process.hpp"

#include <chrono>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "registry/process_meta.hpp"
#include "tools/cli.hpp"
#include "tools/format.hpp"
#include "trace/codec.hpp"
#include "trace/log_reader.hpp"

namespace tc::cli {

using json = nlohmann::json;

namespace {

// The status word: how the run ended, as stored. The one place to decide it,
// so that "killed" (a "running" run that no live process holds) can be
// worked out here from the registry once it knows.
std::string status_of(const registry::ProcessMeta& m) { return m.status; }

// "exited 0", "trapped: unreachable", "interrupted (SIGINT)", "running", ...
std::string status_text(const registry::ProcessMeta& m) {
  const std::string status = status_of(m);
  const std::string msg = m.message.empty() ? "" : ": " + m.message;
  if (status == "exited") return "exited " + std::to_string(m.exit_code);
  if (status == "interrupted") return "interrupted (" + (m.message.empty() ? "signal" : m.message) + ")";
  if (status == "truncated") return "truncated (exit " + std::to_string(m.exit_code) + ")" + msg;
  return status + msg;
}

// One row of the segment table. Durations come from the batch headers
// (first and last record times), so no record is decompressed.
struct SegmentRow {
  uint32_t index = 0;
  uint64_t records = 0, batches = 0, duration_ns = 0, size = 0, uncompressed = 0, compressed = 0;
};

std::vector<SegmentRow> segment_rows(const trace::LogReader& log) {
  std::vector<SegmentRow> rows;
  for (const auto& s : log.segments()) {
    SegmentRow r{s.index, s.records, s.batches.size(), 0, s.size, 0, 0};
    for (const auto& b : s.batches) {
      r.uncompressed += b.header.raw_size;
      r.compressed += b.header.stored_size;
    }
    if (!s.batches.empty() && s.batches.back().header.last_time >= s.batches.front().header.first_time)
      r.duration_ns = s.batches.back().header.last_time - s.batches.front().header.first_time;
    rows.push_back(r);
  }
  return rows;
}

// 1 - compressed/uncompressed: 0.5665 for 56.65% smaller; 0 for nothing.
double compression_ratio(uint64_t compressed, uint64_t uncompressed) {
  return uncompressed ? 1.0 - double(compressed) / double(uncompressed) : 0.0;
}

std::string percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * ratio);
  return buf;
}

const char* codec_name(uint8_t codec) { return trace::codec_name(trace::Codec(codec)); }

// "Key:" padded to `width`: the original's lines to "Runtime: ", ours (which
// it does not have) to "Platform: "; a longer key gets one space.
std::string label(const std::string& key, size_t width = 9) {
  std::string s = key + ":";
  s.resize(std::max(s.size() + 1, width), ' ');
  return s;
}
constexpr size_t kOurs = 10;

std::string process_text(const registry::ProcessMeta& m, const Expected<trace::LogReader>& log,
                         bool verbose, int64_t now_ns) {
  std::ostringstream o;
  // The original Timecraft's lines first, in its form.
  o << label("ID") << m.id << "\n"
    << label("Start") << human_ago(m.start_unix_ns, now_ns) << ", " << rfc1123_local(m.start_unix_ns) << "\n"
    << label("Runtime") << m.runtime << " (" << m.runtime_version
    << (m.runtime_build.empty() ? "" : " " + m.runtime_build) << ")\n"
    << "Modules:\n"
    << "  sha256:" << m.module_digest << ": " << (m.module_name.empty() ? "(none)" : m.module_name)
    << " (" << human_size(m.module_size) << ")\n"
    << "Args:\n";
  for (const auto& a : m.args) o << "  " << a << "\n";
  o << "Env:\n";
  if (!verbose) o << "  ...\n";
  else
    for (const auto& e : m.env) o << "  " << e << "\n";

  // Ours.
  o << label("Status", kOurs) << status_text(m) << "\n";
  if (m.end_unix_ns) o << label("Duration", kOurs) << human_duration(uint64_t(m.end_unix_ns - m.start_unix_ns)) << "\n";
  o << label("Platform", kOurs) << (m.arch.empty() ? "unknown" : m.arch);
  for (size_t i = 0; i < m.cpu_features.size(); ++i)
    o << (i ? ", " : " (") << m.cpu_features[i] << (i + 1 == m.cpu_features.size() ? ")" : "");
  if (!m.relaxed_simd.empty()) o << "; relaxed SIMD " << m.relaxed_simd;
  o << "\n";
  if (!m.dirs.empty()) {
    o << "Dirs:\n";
    for (const auto& d : m.dirs) o << "  " << d.host << " -> " << d.guest << "\n";
  }
  if (!m.listen.empty() || !m.dial.empty() || !m.net.empty()) {
    o << "Network:\n";  // what the guest could reach (run --listen / --dial / --net)
    for (const auto& l : m.listen) o << "  listen " << l << "\n";
    for (const auto& d : m.dial) o << "  dial " << d << "\n";
    for (const auto& n : m.net) o << "  net " << n << "\n";
  }
  o << label("Limits", kOurs) << "call depth " << m.max_call_depth << ", memory " << m.max_memory_pages << " pages";
  if (!m.capped_memories.empty()) {
    o << "; memory";
    for (auto i : m.capped_memories) o << " " << i;
    o << " could not grow (address space limited)";
  }
  o << "\n";
  if (m.chaos) {
    o << label("Chaos", kOurs) << "rate " << json(m.chaos->rate).dump() << ", seed " << m.chaos->seed
      << ", faults ";
    for (size_t i = 0; i < m.chaos->kinds.size(); ++i) o << (i ? "," : "") << m.chaos->kinds[i];
    o << "\n";
  }
  if (m.invoke) {
    o << label("Invoke", kOurs) << *m.invoke;
    for (const auto& a : m.invoke_args) o << " " << a;
    o << "\n";
  }

  if (!log) {
    o << label("Log") << "unreadable: " << log.error().message << "\n";
    return o.str();
  }
  trace::LogStats st = log->stats();
  double ratio = compression_ratio(st.stored_bytes, st.raw_bytes);
  o << label("Records") << st.records << ", " << st.batches << " batch(es), " << st.segments
    << " segment(s), " << human_size(st.stored_bytes) << "/" << human_size(st.raw_bytes) << " +"
    << human_size(st.file_bytes - st.stored_bytes) << " (compression: " << percent(ratio) << ")\n";
  if (log->torn_tail()) o << label("Torn tail") << *log->torn_tail() << "\n";
  if (!m.log_error.empty())
    o << label("Log error") << m.log_error << " (recording stopped at record " << st.records << ")\n";
  o << "---\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : segment_rows(*log))
    rows.push_back({std::to_string(r.index), std::to_string(r.records), std::to_string(r.batches),
                    human_duration(r.duration_ns), human_size(r.size), human_size(r.uncompressed),
                    human_size(r.compressed), percent(compression_ratio(r.compressed, r.uncompressed))});
  o << format_table({"SEGMENT", "RECORDS", "BATCHES", "DURATION", "SIZE", "UNCOMPRESSED SIZE",
                     "COMPRESSED SIZE", "COMPRESSION RATIO"},
                    rows);
  if (verbose) {
    rows.clear();
    for (const auto& s : log->segments())
      for (const auto& b : s.batches) {
        char off[24];
        std::snprintf(off, sizeof off, "0x%llx", static_cast<unsigned long long>(b.offset));
        rows.push_back({std::to_string(s.index), off, std::to_string(b.header.first_record),
                        std::to_string(b.header.count),
                        human_size(b.header.stored_size) + "/" + human_size(b.header.raw_size),
                        codec_name(b.header.codec)});
      }
    o << "\n" << format_table({"SEGMENT", "OFFSET", "FIRST", "RECORDS", "SIZE", "CODEC"}, rows);
  }
  return o.str();
}

// The one schema of `describe process -o json|yaml` (see the help text).
json process_json(const registry::ProcessMeta& m, const Expected<trace::LogReader>& log, bool verbose) {
  const bool ended = m.end_unix_ns != 0;
  json module = {{"digest", "sha256:" + m.module_digest}, {"name", m.module_name}, {"size", m.module_size}};
  json dirs = json::array();
  for (const auto& d : m.dirs) dirs.push_back({{"host", d.host}, {"guest", d.guest}});
  json j = {
      {"id", m.id},
      {"start", rfc3339(m.start_unix_ns)},
      {"start_unix_ns", m.start_unix_ns},
      {"end_unix_ns", ended ? json(m.end_unix_ns) : json(nullptr)},
      {"duration_ns", ended ? json(m.end_unix_ns - m.start_unix_ns) : json(nullptr)},
      {"status", status_of(m)},
      {"exit_code", ended ? json(m.exit_code) : json(nullptr)},
      {"message", m.message},
      {"runtime", {{"name", m.runtime}, {"version", m.runtime_version}, {"build", m.runtime_build}}},
      {"platform", {{"arch", m.arch}, {"cpu_features", m.cpu_features}}},
      {"relaxed_simd", m.relaxed_simd},
      {"modules", json::array({module})},
      {"args", m.args},
      {"env", verbose ? m.env : std::vector<std::string>{}},
      {"env_count", m.env.size()},
      {"dirs", dirs},
      {"listen", m.listen},
      {"dial", m.dial},
      {"net", m.net},
      {"invoke", m.invoke ? json(*m.invoke) : json(nullptr)},
      {"invoke_args", m.invoke_args},
      {"limits", {{"max_call_depth", m.max_call_depth}, {"max_memory_pages", m.max_memory_pages},
                  {"capped_memories", m.capped_memories}}},
  };
  j["chaos"] = m.chaos ? json{{"rate", m.chaos->rate}, {"seed", m.chaos->seed},
                               {"kinds", m.chaos->kinds}}
                      : json(nullptr);
  trace::LogStats st = log ? log->stats() : trace::LogStats{};
  json segments = json::array();
  if (log)
    for (size_t i = 0; const auto& r : segment_rows(*log)) {
      json batches = json::array();
      if (verbose)
        for (const auto& b : log->segments()[i].batches)
          batches.push_back({{"offset", b.offset}, {"first_record", b.header.first_record},
                             {"records", b.header.count}, {"first_time_ns", b.header.first_time},
                             {"last_time_ns", b.header.last_time}, {"compressed", b.header.stored_size},
                             {"uncompressed", b.header.raw_size}, {"codec", codec_name(b.header.codec)}});
      segments.push_back({{"index", r.index}, {"records", r.records}, {"batches", r.batches},
                          {"duration_ns", r.duration_ns}, {"size", r.size}, {"uncompressed", r.uncompressed},
                          {"compressed", r.compressed},
                          {"ratio", compression_ratio(r.compressed, r.uncompressed)},
                          {"batch_list", batches}});
      ++i;
    }
  j["log"] = {
      {"records", st.records},
      {"batches", st.batches},
      {"compressed_bytes", st.stored_bytes},
      {"uncompressed_bytes", st.raw_bytes},
      {"overhead_bytes", st.file_bytes - st.stored_bytes},
      {"compression_ratio", compression_ratio(st.stored_bytes, st.raw_bytes)},
      {"batch_records", m.batch_records},
      {"segment_bytes", m.segment_bytes},
      {"codec", m.codec},
      {"torn_tail", log && log->torn_tail() ? json(*log->torn_tail()) : json(nullptr)},
      {"error", log ? json(nullptr) : json(log.error().message)},
      {"recording_error", m.log_error.empty() ? json(nullptr) : json(m.log_error)},
      {"segments", segments},
  };
  return j;
}

}  // namespace

// Each id in turn; one that does not resolve (or whose metadata is broken)
// is a one-line error, the others are still shown, and the exit status is 1.
int describe_processes(registry::Registry& reg, const std::vector<std::string>& prefixes,
                       OutputFormat fmt, bool verbose) {
  int status = kExitOk;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  json all = json::array();
  bool first = true;
  for (const auto& prefix : prefixes) {
    auto id = reg.resolve(registry::ObjectKind::Process, prefix);
    if (!id) { status = fail(kExitError, id.error().message); continue; }
    auto meta = reg.load_process_meta(*id);  // errors name the file
    if (!meta) { status = fail(kExitError, meta.error().message); continue; }
    auto log = trace::LogReader::open(reg.log_segments(*id));
    if (fmt == OutputFormat::Text) {
      std::cout << (first ? "" : "\n") << process_text(*meta, log, verbose, now) << std::flush;
      first = false;
    } else {
      all.push_back(process_json(*meta, log, verbose));
    }
  }
  if (fmt == OutputFormat::Text) return status;
  json out = prefixes.size() == 1 ? (all.empty() ? json() : all[0]) : all;
  if (out.is_null()) return status;
  // Args, env and paths are the host's bytes, not necessarily UTF-8: shown as U+FFFD.
  out = json::parse(out.dump(-1, ' ', false, json::error_handler_t::replace));
  std::cout << (fmt == OutputFormat::Json ? out.dump(2) + "\n" : to_yaml(out));
  return status;
}

}  // namespace tc::cli
