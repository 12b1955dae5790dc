// Module decoding, following the section grammar of the spec and the
// reference interpreter's error behaviour: one stream over the whole
// module (a section that overruns its size is reported as "section size
// mismatch" after the fact), sections in their fixed order, custom
// sections anywhere.
#include "interp/binary/decoder.hpp"

#include "interp/binary/name_section.hpp"
#include "interp/binary/reader.hpp"
#include "interp/binary/utf8.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::wasm {

namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport,
  kStart, kElement, kCode, kData, kDataCount, kTag,
};

// Position of a section id in the required order (data count sits
// between element and code, tag between memory and global).
int section_rank(uint8_t id) {
  switch (id) {
    case kTag: return 2 * kMemory + 1;
    case kDataCount: return 2 * kElement + 1;
    default: return 2 * id;
  }
}

class Decoder {
 public:
  Decoder(Module& m, Features f)
      : m_(m), f_(f), r_(m.bytes.data(), m.bytes.size()),
        expr_(m.bytes.data(), m.bytes.size(), 0, BodyReader::kNoEnd, f) {}

  Expected<void> run();

 private:
  Expected<void> finish();
  Error first_body_error(Error e);
  bool name(std::string& out);
  bool limits(Limits& out, AddrType& addr);
  bool table_type(TableType& out);
  bool global_type(GlobalType& out);
  bool const_expr(ConstExpr& out);
  bool func_index_expr(ConstExpr& out);

  void section(uint8_t id, size_t size);
  void type_section();
  void import_section();
  void function_section();
  void table_section();
  void memory_section();
  void global_section();
  void tag_section();
  bool tag_type(uint32_t& out);
  void export_section();
  void element_section();
  void code_section();
  void data_section();
  void custom_section(size_t size);

  Module& m_;
  Features f_;
  ByteReader r_;
  BodyReader expr_;
  std::vector<Function> bodies_;  // from the code section
};

bool Decoder::name(std::string& out) {
  size_t at = r_.pos();
  uint32_t n = r_.len32();
  if (r_.failed()) return false;
  size_t start = r_.pos();
  if (!r_.skip(n)) return false;
  const uint8_t* p = r_.data() + start;
  if (!is_valid_utf8(p, n)) {
    r_.fail(at, "malformed UTF-8 encoding");
    return false;
  }
  out.assign(reinterpret_cast<const char*>(p), n);
  return true;
}

// Flags: bit 0 a maximum follows, bit 2 i64 addresses (memory64 /
// table64); the bounds are u64 either way (validation checks the range).
bool Decoder::limits(Limits& out, AddrType& addr) {
  addr = AddrType::I32;
  if (!f_.memory64) {  // 2.0: a u1 flag and u32 bounds
    bool has_max = r_.u1();
    out.min = r_.u32();
    if (has_max) out.max = r_.u32();
    else out.max.reset();
    return r_.ok();
  }
  size_t at = r_.pos();
  uint8_t flags = r_.u8();
  if (r_.failed()) return false;
  if (flags & 0xFA) {
    r_.fail(at, "malformed limits flags");
    return false;
  }
  addr = flags & 4 ? AddrType::I64 : AddrType::I32;
  out.min = r_.uN(64);
  if (flags & 1) out.max = r_.uN(64);
  else out.max.reset();
  return r_.ok();
}

bool Decoder::table_type(TableType& out) {
  return read_ref_type(r_, out.elem) && limits(out.limits, out.addr);
}

bool Decoder::global_type(GlobalType& out) {
  if (!read_value_type(r_, out.type)) return false;
  size_t at = r_.pos();
  uint8_t b = r_.u8();
  if (r_.failed()) return false;
  if (b > 1) {
    r_.fail(at, "malformed mutability");
    return false;
  }
  out.mut = b == 1;
  return true;
}

// A constant expression is decoded structurally (any instruction, nested
// blocks included) up to its final `end`; validate/ checks constness.
bool Decoder::const_expr(ConstExpr& out) {
  size_t start = r_.pos();
  if (r_.failed()) return false;
  expr_.reset(start);
  Instr in;
  while (expr_.next(in)) {
  }
  if (expr_.failed()) {
    r_.fail(expr_.error());
    return false;
  }
  out.offset = uint32_t(start);
  out.code.assign(r_.data() + start, r_.data() + expr_.pos());
  r_.seek(expr_.pos());
  return true;
}

bool Decoder::func_index_expr(ConstExpr& out) {
  out.offset = uint32_t(r_.pos());
  uint32_t idx = r_.u32();
  if (r_.failed()) return false;
  out.code.clear();
  out.code.push_back(0xD2);
  write_u32_leb(out.code, idx);
  out.code.push_back(0x0B);
  return true;
}

