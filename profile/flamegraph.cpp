#include "profile/flamegraph.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <tuple>

#include "profile/svg_script.hpp"

namespace tc::profile {
namespace {

uint64_t self_of(const Node& n, Metric m) { return m == Metric::Instructions ? n.self_instructions : n.self_ns; }
uint64_t total_of(const Node& n, Metric m) { return m == Metric::Instructions ? n.total_instructions : n.total_ns; }

std::string name_of(const Profile& p, const Node& n) {
  if (n.function >= p.functions.size()) return "func[?]";
  const Function& f = p.functions[n.function];
  return f.name.empty() ? "func[" + std::to_string(f.index) + "]" : f.name;
}

// ---- SVG helpers ----

// `s` as valid XML 1.0 character data: control characters, bytes that are
// not well-formed UTF-8 (overlong, surrogates, ...) and U+FFFE/U+FFFF
// become '_' (a name comes from the module and may hold anything).
std::string clean(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += (b < 0x20 && b != '\t') || b == 0x7f ? '_' : char(b);
      ++i;
      continue;
    }
    size_t len = b >= 0xf5 ? 0 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    uint32_t cp = len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xc0) == 0x80;
      cp = cp << 6 | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[len] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) && cp != 0xfffe && cp != 0xffff;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += '_';
      ++i;
    }
  }
  return out;
}

// XML-escapes clean text (attribute values and character data alike).
std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Layout, in pixels; the script reads them from the svg's data attributes.
constexpr int kPad = 10, kTop = 52, kBottom = 30, kFrameH = 16;
constexpr double kCharW = 7.4;  // a 12px monospace glyph's advance, a little generously

// The label fitting in `px` pixels: the name, its first code points and
// "..", or nothing. The script's label() does the same on zoom.
std::string fit(const std::string& name, double px) {
  double room = std::floor((px - 6) / kCharW);
  if (room < 3) return "";
  size_t n = static_cast<size_t>(room), cps = 0;
  for (char c : name) cps += (c & 0xc0) != 0x80;
  if (cps <= n) return name;
  size_t i = 0;
  for (size_t k = 0; i < name.size(); ++i)
    if ((name[i] & 0xc0) != 0x80 && k++ == n - 2) break;
  return name.substr(0, i) + "..";
}

// A deterministic colour per name: warm (red to yellow) for WebAssembly
// functions, blue for host functions, as "#rrggbb".
std::string colour(const std::string& name, bool host) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  double hue = host ? 195 + h % 40 : h % 55;
  double sat = (host ? 0.55 : 0.75) + (h >> 8) % 20 / 100.0;
  double lig = (host ? 0.58 : 0.52) + (h >> 16) % 12 / 100.0;
  // HSL to RGB (CSS Color 3's algorithm).
  auto channel = [&](double n) {
    double k = std::fmod(n + hue / 30, 12), a = sat * std::min(lig, 1 - lig);
    return static_cast<int>(std::lround(255 * (lig - a * std::max(-1.0, std::min({k - 3, 9 - k, 1.0})))));
  };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", channel(0), channel(8), channel(4));
  return buf;
}

}  // namespace

