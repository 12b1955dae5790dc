#include "debug/dwarf/location_expr.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tc::debug {
namespace {

constexpr int kMaxSteps = 10000;  // branches could loop

struct Cursor {
  const std::vector<uint8_t>& b;
  size_t pos = 0;
  bool bad = false;
  bool done() const { return pos >= b.size(); }
  uint64_t fixed(int n) {
    if (b.size() - pos < size_t(n)) { bad = true; pos = b.size(); return 0; }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(b[pos + i]) << (8 * i);
    pos += n;
    return v;
  }
  int64_t sfixed(int n) {
    uint64_t v = fixed(n);
    if (n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);
    return int64_t(v);
  }
  uint64_t uleb() {
    uint64_t r = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= b.size() || shift > 63) { bad = true; pos = b.size(); return 0; }
      uint8_t x = b[pos++];
      r |= uint64_t(x & 0x7f) << shift;
      if (!(x & 0x80)) return r;
    }
  }
  int64_t sleb() {
    uint64_t r = 0;
    int shift = 0;
    for (;; shift += 7) {
      if (pos >= b.size() || shift > 63) { bad = true; pos = b.size(); return 0; }
      uint8_t x = b[pos++];
      r |= uint64_t(x & 0x7f) << shift;
      if (!(x & 0x80)) {
        shift += 7;
        if (shift < 64 && (x & 0x40)) r |= ~uint64_t(0) << shift;
        return int64_t(r);
      }
    }
  }
};

