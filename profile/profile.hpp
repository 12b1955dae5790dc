// An exact profile of one replay, as data: the calling-context tree of the
// WebAssembly functions (and the host functions they called), each node
// with the instructions it executed itself, its calls and its time. The
// formats (table, folded stacks, pprof, flame graph) are written from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tc::profile {

// A function as the formats name it.
struct Function {
  std::string name;     // DWARF's (qualified) name, else the name section's, else "func[N]"
  std::string file;     // source file from DWARF, "" if unknown
  uint32_t line = 0;    // the function's first line, 0 if unknown
  uint32_t index = 0;   // in the module's function index space
  bool host = false;    // an imported (host) function: a WASI call
};

// One node of the calling-context tree: a function reached by one path of
// calls from the root. Node 0 is the root (no function; its children are
// the entry points).
struct Node {
  uint32_t parent = 0;    // index of the parent node (the root's is 0)
  uint32_t function = 0;  // index into Profile::functions (unused for the root)
  uint64_t self_instructions = 0;  // WebAssembly instructions executed in this function on this path
  uint64_t calls = 0;              // times this path was entered
  uint64_t self_ns = 0;            // time in this function itself (host functions: the call's time)
  uint64_t total_instructions = 0; // self + all descendants (filled by Profile::finish)
  uint64_t total_ns = 0;           // self + all descendants (filled by Profile::finish)
  // Source lines of this node's own instructions, when DWARF has them:
  // (line index into Profile::lines, instructions), sorted by line index.
  std::vector<std::pair<uint32_t, uint64_t>> lines;
};

struct SourceLine {
  std::string file;
  uint32_t line = 0;
  uint32_t function = 0;  // index into Profile::functions
};

struct Profile {
  std::string process_id;     // the profiled process
  std::string module_name;
  int64_t start_unix_ns = 0;  // when the profiling replay started
  uint64_t duration_ns = 0;   // the replay's wall time
  std::vector<Function> functions;
  std::vector<Node> nodes;    // nodes[0] is the root; a child comes after its parent
  std::vector<SourceLine> lines;

  // Fills total_instructions and total_ns (children after parents).
  void finish();
  // The stack of node `n`, root-most first (without the root).
  std::vector<uint32_t> path(uint32_t n) const;
};

}  // namespace tc::profile
