#include "registry/s3/s3_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "registry/sha256.hpp"

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>

namespace tc::registry::s3 {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string s3_name(const std::string& bucket, const std::string& key) {
  return key.empty() ? "s3://" + bucket : "s3://" + bucket + "/" + key;
}

std::string md5_hex(std::span<const uint8_t> data) {
  unsigned char md[MD5_DIGEST_LENGTH];
  MD5(data.data(), data.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : md) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

Error io(std::string msg) { return make_error(ErrorKind::Io, std::move(msg)); }

// What curl reads the request body from.
struct Upload {
  std::span<const uint8_t> data;
  size_t at = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* p) {
  auto* u = static_cast<Upload*>(p);
  size_t len = std::min(size * n, u->data.size() - u->at);
  std::memcpy(buf, u->data.data() + u->at, len);
  u->at += len;
  return len;
}

int seek_cb(void* p, curl_off_t offset, int origin) {
  auto* u = static_cast<Upload*>(p);
  if (origin != SEEK_SET || offset < 0 || size_t(offset) > u->data.size()) return CURL_SEEKFUNC_FAIL;
  u->at = size_t(offset);
  return CURL_SEEKFUNC_OK;
}

size_t write_cb(char* buf, size_t size, size_t n, void* p) {
  auto* body = static_cast<std::vector<uint8_t>*>(p);
  body->insert(body->end(), buf, buf + size * n);
  return size * n;
}

size_t header_cb(char* buf, size_t size, size_t n, void* p) {
  auto* h = static_cast<std::map<std::string, std::string>*>(p);
  std::string_view line(buf, size * n);
  if (line.substr(0, 5) == "HTTP/") h->clear();  // a new response (after 100 Continue)
  size_t colon = line.find(':');
  if (colon != std::string_view::npos)
    (*h)[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  return size * n;
}

bool retryable(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
      return true;
    default:
      return false;
  }
}

bool retryable(long status) { return status >= 500 || status == 429; }

std::once_flag curl_init;

}  // namespace

std::string Response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// Idle easy handles, reused so that connections stay open between requests.
struct Client::Handles {
  std::mutex mu;
  std::vector<CURL*> idle;
  ~Handles() {
    for (CURL* h : idle) curl_easy_cleanup(h);
  }
  CURL* take() {
    {
      std::lock_guard<std::mutex> g(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);
        return h;
      }
    }
    return curl_easy_init();
  }
  void give(CURL* h) {
    std::lock_guard<std::mutex> g(mu);
    idle.push_back(h);
  }
};

Client::Client(ClientOptions options) : opt_(std::move(options)), handles_(std::make_unique<Handles>()) {
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  while (!opt_.endpoint.empty() && opt_.endpoint.back() == '/') opt_.endpoint.pop_back();
  if (opt_.attempts < 1) opt_.attempts = 1;
}

Client::~Client() = default;

