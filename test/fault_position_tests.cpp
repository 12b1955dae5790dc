// Where an out-of-bounds access traps, on a guarded memory (the fault
// handler finds pc from the faulting instruction, exec/guarded_access.hpp)
// and with explicit bounds checks (the handler knows its pc): every load
// and store width, each address form the compiler makes (a slot, the sum of
// two slots, a slot plus a constant), the faulting access alone, after a
// successful one, inside fused groups, in callees and after calls returned.
// The backtraces must be the same both ways.
#define BOOST_TEST_MODULE fault_position_tests
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "interp/engine.hpp"
#include "interp/exec/guard_pages.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

struct Access {
  const char* op;
  const char* type;  // the value's type
};
const Access kLoads[] = {
    {"i32.load", "i32"},     {"i64.load", "i64"},      {"f32.load", "f32"},      {"f64.load", "f64"},
    {"i32.load8_s", "i32"},  {"i32.load8_u", "i32"},   {"i32.load16_s", "i32"},  {"i32.load16_u", "i32"},
    {"i64.load8_s", "i64"},  {"i64.load8_u", "i64"},   {"i64.load16_s", "i64"},  {"i64.load16_u", "i64"},
    {"i64.load32_s", "i64"}, {"i64.load32_u", "i64"},
};
const Access kStores[] = {
    {"i32.store", "i32"},   {"i64.store", "i64"},   {"f32.store", "f32"},
    {"f64.store", "f64"},   {"i32.store8", "i32"},  {"i32.store16", "i32"},
    {"i64.store8", "i64"},  {"i64.store16", "i64"}, {"i64.store32", "i64"},
};
// Address forms: $p alone, $p + $q, $p + 8. Each is called with p = 65536
// (p = 65528 for the constant form) and q = 0: the access starts at the
// end of the one page.
const char* kAddrs[] = {
    "(local.get $p)",
    "(i32.add (local.get $p) (local.get $q))",
    "(i32.add (local.get $p) (i32.const 8))",
};

struct Case {
  std::string name;
  uint32_t p;
  const char* trap = "out of bounds memory access";
};

// The module: one exported function per access, form and place.
std::string module_text(std::vector<Case>& cases) {
  std::string w = "(module (memory (export \"mem\") 1)\n";
  int n = 0;
  auto add = [&](const std::string& body, uint32_t p, const char* result) {
    std::string name = "f" + std::to_string(n++);
    w += "(func (export \"" + name + "\") (param $p i32) (param $q i32)" + result + "\n" + body + ")\n";
    cases.push_back({name, p});
  };
  // First a trap three frames deep, then a fault after an exception thrown
  // two frames down was caught: the frames these left must not show in the
  // backtraces of the faults after them.
  w += "(tag $e)\n(func $deep (unreachable))\n(func $deep2 (call $deep))\n"
       "(func $thrower (throw $e))\n(func $thrower2 (call $thrower))\n";
  add("(call $deep2)", 0, "");
  cases.back().trap = "unreachable";
  add("(i32.load (local.get $p))", 65536, " (result i32)");
  add("(block $h (try_table (catch_all $h) (call $thrower2)))\n(i32.load (local.get $p))", 65536,
      " (result i32)");
  for (int a = 0; a < 3; ++a) {
    const uint32_t p = a == 2 ? 65528 : 65536;
    for (const Access& l : kLoads) {
      const std::string load = std::string("(") + l.op + " " + kAddrs[a] + ")";
      const std::string res = std::string(" (result ") + l.type + ")";
      add(load, p, res.c_str());
      // After a successful access of the same kind: pc must be the second's.
      add(std::string("(drop (") + l.op + " (i32.const 16)))\n" + load, p, res.c_str());
    }
    for (const Access& s : kStores) {
      const std::string store = std::string("(") + s.op + " " + kAddrs[a] + " (" + s.type + ".const 7))";
      add(store, p, "");
      add(std::string("(") + s.op + " (i32.const 16) (" + s.type + ".const 5))\n" + store, p, "");
    }
  }
  // Fused groups: a load of a pointer (memory[0] holds 70000) feeding a
  // load; a load, add and store chained (the store faults); a copy loop
  // of load8/store8 pairs running off the end.
  add("(i32.load (i32.load (local.get $q)))", 0, " (result i32)");
  add("(i32.store (local.get $p) (i32.add (i32.load (local.get $q)) (i32.const 1)))", 65534, "");
  add("(i64.store offset=4 (local.get $p) (i64.add (i64.load (local.get $q)) (i64.const 1)))", 65530, "");
  add(R"((block $done (loop $l
           (i32.store8 (i32.add (local.get $p) (i32.const 1)) (i32.load8_u (local.get $q)))
           (i32.store8 (local.get $p) (i32.load8_u (i32.add (local.get $q) (i32.const 1))))
           (local.set $p (i32.add (local.get $p) (i32.const 2)))
           (br $l))))", 65000, "");
  // In a callee: two frames.
  w += "(func $inner (param $p i32) (result i64) (i64.load offset=3 (local.get $p)))\n";
  add("(i64.add (i64.const 1) (call $inner (i32.add (local.get $p) (local.get $q))))", 65530, " (result i64)");
  // Three frames, then one; and one again after calls returned.
  w += "(func $mid (param $p i32) (result i64) (i64.add (call $inner (local.get $p)) (i64.const 2)))\n";
  add("(i64.add (i64.const 1) (call $mid (local.get $p)))", 65530, " (result i64)");
  add("(i32.load (local.get $p))", 65536, " (result i32)");  // the fault left two frames
  add("(drop (call $mid (i32.const 0))) (drop (call $inner (i32.const 8)))\n"
      "(i64.load (local.get $p))", 65536, " (result i64)");
  w += ")";
  return w;
}

