#include "interp/text/wat.hpp"

#include "interp/text/lexer.hpp"
#include "interp/text/wat_parser.hpp"

namespace tc::wat {

Expected<std::vector<uint8_t>> wat_to_binary(std::string_view source, wasm::Features f) {
  auto toks = tokenize(source);
  if (!toks) return std::move(toks.error());
  return ModuleParser(source, *toks, f).parse();
}

}  // namespace tc::wat
