// disassemble: a function's WebAssembly instructions with their module
// offsets, from the one opcode table (names and immediates).
#include <cstring>

#include "debug/tcdb/debugger.hpp"
#include "debug/tcdb/text.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::debug {


std::string Debugger::instruction_text(const wasm::Instr& in) const {
  using K = wasm::ImmKind;
  std::string s(in.info->text);
  switch (in.info->imm) {
    case K::Label: case K::Local: case K::Global: case K::Table: case K::Data: case K::Elem:
    case K::Lane:
      s += " " + std::to_string(in.a);
      break;
    case K::Func: s += " " + std::to_string(in.a) + " <" + function_name(in.a) + ">"; break;
    case K::CallIndirect: s += " (type " + std::to_string(in.a) + ")" + (in.b ? " table " + std::to_string(in.b) : ""); break;
    case K::BrTable:
      for (uint32_t t : in.targets) s += " " + std::to_string(t);
      s += " " + std::to_string(in.a);
      break;
    case K::I32: case K::I64: s += " " + std::to_string(in.i); break;
    case K::F32: {
      float f;
      uint32_t b = uint32_t(in.bits);
      std::memcpy(&f, &b, 4);
      s += " " + strprintf("%.9g", double(f));
      break;
    }
    case K::F64: {
      double d;
      std::memcpy(&d, &in.bits, 8);
      s += " " + strprintf("%.17g", d);
      break;
    }
    case K::BlockType:
      if (in.block.kind == wasm::BlockTypeKind::Value) s += std::string(" (result ") + wasm::valtype_name(in.block.type) + ")";
      else if (in.block.kind == wasm::BlockTypeKind::Index) s += " (type " + std::to_string(in.block.index) + ")";
      break;
    case K::MemArg: case K::MemArgLane:
      if (in.mem.offset) s += " offset=" + std::to_string(in.mem.offset);
      if (in.mem.align != in.info->align) s += " align=" + std::to_string(1u << in.mem.align);
      if (in.info->imm == K::MemArgLane) s += " " + std::to_string(in.a);
      break;
    case K::TableInit: case K::TableCopy: s += " " + std::to_string(in.a) + " " + std::to_string(in.b); break;
    case K::MemoryInit: s += " " + std::to_string(in.a); break;
    case K::RefType: s += std::string(" ") + wasm::valtype_name(in.type); break;
    default: break;
  }
  return s;
}

void Debugger::cmd_disassemble(const std::string& a) {
  const wasm::Module& m = *replay_->module();
  std::optional<uint32_t> func;
  std::string name = trim(a);
  uint32_t here = UINT32_MAX;
  if (name.empty()) {
    if (!running()) return;
    auto f = selected();
    if (!f) return fail("No frame selected.");
    func = f->func_index;
    here = f->has_offset ? f->offset : UINT32_MAX;
  } else {
    func = function_by_name(name);
    if (!func && info_) {
      auto fb = info_->function_breakpoints(name);
      for (const auto& b : fb)
        if (b.function && b.function->has_code())
          if (const auto* ext = info_->layout().function_at(b.function->low)) func = ext->func_index;
    }
    if (!func) return fail("No function \"" + name + "\".");
    if (auto f = selected(); f && f->func_index == *func && f->has_offset) here = f->offset;
  }
  if (*func < m.num_imported_funcs) return fail("Function " + function_name(*func) + " is an import (host code).");
  const wasm::Function& fn = m.functions[*func - m.num_imported_funcs];
  std::fprintf(out_, "Dump of assembler code for function %s:\n", function_name(*func).c_str());
  wasm::BodyReader r(m, fn);
  wasm::Instr in;
  while (r.next(in)) {
    std::fprintf(out_, "%s %s <+%u>:\t%s\n", in.offset == here ? "=>" : "  ", hex(in.offset, 8).c_str(),
                 in.offset - fn.body_offset, instruction_text(in).c_str());
  }
  std::fprintf(out_, "End of assembler dump.\n");
}

}  // namespace tc::debug
