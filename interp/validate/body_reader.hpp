// Instruction reader over a function body or constant expression: decodes
// one instruction at a time (opcode + immediates, using the opcode table)
// and checks the block structure the binary grammar imposes (END/ELSE
// placement), exactly like the reference interpreter's decoder. It does no
// typing; validate/ does that, compile/ reuses this reader on validated
// bodies. Header-only and allocation-free per instruction (br_table
// targets live in a reused buffer).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "interp/binary/reader.hpp"
#include "interp/features.hpp"
#include "interp/module.hpp"
#include "interp/opcodes.hpp"

namespace tc::wasm {

enum class BlockTypeKind : uint8_t { Empty, Value, Index };

struct BlockType {
  BlockTypeKind kind = BlockTypeKind::Empty;
  ValType type = ValType::I32;  // kind == Value
  uint32_t index = 0;           // kind == Index: into Module::types
};

// A memory instruction's memory and static offset. The binary format of
// 2.0 has memory 0 and u32 offsets only; multi-memory (a memory index
// after flags with bit 6 set) and memory64 (u64 offsets) fill the rest.
struct MemArg {
  uint32_t align = 0;   // log2
  uint32_t memory = 0;  // memory index
  uint64_t offset = 0;
};

// One clause of try_table, in binary order: kind 0 catch x l, 1 catch_ref
// x l, 2 catch_all l, 3 catch_all_ref l.
struct CatchClause {
  enum Kind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 };
  Kind kind = Catch;
  uint32_t tag = 0;    // Catch, CatchRef
  uint32_t label = 0;
  bool all() const { return kind >= CatchAll; }
  bool ref() const { return kind == CatchRef || kind == CatchAllRef; }
};

// One decoded instruction. Which fields are meaningful depends on
// info->imm (ImmKind):
//   Label, Func, Local, Global, Table, Data, Elem      a = the index
//   CallIndirect                                      a = type, b = table
//   BrTable        targets = label vector, a = default label
//   MemIdx (memory.size/grow/fill)                    mem.memory
//   MemoryInit                                        a = data index, mem.memory
//   MemoryCopy                                        mem.memory = dst, b = src memory
//   TableInit                                         a = elem, b = table
//   TableCopy                                         a = dst, b = src
//   I32 / I64      i (sign-extended);  F32 / F64     bits (raw IEEE bits)
//   BlockType      block;  MemArg    mem
//   RefType        type;   SelectT   a = number of types, type = first one
//   V128Const      v128 (the 16 bytes);  Shuffle   v128 (16 lane indices)
//   Lane           a = lane index;  MemArgLane   mem, a = lane index
//   Tag            a = tag index;  TryTable   block, catches
struct Instr {
  Opcode op = Opcode::Nop;
  const OpInfo* info = nullptr;
  uint32_t offset = 0;  // module offset of the opcode byte
  uint32_t a = 0, b = 0;
  int64_t i = 0;
  uint64_t bits = 0;
  BlockType block;
  MemArg mem;
  ValType type = ValType::I32;
  std::span<const uint32_t> targets;
  std::span<const CatchClause> catches;
  uint8_t v128[16] = {};
};

// Reads a value type as the reference decoder does (s7, then the three
// alternatives; the error of the last one wins).
inline bool read_value_type(ByteReader& r, ValType& out) {
  size_t at = r.pos();
  uint8_t b = r.u8();
  if (r.failed()) return false;
  if (b & 0x80) { r.fail(at + 1, "integer representation too long"); return false; }
  if (!valtype_from_byte(b, out)) { r.fail(at, "malformed reference type"); return false; }
  return true;
}

inline bool read_ref_type(ByteReader& r, ValType& out) {
  size_t at = r.pos();
  uint8_t b = r.u8();
  if (r.failed()) return false;
  if (b & 0x80) { r.fail(at + 1, "integer representation too long"); return false; }
  if (b != 0x70 && b != 0x6F && b != 0x69) { r.fail(at, "malformed reference type"); return false; }
  out = ValType(ValType::Code(b), true);  // funcref, externref or exnref
  return true;
}

class BodyReader {
 public:
  static constexpr size_t kNoEnd = size_t(-1);

  // Reads from `begin` in data[0, size). `end` is where the final `end`
  // must leave the position (a function body's body_end), or kNoEnd for a
  // constant expression. Like the reference decoder, reading may run past
  // `end`; the mismatch is then "section size mismatch".
  BodyReader(const uint8_t* data, size_t size, size_t begin, size_t end = kNoEnd,
             Features f = {})
      : r_(data, size, begin), begin_(begin), end_(end), f_(f) {
    kinds_.push_back(kFunc);
  }
  BodyReader(const Module& m, uint32_t begin, uint32_t end)
      : BodyReader(m.bytes.data(), m.bytes.size(), begin, end) {}
  BodyReader(const Module& m, const Function& f)
      : BodyReader(m.bytes.data(), m.bytes.size(), f.body_offset, f.body_end) {}

