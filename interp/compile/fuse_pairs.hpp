// Superinstructions: adjacent instruction pairs listed in iops_pair.def are
// rewritten in place into one fused op A_B. The pair keeps its layout (A's
// words, then B's handler word and operands), so no branch offset changes
// and a branch to B still runs B alone; the fused handler runs A's body,
// steps pc over A and runs B's body, saving one dispatch.
#pragma once
#include "interp/compile/iops.hpp"

namespace tc::wasm {

// Fuses greedily from the start of the function; call before threading.
void fuse_pairs(CompiledFunc& f);

}  // namespace tc::wasm
