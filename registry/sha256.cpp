#include "registry/sha256.hpp"

// The one-shot low-level API: in OpenSSL 3 the EVP interface first builds
// its provider and algorithm-name tables, about 2 ms of a short run's
// start-up; SHA256_* hashes directly (deprecated, still supported in 3.x).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace tc::registry {

namespace {
std::string to_hex(const unsigned char (&md)[SHA256_DIGEST_LENGTH]) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : md) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}
}  // namespace

std::string sha256_hex(std::span<const uint8_t> data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
  return to_hex(md);
}

struct Sha256::State {
  SHA256_CTX ctx;
};

Sha256::Sha256() : s_(std::make_unique<State>()) { SHA256_Init(&s_->ctx); }
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const uint8_t> data) { SHA256_Update(&s_->ctx, data.data(), data.size()); }

std::string Sha256::hex() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &s_->ctx);
  SHA256_Init(&s_->ctx);
  return to_hex(md);
}

}  // namespace tc::registry
