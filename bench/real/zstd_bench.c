// zstd (Debian's libzstd sources): compress a generated buffer at a few
// levels and decompress it again, checking the round trip.
//   zstd_bench [MIB] [tune]    (tune: the tuning-corpus workload, other data and levels)
#include <stdlib.h>
#include "gen.h"
#include "zstd.h"

int main(int argc, char **argv) {
  size_t n = (size_t)((argc > 1 ? atof(argv[1]) : 8) * (1 << 20));
  int tune = argc > 2 && !strcmp(argv[2], "tune");
  static const int levels[] = {1, 3, 9}, tune_levels[] = {2, 6, 12};
  unsigned char *src = malloc(n), *back = malloc(n);
  size_t cap = ZSTD_compressBound(n);
  unsigned char *dst = malloc(cap);
  gen_text(src, n, tune ? 77u : 12345u);
  uint64_t h = 1469598103934665603ull;
  for (int l = 0; l < 3; l++) {
    size_t c = ZSTD_compress(dst, cap, src, n, tune ? tune_levels[l] : levels[l]);
    if (ZSTD_isError(c)) { fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(c)); return 1; }
    size_t d = ZSTD_decompress(back, n, dst, c);
    if (ZSTD_isError(d) || d != n || memcmp(src, back, n)) { fprintf(stderr, "zstd: round trip failed\n"); return 1; }
    h = fnv1a(dst, c, h);
    printf("level %d: %zu -> %zu\n", tune ? tune_levels[l] : levels[l], n, c);
  }
  printf("checksum: %016llx\n", (unsigned long long)h);
  return 0;
}
