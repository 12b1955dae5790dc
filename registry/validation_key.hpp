// The mark that says "this user's engine build validated this module", so
// that run and replay may skip validating it again. It is an HMAC-SHA256,
// under a secret key of this user's kept outside the registry, of the
// module's digest and the engine build: whoever can write a registry (or
// hands one to someone) cannot make one, and a mark copied from another
// registry, key, module or build does not verify. Without a usable key
// nothing is ever trusted: every module is validated.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "interp/error.hpp"

namespace tc::registry {

class ValidationKey {
 public:
  static constexpr size_t kSize = 32;

  // $TIMECRAFT_KEY_FILE, else $XDG_STATE_HOME/timecraft/validation.key, else
  // $HOME/.local/state/timecraft/validation.key; "" when none is set.
  static std::string default_path();
  // Reads the key file, first creating it if it does not exist: 32 random
  // bytes, mode 0600, in directories created 0700, published atomically
  // (when another process creates it first, theirs is read). Errors: a file
  // that is not a regular file owned by this user with no group or other
  // permission, or not exactly 32 bytes (it is left alone); I/O; no path.
  static Expected<ValidationKey> load_or_create(const std::string& path);
  explicit ValidationKey(const std::array<uint8_t, kSize>& bytes) : key_(bytes) {}

  // Lower-case hex HMAC-SHA256(key, "timecraft-validated\0" digest "\0" build).
  std::string mark(const std::string& digest, const std::string& build) const;
  // Whether `mark` is mark(digest, build) (compared in constant time).
  bool verify(const std::string& mark, const std::string& digest, const std::string& build) const;

 private:
  std::array<uint8_t, kSize> key_;
};

}  // namespace tc::registry
