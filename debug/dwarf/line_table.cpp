#include "debug/dwarf/line_table.hpp"

#include <algorithm>

namespace tc::debug {

uint32_t LineTable::intern_file(const std::string& path) {
  for (uint32_t i = 0; i < files_.size(); ++i)
    if (files_[i] == path) return i;
  files_.push_back(path);
  return uint32_t(files_.size() - 1);
}

void LineTable::add_sequence(std::vector<LineRow> rows) {
  if (rows.size() < 2 || !rows.back().end_sequence) return;
  // Rows of a sequence ascend; a malformed table that goes backwards is
  // clamped so binary searches stay sound.
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i].offset < rows[i - 1].offset) rows[i].offset = rows[i - 1].offset;
  Sequence s;
  s.low = rows.front().offset;
  s.high = rows.back().offset;
  if (s.high <= s.low) return;
  s.first = rows_.size();
  rows_.insert(rows_.end(), rows.begin(), rows.end());
  s.last = rows_.size() - 1;
  seqs_.push_back(s);
}

void LineTable::finish() {
  rows_.shrink_to_fit();
  by_row_ = seqs_;
  std::stable_sort(seqs_.begin(), seqs_.end(),
                   [](const Sequence& a, const Sequence& b) { return a.low < b.low; });
}

const LineRow* LineTable::row_at(uint64_t off) const {
  auto it = std::upper_bound(seqs_.begin(), seqs_.end(), off,
                             [](uint64_t o, const Sequence& s) { return o < s.low; });
  // Overlapping sequences are rare (only with broken tables); look back a bit.
  for (int back = 0; back < 4 && it != seqs_.begin(); ++back) {
    --it;
    if (off >= it->low && off < it->high) {
      auto first = rows_.begin() + it->first, last = rows_.begin() + it->last;
      auto r = std::upper_bound(first, last, off,
                                [](uint64_t o, const LineRow& row) { return o < row.offset; });
      if (r == first) return nullptr;
      return &*(r - 1);
    }
  }
  return nullptr;
}

std::optional<LineRange> LineTable::line_range(uint64_t off) const {
  const LineRow* row = row_at(off);
  if (!row) return std::nullopt;
  size_t i = size_t(row - rows_.data());
  // by_row_ is in row order (as added): find the sequence holding row i.
  auto sit = std::upper_bound(by_row_.begin(), by_row_.end(), i,
                              [](size_t r, const Sequence& s) { return r < s.first; });
  if (sit == by_row_.begin()) return std::nullopt;
  const Sequence* seq = &*(sit - 1);
  if (i >= seq->last) return std::nullopt;
  // The statement this offset belongs to: back to the closest statement row
  // with a real line.
  size_t start = i;
  while (start > seq->first && (!rows_[start].is_stmt || rows_[start].line == 0)) --start;
  const LineRow& anchor = rows_[start];
  auto same = [&](const LineRow& r) {
    return r.line == 0 || !r.is_stmt || (r.line == anchor.line && r.file == anchor.file);
  };
  size_t lo = start;
  while (lo > seq->first && rows_[lo - 1].line == anchor.line && rows_[lo - 1].file == anchor.file)
    --lo;
  size_t hi = i + 1;
  while (hi < seq->last && same(rows_[hi])) ++hi;
  LineRange r;
  r.low = rows_[lo].offset;
  r.high = rows_[hi].offset;
  r.file = anchor.file;
  r.line = anchor.line;
  return r;
}

bool LineTable::is_statement_start(uint64_t off) const {
  const LineRow* row = row_at(off);
  if (!row) return false;
  // Several rows can share an offset; any statement row there counts.
  for (const LineRow* r = row; r >= rows_.data() && r->offset == off; --r)
    if (r->is_stmt && r->line != 0 && !r->end_sequence) return true;
  return false;
}

std::vector<uint32_t> LineTable::match_files(const std::string& name) const {
  std::vector<uint32_t> out;
  if (name.empty()) return out;
  for (uint32_t i = 0; i < files_.size(); ++i) {
    const std::string& f = files_[i];
    if (f == name) { out.push_back(i); continue; }
    if (f.size() > name.size() && f.compare(f.size() - name.size(), name.size(), name) == 0 &&
        (f[f.size() - name.size() - 1] == '/' || name[0] == '/'))
      out.push_back(i);
  }
  return out;
}

}  // namespace tc::debug
