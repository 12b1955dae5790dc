;; Mutual recursion in tail calls, in one frame however deep:
;; `timecraft run --invoke even examples/even_odd.wat 1000000`
;; (with `call` instead of `return_call`, "call stack exhausted").
(module $even_odd
  (func $even (export "even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (export "odd") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get $n) (i64.const 1)))))))
