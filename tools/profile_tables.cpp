#include "tools/profile_tables.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "tools/format.hpp"

namespace tc::cli {

namespace {

using json = nlohmann::json;

struct FunctionRow {
  uint32_t function = 0;
  uint64_t self = 0, total = 0, calls = 0, self_ns = 0, total_ns = 0;
};

// Per function over all its paths; a path inside another path of the
// same function (recursion) adds to self but not again to total.
std::vector<FunctionRow> by_function(const profile::Profile& p) {
  std::map<uint32_t, FunctionRow> rows;
  for (uint32_t i = 1; i < p.nodes.size(); ++i) {
    const profile::Node& n = p.nodes[i];
    FunctionRow& r = rows[n.function];
    r.function = n.function;
    r.self += n.self_instructions;
    r.self_ns += n.self_ns;
    r.calls += n.calls;
    bool nested = false;
    for (uint32_t a = n.parent; a != 0 && !nested; a = p.nodes[a].parent) nested = p.nodes[a].function == n.function;
    if (!nested) {
      r.total += n.total_instructions;
      r.total_ns += n.total_ns;
    }
  }
  std::vector<FunctionRow> out;
  for (auto& [f, r] : rows) out.push_back(r);
  std::stable_sort(out.begin(), out.end(), [](const FunctionRow& a, const FunctionRow& b) {
    return a.self != b.self ? a.self > b.self : a.total > b.total;
  });
  return out;
}

std::string commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string percent(uint64_t part, uint64_t whole) {
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", whole ? 100.0 * double(part) / double(whole) : 0.0);
  return b;
}

std::string emit(const json& j, OutputFormat fmt) { return fmt == OutputFormat::Json ? j.dump(2) + "\n" : to_yaml(j); }

json header(const profile::Profile& p) {
  return {{"process", p.process_id}, {"module", p.module_name}, {"duration_ns", p.duration_ns},
          {"instructions", p.nodes.empty() ? 0 : p.nodes[0].total_instructions}};
}

}  // namespace

std::string function_table(const profile::Profile& p, size_t top, OutputFormat fmt) {
  const uint64_t all = p.nodes.empty() ? 0 : p.nodes[0].total_instructions;
  auto rows = by_function(p);
  if (rows.size() > top) rows.resize(top);
  if (fmt != OutputFormat::Text) {
    json j = header(p);
    json list = json::array();
    for (const auto& r : rows) {
      const profile::Function& f = p.functions[r.function];
      list.push_back({{"function", f.name}, {"host", f.host}, {"file", f.file}, {"line", f.line},
                      {"self_instructions", r.self}, {"total_instructions", r.total}, {"calls", r.calls},
                      {"self_ns", r.self_ns}, {"total_ns", r.total_ns}});
    }
    j["functions"] = list;
    return emit(j, fmt);
  }
  std::vector<std::vector<std::string>> t;
  for (const auto& r : rows) {
    const profile::Function& f = p.functions[r.function];
    t.push_back({f.name + (f.host ? " (host)" : ""), commas(r.self), percent(r.self, all), commas(r.total),
                 percent(r.total, all), commas(r.calls), human_duration(r.self_ns)});
  }
  uint64_t host_ns = 0;
  for (size_t i = 1; i < p.nodes.size(); ++i)
    if (p.functions[p.nodes[i].function].host) host_ns += p.nodes[i].self_ns;
  return format_table({"FUNCTION", "SELF INSTR", "SELF %", "TOTAL INSTR", "TOTAL %", "CALLS", "SELF TIME"}, t) +
         "\n" + commas(all) + " instructions in " + human_duration(p.duration_ns) + " of replay (host calls " +
         human_duration(host_ns) + ")\n";
}

std::string profile_summary(const profile::Profile& p, size_t top) {
  json j = header(p);
  auto rows = by_function(p);
  if (rows.size() > top) rows.resize(top);
  json list = json::array();
  for (const auto& r : rows)
    list.push_back({{"function", p.functions[r.function].name}, {"self_instructions", r.self},
                    {"total_instructions", r.total}, {"calls", r.calls}});
  j["functions"] = list;
  return j.dump();
}

std::string line_table(const profile::Profile& p, size_t top, OutputFormat fmt) {
  const uint64_t all = p.nodes.empty() ? 0 : p.nodes[0].total_instructions;
  std::vector<uint64_t> per_line(p.lines.size(), 0);
  uint64_t covered = 0;
  for (const auto& n : p.nodes)
    for (const auto& [l, c] : n.lines) per_line[l] += c, covered += c;
  std::vector<uint32_t> order(p.lines.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return per_line[a] > per_line[b]; });
  if (order.size() > top) order.resize(top);
  if (fmt != OutputFormat::Text) {
    json j = header(p);
    j["instructions_with_lines"] = covered;
    json list = json::array();
    for (uint32_t i : order)
      list.push_back({{"file", p.lines[i].file}, {"line", p.lines[i].line},
                      {"function", p.functions[p.lines[i].function].name}, {"instructions", per_line[i]}});
    j["lines"] = list;
    return emit(j, fmt);
  }
  if (p.lines.empty()) return "No line information (the module has no DWARF): profile without --lines.\n";
  std::vector<std::vector<std::string>> t;
  for (uint32_t i : order)
    t.push_back({p.lines[i].file + ":" + std::to_string(p.lines[i].line), p.functions[p.lines[i].function].name,
                 commas(per_line[i]), percent(per_line[i], all)});
  return format_table({"LINE", "FUNCTION", "INSTR", "%"}, t) + "\n" + commas(covered) + " of " + commas(all) +
         " instructions have a source line\n";
}

}  // namespace tc::cli
