#include "interp/exec/guard_pages.hpp"

#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "interp/exec/guarded_access.hpp"

#if TC_FAULT_SITES
// The linker's bounds of the section guarded_access.hpp's accesses list
// themselves in (weak: a program without any has no section).
extern "C" const int32_t __start_tc_fault_sites[] __attribute__((weak));
extern "C" const int32_t __stop_tc_fault_sites[] __attribute__((weak));
#endif

namespace tc::wasm {

namespace {

constexpr size_t kMaxGuarded = 2048;  // 16 TiB of address space
std::atomic<const uint8_t*> g_bases[kMaxGuarded];
struct sigaction g_old_segv, g_old_bus;
thread_local TrapScope* t_scope = nullptr;

#if TC_FAULT_SITES
// The access instructions' addresses, each with the gregs index of the
// register holding pc there, sorted by address; built before the handler
// is first installed, read-only after (the handler only searches it).
struct Site {
  uintptr_t at;
  int reg;
  bool operator<(const Site& o) const { return at < o.at; }
};
std::vector<Site> g_sites;

// "%rbx" -> REG_RBX; -1 for a name the fault path cannot read.
int greg_of(const char (&name)[4]) {
  static const struct {
    char n[4];
    int reg;
  } regs[] = {{{'%', 'r', 'a', 'x'}, REG_RAX}, {{'%', 'r', 'b', 'x'}, REG_RBX},
              {{'%', 'r', 'c', 'x'}, REG_RCX}, {{'%', 'r', 'd', 'x'}, REG_RDX},
              {{'%', 'r', 's', 'i'}, REG_RSI}, {{'%', 'r', 'd', 'i'}, REG_RDI},
              {{'%', 'r', 'b', 'p'}, REG_RBP}, {{'%', 'r', '8', 0}, REG_R8},
              {{'%', 'r', '9', 0}, REG_R9},    {{'%', 'r', '1', '0'}, REG_R10},
              {{'%', 'r', '1', '1'}, REG_R11}, {{'%', 'r', '1', '2'}, REG_R12},
              {{'%', 'r', '1', '3'}, REG_R13}, {{'%', 'r', '1', '4'}, REG_R14},
              {{'%', 'r', '1', '5'}, REG_R15}};
  for (const auto& r : regs)
    if (std::memcmp(r.n, name, 4) == 0) return r.reg;
  return -1;
}

void collect_sites() {
  struct Entry {
    int32_t off;  // the instruction's address, relative to this field
    char reg[4];
  };
  static_assert(sizeof(Entry) == 8);
  const auto* b = reinterpret_cast<const Entry*>(__start_tc_fault_sites);
  const auto* e = reinterpret_cast<const Entry*>(__stop_tc_fault_sites);
  if (!b || !e) return;
  for (const Entry* p = b; p < e; ++p) {
    const int reg = greg_of(p->reg);
    if (reg >= 0) g_sites.push_back({uintptr_t(&p->off) + uintptr_t(intptr_t(p->off)), reg});
  }
  std::sort(g_sites.begin(), g_sites.end());
}

// A fault at one of the sites: pc is in that site's register.
void take_pc(TrapScope* s, void* uctx) {
  const auto* uc = static_cast<const ucontext_t*>(uctx);
  const Site key{uintptr_t(uc->uc_mcontext.gregs[REG_RIP]), 0};
  auto it = std::lower_bound(g_sites.begin(), g_sites.end(), key);
  if (it != g_sites.end() && it->at == key.at)
    s->pc = reinterpret_cast<const uint32_t*>(uc->uc_mcontext.gregs[it->reg]);
}
#else
void take_pc(TrapScope*, void*) {}
#endif

bool in_reservation(const uint8_t* p) {
  for (auto& b : g_bases) {
    const uint8_t* base = b.load(std::memory_order_acquire);
    if (base && p >= base && uint64_t(p - base) < kGuardedReserve) return true;
  }
  return false;
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  TrapScope* s = t_scope;
  if (s && in_reservation(static_cast<const uint8_t*>(info->si_addr))) {
    take_pc(s, uctx);
    siglongjmp(s->buf, 1);
  }
  // Not ours: hand over to whoever was installed before, or die as usual.
  const struct sigaction& old = sig == SIGBUS ? g_old_bus : g_old_segv;
  if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction) {
    old.sa_sigaction(sig, info, uctx);
    return;
  }
  if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN && old.sa_handler) {
    old.sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);  // returning re-executes the access, which now kills the process
}

// An alternate signal stack for this thread, unless it already has one.
struct AltStack {
  std::unique_ptr<char[]> mem;
  AltStack() {
    stack_t cur;
    if (sigaltstack(nullptr, &cur) == 0 && !(cur.ss_flags & SS_DISABLE)) return;
    size_t size = 64 * 1024;
    mem.reset(new char[size]);
    stack_t st{};
    st.ss_sp = mem.get();
    st.ss_size = size;
    if (sigaltstack(&st, nullptr) != 0) mem.reset();
  }
  ~AltStack() {
    if (!mem) return;
    stack_t st{};
    st.ss_flags = SS_DISABLE;
    sigaltstack(&st, nullptr);
  }
};

std::mutex g_install_mutex;

// Installs on_fault for `sig` unless it is installed already; whatever was
// there becomes the handler faults outside linear memory are passed to.
void install_handler(int sig, struct sigaction* old) {
  struct sigaction cur;
  if (sigaction(sig, nullptr, &cur) != 0) return;
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_fault) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  // SA_NODEFER: siglongjmp leaves the handler without restoring the mask.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  struct sigaction prev;
  if (sigaction(sig, &sa, &prev) == 0) *old = prev;
}

}  // namespace

bool guard_pages_available() {
  static const bool ok = [] {
    const char* e = std::getenv("TIMECRAFT_GUARD_PAGES");
    return !(e && std::strcmp(e, "0") == 0);
  }();
  return ok;
}

void guard_ensure_handler() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
#if TC_FAULT_SITES
  static const bool sites = (collect_sites(), true);
  (void)sites;
#endif
  install_handler(SIGSEGV, &g_old_segv);
  install_handler(SIGBUS, &g_old_bus);
}

bool guard_register(const uint8_t* base) {
  guard_ensure_handler();
  for (auto& b : g_bases) {
    const uint8_t* expected = nullptr;
    if (b.compare_exchange_strong(expected, base, std::memory_order_acq_rel)) return true;
  }
  return false;
}

void guard_unregister(const uint8_t* base) {
  for (auto& b : g_bases) {
    const uint8_t* expected = base;
    if (b.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel)) return;
  }
}

TrapScope*& current_trap_scope() { return t_scope; }

size_t guard_fault_sites() {
#if TC_FAULT_SITES
  std::lock_guard<std::mutex> lock(g_install_mutex);
  return g_sites.size();
#else
  return 0;
#endif
}

void guard_thread_init() {
  thread_local AltStack alt;
  (void)alt;
}

}  // namespace tc::wasm
