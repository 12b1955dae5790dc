// Text in columns, for `timecraft diff`'s side-by-side records. Long lines
// are wrapped, never cut, so no part of a record is lost to the layout.
// Lines are counted in bytes: the CLI prints records as ASCII (quote_bytes).
#pragma once
#include <string>
#include <vector>

namespace tc::cli {

// `line` as lines of at most `width` characters, broken at the last space
// that fits (mid-word when there is none in the second half); continuation
// lines start with `indent` spaces (none if that leaves under 8 columns).
std::vector<std::string> wrap_line(const std::string& line, size_t width, size_t indent = 0);

// "left | right" rows: each column (width - 3) / 2 wide, lines wrapped;
// the shorter column is padded with empty rows. No trailing spaces.
std::string side_by_side(const std::vector<std::string>& left,
                         const std::vector<std::string>& right, size_t width, size_t indent = 0);

}  // namespace tc::cli
