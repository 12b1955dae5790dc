#include "session/platform.hpp"

#include <sys/utsname.h>

namespace tc::session {

namespace {

Platform probe() {
  Platform p;
  struct utsname u;
  if (uname(&u) == 0) p.arch = u.machine;
#if defined(__x86_64__) && defined(__GNUC__)
  // The optional fast paths of interp/exec/simd_x86.hpp.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("ssse3")) p.cpu_features.push_back("ssse3");
  if (__builtin_cpu_supports("sse4.1")) p.cpu_features.push_back("sse4.1");
#endif
  return p;
}

}  // namespace

const Platform& this_platform() {
  static const Platform p = probe();
  return p;
}

}  // namespace tc::session
