// Dynamic instruction statistics for tuning the interpreter: built only in
// the `opstats` variant (b2 variant=opstats -> bin/opstats/timecraft), where
// every dispatch counts the executed internal op and the (previous, current)
// pair; the tables go to stderr at exit. Zero cost in normal builds.
#pragma once
#include <cstdint>

namespace tc::wasm::opstats {

// `handler` is the code word being dispatched (a handler offset).
void record(uint32_t handler);

}  // namespace tc::wasm::opstats
