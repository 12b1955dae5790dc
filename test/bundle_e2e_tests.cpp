// `timecraft export bundle ID FILE` then `timecraft import FILE` into
// another registry: there the process replays, traces and debugs as it did
// where it was recorded, its module is not trusted as validated, and a
// bundle that is corrupt, cut short or holds anything but its own files is
// refused in one line with nothing imported.
#define BOOST_TEST_MODULE bundle_e2e_tests
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "test/cli_fixture.hpp"

using namespace tc::test;
using json = nlohmann::json;

namespace {

// Entries of REGISTRY/processes/ that are processes (not the hidden index,
// nor an import's or a deletion's staging directory).
size_t process_dirs(const fs::path& registry) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(registry / "processes"))
    n += e.path().filename().string()[0] != '.' && e.path().filename().string().find('.') == std::string::npos;
  return n;
}

// An entry of a tar file, located by parsing its headers here (not with
// the code under test).
struct TarEntry {
  std::string name;
  size_t header = 0, data = 0, size = 0;
};

std::vector<TarEntry> tar_entries(const std::string& tar) {
  std::vector<TarEntry> out;
  for (size_t at = 0; at + 512 <= tar.size();) {
    if (tar.compare(at, 512, std::string(512, '\0')) == 0) break;
    TarEntry e;
    e.name = std::string(tar.c_str() + at, strnlen(tar.c_str() + at, 100));
    e.header = at;
    e.data = at + 512;
    e.size = std::stoull(tar.substr(at + 124, 12), nullptr, 8);
    out.push_back(e);
    at = e.data + (e.size + 511) / 512 * 512;
  }
  return out;
}

const TarEntry& entry(const std::vector<TarEntry>& es, const std::string& name) {
  for (const auto& e : es)
    if (e.name == name) return e;
  BOOST_FAIL("no entry " + name);
  return es.front();
}

// A ustar header's checksum, rewritten after editing the header.
void fix_checksum(std::string& tar, size_t header) {
  std::fill_n(tar.begin() + long(header) + 148, 8, ' ');
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += uint8_t(tar[header + i]);
  char field[8];
  std::snprintf(field, sizeof field, "%06o", sum);
  tar.replace(header + 148, 7, field, 7);  // six digits and a NUL; the space stays
}

// The module digest a process.json names.
std::string module_digest(const fs::path& process_json) {
  return json::parse(slurp(process_json))["module"]["digest"].get<std::string>();
}

struct Fixture : CliFixture {
  fs::path other = root / "elsewhere";  // registry B: does not exist yet
  fs::path data = root / "data", input = root / "stdin.txt", bundle = root / "bundle.tar";
  std::string id, digest;
  ProcResult run;

  Fixture() {
    fs::create_directories(data);
    std::ofstream(input) << "a line of input\n";
    // Args, env, stdin, clocks, random, a preopened directory: a replay
    // needs the log for all of them.
    run = tc({"run", "--env", "WHO=tester", "--dir", data.string() + ":/data",
              (programs / "everything.wasm").string(), "/data"},
             60, input.string());
    BOOST_REQUIRE_MESSAGE(run.exit_code == 42, run.err);
    id = take_id(run.err);
    BOOST_REQUIRE_EQUAL(id.size(), 36u);
    digest = module_digest(process_json(id));
    auto e = tc({"export", "bundle", id.substr(0, 8), bundle.string()});
    BOOST_REQUIRE_MESSAGE(e.exit_code == 0, e.err);
    BOOST_REQUIRE(e.out.empty() && e.err.empty());
  }

  // A command run against registry B: CMD --registry B ARGS...
  ProcResult in_b(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin() + 1, {"--registry", other.string()});
    return tc(args, 60, stdin_path);
  }
  ProcResult import(const fs::path& file) { return in_b({"import", file.string()}); }

  // Registry B shows no process, and holds no half-imported one either.
  void nothing_imported() {
    if (!fs::exists(other)) return;
    auto ps = in_b({"get", "ps", "-q"});
    BOOST_TEST(ps.exit_code == 0);
    BOOST_TEST(ps.out == "");
    BOOST_TEST(fs::is_empty(other / "processes"));
  }

  // A copy of the bundle, edited, to import.
  fs::path altered(const std::string& tar, const std::string& name = "altered.tar") {
    auto p = root / name;
    spit(p, tar);
    return p;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bundles, Fixture)

