// The S3 object store against a real S3 server: the radosgw that
// scripts/test.sh starts (scripts/s3-server.sh) and describes in
// TIMECRAFT_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY. Without them the
// server tests skip, saying so; the pure parts (URL encoding, canonical
// query strings, XML replies, credentials files) always run.
// One bucket per run; each test works under its own prefix.
#define BOOST_TEST_MODULE s3_store_tests
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "registry/s3/s3_store.hpp"

namespace fs = std::filesystem;
using namespace tc::registry;
using namespace tc::registry::s3;
using Clock = std::chrono::steady_clock;

// An Expected that must hold a value, else the test stops with its error.
#define REQUIRE_OK(e) BOOST_REQUIRE_MESSAGE(bool(e), (e ? std::string() : (e).error().to_string()))

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

boost::test_tools::assertion_result have_s3(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(false);
  if (env("TIMECRAFT_TEST_S3_ENDPOINT").empty())
    r.message() << "skipped: no S3 server (TIMECRAFT_TEST_S3_ENDPOINT unset: scripts/test.sh starts "
                   "one with scripts/s3-server.sh"
                << (env("TIMECRAFT_TEST_S3_SKIP_REASON").empty() ? "" : "; it said: " + env("TIMECRAFT_TEST_S3_SKIP_REASON"))
                << ")";
  else
    r = true;
  return r;
}

ClientOptions options(std::string secret = env("TIMECRAFT_TEST_S3_SECRET_KEY")) {
  ClientOptions o;
  o.endpoint = env("TIMECRAFT_TEST_S3_ENDPOINT");
  o.credentials.access_key = env("TIMECRAFT_TEST_S3_ACCESS_KEY");
  o.credentials.secret_key = std::move(secret);
  o.stall_timeout_s = 10;  // a wedged server fails the tests sooner
  return o;
}

// The run's bucket, created on first use (a failure is remembered: every
// later test fails at once with it, instead of waiting on the server again).
const std::string& bucket() {
  static std::string name, failure;
  if (name.empty() && failure.empty()) {
    std::string b = "tc-test-" + std::to_string(::getpid()) + "-" +
                    std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000007);
    Client c(options());
    auto r = c.create_bucket(b);
    if (r) name = b;
    else failure = r.error().to_string();
  }
  BOOST_REQUIRE_MESSAGE(failure.empty(), "creating the test bucket: " << failure);
  return name;
}

std::unique_ptr<S3Store> store(const std::string& prefix, ClientOptions o = options()) {
  auto s = S3Store::open("s3://" + bucket() + "/" + prefix, std::move(o));
  REQUIRE_OK(s);
  return std::move(*s);
}

std::vector<uint8_t> bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(g());
  return v;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Runs a shell command, returns its stdout and sets *status.
std::string run(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

// A scripted HTTP server on 127.0.0.1 for what radosgw cannot be made to
// do on demand: fail with 5xx, stall, drop a reply, ignore If-None-Match.
// (The S3 protocol itself is tested against radosgw; this tests the
// client's reactions.) One connection at a time, closed after each reply.
struct FakeRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // names lower-case
};
class FakeHttp {
 public:
  static constexpr const char* kStall = "<stall>";  // never answer (until the client hangs up)
  static constexpr const char* kDrop = "<drop>";    // close without answering
  using Handler = std::function<std::string(const FakeRequest&)>;

