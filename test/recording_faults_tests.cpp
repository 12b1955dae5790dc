// A run whose recording fails still stores how it ended:
//  - a full disk (a real 2 MiB tmpfs, filled by the program itself) stops
//    the recording; the run carries on, warns once naming the last record
//    kept, exits with the program's status, and process.json says
//    "truncated" with the exit code and the error; the log is whole up to
//    there (no torn tail) and describe, get, trace and replay say so;
//  - if even the end cannot be stored, the run exits 1 with a clear error.
#define BOOST_TEST_MODULE recording_faults_tests
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "test/cli_fixture.hpp"
#include "test/tiny_disk.hpp"

namespace fs = std::filesystem;
using namespace tc::test;
using json = nlohmann::json;

namespace {

// "recording stopped at record N: ..." -> N, or -1.
long stopped_at(const std::string& err) {
  auto p = err.find("recording stopped at record ");
  return p == std::string::npos ? -1 : std::stol(err.substr(p + 28));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(recording_faults, CliFixture)

BOOST_AUTO_TEST_CASE(a_full_disk_truncates_the_recording,
                     *boost::unit_test::precondition(can_mount_tmpfs)) {
  TinyDisk disk(root / "disk", "2m");
  BOOST_REQUIRE_MESSAGE(disk.mounted, disk.error);
  fs::path reg = disk.dir / "registry", data = disk.dir / "data";
  fs::create_directories(data);
  std::string wasm = (programs / "storage_faults.wasm").string();
  auto r = tc({"run", "--registry", reg.string(), "--record-batch-size", "8", "--dir",
               data.string() + ":/data", wasm, "fill", "/data"});
  std::string id = take_id(r.err);
  BOOST_TEST_MESSAGE(r.err);
  BOOST_TEST(r.exit_code == 0);  // the program's
  BOOST_TEST(r.out == "full\n");
  long kept = stopped_at(r.err);
  BOOST_TEST(kept > 0, r.err);
  BOOST_TEST(contains(r.err, "No space left on device; the log is readable up to there\n"), r.err);
  BOOST_TEST(lines(r.err) == 1u, r.err);

  // The end is stored although the disk is full.
  auto meta = json::parse(slurp(reg / "processes" / id / "process.json"), nullptr, false);
  BOOST_REQUIRE(!meta.is_discarded());
  BOOST_TEST(meta["exit"]["status"] == "truncated");
  BOOST_TEST(meta["exit"]["code"] == 0);
  BOOST_TEST(meta["end_unix_ns"].get<int64_t>() > 0);
  BOOST_TEST(contains(meta["log"]["error"].get<std::string>(), "No space left on device"));

  r = tc({"describe", "process", "--registry", reg.string(), id});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.out, "\nStatus:   truncated (exit 0)\n"), r.out);
  BOOST_TEST(contains(r.out, "\nRecords: " + std::to_string(kept) + ","), r.out);
  BOOST_TEST(contains(r.out, "(recording stopped at record " + std::to_string(kept) + ")"), r.out);
  BOOST_TEST(!contains(r.out, "Torn tail"), r.out);  // cut back to the last whole batch
  r = tc({"get", "ps", "--registry", reg.string()});
  BOOST_TEST(contains(r.out, "truncated (exit 0)"), r.out);
  r = tc({"get", "ps", "-o", "json", "--registry", reg.string()});
  BOOST_TEST(contains(r.out, "\"status\": \"truncated\""), r.out);
  r = tc({"trace", "--registry", reg.string(), id});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(lines(r.out) == size_t(kept) + 2);  // the header, the column names, the records
  // Replay runs up to the end of the log, then says why it ends there.
  r = tc({"replay", "-q", "--registry", reg.string(), id});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(contains(r.err, "(the recording stopped early: "), r.err);
}

BOOST_AUTO_TEST_CASE(an_end_that_cannot_be_stored_is_an_error) {
  // A first run creates the registry's processes/ directory.
  std::string wasm = (programs / "storage_faults.wasm").string();
  BOOST_REQUIRE_EQUAL(tc({"run", wasm}).exit_code, 2);
  // The program replaces its own process.json by a directory.
  auto r = tc({"run", "--dir", (registry / "processes").string() + ":/p", wasm, "sabotage", "/p"});
  std::string id = take_id(r.err);
  BOOST_TEST(r.out == "sabotaged\n");
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.rfind("timecraft: error: cannot store how process " + id + " ended (exited, code 0): ", 0) == 0, r.err);
  BOOST_TEST(lines(r.err) == 1u, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
