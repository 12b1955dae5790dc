#include "profile/pprof.hpp"

#include <zlib.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace tc::profile {

namespace {

// A protobuf message being written: fields appended in any order.
struct Message {
  std::vector<uint8_t> bytes;

  void varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7) bytes.push_back(uint8_t(v) | 0x80);
    bytes.push_back(uint8_t(v));
  }
  void key(uint32_t field, uint32_t wire_type) { varint(uint64_t(field) << 3 | wire_type); }
  // A scalar field (wire type 0); zero is the default, left out.
  void uint(uint32_t field, uint64_t v) {
    if (v == 0) return;
    key(field, 0);
    varint(v);
  }
  // A length-delimited field (wire type 2): bytes, string or message.
  void bytes_field(uint32_t field, const void* data, size_t n) {
    key(field, 2);
    varint(n);
    auto p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + n);
  }
  void message(uint32_t field, const Message& m) { bytes_field(field, m.bytes.data(), m.bytes.size()); }
  void packed(uint32_t field, const std::vector<uint64_t>& vs) {
    Message m;
    for (uint64_t v : vs) m.varint(v);
    message(field, m);
  }
};

// pprof's string_table: every string field is an index into it; index 0 is "".
struct Strings {
  std::vector<std::string> table{""};
  std::map<std::string, uint64_t> index{{"", 0}};

  uint64_t operator()(const std::string& s) {
    auto [it, added] = index.emplace(s, table.size());
    if (added) table.push_back(s);
    return it->second;
  }
};

Message value_type(Strings& strings, const std::string& type, const std::string& unit) {
  Message m;
  m.uint(1, strings(type));
  m.uint(2, strings(unit));
  return m;
}

std::vector<uint8_t> gzip(const std::vector<uint8_t>& in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("pprof: deflateInit2 failed");
  // deflateBound (which counts the gzip wrapper) lets one Z_FINISH do it all.
  std::vector<uint8_t> out(deflateBound(&zs, in.size()));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("pprof: deflate failed");
  return out;
}

}  // namespace

std::vector<uint8_t> to_pprof(const Profile& p) {
  Message out;
  Strings strings;

  out.message(1, value_type(strings, "instructions", "count"));
  out.message(1, value_type(strings, "cpu", "nanoseconds"));

  // Locations, one per (function index, line), created as samples use them.
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> location_ids;
  std::vector<std::pair<uint32_t, uint32_t>> locations;
  auto location = [&](uint32_t function, uint32_t line) {
    auto [it, added] = location_ids.emplace(std::pair{function, line}, locations.size() + 1);
    if (added) locations.push_back({function, line});
    return it->second;
  };
  auto node_location = [&](uint32_t n) {
    uint32_t f = p.nodes[n].function;
    return location(f, p.functions[f].line);
  };

  // A sample of node n's, its leaf at `line` of the node's function.
  auto sample = [&](uint32_t n, uint32_t line, uint64_t instructions, uint64_t ns) {
    if (instructions == 0 && ns == 0) return;
    std::vector<uint64_t> stack{location(p.nodes[n].function, line)};
    for (uint32_t a = p.nodes[n].parent; a != 0; a = p.nodes[a].parent) stack.push_back(node_location(a));
    Message s;
    s.packed(1, stack);
    s.packed(2, {instructions, ns});
    out.message(2, s);
  };

  for (uint32_t n = 1; n < p.nodes.size(); ++n) {
    const Node& node = p.nodes[n];
    uint64_t covered = 0;
    for (auto& [line, count] : node.lines) covered += count;
    uint64_t uncovered = node.self_instructions > covered ? node.self_instructions - covered : 0;
    uint64_t all = covered + uncovered;
    // Time is apportioned to the lines by their share of the instructions
    // (rounded down; what rounding leaves goes to the last line).
    auto share = [&](uint64_t count) {
      return all == 0 ? 0 : uint64_t((unsigned __int128)node.self_ns * count / all);
    };
    uint64_t own_ns = all == 0 ? node.self_ns : share(uncovered);
    uint64_t left_ns = node.self_ns - own_ns;
    for (size_t i = 0; i < node.lines.size(); ++i) {
      auto [line, count] = node.lines[i];
      uint64_t ns = i + 1 == node.lines.size() ? left_ns : share(count);
      left_ns -= ns;
      sample(n, p.lines[line].line, count, ns);
    }
    sample(n, p.functions[node.function].line, uncovered, own_ns);
  }

  Message mapping;
  mapping.uint(1, 1);
  mapping.uint(3, locations.size() + 1);  // memory_limit: past the last synthetic address
  mapping.uint(5, strings(p.module_name));
  mapping.uint(7, 1);
  mapping.uint(8, 1);
  mapping.uint(9, 1);
  out.message(3, mapping);

  for (size_t i = 0; i < locations.size(); ++i) {
    Message line;
    line.uint(1, locations[i].first + 1);
    line.uint(2, locations[i].second);
    Message loc;
    loc.uint(1, i + 1);
    loc.uint(2, 1);
    // A distinct synthetic address per location, so that views by address
    // (-addresses) and merges keyed by address keep them apart.
    loc.uint(3, i + 1);
    loc.message(4, line);
    out.message(4, loc);
  }

  for (size_t i = 0; i < p.functions.size(); ++i) {
    const Function& f = p.functions[i];
    Message m;
    m.uint(1, i + 1);
    m.uint(2, strings(f.name));
    m.uint(3, strings(f.name));
    m.uint(4, strings(f.file));
    m.uint(5, f.line);
    out.message(5, m);
  }

  out.uint(9, uint64_t(p.start_unix_ns));
  out.uint(10, p.duration_ns);
  out.message(11, value_type(strings, "instructions", "count"));
  out.uint(12, 1);
  out.uint(14, strings("instructions"));

  // Last, once every string has its index.
  for (const std::string& s : strings.table) out.bytes_field(6, s.data(), s.size());

  return gzip(out.bytes);
}

}  // namespace tc::profile
