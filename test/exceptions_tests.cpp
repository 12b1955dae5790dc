// Exception handling at the embedding boundary (interp/exec): an exception
// never unwinds through a host frame. A host function that calls back into
// wasm which throws gets the Exception error; a try_table around the call
// of that host function cannot catch it; traps stay traps; the frames the
// unwinder left are gone (the store runs the next invoke normally).
#define BOOST_TEST_MODULE exceptions_tests
#include <boost/test/unit_test.hpp>

#include "interp/engine.hpp"
#include "interp/text/wat.hpp"

using namespace tc;
using namespace tc::wasm;

namespace {

std::shared_ptr<const Module> load(std::string_view wat) {
  auto bin = wat::wat_to_binary(wat);
  BOOST_REQUIRE_MESSAGE(bool(bin), (bin ? std::string() : bin.error().to_string()));
  auto m = load_module(std::move(*bin));
  BOOST_REQUIRE_MESSAGE(bool(m), (m ? std::string() : m.error().to_string()));
  return *m;
}

// "host" "call" calls the module's export "callback" and returns what the
// call did: 1 = returned, 2 = uncaught exception, 3 = trap.
const char* const kModule = R"(
  (module
    (import "host" "call" (func $host_call (param i32) (result i32)))
    (tag $e (param i32))
    (func (export "callback") (param i32)
      (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e (i32.const 7))))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (unreachable))))
    ;; A try_table around the host call: a throw below the host frame
    ;; must not land here.
    (func (export "through_host") (param i32) (result i32)
      (block $h (result i32)
        (try_table (result i32) (catch $e $h) (call $host_call (local.get 0)))))
    (func (export "throw_uncaught") (throw $e (i32.const 1)))
    (func (export "trap_caught_nowhere") (result i32)
      (block $h
        (try_table (catch_all $h) (unreachable)))
      (i32.const 5))
    (func (export "catch_in_wasm") (result i32)
      (block $h (result i32)
        (try_table (result i32) (catch $e $h) (call 1 (i32.const 1)) (i32.const 0)))))
)";

struct Fixture {
  Store store;
  Instance* inst = nullptr;
  std::vector<ErrorKind> seen;  // what the host function's callbacks returned

  Fixture() {
    FuncInst* host = store.add_host_func(
        FuncType{{ValType::I32}, {ValType::I32}},
        [this](HostContext& ctx, std::span<const Value> args, std::span<Value> results) -> Expected<void> {
          auto cb = inst->find_export("callback");
          auto r = ctx.store.invoke(cb->func, args);
          if (!r) seen.push_back(r.error().kind);
          results[0] = Value::make_i32(r ? 1 : r.error().kind == ErrorKind::Exception ? 2 : 3);
          if (!r && r.error().kind == ErrorKind::Exception) return std::move(r.error());
          return {};
        },
        "host.call");
    auto m = load(kModule);
    auto i = store.instantiate(m, std::vector<ExternVal>{ExternVal{ExternKind::Func, host}});
    BOOST_REQUIRE(bool(i));
    inst = *i;
  }
  Expected<std::vector<Value>> call(const char* name, std::vector<Value> args = {}) {
    return store.invoke(inst->find_export(name)->func, args);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(host_boundary, Fixture)

BOOST_AUTO_TEST_CASE(a_throw_reaching_an_invoke_is_the_exception_error) {
  auto r = call("throw_uncaught");
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Exception));
  BOOST_TEST(r.error().message == "uncaught exception");
  BOOST_REQUIRE(!r.error().backtrace.empty());
  // The store is usable again: the abandoned frames are gone.
  auto ok = call("catch_in_wasm");
  BOOST_REQUIRE(bool(ok));
  BOOST_TEST((*ok)[0].i32 == 7u);
}

BOOST_AUTO_TEST_CASE(a_host_function_gets_the_exception_of_its_callback) {
  // The callback throws: the host sees Exception and passes it on; the
  // try_table around the host call does not catch it.
  auto r = call("through_host", {Value::make_i32(1)});
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Exception));
  BOOST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(int(seen[0]) == int(ErrorKind::Exception));
  // A callback that returns, then one that traps (the host reports 3 and
  // returns normally).
  auto fine = call("through_host", {Value::make_i32(0)});
  BOOST_REQUIRE(bool(fine));
  BOOST_TEST((*fine)[0].i32 == 1u);
  auto trapped = call("through_host", {Value::make_i32(2)});
  BOOST_REQUIRE(bool(trapped));
  BOOST_TEST((*trapped)[0].i32 == 3u);
  BOOST_TEST(int(seen.back()) == int(ErrorKind::Trap));
}

BOOST_AUTO_TEST_CASE(traps_are_not_caught_by_catch_all) {
  auto r = call("trap_caught_nowhere");
  BOOST_REQUIRE(!r);
  BOOST_TEST(int(r.error().kind) == int(ErrorKind::Trap));
  BOOST_TEST(r.error().message == "unreachable");
}

BOOST_AUTO_TEST_SUITE_END()

// The debugger's exact tier: stepping one instruction at a time goes from
// the throw (three frames deep) straight into the catch clause's code, and
// the frame list there has the catching frame alone.
BOOST_AUTO_TEST_CASE(stepping_from_a_throw_lands_in_the_catch) {
  EngineConfig cfg;
  cfg.exact_tier = true;
  Store store(cfg);
  auto m = load(R"(
    (module
      (tag $e (param i32))
      (func $inner (param i32) (throw $e (local.get 0)))
      (func $middle (param i32) (call $inner (local.get 0)))
      (func (export "run") (result i32)
        (try (result i32)
          (do (call $middle (i32.const 4)) (i32.const 0))
          (catch $e (i32.const 10) (i32.add)))))
  )");
  auto inst = store.instantiate(m, std::vector<ExternVal>{});
  BOOST_REQUIRE(bool(inst));
  std::vector<std::pair<size_t, uint32_t>> seen;  // (frames, offset) before each instruction
  store.set_step_hook([&] {
    auto frames = store.stack_frames();
    BOOST_REQUIRE(!frames.empty());
    seen.push_back({frames.size(), frames[0].offset});
    store.set_stop_at(store.instruction_count() + 1);
    return true;
  });
  store.set_stop_at(1);
  auto r = store.invoke((*inst)->find_export("run")->func, {});
  BOOST_REQUIRE(bool(r));
  BOOST_TEST((*r)[0].i32 == 14u);
  // The throw is the last instruction three frames deep; the next one runs
  // in the outer frame.
  size_t k = 0;
  while (k < seen.size() && seen[k].first != 3) ++k;
  while (k < seen.size() && seen[k].first == 3) ++k;
  BOOST_REQUIRE(k < seen.size());
  BOOST_TEST(seen[k].first == 1u);
  // i32.const 10, i32.add, end: the catch clause, then the function's end.
  BOOST_TEST(seen.size() - k == 4u);
  BOOST_TEST(seen.size() == store.instruction_count());
}
