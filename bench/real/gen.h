// Deterministic test data for the compressor drivers: text-like records
// (words, numbers, punctuation; compresses about 3-4x) so the compressors
// see realistic matches and literals. Same bytes on every target.
#ifndef BENCH_REAL_GEN_H
#define BENCH_REAL_GEN_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t gen_state = 0x9e3779b9u;
static uint32_t gen_next(void) { // xorshift32
  gen_state ^= gen_state << 13, gen_state ^= gen_state >> 17, gen_state ^= gen_state << 5;
  return gen_state;
}

// Fills buf[0..n) and returns n. `seed` picks a different stream (the tuning
// workloads use another seed than the reported ones).
static size_t gen_text(unsigned char *buf, size_t n, uint32_t seed) {
  static const char *words[] = {"the", "of", "record", "timecraft", "replay", "value", "system", "call",
                                "memory", "page", "branch", "loop", "table", "index", "error", "module",
                                "stack", "frame", "trace", "log", "clock", "read", "write", "file"};
  gen_state = seed ? seed : 1;
  size_t k = 0;
  while (k < n) {
    char rec[128];
    uint32_t a = gen_next() % 100000, w1 = gen_next() % 24, w2 = gen_next() % 24, w3 = gen_next() % 24;
    uint32_t v = gen_next() % 1000, nl = gen_next() % 8; // one call per statement: a fixed order
    int len = snprintf(rec, sizeof rec, "%u %s %s %s=%u;%c", a, words[w1], words[w2], words[w3], v, nl ? ' ' : '\n');
    for (int i = 0; i < len && k < n; i++) buf[k++] = (unsigned char)rec[i];
  }
  return n;
}

static uint64_t fnv1a(const unsigned char *p, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}
#endif