BOOST_AUTO_TEST_CASE(an_imported_process_replays_as_it_ran) {
  BOOST_REQUIRE(!fs::exists(other));
  auto imp = import(bundle);
  BOOST_TEST(imp.exit_code == 0);
  BOOST_TEST(imp.err == "");
  BOOST_TEST(imp.out == "process " + id + " (imported)\nmodule sha256:" + digest + " (new)\n");
  // Nothing of the first machine is left: not its registry, not the files.
  fs::remove_all(registry);
  fs::remove_all(data);
  auto rep = in_b({"replay", id});
  BOOST_TEST(rep.exit_code == 42);
  BOOST_TEST(rep.out == run.out);  // clocks, random and files from the log
  BOOST_TEST(rep.err == run.err);
  BOOST_TEST(contains(rep.out, "WHO=tester"));
  auto logs = in_b({"logs", id});
  BOOST_TEST(logs.exit_code == 0);
  BOOST_TEST(logs.out == run.out);
}

BOOST_AUTO_TEST_CASE(trace_of_an_imported_process_is_the_original_trace) {
  auto a = tc({"trace", id}), aj = tc({"trace", "-o", "json", id});
  BOOST_REQUIRE_EQUAL(a.exit_code, 0);
  BOOST_TEST(lines(a.out) > 10u);
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  fs::remove_all(registry);
  auto b = in_b({"trace", id}), bj = in_b({"trace", "-o", "json", id});
  BOOST_TEST(b.exit_code == 0);
  BOOST_TEST(b.out == a.out);
  BOOST_TEST(bj.out == aj.out);
}

BOOST_AUTO_TEST_CASE(the_debugger_works_on_an_imported_recording) {
  auto r = tc({"run", (programs / "hello-g.wasm").string()});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  std::string hello = take_id(r.err);
  fs::path tar = root / "hello.tar";
  BOOST_REQUIRE_EQUAL(tc({"export", "bundle", hello, tar.string()}).exit_code, 0);
  fs::path script = write("s.tcdb", "break main\ncontinue\nbt\nnext\ninfo locals\ncontinue\n");
  auto a = tc({"debug", "--batch", "--echo", "-x", script.string(), hello});
  BOOST_REQUIRE_EQUAL(a.exit_code, 0);
  BOOST_REQUIRE_EQUAL(import(tar).exit_code, 0);
  fs::remove_all(registry);
  auto b = in_b({"debug", "--batch", "--echo", "-x", script.string(), hello});
  BOOST_TEST(!crashed(b));
  BOOST_TEST(b.exit_code == 0);
  BOOST_TEST(b.err == "");
  BOOST_TEST(b.out == a.out);
  BOOST_TEST(contains(b.out, "Breakpoint 1, main (argc=1, "));
  BOOST_TEST(contains(b.out, "#0  main (argc=1, "));
  BOOST_TEST(contains(b.out, "Hello, World! from hello-g.wasm"));
  BOOST_TEST(contains(b.out, "exited normally]"));
}

BOOST_AUTO_TEST_CASE(get_and_describe_show_the_imported_process) {
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  auto ps = in_b({"get", "ps", "-q"});
  BOOST_TEST(ps.exit_code == 0);
  BOOST_TEST(ps.out == id + "\n");
  auto d = in_b({"describe", "process", id.substr(0, 6)});
  BOOST_TEST(d.exit_code == 0);
  BOOST_TEST(contains(d.out, "ID:      " + id + "\n"));
  BOOST_TEST(contains(d.out, "\nStatus:   exited 42\n"), d.out);
  BOOST_TEST(contains(d.out, "\n  sha256:" + digest + ": everything.wasm ("), d.out);
  auto mods = in_b({"get", "mod", "-q"});
  BOOST_TEST(mods.out == digest + "\n");
}

