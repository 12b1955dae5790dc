// Validation marks through the real CLI: run and replay skip validating a
// stored module only for a mark made under this user's key (see
// registry/validation_key.hpp). A registry edited by someone else, a mark
// copied from another module or made under another key, or the engine
// build written where the mark goes, never gets unvalidated code run: an
// invalid module is refused with the validator's error, not executed.
#define BOOST_TEST_MODULE validation_e2e_tests
#include <boost/test/unit_test.hpp>

#include "registry/sha256.hpp"
#include "registry/validation_key.hpp"
#include "test/cli_fixture.hpp"

using namespace tc::test;
using tc::registry::ValidationKey;

namespace {

// The string value of the first "key": "..." in `json`.
std::string string_field(const std::string& json, const std::string& key) {
  auto at = json.find("\"" + key + "\": \"");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, key << " in " << json);
  at += key.size() + 5;
  return json.substr(at, json.find('"', at) - at);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// (module (func (export "_start") i32.add drop)): i32.add on an empty stack.
const std::string kInvalid("\0asm\1\0\0\0"
                           "\x01\x04\x01\x60\x00\x00"
                           "\x03\x02\x01\x00"
                           "\x07\x0a\x01\x06_start\x00\x00"
                           "\x0a\x06\x01\x04\x00\x6a\x1a\x0b",
                           8 + 6 + 4 + 12 + 8);

}  // namespace

BOOST_FIXTURE_TEST_SUITE(validation, CliFixture)

BOOST_AUTO_TEST_CASE(forged_marks_never_let_an_invalid_module_run) {
  // A genuine run: the engine build, and a genuine mark (of another module).
  auto ok = tc({"run", (programs / "exit_code.wasm").string()});
  BOOST_REQUIRE_EQUAL(ok.exit_code, 42);
  std::string good_id = take_id(ok.err);
  std::string good_meta = slurp(process_json(good_id));
  std::string build = string_field(good_meta, "build"), good_digest = string_field(good_meta, "digest");
  fs::path modules = registry / "modules" / "sha256";
  std::string genuine = string_field(slurp(modules / (good_digest + ".json")), "validated_by");
  auto key = ValidationKey::load_or_create(key_file.string());  // the CLI's, from $TIMECRAFT_KEY_FILE
  BOOST_REQUIRE(key.has_value());
  BOOST_TEST(genuine == key->mark(good_digest, build));

  // The invalid module, stored as if a run had validated it.
  fs::path wasm = root / "invalid.wasm";
  spit(wasm, kInvalid);
  std::string digest = tc::registry::sha256_hex(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kInvalid.data()), kInvalid.size()));
  spit(modules / digest, kInvalid);
  // And a process that ran it, to replay.
  const std::string fake_id = "00000000-0000-4000-8000-000000000001";
  fs::create_directories(registry / "processes" / fake_id);
  fs::copy(registry / "processes" / good_id / "log", registry / "processes" / fake_id / "log");
  spit(process_json(fake_id), replaced(replaced(good_meta, good_id, fake_id), good_digest, digest));

  std::string edited = key->mark(digest, build);
  edited[0] = edited[0] == 'a' ? 'b' : 'a';
  std::array<uint8_t, 32> other_bytes;
  other_bytes.fill(7);
  const std::string forged[] = {
      build,                                        // what used to be trusted
      genuine,                                      // copied from another module
      ValidationKey(other_bytes).mark(digest, build),  // made under another key
      edited,                                       // a genuine one, edited
      key->mark(digest, build + "0"),               // for another build
  };
  for (const auto& mark : forged) {
    spit(modules / (digest + ".json"), "{\"name\": \"invalid.wasm\", \"size\": " +
                                           std::to_string(kInvalid.size()) +
                                           ", \"created\": 1, \"validated_by\": \"" + mark + "\"}\n");
    auto run = tc({"run", wasm.string()});
    BOOST_TEST(!crashed(run), mark << ": " << run.exit_code << " " << run.err);
    BOOST_TEST(run.exit_code == 1, mark);
    BOOST_TEST(one_error_line(run), run.err);
    BOOST_TEST(run.err.find("type mismatch") != std::string::npos, run.err);
    auto rep = tc({"replay", fake_id});
    BOOST_TEST(!crashed(rep), mark << ": " << rep.exit_code << " " << rep.err);
    BOOST_TEST(rep.exit_code == 1, mark);
    BOOST_TEST(one_error_line(rep), rep.err);
    BOOST_TEST(rep.err.find("stored module: ") != std::string::npos, rep.err);
    BOOST_TEST(rep.err.find("type mismatch") != std::string::npos, rep.err);
  }
}

BOOST_AUTO_TEST_CASE(marks_are_made_under_the_users_key_file) {
  const std::string wasm = (programs / "exit_code.wasm").string();
  auto run = tc({"run", wasm});
  std::string id = take_id(run.err);
  BOOST_TEST(fs::file_size(key_file) == 32u);
  BOOST_TEST(((fs::status(key_file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write)));
  BOOST_TEST(!fs::exists(registry / "validation.key"));
  std::string meta = slurp(process_json(id));
  std::string digest = string_field(meta, "digest"), build = string_field(meta, "build");
  fs::path sidecar = registry / "modules" / "sha256" / (digest + ".json");
  auto mine = ValidationKey::load_or_create(key_file.string());
  BOOST_REQUIRE(mine.has_value());
  BOOST_TEST(string_field(slurp(sidecar), "validated_by") == mine->mark(digest, build));
  // Another user (another key) does not trust it: validates, and marks anew.
  fs::path theirs = root / "other-user" / "validation.key";
  ::setenv("TIMECRAFT_KEY_FILE", theirs.c_str(), 1);
  auto again = tc({"run", wasm});
  BOOST_TEST(again.exit_code == 42);
  auto other = ValidationKey::load_or_create(theirs.string());
  BOOST_REQUIRE(other.has_value());
  BOOST_TEST(string_field(slurp(sidecar), "validated_by") == other->mark(digest, build));
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 42);
  // A key file others can read is not used: runs still validate and work.
  fs::permissions(theirs, fs::perms::group_read, fs::perm_options::add);
  auto exposed = tc({"run", wasm});
  BOOST_TEST(exposed.exit_code == 42);
  BOOST_TEST(string_field(slurp(sidecar), "validated_by") == other->mark(digest, build));  // left as it was
  ::setenv("TIMECRAFT_KEY_FILE", key_file.c_str(), 1);
}

BOOST_AUTO_TEST_SUITE_END()
