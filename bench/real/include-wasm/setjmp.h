// wasi-libc (Debian, 2022) has no setjmp.h: WebAssembly has no setjmp
// without the exception-handling runtime. Lua's ldo.c only needs it to
// unwind on errors and on coroutine.yield; the benchmark scripts do
// neither, so this stand-in makes a throw fatal instead.
// Only on the include path of the wasm build of Lua.
#ifndef BENCH_REAL_SETJMP_H
#define BENCH_REAL_SETJMP_H
#include <stdio.h>
#include <stdlib.h>
typedef int jmp_buf[1];
#define setjmp(b) ((void)(b), 0)
static inline _Noreturn void longjmp(jmp_buf b, int v) {
  (void)b, (void)v;
  fputs("lua: error or yield thrown, but this wasm build has no setjmp (bench/real/include-wasm/setjmp.h)\n", stderr);
  abort();
}
#endif
