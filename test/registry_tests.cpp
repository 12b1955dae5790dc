// The registry: content addressing, id prefixes, atomic concurrent writes,
// config sizes, rewriting metadata on a full disk.
#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "registry/atomic_file.hpp"
#include "registry/config.hpp"
#include "registry/process_meta.hpp"
#include "registry/registry.hpp"
#include "registry/sha256.hpp"
#include "registry/spare_room.hpp"
#include "test/tiny_disk.hpp"

using namespace tc::registry;
namespace fs = std::filesystem;

namespace {
struct TempRoot {
  std::string path = (fs::temp_directory_path() /
                      ("tc_registry_test_" + std::to_string(std::random_device{}()))).string();
  ~TempRoot() { std::error_code ec; fs::remove_all(path, ec); }
};
std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

ProcessMeta sample_meta(const std::string& id) {
  ProcessMeta m;
  m.id = id;
  m.start_unix_ns = 1700000000000000000;
  m.module_digest = std::string(64, 'a');
  m.max_call_depth = 500;
  m.max_memory_pages = 16;
  m.status = "exited";
  m.exit_code = 3;
  return m;
}

// `text` with the first occurrence of `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// The error process_meta_from_json gives for `text` ("" if it parses).
std::string meta_error(const std::string& text) {
  auto m = process_meta_from_json(text);
  return m ? "" : m.error().message;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sha256_known_vector) {
  BOOST_TEST(sha256_hex(bytes_of("abc")) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(modules_are_stored_once) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  auto a = r->put_module(bytes_of("module one"), "one.wasm");
  auto b = r->put_module(bytes_of("module one"), "one.wasm");
  auto c = r->put_module(bytes_of("module two"), "two.wasm");
  BOOST_REQUIRE(a && b && c);
  BOOST_TEST(*a == *b);
  BOOST_TEST(*a != *c);
  auto list = r->list_modules();
  BOOST_REQUIRE(list.has_value());
  BOOST_TEST(list->size() == 2u);
  auto back = r->read_module(*c);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(std::string(back->begin(), back->end()) == "module two");
}

BOOST_AUTO_TEST_CASE(corrupt_module_is_detected) {
  TempRoot t;
  auto r = Registry::open(t.path);
  auto d = r->put_module(bytes_of("payload"), "p");
  std::ofstream(t.path + "/modules/sha256/" + *d, std::ios::trunc) << "tampered";
  auto back = r->read_module(*d);
  BOOST_REQUIRE(!back.has_value());
  BOOST_TEST(back.error().message.find("corrupt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(validated_by_names_one_engine_build) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  r->use_validation_key(ValidationKey(std::array<uint8_t, 32>{1, 2, 3}));
  auto d = r->put_module(bytes_of("module"), "m.wasm");  // no build named
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(!r->validated_by(*d, "b1"));
  BOOST_TEST(!r->validated_by(*d, ""));
  BOOST_REQUIRE(r->put_module(bytes_of("module"), "m.wasm", "b1", *d).has_value());
  BOOST_TEST(r->validated_by(*d, "b1"));
  BOOST_TEST(!r->validated_by(*d, "b2"));
  BOOST_TEST(!r->validated_by(*d, ""));  // "" is never a build
  BOOST_REQUIRE(r->put_module(bytes_of("module"), "m.wasm", "b2").has_value());
  BOOST_TEST(r->validated_by(*d, "b2"));
  BOOST_TEST(!r->validated_by(*d, "b1"));
  BOOST_TEST(!r->validated_by(std::string(64, '0'), "b2"));  // no such module
  BOOST_TEST(!r->validated_by("../x", "b2"));
  // A sidecar that is not what we wrote is not trusted, and is replaced.
  for (const char* bad : {"{\"validated_by\": 7}", "[1, 2]", "not json", ""}) {
    std::ofstream(t.path + "/modules/sha256/" + *d + ".json", std::ios::trunc) << bad;
    BOOST_TEST(!r->validated_by(*d, "b2"), bad);
    BOOST_REQUIRE(r->put_module(bytes_of("module"), "m.wasm", "b2").has_value());
    BOOST_TEST(r->validated_by(*d, "b2"), bad);
  }
  // The module file itself gone: nothing is trusted.
  fs::remove(t.path + "/modules/sha256/" + *d);
  BOOST_TEST(!r->validated_by(*d, "b2"));
}

BOOST_AUTO_TEST_CASE(prefix_resolution) {
  TempRoot t;
  auto r = Registry::open(t.path);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    ids.push_back(Registry::new_process_id());
    BOOST_REQUIRE(r->create_process(ids.back()).has_value());
  }
  // An import's staging directory next to a process is no process.
  fs::create_directories(t.path + "/processes/" + ids[3] + ".importing-1/log");
  std::ofstream(t.path + "/processes/" + ids[3] + ".importing-1/log/log.000000") << "x";
  auto full = r->resolve(ObjectKind::Process, ids[3]);
  BOOST_REQUIRE(full.has_value());
  BOOST_TEST(*full == ids[3]);
  auto upper = ids[4].substr(0, 13);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  auto by_upper = r->resolve(ObjectKind::Process, upper);
  BOOST_REQUIRE(by_upper.has_value());
  BOOST_TEST(*by_upper == ids[4]);
  // A prefix shared by several ids is ambiguous and lists them.
  std::string one_char = ids[0].substr(0, 1);
  size_t sharing = 0;
  for (auto& id : ids) sharing += id.rfind(one_char, 0) == 0;
  auto amb = r->resolve(ObjectKind::Process, one_char);
  if (sharing > 1) {
    BOOST_REQUIRE(!amb.has_value());
    BOOST_TEST(amb.error().message.find("ambiguous") != std::string::npos);
  }
  auto none = r->resolve(ObjectKind::Process, "zzzz");
  BOOST_REQUIRE(!none.has_value());
  BOOST_TEST(none.error().message.find("no process matches") != std::string::npos);
  BOOST_TEST(!r->create_process(ids[0]).has_value());  // ids are never reused
}

BOOST_AUTO_TEST_CASE(concurrent_writers_never_corrupt) {
  TempRoot t;
  auto r = Registry::open(t.path);
  std::string big(1 << 20, 'x');
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto reg = Registry::open(t.path);
      for (int k = 0; k < 10; ++k) (void)reg->put_module(bytes_of(big), "big");
    });
  for (int k = 0; k < 20; ++k) {
    auto mods = r->list_modules();  // readers during writes
    BOOST_REQUIRE(mods.has_value());
  }
  for (auto& th : threads) th.join();
  auto list = r->list_modules();
  BOOST_REQUIRE(list->size() == 1u);
  BOOST_TEST(r->read_module(list->front().digest).has_value());
  size_t leftovers = 0;
  for (auto& e : fs::directory_iterator(t.path + "/modules/sha256"))
    leftovers += e.path().string().find(".tmp.") != std::string::npos;
  BOOST_TEST(leftovers == 0u);
}

BOOST_AUTO_TEST_CASE(process_meta_round_trips) {
  ProcessMeta m = sample_meta("p1");
  m.runtime_build = "b1d";
  m.arch = "x86_64";
  m.cpu_features = {"ssse3", "sse4.1"};
  m.capped_memories = {0, 2};
  m.invoke = "fac";
  m.invoke_args = {"20"};
  m.dirs = {{"/h", "/g"}};
  m.segment_bytes = uint64_t(1) << 40;
  auto back = process_meta_from_json(to_json(m));
  BOOST_REQUIRE_MESSAGE(back.has_value(), (back ? "" : back.error().message));
  BOOST_TEST(to_json(*back) == to_json(m));
  BOOST_TEST(back->max_call_depth == 500u);
  BOOST_TEST(back->capped_memories.size() == 2u);
  BOOST_TEST(back->cpu_features.size() == 2u);
  BOOST_TEST(*back->invoke == "fac");
}

BOOST_AUTO_TEST_CASE(process_meta_without_newer_fields_still_loads) {
  // As written before runtime.build, platform and limits.capped_memories.
  std::string old = R"({"id": "p", "start_unix_ns": 5, "end_unix_ns": 6,
    "runtime": {"name": "timecraft", "version": "0.1.0"},
    "module": {"digest": "d", "name": "m.wasm", "size": 10},
    "args": ["m.wasm"], "env": [], "dirs": [], "listen": [], "invoke": null, "invoke_args": [],
    "limits": {"max_call_depth": 10000, "max_memory_pages": 65536},
    "log": {"batch_records": 4096, "segment_bytes": 67108864, "codec": "zlib", "error": ""},
    "exit": {"status": "exited", "code": 0, "message": ""}})";
  auto m = process_meta_from_json(old);
  BOOST_REQUIRE_MESSAGE(m.has_value(), (m ? "" : m.error().message));
  BOOST_TEST(m->runtime_build.empty());
  BOOST_TEST(m->arch.empty());
  BOOST_TEST(m->capped_memories.empty());
  BOOST_TEST(m->max_call_depth == 10000u);
}