void Decoder::type_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    size_t at = r_.pos();
    uint8_t form = r_.u8();
    if (r_.failed()) return;
    if (form & 0x80) return r_.fail(at + 1, "integer representation too long");
    if (form != 0x60) return r_.fail(at, "malformed function type");
    FuncType ft;
    for (auto* vec : {&ft.params, &ft.results}) {
      uint32_t k = r_.len32();
      vec->reserve(k);
      for (uint32_t j = 0; j < k && r_.ok(); ++j) {
        ValType t;
        if (read_value_type(r_, t)) vec->push_back(t);
      }
    }
    m_.types.push_back(std::move(ft));
  }
}

void Decoder::import_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    Import imp;
    if (!name(imp.module) || !name(imp.name)) return;
    size_t at = r_.pos();
    uint8_t kind = r_.u8();
    if (r_.failed()) return;
    switch (kind) {
      case 0:
        imp.kind = ExternKind::Func;
        imp.func_type = r_.u32();
        ++m_.num_imported_funcs;
        break;
      case 1:
        imp.kind = ExternKind::Table;
        table_type(imp.table);
        ++m_.num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        limits(imp.memory.limits, imp.memory.addr);
        ++m_.num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        global_type(imp.global);
        ++m_.num_imported_globals;
        break;
      case 4:
        if (!f_.exceptions) return r_.fail(at, "malformed import kind");
        imp.kind = ExternKind::Tag;
        tag_type(imp.func_type);
        ++m_.num_imported_tags;
        break;
      default:
        return r_.fail(at, "malformed import kind");
    }
    m_.imports.push_back(std::move(imp));
  }
}

void Decoder::function_section() {
  uint32_t n = r_.len32();
  m_.functions.reserve(n);
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    Function f;
    f.type_index = r_.u32();
    m_.functions.push_back(std::move(f));
  }
}

void Decoder::table_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    TableType t;
    if (table_type(t)) m_.tables.push_back(t);
  }
}

void Decoder::memory_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    MemoryType t;
    if (limits(t.limits, t.addr)) m_.memories.push_back(t);
  }
}

void Decoder::global_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    Global g;
    if (global_type(g.type) && const_expr(g.init)) m_.globals.push_back(std::move(g));
  }
}

// A tag type: attribute 0 (exception), then a function type index.
bool Decoder::tag_type(uint32_t& out) {
  size_t at = r_.pos();
  uint8_t attr = r_.u8();
  if (r_.ok() && attr != 0) {
    r_.fail(at, "malformed tag attribute");
    return false;
  }
  out = r_.u32();
  return r_.ok();
}

void Decoder::tag_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    uint32_t t = 0;
    if (tag_type(t)) m_.tags.push_back(t);
  }
}

void Decoder::export_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    Export e;
    if (!name(e.name)) return;
    size_t at = r_.pos();
    uint8_t kind = r_.u8();
    if (r_.failed()) return;
    if (kind > (f_.exceptions ? 4 : 3)) return r_.fail(at, "malformed export kind");
    e.kind = ExternKind(kind);
    e.index = r_.u32();
    m_.exports.push_back(std::move(e));
  }
}

void Decoder::element_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    ElemSegment seg;
    uint32_t flags = r_.u32();
    if (r_.failed()) return;
    if (flags > 7) return r_.fail(r_.pos() - 1, "malformed elements segment kind");
    // Bit 0: passive/declarative; bit 1: explicit table (active) or
    // declarative; bit 2: expressions instead of function indices.
    bool exprs = flags & 4;
    if (flags & 1) {
      seg.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      seg.table = (flags & 2) ? r_.u32() : 0;
      if (!const_expr(seg.offset)) return;
    }
    seg.type = ValType::FuncRef;
    if (flags & 3) {  // an explicit element kind / reference type follows
      if (exprs) {
        if (!read_ref_type(r_, seg.type)) return;
      } else {
        size_t kat = r_.pos();
        uint8_t kind = r_.u8();
        if (r_.failed()) return;
        if (kind != 0) return r_.fail(kat, "malformed element kind");
      }
    }
    uint32_t k = r_.len32();
    for (uint32_t j = 0; j < k && r_.ok(); ++j) {
      ConstExpr e;
      if (exprs ? const_expr(e) : func_index_expr(e)) seg.init.push_back(std::move(e));
    }
    if (r_.ok()) m_.elems.push_back(std::move(seg));
  }
}

void Decoder::code_section() {
  uint32_t n = r_.len32();
  bodies_.reserve(n);  // n <= remaining bytes, each body takes at least one
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    uint32_t size = r_.len32();
    if (r_.failed()) return;
    size_t start = r_.pos();
    size_t end = start + size;
    Function f;
    uint32_t runs = r_.len32();
    uint64_t total = 0;
    for (uint32_t j = 0; j < runs && r_.ok(); ++j) {
      LocalDecl d;
      d.count = r_.u32();
      if (!read_value_type(r_, d.type)) return;
      total += d.count;
      f.locals.push_back(d);
    }
    if (r_.failed()) return;
    if (total >= (uint64_t(1) << 32)) return r_.fail(start, "too many locals");
    f.num_locals = total;
    if (r_.pos() > end) return r_.fail(start, "section size mismatch");
    f.body_offset = uint32_t(r_.pos());
    f.body_end = uint32_t(end);
    r_.seek(end);
    bodies_.push_back(std::move(f));
  }
}