const char* op_name(uint8_t op) {
  switch (op) {
    case 0x03: return "DW_OP_addr";
    case 0x06: return "DW_OP_deref";
    case 0x08: return "DW_OP_const1u";
    case 0x09: return "DW_OP_const1s";
    case 0x0a: return "DW_OP_const2u";
    case 0x0b: return "DW_OP_const2s";
    case 0x0c: return "DW_OP_const4u";
    case 0x0d: return "DW_OP_const4s";
    case 0x0e: return "DW_OP_const8u";
    case 0x0f: return "DW_OP_const8s";
    case 0x10: return "DW_OP_constu";
    case 0x11: return "DW_OP_consts";
    case 0x12: return "DW_OP_dup";
    case 0x13: return "DW_OP_drop";
    case 0x14: return "DW_OP_over";
    case 0x15: return "DW_OP_pick";
    case 0x16: return "DW_OP_swap";
    case 0x17: return "DW_OP_rot";
    case 0x19: return "DW_OP_abs";
    case 0x1a: return "DW_OP_and";
    case 0x1b: return "DW_OP_div";
    case 0x1c: return "DW_OP_minus";
    case 0x1d: return "DW_OP_mod";
    case 0x1e: return "DW_OP_mul";
    case 0x1f: return "DW_OP_neg";
    case 0x20: return "DW_OP_not";
    case 0x21: return "DW_OP_or";
    case 0x22: return "DW_OP_plus";
    case 0x23: return "DW_OP_plus_uconst";
    case 0x24: return "DW_OP_shl";
    case 0x25: return "DW_OP_shr";
    case 0x26: return "DW_OP_shra";
    case 0x27: return "DW_OP_xor";
    case 0x28: return "DW_OP_bra";
    case 0x29: return "DW_OP_eq";
    case 0x2a: return "DW_OP_ge";
    case 0x2b: return "DW_OP_gt";
    case 0x2c: return "DW_OP_le";
    case 0x2d: return "DW_OP_lt";
    case 0x2e: return "DW_OP_ne";
    case 0x2f: return "DW_OP_skip";
    case 0x90: return "DW_OP_regx";
    case 0x91: return "DW_OP_fbreg";
    case 0x92: return "DW_OP_bregx";
    case 0x93: return "DW_OP_piece";
    case 0x94: return "DW_OP_deref_size";
    case 0x96: return "DW_OP_nop";
    case 0x9c: return "DW_OP_call_frame_cfa";
    case 0x9d: return "DW_OP_bit_piece";
    case 0x9e: return "DW_OP_implicit_value";
    case 0x9f: return "DW_OP_stack_value";
    case 0xa1: return "DW_OP_addrx";
    case 0xa2: return "DW_OP_constx";
    case 0xa3: return "DW_OP_entry_value";
    case 0xed: return "DW_OP_WASM_location";
    case 0xee: return "DW_OP_WASM_location_int";
    case 0xf3: return "DW_OP_GNU_entry_value";
  }
  return nullptr;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

// One stack entry: a value, or "unknown" when the frame could not supply it
// (only an error if the unknown value is actually used as the location).
struct Entry {
  uint64_t v = 0;
  bool known = true;
};

class Machine {
 public:
  Machine(const LocationContext& ctx, int depth) : ctx_(ctx), depth_(depth) {}

  Expected<Location> run(const std::vector<uint8_t>& expr) {
    Cursor c{expr};
    Location result;
    std::vector<Location::Piece> pieces;
    bool have_pieces = false;
    // How the current piece's location is described.
    enum class Form { Stack, Register, StackValue, Implicit, Unavailable } form = Form::Stack;
    Location reg;        // Form::Register
    std::vector<uint8_t> implicit;
    std::string why;
    int steps = 0;

    auto finish_piece = [&]() -> Location {
      Location l;
      switch (form) {
        case Form::Register: l = reg; break;
        case Form::StackValue:
          if (stack_.empty()) { l.kind = Location::Kind::Unavailable; l.why = "empty DWARF stack"; break; }
          if (!stack_.back().known) { l.kind = Location::Kind::Unavailable; l.why = unknown_why_; break; }
          l.kind = Location::Kind::Value;
          l.value = stack_.back().v;
          break;
        case Form::Implicit:
          l.kind = Location::Kind::Implicit;
          l.bytes = implicit;
          break;
        case Form::Unavailable:
          l.kind = Location::Kind::Unavailable;
          l.why = why;
          break;
        case Form::Stack:
          if (stack_.empty()) {
            l.kind = Location::Kind::Unavailable;
            l.why = "optimized out";
          } else if (!stack_.back().known) {
            l.kind = Location::Kind::Unavailable;
            l.why = unknown_why_;
          } else {
            l.kind = Location::Kind::Memory;
            l.address = stack_.back().v & 0xffffffffu;  // wasm32 address space
          }
          break;
      }
      return l;
    };

    while (!c.done()) {
      if (++steps > kMaxSteps) return malformed("DWARF expression does not terminate");
      uint8_t op = c.b[c.pos++];
      if (form == Form::Register && op != 0x93 && op != 0x9d && op != 0x9f) {
        // A wasm slot followed by more operations is a value on the stack
        // (e.g. "DW_OP_WASM_location 0x0 0x1, DW_OP_plus_uconst 0x10"):
        // the slot's value was pushed, carry on as a stack expression.
        form = Form::Stack;
      }
      if ((form == Form::StackValue || form == Form::Implicit) && op != 0x93 && op != 0x9d)
        return malformed(std::string("unexpected ") + (op_name(op) ? op_name(op) : hex(op)) +
                         " after a complete location");
      if (op >= 0x30 && op <= 0x4f) { push(op - 0x30); continue; }
      if ((op >= 0x50 && op <= 0x8f) || op == 0x90 || op == 0x92) {
        // Native registers have no meaning in wasm: an unknown value.
        if (op == 0x90) c.uleb();
        else if (op == 0x92) { c.uleb(); c.sleb(); }
        else if (op >= 0x70) c.sleb();
        stack_.push_back(Entry{0, false});
        unknown_why_ = std::string("unsupported DWARF operation ") +
                       (op_name(op) ? op_name(op) : op >= 0x70 ? "DW_OP_breg" : "DW_OP_reg");
        continue;
      }
      switch (op) {
        case 0x03: push(c.fixed(4)); break;  // DW_OP_addr (address size 4)
        case 0x06: TC_TRY(deref(4)); break;
        case 0x08: push(c.fixed(1)); break;
        case 0x09: push(uint64_t(c.sfixed(1))); break;
        case 0x0a: push(c.fixed(2)); break;
        case 0x0b: push(uint64_t(c.sfixed(2))); break;
        case 0x0c: push(c.fixed(4)); break;
        case 0x0d: push(uint64_t(c.sfixed(4))); break;
        case 0x0e: push(c.fixed(8)); break;
        case 0x0f: push(uint64_t(c.sfixed(8))); break;
        case 0x10: push(c.uleb()); break;
        case 0x11: push(uint64_t(c.sleb())); break;
        case 0x12: if (!need(1)) return underflow(op); stack_.push_back(stack_.back()); break;
        case 0x13: if (!need(1)) return underflow(op); stack_.pop_back(); break;
        case 0x14: if (!need(2)) return underflow(op); stack_.push_back(stack_[stack_.size() - 2]); break;
        case 0x15: {
          uint64_t i = c.fixed(1);
          if (!need(i + 1)) return underflow(op);
          stack_.push_back(stack_[stack_.size() - 1 - i]);
          break;
        }
        case 0x16: if (!need(2)) return underflow(op); std::swap(stack_.back(), stack_[stack_.size() - 2]); break;
        case 0x17: {
          if (!need(3)) return underflow(op);
          size_t n = stack_.size();
          Entry top = stack_[n - 1];
          stack_[n - 1] = stack_[n - 2];
          stack_[n - 2] = stack_[n - 3];
          stack_[n - 3] = top;
          break;
        }
        case 0x19: if (!need(1)) return underflow(op); if (int64_t(stack_.back().v) < 0) stack_.back().v = -stack_.back().v; break;
        case 0x1f: if (!need(1)) return underflow(op); stack_.back().v = -stack_.back().v; break;
        case 0x20: if (!need(1)) return underflow(op); stack_.back().v = ~stack_.back().v; break;
        case 0x23: if (!need(1)) return underflow(op); stack_.back().v += c.uleb(); break;
        case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x21: case 0x22:
        case 0x24: case 0x25: case 0x26: case 0x27: case 0x29: case 0x2a: case 0x2b:
        case 0x2c: case 0x2d: case 0x2e: {
          if (!need(2)) return underflow(op);
          Entry b = stack_.back(); stack_.pop_back();
          Entry& a = stack_.back();
          a.known = a.known && b.known;
          uint64_t x = a.v, y = b.v;
          switch (op) {
            case 0x1a: a.v = x & y; break;
            case 0x1b: if (y == 0) return malformed("division by zero in DWARF expression");
                       a.v = uint64_t(int64_t(x) / int64_t(y)); break;
            case 0x1c: a.v = x - y; break;
            case 0x1d: if (y == 0) return malformed("division by zero in DWARF expression");
                       a.v = x % y; break;
            case 0x1e: a.v = x * y; break;
            case 0x21: a.v = x | y; break;
            case 0x22: a.v = x + y; break;
            case 0x24: a.v = y >= 64 ? 0 : x << y; break;
            case 0x25: a.v = y >= 64 ? 0 : x >> y; break;
            case 0x26: a.v = uint64_t(int64_t(x) >> (y >= 64 ? 63 : y)); break;
            case 0x27: a.v = x ^ y; break;
            case 0x29: a.v = x == y; break;
            case 0x2a: a.v = int64_t(x) >= int64_t(y); break;
            case 0x2b: a.v = int64_t(x) > int64_t(y); break;
            case 0x2c: a.v = int64_t(x) <= int64_t(y); break;
            case 0x2d: a.v = int64_t(x) < int64_t(y); break;
            case 0x2e: a.v = x != y; break;
          }
          break;
        }
        case 0x28: case 0x2f: {  // bra, skip
          int64_t d = c.sfixed(2);
          bool take = true;
          if (op == 0x28) {
            if (!need(1)) return underflow(op);
            take = stack_.back().v != 0;
            stack_.pop_back();
          }
          if (take) {
            int64_t to = int64_t(c.pos) + d;
            if (to < 0 || uint64_t(to) > c.b.size()) return malformed("DWARF branch out of range");
            c.pos = size_t(to);
          }
          break;
        }
        case 0x91: {  // DW_OP_fbreg
          int64_t off = c.sleb();
          if (!ctx_.frame_base || ctx_.frame_base->empty()) {
            stack_.push_back(Entry{0, false});
            unknown_why_ = "no frame base";
            break;
          }
          if (depth_ > 4) return malformed("recursive frame base");
          Machine fb(LocationContext{ctx_.frame, nullptr}, depth_ + 1);
          auto base = fb.run(*ctx_.frame_base);
          if (!base) return base.error();
          Entry e;
          switch (base->kind) {
            case Location::Kind::Memory: e.v = base->address; break;
            case Location::Kind::Value: e.v = base->value; break;
            case Location::Kind::WasmLocal:
            case Location::Kind::WasmGlobal:
            case Location::Kind::WasmOperand: {
              auto v = slot_value(*base);
              if (v) e.v = *v; else { e.known = false; unknown_why_ = "frame base not available"; }
              break;
            }
            default:
              e.known = false;
              unknown_why_ = "frame base not available";
          }
          e.v = (e.v + uint64_t(off)) & 0xffffffffu;
          stack_.push_back(e);
          break;
        }
        case 0x93: {  // DW_OP_piece
          uint64_t size = c.uleb();
          Location::Piece p;
          p.size = size;
          p.loc = finish_piece();
          pieces.push_back(std::move(p));
          have_pieces = true;
          form = Form::Stack;
          stack_.clear();
          break;
        }
        case 0x9d:  // DW_OP_bit_piece: not modelled
          c.uleb(); c.uleb();
          form = Form::Unavailable;
          why = "unsupported DWARF operation DW_OP_bit_piece";
          break;
        case 0x94: TC_TRY(deref(int(c.fixed(1)))); break;
        case 0x96: break;
        case 0x9e: {  // DW_OP_implicit_value
          uint64_t n = c.uleb();
          if (n > c.b.size() - c.pos) return malformed("truncated DW_OP_implicit_value");
          implicit.assign(c.b.begin() + c.pos, c.b.begin() + c.pos + n);
          c.pos += n;
          form = Form::Implicit;
          break;
        }
        case 0x9f:
          // "DW_OP_WASM_location K N, DW_OP_stack_value" (clang's usual form)
          // is the slot itself: same contents, and the caller learns where
          // the variable lives.
          if (form != Form::Unavailable && form != Form::Register) form = Form::StackValue;
          break;
        case 0xed: {  // DW_OP_WASM_location kind index
          uint64_t kind = c.uleb();
          uint64_t index = kind == 3 ? c.fixed(4) : c.uleb();
          if (c.bad) return malformed("truncated DW_OP_WASM_location");
          Location l;
          l.index = uint32_t(index);
          switch (kind) {
            case 0: l.kind = Location::Kind::WasmLocal; break;
            case 1: case 3: l.kind = Location::Kind::WasmGlobal; break;
            case 2: l.kind = Location::Kind::WasmOperand; break;
            default: return malformed("DW_OP_WASM_location with unknown kind " + std::to_string(kind));
          }
          // The slot's value is on the stack for a following stack_value;
          // alone, the slot is the variable's storage (Form::Register).
          Entry e;
          if (auto v = slot_value(l)) e.v = *v;
          else { e.known = false; unknown_why_ = slot_name(l) + " not available"; }
          stack_.push_back(e);
          reg = l;
          form = Form::Register;
          break;
        }
        case 0x9c:  // call_frame_cfa
        case 0xa3: case 0xf3:  // entry values
        case 0xee:
        default: {
          const char* n = op_name(op);
          form = Form::Unavailable;
          why = std::string("unsupported DWARF operation ") + (n ? n : hex(op).c_str());
          // Operand layout unknown for most: stop here.
          if (op == 0xa3 || op == 0xf3) { uint64_t n2 = c.uleb(); c.pos = std::min(c.b.size(), c.pos + size_t(n2)); }
          else c.pos = c.b.size();
          break;
        }
      }
      if (c.bad) return malformed(std::string("truncated ") + (op_name(op) ? op_name(op) : "DWARF operation"));
    }
    if (have_pieces) {
      if (form != Form::Stack || !stack_.empty()) {
        Location::Piece p;  // trailing location without a piece: ignore its size
        p.loc = finish_piece();
        (void)p;
      }
      result.kind = Location::Kind::Pieces;
      result.pieces = std::move(pieces);
      return result;
    }
    return finish_piece();
  }

 private:
  void push(uint64_t v) { stack_.push_back(Entry{v, true}); }
  bool need(uint64_t n) const { return stack_.size() >= n; }
  Error malformed(const std::string& m) const { return make_error(ErrorKind::Malformed, m); }
  Error underflow(uint8_t op) const {
    return malformed(std::string("DWARF stack underflow at ") + (op_name(op) ? op_name(op) : hex(op)));
  }
  static std::string slot_name(const Location& l) {
    switch (l.kind) {
      case Location::Kind::WasmLocal: return "wasm local " + std::to_string(l.index);
      case Location::Kind::WasmGlobal: return "wasm global " + std::to_string(l.index);
      default: return "wasm operand " + std::to_string(l.index);
    }
  }
  std::optional<uint64_t> slot_value(const Location& l) const {
    if (!ctx_.frame) return std::nullopt;
    switch (l.kind) {
      case Location::Kind::WasmLocal: return ctx_.frame->local(l.index);
      case Location::Kind::WasmGlobal: return ctx_.frame->global(l.index);
      case Location::Kind::WasmOperand: return ctx_.frame->operand(l.index);
      default: return std::nullopt;
    }
  }
  Expected<void> deref(int n) {
    if (n < 1 || n > 8) return malformed("bad DW_OP_deref_size");
    if (!need(1)) return underflow(0x06);
    Entry& e = stack_.back();
    if (!e.known) return {};
    uint8_t buf[8] = {};
    if (!ctx_.frame || !ctx_.frame->read_memory(e.v & 0xffffffffu, buf, size_t(n))) {
      e.known = false;
      unknown_why_ = "Cannot access memory at address " + hex(e.v & 0xffffffffu);
      return {};
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(buf[i]) << (8 * i);
    e.v = v;
    return {};
  }

  LocationContext ctx_;  // by value: fbreg evaluates the frame base with a temporary one
  int depth_;
  std::vector<Entry> stack_;
  std::string unknown_why_ = "value not available";
};

}  // namespace

Expected<Location> evaluate_location(const std::vector<uint8_t>& expr, const LocationContext& ctx) {
  Machine m(ctx, 0);
  return m.run(expr);
}

Expected<std::vector<uint8_t>> read_location(const Location& loc, uint64_t size, FrameAccess* frame) {
  if (size > (uint64_t(1) << 26)) return make_error(ErrorKind::Usage, "object too large to read");
  std::vector<uint8_t> out(size_t(size), 0);
  auto from_bits = [&](uint64_t bits) {
    for (size_t i = 0; i < out.size() && i < 8; ++i) out[i] = uint8_t(bits >> (8 * i));
  };
  switch (loc.kind) {
    case Location::Kind::Memory:
      if (!frame || !frame->read_memory(loc.address, out.data(), out.size()))
        return make_error(ErrorKind::Usage, "Cannot access memory at address " + hex(loc.address));
      return out;
    case Location::Kind::WasmLocal:
    case Location::Kind::WasmGlobal:
    case Location::Kind::WasmOperand: {
      std::optional<uint64_t> v;
      if (frame) {
        if (loc.kind == Location::Kind::WasmLocal) v = frame->local(loc.index);
        else if (loc.kind == Location::Kind::WasmGlobal) v = frame->global(loc.index);
        else v = frame->operand(loc.index);
      }
      if (!v) return make_error(ErrorKind::Usage, "value is not available");
      from_bits(*v);
      return out;
    }
    case Location::Kind::Value: from_bits(loc.value); return out;
    case Location::Kind::Implicit:
      std::memcpy(out.data(), loc.bytes.data(), std::min(out.size(), loc.bytes.size()));
      return out;
    case Location::Kind::Pieces: {
      size_t at = 0;
      for (const auto& p : loc.pieces) {
        if (at >= out.size()) break;
        auto part = read_location(p.loc, p.size, frame);
        if (!part) return part.error();
        size_t n = std::min(out.size() - at, part->size());
        std::memcpy(out.data() + at, part->data(), n);
        at += size_t(p.size);
      }
      return out;
    }
    case Location::Kind::Unavailable:
      return make_error(ErrorKind::Usage, loc.why.empty() ? "optimized out" : loc.why);
  }
  return make_error(ErrorKind::Usage, "optimized out");
}

std::string describe_expression(const std::vector<uint8_t>& expr) {
  Cursor c{expr};
  std::string out;
  while (!c.done()) {
    uint8_t op = c.b[c.pos++];
    if (!out.empty()) out += ", ";
    if (op >= 0x30 && op <= 0x4f) { out += "DW_OP_lit" + std::to_string(op - 0x30); continue; }
    if (op >= 0x50 && op <= 0x6f) { out += "DW_OP_reg" + std::to_string(op - 0x50); continue; }
    if (op >= 0x70 && op <= 0x8f) {
      out += "DW_OP_breg" + std::to_string(op - 0x70) + " " + std::to_string(c.sleb());
      continue;
    }
    const char* n = op_name(op);
    out += n ? n : hex(op);
    switch (op) {
      case 0x03: out += " " + hex(c.fixed(4)); break;
      case 0x08: case 0x15: case 0x94: out += " " + hex(c.fixed(1)); break;
      case 0x09: out += " " + std::to_string(c.sfixed(1)); break;
      case 0x0a: out += " " + hex(c.fixed(2)); break;
      case 0x0b: out += " " + std::to_string(c.sfixed(2)); break;
      case 0x0c: out += " " + hex(c.fixed(4)); break;
      case 0x0d: out += " " + std::to_string(c.sfixed(4)); break;
      case 0x0e: out += " " + hex(c.fixed(8)); break;
      case 0x0f: out += " " + std::to_string(c.sfixed(8)); break;
      case 0x10: case 0x23: case 0x90: case 0x93: case 0xa1: case 0xa2: out += " " + hex(c.uleb()); break;
      case 0x11: out += " " + std::to_string(c.sleb()); break;
      case 0x91: { int64_t v = c.sleb(); out += (v >= 0 ? " +" : " ") + std::to_string(v); break; }
      case 0x92: out += " " + hex(c.uleb()); out += " " + std::to_string(c.sleb()); break;
      case 0x28: case 0x2f: out += " " + std::to_string(c.sfixed(2)); break;
      case 0x9d: out += " " + hex(c.uleb()); out += " " + hex(c.uleb()); break;
      case 0x9e: {
        uint64_t n2 = c.uleb();
        out += " " + hex(n2);
        c.pos = std::min(c.b.size(), c.pos + size_t(n2));
        break;
      }
      case 0xed: {
        uint64_t kind = c.uleb();
        uint64_t index = kind == 3 ? c.fixed(4) : c.uleb();
        out += " " + hex(kind) + " " + hex(index);
        break;
      }
      default: break;
    }
    if (c.bad) { out += " <truncated>"; break; }
  }
  return out;
}

namespace {
// Skips the operands of `op` (already consumed); false for an operation
// whose operand layout this module does not know.
bool skip_operands(uint8_t op, Cursor& c) {
  if (op >= 0x30 && op <= 0x6f) return true;  // lit*, reg*
  if (op >= 0x70 && op <= 0x8f) { c.sleb(); return true; }
  switch (op) {
    case 0x03: c.fixed(4); return true;
    case 0x08: case 0x09: case 0x15: case 0x94: c.fixed(1); return true;
    case 0x0a: case 0x0b: case 0x28: case 0x2f: c.fixed(2); return true;
    case 0x0c: case 0x0d: c.fixed(4); return true;
    case 0x0e: case 0x0f: c.fixed(8); return true;
    case 0x10: case 0x23: case 0x90: case 0x93: case 0xa1: case 0xa2: c.uleb(); return true;
    case 0x11: case 0x91: c.sleb(); return true;
    case 0x92: c.uleb(); c.sleb(); return true;
    case 0x9d: c.uleb(); c.uleb(); return true;
    case 0x9e: case 0xa3: case 0xf3: {
      uint64_t n = c.uleb();
      if (n > c.b.size() - c.pos) { c.bad = true; return true; }
      c.pos += size_t(n);
      return true;
    }
    case 0xed: {
      uint64_t kind = c.uleb();
      if (kind == 3) c.fixed(4); else c.uleb();
      return true;
    }
    case 0x06: case 0x12: case 0x13: case 0x14: case 0x16: case 0x17: case 0x19: case 0x1a:
    case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20: case 0x21: case 0x22:
    case 0x24: case 0x25: case 0x26: case 0x27: case 0x29: case 0x2a: case 0x2b: case 0x2c:
    case 0x2d: case 0x2e: case 0x96: case 0x9c: case 0x9f:
      return true;
  }
  return false;
}
}  // namespace

std::optional<std::vector<uint8_t>> resolve_address_indices(
    const std::vector<uint8_t>& expr, const std::function<std::optional<uint64_t>(uint64_t)>& lookup) {
  if (std::find(expr.begin(), expr.end(), 0xa1) == expr.end() &&
      std::find(expr.begin(), expr.end(), 0xa2) == expr.end())
    return expr;  // fast path (a false hit inside an operand just takes the slow one)
  Cursor c{expr};
  std::vector<uint8_t> out;
  while (!c.done()) {
    size_t start = c.pos;
    uint8_t op = c.b[c.pos++];
    if (op == 0xa1 || op == 0xa2) {
      uint64_t index = c.uleb();
      if (c.bad) return std::nullopt;
      auto a = lookup(index);
      if (!a) return std::nullopt;
      out.push_back(op == 0xa1 ? 0x03 : 0x0c);  // DW_OP_addr / DW_OP_const4u
      for (int i = 0; i < 4; ++i) out.push_back(uint8_t(*a >> (8 * i)));
      continue;
    }
    if (!skip_operands(op, c)) {  // unknown layout: keep the rest as is
      out.insert(out.end(), c.b.begin() + start, c.b.end());
      return out;
    }
    if (c.bad) return std::nullopt;
    out.insert(out.end(), c.b.begin() + start, c.b.begin() + c.pos);
  }
  return out;
}

}  // namespace tc::debug