BOOST_AUTO_TEST_CASE(process_meta_rejects_wrong_types_and_ranges) {
  for (const char* text : {"[]", "42", "\"text\"", "null", "true"})
    BOOST_TEST(meta_error(text) == "not a JSON object", text);
  BOOST_TEST(meta_error("{") == "not valid JSON");
  BOOST_TEST(meta_error("{}") == "field \"id\" is missing");
  std::string good = to_json(sample_meta("p1"));
  BOOST_REQUIRE(meta_error(good).empty());
  struct Case { const char* from; const char* to; const char* error; };
  const Case cases[] = {
      {"\"max_call_depth\": 500", "\"max_call_depth\": 1099511627776",
       "field \"limits.max_call_depth\" is out of range: 1099511627776 (0..4294967295)"},
      {"\"max_call_depth\": 500", "\"max_call_depth\": -1",
       "field \"limits.max_call_depth\" is out of range: -1 (0..4294967295)"},
      {"\"max_call_depth\": 500", "\"max_call_depth\": 1.5", "field \"limits.max_call_depth\" is not an integer"},
      {"\"max_call_depth\": 500", "\"max_call_depth\": \"500\"", "field \"limits.max_call_depth\" is not an integer"},
      {"\"max_memory_pages\": 16", "\"max_memory_pages\": 4294967296",
       "field \"limits.max_memory_pages\" is out of range: 4294967296 (0..4294967295)"},
      {"\"code\": 3", "\"code\": 2147483648", "field \"exit.code\" is out of range: 2147483648 (-2147483648..2147483647)"},
      {"\"start_unix_ns\": 1700000000000000000", "\"start_unix_ns\": 18446744073709551615",
       "field \"start_unix_ns\" is out of range: 18446744073709551615 (-9223372036854775808..9223372036854775807)"},
      {"\"id\": \"p1\"", "\"id\": 5", "field \"id\" is not a string"},
      {"\"name\": \"timecraft\"", "\"name\": []", "field \"runtime.name\" is not a string"},
      {"\"limits\": {", "\"limits\": 7, \"x\": {", "field \"limits\" is not an object"},
      {"\"args\": []", "\"args\": [\"a\", 1]", "field \"args[1]\" is not a string"},
      {"\"env\": []", "\"env\": {}", "field \"env\" is not an array"},
      {"\"dirs\": []", "\"dirs\": [{\"host\": 1}]", "field \"dirs[0].host\" is not a string"},
      {"\"dirs\": []", "\"dirs\": [3]", "field \"dirs[0]\" is not an object"},
      {"\"invoke\": null", "\"invoke\": 1", "field \"invoke\" is not a string or null"},
      {"\"capped_memories\": []", "\"capped_memories\": [-1]",
       "field \"limits.capped_memories[0]\" is out of range: -1 (0..4294967295)"},
      {"\"digest\": \"", "\"digestx\": \"", "field \"module.digest\" is missing"},
  };
  for (const auto& c : cases) BOOST_TEST(meta_error(edited(good, c.from, c.to)) == c.error, c.to);
}