void Decoder::data_section() {
  uint32_t n = r_.len32();
  for (uint32_t i = 0; i < n && r_.ok(); ++i) {
    DataSegment seg;
    uint32_t flags = r_.u32();
    if (r_.failed()) return;
    if (flags > 2) return r_.fail(r_.pos() - 1, "malformed data segment kind");
    if (flags == 1) {
      seg.mode = SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      seg.memory = flags == 2 ? r_.u32() : 0;
      if (!const_expr(seg.offset)) return;
    }
    uint32_t len = r_.len32();
    size_t start = r_.pos();
    if (!r_.skip(len)) return;
    seg.bytes = std::span<const uint8_t>(r_.data() + start, len);
    m_.datas.push_back(std::move(seg));
  }
}

void Decoder::custom_section(size_t size) {
  size_t start = r_.pos();
  CustomSection c;
  if (!name(c.name)) return;
  size_t used = r_.pos() - start;
  if (used > size) return r_.fail_eof();
  c.offset = uint32_t(r_.pos());
  c.size = uint32_t(size - used);
  if (!r_.skip(c.size)) return;
  if (c.name == "name") {
    parse_name_section(r_.data() + c.offset, c.size, m_.module_name, m_.func_names);
  }
  m_.customs.push_back(std::move(c));
}

void Decoder::section(uint8_t id, size_t size) {
  switch (id) {
    case kCustom: return custom_section(size);
    case kType: return type_section();
    case kImport: return import_section();
    case kFunction: return function_section();
    case kTable: return table_section();
    case kMemory: return memory_section();
    case kGlobal: return global_section();
    case kTag: return tag_section();
    case kExport: return export_section();
    case kStart: m_.start = r_.u32(); return;
    case kElement: return element_section();
    case kCode: return code_section();
    case kData: return data_section();
    case kDataCount: m_.data_count = r_.u32(); return;
  }
}

// The reference interpreter decodes instructions while reading the code
// section, so an encoding error in a body precedes any later decoding
// error. Bodies are only scanned here when the module is already known to
// be malformed (validate/ scans them otherwise).
Error Decoder::first_body_error(Error e) {
  BodyReader br(m_.bytes.data(), m_.bytes.size(), 0, BodyReader::kNoEnd, f_);
  Instr in;
  for (const auto& f : bodies_) {
    br.reset(f.body_offset, f.body_end);
    while (br.next(in)) {
    }
    if (br.failed()) return br.error();
  }
  return e;
}

Expected<void> Decoder::run() {
  auto r = finish();
  if (!r && !bodies_.empty()) return first_body_error(std::move(r.error()));
  return r;
}

Expected<void> Decoder::finish() {
  uint32_t magic = r_.fixed32();
  if (r_.ok() && magic != 0x6d736100) r_.fail(0, "magic header not detected");
  uint32_t version = r_.fixed32();
  if (r_.ok() && version != 1) r_.fail(4, "unknown binary version");
  int last_rank = 0;
  while (r_.ok() && !r_.eof()) {
    size_t id_at = r_.pos();
    uint8_t id = r_.data()[id_at];
    if (id > kTag || (id == kTag && !f_.exceptions)) {
      r_.fail(id_at, "malformed section id");
      break;
    }
    if (id != kCustom) {
      int rank = section_rank(id);
      if (rank <= last_rank) {
        r_.fail(r_.size(), "unexpected content after last section");
        break;
      }
      last_rank = rank;
    }
    r_.u8();
    uint32_t size = r_.len32();
    if (r_.failed()) break;
    size_t start = r_.pos();
    section(id, size);
    if (r_.ok() && r_.pos() != start + size) r_.fail(start, "section size mismatch");
  }
  if (r_.failed()) return r_.take_error();
  size_t len = r_.size();
  if (bodies_.size() != m_.functions.size())
    return make_error(ErrorKind::Malformed,
                      "function and code section have inconsistent lengths",
                      offset_location(len));
  if (m_.data_count && *m_.data_count != m_.datas.size())
    return make_error(ErrorKind::Malformed,
                      "data count and data section have inconsistent lengths",
                      offset_location(len));
  for (size_t i = 0; i < bodies_.size(); ++i) {
    uint32_t t = m_.functions[i].type_index;
    m_.functions[i] = std::move(bodies_[i]);
    m_.functions[i].type_index = t;
  }
  return {};
}

}  // namespace

Expected<std::shared_ptr<Module>> decode_module(std::vector<uint8_t> bytes, Features f) {
  auto m = std::make_shared<Module>();
  m->bytes = std::move(bytes);
  Decoder d(*m, f);
  auto r = d.run();
  if (!r) return std::move(r.error());
  return m;
}

}  // namespace tc::wasm