  explicit FakeHttp(Handler h) : handler_(std::move(h)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(::listen(fd_, 16) == 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeHttp() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

  static std::string reply(int status, const std::string& body = "", const std::string& headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + headers + "\r\n" + body;
  }
  static std::string error(int status, const std::string& code) {
    return reply(status, "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>m</Message></Error>");
  }

 private:
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }
  void serve() {
    while (wait_readable(fd_)) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string in;
      char buf[65536];
      size_t head_end;
      bool ok = true;
      while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = wait_readable(c) ? ::read(c, buf, sizeof buf) : 0;
        if (n <= 0) { ok = false; break; }
        in.append(buf, size_t(n));
      }
      if (!ok) { ::close(c); continue; }
      FakeRequest r;
      std::string head = in.substr(0, head_end);
      size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
      r.method = head.substr(0, sp1);
      r.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
      for (size_t at = head.find("\r\n"); at != std::string::npos;) {
        size_t next = head.find("\r\n", at + 2);
        std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string k = line.substr(0, colon);
          for (char& ch : k) ch = char(std::tolower(static_cast<unsigned char>(ch)));
          r.headers[k] = line.substr(line.find_first_not_of(' ', colon + 1));
        }
        at = next;
      }
      size_t want = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
      if (r.headers.count("expect")) ::write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
      r.body = in.substr(head_end + 4);
      while (r.body.size() < want) {
        ssize_t n = wait_readable(c) ? ::read(c, buf, sizeof buf) : 0;
        if (n <= 0) break;
        r.body.append(buf, size_t(n));
      }
      ++requests_;
      std::string out = handler_(r);
      if (out == kStall) {
        while (wait_readable(c) && ::read(c, buf, sizeof buf) > 0) {  // until the client gives up
        }
      } else if (out != kDrop) {
        for (size_t at = 0; at < out.size();) {
          ssize_t n = ::write(c, out.data() + at, out.size() - at);
          if (n <= 0) break;
          at += size_t(n);
        }
      }
      ::close(c);
    }
  }
  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

ClientOptions fake_options(const FakeHttp& f) {
  ClientOptions o;
  o.endpoint = f.endpoint();
  o.credentials = {"AK", "SK", ""};
  o.backoff_ms = 20;
  return o;
}

}  // namespace

// --- the pure parts -------------------------------------------------------

BOOST_AUTO_TEST_CASE(uri_encoding_and_canonical_query_strings) {
  BOOST_TEST(uri_encode("a b+c/d=e~f_g.h-i", true) == "a%20b%2Bc/d%3De~f_g.h-i");
  BOOST_TEST(uri_encode("a/b", false) == "a%2Fb");
  BOOST_TEST(uri_encode("\xc3\xa9", false) == "%C3%A9");
  // Keys sorted, empty values as "k=", values encoded.
  BOOST_TEST(canonical_query({{"uploads", ""}}) == "uploads=");
  BOOST_TEST(canonical_query({{"prefix", "a b/c"}, {"list-type", "2"}, {"continuation-token", "x+y="}}) ==
             "continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2Fc");
  BOOST_TEST(object_url("http://h:1/", "bkt", "p/a b", {{"partNumber", "2"}, {"uploadId", "u"}}) ==
             "http://h:1/bkt/p/a%20b?partNumber=2&uploadId=u");
}

BOOST_AUTO_TEST_CASE(s3_locations) {
  auto l = parse_location("s3://runs/team-a/");
  BOOST_REQUIRE(l);
  BOOST_TEST(l->bucket == "runs");
  BOOST_TEST(l->prefix == "team-a");
  BOOST_TEST(l->to_string() == "s3://runs/team-a");
  auto bare = parse_location("s3://runs");
  BOOST_REQUIRE(bare);
  BOOST_TEST(bare->prefix == "");
  BOOST_TEST(!parse_location("http://runs/x"));
  BOOST_TEST(!parse_location("s3://ab"));
  BOOST_TEST(!parse_location("s3://Runs/x"));
  BOOST_TEST(!parse_location("s3://runs//x"));
}