  // Restarts on another range, keeping the buffers.
  void reset(size_t begin, size_t end = kNoEnd) {
    r_ = ByteReader(r_.data(), r_.size(), begin);
    begin_ = begin;
    end_ = end;
    done_ = false;
    kinds_.clear();
    kinds_.push_back(kFunc);
  }

  // Decodes the next instruction into `in`. Returns false once the final
  // `end` has been returned (done()) or on a malformed encoding (failed()).
  bool next(Instr& in);

  // The bytes from the position on (to the end of the module), for a
  // caller's fast path over simple instructions; advance() consumes what
  // it decoded. Never used for block structure (END, ELSE...).
  const uint8_t* cursor() const { return r_.data() + r_.pos(); }
  size_t available() const { return r_.remaining(); }
  void advance(size_t n) { r_.seek(r_.pos() + n); }
  // The fast path's block structure (it advances over the bytes itself):
  // a block or loop opened, an inner block's or loop's end (never the
  // function's final end, which only next() reads).
  void open_block(bool loop) { kinds_.push_back(loop ? kLoop : kBlock); }
  bool inner_block_open() const { return kinds_.size() > 1 && (kinds_.back() == kBlock || kinds_.back() == kLoop); }
  void close_block() { kinds_.pop_back(); }

  bool done() const { return done_; }
  bool failed() const { return r_.failed(); }
  const Error& error() const { return r_.error(); }
  size_t pos() const { return r_.pos(); }
  // Nesting depth of the instruction just read (function level = 0).
  size_t depth() const { return kinds_.size() - 1; }

 private:
  enum : uint8_t { kFunc, kBlock, kLoop, kIf, kElse, kTry, kTryCatch, kTryAll };

  // memarg: flags < 128 (bits 0-5 the alignment, bit 6 a memory index
  // follows: multi-memory), then a u64 offset (validation keeps a 32-bit
  // memory's within u32).
  [[gnu::always_inline]] bool read_memarg(MemArg& m) {
    size_t at = r_.pos();
    uint32_t flags = r_.u32();
    if (r_.ok() && flags >= (f_.multi_memory ? 128u : 32u)) {  // 2.0: the alignment only
      r_.fail(at, "malformed memop flags");
      return false;
    }
    m.align = flags & 63;
    m.memory = flags & 64 ? r_.u32() : 0;
    m.offset = f_.memory64 ? r_.uN(64) : r_.u32();
    return true;
  }
  // A memory index: u32 with multi-memory, a zero byte in 2.0.
  uint32_t memory_index() {
    if (f_.multi_memory) return r_.u32();
    size_t at = r_.pos();
    if (r_.u8() != 0 && r_.ok()) r_.fail(at, "zero byte expected");
    return 0;
  }

  bool read_block_type(BlockType& bt);
  bool illegal(size_t at, uint8_t b, long sub = -1) {
    char buf[48];
    if (sub < 0) std::snprintf(buf, sizeof buf, "illegal opcode %02x", b);
    else std::snprintf(buf, sizeof buf, "illegal opcode %02x %02lx", b, sub);
    r_.fail(at, buf);
    return false;
  }

  ByteReader r_;
  size_t begin_, end_;
  Features f_;
  const OpInfo* const* ops_ = op_byte_table();  // op_from_byte without a call per instruction
  bool done_ = false;
  std::vector<uint8_t> kinds_;    // open blocks
  std::vector<uint32_t> targets_;  // br_table labels
  std::vector<CatchClause> catches_;  // try_table clauses
};

inline bool BodyReader::read_block_type(BlockType& bt) {
  int b = r_.peek();
  ValType t;
  if (b == 0x40) {
    r_.u8();
    bt.kind = BlockTypeKind::Empty;
    return true;
  }
  if (b >= 0 && valtype_from_byte(uint8_t(b), t)) {
    r_.u8();
    bt.kind = BlockTypeKind::Value;
    bt.type = t;
    return true;
  }
  ByteReader trial = r_;
  int64_t x = trial.s33();
  if (trial.ok() && x >= 0) {
    r_ = std::move(trial);
    bt.kind = BlockTypeKind::Index;
    bt.index = uint32_t(x);
    return true;
  }
  return read_value_type(r_, t);  // reports the reference's error
}

inline bool is_exception_op(Opcode op) {
  switch (op) {
    case Opcode::Try: case Opcode::Catch: case Opcode::Throw: case Opcode::Rethrow:
    case Opcode::ThrowRef: case Opcode::Delegate: case Opcode::CatchAll: case Opcode::TryTable:
      return true;
    default:
      return false;
  }
}

