// Superinstructions: adjacent instruction pairs listed in iops_pair.def (and
// triples and quads, iops_triple.def / iops_quad.def) are rewritten in place
// into one fused op A_B. The pair keeps its layout (A's
// words, then B's handler word and operands), so no branch offset changes
// and a branch to B still runs B alone; the fused handler runs A's body,
// steps pc over A and runs B's body, saving one dispatch.
//
// When B reads A's result from a stack slot that is dead after B (the
// stack height after B is at or below it, or B overwrites it), the chained
// form A_B_cK passes the value in a register and skips the slot store and
// reload on the dependency path.
#pragma once
#include <vector>

#include "interp/code/iops.hpp"

namespace tc::wasm {

// Covers the function's instruction sequence with the listed pairs,
// triples and quads, maximising dispatches saved; call before threading
// (the compiler does unless EngineConfig::fuse is off).
// `height_after[i]`: operand-stack height after instruction i (map_code order).
void fuse_pairs(CompiledFunc& f, const std::vector<uint32_t>& height_after);

}  // namespace tc::wasm