// Each case's trap as text: message, then every frame's name and offset.
std::vector<std::string> run_all(bool guard, bool& guarded) {
  std::vector<Case> cases;
  const std::string text = module_text(cases);
  auto bin = wat::wat_to_binary(text);
  BOOST_REQUIRE_MESSAGE(bool(bin), (bin ? std::string() : bin.error().to_string()));
  auto m = load_module(std::move(*bin));
  BOOST_REQUIRE_MESSAGE(bool(m), (m ? std::string() : m.error().to_string()));
  EngineConfig cfg;
  cfg.guard_pages = guard;
  Store s(cfg);
  auto i = s.instantiate(*m, std::vector<ExternVal>{});
  BOOST_REQUIRE(bool(i));
  auto mem = (*i)->exported_memory("mem");
  guarded = mem->mem.guarded();
  const uint32_t ptr = 70000;
  std::memcpy(mem->mem.data(), &ptr, 4);
  std::vector<std::string> out;
  for (const Case& c : cases) {
    auto e = (*i)->find_export(c.name);
    BOOST_REQUIRE(e && e->kind == ExternKind::Func);
    std::vector<Value> args = {Value::make_i32(c.p), Value::make_i32(0)};
    auto r = s.invoke(e->func, args);
    std::string t = c.name + ":";
    if (r) {
      t += " no trap";
    } else {
      t += " " + r.error().message;
      for (const auto& f : r.error().backtrace) t += " " + f.name + "+" + std::to_string(f.func_offset);
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(guarded_faults_report_the_faulting_instruction) {
  bool guarded = false, checked_guarded = true;
  const auto with_guard = run_all(true, guarded);
  const auto checked = run_all(false, checked_guarded);
  std::vector<Case> cases;
  (void)module_text(cases);
  BOOST_TEST(!checked_guarded);
  BOOST_TEST(guarded == guard_pages_available());
#if defined(__x86_64__)
  // The handler reads pc from the faulting instruction's register there:
  // the accesses must have listed themselves.
  if (guarded) BOOST_TEST(guard_fault_sites() > 100u);
#endif
  BOOST_REQUIRE_EQUAL(with_guard.size(), checked.size());
  for (size_t k = 0; k < checked.size(); ++k) {
    BOOST_TEST(checked[k].find(cases[k].trap) != std::string::npos, checked[k]);
    BOOST_TEST(with_guard[k] == checked[k]);
  }
  // The explicit checks' positions are the instruction's: the second
  // access of a pair (case 4; the first three are about frames left
  // behind) is not at offset 0 of its function.
  BOOST_TEST(checked[4].find("+0") == std::string::npos, checked[4]);
}