BOOST_AUTO_TEST_CASE(tar_lists_and_extracts_the_bundle) {
  auto t = run_process({"/bin/tar", "tf", bundle.string()});
  BOOST_TEST(t.exit_code == 0);
  BOOST_TEST(t.err == "");
  BOOST_TEST(t.out == "timecraft-bundle.json\nprocess.json\nmodule.wasm\nlog/log.000000\n");
  fs::path x = root / "x";
  fs::create_directories(x);
  auto e = run_process({"/bin/tar", "xf", bundle.string(), "-C", x.string()});
  BOOST_TEST(e.exit_code == 0);
  BOOST_TEST(e.err == "");
  fs::path proc = registry / "processes" / id;
  BOOST_TEST(slurp(x / "process.json") == slurp(proc / "process.json"));
  BOOST_TEST(slurp(x / "module.wasm") == slurp(registry / "modules/sha256" / digest));
  BOOST_TEST(slurp(x / "log/log.000000") == slurp(proc / "log/log.000000"));
  auto m = json::parse(slurp(x / "timecraft-bundle.json"));
  BOOST_TEST(m["format"] == "timecraft-bundle");
  BOOST_TEST(m["version"] == 1);
  BOOST_TEST(m["process"]["id"] == id);
  BOOST_TEST(m["module"]["digest"] == digest);
  BOOST_TEST(m["files"].size() == 3u);
  BOOST_TEST(m["files"][2]["size"] == fs::file_size(proc / "log/log.000000"));
  // A bundle made again by tar itself (other owners, modes, times) imports.
  fs::path again = root / "again.tar";
  auto c = run_process({"/bin/tar", "--format=ustar", "-cf", again.string(), "-C", x.string(),
                        "timecraft-bundle.json", "process.json", "module.wasm", "log/log.000000"});
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  auto imp = import(again);
  BOOST_TEST(imp.exit_code == 0, imp.err);
  BOOST_TEST(in_b({"replay", "-q", id}).exit_code == 42);
}

BOOST_AUTO_TEST_CASE(export_to_stdout_and_import_from_stdin) {
  auto out = tc({"export", "bundle", id, "-"});
  BOOST_TEST(out.exit_code == 0);
  BOOST_TEST(out.out == slurp(bundle));  // and the same bytes each time
  auto imp = in_b({"import", "-"}, bundle.string());
  BOOST_TEST(imp.exit_code == 0);
  BOOST_TEST(imp.out == "process " + id + " (imported)\nmodule sha256:" + digest + " (new)\n");
  BOOST_TEST(in_b({"replay", "-q", id}).exit_code == 42);
}

BOOST_AUTO_TEST_CASE(the_imported_module_is_not_marked_validated) {
  fs::path sidecar = fs::path("modules/sha256") / (digest + ".json");
  // The control: where it ran, the module carries this user's mark.
  BOOST_REQUIRE(json::parse(slurp(registry / sidecar)).contains("validated_by"));
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  auto mark = json::parse(slurp(other / sidecar));
  BOOST_TEST(!mark.contains("validated_by"));
  BOOST_TEST(mark["name"] == "everything.wasm");
  // Replay validates it, and can use it.
  BOOST_TEST(in_b({"replay", "-q", id}).exit_code == 42);
}

BOOST_AUTO_TEST_CASE(importing_twice_says_already_imported) {
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  auto again = import(bundle);
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.err == "");
  BOOST_TEST(again.out == "process " + id + " (already imported)\nmodule sha256:" + digest +
                              " (already present)\n");
  BOOST_TEST(in_b({"get", "ps", "-q"}).out == id + "\n");
  BOOST_TEST(process_dirs(other) == 1u);
  // Into the registry it came from, too.
  auto home = tc({"import", bundle.string()});
  BOOST_TEST(home.exit_code == 0);
  BOOST_TEST(contains(home.out, "(already imported)"));
}

BOOST_AUTO_TEST_CASE(another_process_under_the_same_id_is_not_replaced) {
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  fs::path meta = other / "processes" / id / "process.json";
  std::string changed = slurp(meta);
  changed.replace(changed.find("\"WHO=tester\""), 12, "\"WHO=someone\"");
  spit(meta, changed);
  auto r = import(bundle);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(contains(r.err, id + " is already in " + other.string() + ", with other contents"));
  BOOST_TEST(slurp(meta) == changed);
  BOOST_TEST(process_dirs(other) == 1u);
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_in_the_log_is_refused) {
  std::string tar = slurp(bundle);
  const auto& log = entry(tar_entries(tar), "log/log.000000");
  tar[log.data + log.size / 2] ^= 0x20;
  auto r = import(altered(tar));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(one_error_line(r), r.err);
  BOOST_TEST(r.err == "timecraft: error: " + (root / "altered.tar").string() +
                          ": log/log.000000: sha256 mismatch (the bundle is corrupt or was altered)\n");
  nothing_imported();
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_in_any_entry_or_header_is_refused) {
  std::string tar = slurp(bundle);
  auto es = tar_entries(tar);
  struct Flip {
    size_t at;
    std::string says;
  };
  std::vector<Flip> flips = {
      {entry(es, "process.json").data + 10, "process.json: sha256 mismatch"},
      {entry(es, "module.wasm").data + 1000, "module.wasm: sha256 mismatch"},
      {entry(es, "log/log.000000").data, "log/log.000000: sha256 mismatch"},
      {entry(es, "module.wasm").header + 3, "tar header checksum mismatch after process.json"},
      {entry(es, "timecraft-bundle.json").header + 130, "checksum mismatch at the start"},
      // (the module's size is fixed, and no multiple of 512)
      {entry(es, "module.wasm").data + entry(es, "module.wasm").size + 7,
       "the padding after module.wasm is not zeros"},
      {tar.size() - 1, "a zero block in the middle of the archive after log/log.000000"},
  };
  for (const auto& f : flips) {
    std::string t = tar;
    t[f.at] ^= 0x01;
    auto r = import(altered(t));
    BOOST_TEST(r.exit_code == 1, f.says);
    BOOST_TEST(one_error_line(r), r.err);
    BOOST_TEST(contains(r.err, f.says), r.err);
    nothing_imported();
  }
}