Expected<Response> Client::request(const std::string& method, const std::string& bucket,
                                   const std::string& key, const Query& query,
                                   const std::vector<std::string>& headers,
                                   std::span<const uint8_t> body) const {
  const std::string url = object_url(opt_.endpoint, bucket, key, query);
  const std::string sigv4 = "aws:amz:" + opt_.region + ":s3";
  // curl 7.88 signs only what it is told the payload hash is; the body's
  // sha256 also lets the server check the bytes.
  const std::string content_sha = "x-amz-content-sha256: " + sha256_hex(body);
  std::minstd_rand jitter(std::random_device{}());
  std::string last_error;
  for (int attempt = 0; attempt < opt_.attempts; ++attempt) {
    if (attempt > 0) {
      long delay = std::min<long>(opt_.max_backoff_ms, long(opt_.backoff_ms) << (attempt - 1));
      delay = delay / 2 + long(jitter() % uint32_t(delay / 2 + 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    CURL* h = handles_->take();
    if (!h) return io(s3_name(bucket, "") + ": cannot start a request (curl_easy_init failed)");
    curl_slist* hl = nullptr;
    hl = curl_slist_append(hl, content_sha.c_str());
    if (!opt_.credentials.session_token.empty())
      hl = curl_slist_append(hl, ("x-amz-security-token: " + opt_.credentials.session_token).c_str());
    for (const std::string& s : headers) hl = curl_slist_append(hl, s.c_str());

    Upload up{body, 0};
    Response r;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(h, CURLOPT_USERNAME, opt_.credentials.access_key.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, opt_.credentials.secret_key.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opt_.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, opt_.stall_timeout_s);
    curl_easy_setopt(h, CURLOPT_EXPECT_100_TIMEOUT_MS, 200L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
    if (method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (method == "PUT") {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt(h, CURLOPT_READDATA, &up);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &up);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.size()));
    } else if (method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.empty() ? "" : reinterpret_cast<const char*>(body.data()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    CURLcode rc = curl_easy_perform(h);
    long os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    curl_slist_free_all(hl);
    r.attempts = attempt + 1;
    if (rc == CURLE_OK) {
      handles_->give(h);
      if (retryable(r.status) && attempt + 1 < opt_.attempts) {
        last_error = std::to_string(r.status);
        continue;
      }
      return r;
    }
    curl_easy_cleanup(h);  // its connection may be broken: do not reuse it
    if (rc == CURLE_COULDNT_CONNECT) {
      last_error = "cannot connect to " + opt_.endpoint + ": " +
                   (os_errno ? std::string(std::strerror(int(os_errno))) : std::string(errbuf));
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
      std::string why = *errbuf ? errbuf : curl_easy_strerror(rc);
      if (why.find("too slow") != std::string::npos)  // CURLOPT_LOW_SPEED_*
        why = "no byte moved for " + std::to_string(opt_.stall_timeout_s) + " s";
      last_error = opt_.endpoint + ": timed out (" + why + ")";
    } else {
      last_error = opt_.endpoint + ": " + std::string(*errbuf ? errbuf : curl_easy_strerror(rc));
    }
    if (!retryable(rc)) break;
  }
  return io(s3_name(bucket, "") + ": " + last_error);
}

Error Client::http_error(const std::string& bucket, const std::string& key, const Response& r) const {
  std::string code, message;
  std::string_view text(reinterpret_cast<const char*>(r.body.data()), r.body.size());
  if (auto e = parse_error(text)) {
    code = e->code;
    message = e->message;
  }
  std::string hint;
  if (code == "SignatureDoesNotMatch")
    hint = "the request signature does not match: check the secret key";
  else if (code == "InvalidAccessKeyId")
    hint = "the access key is unknown to " + opt_.endpoint;
  else if (code == "NoSuchBucket")
    hint = "no bucket '" + bucket + "' at " + opt_.endpoint;
  else if (code == "AccessDenied" || (code.empty() && r.status == 403))
    hint = "access denied: check the credentials and the bucket's policy";
  std::string line = s3_name(bucket, key) + ": " + std::to_string(r.status);
  if (!code.empty()) line += " " + code;
  if (!hint.empty()) line += " (" + hint + ")";
  else if (!message.empty()) line += ": " + message;
  // One line, whatever the server wrote.
  std::replace(line.begin(), line.end(), '\n', ' ');
  return io(line);
}

Expected<std::optional<ObjectMeta>> Client::head(const std::string& bucket, const std::string& key) const {
  auto r = request("HEAD", bucket, key, {}, {});
  if (!r) return std::move(r.error());
  if (r->status == 404) return std::optional<ObjectMeta>();
  if (r->status != 200) return http_error(bucket, key, *r);
  ObjectMeta m;
  m.size = std::strtoull(r->header("content-length").c_str(), nullptr, 10);
  std::string lm = r->header("last-modified");
  time_t t = lm.empty() ? 0 : curl_getdate(lm.c_str(), nullptr);
  m.mtime_unix_ns = t > 0 ? int64_t(t) * 1000000000 : 0;
  m.etag = r->header("etag");
  return std::optional<ObjectMeta>(m);
}

Expected<std::optional<std::vector<uint8_t>>> Client::get(const std::string& bucket,
                                                          const std::string& key) const {
  auto r = request("GET", bucket, key, {}, {});
  if (!r) return std::move(r.error());
  if (r->status == 404 && r->body.empty()) return std::optional<std::vector<uint8_t>>();
  if (r->status == 404) {
    auto e = parse_error(std::string_view(reinterpret_cast<const char*>(r->body.data()), r->body.size()));
    if (e && e->code == "NoSuchKey") return std::optional<std::vector<uint8_t>>();
  }
  if (r->status != 200) return http_error(bucket, key, *r);
  return std::optional<std::vector<uint8_t>>(std::move(r->body));
}

Expected<std::optional<std::vector<uint8_t>>> Client::get_range(const std::string& bucket,
                                                                const std::string& key,
                                                                uint64_t offset, uint64_t len) const {
  if (len == 0) {  // no byte range to ask for: only whether it exists
    auto m = head(bucket, key);
    if (!m) return std::move(m.error());
    if (!*m) return std::optional<std::vector<uint8_t>>();
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>());
  }
  std::string range = "Range: bytes=" + std::to_string(offset) + "-" + std::to_string(offset + len - 1);
  auto r = request("GET", bucket, key, {}, {range});
  if (!r) return std::move(r.error());
  std::string_view text(reinterpret_cast<const char*>(r->body.data()), r->body.size());
  if (r->status == 404) {
    auto e = parse_error(text);
    if (!e || e->code == "NoSuchKey") return std::optional<std::vector<uint8_t>>();
    return http_error(bucket, key, *r);
  }
  // 416: the object exists but has no byte at `offset`.
  if (r->status == 416) return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>());
  if (r->status == 206) return std::optional<std::vector<uint8_t>>(std::move(r->body));
  if (r->status == 200) {  // a server that ignores Range: cut it here
    std::vector<uint8_t>& b = r->body;
    if (offset >= b.size()) return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>());
    uint64_t end = std::min<uint64_t>(b.size(), offset + len);
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(b.begin() + offset, b.begin() + end));
  }
  return http_error(bucket, key, *r);
}

