#include "interp/text/wat.hpp"

#include "interp/text/lexer.hpp"
#include "interp/text/wat_parser.hpp"

namespace tc::wat {

Expected<std::vector<uint8_t>> wat_to_binary(std::string_view source, wasm::Features f) {
  std::vector<Annotation> annots;
  auto toks = tokenize(source, {}, &annots);
  if (!toks) return std::move(toks.error());
  return ModuleParser(source, *toks, &annots, f).parse();
}

}  // namespace tc::wat
