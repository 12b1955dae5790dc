#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tc::registry {

// Lower-case hex sha256 of `data` (OpenSSL).
std::string sha256_hex(std::span<const uint8_t> data);

// The same, fed piecewise (for files streamed rather than held in memory).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::span<const uint8_t> data);
  std::string hex();  // ends the hash; update() starts a new one after it

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace tc::registry