Expected<PutOutcome> Client::put(const std::string& bucket, const std::string& key,
                                 std::span<const uint8_t> data, bool if_none_match) const {
  std::vector<std::string> headers;
  if (if_none_match) headers.push_back("If-None-Match: *");
  auto r = request("PUT", bucket, key, {}, headers, data);
  if (!r) return std::move(r.error());
  if (r->status == 412 && if_none_match) {
    if (r->attempts > 1) {
      auto m = head(bucket, key);
      if (m && *m && (*m)->etag == "\"" + md5_hex(data) + "\"") return PutOutcome::Stored;
    }
    return PutOutcome::PreconditionFailed;
  }
  if (r->status != 200) return http_error(bucket, key, *r);
  return PutOutcome::Stored;
}

Expected<void> Client::put_multipart(const std::string& bucket, const std::string& key,
                                     std::span<const uint8_t> data) const {
  const std::vector<std::string> xml = {"Content-Type: application/xml"};
  auto init = request("POST", bucket, key, {{"uploads", ""}}, xml);
  if (!init) return std::move(init.error());
  if (init->status != 200) return http_error(bucket, key, *init);
  auto id = parse_upload_id(std::string_view(reinterpret_cast<const char*>(init->body.data()), init->body.size()));
  if (!id) return io(s3_name(bucket, key) + ": InitiateMultipartUpload replied without an UploadId");
  auto abort = [&](Error e) -> Error {
    (void)request("DELETE", bucket, key, {{"uploadId", *id}}, {});
    return e;
  };
  std::vector<std::string> etags;
  const uint64_t part = std::max<uint64_t>(opt_.part_size, 1);
  for (uint64_t at = 0, n = 1; at < data.size() || n == 1; at += part, ++n) {
    std::span<const uint8_t> piece = data.subspan(at, std::min<uint64_t>(part, data.size() - at));
    auto r = request("PUT", bucket, key, {{"partNumber", std::to_string(n)}, {"uploadId", *id}}, {}, piece);
    if (!r) return abort(std::move(r.error()));
    if (r->status != 200) return abort(http_error(bucket, key, *r));
    std::string etag = r->header("etag");
    if (etag.empty()) return abort(io(s3_name(bucket, key) + ": UploadPart replied without an ETag"));
    etags.push_back(etag);
    if (data.empty()) break;
  }
  std::string body = complete_multipart_body(etags);
  auto done = request("POST", bucket, key, {{"uploadId", *id}}, xml,
                      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  if (!done) return abort(std::move(done.error()));
  // CompleteMultipartUpload may fail with 200 and an Error document.
  std::string_view text(reinterpret_cast<const char*>(done->body.data()), done->body.size());
  if (done->status != 200 || parse_error(text)) return abort(http_error(bucket, key, *done));
  return {};
}

Expected<void> Client::remove(const std::string& bucket, const std::string& key) const {
  auto r = request("DELETE", bucket, key, {}, {});
  if (!r) return std::move(r.error());
  if (r->status == 204 || r->status == 200) return {};
  if (r->status == 404) {  // already gone is success; a missing bucket is not
    auto e = parse_error(std::string_view(reinterpret_cast<const char*>(r->body.data()), r->body.size()));
    if (!e || e->code == "NoSuchKey") return {};
  }
  return http_error(bucket, key, *r);
}

Expected<std::vector<ListEntry>> Client::list(const std::string& bucket, const std::string& prefix,
                                              int max_keys) const {
  std::vector<ListEntry> out;
  std::string token;
  while (true) {
    Query q = {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(max_keys)}};
    if (!token.empty()) q.push_back({"continuation-token", token});
    auto r = request("GET", bucket, "", q, {});
    if (!r) return std::move(r.error());
    if (r->status != 200) return http_error(bucket, prefix, *r);
    auto page = parse_list_objects_v2(std::string_view(reinterpret_cast<const char*>(r->body.data()), r->body.size()));
    if (!page) return io(s3_name(bucket, prefix) + ": unreadable ListObjectsV2 reply");
    for (auto& e : page->entries) out.push_back(std::move(e));
    if (!page->truncated) break;
    if (page->next_token == token) return io(s3_name(bucket, prefix) + ": ListObjectsV2 repeats its continuation token");
    token = page->next_token;
  }
  std::sort(out.begin(), out.end(), [](const ListEntry& a, const ListEntry& b) { return a.key < b.key; });
  return out;
}

