// A DWARF 5 module (.debug_loclists, .debug_rnglists, .debug_addr,
// DW_OP_addrx) for test/dwarf_tests.cpp. No libc: wasm-ld 14 aborts when a
// DWARF 5 object is linked with Debian's (DWARF 4) wasi-libc. Marker
// comments "@name" label lines the tests look up.
int g_base = 3;

static inline int sq(int x) {
  return x * x;  // @d5_sq
}

__attribute__((noinline)) int add(int a, int b) {
  return a + b;  // @d5_add
}

__attribute__((export_name("run"))) int run(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) {
    int t = sq(i) + g_base;  // @d5_t
    s = add(s, t);
  }
  return s;  // @d5_return
}
