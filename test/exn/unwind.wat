;; Exceptions thrown across several frames, caught in between: the program
;; of test/exceptions_e2e_tests.cpp, run with `timecraft run` and replayed.
;; Each line it prints is a result computed through a throw and a catch.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (tag $boom (param i32))
  (tag $other (param i64 i32))
  (global $stash (mut exnref) (ref.null exn))

  ;; Prints "LABEL VALUE\n": the label's bytes at [ptr, ptr + len).
  (func $print (param $ptr i32) (param $len i32) (param $v i32)
    (local $p i32) (local $neg i32)
    ;; digits right to left, ending at 200
    (local.set $p (i32.const 200))
    (i32.store8 (local.get $p) (i32.const 10))
    (local.set $neg (i32.lt_s (local.get $v) (i32.const 0)))
    (if (local.get $neg) (then (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digits (local.get $v)))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (local.set $p (i32.sub (local.get $p) (i32.const 1)))
    (i32.store8 (local.get $p) (i32.const 32))
    ;; iovecs at 208: the label, then the number
    (i32.store (i32.const 208) (local.get $ptr))
    (i32.store (i32.const 212) (local.get $len))
    (i32.store (i32.const 216) (local.get $p))
    (i32.store (i32.const 220) (i32.sub (i32.const 201) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 208) (i32.const 2) (i32.const 224))))
  (data (i32.const 300) "outer" "legacy" "rethrow" "stash" "deep" "loop" "other")

  (func $thrower (param $x i32)
    (throw $boom (i32.mul (local.get $x) (i32.const 2))))

  ;; A frame in between with a handler that does not match $boom.
  (func $middle (param $x i32) (result i32)
    (block $o (result i64 i32)
      (try_table (catch $other $o)
        (call $thrower (local.get $x)))
      (return (i32.const -1)))
    (drop) (drop)
    (i32.const -2))

  ;; catch $boom two frames down: the payload, plus 7.
  (func $outer (param $x i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $boom $h)
        (i32.add (i32.const 1000) (call $middle (local.get $x)))))
    (i32.add (i32.const 7)))

  ;; The legacy form: try/catch, and catch_all + rethrow.
  (func $legacy (param $x i32) (result i32)
    (try (result i32)
      (do (call $middle (local.get $x)))
      (catch $boom (i32.add (i32.const 100)))))
  (func $rethrow (param $x i32) (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $middle (local.get $x)))
          (catch_all (rethrow 0))))
      (catch $boom (i32.sub (i32.const 0)))))

  ;; catch_all_ref keeps the exception in a global; throw_ref raises it
  ;; again from another function.
  (func $keep (param $x i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $thrower (local.get $x)))
      (return))
    (global.set $stash))
  (func $raise_kept (result i32)
    (block $h (result i32)
      (try_table (catch $boom $h) (throw_ref (global.get $stash)))
      (unreachable)))

  ;; Unwinds n frames at once.
  (func $deep (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (throw $boom (i32.const 5))))
    (i32.add (local.get $n) (call $deep (i32.sub (local.get $n) (i32.const 1)))))
  (func $catch_deep (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $boom $h) (call $deep (local.get $n)))))

  ;; Many throws and catches: sum of the payloads.
  (func $loop (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (block $h (result i32)
        (try_table (catch $boom $h) (call $thrower (local.get $n)))
        (unreachable))
      (local.set $sum (i32.add (local.get $sum)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again))
    (local.get $sum))

  ;; A payload of two values caught with its reference: 40 + 2 + 1.
  (func $other_pair (result i32)
    (local $r exnref) (local $b i32)
    (block $h (result i64 i32 exnref)
      (try_table (catch_ref $other $h) (throw $other (i64.const 40) (i32.const 2)))
      (unreachable))
    (local.set $r)
    (local.set $b)
    (i32.add (i32.wrap_i64) (local.get $b))
    (i32.add (i32.eqz (ref.is_null (local.get $r)))))

  (func (export "_start")
    (call $print (i32.const 300) (i32.const 5) (call $outer (i32.const 5)))
    (call $print (i32.const 305) (i32.const 6) (call $legacy (i32.const 6)))
    (call $print (i32.const 311) (i32.const 7) (call $rethrow (i32.const 21)))
    (call $keep (i32.const 33))
    (call $print (i32.const 318) (i32.const 5) (call $raise_kept))
    (call $print (i32.const 323) (i32.const 4) (call $catch_deep (i32.const 1000)))
    (call $print (i32.const 327) (i32.const 4) (call $loop (i32.const 10000)))
    (call $print (i32.const 331) (i32.const 5) (call $other_pair))))
