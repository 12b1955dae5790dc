#include "registry/hmac_sha256.hpp"

#include <algorithm>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace tc::registry {

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  constexpr size_t kBlock = 64;  // SHA-256's block size
  uint8_t k[kBlock] = {};
  if (key.size() > kBlock) SHA256(key.data(), key.size(), k);  // long keys are hashed first
  else std::copy(key.begin(), key.end(), k);
  uint8_t pad[kBlock];
  std::array<uint8_t, 32> inner, out;
  SHA256_CTX ctx;
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, kBlock);
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(inner.data(), &ctx);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, pad, kBlock);
  SHA256_Update(&ctx, inner.data(), inner.size());
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  return out;
}

}  // namespace tc::registry
