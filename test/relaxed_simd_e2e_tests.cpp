// Relaxed SIMD through the real CLI: a program whose relaxed results tell
// the possible choices apart prints the engine's documented choice
// (interp/relaxed_simd.hpp) on every run, the choice is recorded in
// process.json and shown by describe, the run replays identically, and a
// log recorded with another choice is refused with a one-line error.
#define BOOST_TEST_MODULE relaxed_simd_e2e_tests
#include <boost/test/unit_test.hpp>

#include "test/cli_fixture.hpp"

using namespace tc::test;

namespace {

// Writes each result's 16 bytes to stdout. The inputs are the ones where
// the allowed results differ: a product that rounds (fused or not),
// -128 * -128 byte pairs (signed or unsigned, saturated or not), swizzle
// and truncation out of range, min/max of zeros of both signs.
const char* kWat = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (v128.store (i32.const 64) (f32x4.relaxed_madd
      (v128.const i32x4 0x3f800001 0x3f800001 0x3f800001 0x3f800001)
      (v128.const i32x4 0x3f800001 0x3f800001 0x3f800001 0x3f800001)
      (v128.const i32x4 0xbf800002 0xbf800002 0xbf800002 0xbf800002)))
    (v128.store (i32.const 80) (f32x4.relaxed_nmadd
      (v128.const i32x4 0x3f800001 0x3f800001 0x3f800001 0x3f800001)
      (v128.const i32x4 0x3f800001 0x3f800001 0x3f800001 0x3f800001)
      (v128.const i32x4 0x3f800002 0x3f800002 0x3f800002 0x3f800002)))
    (v128.store (i32.const 96) (i16x8.relaxed_dot_i8x16_i7x16_s
      (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128)
      (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 1 2 3 4)))
    (v128.store (i32.const 112) (i32x4.relaxed_dot_i8x16_i7x16_add_s
      (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128)
      (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128)
      (v128.const i32x4 1 2 3 4)))
    (v128.store (i32.const 128) (i8x16.relaxed_swizzle
      (v128.const i8x16 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)
      (v128.const i8x16 16 128 255 3 0 1 2 3 4 5 6 7 8 9 10 11)))
    (v128.store (i32.const 144) (i32x4.relaxed_trunc_f32x4_s
      (v128.const f32x4 nan 1e10 -1e10 -1.5)))
    (v128.store (i32.const 160) (f32x4.relaxed_min
      (v128.const f32x4 -0 0 -0 0) (v128.const f32x4 0 -0 -0 0)))
    (v128.store (i32.const 176) (f64x2.relaxed_max
      (v128.const f64x2 -0 0) (v128.const f64x2 0 -0)))
    (v128.store (i32.const 192) (i16x8.relaxed_q15mulr_s
      (v128.const i16x8 -32768 -32768 16384 0 0 0 0 0) (v128.const i16x8 -32768 16384 16384 0 0 0 0 0)))
    (v128.store (i32.const 208) (i32x4.relaxed_laneselect
      (v128.const i32x4 -1 -1 -1 -1) (v128.const i32x4 0 0 0 0)
      (v128.const i32x4 0x0000ffff 0x80000000 0x7fffffff 0)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 160))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
))";

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i && i % 16 == 0) s += '\n';
    s += d[uint8_t(bytes[i]) >> 4];
    s += d[uint8_t(bytes[i]) & 15];
  }
  return s;
}

// The results of interp/relaxed_simd.hpp's choices, lanes little-endian.
const char* kExpected =
    "00000000000000000000000000000000\n"  // madd unfused: (1+2^-22) - (1+2^-22); fused: 2^-46
    "00000000000000000000000000000000\n"  // nmadd unfused; fused: -2^-46
    "ff7fff7fff7fff7fff7fff7f80fe80fc\n"  // signed bytes, 32768 saturated; -384, -896
    "ffff0000000001000100010002000100\n"  // 32767 + 32767 + c
    "0000000d0a0b0c0d0e0f101112131415\n"  // indices 16, 128, 255 give 0
    "00000000ffffff7f00000080ffffffff\n"  // NaN 0, saturated, -1
    "00000080000000800000008000000000\n"  // min(-0, 0) = min(0, -0) = -0
    "00000000000000000000000000000000\n"  // max(-0, 0) = max(0, -0) = 0
    "ff7f00c0002000000000000000000000\n"  // saturated, rounded
    "ffff000000000080ffffff7f00000000";   // bit by bit: the mask itself

}  // namespace

BOOST_FIXTURE_TEST_SUITE(relaxed_simd, CliFixture)

BOOST_AUTO_TEST_CASE(the_choice_is_recorded_shown_and_replayed) {
  auto wat = write("relaxed.wat", kWat);
  auto run = tc({"run", wat.string()});
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  std::string id = take_id(run.err);
  BOOST_TEST(hex(run.out) == kExpected);
  // Another run (a fresh engine) prints the same.
  BOOST_TEST(tc({"run", "--no-record", wat.string()}).out == run.out);

  std::string meta = slurp(process_json(id));
  BOOST_TEST(contains(meta, "\"relaxed_simd\": \"deterministic-v1\""), meta);
  auto d = tc({"describe", "process", id});
  BOOST_TEST(d.exit_code == 0, d.err);
  BOOST_TEST(contains(d.out, "; relaxed SIMD deterministic-v1\n"), d.out);
  auto dj = tc({"describe", "process", id, "-o", "json"});
  BOOST_TEST(contains(dj.out, "\"relaxed_simd\": \"deterministic-v1\""), dj.out);

  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  BOOST_TEST(rep.out == run.out);
}

BOOST_AUTO_TEST_CASE(a_log_of_another_choice_is_refused) {
  auto wat = write("relaxed.wat", kWat);
  auto run = tc({"run", wat.string()});
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  std::string id = take_id(run.err);
  std::string meta = slurp(process_json(id));
  const std::string field = "\"relaxed_simd\": \"deterministic-v1\"";
  auto at = meta.find(field);
  BOOST_REQUIRE(at != std::string::npos);
  spit(process_json(id), std::string(meta).replace(at, field.size(), "\"relaxed_simd\": \"fma-v9\""));
  auto rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 1);
  BOOST_TEST(one_error_line(rep), rep.err);
  BOOST_TEST(contains(rep.err, "recorded with relaxed SIMD semantics \"fma-v9\", this build has "
                               "\"deterministic-v1\""),
             rep.err);
  BOOST_TEST(rep.out.empty());
  // Logs from before relaxed SIMD (no field) replay as before.
  spit(process_json(id), std::string(meta).replace(at, field.size(), "\"relaxed_simd\": \"\""));
  rep = tc({"replay", id});
  BOOST_TEST(rep.exit_code == 0, rep.err);
  BOOST_TEST(rep.out == run.out);
  // And with the field back, it replays.
  spit(process_json(id), meta);
  BOOST_TEST(tc({"replay", id}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