BOOST_AUTO_TEST_CASE(one_broken_process_json_breaks_only_itself) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string good = Registry::new_process_id(), bad = Registry::new_process_id();
  for (const auto& id : {good, bad}) {
    BOOST_REQUIRE(r->create_process(id).has_value());
    BOOST_REQUIRE(r->write_process_meta(id, to_json(sample_meta(id))).has_value());
  }
  for (const char* text : {"[]", "42", "{\"id\": 5}", "not json"}) {
    std::ofstream(r->process_dir(bad) + "/process.json", std::ios::trunc) << text;
    auto list = r->list_processes();
    BOOST_REQUIRE(list.has_value());
    BOOST_REQUIRE(list->size() == 2u);
    for (const auto& p : *list) {
      BOOST_TEST((p.id == good) == p.broken.empty(), text);
      BOOST_TEST((p.id == bad) == !p.broken.empty(), text);
    }
    BOOST_TEST(r->resolve(ObjectKind::Process, good).has_value());
    BOOST_TEST(r->resolve(ObjectKind::Process, bad).has_value());
    auto ok = r->load_process_meta(good);
    BOOST_REQUIRE(ok.has_value());
    BOOST_TEST(ok->exit_code == 3);
    auto broken = r->load_process_meta(bad);
    BOOST_REQUIRE(!broken.has_value());
    BOOST_TEST(broken.error().message.find(r->process_dir(bad) + "/process.json: ") == 0u,
               broken.error().message);
  }
}