std::string to_folded(const Profile& p, Metric m) {
  std::vector<std::pair<std::string, uint64_t>> lines;
  for (uint32_t i = 1; i < p.nodes.size(); ++i) {
    uint64_t v = self_of(p.nodes[i], m);
    if (v == 0) continue;
    std::string stack;
    for (uint32_t n : p.path(i)) {
      if (!stack.empty()) stack += ';';  // (a name is never empty)
      for (char c : name_of(p, p.nodes[n])) stack += c == ';' || c == '\n' || c == '\r' ? '_' : c;
    }
    lines.emplace_back(std::move(stack), v);
  }
  // Stable: equal stacks (possible after sanitising) stay in node order.
  std::stable_sort(lines.begin(), lines.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out;
  for (auto& [stack, v] : lines) out += stack + ' ' + std::to_string(v) + '\n';
  return out;
}

std::string to_flamegraph_svg(const Profile& p, const FlameOptions& o) {
  const Metric m = o.metric;
  const char* unit = m == Metric::Instructions ? "instructions" : "ns";
  const Node no_root;
  const size_t n_nodes = std::max<size_t>(p.nodes.size(), 1);
  auto node = [&](size_t i) -> const Node& { return p.nodes.empty() ? no_root : p.nodes[i]; };
  const uint64_t total = total_of(node(0), m);

  // Layout in metric units: a node's x is its offset from the left edge,
  // its width its total; children sit side by side (sorted by name) from
  // their parent's left edge, the parent's self value is the gap at its right.
  std::vector<std::string> names(n_nodes);
  std::vector<std::vector<uint32_t>> kids(n_nodes);
  names[0] = "all";
  for (uint32_t i = 1; i < n_nodes; ++i) {
    names[i] = clean(name_of(p, p.nodes[i]));
    if (p.nodes[i].parent < i) kids[p.nodes[i].parent].push_back(i);  // else malformed: left out
  }
  std::vector<uint64_t> x(n_nodes);
  std::vector<uint32_t> depth(n_nodes);
  std::vector<char> shown(n_nodes);
  shown[0] = true;
  uint32_t max_depth = 0;
  for (uint32_t i = 0; i < n_nodes; ++i) {
    std::sort(kids[i].begin(), kids[i].end(),
              [&](uint32_t a, uint32_t b) { return std::tie(names[a], a) < std::tie(names[b], b); });
    uint64_t at = x[i];
    for (uint32_t c : kids[i]) {
      uint64_t w = total_of(p.nodes[c], m);
      x[c] = at;
      at += w;
      depth[c] = depth[i] + 1;
      // Frames under 0.1% of the total are too narrow to see (and to point at).
      shown[c] = shown[i] && w > 0 && w >= 0.001 * static_cast<double>(total);
      if (shown[c]) max_depth = std::max(max_depth, depth[c]);
    }
  }

  const int width = std::max(o.width, 100);
  const int height = kTop + static_cast<int>(max_depth + 1) * kFrameH + kBottom;
  const double avail = width - 2 * kPad;
  const double scale = total ? avail / static_cast<double>(total) : 0;
  auto percent = [&](uint64_t v) { return num(total ? 100.0 * static_cast<double>(v) / static_cast<double>(total) : 0) + '%'; };

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(width) +
       "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + ' ' +
       std::to_string(height) + "\" data-total=\"" + std::to_string(total) + "\" data-unit=\"" + unit +
       "\" data-xpad=\"" + std::to_string(kPad) + "\" data-charw=\"" + num(kCharW) + "\">\n";
  s += R"(<style>
text { font-family: monospace; font-size: 12px; fill: #000; }
#title { font-size: 17px; }
#details, #matched { fill: #555; }
.control { fill: #1a4f8a; cursor: pointer; }
.frame { cursor: pointer; }
.frame text { pointer-events: none; }
.frame:hover rect { stroke: #000; stroke-width: 0.6; }
.match rect { fill: #e33ed8; }
.parent rect { opacity: 0.6; }
.hidden { display: none; }
</style>
)";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#f6f6f0\"/>\n";
  s += "<text id=\"title\" x=\"" + num(width / 2.0) + "\" y=\"24\" text-anchor=\"middle\">" + esc(clean(o.title)) + "</text>\n";
  std::string details = (p.module_name.empty() ? "" : clean(p.module_name) + ": ") + std::to_string(total) + ' ' + unit;
  s += "<text id=\"details\" x=\"" + num(width / 2.0) + "\" y=\"42\" text-anchor=\"middle\">" + esc(details) + "</text>\n";
  s += "<text id=\"reset\" class=\"control\" x=\"" + std::to_string(kPad) + "\" y=\"24\" visibility=\"hidden\">Reset zoom</text>\n";
  s += "<text id=\"search\" class=\"control\" x=\"" + std::to_string(width - kPad) + "\" y=\"24\" text-anchor=\"end\">Search</text>\n";
  s += "<text id=\"status\" x=\"" + std::to_string(kPad) + "\" y=\"" + std::to_string(height - 10) + "\"> </text>\n";
  s += "<text id=\"matched\" x=\"" + std::to_string(width - kPad) + "\" y=\"" + std::to_string(height - 10) +
       "\" text-anchor=\"end\"> </text>\n";
  s += "<g id=\"frames\">\n";
  for (uint32_t i = 0; i < n_nodes; ++i) {
    if (!shown[i]) continue;
    const Node& n = node(i);
    bool host = i && n.function < p.functions.size() && p.functions[n.function].host;
    uint64_t w = total_of(n, m);
    double px = i ? kPad + static_cast<double>(x[i]) * scale : kPad;
    double pw = i ? static_cast<double>(w) * scale : avail;
    int py = height - kBottom - static_cast<int>(depth[i] + 1) * kFrameH;
    std::string name = esc(names[i]);
    s += "<g class=\"frame\" data-name=\"" + name + "\" data-value=\"" + std::to_string(w) + "\" data-self=\"" +
         std::to_string(self_of(n, m)) + "\" data-x=\"" + std::to_string(x[i]) + "\" data-depth=\"" +
         std::to_string(depth[i]) + (host ? "\" data-host=\"1" : "") + "\">";
    s += "<title>" + name + " (" + std::to_string(w) + ' ' + unit + ", " + percent(w) + ")</title>";
    s += "<rect x=\"" + num(px) + "\" y=\"" + std::to_string(py) + "\" width=\"" + num(pw) + "\" height=\"" +
         std::to_string(kFrameH - 1) + "\" rx=\"2\" fill=\"" + (i ? colour(names[i], host) : "#c8c8c0") + "\"/>";
    s += "<text x=\"" + num(px + 3) + "\" y=\"" + std::to_string(py + kFrameH - 4) + "\">" + esc(fit(names[i], pw)) +
         "</text></g>\n";
  }
  s += "</g>\n<script type=\"text/ecmascript\"><![CDATA[";
  s += kFlameScript;
  s += "]]></script>\n</svg>\n";
  return s;
}

}  // namespace tc::profile
