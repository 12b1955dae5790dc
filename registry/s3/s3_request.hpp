// The pure parts of an S3 request, kept apart from the transport so that
// they are testable without a server: where an `s3://bucket/prefix` is,
// URL encoding as SigV4 wants it, and canonical query strings.
//
// curl's SigV4 signer (CURLOPT_AWS_SIGV4, 7.88) signs the path and the
// query string exactly as they appear in the URL, so the URL we give it
// must already be canonical: the path percent-encoded (slashes kept), the
// query's keys sorted and its keys and values percent-encoded.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry::s3 {

// s3://bucket[/prefix]: prefix without leading or trailing '/'.
struct Location {
  std::string bucket;
  std::string prefix;
  std::string to_string() const;  // "s3://bucket/prefix" or "s3://bucket"
};
Expected<Location> parse_location(std::string_view url);

// RFC 3986 unreserved characters kept, every other byte %XX (upper case);
// '/' kept when `keep_slash` (object keys in paths).
std::string uri_encode(std::string_view s, bool keep_slash);

using Query = std::vector<std::pair<std::string, std::string>>;
// "k1=v1&k2=v2": encoded, sorted by key then value; empty values as "k=".
std::string canonical_query(Query q);

// Path-style: ENDPOINT/bucket[/key][?query], endpoint without trailing '/'.
std::string object_url(std::string_view endpoint, std::string_view bucket, std::string_view key,
                       const Query& query = {});

// "2026-12-01T23:22:03.998Z" (ListObjectsV2's LastModified) -> ns since
// the epoch; 0 if malformed.
int64_t parse_iso8601_ns(std::string_view s);

}  // namespace tc::registry::s3
