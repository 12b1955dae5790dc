#include "wasi/call_types.hpp"

namespace tc::wasi {

namespace {
constexpr CallInfo kCalls[] = {
#define WASI_CALL(name, id, params, results, ins, outs) {CallId::name, #name, params, results},
#include "wasi/calls.def"
#undef WASI_CALL
};
}  // namespace

std::span<const CallInfo> all_calls() { return kCalls; }

const CallInfo* find_call(std::string_view name) {
  for (const auto& c : kCalls)
    if (name == c.name) return &c;
  return nullptr;
}

const char* errno_name(Errno e) {
  static const char* const names[] = {
      "ESUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT",
      "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD",
      "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDESTADDRREQ", "EDOM",
      "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM", "EILSEQ",
      "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE",
      "EMLINK", "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET",
      "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK",
      "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS", "ENOTCONN",
      "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO",
      "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO", "EPROTONOSUPPORT",
      "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETXTBSY",
      "EXDEV", "ENOTCAPABLE", "EAI_ADDRFAMILY", "EAI_AGAIN", "EAI_BADFLAGS", "EAI_FAIL",
      "EAI_FAMILY", "EAI_MEMORY", "EAI_NODATA", "EAI_NONAME", "EAI_SERVICE", "EAI_SOCKTYPE",
      "EAI_SYSTEM"};
  auto i = static_cast<size_t>(e);
  return i < sizeof names / sizeof names[0] ? names[i] : "E?";
}

}  // namespace tc::wasi