BOOST_AUTO_TEST_CASE(xml_replies) {
  auto e = parse_error(R"(<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>a &amp; b</Message></Error>)");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == "NoSuchKey");
  BOOST_TEST(e->message == "a & b");
  BOOST_TEST(!parse_error("<ListBucketResult></ListBucketResult>"));
  auto page = parse_list_objects_v2(
      R"(<ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated>)"
      R"(<Contents><Key>a&amp;&lt;&#233;</Key><LastModified>2026-12-01T23:22:03.998Z</LastModified><Size>3</Size></Contents>)"
      R"(<Contents><Key>z</Key><Size>12345678901</Size></Contents>)"
      R"(<NextContinuationToken>tok/+=</NextContinuationToken></ListBucketResult>)");
  BOOST_REQUIRE(page);
  BOOST_REQUIRE(page->entries.size() == 2u);
  BOOST_TEST(page->entries[0].key == "a&<\xc3\xa9");
  BOOST_TEST(page->entries[0].size == 3u);
  BOOST_TEST(page->entries[0].mtime_unix_ns == int64_t(1796167323998000000));
  BOOST_TEST(page->entries[1].size == 12345678901u);
  BOOST_TEST(page->truncated);
  BOOST_TEST(page->next_token == "tok/+=");
  // Truncated without a token would loop: refused.
  BOOST_TEST(!parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
  BOOST_TEST(parse_upload_id("<InitiateMultipartUploadResult><UploadId>2~x</UploadId></InitiateMultipartUploadResult>")
                 .value_or("") == "2~x");
  BOOST_TEST(complete_multipart_body({"\"e1\"", "\"e2\""}) ==
             "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
             "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
}

BOOST_AUTO_TEST_CASE(credentials_from_the_environment_and_the_aws_file) {
  fs::path dir = fs::temp_directory_path() / ("tc-s3-cred-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "credentials") << "[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n"
                                        "# a comment\n[ci]\naws_access_key_id=CI\naws_secret_access_key = ci/secret=\n";
  static std::map<std::string, std::string> vars;
  auto get = [](const char* n) -> const char* {
    auto it = vars.find(n);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  vars = {{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"}, {"HOME", dir.string()}};
  auto c = load_credentials(get);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->access_key == "ENV");
  vars = {{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()}};
  c = load_credentials(get);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->access_key == "DEF");
  BOOST_TEST(c->secret_key == "defsecret");
  vars["AWS_PROFILE"] = "ci";
  c = load_credentials(get);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->secret_key == "ci/secret=");
  vars["AWS_PROFILE"] = "nope";
  c = load_credentials(get);
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("no [nope] profile") != std::string::npos);
  vars = {{"HOME", (dir / "none").string()}};
  c = load_credentials(get);
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  fs::remove_all(dir);
}

// --- the client's reactions (a scripted server) ---------------------------

BOOST_AUTO_TEST_CASE(retries_on_5xx_then_succeeds) {
  std::atomic<int> n{0};
  FakeHttp f([&](const FakeRequest&) {
    return ++n <= 2 ? FakeHttp::error(503, "SlowDown") : FakeHttp::reply(200, "ok");
  });
  Client c(fake_options(f));
  auto r = c.get("bkt", "k");
  REQUIRE_OK(r);
  BOOST_REQUIRE(*r);
  BOOST_TEST((**r == bytes("ok")));
  BOOST_TEST(f.requests() == 3);
}

BOOST_AUTO_TEST_CASE(no_retry_on_4xx_and_a_bounded_number_on_5xx) {
  FakeHttp bad([](const FakeRequest&) { return FakeHttp::error(400, "InvalidRequest"); });
  Client c(fake_options(bad));
  auto r = c.get("bkt", "k");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().to_string() == "s3://bkt/k: 400 InvalidRequest: m");
  BOOST_TEST(bad.requests() == 1);

  FakeHttp down([](const FakeRequest&) { return FakeHttp::error(500, "InternalError"); });
  ClientOptions o = fake_options(down);
  o.attempts = 3;
  Client d(o);
  auto p = d.put("bkt", "k", bytes("x"), true);
  BOOST_REQUIRE(!p);
  BOOST_TEST(p.error().to_string() == "s3://bkt/k: 500 InternalError: m");
  BOOST_TEST(down.requests() == 3);
}

BOOST_AUTO_TEST_CASE(a_stalled_server_times_out) {
  FakeHttp f([](const FakeRequest&) { return std::string(FakeHttp::kStall); });
  ClientOptions o = fake_options(f);
  o.stall_timeout_s = 1;
  o.attempts = 2;
  Client c(o);
  auto t0 = Clock::now();
  auto r = c.get("bkt", "k");
  double ms = ms_since(t0);
  BOOST_REQUIRE(!r);
  BOOST_TEST_MESSAGE(r.error().to_string() << " (after " << ms << " ms)");
  BOOST_TEST(r.error().to_string().find("s3://bkt: " + f.endpoint() + ": timed out") == 0u, r.error().to_string());
  BOOST_TEST(f.requests() == 2);
  BOOST_TEST(ms < 6000.0);
}

BOOST_AUTO_TEST_CASE(a_lost_reply_to_a_conditional_put_is_still_stored) {
  // The first PUT stores the object but its reply is lost; the retry gets
  // 412. The ETag shows the object holds our bytes: Stored, not taken for
  // another writer's.
  std::mutex mu;
  std::map<std::string, std::string> objects;
  int puts = 0;
  FakeHttp f([&](const FakeRequest& r) {
    std::lock_guard<std::mutex> g(mu);
    if (r.method == "PUT") {
      if (objects.count(r.target) && r.headers.count("if-none-match")) return FakeHttp::error(412, "PreconditionFailed");
      objects[r.target] = r.body;
      return ++puts == 1 ? std::string(FakeHttp::kDrop) : FakeHttp::reply(200);
    }
    if (r.method == "HEAD" && objects.count(r.target)) {
      auto md5 = [](const std::string& s) {
        // md5("mine"), the bytes PUT below.
        return s == "mine" ? std::string("\"918b81db5e91d031548b963c93845e5b\"") : std::string("\"?\"");
      };
      return "HTTP/1.1 200 X\r\nContent-Length: " + std::to_string(objects[r.target].size()) +
             "\r\nETag: " + md5(objects[r.target]) + "\r\nConnection: close\r\n\r\n";
    }
    return FakeHttp::reply(404);
  });
  Client c(fake_options(f));
  auto p = c.put("bkt", "seg/0", bytes("mine"), true);
  REQUIRE_OK(p);
  BOOST_TEST((*p == PutOutcome::Stored));
  // Someone else's bytes under the key: the 412 stands.
  objects["/bkt/seg/1"] = "theirs";
  puts = 5;
  auto q = c.put("bkt", "seg/1", bytes("mine"), true);
  REQUIRE_OK(q);
  BOOST_TEST((*q == PutOutcome::PreconditionFailed));
}

BOOST_AUTO_TEST_CASE(a_failed_multipart_upload_is_aborted) {
  std::mutex mu;
  std::vector<std::string> seen;
  FakeHttp f([&](const FakeRequest& r) {
    std::lock_guard<std::mutex> g(mu);
    seen.push_back(r.method + " " + r.target + " " + std::to_string(r.body.size()));
    if (r.method == "POST" && r.target.find("?uploads") != std::string::npos)
      return FakeHttp::reply(200, "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>");
    if (r.method == "PUT" && r.target.find("partNumber=1&") != std::string::npos)
      return FakeHttp::reply(200, "", "ETag: \"p1\"\r\n");
    if (r.method == "PUT") return FakeHttp::error(400, "EntityTooSmall");
    if (r.method == "DELETE") return FakeHttp::reply(204);
    return FakeHttp::error(400, "Unexpected");
  });
  ClientOptions o = fake_options(f);
  o.part_size = 1000;
  Client c(o);
  auto r = c.put_multipart("bkt", "seg/big", random_bytes(2500, 1));
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().to_string() == "s3://bkt/seg/big: 400 EntityTooSmall: m");
  std::vector<std::string> want = {"POST /bkt/seg/big?uploads= 0", "PUT /bkt/seg/big?partNumber=1&uploadId=u1 1000",
                                   "PUT /bkt/seg/big?partNumber=2&uploadId=u1 1000", "DELETE /bkt/seg/big?uploadId=u1 0"};
  BOOST_TEST(seen == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_server_ignoring_conditional_writes_gets_the_fallback) {
  std::mutex mu;
  std::map<std::string, std::string> objects;
  FakeHttp f([&](const FakeRequest& r) {  // a mock that, like s3rver or moto, ignores If-None-Match
    std::lock_guard<std::mutex> g(mu);
    if (r.method == "PUT") {
      objects[r.target] = r.body;
      return FakeHttp::reply(200);
    }
    if (r.method == "DELETE") {
      objects.erase(r.target);
      return FakeHttp::reply(204);
    }
    if (!objects.count(r.target)) return r.method == "HEAD" ? FakeHttp::reply(404) : FakeHttp::error(404, "NoSuchKey");
    if (r.method == "HEAD")
      return "HTTP/1.1 200 X\r\nContent-Length: " + std::to_string(objects[r.target].size()) + "\r\nConnection: close\r\n\r\n";
    return FakeHttp::reply(200, objects[r.target]);
  });
  auto s = S3Store::open("s3://bkt/pre", fake_options(f));
  REQUIRE_OK(s);
  auto probe = (*s)->probe_conditional_writes();
  REQUIRE_OK(probe);
  BOOST_TEST(!*probe);
  BOOST_TEST(((*s)->conditional_writes() == std::optional<bool>(false)));
  BOOST_TEST(objects.size() == 0u);  // the probe removed its key
  BOOST_TEST(((*s)->put_if_absent("modules/sha256/ab", bytes("first")).value() == PutResult::Stored));
  BOOST_TEST(((*s)->put_if_absent("modules/sha256/ab", bytes("second")).value() == PutResult::AlreadyExists));
  BOOST_TEST((objects["/bkt/pre/modules/sha256/ab"] == "first"));
}

// --- against the server ---------------------------------------------------

BOOST_AUTO_TEST_SUITE(server, *boost::unit_test::precondition(have_s3))

BOOST_AUTO_TEST_CASE(put_if_absent_stores_once) {
  auto s = store("once");
  auto a = s->put_if_absent("modules/sha256/abc", bytes("first"));
  REQUIRE_OK(a);
  BOOST_TEST((*a == PutResult::Stored));
  auto b = s->put_if_absent("modules/sha256/abc", bytes("second"));
  BOOST_REQUIRE(b);
  BOOST_TEST((*b == PutResult::AlreadyExists));
  auto got = s->get("modules/sha256/abc");
  BOOST_REQUIRE(got && *got);
  BOOST_TEST((**got == bytes("first")));
  // put() replaces.
  BOOST_REQUIRE(s->put("meta", bytes("v1")));
  BOOST_REQUIRE(s->put("meta", bytes("v2")));
  BOOST_TEST((*s->get("meta").value() == bytes("v2")));
}

BOOST_AUTO_TEST_CASE(concurrent_put_if_absent_stores_exactly_once) {
  auto s = store("race");
  constexpr int kKeys = 20;
  std::atomic<int> stored[kKeys] = {};
  std::atomic<int> errors{0};
  auto writer = [&](int who) {
    for (int k = 0; k < kKeys; ++k) {
      auto r = s->put_if_absent("seg/" + std::to_string(k), bytes("writer " + std::to_string(who)));
      if (!r) ++errors;
      else if (*r == PutResult::Stored) ++stored[k];
    }
  };
  std::thread t1(writer, 1), t2(writer, 2);
  t1.join();
  t2.join();
  BOOST_TEST(errors.load() == 0);
  for (int k = 0; k < kKeys; ++k) BOOST_TEST(stored[k].load() == 1, "key " << k);
}

BOOST_AUTO_TEST_CASE(get_head_and_range_reads) {
  auto s = store("reads");
  std::vector<uint8_t> data = random_bytes(1000, 7);
  BOOST_REQUIRE(s->put("obj", data));
  auto h = s->head("obj");
  BOOST_REQUIRE(h && *h);
  BOOST_TEST((*h)->key == "obj");
  BOOST_TEST((*h)->size == 1000u);
  int64_t now = std::chrono::system_clock::now().time_since_epoch() / std::chrono::nanoseconds(1);
  BOOST_TEST(std::llabs(now - (*h)->mtime_unix_ns) < int64_t(600) * 1000000000);
  auto mid = s->get_range("obj", 100, 50);
  BOOST_REQUIRE(mid && *mid);
  BOOST_TEST((**mid == std::vector<uint8_t>(data.begin() + 100, data.begin() + 150)));
  auto tail = s->get_range("obj", 990, 50);  // runs past the end: fewer bytes
  BOOST_REQUIRE(tail && *tail);
  BOOST_TEST((**tail == std::vector<uint8_t>(data.begin() + 990, data.end())));
  auto past = s->get_range("obj", 5000, 10);  // starts past the end: none
  BOOST_REQUIRE(past && *past);
  BOOST_TEST((*past)->empty());
  BOOST_TEST(!s->get("missing").value());
  BOOST_TEST(!s->head("missing").value());
  BOOST_TEST(!s->get_range("missing", 0, 10).value());
  // An empty object exists and has no bytes.
  BOOST_REQUIRE(s->put("empty", {}));
  auto e = s->get_range("empty", 0, 10);
  BOOST_REQUIRE(e && *e);
  BOOST_TEST((*e)->empty());
  BOOST_TEST(s->get("empty").value().value().empty());
}

BOOST_AUTO_TEST_CASE(keys_that_need_encoding) {
  auto s = store("enc oded+prefix");
  const std::string key = "processes/a b+c=d&e?f%g~h/\xc3\xa9t\xc3\xa9/log";
  BOOST_REQUIRE(s->put_if_absent(key, bytes("x")));
  BOOST_TEST((*s->get(key).value() == bytes("x")));
  auto l = s->list("processes/a b+c");
  REQUIRE_OK(l);
  BOOST_REQUIRE(l->size() == 1u);
  BOOST_TEST((*l)[0].key == key);
}

BOOST_AUTO_TEST_CASE(list_by_prefix_across_pages) {
  auto s = store("many");
  constexpr int kObjects = 1100;
  auto t0 = Clock::now();
  std::atomic<int> next{0}, errors{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t)
    pool.emplace_back([&] {
      for (int i; (i = next++) < kObjects;) {
        char key[32];
        snprintf(key, sizeof key, "processes/%05d/process.json", i);
        if (!s->put(key, bytes(std::to_string(i)))) ++errors;
      }
    });
  for (auto& t : pool) t.join();
  BOOST_TEST_MESSAGE("created " << kObjects << " objects in " << ms_since(t0) << " ms (8 threads)");
  BOOST_REQUIRE(errors.load() == 0);
  BOOST_REQUIRE(s->put("other/x", bytes("not listed")));
  auto outside = store("many-not");  // a sibling prefix that shares the characters
  BOOST_REQUIRE(outside->put("processes/99999/process.json", bytes("")));

  t0 = Clock::now();
  auto all = s->list("processes/");
  double list_ms = ms_since(t0);
  REQUIRE_OK(all);
  BOOST_TEST_MESSAGE("listed " << all->size() << " objects in " << list_ms << " ms (pages of 1000)");
  BOOST_REQUIRE(all->size() == size_t(kObjects));
  for (int i = 0; i < kObjects; ++i) {
    char key[32];
    snprintf(key, sizeof key, "processes/%05d/process.json", i);
    if ((*all)[i].key != key) {
      BOOST_ERROR("entry " << i << " is " << (*all)[i].key);
      break;
    }
  }
  BOOST_TEST((*all)[5].size == 1u);
  // Smaller pages: the same complete list.
  s->set_list_page_size(97);
  auto paged = s->list("processes/");
  BOOST_REQUIRE(paged);
  BOOST_TEST(paged->size() == size_t(kObjects));
  BOOST_TEST((paged->back().key == all->back().key));
  auto one = s->list("processes/00042/");
  BOOST_REQUIRE(one);
  BOOST_TEST(one->size() == 1u);
  // 1,000 objects: the figure the issue asks for.
  auto thousand = s->list("processes/00");
  BOOST_REQUIRE(thousand);
  BOOST_TEST(thousand->size() == 1000u);
  s->set_list_page_size(1000);
  t0 = Clock::now();
  thousand = s->list("processes/00");
  BOOST_TEST_MESSAGE("listing 1000 objects: " << ms_since(t0) << " ms");
}

BOOST_AUTO_TEST_CASE(multipart_upload_reads_back_identical) {
  auto s = store("multipart");
  std::vector<uint8_t> data = random_bytes(20u << 20 | 12345, 42);  // 20 MiB and a bit: 3 parts of 8 MiB
  auto t0 = Clock::now();
  auto put = s->put("segments/big", data);
  REQUIRE_OK(put);
  BOOST_TEST_MESSAGE("multipart put of " << data.size() << " bytes: " << ms_since(t0) << " ms");
  auto h = s->client().head(bucket(), s->object_key("segments/big"));
  BOOST_REQUIRE(h && *h);
  BOOST_TEST((*h)->size == data.size());
  BOOST_TEST((*h)->etag.find("-3") != std::string::npos, "ETag " << (*h)->etag << " is not of 3 parts");
  t0 = Clock::now();
  auto got = s->get("segments/big");
  BOOST_REQUIRE(got && *got);
  BOOST_TEST_MESSAGE("get of " << data.size() << " bytes: " << ms_since(t0) << " ms");
  BOOST_TEST(((**got) == data));
  auto r = s->get_range("segments/big", (8u << 20) - 10, 20);  // across a part boundary
  BOOST_REQUIRE(r && *r);
  BOOST_TEST((**r == std::vector<uint8_t>(data.begin() + (8u << 20) - 10, data.begin() + (8u << 20) + 10)));
}

BOOST_AUTO_TEST_CASE(remove_objects) {
  auto s = store("remove");
  BOOST_REQUIRE(s->put("a", bytes("1")));
  BOOST_REQUIRE(s->remove("a"));
  BOOST_TEST(!s->head("a").value());
  BOOST_TEST(!s->get("a").value());
  BOOST_TEST(s->list("").value().empty());
  auto again = s->remove("a");  // already gone: not an error
  BOOST_TEST(bool(again), (again ? "" : again.error().to_string()));
  // Removed, it can be written once more.
  BOOST_TEST((s->put_if_absent("a", bytes("2")).value() == PutResult::Stored));
}

BOOST_AUTO_TEST_CASE(a_wrong_secret_is_a_signature_error) {
  auto s = store("badsecret", options("not-the-secret"));
  auto r = s->get("x");
  BOOST_REQUIRE(!r);
  std::string m = r.error().to_string();
  BOOST_TEST_MESSAGE(m);
  BOOST_TEST(m.find("s3://" + bucket() + "/badsecret/x: 403 SignatureDoesNotMatch") == 0u, m);
  BOOST_TEST(m.find("signature") != std::string::npos, m);
  BOOST_TEST(m.find('\n') == std::string::npos);
  auto c = s->check();
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().to_string().find("SignatureDoesNotMatch") != std::string::npos, c.error().to_string());
  auto p = s->put_if_absent("x", bytes("y"));
  BOOST_REQUIRE(!p);
  BOOST_TEST(p.error().to_string().find("SignatureDoesNotMatch") != std::string::npos, p.error().to_string());
}

