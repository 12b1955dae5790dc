// Small text helpers of the debugger's commands.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::debug {

std::string trim(const std::string& s);
std::vector<std::string> split_words(const std::string& s);
// A number as gdb reads one: decimal, 0x hex, 0 octal; nullopt if not.
std::optional<uint64_t> parse_number(const std::string& s);
std::string hex(uint64_t v, int width = 0);  // "0x3a1", "0x000003a1" with width 8
std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tc::debug