inline bool BodyReader::next(Instr& in) {
  if (done_ || r_.failed()) return false;
  size_t at = r_.pos();
  uint8_t b = r_.u8();
  if (r_.failed()) return false;
  const OpInfo* info;
  if (b == 0xFC || b == 0xFD) {
    uint32_t sub = r_.u32();
    if (r_.failed()) return false;
    info = op_from_prefixed(b, sub);
    if (!info) return illegal(at, b, long(sub));
  } else {
    info = ops_[b];
    if (!info || (!f_.exceptions && is_exception_op(info->op))) return illegal(at, b);
  }
  in.op = info->op;
  in.info = info;
  in.offset = uint32_t(at);
  switch (info->imm) {
    case ImmKind::None:
      break;
    case ImmKind::BlockType:
      if (!read_block_type(in.block)) return false;
      break;
    case ImmKind::Label: case ImmKind::Func: case ImmKind::Local:
    case ImmKind::Global: case ImmKind::Table: case ImmKind::Data:
    case ImmKind::Elem: case ImmKind::Tag:
      in.a = r_.u32();
      break;
    case ImmKind::CallIndirect: case ImmKind::TableInit: case ImmKind::TableCopy:
      in.a = r_.u32();
      in.b = r_.u32();
      break;
    case ImmKind::BrTable: {
      uint32_t n = r_.len32();
      targets_.clear();
      for (uint32_t k = 0; k < n && r_.ok(); ++k) targets_.push_back(r_.u32());
      in.a = r_.u32();
      in.targets = std::span<const uint32_t>(targets_.data(), targets_.size());
      break;
    }
    case ImmKind::MemArg: {
      if (!read_memarg(in.mem)) return false;
      break;
    }
    // Memory indices: u32 with multi-memory (a zero byte in 2.0).
    case ImmKind::MemIdx:
      in.mem.memory = memory_index();
      break;
    case ImmKind::MemoryInit:
      in.a = r_.u32();
      in.mem.memory = memory_index();
      break;
    case ImmKind::MemoryCopy:
      in.mem.memory = memory_index();
      if (r_.ok()) in.b = memory_index();
      break;
    case ImmKind::I32: in.i = r_.s32(); break;
    case ImmKind::I64: in.i = r_.s64(); break;
    case ImmKind::F32: in.bits = r_.fixed32(); break;
    case ImmKind::F64: in.bits = r_.fixed64(); break;
    case ImmKind::RefType:
      read_ref_type(r_, in.type);
      break;
    case ImmKind::V128Const: case ImmKind::Shuffle:
      for (auto& byte : in.v128) byte = r_.u8();
      break;
    case ImmKind::Lane:
      in.a = r_.u8();
      break;
    case ImmKind::MemArgLane:
      if (!read_memarg(in.mem)) return false;
      in.a = r_.u8();
      break;
    case ImmKind::TryTable: {
      if (!read_block_type(in.block)) return false;
      uint32_t n = r_.len32();
      catches_.clear();
      for (uint32_t k = 0; k < n && r_.ok(); ++k) {
        size_t cat = r_.pos();
        uint8_t kind = r_.u8();
        if (r_.ok() && kind > 3) { r_.fail(cat, "malformed handler kind"); return false; }
        CatchClause c;
        c.kind = CatchClause::Kind(kind);
        if (!c.all()) c.tag = r_.u32();
        c.label = r_.u32();
        catches_.push_back(c);
      }
      in.catches = std::span<const CatchClause>(catches_.data(), catches_.size());
      break;
    }
    case ImmKind::SelectT: {
      uint32_t n = r_.len32();
      in.a = n;
      for (uint32_t k = 0; k < n && r_.ok(); ++k) {
        ValType t;
        if (read_value_type(r_, t) && k == 0) in.type = t;
      }
      break;
    }
  }
  if (r_.failed()) return false;
  switch (in.op) {
    case Opcode::Block: case Opcode::TryTable: kinds_.push_back(kBlock); break;
    case Opcode::Try: kinds_.push_back(kTry); break;
    case Opcode::Catch:
      if (kinds_.back() != kTry && kinds_.back() != kTryCatch) { r_.fail(at, "END opcode expected"); return false; }
      kinds_.back() = kTryCatch;
      break;
    case Opcode::CatchAll:
      if (kinds_.back() != kTry && kinds_.back() != kTryCatch) { r_.fail(at, "END opcode expected"); return false; }
      kinds_.back() = kTryAll;
      break;
    case Opcode::Delegate:  // closes a try without catches, like end
      if (kinds_.back() != kTry) { r_.fail(at, "END opcode expected"); return false; }
      kinds_.pop_back();
      break;
    case Opcode::Loop: kinds_.push_back(kLoop); break;
    case Opcode::If: kinds_.push_back(kIf); break;
    case Opcode::Else:
      if (kinds_.back() != kIf) { r_.fail(at, "END opcode expected"); return false; }
      kinds_.back() = kElse;
      break;
    case Opcode::End:
      kinds_.pop_back();
      if (kinds_.empty()) {
        done_ = true;
        if (end_ != kNoEnd && r_.pos() != end_) {
          r_.fail(begin_, "section size mismatch");
          return false;
        }
      }
      break;
    default:
      break;
  }
  return true;
}

}  // namespace tc::wasm
