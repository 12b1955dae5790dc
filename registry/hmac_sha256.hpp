// HMAC-SHA256 (RFC 2104) on OpenSSL's SHA-256. Not OpenSSL's HMAC(): in
// OpenSSL 3 that goes through EVP, whose provider set-up costs about 1 ms of
// every short run's start-up (see sha256.cpp); the tests check this one
// against it.
#pragma once
#include <array>
#include <cstdint>
#include <span>

namespace tc::registry {

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

}  // namespace tc::registry