BOOST_AUTO_TEST_CASE(one_broken_module_sidecar_breaks_only_itself) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  auto good = r->put_module(bytes_of("good module"), "good.wasm");
  auto bad = r->put_module(bytes_of("bad module"), "bad.wasm");
  BOOST_REQUIRE(good && bad);
  std::string sidecar = t.path + "/modules/sha256/" + *bad + ".json";
  for (const char* text : {"{\"name\": 5, \"created\": \"x\"}", "{\"created\": \"x\"}",
                           "{\"size\": -4}", "[]", "7", "{"}) {
    std::ofstream(sidecar, std::ios::trunc) << text;
    auto list = r->list_modules();
    BOOST_REQUIRE(list.has_value());
    BOOST_REQUIRE(list->size() == 2u);
    for (const auto& m : *list) {
      BOOST_TEST((m.digest == *bad) == !m.broken.empty(), text);
      if (m.digest == *good) BOOST_TEST(m.name == "good.wasm");
    }
    BOOST_TEST(r->resolve(ObjectKind::Module, *good).has_value());
    BOOST_TEST(r->resolve(ObjectKind::Module, *bad).has_value());
    BOOST_TEST(r->module_entry(*good).has_value());
    auto e = r->module_entry(*bad);
    BOOST_REQUIRE(!e.has_value());
    BOOST_TEST(e.error().message.find(sidecar + ": ") == 0u, e.error().message);
    BOOST_TEST(r->read_module(*bad).has_value());  // the bytes are fine
    // Storing the module again repairs the sidecar.
    BOOST_REQUIRE(r->put_module(bytes_of("bad module"), "bad.wasm").has_value());
    auto fixed = r->module_entry(*bad);
    BOOST_REQUIRE(fixed.has_value());
    BOOST_TEST(fixed->name == "bad.wasm");
    BOOST_TEST(fixed->created_unix_ns > 0);
  }
}

