// The few S3 XML replies timecraft reads, parsed just enough: S3 replies
// are flat, machine-written documents (no attributes we need, no CDATA,
// no comments), so a tag scanner with entity decoding is all it takes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::registry::s3 {

// <Error><Code>NoSuchBucket</Code><Message>...</Message></Error>; nullopt
// if the body is not an S3 error document.
struct XmlError {
  std::string code;
  std::string message;
};
std::optional<XmlError> parse_error(std::string_view xml);

// ListObjectsV2 (list-type=2): one page.
struct ListEntry {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_unix_ns = 0;
};
struct ListPage {
  std::vector<ListEntry> entries;
  bool truncated = false;
  std::string next_token;  // NextContinuationToken, when truncated
};
std::optional<ListPage> parse_list_objects_v2(std::string_view xml);

// InitiateMultipartUpload's UploadId; nullopt if absent.
std::optional<std::string> parse_upload_id(std::string_view xml);

// CompleteMultipartUpload's body: one <Part> per (number, ETag).
std::string complete_multipart_body(const std::vector<std::string>& etags);

// The text of the first <tag>...</tag> inside `xml`, entities decoded.
std::optional<std::string> element_text(std::string_view xml, std::string_view tag);
// Every <tag>...</tag> element's inner XML, in order (not decoded).
std::vector<std::string_view> elements(std::string_view xml, std::string_view tag);
std::string xml_decode(std::string_view s);
std::string xml_encode(std::string_view s);

}  // namespace tc::registry::s3
