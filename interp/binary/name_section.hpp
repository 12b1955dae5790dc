// The "name" custom section (spec appendix "Custom Sections"): module name
// (subsection 0) and function names (subsection 1). Best effort: a
// malformed section leaves the outputs untouched and is not an error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace tc::wasm {

// Returns true if the section was well-formed (outputs then filled).
bool parse_name_section(const uint8_t* data, size_t size, std::string& module_name,
                        std::map<uint32_t, std::string>& func_names);

}  // namespace tc::wasm
