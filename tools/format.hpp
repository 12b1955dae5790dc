// Presentation helpers for the CLI: human sizes and times, aligned tables,
// and one document model printed as text, JSON or YAML (`-o`).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::cli {

// A backtrace frame: "fac+0x3f" (offset from the function's first
// instruction), "fd_write" for a host function, "... 9936 more frames".
std::string format_frame(const tc::TraceFrame& f);
// "wasm backtrace:" and a line a frame, innermost first ("  0: fac+0x3f");
// runs of one repeated frame (deep recursion) print once with "(xN)".
// "" for an empty backtrace.
std::string format_backtrace(const std::vector<tc::TraceFrame>& frames);
std::string human_size(uint64_t bytes);              // "512 B", "2.36 KiB", "1.20 MiB"
std::string human_ago(int64_t then_ns, int64_t now_ns);  // "17m ago", "3h ago", "2d ago"
std::string human_duration(uint64_t ns);             // "1.25ms", "3.2s", "2m10s"
std::string rfc3339(int64_t unix_ns);                // "2026-11-25T21:37:28Z"
// RFC 1123 in the local time zone ($TZ), as Go's time.RFC1123:
// "Thu, 29 Jun 2023 16:33:32 AEST".
std::string rfc1123_local(int64_t unix_ns);

// Columns padded to the widest cell; headers upper-case as given.
std::string format_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows);

enum class OutputFormat { Text, Json, Yaml };
bool parse_output_format(const std::string& s, OutputFormat& out);
// YAML for a JSON value (block style; strings quoted only when needed).
std::string to_yaml(const nlohmann::json& j);
std::string to_yaml(const nlohmann::ordered_json& j);  // keys in their order

}  // namespace tc::cli
