// The registry's ObjectStore on an S3 bucket prefix: store key K is the
// object PREFIX/K of s3://BUCKET/PREFIX.
//
// put_if_absent is one PUT with If-None-Match: * (412 = AlreadyExists),
// whatever the size: S3 takes up to 5 GiB in one PUT, and servers (radosgw)
// ignore If-None-Match on CompleteMultipartUpload, so a multipart upload
// could not be conditional. put() (the mutable objects) uses multipart
// above the client's part size.
//
// Conditional writes are probed once, on the first put_if_absent (or
// probe_conditional_writes()): the same probe key is PUT twice with
// If-None-Match: *, and the second must be refused with 412. A server that
// accepts it (mocks, old gateways) gets the fallback: HEAD, then PUT only
// if absent. That is not atomic, but it stays safe for what the registry
// writes with put_if_absent, whose bytes are fixed by the key (modules by
// their digest, sealed log segments by their single writer): two racing
// writers store the same bytes and both see Stored.
// conditional_writes() tells the caller, so it can warn.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "registry/object_store.hpp"
#include "registry/s3/s3_client.hpp"

namespace tc::registry::s3 {

class S3Store : public ObjectStore {
 public:
  // `url`: s3://bucket[/prefix]; options.endpoint: http(s)://host[:port].
  // Does not contact the server (check() does).
  static Expected<std::unique_ptr<S3Store>> open(std::string_view url, ClientOptions options);
  // The same with the user's credentials (load_credentials(): the AWS_*
  // variables, else ~/.aws/credentials) and default client settings: what
  // the registry's config (remote, endpoint, region) needs.
  static Expected<std::unique_ptr<S3Store>> open(std::string_view url, std::string endpoint,
                                                 std::string region);

  std::string describe() const override { return loc_.to_string(); }
  Expected<std::optional<ObjectInfo>> head(const std::string& key) const override;
  Expected<std::optional<std::vector<uint8_t>>> get(const std::string& key) const override;
  Expected<std::optional<std::vector<uint8_t>>> get_range(const std::string& key, uint64_t offset,
                                                          uint64_t len) const override;
  Expected<PutResult> put_if_absent(const std::string& key, std::span<const uint8_t> data) override;
  Expected<void> put(const std::string& key, std::span<const uint8_t> data, bool durable = true) override;
  Expected<std::vector<ObjectInfo>> list(const std::string& prefix) const override;
  Expected<void> remove(const std::string& key) override;

  // The bucket is there and the credentials work: an error saying which
  // (cannot connect, NoSuchBucket, SignatureDoesNotMatch, ...) otherwise.
  Expected<void> check() const;
  // Whether the server refuses a second If-None-Match: * PUT of one key
  // (probed once, then remembered).
  Expected<bool> probe_conditional_writes();
  // What the probe found; nullopt before it ran.
  std::optional<bool> conditional_writes() const;

  const Client& client() const { return *client_; }
  const Location& location() const { return loc_; }
  // The object key in the bucket for store key `key`.
  std::string object_key(const std::string& key) const;

  // ListObjectsV2 page size (tests lower it to exercise pagination).
  void set_list_page_size(int n) { page_size_ = n; }

 private:
  S3Store(Location loc, ClientOptions options);
  Location loc_;
  std::unique_ptr<Client> client_;
  int page_size_ = 1000;
  mutable std::mutex probe_mu_;
  std::optional<bool> conditional_;
};

}  // namespace tc::registry::s3
