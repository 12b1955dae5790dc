// The registry: content addressing, id prefixes, atomic concurrent writes,
// config sizes, rewriting metadata on a full disk.
#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "registry/atomic_file.hpp"
#include "registry/config.hpp"
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
  auto full = r->resolve(ObjectKind::Process, ids[3]);
  BOOST_REQUIRE(full.has_value());
  BOOST_TEST(*full == ids[3]);
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