BOOST_AUTO_TEST_CASE(sizes_parse_without_wrapping) {
  uint64_t v = 0;
  BOOST_TEST((parse_size("64MiB", v) && v == 64ull << 20));
  BOOST_TEST((parse_size("1TiB", v) && v == 1ull << 40));
  BOOST_TEST((parse_size("4096", v) && v == 4096));
  BOOST_TEST((parse_size("18446744073709551615", v) == false));  // 20 digits
  BOOST_TEST((parse_size("9999999999999999999", v) && v == 9999999999999999999ull));
  BOOST_TEST(!parse_size("-1", v));
  BOOST_TEST(!parse_size("+1", v));
  BOOST_TEST(!parse_size("17179869184GiB", v));  // 2^64: wrapped to 0 before
  BOOST_TEST(!parse_size("16777216TiB", v));
  BOOST_TEST(!parse_size("1 PiB", v));
  BOOST_TEST(!parse_size("", v));
  BOOST_TEST(format_size(64ull << 20) == "64MiB");
  BOOST_TEST(format_size(1ull << 30) == "1GiB");
  BOOST_TEST(format_size(4097) == "4097");
  BOOST_TEST(format_size(0) == "0");
}

BOOST_AUTO_TEST_CASE(config_checks_every_size) {
  BOOST_TEST(parse_config("log:\n  segment-size: 17179869185GiB\n").has_value() == false);
  BOOST_TEST(parse_config("log:\n  segment-size: -1\n").has_value() == false);
  BOOST_TEST(parse_config("log:\n  batch-size: -1\n").has_value() == false);
  BOOST_TEST(parse_config("module:\n  max-size: 0\n").has_value() == false);
  auto c = parse_config("module:\n  max-size: 2GiB\n");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->module_max_bytes == 2ull << 30);
  BOOST_TEST(config_to_yaml(*c).find("module:\n  max-size: 2GiB\n") != std::string::npos);
  BOOST_TEST(parse_config(config_to_yaml(*c)).has_value());  // the output reads back
}

BOOST_AUTO_TEST_CASE(config_reads_and_shows_the_remote_registry) {
  auto c = parse_config("registry:\n  root: /r\n  remote: s3://runs/team-a\n"
                        "  endpoint: http://127.0.0.1:7480\n  region: eu-west-3\n");
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? std::string() : c.error().message));
  BOOST_TEST(c->remote == "s3://runs/team-a");
  BOOST_TEST(c->endpoint == "http://127.0.0.1:7480");
  BOOST_TEST(c->region == "eu-west-3");
  BOOST_TEST(config_to_yaml(*c).find("registry:\n  root: /r\n  remote: s3://runs/team-a\n"
                                     "  endpoint: http://127.0.0.1:7480\n  region: eu-west-3\n") == 0u,
             config_to_yaml(*c));
  auto back = parse_config(config_to_yaml(*c));  // the output reads back
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->remote == c->remote);
  BOOST_TEST(parse_config("registry:\n  remote: runs/team-a\n").error().message ==
             "registry.remote must be an s3://bucket[/prefix] URL");
  BOOST_TEST(parse_config("registry:\n  endpoint: 127.0.0.1:7480\n").error().message ==
             "registry.endpoint must be an http:// or https:// URL");
  BOOST_TEST(!parse_config("registry:\n  region:\n").has_value());
  // No remote: the section shows only the root, as before.
  BOOST_TEST(config_to_yaml(Config{}).find("registry:\n  root: ~/.timecraft\nlog:") == 0u);
}

BOOST_AUTO_TEST_CASE(config_reads_and_shows_segment_seconds) {
  BOOST_TEST(Config{}.segment_seconds == 10u);  // the default
  auto c = parse_config("registry:\n  remote: s3://runs/a\nlog:\n  segment-seconds: 3\n");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->segment_seconds == 3u);
  BOOST_TEST(config_to_yaml(*c).find("\n  segment-seconds: 3\n") != std::string::npos, config_to_yaml(*c));
  auto back = parse_config(config_to_yaml(*c));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->segment_seconds == 3u);
  auto off = parse_config("log:\n  segment-seconds: 0\n");
  BOOST_REQUIRE(off.has_value());
  BOOST_TEST(off->segment_seconds == 0u);
  // Shown only with a remote, where it applies.
  BOOST_TEST(config_to_yaml(*off).find("segment-seconds") == std::string::npos);
  for (const char* bad : {"-1", "86401", "10s", "1k", ""})
    BOOST_TEST(parse_config(std::string("log:\n  segment-seconds: ") + bad + "\n").error().message ==
                   "log.segment-seconds must be 0..86400",
               bad);
}

