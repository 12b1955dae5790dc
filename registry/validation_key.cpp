#include "registry/validation_key.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "registry/hmac_sha256.hpp"

namespace tc::registry {

namespace {

Error key_error(const std::string& path, const std::string& why) {
  return make_error(ErrorKind::Io, "validation key " + path + ": " + why);
}
Error errno_error(const std::string& path, const std::string& what) {
  return key_error(path, what + ": " + std::strerror(errno));
}

// mkdir -p of the directories above `path`; the ones made are 0700.
Expected<void> make_parents(const std::string& path) {
  for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
    std::string dir = path.substr(0, at);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return errno_error(path, "cannot create " + dir);
  }
  return {};
}

Expected<ValidationKey> read_key(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno_error(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) return key_error(path, "not a regular file");
  if (st.st_uid != ::geteuid()) return key_error(path, "not owned by this user");
  if (st.st_mode & 077) return key_error(path, "accessible to other users (it must be mode 0600)");
  if (st.st_size != off_t(ValidationKey::kSize)) return key_error(path, "not 32 bytes");
  std::array<uint8_t, ValidationKey::kSize> key{};
  size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(path, "cannot read");
    if (n == 0) return key_error(path, "not 32 bytes");
    got += size_t(n);
  }
  ValidationKey k(key);
  OPENSSL_cleanse(key.data(), key.size());
  return k;
}

Expected<void> write_all(int fd, const uint8_t* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return errno_error(path, "cannot write");
    p += w;
    n -= size_t(w);
  }
  return {};
}

// Writes a new key to a private temporary file and links it into place:
// link() never replaces, so of racing creators exactly one wins, and no
// reader ever sees a partial key.
Expected<void> create_key(const std::string& path) {
  TC_TRY(make_parents(path));
  std::array<uint8_t, ValidationKey::kSize> key;
  if (RAND_bytes(key.data(), int(key.size())) != 1) return key_error(path, "no random bytes");
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++) + "." +
          std::to_string(std::time(nullptr));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    OPENSSL_cleanse(key.data(), key.size());
    return errno_error(path, "cannot create");
  }
  auto written = ::fchmod(fd, 0600) == 0 ? write_all(fd, key.data(), key.size(), path)
                                         : Expected<void>(errno_error(path, "cannot chmod"));
  OPENSSL_cleanse(key.data(), key.size());
  if (written && ::fsync(fd) != 0) written = errno_error(path, "cannot sync");
  ::close(fd);
  if (written && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST)
    written = errno_error(path, "cannot create");
  ::unlink(tmp.c_str());
  return written;
}

}  // namespace

std::string ValidationKey::default_path() {
  if (const char* f = std::getenv("TIMECRAFT_KEY_FILE"); f && *f) return f;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && x[0] == '/')  // must be absolute
    return std::string(x) + "/timecraft/validation.key";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/state/timecraft/validation.key";
  return "";
}

Expected<ValidationKey> ValidationKey::load_or_create(const std::string& path) {
  if (path.empty())
    return make_error(ErrorKind::Io, "no validation key: neither $TIMECRAFT_KEY_FILE nor $HOME is set");
  for (int attempt = 0;; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // a FIFO must not block
    if (fd >= 0) {
      auto key = read_key(fd, path);
      ::close(fd);
      return key;
    }
    if (errno != ENOENT || attempt > 0) return errno_error(path, "cannot open");
    TC_TRY(create_key(path));
  }
}

std::string ValidationKey::mark(const std::string& digest, const std::string& build) const {
  std::string message = std::string("timecraft-validated") + '\0' + digest + '\0' + build;
  auto mac = hmac_sha256(key_, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(message.data()),
                                                         message.size()));
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : mac) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

bool ValidationKey::verify(const std::string& mark_hex, const std::string& digest,
                           const std::string& build) const {
  std::string expected = mark(digest, build);
  return mark_hex.size() == expected.size() &&
         CRYPTO_memcmp(mark_hex.data(), expected.data(), expected.size()) == 0;
}

}  // namespace tc::registry
