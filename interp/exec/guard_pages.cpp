#include "interp/exec/guard_pages.hpp"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace tc::wasm {

namespace {

constexpr size_t kMaxGuarded = 2048;  // 16 TiB of address space
std::atomic<const uint8_t*> g_bases[kMaxGuarded];
struct sigaction g_old_segv, g_old_bus;
thread_local TrapScope* t_scope = nullptr;

bool in_reservation(const uint8_t* p) {
  for (auto& b : g_bases) {
    const uint8_t* base = b.load(std::memory_order_acquire);
    if (base && p >= base && uint64_t(p - base) < kGuardedReserve) return true;
  }
  return false;
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  TrapScope* s = t_scope;
  if (s && in_reservation(static_cast<const uint8_t*>(info->si_addr))) siglongjmp(s->buf, 1);
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

void guard_thread_init() {
  thread_local AltStack alt;
  (void)alt;
}

}  // namespace tc::wasm
