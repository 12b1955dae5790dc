// bzip2 (Debian's bzip2 sources, libbz2 buffer API): compress a generated
// buffer with 900k blocks and decompress it again, checking the round trip.
//   bzip2_bench [MIB] [tune]    (tune: other data, 300k blocks)
#include <stdlib.h>
#include "gen.h"
#include "bzlib.h"

int main(int argc, char **argv) {
  unsigned n = (unsigned)((argc > 1 ? atof(argv[1]) : 4) * (1 << 20));
  int tune = argc > 2 && !strcmp(argv[2], "tune");
  unsigned cap = n + n / 100 + 600, c = cap, d = n;
  char *src = malloc(n), *dst = malloc(cap), *back = malloc(n);
  gen_text((unsigned char *)src, n, tune ? 77u : 12345u);
  int rc = BZ2_bzBuffToBuffCompress(dst, &c, src, n, tune ? 3 : 9, 0, 30);
  if (rc != BZ_OK) { fprintf(stderr, "bzip2: compress failed (%d)\n", rc); return 1; }
  rc = BZ2_bzBuffToBuffDecompress(back, &d, dst, c, 0, 0);
  if (rc != BZ_OK || d != n || memcmp(src, back, n)) { fprintf(stderr, "bzip2: round trip failed (%d)\n", rc); return 1; }
  printf("%u -> %u\n", n, c);
  printf("checksum: %016llx\n", (unsigned long long)fnv1a((unsigned char *)dst, c, 1469598103934665603ull));
  return 0;
}
