// ModuleParser: the annotations with a meaning (spec custom/ scripts and
// the reference interpreter's handlers; every other (@id ...) is ignored):
//   (@custom "name" (before|after sec)? "bytes"*)  a custom section, placed
//       among the sections as asked (default: after the last one);
//   (@name "str")  the module's name (before the first field) or a
//       function's (in its header); it goes to the "name" section;
//   (@metadata.code.branch_hint "\00"|"\01")  a hint on the instruction
//       that follows, encoded as the "metadata.code.branch_hint" section
//       (byte offsets from the start of the function body, locals
//       included). The engine ignores hints; validate/custom_check.cpp
//       checks the section.
#include <algorithm>

#include "interp/text/wat_parser.hpp"

namespace tc::wat {

namespace {

constexpr std::string_view kBranchHint = "metadata.code.branch_hint";

// The binary sections in the order of the spec's Custom.section_kind.
constexpr std::string_view kSectionKinds[] = {
    "type", "import", "func", "table", "memory", "tag", "global",
    "export", "start", "elem", "datacount", "code", "data"};
constexpr unsigned kCodeRank = 12;

// Rank (1-based, as above) of a binary section id; 0 for custom sections.
unsigned rank_of_id(uint8_t id) {
  switch (id) {
    case 1: return 1;    // type
    case 2: return 2;    // import
    case 3: return 3;    // func
    case 4: return 4;    // table
    case 5: return 5;    // memory
    case 13: return 6;   // tag
    case 6: return 7;    // global
    case 7: return 8;    // export
    case 8: return 9;    // start
    case 9: return 10;   // elem
    case 12: return 11;  // datacount
    case 10: return 12;  // code
    case 11: return 13;  // data
    default: return 0;
  }
}

unsigned key_of(unsigned rank, bool after) { return 2 * rank + (after ? 1 : 0); }

void encode_section(ByteWriter& out, const std::string& name, const std::string& content) {
  ByteWriter w;
  w.name(name);
  w.raw(content);
  out.u8(0);
  out.u32(w.size());
  out.raw(w.bytes);
}

}  // namespace

Expected<void> ModuleParser::parse_custom_annotation(const Annotation& a) {
  auto fail = [&](uint32_t line, uint32_t col, const std::string& msg) {
    return make_error(ErrorKind::Malformed, msg, location_string(line, col));
  };
  const auto& it = a.items;
  size_t i = 0;
  CustomSec c;
  if (it.empty() || it[0].kind != TokKind::String)
    return fail(a.line, a.col, "@custom annotation: missing section name");
  if (!is_valid_utf8(it[0].value))
    return fail(it[0].line, it[0].col, "@custom annotation: malformed UTF-8 encoding");
  c.name = it[i++].value;
  c.key = key_of(13, true);  // after last
  if (i < it.size() && it[i].kind == TokKind::LParen) {
    const Token& open = it[i++];
    bool after = false;
    if (i < it.size() && is_kw(it[i], "before")) after = false;
    else if (i < it.size() && is_kw(it[i], "after")) after = true;
    else return fail(open.line, open.col, "@custom annotation: malformed placement");
    ++i;
    unsigned rank = 0;
    if (i < it.size() && it[i].kind == TokKind::Keyword) {
      std::string_view k = text(it[i]);
      if (k == "first") rank = 1;
      else if (k == "last") rank = 13;
      for (unsigned r = 0; r < std::size(kSectionKinds) && !rank; ++r)
        if (k == kSectionKinds[r]) rank = r + 1;
    }
    if (!rank) return fail(open.line, open.col, "@custom annotation: malformed section kind");
    ++i;
    if (i >= it.size() || it[i].kind != TokKind::RParen) {
      const Token& t = i < it.size() ? it[i] : open;
      return fail(t.line, t.col, "@custom annotation: unexpected token");
    }
    ++i;
    c.key = key_of(rank, after);
  }
  while (i < it.size() && it[i].kind == TokKind::String) c.content += it[i++].value;
  if (i < it.size()) return fail(it[i].line, it[i].col, "@custom annotation: unexpected token");
  if (field_at(a.before)) return fail(a.line, a.col, "misplaced @custom annotation");
  customs_.push_back(std::move(c));
  return {};
}

Expected<void> ModuleParser::parse_name_annotation(const Annotation& a) {
  auto fail = [&](const std::string& msg) {
    return make_error(ErrorKind::Malformed, msg, location_string(a.line, a.col));
  };
  if (a.items.empty() || a.items[0].kind != TokKind::String)
    return fail("@name annotation: string expected");
  if (!is_valid_utf8(a.items[0].value)) return fail("malformed UTF-8 encoding");
  if (a.items.size() > 1) return fail("@name annotation: unexpected token");
  const std::string& name = a.items[0].value;
  const FieldSpan* in = field_at(a.before);
  if (!in) {
    // At module level: before the first field, it names the module.
    if (!spans_.empty() && a.before > spans_[0].open) return fail("misplaced @name annotation");
    if (module_name_annotated_) return fail("@name annotation: multiple module names");
    module_name_annotated_ = true;
    module_name_ = name;
    return {};
  }
  if (in->kind == "func" && !in->imported) {
    if (a.before > in->header_end) return fail("@name annotation: misplaced annotation");
    for (const auto& [i, n] : annotated_funcs_)
      if (i == in->index) return fail("@name annotation: multiple function names");
    annotated_funcs_.emplace_back(in->index, name);
    std::erase_if(func_names_, [&](const auto& e) { return e.first == in->index; });
    func_names_.emplace_back(in->index, name);
    return {};
  }
  // Tag names are accepted but not encoded (the name section's tag
  // subsection needs the tag index space).
  if (in->kind == "tag") return {};
  if (in->kind == "type") return fail("@name annotation: type and field names not yet supported");
  return fail("misplaced @name annotation");
}

// After the fields: module-level annotations, and branch hints outside
// every function body.
Expected<void> ModuleParser::apply_module_annotations() {
  if (!annots_) return {};
  for (const auto& a : *annots_) {
    if (a.id == "custom") {
      TC_TRY(parse_custom_annotation(a));
    } else if (a.id == "name") {
      TC_TRY(parse_name_annotation(a));
    } else if (a.id == kBranchHint) {
      const FieldSpan* in = field_at(a.before);
      if (!in || in->kind != "func" || in->imported)
        return make_error(ErrorKind::Malformed,
                          "@metadata.code.branch_hint annotation: not in a function",
                          location_string(a.line, a.col));
    }
  }
  if (!func_hints_.empty()) {
    ByteWriter w;
    w.u32(func_hints_.size());
    for (const auto& [func, hs] : func_hints_) {
      w.u32(func);
      w.u32(hs.size());
      for (const auto& h : hs) {
        w.u32(h.offset);
        w.u32(1);
        w.u8(h.value);
      }
    }
    customs_.push_back(CustomSec{key_of(kCodeRank, false), std::string(kBranchHint),
                                 std::string(w.bytes.begin(), w.bytes.end())});
  }
  return {};
}

// The field whose tokens surround token index `before`, if any (fields
// are in source order and do not overlap).
const ModuleParser::FieldSpan* ModuleParser::field_at(size_t before) const {
  auto it = std::lower_bound(spans_.begin(), spans_.end(), before,
                             [](const FieldSpan& s, size_t b) { return s.open < b; });
  if (it == spans_.begin()) return nullptr;
  --it;
  return before <= it->close ? &*it : nullptr;
}

void ModuleParser::begin_func_hints(size_t open, size_t close) {
  func_hint_annots_.clear();
  next_hint_ = 0;
  hints_.clear();
  if (!annots_) return;
  // Annotations are in source order: binary-search the field's range.
  auto it = std::upper_bound(annots_->begin(), annots_->end(), open,
                             [](size_t o, const Annotation& a) { return o < a.before; });
  for (; it != annots_->end() && it->before <= close; ++it)
    if (it->id == kBranchHint) func_hint_annots_.push_back(&*it);
}

// The hints written before the instruction starting at token `tok` apply
// to it: one at most.
Expected<void> ModuleParser::instr_hint(size_t tok, const ByteWriter& w, bool pending) {
  bool taken = false;
  while (next_hint_ < func_hint_annots_.size() && func_hint_annots_[next_hint_]->before <= tok) {
    const Annotation& a = *func_hint_annots_[next_hint_++];
    auto fail = [&](const std::string& msg) {
      return make_error(ErrorKind::Malformed, "@metadata.code.branch_hint annotation: " + msg,
                        location_string(a.line, a.col));
    };
    std::string payload;
    for (const auto& t : a.items) {
      if (t.kind != TokKind::String) return fail("unexpected token");
      payload += t.value;
    }
    if (payload.size() != 1 || uint8_t(payload[0]) > 1) return fail("invalid hint value");
    if (taken) return fail("duplicate annotation");
    taken = true;
    hints_.push_back(Hint{&a, w.size(), pending, uint8_t(payload[0])});
  }
  return {};
}

// run_instrs moved pending[off, end) to `out_at` in the body.
void ModuleParser::pending_flushed(size_t off, size_t out_at) {
  for (auto& h : hints_)
    if (h.pending && h.offset >= off) {
      h.offset = out_at + (h.offset - off);
      h.pending = false;
    }
}

Expected<void> ModuleParser::end_func_hints(uint32_t func) {
  if (next_hint_ < func_hint_annots_.size()) {
    const Annotation& a = *func_hint_annots_[next_hint_];
    return make_error(ErrorKind::Malformed,
                      "@metadata.code.branch_hint annotation: invalid placement",
                      location_string(a.line, a.col));
  }
  if (!hints_.empty()) func_hints_.emplace_back(func, std::move(hints_));
  hints_.clear();
  func_hint_annots_.clear();
  return {};
}

// Splices the @custom sections into the assembled module.
std::vector<uint8_t> ModuleParser::place_customs(std::vector<uint8_t> binary) const {
  if (customs_.empty()) return binary;
  std::vector<const CustomSec*> cs;
  for (const auto& c : customs_) cs.push_back(&c);
  std::stable_sort(cs.begin(), cs.end(),
                   [](const CustomSec* x, const CustomSec* y) { return x->key < y->key; });
  ByteWriter out;
  out.raw(std::string_view(reinterpret_cast<const char*>(binary.data()), 8));
  size_t next = 0;
  auto emit_upto = [&](unsigned key) {
    while (next < cs.size() && cs[next]->key <= key) {
      encode_section(out, cs[next]->name, cs[next]->content);
      ++next;
    }
  };
  // The sections as assemble() wrote them (well-formed by construction).
  size_t p = 8;
  while (p < binary.size()) {
    size_t start = p;
    uint8_t id = binary[p++];
    uint64_t size = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t b = binary[p++];
      size |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    p += size;
    unsigned rank = rank_of_id(id);
    if (rank) emit_upto(key_of(rank, false));
    else emit_upto(~0u);  // the "name" section comes last
    out.bytes.insert(out.bytes.end(), binary.begin() + start, binary.begin() + p);
  }
  emit_upto(~0u);
  return std::move(out.bytes);
}

}  // namespace tc::wat
