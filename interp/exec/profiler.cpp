// The profiler's calling-context tree (EngineConfig::profile), kept from
// IOp::ProfCount (function entries, and the segment after each call where a
// callee has returned), call_host (host calls) and execute() (frames left
// at the end of an invocation). Time is counted in TSC cycles, read only
// there; Store::profile converts them to ns.
#include <x86intrin.h>

#include <algorithm>
#include <chrono>

#include "interp/code/iops.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

Profiler::Profiler()
    : tsc0(__rdtsc()),
      ns0(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count()) {}

uint32_t Profiler::child(uint32_t parent, const FuncInst* f) {
  ProfNode& p = nodes[parent];
  if (p.last_callee == f) return p.last_child;
  auto [it, fresh] = child_of.try_emplace({parent, f}, uint32_t(nodes.size()));
  if (fresh) {
    ProfNode n;
    n.func = f;
    n.parent = parent;
    if (f->code) n.segs.assign(f->code->segments.size(), 0);
    nodes.push_back(std::move(n));
  }
  nodes[parent].last_callee = f;
  nodes[parent].last_child = it->second;
  return it->second;
}

void Profiler::segment(Machine& m, uint32_t depth, uint32_t k) {
  const uint32_t keep = k == 0 ? depth - 1 : depth;  // a frame entered at depth replaces any left there
  if (open > keep) unwind(keep);
  if (k == 0) {
    if (node_at.size() <= depth) {
      node_at.resize(depth + 64, 0);
      tsc_at.resize(depth + 64, 0);
    }
    uint32_t n = child(depth > 1 && open == depth - 1 ? node_at[depth - 1] : 0, m.frames[depth].func);
    node_at[depth] = n;
    tsc_at[depth] = __rdtsc();
    nodes[n].calls++;
    open = depth;
  }
  if (ProfNode* n = node_of(depth); n && k < n->segs.size()) n->segs[k]++;
}

void Profiler::unwind(uint32_t to) {
  if (open <= to) return;
  uint64_t now = __rdtsc();
  for (uint32_t d = open; d > to; --d) nodes[node_at[d]].cycles += now - tsc_at[d];
  open = to;
}

// A host function called from the frame at `depth`: a child of its node.
void profile_host_call(Profiler& prof, uint32_t depth, const FuncInst* f, uint64_t cycles) {
  uint32_t n = prof.child(depth >= 1 && depth <= prof.open ? prof.node_at[depth] : 0, f);
  prof.nodes[n].calls++;
  prof.nodes[n].cycles += cycles;
}

std::vector<ProfileNode> Store::profile() const {
  const Profiler* prof = impl_->machine.prof.get();
  if (!prof) return {};
  // TSC cycles -> ns, from the TSC and the steady clock since profiling began.
  int64_t ns1 = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch()).count();
  uint64_t cycles = __rdtsc() - prof->tsc0;
  double ns_per_cycle = cycles ? double(ns1 - prof->ns0) / double(cycles) : 0.0;
  std::vector<ProfileNode> out;
  out.reserve(prof->nodes.size());
  for (const ProfNode& n : prof->nodes) {
    ProfileNode p;
    p.parent = n.parent;
    p.calls = n.calls;
    p.total_ns = uint64_t(double(n.cycles) * ns_per_cycle);
    if (n.func) {
      p.host = n.func->is_host();
      p.func_index = n.func->index;
      if (p.host) p.host_name = n.func->debug_name;
    }
    const CompiledFunc* c = n.func ? n.func->code.get() : nullptr;
    if (c && c->seg_first.size() == c->segments.size() + 1) {
      std::vector<std::pair<uint32_t, uint64_t>> at;
      for (size_t k = 0; k < n.segs.size() && k < c->segments.size(); ++k) {
        if (!n.segs[k]) continue;
        for (uint32_t i = c->seg_first[k]; i < c->seg_first[k + 1]; ++i) {
          uint64_t times = n.segs[k];
          // A trap inside this segment: its instructions after the trapping one did not run, once.
          if (k == n.trap_seg && i - c->seg_first[k] >= n.trap_through) --times;
          if (times) at.push_back({c->seg_offsets[i], times});
        }
      }
      std::sort(at.begin(), at.end());
      for (const auto& [off, t] : at) {
        p.instructions += t;
        if (!p.offsets.empty() && p.offsets.back().first == off) p.offsets.back().second += t;
        else p.offsets.push_back({off, t});
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tc::wasm
