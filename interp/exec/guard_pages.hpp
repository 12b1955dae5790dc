// Guard-page bounds checking for 32-bit linear memories. A guarded memory
// reserves its whole addressable range (2^32 + 2^32 offset + access size)
// once; only the committed size is accessible, so an out-of-bounds load or
// store faults. A SIGSEGV/SIGBUS handler turns a fault inside a registered
// reservation, raised while this thread runs wasm code (a TrapScope is
// armed), into a siglongjmp back to the dispatch loop's trap path; any
// other fault is passed to the previous handler (or crashes as usual).
#pragma once
#include <csetjmp>
#include <cstddef>
#include <cstdint>

namespace tc::wasm {

// Bytes reserved for a guarded memory.
constexpr uint64_t kGuardedReserve = (uint64_t(1) << 33) + (uint64_t(1) << 16);

// Whether guard pages may be used at all (TIMECRAFT_GUARD_PAGES=0 disables).
bool guard_pages_available();
// Registers/unregisters a reservation of kGuardedReserve bytes; false when
// the registry is full (the memory then uses explicit checks).
bool guard_register(const uint8_t* base);
void guard_unregister(const uint8_t* base);

// The jump target of the current wasm activation on this thread. pc is
// that of the faulting access, set by the fault handler or before the
// access (guarded_access.hpp); the frames give the depth (dispatch.cpp).
struct TrapScope {
  sigjmp_buf buf;
  TrapScope* prev = nullptr;
  const uint32_t* volatile pc = nullptr;
};
// (Re)installs the fault handler if another one replaced it (test
// frameworks and embedders may install their own SIGSEGV handlers; ours
// passes foreign faults on to the handler it replaced).
void guard_ensure_handler();
// Gives this thread an alternate signal stack (once).
void guard_thread_init();
// Innermost armed scope of this thread (null while host code runs).
TrapScope*& current_trap_scope();
// The number of access instructions the fault handler knows pc at
// (guarded_access.hpp; 0 where pc is stored before each access). Valid
// once guard_ensure_handler() ran.
size_t guard_fault_sites();

}  // namespace tc::wasm
