// ModuleParser: the final module — sections in binary order, then the
// "name" custom section (module and function names, for backtraces).
#include <algorithm>

#include "interp/text/wat_parser.hpp"

namespace tc::wat {

std::vector<uint8_t> ModuleParser::assemble() const {
  ByteWriter m;
  m.raw(std::string_view("\0asm\1\0\0\0", 8));
  if (!types_.empty()) {
    ByteWriter w;
    for (const auto& ft : types_) {
      w.u8(0x60);
      w.u32(ft.params.size());
      for (auto v : ft.params) w.u8(v.byte());
      w.u32(ft.results.size());
      for (auto v : ft.results) w.u8(v.byte());
    }
    m.section(1, uint32_t(types_.size()), w);
  }
  if (n_imports_) m.section(2, n_imports_, imports_);
  if (def_funcs_) m.section(3, def_funcs_, funcs_);
  if (def_tables_) m.section(4, def_tables_, tables_);
  if (def_mems_) m.section(5, def_mems_, mems_);
  if (def_tags_) m.section(13, def_tags_, tags_);
  if (def_globals_) m.section(6, def_globals_, globals_);
  if (n_exports_) m.section(7, n_exports_, exports_);
  if (start_) {
    m.u8(8);
    ByteWriter w;
    w.u32(*start_);
    m.u32(w.size());
    m.raw(w.bytes);
  }
  if (n_elems_) m.section(9, n_elems_, elems_);
  if (n_datas_ || uses_data_index_) {
    ByteWriter w;
    w.u32(n_datas_);
    m.u8(12);
    m.u32(w.size());
    m.raw(w.bytes);
  }
  if (def_funcs_) m.section(10, def_funcs_, code_);
  if (n_datas_) m.section(11, n_datas_, datas_);
  if (module_name_ || !func_names_.empty()) {
    ByteWriter w;
    w.name("name");
    if (module_name_) {
      ByteWriter sub;
      sub.name(*module_name_);
      w.u8(0);
      w.u32(sub.size());
      w.raw(sub.bytes);
    }
    if (!func_names_.empty()) {
      auto names = func_names_;
      std::sort(names.begin(), names.end());
      ByteWriter sub;
      sub.u32(names.size());
      for (const auto& [i, n] : names) {
        sub.u32(i);
        sub.name(n);
      }
      w.u8(1);
      w.u32(sub.size());
      w.raw(sub.bytes);
    }
    m.u8(0);
    m.u32(w.size());
    m.raw(w.bytes);
  }
  return std::move(m.bytes);
}

}  // namespace tc::wat