BOOST_AUTO_TEST_CASE(an_unknown_access_key_is_reported) {
  ClientOptions o = options();
  o.credentials.access_key = "NOSUCHKEY0000000000";
  auto s = store("badkey", o);
  auto r = s->list("");
  BOOST_REQUIRE(!r);
  BOOST_TEST_MESSAGE(r.error().to_string());
  BOOST_TEST(r.error().to_string().find("403 InvalidAccessKeyId") != std::string::npos, r.error().to_string());
}

BOOST_AUTO_TEST_CASE(a_dead_endpoint_fails_fast_with_cannot_connect) {
  ClientOptions o = options();
  o.endpoint = "http://127.0.0.1:1";
  auto s = S3Store::open("s3://" + bucket() + "/dead", o);
  BOOST_REQUIRE(s);
  auto t0 = Clock::now();
  auto r = (*s)->get("x");
  double ms = ms_since(t0);
  BOOST_REQUIRE(!r);
  BOOST_TEST_MESSAGE(r.error().to_string() << " (after " << ms << " ms, " << o.attempts << " attempts)");
  BOOST_TEST(r.error().to_string() ==
             "s3://" + bucket() + ": cannot connect to http://127.0.0.1:1: Connection refused");
  // Retried with backoff (100 + 200 + 400 ms, jittered to at least half), but bounded.
  BOOST_TEST(ms > 300.0);
  BOOST_TEST(ms < 5000.0);
  auto p = (*s)->put_if_absent("x", bytes("y"));
  BOOST_REQUIRE(!p);
  BOOST_TEST(p.error().to_string().find("cannot connect") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_bucket_is_no_such_bucket) {
  auto s = S3Store::open("s3://tc-no-such-bucket-" + std::to_string(::getpid()) + "/p", options());
  BOOST_REQUIRE(s);
  auto g = (*s)->get("x");
  BOOST_REQUIRE(!g);
  BOOST_TEST_MESSAGE(g.error().to_string());
  BOOST_TEST(g.error().to_string().find("404 NoSuchBucket") != std::string::npos, g.error().to_string());
  auto l = (*s)->list("");
  BOOST_REQUIRE(!l);
  BOOST_TEST(l.error().to_string().find("NoSuchBucket") != std::string::npos);
  auto c = (*s)->check();
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().to_string().find("NoSuchBucket") != std::string::npos, c.error().to_string());
  auto p = (*s)->put_if_absent("x", bytes("y"));
  BOOST_REQUIRE(!p);
  BOOST_TEST(p.error().to_string().find("NoSuchBucket") != std::string::npos, p.error().to_string());
}

