// An S3 client over libcurl: path-style URLs, SigV4 signing by curl
// (CURLOPT_AWS_SIGV4), retries with capped exponential backoff on 5xx and
// connection errors (never on 4xx), and one-line errors that name the
// object ("s3://runs/team-a/x: 403 SignatureDoesNotMatch: ...") or the
// endpoint ("s3://runs: cannot connect to http://127.0.0.1:1: Connection
// refused").
//
// Only what links registry//registry_s3 loads libcurl; the local registry
// and `timecraft run` without a remote do not.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"
#include "registry/s3/s3_request.hpp"
#include "registry/s3/s3_xml.hpp"

namespace tc::registry::s3 {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // temporary credentials (x-amz-security-token)
};

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else
// the [$AWS_PROFILE] (else [default]) section of $AWS_SHARED_CREDENTIALS_FILE
// (else ~/.aws/credentials). An error if none is found.
Expected<Credentials> load_credentials();
// The same from given sources (for tests): `env` as from getenv.
Expected<Credentials> load_credentials(const char* (*env)(const char*));

struct ClientOptions {
  std::string endpoint;  // http://127.0.0.1:7480 (no trailing '/')
  std::string region = "us-east-1";
  Credentials credentials;
  int attempts = 4;              // per request, counting the first
  int backoff_ms = 100;          // before the first retry; doubled, with jitter
  int max_backoff_ms = 2000;     // cap on one delay
  long connect_timeout_ms = 3000;
  long stall_timeout_s = 30;     // abort a transfer that moves no byte this long
  uint64_t part_size = 8u << 20; // put_multipart's parts (S3: >= 5 MiB but the last)
};

struct Response {
  long status = 0;
  std::vector<uint8_t> body;
  std::map<std::string, std::string> headers;  // names lower-case
  int attempts = 1;  // how many times it was sent (retries + 1)
  std::string header(const std::string& name) const;
};

struct ObjectMeta {
  uint64_t size = 0;
  int64_t mtime_unix_ns = 0;
  std::string etag;
};

enum class PutOutcome { Stored, PreconditionFailed };

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const { return opt_; }

  // One signed request, retried on connection errors and 5xx. Any HTTP
  // status is a Response; an Error only when no response came.
  Expected<Response> request(const std::string& method, const std::string& bucket,
                             const std::string& key, const Query& query,
                             const std::vector<std::string>& headers,
                             std::span<const uint8_t> body = {}) const;

  // nullopt: no such object (or no such bucket: HEAD replies have no body).
  Expected<std::optional<ObjectMeta>> head(const std::string& bucket, const std::string& key) const;
  // The object, or bytes [offset, offset + len) of it (empty past its end);
  // nullopt if there is no such object.
  Expected<std::optional<std::vector<uint8_t>>> get(const std::string& bucket, const std::string& key) const;
  Expected<std::optional<std::vector<uint8_t>>> get_range(const std::string& bucket,
                                                          const std::string& key, uint64_t offset,
                                                          uint64_t len) const;
  // One PUT; `if_none_match`: only if absent (If-None-Match: *). When a
  // retry of a conditional PUT gets 412, the first try may have stored it
  // and lost the reply: the object's ETag (a single PUT's is the body's
  // MD5) tells whether it holds our bytes, which is then Stored.
  Expected<PutOutcome> put(const std::string& bucket, const std::string& key,
                           std::span<const uint8_t> data, bool if_none_match) const;
  // Multipart upload in parts of options().part_size (aborted on failure).
  // Not conditional: servers (radosgw) ignore If-None-Match on completion.
  Expected<void> put_multipart(const std::string& bucket, const std::string& key,
                               std::span<const uint8_t> data) const;
  Expected<void> remove(const std::string& bucket, const std::string& key) const;
  // Every object under `prefix`, all pages (ListObjectsV2), in key order.
  Expected<std::vector<ListEntry>> list(const std::string& bucket, const std::string& prefix,
                                        int max_keys = 1000) const;
  // HEAD bucket: an error (NoSuchBucket, 403 ...) unless it is reachable.
  Expected<void> check_bucket(const std::string& bucket) const;
  Expected<void> create_bucket(const std::string& bucket) const;
  Expected<void> delete_bucket(const std::string& bucket) const;

  // The one-line error for an unexpected reply: "s3://bucket/key: 404
  // NoSuchBucket: ...", with a hint for the usual causes.
  Error http_error(const std::string& bucket, const std::string& key, const Response& r) const;

 private:
  struct Handles;
  ClientOptions opt_;
  std::unique_ptr<Handles> handles_;
};

}  // namespace tc::registry::s3
