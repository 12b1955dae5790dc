#include "tools/columns.hpp"

#include <algorithm>

namespace tc::cli {

std::vector<std::string> wrap_line(const std::string& line, size_t width, size_t indent) {
  width = std::max<size_t>(width, 1);
  if (indent + 8 > width) indent = 0;
  std::vector<std::string> out;
  size_t pos = 0;
  do {
    std::string pad = out.empty() ? "" : std::string(indent, ' ');
    size_t avail = width - pad.size();
    if (line.size() - pos <= avail) {
      out.push_back(pad + line.substr(pos));
      break;
    }
    size_t cut = line.rfind(' ', pos + avail);
    if (cut == std::string::npos || cut < pos + avail / 2) {  // no good space: mid-word
      out.push_back(pad + line.substr(pos, avail));
      pos += avail;
    } else {
      out.push_back(pad + line.substr(pos, cut - pos));
      pos = cut + 1;  // the space itself is the break
    }
  } while (pos < line.size());
  return out;
}

std::string side_by_side(const std::vector<std::string>& left,
                         const std::vector<std::string>& right, size_t width, size_t indent) {
  size_t col = width > 3 ? (width - 3) / 2 : 1;
  auto wrap_all = [&](const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines)
      for (auto& w : wrap_line(l, col, indent)) out.push_back(std::move(w));
    return out;
  };
  auto l = wrap_all(left), r = wrap_all(right);
  std::string out;
  for (size_t i = 0; i < std::max(l.size(), r.size()); ++i) {
    std::string row = i < l.size() ? l[i] : "";
    row.resize(col, ' ');
    row += " |";
    if (i < r.size()) row += " " + r[i];
    while (row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  return out;
}

}  // namespace tc::cli
