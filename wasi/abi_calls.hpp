// Internal to the ABI tier: one marshaller per WASI call (declared from
// calls.def) and the helpers they share.
#pragma once
#include <cstdint>

#include "interp/error.hpp"
#include "wasi/guest_memory.hpp"
#include "wasi/system.hpp"

namespace tc::wasi::abi {

struct Env {
  System& sys;
  GuestMemory mem;
};

// a[i] holds the i-th wasm argument (i32 zero-extended).
#define WASI_CALL(name, id, params, results, ins, outs) \
  Expected<Errno> name(Env& env, const uint64_t* a);
#include "wasi/calls.def"
#undef WASI_CALL

#define TC_WASI_CHECK(expr)                                   \
  do {                                                        \
    if (::tc::wasi::Errno e_ = (expr); e_ != ::tc::wasi::Errno::Success) return e_; \
  } while (0)

inline uint32_t u32(uint64_t v) { return static_cast<uint32_t>(v); }

// Reads a guest string (ptr, len): bounds-checked and valid UTF-8 (EILSEQ).
Errno read_path(const GuestMemory& mem, uint64_t ptr, uint64_t len, std::string_view& out);
// Copies an iovec/ciovec array out of guest memory first, then checks each buffer.
Errno read_iovecs(const GuestMemory& mem, uint64_t ptr, uint64_t count, IovecsOut& out);
Errno read_ciovecs(const GuestMemory& mem, uint64_t ptr, uint64_t count, IovecsIn& out);
// Output structs, laid out as in the witx ABI.
Errno write_filestat(const GuestMemory& mem, uint64_t ptr, const Filestat& st);

}  // namespace tc::wasi::abi
