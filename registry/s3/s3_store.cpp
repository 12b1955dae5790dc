#include "registry/s3/s3_store.hpp"

#include <random>

namespace tc::registry::s3 {

namespace {

Expected<void> check_endpoint(const Location& loc, const std::string& e) {
  if (e.empty())
    return make_error(ErrorKind::Usage, loc.to_string() + ": no endpoint (e.g. http://127.0.0.1:7480)");
  if ((e.rfind("http://", 0) != 0 && e.rfind("https://", 0) != 0) || e.find_first_of("?# ") != std::string::npos)
    return make_error(ErrorKind::Usage, loc.to_string() + ": endpoint '" + e +
                                            "' is not http://host[:port] or https://host[:port]");
  return {};
}

}  // namespace

S3Store::S3Store(Location loc, ClientOptions options)
    : loc_(std::move(loc)), client_(std::make_unique<Client>(std::move(options))) {}

Expected<std::unique_ptr<S3Store>> S3Store::open(std::string_view url, ClientOptions options) {
  auto loc = parse_location(url);
  if (!loc) return std::move(loc.error());
  TC_TRY(check_endpoint(*loc, options.endpoint));
  if (options.region.empty()) options.region = "us-east-1";
  return std::unique_ptr<S3Store>(new S3Store(std::move(*loc), std::move(options)));
}

Expected<std::unique_ptr<S3Store>> S3Store::open(std::string_view url, std::string endpoint,
                                                 std::string region) {
  auto loc = parse_location(url);
  if (!loc) return std::move(loc.error());
  TC_TRY(check_endpoint(*loc, endpoint));  // before asking for credentials
  auto creds = load_credentials();
  if (!creds) {
    Error e = std::move(creds.error());
    e.message = std::string(url) + ": " + e.message;
    return e;
  }
  ClientOptions o;
  o.endpoint = std::move(endpoint);
  if (!region.empty()) o.region = std::move(region);
  o.credentials = std::move(*creds);
  return open(url, std::move(o));
}

std::string S3Store::object_key(const std::string& key) const {
  return loc_.prefix.empty() ? key : loc_.prefix + "/" + key;
}

Expected<std::optional<ObjectInfo>> S3Store::head(const std::string& key) const {
  auto m = client_->head(loc_.bucket, object_key(key));
  if (!m) return std::move(m.error());
  if (!*m) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{key, (*m)->size, (*m)->mtime_unix_ns});
}

Expected<std::optional<std::vector<uint8_t>>> S3Store::get(const std::string& key) const {
  return client_->get(loc_.bucket, object_key(key));
}

Expected<std::optional<std::vector<uint8_t>>> S3Store::get_range(const std::string& key, uint64_t offset,
                                                                 uint64_t len) const {
  return client_->get_range(loc_.bucket, object_key(key), offset, len);
}

Expected<PutResult> S3Store::put_if_absent(const std::string& key, std::span<const uint8_t> data) {
  auto honoured = probe_conditional_writes();
  if (!honoured) return std::move(honoured.error());
  const std::string k = object_key(key);
  if (!*honoured) {  // the fallback (see the header)
    auto m = client_->head(loc_.bucket, k);
    if (!m) return std::move(m.error());
    if (*m) return PutResult::AlreadyExists;
  }
  auto r = client_->put(loc_.bucket, k, data, true);
  if (!r) return std::move(r.error());
  return *r == PutOutcome::Stored ? PutResult::Stored : PutResult::AlreadyExists;
}

Expected<void> S3Store::put(const std::string& key, std::span<const uint8_t> data, bool) {
  // Every S3 write is on the server's stable storage when it is answered.
  const std::string k = object_key(key);
  if (data.size() > client_->options().part_size) return client_->put_multipart(loc_.bucket, k, data);
  auto r = client_->put(loc_.bucket, k, data, false);
  if (!r) return std::move(r.error());
  return {};
}

Expected<std::vector<ObjectInfo>> S3Store::list(const std::string& prefix) const {
  const std::string base = loc_.prefix.empty() ? std::string() : loc_.prefix + "/";
  auto entries = client_->list(loc_.bucket, base + prefix, page_size_);
  if (!entries) return std::move(entries.error());
  std::vector<ObjectInfo> out;
  out.reserve(entries->size());
  for (auto& e : *entries) {
    if (e.key.compare(0, base.size(), base) != 0) continue;  // cannot happen with a correct server
    out.push_back(ObjectInfo{e.key.substr(base.size()), e.size, e.mtime_unix_ns});
  }
  return out;
}

Expected<void> S3Store::remove(const std::string& key) {
  return client_->remove(loc_.bucket, object_key(key));
}

Expected<void> S3Store::check() const {
  return client_->check_bucket(loc_.bucket);
}

std::optional<bool> S3Store::conditional_writes() const {
  std::lock_guard<std::mutex> g(probe_mu_);
  return conditional_;
}

Expected<bool> S3Store::probe_conditional_writes() {
  std::lock_guard<std::mutex> g(probe_mu_);
  if (conditional_) return *conditional_;
  std::random_device rd;
  char id[17];
  snprintf(id, sizeof id, "%08x%08x", rd(), rd());
  const std::string k = object_key(std::string(".timecraft-probe/") + id);
  static const uint8_t kProbe[] = {'p', 'r', 'o', 'b', 'e'};
  auto first = client_->put(loc_.bucket, k, kProbe, true);
  if (!first) return std::move(first.error());
  auto second = client_->put(loc_.bucket, k, kProbe, true);
  (void)client_->remove(loc_.bucket, k);
  if (!second) return std::move(second.error());
  conditional_ = *first == PutOutcome::Stored && *second == PutOutcome::PreconditionFailed;
  return *conditional_;
}

}  // namespace tc::registry::s3
