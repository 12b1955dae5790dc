// Line programs (libdwarf) -> LineTable sequences in file offsets.
#include "debug/dwarf/loader_impl.hpp"

namespace tc::debug::loader_detail {

bool Loader::lines(Dwarf_Die cu) {
  Dwarf_Unsigned version = 0;
  Dwarf_Small count = 0;
  Dwarf_Line_Context ctx = nullptr;
  int rc = dwarf_srclines_b(cu, &version, &count, &ctx, &err_);
  if (rc == DW_DLV_NO_ENTRY) return true;
  if (rc == DW_DLV_ERROR) return fail("line table");
  struct Guard {
    Dwarf_Line_Context c;
    ~Guard() { dwarf_srclines_dealloc_b(c); }
  } guard{ctx};
  Dwarf_Line* buf = nullptr;
  Dwarf_Signed n = 0;
  if (dwarf_srclines_from_linecontext(ctx, &buf, &n, &err_) != DW_DLV_OK) return fail("line table");
  const auto& names = files_of(cu);
  std::map<uint64_t, uint32_t> file_ids;  // CU file number -> interned
  auto file_id = [&](uint64_t no) {
    auto it = file_ids.find(no);
    if (it != file_ids.end()) return it->second;
    uint64_t i = version >= 5 ? no : no - 1;
    std::string name = (version >= 5 || no > 0) && i < names.size() ? names[size_t(i)] : "";
    uint32_t id = out_.lines.intern_file(name);
    file_ids[no] = id;
    return id;
  };
  std::vector<LineRow> seq;
  bool seq_ok = true;
  for (Dwarf_Signed i = 0; i < n; ++i) {
    Dwarf_Line l = buf[i];
    Dwarf_Addr addr = 0;
    Dwarf_Unsigned line = 0, col = 0, fileno = 0, isa = 0, disc = 0;
    Dwarf_Bool stmt = 0, end = 0, pro = 0, epi = 0;
    if (dwarf_lineaddr(l, &addr, &err_) != DW_DLV_OK || dwarf_lineno(l, &line, &err_) != DW_DLV_OK ||
        dwarf_lineoff_b(l, &col, &err_) != DW_DLV_OK ||
        dwarf_linebeginstatement(l, &stmt, &err_) != DW_DLV_OK ||
        dwarf_lineendsequence(l, &end, &err_) != DW_DLV_OK ||
        dwarf_line_srcfileno(l, &fileno, &err_) != DW_DLV_OK ||
        dwarf_prologue_end_etc(l, &pro, &epi, &isa, &disc, &err_) != DW_DLV_OK)
      return fail("line table row");
    LineRow row;
    auto off = layout_.to_file(addr, end != 0);
    if (seq.empty()) {
      // A sequence is kept only when it starts inside a function body.
      seq_ok = off && layout_.function_at(*off);
    }
    if (!off) seq_ok = false;
    row.offset = off.value_or(0);
    row.file = file_id(fileno);
    row.line = uint32_t(line);
    row.column = uint16_t(col > 0xffff ? 0xffff : col);
    row.is_stmt = stmt;
    row.prologue_end = pro;
    row.end_sequence = end;
    seq.push_back(row);
    if (end) {
      if (seq_ok) out_.lines.add_sequence(std::move(seq));
      seq.clear();
      seq_ok = true;
    }
  }
  return !failed_;
}

}  // namespace tc::debug::loader_detail
