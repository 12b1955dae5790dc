#include "debug/gdbremote/operand_types.hpp"

#include "interp/opcodes.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::debug::gdbremote {

namespace {

using wasm::Opcode;
using wasm::OpType;
using wasm::ValType;

struct Ctrl {
  size_t height = 0;  // the stack's size under the block's parameters
  std::vector<ValType> params, results;
};

class Typer {
 public:
  Typer(const wasm::Module& m, const wasm::Function& fn, uint32_t func_index) : m_(m) {
    locals_ = m.func_type(func_index).params;
    for (const auto& d : fn.locals) locals_.insert(locals_.end(), d.count, d.type);
    ctrls_.push_back(Ctrl{0, {}, m.func_type(func_index).results});
  }
  const std::vector<ValType>& stack() const { return vals_; }
  void step(const wasm::Instr& in);

 private:
  // Below the current block's height nothing is popped: only unreachable
  // code (after br, return...) would, and it is typed loosely.
  std::optional<ValType> pop() {
    if (vals_.size() <= ctrls_.back().height) return std::nullopt;
    ValType t = vals_.back();
    vals_.pop_back();
    return t;
  }
  void pop(size_t n) { for (size_t i = 0; i < n; ++i) pop(); }
  void push(const std::vector<ValType>& ts) { vals_.insert(vals_.end(), ts.begin(), ts.end()); }
  void unreachable() { vals_.resize(ctrls_.back().height); }
  void step_end() {
    if (ctrls_.size() > 1) {
      vals_.resize(ctrls_.back().height);
      push(ctrls_.back().results);
      ctrls_.pop_back();
    }
  }
  void block(const wasm::BlockType& bt) {
    Ctrl c;
    if (bt.kind == wasm::BlockTypeKind::Value) c.results = {bt.type};
    if (bt.kind == wasm::BlockTypeKind::Index && bt.index < m_.types.size()) {
      c.params = m_.types[bt.index].params;
      c.results = m_.types[bt.index].results;
    }
    pop(c.params.size());
    c.height = vals_.size();
    push(c.params);
    ctrls_.push_back(std::move(c));
  }

  const wasm::Module& m_;
  std::vector<ValType> locals_, vals_;
  std::vector<Ctrl> ctrls_;
};

void Typer::step(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::Block: case Opcode::Loop: block(in.block); return;
    case Opcode::If: pop(); block(in.block); return;
    case Opcode::Else:
      vals_.resize(ctrls_.back().height);
      push(ctrls_.back().params);
      return;
    case Opcode::End: step_end(); return;
    case Opcode::Br: case Opcode::Return: case Opcode::Unreachable: unreachable(); return;
    // Exception handling. A legacy catch clause keeps the caught exception
    // in the slot below its values (the compiler's, for rethrow).
    case Opcode::Try: case Opcode::TryTable: block(in.block); return;
    case Opcode::Catch: case Opcode::CatchAll:
      vals_.resize(ctrls_.back().height);
      vals_.push_back(ValType::ExnRef);
      if (in.op == Opcode::Catch && in.a < m_.total_tags()) push(m_.types[m_.tag_type_index(in.a)].params);
      return;
    case Opcode::Delegate: step_end(); return;
    case Opcode::Throw:
      if (in.a < m_.total_tags()) pop(m_.types[m_.tag_type_index(in.a)].params.size());
      unreachable();
      return;
    case Opcode::ThrowRef: case Opcode::Rethrow: unreachable(); return;
    case Opcode::BrIf: pop(); return;
    case Opcode::BrTable: pop(); unreachable(); return;
    case Opcode::Call: {
      const auto& t = m_.func_type(in.a);
      pop(t.params.size());
      push(t.results);
      return;
    }
    case Opcode::CallIndirect: {
      pop();
      if (in.a >= m_.types.size()) return;
      pop(m_.types[in.a].params.size());
      push(m_.types[in.a].results);
      return;
    }
    case Opcode::ReturnCall: case Opcode::ReturnCallIndirect: unreachable(); return;
    case Opcode::Drop: pop(); return;
    case Opcode::Select: case Opcode::SelectT: {
      pop();
      pop();
      auto t = pop();
      vals_.push_back(t.value_or(in.op == Opcode::SelectT ? in.type : ValType::I32));
      return;
    }
    case Opcode::LocalGet: if (in.a < locals_.size()) vals_.push_back(locals_[in.a]); return;
    case Opcode::LocalSet: pop(); return;
    case Opcode::LocalTee: return;
    case Opcode::GlobalGet: vals_.push_back(m_.global_type(in.a).type); return;
    case Opcode::GlobalSet: pop(); return;
    case Opcode::TableGet: pop(); vals_.push_back(m_.table_type(in.a).elem); return;
    case Opcode::TableSet: pop(2); return;
    case Opcode::RefNull: vals_.push_back(in.type); return;
    case Opcode::RefIsNull: pop(); vals_.push_back(ValType::I32); return;
    case Opcode::RefFunc: vals_.push_back(ValType::FuncRef); return;
    case Opcode::MemoryInit: case Opcode::MemoryCopy: case Opcode::MemoryFill:
    case Opcode::TableInit: case Opcode::TableCopy: case Opcode::TableFill: pop(3); return;
    case Opcode::DataDrop: case Opcode::ElemDrop: return;
    case Opcode::TableGrow: pop(2); vals_.push_back(ValType::I32); return;
    case Opcode::TableSize: vals_.push_back(ValType::I32); return;
#define TERNARY(Id) case Opcode::Id:
#include "interp/code/iops_ternary.def"
#undef TERNARY
    case Opcode::V128Bitselect: pop(3); vals_.push_back(ValType::V128); return;
    default: break;
  }
  // The table's simple instructions: up to two operands, at most one result.
  if (in.info->p2 != OpType::V) pop();
  if (in.info->p1 != OpType::V) pop();
  if (auto r = wasm::op_type_valtype(in.info->r)) vals_.push_back(*r);
}

}  // namespace

std::optional<std::vector<ValType>> operand_types(const wasm::Module& m, uint32_t func_index, uint32_t offset) {
  if (func_index < m.num_imported_funcs || func_index >= m.total_funcs()) return std::nullopt;
  const wasm::Function& fn = m.functions[func_index - m.num_imported_funcs];
  Typer t(m, fn, func_index);
  wasm::BodyReader r(m, fn);
  wasm::Instr in;
  while (r.next(in)) {
    if (in.offset == offset) return t.stack();
    if (in.offset > offset) break;
    t.step(in);
  }
  return std::nullopt;
}

}  // namespace tc::debug::gdbremote
