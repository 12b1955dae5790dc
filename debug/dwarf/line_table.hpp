// The line table of every compile unit, merged: rows sorted by file offset
// within sequences, sequences sorted by their first offset. Files are
// interned once (paths as clang records them, directory joined to name).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::debug {

struct SourceLoc {
  std::string file;  // as recorded: "/work/src/buggy.c"
  uint32_t line = 0;
  uint32_t column = 0;
};

struct LineRow {
  uint64_t offset = 0;  // file offset
  uint32_t file = 0;    // index into LineTable::files()
  uint32_t line = 0;    // 0: compiler-generated code with no source line
  uint16_t column = 0;
  bool is_stmt = false;
  bool prologue_end = false;
  bool end_sequence = false;  // one past the sequence's last byte; not a location
};

// A contiguous run of code belonging to one source line statement.
struct LineRange {
  uint64_t low = 0, high = 0;  // [low, high) file offsets
  uint32_t file = 0;
  uint32_t line = 0;
};

class LineTable {
 public:
  // Adds one sequence (rows ascending, last one end_sequence). Sequences
  // that do not start inside the code are dropped by the loader.
  void add_sequence(std::vector<LineRow> rows);
  uint32_t intern_file(const std::string& path);
  void finish();  // sorts sequences; call once after the last add

  const std::vector<std::string>& files() const { return files_; }
  const std::vector<LineRow>& rows() const { return rows_; }

  // The row in force at `offset` (the last row at or before it in the
  // sequence holding it); nullptr outside every sequence.
  const LineRow* row_at(uint64_t offset) const;
  // The run of rows around `offset` with the same file:line, extended over
  // rows that are not statements or have line 0 (what `next`/`step` run
  // through before checking the line again).
  std::optional<LineRange> line_range(uint64_t offset) const;
  // True when a statement row starts exactly at `offset`.
  bool is_statement_start(uint64_t offset) const;

  // Indices of files matching `name` as the whole path, a suffix after a
  // '/' ("debug/buggy.c", "buggy.c"), or exactly.
  std::vector<uint32_t> match_files(const std::string& name) const;

  // Sequences as [first row, end row] index pairs into rows().
  struct Sequence {
    uint64_t low = 0, high = 0;
    size_t first = 0, last = 0;  // rows_[last] is the end_sequence row
  };
  const std::vector<Sequence>& sequences() const { return seqs_; }

 private:
  std::vector<std::string> files_;
  std::vector<LineRow> rows_;
  std::vector<Sequence> seqs_;    // by low offset
  std::vector<Sequence> by_row_;  // by first row
};

}  // namespace tc::debug
