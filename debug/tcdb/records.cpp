// The recording's view: info record (host calls, decoded as `timecraft
// trace` prints them), info position, info checkpoints; and the `info`
// command's topics.
#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"
#include "trace/decode.hpp"

#include <regex>

namespace tc::debug {

std::string Debugger::record_text(uint64_t index) {
  auto log = trace::LogReader::open(reg_->log_segments(replay_->id()));
  if (!log) return "(the log cannot be read: " + log.error().message + ")";
  trace::Record r;
  while (log->next(r)) {
    if (r.index != index) continue;
    auto c = trace::decode_record(r);
    if (!c) return "(record " + std::to_string(index) + " does not decode: " + c.error().message + ")";
    return c->to_string();
  }
  return "(no record " + std::to_string(index) + " in the log)";
}

uint64_t Debugger::record_count() {
  if (records_) return *records_;
  uint64_t n = 0;
  if (auto log = trace::LogReader::open(reg_->log_segments(replay_->id()))) {
    trace::Record r;
    while (log->next(r)) ++n;
  }
  records_ = n;
  return n;
}

void Debugger::info_record() {
  const StopInfo& s = target_->stop();
  uint64_t total = record_count();
  std::fprintf(out_, "Host calls replayed: %llu of %llu.\n", static_cast<unsigned long long>(s.record),
               static_cast<unsigned long long>(total));
  if (s.in_host_call) {
    std::fprintf(out_, "Stopped before host call %llu: %s\n", static_cast<unsigned long long>(s.record),
                 record_text(s.record).c_str());
  } else {
    if (s.record > 0)
      std::fprintf(out_, "Last: %llu  %s\n", static_cast<unsigned long long>(s.record - 1), record_text(s.record - 1).c_str());
    else std::fprintf(out_, "Last: none (no host call yet)\n");
  }
  uint64_t next = s.in_host_call ? s.record + 1 : s.record;
  if (next < total)
    std::fprintf(out_, "Next: %llu  %s\n", static_cast<unsigned long long>(next), record_text(next).c_str());
  else std::fprintf(out_, "Next: none (the program makes no more host calls)\n");
}

void Debugger::info_position() {
  const StopInfo& s = target_->stop();
  uint64_t since = s.count - std::min(s.count, s.record_base);
  std::string where = s.in_host_call ? " (stopped in host call " + std::to_string(s.record) + ", before it runs)" : "";
  std::fprintf(out_, "Position %llu+%llu: %llu host call%s replayed, %llu instruction%s since%s; instruction %llu of the run.\n",
               static_cast<unsigned long long>(s.record), static_cast<unsigned long long>(since),
               static_cast<unsigned long long>(s.record), s.record == 1 ? "" : "s",
               static_cast<unsigned long long>(since), since == 1 ? "" : "s", where.c_str(),
               static_cast<unsigned long long>(s.count));
}

void Debugger::info_checkpoints() {
  const auto& cs = target_->checkpoints();
  std::fprintf(out_, "%zu checkpoint%s (private memory %.1f MiB):\n", cs.size(), cs.size() == 1 ? "" : "s",
               double(target_->checkpoint_memory()) / (1024.0 * 1024.0));
  for (const auto& c : cs)
    std::fprintf(out_, "  instruction %llu (host calls replayed: %llu)%s\n", static_cast<unsigned long long>(c.count),
                 static_cast<unsigned long long>(c.record), c.in_host_call ? ", in a host call" : "");
}

void Debugger::info_functions(const std::string& a) {
  std::string filter = trim(a);
  std::vector<std::string> names;
  if (info_) names = info_->function_names();
  for (const auto& [i, n] : replay_->module()->func_names) names.push_back(n);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  size_t shown = 0;
  std::optional<std::regex> re;
  try {
    if (!filter.empty()) re.emplace(filter);
  } catch (const std::regex_error&) {
    return fail("Invalid regexp: " + filter);
  }
  for (const auto& n : names)
    if (!re || std::regex_search(n, *re)) {
      std::fprintf(out_, "%s\n", n.c_str());
      ++shown;
    }
  if (!shown) std::fprintf(out_, "No functions%s.\n", filter.empty() ? "" : (" matching \"" + filter + "\"").c_str());
}

void Debugger::cmd_info(const std::string& a) {
  std::string topic = trim(a), rest;
  size_t sp = topic.find_first_of(" \t");
  if (sp != std::string::npos) {
    rest = trim(topic.substr(sp));
    topic = topic.substr(0, sp);
  }
  struct Topic {
    const char* name;
    std::function<void()> run;
  };
  const std::vector<Topic> topics = {
      {"breakpoints", [&] { info_breakpoints(false); }},
      {"watchpoints", [&] { info_breakpoints(true); }},
      {"locals", [&] { info_locals(false); }},
      {"args", [&] { info_locals(true); }},
      {"frame", [&] { info_frame(); }},
      {"globals", [&] { info_globals(rest); }},
      {"variables", [&] { info_globals(rest); }},
      {"functions", [&] { info_functions(rest); }},
      {"line", [&] { info_line(rest); }},
      {"source", [&] { info_source(); }},
      {"record", [&] { info_record(); }},
      {"position", [&] { info_position(); }},
      {"checkpoints", [&] { info_checkpoints(); }},
  };
  if (topic.empty()) {
    std::string all;
    for (const auto& t : topics) all += std::string(all.empty() ? "" : " ") + t.name;
    return fail("\"info\" must be followed by the name of an info command: " + all);
  }
  const Topic* match = nullptr;
  int n = 0;
  for (const auto& t : topics) {
    if (topic == t.name) { match = &t; n = 1; break; }
    if (std::string(t.name).compare(0, topic.size(), topic) == 0) { match = &t; ++n; }
  }
  if (topic == "b" || topic == "break") { match = &topics[0]; n = 1; }
  if (n != 1) return fail(std::string(n ? "Ambiguous" : "Undefined") + " info command: \"" + topic + "\".  Try \"help info\".");
  match->run();
}

}  // namespace tc::debug