BOOST_AUTO_TEST_CASE(opened_with_the_users_credentials) {
  ::setenv("AWS_ACCESS_KEY_ID", env("TIMECRAFT_TEST_S3_ACCESS_KEY").c_str(), 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", env("TIMECRAFT_TEST_S3_SECRET_KEY").c_str(), 1);
  auto s = S3Store::open("s3://" + bucket() + "/env", env("TIMECRAFT_TEST_S3_ENDPOINT"), "");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  REQUIRE_OK(s);
  BOOST_TEST((*s)->describe() == "s3://" + bucket() + "/env");
  REQUIRE_OK((*s)->check());
  BOOST_TEST(((*s)->put_if_absent("k", bytes("v")).value() == PutResult::Stored));
  auto bad = S3Store::open("s3://" + bucket(), "127.0.0.1:7480", "");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().to_string().find("is not http://host[:port]") != std::string::npos, bad.error().to_string());
}

BOOST_AUTO_TEST_CASE(radosgw_honours_conditional_writes) {
  auto s = store("probe");
  BOOST_TEST(!s->conditional_writes().has_value());
  auto p = s->probe_conditional_writes();
  REQUIRE_OK(p);
  BOOST_TEST(*p);
  BOOST_TEST(s->conditional_writes().value_or(false));
  // The probe cleans up after itself.
  BOOST_TEST(s->list("").value().empty());
  BOOST_TEST(bool(s->check()));
}