BOOST_AUTO_TEST_CASE(a_truncated_bundle_is_refused) {
  std::string tar = slurp(bundle);
  auto es = tar_entries(tar);
  const auto& log = entry(es, "log/log.000000");
  std::vector<size_t> cuts = {0, 100, 512 + 20, entry(es, "module.wasm").data + 4096,
                              log.header, log.data + log.size - 1, tar.size() - 1024,
                              tar.size() - 512, tar.size() - 1};
  for (size_t cut : cuts) {
    auto r = import(altered(tar.substr(0, cut)));
    BOOST_TEST(r.exit_code == 1, "cut at " << cut);
    BOOST_TEST(one_error_line(r), r.err);
    BOOST_TEST(contains(r.err, "truncated"), r.err);
    nothing_imported();
  }
  // Cut between entries: no end-of-archive marker; or with the marker
  // there, an entry of the manifest missing.
  std::string shown = "timecraft: error: " + (root / "altered.tar").string() + ": ";
  auto r = import(altered(tar.substr(0, log.header)));
  BOOST_TEST(r.err == shown + "truncated: no end-of-archive marker after module.wasm\n");
  r = import(altered(tar.substr(0, log.header) + std::string(1024, '\0')));
  BOOST_TEST(r.err == shown + "truncated: the archive ends before log/log.000000\n");
  nothing_imported();
}

BOOST_AUTO_TEST_CASE(entries_other_than_the_bundle_files_are_refused) {
  std::string tar = slurp(bundle);
  size_t h = entry(tar_entries(tar), "process.json").header;
  struct Edit {
    std::string name;
    char type;
    std::string says;
  };
  std::vector<Edit> edits = {
      {"../evil", '0', "entry \"../evil\": a path that leaves the bundle (refused)"},
      {"log/../../evil", '0', "entry \"log/../../evil\": a path that leaves the bundle"},
      {"/tmp/evil", '0', "entry \"/tmp/evil\": an absolute path (refused)"},
      {"process.json", '2', "entry \"process.json\": a symbolic link (a bundle holds only regular files)"},
      {"process.json", '1', "a hard link"},
      {"process.json", '3', "a character device"},
      {"process.json", '5', "a directory"},
      {"evil.json", '0', "unexpected entry \"evil.json\" (expected \"process.json\")"},
  };
  for (const auto& e : edits) {
    std::string t = tar;
    std::fill_n(t.begin() + long(h), 100, '\0');
    t.replace(h, e.name.size(), e.name);
    t[h + 156] = e.type;
    fix_checksum(t, h);
    auto r = import(altered(t));
    BOOST_TEST(r.exit_code == 1, e.says);
    BOOST_TEST(one_error_line(r), r.err);
    BOOST_TEST(contains(r.err, e.says), r.err);
    nothing_imported();
  }
  BOOST_TEST(!fs::exists(root / "evil"));
  BOOST_TEST(!fs::exists("/tmp/evil"));
  // An extra file appended by tar itself after the last one.
  fs::path extra = root / "extra.tar";
  fs::copy_file(bundle, extra);
  write("note.txt", "hello\n");
  auto a = run_process({"/bin/tar", "--format=ustar", "-rf", extra.string(), "-C", root.string(), "note.txt"});
  BOOST_REQUIRE_EQUAL(a.exit_code, 0);
  auto r = import(extra);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "timecraft: error: " + extra.string() +
                          ": unexpected entry \"note.txt\" after the last file of the manifest\n");
  nothing_imported();
}