Expected<void> Client::check_bucket(const std::string& bucket) const {
  auto r = request("HEAD", bucket, "", {}, {});
  if (!r) return std::move(r.error());
  if (r->status == 200) return {};
  if (r->status == 404) return io(s3_name(bucket, "") + ": 404 NoSuchBucket (no bucket '" + bucket + "' at " + opt_.endpoint + ")");
  if (r->status == 403) {
    // HEAD replies carry no error document: ask again with GET to say why.
    auto g = request("GET", bucket, "", {{"list-type", "2"}, {"max-keys", "0"}}, {});
    if (g && g->status != 200) return http_error(bucket, "", *g);
  }
  return http_error(bucket, "", *r);
}

Expected<void> Client::create_bucket(const std::string& bucket) const {
  auto r = request("PUT", bucket, "", {}, {});
  if (!r) return std::move(r.error());
  if (r->status != 200) return http_error(bucket, "", *r);
  return {};
}

Expected<void> Client::delete_bucket(const std::string& bucket) const {
  auto r = request("DELETE", bucket, "", {}, {});
  if (!r) return std::move(r.error());
  if (r->status != 204 && r->status != 200) return http_error(bucket, "", *r);
  return {};
}

// Credentials --------------------------------------------------------------

Expected<Credentials> load_credentials(const char* (*env)(const char*)) {
  auto var = [&](const char* name) -> std::string {
    const char* v = env(name);
    return v ? std::string(v) : std::string();
  };
  Credentials c;
  c.access_key = var("AWS_ACCESS_KEY_ID");
  c.secret_key = var("AWS_SECRET_ACCESS_KEY");
  c.session_token = var("AWS_SESSION_TOKEN");
  if (!c.access_key.empty() && !c.secret_key.empty()) return c;
  std::string file = var("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !var("HOME").empty()) file = var("HOME") + "/.aws/credentials";
  std::string profile = var("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::ifstream in(file);
  if (!in)
    return make_error(ErrorKind::Usage,
                      "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write them to " +
                          (file.empty() ? std::string("~/.aws/credentials") : file));
  Credentials f;
  bool in_section = false, found = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      in_section = trim(std::string_view(t).substr(1, t.size() - 2)) == profile;
      found = found || in_section;
      continue;
    }
    if (!in_section) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string k = lower(trim(std::string_view(t).substr(0, eq)));
    std::string v = trim(std::string_view(t).substr(eq + 1));
    if (k == "aws_access_key_id") f.access_key = v;
    else if (k == "aws_secret_access_key") f.secret_key = v;
    else if (k == "aws_session_token") f.session_token = v;
  }
  if (!found) return make_error(ErrorKind::Usage, file + ": no [" + profile + "] profile");
  if (f.access_key.empty() || f.secret_key.empty())
    return make_error(ErrorKind::Usage,
                      file + ": [" + profile + "] lacks aws_access_key_id or aws_secret_access_key");
  return f;
}

Expected<Credentials> load_credentials() {
  return load_credentials([](const char* n) -> const char* { return std::getenv(n); });
}

}  // namespace tc::registry::s3
