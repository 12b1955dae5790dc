// Bytes as JSON can carry them: UTF-8 text as is, anything else base64.
#pragma once
#include <string>
#include <string_view>

namespace tc::cli {

// Well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code
// points past U+10FFFF).
bool valid_utf8(std::string_view s);
// RFC 4648 base64, padded.
std::string base64(std::string_view bytes);

}  // namespace tc::cli
