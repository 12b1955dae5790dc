// Unit tests for fixed-width SIMD (v128): lane helpers against per-lane
// reference arithmetic, the optional x86 fast paths against the portable
// code, wasm-specific float rules, and v128 through the whole pipeline
// (text -> binary -> validation -> compiler -> interpreter).
#define BOOST_TEST_MODULE simd_tests
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "interp/engine.hpp"
#include "interp/exec/simd_ops.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;
using simd::V;

namespace {

template <class T, size_t N = 16 / sizeof(T)>
std::array<T, N> lanes(V v) {
  std::array<T, N> a;
  std::memcpy(a.data(), &v, 16);
  return a;
}
template <class T>
V make(std::initializer_list<T> xs) {
  T a[16 / sizeof(T)] = {};
  size_t i = 0;
  for (T x : xs) a[i++] = x;
  V v;
  std::memcpy(&v, a, 16);
  return v;
}
uint32_t fbits(float f) { return std::bit_cast<uint32_t>(f); }
bool same(V a, V b) { return a[0] == b[0] && a[1] == b[1]; }

// Random vectors biased towards edge values of every lane width.
V random_vec(std::mt19937_64& rng) {
  V v = {rng(), rng()};
  switch (rng() % 4) {
    case 0: v = (V)((simd::u8x16)v & 0x81); break;
    case 1: v = (V)((simd::u16x8)v | 0x7ff0); break;
    case 2: v = (V)((simd::u32x4)v & 0xff80ffffu); break;  // NaNs, infinities, halves
    default: break;
  }
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(saturating_and_averaging_match_lane_reference) {
  std::mt19937_64 rng(7);
  for (int it = 0; it < 20000; ++it) {
    V a = random_vec(rng), b = random_vec(rng);
    auto sa = lanes<int8_t>(a), sb = lanes<int8_t>(b);
    auto ua = lanes<uint8_t>(a), ub = lanes<uint8_t>(b);
    auto adds = lanes<int8_t>(simd::I8x16AddSatS(a, b));
    auto subu = lanes<uint8_t>(simd::I8x16SubSatU(a, b));
    auto avg = lanes<uint8_t>(simd::I8x16AvgrU(a, b));
    for (int i = 0; i < 16; ++i) {
      BOOST_REQUIRE_EQUAL(int(adds[i]), std::clamp(int(sa[i]) + sb[i], -128, 127));
      BOOST_REQUIRE_EQUAL(int(subu[i]), std::max(int(ua[i]) - ub[i], 0));
      BOOST_REQUIRE_EQUAL(int(avg[i]), (int(ua[i]) + ub[i] + 1) / 2);
    }
    auto wa = lanes<int16_t>(a), wb = lanes<int16_t>(b);
    auto dot = lanes<int32_t>(simd::I32x4DotI16x8S(a, b));
    auto nar = lanes<uint8_t>(simd::I8x16NarrowI16x8U(a, b));
    for (int i = 0; i < 4; ++i)
      BOOST_REQUIRE_EQUAL(uint32_t(dot[i]), uint32_t(wa[2 * i] * wb[2 * i]) + uint32_t(wa[2 * i + 1] * wb[2 * i + 1]));
    for (int i = 0; i < 16; ++i) {
      int16_t x = i < 8 ? wa[i] : wb[i - 8];
      BOOST_REQUIRE_EQUAL(int(nar[i]), std::clamp(int(x), 0, 255));
    }
    BOOST_REQUIRE_EQUAL(simd::I8x16Bitmask(a), [&] {
      uint32_t m = 0;
      for (int i = 0; i < 16; ++i) m |= uint32_t(sa[i] < 0) << i;
      return m;
    }());
  }
}

BOOST_AUTO_TEST_CASE(fast_paths_equal_portable_code) {
  std::mt19937_64 rng(11);
  for (int it = 0; it < 20000; ++it) {
    V a = random_vec(rng), b = random_vec(rng), l = {rng(), rng()};
    uint8_t sel[16];
    for (int i = 0; i < 16; ++i) sel[i] = uint8_t(l[i / 8] >> (8 * (i % 8))) & 31;
    BOOST_REQUIRE(same(simd::I8x16Shuffle(a, b, sel), simd::shuffle_portable(a, b, sel)));
    V idx = (V)((simd::u8x16)l & 0x1f);  // indices 0..31: half of them out of range
    BOOST_REQUIRE(same(simd::I8x16Swizzle(a, idx), simd::swizzle_portable(a, idx)));
    BOOST_REQUIRE(same(simd::I8x16Swizzle(a, l), simd::swizzle_portable(a, l)));
    BOOST_REQUIRE(same(simd::F32x4Nearest(a), simd::F32x4NearestPortable(a)));
    BOOST_REQUIRE(same(simd::F32x4Floor(a), simd::F32x4FloorPortable(a)));
    BOOST_REQUIRE(same(simd::F64x2Ceil(b), simd::F64x2CeilPortable(b)));
    BOOST_REQUIRE(same(simd::F64x2Trunc(b), simd::F64x2TruncPortable(b)));
  }
}

BOOST_AUTO_TEST_CASE(float_lane_rules) {
  // min/max order signed zeros; pmin/pmax are the plain comparisons.
  V z = make<float>({-0.0f, 0.0f, -0.0f, 1.0f}), w = make<float>({0.0f, -0.0f, -0.0f, NAN});
  auto mn = lanes<uint32_t>(simd::F32x4Min(z, w));
  auto mx = lanes<uint32_t>(simd::F32x4Max(z, w));
  BOOST_TEST(mn[0] == fbits(-0.0f));
  BOOST_TEST(mn[1] == fbits(-0.0f));
  BOOST_TEST(mx[0] == fbits(0.0f));
  BOOST_TEST(mx[1] == fbits(0.0f));
  BOOST_TEST(std::isnan(std::bit_cast<float>(mn[3])));
  BOOST_TEST(std::isnan(std::bit_cast<float>(mx[3])));
  auto pm = lanes<uint32_t>(simd::F32x4Pmin(z, w));
  BOOST_TEST(pm[0] == fbits(-0.0f));  // +0 < -0 is false: the first operand
  BOOST_TEST(pm[3] == fbits(1.0f));   // NaN < 1 is false: the first operand
  // Saturating truncation: NaN -> 0, out of range -> the bound.
  auto t = lanes<int32_t>(simd::I32x4TruncSatF32x4S(make<float>({NAN, 3e9f, -3e9f, -1.5f})));
  BOOST_TEST(t[0] == 0);
  BOOST_TEST(t[1] == INT32_MAX);
  BOOST_TEST(t[2] == INT32_MIN);
  BOOST_TEST(t[3] == -1);
  auto u = lanes<uint32_t>(simd::I32x4TruncSatF64x2UZero(make<double>({-1.0, 5e9})));
  BOOST_TEST(u[0] == 0u);
  BOOST_TEST(u[1] == UINT32_MAX);
  BOOST_TEST(u[2] == 0u);
  // Rounding half to even; the sign of zero is kept.
  auto n = lanes<uint32_t>(simd::F32x4Nearest(make<float>({2.5f, -0.5f, 3.5f, -2.5f})));
  BOOST_TEST(n[0] == fbits(2.0f));
  BOOST_TEST(n[1] == fbits(-0.0f));
  BOOST_TEST(n[2] == fbits(4.0f));
  BOOST_TEST(n[3] == fbits(-2.0f));
}

BOOST_AUTO_TEST_CASE(integer_edge_cases) {
  auto q = lanes<int16_t>(simd::I16x8Q15mulrSatS(make<int16_t>({INT16_MIN, INT16_MIN, 16384}),
                                                 make<int16_t>({INT16_MIN, 1, 16384})));
  BOOST_TEST(q[0] == INT16_MAX);  // the only overflowing product saturates
  BOOST_TEST(q[1] == -1);
  BOOST_TEST(q[2] == 8192);
  BOOST_TEST(lanes<int8_t>(simd::I8x16Abs(make<int8_t>({-128, -5})))[0] == -128);
  BOOST_TEST(lanes<uint8_t>(simd::I8x16Popcnt(make<uint8_t>({0xff, 0x81})))[1] == 2);
  BOOST_TEST(lanes<uint8_t>(simd::I8x16Shl(make<uint8_t>({1}), 9))[0] == 2);  // count mod 8
  BOOST_TEST(lanes<int64_t>(simd::I64x2ShrS(make<int64_t>({-8}), 65))[0] == -4);
  BOOST_TEST(simd::I64x2AllTrue(make<int64_t>({1, 0})) == 0u);
  BOOST_TEST(simd::I16x8Bitmask(make<int16_t>({-1, 1, -1, 1, 1, 1, 1, -32768})) == 0x85u);
  V r = simd::I8x16ReplaceLane(make<uint8_t>({}), 0x1ff, 15);
  BOOST_TEST(lanes<uint8_t>(r)[15] == 0xff);
  BOOST_TEST(lanes<uint8_t>(r)[14] == 0);
  BOOST_TEST(simd::I16x8ExtractLaneS(make<int16_t>({0, -2}), 1) == 0xfffffffeull);
}

// ---- the whole pipeline

namespace {

const char* kModule = R"(
(module
  (memory 1)
  (global $g (mut v128) (v128.const i64x2 7 8))
  (func (export "dot") (param $n i32) (result i32)
    (local $acc v128) (local $i i32)
    (loop $l
      (local.set $acc
        (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (v128.load (local.get $i)) (v128.load offset=1024 (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
  (func (export "fill") (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store16 (local.get $i) (local.get $i))
      (i32.store16 offset=1024 (local.get $i) (i32.const 3))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "pick") (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "swap_global") (param v128) (result v128)
    (global.get $g) (global.set $g (local.get 0)))
  (func (export "shuffle") (param v128 v128) (result v128)
    (i8x16.shuffle 31 0 30 1 29 2 28 3 27 4 26 5 25 6 24 7 (local.get 0) (local.get 1)))
  (func (export "oob") (param i32) (result v128) (v128.load (local.get 0)))
  (func (export "store_lane") (param i32 v128) (v128.store32_lane 3 (local.get 0) (local.get 1))))
)";

V v128_of(const Value& v) {
  V out;
  std::memcpy(&out, v.v128.bytes, 16);
  return out;
}
Value val(V v) {
  tc::wasm::V128 x;
  std::memcpy(x.bytes, &v, 16);
  return Value::make_v128(x);
}

struct Fixture {
  Store store;
  Instance* inst = nullptr;
  Fixture() {
    auto bin = wat::wat_to_binary(kModule);
    BOOST_REQUIRE_MESSAGE(bool(bin), (bin ? std::string() : bin.error().to_string()));
    auto m = load_module(std::move(*bin));
    BOOST_REQUIRE_MESSAGE(bool(m), (m ? std::string() : m.error().to_string()));
    auto i = store.instantiate(*m, std::vector<ExternVal>{});
    BOOST_REQUIRE(bool(i));
    inst = *i;
  }
  Expected<std::vector<Value>> call(std::string_view name, std::vector<Value> args) {
    auto e = inst->find_export(name);
    BOOST_REQUIRE(e && e->kind == ExternKind::Func);
    return store.invoke(e->func, args);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(pipeline_runs_vector_code) {
  Fixture f;
  BOOST_REQUIRE(bool(f.call("fill", {Value::make_i32(512)})));
  auto r = f.call("dot", {Value::make_i32(512)});
  BOOST_REQUIRE(bool(r));
  // sum over k < 256 of (2k) * 3
  BOOST_TEST((*r)[0].i32 == 3 * 2 * (255 * 256 / 2));

  V a = make<uint32_t>({1, 2, 3, 4}), b = make<uint32_t>({5, 6, 7, 8});
  auto p = f.call("pick", {val(a), val(b), Value::make_i32(0)});
  BOOST_REQUIRE(bool(p));
  BOOST_TEST(same(v128_of((*p)[0]), b));

  auto g1 = f.call("swap_global", {val(a)});
  auto g2 = f.call("swap_global", {val(b)});
  BOOST_REQUIRE(g1 && g2);
  BOOST_TEST(same(v128_of((*g1)[0]), make<uint64_t>({7, 8})));
  BOOST_TEST(same(v128_of((*g2)[0]), a));

  auto s = f.call("shuffle", {val(make<uint8_t>({0, 1, 2, 3, 4, 5, 6, 7})), val(make<uint8_t>({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99}))});
  BOOST_REQUIRE(bool(s));
  auto sl = lanes<uint8_t>(v128_of((*s)[0]));
  BOOST_TEST(sl[0] == 99);
  BOOST_TEST(sl[1] == 0);
  BOOST_TEST(sl[3] == 1);
  BOOST_TEST(sl[15] == 7);
}

BOOST_AUTO_TEST_CASE(pipeline_traps_out_of_bounds) {
  Fixture f;
  auto ok = f.call("oob", {Value::make_i32(65536 - 16)});
  BOOST_TEST(bool(ok));
  auto bad = f.call("oob", {Value::make_i32(65536 - 15)});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().message == "out of bounds memory access");
  auto lane_ok = f.call("store_lane", {Value::make_i32(65536 - 4), val(make<uint32_t>({}))});
  BOOST_TEST(bool(lane_ok));
  auto lane_bad = f.call("store_lane", {Value::make_i32(65536 - 3), val(make<uint32_t>({}))});
  BOOST_TEST(!lane_bad);
}

namespace {
std::string load_error(std::string_view wat) {
  auto bin = wat::wat_to_binary(wat);
  if (!bin) return bin.error().message;
  auto m = load_module(std::move(*bin));
  return m ? "ok" : m.error().message;
}
}  // namespace

BOOST_AUTO_TEST_CASE(immediates_are_checked) {
  BOOST_TEST(load_error("(func (result i32) (i32x4.extract_lane 4 (v128.const i32x4 0 0 0 0)))") ==
             "invalid lane index");
  BOOST_TEST(load_error("(func (result i32) (i8x16.extract_lane_u 15 (v128.const i32x4 0 0 0 0)))") == "ok");
  BOOST_TEST(load_error("(func (result i32) (i8x16.extract_lane_u 256 (v128.const i32x4 0 0 0 0)))") ==
             "i8 constant out of range");
  BOOST_TEST(load_error("(func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32 "
                        "(v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0)))") == "invalid lane index");
  BOOST_TEST(load_error("(func (result v128) (i8x16.shuffle 0 1 (v128.const i32x4 0 0 0 0) "
                        "(v128.const i32x4 0 0 0 0)))") == "invalid lane length");
  BOOST_TEST(load_error("(func (drop (v128.const i32x4 1 2 3)))") == "wrong number of lane literals");
  BOOST_TEST(load_error("(func (drop (v128.const i16x8 0 0 0 0 0 0 0 65536)))") == "constant out of range");
  BOOST_TEST(load_error("(memory 1) (func (param v128) (v128.store16_lane 8 (i32.const 0) (local.get 0)))") ==
             "invalid lane index");
  BOOST_TEST(load_error("(memory 1) (func (result v128) (v128.load align=32 (i32.const 0)))") ==
             "alignment must not be larger than natural");
  BOOST_TEST(load_error("(func (result v128) (v128.bitselect (v128.const i32x4 0 0 0 0) "
                        "(v128.const i32x4 0 0 0 0) (i32.const 0)))").starts_with("type mismatch"));
}