// A second opinion on the protocol: curl the CLI (its own SigV4 signer)
// reads what the client wrote, and the client reads what curl wrote.
BOOST_AUTO_TEST_CASE(curl_the_cli_agrees) {
  if (::access("/usr/bin/curl", X_OK) != 0) {
    BOOST_TEST_MESSAGE("skipped: /usr/bin/curl is not installed");
    return;
  }
  auto s = store("curl");
  std::vector<uint8_t> data = random_bytes(100000, 3);
  BOOST_REQUIRE(s->put("written/by client", data));
  std::string auth = "--aws-sigv4 aws:amz:us-east-1:s3 --user '" + env("TIMECRAFT_TEST_S3_ACCESS_KEY") + ":" +
                     env("TIMECRAFT_TEST_S3_SECRET_KEY") + "' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD'";
  std::string base = env("TIMECRAFT_TEST_S3_ENDPOINT") + "/" + bucket() + "/curl/";
  int status = 0;
  std::string out = run("/usr/bin/curl -sS -f " + auth + " '" + base + "written/by%20client'", &status);
  BOOST_REQUIRE_EQUAL(status, 0);
  BOOST_TEST((std::vector<uint8_t>(out.begin(), out.end()) == data));
  fs::path f = fs::temp_directory_path() / ("tc-s3-curl-" + std::to_string(::getpid()));
  std::ofstream(f) << "from curl\n";
  run("/usr/bin/curl -sS -f " + auth + " -T '" + f.string() + "' '" + base + "written/by-curl'", &status);
  fs::remove(f);
  BOOST_REQUIRE_EQUAL(status, 0);
  auto got = s->get("written/by-curl");
  BOOST_REQUIRE(got && *got);
  BOOST_TEST((**got == bytes("from curl\n")));
}

BOOST_AUTO_TEST_CASE(put_and_get_latency) {
  auto s = store("latency");
  std::vector<uint8_t> small = random_bytes(4096, 9);
  constexpr int kOps = 100;
  auto t0 = Clock::now();
  for (int i = 0; i < kOps; ++i) BOOST_REQUIRE(s->put_if_absent("k" + std::to_string(i), small));
  double put_ms = ms_since(t0) / kOps;
  t0 = Clock::now();
  for (int i = 0; i < kOps; ++i) BOOST_REQUIRE(s->get("k" + std::to_string(i)).value());
  double get_ms = ms_since(t0) / kOps;
  BOOST_TEST_MESSAGE("4 KiB put_if_absent: " << put_ms << " ms, get: " << get_ms << " ms (mean of " << kOps << ")");
  BOOST_TEST(put_ms < 1000.0);
  BOOST_TEST(get_ms < 1000.0);
}

BOOST_AUTO_TEST_SUITE_END()