BOOST_AUTO_TEST_CASE(a_manifest_that_does_not_match_is_refused) {
  std::string tar = slurp(bundle);
  const auto& m = entry(tar_entries(tar), "timecraft-bundle.json");
  std::string manifest = tar.substr(m.data, m.size);
  auto records = json::parse(manifest)["log"]["records"].get<uint64_t>();
  // Same-length edits: the entry's size in its header stays right.
  struct Edit {
    std::string from, to, says;
  };
  std::string n = std::to_string(records), n1 = std::to_string(records + 1);
  BOOST_REQUIRE_EQUAL(n.size(), n1.size());
  std::vector<Edit> edits = {
      {"\"records\": " + n, "\"records\": " + n1, "the log reads differently here: " + n + " records"},
      {"\"version\": 1", "\"version\": 7", "bundle format version 7 is newer than this timecraft supports (1)"},
      {"\"format\": \"timecraft-bundle\"", "\"format\": \"timecraft-bungle\"", "not a timecraft bundle"},
      {"\"name\": \"module.wasm\"", "\"name\": \"module.wasx\"", "file 1 is \"module.wasx\", expected \"module.wasm\""},
      {"\"id\": \"" + id.substr(0, 4), "\"id\": \"../" + id.substr(3, 1), "is not a UUID"},
  };
  for (const auto& e : edits) {
    std::string edited = manifest;
    size_t at = edited.find(e.from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, e.from);
    edited.replace(at, e.from.size(), e.to);
    BOOST_REQUIRE_EQUAL(edited.size(), manifest.size());
    std::string t = tar;
    t.replace(m.data, m.size, edited);
    auto r = import(altered(t));
    BOOST_TEST(r.exit_code == 1, e.says);
    BOOST_TEST(one_error_line(r), r.err);
    BOOST_TEST(contains(r.err, e.says), r.err);
    nothing_imported();
  }
}

BOOST_AUTO_TEST_CASE(a_log_cut_short_travels_as_it_is) {
  // A run whose last batch is torn (a crash): the bundle carries the log as
  // stored, and it reads the same (torn) on the other side.
  fs::path log = registry / "processes" / id / "log/log.000000";
  fs::resize_file(log, fs::file_size(log) - 30);
  auto a = tc({"trace", id});
  BOOST_REQUIRE_EQUAL(a.exit_code, 1);
  BOOST_REQUIRE(contains(a.err, "the log ends early"));
  BOOST_REQUIRE_EQUAL(tc({"export", "bundle", id, bundle.string()}).exit_code, 0);
  auto m = json::parse(run_process({"/bin/tar", "xOf", bundle.string(), "timecraft-bundle.json"}).out);
  BOOST_TEST(m["log"]["torn"].is_string());
  BOOST_REQUIRE_EQUAL(import(bundle).exit_code, 0);
  auto b = in_b({"trace", id});
  BOOST_TEST(b.exit_code == 1);
  BOOST_TEST(b.out == a.out);
  BOOST_TEST(b.err == a.err);
}

BOOST_AUTO_TEST_CASE(bad_arguments_and_missing_things_are_one_line) {
  auto none = tc({"export", "bundle", "ffffffff", (root / "x.tar").string()});
  BOOST_TEST(none.exit_code == 1);
  BOOST_TEST(one_error_line(none), none.err);
  BOOST_TEST(!fs::exists(root / "x.tar"));
  // A write error (ENOSPC) is reported.
  auto full = tc({"export", "bundle", id, "/dev/full"});
  BOOST_TEST(full.exit_code == 1);
  BOOST_TEST(full.err == "timecraft: error: cannot write /dev/full: No space left on device\n");
  auto missing = in_b({"import", (root / "nope.tar").string()});
  BOOST_TEST(missing.exit_code == 1);
  BOOST_TEST(missing.err == "timecraft: error: cannot open " + (root / "nope.tar").string() +
                                ": No such file or directory\n");
  auto not_tar = import(write("not.tar", std::string(2000, 'x')));
  BOOST_TEST(not_tar.exit_code == 1);
  BOOST_TEST(contains(not_tar.err, "not a POSIX tar header at the start"), not_tar.err);
  BOOST_TEST(tc({"import"}).exit_code == 2);
  auto help = tc({"help", "import"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.rfind("Usage: timecraft import [--registry DIR] FILE|-\n", 0) == 0);
  BOOST_TEST(contains(tc({"help"}).out, "\n  import    "));
  BOOST_TEST(contains(tc({"help", "export"}).out, "export module|process|log|profile|bundle ID FILE|-"));
}

BOOST_AUTO_TEST_SUITE_END()
