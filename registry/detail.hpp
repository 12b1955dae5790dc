// Helpers shared by the registry's files (registry.cpp, profiles.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <system_error>

#include "interp/error.hpp"

namespace tc::registry::detail {

int64_t now_unix_ns();
bool is_uuid(const std::string& s);
Error fs_error(const std::string& what, const std::error_code& ec);

}  // namespace tc::registry::detail