BOOST_AUTO_TEST_CASE(a_full_disk_still_rewrites_a_reserved_file,
                     *boost::unit_test::precondition(tc::test::can_mount_tmpfs)) {
  TempRoot t;
  tc::test::TinyDisk disk(fs::path(t.path) / "disk", "256k");
  BOOST_REQUIRE_MESSAGE(disk.mounted, disk.error);
  std::string file = (disk.dir / "process.json").string();
  BOOST_REQUIRE(write_file_atomic(file, std::string(1000, 'a')).has_value());
  BOOST_REQUIRE(reserve_file_space(file, 16384).has_value());
  {  // fill the disk
    std::ofstream fill(disk.dir / "fill", std::ios::binary);
    std::string chunk(4096, 'z');
    for (int i = 0; i < 1000 && fill.write(chunk.data(), long(chunk.size())); ++i) {}
  }
  std::string longer(6000, 'b');
  BOOST_TEST(!write_file_atomic(file, longer).has_value());  // no room for a temporary file
  BOOST_TEST(overwrite_file_in_place(file, longer).has_value());
  auto got = read_file(file);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(std::string(got->begin(), got->end()) == longer);
  // Shorter: padded with spaces to the old length, never the old tail.
  BOOST_TEST(overwrite_file_in_place(file, "{}\n").has_value());
  got = read_file(file);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(std::string(got->begin(), got->end()) == "{}\n" + std::string(6000 - 3, ' '));
  // Not a file to rewrite: an error, not a crash.
  BOOST_TEST(!overwrite_file_in_place((disk.dir / "missing").string(), "x").has_value());
  BOOST_TEST(!overwrite_file_in_place(disk.dir.string(), "x").has_value());
}

// A module-sized file takes the O_DIRECT path (whole 4 KB blocks through an
// aligned buffer, the tail buffered): the bytes must come back exactly, from
// an unaligned source and an odd size; a second write replaces it whole.
BOOST_AUTO_TEST_CASE(a_big_file_is_written_exactly) {
  TempRoot t;
  fs::create_directories(t.path);
  std::vector<uint8_t> data((size_t(9) << 20) + 4096 + 123 + 1);
  std::mt19937 rng(7);
  for (auto& b : data) b = uint8_t(rng());
  std::span<const uint8_t> odd(data.data() + 1, data.size() - 1);  // not aligned
  std::string file = t.path + "/module";
  BOOST_REQUIRE(write_file_atomic(file, odd).has_value());
  auto got = read_file(file);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->size() == odd.size());
  BOOST_TEST(std::equal(got->begin(), got->end(), odd.begin(), odd.end()));
  std::span<const uint8_t> shorter(data.data() + 5, (size_t(8) << 20) + 7);
  BOOST_REQUIRE(write_file_atomic(file, shorter).has_value());
  got = read_file(file);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(std::equal(got->begin(), got->end(), shorter.begin(), shorter.end()));
}

// No room for a big file: an error naming the temporary file, the old file
// intact, no temporary file left behind.
BOOST_AUTO_TEST_CASE(a_big_file_on_a_full_disk_fails_cleanly,
                     *boost::unit_test::precondition(tc::test::can_mount_tmpfs)) {
  TempRoot t;
  tc::test::TinyDisk disk(fs::path(t.path) / "disk", "4m");
  BOOST_REQUIRE_MESSAGE(disk.mounted, disk.error);
  std::string file = (disk.dir / "module").string();
  BOOST_REQUIRE(write_file_atomic(file, std::string(100, 'a')).has_value());
  std::vector<uint8_t> big(size_t(9) << 20, 0x5a);
  auto r = write_file_atomic(file, big);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message.find("cannot write " + file + ".tmp.") == 0, r.error().message);
  auto got = read_file(file);
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(std::string(got->begin(), got->end()) == std::string(100, 'a'));
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(disk.dir)) ++entries;
  BOOST_TEST(entries == 1u);
}
