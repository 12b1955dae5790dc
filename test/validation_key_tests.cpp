// Validation marks: HMAC-SHA256, the per-user key file (created once,
// atomically, 0600; refused when others could read it or it has the wrong
// size), and the registry trusting only marks made under its own key for
// the same module and build.
#define BOOST_TEST_MODULE validation_key
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "registry/hmac_sha256.hpp"
#include "registry/registry.hpp"
#include "registry/sha256.hpp"
#include "registry/validation_key.hpp"

using namespace tc::registry;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tc_key_test_" + std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string hex(std::span<const uint8_t> b) {
  static const char* h = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) s += {h[x >> 4], h[x & 15]};
  return s;
}

ValidationKey key_of(uint8_t fill) {
  std::array<uint8_t, 32> k;
  k.fill(fill);
  return ValidationKey(k);
}

mode_t mode_of(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hmac_sha256_matches_rfc4231_and_openssl) {
  // RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
  BOOST_TEST(hex(hmac_sha256(std::vector<uint8_t>(20, 0x0b), bytes_of("Hi There"))) ==
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  BOOST_TEST(hex(hmac_sha256(bytes_of("Jefe"), bytes_of("what do ya want for nothing?"))) ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  BOOST_TEST(hex(hmac_sha256(std::vector<uint8_t>(131, 0xaa),
                             bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"))) ==
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  std::mt19937 rng(1);
  for (size_t klen : {0, 1, 31, 32, 63, 64, 65, 200})
    for (size_t mlen : {0, 1, 55, 56, 64, 1000}) {
      std::vector<uint8_t> k(klen), m(mlen);
      for (auto& b : k) b = uint8_t(rng());
      for (auto& b : m) b = uint8_t(rng());
      unsigned char ref[32];
      unsigned len = 32;
      static const uint8_t none = 0;  // OpenSSL reads a null key as "no key given"
      HMAC(EVP_sha256(), k.empty() ? &none : k.data(), int(k.size()), m.empty() ? &none : m.data(),
           m.size(), ref, &len);
      BOOST_TEST(hex(hmac_sha256(k, m)) == hex(std::span<const uint8_t>(ref, 32)), klen << "/" << mlen);
    }
}

BOOST_AUTO_TEST_CASE(marks_bind_the_key_the_digest_and_the_build) {
  ValidationKey a = key_of(1), b = key_of(2);
  std::string d = std::string(64, 'a'), build = "b1";
  std::string m = a.mark(d, build);
  BOOST_TEST(m.size() == 64u);
  std::string msg = std::string("timecraft-validated") + '\0' + d + '\0' + build;
  std::array<uint8_t, 32> raw;
  raw.fill(1);
  BOOST_TEST(m == hex(hmac_sha256(raw, bytes_of(msg))));
  BOOST_TEST(a.verify(m, d, build));
  BOOST_TEST(!b.verify(m, d, build));                       // another key
  BOOST_TEST(!a.verify(m, std::string(64, 'b'), build));    // another module
  BOOST_TEST(!a.verify(m, d, "b2"));                        // another build
  BOOST_TEST(!a.verify(a.mark(d + "b", "1"), d, build));    // no ambiguity in joining them
  std::string edited = m;
  edited[10] = edited[10] == '0' ? '1' : '0';
  BOOST_TEST(!a.verify(edited, d, build));
  BOOST_TEST(!a.verify(m.substr(0, 63), d, build));
  BOOST_TEST(!a.verify("", d, build));
  BOOST_TEST(!a.verify(build, d, build));  // the old form of the mark: the build itself
}

BOOST_AUTO_TEST_CASE(the_key_file_is_created_once_private_and_reused) {
  TempDir t;
  fs::path path = t.path / "state" / "timecraft" / "validation.key";
  auto k1 = ValidationKey::load_or_create(path.string());
  BOOST_REQUIRE_MESSAGE(k1.has_value(), (k1 ? "" : k1.error().message));
  BOOST_TEST(fs::file_size(path) == 32u);
  BOOST_TEST(mode_of(path) == 0600u);
  BOOST_TEST(mode_of(path.parent_path()) == 0700u);
  BOOST_TEST(mode_of(path.parent_path().parent_path()) == 0700u);
  auto k2 = ValidationKey::load_or_create(path.string());
  BOOST_REQUIRE(k2.has_value());
  BOOST_TEST(k1->mark("d", "b") == k2->mark("d", "b"));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(path.parent_path())) files += !e.path().empty();
  BOOST_TEST(files == 1u);  // no temporary left behind
  // Another key file is another key.
  auto other = ValidationKey::load_or_create((t.path / "other.key").string());
  BOOST_REQUIRE(other.has_value());
  BOOST_TEST(other->mark("d", "b") != k1->mark("d", "b"));
}

BOOST_AUTO_TEST_CASE(racing_creators_all_get_the_same_key) {
  for (int round = 0; round < 5; ++round) {
    TempDir t;
    std::string path = (t.path / "k" / "validation.key").string();
    std::vector<std::string> marks(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < marks.size(); ++i)
      threads.emplace_back([&, i] {
        auto k = ValidationKey::load_or_create(path);
        marks[i] = k ? k->mark("d", "b") : "error: " + k.error().message;
      });
    for (auto& th : threads) th.join();
    BOOST_TEST(std::set<std::string>(marks.begin(), marks.end()).size() == 1u, marks[0]);
    BOOST_TEST(marks[0].size() == 64u, marks[0]);
  }
}

BOOST_AUTO_TEST_CASE(an_unsafe_or_malformed_key_file_is_refused_and_left_alone) {
  TempDir t;
  fs::path path = t.path / "validation.key";
  BOOST_REQUIRE(ValidationKey::load_or_create(path.string()).has_value());
  std::string original;
  {
    std::ifstream in(path, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (mode_t mode : {0640, 0604, 0660, 0700 | 0044}) {
    ::chmod(path.c_str(), mode);
    auto k = ValidationKey::load_or_create(path.string());
    BOOST_REQUIRE(!k.has_value());
    BOOST_TEST(k.error().message.find("mode 0600") != std::string::npos, k.error().message);
  }
  ::chmod(path.c_str(), 0600);
  BOOST_TEST(ValidationKey::load_or_create(path.string()).has_value());
  for (const std::string& content : {std::string(31, 'x'), std::string(33, 'x'), std::string()}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    auto k = ValidationKey::load_or_create(path.string());
    BOOST_REQUIRE(!k.has_value());
    BOOST_TEST(k.error().message.find("not 32 bytes") != std::string::npos, k.error().message);
    BOOST_TEST(fs::file_size(path) == content.size());  // not replaced
  }
  fs::path dir = t.path / "a_directory";
  fs::create_directories(dir);
  BOOST_TEST(!ValidationKey::load_or_create(dir.string()).has_value());
  fs::path fifo = t.path / "fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  BOOST_TEST(!ValidationKey::load_or_create(fifo.string()).has_value());  // and does not block
  std::ofstream(t.path / "file") << "x";
  BOOST_TEST(!ValidationKey::load_or_create((t.path / "file" / "validation.key").string()).has_value());
  BOOST_TEST(!ValidationKey::load_or_create("").has_value());
}

BOOST_AUTO_TEST_CASE(the_default_key_path_follows_the_environment) {
  auto keep = [](const char* n) { const char* v = std::getenv(n); return v ? std::optional<std::string>(v) : std::nullopt; };
  auto file = keep("TIMECRAFT_KEY_FILE"), xdg = keep("XDG_STATE_HOME"), home = keep("HOME");
  ::setenv("TIMECRAFT_KEY_FILE", "/k/file", 1);
  ::setenv("XDG_STATE_HOME", "/xdg", 1);
  ::setenv("HOME", "/home/u", 1);
  BOOST_TEST(ValidationKey::default_path() == "/k/file");
  ::unsetenv("TIMECRAFT_KEY_FILE");
  BOOST_TEST(ValidationKey::default_path() == "/xdg/timecraft/validation.key");
  ::setenv("XDG_STATE_HOME", "relative", 1);  // not absolute: ignored, as XDG says
  BOOST_TEST(ValidationKey::default_path() == "/home/u/.local/state/timecraft/validation.key");
  ::unsetenv("XDG_STATE_HOME");
  ::unsetenv("HOME");
  BOOST_TEST(ValidationKey::default_path() == "");
  auto restore = [](const char* n, const std::optional<std::string>& v) {
    if (v) ::setenv(n, v->c_str(), 1);
    else ::unsetenv(n);
  };
  restore("TIMECRAFT_KEY_FILE", file);
  restore("XDG_STATE_HOME", xdg);
  restore("HOME", home);
}

BOOST_AUTO_TEST_CASE(the_registry_trusts_only_its_own_marks) {
  TempDir t;
  std::string root = (t.path / "registry").string();
  auto mine = Registry::open(root), theirs = Registry::open(root), keyless = Registry::open(root);
  BOOST_REQUIRE(mine && theirs && keyless);
  mine->use_validation_key(key_of(1));
  theirs->use_validation_key(key_of(2));
  keyless->use_validation_key(std::nullopt);
  auto bytes = bytes_of("a module");
  auto d = mine->put_module(bytes, "m.wasm", "b1");
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(mine->validated_by(*d, "b1"));  // a genuine mark is trusted
  BOOST_TEST(!mine->validated_by(*d, "b2"));
  BOOST_TEST(!theirs->validated_by(*d, "b1"));  // a registry marked under another key
  BOOST_TEST(!keyless->validated_by(*d, "b1"));
  // The sidecar holds the mark, not the build: writing the build there
  // (what used to be trusted) or any other text is not trusted.
  std::string sidecar = root + "/modules/sha256/" + *d + ".json";
  std::ifstream in(sidecar);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  BOOST_TEST(text.find(key_of(1).mark(*d, "b1")) != std::string::npos, text);
  for (const std::string& forged : {std::string("b1"), key_of(2).mark(*d, "b1"), key_of(1).mark(*d, "b2"),
                                    key_of(1).mark(std::string(64, '0'), "b1")}) {
    std::ofstream(sidecar, std::ios::trunc)
        << "{\"name\": \"m.wasm\", \"size\": 8, \"created\": 1, \"validated_by\": \"" << forged << "\"}";
    BOOST_TEST(!mine->validated_by(*d, "b1"), forged);
  }
  // Storing the module again (after validating it) marks it anew.
  BOOST_REQUIRE(mine->put_module(bytes, "m.wasm", "b1").has_value());
  BOOST_TEST(mine->validated_by(*d, "b1"));
  // A keyless registry writes no mark, and keeps the one there.
  BOOST_REQUIRE(keyless->put_module(bytes, "m.wasm", "b1").has_value());
  BOOST_TEST(mine->validated_by(*d, "b1"));
  // Another user's run replaces the mark with theirs: then only they trust it.
  BOOST_REQUIRE(theirs->put_module(bytes, "m.wasm", "b1").has_value());
  BOOST_TEST(theirs->validated_by(*d, "b1"));
  BOOST_TEST(!mine->validated_by(*d, "b1"));
}

BOOST_AUTO_TEST_CASE(the_registry_loads_the_default_key_only_when_needed) {
  TempDir t;
  fs::path key = t.path / "key" / "validation.key";
  ::setenv("TIMECRAFT_KEY_FILE", key.c_str(), 1);
  auto r = Registry::open((t.path / "registry").string());
  BOOST_REQUIRE(r.has_value());
  auto d = r->put_module(bytes_of("m"), "m.wasm");  // no build: no mark, no key
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(!r->validated_by(*d, "b1"));  // no mark to check
  BOOST_TEST(!fs::exists(key));
  BOOST_REQUIRE(r->put_module(bytes_of("m"), "m.wasm", "b1").has_value());
  BOOST_TEST(fs::exists(key));  // created on first use
  BOOST_TEST(r->validated_by(*d, "b1"));
  auto again = Registry::open((t.path / "registry").string());  // a later run: same key
  BOOST_TEST(again->validated_by(*d, "b1"));
  ::chmod(key.c_str(), 0644);  // a key others can read is no key
  auto exposed = Registry::open((t.path / "registry").string());
  BOOST_TEST(!exposed->validated_by(*d, "b1"));
  ::unsetenv("TIMECRAFT_KEY_FILE");
}
