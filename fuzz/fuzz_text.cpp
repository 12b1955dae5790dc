// Fuzz target: the WAT/WAST text front end (interp/text/): the script
// parser, the text-module encoder (module_source_to_binary, i.e.
// wat_to_binary for text and quote modules), and decoding + validating
// whatever binary they produce. The input is tried as a .wast script and
// as a lone .wat module.
#include <cstdint>
#include <string_view>

#include "interp/engine.hpp"
#include "interp/text/script.hpp"
#include "interp/text/wat.hpp"

using namespace tc;

namespace {

void load(Expected<std::vector<uint8_t>> bin) {
  if (bin) (void)wasm::load_module(std::move(*bin));
}

bool takes_module(const wast::Command& c) {
  using K = wast::Command::Kind;
  switch (c.kind) {
    case K::Module: case K::AssertInvalid: case K::AssertMalformed:
    case K::AssertMalformedCustom: case K::AssertInvalidCustom:
    case K::AssertUnlinkable: case K::AssertUninstantiable:
      return true;
    case K::AssertTrap:
      return c.has_module;
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  if (auto script = wast::parse_wast(src)) {
    for (const auto& c : script->commands)
      if (takes_module(c)) load(wast::module_source_to_binary(c.module));
  }
  load(wat::wat_to_binary(src));
  return 0;
}
